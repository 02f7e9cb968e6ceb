/* thread_ids.c: the global thread ids (beat_global_thread_id): 0 for the
 * initial thread, small, distinct among the live threads, stable for each
 * thread's life, and those of exited threads reused. */
#include "rt.h"

#include <stdio.h>

static int errors;

static void expect(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "thread_ids: %s\n", what);
		errors++;
	}
}

enum { THREADS = 6 };
static int ids[THREADS];
static pthread_barrier_t all_alive;

static void *thread_id(void *arg)
{
	int *slot = arg;
	*slot = beat_global_thread_id();
	pthread_barrier_wait(&all_alive);
	if (beat_global_thread_id() != *slot)
		*slot = -1; /* not stable */
	return NULL;
}

static void global_ids(void)
{
	expect(beat_global_thread_id() == 0, "the initial thread has id 0");
	pthread_t th[THREADS];
	pthread_barrier_init(&all_alive, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, thread_id, &ids[i]);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < THREADS; i++) {
		expect(ids[i] > 0 && ids[i] <= THREADS, "a small id, not 0, stable");
		for (int j = 0; j < i; j++)
			expect(ids[i] != ids[j], "ids of live threads differ");
	}
	expect(beat_global_thread_id() == 0, "the initial thread keeps id 0");
}

int main(void)
{
	global_ids();
	/* a second round reuses the records (and ids) of the first */
	global_ids();
	if (errors) {
		fprintf(stderr, "thread_ids: %d errors\n", errors);
		return 1;
	}
	printf("thread_ids: ok\n");
	return 0;
}
