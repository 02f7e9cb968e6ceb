/* teams.c: the context of the teams constructs running on the host (how
 * many teams, which one runs now), which omp_get_team_num and the affinity
 * format's team fields read.
 *
 * On the host every team's initial thread is the encountering thread, so
 * the teams run one after another. The context of a running teams
 * construct is a record whose root is the seat of the thread that
 * encountered it. Threads of parallel regions nested in a team find it by
 * walking their chain of enclosing seats (team->parent_member) up to that
 * root, so omp_get_team_num() answers right inside nested parallel regions
 * too. Active records sit in a small global list (at most one per running
 * teams construct); a thread that owns the innermost record answers from a
 * thread-local cache, and when no teams construct runs at all a query costs
 * one atomic load. */
#include "rt.h"

#include <stdlib.h>

struct teams_ctx {
	struct beat_member *root; /* seat that encountered the construct */
	int num_teams;
	int team_num;             /* written under registry_lock */
	struct teams_ctx *next;   /* registry link */
	struct teams_ctx *outer;  /* previous cache entry of the owner thread */
};

static beat_mutex_t registry_lock;
static struct teams_ctx *registry;
static atomic_int registry_len;
static BEAT_TLS struct teams_ctx *owned; /* innermost record this thread owns */

/* ------------------------------------------------------------ registry */

static void ctx_register(struct teams_ctx *c)
{
	c->outer = owned;
	owned = c;
	beat_mutex_lock(&registry_lock);
	c->next = registry;
	registry = c;
	atomic_fetch_add_explicit(&registry_len, 1, memory_order_release);
	beat_mutex_unlock(&registry_lock);
}

static void ctx_unregister(struct teams_ctx *c)
{
	beat_mutex_lock(&registry_lock);
	struct teams_ctx **link = &registry;
	while (*link != NULL && *link != c)
		link = &(*link)->next;
	if (*link == c)
		*link = c->next;
	atomic_fetch_sub_explicit(&registry_len, 1, memory_order_relaxed);
	beat_mutex_unlock(&registry_lock);
	if (owned == c)
		owned = c->outer;
}

static void ctx_set_team(struct teams_ctx *c, int team)
{
	beat_mutex_lock(&registry_lock);
	c->team_num = team;
	beat_mutex_unlock(&registry_lock);
}

/* Called with registry_lock held. */
static struct teams_ctx *ctx_rooted_at(struct beat_member *m)
{
	for (struct teams_ctx *c = registry; c != NULL; c = c->next)
		if (c->root == m)
			return c;
	return NULL;
}

/* ---------------------------------------------------------- public API */

void beat_teams_begin(int num_teams)
{
	struct teams_ctx *c = calloc(1, sizeof *c);
	if (c == NULL)
		beat_fatal("out of memory starting a teams construct");
	c->root = beat_self()->m;
	c->num_teams = num_teams;
	ctx_register(c);
}

bool beat_teams_next(void)
{
	struct teams_ctx *c = owned;
	if (c == NULL || c->root != beat_self()->m)
		return false;
	if (c->team_num + 1 >= c->num_teams) {
		ctx_unregister(c);
		free(c);
		return false;
	}
	ctx_set_team(c, c->team_num + 1);
	return true;
}

void beat_teams_query(int *num_teams, int *team_num)
{
	*num_teams = 1;
	*team_num = 0;
	if (atomic_load_explicit(&registry_len, memory_order_acquire) == 0)
		return;
	struct beat_member *m = beat_self()->m;
	struct teams_ctx *mine = owned;
	if (mine != NULL && mine->root == m) {
		*num_teams = mine->num_teams;
		*team_num = mine->team_num;
		return;
	}
	beat_mutex_lock(&registry_lock);
	for (; m != NULL; m = m->team->parent_member) {
		struct teams_ctx *c = ctx_rooted_at(m);
		if (c != NULL) {
			*num_teams = c->num_teams;
			*team_num = c->team_num;
			break;
		}
	}
	beat_mutex_unlock(&registry_lock);
}
