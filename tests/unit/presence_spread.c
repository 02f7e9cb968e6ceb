/* presence_spread.c: a waiter that keeps finding another of beat's threads
 * counted on its CPU moves to a CPU of its mask where none is counted, and
 * its mask is the same afterwards (shim/presence.c).
 *
 * Two CPUs a and b of the process's mask. A helper thread, bound to a, is
 * counted there and then blocks (asleep, still counted, as a thread running
 * user code would be). The main thread is put on a (bound to a, then its
 * whole mask given back: nothing else runs, so the kernel leaves it there)
 * and looks at its presence as a spinning waiter does:
 *  1. BEAT_SPREAD off: every look says "shared" and it stays on a;
 *  2. a third thread counted on b: b is taken, it stays on a;
 *  3. on: after at most the spread threshold of looks it is on b, counted
 *     there, and its mask is the one it had.
 * Case 1 shows what 3 would be if the move did nothing. Needs two CPUs;
 * with one it says so and passes. */
#define _GNU_SOURCE
#include "rt.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOKS 100000 /* far beyond the threshold (64) */

static int cpu_a, cpu_b;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int counted, finish;

static void fail(const char *what)
{
	fprintf(stderr, "presence_spread: %s\n", what);
	exit(1);
}

static void bind_to(int cpu)
{
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof one, &one) != 0)
		fail("cannot bind to a CPU");
}

/* Counted on its CPU, then asleep (not through beat: still counted). */
static void *sitter(void *arg)
{
	bind_to(*(int *)arg);
	beat_presence_arrive();
	pthread_mutex_lock(&mu);
	counted++;
	pthread_cond_broadcast(&cv);
	while (!finish)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	beat_presence_leave();
	return NULL;
}

static pthread_t sit_on(int *cpu)
{
	pthread_t t;
	pthread_mutex_lock(&mu);
	int want = counted + 1;
	pthread_mutex_unlock(&mu);
	if (pthread_create(&t, NULL, sitter, cpu) != 0)
		fail("pthread_create");
	pthread_mutex_lock(&mu);
	while (counted < want)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return t;
}

/* Wakes the sitters and waits for them to end. */
static void dismiss(pthread_t *t, int n)
{
	pthread_mutex_lock(&mu);
	finish = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	finish = 0;
}

static void put_on_a(const cpu_set_t *mask)
{
	bind_to(cpu_a);
	if (sched_setaffinity(0, sizeof *mask, mask) != 0)
		fail("cannot restore the mask");
	beat_presence_arrive();
}

/* Looks until a look says "not shared"; returns the number of looks, or
 * LOOKS when every one said "shared". */
static int looks_until_alone(void)
{
	for (int i = 1; i <= LOOKS; i++)
		if (!beat_presence_shared())
			return i;
	return LOOKS;
}

static void same_mask(const cpu_set_t *mask, const char *when)
{
	cpu_set_t now;
	if (sched_getaffinity(0, sizeof now, &now) != 0 || !CPU_EQUAL(&now, mask)) {
		fprintf(stderr, "presence_spread: %s: the thread's mask changed\n", when);
		exit(1);
	}
}

int main(void)
{
	beat_config_init();
	cpu_set_t mask;
	if (sched_getaffinity(0, sizeof mask, &mask) != 0)
		fail("sched_getaffinity");
	cpu_a = cpu_b = -1;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &mask))
			continue;
		if (cpu_a < 0)
			cpu_a = c;
		else if (cpu_b < 0)
			cpu_b = c;
	}
	if (cpu_b < 0) {
		printf("presence_spread: one CPU only, nothing to check\n");
		return 0;
	}
	cpu_set_t ab;
	CPU_ZERO(&ab);
	CPU_SET(cpu_a, &ab);
	CPU_SET(cpu_b, &ab);
	if (sched_setaffinity(0, sizeof ab, &ab) != 0)
		fail("cannot keep to two CPUs");

	pthread_t on_a = sit_on(&cpu_a);

	/* 1. switched off: it yields at every look and never moves */
	beat_cfg.spread = false;
	put_on_a(&ab);
	int n = looks_until_alone();
	if (n != LOOKS || sched_getcpu() != cpu_a)
		fail("BEAT_SPREAD off: the waiter left the shared CPU");
	same_mask(&ab, "spread off");

	/* 2. b has a thread of its own: nowhere to go */
	beat_cfg.spread = true;
	pthread_t on_b = sit_on(&cpu_b);
	put_on_a(&ab);
	n = looks_until_alone();
	if (n != LOOKS || sched_getcpu() != cpu_a)
		fail("the waiter moved onto a CPU where another thread is counted");
	same_mask(&ab, "b taken");
	dismiss((pthread_t[]){on_b, on_a}, 2);

	/* 3. b is free: it moves there within the threshold */
	on_a = sit_on(&cpu_a);
	put_on_a(&ab);
	n = looks_until_alone();
	if (n == LOOKS)
		fail("the waiter never left the shared CPU");
	if (sched_getcpu() != cpu_b)
		fail("the waiter is not on the free CPU");
	if (beat_presence_shared())
		fail("the waiter moved but is still counted as sharing");
	same_mask(&ab, "after the move");
	dismiss(&on_a, 1);
	printf("presence_spread: moved from CPU %d to CPU %d after %d looks; stays put when off or taken\n",
	       cpu_a, cpu_b, n);
	return 0;
}
