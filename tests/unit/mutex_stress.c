/* mutex_stress.c: the futex mutex under contention (more threads than CPUs):
 * every increment made under it survives, and trylock never lets two in. */
#include "rt.h"

#include <stdio.h>

#define THREADS 6
#define ROUNDS 200000

static beat_mutex_t lock;
static long counter;
static atomic_int inside;
static atomic_int violations;

static void *worker(void *arg)
{
	long tries = (long)(intptr_t)arg;
	for (long i = 0; i < ROUNDS; i++) {
		if ((i + tries) % 7 == 0) {
			while (!beat_mutex_trylock(&lock))
				beat_cpu_relax();
		} else {
			beat_mutex_lock(&lock);
		}
		if (atomic_fetch_add(&inside, 1) != 0)
			atomic_fetch_add(&violations, 1);
		counter++;
		atomic_fetch_sub(&inside, 1);
		beat_mutex_unlock(&lock);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[THREADS];
	for (long i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	if (counter != (long)THREADS * ROUNDS || atomic_load(&violations) != 0) {
		fprintf(stderr, "mutex_stress: counter %ld (want %ld), %d violations\n", counter,
			(long)THREADS * ROUNDS, atomic_load(&violations));
		return 1;
	}
	printf("mutex_stress: %d threads x %d rounds, mutual exclusion held\n", THREADS, ROUNDS);
	return 0;
}
