/* Task locality under any OpenMP runtime: do tasks run on the NUMA node
 * where their data lives?  The blocks of one array are first-touched by the
 * threads that own them (a static split, so each node holds the blocks of
 * its threads); then one thread (parallel + single, the "master creates
 * tasks" shape) creates one task per block, sweep after sweep, as an
 * iterative solver does.  Each task's argument block holds a pointer into
 * its data (firstprivate), which is where a runtime can learn the data's
 * home.  Every task records the node of the CPU it ran on and the node of
 * its block's pages (move_pages query).  Prints, one "key value" pair a
 * line: the tasks, the fraction that ran on their data's node (overall and
 * without the first sweep), blocks and tasks per node, and a checksum that
 * depends only on the sizes, so it is the same under every runtime.
 *
 * usage: numa_locality [-b BLOCKS] [-k KIB_PER_BLOCK] [-r SWEEPS] [-p PASSES] */
#define _GNU_SOURCE
#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_NODES 64
#define PAGES_SAMPLED 8 /* pages of a block asked about; the majority wins */

struct opts {
  long blocks, kib, sweeps, passes;
};

/* One record per (sweep, block): where the task ran and where its data was. */
struct where {
  int cpu_node, data_node;
};

/* Globals, so that a task's argument block holds only its block pointer and
 * two indices (no pointer to the creator's stack or to these records). */
static long page_size;
static struct opts o;
static long len, bytes; /* doubles and bytes per block */
static int numa;        /* libnuma works here */
static struct where *rec;
static double *last;

static void usage (const char *why)
{
  fprintf (stderr, "numa_locality: %s\n"
           "usage: numa_locality [-b BLOCKS] [-k KIB_PER_BLOCK] [-r SWEEPS] [-p PASSES]\n"
           "  defaults: -b 64 -k 256 -r 10 -p 4; BLOCKS 1..65536, KIB 4..1048576 (a multiple\n"
           "  of the page size in KiB), SWEEPS 1..10000, PASSES 1..1000\n", why);
  exit (2);
}

/* A whole decimal number in [lo, hi], or a usage message naming the flag. */
static long parse_count (const char *flag, const char *s, long lo, long hi)
{
  char *end;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) {
    char why[160];
    snprintf (why, sizeof why, "%s wants a whole number from %ld to %ld, not '%s'",
              flag, lo, hi, s);
    usage (why);
  }
  return v;
}

static struct opts parse_args (int argc, char **argv)
{
  struct opts o = { 64, 256, 10, 4 };
  for (int i = 1; i < argc; i++) {
    const char *f = argv[i];
    if (strcmp (f, "-h") == 0 || strcmp (f, "--help") == 0)
      usage ("task locality test");
    if (i + 1 >= argc)
      usage (strcmp (f, "-b") && strcmp (f, "-k") && strcmp (f, "-r") && strcmp (f, "-p")
             ? "unknown argument" : "a flag is missing its value");
    const char *v = argv[++i];
    if (strcmp (f, "-b") == 0) o.blocks = parse_count (f, v, 1, 65536);
    else if (strcmp (f, "-k") == 0) o.kib = parse_count (f, v, 4, 1048576);
    else if (strcmp (f, "-r") == 0) o.sweeps = parse_count (f, v, 1, 10000);
    else if (strcmp (f, "-p") == 0) o.passes = parse_count (f, v, 1, 1000);
    else usage ("unknown argument");
  }
  if ((o.kib * 1024) % page_size)
    usage ("-k must be a multiple of the page size");
  return o;
}

/* The node of the CPU this thread runs on now (0 without NUMA support). */
static int cpu_node_now (void)
{
  int cpu = sched_getcpu ();
  int node = cpu < 0 ? -1 : numa_node_of_cpu (cpu);
  return node < 0 ? 0 : node;
}

/* The node most of a block's sampled pages are on, or -1 when the kernel
 * cannot say (no NUMA support, pages not present). */
static int data_node (const double *blk, long bytes)
{
  long pages = bytes / page_size;
  int n = pages < PAGES_SAMPLED ? (int) pages : PAGES_SAMPLED;
  void *addr[PAGES_SAMPLED];
  int status[PAGES_SAMPLED], votes[MAX_NODES] = { 0 };
  for (int i = 0; i < n; i++)
    addr[i] = (char *) blk + (pages * i / n) * page_size;
  if (move_pages (0, n, addr, NULL, status, 0) != 0)
    return -1;
  for (int i = 0; i < n; i++)
    if (status[i] >= 0 && status[i] < MAX_NODES)
      votes[status[i]]++;
  int best = -1;
  for (int node = 0; node < MAX_NODES; node++)
    if (votes[node] > 0 && (best < 0 || votes[node] > votes[best]))
      best = node;
  return best;
}

