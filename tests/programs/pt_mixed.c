/* OpenMP inside pthreads: several program threads at once each run a parallel for with a reduction and a parallel region with a task tree; every result checked. Usage: pt_mixed [ROUNDS [THREADS]]. */
#include <omp.h>
#include "pt_common.h"

struct mixed {
  int id;
  long sum;  /* reduction over 0..n-1 of (i % 7) * id */
  long fib;  /* test_fib (14) as tasks */
};

static void *mixed_run (void *arg)
{
  struct mixed *m = arg;
  long s = 0;
  int n = 20000 + m->id;
#pragma omp parallel for reduction(+:s) num_threads(2)
  for (int i = 0; i < n; i++)
    s += (long) (i % 7) * m->id;
  m->sum = s;
#pragma omp parallel num_threads(2)
#pragma omp single
  m->fib = test_fib (14);
  return m;
}

static long expected_sum (int id)
{
  long s = 0;
  for (int i = 0; i < 20000 + id; i++)
    s += (long) (i % 7) * id;
  return s;
}

int main (int argc, char **argv)
{
  int rounds = pt_arg (argc, argv, 1, 50);
  int nthreads = pt_arg (argc, argv, 2, 4);
  long total = 0;
  for (int r = 0; r < rounds; r++) {
    pthread_t th[nthreads];
    struct mixed m[nthreads];
    for (int k = 0; k < nthreads; k++) {
      m[k] = (struct mixed) { .id = r * nthreads + k };
      pt_start (&th[k], NULL, mixed_run, &m[k]);
    }
    for (int k = 0; k < nthreads; k++) {
      CHECK (pt_wait (th[k]) == &m[k], "thread %d: wrong return value", m[k].id);
      CHECK (m[k].sum == expected_sum (m[k].id), "thread %d: sum %ld", m[k].id, m[k].sum);
      CHECK (m[k].fib == 377, "thread %d: fib %ld", m[k].id, m[k].fib);
      total += m[k].sum;
    }
  }
  report ("OpenMP in pthreads");
  printf ("rounds %d threads %d total %ld\n", rounds, nthreads, total);
  return pt_finish ();
}
