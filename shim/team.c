/* team.c: threads and teams: the pool of worker threads (made lazily with
 * pthread_create, parked on a futex between regions), the per-thread
 * state of threads beat did not make, and the start and end of a parallel
 * region (team size, ICV inheritance, places, seats, the end barrier).
 *
 * A region's master hands each worker a seat (struct beat_member) and bumps
 * the worker's `go` futex; the worker runs the implicit task, joins the end
 * barrier, returns to the idle list and, last, counts itself in the
 * master's `joined`. After a region its initial implicit task started, the
 * master does not wait for that count at the region's end (the end barrier
 * already ordered the workers' writes before its return): it waits when it
 * next needs the team or the workers (its next region's start, freeing the
 * team, giving the workers back to the pool, its exit), by then mostly long
 * done; after any other region it waits at the end, as before. So no worker ever touches
 * freed memory or a seat being set up again, and the count only ever holds
 * one region's workers.
 *
 * A thread that exits (a program thread, through a key destructor, or a
 * worker after omp_pause_resource) gives back its fibers, signal stack,
 * task blocks and teams; its record is never freed but reused by the next
 * thread. After fork() the child's thread starts in a new initial team and
 * the teams it inherited are emptied of the parent's tasks. */
#include "rt.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

BEAT_TLS struct beat_thread *beat_tls_self;

static beat_mutex_t pool_lock;
static struct beat_thread *idle_head;
/* Threads beat manages (pool workers, busy or idle, plus program threads
 * that use OpenMP): more of them than CPUs means waiters must not spin. */
atomic_int beat_threads_managed;

/* --------------------------------------------------------- private helpers */

static void *xcalloc_aligned(size_t size)
{
	size = (size + BEAT_CACHELINE - 1) & ~(size_t)(BEAT_CACHELINE - 1);
	void *p = aligned_alloc(BEAT_CACHELINE, size);
	if (!p)
		beat_fatal("out of memory (%zu bytes for a team)", size);
	memset(p, 0, size);
	return p;
}

static void ws_ring_init(struct beat_team *team)
{
	for (unsigned s = 0; s < BEAT_WS_RING; s++) {
		struct beat_ws *ws = &team->ws_ring[s];
		atomic_init(&ws->id, s);
		atomic_init(&ws->left, team->nthreads);
	}
}

static void ws_ring_destroy(struct beat_team *team)
{
	for (unsigned s = 0; s < BEAT_WS_RING; s++)
		beat_ws_free_state(&team->ws_ring[s]);
}

static struct beat_team *team_new(unsigned nthreads)
{
	struct beat_team *team = xcalloc_aligned(sizeof *team);
	team->nthreads = nthreads;
	team->members = xcalloc_aligned(nthreads * sizeof(struct beat_member));
	ws_ring_init(team);
	beat_mail_init(team);
	team->nnodes = 1;
	team->node_members[0] = (unsigned char)(nthreads < 255 ? nthreads : 255);
	for (unsigned i = 0; i < nthreads; i++) {
		struct beat_member *m = &team->members[i];
		m->team = team;
		m->id = i;
		m->ws_index = BEAT_WS_RING;
		m->place = -1;
		m->rng = 0x9e3779b9u * (i + 1);
		beat_deque_init(&m->deque);
	}
	return team;
}

static void team_free(struct beat_team *team)
{
	beat_victims_free(team);
	for (unsigned i = 0; i < team->nthreads; i++)
		beat_deque_destroy(&team->members[i].deque);
	ws_ring_destroy(team);
	free(team->prio_heap);
	free(team->members);
	free(team);
}

/* The implicit task of a seat inherits the encountering task's ICVs, with
 * the per-level OMP_NUM_THREADS / OMP_PROC_BIND list entries applied. */
static void implicit_task_init(struct beat_member *m, struct beat_task *encountering)
{
	struct beat_task *it = &m->itask;
	memset(it, 0, sizeof *it);
	it->parent = encountering;
	it->team = m->team;
	it->flags = BEAT_TASK_IMPLICIT;
	atomic_init(&it->refs, 1);
	atomic_init(&it->children, 0);
	it->icv = encountering->icv;
	int lvl = it->icv.list_level;
	if (lvl < beat_cfg.nthreads_list_len)
		it->icv.nthreads = beat_cfg.nthreads_list[lvl];
	if (lvl < beat_cfg.bind_list_len)
		it->icv.bind = beat_cfg.bind_list[lvl];
	it->icv.list_level = lvl + 1;
	m->tied_top = NULL;
	m->in_barrier = false;
}

