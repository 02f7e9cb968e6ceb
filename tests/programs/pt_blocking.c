/* Threads that block waiting for each other: a chain where thread i waits for thread i+1, created after it (the deadlock of naive M:N scheduling), ping-pong pairs on a condvar, a mutex handed down a chain, and a barrier of all of them; many rounds. Usage: pt_blocking [ROUNDS [THREADS]]. */
#include "pt_common.h"

struct round {
  int n;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  int *done;              /* chain: done[i] once thread i has seen done[i+1] */
  int *ball;              /* pairs: exchanges made in pair k */
  pthread_mutex_t *baton; /* baton: held by the creator until all exist */
  pthread_barrier_t barrier;
  long sum;
};

struct member {
  struct round *r;
  int i;
};

/* Waits under r->lock until *flag reaches value. */
static void wait_for (struct round *r, int *flag, int value)
{
  pthread_mutex_lock (&r->lock);
  while (*flag < value)
    pthread_cond_wait (&r->changed, &r->lock);
  pthread_mutex_unlock (&r->lock);
}

static void set_flag (struct round *r, int *flag, int value)
{
  pthread_mutex_lock (&r->lock);
  *flag = value;
  pthread_cond_broadcast (&r->changed);
  pthread_mutex_unlock (&r->lock);
}

/* Thread i waits for thread i+1 (the last one goes at once). */
static void *chain_member (void *arg)
{
  struct member *m = arg;
  struct round *r = m->r;
  if (m->i + 1 < r->n)
    wait_for (r, &r->done[m->i + 1], 1);
  set_flag (r, &r->done[m->i], 1);
  return (void *) (intptr_t) (m->i + 1);
}

/* Pair k is threads 2k and 2k+1; they pass the ball 8 times, the even one
   waiting first for its partner, which is created after it. */
static void *pair_member (void *arg)
{
  struct member *m = arg;
  struct round *r = m->r;
  int *ball = &r->ball[m->i / 2];
  int odd = m->i & 1;
  for (int hit = 0; hit < 8; hit++)
    if (hit % 2 == odd)
      set_flag (r, ball, hit + 1);
    else
      wait_for (r, ball, hit + 1);
  return (void *) (intptr_t) (m->i + 1);
}

/* Thread i blocks on the mutex baton[i], which the creator holds until every
   thread exists, then adds to the sum. */
static void *baton_member (void *arg)
{
  struct member *m = arg;
  struct round *r = m->r;
  pthread_mutex_lock (&r->baton[m->i]);
  pthread_mutex_lock (&r->lock);
  r->sum += m->i + 1;
  pthread_mutex_unlock (&r->lock);
  pthread_mutex_unlock (&r->baton[m->i]);
  return (void *) (intptr_t) (m->i + 1);
}

/* Everybody meets at a barrier three times. */
static void *barrier_member (void *arg)
{
  struct member *m = arg;
  for (int k = 0; k < 3; k++)
    pthread_barrier_wait (&m->r->barrier);
  return (void *) (intptr_t) (m->i + 1);
}

/* Creates n threads running fn, then joins them; their results sum to n(n+1)/2. */
static void run_group (struct round *r, struct member *mem, void *(*fn) (void *), const char *what)
{
  pthread_t th[r->n];
  for (int i = 0; i < r->n; i++)
    pt_start (&th[i], NULL, fn, &mem[i]);
  if (fn == baton_member)
    for (int i = r->n - 1; i >= 0; i--)
      pthread_mutex_unlock (&r->baton[i]);
  long got = 0;
  for (int i = 0; i < r->n; i++)
    got += (intptr_t) pt_wait (th[i]);
  CHECK (got == (long) r->n * (r->n + 1) / 2, "%s: joins summed to %ld", what, got);
}

static void run_round (int n)
{
  struct round r = { .n = n };
  int done[n], ball[n / 2 + 1];
  pthread_mutex_t baton[n];
  struct member mem[n];
  memset (done, 0, sizeof done);
  memset (ball, 0, sizeof ball);
  pthread_mutex_init (&r.lock, NULL);
  pthread_cond_init (&r.changed, NULL);
  pthread_barrier_init (&r.barrier, NULL, n);
  r.done = done;
  r.ball = ball;
  r.baton = baton;
  for (int i = 0; i < n; i++) {
    mem[i].r = &r;
    mem[i].i = i;
    pthread_mutex_init (&baton[i], NULL);
    pthread_mutex_lock (&baton[i]);
  }
  run_group (&r, mem, chain_member, "chain");
  for (int i = 0; i < n; i++)
    CHECK (done[i] == 1, "chain: thread %d not done", i);
  /* pairs need an even number of threads */
  if (n % 2 == 0) {
    run_group (&r, mem, pair_member, "pairs");
    for (int k = 0; k < n / 2; k++)
      CHECK (ball[k] == 8, "pair %d: %d exchanges", k, ball[k]);
  }
  run_group (&r, mem, baton_member, "baton");
  CHECK (r.sum == (long) n * (n + 1) / 2, "baton: sum %ld", r.sum);
  run_group (&r, mem, barrier_member, "barrier");
  for (int i = 0; i < n; i++)
    pthread_mutex_destroy (&baton[i]);
  pthread_barrier_destroy (&r.barrier);
  pthread_cond_destroy (&r.changed);
  pthread_mutex_destroy (&r.lock);
}

int main (int argc, char **argv)
{
  int rounds = pt_arg (argc, argv, 1, 30);
  int n = pt_arg (argc, argv, 2, 8);
  for (int k = 0; k < rounds; k++)
    run_round (n);
  report ("blocking threads");
  printf ("rounds %d threads %d\n", rounds, n);
  return pt_finish ();
}
