/* epcc_sync.c measures the overhead of synchronisation constructs in the EPCC style (microseconds per construct): parallel, for, parallel for, barrier, single, critical, lock, atomic, reduction. */
#include "epcc.h"

static omp_lock_t lock;
static long counter;  /* updated under critical, lock or atomic */
static long expected; /* what counter must reach */

static void test_parallel(void)
{
	for (long j = 0; j < innerreps; j++) {
#pragma omp parallel
		delay(delaylength);
	}
}

static void test_for(void)
{
#pragma omp parallel
	for (long j = 0; j < innerreps; j++) {
#pragma omp for
		for (int i = 0; i < nthreads; i++)
			delay(delaylength);
	}
}

static void test_parallel_for(void)
{
	for (long j = 0; j < innerreps; j++) {
#pragma omp parallel for
		for (int i = 0; i < nthreads; i++)
			delay(delaylength);
	}
}

static void test_barrier(void)
{
#pragma omp parallel
	for (long j = 0; j < innerreps; j++) {
		delay(delaylength);
#pragma omp barrier
	}
}

static void test_single(void)
{
#pragma omp parallel
	for (long j = 0; j < innerreps; j++) {
#pragma omp single
		delay(delaylength);
	}
}

static void test_critical(void)
{
	counter = 0;
	expected = innerreps / nthreads * nthreads;
#pragma omp parallel
	for (long j = 0; j < innerreps / nthreads; j++) {
#pragma omp critical
		{
			delay(delaylength);
			counter++;
		}
	}
}

static void test_lock(void)
{
	counter = 0;
	expected = innerreps / nthreads * nthreads;
#pragma omp parallel
	for (long j = 0; j < innerreps / nthreads; j++) {
		omp_set_lock(&lock);
		delay(delaylength);
		counter++;
		omp_unset_lock(&lock);
	}
}

static void test_atomic(void)
{
	counter = 0;
	expected = innerreps / nthreads * nthreads;
#pragma omp parallel
	for (long j = 0; j < innerreps / nthreads; j++) {
#pragma omp atomic
		counter++;
	}
}

/* EPCC's reference for atomic: the same number of plain updates on one thread. */
static void reference_atomic(void)
{
	volatile long plain = 0;
	for (long j = 0; j < innerreps; j++)
		plain = plain + 1;
}

static void test_reduction(void)
{
	long total = 0;
	for (long j = 0; j < innerreps; j++) {
		long part = 0;
#pragma omp parallel reduction(+ : part)
		{
			delay(delaylength);
			part += 1;
		}
		total += part;
	}
	counter = total;
	expected = innerreps * nthreads;
}

static int check_counter(void)
{
	return counter == expected;
}

int main(int argc, char **argv)
{
	epcc_setup(bench_size(argc, argv));
	omp_init_lock(&lock);
	epcc_measure("epcc_parallel", test_parallel, reference_delay, NULL);
	epcc_measure("epcc_for", test_for, reference_delay, NULL);
	epcc_measure("epcc_parallel_for", test_parallel_for, reference_delay, NULL);
	epcc_measure("epcc_barrier", test_barrier, reference_delay, NULL);
	epcc_measure("epcc_single", test_single, reference_delay, NULL);
	epcc_measure("epcc_critical", test_critical, reference_delay, check_counter);
	epcc_measure("epcc_lock", test_lock, reference_delay, check_counter);
	epcc_measure("epcc_atomic", test_atomic, reference_atomic, check_counter);
	epcc_measure("epcc_reduction", test_reduction, reference_delay, check_counter);
	omp_destroy_lock(&lock);
	return bench_exit();
}
