/* doacross.c: cross-iteration dependences of loops with ordered(n) and
 * depend(sink / source): posting an iteration done and waiting for one.
 *
 * The ordered loop nest is described by the iteration count of each loop
 * (counts[0] is the work-shared loop's, which runs over 0 .. counts[0]-1),
 * and iterations are posted or waited for by their logical numbers,
 * outermost first. An iteration's flattened number (row-major over the
 * nest) orders the iterations the way one thread runs them.
 *
 * Design: the work-shared loop's iterations are grouped into runs that
 * one member executes in order, whole nests included: a member's block
 * (static without chunk), a member's chunks (static with chunk), a chunk
 * (dynamic), an iteration (guided). Each run has one counter: one more
 * than the highest flattened number posted in it. Iteration x is done
 * once its run's counter exceeds x, since the run's member posts in
 * increasing order. Memory is one word per run (a cache line per member
 * for static), not per iteration. Waiters spin, then sleep on the
 * counter (beat_word_wait_step). Sinks outside the iteration space do not
 * wait; teams of one thread keep no state at all. */
#include "rt.h"

#include <stdlib.h>
#include <string.h>

struct doacross {
	atomic_uint users;              /* members that have not ended the loop */
	atomic_long sleepers;           /* waiters asleep on some counter */
	unsigned ncounts;
	enum beat_sched kind;           /* the loop's schedule */
	unsigned long long chunk;       /* logical chunk of the loop */
	unsigned long long nthreads;
	unsigned long long q, extra;    /* static blocks: q (+1 for the first extra) */
	unsigned long long boundary;    /* first iteration of the short blocks */
	size_t stride;                  /* words between two runs' counters */
	atomic_ullong *runs;            /* counters, cache-line aligned */
	unsigned long long counts[];    /* [ncounts], outermost first */
};

/* ------------------------------------------------------------ helpers */

static unsigned long long round_up(unsigned long long x, unsigned long long a)
{
	return (x + a - 1) / a * a;
}

static struct doacross *current(void)
{
	struct beat_ws *ws = beat_member_self()->ws;

	return ws != NULL ? ws->doacross : NULL;
}

/* The run the work-shared loop's iteration i0 belongs to. */
static unsigned long long run_of(const struct doacross *d, unsigned long long i0)
{
	switch (d->kind) {
	case BEAT_SCHED_STATIC:
		if (d->chunk != 0)
			return i0 / d->chunk % d->nthreads;
		if (i0 < d->boundary)
			return i0 / (d->q + 1);
		return d->extra + (i0 - d->boundary) / d->q;
	case BEAT_SCHED_DYNAMIC:
		return i0 / d->chunk;
	default:
		return i0;
	}
}

/* How many runs a loop of n0 work-shared iterations has. */
static unsigned long long run_count(enum beat_sched kind, unsigned long long chunk,
				    unsigned long long nthreads,
				    unsigned long long n0)
{
	switch (kind) {
	case BEAT_SCHED_STATIC:
		return nthreads;
	case BEAT_SCHED_DYNAMIC:
		return (n0 - 1) / chunk + 1;
	default:
		return n0;
	}
}

static atomic_ullong *run_counter(const struct doacross *d, unsigned long long i0)
{
	return d->runs + run_of(d, i0) * d->stride;
}

/* Iterations of the whole nest; fails when they do not fit in 64 bits
 * with one to spare (counters hold flattened number + 1). */
static bool nest_size(unsigned ncounts, const unsigned long long *counts,
		      unsigned long long *total)
{
	unsigned long long t = 1;

	for (unsigned i = 0; i < ncounts; i++)
		if (__builtin_mul_overflow(t, counts[i], &t))
			return false;
	*total = t;
	return t != ~0ULL;
}

