/* loop_parallel.c: the combined parallel worksharing constructs (a
 * parallel region whose body is one loop, or one sections construct):
 * every member of the new team enters the loop before it runs the body. */
#include "rt.h"

#include <stdlib.h>

/* What each member of the new team enters before running fn(data). */
struct par_loop {
	void (*fn)(void *);
	void *data;
	struct beat_loop_desc loop;
	atomic_uint users; /* split form: members that have not entered yet */
};

/* Enters the combined construct's loop; returns the member's construct
 * count, to recognise the slot after fn has run. */
static unsigned long par_enter(const struct par_loop *p)
{
	struct beat_member *m = beat_member_self();
	const struct beat_loop_desc *l = &p->loop;
	bool first;
	struct beat_ws *ws = beat_ws_enter(m, &first);

	if (first) {
		beat_loop_init_long(ws, l->start, l->end, l->incr, l->kind, l->chunk);
		beat_ws_publish(ws);
	}
	return m->ws_index;
}

/* Compiled code may compute a combined static loop's chunks itself and
 * never end the loop (GCC's does, for schedule(auto) too); leave the slot
 * for it, or the slot would stay taken. */
static void par_finish(unsigned long entered)
{
	struct beat_member *m = beat_member_self();

	if (m->ws != NULL && m->ws_index == entered)
		beat_ws_end(false);
}

static void par_body(void *arg)
{
	const struct par_loop *p = arg;
	unsigned long entered = par_enter(p);

	p->fn(p->data);
	par_finish(entered);
}

/* Split form: the closure lives on the heap until every member entered. */
static void par_drop(struct par_loop *p)
{
	if (atomic_fetch_sub_explicit(&p->users, 1, memory_order_acq_rel) == 1)
		free(p);
}

static void par_body_split(void *arg)
{
	struct par_loop *p = arg;
	void (*fn)(void *) = p->fn;
	void *data = p->data;
	unsigned long entered = par_enter(p);

	par_drop(p);
	fn(data);
	par_finish(entered);
}

void beat_parallel_loop(void (*fn)(void *), void *data, unsigned num_threads,
			int proc_bind, const struct beat_loop_desc *loop)
{
	unsigned n = beat_team_size_for(beat_self(), num_threads, true);
	struct par_loop p = { .fn = fn, .data = data, .loop = *loop };

	beat_parallel(par_body, &p, n, proc_bind);
}

void beat_parallel_loop_start(void (*fn)(void *), void *data,
			      unsigned num_threads,
			      const struct beat_loop_desc *loop)
{
	unsigned n = beat_team_size_for(beat_self(), num_threads, true);
	struct par_loop *heap = malloc(sizeof(*heap));

	if (heap == NULL)
		beat_fatal("out of memory (combined parallel worksharing)");
	heap->fn = fn;
	heap->data = data;
	heap->loop = *loop;
	atomic_init(&heap->users, n);
	beat_parallel_start(par_body_split, heap, n, 0);
	/* The master now sits in the new team; the caller runs fn itself and
	 * then ends the region, so a static loop that fn never ends keeps the
	 * master's slot until the team goes. */
	par_enter(heap);
	par_drop(heap);
}
