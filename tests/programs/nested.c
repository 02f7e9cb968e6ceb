/* Checks nested parallel regions with omp_set_max_active_levels 1, 2 and 3: levels, active levels, ancestor thread numbers and team sizes. */
#include <omp.h>
#include "common.h"

/* Run a 3-deep nest (2 x 3 x 2 requested threads) and check every query at
   every level; returns the number of innermost implicit tasks. */
static int nest (int max_active)
{
  int inner_count = 0;
  omp_set_max_active_levels (max_active);
  CHECK (omp_get_max_active_levels () == max_active, "max_active_levels %d", omp_get_max_active_levels ());
#pragma omp parallel num_threads(2)
  {
    int t1 = omp_get_thread_num ();
    int n1 = omp_get_num_threads ();
    CHECK (n1 == 2, "outer team %d", n1);
    CHECK (omp_get_level () == 1, "level1 %d", omp_get_level ());
    CHECK (omp_get_active_level () == 1, "active level1 %d", omp_get_active_level ());
#pragma omp parallel num_threads(3)
    {
      int t2 = omp_get_thread_num ();
      int n2 = omp_get_num_threads ();
      int want2 = max_active >= 2 ? 3 : 1;
      CHECK (n2 == want2, "middle team %d want %d", n2, want2);
      CHECK (omp_get_level () == 2, "level2 %d", omp_get_level ());
      CHECK (omp_get_active_level () == (max_active >= 2 ? 2 : 1), "active level2 %d", omp_get_active_level ());
      CHECK (omp_get_ancestor_thread_num (0) == 0, "ancestor0 %d", omp_get_ancestor_thread_num (0));
      CHECK (omp_get_ancestor_thread_num (1) == t1, "ancestor1 %d want %d", omp_get_ancestor_thread_num (1), t1);
      CHECK (omp_get_ancestor_thread_num (2) == t2, "ancestor2 %d want %d", omp_get_ancestor_thread_num (2), t2);
      CHECK (omp_get_ancestor_thread_num (3) == -1, "ancestor3 %d", omp_get_ancestor_thread_num (3));
      CHECK (omp_get_ancestor_thread_num (-1) == -1, "ancestor-1 %d", omp_get_ancestor_thread_num (-1));
      CHECK (omp_get_team_size (0) == 1, "team_size0 %d", omp_get_team_size (0));
      CHECK (omp_get_team_size (1) == n1, "team_size1 %d", omp_get_team_size (1));
      CHECK (omp_get_team_size (2) == n2, "team_size2 %d", omp_get_team_size (2));
      CHECK (omp_get_team_size (3) == -1, "team_size3 %d", omp_get_team_size (3));
      CHECK (omp_in_parallel () == 1, "in_parallel at level 2");
#pragma omp parallel num_threads(2)
      {
        int n3 = omp_get_num_threads ();
        int want3 = max_active >= 3 ? 2 : 1;
        CHECK (n3 == want3, "inner team %d want %d", n3, want3);
        CHECK (omp_get_level () == 3, "level3 %d", omp_get_level ());
        CHECK (omp_get_active_level () == (max_active >= 3 ? 3 : max_active >= 2 ? 2 : 1),
               "active level3 %d", omp_get_active_level ());
        CHECK (omp_get_ancestor_thread_num (1) == t1, "l3 ancestor1");
        CHECK (omp_get_ancestor_thread_num (2) == t2, "l3 ancestor2");
        CHECK (omp_get_ancestor_thread_num (3) == omp_get_thread_num (), "l3 ancestor3");
        CHECK (omp_get_team_size (2) == n2, "l3 team_size2");
        CHECK (omp_get_team_size (3) == n3, "l3 team_size3");
#pragma omp atomic
        inner_count++;
      }
    }
  }
  return inner_count;
}

int main (void)
{
  int saved = omp_get_max_active_levels ();
  for (int rep = 0; rep < 50; rep++) {
    CHECK (nest (1) == 2, "max_active 1 inner count");
    CHECK (nest (2) == 6, "max_active 2 inner count");
    CHECK (nest (3) == 12, "max_active 3 inner count");
  }
  report ("nested levels");

  /* Inner regions of an active-level-2 nest share work correctly. */
  omp_set_max_active_levels (2);
  {
    long sum = 0;
    for (int rep = 0; rep < 100; rep++) {
#pragma omp parallel num_threads(2) reduction(+:sum)
      {
#pragma omp parallel num_threads(2) reduction(+:sum)
        {
#pragma omp for
          for (int i = 0; i < 1000; i++)
            sum += i;
        }
      }
    }
    CHECK (sum == 100L * 2 * 499500, "nested for sum %ld", sum);
    printf ("nested for sum %ld\n", sum);
  }
  report ("nested worksharing");

  /* omp_set_num_threads inside a region sets the nthreads ICV of the inner level only. */
  {
    int inner = 0;
#pragma omp parallel num_threads(2)
    {
      omp_set_num_threads (3);
      CHECK (omp_get_max_threads () == 3, "inner max threads %d", omp_get_max_threads ());
#pragma omp parallel
      {
#pragma omp atomic
        inner++;
      }
    }
    CHECK (omp_get_dynamic () || inner == 6, "inner regions ran %d", inner);
  }
  report ("per-level nthreads");

  omp_set_max_active_levels (saved);
  return finish ();
}
