/* depend_gcc.c: reads the depend arrays GCC passes to GOMP_task,
 * GOMP_taskwait_depend and the target entry points, and turns them into
 * (address, kind) lists for shim/depend.c.
 *
 * GCC has used two layouts. In both, the first words are counts and the
 * addresses follow them.
 *  - Before GCC 9: word 0 is the number of dependences (never 0), word 1
 *    how many of them are out or inout; the addresses start at word 2,
 *    the out/inout ones first, then the in ones.
 *  - GCC 9 and later: word 0 is 0 (that is how the layouts are told
 *    apart), word 1 the number of dependences, word 2 how many are out or
 *    inout, word 3 how many mutexinoutset, word 4 how many in. From word 5
 *    come the addresses in that order (out/inout, mutexinoutset, in), and
 *    after them, for the dependences left over, pointers to depobj objects.
 * A depobj object (omp_depend_t) is two words: the address and its kind,
 * numbered 1 in, 2 out, 3 inout, 4 mutexinoutset; any other number is an
 * error the program cannot recover from. */
#include "abi.h"
#include "depend_gcc.h"

#include <stdint.h>
#include <stdlib.h>

/* GCC's numbering of a depobj's kind (gomp-constants.h). */
enum {
	GCC_DEPOBJ_IN = 1,
	GCC_DEPOBJ_OUT = 2,
	GCC_DEPOBJ_INOUT = 3,
	GCC_DEPOBJ_MUTEXINOUTSET = 4,
};

static struct beat_dep from_depobj(void **obj)
{
	uintptr_t kind = (uintptr_t)obj[1];
	struct beat_dep d = {obj[0], BEAT_DEP_OUT};
	switch (kind) {
	case GCC_DEPOBJ_IN:
		d.kind = BEAT_DEP_IN;
		break;
	case GCC_DEPOBJ_OUT:
	case GCC_DEPOBJ_INOUT:
		break;
	case GCC_DEPOBJ_MUTEXINOUTSET:
		d.kind = BEAT_DEP_MUTEXINOUTSET;
		break;
	default:
		beat_fatal("unknown omp_depend_t dependence type %d", (int)kind);
	}
	return d;
}

size_t gomp_depend_count(void **depend)
{
	uintptr_t old_total = (uintptr_t)depend[0];
	return old_total != 0 ? old_total : (uintptr_t)depend[1];
}

void gomp_depend_list(void **depend, struct beat_dep *out)
{
	size_t total = (uintptr_t)depend[0];
	if (total != 0) {
		size_t nout = (uintptr_t)depend[1];
		for (size_t i = 0; i < total; i++) {
			out[i].addr = depend[2 + i];
			out[i].kind = i < nout ? BEAT_DEP_OUT : BEAT_DEP_IN;
		}
		return;
	}
	total = (uintptr_t)depend[1];
	size_t nout = (uintptr_t)depend[2];
	size_t nmutex = (uintptr_t)depend[3];
	size_t nplain = nout + nmutex + (uintptr_t)depend[4];
	void **word = depend + 5;
	for (size_t i = 0; i < total; i++) {
		if (i >= nplain) {
			out[i] = from_depobj((void **)word[i]);
			continue;
		}
		out[i].addr = word[i];
		if (i < nout)
			out[i].kind = BEAT_DEP_OUT;
		else if (i < nout + nmutex)
			out[i].kind = BEAT_DEP_MUTEXINOUTSET;
		else
			out[i].kind = BEAT_DEP_IN;
	}
}

struct beat_dep *gomp_depend_read(void **depend, struct beat_dep *small, size_t *n)
{
	*n = gomp_depend_count(depend);
	struct beat_dep *deps = small;
	if (*n > GOMP_DEPEND_ON_STACK) {
		deps = malloc(*n * sizeof *deps);
		if (deps == NULL)
			beat_fatal("out of memory reading task dependences");
	}
	gomp_depend_list(depend, deps);
	return deps;
}
