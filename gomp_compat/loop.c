/* loop.c: worksharing loops over `long` iterations (GOMP_loop_*), the
 * combined parallel loops and the schedule engine every loop shares.
 *
 * A loop is entered through a worksharing slot (beat_ws_enter); the first
 * member to arrive counts the loop's logical iterations and publishes the
 * schedule. Chunks are then taken in logical numbers (see worksharing.h):
 *  - static: computed by each member alone from its id, the team size and
 *    m->static_trip (chunks already taken), as the OpenMP spec fixes it:
 *    without a chunk size one contiguous block per member (the first
 *    niters % nthreads members get one more), with one round-robin chunks;
 *  - dynamic: one atomic fetch_add on the logical cursor ws->unext, or a
 *    compare-and-swap loop where fetch_add could wrap the cursor around;
 *  - guided: compare-and-swap, each chunk the remaining iterations divided
 *    by the team size, never below the chunk size.
 * The last chunk of a loop ends at the loop's own end value, so no end is
 * ever computed past the type's range. */
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "task_reduction.h"
#include "worksharing.h"

/* Waiting (beat_wsc_wait_step): polls at most, then sleeps this long. */
#define WSC_SPIN_CAP 20000UL
#define WSC_SLEEP_NS 1000000L

/* GOMP_loop_start's `mem` block: ws->mem is the malloc'd address (so the
 * core may free it as well) and starts with this header; the caller's
 * zeroed bytes follow one cache line in. */
struct wsc_mem_head {
	atomic_uint users; /* members that have not ended the construct */
};
#define WSC_MEM_HEADER BEAT_CACHELINE

/* ------------------------------------------------------------ helpers */

