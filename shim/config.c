/* config.c: every environment variable beat reads (OpenMP's OMP_* host
 * variables, libgomp's GOMP_*, and beat's own BEAT_*), parsed from one table,
 * and OMP_DISPLAY_ENV.
 *
 * How the table works. Each variable is one row of `vars`: its name, the field
 * of beat_cfg it sets, its parser, its range, its default, one line of help,
 * and how OMP_DISPLAY_ENV shows it. At start every row's default is applied
 * (the default text is parsed like a value, unless the row marks it
 * DESCRIBED: then the field stays zero or the row's `reset` sets it), then
 * every variable found in the environment is parsed over it. A parser returns
 * NULL, or why the text is not valid; then beat prints exactly one line
 *   beat: warning: NAME='VALUE' is not valid (WHY); using the default (DEFAULT)
 * and the default stays. Generic parsers read integers, sizes, numbers and
 * words into a field of any width; a variable with its own rules (lists,
 * OMP_SCHEDULE, OMP_PLACES...) names its own parser in its row. Adding a
 * variable is adding a row. The table is in the order OMP_DISPLAY_ENV prints
 * (libgomp's order); OMP_* rows are always shown, others only when verbose.
 * `beat-run --help-env` (BEAT_HELP_ENV=1) prints the table. */
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

struct env_var;
/* Reads text into the variable's field: NULL, or why text is not valid. */
typedef const char *parse_fn(const struct env_var *var, const char *text);
/* Prints the variable's value as OMP_DISPLAY_ENV shows it. */
typedef void show_fn(const struct env_var *var, FILE *f);

/* An accepted word and the value it stores. */
struct word {
	const char *word;
	int value;
};

enum {
	DESCRIBED = 1 << 0, /* the default is a description, not a value to parse */
	EMPTY_OK = 1 << 1,  /* an OpenMP variable whose empty value is no error */
	EARLY = 1 << 2,     /* read before the others */
	CLAMP = 1 << 3,     /* parse_int: a value above max means max */
};

struct env_var {
	const char *name;
	parse_fn *parse;
	show_fn *show;            /* NULL: not in OMP_DISPLAY_ENV */
	void *field;              /* what it sets in beat_cfg (NULL: none) */
	size_t size;              /* sizeof the field */
	bool *given;              /* set when the environment gives a valid value */
	const struct word *words; /* parse_word: the accepted words, then {NULL} */
	long long min, max;       /* parse_int, parse_size, parse_float: the range */
	const char *range;        /* the range as --help-env prints it, for other parsers */
	const char *dflt;         /* the default, as a value (DESCRIBED: in words) */
	void (*reset)(const struct env_var *var); /* DESCRIBED: sets the default */
	unsigned flags;
	const char *help;
};

#define FIELD(m) .field = &beat_cfg.m, .size = sizeof beat_cfg.m

/* ------------------------------------------------------------ small tools */

static const char *skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* The length of s without its trailing white space. */
static size_t trimmed_len(const char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n;
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

static bool parse_whole_long(const char *text, long *out)
{
	const char *s = text;
	return parse_long(&s, out) && *s == '\0';
}

/* Stores x in the variable's field, whatever its width (bool, int, 64-bit). */
static void store_number(const struct env_var *var, long long x)
{
	if (var->size == sizeof(bool)) {
		*(bool *)var->field = x != 0;
	} else if (var->size == sizeof(int)) {
		*(int *)var->field = (int)x;
	} else {
		unsigned long long u = (unsigned long long)x;
		memcpy(var->field, &u, sizeof u);
	}
}

static unsigned long long load_number(const struct env_var *var)
{
	if (var->size == sizeof(bool))
		return *(bool *)var->field;
	if (var->size == sizeof(int))
		return (unsigned long long)(long long)*(int *)var->field;
	unsigned long long u;
	memcpy(&u, var->field, sizeof u);
	return u;
}

/* n as a size with the largest unit that divides it: 2M, 1T, 4097B. */
static void size_text(unsigned long long n, char *buf, size_t size)
{
	static const char units[] = "BKMGT";
	int u = 0;
	while (u < 4 && n != 0 && n % 1024 == 0) {
		n /= 1024;
		u++;
	}
	snprintf(buf, size, "%llu%c", n, units[u]);
}

/* Config is read once (pthread_once), so reasons built from a row share
 * this buffer. */
static char why_buf[256];

/* ----------------------------------------------------------- generic parsers */

/* The word text names (case and surrounding blanks ignored, as libgomp). */
static bool match_word(const struct word *words, const char *text, int *value)
{
	const char *s = skip_space(text);
	size_t n = trimmed_len(s);
	for (const struct word *w = words; w->word; w++)
		if (strlen(w->word) == n && strncasecmp(w->word, s, n) == 0) {
			*value = w->value;
			return true;
		}
	return false;
}

/* "expected a, b or c" */
static const char *words_why(const struct word *words)
{
	size_t len = snprintf(why_buf, sizeof why_buf, "expected");
	for (const struct word *w = words; w->word && len < sizeof why_buf; w++) {
		const char *sep = w == words ? " " : w[1].word ? ", " : " or ";
		len += snprintf(why_buf + len, sizeof why_buf - len, "%s%s", sep, w->word);
	}
	return why_buf;
}

static const char *parse_word(const struct env_var *var, const char *text)
{
	int value;
	if (!match_word(var->words, text, &value))
		return words_why(var->words);
	store_number(var, value);
	return NULL;
}

static const char *int_why(const struct env_var *var)
{
	if (var->max == INT_MAX || (var->flags & CLAMP)) {
		if (var->min == 0)
			return "expected a non-negative integer";
		if (var->min == 1)
			return "expected a positive integer";
	}
	snprintf(why_buf, sizeof why_buf, "expected an integer from %lld to %lld", var->min, var->max);
	return why_buf;
}

static const char *parse_int(const struct env_var *var, const char *text)
{
	long x;
	if (!parse_whole_long(text, &x) || x < var->min || (x > var->max && !(var->flags & CLAMP)))
		return int_why(var);
	store_number(var, x > var->max ? var->max : x);
	return NULL;
}

/* Parses N[B|K|M|G] (default unit K, as libgomp) within the variable's
 * range into *out: NULL, or why not. */
static const char *size_value(const struct env_var *var, const char *text, size_t *out)
{
	static const char expected[] = "expected a size such as 512K, 8M or 1G";
	const char *s = skip_space(text);
	if (!isdigit((unsigned char)*s))
		return expected;
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
	default: return expected;
	}
	if (*skip_space(s) != '\0')
		return expected;
	if (errno == ERANGE || x > ((unsigned long long)var->max >> shift)) {
		char max[32];
		size_text((unsigned long long)var->max, max, sizeof max);
		snprintf(why_buf, sizeof why_buf, "larger than %s", max);
		return why_buf;
	}
	if ((x << shift) < (unsigned long long)var->min)
		return "a size must be above 0";
	*out = (size_t)(x << shift);
	return NULL;
}

