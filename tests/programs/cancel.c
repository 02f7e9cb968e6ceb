/* Checks cancellation constructs: with OMP_CANCELLATION off they do nothing, with it on cancelled work stops early but completed work stays consistent. */
#include <omp.h>
#include "common.h"

#define N 100000

int main (void)
{
  int enabled = omp_get_cancellation ();
  printf ("cancellation %s\n", enabled ? "enabled" : "disabled");

  /* cancel for */
  for (int rep = 0; rep < 20; rep++) {
    int ran = 0;
#pragma omp parallel
    {
#pragma omp for schedule(dynamic, 16)
      for (int i = 0; i < N; i++) {
        __atomic_fetch_add (&ran, 1, __ATOMIC_RELAXED);
        if (i == 100) {
#pragma omp cancel for
        }
#pragma omp cancellation point for
      }
    }
    CHECK (ran >= 1 && ran <= N, "cancel for ran %d", ran);
    if (!enabled)
      CHECK (ran == N, "cancel for without cancellation ran %d", ran);
  }
  report ("cancel for");

  /* cancel parallel: every thread leaves at the next cancellation point. */
  for (int rep = 0; rep < 20; rep++) {
    int passes = 0, nth = 0;
#pragma omp parallel
    {
#pragma omp single
      nth = omp_get_num_threads ();
      for (int k = 0; k < 100; k++) {
        if (k == 10 && omp_get_thread_num () == 0) {
#pragma omp cancel parallel
        }
#pragma omp cancellation point parallel
        __atomic_fetch_add (&passes, 1, __ATOMIC_RELAXED);
      }
    }
    CHECK (passes <= 100 * nth, "cancel parallel passes %d", passes);
    if (!enabled)
      CHECK (passes == 100 * nth, "cancel parallel without cancellation passes %d", passes);
    else
      CHECK (passes < 100 * nth, "cancel parallel did not cancel: %d", passes);
  }
  report ("cancel parallel");

  /* cancel taskgroup: remaining tasks are discarded or skipped. */
  for (int rep = 0; rep < 20; rep++) {
    int ran = 0;
#pragma omp parallel
#pragma omp single
    {
#pragma omp taskgroup
      {
        for (int k = 0; k < 1000; k++) {
#pragma omp task shared(ran) firstprivate(k)
          {
            __atomic_fetch_add (&ran, 1, __ATOMIC_RELAXED);
            if (k == 5) {
#pragma omp cancel taskgroup
            }
          }
        }
      }
    }
    CHECK (ran >= 1 && ran <= 1000, "cancel taskgroup ran %d", ran);
    if (!enabled)
      CHECK (ran == 1000, "cancel taskgroup without cancellation ran %d", ran);
  }
  report ("cancel taskgroup");

  /* cancel sections */
  for (int rep = 0; rep < 20; rep++) {
    int ran = 0;
#pragma omp parallel
    {
#pragma omp sections
      {
#pragma omp section
        {
          __atomic_fetch_add (&ran, 1, __ATOMIC_RELAXED);
#pragma omp cancel sections
        }
#pragma omp section
        {
#pragma omp cancellation point sections
          __atomic_fetch_add (&ran, 1, __ATOMIC_RELAXED);
        }
      }
    }
    CHECK (ran >= 1 && ran <= 2, "cancel sections ran %d", ran);
    if (!enabled)
      CHECK (ran == 2, "cancel sections without cancellation ran %d", ran);
  }
  report ("cancel sections");

  return finish ();
}
