/* fiber.c: fiber stacks and their pool. A stack is one anonymous mapping
 * with a guard region at its low end; fibers are never unmapped, only
 * reused: a thread keeps a few idle ones, the rest wait in a shared pool.
 * The number of fibers is bounded (BEAT_FIBER_MAX); when the bound is
 * reached the caller runs the task on its own stack instead. A fault in a
 * guard region (BEAT_FIBER_GUARD, 2 MiB by default, so that a large frame
 * cannot jump over it) prints a clear message from an alternate signal
 * stack; every other SIGSEGV, sent or faulted, gets the action it would
 * have had without beat. A fiber's stack is as large as a new thread's
 * (BEAT_FIBER_STACK, else OMP_STACKSIZE, else ulimit -s as glibc reads
 * it). On a machine with several NUMA nodes a new stack prefers the node of
 * the CPU that maps it (the thread that will run on it). */
#include "fiber.h"

#include <numa.h>
#include <numaif.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CACHE_MAX 16
#define ALTSTACK_BYTES (64 * 1024)

static beat_mutex_t pool_lock;
static struct beat_fiber *pool_head;
static atomic_int pool_count;
static atomic_int mapped;        /* fibers that exist (the pool's high-water mark) */
static struct sigaction old_segv;
static pthread_once_t segv_once = PTHREAD_ONCE_INIT;

static void fiber_main(void *arg);

int beat_fiber_count(void)
{
	return atomic_load_explicit(&mapped, memory_order_relaxed);
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

static struct beat_fiber *fiber_map(void)
{
	int max = beat_cfg.fiber_max;
	if (atomic_fetch_add_explicit(&mapped, 1, memory_order_relaxed) >= max) {
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
		return f;
	}
	ensure_altstack(t);
	if (atomic_load_explicit(&pool_count, memory_order_relaxed) > 0) {
		beat_mutex_lock(&pool_lock);
		f = pool_head;
		if (f) {
			pool_head = f->next;
			atomic_fetch_sub_explicit(&pool_count, 1, memory_order_relaxed);
		}
		beat_mutex_unlock(&pool_lock);
		if (f)
			return f;
	}
	return fiber_map();
}

static void pool_push(struct beat_fiber *f)
{
	beat_mutex_lock(&pool_lock);
	f->next = pool_head;
	pool_head = f;
	atomic_fetch_add_explicit(&pool_count, 1, memory_order_relaxed);
	beat_mutex_unlock(&pool_lock);
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

void beat_fiber_put(struct beat_thread *t, struct beat_fiber *f)
{
	/* Released after the switch away from it: no thread runs on it. */
	BEAT_ASSERT(f != t->fiber_cur);
	beat_fiber_state_move(f, BEAT_FIBER_ENDED, BEAT_FIBER_FREE);
	if (BEAT_UNLIKELY(used_deep(f)))
		trim(f);
	if (t->nfiber_cache < CACHE_MAX) {
		f->next = t->fiber_cache;
		t->fiber_cache = f;
		t->nfiber_cache++;
		return;
	}
	pool_push(f);
}

/* A thread that leaves (a pool worker told to exit, a program thread that
 * ends) gives its idle fibers to the shared pool and unmaps its alternate
 * signal stack. */
void beat_fiber_thread_exit(struct beat_thread *t)
{
	release_altstack(t);
	while (t->fiber_cache) {
		struct beat_fiber *f = t->fiber_cache;
		t->fiber_cache = f->next;
		t->nfiber_cache--;
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