static const char *parse_size(const struct env_var *var, const char *text)
{
	size_t sz;
	const char *why = size_value(var, text, &sz);
	if (why == NULL)
		store_number(var, (long long)sz);
	return why;
}

/* A number into a float field. */
static const char *parse_float(const struct env_var *var, const char *text)
{
	const char *s = skip_space(text);
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (errno || end == s || *skip_space(end) != '\0' || !(d >= var->min) || !(d <= var->max)) {
		snprintf(why_buf, sizeof why_buf, "expected a number from %lld to %lld", var->min, var->max);
		return why_buf;
	}
	*(float *)var->field = (float)d;
	return NULL;
}

/* A text another part of beat reads itself (or a switch read only here). */
static const char *parse_any(const struct env_var *var, const char *text)
{
	return NULL;
}

/* A variable of a feature beat does not have: said only with BEAT_DEBUG. */
static const char *parse_ignored(const struct env_var *var, const char *text)
{
	if (beat_cfg.debug)
		beat_warn("%s is set but %s", var->name, var->help);
	return NULL;
}

/* A variable whose effect would be missing: said whatever BEAT_DEBUG says. */
static const char *parse_unsupported(const struct env_var *var, const char *text)
{
	beat_warn("%s %s", var->name, var->help);
	return NULL;
}

/* ------------------------------------------------------------ own parsers */

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

/* Reads one list entry at *s (advancing it): its value, or -1 when bad. */
typedef int list_item_fn(const char **s, int index);

/* A comma-separated list, one entry per nesting level, into a new *list;
 * its first entry also goes to *first (the initial task's ICV). */
static const char *parse_list(const char *text, list_item_fn *item, const char *expected,
			      int **list, int *len, int *first)
{
	int *l = NULL;
	int n = 0, cap = 0;
	const char *s = text;
	for (;;) {
		int x = item(&s, n);
		const char *why = x < 0 ? expected : !list_push(&l, &n, &cap, x) ? "out of memory" : NULL;
		if (why == NULL && *s != '\0' && *s != ',')
			why = expected;
		if (why) {
			free(l);
			return why;
		}
		if (*s == '\0')
			break;
		s++;
	}
	free(*list);
	*list = l;
	*len = n;
	*first = l[0];
	return NULL;
}

static int nthreads_item(const char **s, int index)
{
	long x;
	return parse_long(s, &x) && x > 0 && x <= INT_MAX ? (int)x : -1;
}

static const char *parse_nthreads(const struct env_var *var, const char *text)
{
	return parse_list(text, nthreads_item, "expected positive integers separated by commas",
			  &beat_cfg.nthreads_list, &beat_cfg.nthreads_list_len, &beat_cfg.initial.nthreads);
}

static void reset_nthreads(const struct env_var *var)
{
	beat_cfg.initial.nthreads = beat_cpu_budget;
}

static const struct word bind_words[] = {
	{"false", BEAT_BIND_FALSE}, {"true", BEAT_BIND_TRUE}, {"primary", BEAT_BIND_PRIMARY},
	{"master", BEAT_BIND_PRIMARY}, {"close", BEAT_BIND_CLOSE}, {"spread", BEAT_BIND_SPREAD}, {NULL, 0},
};

/* One OMP_PROC_BIND entry; true and false only alone. */
static int bind_item(const char **s, int index)
{
	char word[16];
	const char *w = skip_space(*s);
	size_t n = 0;
	while (isalpha((unsigned char)w[n]))
		n++;
	if (n >= sizeof word)
		return -1;
	memcpy(word, w, n);
	word[n] = '\0';
	*s = skip_space(w + n);
	int b;
	if (!match_word(bind_words, word, &b))
		return -1;
	if (b <= BEAT_BIND_TRUE && (index > 0 || **s == ','))
		return -1;
	return b;
}

static const char *parse_bind(const struct env_var *var, const char *text)
{
	int first = beat_cfg.initial.bind;
	const char *why = parse_list(text, bind_item,
				     "expected true, false, or a list of primary, master, close, spread",
				     &beat_cfg.bind_list, &beat_cfg.bind_list_len, &first);
	beat_cfg.initial.bind = (enum beat_bind)first;
	return why;
}

/* The schedule kinds, in enum beat_sched's order. */
static const struct word sched_words[] = {
	{"static", BEAT_SCHED_STATIC}, {"dynamic", BEAT_SCHED_DYNAMIC}, {"guided", BEAT_SCHED_GUIDED},
	{"auto", BEAT_SCHED_AUTO}, {NULL, 0},
};