/* A seat made ready for a region, by the thread that takes it: its lines
 * stay in that thread's cache instead of being written by the master and
 * read back by the worker. */
static void seat_init(struct beat_member *m)
{
	const struct beat_team *team = m->team;
	implicit_task_init(m, team->encountering);
	if (team->seat_bind >= 0)
		m->itask.icv.bind = (enum beat_bind)team->seat_bind;
	m->single_index = 0;
	m->ws = NULL;
}

static _Atomic(struct beat_thread *) all_threads;

struct beat_thread *beat_all_threads(void)
{
	return atomic_load_explicit(&all_threads, memory_order_acquire);
}

/* Records of threads that have exited, kept for reuse (linked through
 * next_idle). A record is never freed: masters' crews and the stats list
 * point at it, so the next thread beat meets takes it over instead. */
static beat_mutex_t dead_lock;
static struct beat_thread *dead_head;

/* A dead thread's record made ready for a new thread; what it learned
 * (task costs), counted (stats) and preferred (crew) stays. */
static struct beat_thread *thread_reuse(bool is_worker)
{
	beat_mutex_lock(&dead_lock);
	struct beat_thread *t = dead_head;
	if (t)
		dead_head = t->next_idle;
	beat_mutex_unlock(&dead_lock);
	if (!t)
		return NULL;
	t->m = NULL;
	t->task = NULL;
	/* go only grows; a late wake-up from the old owner's release is harmless */
	t->go_seen = atomic_load_explicit(&t->go, memory_order_acquire);
	atomic_store_explicit(&t->sleeping, 0, memory_order_relaxed);
	atomic_store_explicit(&t->joined, 0, memory_order_relaxed);
	atomic_store_explicit(&t->join_waiting, 0, memory_order_relaxed);
	t->join_want = 0;
	t->join_pending = false;
	t->next_m = NULL;
	t->next_idle = t->prev_idle = NULL;
	/* in_pool is false already (read by masters that prefer this record) */
	t->is_worker = is_worker;
	t->crew_len = 0; /* another thread's preferences (after fork: workers that are gone) */
	t->crew_docked = 0;
	t->exiting = false;
	t->bound_place = -1;
	t->bound_node = -1;
	t->shown_affinity = 0;
	t->initial_team = NULL;
	t->spare_team = NULL;
	t->fiber_cur = t->fiber_release = t->fiber_parking = t->cont_pending = NULL;
	t->parked = NULL;
	t->altstack_done = false;
	return t;
}

/* Global thread ids belong to records: a reused record keeps its id, so
 * ids stay small and no two live threads share one. The initial thread's
 * record is always new and has id 0. */
static atomic_int next_gtid = 1;

static struct beat_thread *thread_new(bool is_worker, bool initial)
{
	struct beat_thread *t = initial ? NULL : thread_reuse(is_worker);
	if (t)
		return t;
	t = xcalloc_aligned(sizeof *t);
	t->gtid = initial ? 0 : atomic_fetch_add_explicit(&next_gtid, 1, memory_order_relaxed);
	t->is_worker = is_worker;
	t->bound_place = -1;
	t->bound_node = -1;
	t->cpu = -1;
	/* Records are never freed, so the list only grows (lock-free push). */
	struct beat_thread *head = atomic_load_explicit(&all_threads, memory_order_relaxed);
	do
		t->all_next = head;
	while (!atomic_compare_exchange_weak_explicit(&all_threads, &head, t, memory_order_release,
						      memory_order_relaxed));
	return t;
}

/* The calling thread is leaving: its idle fibers go to the shared pool, its
 * alternate signal stack and free task blocks are released, and its record
 * waits for the next thread. Nothing touches t after it is listed. */
static void dock_release(struct beat_thread *master, unsigned from);

static void thread_retire(struct beat_thread *t)
{
	dock_release(t, 0);
	beat_fiber_thread_exit(t);
	beat_task_blocks_release(t);
	if (t->spare_team) {
		team_free(t->spare_team);
		t->spare_team = NULL;
	}
	beat_tls_self = NULL;
	beat_presence_leave();
	atomic_fetch_sub_explicit(&beat_threads_managed, 1, memory_order_relaxed);
	beat_mutex_lock(&dead_lock);
	t->next_idle = dead_head;
	dead_head = t;
	beat_mutex_unlock(&dead_lock);
}

/* A new initial team: one member (t), level 0, its own contention group,
 * the initial ICVs; seats t in it. Used for a thread's first OpenMP call and
 * for each target region run on the host. */