static unsigned long long min_ull(unsigned long long a, unsigned long long b)
{
	return a < b ? a : b;
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

static unsigned long long span_end(const struct beat_span *s)
{
	return s->first + s->len;
}

static void mem_release(struct beat_ws *ws)
{
	struct wsc_mem_head *head = ws->mem;

	if (head == NULL)
		return;
	if (atomic_fetch_sub_explicit(&head->users, 1, memory_order_acq_rel) == 1) {
		ws->mem = NULL;
		free(head);
	}
}

/* ------------------------------------------------------------ schedules */

static bool take_static_blocked(struct beat_member *m, struct beat_ws *ws,
				struct beat_span *s)
{
	unsigned long long nth = m->team->nthreads;
	unsigned long long id = m->id;
	unsigned long long q = ws->niters / nth;
	unsigned long long extra = ws->niters % nth;

	m->static_trip = BEAT_STATIC_DONE;
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
				struct beat_span *s)
{
	unsigned long long nth = m->team->nthreads;
	unsigned long long index, first;

	if (__builtin_mul_overflow(m->static_trip, nth, &index) ||
	    __builtin_add_overflow(index, (unsigned long long)m->id, &index) ||
	    __builtin_mul_overflow(index, ws->uchunk, &first) ||
	    first >= ws->niters) {
		m->static_trip = BEAT_STATIC_DONE;
		return false;
	}
	s->first = first;
	s->len = min_ull(ws->uchunk, ws->niters - first);
	m->static_trip++;
	return true;
}

static bool take_static(struct beat_member *m, struct beat_ws *ws,
			struct beat_span *s)
{
	if (m->static_trip == BEAT_STATIC_DONE)
		return false;
	if (ws->uchunk == 0)
		return take_static_blocked(m, ws, s);
	return take_static_chunked(m, ws, s);
}

/* fetch_add may overshoot the cursor by a chunk per member; it is only
 * used where that cannot wrap around. */
static bool dynamic_may_add(const struct beat_ws *ws, unsigned nthreads)
{
	return ws->niters <= (1ULL << 62) && ws->uchunk <= (1ULL << 30) &&
	       nthreads < (1U << 30);
}

static bool take_dynamic(struct beat_member *m, struct beat_ws *ws,
			 struct beat_span *s)
{
	unsigned long long n = ws->niters, c = ws->uchunk, first;

	if (BEAT_LIKELY(dynamic_may_add(ws, m->team->nthreads))) {
		first = atomic_fetch_add_explicit(&ws->unext, c, memory_order_relaxed);
		if (first >= n)
			return false;
	} else {
		first = atomic_load_explicit(&ws->unext, memory_order_relaxed);
		do {
			if (first >= n)
				return false;
		} while (!atomic_compare_exchange_weak_explicit(
			&ws->unext, &first, first + min_ull(c, n - first),
			memory_order_relaxed, memory_order_relaxed));
	}
	s->first = first;
	s->len = min_ull(c, n - first);
	return true;
}

static unsigned long long guided_len(unsigned long long left,
				     unsigned long long nth,
				     unsigned long long chunk)
{
	unsigned long long q = left / nth + (left % nth != 0);

	if (q < chunk)
		q = chunk;
	return min_ull(q, left);
}

static bool take_guided(struct beat_member *m, struct beat_ws *ws,
			struct beat_span *s)
{
	unsigned long long n = ws->niters, nth = m->team->nthreads, first, len;

	first = atomic_load_explicit(&ws->unext, memory_order_relaxed);
	do {
		if (first >= n)
			return false;
		len = guided_len(n - first, nth, ws->uchunk);
	} while (!atomic_compare_exchange_weak_explicit(
		&ws->unext, &first, first + len, memory_order_relaxed,
		memory_order_relaxed));
	s->first = first;
	s->len = len;
	return true;
}

/* -------------------------------------------------- engine (worksharing.h) */

const struct beat_icv *beat_wsc_icv(void)
{
	struct beat_thread *t = beat_self();

	if (t->task != NULL)
		return &t->task->icv;
	return &t->m->itask.icv;
}

unsigned long long beat_wsc_chunk(int kind, unsigned long long chunk)
{
	if (kind != BEAT_SCHED_STATIC && chunk == 0)
		return 1;
	return chunk;
}

void beat_wsc_runtime_sched(int *kind, unsigned long long *chunk)
{
	const struct beat_icv *icv = beat_wsc_icv();
	int k = (int)(icv->sched_kind & ~BEAT_SCHED_MONOTONIC);
	unsigned long long c = icv->sched_chunk > 0 ? (unsigned long long)icv->sched_chunk : 0;

	switch (k) {
	case BEAT_SCHED_STATIC:
	case BEAT_SCHED_DYNAMIC:
	case BEAT_SCHED_GUIDED:
		*kind = k;
		*chunk = beat_wsc_chunk(k, c);
		return;
	default: /* auto, and anything unknown, is a blocked static schedule */
		*kind = BEAT_SCHED_STATIC;
		*chunk = 0;
		return;
	}
}

int beat_wsc_decode_sched(long code, unsigned long long *chunk)
{
	int kind = (int)((unsigned long)code & ~BEAT_SCHED_MONOTONIC);

	switch (kind) {
	case BEAT_SCHED_STATIC:
	case BEAT_SCHED_DYNAMIC:
	case BEAT_SCHED_GUIDED:
		*chunk = beat_wsc_chunk(kind, *chunk);
		return kind;
	case BEAT_SCHED_RUNTIME: /* schedule(runtime) */
	case BEAT_SCHED_AUTO:    /* schedule(nonmonotonic: runtime) */
		beat_wsc_runtime_sched(&kind, chunk);
		return kind;
	default:
		beat_fatal("unknown loop schedule code %#lx", (unsigned long)code);
	}
}

struct beat_ws *beat_wsc_enter(struct beat_member *m, bool *first)
{
	struct beat_ws *ws = beat_ws_enter(m, first);

	m->ws = ws;
	m->static_trip = 0;
	m->ord_start = 0;
	m->ord_len = 0;
	return ws;
}

void beat_wsc_setup(struct beat_ws *ws, unsigned long long niters, int kind,
		    unsigned long long chunk)
{
	ws->niters = niters;
	ws->sched = kind;
	ws->uchunk = beat_wsc_chunk(kind, chunk);
	ws->doacross = NULL;
	ws->mem = NULL;
	atomic_store_explicit(&ws->unext, 0, memory_order_relaxed);
	atomic_store_explicit(&ws->next, 0, memory_order_relaxed); /* ordered.c's sleepers */
	atomic_store_explicit(&ws->ord_next, 0, memory_order_relaxed);
	atomic_store_explicit(&ws->cancelled, 0, memory_order_relaxed);
}

bool beat_wsc_cancelled(struct beat_member *m, struct beat_ws *ws)
{
	return atomic_load_explicit(&ws->cancelled, memory_order_relaxed) ||
	       atomic_load_explicit(&m->team->cancelled, memory_order_relaxed);
}

bool beat_wsc_take(struct beat_member *m, bool ordered, struct beat_span *s)
{
	struct beat_ws *ws = m->ws;
	bool got;

	if (m->ord_len != 0)
		beat_ordered_pass(m);
	if (BEAT_UNLIKELY(beat_wsc_cancelled(m, ws)))
		return false;
	switch (ws->sched) {
	case BEAT_SCHED_STATIC:
		got = take_static(m, ws, s);
		break;
	case BEAT_SCHED_DYNAMIC:
		got = take_dynamic(m, ws, s);
		break;
	case BEAT_SCHED_GUIDED:
		got = take_guided(m, ws, s);
		break;
	default:
		beat_fatal("worksharing slot with unknown schedule %d", ws->sched);
	}
	if (got && ordered) {
		m->ord_start = s->first;
		m->ord_len = s->len;
	}
	return got;
}

bool beat_wsc_end(struct beat_member *m, bool wait)
{
	struct beat_ws *ws = m->ws;
	bool cancelled = false;

	if (m->ord_len != 0)
		beat_ordered_pass(m);
	if (wait)
		cancelled = beat_barrier(m);
	if (ws != NULL) {
		mem_release(ws);
		beat_doacross_release(ws);
	}
	beat_ws_leave(m);
	return cancelled;
}

void beat_wsc_mem_create(struct beat_member *m, struct beat_ws *ws, void **mem)
{
	size_t size = (uintptr_t)*mem;
	struct wsc_mem_head *head;
	void *block;

	if (size > SIZE_MAX - WSC_MEM_HEADER ||
	    posix_memalign(&block, BEAT_CACHELINE, WSC_MEM_HEADER + size) != 0)
		beat_fatal("out of memory (%zu bytes for a worksharing construct)", size);
	memset(block, 0, WSC_MEM_HEADER + size);
	head = block;
	atomic_init(&head->users, m->team->nthreads);
	ws->mem = block;
	*mem = (char *)block + WSC_MEM_HEADER;
}

void beat_wsc_task_reductions(struct beat_ws *ws, bool first, uintptr_t *reductions)
{
	if (first) {
		beat_workshare_reductions_register(reductions, NULL);
		ws->task_reductions = reductions;
	} else {
		beat_workshare_reductions_register(reductions, ws->task_reductions);
	}
}

void beat_wsc_attach(struct beat_member *m, struct beat_ws *ws, bool first,
		     uintptr_t *reductions, void **mem)
{
	if (reductions != NULL)
		beat_wsc_task_reductions(ws, first, reductions);
	if (mem != NULL) {
		if (first)
			beat_wsc_mem_create(m, ws, mem);
		else
			beat_wsc_mem_get(ws, mem);
	}
	if (first)
		beat_ws_publish(ws);
}

void beat_wsc_mem_get(struct beat_ws *ws, void **mem)
{
	*mem = (char *)ws->mem + WSC_MEM_HEADER;
}

/* The half of a 64-bit word a futex can watch: its low 32 bits. */
static unsigned *low_half(atomic_ullong *word)
{
	char *p = (char *)word;

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	p += sizeof(unsigned long long) - sizeof(unsigned);
#endif
	return (unsigned *)p;
}

/* Sleeps while *addr == expected, at most WSC_SLEEP_NS, woken only by
 * wakes whose bitset meets `bits`. */
static void futex_wait_briefly(unsigned *addr, unsigned expected, unsigned bits)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += WSC_SLEEP_NS;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_nsec -= 1000000000L;
		until.tv_sec++;
	}
	syscall(SYS_futex, addr, FUTEX_WAIT_BITSET_PRIVATE, expected, &until, NULL, bits);
}

