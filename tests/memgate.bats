#!/usr/bin/env bats
# memgate.bats: the memory-pressure gate (shim/mempressure.c, issue 11's first
# part). The level is driven from a file (BEAT_MEMGATE_SOURCE=file:PATH) for
# the decision table, and by a real memory cgroup limit (v1, made and
# removed by the test, root needed) for the end-to-end check: a breadth-first
# task program that libgomp and ungated beat cannot finish under the limit.

load helpers

# gate_run LEVEL MODE [ENV...]: memgate_tasks MODE under beat at two threads
# with the level read from a file holding LEVEL; sets BEAT_OUT/BEAT_ERR.
gate_run() {
    local level=$1 mode=$2
    shift 2
    echo "$level" >"$BATS_TEST_TMPDIR/level"
    build_program memgate_tasks
    BEAT_OUT=$BATS_TEST_TMPDIR/out BEAT_ERR=$BATS_TEST_TMPDIR/err
    BEAT_RC=0
    env BEAT_STATS=1 BEAT_MEMGATE_SOURCE="file:$BATS_TEST_TMPDIR/level" OMP_NUM_THREADS=2 "$@" \
        LD_PRELOAD="$BEAT_LIB" timeout -k 5 "$RUN_TIMEOUT" "$BUILD_DIR/memgate_tasks" "$mode" \
        >"$BEAT_OUT" 2>"$BEAT_ERR" || BEAT_RC=$?
    env -u LD_PRELOAD OMP_NUM_THREADS=2 "$BUILD_DIR/memgate_tasks" "$mode" >"$BATS_TEST_TMPDIR/gomp.out"
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    cmp "$BEAT_OUT" "$BATS_TEST_TMPDIR/gomp.out" || { cat "$BEAT_OUT" "$BATS_TEST_TMPDIR/gomp.out"; false; }
    GATE=$(grep "^beat: stats: memory gate" "$BEAT_ERR" || true)
    echo "$GATE"
}

