/* loop_sched.c measures worksharing-loop scheduling: one unbalanced loop (iteration cost grows with the index) run as many combined parallel for regions with schedule(static), then dynamic, then guided. */
#include "bench.h"

#define ITERS 2048

static double work(long i)
{
	double x = (double)i;
	long cost = 8 + (i * 256) / ITERS;
	for (long k = 0; k < cost; k++)
		x = x * 0.999999 + 0.5;
	return x;
}

static double checksum(const double *out)
{
	double s = 0;
	for (long i = 0; i < ITERS; i++)
		s += out[i];
	return s;
}

int main(int argc, char **argv)
{
	static const int reps_of[SIZE_COUNT] = {10, 600, 3000, 12000};
	int reps = reps_of[bench_size(argc, argv)];
	double *out = bench_alloc(ITERS * sizeof *out);
	double expect = 0;
	for (long i = 0; i < ITERS; i++)
		expect += work(i);
	bench_warmup();
	const char *names[3] = {"loop_static", "loop_dynamic", "loop_guided"};
	for (int sched = 0; sched < 3; sched++) {
		memset(out, 0, ITERS * sizeof *out);
		double t0 = bench_now();
		for (int r = 0; r < reps; r++) {
			if (sched == 0) {
#pragma omp parallel for schedule(static)
				for (long i = 0; i < ITERS; i++)
					out[i] = work(i);
			} else if (sched == 1) {
#pragma omp parallel for schedule(dynamic)
				for (long i = 0; i < ITERS; i++)
					out[i] = work(i);
			} else {
#pragma omp parallel for schedule(guided)
				for (long i = 0; i < ITERS; i++)
					out[i] = work(i);
			}
		}
		double t = bench_now() - t0;
		int bad = checksum(out) != expect;
		if (bad)
			fprintf(stderr, "%s: loop results differ from the serial loop's\n", names[sched]);
		bench_result(names[sched], "s", t, !bad);
	}
	free(out);
	return bench_exit();
}
