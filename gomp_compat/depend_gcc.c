/* depend_gcc.c: GCC's two depend-array layouts, read into beat's
 * (address, kind) lists.
 *
 * Older GCC: word 0 is the number of entries, word 1 how many of them are
 * out/inout; the addresses follow, out/inout ones first. GCC 9 and later:
 * word 0 is 0, word 1 the number of entries, words 2, 3 and 4 the numbers of
 * out/inout, mutexinoutset and in entries; the addresses follow in that
 * order, and any entries past those are pointers to omp_depend_t objects
 * (depobj: an address and a kind word, 1 in, 2 out, 3 inout,
 * 4 mutexinoutset, 5 inoutset). */
#include "depend_gcc.h"
#include "rt.h"

#include <stdint.h>

static enum beat_dep_kind depobj_kind(uintptr_t kind)
{
	switch (kind) {
	case 1: return BEAT_DEP_IN;
	case 2:
	case 3: return BEAT_DEP_OUT;
	case 4: return BEAT_DEP_MUTEXINOUTSET;
	case 5: return BEAT_DEP_INOUTSET;
	default: beat_fatal("unknown omp_depend_t dependence type %d", (int)kind);
	}
}

size_t gomp_depend_count(void **depend)
{
	if ((uintptr_t)depend[0] != 0)
		return (uintptr_t)depend[0];
	return (uintptr_t)depend[1];
}

void gomp_depend_list(void **depend, struct beat_dep *out)
{
	size_t total, nout, nmutex = 0, nin, base;
	if ((uintptr_t)depend[0] != 0) {
		total = (uintptr_t)depend[0];
		nout = (uintptr_t)depend[1];
		nin = total - nout;
		base = 2;
	} else {
		total = (uintptr_t)depend[1];
		nout = (uintptr_t)depend[2];
		nmutex = (uintptr_t)depend[3];
		nin = (uintptr_t)depend[4];
		base = 5;
	}
	size_t plain = nout + nmutex + nin;
	for (size_t i = 0; i < total; i++) {
		if (i < plain) {
			out[i].addr = depend[base + i];
			out[i].kind = i < nout ? BEAT_DEP_OUT
				      : i < nout + nmutex ? BEAT_DEP_MUTEXINOUTSET : BEAT_DEP_IN;
		} else {
			void **obj = (void **)depend[base + i];
			out[i].addr = obj[0];
			out[i].kind = depobj_kind((uintptr_t)obj[1]);
		}
	}
}
