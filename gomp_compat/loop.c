/* loop.c: worksharing loops over `long` iterations (GOMP_loop_*) and the
 * combined parallel loops: GCC's calling conventions translated into the
 * runtime's loop engine (shim/loop.c, shim/loop_sched.c).
 *
 * GCC passes a schedule either by the entry point's name or as a code
 * (GOMP_loop_start), a chunk size <= 0 for "none", and gets each chunk as
 * istart/iend values; every *_next entry hands out chunks by the schedule
 * the loop was started with, whatever its name says (GCC pairs them
 * consistently anyway). */
#include <stdint.h>

#include "task_reduction.h"
#include "worksharing.h"

/* ------------------------------------------------------------ helpers */

static bool long_start(long start, long end, long incr, enum beat_sched kind,
		       long chunk_size, bool ordered, long *istart, long *iend)
{
	return beat_loop_start_long(start, end, incr, kind, beat_gomp_chunk(chunk_size),
				    ordered, istart, iend);
}

static bool long_runtime_start(long start, long end, long incr, bool ordered,
			       long *istart, long *iend)
{
	enum beat_sched kind;
	unsigned long long chunk;

	beat_loop_runtime_sched(&kind, &chunk);
	return beat_loop_start_long(start, end, incr, kind, chunk, ordered, istart, iend);
}

/* GOMP_loop_start and GOMP_loop_ordered_start: the schedule comes as a
 * code, `reductions` are task reductions (the compiled code closes them
 * with GOMP_workshare_task_reduction_unregister), `mem` asks for a zeroed
 * team-shared block, istart may be NULL. */
static bool long_start_coded(long start, long end, long incr, long sched,
			     long chunk_size, bool ordered, long *istart,
			     long *iend, uintptr_t *reductions, void **mem)
{
	bool first;
	struct beat_ws *ws = beat_ws_begin(&first);

	if (first) {
		unsigned long long chunk = beat_gomp_chunk(chunk_size);
		enum beat_sched kind = beat_gomp_sched_decode(sched, &chunk);

		beat_loop_init_long(ws, start, end, incr, kind, chunk);
	}
	beat_gomp_ws_attach(ws, first, reductions, mem);
	if (istart == NULL)
		return true;
	return beat_loop_next_long(ordered, istart, iend);
}

/* GCC passes the proc_bind clause in the low three bits of flags. */
static void parallel_loop(void (*fn)(void *), void *data, unsigned num_threads,
			  long start, long end, long incr, enum beat_sched kind,
			  unsigned long long chunk, unsigned flags)
{
	struct beat_loop_desc loop = {
		.start = start, .end = end, .incr = incr, .kind = kind, .chunk = chunk,
	};

	beat_parallel_loop(fn, data, num_threads, (int)(flags & 7), &loop);
}

static void parallel_loop_start(void (*fn)(void *), void *data,
				unsigned num_threads, long start, long end,
				long incr, enum beat_sched kind,
				unsigned long long chunk)
{
	struct beat_loop_desc loop = {
		.start = start, .end = end, .incr = incr, .kind = kind, .chunk = chunk,
	};

	beat_parallel_loop_start(fn, data, num_threads, &loop);
}

/* ------------------------------------------------------- worksharing.h */

void beat_gomp_ws_attach(struct beat_ws *ws, bool first, uintptr_t *reductions,
			 void **mem)
{
	if (reductions != NULL) {
		if (first) {
			beat_workshare_reductions_register(reductions, NULL);
			beat_ws_set_shared(ws, reductions);
		} else {
			beat_workshare_reductions_register(reductions, beat_ws_shared(ws));
		}
	}
	if (mem != NULL)
		*mem = beat_ws_mem(ws, first, (size_t)(uintptr_t)*mem);
	if (first)
		beat_ws_publish(ws);
}

/* ---------------------------------------------------------- ABI: start */

