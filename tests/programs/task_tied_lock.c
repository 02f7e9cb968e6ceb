/* task_tied_lock: tied tasks hold an omp_lock_t or a critical section across
 * a taskwait whose children are slow, while sibling tasks take the same lock.
 * OpenMP's tied-task scheduling constraint keeps this from deadlocking: the
 * thread of a suspended tied task starts only its descendants. */
#include <omp.h>
#include <stdio.h>
#include <unistd.h>
static omp_lock_t lk;
static long total, ctotal;
static void work(int i)
{
	omp_set_lock(&lk);
	for (int k = 0; k < 4; k++) {
		#pragma omp task
		{ usleep(200); __atomic_fetch_add(&total, 1, __ATOMIC_RELAXED); }
	}
	#pragma omp taskwait
	total += i;
	omp_unset_lock(&lk);
}
static void cwork(int i)
{
	#pragma omp critical (cw)
	{
		for (int k = 0; k < 4; k++) {
			#pragma omp task
			{ usleep(200); __atomic_fetch_add(&ctotal, 1, __ATOMIC_RELAXED); }
		}
		#pragma omp taskwait
		ctotal += i;
	}
}
int main(void)
{
	omp_init_lock(&lk);
	#pragma omp parallel
	#pragma omp single
	for (int i = 0; i < 300; i++) {
		#pragma omp task
		work(i);
		#pragma omp task
		cwork(i);
	}
	printf("total %ld ctotal %ld\n", total, ctotal);
	/* 300 tasks of each kind: 4 children each, plus the sum of 0..299. */
	long want = 300 * 4 + 299 * 300 / 2;
	printf("%s\n", total == want && ctotal == want ? "OK" : "WRONG");
	return !(total == want && ctotal == want);
}
