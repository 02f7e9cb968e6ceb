/* victims.c: each team member's victim order, built once when the team
 * forms: the other members sharing its L3 group, then those on its NUMA
 * node, then those on other nodes by increasing node distance; random order
 * inside each group (the member's rng). steal_any (task.c) scans the groups
 * in order, from a random start inside each.
 *
 * A member's CPU is its place's first CPU when the team has places; else
 * the CPU its thread last reported (sched_getcpu at thread start and at the
 * end of each region it ran, see team.c), or, for a thread that has not
 * reported yet, the forming thread's CPU. Without binding the OS may move
 * threads: the order is then a hint, never a constraint.
 *
 * When every other member is one group (always on a machine of one node:
 * numa.c), members get no order and steal_any keeps its uniform random
 * scan, so such machines behave as before. */
#include "rt.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct victim_key {
	unsigned id;
	unsigned char level;
	unsigned char distance;
	unsigned rnd;
};

static int key_cmp(const void *a, const void *b)
{
	const struct victim_key *x = a, *y = b;
	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	if (x->rnd != y->rnd)
		return x->rnd < y->rnd ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The level of a victim on cpu v for a thief on cpu c. */
int beat_victim_level(int c, int v)
{
	if (beat_numa_node_of_cpu(c) != beat_numa_node_of_cpu(v))
		return BEAT_LEVEL_REMOTE;
	int l3 = beat_numa_l3_of_cpu(c);
	return l3 >= 0 && l3 == beat_numa_l3_of_cpu(v) ? BEAT_LEVEL_L3 : BEAT_LEVEL_NODE;
}

struct beat_victims *beat_victims_build(const int *cpus, unsigned n, unsigned self, unsigned *rng)
{
	if (n < 2)
		return NULL;
	struct victim_key *keys = malloc((n - 1) * sizeof *keys);
	if (keys == NULL)
		return NULL;
	int home = beat_numa_node_of_cpu(cpus[self]);
	unsigned k = 0;
	for (unsigned j = 0; j < n; j++) {
		if (j == self)
			continue;
		int level = beat_victim_level(cpus[self], cpus[j]);
		int d = level == BEAT_LEVEL_REMOTE ? beat_numa_distance(home, beat_numa_node_of_cpu(cpus[j])) : 0;
		*rng = *rng * 1103515245u + 12345u;
		keys[k++] = (struct victim_key){ .id = j, .level = (unsigned char)level,
						 .distance = (unsigned char)(d > 255 ? 255 : d), .rnd = *rng >> 8 };
	}
	qsort(keys, k, sizeof *keys, key_cmp);
	unsigned groups = 1;
	for (unsigned i = 1; i < k; i++)
		if (keys[i].level != keys[i - 1].level || keys[i].distance != keys[i - 1].distance)
			groups++;
	struct beat_victims *v = NULL;
	if (groups > 1)
		v = malloc(sizeof *v + (size_t)k * sizeof v->ids[0]);
	if (v == NULL) {
		free(keys);
		return NULL;
	}
	v->count = k;
	v->ngroups = 0;
	for (unsigned i = 0; i < k; i++) {
		v->ids[i] = keys[i].id;
		bool last = i + 1 == k || keys[i + 1].level != keys[i].level ||
			    keys[i + 1].distance != keys[i].distance;
		if (last && v->ngroups < BEAT_VICTIM_GROUPS) {
			v->end[v->ngroups] = i + 1;
			v->level[v->ngroups] = keys[i].level;
			v->ngroups++;
		} else if (last) { /* more distance classes than slots: merge into the last */
			v->end[BEAT_VICTIM_GROUPS - 1] = i + 1;
		}
	}
	free(keys);
	return v;
}

/* BEAT_DEBUG: one line per member and its groups, nearest first. */
static void show_order(const struct beat_member *m, int cpu)
{
	char text[256];
	size_t len = 0;
	const struct beat_victims *v = m->victims;
	for (unsigned g = 0, i = 0; v && g < v->ngroups && len < sizeof text - 16; g++) {
		len += (size_t)snprintf(text + len, sizeof text - len, " [%s", v->level[g] == BEAT_LEVEL_L3 ? "l3" :
					v->level[g] == BEAT_LEVEL_NODE ? "node" : "remote");
		for (; i < v->end[g] && len < sizeof text - 16; i++)
			len += (size_t)snprintf(text + len, sizeof text - len, " %u", v->ids[i]);
		len += (size_t)snprintf(text + len, sizeof text - len, "]");
	}
	beat_warn("debug: member %u on cpu %d (node %d, L3 %d) steals from%s", m->id, cpu,
		  beat_numa_node_of_cpu(cpu), beat_numa_l3_of_cpu(cpu), v ? text : " everyone (one group)");
}

/* Each member's node and L3 group as one number (the orders depend on
 * nothing else but the rng). */
static int place_key(int cpu)
{
	return beat_numa_node_of_cpu(cpu) * 65536 + beat_numa_l3_of_cpu(cpu) + 1;
}

/* A team formed again (the spare team of its primary thread) on the same
 * nodes and L3 groups keeps its orders: a program of many short regions
 * sorts once, not once per region. */
/* Each member's node, and the team's nodes and members per node (the
 * mailboxes and worker selection use them). */
static void team_nodes(struct beat_team *team, const int *cpus)
{
	unsigned n = team->nthreads, top = 0;
	memset(team->node_members, 0, sizeof team->node_members);
	for (unsigned i = 0; i < n; i++) {
		int node = cpus ? beat_numa_node_of_cpu(cpus[i]) : 0;
		unsigned f = (unsigned)(node < 0 ? 0 : node) & (BEAT_MAX_NODES - 1);
		team->members[i].node = (unsigned char)f;
		if (team->node_members[f] < 255)
			team->node_members[f]++;
		if (f + 1 > top)
			top = f + 1;
	}
	team->nnodes = top;
	/* Blocks first touched by a thread that is bound (to a place, or a
	 * worker to its node) are on its node; an unbound one may run anywhere. */
	for (unsigned i = 0; i < n; i++) {
		struct beat_member *m = &team->members[i];
		bool bound = m->place >= 0 || (i > 0 && m->bind_node_len > 0);
		m->block_node = top > 1 && !bound ? BEAT_NODE_UNBOUND : m->node;
	}
}

void beat_victims_team(struct beat_team *team, struct beat_thread *const *crew, int forming_cpu)
{
	unsigned n = team->nthreads;
	if (n < 2)
		return;
	beat_numa_init();
	if (beat_numa_flat()) {
		/* The same every time: a team formed again skips it (the
		 * members' lines stay with their threads). */
		if (team->flat_formed)
			return;
		beat_victims_free(team);
		for (unsigned i = 0; i < n; i++)
			team->members[i].flat_level = BEAT_LEVEL_NODE;
		team_nodes(team, NULL);
		team->flat_formed = true;
		return;
	}
	/* on the heap: a nested team may form on a fiber's small stack */
	int *cpus = malloc(n * sizeof(int));
	if (cpus == NULL) {
		beat_victims_free(team);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		struct beat_member *m = &team->members[i];
		int c = -1;
		if (m->place >= 0 && m->place < beat_num_places && beat_places[m->place].ncpus > 0)
			c = beat_places[m->place].cpus[0];
		else if (i == 0)
			c = forming_cpu;
		else
			c = __atomic_load_n(&crew[i - 1]->cpu, __ATOMIC_RELAXED);
		cpus[i] = c >= 0 ? c : forming_cpu;
	}
	team_nodes(team, cpus);
	bool same = team->victim_places != NULL;
	for (unsigned i = 0; same && i < n; i++)
		same = team->victim_places[i] == place_key(cpus[i]);
	if (same) {
		free(cpus);
		return;
	}
	beat_victims_free(team);
	if (team->nnodes > 1)
		beat_node_memory_place_members(team);
	team->victim_places = malloc(n * sizeof(int));
	for (unsigned i = 0; i < n; i++) {
		struct beat_member *m = &team->members[i];
		m->flat_level = (unsigned char)beat_victim_level(cpus[i], cpus[i == 0 ? 1 : 0]);
		m->victims = beat_victims_build(cpus, n, i, &m->rng);
		if (team->victim_places)
			team->victim_places[i] = place_key(cpus[i]);
		if (beat_cfg.debug)
			show_order(m, cpus[i]);
	}
	free(cpus);
}

void beat_victims_free(struct beat_team *team)
{
	for (unsigned i = 0; i < team->nthreads; i++) {
		free(team->members[i].victims);
		team->members[i].victims = NULL;
	}
	free(team->victim_places);
	team->victim_places = NULL;
}