/* A leading "monotonic:" (1) or "nonmonotonic:" (-1), skipped; else 0. */
static int sched_modifier(const char **s)
{
	static const struct { const char *word; int mono; } mods[] = {{"monotonic", 1}, {"nonmonotonic", -1}};
	for (size_t i = 0; i < 2; i++) {
		size_t len = strlen(mods[i].word);
		if (strncasecmp(*s, mods[i].word, len) == 0 && skip_space(*s + len)[0] == ':') {
			*s = skip_space(skip_space(*s + len) + 1);
			return mods[i].mono;
		}
	}
	return 0;
}

/* The kind word at *s (advancing it), or 0. */
static unsigned sched_kind(const char **s)
{
	for (const struct word *w = sched_words; w->word; w++) {
		size_t len = strlen(w->word);
		if (strncasecmp(*s, w->word, len) == 0 && !isalnum((unsigned char)(*s)[len])) {
			*s = skip_space(*s + len);
			return (unsigned)w->value;
		}
	}
	return 0;
}

static const char *parse_schedule(const struct env_var *var, const char *text)
{
	const char *s = skip_space(text);
	int mono = sched_modifier(&s);
	unsigned kind = sched_kind(&s);
	if (kind == 0)
		return "unknown schedule kind";
	long chunk = kind == BEAT_SCHED_STATIC ? 0 : 1;
	if (*s == ',') {
		s++;
		if (!parse_long(&s, &chunk) || *s != '\0' || chunk > INT_MAX)
			return "bad chunk size";
		if (chunk <= 0)
			chunk = kind == BEAT_SCHED_STATIC ? 0 : 1;
	} else if (*s != '\0') {
		return "unexpected text after the kind";
	}
	/* Static is monotonic unless asked otherwise (as libgomp reports it). */
	if (mono > 0 || (kind == BEAT_SCHED_STATIC && mono == 0))
		kind |= BEAT_SCHED_MONOTONIC;
	beat_cfg.initial.sched_kind = kind;
	beat_cfg.initial.sched_chunk = (int)chunk;
	return NULL;
}

static const char *parse_places(const struct env_var *var, const char *text)
{
	free(beat_cfg.places_text);
	beat_cfg.places_text = strdup(text);
	if (beat_cfg.places_text == NULL)
		beat_fatal("out of memory reading OMP_PLACES");
	return NULL; /* topology.c parses it against the machine */
}

static const struct word bool_words[] = {{"true", 1}, {"false", 0}, {NULL, 0}};
/* beat's own switches also take 1 and 0. */
static const struct word switch_words[] = {{"true", 1}, {"false", 0}, {"1", 1}, {"0", 0}, {NULL, 0}};

static const char *env_of(const char *name)
{
	const char *v = beat_getenv(name);
	return (v && *v) ? v : NULL;
}

/* Deprecated OMP_NESTED: 255 or 1 levels, unless OMP_MAX_ACTIVE_LEVELS says. */
static const char *parse_nested(const struct env_var *var, const char *text)
{
	int b;
	if (!match_word(bool_words, text, &b))
		return words_why(bool_words);
	if (!env_of("OMP_MAX_ACTIVE_LEVELS"))
		beat_cfg.initial.max_active_levels = b ? 255 : 1;
	return NULL;
}

/* GOMP_STACKSIZE applies only when OMP_STACKSIZE gave no size. */
static const char *parse_gomp_stacksize(const struct env_var *var, const char *text)
{
	size_t sz;
	const char *why = size_value(var, text, &sz);
	if (why == NULL && beat_cfg.stacksize == 0)
		beat_cfg.stacksize = sz;
	return why;
}

static const struct word wait_words[] = {
	{"active", BEAT_WAIT_ACTIVE}, {"passive", BEAT_WAIT_PASSIVE}, {NULL, 0},
};

/* Active waiting polls 30 billion times unless GOMP_SPINCOUNT says (libgomp). */
static const char *parse_wait_policy(const struct env_var *var, const char *text)
{
	const char *why = parse_word(var, text);
	if (why == NULL && beat_cfg.wait_policy == BEAT_WAIT_ACTIVE && !beat_cfg.spincount_set)
		beat_cfg.spincount = 30000000000ul;
	return why;
}

/* A described default that is the top of the range (OMP_THREAD_LIMIT: unlimited). */
static void reset_max(const struct env_var *var)
{
	store_number(var, var->max);
}

static void reset_wait_policy(const struct env_var *var)
{
	beat_cfg.wait_policy = BEAT_WAIT_UNSET;
}

/* GOMP_SPINCOUNT: a number with an optional k, M, G or T suffix (powers of
 * 1000, either case, as libgomp), or infinite/infinity; a product beyond
 * the largest count means infinite, as in libgomp. */
static const char *parse_spincount(const struct env_var *var, const char *text)
{
	static const char expected[] = "expected a non-negative integer with an optional k, M, G or T suffix, or 'infinite'";
	const char *s = skip_space(text);
	unsigned long long x, mult = 1;
	if (strncasecmp(s, "infinite", 8) == 0 || strncasecmp(s, "infinity", 8) == 0) {
		x = ~0ull;
		s += 8;
	} else {
		if (!isdigit((unsigned char)*s))
			return expected;
		char *end;
		errno = 0;
		x = strtoull(s, &end, 10);
		if (errno)
			return expected;
		s = skip_space(end);
		switch (tolower((unsigned char)*s)) {
		case '\0': break;
		case 'k': mult = 1000ull; s++; break;
		case 'm': mult = 1000ull * 1000; s++; break;
		case 'g': mult = 1000ull * 1000 * 1000; s++; break;
		case 't': mult = 1000ull * 1000 * 1000 * 1000; s++; break;
		default: return expected;
		}
	}
	if (*skip_space(s) != '\0')
		return expected;
	x = x > ~0ull / mult ? ~0ull : x * mult;
	beat_cfg.spincount = x > ULONG_MAX ? ULONG_MAX : (unsigned long)x;
	return NULL;
}

static const char *parse_affinity_format(const struct env_var *var, const char *text)
{
	beat_affinity_format_store(text, strlen(text));
	return NULL;
}

