/* allocator.c: OpenMP memory allocators (omp_alloc and friends, user
 * allocators from omp_init_allocator, the default allocator, and GCC's
 * GOMP_alloc / GOMP_free for the allocate directive and clause).
 *
 * Every block is one malloc'ed region: a header just below the returned
 * pointer records the region's start, the bytes charged for it and the
 * allocator that made it, so omp_free and omp_realloc need no allocator
 * argument. Predefined allocators are plain malloc with the requested
 * alignment (the host has one kind of memory). A user allocator adds an
 * alignment floor, a pool size (bytes charged atomically against a limit)
 * and a fallback (default memory, NULL, abort, or another allocator).
 * Handles above omp_thread_mem_alloc are pointers to user allocators.
 * The default allocator is per thread (OMP_ALLOCATOR until set). */
#include "abi.h"
#include "hostapi.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define LAST_PREDEFINED ((uintptr_t)omp_thread_mem_alloc)
#define MAX_FALLBACK_HOPS 64

struct user_allocator {
	omp_memspace_handle_t memspace;
	uintptr_t alignment;
	uintptr_t pool_size;      /* UINTPTR_MAX: unlimited */
	atomic_uintptr_t used;    /* bytes charged to the pool */
	uintptr_t fb_data;        /* allocator for omp_atv_allocator_fb */
	int sync_hint;
	int access;
	int fallback;
	int partition;
};

struct block_header {
	void *base;          /* what malloc returned */
	size_t charged;      /* bytes of the malloc'ed region */
	uintptr_t allocator; /* handle that made the block */
	void *pad;           /* keeps the header 32 bytes */
};

static struct block_header *header_of(void *ptr)
{
	return (struct block_header *)ptr - 1;
}

static struct user_allocator *user_of(uintptr_t handle)
{
	return handle > LAST_PREDEFINED ? (struct user_allocator *)handle : NULL;
}

static bool pool_limited(const struct user_allocator *u)
{
	return u != NULL && u->pool_size != UINTPTR_MAX;
}

/* --------------------------------------------------- default allocator */

/* OMP_ALLOCATOR is read by shim/config.c, numbered as omp.h numbers the
 * predefined allocators. */
_Static_assert(omp_default_mem_alloc == 1 && omp_large_cap_mem_alloc == 2 && omp_const_mem_alloc == 3 &&
		       omp_high_bw_mem_alloc == 4 && omp_low_lat_mem_alloc == 5 && omp_cgroup_mem_alloc == 6 &&
		       omp_pteam_mem_alloc == 7 && omp_thread_mem_alloc == 8,
	       "beat_setting(BEAT_SETTING_ALLOCATOR) numbers the predefined allocators as omp.h does");

/* def-allocator-var is a data-environment ICV: it lives in the task and
 * new teams and tasks inherit it. */
static uintptr_t default_allocator(void)
{
	uintptr_t mine = beat_icv_self()->def_allocator;
	if (mine != 0)
		return mine;
	beat_config_init();
	return (uintptr_t)beat_setting(BEAT_SETTING_ALLOCATOR);
}

BEAT_EXPORT void omp_set_default_allocator(omp_allocator_handle_t a)
{
	beat_icv_self()->def_allocator =
		a == omp_null_allocator ? (uintptr_t)omp_default_mem_alloc : (uintptr_t)a;
}

BEAT_EXPORT omp_allocator_handle_t omp_get_default_allocator(void)
{
	return (omp_allocator_handle_t)default_allocator();
}

/* ------------------------------------------------------ user allocators */

