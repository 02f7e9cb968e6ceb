/* interpose_env.c: getenv and secure_getenv for the whole process, so that the
 * system libgomp (still loaded, because the program links it) reads an empty
 * environment, and beat's own secure lookup of its variables.
 *
 * libgomp's constructor runs before beat's and parses every OMP_* and GOMP_*
 * variable itself: a bad value would print libgomp's warning and then beat's,
 * OMP_DISPLAY_ENV two blocks, and OMP_PLACES would bind the initial thread
 * behind beat's back. Calls whose return address lies inside libgomp get
 * NULL; every other caller gets the real value. The caller's object is found
 * with _dl_find_object (no lock, no allocation), so the lookup is safe in a
 * constructor run before beat's own. Nothing here needs initialisation. */
#define _GNU_SOURCE
#include "rt.h"

#include <dlfcn.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>

extern char **environ;

static _Atomic(const void *) libgomp_map;    /* libgomp's link_map once seen */
static _Atomic(const void *) other_map;      /* the last map that was not it */

static bool is_libgomp_name(const char *path)
{
	if (path == NULL)
		return false;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return strncmp(base, "libgomp.so", 10) == 0;
}

/* True when code at pc belongs to GNU libgomp. */
static bool from_libgomp(const void *pc)
{
	struct dl_find_object fo;
	if (_dl_find_object((void *)pc, &fo) != 0)
		return false;
	const void *map = fo.dlfo_link_map;
	if (map == atomic_load_explicit(&libgomp_map, memory_order_relaxed))
		return true;
	if (map == atomic_load_explicit(&other_map, memory_order_relaxed))
		return false;
	if (is_libgomp_name(fo.dlfo_link_map->l_name)) {
		atomic_store_explicit(&libgomp_map, map, memory_order_relaxed);
		return true;
	}
	atomic_store_explicit(&other_map, map, memory_order_relaxed);
	return false;
}

/* The value of name in the process environment, as glibc's getenv finds it. */
static char *lookup(const char *name)
{
	if (name == NULL || environ == NULL)
		return NULL;
	size_t len = strlen(name);
	if (len == 0 || strchr(name, '=') != NULL)
		return NULL;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

static char *lookup_secure(const char *name)
{
	return getauxval(AT_SECURE) ? NULL : lookup(name);
}

/* Every variable beat reads goes through here: empty values count as unset
 * and set-user-ID or otherwise secure processes read none (as libgomp's
 * secure_getenv does). */
const char *beat_getenv(const char *name)
{
	const char *v = lookup_secure(name);
	return (v && *v) ? v : NULL;
}

bool beat_getenv_is_empty(const char *name)
{
	const char *v = lookup_secure(name);
	return v && !*v;
}

BEAT_EXPORT char *getenv(const char *name)
{
	if (from_libgomp(__builtin_return_address(0)))
		return NULL;
	return lookup(name);
}

BEAT_EXPORT char *secure_getenv(const char *name)
{
	if (from_libgomp(__builtin_return_address(0)))
		return NULL;
	return lookup_secure(name);
}
