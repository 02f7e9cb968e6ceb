/* foreign_count.c: the count of other processes' runnable threads
 * (shim/foreign.c) sees a busy process and does not count the process's
 * own runnable threads.
 *  1. A child process that spins: every count (five, spaced past the 10 ms
 *     the answer is kept) reads at least one.
 *  2. The child gone and three threads of this process spinning: some count
 *     in fifty reads zero (a kernel thread may be runnable for a moment in
 *     a few of them; the process's own three would be in all of them). */
#include "rt.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop;

static void fail(const char *what)
{
	fprintf(stderr, "foreign_count: FAIL %s\n", what);
	exit(1);
}

static void pause_ms(long ms)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = ms * 1000000L};
	nanosleep(&ts, NULL);
}

static void *spin(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		;
	return NULL;
}

int main(void)
{
	pid_t child = fork();
	if (child < 0)
		fail("fork");
	if (child == 0)
		for (;;)
			;
	pause_ms(20);
	int low = 1 << 30;
	for (int i = 0; i < 5; i++) {
		pause_ms(15);
		int n = beat_foreign_runnable();
		if (n < 0)
			fail("/proc cannot be read: no count");
		low = n < low ? n : low;
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	if (low < 1)
		fail("a spinning child process was not counted");

	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		if (pthread_create(&th[i], NULL, spin, NULL) != 0)
			fail("pthread_create");
	int zero_at = -1;
	for (int i = 0; i < 50 && zero_at < 0; i++) {
		pause_ms(15);
		if (beat_foreign_runnable() == 0)
			zero_at = i;
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	if (zero_at < 0)
		fail("the process's own spinning threads were counted as another process's");
	printf("foreign_count: a spinning child counted (at least %d), three own spinning threads not "
	       "(zero at read %d)\n", low, zero_at + 1);
	return 0;
}
