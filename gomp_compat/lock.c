/* lock.c: OpenMP simple and nestable locks, in the current layouts
 * (OMP_3.0 symbols) and the OpenMP 2.5 layouts libgomp still exports as
 * the OMP_1.0 versions of the same names.
 *
 * omp_lock_t (4 bytes) is a beat_mutex_t: 0 free, 1 held, 2 held with
 * sleepers. omp_nest_lock_t (16 bytes) is {mutex, count, owner} where the
 * owner is the owning task (OpenMP 3.0 gives nestable locks to tasks, not
 * threads). The 2.5 nestable lock is {owner, count} (8 bytes) owned by a
 * thread, named by its kernel thread id, and waited for on the owner word
 * itself; the 2.5 simple lock has the same layout and code as the 3.0 one.
 * The fields are read without the lock only to compare against the
 * caller's own identity, which no other thread can write.
 *
 * The 2.5 functions are bound to their old versions with .symver; their
 * own names (compat25_*) match no exported pattern of the version script,
 * so only the versioned aliases leave the library. */
#include "abi.h"

#include <omp.h>

_Static_assert(sizeof(beat_mutex_t) == sizeof(omp_lock_t), "omp_lock_t is one mutex");

struct nest_lock {
	beat_mutex_t lock;
	int count;
	_Atomic(void *) owner;
};
_Static_assert(sizeof(struct nest_lock) == sizeof(omp_nest_lock_t), "nest lock layout");

struct nest_lock_25 {
	atomic_uint owner; /* thread id, 0: free */
	int count;
};
_Static_assert(sizeof(struct nest_lock_25) <= sizeof(omp_nest_lock_t), "2.5 nest lock layout");

static beat_mutex_t *simple(omp_lock_t *l)
{
	return (beat_mutex_t *)l;
}

static struct nest_lock *nest(omp_nest_lock_t *l)
{
	return (struct nest_lock *)l;
}

/* The identity that owns a 3.0 nestable lock: the current task (an
 * included task keeps its identity when its record moves to the heap). */
static void *current_owner(void)
{
	return (void *)beat_task_identity();
}

/* ------------------------------------------------------- simple locks */

BEAT_EXPORT void omp_init_lock(omp_lock_t *l)
{
	atomic_init(&simple(l)->state, 0);
}

BEAT_EXPORT void omp_destroy_lock(omp_lock_t *l)
{
}

BEAT_EXPORT void omp_set_lock(omp_lock_t *l)
{
	beat_mutex_lock(simple(l));
}

BEAT_EXPORT void omp_unset_lock(omp_lock_t *l)
{
	beat_mutex_unlock(simple(l));
}

BEAT_EXPORT int omp_test_lock(omp_lock_t *l)
{
	return beat_mutex_trylock(simple(l));
}

/* ----------------------------------------------------- nestable locks */

BEAT_EXPORT void omp_init_nest_lock(omp_nest_lock_t *l)
{
	struct nest_lock *n = nest(l);
	atomic_init(&n->lock.state, 0);
	n->count = 0;
	atomic_init(&n->owner, NULL);
}

BEAT_EXPORT void omp_destroy_nest_lock(omp_nest_lock_t *l)
{
}

BEAT_EXPORT void omp_set_nest_lock(omp_nest_lock_t *l)
{
	struct nest_lock *n = nest(l);
	void *me = current_owner();
	if (atomic_load_explicit(&n->owner, memory_order_relaxed) != me) {
		beat_mutex_lock(&n->lock);
		atomic_store_explicit(&n->owner, me, memory_order_relaxed);
	}
	n->count++;
}

BEAT_EXPORT void omp_unset_nest_lock(omp_nest_lock_t *l)
{
	struct nest_lock *n = nest(l);
	if (--n->count == 0) {
		atomic_store_explicit(&n->owner, NULL, memory_order_relaxed);
		beat_mutex_unlock(&n->lock);
	}
}

BEAT_EXPORT int omp_test_nest_lock(omp_nest_lock_t *l)
{
	struct nest_lock *n = nest(l);
	void *me = current_owner();
	if (atomic_load_explicit(&n->owner, memory_order_relaxed) == me)
		return ++n->count;
	if (!beat_mutex_trylock(&n->lock))
		return 0;
	atomic_store_explicit(&n->owner, me, memory_order_relaxed);
	n->count = 1;
	return 1;
}

/* ------------------------------------------- OpenMP 2.5 (OMP_1.0) forms */

static struct nest_lock_25 *nest25(void *l)
{
	return (struct nest_lock_25 *)l;
}

/* Simple 2.5 locks have the 3.0 layout: the same code serves. */
BEAT_EXPORT void compat25_init_lock(omp_lock_t *l)
{
	omp_init_lock(l);
}

BEAT_EXPORT void compat25_destroy_lock(omp_lock_t *l)
{
}

BEAT_EXPORT void compat25_set_lock(omp_lock_t *l)
{
	beat_mutex_lock(simple(l));
}

BEAT_EXPORT void compat25_unset_lock(omp_lock_t *l)
{
	beat_mutex_unlock(simple(l));
}

BEAT_EXPORT int compat25_test_lock(omp_lock_t *l)
{
	return beat_mutex_trylock(simple(l));
}

BEAT_EXPORT void compat25_init_nest_lock(void *l)
{
	atomic_init(&nest25(l)->owner, 0);
	nest25(l)->count = 0;
}

BEAT_EXPORT void compat25_destroy_nest_lock(void *l)
{
}

/* Only the owner can find its own id in the word, so reading it without
 * the lock is safe. */
BEAT_EXPORT void compat25_set_nest_lock(void *l)
{
	struct nest_lock_25 *n = nest25(l);
	unsigned me = beat_os_thread_id();
	if (atomic_load_explicit(&n->owner, memory_order_relaxed) == me) {
		n->count++;
		return;
	}
	beat_owner_word_acquire(&n->owner, me);
	n->count = 1;
}

BEAT_EXPORT void compat25_unset_nest_lock(void *l)
{
	struct nest_lock_25 *n = nest25(l);
	if (--n->count == 0)
		beat_owner_word_release(&n->owner);
}

BEAT_EXPORT int compat25_test_nest_lock(void *l)
{
	struct nest_lock_25 *n = nest25(l);
	unsigned me = beat_os_thread_id();
	if (atomic_load_explicit(&n->owner, memory_order_relaxed) == me)
		return ++n->count;
	unsigned seen = 0;
	if (atomic_compare_exchange_strong_explicit(&n->owner, &seen, me, memory_order_acquire,
						    memory_order_relaxed)) {
		n->count = 1;
		return 1;
	}
	return 0;
}

__asm__(".symver compat25_init_lock, omp_init_lock@OMP_1.0");
__asm__(".symver compat25_destroy_lock, omp_destroy_lock@OMP_1.0");
__asm__(".symver compat25_set_lock, omp_set_lock@OMP_1.0");
__asm__(".symver compat25_unset_lock, omp_unset_lock@OMP_1.0");
__asm__(".symver compat25_test_lock, omp_test_lock@OMP_1.0");
__asm__(".symver compat25_init_nest_lock, omp_init_nest_lock@OMP_1.0");
__asm__(".symver compat25_destroy_nest_lock, omp_destroy_nest_lock@OMP_1.0");
__asm__(".symver compat25_set_nest_lock, omp_set_nest_lock@OMP_1.0");
__asm__(".symver compat25_unset_nest_lock, omp_unset_nest_lock@OMP_1.0");
__asm__(".symver compat25_test_nest_lock, omp_test_nest_lock@OMP_1.0");
