/* depend_gcc.h: GCC's depend arrays read into beat's dependence lists. */
#ifndef BEAT_DEPEND_GCC_H
#define BEAT_DEPEND_GCC_H

#include "abi.h"

/* Lists of up to this many entries go on the caller's stack. */
#define GOMP_DEPEND_STACK 64

/* How many dependences the array names. */
size_t gomp_depend_count(void **depend);
/* Writes them into out[0 .. gomp_depend_count(depend)). */
void gomp_depend_list(void **depend, struct beat_dep *out);

#endif
