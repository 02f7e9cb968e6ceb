/* deque_stress.c: the Chase-Lev deque under one owner and several thieves:
 * millions of items pushed, popped and stolen, every item taken exactly once. */
#include "rt.h"

#include <stdio.h>
#include <stdlib.h>

#define ITEMS 2000000L
#define THIEVES 3

static struct beat_deque dq;
static atomic_uchar *taken;
static atomic_long total_taken;
static atomic_int done;

static void take(void *item)
{
	long v = (long)(intptr_t)item;
	if (v < 1 || v > ITEMS) {
		fprintf(stderr, "deque_stress: bad item %ld\n", v);
		exit(1);
	}
	if (atomic_fetch_add(&taken[v], 1) != 0) {
		fprintf(stderr, "deque_stress: item %ld taken twice\n", v);
		exit(1);
	}
	atomic_fetch_add(&total_taken, 1);
}

static void *thief(void *arg)
{
	(void)arg;
	while (!atomic_load(&done) || beat_deque_size(&dq) > 0) {
		void *item = beat_deque_steal(&dq);
		if (item)
			take(item);
	}
	return NULL;
}

int main(void)
{
	taken = calloc(ITEMS + 1, 1);
	beat_deque_init(&dq);
	pthread_t th[THIEVES];
	for (int i = 0; i < THIEVES; i++)
		pthread_create(&th[i], NULL, thief, NULL);
	unsigned rng = 1;
	long next = 1;
	while (next <= ITEMS) {
		rng = rng * 1103515245u + 12345u;
		int burst = 1 + (rng >> 16) % 200;
		for (int k = 0; k < burst && next <= ITEMS; k++)
			beat_deque_push(&dq, (void *)(intptr_t)next++);
		int pops = (rng >> 8) % 150;
		for (int k = 0; k < pops; k++) {
			void *item = beat_deque_pop(&dq);
			if (!item)
				break;
			take(item);
		}
	}
	void *item;
	while ((item = beat_deque_pop(&dq)) != NULL)
		take(item);
	atomic_store(&done, 1);
	for (int i = 0; i < THIEVES; i++)
		pthread_join(th[i], NULL);
	if (atomic_load(&total_taken) != ITEMS) {
		fprintf(stderr, "deque_stress: %ld of %ld items taken\n", atomic_load(&total_taken), ITEMS);
		return 1;
	}
	beat_deque_destroy(&dq);
	printf("deque_stress: %ld items, %d thieves, each taken exactly once\n", ITEMS, THIEVES);
	return 0;
}
