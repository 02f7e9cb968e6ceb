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
#include <limits.h>
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
 * beat can look: interpose_affinity.c keeps the mask from before that
 * binding. Otherwise the thread's mask is the one the process started with
 * (taskset, cgroup cpusets). */
void beat_topology_init(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	num_allowed = 0;
	if (beat_start_affinity(&set)) {
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				allowed_cpus[num_allowed++] = c;
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

static int places_cap;

/* Appends a place of the allowed CPUs among cpus (none: no place). */
static void add_place(const int *cpus, int n)
{
	int kept[CPU_SETSIZE];
	int k = 0;
	for (int i = 0; i < n && k < CPU_SETSIZE; i++)
		if (cpu_allowed(cpus[i]))
			kept[k++] = cpus[i];
	if (k == 0)
		return;
	if (beat_num_places == places_cap) {
		int cap = places_cap ? places_cap * 2 : 16;
		struct beat_place *l = realloc(beat_places, (size_t)cap * sizeof *l);
		if (l == NULL)
			beat_fatal("out of memory for the place list");
		beat_places = l;
		places_cap = cap;
	}
	struct beat_place *p = &beat_places[beat_num_places];
	p->cpus = malloc((size_t)k * sizeof(int));
	if (p->cpus == NULL)
		beat_fatal("out of memory for the place list");
	p->ncpus = k;
	memcpy(p->cpus, kept, (size_t)k * sizeof(int));
	beat_num_places++;
}

static void clear_places(void)
{
	for (int i = 0; i < beat_num_places; i++)
		free(beat_places[i].cpus);
	free(beat_places);
	beat_places = NULL;
	beat_num_places = 0;
	places_cap = 0;
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

/* A positive count in abstract_name(count); false on overflow. */
static bool parse_count(const char **s, long *out)
{
	const char *p = *s;
	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	long v = 0;
	while (isdigit((unsigned char)*p)) {
		if (v > (LONG_MAX - 9) / 10)
			return false;
		v = v * 10 + (*p++ - '0');
	}
	while (isspace((unsigned char)*p))
		p++;
	*out = v;
	*s = p;
	return true;
}

static bool binding_refused(void);

/* The places of an explicit list that hold a CPU this process may use
 * (with libgomp's notice when some have none). */
static bool explicit_places(const char *text, const char **why)
{
	/* CPU numbers up to the next multiple of 64 above the highest usable
	 * CPU are accepted (libgomp's cpuset size), larger ones refused. */
	int top = 0;
	for (int i = 0; i < num_allowed; i++)
		if (allowed_cpus[i] > top)
			top = allowed_cpus[i];
	struct beat_cpubits *sets;
	long n = beat_places_parse(text, (top / 64 + 1) * 64L, &sets, why);
	if (n < 0)
		return false;
	for (long i = 0; i < n; i++) {
		int cpus[BEAT_CPUBITS];
		int k = 0;
		for (int c = 0; c < BEAT_CPUBITS; c++)
			if ((sets[i].w[c / 64] >> (c % 64)) & 1)
				cpus[k++] = c;
		add_place(cpus, k);
	}
	free(sets);
	if (beat_num_places == 0)
		*why = "none of its places has a CPU this process may use";
	else if (beat_num_places < n && !binding_refused())
		beat_warn("number of places reduced from %ld to %d because some places have no CPU this process may use",
			  n, beat_num_places);
	return beat_num_places > 0;
}

/* threads|cores|ll_caches|numa_domains|sockets, optionally (count). */
static bool abstract_places_text(const char *w, size_t n, const char **why)
{
	bool known;
	hwloc_obj_type_t type = abstract_type(w, n, &known);
	const char *rest = w + n;
	long limit = 0;
	while (isspace((unsigned char)*rest))
		rest++;
	if (!known) {
		*why = "expected threads, cores, ll_caches, numa_domains, sockets or a list of {cpus}";
		return false;
	}
	if (*rest == '(') {
		rest++;
		if (!parse_count(&rest, &limit) || limit <= 0 || *rest != ')') {
			*why = "the count in parentheses must be a positive integer";
			return false;
		}
		rest++;
	}
	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest != '\0') {
		*why = "unexpected text after the place name";
		return false;
	}
	if (!abstract_places(type, limit)) {
		*why = "the topology has no such places";
		return false;
	}
	return true;
}

/* OMP_PROC_BIND set (validly) with false first: libgomp checks OMP_PLACES
 * but makes no places. */
static bool binding_refused(void)
{
	return beat_cfg.bind_list_len > 0 && beat_cfg.initial.bind == BEAT_BIND_FALSE;
}

bool beat_topology_places_init(void)
{
	const char *text = beat_cfg.places_text;
	if (text == NULL)
		return false;
	const char *w = text;
	while (isspace((unsigned char)*w))
		w++;
	size_t n = 0;
	while (isalpha((unsigned char)w[n]) || w[n] == '_')
		n++;
	const char *why = NULL;
	bool ok;
	if (n > 0)
		ok = abstract_places_text(w, n, &why);
	else
		ok = explicit_places(text, &why);
	if (!ok || binding_refused())
		clear_places();
	if (!ok) {
		size_t len = strlen(text);
		beat_warn("OMP_PLACES='%.200s%s' is not valid (%s); using the default (no places; one per CPU when binding)",
			  text, len > 200 ? "..." : "", why);
	}
	return beat_num_places > 0;
}

void beat_topology_default_places(void)
{
	if (beat_num_places == 0 && beat_cfg.initial.bind != BEAT_BIND_FALSE)
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

int beat_allowed_cpus(const int **cpus)
{
	*cpus = allowed_cpus;
	return num_allowed;
}
