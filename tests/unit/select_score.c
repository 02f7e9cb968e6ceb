/* select_score.c: the fixed-point score of worker selection
 * (shim/select_score.h) against the design's formula in floating point.
 *
 * Checks, each over a whole domain unless said:
 *  1. the quantisers: beat_score_frac64 for every num <= den + 2, den up to
 *     2048, and beat_score_load for every queued up to 8 * K per member,
 *     members up to 64, equal round-half-up of the real fraction;
 *  2. exactness: beat_score_node == round(6400 * reference) for every
 *     same x locality x load x cap x hint (2 * 65^3 * 2 = 1,098,500 inputs)
 *     under the default weights, every weight vector of multiples of 10
 *     that sums to 100 (286), and extremes;
 *     and, from random raw counts (pages, queued tasks, members), the
 *     score within the inputs' quantisation of the real-valued design;
 *  3. ranking over every pair of the domain (by sorting it by the
 *     reference): equal references give equal scores, a higher reference
 *     (by more than 1e-9) a strictly higher score;
 *  4. beat_select_best_node against a reference argmax with the same tie
 *     rule: every pair of nodes on a grid of step 4, every triple on step
 *     16, every quadruple on step 32, then random cases of 1..20 nodes at
 *     full resolution with random weights; and hand-made cases.
 * Then the same checkers run on broken versions (rounding down, a load
 * term at coarser resolution, a tie rule that ignores the data node) and
 * must find errors: proof that the test can fail. */
#include "select_score.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int errors;
static int quiet; /* running a broken version: count errors, print none */

/* One error: what went wrong, and up to four numbers that say where. */
static void fail(const char *what, long a, long b, long c, long d)
{
	errors++;
	if (!quiet && errors <= 10)
		fprintf(stderr, "select_score: %s (%ld, %ld, %ld, %ld)\n", what, a, b, c, d);
}

/* ------------------------------------------------------------- references */

/* The design's score on real numbers: wt are fractions of 1 (0.40...),
 * loc, load, cap in [0, 1]. */
static double beat_score_reference(const double wt[4], int same, double loc, double load, double cap,
				   int hint)
{
	return wt[0] * same * loc + wt[1] * (1.0 - load) + wt[2] * cap + wt[3] * hint;
}

static void weights_real(const struct beat_weights *w, double wt[4])
{
	wt[0] = w->locality / 100.0;
	wt[1] = w->load / 100.0;
	wt[2] = w->capability / 100.0;
	wt[3] = w->hint / 100.0;
}

/* round(64 * x), halves up, with x = num / den clamped to 1. */
static unsigned frac64_reference(double num, double den)
{
	double x = num / den;
	return (unsigned)floor(64.0 * (x < 1.0 ? x : 1.0) + 0.5);
}

/* The argmax by the rule in words: highest reference score among
 * available nodes (of the first 16), then the data node, then the lowest
 * load, then the lowest index. */
static int best_reference(const struct beat_weights *w, int nnodes, int data_node, unsigned locality,
			  const struct beat_node_agg *agg)
{
	double wt[4];
	weights_real(w, wt);
	if (nnodes > 16)
		nnodes = 16;
	int best = -1;
	double best_score = 0;
	for (int i = 0; i < nnodes; i++) {
		if (!agg[i].avail)
			continue;
		double s = beat_score_reference(wt, i == data_node, locality / 64.0, agg[i].load / 64.0,
						agg[i].cap / 64.0, agg[i].hint);
		if (best < 0 || s > best_score + 1e-9) {
			best = i;
			best_score = s;
			continue;
		}
		if (s < best_score - 1e-9 || best == data_node)
			continue;
		if (i == data_node || agg[i].load < agg[best].load) {
			best = i;
			best_score = s;
		}
	}
	return best;
}

/* A fixed sequence of pseudo-random numbers below n (xorshift64). */
static uint64_t rng_state = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* ------------------------------------------------- the functions under test */

typedef unsigned frac_fn(uint32_t num, uint32_t den);
typedef unsigned load_fn(uint32_t queued, uint32_t members);
typedef unsigned score_fn(const struct beat_weights *w, unsigned same, unsigned locality, unsigned load,
			  unsigned cap, unsigned hint);
