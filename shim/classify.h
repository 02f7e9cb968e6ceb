/* classify.h: task classes from predicted costs, one entry at a time
 * (scalar) or a whole table at once with vector code (batch). Both give the
 * same classes for the same input; tests/unit/classify_test checks it.
 * Self-contained (no runtime types), so the unit test and the
 * microbenchmark link classify.c alone. */
#ifndef BEAT_CLASSIFY_H
#define BEAT_CLASSIFY_H

#include <stdint.h>

enum beat_class {
	BEAT_CLASS_TINY = 0,   /* below the inline threshold */
	BEAT_CLASS_SMALL = 1,
	BEAT_CLASS_MEDIUM = 2,
	BEAT_CLASS_LARGE = 3,
	BEAT_CLASS_COLD = 4,   /* not enough samples to trust a prediction */
	BEAT_NCLASS = 5,
};

/* bounds[0..2]: the smallest cost of small, medium and large. An entry
 * whose trusted[i] is 0 is COLD whatever its cost. */
static inline uint8_t beat_classify_one(float pred, uint8_t trusted, const float bounds[3])
{
	if (!trusted)
		return BEAT_CLASS_COLD;
	return (uint8_t)((pred >= bounds[0]) + (pred >= bounds[1]) + (pred >= bounds[2]));
}

/* n is any count; the batch path handles the tail with the scalar rule. */
void beat_classify_scalar(const float *pred, const uint8_t *trusted, uint8_t *cls, int n,
			  const float bounds[3]);
void beat_classify_batch(const float *pred, const uint8_t *trusted, uint8_t *cls, int n,
			 const float bounds[3]);

#endif