static struct beat_member *initial_team_new(struct beat_thread *t, int place)
{
	struct beat_team *team = team_new(1);
	team->cg = xcalloc_aligned(sizeof *team->cg);
	atomic_init(&team->cg->busy, 1);
	struct beat_member *m = &team->members[0];
	m->thread = t;
	beat_deque_set_owner(&m->deque, t);
	m->place = place;
	m->place_part_first = 0;
	m->place_part_len = beat_num_places;
	struct beat_task *it = &m->itask;
	it->team = team;
	it->flags = BEAT_TASK_IMPLICIT;
	atomic_init(&it->refs, 1);
	it->icv = beat_cfg.initial;
	t->m = m;
	t->task = it;
	return m;
}

/* A seat for a thread that runs OpenMP code outside any region. */
static void initial_seat(struct beat_thread *t)
{
	beat_config_init();
	t->initial_team = initial_team_new(t, -1)->team;
}

static void *worker_main(void *arg);

/* A record whose thread could not be created waits here for the next try
 * (records are never freed, so each failure must not make a new one). */
static _Atomic(struct beat_thread *) unstarted;

/* Thread creation failed (RLIMIT_NPROC, a pids cgroup, memory for the
 * stack): the team gets fewer threads, as OpenMP allows, and the first
 * failure says why on one line. libgomp stops the program instead. */
static void pool_spawn_failed(struct beat_thread *t, int err)
{
	static atomic_bool warned;
	struct beat_thread *none = NULL;
	atomic_compare_exchange_strong(&unstarted, &none, t);
	if (!atomic_exchange(&warned, true) || beat_cfg.debug)
		beat_warn("cannot create a worker thread: %s; teams get fewer threads", strerror(err));
}

static void pool_unlink(struct beat_thread *w)
{
	if (w->prev_idle)
		w->prev_idle->next_idle = w->next_idle;
	else
		idle_head = w->next_idle;
	if (w->next_idle)
		w->next_idle->prev_idle = w->prev_idle;
	w->next_idle = w->prev_idle = NULL;
	w->in_pool = false;
}

static struct beat_thread *pool_spawn(void)
{
	/* A record whose thread could not be created last time, else a new
	 * or reused one. */
	struct beat_thread *t = atomic_exchange(&unstarted, NULL);
	if (t == NULL)
		t = thread_new(true, false);
	/* go only grows (a reused record keeps its count): only a later bump
	 * hands work over. */
	t->go_seen = atomic_load_explicit(&t->go, memory_order_acquire);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (beat_cfg.stacksize)
		pthread_attr_setstacksize(&attr, beat_cfg.stacksize);
	int err = beat_real_pthread_create(&t->pth, &attr, worker_main, t);
	pthread_attr_destroy(&attr);
	if (err) {
		pool_spawn_failed(t, err);
		return NULL;
	}
	atomic_fetch_add_explicit(&beat_threads_managed, 1, memory_order_relaxed);
	return t;
}

/* An idle worker for seat `seat` of a team led by master: the one that had
 * this seat last time if it is idle, else any idle one, else a new one;
 * NULL when no thread can be created. */
static struct beat_thread *pool_take(struct beat_thread *master, unsigned seat, bool no_new)
{
	if (seat - 1 < master->crew_docked)
		return master->crew[seat - 1]; /* docked: idle, and ours alone */
	struct beat_thread *preferred = seat - 1 < master->crew_len ? master->crew[seat - 1] : NULL;
	beat_mutex_lock(&pool_lock);
	struct beat_thread *w = (preferred && preferred->in_pool) ? preferred : idle_head;
	if (w)
		pool_unlink(w);
	beat_mutex_unlock(&pool_lock);
	if (!w && !no_new)
		w = pool_spawn();
	if (!w)
		return NULL;
	if (seat - 1 >= master->crew_len) {
		unsigned len = seat + 7;
		master->crew = realloc(master->crew, len * sizeof *master->crew);
		if (!master->crew)
			beat_fatal("out of memory for a thread crew");
		for (unsigned i = master->crew_len; i < len; i++)
			master->crew[i] = NULL;
		master->crew_len = len;
	}
	master->crew[seat - 1] = w;
	return w;
}

static void pool_give_back(struct beat_thread *t)
{
	beat_mutex_lock(&pool_lock);
	t->prev_idle = NULL;
	t->next_idle = idle_head;
	if (idle_head)
		idle_head->prev_idle = t;
	idle_head = t;
	t->in_pool = true;
	beat_mutex_unlock(&pool_lock);
}

