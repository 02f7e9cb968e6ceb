/* hostapi.h: hidden helpers shared by the host-side API files (icv.c,
 * teams.c, target.c, allocator.c, fortran.c); nothing here is exported. */
#ifndef BEAT_HOSTAPI_H
#define BEAT_HOSTAPI_H

#include "abi.h"

#include <stddef.h>
#include <stdint.h>

/* Device number of the host: OpenMP numbers it after the last offload
 * device, and beat has none. */
#define BEAT_HOST_DEVICE 0

/* Most nested active parallel levels beat supports (as libgomp: 255). */
#define BEAT_SUPPORTED_ACTIVE_LEVELS 255

/* ------------------------------------------------------------- icv.c */

/* Sets the affinity-format-var from len bytes of fmt (not NUL-terminated). */
void beat_affinity_format_set(const char *fmt, size_t len);
/* Copies the affinity-format-var into a malloc'ed string (caller frees). */
char *beat_affinity_format_dup(void);

#endif
