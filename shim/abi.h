/* abi.h: the seam between the runtime (shim/) and an ABI layer
 * (gomp_compat/ today, clang's __kmpc_* entry points later): everything an
 * ABI layer may call or read. The runtime's structures stay opaque here;
 * an ABI layer translates its calling conventions into these calls and
 * makes no scheduling decision of its own. shim-private internals are in
 * rt.h, which includes this header. */
#ifndef BEAT_ABI_H
#define BEAT_ABI_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What an ABI layer exports; everything else is hidden. */
#define BEAT_EXPORT __attribute__((visibility("default")))
#define BEAT_LIKELY(x) __builtin_expect(!!(x), 1)
#define BEAT_UNLIKELY(x) __builtin_expect(!!(x), 0)
/* A store only where the value changes: a line that others read and that
 * is written with the same value again stays shared in their caches. */
#define BEAT_SET(lval, v)                     \
	do {                                  \
		__typeof__(lval) beat_set_v_ = (v); \
		if ((lval) != beat_set_v_)    \
			(lval) = beat_set_v_; \
	} while (0)

/* The runtime's objects, opaque to an ABI layer: a thread, its seat in a
 * team, a task. */
struct beat_thread;
struct beat_member;
struct beat_task;
struct beat_cg;

/* bind-var values, numbered as omp_proc_bind_t. As a parallel region's
 * proc_bind argument, BEAT_BIND_FALSE means the region has no proc_bind
 * clause (the clause cannot say false). */
enum beat_bind {
	BEAT_BIND_FALSE = 0,
	BEAT_BIND_TRUE = 1,
	BEAT_BIND_PRIMARY = 2,
	BEAT_BIND_CLOSE = 3,
	BEAT_BIND_SPREAD = 4,
};

/* ---------------------------------------------------------------- util.c */

void beat_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void beat_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* Prints "beat: NAME is not supported yet" and exits with status 3 (stdio
 * flushed, atexit handlers run); beat_fatal exits with EXIT_FAILURE, as
 * libgomp's fatal errors do. */
void beat_unsupported(const char *name) __attribute__((noreturn));

/* The value of an environment variable beat reads (secure_getenv semantics;
 * an empty value counts as unset). libgomp's own lookups see nothing. */
const char *beat_getenv(const char *name);

/* A futex mutex: 0 free, 1 locked, 2 locked with sleepers. */
typedef struct {
	atomic_uint state;
} beat_mutex_t;

void beat_mutex_lock(beat_mutex_t *m);
bool beat_mutex_trylock(beat_mutex_t *m);
void beat_mutex_unlock(beat_mutex_t *m);

/* A word that names its owner (0: free), for locks owned by an id: waits
 * (spinning, then sleeping) until it can move the word from 0 to me. */
void beat_owner_word_acquire(atomic_uint *word, unsigned me);
/* Frees the word (the owner's call) and wakes one waiter. */
void beat_owner_word_release(atomic_uint *word);
/* The calling thread's kernel thread id (cached). */
unsigned beat_os_thread_id(void);

/* Monotonic time in seconds. */
double beat_now(void);

/* ---------------------------------------------------- team.c, topology.c */

/* How many threads a parallel region asking for `requested` (0: the
 * nthreads-var) would get now, with its if clause. */
unsigned beat_parallel_size(unsigned requested, bool if_clause);
/* Runs fn(data) as a parallel region of nthreads (already decided, >= 1)
 * with the given proc_bind clause (BEAT_BIND_FALSE: none, bind-var
 * applies); returns after the region's end (barrier included). */
void beat_parallel(void (*fn)(void *), void *data, unsigned nthreads, enum beat_bind proc_bind);
/* Split form (GOMP_parallel_start / _end). */
void beat_parallel_start(void (*fn)(void *), void *data, unsigned nthreads,
			 enum beat_bind proc_bind);
void beat_parallel_end(void);

/* Team barrier; completes all explicit tasks of the team first. Returns true
 * when the region was cancelled. */
