/* Edge cases of task records and completion: detach events fulfilled by a
 * thread outside OpenMP after the task's body ended (the team's accounting
 * must not be finished by that thread), and a nestable lock taken twice by
 * an included task that makes a deferred child in between (its record
 * moves to the heap: it must stay the same owner), and a detached task
 * discarded by cancellation (it completes without its event). With the
 * argument
 * "locks" only the second part runs: GCC 12's libgomp hangs in the first
 * (its end-of-region barrier misses the fulfilment from outside). */
#include <omp.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include "common.h"

static void *fulfil_later (void *arg)
{
  omp_event_handle_t *ev = arg;
  struct timespec ts = {0, 200000}; /* 0.2 ms: after the task body is done */
  nanosleep (&ts, NULL);
  omp_fulfill_event (*ev);
  return NULL;
}

static int done_count;

int main (int argc, char **argv)
{
  int locks_only = argc > 1 && strcmp (argv[1], "locks") == 0;
  for (int rep = 0; rep < 100 && !locks_only; rep++) {
    pthread_t th;
    int ran = 0;
    omp_event_handle_t ev;
#pragma omp parallel num_threads(2) shared(ran, ev, th)
#pragma omp single
    {
#pragma omp task detach(ev) shared(ran)
      ran = 1;
      pthread_create (&th, NULL, fulfil_later, &ev);
    }
    /* The region's end waited for the fulfilment. */
    pthread_join (th, NULL);
    CHECK (ran == 1, "detached task did not run");
    done_count++;
  }
  if (!locks_only) {
    CHECK (done_count == 100, "regions %d", done_count);
    report ("detach fulfilled from a thread outside OpenMP");
  }

  omp_nest_lock_t lock;
  omp_init_nest_lock (&lock);
  for (int rep = 0; rep < 50; rep++) {
    int inner = 0, depth = 0;
#pragma omp parallel shared(inner, depth)
#pragma omp single
    {
#pragma omp task if(0) shared(inner, depth)
      {
        omp_set_nest_lock (&lock);
#pragma omp task shared(inner)
        inner = 1;
        /* Same task, same owner: nesting, not a deadlock. */
        depth = omp_test_nest_lock (&lock);
        omp_set_nest_lock (&lock);
        omp_unset_nest_lock (&lock);
        omp_unset_nest_lock (&lock);
        if (depth)
          omp_unset_nest_lock (&lock);
#pragma omp taskwait
      }
    }
    CHECK (inner == 1 && depth == 2, "nest lock in an included task: inner %d depth %d", inner, depth);
  }
  omp_destroy_nest_lock (&lock);
  report ("nest lock kept by an included task that makes a child");

  /* A detached task discarded by cancellation completes without its event
     (as in libgomp): here it depends on the task that cancels, so it is
     always discarded, and nobody fulfils its event. Only with
     OMP_CANCELLATION=true: otherwise it would run and wait forever. */
  if (omp_get_cancellation ()) {
    for (int rep = 0; rep < 20; rep++) {
      int ran = 0, x = 0;
      omp_event_handle_t dev;
#pragma omp parallel num_threads(2) shared(ran, dev, x)
#pragma omp single
#pragma omp taskgroup
      {
#pragma omp task depend(out: x) shared(x)
        {
#pragma omp cancel taskgroup
          x = 1;
        }
#pragma omp task detach(dev) depend(in: x) shared(ran)
        ran = 1;
      }
      CHECK (ran == 0, "a discarded detached task ran");
    }
    report ("detached task discarded by cancellation");
  }
  return finish ();
}
