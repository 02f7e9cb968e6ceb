/* presence.c: on which CPU each of beat's awake threads was last seen, so
 * that a waiter can tell when another of them shares its CPU.
 *
 * A waiter that spins holds its CPU until the kernel preempts it, a time
 * slice later (milliseconds). That is right when the thread it waits for
 * runs on another CPU, and ruinous when that thread waits to run on the
 * waiter's own CPU: the kernel often places two of a team's threads on one
 * CPU when another process keeps the other CPUs busy. Yielding at every
 * poll is the cure there, and the wrong thing elsewhere: a yield to a
 * thread of another process gives that process the rest of a time slice
 * while the team waits.
 *
 * So each thread counts itself on the CPU where it last polled a wait (one
 * count per CPU, each on its own cache line), leaves the count while it
 * sleeps on a futex and when it ends, and a waiter yields only while another
 * thread is counted on its CPU. A thread that never polled a wait is never
 * counted: a futex sleep counts again only a thread that was counted before
 * it (a program thread that sleeps in beat on its way out must not leave a
 * count behind). A count can be stale (a thread
 * moved while it ran user code): the cost is a few needless yields, or a
 * spin, until that thread's next wait, never a wrong result.
 *
 * Yielding makes sharing a CPU bearable; it does not undo it, and two
 * threads that hand one CPU back and forth pay a context switch for every
 * hand-over while another CPU runs a thread of some other process. The
 * kernel puts them there: a thread that sleeps is woken on its waker's CPU
 * when no CPU is idle, and nothing later moves it. So a waiter that keeps
 * finding another of beat's threads on its CPU moves itself to a CPU of its
 * own affinity mask where none of beat's threads is counted (it claims that
 * CPU's count first, so two waiters never pick the same one): it binds to
 * that CPU, which moves it there at once, and puts its mask back, which
 * leaves it there. It never leaves its mask, so a thread bound to one place
 * (OMP_PROC_BIND) or one CPU stays within it. A waiter that finds no free
 * CPU (threads outnumber CPUs) tries again only after twice as many shared
 * looks, up to 64 times as many (a try costs a system call and a scan of
 * the counts). Nor does it move to a CPU taken by another process (below).
 *
 * With threads outnumbering CPUs, a waiter learns that another process
 * takes its CPU when a yield kept it off for a millisecond or more (util.c
 * says when that counts). It marks the CPU taken for 100 ms and moves, the
 * same way, to the CPU of its mask with the fewest of beat's threads among
 * those not marked: the team gathers on the CPUs it has to itself, where
 * its threads hand the CPU to each other by yielding, instead of waiting a
 * time slice of the other process at every region. 8 threads on 2 CPUs
 * beside a busy process pinned to one: 92-103 us per empty region, 17-19
 * us after (libgomp 58-64, libomp 3.7 ms). The kernel may later spread the
 * team again (the mask is left whole); a thread that lands on the taken
 * CPU moves back at its next slow yield. When every CPU of its mask is
 * marked, the waiter sleeps instead of yielding (util.c). */
#include "rt.h"

#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

struct presence_slot {
	atomic_int threads;
	_Atomic double taken_until; /* another process was seen taking this CPU: until then */
	char pad[BEAT_CACHELINE - sizeof(atomic_int) - sizeof(double)];
};

static struct presence_slot *slots;
static int nslots;
static BEAT_TLS int here = -1; /* the slot this thread is counted in, or -1 */

/* Shared looks in a row before a waiter moves, and the bound that a run of
 * failed moves doubles it to. */
#define SPREAD_AFTER 64
#define SPREAD_AFTER_MAX (SPREAD_AFTER << 6)
static BEAT_TLS unsigned shared_run;   /* shared looks since the last move (or try) */
static BEAT_TLS unsigned spread_after; /* 0: SPREAD_AFTER */

void beat_presence_init(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	if (n < 1)
		n = 1;
	if (n > 65536)
		n = 65536;
	struct presence_slot *s = aligned_alloc(BEAT_CACHELINE, (size_t)n * sizeof *s);
	if (s == NULL)
		return; /* no counts: waiters never yield for a shared CPU */
	for (long i = 0; i < n; i++) {
		atomic_init(&s[i].threads, 0);
		atomic_init(&s[i].taken_until, 0.0);
	}
	nslots = (int)n;
	slots = s;
}

/* Counts the calling thread on its current CPU; returns that CPU's slot,
 * or -1 (no counts, or a CPU beyond them). */
