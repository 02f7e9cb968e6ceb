/* pthread_pool.c: threads run as tasks (BEAT_PTHREAD=task, issue 12).
 *
 * A thread whose fingerprint was seen short-lived and non-blocking as a
 * real thread is not created: pthread_create queues a record and returns
 * its handle (the record's address + 1), and one of beat's pool workers
 * (real threads, made once, as many as the process has CPUs) runs the
 * routine on its own stack. pthread_join waits for the record on a futex.
 * When the routine returns, the values it gave the program's keys are
 * destroyed and cleared as at a thread's end (pthread_key_create is
 * watched for that), and the record is done.
 *
 * pthread_exit (or a cancellation) in a routine ends the pool worker
 * itself as the C library ends any thread: its cleanup handlers, C++
 * destructors and key destructors run; the worker's own key destructor
 * then completes the record with the value (PTHREAD_CANCELED when
 * cancelled), and the pool makes another worker when it needs one.
 *
 * Blocking: a routine that blocks anyway holds its worker. A watchdog
 * thread looks every millisecond while records are queued and no worker
 * is idle: when every routine running has run for more than a millisecond
 * (blocked, or long after all), it adds up to 4 workers, one per waiting
 * record (compensation, counted in BEAT_STATS), and gives those routines'
 * fingerprints real threads from then on. A worker that joins a record
 * nobody has started adds one at once. So a routine that waits for a later
 * one (the deadlock of a naive M:N scheduler) waits about a millisecond
 * per 4 missing workers.
 *
 * What a routine sees of a fresh thread, and what it does not: the main
 * program's thread-local variables (__thread, C++ thread_local) are reset
 * to their initial values at the start of each routine and errno is 0;
 * C++ thread_local destructors registered by a routine run at its end (as
 * at a thread's end; __cxa_thread_atexit_impl is watched for that). Not
 * reset: thread-local variables of shared libraries, keys made before beat
 * was loaded or by the C library itself, the thread id (gettid). Hence
 * only fingerprints seen short and non-blocking run as tasks. */
#include "pthread_beat.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { QUEUED, RUNNING, DONE };

struct beat_ptask {
	void *(*fn)(void *);
	void *arg;
	uint64_t key;
	atomic_uint state;       /* QUEUED, RUNNING, DONE; joiners wait on it */
	atomic_int refs;         /* the handle (until joined or detached) + the run */
	atomic_bool detached;
	atomic_bool cancel_asked;
	bool exiting;            /* pthread_exit called: ret is its value */
	bool bound;              /* the program set its CPU mask */
	bool named;
	pthread_t worker;        /* while RUNNING */
	void *ret;
	uint64_t start_ns;
	char name[16];
	struct beat_ptask *next;
};

BEAT_TLS struct beat_ptask *beat_pt_current;
static BEAT_TLS bool is_worker;
/* In a child forked by a routine: the routine's return ends the process's
 * only thread, as it would have ended the thread it stood for. */
static BEAT_TLS bool forked_routine;

/* What each worker runs (fingerprint, start time), for the watchdog. */
#define SLOTS 256
static _Atomic uint64_t slot_key[SLOTS], slot_start[SLOTS];
static atomic_uint next_slot;
static BEAT_TLS unsigned my_slot;

static beat_mutex_t qlock;
static struct beat_ptask *qhead, *qtail;
static atomic_int queued;
static atomic_uint work_seq;        /* bumped at each queueing: idle workers wait on it */
static atomic_int workers, idle, sleeping; /* idle: not running a routine; sleeping: on the futex */
#define SPIN 64
static int target;                  /* workers wanted without compensation */
static atomic_bool watchdog_up;
static atomic_uint watch_seq;       /* the watchdog sleeps on it while nothing is queued */
static atomic_int watch_sleeping;
static pthread_key_t worker_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static cpu_set_t start_mask;

/* The main program's thread-local block: its initial image, and where
 * each worker's copy is (dl_iterate_phdr, once per worker). */
