/* NUMA placement of fiber stacks (run inside numa-vm, two nodes): every
 * task reports the memory policy of the page its own stack variable is on;
 * under beat a task taken by a waiting thread runs on a fiber whose stack
 * prefers that thread's node. Prints one line per thread: the node its
 * CPU is on and whether its tasks' stacks preferred that node. */
#define _GNU_SOURCE
#include <omp.h>
#include <numa.h>
#include <numaif.h>
#include <sched.h>
#include <stdio.h>
#include "common.h"

static int ok[64], seen[64], cpu_node[64];

static void probe (void)
{
  volatile char here = 0;
  int mode = -1;
  unsigned long mask = 0;
  int t = omp_get_thread_num ();
  if (get_mempolicy (&mode, &mask, 64, (void *) &here, MPOL_F_ADDR) != 0)
    return;
  int node = numa_node_of_cpu (sched_getcpu ());
  __atomic_fetch_add (&seen[t], 1, __ATOMIC_RELAXED);
  cpu_node[t] = node;
  if (mode == MPOL_PREFERRED && mask == 1ul << node)
    __atomic_fetch_add (&ok[t], 1, __ATOMIC_RELAXED);
  double end = omp_get_wtime () + 200e-6; /* let the other thread take some */
  while (omp_get_wtime () < end)
    ;
}

int main (void)
{
  (void) numa_node_of_cpu (0); /* libnuma's first query is not thread-safe */
#pragma omp parallel num_threads(2)
  {
#pragma omp single
    for (int i = 0; i < 100; i++) {
#pragma omp task
      probe ();
    }
  }
  for (int t = 0; t < 2; t++)
    printf ("thread %d: cpu node %d, %d tasks, %d on stacks preferring that node\n", t, cpu_node[t],
            seen[t], ok[t]);
  return 0;
}
