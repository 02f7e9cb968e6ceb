/* cancel.c: the cancel construct and cancellation points (OMP_CANCELLATION):
 * a cancelled parallel region sends its members to the end join, a cancelled
 * worksharing construct hands out no more iterations or sections, and a
 * cancelled taskgroup's tasks that have not started are discarded. */
#include "rt.h"

static atomic_int *flag_for(enum beat_cancel_kind which, struct beat_thread *t)
{
	switch (which) {
	case BEAT_CANCEL_PARALLEL:
		return &t->m->team->cancelled;
	case BEAT_CANCEL_LOOP:
	case BEAT_CANCEL_SECTIONS:
		/* GCC inlines static loops without any runtime call, so the flag
		 * is the team's; the barrier that ends the construct clears it. */
		return &t->m->team->ws_cancelled;
	case BEAT_CANCEL_TASKGROUP: {
		/* A worksharing construct's reduction group is not the user's. */
		struct beat_taskgroup *g = t->task->taskgroup;
		if (g && g->workshare && g->prev)
			g = g->prev;
		return g ? &g->cancelled : NULL;
	}
	default:
		return NULL;
	}
}

bool beat_cancellation_point(enum beat_cancel_kind which)
{
	if (!beat_cfg.cancellation)
		return false;
	struct beat_thread *t = beat_self();
	if (atomic_load_explicit(&t->m->team->cancelled, memory_order_acquire))
		return true;
	atomic_int *flag = flag_for(which, t);
	if (which == BEAT_CANCEL_TASKGROUP) {
		/* A task in a cancelled group, or an enclosing cancelled group. */
		for (struct beat_taskgroup *g = t->task->taskgroup; g; g = g->prev)
			if (atomic_load_explicit(&g->cancelled, memory_order_acquire))
				return true;
		return false;
	}
	return flag && atomic_load_explicit(flag, memory_order_acquire) != 0;
}

bool beat_cancel(enum beat_cancel_kind which, bool do_cancel)
{
	if (!beat_cfg.cancellation)
		return false;
	if (!do_cancel)
		return beat_cancellation_point(which);
	struct beat_thread *t = beat_self();
	atomic_int *flag = flag_for(which, t);
	if (!flag)
		return false;
	atomic_store_explicit(flag, 1, memory_order_seq_cst);
	if ((which == BEAT_CANCEL_LOOP || which == BEAT_CANCEL_SECTIONS) && t->m->ws)
		atomic_store_explicit(&t->m->ws->cancelled, 1, memory_order_release);
	if (which == BEAT_CANCEL_PARALLEL)
		beat_team_wake(t->m->team);
	return true;
}

/* True when a task that has not started yet must be discarded. */
bool beat_task_cancelled(struct beat_task *task)
{
	if (!beat_cfg.cancellation)
		return false;
	if (atomic_load_explicit(&task->team->cancelled, memory_order_acquire))
		return true;
	for (struct beat_taskgroup *g = task->counted_in; g; g = g->prev)
		if (atomic_load_explicit(&g->cancelled, memory_order_acquire))
			return true;
	return false;
}
