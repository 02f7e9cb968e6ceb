/* loop_sched.c: the loop schedule engine: deals the iterations of a
 * worksharing loop (or the sections of a sections construct) out to the
 * team's members in chunks, by the static, dynamic or guided schedule
 * (auto and runtime resolved to one of them).
 *
 * A loop is dealt in logical iterations [0, niters):
 *  - static: computed by each member alone from its id, the team size and
 *    m->static_trip (chunks already taken), as the OpenMP spec fixes it:
 *    without a chunk size one contiguous block per member (the first
 *    niters % nthreads members get one more), with one round-robin chunks;
 *  - dynamic: one atomic fetch_add on the cursor ws->next, or a
 *    compare-and-swap loop where fetch_add could wrap the cursor around;
 *  - guided: compare-and-swap, each chunk the remaining iterations divided
 *    by twice the team size, never below the chunk size (the factor is the
 *    implementation's to choose; see guided_len).
 * Ordered loops record the member's chunk for the ordered token
 * (ordered.c); doacross loops (doacross.c) group iterations by the same
 * schedule.
 *
 * A loop's values (of a `long`, or an `unsigned long long` counting up or
 * down) are kept as 64-bit words: logical iteration k has the value
 * start + k * incr modulo 2^64, right for both types and both directions
 * (a loop counting down by 3 has incr == -3 mod 2^64). The iteration count
 * comes from the distance and the step size, and the last chunk of a loop
 * ends at the loop's own end value, so no end is ever computed past the
 * type's range. Chunks go back to the ABI layer as values [istart, iend). */
#include "rt.h"

/* A run of logical iterations [first, first + len), len >= 1. */
struct span {
	unsigned long long first;
	unsigned long long len;
};

/* m->static_trip once the member has had its last static chunk. */
#define STATIC_DONE (~0ULL)

/* ------------------------------------------------------------ helpers */

static unsigned long long min_ull(unsigned long long a, unsigned long long b)
{
	return a < b ? a : b;
}

static bool take_static_blocked(struct beat_member *m, struct beat_ws *ws,
				struct span *s)
{
	unsigned long long nth = m->team->nthreads;
	unsigned long long id = m->id;
	unsigned long long q = ws->niters / nth;
	unsigned long long extra = ws->niters % nth;

	m->static_trip = STATIC_DONE;
	if (id < extra) {
		q++;
		extra = 0;
	}
	if (q == 0)
		return false;
	s->first = q * id + extra;
	s->len = q;
	return true;
}

static bool take_static_chunked(struct beat_member *m, struct beat_ws *ws,
				struct span *s)
{
	unsigned long long nth = m->team->nthreads;
	unsigned long long index, first;

	if (__builtin_mul_overflow(m->static_trip, nth, &index) ||
	    __builtin_add_overflow(index, (unsigned long long)m->id, &index) ||
	    __builtin_mul_overflow(index, ws->chunk, &first) ||
	    first >= ws->niters) {
		m->static_trip = STATIC_DONE;
		return false;
	}
	s->first = first;
	s->len = min_ull(ws->chunk, ws->niters - first);
	m->static_trip++;
	return true;
}

static bool take_static(struct beat_member *m, struct beat_ws *ws,
			struct span *s)
{
	if (m->static_trip == STATIC_DONE)
		return false;
	if (ws->chunk == 0)
		return take_static_blocked(m, ws, s);
	return take_static_chunked(m, ws, s);
}

/* fetch_add may overshoot the cursor by a chunk per member; it is only
 * used where that cannot wrap around. */
static bool dynamic_may_add(const struct beat_ws *ws, unsigned nthreads)
{
	return ws->niters <= (1ULL << 62) && ws->chunk <= (1ULL << 30) &&
	       nthreads < (1U << 30);
}

static bool take_dynamic(struct beat_member *m, struct beat_ws *ws,
			 struct span *s)
{
	unsigned long long n = ws->niters, c = ws->chunk, first;

	if (BEAT_LIKELY(dynamic_may_add(ws, m->team->nthreads))) {
		first = atomic_fetch_add_explicit(&ws->next, c, memory_order_relaxed);
		if (first >= n)
			return false;
	} else {
		first = atomic_load_explicit(&ws->next, memory_order_relaxed);
		do {
			if (first >= n)
				return false;
		} while (!atomic_compare_exchange_weak_explicit(
			&ws->next, &first, first + min_ull(c, n - first),
			memory_order_relaxed, memory_order_relaxed));
	}
	s->first = first;
	s->len = min_ull(c, n - first);
	return true;
}

/* A guided chunk: the remaining iterations over twice the team size
 * (libomp's factor), not over the team size (libgomp's): over the team size
 * the first of 2 members takes half of the loop, and where the costly
 * iterations come first the other waits for it. psi4's guided loop of DGEMM
 * calls over shell pairs (SCF, 2 threads): 95-98 ms per loop, 56-61 ms
 * with twice the team size (libomp 56). */
