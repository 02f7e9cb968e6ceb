/* rt.h: the runtime's private interface, for shim/ alone (an ABI layer
 * sees only abi.h, which this includes): threads, teams, team members,
 * tasks, taskgroups, worksharing slots, configuration and the low-level
 * helpers (futex, spinning, deques, fibers) they use.
 *
 * Ownership, in one paragraph: a `beat_thread` is one OS thread (a pool worker
 * or a thread the program made). When it joins a team it gets a `beat_member`
 * (its seat in that team) which holds its implicit task, its worksharing
 * counters and its task deque. Nested parallel regions give the same thread
 * a new seat; the old one is restored when the inner region ends. Explicit
 * tasks belong to a team and run only on threads seated in that team.
 * Everything here is hidden inside libbeat.so; only gomp_compat/ exports.
 * scripts/check-layers proves that gomp_compat/ includes abi.h only. */
#ifndef BEAT_RT_H
#define BEAT_RT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "beat_assert.h"
#include "predict.h"
#include "select_score.h"

#define BEAT_CACHELINE 64
/* Nodes a team tells apart (mailboxes, per-node counts); a machine with
 * more folds node n onto n % BEAT_MAX_NODES. */
#define BEAT_MAX_NODES 16
/* beat_member.block_node of an unbound thread on a team of several nodes */
#define BEAT_NODE_UNBOUND 0xff

/* ------------------------------------------------------------------ util.c */

/* Writes value into buf (of size n) with every byte that is not printable
 * ASCII escaped (\n, \t, \xHH), so that a warning echoes it on one line. */
const char *beat_escape(const char *value, char *buf, size_t n);

/* ------------------------------------------------------- interpose_env.c */

/* True when the variable is set to the empty string. */
bool beat_getenv_is_empty(const char *name);

/* ------------------------------------------------------- topology_file.c */

/* Makes hwloc load the XML file named by BEAT_TOPOLOGY instead of the
 * machine, if it is a readable regular file (else one warning). */
struct hwloc_topology;
void beat_topology_use_file(struct hwloc_topology *topo, const char *path);

/* interpose_pthread.c: the C library's pthread_create (beat's own threads
 * are not the program's); the pthread layer's state in a forked child; the
 * thread that pthread_setaffinity_np acts on for a handle (a thread run as
 * a task: the pool worker running it, 0 when none). */
#include <pthread.h>
int beat_real_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
void beat_pt_after_fork(void);
pthread_t beat_pt_affinity_target(pthread_t t);
void beat_futex_wait(atomic_uint *word, unsigned expected);
/* The same, for at most ns nanoseconds. */
void beat_futex_wait_for(atomic_uint *word, unsigned expected, long ns);
void beat_futex_wake(atomic_uint *word, int count);
/* With a futex bitset; the wake returns how many it woke. */
void beat_futex_wait_bits(atomic_uint *word, unsigned expected, unsigned bits);
int beat_futex_wake_bits(atomic_uint *word, int count, unsigned bits);

static inline void beat_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}


/* How many polls a waiter makes before it sleeps; honours OMP_WAIT_POLICY,
 * GOMP_SPINCOUNT and oversubscription (more threads than CPUs). */
unsigned long beat_spin_limit(void);
/* One poll of a spin loop (pause; a sched_yield when another beat thread
 * shares this CPU). False: stop spinning and sleep now (this CPU is shared
 * and yields go to another process). */
bool beat_spin_pause(unsigned long i);
/* presence.c: which CPU each awake beat thread was last seen on. Init
 * (once, before any thread waits); true when another awake beat thread is
 * counted on the caller's CPU (it counts itself there first); the caller
 * sleeps or ends (leave: true when it was counted) and wakes (arrive). */
void beat_presence_init(void);
bool beat_presence_shared(void);
bool beat_presence_leave(void);
/* Another process took the calling thread's CPU (a slow yield, util.c):
 * marks the CPU taken until `until` and moves the thread to a CPU of its
 * mask that is not (BEAT_SPREAD); true when it moved. */
bool beat_presence_taken(double until);
void beat_presence_arrive(void);
/* After fork(): only the calling thread exists, counted nowhere. */
void beat_presence_atfork_child(void);

/* foreign.c: threads of other processes runnable now (-1: cannot tell);
 * read at most every 10 ms for the whole process. After fork(): forgets. */
int beat_foreign_runnable(void);
void beat_foreign_atfork_child(void);

/* malloc_prime.c: at configuration, unless BEAT_MALLOC_PRIME=false, moves
 * glibc malloc's mmap threshold to 1 MiB (one block allocated and freed). */
void beat_malloc_prime(void);

/* Waiting for a 64-bit word another thread moves (the ordered token, a
 * doacross counter): each step spins a bounded time (beat_spin_limit,
 * capped), then sleeps on the word's low 32 bits, counted in *sleepers,
 * for at most a millisecond (so a cancellation is seen without a wake-up).
 * The mover stores the word and then calls beat_word_wake, which wakes
 * the sleepers whose `bits` meet its own (a futex bitset: the ordered
 * token wakes only the member waiting for its new value; BEAT_WORD_ANY
 * wakes all). No sched_yield phase: with other processes competing for
 * the CPUs, a yield hands the CPU to them for a whole slice; measured
 * with 8 threads on 2 CPUs next to 2 busy processes, an ordered loop of
 * 10000 iterations took 2 to 28 s with 4 yields before sleeping, under
 * 0.3 s without (libgomp: 0.35 to 0.6 s). */
#define BEAT_WORD_ANY 0xffffffffU
struct beat_word_waiter {
	unsigned long spins;
};
void beat_word_wait_step(struct beat_word_waiter *w, atomic_ullong *word,
			 unsigned long long seen, unsigned bits, atomic_long *sleepers);
void beat_word_wake(atomic_ullong *word, unsigned bits, atomic_long *sleepers);


/* ---------------------------------------------------------------- config.c */

enum beat_wait_policy { BEAT_WAIT_UNSET = -1, BEAT_WAIT_PASSIVE = 0, BEAT_WAIT_ACTIVE = 1 };

