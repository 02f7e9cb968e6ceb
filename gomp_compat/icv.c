/* icv.c: the host omp_* API over internal control variables, team and level
 * queries, places, devices, timers and the affinity format.
 *
 * Data-environment ICVs live in the current task (beat_self()->task->icv);
 * global ones in beat_cfg. Level information comes from the calling
 * thread's seat (beat_self()->m): its team's level, active level, size,
 * and the parent_member chain for ancestors. The affinity-format-var is
 * kept by shim/affinity_var.c (any length). */
#include "rt.h"
#include "hostapi.h"
#include "worksharing.h"

#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ helpers */

static struct beat_team *team_of_self(void)
{
	return beat_self()->m->team;
}

/* The seat, in the caller's chain of enclosing teams, whose team is at
 * nesting level `level`; NULL when there is none. */
static struct beat_member *member_at_level(int level)
{
	struct beat_member *m = beat_self()->m;
	if (level < 0 || m == NULL || level > (int)m->team->level)
		return NULL;
	while (m != NULL && (int)m->team->level > level)
		m = m->team->parent_member;
	return m;
}

static int place_of_self(void)
{
	struct beat_thread *t = beat_self();
	if (t->m != NULL && t->m->place >= 0)
		return t->m->place;
	return t->bound_place;
}

/* ------------------------------------------------- threads and levels */

BEAT_EXPORT void omp_set_num_threads(int n)
{
	beat_icv_self()->nthreads = n > 0 ? n : 1;
}

BEAT_EXPORT int omp_get_num_threads(void)
{
	return (int)team_of_self()->nthreads;
}

BEAT_EXPORT int omp_get_max_threads(void)
{
	return beat_icv_self()->nthreads;
}

BEAT_EXPORT int omp_get_thread_num(void)
{
	return (int)beat_self()->m->id;
}

BEAT_EXPORT int omp_get_num_procs(void)
{
	beat_config_init();
	return beat_num_cpus;
}

BEAT_EXPORT int omp_in_parallel(void)
{
	return team_of_self()->active_level > 0;
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
	return (int)team_of_self()->level;
}

BEAT_EXPORT int omp_get_active_level(void)
{
	return (int)team_of_self()->active_level;
}

BEAT_EXPORT int omp_get_ancestor_thread_num(int level)
{
	struct beat_member *m = member_at_level(level);
	return m != NULL ? (int)m->id : -1;
}

BEAT_EXPORT int omp_get_team_size(int level)
{
	struct beat_member *m = member_at_level(level);
	return m != NULL ? (int)m->team->nthreads : -1;
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
	return max > 1 && max > (int)team_of_self()->active_level;
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
	return beat_cfg.cancellation != 0;
}

BEAT_EXPORT int omp_get_max_task_priority(void)
{
	beat_config_init();
	return beat_cfg.max_task_priority;
}

/* nteams-var and teams-thread-limit-var are global (per device): their
 * home is beat_cfg, so OMP_DISPLAY_ENV shows the current values. */
BEAT_EXPORT void omp_set_num_teams(int n)
{
	beat_config_init();
	if (n >= 0)
		beat_cfg.max_teams = n;
}

BEAT_EXPORT int omp_get_max_teams(void)
{
	beat_config_init();
	return beat_cfg.max_teams;
}

BEAT_EXPORT void omp_set_teams_thread_limit(int n)
{
	beat_config_init();
	if (n >= 0)
		beat_cfg.teams_thread_limit = n;
}

BEAT_EXPORT int omp_get_teams_thread_limit(void)
{
	beat_config_init();
	return beat_cfg.teams_thread_limit;
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
	return beat_place_of_seat(beat_self()->m);
}

/* The place-partition-var of the calling thread: first place and length. */
static void partition_of_self(int *first, int *len)
{
	beat_partition_of_seat(beat_self()->m, first, len);
}

BEAT_EXPORT int omp_get_partition_num_places(void)
{
	beat_config_init();
	if (beat_num_places == 0)
		return 0;
	int first, len;
	partition_of_self(&first, &len);
	return len;
}