static const void *tls_image;
static size_t tls_filesz, tls_memsz;
static BEAT_TLS void *my_tls;

/* C++ thread_local destructors a routine registered: run at its end. */
struct tls_dtor {
	void (*fn)(void *);
	void *obj;
	struct tls_dtor *next;
};
static BEAT_TLS struct tls_dtor *tls_dtors;

/* The program's keys, for the end of each routine. */
#define MAX_KEYS 1024
static beat_mutex_t klock;
static void (*key_dtor[MAX_KEYS])(void *);
static unsigned char key_live[MAX_KEYS];
static atomic_uint key_top;          /* 1 + the highest live key */

static void worker_gone(void *arg);

/* The main program (the first object, named ""): its PT_TLS segment, and
 * the calling thread's copy of it. */
static int find_main_tls(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_TLS)
			continue;
		tls_image = (const void *)(info->dlpi_addr + ph->p_vaddr);
		tls_filesz = ph->p_filesz;
		tls_memsz = ph->p_memsz;
		*(void **)data = info->dlpi_tls_data;
	}
	return 1; /* only the first object */
}

/* A routine starts with the main program's thread-local variables as a
 * new thread has them, and errno 0. */
static void fresh_thread_state(void)
{
	if (my_tls) {
		memcpy(my_tls, tls_image, tls_filesz);
		memset((char *)my_tls + tls_filesz, 0, tls_memsz - tls_filesz);
	}
	errno = 0;
}

/* The routine's C++ thread_local destructors, newest first. */
static void run_tls_dtors(void)
{
	while (tls_dtors) {
		struct tls_dtor *d = tls_dtors;
		tls_dtors = d->next;
		d->fn(d->obj);
		free(d);
	}
}

static void pool_init(void)
{
	target = beat_cpu_budget > 0 ? beat_cpu_budget : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (target < 2)
		target = 2;
	beat_pt_real.key_create(&worker_key, worker_gone);
	sched_getaffinity(0, sizeof start_mask, &start_mask);
}

pthread_t beat_pt_handle(struct beat_ptask *p)
{
	return (pthread_t)((uintptr_t)p + 1);
}

static void unref(struct beat_ptask *p)
{
	if (atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) == 1)
		free(p);
}

/* ------------------------------------------------------------ the keys */

void beat_pt_key_created(pthread_key_t key, void (*dtor)(void *))
{
	if (key >= MAX_KEYS)
		return;
	beat_mutex_lock(&klock);
	key_dtor[key] = dtor;
	key_live[key] = 1;
	if (key + 1 > atomic_load_explicit(&key_top, memory_order_relaxed))
		atomic_store_explicit(&key_top, key + 1, memory_order_release);
	beat_mutex_unlock(&klock);
}

void beat_pt_key_deleted(pthread_key_t key)
{
	if (key >= MAX_KEYS)
		return;
	beat_mutex_lock(&klock);
	key_live[key] = 0;
	key_dtor[key] = NULL;
	beat_mutex_unlock(&klock);
}

/* What the C library does for a thread's keys at its end: each non-NULL
 * value is cleared and given to its destructor, again while destructors
 * set values, at most PTHREAD_DESTRUCTOR_ITERATIONS times. */
static void clear_keys(void)
{
	unsigned top = atomic_load_explicit(&key_top, memory_order_acquire);
	for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
		bool again = false;
		for (unsigned k = 0; k < top; k++) {
			if (!key_live[k])
				continue;
			void *v = pthread_getspecific((pthread_key_t)k);
			if (!v)
				continue;
			pthread_setspecific((pthread_key_t)k, NULL);
			void (*d)(void *) = key_dtor[k];
			if (d) {
				d(v);
				again = true;
			}
		}
		if (!again)
			break;
	}
}

/* ------------------------------------------------------------ the queue */

static void push(struct beat_ptask *p)
{
	beat_mutex_lock(&qlock);
	p->next = NULL;
	if (qtail)
		qtail->next = p;
	else
		qhead = p;
	qtail = p;
	atomic_fetch_add_explicit(&queued, 1, memory_order_seq_cst);
	beat_mutex_unlock(&qlock);
	atomic_fetch_add_explicit(&work_seq, 1, memory_order_seq_cst);
}

