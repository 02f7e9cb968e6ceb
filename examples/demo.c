/* demo.c: the bundled program `make demo` runs under libgomp and under beat:
 * a parallel loop (numerical integration of pi), a reduction over an array,
 * and recursive tasks (fib with a cutoff), each checked and timed. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static long fib(int n)
{
	if (n < 2)
		return n;
	if (n < 20)
		return fib(n - 1) + fib(n - 2);
	long a, b;
#pragma omp task shared(a)
	a = fib(n - 1);
#pragma omp task shared(b)
	b = fib(n - 2);
#pragma omp taskwait
	return a + b;
}

int main(int argc, char **argv)
{
	long steps = argc > 1 ? atol(argv[1]) : 50000000;
	double t0 = omp_get_wtime();
	double sum = 0.0, h = 1.0 / steps;
#pragma omp parallel for reduction(+ : sum) schedule(static)
	for (long i = 0; i < steps; i++) {
		double x = (i + 0.5) * h;
		sum += 4.0 / (1.0 + x * x);
	}
	double pi = sum * h;
	double t1 = omp_get_wtime();
	long f = 0;
#pragma omp parallel
#pragma omp single
	f = fib(32);
	double t2 = omp_get_wtime();
	int ok = fabs(pi - M_PI) < 1e-9 && f == 2178309;
	printf("pi = %.12f  fib(32) = %ld  threads = %d  %s\n", pi, f, omp_get_max_threads(),
	       ok ? "OK" : "WRONG");
	fprintf(stderr, "time: loop %.3f s, tasks %.3f s, total %.3f s\n", t1 - t0, t2 - t1, t2 - t0);
	return ok ? 0 : 1;
}