bool beat_barrier(struct beat_member *m);

/* Seats the calling thread alone in a new initial team with its own
 * contention group and the initial ICVs (thread_limit > 0 overrides), as a
 * target region on the host needs; beat_initial_team_leave finishes the
 * team's tasks and gives the thread its previous seat back. */
struct beat_seat_save {
	struct beat_member *m;
	struct beat_task *task;
	struct beat_cg *cg;
};
void beat_initial_team_enter(struct beat_seat_save *save, int thread_limit);
void beat_initial_team_leave(struct beat_seat_save *save);

/* omp_pause_resource: idle pool workers exit (new ones are made on demand). */
void beat_pool_release(void);

/* The places (OMP_PLACES, or one per CPU with binding on). */
struct beat_place {
	int ncpus;
	int *cpus; /* OS CPU numbers */
};

extern int beat_num_cpus;          /* CPUs this process may run on */
extern int beat_num_places;
extern struct beat_place *beat_places;

/* --------------------------------------------------------------- task.c */

void beat_taskwait(void);
void beat_taskyield(void);
void beat_taskgroup_start(void);
void beat_taskgroup_end(void);

/* ------------------------------------------------------------ submit.c */

/* One dependence of a task or of a taskwait: an address and its kind, in
 * beat's own terms (an ABI layer translates its compiler's layout). */
enum beat_dep_kind {
	BEAT_DEP_IN = 0,
	BEAT_DEP_OUT = 1,            /* out and inout */
	BEAT_DEP_MUTEXINOUTSET = 2,
	BEAT_DEP_INOUTSET = 3,
};
struct beat_dep {
	void *addr;
	enum beat_dep_kind kind;
};


/* What a task construct asks for (beat_spawn.flags). */
enum {
	BEAT_SPAWN_UNTIED = 1u << 0,
	BEAT_SPAWN_FINAL = 1u << 1,      /* final clause true: its children are included */
	BEAT_SPAWN_MERGEABLE = 1u << 2,
	BEAT_SPAWN_UNDEFERRED = 1u << 3, /* if clause false: the creator waits for it */
	BEAT_SPAWN_DETACH = 1u << 4,     /* completes when its event is fulfilled too */
};

/* What was done with a new task (beat_submit's result). */
enum beat_fate {
	BEAT_FATE_INLINED,   /* run at once by its creator */
	BEAT_FATE_QUEUED,    /* queued on the creator's own deque */
	BEAT_FATE_PLACED,    /* queued where an idle worker looks first (worker selection) */
	BEAT_FATE_PRIORITY,  /* queued in the team's priority order */
	BEAT_FATE_CONTINUED, /* run at once on a fresh fiber; the creator was left to thieves */
	BEAT_FATE_DEFERRED,  /* waiting for its dependences */
	BEAT_FATE_DROPPED,   /* not made: its taskgroup or region is cancelled */
	BEAT_FATE_HELD,      /* held by the memory gate until waited for (memgate.c) */
};

/* Why a task ran at once (beat_decision.why). */
enum beat_inline_why {
	BEAT_WHY_NONE,       /* it was not run at once */
	BEAT_WHY_RULE,       /* if(false), a final creator, or a team of one */
	BEAT_WHY_THROTTLE,   /* the creator's deque was over the throttle */
	BEAT_WHY_CLASS,      /* predicted tiny (classification) */
	BEAT_WHY_POLICY,     /* continuation stealing ran the child first */
	BEAT_WHY_MEMGATE,    /* memory pressure (mempressure.c) */
};

/* Everything the decision saw and chose, when the caller asks for it. */
struct beat_decision {
	enum beat_fate fate;
	enum beat_inline_why why;
	int cls;             /* enum beat_class (classify.h); cold when not classified */
	float predicted;     /* predicted cycles of the task's body; 0: no prediction */
	int worker;          /* team seat it was queued for; -1: any */
};

/* A new task in beat's terms: an ABI layer fills one from its compiler's
 * calling convention and passes it to beat_submit. */
