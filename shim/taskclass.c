/* taskclass.c: the per-thread fingerprint tables: claiming a slot, warming
 * a cold entry from the shared table, recording a measured task (One Euro
 * filter, variance, error against the prediction), re-classifying in
 * batches, and calibrating the cost of a spawn at start-up. */
#include "taskclass.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

float beat_fp_bounds[3];
float beat_spawn_cycles;
static pthread_once_t calibrate_once = PTHREAD_ONCE_INIT;

/* The shared table: per slot, the key's low 40 bits (the top 8 are the
 * slot) and the predicted cost's top 24 bits (sign, exponent, 15 bits of
 * mantissa) in one word, so a reader never sees half of one entry and half
 * of another. */
static _Atomic uint64_t published[BEAT_FP_SLOTS];

static uint64_t pack(uint64_t key, float pred)
{
	uint32_t bits;
	memcpy(&bits, &pred, sizeof bits);
	return (key << 24) | (bits >> 8);
}

static bool unpack(uint64_t word, uint64_t key, float *pred)
{
	if (word == 0 || (word >> 24) != (key & 0xffffffffffull))
		return false;
	uint32_t bits = (uint32_t)(word & 0xffffff) << 8;
	memcpy(pred, &bits, sizeof *pred);
	return true;
}

/* A spawn, as the runtime does it: a task block from the free list, its
 * header cleared, a push and pop on a deque, the counters a task moves
 * (parent, team, references) and the block's return. The minimum over a few
 * rounds is the machine's spawn cost. */
static void calibrate(void)
{
	struct beat_deque d;
	beat_deque_init(&d);
	atomic_long counters[4] = {0};
	float best = 1e30f;
	for (int round = 0; round < 8; round++) {
		uint64_t c0 = beat_cycles();
		for (int i = 0; i < 64; i++) {
			void *arg;
			struct beat_task *task = beat_task_alloc(16, 8, &arg);
			atomic_init(&task->refs, 1);
			for (int k = 0; k < 4; k++)
				atomic_fetch_add_explicit(&counters[k], 1, memory_order_relaxed);
			beat_deque_push(&d, task);
			task = beat_deque_pop(&d);
			for (int k = 0; k < 4; k++)
				atomic_fetch_sub_explicit(&counters[k], 1, memory_order_acq_rel);
			beat_task_unref(task);
		}
		float c = (float)(beat_cycles() - c0) / 64.0f;
		if (c < best)
			best = c;
	}
	beat_deque_destroy(&d);
	beat_spawn_cycles = best;
	float f = beat_cfg.inline_factor;
	beat_fp_bounds[0] = f * best;
	beat_fp_bounds[1] = 8.0f * (f > 0 ? f : 1.0f) * best;
	beat_fp_bounds[2] = 64.0f * (f > 0 ? f : 1.0f) * best;
}

struct beat_fp_table *beat_fp_table_new(struct beat_thread *t)
{
	pthread_once(&calibrate_once, calibrate);
	size_t size = (sizeof(struct beat_fp_table) + BEAT_CACHELINE - 1) & ~(size_t)(BEAT_CACHELINE - 1);
	struct beat_fp_table *tab = aligned_alloc(BEAT_CACHELINE, size);
	if (!tab)
		beat_fatal("out of memory for a task table");
	memset(tab, 0, sizeof *tab);
	memset(tab->cls, BEAT_CLASS_COLD, sizeof tab->cls);
	memset(tab->countdown, 1, sizeof tab->countdown);
	t->fp = tab;
	return tab;
}

void beat_fp_claim(struct beat_fp_table *tab, unsigned s, uint64_t key)
{
	tab->key[s] = key;
	tab->pred[s] = 0.0f;
	tab->trusted[s] = 0;
	tab->cls[s] = BEAT_CLASS_COLD;
	tab->countdown[s] = 1;
	tab->mem_kb[s] = 0;
	memset(&tab->e[s], 0, sizeof tab->e[s]);
	beat_fp_warm(tab, s, key);
}

/* A cold entry starts from what another thread has published. */
void beat_fp_warm(struct beat_fp_table *tab, unsigned s, uint64_t key)
{
	float pred;
	if (!unpack(atomic_load_explicit(&published[s], memory_order_relaxed), key, &pred))
		return;
	struct beat_fp_entry *e = &tab->e[s];
	e->oe.started = true;
	e->oe.x = log2f(pred);
	e->oe.dx = 0.0f;
	e->samples = BEAT_FP_TRUST;
	tab->pred[s] = pred;
	tab->trusted[s] = 1;
	tab->cls[s] = beat_classify_one(pred, 1, beat_fp_bounds);
	tab->countdown[s] = BEAT_FP_PERIOD_OF(1, tab->cls[s]);
}