# pick TEXT REGEX WHICH NAME...: REGEX (sed, one group per NAME) matched
# against TEXT; prints the number its group for WHICH captured.
pick() {
    local text=$1 re=$2 which=$3 groups="" i=1 k
    shift 3
    for k in $(seq 1 $#); do groups="$groups \\$k"; done
    for k in "$@"; do
        if [ "$k" = "$which" ]; then
            echo "$text" | sed -n "s/$re/$groups/p" | awk -v i="$i" '{ print $i }'
            return
        fi
        i=$((i + 1))
    done
}

# seen LEVEL: decisions the gate made at LEVEL; ran LEVEL (high or
# critical): how many of them ran the task at once.
seen() {
    pick "$GATE" '.*decisions at none \([0-9]*\), low \([0-9]*\), medium \([0-9]*\), high \([0-9]*\), critical \([0-9]*\);.*' \
        "$1" none low medium high critical
}
ran() {
    pick "$GATE" '.*run at once at high \([0-9]*\), at critical \([0-9]*\)$' "$1" high critical
}

@test "memory gate [quick]: at critical every task the gate decides runs at once, with libgomp's output, and one warning says so" {
    require_beat_lib
    gate_run critical small
    [ "$(seen critical)" -gt 0 ]
    [ "$(ran critical)" -eq "$(seen critical)" ]
    [ "$(grep -c "memory pressure is critical" "$BEAT_ERR")" -eq 1 ]
}

@test "memory gate: at none and low nothing runs at once; at high only tasks of 512 KiB of arguments or more" {
    require_beat_lib
    for level in none low; do
        gate_run "$level" big
        [ "$(seen "$level")" -gt 0 ]
        [ "$(ran high)" -eq 0 ] && [ "$(ran critical)" -eq 0 ]
    done
    gate_run high small
    [ "$(seen high)" -gt 0 ]
    [ "$(ran high)" -eq 0 ]
    gate_run high big
    [ "$(seen high)" -eq 40 ]
    [ "$(ran high)" -eq 40 ]
    ! grep -q "memory pressure is critical" "$BEAT_ERR"
}

@test "memory gate: BEAT_MEMGATE=false turns it off (no decision, no warning at critical)" {
    require_beat_lib
    gate_run critical small BEAT_MEMGATE=false
    grep -q "^beat: stats: memory gate off (BEAT_MEMGATE=false)$" "$BEAT_ERR"
    ! grep -q "memory pressure is critical" "$BEAT_ERR"
}

@test "memory gate: bad BEAT_MEMGATE_SOURCE and BEAT_MEMGATE_LEVELS warn and use the defaults" {
    require_beat_lib
    gate_run none small BEAT_MEMGATE_LEVELS=90,80,70,60
    grep -q "BEAT_MEMGATE_LEVELS='90,80,70,60' is not valid" "$BEAT_ERR"
    build_program memgate_tasks
    run env BEAT_MEMGATE_SOURCE=somewhere OMP_NUM_THREADS=2 LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/memgate_tasks" small
    [ "$status" -eq 0 ]
    [[ "$output" == *"BEAT_MEMGATE_SOURCE='somewhere' is not valid"* ]]
    run env BEAT_MEMGATE_SOURCE=file:/nonexistent/level OMP_NUM_THREADS=2 LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/memgate_tasks" small
    [ "$status" -eq 0 ]
    [[ "$output" == *"cannot be opened"* ]]
}

# hold_run LEVEL MODE: memgate_hold MODE (tasks that each touch 2 MiB: a
# learnt estimate over 1 MiB) under beat at two threads at LEVEL, compared
# with libgomp; sets GATE and HELD (the held-tasks line).
hold_run() {
    local level=$1 mode=$2
    echo "$level" >"$BATS_TEST_TMPDIR/level"
    build_program memgate_hold
    BEAT_OUT=$BATS_TEST_TMPDIR/out BEAT_ERR=$BATS_TEST_TMPDIR/err
    BEAT_RC=0
    env BEAT_STATS=1 BEAT_MEMGATE_SOURCE="file:$BATS_TEST_TMPDIR/level" OMP_NUM_THREADS=2 \
        LD_PRELOAD="$BEAT_LIB" timeout -k 5 "$RUN_TIMEOUT" "$BUILD_DIR/memgate_hold" "$mode" "$BATS_TEST_TMPDIR/level" \
        >"$BEAT_OUT" 2>"$BEAT_ERR" || BEAT_RC=$?
    env -u LD_PRELOAD OMP_NUM_THREADS=2 "$BUILD_DIR/memgate_hold" "$mode" /dev/null >"$BATS_TEST_TMPDIR/gomp.out"
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    cmp "$BEAT_OUT" "$BATS_TEST_TMPDIR/gomp.out" || { cat "$BEAT_OUT" "$BATS_TEST_TMPDIR/gomp.out"; false; }
    GATE=$(grep "^beat: stats: memory gate: level" "$BEAT_ERR" || true)
    HELD=$(grep "^beat: stats: memory gate: held" "$BEAT_ERR" || true)
    echo "$GATE"
    echo "$HELD"
    grep "^beat: stats: memory estimate" "$BEAT_ERR"
}

# held WHAT: from the held line: all (held at medium), waiter, fell,
# barrier, late; threads (team threads not started).
held() {
    pick "$HELD" '.*held at medium \([0-9]*\); started by their waiter \([0-9]*\), after the level fell \([0-9]*\), in a full barrier \([0-9]*\), after [0-9]* ms held \([0-9]*\); team threads not started \([0-9]*\)$' \
        "$1" all waiter fell barrier late threads
}

@test "memory gate: the estimate is learnt (2 MiB tasks measured at 2 MiB); a task of 1 MiB or more is held at medium only, run at once at high and critical" {
    require_beat_lib
    hold_run none wait
    grep -q "largest 20[0-9][0-9] KiB" "$BEAT_ERR"
    [ "$(held all)" -eq 0 ] && [ "$(ran high)" -eq 0 ] && [ "$(ran critical)" -eq 0 ]
    hold_run low wait
    [ "$(held all)" -eq 0 ] && [ "$(ran high)" -eq 0 ] && [ "$(ran critical)" -eq 0 ]
    # 36 tasks: the first ones go (nothing is known of them yet), the rest are held
    hold_run medium wait
    [ "$(held all)" -ge 24 ] && [ "$(ran high)" -eq 0 ] && [ "$(ran critical)" -eq 0 ]
    hold_run high wait
    [ "$(held all)" -eq 0 ] && [ "$(ran high)" -ge 24 ]
    hold_run critical wait
    [ "$(held all)" -eq 0 ] && [ "$(ran critical)" -eq 36 ]
    # 600 KiB (of arguments): under 1 MiB, so it goes at medium
    gate_run medium big
    [ "$(seen medium)" -eq 40 ]
    [ "$(ran high)" -eq 0 ]
    grep -q "held at medium 0;" "$BEAT_ERR"
}

@test "memory gate: a held task starts when its creator waits for it (taskwait), with libgomp's output" {
    require_beat_lib
    hold_run medium wait
    [ "$(held all)" -ge 24 ]
    # (a creator descheduled for 20 ms may see a few go to the other thread)
    [ "$(held waiter)" -ge 1 ]
    [ $(($(held waiter) + $(held late))) -eq "$(held all)" ]
}

@test "memory gate: held tasks nobody waits for start once the whole team is in the barrier" {
    require_beat_lib
    hold_run medium barrier
    [ "$(held all)" -ge 12 ]
    [ "$(held barrier)" -ge 1 ]
    # (the creator's own, taken by it in the barrier before the other
    # member is counted in, are its waiter's)
    [ $(($(held barrier) + $(held waiter) + $(held late))) -eq "$(held all)" ]
}

@test "memory gate: held tasks start when the level falls below medium" {
    require_beat_lib
    hold_run medium fall
    [ "$(held all)" -ge 12 ]
    # the producer writes "none" and works on for 300 ms without waiting
    [ "$(held fell)" -ge 1 ]
    [ $(($(held fell) + $(held waiter))) -eq "$(held all)" ]
}

@test "memory gate: a held task nobody waits for starts after at most 20 ms (the gate's bound), while its creator works on" {
    require_beat_lib
    hold_run medium busy
    [ "$(held all)" -ge 12 ]
    [ "$(held late)" -ge 1 ]
    [ $(($(held late) + $(held waiter))) -eq "$(held all)" ]
}

@test "memory gate: at high with OMP_DYNAMIC=true a parallel region gets only the threads that exist; without OMP_DYNAMIC, or at none, all it asks for" {
    require_beat_lib
    build_program memgate_team
    local lvl=$BATS_TEST_TMPDIR/level
    # the first region starts at high, before any worker exists
    echo high >"$lvl"
    run env BEAT_STATS=1 BEAT_MEMGATE_SOURCE="file:$lvl" OMP_DYNAMIC=true OMP_NUM_THREADS=2 LD_PRELOAD="$BEAT_LIB" \
        timeout -k 5 "$RUN_TIMEOUT" "$BUILD_DIR/memgate_team" "$lvl"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"region 1: 1 threads"* ]]
    [[ "$output" == *"region 2: 2 threads"* ]]
    HELD=$(echo "$output" | grep "^beat: stats: memory gate: held")
    [ "$(held threads)" -eq 1 ]
    for env in "OMP_DYNAMIC=false BEAT_MEMGATE=true" "OMP_DYNAMIC=true BEAT_MEMGATE=false"; do
        echo high >"$lvl"
        run env $env BEAT_MEMGATE_SOURCE="file:$lvl" OMP_NUM_THREADS=2 LD_PRELOAD="$BEAT_LIB" \
            timeout -k 5 "$RUN_TIMEOUT" "$BUILD_DIR/memgate_team" "$lvl"
        [ "$status" -eq 0 ]
        [[ "$output" == *"region 1: 2 threads"* ]]
    done
    echo none >"$lvl"
    run env BEAT_MEMGATE_SOURCE="file:$lvl" OMP_DYNAMIC=true OMP_NUM_THREADS=2 LD_PRELOAD="$BEAT_LIB" \
        timeout -k 5 "$RUN_TIMEOUT" "$BUILD_DIR/memgate_team" "$lvl"
    [[ "$output" == *"region 1: 2 threads"* ]]
}

