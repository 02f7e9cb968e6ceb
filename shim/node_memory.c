/* node_memory.c: each worker's own structures in its NUMA node's memory,
 * and the check that they are.
 *
 * What a worker touches most is allocated by the worker itself, so the
 * kernel's first-touch policy puts it on the worker's node: its deque's
 * ring (made at its first push, deque.c), its task blocks (from its own
 * malloc arena, kept on its free list only while they are of its node,
 * task.c), its fiber stacks (mapped with its node preferred, fiber.c). The
 * one exception is the members array of a team, which the team's primary
 * thread allocates: when a team spans several nodes, each page of the
 * array whose members all sit on one node is moved there (one move_pages
 * call when the team forms with a new layout).
 *
 * With BEAT_STATS on a machine of several nodes, each worker asks the
 * kernel (move_pages with no target: a query) where those structures are,
 * at the end of a region, once for each that exists by then (its seat and
 * ring once per seat, its task blocks and fiber stacks once per thread),
 * and BEAT_STATS prints how many pages were found on the worker's node. A
 * team's members share pages (several to a page): a page holding members
 * of different nodes stays where the primary put it. */
#include "rt.h"
#include "fiber.h"

#include <numaif.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static uintptr_t page_size(void)
{
	static uintptr_t size;
	if (size == 0)
		size = (uintptr_t)sysconf(_SC_PAGESIZE);
	return size;
}

/* The OS node number of a logical node (move_pages speaks OS numbers). */
static int os_of_node(int node)
{
	for (int os = 0; os < BEAT_MAX_NODES * 4; os++)
		if (beat_numa_node_of_os(os) == node)
			return os;
	return -1;
}

void beat_node_memory_place_members(struct beat_team *team)
{
	uintptr_t ps = page_size();
	uintptr_t lo = (uintptr_t)team->members, hi = lo + team->nthreads * sizeof(struct beat_member);
	unsigned n = (unsigned)((hi - (lo & ~(ps - 1)) + ps - 1) / ps);
	void **pages = malloc(n * sizeof *pages);
	int *nodes = malloc(n * sizeof *nodes), *status = malloc(n * sizeof *status);
	unsigned k = 0;
	for (uintptr_t p = lo & ~(ps - 1); pages && nodes && status && p < hi; p += ps) {
		/* the members overlapping [p, p + ps) */
		uintptr_t first = p > lo ? (p - lo) / sizeof(struct beat_member) : 0;
		uintptr_t last = (p + ps - 1 - lo) / sizeof(struct beat_member);
		if (last >= team->nthreads)
			last = team->nthreads - 1;
		int node = team->members[first].node;
		for (uintptr_t i = first + 1; i <= last && node >= 0; i++)
			if (team->members[i].node != node)
				node = -1;
		int os = node >= 0 ? os_of_node(node) : -1;
		if (os < 0)
			continue;
		pages[k] = (void *)p;
		nodes[k] = os;
		k++;
	}
	if (k > 0 && move_pages(0, k, pages, nodes, status, MPOL_MF_MOVE) < 0 && beat_cfg.debug)
		beat_warn("debug: moving a team's members to their nodes failed");
	free(pages);
	free(nodes);
	free(status);
}

/* Pages of kind (BEAT_MEM_*) at addrs[0..n) on node: counted for t. */
static void check_pages(struct beat_thread *t, int kind, void **addrs, unsigned n, int node)
{
	int status[8];
	void *pages[8];
	unsigned k = 0;
	for (unsigned i = 0; i < n && k < 8; i++)
		if (addrs[i])
			pages[k++] = (void *)((uintptr_t)addrs[i] & ~(page_size() - 1));
	if (k == 0 || move_pages(0, k, pages, NULL, status, 0) != 0)
		return;
	for (unsigned i = 0; i < k; i++) {
		if (status[i] < 0)
			continue; /* not touched yet: nowhere */
		t->stats.mem_checked[kind]++;
		if (beat_numa_node_of_os(status[i]) == node)
			t->stats.mem_local[kind]++;
	}
}

void beat_node_memory_check(struct beat_thread *t, struct beat_member *m)
{
	int cpu = sched_getcpu();
	int node = cpu >= 0 ? beat_numa_node_of_cpu(cpu) : -1;
	if (node < 0)
		return;
	void *addrs[8];
	unsigned n = 0;
	if (!(m->mem_checked & (1u << BEAT_MEM_MEMBER))) {
		m->mem_checked |= 1u << BEAT_MEM_MEMBER;
		addrs[0] = m;
		check_pages(t, BEAT_MEM_MEMBER, addrs, 1, node);
	}
	void *ring = atomic_load_explicit(&m->deque.array, memory_order_relaxed);
	if (ring && !(m->mem_checked & (1u << BEAT_MEM_DEQUE))) {
		m->mem_checked |= 1u << BEAT_MEM_DEQUE;
		addrs[0] = ring;
		check_pages(t, BEAT_MEM_DEQUE, addrs, 1, node);
	}
	if (t->free_tasks && !(t->mem_checked & (1u << BEAT_MEM_TASKS))) {
		t->mem_checked |= 1u << BEAT_MEM_TASKS;
		for (void *b = t->free_tasks; b && n < 4; b = *(void **)b)
			addrs[n++] = b;
		check_pages(t, BEAT_MEM_TASKS, addrs, n, node);
	}
	if (t->fiber_cache && !(t->mem_checked & (1u << BEAT_MEM_STACK))) {
		t->mem_checked |= 1u << BEAT_MEM_STACK;
		n = 0;
		for (struct beat_fiber *f = t->fiber_cache; f && n < 4; f = f->next)
			addrs[n++] = f->stack_lo + f->stack_size - 1; /* the top: touched first */
		check_pages(t, BEAT_MEM_STACK, addrs, n, node);
	}
}