static const char *parse_one_euro(const struct env_var *var, const char *text)
{
	double x[3];
	const char *q = skip_space(text);
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
	    !isfinite(x[0]) || !isfinite(x[1]) || !isfinite(x[2]))
		return "expected mincutoff,beta,dcutoff with mincutoff and dcutoff above 0 and beta at least 0";
	beat_cfg.one_euro = (struct beat_one_euro_params){(float)x[0], (float)x[1], (float)x[2]};
	return NULL;
}

/* BEAT_SELECT_WEIGHTS: four integers from 0 to 100, not all 0, in the
 * order locality, load, capability, hint (select_score.h). */
static const char *parse_select_weights(const struct env_var *var, const char *text)
{
	long x[4];
	const char *s = text;
	int i;
	for (i = 0; i < 4; i++) {
		if (!parse_long(&s, &x[i]) || x[i] < 0 || x[i] > 100)
			break;
		if (i < 3) {
			if (*s != ',')
				break;
			s++;
		}
	}
	if (i < 4 || *s != '\0' || x[0] + x[1] + x[2] + x[3] == 0)
		return "expected four integers from 0 to 100 separated by commas, not all 0";
	beat_cfg.select_weights = (struct beat_weights){(uint8_t)x[0], (uint8_t)x[1], (uint8_t)x[2], (uint8_t)x[3]};
	return NULL;
}

/* ------------------------------------------------------ OMP_DISPLAY_ENV lines */

static void show_number(const struct env_var *var, FILE *f)
{
	if (var->size == sizeof(unsigned long long))
		fprintf(f, "%llu", load_number(var));
	else
		fprintf(f, "%lld", (long long)load_number(var));
}

static void show_upper(const char *s, FILE *f)
{
	while (*s)
		fputc(toupper((unsigned char)*s++), f);
}

/* The first word with the field's value. */
static const char *word_of(const struct env_var *var)
{
	int value = (int)load_number(var);
	for (const struct word *w = var->words; w->word; w++)
		if (w->value == value)
			return w->word;
	return "?";
}

/* The field's word in capitals (TRUE, DEFAULT...). */
static void show_word(const struct env_var *var, FILE *f)
{
	show_upper(word_of(var), f);
}

/* The field's word as written (omp_default_mem_alloc). */
static void show_name(const struct env_var *var, FILE *f)
{
	fputs(word_of(var), f);
}

static void show_float(const struct env_var *var, FILE *f)
{
	fprintf(f, "%g", *(float *)var->field);
}

static void show_nested(const struct env_var *var, FILE *f)
{
	fputs(beat_cfg.initial.max_active_levels > 1 ? "TRUE" : "FALSE", f);
}

static void show_nthreads(const struct env_var *var, FILE *f)
{
	fprintf(f, "%d", beat_cfg.initial.nthreads);
	for (int i = 1; i < beat_cfg.nthreads_list_len; i++)
		fprintf(f, ",%d", beat_cfg.nthreads_list[i]);
}

static void show_schedule(const struct env_var *var, FILE *f)
{
	unsigned kind = beat_cfg.initial.sched_kind & ~BEAT_SCHED_MONOTONIC;
	bool mono = beat_cfg.initial.sched_kind & BEAT_SCHED_MONOTONIC;
	if (mono != (kind == BEAT_SCHED_STATIC))
		fputs(mono ? "MONOTONIC:" : "NONMONOTONIC:", f);
	const char *name = kind == 0 ? "runtime" : "?";
	for (const struct word *w = sched_words; w->word; w++)
		if ((unsigned)w->value == kind)
			name = w->word;
	show_upper(name, f);
	if (beat_cfg.initial.sched_chunk != (kind == BEAT_SCHED_STATIC ? 0 : 1))
		fprintf(f, ",%d", beat_cfg.initial.sched_chunk);
}

static void show_bind_value(int b, FILE *f)
{
	/* by value: primary before its older name master */
	static const char *names[] = {"FALSE", "TRUE", "PRIMARY", "CLOSE", "SPREAD"};
	fputs(b >= 0 && b <= 4 ? names[b] : "?", f);
}

static void show_bind(const struct env_var *var, FILE *f)
{
	show_bind_value(beat_cfg.initial.bind, f);
	for (int i = 1; i < beat_cfg.bind_list_len; i++) {
		fputc(',', f);
		show_bind_value(beat_cfg.bind_list[i], f);
	}
}

static void show_places(const struct env_var *var, FILE *f)
{
	for (int p = 0; p < beat_num_places && beat_cfg.initial.bind; p++) {
		fprintf(f, "%s{", p ? "," : "");
		for (int c = 0; c < beat_places[p].ncpus; c++)
			fprintf(f, "%s%d", c ? "," : "", beat_places[p].cpus[c]);
		fputc('}', f);
	}
}

static void show_wait_policy(const struct env_var *var, FILE *f)
{
	fputs(beat_cfg.wait_policy == BEAT_WAIT_ACTIVE ? "ACTIVE" : "PASSIVE", f);
}

/* Unlimited as libgomp prints it (UINT_MAX). */
static void show_thread_limit(const struct env_var *var, FILE *f)
{
	if (beat_cfg.initial.thread_limit == INT_MAX)
		fprintf(f, "%u", UINT_MAX);
	else
		fprintf(f, "%d", beat_cfg.initial.thread_limit);
}

static void show_affinity_format(const struct env_var *var, FILE *f)
{
	char *format = beat_affinity_format_copy();
	fputs(format, f);
	free(format);
}

/* The size fibers get (the default follows OMP_STACKSIZE and ulimit -s). */
static void show_fiber_stack(const struct env_var *var, FILE *f)
{
	fprintf(f, "%zu", beat_fiber_stack_bytes());
}

/* BEAT_MEMGATE_LEVELS: four integers from 1 to 100, rising: the share of
 * the memory cgroup's limit in use at which the level is low, medium, high,
 * critical (mempressure.c). */
