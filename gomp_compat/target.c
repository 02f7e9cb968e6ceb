/* target.c: target constructs and the device memory API for a runtime
 * whose only device is the host: every target region runs on the host.
 *
 * A target region executed on the host starts a new initial task, as
 * libgomp's host fallback does: the encountering thread takes a fresh
 * seat in a team of one at level 0 (so omp_get_level(), omp_in_parallel()
 * and the teams numbers inside the region describe the region, not the
 * code around it), with the ICVs of the program's start plus the
 * thread_limit the compiler passed in `args`. Firstprivate map entries are
 * copied before the body runs. `nowait` makes the region a deferred task
 * (through GOMP_task, so depend clauses order it); without nowait, depend
 * clauses make the encountering task wait for its predecessors first
 * (through GOMP_taskwait_depend).
 * Data-mapping constructs have nothing to map and only honour depend. */
#include "abi.h"
#include "hostapi.h"

#include <alloca.h>
#include <errno.h>
#include <limits.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* libgomp ABI constants (gomp-constants.h). */
enum {
	DEVICE_ICV = -1,
	DEVICE_HOST_FALLBACK = -2,
	TARGET_FLAG_NOWAIT = 1 << 0,
	TASK_FLAG_DEPEND = 1 << 3,
	MAP_FIRSTPRIVATE = 0x0c,
	ARG_DEVICE_MASK = (1 << 7) - 1,
	ARG_DEVICE_ALL = 0,
	ARG_SUBSEQUENT_PARAM = 1 << 7,
	ARG_ID_MASK = ((1 << 8) - 1) << 8,
	ARG_THREAD_LIMIT = 2 << 8,
	ARG_VALUE_SHIFT = 16,
};

/* Firstprivate copies up to this size live on the stack. */
#define STACK_COPY_MAX 65536

/* GOMP_task (task.c) is the one way to make a deferred task with depend,
 * and GOMP_taskwait_depend the one way to wait for a depend array. */
void GOMP_task(void (*fn)(void *), void *data, void (*cpyfn)(void *, void *),
	       long arg_size, long arg_align, bool if_clause, unsigned flags,
	       void **depend, int priority, void *detach);
void GOMP_taskwait_depend(void **depend);

/* Without nowait, depend clauses make the encountering task wait for the
 * sibling tasks they name (the region itself then runs undeferred). */
static void wait_for_depend(void **depend)
{
	if (depend != NULL)
		GOMP_taskwait_depend(depend);
}

/* -------------------------------------------------------- device checks */

/* Resolves a device argument; true when it names the host. A device that
 * does not exist falls back to the host, unless OMP_TARGET_OFFLOAD is
 * mandatory. */
static bool device_is_host(int device)
{
	beat_config_init();
	if (device == DEVICE_ICV)
		device = beat_icv_self()->default_device;
	if (device == BEAT_HOST_DEVICE || device == DEVICE_HOST_FALLBACK)
		return true;
	if (beat_setting(BEAT_SETTING_TARGET_OFFLOAD) == 1)
		beat_fatal("OMP_TARGET_OFFLOAD is set to MANDATORY, but device not found");
	return false;
}

/* ----------------------------------------------- the host initial task */

struct host_region {
	struct beat_seat_save save;
};

/* A target region on the host runs as a new initial task: the thread sits
 * alone in a fresh level-0 team with its own contention group and the
 * initial ICVs (thread_limit overridden when > 0). */
static void host_region_enter(struct host_region *r, int thread_limit)
{
	beat_initial_team_enter(&r->save, thread_limit);
}

/* Finishes the region's explicit tasks, then gives the thread its seat back. */
static void host_region_leave(struct host_region *r)
{
	beat_initial_team_leave(&r->save);
}

/* The thread-limit value a GOMP_target_ext `args` array carries (0: none). */
static int args_thread_limit(void **args)
{
	if (args == NULL)
		return 0;
	while (*args != NULL) {
		intptr_t id = (intptr_t)*args++;
		intptr_t val;
		if (id & ARG_SUBSEQUENT_PARAM)
			val = (intptr_t)*args++;
		else
			val = id >> ARG_VALUE_SHIFT;
		if ((id & ARG_DEVICE_MASK) != ARG_DEVICE_ALL)
			continue;
		if ((id & ARG_ID_MASK) != ARG_THREAD_LIMIT)
			continue;
		return val > INT_MAX ? INT_MAX : (val > 0 ? (int)val : 0);
	}
	return 0;
}

