/* Task algorithms checked against their serial answers: nqueens, mergesort,
 * a dependence-driven blocked LU, an unbalanced tree search, a deep chain
 * of waiting tasks (fibers park instead of nesting), and untied variants. */
#include <omp.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include "common.h"

/* ---------------------------------------------------------------- nqueens */
static int ok_place (const char *a, int n, int c)
{
  for (int i = 0; i < n; i++) {
    int p = a[i];
    if (p == c || p - (n - i) == c || p + (n - i) == c)
      return 0;
  }
  return 1;
}

static void queens (int n, int j, const char *a, int *count)
{
  if (n == j) {
#pragma omp atomic
    (*count)++;
    return;
  }
  for (int i = 0; i < n; i++) {
    char b[j + 1];
    memcpy (b, a, j);
    b[j] = (char) i;
    if (ok_place (b, j, i)) {
#pragma omp task firstprivate(b, i) shared(count)
      queens (n, j + 1, b, count);
    }
  }
#pragma omp taskwait
}

/* -------------------------------------------------------------- mergesort */
static void merge (long *a, long *tmp, int lo, int mid, int hi)
{
  int i = lo, j = mid, k = lo;
  while (i < mid && j < hi)
    tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
  while (i < mid) tmp[k++] = a[i++];
  while (j < hi) tmp[k++] = a[j++];
  memcpy (a + lo, tmp + lo, (hi - lo) * sizeof *a);
}

static void msort (long *a, long *tmp, int lo, int hi, int untied)
{
  if (hi - lo < 32) {
    for (int i = lo + 1; i < hi; i++)
      for (int j = i; j > lo && a[j - 1] > a[j]; j--) {
        long x = a[j]; a[j] = a[j - 1]; a[j - 1] = x;
      }
    return;
  }
  int mid = lo + (hi - lo) / 2;
  if (untied) {
#pragma omp task untied
    msort (a, tmp, lo, mid, untied);
#pragma omp task untied
    msort (a, tmp, mid, hi, untied);
  } else {
#pragma omp task
    msort (a, tmp, lo, mid, untied);
#pragma omp task
    msort (a, tmp, mid, hi, untied);
  }
#pragma omp taskwait
  merge (a, tmp, lo, mid, hi);
}

/* -------------------------------------------------------------- blocked LU */
#define NB 6
#define BS 16
static double A[NB][NB][BS * BS], S[NB][NB][BS * BS];

static void lu0 (double *d)
{
  for (int k = 0; k < BS; k++)
    for (int i = k + 1; i < BS; i++) {
      d[i * BS + k] /= d[k * BS + k];
      for (int j = k + 1; j < BS; j++)
        d[i * BS + j] -= d[i * BS + k] * d[k * BS + j];
    }
}
static void fwd (const double *d, double *c)
{
  for (int k = 0; k < BS; k++)
    for (int i = k + 1; i < BS; i++)
      for (int j = 0; j < BS; j++)
        c[i * BS + j] -= d[i * BS + k] * c[k * BS + j];
}
static void bdiv (const double *d, double *r)
{
  for (int i = 0; i < BS; i++)
    for (int k = 0; k < BS; k++) {
      r[i * BS + k] /= d[k * BS + k];
      for (int j = k + 1; j < BS; j++)
        r[i * BS + j] -= r[i * BS + k] * d[k * BS + j];
    }
}
static void bmod (const double *r, const double *c, double *in)
{
  for (int i = 0; i < BS; i++)
    for (int k = 0; k < BS; k++)
      for (int j = 0; j < BS; j++)
        in[i * BS + j] -= r[i * BS + k] * c[k * BS + j];
}

static void lu_init (double (*m)[NB][BS * BS])
{
  for (int i = 0; i < NB; i++)
    for (int j = 0; j < NB; j++)
      for (int x = 0; x < BS * BS; x++)
        m[i][j][x] = (double) ((i * 31 + j * 17 + x * 7) % 23) / 23.0 + (i == j && x % (BS + 1) == 0 ? NB * BS : 0);
}

static void lu_serial (void)
{
  for (int k = 0; k < NB; k++) {
    lu0 (S[k][k]);
    for (int j = k + 1; j < NB; j++) fwd (S[k][k], S[k][j]);
    for (int i = k + 1; i < NB; i++) bdiv (S[k][k], S[i][k]);
    for (int i = k + 1; i < NB; i++)
      for (int j = k + 1; j < NB; j++) bmod (S[i][k], S[k][j], S[i][j]);
  }
}

