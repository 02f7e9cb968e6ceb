/* Memory must stay flat when many short-lived program threads each run a region with tasks, and when regions alternate with omp_pause_resource_all: VmRSS and VmSize growth after a warm-up are bounded. */
#include <malloc.h>
#include <omp.h>
#include <pthread.h>
#include <string.h>
#include "common.h"

/* One region with a task tree whose waits park (fibers under beat). */
static long region_with_tasks (void)
{
  long r = 0;
#pragma omp parallel num_threads(4)
#pragma omp single
  r = test_fib (12);
  return r;
}

static void *thread_body (void *arg)
{
  long *out = arg;
  *out = region_with_tasks ();
  return NULL;
}

static void one_thread (void)
{
  pthread_t th;
  long r = 0;
  if (pthread_create (&th, NULL, thread_body, &r) != 0) { perror ("pthread_create"); exit (2); }
  pthread_join (th, NULL);
  CHECK (r == 144, "test_fib(12) on a program thread: %ld", r);
}

static void one_pause (void)
{
  CHECK (region_with_tasks () == 144, "test_fib(12)");
  omp_pause_resource_all (omp_pause_soft);
}

/* Runs step `iters` times; growth is measured from iteration iters / 10 on
   and must stay under rss_mb and vm_mb (libgomp grows by well under 1 MB). */
static void churn (const char *name, void (*step) (void), int iters, long rss_mb, long vm_mb)
{
  long rss0 = 0, vm0 = 0;
  for (int i = 0; i < iters; i++) {
    if (i == iters / 10) {
      rss0 = status_kib ("VmRSS");
      vm0 = status_kib ("VmSize");
    }
    step ();
  }
  long drss = status_kib ("VmRSS") - rss0, dvm = status_kib ("VmSize") - vm0;
  CHECK (drss < rss_mb * 1024, "%s: VmRSS grew by %ld KiB", name, drss);
  CHECK (dvm < vm_mb * 1024, "%s: VmSize grew by %ld KiB", name, dvm);
  if (getenv ("CHURN_VERBOSE"))
    fprintf (stderr, "%s: VmRSS +%ld KiB, VmSize +%ld KiB\n", name, drss, dvm);
  report (name);
}

int main (int argc, char **argv)
{
  int iters = argc > 1 ? atoi (argv[1]) : 2000;
  /* glibc's per-thread malloc arenas (64 MB of address space each) would
     count in VmSize; two are enough here */
  mallopt (M_ARENA_MAX, 2);
  churn ("threads", one_thread, iters, 8, 1024);
  churn ("pause", one_pause, iters, 8, 1024);
  return finish ();
}
