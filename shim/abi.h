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

/* ---------------------- dependences, cancellation, identity, affinity */

/* ------------------------------------------------------------ config.c */

#endif
