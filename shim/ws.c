/* ws.c: the ring of worksharing slots of a team. Members meet the team's
 * worksharing constructs in the same order, each at its own pace (nowait),
 * so construct number i lives in slot i % BEAT_WS_RING; the first member to
 * arrive initialises it, once every member has left the construct that used
 * the slot before. A member far ahead waits (running tasks) for the slowest. */
#include "rt.h"

#include <stdlib.h>

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
			beat_ws_free_state(ws);
			ws->copyprivate = NULL;
			atomic_store_explicit(&ws->cancelled, 0, memory_order_relaxed);
			atomic_store_explicit(&ws->ord_next, 0, memory_order_relaxed);
			atomic_store_explicit(&ws->left, 0, memory_order_relaxed);
			ws->niters = 0;
			*first = true;
			(void)id;
			ws->id_pending = want;
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

void beat_ws_publish(struct beat_ws *ws)
{
	atomic_store_explicit(&ws->id, ws->id_pending, memory_order_release);
	beat_mutex_unlock(&ws->lock);
}

void beat_ws_leave(struct beat_member *m)
{
	struct beat_ws *ws = m->ws;
	if (!ws)
		return;
	m->ws = NULL;
	atomic_fetch_add_explicit(&ws->left, 1, memory_order_release);
}
