/* barrier.c: the explicit barrier entry points (GOMP_barrier and its
 * cancellable form). */
#include "abi.h"

BEAT_EXPORT void GOMP_barrier(void)
{
	beat_barrier(beat_member_self());
}

BEAT_EXPORT bool GOMP_barrier_cancel(void)
{
	return beat_barrier(beat_member_self());
}
