/* Runs an OpenACC parallel loop, which GCC lowers to a GOACC_parallel_keyed call; built with -fopenacc. */
#include <stdio.h>

#define N 1000

int main (void)
{
  static int a[N];
  long sum = 0;
#pragma acc parallel loop copy(a) reduction(+:sum)
  for (int i = 0; i < N; i++) {
    a[i] = i;
    sum += i;
  }
  printf ("acc sum %ld\n", sum);
  return sum == 499500 ? 0 : 1;
}
