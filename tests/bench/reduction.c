/* reduction.c measures reduction clauses on short parallel loops: many parallel for regions each reducing an array with reduction(+), reduction(max) and reduction(min). */
#include "bench.h"

#define N 65536

int main(int argc, char **argv)
{
	static const int reps_of[SIZE_COUNT] = {20, 8000, 40000, 160000};
	int reps = reps_of[bench_size(argc, argv)];
	/* Small integers in doubles: every partial sum is exact, so the result
	   does not depend on how the runtime combines the partial sums. */
	double *a = bench_alloc(N * sizeof *a);
	double expect_sum = 0, expect_max = -1, expect_min = 1e9;
	for (long i = 0; i < N; i++) {
		a[i] = (double)((i * 7919) % 1000);
		expect_sum += a[i];
		if (a[i] > expect_max)
			expect_max = a[i];
		if (a[i] < expect_min)
			expect_min = a[i];
	}
	bench_warmup();
	long bad = 0;
	double t0 = bench_now();
	for (int r = 0; r < reps; r++) {
		double sum = 0, mx = -1, mn = 1e9;
		double shift = (double)(r % 3);
#pragma omp parallel for reduction(+ : sum) reduction(max : mx) reduction(min : mn)
		for (long i = 0; i < N; i++) {
			double v = a[i] + shift;
			sum += v;
			mx = v > mx ? v : mx;
			mn = v < mn ? v : mn;
		}
		if (sum != expect_sum + shift * N || mx != expect_max + shift || mn != expect_min + shift)
			bad++;
	}
	double t = bench_now() - t0;
	if (bad)
		fprintf(stderr, "reduction: %ld of %d reductions wrong\n", bad, reps);
	bench_result("reduction", "s", t, bad == 0);
	free(a);
	return bench_exit();
}
