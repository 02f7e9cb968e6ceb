/* Detached threads (pthread_detach after create, and PTHREAD_CREATE_DETACHED) report completion through a mutex+condvar counter; the main thread waits for all and checks their sum. Usage: pt_detached [ROUNDS [BATCH]]. */
#include "pt_common.h"

#define WORK_ITERS 150

static struct pt_count finished = PT_COUNT_INIT;
static pthread_mutex_t sum_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t sum;

/* The seed travels in the pointer itself: nothing of the creator's is read
   after it goes on. */
static void *report_back (void *arg)
{
  uint64_t r = pt_work ((uintptr_t) arg, WORK_ITERS);
  pthread_mutex_lock (&sum_lock);
  sum += r;
  pthread_mutex_unlock (&sum_lock);
  pt_count_add (&finished, 1);
  return NULL;
}

/* One round: BATCH threads detached after create, BATCH created detached;
   returns the sum they reported. */
static uint64_t run_round (int round, int batch, const pthread_attr_t *detached)
{
  pthread_mutex_lock (&sum_lock);
  sum = 0;
  pthread_mutex_unlock (&sum_lock);
  long base = 2L * batch * round;
  for (int i = 0; i < batch; i++) {
    pthread_t th;
    uintptr_t seed = (uintptr_t) round * 4099u + (uintptr_t) i;
    pt_start (&th, NULL, report_back, (void *) seed);
    int e = pthread_detach (th);
    CHECK (e == 0, "pthread_detach: %d", e);
    pt_start (&th, detached, report_back, (void *) (seed + 2048));
  }
  pt_count_wait (&finished, base + 2L * batch);
  uint64_t expect = 0;
  for (int i = 0; i < batch; i++) {
    uintptr_t seed = (uintptr_t) round * 4099u + (uintptr_t) i;
    expect += pt_work (seed, WORK_ITERS) + pt_work (seed + 2048, WORK_ITERS);
  }
  pthread_mutex_lock (&sum_lock);
  uint64_t got = sum;
  pthread_mutex_unlock (&sum_lock);
  CHECK (got == expect, "round %d: sum %llx, expected %llx", round, (unsigned long long) got,
         (unsigned long long) expect);
  return got;
}

int main (int argc, char **argv)
{
  int rounds = pt_arg (argc, argv, 1, 8);
  int batch = pt_arg (argc, argv, 2, 32);
  pthread_attr_t detached;
  pthread_attr_init (&detached);
  pthread_attr_setdetachstate (&detached, PTHREAD_CREATE_DETACHED);
  int state = -1;
  pthread_attr_getdetachstate (&detached, &state);
  CHECK (state == PTHREAD_CREATE_DETACHED, "attribute not detached: %d", state);
  uint64_t total = 0;
  for (int r = 0; r < rounds; r++)
    total ^= run_round (r, batch, &detached);
  pthread_attr_destroy (&detached);
  report ("detached threads all reported");
  printf ("rounds %d batch %d checksum %016llx\n", rounds, batch, (unsigned long long) total);
  return pt_finish ();
}
