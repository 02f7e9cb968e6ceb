/* malloc_prime.c: raises glibc malloc's threshold for mapping a block of
 * its own (mmap) from 128 KiB to 1 MiB at start-up, by allocating and
 * freeing one 1 MiB block, so that programs which allocate and free
 * blocks of that size in a loop reuse heap memory instead of mapping,
 * faulting in and unmapping it every time.
 *
 * glibc raises the threshold by itself, to the size of the largest mapped
 * block freed so far (and the heap's trim threshold to twice that), so a
 * program's first free of a 512 KiB block makes the next ones heap blocks;
 * but then the heap's top often passes the trim threshold again at each
 * free and is given back, to be grown and faulted in at the next
 * allocation. numpy's 256 x 256 products (512 KiB results) at 2 threads
 * on 2 CPUs: 1,539 brk calls and 100,000 page faults per 1,000 products,
 * 1,070-1,125 us each under beat and 1,100-1,140 under libgomp, against
 * 470-516 us under LLVM's libomp, whose start-up allocates and frees a
 * 1 MiB block and so moves both thresholds. With this, beat: 462-506 us.
 * 512 x 512 products were not affected either way.
 *
 * A threshold the program or the user chose (mallopt, GLIBC_TUNABLES)
 * stays: glibc moves it only while no one has set it. Another allocator
 * (jemalloc, tcmalloc) just sees one allocation and its free. The cost: up
 * to 2 MiB of freed heap top kept instead of given back, and blocks under
 * 1 MiB from the heap instead of their own mappings (as under libomp);
 * at the critical memory level the gate trims malloc's heap (fiber.c).
 * BEAT_MALLOC_PRIME=false leaves malloc alone. */
#include "rt.h"

#include <stdlib.h>

#define PRIME_BYTES (1u << 20)

void beat_malloc_prime(void)
{
	if (!beat_cfg.malloc_prime)
		return;
	void *volatile block = malloc(PRIME_BYTES); /* (volatile: kept) */
	free(block);
}
