/* config.c: the one table of every environment variable beat reads (OpenMP's
 * OMP_* host variables, GOMP_SPINCOUNT, and BEAT_*), their parsing with a
 * warning-and-default for bad values, and OMP_DISPLAY_ENV.
 *
 * Each entry has a name, a kind, the default as text, and one line of help;
 * `beat-run --help-env` prints the table (BEAT_HELP_ENV=1 makes the library
 * print it at load). A bad value prints exactly one line:
 *   beat: warning: NAME='VALUE' is not valid (WHY); using the default (DEFAULT)
 * and leaves the default in place. */
#include "rt.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct beat_config beat_cfg;

enum kind {
	K_NTHREADS, K_SCHEDULE, K_BOOL, K_LEVELS, K_LIMIT, K_BIND, K_PLACES,
	K_STACK, K_WAIT, K_SPIN, K_DISPLAY, K_PRIO, K_DEVICE, K_STRING,
	K_OFFLOAD, K_POSINT, K_IGNORED, K_UNSUPPORTED, K_STEAL, K_FLOAT, K_ONE_EURO,
};

struct env_entry {
	const char *name;
	enum kind kind;
	const char *dflt;
	const char *help;
};

static const struct env_entry table[] = {
	{"OMP_NUM_THREADS", K_NTHREADS, "number of CPUs", "threads per parallel region; a comma list gives one value per nesting level"},
	{"OMP_SCHEDULE", K_SCHEDULE, "dynamic,1", "schedule(runtime): [monotonic:|nonmonotonic:]static|dynamic|guided|auto[,chunk]"},
	{"OMP_DYNAMIC", K_BOOL, "false", "let the runtime choose fewer threads than asked"},
	{"OMP_NESTED", K_BOOL, "unset", "deprecated: true allows nested active regions (max levels 255), false allows one"},
	{"OMP_MAX_ACTIVE_LEVELS", K_LEVELS, "1", "maximum number of nested active parallel regions (at most 255)"},
	{"OMP_THREAD_LIMIT", K_LIMIT, "unlimited", "maximum number of OpenMP threads in the program"},
	{"OMP_PROC_BIND", K_BIND, "false", "thread binding: true|false|primary|master|close|spread, or a comma list per level"},
	{"OMP_PLACES", K_PLACES, "unset", "places: threads|cores|ll_caches|numa_domains|sockets[(n)] or {cpu,..},{lo:len[:stride]}"},
	{"OMP_STACKSIZE", K_STACK, "system default", "stack size of worker threads: number with optional B|K|M|G suffix (default unit K)"},
	{"GOMP_STACKSIZE", K_STACK, "system default", "libgomp's name for OMP_STACKSIZE (OMP_STACKSIZE wins)"},
	{"OMP_WAIT_POLICY", K_WAIT, "unset", "active: waiting threads poll long; passive: they sleep at once"},
	{"GOMP_SPINCOUNT", K_SPIN, "100000", "polls before a waiting thread sleeps: a number with an optional k, M, G or T suffix (x1000 each), or 'infinite'"},
	{"OMP_CANCELLATION", K_BOOL, "false", "enable the cancel construct"},
	{"OMP_MAX_TASK_PRIORITY", K_PRIO, "0", "largest priority value honoured for tasks"},
	{"OMP_DEFAULT_DEVICE", K_DEVICE, "0", "default target device (beat runs target regions on the host)"},
	{"OMP_DISPLAY_ENV", K_DISPLAY, "false", "true|verbose: print the OpenMP settings to stderr at start"},
	{"OMP_DISPLAY_AFFINITY", K_BOOL, "false", "print each thread's affinity when a team starts"},
	{"OMP_AFFINITY_FORMAT", K_STRING, "level %L thread %i affinity %A", "format of the affinity lines"},
	{"OMP_NUM_TEAMS", K_POSINT, "unset", "upper bound of teams for a teams construct"},
	{"OMP_TEAMS_THREAD_LIMIT", K_POSINT, "unset", "threads per team of a teams construct"},
	{"OMP_TARGET_OFFLOAD", K_OFFLOAD, "default", "mandatory|disabled|default (beat has no offload devices)"},
	{"OMP_ALLOCATOR", K_STRING, "omp_default_mem_alloc", "default memory allocator"},
	{"OMP_TOOL", K_IGNORED, "unset", "OMPT tools are not supported yet: ignored"},
	{"OMP_TOOL_LIBRARIES", K_IGNORED, "unset", "OMPT tools are not supported yet: ignored"},
	{"OMP_DEBUG", K_IGNORED, "unset", "OMPD is not supported yet: ignored"},
	{"GOMP_CPU_AFFINITY", K_UNSUPPORTED, "unset", "is not supported yet: ignored (OMP_PLACES and OMP_PROC_BIND give the same control)"},
	{"BEAT_DEBUG", K_BOOL, "false", "print beat's own decisions (threads, binding) to stderr"},
	{"BEAT_TOPOLOGY", K_STRING, "unset", "an hwloc XML file to use instead of the machine's topology"},
	{"BEAT_HELP_ENV", K_STRING, "unset", "print this table at start"},
	{"BEAT_FIBERS", K_BOOL, "true", "run tasks started by waiting threads on fibers, and park a task that waits (false: help on the waiting stack)"},
	{"BEAT_FIBER_STACK", K_STACK, "OMP_STACKSIZE, else ulimit -s", "stack size of each fiber (a task runs on one): number with optional B|K|M|G suffix (at least 64K)"},
	{"BEAT_FIBER_GUARD", K_STACK, "2M", "inaccessible region below each fiber stack: an overflow that lands in it prints a message (number with optional B|K|M|G suffix, at least 4K)"},
	{"BEAT_FIBER_MAX", K_POSINT, "1024", "most fibers that may exist; beyond it tasks run on the waiting thread's stack"},
	{"BEAT_PARK_MAX", K_STACK, "32M", "stack bytes that parked fibers may hold in all; beyond it a waiting task helps in place"},
	{"BEAT_STEAL", K_STEAL, "auto", "spawn policy: auto (continuation stealing for untied creators), child, or continuation"},
	{"BEAT_STATS", K_BOOL, "false", "print task, fiber, stealing and prediction counters to stderr at exit"},
	{"BEAT_CLASSIFY", K_BOOL, "true", "fingerprint tasks, learn their cost and run predicted-tiny ones inline (false: every deferred task is spawned)"},
	{"BEAT_PREDICT", K_BOOL, "true", "smooth measured costs with the One Euro filter (false: the last sample is the prediction)"},
	{"BEAT_INLINE", K_FLOAT, "256", "a task is tiny (run inline) when its predicted cost is below this many spawn costs; 0 never inlines"},
	{"BEAT_ONE_EURO", K_ONE_EURO, "0.05,0.0005,1", "One Euro filter parameters mincutoff,beta,dcutoff (the filter runs on log2 of cycles, one step per sample)"},
};

