/* classify_test: the One Euro filter against values computed by hand from
 * the paper's equations, the vector batch classifier against the scalar one
 * on random tables, and the fingerprint tables under concurrent use (each
 * thread learns its own costs; the shared table never hands a cold entry
 * another fingerprint's cost). */
#include "rt.h"
#include "taskclass.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define EXPECT(cond, ...)                                             \
	do {                                                          \
		if (!(cond)) {                                        \
			failures++;                                   \
			fprintf(stderr, "classify_test: FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                 \
			fputc('\n', stderr);                          \
		}                                                     \
	} while (0)

static bool near(double a, double b)
{
	return fabs(a - b) <= 1e-4 * (fabs(b) > 1 ? fabs(b) : 1);
}

/* alpha(fc) = 1 / (1 + tau), tau = 1 / (2 pi fc), Te = 1.
 * alpha(1) = 1 / (1 + 0.1591549) = 0.8626974; alpha(0.05) = 0.2390572.
 * Sequence 10, 20, 20 with mincutoff 1, beta 0, dcutoff 1:
 *   x1 = 0.8626974 * 20 + 0.1373026 * 10 = 18.626974
 *   x2 = 0.8626974 * 20 + 0.1373026 * 18.626974 = 19.811480
 * With beta 0.1: the derivative 0.8626974 * 10 = 8.626974 raises the
 * cutoff to 1.8626974, alpha = 0.9212826, x1 = 19.212826; then dx = 0.787174,
 * filtered 0.8626974 * 0.787174 + 0.1373026 * 8.626974 = 1.863617, cutoff
 * 1.1863617, alpha 0.8817172, x2 = 19.906889. */
static void test_one_euro(void)
{
	EXPECT(near(beat_one_euro_alpha(1.0f), 0.8626974), "alpha(1) = %f", beat_one_euro_alpha(1.0f));
	EXPECT(near(beat_one_euro_alpha(0.05f), 0.2390572), "alpha(0.05) = %f", beat_one_euro_alpha(0.05f));
	static const float xs[3] = {10, 20, 20};
	static const double want0[3] = {10, 18.626974, 19.811480};
	static const double want1[3] = {10, 19.212826, 19.906889};
	struct beat_one_euro_params p0 = {1.0f, 0.0f, 1.0f}, p1 = {1.0f, 0.1f, 1.0f};
	struct beat_one_euro f0 = {0}, f1 = {0};
	for (int i = 0; i < 3; i++) {
		float y0 = beat_one_euro_update(&f0, xs[i], &p0);
		float y1 = beat_one_euro_update(&f1, xs[i], &p1);
		EXPECT(near(y0, want0[i]), "beta 0, sample %d: %f, want %f", i, y0, want0[i]);
		EXPECT(near(y1, want1[i]), "beta 0.1, sample %d: %f, want %f", i, y1, want1[i]);
	}
	/* A constant signal stays exactly where it is. */
	struct beat_one_euro f2 = {0};
	struct beat_one_euro_params d = BEAT_ONE_EURO_DEFAULTS;
	for (int i = 0; i < 100; i++)
		EXPECT(beat_one_euro_update(&f2, 1234.0f, &d) == 1234.0f, "constant drifted");
	printf("classify_test: One Euro filter matches the hand-computed values\n");
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void test_simd_vs_scalar(void)
{
	enum { MAX = 1031 };
	static float pred[MAX];
	static uint8_t trusted[MAX], a[MAX], b[MAX];
	long checked = 0;
	for (int round = 0; round < 2000; round++) {
		int n = (int)(next() % MAX);
		float bounds[3];
		bounds[0] = (float)(next() % 1000);
		bounds[1] = bounds[0] + (float)(next() % 10000);
		bounds[2] = bounds[1] + (float)(next() % 100000);
		for (int i = 0; i < n; i++) {
			uint64_t r = next();
			/* Some values exactly on a bound, some far above. */
			pred[i] = (r & 7) == 0 ? bounds[r >> 3 & 1 ? 1 : 0] : (float)((r >> 8) % 200000);
			trusted[i] = (r >> 40) % 4 != 0;
		}
		memset(a, 0xee, sizeof a);
		memset(b, 0xee, sizeof b);
		beat_classify_scalar(pred, trusted, a, n, bounds);
		beat_classify_batch(pred, trusted, b, n, bounds);
		EXPECT(memcmp(a, b, MAX) == 0, "round %d (n %d): vector and scalar classes differ", round, n);
		for (int i = 0; i < n; i++)
			EXPECT(a[i] == beat_classify_one(pred[i], trusted[i], bounds), "scalar path wrong");
		checked += n;
	}
	printf("classify_test: vector and scalar classification agree on %ld random entries\n", checked);
}

/* Each thread records constant costs for its own keys and for keys that
 * share slots with other threads' keys, batches publish, and cold entries
 * warm from the shared table. */
enum { NTH = 4, NKEYS = 64, ROUNDS = 400 };
static long warm_starts;

static float cost_of(uint64_t key)
{
	return (float)(1000 + (key % 97) * 1000);
}

/* Keys as beat makes them (hashed fingerprints), forced into slot k. */
static uint64_t key_of(int id, int k)
{
	uint64_t h = beat_fp_key((void (*)(void *))(uintptr_t)(0x401000 + 64 * id), (void *)(uintptr_t)(0x402000 + k),
				 16, 0, (unsigned)k);
	return ((uint64_t)k << 56) | (h & 0x00ffffffffffffffull) | 1;
}

static void *table_worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	struct beat_thread *t = calloc(1, sizeof *t);
	struct beat_thread *u = calloc(1, sizeof *u); /* a second table, only probed */
	beat_fp_table_new(u);
	for (int r = 0; r < ROUNDS; r++) {
		for (int k = 0; k < NKEYS; k++) {
			/* Same slot (top byte k) for every thread, different keys. */
			uint64_t key = key_of(id, k);
			beat_fp_record(t, key, (uint64_t)cost_of(key), 2);
			struct beat_fp_table *tab = t->fp;
			unsigned s = (unsigned)(key >> 56);
			if (tab->key[s] == key && tab->e[s].samples >= BEAT_FP_TRUST)
				EXPECT(fabsf(tab->pred[s] - cost_of(key)) <= 1e-3f * cost_of(key),
				       "thread %d key %d predicts %f, cost %f", id, k,
				       tab->pred[s], cost_of(key));
			/* Warm a cold copy of another thread's key from the shared
			 * table: the value, when there is one, must be that key's. */
			uint64_t other = key_of((id + 1) % NTH, k);
			struct beat_fp_table *probe = u->fp;
			beat_fp_claim(probe, s, other);
			if (probe->trusted[s])
				__atomic_fetch_add(&warm_starts, 1, __ATOMIC_RELAXED);
			if (probe->trusted[s])
				EXPECT(fabsf(probe->pred[s] - cost_of(other)) <= 1e-3f * cost_of(other),
				       "warm start of a key got %f, its cost is %f", probe->pred[s], cost_of(other));
		}
	}
	free(t->fp);
	free(t);
	free(u->fp);
	free(u);
	return NULL;
}

static void test_tables_concurrently(void)
{
	pthread_t th[NTH];
	for (int i = 0; i < NTH; i++)
		pthread_create(&th[i], NULL, table_worker, (void *)(intptr_t)i);
	for (int i = 0; i < NTH; i++)
		pthread_join(th[i], NULL);
	/* How many warm starts the threads saw depends on how the scheduler
	 * interleaved them (run one after the other, they see none); that a
	 * published key warms a cold entry is checked on its own, after. */
	printf("classify_test: %d threads x %d keys x %d rounds: tables consistent, %ld warm starts all right\n",
	       NTH, NKEYS, ROUNDS, warm_starts);
}

/* One thread learns keys; a table that has never seen them starts each
 * from the shared table with that key's prediction. */
static void test_warm_start(void)
{
	struct beat_thread *t = calloc(1, sizeof *t);
	struct beat_thread *u = calloc(1, sizeof *u);
	beat_fp_table_new(u);
	for (int r = 0; r < ROUNDS; r++)
		for (int k = 0; k < NKEYS; k++) {
			uint64_t key = key_of(NTH, k);
			beat_fp_record(t, key, (uint64_t)cost_of(key), 2);
		}
	int warm = 0;
	for (int k = 0; k < NKEYS; k++) {
		uint64_t key = key_of(NTH, k);
		unsigned s = (unsigned)(key >> 56);
		beat_fp_claim(u->fp, s, key);
		if (!u->fp->trusted[s])
			continue;
		warm++;
		EXPECT(fabsf(u->fp->pred[s] - cost_of(key)) <= 1e-3f * cost_of(key),
		       "warm start of key %d got %f, its cost is %f", k, u->fp->pred[s], cost_of(key));
	}
	EXPECT(warm == NKEYS, "only %d of %d published keys warmed a cold entry", warm, NKEYS);
	printf("classify_test: %d of %d keys learnt by one thread warm-started another's table\n", warm, NKEYS);
	free(t->fp);
	free(t);
	free(u->fp);
	free(u);
}

int main(void)
{
	beat_config_init();
	test_one_euro();
	test_simd_vs_scalar();
	test_tables_concurrently();
	test_warm_start();
	return failures ? 1 : 0;
}
