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

/* ------------------------------------------- loop schedule engine (loop) */

/* ---------------------- dependences, cancellation, identity, affinity */

/* ------------------------------------------------------------ config.c */

#endif
