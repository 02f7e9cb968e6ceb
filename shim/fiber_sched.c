/* fiber_sched.c: tasks on fibers. A help loop (any wait of the runtime, see
 * beat_help_until) starts each task it takes on a fiber of its own. When
 * that task must wait (taskwait, taskgroup end, a dependence, an undeferred
 * child) its fiber parks: it switches back to the loop, which goes on with
 * other work, and the loop resumes the fiber once its condition holds. A
 * tied task's fiber is resumed only by its own thread; an untied one goes on
 * a team-wide list and any member may resume it.
 *
 * Continuation stealing (beat_fiber_spawn_first): a task on a fiber that
 * makes a child runs the child at once on a fresh fiber and leaves its own
 * fiber on the deque as a continuation item; when the child ends it goes
 * straight back to that continuation unless a thief took it.
 *
 * Handing a fiber over (released after its task, or parked) is finished by
 * the loop after the switch, never by the fiber itself: until the switch is
 * done the fiber's stack is still in use. */
#include "fiber.h"

static inline bool fibers_on(void)
{
	return beat_cfg.fibers;
}

#if !defined(__x86_64__)
struct beat_thread *beat_self_fresh_slow(void)
{
	/* Not inlined: a call the compiler cannot see through makes it read
	 * the thread pointer anew. */
	__asm__ __volatile__("" ::: "memory");
	return beat_tls_self;
}
#endif

static void publish_parked(struct beat_thread *t, struct beat_fiber *f)
{
	if (f->untied) {
		/* Its condition may have become true while it was switching away,
		 * when the waker found no parked fiber; the loop publishing it may
		 * be about to leave. So look now (under the lock: once it is
		 * published another member may resume it) and wake the team if it
		 * is ready. */
		struct beat_team *team = f->loop_m->team;
		beat_mutex_lock(&team->parked_lock);
		f->next = team->parked_untied;
		team->parked_untied = f;
		atomic_fetch_add_explicit(&team->nparked_untied, 1, memory_order_seq_cst);
		bool ready = f->wait_done(f->wait_arg);
		beat_mutex_unlock(&team->parked_lock);
		if (ready)
			beat_team_wake(team);
	} else {
		/* Only this thread resumes it; its loop re-checks before sleeping. */
		f->next = t->parked;
		t->parked = f;
	}
}

/* Every switch hands over at most one fiber, and the context that arrives
 * finishes the hand-over at once: before the next switch nothing is left
 * pending. */
static inline void assert_handover_done(const struct beat_thread *t)
{
	BEAT_ASSERT(t->fiber_release == NULL);
	BEAT_ASSERT(t->fiber_parking == NULL);
	BEAT_ASSERT(t->cont_pending == NULL);
}

void beat_fiber_after_switch(struct beat_thread *t)
{
	struct beat_fiber *r = t->fiber_release;
	if (r) {
		t->fiber_release = NULL;
		beat_fiber_put(t, r);
	}
	struct beat_fiber *p = t->fiber_parking;
	if (p) {
		BEAT_ASSERT(p != t->fiber_cur);
		t->fiber_parking = NULL;
		publish_parked(t, p);
	}
	struct beat_fiber *c = t->cont_pending;
	if (c) {
		BEAT_ASSERT(c != t->fiber_cur);
		t->cont_pending = NULL;
		beat_task_push_cont(c->loop_m, &c->cont_item);
	}
}

/* Runs f (new, parked or a continuation) until control comes back to this
 * loop (a fiber parks or ends), then tidies up. */
static void enter(struct beat_thread *t, struct beat_fiber *f, struct beat_member *m)
{
	struct beat_ctx here;
	beat_ctx_init_here(&here);
	beat_fiber_thread_ready(t); /* a migrated fiber may overflow here too */
	struct beat_fiber *prev_f = t->fiber_cur;
	struct beat_task *prev_task = t->task;
	assert_handover_done(t);
	f->back = &here;
	f->loop_m = m;
	t->fiber_cur = f;
	beat_ctx_switch(&here, &f->ctx);
	t = beat_self_fresh();
	t->fiber_cur = prev_f;
	t->task = prev_task;
	t->m = m;
	beat_fiber_after_switch(t);
}

