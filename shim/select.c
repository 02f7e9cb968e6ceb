/* select.c: worker selection, the stage of the integration manager
 * (submit.c) that decides where a task that is to be queued goes.
 *
 * Today's choices, in order: a task with a priority goes to the team's
 * priority heap (every member looks there first); a task made outside its
 * team (a dependence released by a thread of another team) goes to the
 * team's mailbox; with BEAT_SELECT on, a task predicted large goes to the
 * mailbox too when members are idle, so that one of them starts it now
 * instead of waiting to steal it from the top of our deque; everything
 * else goes to the creator's own deque. The choice costs no write to
 * shared memory: one relaxed load of the team's idle count, and only for
 * tasks predicted large. */
#include "rt.h"
#include "classify.h"

enum beat_fate beat_select(struct beat_thread *t, struct beat_task *task, int *worker)
{
	struct beat_member *m = t->m;
	struct beat_team *team = task->team;
	*worker = -1;
	if (task->priority > 0)
		return BEAT_FATE_PRIORITY;
	if (m->team != team)
		return BEAT_FATE_PLACED;
	if (beat_cfg.select && task->pclass == BEAT_CLASS_LARGE &&
	    atomic_load_explicit(&team->hungry, memory_order_relaxed) > 0)
		return BEAT_FATE_PLACED;
	*worker = (int)m->id;
	return BEAT_FATE_QUEUED;
}
