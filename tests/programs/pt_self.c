/* pthread_self inside a thread equals (pthread_equal, and ==) the handle its creator got: recorded by short threads and compared after join, and compared inside threads that wait for the creator to publish the handle; the main thread's own handle differs from all. Usage: pt_self [ROUNDS [BATCH]]. */
#include "pt_common.h"

struct seat {
  pthread_t handle;  /* the creator's, published after pthread_create */
  pthread_t seen;    /* pthread_self () in the thread */
  int published;
  int equal_inside;  /* waiting threads: pthread_equal (self, handle) */
  int stable;        /* pthread_self () the same before and after waiting */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t published = PTHREAD_COND_INITIALIZER;

/* Short: records pthread_self and leaves. */
static void *record_self (void *arg)
{
  struct seat *s = arg;
  s->seen = pthread_self ();
  return NULL;
}

/* Waits for the creator's handle, then compares it with pthread_self. */
static void *compare_self (void *arg)
{
  struct seat *s = arg;
  pthread_t before = pthread_self ();
  pthread_mutex_lock (&lock);
  while (!s->published)
    pthread_cond_wait (&published, &lock);
  pthread_t handle = s->handle;
  pthread_mutex_unlock (&lock);
  pthread_t after = pthread_self ();
  s->seen = after;
  s->equal_inside = pthread_equal (after, handle) != 0;
  s->stable = pthread_equal (before, after) != 0;
  return NULL;
}

/* One batch of fn; returns how many threads saw their creator's handle. */
static int run_batch (int batch, void *(*fn) (void *))
{
  pthread_t th[batch];
  struct seat seats[batch];
  memset (seats, 0, sizeof seats);
  for (int i = 0; i < batch; i++) {
    pt_start (&th[i], NULL, fn, &seats[i]);
    pthread_mutex_lock (&lock);
    seats[i].handle = th[i];
    seats[i].published = 1;
    pthread_cond_broadcast (&published);
    pthread_mutex_unlock (&lock);
  }
  int match = 0;
  pthread_t me = pthread_self ();
  for (int i = 0; i < batch; i++) {
    pt_wait (th[i]);
    struct seat *s = &seats[i];
    int ok = pthread_equal (s->seen, th[i]) && s->seen == th[i] && !pthread_equal (me, th[i]);
    if (fn == compare_self)
      ok = ok && s->equal_inside && s->stable;
    match += ok;
  }
  return match;
}

int main (int argc, char **argv)
{
  int rounds = pt_arg (argc, argv, 1, 8);
  int batch = pt_arg (argc, argv, 2, 32);
  int short_match = 0, waiting_match = 0;
  for (int r = 0; r < rounds; r++)
    short_match += run_batch (batch, record_self);
  for (int r = 0; r < rounds; r++)
    waiting_match += run_batch (batch / 4 + 1, compare_self);
  printf ("short threads: %d of %d match their handle\n", short_match, rounds * batch);
  printf ("waiting threads: %d of %d match their handle\n", waiting_match, rounds * (batch / 4 + 1));
  CHECK (short_match == rounds * batch, "short threads: %d match", short_match);
  CHECK (waiting_match == rounds * (batch / 4 + 1), "waiting threads: %d match", waiting_match);
  report ("pthread_self");
  return pt_finish ();
}
