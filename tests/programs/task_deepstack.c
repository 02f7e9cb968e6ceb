/* A task that recurses with large stack frames (about 1 MiB in all): fine on
 * an 8 MiB stack; with a small fiber stack (BEAT_FIBER_STACK=256K) beat must
 * report "task stack overflow" instead of a bare segfault. */
#include <omp.h>
#include <string.h>
#include "common.h"

static long deep (int n, volatile char *prev)
{
  volatile char frame[2048];
  memset ((char *) frame, n & 0x7f, sizeof frame);
  if (prev)
    frame[0] ^= prev[1];
  if (n == 0)
    return frame[5];
  return deep (n - 1, frame) + frame[7];
}

int main (void)
{
  long r = -1;
#pragma omp parallel num_threads(2)
#pragma omp single
  {
#pragma omp task shared(r)
    r = deep (500, NULL);
#pragma omp taskwait
  }
  CHECK (r >= 0, "deep recursion in a task returned %ld", r);
  report ("deep recursion in a task");
  return finish ();
}
