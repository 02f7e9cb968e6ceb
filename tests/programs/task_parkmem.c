/* task_parkmem: many tasks (tied, or untied with argument 1) with 512 KiB
 * frames that wait for slow children: each parked task keeps its stack, so
 * beat bounds the stack parked fibers hold (BEAT_PARK_MAX) and trims deep
 * fiber stacks when they are released. Prints the result on stdout and the
 * peak resident size (VmHWM) on stderr. */
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include "common.h"
static long sum;
static void big(int i)
{
	volatile char frame[512 * 1024];
	memset((char *)frame, i & 0x7f, sizeof frame);
	for (int k = 0; k < 4; k++) {
		#pragma omp task
		{ usleep(5000); __atomic_fetch_add(&sum, 1, __ATOMIC_RELAXED); }
	}
	#pragma omp taskwait
	__atomic_fetch_add(&sum, frame[i % sizeof frame], __ATOMIC_RELAXED);
}
int main(int argc, char **argv)
{
	int untied = argc > 1 && atoi(argv[1]);
	#pragma omp parallel
	#pragma omp single
	for (int i = 0; i < 400; i++) {
		if (untied) {
			#pragma omp task untied
			big(i);
		} else {
			#pragma omp task
			big(i);
		}
	}
	printf("sum %ld\n", sum);
	fprintf(stderr, "VmHWM %ld kB\n", status_kib("VmHWM"));
	return 0;
}
