/* memgate_tasks: tasks for the memory gate's tests. "small": 200 tasks with
 * a few bytes of arguments each; "big": 40 tasks each carrying 600 KiB of
 * firstprivate data (over the gate's 512 KiB for the high level). One
 * producer (parallel + single); prints a checksum that does not depend on
 * the runtime or the order. */
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

struct big { unsigned char bytes[600 * 1024]; };

static struct big proto;
static long results[200];

static long digest (const struct big *b, int k)
{
  long s = 0;
  for (size_t i = 0; i < sizeof b->bytes; i += 4096)
    s += b->bytes[i + k % 64] * (k + 1);
  return s;
}

int main (int argc, char **argv)
{
  int big = argc > 1 && strcmp (argv[1], "big") == 0;
  int n = big ? 40 : 200;
  for (size_t i = 0; i < sizeof proto.bytes; i++)
    proto.bytes[i] = (unsigned char) (i * 7);
#pragma omp parallel
#pragma omp single
  for (int k = 0; k < n; k++)
    {
      if (big)
        {
          struct big b = proto;
#pragma omp task firstprivate(b, k)
          results[k] = digest (&b, k);
        }
      else
        {
#pragma omp task firstprivate(k)
          {
            long s = 0;
            for (int i = 0; i <= 1000 * k; i++)
              s += i % 7;
            results[k] = s;
          }
        }
    }
  long sum = 0;
  for (int k = 0; k < n; k++)
    sum += results[k];
  printf ("tasks %d checksum %ld\n", n, sum);
  return 0;
}
