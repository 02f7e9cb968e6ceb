/* pthread_exit from three calls deep hands its value to join and runs the cleanup handlers pushed on the way, innermost first; a normal return runs none of them; at the end the main thread itself calls pthread_exit and a detached thread that joined it prints the result. Usage: pt_exit [ROUNDS [BATCH]]. */
#include "pt_common.h"

#define DEPTH 3

struct exiter {
  int id;
  int by_exit;      /* 1: leave through pthread_exit at DEPTH, 0: return */
  int order[DEPTH]; /* the levels whose handlers ran, in the order they ran */
  int handlers;
};

struct handler_arg {
  struct exiter *e;
  int level;
};

static void cleanup (void *arg)
{
  struct handler_arg *h = arg;
  struct exiter *e = h->e;
  if (e->handlers < DEPTH)
    e->order[e->handlers] = h->level;
  e->handlers++;
}

static void *exit_value (const struct exiter *e)
{
  return (void *) (intptr_t) (1000 + e->id);
}

/* Level LEVEL pushes a handler and goes one deeper; the deepest either calls
   pthread_exit or unwinds normally, popping its handlers without running them. */
static intptr_t descend (struct exiter *e, int level)
{
  struct handler_arg h = { e, level };
  intptr_t r;
  pthread_cleanup_push (cleanup, &h);
  if (level < DEPTH)
    r = descend (e, level + 1) + 1;
  else if (e->by_exit)
    pthread_exit (exit_value (e));
  else
    r = 1;
  pthread_cleanup_pop (0);
  return r;
}

static void *exiter_run (void *arg)
{
  struct exiter *e = arg;
  intptr_t depth = descend (e, 1);
  return (void *) (intptr_t) (2000 + e->id + depth);
}

static void run_round (int round, int batch)
{
  pthread_t th[batch];
  struct exiter ex[batch];
  for (int i = 0; i < batch; i++) {
    ex[i] = (struct exiter) { .id = round * batch + i, .by_exit = i % 4 != 3 };
    pt_start (&th[i], NULL, exiter_run, &ex[i]);
  }
  for (int i = 0; i < batch; i++) {
    void *ret = pt_wait (th[i]);
    struct exiter *e = &ex[i];
    if (e->by_exit) {
      CHECK (ret == exit_value (e), "thread %d: pthread_exit value %p", e->id, ret);
      CHECK (e->handlers == DEPTH, "thread %d: %d handlers ran", e->id, e->handlers);
      for (int k = 0; k < DEPTH && k < e->handlers; k++)
        CHECK (e->order[k] == DEPTH - k, "thread %d: handler %d ran at position %d", e->id,
               e->order[k], k);
    } else {
      CHECK (ret == (void *) (intptr_t) (2000 + e->id + DEPTH), "thread %d: returned %p", e->id,
             ret);
      CHECK (e->handlers == 0, "thread %d: %d handlers ran on return", e->id, e->handlers);
    }
  }
}

/* Joins the main thread after it called pthread_exit, then ends the process
   with the result (exit from a thread that is not main). */
static void *last_word (void *arg)
{
  pthread_t main_thread = *(pthread_t *) arg;
  void *ret = (void *) 1;
  int e = pthread_join (main_thread, &ret);
  CHECK (e == 0 && ret == NULL, "join of the main thread: %d, value %p", e, ret);
  report ("main thread joined after its pthread_exit");
  exit (pt_finish ());
}

int main (int argc, char **argv)
{
  int rounds = pt_arg (argc, argv, 1, 8);
  int batch = pt_arg (argc, argv, 2, 32);
  for (int r = 0; r < rounds; r++)
    run_round (r, batch);
  report ("pthread_exit and cleanup handlers");
  printf ("rounds %d batch %d\n", rounds, batch);
  fflush (stdout);
  static pthread_t main_thread;
  main_thread = pthread_self ();
  pthread_attr_t detached;
  pthread_attr_init (&detached);
  pthread_attr_setdetachstate (&detached, PTHREAD_CREATE_DETACHED);
  pthread_t th;
  pt_start (&th, &detached, last_word, &main_thread);
  pthread_attr_destroy (&detached);
  pthread_exit (NULL);
}
