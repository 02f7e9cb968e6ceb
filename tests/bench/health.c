/* health.c measures tasks over pointer-chasing linked lists with malloc and free inside tasks: a health-care simulation in the style of BOTS health, one task per village per time step. */
#include "bench.h"

#define BRANCH 4
#define ASSESS_TIME 3
#define TREAT_TIME 10
#define P_SICK 3       /* per mille of the population falls ill each step */
#define P_TRANSFER 150 /* per mille of assessed patients go to the parent's hospital */

struct patient {
	long id;
	int time;          /* steps since falling ill */
	int time_left;     /* steps left in the current stage */
	int hospitals;     /* hospitals visited */
	struct patient *next;
};

struct plist {
	struct patient *head, *tail;
};

struct village {
	struct village *parent;
	struct village *child[BRANCH];
	int nchildren;
	int level;
	int population;
	int free_staff;
	uint64_t seed;
	long next_id;
	struct plist waiting, assess, inside, up;
	long discharged, transferred, total_time, total_hospitals;
};

static void push(struct plist *l, struct patient *p)
{
	p->next = NULL;
	if (l->tail)
		l->tail->next = p;
	else
		l->head = p;
	l->tail = p;
}

/* Moves all of src to the end of dst. */
static void append(struct plist *dst, struct plist *src)
{
	if (!src->head)
		return;
	if (dst->tail)
		dst->tail->next = src->head;
	else
		dst->head = src->head;
	dst->tail = src->tail;
	src->head = src->tail = NULL;
}

static int chance(struct village *v, int per_mille)
{
	return (int)(bench_rand(&v->seed) % 1000) < per_mille;
}

static struct village *make_village(struct village *parent, int level, int levels, long id)
{
	struct village *v = bench_alloc(sizeof *v);
	memset(v, 0, sizeof *v);
	v->parent = parent;
	v->level = level;
	v->seed = bench_mix((uint64_t)id);
	v->population = 100 + (int)(bench_mix((uint64_t)id + 77) % 100);
	v->free_staff = 14;
	v->next_id = id << 32;
	if (level + 1 < levels) {
		v->nchildren = BRANCH;
		for (int i = 0; i < BRANCH; i++)
			v->child[i] = make_village(v, level + 1, levels, id * BRANCH + i + 1);
	}
	return v;
}

static void check_inside(struct village *v)
{
	struct plist keep = {NULL, NULL};
	struct patient *p = v->inside.head;
	while (p) {
		struct patient *next = p->next;
		p->time++;
		if (--p->time_left == 0) {
			v->free_staff++;
			v->discharged++;
			v->total_time += p->time;
			v->total_hospitals += p->hospitals;
			free(p);
		} else {
			push(&keep, p);
		}
		p = next;
	}
	v->inside = keep;
}

static void check_assess(struct village *v)
{
	struct plist keep = {NULL, NULL};
	struct patient *p = v->assess.head;
	while (p) {
		struct patient *next = p->next;
		p->time++;
		if (--p->time_left > 0) {
			push(&keep, p);
		} else if (v->parent && chance(v, P_TRANSFER)) {
			v->free_staff++;
			v->transferred++;
			push(&v->up, p);
		} else {
			p->time_left = TREAT_TIME;
			push(&v->inside, p);
		}
		p = next;
	}
	v->assess = keep;
}

static void check_waiting(struct village *v)
{
	for (struct patient *p = v->waiting.head; p; p = p->next)
		p->time++;
	while (v->free_staff > 0 && v->waiting.head) {
		struct patient *p = v->waiting.head;
		v->waiting.head = p->next;
		if (!v->waiting.head)
			v->waiting.tail = NULL;
		v->free_staff--;
		p->time_left = ASSESS_TIME;
		p->hospitals++;
		push(&v->assess, p);
	}
}

