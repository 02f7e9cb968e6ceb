/* stats.c: BEAT_STATS=1 prints, at exit, what the runtime did: tasks
 * queued and run at once, fibers started, parked, resumed and migrated,
 * steals, continuation spawns, and the fiber pool's high-water mark. Each
 * thread counts in its own record; the report sums the records. */
#include "rt.h"

#include <stdio.h>
#include <stdlib.h>

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static void stats_report(void)
{
	struct beat_stats sum = {0};
	int threads = 0;
	for (struct beat_thread *t = beat_all_threads(); t; t = t->all_next) {
		threads++;
		sum.tasks_deferred += LOAD(t->stats.tasks_deferred);
		sum.tasks_immediate += LOAD(t->stats.tasks_immediate);
		sum.fiber_runs += LOAD(t->stats.fiber_runs);
		sum.parks += LOAD(t->stats.parks);
		sum.resumes += LOAD(t->stats.resumes);
		sum.migrations += LOAD(t->stats.migrations);
		sum.steals += LOAD(t->stats.steals);
		sum.cont_spawns += LOAD(t->stats.cont_spawns);
		sum.cont_stolen += LOAD(t->stats.cont_stolen);
	}
	fprintf(stderr,
		"beat: stats: threads %d\n"
		"beat: stats: tasks deferred %lu, run at once %lu\n"
		"beat: stats: fibers: started %lu, parked %lu, resumed %lu, migrated %lu\n"
		"beat: stats: fiber pool: high-water %d fibers of %zu KiB (limit %d)\n"
		"beat: stats: steals %lu; continuation spawns %lu, continuations stolen %lu\n",
		threads, sum.tasks_deferred, sum.tasks_immediate, sum.fiber_runs, sum.parks,
		sum.resumes, sum.migrations, beat_fiber_count(), beat_fiber_stack_bytes() / 1024,
		beat_cfg.fiber_max, sum.steals, sum.cont_spawns, sum.cont_stolen);
}

void beat_stats_register(void)
{
	atexit(stats_report);
}
