/* depend_gcc.h: GCC's depend arrays (GOMP_task, GOMP_taskwait_depend,
 * the target constructs) read into beat's own dependence lists. */
#ifndef BEAT_DEPEND_GCC_H
#define BEAT_DEPEND_GCC_H

#include "abi.h"

/* Lists of up to this many entries fit the caller's stack buffer. */
#define GOMP_DEPEND_ON_STACK 16

/* How many dependences the array names (depobj objects count one each). */
size_t gomp_depend_count(void **depend);
/* Writes the array's dependences into out (gomp_depend_count entries), in
 * the array's order. An omp_depend_t of an unknown kind is fatal. */
void gomp_depend_list(void **depend, struct beat_dep *out);
/* The array as a list: in small (GOMP_DEPEND_ON_STACK entries) when it
 * fits, else in a malloc'd block the caller frees when it is not small.
 * *n receives the length. */
struct beat_dep *gomp_depend_read(void **depend, struct beat_dep *small, size_t *n);

#endif
