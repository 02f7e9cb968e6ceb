/* barrier.c: the team barrier and the join at the end of a region. A member
 * arrives, then helps with the team's queued tasks until the barrier's
 * generation moves on. A barrier is released (arrivals reset, generation
 * bumped, sleepers woken) by whoever first sees both "every member arrived"
 * and "no unfinished task": the last arriver, or the thread whose task
 * completion brought the task count to 0. Both sides write their counter
 * before reading the other's (seq_cst), so at least one sees both.
 *
 * The end-of-region join has its own counters: when a region is cancelled,
 * members leave team barriers early and go to the join, where they meet the
 * members that cancelled. */
#include "rt.h"

struct gen_wait {
	struct beat_team *team;
	atomic_uint *gen;
	unsigned seen;
	bool cancellable;
};

static bool gen_moved(void *arg)
{
	struct gen_wait *w = arg;
	if (atomic_load_explicit(w->gen, memory_order_acquire) != w->seen)
		return true;
	return w->cancellable && atomic_load_explicit(&w->team->cancelled, memory_order_acquire);
}

static void try_release_one(struct beat_team *team, atomic_uint *arrived, atomic_uint *gen)
{
	unsigned all = team->nthreads;
	if (atomic_load_explicit(arrived, memory_order_seq_cst) != all)
		return;
	if (atomic_load_explicit(&team->task_count, memory_order_seq_cst) != 0)
		return;
	if (!atomic_compare_exchange_strong_explicit(arrived, &all, 0, memory_order_seq_cst,
						     memory_order_relaxed))
		return;
	/* A store only when needed: every member reads this line, and an
	 * unconditional store at each barrier made the barrier a third
	 * slower at 2 threads (epcc_barrier 0.40 against 0.30 us). */
	if (atomic_load_explicit(&team->ws_cancelled, memory_order_relaxed))
		atomic_store_explicit(&team->ws_cancelled, 0, memory_order_relaxed);
	atomic_fetch_add_explicit(gen, 1, memory_order_seq_cst);
	beat_team_wake(team);
}

void beat_barrier_try_release(struct beat_team *team)
{
	try_release_one(team, &team->bar_arrived, &team->bar_gen);
	try_release_one(team, &team->end_arrived, &team->end_gen);
}

static void barrier_wait(struct beat_member *m, atomic_uint *arrived, atomic_uint *gen,
			 bool cancellable)
{
	struct beat_team *team = m->team;
	/* A team of one with no unfinished task: nothing to wait for and
	 * nobody to release (the three atomic operations below doubled a
	 * one-thread barrier). */
	if (team->nthreads == 1 && atomic_load_explicit(&team->task_count, memory_order_acquire) == 0) {
		if (atomic_load_explicit(&team->ws_cancelled, memory_order_relaxed))
			atomic_store_explicit(&team->ws_cancelled, 0, memory_order_relaxed);
		return;
	}
	struct gen_wait w = {team, gen, atomic_load_explicit(gen, memory_order_acquire), cancellable};
	atomic_fetch_add_explicit(arrived, 1, memory_order_seq_cst);
	try_release_one(team, arrived, gen);
	if (!gen_moved(&w)) {
		/* An implicit task in a barrier does not constrain which tied
		 * tasks its thread may start (tied.c). */
		m->in_barrier = true;
		beat_help_until(m, gen_moved, &w);
		m->in_barrier = false;
	}
}

bool beat_barrier(struct beat_member *m)
{
	struct beat_team *team = m->team;
	if (atomic_load_explicit(&team->cancelled, memory_order_acquire))
		return true;
	barrier_wait(m, &team->bar_arrived, &team->bar_gen, true);
	return atomic_load_explicit(&team->cancelled, memory_order_acquire) != 0;
}

void beat_barrier_end(struct beat_member *m)
{
	struct beat_team *team = m->team;
	barrier_wait(m, &team->end_arrived, &team->end_gen, false);
}
