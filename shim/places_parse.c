/* places_parse.c: reads an explicit OMP_PLACES list ("{0,1},{2:2}:3:2,!{4}",
 * bare CPU numbers, '!' exclusions) into CPU sets, with every count and CPU
 * number checked, so that no value can make beat loop or allocate without
 * bound.
 *
 * The grammar and limits are libgomp's: a place is {items} or a bare CPU
 * number, optionally preceded by '!' (remove that place from the list so
 * far) or followed by :count[:stride] (count copies, each shifted by
 * stride CPUs; count below 65536); an item is cpu[:len[:stride]] or !cpu
 * (removed from the place after all additions). At most 65536 places in
 * all; CPU numbers below the caller's limit (libgomp's: the highest CPU the
 * process may use, rounded up to a multiple of 64). Whitespace may surround
 * any token. */
#include "rt.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PLACES_MAX 65536L
#define COPIES_MAX 65535L

struct parser {
	const char *s;
	const char *why;              /* first problem found */
	struct beat_cpubits *list;    /* places so far */
	long n, cap;
	long added;                   /* places added, before exclusions */
	long cpu_limit;               /* CPU numbers must be below it */
};

static bool fail(struct parser *ps, const char *why)
{
	if (ps->why == NULL)
		ps->why = why;
	return false;
}

static void skip_space(struct parser *ps)
{
	while (isspace((unsigned char)*ps->s))
		ps->s++;
}

/* Digits with an optional sign; values beyond +-2^40 are refused. */
static bool read_number(struct parser *ps, bool sign_ok, long *out)
{
	skip_space(ps);
	bool neg = false;
	if (sign_ok && (*ps->s == '-' || *ps->s == '+'))
		neg = *ps->s++ == '-';
	if (!isdigit((unsigned char)*ps->s))
		return fail(ps, "expected a number");
	long v = 0;
	while (isdigit((unsigned char)*ps->s)) {
		if (v > (1L << 40))
			return fail(ps, "a number is too large");
		v = v * 10 + (*ps->s++ - '0');
	}
	skip_space(ps);
	*out = neg ? -v : v;
	return true;
}

static bool bit_test(const struct beat_cpubits *b, long c)
{
	return (b->w[c / 64] >> (c % 64)) & 1;
}

static void bit_set(struct beat_cpubits *b, long c, bool on)
{
	if (on)
		b->w[c / 64] |= 1ULL << (c % 64);
	else
		b->w[c / 64] &= ~(1ULL << (c % 64));
}

static bool cpu_ok(struct parser *ps, long c)
{
	if (c < 0 || c >= ps->cpu_limit)
		return fail(ps, "a CPU number is out of range");
	return true;
}

/* cpu[:len[:stride]] into set, or !cpu into drop. */
static bool read_item(struct parser *ps, struct beat_cpubits *set, struct beat_cpubits *drop)
{
	skip_space(ps);
	bool negate = *ps->s == '!';
	if (negate)
		ps->s++;
	long cpu, len = 1, stride = 1;
	if (!read_number(ps, false, &cpu) || !cpu_ok(ps, cpu))
		return false;
	if (negate) {
		if (*ps->s == ':')
			return fail(ps, "an excluded CPU takes no length");
		bit_set(drop, cpu, true);
		return true;
	}
	if (*ps->s == ':') {
		ps->s++;
		if (!read_number(ps, false, &len))
			return false;
		if (len == 0)
			return fail(ps, "an interval length is 0");
		if (*ps->s == ':') {
			ps->s++;
			if (!read_number(ps, true, &stride))
				return false;
		}
	}
	/* With a non-zero stride each step leaves the range sooner or later. */
	if (stride == 0)
		len = 1;
	if (len > BEAT_CPUBITS || (len > 1 && labs(stride) >= BEAT_CPUBITS))
		return fail(ps, "a CPU number is out of range");
	for (long k = 0; k < len; k++) {
		if (!cpu_ok(ps, cpu + k * stride))
			return false;
		bit_set(set, cpu + k * stride, true);
	}
	return true;
}