static void lu_tasks (void)
{
  for (int k = 0; k < NB; k++) {
#pragma omp task depend(inout: A[k][k])
    lu0 (A[k][k]);
    for (int j = k + 1; j < NB; j++) {
#pragma omp task depend(in: A[k][k]) depend(inout: A[k][j])
      fwd (A[k][k], A[k][j]);
    }
    for (int i = k + 1; i < NB; i++) {
#pragma omp task depend(in: A[k][k]) depend(inout: A[i][k])
      bdiv (A[k][k], A[i][k]);
    }
    for (int i = k + 1; i < NB; i++)
      for (int j = k + 1; j < NB; j++) {
#pragma omp task depend(in: A[i][k], A[k][j]) depend(inout: A[i][j])
        bmod (A[i][k], A[k][j], A[i][j]);
      }
  }
#pragma omp taskwait
}

/* ------------------------------------------------ unbalanced tree search */
static uint64_t mix (uint64_t x)
{
  x ^= x >> 33; x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}
static int kids (uint64_t id, int depth)
{
  if (depth > 18) return 0;
  uint64_t h = mix (id);
  return (h % 100) < 48 ? (int) (h >> 40) % 5 : 0; /* about 0.96 children per node */
}
static long uts_serial (uint64_t id, int depth)
{
  long n = 1;
  int k = kids (id, depth) + (depth < 3 ? 3 : 0);
  for (int i = 0; i < k; i++)
    n += uts_serial (mix (id + i + 1), depth + 1);
  return n;
}
static long uts_tasks (uint64_t id, int depth)
{
  long n = 1;
  int k = kids (id, depth) + (depth < 3 ? 3 : 0);
  long sub[8] = {0};
  for (int i = 0; i < k; i++) {
#pragma omp task shared(sub) firstprivate(i)
    sub[i] = uts_tasks (mix (id + i + 1), depth + 1);
  }
#pragma omp taskwait
  for (int i = 0; i < k; i++) n += sub[i];
  return n;
}

/* ------------------------------------------------- deep chain of waiters */
static long chain (int depth)
{
  if (depth == 0) return 0;
  long r = 0;
#pragma omp task shared(r)
  r = chain (depth - 1) + 1;
#pragma omp taskwait
  return r;
}

int main (void)
{
  static const int q_answer[] = {1, 0, 0, 2, 10, 4, 40, 92};
  for (int rep = 0; rep < 3; rep++) {
    int count = 0;
#pragma omp parallel
#pragma omp single
    queens (8, 0, "", &count);
    CHECK (count == q_answer[7], "nqueens(8) %d", count);
  }
  report ("nqueens");

  enum { N = 20000 };
  static long a[N], tmp[N];
  for (int untied = 0; untied < 2; untied++)
    for (int rep = 0; rep < 3; rep++) {
      uint64_t s = 12345 + rep;
      for (int i = 0; i < N; i++) a[i] = (long) (mix (s + i) % 100000);
      long sum0 = 0;
      for (int i = 0; i < N; i++) sum0 += a[i];
#pragma omp parallel
#pragma omp single
      msort (a, tmp, 0, N, untied);
      long sum1 = 0;
      int sorted = 1;
      for (int i = 0; i < N; i++) {
        sum1 += a[i];
        if (i && a[i - 1] > a[i]) sorted = 0;
      }
      CHECK (sorted && sum0 == sum1, "mergesort untied=%d sorted=%d", untied, sorted);
    }
  report ("mergesort (tied and untied)");

  lu_init (S);
  lu_serial ();
  for (int rep = 0; rep < 3; rep++) {
    lu_init (A);
#pragma omp parallel
#pragma omp single
    lu_tasks ();
    double err = 0;
    for (int i = 0; i < NB; i++)
      for (int j = 0; j < NB; j++)
        for (int x = 0; x < BS * BS; x++)
          err = fmax (err, fabs (A[i][j][x] - S[i][j][x]));
    CHECK (err == 0.0, "blocked LU differs from the serial one by %g", err);
  }
  report ("blocked LU with dependences");

  long want = uts_serial (7, 0);
  for (int rep = 0; rep < 3; rep++) {
    long got = 0;
#pragma omp parallel
#pragma omp single
    got = uts_tasks (7, 0);
    CHECK (got == want, "uts %ld nodes, serial %ld", got, want);
  }
  report ("unbalanced tree search");

  for (int rep = 0; rep < 3; rep++) {
    long r = -1;
#pragma omp parallel
#pragma omp single
    r = chain (1500);
    CHECK (r == 1500, "chain %ld", r);
  }
  report ("deep chain of waiting tasks");
  return finish ();
}