void beat_fp_batch(struct beat_fp_table *tab)
{
	beat_classify_batch(tab->pred, tab->trusted, tab->cls, BEAT_FP_SLOTS, beat_fp_bounds);
	for (unsigned s = 0; s < BEAT_FP_SLOTS; s++) {
		if (!tab->trusted[s])
			continue;
		uint64_t w = pack(tab->key[s], tab->pred[s]);
		if (atomic_load_explicit(&published[s], memory_order_relaxed) != w)
			atomic_store_explicit(&published[s], w, memory_order_relaxed);
	}
	tab->updates = 0;
}

/* What tasks of a fingerprint touch, as the threads that ran them saw it:
 * the fingerprint's low 32 bits (a tag) above the KiB. The thread that
 * decides is seldom the one that ran them (a producer's tasks run on the
 * other members). */
static _Atomic uint64_t published_mem[BEAT_FP_SLOTS];

void beat_fp_record_mem(struct beat_thread *t, uint64_t key, long faults)
{
	static long page_kb_cached; /* every thread computes the same value */
	long page_kb = __atomic_load_n(&page_kb_cached, __ATOMIC_RELAXED);
	if (page_kb == 0) {
		page_kb = sysconf(_SC_PAGESIZE) / 1024;
		__atomic_store_n(&page_kb_cached, page_kb, __ATOMIC_RELAXED);
	}
	struct beat_fp_table *tab = t->fp;
	unsigned s = (unsigned)(key >> 56);
	if (!tab || tab->key[s] != key || faults < 0)
		return;
	/* The largest recent value: a peak decays by an eighth per sample. */
	uint64_t kb = (uint64_t)faults * (uint64_t)page_kb, old = tab->mem_kb[s];
	uint64_t decayed = old - old / 8;
	kb = kb > decayed ? kb : decayed;
	uint32_t v = kb > UINT32_MAX ? UINT32_MAX : (uint32_t)kb;
	tab->mem_kb[s] = v;
	tab->st.mem_samples++;
	uint64_t w = (uint64_t)(uint32_t)key << 32 | v;
	if (atomic_load_explicit(&published_mem[s], memory_order_relaxed) != w)
		atomic_store_explicit(&published_mem[s], w, memory_order_relaxed);
}

uint32_t beat_fp_mem_kb(const struct beat_fp_table *tab, uint64_t key)
{
	unsigned s = (unsigned)(key >> 56);
	uint32_t own = tab && tab->key[s] == key ? tab->mem_kb[s] : 0;
	uint64_t w = atomic_load_explicit(&published_mem[s], memory_order_relaxed);
	uint32_t seen = (uint32_t)(w >> 32) == (uint32_t)key ? (uint32_t)w : 0;
	return own > seen ? own : seen;
}

void beat_fp_record(struct beat_thread *t, uint64_t key, uint64_t cycles, unsigned children)
{
	struct beat_fp_table *tab = t->fp ? t->fp : beat_fp_table_new(t);
	unsigned s = (unsigned)(key >> 56);
	if (tab->key[s] != key)
		beat_fp_claim(tab, s, key);
	struct beat_fp_entry *e = &tab->e[s];
	float x = (float)cycles;
	if (x < 1.0f)
		x = 1.0f;
	tab->st.samples++;
	/* Each sample stands for the tasks since the previous one. */
	e->count += BEAT_FP_PERIOD_OF(tab->trusted[s], tab->cls[s]);
	if (e->samples > 0) {
		float err = tab->pred[s] - x;
		tab->st.ape_sum += fabsf(err) / x;
		tab->st.ape_n++;
		e->var = 0.9f * e->var + 0.1f * err * err;
	}
	/* The filter runs on log2 of the cost: task costs span six orders of
	 * magnitude, and in octaves one set of parameters (a jump of one octave
	 * per sample is fast for any task) fits them all. */
	float pred = beat_cfg.predict ? exp2f(beat_one_euro_update(&e->oe, log2f(x), &beat_cfg.one_euro)) : x;
	tab->pred[s] = pred;
	e->samples++;
	e->children += children;
	/* A newly trusted entry gets its class at once; after that classes are
	 * refreshed in batches. */
	if (e->samples >= BEAT_FP_TRUST && !tab->trusted[s]) {
		tab->trusted[s] = 1;
		tab->cls[s] = beat_classify_one(pred, 1, beat_fp_bounds);
		tab->countdown[s] = BEAT_FP_PERIOD_OF(1, tab->cls[s]);
	}
	if (++tab->updates >= BEAT_FP_BATCH)
		beat_fp_batch(tab);
}
