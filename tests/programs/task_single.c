/* Checks tasks created in a single region complete at the implicit barrier, tasks created by every thread, and many tasks queued at once. */
#include <omp.h>
#include "common.h"

#define NT 20000

int main (void)
{
  /* Tasks from single nowait are finished by the barrier that follows. */
  for (int rep = 0; rep < 10; rep++) {
    int done = 0, bad = 0;
#pragma omp parallel reduction(+:bad)
    {
#pragma omp single nowait
      for (int k = 0; k < NT; k++) {
#pragma omp task
        __atomic_fetch_add (&done, 1, __ATOMIC_RELAXED);
      }
#pragma omp barrier
      if (__atomic_load_n (&done, __ATOMIC_RELAXED) != NT) bad++;
    }
    CHECK (bad == 0, "tasks unfinished at barrier (%d threads saw it)", bad);
    CHECK (done == NT, "done %d", done);
  }
  report ("single producer, barrier completes tasks");

  /* Tasks from single (with its own implicit barrier) and completed before the region ends. */
  for (int rep = 0; rep < 10; rep++) {
    int done = 0;
#pragma omp parallel
#pragma omp single
    for (int k = 0; k < NT; k++) {
#pragma omp task
      __atomic_fetch_add (&done, 1, __ATOMIC_RELAXED);
    }
    CHECK (done == NT, "after region %d", done);
  }
  report ("tasks finished by region end");

  /* Every thread creates tasks. */
  for (int rep = 0; rep < 10; rep++) {
    long sum = 0;
    int nth = 0;
#pragma omp parallel
    {
#pragma omp single
      nth = omp_get_num_threads ();
      for (int k = 0; k < 2000; k++) {
#pragma omp task firstprivate(k)
        __atomic_fetch_add (&sum, k, __ATOMIC_RELAXED);
      }
    }
    CHECK (sum == (long) nth * 1999 * 2000 / 2, "all-thread tasks sum %ld", sum);
  }
  report ("tasks created by all threads");

  /* Tasks that create tasks, no waits at all, closed by the region's barrier. */
  {
    int leaves = 0;
#pragma omp parallel
#pragma omp single
    for (int a = 0; a < 50; a++) {
#pragma omp task
      for (int b = 0; b < 50; b++) {
#pragma omp task
        __atomic_fetch_add (&leaves, 1, __ATOMIC_RELAXED);
      }
    }
    CHECK (leaves == 2500, "leaves %d", leaves);
    printf ("leaf tasks %d\n", leaves);
  }
  report ("nested fire-and-forget tasks");

  /* Tasks in worksharing loops with a taskwait per iteration. */
  {
    long total = 0;
#pragma omp parallel for schedule(dynamic) reduction(+:total)
    for (int i = 0; i < 500; i++) {
      long a = 0, b = 0;
#pragma omp task shared(a)
      a = i;
#pragma omp task shared(b)
      b = 2 * i;
#pragma omp taskwait
      total += a + b;
    }
    CHECK (total == 3L * 499 * 500 / 2, "task in for total %ld", total);
  }
  report ("tasks inside a loop");

  return finish ();
}
