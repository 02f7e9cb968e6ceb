/* Checks loops with unsigned long long iteration variables (GOMP_loop_ull_* entry points) for every schedule, large bounds and negative steps. */
#include <omp.h>
#include <string.h>
#include "common.h"

#define N 30011ULL
static int hits[N];

static void reset (void) { memset (hits, 0, sizeof hits); }
static void check_all (const char *what, unsigned long long step, unsigned long long first)
{
  for (unsigned long long i = 0; i < N; i++) {
    int want = i >= first && (i - first) % step == 0;
    CHECK (hits[i] == want, "%s: index %llu ran %d times", what, i, hits[i]);
  }
}

/* Bounds come from a volatile so that GCC cannot prove they fit in a signed
   long and must call the GOMP_loop_ull_* entry points. */
static volatile unsigned long long base_v = 1ULL << 62;
#define BASE base
#define MARK(i) __atomic_fetch_add (&hits[(i) - BASE], 1, __ATOMIC_RELAXED)

int main (void)
{
  const unsigned long long base = base_v;
  const unsigned long long top = ~0ULL + 0 * base_v;
  for (int rep = 0; rep < 10; rep++) {
    int sched;
    for (sched = 0; sched < 9; sched++) {
      reset ();
      unsigned long long sum = 0;
#pragma omp parallel reduction(+:sum)
      {
        switch (sched) {
        case 0:
#pragma omp for schedule(static)
          for (unsigned long long i = BASE; i < BASE + N; i++) { MARK (i); sum += i - BASE; }
          break;
        case 1:
#pragma omp for schedule(static, 7)
          for (unsigned long long i = BASE; i < BASE + N; i++) { MARK (i); sum += i - BASE; }
          break;
        case 2:
#pragma omp for schedule(dynamic)
          for (unsigned long long i = BASE; i < BASE + N; i++) { MARK (i); sum += i - BASE; }
          break;
        case 3:
#pragma omp for schedule(monotonic: dynamic, 11)
          for (unsigned long long i = BASE; i < BASE + N; i++) { MARK (i); sum += i - BASE; }
          break;
        case 4:
#pragma omp for schedule(guided)
          for (unsigned long long i = BASE; i < BASE + N; i++) { MARK (i); sum += i - BASE; }
          break;
        case 5:
#pragma omp for schedule(monotonic: guided, 9)
          for (unsigned long long i = BASE; i < BASE + N; i++) { MARK (i); sum += i - BASE; }
          break;
        case 6:
#pragma omp for schedule(runtime)
          for (unsigned long long i = BASE; i < BASE + N; i++) { MARK (i); sum += i - BASE; }
          break;
        case 7:
#pragma omp for schedule(nonmonotonic: dynamic, 4)
          for (unsigned long long i = BASE; i < BASE + N; i++) { MARK (i); sum += i - BASE; }
          break;
        default:
#pragma omp for schedule(auto)
          for (unsigned long long i = BASE; i < BASE + N; i++) { MARK (i); sum += i - BASE; }
          break;
        }
      }
      check_all ("ull up", 1, 0);
      CHECK (sum == N * (N - 1) / 2, "ull sum %llu (schedule %d)", sum, sched);
    }
  }
  report ("ull ascending, all schedules");

  /* Descending ull loops (unsigned with a negative step). */
  for (int rep = 0; rep < 10; rep++) {
    for (int sched = 0; sched < 4; sched++) {
      reset ();
#pragma omp parallel
      {
        switch (sched) {
        case 0:
#pragma omp for schedule(static)
          for (unsigned long long i = BASE + N - 1; i >= BASE + 1; i -= 3) MARK (i);
          break;
        case 1:
#pragma omp for schedule(dynamic, 5)
          for (unsigned long long i = BASE + N - 1; i >= BASE + 1; i -= 3) MARK (i);
          break;
        case 2:
#pragma omp for schedule(guided)
          for (unsigned long long i = BASE + N - 1; i >= BASE + 1; i -= 3) MARK (i);
          break;
        default:
#pragma omp for schedule(static, 2)
          for (unsigned long long i = BASE + N - 1; i >= BASE + 1; i -= 3) MARK (i);
          break;
        }
      }
      check_all ("ull down", 3, (N - 1) % 3);
    }
  }
  report ("ull descending");

  /* Combined parallel for with ull variables, and a loop near the top of the range. */
  for (int rep = 0; rep < 10; rep++) {
    unsigned long long cnt = 0, cnt2 = 0;
#pragma omp parallel for schedule(dynamic, 16) reduction(+:cnt)
    for (unsigned long long i = top - 5000; i < top; i++) cnt++;
#pragma omp parallel for schedule(guided) reduction(+:cnt2)
    for (unsigned long long i = top - 1; i > top - 5001; i--) cnt2 += 2;
    CHECK (cnt == 5000 && cnt2 == 10000, "top-of-range loops %llu %llu", cnt, cnt2);
  }
  report ("ull near the top of the range");

  /* Ordered ull loop: output order must be ascending. */
  {
    unsigned long long expect = BASE, bad = 0;
#pragma omp parallel for ordered schedule(dynamic, 3)
    for (unsigned long long i = BASE; i < BASE + 2000; i++) {
#pragma omp ordered
      {
        if (i != expect) bad++;
        expect = i + 1;
      }
    }
    CHECK (bad == 0 && expect == BASE + 2000, "ordered ull bad %llu", bad);
  }
  report ("ull ordered");

  return finish ();
}