static const char *env_of(const char *name)
{
	const char *v = beat_getenv(name);
	return (v && *v) ? v : NULL;
}

static void bad_value(const char *name, const char *value, const char *why)
{
	const char *dflt = "";
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].name, name) == 0)
			dflt = table[i].dflt;
	char shown[400];
	beat_warn("%s='%s' is not valid (%s); using the default (%s)", name,
		  beat_escape(value, shown, sizeof shown), why, dflt);
}

static const char *skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* Parses a decimal number at *s, advancing it; false on no digits/overflow. */
static bool parse_long(const char **s, long *out)
{
	const char *p = skip_space(*s);
	if (!isdigit((unsigned char)*p) && *p != '-' && *p != '+')
		return false;
	char *end;
	errno = 0;
	long v = strtol(p, &end, 10);
	if (errno || end == p)
		return false;
	*out = v;
	*s = skip_space(end);
	return true;
}

static bool parse_whole_long(const char *value, long *out)
{
	const char *s = value;
	return parse_long(&s, out) && *s == '\0';
}

static int parse_boolean_text(const char *v)
{
	v = skip_space(v);
	size_t n = strlen(v);
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	if (n == 4 && strncasecmp(v, "true", 4) == 0)
		return 1;
	if (n == 5 && strncasecmp(v, "false", 5) == 0)
		return 0;
	return -1;
}

/* Appends x to a growing list (one entry per nesting level, any number of
 * levels, as libgomp allows); false when memory runs out. */
static bool list_push(int **list, int *n, int *cap, int x)
{
	if (*n == *cap) {
		if (*cap > INT_MAX / 2)
			return false;
		int grown = *cap ? *cap * 2 : 16;
		int *p = realloc(*list, (size_t)grown * sizeof **list);
		if (p == NULL)
			return false;
		*list = p;
		*cap = grown;
	}
	(*list)[(*n)++] = x;
	return true;
}

