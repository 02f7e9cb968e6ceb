/* loop_engine.c: the loop schedule engine through abi.h's loop section,
 * without the GOMP layer: every schedule deals each iteration of signed
 * and unsigned (up and down) loops exactly once, in teams of 1..5; ordered
 * regions run in iteration order; sections are dealt once each; one member
 * wins each single; doacross sinks wait for their source. */
#include "rt.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define N 600

struct check {
	atomic_int seen[N];
	atomic_long order;   /* next iteration the ordered region expects */
	atomic_int wins;
	atomic_int errors;
};

static struct check ck;
static const struct { enum beat_sched kind; unsigned long long chunk; } scheds[] = {
	{ BEAT_SCHED_STATIC, 0 }, { BEAT_SCHED_STATIC, 3 }, { BEAT_SCHED_DYNAMIC, 0 },
	{ BEAT_SCHED_DYNAMIC, 7 }, { BEAT_SCHED_GUIDED, 2 }, { BEAT_SCHED_AUTO, 0 },
};
#define NSCHEDS (sizeof scheds / sizeof scheds[0])

static void fail(void)
{
	atomic_fetch_add(&ck.errors, 1);
}

static void mark(long k)
{
	if (k < 0 || k >= N || atomic_fetch_add(&ck.seen[k], 1) != 0)
		fail();
}

/* A signed loop from -300 by 7 (iteration k has value -300 + 7k). */
static void signed_loop(size_t s)
{
	long from, to;
	bool more = beat_loop_start_long(-300, -300 + 7 * N - 6, 7, scheds[s].kind,
					 scheds[s].chunk, false, &from, &to);

	/* guided: no chunk over the remaining iterations divided by twice the
	 * team size (loop_sched.c), the first one included */
	long parts = 2L * beat_member_self()->team->nthreads;
	for (; more; more = beat_loop_next_long(false, &from, &to)) {
		if (scheds[s].kind == BEAT_SCHED_GUIDED && (to - from + 6) / 7 > (N + parts - 1) / parts)
			fail();
		for (long v = from; v < to; v += 7)
			mark((v + 300) / 7);
	}
	beat_ws_end(true);
}

/* An unsigned loop counting down from near the top of the range by 5. */
static void ull_down_loop(size_t s)
{
	const unsigned long long top = ULLONG_MAX - 2;
	unsigned long long from, to;
	bool more = beat_loop_start_ull(false, top, top - 5ULL * N, -5ULL, scheds[s].kind,
					scheds[s].chunk, false, &from, &to);

	for (; more; more = beat_loop_next_ull(false, &from, &to))
		for (unsigned long long v = from; v > to; v -= 5)
			mark((long)((top - v) / 5));
	beat_ws_end(false);
	beat_barrier(beat_member_self());
}

static void ordered_loop(size_t s)
{
	long from, to;
	bool more = beat_loop_start_long(0, N, 1, scheds[s].kind, scheds[s].chunk, true,
					 &from, &to);

	for (; more; more = beat_loop_next_long(true, &from, &to))
		for (long v = from; v < to; v++) {
			beat_ordered_enter();
			if (atomic_fetch_add(&ck.order, 1) != v)
				fail();
			mark(v);
		}
	beat_ws_end(true);
}

static void sections(void)
{
	bool first;
	struct beat_ws *ws = beat_ws_begin(&first);
	unsigned index;

	if (first) {
		beat_sections_init(ws, 40);
		beat_ws_publish(ws);
	}
	while (beat_sections_next(&index))
		mark(index);
	beat_ws_end(true);
}

/* 1-D doacross: iteration i waits for i - 1 and checks it is done. */
static void doacross(size_t s)
{
	unsigned long long counts[1] = { N };
	bool first;
	struct beat_ws *ws = beat_ws_begin(&first);
	long from, to;

	if (first) {
		beat_loop_init_long(ws, 0, N, 1, scheds[s].kind, scheds[s].chunk);
		beat_doacross_init(ws, 1, counts);
		beat_ws_publish(ws);
	}
	while (beat_loop_next_long(false, &from, &to))
		for (long v = from; v < to; v++) {
			unsigned long long sink = (unsigned long long)(v - 1), src = (unsigned long long)v;

			beat_doacross_wait(&sink);
			if (v > 0 && atomic_load(&ck.seen[v - 1]) != 1)
				fail();
			mark(v);
			beat_doacross_post(&src);
		}
	beat_ws_end(true);
}

static void singles(void)
{
	for (int i = 0; i < 50; i++)
		if (beat_single_begin())
			atomic_fetch_add(&ck.wins, 1);
	beat_barrier(beat_member_self());
}

static bool all_seen(int n)
{
	for (int k = 0; k < N; k++)
		if (atomic_load(&ck.seen[k]) != (k < n))
			return false;
	return true;
}

struct job {
	int what;
	size_t sched;
};

static void body(void *arg)
{
	const struct job *j = arg;

	switch (j->what) {
	case 0: signed_loop(j->sched); break;
	case 1: ull_down_loop(j->sched); break;
	case 2: ordered_loop(j->sched); break;
	case 3: doacross(j->sched); break;
	case 4: sections(); break;
	default: singles(); break;
	}
}

static int run(unsigned nthreads, int what, size_t sched, int expect_seen)
{
	struct job j = { what, sched };

	memset(&ck, 0, sizeof ck);
	beat_parallel(body, &j, nthreads, 0);
	if (atomic_load(&ck.errors) != 0 || !all_seen(expect_seen) ||
	    (what == 5 && atomic_load(&ck.wins) != 50)) {
		fprintf(stderr, "loop_engine: %u threads, test %d, schedule %zu: %d errors\n",
			nthreads, what, sched, atomic_load(&ck.errors));
		return 1;
	}
	return 0;
}

int main(void)
{
	int bad = 0;

	beat_config_init();
	for (unsigned n = 1; n <= 5; n++) {
		for (size_t s = 0; s < NSCHEDS; s++)
			for (int what = 0; what < 4; what++)
				bad |= run(n, what, s, N);
		bad |= run(n, 4, 0, 40);
		bad |= run(n, 5, 0, 0);
	}
	if (bad)
		return 1;
	printf("loop_engine: every schedule, signed and unsigned loops, ordered, doacross, sections, single in teams of 1..5: all checks held\n");
	return 0;
}
