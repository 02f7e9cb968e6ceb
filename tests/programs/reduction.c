/* Checks reductions (+ - * max min & | ^ && ||, arrays, user-defined, task reductions) on parallel, for and parallel for, with exact expected values. */
#include <omp.h>
#include <limits.h>
#include <string.h>
#include "common.h"

#define N 100000

struct pair { long lo, hi; };
#pragma omp declare reduction(pairadd : struct pair : omp_out.lo += omp_in.lo, omp_out.hi += omp_in.hi) initializer(omp_priv = (struct pair){ 0, 0 })

int main (void)
{
  for (int rep = 0; rep < 20; rep++) {
    long sum = 0, diff = 0;
    long long prod = 1;
    int mx = INT_MIN, mn = INT_MAX;
    unsigned band = ~0u, bor = 0, bxor = 0;
    int land = 1, lor = 0;
    double dsum = 0, dmax = -1e300, dmin = 1e300;
#pragma omp parallel for schedule(dynamic, 97) reduction(+:sum, dsum) reduction(-:diff) reduction(*:prod) \
    reduction(max:mx, dmax) reduction(min:mn, dmin) reduction(&:band) reduction(|:bor) reduction(^:bxor) \
    reduction(&&:land) reduction(||:lor)
    for (int i = 0; i < N; i++) {
      sum += i;
      diff -= i;
      if (i % 2000 == 0) prod *= 2;
      int v = (int) ((i * 7919L) % 100003) - 50000;
      if (v > mx) mx = v;
      if (v < mn) mn = v;
      band &= ~(1u << (i % 31)) | (i < N - 31 ? ~0u : 0u);
      bor |= 1u << (i % 29);
      bxor ^= (unsigned) i;
      land = land && (i >= 0);
      lor = lor || (i == N / 2);
      dsum += 0.5 * i;
      if (v > dmax) dmax = v;
      if (v < dmin) dmin = v;
    }
    /* Sequential reference. */
    int rmx = INT_MIN, rmn = INT_MAX; unsigned rband = ~0u, rbxor = 0;
    for (int i = 0; i < N; i++) {
      int v = (int) ((i * 7919L) % 100003) - 50000;
      if (v > rmx) rmx = v;
      if (v < rmn) rmn = v;
      rband &= ~(1u << (i % 31)) | (i < N - 31 ? ~0u : 0u);
      rbxor ^= (unsigned) i;
    }
    CHECK (sum == (long) N * (N - 1) / 2, "sum %ld", sum);
    CHECK (diff == -(long) N * (N - 1) / 2, "diff %ld", diff);
    CHECK (prod == 1LL << 50, "prod %lld", prod);
    CHECK (mx == rmx && mn == rmn, "max %d/%d min %d/%d", mx, rmx, mn, rmn);
    CHECK (band == rband, "and %x/%x", band, rband);
    CHECK (bor == (1u << 29) - 1, "or %x", bor);
    CHECK (bxor == rbxor, "xor %x/%x", bxor, rbxor);
    CHECK (land == 1 && lor == 1, "logical %d %d", land, lor);
    CHECK (dsum == 0.25 * N * (N - 1), "dsum %f", dsum);
    CHECK (dmax == rmx && dmin == rmn, "dmax %f dmin %f", dmax, dmin);
    if (rep == 0)
      printf ("sum %ld diff %ld prod %lld max %d min %d and %x or %x xor %x land %d lor %d dsum %.1f\n",
              sum, diff, prod, mx, mn, band, bor, bxor, land, lor, dsum);
  }
  report ("parallel for reductions");

  /* Reductions on a plain parallel region and on an orphaned-style for inside it. */
  for (int rep = 0; rep < 200; rep++) {
    long cnt = 0, s2 = 0;
    int mx = -1;
#pragma omp parallel reduction(+:cnt) reduction(max:mx)
    {
      cnt += 1;
      if (omp_get_thread_num () > mx) mx = omp_get_thread_num ();
#pragma omp for schedule(guided) reduction(+:s2)
      for (int i = 0; i < 1000; i++) s2 += i;
    }
    CHECK (mx == cnt - 1, "parallel reduction max %d count %ld", mx, cnt);
    CHECK (s2 == 499500, "for reduction inside parallel %ld", s2);
  }
  report ("parallel and for reductions");

  /* Array-section reduction. */
  for (int rep = 0; rep < 20; rep++) {
    long hist[16];
    memset (hist, 0, sizeof hist);
#pragma omp parallel for schedule(static, 3) reduction(+:hist[:16])
    for (int i = 0; i < N; i++)
      hist[i % 16] += 1;
    for (int k = 0; k < 16; k++)
      CHECK (hist[k] == N / 16 + (k < N % 16), "hist[%d] = %ld", k, hist[k]);
  }
  report ("array section reduction");

  /* User-defined reduction. */
  for (int rep = 0; rep < 20; rep++) {
    struct pair p = { 0, 0 };
#pragma omp parallel for reduction(pairadd:p)
    for (int i = 0; i < N; i++) {
      p.lo += i & 1;
      p.hi += i >> 10;
    }
    long wanthi = 0;
    for (int i = 0; i < N; i++) wanthi += i >> 10;
    CHECK (p.lo == N / 2 && p.hi == wanthi, "udr %ld %ld", p.lo, p.hi);
  }
  report ("user-defined reduction");

  /* Task reductions: parallel reduction(task, ...) with in_reduction tasks. */
  for (int rep = 0; rep < 20; rep++) {
    long s = 0;
#pragma omp parallel reduction(task, +:s)
    {
#pragma omp single
      for (int i = 0; i < 500; i++) {
#pragma omp task in_reduction(+:s) firstprivate(i)
        s += i;
      }
    }
    CHECK (s == 124750, "task reduction on parallel %ld", s);
  }
  report ("parallel task reduction");

  /* for reduction(task, ...) */
  for (int rep = 0; rep < 20; rep++) {
    long s = 0;
#pragma omp parallel
    {
#pragma omp for reduction(task, +:s) schedule(dynamic, 8)
      for (int i = 0; i < 256; i++) {
#pragma omp task in_reduction(+:s) firstprivate(i)
        s += i;
      }
    }
    CHECK (s == 32640, "task reduction on for %ld", s);
  }
  report ("worksharing task reduction");

  /* inscan reductions (prefix sums). */
  for (int rep = 0; rep < 10; rep++) {
    static long in[N], out[N];
    long acc = 0;
    for (int i = 0; i < N; i++) in[i] = i % 13;
#pragma omp parallel for reduction(inscan, +:acc)
    for (int i = 0; i < N; i++) {
      acc += in[i];
#pragma omp scan inclusive(acc)
      out[i] = acc;
    }
    long ref = 0;
    for (int i = 0; i < N; i++) {
      ref += in[i];
      CHECK (out[i] == ref, "scan %d: %ld vs %ld", i, out[i], ref);
    }
  }
  report ("inscan reduction");

  return finish ();
}