struct beat_spawn {
	void (*fn)(void *);
	void *data;                           /* the creator's argument block */
	void (*copy)(void *dst, void *src);   /* copy constructor (NULL: bytes are copied) */
	size_t arg_size, arg_align;
	unsigned flags;                       /* BEAT_SPAWN_* */
	int priority;                         /* the priority clause (0: none) */
	const struct beat_dep *deps;          /* dependences (ndeps of them) */
	size_t ndeps;
	/* called once the task's own argument block holds its copy, with the
	 * task as its handle (detach events, taskloop bounds); NULL: none */
	void (*fill)(void *args, struct beat_task *handle, void *ctx);
	void *fill_ctx;
	const void *site;                     /* the construct's call site (fingerprint) */
	struct beat_decision *out;            /* NULL, or where the decision is written */
};

/* The one decision point for every new task: the rules (if, final, team
 * of one), the throttle, then the stages switched on at start-up
 * (classification and prediction: BEAT_CLASSIFY, BEAT_PREDICT; worker
 * selection: BEAT_SELECT), and the spawn policy (BEAT_STEAL). Runs, queues
 * or defers the task and returns its enum beat_fate. */
int beat_submit_general(const struct beat_spawn *s);
/* beat_submit for a plain task (no copy constructor, dependences, detach,
 * priority, final or if(false)) in six registers: the fast path runs a
 * trusted tiny or one-thread task at once with no allocation, no atomic
 * read-modify-write, no shared write and no clock read unless it samples;
 * anything else goes on to the general path. */
int beat_submit_plain(void (*fn)(void *), void *data, size_t arg_size, size_t arg_align,
		      unsigned flags, const void *site);

static inline bool beat_spawn_is_plain(const struct beat_spawn *s)
{
	return !(s->flags & (BEAT_SPAWN_FINAL | BEAT_SPAWN_UNDEFERRED | BEAT_SPAWN_DETACH)) &&
	       !s->copy && !s->ndeps && s->priority <= 0 && !s->fill && !s->out;
}

static inline int beat_submit(const struct beat_spawn *s)
{
	if (beat_spawn_is_plain(s))
		return beat_submit_plain(s->fn, s->data, s->arg_size, s->arg_align, s->flags, s->site);
	return beat_submit_general(s);
}

/* Two steps, for constructs that make several tasks before any may run
 * (taskloop with a copy constructor): beat_spawn_make allocates the task
 * and copies its arguments (calling fill), beat_submit_made decides. */
struct beat_task *beat_spawn_make(const struct beat_spawn *s);
int beat_submit_made(struct beat_task *task, const struct beat_spawn *s);
/* Must a task with these BEAT_SPAWN_* flags be included (run at once, in
 * order, on the creator's stack) by the rules alone? */
bool beat_spawn_included(unsigned flags);
/* Runs fn(data) now as an included child of the current task; returns how
 * many children it made. */
unsigned beat_run_included(void (*fn)(void *), void *data, unsigned flags);
/* detach: the event of a task (its handle) is fulfilled. */
void beat_task_fulfill(struct beat_task *handle);

/* taskgroup_record.c: a taskgroup may carry an ABI layer's record (GCC's
 * task-reduction descriptors); the runtime never looks inside. The record
 * of the innermost taskgroup of the current task that has one (NULL:
 * none); that of the innermost taskgroup (NULL: none or no group). */
void *beat_taskgroup_record_innermost(void);
void *beat_taskgroup_record(void);
/* Attaches record to the current task's innermost taskgroup (one is
 * opened when there is none); workshare: the group belongs to a
 * worksharing construct, so `cancel taskgroup` cancels the one outside. */
void beat_taskgroup_record_attach(void *record, bool workshare);
/* A parallel region whose implicit tasks all run inside one taskgroup
 * that carries record. */
void beat_parallel_in_taskgroup(void (*fn)(void *), void *data, unsigned nthreads, int proc_bind,
				void *record);

/* ------------------------------------------- loop schedule engine (loop) */

