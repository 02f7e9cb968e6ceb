/* worksharing.h: the private interface shared by the loop, sections,
 * ordered and doacross files of gomp_compat/ (not part of the ABI).
 *
 * Design: every loop is handed out in its logical iteration space
 * [0, niters): iteration k of a loop has the value start + k * incr. The
 * schedules (static, dynamic, guided) only ever deal in logical numbers,
 * so one engine serves signed loops, unsigned long long loops counting up
 * or down, sections (section k + 1) and doacross loops; the entry points
 * translate a chunk back into the istart/iend values GCC's code expects.
 * The dynamic and guided cursor is ws->unext (a logical number); ws->next
 * counts the members asleep on the ordered token ws->ord_next, which is a
 * logical number too.
 *
 * Memory a construct owns (the zeroed block of GOMP_loop_start's `mem`
 * argument, doacross state) carries a count of team members that have not
 * ended the construct; the last one to end it frees it, before it leaves
 * the slot. */
#ifndef BEAT_GOMP_WORKSHARING_H
#define BEAT_GOMP_WORKSHARING_H

#include <stdint.h>

#include "rt.h"

/* GCC's schedule codes (libgomp's GFS_*) and omp_sched_t share numbers. */
enum {
	BEAT_SCHED_RUNTIME = 0,
	BEAT_SCHED_STATIC = 1,
	BEAT_SCHED_DYNAMIC = 2,
	BEAT_SCHED_GUIDED = 3,
	BEAT_SCHED_AUTO = 4,
};
#define BEAT_SCHED_MONOTONIC 0x80000000UL

/* m->static_trip once the member has had its last static chunk. */
#define BEAT_STATIC_DONE (~0ULL)

/* A run of logical iterations [first, first + len), len >= 1. */
struct beat_span {
	unsigned long long first;
	unsigned long long len;
};

/* ---------------------------------------------------------------- loop.c */

/* The ICVs of the task the calling thread is executing. */
const struct beat_icv *beat_wsc_icv(void);
/* run-sched-var as a concrete kind (auto becomes static) and logical chunk. */
void beat_wsc_runtime_sched(int *kind, unsigned long long *chunk);
/* A schedule code as GOMP_loop_start passes it (runtime and auto read
 * run-sched-var); *chunk in: the clause's chunk, out: the logical chunk. */
int beat_wsc_decode_sched(long code, unsigned long long *chunk);
/* Chunk as the schedule uses it: 0 is "blocked" for static, 1 otherwise. */
unsigned long long beat_wsc_chunk(int kind, unsigned long long chunk);

/* Takes the slot of the member's next construct and resets the member's
 * per-construct state; *first: the caller fills the slot and publishes. */
struct beat_ws *beat_wsc_enter(struct beat_member *m, bool *first);
/* Fills the schedule fields of a fresh slot (first member only). */
void beat_wsc_setup(struct beat_ws *ws, unsigned long long niters, int kind,
		    unsigned long long chunk);
/* Hands the member its next chunk of the current construct; false when
 * none is left (or the construct was cancelled). For ordered loops it
 * first passes the ordered token on for the chunk the member finished. */
bool beat_wsc_take(struct beat_member *m, bool ordered, struct beat_span *s);
/* The member ends its construct: passes the ordered token, waits at the
 * team barrier when `wait`, frees owned memory when last, leaves the slot.
 * Returns the barrier's cancellation result (false without a barrier). */
bool beat_wsc_end(struct beat_member *m, bool wait);

/* `mem` of GOMP_loop_start & co.: the first member allocates a zeroed
 * block of *mem bytes for the construct, every member gets it in *mem. */
void beat_wsc_mem_create(struct beat_member *m, struct beat_ws *ws, void **mem);
void beat_wsc_mem_get(struct beat_ws *ws, void **mem);

/* `reduction(task, ...)` on a worksharing construct: the first member
 * registers before it publishes the slot, the others after they entered. */
void beat_wsc_task_reductions(struct beat_ws *ws, bool first, uintptr_t *reductions);

/* After a start entry set up (first) or entered the slot: its task
 * reductions and `mem` block for this member, then, if first, publishes the
 * slot to the others. */
void beat_wsc_attach(struct beat_member *m, struct beat_ws *ws, bool first,
		     uintptr_t *reductions, void **mem);

bool beat_wsc_cancelled(struct beat_member *m, struct beat_ws *ws);

/* Waiting for a 64-bit word another member moves (the ordered token, a
 * doacross counter): spin a bounded time (beat_spin_limit, capped), then
 * sleep on the word's low 32 bits, counted in *sleepers, for at most a
 * millisecond at a time (so cancellation is seen without a wake-up). The
 * mover stores the word and then calls beat_wsc_wake, which wakes the
 * sleepers whose `bits` meet its own (a futex bitset: the ordered token
 * wakes only the member waiting for its new value; BEAT_WSC_ANY wakes
 * all). No sched_yield phase: with other processes competing for the
 * CPUs, a yield hands the CPU to them for a whole slice; measured with 8
 * threads on 2 CPUs next to 2 busy processes, an ordered loop of 10000
 * iterations took 2 to 28 s with 4 yields before sleeping, under 0.3 s
 * without (libgomp: 0.35 to 0.6 s). */
#define BEAT_WSC_ANY 0xffffffffU
struct beat_wsc_waiter {
	unsigned long spins;
};
void beat_wsc_wait_step(struct beat_wsc_waiter *w, atomic_ullong *word,
			unsigned long long seen, unsigned bits,
			atomic_long *sleepers);
void beat_wsc_wake(atomic_ullong *word, unsigned bits, atomic_long *sleepers);

/* Signed loops (loop.c): fill a fresh slot, take the member's next chunk
 * as the istart/iend values GCC's code iterates over. */
void beat_wsc_long_setup(struct beat_ws *ws, long start, long end, long incr,
			 int kind, unsigned long long chunk);
bool beat_wsc_long_next(bool ordered, long *istart, long *iend);

/* The same for unsigned long long loops (loop_ull.c). */
void beat_wsc_ull_setup(struct beat_ws *ws, bool up, unsigned long long start,
			unsigned long long end, unsigned long long incr,
			int kind, unsigned long long chunk);
bool beat_wsc_ull_next(bool ordered, unsigned long long *istart,
		       unsigned long long *iend);

/* A combined parallel worksharing construct (GOMP_parallel_loop_*,
 * GOMP_parallel_sections): each member of the new team enters the
 * signed loop described here before it runs fn(data). */
struct beat_wsc_par {
	void (*fn)(void *);
	void *data;
	long start, end, incr;
	int kind;
	unsigned long long chunk;
	atomic_uint users; /* split form: members that have not entered yet */
};
void beat_wsc_parallel(const struct beat_wsc_par *p, unsigned num_threads,
		       unsigned flags);
void beat_wsc_parallel_start(const struct beat_wsc_par *p, unsigned num_threads);

/* ------------------------------------------------------------- ordered.c */

/* Passes the ordered token on for the member's current chunk (waiting for
 * it first); no-op when the member holds no ordered chunk. */
void beat_ordered_pass(struct beat_member *m);

/* ------------------------------------------------------------ doacross.c */

/* Drops the member's reference to the slot's doacross state. */
void beat_doacross_release(struct beat_ws *ws);

#endif
