/* abi.h: the seam between the runtime (shim/) and an ABI layer
 * (gomp_compat/ today, clang's __kmpc_* entry points later): everything an
 * ABI layer may call or read. The runtime's structures stay opaque here;
 * an ABI layer translates its calling conventions into these calls and
 * makes no scheduling decision of its own. shim-private internals are in
 * rt.h, which includes this header. */
#ifndef BEAT_ABI_H
#define BEAT_ABI_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ submit.c */

/* One dependence of a task or of a taskwait: an address and its kind, in
 * beat's own terms (an ABI layer translates its compiler's layout). */
enum beat_dep_kind {
	BEAT_DEP_IN = 0,
	BEAT_DEP_OUT = 1,            /* out and inout */
	BEAT_DEP_MUTEXINOUTSET = 2,
	BEAT_DEP_INOUTSET = 3,
};
struct beat_dep {
	void *addr;
	enum beat_dep_kind kind;
};

/* ------------------------------------------- loop schedule engine (loop) */

/* Worksharing constructs: loops, sections, single, scope. The members of
 * a team meet its constructs in the same order; the first to arrive at one
 * describes it (beat_loop_init_*, beat_sections_init, beat_doacross_init)
 * and publishes it, the others find it described. A loop is dealt in
 * logical iterations 0 .. n-1 and each chunk comes back as the values
 * [*istart, *iend) of the loop variable; the last chunk ends at the loop's
 * own end value. Waits (ordered token, doacross sinks) are the runtime's. */
struct beat_ws;

/* A loop schedule kind. run-sched-var holds one, with BEAT_SCHED_MONOTONIC
 * or'ed in when the monotonic modifier applies; the engine deals chunks
 * the same way either way (monotonically). */
enum beat_sched {
	BEAT_SCHED_STATIC = 1,
	BEAT_SCHED_DYNAMIC = 2,
	BEAT_SCHED_GUIDED = 3,
	BEAT_SCHED_AUTO = 4,
};
#define BEAT_SCHED_MONOTONIC 0x80000000u

/* run-sched-var of the calling task as a loop applies it: auto is a
 * blocked static schedule; *chunk is 0 for blocked static, else >= 1. */
void beat_loop_runtime_sched(enum beat_sched *kind, unsigned long long *chunk);

/* Enters the team's next worksharing construct. With *first the caller
 * describes it, may set its shared data, and then calls beat_ws_publish;
 * the others return once it is published. A construct nobody describes
 * is a loop without iterations. */
struct beat_ws *beat_ws_begin(bool *first);
void beat_ws_publish(struct beat_ws *ws);
/* Data the first member hands to the others (a task-reduction
 * descriptor): set before publishing, read after beat_ws_begin. */
void beat_ws_set_shared(struct beat_ws *ws, void *data);
void *beat_ws_shared(struct beat_ws *ws);
/* A zeroed block of size bytes shared by the construct's members: the
 * first member makes it; the last to end the construct frees it. */
void *beat_ws_mem(struct beat_ws *ws, bool first, size_t size);
/* The member ends its construct: passes the ordered token on, waits at
 * the team barrier when `wait`, leaves the construct. Returns true when
 * that barrier saw the region cancelled. */
bool beat_ws_end(bool wait);
/* Leaves the construct at once, without a barrier (a construct that only
 * handed out shared data). */
void beat_ws_leave_now(void);

/* Describe a fresh construct as a loop (first member only). chunk 0: no
 * chunk size given. An unsigned long long loop counts up or down (`up`);
 * incr is added modulo 2^64 either way. */
void beat_loop_init_long(struct beat_ws *ws, long start, long end, long incr,
			 enum beat_sched kind, unsigned long long chunk);
void beat_loop_init_ull(struct beat_ws *ws, bool up, unsigned long long start,
			unsigned long long end, unsigned long long incr,
			enum beat_sched kind, unsigned long long chunk);
/* Begin, describe, publish and take the first chunk in one call. */
bool beat_loop_start_long(long start, long end, long incr, enum beat_sched kind,
			  unsigned long long chunk, bool ordered, long *istart,
			  long *iend);
bool beat_loop_start_ull(bool up, unsigned long long start, unsigned long long end,
			 unsigned long long incr, enum beat_sched kind,
			 unsigned long long chunk, bool ordered,
			 unsigned long long *istart, unsigned long long *iend);
/* The member's next chunk; false when none is left or the construct was
 * cancelled. `ordered`: the loop has the ordered clause (the ordered token
 * is first passed on past the member's previous chunk). */
bool beat_loop_next_long(bool ordered, long *istart, long *iend);
bool beat_loop_next_ull(bool ordered, unsigned long long *istart,
			unsigned long long *iend);

/* Sections: count sections dealt one at a time; *index counts from 0. */
void beat_sections_init(struct beat_ws *ws, unsigned count);
bool beat_sections_next(unsigned *index);

/* A combined parallel worksharing construct: every member of the new team
 * enters this loop before it runs fn(data); num_threads is the clause's
 * value (0: none), proc_bind 0 when the region has no proc_bind clause. */
struct beat_loop_desc {
	long start, end, incr;
	enum beat_sched kind;
	unsigned long long chunk;
};
void beat_parallel_loop(void (*fn)(void *), void *data, unsigned num_threads,
			int proc_bind, const struct beat_loop_desc *loop);
/* Split form: returns with the caller seated in the new team and in the
 * loop; the caller runs fn itself and ends the region with
 * beat_parallel_end. */
void beat_parallel_loop_start(void (*fn)(void *), void *data,
			      unsigned num_threads,
			      const struct beat_loop_desc *loop);

/* The ordered region of an ordered loop: waits until every earlier
 * iteration has passed the region (nothing to wait for outside an ordered
 * loop). The region's end needs no call: the token moves on when the
 * member's chunk is done. */
void beat_ordered_enter(void);

/* Doacross loops (ordered(n) with depend(sink / source)): after the loop's
 * init, the first member describes the nest, counts[i] iterations of loop
 * i, outermost (the work-shared loop) first. Iterations are given by their
 * logical numbers, one per loop of the nest. */
void beat_doacross_init(struct beat_ws *ws, unsigned ncounts,
			const unsigned long long *counts);
/* Loops of the member's doacross nest (the length of an iteration's
 * numbers below); 0 when it keeps no doacross state (a team of one, a nest
 * without iterations), where posts and waits do nothing. */
unsigned beat_doacross_depth(void);
/* depend(source): the member's iteration iter is done. */
void beat_doacross_post(const unsigned long long *iter);
/* depend(sink: iter): waits until iteration iter is done; no wait for an
 * iteration outside the iteration space. */
void beat_doacross_wait(const unsigned long long *iter);

/* The single construct: true for the one member that runs the block. */
bool beat_single_begin(void);
/* With copyprivate: true for the member that runs the block, which then
 * calls beat_single_copy_end with its data; the others wait for it and
 * get that data in *data. */
bool beat_single_copy_begin(void **data);
void beat_single_copy_end(void *data);

/* ---------------------- dependences, cancellation, identity, affinity */

/* ------------------------------------------------------------ config.c */

#endif
