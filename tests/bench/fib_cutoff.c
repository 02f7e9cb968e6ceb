/* fib_cutoff.c measures coarse recursive tasks: fib(n) as tasks down to fib(CUTOFF), serial below, so that runtime overhead is small next to the work. */
#include "bench.h"

#define CUTOFF 20

static long fib_serial(int n)
{
	return n < 2 ? n : fib_serial(n - 1) + fib_serial(n - 2);
}

static long fib_task(int n)
{
	long x, y;
	if (n < CUTOFF)
		return fib_serial(n);
#pragma omp task shared(x)
	x = fib_task(n - 1);
#pragma omp task shared(y)
	y = fib_task(n - 2);
#pragma omp taskwait
	return x + y;
}

static long fib_iterative(int n)
{
	long a = 0, b = 1;
	for (int i = 0; i < n; i++) {
		long t = a + b;
		a = b;
		b = t;
	}
	return a;
}

int main(int argc, char **argv)
{
	static const int sizes[SIZE_COUNT] = {30, 41, 44, 47};
	int n = sizes[bench_size(argc, argv)];
	long r = 0;
	bench_warmup();
	double t0 = bench_now();
#pragma omp parallel
#pragma omp single
	r = fib_task(n);
	double t = bench_now() - t0;
	long expect = fib_iterative(n);
	if (r != expect)
		fprintf(stderr, "fib(%d) = %ld, expected %ld\n", n, r, expect);
	bench_result("fib_cutoff", "s", t, r == expect);
	return bench_exit();
}