typedef int best_fn(const struct beat_weights *w, int nnodes, int data_node, unsigned locality,
		    const struct beat_node_agg *agg);

static unsigned real_frac(uint32_t num, uint32_t den) { return beat_score_frac64(num, den); }
static unsigned real_load(uint32_t q, uint32_t m) { return beat_score_load(q, m); }
static unsigned real_score(const struct beat_weights *w, unsigned same, unsigned locality, unsigned load,
			   unsigned cap, unsigned hint)
{
	return beat_score_node(w, same, locality, load, cap, hint);
}

/* Broken on purpose: rounds down. */
static unsigned broken_frac(uint32_t num, uint32_t den)
{
	return num >= den ? 64 : (unsigned)(64 * (uint64_t)num / den);
}

static unsigned broken_load(uint32_t q, uint32_t m)
{
	return broken_frac(q, m * BEAT_SCORE_LOAD_FULL);
}

/* Broken on purpose: the load term in 16ths, rounded down. */
static unsigned broken_score(const struct beat_weights *w, unsigned same, unsigned locality, unsigned load,
			     unsigned cap, unsigned hint)
{
	return beat_score_node(w, same, locality, load / 4 * 4, cap, hint);
}

/* Broken on purpose: ties go to the lowest index, data node or not. */
static int broken_best(const struct beat_weights *w, int nnodes, int data_node, unsigned locality,
		       const struct beat_node_agg *agg)
{
	int best = -1;
	unsigned best_score = 0;
	for (int i = 0; i < nnodes && i < 16; i++) {
		unsigned s = beat_score_node(w, i == data_node, locality, agg[i].load, agg[i].cap, agg[i].hint);
		if (agg[i].avail && (best < 0 || s > best_score)) {
			best = i;
			best_score = s;
		}
	}
	return best;
}

/* ------------------------------------------------------------ 1. quantisers */

static void check_quantisers(frac_fn *frac, load_fn *load)
{
	for (uint32_t den = 1; den <= 2048; den++)
		for (uint32_t num = 0; num <= den + 2; num++)
			if (frac(num, den) != frac64_reference(num, den))
				fail("frac64 (num, den, got, expected)", num, den, frac(num, den),
				     frac64_reference(num, den));
	if (frac(5, 0) != 0 || frac(0, 0) != 0)
		fail("frac64 of a zero denominator is not 0", 0, 0, 0, 0);
	if (frac(UINT32_MAX - 1, UINT32_MAX) != 64 || frac(UINT32_MAX / 2, UINT32_MAX) != 32)
		fail("frac64 near 2^32 is wrong", 0, 0, 0, 0);
	for (uint32_t m = 1; m <= 64; m++)
		for (uint32_t q = 0; q <= 8 * BEAT_SCORE_LOAD_FULL * m; q++) {
			unsigned want = frac64_reference(q, (double)m * BEAT_SCORE_LOAD_FULL);
			if (load(q, m) != want)
				fail("load (queued, members, got, expected)", q, m, load(q, m), want);
		}
	if (load(0, 0) != 64 ||
	    load(UINT32_MAX, UINT32_MAX) != frac64_reference(1, BEAT_SCORE_LOAD_FULL) ||
	    load(UINT32_MAX, UINT32_MAX / 4) != frac64_reference(4, BEAT_SCORE_LOAD_FULL) ||
	    load(UINT32_MAX / 8, UINT32_MAX) != frac64_reference(1, 8.0 * BEAT_SCORE_LOAD_FULL))
		fail("load without members or near 2^32 is wrong", 0, 0, 0, 0);
}

/* --------------------------------------------------------------- 2. exactness */

/* score(...), with the real function called directly so that it inlines:
 * the sweep below makes 330 million calls. */
static inline long score_of(score_fn *score, const struct beat_weights *w, int same, int loc, int load, int cap,
			    int hint)
{
	if (score == real_score)
		return beat_score_node(w, same, loc, load, cap, hint);
	return score(w, same, loc, load, cap, hint);
}

