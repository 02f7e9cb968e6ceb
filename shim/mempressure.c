/* mempressure.c: the memory-pressure level the spawn decision reads (the
 * gate's decision is memgate.c's).
 *
 * The level (none, low, medium, high, critical) is one word, read with a
 * relaxed load. It is refreshed at a bounded rate by whichever thread makes
 * a spawn decision on the general path when the refresh is due (one CAS on
 * the due time picks the thread; never a system call per task): every
 * millisecond while the level is low or above, every 10 ms otherwise. A
 * breadth-first burst fills a container at a few MiB per millisecond, so
 * the level follows it within a few MiB. The sources, each opened once:
 *   - the process's memory cgroup: v1 memory.usage_in_bytes with
 *     memory.stat's hierarchical_memory_limit and total_inactive_file (the
 *     limit that binds, parents included, and reclaimable page cache), or
 *     v2 memory.current with the smallest memory.max / memory.high up the
 *     tree; used = usage - inactive file pages, over the limit;
 *   - /proc/meminfo: MemAvailable over MemTotal;
 *   - /proc/pressure/memory (PSI): some and full avg10.
 * memory.stat, meminfo and PSI cost several microseconds each and change
 * slowly: they are read every 16th refresh.
 *
 * Level rules (the largest wins; thresholds BEAT_MEMGATE_LEVELS, default
 * 50,70,80,90, the share of the cgroup limit used for low, medium, high,
 * critical): MemAvailable under 20%, 10%, 5% of MemTotal gives medium,
 * high, critical; PSI some avg10 of 10% or more gives medium (Android's
 * lmkd: 70 ms of partial stall per second), full avg10 of 10% high, full
 * 60% critical (systemd-oomd's default limit). Without swap a cgroup limit
 * kills within milliseconds of a stall, so the headroom rule is the one
 * that acts in time there.
 *
 * BEAT_MEMGATE_SOURCE=file:PATH reads the level's name from PATH at every
 * refresh instead (tests). */
#include "rt.h"
#include "taskclass.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const level_names[BEAT_MEM_LEVELS] = {"none", "low", "medium", "high", "critical"};

int beat_mem_level;                 /* enum beat_mem_level, relaxed */
static _Atomic uint64_t due_at;     /* cycles: when the next refresh is due */
static uint64_t period_fast, period_slow;
static unsigned refreshes;
static int fd_usage = -1, fd_stat = -1, fd_limit_max = -1, fd_limit_high = -1;
static int fd_meminfo = -1, fd_psi = -1, fd_file = -1;
static bool cgroup_v2;
static long long limit_bytes = -1, inactive_file;  /* from the slow sources */
static int avail_level, psi_level;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static atomic_bool told_critical;

const char *beat_mem_level_name(int level)
{
	return level >= 0 && level < BEAT_MEM_LEVELS ? level_names[level] : "?";
}

/* ------------------------------------------------------- private helpers */

static ssize_t read_all(int fd, char *buf, size_t n)
{
	ssize_t got = pread(fd, buf, n - 1, 0);
	buf[got > 0 ? got : 0] = '\0';
	return got;
}

static long long read_number_fd(int fd)
{
	char buf[64];
	if (fd < 0 || read_all(fd, buf, sizeof buf) <= 0)
		return -1;
	if (strncmp(buf, "max", 3) == 0)
		return LLONG_MAX;
	return atoll(buf);
}

/* The value after "key " in a "key value" file (memory.stat, meminfo). */
static long long field(const char *text, const char *key)
{
	size_t len = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, len) == 0 && (p[len] == ' ' || p[len] == ':'))
			return atoll(p + len + 1 + strspn(p + len + 1, " :"));
	return -1;
}

static int open_in(const char *dir, const char *name)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return -1;
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* The process's memory cgroup directory (v1 memory controller, else v2). */
static bool cgroup_dir(char *out, size_t n)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return false;
	char line[1024], mount[512], root[512];
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		const char *controllers, *rel;
		if (!beat_cgroup_line(line, &controllers, &rel))
			continue;
		bool v1 = beat_cgroup_names(controllers, "memory");
		if (!v1 && *controllers != '\0')
			continue;
		if (!beat_cgroup_mount(v1 ? "memory" : NULL, mount, sizeof mount, root, sizeof root))
			continue;
		found = snprintf(out, n, "%s%s", mount, beat_cgroup_below(rel, root)) < (int)n;
		if (found && !v1) {
			/* v2: only if this cgroup has the memory files */
			int fd = open_in(out, "memory.current");
			found = fd >= 0;
			if (fd >= 0)
				close(fd);
		}
		cgroup_v2 = found && !v1;
	}
	fclose(f);
	return found;
}

