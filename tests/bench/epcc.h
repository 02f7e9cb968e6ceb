/* epcc.h is the measuring core the EPCC-style microbenchmarks share (not a program itself).

   Method (EPCC OpenMP microbenchmarks, J. M. Bull et al.): a test runs a
   construct innerreps times around a short delay; its reference runs the same
   delays with no construct. innerreps starts where the delays alone take an
   eighth of target_s (so that what a test pays once, such as waking a
   sleeping team, is spread over many repetitions), is scaled down in one step
   when a test takes over 16 target_s, and doubled until one takes target_s;
   then it is scaled so that one test takes about target_s (the fastest of
   three timings decides), and the test and the reference are timed
   outerreps times each, alternately.

   That last scaling makes every runtime's timings about equally long. With
   doubling alone a runtime just fast enough to need one more doubling timed
   samples twice as long as a slower one's (2.0 against 1.2 ms), and beside
   a busy process (bench --contended) a longer sample more often holds one
   of the time slices (about 4 ms) in which that process has the CPU a team
   thread waits for: the faster runtime's median was then the slower one. The overhead of the construct is

       median(test time) / innerreps - median(reference time) / innerreps

   in microseconds: the extra time one repetition costs each thread. */
#ifndef BEAT_EPCC_H
#define BEAT_EPCC_H

#include "bench.h"

static int delaylength = 1; /* iterations of delay() that take about 0.1 us */
static double delay_s = 0.1e-6; /* what one delay(delaylength) measured */
static int nthreads = 1;
static int outerreps = 20;
static double target_s = 0.001;
static long innerreps;

__attribute__((noinline)) static void delay(int length)
{
	float a = 0;
	for (int i = 0; i < length; i++)
		a += (float)i;
	if (a < 0)
		printf("%f\n", a);
}

static void calibrate_delay(void)
{
	const double want = 0.1e-6;
	for (int length = 1;; length *= 2) {
		double t0 = bench_now();
		for (int r = 0; r < 10000; r++)
			delay(length);
		double each = (bench_now() - t0) / 10000;
		if (each >= want || length >= (1 << 20)) {
			delaylength = (int)(length * want / (each > 0 ? each : want));
			if (delaylength < 1)
				delaylength = 1;
			break;
		}
	}
	double t0 = bench_now();
	for (int r = 0; r < 10000; r++)
		delay(delaylength);
	delay_s = (bench_now() - t0) / 10000;
	if (delay_s <= 0)
		delay_s = want;
}

/* innerreps rounded down to a multiple of the team size, at least one team. */
static long whole_teams(long reps)
{
	reps -= reps % nthreads;
	return reps < nthreads ? nthreads : reps;
}

static void epcc_setup(int size)
{
	static const int outer[SIZE_COUNT] = {3, 20, 50, 100};
	static const double target[SIZE_COUNT] = {0.0002, 0.001, 0.002, 0.005};
	outerreps = outer[size];
	target_s = target[size];
	bench_warmup();
	nthreads = bench_threads;
	calibrate_delay();
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double time_once(void (*fn)(void))
{
	double t0 = bench_now();
	fn();
	return bench_now() - t0;
}

/* The reference most tests share: innerreps delays on one thread. */
static void reference_delay(void)
{
	for (long j = 0; j < innerreps; j++)
		delay(delaylength);
}

/* Times test against reference and prints the overhead line; check() says
   whether the test's side effects were right (NULL: nothing to check). */
static void epcc_measure(const char *name, void (*test)(void), void (*reference)(void), int (*check)(void))
{
	innerreps = whole_teams((long)(target_s / 8 / delay_s));
	test(); /* warm: first touch, lazily made pools */
	double t = time_once(test);
	if (t > 16 * target_s) {
		/* Far too slow (a team fighting for its cores): scale down in one
		   step, so calibrating costs about two tests, not a dozen. */
		innerreps = whole_teams((long)((double)innerreps * target_s / t));
		t = time_once(test);
	}
	while (t < target_s && innerreps < (1L << 30)) {
		innerreps *= 2;
		t = time_once(test);
	}
	for (int k = 0; k < 2; k++) {
		double again = time_once(test);
		if (again < t)
			t = again;
	}
	if (t > target_s)
		innerreps = whole_teams((long)((double)innerreps * target_s / t));
	double tt[outerreps], rt[outerreps];
	int ok = 1;
	for (int k = 0; k < outerreps; k++) {
		tt[k] = time_once(test);
		if (check && !check())
			ok = 0;
		rt[k] = time_once(reference);
	}
	double overhead = (median(tt, outerreps) - median(rt, outerreps)) / (double)innerreps * 1e6;
	if (!ok)
		fprintf(stderr, "%s: wrong result\n", name);
	bench_result(name, "us", overhead, ok);
}

#endif
