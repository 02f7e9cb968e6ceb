/* fiber.c: fiber stacks and their pool. A stack is one anonymous mapping
 * with a guard region at its low end; fibers are reused, not unmapped (but
 * under critical memory pressure): a thread keeps a few idle ones, the rest
 * wait in a shared pool.
 * The number of fibers is bounded (BEAT_FIBER_MAX); when the bound is
 * reached the caller runs the task on its own stack instead. A fault in a
 * guard region (BEAT_FIBER_GUARD, 2 MiB by default, so that a large frame
 * cannot jump over it) prints a clear message from an alternate signal
 * stack; every other SIGSEGV, sent or faulted, gets the action it would
 * have had without beat. A fiber's stack is as large as a new thread's
 * (BEAT_FIBER_STACK, else OMP_STACKSIZE, else ulimit -s as glibc reads
 * it). On a machine with several NUMA nodes a new stack prefers the node of
 * the CPU that maps it (the thread that will run on it).
 *
 * Under memory pressure (the gate's level high or critical, mempressure.c)
 * the pool gives memory back and stops growing. No new fiber is mapped: the
 * task runs on the stack of the thread that takes it, as at BEAT_FIBER_MAX.
 * A released fiber stays in its thread's cache only while the cache is
 * small (4 fibers at high, 2 at critical); the others go to the pool with
 * their stack pages given back (madvise MADV_DONTNEED below the frames an
 * idle fiber still holds, so the mapping stays and reuse stays cheap), and
 * at critical they are unmapped once the pool holds a few. A thread about
 * to sleep (beat_fiber_idle) gives back its cache's pages, the pool's and
 * its free task blocks. At none, low and medium all this costs one relaxed
 * load and a compare per release: no system call. */
#include "fiber.h"

#include <malloc.h>
#include <numa.h>
#include <numaif.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CACHE_MAX 16
#define ALTSTACK_BYTES (64 * 1024)

static beat_mutex_t pool_lock;
static struct beat_fiber *pool_head;
static atomic_int pool_count;
static atomic_int pool_kept;     /* pooled fibers whose stack was not given back */
static atomic_int mapped;        /* fibers that exist */
static atomic_int mapped_peak;   /* their high-water mark */
static struct sigaction old_segv;
static pthread_once_t segv_once = PTHREAD_ONCE_INIT;

static void fiber_main(void *arg);

int beat_fiber_count(void)
{
	return atomic_load_explicit(&mapped_peak, memory_order_relaxed);
}

static size_t page_round(size_t s)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	return (s + page - 1) & ~(page - 1);
}

/* Sizes are bounded by config.c (at most 1 TiB), so rounding cannot wrap. */
size_t beat_fiber_stack_bytes(void)
{
	size_t s = beat_cfg.fiber_stack ? beat_cfg.fiber_stack : beat_cfg.stacksize;
	if (s == 0)
		s = beat_cfg.thread_stack;
	if (s == 0)
		s = 8u << 20;
	if (s < 64 * 1024)
		s = 64 * 1024;
	return page_round(s);
}

static size_t guard_bytes(void)
{
	return page_round(beat_cfg.fiber_guard);
}

/* ------------------------------------------------------- overflow message */

/* A fault the kernel raised (not kill, raise, sigqueue or tgkill: their
 * si_code is SI_USER or below) at an address in the guard region of the
 * fiber this thread runs. */
static bool is_guard_fault(const siginfo_t *si)
{
	if (si->si_code <= 0)
		return false;
	struct beat_thread *t = beat_tls_self;
	struct beat_fiber *f = t ? t->fiber_cur : NULL;
	const char *a = si->si_addr;
	return f && a >= f->map && a < f->stack_lo;
}

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	if (is_guard_fault(si)) {
		static const char msg[] = "beat: task stack overflow (raise OMP_STACKSIZE)\n";
		ssize_t w = write(2, msg, sizeof msg - 1);
		(void)w;
		signal(SIGSEGV, SIG_DFL); /* the fault repeats and kills as usual */
		return;
	}
	/* Not ours: the handler that was there before decides. */
	if ((old_segv.sa_flags & SA_SIGINFO) && old_segv.sa_sigaction) {
		old_segv.sa_sigaction(sig, si, uc);
	} else if (old_segv.sa_handler == SIG_IGN) {
		/* A sent signal is ignored as it would have been; a fault
		 * repeats, and the kernel kills for it as it does anyway. */
		if (si->si_code > 0)
			sigaction(SIGSEGV, &old_segv, NULL);
	} else if (old_segv.sa_handler == SIG_DFL) {
		/* The default action: a fault repeats on return and kills; a
		 * sent signal is sent again, and kills once this returns. */
		sigaction(SIGSEGV, &old_segv, NULL);
		if (si->si_code <= 0)
			raise(sig);
	} else {
		old_segv.sa_handler(sig);
	}
}

