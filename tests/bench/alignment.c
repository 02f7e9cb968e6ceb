/* alignment.c measures independent tasks of very uneven size created by one thread: all-pairs global alignment of protein-like sequences (Gotoh, affine gaps) in the style of BOTS alignment, one task per pair. */
#include "bench.h"

#define ALPHABET 20
#define GAP_OPEN 10
#define GAP_EXTEND 1
#define NONE (-1000000000)

static int sub[ALPHABET][ALPHABET];

struct seq {
	int len;
	unsigned char *res;
};

static void make_scores(void)
{
	for (int a = 0; a < ALPHABET; a++)
		for (int b = 0; b < ALPHABET; b++)
			sub[a][b] = a == b ? 5 + a % 4 : -1 - (a + b) % 3;
}

/* Global alignment score with affine gaps, in O(len b) memory. */
static int align(const struct seq *x, const struct seq *y)
{
	int m = y->len;
	int *h = bench_alloc((size_t)(m + 1) * sizeof *h);
	int *e = bench_alloc((size_t)(m + 1) * sizeof *e);
	h[0] = 0;
	for (int j = 1; j <= m; j++) {
		h[j] = -GAP_OPEN - (j - 1) * GAP_EXTEND;
		e[j] = NONE;
	}
	for (int i = 1; i <= x->len; i++) {
		int diag = h[0];
		h[0] = -GAP_OPEN - (i - 1) * GAP_EXTEND;
		int f = NONE;
		const int *row = sub[x->res[i - 1]];
		for (int j = 1; j <= m; j++) {
			int up = h[j];
			int ej = e[j] - GAP_EXTEND > up - GAP_OPEN ? e[j] - GAP_EXTEND : up - GAP_OPEN;
			f = f - GAP_EXTEND > h[j - 1] - GAP_OPEN ? f - GAP_EXTEND : h[j - 1] - GAP_OPEN;
			int best = diag + row[y->res[j - 1]];
			if (ej > best)
				best = ej;
			if (f > best)
				best = f;
			e[j] = ej;
			diag = up;
			h[j] = best;
		}
	}
	int score = h[m];
	free(h);
	free(e);
	return score;
}

int main(int argc, char **argv)
{
	static const int nseqs[SIZE_COUNT] = {12, 64, 128, 256};
	int n = nseqs[bench_size(argc, argv)];
	make_scores();
	struct seq *s = bench_alloc((size_t)n * sizeof *s);
	uint64_t seed = 2024;
	for (int i = 0; i < n; i++) {
		s[i].len = 50 + (int)(bench_rand(&seed) % 700);
		s[i].res = bench_alloc((size_t)s[i].len);
		for (int k = 0; k < s[i].len; k++)
			s[i].res[k] = (unsigned char)(bench_rand(&seed) % ALPHABET);
	}
	int *score = bench_alloc((size_t)(n * n) * sizeof *score);
	for (int i = 0; i < n * n; i++)
		score[i] = NONE;
	bench_warmup();
	double t0 = bench_now();
#pragma omp parallel
#pragma omp single
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
#pragma omp task firstprivate(i, j)
			score[i * n + j] = align(&s[i], &s[j]);
		}
	double t = bench_now() - t0;

	/* Check: every pair was scored, and 32 of them again serially. */
	int ok = 1;
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (score[i * n + j] == NONE)
				ok = 0;
	for (int k = 0; k < 32 && ok; k++) {
		int i = (int)(bench_rand(&seed) % (uint64_t)(n - 1));
		int j = i + 1 + (int)(bench_rand(&seed) % (uint64_t)(n - 1 - i));
		if (score[i * n + j] != align(&s[i], &s[j]))
			ok = 0;
	}
	if (!ok)
		fprintf(stderr, "alignment: missing or wrong pair scores\n");
	bench_result("alignment", "s", t, ok);
	for (int i = 0; i < n; i++)
		free(s[i].res);
	free(s);
	free(score);
	return bench_exit();
}