struct beat_config {
	struct beat_icv initial;                 /* ICVs of the initial task */
	int *nthreads_list;                      /* OMP_NUM_THREADS per level (any length) */
	int nthreads_list_len;
	int *bind_list;                          /* OMP_PROC_BIND per level (any length) */
	int bind_list_len;
	int cancellation;                        /* OMP_CANCELLATION */
	int max_task_priority;                   /* OMP_MAX_TASK_PRIORITY */
	size_t stacksize;                        /* OMP_STACKSIZE in bytes, 0: default */
	int wait_policy;                         /* enum beat_wait_policy */
	unsigned long spincount;                 /* GOMP_SPINCOUNT (polls) */
	bool spincount_set;                      /* GOMP_SPINCOUNT was given (valid) */
	int display_env;                         /* 0, 1 true, 2 verbose */
	int display_affinity;                    /* OMP_DISPLAY_AFFINITY */
	int max_teams;                           /* OMP_NUM_TEAMS (0: unset) */
	int teams_thread_limit;                  /* OMP_TEAMS_THREAD_LIMIT (0: unset) */
	int target_offload;                      /* OMP_TARGET_OFFLOAD: 0 default, 1 mandatory, 2 disabled */
	int allocator;                           /* OMP_ALLOCATOR: a predefined allocator, 1..8 as omp.h */
	char *places_text;                       /* OMP_PLACES as given (NULL: unset) */
	int debug;                               /* BEAT_DEBUG */
	bool fibers;                             /* BEAT_FIBERS: tasks run on fibers and park */
	size_t fiber_stack;                      /* BEAT_FIBER_STACK in bytes, 0: OMP_STACKSIZE */
	size_t fiber_guard;                      /* BEAT_FIBER_GUARD in bytes */
	size_t thread_stack;                     /* a new thread's default stack (ulimit -s) */
	int fiber_max;                           /* BEAT_FIBER_MAX */
	size_t park_max;                         /* BEAT_PARK_MAX: stack bytes parked fibers may hold */
	int remote_wait;                         /* BEAT_REMOTE_WAIT: idle polls before remote work */
	bool memgate;                            /* BEAT_MEMGATE: the memory-pressure gate */
	bool spread;                             /* BEAT_SPREAD: a waiter sharing its CPU moves (presence.c) */
	bool malloc_prime;                       /* BEAT_MALLOC_PRIME: raise malloc's mmap threshold (malloc_prime.c) */
	int memgate_levels[4];                   /* BEAT_MEMGATE_LEVELS: % of the limit for low..critical */
	int steal;                               /* BEAT_STEAL: enum beat_steal */
	bool stats;                              /* BEAT_STATS */
	bool classify;                           /* BEAT_CLASSIFY: fingerprints, classes, inlining */
	bool predict;                            /* BEAT_PREDICT: One Euro filter (off: last sample) */
	bool select;                             /* BEAT_SELECT: worker selection places tasks */
	struct beat_weights select_weights;      /* BEAT_SELECT_WEIGHTS: the score's weights */
	float inline_factor;                     /* BEAT_INLINE: tiny = below this many spawn costs */
	struct beat_one_euro_params one_euro;    /* BEAT_ONE_EURO */
};

/* BEAT_STEAL: what a task's creator does with a new deferred task. */
enum beat_steal {
	BEAT_STEAL_AUTO = 0,         /* continuation stealing for untied creators, else child */
	BEAT_STEAL_CHILD = 1,        /* push the child, continue the creator */
	BEAT_STEAL_CONTINUATION = 2, /* run the child now, leave the creator to thieves */
};

extern struct beat_config beat_cfg;


/* -------------------------------------------------------------- topology.c */

/* numa.c: each CPU's NUMA node (logical index) and L3 group (-1: none),
 * the node count and distances (10: local), loaded once by beat_numa_init
 * (hwloc only with BEAT_TOPOLOGY or several nodes). The synthetic loader is
 * for tests: an hwloc synthetic description and, optionally, a
 * nodes x nodes distance matrix. */
void beat_numa_init(void);
bool beat_numa_load_synthetic(const char *desc, const int *distances);
int beat_numa_nodes(void);
/* One node and no L3 groups known: every CPU is one level. */
bool beat_numa_flat(void);
int beat_numa_node_of_cpu(int cpu);
int beat_numa_l3_of_cpu(int cpu);
int beat_numa_distance(int a, int b);
/* The node (logical index) of an OS node number, as move_pages reports
 * them; -1 when unknown. */
int beat_numa_node_of_os(int os);
/* The other nodes of a team folded below BEAT_MAX_NODES, nearest first:
 * order[0 .. nnodes-2] for node n. */
const unsigned char *beat_numa_near(int n);
/* victims.c: the BEAT_LEVEL_* of a victim on CPU v for a thief on CPU c;
 * one member's order among members on cpus[n] (NULL when one group or
 * out of memory); every member's order at team formation (crew: the
 * threads of seats 1..n-1); freeing them. */
int beat_victim_level(int c, int v);
struct beat_victims *beat_victims_build(const int *cpus, unsigned n, unsigned self, unsigned *rng);
struct beat_team;
struct beat_thread;
void beat_victims_team(struct beat_team *team, struct beat_thread *const *crew, int forming_cpu);
void beat_victims_free(struct beat_team *team);


void beat_topology_init(void);
/* mempressure.c: the memory-pressure level (a relaxed word, refreshed at a
 * bounded rate by whoever decides a spawn when it is due), and the gate's
 * decision for a task with `estimate` bytes: run it at once? */
enum beat_mem_level { BEAT_MEM_NONE, BEAT_MEM_LOW, BEAT_MEM_MEDIUM, BEAT_MEM_HIGH, BEAT_MEM_CRITICAL, BEAT_MEM_LEVELS };
struct beat_thread;
extern int beat_mem_level;
int beat_mem_level_refresh(void);
const char *beat_mem_level_name(int level);
/* memgate.c: the gate's decision for a task of `estimate` bytes (go on,
 * run it at once, or hold it), the held tasks of a team, and the calling
 * thread's minor page faults so far (getrusage). */
enum beat_gate { BEAT_GATE_GO, BEAT_GATE_NOW, BEAT_GATE_HOLD };
/* The longest a held task waits before anyone may start it. */
#define BEAT_HOLD_MS 20
enum beat_gate beat_memgate_decide(struct beat_thread *t, size_t estimate);
struct beat_team;
struct beat_task;
struct beat_member;
void beat_held_push(struct beat_team *team, unsigned node, struct beat_task *task);
/* A held task that m's thread may start now (own: only descendants of the
 * task it runs), or NULL. */
