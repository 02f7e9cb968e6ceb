/* Checks explicit and implicit barriers over thousands of phases: no thread passes a barrier before every thread has reached it. */
#include <omp.h>
#include "common.h"

#define MAXT 256
#define PHASES 2000

static int slot[MAXT];

int main (void)
{
  int bad = 0;
#pragma omp parallel reduction(+:bad)
  {
    int me = omp_get_thread_num ();
    int n = omp_get_num_threads ();
    for (int phase = 1; phase <= PHASES; phase++) {
      __atomic_store_n (&slot[me], phase, __ATOMIC_RELAXED);
#pragma omp barrier
      for (int t = 0; t < n; t++) {
        int v = __atomic_load_n (&slot[t], __ATOMIC_RELAXED);
        if (v != phase) bad++;
      }
#pragma omp barrier
    }
  }
  CHECK (bad == 0, "%d stale slots across barriers", bad);
  printf ("barrier phases %d\n", PHASES);
  report ("explicit barrier phases");

  /* Counter-based check: everyone increments, barrier, everyone sees the full count. */
  {
    int counter = 0, wrong = 0, nth = 0;
#pragma omp parallel reduction(+:wrong)
    {
#pragma omp single
      nth = omp_get_num_threads ();
      for (int phase = 1; phase <= 1000; phase++) {
        __atomic_fetch_add (&counter, 1, __ATOMIC_RELAXED);
#pragma omp barrier
        if (__atomic_load_n (&counter, __ATOMIC_RELAXED) != phase * nth) wrong++;
#pragma omp barrier
      }
    }
    CHECK (wrong == 0, "counter barrier wrong %d", wrong);
  }
  report ("counting barrier");

  /* Implicit barriers at the end of for and single. */
  {
    static int data[4096];
    int wrong = 0;
#pragma omp parallel reduction(+:wrong)
    {
      for (int phase = 0; phase < 200; phase++) {
#pragma omp for schedule(dynamic, 7)
        for (int i = 0; i < 4096; i++) data[i] = phase + i;
        /* implicit barrier: all writes done */
        for (int i = 1 + omp_get_thread_num (); i < 4096; i += 61)
          if (data[i] != phase + i) wrong++;
#pragma omp single
        data[0] = -1;
        if (data[0] != -1) wrong++;
#pragma omp barrier
      }
    }
    CHECK (wrong == 0, "implicit barrier wrong %d", wrong);
  }
  report ("implicit barriers");

  /* Barriers in teams of different sizes back to back (team resizing). */
  {
    int wrong = 0;
    for (int rep = 0; rep < 300; rep++) {
      int n = 1 + rep % 5, cnt = 0;
#pragma omp parallel num_threads(n) reduction(+:wrong)
      {
        __atomic_fetch_add (&cnt, 1, __ATOMIC_RELAXED);
#pragma omp barrier
        if (__atomic_load_n (&cnt, __ATOMIC_RELAXED) != omp_get_num_threads ()) wrong++;
      }
    }
    CHECK (wrong == 0, "resized team barrier wrong %d", wrong);
  }
  report ("barriers with varying team sizes");

  return finish ();
}
