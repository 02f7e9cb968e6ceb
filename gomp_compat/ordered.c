/* ordered.c: the ordered construct inside loops with the ordered clause
 * (GOMP_ordered_start / GOMP_ordered_end); the token and its waits are the
 * runtime's (shim/ordered.c). */
#include "abi.h"

BEAT_EXPORT void GOMP_ordered_start(void)
{
	beat_ordered_enter();
}

BEAT_EXPORT void GOMP_ordered_end(void)
{
	/* The token moves when the member's chunk is done. */
}
