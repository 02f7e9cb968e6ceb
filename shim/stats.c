/* stats.c: BEAT_STATS=1 prints, at exit, what the runtime did: tasks
 * queued and run at once, fibers started, parked, resumed and migrated,
 * steals (and by level: same L3, same node, remote), continuation spawns,
 * the fiber pool's high-water mark, and what classification did (tasks by
 * class, inlined by prediction, placed, the prediction's mean absolute
 * percentage error). Each thread counts in its own record; the report
 * sums the records. */
#include "rt.h"
#include "taskclass.h"

#include <stdio.h>
#include <stdlib.h>

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

/* "N0 N1 ..." over the nodes up to the highest with a non-zero count. */
static void per_node(char *buf, size_t len, const unsigned long *v)
{
	int top = 0;
	for (int n = 0; n < BEAT_MAX_NODES; n++)
		if (v[n])
			top = n;
	size_t k = 0;
	buf[0] = 0;
	for (int n = 0; n <= top && k < len; n++)
		k += (size_t)snprintf(buf + k, len - k, "%s%lu", n ? " " : "", v[n]);
}

/* Where tasks ran and how far they moved: printed when the machine has
 * several nodes, or whenever BEAT_TOPOLOGY names one. */
static void numa_report(const struct beat_stats *sum)
{
	if (beat_numa_nodes() < 2)
		return;
	char ran[256], placed[256];
	per_node(ran, sizeof ran, sum->tasks_on_node);
	per_node(placed, sizeof placed, sum->placed_node);
	fprintf(stderr,
		"beat: stats: numa: tasks started per node: %s; off their home node %lu\n"
		"beat: stats: numa: remote steal batches brought %lu more tasks; tasks taken from another node's mailbox %lu\n"
		"beat: stats: numa: data looked up for %lu tasks (%lu pages); placed per node: %s\n",
		ran, sum->task_migrations, sum->steal_batch, sum->mail_remote, sum->locality_probes,
		sum->locality_pages, placed);
	fprintf(stderr,
		"beat: stats: numa: workers' pages on their node: members %lu/%lu, deques %lu/%lu, "
		"task blocks %lu/%lu, fiber stacks %lu/%lu\n",
		sum->mem_local[BEAT_MEM_MEMBER], sum->mem_checked[BEAT_MEM_MEMBER],
		sum->mem_local[BEAT_MEM_DEQUE], sum->mem_checked[BEAT_MEM_DEQUE],
		sum->mem_local[BEAT_MEM_TASKS], sum->mem_checked[BEAT_MEM_TASKS],
		sum->mem_local[BEAT_MEM_STACK], sum->mem_checked[BEAT_MEM_STACK]);
}

/* The memory gate: decisions by the level they saw, and how many of them
 * ran the task at once. */
static void memgate_report(const struct beat_stats *sum)
{
	if (!beat_cfg.memgate) {
		fputs("beat: stats: memory gate off (BEAT_MEMGATE=false)\n", stderr);
		return;
	}
	const unsigned long *n = sum->memgate_seen, *now = sum->memgate_now;
	fprintf(stderr,
		"beat: stats: memory gate: level now %s; decisions at none %lu, low %lu, medium %lu, high %lu, "
		"critical %lu; run at once at high %lu, at critical %lu\n"
		"beat: stats: memory gate: held at medium %lu; started by their waiter %lu, after the level fell %lu, "
		"in a full barrier %lu, after %d ms held %lu; team threads not started %lu\n",
		beat_mem_level_name(__atomic_load_n(&beat_mem_level, __ATOMIC_RELAXED)), n[BEAT_MEM_NONE],
		n[BEAT_MEM_LOW], n[BEAT_MEM_MEDIUM], n[BEAT_MEM_HIGH], n[BEAT_MEM_CRITICAL], now[BEAT_MEM_HIGH],
		now[BEAT_MEM_CRITICAL], sum->memgate_held, sum->memgate_waited, sum->memgate_fell,
		sum->memgate_barrier, BEAT_HOLD_MS, sum->memgate_late, sum->memgate_threads);
	beat_fiber_pressure_report();
}

/* The memory estimate per fingerprint: how many tasks were measured, how
 * many fingerprints touch 512 KiB and 1 MiB or more, and the largest. */
static void memest_report(unsigned long samples)
{
	if (!beat_cfg.memgate || !beat_cfg.classify)
		return;
	unsigned long half = 0, mib = 0;
	uint32_t top = 0;
	for (struct beat_thread *t = beat_all_threads(); t; t = t->all_next) {
		const struct beat_fp_table *tab = t->fp;
		for (unsigned s = 0; tab && s < BEAT_FP_SLOTS; s++) {
			uint32_t kb = tab->key[s] ? tab->mem_kb[s] : 0;
			half += kb >= 512;
			mib += kb >= 1024;
			top = kb > top ? kb : top;
		}
	}
	fprintf(stderr,
		"beat: stats: memory estimate: %lu tasks measured; fingerprints (per thread) touching 512 KiB or more %lu, "
		"1 MiB or more %lu; largest %u KiB\n",
		samples, half, mib, top);
}