static void parse_nthreads(const char *name, const char *v)
{
	int *list = NULL;
	int n = 0, cap = 0;
	const char *s = v;
	for (;;) {
		long x;
		if (!parse_long(&s, &x) || x <= 0 || x > INT_MAX) {
			free(list);
			bad_value(name, v, "expected positive integers separated by commas");
			return;
		}
		if (!list_push(&list, &n, &cap, (int)x)) {
			free(list);
			bad_value(name, v, "out of memory");
			return;
		}
		if (*s == '\0')
			break;
		if (*s != ',') {
			free(list);
			bad_value(name, v, "expected positive integers separated by commas");
			return;
		}
		s++;
	}
	free(beat_cfg.nthreads_list);
	beat_cfg.nthreads_list = list;
	beat_cfg.nthreads_list_len = n;
	beat_cfg.initial.nthreads = list[0];
}

static void parse_schedule(const char *name, const char *v)
{
	const char *s = skip_space(v);
	unsigned monotonic = 0;
	int explicit_mono = 0;
	if (strncasecmp(s, "monotonic", 9) == 0 && skip_space(s + 9)[0] == ':') {
		monotonic = 0x80000000u;
		explicit_mono = 1;
		s = skip_space(skip_space(s + 9) + 1);
	} else if (strncasecmp(s, "nonmonotonic", 12) == 0 && skip_space(s + 12)[0] == ':') {
		explicit_mono = -1;
		s = skip_space(skip_space(s + 12) + 1);
	}
	static const struct { const char *word; unsigned kind; } kinds[] = {
		{"static", 1}, {"dynamic", 2}, {"guided", 3}, {"auto", 4},
	};
	unsigned kind = 0;
	for (size_t i = 0; i < 4; i++) {
		size_t len = strlen(kinds[i].word);
		if (strncasecmp(s, kinds[i].word, len) == 0 &&
		    !isalnum((unsigned char)s[len])) {
			kind = kinds[i].kind;
			s = skip_space(s + len);
			break;
		}
	}
	if (kind == 0) {
		bad_value(name, v, "unknown schedule kind");
		return;
	}
	long chunk = kind == 1 ? 0 : 1;
	if (*s == ',') {
		s++;
		if (!parse_long(&s, &chunk) || *s != '\0' || chunk > INT_MAX) {
			bad_value(name, v, "bad chunk size");
			return;
		}
		if (chunk <= 0)
			chunk = kind == 1 ? 0 : 1;
	} else if (*s != '\0') {
		bad_value(name, v, "unexpected text after the kind");
		return;
	}
	/* Static is monotonic unless asked otherwise (as libgomp reports it). */
	if (kind == 1 && explicit_mono == 0)
		monotonic = 0x80000000u;
	beat_cfg.initial.sched_kind = kind | monotonic;
	beat_cfg.initial.sched_chunk = (int)chunk;
}

static int bind_word(const char *s, size_t n)
{
	static const struct { const char *w; int v; } words[] = {
		{"false", 0}, {"true", 1}, {"primary", 2}, {"master", 2}, {"close", 3}, {"spread", 4},
	};
	for (size_t i = 0; i < 6; i++)
		if (strlen(words[i].w) == n && strncasecmp(words[i].w, s, n) == 0)
			return words[i].v;
	return -1;
}

static void parse_bind(const char *name, const char *v)
{
	int *list = NULL;
	int n = 0, cap = 0;
	const char *s = v;
	for (;;) {
		s = skip_space(s);
		const char *w = s;
		while (isalpha((unsigned char)*s))
			s++;
		int b = bind_word(w, s - w);
		s = skip_space(s);
		if (b < 0 || (n > 0 && b <= 1) || (n == 0 && b <= 1 && *s == ',')) {
			free(list);
			bad_value(name, v, "expected true, false, or a list of primary, master, close, spread");
			return;
		}
		if (!list_push(&list, &n, &cap, b)) {
			free(list);
			bad_value(name, v, "out of memory");
			return;
		}
		if (*s == '\0')
			break;
		if (*s != ',') {
			free(list);
			bad_value(name, v, "expected true, false, or a list of primary, master, close, spread");
			return;
		}
		s++;
	}
	free(beat_cfg.bind_list);
	beat_cfg.bind_list = list;
	beat_cfg.bind_list_len = n;
	beat_cfg.initial.bind = list[0];
}

