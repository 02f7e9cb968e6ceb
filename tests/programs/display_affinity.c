/* Regions whose teams change size, binding and nesting, each announced by a "-- name" line on stderr, for comparing the OMP_DISPLAY_AFFINITY lines each runtime prints per region (their order within a region is free). */
#include <omp.h>
#include <stdio.h>

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
  { }
  mark ("the same again: nothing changes");
  #pragma omp parallel num_threads (2) proc_bind (close)
  { }
  mark ("two threads, primary: thread 1 moves, all show");
  #pragma omp parallel num_threads (2) proc_bind (primary)
  { }
  mark ("two threads, spread: thread 1 moves back");
  #pragma omp parallel num_threads (2) proc_bind (spread)
  { }
  mark ("three threads: the size changes");
  #pragma omp parallel num_threads (3)
  { }
  mark ("one thread: never shown");
  #pragma omp parallel num_threads (1)
  { }
  mark ("three threads again: nothing changes");
  #pragma omp parallel num_threads (3)
  { }
  mark ("nested: every nested team shows");
  #pragma omp parallel num_threads (2)
  {
    #pragma omp parallel num_threads (2)
    { }
  }
  mark ("end");
  return 0;
}