static void stats_report(void)
{
	struct beat_stats sum = {0};
	struct beat_fp_stats fp = {0};
	int threads = 0;
	for (struct beat_thread *t = beat_all_threads(); t; t = t->all_next) {
		threads++;
		sum.tasks_deferred += LOAD(t->stats.tasks_deferred);
		sum.submit_rule += LOAD(t->stats.submit_rule);
		sum.submit_throttle += LOAD(t->stats.submit_throttle);
		sum.submit_class += LOAD(t->stats.submit_class);
		sum.submit_queued += LOAD(t->stats.submit_queued);
		sum.submit_placed += LOAD(t->stats.submit_placed);
		sum.submit_deferred += LOAD(t->stats.submit_deferred);
		sum.submit_dropped += LOAD(t->stats.submit_dropped);
		sum.fiber_runs += LOAD(t->stats.fiber_runs);
		sum.parks += LOAD(t->stats.parks);
		sum.resumes += LOAD(t->stats.resumes);
		sum.migrations += LOAD(t->stats.migrations);
		sum.steals += LOAD(t->stats.steals);
		for (int l = 0; l < 3; l++)
			sum.steals_level[l] += LOAD(t->stats.steals_level[l]);
		sum.cont_spawns += LOAD(t->stats.cont_spawns);
		sum.cont_stolen += LOAD(t->stats.cont_stolen);
		sum.park_refused += LOAD(t->stats.park_refused);
		sum.moved_off_taken += LOAD(t->stats.moved_off_taken);
		sum.steal_batch += LOAD(t->stats.steal_batch);
		sum.mail_remote += LOAD(t->stats.mail_remote);
		sum.task_migrations += LOAD(t->stats.task_migrations);
		sum.locality_probes += LOAD(t->stats.locality_probes);
		sum.locality_pages += LOAD(t->stats.locality_pages);
		for (int k = 0; k < BEAT_MEM_LEVELS; k++) {
			sum.memgate_seen[k] += LOAD(t->stats.memgate_seen[k]);
			sum.memgate_now[k] += LOAD(t->stats.memgate_now[k]);
		}
		sum.memgate_held += LOAD(t->stats.memgate_held);
		sum.memgate_waited += LOAD(t->stats.memgate_waited);
		sum.memgate_fell += LOAD(t->stats.memgate_fell);
		sum.memgate_barrier += LOAD(t->stats.memgate_barrier);
		sum.memgate_late += LOAD(t->stats.memgate_late);
		sum.memgate_threads += LOAD(t->stats.memgate_threads);
		for (int k = 0; k < 4; k++) {
			sum.mem_local[k] += LOAD(t->stats.mem_local[k]);
			sum.mem_checked[k] += LOAD(t->stats.mem_checked[k]);
		}
		for (int n = 0; n < BEAT_MAX_NODES; n++) {
			sum.tasks_on_node[n] += LOAD(t->stats.tasks_on_node[n]);
			sum.placed_node[n] += LOAD(t->stats.placed_node[n]);
		}
		struct beat_fp_table *tab = t->fp;
		if (tab) {
			for (int c = 0; c < BEAT_NCLASS; c++)
				fp.by_class[c] += tab->st.by_class[c];
			fp.inlined += tab->st.inlined;
			fp.kept_for_thieves += tab->st.kept_for_thieves;
			fp.placed += tab->st.placed;
			fp.samples += tab->st.samples;
			fp.ape_n += tab->st.ape_n;
			fp.ape_sum += tab->st.ape_sum;
			fp.mem_samples += tab->st.mem_samples;
		}
	}
	fprintf(stderr,
		"beat: stats: threads %d\n"
		"beat: stats: tasks deferred %lu, run at once %lu\n"
		"beat: stats: decisions: at once by rule %lu, by throttle %lu, by class %lu; "
		"queued %lu, placed %lu, continued %lu, waiting for dependences %lu, dropped %lu\n"
		"beat: stats: fibers: started %lu, parked %lu, resumed %lu, migrated %lu, helped in place %lu\n"
		"beat: stats: fiber pool: high-water %d fibers of %zu KiB (limit %d)\n"
		"beat: stats: steals %lu; continuation spawns %lu, continuations stolen %lu\n",
		threads, sum.tasks_deferred, sum.submit_rule + sum.submit_throttle + sum.submit_class,
		sum.submit_rule, sum.submit_throttle, sum.submit_class, sum.submit_queued, sum.submit_placed,
		sum.cont_spawns, sum.submit_deferred, sum.submit_dropped, sum.fiber_runs, sum.parks,
		sum.resumes, sum.migrations, sum.park_refused, beat_fiber_count(), beat_fiber_stack_bytes() / 1024,
		beat_cfg.fiber_max, sum.steals, sum.cont_spawns, sum.cont_stolen);
	fprintf(stderr, "beat: stats: steals by level: l3 %lu, node %lu, remote %lu\n",
		sum.steals_level[BEAT_LEVEL_L3], sum.steals_level[BEAT_LEVEL_NODE],
		sum.steals_level[BEAT_LEVEL_REMOTE]);
	fprintf(stderr, "beat: stats: waiters moved off a CPU another process took %lu\n", sum.moved_off_taken);
	numa_report(&sum);
	memgate_report(&sum);
	if (!beat_cfg.classify) {
		fputs("beat: stats: classification off (BEAT_CLASSIFY=false)\n", stderr);
		return;
	}
	memest_report(fp.mem_samples);
	fprintf(stderr,
		"beat: stats: classes: tiny %lu, small %lu, medium %lu, large %lu, cold %lu\n"
		"beat: stats: inlined by prediction %lu, kept for idle members %lu, placed in the mailbox %lu\n"
		"beat: stats: prediction: %lu samples, error (MAPE) %.1f%% over %lu; spawn cost %.0f cycles\n",
		fp.by_class[BEAT_CLASS_TINY], fp.by_class[BEAT_CLASS_SMALL], fp.by_class[BEAT_CLASS_MEDIUM],
		fp.by_class[BEAT_CLASS_LARGE], fp.by_class[BEAT_CLASS_COLD], fp.inlined, fp.kept_for_thieves,
		fp.placed, fp.samples, fp.ape_n ? 100.0 * fp.ape_sum / (double)fp.ape_n : 0.0, fp.ape_n,
		beat_spawn_cycles);
}

void beat_stats_register(void)
{
	atexit(stats_report);
}