/* Applies one trait to u; false when the key or value is not valid. */
static bool apply_trait(struct user_allocator *u, omp_alloctrait_key_t key, uintptr_t v)
{
	bool dflt = v == (uintptr_t)omp_atv_default;
	switch (key) {
	case omp_atk_sync_hint:
		if (dflt)
			v = omp_atv_contended;
		if (v != omp_atv_contended && v != omp_atv_uncontended &&
		    v != omp_atv_serialized && v != omp_atv_private)
			return false;
		u->sync_hint = (int)v;
		return true;
	case omp_atk_alignment:
		if (dflt)
			v = 1;
		if (v == 0 || (v & (v - 1)) != 0)
			return false;
		u->alignment = v;
		return true;
	case omp_atk_access:
		if (dflt)
			v = omp_atv_all;
		if (v != omp_atv_all && v != omp_atv_cgroup && v != omp_atv_pteam &&
		    v != omp_atv_thread)
			return false;
		u->access = (int)v;
		return true;
	case omp_atk_pool_size:
		u->pool_size = dflt ? UINTPTR_MAX : v;
		return true;
	case omp_atk_fallback:
		if (dflt)
			v = omp_atv_default_mem_fb;
		if (v != omp_atv_default_mem_fb && v != omp_atv_null_fb &&
		    v != omp_atv_abort_fb && v != omp_atv_allocator_fb)
			return false;
		u->fallback = (int)v;
		return true;
	case omp_atk_fb_data:
		u->fb_data = v;
		return true;
	case omp_atk_pinned:
		/* Pinned memory is not offered on the host. */
		return dflt || v == omp_atv_false;
	case omp_atk_partition:
		if (dflt)
			v = omp_atv_environment;
		if (v != omp_atv_environment && v != omp_atv_nearest &&
		    v != omp_atv_blocked && v != omp_atv_interleaved)
			return false;
		u->partition = (int)v;
		return true;
	}
	return false;
}

BEAT_EXPORT omp_allocator_handle_t omp_init_allocator(omp_memspace_handle_t memspace,
						      int ntraits,
						      const omp_alloctrait_t traits[])
{
	if ((uintptr_t)memspace > (uintptr_t)omp_low_lat_mem_space)
		return omp_null_allocator;
	/* As libgomp without memkind: no high-bandwidth memory on the host. */
	if (memspace == omp_high_bw_mem_space)
		return omp_null_allocator;
	struct user_allocator u = {
		.memspace = memspace,
		.alignment = 1,
		.pool_size = UINTPTR_MAX,
		.sync_hint = omp_atv_contended,
		.access = omp_atv_all,
		.fallback = omp_atv_default_mem_fb,
		.partition = omp_atv_environment,
	};
	for (int i = 0; i < ntraits; i++)
		if (!apply_trait(&u, traits[i].key, traits[i].value))
			return omp_null_allocator;
	if (u.alignment < sizeof(void *))
		u.alignment = sizeof(void *);
	struct user_allocator *copy = malloc(sizeof *copy);
	if (copy == NULL)
		return omp_null_allocator;
	*copy = u;
	atomic_init(&copy->used, 0);
	return (omp_allocator_handle_t)copy;
}

BEAT_EXPORT void omp_destroy_allocator(omp_allocator_handle_t a)
{
	free(user_of((uintptr_t)a));
}

/* --------------------------------------------------------- the pool */

static bool pool_charge(struct user_allocator *u, size_t bytes)
{
	uintptr_t used = atomic_load_explicit(&u->used, memory_order_relaxed);
	for (;;) {
		uintptr_t want;
		if (__builtin_add_overflow(used, bytes, &want) || want > u->pool_size)
			return false;
		if (atomic_compare_exchange_weak_explicit(&u->used, &used, want,
							  memory_order_relaxed,
							  memory_order_relaxed))
			return true;
	}
}

static void pool_release(struct user_allocator *u, size_t bytes)
{
	atomic_fetch_sub_explicit(&u->used, bytes, memory_order_relaxed);
}

/* ------------------------------------------------------- allocation */

/* Bytes of the region for `size` usable bytes at `align`, or 0 on overflow. */
static size_t region_size(size_t size, size_t align)
{
	size_t extra = sizeof(struct block_header);
	if (align > sizeof(void *))
		extra += align - sizeof(void *);
	size_t total;
	if (__builtin_add_overflow(size, extra, &total))
		return 0;
	return total;
}

