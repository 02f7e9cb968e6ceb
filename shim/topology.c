/* topology.c: the machine as beat sees it: the CPUs this process may use,
 * and the OpenMP place list built from OMP_PLACES over the hwloc topology
 * (threads, cores, ll_caches, numa_domains, sockets, or explicit CPU sets).
 *
 * hwloc is loaded only when places are needed (OMP_PLACES set or binding
 * asked for), so programs that never bind pay nothing for topology probing.
 * BEAT_TOPOLOGY=FILE.xml loads an hwloc XML description instead of the
 * machine (for tests of other shapes on one-node machines). */
#include "rt.h"

#include <ctype.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int beat_num_cpus = 1;
int beat_num_places;
struct beat_place *beat_places;

static int allowed_cpus[CPU_SETSIZE];
static int num_allowed;

static bool load_topology(hwloc_topology_t *topo);

/* With OMP_PLACES or OMP_PROC_BIND set, libgomp (which stays loaded beside
 * beat) binds the initial thread to one place in its constructor, before
 * beat can look; the CPUs the process may use then come from hwloc's allowed
 * set (cgroup and online CPUs), not from the thread's affinity mask. */
static bool allowed_from_hwloc(void)
{
	const char *vars[] = {"OMP_PLACES", "OMP_PROC_BIND", "GOMP_CPU_AFFINITY"};
	bool binding = false;
	for (int i = 0; i < 3; i++) {
		const char *v = beat_getenv(vars[i]);
		if (v && *v && strcasecmp(v, "false") != 0)
			binding = true;
	}
	if (!binding)
		return false;
	hwloc_topology_t topo;
	if (!load_topology(&topo))
		return false;
	int c;
	hwloc_bitmap_foreach_begin(c, hwloc_topology_get_allowed_cpuset(topo))
		if (c < CPU_SETSIZE && num_allowed < CPU_SETSIZE)
			allowed_cpus[num_allowed++] = c;
	hwloc_bitmap_foreach_end();
	hwloc_topology_destroy(topo);
	return num_allowed > 0;
}

void beat_topology_init(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	num_allowed = 0;
	if (allowed_from_hwloc()) {
		/* allowed_cpus filled */
	} else if (sched_getaffinity(0, sizeof set, &set) == 0) {
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				allowed_cpus[num_allowed++] = c;
	}
	if (num_allowed == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		for (int c = 0; c < n && c < CPU_SETSIZE; c++)
			allowed_cpus[num_allowed++] = c;
	}
	beat_num_cpus = num_allowed > 0 ? num_allowed : 1;
}

static bool cpu_allowed(int c)
{
	for (int i = 0; i < num_allowed; i++)
		if (allowed_cpus[i] == c)
			return true;
	return false;
}

static void add_place(const int *cpus, int n)
{
	int kept[CPU_SETSIZE];
	int k = 0;
	for (int i = 0; i < n; i++)
		if (cpu_allowed(cpus[i]))
			kept[k++] = cpus[i];
	if (k == 0)
		return;
	beat_places = realloc(beat_places, (beat_num_places + 1) * sizeof *beat_places);
	struct beat_place *p = &beat_places[beat_num_places++];
	p->ncpus = k;
	p->cpus = malloc(k * sizeof(int));
	memcpy(p->cpus, kept, k * sizeof(int));
}

static void clear_places(void)
{
	for (int i = 0; i < beat_num_places; i++)
		free(beat_places[i].cpus);
	free(beat_places);
	beat_places = NULL;
	beat_num_places = 0;
}

static hwloc_obj_type_t abstract_type(const char *w, size_t n, bool *ok)
{
	*ok = true;
	if (n == 7 && strncasecmp(w, "threads", n) == 0)
		return HWLOC_OBJ_PU;
	if (n == 5 && strncasecmp(w, "cores", n) == 0)
		return HWLOC_OBJ_CORE;
	if (n == 9 && strncasecmp(w, "ll_caches", n) == 0)
		return HWLOC_OBJ_L3CACHE;
	if (n == 12 && strncasecmp(w, "numa_domains", n) == 0)
		return HWLOC_OBJ_NUMANODE;
	if (n == 7 && strncasecmp(w, "sockets", n) == 0)
		return HWLOC_OBJ_PACKAGE;
	*ok = false;
	return HWLOC_OBJ_PU;
}

static bool load_topology(hwloc_topology_t *topo)
{
	if (hwloc_topology_init(topo) != 0)
		return false;
	const char *xml = beat_getenv("BEAT_TOPOLOGY");
	if (xml)
		beat_topology_use_file(*topo, xml);
	if (hwloc_topology_load(*topo) != 0) {
		hwloc_topology_destroy(*topo);
		return false;
	}
	return true;
}