/* A master waits until the workers of its last region have left it (their
 * release_team), if it has not already. */
static void join_settle(struct beat_thread *t)
{
	if (!t->join_pending)
		return;
	/* joined only grows (the master never stores to it: a store would
	 * take the line back from the last worker before the next start) */
	unsigned want = t->join_want;
	unsigned long limit = beat_spin_limit() + 64;
	for (unsigned long i = 0; i < limit; i++) {
		if (atomic_load_explicit(&t->joined, memory_order_acquire) == want)
			goto done;
		if (!beat_spin_pause(i))
			break;
	}
	for (;;) {
		atomic_store_explicit(&t->join_waiting, 1, memory_order_seq_cst);
		unsigned r = atomic_load_explicit(&t->joined, memory_order_seq_cst);
		if (r == want)
			break;
		beat_futex_wait(&t->joined, r);
	}
	atomic_store_explicit(&t->join_waiting, 0, memory_order_relaxed);
done:
	t->join_pending = false;
}

/* A master's docked workers go back to the shared pool (the master leaves,
 * or its team is smaller than its dock). */
static void dock_release(struct beat_thread *master, unsigned from)
{
	join_settle(master);
	for (unsigned i = from; i < master->crew_docked; i++)
		pool_give_back(master->crew[i]);
	if (master->crew_docked > from)
		master->crew_docked = from;
}

/* After the join of a region it led: the team's workers are idle and stay
 * docked for master's next region. Workers docked by a region nested in
 * this one (its crew entries were reused) go back to the pool first. */
static void dock_team(struct beat_thread *master, struct beat_team *team)
{
	dock_release(master, 0);
	for (unsigned i = 1; i < team->nthreads; i++)
		master->crew[i - 1] = team->members[i].thread;
	master->crew_docked = team->nthreads - 1;
}

static void hand_over(struct beat_thread *w, struct beat_member *m)
{
	w->next_m = m;
	atomic_fetch_add_explicit(&w->go, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&w->sleeping, memory_order_seq_cst))
		beat_futex_wake(&w->go, 1);
}

/* Worker side: wait for the next seat (spin, then futex). */
static struct beat_member *wait_for_seat(struct beat_thread *t)
{
	unsigned seen = t->go_seen;
	unsigned long limit = beat_spin_limit();
	for (unsigned long i = 0; i < limit; i++) {
		if (atomic_load_explicit(&t->go, memory_order_acquire) != seen)
			goto got;
		if (!beat_spin_pause(i))
			break;
	}
	for (;;) {
		atomic_store_explicit(&t->sleeping, 1, memory_order_seq_cst);
		if (atomic_load_explicit(&t->go, memory_order_seq_cst) != seen)
			break;
		beat_futex_wait(&t->go, seen);
	}
	atomic_store_explicit(&t->sleeping, 0, memory_order_relaxed);
got:
	t->go_seen = atomic_load_explicit(&t->go, memory_order_acquire);
	return t->next_m;
}

/* OMP_DISPLAY_AFFINITY decides per team, as libgomp does, whether every
 * member shows its line at the start: a team of one never does; a nested
 * team always does; an outermost team does when its size differs from the
 * previous outermost team its primary thread led, or when any member's
 * thread changes place (the specification: a change for one thread is
 * shown for all). Under proc_bind(true) a thread that stays inside its new
 * partition counts as not moved (libgomp leaves it where it is). Called
 * with every seat's thread taken and not yet started. */
static bool team_shows_affinity(struct beat_thread *t, struct beat_team *team,
				enum beat_bind bind)
{
	if (team->nthreads <= 1)
		return false;
	if (team->level > 1)
		return true;
	bool show = t->shown_affinity != team->nthreads;
	t->shown_affinity = team->nthreads;
	for (unsigned i = 1; i < team->nthreads && !show; i++) {
		const struct beat_member *m = &team->members[i];
		int was = m->thread->bound_place;
		if (m->place < 0)
			continue;
		if (bind == BEAT_BIND_TRUE)
			show = was < m->place_part_first || was >= m->place_part_first + m->place_part_len;
		else
			show = was != m->place;
	}
	return show;
}

/* A seat's place binds its thread to the place; without places, a seat's
 * node (node_bind.c: workers only, the primary's seat never binds) to that
 * node's CPUs. Nothing is asked of the OS while the thread is bound so. */
