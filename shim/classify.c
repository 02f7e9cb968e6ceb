/* classify.c: re-classifies a table of predicted task costs in one pass.
 * The batch path uses GCC vector extensions, 16 floats at a time, compiled
 * for AVX-512, AVX2 and baseline x86-64 (target_clones picks one at load);
 * the scalar path is the reference, kept out of the auto-vectoriser so that
 * the comparison measures what the vector code buys. */
#include "classify.h"

typedef float v16f __attribute__((vector_size(64)));
typedef int32_t v16i __attribute__((vector_size(64)));
typedef uint8_t v16u8 __attribute__((vector_size(16)));

__attribute__((optimize("no-tree-vectorize"))) void
beat_classify_scalar(const float *pred, const uint8_t *trusted, uint8_t *cls, int n,
		     const float bounds[3])
{
	for (int i = 0; i < n; i++)
		cls[i] = beat_classify_one(pred[i], trusted[i], bounds);
}

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void beat_classify_batch(const float *pred, const uint8_t *trusted, uint8_t *cls, int n,
			 const float bounds[3])
{
	const v16f b0 = (v16f){0} + bounds[0], b1 = (v16f){0} + bounds[1], b2 = (v16f){0} + bounds[2];
	const v16u8 cold = (v16u8){0} + BEAT_CLASS_COLD, zero = {0};
	int i = 0;
	for (; i + 16 <= n; i += 16) {
		v16f x;
		v16u8 tr;
		__builtin_memcpy(&x, pred + i, sizeof x);
		__builtin_memcpy(&tr, trusted + i, sizeof tr);
		/* A true comparison is -1 in each lane: subtracting counts it. */
		v16i c = -((x >= b0) + (x >= b1) + (x >= b2));
		v16u8 c8 = __builtin_convertvector(c, v16u8);
		v16u8 t = (v16u8)(tr != zero);
		v16u8 out = (c8 & t) | (cold & ~t);
		__builtin_memcpy(cls + i, &out, sizeof out);
	}
	for (; i < n; i++)
		cls[i] = beat_classify_one(pred[i], trusted[i], bounds);
}
