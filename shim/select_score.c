/* select_score.c: the node a task placed away from its creator should go
 * to, from per-node aggregates (select_score.h gives the score).
 *
 * Design. Each node gets one 64-bit key that orders nodes exactly as the
 * selection rule does, so the argmax is a single pass of unsigned maxima
 * with no tie logic in the loop:
 *   bits 32..63  the score (at most 4 * 255 * 64, whatever the weights)
 *   bit  31      1 for the data node
 *   bits  8..14  64 - load (lower load wins a tie)
 *   bits  0..7   255 - index (lower index wins a tie)
 * A node without members (avail 0) gets key 0; every available node's key
 * is at least 255 - 15, so a best key of 0 means no node. At most
 * BEAT_SCORE_MAX_NODES nodes are looked at, so the index fits its byte. */
#include "select_score.h"

static uint64_t node_key(const struct beat_weights *w, int i, int data_node, unsigned locality,
			 const struct beat_node_agg *a)
{
	unsigned same = i == data_node;
	uint64_t score = beat_score_node(w, same, locality, a->load, a->cap, a->hint);
	uint64_t key = score << 32 | (uint64_t)same << 31 |
		       (uint64_t)(BEAT_SCORE_ONE - beat_score_min64(a->load)) << 8 | (uint64_t)(255 - i);
	return key & -(uint64_t)(a->avail != 0); /* 0 without members, no branch */
}

int beat_select_best_node(const struct beat_weights *w, int nnodes, int data_node, unsigned locality,
			  const struct beat_node_agg *agg)
{
	int n = nnodes < BEAT_SCORE_MAX_NODES ? nnodes : BEAT_SCORE_MAX_NODES;
	uint64_t best = 0;
	for (int i = 0; i < n; i++) {
		uint64_t key = node_key(w, i, data_node, locality, &agg[i]);
		best = key > best ? key : best;
	}
	return best ? 255 - (int)(best & 255) : -1;
}
