/* Checks doacross loops (ordered(n) with depend(sink)/depend(source)) in one and two dimensions, with signed, unsigned long long and several schedules. */
#include <omp.h>
#include <string.h>
#include "common.h"

#define NMAX 64
#define RMAX 10
#define CMAX 8

static long a[NMAX];
static long g[RMAX][CMAX];

int main (void)
{
  /* GNU libgomp spins without yielding in doacross waits, so when threads
     outnumber free CPUs each dependence can cost a scheduler time slice: the
     sizes stay small and the loops are repeated only when not oversubscribed. */
  int over = omp_get_max_threads () > omp_get_num_procs ();
  const int N = NMAX, R = RMAX, C = CMAX;
  const int REPS = over ? 1 : 2;
  /* 1-D chain: a[i] = a[i-1] + i needs the previous iteration to be done. */
  for (int rep = 0; rep < REPS; rep++) {
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
  report ("doacross 1-D");

  /* Dependence distance 2 (sink i-2), step 1. */
  for (int rep = 0; rep < REPS; rep++) {
    memset (a, 0, sizeof a);
    a[0] = 1; a[1] = 1;
#pragma omp parallel for ordered(1) schedule(dynamic)
    for (int i = 2; i < N; i++) {
#pragma omp ordered depend(sink: i - 2)
      a[i] = (a[i - 2] + 3) % 1000003;
#pragma omp ordered depend(source)
    }
    long x = 1;
    for (int i = 2; i + 1 < N; i += 2) { x = (x + 3) % 1000003; CHECK (a[i] == x && a[i + 1] == x, "dist2 at %d", i); }
  }
  report ("doacross distance 2");

  /* 2-D wavefront: g[i][j] = g[i-1][j] + g[i][j-1] (mod p). */
  for (int rep = 0; rep < REPS; rep++) {
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
    static long h[RMAX][CMAX];
    for (int i = 0; i < R; i++)
      for (int j = 0; j < C; j++)
        h[i][j] = (i == 0 || j == 0) ? 1 : (h[i - 1][j] + h[i][j - 1]) % 1000000007;
    for (int i = 0; i < R; i++)
      for (int j = 0; j < C; j++)
        CHECK (g[i][j] == h[i][j], "wavefront %d,%d", i, j);
  }
  report ("doacross 2-D");

  /* unsigned long long iteration variable (GOMP_doacross_ull_*). */
  {
    static volatile unsigned long long lo_v = 1;
    unsigned long long lo = lo_v, hi = lo_v + N - 1;
    for (int rep = 0; rep < REPS; rep++) {
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