/* The largest stack or guard size accepted: 1 TiB, far beyond any real
 * stack, and small enough that page rounding and adding a guard region can
 * never overflow. */
#define MAX_SIZE (1ull << 40)

/* Parses N[B|K|M|G] (default unit K, as libgomp) into *out; returns NULL, or
 * why the text is not a valid size. */
static const char *parse_size(const char *v, size_t *out)
{
	const char *s = skip_space(v);
	if (!isdigit((unsigned char)*s))
		return "expected a size such as 512K, 8M or 1G";
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	s = skip_space(end);
	unsigned shift = 10;
	switch (toupper((unsigned char)*s)) {
	case '\0': break;
	case 'B': shift = 0; s++; break;
	case 'K': shift = 10; s++; break;
	case 'M': shift = 20; s++; break;
	case 'G': shift = 30; s++; break;
	default: return "expected a size such as 512K, 8M or 1G";
	}
	if (*skip_space(s) != '\0')
		return "expected a size such as 512K, 8M or 1G";
	if (errno == ERANGE || x > (MAX_SIZE >> shift))
		return "larger than 1T";
	if (x == 0)
		return "a size must be above 0";
	*out = (size_t)(x << shift);
	return NULL;
}

/* GOMP_SPINCOUNT: a number with an optional k, M, G or T suffix (powers of
 * 1000, either case, as libgomp), or infinite/infinity; a product beyond
 * the largest count means infinite, as in libgomp. */
static bool parse_spincount(const char *v, unsigned long *out)
{
	const char *s = skip_space(v);
	unsigned long long x, mult = 1;
	if (strncasecmp(s, "infinite", 8) == 0 || strncasecmp(s, "infinity", 8) == 0) {
		x = ~0ull;
		s += 8;
	} else {
		if (!isdigit((unsigned char)*s))
			return false;
		char *end;
		errno = 0;
		x = strtoull(s, &end, 10);
		if (errno)
			return false;
		s = skip_space(end);
		switch (tolower((unsigned char)*s)) {
		case '\0': break;
		case 'k': mult = 1000ull; s++; break;
		case 'm': mult = 1000ull * 1000; s++; break;
		case 'g': mult = 1000ull * 1000 * 1000; s++; break;
		case 't': mult = 1000ull * 1000 * 1000 * 1000; s++; break;
		default: return false;
		}
	}
	if (*skip_space(s) != '\0')
		return false;
	x = x > ~0ull / mult ? ~0ull : x * mult;
	*out = x > ULONG_MAX ? ULONG_MAX : (unsigned long)x;
	return true;
}

