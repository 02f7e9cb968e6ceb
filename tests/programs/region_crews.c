/* region_crews: regions of changing sizes (1 to 4 threads), regions nested in
 * them, two program threads that lead regions of their own at the same time,
 * and omp_pause_resource_all between rounds: every region gets its threads
 * and its sums, and the process's thread count stays bounded (a runtime that
 * keeps a master's workers for its next region must give them back when a
 * team is smaller, at a nested region's end, at a pause and at thread exit). */
#include <dirent.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>

static int threads_alive(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static long rounds(int iters)
{
	long sum = 0;
	for (int it = 0; it < iters; it++) {
		int size = 1 + it % 4;
		#pragma omp parallel num_threads(size) reduction(+:sum)
		{
			sum += omp_get_thread_num() + 1;
			if (it % 3 == 0) {
				#pragma omp parallel num_threads(2) reduction(+:sum)
				sum += 1;
			}
		}
	}
	return sum;
}

static void *program_thread(void *arg)
{
	long *out = arg;
	*out = rounds(300);
	return NULL;
}

int main(void)
{
	omp_set_max_active_levels(2);
	long a = rounds(300);
	pthread_t p[2];
	long r[2];
	for (int k = 0; k < 2; k++)
		pthread_create(&p[k], NULL, program_thread, &r[k]);
	long b = rounds(300);
	for (int k = 0; k < 2; k++)
		pthread_join(p[k], NULL);
	int most = threads_alive();
	omp_pause_resource_all(omp_pause_soft);
	long c = rounds(300);
	int after = threads_alive();
	/* Program threads' nested regions are serialized (their own
	 * max-active-levels is the default), so their sums differ. */
	printf("sums %ld %ld %ld %ld %ld\n", a, b, r[0], r[1], c);
	/* 1 + 2 program threads, 3 + 3 workers for their regions, 2 x 3 for
	 * nested ones: far fewer than 64 whatever the reuse. */
	printf("threads bounded: %s\n", most <= 64 && after <= 64 ? "yes" : "no");
	return 0;
}
