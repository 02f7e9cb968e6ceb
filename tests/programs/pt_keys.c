/* Thread-specific data: every thread starts with NULL values (and a __thread variable at its initial value), sets its own; destructors run exactly once per thread and non-NULL value (and again when a destructor sets a value anew), never for NULL; keys deleted and made again between rounds. Usage: pt_keys [ROUNDS [BATCH]]. */
#include <limits.h>
#include "pt_common.h"

struct slot {
  int id;
  int plain_runs;   /* destructor runs of the plain key for this thread */
  int again_runs;   /* destructor runs of the key that sets itself again */
};

static pthread_key_t plain_key, again_key;
static __thread int tls_uses = 0;
static long plain_calls, again_calls;

static void plain_destructor (void *value)
{
  struct slot *s = value;
  __atomic_fetch_add (&s->plain_runs, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add (&plain_calls, 1, __ATOMIC_RELAXED);
}

/* Called with the slot first: sets the key to the slot's second half, so
   that it is called once more (POSIX: up to PTHREAD_DESTRUCTOR_ITERATIONS). */
static void again_destructor (void *value)
{
  struct slot *s = value;
  int run = __atomic_add_fetch (&s->again_runs, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add (&again_calls, 1, __ATOMIC_RELAXED);
  if (run == 1)
    pthread_setspecific (again_key, s);
}

/* Threads with id % 4 == 3 set the plain key back to NULL before leaving. */
static void *keyed (void *arg)
{
  struct slot *s = arg;
  CHECK (pthread_getspecific (plain_key) == NULL, "thread %d: plain key not NULL at start", s->id);
  CHECK (pthread_getspecific (again_key) == NULL, "thread %d: second key not NULL at start", s->id);
  CHECK (tls_uses == 0, "thread %d: __thread variable at %d, not 0, at start", s->id, tls_uses);
  tls_uses++;
  pthread_setspecific (plain_key, s);
  pthread_setspecific (again_key, s);
  uint64_t w = pt_work ((uint64_t) s->id, 100);
  CHECK (pthread_getspecific (plain_key) == s, "thread %d: plain key changed", s->id);
  if (s->id % 4 == 3)
    pthread_setspecific (plain_key, NULL);
  return (void *) (uintptr_t) (w & 1);
}

static void make_keys (void)
{
  if (pthread_key_create (&plain_key, plain_destructor) != 0
      || pthread_key_create (&again_key, again_destructor) != 0) {
    fprintf (stderr, "pthread_key_create failed\n");
    exit (2);
  }
}

static void run_round (int round, int batch)
{
  pthread_t th[batch];
  struct slot slots[batch];
  long plain0 = plain_calls, again0 = again_calls;
  int cleared = 0;
  for (int i = 0; i < batch; i++) {
    slots[i] = (struct slot) { .id = round * batch + i };
    cleared += slots[i].id % 4 == 3;
    pt_start (&th[i], NULL, keyed, &slots[i]);
  }
  for (int i = 0; i < batch; i++)
    pt_wait (th[i]);
  for (int i = 0; i < batch; i++) {
    struct slot *s = &slots[i];
    CHECK (s->plain_runs == (s->id % 4 == 3 ? 0 : 1), "thread %d: plain destructor ran %d times",
           s->id, s->plain_runs);
    CHECK (s->again_runs == 2, "thread %d: second destructor ran %d times", s->id, s->again_runs);
  }
  CHECK (plain_calls - plain0 == batch - cleared, "round %d: %ld plain destructor calls", round,
         plain_calls - plain0);
  CHECK (again_calls - again0 == 2L * batch, "round %d: %ld second destructor calls", round,
         again_calls - again0);
}

int main (int argc, char **argv)
{
  int rounds = pt_arg (argc, argv, 1, 8);
  int batch = pt_arg (argc, argv, 2, 32);
  CHECK (PTHREAD_DESTRUCTOR_ITERATIONS >= 2, "PTHREAD_DESTRUCTOR_ITERATIONS %d",
         PTHREAD_DESTRUCTOR_ITERATIONS);
  static struct slot mine = { .id = -1 };
  make_keys ();
  for (int r = 0; r < rounds; r++) {
    run_round (r, batch);
    /* fresh keys every other round: a reused key number must read NULL again,
       in the main thread too */
    if (r % 2 == 1) {
      pthread_setspecific (plain_key, &mine);
      pthread_key_delete (plain_key);
      pthread_key_delete (again_key);
      make_keys ();
      CHECK (pthread_getspecific (plain_key) == NULL, "main: a new key is not NULL");
    }
  }
  report ("keys and destructors");
  printf ("rounds %d batch %d destructor calls %ld and %ld\n", rounds, batch, plain_calls,
          again_calls);
  return pt_finish ();
}
