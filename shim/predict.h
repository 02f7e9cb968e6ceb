/* predict.h: the One Euro filter (Casiez, Roussel, Vogel, CHI 2012) that
 * turns a fingerprint's measured costs into its predicted cost. Samples are
 * one step apart (Te = 1): the cutoffs are in cycles per sample. Kept free
 * of runtime types so that the unit test links predict.c alone. */
#ifndef BEAT_PREDICT_H
#define BEAT_PREDICT_H

#include <stdbool.h>

struct beat_one_euro_params {
	float mincutoff; /* cutoff frequency when the signal is steady */
	float beta;      /* how much the cutoff rises with the signal's speed */
	float dcutoff;   /* cutoff of the derivative's own low-pass filter */
};

struct beat_one_euro {
	float x;         /* filtered value */
	float dx;        /* filtered derivative */
	bool started;
};

#define BEAT_ONE_EURO_DEFAULTS {0.05f, 0.0005f, 1.0f}

/* Feeds one sample; returns the new filtered value. */
float beat_one_euro_update(struct beat_one_euro *f, float x, const struct beat_one_euro_params *p);
/* The smoothing factor of a first-order low-pass filter with cutoff fc. */
float beat_one_euro_alpha(float fc);

#endif
