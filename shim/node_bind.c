/* node_bind.c: node-wide binding of worker threads when no binding was
 * asked for, on a machine where the process may run on CPUs of several
 * NUMA nodes.
 *
 * Design. Without OMP_PROC_BIND and OMP_PLACES, OpenMP leaves threads
 * unbound and the OS may move a worker to any node, so "the worker's node"
 * (its victim order, its fiber stacks, the memory it first touches) goes
 * stale. Here each worker's mask becomes every CPU of one node that the
 * process may use: the OS still balances it within the node, never across.
 * The members of a team are spread over the usable nodes (those holding a
 * CPU of the process's start mask: taskset, cpusets, mpirun --bind-to) by
 * the rule proc_bind(spread) follows over numa_domains places (places.c),
 * from the primary thread's node on; a nested team spreads within its
 * primary thread's node partition.
 *
 * The primary thread is never bound: the initial thread keeps the mask it
 * started with, and with it the threads and processes the program creates
 * from it. Its node is the node of the CPU it forms the team on.
 *
 * This is not an OpenMP place binding: bind-var stays false and there are
 * no places, so omp_get_proc_bind() answers omp_proc_bind_false and
 * omp_get_place_num() -1 (with bind-var false the specification lets the
 * implementation move threads as it likes; keeping them on a node is one
 * such choice).
 *
 * Off (decided once, at the first team): OMP_PROC_BIND set (false
 * included), OMP_PLACES or GOMP_CPU_AFFINITY set, places exist, or fewer
 * than two nodes hold a usable CPU (one-node machines, a start mask inside
 * one node). Then no seat gets a node and nothing here makes a system call.
 * A BEAT_TOPOLOGY file's nodes count like the machine's, but only through
 * the CPUs the process may use, so no mask names a CPU that does not
 * exist. */
#include "rt.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

static int num_usable;          /* usable nodes; below 2: node binding off */
static cpu_set_t *usable_mask;  /* [num_usable] the allowed CPUs of each */
static int *first_cpu;          /* [num_usable] the lowest of them */
static int *usable_of_node;     /* [beat_numa_nodes()] usable index, -1: none */
static int numa_count;

/* ------------------------------------------------------- private helpers */

/* Did the environment ask for binding (or for none) in any way? */
static bool binding_asked(void)
{
	if (beat_cfg.bind_list_len > 0 || beat_cfg.places_text != NULL || beat_num_places > 0)
		return true;
	const char *gca = beat_getenv("GOMP_CPU_AFFINITY");
	return gca != NULL && *gca != '\0';
}

static void tables_free(void)
{
	free(usable_mask);
	free(first_cpu);
	free(usable_of_node);
	usable_mask = NULL;
	first_cpu = NULL;
	usable_of_node = NULL;
	num_usable = 0;
}

/* The usable nodes, in node order, each with its allowed CPUs. */
static void decide(void)
{
	if (binding_asked())
		return;
	beat_numa_init();
	numa_count = beat_numa_nodes();
	if (numa_count < 2)
		return;
	usable_of_node = malloc((size_t)numa_count * sizeof(int));
	usable_mask = calloc((size_t)numa_count, sizeof(cpu_set_t));
	first_cpu = malloc((size_t)numa_count * sizeof(int));
	if (!usable_of_node || !usable_mask || !first_cpu) {
		tables_free();
		return;
	}
	for (int n = 0; n < numa_count; n++)
		usable_of_node[n] = -1;
	const int *cpus;
	int ncpus = beat_allowed_cpus(&cpus);
	/* first pass: which nodes hold an allowed CPU */
	for (int i = 0; i < ncpus; i++) {
		int node = beat_numa_node_of_cpu(cpus[i]);
		if (node >= 0 && node < numa_count)
			usable_of_node[node] = 0;
	}
	for (int n = 0; n < numa_count; n++)
		if (usable_of_node[n] == 0)
			usable_of_node[n] = num_usable++;
	if (num_usable < 2) {
		tables_free();
		return;
	}
	for (int u = 0; u < num_usable; u++)
		first_cpu[u] = -1;
	for (int i = 0; i < ncpus; i++) {
		int node = beat_numa_node_of_cpu(cpus[i]);
		if (node < 0 || node >= numa_count || cpus[i] >= CPU_SETSIZE)
			continue;
		int u = usable_of_node[node];
		CPU_SET(cpus[i], &usable_mask[u]);
		if (first_cpu[u] < 0)
			first_cpu[u] = cpus[i];
	}
	if (beat_cfg.debug)
		beat_warn("debug: workers are bound node-wide over %d NUMA nodes", num_usable);
}

static pthread_once_t decide_once = PTHREAD_ONCE_INIT;

/* The usable node of a CPU, -1 when its node has none (or cpu < 0). */
static int usable_of_cpu(int cpu)
{
	if (cpu < 0)
		return -1;
	int node = beat_numa_node_of_cpu(cpu);
	return node >= 0 && node < numa_count ? usable_of_node[node] : -1;
}

/* ------------------------------------------------------------ public API */

void beat_nodes_assign(struct beat_team *team, const struct beat_member *seat,
		       struct beat_thread *const *crew, int forming_cpu)
{
	pthread_once(&decide_once, decide);
	if (num_usable < 2)
		return;
	int p, off, len;
	if (seat && seat->bind_node_len > 0) {
		p = seat->bind_node;
		off = seat->bind_node_first;
		len = seat->bind_node_len;
	} else {
		p = usable_of_cpu(forming_cpu);
		if (p < 0)
			p = 0;
		off = 0;
		len = num_usable;
	}
	beat_places_spread_nodes(team, p, off, len);
	/* victims.c reads the crew's CPUs before the workers bind themselves:
	 * one on the wrong node now reports its new node's first CPU. */
	for (unsigned i = 1; i < team->nthreads; i++) {
		struct beat_thread *w = crew[i - 1];
		int node = team->members[i].bind_node;
		if (usable_of_cpu(__atomic_load_n(&w->cpu, __ATOMIC_RELAXED)) != node)
			__atomic_store_n(&w->cpu, first_cpu[node], __ATOMIC_RELAXED);
	}
}

bool beat_bind_to_node(int n)
{
	if (n < 0 || n >= num_usable)
		return false;
	return pthread_setaffinity_np(pthread_self(), sizeof(cpu_set_t), &usable_mask[n]) == 0;
}
