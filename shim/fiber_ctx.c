/* fiber_ctx.c: making and switching execution contexts. On x86-64 the
 * switch is fiber_switch.S (a stack-pointer swap); elsewhere, or built with
 * -DBEAT_FIBER_UCONTEXT, it is swapcontext. Under AddressSanitizer and
 * ThreadSanitizer every switch is announced to them, so they follow the
 * stacks instead of reporting false errors.
 *
 * C++ keeps its exception state per OS thread (__cxa_get_globals: the stack
 * of caught exceptions and the uncaught count). A task that waits inside a
 * catch block and parks would otherwise share it with whatever its thread
 * runs next: each context keeps its own copy, swapped on every switch. The
 * C++ runtime is looked up once a fiber is made; a program without one
 * pays one predictable branch per switch. */
#include "fiber.h"

#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

static void **(*_Atomic eh_get)(void);

static void eh_lookup(void)
{
	if (atomic_load_explicit(&eh_get, memory_order_relaxed))
		return;
	void *sym = dlsym(RTLD_DEFAULT, "__cxa_get_globals");
	if (sym)
		atomic_store_explicit(&eh_get, (void **(*)(void))sym, memory_order_relaxed);
}

static inline void eh_swap(struct beat_ctx *from, const struct beat_ctx *to)
{
	void **(*get)(void) = atomic_load_explicit(&eh_get, memory_order_relaxed);
	if (BEAT_LIKELY(get == NULL))
		return;
	void **g = get();
	for (int i = 0; i < BEAT_EH_WORDS; i++) {
		from->eh[i] = g[i];
		g[i] = to->eh[i];
	}
}

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define CTX_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define CTX_TSAN 1
#endif

#ifndef BEAT_CTX_UCONTEXT
void beat_ctx_swap(void **save_sp, void *load_sp);
void beat_ctx_start(void);
#endif

#ifdef CTX_ASAN
/* The context this thread is switching away from; the context arriving
 * tells ASan's answer (that stack's bounds) back to it. */
static BEAT_TLS struct beat_ctx *asan_from;
#endif

void beat_ctx_init_here(struct beat_ctx *c)
{
	c->stack_lo = NULL;
	c->stack_size = 0;
	c->asan_fake = NULL;
	memset(c->eh, 0, sizeof c->eh);
#ifdef CTX_TSAN
	c->tsan = __tsan_get_current_fiber();
#else
	c->tsan = NULL;
#endif
}

#ifdef BEAT_CTX_UCONTEXT
static void uc_entry(unsigned hi, unsigned lo)
{
	uintptr_t p = ((uintptr_t)hi << 32) | lo;
	void **pair = (void **)p;
	void (*entry)(void *) = (void (*)(void *))pair[0];
	entry(pair[1]);
	beat_fatal("a fiber's entry returned");
}
#endif

void beat_ctx_make(struct beat_ctx *c, void *lo, size_t size, void (*entry)(void *), void *arg)
{
	memset(c, 0, sizeof *c); /* no exception caught yet */
	eh_lookup();
	c->stack_lo = lo;
	c->stack_size = size;
#ifdef CTX_TSAN
	c->tsan = __tsan_create_fiber(0);
#endif
#ifdef BEAT_CTX_UCONTEXT
	/* entry and arg live at the top of the new stack for uc_entry to read. */
	void **pair = (void **)(((uintptr_t)lo + size - 2 * sizeof(void *)) & ~(uintptr_t)15);
	pair[0] = (void *)entry;
	pair[1] = arg;
	if (getcontext(&c->uc) != 0)
		beat_fatal("getcontext failed");
	c->uc.uc_stack.ss_sp = lo;
	c->uc.uc_stack.ss_size = (size_t)((char *)pair - (char *)lo) - 64;
	c->uc.uc_link = NULL;
	uintptr_t p = (uintptr_t)pair;
	makecontext(&c->uc, (void (*)(void))uc_entry, 2, (unsigned)(p >> 32), (unsigned)p);
#else
	/* The frame beat_ctx_swap pops: control words, r15, r14, r13 (arg),
	 * r12 (entry), rbx, rbp, then the return address beat_ctx_start. After
	 * the return the stack pointer is 16-byte aligned, as a call needs. */
	uintptr_t top = ((uintptr_t)lo + size) & ~(uintptr_t)15;
	uint64_t *sp = (uint64_t *)(top - 80);
	uint32_t mxcsr;
	uint16_t fpucw;
	__asm__ __volatile__("stmxcsr %0" : "=m"(mxcsr));
	__asm__ __volatile__("fnstcw %0" : "=m"(fpucw));
	sp[0] = (uint64_t)mxcsr | ((uint64_t)fpucw << 32);
	sp[1] = 0;                     /* r15 */
	sp[2] = 0;                     /* r14 */
	sp[3] = (uint64_t)arg;         /* r13 */
	sp[4] = (uint64_t)entry;       /* r12 */
	sp[5] = 0;                     /* rbx */
	sp[6] = 0;                     /* rbp */
	sp[7] = (uint64_t)beat_ctx_start;
	c->sp = sp;
#endif
}

static __attribute__((noinline)) void arrived(struct beat_ctx *self)
{
#ifdef CTX_ASAN
	const void *lo;
	size_t size;
	__sanitizer_finish_switch_fiber(self ? self->asan_fake : NULL, &lo, &size);
	struct beat_ctx *from = asan_from;
	if (from) {
		from->stack_lo = lo;
		from->stack_size = size;
	}
#else
	(void)self;
#endif
}

void beat_ctx_first_arrival(struct beat_ctx *self)
{
	(void)self;
	arrived(NULL);
}

void beat_ctx_switch(struct beat_ctx *from, struct beat_ctx *to)
{
	eh_swap(from, to);
#ifdef CTX_ASAN
	asan_from = from;
	__sanitizer_start_switch_fiber(&from->asan_fake, to->stack_lo, to->stack_size);
#endif
#ifdef CTX_TSAN
	__tsan_switch_to_fiber(to->tsan, 0);
#endif
#ifdef BEAT_CTX_UCONTEXT
	if (swapcontext(&from->uc, &to->uc) != 0)
		beat_fatal("swapcontext failed");
#else
	beat_ctx_swap(&from->sp, to->sp);
#endif
	arrived(from);
}