/* Worksharing constructs: loops, sections, single, scope. The members of
 * a team meet its constructs in the same order; the first to arrive at one
 * describes it (beat_loop_init_*, beat_sections_init, beat_doacross_init)
 * and publishes it, the others find it described. A loop is dealt in
 * logical iterations 0 .. n-1 and each chunk comes back as the values
 * [*istart, *iend) of the loop variable; the last chunk ends at the loop's
 * own end value. Waits (ordered token, doacross sinks) are the runtime's. */
struct beat_ws;

/* A loop schedule kind. run-sched-var holds one, with BEAT_SCHED_MONOTONIC
 * or'ed in when the monotonic modifier applies; the engine deals chunks
 * the same way either way (monotonically). */
enum beat_sched {
	BEAT_SCHED_STATIC = 1,
	BEAT_SCHED_DYNAMIC = 2,
	BEAT_SCHED_GUIDED = 3,
	BEAT_SCHED_AUTO = 4,
};
#define BEAT_SCHED_MONOTONIC 0x80000000u

/* run-sched-var of the calling task as a loop applies it: auto is a
 * blocked static schedule; *chunk is 0 for blocked static, else >= 1. */
void beat_loop_runtime_sched(enum beat_sched *kind, unsigned long long *chunk);

/* Enters the team's next worksharing construct. With *first the caller
 * describes it, may set its shared data, and then calls beat_ws_publish;
 * the others return once it is published. A construct nobody describes
 * is a loop without iterations. */
struct beat_ws *beat_ws_begin(bool *first);
void beat_ws_publish(struct beat_ws *ws);
/* Data the first member hands to the others (a task-reduction
 * descriptor): set before publishing, read after beat_ws_begin. */
void beat_ws_set_shared(struct beat_ws *ws, void *data);
void *beat_ws_shared(struct beat_ws *ws);
/* A zeroed block of size bytes shared by the construct's members: the
 * first member makes it; the last to end the construct frees it. */
void *beat_ws_mem(struct beat_ws *ws, bool first, size_t size);
/* The member ends its construct: passes the ordered token on, waits at
 * the team barrier when `wait`, leaves the construct. Returns true when
 * that barrier saw the region cancelled. */
bool beat_ws_end(bool wait);
/* Leaves the construct at once, without a barrier (a construct that only
 * handed out shared data). */
void beat_ws_leave_now(void);

/* Describe a fresh construct as a loop (first member only). chunk 0: no
 * chunk size given. An unsigned long long loop counts up or down (`up`);
 * incr is added modulo 2^64 either way. */
void beat_loop_init_long(struct beat_ws *ws, long start, long end, long incr,
			 enum beat_sched kind, unsigned long long chunk);
void beat_loop_init_ull(struct beat_ws *ws, bool up, unsigned long long start,
			unsigned long long end, unsigned long long incr,
			enum beat_sched kind, unsigned long long chunk);
/* Begin, describe, publish and take the first chunk in one call. */
bool beat_loop_start_long(long start, long end, long incr, enum beat_sched kind,
			  unsigned long long chunk, bool ordered, long *istart,
			  long *iend);
bool beat_loop_start_ull(bool up, unsigned long long start, unsigned long long end,
			 unsigned long long incr, enum beat_sched kind,
			 unsigned long long chunk, bool ordered,
			 unsigned long long *istart, unsigned long long *iend);
/* The member's next chunk; false when none is left or the construct was
 * cancelled. `ordered`: the loop has the ordered clause (the ordered token
 * is first passed on past the member's previous chunk). */
bool beat_loop_next_long(bool ordered, long *istart, long *iend);
bool beat_loop_next_ull(bool ordered, unsigned long long *istart,
			unsigned long long *iend);

/* Sections: count sections dealt one at a time; *index counts from 0. */
void beat_sections_init(struct beat_ws *ws, unsigned count);
bool beat_sections_next(unsigned *index);

/* A combined parallel worksharing construct: every member of the new team
 * enters this loop before it runs fn(data); num_threads is the clause's
 * value (0: none), proc_bind 0 when the region has no proc_bind clause. */
