/* thread_create.c measures what a short-lived program thread costs: N pthreads created and joined in batches of 64 (a batch is created, then joined, so that a runtime running such threads as tasks on its own pool can overlap them), with an empty start routine (thread_create_empty) and with one that spins for about a microsecond (thread_create_1us, the spin calibrated before anything is timed); unit ns per thread, creation to join. It is not an OpenMP program: bench_warmup's parallel region only starts the runtime's threads and fills threads= with the team size, which these threads do not use. */
#include <pthread.h>
#include "bench.h"

#define BATCH 64

/* Iterations of spin that take about a microsecond (calibrate). */
static uint64_t spin_iters = 1;

/* A chain of dependent multiply-adds the compiler must keep. */
static uint64_t spin(uint64_t seed, uint64_t iters)
{
	uint64_t x = seed;
	for (uint64_t i = 0; i < iters; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

static void *empty_routine(void *arg)
{
	return arg;
}

static void *spin_routine(void *arg)
{
	return (void *)(uintptr_t)spin((uintptr_t)arg, spin_iters);
}

/* The best of several timed spins (the fastest is the least disturbed) gives
   the iterations of one microsecond. */
static uint64_t calibrate(void)
{
	const uint64_t n = 1000000;
	double best = 1e9;
	for (int k = 0; k < 5; k++) {
		double t0 = bench_now();
		volatile uint64_t sink = spin((uint64_t)k, n);
		(void)sink;
		double t = bench_now() - t0;
		if (t < best)
			best = t;
	}
	uint64_t iters = (uint64_t)((double)n * 1e-6 / best);
	return iters ? iters : 1;
}

/* Creates and joins n threads running fn with arguments 0..n-1, BATCH at a
   time; returns the sum of what they returned. */
static uint64_t create_join(int n, void *(*fn)(void *))
{
	pthread_t th[BATCH];
	uint64_t sum = 0;
	for (int done = 0; done < n; done += BATCH) {
		int k = n - done < BATCH ? n - done : BATCH;
		for (int i = 0; i < k; i++) {
			int e = pthread_create(&th[i], NULL, fn, (void *)(uintptr_t)(done + i));
			if (e != 0) {
				fprintf(stderr, "pthread_create: %s\n", strerror(e));
				exit(3);
			}
		}
		for (int i = 0; i < k; i++) {
			void *r = NULL;
			pthread_join(th[i], &r);
			sum += (uintptr_t)r;
		}
	}
	return sum;
}

/* Times create_join(n, fn), prints its line (ns per thread) and checks the
   sum against expect. */
static void measure(const char *name, int n, void *(*fn)(void *), uint64_t expect)
{
	double t0 = bench_now();
	uint64_t sum = create_join(n, fn);
	double t = bench_now() - t0;
	if (sum != expect)
		fprintf(stderr, "%s: threads returned %llu in all, expected %llu\n", name,
			(unsigned long long)sum, (unsigned long long)expect);
	bench_result(name, "ns", t / n * 1e9, sum == expect);
}

int main(int argc, char **argv)
{
	static const int sizes[SIZE_COUNT] = {512, 20000, 80000, 320000};
	int n = sizes[bench_size(argc, argv)];
	bench_warmup();
	spin_iters = calibrate();
	create_join(BATCH, empty_routine);
	measure("thread_create_empty", n, empty_routine, (uint64_t)n * (uint64_t)(n - 1) / 2);
	uint64_t expect = 0;
	for (int i = 0; i < n; i++)
		expect += spin((uint64_t)i, spin_iters);
	measure("thread_create_1us", n, spin_routine, expect);
	fprintf(stderr, "thread_create: %llu spin iterations a microsecond\n",
		(unsigned long long)spin_iters);
	return bench_exit();
}
