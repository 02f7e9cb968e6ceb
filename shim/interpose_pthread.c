/* interpose_pthread.c: the program's pthread_create and the functions that
 * must know a beat-made handle (issue 12), by BEAT_PTHREAD:
 *   off      every call goes to the C library as it is;
 *   observe  (the default) a new thread runs through a trampoline that
 *            learns, per fingerprint (pthread_class.c), how long it lived,
 *            its CPU time and whether it blocked (every thread of a new
 *            kind, then one in 8); nothing else changes;
 *   place    observe, and on a machine of several NUMA nodes the thread
 *            binds itself at its start to its creator's node (short or
 *            cold fingerprints) or to the node with the fewest live long
 *            threads per CPU (long-lived ones, blocking or not); a thread
 *            whose attributes carry a CPU mask is left alone. Under high
 *            memory pressure its start waits (at most 50 ms) for the level
 *            to fall;
 *   task     place, and a thread of a short, non-blocking fingerprint runs
 *            as a task on beat's pool (pthread_pool.c).
 * beat's own threads are made with the C library's function
 * (beat_pt_real.create). The definitions carry glibc's symbol versions, the
 * current one and the one older binaries reference (interpose.map). */
#include "pthread_beat.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

struct beat_pt_real beat_pt_real;
int beat_pt_mode = -1;
struct beat_pt_stats beat_pt_stats;

/* 0: not looked up, 1: being looked up, 2: done. Not a pthread_once: a
 * sanitizer's runtime calls pthread_key_create while it starts, before its
 * own pthread_once can run. */
static int real_state;
static void beat_pt_report(void);
static pthread_once_t mode_once = PTHREAD_ONCE_INIT;

static void *find(const char *name)
{
	void *f = dlvsym(RTLD_NEXT, name, "GLIBC_2.34");
	if (!f)
		f = dlsym(RTLD_NEXT, name);
	if (!f)
		beat_fatal("the C library has no %s", name);
	return f;
}

static void real_init(void)
{
	beat_pt_real.create = find("pthread_create");
	beat_pt_real.join = find("pthread_join");
	beat_pt_real.tryjoin = find("pthread_tryjoin_np");
	beat_pt_real.timedjoin = find("pthread_timedjoin_np");
	beat_pt_real.clockjoin = find("pthread_clockjoin_np");
	beat_pt_real.detach = find("pthread_detach");
	beat_pt_real.exit = find("pthread_exit");
	beat_pt_real.self = find("pthread_self");
	beat_pt_real.kill = find("pthread_kill");
	beat_pt_real.cancel = find("pthread_cancel");
	beat_pt_real.setname = find("pthread_setname_np");
	beat_pt_real.getname = find("pthread_getname_np");
	beat_pt_real.getattr = find("pthread_getattr_np");
	beat_pt_real.getaffinity = find("pthread_getaffinity_np");
	beat_pt_real.key_create = find("pthread_key_create");
	beat_pt_real.key_delete = find("pthread_key_delete");
}

/* BEAT_PTHREAD and BEAT_STATS are read here, not by beat_config_init:
 * observe must not make a program that is not OpenMP read (and warn about)
 * its OMP_* variables. place and task need the configuration (the memory
 * gate) and the topology. */
