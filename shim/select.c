/* select.c: worker selection, the stage of the integration manager
 * (submit.c) that decides where a task that is to be queued goes.
 *
 * The choices, in order:
 *   - a task with a priority goes to the team's priority heap (every member
 *     looks there first);
 *   - a task made outside its team (a dependence released by a thread of
 *     another team) goes to the mailbox of the team's primary thread's node;
 *   - with BEAT_SELECT on, a task predicted large whose data node is known
 *     (locality.c; only when the team spans several nodes) goes to the
 *     mailbox of the node that scores best (select_score.c): its data's
 *     node, its queue load, its idle members, the affinity hint. Nodes are
 *     scored from per-node aggregates, so a decision costs O(nodes) and
 *     reads no member's state; a member of the chosen node takes it;
 *   - with BEAT_SELECT on, a task predicted large goes to the creator's
 *     node's mailbox when members are idle, so that one of them starts it
 *     now instead of waiting to steal it from the top of our deque;
 *   - everything else goes to the creator's own deque.
 * Nothing here writes shared memory but the affinity hint, and that only
 * when a large task starts. */
#include "rt.h"
#include "classify.h"
#include "select_score.h"

/* The affinity hint: per fingerprint slot, the node that last started a
 * large task of that fingerprint, tagged with the key's low bits. */
static uint32_t hint_table[256];

int beat_select_hint(uint64_t fp_key)
{
	uint32_t h = __atomic_load_n(&hint_table[fp_key >> 56], __ATOMIC_RELAXED);
	if (h == 0 || (h >> 8) != ((uint32_t)fp_key & 0xffffffu))
		return -1;
	return (int)(h & 0xff) - 1;
}

void beat_select_ran(uint64_t fp_key, unsigned node)
{
	uint32_t h = ((uint32_t)fp_key & 0xffffffu) << 8 | ((node + 1) & 0xff);
	if (__atomic_load_n(&hint_table[fp_key >> 56], __ATOMIC_RELAXED) != h)
		__atomic_store_n(&hint_table[fp_key >> 56], h, __ATOMIC_RELAXED);
}

/* The node for a task of known locality: each node of the team scored
 * from its aggregates (select_score.c): its mailbox's load, its idle
 * members, whether the affinity hint is there. */
static unsigned best_node(struct beat_team *team, const struct beat_task *task, unsigned creator)
{
	struct beat_node_agg agg[BEAT_MAX_NODES];
	unsigned nn = team->nnodes < BEAT_MAX_NODES ? team->nnodes : BEAT_MAX_NODES;
	int hint = beat_select_hint(task->fp_key);
	for (unsigned n = 0; n < nn; n++) {
		unsigned members = team->node_members[n];
		unsigned queued = (unsigned)atomic_load_explicit(&team->mail[n].count, memory_order_relaxed);
		int idle = atomic_load_explicit(&team->node_hungry[n], memory_order_relaxed);
		agg[n].avail = members > 0;
		agg[n].load = (uint8_t)beat_score_load(queued, members);
		agg[n].cap = (uint8_t)beat_score_frac64(idle > 0 ? (unsigned)idle : 0, members);
		agg[n].hint = hint == (int)n;
	}
	int best = beat_select_best_node(&beat_cfg.select_weights, (int)nn, task->data_node,
					 task->locality, agg);
	if (beat_cfg.debug)
		beat_warn("debug: place: data node %d locality %u/64 hint %d -> node %d", task->data_node,
			  task->locality, hint, best);
	return best >= 0 ? (unsigned)best : creator;
}

enum beat_fate beat_select(struct beat_thread *t, struct beat_task *task, int *worker, unsigned *node)
{
	struct beat_member *m = t->m;
	struct beat_team *team = task->team;
	*worker = -1;
	if (task->priority > 0)
		return BEAT_FATE_PRIORITY;
	if (m->team != team) {
		*node = team->members[0].node;
		return BEAT_FATE_PLACED;
	}
	if (beat_cfg.select && task->locality > 0) {
		*node = best_node(team, task, m->node);
		return BEAT_FATE_PLACED;
	}
	if (beat_cfg.select && task->pclass == BEAT_CLASS_LARGE &&
	    atomic_load_explicit(&team->hungry, memory_order_relaxed) > 0)
		return BEAT_FATE_PLACED;
	*worker = (int)m->id;
	return BEAT_FATE_QUEUED;
}
