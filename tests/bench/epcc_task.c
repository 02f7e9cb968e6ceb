/* epcc_task.c measures the overhead of tasking in the EPCC style (microseconds per construct): task creation by the master thread and by every thread, task with taskwait, and nested tasks. */
#include "epcc.h"

static long ran;      /* tasks that ran, counted with compiler atomics */
static long expected; /* tasks that must have run */

static void task_body(void)
{
	delay(delaylength);
	__atomic_fetch_add(&ran, 1, __ATOMIC_RELAXED);
}

/* The master creates innerreps * nthreads tasks; the team runs them. */
static void test_task_master(void)
{
	ran = 0;
	expected = innerreps * nthreads;
#pragma omp parallel
	{
#pragma omp master
		for (long j = 0; j < innerreps * nthreads; j++) {
#pragma omp task
			task_body();
		}
	}
}

/* Every thread creates innerreps tasks. */
static void test_task_parallel(void)
{
	ran = 0;
	expected = innerreps * nthreads;
#pragma omp parallel
	for (long j = 0; j < innerreps; j++) {
#pragma omp task
		task_body();
	}
}

/* Every thread creates one task and waits for it, innerreps times. */
static void test_taskwait(void)
{
	ran = 0;
	expected = innerreps * nthreads;
#pragma omp parallel
	for (long j = 0; j < innerreps; j++) {
#pragma omp task
		task_body();
#pragma omp taskwait
	}
}

/* Every thread creates innerreps / nthreads tasks, each of which creates
   nthreads tasks and waits for them. */
static void test_task_nested(void)
{
	ran = 0;
	expected = innerreps / nthreads * nthreads * nthreads;
#pragma omp parallel
	{
		for (long j = 0; j < innerreps / nthreads; j++) {
#pragma omp task
			{
				for (int i = 0; i < nthreads; i++) {
#pragma omp task
					task_body();
				}
#pragma omp taskwait
			}
		}
#pragma omp taskwait
	}
}

static int check_ran(void)
{
	return __atomic_load_n(&ran, __ATOMIC_RELAXED) == expected;
}

int main(int argc, char **argv)
{
	epcc_setup(bench_size(argc, argv));
	epcc_measure("epcc_task_master", test_task_master, reference_delay, check_ran);
	epcc_measure("epcc_task_parallel", test_task_parallel, reference_delay, check_ran);
	epcc_measure("epcc_taskwait", test_taskwait, reference_delay, check_ran);
	epcc_measure("epcc_task_nested", test_task_nested, reference_delay, check_ran);
	return bench_exit();
}
