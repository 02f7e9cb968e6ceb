/* task_cost.c: the cost of one task, spawn to join, in nanoseconds (unit
   ns): empty tasks created one after another by
   one thread and joined by a taskwait (task_cost), and a balanced binary tree
   of empty tasks, each waiting for its two children (task_cost_tree, the
   shape of fib without a cutoff, with nothing but runtime work). */
#include "bench.h"

static long ran;

static void empty(void)
{
	__atomic_fetch_add(&ran, 1, __ATOMIC_RELAXED);
}

static void tree(int depth)
{
	empty();
	if (depth == 0)
		return;
#pragma omp task
	tree(depth - 1);
#pragma omp task
	tree(depth - 1);
#pragma omp taskwait
}

int main(int argc, char **argv)
{
	static const long flat[SIZE_COUNT] = {20000, 1000000, 4000000, 16000000};
	static const int depth[SIZE_COUNT] = {12, 19, 21, 23};
	int s = bench_size(argc, argv);
	bench_warmup();

	long n = flat[s];
	ran = 0;
	double t0 = bench_now();
#pragma omp parallel
#pragma omp single
	{
		for (long i = 0; i < n; i++) {
#pragma omp task
			empty();
		}
#pragma omp taskwait
	}
	double t = bench_now() - t0;
	bench_result("task_cost", "ns", t / n * 1e9, __atomic_load_n(&ran, __ATOMIC_RELAXED) == n);

	int d = depth[s];
	long nodes = (2L << d) - 1;
	ran = 0;
	t0 = bench_now();
#pragma omp parallel
#pragma omp single
	tree(d);
	t = bench_now() - t0;
	bench_result("task_cost_tree", "ns", t / nodes * 1e9,
		     __atomic_load_n(&ran, __ATOMIC_RELAXED) == nodes);
	return bench_exit();
}
