/* loop_ull.c: worksharing loops over `unsigned long long` iterations
 * (GOMP_loop_ull_*), counting up or down: GCC's calling conventions
 * translated into the runtime's loop engine (shim/loop_sched.c).
 *
 * GCC passes `up` for the direction and the increment as an unsigned value:
 * a loop counting down by 3 has incr == -3 (mod 2^64) and ends when the
 * variable is no longer above `end`. */
#include <stdint.h>

#include "worksharing.h"

/* ------------------------------------------------------------ helpers */

static bool ull_runtime_start(bool up, unsigned long long start,
			      unsigned long long end, unsigned long long incr,
			      bool ordered, unsigned long long *istart,
			      unsigned long long *iend)
{
	enum beat_sched kind;
	unsigned long long chunk;

	beat_loop_runtime_sched(&kind, &chunk);
	return beat_loop_start_ull(up, start, end, incr, kind, chunk, ordered,
				   istart, iend);
}

/* GOMP_loop_ull_start and GOMP_loop_ull_ordered_start. */
static bool ull_start_coded(bool up, unsigned long long start,
			    unsigned long long end, unsigned long long incr,
			    long sched, unsigned long long chunk_size,
			    bool ordered, unsigned long long *istart,
			    unsigned long long *iend, uintptr_t *reductions,
			    void **mem)
{
	bool first;
	struct beat_ws *ws = beat_ws_begin(&first);

	if (first) {
		unsigned long long chunk = chunk_size;
		enum beat_sched kind = beat_gomp_sched_decode(sched, &chunk);

		beat_loop_init_ull(ws, up, start, end, incr, kind, chunk);
	}
	beat_gomp_ws_attach(ws, first, reductions, mem);
	if (istart == NULL)
		return true;
	return beat_loop_next_ull(ordered, istart, iend);
}

/* ---------------------------------------------------------- ABI: start */

