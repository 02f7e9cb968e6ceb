/* task.c: explicit tasks with child stealing: creation (push on the creating
 * member's deque), execution, completion accounting (parent, taskgroup,
 * team), taskwait, taskgroups, and the help-while-waiting loop every wait of
 * the runtime uses (run queued team tasks; sleep on the team futex when there
 * is nothing to do).
 *
 * Lifetime: a task is freed when it has finished and none of its children is
 * unfinished (`refs`); implicit tasks live in the team's seats and are never
 * freed here. Completion touches the team last: once team->task_count drops
 * to zero the end barrier may release and the team be freed.
 *
 * The team counts only the tasks its implicit tasks made; each explicit task
 * counts its own unfinished subtree (`subtree`) and hands its completion up
 * when the whole subtree is done. A task tree thus touches the shared team
 * counter once, not once per task. */
#include "rt.h"
#include "task_undeferred.h"
#include "taskclass.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------- private helpers */

static size_t round_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static void task_free(struct beat_task *task);
static void wake_node(struct beat_team *team, unsigned node);

void beat_task_unref(struct beat_task *task)
{
	while (task && !(task->flags & BEAT_TASK_IMPLICIT)) {
		int refs = atomic_fetch_sub_explicit(&task->refs, 1, memory_order_acq_rel);
		BEAT_ASSERT(refs >= 1);
		if (refs != 1)
			return;
		struct beat_task *parent = task->parent;
		task_free(task);
		task = parent;
	}
}

static void try_release_barrier(struct beat_team *team)
{
	beat_barrier_try_release(team); /* checks both the barrier and the end join */
}

/* Our task has completed: release one unit of subtree counts upwards.
 * Returns true when a subtree rooted at a child of an implicit task is
 * done (the team's count must drop). */
static bool subtree_done(struct beat_task *task)
{
	for (;;) {
		long left = atomic_fetch_sub_explicit(&task->subtree, 1, memory_order_acq_rel);
		BEAT_ASSERT(left >= 1);
		if (left != 1)
			return false;
		struct beat_task *up = task->counted_by;
		if (!up)
			return true;
		task = up;
	}
}

static void task_complete(struct beat_task *task)
{
	struct beat_team *team = task->team;
	/* No more children can be created: the sibling table is done. */
	if (task->deps)
		beat_depend_table_free(task);
	if (task->dep)
		beat_depend_complete(task);
	/* A task completes once, and its reference is still held. */
	BEAT_ASSERT(atomic_load_explicit(&task->finished, memory_order_relaxed) == 0);
	BEAT_ASSERT(atomic_load_explicit(&task->refs, memory_order_relaxed) >= 1);
	atomic_store_explicit(&task->finished, 1, memory_order_seq_cst);
	struct beat_taskgroup *tg = task->counted_in;
	struct beat_task *parent = task->parent;
	/* A detached task's creator may wait for `finished` (if(0) detach). */
	bool wake = (task->flags & BEAT_TASK_DETACHED) != 0;
	if (tg) {
		long in_group = atomic_fetch_sub_explicit(&tg->count, 1, memory_order_seq_cst);
		BEAT_ASSERT(in_group >= 1);
		if (in_group == 1)
			wake = true;
	}
	long siblings = atomic_fetch_sub_explicit(&parent->children, 1, memory_order_seq_cst);
	BEAT_ASSERT(siblings >= 1);
	if (siblings == 1)
		wake = true;
	bool top_done = subtree_done(task);
	beat_task_unref(task);
	if (wake)
		beat_team_wake(team);
	if (top_done) {
		long in_team = atomic_fetch_sub_explicit(&team->task_count, 1, memory_order_seq_cst);
		BEAT_ASSERT(in_team >= 1);
		if (in_team == 1)
			try_release_barrier(team);
	}
}

/* detach_pending: 2 before the body ran and the event was fulfilled, 1
 * after one of them, 0 completed; DETACH_EARLY: completed because it was
 * discarded by cancellation (as libgomp does), while the event is still
 * to come; DETACH_DONE: that event came too. */
#define DETACH_EARLY (-1)
#define DETACH_DONE (-2)

/* A detached task discarded by cancellation completes at once instead of
 * waiting for an event its body may have been meant to arrange. The event
 * may still be fulfilled later: until then the task keeps a reference, so
 * the handle stays valid. Returns true when it completed it. */
static bool discard_detached(struct beat_task *task)
{
	int expect = 2;
	atomic_fetch_add_explicit(&task->refs, 1, memory_order_relaxed); /* the event's */
	if (!atomic_compare_exchange_strong_explicit(&task->detach_pending, &expect, DETACH_EARLY,
						     memory_order_acq_rel, memory_order_acquire)) {
		/* Already fulfilled: complete as usual. */
		atomic_fetch_sub_explicit(&task->refs, 1, memory_order_relaxed);
		return false;
	}
	task_complete(task);
	return true;
}

