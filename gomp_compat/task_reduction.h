/* task_reduction.h: the hidden entry points of task_reduction.c that other
 * gomp_compat/ files call (taskloop.c, and the worksharing constructs that
 * take a `reductions` argument). Not part of the ABI. */
#ifndef BEAT_GOMP_TASK_REDUCTION_H
#define BEAT_GOMP_TASK_REDUCTION_H

#include <stdint.h>

/* Registers GCC's descriptor array `data` in the calling task's innermost
 * taskgroup (which must exist): allocates and zeroes one block per team
 * member and stores its base in data[2]. Same as
 * GOMP_taskgroup_reduction_register, without the PLT. */
void beat_task_reductions_register(uintptr_t *data);

/* Task reductions of a worksharing construct (`for reduction(task, ...)`,
 * `sections reduction(task, ...)`, `scope reduction(task, ...)`): every
 * member of the team calls it once for the construct, after beat_ws_begin
 * and with `reductions` as GCC passed it (non-NULL):
 *
 *   first member (beat_ws_begin said *first), before beat_ws_publish:
 *       beat_workshare_reductions_register(reductions, NULL);
 *       beat_ws_set_shared(ws, reductions);
 *   every other member (after beat_ws_begin returned, i.e. published):
 *       beat_workshare_reductions_register(reductions, beat_ws_shared(ws));
 *
 * It opens a taskgroup in the member's current task and registers the
 * member's own descriptor in it; the first member allocates the team's
 * private copies, the others share them (they copy data[2] and data[6]
 * from the first member's descriptor, which stays alive until the
 * construct's closing barrier). The compiled code later calls
 * GOMP_workshare_task_reduction_unregister, which closes the taskgroup,
 * frees and (unless cancelled) waits at the team barrier. */
void beat_workshare_reductions_register(uintptr_t *data, uintptr_t *first);

/* barrier.c */
void GOMP_barrier(void);

#endif
