/* Checks ordered loops for every schedule: the ordered blocks run in iteration order, also when printed, with and without work outside them. */
#include <omp.h>
#include "common.h"

#define N 5000

int main (void)
{
  /* Printed output from ordered blocks must come in iteration order. */
#pragma omp parallel for ordered schedule(dynamic)
  for (int i = 0; i < 12; i++) {
#pragma omp ordered
    printf ("ordered line %d\n", i);
  }
  report ("ordered printf");

  for (int rep = 0; rep < 10; rep++) {
    for (int sched = 0; sched < 7; sched++) {
      int next = 0, bad = 0;
      long work = 0;
#pragma omp parallel reduction(+:work)
      {
        switch (sched) {
        case 0:
#pragma omp for ordered schedule(static)
          for (int i = 0; i < N; i++) {
            work += i;
#pragma omp ordered
            { if (next != i) bad++; next = i + 1; }
          }
          break;
        case 1:
#pragma omp for ordered schedule(static, 1)
          for (int i = 0; i < N; i++) {
            work += i;
#pragma omp ordered
            { if (next != i) bad++; next = i + 1; }
          }
          break;
        case 2:
#pragma omp for ordered schedule(static, 17)
          for (int i = 0; i < N; i++) {
            work += i;
#pragma omp ordered
            { if (next != i) bad++; next = i + 1; }
          }
          break;
        case 3:
#pragma omp for ordered schedule(dynamic, 3)
          for (int i = 0; i < N; i++) {
            work += i;
#pragma omp ordered
            { if (next != i) bad++; next = i + 1; }
          }
          break;
        case 4:
#pragma omp for ordered schedule(guided)
          for (int i = 0; i < N; i++) {
            work += i;
#pragma omp ordered
            { if (next != i) bad++; next = i + 1; }
          }
          break;
        case 5:
#pragma omp for ordered schedule(runtime)
          for (int i = 0; i < N; i++) {
            work += i;
#pragma omp ordered
            { if (next != i) bad++; next = i + 1; }
          }
          break;
        default:
#pragma omp for ordered schedule(auto)
          for (int i = 0; i < N; i++) {
            work += i;
#pragma omp ordered
            { if (next != i) bad++; next = i + 1; }
          }
          break;
        }
      }
      CHECK (bad == 0 && next == N, "schedule %d: %d out of order, next %d", sched, bad, next);
      CHECK (work == (long) N * (N - 1) / 2, "schedule %d work %ld", sched, work);
    }
  }
  report ("ordered, all schedules");

  /* Descending ordered loop with a step; iterations without an ordered block are allowed to skip it. */
  for (int rep = 0; rep < 20; rep++) {
    int next = N - 1, bad = 0, count = 0;
#pragma omp parallel for ordered schedule(dynamic, 2)
    for (int i = N - 1; i >= 0; i -= 1) {
      if (i % 3 == 0) {
#pragma omp ordered
        {
          if (i > next) bad++;
          next = i;
          count++;
        }
      }
    }
    CHECK (bad == 0 && count == (N + 2) / 3, "descending ordered bad %d count %d", bad, count);
  }
  report ("descending ordered with skipped blocks");

  /* Ordered inside a loop with a nowait sibling and repeated regions. */
  {
    long sum = 0;
    for (int rep = 0; rep < 200; rep++) {
      int next = 0;
#pragma omp parallel
      {
#pragma omp for ordered schedule(static, 2) nowait
        for (int i = 0; i < 64; i++) {
#pragma omp ordered
          {
            CHECK (next == i, "rep %d: %d before %d", rep, next, i);
            next = i + 1;
            sum += i;
          }
        }
      }
    }
    printf ("ordered sum %ld\n", sum);
    CHECK (sum == 200L * 2016, "sum %ld", sum);
  }
  report ("repeated ordered regions");

  return finish ();
}
