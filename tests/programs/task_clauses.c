/* Checks task clauses: firstprivate of a large struct and a VLA (copy-function path), if(0) undeferred tasks, final with omp_in_final, mergeable, priority and taskyield. */
#include <omp.h>
#include <string.h>
#include "common.h"

struct big { int id; int arr[2048]; double tail; };

static long big_sum (const struct big *b)
{
  long s = b->id;
  for (int k = 0; k < 2048; k++) s += b->arr[k];
  return s + (long) b->tail;
}

int main (void)
{
  /* firstprivate struct: each task sees the value at creation, not later changes. */
  for (int rep = 0; rep < 5; rep++) {
    long got[200];
    long want[200];
#pragma omp parallel
#pragma omp single
    {
      struct big b;
      memset (&b, 0, sizeof b);
      for (int t = 0; t < 200; t++) {
        b.id = t;
        for (int k = 0; k < 2048; k++) b.arr[k] = t + k;
        b.tail = t * 2;
        want[t] = big_sum (&b);
#pragma omp task firstprivate(b) shared(got)
        got[b.id] = big_sum (&b);
        memset (b.arr, 0xff, sizeof b.arr);   /* must not affect the task's copy */
      }
#pragma omp taskwait
    }
    for (int t = 0; t < 200; t++)
      CHECK (got[t] == want[t], "struct task %d: %ld vs %ld", t, got[t], want[t]);
  }
  report ("firstprivate struct");

  /* firstprivate VLA: GCC generates a copy function (cpyfn) for it. */
  for (int rep = 0; rep < 5; rep++) {
    long got[300];
    int n = 100 + rep;
#pragma omp parallel
#pragma omp single
    {
      int vla[n];
      for (int t = 0; t < 300; t++) {
        for (int k = 0; k < n; k++) vla[k] = t * k;
#pragma omp task firstprivate(vla, t) shared(got)
        {
          long s = 0;
          for (int k = 0; k < n; k++) s += vla[k];
          got[t] = s;
        }
        for (int k = 0; k < n; k++) vla[k] = -1;
      }
    }
    for (int t = 0; t < 300; t++)
      CHECK (got[t] == (long) t * n * (n - 1) / 2, "vla task %d: %ld", t, got[t]);
  }
  report ("firstprivate VLA");

  /* if(0): the encountering task waits for the undeferred task to finish. */
  {
    int bad = 0;
#pragma omp parallel reduction(+:bad)
    {
      for (int k = 0; k < 2000; k++) {
        int done = 0;
        int zero = k < 0;
#pragma omp task if(zero) shared(done)
        done = 1;
        if (!done) bad++;
      }
#pragma omp taskwait
    }
    CHECK (bad == 0, "if(0) task not done on return %d", bad);
  }
  report ("if(0) tasks");

  /* final: the task and all its descendants are final (included). */
  {
    int nonfinal = 0, finals = 0, outside_final = 0;
#pragma omp parallel
#pragma omp single
    {
      if (omp_in_final ()) outside_final++;
      for (int k = 0; k < 200; k++) {
#pragma omp task final(k % 2) shared(nonfinal, finals)
        {
          int f = omp_in_final ();
          if (k % 2) {
            if (!f) __atomic_fetch_add (&nonfinal, 1, __ATOMIC_RELAXED);
            int child_final = 0;
#pragma omp task shared(child_final)
            {
              child_final = omp_in_final ();
#pragma omp task shared(child_final)
              child_final += omp_in_final ();
            }
            /* included tasks have completed here */
            if (child_final != 2) __atomic_fetch_add (&nonfinal, 1, __ATOMIC_RELAXED);
            __atomic_fetch_add (&finals, 1, __ATOMIC_RELAXED);
          } else if (f)
            __atomic_fetch_add (&nonfinal, 1, __ATOMIC_RELAXED);
        }
      }
    }
    CHECK (outside_final == 0, "omp_in_final true outside a final task");
    CHECK (nonfinal == 0, "final mismatches %d", nonfinal);
    CHECK (finals == 100, "final tasks %d", finals);
  }
  report ("final and omp_in_final");

  /* mergeable tasks compute the right thing whether merged or not. */
  {
    long sum = 0;
#pragma omp parallel
#pragma omp single
    for (int k = 0; k < 3000; k++) {
#pragma omp task mergeable firstprivate(k) shared(sum)
      {
#pragma omp atomic
        sum += k;
      }
#pragma omp task mergeable final(1) firstprivate(k) shared(sum)
      {
#pragma omp atomic
        sum += k;
      }
    }
    CHECK (sum == 2L * 2999 * 3000 / 2, "mergeable sum %ld", sum);
  }
  report ("mergeable");

  /* priority clause: every task runs; the scheduler may reorder. */
  {
    int ran[1000];
    memset (ran, 0, sizeof ran);
#pragma omp parallel
#pragma omp single
    for (int k = 0; k < 1000; k++) {
#pragma omp task priority(k % 10) firstprivate(k) shared(ran)
      __atomic_fetch_add (&ran[k], 1, __ATOMIC_RELAXED);
    }
    for (int k = 0; k < 1000; k++)
      CHECK (ran[k] == 1, "priority task %d ran %d", k, ran[k]);
    printf ("max task priority %d\n", omp_get_max_task_priority ());
  }
  report ("priority");

  /* taskyield inside many tasks, with locks held elsewhere. */
  {
    long sum = 0;
#pragma omp parallel
    {
#pragma omp for schedule(dynamic)
      for (int k = 0; k < 400; k++) {
#pragma omp task firstprivate(k) shared(sum)
        {
          for (int y = 0; y < 5; y++) {
#pragma omp taskyield
          }
#pragma omp atomic
          sum += k;
        }
      }
    }
    CHECK (sum == 399L * 400 / 2, "taskyield sum %ld", sum);
  }
  report ("taskyield");

  /* Task private/shared defaults: locals become firstprivate. */
  {
    int bad = 0;
#pragma omp parallel
#pragma omp single
    for (int k = 0; k < 500; k++) {
      int local = k * 3;
#pragma omp task shared(bad)
      if (local != k * 3) __atomic_fetch_add (&bad, 1, __ATOMIC_RELAXED);
      local = -1;
    }
    CHECK (bad == 0, "implicit firstprivate broke %d", bad);
  }
  report ("implicit firstprivate");

  return finish ();
}
