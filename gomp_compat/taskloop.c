/* taskloop.c: the taskloop construct (GOMP_taskloop for long loops,
 * GOMP_taskloop_ull for unsigned long long ones): splitting the iterations
 * into tasks by grainsize (strict or not) or num_tasks, with if, final,
 * priority, untied, cpyfn, nogroup, and the implied taskgroup that carries
 * the construct's task reductions.
 *
 * GCC passes the loop as start, end, step in the loop's own type; the first
 * two words of the argument block are where each task receives its own
 * [start, end) bounds, and with a reduction clause the third word points at
 * the reduction descriptor (see task_reduction.c). The split follows
 * libgomp's arithmetic so that compiled bodies see the bounds they expect:
 * task k covers len(k) iterations, the first `nbig` tasks one more than the
 * rest; grainsize(strict:) gives every task the grainsize but the last.
 *
 * Execution: when the tasks cannot be deferred (if(0), a final encountering
 * task, a team of one) they run one after the other on the caller's stack.
 * Otherwise each task is created and queued as it is split off, except that
 * with a copy constructor (cpyfn) every copy is made before the first task
 * may run, as the firstprivate values must be those at the encounter. What
 * happens to each task is shim's decision (beat_submit_made): when the
 * team's queues are already long it runs at once instead of being queued,
 * which bounds memory for taskloops with millions of tasks. */
#include "abi.h"
#include "task_reduction.h"

#include <alloca.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FLAG_UNTIED (1u << 0)
#define FLAG_FINAL (1u << 1)
#define FLAG_UP (1u << 8)
#define FLAG_GRAINSIZE (1u << 9)
#define FLAG_IF (1u << 10)
#define FLAG_NOGROUP (1u << 11)
#define FLAG_REDUCTION (1u << 12)
#define FLAG_STRICT (1u << 14)

/* Argument blocks up to this size are copied on the stack. */
#define STACK_ARG_MAX 2048

/* How the iterations are dealt out: tasks [0, nbig) get `big` iterations,
 * the others `small`; one_span: a single task whose end is the loop's end
 * exactly (not start + n * step). */
struct split {
	unsigned long long ntasks;
	unsigned long long nbig, big, small;
	bool one_span;
};

struct taskloop {
	void (*fn)(void *);
	void *data;
	void (*cpyfn)(void *, void *);
	size_t arg_size, arg_align;
	unsigned flags;
	int priority;
	bool is_ull;
	unsigned long long start, end, step; /* the loop's values, as bits */
	struct split split;
	unsigned long long next_task; /* tasks handed their bounds so far */
	unsigned long long cursor;    /* start of the next task's bounds */
	const void *site;             /* the construct's call site */
};

/* The head of GCC's argument block, for each loop type. */
struct head_long {
	long lo, hi;
	uintptr_t *reductions;
};
struct head_ull {
	unsigned long long lo, hi;
	uintptr_t *reductions;
};

/* --------------------------------------------------------- private helpers */

static size_t round_up(size_t x, size_t a)
{
	return (x + a - 1) / a * a;
}

static unsigned long long ceil_div(unsigned long long span, unsigned long long step)
{
	return span / step + (span % step != 0);
}

static void split_evenly(struct split *s, unsigned long long n, unsigned long long ntasks)
{
	s->ntasks = ntasks;
	s->small = n / ntasks;
	s->nbig = n % ntasks;
	s->big = s->small + 1;
}

/* n >= 1 iterations; arg is the grainsize or the num_tasks value. */
static struct split plan(unsigned long long n, unsigned flags, unsigned long arg,
			 unsigned nthreads)
{
	struct split s = { 0 };
	if (flags & FLAG_GRAINSIZE) {
		unsigned long long grain = arg ? arg : 1;
		unsigned long long full = n / grain, rest = n % grain;
		if (flags & FLAG_STRICT) {
			s.ntasks = full + (rest != 0);
			s.nbig = full;
			s.big = grain;
			s.small = rest;
		} else if (full <= 1) {
			s.ntasks = 1;
			s.nbig = 1;
			s.big = n;
			s.one_span = true;
		} else {
			split_evenly(&s, n, full);
		}
		return s;
	}
	unsigned long long want = arg ? arg : nthreads;
	split_evenly(&s, n, want < n ? want : n);
	return s;
}

