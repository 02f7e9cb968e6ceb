/* memgate_team: team sizes under the memory gate. Region 1 runs at the
 * level the test put in file argv[1]; then "none" is written there and,
 * after 50 ms (the level is re-read every 10 ms at most), region 2 runs.
 * Prints each region's team size. */
#include <omp.h>
#include <stdio.h>
#include <time.h>

static void region (int k)
{
  int n = 0;
#pragma omp parallel
  {
#pragma omp single
    n = omp_get_num_threads ();
  }
  printf ("region %d: %d threads\n", k, n);
}

int main (int argc, char **argv)
{
  region (1);
  if (argc > 1)
    {
      FILE *f = fopen (argv[1], "w");
      if (f)
        {
          fputs ("none\n", f);
          fclose (f);
        }
    }
  struct timespec ts = {0, 50 * 1000 * 1000};
  nanosleep (&ts, NULL);
  region (2);
  return 0;
}
