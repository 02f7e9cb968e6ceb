/* single.c: the single construct: GOMP_single_start (first member to arrive
 * runs the block) and the copyprivate pair GOMP_single_copy_start / _end. */
#include "rt.h"

/* Members meet the team's single constructs in the same order; the team
 * counter moves only when a winner claims construct k, so a member whose own
 * count is k wins exactly when the team counter still reads k. */
BEAT_EXPORT bool GOMP_single_start(void)
{
	struct beat_member *m = beat_member_self();
	struct beat_team *team = m->team;
	if (team->nthreads == 1) {
		m->single_index++;
		return true;
	}
	unsigned long mine = m->single_index++;
	return atomic_compare_exchange_strong_explicit(&team->single_count, &mine, mine + 1,
						       memory_order_acq_rel, memory_order_relaxed);
}

/* Returns NULL to the member that runs the block; the others wait at a
 * barrier for the winner's GOMP_single_copy_end and get its data pointer. */
BEAT_EXPORT void *GOMP_single_copy_start(void)
{
	struct beat_member *m = beat_member_self();
	bool first;
	struct beat_ws *ws = beat_ws_enter(m, &first);
	if (first) {
		beat_ws_publish(ws);
		return NULL;
	}
	beat_barrier(m);
	void *data = ws->copyprivate;
	beat_ws_leave(m);
	return data;
}

BEAT_EXPORT void GOMP_single_copy_end(void *data)
{
	struct beat_member *m = beat_member_self();
	m->ws->copyprivate = data;
	beat_barrier(m);
	beat_ws_leave(m);
}
