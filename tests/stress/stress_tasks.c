/* stress_tasks.c: a short task-heavy program for the stress loop: recursive
 * tasks with taskwait, a taskgroup, dependences and tasks finished by the
 * implicit barrier; prints one checked line. */
#include <omp.h>
#include <stdio.h>

static long fib(int n)
{
	if (n < 2)
		return n;
	long a, b;
#pragma omp task shared(a) if (n > 8)
	a = fib(n - 1);
#pragma omp task shared(b) if (n > 8)
	b = fib(n - 2);
#pragma omp taskwait
	return a + b;
}

int main(void)
{
	long f = 0, g = 0, chain = 0;
	int x = 0;
#pragma omp parallel
	{
#pragma omp single
		f = fib(20);
#pragma omp single
		{
#pragma omp taskgroup
			for (int i = 0; i < 200; i++) {
#pragma omp task
				{
#pragma omp atomic
					g++;
				}
			}
			for (int i = 0; i < 100; i++) {
#pragma omp task depend(inout : x) shared(x, chain)
				{
					chain += x;
					x++;
				}
			}
		}
#pragma omp for
		for (int i = 0; i < 100; i++) {
#pragma omp task
			{
#pragma omp atomic
				g++;
			}
		}
	}
	int ok = f == 6765 && g == 300 && x == 100 && chain == 4950;
	printf("%s f=%ld g=%ld x=%d chain=%ld\n", ok ? "OK" : "WRONG", f, g, x, chain);
	return ok ? 0 : 1;
}