static void open_sources(void)
{
	const char *src = beat_getenv("BEAT_MEMGATE_SOURCE");
	if (src && strncmp(src, "file:", 5) == 0) {
		fd_file = open(src + 5, O_RDONLY | O_CLOEXEC);
		if (fd_file < 0)
			beat_warn("BEAT_MEMGATE_SOURCE='%s' cannot be opened; using the machine's sources", src);
	} else if (src && *src && strcmp(src, "auto") != 0) {
		beat_warn("BEAT_MEMGATE_SOURCE='%s' is not valid (expected auto or file:PATH); using the default (auto)",
			  src);
	}
	char dir[PATH_MAX];
	if (fd_file < 0 && cgroup_dir(dir, sizeof dir)) {
		fd_usage = open_in(dir, cgroup_v2 ? "memory.current" : "memory.usage_in_bytes");
		fd_stat = open_in(dir, "memory.stat");
		if (cgroup_v2) {
			fd_limit_max = open_in(dir, "memory.max");
			fd_limit_high = open_in(dir, "memory.high");
		}
	}
	if (fd_file < 0) {
		fd_meminfo = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
		fd_psi = open("/proc/pressure/memory", O_RDONLY | O_CLOEXEC);
	}
	/* beat_cycles ticks at about the TSC rate: calibrate 1 ms roughly. */
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	uint64_t c0 = beat_cycles();
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < 200000);
	period_fast = (beat_cycles() - c0) * 5;
	period_slow = period_fast * 10;
}

/* The slow sources: the binding limit and reclaimable pages, MemAvailable,
 * PSI. */
static void refresh_slow(void)
{
	char buf[4096];
	if (fd_stat >= 0 && read_all(fd_stat, buf, sizeof buf) > 0) {
		if (cgroup_v2) {
			long long lim = read_number_fd(fd_limit_max), high = read_number_fd(fd_limit_high);
			if (high > 0 && (lim <= 0 || high < lim))
				lim = high;
			limit_bytes = lim;
			inactive_file = field(buf, "inactive_file");
		} else {
			limit_bytes = field(buf, "hierarchical_memory_limit");
			inactive_file = field(buf, "total_inactive_file");
		}
	}
	avail_level = BEAT_MEM_NONE;
	if (fd_meminfo >= 0 && read_all(fd_meminfo, buf, sizeof buf) > 0) {
		long long total = field(buf, "MemTotal"), avail = field(buf, "MemAvailable");
		if (total > 0 && avail >= 0)
			avail_level = avail * 20 < total ? BEAT_MEM_CRITICAL
				    : avail * 10 < total ? BEAT_MEM_HIGH
				    : avail * 5 < total ? BEAT_MEM_MEDIUM : BEAT_MEM_NONE;
	}
	psi_level = BEAT_MEM_NONE;
	if (fd_psi >= 0 && read_all(fd_psi, buf, sizeof buf) > 0) {
		const char *some = strstr(buf, "some avg10="), *full = strstr(buf, "full avg10=");
		double s = some ? atof(some + 11) : 0, f = full ? atof(full + 11) : 0;
		psi_level = f >= 60 ? BEAT_MEM_CRITICAL : f >= 10 ? BEAT_MEM_HIGH : s >= 10 ? BEAT_MEM_MEDIUM : BEAT_MEM_NONE;
	}
}

static int level_from_file(void)
{
	char buf[32];
	if (read_all(fd_file, buf, sizeof buf) <= 0)
		return BEAT_MEM_NONE;
	buf[strcspn(buf, " \n")] = '\0';
	for (int l = 0; l < BEAT_MEM_LEVELS; l++)
		if (strcmp(buf, level_names[l]) == 0)
			return l;
	return BEAT_MEM_NONE;
}

static int level_now(void)
{
	if (fd_file >= 0)
		return level_from_file();
	if (refreshes++ % 16 == 0)
		refresh_slow();
	int level = avail_level > psi_level ? avail_level : psi_level;
	long long usage = read_number_fd(fd_usage);
	if (usage >= 0 && limit_bytes > 0 && limit_bytes < LLONG_MAX / 128) {
		long long used = usage - (inactive_file > 0 ? inactive_file : 0);
		for (int l = BEAT_MEM_CRITICAL; l > level; l--)
			if (used * 100 >= limit_bytes * beat_cfg.memgate_levels[l - 1]) {
				level = l;
				break;
			}
	}
	return level;
}

static void refresh(uint64_t now)
{
	int level = level_now();
	__atomic_store_n(&beat_mem_level, level, __ATOMIC_RELAXED);
	/* Release: the next refresher (its CAS acquires) sees what this one
	 * read and counted. */
	atomic_store_explicit(&due_at, now + (level >= BEAT_MEM_LOW ? period_fast : period_slow),
			      memory_order_release);
	if (level == BEAT_MEM_CRITICAL && !atomic_exchange(&told_critical, true))
		beat_warn("memory pressure is critical: new tasks run at once (depth first) and new threads "
			  "wait while it lasts (BEAT_MEMGATE=false turns this off)");
}

/* ------------------------------------------------------------ public API */

int beat_mem_level_refresh(void)
{
	pthread_once(&init_once, open_sources);
	uint64_t now = beat_cycles();
	uint64_t due = atomic_load_explicit(&due_at, memory_order_relaxed);
	if (now >= due && atomic_compare_exchange_strong_explicit(&due_at, &due, UINT64_MAX,
								  memory_order_acquire, memory_order_relaxed))
		refresh(now);
	return __atomic_load_n(&beat_mem_level, __ATOMIC_RELAXED);
}
