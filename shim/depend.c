/* depend.c: task dependences among sibling tasks (lists of addresses with
 * the kinds in, out/inout, mutexinoutset and inoutset, which an ABI layer
 * makes from its compiler's depend clauses) and taskwait with depend.
 *
 * Design. Each parent task owns a table from address to the last writer and
 * the readers since then. Only the parent creates its children, one at a
 * time, so the table needs no lock. Each dependent task has a node with its
 * count of unfinished predecessors and its successor list; a node's lock
 * orders "add a successor" against "finish", so an edge is added only to a
 * predecessor that has not finished. When a task finishes, each successor
 * whose count drops to zero becomes ready. The table holds a reference on
 * every task it names, released when the entry is replaced or the parent ends.
 * mutexinoutset and inoutset are treated as inout: stricter than required,
 * never wrong. */
#include "rt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct beat_depnode {
	beat_mutex_t lock;
	atomic_bool done;     /* written under lock; read without it as a hint */
	bool waiter;          /* an undeferred task: its creator waits for npred == 0 */
	atomic_int npred;     /* unfinished predecessors + 1 while registering */
	int nsucc, cap;
	struct beat_task **succ;
};

struct dep_entry {
	void *addr;
	struct beat_task *last_out;
	struct beat_task **readers;
	int nreaders, cap;
};

struct beat_deptable {
	size_t size, used; /* power-of-two open addressing */
	struct dep_entry *e;
};

/* --------------------------------------------------------- private helpers */

static size_t hash_addr(void *addr, size_t size)
{
	uintptr_t x = (uintptr_t)addr;
	x ^= x >> 17;
	x *= 0x9e3779b97f4a7c15ull;
	return (x >> 20) & (size - 1);
}

static struct dep_entry *table_slot(struct beat_deptable *t, void *addr)
{
	size_t i = hash_addr(addr, t->size);
	while (t->e[i].addr && t->e[i].addr != addr)
		i = (i + 1) & (t->size - 1);
	return &t->e[i];
}

static void table_grow(struct beat_deptable *t)
{
	struct beat_deptable bigger = {t->size ? t->size * 2 : 16, t->used, NULL};
	bigger.e = calloc(bigger.size, sizeof *bigger.e);
	if (!bigger.e)
		beat_fatal("out of memory for task dependences");
	for (size_t i = 0; i < t->size; i++)
		if (t->e[i].addr)
			*table_slot(&bigger, t->e[i].addr) = t->e[i];
	free(t->e);
	*t = bigger;
}

static struct dep_entry *table_find(struct beat_task *parent, void *addr, bool create)
{
	struct beat_deptable *t = parent->deps;
	if (!t) {
		if (!create)
			return NULL;
		t = parent->deps = calloc(1, sizeof *t);
		if (!t)
			beat_fatal("out of memory for task dependences");
	}
	if (create && (t->used + 1) * 2 > t->size)
		table_grow(t);
	if (t->size == 0)
		return NULL;
	struct dep_entry *e = table_slot(t, addr);
	if (!e->addr) {
		if (!create)
			return NULL;
		e->addr = addr;
		t->used++;
	}
	return e;
}

static bool node_done(struct beat_task *task)
{
	return task->dep == NULL || atomic_load_explicit(&task->dep->done, memory_order_acquire);
}

/* Makes succ wait for pred unless pred has finished. */
static void add_edge(struct beat_task *pred, struct beat_task *succ)
{
	if (pred == succ || pred->dep == NULL)
		return;
	struct beat_depnode *n = pred->dep;
	beat_mutex_lock(&n->lock);
	if (!atomic_load_explicit(&n->done, memory_order_relaxed)) {
		if (n->nsucc == n->cap) {
			n->cap = n->cap ? n->cap * 2 : 4;
			n->succ = realloc(n->succ, n->cap * sizeof *n->succ);
			if (!n->succ)
				beat_fatal("out of memory for task dependences");
		}
		n->succ[n->nsucc++] = succ;
		atomic_fetch_add_explicit(&succ->dep->npred, 1, memory_order_relaxed);
	}
	beat_mutex_unlock(&n->lock);
}

static void hold(struct beat_task *task)
{
	atomic_fetch_add_explicit(&task->refs, 1, memory_order_relaxed);
}

static void add_reader(struct dep_entry *e, struct beat_task *task)
{
	/* Drop finished readers first so the list stays short. */
	int k = 0;
	for (int i = 0; i < e->nreaders; i++) {
		if (node_done(e->readers[i]))
			beat_task_unref(e->readers[i]);
		else
			e->readers[k++] = e->readers[i];
	}
	e->nreaders = k;
	if (e->nreaders == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 4;
		e->readers = realloc(e->readers, e->cap * sizeof *e->readers);
		if (!e->readers)
			beat_fatal("out of memory for task dependences");
	}
	hold(task);
	e->readers[e->nreaders++] = task;
}

