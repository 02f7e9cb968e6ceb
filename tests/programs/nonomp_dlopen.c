/* A program without OpenMP that dlopens and dlcloses, 50 times, a library built with -fopenmp (this file with -DPLUGIN) and runs its regions and tasks each time. */
#ifdef PLUGIN
#include <omp.h>

static long fib (int n)
{
  long x, y;
  if (n < 2) return n;
#pragma omp task shared(x)
  x = fib (n - 1);
#pragma omp task shared(y)
  y = fib (n - 2);
#pragma omp taskwait
  return x + y;
}

long plugin_work (void)
{
  long sum = 0, f = 0;
#pragma omp parallel for reduction(+:sum)
  for (int i = 0; i < 10000; i++) sum += i;
#pragma omp parallel
#pragma omp single
  f = fib (15);
  return sum + f;
}
#else
#include <dlfcn.h>
#include <stdio.h>

int main (int argc, char **argv)
{
  if (argc < 2) { fprintf (stderr, "usage: %s PLUGIN.so\n", argv[0]); return 2; }
  int bad = 0;
  for (int r = 0; r < 50; r++) {
    void *h = dlopen (argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) { fprintf (stderr, "dlopen: %s\n", dlerror ()); return 2; }
    long (*work) (void) = (long (*) (void)) dlsym (h, "plugin_work");
    if (!work || work () != 49995000L + 610) bad++;
    dlclose (h);
  }
  printf ("dlopen/dlclose of an OpenMP library 50 times: %s\n", bad ? "FAILED" : "OK");
  printf ("%s\n", bad ? "RESULT: FAILED" : "RESULT: OK");
  return bad != 0;
}
#endif
