/* task_undeferred.h: an included task run at once on this stack, inline in
 * its callers (the team-of-one fast path of submit.c costs a call less). */
#ifndef BEAT_TASK_UNDEFERRED_H
#define BEAT_TASK_UNDEFERRED_H
#include "rt.h"

/* The end of an included task whose record moved to the heap (it made a
 * deferred child); returns how many children it made. */
unsigned beat_task_undeferred_promoted_end(struct beat_thread *t, struct beat_task *h);

/* Runs fn(data) now on thread t (the calling thread) as an included child
 * of its current task, with a record on this stack; returns how many
 * children it made. */
static inline unsigned beat_task_run_undeferred_by(struct beat_thread *t, void (*fn)(void *), void *data,
						   unsigned flags)
{
	struct beat_task *parent = t->task;
	struct beat_task rec;
	rec.fn = fn;
	rec.data = data;
	rec.parent = parent;
	rec.team = t->m->team;
	rec.taskgroup = parent->taskgroup;
	rec.counted_in = NULL;
	atomic_init(&rec.children, 0);
	atomic_init(&rec.refs, 1);
	atomic_init(&rec.subtree, 1);
	rec.counted_by = NULL;
	rec.flags = (flags & ~(BEAT_TASK_IMPLICIT | BEAT_TASK_POOLED)) | BEAT_TASK_UNDEFERRED |
		    BEAT_TASK_ONSTACK;
	rec.priority = 0;
	rec.icv = parent->icv;
	rec.dep = NULL;
	rec.deps = NULL;
	atomic_init(&rec.detach_pending, 0);
	atomic_init(&rec.finished, 0);
	rec.next = NULL;
	rec.cont = NULL;
	rec.promoted = NULL;
	rec.identity = NULL;
	rec.fp_key = 0;
	rec.nchildren = 0;
	rec.depth = (uint16_t)(parent->depth + (parent->depth != UINT16_MAX));
	rec.tied_chained = 0;
	rec.tied_below = NULL;
	rec.tied_fiber = NULL;
	rec.fp_sample = 0;
	rec.pclass = 0;
	/* A tied task on an untied fiber keeps that fiber on this thread. */
	if (BEAT_UNLIKELY(t->fiber_cur != NULL) && !(flags & BEAT_TASK_UNTIED))
		beat_fiber_pin_if_tied(t, &rec);
	t->task = &rec;
	fn(data);
	t = beat_self_fresh();
	t->task = parent;
	struct beat_task *h = rec.promoted;
	beat_tied_leave(t->m, &rec);
	if (BEAT_LIKELY(h == NULL))
		return rec.nchildren;
	return beat_task_undeferred_promoted_end(t, h);
}

#endif
