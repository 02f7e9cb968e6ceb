/* Thread per job, joined, each job's void* result checked; pthread_tryjoin_np and pthread_timedjoin_np on finished threads, and EBUSY / ETIMEDOUT on one that cannot finish yet. Usage: pt_jobs [ROUNDS [BATCH]]. */
#define _GNU_SOURCE
#include <time.h>
#include "pt_common.h"

#define WORK_ITERS 200

struct job {
  int id;
  uint64_t seed;
};

/* The job: a few microseconds of work, its result returned as the void*. */
static void *job_run (void *arg)
{
  struct job *j = arg;
  return (void *) (uintptr_t) pt_work (j->seed, WORK_ITERS);
}

static uint64_t job_expected (const struct job *j)
{
  return (uintptr_t) pt_work (j->seed, WORK_ITERS);
}

/* One batch: BATCH jobs created, then joined in creation order. */
static uint64_t run_batch (int round, int batch)
{
  pthread_t th[batch];
  struct job jobs[batch];
  uint64_t sum = 0;
  for (int i = 0; i < batch; i++) {
    jobs[i].id = i;
    jobs[i].seed = (uint64_t) round * 1000003u + (uint64_t) i;
    pt_start (&th[i], NULL, job_run, &jobs[i]);
  }
  for (int i = 0; i < batch; i++) {
    uint64_t r = (uintptr_t) pt_wait (th[i]);
    CHECK (r == job_expected (&jobs[i]), "round %d job %d returned %llx", round, i,
           (unsigned long long) r);
    sum += r;
  }
  return sum;
}

/* A thread that finishes only when the main thread lets it. */
static struct pt_count let_go = PT_COUNT_INIT;

static void *held_run (void *arg)
{
  pt_count_wait (&let_go, (long) (intptr_t) arg);
  return arg;
}

/* The CLOCK_REALTIME time NS nanoseconds from now (the joins' deadline). */
static struct timespec time_from_now (long ns)
{
  struct timespec t;
  clock_gettime (CLOCK_REALTIME, &t);
  t.tv_sec += ns / 1000000000;
  t.tv_nsec += ns % 1000000000;
  if (t.tv_nsec >= 1000000000) {
    t.tv_sec++;
    t.tv_nsec -= 1000000000;
  }
  return t;
}

/* tryjoin and timedjoin on threads still running (they cannot finish) and
   on threads that finished; round ROUND, each join's value checked. */
static void check_nonblocking_joins (int round)
{
  pthread_t held, done;
  void *ret = NULL;
  long step = 1 + 2L * round;
  pt_start (&held, NULL, held_run, (void *) (intptr_t) step);
  CHECK (pthread_tryjoin_np (held, &ret) == EBUSY, "tryjoin of a held thread is not EBUSY");
  struct timespec soon = time_from_now (2000000);
  CHECK (pthread_timedjoin_np (held, &ret, &soon) == ETIMEDOUT,
         "timedjoin of a held thread did not time out");
  pt_count_add (&let_go, 1);
  struct timespec later = time_from_now (30000000000L);
  int e = pthread_timedjoin_np (held, &ret, &later);
  CHECK (e == 0 && ret == (void *) (intptr_t) step, "timedjoin of a released thread: %d", e);

  /* A finished job, taken with tryjoin: it must stop being EBUSY. */
  struct job j = { 0, 77u + (uint64_t) round };
  pt_start (&done, NULL, job_run, &j);
  struct timespec pause = { 0, 50000 };
  int tries = 0;
  while ((e = pthread_tryjoin_np (done, &ret)) == EBUSY && tries++ < 400000)
    nanosleep (&pause, NULL);
  CHECK (e == 0 && (uintptr_t) ret == job_expected (&j), "tryjoin of a finished job: %d", e);

  /* And one taken with timedjoin after it is sure to have finished. */
  pt_start (&done, NULL, job_run, &j);
  later = time_from_now (30000000000L);
  e = pthread_timedjoin_np (done, &ret, &later);
  CHECK (e == 0 && (uintptr_t) ret == job_expected (&j), "timedjoin of a job: %d", e);
  pt_count_add (&let_go, 1);
}

int main (int argc, char **argv)
{
  int rounds = pt_arg (argc, argv, 1, 10);
  int batch = pt_arg (argc, argv, 2, 32);
  uint64_t total = 0;
  for (int r = 0; r < rounds; r++)
    total ^= run_batch (r, batch);
  report ("jobs joined with their results");
  for (int r = 0; r < rounds; r++)
    check_nonblocking_joins (r);
  report ("tryjoin and timedjoin");
  printf ("rounds %d batch %d checksum %016llx\n", rounds, batch, (unsigned long long) total);
  return pt_finish ();
}
