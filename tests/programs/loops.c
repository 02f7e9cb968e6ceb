/* Checks worksharing loops for every schedule kind: each iteration runs exactly once, static assignment follows the spec, and monotonic order holds. */
#include <omp.h>
#include <string.h>
#include "common.h"

#define N 20011
#define MAXT 256

static int hits[N];
static int owner[N];
static double a[N], b[N];

static void reset (void) { memset (hits, 0, sizeof hits); memset (owner, -1, sizeof owner); }

static void check_hits (const char *what, int lo, int hi, int step)
{
  for (int i = 0; i < N; i++) {
    int in = i >= lo && i < hi && (i - lo) % step == 0;
    CHECK (hits[i] == in, "%s: iteration %d ran %d times", what, i, hits[i]);
  }
}

#define MARK(i) do { __atomic_fetch_add (&hits[i], 1, __ATOMIC_RELAXED); owner[i] = omp_get_thread_num (); } while (0)

/* Threads must see increasing iterations for monotonic schedules. */
#define MONO_DECL int last_seen = -1
#define MONO_CHECK(i) do { CHECK ((i) > last_seen, "monotonic: %d after %d", (i), last_seen); last_seen = (i); } while (0)

int main (void)
{
  /* schedule(static): one contiguous chunk per thread, in thread order. */
  for (int rep = 0; rep < 20; rep++) {
    reset ();
    int nth = 0;
#pragma omp parallel
    {
#pragma omp single
      nth = omp_get_num_threads ();
#pragma omp for schedule(static)
      for (int i = 0; i < N; i++)
        MARK (i);
    }
    check_hits ("static", 0, N, 1);
    for (int i = 1; i < N; i++)
      CHECK (owner[i] == owner[i - 1] || owner[i] == owner[i - 1] + 1, "static: owner %d after %d at %d", owner[i], owner[i - 1], i);
    CHECK (owner[0] == 0 && owner[N - 1] <= nth - 1, "static: owners %d..%d", owner[0], owner[N - 1]);
  }
  report ("schedule(static)");

  /* schedule(static, c): iteration i belongs to thread (i / c) % nthreads. */
  int chunks[] = { 1, 2, 7, 64, 1000, N + 5 };
  for (int ci = 0; ci < 6; ci++)
    for (int rep = 0; rep < 5; rep++) {
      int c = chunks[ci];
      reset ();
      int nth = 0;
#pragma omp parallel
      {
#pragma omp single
        nth = omp_get_num_threads ();
#pragma omp for schedule(static, c)
        for (int i = 0; i < N; i++)
          MARK (i);
      }
      check_hits ("static,c", 0, N, 1);
      for (int i = 0; i < N; i++)
        CHECK (owner[i] == (i / c) % nth, "static,%d: iteration %d on thread %d", c, i, owner[i]);
    }
  report ("schedule(static, chunk)");

  /* dynamic, guided (monotonic by default for dynamic in GCC only when asked). */
  for (int rep = 0; rep < 20; rep++) {
    reset ();
#pragma omp parallel
    {
      MONO_DECL;
#pragma omp for schedule(monotonic: dynamic)
      for (int i = 0; i < N; i++) { MARK (i); MONO_CHECK (i); }
    }
    check_hits ("dynamic", 0, N, 1);
    reset ();
#pragma omp parallel
    {
      MONO_DECL;
#pragma omp for schedule(monotonic: dynamic, 13)
      for (int i = 0; i < N; i++) { MARK (i); MONO_CHECK (i); }
    }
    check_hits ("dynamic,13", 0, N, 1);
    reset ();
#pragma omp parallel
    {
      MONO_DECL;
#pragma omp for schedule(monotonic: guided)
      for (int i = 0; i < N; i++) { MARK (i); MONO_CHECK (i); }
    }
    check_hits ("guided", 0, N, 1);
    reset ();
#pragma omp parallel
    {
#pragma omp for schedule(guided, 50)
      for (int i = 0; i < N; i++) MARK (i);
    }
    check_hits ("guided,50", 0, N, 1);
    reset ();
#pragma omp parallel
    {
#pragma omp for schedule(dynamic)
      for (int i = 0; i < N; i++) MARK (i);
    }
    check_hits ("plain dynamic", 0, N, 1);
    reset ();
#pragma omp parallel
    {
#pragma omp for schedule(nonmonotonic: dynamic)
      for (int i = 0; i < N; i++) MARK (i);
    }
    check_hits ("nonmonotonic:dynamic", 0, N, 1);
    reset ();
#pragma omp parallel
    {
#pragma omp for schedule(nonmonotonic: dynamic, 3)
      for (int i = 0; i < N; i++) MARK (i);
    }
    check_hits ("nonmonotonic:dynamic,3", 0, N, 1);
    reset ();
#pragma omp parallel
    {
#pragma omp for schedule(nonmonotonic: guided)
      for (int i = 0; i < N; i++) MARK (i);
    }
    check_hits ("nonmonotonic:guided", 0, N, 1);
    reset ();
#pragma omp parallel
    {
#pragma omp for schedule(auto)
      for (int i = 0; i < N; i++) MARK (i);
    }
    check_hits ("auto", 0, N, 1);
  }
  report ("dynamic/guided/auto");

  /* schedule(runtime) with the schedule from OMP_SCHEDULE (whatever it is). */
  for (int rep = 0; rep < 20; rep++) {
    reset ();
#pragma omp parallel
    {
#pragma omp for schedule(runtime)
      for (int i = 0; i < N; i++) MARK (i);
    }
    check_hits ("runtime (env)", 0, N, 1);
  }
  report ("schedule(runtime) from environment");

  /* schedule(runtime) with each kind set by omp_set_schedule. */
  {
    omp_sched_t saved_kind; int saved_chunk;
    omp_get_schedule (&saved_kind, &saved_chunk);
    omp_sched_t kinds[] = { omp_sched_static, omp_sched_dynamic, omp_sched_guided, omp_sched_auto,
                            omp_sched_dynamic | omp_sched_monotonic, omp_sched_static | omp_sched_monotonic };
    int cks[] = { 0, 1, 5, 100 };
    for (int k = 0; k < 6; k++)
      for (int c = 0; c < 4; c++) {
        omp_set_schedule (kinds[k], cks[c]);
        reset ();
#pragma omp parallel
        {
#pragma omp for schedule(runtime)
          for (int i = 0; i < N; i++) MARK (i);
        }
        check_hits ("runtime (set)", 0, N, 1);
      }
    omp_set_schedule (saved_kind, saved_chunk);
  }
  report ("schedule(runtime) from omp_set_schedule");

  /* Odd bounds and steps, including negative steps, for several schedules. */
  for (int rep = 0; rep < 5; rep++) {
    reset ();
#pragma omp parallel
    {
#pragma omp for schedule(static)
      for (int i = N - 1; i >= 0; i -= 3) MARK (i);
    }
    check_hits ("static -3", (N - 1) % 3, N, 3);
    reset ();
#pragma omp parallel
    {
#pragma omp for schedule(static, 4)
      for (int i = N - 2; i > 10; i -= 7) MARK (i);
    }
    for (int i = 0; i < N; i++)
      CHECK (hits[i] == (i > 10 && i <= N - 2 && (N - 2 - i) % 7 == 0), "static,4 -7 at %d", i);
    reset ();
#pragma omp parallel
    {
#pragma omp for schedule(dynamic, 2)
      for (int i = N - 1; i >= 0; i--) MARK (i);
    }
    check_hits ("dynamic -1", 0, N, 1);
    reset ();
#pragma omp parallel
    {
#pragma omp for schedule(guided)
      for (int i = N - 1; i >= 100; i -= 5) MARK (i);
    }
    for (int i = 0; i < N; i++)
      CHECK (hits[i] == (i >= 100 && (N - 1 - i) % 5 == 0), "guided -5 at %d", i);
    reset ();
#pragma omp parallel
    {
#pragma omp for schedule(runtime)
      for (int i = 5; i < N; i += 11) MARK (i);
    }
    check_hits ("runtime +11", 5, N, 11);
  }
  report ("steps and negative steps");

  /* Empty loops and loops with fewer iterations than threads. */
  for (int rep = 0; rep < 200; rep++) {
    int cnt = 0;
    int lo = rep % 3, hi = rep % 5;
#pragma omp parallel
    {
#pragma omp for schedule(static)
      for (int i = lo; i < hi; i++)
#pragma omp atomic
        cnt++;
#pragma omp for schedule(dynamic)
      for (int i = lo; i < hi; i++)
#pragma omp atomic
        cnt++;
#pragma omp for schedule(guided)
      for (int i = lo; i < hi; i++)
#pragma omp atomic
        cnt++;
#pragma omp for schedule(static, 2)
      for (int i = hi; i > lo; i--)
#pragma omp atomic
        cnt++;
    }
    int want = hi > lo ? 4 * (hi - lo) : 0;
    CHECK (cnt == want, "small loop %d..%d ran %d want %d", lo, hi, cnt, want);
  }
  report ("empty and tiny loops");

  /* collapse(2) over a 300 x 67 space with each schedule. */
  {
    static int grid[300][67];
    for (int s = 0; s < 5; s++) {
      memset (grid, 0, sizeof grid);
#pragma omp parallel
      {
        switch (s) {
        case 0:
#pragma omp for collapse(2) schedule(static)
          for (int i = 0; i < 300; i++)
            for (int j = 0; j < 67; j++)
              __atomic_fetch_add (&grid[i][j], 1, __ATOMIC_RELAXED);
          break;
        case 1:
#pragma omp for collapse(2) schedule(static, 5)
          for (int i = 0; i < 300; i++)
            for (int j = 0; j < 67; j++)
              __atomic_fetch_add (&grid[i][j], 1, __ATOMIC_RELAXED);
          break;
        case 2:
#pragma omp for collapse(2) schedule(dynamic, 7)
          for (int i = 299; i >= 0; i--)
            for (int j = 0; j < 67; j++)
              __atomic_fetch_add (&grid[i][j], 1, __ATOMIC_RELAXED);
          break;
        case 3:
#pragma omp for collapse(2) schedule(guided)
          for (int i = 0; i < 300; i++)
            for (int j = 66; j >= 0; j -= 1)
              __atomic_fetch_add (&grid[i][j], 1, __ATOMIC_RELAXED);
          break;
        default:
#pragma omp for collapse(2) schedule(runtime)
          for (int i = 0; i < 300; i++)
            for (int j = 0; j < 67; j++)
              __atomic_fetch_add (&grid[i][j], 1, __ATOMIC_RELAXED);
          break;
        }
      }
      for (int i = 0; i < 300; i++)
        for (int j = 0; j < 67; j++)
          CHECK (grid[i][j] == 1, "collapse schedule %d cell %d,%d = %d", s, i, j, grid[i][j]);
    }
  }
  report ("collapse(2)");

  /* nowait loops back to back: the same static schedule and bounds lets the
     second loop read what the same thread wrote in the first (spec guarantee). */
  static double c[N];
  for (int rep = 0; rep < 50; rep++) {
    double total = 0;
#pragma omp parallel reduction(+:total)
    {
#pragma omp for schedule(static) nowait
      for (int i = 0; i < N; i++) a[i] = i + rep;
#pragma omp for schedule(static) nowait
      for (int i = 0; i < N; i++) b[i] = 2 * a[i];
#pragma omp for schedule(static) nowait
      for (int i = 0; i < N; i++) total += b[i];
#pragma omp for schedule(static, 16) nowait
      for (int i = 0; i < N; i++) c[i] = i;
#pragma omp for schedule(static, 16) nowait
      for (int i = 0; i < N; i++) total += c[i] + 1;
#pragma omp for schedule(dynamic) nowait
      for (int i = 0; i < 100; i++) total += 0;
#pragma omp for schedule(guided) nowait
      for (int i = 0; i < 100; i++) total += 0;
    }
    double want = 0;
    for (int i = 0; i < N; i++) want += 2.0 * (i + rep) + i + 1;
    CHECK (total == want, "nowait chain rep %d: %f vs %f", rep, total, want);
  }
  report ("nowait loops");

  /* Many dynamic loops with nowait in a row in one region (work-share ring). */
  {
    long total = 0;
#pragma omp parallel reduction(+:total)
    {
      for (int k = 0; k < 500; k++) {
#pragma omp for schedule(dynamic, 3) nowait
        for (int i = 0; i < 100; i++) total += i;
      }
    }
    CHECK (total == 500L * 4950, "500 nowait dynamic loops %ld", total);
    printf ("nowait dynamic total %ld\n", total);
  }
  report ("many nowait dynamic loops");

  /* long iteration variables beyond 32 bits. */
  {
    long long cnt = 0;
    long base = 1L << 40;
#pragma omp parallel for schedule(dynamic, 100) reduction(+:cnt)
    for (long i = base; i < base + 100000; i++) cnt += i - base;
    CHECK (cnt == 4999950000LL, "long loop %lld", cnt);
  }
  report ("long iteration variable");

  return finish ();
}