static void parse_entry(const struct env_entry *e, const char *v)
{
	long x;
	int b;
	switch (e->kind) {
	case K_NTHREADS:
		parse_nthreads(e->name, v);
		break;
	case K_SCHEDULE:
		parse_schedule(e->name, v);
		break;
	case K_BOOL:
		b = parse_boolean_text(v);
		/* beat's own switches also take 1 and 0. */
		if (b < 0 && strncmp(e->name, "BEAT_", 5) == 0 && (strcmp(v, "1") == 0 || strcmp(v, "0") == 0))
			b = v[0] == '1';
		if (b < 0) {
			bad_value(e->name, v, strncmp(e->name, "BEAT_", 5) == 0 ? "expected true, false, 1 or 0"
										    : "expected true or false");
			break;
		}
		if (strcmp(e->name, "OMP_DYNAMIC") == 0)
			beat_cfg.initial.dyn = b;
		else if (strcmp(e->name, "OMP_CANCELLATION") == 0)
			beat_cfg.cancellation = b;
		else if (strcmp(e->name, "OMP_DISPLAY_AFFINITY") == 0)
			beat_cfg.display_affinity = b;
		else if (strcmp(e->name, "BEAT_DEBUG") == 0)
			beat_cfg.debug = b;
		else if (strcmp(e->name, "BEAT_FIBERS") == 0)
			beat_cfg.fibers = b;
		else if (strcmp(e->name, "BEAT_STATS") == 0)
			beat_cfg.stats = b;
		else if (strcmp(e->name, "BEAT_CLASSIFY") == 0)
			beat_cfg.classify = b;
		else if (strcmp(e->name, "BEAT_PREDICT") == 0)
			beat_cfg.predict = b;
		else if (strcmp(e->name, "OMP_NESTED") == 0 && !env_of("OMP_MAX_ACTIVE_LEVELS"))
			beat_cfg.initial.max_active_levels = b ? 255 : 1;
		break;
	case K_LEVELS:
		if (!parse_whole_long(v, &x) || x < 0) {
			bad_value(e->name, v, "expected a non-negative integer");
			break;
		}
		beat_cfg.initial.max_active_levels = x > 255 ? 255 : (int)x;
		break;
	case K_LIMIT:
		if (!parse_whole_long(v, &x) || x <= 0) {
			bad_value(e->name, v, "expected a positive integer");
			break;
		}
		beat_cfg.initial.thread_limit = x > INT_MAX ? INT_MAX : (int)x;
		break;
	case K_BIND:
		parse_bind(e->name, v);
		break;
	case K_PLACES:
		free(beat_cfg.places_text);
		beat_cfg.places_text = strdup(v);
		if (beat_cfg.places_text == NULL)
			beat_fatal("out of memory reading OMP_PLACES");
		break; /* topology.c parses it against the machine */
	case K_STACK: {
		size_t sz;
		const char *why = parse_size(v, &sz);
		if (why) {
			bad_value(e->name, v, why);
			break;
		}
		if (strcmp(e->name, "BEAT_FIBER_STACK") == 0)
			beat_cfg.fiber_stack = sz;
		else if (strcmp(e->name, "BEAT_PARK_MAX") == 0)
			beat_cfg.park_max = sz;
		else if (strcmp(e->name, "BEAT_FIBER_GUARD") == 0)
			beat_cfg.fiber_guard = sz;
		else if (strcmp(e->name, "OMP_STACKSIZE") == 0 || beat_cfg.stacksize == 0)
			beat_cfg.stacksize = sz;
		break;
	}
	case K_WAIT:
		if (strcasecmp(skip_space(v), "active") == 0) {
			beat_cfg.wait_policy = BEAT_WAIT_ACTIVE;
			if (!beat_cfg.spincount_set)
				beat_cfg.spincount = 30000000000ul;
		}
		else if (strcasecmp(skip_space(v), "passive") == 0)
			beat_cfg.wait_policy = BEAT_WAIT_PASSIVE;
		else
			bad_value(e->name, v, "expected active or passive");
		break;
	case K_SPIN:
		if (parse_spincount(v, &beat_cfg.spincount))
			beat_cfg.spincount_set = true;
		else
			bad_value(e->name, v, "expected a non-negative integer with an optional k, M, G or T suffix, or 'infinite'");
		break;
	case K_DISPLAY:
		if (strcasecmp(skip_space(v), "verbose") == 0)
			beat_cfg.display_env = 2;
		else if ((b = parse_boolean_text(v)) >= 0)
			beat_cfg.display_env = b;
		else
			bad_value(e->name, v, "expected true, false or verbose");
		break;
	case K_PRIO:
		if (!parse_whole_long(v, &x) || x < 0 || x > INT_MAX) {
			bad_value(e->name, v, "expected a non-negative integer");
			break;
		}
		beat_cfg.max_task_priority = (int)x;
		break;
	case K_DEVICE:
		if (!parse_whole_long(v, &x) || x < 0 || x > INT_MAX) {
			bad_value(e->name, v, "expected a non-negative integer");
			break;
		}
		beat_cfg.initial.default_device = (int)x;
		break;
	case K_POSINT:
		if (!parse_whole_long(v, &x) || x <= 0 || x > INT_MAX) {
			bad_value(e->name, v, "expected a positive integer");
			break;
		}
		if (strcmp(e->name, "OMP_NUM_TEAMS") == 0)
			beat_cfg.max_teams = (int)x;
		else if (strcmp(e->name, "BEAT_FIBER_MAX") == 0)
			beat_cfg.fiber_max = (int)x;
		else
			beat_cfg.teams_thread_limit = (int)x;
		break;
	case K_FLOAT: {
		char *end;
		errno = 0;
		double d = strtod(skip_space(v), &end);
		if (errno || end == skip_space(v) || *skip_space(end) != '\0' || !(d >= 0) || !(d <= 1e6)) {
			bad_value(e->name, v, "expected a number from 0 to 1000000");
			break;
		}
		beat_cfg.inline_factor = (float)d;
		break;
	}
	case K_ONE_EURO: {
		double x[3];
		const char *q = skip_space(v);
		int i;
		for (i = 0; i < 3; i++) {
			char *end;
			errno = 0;
			x[i] = strtod(q, &end);
			if (errno || end == q)
				break;
			q = skip_space(end);
			if (i < 2) {
				if (*q != ',')
					break;
				q = skip_space(q + 1);
			}
		}
		if (i < 3 || *q != '\0' || !(x[0] > 0) || !(x[1] >= 0) || !(x[2] > 0) ||
		    !isfinite(x[0]) || !isfinite(x[1]) || !isfinite(x[2])) {
			bad_value(e->name, v, "expected mincutoff,beta,dcutoff with mincutoff and dcutoff above 0 and beta at least 0");
			break;
		}
		beat_cfg.one_euro = (struct beat_one_euro_params){(float)x[0], (float)x[1], (float)x[2]};
		beat_cfg.one_euro_set = true;
		break;
	}
	case K_STEAL:
		if (strcasecmp(skip_space(v), "auto") == 0)
			beat_cfg.steal = BEAT_STEAL_AUTO;
		else if (strcasecmp(skip_space(v), "child") == 0)
			beat_cfg.steal = BEAT_STEAL_CHILD;
		else if (strcasecmp(skip_space(v), "continuation") == 0)
			beat_cfg.steal = BEAT_STEAL_CONTINUATION;
		else
			bad_value(e->name, v, "expected auto, child or continuation");
		break;
	case K_OFFLOAD:
		if (strcasecmp(v, "default") == 0)
			beat_cfg.target_offload = 0;
		else if (strcasecmp(v, "mandatory") == 0)
			beat_cfg.target_offload = 1;
		else if (strcasecmp(v, "disabled") == 0)
			beat_cfg.target_offload = 2;
		else
			bad_value(e->name, v, "expected mandatory, disabled or default");
		break;
	case K_STRING:
		if (strcmp(e->name, "OMP_AFFINITY_FORMAT") == 0)
			beat_affinity_format_store(v, strlen(v));
		break;
	case K_IGNORED:
		if (beat_cfg.debug)
			beat_warn("%s is set but %s", e->name, e->help);
		break;
	case K_UNSUPPORTED:
		/* Its effect would be missing, so say so whatever BEAT_DEBUG says. */
		beat_warn("%s %s", e->name, e->help);
		break;
	}
}