static void bind_seat(struct beat_thread *t, struct beat_member *m)
{
	if (m->place >= 0 && m->place != t->bound_place) {
		beat_bind_to_place(m->place);
		t->bound_place = m->place;
	} else if (m->place < 0 && m->bind_node_len > 0 && m->bind_node != t->bound_node) {
		t->bound_node = beat_bind_to_node(m->bind_node) ? m->bind_node : -1;
	}
}

/* The worker's last act for a region: count itself in the master's thread
 * record (which outlives every team), never in the team, which the master
 * frees as soon as the count is complete. */
static void release_team(struct beat_team *team)
{
	struct beat_thread *master = team->members[0].thread;
	atomic_fetch_add_explicit(&master->joined, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&master->join_waiting, memory_order_seq_cst))
		beat_futex_wake(&master->joined, 1);
}

static void *worker_main(void *arg)
{
	struct beat_thread *t = arg;
	beat_tls_self = t;
	__atomic_store_n(&t->cpu, sched_getcpu(), __ATOMIC_RELAXED); /* victims.c */
	for (;;) {
		struct beat_member *m = wait_for_seat(t);
		if (t->exiting || m == NULL) {
			thread_retire(t);
			return NULL;
		}
		struct beat_team *team = m->team;
		seat_init(m);
		t->m = m;
		t->task = &m->itask;
		bind_seat(t, m);
		if (team->show_affinity)
			beat_affinity_display(NULL);
		team->fn(team->data);
		beat_ws_leave(m); /* a construct the outlined code never ended */
		beat_barrier_end(m);
		beat_depend_table_free(&m->itask);
		if (BEAT_UNLIKELY(beat_cfg.stats) && team->nnodes > 1)
			beat_node_memory_check(t, m);
		t->m = NULL;
		t->task = NULL;
		__atomic_store_n(&t->cpu, sched_getcpu(), __ATOMIC_RELAXED); /* victims.c */
		/* Docked for the master (dock_team): it gives the contention
		 * group's count back and keeps this thread for its next region. */
		release_team(team); /* last touch of the team */
	}
}

/* Reserves nthreads - 1 workers against OMP_THREAD_LIMIT in contention
 * group cg (the threads started from one initial thread); returns the team
 * size granted. */
static unsigned reserve_threads(struct beat_cg *cg, int limit, unsigned nthreads)
{
	if (nthreads <= 1)
		return 1;
	int busy = atomic_load_explicit(&cg->busy, memory_order_relaxed);
	for (;;) {
		long want = nthreads - 1;
		if (limit != INT_MAX) {
			long room = (long)limit - busy;
			if (want > room)
				want = room > 0 ? room : 0;
		}
		if (atomic_compare_exchange_weak_explicit(&cg->busy, &busy, busy + (int)want,
							  memory_order_relaxed, memory_order_relaxed))
			return (unsigned)want + 1;
	}
}

/* Takes a worker for every seat but the master's (into master->crew). When
 * a thread cannot be created (or, no_new, is not to be: the memory gate)
 * the team is smaller, and the threads reserved for the missing seats go
 * back to the contention group. */
static unsigned take_workers(struct beat_thread *master, struct beat_cg *cg, unsigned nthreads,
			     bool no_new)
{
	for (unsigned i = 1; i < nthreads; i++)
		if (pool_take(master, i, no_new) == NULL) {
			atomic_fetch_sub_explicit(&cg->busy, (int)(nthreads - i), memory_order_relaxed);
			return i;
		}
	return nthreads;
}

/* A master keeps the last team it led: the next region of the same size
 * reuses it instead of allocating and clearing a new one. A team is kept
 * only when it ended cleanly: every member met the same worksharing
 * constructs (so all ring slots are free) and nothing was cancelled. */
static void team_keep(struct beat_thread *t, struct beat_team *team)
{
	bool clean = !atomic_load_explicit(&team->cancelled, memory_order_relaxed);
	for (unsigned i = 1; clean && i < team->nthreads; i++)
		clean = team->members[i].ws_index == team->members[0].ws_index;
	for (unsigned s = 0; clean && s < BEAT_WS_RING; s++)
		clean = atomic_load_explicit(&team->ws_ring[s].left, memory_order_relaxed) ==
			team->nthreads;
	if (!clean || t->spare_team) {
		join_settle(t);
		team_free(team);
		return;
	}
	t->spare_team = team;
}