struct beat_task *beat_held_take(struct beat_member *m, bool own);
long beat_thread_minflt(void);
/* cgroup_find.c: does a /proc/self/cgroup controller list name `name`; the
 * mount point of the v1 hierarchy holding `controller` (NULL: cgroup2) and
 * which cgroup is mounted there; a cgroup's path below that mount. */
bool beat_cgroup_names(const char *controllers, const char *name);
/* Splits a /proc/self/cgroup line "ID:CONTROLLERS:PATH" in place. */
bool beat_cgroup_line(char *line, const char **controllers, const char **rel);
bool beat_cgroup_mount(const char *controller, char *out, size_t n, char *root, size_t rn);
const char *beat_cgroup_below(const char *rel, const char *root);
/* cpu_quota.c: CPUs' worth of time the process may use: beat_num_cpus,
 * capped by its cgroup's CPU quota (rounded up; at least 1). Set by
 * beat_cpu_budget_init, after beat_topology_init. */
extern int beat_cpu_budget;
void beat_cpu_budget_init(void);
/* Builds the place list from OMP_PLACES; false when unset or invalid. */
bool beat_topology_places_init(void);
/* With binding on and no places: one place per CPU. */
void beat_topology_default_places(void);
/* places_parse.c: an explicit OMP_PLACES list as CPU sets (CPUs below
 * cpu_limit, at most BEAT_CPUBITS); returns the number of places, or -1 with *why saying what
 * is wrong. *places is malloc'd. */
#define BEAT_CPUBITS 1024
struct beat_cpubits {
	uint64_t w[BEAT_CPUBITS / 64];
};
long beat_places_parse(const char *text, long cpu_limit, struct beat_cpubits **places,
		       const char **why);
/* interpose_affinity.c: the CPU mask the initial thread had before the
 * first pthread_setaffinity_np call (libgomp's constructor binds it);
 * false when none was made. Called once, by beat_topology_init. */
bool beat_start_affinity(cpu_set_t *set);
/* Binds the calling thread to place p (no-op when p < 0). */
void beat_bind_to_place(int p);
/* The CPUs the process started with (the list beat_num_cpus counts). */
int beat_allowed_cpus(const int **cpus);

struct beat_team;
struct beat_member;
/* places.c: places and place partitions of a new team's seats, from the
 * encountering seat and the team's bind policy (no-op without places). */
void beat_places_assign(struct beat_team *team, const struct beat_member *seat,
			enum beat_bind bind);
/* The spread rule over usable nodes (node_bind.c): every seat's node and
 * node partition, the primary's node p in the partition [off, off + len). */
void beat_places_spread_nodes(struct beat_team *team, int p, int off, int len);
/* node_bind.c: with no binding asked for and CPUs on several NUMA nodes,
 * each new team's seats get nodes (the encountering seat's partition, else
 * every usable node from the node of forming_cpu on), and crew threads a
 * CPU hint on their node for victims.c; a no-op when node binding is off.
 * beat_bind_to_node gives the calling thread the CPUs of usable node n. */
void beat_nodes_assign(struct beat_team *team, const struct beat_member *seat,
		       struct beat_thread *const *crew, int forming_cpu);
bool beat_bind_to_node(int n);
/* The seat's place (the initial thread's, before its first region: 0), -1
 * without places; its place partition (length 0 without places). */
int beat_place_of_seat(const struct beat_member *seat);
void beat_partition_of_seat(const struct beat_member *seat, int *first, int *len);

/* ----------------------------------------------------------------- deque.c */

/* Chase-Lev work-stealing deque of pointers: the owner pushes and pops at the
 * bottom, thieves take from the top. */
struct beat_deque_array;
struct beat_thread;
struct beat_deque {
	_Alignas(BEAT_CACHELINE) atomic_long top;
	_Alignas(BEAT_CACHELINE) atomic_long bottom;
	_Atomic(struct beat_deque_array *) array;
	struct beat_deque_array *retired; /* old arrays, freed at destroy */
#ifdef BEAT_DEBUG_ASSERTS
	/* the only thread that may push and pop (NULL: the first that does) */
	struct beat_thread *owner;
#endif
};

void beat_deque_init(struct beat_deque *d);
/* A seat's deque is owned by the thread that takes the seat (checked by
 * BEAT_ASSERT in the debug builds; nothing otherwise). */
static inline void beat_deque_set_owner(struct beat_deque *d, struct beat_thread *owner)
{
	BEAT_DEBUG_ONLY(d->owner = owner;)
	(void)d;
	(void)owner;
}
void beat_deque_destroy(struct beat_deque *d);
void beat_deque_push(struct beat_deque *d, void *item);
void *beat_deque_pop(struct beat_deque *d);
/* NULL when empty or when the race for the last item was lost. */
void *beat_deque_steal(struct beat_deque *d);
/* A guarded item (tied.c: a continuation only some thieves may resume) is
 * taken by beat_deque_steal and pop as any other, while
 * beat_deque_steal_unguarded leaves it in place (returns NULL). */
void beat_deque_push_guarded(struct beat_deque *d, void *item);
void *beat_deque_steal_unguarded(struct beat_deque *d);
/* Items in the deque now (a racy snapshot; inline: the spawn decision
 * reads it on every task). */
static inline long beat_deque_size(struct beat_deque *d)
{
	long b = atomic_load_explicit(&d->bottom, memory_order_relaxed);
	long t = atomic_load_explicit(&d->top, memory_order_relaxed);
	return b > t ? b - t : 0;
}

/* ------------------------------------------------------------------ task.c */

enum {
	BEAT_TASK_IMPLICIT = 1 << 0,
	BEAT_TASK_FINAL = 1 << 1,    /* the task is final: its children are included */
	BEAT_TASK_UNTIED = 1 << 2,
	BEAT_TASK_UNDEFERRED = 1 << 3,
	BEAT_TASK_POOLED = 1 << 4,   /* its block came from a thread's free list */
	BEAT_TASK_DETACHED = 1 << 5, /* has a detach event: completion may come from anywhere */
	BEAT_TASK_CONT = 1 << 6,     /* not a task: a suspended creator's continuation (cont) */
	BEAT_TASK_ONSTACK = 1 << 7,  /* an included task's record on its runner's stack */
	BEAT_TASK_COMPLETE = 1 << 8, /* queued only to be completed (fulfilled from outside the team) */
	BEAT_TASK_COPIED = 1 << 9,   /* its arguments were copy-constructed: it runs even when cancelled */
};