static void print_help(void)
{
	fprintf(stderr, "%-24s %-24s %s\n", "VARIABLE", "DEFAULT", "MEANING");
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		fprintf(stderr, "%-24s %-24s %s\n", table[i].name, table[i].dflt, table[i].help);
}

/* The stack a new thread gets when nobody sets one: glibc's default, which
 * follows ulimit -s (2 MiB when it is unlimited), or the program's own
 * pthread_setattr_default_np. libgomp's workers get the same. */
static size_t default_thread_stack(void)
{
	pthread_attr_t attr;
	size_t size = 0;
	if (pthread_getattr_default_np(&attr) != 0)
		return 0;
	if (pthread_attr_getstacksize(&attr, &size) != 0)
		size = 0;
	pthread_attr_destroy(&attr);
	return size;
}

/* libgomp warns about an OpenMP variable set to the empty string (all but
 * OMP_AFFINITY_FORMAT, and those it ignores); so does beat, since libgomp's
 * own warning is no longer printed. beat's variables treat it as unset. */
static bool empty_is_invalid(const struct env_entry *e)
{
	if (strncmp(e->name, "OMP_", 4) != 0 && strncmp(e->name, "GOMP_", 5) != 0)
		return false;
	return e->kind != K_IGNORED && e->kind != K_UNSUPPORTED && strcmp(e->name, "OMP_AFFINITY_FORMAT") != 0;
}