void beat_wsc_wait_step(struct beat_wsc_waiter *w, atomic_ullong *word,
			unsigned long long seen, unsigned bits,
			atomic_long *sleepers)
{
	unsigned long cap = beat_spin_limit();

	if (w->spins < (cap < WSC_SPIN_CAP ? cap : WSC_SPIN_CAP)) {
		w->spins++;
		beat_cpu_relax();
		return;
	}
	/* Registered before the last look, so the mover sees us or we see it. */
	atomic_fetch_add_explicit(sleepers, 1, memory_order_seq_cst);
	if (atomic_load_explicit(word, memory_order_seq_cst) == seen)
		futex_wait_briefly(low_half(word), (unsigned)seen, bits);
	atomic_fetch_sub_explicit(sleepers, 1, memory_order_relaxed);
}

void beat_wsc_wake(atomic_ullong *word, unsigned bits, atomic_long *sleepers)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(sleepers, memory_order_relaxed) != 0)
		syscall(SYS_futex, low_half(word), FUTEX_WAKE_BITSET_PRIVATE, INT_MAX,
			NULL, NULL, bits);
}

/* ---------------------------------------------------------- signed loops */

void beat_wsc_long_setup(struct beat_ws *ws, long start, long end, long incr,
			 int kind, unsigned long long chunk)
{
	ws->is_ull = false;
	ws->start = start;
	ws->end = end;
	ws->incr = incr;
	ws->chunk = (long)chunk;
	beat_wsc_setup(ws, long_niters(start, end, incr), kind, chunk);
}

