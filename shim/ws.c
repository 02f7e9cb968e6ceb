/* ws.c: the ring of worksharing slots of a team. Members meet the team's
 * worksharing constructs in the same order, each at its own pace (nowait),
 * so construct number i lives in slot i % BEAT_WS_RING; the first member to
 * arrive initialises it, once every member has left the construct that used
 * the slot before. A member far ahead waits (running tasks) for the slowest.
 *
 * Memory a construct owns (beat_ws_mem's block, doacross state) carries a
 * count of team members that have not ended the construct; the last one to
 * end it frees it, before it leaves the slot. */
#include "rt.h"

#include <stdlib.h>
#include <string.h>

/* beat_ws_mem's block: ws->mem is the malloc'd address (so that
 * beat_ws_free_state may free it as well) and starts with this header;
 * the caller's zeroed bytes follow one cache line in. */
struct mem_head {
	atomic_uint users; /* members that have not ended the construct */
};
#define MEM_HEADER BEAT_CACHELINE

/* ------------------------------------------------------------ helpers */

/* A fresh slot describes a loop without iterations until its first member
 * says otherwise. */
static void slot_reset(struct beat_ws *ws)
{
	beat_ws_free_state(ws);
	ws->shared = NULL;
	ws->niters = 0;
	ws->sched = BEAT_SCHED_STATIC;
	ws->chunk = 0;
	atomic_store_explicit(&ws->cancelled, 0, memory_order_relaxed);
	atomic_store_explicit(&ws->ord_next, 0, memory_order_relaxed);
	atomic_store_explicit(&ws->left, 0, memory_order_relaxed);
}

static void mem_release(struct beat_ws *ws)
{
	struct mem_head *head = ws->mem;

	if (head == NULL)
		return;
	if (atomic_fetch_sub_explicit(&head->users, 1, memory_order_acq_rel) == 1) {
		ws->mem = NULL;
		free(head);
	}
}

static void *mem_create(struct beat_ws *ws, size_t size, unsigned users)
{
	struct mem_head *head;
	void *block;

	if (size > SIZE_MAX - MEM_HEADER ||
	    posix_memalign(&block, BEAT_CACHELINE, MEM_HEADER + size) != 0)
		beat_fatal("out of memory (%zu bytes for a worksharing construct)", size);
	memset(block, 0, MEM_HEADER + size);
	head = block;
	atomic_init(&head->users, users);
	ws->mem = block;
	return (char *)block + MEM_HEADER;
}

/* ---------------------------------------------------------------- rt.h */

void beat_ws_free_state(struct beat_ws *ws)
{
	free(ws->doacross);
	ws->doacross = NULL;
	free(ws->mem);
	ws->mem = NULL;
}

struct beat_ws *beat_ws_enter(struct beat_member *m, bool *first)
{
	struct beat_team *team = m->team;
	unsigned long want = m->ws_index++;
	struct beat_ws *ws = &team->ws_ring[want % BEAT_WS_RING];

	m->static_trip = 0;
	m->ord_start = 0;
	m->ord_len = 0;
	m->ws = ws;
	for (unsigned long spins = 0;; spins++) {
		if (atomic_load_explicit(&ws->id, memory_order_acquire) == want) {
			*first = false;
			return ws;
		}
		beat_mutex_lock(&ws->lock);
		unsigned long id = atomic_load_explicit(&ws->id, memory_order_relaxed);
		if (id == want) {
			beat_mutex_unlock(&ws->lock);
			*first = false;
			return ws;
		}
		if (id == want - BEAT_WS_RING &&
		    atomic_load_explicit(&ws->left, memory_order_acquire) == team->nthreads) {
			/* Ours to initialise; the lock is held until beat_ws_publish. */
			slot_reset(ws);
			ws->id_pending = want;
			*first = true;
			return ws;
		}
		beat_mutex_unlock(&ws->lock);
		/* The slot's previous construct is still in use by a slow member. */
		if (!beat_task_run_one(m)) {
			if (spins < 64)
				beat_cpu_relax();
			else
				sched_yield();
		}
	}
}

void beat_ws_leave(struct beat_member *m)
{
	struct beat_ws *ws = m->ws;
	if (!ws)
		return;
	m->ws = NULL;
	atomic_fetch_add_explicit(&ws->left, 1, memory_order_release);
}

/* --------------------------------------------------------------- abi.h */

struct beat_ws *beat_ws_begin(bool *first)
{
	return beat_ws_enter(beat_member_self(), first);
}

void beat_ws_publish(struct beat_ws *ws)
{
	atomic_store_explicit(&ws->id, ws->id_pending, memory_order_release);
	beat_mutex_unlock(&ws->lock);
}

void beat_ws_set_shared(struct beat_ws *ws, void *data)
{
	ws->shared = data;
}

void *beat_ws_shared(struct beat_ws *ws)
{
	return ws->shared;
}

void *beat_ws_mem(struct beat_ws *ws, bool first, size_t size)
{
	if (first)
		return mem_create(ws, size, beat_member_self()->team->nthreads);
	return (char *)ws->mem + MEM_HEADER;
}

bool beat_ws_end(bool wait)
{
	struct beat_member *m = beat_member_self();
	struct beat_ws *ws = m->ws;
	bool cancelled = false;

	if (m->ord_len != 0)
		beat_ordered_pass(m);
	if (wait)
		cancelled = beat_barrier(m);
	if (ws != NULL) {
		mem_release(ws);
		beat_doacross_release(ws);
	}
	beat_ws_leave(m);
	return cancelled;
}

void beat_ws_leave_now(void)
{
	beat_ws_leave(beat_member_self());
}
