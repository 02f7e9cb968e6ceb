/* locality.c: where a large task's data lives, learnt once per task from
 * the pointers in its argument block.
 *
 * Only tasks predicted large are looked at, and only when the team spans
 * several NUMA nodes, so fine-grained tasks and one-node machines pay
 * nothing. Each pointer-sized, pointer-aligned word of the argument block
 * that could be a user-space address names a page; the first page and the
 * one after it (a block of data usually spans both) go into one
 * move_pages(2) query (NULL target nodes: the kernel only reports where each
 * page is, or that it is not mapped or not yet touched). At most
 * LOCALITY_PAGES pages, one system call per task. The task's data node is
 * the node holding most of the pages found; its locality, that node's share
 * of them in 64ths (0: nothing found). */
#include "rt.h"

#include <numaif.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define LOCALITY_PAGES 8

static uintptr_t page_mask(void)
{
	static uintptr_t mask;
	if (mask == 0)
		mask = ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
	return mask;
}

/* A word that may point into this process's memory: above the first page,
 * below the top of the user half of the address space. */
static bool plausible(uintptr_t w)
{
	return w >= 65536 && w < ((uintptr_t)1 << 47);
}

static bool known(void *const *pages, unsigned n, void *p)
{
	for (unsigned i = 0; i < n; i++)
		if (pages[i] == p)
			return true;
	return false;
}

void beat_locality_probe(struct beat_thread *t, struct beat_task *task, size_t arg_size)
{
	void *pages[LOCALITY_PAGES];
	int status[LOCALITY_PAGES];
	unsigned n = 0;
	uintptr_t mask = page_mask(), step = ~mask + 1;
	const char *arg = task->data;
	for (size_t off = 0; off + sizeof(uintptr_t) <= arg_size && n + 2 <= LOCALITY_PAGES;
	     off += sizeof(uintptr_t)) {
		uintptr_t w;
		memcpy(&w, arg + off, sizeof w);
		if (!plausible(w))
			continue;
		for (uintptr_t p = w & mask; p <= (w & mask) + step; p += step)
			if (!known(pages, n, (void *)p))
				pages[n++] = (void *)p;
	}
	if (n == 0)
		return;
	BEAT_STAT(t, locality_probes);
	if (move_pages(0, n, pages, NULL, status, 0) != 0)
		return;
	unsigned count[BEAT_MAX_NODES] = {0}, found = 0;
	for (unsigned i = 0; i < n; i++) {
		int node = status[i] >= 0 ? beat_numa_node_of_os(status[i]) : -1;
		if (node < 0)
			continue;
		count[node & (BEAT_MAX_NODES - 1)]++;
		found++;
	}
	if (found == 0)
		return;
	t->stats.locality_pages += found;
	unsigned best = 0;
	for (unsigned k = 1; k < BEAT_MAX_NODES; k++)
		if (count[k] > count[best])
			best = k;
	task->data_node = (int8_t)best;
	task->locality = (uint8_t)((count[best] * 64 + found / 2) / found);
}
