/* deque.c: the Chase-Lev work-stealing deque (Chase & Lev 2005, with the C11
 * memory orders of Le et al. 2013). The owner pushes and pops at the bottom
 * without locks; thieves take from the top with one CAS. The ring grows by
 * doubling; old rings stay alive until the deque is destroyed because a
 * thief may still be reading one.
 *
 * An item may be pushed guarded: its slot carries bit 0, and a thief that
 * steals unguarded items only leaves it in place without reading it (the
 * item may be gone by the time a thief could look inside). */
#include "rt.h"

#include <stdlib.h>

struct beat_deque_array {
	long size; /* power of two */
	struct beat_deque_array *next_retired;
	_Atomic(void *) slot[];
};

static struct beat_deque_array *array_new(long size)
{
	struct beat_deque_array *a = calloc(1, sizeof *a + size * sizeof(void *));
	if (!a)
		beat_fatal("out of memory for a task deque");
	a->size = size;
	return a;
}

#define GUARD_BIT ((uintptr_t)1)

static inline void *untag(void *item)
{
	return (void *)((uintptr_t)item & ~GUARD_BIT);
}

static void *array_get(struct beat_deque_array *a, long i)
{
	return atomic_load_explicit(&a->slot[i & (a->size - 1)], memory_order_relaxed);
}

static void array_put(struct beat_deque_array *a, long i, void *item)
{
	atomic_store_explicit(&a->slot[i & (a->size - 1)], item, memory_order_relaxed);
}

void beat_deque_init(struct beat_deque *d)
{
	atomic_init(&d->top, 0);
	atomic_init(&d->bottom, 0);
	atomic_init(&d->array, NULL);
	d->retired = NULL;
	beat_deque_set_owner(d, NULL);
}

/* Only the owner works at the bottom: a deque nobody was given (a
 * calibration's) belongs to its first user. */
static inline void assert_owner(struct beat_deque *d)
{
#ifdef BEAT_DEBUG_ASSERTS
	struct beat_thread *self = beat_tls_self;
	if (d->owner == NULL)
		d->owner = self;
	BEAT_ASSERT(d->owner == self);
#else
	(void)d;
#endif
}

void beat_deque_destroy(struct beat_deque *d)
{
	struct beat_deque_array *a = atomic_load_explicit(&d->array, memory_order_relaxed);
	free(a);
	while (d->retired) {
		struct beat_deque_array *next = d->retired->next_retired;
		free(d->retired);
		d->retired = next;
	}
	atomic_store_explicit(&d->array, NULL, memory_order_relaxed);
}

static struct beat_deque_array *grow(struct beat_deque *d, struct beat_deque_array *a,
				     long top, long bottom)
{
	struct beat_deque_array *b = array_new(a ? a->size * 2 : 64);
	for (long i = top; i < bottom; i++)
		array_put(b, i, array_get(a, i));
	if (a) {
		a->next_retired = d->retired;
		d->retired = a;
	}
	atomic_store_explicit(&d->array, b, memory_order_release);
	return b;
}

void beat_deque_push_guarded(struct beat_deque *d, void *item)
{
	beat_deque_push(d, (void *)((uintptr_t)item | GUARD_BIT));
}

void beat_deque_push(struct beat_deque *d, void *item)
{
	assert_owner(d);
	long b = atomic_load_explicit(&d->bottom, memory_order_relaxed);
	long t = atomic_load_explicit(&d->top, memory_order_acquire);
	struct beat_deque_array *a = atomic_load_explicit(&d->array, memory_order_relaxed);
	if (BEAT_UNLIKELY(a == NULL || b - t > a->size - 1))
		a = grow(d, a, t, b);
	array_put(a, b, item);
	/* A release store (free on x86) rather than a fence + relaxed store:
	 * same ordering, and ThreadSanitizer, which does not model fences, sees it. */
	atomic_store_explicit(&d->bottom, b + 1, memory_order_release);
}

void *beat_deque_pop(struct beat_deque *d)
{
	assert_owner(d);
	long b = atomic_load_explicit(&d->bottom, memory_order_relaxed) - 1;
	struct beat_deque_array *a = atomic_load_explicit(&d->array, memory_order_relaxed);
	atomic_store_explicit(&d->bottom, b, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	long t = atomic_load_explicit(&d->top, memory_order_relaxed);
	void *item = NULL;
	if (t <= b) {
		item = array_get(a, b);
		if (t == b) {
			/* Last item: race the thieves for it. */
			if (!atomic_compare_exchange_strong_explicit(&d->top, &t, t + 1,
								     memory_order_seq_cst,
								     memory_order_relaxed))
				item = NULL;
			atomic_store_explicit(&d->bottom, b + 1, memory_order_relaxed);
		}
	} else {
		atomic_store_explicit(&d->bottom, b + 1, memory_order_relaxed);
	}
	return untag(item);
}

static inline void *steal(struct beat_deque *d, bool guarded_too)
{
	long t = atomic_load_explicit(&d->top, memory_order_acquire);
	atomic_thread_fence(memory_order_seq_cst);
	long b = atomic_load_explicit(&d->bottom, memory_order_acquire);
	if (t >= b)
		return NULL;
	struct beat_deque_array *a = atomic_load_explicit(&d->array, memory_order_consume);
	void *item = array_get(a, t);
	if (!guarded_too && ((uintptr_t)item & GUARD_BIT))
		return NULL;
	if (!atomic_compare_exchange_strong_explicit(&d->top, &t, t + 1, memory_order_seq_cst,
						     memory_order_relaxed))
		return NULL;
	return untag(item);
}

void *beat_deque_steal(struct beat_deque *d)
{
	return steal(d, true);
}

void *beat_deque_steal_unguarded(struct beat_deque *d)
{
	return steal(d, false);
}