static bool stats_on(void)
{
	const char *v = beat_getenv("BEAT_STATS");
	return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

static void mode_init(void)
{
	static const char *const words[] = {"off", "observe", "place", "task"};
	int m = BEAT_PT_OBSERVE;
	const char *v = beat_getenv("BEAT_PTHREAD");
	if (v && *v) {
		int found = -1;
		for (int i = 0; i < 4; i++)
			if (strcmp(v, words[i]) == 0)
				found = i;
		if (found < 0)
			beat_warn("BEAT_PTHREAD='%s' is not valid (off, observe, place or task); using observe", v);
		else
			m = found;
	}
	v = beat_getenv("BEAT_PTHREAD_SHORT");
	if (v && *v) {
		char *end;
		long us = strtol(v, &end, 10);
		if (*end || us < 1 || us > 60000000)
			beat_warn("BEAT_PTHREAD_SHORT='%s' is not valid (microseconds, 1 to 60000000); using 200", v);
		else
			beat_pt_short_ns = (double)us * 1000.0;
	}
	if (m >= BEAT_PT_PLACE) {
		beat_config_init();
		beat_numa_init();
	}
	if (m != BEAT_PT_OFF && stats_on())
		atexit(beat_pt_report);
	__atomic_store_n(&beat_pt_mode, m, __ATOMIC_RELEASE);
}

static void __attribute__((noinline)) real_init_once(void)
{
	int none = 0;
	if (__atomic_compare_exchange_n(&real_state, &none, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		real_init();
		__atomic_store_n(&real_state, 2, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&real_state, __ATOMIC_ACQUIRE) != 2)
		sched_yield();
}

static inline void need_real(void)
{
	if (BEAT_UNLIKELY(__atomic_load_n(&real_state, __ATOMIC_ACQUIRE) != 2))
		real_init_once();
}

#ifdef BEAT_TSAN_BUILD
/* Is f in ThreadSanitizer's runtime library? */
static bool dladdr_is_tsan(void (*f)(void *))
{
	Dl_info info;
	return dladdr((void *)f, &info) && info.dli_fname && strstr(info.dli_fname, "libtsan");
}

/* Under ThreadSanitizer beat's own threads must be made by its interceptor
 * (which comes first in the search order and then calls ours): a thread it
 * did not make cannot run instrumented code. */
static __thread bool making_own;
#endif

int beat_real_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	need_real();
#ifdef BEAT_TSAN_BUILD
	static int (*first)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	if (!first)
		first = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))dlsym(RTLD_DEFAULT, "pthread_create");
	making_own = true;
	int err = first(t, attr, fn, arg);
	making_own = false;
	return err;
#endif
	return beat_pt_real.create(t, attr, fn, arg);
}

uint64_t beat_pt_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void beat_pt_usage(uint64_t *cpu_ns, long *nvcsw)
{
	struct rusage ru;
	if (getrusage(RUSAGE_THREAD, &ru) != 0) {
		*cpu_ns = 0;
		*nvcsw = 0;
		return;
	}
	*cpu_ns = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000u +
		  (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000u;
	*nvcsw = ru.ru_nvcsw;
}

/* ------------------------------------------------------ placement, gate */

static int nnodes;
static cpu_set_t node_cpus[BEAT_MAX_NODES];
static int node_ncpus[BEAT_MAX_NODES];
static atomic_int node_long[BEAT_MAX_NODES]; /* live long threads placed there */
static pthread_once_t nodes_once = PTHREAD_ONCE_INIT;

static void nodes_init(void)
{
	cpu_set_t allowed;
	if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
		return;
	int top = 0;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &allowed))
			continue;
		int n = beat_numa_node_of_cpu(c);
		if (n < 0 || n >= BEAT_MAX_NODES)
			continue;
		CPU_SET(c, &node_cpus[n]);
		node_ncpus[n]++;
		if (n + 1 > top)
			top = n + 1;
	}
	int used = 0;
	for (int n = 0; n < top; n++)
		used += node_ncpus[n] > 0;
	nnodes = used > 1 ? top : 0;
}

/* The node a new thread goes to, -1: none (one node). */
static int place_node(bool lives_long)
{
	pthread_once(&nodes_once, nodes_init);
	if (nnodes < 2)
		return -1;
	if (!lives_long) {
		int cpu = sched_getcpu();
		int n = cpu >= 0 ? beat_numa_node_of_cpu(cpu) : -1;
		return n >= 0 && n < nnodes && node_ncpus[n] > 0 ? n : -1;
	}
	/* The node with the fewest long threads per CPU (the load term of
	 * worker selection's score). */
	int best = -1;
	long best_num = 0, best_den = 1;
	for (int n = 0; n < nnodes; n++) {
		if (node_ncpus[n] == 0)
			continue;
		long num = atomic_load_explicit(&node_long[n], memory_order_relaxed);
		if (best < 0 || num * best_den < best_num * node_ncpus[n]) {
			best = n;
			best_num = num;
			best_den = node_ncpus[n];
		}
	}
	return best;
}

