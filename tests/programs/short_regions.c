/* short_regions: many short parallel regions, each a reduction and a
 * barrier, as a program with small parallel loops runs them (the case where
 * a team larger than its CPUs meets a busy process, hostile.bats). Argument:
 * the number of regions (default 3000). Prints the sums. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long regions = argc > 1 ? atol(argv[1]) : 3000;
	long total = 0, peak = 0;
	for (long r = 0; r < regions; r++) {
		long sum = 0;
		int seen = 0;
#pragma omp parallel reduction(+ : sum)
		{
			sum += omp_get_thread_num() + r % 7;
#pragma omp barrier
#pragma omp single
			seen = omp_get_num_threads();
		}
		total += sum;
		if (seen > peak)
			peak = seen;
	}
	printf("regions %ld total %ld largest team %ld\n", regions, total, peak);
	return 0;
}
