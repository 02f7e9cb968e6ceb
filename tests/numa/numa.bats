#!/usr/bin/env bats
# NUMA code paths on a real two-node kernel. Run inside numa-vm (tests/numa/run,
# from make check or make numa-check, boots it on 2 nodes x 2 CPUs:
# `scripts/numa-vm --nodes 2 --cpus 4 -- bats tests/numa/numa.bats`).
# Outside a multi-node machine every test skips, saying why.

load ../helpers

setup() {
    require_beat_lib
    nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
    [ "$nodes" -ge 2 ] || skip "needs two NUMA nodes (found $nodes): run make numa-check"
}

@test "fiber stacks prefer the node of the thread that maps them (two threads on two nodes)" {
    cpu1=$(cut -d- -f1 /sys/devices/system/node/node1/cpulist | cut -d, -f1)
    BEAT_CLASSIFY=0 OMP_PLACES="{0},{$cpu1}" OMP_PROC_BIND=true run_beat_only numa_fiber 2
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    cat "$BEAT_OUT"
    grep -q "^thread 0: cpu node 0, " "$BEAT_OUT"
    grep -q "^thread 1: cpu node 1, " "$BEAT_OUT"
    # Every task a thread ran was on a stack preferring that thread's node.
    awk '/^thread/ { n = $6; k = $8; if (n == 0 || k != n) bad = 1 } END { exit bad }' "$BEAT_OUT"
}

@test "the check can fail: under libgomp (thread stacks, default policy) no task stack prefers a node" {
    cpu1=$(cut -d- -f1 /sys/devices/system/node/node1/cpulist | cut -d, -f1)
    build_program numa_fiber
    OMP_PLACES="{0},{$cpu1}" OMP_PROC_BIND=true run_gomp "$BATS_TEST_TMPDIR/g" 2 "$BUILD_DIR/numa_fiber"
    cat "$BATS_TEST_TMPDIR/g.out"
    awk '/^thread/ { if ($8 != 0) bad = 1 } END { exit bad }' "$BATS_TEST_TMPDIR/g.out"
}

@test "BEAT_STATS counts steals by level, and the levels add up to the steals (four threads on two nodes)" {
    BEAT_STATS=1 OMP_PLACES=cores OMP_PROC_BIND=close run_beat_only task_fib 4
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    grep "steals" "$BEAT_ERR"
    line=$(grep "^beat: stats: steals by level: l3 [0-9]*, node [0-9]*, remote [0-9]*$" "$BEAT_ERR")
    total=$(sed -n 's/^beat: stats: steals \([0-9]*\);.*/\1/p' "$BEAT_ERR")
    sum=$(echo "$line" | sed 's/.*l3 \([0-9]*\), node \([0-9]*\), remote \([0-9]*\)$/\1 \2 \3/' |
        awk '{ print $1 + $2 + $3 }')
    [ "$sum" -eq "$total" ]
    [ "$total" -gt 0 ]
}

# Hierarchical victim orders plus batch remote steals (issue 10) are what
# keep steals on the thief's node; a machine whose nodes hold one CPU each
# can only steal remotely, so the check needs two CPUs per node.
@test "task_fib: remote steals are at most 10% of all steals (four threads on two nodes of two CPUs)" {
    per=$(awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { split($i, r, "-"); n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } print n }' \
        /sys/devices/system/node/node0/cpulist)
    [ "$per" -ge 2 ] || skip "node 0 has $per CPU: every steal there is remote"
    BEAT_STATS=1 OMP_PLACES=cores OMP_PROC_BIND=close run_beat_only task_fib 4
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    line=$(grep "^beat: stats: steals by level: " "$BEAT_ERR")
    echo "$line"
    echo "$line" | sed 's/.*l3 \([0-9]*\), node \([0-9]*\), remote \([0-9]*\)$/\1 \2 \3/' |
        awk '{ s = $1 + $2 + $3; printf "remote %d of %d steals (%.1f%%)\n", $3, s, s ? 100 * $3 / s : 0
               exit !(s > 0 && $3 <= 0.10 * s) }'
}
