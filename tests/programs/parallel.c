/* Checks parallel regions: team sizes, thread numbers, num_threads, if(0), proc_bind clauses, data sharing and 10000 repeated small regions. */
#include <omp.h>
#include <string.h>
#include "common.h"

#define MAXT 256

/* Run one region and check that every thread agrees on the team size and that
   each thread number in [0, team) appears exactly once; returns the team size. */
static int check_team (int want)
{
  int seen[MAXT];
  int count = 0, size = -1;
  memset (seen, 0, sizeof seen);
#pragma omp parallel num_threads(want) shared(seen, count, size)
  {
    int n = omp_get_num_threads ();
    int t = omp_get_thread_num ();
    CHECK (n >= 1 && n <= MAXT, "team size %d", n);
    CHECK (t >= 0 && t < n, "thread %d of %d", t, n);
    CHECK (omp_in_parallel () == (n > 1), "in_parallel %d with team %d", omp_in_parallel (), n);
    CHECK (omp_get_level () == 1, "level %d", omp_get_level ());
    if (t >= 0 && t < MAXT)
#pragma omp atomic
      seen[t]++;
#pragma omp atomic
    count++;
#pragma omp single
    size = n;
    CHECK (n == size, "threads disagree on team size: %d vs %d", n, size);
  }
  CHECK (count == size, "%d threads ran a region of size %d", count, size);
  for (int i = 0; i < size; i++)
    CHECK (seen[i] == 1, "thread %d seen %d times", i, seen[i]);
  return size;
}

int main (void)
{
  int maxt = omp_get_max_threads ();
  CHECK (maxt >= 1, "max threads %d", maxt);
  CHECK (omp_in_parallel () == 0, "in_parallel outside");
  CHECK (omp_get_level () == 0, "level outside");

  /* Plain region: team size is the nthreads ICV when dynamic adjustment is off. */
  {
    int count = 0, bad = 0;
#pragma omp parallel
    {
#pragma omp atomic
      count++;
      if (omp_get_num_threads () != maxt && !omp_get_dynamic ())
#pragma omp atomic
        bad++;
    }
    CHECK (bad == 0 && (omp_get_dynamic () || count == maxt), "plain region count %d max %d", count, maxt);
  }
  report ("default team");

  /* num_threads clause, sizes 1..12, repeated. */
  for (int rep = 0; rep < 20; rep++)
    for (int k = 1; k <= 12; k++) {
      int got = check_team (k);
      CHECK (omp_get_dynamic () ? (got >= 1 && got <= k) : got == k, "num_threads(%d) gave %d", k, got);
    }
  report ("num_threads clause");

  /* if(0) regions run with one thread, are inactive but still count as a level. */
  for (int rep = 0; rep < 1000; rep++) {
    int count = 0, flag = rep & 1;
#pragma omp parallel if(flag && 0) num_threads(4)
    {
#pragma omp atomic
      count++;
      CHECK (omp_get_num_threads () == 1, "if(0) team %d", omp_get_num_threads ());
      CHECK (omp_get_thread_num () == 0, "if(0) thread %d", omp_get_thread_num ());
      CHECK (omp_in_parallel () == 0, "if(0) region is active");
      CHECK (omp_get_level () == 1, "if(0) level %d", omp_get_level ());
      CHECK (omp_get_active_level () == 0, "if(0) active level %d", omp_get_active_level ());
    }
    CHECK (count == 1, "if(0) count %d", count);
  }
  report ("if(0)");

  /* if(1) with num_threads(3) behaves as a normal region. */
  {
    int count = 0, one = 1;
#pragma omp parallel if(one) num_threads(3)
    {
#pragma omp atomic
      count++;
    }
    CHECK (omp_get_dynamic () || count == 3, "if(1) count %d", count);
  }
  report ("if(1)");

  /* proc_bind clauses do not change correctness or team size. */
  for (int rep = 0; rep < 50; rep++) {
    int c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0;
#pragma omp parallel num_threads(4) proc_bind(close)
#pragma omp atomic
    c1++;
#pragma omp parallel num_threads(4) proc_bind(spread)
#pragma omp atomic
    c2++;
#pragma omp parallel num_threads(4) proc_bind(master)
#pragma omp atomic
    c3++;
#pragma omp parallel num_threads(4) proc_bind(primary)
#pragma omp atomic
    c4++;
#pragma omp parallel num_threads(3) proc_bind(close)
#pragma omp atomic
    c5++;
    CHECK (omp_get_dynamic () || (c1 == 4 && c2 == 4 && c3 == 4 && c4 == 4 && c5 == 3),
           "proc_bind counts %d %d %d %d %d", c1, c2, c3, c4, c5);
  }
  report ("proc_bind clause");

  /* Data sharing: shared, private, firstprivate. */
  {
    int shared_v = 0, fp = 42, priv = -1;
    long sum = 0;
    for (int rep = 0; rep < 200; rep++) {
#pragma omp parallel firstprivate(fp) private(priv) shared(shared_v, sum)
      {
        CHECK (fp == 42 + rep, "firstprivate %d", fp);
        priv = omp_get_thread_num ();
        fp += priv;          /* private copy only */
#pragma omp atomic
        sum += fp - priv;
#pragma omp master
        shared_v++;
      }
      fp++;
    }
    CHECK (shared_v == 200, "shared %d", shared_v);
    CHECK (fp == 242, "firstprivate leaked back: %d", fp);
    CHECK (sum > 0, "sum %ld", sum);
  }
  report ("data sharing");

  /* 10000 small regions back to back: every member runs, nothing is lost. */
  {
    long total = 0, expect = 0;
    for (int rep = 0; rep < 10000; rep++) {
      int nt = 1 + rep % 4;
      int here = 0;
#pragma omp parallel num_threads(nt) reduction(+:total)
      {
        total += rep;
#pragma omp atomic
        here++;
      }
      CHECK (omp_get_dynamic () || here == nt, "region %d ran %d of %d", rep, here, nt);
      expect += (long) here * rep;
    }
    CHECK (total == expect, "total %ld expect %ld", total, expect);
  }
  report ("10000 regions");

  /* Regions with the default team, many times, checking consistency each time. */
  for (int rep = 0; rep < 500; rep++) {
    int sz = check_team (maxt);
    CHECK (omp_get_dynamic () || sz == maxt, "default region size %d", sz);
  }
  report ("repeated default regions");

  return finish ();
}