static void clear_entry(struct dep_entry *e)
{
	if (e->last_out)
		beat_task_unref(e->last_out);
	e->last_out = NULL;
	for (int i = 0; i < e->nreaders; i++)
		beat_task_unref(e->readers[i]);
	e->nreaders = 0;
}

/* One dependence of `task` (NULL task: only wait, as taskwait depend does). */
static void depend_one(struct beat_task *parent, struct beat_task *task,
		       struct beat_task *waiter, void *addr, bool is_in)
{
	struct dep_entry *e = table_find(parent, addr, task != NULL);
	if (!e)
		return;
	if (e->last_out)
		add_edge(e->last_out, waiter);
	if (!is_in)
		for (int i = 0; i < e->nreaders; i++)
			add_edge(e->readers[i], waiter);
	if (!task)
		return;
	if (is_in) {
		add_reader(e, task);
	} else {
		clear_entry(e);
		hold(task);
		e->last_out = task;
	}
}

/* Calls depend_one for each dependence of the list. Everything but in
 * (out, inout, mutexinoutset, inoutset) orders like inout. */
static void for_each_dep(struct beat_task *parent, struct beat_task *task,
			 struct beat_task *waiter, const struct beat_dep *deps, size_t ndeps)
{
	for (size_t i = 0; i < ndeps; i++)
		depend_one(parent, task, waiter, deps[i].addr, deps[i].kind == BEAT_DEP_IN);
}

static struct beat_depnode *node_new(bool waiter)
{
	struct beat_depnode *n = calloc(1, sizeof *n);
	if (!n)
		beat_fatal("out of memory for task dependences");
	n->waiter = waiter;
	atomic_init(&n->npred, 1);
	return n;
}

static bool npred_zero(void *arg)
{
	struct beat_depnode *n = arg;
	return atomic_load_explicit(&n->npred, memory_order_acquire) == 0;
}

/* ------------------------------------------------------------ public API */

bool beat_depend_register(struct beat_task *parent, struct beat_task *task,
			  const struct beat_dep *deps, size_t ndeps, bool undeferred)
{
	task->dep = node_new(undeferred);
	for_each_dep(parent, task, task, deps, ndeps);
	return atomic_fetch_sub_explicit(&task->dep->npred, 1, memory_order_acq_rel) == 1;
}

void beat_depend_wait_ready(struct beat_member *m, struct beat_task *task)
{
	if (!npred_zero(task->dep))
		beat_help_until(m, npred_zero, task->dep);
}

void beat_depend_complete(struct beat_task *task)
{
	struct beat_depnode *n = task->dep;
	beat_mutex_lock(&n->lock);
	atomic_store_explicit(&n->done, true, memory_order_release);
	int nsucc = n->nsucc;
	struct beat_task **succ = n->succ;
	n->succ = NULL;
	n->nsucc = n->cap = 0;
	beat_mutex_unlock(&n->lock);
	for (int i = 0; i < nsucc; i++) {
		/* A waiter may return the moment its count hits zero: read what
		 * we need first, and wake through our own (live) team. */
		bool waiter = succ[i]->dep->waiter;
		if (atomic_fetch_sub_explicit(&succ[i]->dep->npred, 1, memory_order_seq_cst) != 1)
			continue;
		if (waiter)
			beat_team_wake(task->team);
		else
			beat_task_ready(succ[i]);
	}
	free(succ);
}

void beat_depend_taskwait(const struct beat_dep *deps, size_t ndeps)
{
	struct beat_thread *t = beat_self();
	struct beat_task *parent = t->task;
	if (!parent->deps)
		return;
	struct beat_task waiter;
	memset(&waiter, 0, sizeof waiter);
	waiter.dep = node_new(true);
	waiter.team = t->m->team;
	for_each_dep(parent, NULL, &waiter, deps, ndeps);
	atomic_fetch_sub_explicit(&waiter.dep->npred, 1, memory_order_acq_rel);
	beat_depend_wait_ready(t->m, &waiter);
	free(waiter.dep);
}

void beat_depend_table_free(struct beat_task *parent)
{
	struct beat_deptable *t = parent->deps;
	if (!t)
		return;
	parent->deps = NULL;
	for (size_t i = 0; i < t->size; i++)
		if (t->e[i].addr) {
			clear_entry(&t->e[i]);
			free(t->e[i].readers);
		}
	free(t->e);
	free(t);
}

void beat_depend_node_free(struct beat_task *task)
{
	if (task->dep) {
		free(task->dep->succ);
		free(task->dep);
		task->dep = NULL;
	}
}