/* Writes the next task's bounds into its argument block. */
static void next_bounds(struct taskloop *tl, void *arg)
{
	unsigned long long k = tl->next_task++;
	unsigned long long len = k < tl->split.nbig ? tl->split.big : tl->split.small;
	unsigned long long lo = tl->cursor;
	unsigned long long hi = tl->split.one_span ? tl->end : lo + len * tl->step;
	tl->cursor = hi;
	if (tl->is_ull) {
		struct head_ull *h = arg;
		h->lo = lo;
		h->hi = hi;
	} else {
		struct head_long *h = arg;
		h->lo = (long)lo;
		h->hi = (long)hi;
	}
}

static uintptr_t *reduction_descriptor(const struct taskloop *tl)
{
	if (tl->is_ull)
		return ((const struct head_ull *)tl->data)->reductions;
	return ((const struct head_long *)tl->data)->reductions;
}

/* GCC's taskloop flags that a task construct has too, in beat's terms. */
static unsigned spawn_flags(unsigned flags)
{
	return ((flags & FLAG_UNTIED) ? BEAT_SPAWN_UNTIED : 0) |
	       ((flags & FLAG_FINAL) ? BEAT_SPAWN_FINAL : 0) |
	       ((flags & FLAG_IF) ? 0 : BEAT_SPAWN_UNDEFERRED);
}

/* Every task runs now, in order, as an included (undeferred) task. */
static void run_included(struct taskloop *tl, unsigned sflags)
{
	size_t align = tl->arg_align;
	size_t stride = round_up(tl->arg_size, align);
	unsigned long long n = tl->split.ntasks;
	if (!tl->cpyfn) {
		bool small = stride <= STACK_ARG_MAX;
		char *raw = small ? alloca(stride + align - 1) : malloc(stride + align - 1);
		if (!raw)
			beat_fatal("out of memory for a taskloop argument block");
		char *arg = (char *)round_up((uintptr_t)raw, align);
		for (unsigned long long k = 0; k < n; k++) {
			memcpy(arg, tl->data, tl->arg_size);
			next_bounds(tl, arg);
			beat_run_included(tl->fn, arg, sflags);
		}
		if (!small)
			free(raw);
		return;
	}
	if (n > (SIZE_MAX - align) / (stride ? stride : 1))
		beat_fatal("taskloop: %llu tasks of %zu bytes do not fit in memory", n, stride);
	char *raw = malloc(n * stride + align - 1);
	if (!raw)
		beat_fatal("out of memory for %llu taskloop argument blocks", n);
	char *base = (char *)round_up((uintptr_t)raw, align);
	for (unsigned long long k = 0; k < n; k++)
		tl->cpyfn(base + k * stride, tl->data);
	for (unsigned long long k = 0; k < n; k++) {
		next_bounds(tl, base + k * stride);
		beat_run_included(tl->fn, base + k * stride, sflags);
	}
	free(raw);
}

/* beat_spawn.fill: the next task's bounds go into its own block. */
static void fill_bounds(void *args, struct beat_task *handle, void *ctx)
{
	next_bounds(ctx, args);
}

/* Each task is made (its copy and its bounds) and handed to beat_submit_
 * made; with a copy constructor every copy is made before any task may run. */
