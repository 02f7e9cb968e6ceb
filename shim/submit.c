/* submit.c: the integration manager, the one place that decides what
 * happens to every new task, whichever ABI made it.
 *
 * A task construct arrives as a struct beat_spawn (abi.h). The decision
 * goes through fixed steps, each a function of its own below:
 *   1. cancellation: in a cancelled region or taskgroup no task is made;
 *   2. the rules: if(false), a final creator, the initial team's single
 *      thread, a team of one (plain tasks) -> run at once;
 *   3. the throttle: a creator whose deque holds more than THROTTLE tasks
 *      per team member runs new ones at once (bounds memory);
 *   4. classification and prediction (BEAT_CLASSIFY, BEAT_PREDICT): the
 *      task's fingerprint names what tasks of its kind cost; a predicted-
 *      tiny one runs at once unless idle members are starving; then the
 *      memory gate (BEAT_MEMGATE, memgate.c) from the pressure level and
 *      the task's memory estimate (its arguments and what its fingerprint
 *      was seen to touch): go on, run it at once (depth first), or hold it
 *      until it is waited for or the pressure falls;
 *   5. worker selection (BEAT_SELECT): where a queued task goes (select.c);
 *   6. the spawn policy (BEAT_STEAL): child first or continuation first.
 * A stage that is switched off is one predictable branch on a flag decided
 * at start-up. beat_submit's fast path (a plain task of a trusted
 * fingerprint run at once) makes no allocation, no atomic read-modify-
 * write, no write to shared memory and reads no clock unless it samples.
 *
 * Each thread counts its decisions (BEAT_STATS): run at once by rule, by
 * throttle or by class, queued, placed, continued, deferred, dropped. */
#include "rt.h"
#include "taskclass.h"
#include "task_undeferred.h"

#include <alloca.h>
#include <stdint.h>
#include <string.h>

/* Queued tasks per team member beyond which a creator runs new ones at once. */
#define THROTTLE_PER_THREAD 64

/* ------------------------------------------------------- private helpers */

static unsigned task_flags(struct beat_thread *t, unsigned spawn_flags)
{
	unsigned f = 0;
	if ((spawn_flags & BEAT_SPAWN_FINAL) || (t->task->flags & BEAT_TASK_FINAL))
		f |= BEAT_TASK_FINAL;
	if (spawn_flags & BEAT_SPAWN_UNTIED)
		f |= BEAT_TASK_UNTIED;
	return f;
}

/* Step 2, the rules that need no knowledge of the task. */
static bool rule_now(struct beat_thread *t, unsigned spawn_flags)
{
	struct beat_team *team = t->m->team;
	if (spawn_flags & BEAT_SPAWN_UNDEFERRED)
		return true;
	if (t->task->flags & BEAT_TASK_FINAL)
		return true;
	/* Outside any parallel region every task runs at once (programs rely
	 * on it, as libgomp does it). */
	return team->nthreads == 1 && team->level == 0;
}

/* Step 3. */
static bool throttled(struct beat_thread *t)
{
	struct beat_member *m = t->m;
	return beat_task_backlog(m) > (long)(THROTTLE_PER_THREAD * m->team->nthreads);
}

/* Holding a tiny task back would starve someone: more members of our node
 * are idle than our deque has tasks for them to steal. (Members of other
 * nodes are not fed tiny tasks: a steal across nodes is worth only a
 * larger one, and they wait for work before looking there, rt.h.) */
static inline bool starving(struct beat_thread *t)
{
	struct beat_member *m = t->m;
	int hungry = atomic_load_explicit(&m->team->node_hungry[m->node], memory_order_relaxed);
	return hungry > 0 && beat_task_backlog(m) < hungry;
}

static inline uint64_t fingerprint(struct beat_thread *t, void (*fn)(void *), const void *site,
				   size_t arg_size, unsigned flags)
{
	return beat_fp_key(fn, site, (long)arg_size, flags & (BEAT_SPAWN_UNTIED | BEAT_SPAWN_MERGEABLE),
			   t->task->depth + 1u);
}

/* Runs the task's body on this stack as an included task; with a copy
 * constructor the copy is made on this stack first. */