struct beat_team;
struct beat_member;
struct beat_thread;

struct beat_taskgroup {
	struct beat_taskgroup *prev;
	atomic_long count;        /* unfinished tasks created in the group (and their descendants) */
	atomic_int cancelled;
	bool workshare;           /* made by a worksharing construct's task reductions */
	void *reductions;         /* task-reduction descriptor (task_reduction.c) */
};

struct beat_task {
	void (*fn)(void *);
	void *data;
	struct beat_task *parent;
	struct beat_team *team;
	struct beat_taskgroup *taskgroup; /* innermost taskgroup active in this task */
	struct beat_taskgroup *counted_in; /* taskgroup whose count includes this task */
	atomic_long children;             /* unfinished child tasks (taskwait) */
	atomic_int refs;                  /* 1 until it completes + 1 per child not yet freed + 1 per
					   * other holder (dependence records, a waiting creator, a
					   * detach event still to come); freed at 0 */
	atomic_long subtree;              /* 1 until it completes + 1 per child whose subtree is unfinished */
	struct beat_task *counted_by;     /* whose subtree counts this one (NULL: the team's count) */
	unsigned flags;
	int priority;
	struct beat_icv icv;
	struct beat_depnode *dep;     /* dependences of this task (depend.c) */
	struct beat_deptable *deps;   /* dependences among this task's children */
	atomic_int detach_pending;    /* detach: completion waits for fulfil + return */
	atomic_int finished;
	struct beat_task *next;       /* mailbox or held list link */
	struct beat_fiber *cont;      /* a continuation item: the suspended creator's fiber */
	struct beat_task *promoted;   /* ONSTACK: its heap copy, once it made a deferred child */
	struct beat_task *identity;   /* a promoted record: the stack record it was (lock owner) */
	uint64_t fp_key;              /* fingerprint (taskclass.h) */
	uint32_t nchildren;           /* children it has made */
	uint32_t cost_kc;             /* predicted cost when spawned, in 1024 cycles (0: unknown) */
	uint16_t depth;               /* nesting depth (implicit tasks: 0) */
	uint8_t fp_sample;            /* time this task's body */
	uint8_t pclass;               /* predicted class when it was spawned */
	uint8_t tied_chained;         /* on its seat's chain of suspended tied tasks (tied.c) */
	uint8_t home_node;            /* node of the member that made it (BEAT_MAX_NODES folded) */
	uint8_t migrations;           /* times it started or resumed off its home node (saturates) */
	int8_t data_node;             /* large tasks: node of most of its data (locality.c) */
	uint8_t locality;             /* share of its data pages on data_node, in 64ths (0: unknown) */
	uint8_t block_node;           /* POOLED: its allocating seat's block_node (beat_member) */
	union {
		uint32_t held_at;     /* held by the memory gate since (memgate.c's stamp) */
		uint32_t tied_seq;    /* started and suspended: its place in its seat's chain
				       * (tied.c; never held once started) */
	};
	struct beat_task *tied_below; /* the next task down that chain */
	struct beat_fiber *tied_fiber; /* the fiber it was on when it joined (NULL: a thread's stack) */
};

/* Allocates a task record with room for arg_size bytes of arguments aligned
 * to arg_align (from the calling thread's free list when it fits) and sets
 * *arg_out to that room. The record is zeroed except `data` and the POOLED
 * flag: nothing is linked, counted or queued yet (beat_task_prepare does
 * that). */
struct beat_task *beat_task_alloc(size_t arg_size, size_t arg_align, void **arg_out);
/* Frees the task blocks kept on t's free list (t is exiting). */
void beat_task_blocks_release(struct beat_thread *t);
/* Runs fn(data) now as an included child task of the current task, with a
 * record on this stack; returns how many children it made. */
unsigned beat_task_run_undeferred(void (*fn)(void *), void *data, unsigned flags);
/* The current task as a parent of a deferred child: an included task's
 * stack record moves to the heap first. */
struct beat_task *beat_task_parent_for_child(struct beat_thread *t);
/* Runs at most one queued task of the caller's team; true if it ran one. */
bool beat_task_run_one(struct beat_member *m);
void beat_task_unref(struct beat_task *task);
/* Links a new child of the current task and counts it (parent, taskgroup,
 * team); with a dependence list (deps not NULL, ndeps entries), registers
 * its dependences. Returns true when it may run now. The caller then calls
 * beat_task_spawn or beat_task_run_inline. */
bool beat_task_prepare(struct beat_task *task, void (*fn)(void *), unsigned flags,
		       int priority, const struct beat_dep *deps, size_t ndeps, bool undeferred);
/* Queues a ready task where worker selection says (select.c); returns
 * where (QUEUED, PLACED, PRIORITY) and the seat in *worker (-1: any). */
enum beat_fate beat_task_enqueue(struct beat_task *task, int *worker);
/* Starts a prepared, ready deferred task by the spawn policy (BEAT_STEAL):
 * queued (beat_task_enqueue), or run at once with the creator left to
 * thieves (BEAT_FATE_CONTINUED). */
enum beat_fate beat_task_spawn(struct beat_task *task, int *worker);
/* locality.c: a large task's data node and locality, from the pointers in
 * its argument block (one move_pages query). */
void beat_locality_probe(struct beat_thread *t, struct beat_task *task, size_t arg_size);
/* select.c: the node that last started a large task of this fingerprint
 * (the affinity hint), and noting it. */
int beat_select_hint(uint64_t fp_key);
void beat_select_ran(uint64_t fp_key, unsigned node);
/* select.c: where a task that is to be queued goes: the own deque
 * (QUEUED, *worker its seat), a node's mailbox (PLACED, *node; *node comes
 * in as the creator's node) or the priority heap. */
enum beat_fate beat_select(struct beat_thread *t, struct beat_task *task, int *worker, unsigned *node);
/* Puts a continuation item on m's deque (the caller owns m) and wakes a
 * sleeping member. */
void beat_task_push_cont(struct beat_member *m, struct beat_task *item);
/* Runs a prepared task on the calling thread, after its dependences, and
 * returns when its body has run and, if wait_completion, when it has
 * completed (a detached task completes at its fulfilment). */
