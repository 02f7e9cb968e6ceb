/* Checks recursive task parallelism: fib with task shared(x) and taskwait, with and without a cutoff, from one and from all threads. */
#include <omp.h>
#include "common.h"

static long fib_seq (int n) { return n < 2 ? n : fib_seq (n - 1) + fib_seq (n - 2); }

/* A task for every call, down to the leaves. */
static long fib_all (int n)
{
  long x, y;
  if (n < 2) return n;
#pragma omp task shared(x)
  x = fib_all (n - 1);
#pragma omp task shared(y)
  y = fib_all (n - 2);
#pragma omp taskwait
  return x + y;
}

/* Tasks only above a cutoff, the second call inline. */
static long fib_cut (int n)
{
  long x, y;
  if (n < 12) return fib_seq (n);
#pragma omp task shared(x) firstprivate(n)
  x = fib_cut (n - 1);
  y = fib_cut (n - 2);
#pragma omp taskwait
  return x + y;
}

int main (void)
{
  for (int rep = 0; rep < 3; rep++) {
    long r = 0;
#pragma omp parallel
#pragma omp single
    r = fib_all (20);
    CHECK (r == 6765, "fib_all(20) = %ld", r);
    if (rep == 0) printf ("fib(20) = %ld\n", r);
  }
  report ("fib with a task per call");

  for (int rep = 0; rep < 3; rep++) {
    long r = 0;
#pragma omp parallel
#pragma omp single nowait
    r = fib_cut (27);
    CHECK (r == 196418, "fib_cut(27) = %ld", r);
    if (rep == 0) printf ("fib(27) = %ld\n", r);
  }
  report ("fib with cutoff");

  /* Every thread computes its own fib with tasks at once. */
  {
    long total = 0;
#pragma omp parallel reduction(+:total)
    total += fib_all (16) - 987 + 1;
    int nth = 0;
#pragma omp parallel
#pragma omp single
    nth = omp_get_num_threads ();
    CHECK (total == nth, "per-thread fib total %ld", total);
  }
  report ("fib from every thread");

  /* fib with untied tasks. */
  {
    long r = 0;
#pragma omp parallel
#pragma omp single
    {
#pragma omp task untied shared(r)
      r = fib_all (18);
#pragma omp taskwait
    }
    CHECK (r == 2584, "untied fib %ld", r);
  }
  report ("untied fib");

  return finish ();
}
