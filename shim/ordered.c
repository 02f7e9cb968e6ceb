/* ordered.c: the ordered region inside loops with the ordered clause.
 *
 * One token per loop, ws->ord_next: the first logical iteration allowed
 * into the ordered region. Chunks are handed out in logical iterations
 * (loop_sched.c), so a member holding [ord_start, ord_start + ord_len) may
 * enter once the token equals ord_start, and keeps it for its whole chunk.
 * When it has finished the chunk (its next chunk request or the end of the
 * loop) it waits for the token, if it never entered the region, and moves
 * it past the chunk; so chunks that skipped the region pass the token on
 * as well. Waiters spin a bounded time, then sleep on the token (see
 * beat_word_wait_step in rt.h for why they never sched_yield). The wake-up
 * goes only to the member waiting for the token's new value (a futex
 * bitset keyed by the value), not to every sleeper. */
#include "rt.h"

/* ------------------------------------------------------------ helpers */

/* The futex bitset of waiters for token value v (and of its wake-up). */
static unsigned token_bits(unsigned long long v)
{
	return 1U << (v % 32);
}

static void wait_for_token(struct beat_member *m, struct beat_ws *ws,
			   unsigned long long want)
{
	struct beat_word_waiter w = { 0 };
	unsigned long long seen;

	while ((seen = atomic_load_explicit(&ws->ord_next, memory_order_acquire)) != want) {
		if (beat_ws_cancelled(m, ws))
			return;
		beat_word_wait_step(&w, &ws->ord_next, seen, token_bits(want),
				    &ws->ord_sleepers);
	}
}

/* ---------------------------------------------------------------- rt.h */

void beat_ordered_pass(struct beat_member *m)
{
	struct beat_ws *ws = m->ws;
	unsigned long long next = m->ord_start + m->ord_len;

	if (m->ord_len == 0)
		return;
	wait_for_token(m, ws, m->ord_start);
	atomic_store_explicit(&ws->ord_next, next, memory_order_release);
	beat_word_wake(&ws->ord_next, token_bits(next), &ws->ord_sleepers);
	m->ord_len = 0;
}

/* --------------------------------------------------------------- abi.h */

void beat_ordered_enter(void)
{
	struct beat_member *m = beat_member_self();

	if (m->ws == NULL || m->ord_len == 0) {
		/* Orphaned or outside an ordered loop: nothing to wait for. */
		atomic_thread_fence(memory_order_seq_cst);
		return;
	}
	wait_for_token(m, m->ws, m->ord_start);
}
