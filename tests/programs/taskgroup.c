/* Checks taskgroup waits for all descendant tasks (not only children), nested taskgroups, and taskgroup task_reduction with in_reduction tasks. */
#include <omp.h>
#include "common.h"

static void spawn_tree (int depth, int *counter)
{
  __atomic_fetch_add (counter, 1, __ATOMIC_RELAXED);
  if (depth == 0) return;
  for (int k = 0; k < 3; k++) {
#pragma omp task firstprivate(depth)
    spawn_tree (depth - 1, counter);
  }
  /* no taskwait: the enclosing taskgroup must wait for grandchildren too */
}

int main (void)
{
  for (int rep = 0; rep < 20; rep++) {
    int counter = 0;
#pragma omp parallel
#pragma omp single
    {
#pragma omp taskgroup
      {
#pragma omp task
        spawn_tree (6, &counter);
      }
      int seen = __atomic_load_n (&counter, __ATOMIC_RELAXED);
      CHECK (seen == 1093, "after taskgroup: %d of 1093 tasks", seen);
    }
  }
  printf ("taskgroup tree tasks 1093\n");
  report ("taskgroup waits for descendants");

  /* Nested taskgroups in tasks on all threads. */
  {
    int bad = 0, total = 0;
#pragma omp parallel reduction(+:bad)
    {
      for (int k = 0; k < 20; k++) {
        int local = 0;
#pragma omp taskgroup
        {
          for (int j = 0; j < 10; j++) {
#pragma omp task shared(local)
            {
              int inner = 0;
#pragma omp taskgroup
              {
#pragma omp task shared(inner)
                __atomic_fetch_add (&inner, 1, __ATOMIC_RELAXED);
#pragma omp task shared(inner)
                __atomic_fetch_add (&inner, 1, __ATOMIC_RELAXED);
              }
              if (inner != 2) __atomic_fetch_add (&local, 1000, __ATOMIC_RELAXED);
              __atomic_fetch_add (&local, 1, __ATOMIC_RELAXED);
            }
          }
        }
        if (local != 10) bad++;
        __atomic_fetch_add (&total, local, __ATOMIC_RELAXED);
      }
    }
    CHECK (bad == 0, "nested taskgroup mismatch %d", bad);
    CHECK (total > 0 && total % 200 == 0, "nested taskgroup total %d", total);
  }
  report ("nested taskgroups");

  /* taskgroup task_reduction with in_reduction tasks, including nested tasks. */
  for (int rep = 0; rep < 20; rep++) {
    long sum = 0;
    long prod = 1;
#pragma omp parallel
#pragma omp single
    {
#pragma omp taskgroup task_reduction(+:sum) task_reduction(*:prod)
      {
        for (int k = 1; k <= 300; k++) {
#pragma omp task in_reduction(+:sum) in_reduction(*:prod) firstprivate(k)
          {
            sum += k;
            if (k % 50 == 0) prod *= 2;
#pragma omp task in_reduction(+:sum) firstprivate(k)
            sum += k;
          }
        }
      }
      CHECK (sum == 2L * 300 * 301 / 2, "task_reduction sum %ld", sum);
      CHECK (prod == 64, "task_reduction prod %ld", prod);
    }
  }
  report ("taskgroup task_reduction");

  return finish ();
}
