/* mailbox.c: a team's mailboxes, one per NUMA node its members are on.
 *
 * A mailbox holds tasks that no member's deque holds: large tasks placed
 * for a node by worker selection (select.c), tasks made by threads outside
 * the team (a dependence released elsewhere, a detached task fulfilled from
 * outside), tasks a thief took but may not start (tied-task constraint),
 * and completions to finish. Each is a locked list, newest first; a team
 * bit mask says which are non-empty, so an idle poll reads one word.
 *
 * A member takes from its own node's mailbox first. Another node's mailbox
 * is for that node's members: a member elsewhere takes from it only when
 *   - the rule for all remote work allows it (beat_far_begin, rt.h): it has
 *     found nothing for BEAT_REMOTE_WAIT polls and its whole node is idle,
 *     or for four times as many; and
 *   - the mailbox's oldest task has waited longer than twice the predicted
 *     cost of the newest: the node had the time of two whole tasks to
 *     start it (a creator placing a burst of tasks node by node does not
 *     see the first node's tasks taken by the idle members of the next);
 *   - the mailbox holds more than FAR_BACKLOG tasks per member of its
 *     node: the last few of a node's tasks are left to it (each member
 *     will start one of them as soon as it is done with its current one).
 * Both conditions fall once the taker has found nothing for four times
 * BEAT_REMOTE_WAIT polls: nobody sleeps while any mailbox holds a task
 * (team_has_work), so a task is never stranded, whether its node's members
 * are busy or blocked or only a member elsewhere may start it (tied
 * tasks). */
#include "rt.h"
#include "taskclass.h"

bool beat_far_begin(struct beat_member *m)
{
	struct beat_team *team = m->team;
	unsigned node = m->node;
	unsigned wait = (unsigned)beat_cfg.remote_wait;
	if (m->idle_polls < 4 * wait &&
	    (m->idle_polls < wait ||
	     atomic_load_explicit(&team->node_hungry[node], memory_order_relaxed) < (int)team->node_members[node]))
		return false;
	int expect = 0;
	return atomic_load_explicit(&team->node_far_thief[node], memory_order_relaxed) == 0 &&
	       atomic_compare_exchange_strong_explicit(&team->node_far_thief[node], &expect, 1,
						       memory_order_acquire, memory_order_relaxed);
}

void beat_far_end(struct beat_member *m)
{
	atomic_store_explicit(&m->team->node_far_thief[m->node], 0, memory_order_release);
}

void beat_mail_init(struct beat_team *team)
{
	for (unsigned n = 0; n < BEAT_MAX_NODES; n++) {
		atomic_init(&team->mail[n].lock.state, 0);
		team->mail[n].head = NULL;
		atomic_init(&team->mail[n].count, 0);
		atomic_init(&team->mail[n].oldest_at, 0);
		atomic_init(&team->mail[n].wait, 0);
	}
	atomic_init(&team->mail_mask, 0);
}

void beat_mail_push(struct beat_team *team, unsigned node, struct beat_task *task)
{
	struct beat_mailbox *box = &team->mail[node & (BEAT_MAX_NODES - 1)];
	beat_mutex_lock(&box->lock);
	task->next = box->head;
	__atomic_store_n(&box->head, task, __ATOMIC_RELEASE);
	atomic_fetch_add_explicit(&box->count, 1, memory_order_relaxed);
	if (atomic_load_explicit(&box->oldest_at, memory_order_relaxed) == 0)
		atomic_store_explicit(&box->oldest_at, beat_cycles() | 1, memory_order_relaxed);
	atomic_store_explicit(&box->wait, (uint64_t)task->cost_kc * 1024u, memory_order_relaxed);
	if ((atomic_load_explicit(&team->mail_mask, memory_order_relaxed) & (1u << (node & (BEAT_MAX_NODES - 1)))) == 0)
		atomic_fetch_or_explicit(&team->mail_mask, 1u << (node & (BEAT_MAX_NODES - 1)),
					 memory_order_seq_cst);
	beat_mutex_unlock(&box->lock);
}

#define FAR_BACKLOG 2

/* May members of other nodes take from box, whose node has members? */
static bool open_to_others(struct beat_mailbox *box, unsigned members)
{
	if (atomic_load_explicit(&box->count, memory_order_relaxed) <= (int)(FAR_BACKLOG * members))
		return false;
	uint64_t since = atomic_load_explicit(&box->oldest_at, memory_order_relaxed);
	return since != 0 && beat_cycles() - since > 2 * atomic_load_explicit(&box->wait, memory_order_relaxed);
}

/* The newest entry of box seat m may start (tied.c). */
static struct beat_task *take_from(struct beat_member *m, unsigned node)
{
	struct beat_team *team = m->team;
	struct beat_mailbox *box = &team->mail[node];
	if (__atomic_load_n(&box->head, __ATOMIC_RELAXED) == NULL)
		return NULL;
	beat_mutex_lock(&box->lock);
	struct beat_task **pp = &box->head;
	while (*pp && !beat_tied_may_start(m->thread, m, *pp))
		pp = &(*pp)->next;
	struct beat_task *task = *pp;
	if (task) {
		__atomic_store_n(pp, task->next, __ATOMIC_RELAXED);
		atomic_fetch_sub_explicit(&box->count, 1, memory_order_relaxed);
		if (box->head == NULL) {
			atomic_fetch_and_explicit(&team->mail_mask, ~(1u << node), memory_order_relaxed);
			atomic_store_explicit(&box->oldest_at, 0, memory_order_relaxed);
		}
	}
	beat_mutex_unlock(&box->lock);
	return task;
}

struct beat_task *beat_mail_take(struct beat_member *m)
{
	struct beat_team *team = m->team;
	unsigned mask = atomic_load_explicit(&team->mail_mask, memory_order_relaxed);
	if (mask == 0)
		return NULL;
	unsigned own = m->node;
	if (mask & (1u << own)) {
		struct beat_task *task = take_from(m, own);
		if (task || team->nnodes == 1)
			return task;
		mask &= ~(1u << own);
	}
	if (mask == 0)
		return NULL;
	const unsigned char *near = beat_numa_near((int)own);
	unsigned others = team->nnodes < BEAT_MAX_NODES ? team->nnodes : BEAT_MAX_NODES;
	/* After the long wait any mailbox is open: a task that only some member
	 * elsewhere may start (tied tasks) must not wait for a backlog. */
	bool long_idle = m->idle_polls >= 4u * (unsigned)beat_cfg.remote_wait;
	bool far = false;
	for (unsigned k = 0; k + 1 < others; k++) {
		unsigned n = near[k];
		if (!(mask & (1u << n)) || team->node_members[n] == 0 ||
		    (!long_idle && !open_to_others(&team->mail[n], team->node_members[n])))
			continue;
		if (!far && !(far = beat_far_begin(m)))
			break;
		struct beat_task *task = take_from(m, n);
		if (task) {
			beat_far_end(m);
			BEAT_STAT(m->thread, mail_remote);
			return task;
		}
	}
	if (far)
		beat_far_end(m);
	/* A node no member is on (nnodes counts up to the highest). */
	for (unsigned n = 0; n < BEAT_MAX_NODES; n++)
		if ((mask & (1u << n)) && n != own && (n >= others || team->node_members[n] == 0)) {
			struct beat_task *task = take_from(m, n);
			if (task)
				return task;
		}
	return NULL;
}

bool beat_mail_any(struct beat_team *team)
{
	return atomic_load_explicit(&team->mail_mask, memory_order_seq_cst) != 0;
}