void beat_task_run_inline(struct beat_task *task, bool wait_completion);
/* A task whose dependences are satisfied: queue it. */
void beat_task_ready(struct beat_task *task);

/* tied.c: the tied-task scheduling constraint. A tied task reaching a
 * scheduling point where its thread may start other work joins its seat's
 * chain; it leaves when its body returns. */
void beat_tied_suspend(struct beat_member *m, struct beat_task *task);
void beat_tied_leave_slow(struct beat_member *m, struct beat_task *task);
static inline void beat_tied_leave(struct beat_member *m, struct beat_task *task)
{
	if (BEAT_UNLIKELY(task->tied_chained))
		beat_tied_leave_slow(m, task);
}
/* Does a task of seat m's chain run on fiber f (f must not move)? */
bool beat_tied_on_fiber(struct beat_member *m, const struct beat_fiber *f);
/* Could seat m (on thread t) start any task now? (No tied task is suspended
 * on it and its implicit task waits, if at all, in a barrier.) */
bool beat_tied_free(struct beat_thread *t, const struct beat_member *m);
/* Pushes a queue item back on seat m's deque, a tied continuation guarded. */
void beat_item_push(struct beat_member *m, struct beat_task *item);
/* May seat m (on thread t) start task now? Resuming a parked task is
 * always allowed (beat_tied_above orders it); a continuation item counts as
 * starting its creator's task here. */
bool beat_tied_may_start(struct beat_thread *t, struct beat_member *m, const struct beat_task *task);
/* Does task descend from anc (tied.c)? */
bool beat_task_descends(const struct beat_task *task, const struct beat_task *anc);

/* depend.c */
struct beat_depnode;
struct beat_deptable;
bool beat_depend_register(struct beat_task *parent, struct beat_task *task,
			  const struct beat_dep *deps, size_t ndeps, bool undeferred);
void beat_depend_wait_ready(struct beat_member *m, struct beat_task *task);
void beat_depend_complete(struct beat_task *task);
void beat_depend_table_free(struct beat_task *parent);
void beat_depend_node_free(struct beat_task *task);
/* Runs team tasks until done(arg); sleeps on the team futex when idle.
 * Whoever makes done() true must call beat_team_wake(). */
void beat_help_until(struct beat_member *m, bool (*done)(void *), void *arg);

/* ------------------------------------------------------------------ team.c */

#define BEAT_WS_RING 8

/* One worksharing construct in progress (loop, sections, single with
 * copyprivate, scope). Slots are reused round-robin once every member has
 * left. A loop is kept in logical iterations 0 .. niters-1; iteration k
 * has the value start + k * incr modulo 2^64, read back as a long or an
 * unsigned long long, and the last one ends at `end`. */
struct beat_ws {
	_Alignas(BEAT_CACHELINE) beat_mutex_t lock;
	atomic_ulong id;    /* construct number occupying the slot */
	atomic_uint left;   /* members that have left it */
	unsigned long id_pending; /* id being initialised (under lock) */
	/* the loop, set by its first member (loop_sched.c) */
	unsigned long long start, end, incr;
	unsigned long long niters;  /* logical iteration count */
	unsigned long long chunk;   /* logical chunk (0: static, one block per member) */
	enum beat_sched sched;      /* static, dynamic or guided */
	_Alignas(BEAT_CACHELINE) atomic_ullong next; /* dynamic/guided: first logical iteration not handed out */
	_Alignas(BEAT_CACHELINE) atomic_ullong ord_next; /* ordered token: first logical iteration allowed */
	atomic_long ord_sleepers;   /* members asleep waiting for the token */
	void *doacross;             /* doacross.c state */
	void *shared;               /* the first member's data for the others (copyprivate, task reductions) */
	void *mem;                  /* beat_ws_mem's block */
	atomic_int cancelled;
};

/* A thread's seat in one team. */
/* victims.c: a member's victim order (NULL: one group, uniform random).
 * Groups run [end[g-1], end[g]) over ids, nearest first; level[g] is the
 * BEAT_LEVEL_* of group g, counted per steal in BEAT_STATS. */
enum { BEAT_LEVEL_L3, BEAT_LEVEL_NODE, BEAT_LEVEL_REMOTE };
#define BEAT_VICTIM_GROUPS 8
struct beat_victims {
	unsigned count, ngroups;
	unsigned end[BEAT_VICTIM_GROUPS];
	unsigned char level[BEAT_VICTIM_GROUPS];
	unsigned ids[];
};

struct beat_member {
	/* Read by the primary thread and the other members, written only when
	 * the seat is formed: this line stays shared in every cache. */
	_Alignas(BEAT_CACHELINE) struct beat_team *team;
	unsigned id;
	struct beat_thread *thread;
	int place;                          /* place index or -1 */
	int place_part_first, place_part_len; /* place-partition-var */
	/* node binding without places (node_bind.c): the usable node of the
	 * seat and its partition of usable nodes; bind_node_len 0: none */
	int bind_node, bind_node_first, bind_node_len;
	struct beat_victims *victims;       /* victim order (victims.c), NULL: flat */
	unsigned char flat_level;           /* BEAT_LEVEL_* of every victim when flat */
	unsigned char node;                 /* its NUMA node (victims.c), folded below BEAT_MAX_NODES */
	unsigned char block_node;           /* node its thread's task blocks are kept for: node, or
					     * BEAT_NODE_UNBOUND (an unbound thread of a team on several
					     * nodes, which may touch memory anywhere) */
	/* Its thread's own, written as it runs (from the next line on: a seat
	 * set up again does not miss on a line the primary reads). */
	_Alignas(BEAT_CACHELINE) struct beat_task itask; /* the implicit task */
	unsigned long ws_index;             /* worksharing constructs entered */
	unsigned long single_index;         /* single constructs entered */
	struct beat_ws *ws;                 /* construct in progress */
	unsigned long long static_trip;     /* static chunks taken in the current loop */
	unsigned long long ord_start;       /* ordered: first logical iteration of our chunk */
	unsigned long long ord_len;         /* ordered: length of our chunk (0: none) */
	unsigned rng;
	/* tied-task scheduling constraint (tied.c): tied tasks suspended on
	 * this seat, most recent first; the implicit task waits in a barrier */
	struct beat_task *tied_top;
	uint32_t tied_seq;                  /* suspensions counted, to order the chain */
	bool in_barrier;
	unsigned char mem_checked;          /* node_memory.c: 1 << BEAT_MEM_* checked */
	/* a waiter that could not park (BEAT_PARK_MAX) helps in place: only
	 * its descendants may start on top of it, untied ones too */
	struct beat_task *narrow;
	unsigned idle_polls;                /* polls in a row that found no work: remote work waits
					     * for BEAT_REMOTE_PATIENCE of them (task.c) */
	struct beat_deque deque;
};

