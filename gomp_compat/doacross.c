/* doacross.c: loops with ordered(n) and depend(sink/source) clauses
 * (GOMP_loop_doacross_*, GOMP_loop_ull_doacross_*, GOMP_doacross_*): GCC's
 * conventions over the runtime's doacross waits (shim/doacross.c).
 *
 * GCC describes the ordered loop nest by the iteration count of each loop
 * (counts[0] is the work-shared loop's, which runs over 0 .. counts[0]-1)
 * and posts or waits for iterations by their logical numbers, outermost
 * first: in an array for a post, as the variable arguments of a wait. The
 * signed entry points' numbers are taken modulo 2^64: a negative count
 * describes no nest, a negative sink lies outside the iteration space. */
#include <stdarg.h>
#include <stdint.h>

#include "worksharing.h"

/* ------------------------------------------------------------ helpers */

static bool long_counts_copy(unsigned ncounts, const long *counts,
			     unsigned long long *out)
{
	for (unsigned i = 0; i < ncounts; i++) {
		if (counts[i] < 0)
			return false;
		out[i] = (unsigned long long)counts[i];
	}
	return true;
}

static bool long_doacross_start(unsigned ncounts, const long *counts,
				enum beat_sched kind, unsigned long long chunk,
				long *istart, long *iend, uintptr_t *reductions,
				void **mem)
{
	bool first;
	struct beat_ws *ws = beat_ws_begin(&first);

	if (first) {
		unsigned long long ucounts[ncounts > 0 ? ncounts : 1];

		beat_loop_init_long(ws, 0, ncounts > 0 ? counts[0] : 0, 1, kind, chunk);
		if (long_counts_copy(ncounts, counts, ucounts))
			beat_doacross_init(ws, ncounts, ucounts);
	}
	beat_gomp_ws_attach(ws, first, reductions, mem);
	return beat_loop_next_long(false, istart, iend);
}

static bool ull_doacross_start(unsigned ncounts, const unsigned long long *counts,
			       enum beat_sched kind, unsigned long long chunk,
			       unsigned long long *istart,
			       unsigned long long *iend, uintptr_t *reductions,
			       void **mem)
{
	bool first;
	struct beat_ws *ws = beat_ws_begin(&first);

	if (first) {
		beat_loop_init_ull(ws, true, 0, ncounts > 0 ? counts[0] : 0, 1, kind, chunk);
		beat_doacross_init(ws, ncounts, counts);
	}
	beat_gomp_ws_attach(ws, first, reductions, mem);
	return beat_loop_next_ull(false, istart, iend);
}

/* A sink's numbers after the first, `depth` in all, from the variable
 * arguments of GOMP_doacross_wait (signed) or GOMP_doacross_ull_wait. */
static void sink_rest(unsigned long long *iter, unsigned depth, bool is_signed,
		      va_list ap)
{
	for (unsigned i = 1; i < depth; i++)
		iter[i] = is_signed ? (unsigned long long)va_arg(ap, long)
				    : va_arg(ap, unsigned long long);
}

/* ---------------------------------------------------- ABI: long loops */

