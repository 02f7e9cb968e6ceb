/* Ten million tasks created before any is waited for: all run exactly once and the peak memory stays bounded (libgomp throttles creation). */
#include <omp.h>
#include <string.h>
#include "common.h"

int main (int argc, char **argv)
{
  long n = argc > 1 ? atol (argv[1]) : 10000000L;
  long ran = 0;
#pragma omp parallel
#pragma omp single
  {
    for (long i = 0; i < n; i++) {
#pragma omp task
      __atomic_fetch_add (&ran, 1, __ATOMIC_RELAXED);
    }
#pragma omp taskwait
  }
  CHECK (ran == n, "%ld of %ld tasks ran", ran, n);
  long hwm = status_kib ("VmHWM");
  if (getenv ("TASKS_VERBOSE"))
    fprintf (stderr, "VmHWM %ld KiB\n", hwm);
  CHECK (hwm < 1024 * 1024, "peak RSS %ld KiB", hwm);
  printf ("%ld tasks ran\n", ran);
  report ("ten million tasks");
  return finish ();
}
