/* loop_ull.c: worksharing loops over `unsigned long long` iterations
 * (GOMP_loop_ull_*), counting up or down.
 *
 * GCC passes `up` for the direction and the increment as an unsigned value:
 * a loop counting down by 3 has incr == -3 (mod 2^64) and ends when the
 * variable is no longer above `end`. The logical iteration count is taken
 * from the distance and the step size; values are start + k * incr modulo
 * 2^64, which is right in both directions. The schedules are loop.c's. */
#include <stdint.h>

#include "worksharing.h"

/* ------------------------------------------------------------ helpers */

static unsigned long long ull_niters(bool up, unsigned long long start,
				     unsigned long long end,
				     unsigned long long incr)
{
	unsigned long long span, step;

	if (up) {
		if (start >= end)
			return 0;
		span = end - start;
		step = incr;
	} else {
		if (start <= end)
			return 0;
		span = start - end;
		step = -incr;
	}
	return span / step + (span % step != 0);
}

static unsigned long long ull_value(const struct beat_ws *ws, unsigned long long k)
{
	return ws->ustart + k * ws->uincr;
}

static bool ull_start(bool up, unsigned long long start, unsigned long long end,
		      unsigned long long incr, int kind, unsigned long long chunk,
		      bool ordered, unsigned long long *istart,
		      unsigned long long *iend)
{
	struct beat_member *m = beat_member_self();
	bool first;
	struct beat_ws *ws = beat_wsc_enter(m, &first);

	if (first) {
		beat_wsc_ull_setup(ws, up, start, end, incr, kind, chunk);
		beat_ws_publish(ws);
	}
	return beat_wsc_ull_next(ordered, istart, iend);
}

static bool ull_runtime_start(bool up, unsigned long long start,
			      unsigned long long end, unsigned long long incr,
			      bool ordered, unsigned long long *istart,
			      unsigned long long *iend)
{
	int kind;
	unsigned long long chunk;

	beat_wsc_runtime_sched(&kind, &chunk);
	return ull_start(up, start, end, incr, kind, chunk, ordered, istart, iend);
}

/* GOMP_loop_ull_start and GOMP_loop_ull_ordered_start. */
static bool ull_start_coded(bool up, unsigned long long start,
			    unsigned long long end, unsigned long long incr,
			    long sched, unsigned long long chunk_size,
			    bool ordered, unsigned long long *istart,
			    unsigned long long *iend, uintptr_t *reductions,
			    void **mem)
{
	struct beat_member *m = beat_member_self();
	bool first;
	struct beat_ws *ws;

	ws = beat_wsc_enter(m, &first);
	if (first) {
		unsigned long long chunk = chunk_size;
		int kind = beat_wsc_decode_sched(sched, &chunk);

		beat_wsc_ull_setup(ws, up, start, end, incr, kind, chunk);
	}
	beat_wsc_attach(m, ws, first, reductions, mem);
	if (istart == NULL)
		return true;
	return beat_wsc_ull_next(ordered, istart, iend);
}

/* ----------------------------------------------------- engine (worksharing.h) */

void beat_wsc_ull_setup(struct beat_ws *ws, bool up, unsigned long long start,
			unsigned long long end, unsigned long long incr,
			int kind, unsigned long long chunk)
{
	ws->is_ull = true;
	ws->up = up;
	ws->ustart = start;
	ws->uend = end;
	ws->uincr = incr;
	beat_wsc_setup(ws, ull_niters(up, start, end, incr), kind, chunk);
}

bool beat_wsc_ull_next(bool ordered, unsigned long long *istart,
		       unsigned long long *iend)
{
	struct beat_member *m = beat_member_self();
	struct beat_span s;
	unsigned long long stop;

	if (!beat_wsc_take(m, ordered, &s))
		return false;
	stop = s.first + s.len;
	*istart = ull_value(m->ws, s.first);
	*iend = stop == m->ws->niters ? m->ws->uend : ull_value(m->ws, stop);
	return true;
}

/* ---------------------------------------------------------- ABI: start */

BEAT_EXPORT bool GOMP_loop_ull_static_start(bool up, unsigned long long start,
					    unsigned long long end,
					    unsigned long long incr,
					    unsigned long long chunk_size,
					    unsigned long long *istart,
					    unsigned long long *iend)
{
	return ull_start(up, start, end, incr, BEAT_SCHED_STATIC, chunk_size,
			 false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_dynamic_start(bool up, unsigned long long start,
					     unsigned long long end,
					     unsigned long long incr,
					     unsigned long long chunk_size,
					     unsigned long long *istart,
					     unsigned long long *iend)
{
	return ull_start(up, start, end, incr, BEAT_SCHED_DYNAMIC, chunk_size,
			 false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_guided_start(bool up, unsigned long long start,
					    unsigned long long end,
					    unsigned long long incr,
					    unsigned long long chunk_size,
					    unsigned long long *istart,
					    unsigned long long *iend)
{
	return ull_start(up, start, end, incr, BEAT_SCHED_GUIDED, chunk_size,
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
	return ull_start(up, start, end, incr, BEAT_SCHED_DYNAMIC, chunk_size,
			 false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_nonmonotonic_guided_start(
	bool up, unsigned long long start, unsigned long long end,
	unsigned long long incr, unsigned long long chunk_size,
	unsigned long long *istart, unsigned long long *iend)
{
	return ull_start(up, start, end, incr, BEAT_SCHED_GUIDED, chunk_size,
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
	return ull_start(up, start, end, incr, BEAT_SCHED_STATIC, chunk_size,
			 true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_dynamic_start(
	bool up, unsigned long long start, unsigned long long end,
	unsigned long long incr, unsigned long long chunk_size,
	unsigned long long *istart, unsigned long long *iend)
{
	return ull_start(up, start, end, incr, BEAT_SCHED_DYNAMIC, chunk_size,
			 true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_guided_start(
	bool up, unsigned long long start, unsigned long long end,
	unsigned long long incr, unsigned long long chunk_size,
	unsigned long long *istart, unsigned long long *iend)
{
	return ull_start(up, start, end, incr, BEAT_SCHED_GUIDED, chunk_size,
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
	return beat_wsc_ull_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_dynamic_next(unsigned long long *istart,
					    unsigned long long *iend)
{
	return beat_wsc_ull_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_guided_next(unsigned long long *istart,
					   unsigned long long *iend)
{
	return beat_wsc_ull_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_runtime_next(unsigned long long *istart,
					    unsigned long long *iend)
{
	return beat_wsc_ull_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_nonmonotonic_dynamic_next(unsigned long long *istart,
							 unsigned long long *iend)
{
	return beat_wsc_ull_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_nonmonotonic_guided_next(unsigned long long *istart,
							unsigned long long *iend)
{
	return beat_wsc_ull_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_nonmonotonic_runtime_next(unsigned long long *istart,
							 unsigned long long *iend)
{
	return beat_wsc_ull_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_maybe_nonmonotonic_runtime_next(
	unsigned long long *istart, unsigned long long *iend)
{
	return beat_wsc_ull_next(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_static_next(unsigned long long *istart,
						   unsigned long long *iend)
{
	return beat_wsc_ull_next(true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_dynamic_next(unsigned long long *istart,
						    unsigned long long *iend)
{
	return beat_wsc_ull_next(true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_guided_next(unsigned long long *istart,
						   unsigned long long *iend)
{
	return beat_wsc_ull_next(true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ull_ordered_runtime_next(unsigned long long *istart,
						    unsigned long long *iend)
{
	return beat_wsc_ull_next(true, istart, iend);
}