static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static void config_init_once(void)
{
	beat_topology_init();
	struct beat_icv *icv = &beat_cfg.initial;
	icv->nthreads = beat_num_cpus > 0 ? beat_num_cpus : 1;
	icv->dyn = 0;
	icv->sched_kind = 2; /* dynamic */
	icv->sched_chunk = 1;
	icv->bind = 0;
	icv->max_active_levels = 1;
	icv->thread_limit = INT_MAX;
	icv->default_device = 0;
	icv->list_level = 1;
	beat_cfg.wait_policy = BEAT_WAIT_UNSET;
	beat_cfg.spincount = 100000;
	beat_cfg.fibers = true;
	beat_cfg.fiber_max = 1024;
	beat_cfg.park_max = (size_t)32 << 20;
	beat_cfg.thread_stack = default_thread_stack();
	beat_cfg.steal = BEAT_STEAL_AUTO;
	beat_cfg.classify = true;
	beat_cfg.predict = true;
	beat_cfg.select = true;
	beat_cfg.inline_factor = 256.0f;
	beat_cfg.one_euro = (struct beat_one_euro_params)BEAT_ONE_EURO_DEFAULTS;

	/* BEAT_DEBUG first so that ignored variables can be reported. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
			bool is_debug = strcmp(table[i].name, "BEAT_DEBUG") == 0;
			if (is_debug != (pass == 0))
				continue;
			const char *v = env_of(table[i].name);
			if (v)
				parse_entry(&table[i], v);
			else if (empty_is_invalid(&table[i]) && beat_getenv_is_empty(table[i].name))
				bad_value(table[i].name, "", "empty");
		}
	if (!env_of("OMP_MAX_ACTIVE_LEVELS") && !env_of("OMP_NESTED") &&
	    (beat_cfg.nthreads_list_len > 1 || beat_cfg.bind_list_len > 1))
		icv->max_active_levels = 255;
	/* A valid OMP_PLACES turns binding on unless OMP_PROC_BIND says
	 * otherwise (with OMP_PROC_BIND=false it makes no places). */
	if (beat_topology_places_init() && icv->bind == 0)
		icv->bind = 1;
	beat_topology_default_places();
	/* libgomp binds the initial thread to the first place when binding is
	 * on; its constructor reads no variable now (interpose_env.c), so beat
	 * does it, for the main thread (the one that constructor ran on). */
	if (icv->bind != 0 && beat_num_places > 0 && gettid() == getpid())
		beat_bind_to_place(0);
	if (env_of("BEAT_HELP_ENV"))
		print_help();
	if (beat_cfg.display_env)
		beat_config_display(beat_cfg.display_env == 2);
	if (beat_cfg.stats)
		beat_stats_register();
}

void beat_config_init(void)
{
	pthread_once(&config_once, config_init_once);
}

static const char *bind_name(int b)
{
	static const char *names[] = {"FALSE", "TRUE", "PRIMARY", "CLOSE", "SPREAD"};
	return (b >= 0 && b <= 4) ? names[b] : "?";
}