static unsigned long long guided_len(unsigned long long left,
				     unsigned long long nth,
				     unsigned long long chunk)
{
	unsigned long long parts = 2 * nth;
	unsigned long long q = left / parts + (left % parts != 0);

	if (q < chunk)
		q = chunk;
	return min_ull(q, left);
}

static bool take_guided(struct beat_member *m, struct beat_ws *ws,
			struct span *s)
{
	unsigned long long n = ws->niters, nth = m->team->nthreads, first, len;

	first = atomic_load_explicit(&ws->next, memory_order_relaxed);
	do {
		if (first >= n)
			return false;
		len = guided_len(n - first, nth, ws->chunk);
	} while (!atomic_compare_exchange_weak_explicit(
		&ws->next, &first, first + len, memory_order_relaxed,
		memory_order_relaxed));
	s->first = first;
	s->len = len;
	return true;
}

/* The chunk a schedule deals with: 0 means "one block per member" for
 * static, and "none given", that is 1, for the others. */
static unsigned long long sched_chunk(enum beat_sched kind, unsigned long long chunk)
{
	if (kind != BEAT_SCHED_STATIC && chunk == 0)
		return 1;
	return chunk;
}

/* The ICVs of the task the calling thread is executing. */
static const struct beat_icv *icv_self(void)
{
	struct beat_thread *t = beat_self();

	if (t->task != NULL)
		return &t->task->icv;
	return &t->m->itask.icv;
}

static void loop_setup(struct beat_ws *ws, unsigned long long niters,
		       enum beat_sched kind, unsigned long long chunk)
{
	if (kind == BEAT_SCHED_AUTO) {
		kind = BEAT_SCHED_STATIC;
		chunk = 0;
	}
	ws->niters = niters;
	ws->sched = kind;
	ws->chunk = sched_chunk(kind, chunk);
	ws->doacross = NULL;
	ws->mem = NULL;
	atomic_store_explicit(&ws->next, 0, memory_order_relaxed);
	atomic_store_explicit(&ws->ord_next, 0, memory_order_relaxed);
	atomic_store_explicit(&ws->ord_sleepers, 0, memory_order_relaxed);
	atomic_store_explicit(&ws->cancelled, 0, memory_order_relaxed);
}

/* Iterations of a loop that covers `span` values in steps of `step`. */
static unsigned long long count_steps(unsigned long long span,
				      unsigned long long step)
{
	return span / step + (span % step != 0);
}

static unsigned long long long_niters(long start, long end, long incr)
{
	if (incr > 0) {
		if (start >= end)
			return 0;
		return count_steps((unsigned long)end - (unsigned long)start,
				   (unsigned long)incr);
	}
	if (start <= end)
		return 0;
	return count_steps((unsigned long)start - (unsigned long)end,
			   -(unsigned long)incr);
}

static unsigned long long ull_niters(bool up, unsigned long long start,
				     unsigned long long end,
				     unsigned long long incr)
{
	if (up)
		return start >= end ? 0 : count_steps(end - start, incr);
	return start <= end ? 0 : count_steps(start - end, -incr);
}

static void loop_init(struct beat_ws *ws, unsigned long long start,
		      unsigned long long end, unsigned long long incr,
		      unsigned long long niters, enum beat_sched kind,
		      unsigned long long chunk)
{
	ws->start = start;
	ws->end = end;
	ws->incr = incr;
	loop_setup(ws, niters, kind, chunk);
}

/* A loop run by a team of one runs every iteration in order whatever its
 * chunks: what is left is one chunk, not an atomic operation per chunk
 * (schedule(dynamic) at 1 thread was 1.45x libomp). Not for sections, whose
 * chunks are the section numbers. */
static bool take_rest(struct beat_ws *ws, struct span *s)
{
	unsigned long long first = atomic_load_explicit(&ws->next, memory_order_relaxed);
	if (first >= ws->niters)
		return false;
	atomic_store_explicit(&ws->next, ws->niters, memory_order_relaxed);
	s->first = first;
	s->len = ws->niters - first;
	return true;
}

/* Hands member m its next chunk of its construct; false when none is left
 * (or the construct was cancelled). For ordered loops it first passes the
 * ordered token on past the chunk the member finished. loop: a loop,
 * not sections. */
