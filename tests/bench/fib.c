/* fib.c measures fine-grained task creation, taskwait and stealing: fib(n) with both recursive calls as tasks and no cutoff. It also times the same recursion without tasks (fib_serial: the floor an unmodified binary could reach) and reports the cost per task construct (fib_per_task: time over the number of GOMP_task calls, unit ns). */
#include "bench.h"

static long fib_task(int n)
{
	long x, y;
	if (n < 2)
		return n;
#pragma omp task shared(x)
	x = fib_task(n - 1);
#pragma omp task shared(y)
	y = fib_task(n - 2);
#pragma omp taskwait
	return x + y;
}

/* The same recursion, no tasks; noinline and volatile keep GCC from
   turning it into a loop. */
static __attribute__((noinline)) long fib_serial(volatile int n)
{
	if (n < 2)
		return n;
	return fib_serial(n - 1) + fib_serial(n - 2);
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
	static const int sizes[SIZE_COUNT] = {18, 28, 31, 34};
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
	bench_result("fib", "s", t, r == expect);
	/* GOMP_task calls: two per inner node, fib(n+1) - 1 inner nodes. */
	double tasks = 2.0 * (double)(fib_iterative(n + 1) - 1);
	bench_result("fib_per_task", "ns", t / tasks * 1e9, r == expect);
	t0 = bench_now();
	long s = fib_serial(n);
	double ts = bench_now() - t0;
	bench_result("fib_serial", "s", ts, s == expect);
	return bench_exit();
}
