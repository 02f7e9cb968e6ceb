/* cancel.c: GOMP_cancel and GOMP_cancellation_point, with GCC's numbering
 * of the construct kinds translated into beat's. */
#include "abi.h"

/* GCC passes one bit per kind (libgomp's enum gomp_cancel_kind). */
enum {
	GCC_CANCEL_PARALLEL = 1,
	GCC_CANCEL_LOOP = 2,
	GCC_CANCEL_SECTIONS = 4,
	GCC_CANCEL_TASKGROUP = 8,
};

/* False for a number GCC never passes. */
static bool kind_of(int which, enum beat_cancel_kind *kind)
{
	switch (which) {
	case GCC_CANCEL_PARALLEL:
		*kind = BEAT_CANCEL_PARALLEL;
		return true;
	case GCC_CANCEL_LOOP:
		*kind = BEAT_CANCEL_LOOP;
		return true;
	case GCC_CANCEL_SECTIONS:
		*kind = BEAT_CANCEL_SECTIONS;
		return true;
	case GCC_CANCEL_TASKGROUP:
		*kind = BEAT_CANCEL_TASKGROUP;
		return true;
	default:
		return false;
	}
}

BEAT_EXPORT bool GOMP_cancel(int which, bool do_cancel)
{
	enum beat_cancel_kind kind;
	return kind_of(which, &kind) && beat_cancel(kind, do_cancel);
}

BEAT_EXPORT bool GOMP_cancellation_point(int which)
{
	enum beat_cancel_kind kind;
	return kind_of(which, &kind) && beat_cancellation_point(kind);
}