static struct beat_ptask *pop(void)
{
	if (atomic_load_explicit(&queued, memory_order_acquire) == 0)
		return NULL;
	beat_mutex_lock(&qlock);
	struct beat_ptask *p = qhead;
	if (p) {
		qhead = p->next;
		if (!qhead)
			qtail = NULL;
		atomic_fetch_sub_explicit(&queued, 1, memory_order_relaxed);
	}
	beat_mutex_unlock(&qlock);
	return p;
}

/* ------------------------------------------------------------ running */

static void complete(struct beat_ptask *p, void *ret)
{
	p->ret = ret;
	atomic_store_explicit(&p->state, DONE, memory_order_release);
	beat_futex_wake(&p->state, INT_MAX);
	/* A detached record has no handle left to drop it. */
	unref(p);
}

/* Samples one routine in 16 for what it costs (two getrusage calls). */
static BEAT_TLS unsigned run_count;

static void run(struct beat_ptask *p)
{
	pthread_t self = beat_pt_real.self();
	p->worker = self;
	if (p->named)
		beat_pt_real.setname(self, p->name);
	bool sample = (run_count++ & 15) == 0;
	uint64_t cpu0 = 0;
	long sw0 = 0;
	if (sample)
		beat_pt_usage(&cpu0, &sw0);
	p->start_ns = beat_pt_now_ns();
	if (my_slot < SLOTS) {
		atomic_store_explicit(&slot_start[my_slot], p->start_ns, memory_order_relaxed);
		atomic_store_explicit(&slot_key[my_slot], p->key, memory_order_release);
	}
	fresh_thread_state();
	beat_pt_current = p;
	void *ret = p->fn(p->arg);
	if (forked_routine)
		beat_pt_real.exit(ret);
	run_tls_dtors();
	clear_keys();
	beat_pt_current = NULL;
	if (my_slot < SLOTS)
		atomic_store_explicit(&slot_key[my_slot], 0, memory_order_release);
	if (sample) {
		uint64_t cpu1;
		long sw1;
		beat_pt_usage(&cpu1, &sw1);
		beat_pt_learn(p->key, beat_pt_now_ns() - p->start_ns, cpu1 - cpu0, sw1 - sw0);
	}
	if (p->named)
		beat_pt_real.setname(self, "beat-pthread");
	if (p->bound)
		sched_setaffinity(0, sizeof start_mask, &start_mask);
	bool cancelled = atomic_load_explicit(&p->cancel_asked, memory_order_acquire);
	p->worker = 0;
	complete(p, ret);
	/* A cancellation sent to this worker for that routine may still be
	 * pending: the worker takes it now, and ends (worker_gone). */
	if (cancelled)
		pthread_testcancel();
}

/* The worker's key destructor: it ends, by pthread_exit or a cancellation
 * in a routine, or a pending cancellation after one. */
static void worker_gone(void *arg)
{
	(void)arg;
	struct beat_ptask *p = beat_pt_current;
	beat_pt_current = NULL;
	if (my_slot < SLOTS)
		atomic_store_explicit(&slot_key[my_slot], 0, memory_order_release);
	run_tls_dtors();
	atomic_fetch_sub_explicit(&workers, 1, memory_order_relaxed);
	if (p)
		complete(p, p->exiting ? p->ret : PTHREAD_CANCELED);
	/* queued work may now lack a worker: the watchdog adds one */
	atomic_fetch_add_explicit(&watch_seq, 1, memory_order_seq_cst);
	beat_futex_wake(&watch_seq, 1);
}

