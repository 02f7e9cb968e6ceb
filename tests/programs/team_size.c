/* team_size.c: prints the default team size (omp_get_max_threads and the
 * size of a parallel region without num_threads) beside omp_get_num_procs,
 * for the CPU-quota tests. */
#include <omp.h>
#include <stdio.h>

int main(void)
{
	int team = 0;
#pragma omp parallel
#pragma omp single
	team = omp_get_num_threads();
	printf("max %d team %d procs %d\n", omp_get_max_threads(), team, omp_get_num_procs());
	return 0;
}
