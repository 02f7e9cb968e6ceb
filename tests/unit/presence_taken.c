/* presence_taken.c: a waiter whose CPU another process takes (a slow yield,
 * shim/util.c) marks that CPU taken and moves to a CPU of its mask that is
 * not; nothing moves onto a taken CPU (shim/presence.c).
 *
 * Two CPUs a and b of the process's mask. The main thread is put on a
 * (bound to a, then its whole mask given back) and says what a waiter says
 * after a slow yield:
 *  1. BEAT_SPREAD off: it marks a but stays there;
 *  2. on: it moves to b (and its mask is the one it had);
 *  3. on b, with a marked: no CPU is left, it stays on b;
 *  4. a helper counted on b, the waiter put on b and looking as a spinning
 *     waiter does: a has no beat thread but is taken, so it never moves
 *     there (without the mark it would: presence_spread case 3).
 * Needs two CPUs; with one it says so and passes. */
#define TEST_NAME "presence_taken"
#include "presence_helpers.h"

int main(void)
{
	cpu_set_t ab;
	if (!two_cpus(&ab))
		return 0;

	/* 1. switched off: the mark (already expired here) but no move */
	beat_cfg.spread = false;
	put_on_a(&ab);
	if (beat_presence_taken(beat_now()) || sched_getcpu() != cpu_a)
		fail("BEAT_SPREAD off: the waiter left the taken CPU");
	same_mask(&ab, "spread off");

	/* 2. on: it moves to b, the CPU not taken */
	beat_cfg.spread = true;
	put_on_a(&ab);
	if (!beat_presence_taken(beat_now() + 60))
		fail("the waiter did not move off the taken CPU");
	if (sched_getcpu() != cpu_b)
		fail("the waiter is not on the CPU not taken");
	same_mask(&ab, "after the move");

	/* 3. on b, a taken: nowhere to go */
	if (beat_presence_taken(beat_now() + 60) || sched_getcpu() != cpu_b)
		fail("the waiter moved onto a taken CPU");
	same_mask(&ab, "both taken");

	/* 4. sharing b with a counted thread: a is free of beat threads but
	 * taken, so spreading does not go there */
	pthread_t on_b = sit_on(&cpu_b);
	bind_to(cpu_b);
	if (sched_setaffinity(0, sizeof ab, &ab) != 0)
		fail("cannot restore the mask");
	beat_presence_arrive();
	if (looks_until_alone() != LOOKS || sched_getcpu() != cpu_b)
		fail("a sharing waiter spread onto a taken CPU");
	same_mask(&ab, "spread with a taken");
	dismiss(&on_b, 1);
	printf("presence_taken: moved from taken CPU %d to CPU %d; stays put when off, when all are taken, "
	       "and spreading skips a taken CPU\n", cpu_a, cpu_b);
	return 0;
}
