/* fork() from inside a thread while other threads run: the child (one thread) makes and joins threads of its own, prints and exits; the parent waits for it and goes on making threads. Usage: pt_fork [ROUNDS [BATCH]]. */
#include <sys/wait.h>
#include <unistd.h>
#include "pt_common.h"

static void *sum_seed (void *arg)
{
  return (void *) (uintptr_t) (pt_work ((uintptr_t) arg, 100) & 0xffff);
}

/* Starts n threads on seeds base.., joins them; returns the sum, checked. */
static uint64_t batch_of (int n, uintptr_t base)
{
  pthread_t th[n];
  for (int i = 0; i < n; i++)
    pt_start (&th[i], NULL, sum_seed, (void *) (base + i));
  uint64_t got = 0, expect = 0;
  for (int i = 0; i < n; i++) {
    got += (uintptr_t) pt_wait (th[i]);
    expect += pt_work (base + i, 100) & 0xffff;
  }
  CHECK (got == expect, "batch at %lu: %llu, expected %llu", (unsigned long) base,
         (unsigned long long) got, (unsigned long long) expect);
  return got;
}

/* The child's life: threads of its own, one line, exit status 0 if all is well. */
static void child (int round)
{
  uint64_t s = batch_of (4, 90000 + (uintptr_t) round);
  printf ("child %d: threads made and joined, sum %llu\n", round, (unsigned long long) s);
  fflush (stdout);
  exit (__atomic_load_n (&test_failures, __ATOMIC_RELAXED) ? 1 : 0);
}

/* A thread that forks and waits for its child; returns the child's status. */
static void *forker (void *arg)
{
  int round = (int) (intptr_t) arg;
  fflush (stdout);
  pid_t pid = fork ();
  if (pid < 0) {
    perror ("fork");
    exit (2);
  }
  if (pid == 0)
    child (round);
  int status = -1;
  if (waitpid (pid, &status, 0) != pid)
    perror ("waitpid");
  return (void *) (intptr_t) status;
}

int main (int argc, char **argv)
{
  int rounds = pt_arg (argc, argv, 1, 6);
  int batch = pt_arg (argc, argv, 2, 32);
  uint64_t total = 0;
  for (int r = 0; r < rounds; r++) {
    /* the fork happens while a batch of other threads is being made */
    pthread_t f;
    pt_start (&f, NULL, forker, (void *) (intptr_t) r);
    total += batch_of (batch, (uintptr_t) r * 100);
    int status = (int) (intptr_t) pt_wait (f);
    CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0, "round %d: child status %#x", r, status);
    printf ("parent after child %d\n", r);
    total += batch_of (batch, (uintptr_t) r * 100 + 50);
  }
  report ("fork from a thread");
  printf ("rounds %d batch %d total %llu\n", rounds, batch, (unsigned long long) total);
  return pt_finish ();
}