static const char *parse_memgate_levels(const struct env_var *var, const char *text)
{
	long x[4];
	const char *s = text;
	int i;
	for (i = 0; i < 4; i++) {
		if (!parse_long(&s, &x[i]) || x[i] < 1 || x[i] > 100 || (i > 0 && x[i] <= x[i - 1]))
			break;
		if (i < 3) {
			if (*s != ',')
				break;
			s++;
		}
	}
	if (i < 4 || *s != '\0')
		return "expected four rising integers from 1 to 100 separated by commas";
	for (i = 0; i < 4; i++)
		beat_cfg.memgate_levels[i] = (int)x[i];
	return NULL;
}

static void show_memgate_levels(const struct env_var *var, FILE *f)
{
	const int *l = beat_cfg.memgate_levels;
	fprintf(f, "%d,%d,%d,%d", l[0], l[1], l[2], l[3]);
}

static void show_select_weights(const struct env_var *var, FILE *f)
{
	const struct beat_weights *w = &beat_cfg.select_weights;
	fprintf(f, "%d,%d,%d,%d", w->locality, w->load, w->capability, w->hint);
}

static void show_one_euro(const struct env_var *var, FILE *f)
{
	fprintf(f, "%g,%g,%g", beat_cfg.one_euro.mincutoff, beat_cfg.one_euro.beta, beat_cfg.one_euro.dcutoff);
}

/* ------------------------------------------------------------------ the table */

static const struct word display_words[] = {{"true", 1}, {"false", 0}, {"verbose", 2}, {NULL, 0}};
static const struct word offload_words[] = {{"mandatory", 1}, {"disabled", 2}, {"default", 0}, {NULL, 0}};
/* The predefined allocators, numbered as omp_allocator_handle_t (omp.h). */
static const struct word allocator_words[] = {
	{"omp_default_mem_alloc", 1}, {"omp_large_cap_mem_alloc", 2}, {"omp_const_mem_alloc", 3},
	{"omp_high_bw_mem_alloc", 4}, {"omp_low_lat_mem_alloc", 5}, {"omp_cgroup_mem_alloc", 6},
	{"omp_pteam_mem_alloc", 7}, {"omp_thread_mem_alloc", 8}, {NULL, 0},
};
static const struct word steal_words[] = {
	{"auto", BEAT_STEAL_AUTO}, {"child", BEAT_STEAL_CHILD}, {"continuation", BEAT_STEAL_CONTINUATION}, {NULL, 0},
};

/* The largest stack or guard size accepted: 1 TiB, far beyond any real
 * stack, and small enough that page rounding and adding a guard region can
 * never overflow. */
#define MAX_SIZE (1ll << 40)
#define SIZE(m) FIELD(m), .parse = parse_size, .min = 1, .max = MAX_SIZE
#define SWITCH(m) FIELD(m), .parse = parse_word, .words = switch_words, .show = show_word
#define OMP_BOOL(m) FIELD(m), .parse = parse_word, .words = bool_words, .show = show_word
#define ANY_TEXT .parse = parse_any, .range = "text"