static long long_value(const struct beat_ws *ws, unsigned long long k)
{
	return (long)((unsigned long)ws->start + (unsigned long)k * (unsigned long)ws->incr);
}

bool beat_wsc_long_next(bool ordered, long *istart, long *iend)
{
	struct beat_member *m = beat_member_self();
	struct beat_span s;

	if (!beat_wsc_take(m, ordered, &s))
		return false;
	*istart = long_value(m->ws, s.first);
	*iend = span_end(&s) == m->ws->niters ? m->ws->end : long_value(m->ws, span_end(&s));
	return true;
}

/* A chunk size as the long entry points pass it (<= 0: none given). */
static unsigned long long long_chunk(long chunk)
{
	return chunk > 0 ? (unsigned long long)chunk : 0;
}

static bool long_start(long start, long end, long incr, int kind,
		       unsigned long long chunk, bool ordered, long *istart,
		       long *iend)
{
	struct beat_member *m = beat_member_self();
	bool first;
	struct beat_ws *ws = beat_wsc_enter(m, &first);

	if (first) {
		beat_wsc_long_setup(ws, start, end, incr, kind, chunk);
		beat_ws_publish(ws);
	}
	return beat_wsc_long_next(ordered, istart, iend);
}

static bool long_runtime_start(long start, long end, long incr, bool ordered,
			       long *istart, long *iend)
{
	int kind;
	unsigned long long chunk;

	beat_wsc_runtime_sched(&kind, &chunk);
	return long_start(start, end, incr, kind, chunk, ordered, istart, iend);
}

/* GOMP_loop_start and GOMP_loop_ordered_start: the schedule comes as a
 * code, `reductions` are task reductions (the compiled code closes them
 * with GOMP_workshare_task_reduction_unregister), `mem` asks for a zeroed
 * team-shared block, istart may be NULL. */
static bool long_start_coded(long start, long end, long incr, long sched,
			     long chunk_size, bool ordered, long *istart,
			     long *iend, uintptr_t *reductions, void **mem)
{
	struct beat_member *m = beat_member_self();
	bool first;
	struct beat_ws *ws;

	ws = beat_wsc_enter(m, &first);
	if (first) {
		unsigned long long chunk = long_chunk(chunk_size);
		int kind = beat_wsc_decode_sched(sched, &chunk);

		beat_wsc_long_setup(ws, start, end, incr, kind, chunk);
	}
	beat_wsc_attach(m, ws, first, reductions, mem);
	if (istart == NULL)
		return true;
	return beat_wsc_long_next(ordered, istart, iend);
}

/* -------------------------------------------------- combined parallel loops */

/* Enters the combined construct's loop; returns the member's construct
 * count, to recognise the slot after fn has run. */