static void install_segv(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
}

/* A thread that runs fibers gets an alternate signal stack, unless the
 * program gave it one already. */
static void ensure_altstack(struct beat_thread *t)
{
	if (BEAT_LIKELY(t->altstack_done))
		return;
	t->altstack_done = true;
	stack_t cur;
	if (sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE))
		return;
	void *p = mmap(NULL, ALTSTACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	stack_t ss = {.ss_sp = p, .ss_size = ALTSTACK_BYTES, .ss_flags = 0};
	if (sigaltstack(&ss, NULL) == 0)
		t->altstack = p;
	else
		munmap(p, ALTSTACK_BYTES);
}

/* The exiting thread's alternate signal stack, if beat mapped it and it is
 * still the one installed, is switched off and unmapped. */
static void release_altstack(struct beat_thread *t)
{
	void *p = t->altstack;
	t->altstack = NULL;
	t->altstack_done = false;
	if (!p)
		return;
	stack_t cur;
	if (sigaltstack(NULL, &cur) != 0 || cur.ss_sp != p || (cur.ss_flags & SS_ONSTACK))
		return; /* replaced by the program, or in use: leave it */
	stack_t off = {.ss_flags = SS_DISABLE};
	if (sigaltstack(&off, NULL) == 0)
		munmap(p, ALTSTACK_BYTES);
}

/* --------------------------------------------------------------- the pool */

/* Several NUMA nodes (checked once): stacks get a preferred node. libnuma
 * builds its CPU-to-node map lazily and without a lock, so the first
 * query happens here, once. */
static int numa_nodes = 1;
static pthread_once_t numa_once = PTHREAD_ONCE_INIT;

static void numa_init_once(void)
{
	if (numa_available() < 0)
		return;
	numa_nodes = numa_num_configured_nodes();
	(void)numa_node_of_cpu(0);
}

static void prefer_local_node(void *p, size_t len)
{
	pthread_once(&numa_once, numa_init_once);
	if (numa_nodes < 2)
		return;
	int cpu = sched_getcpu();
	int node = cpu < 0 ? -1 : numa_node_of_cpu(cpu);
	if (node < 0 || node >= 64)
		return;
	unsigned long mask = 1ul << node;
	if (mbind(p, len, MPOL_PREFERRED, &mask, 64, 0) != 0 && beat_cfg.debug)
		beat_warn("mbind of a fiber stack to node %d failed", node);
}

static void peak_raise(int now)
{
	int peak = atomic_load_explicit(&mapped_peak, memory_order_relaxed);
	while (now > peak && !atomic_compare_exchange_weak_explicit(&mapped_peak, &peak, now, memory_order_relaxed,
								    memory_order_relaxed))
		;
}

