/* task.c: GCC's task entry points: GOMP_task (deferred and undeferred, with
 * cpyfn, arg_size/arg_align, if, final, mergeable, priority), taskwait,
 * taskyield and taskgroups.
 *
 * depend goes through shim/depend.c; detach hands the task itself out as
 * the event handle, and omp_fulfill_event completes it. */
#include "rt.h"

#include <alloca.h>
#include <stdint.h>
#include <string.h>

#define FLAG_UNTIED (1u << 0)
#define FLAG_FINAL (1u << 1)
#define FLAG_MERGEABLE (1u << 2)
#define FLAG_DEPEND (1u << 3)
#define FLAG_PRIORITY (1u << 4)
#define FLAG_DETACH (1u << 13)

/* Queued tasks per thread beyond which new tasks run at once (bounds memory
 * when one thread creates far more tasks than the team can run). */
#define THROTTLE_PER_THREAD 64

static bool run_now(struct beat_thread *t, bool if_clause, unsigned flags)
{
	struct beat_team *team = t->m->team;
	if (!if_clause)
		return true;
	if (t->task->flags & BEAT_TASK_FINAL)
		return true;
	if (team->nthreads == 1 && team->level == 0)
		return true; /* outside any parallel region */
	return beat_task_backlog(t->m) > (long)(THROTTLE_PER_THREAD * team->nthreads);
}

static unsigned task_flags(struct beat_thread *t, unsigned gomp_flags)
{
	unsigned f = 0;
	if ((gomp_flags & FLAG_FINAL) || (t->task->flags & BEAT_TASK_FINAL))
		f |= BEAT_TASK_FINAL;
	if (gomp_flags & FLAG_UNTIED)
		f |= BEAT_TASK_UNTIED;
	return f;
}

/* The plain undeferred case (no dependences, no detach) runs on the
 * caller's stack with a lightweight task record. */
static void run_plain_undeferred(void (*fn)(void *), void *data, void (*cpyfn)(void *, void *),
				 long arg_size, long arg_align, unsigned bflags)
{
	if (!cpyfn) {
		beat_task_run_undeferred(fn, data, bflags);
		return;
	}
	size_t align = arg_align > 0 ? (size_t)arg_align : 1;
	char *raw = alloca(arg_size + align - 1);
	char *buf = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	cpyfn(buf, data);
	beat_task_run_undeferred(fn, buf, bflags);
}

BEAT_EXPORT void GOMP_task(void (*fn)(void *), void *data, void (*cpyfn)(void *, void *),
			   long arg_size, long arg_align, bool if_clause, unsigned flags,
			   void **depend, int priority, void *detach)
{
	struct beat_thread *t = beat_self();
	int prio = (flags & FLAG_PRIORITY) ? priority : 0;
	if (prio > beat_cfg.max_task_priority)
		prio = beat_cfg.max_task_priority;
	unsigned bflags = task_flags(t, flags);
	bool in_final = (t->task->flags & BEAT_TASK_FINAL) != 0;
	if (!(flags & FLAG_DEPEND))
		depend = NULL;
	if (!(flags & FLAG_DETACH))
		detach = NULL;
	bool undeferred = run_now(t, if_clause, flags);
	/* A team of one thread has nobody to share a task with: a plain task
	 * runs at once (libgomp and libomp do the same), which makes a fine-
	 * grained task tree cost little more than the serial program. */
	if (!undeferred && !detach && !depend && t->m->team->nthreads == 1)
		undeferred = true;
	if (undeferred)
		BEAT_STAT(t, tasks_immediate);
	if (undeferred && !detach && (!depend || in_final)) {
		run_plain_undeferred(fn, data, cpyfn, arg_size, arg_align, bflags);
		return;
	}
	void *arg;
	struct beat_task *task = beat_task_alloc(arg_size, arg_align, &arg);
	if (detach) {
		/* The handle goes to the event variable and, before the copy, to
		 * the first word of the argument block (the task's own copy). */
		atomic_init(&task->detach_pending, 2);
		*(uintptr_t *)detach = (uintptr_t)task;
		if (data)
			*(uintptr_t *)data = (uintptr_t)task;
	}
	if (cpyfn)
		cpyfn(arg, data);
	else if (arg_size > 0)
		memcpy(arg, data, arg_size);
	if (detach)
		bflags |= BEAT_TASK_DETACHED;
	bool ready = beat_task_prepare(task, fn, bflags, prio, depend, undeferred);
	if (undeferred)
		beat_task_run_inline(task, !if_clause);
	else if (ready)
		beat_task_spawn(task);
}

BEAT_EXPORT void GOMP_taskwait(void)
{
	beat_taskwait();
}

BEAT_EXPORT void GOMP_taskwait_depend(void **depend)
{
	beat_depend_taskwait(depend);
}

BEAT_EXPORT void omp_fulfill_event(uintptr_t event)
{
	beat_task_fulfill((struct beat_task *)event);
}

BEAT_EXPORT void GOMP_taskyield(void)
{
	beat_taskyield();
}

BEAT_EXPORT void GOMP_taskgroup_start(void)
{
	beat_taskgroup_start();
}

BEAT_EXPORT void GOMP_taskgroup_end(void)
{
	beat_taskgroup_end();
}