static unsigned long par_enter(const struct beat_wsc_par *p)
{
	struct beat_member *m = beat_member_self();
	bool first;
	struct beat_ws *ws = beat_wsc_enter(m, &first);

	if (first) {
		beat_wsc_long_setup(ws, p->start, p->end, p->incr, p->kind, p->chunk);
		beat_ws_publish(ws);
	}
	return m->ws_index;
}

/* GCC's code for a combined static loop (GOMP_parallel_loop_static, which
 * it also emits for schedule(auto)) computes its own chunks and never ends
 * the loop; leave the slot for it, or the slot would stay taken. */
static void par_finish(unsigned long entered)
{
	struct beat_member *m = beat_member_self();

	if (m->ws != NULL && m->ws_index == entered)
		beat_wsc_end(m, false);
}

static void par_body(void *arg)
{
	const struct beat_wsc_par *p = arg;
	unsigned long entered = par_enter(p);

	p->fn(p->data);
	par_finish(entered);
}

/* Split form: the closure lives on the heap until every member entered. */
static void par_drop(struct beat_wsc_par *p)
{
	if (atomic_fetch_sub_explicit(&p->users, 1, memory_order_acq_rel) == 1)
		free(p);
}

static void par_body_split(void *arg)
{
	struct beat_wsc_par *p = arg;
	void (*fn)(void *) = p->fn;
	void *data = p->data;
	unsigned long entered = par_enter(p);

	par_drop(p);
	fn(data);
	par_finish(entered);
}

void beat_wsc_parallel(const struct beat_wsc_par *p, unsigned num_threads,
		       unsigned flags)
{
	unsigned n = beat_team_size_for(beat_self(), num_threads, true);

	beat_parallel(par_body, (void *)p, n, (int)(flags & 7));
}

void beat_wsc_parallel_start(const struct beat_wsc_par *p, unsigned num_threads)
{
	unsigned n = beat_team_size_for(beat_self(), num_threads, true);
	struct beat_wsc_par *heap = malloc(sizeof(*heap));

	if (heap == NULL)
		beat_fatal("out of memory (combined parallel worksharing)");
	*heap = *p;
	atomic_init(&heap->users, n);
	beat_parallel_start(par_body_split, heap, n, 0);
	/* The master now sits in the new team; GCC's code calls fn itself and
	 * then GOMP_parallel_end, so a static loop that fn never ends keeps
	 * the master's slot until the team goes. */
	par_enter(heap);
	par_drop(heap);
}

static void parallel_loop(void (*fn)(void *), void *data, unsigned num_threads,
			  long start, long end, long incr, int kind,
			  unsigned long long chunk, unsigned flags)
{
	struct beat_wsc_par p = {
		.fn = fn, .data = data, .start = start, .end = end, .incr = incr,
		.kind = kind, .chunk = chunk,
	};

	beat_wsc_parallel(&p, num_threads, flags);
}

static void parallel_loop_start(void (*fn)(void *), void *data,
				unsigned num_threads, long start, long end,
				long incr, int kind, unsigned long long chunk)
{
	struct beat_wsc_par p = {
		.fn = fn, .data = data, .start = start, .end = end, .incr = incr,
		.kind = kind, .chunk = chunk,
	};

	beat_wsc_parallel_start(&p, num_threads);
}

/* ---------------------------------------------------------- ABI: start */