static int count_here(void)
{
	int cpu = sched_getcpu();
	if (cpu == here)
		return here;
	if (slots == NULL || cpu < 0 || cpu >= nslots)
		cpu = -1;
	if (here >= 0)
		atomic_fetch_sub_explicit(&slots[here].threads, 1, memory_order_relaxed);
	if (cpu >= 0)
		atomic_fetch_add_explicit(&slots[cpu].threads, 1, memory_order_relaxed);
	here = cpu;
	return cpu;
}

/* The calling thread's mask, into *mask; false when it cannot be read. */
static bool own_mask(cpu_set_t *mask)
{
	CPU_ZERO(mask);
	return syscall(SYS_sched_getaffinity, 0, sizeof *mask, mask) >= 0; /* (bytes copied) */
}

/* Moves the calling thread to CPU c of its mask: binding to c moves it
 * there at once, and giving the mask back leaves it there. */
static bool move_to(int c, const cpu_set_t *mask)
{
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(c, &one);
	if (syscall(SYS_sched_setaffinity, 0, sizeof one, &one) < 0)
		return false;
	syscall(SYS_sched_setaffinity, 0, sizeof *mask, mask);
	return true;
}

/* CPU c is one the caller may move to: in its mask, not its own, not
 * marked taken by another process at `now`. */
static bool candidate(int c, const cpu_set_t *mask, double now)
{
	return c != here && CPU_ISSET(c, mask) &&
	       atomic_load_explicit(&slots[c].taken_until, memory_order_relaxed) <= now;
}

/* Claims a CPU of the calling thread's mask on which no beat thread is
 * counted and moves there; false when there is none or the move failed. */
static bool spread(void)
{
	cpu_set_t mask;
	if (!own_mask(&mask))
		return false;
	double now = beat_now();
	for (int c = 0; c < nslots && c < CPU_SETSIZE; c++) {
		int none = 0;
		if (!candidate(c, &mask, now) ||
		    atomic_load_explicit(&slots[c].threads, memory_order_relaxed) != 0 ||
		    !atomic_compare_exchange_strong_explicit(&slots[c].threads, &none, 1,
							     memory_order_relaxed,
							     memory_order_relaxed))
			continue;
		if (!move_to(c, &mask)) {
			atomic_fetch_sub_explicit(&slots[c].threads, 1, memory_order_relaxed);
			return false;
		}
		atomic_fetch_sub_explicit(&slots[here].threads, 1, memory_order_relaxed);
		here = c;
		return true;
	}
	return false;
}

bool beat_presence_shared(void)
{
	int s = count_here();
	if (s < 0 || atomic_load_explicit(&slots[s].threads, memory_order_relaxed) <= 1) {
		shared_run = 0;
		spread_after = SPREAD_AFTER;
		return false;
	}
	if (spread_after == 0)
		spread_after = SPREAD_AFTER;
	if (++shared_run < spread_after)
		return true;
	shared_run = 0;
	if (beat_cfg.spread && spread()) {
		spread_after = SPREAD_AFTER;
		return false;
	}
	if (spread_after < SPREAD_AFTER_MAX)
		spread_after *= 2;
	return true;
}

void beat_presence_arrive(void)
{
	count_here();
}

bool beat_presence_leave(void)
{
	if (here < 0)
		return false;
	atomic_fetch_sub_explicit(&slots[here].threads, 1, memory_order_relaxed);
	here = -1;
	return true;
}

void beat_presence_atfork_child(void)
{
	for (int i = 0; i < nslots; i++)
		atomic_store_explicit(&slots[i].threads, 0, memory_order_relaxed);
	here = -1;
	shared_run = 0;
}

bool beat_presence_taken(double until)
{
	int cpu = sched_getcpu();
	if (slots == NULL || cpu < 0 || cpu >= nslots)
		return false;
	atomic_store_explicit(&slots[cpu].taken_until, until, memory_order_relaxed);
	cpu_set_t mask;
	if (!beat_cfg.spread || !own_mask(&mask))
		return false;
	count_here(); /* here is this CPU, which candidate() leaves out */
	double now = beat_now();
	int best = -1, best_n = 0;
	for (int c = 0; c < nslots && c < CPU_SETSIZE; c++) {
		if (!candidate(c, &mask, now))
			continue;
		int n = atomic_load_explicit(&slots[c].threads, memory_order_relaxed);
		if (best < 0 || n < best_n) {
			best = c;
			best_n = n;
		}
	}
	if (best < 0 || !move_to(best, &mask))
		return false;
	count_here();
	struct beat_thread *t = beat_tls_self;
	if (t)
		BEAT_STAT(t, moved_off_taken);
	return true;
}