void beat_task_off_home(struct beat_thread *t, struct beat_task *task)
{
	BEAT_STAT(t, task_migrations);
	if (task->migrations != UINT8_MAX)
		task->migrations++;
}

void beat_task_execute(struct beat_task *task)
{
	if (BEAT_UNLIKELY(task->flags & BEAT_TASK_COMPLETE)) {
		task_complete(task); /* fulfilled from outside the team; its body ran */
		return;
	}
	struct beat_thread *t = beat_self();
	struct beat_task *prev = t->task;
	t->task = task;
	unsigned node = t->m->node;
	BEAT_STAT(t, tasks_on_node[node]);
	if (BEAT_UNLIKELY(task->home_node != node))
		beat_task_off_home(t, task);
	if (task->locality > 0)
		beat_select_ran(task->fp_key, node);
	/* A cancelled task is discarded, unless its arguments were built by
	 * copy constructors: then its body runs (and returns at its first
	 * cancellation point), so that their destructors run, as in libgomp. */
	bool discarded = !(task->flags & BEAT_TASK_COPIED) && beat_task_cancelled(task);
	if (!discarded) {
		if (BEAT_UNLIKELY(task->fp_sample)) {
			unsigned long parks = t->stats.parks;
			bool mem = beat_cfg.memgate && beat_fp_mem_measured(task->pclass);
			long f0 = mem ? beat_thread_minflt() : 0;
			uint64_t c0 = beat_cycles();
			task->fn(task->data);
			uint64_t c1 = beat_cycles();
			/* Only a body that stayed on one thread and never parked
			 * (its time would include other tasks') is a clean sample. */
			if (beat_self_fresh() == t && t->stats.parks == parks) {
				beat_fp_record(t, task->fp_key, c1 - c0, task->nchildren);
				if (mem)
					beat_fp_record_mem(t, task->fp_key, beat_thread_minflt() - f0);
			}
		} else {
			task->fn(task->data);
		}
	}
	/* On a fiber an untied task may have moved to another thread. */
	t = beat_self_fresh();
	t->task = prev;
	beat_tied_leave(t->m, task);
	/* detach: the task completes at the later of return and fulfilment. */
	if (atomic_load_explicit(&task->detach_pending, memory_order_acquire)) {
		if (BEAT_UNLIKELY(discarded) && discard_detached(task))
			return;
		if (atomic_fetch_sub_explicit(&task->detach_pending, 1, memory_order_acq_rel) != 1)
			return;
	}
	task_complete(task);
}

/* A thread outside the task's team must not finish the team's accounting:
 * once the team's count drops, the team may be freed under it. The task
 * goes to the team mailbox, and a member completes it. */
static void complete_by_member(struct beat_task *task)
{
	struct beat_team *team = task->team;
	task->flags |= BEAT_TASK_COMPLETE;
	beat_mail_push(team, team->members[0].node, task);
	atomic_thread_fence(memory_order_seq_cst);
	beat_team_wake(team);
}

void beat_task_fulfill(struct beat_task *task)
{
	int v = atomic_load_explicit(&task->detach_pending, memory_order_acquire);
	for (;;) {
		if (v == DETACH_EARLY) {
			/* Completed when discarded: only the event's reference is left. */
			if (atomic_compare_exchange_weak_explicit(&task->detach_pending, &v, DETACH_DONE,
								  memory_order_acq_rel, memory_order_acquire)) {
				beat_task_unref(task);
				return;
			}
			continue;
		}
		if (atomic_compare_exchange_weak_explicit(&task->detach_pending, &v, v - 1,
							  memory_order_acq_rel, memory_order_acquire))
			break;
	}
	if (v != 1)
		return;
	struct beat_thread *t = beat_tls_self;
	if (!t || !t->m || t->m->team != task->team)
		complete_by_member(task);
	else
		task_complete(task);
}

/* Tasks with a priority wait in a per-team max-heap, served before the
 * deques (OpenMP makes priority a hint; this honours it team-wide). */

/* Puts task at the free slot i of the heap, or above it while its parent
 * has a lower priority (lock held). */
static void prio_sift_up(struct beat_task **h, int i, struct beat_task *task)
{
	while (i > 0 && h[(i - 1) / 2]->priority < task->priority) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = task;
}

static void prio_push(struct beat_team *team, struct beat_task *task)
{
	beat_mutex_lock(&team->prio_lock);
	int n = atomic_load_explicit(&team->prio_count, memory_order_relaxed);
	if (n == team->prio_cap) {
		team->prio_cap = team->prio_cap ? team->prio_cap * 2 : 16;
		team->prio_heap = realloc(team->prio_heap, team->prio_cap * sizeof *team->prio_heap);
		if (!team->prio_heap)
			beat_fatal("out of memory for the task priority queue");
	}
	prio_sift_up(team->prio_heap, n, task);
	atomic_store_explicit(&team->prio_count, n + 1, memory_order_release);
	beat_mutex_unlock(&team->prio_lock);
}

/* Removes entry i of the heap of n entries (lock held); returns the new
 * count. */
