/* numa.c: the NUMA shape of the machine for victim selection: each CPU's
 * node and last-level-cache (L3) group, and the node distance matrix.
 *
 * Loaded once, when the first team of more than one thread forms. On a
 * machine libnuma reports as one node (and no BEAT_TOPOLOGY), hwloc is not
 * loaded at all: every CPU is node 0 with no L3 group, so every member is
 * one level and stealing stays the uniform random scan. With BEAT_TOPOLOGY
 * (an hwloc XML file) or several nodes, hwloc gives the nodes and L3
 * caches; distances come from hwloc's distance matrix, else libnuma's
 * numa_distance (machine only), else 10 on the diagonal and 20 elsewhere.
 * beat_numa_load_synthetic replaces the tables for unit tests (hwloc's
 * synthetic descriptions carry no distances: the test may give them). */
#include "rt.h"

#include <hwloc.h>
#include <numa.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static short cpu_node[CPU_SETSIZE];
static short cpu_l3[CPU_SETSIZE];     /* -1: no L3 above the CPU */
static int num_nodes = 1;
static bool any_l3;                   /* some CPU has an L3 group */
static unsigned char *dist;           /* [num_nodes * num_nodes], NULL: default */
static short os_node[BEAT_MAX_NODES * 4]; /* OS node number -> logical index + 1 (0: unknown) */
static unsigned char near[BEAT_MAX_NODES][BEAT_MAX_NODES]; /* beat_numa_near */

static void tables_reset(void)
{
	memset(cpu_node, 0, sizeof cpu_node);
	for (int c = 0; c < CPU_SETSIZE; c++)
		cpu_l3[c] = -1;
	num_nodes = 1;
	any_l3 = false;
	free(dist);
	dist = NULL;
	memset(os_node, 0, sizeof os_node);
	os_node[0] = 1;
}

/* Each folded node's others by distance (then by index). */
static void near_build(void)
{
	int n = num_nodes < BEAT_MAX_NODES ? num_nodes : BEAT_MAX_NODES;
	for (int a = 0; a < n; a++) {
		int k = 0;
		for (int b = 0; b < n; b++)
			if (b != a)
				near[a][k++] = (unsigned char)b;
		for (int i = 1; i < k; i++) /* insertion sort: at most 15 */
			for (int j = i; j > 0 && beat_numa_distance(a, near[a][j]) <
						 beat_numa_distance(a, near[a][j - 1]); j--) {
				unsigned char x = near[a][j];
				near[a][j] = near[a][j - 1];
				near[a][j - 1] = x;
			}
	}
}

/* The distance matrix hwloc holds for NUMA nodes (latency first), indexed
 * by logical node index; false when it has none of the right size. */
static bool hwloc_node_distances(hwloc_topology_t topo, int n)
{
	struct hwloc_distances_s *d = NULL;
	unsigned nr = 1;
	if (hwloc_distances_get_by_type(topo, HWLOC_OBJ_NUMANODE, &nr, &d, 0, 0) != 0 || nr == 0)
		return false;
	bool ok = d->nbobjs == (unsigned)n;
	if (ok) {
		for (unsigned i = 0; i < d->nbobjs; i++)
			for (unsigned j = 0; j < d->nbobjs; j++) {
				hwloc_uint64_t v = d->values[i * d->nbobjs + j];
				int a = (int)d->objs[i]->logical_index, b = (int)d->objs[j]->logical_index;
				dist[a * n + b] = (unsigned char)(v > 255 ? 255 : v);
			}
	}
	hwloc_distances_release(topo, d);
	return ok;
}

/* libnuma's distances, indexed by hwloc's node os_index (machine only). */
static bool libnuma_distances(hwloc_topology_t topo, int n)
{
	if (numa_available() < 0)
		return false;
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++) {
			hwloc_obj_t na = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)a);
			hwloc_obj_t nb = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)b);
			int v = numa_distance((int)na->os_index, (int)nb->os_index);
			if (v <= 0)
				return false;
			dist[a * n + b] = (unsigned char)(v > 255 ? 255 : v);
		}
	return true;
}

