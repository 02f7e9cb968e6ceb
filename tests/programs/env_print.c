/* Prints what the omp_get_* queries return under the current environment (ICVs, nested team sizes, places, binding), by group, so runtimes can be compared. */
#include <omp.h>
#include <string.h>
#include "common.h"

#define MAXT 64

/* Groups to print come from argv (threads dynamic nested levels limit schedule
   bind places cancel priority device); no argument prints all of them. */
static int nargs;
static char **args;
static int want (const char *g)
{
  if (nargs == 0) return 1;
  for (int k = 0; k < nargs; k++)
    if (!strcmp (args[k], g)) return 1;
  return 0;
}

int main (int argc, char **argv)
{
  nargs = argc - 1;
  args = argv + 1;
  if (want ("threads")) printf ("max_threads %d\n", omp_get_max_threads ());
  if (want ("dynamic")) printf ("dynamic %d\n", omp_get_dynamic ());
  if (want ("nested")) printf ("nested %d\n", omp_get_nested ());
  if (want ("levels")) printf ("max_active_levels %d\n", omp_get_max_active_levels ());
  if (want ("limit")) printf ("thread_limit %d\n", omp_get_thread_limit ());
  if (want ("schedule")) {
    omp_sched_t kind;
    int chunk;
    omp_get_schedule (&kind, &chunk);
    printf ("schedule %#x %d\n", (unsigned) kind, chunk);
  }
  if (want ("bind")) printf ("proc_bind %d\n", (int) omp_get_proc_bind ());
  if (want ("cancel")) printf ("cancellation %d\n", omp_get_cancellation ());
  if (want ("priority")) printf ("max_task_priority %d\n", omp_get_max_task_priority ());
  if (want ("device")) printf ("default_device %d\n", omp_get_default_device ());
  if (want ("places")) {
    int np = omp_get_num_places ();
    printf ("num_places %d\n", np);
    for (int p = 0; p < np && p < MAXT; p++) {
      int n = omp_get_place_num_procs (p);
      int ids[256];
      printf ("place %d:", p);
      if (n > 0 && n <= 256) {
        omp_get_place_proc_ids (p, ids);
        for (int k = 0; k < n; k++) printf (" %d", ids[k]);
      }
      printf ("\n");
    }
  }

  /* Team sizes are only deterministic without dynamic adjustment. */
  if (!omp_get_dynamic () && (want ("threads") || want ("limit") || want ("levels") || want ("bind"))) {
    int l1 = 0, l2 = 0, l3 = 0, inner_max = 0, inner_bind = -1, l2_max = 0, l2_bind = -1;
    int place_of[MAXT], part_of[MAXT];
    for (int k = 0; k < MAXT; k++) place_of[k] = part_of[k] = -2;
#pragma omp parallel
    {
      int t = omp_get_thread_num ();
      if (t < MAXT) {
        place_of[t] = omp_get_place_num ();
        part_of[t] = omp_get_partition_num_places ();
      }
      if (t == 0) {
        l1 = omp_get_num_threads ();
        inner_max = omp_get_max_threads ();
        inner_bind = (int) omp_get_proc_bind ();
#pragma omp parallel
        {
          if (omp_get_thread_num () == 0) {
            l2 = omp_get_num_threads ();
            l2_max = omp_get_max_threads ();
            l2_bind = (int) omp_get_proc_bind ();
#pragma omp parallel
            {
              if (omp_get_thread_num () == 0)
                l3 = omp_get_num_threads ();
            }
          }
        }
      }
    }
    if (want ("threads") || want ("limit") || want ("levels")) {
      printf ("team sizes %d %d %d\n", l1, l2, l3);
      printf ("level1 max_threads %d level2 max_threads %d\n", inner_max, l2_max);
    }
    if (want ("bind")) {
      printf ("level1 proc_bind %d level2 proc_bind %d\n", inner_bind, l2_bind);
      if (omp_get_proc_bind () != omp_proc_bind_false)
        for (int t = 0; t < l1 && t < MAXT; t++)
          printf ("thread %d place %d partition %d\n", t, place_of[t], part_of[t]);
    }
  }
  return finish ();
}
