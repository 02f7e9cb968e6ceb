/* Checks the lock API: simple and nestable locks, test_lock semantics across threads, and locks initialised with hints. */
#include <omp.h>
#include <sched.h>
#include "common.h"

/* GNU libgomp 12 declares but does not define the *_with_hint functions, so
   they are weak here: under libgomp they are null and plain init is used,
   under a runtime that defines them (beat) they are exercised. */
#pragma weak omp_init_lock_with_hint
#pragma weak omp_init_nest_lock_with_hint

static void init_lock_hint (omp_lock_t *l, omp_sync_hint_t h)
{
  if (omp_init_lock_with_hint) omp_init_lock_with_hint (l, h); else omp_init_lock (l);
}
static void init_nest_lock_hint (omp_nest_lock_t *l, omp_sync_hint_t h)
{
  if (omp_init_nest_lock_with_hint) omp_init_nest_lock_with_hint (l, h); else omp_init_nest_lock (l);
}

#define ITERS 20000

int main (void)
{
  /* omp_lock_t protects a non-atomic counter. */
  {
    omp_lock_t lock;
    omp_init_lock (&lock);
    volatile long counter = 0;
#pragma omp parallel for schedule(dynamic, 8)
    for (int i = 0; i < ITERS; i++) {
      omp_set_lock (&lock);
      long v = counter;
      counter = v + 1;
      omp_unset_lock (&lock);
    }
    omp_destroy_lock (&lock);
    CHECK (counter == ITERS, "lock counter %ld", counter);
    printf ("lock counter %ld\n", counter);
  }
  report ("omp_lock_t");

  /* omp_test_lock used as a try-lock spin. */
  {
    omp_lock_t lock;
    omp_init_lock (&lock);
    volatile long counter = 0;
#pragma omp parallel for schedule(dynamic, 8)
    for (int i = 0; i < ITERS; i++) {
      while (!omp_test_lock (&lock))
        sched_yield ();
      long v = counter;
      counter = v + 1;
      omp_unset_lock (&lock);
    }
    omp_destroy_lock (&lock);
    CHECK (counter == ITERS, "test_lock counter %ld", counter);
  }
  report ("omp_test_lock");

  /* A held lock cannot be taken by another thread; a free one can. */
  for (int rep = 0; rep < 50; rep++) {
    omp_lock_t lock;
    omp_nest_lock_t nlock;
    omp_init_lock (&lock);
    omp_init_nest_lock (&nlock);
    int got_held = -1, got_nest_held = -1, got_free = -1;
#pragma omp parallel num_threads(2)
    {
      if (omp_get_num_threads () == 2) {
        if (omp_get_thread_num () == 0) {
          omp_set_lock (&lock);
          omp_set_nest_lock (&nlock);
        }
#pragma omp barrier
        if (omp_get_thread_num () == 1) {
          got_held = omp_test_lock (&lock);
          got_nest_held = omp_test_nest_lock (&nlock);
        }
#pragma omp barrier
        if (omp_get_thread_num () == 0) {
          omp_unset_lock (&lock);
          omp_unset_nest_lock (&nlock);
        }
#pragma omp barrier
        if (omp_get_thread_num () == 1) {
          got_free = omp_test_lock (&lock);
          if (got_free) omp_unset_lock (&lock);
        }
      } else {
        got_held = 0; got_nest_held = 0; got_free = 1;
      }
    }
    CHECK (got_held == 0, "test_lock on a lock held by another thread returned %d", got_held);
    CHECK (got_nest_held == 0, "test_nest_lock held by another thread returned %d", got_nest_held);
    CHECK (got_free == 1, "test_lock on a free lock returned %d", got_free);
    omp_destroy_lock (&lock);
    omp_destroy_nest_lock (&nlock);
  }
  report ("test_lock across threads");

  /* Nestable lock: the owner re-acquires; test_nest_lock returns the nesting count. */
  {
    omp_nest_lock_t nl;
    omp_init_nest_lock (&nl);
    volatile long counter = 0;
    int badcount = 0;
#pragma omp parallel for schedule(dynamic, 4) reduction(+:badcount)
    for (int i = 0; i < ITERS / 4; i++) {
      omp_set_nest_lock (&nl);
      omp_set_nest_lock (&nl);
      int depth = omp_test_nest_lock (&nl);
      if (depth != 3) badcount++;
      long v = counter;
      counter = v + 1;
      omp_unset_nest_lock (&nl);
      omp_unset_nest_lock (&nl);
      omp_unset_nest_lock (&nl);
    }
    omp_destroy_nest_lock (&nl);
    CHECK (badcount == 0, "nest depth wrong %d times", badcount);
    CHECK (counter == ITERS / 4, "nest lock counter %ld", counter);
  }
  report ("omp_nest_lock_t");

  /* Locks with hints behave as locks. */
  {
    omp_sync_hint_t hints[] = { omp_sync_hint_none, omp_sync_hint_uncontended, omp_sync_hint_contended,
                                omp_sync_hint_speculative, omp_sync_hint_nonspeculative,
                                omp_lock_hint_contended | omp_lock_hint_speculative };
    for (int h = 0; h < 6; h++) {
      omp_lock_t lock;
      omp_nest_lock_t nl;
      init_lock_hint (&lock, hints[h]);
      init_nest_lock_hint (&nl, hints[h]);
      volatile long c1 = 0, c2 = 0;
#pragma omp parallel for schedule(dynamic, 8)
      for (int i = 0; i < 4000; i++) {
        omp_set_lock (&lock);
        long v = c1; c1 = v + 1;
        omp_unset_lock (&lock);
        omp_set_nest_lock (&nl);
        omp_set_nest_lock (&nl);
        v = c2; c2 = v + 2;
        omp_unset_nest_lock (&nl);
        omp_unset_nest_lock (&nl);
      }
      omp_destroy_lock (&lock);
      omp_destroy_nest_lock (&nl);
      CHECK (c1 == 4000 && c2 == 8000, "hint %d: %ld %ld", h, c1, c2);
    }
  }
  report ("locks with hints");

  /* Many locks, locked in tasks. */
  {
    omp_lock_t locks[16];
    long buckets[16] = { 0 };
    for (int k = 0; k < 16; k++) omp_init_lock (&locks[k]);
#pragma omp parallel
#pragma omp single
    for (int t = 0; t < 4000; t++) {
#pragma omp task firstprivate(t) shared(locks, buckets)
      {
        omp_set_lock (&locks[t % 16]);
        buckets[t % 16] += t;
        omp_unset_lock (&locks[t % 16]);
      }
    }
    long total = 0;
    for (int k = 0; k < 16; k++) { total += buckets[k]; omp_destroy_lock (&locks[k]); }
    CHECK (total == 3999L * 4000 / 2, "bucket total %ld", total);
  }
  report ("locks in tasks");

  return finish ();
}
