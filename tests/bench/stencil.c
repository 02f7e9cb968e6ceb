/* stencil.c measures barriers: a 2-D Jacobi heat stencil on a small grid, many sweeps inside one parallel region, one worksharing loop (and its implicit barrier) per sweep. */
#include "bench.h"

#define G 128

static void sweep_rows(const double *src, double *dst, long lo, long hi)
{
	for (long i = lo; i < hi; i++)
		for (long j = 1; j < G - 1; j++)
			dst[i * G + j] = 0.25 * (src[(i - 1) * G + j] + src[(i + 1) * G + j] + src[i * G + j - 1] +
						 src[i * G + j + 1]);
}

static void init(double *g)
{
	for (long i = 0; i < G; i++)
		for (long j = 0; j < G; j++)
			g[i * G + j] = (i == 0 || j == 0) ? 100.0 : (i == G - 1 || j == G - 1) ? -20.0 : 0.0;
}

int main(int argc, char **argv)
{
	static const int sweeps_of[SIZE_COUNT] = {200, 40000, 200000, 800000};
	int sweeps = sweeps_of[bench_size(argc, argv)];
	double *a = bench_alloc(G * G * sizeof *a), *b = bench_alloc(G * G * sizeof *b);
	double *ra = bench_alloc(G * G * sizeof *ra), *rb = bench_alloc(G * G * sizeof *rb);
	init(a);
	init(b);
	init(ra);
	init(rb);
	bench_warmup();
	double t0 = bench_now();
#pragma omp parallel
	{
		double *src = a, *dst = b;
		for (int s = 0; s < sweeps; s++) {
#pragma omp for schedule(static)
			for (long i = 1; i < G - 1; i++)
				sweep_rows(src, dst, i, i + 1);
			double *t = src;
			src = dst;
			dst = t;
		}
	}
	double t = bench_now() - t0;

	/* Check: the same sweeps serially give the same grid, bit for bit. */
	double *src = ra, *dst = rb;
	for (int s = 0; s < sweeps; s++) {
		sweep_rows(src, dst, 1, G - 1);
		double *tmp = src;
		src = dst;
		dst = tmp;
	}
	const double *got = sweeps % 2 ? b : a;
	int ok = memcmp(got, src, G * G * sizeof *got) == 0;
	if (!ok)
		fprintf(stderr, "stencil: grid differs from the serial sweeps'\n");
	bench_result("stencil", "s", t, ok);
	free(a);
	free(b);
	free(ra);
	free(rb);
	return bench_exit();
}
