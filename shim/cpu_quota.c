/* cpu_quota.c: how many CPUs' worth of time the process may use, from its
 * cgroup's CPU quota (cgroup v2 cpu.max, v1 cpu.cfs_quota_us over
 * cpu.cfs_period_us), so that the default team size does not oversubscribe
 * a container whose quota is below its CPU count.
 *
 * The quota of every cgroup from the process's own up to the hierarchy's
 * root counts (a parent's limit binds its children); the smallest wins,
 * rounded up to whole CPUs. Paths come from /proc/self/cgroup; the v1 cpu
 * controller's mount point from /proc/self/mountinfo (v2: the cgroup2
 * mount). A file that cannot be read means "no limit" there. Read once, at
 * configuration time: never on a hot path. */
#include "rt.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int beat_cpu_budget = 1;

/* ------------------------------------------------------- private helpers */

/* CPUs (rounded up) that quota/period allows; INT_MAX when unlimited. */
static int cpus_of(long long quota, long long period)
{
	if (quota <= 0 || period <= 0)
		return INT_MAX;
	long long n = (quota + period - 1) / period;
	return n > INT_MAX ? INT_MAX : (int)n;
}

/* v2: "max 100000" or "50000 100000". */
static int read_cpu_max(const char *dir)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof path, "%s/cpu.max", dir) >= (int)sizeof path)
		return INT_MAX;
	FILE *f = fopen(path, "re");
	if (!f)
		return INT_MAX;
	char quota[32];
	long long period = 0;
	int got = fscanf(f, "%31s %lld", quota, &period);
	fclose(f);
	if (got != 2 || strcmp(quota, "max") == 0)
		return INT_MAX;
	return cpus_of(atoll(quota), period);
}

static long long read_number(const char *dir, const char *name)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return -1;
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	long long v = -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int read_cfs(const char *dir)
{
	return cpus_of(read_number(dir, "cpu.cfs_quota_us"), read_number(dir, "cpu.cfs_period_us"));
}

/* The smallest limit from mount/rel up to mount. */
static int walk_up(const char *mount, const char *rel, int (*limit_of)(const char *dir))
{
	char dir[PATH_MAX];
	if (snprintf(dir, sizeof dir, "%s%s", mount, strcmp(rel, "/") == 0 ? "" : rel) >= (int)sizeof dir)
		return INT_MAX;
	size_t root = strlen(mount);
	int best = INT_MAX;
	for (;;) {
		int n = limit_of(dir);
		if (n < best)
			best = n;
		char *slash = strrchr(dir, '/');
		if (!slash || (size_t)(slash - dir) < root)
			break;
		*slash = '\0';
	}
	return best;
}

static int quota_cpus(void)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return INT_MAX;
	char line[1024];
	int best = INT_MAX;
	char mount[512], root[512];
	while (fgets(line, sizeof line, f)) {
		const char *controllers, *rel;
		if (!beat_cgroup_line(line, &controllers, &rel))
			continue;
		int n = INT_MAX;
		if (*controllers == '\0' && beat_cgroup_mount(NULL, mount, sizeof mount, root, sizeof root))
			n = walk_up(mount, beat_cgroup_below(rel, root), read_cpu_max);
		else if (beat_cgroup_names(controllers, "cpu") &&
			 beat_cgroup_mount("cpu", mount, sizeof mount, root, sizeof root))
			n = walk_up(mount, beat_cgroup_below(rel, root), read_cfs);
		if (n < best)
			best = n;
	}
	fclose(f);
	return best;
}

/* ------------------------------------------------------------ public API */

void beat_cpu_budget_init(void)
{
	int quota = quota_cpus();
	beat_cpu_budget = beat_num_cpus < quota ? beat_num_cpus : quota;
	if (beat_cpu_budget < 1)
		beat_cpu_budget = 1;
}