static const struct env_var vars[] = {
	{.name = "OMP_DYNAMIC", OMP_BOOL(initial.dyn), .dflt = "false",
	 .help = "let the runtime choose fewer threads than asked"},
	{.name = "OMP_NESTED", .parse = parse_nested, .show = show_nested, .range = "true|false",
	 .dflt = "unset", .flags = DESCRIBED,
	 .help = "deprecated: true allows nested active regions (max levels 255), false allows one"},
	{.name = "OMP_NUM_THREADS", .parse = parse_nthreads, .show = show_nthreads, .range = "N[,N...], N >= 1",
	 .dflt = "CPUs allowed, capped by the cgroup CPU quota", .flags = DESCRIBED, .reset = reset_nthreads,
	 .help = "threads per parallel region; a comma list gives one value per nesting level"},
	{.name = "OMP_SCHEDULE", .parse = parse_schedule, .show = show_schedule, .range = "[modifier:]kind[,chunk]",
	 .dflt = "dynamic,1",
	 .help = "schedule(runtime): [monotonic:|nonmonotonic:]static|dynamic|guided|auto[,chunk]"},
	{.name = "OMP_PROC_BIND", .parse = parse_bind, .show = show_bind, .range = "word[,word...]",
	 .dflt = "false", .flags = DESCRIBED,
	 .help = "thread binding: true|false|primary|master|close|spread, or a comma list per level"},
	{.name = "OMP_PLACES", .parse = parse_places, .show = show_places, .range = "names or {cpu sets}",
	 .dflt = "unset", .flags = DESCRIBED,
	 .help = "places: threads|cores|ll_caches|numa_domains|sockets[(n)] or {cpu,..},{lo:len[:stride]}"},
	{.name = "OMP_STACKSIZE", SIZE(stacksize), .show = show_number, .dflt = "system default", .flags = DESCRIBED,
	 .help = "stack size of worker threads: number with optional B|K|M|G suffix (default unit K)"},
	{.name = "GOMP_STACKSIZE", .parse = parse_gomp_stacksize, .min = 1, .max = MAX_SIZE, .range = "1B..1T",
	 .dflt = "system default", .flags = DESCRIBED,
	 .help = "libgomp's name for OMP_STACKSIZE (OMP_STACKSIZE wins)"},
	{.name = "OMP_WAIT_POLICY", FIELD(wait_policy), .parse = parse_wait_policy, .words = wait_words,
	 .show = show_wait_policy, .dflt = "unset", .flags = DESCRIBED, .reset = reset_wait_policy,
	 .help = "active: waiting threads poll long; passive: they sleep at once"},
	{.name = "OMP_THREAD_LIMIT", FIELD(initial.thread_limit), .parse = parse_int, .min = 1, .max = INT_MAX,
	 .show = show_thread_limit, .dflt = "unlimited", .flags = DESCRIBED | CLAMP,
	 .reset = reset_max,
	 .help = "maximum number of OpenMP threads in the program"},
	{.name = "OMP_MAX_ACTIVE_LEVELS", FIELD(initial.max_active_levels), .parse = parse_int, .min = 0, .max = 255,
	 .show = show_number, .dflt = "1", .flags = CLAMP,
	 .help = "maximum number of nested active parallel regions (at most 255)"},
	{.name = "OMP_NUM_TEAMS", FIELD(max_teams), .parse = parse_int, .min = 1, .max = INT_MAX,
	 .show = show_number, .dflt = "unset", .flags = DESCRIBED,
	 .help = "upper bound of teams for a teams construct"},
	{.name = "OMP_TEAMS_THREAD_LIMIT", FIELD(teams_thread_limit), .parse = parse_int, .min = 1, .max = INT_MAX,
	 .show = show_number, .dflt = "unset", .flags = DESCRIBED,
	 .help = "threads per team of a teams construct"},
	{.name = "OMP_CANCELLATION", OMP_BOOL(cancellation), .dflt = "false",
	 .help = "enable the cancel construct"},
	{.name = "OMP_DEFAULT_DEVICE", FIELD(initial.default_device), .parse = parse_int, .min = 0, .max = INT_MAX,
	 .show = show_number, .dflt = "0",
	 .help = "default target device (beat runs target regions on the host)"},
	{.name = "OMP_MAX_TASK_PRIORITY", FIELD(max_task_priority), .parse = parse_int, .min = 0, .max = INT_MAX,
	 .show = show_number, .dflt = "0",
	 .help = "largest priority value honoured for tasks"},
	{.name = "OMP_DISPLAY_AFFINITY", OMP_BOOL(display_affinity), .dflt = "false",
	 .help = "print each thread's affinity when a team starts"},
	{.name = "OMP_AFFINITY_FORMAT", .parse = parse_affinity_format, .show = show_affinity_format, .range = "text",
	 .dflt = "level %L thread %i affinity %A", .flags = EMPTY_OK,
	 .help = "format of the affinity lines"},
	{.name = "OMP_ALLOCATOR", FIELD(allocator), .parse = parse_word, .words = allocator_words, .show = show_name,
	 .range = "a predefined allocator", .dflt = "omp_default_mem_alloc",
	 .help = "default memory allocator"},
	{.name = "OMP_TARGET_OFFLOAD", FIELD(target_offload), .parse = parse_word, .words = offload_words,
	 .show = show_word, .dflt = "default",
	 .help = "mandatory|disabled|default (beat has no offload devices)"},
	{.name = "OMP_DISPLAY_ENV", FIELD(display_env), .parse = parse_word, .words = display_words, .dflt = "false",
	 .help = "true|verbose: print the OpenMP settings to stderr at start"},
	{.name = "OMP_TOOL", .parse = parse_ignored, .range = "text", .dflt = "unset", .flags = DESCRIBED | EMPTY_OK,
	 .help = "OMPT tools are not supported yet: ignored"},
	{.name = "OMP_TOOL_LIBRARIES", .parse = parse_ignored, .range = "text", .dflt = "unset",
	 .flags = DESCRIBED | EMPTY_OK, .help = "OMPT tools are not supported yet: ignored"},
	{.name = "OMP_DEBUG", .parse = parse_ignored, .range = "text", .dflt = "unset", .flags = DESCRIBED | EMPTY_OK,
	 .help = "OMPD is not supported yet: ignored"},
	/* libgomp's default. 100000 polls (2 ms of 20 ns pauses on an AMD
	 * EPYC) was shorter than the slice a busy process takes from a team
	 * thread's CPU: waiters slept, were woken onto their waker's CPU and
	 * spread back (presence.c). 2 threads beside a busy loop, medians of
	 * 5: stencil 0.97 -> 0.56 s, reduction 0.59 -> 0.46 (libomp 0.63,
	 * 0.51). */
	{.name = "GOMP_SPINCOUNT", FIELD(spincount), .given = &beat_cfg.spincount_set, .parse = parse_spincount,
	 .show = show_number, .range = "N[k|M|G|T] or infinite", .dflt = "300000",
	 .help = "polls before a waiting thread sleeps: a number with an optional k, M, G or T suffix (x1000 each), or 'infinite'"},
	{.name = "BEAT_SPREAD", SWITCH(spread), .dflt = "true",
	 .help = "a waiter that keeps sharing its CPU with another beat thread moves to a CPU of its affinity mask that has none, and one whose CPU another process takes moves to a CPU not taken (false: it only yields, or sleeps)"},
	{.name = "BEAT_MALLOC_PRIME", SWITCH(malloc_prime), .dflt = "true",
	 .help = "at start, one 1 MiB block allocated and freed moves glibc malloc's mmap threshold to 1 MiB (as libomp's start-up does), so blocks up to 1 MiB freed in a loop are reused, not mapped and faulted in each time (false: malloc is left alone)"},
	{.name = "GOMP_CPU_AFFINITY", .parse = parse_unsupported, .range = "text", .dflt = "unset",
	 .flags = DESCRIBED | EMPTY_OK,
	 .help = "is not supported yet: ignored (OMP_PLACES and OMP_PROC_BIND give the same control)"},
	{.name = "BEAT_DEBUG", SWITCH(debug), .dflt = "false", .flags = EARLY,
	 .help = "print beat's own decisions (threads, binding) to stderr"},
	{.name = "BEAT_TOPOLOGY", ANY_TEXT, .dflt = "unset", .flags = DESCRIBED,
	 .help = "an hwloc XML file to use instead of the machine's topology"},
	{.name = "BEAT_HELP_ENV", ANY_TEXT, .dflt = "unset", .flags = DESCRIBED,
	 .help = "print this table at start"},
	{.name = "BEAT_FIBERS", SWITCH(fibers), .dflt = "true",
	 .help = "run tasks started by waiting threads on fibers, and park a task that waits (false: help on the waiting stack)"},
	{.name = "BEAT_FIBER_STACK", SIZE(fiber_stack), .show = show_fiber_stack,
	 .dflt = "OMP_STACKSIZE, else ulimit -s", .flags = DESCRIBED,
	 .help = "stack size of each fiber (a task runs on one): number with optional B|K|M|G suffix (at least 64K)"},
	{.name = "BEAT_FIBER_GUARD", SIZE(fiber_guard), .show = show_number, .dflt = "2M",
	 .help = "inaccessible region below each fiber stack: an overflow that lands in it prints a message (number with optional B|K|M|G suffix, at least 4K)"},
	{.name = "BEAT_FIBER_MAX", FIELD(fiber_max), .parse = parse_int, .min = 1, .max = INT_MAX, .show = show_number,
	 .dflt = "1024", .help = "most fibers that may exist; beyond it tasks run on the waiting thread's stack"},
	{.name = "BEAT_PARK_MAX", SIZE(park_max), .show = show_number, .dflt = "32M",
	 .help = "stack bytes that parked fibers may hold in all; beyond it a waiting task helps in place"},
	{.name = "BEAT_REMOTE_WAIT", FIELD(remote_wait), .parse = parse_int, .min = 0, .max = INT_MAX / 4,
	 .show = show_number, .dflt = "8192",
	 .help = "polls a member whose whole node is idle waits before it takes work from another NUMA node (4x that while a node-mate is busy); 0: at once"},
	{.name = "BEAT_STEAL", FIELD(steal), .parse = parse_word, .words = steal_words, .show = show_word,
	 .dflt = "auto", .help = "spawn policy: auto (continuation stealing for untied creators), child, or continuation"},
	{.name = "BEAT_STATS", SWITCH(stats), .dflt = "false",
	 .help = "print task, fiber, stealing and prediction counters to stderr at exit"},
	{.name = "BEAT_CLASSIFY", SWITCH(classify), .dflt = "true",
	 .help = "fingerprint tasks, learn their cost and run predicted-tiny ones inline (false: every deferred task is spawned)"},
	{.name = "BEAT_PREDICT", SWITCH(predict), .dflt = "true",
	 .help = "smooth measured costs with the One Euro filter (false: the last sample is the prediction)"},
	{.name = "BEAT_SELECT", SWITCH(select), .dflt = "true",
	 .help = "worker selection: with several NUMA nodes a medium or large task goes to the best-scored node's mailbox; a large task goes to the mailbox when members are idle (false: every queued task stays on its creator's deque)"},
	{.name = "BEAT_SELECT_WEIGHTS", .parse = parse_select_weights, .show = show_select_weights,
	 .range = "a,b,c,d: 0..100, not all 0", .dflt = "40,30,20,10",
	 .help = "weights of worker selection's node score: locality, 1 - queue load, capability, affinity hint"},
	{.name = "BEAT_MEMGATE", SWITCH(memgate), .dflt = "true",
	 .help = "memory-pressure gate: under critical pressure (or high, for tasks of 512 KiB of arguments or more) new tasks run at once, depth first"},
	{.name = "BEAT_MEMGATE_LEVELS", .parse = parse_memgate_levels, .show = show_memgate_levels,
	 .range = "a,b,c,d: rising, 1..100", .dflt = "50,70,80,90",
	 .help = "percent of the memory cgroup's limit in use at which pressure is low, medium, high, critical"},
	{.name = "BEAT_PTHREAD", ANY_TEXT, .dflt = "observe", .flags = DESCRIBED,
	 .help = "pthread_create interposition: off, observe (learn each kind of thread's life), place (and bind new threads to a NUMA node, defer their start under memory pressure) or task (and run short non-blocking kinds as tasks on beat's pool); read by shim/interpose_pthread.c"},
	{.name = "BEAT_PTHREAD_SHORT", ANY_TEXT, .dflt = "200", .flags = DESCRIBED,
	 .help = "microseconds: a kind of thread whose threads live less than this on average is short (run as a task under BEAT_PTHREAD=task, placed on its creator's node under place); read by shim/interpose_pthread.c"},
	{.name = "BEAT_MEMGATE_SOURCE", ANY_TEXT, .dflt = "auto", .flags = DESCRIBED,
	 .help = "where the pressure level comes from: auto (cgroup, /proc/meminfo, PSI) or file:PATH (a file holding none, low, medium, high or critical; tests)"},
	{.name = "BEAT_INLINE", FIELD(inline_factor), .parse = parse_float, .min = 0, .max = 1000000,
	 .show = show_float, .dflt = "256",
	 .help = "a task is tiny (run inline) when its predicted cost is below this many spawn costs; 0 never inlines"},
	{.name = "BEAT_ONE_EURO", .parse = parse_one_euro, .show = show_one_euro, .range = "a,b,c: a, c > 0, b >= 0",
	 .dflt = "0.05,0.0005,1",
	 .help = "One Euro filter parameters mincutoff,beta,dcutoff (the filter runs on log2 of cycles, one step per sample)"},
};