void beat_config_display(bool verbose)
{
	const struct beat_icv *icv = &beat_cfg.initial;
	FILE *f = stderr;
	fputs("\nOPENMP DISPLAY ENVIRONMENT BEGIN\n", f);
	fputs("  _OPENMP = '201511'\n", f);
	fprintf(f, "  OMP_DYNAMIC = '%s'\n", icv->dyn ? "TRUE" : "FALSE");
	fprintf(f, "  OMP_NESTED = '%s'\n", icv->max_active_levels > 1 ? "TRUE" : "FALSE");
	fprintf(f, "  OMP_NUM_THREADS = '%d", icv->nthreads);
	for (int i = 1; i < beat_cfg.nthreads_list_len; i++)
		fprintf(f, ",%d", beat_cfg.nthreads_list[i]);
	fputs("'\n", f);
	static const char *kinds[] = {"RUNTIME", "STATIC", "DYNAMIC", "GUIDED", "AUTO"};
	unsigned kind = icv->sched_kind & 0x7fffffffu;
	bool mono = icv->sched_kind & 0x80000000u;
	fprintf(f, "  OMP_SCHEDULE = '%s%s", mono && kind != 1 ? "MONOTONIC:" : (!mono && kind == 1 ? "NONMONOTONIC:" : ""),
		kind <= 4 ? kinds[kind] : "?");
	if (icv->sched_chunk != (kind == 1 ? 0 : 1))
		fprintf(f, ",%d", icv->sched_chunk);
	fputs("'\n", f);
	fprintf(f, "  OMP_PROC_BIND = '%s", bind_name(icv->bind));
	for (int i = 1; i < beat_cfg.bind_list_len; i++)
		fprintf(f, ",%s", bind_name(beat_cfg.bind_list[i]));
	fputs("'\n", f);
	fprintf(f, "  OMP_PLACES = '");
	for (int p = 0; p < beat_num_places && icv->bind; p++) {
		fprintf(f, "%s{", p ? "," : "");
		for (int c = 0; c < beat_places[p].ncpus; c++)
			fprintf(f, "%s%d", c ? "," : "", beat_places[p].cpus[c]);
		fputs("}", f);
	}
	fputs("'\n", f);
	if (beat_cfg.stacksize)
		fprintf(f, "  OMP_STACKSIZE = '%zu'\n", beat_cfg.stacksize);
	else
		fputs("  OMP_STACKSIZE = '0'\n", f);
	fprintf(f, "  OMP_WAIT_POLICY = '%s'\n",
		beat_cfg.wait_policy == BEAT_WAIT_ACTIVE ? "ACTIVE" : "PASSIVE");
	if (icv->thread_limit == INT_MAX)
		fputs("  OMP_THREAD_LIMIT = '4294967295'\n", f);
	else
		fprintf(f, "  OMP_THREAD_LIMIT = '%d'\n", icv->thread_limit);
	fprintf(f, "  OMP_MAX_ACTIVE_LEVELS = '%d'\n", icv->max_active_levels);
	fprintf(f, "  OMP_NUM_TEAMS = '%d'\n", beat_cfg.max_teams);
	fprintf(f, "  OMP_TEAMS_THREAD_LIMIT = '%d'\n", beat_cfg.teams_thread_limit);
	fprintf(f, "  OMP_CANCELLATION = '%s'\n", beat_cfg.cancellation ? "TRUE" : "FALSE");
	fprintf(f, "  OMP_DEFAULT_DEVICE = '%d'\n", icv->default_device);
	fprintf(f, "  OMP_MAX_TASK_PRIORITY = '%d'\n", beat_cfg.max_task_priority);
	fprintf(f, "  OMP_DISPLAY_AFFINITY = '%s'\n", beat_cfg.display_affinity ? "TRUE" : "FALSE");
	char *format = beat_affinity_format_copy();
	fprintf(f, "  OMP_AFFINITY_FORMAT = '%s'\n", format);
	free(format);
	fprintf(f, "  OMP_ALLOCATOR = 'omp_default_mem_alloc'\n");
	fprintf(f, "  OMP_TARGET_OFFLOAD = '%s'\n",
		beat_cfg.target_offload == 1 ? "MANDATORY" : beat_cfg.target_offload == 2 ? "DISABLED" : "DEFAULT");
	if (verbose) {
		fprintf(f, "  GOMP_SPINCOUNT = '%lu'\n", beat_cfg.spincount);
		fprintf(f, "  BEAT_DEBUG = '%s'\n", beat_cfg.debug ? "TRUE" : "FALSE");
		static const char *steal[] = {"AUTO", "CHILD", "CONTINUATION"};
		fprintf(f, "  BEAT_FIBERS = '%s'\n", beat_cfg.fibers ? "TRUE" : "FALSE");
		fprintf(f, "  BEAT_FIBER_STACK = '%zu'\n", beat_fiber_stack_bytes());
		fprintf(f, "  BEAT_FIBER_MAX = '%d'\n", beat_cfg.fiber_max);
		fprintf(f, "  BEAT_PARK_MAX = '%zu'\n", beat_cfg.park_max);
		fprintf(f, "  BEAT_STEAL = '%s'\n", steal[beat_cfg.steal]);
		fprintf(f, "  BEAT_STATS = '%s'\n", beat_cfg.stats ? "TRUE" : "FALSE");
		fprintf(f, "  BEAT_CLASSIFY = '%s'\n", beat_cfg.classify ? "TRUE" : "FALSE");
		fprintf(f, "  BEAT_PREDICT = '%s'\n", beat_cfg.predict ? "TRUE" : "FALSE");
		fprintf(f, "  BEAT_INLINE = '%g'\n", beat_cfg.inline_factor);
		fprintf(f, "  BEAT_ONE_EURO = '%g,%g,%g'\n", beat_cfg.one_euro.mincutoff, beat_cfg.one_euro.beta,
			beat_cfg.one_euro.dcutoff);
	}
	fputs("OPENMP DISPLAY ENVIRONMENT END\n", f);
}
