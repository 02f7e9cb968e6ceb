/* owner_word.c: a lock word that names its owner (0: free), for locks an
 * ABI owns by an id (the OpenMP 2.5 nestable lock, owned by a kernel thread
 * id), and the calling thread's kernel thread id. A waiter polls a bounded
 * time (beat_spin_limit) and then sleeps on the word's futex; the owner's
 * release wakes one sleeper, which tries again. */
#include "rt.h"

#include <sys/syscall.h>
#include <unistd.h>

static BEAT_TLS unsigned cached_tid;

unsigned beat_os_thread_id(void)
{
	if (BEAT_UNLIKELY(cached_tid == 0))
		cached_tid = (unsigned)syscall(SYS_gettid);
	return cached_tid;
}

static bool try_take(atomic_uint *word, unsigned me, unsigned *seen)
{
	*seen = 0;
	return atomic_compare_exchange_strong_explicit(word, seen, me, memory_order_acquire,
						       memory_order_relaxed);
}

void beat_owner_word_acquire(atomic_uint *word, unsigned me)
{
	unsigned seen;
	unsigned long limit = beat_spin_limit();
	for (unsigned long i = 0; i < limit; i++) {
		if (try_take(word, me, &seen))
			return;
		if (!beat_spin_pause(i))
			break;
	}
	while (!try_take(word, me, &seen))
		beat_futex_wait(word, seen);
}

void beat_owner_word_release(atomic_uint *word)
{
	atomic_store_explicit(word, 0, memory_order_release);
	beat_futex_wake(word, 1);
}
