/* identity.c: who the calling thread is, in OpenMP's terms (thread number,
 * team size, nesting levels, ancestors, the current task's ICVs, place),
 * for an ABI layer, which sees none of the runtime's structures.
 *
 * Everything is read from the calling thread's seat (beat_self()->m) and
 * the chain of seats above it (team->parent_member): a seat's team knows
 * its level and size, and the seat its number. Each function is one call
 * with a few loads, cheap enough for omp_get_thread_num in a hot loop. */
#include "rt.h"

/* The seat, in the caller's chain of enclosing teams, whose team is at
 * nesting level `level`; NULL when there is none. */
static struct beat_member *member_at_level(int level)
{
	struct beat_member *m = beat_self()->m;
	if (level < 0 || m == NULL || level > (int)m->team->level)
		return NULL;
	while (m != NULL && (int)m->team->level > level)
		m = m->team->parent_member;
	return m;
}

struct beat_icv *beat_icv_self(void)
{
	struct beat_thread *t = beat_self();
	return t->task != NULL ? &t->task->icv : &t->m->itask.icv;
}

int beat_thread_num(void)
{
	return (int)beat_self()->m->id;
}

int beat_team_size(void)
{
	return (int)beat_self()->m->team->nthreads;
}

int beat_level(void)
{
	return (int)beat_self()->m->team->level;
}

int beat_active_level(void)
{
	return (int)beat_self()->m->team->active_level;
}

int beat_ancestor_thread_num(int level)
{
	struct beat_member *m = member_at_level(level);
	return m != NULL ? (int)m->id : -1;
}

int beat_team_size_at(int level)
{
	struct beat_member *m = member_at_level(level);
	return m != NULL ? (int)m->team->nthreads : -1;
}

/* An included task's record may move to the heap when it makes a deferred
 * child; the moved record remembers the one it was. */
const void *beat_task_identity(void)
{
	struct beat_task *task = beat_self()->task;
	return task->identity ? (const void *)task->identity : (const void *)task;
}

int beat_place_self(void)
{
	return beat_place_of_seat(beat_self()->m);
}

void beat_partition_self(int *first, int *len)
{
	beat_partition_of_seat(beat_self()->m, first, len);
}

struct beat_member *beat_member_self(void)
{
	return beat_self()->m;
}

int beat_global_thread_id(void)
{
	return beat_self()->gtid;
}