static struct beat_team *team_take(struct beat_thread *t, unsigned nthreads)
{
	struct beat_team *team = t->spare_team;
	if (!team)
		return team_new(nthreads);
	t->spare_team = NULL;
	if (team->nthreads != nthreads) {
		team_free(team);
		return team_new(nthreads);
	}
	if (atomic_load_explicit(&team->single_count, memory_order_relaxed))
		atomic_store_explicit(&team->single_count, 0, memory_order_relaxed);
	if (atomic_load_explicit(&team->ws_cancelled, memory_order_relaxed))
		atomic_store_explicit(&team->ws_cancelled, 0, memory_order_relaxed);
	/* Seats are set up by their threads (seat_init); places are written
	 * for every seat by beat_places_assign, or never when there are none. */
	return team;
}

/* ------------------------------------------------------------ public API */

/* A program thread's exit (its key's destructor): back in its initial seat
 * with no task of its own left, it gives its initial team and its record
 * back; otherwise (it exited inside a region or with tasks pending) its
 * state stays, as it must. */
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

static void program_thread_exit(void *arg)
{
	struct beat_thread *t = arg;
	struct beat_team *team = t->initial_team;
	if (t != beat_tls_self || !team || t->m != &team->members[0] || t->fiber_cur || t->parked)
		return;
	struct beat_member *m = &team->members[0];
	if (atomic_load(&team->task_count) || atomic_load(&m->itask.children) ||
	    beat_deque_size(&m->deque) || beat_mail_any(team))
		return;
	beat_depend_table_free(&m->itask);
	struct beat_cg *cg = team->cg;
	team_free(team);
	free(cg);
	t->initial_team = NULL;
	thread_retire(t);
}

static void exit_key_create(void)
{
	pthread_key_create(&exit_key, program_thread_exit);
}

struct beat_thread *beat_self_slow(void)
{
	struct beat_thread *t = thread_new(false, gettid() == getpid());
	beat_tls_self = t;
	initial_seat(t);
	atomic_fetch_add_explicit(&beat_threads_managed, 1, memory_order_relaxed);
	pthread_once(&exit_key_once, exit_key_create);
	pthread_setspecific(exit_key, t);
	return t;
}

unsigned beat_team_size_for(struct beat_thread *t, unsigned requested, bool if_clause)
{
	struct beat_member *m = t->m;
	struct beat_icv *icv = &t->task->icv;
	if (!if_clause)
		return 1;
	if ((int)m->team->active_level >= icv->max_active_levels)
		return 1;
	long n = requested ? (long)requested : (long)icv->nthreads;
	if (n < 1)
		n = 1;
	if (icv->dyn && n > beat_cpu_budget)
		n = beat_cpu_budget;
	if (icv->thread_limit != INT_MAX && n > icv->thread_limit)
		n = icv->thread_limit;
	if (n > 0x10000)
		n = 0x10000;
	return (unsigned)n;
}

unsigned beat_parallel_size(unsigned requested, bool if_clause)
{
	return beat_team_size_for(beat_self(), requested, if_clause);
}