static void run_on_host(void (*fn)(void *), void **hostaddrs, int thread_limit)
{
	struct host_region r;
	host_region_enter(&r, thread_limit);
	fn(hostaddrs);
	host_region_leave(&r);
}

/* ------------------------------------------------------- firstprivate */

static bool is_firstprivate(const unsigned short *kinds, size_t i)
{
	return (kinds[i] & 0xff) == MAP_FIRSTPRIVATE;
}

static size_t fp_align(const unsigned short *kinds, size_t i)
{
	return (size_t)1 << (kinds[i] >> 8);
}

/* Bytes and alignment the firstprivate copies need, laid out in order. */
static size_t fp_layout(size_t mapnum, const size_t *sizes, const unsigned short *kinds,
			size_t *max_align)
{
	size_t total = 0;
	*max_align = 1;
	for (size_t i = 0; i < mapnum; i++) {
		if (!is_firstprivate(kinds, i))
			continue;
		size_t a = fp_align(kinds, i);
		if (a > *max_align)
			*max_align = a;
		total = (total + a - 1) & ~(a - 1);
		total += sizes[i];
	}
	return total;
}

/* Copies the firstprivate objects into area (aligned to the largest
 * alignment) and points hostaddrs at the copies. */
static void fp_copy(char *area, size_t mapnum, void **hostaddrs, const size_t *sizes,
		    const unsigned short *kinds)
{
	size_t off = 0;
	for (size_t i = 0; i < mapnum; i++) {
		if (!is_firstprivate(kinds, i) || hostaddrs[i] == NULL)
			continue;
		size_t a = fp_align(kinds, i);
		off = (off + a - 1) & ~(a - 1);
		memcpy(area + off, hostaddrs[i], sizes[i]);
		hostaddrs[i] = area + off;
		off += sizes[i];
	}
}

static char *align_up(char *p, size_t align)
{
	uintptr_t v = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	return (char *)v;
}

/* ------------------------------------------------------ deferred target */

/* The argument block of a nowait target task. GOMP_task copies it, so it
 * holds offsets, fixed up into pointers when the task starts. */
struct target_job {
	void (*fn)(void *);
	size_t mapnum;
	int thread_limit;
	size_t fp_base;  /* offset of the firstprivate area in the block */
	void *slots[];   /* hostaddrs[mapnum], then fp_off[mapnum] */
};

#define FP_NONE ((size_t)-1)

static size_t *job_fp_offsets(struct target_job *j)
{
	return (size_t *)&j->slots[j->mapnum];
}

static void target_job_run(void *data)
{
	struct target_job *j = data;
	size_t *fp_off = job_fp_offsets(j);
	for (size_t i = 0; i < j->mapnum; i++)
		if (fp_off[i] != FP_NONE)
			j->slots[i] = (char *)j + j->fp_base + fp_off[i];
	run_on_host(j->fn, j->slots, j->thread_limit);
}

static void target_deferred(void (*fn)(void *), size_t mapnum, void **hostaddrs,
			    const size_t *sizes, const unsigned short *kinds,
			    void **depend, int thread_limit)
{
	size_t fp_align_max;
	size_t fp_bytes = fp_layout(mapnum, sizes, kinds, &fp_align_max);
	size_t align = fp_align_max > _Alignof(max_align_t) ? fp_align_max : _Alignof(max_align_t);
	size_t head = sizeof(struct target_job) + mapnum * (sizeof(void *) + sizeof(size_t));
	size_t fp_base = (head + align - 1) & ~(align - 1);
	size_t total = fp_base + fp_bytes;
	struct target_job *j = aligned_alloc(align, (total + align - 1) & ~(align - 1));
	if (j == NULL)
		beat_fatal("out of memory creating a target task");
	j->fn = fn;
	j->mapnum = mapnum;
	j->thread_limit = thread_limit;
	j->fp_base = fp_base;
	size_t *fp_off = job_fp_offsets(j);
	size_t off = 0;
	for (size_t i = 0; i < mapnum; i++) {
		j->slots[i] = hostaddrs[i];
		fp_off[i] = FP_NONE;
		if (!is_firstprivate(kinds, i) || hostaddrs[i] == NULL)
			continue;
		size_t a = fp_align(kinds, i);
		off = (off + a - 1) & ~(a - 1);
		memcpy((char *)j + fp_base + off, hostaddrs[i], sizes[i]);
		fp_off[i] = off;
		off += sizes[i];
	}
	unsigned flags = depend != NULL ? TASK_FLAG_DEPEND : 0;
	GOMP_task(target_job_run, j, NULL, (long)total, (long)align, true, flags, depend, 0, NULL);
	free(j);
}