static void *worker_main(void *arg)
{
	(void)arg;
	is_worker = true;
	my_slot = atomic_fetch_add_explicit(&next_slot, 1, memory_order_relaxed);
	pthread_setspecific(worker_key, (void *)1);
	beat_pt_real.setname(beat_pt_real.self(), "beat-pthread");
	dl_iterate_phdr(find_main_tls, &my_tls);
	for (;;) {
		struct beat_ptask *p = pop();
		if (p && atomic_load_explicit(&p->cancel_asked, memory_order_acquire)) {
			complete(p, PTHREAD_CANCELED); /* cancelled before it started */
			continue;
		}
		if (p) {
			atomic_store_explicit(&p->state, RUNNING, memory_order_relaxed);
			run(p);
			continue;
		}
		/* A program that makes threads makes them in bursts: look
		 * again for a while (SPIN polls, yielding the CPU between
		 * them) before sleeping. */
		atomic_fetch_add_explicit(&idle, 1, memory_order_seq_cst);
		for (int i = 0; i < SPIN && atomic_load_explicit(&queued, memory_order_acquire) == 0; i++)
			sched_yield();
		unsigned seq = atomic_load_explicit(&work_seq, memory_order_seq_cst);
		atomic_fetch_add_explicit(&sleeping, 1, memory_order_seq_cst);
		if (atomic_load_explicit(&queued, memory_order_seq_cst) == 0)
			beat_futex_wait(&work_seq, seq);
		atomic_fetch_sub_explicit(&sleeping, 1, memory_order_seq_cst);
		atomic_fetch_sub_explicit(&idle, 1, memory_order_seq_cst);
	}
	return NULL;
}

