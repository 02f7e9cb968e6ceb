/* worksharing.h: what the loop, sections, doacross and ICV files of
 * gomp_compat/ share (not part of the ABI): GCC's schedule codes and
 * omp_sched_t values translated to beat's enum beat_sched (schedule.c). */
#ifndef BEAT_GOMP_WORKSHARING_H
#define BEAT_GOMP_WORKSHARING_H

#include <stdint.h>

#include "abi.h"

/* A schedule code as GOMP_loop_start & co. pass it (libgomp's GFS_*, with
 * the monotonic flag) as beat's kind; runtime, and auto (GCC's code for
 * schedule(nonmonotonic: runtime)), read run-sched-var. *chunk in: the
 * clause's chunk (0: none), out: the chunk to use. */
enum beat_sched beat_gomp_sched_decode(long code, unsigned long long *chunk);

/* A chunk size as the signed entry points pass it (<= 0: none given). */
static inline unsigned long long beat_gomp_chunk(long chunk)
{
	return chunk > 0 ? (unsigned long long)chunk : 0;
}

/* After a start entry began a construct (and, if first, described it):
 * its task reductions (GCC's descriptor, registered for this member; the
 * first member's is shared with the others) and its `mem` block (in: the
 * size GCC asks for, out: the zeroed team-shared block), then, if first,
 * publishes it (loop.c). */
void beat_gomp_ws_attach(struct beat_ws *ws, bool first, uintptr_t *reductions,
			 void **mem);

/* run-sched-var from an omp_sched_t (a valid kind, perhaps with
 * omp_sched_monotonic), and back. */
unsigned beat_gomp_sched_from_omp(unsigned omp_kind);
unsigned beat_gomp_sched_to_omp(unsigned icv_kind);

#endif
