/* Checks worker threads get the stack OMP_STACKSIZE asks for: every non-primary thread of a 4-thread team fills a stack array of argv[1] KiB. */
#include <omp.h>
#include <string.h>
#include "common.h"

/* noinline + volatile so the array really lives on this thread's stack and
   every page is touched; returns a checksum that expected_sum predicts. */
static __attribute__ ((noinline)) long use_stack (size_t bytes)
{
  volatile char buf[bytes];
  for (size_t k = 0; k < bytes; k += 512)
    buf[k] = (char) (1 + (k / 512) % 100);
  long s = 0;
  for (size_t k = 0; k < bytes; k += 512)
    s += buf[k];
  return s;
}

static long expected_sum (size_t bytes)
{
  long s = 0;
  for (size_t k = 0; k < bytes; k += 512)
    s += 1 + (k / 512) % 100;
  return s;
}

int main (int argc, char **argv)
{
  size_t kib = argc > 1 ? strtoul (argv[1], 0, 10) : 64;
  size_t bytes = kib * 1024;
  long want = expected_sum (bytes);
  int bad = 0, workers = 0;
  for (int rep = 0; rep < 3; rep++) {
#pragma omp parallel num_threads(4) reduction(+:bad, workers)
    {
      /* The primary thread runs on the process stack, which OMP_STACKSIZE does not set. */
      if (omp_get_thread_num () != 0) {
        workers++;
        if (use_stack (bytes) != want) bad++;
      }
    }
  }
  CHECK (bad == 0, "stack contents wrong in %d threads", bad);
  CHECK (omp_get_dynamic () || workers == 9, "worker count %d", workers);
  printf ("stack %zu KiB used by worker threads\n", kib);
  return finish ();
}
