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
#define TEST_NAME "presence_spread"
#include "presence_helpers.h"

int main(void)
{
	cpu_set_t ab;
	if (!two_cpus(&ab))
		return 0;

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
