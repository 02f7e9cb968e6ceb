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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* ------------------------------------------- loop schedule engine (loop) */

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
	unsigned sched_kind;   /* run-sched-var kind, omp_sched_t incl. monotonic bit */
	int sched_chunk;       /* run-sched-var chunk (0: default) */
	int bind;              /* bind-var for the next region, omp_proc_bind_t */
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
struct beat_member;
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

#endif
