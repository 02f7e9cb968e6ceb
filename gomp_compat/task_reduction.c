/* task_reduction.c: OpenMP 5.0 task reductions over the descriptor arrays
 * GCC builds: taskgroup task_reduction, task in_reduction (remapping an item
 * to the executing thread's private copy), parallel reduction(task, ...),
 * worksharing reduction(task, ...) and taskloop reduction.
 *
 * The descriptor is a uintptr_t array owned by the compiled code:
 *   d[0]  number of items            d[1]  bytes of one thread's block
 *   d[2]  in: the block alignment; out: base of nthreads zeroed blocks
 *   d[3]  allocator (-1: malloc)     d[4]  in: next descriptor of the same
 *         registration or 0; out (on the last one): the registration it
 *         shadows, i.e. the innermost enclosing one, or 0
 *   d[5]  ours: the registration record      d[6]  ours: end of the blocks
 *   then d[0] items of three words each, sorted by offset:
 *   e[0]  address of the original item, e[1] its offset in a block,
 *   e[2]  ours: the descriptor holding the item.
 * Thread k's copy of an item is d[2] + k * d[1] + e[1]. The compiled code
 * reads d[2] after registering, uses its own block directly where it knows
 * its thread number, and combines the blocks (omp_get_num_threads() of them,
 * or the count GOMP_parallel_reductions returns) before unregistering; an
 * item's block area starts zeroed and the code keeps its own "initialised"
 * flag there. A taskloop that returns early leaves d[2] = 0, which tells the
 * code that nothing was registered.
 *
 * Where registrations live: in the `reductions` field of the taskgroup that
 * owns them. A new taskgroup starts with none, so the registration visible
 * to a task is the first one found walking its taskgroup chain outwards
 * (tasks inherit their creator's innermost taskgroup). Each registration
 * has a record with an open-addressing table from original address to item
 * and a link to the registration it shadows; remap searches the innermost
 * first, so an inner task_reduction of the same variable wins.
 *
 * The parallel case shares one taskgroup (and descriptor) among all the
 * implicit tasks of the new team. The worksharing case gives every member a
 * taskgroup and a descriptor of its own, all pointing at the first member's
 * blocks; member 0, which combines, frees them. */
#include "abi.h"
#include "task_reduction.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define ITEM_WORDS 3
#define HEAD_WORDS 7

/* What register puts in d[5] of each descriptor of a registration. */
struct registration {
	uintptr_t *shadows; /* first descriptor of the enclosing registration */
	size_t mask;        /* table size - 1 (a power of two minus one) */
	uintptr_t *table[]; /* items (&e[0]) by original address; NULL: empty */
};

/* --------------------------------------------------------- private helpers */

static uintptr_t *item(uintptr_t *d, size_t i)
{
	return d + HEAD_WORDS + i * ITEM_WORDS;
}

static uintptr_t *next_desc(uintptr_t *d)
{
	return (uintptr_t *)d[4];
}

static size_t addr_hash(uintptr_t addr)
{
	uint64_t h = (uint64_t)addr * 0x9e3779b97f4a7c15ull;
	return (size_t)(h ^ (h >> 31));
}

/* The registration a task sees: the innermost one on its taskgroup chain. */

static void *zeroed_blocks(size_t block, size_t align, unsigned nthreads)
{
	if (align < sizeof(void *))
		align = sizeof(void *);
	if (align & (align - 1))
		beat_fatal("task reduction: alignment %zu is not a power of two", align);
	size_t bytes = block * nthreads;
	if (nthreads && bytes / nthreads != block)
		beat_fatal("task reduction: %zu bytes x %u threads overflows", block, nthreads);
	if (bytes == 0)
		bytes = align; /* d[2] must not be 0: 0 means "not registered" */
	void *p = NULL;
	if (posix_memalign(&p, align, bytes) != 0)
		beat_fatal("out of memory for task reduction copies (%zu bytes)", bytes);
	memset(p, 0, bytes);
	return p;
}

static void table_insert(struct registration *r, uintptr_t *e)
{
	size_t h = addr_hash(e[0]) & r->mask;
	while (r->table[h] && r->table[h][0] != e[0])
		h = (h + 1) & r->mask;
	r->table[h] = e; /* an address listed twice: the later item wins */
}

static uintptr_t *table_find(const struct registration *r, uintptr_t addr)
{
	size_t h = addr_hash(addr) & r->mask;
	for (uintptr_t *e; (e = r->table[h]) != NULL; h = (h + 1) & r->mask)
		if (e[0] == addr)
			return e;
	return NULL;
}

/* Registers the descriptors starting at data as one registration that
 * shadows `shadows`. first == NULL: allocate blocks for nthreads threads;
 * otherwise share those of first (the same construct's descriptors as
 * registered by the first team member). */
static void registration_open(uintptr_t *data, uintptr_t *shadows, uintptr_t *first,
			      unsigned nthreads)
{
	size_t nitems = 0;
	uintptr_t *d = data;
	for (;;) {
		if (first) {
			d[2] = first[2];
			d[6] = first[6];
			first = next_desc(first);
		} else {
			void *blocks = zeroed_blocks(d[1], d[2], nthreads);
			d[2] = (uintptr_t)blocks;
			d[6] = d[2] + d[1] * nthreads;
		}
		nitems += d[0];
		uintptr_t *next = next_desc(d);
		if (!next) {
			d[4] = (uintptr_t)shadows;
			break;
		}
		d = next;
	}
	size_t size = 8;
	while (size < 2 * nitems)
		size *= 2;
	struct registration *r = calloc(1, sizeof *r + size * sizeof r->table[0]);
	if (!r)
		beat_fatal("out of memory for a task reduction table");
	r->shadows = shadows;
	r->mask = size - 1;
	for (d = data;; d = next_desc(d)) {
		d[5] = (uintptr_t)r;
		for (size_t i = 0; i < d[0]; i++) {
			uintptr_t *e = item(d, i);
			e[2] = (uintptr_t)d;
			table_insert(r, e);
		}
		if (next_desc(d) == shadows)
			break;
	}
}