static unsigned run_on_stack(const struct beat_spawn *s, unsigned bflags)
{
	if (!s->copy)
		return beat_task_run_undeferred(s->fn, s->data, bflags);
	size_t align = s->arg_align > 0 ? s->arg_align : 1;
	char *raw = alloca(s->arg_size + align - 1);
	char *buf = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	s->copy(buf, s->data);
	return beat_task_run_undeferred(s->fn, buf, bflags);
}

static int finish(const struct beat_spawn *s, struct beat_decision *d)
{
	if (s->out)
		*s->out = *d;
	return (int)d->fate;
}

/* Step 4 for a plain task: its class, and whether it is to be timed. */
static uint8_t classify(struct beat_thread *t, const struct beat_spawn *s, uint64_t *keyp,
			bool *sample, struct beat_decision *d)
{
	struct beat_fp_table *tab = t->fp ? t->fp : beat_fp_table_new(t);
	*keyp = fingerprint(t, s->fn, s->site, s->arg_size, s->flags);
	unsigned slot = beat_fp_lookup(tab, *keyp, sample);
	uint8_t cls = tab->cls[slot];
	d->cls = cls;
	d->predicted = tab->trusted[slot] ? tab->pred[slot] : 0.0f;
	return cls;
}

static void count_inline(struct beat_thread *t, enum beat_inline_why why)
{
	switch (why) {
	case BEAT_WHY_RULE: BEAT_STAT(t, submit_rule); break;
	case BEAT_WHY_THROTTLE: BEAT_STAT(t, submit_throttle); break;
	case BEAT_WHY_CLASS: BEAT_STAT(t, submit_class); break;
	default: break;
	}
}

/* A made task's fate: run at once, deferred for its dependences, or
 * started by the spawn policy and worker selection. */
static int launch(struct beat_thread *t, struct beat_task *task, const struct beat_spawn *s,
		  unsigned bflags, int prio, struct beat_decision *d, bool hold)
{
	bool undeferred = d->why != BEAT_WHY_NONE;
	bflags |= task->flags & (BEAT_TASK_DETACHED | BEAT_TASK_COPIED); /* set when it was made */
	bool ready = beat_task_prepare(task, s->fn, bflags, prio, s->deps, s->ndeps, undeferred);
	if (undeferred) {
		d->fate = BEAT_FATE_INLINED;
		count_inline(t, d->why);
		beat_task_run_inline(task, (s->flags & BEAT_SPAWN_UNDEFERRED) != 0);
	} else if (!ready) {
		d->fate = BEAT_FATE_DEFERRED;
		BEAT_STAT(t, submit_deferred);
	} else if (hold) {
		d->fate = BEAT_FATE_HELD;
		BEAT_STAT(t, tasks_deferred);
		beat_held_push(task->team, t->m->node, task);
	} else {
		d->fate = beat_task_spawn(task, &d->worker);
		if (d->fate == BEAT_FATE_CONTINUED)
			d->why = BEAT_WHY_POLICY;
	}
	return finish(s, d);
}

static int clamp_priority(int prio)
{
	if (prio > beat_cfg.max_task_priority)
		prio = beat_cfg.max_task_priority;
	return prio > 0 ? prio : 0;
}

/* ------------------------------------------------------------ public API */

/* A plain task the fast path did not take. */
static int __attribute__((noinline)) submit_plain_slow(void (*fn)(void *), void *data, size_t arg_size,
						       size_t arg_align, unsigned flags, const void *site)
{
	struct beat_spawn s = { .fn = fn, .data = data, .arg_size = arg_size, .arg_align = arg_align,
				.flags = flags, .site = site };
	return beat_submit_general(&s);
}

/* The fast path: a plain task that is to run at once, because the team
 * has one thread or the task's fingerprint is trusted and predicted tiny.
 * Nothing is live across its one call, so it needs no saved registers. */
