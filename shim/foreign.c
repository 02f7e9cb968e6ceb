/* foreign.c: whether threads of other processes are runnable right now, so
 * that a waiter whose yield was slow can tell another process taking its
 * CPU from one of its own team-mates computing there while another CPU
 * stood idle.
 *
 * The process's share of its CPUs (util.c) cannot tell those apart: both
 * read as CPU time the process did not get. With 8 threads on 2 CPUs and
 * no other process, a quantum-chemistry run (psi4, many short OpenBLAS
 * regions between serial steps) read 1.0-1.7 of its 2 CPUs over the slow
 * yields of its waiters, because CPUs stood idle while a waiter waited
 * behind a computing team-mate; marking CPUs taken sent the team to
 * futex sleeps: 36,000 futex calls against libomp's 36.
 *
 * The count: the kernel's number of runnable threads, system-wide (the
 * fourth field of /proc/loadavg, "running/total"), less this process's
 * threads in state R (/proc/self/task/TID/stat). A thread of this process
 * that changes state between the two reads can make the difference one too
 * large (in the psi4 run, 3 of 22 single counts were), so a count above
 * zero is read twice more and the smallest difference stands: a thread of
 * a busy process stays runnable through all three. Reading costs a system call per thread of the process
 * (tens of microseconds), so it is done only after a slow yield and at most
 * once per CHECK_EVERY_S for the whole process; other waiters take the last
 * answer. Without /proc, or in a process of more than MAX_THREADS threads,
 * the answer is "unknown" (-1) and the caller keeps its own judgement. Kernel threads that run for a moment may read as
 * foreign; processes running on CPUs outside the process's mask do too,
 * which this count cannot see. */
#include "rt.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CHECK_EVERY_S 0.01
#define COUNTS 3
/* A process with more threads is not counted (a read per thread). */
#define MAX_THREADS 256

static _Atomic double checked_at = -1.0;
static atomic_int last_answer = 0; /* (until the first count ends) */
static atomic_flag checking = ATOMIC_FLAG_INIT;

/* Reads up to size-1 bytes of a file into buf; its length, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Runnable threads system-wide, or -1. */
static int system_running(void)
{
	char buf[128];
	if (read_small("/proc/loadavg", buf, sizeof buf) <= 0)
		return -1;
	const char *p = buf;
	for (int field = 0; field < 3; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -1;
		p++;
	}
	char *end;
	long n = strtol(p, &end, 10);
	return end != p && *end == '/' && n >= 0 ? (int)n : -1;
}

/* One directory entry of getdents64. */
struct dirent64_raw {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* This process's threads in state R, or -1. */
static int own_running(void)
{
	int dir = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -1;
	char ents[4096] __attribute__((aligned(8)));
	int running = 0, threads = 0;
	long n;
	while ((n = syscall(SYS_getdents64, dir, ents, sizeof ents)) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64_raw *e = (struct dirent64_raw *)(ents + off);
			off += e->reclen;
			if (e->name[0] < '0' || e->name[0] > '9')
				continue;
			if (++threads > MAX_THREADS) {
				close(dir);
				return -1;
			}
			char path[64], stat[512];
			snprintf(path, sizeof path, "/proc/self/task/%s/stat", e->name);
			if (read_small(path, stat, sizeof stat) <= 0)
				continue; /* (the thread ended) */
			const char *close_paren = strrchr(stat, ')');
			if (close_paren && close_paren[1] == ' ' && close_paren[2] == 'R')
				running++;
		}
	}
	close(dir);
	return n < 0 ? -1 : running;
}

/* Runnable threads that are not this process's, or -1. */
static int count_once(void)
{
	int all = system_running();
	int own = own_running();
	if (all < 0 || own < 0)
		return -1;
	return all > own ? all - own : 0;
}

int beat_foreign_runnable(void)
{
	double now = beat_now();
	if (now - atomic_load_explicit(&checked_at, memory_order_acquire) < CHECK_EVERY_S ||
	    atomic_flag_test_and_set_explicit(&checking, memory_order_acquire))
		return atomic_load_explicit(&last_answer, memory_order_relaxed);
	int n = count_once();
	for (int i = 1; i < COUNTS && n > 0; i++) {
		int again = count_once();
		n = again < n ? again : n;
	}
	atomic_store_explicit(&last_answer, n, memory_order_relaxed);
	atomic_store_explicit(&checked_at, beat_now(), memory_order_release);
	atomic_flag_clear_explicit(&checking, memory_order_release);
	return n;
}

void beat_foreign_atfork_child(void)
{
	atomic_store_explicit(&checked_at, -1.0, memory_order_relaxed);
	atomic_flag_clear_explicit(&checking, memory_order_relaxed);
}
