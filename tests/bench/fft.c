/* fft.c measures recursive tasks with a memory-bound combine step: a radix-2 complex FFT of n points, divide and conquer with tasks for the halves and for the butterflies. */
#include "bench.h"
#include <math.h>

#define SERIAL_CUTOFF 4096
#define BUTTERFLY_CHUNK 8192

typedef struct {
	double re, im;
} cplx;

static inline cplx cmul(cplx a, cplx b)
{
	return (cplx){a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}

/* Butterflies of one level: out[k], out[k + half] for k in [lo, hi). */
static void butterflies(cplx *out, long half, long lo, long hi, const cplx *w, long wstep)
{
	for (long k = lo; k < hi; k++) {
		cplx t = cmul(w[k * wstep], out[k + half]);
		cplx u = out[k];
		out[k] = (cplx){u.re + t.re, u.im + t.im};
		out[k + half] = (cplx){u.re - t.re, u.im - t.im};
	}
}

/* out[0..n) = DFT of in[0], in[stride], ..., in[(n-1) stride]; w holds
   exp(-2 pi i j / N) for j < N/2 and wstep = N / n. */
static void fft_serial(const cplx *in, cplx *out, long n, long stride, const cplx *w, long wstep)
{
	if (n == 1) {
		out[0] = in[0];
		return;
	}
	long half = n / 2;
	fft_serial(in, out, half, 2 * stride, w, 2 * wstep);
	fft_serial(in + stride, out + half, half, 2 * stride, w, 2 * wstep);
	butterflies(out, half, 0, half, w, wstep);
}

static void fft_task(const cplx *in, cplx *out, long n, long stride, const cplx *w, long wstep)
{
	if (n <= SERIAL_CUTOFF) {
		fft_serial(in, out, n, stride, w, wstep);
		return;
	}
	long half = n / 2;
#pragma omp task
	fft_task(in, out, half, 2 * stride, w, 2 * wstep);
#pragma omp task
	fft_task(in + stride, out + half, half, 2 * stride, w, 2 * wstep);
#pragma omp taskwait
	for (long lo = 0; lo < half; lo += BUTTERFLY_CHUNK) {
		long hi = lo + BUTTERFLY_CHUNK < half ? lo + BUTTERFLY_CHUNK : half;
#pragma omp task
		butterflies(out, half, lo, hi, w, wstep);
	}
#pragma omp taskwait
}

/* exp(-2 pi i m / n) for any m in [0, n), from the half table. */
static cplx twiddle(const cplx *w, long n, long m)
{
	return m < n / 2 ? w[m] : (cplx){-w[m - n / 2].re, -w[m - n / 2].im};
}

int main(int argc, char **argv)
{
	static const int log_sizes[SIZE_COUNT] = {14, 23, 25, 27};
	long n = 1L << log_sizes[bench_size(argc, argv)];
	cplx *in = bench_alloc((size_t)n * sizeof *in);
	cplx *out = bench_alloc((size_t)n * sizeof *out);
	cplx *w = bench_alloc((size_t)(n / 2) * sizeof *w);
	uint64_t seed = 7;
	for (long i = 0; i < n; i++) {
		in[i].re = 2 * bench_unit(&seed) - 1;
		in[i].im = 2 * bench_unit(&seed) - 1;
		out[i] = (cplx){0, 0};
	}
	/* Twiddles: exact every 256 entries, a rotation in between. */
	cplx step = {cos(2 * M_PI / (double)n), -sin(2 * M_PI / (double)n)};
	for (long j = 0; j < n / 2; j++) {
		double a = 2 * M_PI * (double)j / (double)n;
		w[j] = j % 256 == 0 ? (cplx){cos(a), -sin(a)} : cmul(w[j - 1], step);
	}
	bench_warmup();
	double t0 = bench_now();
#pragma omp parallel
#pragma omp single
	fft_task(in, out, n, 1, w, 1);
	double t = bench_now() - t0;

	/* Check: four bins against the direct sum, and Parseval's identity
	   (sum |X|^2 = n sum |x|^2) over all of them. */
	double err = 0;
	for (int s = 0; s < 4; s++) {
		long k = (long)(bench_rand(&seed) % (uint64_t)n);
		cplx direct = {0, 0};
		for (long j = 0, m = 0; j < n; j++, m = m + k >= n ? m + k - n : m + k) {
			cplx p = cmul(in[j], twiddle(w, n, m));
			direct.re += p.re;
			direct.im += p.im;
		}
		double e = hypot(direct.re - out[k].re, direct.im - out[k].im) / sqrt((double)n);
		if (e > err)
			err = e;
	}
	double energy_in = 0, energy_out = 0;
	for (long i = 0; i < n; i++) {
		energy_in += in[i].re * in[i].re + in[i].im * in[i].im;
		energy_out += out[i].re * out[i].re + out[i].im * out[i].im;
	}
	double e = fabs(energy_out / (double)n - energy_in) / energy_in;
	if (e > err)
		err = e;
	int ok = err < 1e-9;
	if (!ok)
		fprintf(stderr, "fft: error %g\n", err);
	bench_result("fft", "s", t, ok);
	free(in);
	free(out);
	free(w);
	return bench_exit();
}
