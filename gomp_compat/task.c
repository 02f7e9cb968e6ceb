/* task.c: GCC's task entry points: GOMP_task (deferred and undeferred, with
 * cpyfn, arg_size/arg_align, if, final, mergeable, priority), taskwait,
 * taskyield and taskgroups.
 *
 * Not yet done here (later issue): a real dependence graph. A task with a
 * depend clause runs undeferred, in creation order, after every earlier
 * sibling with dependences has finished, which orders it correctly but
 * serialises dependent siblings. detach is reported as unsupported. */
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
	if (!if_clause || (flags & FLAG_DEPEND))
		return true;
	if (t->task->flags & BEAT_TASK_FINAL)
		return true;
	if (team->nthreads == 1 && team->level == 0)
		return true; /* outside any parallel region */
	return atomic_load_explicit(&team->queued, memory_order_relaxed) >
	       (long)(THROTTLE_PER_THREAD * team->nthreads);
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

BEAT_EXPORT void GOMP_task(void (*fn)(void *), void *data, void (*cpyfn)(void *, void *),
			   long arg_size, long arg_align, bool if_clause, unsigned flags,
			   void **depend, int priority, void *detach)
{
	struct beat_thread *t = beat_self();
	if (flags & FLAG_DETACH)
		beat_unsupported("GOMP_task with detach");
	int prio = (flags & FLAG_PRIORITY) ? priority : 0;
	if (prio > beat_cfg.max_task_priority)
		prio = beat_cfg.max_task_priority;
	unsigned bflags = task_flags(t, flags);
	if (run_now(t, if_clause, flags)) {
		if (cpyfn) {
			size_t align = arg_align > 0 ? (size_t)arg_align : 1;
			char *raw = alloca(arg_size + align - 1);
			char *buf = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
			cpyfn(buf, data);
			beat_task_run_undeferred(fn, buf, bflags);
		} else {
			beat_task_run_undeferred(fn, data, bflags);
		}
		return;
	}
	void *arg;
	struct beat_task *task = beat_task_alloc(arg_size, arg_align, &arg);
	if (cpyfn)
		cpyfn(arg, data);
	else if (arg_size > 0)
		memcpy(arg, data, arg_size);
	beat_task_submit(task, fn, bflags, prio);
}

BEAT_EXPORT void GOMP_taskwait(void)
{
	beat_taskwait();
}

/* Dependent siblings have all finished already (they run undeferred). */
BEAT_EXPORT void GOMP_taskwait_depend(void **depend)
{
	(void)depend;
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
