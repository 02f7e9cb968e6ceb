/* Checks taskloop with grainsize, num_tasks, nogroup, reductions, collapse and unsigned long long bounds (GOMP_taskloop and GOMP_taskloop_ull). */
#include <omp.h>
#include <string.h>
#include "common.h"

#define N 20000
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
  for (int rep = 0; rep < 10; rep++) {
#pragma omp parallel
#pragma omp single
    {
#pragma omp taskloop
      for (int i = 0; i < N; i++) MARK (i);
    }
    check_hits ("taskloop");
#pragma omp parallel
#pragma omp single
    {
#pragma omp taskloop grainsize(100)
      for (int i = 0; i < N; i++) MARK (i);
    }
    check_hits ("grainsize");
#pragma omp parallel
#pragma omp single
    {
#pragma omp taskloop num_tasks(7)
      for (int i = N - 1; i >= 0; i--) MARK (i);
    }
    check_hits ("num_tasks descending");
#pragma omp parallel
#pragma omp single
    {
#pragma omp taskloop nogroup grainsize(1000)
      for (int i = 0; i < N; i += 2) MARK (i);
#pragma omp taskloop nogroup num_tasks(3)
      for (int i = 1; i < N; i += 2) MARK (i);
#pragma omp taskwait
    }
    check_hits ("nogroup");
  }
  report ("taskloop iterations");

  /* taskloop reduction and the taskloop from every thread. */
  for (int rep = 0; rep < 10; rep++) {
    long sum = 0;
#pragma omp parallel
#pragma omp single
#pragma omp taskloop reduction(+:sum) grainsize(64)
    for (int i = 0; i < N; i++) sum += i;
    CHECK (sum == (long) N * (N - 1) / 2, "taskloop reduction %ld", sum);
    long all = 0;
    int nth = 0;
#pragma omp parallel
    {
#pragma omp single
      nth = omp_get_num_threads ();
      /* Each thread reduces into its own variable: eight taskloops that all
         reduce into one shared original would race on the final combine. */
      long mine = 0;
#pragma omp taskloop reduction(+:mine) num_tasks(4)
      for (int i = 0; i < 1000; i++) mine += i;
#pragma omp atomic
      all += mine;
    }
    CHECK (all == (long) nth * 499500, "taskloop from all threads %ld (team %d)", all, nth);
  }
  report ("taskloop reduction");

  /* collapse(2) and lastprivate. */
  for (int rep = 0; rep < 10; rep++) {
    long s = 0;
    int last = -1;
#pragma omp parallel
#pragma omp single
    {
#pragma omp taskloop collapse(2) reduction(+:s) grainsize(30)
      for (int i = 0; i < 100; i++)
        for (int j = 0; j < 77; j++)
          s += i * 100 + j;
#pragma omp taskloop lastprivate(last)
      for (int i = 0; i < 555; i++) last = i;
    }
    long want = 0;
    for (int i = 0; i < 100; i++) for (int j = 0; j < 77; j++) want += i * 100 + j;
    CHECK (s == want && last == 554, "taskloop collapse %ld lastprivate %d", s, last);
  }
  report ("taskloop collapse/lastprivate");

  /* unsigned long long bounds call GOMP_taskloop_ull. */
  {
    static volatile unsigned long long base_v = 1ULL << 63;
    unsigned long long base = base_v;
    for (int rep = 0; rep < 10; rep++) {
#pragma omp parallel
#pragma omp single
      {
#pragma omp taskloop grainsize(50)
        for (unsigned long long i = base; i < base + N; i++) MARK (i - base);
      }
      check_hits ("ull taskloop");
#pragma omp parallel
#pragma omp single
      {
#pragma omp taskloop num_tasks(9)
        for (unsigned long long i = base + N - 1; i >= base; i--) MARK (i - base);
      }
      check_hits ("ull descending taskloop");
    }
  }
  report ("taskloop ull");

  /* if(0), final and priority on taskloop. */
  {
#pragma omp parallel
#pragma omp single
    {
      int zero = 0;
#pragma omp taskloop if(zero) grainsize(500)
      for (int i = 0; i < N / 2; i++) MARK (i);
#pragma omp taskloop final(1) priority(3)
      for (int i = N / 2; i < N; i++) MARK (i);
    }
    check_hits ("taskloop if/final/priority");
  }
  report ("taskloop clauses");

  printf ("taskloop N %d\n", N);
  return finish ();
}
