/* predict.c: the One Euro filter. A low-pass filter whose cutoff rises with
 * the speed of the signal: steady costs are smoothed hard (little jitter in
 * the prediction), a real change is followed quickly (little lag). */
#include "predict.h"

#include <math.h>

float beat_one_euro_alpha(float fc)
{
	const float te = 1.0f;
	float tau = 1.0f / (2.0f * (float)M_PI * fc);
	return 1.0f / (1.0f + tau / te);
}

float beat_one_euro_update(struct beat_one_euro *f, float x, const struct beat_one_euro_params *p)
{
	if (!f->started) {
		f->started = true;
		f->x = x;
		f->dx = 0.0f;
		return x;
	}
	float dx = x - f->x; /* per sample: Te = 1 */
	float ad = beat_one_euro_alpha(p->dcutoff);
	f->dx = ad * dx + (1.0f - ad) * f->dx;
	float fc = p->mincutoff + p->beta * fabsf(f->dx);
	float a = beat_one_euro_alpha(fc);
	f->x = a * x + (1.0f - a) * f->x;
	return f->x;
}