static int prio_remove_at(struct beat_task **h, int n, int i)
{
	struct beat_task *last = h[--n];
	if (i == n)
		return n;
	/* last goes where i was: down while a child is larger, else up. */
	for (;;) {
		int c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1]->priority > h[c]->priority)
			c++;
		if (h[c]->priority <= last->priority)
			break;
		h[i] = h[c];
		i = c;
	}
	prio_sift_up(h, i, last);
	return n;
}

/* The highest-priority task seat m may start (tied.c): the top, or when the
 * constraint rules it out, the first entry that passes. */
static struct beat_task *prio_take(struct beat_member *m)
{
	struct beat_team *team = m->team;
	if (atomic_load_explicit(&team->prio_count, memory_order_acquire) == 0)
		return NULL;
	beat_mutex_lock(&team->prio_lock);
	int n = atomic_load_explicit(&team->prio_count, memory_order_relaxed);
	struct beat_task **h = team->prio_heap;
	struct beat_task *task = NULL;
	for (int i = 0; i < n; i++) {
		if (beat_tied_may_start(m->thread, m, h[i])) {
			task = h[i];
			n = prio_remove_at(h, n, i);
			atomic_store_explicit(&team->prio_count, n, memory_order_release);
			break;
		}
	}
	beat_mutex_unlock(&team->prio_lock);
	return task;
}

/* Tasks a steal across nodes takes at most, counting the first: a remote
 * steal is paid once for a batch of small tasks (a large one comes alone). */
#define REMOTE_BATCH 8

/* How many more tasks to bring along with first, stolen across nodes from
 * a deque that still holds left: none with a large task or a continuation,
 * one more with a medium one, else half of what is left (at most
 * REMOTE_BATCH in all). */
static long batch_more(const struct beat_task *first, long left)
{
	if ((first->flags & BEAT_TASK_CONT) || first->pclass == BEAT_CLASS_LARGE || left <= 0)
		return 0;
	if (first->pclass == BEAT_CLASS_MEDIUM)
		return 1;
	long more = (left + 1) / 2;
	return more < REMOTE_BATCH - 1 ? more : REMOTE_BATCH - 1;
}

/* A remote steal's extra tasks go on the thief's own deque, where its
 * node's members can steal them in turn. */
static void steal_batch(struct beat_member *m, struct beat_deque *victim, const struct beat_task *first)
{
	long more = batch_more(first, beat_deque_size(victim));
	for (long i = 0; i < more; i++) {
		struct beat_task *extra = beat_deque_steal_unguarded(victim);
		if (extra == NULL)
			break;
		beat_item_push(m, extra);
		BEAT_STAT(m->thread, steal_batch);
	}
}

/* One steal from d: a guarded item (a tied continuation, tied.c) only by
 * a thief that could start any task. */
static inline struct beat_task *steal_from(struct beat_member *m, struct beat_deque *d)
{
	if (BEAT_UNLIKELY(beat_cfg.steal == BEAT_STEAL_CONTINUATION) && !beat_tied_free(m->thread, m))
		return beat_deque_steal_unguarded(d);
	return beat_deque_steal(d);
}

/* One steal from the members [lo, hi) of order (ids), from a random
 * start; counted at level. */
static struct beat_task *steal_range(struct beat_member *m, const unsigned *ids, unsigned lo,
				     unsigned hi, unsigned level)
{
	struct beat_team *team = m->team;
	unsigned n = hi - lo;
	if (n == 0)
		return NULL;
	m->rng = m->rng * 1103515245u + 12345u;
	unsigned start = (m->rng >> 8) % n;
	for (unsigned k = 0; k < n; k++) {
		unsigned v = ids[lo + (start + k < n ? start + k : start + k - n)];
		struct beat_deque *d = &team->members[v].deque;
		if (beat_deque_size(d) == 0)
			continue;
		struct beat_task *task = steal_from(m, d);
		if (task) {
			BEAT_STAT(m->thread, steals);
			BEAT_STAT(m->thread, steals_level[level]);
			if (level == BEAT_LEVEL_REMOTE)
				steal_batch(m, d, task);
			return task;
		}
	}
	return NULL;
}

/* Victims nearest first (victims.c): kept out of line, so that the flat
 * scan of one-node machines stays as small as it was. Other nodes only
 * under the rule of beat_far_begin (rt.h). */
static __attribute__((noinline)) struct beat_task *steal_nearest(struct beat_member *m,
								 const struct beat_victims *vs)
{
	unsigned lo = 0;
	bool far = false;
	struct beat_task *task = NULL;
	for (unsigned g = 0; g < vs->ngroups && !task; g++) {
		if (vs->level[g] == BEAT_LEVEL_REMOTE && !far && !(far = beat_far_begin(m)))
			break;
		task = steal_range(m, vs->ids, lo, vs->end[g], vs->level[g]);
		lo = vs->end[g];
	}
	if (far)
		beat_far_end(m);
	return task;
}

