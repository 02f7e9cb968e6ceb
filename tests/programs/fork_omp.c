/* Checks OpenMP keeps working across fork: a parallel region before the fork, parallel regions and tasks in the child, and again in the parent after waitpid. */
#include <omp.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static long par_sum (int n)
{
  long s = 0;
#pragma omp parallel for schedule(dynamic, 16) reduction(+:s)
  for (int i = 0; i < n; i++) s += i;
  return s;
}

static long task_fib (int n)
{
  long r = 0;
#pragma omp parallel
#pragma omp single
  r = test_fib (n);
  return r;
}

int main (void)
{
  CHECK (par_sum (100000) == 4999950000L, "before fork");
  printf ("parent before fork: %ld\n", par_sum (100000));
  fflush (stdout);

  for (int round = 0; round < 3; round++) {
    fflush (stdout);   /* or the child would print the parent's buffered lines again */
    pid_t pid = fork ();
    if (pid < 0) { perror ("fork"); return 2; }
    if (pid == 0) {
      /* child: OpenMP must work after fork, with the same thread count setting */
      long s = par_sum (50000);
      long f = task_fib (18);
      int team = 0;
#pragma omp parallel
#pragma omp single
      team = omp_get_num_threads ();
      int ok = s == 1249975000L && f == 2584 && (omp_get_dynamic () || team == omp_get_max_threads ());
      printf ("child %d: sum %ld fib %ld %s\n", round, s, f, ok ? "OK" : "FAILED");
      fflush (stdout);
      _exit (ok ? 0 : 1);
    }
    int status = 0;
    if (waitpid (pid, &status, 0) != pid) { perror ("waitpid"); return 2; }
    CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0, "child %d status %#x", round, status);
    long s = par_sum (100000);
    long f = task_fib (15);
    CHECK (s == 4999950000L && f == 610, "parent after fork %d: %ld %ld", round, s, f);
    printf ("parent after child %d: sum %ld fib %ld\n", round, s, f);
  }
  report ("fork");
  return finish ();
}
