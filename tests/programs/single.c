/* Checks single: one execution per encounter, the implicit barrier, nowait, and copyprivate broadcast of several variables. */
#include <omp.h>
#include "common.h"

struct blob { int v[8]; double d; };

int main (void)
{
  /* Each single runs once; the barrier after it makes its write visible to all. */
  {
    int count = 0;
    for (int rep = 0; rep < 200; rep++) {
#pragma omp parallel shared(count)
      {
        for (int k = 0; k < 25; k++) {
#pragma omp single
          count++;
          int seen = __atomic_load_n (&count, __ATOMIC_RELAXED);
          CHECK (seen == rep * 25 + k + 1, "after single barrier saw %d want %d", seen, rep * 25 + k + 1);
#pragma omp barrier
        }
      }
    }
    CHECK (count == 5000, "single count %d", count);
    printf ("single count %d\n", count);
  }
  report ("single");

  /* single nowait, many back to back. */
  {
    int count = 0;
#pragma omp parallel
    {
      for (int k = 0; k < 5000; k++) {
#pragma omp single nowait
        __atomic_fetch_add (&count, 1, __ATOMIC_RELAXED);
      }
    }
    CHECK (count == 5000, "single nowait count %d", count);
    printf ("single nowait count %d\n", count);
  }
  report ("single nowait");

  /* copyprivate broadcasts scalars and a struct from the single thread. */
  for (int rep = 0; rep < 500; rep++) {
    int bad = 0;
#pragma omp parallel reduction(+:bad)
    {
      int x;
      double y;
      struct blob b;
#pragma omp single copyprivate(x, y, b)
      {
        x = rep * 3;
        y = rep * 0.5;
        for (int k = 0; k < 8; k++) b.v[k] = rep + k;
        b.d = -rep;
      }
      if (x != rep * 3 || y != rep * 0.5 || b.d != -rep) bad++;
      for (int k = 0; k < 8; k++) if (b.v[k] != rep + k) bad++;
    }
    CHECK (bad == 0, "copyprivate mismatch %d at rep %d", bad, rep);
  }
  report ("single copyprivate");

  /* Copyprivate of a threadprivate-like private pointer value. */
  for (int rep = 0; rep < 200; rep++) {
    int target = rep;
    int wrong = 0;
#pragma omp parallel reduction(+:wrong)
    {
      int *p = 0;
#pragma omp single copyprivate(p)
      p = &target;
      if (p != &target || *p != rep) wrong++;
    }
    CHECK (wrong == 0, "pointer copyprivate %d", wrong);
  }
  report ("copyprivate pointer");

  return finish ();
}