static void check_exact(score_fn *score, const struct beat_weights *w)
{
	double wt[4];
	weights_real(w, wt);
	for (int same = 0; same <= 1; same++)
		for (int loc = 0; loc <= 64; loc++)
			for (int load = 0; load <= 64; load++)
				for (int cap = 0; cap <= 64; cap++)
					for (int hint = 0; hint <= 1; hint++) {
						double ref = beat_score_reference(wt, same, loc / 64.0, load / 64.0,
										  cap / 64.0, hint);
						double scaled = ref * BEAT_SCORE_SCALE;
						long want = (long)(scaled + 0.5); /* scaled >= 0 */
						long got = score_of(score, w, same, loc, load, cap, hint);
						if (got != want || fabs(scaled - want) > 1e-6)
							fail("score (same, locality, load, cap) is not exact",
							     same, loc, load, cap);
					}
}

/* Every weight vector of multiples of step that sums to 100. */
static int sweep_weights(score_fn *score, int step)
{
	int n = 0;
	for (int a = 0; a <= 100; a += step)
		for (int b = 0; a + b <= 100; b += step)
			for (int c = 0; a + b + c <= 100; c += step) {
				struct beat_weights w = {a, b, c, 100 - a - b - c};
				check_exact(score, &w);
				n++;
			}
	return n;
}

/* From raw counts to score: each quantised input is within half a 64th of
 * its real fraction, so the score is within (w.locality + w.load +
 * w.capability) / 2 units of 6400 times the design's score on the real
 * fractions. Random counts, random weights. */
static void check_end_to_end(frac_fn *frac, load_fn *load, long n)
{
	for (long c = 0; c < n; c++) {
		struct beat_weights w = {rnd(101), rnd(101), rnd(101), rnd(101)};
		uint32_t pages = 1 + rnd(100000), here = rnd(pages + 1);
		uint32_t members = 1 + rnd(256), queued = rnd(6 * BEAT_SCORE_LOAD_FULL * members);
		uint32_t awake = rnd(members + 1);
		int same = rnd(2), hint = rnd(2);
		double wt[4], q = (double)queued / ((double)members * BEAT_SCORE_LOAD_FULL);
		weights_real(&w, wt);
		double ref = beat_score_reference(wt, same, (double)here / pages, q < 1 ? q : 1,
						  (double)awake / members, hint);
		unsigned got = beat_score_node(&w, same, frac(here, pages), load(queued, members),
					       frac(awake, members), hint);
		double bound = (w.locality + w.load + w.capability) / 2.0 + 1e-6;
		if (fabs(got - ref * BEAT_SCORE_SCALE) > bound)
			fail("end to end (pages there, pages, queued, members): off by more than the bound",
			     here, pages, queued, members);
	}
}

/* ------------------------------------------------------------------ 3. ranking */

struct point {
	double ref;
	unsigned fixed;
};

static int by_ref(const void *x, const void *y)
{
	const struct point *a = x, *b = y;
	return (a->ref > b->ref) - (a->ref < b->ref);
}

#define DOMAIN (2 * 65 * 65 * 65 * 2)

static void check_ranking(score_fn *score, const struct beat_weights *w, struct point *pts)
{
	double wt[4];
	weights_real(w, wt);
	size_t n = 0;
	for (int same = 0; same <= 1; same++)
		for (int loc = 0; loc <= 64; loc++)
			for (int load = 0; load <= 64; load++)
				for (int cap = 0; cap <= 64; cap++)
					for (int hint = 0; hint <= 1; hint++) {
						pts[n].ref = beat_score_reference(wt, same, loc / 64.0, load / 64.0,
										  cap / 64.0, hint);
						pts[n].fixed = score(w, same, loc, load, cap, hint);
						n++;
					}
	qsort(pts, n, sizeof *pts, by_ref);
	/* By transitivity, neighbours in that order cover every pair. */
	for (size_t i = 1; i < n; i++) {
		bool tie = pts[i].ref - pts[i - 1].ref <= 1e-9;
		if (tie ? pts[i].fixed != pts[i - 1].fixed : pts[i].fixed <= pts[i - 1].fixed)
			fail("ranking (score, next score, reference, next reference x1e6)",
			     pts[i - 1].fixed, pts[i].fixed, lround(pts[i - 1].ref * 1e6), lround(pts[i].ref * 1e6));
	}
}

/* --------------------------------------------------------------- 4. the argmax */

static long cases;

