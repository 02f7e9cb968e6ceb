/* victims.c: the victim orders of team members on synthetic topologies of
 * 1, 2, 4 and 8 NUMA nodes: every other member exactly once, same L3 group
 * first, then same node, then other nodes nearest first, and the groups'
 * bounds and levels matching that order. */
#include "rt.h"

#include <stdio.h>
#include <stdlib.h>

static int errors;

static void expect(bool ok, const char *shape, unsigned self, const char *what)
{
	if (!ok) {
		fprintf(stderr, "victims: %s, member %u: %s\n", shape, self, what);
		errors++;
	}
}

static int level_of(const int *cpus, unsigned self, unsigned v)
{
	int c = cpus[self], d = cpus[v];
	if (beat_numa_node_of_cpu(c) != beat_numa_node_of_cpu(d))
		return BEAT_LEVEL_REMOTE;
	int l3 = beat_numa_l3_of_cpu(c);
	return l3 >= 0 && l3 == beat_numa_l3_of_cpu(d) ? BEAT_LEVEL_L3 : BEAT_LEVEL_NODE;
}

/* Checks every member's order among members on cpus[n]. */
static void check_team(const char *shape, const int *cpus, unsigned n)
{
	for (unsigned self = 0; self < n; self++) {
		unsigned rng = 12345u + self;
		struct beat_victims *v = beat_victims_build(cpus, n, self, &rng);
		if (v == NULL) { /* one group: every victim at one level and distance */
			int l = level_of(cpus, self, self == 0 ? 1 : 0);
			for (unsigned j = 0; j < n; j++)
				if (j != self)
					expect(level_of(cpus, self, j) == l, shape, self, "no order, yet levels differ");
			continue;
		}
		expect(v->count == n - 1, shape, self, "not every other member");
		unsigned seen[n];
		for (unsigned j = 0; j < n; j++)
			seen[j] = 0;
		int home = beat_numa_node_of_cpu(cpus[self]);
		unsigned g = 0;
		for (unsigned i = 0; i < v->count; i++) {
			unsigned id = v->ids[i];
			expect(id < n && id != self, shape, self, "a bad victim id");
			if (id >= n)
				continue;
			seen[id]++;
			while (g < v->ngroups && i >= v->end[g])
				g++;
			expect(g < v->ngroups && v->level[g] == level_of(cpus, self, id), shape, self,
			       "a victim in a group of another level");
			if (i == 0)
				continue;
			unsigned prev = v->ids[i - 1];
			int lp = level_of(cpus, self, prev), li = level_of(cpus, self, id);
			expect(lp <= li, shape, self, "a farther level before a nearer one");
			if (lp == BEAT_LEVEL_REMOTE && li == BEAT_LEVEL_REMOTE)
				expect(beat_numa_distance(home, beat_numa_node_of_cpu(cpus[prev])) <=
					       beat_numa_distance(home, beat_numa_node_of_cpu(cpus[id])),
				       shape, self, "a farther node before a nearer one");
		}
		expect(v->ngroups >= 1 && v->end[v->ngroups - 1] == v->count, shape, self,
		       "groups do not cover the order");
		for (unsigned j = 0; j < n; j++)
			expect(seen[j] == (j == self ? 0u : 1u), shape, self, "a member not exactly once");
		free(v);
	}
}

/* Distances of a line of nodes: 10 local, 10 more per hop. */
static int *line_distances(int nodes)
{
	int *d = malloc((size_t)(nodes * nodes) * sizeof *d);
	for (int a = 0; a < nodes; a++)
		for (int b = 0; b < nodes; b++)
			d[a * nodes + b] = 10 + 10 * abs(a - b);
	return d;
}

static void shape(const char *desc, int nodes, int l3s, bool distances)
{
	int *d = distances ? line_distances(nodes) : NULL;
	if (!beat_numa_load_synthetic(desc, d)) {
		fprintf(stderr, "victims: hwloc refused '%s'\n", desc);
		errors++;
		free(d);
		return;
	}
	free(d);
	expect(beat_numa_nodes() == nodes, desc, 0, "wrong node count");
	int ncpu = 0, top_l3 = -1, top_node = -1;
	while (ncpu < CPU_SETSIZE && beat_numa_l3_of_cpu(ncpu) >= 0) {
		if (beat_numa_l3_of_cpu(ncpu) > top_l3)
			top_l3 = beat_numa_l3_of_cpu(ncpu);
		if (beat_numa_node_of_cpu(ncpu) > top_node)
			top_node = beat_numa_node_of_cpu(ncpu);
		ncpu++;
	}
	expect(top_l3 + 1 == l3s, desc, 0, "wrong L3 group count");
	expect(top_node + 1 == nodes, desc, 0, "CPUs not on every node");
	if (distances && nodes > 2)
		expect(beat_numa_distance(0, 1) < beat_numa_distance(0, 2), desc, 0, "distances not kept");
	/* every CPU a member; then every other CPU, backwards; then two members
	 * on one CPU and one far away */
	int cpus[CPU_SETSIZE];
	for (int i = 0; i < ncpu; i++)
		cpus[i] = i;
	check_team(desc, cpus, (unsigned)ncpu);
	int k = 0;
	for (int i = ncpu - 1; i >= 0; i -= 2)
		cpus[k++] = i;
	check_team(desc, cpus, (unsigned)k);
	int few[3] = { 0, 0, ncpu - 1 };
	check_team(desc, few, 3);
	/* a member's first group is its L3 group when it shares one */
	for (int i = 0; i < ncpu; i++)
		cpus[i] = i;
	unsigned rng = 7;
	struct beat_victims *v = beat_victims_build(cpus, (unsigned)ncpu, 0, &rng);
	if (v && ncpu / l3s > 1)
		expect(v->level[0] == BEAT_LEVEL_L3 && v->end[0] == (unsigned)(ncpu / l3s - 1), desc, 0,
		       "first group is not the L3 group");
	if (v && nodes > 1)
		expect(v->level[v->ngroups - 1] == BEAT_LEVEL_REMOTE, desc, 0, "no remote group last");
	free(v);
}

int main(void)
{
	shape("pack:1 l3:2 core:2 pu:1", 1, 2, false);
	shape("pack:2 numa:1 l3:1 core:2 pu:1", 2, 2, false);
	shape("pack:4 numa:1 l3:1 core:2 pu:1", 4, 4, true);
	shape("pack:8 numa:1 l3:2 core:2 pu:1", 8, 16, true);
	shape("pack:2 numa:4 l3:1 core:1 pu:2", 8, 8, true);
	if (errors) {
		fprintf(stderr, "victims: %d errors\n", errors);
		return 1;
	}
	printf("victims: ok\n");
	return 0;
}
