/* affinity_var.c: the affinity-format-var (OMP_AFFINITY_FORMAT, then
 * omp_set_affinity_format), any length, behind a mutex; readers get a copy. */
#include "rt.h"

#include <stdlib.h>
#include <string.h>

static const char default_format[] = "level %L thread %i affinity %A";
static beat_mutex_t format_lock;
static char *format_var; /* NULL: the default */

void beat_affinity_format_store(const char *fmt, size_t len)
{
	char *copy = malloc(len + 1);
	if (copy == NULL)
		beat_fatal("out of memory setting the affinity format");
	memcpy(copy, fmt, len);
	copy[len] = '\0';
	beat_mutex_lock(&format_lock);
	char *old = format_var;
	format_var = copy;
	beat_mutex_unlock(&format_lock);
	free(old);
}

char *beat_affinity_format_copy(void)
{
	beat_mutex_lock(&format_lock);
	char *copy = strdup(format_var ? format_var : default_format);
	beat_mutex_unlock(&format_lock);
	if (copy == NULL)
		beat_fatal("out of memory reading the affinity format");
	return copy;
}
