/* schedule.c: GCC's loop schedule codes and OpenMP's omp_sched_t values
 * translated to and from beat's enum beat_sched; the schedules themselves
 * are the runtime's (shim/loop_sched.c). */
#include <omp.h>

#include "worksharing.h"

/* GCC's schedule codes (libgomp's enum gomp_schedule_type). */
enum gcc_sched {
	GCC_SCHED_RUNTIME = 0,
	GCC_SCHED_STATIC = 1,
	GCC_SCHED_DYNAMIC = 2,
	GCC_SCHED_GUIDED = 3,
	GCC_SCHED_AUTO = 4,
};
#define GCC_SCHED_MONOTONIC 0x80000000UL

enum beat_sched beat_gomp_sched_decode(long code, unsigned long long *chunk)
{
	enum beat_sched kind;

	switch ((unsigned long)code & ~GCC_SCHED_MONOTONIC) {
	case GCC_SCHED_STATIC:
		return BEAT_SCHED_STATIC;
	case GCC_SCHED_DYNAMIC:
		return BEAT_SCHED_DYNAMIC;
	case GCC_SCHED_GUIDED:
		return BEAT_SCHED_GUIDED;
	case GCC_SCHED_RUNTIME: /* schedule(runtime) */
	case GCC_SCHED_AUTO:    /* schedule(nonmonotonic: runtime) */
		beat_loop_runtime_sched(&kind, chunk);
		return kind;
	default:
		beat_fatal("unknown loop schedule code %#lx", (unsigned long)code);
	}
}

unsigned beat_gomp_sched_from_omp(unsigned omp_kind)
{
	unsigned mono = omp_kind & omp_sched_monotonic ? BEAT_SCHED_MONOTONIC : 0;

	switch (omp_kind & ~(unsigned)omp_sched_monotonic) {
	case omp_sched_static:
		return BEAT_SCHED_STATIC | mono;
	case omp_sched_dynamic:
		return BEAT_SCHED_DYNAMIC | mono;
	case omp_sched_guided:
		return BEAT_SCHED_GUIDED | mono;
	default:
		return BEAT_SCHED_AUTO | mono;
	}
}

unsigned beat_gomp_sched_to_omp(unsigned icv_kind)
{
	unsigned mono = icv_kind & BEAT_SCHED_MONOTONIC ? (unsigned)omp_sched_monotonic : 0;

	switch (icv_kind & ~BEAT_SCHED_MONOTONIC) {
	case BEAT_SCHED_STATIC:
		return (unsigned)omp_sched_static | mono;
	case BEAT_SCHED_DYNAMIC:
		return (unsigned)omp_sched_dynamic | mono;
	case BEAT_SCHED_GUIDED:
		return (unsigned)omp_sched_guided | mono;
	default:
		return (unsigned)omp_sched_auto | mono;
	}
}
