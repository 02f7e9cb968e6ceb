/* affinity_format.c: the affinity format (OMP_AFFINITY_FORMAT,
 * omp_capture_affinity, omp_display_affinity): its %-fields expanded for
 * the calling thread, and the line OMP_DISPLAY_AFFINITY prints.
 *
 * A field is %[0[.]][size]type, with a one-letter type or a {long_name}:
 * t/team_num, T/num_teams, L/nesting_level, n/thread_num, N/num_threads,
 * a/ancestor_tnum, H/host, P/process_id, i/native_thread_id and
 * A/thread_affinity (the CPUs of the thread's place, else of its mask). A
 * malformed format is fatal, as in libgomp. */
#include "rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The place whose CPUs the thread shows: its seat's, else the one its OS
 * thread was bound to (-1: none). */
static int place_of_self(void)
{
	struct beat_thread *t = beat_self();
	if (t->m != NULL && t->m->place >= 0)
		return t->m->place;
	return t->bound_place;
}

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
	char *fmt = beat_affinity_format_copy();
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

