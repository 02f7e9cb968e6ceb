/* taskgroup_record.c: taskgroups that carry an ABI layer's record (GCC's
 * task-reduction descriptors): attaching one to the current task's
 * innermost taskgroup, finding the innermost record, and a parallel region
 * whose implicit tasks all run inside one taskgroup holding a record. The
 * runtime never looks inside a record. */
#include "rt.h"

#include <stdlib.h>

void *beat_taskgroup_record_innermost(void)
{
	for (struct beat_taskgroup *g = beat_self()->task->taskgroup; g; g = g->prev)
		if (g->reductions)
			return g->reductions;
	return NULL;
}

void *beat_taskgroup_record(void)
{
	struct beat_taskgroup *g = beat_self()->task->taskgroup;
	return g ? g->reductions : NULL;
}

void beat_taskgroup_record_attach(void *record, bool workshare)
{
	struct beat_thread *t = beat_self();
	if (!t->task->taskgroup)
		beat_taskgroup_start();
	struct beat_taskgroup *g = t->task->taskgroup;
	g->reductions = record;
	/* `cancel taskgroup` in one of a worksharing group's tasks cancels
	 * the enclosing group. */
	g->workshare = workshare;
}

struct grouped_region {
	void (*fn)(void *);
	void *data;
	struct beat_taskgroup *group;
};

static void grouped_body(void *arg)
{
	struct grouped_region *gr = arg;
	struct beat_task *implicit = beat_self()->task;
	struct beat_taskgroup *saved = implicit->taskgroup;
	implicit->taskgroup = gr->group;
	gr->fn(gr->data);
	/* The member's own taskgroups are closed; tasks still running keep
	 * pointing at the group, which lives until the region has ended. */
	implicit->taskgroup = saved;
}

void beat_parallel_in_taskgroup(void (*fn)(void *), void *data, unsigned nthreads, int proc_bind,
				void *record)
{
	struct beat_taskgroup *group = calloc(1, sizeof *group);
	if (!group)
		beat_fatal("out of memory for a taskgroup");
	group->reductions = record;
	struct grouped_region gr = { fn, data, group };
	beat_parallel(grouped_body, &gr, nthreads, proc_bind);
	free(group);
}