/* Under high memory pressure a new thread (its stack) waits for the level
 * to fall, 50 ms at most. */
static void gate(void)
{
	if (!beat_cfg.memgate || beat_mem_level_refresh() < BEAT_MEM_HIGH)
		return;
	atomic_fetch_add_explicit(&beat_pt_stats.deferred, 1, memory_order_relaxed);
	struct timespec ms = {0, 1000000};
	for (int i = 0; i < 50 && beat_mem_level_refresh() >= BEAT_MEM_HIGH; i++)
		nanosleep(&ms, NULL);
}

/* ------------------------------------------------------ the trampoline */

struct start {
	void *(*fn)(void *);
	void *arg;
	uint64_t key;
	uint64_t t0;
	int node;       /* bind to it at the start (-1: no) */
	bool long_one;  /* counted in node_long[node] */
	bool measured;  /* learn its life (else only bind it) */
};

static pthread_key_t end_key;
static pthread_once_t end_once = PTHREAD_ONCE_INIT;

/* The thread's end (its key destructor, after a return or pthread_exit). */
static void thread_end(void *arg)
{
	struct start *s = arg;
	if (s->measured) {
		uint64_t cpu;
		long sw;
		beat_pt_usage(&cpu, &sw);
		beat_pt_learn(s->key, beat_pt_now_ns() - s->t0, cpu, sw);
	}
	if (s->long_one)
		atomic_fetch_sub_explicit(&node_long[s->node], 1, memory_order_relaxed);
	free(s);
}

static void end_init(void)
{
	beat_pt_real.key_create(&end_key, thread_end);
}

static void *trampoline(void *arg)
{
	struct start *s = arg;
	s->t0 = beat_pt_now_ns();
	if (s->node >= 0)
		sched_setaffinity(0, sizeof(cpu_set_t), &node_cpus[s->node]);
	if (!s->measured && !s->long_one) {
		void *(*fn)(void *) = s->fn, *a = s->arg;
		free(s);
		return fn(a);
	}
	pthread_setspecific(end_key, s);
	return s->fn(s->arg);
}

/* The attributes that matter: stack size (0: default), detached, an
 * explicit CPU mask, anything a pool worker cannot stand for (its own
 * stack, scheduling attributes). */
struct facts {
	size_t stacksize;
	bool detached, affinity, special;
};

static size_t default_stack(void)
{
	static size_t size;
	if (size == 0) {
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_getstacksize(&a, &size);
		pthread_attr_destroy(&a);
	}
	return size;
}

static void read_attr(const pthread_attr_t *attr, struct facts *f)
{
	memset(f, 0, sizeof *f);
	if (!attr)
		return;
	int ds = 0, inherit = PTHREAD_INHERIT_SCHED;
	pthread_attr_getdetachstate(attr, &ds);
	f->detached = ds == PTHREAD_CREATE_DETACHED;
	size_t ss = 0;
	pthread_attr_getstacksize(attr, &ss);
	f->stacksize = ss == default_stack() ? 0 : ss;
	void *addr = NULL;
	size_t len = 0;
	if (pthread_attr_getstack(attr, &addr, &len) == 0 && addr != NULL)
		f->special = true;
	pthread_attr_getinheritsched(attr, &inherit);
	if (inherit == PTHREAD_EXPLICIT_SCHED)
		f->special = true;
	/* Without a mask of its own an attribute object reports every CPU. */
	cpu_set_t set;
	if (pthread_attr_getaffinity_np(attr, sizeof set, &set) == 0 && CPU_COUNT(&set) < CPU_SETSIZE)
		f->affinity = true;
	if (f->stacksize > default_stack())
		f->special = true;
}

