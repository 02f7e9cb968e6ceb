/* uts.c measures load balancing of an unpredictable task tree: an unbalanced tree search (UTS binomial tree, regenerated from hashed node states) with a task per interior node and no taskwait. */
#include "bench.h"

#define M_CHILDREN 4
#define Q_PER_MILLION 249500 /* probability that a node has M_CHILDREN children; q m = 0.998 */
#define ROUNDS 96            /* hash rounds per child: the work of making a node */
#define MAX_SLOTS 1024

struct counter {
	long nodes, leaves, depth;
	char pad[64 - 3 * sizeof(long)];
};

static struct counter counters[MAX_SLOTS] __attribute__((aligned(64)));

static uint64_t child_state(uint64_t parent, int i)
{
	uint64_t s = parent ^ ((uint64_t)(i + 1) * 0xd1342543de82ef95ULL);
	for (int r = 0; r < ROUNDS; r++)
		s = bench_mix(s);
	return s;
}

static int children_of(uint64_t state)
{
	return (int)(state % 1000000) < Q_PER_MILLION ? M_CHILDREN : 0;
}

static void count_node(struct counter *c, int nchild, long depth)
{
	c->nodes++;
	if (nchild == 0)
		c->leaves++;
	if (depth > c->depth)
		c->depth = depth;
}

static void visit_serial(uint64_t state, long depth, int nchild, struct counter *c)
{
	count_node(c, nchild, depth);
	for (int i = 0; i < nchild; i++) {
		uint64_t s = child_state(state, i);
		visit_serial(s, depth + 1, children_of(s), c);
	}
}

/* Counts the node in the slot of the thread running it; leaves are counted
   at once, interior children become tasks. Nobody waits: the end of the
   parallel region collects them all. */
static void visit_task(uint64_t state, long depth, int nchild)
{
	struct counter *c = &counters[omp_get_thread_num() % MAX_SLOTS];
	count_node(c, nchild, depth);
	for (int i = 0; i < nchild; i++) {
		uint64_t s = child_state(state, i);
		int n = children_of(s);
		if (n == 0) {
			count_node(c, 0, depth + 1);
		} else {
#pragma omp task firstprivate(s, n, depth)
			visit_task(s, depth + 1, n);
		}
	}
}

int main(int argc, char **argv)
{
	static const int roots[SIZE_COUNT] = {4, 3000, 20000, 100000};
	/* Serial traversal totals (`uts SIZE reference` prints them): nodes, leaves, depth. */
	static const long expect[SIZE_COUNT][3] = {
		{17449, 13087, 206},
		{2023673, 1518504, 1412},
		{13051501, 9793625, 2366},
		{46538549, 34928911, 2366},
	};
	int sz = bench_size(argc, argv);
	int reference = argc > 2 && strcmp(argv[2], "reference") == 0;
	uint64_t root = bench_mix(19);
	struct counter total;
	memset(&total, 0, sizeof total);
	bench_warmup();
	double t0 = bench_now();
	if (reference) {
		visit_serial(root, 0, roots[sz], &total);
	} else {
#pragma omp parallel
#pragma omp single
		visit_task(root, 0, roots[sz]);
	}
	double t = bench_now() - t0;
	for (int i = 0; i < MAX_SLOTS; i++) {
		total.nodes += counters[i].nodes;
		total.leaves += counters[i].leaves;
		if (counters[i].depth > total.depth)
			total.depth = counters[i].depth;
	}
	long got[3] = {total.nodes, total.leaves, total.depth};
	if (reference) {
		printf("{%ld, %ld, %ld}, /* %s: %.3f s serial */\n", got[0], got[1], got[2], bench_size_name, t);
		return 0;
	}
	int ok = memcmp(got, expect[sz], sizeof got) == 0;
	if (!ok)
		fprintf(stderr, "uts: {%ld nodes, %ld leaves, depth %ld} differ from the serial traversal's\n",
			got[0], got[1], got[2]);
	bench_result("uts", "s", t, ok);
	return bench_exit();
}
