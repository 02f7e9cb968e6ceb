/* task.c: GCC's task entry points: GOMP_task (deferred and undeferred, with
 * cpyfn, arg_size/arg_align, if, final, mergeable, priority), taskwait,
 * taskyield and taskgroups.
 *
 * depend goes through shim/depend.c; detach hands the task itself out as
 * the event handle, and omp_fulfill_event completes it. */
#include "rt.h"
#include "depend_gcc.h"
#include "taskclass.h"

#include <alloca.h>
#include <stdint.h>
#include <stdlib.h>
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
	if (team->nthreads == 1)
		/* Outside any parallel region every task runs at once (programs
		 * rely on it, as libgomp does it); in a team of one the caller
		 * decides (a plain task runs at once). */
		return team->level == 0;
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
static unsigned run_plain_undeferred(void (*fn)(void *), void *data, void (*cpyfn)(void *, void *),
				     long arg_size, long arg_align, unsigned bflags)
{
	if (!cpyfn)
		return beat_task_run_undeferred(fn, data, bflags);
	size_t align = arg_align > 0 ? (size_t)arg_align : 1;
	char *raw = alloca(arg_size + align - 1);
	char *buf = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	cpyfn(buf, data);
	return beat_task_run_undeferred(fn, buf, bflags);
}

/* Holding a tiny task back would starve someone: more members are idle
 * than our deque has tasks for them to steal. */
static bool starving(struct beat_thread *t)
{
	struct beat_member *m = t->m;
	int hungry = atomic_load_explicit(&m->team->hungry, memory_order_relaxed);
	return hungry > 0 && beat_task_backlog(m) < hungry;
}

/* beat_task_prepare with GCC's depend array read into a list; the list
 * lives only in this frame, not in the frame an undeferred task runs in. */
static bool __attribute__((noinline))
prepare_with_depend(struct beat_task *task, void (*fn)(void *), unsigned bflags, int prio,
		    void **depend, bool undeferred)
{
	struct beat_dep small[GOMP_DEPEND_ON_STACK];
	size_t ndeps;
	struct beat_dep *deps = gomp_depend_read(depend, small, &ndeps);
	bool ready = beat_task_prepare(task, fn, bflags, prio, deps, ndeps, undeferred);
	if (deps != small)
		free(deps);
	return ready;
}

static void __attribute__((noinline))
task_general(struct beat_thread *t, const void *site, uint64_t key, void (*fn)(void *), void *data,
	     void (*cpyfn)(void *, void *), long arg_size, long arg_align, bool if_clause,
	     unsigned flags, void **depend, int priority, void *detach);

/* The fast path: a plain task (no depend, detach, priority, final, cpyfn)
 * of a trusted fingerprint that is to run at once, because the team has
 * one thread or the task is predicted tiny. No allocation, no atomic
 * read-modify-write, no shared write, no clock read unless sampled. */
static inline bool task_fast(struct beat_thread *t, const void *site, void (*fn)(void *),
			     void *data, long arg_size, unsigned flags, uint64_t *keyp)
{
	struct beat_fp_table *tab = t->fp;
	struct beat_task *cur = t->task;
	if (BEAT_UNLIKELY(!tab))
		return false;
	uint64_t key = beat_fp_key(fn, site, arg_size, flags & (FLAG_UNTIED | FLAG_MERGEABLE),
				   cur->depth + 1u);
	*keyp = key; /* the general path reuses it */
	unsigned s = (unsigned)(key >> 56);
	if (BEAT_UNLIKELY(tab->key[s] != key || !tab->trusted[s] || tab->countdown[s] == 1))
		return false; /* cold, or due for a sample: the general path */
	uint8_t cls = tab->cls[s];
	bool one = t->m->team->nthreads == 1;
	if (!one) {
		if (cls != BEAT_CLASS_TINY || starving(t))
			return false;
		tab->st.inlined++;
	}
	tab->countdown[s]--;
	tab->st.by_class[cls]++;
	cur->nchildren++;
	BEAT_STAT(t, tasks_immediate);
	beat_task_run_undeferred(fn, data, (flags & FLAG_UNTIED) ? BEAT_TASK_UNTIED : 0);
	return true;
}

