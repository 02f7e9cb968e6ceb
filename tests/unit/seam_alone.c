/* seam_alone.c: the runtime linked alone (shim/ objects, no gomp_compat/
 * object), driven only through the seam an ABI layer uses (abi.h): a
 * parallel region of 4 threads in which every member submits tasks with
 * beat_submit (a task tree with taskwaits, tasks with copy constructors,
 * a dependence chain, if(false) tasks, a taskgroup), then checks the
 * results and each decision the integration manager reported. */
#include "abi.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 4

static atomic_int failures;

#define EXPECT(cond, ...)                                                    \
	do {                                                                 \
		if (!(cond)) {                                               \
			atomic_fetch_add(&failures, 1);                      \
			fprintf(stderr, "seam_alone: FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                        \
			fputc('\n', stderr);                                 \
		}                                                            \
	} while (0)

/* ------------------------------------------------------- a task tree */

struct fib_arg {
	int n;
	long *out;
};

static void fib_task(void *p);

static long fib(int n)
{
	if (n < 2)
		return n;
	long x = 0, y = 0;
	struct fib_arg a = { n - 1, &x }, b = { n - 2, &y };
	struct beat_spawn s = { .fn = fib_task, .data = &a, .arg_size = sizeof a,
				.arg_align = _Alignof(struct fib_arg), .site = (const void *)fib };
	beat_submit(&s);
	s.data = &b;
	beat_submit(&s);
	beat_taskwait();
	return x + y;
}

static void fib_task(void *p)
{
	struct fib_arg *a = p;
	*a->out = fib(a->n);
}

/* ------------------------------------------- copy constructors, fates */

static atomic_int copies, ran;

static void copy_counted(void *dst, void *src)
{
	*(int *)dst = *(int *)src + 1000;
	atomic_fetch_add(&copies, 1);
}

static void check_copy(void *p)
{
	if (*(int *)p >= 1000)
		atomic_fetch_add(&ran, 1);
}

static long chain;

static void chain_step(void *p)
{
	chain = chain * 10 + *(int *)p;
}

static void body(void *unused)
{
	int me = beat_thread_num();
	EXPECT(beat_team_size() == NTHREADS, "team size %d", beat_team_size());
	long f = fib(16);
	EXPECT(f == 987, "thread %d: fib(16) = %ld", me, f);

	for (int i = 0; i < 10; i++) {
		struct beat_spawn s = { .fn = check_copy, .data = &i, .copy = copy_counted,
					.arg_size = sizeof i, .arg_align = _Alignof(int) };
		beat_submit(&s);
	}
	beat_taskwait();

	struct beat_decision d;
	int v = 7;
	struct beat_spawn undeferred = { .fn = check_copy, .data = &v, .copy = copy_counted,
					 .arg_size = sizeof v, .arg_align = _Alignof(int),
					 .flags = BEAT_SPAWN_UNDEFERRED, .out = &d };
	int fate = beat_submit(&undeferred);
	EXPECT(fate == BEAT_FATE_INLINED && d.fate == BEAT_FATE_INLINED && d.why == BEAT_WHY_RULE,
	       "if(false) task: fate %d, recorded %d, why %d", fate, (int)d.fate, (int)d.why);

	if (me == 0) {
		/* A dependence chain from one creator: the steps run in order. */
		beat_taskgroup_start();
		static int digits[6] = { 1, 2, 3, 4, 5, 6 };
		struct beat_dep dep = { &chain, BEAT_DEP_OUT };
		for (int i = 0; i < 6; i++) {
			struct beat_spawn s = { .fn = chain_step, .data = &digits[i], .arg_size = sizeof(int),
						.arg_align = _Alignof(int), .deps = &dep, .ndeps = 1 };
			beat_submit(&s);
		}
		beat_taskgroup_end();
		EXPECT(chain == 123456, "dependence chain gave %ld", chain);
	}
}

int main(void)
{
	beat_parallel(body, NULL, NTHREADS, 0);
	EXPECT(atomic_load(&copies) == NTHREADS * 11, "%d copies made", atomic_load(&copies));
	EXPECT(atomic_load(&ran) == NTHREADS * 11, "%d copied tasks ran", atomic_load(&ran));
	if (atomic_load(&failures) == 0)
		printf("seam_alone: shim alone ran a %d-thread region with a task tree, copied, "
		       "undeferred and dependent tasks\n", NTHREADS);
	return atomic_load(&failures) ? 1 : 0;
}
