/* critical.c: critical sections (unnamed and named) and the lock GCC uses
 * for atomic operations it cannot do in hardware (GOMP_atomic_start/end). */
#include "abi.h"

/* each on a line of its own: threads that take one do not take the other's */
static _Alignas(64) beat_mutex_t unnamed_critical;
static _Alignas(64) beat_mutex_t atomic_lock;

BEAT_EXPORT void GOMP_critical_start(void)
{
	beat_mutex_lock(&unnamed_critical);
}

BEAT_EXPORT void GOMP_critical_end(void)
{
	beat_mutex_unlock(&unnamed_critical);
}

/* A named critical passes a pointer to a zero-initialised, pointer-sized
 * common symbol named after the section; beat's mutex (4 bytes) lives in it. */
_Static_assert(sizeof(beat_mutex_t) <= sizeof(void *), "mutex must fit in a pointer");

BEAT_EXPORT void GOMP_critical_name_start(void **pptr)
{
	beat_mutex_lock((beat_mutex_t *)pptr);
}

BEAT_EXPORT void GOMP_critical_name_end(void **pptr)
{
	beat_mutex_unlock((beat_mutex_t *)pptr);
}

BEAT_EXPORT void GOMP_atomic_start(void)
{
	beat_mutex_lock(&atomic_lock);
}

BEAT_EXPORT void GOMP_atomic_end(void)
{
	beat_mutex_unlock(&atomic_lock);
}