BEAT_EXPORT void GOMP_task(void (*fn)(void *), void *data, void (*cpyfn)(void *, void *),
			   long arg_size, long arg_align, bool if_clause, unsigned flags,
			   void **depend, int priority, void *detach)
{
	struct beat_thread *t = beat_self();
	const void *site = __builtin_return_address(0);
	uint64_t key = 0; /* fingerprint, once computed */
	if (BEAT_LIKELY(!(flags & (FLAG_DEPEND | FLAG_DETACH | FLAG_PRIORITY | FLAG_FINAL)) && if_clause &&
			!cpyfn && !(t->task->flags & BEAT_TASK_FINAL) && beat_cfg.classify &&
			!beat_cfg.cancellation) &&
	    task_fast(t, site, fn, data, arg_size, flags, &key))
		return;
	task_general(t, site, key, fn, data, cpyfn, arg_size, arg_align, if_clause, flags, depend, priority,
		     detach);
}

static void task_general(struct beat_thread *t, const void *site, uint64_t key, void (*fn)(void *), void *data,
			 void (*cpyfn)(void *, void *), long arg_size, long arg_align, bool if_clause,
			 unsigned flags, void **depend, int priority, void *detach)
{
	/* In a cancelled region or taskgroup no task is made at all: no copy
	 * constructor runs whose destructor would then be owed. */
	if (BEAT_UNLIKELY(beat_cfg.cancellation) && beat_cancellation_point(BEAT_CANCEL_TASKGROUP))
		return;
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
	bool plain = !detach && !depend;
	/* A team of one thread has nobody to share a task with: a plain task
	 * runs at once (libgomp and libomp do the same), which makes a fine-
	 * grained task tree cost little more than the serial program. */
	if (!undeferred && plain && t->m->team->nthreads == 1)
		undeferred = true;
	t->task->nchildren++;
	/* Classification: what tasks of this kind cost decides whether this
	 * one is worth a spawn (taskclass.h). */
	struct beat_fp_table *tab = NULL;
	bool sample = false;
	uint8_t cls = BEAT_CLASS_COLD;
	if (plain && beat_cfg.classify) {
		tab = t->fp ? t->fp : beat_fp_table_new(t);
		if (!key) /* not computed by the fast path */
			key = beat_fp_key(fn, site, arg_size, flags & (FLAG_UNTIED | FLAG_MERGEABLE),
					  t->task->depth + 1u);
		unsigned slot = beat_fp_lookup(tab, key, &sample);
		cls = tab->cls[slot];
		if (!undeferred && cls == BEAT_CLASS_TINY) {
			if (starving(t)) {
				tab->st.kept_for_thieves++;
			} else {
				undeferred = true;
				tab->st.inlined++;
			}
		}
	}
	if (undeferred)
		BEAT_STAT(t, tasks_immediate);
	if (undeferred && !detach && (!depend || in_final)) {
		if (BEAT_LIKELY(!sample)) {
			run_plain_undeferred(fn, data, cpyfn, arg_size, arg_align, bflags);
			return;
		}
		/* Inlined tasks are timed too, so that the prediction keeps
		 * learning once it has started to inline. */
		unsigned long parks = t->stats.parks;
		uint64_t c0 = beat_cycles();
		unsigned kids = run_plain_undeferred(fn, data, cpyfn, arg_size, arg_align, bflags);
		uint64_t c1 = beat_cycles();
		if (beat_self_fresh() == t && t->stats.parks == parks)
			beat_fp_record(t, key, c1 - c0, kids);
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
	if (cpyfn)
		bflags |= BEAT_TASK_COPIED;
	task->fp_key = key;
	task->fp_sample = sample;
	task->pclass = cls;
	bool ready = depend ? prepare_with_depend(task, fn, bflags, prio, depend, undeferred)
			    : beat_task_prepare(task, fn, bflags, prio, NULL, 0, undeferred);
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
	struct beat_dep small[GOMP_DEPEND_ON_STACK];
	size_t ndeps;
	struct beat_dep *deps = gomp_depend_read(depend, small, &ndeps);
	beat_depend_taskwait(deps, ndeps);
	if (deps != small)
		free(deps);
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
