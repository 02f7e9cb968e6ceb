/* nqueens.c measures medium-grained recursive tasks that copy their argument block: counting n-queens solutions with one task per safe placement in the first CUTOFF rows. */
#include "bench.h"

#define MAXN 20
#define CUTOFF 6

struct board {
	signed char col[MAXN];
};

static int safe(const signed char *col, int row, int c)
{
	for (int i = 0; i < row; i++) {
		int d = col[i] - c;
		if (d == 0 || d == row - i || -d == row - i)
			return 0;
	}
	return 1;
}

static long queens_serial(int n, int row, signed char *col)
{
	if (row == n)
		return 1;
	long count = 0;
	for (int c = 0; c < n; c++)
		if (safe(col, row, c)) {
			col[row] = (signed char)c;
			count += queens_serial(n, row + 1, col);
		}
	return count;
}

static long queens_task(int n, int row, const struct board *b)
{
	if (row >= CUTOFF || row == n) {
		struct board mine = *b;
		return queens_serial(n, row, mine.col);
	}
	long counts[MAXN];
	for (int c = 0; c < n; c++) {
		counts[c] = 0;
		if (!safe(b->col, row, c))
			continue;
		struct board next = *b;
		next.col[row] = (signed char)c;
#pragma omp task firstprivate(next) shared(counts)
		counts[c] = queens_task(n, row + 1, &next);
	}
#pragma omp taskwait
	long total = 0;
	for (int c = 0; c < n; c++)
		total += counts[c];
	return total;
}

int main(int argc, char **argv)
{
	/* Solutions for n = 0..16 (OEIS A000170). */
	static const long known[17] = {1, 1, 0, 0, 2, 10, 4, 40, 92, 352, 724, 2680, 14200,
				       73712, 365596, 2279184, 14772512};
	static const int sizes[SIZE_COUNT] = {9, 13, 14, 15};
	int n = sizes[bench_size(argc, argv)];
	struct board empty;
	memset(&empty, 0, sizeof empty);
	long r = 0;
	bench_warmup();
	double t0 = bench_now();
#pragma omp parallel
#pragma omp single
	r = queens_task(n, 0, &empty);
	double t = bench_now() - t0;
	if (r != known[n])
		fprintf(stderr, "%d-queens: %ld solutions, expected %ld\n", n, r, known[n]);
	bench_result("nqueens", "s", t, r == known[n]);
	return bench_exit();
}