BEAT_EXPORT bool GOMP_loop_doacross_static_start(unsigned ncounts, long *counts,
						 long chunk_size, long *istart,
						 long *iend)
{
	return long_doacross_start(ncounts, counts, BEAT_SCHED_STATIC,
				   beat_gomp_chunk(chunk_size), istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_doacross_dynamic_start(unsigned ncounts, long *counts,
						  long chunk_size, long *istart,
						  long *iend)
{
	return long_doacross_start(ncounts, counts, BEAT_SCHED_DYNAMIC,
				   beat_gomp_chunk(chunk_size), istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_doacross_guided_start(unsigned ncounts, long *counts,
						 long chunk_size, long *istart,
						 long *iend)
{
	return long_doacross_start(ncounts, counts, BEAT_SCHED_GUIDED,
				   beat_gomp_chunk(chunk_size), istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_doacross_runtime_start(unsigned ncounts, long *counts,
						  long *istart, long *iend)
{
	enum beat_sched kind;
	unsigned long long chunk;

	beat_loop_runtime_sched(&kind, &chunk);
	return long_doacross_start(ncounts, counts, kind, chunk, istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_doacross_start(unsigned ncounts, long *counts,
					  long sched, long chunk_size,
					  long *istart, long *iend,
					  uintptr_t *reductions, void **mem)
{
	unsigned long long chunk = beat_gomp_chunk(chunk_size);
	enum beat_sched kind = beat_gomp_sched_decode(sched, &chunk);

	return long_doacross_start(ncounts, counts, kind, chunk, istart, iend,
				   reductions, mem);
}

BEAT_EXPORT void GOMP_doacross_post(long *counts)
{
	unsigned depth = beat_doacross_depth();
	unsigned long long iter[depth > 0 ? depth : 1];

	for (unsigned i = 0; i < depth; i++)
		iter[i] = (unsigned long long)counts[i];
	beat_doacross_post(iter);
}

BEAT_EXPORT void GOMP_doacross_wait(long first, ...)
{
	unsigned depth = beat_doacross_depth();
	unsigned long long iter[depth > 0 ? depth : 1];
	va_list ap;

	iter[0] = (unsigned long long)first;
	va_start(ap, first);
	sink_rest(iter, depth, true, ap);
	va_end(ap);
	beat_doacross_wait(iter);
}

/* ------------------------------------------ ABI: unsigned long long loops */

BEAT_EXPORT bool GOMP_loop_ull_doacross_static_start(unsigned ncounts,
						     unsigned long long *counts,
						     unsigned long long chunk_size,
						     unsigned long long *istart,
						     unsigned long long *iend)
{
	return ull_doacross_start(ncounts, counts, BEAT_SCHED_STATIC, chunk_size,
				  istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_ull_doacross_dynamic_start(unsigned ncounts,
						      unsigned long long *counts,
						      unsigned long long chunk_size,
						      unsigned long long *istart,
						      unsigned long long *iend)
{
	return ull_doacross_start(ncounts, counts, BEAT_SCHED_DYNAMIC, chunk_size,
				  istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_ull_doacross_guided_start(unsigned ncounts,
						     unsigned long long *counts,
						     unsigned long long chunk_size,
						     unsigned long long *istart,
						     unsigned long long *iend)
{
	return ull_doacross_start(ncounts, counts, BEAT_SCHED_GUIDED, chunk_size,
				  istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_ull_doacross_runtime_start(unsigned ncounts,
						      unsigned long long *counts,
						      unsigned long long *istart,
						      unsigned long long *iend)
{
	enum beat_sched kind;
	unsigned long long chunk;

	beat_loop_runtime_sched(&kind, &chunk);
	return ull_doacross_start(ncounts, counts, kind, chunk, istart, iend, NULL, NULL);
}

BEAT_EXPORT bool GOMP_loop_ull_doacross_start(unsigned ncounts,
					      unsigned long long *counts,
					      long sched,
					      unsigned long long chunk_size,
					      unsigned long long *istart,
					      unsigned long long *iend,
					      uintptr_t *reductions, void **mem)
{
	unsigned long long chunk = chunk_size;
	enum beat_sched kind = beat_gomp_sched_decode(sched, &chunk);

	return ull_doacross_start(ncounts, counts, kind, chunk, istart, iend,
				  reductions, mem);
}

BEAT_EXPORT void GOMP_doacross_ull_post(unsigned long long *counts)
{
	beat_doacross_post(counts);
}

BEAT_EXPORT void GOMP_doacross_ull_wait(unsigned long long first, ...)
{
	unsigned depth = beat_doacross_depth();
	unsigned long long iter[depth > 0 ? depth : 1];
	va_list ap;

	iter[0] = first;
	va_start(ap, first);
	sink_rest(iter, depth, false, ap);
	va_end(ap);
	beat_doacross_wait(iter);
}
