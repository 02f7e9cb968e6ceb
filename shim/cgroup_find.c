/* cgroup_find.c: where the process's cgroups are: which controllers a line
 * of /proc/self/cgroup names, the mount point of a v1 controller's
 * hierarchy or of cgroup2 (from /proc/self/mountinfo), and a cgroup's path
 * below that mount. Used at start-up (cpu_quota.c) and when the memory
 * monitor opens its files (mempressure.c): never on a hot path. */
#include "rt.h"

#include <stdio.h>
#include <string.h>

bool beat_cgroup_names(const char *controllers, const char *name)
{
	size_t want = strlen(name);
	const char *p = controllers;
	while (*p) {
		size_t len = strcspn(p, ",");
		if (len == want && strncmp(p, name, len) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

bool beat_cgroup_mount(const char *controller, char *out, size_t n, char *root, size_t rn)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return false;
	char line[1024];
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		char mnt[512], fstype[64], super[512], mroot[512];
		const char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %511s %511s", mroot, mnt) != 2 ||
		    sscanf(dash + 3, "%63s %*s %511s", fstype, super) != 2)
			continue;
		if (controller == NULL ? strcmp(fstype, "cgroup2") == 0
				       : (strcmp(fstype, "cgroup") == 0 && beat_cgroup_names(super, controller))) {
			found = strlen(mnt) < n && strlen(mroot) < rn;
			if (found) {
				strcpy(out, mnt);
				strcpy(root, mroot);
			}
		}
	}
	fclose(f);
	return found;
}

const char *beat_cgroup_below(const char *rel, const char *root)
{
	size_t len = strlen(root);
	if (strcmp(root, "/") != 0 && strncmp(rel, root, len) == 0 && (rel[len] == '/' || rel[len] == '\0'))
		return rel[len] ? rel + len : "/";
	return rel;
}

bool beat_cgroup_line(char *line, const char **controllers, const char **rel)
{
	line[strcspn(line, "\n")] = '\0';
	char *c1 = strchr(line, ':');
	char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2)
		return false;
	*c2 = '\0';
	*controllers = c1 + 1;
	*rel = c2 + 1;
	return true;
}