void beat_parallel_start(void (*fn)(void *), void *data, unsigned nthreads,
			 enum beat_bind proc_bind)
{
	struct beat_thread *t = beat_self();
	struct beat_member *outer = t->m;
	struct beat_task *encountering = t->task;
	join_settle(t); /* the last region's workers and team are needed again */
	if (nthreads < 1)
		nthreads = 1;
	nthreads = reserve_threads(outer->team->cg, encountering->icv.thread_limit, nthreads);
	/* Under high memory pressure, with dyn-var true (OMP_DYNAMIC), a team
	 * gets only the threads that exist: no new thread's stack is added. */
	bool no_new = nthreads > 1 && encountering->icv.dyn && beat_cfg.memgate &&
		      beat_mem_level_refresh() >= BEAT_MEM_HIGH;
	unsigned asked = nthreads;
	dock_release(t, nthreads - 1); /* docked beyond this team's seats */
	nthreads = take_workers(t, outer->team->cg, nthreads, no_new);
	t->crew_docked = 0; /* in the team now (a nested region of ours docks its own) */
	if (BEAT_UNLIKELY(nthreads < asked && no_new))
		t->stats.memgate_threads += asked - nthreads;
	struct beat_team *team = team_take(t, nthreads);
	/* (a reused team mostly has these already: a store only where one
	 * changes, so that the lines every member reads stay in their caches) */
	BEAT_SET(team->cg, outer->team->cg);
	BEAT_SET(team->fn, fn);
	BEAT_SET(team->data, data);
	BEAT_SET(team->parent_member, outer);
	BEAT_SET(team->level, outer->team->level + 1);
	BEAT_SET(team->active_level, outer->team->active_level + (nthreads > 1));
	/* With bind-var false the proc_bind clause is ignored (OpenMP 5.1, 2.6.2). */
	enum beat_bind bind = encountering->icv.bind;
	if (bind != BEAT_BIND_FALSE && proc_bind != BEAT_BIND_FALSE)
		bind = proc_bind;
	beat_places_assign(team, outer, bind);
	int cpu = sched_getcpu();
	beat_nodes_assign(team, outer, t->crew, cpu);
	beat_victims_team(team, t->crew, cpu);
	/* The members' bind-var: the OMP_PROC_BIND list's entry for the new
	 * level, else the policy this team was formed with (as libgomp). */
	bool listed = encountering->icv.list_level < beat_cfg.bind_list_len;
	BEAT_SET(team->encountering, encountering);
	BEAT_SET(team->seat_bind, listed ? -1 : (int)bind);
	seat_init(&team->members[0]);
	team->members[0].thread = t;
	beat_deque_set_owner(&team->members[0].deque, t);
	/* With OMP_DISPLAY_AFFINITY every seat is filled before any starts,
	 * so that the team can decide whether all members show their line. */
	bool display = beat_cfg.display_affinity;
	for (unsigned i = 1; i < nthreads; i++) {
		struct beat_thread *w = t->crew[i - 1];
		if (team->members[i].thread != w) /* a docked crew keeps its seats */
			team->members[i].thread = w;
		beat_deque_set_owner(&team->members[i].deque, w);
		if (!display)
			hand_over(w, &team->members[i]);
	}
	if (display) {
		team->show_affinity = team_shows_affinity(t, team, bind);
		for (unsigned i = 1; i < nthreads; i++)
			hand_over(team->members[i].thread, &team->members[i]);
	}
	t->m = &team->members[0];
	t->task = &team->members[0].itask;
	if (team->members[0].place >= 0)
		bind_seat(t, &team->members[0]);
	if (display && team->show_affinity)
		beat_affinity_display(NULL);
	if (beat_cfg.debug)
		beat_warn("debug: parallel region level %u with %u threads", team->level, nthreads);
}

void beat_parallel_end(void)
{
	struct beat_thread *t = beat_self();
	struct beat_member *m = t->m;
	struct beat_team *team = m->team;
	/* Nothing left a count pending since this region's start: only a
	 * region started by the initial implicit task leaves one, and that
	 * task waits below this region (this region's workers add to the
	 * count only after the end barrier). */
	BEAT_ASSERT(!t->join_pending);
	beat_ws_leave(m); /* a construct the outlined code never ended */
	beat_barrier_end(m);
	beat_depend_table_free(&m->itask);
	struct beat_member *outer = team->parent_member;
	if (team->nthreads > 1) {
		atomic_fetch_sub_explicit(&team->cg->busy, (int)team->nthreads - 1, memory_order_relaxed);
		dock_team(t, team);
		t->join_want += team->nthreads - 1;
		t->join_pending = true;
		/* Only a region started by a thread's own initial implicit task
		 * leaves its count pending: nothing runs that code from inside
		 * a wait. A region started elsewhere (a task, a nested team, a
		 * target region) may end inside an enclosing region's end
		 * barrier, whose own workers then count in the same word right
		 * after: the two counts would mix (a task that ran a nested
		 * region in its creator's end barrier hung). */
		if (!t->initial_team || outer != &t->initial_team->members[0] ||
		    team->encountering != &outer->itask)
			join_settle(t);
	}
	t->m = outer;
	t->task = m->itask.parent;
	team_keep(t, team);
}

void beat_parallel(void (*fn)(void *), void *data, unsigned nthreads, enum beat_bind proc_bind)
{
	beat_parallel_start(fn, data, nthreads, proc_bind);
	fn(data);
	beat_parallel_end();
}

void beat_pool_release(void)
{
	struct beat_thread *self = beat_tls_self;
	if (self)
		dock_release(self, 0);
	beat_mutex_lock(&pool_lock);
	struct beat_thread *list = idle_head;
	for (struct beat_thread *w = idle_head; w; w = w->next_idle)
		w->in_pool = false;
	idle_head = NULL;
	beat_mutex_unlock(&pool_lock);
	while (list) {
		struct beat_thread *w = list;
		list = w->next_idle;
		w->exiting = true;
		hand_over(w, NULL); /* the worker sees exiting and returns; its record is kept */
	}
}

