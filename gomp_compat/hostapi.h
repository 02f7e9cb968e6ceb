/* hostapi.h: hidden helpers shared by the host-side API files (icv.c,
 * teams.c, target.c, allocator.c, fortran.c); nothing here is exported. */
#ifndef BEAT_HOSTAPI_H
#define BEAT_HOSTAPI_H

#include "rt.h"

#include <stddef.h>
#include <stdint.h>

/* Device number of the host: OpenMP numbers it after the last offload
 * device, and beat has none. */
#define BEAT_HOST_DEVICE 0

/* Most nested active parallel levels beat supports (as libgomp: 255). */
#define BEAT_SUPPORTED_ACTIVE_LEVELS 255

/* The data-environment ICVs of the task the calling thread executes. */
static inline struct beat_icv *beat_icv_self(void)
{
	struct beat_thread *t = beat_self();
	return t->task != NULL ? &t->task->icv : &t->m->itask.icv;
}

/* ------------------------------------------------------------- icv.c */

/* Sets the affinity-format-var from len bytes of fmt (not NUL-terminated). */
void beat_affinity_format_set(const char *fmt, size_t len);
/* Copies the affinity-format-var into a malloc'ed string (caller frees). */
char *beat_affinity_format_dup(void);
/* Expands format (NULL or "": the affinity-format-var) for the calling
 * thread into buf (at most size bytes, not NUL-terminated); returns the
 * full length, which may exceed size. */
size_t beat_affinity_expand(char *buf, size_t size, const char *format);
/* Prints one affinity line for the calling thread to stderr (for
 * OMP_DISPLAY_AFFINITY and omp_display_affinity). */
void beat_affinity_display(const char *format);

/* ----------------------------------------------------------- teams.c */

/* The teams construct the calling thread is part of: number of teams and
 * this thread's team number (1 and 0 outside any teams construct). */
void beat_teams_query(int *num_teams, int *team_num);

#endif
