/* malloc_threshold: whether a 768 KiB block, allocated after the OpenMP
 * runtime started, gets a mapping of its own from glibc malloc (mallinfo2's
 * count of mapped blocks) or comes from the heap. glibc maps blocks over
 * 128 KiB until a larger mapped block is freed; beat moves that threshold
 * to 1 MiB at start (shim/malloc_prime.c), as libomp's start-up does, so
 * that blocks of array libraries freed in a loop are reused instead of
 * being mapped and faulted in every time. Prints "own mappings N". */
#include <malloc.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	int threads = omp_get_max_threads(); /* the runtime starts */
	size_t before = mallinfo2().hblks;
	char *block = malloc(768 * 1024);
	if (!block)
		return 1;
	memset(block, 1, 768 * 1024);
	size_t mapped = mallinfo2().hblks - before;
	free(block);
	printf("threads>0 %d own mappings %zu\n", threads > 0, mapped);
	return 0;
}
