/* On the handle its creator got, while the thread waits: pthread_setname_np / pthread_getname_np (and the thread reads its name back), pthread_getattr_np (joinable, the stack size asked for), pthread_kill with 0 and with SIGUSR1 (the handler runs in that thread). Usage: pt_name [ROUNDS [BATCH]]. */
#define _GNU_SOURCE
#include <signal.h>
#include "pt_common.h"

#define STACK_ASKED (256 * 1024)

struct named {
  int id;
  int name_inside_ok;
  int signals_inside;
};

static struct pt_count go = PT_COUNT_INIT;
static __thread volatile sig_atomic_t signals_here;

static void on_usr1 (int sig)
{
  (void) sig;
  signals_here++;
}

static void expected_name (int id, char *buf, size_t len)
{
  snprintf (buf, len, "pt-name-%d", id);
}

/* Waits until the creator is done with its handle, then looks at itself. */
static void *named_run (void *arg)
{
  struct named *n = arg;
  pt_count_wait (&go, 1);
  char want[16], got[16] = "";
  expected_name (n->id, want, sizeof want);
  pthread_getname_np (pthread_self (), got, sizeof got);
  n->name_inside_ok = strcmp (want, got) == 0;
  n->signals_inside = signals_here;
  return NULL;
}

/* Everything the creator does on one live thread's handle; returns 1 if all held. */
static int inspect (pthread_t th, int id)
{
  char want[16], got[16] = "";
  expected_name (id, want, sizeof want);
  int ok = pthread_setname_np (th, want) == 0;
  ok = ok && pthread_getname_np (th, got, sizeof got) == 0 && strcmp (want, got) == 0;
  pthread_attr_t attr;
  size_t stack = 0;
  int state = -1;
  if (pthread_getattr_np (th, &attr) == 0) {
    pthread_attr_getstacksize (&attr, &stack);
    pthread_attr_getdetachstate (&attr, &state);
    pthread_attr_destroy (&attr);
  } else {
    ok = 0;
  }
  ok = ok && stack >= STACK_ASKED && state == PTHREAD_CREATE_JOINABLE;
  ok = ok && pthread_kill (th, 0) == 0 && pthread_kill (th, SIGUSR1) == 0;
  return ok;
}

static int run_round (int round, int batch, const pthread_attr_t *attr)
{
  pthread_t th[batch];
  struct named nm[batch];
  int good = 0;
  for (int i = 0; i < batch; i++) {
    nm[i] = (struct named) { .id = round * batch + i };
    pt_start (&th[i], attr, named_run, &nm[i]);
    good += inspect (th[i], nm[i].id);
  }
  pt_count_add (&go, 1);
  for (int i = 0; i < batch; i++) {
    pt_wait (th[i]);
    good += nm[i].name_inside_ok && nm[i].signals_inside == 1;
  }
  pthread_mutex_lock (&go.lock);
  go.value = 0;
  pthread_mutex_unlock (&go.lock);
  return good;
}

int main (int argc, char **argv)
{
  int rounds = pt_arg (argc, argv, 1, 8);
  int batch = pt_arg (argc, argv, 2, 32);
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigemptyset (&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction (SIGUSR1, &sa, NULL);
  pthread_attr_t attr;
  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, STACK_ASKED);
  int good = 0;
  for (int r = 0; r < rounds; r++)
    good += run_round (r, batch, &attr);
  pthread_attr_destroy (&attr);
  printf ("checks passed: %d of %d\n", good, 2 * rounds * batch);
  CHECK (good == 2 * rounds * batch, "%d checks failed", 2 * rounds * batch - good);
  report ("names, attributes and signals on thread handles");
  return pt_finish ();
}
