/* sections.c: the sections construct (GOMP_sections_*), combined parallel
 * sections, and GOMP_scope_start: GCC's conventions over the runtime's
 * worksharing constructs (shim/loop_sched.c deals the sections out).
 *
 * GCC numbers sections from 1; 0 is "none left". */
#include <stdint.h>

#include "worksharing.h"

/* ------------------------------------------------------------ helpers */

static unsigned sections_take(void)
{
	unsigned index;

	if (!beat_sections_next(&index))
		return 0;
	return index + 1;
}

/* A combined parallel sections construct is a loop over the sections. */
static struct beat_loop_desc sections_loop(unsigned count)
{
	struct beat_loop_desc loop = {
		.start = 0, .end = (long)count, .incr = 1,
		.kind = BEAT_SCHED_DYNAMIC, .chunk = 1,
	};

	return loop;
}

/* ---------------------------------------------------------------- ABI */

BEAT_EXPORT unsigned GOMP_sections_start(unsigned count)
{
	bool first;
	struct beat_ws *ws = beat_ws_begin(&first);

	if (first) {
		beat_sections_init(ws, count);
		beat_ws_publish(ws);
	}
	return sections_take();
}

BEAT_EXPORT unsigned GOMP_sections2_start(unsigned count, uintptr_t *reductions,
					  void **mem)
{
	bool first;
	struct beat_ws *ws = beat_ws_begin(&first);

	if (first)
		beat_sections_init(ws, count);
	beat_gomp_ws_attach(ws, first, reductions, mem);
	return sections_take();
}

BEAT_EXPORT unsigned GOMP_sections_next(void)
{
	return sections_take();
}

BEAT_EXPORT void GOMP_sections_end(void)
{
	beat_ws_end(true);
}

BEAT_EXPORT void GOMP_sections_end_nowait(void)
{
	beat_ws_end(false);
}

BEAT_EXPORT bool GOMP_sections_end_cancel(void)
{
	return beat_ws_end(true);
}

/* GCC passes the proc_bind clause in the low three bits of flags. */
BEAT_EXPORT void GOMP_parallel_sections(void (*fn)(void *), void *data,
					unsigned num_threads, unsigned count,
					unsigned flags)
{
	struct beat_loop_desc loop = sections_loop(count);

	beat_parallel_loop(fn, data, num_threads, (int)(flags & 7), &loop);
}

BEAT_EXPORT void GOMP_parallel_sections_start(void (*fn)(void *), void *data,
					      unsigned num_threads,
					      unsigned count)
{
	struct beat_loop_desc loop = sections_loop(count);

	beat_parallel_loop_start(fn, data, num_threads, &loop);
}

/* GCC calls this only for a scope construct with task reductions; the
 * compiled code ends it with GOMP_workshare_task_reduction_unregister (its
 * barrier included), never with a worksharing end call. The construct
 * serves only to hand the first member's descriptor to the others, so each
 * member leaves it at once: it is reused only after all have read it. */
BEAT_EXPORT void GOMP_scope_start(uintptr_t *reductions)
{
	bool first;
	struct beat_ws *ws;

	if (reductions == NULL)
		return;
	ws = beat_ws_begin(&first);
	beat_gomp_ws_attach(ws, first, reductions, NULL);
	beat_ws_leave_now();
}
