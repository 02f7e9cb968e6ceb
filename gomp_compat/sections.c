/* sections.c: the sections construct (GOMP_sections_*), combined parallel
 * sections, and GOMP_scope_start.
 *
 * A sections construct with `count` sections is a loop of `count` logical
 * iterations handed out one at a time with the dynamic schedule; logical
 * iteration k is section k + 1 (GCC numbers sections from 1, 0 is "none
 * left"). */
#include <stdint.h>

#include "worksharing.h"

/* ------------------------------------------------------------ helpers */

static void sections_setup(struct beat_ws *ws, unsigned count)
{
	beat_wsc_long_setup(ws, 0, (long)count, 1, BEAT_SCHED_DYNAMIC, 1);
}

static unsigned sections_take(struct beat_member *m)
{
	struct beat_span s;

	if (!beat_wsc_take(m, false, &s))
		return 0;
	return (unsigned)(s.first + 1);
}

static struct beat_wsc_par sections_par(void (*fn)(void *), void *data,
					unsigned count)
{
	struct beat_wsc_par p = {
		.fn = fn, .data = data, .start = 0, .end = (long)count, .incr = 1,
		.kind = BEAT_SCHED_DYNAMIC, .chunk = 1,
	};

	return p;
}

/* ---------------------------------------------------------------- ABI */

BEAT_EXPORT unsigned GOMP_sections_start(unsigned count)
{
	struct beat_member *m = beat_member_self();
	bool first;
	struct beat_ws *ws = beat_wsc_enter(m, &first);

	if (first) {
		sections_setup(ws, count);
		beat_ws_publish(ws);
	}
	return sections_take(m);
}

BEAT_EXPORT unsigned GOMP_sections2_start(unsigned count, uintptr_t *reductions,
					  void **mem)
{
	struct beat_member *m = beat_member_self();
	bool first;
	struct beat_ws *ws;

	ws = beat_wsc_enter(m, &first);
	if (first) {
		sections_setup(ws, count);
	}
	beat_wsc_attach(m, ws, first, reductions, mem);
	return sections_take(m);
}

BEAT_EXPORT unsigned GOMP_sections_next(void)
{
	return sections_take(beat_member_self());
}

BEAT_EXPORT void GOMP_sections_end(void)
{
	beat_wsc_end(beat_member_self(), true);
}

BEAT_EXPORT void GOMP_sections_end_nowait(void)
{
	beat_wsc_end(beat_member_self(), false);
}

BEAT_EXPORT bool GOMP_sections_end_cancel(void)
{
	return beat_wsc_end(beat_member_self(), true);
}

BEAT_EXPORT void GOMP_parallel_sections(void (*fn)(void *), void *data,
					unsigned num_threads, unsigned count,
					unsigned flags)
{
	struct beat_wsc_par p = sections_par(fn, data, count);

	beat_wsc_parallel(&p, num_threads, flags);
}

BEAT_EXPORT void GOMP_parallel_sections_start(void (*fn)(void *), void *data,
					      unsigned num_threads,
					      unsigned count)
{
	struct beat_wsc_par p = sections_par(fn, data, count);

	beat_wsc_parallel_start(&p, num_threads);
}

/* GCC calls this only for a scope construct with task reductions; the
 * compiled code ends it with GOMP_workshare_task_reduction_unregister (its
 * barrier included), never with a worksharing end call. The slot serves
 * only to hand the first member's descriptor to the others, so each member
 * leaves it at once: the slot is reused only after all have read it. */
BEAT_EXPORT void GOMP_scope_start(uintptr_t *reductions)
{
	struct beat_member *m;
	struct beat_ws *ws;
	bool first;

	if (reductions == NULL)
		return;
	m = beat_member_self();
	ws = beat_wsc_enter(m, &first);
	if (first) {
		beat_wsc_setup(ws, 0, BEAT_SCHED_STATIC, 0);
		beat_wsc_task_reductions(ws, true, reductions);
		beat_ws_publish(ws);
	} else {
		beat_wsc_task_reductions(ws, false, reductions);
	}
	beat_ws_leave(m);
}
