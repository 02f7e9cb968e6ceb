/* submit_fates.c: each way the integration manager may dispose of a new
 * task, one phase per argument, so that BEAT_STATS' decision counts can be
 * attributed: "rule" (if(0) tasks), "throttle" (one creator far ahead of
 * its team), "queued" (deferred tasks with work), "deps" (a chain of
 * inout dependences), "cancel" (tasks made in a cancelled taskgroup).
 * Prints a checksum that must match libgomp's. */
#include "common.h"

#include <stdio.h>
#include <string.h>

static volatile double sink;

static long work(long i, int spins)
{
	double x = (double)i;
	for (int k = 0; k < spins; k++)
		x = x * 1.0000001 + 0.5;
	sink = x;
	return i;
}

static long phase_rule(void)
{
	long sum = 0;
#pragma omp parallel
#pragma omp single
	for (long i = 0; i < 200; i++) {
#pragma omp task if(0) shared(sum)
		sum += work(i, 10);
	}
	return sum;
}

static long phase_spawn(int n, int spins)
{
	long sum = 0;
#pragma omp parallel
#pragma omp single
	for (long i = 0; i < n; i++) {
#pragma omp task shared(sum)
		{
			long v = work(i, spins);
#pragma omp atomic
			sum += v;
		}
	}
	return sum;
}

static long phase_deps(void)
{
	long chain = 0;
#pragma omp parallel
#pragma omp single
	for (long i = 0; i < 300; i++) {
#pragma omp task depend(inout: chain) shared(chain)
		chain = chain * 3 % 1000003 + work(i, 200);
	}
	return chain;
}

static long phase_cancel(void)
{
	long made = 0;
#pragma omp parallel
#pragma omp single
#pragma omp taskgroup
	{
		/* Runs at once (if(0)) and cancels the group before the loop. */
#pragma omp task if(0)
		{
#pragma omp cancel taskgroup
		}
		for (long i = 0; i < 100; i++) {
#pragma omp task shared(made)
			{
#pragma omp atomic
				made++;
			}
		}
	}
	/* With cancellation on no task is made; with it off all run. */
	return made == 0 || made == 100;
}

int main(int argc, char **argv)
{
	const char *phase = argc > 1 ? argv[1] : "rule";
	long r;
	if (!strcmp(phase, "rule"))
		r = phase_rule();
	else if (!strcmp(phase, "throttle"))
		r = phase_spawn(5000, 20000);
	else if (!strcmp(phase, "queued"))
		r = phase_spawn(100, 20000); /* below the throttle (64 per member) */
	else if (!strcmp(phase, "deps"))
		r = phase_deps();
	else if (!strcmp(phase, "cancel"))
		r = phase_cancel();
	else {
		fprintf(stderr, "unknown phase %s\n", phase);
		return 2;
	}
	printf("%s %ld\n", phase, r);
	return 0;
}
