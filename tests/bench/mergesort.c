/* mergesort.c measures recursive divide-and-conquer tasks over memory: sorting n 32-bit keys with a task-parallel split and a task-parallel merge. */
#include "bench.h"

#define SORT_CUTOFF 16384
#define MERGE_CUTOFF 16384

static void merge_serial(const uint32_t *a, long na, const uint32_t *b, long nb, uint32_t *out)
{
	long i = 0, j = 0, k = 0;
	while (i < na && j < nb)
		out[k++] = b[j] < a[i] ? b[j++] : a[i++];
	while (i < na)
		out[k++] = a[i++];
	while (j < nb)
		out[k++] = b[j++];
}

/* Sorts a[0..n) in place, using tmp[0..n) as scratch. */
static void sort_serial(uint32_t *a, uint32_t *tmp, long n)
{
	if (n <= 32) {
		for (long i = 1; i < n; i++) {
			uint32_t v = a[i];
			long j = i;
			while (j > 0 && a[j - 1] > v) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = v;
		}
		return;
	}
	long h = n / 2;
	sort_serial(a, tmp, h);
	sort_serial(a + h, tmp + h, n - h);
	merge_serial(a, h, a + h, n - h, tmp);
	memcpy(a, tmp, (size_t)n * sizeof *a);
}

/* First index of b[0..nb) whose key is >= v. */
static long lower_bound(const uint32_t *b, long nb, uint32_t v)
{
	long lo = 0, hi = nb;
	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;
		if (b[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void merge_task(const uint32_t *a, long na, const uint32_t *b, long nb, uint32_t *out)
{
	if (na + nb <= MERGE_CUTOFF) {
		merge_serial(a, na, b, nb, out);
		return;
	}
	if (na < nb) {
		const uint32_t *t = a;
		a = b;
		b = t;
		long tn = na;
		na = nb;
		nb = tn;
	}
	long ma = na / 2;
	long mb = lower_bound(b, nb, a[ma]);
#pragma omp task
	merge_task(a, ma, b, mb, out);
#pragma omp task
	merge_task(a + ma, na - ma, b + mb, nb - mb, out + ma + mb);
#pragma omp taskwait
}

/* Sorts the keys of a[0..n); they end in b when into_b, else in a. */
static void sort_task(uint32_t *a, uint32_t *b, long n, int into_b)
{
	if (n <= SORT_CUTOFF) {
		sort_serial(a, b, n);
		if (into_b)
			memcpy(b, a, (size_t)n * sizeof *a);
		return;
	}
	long h = n / 2;
#pragma omp task
	sort_task(a, b, h, !into_b);
#pragma omp task
	sort_task(a + h, b + h, n - h, !into_b);
#pragma omp taskwait
	const uint32_t *src = into_b ? a : b;
	uint32_t *dst = into_b ? b : a;
	merge_task(src, h, src + h, n - h, dst);
}

int main(int argc, char **argv)
{
	static const long sizes[SIZE_COUNT] = {1L << 16, 1L << 23, 1L << 25, 1L << 27};
	long n = sizes[bench_size(argc, argv)];
	uint32_t *a = bench_alloc((size_t)n * sizeof *a);
	uint32_t *b = bench_alloc((size_t)n * sizeof *b);
	uint64_t seed = 42, sum = 0, sumsq = 0;
	for (long i = 0; i < n; i++) {
		a[i] = (uint32_t)bench_rand(&seed);
		b[i] = 0;
		sum += a[i];
		sumsq += (uint64_t)a[i] * a[i];
	}
	bench_warmup();
	double t0 = bench_now();
#pragma omp parallel
#pragma omp single
	sort_task(a, b, n, 0);
	double t = bench_now() - t0;
	int ok = 1;
	uint64_t s2 = 0, sq2 = 0;
	for (long i = 0; i < n; i++) {
		if (i > 0 && a[i - 1] > a[i])
			ok = 0;
		s2 += a[i];
		sq2 += (uint64_t)a[i] * a[i];
	}
	if (s2 != sum || sq2 != sumsq)
		ok = 0;
	if (!ok)
		fprintf(stderr, "mergesort: output is not a sorted permutation of the input\n");
	bench_result("mergesort", "s", t, ok);
	free(a);
	free(b);
	return bench_exit();
}
