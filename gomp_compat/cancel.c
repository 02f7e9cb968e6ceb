/* cancel.c: GOMP_cancel and GOMP_cancellation_point. */
#include "rt.h"

BEAT_EXPORT bool GOMP_cancel(int which, bool do_cancel)
{
	return beat_cancel(which, do_cancel);
}

BEAT_EXPORT bool GOMP_cancellation_point(int which)
{
	return beat_cancellation_point(which);
}
