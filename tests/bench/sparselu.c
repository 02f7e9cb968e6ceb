/* sparselu.c measures task dependences: LU factorisation of a sparse blocked matrix, one task per block operation ordered only by depend(in/inout) on the blocks. */
#include "bench.h"
#include <math.h>

static int nb, bs; /* blocks per side, block side */

/* The BOTS SparseLU pattern, with diagonally dominant diagonal blocks so that
   factorising without pivoting is stable. */
static double **make_matrix(void)
{
	double **m = bench_alloc((size_t)(nb * nb) * sizeof *m);
	uint64_t seed = 1325;
	for (int ii = 0; ii < nb; ii++)
		for (int jj = 0; jj < nb; jj++) {
			int null_entry = 0;
			if (ii < jj && ii % 3 != 0)
				null_entry = 1;
			if (ii > jj && jj % 3 != 0)
				null_entry = 1;
			if (ii % 2 == 1 || jj % 2 == 1)
				null_entry = 1;
			if (ii == jj || ii == jj - 1 || ii - 1 == jj)
				null_entry = 0;
			m[ii * nb + jj] = NULL;
			if (null_entry)
				continue;
			double *p = bench_alloc((size_t)(bs * bs) * sizeof *p);
			for (int k = 0; k < bs * bs; k++)
				p[k] = 2 * bench_unit(&seed) - 1;
			if (ii == jj)
				for (int k = 0; k < bs; k++)
					p[k * bs + k] += 4.0 * bs * nb;
			m[ii * nb + jj] = p;
		}
	return m;
}

static double *zero_block(void)
{
	double *p = bench_alloc((size_t)(bs * bs) * sizeof *p);
	memset(p, 0, (size_t)(bs * bs) * sizeof *p);
	return p;
}

static void lu0(double *diag)
{
	for (int k = 0; k < bs; k++)
		for (int i = k + 1; i < bs; i++) {
			diag[i * bs + k] /= diag[k * bs + k];
			double f = diag[i * bs + k];
			for (int j = k + 1; j < bs; j++)
				diag[i * bs + j] -= f * diag[k * bs + j];
		}
}

static void fwd(const double *diag, double *col)
{
	for (int k = 0; k < bs; k++)
		for (int i = k + 1; i < bs; i++) {
			double f = diag[i * bs + k];
			for (int j = 0; j < bs; j++)
				col[i * bs + j] -= f * col[k * bs + j];
		}
}

static void bdiv(const double *diag, double *row)
{
	for (int i = 0; i < bs; i++)
		for (int k = 0; k < bs; k++) {
			row[i * bs + k] /= diag[k * bs + k];
			double f = row[i * bs + k];
			for (int j = k + 1; j < bs; j++)
				row[i * bs + j] -= f * diag[k * bs + j];
		}
}

static void bmod(const double *row, const double *col, double *inner)
{
	for (int i = 0; i < bs; i++)
		for (int k = 0; k < bs; k++) {
			double f = row[i * bs + k];
			for (int j = 0; j < bs; j++)
				inner[i * bs + j] -= f * col[k * bs + j];
		}
}

/* y += A x over the nonzero blocks. */
static void matvec(double **a, const double *x, double *y)
{
	for (int bi = 0; bi < nb; bi++)
		for (int bj = 0; bj < nb; bj++) {
			const double *p = a[bi * nb + bj];
			if (!p)
				continue;
			for (int r = 0; r < bs; r++)
				for (int c = 0; c < bs; c++)
					y[bi * bs + r] += p[r * bs + c] * x[bj * bs + c];
		}
}

/* y -= P z for one block P. */
static void block_sub(const double *p, const double *z, double *y)
{
	for (int r = 0; r < bs; r++)
		for (int c = 0; c < bs; c++)
			y[r] -= p[r * bs + c] * z[c];
}

/* Solves L U z = y in place with the factorised blocks: L is unit lower
   (blocks below the diagonal and the strict lower part of diagonal blocks),
   U is upper (blocks above the diagonal and the rest of diagonal blocks). */
