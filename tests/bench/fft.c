/* fft.c measures recursive tasks with a memory-bound combine step: a radix-2 complex FFT of n points, divide and conquer with tasks for the halves and for the butterflies. */
#include "bench.h"
#include <complex.h>
#include <math.h>

#define SERIAL_CUTOFF 4096
#define BUTTERFLY_CHUNK 8192

typedef double complex cplx;

/* Butterflies of one level: out[k], out[k + half] for k in [lo, hi). */
static void butterflies(cplx *out, long half, long lo, long hi, const cplx *w, long wstep)
{
	for (long k = lo; k < hi; k++) {
		cplx t = w[k * wstep] * out[k + half];
		out[k + half] = out[k] - t;
		out[k] = out[k] + t;
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

int main(int argc, char **argv)
{
	static const int log_sizes[SIZE_COUNT] = {14, 22, 24, 26};
	long n = 1L << log_sizes[bench_size(argc, argv)];
	cplx *in = bench_alloc((size_t)n * sizeof *in);
	cplx *out = bench_alloc((size_t)n * sizeof *out);
	cplx *w = bench_alloc((size_t)(n / 2) * sizeof *w);
	uint64_t seed = 7;
	for (long i = 0; i < n; i++) {
		double re = 2 * bench_unit(&seed) - 1, im = 2 * bench_unit(&seed) - 1;
		in[i] = re + im * I;
		out[i] = 0;
	}
	for (long j = 0; j < n / 2; j++)
		w[j] = cexp(-2.0 * M_PI * I * (double)j / (double)n);
	bench_warmup();
	double t0 = bench_now();
#pragma omp parallel
#pragma omp single
	fft_task(in, out, n, 1, w, 1);
	double t = bench_now() - t0;

	/* Check: a few bins against the direct sum, and the inverse transform
	   (serial, conj(fft(conj(X))) / n) against the input. */
	double err = 0;
	for (int s = 0; s < 4; s++) {
		long k = (long)(bench_rand(&seed) % (uint64_t)n);
		cplx direct = 0;
		for (long j = 0; j < n; j++)
			direct += in[j] * w[(j * k) % n < n / 2 ? (j * k) % n : (j * k) % n - n / 2] *
				  ((j * k) % n < n / 2 ? 1 : -1);
		double e = cabs(direct - out[k]) / sqrt((double)n);
		if (e > err)
			err = e;
	}
	cplx *back = bench_alloc((size_t)n * sizeof *back);
	for (long i = 0; i < n; i++)
		out[i] = conj(out[i]);
	fft_serial(out, back, n, 1, w, 1);
	for (long i = 0; i < n; i++) {
		double e = cabs(conj(back[i]) / (double)n - in[i]);
		if (e > err)
			err = e;
	}
	int ok = err < 1e-9;
	if (!ok)
		fprintf(stderr, "fft: error %g\n", err);
	bench_result("fft", "s", t, ok);
	free(back);
	free(in);
	free(out);
	free(w);
	return bench_exit();
}
