/* Checks sections and parallel sections: each section runs exactly once per encounter, lastprivate takes the last section's value, nowait and reductions work. */
#include <omp.h>
#include "common.h"

int main (void)
{
  int counts[6] = { 0 };
  for (int rep = 0; rep < 2000; rep++) {
#pragma omp parallel
    {
#pragma omp sections
      {
#pragma omp section
        __atomic_fetch_add (&counts[0], 1, __ATOMIC_RELAXED);
#pragma omp section
        __atomic_fetch_add (&counts[1], 1, __ATOMIC_RELAXED);
#pragma omp section
        __atomic_fetch_add (&counts[2], 1, __ATOMIC_RELAXED);
#pragma omp section
        __atomic_fetch_add (&counts[3], 1, __ATOMIC_RELAXED);
#pragma omp section
        __atomic_fetch_add (&counts[4], 1, __ATOMIC_RELAXED);
      }
      /* The implicit barrier guarantees all five are done here. */
      int c4 = __atomic_load_n (&counts[4], __ATOMIC_RELAXED);
      CHECK (c4 == rep + 1, "after sections barrier: %d want %d", c4, rep + 1);
#pragma omp sections nowait
      {
#pragma omp section
        __atomic_fetch_add (&counts[5], 1, __ATOMIC_RELAXED);
#pragma omp section
        __atomic_fetch_add (&counts[5], 1, __ATOMIC_RELAXED);
      }
    }
  }
  for (int k = 0; k < 5; k++)
    CHECK (counts[k] == 2000, "section %d ran %d times", k, counts[k]);
  CHECK (counts[5] == 4000, "nowait sections ran %d", counts[5]);
  printf ("sections counts %d %d %d %d %d %d\n", counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
  report ("sections");

  /* parallel sections with lastprivate and reduction. */
  for (int rep = 0; rep < 2000; rep++) {
    int last = -1;
    long sum = 0;
#pragma omp parallel sections lastprivate(last) reduction(+:sum)
    {
#pragma omp section
      { last = 1; sum += 1; }
#pragma omp section
      { last = 2; sum += 10; }
#pragma omp section
      { last = 3; sum += 100; }
#pragma omp section
      { last = 4 + rep; sum += 1000; }
    }
    CHECK (last == 4 + rep, "lastprivate %d", last);
    CHECK (sum == 1111, "sections reduction %ld", sum);
  }
  report ("parallel sections lastprivate/reduction");

  /* Many sections (more than threads), with firstprivate, inside a larger region. */
  {
    int total = 0;
    for (int rep = 0; rep < 500; rep++) {
      int base = rep;
#pragma omp parallel shared(base, total)
      {
#pragma omp sections firstprivate(base) reduction(+:total)
        {
#pragma omp section
          total += base;
#pragma omp section
          total += base;
#pragma omp section
          total += base;
#pragma omp section
          total += base;
#pragma omp section
          total += base;
#pragma omp section
          total += base;
#pragma omp section
          total += base;
#pragma omp section
          total += base;
#pragma omp section
          total += base;
#pragma omp section
          total += base;
#pragma omp section
          total += base;
#pragma omp section
          total += base;
        }
      }
    }
    CHECK (total == 12 * 124750, "many sections total %d", total);
    printf ("many sections total %d\n", total);
  }
  report ("many sections");

  /* Sections with one thread team and in a nested serialized region. */
  {
    int c = 0;
#pragma omp parallel num_threads(1)
#pragma omp sections
    {
#pragma omp section
      c += 1;
#pragma omp section
      c += 2;
    }
    CHECK (c == 3, "single-thread sections %d", c);
  }
  report ("sections in a one-thread team");

  return finish ();
}
