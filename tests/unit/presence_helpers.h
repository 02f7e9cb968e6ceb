/* presence_helpers.h: what the presence unit tests share (not a test
 * itself): threads counted on a CPU, a waiter put on a CPU, its looks, and
 * the check that its mask is the one it had. Define TEST_NAME first. */
#ifndef PRESENCE_HELPERS_H
#define PRESENCE_HELPERS_H
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
	fprintf(stderr, "%s: %s\n", TEST_NAME, what);
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
		fprintf(stderr, "%s: %s: the thread's mask changed\n", TEST_NAME, when);
		exit(1);
	}
}

/* Configures beat and keeps the thread to the first two CPUs of its mask,
 * a and b, returned in *ab; false (after saying so) with one CPU only. */
static bool two_cpus(cpu_set_t *ab)
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
		printf("%s: one CPU only, nothing to check\n", TEST_NAME);
		return false;
	}
	CPU_ZERO(ab);
	CPU_SET(cpu_a, ab);
	CPU_SET(cpu_b, ab);
	if (sched_setaffinity(0, sizeof *ab, ab) != 0)
		fail("cannot keep to two CPUs");
	return true;
}

#endif