BEAT_EXPORT bool GOMP_loop_ull_static_start(bool up, unsigned long long start,
					    unsigned long long end,
					    unsigned long long incr,
					    unsigned long long chunk_size,
					    unsigned long long *istart,
					    unsigned long long *iend)
{
	return beat_loop_start_ull(up, start, end, incr, BEAT_SCHED_STATIC, chunk_size,
				   false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_dynamic_start(bool up, unsigned long long start,
					     unsigned long long end,
					     unsigned long long incr,
					     unsigned long long chunk_size,
					     unsigned long long *istart,
					     unsigned long long *iend)
{
	return beat_loop_start_ull(up, start, end, incr, BEAT_SCHED_DYNAMIC, chunk_size,
				   false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_guided_start(bool up, unsigned long long start,
					    unsigned long long end,
					    unsigned long long incr,
					    unsigned long long chunk_size,
					    unsigned long long *istart,
					    unsigned long long *iend)
{
	return beat_loop_start_ull(up, start, end, incr, BEAT_SCHED_GUIDED, chunk_size,
				   false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_runtime_start(bool up, unsigned long long start,
					     unsigned long long end,
					     unsigned long long incr,
					     unsigned long long *istart,
					     unsigned long long *iend)
{
	return ull_runtime_start(up, start, end, incr, false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_nonmonotonic_dynamic_start(
	bool up, unsigned long long start, unsigned long long end,
	unsigned long long incr, unsigned long long chunk_size,
	unsigned long long *istart, unsigned long long *iend)
{
	return beat_loop_start_ull(up, start, end, incr, BEAT_SCHED_DYNAMIC, chunk_size,
				   false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_nonmonotonic_guided_start(
	bool up, unsigned long long start, unsigned long long end,
	unsigned long long incr, unsigned long long chunk_size,
	unsigned long long *istart, unsigned long long *iend)
{
	return beat_loop_start_ull(up, start, end, incr, BEAT_SCHED_GUIDED, chunk_size,
				   false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_nonmonotonic_runtime_start(
	bool up, unsigned long long start, unsigned long long end,
	unsigned long long incr, unsigned long long *istart,
	unsigned long long *iend)
{
	return ull_runtime_start(up, start, end, incr, false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_maybe_nonmonotonic_runtime_start(
	bool up, unsigned long long start, unsigned long long end,
	unsigned long long incr, unsigned long long *istart,
	unsigned long long *iend)
{
	return ull_runtime_start(up, start, end, incr, false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_static_start(
	bool up, unsigned long long start, unsigned long long end,
	unsigned long long incr, unsigned long long chunk_size,
	unsigned long long *istart, unsigned long long *iend)
{
	return beat_loop_start_ull(up, start, end, incr, BEAT_SCHED_STATIC, chunk_size,
				   true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_dynamic_start(
	bool up, unsigned long long start, unsigned long long end,
	unsigned long long incr, unsigned long long chunk_size,
	unsigned long long *istart, unsigned long long *iend)
{
	return beat_loop_start_ull(up, start, end, incr, BEAT_SCHED_DYNAMIC, chunk_size,
				   true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_guided_start(
	bool up, unsigned long long start, unsigned long long end,
	unsigned long long incr, unsigned long long chunk_size,
	unsigned long long *istart, unsigned long long *iend)
{
	return beat_loop_start_ull(up, start, end, incr, BEAT_SCHED_GUIDED, chunk_size,
				   true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_runtime_start(
	bool up, unsigned long long start, unsigned long long end,
	unsigned long long incr, unsigned long long *istart,
	unsigned long long *iend)
{
	return ull_runtime_start(up, start, end, incr, true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_start(bool up, unsigned long long start,
				     unsigned long long end,
				     unsigned long long incr, long sched,
				     unsigned long long chunk_size,
				     unsigned long long *istart,
				     unsigned long long *iend,
				     uintptr_t *reductions, void **mem)
{
	return ull_start_coded(up, start, end, incr, sched, chunk_size, false,
			       istart, iend, reductions, mem);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_start(bool up, unsigned long long start,
					     unsigned long long end,
					     unsigned long long incr, long sched,
					     unsigned long long chunk_size,
					     unsigned long long *istart,
					     unsigned long long *iend,
					     uintptr_t *reductions, void **mem)
{
	return ull_start_coded(up, start, end, incr, sched, chunk_size, true,
			       istart, iend, reductions, mem);
}

/* ----------------------------------------------------------- ABI: next */

BEAT_EXPORT bool GOMP_loop_ull_static_next(unsigned long long *istart,
					   unsigned long long *iend)
{
	return beat_loop_next_ull(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_dynamic_next(unsigned long long *istart,
					    unsigned long long *iend)
{
	return beat_loop_next_ull(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_guided_next(unsigned long long *istart,
					   unsigned long long *iend)
{
	return beat_loop_next_ull(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_runtime_next(unsigned long long *istart,
					    unsigned long long *iend)
{
	return beat_loop_next_ull(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_nonmonotonic_dynamic_next(unsigned long long *istart,
							 unsigned long long *iend)
{
	return beat_loop_next_ull(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_nonmonotonic_guided_next(unsigned long long *istart,
							unsigned long long *iend)
{
	return beat_loop_next_ull(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_nonmonotonic_runtime_next(unsigned long long *istart,
							 unsigned long long *iend)
{
	return beat_loop_next_ull(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_maybe_nonmonotonic_runtime_next(
	unsigned long long *istart, unsigned long long *iend)
{
	return beat_loop_next_ull(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_static_next(unsigned long long *istart,
						   unsigned long long *iend)
{
	return beat_loop_next_ull(true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_dynamic_next(unsigned long long *istart,
						    unsigned long long *iend)
{
	return beat_loop_next_ull(true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_guided_next(unsigned long long *istart,
						   unsigned long long *iend)
{
	return beat_loop_next_ull(true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_runtime_next(unsigned long long *istart,
						    unsigned long long *iend)
{
	return beat_loop_next_ull(true, istart, iend);
}
