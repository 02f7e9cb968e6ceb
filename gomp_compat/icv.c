/* icv.c: the host omp_* API over internal control variables, team and level
 * queries, places, devices, timers and the affinity format.
 *
 * Data-environment ICVs live in the current task (beat_icv_self()); global
 * ones in the runtime's configuration (beat_setting, beat_setting_store). Level and team information comes from shim/identity.c.
 * The affinity-format-var is kept by shim/affinity_var.c (any length) and
 * expanded by shim/affinity_format.c. */
#include "abi.h"
#include "hostapi.h"
#include "worksharing.h"

#include <limits.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------- threads and levels */

BEAT_EXPORT void omp_set_num_threads(int n)
{
	beat_icv_self()->nthreads = n > 0 ? n : 1;
}

BEAT_EXPORT int omp_get_num_threads(void)
{
	return beat_team_size();
}

BEAT_EXPORT int omp_get_max_threads(void)
{
	return beat_icv_self()->nthreads;
}

BEAT_EXPORT int omp_get_thread_num(void)
{
	return beat_thread_num();
}

BEAT_EXPORT int omp_get_num_procs(void)
{
	beat_config_init();
	return beat_num_cpus;
}

BEAT_EXPORT int omp_in_parallel(void)
{
	return beat_active_level() > 0;
}

BEAT_EXPORT void omp_set_dynamic(int val)
{
	beat_icv_self()->dyn = val != 0;
}

BEAT_EXPORT int omp_get_dynamic(void)
{
	return beat_icv_self()->dyn;
}

BEAT_EXPORT int omp_get_level(void)
{
	return beat_level();
}

BEAT_EXPORT int omp_get_active_level(void)
{
	return beat_active_level();
}

BEAT_EXPORT int omp_get_ancestor_thread_num(int level)
{
	return beat_ancestor_thread_num(level);
}

BEAT_EXPORT int omp_get_team_size(int level)
{
	return beat_team_size_at(level);
}

BEAT_EXPORT int omp_get_thread_limit(void)
{
	int limit = beat_icv_self()->thread_limit;
	return limit > 0 ? limit : INT_MAX;
}

BEAT_EXPORT void omp_set_max_active_levels(int levels)
{
	if (levels < 0)
		return;
	if (levels > BEAT_SUPPORTED_ACTIVE_LEVELS)
		levels = BEAT_SUPPORTED_ACTIVE_LEVELS;
	beat_icv_self()->max_active_levels = levels;
}

BEAT_EXPORT int omp_get_max_active_levels(void)
{
	return beat_icv_self()->max_active_levels;
}

BEAT_EXPORT int omp_get_supported_active_levels(void)
{
	return BEAT_SUPPORTED_ACTIVE_LEVELS;
}

/* Deprecated: true allows every supported level, false at most one. */
BEAT_EXPORT void omp_set_nested(int val)
{
	struct beat_icv *icv = beat_icv_self();
	if (val)
		icv->max_active_levels = BEAT_SUPPORTED_ACTIVE_LEVELS;
	else if (icv->max_active_levels > 1)
		icv->max_active_levels = 1;
}

BEAT_EXPORT int omp_get_nested(void)
{
	int max = beat_icv_self()->max_active_levels;
	return max > 1 && max > beat_active_level();
}

BEAT_EXPORT int omp_in_final(void)
{
	return beat_in_final();
}

/* ------------------------------------------------------------ schedule */

BEAT_EXPORT void omp_set_schedule(omp_sched_t kind, int chunk)
{
	struct beat_icv *icv = beat_icv_self();
	switch ((unsigned)kind & ~(unsigned)omp_sched_monotonic) {
	case omp_sched_static:
		icv->sched_chunk = chunk < 1 ? 0 : chunk;
		break;
	case omp_sched_dynamic:
	case omp_sched_guided:
		icv->sched_chunk = chunk < 1 ? 1 : chunk;
		break;
	case omp_sched_auto:
		break;
	default:
		return; /* not a schedule kind: the ICV keeps its value */
	}
	icv->sched_kind = beat_gomp_sched_from_omp((unsigned)kind);
}

BEAT_EXPORT void omp_get_schedule(omp_sched_t *kind, int *chunk)
{
	struct beat_icv *icv = beat_icv_self();
	*kind = (omp_sched_t)beat_gomp_sched_to_omp(icv->sched_kind);
	*chunk = icv->sched_chunk;
}

/* ------------------------------------------------------- global ICVs */

BEAT_EXPORT int omp_get_cancellation(void)
{
	beat_config_init();
	return beat_setting(BEAT_SETTING_CANCELLATION) != 0;
}

BEAT_EXPORT int omp_get_max_task_priority(void)
{
	beat_config_init();
	return beat_setting(BEAT_SETTING_MAX_TASK_PRIORITY);
}

/* nteams-var and teams-thread-limit-var are global (per device): their
 * home is the runtime's configuration, so OMP_DISPLAY_ENV shows the
 * current values. */
BEAT_EXPORT void omp_set_num_teams(int n)
{
	beat_config_init();
	if (n >= 0)
		beat_setting_store(BEAT_SETTING_MAX_TEAMS, n);
}

BEAT_EXPORT int omp_get_max_teams(void)
{
	beat_config_init();
	return beat_setting(BEAT_SETTING_MAX_TEAMS);
}

