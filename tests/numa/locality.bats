#!/usr/bin/env bats
# Task locality on real multi-node kernels (tests/numa/run boots it on
# 2 nodes x 2 CPUs and on 4 nodes x 1 CPU): tests/programs/numa_locality
# first-touches its blocks from their owner threads, then one thread makes a
# task per block, ten sweeps; each task reports its CPU's node and its data's
# node.  The program runs once under beat and once under libgomp (one thread
# per CPU, bound to cores); the tests read those two runs.
# Outside a multi-node machine every test skips, saying why.

load ../helpers

setup_file() {
    local nodes
    nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
    [ "$nodes" -ge 2 ] || return 0
    require_beat_lib
    build_program numa_locality
    local cpus d=$BATS_FILE_TMPDIR
    cpus=$(getconf _NPROCESSORS_ONLN)
    export RUN_TIMEOUT=120 OMP_PLACES=cores OMP_PROC_BIND=close
    run_gomp "$d/gomp" "$cpus" "$BUILD_DIR/numa_locality" && echo 0 >"$d/gomp.rc" || echo $? >"$d/gomp.rc"
    BEAT_STATS=1 run_beat "$d/beat" "$cpus" "$BUILD_DIR/numa_locality" && echo 0 >"$d/beat.rc" || echo $? >"$d/beat.rc"
}

setup() {
    require_numa_nodes
    G=$BATS_FILE_TMPDIR/gomp B=$BATS_FILE_TMPDIR/beat
}

# value KEY FILE: the rest of the program's "KEY ..." line.
value() { sed -n "s/^$1 //p" "$2"; }

# show: both runs, for the log of a failing test.
show() {
    local r
    for r in gomp beat; do
        echo "--- $r (exit $(cat "$BATS_FILE_TMPDIR/$r.rc"))"
        cat "$BATS_FILE_TMPDIR/$r.out"
        grep -h "steals\|FAIL\|error\|warning" "$BATS_FILE_TMPDIR/$r.err" || true
    done
}

@test "numa_locality runs under beat and libgomp, first touch spreads the blocks over every node, the checksums agree" {
    show
    [ "$(cat "$G.rc")" -eq 0 ]
    [ "$(cat "$B.rc")" -eq 0 ]
    # Each node holds some blocks (threads bound to cores on every node).
    value blocks_per_node "$G.out" | awk -v n="$nodes" 'NF != n { exit 1 } { for (i = 1; i <= NF; i++) if ($i == 0) exit 1 }'
    [ "$(value unknown_data_node "$B.out")" -eq 0 ]
    [ -n "$(value checksum "$G.out")" ]
    [ "$(value checksum "$B.out")" = "$(value checksum "$G.out")" ]
    [ "$(value tasks "$B.out")" -eq "$(value tasks "$G.out")" ]
}

# Issue 10's placement (a task's home node from the pointers in its
# argument block, per-node mailboxes, locality-scored selection) is what
# makes these two pass; without it beat places tasks no better than libgomp.
@test "beat runs >= 90% of the tasks after the first sweep on their data's node" {
    show
    [ "$(cat "$B.rc")" -eq 0 ]
    b=$(value on_data_node_after_first "$B.out")
    echo "beat: $b of the tasks after the first sweep ran on their data's node"
    awk -v b="$b" 'BEGIN { exit !(b >= 0.90) }'
}

# A placement that ignores data runs a task on its data's node with the
# chance 1/nodes on average, but libgomp's share in one run is not at chance
# level: on 2 nodes x 2 CPUs it is about 0.33 in some runs and 0.67 in
# others (its team queue and the threads' timing line up), and 1.5 x 0.67
# is above 1. So a run checks beat against 1.5 times the chance level and
# against libgomp's share in the same run (the 1.5x-the-better-peer goal is
# judged on medians, in the issue note).
@test "beat's share of tasks on their data's node after the first sweep is >= 1.5x chance and >= libgomp's" {
    show
    [ "$(cat "$G.rc")" -eq 0 ] && [ "$(cat "$B.rc")" -eq 0 ]
    g=$(value on_data_node_after_first "$G.out")
    b=$(value on_data_node_after_first "$B.out")
    echo "on the data's node after the first sweep: beat $b, libgomp $g, chance $(awk -v n="$nodes" 'BEGIN { print 1 / n }')"
    awk -v b="$b" -v g="$g" -v n="$nodes" 'BEGIN { exit !(b >= 1.5 / n && b >= g) }'
}
