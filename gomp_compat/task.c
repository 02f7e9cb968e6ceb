/* task.c: GCC's task entry points: GOMP_task, taskwait (with depend),
 * taskyield, taskgroups and omp_fulfill_event. GOMP_task only translates:
 * GCC's flags, depend array and detach convention become a struct
 * beat_spawn, and shim's integration manager (beat_submit) decides. */
#include "depend_gcc.h"
#include "abi.h"

#include <stdint.h>
#include <stdlib.h>

/* GCC's GOMP_task flag bits. */
#define FLAG_UNTIED (1u << 0)
#define FLAG_FINAL (1u << 1)
#define FLAG_MERGEABLE (1u << 2)
#define FLAG_DEPEND (1u << 3)
#define FLAG_PRIORITY (1u << 4)
#define FLAG_DETACH (1u << 13)

/* GCC's detach convention: the event handle goes to the event variable
 * and to the first word of the task's own argument block. */
static void give_event(void *args, struct beat_task *handle, void *event)
{
	*(uintptr_t *)event = (uintptr_t)handle;
	if (args)
		*(uintptr_t *)args = (uintptr_t)handle;
}

/* The same task with its depend array read into a list (a few entries on
 * this stack, more on the heap), which lives while the task is submitted. */
static void __attribute__((noinline)) task_with_depend(struct beat_spawn *s, void **depend)
{
	struct beat_dep small[GOMP_DEPEND_ON_STACK];
	size_t n;
	struct beat_dep *deps = gomp_depend_read(depend, small, &n);
	s->deps = deps;
	s->ndeps = n;
	beat_submit(s);
	if (deps != small)
		free(deps);
}

static unsigned spawn_flags(unsigned flags, bool if_clause)
{
	return ((flags & FLAG_UNTIED) ? BEAT_SPAWN_UNTIED : 0) |
	       ((flags & FLAG_FINAL) ? BEAT_SPAWN_FINAL : 0) |
	       ((flags & FLAG_MERGEABLE) ? BEAT_SPAWN_MERGEABLE : 0) |
	       (if_clause ? 0 : BEAT_SPAWN_UNDEFERRED);
}

/* Not a GCC flag: if(false), folded into the flags so that GOMP_task's
 * call here keeps its own number of arguments (a jump, not a call). */
#define FLAG_IF_FALSE (1u << 31)

static void __attribute__((noinline))
task_general(void (*fn)(void *), void *data, void (*cpyfn)(void *, void *), long arg_size,
	     long arg_align, const void *site, unsigned flags, void **depend, int priority,
	     void *detach)
{
	bool if_clause = !(flags & FLAG_IF_FALSE);
	struct beat_spawn s = {
		.fn = fn,
		.data = data,
		.copy = cpyfn,
		.arg_size = arg_size > 0 ? (size_t)arg_size : 0,
		.arg_align = arg_align > 0 ? (size_t)arg_align : 1,
		.flags = spawn_flags(flags, if_clause),
		.priority = (flags & FLAG_PRIORITY) ? priority : 0,
		.site = site,
	};
	if (flags & FLAG_DETACH) {
		s.flags |= BEAT_SPAWN_DETACH;
		s.fill = give_event;
		s.fill_ctx = detach;
	}
	if ((flags & FLAG_DEPEND) && depend)
		task_with_depend(&s, depend);
	else
		beat_submit_general(&s);
}

BEAT_EXPORT void GOMP_task(void (*fn)(void *), void *data, void (*cpyfn)(void *, void *),
			   long arg_size, long arg_align, bool if_clause, unsigned flags,
			   void **depend, int priority, void *detach)
{
	const void *site = __builtin_return_address(0);
	/* A plain task (what beat_spawn_is_plain says, in GCC's terms) goes
	 * to the fast path in registers; everything else is described. */
	if (BEAT_LIKELY(!(flags & (FLAG_DEPEND | FLAG_DETACH | FLAG_PRIORITY | FLAG_FINAL)) && if_clause &&
			!cpyfn)) {
		beat_submit_plain(fn, data, arg_size > 0 ? (size_t)arg_size : 0,
				  arg_align > 0 ? (size_t)arg_align : 1, spawn_flags(flags, true), site);
		return;
	}
	task_general(fn, data, cpyfn, arg_size, arg_align, site, flags | (if_clause ? 0 : FLAG_IF_FALSE),
		     depend, priority, detach);
}

BEAT_EXPORT void GOMP_taskwait(void)
{
	beat_taskwait();
}

BEAT_EXPORT void GOMP_taskwait_depend(void **depend)
{
	struct beat_dep small[GOMP_DEPEND_ON_STACK];
	size_t n;
	struct beat_dep *deps = gomp_depend_read(depend, small, &n);
	beat_depend_taskwait(deps, n);
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