static void lu_solve(double **a, double *y)
{
	for (int i = 0; i < nb; i++) {
		double *yi = y + i * bs;
		for (int k = 0; k < i; k++)
			if (a[i * nb + k])
				block_sub(a[i * nb + k], y + k * bs, yi);
		const double *d = a[i * nb + i];
		for (int r = 0; r < bs; r++)
			for (int c = 0; c < r; c++)
				yi[r] -= d[r * bs + c] * yi[c];
	}
	for (int i = nb - 1; i >= 0; i--) {
		double *yi = y + i * bs;
		for (int j = i + 1; j < nb; j++)
			if (a[i * nb + j])
				block_sub(a[i * nb + j], y + j * bs, yi);
		const double *d = a[i * nb + i];
		for (int r = bs - 1; r >= 0; r--) {
			for (int c = r + 1; c < bs; c++)
				yi[r] -= d[r * bs + c] * yi[c];
			yi[r] /= d[r * bs + r];
		}
	}
}

/* One thread creates every task; a block's first element names it in the
   dependences. Fill-in blocks are allocated by the creating thread, before the
   task that writes them exists. */
static void sparselu_tasks(double **a)
{
	for (int k = 0; k < nb; k++) {
		double *dkk = a[k * nb + k];
#pragma omp task firstprivate(dkk) depend(inout : dkk[0])
		lu0(dkk);
		for (int j = k + 1; j < nb; j++) {
			double *dkj = a[k * nb + j];
			if (!dkj)
				continue;
#pragma omp task firstprivate(dkk, dkj) depend(in : dkk[0]) depend(inout : dkj[0])
			fwd(dkk, dkj);
		}
		for (int i = k + 1; i < nb; i++) {
			double *dik = a[i * nb + k];
			if (!dik)
				continue;
#pragma omp task firstprivate(dkk, dik) depend(in : dkk[0]) depend(inout : dik[0])
			bdiv(dkk, dik);
		}
		for (int i = k + 1; i < nb; i++) {
			double *dik = a[i * nb + k];
			if (!dik)
				continue;
			for (int j = k + 1; j < nb; j++) {
				double *dkj = a[k * nb + j];
				if (!dkj)
					continue;
				if (!a[i * nb + j])
					a[i * nb + j] = zero_block();
				double *dij = a[i * nb + j];
#pragma omp task firstprivate(dik, dkj, dij) depend(in : dik[0], dkj[0]) depend(inout : dij[0])
				bmod(dik, dkj, dij);
			}
		}
	}
#pragma omp taskwait
}

int main(int argc, char **argv)
{
	static const int nbs[SIZE_COUNT] = {10, 45, 64, 100};
	static const int bss[SIZE_COUNT] = {16, 45, 80, 100};
	int sz = bench_size(argc, argv);
	nb = nbs[sz];
	bs = bss[sz];
	double **a = make_matrix();
	long n = (long)nb * bs;
	double *x = bench_alloc((size_t)n * sizeof *x);
	double *y = bench_alloc((size_t)n * sizeof *y);
	uint64_t seed = 99;
	for (long i = 0; i < n; i++) {
		x[i] = 2 * bench_unit(&seed) - 1;
		y[i] = 0;
	}
	matvec(a, x, y);
	bench_warmup();
	double t0 = bench_now();
#pragma omp parallel
#pragma omp single
	sparselu_tasks(a);
	double t = bench_now() - t0;

	/* Check: solving with the factors gives back x from y = A x. */
	lu_solve(a, y);
	double err = 0;
	for (long i = 0; i < n; i++) {
		double e = fabs(y[i] - x[i]);
		if (!(e <= err))
			err = e;
	}
	int ok = err < 1e-8;
	if (!ok)
		fprintf(stderr, "sparselu: the factors do not solve A z = A x (largest error %g)\n", err);
	bench_result("sparselu", "s", t, ok);
	for (int b = 0; b < nb * nb; b++)
		free(a[b]);
	free(a);
	free(x);
	free(y);
	return bench_exit();
}
