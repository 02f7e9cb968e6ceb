/* depend_gcc.c: gomp_compat's reading of GCC's depend arrays, both layouts
 * (the old one with the count in word 0, GCC 9's with 0 there) and depobj
 * objects, into beat's (address, kind) lists. */
#include "rt.h"
#include "../../gomp_compat/depend_gcc.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

static int errors;

static void expect(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "depend_gcc: %s\n", what);
		errors++;
	}
}

static void check_list(void **depend, size_t n, const struct beat_dep *want, const char *what)
{
	struct beat_dep got[8];
	expect(gomp_depend_count(depend) == n, what);
	gomp_depend_list(depend, got);
	for (size_t i = 0; i < n; i++)
		expect(got[i].addr == want[i].addr && got[i].kind == want[i].kind, what);
}

static void old_layout(void)
{
	int a, b, c;
	void *depend[] = {(void *)3, (void *)1, &a, &b, &c};
	struct beat_dep want[] = {{&a, BEAT_DEP_OUT}, {&b, BEAT_DEP_IN}, {&c, BEAT_DEP_IN}};
	check_list(depend, 3, want, "old layout");
}

static void new_layout(void)
{
	int a, b, c, d, e, f;
	void *obj_in[2] = {&e, (void *)1};
	void *obj_mutex[2] = {&f, (void *)4};
	void *obj_inout[2] = {&a, (void *)3};
	/* 6 in all: 1 out, 1 mutexinoutset, 1 in, then 3 depobjs */
	void *depend[] = {0, (void *)6, (void *)1, (void *)1, (void *)1, &b, &c, &d,
			  obj_in, obj_mutex, obj_inout};
	struct beat_dep want[] = {{&b, BEAT_DEP_OUT}, {&c, BEAT_DEP_MUTEXINOUTSET},
				  {&d, BEAT_DEP_IN}, {&e, BEAT_DEP_IN},
				  {&f, BEAT_DEP_MUTEXINOUTSET}, {&a, BEAT_DEP_OUT}};
	check_list(depend, 6, want, "GCC 9 layout with depobjs");
}

static void long_list(void)
{
	enum { N = GOMP_DEPEND_ON_STACK * 3 };
	static int x[N];
	void *depend[2 + N];
	depend[0] = (void *)(uintptr_t)N;
	depend[1] = (void *)(uintptr_t)N;
	for (int i = 0; i < N; i++)
		depend[2 + i] = &x[i];
	struct beat_dep small[GOMP_DEPEND_ON_STACK];
	size_t n;
	struct beat_dep *deps = gomp_depend_read(depend, small, &n);
	expect(n == N && deps != small, "a long list is allocated");
	for (int i = 0; i < N; i++)
		expect(deps[i].addr == &x[i] && deps[i].kind == BEAT_DEP_OUT, "long list entry");
	free(deps);
	depend[0] = (void *)2;
	deps = gomp_depend_read(depend, small, &n);
	expect(n == 2 && deps == small, "a short list stays on the stack");
}

int main(void)
{
	old_layout();
	new_layout();
	long_list();
	if (errors) {
		fprintf(stderr, "depend_gcc: %d errors\n", errors);
		return 1;
	}
	printf("depend_gcc: ok\n");
	return 0;
}