BEAT_EXPORT bool GOMP_loop_static_start(long start, long end, long incr,
					long chunk_size, long *istart, long *iend)
{
	return long_start(start, end, incr, BEAT_SCHED_STATIC,
			  chunk_size, false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_dynamic_start(long start, long end, long incr,
					 long chunk_size, long *istart, long *iend)
{
	return long_start(start, end, incr, BEAT_SCHED_DYNAMIC,
			  chunk_size, false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_guided_start(long start, long end, long incr,
					long chunk_size, long *istart, long *iend)
{
	return long_start(start, end, incr, BEAT_SCHED_GUIDED,
			  chunk_size, false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_runtime_start(long start, long end, long incr,
					 long *istart, long *iend)
{
	return long_runtime_start(start, end, incr, false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_nonmonotonic_dynamic_start(long start, long end,
						      long incr, long chunk_size,
						      long *istart, long *iend)
{
	return GOMP_loop_dynamic_start(start, end, incr, chunk_size, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_nonmonotonic_guided_start(long start, long end,
						     long incr, long chunk_size,
						     long *istart, long *iend)
{
	return GOMP_loop_guided_start(start, end, incr, chunk_size, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_nonmonotonic_runtime_start(long start, long end,
						      long incr, long *istart,
						      long *iend)
{
	return long_runtime_start(start, end, incr, false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_maybe_nonmonotonic_runtime_start(long start, long end,
							    long incr,
							    long *istart,
							    long *iend)
{
	return long_runtime_start(start, end, incr, false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_static_start(long start, long end, long incr,
						long chunk_size, long *istart,
						long *iend)
{
	return long_start(start, end, incr, BEAT_SCHED_STATIC,
			  chunk_size, true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_dynamic_start(long start, long end, long incr,
						 long chunk_size, long *istart,
						 long *iend)
{
	return long_start(start, end, incr, BEAT_SCHED_DYNAMIC,
			  chunk_size, true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_guided_start(long start, long end, long incr,
						long chunk_size, long *istart,
						long *iend)
{
	return long_start(start, end, incr, BEAT_SCHED_GUIDED,
			  chunk_size, true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_runtime_start(long start, long end, long incr,
						 long *istart, long *iend)
{
	return long_runtime_start(start, end, incr, true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_start(long start, long end, long incr, long sched,
				 long chunk_size, long *istart, long *iend,
				 uintptr_t *reductions, void **mem)
{
	return long_start_coded(start, end, incr, sched, chunk_size, false,
				istart, iend, reductions, mem);
}

BEAT_EXPORT bool GOMP_loop_ordered_start(long start, long end, long incr,
					 long sched, long chunk_size,
					 long *istart, long *iend,
					 uintptr_t *reductions, void **mem)
{
	return long_start_coded(start, end, incr, sched, chunk_size, true,
				istart, iend, reductions, mem);
}

/* ----------------------------------------------------------- ABI: next */

BEAT_EXPORT bool GOMP_loop_static_next(long *istart, long *iend)
{
	return beat_loop_next_long(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_dynamic_next(long *istart, long *iend)
{
	return beat_loop_next_long(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_guided_next(long *istart, long *iend)
{
	return beat_loop_next_long(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_runtime_next(long *istart, long *iend)
{
	return beat_loop_next_long(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_nonmonotonic_dynamic_next(long *istart, long *iend)
{
	return beat_loop_next_long(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_nonmonotonic_guided_next(long *istart, long *iend)
{
	return beat_loop_next_long(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_nonmonotonic_runtime_next(long *istart, long *iend)
{
	return beat_loop_next_long(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_maybe_nonmonotonic_runtime_next(long *istart,
							   long *iend)
{
	return beat_loop_next_long(false, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_static_next(long *istart, long *iend)
{
	return beat_loop_next_long(true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_dynamic_next(long *istart, long *iend)
{
	return beat_loop_next_long(true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_guided_next(long *istart, long *iend)
{
	return beat_loop_next_long(true, istart, iend);
}

BEAT_EXPORT bool GOMP_loop_ordered_runtime_next(long *istart, long *iend)
{
	return beat_loop_next_long(true, istart, iend);
}

/* ------------------------------------------------------------ ABI: end */

BEAT_EXPORT void GOMP_loop_end(void)
{
	beat_ws_end(true);
}

BEAT_EXPORT void GOMP_loop_end_nowait(void)
{
	beat_ws_end(false);
}

BEAT_EXPORT bool GOMP_loop_end_cancel(void)
{
	return beat_ws_end(true);
}

/* ----------------------------------------------- ABI: combined parallel */

BEAT_EXPORT void GOMP_parallel_loop_static(void (*fn)(void *), void *data,
					   unsigned num_threads, long start,
					   long end, long incr, long chunk_size,
					   unsigned flags)
{
	parallel_loop(fn, data, num_threads, start, end, incr, BEAT_SCHED_STATIC,
		      beat_gomp_chunk(chunk_size), flags);
}

BEAT_EXPORT void GOMP_parallel_loop_dynamic(void (*fn)(void *), void *data,
					    unsigned num_threads, long start,
					    long end, long incr, long chunk_size,
					    unsigned flags)
{
	parallel_loop(fn, data, num_threads, start, end, incr, BEAT_SCHED_DYNAMIC,
		      beat_gomp_chunk(chunk_size), flags);
}

BEAT_EXPORT void GOMP_parallel_loop_guided(void (*fn)(void *), void *data,
					   unsigned num_threads, long start,
					   long end, long incr, long chunk_size,
					   unsigned flags)
{
	parallel_loop(fn, data, num_threads, start, end, incr, BEAT_SCHED_GUIDED,
		      beat_gomp_chunk(chunk_size), flags);
}

BEAT_EXPORT void GOMP_parallel_loop_runtime(void (*fn)(void *), void *data,
					    unsigned num_threads, long start,
					    long end, long incr, unsigned flags)
{
	enum beat_sched kind;
	unsigned long long chunk;

	beat_loop_runtime_sched(&kind, &chunk);
	parallel_loop(fn, data, num_threads, start, end, incr, kind, chunk, flags);
}

BEAT_EXPORT void GOMP_parallel_loop_nonmonotonic_dynamic(void (*fn)(void *),
							 void *data,
							 unsigned num_threads,
							 long start, long end,
							 long incr,
							 long chunk_size,
							 unsigned flags)
{
	GOMP_parallel_loop_dynamic(fn, data, num_threads, start, end, incr,
				   chunk_size, flags);
}

BEAT_EXPORT void GOMP_parallel_loop_nonmonotonic_guided(void (*fn)(void *),
							void *data,
							unsigned num_threads,
							long start, long end,
							long incr, long chunk_size,
							unsigned flags)
{
	GOMP_parallel_loop_guided(fn, data, num_threads, start, end, incr,
				  chunk_size, flags);
}

BEAT_EXPORT void GOMP_parallel_loop_nonmonotonic_runtime(void (*fn)(void *),
							 void *data,
							 unsigned num_threads,
							 long start, long end,
							 long incr,
							 unsigned flags)
{
	GOMP_parallel_loop_runtime(fn, data, num_threads, start, end, incr, flags);
}

BEAT_EXPORT void GOMP_parallel_loop_maybe_nonmonotonic_runtime(
	void (*fn)(void *), void *data, unsigned num_threads, long start,
	long end, long incr, unsigned flags)
{
	GOMP_parallel_loop_runtime(fn, data, num_threads, start, end, incr, flags);
}

BEAT_EXPORT void GOMP_parallel_loop_static_start(void (*fn)(void *), void *data,
						 unsigned num_threads, long start,
						 long end, long incr,
						 long chunk_size)
{
	parallel_loop_start(fn, data, num_threads, start, end, incr,
			    BEAT_SCHED_STATIC, beat_gomp_chunk(chunk_size));
}

BEAT_EXPORT void GOMP_parallel_loop_dynamic_start(void (*fn)(void *), void *data,
						  unsigned num_threads,
						  long start, long end,
						  long incr, long chunk_size)
{
	parallel_loop_start(fn, data, num_threads, start, end, incr,
			    BEAT_SCHED_DYNAMIC, beat_gomp_chunk(chunk_size));
}

BEAT_EXPORT void GOMP_parallel_loop_guided_start(void (*fn)(void *), void *data,
						 unsigned num_threads, long start,
						 long end, long incr,
						 long chunk_size)
{
	parallel_loop_start(fn, data, num_threads, start, end, incr,
			    BEAT_SCHED_GUIDED, beat_gomp_chunk(chunk_size));
}

BEAT_EXPORT void GOMP_parallel_loop_runtime_start(void (*fn)(void *), void *data,
						  unsigned num_threads,
						  long start, long end,
						  long incr)
{
	enum beat_sched kind;
	unsigned long long chunk;

	beat_loop_runtime_sched(&kind, &chunk);
	parallel_loop_start(fn, data, num_threads, start, end, incr, kind, chunk);
}