static void check_best_case(best_fn *best, const struct beat_weights *w, int nnodes, int data_node,
			    unsigned locality, const struct beat_node_agg *agg)
{
	int got = best(w, nnodes, data_node, locality, agg);
	int want = best_reference(w, nnodes, data_node, locality, agg);
	cases++;
	if (got != want)
		fail("best node (nodes, data node, got, expected)", nnodes, data_node, got, want);
}

/* Every assignment of the grid (step) to load and cap, and 0/1 to hint, of
 * each of nnodes nodes, for each locality of the grid and each data node
 * (or none). */
static void check_best_grid(best_fn *best, const struct beat_weights *w, int nnodes, int step)
{
	int vals = 64 / step + 1, per_node = vals * vals * 2;
	long combos = 1;
	for (int i = 0; i < nnodes; i++)
		combos *= per_node;
	struct beat_node_agg agg[4];
	for (long c = 0; c < combos; c++) {
		long x = c;
		for (int i = 0; i < nnodes; i++) {
			int k = (int)(x % per_node);
			x /= per_node;
			agg[i] = (struct beat_node_agg){(k % vals) * step, (k / vals % vals) * step, k / vals / vals, 1};
		}
		for (int loc = 0; loc <= 64; loc += 64 / (nnodes == 2 ? 8 : 2))
			for (int d = -1; d < nnodes; d++)
				check_best_case(best, w, nnodes, d, loc, agg);
	}
}

/* Random cases at full resolution; few distinct values per case too, so
 * that ties happen. */
static void check_best_random(best_fn *best, long n)
{
	struct beat_node_agg agg[20];
	for (long c = 0; c < n; c++) {
		struct beat_weights w = {rnd(101), rnd(101), rnd(101), rnd(101)};
		int nnodes = 1 + rnd(20);
		unsigned span = c & 1 ? 65 : 3;
		for (int i = 0; i < nnodes; i++)
			agg[i] = (struct beat_node_agg){rnd(span) * (64 / (span - 1)), rnd(span) * (64 / (span - 1)),
							rnd(2), rnd(10) != 0};
		check_best_case(best, &w, nnodes, (int)rnd(nnodes + 2) - 1, rnd(65), agg);
	}
}

static const struct beat_weights dflt = {40, 30, 20, 10};

static void expect_best(const char *what, int nnodes, int data_node, unsigned locality,
			const struct beat_node_agg *agg, int want)
{
	int got = beat_select_best_node(&dflt, nnodes, data_node, locality, agg);
	if (got != want) {
		errors++;
		fprintf(stderr, "select_score: %s: node %d, expected %d\n", what, got, want);
	}
}

static void check_best_by_hand(void)
{
	struct beat_node_agg agg[20];
	for (int i = 0; i < 20; i++)
		agg[i] = (struct beat_node_agg){32, 32, 0, 1};
	expect_best("one node", 1, 0, 64, agg, 0);
	expect_best("one node, data elsewhere", 1, 3, 64, agg, 0);
	expect_best("equal load: the data node", 2, 1, 64, agg, 1);
	expect_best("equal load, locality 0: still the data node", 2, 1, 0, agg, 1);
	expect_best("all equal, no data node: the lowest index", 4, -1, 64, agg, 0);
	expect_best("equal load of 8: the data node", 8, 5, 40, agg, 5);
	expect_best("equal load of 16: the data node", 16, 15, 10, agg, 15);
	/* A full data node (load 64) loses 0.3 to an idle one; locality under
	 * 0.3 / 0.4 = 48/64 cannot make up for it. */
	agg[0] = (struct beat_node_agg){64, 32, 0, 1};
	agg[1] = (struct beat_node_agg){0, 32, 0, 1};
	expect_best("full data node, locality 16: the idle node", 2, 0, 16, agg, 1);
	expect_best("full data node, locality 47: the idle node", 2, 0, 47, agg, 1);
	expect_best("full data node, locality 48: a tie, the data node", 2, 0, 48, agg, 0);
	expect_best("full data node, locality 64: the data node", 2, 0, 64, agg, 0);
	/* Equal scores, no data node among them: the lower load. */
	agg[0] = (struct beat_node_agg){32, 32, 0, 1}; /* 0.15 + 0.10 */
	agg[1] = (struct beat_node_agg){48, 64, 0, 1}; /* 0.075 + 0.2 = 0.275: higher */
	agg[2] = (struct beat_node_agg){16, 16, 0, 1}; /* 0.225 + 0.05: a tie with 1 */
	expect_best("a tie: the lower load before the lower index", 3, -1, 0, agg, 2);
	agg[2].avail = 0;
	expect_best("the best node has no member", 3, -1, 0, agg, 1);
	agg[0].avail = agg[1].avail = 0;
	expect_best("no node has a member", 3, -1, 0, agg, -1);
	expect_best("no node", 0, -1, 0, agg, -1);
	/* 8 and 16 nodes: the one idle node, then ties among idle ones. */
	for (int i = 0; i < 20; i++)
		agg[i] = (struct beat_node_agg){64, 0, 0, 1};
	agg[6].load = 0;
	expect_best("8 nodes, one idle, data node full at locality 32", 8, 2, 32, agg, 6);
	agg[13].load = 0;
	expect_best("16 nodes, two idle: the lower index", 16, 2, 0, agg, 6);
	expect_best("16 nodes, two idle, data on one: the data node", 16, 13, 0, agg, 13);
	agg[13].hint = 1;
	expect_best("16 nodes, two idle, hint on one", 16, -1, 0, agg, 13);
	/* More than 16 nodes: node 16 and up are never chosen. */
	agg[6].load = agg[13].load = 64;
	agg[13].hint = 0;
	agg[17].load = 0;
	expect_best("20 nodes, only node 17 idle: not chosen", 20, 17, 64, agg, 0);
}