/* Stack discipline for suspended contexts: a context suspended on seat m
 * (a help loop, a parked fiber) notes m's count of suspensions and goes on
 * only once every tied task suspended on m after it has finished, as if
 * they ran above it on one stack. */
static inline uint32_t beat_tied_mark(const struct beat_member *m)
{
	return m->tied_seq;
}
static inline bool beat_tied_above(const struct beat_member *m, uint32_t mark)
{
	const struct beat_task *top = m->tied_top;
	return BEAT_UNLIKELY(top != NULL) && (int32_t)(top->tied_seq - mark) > 0;
}

/* Work on another node (its mailbox, its members' deques) is for members
 * of that node. A member looks there only when it has found nothing for
 * BEAT_REMOTE_WAIT polls in a row and every member of its own node is idle,
 * or for four times as many (a busy node-mate may make no work for a long
 * time); and only one member of a node at a time: it brings back a batch
 * for the others (task.c steal_batch). beat_far_begin says whether m may
 * look, and if so takes the node's turn; beat_far_end gives it back. */
bool beat_far_begin(struct beat_member *m);
void beat_far_end(struct beat_member *m);
/* node_memory.c: the members' structures of a team on several nodes go
 * to their nodes' memory (at team formation, when the layout changed); a
 * worker checks where its own structures are (BEAT_STATS). */
enum { BEAT_MEM_MEMBER, BEAT_MEM_DEQUE, BEAT_MEM_TASKS, BEAT_MEM_STACK };
void beat_node_memory_place_members(struct beat_team *team);
void beat_node_memory_check(struct beat_thread *t, struct beat_member *m);
/* mailbox.c: the team's per-node mailboxes. */
void beat_mail_init(struct beat_team *team);
void beat_mail_push(struct beat_team *team, unsigned node, struct beat_task *task);
struct beat_task *beat_mail_take(struct beat_member *m);
bool beat_mail_any(struct beat_team *team);

/* Tasks queued on a member's own deque (the throttle, the starving test). */
static inline long beat_task_backlog(struct beat_member *m)
{
	return beat_deque_size(&m->deque);
}

/* A contention group: the threads started from one initial thread (a
 * program thread, or a target region on the host); OMP_THREAD_LIMIT counts
 * per group. */
struct beat_cg {
	/* on a line of its own: only primary threads write it, at region
	 * start and end, and a shared line made every start miss */
	_Alignas(BEAT_CACHELINE) atomic_int busy;
};

/* A node's mailbox: a locked list, newest first. */
/* Tasks the memory gate holds for a node: a locked list, oldest first. */
struct beat_held {
	_Alignas(BEAT_CACHELINE) beat_mutex_t lock;
	struct beat_task *head, *tail;
};

struct beat_mailbox {
	_Alignas(BEAT_CACHELINE) beat_mutex_t lock;
	struct beat_task *head;
	atomic_int count;
	/* when its oldest entry came (cycles; 0: empty), and how long its
	 * node may take to start it before other nodes may (mailbox.c) */
	_Atomic uint64_t oldest_at;
	_Atomic uint64_t wait;
};

struct beat_team {
	unsigned nthreads;
	struct beat_cg *cg;
	unsigned level;          /* nesting level (0: initial team) */
	unsigned active_level;   /* active (more than one thread) levels */
	struct beat_member *parent_member; /* seat of the master in the enclosing team */
	struct beat_member *members;       /* [nthreads] */
	int *victim_places;                /* [nthreads] node and L3 of each seat the orders were built for */
	/* barriers: the team barrier, and the join at the region's end (kept
	 * apart so that cancelled members can skip to the end). Arrivals and
	 * generation on lines of their own: the waiters' polls of the
	 * generation do not take the line the arrivals write. */
	_Alignas(BEAT_CACHELINE) atomic_uint bar_arrived;
	_Alignas(BEAT_CACHELINE) atomic_uint bar_gen;
	_Alignas(BEAT_CACHELINE) atomic_uint end_arrived;
	_Alignas(BEAT_CACHELINE) atomic_uint end_gen;
	/* explicit tasks */
	_Alignas(BEAT_CACHELINE) atomic_long task_count; /* explicit tasks made by implicit tasks whose subtree is unfinished */
	/* mailboxes, one per NUMA node the team spans (mailbox.c): tasks
	 * placed for a node, tasks from non-members, completions to finish */
	struct beat_mailbox mail[BEAT_MAX_NODES];
	struct beat_held held[BEAT_MAX_NODES];         /* tasks the memory gate holds (memgate.c) */
	_Alignas(BEAT_CACHELINE) atomic_int held_count;
	_Alignas(BEAT_CACHELINE) atomic_uint mail_mask; /* bit n: mail[n] holds something */
	unsigned nnodes;                               /* nodes the members are on (1 + highest) */
	unsigned char node_members[BEAT_MAX_NODES];    /* members per node */
	_Alignas(BEAT_CACHELINE) atomic_int node_hungry[BEAT_MAX_NODES]; /* idle members per node */
	atomic_int node_far_thief[BEAT_MAX_NODES];     /* a member of the node is looking elsewhere */
	beat_mutex_t prio_lock;                        /* tasks with priority > 0: a max-heap */
	atomic_int prio_count;
	int prio_cap;
	struct beat_task **prio_heap;
	_Alignas(BEAT_CACHELINE) atomic_uint wake_seq; /* futex for sleeping members */
	atomic_int sleepers;
	/* members in a wait that found no work for a while; read by every
	 * inline decision, so it has a line of its own */
	_Alignas(BEAT_CACHELINE) atomic_int hungry;
	/* claimed (CAS) by each single's winner: apart from what every
	 * barrier reads (cancelled), so that its moves do not take that line */
	_Alignas(BEAT_CACHELINE) atomic_ulong single_count;
	_Alignas(BEAT_CACHELINE) bool show_affinity; /* OMP_DISPLAY_AFFINITY: every member shows its line at the start */
	atomic_int cancelled;    /* parallel region cancelled */
	atomic_int ws_cancelled; /* current loop/sections cancelled (cleared by the next barrier) */
	struct beat_ws ws_ring[BEAT_WS_RING];
	/* parked untied fibers, which any member may resume (fiber_sched.c) */
	_Alignas(BEAT_CACHELINE) beat_mutex_t parked_lock;
	struct beat_fiber *parked_untied;
	atomic_int nparked_untied;
	void (*fn)(void *);
	void *data;
	/* each seat's thread sets up its own implicit task from these (team.c) */
	struct beat_task *encountering;
	int seat_bind;           /* enum beat_bind of the members' bind-var, -1: from the list */
	bool flat_formed;        /* one node: members' nodes and victims set (victims.c) */
	/* in a forked child: a team of the parent, which can never finish here */
	bool orphaned;
};