/* Places the header and returns the user pointer inside region base. */
static void *finish_block(void *base, size_t charged, size_t align, uintptr_t handle)
{
	uintptr_t p = (uintptr_t)base + sizeof(struct block_header);
	if (align > sizeof(void *))
		p = (p + align - 1) & ~(uintptr_t)(align - 1);
	struct block_header *h = header_of((void *)p);
	h->base = base;
	h->charged = charged;
	h->allocator = handle;
	return (void *)p;
}

/* One attempt with one allocator: NULL when it cannot give the memory
 * (pool exhausted, malloc failed, size overflow). */
static void *try_allocate(size_t size, size_t align, uintptr_t handle, bool zero)
{
	struct user_allocator *u = user_of(handle);
	size_t region = region_size(size, align);
	if (region == 0)
		return NULL;
	if (pool_limited(u) && !pool_charge(u, region))
		return NULL;
	void *base = zero ? calloc(1, region) : malloc(region);
	if (base == NULL) {
		if (pool_limited(u))
			pool_release(u, region);
		return NULL;
	}
	return finish_block(base, region, align, handle);
}

/* The alignment a request gets from an allocator. */
static size_t effective_align(size_t requested, uintptr_t handle)
{
	struct user_allocator *u = user_of(handle);
	size_t floor = u != NULL ? u->alignment : sizeof(void *);
	return requested > floor ? requested : floor;
}

/* What to try after `handle` failed: another allocator, or 0 to give up
 * (NULL result). Aborts for omp_atv_abort_fb. Default-memory fallback is
 * worth a try only if the failure came from the pool or the extra
 * alignment, which the default allocator does not impose. */
static uintptr_t next_allocator(uintptr_t handle, size_t requested_align, size_t bytes)
{
	struct user_allocator *u = user_of(handle);
	if (u == NULL)
		return 0;
	switch (u->fallback) {
	case omp_atv_default_mem_fb:
		if (pool_limited(u) || (u->alignment > sizeof(void *) && u->alignment > requested_align))
			return (uintptr_t)omp_default_mem_alloc;
		return 0;
	case omp_atv_null_fb:
		return 0;
	case omp_atv_allocator_fb:
		return u->fb_data != 0 ? u->fb_data : (uintptr_t)omp_default_mem_alloc;
	default:
		beat_fatal("Out of memory allocating %lu bytes", (unsigned long)bytes);
	}
}

static void *allocate(size_t align, size_t size, uintptr_t handle, bool zero)
{
	if (handle == (uintptr_t)omp_null_allocator)
		handle = default_allocator();
	for (int hop = 0; hop < MAX_FALLBACK_HOPS && handle != 0; hop++) {
		void *p = try_allocate(size, effective_align(align, handle), handle, zero);
		if (p != NULL)
			return p;
		handle = next_allocator(handle, align, size);
	}
	return NULL;
}

BEAT_EXPORT void *omp_aligned_alloc(size_t alignment, size_t size, omp_allocator_handle_t a)
{
	if (size == 0)
		return NULL;
	return allocate(alignment, size, (uintptr_t)a, false);
}

BEAT_EXPORT void *omp_alloc(size_t size, omp_allocator_handle_t a)
{
	return omp_aligned_alloc(1, size, a);
}

BEAT_EXPORT void *omp_aligned_calloc(size_t alignment, size_t nmemb, size_t size,
				     omp_allocator_handle_t a)
{
	size_t bytes;
	if (size == 0 || nmemb == 0)
		return NULL;
	/* An impossible size fails like any other request: the fallback
	 * decides between NULL and abort. */
	if (__builtin_mul_overflow(nmemb, size, &bytes))
		bytes = SIZE_MAX;
	return allocate(alignment, bytes, (uintptr_t)a, true);
}

