/* pthread_class.c: what beat learns about the threads a program creates
 * (BEAT_PTHREAD=observe, place and task; issue 12). A thread's fingerprint
 * is its start routine, the call site of pthread_create and the attributes
 * that matter (stack size, detach state, an explicit CPU mask); a shared
 * table of 256 slots, four ways per fingerprint, learns for each fingerprint how long
 * its threads live, the CPU time they use and whether they block
 * (voluntary context switches, or a life much longer than its CPU time).
 * Threads are created and end at a rate of microseconds at best, so the
 * table takes a lock.
 *
 * Classes: cold (fewer than BEAT_PT_WARM ends seen), short (mean life
 * under BEAT_PTHREAD_SHORT, 200 us, and not blocking), long, blocking. Only short
 * fingerprints run as tasks (pthread_pool.c); a fingerprint once seen
 * blocking, or binding itself to CPUs, stays with real threads. */
#include "rt.h"
#include "pthread_beat.h"

#include <stdio.h>

#define SLOTS 256

struct slot {
	uint64_t key;
	uint32_t ends;          /* threads of it that ended (real or as tasks) */
	uint32_t blocked;       /* of them, those that blocked */
	double life_ns, cpu_ns; /* running means */
	bool sticky_real;       /* seen blocking while a task, or binding itself */
};

static struct slot table[SLOTS];
double beat_pt_short_ns = 200000.0;
static beat_mutex_t lock;

uint64_t beat_pt_key(void *(*fn)(void *), const void *site, size_t stacksize, bool detached,
		     bool affinity)
{
	uint64_t x = (uint64_t)(uintptr_t)fn * 0x9E3779B97F4A7C15ull;
	x ^= (uint64_t)(uintptr_t)site + (x << 6) + (x >> 2);
	x ^= ((uint64_t)stacksize >> 12) * 0xff51afd7ed558ccdull;
	x ^= (uint64_t)detached << 1 | (uint64_t)affinity << 2;
	x *= 0xc4ceb9fe1a85ec53ull;
	return (x ^ (x >> 29)) | 1;
}

/* A fingerprint lives in one of WAYS slots from its hash's top byte on, so
 * that two kinds of one program whose hashes meet do not keep evicting
 * each other (each then stayed cold forever; with addresses that change
 * from run to run, a program with a few kinds met that about 1 run in 200).
 * The slot holding key, or NULL when none does. */
#define WAYS 4

static struct slot *slot_find(uint64_t key)
{
	for (unsigned i = 0; i < WAYS; i++) {
		struct slot *s = &table[((key >> 56) + i) % SLOTS];
		if (s->key == key)
			return s;
	}
	return NULL;
}

/* The slot for key, taken (an empty one, else the first) when none holds
 * it yet. */
static struct slot *slot_of(uint64_t key)
{
	struct slot *s = slot_find(key);
	if (s)
		return s;
	s = &table[key >> 56];
	for (unsigned i = 0; i < WAYS; i++) {
		struct slot *e = &table[((key >> 56) + i) % SLOTS];
		if (e->key == 0) {
			s = e;
			break;
		}
	}
	*s = (struct slot){.key = key};
	return s;
}

/* The class of a slot in use (the lock held). */
static enum beat_pt_class slot_class(const struct slot *s)
{
	if (s->sticky_real || s->blocked * 4 > s->ends)
		return BEAT_PT_BLOCKING;
	if (s->ends < BEAT_PT_WARM)
		return BEAT_PT_COLD;
	return s->life_ns < beat_pt_short_ns ? BEAT_PT_SHORT : BEAT_PT_LONG;
}

enum beat_pt_class beat_pt_class_of(uint64_t key)
{
	beat_mutex_lock(&lock);
	struct slot *s = slot_find(key);
	enum beat_pt_class c = s ? slot_class(s) : BEAT_PT_COLD;
	beat_mutex_unlock(&lock);
	return c;
}

bool beat_pt_lives_long(uint64_t key)
{
	beat_mutex_lock(&lock);
	struct slot *s = slot_find(key);
	bool yes = s && s->ends >= BEAT_PT_WARM && s->life_ns >= beat_pt_short_ns;
	beat_mutex_unlock(&lock);
	return yes;
}

void beat_pt_learn(uint64_t key, uint64_t life_ns, uint64_t cpu_ns, long nvcsw)
{
	/* Blocked: it gave the CPU up, or it lived well beyond its CPU time
	 * (waiting without a context switch of its own is rare). */
	bool blocked = nvcsw > 0 || (life_ns > 50000 && life_ns > 4 * cpu_ns);
	beat_mutex_lock(&lock);
	struct slot *s = slot_of(key);
	s->ends++;
	s->blocked += blocked;
	/* The mean of the last 16 or so. */
	double w = s->ends < 16 ? 1.0 / s->ends : 1.0 / 16;
	s->life_ns += w * ((double)life_ns - s->life_ns);
	s->cpu_ns += w * ((double)cpu_ns - s->cpu_ns);
	beat_mutex_unlock(&lock);
}

void beat_pt_stick_real(uint64_t key)
{
	beat_mutex_lock(&lock);
	struct slot *s = slot_of(key);
	s->sticky_real = true;
	beat_mutex_unlock(&lock);
}

void beat_pt_class_counts(unsigned long n[BEAT_PT_NCLASS], double life_us[BEAT_PT_NCLASS])
{
	double sum[BEAT_PT_NCLASS] = {0};
	for (int c = 0; c < BEAT_PT_NCLASS; c++)
		n[c] = 0;
	beat_mutex_lock(&lock);
	for (unsigned i = 0; i < SLOTS; i++) {
		struct slot *s = &table[i];
		if (!s->key)
			continue;
		enum beat_pt_class c = slot_class(s);
		n[c]++;
		sum[c] += s->life_ns / 1000.0;
	}
	beat_mutex_unlock(&lock);
	for (int c = 0; c < BEAT_PT_NCLASS; c++)
		life_us[c] = n[c] ? sum[c] / (double)n[c] : 0.0;
}

void beat_pt_class_reset_after_fork(void)
{
	atomic_init(&lock.state, 0);
}
