/* beat_assert.h: BEAT_ASSERT, the runtime's invariant checks. They are
 * compiled in only when BEAT_DEBUG_ASSERTS is defined (the sanitizer builds,
 * `make debug` and the ucontext build that `make check` runs); otherwise an
 * assertion is nothing at all: its expression is not evaluated and costs no
 * instruction. A failed assertion prints its file, line and expression
 * on stderr and aborts, so that a core dump or a debugger shows the state.
 *
 * BEAT_DEBUG_ONLY(x) keeps a statement (usually the bookkeeping an
 * assertion reads, such as a deque's owner) in the debug builds only. */
#ifndef BEAT_ASSERT_INCLUDED
#define BEAT_ASSERT_INCLUDED

#ifdef BEAT_DEBUG_ASSERTS

void beat_assert_failed(const char *file, int line, const char *expr)
	__attribute__((noreturn, cold));

#define BEAT_ASSERT(expr) \
	(__builtin_expect(!!(expr), 1) ? (void)0 : beat_assert_failed(__FILE__, __LINE__, #expr))
#define BEAT_DEBUG_ONLY(x) x

#else

/* sizeof keeps the expression type-checked without evaluating it. */
#define BEAT_ASSERT(expr) ((void)sizeof(!(expr)))
#define BEAT_DEBUG_ONLY(x)

#endif

#endif
