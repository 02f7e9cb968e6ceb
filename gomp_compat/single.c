/* single.c: the single construct: GOMP_single_start (first member to arrive
 * runs the block) and the copyprivate pair GOMP_single_copy_start / _end;
 * the dealing is the runtime's (shim/single.c). */
#include "abi.h"

BEAT_EXPORT bool GOMP_single_start(void)
{
	return beat_single_begin();
}

/* Returns NULL to the member that runs the block; the others wait for the
 * winner's GOMP_single_copy_end and get its data pointer. */
BEAT_EXPORT void *GOMP_single_copy_start(void)
{
	void *data;

	if (beat_single_copy_begin(&data))
		return NULL;
	return data;
}

BEAT_EXPORT void GOMP_single_copy_end(void *data)
{
	beat_single_copy_end(data);
}