static void run_deferred(struct taskloop *tl, unsigned sflags)
{
	struct beat_spawn s = {
		.fn = tl->fn, .data = tl->data, .copy = tl->cpyfn,
		.arg_size = tl->arg_size, .arg_align = tl->arg_align,
		.flags = sflags, .priority = tl->priority,
		.fill = fill_bounds, .fill_ctx = tl,
		.site = tl->site,
	};
	unsigned long long n = tl->split.ntasks;
	if (!tl->cpyfn) {
		for (unsigned long long k = 0; k < n; k++)
			beat_submit_made(beat_spawn_make(&s), &s);
		return;
	}
	if (n > SIZE_MAX / sizeof(struct beat_task *))
		beat_fatal("taskloop: %llu tasks do not fit in memory", n);
	struct beat_task **tasks = malloc(n * sizeof *tasks);
	if (!tasks)
		beat_fatal("out of memory for %llu taskloop tasks", n);
	for (unsigned long long k = 0; k < n; k++)
		tasks[k] = beat_spawn_make(&s);
	for (unsigned long long k = 0; k < n; k++)
		beat_submit_made(tasks[k], &s);
	free(tasks);
}

/* n: the number of iterations (0: the loop is empty). */
static void taskloop(struct taskloop *tl, unsigned long long n, unsigned long num_tasks)
{
	bool group = !(tl->flags & FLAG_NOGROUP);
	bool reduction = group && (tl->flags & FLAG_REDUCTION);
	/* Nothing to do, or the region or an enclosing taskgroup is cancelled. */
	if (n == 0 || beat_cancellation_point(BEAT_CANCEL_TASKGROUP)) {
		if (reduction)
			reduction_descriptor(tl)[2] = 0; /* "not registered" */
		return;
	}
	tl->split = plan(n, tl->flags, num_tasks, (unsigned)omp_get_num_threads());
	tl->cursor = tl->start;
	unsigned sflags = spawn_flags(tl->flags);
	if (group) {
		beat_taskgroup_start();
		if (reduction)
			beat_task_reductions_register(reduction_descriptor(tl));
	}
	if (beat_spawn_included(sflags))
		run_included(tl, sflags);
	else
		run_deferred(tl, sflags);
	if (group)
		beat_taskgroup_end();
}

/* ------------------------------------------------------------ public API */

BEAT_EXPORT void GOMP_taskloop(void (*fn)(void *), void *data, void (*cpyfn)(void *, void *),
			       long arg_size, long arg_align, unsigned flags,
			       unsigned long num_tasks, int priority, long start, long end,
			       long step)
{
	unsigned long long n = 0;
	if (step > 0 && start < end)
		n = ceil_div((unsigned long)end - (unsigned long)start, (unsigned long)step);
	else if (step < 0 && start > end)
		n = ceil_div((unsigned long)start - (unsigned long)end, -(unsigned long)step);
	struct taskloop tl = {
		.fn = fn, .data = data, .cpyfn = cpyfn,
		.arg_size = arg_size > 0 ? (size_t)arg_size : 0,
		.arg_align = arg_align > 0 ? (size_t)arg_align : 1,
		.flags = flags, .priority = priority, .is_ull = false,
		.start = (unsigned long long)start, .end = (unsigned long long)end,
		.step = (unsigned long long)step, .site = __builtin_return_address(0),
	};
	taskloop(&tl, n, num_tasks);
}

BEAT_EXPORT void GOMP_taskloop_ull(void (*fn)(void *), void *data,
				   void (*cpyfn)(void *, void *), long arg_size, long arg_align,
				   unsigned flags, unsigned long num_tasks, int priority,
				   unsigned long long start, unsigned long long end,
				   unsigned long long step)
{
	unsigned long long n = 0;
	if (step == 0) {
		n = 0; /* not a loop GCC emits; avoid dividing by zero */
	} else if (flags & FLAG_UP) {
		if (start < end)
			n = ceil_div(end - start, step);
	} else if (start > end) {
		n = ceil_div(start - end, -step);
	}
	struct taskloop tl = {
		.fn = fn, .data = data, .cpyfn = cpyfn,
		.arg_size = arg_size > 0 ? (size_t)arg_size : 0,
		.arg_align = arg_align > 0 ? (size_t)arg_align : 1,
		.flags = flags, .priority = priority, .is_ull = true,
		.start = start, .end = end, .step = step, .site = __builtin_return_address(0),
	};
	taskloop(&tl, n, num_tasks);
}
