/* mem_breadth: a breadth-heavy task program for the memory gate's real-limit
 * test. One producer (parallel + single) mallocs and fills a buffer of MIB
 * MiB per task, then makes a task that reads it PASSES times and frees it:
 * every queued task holds its buffer, so a runtime that queues many of them
 * needs MIB x (queued tasks) of memory, while running each task at once
 * needs one buffer. usage: mem_breadth [N MIB [PASSES]] (default 16 tasks
 * of 1 MiB, a smoke run); prints a checksum that does not depend on the
 * runtime, the thread count or the order. */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static size_t words;
static int passes = 24;

static uint64_t *filled (uint64_t seed)
{
  uint64_t *b = malloc (words * sizeof *b);
  if (!b)
    {
      fprintf (stderr, "mem_breadth: out of memory\n");
      exit (3);
    }
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < words; i++)
    {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      b[i] = x;
    }
  return b;
}

static uint64_t digest (const uint64_t *b)
{
  uint64_t s = 0;
  for (int p = 0; p < passes; p++)
    for (size_t i = 0; i < words; i++)
      s += b[i] ^ (uint64_t) p;
  return s;
}

int main (int argc, char **argv)
{
  if (argc == 2)
    {
      fprintf (stderr, "usage: mem_breadth [N MIB [PASSES]]\n");
      return 2;
    }
  long n = argc > 2 ? atol (argv[1]) : 16;
  words = (size_t) ((argc > 2 ? atof (argv[2]) : 1.0) * 1048576.0) / sizeof (uint64_t);
  if (argc > 3)
    passes = atoi (argv[3]);
  if (n < 1 || words < 1 || passes < 1)
    {
      fprintf (stderr, "mem_breadth: N, MIB and PASSES must be positive\n");
      return 2;
    }
  uint64_t *res = calloc ((size_t) n, sizeof *res);
#pragma omp parallel
#pragma omp single
  for (long i = 0; i < n; i++)
    {
      uint64_t *b = filled ((uint64_t) i);
#pragma omp task firstprivate(b, i)
      {
        res[i] = digest (b);
        free (b);
      }
    }
  uint64_t total = 0;
  for (long i = 0; i < n; i++)
    total += res[i] * (uint64_t) (i + 1);
  printf ("checksum %016llx\n", (unsigned long long) total);
  return 0;
}
