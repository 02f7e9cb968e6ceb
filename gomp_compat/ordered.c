/* ordered.c: the ordered construct inside loops with the ordered clause
 * (GOMP_ordered_start / GOMP_ordered_end).
 *
 * One token per loop, ws->ord_next: the first logical iteration allowed
 * into the ordered region. Chunks are handed out in logical iterations
 * (loop.c), so a member holding [ord_start, ord_start + ord_len) may enter
 * once the token equals ord_start, and keeps it for its whole chunk. When
 * it has finished the chunk (its next *_next call or the loop's end) it
 * waits for the token, if it never entered the region, and moves it past
 * the chunk; so chunks that skipped the region pass the token on as well.
 * Waiters spin a bounded time, then sleep on the token (see
 * beat_wsc_wait_step in worksharing.h for why they never sched_yield).
 * The wake-up goes only to the member waiting for the token's new value
 * (a futex bitset keyed by the value), not to every sleeper. */
#include "worksharing.h"

/* ------------------------------------------------------------ helpers */

/* Waiters asleep on the token: the slot's `next` word, which the loop
 * engine does not use (its cursor is ws->unext). */
static atomic_long *token_sleepers(struct beat_ws *ws)
{
	return &ws->next;
}

/* The futex bitset of waiters for token value v (and of its wake-up). */
static unsigned token_bits(unsigned long long v)
{
	return 1U << (v % 32);
}

static void wait_for_token(struct beat_member *m, struct beat_ws *ws,
			   unsigned long long want)
{
	struct beat_wsc_waiter w = { 0 };
	unsigned long long seen;

	while ((seen = atomic_load_explicit(&ws->ord_next, memory_order_acquire)) != want) {
		if (beat_wsc_cancelled(m, ws))
			return;
		beat_wsc_wait_step(&w, &ws->ord_next, seen, token_bits(want),
				   token_sleepers(ws));
	}
}

/* ------------------------------------------------------- worksharing.h */

void beat_ordered_pass(struct beat_member *m)
{
	struct beat_ws *ws = m->ws;
	unsigned long long next = m->ord_start + m->ord_len;

	if (m->ord_len == 0)
		return;
	wait_for_token(m, ws, m->ord_start);
	atomic_store_explicit(&ws->ord_next, next, memory_order_release);
	beat_wsc_wake(&ws->ord_next, token_bits(next), token_sleepers(ws));
	m->ord_len = 0;
}

/* ---------------------------------------------------------------- ABI */

BEAT_EXPORT void GOMP_ordered_start(void)
{
	struct beat_member *m = beat_member_self();

	if (m->ws == NULL || m->ord_len == 0) {
		/* Orphaned or outside an ordered loop: nothing to wait for. */
		atomic_thread_fence(memory_order_seq_cst);
		return;
	}
	wait_for_token(m, m->ws, m->ord_start);
}

BEAT_EXPORT void GOMP_ordered_end(void)
{
	/* The token moves when the member's chunk is done (see above). */
}