/* With a victim order, nearest first; with none (one group), one scan of
 * every other member from a random start. */
static struct beat_task *steal_any(struct beat_member *m)
{
	struct beat_team *team = m->team;
	unsigned n = team->nthreads;
	if (n == 1)
		return NULL;
	if (__builtin_expect(m->victims != NULL, 0))
		return steal_nearest(m, m->victims);
	m->rng = m->rng * 1103515245u + 12345u;
	unsigned start = (m->rng >> 8) % n;
	for (unsigned k = 0; k < n; k++) {
		unsigned v = start + k < n ? start + k : start + k - n;
		if (v == m->id)
			continue;
		if (beat_deque_size(&team->members[v].deque) == 0)
			continue;
		struct beat_task *task = steal_from(m, &team->members[v].deque);
		if (task) {
			BEAT_STAT(m->thread, steals);
			BEAT_STAT(m->thread, steals_level[m->flat_level]);
			return task;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------ public API */

/* Task blocks up to TASK_BLOCK bytes (header and arguments, alignment up
 * to 64) come from the allocating thread's free list; the thread that frees
 * a block keeps it (up to FREE_LIST_MAX), so the hot path neither mallocs
 * nor touches another thread's memory. */
#define TASK_BLOCK 512
#define TASK_BLOCK_ALIGN 64
/* Under AddressSanitizer blocks go back to malloc, so that a task used
 * after its release is reported instead of hidden by reuse. */
#if defined(__SANITIZE_ADDRESS__)
#define FREE_LIST_MAX 0
#else
#define FREE_LIST_MAX 1024
#endif

/* A block from t's free list, else a new one (from t's malloc arena, so
 * first touched by t: on t's node), tagged with t's node. */
static struct beat_task *block_get(struct beat_thread *t)
{
	struct beat_task *b = t->free_tasks;
	if (b) {
		t->free_tasks = *(void **)b;
		t->nfree_tasks--;
		return b;
	}
	b = aligned_alloc(TASK_BLOCK_ALIGN, TASK_BLOCK);
	if (b)
		b->block_node = t->m ? t->m->block_node : 0;
	return b;
}

static void task_free(struct beat_task *task)
{
	/* Its last reference is gone: no child is unfinished, and (unless it
	 * is an included task's heap record, which is never completed) its
	 * subtree is done. */
	BEAT_ASSERT(atomic_load_explicit(&task->refs, memory_order_relaxed) == 0);
	BEAT_ASSERT(atomic_load_explicit(&task->children, memory_order_relaxed) == 0);
	BEAT_ASSERT(task->identity || atomic_load_explicit(&task->subtree, memory_order_relaxed) == 0);
	beat_depend_node_free(task);
	struct beat_thread *t = beat_tls_self;
	/* A thread keeps only blocks of its own node (blocks of unbound
	 * threads on a team of several nodes only for such threads): one from
	 * another node goes back to malloc (and so to its own thread's arena). */
	if ((task->flags & BEAT_TASK_POOLED) && t && t->nfree_tasks < FREE_LIST_MAX &&
	    (!t->m || task->block_node == t->m->block_node)) {
		*(void **)task = t->free_tasks;
		t->free_tasks = task;
		t->nfree_tasks++;
		return;
	}
	free(task);
}

void beat_task_blocks_release(struct beat_thread *t)
{
	while (t->free_tasks) {
		void *b = t->free_tasks;
		t->free_tasks = *(void **)b;
		free(b);
	}
	t->nfree_tasks = 0;
}

struct beat_task *beat_task_alloc(size_t arg_size, size_t arg_align, void **arg_out)
{
	size_t align = arg_align > 16 ? arg_align : 16;
	size_t hdr = round_up(sizeof(struct beat_task), align);
	size_t total = round_up(hdr + arg_size, align);
	struct beat_task *task;
	bool pooled = total <= TASK_BLOCK && align <= TASK_BLOCK_ALIGN;
	if (pooled)
		task = block_get(beat_self());
	else
		task = aligned_alloc(align, total);
	if (!task)
		beat_fatal("out of memory for a task (%zu bytes)", total);
	uint8_t node = pooled ? task->block_node : 0;
	memset(task, 0, sizeof *task);
	if (pooled) {
		task->flags = BEAT_TASK_POOLED;
		task->block_node = node;
	}
	task->data = (char *)task + hdr;
	*arg_out = task->data;
	return task;
}

/* Links a new child task to the current task, its taskgroup and team. */
static void task_link(struct beat_thread *t, struct beat_task *task, void (*fn)(void *),
		      unsigned flags, int priority)
{
	struct beat_task *parent = t->task;
	task->fn = fn;
	task->parent = parent;
	task->depth = (uint16_t)(parent->depth + (parent->depth != UINT16_MAX));
	task->team = t->m->team;
	task->home_node = t->m->node;
	task->flags = (flags & ~(BEAT_TASK_IMPLICIT | BEAT_TASK_POOLED)) | (task->flags & BEAT_TASK_POOLED);
	task->priority = priority;
	task->icv = parent->icv;
	task->taskgroup = parent->taskgroup;
	atomic_init(&task->refs, 1);
	atomic_init(&task->subtree, 1);
	atomic_init(&task->children, 0);
	if (!(parent->flags & BEAT_TASK_IMPLICIT)) {
		int refs = atomic_fetch_add_explicit(&parent->refs, 1, memory_order_relaxed);
		BEAT_ASSERT(refs >= 1); /* the parent runs: it holds its own */
	}
}

/* Wakes one sleeping member, one of node's if any sleeps (sleepers wait
 * with their node's bit when the team spans nodes). */
static void wake_node(struct beat_team *team, unsigned node)
{
	if (atomic_load_explicit(&team->sleepers, memory_order_seq_cst) > 0) {
		atomic_fetch_add_explicit(&team->wake_seq, 1, memory_order_seq_cst);
		if (team->nnodes == 1 || beat_futex_wake_bits(&team->wake_seq, 1, 1u << node) <= 0)
			beat_futex_wake(&team->wake_seq, 1);
	}
}

/* Wakes a sleeper for work member m made visible, one of m's node first. */
static void wake_one(struct beat_member *m)
{
	wake_node(m->team, m->node);
}

bool beat_task_prepare(struct beat_task *task, void (*fn)(void *), unsigned flags,
		       int priority, const struct beat_dep *deps, size_t ndeps, bool undeferred)
{
	struct beat_thread *t = beat_self();
	struct beat_team *team = t->m->team;
	struct beat_task *parent = beat_task_parent_for_child(t);
	task_link(t, task, fn, flags, priority);
	struct beat_taskgroup *tg = task->taskgroup;
	task->counted_in = tg;
	if (tg)
		atomic_fetch_add_explicit(&tg->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&parent->children, 1, memory_order_relaxed);
	/* An included (undeferred, unprepared) task is transparent here: its
	 * children count in the nearest real task above it. */
	struct beat_task *acct = parent;
	while (acct->flags & BEAT_TASK_UNDEFERRED)
		acct = acct->parent;
	if (acct->flags & BEAT_TASK_IMPLICIT) {
		task->counted_by = NULL;
		atomic_fetch_add_explicit(&team->task_count, 1, memory_order_relaxed);
	} else {
		task->counted_by = acct;
		long subtree = atomic_fetch_add_explicit(&acct->subtree, 1, memory_order_relaxed);
		BEAT_ASSERT(subtree >= 1); /* acct has not completed: it makes this child */
	}
	if (deps)
		return beat_depend_register(parent, task, deps, ndeps, undeferred);
	return true;
}

enum beat_fate beat_task_enqueue(struct beat_task *task, int *worker)
{
	struct beat_thread *t = beat_self();
	struct beat_member *m = t->m;
	struct beat_team *team = task->team;
	unsigned node = m->node;
	enum beat_fate where = beat_select(t, task, worker, &node);
	switch (where) {
	case BEAT_FATE_PRIORITY:
		prio_push(team, task);
		break;
	case BEAT_FATE_PLACED:
		beat_mail_push(team, node, task);
		if (m->team == team)
			t->stats.placed_node[node & (BEAT_MAX_NODES - 1)]++;
		if (m->team == team && t->fp)
			t->fp->st.placed++;
		BEAT_STAT(t, submit_placed);
		break;
	default:
		beat_deque_push(&m->deque, task);
		BEAT_STAT(t, submit_queued);
		break;
	}
	BEAT_STAT(t, tasks_deferred);
	/* Dekker with beat_help_until: our push is visible before we read
	 * sleepers, or the sleeper sees the work before it sleeps. */
	atomic_thread_fence(memory_order_seq_cst);
	wake_node(team, node);
	return where;
}

void beat_task_push_cont(struct beat_member *m, struct beat_task *item)
{
	beat_item_push(m, item);
	atomic_thread_fence(memory_order_seq_cst);
	wake_one(m);
}

enum beat_fate beat_task_spawn(struct beat_task *task, int *worker)
{
	int policy = beat_cfg.steal;
	if (policy != BEAT_STEAL_CHILD && task->priority == 0) {
		struct beat_thread *t = beat_self();
		if (t->m->team == task->team &&
		    beat_fiber_spawn_first(t, task, policy == BEAT_STEAL_CONTINUATION)) {
			*worker = -1;
			return BEAT_FATE_CONTINUED;
		}
	}
	return beat_task_enqueue(task, worker);
}

void beat_task_ready(struct beat_task *task)
{
	int worker;
	beat_task_enqueue(task, &worker);
}

static bool task_finished(void *arg)
{
	struct beat_task *task = arg;
	return atomic_load_explicit(&task->finished, memory_order_acquire) != 0;
}

void beat_task_run_inline(struct beat_task *task, bool wait_completion)
{
	struct beat_thread *t = beat_self();
	int refs = atomic_fetch_add_explicit(&task->refs, 1, memory_order_relaxed); /* ours while we wait */
	BEAT_ASSERT(refs >= 1);
	if (t->fiber_cur)
		beat_fiber_pin_if_tied(t, task);
	if (task->dep)
		beat_depend_wait_ready(t->m, task);
	beat_task_execute(task);
	t = beat_self_fresh();
	if (wait_completion && !task_finished(task))
		beat_help_until(t->m, task_finished, task);
	beat_task_unref(task);
}

struct beat_task *beat_task_parent_for_child(struct beat_thread *t)
{
	struct beat_task *cur = t->task;
	if (BEAT_LIKELY(!(cur->flags & BEAT_TASK_ONSTACK)))
		return cur;
	if (cur->promoted)
		return t->task = cur->promoted;
	/* The included task makes a deferred child, which may outlive this
	 * stack frame: its record moves to the heap, and the child points
	 * there. */
	void *unused;
	struct beat_task *h = beat_task_alloc(0, 16, &unused);
	unsigned pooled = h->flags & BEAT_TASK_POOLED;
	memcpy(h, cur, sizeof *h);
	h->flags = (cur->flags & ~(BEAT_TASK_ONSTACK | BEAT_TASK_POOLED)) | pooled;
	h->identity = cur; /* the same task to locks it holds */
	h->tied_chained = 0; /* the stack record stays on the tied chain, if it is */
	h->tied_below = NULL;
	h->tied_fiber = NULL;
	/* Its parent becomes the nearest record that outlives stack frames,
	 * and it holds a reference on it like any task: the descendants it
	 * may leave behind count in that ancestor. */
	struct beat_task *up = cur->parent;
	while (up->flags & BEAT_TASK_ONSTACK)
		up = up->promoted ? up->promoted : up->parent;
	h->parent = up;
	if (!(up->flags & BEAT_TASK_IMPLICIT)) {
		int refs = atomic_fetch_add_explicit(&up->refs, 1, memory_order_relaxed);
		BEAT_ASSERT(refs >= 1);
	}
	cur->promoted = h;
	t->task = h;
	return h;
}

unsigned beat_task_run_undeferred(void (*fn)(void *), void *data, unsigned flags)
{
	return beat_task_run_undeferred_by(beat_self(), fn, data, flags);
}

unsigned beat_task_undeferred_promoted_end(struct beat_thread *t, struct beat_task *h)
{
	beat_tied_leave(t->m, h);
	/* Its children's dependences are settled (none can be added now);
	 * the heap record lives on while any child does. */
	if (h->deps)
		beat_depend_table_free(h);
	unsigned n = h->nchildren;
	beat_task_unref(h);
	return n;
}

bool beat_task_run_one(struct beat_member *m)
{
	struct beat_thread *t = m->thread;
	struct beat_team *team = m->team;
	/* Each source's candidate must pass the tied-task scheduling
	 * constraint (tied.c); one that does not is left for other members. */
	struct beat_task *task = prio_take(m);
	/* An idle poll must stay cheap: a pop writes our bottom and fences,
	 * so look first. */
	if (!task && beat_deque_size(&m->deque) > 0) {
		task = beat_deque_pop(&m->deque);
		if (task && !beat_tied_may_start(t, m, task)) {
			/* Back for a thief; one may have gone to sleep while the
			 * deque looked empty. */
			beat_item_push(m, task);
			atomic_thread_fence(memory_order_seq_cst);
			wake_one(m);
			task = NULL;
		}
	}
	if (!task) {
		task = steal_any(m);
		/* (A continuation is never refused here: a thief that could not
		 * start it does not take it, steal_from.) */
		BEAT_ASSERT(!task || !(task->flags & BEAT_TASK_CONT) || beat_tied_may_start(t, m, task));
		if (task && !beat_tied_may_start(t, m, task)) {
			/* Taken from a deque that cannot take it back: to the
			 * mailbox of the node it was made on, where its creator's
			 * node-mates look first. */
			beat_mail_push(team, task->home_node, task);
			atomic_thread_fence(memory_order_seq_cst);
			wake_one(m);
			task = NULL;
		}
	}
	if (!task)
		task = beat_mail_take(m);
	if (BEAT_UNLIKELY(!task && atomic_load_explicit(&team->held_count, memory_order_relaxed) > 0))
		task = beat_held_take(m, false);
	if (!task) {
		if (m->idle_polls < UINT_MAX)
			m->idle_polls++;
		return false;
	}
	m->idle_polls = 0;
	if (task->flags & BEAT_TASK_CONT) {
		beat_fiber_resume_cont(m->thread, m, task);
		return true;
	}
	/* From a help loop a task starts on a fiber of its own, so that when
	 * it waits it can park instead of burying the loop under it. */
	if (!beat_fiber_run(m->thread, m, task)) {
		if (m->thread->fiber_cur)
			beat_fiber_pin_if_tied(m->thread, task);
		beat_task_execute(task);
	}
	return true;
}

/* The caller has just made some waiter's condition true with a seq_cst
 * write. A waiter counts itself in sleepers (seq_cst) before it reads
 * wake_seq and re-checks its condition, so if we see no sleeper, any later
 * one will see the condition; only when there are sleepers does wake_seq
 * move (one shared write saved on every barrier and taskwait otherwise). */
void beat_team_wake(struct beat_team *team)
{
	if (atomic_load_explicit(&team->sleepers, memory_order_seq_cst) == 0)
		return;
	atomic_fetch_add_explicit(&team->wake_seq, 1, memory_order_seq_cst);
	beat_futex_wake(&team->wake_seq, 0x7fffffff);
}

static bool team_has_work(struct beat_team *team)
{
	if (atomic_load_explicit(&team->prio_count, memory_order_seq_cst) > 0 ||
	    beat_mail_any(team))
		return true;
	for (unsigned i = 0; i < team->nthreads; i++)
		if (beat_deque_size(&team->members[i].deque) > 0)
			return true;
	return false;
}

/* Pops the newest task of m's deque if it is a child of parent. */
static struct beat_task *pop_own_child(struct beat_member *m, struct beat_task *parent)
{
	if (beat_deque_size(&m->deque) == 0)
		return NULL;
	struct beat_task *task = beat_deque_pop(&m->deque);
	if (task && task->parent != parent) {
		beat_item_push(m, task);
		task = NULL;
	}
	return task;
}

/* A waiter in beat_help_until: its thread and seat, and how its wait went
 * so far. */
struct helper {
	struct beat_thread *t;
	struct beat_member *m;
	unsigned long limit;  /* polls before sleeping (beat_spin_limit) */
	unsigned long idle;   /* polls since it last found work */
	bool hungry;          /* counted in team->hungry and node_hungry[hungry_node] */
	unsigned hungry_node;
	bool narrowed;        /* it set m->narrow (restored at the end) */
	struct beat_task *narrow_saved;
	uint32_t mark;        /* beat_tied_mark once it was suspended */
};

/* The wait is over: its condition holds and no tied task suspended on the
 * seat during the wait is left (they would be above it on one stack). */
static inline bool wait_over(const struct helper *h, bool (*done)(void *), void *arg)
{
	return done(arg) && !beat_tied_above(h->m, h->mark);
}

/* A waiter that helps on a stack it cannot leave narrows its seat: until
 * its wait ends the seat starts only the waiter's own descendants on top of
 * it (untied ones too), so that this stack grows no deeper than its
 * subtree, as under libgomp's taskwait. */
static void narrow_to(struct helper *h, struct beat_task *self)
{
	h->narrow_saved = h->m->narrow;
	h->m->narrow = self;
	h->narrowed = true;
}

/* Phase 1, a waiter on a fiber: it first runs its own queued children right
 * here, depth first as the serial program would (they are its descendants,
 * so tied-task scheduling allows it); when none is left it parks and its
 * thread goes on with other work. Returns true when the wait is over. When
 * parked stacks are at their bound (BEAT_PARK_MAX) it returns false, having
 * narrowed its seat. */
static inline bool run_own_children_or_park(struct helper *h, bool (*done)(void *), void *arg)
{
	struct beat_task *self = h->t->task;
	for (;;) {
		if (done(arg))
			return true;
		struct beat_task *child = pop_own_child(h->m, self);
		/* held by the memory gate: it waits for them */
		if (!child && atomic_load_explicit(&h->m->team->held_count, memory_order_relaxed) > 0)
			child = beat_held_take(h->m, true);
		if (!child)
			break;
		beat_fiber_pin_if_tied(h->t, child);
		beat_task_execute(child);
		h->t = beat_self_fresh();
		h->m = h->t->m;
	}
	if (beat_fiber_park(h->t, h->m, done, arg))
		return true;
	narrow_to(h, self);
	return false;
}

/* Phase 2: one poll of the spin; false once the spin budget is used up
 * (or the poll says to sleep now). */
static inline bool spin(struct helper *h)
{
	if (h->idle >= h->limit)
		return false;
	return beat_spin_pause(h->idle++);
}

/* Phase 3: a waiter that found no work for a while tells creators that tiny
 * tasks would be welcome here (not at once: most barrier waits end within a
 * few polls); it stops counting itself as soon as it finds work. */
#define HUNGRY_AFTER 32

static inline void hungry_maybe_begin(struct helper *h)
{
	if (!h->hungry && (h->idle >= HUNGRY_AFTER || h->idle >= h->limit)) {
		h->hungry = true;
		h->hungry_node = h->m->node;
		atomic_fetch_add_explicit(&h->m->team->hungry, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&h->m->team->node_hungry[h->hungry_node], 1, memory_order_relaxed);
	}
}

static inline void hungry_end(struct helper *h)
{
	if (h->hungry) {
		h->hungry = false;
		atomic_fetch_sub_explicit(&h->m->team->hungry, 1, memory_order_relaxed);
		atomic_fetch_sub_explicit(&h->m->team->node_hungry[h->hungry_node], 1, memory_order_relaxed);
	}
}

/* Phase 4: sleep on the team futex until woken, unless the condition,
 * queued work or a ready parked fiber shows up after it counted itself a
 * sleeper (the Dekker pair of beat_team_wake and beat_task_enqueue). Then
 * half a spin before the next sleep. */
static void sleep_once(struct helper *h, bool (*done)(void *), void *arg)
{
	struct beat_team *team = h->m->team;
	beat_fiber_idle(h->t);
	atomic_fetch_add_explicit(&team->sleepers, 1, memory_order_seq_cst);
	unsigned seq = atomic_load_explicit(&team->wake_seq, memory_order_seq_cst);
	atomic_thread_fence(memory_order_seq_cst); /* order the checks after the count */
	if (!wait_over(h, done, arg) && !team_has_work(team) && !beat_fiber_any_ready(h->t, h->m)) {
		if (BEAT_UNLIKELY(team->orphaned))
			beat_team_orphaned_wait();
		/* Held tasks become anyone's after a while (memgate.c): look
		 * again then. */
		if (BEAT_UNLIKELY(atomic_load_explicit(&team->held_count, memory_order_relaxed) > 0))
			beat_futex_wait_for(&team->wake_seq, seq, 1000000);
		else if (team->nnodes > 1)
			beat_futex_wait_bits(&team->wake_seq, seq, 1u << h->m->node);
		else
			beat_futex_wait(&team->wake_seq, seq);
	}
	atomic_fetch_sub_explicit(&team->sleepers, 1, memory_order_relaxed);
	h->idle = h->limit / 2;
}

void beat_help_until(struct beat_member *m, bool (*done)(void *), void *arg)
{
	struct helper h = {.t = m->thread, .m = m};
	if (done(arg))
		return;
	/* The waiter is suspended here: while it is, this thread starts only
	 * its descendants (if it is tied). */
	beat_tied_suspend(m, h.t->task);
	h.mark = beat_tied_mark(m);
	if (beat_fiber_can_park(h.t, m)) {
		if (run_own_children_or_park(&h, done, arg))
			return;
	} else if (!(h.t->task->flags & BEAT_TASK_IMPLICIT)) {
		/* A task that started on this stack cannot park: no fiber
		 * was free (BEAT_FIBER_MAX, memory pressure), fibers are off,
		 * or its creator on this stack ran it at once. */
		narrow_to(&h, h.t->task);
	}
	h.limit = beat_spin_limit();
	while (!wait_over(&h, done, arg)) {
		if (beat_fiber_resume_ready(h.t, h.m) || beat_task_run_one(h.m)) {
			h.idle = 0;
			hungry_end(&h);
			continue;
		}
		hungry_maybe_begin(&h);
		if (!spin(&h))
			sleep_once(&h, done, arg);
	}
	hungry_end(&h);
	if (h.narrowed)
		h.m->narrow = h.narrow_saved;
}

static bool no_children(void *arg)
{
	struct beat_task *task = arg;
	return atomic_load_explicit(&task->children, memory_order_acquire) == 0;
}

void beat_taskwait(void)
{
	struct beat_thread *t = beat_self();
	struct beat_task *task = t->task;
	if (atomic_load_explicit(&task->children, memory_order_acquire) == 0)
		return;
	beat_help_until(t->m, no_children, task);
}

struct yield_mark {
	struct beat_member *m;
	uint32_t mark;
};

static bool none_above(void *arg)
{
	const struct yield_mark *y = arg;
	return !beat_tied_above(y->m, y->mark);
}

void beat_taskyield(void)
{
	struct beat_thread *t = beat_self();
	struct beat_member *m = t->m;
	beat_tied_suspend(m, t->task);
	struct yield_mark y = {m, beat_tied_mark(m)};
	beat_task_run_one(m);
	/* What it started may have parked here: as on one stack, the yielder
	 * goes on once that is done. */
	t = beat_self_fresh();
	if (beat_tied_above(t->m, y.mark))
		beat_help_until(t->m, none_above, &y);
}

void beat_taskgroup_start(void)
{
	struct beat_thread *t = beat_self();
	struct beat_taskgroup *tg = calloc(1, sizeof *tg);
	if (!tg)
		beat_fatal("out of memory for a taskgroup");
	tg->prev = t->task->taskgroup;
	t->task->taskgroup = tg;
}

static bool group_empty(void *arg)
{
	struct beat_taskgroup *tg = arg;
	return atomic_load_explicit(&tg->count, memory_order_acquire) == 0;
}

void beat_taskgroup_end(void)
{
	struct beat_thread *t = beat_self();
	struct beat_task *task = t->task;
	struct beat_taskgroup *tg = task->taskgroup;
	if (!tg)
		return;
	beat_help_until(t->m, group_empty, tg);
	task->taskgroup = tg->prev;
	free(tg);
}

bool beat_in_final(void)
{
	return (beat_self()->task->flags & BEAT_TASK_FINAL) != 0;
}
