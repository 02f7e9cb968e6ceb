/* single.c: the single construct: which member runs the block, and, with
 * copyprivate, how the others get the data it leaves.
 *
 * A plain single needs no worksharing slot: members meet the team's single
 * constructs in the same order, and the team counter moves only when a
 * winner claims construct k, so a member whose own count is k wins exactly
 * when the team counter still reads k. A single with copyprivate takes a
 * slot: its first member runs the block and leaves its data there; the
 * others wait at a barrier for it. */
#include "rt.h"

bool beat_single_begin(void)
{
	struct beat_member *m = beat_member_self();
	struct beat_team *team = m->team;
	unsigned long mine;

	if (team->nthreads == 1) {
		m->single_index++;
		return true;
	}
	mine = m->single_index++;
	/* A member that sees the construct already claimed loses without
	 * asking for the line in exclusive state. */
	if (atomic_load_explicit(&team->single_count, memory_order_relaxed) != mine)
		return false;
	return atomic_compare_exchange_strong_explicit(&team->single_count, &mine, mine + 1,
						       memory_order_acq_rel, memory_order_relaxed);
}

bool beat_single_copy_begin(void **data)
{
	struct beat_member *m = beat_member_self();
	bool first;
	struct beat_ws *ws = beat_ws_enter(m, &first);

	if (first) {
		beat_ws_publish(ws);
		return true;
	}
	beat_barrier(m);
	*data = ws->shared;
	beat_ws_leave(m);
	return false;
}

void beat_single_copy_end(void *data)
{
	struct beat_member *m = beat_member_self();

	m->ws->shared = data;
	beat_barrier(m);
	beat_ws_leave(m);
}
