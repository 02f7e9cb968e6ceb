/* Forks with parent tasks still queued (from a task, a region, a single, a foreign pthread, and in cascades) and checks that each child's own OpenMP works and that no parent task ever runs in a child. */
#include <omp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

#define MARKERS 200

/* Shared with every child: counts of marker tasks that ran in a process
   other than the one that created them, and that ran at all. */
struct shared {
  atomic_long leaked;
  atomic_long ran;
};
static struct shared *sh;

static void marker (pid_t creator)
{
  if (getpid () != creator)
    atomic_fetch_add (&sh->leaked, 1);
  else
    atomic_fetch_add (&sh->ran, 1);
  usleep (200);
}

static void make_markers (int n)
{
  pid_t me = getpid ();
  for (int i = 0; i < n; i++) {
#pragma omp task firstprivate(me)
    marker (me);
  }
}

/* What a child does with OpenMP: a task and a taskwait where it forked, a
   loop with a reduction and a task tree. */
static int child_work (void)
{
  long s = 0, f = 0, g = 0;
#pragma omp task shared(g)
  g = test_fib (10);
#pragma omp taskwait
#pragma omp parallel for reduction(+:s) schedule(dynamic, 8)
  for (int i = 0; i < 10000; i++) s += i;
#pragma omp parallel
#pragma omp single
  f = test_fib (16);
  return s == 49995000L && f == 987 && g == 55;
}

static void cascade (int depth);

/* Forks; the child runs child_work (and, for a cascade, forks again from
   one of its own tasks) and exits; the parent waits for it. */
static void fork_here (const char *where, int depth)
{
  fflush (stdout);
  pid_t pid = fork ();
  if (pid < 0) { perror ("fork"); _exit (2); }
  if (pid == 0) {
    int ok = child_work ();
    if (depth > 0)
      cascade (depth - 1);
    _exit (ok ? 0 : 1);
  }
  int status = 0;
  waitpid (pid, &status, 0);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0, "%s: child status %#x", where, status);
}

/* A region whose single makes markers, forks from a task among them, and
   makes more markers. */
static void cascade (int depth)
{
#pragma omp parallel
#pragma omp single
  {
    make_markers (MARKERS / 4);
#pragma omp task
    fork_here ("cascade", depth);
    make_markers (MARKERS / 4);
  }
}

static void in_task (void)
{
#pragma omp parallel
#pragma omp single
  {
    make_markers (MARKERS);
#pragma omp task
    fork_here ("task", 0);
    make_markers (MARKERS);
  }
}

static void in_region (void)
{
#pragma omp parallel
  {
#pragma omp single nowait
    make_markers (MARKERS);
    if (omp_get_thread_num () == omp_get_num_threads () - 1)
      fork_here ("region", 0);
  }
}

static void in_single (void)
{
#pragma omp parallel
#pragma omp single
  {
    make_markers (MARKERS);
    fork_here ("single", 0);
  }
}

/* A task that waits (so that it runs on a fiber and parks) and forks after. */
static void after_taskwait (void)
{
#pragma omp parallel
#pragma omp single
  {
    make_markers (MARKERS / 2);
#pragma omp task
    {
      make_markers (MARKERS / 2);
#pragma omp taskwait
      make_markers (MARKERS / 2);
      fork_here ("after taskwait", 0);
    }
  }
}

static void *foreign (void *arg)
{
  (void)arg;
  int ok = child_work ();   /* this thread uses OpenMP first */
  CHECK (ok, "foreign thread's own OpenMP");
  fork_here ("foreign", 0);
  return NULL;
}

static void from_foreign (void)
{
  pthread_t th;
  pthread_create (&th, NULL, foreign, NULL);
  pthread_join (th, NULL);
}

/* A pthread that never used OpenMP forks while the main thread's region
   has tasks queued. */
static volatile int bystander_go;

