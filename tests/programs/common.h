/* Shared self-check helpers for the beat regression test programs (not a program itself). */
#ifndef BEAT_TEST_COMMON_H
#define BEAT_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Failure counter updated with compiler atomics so that checking never relies
   on the OpenMP runtime under test. */
static int test_failures;

#define CHECK(cond, ...)                                                      \
  do {                                                                        \
    if (!(cond)) {                                                            \
      if (__atomic_fetch_add (&test_failures, 1, __ATOMIC_RELAXED) < 20) {    \
        fprintf (stderr, "FAIL %s:%d: (%s) ", __FILE__, __LINE__, #cond);     \
        fprintf (stderr, __VA_ARGS__);                                        \
        fputc ('\n', stderr);                                                 \
      }                                                                       \
    }                                                                         \
  } while (0)

/* Print "NAME: OK" when no check has failed since the previous call, else
   "NAME: FAILED"; the line is what the tests compare between runtimes. */
static int test_failures_reported;
static void report (const char *name)
{
  int f = __atomic_load_n (&test_failures, __ATOMIC_RELAXED);
  printf ("%s: %s\n", name, f == test_failures_reported ? "OK" : "FAILED");
  test_failures_reported = f;
  fflush (stdout);
}

static int finish (void)
{
  int f = __atomic_load_n (&test_failures, __ATOMIC_RELAXED);
  printf ("%s\n", f ? "RESULT: FAILED" : "RESULT: OK");
  return f ? 1 : 0;
}

/* A field of /proc/self/status in KiB (VmRSS, VmSize, VmHWM); -1 if absent. */
static long status_kib (const char *field)
{
  FILE *f = fopen ("/proc/self/status", "r");
  char line[256];
  long v = -1;
  size_t n = strlen (field);
  while (f && fgets (line, sizeof line, f))
    if (!strncmp (line, field, n) && line[n] == ':')
      v = atol (line + n + 1);
  if (f) fclose (f);
  return v;
}

/* Naive task-parallel Fibonacci: a small task tree for tests that need
   the runtime busy with tasks (fork, signals, thread churn). */
static long test_fib (int n)
{
  long x, y;
  if (n < 2) return n;
#pragma omp task shared(x)
  x = test_fib (n - 1);
#pragma omp task shared(y)
  y = test_fib (n - 2);
#pragma omp taskwait
  return x + y;
}

#endif
