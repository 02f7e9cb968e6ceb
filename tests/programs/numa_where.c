/* Prints, for every thread of a parallel region (optionally of nested
 * teams), where it runs: its CPU, that CPU's NUMA node, the CPUs of its
 * affinity mask and their nodes, its bind-var and place; the tests check
 * node-wide binding with them (tests/numa/binding.bats). Lines come out in
 * thread order after the region. */
#define _GNU_SOURCE
#include <numa.h>
#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXT 64

struct seen {
  int valid, cpu, bind, place;
  char mask[256], nodes[64];
};

static struct seen seen[MAXT][MAXT];

/* "0,1,3" for the CPUs of set, and the nodes they are on. */
static void describe (const cpu_set_t *set, char *mask, size_t mn, char *nodes, size_t nn)
{
  int on_node[64] = { 0 };
  mask[0] = nodes[0] = '\0';
  for (int c = 0; c < CPU_SETSIZE; c++)
    if (CPU_ISSET (c, set))
      {
        snprintf (mask + strlen (mask), mn - strlen (mask), "%s%d", mask[0] ? "," : "", c);
        int n = numa_available () >= 0 ? numa_node_of_cpu (c) : 0;
        if (n >= 0 && n < 64)
          on_node[n] = 1;
      }
  for (int n = 0; n < 64; n++)
    if (on_node[n])
      snprintf (nodes + strlen (nodes), nn - strlen (nodes), "%s%d", nodes[0] ? "," : "", n);
}

static void record (int outer, int inner)
{
  /* a little work first, so the thread has been scheduled where it may run */
  volatile unsigned long x = 0;
  for (unsigned long i = 0; i < 200000; i++)
    x += i;
  struct seen *s = &seen[outer % MAXT][inner % MAXT];
  cpu_set_t set;
  CPU_ZERO (&set);
  sched_getaffinity (0, sizeof set, &set);
  s->cpu = sched_getcpu ();
  s->bind = (int) omp_get_proc_bind ();
  s->place = omp_get_place_num ();
  describe (&set, s->mask, sizeof s->mask, s->nodes, sizeof s->nodes);
  s->valid = 1;
}

static void print_region (int r)
{
  for (int i = 0; i < MAXT; i++)
    for (int j = 0; j < MAXT; j++)
      {
        struct seen *s = &seen[i][j];
        if (!s->valid)
          continue;
        int node = numa_available () >= 0 ? numa_node_of_cpu (s->cpu) : 0;
        printf ("region %d thread %d.%d cpu %d node %d mask %s masknodes %s bind %d place %d\n",
                r, i, j, s->cpu, node, s->mask, s->nodes, s->bind, s->place);
        s->valid = 0;
      }
}

/* usage: numa_where [REGIONS [INNER]]: REGIONS regions one after another
 * (default 1), each with nested teams of INNER threads when INNER > 0. */
int main (int argc, char **argv)
{
  int regions = argc > 1 ? atoi (argv[1]) : 1;
  int inner = argc > 2 ? atoi (argv[2]) : 0;
  if (inner > 0)
    omp_set_max_active_levels (2);
  /* libnuma builds its CPU-to-node map on first use, without a lock:
     build it here, before threads ask. */
  if (numa_available () >= 0)
    (void) numa_node_of_cpu (0);
  printf ("places %d\n", omp_get_num_places ());
  for (int r = 0; r < regions; r++)
    {
      #pragma omp parallel
      {
        int o = omp_get_thread_num ();
        if (inner > 0)
          {
            #pragma omp parallel num_threads (inner)
            record (o, omp_get_thread_num ());
          }
        else
          record (o, 0);
      }
      print_region (r);
    }
  return 0;
}
