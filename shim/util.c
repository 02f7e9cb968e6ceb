/* util.c: messages, futex wrappers, the futex mutex and spin-then-sleep
 * waiting that every other part of the runtime builds on. */
#include "rt.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "beat: %s", prefix);
	if (n < 0 || (size_t)n >= sizeof buf)
		n = 0;
	int k = vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
	if (k > 0)
		n += k < (int)(sizeof buf - n - 1) ? k : (int)(sizeof buf - n - 2);
	buf[n++] = '\n';
	ssize_t unused = write(2, buf, n);
	(void)unused;
}

static void message(const char *prefix, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(prefix, fmt, ap);
	va_end(ap);
}

const char *beat_escape(const char *value, char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)value;
	size_t o = 0;
	if (n < 8) {
		if (n > 0)
			buf[0] = '\0';
		return buf;
	}
	/* Room is kept for the longest escape, "..." and the NUL. */
	for (; *p && o + 8 < n; p++) {
		unsigned char c = *p;
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			buf[o++] = (char)c;
			continue;
		}
		buf[o++] = '\\';
		if (c == '\\' || c == '\n' || c == '\t' || c == '\r') {
			buf[o++] = c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : '\\';
		} else {
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	if (*p) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

void beat_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

/* Leaves the process as libgomp's fatal errors do: stdio flushed, atexit
 * handlers and destructors run (exit). A second fatal error while the first
 * is exiting (an atexit handler that fails again, another thread) leaves
 * at once instead, since exit must not run twice. */
static __attribute__((noreturn)) void leave(int status)
{
	static atomic_int leaving;
	if (atomic_exchange_explicit(&leaving, 1, memory_order_acq_rel) != 0)
		_exit(status);
	exit(status);
}

void beat_fatal(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	leave(EXIT_FAILURE);
}

void beat_unsupported(const char *name)
{
	fflush(stdout);
	message("", "%s is not supported yet", name);
	leave(3);
}

/* Every sleep on a futex: the sleeper is not counted on its CPU while it
 * sleeps (presence.c), and is counted where it wakes if it was before. */
static void futex_sleep(unsigned *word, int op, unsigned expected, const struct timespec *ts,
			unsigned bits)
{
	bool counted = beat_presence_leave();
	syscall(SYS_futex, word, op, expected, ts, NULL, bits);
	if (counted)
		beat_presence_arrive();
}

void beat_futex_wait(atomic_uint *word, unsigned expected)
{
	futex_sleep((unsigned *)word, FUTEX_WAIT_PRIVATE, expected, NULL, 0);
}

void beat_futex_wait_for(atomic_uint *word, unsigned expected, long ns)
{
	struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
	futex_sleep((unsigned *)word, FUTEX_WAIT_PRIVATE, expected, &ts, 0);
}

void beat_futex_wake(atomic_uint *word, int count)
{
	syscall(SYS_futex, (unsigned *)word, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
}

/* The same with a futex bitset: a waker names the waiters it wants. */
void beat_futex_wait_bits(atomic_uint *word, unsigned expected, unsigned bits)
{
	futex_sleep((unsigned *)word, FUTEX_WAIT_BITSET_PRIVATE, expected, NULL, bits);
}

int beat_futex_wake_bits(atomic_uint *word, int count, unsigned bits)
{
	return (int)syscall(SYS_futex, (unsigned *)word, FUTEX_WAKE_BITSET_PRIVATE, count, NULL, NULL, bits);
}

bool beat_mutex_trylock(beat_mutex_t *m)
{
	unsigned expected = 0;
	return atomic_compare_exchange_strong_explicit(&m->state, &expected, 1,
						       memory_order_acquire,
						       memory_order_relaxed);
}

/* More threads than CPUs (or than the cgroup's CPU quota). */
static inline bool oversubscribed(void)
{
	extern atomic_int beat_threads_managed;
	return atomic_load_explicit(&beat_threads_managed, memory_order_relaxed) > beat_cpu_budget;
}

void beat_mutex_lock(beat_mutex_t *m)
{
	if (BEAT_LIKELY(beat_mutex_trylock(m)))
		return;
	/* The whole spin budget (GOMP_SPINCOUNT, or the oversubscribed cap),
	 * as every other wait: a fixed 100 pauses (about 0.3 us on some CPUs)
	 * sent a waiter to sleep behind critical sections of a microsecond,
	 * and every later unlock into a system call (a loop of 0.4 us
	 * sections at 2 threads: 0.68-0.87 us per section, libgomp 0.50).
	 * Plain pauses, not beat_spin_pause: any thread takes these locks
	 * (a program's own pthread calling omp_set_lock), and presence
	 * counts only threads that leave their count when they go. */
	unsigned long limit = beat_spin_limit();
	if (limit < 100)
		limit = 100; /* (passive: runtime locks are held briefly) */
	/* With threads outnumbering CPUs the holder may be waiting for this
	 * very CPU: every 16th poll yields it (a plain sched_yield, which
	 * counts nobody). 8 threads on 2 CPUs, epcc_lock: 0.104 -> 0.039 us
	 * (libgomp 0.106); beside a busy process 0.162 -> 0.069 (0.073). */
	bool over = oversubscribed();
	for (unsigned long i = 0; i < limit; i++) {
		if (over && (i & 15) == 15)
			sched_yield();
		beat_cpu_relax();
		if (atomic_load_explicit(&m->state, memory_order_relaxed) == 0 &&
		    beat_mutex_trylock(m))
			return;
	}
	while (atomic_exchange_explicit(&m->state, 2, memory_order_acquire) != 0)
		beat_futex_wait(&m->state, 2);
}

void beat_mutex_unlock(beat_mutex_t *m)
{
	if (atomic_exchange_explicit(&m->state, 0, memory_order_release) == 2)
		beat_futex_wake(&m->state, 1);
}

/* Polls of an oversubscribed waiter before it sleeps: the thread it waits
 * for is most likely one of those waiting for a CPU; a poll yields to it
 * when it shares this CPU (beat_spin_pause), which hands it over without
 * the futex wake-ups a sleep would cost every waiter. */
#define OVERSUBSCRIBED_POLLS 2000

/* The whole budget, every wait (as libgomp's GOMP_SPINCOUNT). A budget
 * that shrank after each wait that ended in sleep was tried: under a
 * competing process it collapsed, every short wait slept, and each wake-up
 * put the sleeper on its waker's CPU, next to it (presence.c). */
unsigned long beat_spin_limit(void)
{
	if (beat_cfg.wait_policy == BEAT_WAIT_PASSIVE)
		return 0;
	unsigned long limit = beat_cfg.spincount;
	/* A spinning waiter would steal the CPU from the thread it waits
	 * for: it polls fewer times, yielding at each. */
	if (oversubscribed()) {
		unsigned long throttled = beat_cfg.spincount_set ? 1000 : OVERSUBSCRIBED_POLLS;
		if (limit > throttled)
			limit = throttled;
	}
	return limit;
}

/* How often a spinning waiter looks whether another of beat's threads
 * shares its CPU (a power of two, in polls). */
#define PRESENCE_POLLS 8

/* With threads outnumbering CPUs, a yield that kept this thread off its
 * CPU this long may have gone to another process. Then the waiter moves to
 * a CPU that process does not take (presence.c) and yields there; where
 * there is none, for a while, a waiter that shares its CPU sleeps instead
 * (the thread it waits for gets the CPU from the kernel and wakes it),
 * because each further yield would give that process another time slice:
 * with 8 threads on 2 CPUs beside a busy process, every region waited a
 * slice (3.5 ms, against 0.1 ms sleeping). Without oversubscription a long
 * yield is more often a team-mate that computed meanwhile, and moving
 * (presence.c) undoes the sharing; there a waiter keeps yielding. */
#define SLOW_YIELD_S 0.001
#define YIELDS_GIVE_AWAY_S 0.1
/* A slow yield alone does not show another process: beat's own threads
 * may have had the CPU all along (8 threads on 2 CPUs and no other
 * process: one region in 30 went to sleep that way, 13.0 us per region
 * against libomp's 10.9). So the process's CPU time since a stamp (taken
 * at most every 10 ms: it is a system call) is set against its CPUs: under
 * 85% of them, some went elsewhere; to another process only if one has a
 * thread runnable (foreign.c), for idle CPUs read the same. */
#define SHARE_STAMP_S 0.01
#define SHARE_OWN 0.85
static BEAT_TLS double yields_give_away_until;
static BEAT_TLS double stamp_wall, stamp_cpu;

static double process_cpu(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Yields to the thread that shares this CPU; false when yields go to
 * another process (the waiter should sleep). */
static bool yield_to_team(void)
{
	double before = beat_now();
	if (before < yields_give_away_until)
		return false;
	if (before - stamp_wall > SHARE_STAMP_S) {
		stamp_wall = before;
		stamp_cpu = process_cpu();
	}
	sched_yield();
	double after = beat_now();
	if (after - before < SLOW_YIELD_S)
		return true;
	double cpu = process_cpu(), wall = after - stamp_wall;
	bool elsewhere = cpu - stamp_cpu < SHARE_OWN * wall * (beat_cpu_budget > 0 ? beat_cpu_budget : 1);
	stamp_wall = after;
	stamp_cpu = cpu;
	/* The time the process did not get may have gone to idle CPUs (a
	 * team-mate computed here while another CPU had nothing to run):
	 * then no other process is runnable (foreign.c). */
	if (!elsewhere || beat_foreign_runnable() == 0)
		return true;
	/* It marks this CPU taken and moves to one that is not (presence.c). */
	if (beat_presence_taken(after + YIELDS_GIVE_AWAY_S))
		return true;
	yields_give_away_until = after + YIELDS_GIVE_AWAY_S;
	return false;
}

bool beat_spin_pause(unsigned long i)
{
	beat_cpu_relax();
	/* Give the CPU away only to a thread that may be the one we wait
	 * for: another of beat's threads last seen on this CPU. A yield to
	 * another process would hand it the rest of a time slice while the
	 * team waits, so there is no yield otherwise. With threads
	 * outnumbering CPUs, look at every poll, and sleep rather than yield
	 * while yields go to another process. */
	if (oversubscribed())
		return !beat_presence_shared() || yield_to_team();
	if ((i & (PRESENCE_POLLS - 1)) == PRESENCE_POLLS - 1 && beat_presence_shared())
		sched_yield();
	return true;
}

/* beat_word_wait_step: polls at most this often, then sleeps this long. */
#define WORD_SPIN_CAP 20000UL
#define WORD_SLEEP_NS 1000000L

/* The half of a 64-bit word a futex can watch: its low 32 bits. */
static unsigned *low_half(atomic_ullong *word)
{
	char *p = (char *)word;

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	p += sizeof(unsigned long long) - sizeof(unsigned);
#endif
	return (unsigned *)p;
}

/* Sleeps while *addr == expected, at most WORD_SLEEP_NS, woken only by
 * wakes whose bitset meets `bits`. */
static void futex_wait_briefly(unsigned *addr, unsigned expected, unsigned bits)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += WORD_SLEEP_NS;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_nsec -= 1000000000L;
		until.tv_sec++;
	}
	futex_sleep(addr, FUTEX_WAIT_BITSET_PRIVATE, expected, &until, bits);
}

void beat_word_wait_step(struct beat_word_waiter *w, atomic_ullong *word,
			 unsigned long long seen, unsigned bits, atomic_long *sleepers)
{
	unsigned long cap = beat_spin_limit();

	if (w->spins < (cap < WORD_SPIN_CAP ? cap : WORD_SPIN_CAP)) {
		w->spins++;
		beat_cpu_relax();
		return;
	}
	/* Registered before the last look, so the mover sees us or we see it. */
	atomic_fetch_add_explicit(sleepers, 1, memory_order_seq_cst);
	if (atomic_load_explicit(word, memory_order_seq_cst) == seen)
		futex_wait_briefly(low_half(word), (unsigned)seen, bits);
	atomic_fetch_sub_explicit(sleepers, 1, memory_order_relaxed);
}

void beat_word_wake(atomic_ullong *word, unsigned bits, atomic_long *sleepers)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(sleepers, memory_order_relaxed) != 0)
		syscall(SYS_futex, low_half(word), FUTEX_WAKE_BITSET_PRIVATE, INT_MAX,
			NULL, NULL, bits);
}

double beat_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}
