/* barrier.c: the team barrier. A member arrives, then helps with the team's
 * queued tasks until the barrier's generation moves on. The barrier is
 * released (arrivals reset, generation bumped, sleepers woken) by whoever
 * first sees both "every member arrived" and "no unfinished task": the last
 * arriver, or the thread whose task completion brought the task count to 0.
 * Both sides write their counter before reading the other's (seq_cst), so
 * at least one of them sees both conditions. */
#include "rt.h"

struct gen_wait {
	struct beat_team *team;
	unsigned gen;
};

static bool gen_moved(void *arg)
{
	struct gen_wait *w = arg;
	return atomic_load_explicit(&w->team->bar_gen, memory_order_acquire) != w->gen;
}

void beat_barrier_try_release(struct beat_team *team)
{
	if (atomic_load_explicit(&team->task_count, memory_order_seq_cst) != 0)
		return;
	unsigned all = team->nthreads;
	if (!atomic_compare_exchange_strong_explicit(&team->bar_arrived, &all, 0,
						     memory_order_seq_cst, memory_order_relaxed))
		return;
	atomic_fetch_add_explicit(&team->bar_gen, 1, memory_order_seq_cst);
	beat_team_wake(team);
}

bool beat_barrier(struct beat_member *m)
{
	struct beat_team *team = m->team;
	struct gen_wait w = {team, atomic_load_explicit(&team->bar_gen, memory_order_acquire)};
	unsigned arrived = atomic_fetch_add_explicit(&team->bar_arrived, 1, memory_order_seq_cst) + 1;
	if (arrived == team->nthreads)
		beat_barrier_try_release(team);
	if (!gen_moved(&w))
		beat_help_until(m, gen_moved, &w);
	return atomic_load_explicit(&team->cancelled, memory_order_relaxed) != 0;
}