void beat_fiber_finish(struct beat_thread *t, struct beat_fiber *f)
{
	BEAT_ASSERT(f == t->fiber_cur);
	assert_handover_done(t);
	beat_fiber_state_move(f, BEAT_FIBER_RUNNING, BEAT_FIBER_ENDED);
	t->fiber_release = f;
	struct beat_member *m = f->loop_m;
	/* Continuation stealing: if our creator's continuation is still on
	 * our deque, nobody stole it; go straight back to it. (Another
	 * continuation there is left to the loop, which checks tied.c's rule.) */
	if (f->creator && beat_deque_size(&m->deque) > 0) {
		struct beat_task *item = beat_deque_pop(&m->deque);
		if (item && (item->flags & BEAT_TASK_CONT) && item->cont == f->creator) {
			struct beat_fiber *g = item->cont;
			beat_fiber_state_move(g, BEAT_FIBER_CONT, BEAT_FIBER_RUNNING);
			g->back = f->back;
			g->loop_m = m;
			t->fiber_cur = g;
			beat_ctx_switch(&f->ctx, &g->ctx);
			return;
		}
		if (item)
			beat_item_push(m, item);
	}
	beat_ctx_switch(&f->ctx, f->back);
}

bool beat_fiber_spawn_first(struct beat_thread *t, struct beat_task *task, bool forced)
{
	struct beat_fiber *f = t->fiber_cur;
	if (!fibers_on() || !f || f->loop_m != t->m || (!forced && !f->untied))
		return false;
	/* A waiter on this seat helps in place (BEAT_PARK_MAX): keep to child
	 * stealing until it is done. */
	if (t->m->narrow)
		return false;
	/* A suspended tied task on this fiber is on its seat's chain (tied.c)
	 * and must finish on this seat. */
	if (forced && t->m->tied_top && beat_tied_on_fiber(t->m, f))
		return false;
	/* An untied creator may run where a tied task it does not descend
	 * from is suspended: its tied child may not start there. */
	if (t->m->tied_top && !(task->flags & BEAT_TASK_UNTIED) && !beat_tied_may_start(t, t->m, task))
		return false;
	struct beat_fiber *c = beat_fiber_get(t);
	if (!c)
		return false;
	c->task = task;
	c->creator = f;
	c->untied = (task->flags & BEAT_TASK_UNTIED) != 0;
	c->back = f->back;
	c->loop_m = f->loop_m;
	struct beat_task *self = t->task;
	assert_handover_done(t);
	beat_fiber_state_move(c, BEAT_FIBER_FREE, BEAT_FIBER_RUNNING);
	beat_fiber_state_move(f, BEAT_FIBER_RUNNING, BEAT_FIBER_CONT);
	t->cont_pending = f; /* pushed for thieves once we are off this stack */
	t->fiber_cur = c;
	BEAT_STAT(t, cont_spawns);
	beat_ctx_switch(&f->ctx, &c->ctx);
	/* Back here either straight from the child's end, or on a thief. */
	t = beat_self_fresh();
	t->task = self;
	beat_fiber_after_switch(t);
	return true;
}

void beat_fiber_resume_cont(struct beat_thread *t, struct beat_member *m, struct beat_task *item)
{
	struct beat_fiber *g = item->cont;
	if (g->loop_m != m)
		BEAT_STAT(t, cont_stolen);
	if (g->task && g->task->home_node != m->node && !(g->task->flags & BEAT_TASK_IMPLICIT))
		beat_task_off_home(t, g->task);
	beat_fiber_state_move(g, BEAT_FIBER_CONT, BEAT_FIBER_RUNNING);
	enter(t, g, m);
}

bool beat_fiber_run(struct beat_thread *t, struct beat_member *m, struct beat_task *task)
{
	if (!fibers_on())
		return false;
	struct beat_fiber *f = beat_fiber_get(t);
	if (!f)
		return false;
	f->task = task;
	f->creator = NULL;
	f->untied = (task->flags & BEAT_TASK_UNTIED) != 0;
	BEAT_STAT(t, fiber_runs);
	beat_fiber_state_move(f, BEAT_FIBER_FREE, BEAT_FIBER_RUNNING);
	enter(t, f, m);
	return true;
}

bool beat_fiber_can_park(struct beat_thread *t, struct beat_member *m)
{
	/* Only a fiber whose loop serves this very seat parks; a wait in
	 * another seat (a parallel region nested in the task) is helped. */
	struct beat_fiber *f = t->fiber_cur;
	return f && f->loop_m == m;
}

void beat_fiber_pin_if_tied(struct beat_thread *t, struct beat_task *task)
{
	/* A tied task now on this fiber's stack keeps the whole fiber on its
	 * thread from here on. */
	if (t->fiber_cur && !(task->flags & BEAT_TASK_UNTIED))
		t->fiber_cur->untied = false;
}