BEAT_EXPORT void *omp_calloc(size_t nmemb, size_t size, omp_allocator_handle_t a)
{
	return omp_aligned_calloc(1, nmemb, size, a);
}

BEAT_EXPORT void omp_free(void *ptr, omp_allocator_handle_t a)
{
	if (ptr == NULL)
		return;
	struct block_header *h = header_of(ptr);
	struct user_allocator *u = user_of(h->allocator);
	if (pool_limited(u))
		pool_release(u, h->charged);
	free(h->base);
}

/* ---------------------------------------------------------- realloc */

/* Grows or shrinks the region in place with realloc(), possible when
 * neither the old nor the new block needs extra alignment; for a pool the
 * old block must be charged to the same pool, which then pays only the
 * difference. NULL when it did not (the old block is untouched). */
static void *resize_in_place(void *ptr, size_t size, uintptr_t handle)
{
	struct block_header *h = header_of(ptr);
	struct user_allocator *u = user_of(handle), *old_u = user_of(h->allocator);
	if (effective_align(1, handle) != sizeof(void *) ||
	    (char *)ptr - (char *)h->base != sizeof(struct block_header))
		return NULL;
	if ((pool_limited(u) || pool_limited(old_u)) && old_u != u)
		return NULL;
	size_t region = region_size(size, sizeof(void *));
	if (region == 0)
		return NULL;
	size_t old_region = h->charged;
	if (pool_limited(u) && region > old_region && !pool_charge(u, region - old_region))
		return NULL;
	void *base = realloc(h->base, region);
	if (base == NULL) {
		if (pool_limited(u) && region > old_region)
			pool_release(u, region - old_region);
		return NULL;
	}
	if (pool_limited(u) && region < old_region)
		pool_release(u, old_region - region);
	return finish_block(base, region, sizeof(void *), handle);
}

/* Moves the block into a fresh one from `handle`; NULL when that failed. */
static void *resize_by_copy(void *ptr, size_t size, uintptr_t handle)
{
	void *fresh = try_allocate(size, effective_align(1, handle), handle, false);
	if (fresh == NULL)
		return NULL;
	struct block_header *h = header_of(ptr);
	size_t old_usable = h->charged - (size_t)((char *)ptr - (char *)h->base);
	memcpy(fresh, ptr, old_usable < size ? old_usable : size);
	omp_free(ptr, omp_null_allocator);
	return fresh;
}

BEAT_EXPORT void *omp_realloc(void *ptr, size_t size, omp_allocator_handle_t a,
			      omp_allocator_handle_t free_a)
{
	if (ptr == NULL)
		return omp_aligned_alloc(1, size, a);
	if (size == 0) {
		omp_free(ptr, free_a);
		return NULL;
	}
	uintptr_t handle = a == omp_null_allocator ? header_of(ptr)->allocator : (uintptr_t)a;
	for (int hop = 0; hop < MAX_FALLBACK_HOPS && handle != 0; hop++) {
		void *p = resize_in_place(ptr, size, handle);
		if (p == NULL)
			p = resize_by_copy(ptr, size, handle);
		if (p != NULL)
			return p;
		handle = next_allocator(handle, sizeof(void *), size);
	}
	return NULL;
}

/* ------------------------------------------------------------- GOMP */

/* The allocate directive and clause: running out of memory is fatal. */
BEAT_EXPORT void *GOMP_alloc(size_t alignment, size_t size, uintptr_t allocator)
{
	void *p = omp_aligned_alloc(alignment, size, (omp_allocator_handle_t)allocator);
	if (p == NULL && size != 0)
		beat_fatal("Out of memory allocating %lu bytes", (unsigned long)size);
	return p;
}

BEAT_EXPORT void GOMP_free(void *ptr, uintptr_t allocator)
{
	omp_free(ptr, (omp_allocator_handle_t)allocator);
}
