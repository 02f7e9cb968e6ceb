/* numa_pt_place: where BEAT_PTHREAD=place puts a program's threads on a machine of several NUMA nodes. Prints, for 8 long-lived threads alive together and for 8 short ones, the nodes of the CPUs each may run on ("all" when every node), and for each short one whether it matches the node its creator ran on when it made it. Argument: the long ones' life in seconds (default 0.002). */
#define _GNU_SOURCE
#include <numa.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The nodes of the calling thread's CPUs: one node's number, or "all". */
static void my_nodes (char *out, size_t len)
{
  cpu_set_t set;
  sched_getaffinity (0, sizeof set, &set);
  int seen[64] = {0}, count = 0, last = -1;
  for (int c = 0; c < CPU_SETSIZE; c++)
    if (CPU_ISSET (c, &set))
      {
        int n = numa_node_of_cpu (c);
        if (n >= 0 && n < 64 && !seen[n])
          {
            seen[n] = 1;
            count++;
            last = n;
          }
      }
  if (count == numa_num_configured_nodes ())
    snprintf (out, len, "all");
  else if (count == 1)
    snprintf (out, len, "%d", last);
  else
    snprintf (out, len, "several");
}

static char where[16][16];
static int creator_node[8];
static pthread_barrier_t together;

/* Long-lived (LONG seconds of work, not blocking); with an index, it
 * records its nodes and waits for the other 7 before it ends. */
static double LONG = 0.002;

static void *long_one (void *arg)
{
  long k = (long) arg;
  double end = now () + LONG;
  while (now () < end)
    ;
  if (k >= 0)
    {
      my_nodes (where[k], sizeof where[k]);
      pthread_barrier_wait (&together);
    }
  return NULL;
}

static void *short_one (void *arg)
{
  long k = (long) arg;
  if (k >= 0)
    my_nodes (where[8 + k], sizeof where[8 + k]);
  return NULL;
}

/* Every thread is made here: one call site (noipa: no clone of it
 * either; the check after the call keeps it from being a tail call, whose
 * return address would be start's caller's). */
static void __attribute__ ((noipa)) start (pthread_t *t, void *(*fn) (void *), long k)
{
  if (pthread_create (t, NULL, fn, (void *) k) != 0)
    abort ();
}

static void run (void *(*fn) (void *), long k)
{
  pthread_t t;
  start (&t, fn, k);
  pthread_join (t, NULL);
}

int main (int argc, char **argv)
{
  if (argc > 1)
    LONG = atof (argv[1]);
  if (numa_available () < 0)
    {
      puts ("no NUMA");
      return 0;
    }
  /* libnuma builds its CPU maps lazily, unlocked: once here, before the
     threads ask (ThreadSanitizer saw them race). */
  (void) numa_node_of_cpu (0);
  /* Each kind is seen 10 times first (beat learns it). */
  for (int i = 0; i < 10; i++)
    run (long_one, -1);
  pthread_barrier_init (&together, NULL, 8);
  pthread_t t[8];
  for (long k = 0; k < 8; k++)
    start (&t[k], long_one, k);
  for (int k = 0; k < 8; k++)
    pthread_join (t[k], NULL);
  for (int i = 0; i < 10; i++)
    run (short_one, -1);
  /* A short one made while the creator stayed on one node (it may move
   * between CPUs: those made across a move are not compared). */
  for (long k = 0; k < 8; k++)
    {
      int before = numa_node_of_cpu (sched_getcpu ());
      pthread_t s;
      start (&s, short_one, k);
      int after = numa_node_of_cpu (sched_getcpu ());
      pthread_join (s, NULL);
      creator_node[k] = before == after ? before : -1;
    }
  for (int k = 0; k < 8; k++)
    printf ("long %d: %s\n", k, where[k]);
  for (int k = 0; k < 8; k++)
    {
      char node[16];
      snprintf (node, sizeof node, "%d", creator_node[k]);
      printf ("short %d: %s (%s)\n", k, where[8 + k],
              creator_node[k] < 0 ? "creator moved" : strcmp (node, where[8 + k]) == 0 ? "creator's node" : "elsewhere");
    }
  return 0;
}
