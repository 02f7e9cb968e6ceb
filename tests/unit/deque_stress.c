/* deque_stress.c: the Chase-Lev deque under one owner and several thieves:
 * millions of items pushed, popped and stolen, every item taken exactly once.
 * Every 7th item is pushed guarded: the owner's pops and the plain thieves
 * take it like any other, the thief that steals unguarded items never gets
 * it. Items are even numbers, as pointers to aligned records are. */
#include "rt.h"

#include <stdio.h>
#include <stdlib.h>

#define ITEMS 2000000L
#define THIEVES 3

static struct beat_deque dq;
static atomic_uchar *taken;
static atomic_long total_taken;
static atomic_int done;

#define GUARDED(v) ((v) % 7 == 0)

static void take(void *item)
{
	long v = (long)(intptr_t)item;
	if (v & 1) {
		fprintf(stderr, "deque_stress: item %ld came back with its guard bit\n", v >> 1);
		exit(1);
	}
	v >>= 1;
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
	bool unguarded = arg != NULL;
	while (!atomic_load(&done) || beat_deque_size(&dq) > 0) {
		void *item = unguarded ? beat_deque_steal_unguarded(&dq) : beat_deque_steal(&dq);
		if (item && unguarded && GUARDED((long)(intptr_t)item >> 1)) {
			fprintf(stderr, "deque_stress: the unguarded thief took guarded item %ld\n",
				(long)(intptr_t)item >> 1);
			exit(1);
		}
		if (item)
			take(item);
		if (unguarded && atomic_load(&done))
			break; /* a guarded item may stay on top for the others */
	}
	return NULL;
}

int main(void)
{
	taken = calloc(ITEMS + 1, 1);
	beat_deque_init(&dq);
	pthread_t th[THIEVES];
	for (int i = 0; i < THIEVES; i++)
		pthread_create(&th[i], NULL, thief, i == 0 ? (void *)1 : NULL);
	unsigned rng = 1;
	long next = 1;
	while (next <= ITEMS) {
		rng = rng * 1103515245u + 12345u;
		int burst = 1 + (rng >> 16) % 200;
		for (int k = 0; k < burst && next <= ITEMS; k++, next++) {
			void *item = (void *)(intptr_t)(next << 1);
			if (GUARDED(next))
				beat_deque_push_guarded(&dq, item);
			else
				beat_deque_push(&dq, item);
		}
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
