/* tied.c: OpenMP's tied-task scheduling constraint. While tied tasks are
 * suspended on a thread (parked on a fiber, or waiting on the thread's
 * stack), that thread may start a new tied task only if it descends from
 * every one of them; untied tasks and resuming suspended ones are free, and
 * an implicit task waiting in a barrier does not count. Without the rule a
 * task that holds a lock across a taskwait can be buried by a sibling that
 * blocks on the same lock, on the only thread that may resume it.
 *
 * Design: each seat keeps a chain of the tied tasks suspended on it (most
 * recent on top). A task joins the chain lazily, the first time it reaches a
 * scheduling point where the thread may start other work (a wait or a
 * taskyield), so tasks that never wait pay nothing; it leaves the chain when
 * its body returns. Since every task started while the chain is non-empty
 * descends from its top, the chain is ordered by ancestry and the top alone
 * decides: a candidate is allowed when it descends from the top (or, with an
 * empty chain, from the seat's implicit task when that waits outside a
 * barrier). The descent check walks parent links up to the ancestor's
 * depth, one step for the common case of a child of the waiter.
 *
 * Forced continuation stealing (BEAT_STEAL=continuation) may move a tied
 * creator to a thief's thread; a creator whose fiber holds a task of the
 * chain is never offered to thieves (beat_tied_on_fiber), so an entry always
 * leaves the chain of the seat it joined. A thief resuming a tied creator's
 * continuation schedules that task on its thread, so the same rule judges
 * it as if the creator were new there: otherwise a creator holding a lock
 * could be parked on a thread whose older context then waits for the lock.
 *
 * With fibers, contexts do not nest on one stack: a help loop could return
 * to its caller, or a parked fiber resume, while a tied task suspended after
 * it still waits on the same seat, and that older context may then block on
 * what the suspended task holds. Each entry of the chain therefore carries
 * the seat's suspension count, and such a context goes on only once nothing
 * newer is left on the chain (beat_tied_above, rt.h). */
#include "rt.h"
#include "fiber.h"

/* Does task descend from anc (a task record, or a stack record that was
 * moved to the heap: children point at the heap copy, whose identity is the
 * stack record)? */
bool beat_task_descends(const struct beat_task *task, const struct beat_task *anc)
{
	if (anc->depth == UINT16_MAX || task->depth == UINT16_MAX) {
		/* Depth saturated: walk to the implicit task. */
		for (const struct beat_task *p = task->parent; p; p = p->parent) {
			if (p == anc || (p->identity && p->identity == anc))
				return true;
			if (p->flags & BEAT_TASK_IMPLICIT)
				return false;
		}
		return false;
	}
	if (task->depth <= anc->depth)
		return false;
	/* Up to anc's depth by depth, not by a count of links: an included
	 * task's heap record points past the stack records above it (to the
	 * nearest record that outlives them, beat_task_parent_for_child), so
	 * one link may climb several levels. */
	const struct beat_task *p = task;
	while (p && p->depth > anc->depth)
		p = p->parent;
	return p && (p == anc || (p->identity && p->identity == anc));
}

void beat_tied_suspend(struct beat_member *m, struct beat_task *task)
{
	if (task->tied_chained || (task->flags & (BEAT_TASK_UNTIED | BEAT_TASK_IMPLICIT)))
		return;
	/* The chain is ordered by ancestry, so the top alone decides; only
	 * forced continuation stealing, which lets a tied creator move to a
	 * thief, may put an unrelated task on top. */
	BEAT_ASSERT(m->tied_top == NULL || beat_cfg.steal == BEAT_STEAL_CONTINUATION ||
		    beat_task_descends(task, m->tied_top));
	task->tied_below = m->tied_top;
	task->tied_fiber = m->thread->fiber_cur;
	task->tied_seq = ++m->tied_seq;
	task->tied_chained = 1;
	m->tied_top = task;
}

void beat_tied_leave_slow(struct beat_member *m, struct beat_task *task)
{
	struct beat_task **pp = &m->tied_top;
	while (*pp && *pp != task)
		pp = &(*pp)->tied_below;
	if (*pp)
		*pp = task->tied_below;
	task->tied_below = NULL;
	task->tied_chained = 0;
}

bool beat_tied_free(struct beat_thread *t, const struct beat_member *m)
{
	return m->tied_top == NULL && (t->task != &m->itask || m->in_barrier);
}

/* A continuation of a fiber holding a tied task (only forced continuation
 * stealing makes one) is judged by the rule below. */
static inline bool cont_is_tied(const struct beat_fiber *f)
{
	return !f->untied && f->task && !(f->task->flags & BEAT_TASK_IMPLICIT);
}

void beat_item_push(struct beat_member *m, struct beat_task *item)
{
	/* A thief may resume a tied creator's continuation only where the
	 * rule allows it, and it cannot hand the continuation back: so it is
	 * guarded, and only thieves that could start any task take it. */
	if ((item->flags & BEAT_TASK_CONT) && cont_is_tied(item->cont))
		beat_deque_push_guarded(&m->deque, item);
	else
		beat_deque_push(&m->deque, item);
}

/* The rule itself, for a tied task about to run on t in seat m. */
static bool chain_allows(struct beat_thread *t, struct beat_member *m, const struct beat_task *task)
{
	const struct beat_task *anc = m->tied_top;
	if (!anc) {
		/* Only the implicit task can be waiting: in a barrier it does not
		 * constrain; anywhere else (taskwait, taskgroup, a dependence,
		 * taskyield, a worksharing slot) new tied tasks must be its own
		 * descendants. */
		if (t->task != &m->itask || m->in_barrier)
			return true;
		anc = &m->itask;
	}
	return beat_task_descends(task, anc);
}

bool beat_tied_may_start(struct beat_thread *t, struct beat_member *m, const struct beat_task *task)
{
	if (task->flags & BEAT_TASK_COMPLETE)
		return true;
	if (task->flags & BEAT_TASK_CONT) {
		/* A creator's continuation runs on its own stack (no narrowing);
		 * a fiber with a tied task on it schedules that task here. */
		const struct beat_fiber *f = task->cont;
		return !cont_is_tied(f) || chain_allows(t, m, f->task);
	}
	/* A waiter helping in place because it could not park (fiber_sched.c,
	 * BEAT_PARK_MAX) lets only its own descendants onto its stack. */
	if (BEAT_UNLIKELY(m->narrow != NULL) && !beat_task_descends(task, m->narrow))
		return false;
	if (task->flags & BEAT_TASK_UNTIED)
		return true;
	return chain_allows(t, m, task);
}

bool beat_tied_on_fiber(struct beat_member *m, const struct beat_fiber *f)
{
	for (const struct beat_task *c = m->tied_top; c; c = c->tied_below)
		if (c->tied_fiber == f)
			return true;
	return false;
}