/* ------------------------------------------------------------ target */

/* OpenMP 4.0 form: no firstprivate kinds, no nowait. */
BEAT_EXPORT void GOMP_target(int device, void (*fn)(void *), const void *unused,
			     size_t mapnum, void **hostaddrs, size_t *sizes,
			     unsigned char *kinds)
{
	device_is_host(device);
	run_on_host(fn, hostaddrs, 0);
}

BEAT_EXPORT void GOMP_target_ext(int device, void (*fn)(void *), size_t mapnum,
				 void **hostaddrs, size_t *sizes, unsigned short *kinds,
				 unsigned flags, void **depend, void **args)
{
	device_is_host(device);
	int limit = args_thread_limit(args);
	if ((flags & TARGET_FLAG_NOWAIT) && !beat_in_final()) {
		target_deferred(fn, mapnum, hostaddrs, sizes, kinds, depend, limit);
		return;
	}
	wait_for_depend(depend);
	size_t align;
	size_t bytes = fp_layout(mapnum, sizes, kinds, &align);
	char *heap = NULL, *area = NULL;
	if (bytes > 0) {
		if (bytes + align <= STACK_COPY_MAX)
			area = alloca(bytes + align);
		else
			area = heap = malloc(bytes + align);
		if (area == NULL)
			beat_fatal("out of memory copying firstprivate data");
		fp_copy(align_up(area, align), mapnum, hostaddrs, sizes, kinds);
	}
	run_on_host(fn, hostaddrs, limit);
	free(heap);
}

/* ------------------------------------------------------ data constructs */

BEAT_EXPORT void GOMP_target_data(int device, const void *unused, size_t mapnum,
				  void **hostaddrs, size_t *sizes, unsigned char *kinds)
{
	device_is_host(device);
}

BEAT_EXPORT void GOMP_target_data_ext(int device, size_t mapnum, void **hostaddrs,
				      size_t *sizes, unsigned short *kinds)
{
	device_is_host(device);
}

BEAT_EXPORT void GOMP_target_end_data(void)
{
}

BEAT_EXPORT void GOMP_target_update(int device, const void *unused, size_t mapnum,
				    void **hostaddrs, size_t *sizes, unsigned char *kinds)
{
	device_is_host(device);
}

static void no_op(void *data)
{
}

/* update / enter data / exit data move nothing on the host; with depend
 * and nowait they still take part in the dependence graph as empty tasks,
 * without nowait the encountering task waits for the predecessors. */
static void data_construct_depend(unsigned flags, void **depend)
{
	if (depend == NULL)
		return;
	if ((flags & TARGET_FLAG_NOWAIT) && !beat_in_final())
		GOMP_task(no_op, NULL, NULL, 0, 1, true, TASK_FLAG_DEPEND, depend, 0, NULL);
	else
		wait_for_depend(depend);
}

BEAT_EXPORT void GOMP_target_update_ext(int device, size_t mapnum, void **hostaddrs,
					size_t *sizes, unsigned short *kinds,
					unsigned flags, void **depend)
{
	device_is_host(device);
	data_construct_depend(flags, depend);
}

BEAT_EXPORT void GOMP_target_enter_exit_data(int device, size_t mapnum, void **hostaddrs,
					     size_t *sizes, unsigned short *kinds,
					     unsigned flags, void **depend)
{
	device_is_host(device);
	data_construct_depend(flags, depend);
}

/* -------------------------------------------------- offload images */

BEAT_EXPORT void GOMP_offload_register_ver(unsigned version, const void *host_table,
					   int target_type, const void *target_data)
{
}

BEAT_EXPORT void GOMP_offload_register(const void *host_table, int target_type,
				       const void *target_data)
{
}