/* Per-thread counters for BEAT_STATS (written only by their thread). */
struct beat_stats {
	unsigned long tasks_deferred;  /* tasks queued for any team member */
	/* the integration manager's decisions (submit.c): run at once by a
	 * rule, by the throttle, by class; queued on the own deque, placed,
	 * waiting for dependences, not made (cancelled) */
	unsigned long submit_rule, submit_throttle, submit_class;
	unsigned long submit_queued, submit_placed, submit_deferred, submit_dropped;
	unsigned long fiber_runs;      /* tasks started on a fiber */
	unsigned long parks;           /* waits that parked a fiber */
	unsigned long resumes;         /* parked fibers resumed */
	unsigned long migrations;      /* untied fibers resumed by another thread */
	unsigned long steals;          /* tasks taken from another member's deque */
	unsigned long steals_level[3]; /* the same by BEAT_LEVEL_*: same L3, same node, remote */
	unsigned long steal_batch;     /* extra tasks a remote steal brought along */
	unsigned long mail_remote;     /* tasks taken from another node's mailbox */
	unsigned long tasks_on_node[BEAT_MAX_NODES]; /* tasks started, by the member's node */
	unsigned long task_migrations; /* tasks started or resumed off their home node */
	unsigned long locality_probes; /* large tasks whose data was looked up (locality.c) */
	unsigned long locality_pages;  /* data pages found by those lookups */
	unsigned long placed_node[BEAT_MAX_NODES]; /* large tasks placed in each node's mailbox */
	/* node_memory.c: pages of a worker's own structures found on its node,
	 * of those checked (BEAT_STATS on a machine of several nodes) */
	unsigned long mem_local[4], mem_checked[4];
	/* mempressure.c: gate decisions by the level they saw, and those run
	 * at once by the gate */
	unsigned long memgate_seen[5], memgate_now[5];
	/* tasks held at medium, and how each held one started: its waiter took
	 * it, the level fell, the whole team was in a barrier, it was held too
	 * long (memgate.c) */
	unsigned long memgate_held, memgate_waited, memgate_fell, memgate_barrier, memgate_late;
	unsigned long memgate_threads; /* team threads not started under pressure (OMP_DYNAMIC) */
	unsigned long cont_spawns;     /* spawns that ran the child first (continuation stealing) */
	unsigned long cont_stolen;     /* continuations taken by a thief */
	unsigned long park_refused;    /* waits that helped in place: parked stacks at BEAT_PARK_MAX */
	/* fiber.c under memory pressure (high, critical): fibers not mapped
	 * (the task ran on its taker's stack), idle stacks given back, fibers
	 * unmapped, the resident bytes those gave back; free task blocks
	 * released by threads about to sleep */
	unsigned long fiber_not_mapped, fiber_gave, fiber_unmapped, fiber_gave_bytes, blocks_freed;
	unsigned long moved_off_taken; /* waiters moved off a CPU another process took (presence.c) */
};
#define BEAT_STAT(t, field) \
	__atomic_store_n(&(t)->stats.field, __atomic_load_n(&(t)->stats.field, __ATOMIC_RELAXED) + 1, \
			 __ATOMIC_RELAXED)

struct beat_thread {
	struct beat_member *m;   /* current seat (never NULL once initialised) */
	struct beat_task *task;  /* task being executed */
	/* pool */
	_Alignas(BEAT_CACHELINE) atomic_uint go; /* futex: bumped when work is handed over */
	atomic_int sleeping;     /* the worker sleeps on go */
	struct beat_member *next_m; /* the seat handed over (on go's line: one line moves) */
	/* as a region's master: workers that have left the region (futex) */
	_Alignas(BEAT_CACHELINE) atomic_uint joined;
	atomic_int join_waiting;
	/* joined's value once its last region's workers have all left, and
	 * whether it may not be reached yet: the master waits for that only
	 * when it next needs them or the team (team.c) */
	unsigned join_want;
	bool join_pending;
	unsigned go_seen;
	struct beat_thread *next_idle, *prev_idle;
	bool in_pool;
	/* as a master: the workers it used for seats 1.., reused in the same
	 * seats next time so that threadprivate data stays with its seat */
	struct beat_thread **crew;
	unsigned crew_len;
	/* crew[0 .. crew_docked) are idle and kept for this master alone, out
	 * of the shared pool (team.c): its next region takes them back without
	 * a lock or a read of their state */
	unsigned crew_docked;
	bool is_worker;          /* made by beat's pool */
	bool exiting;
	pthread_t pth;
	int bound_place;         /* place this OS thread is bound to, -1 none */
	int bound_node;          /* usable node whose CPUs are its mask (node_bind.c), -1 none */
	unsigned long shown_affinity; /* OMP_DISPLAY_AFFINITY: size of the last outermost team it led */
	struct beat_team *initial_team;
	struct beat_team *spare_team; /* last team this thread led, kept for reuse */
	/* task blocks of the standard size, freed by this thread, for reuse */
	void *free_tasks;
	int nfree_tasks;
	/* fibers (fiber*.c) */
	struct beat_fiber *fiber_cur;     /* the fiber running now (NULL: own stack) */
	struct beat_fiber *fiber_release; /* ended: back to the pool after the switch */
	struct beat_fiber *fiber_parking; /* parked: onto a list after the switch */
	struct beat_fiber *cont_pending;  /* its continuation goes on the deque after the switch */
	struct beat_fiber *parked;        /* parked tied fibers of this thread */
	struct beat_fiber *fiber_cache;   /* idle fibers kept by this thread */
	int nfiber_cache;
	bool altstack_done;
	void *altstack;                   /* the alternate signal stack beat mapped for it */
	struct beat_stats stats;
	struct beat_thread *all_next;     /* every thread beat knows (stats.c) */
	int gtid;                         /* global thread id (beat_global_thread_id) */
	int cpu;                          /* CPU it last reported (victims.c), -1: none yet */
	unsigned char mem_checked;        /* node_memory.c: 1 << BEAT_MEM_* checked */
	struct beat_fp_table *fp;         /* what its tasks cost (taskclass.c) */
};

