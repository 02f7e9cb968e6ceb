/* select_score.h: the score of worker selection, in integers only: how well
 * a NUMA node suits a task that is being placed away from its creator, and
 * the node that suits it best.
 *
 * The design's score of a worker for a continuation is
 *   0.4 [node == data node] locality + 0.3 (1 - load) + 0.2 capability
 *     + 0.1 [hint on that node]
 * with each term a fraction of 1 and the weights from BEAT_SELECT_WEIGHTS
 * (percent: 40,30,20,10). Here every fraction is quantised to 64ths (0..64)
 * and the weights stay integers, so the score is the exact integer
 *   w.locality * same * locality + w.load * (64 - load)
 *     + w.capability * cap + w.hint * 64 * hint
 * that is 6400 times the design's score (BEAT_SCORE_SCALE: 6400 is a score
 * of 1.0 when the weights sum to 100); nothing is rounded after the inputs.
 * With weights of at most 100 a score is at most 4 * 100 * 64 = 25600. Only
 * the weights' ratios matter to the ranking.
 *
 * Selection is O(nodes), not O(workers): the caller keeps one aggregate per
 * node (struct beat_node_agg), beat_select_best_node scores the nodes and
 * the caller then picks a worker within the chosen node. Self-contained (no
 * runtime types), so rt.h can hold the weights in beat_cfg. */
#ifndef BEAT_SELECT_SCORE_H
#define BEAT_SELECT_SCORE_H

#include <stdint.h>

/* A fraction of 1 in the score's inputs: they are in 64ths. */
#define BEAT_SCORE_ONE 64
/* A score of 1.0 with weights that sum to 100 (100 * 64). */
#define BEAT_SCORE_SCALE 6400
/* K: queued tasks per member of the node at which its load is full (64):
 * the bound the throttle puts on a creator's own deque (submit.c). A
 * smaller K lets a creator's burst of tasks for one node (a loop over
 * blocks, node by node) spill onto idle nodes after a few tasks, and the
 * locality term (at most 40 of 100) then loses to load and idleness (up to
 * 60): measured in the 2-node VM, K = 4 sent every third block's task to
 * the wrong node. */
#define BEAT_SCORE_LOAD_FULL 64
/* The nodes beat_select_best_node considers; with more, nodes 16 and up are
 * never chosen (their workers still steal) and a data node among them
 * counts as unknown. 16 aggregates fill one cache line. */
#define BEAT_SCORE_MAX_NODES 16

/* BEAT_SELECT_WEIGHTS, in its order: 0..100 each (beat_cfg: not all 0). */
struct beat_weights {
	uint8_t locality;   /* same node times the task's locality */
	uint8_t load;       /* 1 - queue load */
	uint8_t capability; /* members able to start it now */
	uint8_t hint;       /* the fingerprint's last worker is there */
};

/* What the caller knows of one node, in the score's units. */
struct beat_node_agg {
	uint8_t load;  /* 0..64: beat_score_load(tasks queued there, its members) */
	uint8_t cap;   /* 0..64: e.g. beat_score_frac64(members awake, members) */
	uint8_t hint;  /* 1: the worker that last ran the task's fingerprint is there */
	uint8_t avail; /* 1: the team has a member there; 0: never chosen */
};

/* round(64 * num / den), halves up, at most 64; 0 when den is 0. */
static inline unsigned beat_score_frac64(uint32_t num, uint32_t den)
{
	if (den == 0)
		return 0;
	if (num >= den)
		return BEAT_SCORE_ONE;
	return (unsigned)((2 * BEAT_SCORE_ONE * (uint64_t)num + den) / (2 * (uint64_t)den));
}

/* A node's queue load: min(64, round(64 * queued / (members * K))), K =
 * BEAT_SCORE_LOAD_FULL; a node without members is full. */
static inline unsigned beat_score_load(uint32_t queued, uint32_t members)
{
	if (members == 0)
		return BEAT_SCORE_ONE;
	uint64_t full = (uint64_t)members * BEAT_SCORE_LOAD_FULL;
	if (queued >= full)
		return BEAT_SCORE_ONE;
	return (unsigned)((2 * BEAT_SCORE_ONE * (uint64_t)queued + full) / (2 * full));
}

static inline unsigned beat_score_min64(unsigned x)
{
	return x < BEAT_SCORE_ONE ? x : BEAT_SCORE_ONE;
}

/* One node's score (scale above). same, hint: 0 or not; locality, load,
 * cap: 64ths (above 64 counts as 64). No branch: the clamps are selects. */
static inline unsigned beat_score_node(const struct beat_weights *w, unsigned same, unsigned locality,
				       unsigned load, unsigned cap, unsigned hint)
{
	unsigned loc = (same != 0) * beat_score_min64(locality);
	unsigned free_q = BEAT_SCORE_ONE - beat_score_min64(load);
	return w->locality * loc + w->load * free_q + w->capability * beat_score_min64(cap) +
	       w->hint * BEAT_SCORE_ONE * (hint != 0);
}

/* The best of agg[0..nnodes-1] (the first BEAT_SCORE_MAX_NODES) for a task
 * whose data is on data_node (-1 or out of range: unknown) with locality
 * (64ths of its pages there): the highest score among nodes with avail;
 * ties go to the data node, then the lowest load, then the lowest index.
 * -1 when no node is available. */
int beat_select_best_node(const struct beat_weights *w, int nnodes, int data_node, unsigned locality,
			  const struct beat_node_agg *agg);

#endif