int beat_submit_plain(void (*fn)(void *), void *data, size_t arg_size, size_t arg_align,
		      unsigned flags, const void *site)
{
	struct beat_thread *t = beat_tls_self;
	if (BEAT_UNLIKELY(!t || beat_cfg.cancellation))
		goto general;
	struct beat_task *cur = t->task;
	if (BEAT_UNLIKELY(cur->flags & BEAT_TASK_FINAL))
		goto general;
	/* A team of one runs every plain task at once (step 2), and nothing
	 * its class could say would change that: it is not classified
	 * (fingerprint, table, samples cost a task at one thread 16 ns
	 * against libgomp's 9 in epcc_task_master). */
	if (cur->team->nthreads == 1) { /* (a task runs in its own team) */
		BEAT_ASSERT(cur->team == t->m->team);
		BEAT_STAT(t, submit_rule);
		cur->nchildren++;
		beat_task_run_undeferred_by(t, fn, data, (flags & BEAT_SPAWN_UNTIED) ? BEAT_TASK_UNTIED : 0);
		return BEAT_FATE_INLINED;
	}
	struct beat_fp_table *tab = t->fp;
	if (BEAT_UNLIKELY(!tab || !beat_cfg.classify))
		goto general;
	uint64_t key = fingerprint(t, fn, site, arg_size, flags);
	unsigned slot = (unsigned)(key >> 56);
	if (BEAT_UNLIKELY(tab->key[slot] != key || !tab->trusted[slot] || tab->countdown[slot] == 1))
		goto general; /* cold, or due for a sample */
	uint8_t cls = tab->cls[slot];
	if (cls != BEAT_CLASS_TINY || starving(t))
		goto general;
	tab->st.inlined++;
	BEAT_STAT(t, submit_class);
	tab->countdown[slot]--;
	tab->st.by_class[cls]++;
	cur->nchildren++;
	beat_task_run_undeferred(fn, data, (flags & BEAT_SPAWN_UNTIED) ? BEAT_TASK_UNTIED : 0);
	return BEAT_FATE_INLINED;
general:
	return submit_plain_slow(fn, data, arg_size, arg_align, flags, site);
}

int beat_submit_general(const struct beat_spawn *s)
{
	struct beat_thread *t = beat_self();
	uint64_t key = 0;
	struct beat_decision d = { BEAT_FATE_INLINED, BEAT_WHY_NONE, BEAT_CLASS_COLD, 0.0f, -1 };
	/* Step 1. No task is made at all: no copy constructor runs whose
	 * destructor would then be owed. */
	if (BEAT_UNLIKELY(beat_cfg.cancellation) && beat_cancellation_point(BEAT_CANCEL_TASKGROUP)) {
		d.fate = BEAT_FATE_DROPPED;
		BEAT_STAT(t, submit_dropped);
		return finish(s, &d);
	}
	int prio = clamp_priority(s->priority);
	unsigned bflags = task_flags(t, s->flags);
	bool in_final = (t->task->flags & BEAT_TASK_FINAL) != 0;
	bool detach = (s->flags & BEAT_SPAWN_DETACH) != 0;
	bool plain = !detach && !s->ndeps;
	/* Steps 2 and 3. A team of one thread has nobody to share a plain task
	 * with: it runs at once (libgomp and libomp do the same), which makes
	 * a fine-grained task tree cost little more than the serial program. */
	if (rule_now(t, s->flags) || (plain && t->m->team->nthreads == 1))
		d.why = BEAT_WHY_RULE;
	else if (throttled(t))
		d.why = BEAT_WHY_THROTTLE;
	t->task->nchildren++;
	bool sample = false;
	/* A team of one has no choice to make (see beat_submit_plain). */
	if (plain && beat_cfg.classify && t->m->team->nthreads > 1) {
		uint8_t cls = classify(t, s, &key, &sample, &d);
		if (d.why == BEAT_WHY_NONE && cls == BEAT_CLASS_TINY) {
			if (starving(t)) {
				t->fp->st.kept_for_thieves++;
			} else {
				d.why = BEAT_WHY_CLASS;
				t->fp->st.inlined++;
			}
		}
	}
	bool hold = false;
	if (d.why == BEAT_WHY_NONE && beat_cfg.memgate) {
		size_t estimate = s->arg_size + (key ? (size_t)beat_fp_mem_kb(t->fp, key) << 10 : 0);
		enum beat_gate g = beat_memgate_decide(t, estimate);
		if (g == BEAT_GATE_NOW)
			d.why = BEAT_WHY_MEMGATE;
		hold = g == BEAT_GATE_HOLD;
	}
	if (d.why != BEAT_WHY_NONE && !detach && (!s->ndeps || in_final) && !s->fill) {
		count_inline(t, d.why);
		if (BEAT_LIKELY(!sample)) {
			run_on_stack(s, bflags);
			return finish(s, &d);
		}
		/* Tasks run at once are timed too, so that the prediction keeps
		 * learning once it has started to inline. */
		unsigned long parks = t->stats.parks;
		bool mem = beat_cfg.memgate && beat_fp_mem_measured(d.cls);
		long f0 = mem ? beat_thread_minflt() : 0;
		uint64_t c0 = beat_cycles();
		unsigned kids = run_on_stack(s, bflags);
		uint64_t c1 = beat_cycles();
		if (beat_self_fresh() == t && t->stats.parks == parks) {
			beat_fp_record(t, key, c1 - c0, kids);
			if (mem)
				beat_fp_record_mem(t, key, beat_thread_minflt() - f0);
		}
		return finish(s, &d);
	}
	struct beat_task *task = beat_spawn_make(s);
	task->fp_key = key;
	task->fp_sample = sample;
	task->pclass = (uint8_t)d.cls;
	task->cost_kc = d.predicted >= 4e12f ? UINT32_MAX : (uint32_t)(d.predicted / 1024.0f);
	/* Step 5 needs to know where a medium or large task's data lives. */
	if (d.cls >= BEAT_CLASS_MEDIUM && d.cls <= BEAT_CLASS_LARGE && beat_cfg.select && t->m->team->nnodes > 1 && d.why == BEAT_WHY_NONE)
		beat_locality_probe(t, task, s->arg_size);
	return launch(t, task, s, bflags, prio, &d, hold);
}