/* Stack bytes held by parked fibers, bounded by BEAT_PARK_MAX: each parked
 * task keeps the stack it has used, so a program that parks many tasks with
 * large frames would otherwise hold all of them at once. */
static atomic_size_t parked_bytes;

static bool park_budget_take(size_t used, bool must)
{
	size_t now = atomic_fetch_add_explicit(&parked_bytes, used, memory_order_relaxed);
	if (must || now + used <= beat_cfg.park_max || now == 0)
		return true; /* (one parked fiber is always allowed) */
	atomic_fetch_sub_explicit(&parked_bytes, used, memory_order_relaxed);
	return false;
}

bool beat_fiber_park(struct beat_thread *t, struct beat_member *m, bool (*done)(void *), void *arg)
{
	struct beat_fiber *f = t->fiber_cur;
	if (!f || f->loop_m != m)
		return false;
	size_t used = (size_t)(f->stack_lo + f->stack_size - (char *)__builtin_frame_address(0));
	/* Only a fiber that holds a tied task helps in place past the bound,
	 * as libgomp's taskwait does; an untied one always parks (counted). */
	if (!park_budget_take(used, f->untied)) {
		BEAT_STAT(t, park_refused);
		return false;
	}
	f->park_bytes = used;
	if (used >= BEAT_FIBER_DEEP)
		f->deep = true;
	f->wait_done = done;
	f->wait_arg = arg;
	f->park_seq = beat_tied_mark(m);
	struct beat_task *task = t->task;
	assert_handover_done(t);
	beat_fiber_state_move(f, BEAT_FIBER_RUNNING, BEAT_FIBER_PARKED);
	t->fiber_parking = f;
	BEAT_STAT(t, parks);
	beat_ctx_switch(&f->ctx, f->back);
	atomic_fetch_sub_explicit(&parked_bytes, f->park_bytes, memory_order_relaxed);
	t = beat_self_fresh();
	t->task = task;
	return true;
}

/* May parked fiber f go on now in seat m? Its condition holds and, for a
 * tied one, no tied task suspended on m after it is left (rt.h). */
static inline bool resumable(const struct beat_fiber *f, const struct beat_member *m, bool any_seat)
{
	if (any_seat)
		return f->wait_done(f->wait_arg);
	return f->loop_m == m && f->wait_done(f->wait_arg) && !beat_tied_above(m, f->park_seq);
}

static struct beat_fiber *take_ready(struct beat_fiber **pp, struct beat_member *m, bool any_seat)
{
	for (struct beat_fiber *f = *pp; f; pp = &f->next, f = *pp) {
		if (resumable(f, m, any_seat)) {
			*pp = f->next;
			return f;
		}
	}
	return NULL;
}

bool beat_fiber_resume_ready(struct beat_thread *t, struct beat_member *m)
{
	struct beat_fiber *f = t->parked ? take_ready(&t->parked, m, false) : NULL;
	if (!f) {
		struct beat_team *team = m->team;
		if (atomic_load_explicit(&team->nparked_untied, memory_order_acquire) == 0)
			return false;
		beat_mutex_lock(&team->parked_lock);
		f = take_ready(&team->parked_untied, m, true);
		if (f)
			atomic_fetch_sub_explicit(&team->nparked_untied, 1, memory_order_relaxed);
		beat_mutex_unlock(&team->parked_lock);
		if (!f)
			return false;
		if (f->loop_m != m)
			BEAT_STAT(t, migrations);
		if (f->task && f->task->home_node != m->node && !(f->task->flags & BEAT_TASK_IMPLICIT))
			beat_task_off_home(t, f->task);
	}
	BEAT_STAT(t, resumes);
	beat_fiber_state_move(f, BEAT_FIBER_PARKED, BEAT_FIBER_RUNNING);
	enter(t, f, m);
	return true;
}

bool beat_fiber_any_ready(struct beat_thread *t, struct beat_member *m)
{
	for (struct beat_fiber *f = t->parked; f; f = f->next)
		if (resumable(f, m, false))
			return true;
	struct beat_team *team = m->team;
	if (atomic_load_explicit(&team->nparked_untied, memory_order_seq_cst) == 0)
		return false;
	bool ready = false;
	beat_mutex_lock(&team->parked_lock);
	for (struct beat_fiber *f = team->parked_untied; f && !ready; f = f->next)
		ready = f->wait_done(f->wait_arg);
	beat_mutex_unlock(&team->parked_lock);
	return ready;
}
