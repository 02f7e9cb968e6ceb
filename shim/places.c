/* places.c: the place and the place partition each member of a new team
 * gets, from the encountering seat's place and partition and the team's
 * proc_bind policy (OpenMP 5.1, 2.6.2), making libgomp's choices where the
 * specification leaves room.
 *
 * The rules, for T threads over a partition of P places that starts at
 * place `off`, the primary thread sitting on place p:
 * - a team of one keeps the encountering seat's place and partition;
 * - primary (master), and false while places exist: every thread on p,
 *   each keeping the encountering partition;
 * - close (and true): from p on, one thread per place when T <= P; when
 *   T > P the first T - T%P threads go floor(T/P) to a place, and the
 *   remaining T%P threads one per place, starting again at p. Everyone keeps
 *   the encountering partition;
 * - spread, T <= P: the partition is cut into T subpartitions, the first
 *   P%T of them one place longer; the primary thread keeps p and takes the
 *   subpartition holding p, the others take the following subpartitions in
 *   turn (wrapping) and sit on their first place;
 * - spread, T > P: places as for close, and each thread's partition is its
 *   own place.
 * The primary thread is never moved: only its partition can narrow.
 *
 * node_bind.c uses the spread rule too, over the NUMA nodes that hold a
 * CPU of the process instead of places: the same functions then fill each
 * member's node and node partition. */
#include "rt.h"

#include <stdbool.h>

/* The seat's place and partition; a seat that has none yet (the initial
 * thread before its first region) is on place 0 with the whole list. */
static void seat_places(const struct beat_member *seat, int *p, int *off, int *len)
{
	*p = 0;
	*off = 0;
	*len = beat_num_places;
	if (seat == NULL || seat->place < 0)
		return;
	if (seat->place_part_len > 0 && seat->place_part_first >= 0 &&
	    seat->place_part_first + seat->place_part_len <= beat_num_places) {
		*off = seat->place_part_first;
		*len = seat->place_part_len;
	}
	*p = seat->place;
	if (*p < *off || *p >= *off + *len)
		*p = *off;
}

/* A member's place and partition, or (nodes) its node and node partition. */
static void seat_set(struct beat_member *m, bool nodes, int place, int off, int len)
{
	if (nodes) {
		m->bind_node = place;
		m->bind_node_first = off;
		m->bind_node_len = len;
		return;
	}
	m->place = place;
	m->place_part_first = off;
	m->place_part_len = len;
}

/* close, and spread with more threads than places (unit partitions). */
static void fill_in_turn(struct beat_team *team, bool nodes, int p, int off, int len, bool unit)
{
	unsigned n = team->nthreads;
	unsigned per = n > (unsigned)len ? n / (unsigned)len : 1;
	unsigned extra_from = n > (unsigned)len ? n - n % (unsigned)len : n;
	for (unsigned i = 0; i < n; i++) {
		unsigned step = i < extra_from ? i / per : i - extra_from;
		int place = off + (int)(((unsigned)(p - off) + step) % (unsigned)len);
		if (unit)
			seat_set(&team->members[i], nodes, place, place, 1);
		else
			seat_set(&team->members[i], nodes, place, off, len);
	}
}

/* spread with no more threads than places. */
static void spread_subpartitions(struct beat_team *team, bool nodes, int p, int off, int len)
{
	int n = (int)team->nthreads;
	int s = len / n;
	int long_end = off + (s + 1) * (len % n); /* subpartitions before it have s + 1 places */
	int start = p < long_end ? p - (p - off) % (s + 1) : p - (p - long_end) % s;
	seat_set(&team->members[0], nodes, p, start, start < long_end ? s + 1 : s);
	int q = start;
	for (int i = 1; i < n; i++) {
		q += q < long_end ? s + 1 : s;
		if (q >= off + len)
			q = off;
		seat_set(&team->members[i], nodes, q, q, q < long_end ? s + 1 : s);
	}
}

void beat_places_assign(struct beat_team *team, const struct beat_member *seat,
			enum beat_bind bind)
{
	if (beat_num_places <= 0)
		return;
	int p, off, len;
	seat_places(seat, &p, &off, &len);
	unsigned n = team->nthreads;
	if (n <= 1 || bind == BEAT_BIND_PRIMARY || bind == BEAT_BIND_FALSE) {
		for (unsigned i = 0; i < n; i++)
			seat_set(&team->members[i], false, p, off, len);
		return;
	}
	if (bind == BEAT_BIND_SPREAD && n <= (unsigned)len)
		spread_subpartitions(team, false, p, off, len);
	else
		fill_in_turn(team, false, p, off, len, bind == BEAT_BIND_SPREAD);
}

void beat_places_spread_nodes(struct beat_team *team, int p, int off, int len)
{
	if (team->nthreads <= 1)
		seat_set(&team->members[0], true, p, off, len);
	else if (team->nthreads <= (unsigned)len)
		spread_subpartitions(team, true, p, off, len);
	else
		fill_in_turn(team, true, p, off, len, true);
}

int beat_place_of_seat(const struct beat_member *seat)
{
	if (beat_num_places <= 0)
		return -1;
	int p, off, len;
	seat_places(seat, &p, &off, &len);
	return p;
}

void beat_partition_of_seat(const struct beat_member *seat, int *first, int *len)
{
	int p;
	*first = 0;
	*len = 0;
	if (beat_num_places > 0)
		seat_places(seat, &p, first, len);
}