/* The task body: PASSES passes that update the block and sum it.  The
 * result depends only on the block's index and the sweep, never on which
 * thread runs it. */
static double work (double *blk, long b)
{
  double sum = 0.0;
  for (long p = 0; p < o.passes; p++) {
    sum = 0.0;
    for (long i = 0; i < len; i++) {
      blk[i] = blk[i] * 0.5 + (double) ((b + p + i) & 7);
      sum += blk[i];
    }
  }
  return sum;
}

int main (int argc, char **argv)
{
  page_size = sysconf (_SC_PAGESIZE);
  o = parse_args (argc, argv);
  len = o.kib * 1024 / (long) sizeof (double);
  bytes = len * (long) sizeof (double);
  size_t total = (size_t) bytes * (size_t) o.blocks;

  /* mmap, not malloc: no page is touched before the threads touch their own. */
  double *a = mmap (NULL, total, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  rec = calloc ((size_t) (o.sweeps * o.blocks), sizeof *rec);
  last = calloc ((size_t) o.blocks, sizeof *last);
  if (a == MAP_FAILED || !rec || !last) {
    fprintf (stderr, "numa_locality: cannot allocate %zu bytes for %ld blocks of %ld KiB\n",
             total, o.blocks, o.kib);
    return 1;
  }
  /* Blocks are smaller than a transparent huge page: with THP one thread's
   * first touch would place its neighbours' blocks too. */
  if (madvise (a, total, MADV_NOHUGEPAGE) != 0 && errno != EINVAL)
    perror ("numa_locality: madvise(MADV_NOHUGEPAGE)");
  numa = numa_available () >= 0;
  if (numa)
    (void) numa_node_of_cpu (0); /* libnuma's first query is not thread-safe */

  /* First touch: thread t owns blocks [t*B/T, (t+1)*B/T). */
#pragma omp parallel
  {
    long t = omp_get_thread_num (), nt = omp_get_num_threads ();
    for (long b = t * o.blocks / nt; b < (t + 1) * o.blocks / nt; b++) {
      double *blk = a + b * len;
      for (long i = 0; i < len; i++)
        blk[i] = (double) ((b * 3 + i) % 17) * 0.25;
    }
  }

  /* Where first touch put the blocks (automatic NUMA balancing may move
   * them later; each task asks again). */
  long blocks_on[MAX_NODES] = { 0 };
  int nodes = numa ? numa_max_node () + 1 : 1;
  if (nodes > MAX_NODES)
    nodes = MAX_NODES;
  for (long b = 0; b < o.blocks; b++) {
    int n = numa ? data_node (a + b * len, bytes) : 0;
    if (n >= 0 && n < nodes)
      blocks_on[n]++;
  }

  /* One creator, one task per block, SWEEPS times. */
#pragma omp parallel
#pragma omp single
  for (long r = 0; r < o.sweeps; r++) {
    for (long b = 0; b < o.blocks; b++) {
      double *blk = a + b * len;
#pragma omp task firstprivate(blk, b, r)
      {
        struct where *w = &rec[r * o.blocks + b];
        w->cpu_node = numa ? cpu_node_now () : 0;
        w->data_node = numa ? data_node (blk, bytes) : 0;
        last[b] = work (blk, b);
      }
    }
#pragma omp taskwait
  }

  long ntasks = o.sweeps * o.blocks, on = 0, on_later = 0, unknown = 0;
  long tasks_on[MAX_NODES] = { 0 };
  for (long i = 0; i < ntasks; i++) {
    const struct where *w = &rec[i];
    if (w->data_node < 0)
      unknown++;
    if (w->data_node >= 0 && w->data_node == w->cpu_node) {
      on++;
      on_later += i >= o.blocks;
    }
    if (w->cpu_node < nodes)
      tasks_on[w->cpu_node]++;
  }
  double checksum = 0.0;
  for (long b = 0; b < o.blocks; b++)
    checksum += last[b];

  printf ("nodes %d\n", nodes);
  printf ("tasks %ld\n", ntasks);
  printf ("on_data_node %.4f\n", (double) on / (double) ntasks);
  printf ("on_data_node_after_first %.4f\n", o.sweeps > 1
          ? (double) on_later / (double) (ntasks - o.blocks) : (double) on / (double) ntasks);
  printf ("blocks_per_node");
  for (int n = 0; n < nodes; n++)
    printf (" %ld", blocks_on[n]);
  printf ("\ntasks_per_node");
  for (int n = 0; n < nodes; n++)
    printf (" %ld", tasks_on[n]);
  printf ("\nunknown_data_node %ld\n", unknown);
  printf ("checksum %.17g\n", checksum);
  munmap (a, total);
  free (rec);
  free (last);
  return 0;
}
