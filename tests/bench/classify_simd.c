/* classify_simd.c: the speed of beat's batch task classification, the
   vector path (shim/classify.c, AVX-512/AVX2/SSE chosen at load) against
   the scalar reference, on tables of 256 entries like the runtime's. Not an
   OpenMP kernel: the runtime under test does not matter. Reports
   microseconds per table for each path (unit us) and the speed-up. */
#include "bench.h"
#include "../../shim/classify.c"

int main(int argc, char **argv)
{
	static const long tables[SIZE_COUNT] = {20000, 2000000, 8000000, 32000000};
	long n = tables[bench_size(argc, argv)];
	bench_warmup();
	enum { SLOTS = 256 };
	static float pred[SLOTS];
	static uint8_t trusted[SLOTS], a[SLOTS], b[SLOTS];
	const float bounds[3] = {600, 4800, 38400};
	uint64_t x = 12345;
	for (int i = 0; i < SLOTS; i++) {
		x = bench_mix(x);
		pred[i] = (float)(x % 100000);
		trusted[i] = (x >> 40) % 8 != 0;
	}
	unsigned long sink = 0;
	double t0 = bench_now();
	for (long r = 0; r < n; r++) {
		pred[r & (SLOTS - 1)] += 1.0f; /* the table changes between batches */
		beat_classify_scalar(pred, trusted, a, SLOTS, bounds);
		sink += a[r & (SLOTS - 1)];
	}
	double ts = bench_now() - t0;
	t0 = bench_now();
	for (long r = 0; r < n; r++) {
		pred[r & (SLOTS - 1)] -= 1.0f;
		beat_classify_batch(pred, trusted, b, SLOTS, bounds);
		sink += b[r & (SLOTS - 1)];
	}
	double tv = bench_now() - t0;
	beat_classify_scalar(pred, trusted, a, SLOTS, bounds);
	beat_classify_batch(pred, trusted, b, SLOTS, bounds);
	int same = memcmp(a, b, SLOTS) == 0;
	fprintf(stderr, "classify_simd: scalar %.1f ns per table, vector %.1f ns per table: %.1fx (sink %lu)\n",
		ts / n * 1e9, tv / n * 1e9, ts / tv, sink);
	bench_result("classify_scalar", "us", ts / n * 1e6, same);
	bench_result("classify_simd", "us", tv / n * 1e6, same);
	return bench_exit();
}