MEM_CG=/sys/fs/cgroup/memory

# limited LIMIT_MIB NAME CMD...: CMD in a new v1 memory cgroup with that
# limit; leaves the status in LIM_RC, stdout in $BATS_TEST_TMPDIR/NAME.out
# and the peak in LIM_PEAK (MiB); removes the cgroup.
limited() {
    local mib=$1 name=$2
    shift 2
    local cg="$MEM_CG/beat-test-$$-$name"
    mkdir "$cg"
    echo $((mib * 1048576)) >"$cg/memory.limit_in_bytes"
    LIM_RC=0
    timeout -k 5 "$RUN_TIMEOUT" sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@" \
        >"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" || LIM_RC=$?
    LIM_PEAK=$(( $(cat "$cg/memory.max_usage_in_bytes") / 1048576 ))
    rmdir "$cg"
    echo "$name: status $LIM_RC, peak $LIM_PEAK MiB: $(cat "$BATS_TEST_TMPDIR/$name.out")"
}

@test "memory gate: under a real 256 MiB cgroup limit a breadth-first producer is killed under libgomp and ungated beat, and completes gated" {
    require_beat_lib
    [ -w "$MEM_CG" ] || skip "no writable cgroup v1 memory controller at $MEM_CG"
    build_program mem_breadth
    # 300 tasks of 4 MiB each: queued at 64 per thread, they need about
    # 525 MiB unlimited; one at a time they need 4. 48 reads of each buffer
    # keep the consumers behind the producer: with the default 24, a machine
    # whose reads were fast enough peaked at 196-257 MiB under libgomp,
    # which then completed in 3 of 4 runs.
    local args=(300 4 48)
    run env -u LD_PRELOAD OMP_NUM_THREADS=2 "$BUILD_DIR/mem_breadth" "${args[@]}"
    [ "$status" -eq 0 ]
    want=$output
    limited 256 gomp env -u LD_PRELOAD OMP_NUM_THREADS=2 "$BUILD_DIR/mem_breadth" "${args[@]}"
    [ "$LIM_RC" -ne 0 ]
    limited 256 ungated env BEAT_MEMGATE=false OMP_NUM_THREADS=2 LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/mem_breadth" "${args[@]}"
    [ "$LIM_RC" -ne 0 ]
    limited 256 gated env BEAT_STATS=1 OMP_NUM_THREADS=2 LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/mem_breadth" "${args[@]}"
    grep "memory" "$BATS_TEST_TMPDIR/gated.err" || true
    [ "$LIM_RC" -eq 0 ]
    [ "$(cat "$BATS_TEST_TMPDIR/gated.out")" = "$want" ]
    [ "$LIM_PEAK" -lt 256 ]
}