static BEAT_TLS unsigned made_here; /* threads this thread made (one in 8 measured) */

static void count_real(bool detached)
{
	atomic_fetch_add_explicit(&beat_pt_stats.created_real, 1, memory_order_relaxed);
	if (detached)
		atomic_fetch_add_explicit(&beat_pt_stats.detached, 1, memory_order_relaxed);
}

static int create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg,
		  const void *site)
{
	need_real();
#ifdef BEAT_TSAN_BUILD
	if (making_own)
		return beat_pt_real.create(thread, attr, fn, arg);
#endif
	if (BEAT_UNLIKELY(__atomic_load_n(&beat_pt_mode, __ATOMIC_ACQUIRE) < 0))
		pthread_once(&mode_once, mode_init);
	int mode = beat_pt_mode;
	if (mode == BEAT_PT_OFF)
		return beat_pt_real.create(thread, attr, fn, arg);
	struct facts f;
	read_attr(attr, &f);
	uint64_t key = beat_pt_key(fn, site, f.stacksize, f.detached, f.affinity);
	enum beat_pt_class c = beat_pt_class_of(key);
	if (mode >= BEAT_PT_PLACE)
		gate();
	if (mode == BEAT_PT_TASK && c == BEAT_PT_SHORT && !f.affinity && !f.special) {
		int err = beat_pt_task_start(thread, fn, arg, key, f.detached);
		if (err == 0) {
			atomic_fetch_add_explicit(&beat_pt_stats.created_task, 1, memory_order_relaxed);
			if (f.detached)
				atomic_fetch_add_explicit(&beat_pt_stats.detached, 1, memory_order_relaxed);
			return 0;
		}
	}
	int node = -1;
	bool lives_long = false;
	if (mode >= BEAT_PT_PLACE && !f.affinity) {
		lives_long = beat_pt_lives_long(key);
		node = place_node(lives_long);
		if (beat_cfg.debug)
			beat_warn("debug: new thread of kind %016llx (routine %p, called from %p): %s, placed on node %d",
				  (unsigned long long)key, (void *)fn, site, lives_long ? "long-lived" : "short-lived or new",
				  node);
	}
	/* A kind that has a class is measured one thread in 8; the others
	 * that need no binding start without the trampoline. */
	bool measured = c == BEAT_PT_COLD || (made_here++ & 7) == 0;
	if (!measured && node < 0) {
		int err = beat_pt_real.create(thread, attr, fn, arg);
		if (err == 0)
			count_real(f.detached);
		return err;
	}
	pthread_once(&end_once, end_init);
	struct start *s = malloc(sizeof *s);
	if (!s)
		return EAGAIN;
	*s = (struct start){.fn = fn, .arg = arg, .key = key, .node = node, .measured = measured};
	s->long_one = node >= 0 && lives_long;
	if (s->long_one)
		atomic_fetch_add_explicit(&node_long[node], 1, memory_order_relaxed);
	int err = beat_pt_real.create(thread, attr, trampoline, s);
	if (err) {
		if (s->long_one)
			atomic_fetch_sub_explicit(&node_long[s->node], 1, memory_order_relaxed);
		free(s);
		return err;
	}
	count_real(f.detached);
	return 0;
}

/* ------------------------------------------------------------ public API */

/* Each entry point is defined once under a name of its own and exported
 * with its versions (interpose.map and the .symver lines). */
