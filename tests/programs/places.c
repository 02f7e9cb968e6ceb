/* Prints the place list, then every thread's place, place partition and bind-var in nested regions of each proc_bind kind, one line per thread, so runtimes can be compared (the line order is free: compare sorted). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "L1.L2.L3 tag place=P part=a,b,c bind=B" for the calling thread. */
static void show (const char *tag)
{
  char path[64] = "";
  int level = omp_get_level ();
  for (int l = 1; l <= level && strlen (path) < 48; l++)
    snprintf (path + strlen (path), sizeof path - strlen (path), "%s%d",
              l > 1 ? "." : "", omp_get_ancestor_thread_num (l));
  int n = omp_get_partition_num_places ();
  int *nums = malloc (sizeof (int) * (n > 0 ? n : 1));
  omp_get_partition_place_nums (nums);
  char part[512] = "";
  for (int i = 0; i < n && strlen (part) < 480; i++)
    snprintf (part + strlen (part), sizeof part - strlen (part), "%s%d", i ? "," : "",
              nums[i]);
  free (nums);
  #pragma omp critical (show_line)
  printf ("%s %s n=%d place=%d part=%s bind=%d\n", tag, path[0] ? path : "-",
          omp_get_num_threads (), omp_get_place_num (), part, (int) omp_get_proc_bind ());
}

static void place_list (void)
{
  int np = omp_get_num_places ();
  printf ("places %d:", np);
  for (int p = 0; p < np && p < 64; p++)
    {
      int k = omp_get_place_num_procs (p);
      int *ids = malloc (sizeof (int) * (k > 0 ? k : 1));
      omp_get_place_proc_ids (p, ids);
      printf (" {");
      for (int i = 0; i < k; i++)
        printf ("%s%d", i ? "," : "", ids[i]);
      printf ("}");
      free (ids);
    }
  printf ("\n");
}

/* Three levels under the bind-var of the environment (no clauses). */
static void env_levels (int a, int b, int c)
{
  show ("env0");
  #pragma omp parallel num_threads (a)
  {
    show ("env1");
    #pragma omp parallel num_threads (b)
    {
      show ("env2");
      #pragma omp parallel num_threads (c)
      show ("env3");
    }
  }
}

/* Each clause at the outer level, each clause inside it. */
static void clauses (int a, int b)
{
  #pragma omp parallel num_threads (a) proc_bind (spread)
  {
    show ("S");
    #pragma omp parallel num_threads (b) proc_bind (spread)
    show ("S.S");
    #pragma omp parallel num_threads (b) proc_bind (close)
    show ("S.C");
    #pragma omp parallel num_threads (b) proc_bind (master)
    show ("S.M");
    #pragma omp parallel num_threads (b)
    show ("S.-");
  }
  #pragma omp parallel num_threads (a) proc_bind (close)
  {
    show ("C");
    #pragma omp parallel num_threads (b) proc_bind (spread)
    show ("C.S");
    #pragma omp parallel num_threads (b) proc_bind (master)
    show ("C.M");
  }
  #pragma omp parallel num_threads (a) proc_bind (master)
  {
    show ("M");
    #pragma omp parallel num_threads (b) proc_bind (spread)
    show ("M.S");
    #pragma omp parallel num_threads (b) proc_bind (close)
    show ("M.C");
  }
  #pragma omp parallel num_threads (a) proc_bind (spread)
  #pragma omp parallel num_threads (1)
  show ("S.1");
}

/* usage: places [A B C]  (team sizes of the three levels; default 3 2 2) */
int main (int argc, char **argv)
{
  int a = argc > 1 ? atoi (argv[1]) : 3;
  int b = argc > 2 ? atoi (argv[2]) : 2;
  int c = argc > 3 ? atoi (argv[3]) : 2;
  omp_set_max_active_levels (8);
  omp_set_dynamic (0);
  place_list ();
  env_levels (a, b, c);
  clauses (a, b);
  return 0;
}
