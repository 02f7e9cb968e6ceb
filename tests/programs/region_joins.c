/* region_joins: the places where a region's primary thread meets its
 * workers' departure (shim/team.c: a region started by a thread's initial
 * implicit task leaves that count pending until the thread next needs its
 * workers or team): back-to-back regions of changing sizes; a region nested
 * in another's implicit task; a task that runs a nested region inside its
 * creator's end barrier and inside an explicit barrier (the count of the
 * nested team's workers must not mix with the enclosing team's, which
 * arrive right after); and a pause between rounds. Prints counts only. */
#include <omp.h>
#include <stdio.h>

static long counted;

static void count(void)
{
#pragma omp atomic
	counted += 1;
}

int main(void)
{
	omp_set_max_active_levels(2);
	long expect = 0;
	for (int round = 0; round < 3; round++) {
		/* sizes change: a kept team of another size is freed */
		for (int it = 0; it < 300; it++) {
			int n = 1 + it % 3;
#pragma omp parallel num_threads(n)
			count();
			expect += n;
		}
		/* nested in the implicit task, then the outer end */
		for (int it = 0; it < 300; it++) {
#pragma omp parallel num_threads(2)
			{
#pragma omp parallel num_threads(2)
				count();
			}
			expect += 4;
		}
		/* a task runs a nested region in its creator's end barrier */
		for (int it = 0; it < 300; it++) {
#pragma omp parallel num_threads(2)
			{
				if (omp_get_thread_num() == 0) {
#pragma omp task
					{
#pragma omp parallel num_threads(2)
						count();
					}
				}
			}
			expect += 2;
		}
		/* ... and in an explicit barrier, then the end */
		for (int it = 0; it < 300; it++) {
#pragma omp parallel num_threads(2)
			{
#pragma omp single nowait
				{
#pragma omp task
					{
#pragma omp parallel num_threads(3)
						count();
					}
				}
#pragma omp barrier
				count();
			}
			expect += 3 + 2;
		}
		omp_pause_resource_all(omp_pause_soft);
	}
	printf("counted %s (%ld)\n", counted == expect ? "as expected" : "WRONG", expect);
	return counted == expect ? 0 : 1;
}
