/* fortran.c: the Fortran entry points (omp_*_ and the integer(8) omp_*_8_
 * forms) as thin wrappers over the C API.
 *
 * Conventions (gfortran, as libgomp expects them): every argument arrives
 * by reference; default integers and logicals are 4 bytes, the _8_ forms
 * take 8-byte integers (clamped to int) and logicals (any non-zero is
 * true); character arguments come with their lengths appended as size_t,
 * are not NUL-terminated, and results are blank-padded. omp_lock_kind is 4
 * bytes, so a Fortran simple lock is the C lock itself; omp_nest_lock_kind
 * is 8 while the C nest lock is 16 bytes, so the Fortran variable holds a
 * pointer to a heap-allocated C lock. The OpenMP 2.5 locks (OMP_1.0
 * versions) fit their Fortran kinds and are used in place. */
#include "abi.h"
#include "hostapi.h"

#include <limits.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static int to_int(int64_t v)
{
	return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

/* -------------------------------------------------------------- locks */

static omp_nest_lock_t **nest_slot(int64_t *lock)
{
	return (omp_nest_lock_t **)lock;
}

BEAT_EXPORT void omp_init_lock_(omp_lock_t *lock)
{
	omp_init_lock(lock);
}

BEAT_EXPORT void omp_destroy_lock_(omp_lock_t *lock)
{
	omp_destroy_lock(lock);
}

BEAT_EXPORT void omp_set_lock_(omp_lock_t *lock)
{
	omp_set_lock(lock);
}

BEAT_EXPORT void omp_unset_lock_(omp_lock_t *lock)
{
	omp_unset_lock(lock);
}

BEAT_EXPORT int32_t omp_test_lock_(omp_lock_t *lock)
{
	return omp_test_lock(lock);
}

BEAT_EXPORT void omp_init_nest_lock_(int64_t *lock)
{
	omp_nest_lock_t *l = malloc(sizeof *l);
	if (l == NULL)
		beat_fatal("out of memory in omp_init_nest_lock");
	omp_init_nest_lock(l);
	*nest_slot(lock) = l;
}

BEAT_EXPORT void omp_destroy_nest_lock_(int64_t *lock)
{
	omp_destroy_nest_lock(*nest_slot(lock));
	free(*nest_slot(lock));
	*nest_slot(lock) = NULL;
}

BEAT_EXPORT void omp_set_nest_lock_(int64_t *lock)
{
	omp_set_nest_lock(*nest_slot(lock));
}

BEAT_EXPORT void omp_unset_nest_lock_(int64_t *lock)
{
	omp_unset_nest_lock(*nest_slot(lock));
}

BEAT_EXPORT int32_t omp_test_nest_lock_(int64_t *lock)
{
	return omp_test_nest_lock(*nest_slot(lock));
}

/* OpenMP 2.5 locks, in lock.c under these names (their OMP_1.0 versions). */
void compat25_init_lock(omp_lock_t *l);
void compat25_destroy_lock(omp_lock_t *l);
void compat25_set_lock(omp_lock_t *l);
void compat25_unset_lock(omp_lock_t *l);
int compat25_test_lock(omp_lock_t *l);
void compat25_init_nest_lock(void *l);
void compat25_destroy_nest_lock(void *l);
void compat25_set_nest_lock(void *l);
void compat25_unset_nest_lock(void *l);
int compat25_test_nest_lock(void *l);

BEAT_EXPORT void fcompat25_init_lock(omp_lock_t *l)
{
	compat25_init_lock(l);
}

BEAT_EXPORT void fcompat25_destroy_lock(omp_lock_t *l)
{
	compat25_destroy_lock(l);
}

BEAT_EXPORT void fcompat25_set_lock(omp_lock_t *l)
{
	compat25_set_lock(l);
}

BEAT_EXPORT void fcompat25_unset_lock(omp_lock_t *l)
{
	compat25_unset_lock(l);
}

BEAT_EXPORT int32_t fcompat25_test_lock(omp_lock_t *l)
{
	return compat25_test_lock(l);
}

BEAT_EXPORT void fcompat25_init_nest_lock(void *l)
{
	compat25_init_nest_lock(l);
}

BEAT_EXPORT void fcompat25_destroy_nest_lock(void *l)
{
	compat25_destroy_nest_lock(l);
}

BEAT_EXPORT void fcompat25_set_nest_lock(void *l)
{
	compat25_set_nest_lock(l);
}

BEAT_EXPORT void fcompat25_unset_nest_lock(void *l)
{
	compat25_unset_nest_lock(l);
}

BEAT_EXPORT int32_t fcompat25_test_nest_lock(void *l)
{
	return compat25_test_nest_lock(l);
}

__asm__(".symver fcompat25_init_lock, omp_init_lock_@OMP_1.0");
__asm__(".symver fcompat25_destroy_lock, omp_destroy_lock_@OMP_1.0");
__asm__(".symver fcompat25_set_lock, omp_set_lock_@OMP_1.0");
__asm__(".symver fcompat25_unset_lock, omp_unset_lock_@OMP_1.0");
__asm__(".symver fcompat25_test_lock, omp_test_lock_@OMP_1.0");
__asm__(".symver fcompat25_init_nest_lock, omp_init_nest_lock_@OMP_1.0");
__asm__(".symver fcompat25_destroy_nest_lock, omp_destroy_nest_lock_@OMP_1.0");
__asm__(".symver fcompat25_set_nest_lock, omp_set_nest_lock_@OMP_1.0");
__asm__(".symver fcompat25_unset_nest_lock, omp_unset_nest_lock_@OMP_1.0");
__asm__(".symver fcompat25_test_nest_lock, omp_test_nest_lock_@OMP_1.0");

/* ------------------------------------------------- threads and levels */

BEAT_EXPORT void omp_set_dynamic_(const int32_t *v)
{
	omp_set_dynamic(*v);
}

BEAT_EXPORT void omp_set_dynamic_8_(const int64_t *v)
{
	omp_set_dynamic(*v != 0);
}

BEAT_EXPORT void omp_set_nested_(const int32_t *v)
{
	omp_set_nested(*v);
}

BEAT_EXPORT void omp_set_nested_8_(const int64_t *v)
{
	omp_set_nested(*v != 0);
}

BEAT_EXPORT void omp_set_num_threads_(const int32_t *n)
{
	omp_set_num_threads(*n);
}

BEAT_EXPORT void omp_set_num_threads_8_(const int64_t *n)
{
	omp_set_num_threads(to_int(*n));
}

BEAT_EXPORT int32_t omp_get_dynamic_(void)
{
	return omp_get_dynamic();
}

BEAT_EXPORT int32_t omp_get_nested_(void)
{
	return omp_get_nested();
}

BEAT_EXPORT int32_t omp_in_parallel_(void)
{
	return omp_in_parallel();
}

BEAT_EXPORT int32_t omp_get_max_threads_(void)
{
	return omp_get_max_threads();
}

BEAT_EXPORT int32_t omp_get_num_procs_(void)
{
	return omp_get_num_procs();
}

BEAT_EXPORT int32_t omp_get_num_threads_(void)
{
	return omp_get_num_threads();
}

BEAT_EXPORT int32_t omp_get_thread_num_(void)
{
	return omp_get_thread_num();
}

BEAT_EXPORT double omp_get_wtick_(void)
{
	return omp_get_wtick();
}

BEAT_EXPORT double omp_get_wtime_(void)
{
	return omp_get_wtime();
}

/* Fortran code written for OpenMP 4.5 does not expect the monotonic bit. */
BEAT_EXPORT void omp_set_schedule_(const int32_t *kind, const int32_t *chunk)
{
	omp_set_schedule((omp_sched_t)*kind, *chunk);
}

BEAT_EXPORT void omp_set_schedule_8_(const int32_t *kind, const int64_t *chunk)
{
	omp_set_schedule((omp_sched_t)*kind, to_int(*chunk));
}

BEAT_EXPORT void omp_get_schedule_(int32_t *kind, int32_t *chunk)
{
	omp_sched_t k;
	int c;
	omp_get_schedule(&k, &c);
	*kind = (int32_t)((unsigned)k & ~(unsigned)omp_sched_monotonic);
	*chunk = c;
}

BEAT_EXPORT void omp_get_schedule_8_(int32_t *kind, int64_t *chunk)
{
	omp_sched_t k;
	int c;
	omp_get_schedule(&k, &c);
	*kind = (int32_t)((unsigned)k & ~(unsigned)omp_sched_monotonic);
	*chunk = c;
}

BEAT_EXPORT int32_t omp_get_thread_limit_(void)
{
	return omp_get_thread_limit();
}

BEAT_EXPORT void omp_set_max_active_levels_(const int32_t *n)
{
	omp_set_max_active_levels(*n);
}

BEAT_EXPORT void omp_set_max_active_levels_8_(const int64_t *n)
{
	omp_set_max_active_levels(to_int(*n));
}

BEAT_EXPORT int32_t omp_get_max_active_levels_(void)
{
	return omp_get_max_active_levels();
}

BEAT_EXPORT int32_t omp_get_supported_active_levels_(void)
{
	return omp_get_supported_active_levels();
}

BEAT_EXPORT int32_t omp_get_level_(void)
{
	return omp_get_level();
}

BEAT_EXPORT int32_t omp_get_ancestor_thread_num_(const int32_t *level)
{
	return omp_get_ancestor_thread_num(*level);
}

BEAT_EXPORT int32_t omp_get_ancestor_thread_num_8_(const int64_t *level)
{
	return omp_get_ancestor_thread_num(to_int(*level));
}

BEAT_EXPORT int32_t omp_get_team_size_(const int32_t *level)
{
	return omp_get_team_size(*level);
}

BEAT_EXPORT int32_t omp_get_team_size_8_(const int64_t *level)
{
	return omp_get_team_size(to_int(*level));
}

BEAT_EXPORT int32_t omp_get_active_level_(void)
{
	return omp_get_active_level();
}

BEAT_EXPORT int32_t omp_in_final_(void)
{
	return omp_in_final();
}

BEAT_EXPORT int32_t omp_get_cancellation_(void)
{
	return omp_get_cancellation();
}

BEAT_EXPORT int32_t omp_get_max_task_priority_(void)
{
	return omp_get_max_task_priority();
}

BEAT_EXPORT void omp_fulfill_event_(intptr_t event)
{
	omp_fulfill_event((omp_event_handle_t)event);
}

/* --------------------------------------------------------------- teams */

BEAT_EXPORT void omp_set_num_teams_(const int32_t *n)
{
	omp_set_num_teams(*n);
}

BEAT_EXPORT void omp_set_num_teams_8_(const int64_t *n)
{
	omp_set_num_teams(to_int(*n));
}

BEAT_EXPORT int32_t omp_get_max_teams_(void)
{
	return omp_get_max_teams();
}

BEAT_EXPORT void omp_set_teams_thread_limit_(const int32_t *n)
{
	omp_set_teams_thread_limit(*n);
}

BEAT_EXPORT void omp_set_teams_thread_limit_8_(const int64_t *n)
{
	omp_set_teams_thread_limit(to_int(*n));
}

BEAT_EXPORT int32_t omp_get_teams_thread_limit_(void)
{
	return omp_get_teams_thread_limit();
}

BEAT_EXPORT int32_t omp_get_num_teams_(void)
{
	return omp_get_num_teams();
}

BEAT_EXPORT int32_t omp_get_team_num_(void)
{
	return omp_get_team_num();
}

/* -------------------------------------------------------------- places */

BEAT_EXPORT int32_t omp_get_proc_bind_(void)
{
	return omp_get_proc_bind();
}

BEAT_EXPORT int32_t omp_get_num_places_(void)
{
	return omp_get_num_places();
}

BEAT_EXPORT int32_t omp_get_place_num_procs_(const int32_t *place)
{
	return omp_get_place_num_procs(*place);
}

BEAT_EXPORT int32_t omp_get_place_num_procs_8_(const int64_t *place)
{
	return omp_get_place_num_procs(to_int(*place));
}

BEAT_EXPORT void omp_get_place_proc_ids_(const int32_t *place, int32_t *ids)
{
	omp_get_place_proc_ids(*place, (int *)ids);
}

BEAT_EXPORT void omp_get_place_proc_ids_8_(const int64_t *place, int64_t *ids)
{
	int p = to_int(*place);
	int n = omp_get_place_num_procs(p);
	if (n <= 0)
		return;
	int *tmp = malloc((size_t)n * sizeof *tmp);
	if (tmp == NULL)
		beat_fatal("out of memory in omp_get_place_proc_ids");
	omp_get_place_proc_ids(p, tmp);
	for (int i = 0; i < n; i++)
		ids[i] = tmp[i];
	free(tmp);
}

BEAT_EXPORT int32_t omp_get_place_num_(void)
{
	return omp_get_place_num();
}

BEAT_EXPORT int32_t omp_get_partition_num_places_(void)
{
	return omp_get_partition_num_places();
}

BEAT_EXPORT void omp_get_partition_place_nums_(int32_t *nums)
{
	omp_get_partition_place_nums((int *)nums);
}

BEAT_EXPORT void omp_get_partition_place_nums_8_(int64_t *nums)
{
	int n = omp_get_partition_num_places();
	if (n <= 0)
		return;
	int *tmp = malloc((size_t)n * sizeof *tmp);
	if (tmp == NULL)
		beat_fatal("out of memory in omp_get_partition_place_nums");
	omp_get_partition_place_nums(tmp);
	for (int i = 0; i < n; i++)
		nums[i] = tmp[i];
	free(tmp);
}

/* ------------------------------------------------------------- devices */

BEAT_EXPORT void omp_set_default_device_(const int32_t *d)
{
	omp_set_default_device(*d);
}

BEAT_EXPORT void omp_set_default_device_8_(const int64_t *d)
{
	omp_set_default_device(to_int(*d));
}

BEAT_EXPORT int32_t omp_get_default_device_(void)
{
	return omp_get_default_device();
}

BEAT_EXPORT int32_t omp_get_num_devices_(void)
{
	return omp_get_num_devices();
}

BEAT_EXPORT int32_t omp_is_initial_device_(void)
{
	return omp_is_initial_device();
}

BEAT_EXPORT int32_t omp_get_initial_device_(void)
{
	return omp_get_initial_device();
}

BEAT_EXPORT int32_t omp_get_device_num_(void)
{
	return omp_get_device_num();
}

BEAT_EXPORT int32_t omp_pause_resource_(const int32_t *kind, const int32_t *device)
{
	return omp_pause_resource((omp_pause_resource_t)*kind, *device);
}

BEAT_EXPORT int32_t omp_pause_resource_all_(const int32_t *kind)
{
	return omp_pause_resource_all((omp_pause_resource_t)*kind);
}

/* ----------------------------------------------------- affinity format */

/* A NUL-terminated copy of a Fortran string (NULL when it is empty). */
static char *c_string(const char *s, size_t len)
{
	if (len == 0)
		return NULL;
	char *c = malloc(len + 1);
	if (c == NULL)
		beat_fatal("out of memory copying a Fortran string");
	memcpy(c, s, len);
	c[len] = '\0';
	return c;
}

BEAT_EXPORT void omp_set_affinity_format_(const char *format, size_t format_len)
{
	beat_affinity_format_set(format, format_len);
}

BEAT_EXPORT int32_t omp_get_affinity_format_(char *buffer, size_t buffer_len)
{
	char *fmt = beat_affinity_format_dup();
	size_t len = strlen(fmt);
	size_t n = len < buffer_len ? len : buffer_len;
	memcpy(buffer, fmt, n);
	memset(buffer + n, ' ', buffer_len - n);
	free(fmt);
	return (int32_t)len;
}

BEAT_EXPORT void omp_display_affinity_(const char *format, size_t format_len)
{
	char *fmt = c_string(format, format_len);
	beat_affinity_display(fmt);
	free(fmt);
}

BEAT_EXPORT int32_t omp_capture_affinity_(char *buffer, const char *format,
					  size_t buffer_len, size_t format_len)
{
	char *fmt = c_string(format, format_len);
	size_t len = beat_affinity_expand(buffer, buffer_len, fmt);
	free(fmt);
	if (len < buffer_len)
		memset(buffer + len, ' ', buffer_len - len);
	return (int32_t)len;
}

/* ---------------------------------------------------------- allocators */

BEAT_EXPORT intptr_t omp_init_allocator_(const intptr_t *memspace, const int32_t *ntraits,
					 const omp_alloctrait_t *traits)
{
	return (intptr_t)omp_init_allocator((omp_memspace_handle_t)*memspace, (int)*ntraits,
					    traits);
}

BEAT_EXPORT intptr_t omp_init_allocator_8_(const intptr_t *memspace, const int64_t *ntraits,
					   const omp_alloctrait_t *traits)
{
	return (intptr_t)omp_init_allocator((omp_memspace_handle_t)*memspace,
					    to_int(*ntraits), traits);
}

BEAT_EXPORT void omp_destroy_allocator_(const intptr_t *allocator)
{
	omp_destroy_allocator((omp_allocator_handle_t)*allocator);
}

BEAT_EXPORT void omp_set_default_allocator_(const intptr_t *allocator)
{
	omp_set_default_allocator((omp_allocator_handle_t)*allocator);
}

BEAT_EXPORT intptr_t omp_get_default_allocator_(void)
{
	return (intptr_t)omp_get_default_allocator();
}

/* --------------------------------------------------------- environment */

BEAT_EXPORT void omp_display_env_(const int32_t *verbose)
{
	omp_display_env(*verbose);
}

BEAT_EXPORT void omp_display_env_8_(const int64_t *verbose)
{
	omp_display_env(*verbose != 0);
}