#define VERSIONED(name, impl, old)                                        \
	__asm__(".symver " #impl "," #name "@@GLIBC_2.34");               \
	__asm__(".symver " #impl "_old," #name "@" old);

BEAT_EXPORT int beat_pt_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	return create(thread, attr, fn, arg, __builtin_return_address(0));
}
BEAT_EXPORT int beat_pt_create_old(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	return create(thread, attr, fn, arg, __builtin_return_address(0));
}
VERSIONED(pthread_create, beat_pt_create, "GLIBC_2.2.5")

BEAT_EXPORT int beat_pt_join(pthread_t t, void **ret)
{
	need_real();
	if (beat_pt_is_task(t))
		return beat_pt_task_join(beat_pt_task_of(t), ret, BEAT_PT_JOIN_WAIT, CLOCK_REALTIME, NULL);
	int err = beat_pt_real.join(t, ret);
	if (err == 0)
		atomic_fetch_add_explicit(&beat_pt_stats.joined, 1, memory_order_relaxed);
	return err;
}
BEAT_EXPORT int beat_pt_join_old(pthread_t t, void **ret)
{
	return beat_pt_join(t, ret);
}
VERSIONED(pthread_join, beat_pt_join, "GLIBC_2.2.5")

BEAT_EXPORT int beat_pt_tryjoin(pthread_t t, void **ret)
{
	need_real();
	if (beat_pt_is_task(t))
		return beat_pt_task_join(beat_pt_task_of(t), ret, BEAT_PT_JOIN_TRY, CLOCK_REALTIME, NULL);
	int err = beat_pt_real.tryjoin(t, ret);
	if (err == 0)
		atomic_fetch_add_explicit(&beat_pt_stats.joined, 1, memory_order_relaxed);
	return err;
}
BEAT_EXPORT int beat_pt_tryjoin_old(pthread_t t, void **ret)
{
	return beat_pt_tryjoin(t, ret);
}
VERSIONED(pthread_tryjoin_np, beat_pt_tryjoin, "GLIBC_2.3.3")

BEAT_EXPORT int beat_pt_timedjoin(pthread_t t, void **ret, const struct timespec *abstime)
{
	need_real();
	if (beat_pt_is_task(t))
		return beat_pt_task_join(beat_pt_task_of(t), ret, abstime ? BEAT_PT_JOIN_TIMED : BEAT_PT_JOIN_WAIT,
					 CLOCK_REALTIME, abstime);
	int err = beat_pt_real.timedjoin(t, ret, abstime);
	if (err == 0)
		atomic_fetch_add_explicit(&beat_pt_stats.joined, 1, memory_order_relaxed);
	return err;
}
BEAT_EXPORT int beat_pt_timedjoin_old(pthread_t t, void **ret, const struct timespec *abstime)
{
	return beat_pt_timedjoin(t, ret, abstime);
}
VERSIONED(pthread_timedjoin_np, beat_pt_timedjoin, "GLIBC_2.3.3")

BEAT_EXPORT int beat_pt_clockjoin(pthread_t t, void **ret, clockid_t clock, const struct timespec *abstime)
{
	need_real();
	if (beat_pt_is_task(t)) {
		if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
			return EINVAL;
		return beat_pt_task_join(beat_pt_task_of(t), ret, abstime ? BEAT_PT_JOIN_TIMED : BEAT_PT_JOIN_WAIT,
					 clock, abstime);
	}
	int err = beat_pt_real.clockjoin(t, ret, clock, abstime);
	if (err == 0)
		atomic_fetch_add_explicit(&beat_pt_stats.joined, 1, memory_order_relaxed);
	return err;
}
BEAT_EXPORT int beat_pt_clockjoin_old(pthread_t t, void **ret, clockid_t clock, const struct timespec *abstime)
{
	return beat_pt_clockjoin(t, ret, clock, abstime);
}
VERSIONED(pthread_clockjoin_np, beat_pt_clockjoin, "GLIBC_2.31")

BEAT_EXPORT int beat_pt_detach(pthread_t t)
{
	need_real();
	if (beat_pt_is_task(t))
		return beat_pt_task_detach(beat_pt_task_of(t));
	int err = beat_pt_real.detach(t);
	if (err == 0)
		atomic_fetch_add_explicit(&beat_pt_stats.detached, 1, memory_order_relaxed);
	return err;
}
BEAT_EXPORT int beat_pt_detach_old(pthread_t t)
{
	return beat_pt_detach(t);
}
VERSIONED(pthread_detach, beat_pt_detach, "GLIBC_2.2.5")

BEAT_EXPORT int beat_pt_kill(pthread_t t, int sig)
{
	need_real();
	if (beat_pt_is_task(t)) {
		pthread_t w = beat_pt_task_worker(beat_pt_task_of(t));
		/* Not running (not started, or ended but not joined): like a
		 * thread that exists, the signal 0 test succeeds; another
		 * signal is not delivered. */
		return w ? beat_pt_real.kill(w, sig) : 0;
	}
	return beat_pt_real.kill(t, sig);
}
BEAT_EXPORT int beat_pt_kill_old(pthread_t t, int sig)
{
	return beat_pt_kill(t, sig);
}
VERSIONED(pthread_kill, beat_pt_kill, "GLIBC_2.2.5")

BEAT_EXPORT int beat_pt_cancel(pthread_t t)
{
	need_real();
	if (beat_pt_is_task(t))
		return beat_pt_task_cancel(beat_pt_task_of(t));
	return beat_pt_real.cancel(t);
}
BEAT_EXPORT int beat_pt_cancel_old(pthread_t t)
{
	return beat_pt_cancel(t);
}
VERSIONED(pthread_cancel, beat_pt_cancel, "GLIBC_2.2.5")

BEAT_EXPORT int beat_pt_setname(pthread_t t, const char *name)
{
	need_real();
	if (beat_pt_is_task(t))
		return beat_pt_task_setname(beat_pt_task_of(t), name);
	return beat_pt_real.setname(t, name);
}
BEAT_EXPORT int beat_pt_setname_old(pthread_t t, const char *name)
{
	return beat_pt_setname(t, name);
}
VERSIONED(pthread_setname_np, beat_pt_setname, "GLIBC_2.12")

BEAT_EXPORT int beat_pt_getname(pthread_t t, char *buf, size_t len)
{
	need_real();
	if (beat_pt_is_task(t))
		return beat_pt_task_getname(beat_pt_task_of(t), buf, len);
	return beat_pt_real.getname(t, buf, len);
}
BEAT_EXPORT int beat_pt_getname_old(pthread_t t, char *buf, size_t len)
{
	return beat_pt_getname(t, buf, len);
}
VERSIONED(pthread_getname_np, beat_pt_getname, "GLIBC_2.12")

BEAT_EXPORT int beat_pt_getattr(pthread_t t, pthread_attr_t *attr)
{
	need_real();
	if (beat_pt_is_task(t)) {
		/* The worker's attributes while it runs (its stack is the
		 * routine's); before, those of a new thread. */
		pthread_t w = beat_pt_task_worker(beat_pt_task_of(t));
		if (w)
			return beat_pt_real.getattr(w, attr);
		return pthread_attr_init(attr);
	}
	return beat_pt_real.getattr(t, attr);
}
BEAT_EXPORT int beat_pt_getattr_old(pthread_t t, pthread_attr_t *attr)
{
	return beat_pt_getattr(t, attr);
}
__asm__(".symver beat_pt_getattr,pthread_getattr_np@@GLIBC_2.32");
__asm__(".symver beat_pt_getattr_old,pthread_getattr_np@GLIBC_2.2.5");

BEAT_EXPORT int beat_pt_getaffinity(pthread_t t, size_t size, cpu_set_t *set)
{
	need_real();
	if (beat_pt_is_task(t)) {
		pthread_t w = beat_pt_task_worker(beat_pt_task_of(t));
		if (w)
			return beat_pt_real.getaffinity(w, size, set);
		return sched_getaffinity(0, size, set) == 0 ? 0 : errno;
	}
	return beat_pt_real.getaffinity(t, size, set);
}
BEAT_EXPORT int beat_pt_getaffinity_old(pthread_t t, size_t size, cpu_set_t *set)
{
	return beat_pt_getaffinity(t, size, set);
}
__asm__(".symver beat_pt_getaffinity,pthread_getaffinity_np@@GLIBC_2.32");
__asm__(".symver beat_pt_getaffinity_old,pthread_getaffinity_np@GLIBC_2.3.4");

BEAT_EXPORT int beat_pt_key_create(pthread_key_t *key, void (*dtor)(void *))
{
	need_real();
	int err = beat_pt_real.key_create(key, dtor);
#ifdef BEAT_TSAN_BUILD
	/* ThreadSanitizer makes a key while it starts, when no instrumented
	 * code may run yet: its keys are not recorded (README). */
	if (dtor && dladdr_is_tsan(dtor))
		return err;
#endif
	if (err == 0)
		beat_pt_key_created(*key, dtor);
	return err;
}
BEAT_EXPORT int beat_pt_key_create_old(pthread_key_t *key, void (*dtor)(void *))
{
	return beat_pt_key_create(key, dtor);
}
VERSIONED(pthread_key_create, beat_pt_key_create, "GLIBC_2.2.5")

BEAT_EXPORT int beat_pt_key_delete(pthread_key_t key)
{
	need_real();
	beat_pt_key_deleted(key);
	return beat_pt_real.key_delete(key);
}
BEAT_EXPORT int beat_pt_key_delete_old(pthread_key_t key)
{
	return beat_pt_key_delete(key);
}
VERSIONED(pthread_key_delete, beat_pt_key_delete, "GLIBC_2.2.5")

/* Only one version each. */
BEAT_EXPORT pthread_t pthread_self(void)
{
	struct beat_ptask *p = beat_pt_current;
	if (BEAT_UNLIKELY(p != NULL))
		return beat_pt_handle(p);
	need_real();
	return beat_pt_real.self();
}

BEAT_EXPORT void pthread_exit(void *ret)
{
	need_real();
	if (beat_pt_current)
		beat_pt_task_exiting(ret);
	beat_pt_real.exit(ret);
}

/* The mapping of task handles for pthread_setaffinity_np
 * (interpose_affinity.c): the worker running it, which the program binds. */
pthread_t beat_pt_affinity_target(pthread_t t)
{
	if (!beat_pt_is_task(t))
		return t;
	struct beat_ptask *p = beat_pt_task_of(t);
	pthread_t w = beat_pt_task_worker(p);
	if (w)
		beat_pt_task_bound(p);
	return w;
}

static void beat_pt_report(void)
{
	if (beat_pt_mode <= BEAT_PT_OFF)
		return;
	static const char *const names[] = {"off", "observe", "place", "task"};
	unsigned long n[BEAT_PT_NCLASS];
	double life[BEAT_PT_NCLASS];
	beat_pt_class_counts(n, life);
	unsigned long real = atomic_load(&beat_pt_stats.created_real), task = atomic_load(&beat_pt_stats.created_task);
	fprintf(stderr,
		"beat: stats: pthreads: mode %s; created %lu (as threads %lu, as tasks %lu), joined %lu, detached %lu; "
		"starts deferred %lu; compensation workers %lu\n"
		"beat: stats: pthreads: fingerprints %lu (short %lu, long %lu, blocking %lu)\n"
		"beat: stats: pthreads: mean life of a thread, by class: short kinds %.1f us, long kinds %.1f us, "
		"blocking kinds %.1f us, new kinds %.1f us\n",
		names[beat_pt_mode], real + task, real, task, atomic_load(&beat_pt_stats.joined),
		atomic_load(&beat_pt_stats.detached), atomic_load(&beat_pt_stats.deferred),
		atomic_load(&beat_pt_stats.compensation), n[BEAT_PT_COLD] + n[BEAT_PT_SHORT] + n[BEAT_PT_LONG] + n[BEAT_PT_BLOCKING],
		n[BEAT_PT_SHORT], n[BEAT_PT_LONG], n[BEAT_PT_BLOCKING], life[BEAT_PT_SHORT], life[BEAT_PT_LONG],
		life[BEAT_PT_BLOCKING], life[BEAT_PT_COLD]);
}

void beat_pt_after_fork(void)
{
	beat_pt_class_reset_after_fork();
	beat_pt_pool_after_fork();
}
