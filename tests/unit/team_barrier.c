/* team_barrier.c: the runtime's own teams, without the GOMP layer: regions of
 * 1..8 threads in a row, each member passing many barriers with a phase check
 * (nobody leaves a barrier before everyone arrived), tasks created by every
 * member completed by the barrier, and a nested region per member. */
#include "rt.h"

#include <stdio.h>
#include <string.h>

#define PHASES 300

struct region {
	unsigned n;
	atomic_int phase[16];
	atomic_int errors;
	atomic_long tasks_run;
};

static void count_task(void *arg)
{
	struct region *r = *(struct region **)arg;
	atomic_fetch_add(&r->tasks_run, 1);
}

static void nested(void *arg)
{
	struct region *r = arg;
	if (beat_member_self()->team->level != 2)
		atomic_fetch_add(&r->errors, 1);
}

static void body(void *arg)
{
	struct region *r = arg;
	struct beat_member *m = beat_member_self();
	unsigned id = m->id;
	if (m->team->nthreads != r->n)
		atomic_fetch_add(&r->errors, 1);
	for (int p = 0; p < PHASES; p++) {
		atomic_store(&r->phase[id], p);
		for (int k = 0; k < 3; k++) {
			void *slot;
			struct beat_task *t = beat_task_alloc(sizeof r, sizeof r, &slot);
			memcpy(slot, &r, sizeof r);
			if (beat_task_prepare(t, count_task, 0, 0, NULL, 0, false))
				beat_task_enqueue(t);
		}
		beat_barrier(m);
		for (unsigned k = 0; k < r->n; k++)
			if (atomic_load(&r->phase[k]) != p)
				atomic_fetch_add(&r->errors, 1);
		beat_barrier(m);
	}
	beat_parallel(nested, r, 1, 0);
}

int main(void)
{
	beat_config_init();
	for (int rep = 0; rep < 3; rep++)
		for (unsigned n = 1; n <= 8; n++) {
			struct region r;
			memset(&r, 0, sizeof r);
			r.n = n;
			beat_parallel(body, &r, n, 0);
			long want = (long)n * PHASES * 3;
			if (atomic_load(&r.errors) != 0 || atomic_load(&r.tasks_run) != want) {
				fprintf(stderr, "team_barrier: %u threads: %d errors, %ld of %ld tasks\n", n,
					atomic_load(&r.errors), atomic_load(&r.tasks_run), want);
				return 1;
			}
		}
	printf("team_barrier: regions of 1..8 threads, %d phases each, all checks held\n", PHASES);
	return 0;
}