/* One place per hwloc object of the type, up to limit places (0: all). */
static bool abstract_places(hwloc_obj_type_t type, long limit)
{
	hwloc_topology_t topo;
	if (!load_topology(&topo))
		return false;
	int depth = hwloc_get_type_depth(topo, type);
	if (type == HWLOC_OBJ_L3CACHE && depth < 0) /* no L3: fall back to cores */
		depth = hwloc_get_type_depth(topo, HWLOC_OBJ_CORE);
	int nobj = depth < 0 && type != HWLOC_OBJ_NUMANODE ? 0 : hwloc_get_nbobjs_by_depth(topo, depth);
	for (int i = 0; i < nobj && (limit <= 0 || beat_num_places < limit); i++) {
		hwloc_obj_t o = hwloc_get_obj_by_depth(topo, depth, i);
		int cpus[CPU_SETSIZE];
		int n = 0;
		int c;
		hwloc_bitmap_foreach_begin(c, o->cpuset)
			if (n < CPU_SETSIZE && c < CPU_SETSIZE)
				cpus[n++] = c;
		hwloc_bitmap_foreach_end();
		add_place(cpus, n);
	}
	hwloc_topology_destroy(topo);
	return beat_num_places > 0;
}

static bool parse_num(const char **s, long *out)
{
	const char *p = *s;
	while (isspace((unsigned char)*p))
		p++;
	bool neg = false;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!isdigit((unsigned char)*p))
		return false;
	long v = 0;
	while (isdigit((unsigned char)*p))
		v = v * 10 + (*p++ - '0');
	while (isspace((unsigned char)*p))
		p++;
	*out = neg ? -v : v;
	*s = p;
	return true;
}

/* {res[:len[:stride]],...} possibly followed by :count[:stride]. */
static bool explicit_places(const char *text)
{
	const char *s = text;
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s != '{')
			return false;
		s++;
		int cpus[CPU_SETSIZE];
		int n = 0;
		for (;;) {
			long first, len = 1, stride = 1;
			if (!parse_num(&s, &first) || first < 0)
				return false;
			if (*s == ':') {
				s++;
				if (!parse_num(&s, &len) || len <= 0)
					return false;
				if (*s == ':') {
					s++;
					if (!parse_num(&s, &stride))
						return false;
				}
			}
			for (long i = 0; i < len && n < CPU_SETSIZE; i++) {
				long c = first + i * stride;
				if (c >= 0 && c < CPU_SETSIZE)
					cpus[n++] = (int)c;
			}
			if (*s == ',') {
				s++;
				continue;
			}
			if (*s == '}')
				break;
			return false;
		}
		s++;
		long count = 1, stride = n;
		if (*s == ':') {
			s++;
			if (!parse_num(&s, &count) || count <= 0)
				return false;
			if (*s == ':') {
				s++;
				if (!parse_num(&s, &stride))
					return false;
			}
		}
		for (long k = 0; k < count; k++) {
			int shifted[CPU_SETSIZE];
			for (int i = 0; i < n; i++)
				shifted[i] = cpus[i] + (int)(k * stride);
			add_place(shifted, n);
		}
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			return true;
		if (*s != ',')
			return false;
		s++;
	}
}

bool beat_topology_places_init(void)
{
	const char *text = beat_cfg.places_text;
	if (text[0]) {
		const char *w = text;
		while (isspace((unsigned char)*w))
			w++;
		size_t n = 0;
		while (isalpha((unsigned char)w[n]) || w[n] == '_')
			n++;
		bool ok = false;
		if (n > 0) {
			bool known;
			hwloc_obj_type_t type = abstract_type(w, n, &known);
			const char *rest = w + n;
			long limit = 0;
			if (known && *rest == '(') {
				rest++;
				if (!parse_num(&rest, &limit) || limit <= 0 || *rest != ')')
					known = false;
				else
					rest++;
			}
			while (isspace((unsigned char)*rest))
				rest++;
			ok = known && *rest == '\0' && abstract_places(type, limit);
		} else {
			ok = explicit_places(text);
		}
		if (!ok) {
			clear_places();
			beat_warn("OMP_PLACES='%s' is not valid (expected an abstract name or a list of {cpus}); using the default (no places; one per CPU when binding)", text);
		}
	}
	return beat_num_places > 0;
}

void beat_topology_default_places(void)
{
	if (beat_num_places == 0 && beat_cfg.initial.bind != 0)
		for (int i = 0; i < num_allowed; i++)
			add_place(&allowed_cpus[i], 1);
}

void beat_bind_to_place(int p)
{
	if (p < 0 || p >= beat_num_places)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	for (int i = 0; i < beat_places[p].ncpus; i++)
		CPU_SET(beat_places[p].cpus[i], &set);
	pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}
