/* stress_barrier.c: a short synchronisation-heavy program for the stress
 * loop: many barriers with phase checks, singles, criticals, nowait loops
 * and nested regions; prints one checked line. */
#include <omp.h>
#include <stdio.h>

int main(void)
{
	int phase[64] = {0};
	long errors = 0, crit = 0, singles = 0;
	for (int rep = 0; rep < 20; rep++) {
#pragma omp parallel
		{
			int id = omp_get_thread_num(), n = omp_get_num_threads();
			for (int p = 0; p < 50; p++) {
				if (id < 64)
					phase[id] = p;
#pragma omp barrier
				for (int k = 0; k < n && k < 64; k++)
					if (phase[k] != p) {
#pragma omp atomic
						errors++;
					}
#pragma omp barrier
			}
#pragma omp single nowait
			singles++;
#pragma omp for nowait schedule(dynamic, 3)
			for (int i = 0; i < 300; i++) {
#pragma omp critical
				crit++;
			}
#pragma omp parallel num_threads(2)
			{
#pragma omp critical
				crit++;
			}
		}
	}
	int ok = errors == 0 && singles == 20;
	printf("%s errors=%ld singles=%ld\n", ok ? "OK" : "WRONG", errors, singles);
	return ok ? 0 : 1;
}