#define NVARS (sizeof vars / sizeof vars[0])

static bool is_openmp_name(const char *name)
{
	return strncmp(name, "OMP_", 4) == 0;
}

static void bad_value(const struct env_var *var, const char *text, const char *why)
{
	char shown[400];
	beat_warn("%s='%s' is not valid (%s); using the default (%s)", var->name,
		  beat_escape(text, shown, sizeof shown), why, var->dflt);
}

/* The default: a value parsed as the environment's would be, or (DESCRIBED)
 * set by the row's reset, or the zero the field starts with. */
static void apply_default(const struct env_var *var)
{
	if (var->flags & DESCRIBED) {
		if (var->reset)
			var->reset(var);
		return;
	}
	const char *why = var->parse(var, var->dflt);
	if (why)
		beat_fatal("config.c: the default of %s, '%s', is not valid (%s)", var->name, var->dflt, why);
}

/* libgomp warns about an OpenMP variable set to the empty string (all but
 * OMP_AFFINITY_FORMAT, and those it ignores); so does beat, since libgomp's
 * own warning is no longer printed. beat's variables treat it as unset. */
static bool empty_is_invalid(const struct env_var *var)
{
	return strncmp(var->name, "BEAT_", 5) != 0 && !(var->flags & EMPTY_OK);
}

