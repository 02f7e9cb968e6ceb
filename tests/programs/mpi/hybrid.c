/* A hybrid MPI + OpenMP program for tests/mpi.bats (built there with
 * mpicc -fopenmp): each rank runs an OpenMP parallel region with tasks and
 * a reduction, every thread and task noting its CPU and affinity mask.
 * Rank 0 prints, per rank, what must not depend on the runtime (threads,
 * results, whether every thread and task stayed inside the CPUs the rank
 * started with) on stdout, and where each ran on stderr. The rank's CPUs
 * are the initial thread's mask when main starts: under libgomp with
 * OMP_PROC_BIND set its constructor has bound that thread to one place
 * already, so such runs are not comparable (beat binds it later). */
#define _GNU_SOURCE
#include <mpi.h>
#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTASKS 64

static long fib (int n)
{
  return n < 2 ? n : fib (n - 1) + fib (n - 2);
}

/* Is the calling thread's CPU and whole mask inside start? */
static int inside (const cpu_set_t *start)
{
  cpu_set_t mine, both;
  CPU_ZERO (&mine);
  if (sched_getaffinity (0, sizeof mine, &mine) != 0)
    return 0;
  CPU_AND (&both, &mine, start);
  int cpu = sched_getcpu ();
  return CPU_EQUAL (&both, &mine) && cpu >= 0 && CPU_ISSET (cpu, start);
}

static void list (const cpu_set_t *set, char *out, size_t n)
{
  out[0] = '\0';
  for (int c = 0; c < CPU_SETSIZE; c++)
    if (CPU_ISSET (c, set) && strlen (out) + 8 < n)
      snprintf (out + strlen (out), n - strlen (out), "%s%d", out[0] ? "," : "", c);
}

int main (int argc, char **argv)
{
  int provided, rank, size;
  MPI_Init_thread (&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank (MPI_COMM_WORLD, &rank);
  MPI_Comm_size (MPI_COMM_WORLD, &size);

  /* the rank's CPUs, as mpirun's binding left them */
  cpu_set_t start;
  CPU_ZERO (&start);
  sched_getaffinity (0, sizeof start, &start);

  int nthreads = 0, thread_out = 0, task_out = 0;
  long task_sum = 0, red = 0;
  #pragma omp parallel reduction (+: red)
  {
    #pragma omp single
    nthreads = omp_get_num_threads ();
    if (!inside (&start))
      __atomic_add_fetch (&thread_out, 1, __ATOMIC_RELAXED);
    #pragma omp single
    for (int i = 0; i < NTASKS; i++)
      {
        #pragma omp task firstprivate (i)
        {
          long v = fib (15 + i % 5) + rank;
          __atomic_add_fetch (&task_sum, v, __ATOMIC_RELAXED);
          if (!inside (&start))
            __atomic_add_fetch (&task_out, 1, __ATOMIC_RELAXED);
        }
      }
    #pragma omp for
    for (int i = 0; i < 1000; i++)
      red += i * (rank + 1);
    char mask[256];
    cpu_set_t mine;
    sched_getaffinity (0, sizeof mine, &mine);
    list (&mine, mask, sizeof mask);
    fprintf (stderr, "rank %d thread %d cpu %d mask %s\n", rank, omp_get_thread_num (),
             sched_getcpu (), mask);
  }

  long mine_line[5] = { nthreads, thread_out, task_out, task_sum, red };
  long *all = rank == 0 ? malloc (sizeof mine_line * (size_t) size) : NULL;
  MPI_Gather (mine_line, 5, MPI_LONG, all, 5, MPI_LONG, 0, MPI_COMM_WORLD);
  long total = 0;
  MPI_Reduce (&red, &total, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
  char start_list[256];
  list (&start, start_list, sizeof start_list);
  fprintf (stderr, "rank %d start %s threads %d\n", rank, start_list, nthreads);
  if (rank == 0)
    {
      for (int r = 0; r < size; r++)
        printf ("rank %d: threads %ld, threads outside its CPUs %ld, tasks outside %ld, "
                "task sum %ld, reduction %ld\n",
                r, all[5 * r], all[5 * r + 1], all[5 * r + 2], all[5 * r + 3], all[5 * r + 4]);
      printf ("total %ld\n", total);
      free (all);
    }
  MPI_Finalize ();
  return 0;
}