BEAT_EXPORT bool GOMP_loop_static_start(long start, long end, long incr,
					long chunk_size, long *istart, long *iend)
{
	return long_start(start, end, incr, BEAT_SCHED_STATIC,
			  long_chunk(chunk_size), false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_dynamic_start(long start, long end, long incr,
					 long chunk_size, long *istart, long *iend)
{
	return long_start(start, end, incr, BEAT_SCHED_DYNAMIC,
			  long_chunk(chunk_size), false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_guided_start(long start, long end, long incr,
					long chunk_size, long *istart, long *iend)
{
	return long_start(start, end, incr, BEAT_SCHED_GUIDED,
			  long_chunk(chunk_size), false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_runtime_start(long start, long end, long incr,
					 long *istart, long *iend)
{
	return long_runtime_start(start, end, incr, false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_nonmonotonic_dynamic_start(long start, long end,
						      long incr, long chunk_size,
						      long *istart, long *iend)
{
	return GOMP_loop_dynamic_start(start, end, incr, chunk_size, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_nonmonotonic_guided_start(long start, long end,
						     long incr, long chunk_size,
						     long *istart, long *iend)
{
	return GOMP_loop_guided_start(start, end, incr, chunk_size, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_nonmonotonic_runtime_start(long start, long end,
						      long incr, long *istart,
						      long *iend)
{
	return long_runtime_start(start, end, incr, false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_maybe_nonmonotonic_runtime_start(long start, long end,
							    long incr,
							    long *istart,
							    long *iend)
{
	return long_runtime_start(start, end, incr, false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_static_start(long start, long end, long incr,
						long chunk_size, long *istart,
						long *iend)
{
	return long_start(start, end, incr, BEAT_SCHED_STATIC,
			  long_chunk(chunk_size), true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_dynamic_start(long start, long end, long incr,
						 long chunk_size, long *istart,
						 long *iend)
{
	return long_start(start, end, incr, BEAT_SCHED_DYNAMIC,
			  long_chunk(chunk_size), true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_guided_start(long start, long end, long incr,
						long chunk_size, long *istart,
						long *iend)
{
	return long_start(start, end, incr, BEAT_SCHED_GUIDED,
			  long_chunk(chunk_size), true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_runtime_start(long start, long end, long incr,
						 long *istart, long *iend)
{
	return long_runtime_start(start, end, incr, true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_start(long start, long end, long incr, long sched,
				 long chunk_size, long *istart, long *iend,
				 uintptr_t *reductions, void **mem)
{
	return long_start_coded(start, end, incr, sched, chunk_size, false,
				istart, iend, reductions, mem);
}

BEAT_EXPORT bool GOMP_loop_ordered_start(long start, long end, long incr,
					 long sched, long chunk_size,
					 long *istart, long *iend,
					 uintptr_t *reductions, void **mem)
{
	return long_start_coded(start, end, incr, sched, chunk_size, true,
				istart, iend, reductions, mem);
}

/* ----------------------------------------------------------- ABI: next */

/* Every next entry hands out chunks by the schedule the slot was set up
 * with, whatever its name says (GCC pairs them consistently anyway). */

BEAT_EXPORT bool GOMP_loop_static_next(long *istart, long *iend)
{
	return beat_wsc_long_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_dynamic_next(long *istart, long *iend)
{
	return beat_wsc_long_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_guided_next(long *istart, long *iend)
{
	return beat_wsc_long_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_runtime_next(long *istart, long *iend)
{
	return beat_wsc_long_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_nonmonotonic_dynamic_next(long *istart, long *iend)
{
	return beat_wsc_long_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_nonmonotonic_guided_next(long *istart, long *iend)
{
	return beat_wsc_long_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_nonmonotonic_runtime_next(long *istart, long *iend)
{
	return beat_wsc_long_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_maybe_nonmonotonic_runtime_next(long *istart,
							   long *iend)
{
	return beat_wsc_long_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_static_next(long *istart, long *iend)
{
	return beat_wsc_long_next(true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_dynamic_next(long *istart, long *iend)
{
	return beat_wsc_long_next(true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_guided_next(long *istart, long *iend)
{
	return beat_wsc_long_next(true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_runtime_next(long *istart, long *iend)
{
	return beat_wsc_long_next(true, istart, iend);
}

/* ------------------------------------------------------------ ABI: end */

BEAT_EXPORT void GOMP_loop_end(void)
{
	beat_wsc_end(beat_member_self(), true);
}

BEAT_EXPORT void GOMP_loop_end_nowait(void)
{
	beat_wsc_end(beat_member_self(), false);
}

BEAT_EXPORT bool GOMP_loop_end_cancel(void)
{
	return beat_wsc_end(beat_member_self(), true);
}

/* ----------------------------------------------- ABI: combined parallel */

BEAT_EXPORT void GOMP_parallel_loop_static(void (*fn)(void *), void *data,
					   unsigned num_threads, long start,
					   long end, long incr, long chunk_size,
					   unsigned flags)
{
	parallel_loop(fn, data, num_threads, start, end, incr, BEAT_SCHED_STATIC,
		      long_chunk(chunk_size), flags);
}

BEAT_EXPORT void GOMP_parallel_loop_dynamic(void (*fn)(void *), void *data,
					    unsigned num_threads, long start,
					    long end, long incr, long chunk_size,
					    unsigned flags)
{
	parallel_loop(fn, data, num_threads, start, end, incr, BEAT_SCHED_DYNAMIC,
		      long_chunk(chunk_size), flags);
}

BEAT_EXPORT void GOMP_parallel_loop_guided(void (*fn)(void *), void *data,
					   unsigned num_threads, long start,
					   long end, long incr, long chunk_size,
					   unsigned flags)
{
	parallel_loop(fn, data, num_threads, start, end, incr, BEAT_SCHED_GUIDED,
		      long_chunk(chunk_size), flags);
}

BEAT_EXPORT void GOMP_parallel_loop_runtime(void (*fn)(void *), void *data,
					    unsigned num_threads, long start,
					    long end, long incr, unsigned flags)
{
	int kind;
	unsigned long long chunk;

	beat_wsc_runtime_sched(&kind, &chunk);
	parallel_loop(fn, data, num_threads, start, end, incr, kind, chunk, flags);
}

BEAT_EXPORT void GOMP_parallel_loop_nonmonotonic_dynamic(void (*fn)(void *),
							 void *data,
							 unsigned num_threads,
							 long start, long end,
							 long incr,
							 long chunk_size,
							 unsigned flags)
{
	GOMP_parallel_loop_dynamic(fn, data, num_threads, start, end, incr,
				   chunk_size, flags);
}

BEAT_EXPORT void GOMP_parallel_loop_nonmonotonic_guided(void (*fn)(void *),
							void *data,
							unsigned num_threads,
							long start, long end,
							long incr, long chunk_size,
							unsigned flags)
{
	GOMP_parallel_loop_guided(fn, data, num_threads, start, end, incr,
				  chunk_size, flags);
}

BEAT_EXPORT void GOMP_parallel_loop_nonmonotonic_runtime(void (*fn)(void *),
							 void *data,
							 unsigned num_threads,
							 long start, long end,
							 long incr,
							 unsigned flags)
{
	GOMP_parallel_loop_runtime(fn, data, num_threads, start, end, incr, flags);
}

BEAT_EXPORT void GOMP_parallel_loop_maybe_nonmonotonic_runtime(
	void (*fn)(void *), void *data, unsigned num_threads, long start,
	long end, long incr, unsigned flags)
{
	GOMP_parallel_loop_runtime(fn, data, num_threads, start, end, incr, flags);
}

BEAT_EXPORT void GOMP_parallel_loop_static_start(void (*fn)(void *), void *data,
						 unsigned num_threads, long start,
						 long end, long incr,
						 long chunk_size)
{
	parallel_loop_start(fn, data, num_threads, start, end, incr,
			    BEAT_SCHED_STATIC, long_chunk(chunk_size));
}

BEAT_EXPORT void GOMP_parallel_loop_dynamic_start(void (*fn)(void *), void *data,
						  unsigned num_threads,
						  long start, long end,
						  long incr, long chunk_size)
{
	parallel_loop_start(fn, data, num_threads, start, end, incr,
			    BEAT_SCHED_DYNAMIC, long_chunk(chunk_size));
}

BEAT_EXPORT void GOMP_parallel_loop_guided_start(void (*fn)(void *), void *data,
						 unsigned num_threads, long start,
						 long end, long incr,
						 long chunk_size)
{
	parallel_loop_start(fn, data, num_threads, start, end, incr,
			    BEAT_SCHED_GUIDED, long_chunk(chunk_size));
}

BEAT_EXPORT void GOMP_parallel_loop_runtime_start(void (*fn)(void *), void *data,
						  unsigned num_threads,
						  long start, long end,
						  long incr)
{
	int kind;
	unsigned long long chunk;

	beat_wsc_runtime_sched(&kind, &chunk);
	parallel_loop_start(fn, data, num_threads, start, end, incr, kind, chunk);
}