struct beat_loop_desc {
	long start, end, incr;
	enum beat_sched kind;
	unsigned long long chunk;
};
void beat_parallel_loop(void (*fn)(void *), void *data, unsigned num_threads,
			int proc_bind, const struct beat_loop_desc *loop);
/* Split form: returns with the caller seated in the new team and in the
 * loop; the caller runs fn itself and ends the region with
 * beat_parallel_end. */
void beat_parallel_loop_start(void (*fn)(void *), void *data,
			      unsigned num_threads,
			      const struct beat_loop_desc *loop);

/* The ordered region of an ordered loop: waits until every earlier
 * iteration has passed the region (nothing to wait for outside an ordered
 * loop). The region's end needs no call: the token moves on when the
 * member's chunk is done. */
void beat_ordered_enter(void);

/* Doacross loops (ordered(n) with depend(sink / source)): after the loop's
 * init, the first member describes the nest, counts[i] iterations of loop
 * i, outermost (the work-shared loop) first. Iterations are given by their
 * logical numbers, one per loop of the nest. */
void beat_doacross_init(struct beat_ws *ws, unsigned ncounts,
			const unsigned long long *counts);
/* Loops of the member's doacross nest (the length of an iteration's
 * numbers below); 0 when it keeps no doacross state (a team of one, a nest
 * without iterations), where posts and waits do nothing. */
unsigned beat_doacross_depth(void);
/* depend(source): the member's iteration iter is done. */
void beat_doacross_post(const unsigned long long *iter);
/* depend(sink: iter): waits until iteration iter is done; no wait for an
 * iteration outside the iteration space. */
void beat_doacross_wait(const unsigned long long *iter);

/* The single construct: true for the one member that runs the block. */
bool beat_single_begin(void);
/* With copyprivate: true for the member that runs the block, which then
 * calls beat_single_copy_end with its data; the others wait for it and
 * get that data in *data. */
bool beat_single_copy_begin(void **data);
void beat_single_copy_end(void *data);

/* ---------------------- dependences, cancellation, identity, affinity */

/* depend.c: taskwait with depend: the current task waits until the sibling
 * tasks the list names (as a task with these dependences would) are done. */
void beat_depend_taskwait(const struct beat_dep *deps, size_t ndeps);

/* cancel.c: the cancel construct and cancellation points (OMP_CANCELLATION;
 * both return false when cancellation is off). beat_cancel requests it
 * (do_cancel) or only checks, beat_cancellation_point checks: true when the
 * construct of that kind (or the parallel region) is cancelled. */
enum beat_cancel_kind {
	BEAT_CANCEL_PARALLEL,
	BEAT_CANCEL_LOOP,
	BEAT_CANCEL_SECTIONS,
	BEAT_CANCEL_TASKGROUP,
};
bool beat_cancel(enum beat_cancel_kind kind, bool do_cancel);
bool beat_cancellation_point(enum beat_cancel_kind kind);

/* The data-environment ICVs an OpenMP task carries (OpenMP 5.1, 2.4). */
struct beat_icv {
	int nthreads;          /* nthreads-var for the next parallel region */
	int dyn;               /* dyn-var */
	unsigned sched_kind;   /* run-sched-var: enum beat_sched, with BEAT_SCHED_MONOTONIC */
	int sched_chunk;       /* run-sched-var chunk (0: default) */
	enum beat_bind bind;   /* bind-var for the next region */
	int max_active_levels; /* max-active-levels-var */
	int thread_limit;      /* thread-limit-var */
	int default_device;    /* default-device-var */
	int list_level;        /* which entry of the OMP_NUM_THREADS / OMP_PROC_BIND lists applies next */
	uintptr_t def_allocator; /* def-allocator-var (0: from OMP_ALLOCATOR) */
};

/* identity.c: who the calling thread is, in OpenMP's terms. Each is a
 * direct call; none allocates.
 * The ICVs of the task the calling thread executes (read and write). */