static bool take_chunk(struct beat_member *m, bool ordered, bool loop, struct span *s)
{
	struct beat_ws *ws = m->ws;
	bool got;

	if (m->ord_len != 0)
		beat_ordered_pass(m);
	if (BEAT_UNLIKELY(beat_ws_cancelled(m, ws)))
		return false;
	switch (ws->sched) {
	case BEAT_SCHED_STATIC:
		got = take_static(m, ws, s);
		break;
	case BEAT_SCHED_DYNAMIC:
		if (loop && m->team->nthreads == 1)
			got = take_rest(ws, s);
		else
			got = take_dynamic(m, ws, s);
		break;
	case BEAT_SCHED_GUIDED:
		got = take_guided(m, ws, s);
		break;
	default:
		beat_fatal("worksharing slot with unknown schedule %d", (int)ws->sched);
	}
	if (got && ordered) {
		m->ord_start = s->first;
		m->ord_len = s->len;
	}
	return got;
}

/* The value of logical iteration k, and the end value of a chunk that
 * stops before logical iteration `stop`. */
static unsigned long long value_of(const struct beat_ws *ws, unsigned long long k)
{
	return ws->start + k * ws->incr;
}

static unsigned long long end_of(const struct beat_ws *ws, unsigned long long stop)
{
	return stop == ws->niters ? ws->end : value_of(ws, stop);
}

/* The member's next chunk as values [*first, *stop). */
static bool next_values(bool ordered, unsigned long long *first,
			unsigned long long *stop)
{
	struct beat_member *m = beat_member_self();
	struct span s;

	if (!take_chunk(m, ordered, true, &s))
		return false;
	*first = value_of(m->ws, s.first);
	*stop = end_of(m->ws, s.first + s.len);
	return true;
}

/* ------------------------------------------------------------- abi.h */

void beat_loop_runtime_sched(enum beat_sched *kind, unsigned long long *chunk)
{
	const struct beat_icv *icv = icv_self();
	unsigned k = icv->sched_kind & ~BEAT_SCHED_MONOTONIC;
	unsigned long long c = icv->sched_chunk > 0 ? (unsigned long long)icv->sched_chunk : 0;

	switch (k) {
	case BEAT_SCHED_STATIC:
	case BEAT_SCHED_DYNAMIC:
	case BEAT_SCHED_GUIDED:
		*kind = (enum beat_sched)k;
		*chunk = sched_chunk(*kind, c);
		return;
	default: /* auto, and anything unknown, is a blocked static schedule */
		*kind = BEAT_SCHED_STATIC;
		*chunk = 0;
		return;
	}
}

/* -------------------------------------------------- loops (abi.h) */

void beat_loop_init_long(struct beat_ws *ws, long start, long end, long incr,
			 enum beat_sched kind, unsigned long long chunk)
{
	loop_init(ws, (unsigned long long)start, (unsigned long long)end,
		  (unsigned long long)incr, long_niters(start, end, incr), kind, chunk);
}

void beat_loop_init_ull(struct beat_ws *ws, bool up, unsigned long long start,
			unsigned long long end, unsigned long long incr,
			enum beat_sched kind, unsigned long long chunk)
{
	loop_init(ws, start, end, incr, ull_niters(up, start, end, incr), kind, chunk);
}

bool beat_loop_next_long(bool ordered, long *istart, long *iend)
{
	unsigned long long first, stop;

	if (!next_values(ordered, &first, &stop))
		return false;
	*istart = (long)first;
	*iend = (long)stop;
	return true;
}

bool beat_loop_next_ull(bool ordered, unsigned long long *istart,
			unsigned long long *iend)
{
	return next_values(ordered, istart, iend);
}

bool beat_loop_start_long(long start, long end, long incr, enum beat_sched kind,
			  unsigned long long chunk, bool ordered, long *istart,
			  long *iend)
{
	bool first;
	struct beat_ws *ws = beat_ws_begin(&first);

	if (first) {
		beat_loop_init_long(ws, start, end, incr, kind, chunk);
		beat_ws_publish(ws);
	}
	return beat_loop_next_long(ordered, istart, iend);
}

bool beat_loop_start_ull(bool up, unsigned long long start, unsigned long long end,
			 unsigned long long incr, enum beat_sched kind,
			 unsigned long long chunk, bool ordered,
			 unsigned long long *istart, unsigned long long *iend)
{
	bool first;
	struct beat_ws *ws = beat_ws_begin(&first);

	if (first) {
		beat_loop_init_ull(ws, up, start, end, incr, kind, chunk);
		beat_ws_publish(ws);
	}
	return beat_loop_next_ull(ordered, istart, iend);
}

/* ----------------------------------------------- sections (abi.h) */

void beat_sections_init(struct beat_ws *ws, unsigned count)
{
	loop_init(ws, 0, count, 1, count, BEAT_SCHED_DYNAMIC, 1);
}

bool beat_sections_next(unsigned *index)
{
	struct span s;

	if (!take_chunk(beat_member_self(), false, false, &s))
		return false;
	*index = (unsigned)s.first;
	return true;
}

