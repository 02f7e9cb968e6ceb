/* memgate.c: the memory gate's decision for a new task, and the tasks it
 * holds back (issue 11). The level comes from mempressure.c; a task's
 * memory estimate is its argument block plus what tasks of its fingerprint
 * were seen to touch anew (taskclass.c, minor faults around sampled tasks).
 *
 *   level          decision
 *   none, low      go (as without the gate)
 *   medium         go if the estimate is under 1 MiB, else hold
 *   high           go if under 512 KiB, else run at once (depth first)
 *   critical       run at once
 *
 * A held task is linked and counted like any other (barriers and waits see
 * it) but sits in its creator's node's held list, where idle members do not
 * start it. It starts when
 *   - a thread waiting for it takes it: a waiter (taskwait, taskgroup end,
 *     a dependence, a parked fiber about to park) takes held tasks that
 *     descend from the task that waits; a barrier waiter takes any, once
 *     every member of the team has arrived (then nothing else can run);
 *   - the level has fallen below medium, or it has been held longer than
 *     BEAT_HOLD_MS: then anyone may take it.
 * Sleepers wake at least every millisecond while tasks are held (task.c),
 * so the last rule alone bounds every wait: the gate cannot deadlock a
 * program, whatever waits for what. A taker honours the tied-task
 * scheduling constraint like every other source of tasks. */
#include "rt.h"
#include "taskclass.h"

#include <sys/resource.h>


/* A held task's stamp: milliseconds of the monotonic clock, in 32 bits (the
 * difference of two stamps is right across a wrap). A clock, not cycles
 * scaled by a rate measured at start-up: a process descheduled while it
 * measured the rate held tasks many times longer than the bound. */
static uint32_t stamp(void)
{
	return (uint32_t)(uint64_t)(beat_now() * 1e3);
}

/* ------------------------------------------------------------ public API */

long beat_thread_minflt(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		return 0;
	return ru.ru_minflt;
}

enum beat_gate beat_memgate_decide(struct beat_thread *t, size_t estimate)
{
	int level = beat_mem_level_refresh();
	t->stats.memgate_seen[level]++;
	enum beat_gate g = BEAT_GATE_GO;
	if (level == BEAT_MEM_CRITICAL || (level == BEAT_MEM_HIGH && estimate >= 512 * 1024))
		g = BEAT_GATE_NOW;
	else if (level == BEAT_MEM_MEDIUM && estimate >= 1024 * 1024)
		g = BEAT_GATE_HOLD;
	if (g == BEAT_GATE_NOW)
		t->stats.memgate_now[level]++;
	return g;
}

void beat_held_push(struct beat_team *team, unsigned node, struct beat_task *task)
{
	struct beat_thread *t = beat_self();
	struct beat_held *h = &team->held[node & (BEAT_MAX_NODES - 1)];
	task->held_at = stamp();
	task->next = NULL;
	beat_mutex_lock(&h->lock);
	if (h->tail)
		h->tail->next = task;
	else
		h->head = task;
	h->tail = task;
	beat_mutex_unlock(&h->lock);
	atomic_fetch_add_explicit(&team->held_count, 1, memory_order_seq_cst);
	t->stats.memgate_held++;
	/* A waiter asleep may be the one waiting for it. */
	beat_team_wake(team);
}

/* May t (seat m) start held task now? open: the level fell, or every member
 * is in the barrier. */
static bool may_take(struct beat_thread *t, struct beat_member *m, const struct beat_task *task,
		     bool open, bool own, uint32_t now)
{
	if (!beat_tied_may_start(t, m, task))
		return false;
	if (beat_task_descends(task, t->task))
		return true;
	return !own && (open || now - task->held_at >= BEAT_HOLD_MS);
}

struct beat_task *beat_held_take(struct beat_member *m, bool own)
{
	struct beat_team *team = m->team;
	struct beat_thread *t = m->thread;
	int level = beat_mem_level_refresh();
	bool fell = level < BEAT_MEM_MEDIUM || !beat_cfg.memgate;
	bool all_in = m->in_barrier && t->task == &m->itask &&
		      (atomic_load_explicit(&team->bar_arrived, memory_order_acquire) == team->nthreads ||
		       atomic_load_explicit(&team->end_arrived, memory_order_acquire) == team->nthreads);
	uint32_t now = stamp();
	for (unsigned i = 0; i < team->nnodes || i == 0; i++) {
		unsigned node = (m->node + i) % (team->nnodes ? team->nnodes : 1);
		struct beat_held *h = &team->held[node];
		if (!h->head)
			continue;
		beat_mutex_lock(&h->lock);
		struct beat_task *prev = NULL, *task = h->head;
		while (task && !may_take(t, m, task, fell || all_in, own, now)) {
			prev = task;
			task = task->next;
		}
		if (task) {
			if (prev)
				prev->next = task->next;
			else
				h->head = task->next;
			if (h->tail == task)
				h->tail = prev;
			task->next = NULL;
		}
		beat_mutex_unlock(&h->lock);
		if (!task)
			continue;
		int left = atomic_fetch_sub_explicit(&team->held_count, 1, memory_order_seq_cst) - 1;
		if (beat_task_descends(task, t->task) && !all_in)
			t->stats.memgate_waited++;
		else if (fell)
			t->stats.memgate_fell++;
		else if (all_in)
			t->stats.memgate_barrier++;
		else
			t->stats.memgate_late++;
		/* The others in the barrier help with the rest. */
		if (left > 0 && (fell || all_in))
			beat_team_wake(team);
		return task;
	}
	return NULL;
}
