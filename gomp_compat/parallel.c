/* parallel.c: GCC's parallel-region entry points: GOMP_parallel (GCC >= 4.9),
 * the split GOMP_parallel_start / GOMP_parallel_end pair of older binaries. */
#include "abi.h"

/* GCC passes the proc_bind clause in the low three bits of flags, and
 * num_threads 1 when an if clause is false. */
BEAT_EXPORT void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads,
			       unsigned flags)
{
	beat_parallel(fn, data, beat_parallel_size(num_threads, true), (int)(flags & 7));
}

BEAT_EXPORT void GOMP_parallel_start(void (*fn)(void *), void *data, unsigned num_threads)
{
	beat_parallel_start(fn, data, beat_parallel_size(num_threads, true), 0);
}

BEAT_EXPORT void GOMP_parallel_end(void)
{
	beat_parallel_end();
}
