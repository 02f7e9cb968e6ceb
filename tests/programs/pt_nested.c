/* Threads that create and join threads of their own (two levels below the main thread), results summed up the tree. Usage: pt_nested [ROUNDS [OUTER [INNER]]]. */
#include "pt_common.h"

struct branch {
  int id;
  int inner;
};

static void *leaf (void *arg)
{
  return (void *) (uintptr_t) (pt_work ((uintptr_t) arg, 100) & 0xffff);
}

static uint64_t leaf_expected (uintptr_t seed)
{
  return pt_work (seed, 100) & 0xffff;
}

/* An outer thread: starts its inner threads, joins them, returns their sum. */
static void *branch_run (void *arg)
{
  struct branch *b = arg;
  pthread_t th[b->inner];
  for (int i = 0; i < b->inner; i++)
    pt_start (&th[i], NULL, leaf, (void *) (uintptr_t) (b->id * 1000 + i));
  uint64_t sum = 0;
  for (int i = 0; i < b->inner; i++)
    sum += (uintptr_t) pt_wait (th[i]);
  return (void *) (uintptr_t) sum;
}

static uint64_t run_round (int round, int outer, int inner)
{
  pthread_t th[outer];
  struct branch br[outer];
  for (int k = 0; k < outer; k++) {
    br[k] = (struct branch) { .id = round * outer + k, .inner = inner };
    pt_start (&th[k], NULL, branch_run, &br[k]);
  }
  uint64_t total = 0;
  for (int k = 0; k < outer; k++) {
    uint64_t got = (uintptr_t) pt_wait (th[k]), expect = 0;
    for (int i = 0; i < inner; i++)
      expect += leaf_expected ((uintptr_t) (br[k].id * 1000 + i));
    CHECK (got == expect, "branch %d: %llu, expected %llu", br[k].id, (unsigned long long) got,
           (unsigned long long) expect);
    total += got;
  }
  return total;
}

int main (int argc, char **argv)
{
  int rounds = pt_arg (argc, argv, 1, 10);
  int outer = pt_arg (argc, argv, 2, 6);
  int inner = pt_arg (argc, argv, 3, 6);
  uint64_t total = 0;
  for (int r = 0; r < rounds; r++)
    total += run_round (r, outer, inner);
  report ("nested threads");
  printf ("rounds %d outer %d inner %d total %llu\n", rounds, outer, inner,
          (unsigned long long) total);
  return pt_finish ();
}
