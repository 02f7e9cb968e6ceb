/* Regions whose teams change size, binding and nesting, each announced by a "-- name" line on stderr, for comparing the OMP_DISPLAY_AFFINITY lines each runtime prints per region (their order within a region is free). */
#include <omp.h>
#include <stdio.h>

/* Regions with empty bodies would be optimized away: each counts itself. */
static int entered;
#define BODY { _Pragma ("omp atomic") entered++; }

static void mark (const char *name)
{
  fflush (stdout);
  fprintf (stderr, "-- %s\n", name);
}

int main (void)
{
  omp_set_max_active_levels (4);
  mark ("first region, two threads, close");
  #pragma omp parallel num_threads (2) proc_bind (close)
  BODY
  mark ("the same again: nothing changes");
  #pragma omp parallel num_threads (2) proc_bind (close)
  BODY
  mark ("two threads, primary: thread 1 moves, all show");
  #pragma omp parallel num_threads (2) proc_bind (primary)
  BODY
  mark ("two threads, spread: thread 1 moves back");
  #pragma omp parallel num_threads (2) proc_bind (spread)
  BODY
  mark ("three threads: the size changes");
  #pragma omp parallel num_threads (3)
  BODY
  mark ("one thread: never shown");
  #pragma omp parallel num_threads (1)
  BODY
  mark ("three threads again: nothing changes");
  #pragma omp parallel num_threads (3)
  BODY
  mark ("nested: every nested team shows");
  #pragma omp parallel num_threads (2)
  {
    #pragma omp parallel num_threads (2)
    BODY
  }
  mark ("end");
  printf ("%d implicit tasks\n", entered);
  return 0;
}
