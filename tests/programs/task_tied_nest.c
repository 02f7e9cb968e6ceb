/* task_tied_nest: a grandchild holds a lock across a taskwait while its
 * grandparent, whose own taskwait is already over, takes the same lock.
 * Under libgomp the grandchild, if it runs on the grandparent's thread,
 * runs on top of the grandparent's taskwait, so the grandparent goes on
 * only after it. A runtime that parks waiting tasks on fibers must keep
 * that order for tied tasks, or the grandparent blocks the only thread
 * that may resume the grandchild. */
#include <omp.h>
#include <stdio.h>
#include <unistd.h>

static omp_lock_t lk;
static long inner, outer;

static void grandchild(void)
{
	omp_set_lock(&lk);
	#pragma omp task
	{ usleep(300); __atomic_fetch_add(&inner, 1, __ATOMIC_RELAXED); }
	usleep(100); /* for another thread to take the child: then we wait */
	#pragma omp taskwait
	inner += 10;
	omp_unset_lock(&lk);
}

static void child(void)
{
	#pragma omp task
	grandchild();
	/* Long enough for the grandparent to wait and for its thread to take
	 * the grandchild. */
	usleep(500);
}

static void grandparent(int i)
{
	#pragma omp task
	child();
	usleep(100); /* for another thread to take the child: then we wait */
	#pragma omp taskwait
	omp_set_lock(&lk);
	outer += i;
	omp_unset_lock(&lk);
}

int main(void)
{
	omp_init_lock(&lk);
	#pragma omp parallel
	#pragma omp single
	for (int i = 0; i < 200; i++) {
		#pragma omp task
		grandparent(i);
	}
	/* 200 grandchildren: one child each and 10; grandparents 0..199. */
	long want_inner = 200 * 11, want_outer = 199 * 200 / 2;
	printf("inner %ld outer %ld\n", inner, outer);
	int ok = inner == want_inner && outer == want_outer;
	printf("%s\n", ok ? "OK" : "WRONG");
	omp_destroy_lock(&lk);
	return !ok;
}