/* ---------------------------------------------------------------- the runs */

static const struct beat_weights extremes[] = {
	{40, 30, 20, 10}, {100, 0, 0, 0}, {0, 100, 0, 0}, {0, 0, 100, 0}, {0, 0, 0, 100}, {100, 100, 100, 100},
	{1, 0, 0, 0}, {0, 0, 0, 1}, {37, 29, 23, 11}, {99, 100, 1, 3}, {0, 0, 0, 0}, {255, 255, 255, 255},
};
#define NEXTREMES (int)(sizeof extremes / sizeof extremes[0])

/* Runs every check on the given functions; returns the errors found. */
static int run_checks(frac_fn *frac, load_fn *load, score_fn *score, best_fn *best, int full)
{
	static struct point pts[DOMAIN];
	errors = 0;
	check_quantisers(frac, load);
	check_end_to_end(frac, load, full ? 1000000 : 100000);
	for (int i = 0; i < (full ? NEXTREMES : 2); i++)
		check_exact(score, &extremes[i]);
	int nweights = full ? sweep_weights(score, 10) : 0;
	/* The default weights, uneven ones, and equal ones (the most ties). */
	static const int ranked[] = {0, 8, 5};
	for (int i = 0; i < (full ? 3 : 1); i++)
		check_ranking(score, &extremes[ranked[i]], pts);
	cases = 0;
	check_best_grid(best, &dflt, 2, full ? 4 : 16);
	check_best_grid(best, &dflt, 3, 16);
	check_best_grid(best, &dflt, 4, 32);
	check_best_random(best, full ? 1000000 : 100000);
	if (full)
		printf("select_score: %d weight vectors summing to 100 and %d others over all %d inputs; "
		       "%ld argmax cases\n", nweights, NEXTREMES, DOMAIN, cases);
	return errors;
}

int main(void)
{
	clock_t t0 = clock();
	run_checks(real_frac, real_load, real_score, beat_select_best_node, 1);
	check_best_by_hand();
	int bad = errors;
	/* The checks must catch broken versions, one broken part at a time. */
	quiet = 1;
	int caught = 0;
	caught += run_checks(broken_frac, broken_load, real_score, beat_select_best_node, 0) > 0;
	caught += run_checks(real_frac, real_load, broken_score, beat_select_best_node, 0) > 0;
	caught += run_checks(real_frac, real_load, real_score, broken_best, 0) > 0;
	if (caught != 3) {
		fprintf(stderr, "select_score: only %d of 3 broken versions caught\n", caught);
		bad++;
	}
	printf("select_score: %s (%d errors; %d of 3 broken versions caught) in %.2f s\n",
	       bad ? "FAIL" : "ok", bad, caught, (double)(clock() - t0) / CLOCKS_PER_SEC);
	return bad ? 1 : 0;
}
