/* taskclass.h: what each kind of task costs, learnt per thread. A task's
 * fingerprint (task function, call site of the task construct, argument
 * size, flags, nesting depth) names a slot of the thread's own table, which
 * holds the predicted cost (One Euro filter over sampled cycle counts), the
 * sample count and variance, children per task, and the class the inline
 * decision reads. Nothing here takes a lock, makes a system call or writes
 * memory another thread writes: tables are per thread; what one thread
 * learns is published now and then to a shared table that cold entries of
 * other threads start from. */
#ifndef BEAT_TASKCLASS_H
#define BEAT_TASKCLASS_H

#include "rt.h"
#include "classify.h"
#include "predict.h"

#include <time.h>

#define BEAT_FP_SLOTS 256   /* direct-mapped by the key's top 8 bits */
#define BEAT_FP_TRUST 3     /* samples before a prediction is used */
#define BEAT_FP_PERIOD 32   /* a trusted entry times one task in this many... */
#define BEAT_FP_PERIOD_TINY 255 /* ...and a tiny one (they are most tasks) in this many */

/* Tasks between two samples of a slot, from its trust and class. */
#define BEAT_FP_PERIOD_OF(trusted, cls) \
	((trusted) ? ((cls) == BEAT_CLASS_TINY ? BEAT_FP_PERIOD_TINY : BEAT_FP_PERIOD) : 1)
#define BEAT_FP_BATCH 64    /* samples between two batch re-classifications */

struct beat_fp_entry {
	uint32_t samples;
	uint32_t count;       /* tasks seen with this fingerprint (counted when sampled) */
	uint64_t children;    /* children made by the sampled tasks */
	float var;            /* running variance of the prediction error */
	struct beat_one_euro oe;
};

struct beat_fp_stats {
	unsigned long by_class[BEAT_NCLASS]; /* decisions, by the class they saw */
	unsigned long inlined;               /* deferred tasks run inline by prediction */
	unsigned long kept_for_thieves;      /* tiny tasks spawned because others were idle */
	unsigned long placed;                /* large tasks put in the team mailbox for idle members */
	unsigned long samples;
	unsigned long ape_n;                 /* samples compared with a prediction */
	double ape_sum;                      /* sum of |predicted - measured| / measured */
	unsigned long mem_samples;           /* sampled tasks whose page faults were counted */
};

struct beat_fp_table {
	uint64_t key[BEAT_FP_SLOTS];
	float pred[BEAT_FP_SLOTS];     /* structure of arrays: the batch classifier's input */
	uint8_t trusted[BEAT_FP_SLOTS];
	uint8_t cls[BEAT_FP_SLOTS];    /* what the hot path reads */
	uint8_t countdown[BEAT_FP_SLOTS];
	uint32_t mem_kb[BEAT_FP_SLOTS]; /* memory a task touches anew (KiB), the memory gate's estimate */
	struct beat_fp_entry e[BEAT_FP_SLOTS];
	unsigned updates;
	struct beat_fp_stats st;
};

/* The smallest cost (cycles) of small, medium and large tasks. */
extern float beat_fp_bounds[3];
/* What a spawn costs on this machine (cycles), measured at start-up. */
extern float beat_spawn_cycles;

static inline uint64_t beat_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: no system call */
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

static inline uint64_t beat_fp_key(void (*fn)(void *), const void *site, long arg_size,
				   unsigned flags, unsigned depth)
{
	/* One multiply: its high bits, which pick the slot, depend on every
	 * input bit below them. */
	uint64_t x = (uint64_t)(uintptr_t)fn ^ ((uint64_t)(uintptr_t)site << 17 | (uint64_t)(uintptr_t)site >> 47);
	x += ((uint64_t)arg_size << 40) + ((uint64_t)flags << 56) + (uint64_t)(depth > 255 ? 255 : depth) * 0x10001u;
	uint64_t h = x * 0x9E3779B97F4A7C15ull;
	return (h ^ (h >> 31)) | 1; /* 0 marks an empty slot */
}

struct beat_fp_table *beat_fp_table_new(struct beat_thread *t);
void beat_fp_claim(struct beat_fp_table *tab, unsigned s, uint64_t key);
void beat_fp_warm(struct beat_fp_table *tab, unsigned s, uint64_t key);
/* A measured task: cycles from start to end of its body, children it made.
 * Goes into the calling thread's table. */
void beat_fp_record(struct beat_thread *t, uint64_t key, uint64_t cycles, unsigned children);
/* A measured task's minor page faults (the memory gate's estimate). Only
 * medium, large and cold tasks are measured: a shorter task cannot touch
 * much memory (a fault costs about a microsecond), and the two getrusage
 * calls would cost it more than the 2% the gate may. */
static inline bool beat_fp_mem_measured(int cls)
{
	return cls >= BEAT_CLASS_MEDIUM;
}
void beat_fp_record_mem(struct beat_thread *t, uint64_t key, long faults);
/* The memory estimate of a fingerprint (KiB): the larger of what this
 * thread and what any thread last measured. */
uint32_t beat_fp_mem_kb(const struct beat_fp_table *tab, uint64_t key);
/* Re-classifies a whole table (vector code) and publishes it. */
void beat_fp_batch(struct beat_fp_table *tab);

/* Looks the fingerprint up (claiming its slot when another one held it),
 * counts the decision, and says whether this task is to be timed. */
static inline unsigned beat_fp_lookup(struct beat_fp_table *tab, uint64_t key, bool *sample)
{
	unsigned s = (unsigned)(key >> 56);
	if (BEAT_UNLIKELY(tab->key[s] != key))
		beat_fp_claim(tab, s, key);
	else if (BEAT_UNLIKELY(!tab->trusted[s]))
		beat_fp_warm(tab, s, key);
	tab->st.by_class[tab->cls[s]]++;
	if (--tab->countdown[s] == 0) {
		tab->countdown[s] = BEAT_FP_PERIOD_OF(tab->trusted[s], tab->cls[s]);
		*sample = true;
	} else {
		*sample = false;
	}
	return s;
}

#endif