void beat_initial_team_enter(struct beat_seat_save *save, int thread_limit)
{
	struct beat_thread *t = beat_self();
	save->m = t->m;
	save->task = t->task;
	struct beat_member *m = initial_team_new(t, save->m->place);
	save->cg = m->team->cg;
	if (thread_limit > 0)
		m->itask.icv.thread_limit = thread_limit;
}

void beat_initial_team_leave(struct beat_seat_save *save)
{
	struct beat_thread *t = beat_self();
	struct beat_member *m = t->m;
	struct beat_team *team = m->team;
	beat_barrier_end(m);
	beat_depend_table_free(&m->itask);
	t->m = save->m;
	t->task = save->task;
	team_free(team);
	free(save->cg);
}

/* A team the child inherited from the parent: its queues hold the parent's
 * tasks, which must never run in the child (their side effects would happen
 * twice), and its locks may have been held by threads that do not exist in
 * the child. Empties it; nothing is freed (the parent's threads may have
 * been in the middle of changing it). */
static void forget_team_work(struct beat_team *team)
{
	for (unsigned i = 0; i < team->nthreads; i++) {
		struct beat_deque *d = &team->members[i].deque;
		atomic_store(&d->bottom, atomic_load(&d->top));
	}
	beat_mail_init(team);
	atomic_init(&team->prio_lock.state, 0);
	atomic_store(&team->prio_count, 0);
	atomic_init(&team->parked_lock.state, 0);
	team->parked_untied = NULL;
	atomic_store(&team->nparked_untied, 0);
	atomic_store(&team->sleepers, 0);
	team->orphaned = true;
}

void beat_team_orphaned_wait(void)
{
	beat_fatal("a process forked inside a parallel region or task went back into the "
		   "parent's region, which cannot finish in the child (its other threads and "
		   "queued tasks stayed in the parent); end the child with _exit or exec before that");
}

/* After fork() only the forking thread exists in the child, and the child
 * starts with a clean runtime: the pool is forgotten (its threads are gone),
 * every team the thread sat in is emptied of the parent's tasks, and the
 * thread gets a new initial team of its own, so that the child's OpenMP
 * (regions, tasks, taskwait) never sees the parent's work. A thread forked
 * from the initial team keeps its ICVs; one forked inside a region starts
 * from the initial ICVs, as a new initial thread. If the fork happened on a
 * fiber the child goes on running on that fiber's stack: the fiber stays
 * the thread's current one and is never handed back to a pool. */
void beat_team_atfork_child(void)
{
	atomic_init(&pool_lock.state, 0);
	atomic_init(&dead_lock.state, 0);
	/* the idle workers do not exist here: no master may prefer them */
	for (struct beat_thread *w = idle_head; w; w = w->next_idle)
		w->in_pool = false;
	idle_head = NULL;
	beat_fiber_atfork_child();
	beat_presence_atfork_child();
	beat_foreign_atfork_child();
	atomic_store(&beat_threads_managed, 1);
	struct beat_thread *t = beat_tls_self;
	if (!t || !t->m)
		return;
	free(t->crew); /* its workers do not exist in the child */
	t->crew = NULL;
	t->crew_len = 0;
	t->crew_docked = 0;
	t->spare_team = NULL;
	t->join_pending = false; /* the workers it waited for are gone */
	t->join_want = atomic_load(&t->joined);
	t->in_pool = false;
	t->next_idle = t->prev_idle = NULL;
	struct beat_icv icv = t->m->team->level == 0 ? t->task->icv : beat_cfg.initial;
	for (struct beat_member *m = t->m; m; m = m->team->parent_member)
		forget_team_work(m->team);
	if (t->initial_team)
		forget_team_work(t->initial_team);
	t->initial_team = initial_team_new(t, -1)->team;
	t->m->itask.icv = icv;
}

/* A program that is not OpenMP has no libgomp loaded: beat stays silent. */
static bool is_openmp_program(void)
{
	void *h = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD);
	if (h)
		dlclose(h);
	return h != NULL;
}

static void atfork_child(void)
{
	beat_team_atfork_child();
	beat_pt_after_fork();
}

__attribute__((constructor)) static void team_register_atfork(void)
{
	pthread_atfork(NULL, NULL, atfork_child);
	/* OMP_DISPLAY_ENV is printed at start, as libgomp does; otherwise the
	 * environment is parsed on first use, so non-OpenMP programs pay nothing. */
	const char *d = beat_getenv("OMP_DISPLAY_ENV");
	if (beat_getenv("BEAT_HELP_ENV") || (d && is_openmp_program()))
		beat_config_init();
}
