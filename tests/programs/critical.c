/* Checks unnamed, named and hinted critical sections give mutual exclusion under heavy contention, with counters updated non-atomically inside. */
#include <omp.h>
#include "common.h"

#define ITERS 20000

static volatile long unnamed_counter, a_counter, b_counter, hint_counter;
static volatile int inside_a, inside_b;

int main (void)
{
  int overlap = 0;
  for (int rep = 0; rep < 3; rep++) {
#pragma omp parallel reduction(+:overlap)
    {
#pragma omp for schedule(dynamic, 16)
      for (int i = 0; i < ITERS; i++) {
#pragma omp critical
        {
          long v = unnamed_counter;     /* read-modify-write split on purpose */
          unnamed_counter = v + 1;
        }
#pragma omp critical(alpha)
        {
          if (inside_a) overlap++;
          inside_a = 1;
          long v = a_counter;
          a_counter = v + 2;
          inside_a = 0;
        }
#pragma omp critical(beta)
        {
          if (inside_b) overlap++;
          inside_b = 1;
          long v = b_counter;
          b_counter = v + 3;
          inside_b = 0;
        }
#pragma omp critical(gamma) hint(omp_sync_hint_contended)
        {
          long v = hint_counter;
          hint_counter = v + 1;
        }
      }
    }
  }
  CHECK (unnamed_counter == 3L * ITERS, "unnamed %ld", unnamed_counter);
  CHECK (a_counter == 6L * ITERS, "alpha %ld", a_counter);
  CHECK (b_counter == 9L * ITERS, "beta %ld", b_counter);
  CHECK (hint_counter == 3L * ITERS, "hinted %ld", hint_counter);
  CHECK (overlap == 0, "critical overlap %d", overlap);
  printf ("critical counters %ld %ld %ld %ld\n", unnamed_counter, a_counter, b_counter, hint_counter);
  report ("critical");

  /* Named critical sections are distinct: holding alpha while entering beta must not deadlock,
     and the same name in different functions is the same lock. */
  {
    long nested = 0;
#pragma omp parallel
    {
      for (int k = 0; k < 2000; k++) {
#pragma omp critical(outer_lock)
        {
#pragma omp critical(inner_lock)
          nested = nested + 1;
        }
      }
    }
    int nth = 0;
#pragma omp parallel
#pragma omp single
    nth = omp_get_num_threads ();
    CHECK (nested == 2000L * nth, "nested critical %ld", nested);
  }
  report ("nested named critical");

  /* Critical inside tasks. */
  {
    long tcount = 0;
#pragma omp parallel
#pragma omp single
    for (int i = 0; i < 5000; i++) {
#pragma omp task
      {
#pragma omp critical
        tcount = tcount + 1;
      }
    }
    CHECK (tcount == 5000, "critical in tasks %ld", tcount);
  }
  report ("critical in tasks");

  return finish ();
}
