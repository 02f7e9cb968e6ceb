/* Checks atomic update/read/write/capture/compare on integer, floating and long double types, and complex reductions (long double and complex use GOMP_atomic_start/end). */
#include <omp.h>
#include <sched.h>
#include <complex.h>
#include "common.h"

#define ITERS 50000

int main (void)
{
  int i32 = 0; long i64 = 0; unsigned char u8 = 0; short s16 = 0;
  float f = 0; double d = 0; long double ld = 0;
  double _Complex cd = 0; float _Complex cf = 0; long double _Complex cld = 0;
  __int128 big = 0;
  unsigned mask = 0;
  long maxv = -1;
  for (int rep = 0; rep < 2; rep++) {
    /* GCC rejects atomic on complex types but merges complex reductions
       under GOMP_atomic_start/end, so complex values go through reduction. */
#pragma omp parallel for schedule(dynamic, 64) reduction(+:cd, cf, cld)
    for (int i = 0; i < ITERS; i++) {
      cd += 1.0 + 2.0 * I;
      cf += 1.0f - 1.0f * I;
      cld += 2.0L + 0.5L * I;
#pragma omp atomic
      i32 += 1;
#pragma omp atomic update
      i64 += i;
#pragma omp atomic
      u8++;
#pragma omp atomic
      s16 += 2;
#pragma omp atomic
      f += 1.0f;
#pragma omp atomic
      d += 0.5;
#pragma omp atomic
      ld += 0.25L;
#pragma omp atomic
      big += (__int128) 1 << 70;
#pragma omp atomic
      mask |= 1u << (i % 32);
#pragma omp atomic compare
      if (maxv < i) { maxv = i; }
    }
  }
  CHECK (i32 == 2 * ITERS, "int %d", i32);
  CHECK (i64 == 2L * ITERS * (ITERS - 1) / 2, "long %ld", i64);
  CHECK (u8 == (unsigned char) (2 * ITERS), "uchar %d", u8);
  CHECK (s16 == (short) (4 * ITERS), "short %d", s16);
  CHECK (f == 2.0f * ITERS, "float %f", f);
  CHECK (d == 0.5 * 2 * ITERS, "double %f", d);
  CHECK (ld == 0.25L * 2 * ITERS, "long double %Lf", ld);
  CHECK (creal (cd) == 2.0 * ITERS && cimag (cd) == 4.0 * ITERS, "complex double %f %f", creal (cd), cimag (cd));
  CHECK (crealf (cf) == 2.0f * ITERS && cimagf (cf) == -2.0f * ITERS, "complex float %f %f", crealf (cf), cimagf (cf));
  CHECK (creall (cld) == 4.0L * ITERS && cimagl (cld) == 1.0L * ITERS, "complex long double %Lf %Lf", creall (cld), cimagl (cld));
  CHECK (big == ((__int128) 1 << 70) * 2 * ITERS, "int128");
  CHECK (mask == ~0u, "mask %x", mask);
  CHECK (maxv == ITERS - 1, "atomic compare max %ld", maxv);
  printf ("atomic results %d %ld %d %d %.1f %.1f %.2Lf (%.1f,%.1f) (%.1f,%.1f) (%.1Lf,%.1Lf) %x %ld\n",
          i32, i64, u8, s16, f, d, ld, creal (cd), cimag (cd), crealf (cf), cimagf (cf),
          creall (cld), cimagl (cld), mask, maxv);
  report ("atomic update");

  /* Capture gives unique tickets; read/write pairs. */
  {
    static int tickets[ITERS];
    int next = 0;
    long double ldnext = 0;
    int ldbad = 0;
#pragma omp parallel for schedule(guided) reduction(+:ldbad)
    for (int i = 0; i < ITERS; i++) {
      int mine;
#pragma omp atomic capture
      mine = next++;
      __atomic_fetch_add (&tickets[mine], 1, __ATOMIC_RELAXED);
      long double old;
#pragma omp atomic capture
      { old = ldnext; ldnext += 1.0L; }
      if (old < 0 || old >= ITERS) ldbad++;
    }
    for (int i = 0; i < ITERS; i++)
      CHECK (tickets[i] == 1, "ticket %d taken %d times", i, tickets[i]);
    CHECK (ldbad == 0 && ldnext == ITERS, "long double capture %d %Lf", ldbad, ldnext);
  }
  report ("atomic capture");

  {
    long shared_v = 0;
    int bad = 0;
#pragma omp parallel reduction(+:bad)
    {
      for (int k = 0; k < 20000; k++) {
        long v;
#pragma omp atomic write
        shared_v = 7L * (k % 5);
#pragma omp atomic read
        v = shared_v;
        if (v % 7 != 0 || v < 0 || v > 28) bad++;
      }
    }
    CHECK (bad == 0, "torn atomic read/write %d", bad);
  }
  report ("atomic read/write");

  /* seq_cst atomics used as a simple spin handshake between two threads. */
  {
    int flag = 0, got = 0;
#pragma omp parallel num_threads(2)
    {
      for (int k = 1; k <= 200; k++) {
        if (omp_get_num_threads () < 2) break;
        if (omp_get_thread_num () == 0) {
#pragma omp atomic write seq_cst
          flag = k;
        } else {
          int v;
          do {
#pragma omp atomic read seq_cst
            v = flag;
            if (v != k) sched_yield ();   /* fewer free CPUs than spinners is common in CI */
          } while (v != k);
          got++;
        }
#pragma omp barrier
      }
    }
    CHECK (got == 200 || omp_get_dynamic (), "handshakes %d", got);
  }
  report ("atomic seq_cst handshake");

  return finish ();
}