static void read_from_env(const struct env_var *var)
{
	const char *text = env_of(var->name);
	if (text == NULL) {
		if (empty_is_invalid(var) && beat_getenv_is_empty(var->name))
			bad_value(var, "", "empty");
		return;
	}
	const char *why = var->parse(var, text);
	if (why) {
		bad_value(var, text, why);
		return;
	}
	if (var->given)
		*var->given = true;
}

/* The range column of --help-env. */
static void range_text(const struct env_var *var, char *buf, size_t size)
{
	char lo[32], hi[32];
	if (var->range) {
		snprintf(buf, size, "%s", var->range);
	} else if (var->words) {
		size_t len = 0;
		for (const struct word *w = var->words; w->word && len < size; w++)
			len += snprintf(buf + len, size - len, "%s%s", w == var->words ? "" : "|", w->word);
	} else if (var->parse == parse_size) {
		size_text((unsigned long long)var->min, lo, sizeof lo);
		size_text((unsigned long long)var->max, hi, sizeof hi);
		snprintf(buf, size, "%s..%s", lo, hi);
	} else {
		snprintf(buf, size, "%lld..%lld", var->min, var->max);
	}
}

/* A --help-env cell padded to width; cells are apart by two blanks or
 * more even when one overflows, so `awk -F '  +'` splits the rows. */
static void print_cell(const char *text, int width)
{
	int n = fprintf(stderr, "%s", text);
	fprintf(stderr, "%*s", n + 2 > width ? 2 : width - n, "");
}

static void print_row(const char *name, const char *dflt, const char *range, const char *help)
{
	print_cell(name, 24);
	print_cell(dflt, 24);
	print_cell(range, 24);
	fprintf(stderr, "%s\n", help);
}

static void print_help(void)
{
	char range[128];
	print_row("VARIABLE", "DEFAULT", "RANGE", "MEANING");
	for (size_t i = 0; i < NVARS; i++) {
		range_text(&vars[i], range, sizeof range);
		print_row(vars[i].name, vars[i].dflt, range, vars[i].help);
	}
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

/* Every default, then the environment (EARLY rows first: BEAT_DEBUG, so that
 * ignored variables can be reported). */
static void read_table(void)
{
	for (size_t i = 0; i < NVARS; i++)
		apply_default(&vars[i]);
	for (size_t i = 0; i < NVARS; i++)
		if (vars[i].flags & EARLY)
			read_from_env(&vars[i]);
	for (size_t i = 0; i < NVARS; i++)
		if (!(vars[i].flags & EARLY))
			read_from_env(&vars[i]);
}

static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static void config_init_once(void)
{
	beat_topology_init();
	beat_cpu_budget_init();
	beat_presence_init();
	struct beat_icv *icv = &beat_cfg.initial;
	icv->list_level = 1;
	beat_cfg.thread_stack = default_thread_stack();
	read_table();
	beat_malloc_prime();
	/* Lists of more than one level allow as many nested levels (libgomp). */
	if (!env_of("OMP_MAX_ACTIVE_LEVELS") && !env_of("OMP_NESTED") &&
	    (beat_cfg.nthreads_list_len > 1 || beat_cfg.bind_list_len > 1))
		icv->max_active_levels = 255;
	/* A valid OMP_PLACES turns binding on unless OMP_PROC_BIND says
	 * otherwise (with OMP_PROC_BIND=false it makes no places). */
	if (beat_topology_places_init() && icv->bind == BEAT_BIND_FALSE)
		icv->bind = BEAT_BIND_TRUE;
	beat_topology_default_places();
	/* libgomp binds the initial thread to the first place when binding is
	 * on; its constructor reads no variable now (interpose_env.c), so beat
	 * does it, for the main thread (the one that constructor ran on). */
	if (icv->bind != BEAT_BIND_FALSE && beat_num_places > 0 && gettid() == getpid())
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

void beat_config_display(bool verbose)
{
	FILE *f = stderr;
	fputs("\nOPENMP DISPLAY ENVIRONMENT BEGIN\n", f);
	fputs("  _OPENMP = '201511'\n", f);
	for (size_t i = 0; i < NVARS; i++) {
		const struct env_var *var = &vars[i];
		if (var->show == NULL || (!verbose && !is_openmp_name(var->name)))
			continue;
		fprintf(f, "  %s = '", var->name);
		var->show(var, f);
		fputs("'\n", f);
	}
	fputs("OPENMP DISPLAY ENVIRONMENT END\n", f);
}

int beat_setting(enum beat_setting which)
{
	beat_config_init();
	switch (which) {
	case BEAT_SETTING_CANCELLATION: return beat_cfg.cancellation;
	case BEAT_SETTING_MAX_TASK_PRIORITY: return beat_cfg.max_task_priority;
	case BEAT_SETTING_MAX_TEAMS: return beat_cfg.max_teams;
	case BEAT_SETTING_TEAMS_THREAD_LIMIT: return beat_cfg.teams_thread_limit;
	case BEAT_SETTING_TARGET_OFFLOAD: return beat_cfg.target_offload;
	case BEAT_SETTING_ALLOCATOR: return beat_cfg.allocator;
	}
	return 0;
}

void beat_setting_store(enum beat_setting which, int value)
{
	beat_config_init();
	switch (which) {
	case BEAT_SETTING_MAX_TEAMS: beat_cfg.max_teams = value; break;
	case BEAT_SETTING_TEAMS_THREAD_LIMIT: beat_cfg.teams_thread_limit = value; break;
	default: beat_fatal("setting %d cannot be changed by a program", (int)which);
	}
}
