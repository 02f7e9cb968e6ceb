/* fiber.h: the fiber and context types shared by fiber_ctx.c (switching),
 * fiber.c (stacks, pool, overflow message) and fiber_sched.c (running,
 * parking and resuming tasks on fibers). Nothing outside those files looks
 * inside a fiber. */
#ifndef BEAT_FIBER_H
#define BEAT_FIBER_H

#include "rt.h"

#if !defined(__x86_64__) || defined(BEAT_FIBER_UCONTEXT)
#define BEAT_CTX_UCONTEXT 1
#include <ucontext.h>
#endif

/* Words of __cxa_eh_globals: caught-exception stack and uncaught count
 * (libstdc++ and libc++abi); ARM's EHABI adds the propagating exceptions. */
#if defined(__arm__)
#define BEAT_EH_WORDS 3
#else
#define BEAT_EH_WORDS 2
#endif

/* One execution context: a fiber's, or the one a help loop switched away
 * from. Under the sanitizers it also carries what they need to follow the
 * switch (stack bounds and fake stack for ASan, the fiber for TSan). */
struct beat_ctx {
	void *sp;
#ifdef BEAT_CTX_UCONTEXT
	ucontext_t uc;
#endif
	const void *stack_lo;
	size_t stack_size;
	void *asan_fake;
	void *tsan;
	/* The C++ runtime's per-thread exception state (caught-exception
	 * stack, uncaught count) of this context while it is switched out. */
	void *eh[BEAT_EH_WORDS];
};

/* Records the calling context (a thread's own stack or a fiber running a
 * help loop) as one that can be switched away from and back to. */
void beat_ctx_init_here(struct beat_ctx *c);
/* Prepares a new context that will run entry(arg) on [lo, lo + size). */
void beat_ctx_make(struct beat_ctx *c, void *lo, size_t size, void (*entry)(void *), void *arg);
/* Saves the running context in from and runs to. */
void beat_ctx_switch(struct beat_ctx *from, struct beat_ctx *to);
/* The first thing a new context's entry calls. */
void beat_ctx_first_arrival(struct beat_ctx *self);

struct beat_fiber {
	struct beat_ctx ctx;
	struct beat_ctx *back;        /* context to go back to when this one parks or ends */
	struct beat_task *task;       /* the task it runs */
	struct beat_member *loop_m;   /* the seat whose help loop runs it */
	bool (*wait_done)(void *);    /* parked: the condition it waits for */
	void *wait_arg;
	struct beat_fiber *next;      /* pool, cache or parked-list link */
	char *map;                    /* the mapping: guard below, stack above */
	size_t map_size;
	char *stack_lo;               /* lowest usable byte (just above the guard) */
	size_t stack_size;
	bool untied;                  /* only untied tasks on its stack: may move between threads */
	bool deep;                    /* parked with a deep stack: trimmed when released */
	bool given_back;              /* idle, its stack below the live frames given back (fiber.c) */
	size_t park_bytes;            /* stack it holds while parked (BEAT_PARK_MAX) */
	uint32_t park_seq;            /* parked tied: its seat's beat_tied_mark then */
	struct beat_fiber *creator;   /* spawned first: the fiber whose continuation it left */
	struct beat_task cont_item;   /* its continuation, as a deque item (spawn_first) */
#ifdef BEAT_DEBUG_ASSERTS
	int state;                    /* enum beat_fiber_state, for BEAT_ASSERT only */
#endif
};

/* Where a fiber is in its life, tracked in the debug builds only: a fiber
 * is switched to only when it is not running, and handed back to the pool
 * only once its task has ended. */
enum beat_fiber_state {
	BEAT_FIBER_FREE,    /* in a pool or cache, or just taken from one */
	BEAT_FIBER_RUNNING, /* some thread runs on its stack */
	BEAT_FIBER_PARKED,  /* its task waits (beat_fiber_park) */
	BEAT_FIBER_CONT,    /* its creator's continuation, left for thieves */
	BEAT_FIBER_ENDED,   /* its task ended; released after the switch */
};

/* Moves f from state `from` to state `to`, asserting that it was there
 * (debug builds; nothing otherwise). Reads and writes are relaxed atomics:
 * the hand-over that publishes a fiber already orders them. */
static inline void beat_fiber_state_move(struct beat_fiber *f, enum beat_fiber_state from,
					 enum beat_fiber_state to)
{
#ifdef BEAT_DEBUG_ASSERTS
	BEAT_ASSERT(__atomic_load_n(&f->state, __ATOMIC_RELAXED) == (int)from);
	__atomic_store_n(&f->state, (int)to, __ATOMIC_RELAXED);
#else
	(void)f;
	(void)from;
	(void)to;
#endif
}

/* A stack used this deep (parked that deep, or touched at this depth) is
 * given back to the kernel below its top when its fiber is released. */
#define BEAT_FIBER_DEEP (256 * 1024)

/* fiber_sched.c: the bookkeeping every context does when it arrives after
 * a switch; and where a fiber whose task has ended goes next. */
void beat_fiber_after_switch(struct beat_thread *t);
void beat_fiber_finish(struct beat_thread *t, struct beat_fiber *f) __attribute__((noinline));

/* fiber.c */
struct beat_fiber *beat_fiber_get(struct beat_thread *t);
void beat_fiber_put(struct beat_thread *t, struct beat_fiber *f);
/* The calling thread may run fibers: it gets its alternate signal stack. */
void beat_fiber_thread_ready(struct beat_thread *t);

#endif
