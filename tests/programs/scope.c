/* Checks the scope construct: private and reduction clauses, its implicit barrier and nowait. */
#include <omp.h>
#include "common.h"

int main (void)
{
  for (int rep = 0; rep < 500; rep++) {
    long sum = 0;
    int nth = 0, bad = 0, fp = rep;
#pragma omp parallel reduction(+:bad)
    {
#pragma omp single
      nth = omp_get_num_threads ();
#pragma omp scope reduction(+:sum)
      {
        sum += fp + 1;
      }
      /* The scope's implicit barrier has combined every thread's contribution. */
      if (sum != (long) nth * (rep + 1)) bad++;
      int priv = 7;
#pragma omp scope private(priv) nowait
      {
        priv = omp_get_thread_num ();
        (void) priv;
      }
      if (priv != 7) bad++;
#pragma omp barrier
    }
    CHECK (bad == 0, "scope rep %d: %d bad", rep, bad);
    CHECK (sum == (long) nth * (rep + 1), "scope sum %ld", sum);
  }
  report ("scope reduction/private");

  /* scope with a loop inside, reductions of several operators. */
  {
    long total = 0;
    int mx = 0;
#pragma omp parallel
    {
      for (int k = 0; k < 100; k++) {
#pragma omp scope reduction(+:total) reduction(max:mx)
        {
#pragma omp for
          for (int i = 0; i < 1000; i++) {
            total += i;
            if (i > mx) mx = i;
          }
        }
      }
    }
    CHECK (total == 100L * 499500, "scope around for %ld", total);
    CHECK (mx == 999, "scope max %d", mx);
    printf ("scope totals %ld %d\n", total, mx);
  }
  report ("scope with worksharing inside");

  return finish ();
}