/* {items} or a bare CPU number. */
static bool read_place(struct parser *ps, struct beat_cpubits *set)
{
	memset(set, 0, sizeof *set);
	skip_space(ps);
	if (*ps->s != '{') {
		long cpu;
		if (!read_number(ps, false, &cpu) || !cpu_ok(ps, cpu))
			return false;
		bit_set(set, cpu, true);
		return true;
	}
	ps->s++;
	struct beat_cpubits drop;
	memset(&drop, 0, sizeof drop);
	for (;;) {
		if (!read_item(ps, set, &drop))
			return false;
		if (*ps->s == '}')
			break;
		if (*ps->s != ',')
			return fail(ps, "expected ',' or '}' in a place");
		ps->s++;
	}
	ps->s++;
	skip_space(ps);
	for (long c = 0; c < BEAT_CPUBITS; c++)
		if (bit_test(&drop, c)) {
			if (!bit_test(set, c))
				return fail(ps, "it excludes a CPU its place does not have");
			bit_set(set, c, false);
		}
	return true;
}

static bool push_place(struct parser *ps, const struct beat_cpubits *set)
{
	if (++ps->added > PLACES_MAX)
		return fail(ps, "more than 65536 places");
	if (ps->n == ps->cap) {
		long cap = ps->cap ? ps->cap * 2 : 16;
		struct beat_cpubits *l = realloc(ps->list, (size_t)cap * sizeof *l);
		if (l == NULL)
			return fail(ps, "out of memory");
		ps->list = l;
		ps->cap = cap;
	}
	ps->list[ps->n++] = *set;
	return true;
}

/* count copies of set, each shifted by stride CPUs from the one before. */
static bool push_copies(struct parser *ps, struct beat_cpubits *set, long count, long stride)
{
	if (count > 1 && labs(stride) >= BEAT_CPUBITS)
		return fail(ps, "a CPU number is out of range");
	for (long k = 0; k < count; k++) {
		if (k > 0) {
			struct beat_cpubits next;
			memset(&next, 0, sizeof next);
			for (long c = 0; c < BEAT_CPUBITS; c++)
				if (bit_test(set, c)) {
					if (!cpu_ok(ps, c + stride))
						return false;
					bit_set(&next, c + stride, true);
				}
			*set = next;
		}
		if (!push_place(ps, set))
			return false;
	}
	return true;
}

static bool remove_place(struct parser *ps, const struct beat_cpubits *set)
{
	for (long i = 0; i < ps->n; i++)
		if (memcmp(&ps->list[i], set, sizeof *set) == 0) {
			memmove(&ps->list[i], &ps->list[i + 1], (size_t)(ps->n - i - 1) * sizeof *set);
			ps->n--;
			return true;
		}
	return fail(ps, "it excludes a place that is not in the list");
}

static bool read_list(struct parser *ps)
{
	skip_space(ps);
	if (*ps->s == '\0')
		return fail(ps, "empty");
	for (;;) {
		skip_space(ps);
		bool negate = *ps->s == '!';
		if (negate)
			ps->s++;
		struct beat_cpubits set;
		if (!read_place(ps, &set))
			return false;
		long count = 1, stride = 0;
		if (*ps->s == ':') {
			if (negate)
				return fail(ps, "an excluded place takes no count");
			ps->s++;
			if (!read_number(ps, false, &count))
				return false;
			if (count == 0 || count > COPIES_MAX)
				return fail(ps, "a place count is not between 1 and 65535");
			stride = 1; /* as libgomp: {0,1}:2 is {0,1},{1,2} */
			if (*ps->s == ':') {
				ps->s++;
				if (!read_number(ps, true, &stride))
					return false;
			}
		}
		if (negate ? !remove_place(ps, &set) : !push_copies(ps, &set, count, stride))
			return false;
		if (*ps->s == '\0')
			return true;
		if (*ps->s != ',')
			return fail(ps, "expected ',' between places");
		ps->s++;
	}
}

long beat_places_parse(const char *text, long cpu_limit, struct beat_cpubits **places,
		       const char **why)
{
	if (cpu_limit <= 0 || cpu_limit > BEAT_CPUBITS)
		cpu_limit = BEAT_CPUBITS;
	struct parser ps = {text, NULL, NULL, 0, 0, 0, cpu_limit};
	if (!read_list(&ps)) {
		free(ps.list);
		*places = NULL;
		*why = ps.why ? ps.why : "not valid";
		return -1;
	}
	*places = ps.list;
	*why = NULL;
	return ps.n;
}
