/* bench.h holds what every benchmark kernel shares (not a kernel itself): the size
   argument, the clock, a deterministic random generator and the one result line.

   The result line is the whole interface between a kernel and scripts/bench:

     BENCH name=NAME size=SIZE threads=N unit=s|us|ns value=FLOAT check=ok|fail

   unit=s: seconds of the timed part (setup and verification are not timed);
   unit=us: microseconds of overhead per construct (the EPCC microbenchmarks);
   unit=ns: nanoseconds per task, averaged over millions of tasks (task_cost,
   fib_per_task); unlike us, never raised to the report's noise floor.
   threads is the team size the runtime really gave, measured in a parallel region.
   A kernel prints one line per thing it measures and exits 0 only when every
   check passed; anything else on stdout or stderr is commentary. */
#ifndef BEAT_BENCH_H
#define BEAT_BENCH_H

#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SIZE_TINY, SIZE_SMALL, SIZE_MEDIUM, SIZE_LARGE, SIZE_COUNT };

static const char *const bench_size_names[SIZE_COUNT] = {"tiny", "small", "medium", "large"};
static const char *bench_size_name = "small";
static int bench_threads;
static int bench_failed;

/* The size argument: tiny (a smoke test, well under 0.1 s), small (about a
   second on one core here), medium, large. Returns an index into per-kernel
   tables. */
static inline int bench_size(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : "small";
	for (int i = 0; i < SIZE_COUNT; i++)
		if (strcmp(s, bench_size_names[i]) == 0) {
			bench_size_name = bench_size_names[i];
			return i;
		}
	fprintf(stderr, "usage: %s [tiny|small|medium|large]\n", argv[0]);
	exit(2);
}

static inline double bench_now(void)
{
	return omp_get_wtime();
}

/* Starts the runtime's threads before anything is timed and records the team
   size the runtime gives. */
static inline void bench_warmup(void)
{
	int n = 0;
#pragma omp parallel
	{
#pragma omp single
		n = omp_get_num_threads();
	}
	bench_threads = n;
}

static inline void bench_result(const char *name, const char *unit, double value, int ok)
{
	if (!ok)
		bench_failed = 1;
	printf("BENCH name=%s size=%s threads=%d unit=%s value=%.6f check=%s\n", name,
	       bench_size_name, bench_threads, unit, value, ok ? "ok" : "fail");
	fflush(stdout);
}

static inline int bench_exit(void)
{
	return bench_failed ? 1 : 0;
}

/* splitmix64: a counter-based generator, so that any node or element can be
   regenerated from its index alone (the same values on every run and runtime). */
static inline uint64_t bench_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline uint64_t bench_rand(uint64_t *state)
{
	*state += 0x9e3779b97f4a7c15ULL;
	return bench_mix(*state);
}

/* A double uniform in [0, 1). */
static inline double bench_unit(uint64_t *state)
{
	return (double)(bench_rand(state) >> 11) * (1.0 / 9007199254740992.0);
}

static inline void *bench_alloc(size_t bytes)
{
	void *p = malloc(bytes ? bytes : 1);
	if (!p) {
		fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
		exit(3);
	}
	return p;
}

#endif
