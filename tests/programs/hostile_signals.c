/* Signals without SA_RESTART arrive every millisecond while threads wait in barriers, locks, ordered, taskwait and the idle pool: handlers run and every result stays right. */
#include <omp.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "common.h"

static volatile sig_atomic_t hits;

static void on_alarm (int sig)
{
  (void)sig;
  hits++;
}

/* One round: barriers, a critical section, a lock, a reduction, an ordered
   loop, tasks. */
static int round_ok (void)
{
  long sum = 0, crit = 0, locked = 0, f = 0, next = 0, in_order = 1;
  omp_lock_t lock;
  omp_init_lock (&lock);
#pragma omp parallel reduction(+:sum)
  {
    for (int b = 0; b < 20; b++) {
#pragma omp barrier
#pragma omp critical
      crit++;
      omp_set_lock (&lock);
      locked++;
      omp_unset_lock (&lock);
    }
#pragma omp for schedule(dynamic, 4)
    for (int i = 0; i < 1000; i++) sum += i;
#pragma omp for ordered schedule(dynamic, 1)
    for (int i = 0; i < 200; i++) {
#pragma omp ordered
      {
        if (next != i) in_order = 0;
        next++;
      }
    }
#pragma omp single
    f = test_fib (15);
  }
  omp_destroy_lock (&lock);
  int n = omp_get_max_threads ();
  return sum == 499500 && crit == 20L * n && locked == 20L * n && f == 610 && in_order && next == 200;
}

int main (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;   /* no SA_RESTART: waits are interrupted */
  sigemptyset (&sa.sa_mask);
  sigaction (SIGALRM, &sa, NULL);
  struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
  setitimer (ITIMER_REAL, &it, NULL);
  int rounds = 0, bad = 0;
  /* go on until 200 signals have arrived (and at least 20 rounds) */
  while (hits < 200 || rounds < 20) {
    bad += !round_ok ();
    rounds++;
    usleep (500);   /* the pool goes idle between rounds */
  }
  struct itimerval off = { { 0, 0 }, { 0, 0 } };
  setitimer (ITIMER_REAL, &off, NULL);
  CHECK (bad == 0, "%d of %d rounds wrong", bad, rounds);
  report ("signals during waits");
  return finish ();
}