static bool add_worker(void)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_t th;
	atomic_fetch_add_explicit(&workers, 1, memory_order_relaxed);
	int err = beat_pt_real.create(&th, &a, worker_main, NULL);
	pthread_attr_destroy(&a);
	if (err) {
		atomic_fetch_sub_explicit(&workers, 1, memory_order_relaxed);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ watchdog */

/* How many routines are running, and how many of them started more than a
 * millisecond ago. */
static void count_stuck(int *running, int *stuck)
{
	uint64_t now = beat_pt_now_ns();
	unsigned n = atomic_load_explicit(&next_slot, memory_order_relaxed);
	*running = *stuck = 0;
	for (unsigned i = 0; i < n && i < SLOTS; i++) {
		if (!atomic_load_explicit(&slot_key[i], memory_order_acquire))
			continue;
		(*running)++;
		*stuck += now - atomic_load_explicit(&slot_start[i], memory_order_relaxed) > 1000000;
	}
}

/* Routines that have run for more than a millisecond while work waited:
 * their fingerprints get real threads from now on. */
static void stick_the_blocked(void)
{
	uint64_t now = beat_pt_now_ns();
	unsigned n = atomic_load_explicit(&next_slot, memory_order_relaxed);
	for (unsigned i = 0; i < n && i < SLOTS; i++) {
		uint64_t key = atomic_load_explicit(&slot_key[i], memory_order_acquire);
		if (key && now - atomic_load_explicit(&slot_start[i], memory_order_relaxed) > 1000000)
			beat_pt_stick_real(key);
	}
}

/* Every millisecond while records wait and no worker is idle: fewer
 * workers than wanted get one more; when every routine running has run
 * for more than a millisecond (blocked, or long after all), up to 4 more,
 * one per waiting record. */
static void *watchdog_main(void *arg)
{
	(void)arg;
	beat_pt_real.setname(beat_pt_real.self(), "beat-pt-watch");
	for (;;) {
		unsigned seq = atomic_load_explicit(&watch_seq, memory_order_seq_cst);
		if (atomic_load_explicit(&queued, memory_order_seq_cst) == 0) {
			atomic_store_explicit(&watch_sleeping, 1, memory_order_seq_cst);
			if (atomic_load_explicit(&queued, memory_order_seq_cst) == 0)
				beat_futex_wait(&watch_seq, seq);
			atomic_store_explicit(&watch_sleeping, 0, memory_order_relaxed);
			continue;
		}
		beat_futex_wait_for(&watch_seq, seq, 1000000);
		int waiting = atomic_load(&queued);
		if (waiting == 0 || atomic_load(&idle) > 0)
			continue;
		if (atomic_load(&workers) < target) {
			add_worker();
			continue;
		}
		int running, stuck;
		count_stuck(&running, &stuck);
		if (running == 0 || stuck < running)
			continue;
		stick_the_blocked();
		for (int i = 0; i < waiting && i < 4; i++)
			if (add_worker())
				atomic_fetch_add_explicit(&beat_pt_stats.compensation, 1, memory_order_relaxed);
	}
	return NULL;
}

static void start_watchdog(void)
{
	bool expect = false;
	if (atomic_load(&watchdog_up) || !atomic_compare_exchange_strong(&watchdog_up, &expect, true))
		return;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_t th;
	if (beat_pt_real.create(&th, &a, watchdog_main, NULL) != 0)
		atomic_store(&watchdog_up, false);
	pthread_attr_destroy(&a);
}

/* ------------------------------------------------------------ public API */

int beat_pt_task_start(pthread_t *handle, void *(*fn)(void *), void *arg, uint64_t key, bool detached)
{
	pthread_once(&pool_once, pool_init);
	struct beat_ptask *p = calloc(1, sizeof *p);
	if (!p)
		return EAGAIN;
	p->fn = fn;
	p->arg = arg;
	p->key = key;
	atomic_init(&p->state, QUEUED);
	atomic_init(&p->refs, detached ? 1 : 2);
	atomic_init(&p->detached, detached);
	*handle = beat_pt_handle(p);
	start_watchdog();
	push(p);
	if (atomic_load_explicit(&idle, memory_order_seq_cst) > 0) {
		if (atomic_load_explicit(&sleeping, memory_order_seq_cst) > 0)
			beat_futex_wake(&work_seq, 1);
	} else if (atomic_load_explicit(&workers, memory_order_relaxed) < target && !add_worker() &&
		 atomic_load_explicit(&workers, memory_order_relaxed) == 0)
		beat_warn("cannot create a pool worker for threads run as tasks; the watchdog will retry");
	if (atomic_load_explicit(&watch_sleeping, memory_order_seq_cst)) {
		atomic_fetch_add_explicit(&watch_seq, 1, memory_order_seq_cst);
		beat_futex_wake(&watch_seq, 1);
	}
	return 0;
}

static int wait_done(struct beat_ptask *p, int how, clockid_t clock, const struct timespec *abstime)
{
	for (int i = 0; i < SPIN && how != BEAT_PT_JOIN_TRY &&
			atomic_load_explicit(&p->state, memory_order_acquire) != DONE; i++)
		sched_yield();
	for (;;) {
		unsigned s = atomic_load_explicit(&p->state, memory_order_acquire);
		if (s == DONE)
			return 0;
		if (how == BEAT_PT_JOIN_TRY)
			return EBUSY;
		/* A pool worker that waits for a record nobody started would
		 * hold the worker it needs: it adds one at once. */
		if (s == QUEUED && is_worker && atomic_load(&idle) == 0) {
			atomic_fetch_add_explicit(&beat_pt_stats.compensation, 1, memory_order_relaxed);
			add_worker();
		}
		if (how == BEAT_PT_JOIN_TIMED) {
			struct timespec now;
			clock_gettime(clock, &now);
			long ns = (abstime->tv_sec - now.tv_sec) * 1000000000L + (abstime->tv_nsec - now.tv_nsec);
			if (ns <= 0)
				return ETIMEDOUT;
			beat_futex_wait_for(&p->state, s, ns);
		} else {
			beat_futex_wait(&p->state, s);
		}
	}
}

int beat_pt_task_join(struct beat_ptask *p, void **ret, int how, clockid_t clock, const struct timespec *abstime)
{
	if (p == beat_pt_current)
		return EDEADLK;
	if (atomic_load_explicit(&p->detached, memory_order_relaxed))
		return EINVAL;
	if (how == BEAT_PT_JOIN_TIMED && (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L))
		return EINVAL;
	int err = wait_done(p, how, clock, abstime);
	if (err)
		return err;
	if (ret)
		*ret = p->ret;
	atomic_fetch_add_explicit(&beat_pt_stats.joined, 1, memory_order_relaxed);
	unref(p);
	return 0;
}

int beat_pt_task_detach(struct beat_ptask *p)
{
	bool expect = false;
	if (!atomic_compare_exchange_strong(&p->detached, &expect, true))
		return EINVAL;
	atomic_fetch_add_explicit(&beat_pt_stats.detached, 1, memory_order_relaxed);
	unref(p);
	return 0;
}

void beat_pt_task_exiting(void *ret)
{
	struct beat_ptask *p = beat_pt_current;
	p->ret = ret;
	p->exiting = true;
	/* Each such end costs a pool worker: real threads are cheaper. */
	beat_pt_stick_real(p->key);
}

pthread_t beat_pt_task_worker(struct beat_ptask *p)
{
	return atomic_load_explicit(&p->state, memory_order_acquire) == RUNNING ? p->worker : 0;
}

int beat_pt_task_cancel(struct beat_ptask *p)
{
	atomic_store_explicit(&p->cancel_asked, true, memory_order_release);
	/* Not started yet: it is cancelled at its start (the worker's first
	 * cancellation point runs no routine code). */
	pthread_t w = beat_pt_task_worker(p);
	if (w)
		return beat_pt_real.cancel(w);
	return 0;
}

int beat_pt_task_setname(struct beat_ptask *p, const char *name)
{
	if (strlen(name) >= sizeof p->name)
		return ERANGE;
	strcpy(p->name, name);
	p->named = true;
	pthread_t w = beat_pt_task_worker(p);
	return w ? beat_pt_real.setname(w, name) : 0;
}

int beat_pt_task_getname(struct beat_ptask *p, char *buf, size_t len)
{
	const char *name = p->named ? p->name : "";
	pthread_t w = beat_pt_task_worker(p);
	if (w && !p->named)
		return beat_pt_real.getname(w, buf, len);
	if (strlen(name) >= len)
		return ERANGE;
	strcpy(buf, name);
	return 0;
}

/* glibc's registration of a C++ thread_local destructor (libstdc++'s
 * __cxa_thread_atexit calls it): a routine's are kept for its end. */
typedef int (*thread_atexit_fn)(void (*)(void *), void *, void *);

BEAT_EXPORT int __cxa_thread_atexit_impl(void (*fn)(void *), void *obj, void *dso)
{
	if (beat_pt_current) {
		struct tls_dtor *d = malloc(sizeof *d);
		if (d) {
			*d = (struct tls_dtor){fn, obj, tls_dtors};
			tls_dtors = d;
			return 0;
		}
	}
	static _Atomic(thread_atexit_fn) next;
	thread_atexit_fn f = atomic_load_explicit(&next, memory_order_acquire);
	if (!f) {
		f = (thread_atexit_fn)dlvsym(RTLD_NEXT, "__cxa_thread_atexit_impl", "GLIBC_2.18");
		atomic_store_explicit(&next, f, memory_order_release);
	}
	return f ? f(fn, obj, dso) : -1;
}

void beat_pt_task_bound(struct beat_ptask *p)
{
	p->bound = true;
	beat_pt_stick_real(p->key);
}

void beat_pt_pool_after_fork(void)
{
	/* The child has only the thread that forked: no worker, no watchdog,
	 * nothing queued (the queued routines were threads of the parent). */
	atomic_init(&qlock.state, 0);
	atomic_init(&klock.state, 0);
	qhead = qtail = NULL;
	atomic_store(&queued, 0);
	atomic_store(&workers, 0);
	atomic_store(&idle, 0);
	atomic_store(&sleeping, 0);
	atomic_store(&watchdog_up, false);
	atomic_store(&watch_sleeping, 0);
	if (!is_worker)
		return;
	/* The fork was made by a routine on a pool worker: the child goes on
	 * in that routine, as a thread of its own. */
	is_worker = false;
	forked_routine = beat_pt_current != NULL;
}
