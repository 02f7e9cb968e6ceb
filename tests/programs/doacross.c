/* Checks doacross loops (ordered(n) with depend(sink)/depend(source)) in one and two dimensions, with signed, unsigned long long and several schedules. */
#include <omp.h>
#include <string.h>
#include "common.h"

#define N 4000
#define R 120
#define C 90

static long a[N];
static long g[R][C];

int main (void)
{
  /* 1-D chain: a[i] = a[i-1] + i needs the previous iteration to be done. */
  for (int rep = 0; rep < 20; rep++) {
    for (int sched = 0; sched < 4; sched++) {
      memset (a, 0, sizeof a);
      a[0] = 0;
#pragma omp parallel
      {
        switch (sched) {
        case 0:
#pragma omp for ordered(1) schedule(static, 1)
          for (int i = 1; i < N; i++) {
#pragma omp ordered depend(sink: i - 1)
            a[i] = a[i - 1] + i;
#pragma omp ordered depend(source)
          }
          break;
        case 1:
#pragma omp for ordered(1) schedule(dynamic, 4)
          for (int i = 1; i < N; i++) {
#pragma omp ordered depend(sink: i - 1)
            a[i] = a[i - 1] + i;
#pragma omp ordered depend(source)
          }
          break;
        case 2:
#pragma omp for ordered(1) schedule(guided)
          for (int i = 1; i < N; i++) {
#pragma omp ordered depend(sink: i - 1)
            a[i] = a[i - 1] + i;
#pragma omp ordered depend(source)
          }
          break;
        default:
#pragma omp for ordered(1) schedule(static)
          for (int i = 1; i < N; i++) {
#pragma omp ordered depend(sink: i - 1)
            a[i] = a[i - 1] + i;
#pragma omp ordered depend(source)
          }
          break;
        }
      }
      for (int i = 0; i < N; i++)
        CHECK (a[i] == (long) i * (i + 1) / 2, "schedule %d a[%d] = %ld", sched, i, a[i]);
    }
  }
  printf ("chain end %ld\n", a[N - 1]);
  report ("doacross 1-D");

  /* Dependence distance 2 (sink i-2), step 1. */
  for (int rep = 0; rep < 20; rep++) {
    memset (a, 0, sizeof a);
    a[0] = 1; a[1] = 1;
#pragma omp parallel for ordered(1) schedule(dynamic)
    for (int i = 2; i < N; i++) {
#pragma omp ordered depend(sink: i - 2)
      a[i] = (a[i - 2] + 3) % 1000003;
#pragma omp ordered depend(source)
    }
    long x = 1;
    for (int i = 2; i < N; i += 2) { x = (x + 3) % 1000003; CHECK (a[i] == x && a[i + 1] == x, "dist2 at %d", i); }
  }
  report ("doacross distance 2");

  /* 2-D wavefront: g[i][j] = g[i-1][j] + g[i][j-1] (mod p). */
  for (int rep = 0; rep < 10; rep++) {
    memset (g, 0, sizeof g);
    for (int j = 0; j < C; j++) g[0][j] = 1;
    for (int i = 0; i < R; i++) g[i][0] = 1;
#pragma omp parallel for ordered(2) schedule(static, 1)
    for (int i = 1; i < R; i++)
      for (int j = 1; j < C; j++) {
#pragma omp ordered depend(sink: i - 1, j) depend(sink: i, j - 1)
        g[i][j] = (g[i - 1][j] + g[i][j - 1]) % 1000000007;
#pragma omp ordered depend(source)
      }
    static long h[R][C];
    for (int i = 0; i < R; i++)
      for (int j = 0; j < C; j++)
        h[i][j] = (i == 0 || j == 0) ? 1 : (h[i - 1][j] + h[i][j - 1]) % 1000000007;
    for (int i = 0; i < R; i++)
      for (int j = 0; j < C; j++)
        CHECK (g[i][j] == h[i][j], "wavefront %d,%d", i, j);
    if (rep == 0)
      printf ("wavefront corner %ld\n", g[R - 1][C - 1]);
  }
  report ("doacross 2-D");

  /* unsigned long long iteration variable (GOMP_doacross_ull_*). */
  {
    static volatile unsigned long long lo_v = 1;
    unsigned long long lo = lo_v, hi = lo_v + N - 1;
    for (int rep = 0; rep < 10; rep++) {
      memset (a, 0, sizeof a);
#pragma omp parallel for ordered(1) schedule(dynamic, 2)
      for (unsigned long long i = lo; i < hi; i++) {
#pragma omp ordered depend(sink: i - 1)
        a[i] = a[i - 1] + (long) i;
#pragma omp ordered depend(source)
      }
      for (int i = 0; i < N; i++)
        CHECK (a[i] == (long) i * (i + 1) / 2, "ull a[%d] = %ld", i, a[i]);
    }
  }
  report ("doacross ull");

  return finish ();
}