/* Initial-exec TLS: libbeat.so is loaded at start (LD_PRELOAD), so its TLS
 * is in the static block and each access is one instruction, not a call to
 * __tls_get_addr. */
#define BEAT_TLS __thread __attribute__((tls_model("initial-exec")))
extern BEAT_TLS struct beat_thread *beat_tls_self;
struct beat_thread *beat_self_slow(void);

static inline struct beat_thread *beat_self(void)
{
	struct beat_thread *t = beat_tls_self;
	if (BEAT_UNLIKELY(t == NULL))
		t = beat_self_slow();
	return t;
}

/* Number of threads the next parallel region would get. */
unsigned beat_team_size_for(struct beat_thread *t, unsigned requested, bool if_clause);

/* The join at the end of a parallel region (tasks completed first). */
void beat_barrier_end(struct beat_member *m);
bool beat_task_cancelled(struct beat_task *task);
void beat_team_wake(struct beat_team *team);
/* Releases the barrier if every member arrived and no task is left. */
void beat_barrier_try_release(struct beat_team *team);

/* Worksharing (ws.c): returns the slot of the next construct for member
 * m and resets the member's per-construct state. When *first is true the
 * caller initialises it and then calls beat_ws_publish. */
struct beat_ws *beat_ws_enter(struct beat_member *m, bool *first);
/* The member is done with its current construct (slot may be reused). */
void beat_ws_leave(struct beat_member *m);
/* Frees what a construct allocated in its slot (doacross, mem). */
void beat_ws_free_state(struct beat_ws *ws);
/* The worksharing construct ws of member m, or the whole region, was
 * cancelled (on every chunk's path, so inline). */
static inline bool beat_ws_cancelled(struct beat_member *m, struct beat_ws *ws)
{
	return atomic_load_explicit(&ws->cancelled, memory_order_relaxed) ||
	       atomic_load_explicit(&m->team->cancelled, memory_order_relaxed);
}

/* ordered.c: passes the ordered token on past the member's chunk (waiting
 * for it first); no-op when the member holds no ordered chunk. */
void beat_ordered_pass(struct beat_member *m);
/* doacross.c: drops the member's reference to the slot's doacross state. */
void beat_doacross_release(struct beat_ws *ws);


/* Called after fork() in the child. */
void beat_team_atfork_child(void);
/* A forked child's thread is about to sleep in a team of the parent, which
 * nothing in the child can finish: says so and exits. */
void beat_team_orphaned_wait(void) __attribute__((noreturn));
/* Every thread record, for BEAT_STATS (team.c keeps the list). */
struct beat_thread *beat_all_threads(void);

/* ----------------------------------------------------------------- fibers */

struct beat_fiber;
/* The thread record read anew (after a switch the code may be on another
 * thread): the thread pointer itself is re-read, never a copy the compiler
 * kept from before the switch. */
static inline struct beat_thread *beat_self_fresh(void)
{
#if defined(__x86_64__)
	struct beat_thread *t;
	__asm__ __volatile__("movq beat_tls_self@gottpoff(%%rip), %0\n\t"
			     "movq %%fs:(%0), %0"
			     : "=r"(t) : : "memory");
	return t;
#else
	struct beat_thread *beat_self_fresh_slow(void);
	return beat_self_fresh_slow();
#endif
}
/* Runs task on a fresh fiber from the help loop of seat m; false when
 * fibers are off or none is available (the caller runs it on its stack). */
bool beat_fiber_run(struct beat_thread *t, struct beat_member *m, struct beat_task *task);
/* If the caller is a fiber run by seat m's loop, parks it until done(arg)
 * and returns true; false means the caller must wait by helping. */
bool beat_fiber_park(struct beat_thread *t, struct beat_member *m, bool (*done)(void *), void *arg);
/* Is the caller a fiber that may park while waiting in seat m? */
bool beat_fiber_can_park(struct beat_thread *t, struct beat_member *m);
/* The caller's fiber is about to run task inline: a tied one pins it. */
void beat_fiber_pin_if_tied(struct beat_thread *t, struct beat_task *task);
/* Resumes one parked fiber of seat m whose condition holds. */
bool beat_fiber_resume_ready(struct beat_thread *t, struct beat_member *m);
/* Continuation stealing: runs the ready task now on a new fiber and leaves
 * the calling fiber's continuation on its deque; false when not possible. */
bool beat_fiber_spawn_first(struct beat_thread *t, struct beat_task *task, bool forced);
/* Resumes the fiber of a continuation item taken from a deque. */
void beat_fiber_resume_cont(struct beat_thread *t, struct beat_member *m, struct beat_task *item);
/* Is any parked fiber of seat m ready (checked before sleeping)? */
bool beat_fiber_any_ready(struct beat_thread *t, struct beat_member *m);
/* The calling thread t is exiting: its idle fibers go to the shared pool
 * and the alternate signal stack beat gave it is unmapped. */
void beat_fiber_thread_exit(struct beat_thread *t);
/* Thread t is about to sleep: under high or critical memory pressure its
 * idle fibers, the pool's and its free task blocks give memory back
 * (otherwise at most one rate-bounded level refresh). */
void beat_fiber_idle(struct beat_thread *t);
/* BEAT_STATS: the line on what fibers gave back under memory pressure. */
void beat_fiber_pressure_report(void);
void beat_fiber_atfork_child(void);
int beat_fiber_count(void);
size_t beat_fiber_stack_bytes(void);
/* A task starts or resumes on thread t away from its home node: counted
 * (BEAT_STATS) and in its migration count. */
void beat_task_off_home(struct beat_thread *t, struct beat_task *task);
/* Runs a task's body and completes it (task.c); used by fibers. */
void beat_task_execute(struct beat_task *task);

/* stats.c: BEAT_STATS report at exit. */
void beat_stats_register(void);

#endif
