/* teams.c: the host teams construct (GOMP_teams_reg, and GOMP_teams /
 * GOMP_teams4 inside a target region).
 *
 * On the host every team's initial thread is the encountering thread, so
 * the teams run one after another; shim/teams.c keeps which team runs now
 * (for omp_get_team_num and omp_get_num_teams). */
#include "abi.h"
#include "hostapi.h"

#include <limits.h>

/* ------------------------------------------------------------ helpers */

static int clamp_limit(unsigned limit)
{
	return limit > INT_MAX ? INT_MAX : (int)limit;
}

/* ---------------------------------------------------------------- ABI */

/* A teams construct outside target: fn runs once per team, in order. */
BEAT_EXPORT void GOMP_teams_reg(void (*fn)(void *), void *data, unsigned num_teams,
				unsigned thread_limit, unsigned flags)
{
	beat_config_init();
	int limit = beat_setting(BEAT_SETTING_TEAMS_THREAD_LIMIT);
	if (thread_limit == 0 && limit > 0)
		thread_limit = (unsigned)limit;
	struct beat_icv *icv = beat_icv_self();
	int saved_limit = icv->thread_limit;
	if (thread_limit != 0)
		icv->thread_limit = clamp_limit(thread_limit);
	if (num_teams == 0)
		num_teams = beat_setting(BEAT_SETTING_MAX_TEAMS) > 0 ? (unsigned)beat_setting(BEAT_SETTING_MAX_TEAMS) : 3;

	beat_teams_begin(clamp_limit(num_teams));
	do
		fn(data);
	while (beat_teams_next());
	beat_icv_self()->thread_limit = saved_limit;
}

/* Old form, called inside a target region's body: the body is the single
 * team, so only the thread limit matters. */
BEAT_EXPORT void GOMP_teams(unsigned num_teams, unsigned thread_limit)
{
	if (thread_limit != 0)
		beat_icv_self()->thread_limit = clamp_limit(thread_limit);
}

/* In-target form: the caller loops `for (first = true; GOMP_teams4(...,
 * first); first = false) body;`, so each call moves to the next team. */
BEAT_EXPORT bool GOMP_teams4(unsigned num_teams_low, unsigned num_teams_high,
			     unsigned thread_limit, bool first)
{
	if (!first)
		return beat_teams_next();
	if (thread_limit != 0)
		beat_icv_self()->thread_limit = clamp_limit(thread_limit);
	beat_teams_begin(num_teams_low > 0 ? clamp_limit(num_teams_low) : 1);
	return true;
}