BEAT_EXPORT void omp_get_partition_place_nums(int *nums)
{
	beat_config_init();
	if (beat_num_places == 0)
		return;
	int first, len;
	partition_of_self(&first, &len);
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

/* ------------------------------------------------- affinity expansion */

/* A bounded output buffer that still counts what did not fit. */
struct outbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void out_bytes(struct outbuf *o, const char *s, size_t n)
{
	if (o->len < o->size) {
		size_t room = o->size - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void out_fill(struct outbuf *o, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out_bytes(o, &c, 1);
}

/* A malformed affinity format is fatal (as in libgomp); what the program
 * printed so far is flushed first. The message names the offending text. */
__attribute__((noreturn)) static void bad_format(const char *problem, const char *text,
						 int len)
{
	fflush(stdout);
	beat_fatal("%s '%.*s' in affinity format", problem, len, text);
}

/* One field specifier: %[0[.]][size]type. */
struct field {
	bool zero;   /* pad numbers with leading zeros */
	bool right;  /* right-justify */
	size_t size; /* minimum width, 0: none */
};

static void out_padded_text(struct outbuf *o, const struct field *f,
			    const char *s, size_t n)
{
	size_t pad = f->size > n ? f->size - n : 0;
	if (f->right)
		out_fill(o, ' ', pad);
	out_bytes(o, s, n);
	if (!f->right)
		out_fill(o, ' ', pad);
}

/* Numbers: zero padding goes after a sign or a 0x prefix. */
static void out_number_text(struct outbuf *o, const struct field *f, const char *s)
{
	size_t n = strlen(s);
	if (!f->zero || f->size <= n) {
		out_padded_text(o, f, s, n);
		return;
	}
	size_t prefix = 0;
	if (s[0] == '-')
		prefix = 1;
	else if (s[0] == '0' && s[1] == 'x')
		prefix = 2;
	out_bytes(o, s, prefix);
	out_fill(o, '0', f->size - n);
	out_bytes(o, s + prefix, n - prefix);
}

static void out_int(struct outbuf *o, const struct field *f, long v)
{
	char text[32];
	snprintf(text, sizeof text, "%ld", v);
	out_number_text(o, f, text);
}

static void out_hostname(struct outbuf *o, const struct field *f)
{
	char name[256];
	if (gethostname(name, sizeof name) != 0)
		snprintf(name, sizeof name, "node");
	name[sizeof name - 1] = '\0';
	out_padded_text(o, f, name, strlen(name));
}

/* Appends "a-b" or "a" for one run of consecutive CPUs. */
static void out_cpu_run(struct outbuf *o, int first, int last, bool comma)
{
	char text[32];
	if (first == last)
		snprintf(text, sizeof text, "%s%d", comma ? "," : "", first);
	else
		snprintf(text, sizeof text, "%s%d-%d", comma ? "," : "", first, last);
	out_bytes(o, text, strlen(text));
}

/* The CPUs the calling thread may run on: its place, else its mask. */
static void out_cpu_set(struct outbuf *o, const cpu_set_t *set)
{
	int first = -1, prev = -1;
	bool any = false;
	for (int c = 0; c <= CPU_SETSIZE; c++) {
		bool in = c < CPU_SETSIZE && CPU_ISSET(c, set);
		if (in && first < 0)
			first = c;
		if (!in && first >= 0) {
			out_cpu_run(o, first, prev, any);
			any = true;
			first = -1;
		}
		prev = c;
	}
}

static void out_affinity_cpus(struct outbuf *o)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	int p = beat_num_places > 0 ? place_of_self() : -1;
	if (p >= 0 && p < beat_num_places) {
		for (int i = 0; i < beat_places[p].ncpus; i++)
			CPU_SET(beat_places[p].cpus[i], &set);
	} else if (sched_getaffinity(0, sizeof set, &set) != 0) {
		for (int c = 0; c < beat_num_cpus && c < CPU_SETSIZE; c++)
			CPU_SET(c, &set);
	}
	out_cpu_set(o, &set);
}

static void out_affinity(struct outbuf *o, const struct field *f)
{
	struct outbuf probe = {NULL, 0, 0};
	out_affinity_cpus(&probe);
	size_t pad = f->size > probe.len ? f->size - probe.len : 0;
	if (f->right)
		out_fill(o, ' ', pad);
	out_affinity_cpus(o);
	if (!f->right)
		out_fill(o, ' ', pad);
}

static const struct {
	const char *name;
	char letter;
} long_names[] = {
	{"team_num", 't'},      {"num_teams", 'T'},        {"nesting_level", 'L'},
	{"thread_num", 'n'},    {"num_threads", 'N'},      {"ancestor_tnum", 'a'},
	{"host", 'H'},          {"process_id", 'P'},       {"native_thread_id", 'i'},
	{"thread_affinity", 'A'},
};

/* Reads "{name}" at p (p points at '{'); returns the letter and moves *end
 * past the '}'. */
static char long_name_letter(const char *p, const char **end)
{
	const char *close = strchr(p + 1, '}');
	if (close == NULL)
		bad_format("unterminated long type name", p + 1, (int)strlen(p + 1));
	size_t n = (size_t)(close - (p + 1));
	for (size_t i = 0; i < sizeof long_names / sizeof long_names[0]; i++)
		if (strlen(long_names[i].name) == n && strncmp(p + 1, long_names[i].name, n) == 0) {
			*end = close + 1;
			return long_names[i].letter;
		}
	bad_format("unsupported long type name", p + 1, (int)n);
}

/* Parses the modifiers after '%'; returns the type letter, *end past it. */
static char parse_field(const char *p, struct field *f, const char **end)
{
	f->zero = f->right = false;
	f->size = 0;
	if (*p == '0') {
		f->zero = true;
		p++;
		if (*p != '.')
			bad_format("leading zero not followed by dot in", p - 1, 2);
	}
	if (*p == '.') {
		f->right = true;
		p++;
	}
	if (*p >= '1' && *p <= '9') {
		char *stop;
		f->size = strtoul(p, &stop, 10);
		p = stop;
	} else if (f->zero || f->right) {
		bad_format("leading zero or right justification without a size in", p, 1);
	}
	if (*p == '{')
		return long_name_letter(p, end);
	*end = p + 1;
	return *p;
}

static void out_field(struct outbuf *o, char type, const struct field *f)
{
	struct beat_member *m = beat_self()->m;
	int num_teams, team_num;
	char text[64];
	switch (type) {
	case 't':
	case 'T':
		beat_teams_query(&num_teams, &team_num);
		out_int(o, f, type == 't' ? team_num : num_teams);
		break;
	case 'L':
		out_int(o, f, m->team->level);
		break;
	case 'n':
		out_int(o, f, m->id);
		break;
	case 'N':
		out_int(o, f, m->team->nthreads);
		break;
	case 'a':
		out_int(o, f, m->team->parent_member ? (long)m->team->parent_member->id : -1);
		break;
	case 'H':
		out_hostname(o, f);
		break;
	case 'P':
		out_int(o, f, (long)getpid());
		break;
	case 'i':
		snprintf(text, sizeof text, "0x%lx", (unsigned long)pthread_self());
		out_number_text(o, f, text);
		break;
	case 'A':
		out_affinity(o, f);
		break;
	default:
		bad_format("unsupported type", &type, 1);
	}
}

static void expand(struct outbuf *o, const char *format)
{
	const char *p = format;
	while (*p != '\0') {
		const char *pct = strchr(p, '%');
		if (pct == NULL) {
			out_bytes(o, p, strlen(p));
			return;
		}
		out_bytes(o, p, (size_t)(pct - p));
		if (pct[1] == '%') {
			out_bytes(o, "%", 1);
			p = pct + 2;
			continue;
		}
		if (pct[1] == '\0')
			bad_format("lone % at the end of", pct, 1);
		struct field f;
		char type = parse_field(pct + 1, &f, &p);
		out_field(o, type, &f);
	}
}

size_t beat_affinity_expand(char *buf, size_t size, const char *format)
{
	beat_config_init();
	struct outbuf o = {buf, size, 0};
	if (format != NULL && format[0] != '\0') {
		expand(&o, format);
		return o.len;
	}
	char *fmt = beat_affinity_format_dup();
	expand(&o, fmt);
	free(fmt);
	return o.len;
}

void beat_affinity_display(const char *format)
{
	char small[512];
	size_t len = beat_affinity_expand(small, sizeof small - 1, format);
	char *line = small;
	if (len >= sizeof small) {
		line = malloc(len + 1);
		if (line == NULL)
			beat_fatal("out of memory displaying affinity");
		beat_affinity_expand(line, len, format);
	}
	line[len] = '\n';
	fwrite(line, 1, len + 1, stderr);
	if (line != small)
		free(line);
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