static void *bystander (void *arg)
{
  (void)arg;
  while (!__atomic_load_n (&bystander_go, __ATOMIC_ACQUIRE))
    usleep (100);
  fork_here ("bystander", 0);
  __atomic_store_n (&bystander_go, 2, __ATOMIC_RELEASE);
  return NULL;
}

static void from_bystander (void)
{
  pthread_t th;
  bystander_go = 0;
  pthread_create (&th, NULL, bystander, NULL);
#pragma omp parallel
#pragma omp single
  {
    make_markers (MARKERS);
    __atomic_store_n (&bystander_go, 1, __ATOMIC_RELEASE);
    /* keep the region (and perhaps some markers) alive until the fork is done */
    while (__atomic_load_n (&bystander_go, __ATOMIC_ACQUIRE) != 2)
      usleep (100);
  }
  pthread_join (th, NULL);
}

static void serial_fork (void)
{
  /* outside any region, but with the initial task's own deferred tasks */
  make_markers (MARKERS / 4);
  fork_here ("serial", 0);
#pragma omp taskwait
}

/* The child goes on after the fork, back into the parent's region, which
   cannot finish in the child; returns the child's wait status. */
static int child_returns (void)
{
  pid_t pid = -1;
  int released = 0;
#pragma omp parallel num_threads(2)
#pragma omp single
  {
    /* a task still unfinished at the fork, whatever the timing */
#pragma omp task shared(released)
    while (!__atomic_load_n (&released, __ATOMIC_ACQUIRE))
      usleep (100);
#pragma omp task shared(pid, released)
    {
      fflush (stdout);
      pid = fork ();
      if (pid != 0)
        __atomic_store_n (&released, 1, __ATOMIC_RELEASE);
    }
  }
  if (pid == 0)
    _exit (0);   /* (not reached under beat: the child stops in the region) */
  int status = 0;
  waitpid (pid, &status, 0);
  return status;
}

int main (int argc, char **argv)
{
  sh = mmap (NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) { perror ("mmap"); return 2; }
  const char *only = argc > 1 ? argv[1] : "all";
  if (!strcmp (only, "return")) {
    int status = child_returns ();
    printf ("child that went back into the region: %s %d\n",
            WIFEXITED (status) ? "exit" : "signal", WIFEXITED (status) ? WEXITSTATUS (status) : WTERMSIG (status));
    return 0;
  }
  struct { const char *name; void (*fn) (void); long markers; } cases[] = {
    { "task", in_task, 2 * MARKERS },
    { "region", in_region, MARKERS },
    { "single", in_single, MARKERS },
    { "taskwait", after_taskwait, 3 * (MARKERS / 2) },
    { "serial", serial_fork, MARKERS / 4 },
    { "foreign", from_foreign, 0 },
    { "bystander", from_bystander, MARKERS },
  };
  for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    if (strcmp (only, "all") && strcmp (only, cases[c].name))
      continue;
    atomic_store (&sh->leaked, 0);
    atomic_store (&sh->ran, 0);
    cases[c].fn ();
    long leaked = atomic_load (&sh->leaked), ran = atomic_load (&sh->ran);
    CHECK (leaked == 0 && ran == cases[c].markers, "%s: %ld ran, %ld leaked", cases[c].name, ran, leaked);
    printf ("fork in %s: parent tasks run in a child %ld\n", cases[c].name, leaked);
    report (cases[c].name);
  }
  if (!strcmp (only, "all") || !strcmp (only, "cascade")) {
    atomic_store (&sh->leaked, 0);
    atomic_store (&sh->ran, 0);
    cascade (2);
    long leaked = atomic_load (&sh->leaked);
    /* each of the 3 levels runs MARKERS / 2 of its own markers */
    CHECK (leaked == 0 && atomic_load (&sh->ran) == 3 * (MARKERS / 2), "cascade: %ld ran, %ld leaked",
           (long)atomic_load (&sh->ran), leaked);
    printf ("fork in cascade: parent tasks run in a child %ld\n", leaked);
    report ("cascade");
  }
  return finish ();
}