static struct doacross *doacross_alloc(unsigned ncounts, enum beat_sched kind,
				       unsigned long long chunk,
				       unsigned long long nthreads,
				       const unsigned long long *counts)
{
	size_t stride = kind == BEAT_SCHED_STATIC ? BEAT_CACHELINE / sizeof(atomic_ullong) : 1;
	unsigned long long nruns = run_count(kind, chunk, nthreads, counts[0]);
	unsigned long long head, bytes;
	struct doacross *d;
	void *block;

	head = round_up(sizeof(*d) + ncounts * sizeof(unsigned long long), BEAT_CACHELINE);
	if (__builtin_mul_overflow(nruns, (unsigned long long)(stride * sizeof(atomic_ullong)), &bytes) ||
	    __builtin_add_overflow(bytes, head, &bytes) || bytes > SIZE_MAX ||
	    posix_memalign(&block, BEAT_CACHELINE, (size_t)bytes) != 0)
		beat_fatal("out of memory (doacross state for %llu runs)", nruns);
	memset(block, 0, (size_t)bytes);
	d = block;
	d->ncounts = ncounts;
	d->kind = kind;
	d->chunk = chunk;
	d->nthreads = nthreads;
	d->stride = stride;
	d->runs = (atomic_ullong *)((char *)block + head);
	memcpy(d->counts, counts, ncounts * sizeof(unsigned long long));
	return d;
}

/* The flattened number of iteration iter; false when it lies outside the
 * nest's iteration space. */
static bool flatten(const struct doacross *d, const unsigned long long *iter,
		    unsigned long long *flat)
{
	unsigned long long f = iter[0];

	for (unsigned i = 1; i < d->ncounts; i++) {
		if (iter[i] >= d->counts[i])
			return false;
		f = f * d->counts[i] + iter[i];
	}
	*flat = f;
	return true;
}

/* ---------------------------------------------------------------- rt.h */

void beat_doacross_release(struct beat_ws *ws)
{
	struct doacross *d = ws->doacross;

	if (d == NULL)
		return;
	if (atomic_fetch_sub_explicit(&d->users, 1, memory_order_acq_rel) == 1) {
		ws->doacross = NULL;
		free(d);
	}
}

/* --------------------------------------------------------------- abi.h */

void beat_doacross_init(struct beat_ws *ws, unsigned ncounts,
			const unsigned long long *counts)
{
	unsigned long long nthreads = beat_member_self()->team->nthreads, total;
	struct doacross *d;

	ws->doacross = NULL;
	if (nthreads == 1 || ncounts == 0)
		return;
	if (!nest_size(ncounts, counts, &total))
		beat_unsupported("doacross loop nest of 2^64 or more iterations");
	if (total == 0)
		return; /* no iteration: nothing is posted or waited for */
	d = doacross_alloc(ncounts, ws->sched, ws->chunk, nthreads, counts);
	if (d->kind == BEAT_SCHED_STATIC && d->chunk == 0) {
		d->q = counts[0] / nthreads;
		d->extra = counts[0] % nthreads;
		d->boundary = d->extra * (d->q + 1);
	}
	atomic_init(&d->users, (unsigned)nthreads);
	ws->doacross = d;
}

unsigned beat_doacross_depth(void)
{
	struct doacross *d = current();

	return d != NULL ? d->ncounts : 0;
}

void beat_doacross_post(const unsigned long long *iter)
{
	struct doacross *d = current();
	unsigned long long flat;
	atomic_ullong *c;

	if (d == NULL) {
		atomic_thread_fence(memory_order_seq_cst);
		return;
	}
	if (iter[0] >= d->counts[0])
		return;
	flat = iter[0];
	for (unsigned i = 1; i < d->ncounts; i++)
		flat = flat * d->counts[i] + iter[i];
	c = run_counter(d, iter[0]);
	if (atomic_load_explicit(c, memory_order_relaxed) <= flat) {
		atomic_store_explicit(c, flat + 1, memory_order_release);
		beat_word_wake(c, BEAT_WORD_ANY, &d->sleepers);
	} else {
		atomic_thread_fence(memory_order_release);
	}
}

void beat_doacross_wait(const unsigned long long *iter)
{
	struct beat_member *m = beat_member_self();
	struct doacross *d = current();
	struct beat_word_waiter w = { 0 };
	unsigned long long flat, seen;
	atomic_ullong *c;

	if (d == NULL || iter[0] >= d->counts[0]) {
		atomic_thread_fence(memory_order_seq_cst);
		return;
	}
	if (!flatten(d, iter, &flat))
		return; /* the sink is outside the iteration space */
	c = run_counter(d, iter[0]);
	while ((seen = atomic_load_explicit(c, memory_order_acquire)) <= flat) {
		if (beat_ws_cancelled(m, m->ws))
			return;
		beat_word_wait_step(&w, c, seen, BEAT_WORD_ANY, &d->sleepers);
	}
}
