/* memgate_fib_park: a binary tree of tasks, 12 deep, that wait for their
 * children (taskwait) with a 16 KiB frame each, so that beat parks many
 * fibers (and under BEAT_STEAL=continuation runs the first descent on 12
 * fibers at once); run twice. With LEVELFILE FIRST SECOND, the program
 * writes FIRST into LEVELFILE at its start and SECOND between the rounds,
 * then waits 30 ms, longer than beat's slowest refresh (beat reads its
 * memory-pressure level from that file when
 * BEAT_MEMGATE_SOURCE=file:LEVELFILE). The second round ends with every
 * thread idle for a while: twice the others wait 100 ms in a barrier,
 * while the primary sleeps and then while the last thread does. Prints
 * each round's node count on stdout, resident sizes on stderr. */
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

#define WIDTH 2
#define DEPTH 12

static long tree (int depth)
{
  volatile char frame[16 * 1024];
  memset ((char *) frame, depth + 1, sizeof frame);
  if (depth == 0)
    return 1;
  long sub[WIDTH] = {0};
  for (int i = 0; i < WIDTH; i++)
    {
#pragma omp task shared(sub) firstprivate(i, depth)
      sub[i] = tree (depth - 1);
    }
#pragma omp taskwait
  long n = frame[depth * 1000] == depth + 1;
  for (int i = 0; i < WIDTH; i++)
    n += sub[i];
  return n;
}

static void set_level (const char *path, const char *level)
{
  FILE *f = fopen (path, "w");
  CHECK (f != NULL, "cannot write %s", path);
  if (!f)
    return;
  fprintf (f, "%s\n", level);
  fclose (f);
}

/* Thread WHO sleeps 100 ms while the others wait in a barrier. */
static void idle_turn (int who)
{
  if (omp_get_thread_num () == who)
    usleep (100000);
#pragma omp barrier
}

int main (int argc, char **argv)
{
  long want = 0;
  for (int d = 0, p = 1; d <= DEPTH; d++, p *= WIDTH)
    want += p;

  if (argc > 3)
    set_level (argv[1], argv[2]);
  long n1 = 0;
#pragma omp parallel
#pragma omp single
  n1 = tree (DEPTH);
  CHECK (n1 == want, "round 1: %ld nodes, want %ld", n1, want);
  printf ("round 1: %ld nodes\n", n1);
  fprintf (stderr, "VmRSS after round 1: %ld kB\n", status_kib ("VmRSS"));

  if (argc > 3)
    {
      set_level (argv[1], argv[3]);
      usleep (30000);
    }

  long n2 = 0;
#pragma omp parallel
  {
#pragma omp single
    n2 = tree (DEPTH);
    idle_turn (0);
    idle_turn (omp_get_num_threads () - 1);
  }
  CHECK (n2 == want, "round 2: %ld nodes, want %ld", n2, want);
  printf ("round 2: %ld nodes\n", n2);
  fprintf (stderr, "VmRSS after round 2: %ld kB (peak %ld kB)\n", status_kib ("VmRSS"), status_kib ("VmHWM"));
  return finish ();
}
