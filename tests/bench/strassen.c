/* strassen.c measures coarse recursive tasks that allocate temporaries: Strassen's n x n matrix product, seven product tasks per level down to a plain multiply of CUTOFF x CUTOFF blocks. */
#include "bench.h"
#include <math.h>

#define CUTOFF 64

/* C = A B for h x h row-major blocks with leading dimensions. */
static void multiply_plain(long h, const double *a, long lda, const double *b, long ldb, double *c,
			   long ldc)
{
	for (long i = 0; i < h; i++) {
		double *ci = c + i * ldc;
		for (long j = 0; j < h; j++)
			ci[j] = 0;
		for (long k = 0; k < h; k++) {
			double aik = a[i * lda + k];
			const double *bk = b + k * ldb;
			for (long j = 0; j < h; j++)
				ci[j] += aik * bk[j];
		}
	}
}

/* out (h x h, dense) = x + sign y, or a copy of x when y is NULL. */
static void combine(long h, const double *x, const double *y, long ld, double sign, double *out)
{
	for (long i = 0; i < h; i++)
		for (long j = 0; j < h; j++)
			out[i * h + j] = x[i * ld + j] + (y ? sign * y[i * ld + j] : 0.0);
}

static void strassen(long n, const double *a, long lda, const double *b, long ldb, double *c, long ldc);

/* m = (a1 + sa a2)(b1 + sb b2), operands h x h with leading dimensions lda, ldb. */
static void product(long h, const double *a1, const double *a2, double sa, long lda, const double *b1,
		    const double *b2, double sb, long ldb, double *m)
{
	double *ta = bench_alloc((size_t)(h * h) * sizeof *ta);
	double *tb = bench_alloc((size_t)(h * h) * sizeof *tb);
	combine(h, a1, a2, lda, sa, ta);
	combine(h, b1, b2, ldb, sb, tb);
	strassen(h, ta, h, tb, h, m, h);
	free(ta);
	free(tb);
}

static void strassen(long n, const double *a, long lda, const double *b, long ldb, double *c, long ldc)
{
	if (n <= CUTOFF) {
		multiply_plain(n, a, lda, b, ldb, c, ldc);
		return;
	}
	long h = n / 2;
	const double *a11 = a, *a12 = a + h, *a21 = a + h * lda, *a22 = a + h * lda + h;
	const double *b11 = b, *b12 = b + h, *b21 = b + h * ldb, *b22 = b + h * ldb + h;
	double *m[7];
	for (int i = 0; i < 7; i++)
		m[i] = bench_alloc((size_t)(h * h) * sizeof *m[i]);
#pragma omp task
	product(h, a11, a22, 1, lda, b11, b22, 1, ldb, m[0]);
#pragma omp task
	product(h, a21, a22, 1, lda, b11, NULL, 0, ldb, m[1]);
#pragma omp task
	product(h, a11, NULL, 0, lda, b12, b22, -1, ldb, m[2]);
#pragma omp task
	product(h, a22, NULL, 0, lda, b21, b11, -1, ldb, m[3]);
#pragma omp task
	product(h, a11, a12, 1, lda, b22, NULL, 0, ldb, m[4]);
#pragma omp task
	product(h, a21, a11, -1, lda, b11, b12, 1, ldb, m[5]);
#pragma omp task
	product(h, a12, a22, -1, lda, b21, b22, 1, ldb, m[6]);
#pragma omp taskwait
	for (long i = 0; i < h; i++)
		for (long j = 0; j < h; j++) {
			long k = i * h + j;
			c[i * ldc + j] = m[0][k] + m[3][k] - m[4][k] + m[6][k];
			c[i * ldc + j + h] = m[2][k] + m[4][k];
			c[(i + h) * ldc + j] = m[1][k] + m[3][k];
			c[(i + h) * ldc + j + h] = m[0][k] - m[1][k] + m[2][k] + m[5][k];
		}
	for (int i = 0; i < 7; i++)
		free(m[i]);
}

int main(int argc, char **argv)
{
	static const long sizes[SIZE_COUNT] = {256, 1024, 2048, 4096};
	long n = sizes[bench_size(argc, argv)];
	double *a = bench_alloc((size_t)(n * n) * sizeof *a);
	double *b = bench_alloc((size_t)(n * n) * sizeof *b);
	double *c = bench_alloc((size_t)(n * n) * sizeof *c);
	uint64_t seed = 3;
	for (long i = 0; i < n * n; i++) {
		a[i] = 2 * bench_unit(&seed) - 1;
		b[i] = 2 * bench_unit(&seed) - 1;
		c[i] = 0;
	}
	bench_warmup();
	double t0 = bench_now();
#pragma omp parallel
#pragma omp single
	strassen(n, a, n, b, n, c, n);
	double t = bench_now() - t0;

	/* Check 256 entries against the plain dot product. */
	double err = 0;
	for (int s = 0; s < 256; s++) {
		long i = (long)(bench_rand(&seed) % (uint64_t)n), j = (long)(bench_rand(&seed) % (uint64_t)n);
		double d = 0;
		for (long k = 0; k < n; k++)
			d += a[i * n + k] * b[k * n + j];
		double e = fabs(d - c[i * n + j]);
		if (e > err)
			err = e;
	}
	int ok = err < 1e-8 * (double)n;
	if (!ok)
		fprintf(stderr, "strassen: largest error %g\n", err);
	bench_result("strassen", "s", t, ok);
	free(a);
	free(b);
	free(c);
	return bench_exit();
}