/* Ends the registration at data; free_blocks: also release the copies. */
static void registration_close(uintptr_t *data, bool free_blocks)
{
	struct registration *r = (struct registration *)data[5];
	for (uintptr_t *d = data;; d = next_desc(d)) {
		if (free_blocks)
			free((void *)d[2]);
		if (next_desc(d) == r->shadows)
			break;
	}
	free(r);
}

/* The item whose original address is addr, innermost registration first. */
static uintptr_t *find_item(uintptr_t *reg, uintptr_t addr)
{
	while (reg) {
		const struct registration *r = (const struct registration *)reg[5];
		uintptr_t *e = table_find(r, addr);
		if (e)
			return e;
		reg = r->shadows;
	}
	return NULL;
}

/* The descriptor whose blocks contain addr (an already remapped item). */
static uintptr_t *find_blocks(uintptr_t *reg, uintptr_t addr)
{
	for (uintptr_t *d = reg; d; d = next_desc(d))
		if (addr >= d[2] && addr < d[6])
			return d;
	return NULL;
}

/* The item of descriptor d at offset off (items are sorted by offset). */
static uintptr_t *item_at(uintptr_t *d, uintptr_t off)
{
	size_t lo = 0, hi = d[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uintptr_t *e = item(d, mid);
		if (e[1] == off)
			return e;
		if (e[1] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void no_match(void *p)
{
	beat_fatal("task reduction: no enclosing task_reduction or reduction(task, ...) "
		   "for %p",
		   p);
}

/* ------------------------------------------------------------ public API */

void beat_task_reductions_register(uintptr_t *data)
{
	registration_open(data, beat_taskgroup_record_innermost(), NULL, (unsigned)omp_get_num_threads());
	beat_taskgroup_record_attach(data, false); /* GCC opens the group first */
}

void beat_workshare_reductions_register(uintptr_t *data, uintptr_t *first)
{
	beat_taskgroup_start();
	registration_open(data, beat_taskgroup_record_innermost(), first, (unsigned)omp_get_num_threads());
	beat_taskgroup_record_attach(data, true);
}

BEAT_EXPORT void GOMP_taskgroup_reduction_register(uintptr_t *data)
{
	beat_task_reductions_register(data);
}

BEAT_EXPORT void GOMP_taskgroup_reduction_unregister(uintptr_t *data)
{
	registration_close(data, true);
}

/* For each i < cnt, ptrs[i] is the address of an original item or of some
 * thread's copy of it; it becomes the address of the executing thread's
 * copy. For i < cntorig, ptrs[cnt + i] also receives the original address. */
BEAT_EXPORT void GOMP_task_reduction_remap(size_t cnt, size_t cntorig, void **ptrs)
{
	uintptr_t id = (uintptr_t)omp_get_thread_num();
	uintptr_t *reg = beat_taskgroup_record_innermost();
	for (size_t i = 0; i < cnt; i++) {
		uintptr_t addr = (uintptr_t)ptrs[i];
		uintptr_t *e = find_item(reg, addr);
		if (e) {
			uintptr_t *d = (uintptr_t *)e[2];
			ptrs[i] = (void *)(d[2] + id * d[1] + e[1]);
			if (i < cntorig)
				ptrs[cnt + i] = (void *)e[0];
			continue;
		}
		uintptr_t *d = find_blocks(reg, addr);
		if (!d)
			no_match(ptrs[i]);
		uintptr_t off = (addr - d[2]) % d[1];
		ptrs[i] = (void *)(d[2] + id * d[1] + off);
		if (i < cntorig) {
			e = item_at(d, off);
			if (!e)
				no_match((void *)addr);
			ptrs[cnt + i] = (void *)e[0];
		}
	}
}

/* Closes a worksharing construct's task reductions: waits for the member's
 * taskgroup, member 0 (which has combined the copies) frees them, and the
 * team meets at a barrier unless the construct was cancelled. */
BEAT_EXPORT void GOMP_workshare_task_reduction_unregister(bool cancelled)
{
	uintptr_t *data = beat_taskgroup_record();
	beat_taskgroup_end();
	if (data)
		registration_close(data, omp_get_thread_num() == 0);
	if (!cancelled)
		GOMP_barrier();
}

/* `parallel reduction(task, ...)`: data's first word points at the
 * descriptor. Returns the team size, the number of blocks to combine. */
BEAT_EXPORT unsigned GOMP_parallel_reductions(void (*fn)(void *), void *data,
					      unsigned num_threads, unsigned flags)
{
	unsigned n = beat_parallel_size(num_threads, true);
	uintptr_t *descriptor = *(uintptr_t **)data;
	registration_open(descriptor, NULL, NULL, n);
	beat_parallel_in_taskgroup(fn, data, n, (int)(flags & 7), descriptor);
	return n;
}