struct beat_task *beat_spawn_make(const struct beat_spawn *s)
{
	void *arg;
	struct beat_task *task = beat_task_alloc(s->arg_size, s->arg_align, &arg);
	if (s->copy)
		s->copy(arg, s->data);
	else if (s->arg_size > 0)
		memcpy(arg, s->data, s->arg_size);
	if (s->flags & BEAT_SPAWN_DETACH) {
		atomic_init(&task->detach_pending, 2); /* the fulfilment and the body's return */
		task->flags |= BEAT_TASK_DETACHED;
	}
	if (s->copy)
		task->flags |= BEAT_TASK_COPIED; /* it runs even when cancelled: destructors */
	if (s->fill)
		s->fill(arg, task, s->fill_ctx);
	return task;
}

int beat_submit_made(struct beat_task *task, const struct beat_spawn *s)
{
	struct beat_thread *t = beat_self();
	struct beat_decision d = { BEAT_FATE_INLINED, BEAT_WHY_NONE, BEAT_CLASS_COLD, 0.0f, -1 };
	if (rule_now(t, s->flags))
		d.why = BEAT_WHY_RULE;
	else if (throttled(t))
		d.why = BEAT_WHY_THROTTLE;
	enum beat_gate g = BEAT_GATE_GO;
	if (d.why == BEAT_WHY_NONE && beat_cfg.memgate) {
		g = beat_memgate_decide(t, s->arg_size);
		if (g == BEAT_GATE_NOW)
			d.why = BEAT_WHY_MEMGATE;
	}
	t->task->nchildren++;
	return launch(t, task, s, task_flags(t, s->flags), clamp_priority(s->priority), &d,
		      g == BEAT_GATE_HOLD);
}

bool beat_spawn_included(unsigned flags)
{
	struct beat_thread *t = beat_self();
	return (flags & BEAT_SPAWN_UNDEFERRED) || (t->task->flags & BEAT_TASK_FINAL) ||
	       t->m->team->nthreads == 1;
}


unsigned beat_run_included(void (*fn)(void *), void *data, unsigned flags)
{
	struct beat_thread *t = beat_self();
	return beat_task_run_undeferred(fn, data, task_flags(t, flags));
}
