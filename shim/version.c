/* version.c: the public identity functions of include/beat.h. */
#include "rt.h"
#include "beat.h"

BEAT_EXPORT const char *beat_version(void)
{
	return "0.1";
}

BEAT_EXPORT int beat_is_active(void)
{
	return 1;
}
