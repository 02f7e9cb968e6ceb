/* libcalls.c measures a numerical library's OpenMP loops called as programs call them: many short calls from serial code (axpy, dot and scale of a 4096-element vector, each its own parallel for), then the same calls from inside the program's own parallel loop, where each is a nested region that one thread runs. */
#include "bench.h"

#define N 4096
#define BLOCKS 64

/* The "library": each routine is one worksharing loop in its own region. */
__attribute__((noinline)) static void lib_axpy(long n, double a, const double *x, double *y)
{
#pragma omp parallel for schedule(static)
	for (long i = 0; i < n; i++)
		y[i] += a * x[i];
}

__attribute__((noinline)) static double lib_dot(long n, const double *x, const double *y)
{
	double s = 0;
#pragma omp parallel for schedule(static) reduction(+ : s)
	for (long i = 0; i < n; i++)
		s += x[i] * y[i];
	return s;
}

__attribute__((noinline)) static void lib_scale(long n, double a, double *x)
{
#pragma omp parallel for schedule(static)
	for (long i = 0; i < n; i++)
		x[i] *= a;
}

int main(int argc, char **argv)
{
	static const int reps_of[SIZE_COUNT] = {20, 20000, 100000, 400000};
	int reps = reps_of[bench_size(argc, argv)];
	/* Small integers in doubles: every sum is exact, whatever the order. */
	double *x = bench_alloc(N * sizeof *x);
	double *y = bench_alloc(N * sizeof *y);
	double *blocks = bench_alloc((size_t)BLOCKS * N * sizeof *blocks);
	double xx = 0;
	for (long i = 0; i < N; i++) {
		x[i] = (double)(i % 7);
		xx += x[i] * x[i];
	}
	for (long i = 0; i < (long)BLOCKS * N; i++)
		blocks[i] = (double)(i % 5);
	bench_warmup();
	long bad = 0;
	double t0 = bench_now();
	/* Serial code calling the library: y goes 0, x, 2x, ... and is put
	 * back to 0 by a scale by 0 now and then. */
	for (long i = 0; i < N; i++)
		y[i] = 0;
	long k = 0;
	for (int r = 0; r < reps; r++) {
		lib_axpy(N, 1.0, x, y);
		k++;
		if (lib_dot(N, x, y) != (double)k * xx)
			bad++;
		if (k == 8) {
			lib_scale(N, 0.0, y);
			k = 0;
		}
	}
	/* The program's own parallel loop calling the library: nested. */
	double total = 0;
	int rounds = reps / 64 > 1 ? reps / 64 : 1;
	for (int r = 0; r < rounds; r++) {
#pragma omp parallel for schedule(dynamic) reduction(+ : total)
		for (int b = 0; b < BLOCKS; b++)
			total += lib_dot(N, blocks + (long)b * N, blocks + (long)b * N);
	}
	double t = bench_now() - t0;
	double expect = 0;
	for (int b = 0; b < BLOCKS; b++) {
		double s = 0;
		for (long i = 0; i < N; i++) {
			double v = blocks[(long)b * N + i];
			s += v * v;
		}
		expect += s;
	}
	if (total != expect * rounds)
		bad++;
	if (bad)
		fprintf(stderr, "libcalls: %ld wrong results\n", bad);
	bench_result("libcalls", "s", t, bad == 0);
	free(x);
	free(y);
	free(blocks);
	return bench_exit();
}
