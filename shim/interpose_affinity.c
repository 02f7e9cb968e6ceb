/* interpose_affinity.c: pthread_setaffinity_np seen before it acts, so that
 * beat learns the CPUs the process was started with even when libgomp's
 * constructor (libgomp stays loaded beside beat, and its constructor runs
 * before beat's) has already bound the initial thread to one place.
 *
 * The first call made before beat reads the topology records the caller's
 * mask; every call is then passed on to the C library unchanged. Exported
 * with glibc's GLIBC_2.34 version (the one libgomp and new binaries
 * reference; see scripts/gen-abi). */
#include "rt.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

typedef int (*setaffinity_fn)(pthread_t, size_t, const cpu_set_t *);

static cpu_set_t first_mask;
static atomic_int first_state; /* 0 none, 1 recording, 2 recorded, 3 closed */

static setaffinity_fn next_setaffinity(void)
{
	static _Atomic(setaffinity_fn) next;
	setaffinity_fn f = atomic_load_explicit(&next, memory_order_acquire);
	if (f == NULL) {
		f = (setaffinity_fn)dlvsym(RTLD_NEXT, "pthread_setaffinity_np", "GLIBC_2.34");
		if (f == NULL)
			f = (setaffinity_fn)dlsym(RTLD_NEXT, "pthread_setaffinity_np");
		atomic_store_explicit(&next, f, memory_order_release);
	}
	return f;
}

BEAT_EXPORT int pthread_setaffinity_np(pthread_t thread, size_t size, const cpu_set_t *set)
{
	int expect = 0;
	if (atomic_load_explicit(&first_state, memory_order_relaxed) == 0 &&
	    atomic_compare_exchange_strong(&first_state, &expect, 1)) {
		if (sched_getaffinity(0, sizeof first_mask, &first_mask) == 0)
			atomic_store(&first_state, 2);
		else
			atomic_store(&first_state, 3);
	}
	setaffinity_fn f = next_setaffinity();
	if (f == NULL)
		return ENOSYS;
	/* a thread run as a task: the pool worker running it (none: nothing
	 * runs it now, and its fingerprint gets real threads from now on) */
	thread = beat_pt_affinity_target(thread);
	if (thread == 0)
		return 0;
	return f(thread, size, set);
}

bool beat_start_affinity(cpu_set_t *set)
{
	int expect = 0;
	/* From now on later calls are the program's or beat's own. */
	if (atomic_compare_exchange_strong(&first_state, &expect, 3))
		return false;
	if (expect != 2)
		return false;
	*set = first_mask;
	return true;
}
