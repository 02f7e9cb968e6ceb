/* OpenMP from many threads the runtime did not create, at once (also while another thread pauses the runtime), and teams of hundreds of threads on a machine with few CPUs: regions, barriers, reductions, critical sections and tasks all give the right results. */
#include <omp.h>
#include <pthread.h>
#include <string.h>
#include "common.h"

/* A region of nthreads: a barrier-heavy loop, a reduction, critical and a
   task tree; true when every result is right. */
static int region_ok (int nthreads)
{
  long sum = 0, crit = 0, f = 0;
  int team = 0;
#pragma omp parallel num_threads(nthreads) reduction(+:sum)
  {
#pragma omp single
    team = omp_get_num_threads ();
    for (int b = 0; b < 5; b++) {
#pragma omp barrier
#pragma omp critical
      crit++;
    }
#pragma omp for schedule(dynamic, 3)
    for (int i = 0; i < 3000; i++) sum += i;
#pragma omp single
    f = test_fib (14);
  }
  return team == nthreads && sum == 4498500L && crit == 5L * team && f == 377;
}

static void *program_thread (void *arg)
{
  int *bad = arg;
  for (int r = 0; r < 20; r++)
    *bad += !region_ok (2 + r % 3);
  return NULL;
}

/* Regions from a program thread while the main thread pauses the runtime. */
static void *pausing_victim (void *arg)
{
  int *bad = arg;
  for (int r = 0; r < 100; r++)
    *bad += !region_ok (3);
  return NULL;
}

int main (int argc, char **argv)
{
  const char *what = argc > 1 ? argv[1] : "all";
  if (!strcmp (what, "all") || !strcmp (what, "foreign")) {
    /* 16 program threads (or argv[2]), each running regions of 2-4
       threads at once */
    int N = argc > 2 ? atoi (argv[2]) : 16;
    pthread_t *th = calloc (N, sizeof *th);
    int *bad = calloc (N, sizeof *bad);
    for (int i = 0; i < N; i++)
      if (pthread_create (&th[i], NULL, program_thread, &bad[i]) != 0) { perror ("pthread_create"); return 2; }
    int total = 0;
    for (int i = 0; i < N; i++) {
      pthread_join (th[i], NULL);
      total += bad[i];
    }
    CHECK (total == 0, "%d regions on program threads wrong", total);
    free (th);
    free (bad);
    printf ("regions from %d program threads at once\n", N);
    report ("program threads");
  }
  if (!strcmp (what, "all") || !strcmp (what, "many")) {
    /* teams of hundreds of threads (more than CPUs, whatever the machine) */
    int bad = 0;
    for (int r = 0; r < 3; r++)
      bad += !region_ok (300);
    bad += !region_ok (500);
    CHECK (bad == 0, "%d regions of hundreds of threads wrong", bad);
    report ("teams of 300 and 500 threads");
  }
  if (!strcmp (what, "all") || !strcmp (what, "pause")) {
    /* omp_pause_resource_all again and again while 4 program threads run
       regions: workers leave and come back, their records are reused */
    pthread_t th[4];
    int bad[4] = { 0 }, mine = 0;
    for (int i = 0; i < 4; i++)
      pthread_create (&th[i], NULL, pausing_victim, &bad[i]);
    for (int r = 0; r < 100; r++) {
      omp_pause_resource_all (omp_pause_soft);
      mine += !region_ok (2);
    }
    for (int i = 0; i < 4; i++) {
      pthread_join (th[i], NULL);
      mine += bad[i];
    }
    CHECK (mine == 0, "%d regions wrong while pausing", mine);
    report ("regions while another thread pauses the runtime");
  }
  return finish ();
}
