/* doacross.c: loops with ordered(n) and depend(sink/source) clauses
 * (GOMP_loop_doacross_*, GOMP_loop_ull_doacross_*, GOMP_doacross_*).
 *
 * GCC describes the ordered loop nest by the iteration count of each loop
 * (counts[0] is the work-shared loop's, which runs over 0 .. counts[0]-1)
 * and posts or waits for iterations by their logical numbers, outermost
 * first. An iteration's flattened number (row-major over the nest) orders
 * the iterations the way one thread runs them.
 *
 * Design: the work-shared loop's iterations are grouped into runs that
 * one member executes in order, whole nests included: a member's block
 * (static without chunk), a member's chunks (static with chunk), a chunk
 * (dynamic), an iteration (guided). Each run has one counter: one more
 * than the highest flattened number posted in it. Iteration x is done
 * once its run's counter exceeds x, since the run's member posts in
 * increasing order. Memory is one word per run (a cache line per member
 * for static), not per iteration. Waiters spin, then sleep on the
 * counter (beat_wsc_wait_step). Sinks outside the iteration space do not
 * wait; teams of one thread keep no state at all. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "worksharing.h"

struct doacross {
	atomic_uint users;              /* members that have not ended the loop */
	atomic_long sleepers;           /* waiters asleep on some counter */
	unsigned ncounts;
	int kind;                       /* BEAT_SCHED_* of the loop */
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
static unsigned long long run_count(int kind, unsigned long long chunk,
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

static struct doacross *doacross_alloc(unsigned ncounts, int kind,
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

/* Creates the doacross state of a fresh slot whose schedule is set up. */
static void doacross_create(struct beat_member *m, struct beat_ws *ws,
			    unsigned ncounts, const unsigned long long *counts)
{
	unsigned long long nthreads = m->team->nthreads, total;
	struct doacross *d;

	ws->doacross = NULL;
	if (nthreads == 1 || ncounts == 0)
		return;
	if (!nest_size(ncounts, counts, &total))
		beat_unsupported("doacross loop nest of 2^64 or more iterations");
	if (total == 0)
		return; /* no iteration: nothing is posted or waited for */
	d = doacross_alloc(ncounts, ws->sched, ws->uchunk, nthreads, counts);
	if (d->kind == BEAT_SCHED_STATIC && d->chunk == 0) {
		d->q = counts[0] / nthreads;
		d->extra = counts[0] % nthreads;
		d->boundary = d->extra * (d->q + 1);
	}
	atomic_init(&d->users, (unsigned)nthreads);
	ws->doacross = d;
}

static void post(struct doacross *d, unsigned long long i0, unsigned long long flat)
{
	atomic_ullong *c;

	if (i0 >= d->counts[0])
		return;
	c = run_counter(d, i0);
	if (atomic_load_explicit(c, memory_order_relaxed) <= flat) {
		atomic_store_explicit(c, flat + 1, memory_order_release);
		beat_wsc_wake(c, BEAT_WSC_ANY, &d->sleepers);
	} else {
		atomic_thread_fence(memory_order_release);
	}
}

static void wait_done(struct doacross *d, unsigned long long i0,
		      unsigned long long flat)
{
	struct beat_member *m = beat_member_self();
	atomic_ullong *c = run_counter(d, i0);
	struct beat_wsc_waiter w = { 0 };
	unsigned long long seen;

	while ((seen = atomic_load_explicit(c, memory_order_acquire)) <= flat) {
		if (beat_wsc_cancelled(m, m->ws))
			return;
		beat_wsc_wait_step(&w, c, seen, BEAT_WSC_ANY, &d->sleepers);
	}
}

static bool long_counts_copy(unsigned ncounts, const long *counts,
			     unsigned long long *out)
{
	for (unsigned i = 0; i < ncounts; i++) {
		if (counts[i] < 0)
			return false;
		out[i] = (unsigned long long)counts[i];
	}
	return true;
}

static bool long_doacross_start(unsigned ncounts, const long *counts, int kind,
				unsigned long long chunk, long *istart,
				long *iend, uintptr_t *reductions, void **mem)
{
	struct beat_member *m = beat_member_self();
	bool first;
	struct beat_ws *ws = beat_wsc_enter(m, &first);

	if (first) {
		unsigned long long ucounts[ncounts > 0 ? ncounts : 1];

		beat_wsc_long_setup(ws, 0, ncounts > 0 ? counts[0] : 0, 1, kind, chunk);
		if (long_counts_copy(ncounts, counts, ucounts))
			doacross_create(m, ws, ncounts, ucounts);
	}
	beat_wsc_attach(m, ws, first, reductions, mem);
	return beat_wsc_long_next(false, istart, iend);
}

static bool ull_doacross_start(unsigned ncounts, const unsigned long long *counts,
			       int kind, unsigned long long chunk,
			       unsigned long long *istart,
			       unsigned long long *iend, uintptr_t *reductions,
			       void **mem)
{
	struct beat_member *m = beat_member_self();
	bool first;
	struct beat_ws *ws = beat_wsc_enter(m, &first);

	if (first) {
		beat_wsc_ull_setup(ws, true, 0, ncounts > 0 ? counts[0] : 0, 1, kind, chunk);
		doacross_create(m, ws, ncounts, counts);
	}
	beat_wsc_attach(m, ws, first, reductions, mem);
	return beat_wsc_ull_next(false, istart, iend);
}

/* ------------------------------------------------------- worksharing.h */

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

/* ---------------------------------------------------- ABI: long loops */

BEAT_EXPORT bool GOMP_loop_doacross_static_start(unsigned ncounts, long *counts,
						 long chunk_size, long *istart,
						 long *iend)
{
	return long_doacross_start(ncounts, counts, BEAT_SCHED_STATIC,
				   chunk_size > 0 ? (unsigned long long)chunk_size : 0,
				   istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_doacross_dynamic_start(unsigned ncounts, long *counts,
						  long chunk_size, long *istart,
						  long *iend)
{
	return long_doacross_start(ncounts, counts, BEAT_SCHED_DYNAMIC,
				   chunk_size > 0 ? (unsigned long long)chunk_size : 0,
				   istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_doacross_guided_start(unsigned ncounts, long *counts,
						 long chunk_size, long *istart,
						 long *iend)
{
	return long_doacross_start(ncounts, counts, BEAT_SCHED_GUIDED,
				   chunk_size > 0 ? (unsigned long long)chunk_size : 0,
				   istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_doacross_runtime_start(unsigned ncounts, long *counts,
						  long *istart, long *iend)
{
	int kind;
	unsigned long long chunk;

	beat_wsc_runtime_sched(&kind, &chunk);
	return long_doacross_start(ncounts, counts, kind, chunk, istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_doacross_start(unsigned ncounts, long *counts,
					  long sched, long chunk_size,
					  long *istart, long *iend,
					  uintptr_t *reductions, void **mem)
{
	unsigned long long chunk = chunk_size > 0 ? (unsigned long long)chunk_size : 0;
	int kind;

	kind = beat_wsc_decode_sched(sched, &chunk);
	return long_doacross_start(ncounts, counts, kind, chunk, istart, iend,
				   reductions, mem);
}

BEAT_EXPORT void GOMP_doacross_post(long *counts)
{
	struct doacross *d = current();
	unsigned long long flat;

	if (d == NULL) {
		atomic_thread_fence(memory_order_seq_cst);
		return;
	}
	flat = (unsigned long long)counts[0];
	for (unsigned i = 1; i < d->ncounts; i++)
		flat = flat * d->counts[i] + (unsigned long long)counts[i];
	post(d, (unsigned long long)counts[0], flat);
}

BEAT_EXPORT void GOMP_doacross_wait(long first, ...)
{
	struct doacross *d = current();
	unsigned long long flat;
	va_list ap;

	if (d == NULL || first < 0 || (unsigned long long)first >= d->counts[0]) {
		atomic_thread_fence(memory_order_seq_cst);
		return;
	}
	flat = (unsigned long long)first;
	va_start(ap, first);
	for (unsigned i = 1; i < d->ncounts; i++) {
		long c = va_arg(ap, long);

		if (c < 0 || (unsigned long long)c >= d->counts[i]) {
			va_end(ap);
			return; /* the sink is outside the iteration space */
		}
		flat = flat * d->counts[i] + (unsigned long long)c;
	}
	va_end(ap);
	wait_done(d, (unsigned long long)first, flat);
}

/* ------------------------------------------ ABI: unsigned long long loops */

BEAT_EXPORT bool GOMP_loop_ull_doacross_static_start(unsigned ncounts,
						     unsigned long long *counts,
						     unsigned long long chunk_size,
						     unsigned long long *istart,
						     unsigned long long *iend)
{
	return ull_doacross_start(ncounts, counts, BEAT_SCHED_STATIC, chunk_size,
				  istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_ull_doacross_dynamic_start(unsigned ncounts,
						      unsigned long long *counts,
						      unsigned long long chunk_size,
						      unsigned long long *istart,
						      unsigned long long *iend)
{
	return ull_doacross_start(ncounts, counts, BEAT_SCHED_DYNAMIC, chunk_size,
				  istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_ull_doacross_guided_start(unsigned ncounts,
						     unsigned long long *counts,
						     unsigned long long chunk_size,
						     unsigned long long *istart,
						     unsigned long long *iend)
{
	return ull_doacross_start(ncounts, counts, BEAT_SCHED_GUIDED, chunk_size,
				  istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_ull_doacross_runtime_start(unsigned ncounts,
						      unsigned long long *counts,
						      unsigned long long *istart,
						      unsigned long long *iend)
{
	int kind;
	unsigned long long chunk;

	beat_wsc_runtime_sched(&kind, &chunk);
	return ull_doacross_start(ncounts, counts, kind, chunk, istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_ull_doacross_start(unsigned ncounts,
					      unsigned long long *counts,
					      long sched,
					      unsigned long long chunk_size,
					      unsigned long long *istart,
					      unsigned long long *iend,
					      uintptr_t *reductions, void **mem)
{
	unsigned long long chunk = chunk_size;
	int kind;

	kind = beat_wsc_decode_sched(sched, &chunk);
	return ull_doacross_start(ncounts, counts, kind, chunk, istart, iend,
				  reductions, mem);
}

BEAT_EXPORT void GOMP_doacross_ull_post(unsigned long long *counts)
{
	struct doacross *d = current();
	unsigned long long flat;

	if (d == NULL) {
		atomic_thread_fence(memory_order_seq_cst);
		return;
	}
	flat = counts[0];
	for (unsigned i = 1; i < d->ncounts; i++)
		flat = flat * d->counts[i] + counts[i];
	post(d, counts[0], flat);
}

BEAT_EXPORT void GOMP_doacross_ull_wait(unsigned long long first, ...)
{
	struct doacross *d = current();
	unsigned long long flat;
	va_list ap;

	if (d == NULL || first >= d->counts[0]) {
		atomic_thread_fence(memory_order_seq_cst);
		return;
	}
	flat = first;
	va_start(ap, first);
	for (unsigned i = 1; i < d->ncounts; i++) {
		unsigned long long c = va_arg(ap, unsigned long long);

		if (c >= d->counts[i]) {
			va_end(ap);
			return; /* the sink is outside the iteration space */
		}
		flat = flat * d->counts[i] + c;
	}
	va_end(ap);
	wait_done(d, first, flat);
}
