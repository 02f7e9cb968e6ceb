/* Checks master and masked (with filter) run only on the selected thread and have no implied barrier. */
#include <omp.h>
#include "common.h"

int main (void)
{
  for (int rep = 0; rep < 2000; rep++) {
    int master_runs = 0, masked_runs = 0, filt1 = 0, filt_missing = 0, nth = 0;
#pragma omp parallel
    {
#pragma omp single
      nth = omp_get_num_threads ();
#pragma omp master
      {
        CHECK (omp_get_thread_num () == 0, "master on thread %d", omp_get_thread_num ());
        master_runs++;
      }
#pragma omp masked
      {
        CHECK (omp_get_thread_num () == 0, "masked on thread %d", omp_get_thread_num ());
        masked_runs++;
      }
#pragma omp masked filter(1)
      {
        CHECK (omp_get_thread_num () == 1, "masked filter(1) on thread %d", omp_get_thread_num ());
        filt1++;
      }
#pragma omp masked filter(omp_get_num_threads () + 5)
      filt_missing++;
    }
    CHECK (master_runs == 1 && masked_runs == 1, "master %d masked %d", master_runs, masked_runs);
    CHECK (filt1 == (nth > 1), "filter(1) ran %d with %d threads", filt1, nth);
    CHECK (filt_missing == 0, "filter past the team ran %d", filt_missing);
  }
  report ("master/masked");

  /* parallel masked combined construct with taskloop-free body. */
  for (int rep = 0; rep < 500; rep++) {
    int runs = 0;
#pragma omp parallel masked
    {
      CHECK (omp_get_thread_num () == 0, "parallel masked on %d", omp_get_thread_num ());
      runs++;
    }
    CHECK (runs == 1, "parallel masked ran %d", runs);
  }
  report ("parallel masked");

  /* master has no barrier: the other threads may pass it; a following barrier synchronizes. */
  {
    int value = 0, bad = 0;
#pragma omp parallel reduction(+:bad)
    {
      for (int k = 1; k <= 300; k++) {
#pragma omp master
        value = k;
#pragma omp barrier
        if (value != k) bad++;
#pragma omp barrier
      }
    }
    CHECK (bad == 0, "master value not seen after barrier %d", bad);
  }
  report ("master then barrier");

  return finish ();
}