struct beat_icv *beat_icv_self(void);
/* Its thread number in its team, the team's size, the team's nesting level
 * and how many of the enclosing levels are active (more than one thread). */
int beat_thread_num(void);
int beat_team_size(void);
int beat_level(void);
int beat_active_level(void);
/* The thread number of its ancestor at nesting level `level`, and the size
 * of that ancestor's team; -1 when there is no such level. */
int beat_ancestor_thread_num(int level);
int beat_team_size_at(int level);
/* task.c: is the current task final (its children are included tasks)? */
bool beat_in_final(void);
/* What owns a nestable lock taken by the current task: one value per
 * task, the same for the task's whole life. */
const void *beat_task_identity(void);
/* The calling thread's place (-1 without places) and its place partition
 * (first place and length; length 0 without places). */
int beat_place_self(void);
void beat_partition_self(int *first, int *len);
/* The calling thread's seat in its current team, for the calls that take
 * one (an opaque handle: an ABI layer reads nothing from it). */
struct beat_member *beat_member_self(void);
/* A small integer naming the calling thread, unique among the threads
 * alive in the process and stable for the thread's life; 0 for the
 * initial thread. */
int beat_global_thread_id(void);

/* teams.c: the teams constructs on the host, whose teams run one after
 * another on the encountering thread. beat_teams_begin starts one of
 * num_teams (>= 1) teams at team 0; beat_teams_next moves the caller's
 * innermost construct (started on its current seat) to its next team and
 * returns true, or ends it after its last team and returns false (false
 * too when the caller has none). beat_teams_query gives the number of
 * teams and the team of the construct the calling thread is in (1 and 0
 * outside any), also from parallel regions nested in a team. */
void beat_teams_begin(int num_teams);
bool beat_teams_next(void);
void beat_teams_query(int *num_teams, int *team_num);

/* affinity_var.c: the affinity-format-var; sets a copy of fmt[0..len),
 * and returns a malloc'd copy of the current value. */
void beat_affinity_format_store(const char *fmt, size_t len);
char *beat_affinity_format_copy(void);
/* affinity_format.c: expands an affinity format (NULL or "": the
 * affinity-format-var) for the calling thread into buf (at most size
 * bytes, not NUL-terminated); returns the full length, which may exceed
 * size. A malformed format is fatal. */
size_t beat_affinity_expand(char *buf, size_t size, const char *format);
/* Prints the calling thread's affinity line (format as above) to stderr,
 * for OMP_DISPLAY_AFFINITY and omp_display_affinity. */
void beat_affinity_display(const char *format);

/* ------------------------------------------------------------ config.c */

/* Parses the environment once; cheap to call again. */
void beat_config_init(void);
/* Prints the OMP_DISPLAY_ENV block (verbose adds beat's own variables). */
void beat_config_display(bool verbose);
/* The settings an ABI layer reads (each from its environment variable). */
enum beat_setting {
	BEAT_SETTING_CANCELLATION,       /* OMP_CANCELLATION: 0 or 1 */
	BEAT_SETTING_MAX_TASK_PRIORITY,  /* OMP_MAX_TASK_PRIORITY */
	BEAT_SETTING_MAX_TEAMS,          /* OMP_NUM_TEAMS (0: unset) */
	BEAT_SETTING_TEAMS_THREAD_LIMIT, /* OMP_TEAMS_THREAD_LIMIT (0: unset) */
	BEAT_SETTING_TARGET_OFFLOAD,     /* OMP_TARGET_OFFLOAD: 0 default, 1 mandatory, 2 disabled */
	BEAT_SETTING_ALLOCATOR,          /* OMP_ALLOCATOR: a predefined allocator, 1..8 as omp.h */
};
int beat_setting(enum beat_setting which);
/* The settings that are ICVs a program may change (nteams-var and
 * teams-thread-limit-var: MAX_TEAMS and TEAMS_THREAD_LIMIT only). Both
 * read the environment first if nothing has. */
void beat_setting_store(enum beat_setting which, int value);

#endif