static struct beat_fiber *fiber_map(void)
{
	int max = beat_cfg.fiber_max;
	int before = atomic_fetch_add_explicit(&mapped, 1, memory_order_relaxed);
	if (before >= max) {
		atomic_fetch_sub_explicit(&mapped, 1, memory_order_relaxed);
		return NULL;
	}
	size_t stack = beat_fiber_stack_bytes();
	size_t guard = guard_bytes();
	size_t total = stack + guard;
	char *map = mmap(NULL, total, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	struct beat_fiber *f = map == MAP_FAILED ? NULL : calloc(1, sizeof *f);
	if (!f || mprotect(map, guard, PROT_NONE) != 0) {
		if (map != MAP_FAILED)
			munmap(map, total);
		free(f);
		atomic_fetch_sub_explicit(&mapped, 1, memory_order_relaxed);
		return NULL;
	}
	peak_raise(before + 1);
	pthread_once(&segv_once, install_segv);
	prefer_local_node(map + guard, stack);
	f->map = map;
	f->map_size = total;
	f->stack_lo = map + guard;
	f->stack_size = stack;
	f->cont_item.flags = BEAT_TASK_CONT;
	f->cont_item.cont = f;
	beat_ctx_make(&f->ctx, f->stack_lo, f->stack_size, fiber_main, f);
	return f;
}

static void pool_push(struct beat_fiber *f)
{
	beat_mutex_lock(&pool_lock);
	f->next = pool_head;
	pool_head = f;
	atomic_fetch_add_explicit(&pool_count, 1, memory_order_relaxed);
	if (!f->given_back)
		atomic_fetch_add_explicit(&pool_kept, 1, memory_order_relaxed);
	beat_mutex_unlock(&pool_lock);
}

/* A fiber from the pool, about to run again; NULL when the pool is empty. */
static struct beat_fiber *pool_pop(void)
{
	if (atomic_load_explicit(&pool_count, memory_order_relaxed) == 0)
		return NULL;
	beat_mutex_lock(&pool_lock);
	struct beat_fiber *f = pool_head;
	if (f) {
		pool_head = f->next;
		atomic_fetch_sub_explicit(&pool_count, 1, memory_order_relaxed);
		if (!f->given_back)
			atomic_fetch_sub_explicit(&pool_kept, 1, memory_order_relaxed);
		f->given_back = false;
	}
	beat_mutex_unlock(&pool_lock);
	return f;
}

static void cache_push(struct beat_thread *t, struct beat_fiber *f)
{
	f->next = t->fiber_cache;
	t->fiber_cache = f;
	t->nfiber_cache++;
}

/* A fiber whose task used a deep stack gives those pages back when it is
 * released (all but the top, which the next task touches anyway), so that
 * pooled fibers do not keep the memory of the deepest task each ever ran.
 * Deep means: parked that deep (fiber_sched.c), or a non-zero word at the
 * probe depth. A page never touched reads as zero without being allocated,
 * and after the trim it reads as zero again. */
#define TRIM_KEEP (64 * 1024)

static bool used_deep(const struct beat_fiber *f)
{
	if (f->deep)
		return true;
#if defined(__SANITIZE_ADDRESS__)
	return false; /* the probe could land in a stale redzone */
#endif
	if (f->stack_size < BEAT_FIBER_DEEP + TRIM_KEEP)
		return false;
	const volatile long *probe = (const volatile long *)(f->stack_lo + f->stack_size - BEAT_FIBER_DEEP);
	return *probe != 0;
}

static void trim(struct beat_fiber *f)
{
	f->deep = false;
	if (f->stack_size > TRIM_KEEP)
		madvise(f->stack_lo, f->stack_size - TRIM_KEEP, MADV_DONTNEED);
}

/* ------------------------------------------------- under memory pressure */

/* Idle fibers a thread keeps in its cache at a level of the memory gate. */
static int cache_bound(int level)
{
	return level >= BEAT_MEM_CRITICAL ? 2 : level >= BEAT_MEM_HIGH ? 4 : CACHE_MAX;
}

/* At critical the pool keeps this many fibers; the others are unmapped. */
#define POOL_KEEP_CRITICAL 4

/* Under the sanitizers an unmapped stack would leave their records of it
 * behind (ASan's shadow, TSan's fiber): there pages are only given back. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MAY_UNMAP 0
#else
#define MAY_UNMAP 1
#endif

/* The gate's level as the pool sees it (none when the gate is off). */
static inline int pressure(void)
{
	return beat_cfg.memgate ? __atomic_load_n(&beat_mem_level, __ATOMIC_RELAXED) : BEAT_MEM_NONE;
}

static void stat_add(unsigned long *counter, unsigned long n)
{
	__atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

/* Resident bytes in [lo, hi), both page aligned (for BEAT_STATS only). */
static unsigned long resident_bytes(char *lo, char *hi)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char vec[1024];
	unsigned long pages_in = 0;
	while (lo < hi) {
		size_t n = (size_t)(hi - lo) / page;
		if (n > sizeof vec)
			n = sizeof vec;
		if (n == 0 || mincore(lo, n * page, vec) != 0)
			break;
		for (size_t i = 0; i < n; i++)
			pages_in += vec[i] & 1;
		lo += n * page;
	}
	return pages_in * page;
}

/* The lowest byte of f's stack an idle fiber may still need: it is
 * switched out inside beat_fiber_finish, so its live frames lie at and
 * above its saved stack pointer (from that pointer's page up). With
 * ucontext that pointer is inside the saved context: the top TRIM_KEEP
 * bytes are kept instead. */
static char *live_floor(const struct beat_fiber *f)
{
	char *top = f->stack_lo + f->stack_size;
#ifdef BEAT_CTX_UCONTEXT
	return f->stack_size > TRIM_KEEP ? top - TRIM_KEEP : f->stack_lo;
#else
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	char *floor = (char *)((uintptr_t)f->ctx.sp & ~(page - 1));
	BEAT_ASSERT(floor >= f->stack_lo && floor < top);
	(void)top;
	return floor;
#endif
}

/* Gives the pages of idle f's stack below its live frames back to the
 * kernel; the mapping stays, and a page touched again comes back zeroed. */
static void give_back(struct beat_thread *t, struct beat_fiber *f)
{
	if (f->given_back)
		return;
	char *floor = live_floor(f);
	if (beat_cfg.stats)
		stat_add(&t->stats.fiber_gave_bytes, resident_bytes(f->stack_lo, floor));
	madvise(f->stack_lo, (size_t)(floor - f->stack_lo), MADV_DONTNEED);
	f->given_back = true;
	f->deep = false;
	BEAT_STAT(t, fiber_gave);
}

static void fiber_unmap(struct beat_thread *t, struct beat_fiber *f)
{
	if (beat_cfg.stats)
		stat_add(&t->stats.fiber_gave_bytes, resident_bytes(f->stack_lo, f->stack_lo + f->stack_size));
	munmap(f->map, f->map_size);
	free(f);
	atomic_fetch_sub_explicit(&mapped, 1, memory_order_relaxed);
	BEAT_STAT(t, fiber_unmapped);
}

/* An idle fiber leaves its thread under pressure: at critical it is
 * unmapped once the pool holds a few, else it goes to the pool with its
 * pages given back. */
static void release_idle(struct beat_thread *t, struct beat_fiber *f, int level)
{
	if (MAY_UNMAP && level >= BEAT_MEM_CRITICAL &&
	    atomic_load_explicit(&pool_count, memory_order_relaxed) >= POOL_KEEP_CRITICAL) {
		fiber_unmap(t, f);
		return;
	}
	give_back(t, f);
	pool_push(f);
}

/* Cuts t's cache to its bound at this level: the oldest fibers leave (the
 * newest, whose top pages the next task touches anyway, stay). */
static void cut_cache(struct beat_thread *t, int level)
{
	int keep = cache_bound(level);
	if (t->nfiber_cache <= keep)
		return;
	struct beat_fiber **pp = &t->fiber_cache;
	for (int i = 0; i < keep; i++)
		pp = &(*pp)->next;
	struct beat_fiber *rest = *pp;
	*pp = NULL;
	t->nfiber_cache = keep;
	while (rest) {
		struct beat_fiber *f = rest;
		rest = f->next;
		release_idle(t, f, level);
	}
}

/* Every pooled fiber that still holds its pages gives them back; at
 * critical the pool keeps only a few fibers. The pool is taken whole and
 * refilled, so that the system calls run without the lock (meanwhile a
 * thread that finds it empty runs its task on its own stack). */
static void pool_give_back(struct beat_thread *t, int level)
{
	bool excess = MAY_UNMAP && level >= BEAT_MEM_CRITICAL &&
		      atomic_load_explicit(&pool_count, memory_order_relaxed) > POOL_KEEP_CRITICAL;
	if (!excess && atomic_load_explicit(&pool_kept, memory_order_relaxed) == 0)
		return;
	beat_mutex_lock(&pool_lock);
	struct beat_fiber *list = pool_head;
	pool_head = NULL;
	atomic_store_explicit(&pool_count, 0, memory_order_relaxed);
	atomic_store_explicit(&pool_kept, 0, memory_order_relaxed);
	beat_mutex_unlock(&pool_lock);
	while (list) {
		struct beat_fiber *f = list;
		list = f->next;
		release_idle(t, f, level);
	}
}

/* A thread's free task blocks go back to malloc (and at critical malloc
 * gives its free pages back to the kernel). */
static void blocks_give_back(struct beat_thread *t, int level)
{
	int n = t->nfree_tasks;
	if (n == 0)
		return;
	beat_task_blocks_release(t);
	stat_add(&t->stats.blocks_freed, (unsigned long)n);
	if (level >= BEAT_MEM_CRITICAL)
		malloc_trim(0);
}

/* A fiber released at high or critical: it joins the cache, which is then
 * cut to its bound at the level. */
static void put_pressed(struct beat_thread *t, struct beat_fiber *f, int level)
{
	cache_push(t, f);
	cut_cache(t, level);
}

/* ------------------------------------------------------------ public API */

void beat_fiber_thread_ready(struct beat_thread *t)
{
	ensure_altstack(t);
}

struct beat_fiber *beat_fiber_get(struct beat_thread *t)
{
	struct beat_fiber *f = t->fiber_cache;
	if (BEAT_LIKELY(f != NULL)) {
		t->fiber_cache = f->next;
		t->nfiber_cache--;
		f->given_back = false;
		return f;
	}
	ensure_altstack(t);
	f = pool_pop();
	if (f)
		return f;
	/* Under pressure no new fiber: the caller runs the task on its own
	 * stack, as at BEAT_FIBER_MAX (task.c, beat_task_run_one). */
	if (BEAT_UNLIKELY(beat_cfg.memgate && beat_mem_level_refresh() >= BEAT_MEM_HIGH)) {
		BEAT_STAT(t, fiber_not_mapped);
		return NULL;
	}
	return fiber_map();
}

void beat_fiber_put(struct beat_thread *t, struct beat_fiber *f)
{
	/* Released after the switch away from it: no thread runs on it. */
	BEAT_ASSERT(f != t->fiber_cur);
	beat_fiber_state_move(f, BEAT_FIBER_ENDED, BEAT_FIBER_FREE);
	if (BEAT_UNLIKELY(used_deep(f)))
		trim(f);
	int level = pressure();
	if (BEAT_UNLIKELY(level >= BEAT_MEM_HIGH)) {
		put_pressed(t, f, level);
		return;
	}
	if (t->nfiber_cache < CACHE_MAX) {
		cache_push(t, f);
		return;
	}
	pool_push(f);
}

void beat_fiber_idle(struct beat_thread *t)
{
	/* Nothing to give back (a program without tasks): no refresh either. */
	if (!beat_cfg.memgate || (!t->fiber_cache && t->nfree_tasks == 0 &&
				  atomic_load_explicit(&pool_count, memory_order_relaxed) == 0))
		return;
	int level = beat_mem_level_refresh();
	if (BEAT_LIKELY(level < BEAT_MEM_HIGH))
		return;
	cut_cache(t, level);
	for (struct beat_fiber *f = t->fiber_cache; f; f = f->next)
		give_back(t, f);
	pool_give_back(t, level);
	blocks_give_back(t, level);
}

/* A thread that leaves (a pool worker told to exit, a program thread that
 * ends) gives its idle fibers to the shared pool (under pressure with
 * their pages given back) and unmaps its alternate signal stack. */
void beat_fiber_thread_exit(struct beat_thread *t)
{
	release_altstack(t);
	int level = pressure();
	while (t->fiber_cache) {
		struct beat_fiber *f = t->fiber_cache;
		t->fiber_cache = f->next;
		t->nfiber_cache--;
		if (level >= BEAT_MEM_HIGH)
			release_idle(t, f, level);
		else
			pool_push(f);
	}
}

/* After fork() the child's other threads are gone: their fibers are lost
 * (the mappings stay), the pool lock may have been held, and the calling
 * thread's parked fibers hold the parent's tasks, which must never resume
 * in the child. The fiber the thread runs on (if any) stays its current
 * one. Only the fibers the child can still use count against
 * BEAT_FIBER_MAX (the pool's, the thread's cache and its current fiber),
 * so that a cascade of forks does not use the bound up. */
void beat_fiber_atfork_child(void)
{
	atomic_init(&pool_lock.state, 0);
	struct beat_thread *t = beat_tls_self;
	int usable = atomic_load(&pool_count);
	if (t) {
		t->parked = NULL;
		usable += t->nfiber_cache + (t->fiber_cur != NULL);
	}
	atomic_store(&mapped, usable);
	atomic_store(&mapped_peak, usable);
}

void beat_fiber_pressure_report(void)
{
	unsigned long not_mapped = 0, gave = 0, unmapped = 0, bytes = 0, blocks = 0;
	for (struct beat_thread *t = beat_all_threads(); t; t = t->all_next) {
		not_mapped += __atomic_load_n(&t->stats.fiber_not_mapped, __ATOMIC_RELAXED);
		gave += __atomic_load_n(&t->stats.fiber_gave, __ATOMIC_RELAXED);
		unmapped += __atomic_load_n(&t->stats.fiber_unmapped, __ATOMIC_RELAXED);
		bytes += __atomic_load_n(&t->stats.fiber_gave_bytes, __ATOMIC_RELAXED);
		blocks += __atomic_load_n(&t->stats.blocks_freed, __ATOMIC_RELAXED);
	}
	fprintf(stderr,
		"beat: stats: memory gate: fibers not mapped %lu; idle fiber stacks given back %lu, "
		"fibers unmapped %lu, %lu KiB resident given back; free task blocks released %lu\n",
		not_mapped, gave, unmapped, bytes / 1024, blocks);
}

/* ------------------------------------------------------------ fiber body */

static void fiber_main(void *arg)
{
	struct beat_fiber *f = arg;
	beat_ctx_first_arrival(&f->ctx);
	beat_fiber_after_switch(beat_self_fresh());
	for (;;) {
		beat_task_execute(f->task);
		f->task = NULL;
		beat_fiber_finish(beat_self_fresh(), f);
		/* Taken from the pool again: f->task is the next task. */
		beat_fiber_after_switch(beat_self_fresh());
	}
}
