/* What a hostile user tries, one mode per run (argv[1]): SIGSEGV sent with
 * raise or kill or faulted outside any guard after fibers exist, a task
 * frame of N KiB below a fiber stack's end, a fatal runtime error with
 * buffered output and an atexit handler, OMP_NUM_THREADS lists deeper than
 * any fixed table, a team larger than the threads the system allows, the
 * stack a new thread gets, and the program's own getenv. */
#define _GNU_SOURCE
#include <alloca.h>
#include <omp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

/* A task that its creator waits for: under beat the waiting thread runs it
 * on a fiber (fibers and the SIGSEGV handler then exist). */
static void run_fiber_task (void (*body) (long), long arg)
{
  long r = 0;
#pragma omp parallel num_threads(2)
#pragma omp single
  {
#pragma omp task shared(r)
    {
      body (arg);
      r = 1;
    }
#pragma omp taskwait
  }
  CHECK (r == 1, "the task ran");
}

static void nothing (long arg)
{
  (void) arg;
}

/* One frame of kib KiB whose lowest byte is written first. */
static void __attribute__ ((noinline)) big_frame (long kib)
{
  volatile char *p = alloca ((size_t) kib * 1024);
  p[0] = 1;
  p[kib * 1024 - 1] = 2;
}

static void report_and_exit (void)
{
  printf ("atexit handler ran\n");
}

/* Nested regions `depth` deep; the primary thread of each prints its team
 * size, so OMP_NUM_THREADS=a,b,c,... shows which entry each level used. */
static void nest (int level, int depth)
{
#pragma omp parallel
  {
    if (omp_get_thread_num () == 0)
      {
#pragma omp critical
        printf ("level %d: %d threads\n", level, omp_get_num_threads ());
        if (level < depth)
          nest (level + 1, depth);
      }
  }
}

static void own_segv_handler (int sig)
{
  static const char msg[] = "program's SIGSEGV handler ran\n";
  (void) sig;
  if (write (1, msg, sizeof msg - 1) < 0)
    _exit (8);
  _exit (7);
}

static void *stack_of_new_thread (void *arg)
{
  pthread_attr_t a;
  size_t *size = arg;
  if (pthread_getattr_np (pthread_self (), &a) == 0)
    {
      pthread_attr_getstacksize (&a, size);
      pthread_attr_destroy (&a);
    }
  return NULL;
}

int main (int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp (mode, "raise") == 0 || strcmp (mode, "kill") == 0
      || strcmp (mode, "null") == 0)
    {
      run_fiber_task (nothing, 0);
      printf ("fiber task done\n");
      fflush (stdout);
      if (mode[0] == 'r')
        raise (SIGSEGV);
      else if (mode[0] == 'k')
        kill (getpid (), SIGSEGV);
      else
        *(volatile int *) (unsigned long) (argc + 14) = 1;
      printf ("SIGSEGV was swallowed\n");
      return 0;
    }
  if (strcmp (mode, "handler") == 0)
    {
      /* Installed before any OpenMP use: beat's overflow handler, which
         comes later, must hand it every SIGSEGV that is not an overflow. */
      signal (SIGSEGV, own_segv_handler);
      run_fiber_task (nothing, 0);
      raise (SIGSEGV);
      printf ("SIGSEGV was swallowed\n");
      return 0;
    }
  if (strcmp (mode, "bigframe") == 0 && argc > 2)
    {
      run_fiber_task (big_frame, atol (argv[2]));
      printf ("big frame fitted\n");
      return 0;
    }
  if (strcmp (mode, "fatal") == 0)
    {
      /* stdout is a file or pipe: this line stays in the buffer. */
      printf ("buffered line before the fatal error\n");
      atexit (report_and_exit);
      int x = 0;
#pragma omp target device(1) map(tofrom: x)
      x = 1;
      printf ("target region ran (x=%d)\n", x);
      return 0;
    }
  if (strcmp (mode, "levels") == 0 && argc > 2)
    {
      nest (1, atoi (argv[2]));
      return 0;
    }
  if (strcmp (mode, "team") == 0 && argc > 2)
    {
      int want = atoi (argv[2]), got = 0, ran = 0;
#pragma omp parallel num_threads(want)
      {
#pragma omp atomic
        ran++;
#pragma omp single
        got = omp_get_num_threads ();
      }
      CHECK (got >= 1 && got <= want, "team of %d for %d asked", got, want);
      CHECK (ran == got, "%d threads ran in a team of %d", ran, got);
      report ("a team within the system's thread limit");
      return finish ();
    }
  if (strcmp (mode, "threadstack") == 0)
    {
      pthread_t th;
      size_t size = 0;
      if (pthread_create (&th, NULL, stack_of_new_thread, &size) == 0)
        pthread_join (th, NULL);
      printf ("a new thread's stack: %zu\n", size);
      return 0;
    }
  if (strcmp (mode, "getenv") == 0 && argc > 2)
    {
      const char *v = getenv (argv[2]), *sv = secure_getenv (argv[2]);
      printf ("getenv: %s\nsecure_getenv: %s\n", v ? v : "(unset)", sv ? sv : "(unset)");
      return 0;
    }
  fprintf (stderr, "usage: hostile raise|kill|null|handler|bigframe KIB|fatal|levels N|team N|threadstack|getenv NAME\n");
  return 2;
}
