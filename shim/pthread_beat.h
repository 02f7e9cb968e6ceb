/* pthread_beat.h: the parts of the pthread interposition (issue 12) and
 * what they share: the C library's own functions, the class table
 * (pthread_class.c), the pool that runs threads as tasks
 * (pthread_pool.c), and the counters BEAT_STATS prints. */
#ifndef BEAT_PTHREAD_BEAT_H
#define BEAT_PTHREAD_BEAT_H
#include "rt.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

enum beat_pt_mode { BEAT_PT_OFF, BEAT_PT_OBSERVE, BEAT_PT_PLACE, BEAT_PT_TASK };

/* ------------------------------------------------------ pthread_class.c */
enum beat_pt_class { BEAT_PT_COLD, BEAT_PT_SHORT, BEAT_PT_LONG, BEAT_PT_BLOCKING, BEAT_PT_NCLASS };
#define BEAT_PT_WARM 8              /* ends seen before a fingerprint has a class */
/* Mean life under which a thread is short (ns; BEAT_PTHREAD_SHORT, in
 * microseconds, default 200). */
extern double beat_pt_short_ns;

uint64_t beat_pt_key(void *(*fn)(void *), const void *site, size_t stacksize, bool detached,
		     bool affinity);
enum beat_pt_class beat_pt_class_of(uint64_t key);
/* Its threads live long (mean life over beat_pt_short_ns), blocking or not. */
bool beat_pt_lives_long(uint64_t key);
/* A thread of key ended: its life, CPU time, voluntary context switches. */
void beat_pt_learn(uint64_t key, uint64_t life_ns, uint64_t cpu_ns, long nvcsw);
/* key gets real threads from now on (it blocked as a task, or bound itself). */
void beat_pt_stick_real(uint64_t key);
/* Fingerprints per class, and their threads' mean life per class (us). */
void beat_pt_class_counts(unsigned long n[BEAT_PT_NCLASS], double life_us[BEAT_PT_NCLASS]);
void beat_pt_class_reset_after_fork(void);

/* ------------------------------------------------- interpose_pthread.c */
/* The C library's functions (dlvsym with glibc's current versions). */
struct beat_pt_real {
	int (*create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	int (*join)(pthread_t, void **);
	int (*tryjoin)(pthread_t, void **);
	int (*timedjoin)(pthread_t, void **, const struct timespec *);
	int (*clockjoin)(pthread_t, void **, clockid_t, const struct timespec *);
	int (*detach)(pthread_t);
	void (*exit)(void *) __attribute__((noreturn));
	pthread_t (*self)(void);
	int (*kill)(pthread_t, int);
	int (*cancel)(pthread_t);
	int (*setname)(pthread_t, const char *);
	int (*getname)(pthread_t, char *, size_t);
	int (*getattr)(pthread_t, pthread_attr_t *);
	int (*getaffinity)(pthread_t, size_t, cpu_set_t *);
	int (*key_create)(pthread_key_t *, void (*)(void *));
	int (*key_delete)(pthread_key_t);
};
extern struct beat_pt_real beat_pt_real;
extern int beat_pt_mode; /* enum beat_pt_mode, set once */

struct beat_pt_stats {
	atomic_ulong created_real, created_task, joined, detached, deferred, compensation;
};
extern struct beat_pt_stats beat_pt_stats;
/* A thread's CPU time (ns) and voluntary context switches so far. */
void beat_pt_usage(uint64_t *cpu_ns, long *nvcsw);
uint64_t beat_pt_now_ns(void);

/* -------------------------------------------------------- pthread_pool.c */
/* A thread run as a task: its handle is the record's address + 1 (glibc's
 * handles are aligned addresses, so an odd one is never the C library's). */
struct beat_ptask;
static inline bool beat_pt_is_task(pthread_t h)
{
	return ((uintptr_t)h & 1) != 0;
}
static inline struct beat_ptask *beat_pt_task_of(pthread_t h)
{
	return (struct beat_ptask *)((uintptr_t)h - 1);
}
/* The task the calling pool worker runs, NULL elsewhere. */
extern BEAT_TLS struct beat_ptask *beat_pt_current;
pthread_t beat_pt_handle(struct beat_ptask *p);

/* Starts fn(arg) as a task of fingerprint key; *handle gets its handle. */
int beat_pt_task_start(pthread_t *handle, void *(*fn)(void *), void *arg, uint64_t key, bool detached);
int beat_pt_task_join(struct beat_ptask *p, void **ret, int how, clockid_t clock, const struct timespec *abstime);
#define BEAT_PT_JOIN_WAIT 0
#define BEAT_PT_JOIN_TRY 1
#define BEAT_PT_JOIN_TIMED 2
int beat_pt_task_detach(struct beat_ptask *p);
/* pthread_exit called by a task: its value is kept, then the pool worker
 * ends as a thread (the C library unwinds and runs the cleanup handlers
 * and key destructors) and another takes its place. */
void beat_pt_task_exiting(void *ret);
/* The pool worker now running p (0: it has not started or has ended). */
pthread_t beat_pt_task_worker(struct beat_ptask *p);
int beat_pt_task_cancel(struct beat_ptask *p);
int beat_pt_task_setname(struct beat_ptask *p, const char *name);
int beat_pt_task_getname(struct beat_ptask *p, char *buf, size_t len);
/* The program bound the task's thread to CPUs: the worker is unbound after
 * it, and the fingerprint gets real threads from now on. */
void beat_pt_task_bound(struct beat_ptask *p);
/* Key bookkeeping: a task's key values are destroyed and cleared when it
 * ends, as a thread's are. */
void beat_pt_key_created(pthread_key_t key, void (*dtor)(void *));
void beat_pt_key_deleted(pthread_key_t key);
void beat_pt_pool_after_fork(void);
#endif
