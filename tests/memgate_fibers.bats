#!/usr/bin/env bats
# memgate_fibers.bats: fibers under memory pressure (shim/fiber.c, issue 11).
# At high and critical no new fiber is mapped (the task runs on the stack of
# the thread that takes it, as at BEAT_FIBER_MAX), released fibers beyond a
# few per thread give their stack pages back, threads about to sleep give
# back their cached fibers' pages, the pool's and their free task blocks,
# and at critical fibers beyond a few are unmapped. The level comes from a
# file (BEAT_MEMGATE_SOURCE=file:PATH) that memgate_fib_park writes itself:
# the first level at its start (so that libgomp's run, which comes first,
# does not leave beat the second) and the second between its two rounds.
# Every run's output is compared with libgomp's, and each check reads counts
# from BEAT_STATS, never timings.

load helpers

# park_run FIRST SECOND THREADS [VAR=VALUE...]: memgate_fib_park under
# libgomp and under beat with the level file at FIRST for the first round
# and SECOND for the second, threads waiting passively (so that idle threads
# sleep at once), with the settings given (for this run only); sets
# BEAT_OUT/BEAT_ERR and LINE (the fibers' memory-gate line).
park_run() {
    local first=$1 second=$2 threads=$3 v
    shift 3
    local level="$BATS_TEST_TMPDIR/level"
    for v in "$@"; do export "${v?}"; done
    BEAT_STATS=1 BEAT_MEMGATE_SOURCE="file:$level" OMP_WAIT_POLICY=passive \
        run_both memgate_fib_park "$threads" "$level" "$first" "$second"
    for v in "$@"; do unset "${v%%=*}"; done
    LINE=$(grep "^beat: stats: memory gate: fibers" "$BEAT_ERR" || true)
    echo "$LINE"
}

# count NAME: a number from LINE: not_mapped, given_back, unmapped, kib or
# blocks; high_water: the fiber pool's high-water mark.
count() {
    case "$1" in
        high_water) sed -n 's/^beat: stats: fiber pool: high-water \([0-9]*\) fibers.*/\1/p' "$BEAT_ERR" ;;
        *) echo "$LINE" | sed -n 's/.*fibers not mapped \([0-9]*\); idle fiber stacks given back \([0-9]*\), fibers unmapped \([0-9]*\), \([0-9]*\) KiB resident given back; free task blocks released \([0-9]*\)$/\1 \2 \3 \4 \5/p' |
            awk -v n="$1" '{ print n == "not_mapped" ? $1 : n == "given_back" ? $2 : n == "unmapped" ? $3 : n == "kib" ? $4 : $5 }' ;;
    esac
}

@test "fibers under pressure [quick]: at high from the start no fiber is mapped, tasks run on their takers' stacks, libgomp's output" {
    require_beat
    park_run high high 4
    [ "$(count not_mapped)" -gt 0 ]
    [ "$(count high_water)" -eq 0 ]
    [ "$(count given_back)" -eq 0 ] && [ "$(count unmapped)" -eq 0 ]
}

@test "fibers under pressure: at none nothing is refused or given back" {
    require_beat
    for steal in child continuation; do
        park_run none none 4 BEAT_STEAL=$steal
        [ "$(count high_water)" -gt 0 ]
        [ "$(count not_mapped)" -eq 0 ] && [ "$(count given_back)" -eq 0 ] && [ "$(count unmapped)" -eq 0 ]
        [ "$(count kib)" -eq 0 ] && [ "$(count blocks)" -eq 0 ]
    done
}

@test "fibers under pressure: from none to high, idle fibers give their stack pages back and stay mapped, free task blocks are released" {
    require_beat
    # Continuation stealing runs the first descent on 12 fibers at once:
    # more than the 4 a thread keeps at high.
    park_run none high 2 BEAT_STEAL=continuation
    [ "$(count high_water)" -ge 12 ]
    [ "$(count given_back)" -gt 0 ]
    [ "$(count kib)" -gt 0 ]
    [ "$(count unmapped)" -eq 0 ]
    # Both threads idle after tasks were freed: their free blocks go back.
    [ "$(count blocks)" -gt 0 ]
}

@test "fibers under pressure: from none to critical, fibers beyond a few are unmapped" {
    require_beat
    # 12 or more fibers; every thread idles in turn and keeps 2, the pool 4.
    park_run none critical 2 BEAT_STEAL=continuation
    [ "$(count high_water)" -ge 12 ]
    [ "$(count unmapped)" -gt 0 ]
    [ "$(count kib)" -gt 0 ]
}

@test "fibers under pressure: BEAT_MEMGATE=false maps fibers at high and prints no such line" {
    require_beat
    park_run high high 4 BEAT_MEMGATE=false
    [ "$(count high_water)" -gt 0 ]
    [ -z "$LINE" ]
    grep -q "^beat: stats: memory gate off (BEAT_MEMGATE=false)$" "$BEAT_ERR"
}

@test "fibers under pressure: at high, tied tasks holding locks across taskwait, untied parked tasks and C++ exceptions keep libgomp's output" {
    require_beat_lib
    echo high >"$BATS_TEST_TMPDIR/level"
    export BEAT_MEMGATE_SOURCE="file:$BATS_TEST_TMPDIR/level"
    run_both task_tied_lock 4
    run_both task_fib 4
    BEAT_STEAL=continuation run_both task_algos 4
    run_both task_parkmem 4 1
    run_both cxx_task_exceptions 4
}

@test "fibers under pressure: a task that waits on its taker's stack lets only its own descendants start on top (untied 512 KiB frames on 2 MiB stacks), at high and at BEAT_FIBER_MAX=1" {
    require_beat_lib
    # Without that, a waiting worker started untied siblings on top of the
    # waiter until its 2 MiB stack overflowed (5 runs of 6 at BEAT_FIBER_MAX=1).
    echo high >"$BATS_TEST_TMPDIR/level"
    OMP_STACKSIZE=2M BEAT_MEMGATE_SOURCE="file:$BATS_TEST_TMPDIR/level" run_both task_parkmem 4 1
    OMP_STACKSIZE=2M BEAT_FIBER_MAX=1 run_both task_parkmem 4 1
}

@test "fibers under pressure: a level that moves between none and critical while tasks park keeps libgomp's output" {
    require_beat_lib
    for second in high critical low; do
        park_run critical "$second" 4 BEAT_STEAL=continuation
        park_run high "$second" 2
    done
}
