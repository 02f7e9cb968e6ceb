/* memgate_hold: tasks that each touch 2 MiB of fresh memory (mapped and
 * unmapped by the task, so every one faults it in), for the memory gate's
 * "hold at medium" tests. One producer (parallel + single) makes them,
 * first 4 and a taskwait (the runtime learns what they touch), then as the
 * mode says:
 *   wait     four rounds of 8 tasks, each round ended by a taskwait;
 *   barrier  16 tasks, then the single's implicit barrier (no wait);
 *   busy     16 tasks, then 300 ms of work that waits for nothing, then a
 *            taskwait;
 *   fall F   16 tasks, then "none" written to file F (the level file),
 *            then as busy.
 * Prints a checksum that depends neither on the runtime nor on the order. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define TOUCH (2u << 20)

static long results[64];

static long touch (int k)
{
  unsigned char *p = mmap (NULL, TOUCH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    abort ();
  memset (p, k + 1, TOUCH);
  long s = 0;
  for (size_t i = 0; i < TOUCH; i += 4096)
    s += p[i];
  munmap (p, TOUCH);
  return s;
}

static double now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Work that is no scheduling point: the producer waits for nothing. */
static void busy (double seconds)
{
  double end = now () + seconds;
  while (now () < end)
    ;
}

/* Not inlined: its task construct is one call site (one fingerprint). */
static void __attribute__ ((noinline)) spawn (int first, int n)
{
  for (int k = first; k < first + n; k++)
    {
#pragma omp task firstprivate(k)
      results[k] = touch (k);
    }
}

int main (int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "wait";
  int n = 36;
#pragma omp parallel
#pragma omp single
  {
    spawn (0, 4);
#pragma omp taskwait
    if (strcmp (mode, "wait") == 0)
      {
        for (int r = 0; r < 4; r++)
          {
            spawn (4 + 8 * r, 8);
#pragma omp taskwait
          }
      }
    else
      {
        n = 20;
        spawn (4, 16);
        if (strcmp (mode, "fall") == 0 && argc > 2)
          {
            FILE *f = fopen (argv[2], "w");
            if (f)
              {
                fputs ("none\n", f);
                fclose (f);
              }
          }
        if (strcmp (mode, "barrier") != 0)
          {
            busy (0.3);
#pragma omp taskwait
          }
      }
  }
  long sum = 0;
  for (int k = 0; k < n; k++)
    sum += results[k];
  printf ("tasks %d checksum %ld\n", n, sum);
  return 0;
}