static void fall_ill(struct village *v)
{
	for (int i = 0; i < v->population; i++)
		if (chance(v, P_SICK)) {
			struct patient *p = bench_alloc(sizeof *p);
			p->id = v->next_id++;
			p->time = 0;
			p->time_left = 0;
			p->hospitals = 0;
			push(&v->waiting, p);
		}
}

/* One time step of v's subtree: the children first (as tasks when par), then
   the patients sent up by the children join v's queue, then v's hospital. */
static void step(struct village *v, int par)
{
	for (int i = 0; i < v->nchildren; i++) {
		struct village *c = v->child[i];
		if (par) {
#pragma omp task firstprivate(c)
			step(c, 1);
		} else {
			step(c, 0);
		}
	}
	if (par) {
#pragma omp taskwait
	}
	for (int i = 0; i < v->nchildren; i++)
		append(&v->waiting, &v->child[i]->up);
	check_inside(v);
	check_assess(v);
	check_waiting(v);
	fall_ill(v);
}

struct totals {
	long discharged, transferred, total_time, total_hospitals, in_care, villages;
};

static long count(const struct plist *l)
{
	long n = 0;
	for (const struct patient *p = l->head; p; p = p->next)
		n++;
	return n;
}

static void gather(struct village *v, struct totals *t)
{
	t->discharged += v->discharged;
	t->transferred += v->transferred;
	t->total_time += v->total_time;
	t->total_hospitals += v->total_hospitals;
	t->in_care += count(&v->waiting) + count(&v->assess) + count(&v->inside) + count(&v->up);
	t->villages++;
	for (int i = 0; i < v->nchildren; i++)
		gather(v->child[i], t);
}

static void destroy(struct village *v)
{
	struct plist *lists[4] = {&v->waiting, &v->assess, &v->inside, &v->up};
	for (int k = 0; k < 4; k++)
		for (struct patient *p = lists[k]->head, *next; p; p = next) {
			next = p->next;
			free(p);
		}
	for (int i = 0; i < v->nchildren; i++)
		destroy(v->child[i]);
	free(v);
}

int main(int argc, char **argv)
{
	static const int levels[SIZE_COUNT] = {3, 5, 6, 7};
	static const int steps[SIZE_COUNT] = {100, 4000, 8000, 20000};
	/* Totals of the serial simulation (`health SIZE reference` prints them):
	   discharged, transferred, total time, total hospitals, still in care. */
	static const long expect[SIZE_COUNT][5] = {
		{823, 123, 12000, 924, 143},
		{600999, 105790, 9025825, 706415, 2232},
		{4875684, 860854, 72877734, 5734905, 9129},
		{48976162, 8643329, 736560947, 57612279, 36567},
	};
	int sz = bench_size(argc, argv);
	int reference = argc > 2 && strcmp(argv[2], "reference") == 0;
	struct village *root = make_village(NULL, 0, levels[sz], 0);
	bench_warmup();
	double t0 = bench_now();
	if (reference) {
		for (int s = 0; s < steps[sz]; s++)
			step(root, 0);
	} else {
#pragma omp parallel
#pragma omp single
		for (int s = 0; s < steps[sz]; s++)
			step(root, 1);
	}
	double t = bench_now() - t0;
	struct totals tot = {0, 0, 0, 0, 0, 0};
	gather(root, &tot);
	long got[5] = {tot.discharged, tot.transferred, tot.total_time, tot.total_hospitals, tot.in_care};
	if (reference) {
		printf("{%ld, %ld, %ld, %ld, %ld}, /* %s: %ld villages, %.3f s serial */\n", got[0], got[1],
		       got[2], got[3], got[4], bench_size_name, tot.villages, t);
		destroy(root);
		return 0;
	}
	int ok = memcmp(got, expect[sz], sizeof got) == 0;
	if (!ok)
		fprintf(stderr, "health: totals {%ld, %ld, %ld, %ld, %ld} differ from the serial run's\n",
			got[0], got[1], got[2], got[3], got[4]);
	bench_result("health", "s", t, ok);
	destroy(root);
	return bench_exit();
}