static void tables_from(hwloc_topology_t topo, bool machine)
{
	tables_reset();
	int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
	num_nodes = n > 0 ? n : 1;
	for (int i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)i);
		if (o && o->os_index < sizeof os_node / sizeof os_node[0])
			os_node[o->os_index] = (short)(o->logical_index + 1);
	}
	int npu = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	for (int i = 0; i < npu; i++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, (unsigned)i);
		if (pu->os_index >= CPU_SETSIZE)
			continue;
		int node = 0;
		if (n > 1 && pu->nodeset) {
			int os = hwloc_bitmap_first(pu->nodeset);
			hwloc_obj_t o = os >= 0 ? hwloc_get_numanode_obj_by_os_index(topo, (unsigned)os) : NULL;
			if (o)
				node = (int)o->logical_index;
		}
		cpu_node[pu->os_index] = (short)node;
		hwloc_obj_t l3 = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_L3CACHE, pu);
		cpu_l3[pu->os_index] = l3 ? (short)l3->logical_index : -1;
		any_l3 |= l3 != NULL;
	}
	if (num_nodes < 2)
		return;
	dist = malloc((size_t)num_nodes * (size_t)num_nodes);
	if (dist == NULL)
		return;
	if (hwloc_node_distances(topo, num_nodes))
		return;
	if (machine && libnuma_distances(topo, num_nodes))
		return;
	free(dist);
	dist = NULL;
}

static void numa_load_once(void)
{
	tables_reset();
	const char *file = beat_getenv("BEAT_TOPOLOGY");
	if (file == NULL && (numa_available() < 0 || numa_max_node() < 1))
		return;
	hwloc_topology_t topo;
	if (hwloc_topology_init(&topo) != 0)
		return;
	if (file)
		beat_topology_use_file(topo, file);
	if (hwloc_topology_load(topo) == 0)
		tables_from(topo, file == NULL);
	hwloc_topology_destroy(topo);
	near_build();
}

static pthread_once_t numa_once = PTHREAD_ONCE_INIT;

void beat_numa_init(void)
{
	pthread_once(&numa_once, numa_load_once);
}

bool beat_numa_load_synthetic(const char *desc, const int *distances)
{
	pthread_once(&numa_once, numa_load_once);
	hwloc_topology_t topo;
	if (hwloc_topology_init(&topo) != 0)
		return false;
	bool ok = hwloc_topology_set_synthetic(topo, desc) == 0 && hwloc_topology_load(topo) == 0;
	if (ok)
		tables_from(topo, false);
	hwloc_topology_destroy(topo);
	if (ok && distances && num_nodes > 1) {
		free(dist);
		dist = malloc((size_t)num_nodes * (size_t)num_nodes);
		for (int i = 0; dist && i < num_nodes * num_nodes; i++)
			dist[i] = (unsigned char)distances[i];
	}
	near_build();
	return ok;
}

bool beat_numa_flat(void)
{
	return num_nodes < 2 && !any_l3;
}

int beat_numa_nodes(void)
{
	return num_nodes;
}

int beat_numa_node_of_cpu(int cpu)
{
	return cpu >= 0 && cpu < CPU_SETSIZE ? cpu_node[cpu] : 0;
}

int beat_numa_l3_of_cpu(int cpu)
{
	return cpu >= 0 && cpu < CPU_SETSIZE ? cpu_l3[cpu] : -1;
}

int beat_numa_distance(int a, int b)
{
	if (a < 0 || b < 0 || a >= num_nodes || b >= num_nodes)
		return 20;
	if (dist)
		return dist[a * num_nodes + b];
	return a == b ? 10 : 20;
}

int beat_numa_node_of_os(int os)
{
	if (os < 0 || os >= (int)(sizeof os_node / sizeof os_node[0]))
		return -1;
	return os_node[os] - 1;
}

const unsigned char *beat_numa_near(int n)
{
	return near[n & (BEAT_MAX_NODES - 1)];
}