BEAT_EXPORT void omp_set_teams_thread_limit(int n)
{
	beat_config_init();
	if (n >= 0)
		beat_setting_store(BEAT_SETTING_TEAMS_THREAD_LIMIT, n);
}

BEAT_EXPORT int omp_get_teams_thread_limit(void)
{
	beat_config_init();
	return beat_setting(BEAT_SETTING_TEAMS_THREAD_LIMIT);
}

BEAT_EXPORT int omp_get_num_teams(void)
{
	int num, id;
	beat_teams_query(&num, &id);
	return num;
}

BEAT_EXPORT int omp_get_team_num(void)
{
	int num, id;
	beat_teams_query(&num, &id);
	return id;
}

BEAT_EXPORT void omp_display_env(int verbose)
{
	beat_config_init();
	beat_config_display(verbose != 0);
}

/* Pausing releases nothing in beat (the pool is cheap to keep); it is
 * refused inside a parallel region and for devices that do not exist. */
BEAT_EXPORT int omp_pause_resource(omp_pause_resource_t kind, int device)
{
	if (device != BEAT_HOST_DEVICE)
		return -1;
	if (omp_in_parallel())
		return -1;
	beat_pool_release();
	return 0;
}

BEAT_EXPORT int omp_pause_resource_all(omp_pause_resource_t kind)
{
	return omp_pause_resource(kind, BEAT_HOST_DEVICE);
}

/* -------------------------------------------------------------- places */

BEAT_EXPORT omp_proc_bind_t omp_get_proc_bind(void)
{
	return (omp_proc_bind_t)beat_icv_self()->bind;
}

BEAT_EXPORT int omp_get_num_places(void)
{
	beat_config_init();
	return beat_num_places;
}

BEAT_EXPORT int omp_get_place_num_procs(int place)
{
	beat_config_init();
	if (place < 0 || place >= beat_num_places)
		return 0;
	return beat_places[place].ncpus;
}

/* Writes the place's CPU numbers in increasing order. */
BEAT_EXPORT void omp_get_place_proc_ids(int place, int *ids)
{
	beat_config_init();
	if (place < 0 || place >= beat_num_places)
		return;
	const struct beat_place *p = &beat_places[place];
	for (int i = 0; i < p->ncpus; i++) {
		int j = i;
		while (j > 0 && ids[j - 1] > p->cpus[i]) {
			ids[j] = ids[j - 1];
			j--;
		}
		ids[j] = p->cpus[i];
	}
}

BEAT_EXPORT int omp_get_place_num(void)
{
	beat_config_init();
	if (beat_num_places == 0)
		return -1;
	return beat_place_self();
}

BEAT_EXPORT int omp_get_partition_num_places(void)
{
	beat_config_init();
	if (beat_num_places == 0)
		return 0;
	int first, len;
	beat_partition_self(&first, &len);
	return len;
}

BEAT_EXPORT void omp_get_partition_place_nums(int *nums)
{
	beat_config_init();
	if (beat_num_places == 0)
		return;
	int first, len;
	beat_partition_self(&first, &len);
	for (int i = 0; i < len; i++)
		nums[i] = first + i;
}

/* ------------------------------------------------------------- devices */

BEAT_EXPORT void omp_set_default_device(int device)
{
	beat_icv_self()->default_device = device >= 0 ? device : 0;
}

BEAT_EXPORT int omp_get_default_device(void)
{
	return beat_icv_self()->default_device;
}

BEAT_EXPORT int omp_get_num_devices(void)
{
	return 0;
}

BEAT_EXPORT int omp_get_initial_device(void)
{
	return BEAT_HOST_DEVICE;
}

BEAT_EXPORT int omp_get_device_num(void)
{
	return BEAT_HOST_DEVICE;
}

BEAT_EXPORT int omp_is_initial_device(void)
{
	return 1;
}

/* -------------------------------------------------------------- timers */

BEAT_EXPORT double omp_get_wtime(void)
{
	return beat_now();
}

BEAT_EXPORT double omp_get_wtick(void)
{
	struct timespec res;
	if (clock_getres(CLOCK_MONOTONIC, &res) != 0)
		return 1e-9;
	return res.tv_sec + res.tv_nsec * 1e-9;
}

/* ----------------------------------------------- affinity-format-var */

/* OMP_AFFINITY_FORMAT is read first, so that a value set by the program
 * is never overwritten by the environment's. */
void beat_affinity_format_set(const char *fmt, size_t len)
{
	beat_config_init();
	beat_affinity_format_store(fmt, len);
}

char *beat_affinity_format_dup(void)
{
	beat_config_init();
	return beat_affinity_format_copy();
}

BEAT_EXPORT void omp_set_affinity_format(const char *format)
{
	beat_affinity_format_set(format, strlen(format));
}

BEAT_EXPORT size_t omp_get_affinity_format(char *buffer, size_t size)
{
	char *fmt = beat_affinity_format_dup();
	size_t len = strlen(fmt);
	if (size > 0) {
		size_t n = len < size ? len : size - 1;
		memcpy(buffer, fmt, n);
		buffer[n] = '\0';
	}
	free(fmt);
	return len;
}

BEAT_EXPORT size_t omp_capture_affinity(char *buffer, size_t size, const char *format)
{
	size_t len = beat_affinity_expand(buffer, size, format);
	if (size > 0)
		buffer[len < size ? len : size - 1] = '\0';
	return len;
}

BEAT_EXPORT void omp_display_affinity(const char *format)
{
	beat_affinity_display(format);
}
