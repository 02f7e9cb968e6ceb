/* Checks combined parallel for (GOMP_parallel_loop_*) with every schedule, collapse, num_threads, if and reductions, repeated many times. */
#include <omp.h>
#include <string.h>
#include "common.h"

#define N 10007
static int hits[N];

static void check_hits (const char *what)
{
  for (int i = 0; i < N; i++)
    CHECK (hits[i] == 1, "%s: iteration %d ran %d times", what, i, hits[i]);
  memset (hits, 0, sizeof hits);
}
#define MARK(i) __atomic_fetch_add (&hits[i], 1, __ATOMIC_RELAXED)

int main (void)
{
  /* Without reduction clauses GCC calls GOMP_parallel_loop_* directly. */
  for (int rep = 0; rep < 30; rep++) {
    long s = 0;
#pragma omp parallel for schedule(static)
    for (int i = 0; i < N; i++) MARK (i);
    check_hits ("static");
#pragma omp parallel for schedule(static, 5)
    for (int i = 0; i < N; i++) MARK (i);
    check_hits ("static,5");
#pragma omp parallel for schedule(dynamic)
    for (int i = 0; i < N; i++) MARK (i);
    check_hits ("dynamic");
#pragma omp parallel for schedule(monotonic: dynamic, 10)
    for (int i = 0; i < N; i++) MARK (i);
    check_hits ("monotonic:dynamic,10");
#pragma omp parallel for schedule(nonmonotonic: dynamic, 10)
    for (int i = 0; i < N; i++) MARK (i);
    check_hits ("nonmonotonic:dynamic,10");
#pragma omp parallel for schedule(guided)
    for (int i = 0; i < N; i++) MARK (i);
    check_hits ("guided");
#pragma omp parallel for schedule(monotonic: guided, 7)
    for (int i = 0; i < N; i++) MARK (i);
    check_hits ("monotonic:guided,7");
#pragma omp parallel for schedule(runtime)
    for (int i = 0; i < N; i++) MARK (i);
    check_hits ("runtime");
#pragma omp parallel for schedule(monotonic: runtime)
    for (int i = 0; i < N; i++) MARK (i);
    check_hits ("monotonic:runtime");
#pragma omp parallel for schedule(auto)
    for (int i = 0; i < N; i++) MARK (i);
    check_hits ("auto");
#pragma omp parallel for
    for (int i = 0; i < N; i++) MARK (i);
    check_hits ("default");
#pragma omp parallel for schedule(dynamic, 64) reduction(+:s)
    for (int i = 0; i < N; i++) s += i;
#pragma omp parallel for schedule(static) reduction(+:s)
    for (int i = 0; i < N; i++) s += i;
    CHECK (s == 2L * N * (N - 1) / 2, "combined sum %ld", s);
  }
  report ("parallel for, all schedules");

  /* num_threads and if clauses on the combined construct. */
  for (int rep = 0; rep < 100; rep++) {
    int team = 0, team1 = 0, zero = 0;
#pragma omp parallel for num_threads(3) schedule(dynamic) reduction(max:team)
    for (int i = 0; i < 300; i++) {
      MARK (i);
      if (omp_get_num_threads () > team) team = omp_get_num_threads ();
    }
#pragma omp parallel for if(zero) schedule(guided) reduction(max:team1)
    for (int i = 300; i < N; i++) {
      MARK (i);
      if (omp_get_num_threads () > team1) team1 = omp_get_num_threads ();
    }
    check_hits ("num_threads/if");
    CHECK (omp_get_dynamic () || team == 3, "num_threads(3) team %d", team);
    CHECK (team1 == 1, "if(0) team %d", team1);
  }
  report ("num_threads and if on parallel for");

  /* collapse(3) and descending combined loops. */
  for (int rep = 0; rep < 10; rep++) {
    long s = 0;
#pragma omp parallel for collapse(3) schedule(dynamic, 3) reduction(+:s)
    for (int i = 0; i < 20; i++)
      for (int j = 19; j >= 0; j--)
        for (int k = 0; k < 25; k += 2)
          s += i * 10000 + j * 100 + k;
    long want = 0;
    for (int i = 0; i < 20; i++)
      for (int j = 19; j >= 0; j--)
        for (int k = 0; k < 25; k += 2)
          want += i * 10000 + j * 100 + k;
    CHECK (s == want, "collapse(3) %ld vs %ld", s, want);
  }
  report ("parallel for collapse(3)");

  /* lastprivate, firstprivate and linear on parallel for. */
  for (int rep = 0; rep < 50; rep++) {
    int last = -1, fp = rep, lin = 0;
#pragma omp parallel for schedule(dynamic, 4) lastprivate(last) firstprivate(fp)
    for (int i = 0; i < N; i++) {
      last = i + fp;
    }
    CHECK (last == N - 1 + rep, "lastprivate %d", last);
    int vals[100];
#pragma omp parallel for linear(lin:3)
    for (int i = 0; i < 100; i++) {
      vals[i] = lin;
      lin += 3;
    }
    for (int i = 0; i < 100; i++)
      CHECK (vals[i] == 3 * i, "linear %d = %d", i, vals[i]);
    CHECK (lin == 300, "linear final %d", lin);
  }
  report ("lastprivate/firstprivate/linear");

  return finish ();
}