BEAT_EXPORT void GOMP_offload_unregister_ver(unsigned version, const void *host_table,
					     int target_type, const void *target_data)
{
}

BEAT_EXPORT void GOMP_offload_unregister(const void *host_table, int target_type,
					 const void *target_data)
{
}

/* ----------------------------------------------- device memory routines */

/* A device number that names neither the host nor a device beat has:
 * the routines fail (EINVAL, NULL, 0), or abort under mandatory offload. */
static bool device_is_valid_host(int device)
{
	if (device == BEAT_HOST_DEVICE)
		return true;
	if (device >= 0)
		device_is_host(device);
	return false;
}

BEAT_EXPORT void *omp_target_alloc(size_t size, int device)
{
	if (!device_is_valid_host(device))
		return NULL;
	return malloc(size);
}

BEAT_EXPORT void omp_target_free(void *ptr, int device)
{
	if (ptr == NULL || !device_is_valid_host(device))
		return;
	free(ptr);
}

BEAT_EXPORT int omp_target_is_present(const void *ptr, int device)
{
	if (ptr == NULL)
		return 1;
	return device_is_valid_host(device);
}

BEAT_EXPORT int omp_target_memcpy(void *dst, const void *src, size_t length,
				  size_t dst_offset, size_t src_offset,
				  int dst_device, int src_device)
{
	if (!device_is_valid_host(dst_device) || !device_is_valid_host(src_device))
		return EINVAL;
	memcpy((char *)dst + dst_offset, (const char *)src + src_offset, length);
	return 0;
}

/* Copies one num_dims-dimensional box; offsets and volume in elements. */
static int copy_rect(char *dst, const char *src, size_t elem, int num_dims,
		     const size_t *volume, const size_t *dst_offsets,
		     const size_t *src_offsets, const size_t *dst_dims,
		     const size_t *src_dims)
{
	size_t dst_row = elem, src_row = elem, doff, soff, len;
	if (num_dims == 1) {
		if (__builtin_mul_overflow(elem, volume[0], &len) ||
		    __builtin_mul_overflow(elem, dst_offsets[0], &doff) ||
		    __builtin_mul_overflow(elem, src_offsets[0], &soff))
			return EINVAL;
		memcpy(dst + doff, src + soff, len);
		return 0;
	}
	for (int i = 1; i < num_dims; i++)
		if (__builtin_mul_overflow(dst_row, dst_dims[i], &dst_row) ||
		    __builtin_mul_overflow(src_row, src_dims[i], &src_row))
			return EINVAL;
	if (__builtin_mul_overflow(dst_row, dst_offsets[0], &doff) ||
	    __builtin_mul_overflow(src_row, src_offsets[0], &soff))
		return EINVAL;
	for (size_t j = 0; j < volume[0]; j++) {
		int err = copy_rect(dst + doff, src + soff, elem, num_dims - 1, volume + 1,
				    dst_offsets + 1, src_offsets + 1, dst_dims + 1,
				    src_dims + 1);
		if (err)
			return err;
		doff += dst_row;
		soff += src_row;
	}
	return 0;
}

BEAT_EXPORT int omp_target_memcpy_rect(void *dst, const void *src, size_t element_size,
				       int num_dims, const size_t *volume,
				       const size_t *dst_offsets, const size_t *src_offsets,
				       const size_t *dst_dimensions,
				       const size_t *src_dimensions, int dst_device,
				       int src_device)
{
	if (dst == NULL && src == NULL)
		return INT_MAX; /* the query form: any number of dimensions */
	if (!device_is_valid_host(dst_device) || !device_is_valid_host(src_device))
		return EINVAL;
	if (num_dims < 1)
		return EINVAL;
	return copy_rect(dst, src, element_size, num_dims, volume, dst_offsets,
			 src_offsets, dst_dimensions, src_dimensions);
}

/* The host's memory is never associated with device memory. */
BEAT_EXPORT int omp_target_associate_ptr(const void *host_ptr, const void *device_ptr,
					 size_t size, size_t device_offset, int device)
{
	device_is_valid_host(device);
	return EINVAL;
}

BEAT_EXPORT int omp_target_disassociate_ptr(const void *ptr, int device)
{
	device_is_valid_host(device);
	return EINVAL;
}
