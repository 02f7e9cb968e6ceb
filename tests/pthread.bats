#!/usr/bin/env bats
# pthread.bats: beat's pthread interposition (issue 12), BEAT_PTHREAD=off,
# observe, place and task. Each pt_* program (tests/programs) checks itself
# and must print the same and exit the same in every mode as without beat;
# the programs make hundreds of threads from one place so that task mode
# learns them. The tests named "stats: ..." read BEAT_STATS's pthreads lines
# (their format is known only to tests/pthread_modes.bash, STATS FORMAT).
# The stress test ("[stress]", PT_STRESS_RUNS runs of each of two programs)
# can be run alone: bats -f '\[stress\]' tests/pthread.bats.

load helpers
load pthread_modes

setup() {
    require_beat_lib
}

@test "pt_jobs [quick]: thread per job, join results, tryjoin and timedjoin, the same in every mode" {
    compare_program pt_jobs
}

@test "pt_detached: detached threads report through a condvar, the same in every mode" {
    compare_program pt_detached
}

@test "pt_blocking: threads waiting for threads created after them finish, the same in every mode" {
    compare_program pt_blocking
}

@test "pt_exit: pthread_exit from depth 3, cleanup handlers, main's pthread_exit, the same in every mode" {
    compare_program pt_exit
}

@test "pt_keys: keys start NULL, destructors run once per value, the same in every mode" {
    compare_program pt_keys
}

@test "pt_tls: C++ thread_local objects are fresh in every thread and destroyed once at its end, the same in every mode" {
    compare_program pt_tls
}

@test "pt_nested: threads making threads, the same in every mode" {
    compare_program pt_nested
}

@test "pt_fork: fork from a thread, threads in the child and after, the same in every mode" {
    compare_program pt_fork
}

@test "pt_mixed: OpenMP regions and tasks inside pthreads, the same in every mode" {
    compare_program pt_mixed
}

@test "pt_self: pthread_self in the thread equals its creator's handle in every mode" {
    compare_program pt_self
    grep -q "^short threads: 256 of 256 match their handle$" "$BATS_TEST_TMPDIR/pt_self.plain.out"
}

@test "pt_name: names, pthread_getattr_np and pthread_kill on handles, the same in every mode" {
    compare_program pt_name
}

@test "a program that makes no thread gets none from beat in any mode" {
    local mode
    build_program nonomp_threads
    for mode in $PT_MODES; do
        pt_beat "$BATS_TEST_TMPDIR/none.$mode" "$mode" "$BUILD_DIR/nonomp_threads"
        grep -qx "threads 1" "$BATS_TEST_TMPDIR/none.$mode.out" || {
            echo "BEAT_PTHREAD=$mode: $(cat "$BATS_TEST_TMPDIR/none.$mode.out")"
            false
        }
    done
}

@test "BEAT_PTHREAD=off: no pthreads statistics at all, output unchanged" {
    require_beat
    PT_MODES=off compare_program pt_jobs 3 16
    if grep '^beat: stats: pthreads' "$BATS_TEST_TMPDIR/pt_jobs.off.err"; then
        echo "BEAT_PTHREAD=off printed pthreads statistics"
        false
    fi
}

# A deferred start must not show: the handle works at once (pt_name, pt_self),
# joins and tryjoins wait (pt_jobs), detached threads still run (pt_detached).
@test "memory pressure (level high, critical) in place and task mode: deferred starts still finish, the same output" {
    local level run
    for level in high critical; do
        echo "$level" >"$BATS_TEST_TMPDIR/level"
        for run in "pt_jobs 4 16" "pt_detached 2 8" "pt_name 2 8" "pt_self 2 8"; do
            # shellcheck disable=SC2086  # run is a program and its arguments
            BEAT_MEMGATE_SOURCE="file:$BATS_TEST_TMPDIR/level" PT_MODES="place task" compare_program $run
        done
    done
}

# --- stats: each assert below reads BEAT_STATS; they fail until beat prints
# --- the pthreads lines (STATS FORMAT in pthread_modes.bash).

# made_by NAME: the "created N threads" a program printed without beat.
made_by() {
    sed -n 's/^created \([0-9]*\) threads$/\1/p' "$BATS_TEST_TMPDIR/$1.plain.out"
}

# counted NAME: after compare_program NAME, every mode of PT_MODES counted
# the threads NAME made: off prints no pthreads line; the others name their
# mode and count every thread created; only task mode has any as tasks, and
# its threads and tasks add up to the threads created.
counted() {
    local name=$1 made mode err bad=0 as_threads as_tasks
    made=$(made_by "$name")
    for mode in $PT_MODES; do
        err="$BATS_TEST_TMPDIR/$name.$mode.err"
        if [ "$mode" = off ]; then
            ! grep -q '^beat: stats: pthreads' "$err" || { echo "$name: off printed pthreads statistics"; bad=1; }
            continue
        fi
        [ "$(pthread_mode "$err")" = "$mode" ] || { echo "$name: stats name mode '$(pthread_mode "$err")', not $mode"; bad=1; }
        stat_equals "$err" created "$made" || bad=1
        if [ "$mode" = task ]; then
            as_threads=$(pthread_stat "$err" "as threads")
            as_tasks=$(pthread_stat "$err" "as tasks")
            [ "$((${as_threads:-0} + ${as_tasks:-0}))" -eq "$made" ] || {
                echo "$name: as threads $as_threads + as tasks $as_tasks is not $made"
                bad=1
            }
        else
            stat_equals "$err" "as tasks" 0 || bad=1
        fi
    done
    return "$bad"
}

@test "stats: every mode counts exactly the threads each program made (pt_fork aside: its children print their own)" {
    require_beat
    local name bad=0
    for name in pt_jobs pt_detached pt_blocking pt_exit pt_keys pt_nested pt_mixed pt_self pt_name; do
        compare_program "$name" || bad=1
        counted "$name" || bad=1
    done
    [ "$bad" -eq 0 ]
}

@test "stats: task mode runs warm short threads as tasks (pt_jobs, pt_detached, pt_keys)" {
    require_beat
    local name
    for name in pt_jobs pt_detached pt_keys; do
        PT_MODES=task compare_program "$name"
        # STATS: the feature engaged
        stat_at_least "$BATS_TEST_TMPDIR/$name.task.err" "as tasks" 1
    done
}

@test "stats: joins and detaches are counted (pt_jobs joins all, pt_detached detaches all)" {
    require_beat
    local mode
    PT_MODES="observe task" compare_program pt_jobs
    PT_MODES="observe task" compare_program pt_detached
    for mode in observe task; do
        # STATS: joined and detached
        stat_equals "$BATS_TEST_TMPDIR/pt_jobs.$mode.err" joined "$(made_by pt_jobs)"
        stat_equals "$BATS_TEST_TMPDIR/pt_detached.$mode.err" detached "$(made_by pt_detached)"
    done
}

@test "stats: observe mode learns pt_blocking's threads as blocking, pt_jobs's as short" {
    require_beat
    PT_MODES=observe compare_program pt_blocking
    PT_MODES=observe compare_program pt_jobs
    # STATS: fingerprint classes
    stat_at_least "$BATS_TEST_TMPDIR/pt_blocking.observe.err" blocking 1
    stat_at_least "$BATS_TEST_TMPDIR/pt_jobs.observe.err" short 1
}

@test "stats: without BEAT_PTHREAD the mode is observe; a bad value warns naming BEAT_PTHREAD and means observe" {
    require_beat
    build_program pt_jobs
    local d=$BATS_TEST_TMPDIR rc=0
    pt_plain "$d/plain" "$BUILD_DIR/pt_jobs" 3 16
    pt_beat "$d/unset" - "$BUILD_DIR/pt_jobs" 3 16 || rc=$?
    same_as_plain "BEAT_PTHREAD unset" "$d/plain" 0 "$d/unset" "$rc"
    # STATS: the default mode
    [ "$(pthread_mode "$d/unset.err")" = observe ]
    rc=0
    pt_beat "$d/bogus" bogus "$BUILD_DIR/pt_jobs" 3 16 || rc=$?
    [ "$rc" -eq 0 ] || { explain_failure "BEAT_PTHREAD=bogus" "$rc" "$d/bogus"; false; }
    cmp "$d/plain.out" "$d/bogus.out"
    grep -q "BEAT_PTHREAD" "$d/bogus.err" || { echo "no warning naming BEAT_PTHREAD:"; cat "$d/bogus.err"; false; }
    [ "$(grep -v '^beat: stats: ' "$d/bogus.err" | grep -c .)" -eq 1 ] || { echo "not one warning line:"; cat "$d/bogus.err"; false; }
    # STATS: a bad value means the default
    [ "$(pthread_mode "$d/bogus.err")" = observe ]
}

@test "stats: place mode under memory pressure (level high) defers thread starts" {
    require_beat
    echo high >"$BATS_TEST_TMPDIR/level"
    BEAT_MEMGATE_SOURCE="file:$BATS_TEST_TMPDIR/level" PT_MODES=place compare_program pt_jobs 4 16
    # STATS: starts deferred
    stat_at_least "$BATS_TEST_TMPDIR/pt_jobs.place.err" "starts deferred" 1
}

# stress_run NAME ARGS...: one stress run in task mode; on failure appends
# the command and how it ended to $STRESS_FAILED.
stress_run() {
    local name=$1 rc=0
    shift
    timeout -k 2 "$PT_STRESS_TIMEOUT" env BEAT_PTHREAD=task LD_PRELOAD="$BEAT_LIB" \
        "$BUILD_DIR/$name" "$@" >"$BATS_TEST_TMPDIR/stress.out" 2>"$BATS_TEST_TMPDIR/stress.err" </dev/null || rc=$?
    if [ "$rc" -ne 0 ] || ! grep -qx "RESULT: OK" "$BATS_TEST_TMPDIR/stress.out"; then
        local how="exit $rc"
        { [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; } && how="HANG (killed after ${PT_STRESS_TIMEOUT}s)"
        echo "$name $*: $how; $(tail -n 1 "$BATS_TEST_TMPDIR/stress.err")" >>"$STRESS_FAILED"
    fi
}

@test "[stress] task mode: pt_blocking and pt_jobs, PT_STRESS_RUNS (200) runs each with random sizes, no hang" {
    : "${PT_STRESS_RUNS:=200}" "${PT_STRESS_TIMEOUT:=20}" "${PT_STRESS_SEED:=$(date +%s)}"
    build_program pt_blocking
    build_program pt_jobs
    STRESS_FAILED="$BATS_TEST_TMPDIR/stress.failed"
    : >"$STRESS_FAILED"
    RANDOM=$PT_STRESS_SEED
    local i
    # five failed runs are enough to tell (and bound the time hangs take)
    for ((i = 0; i < PT_STRESS_RUNS && $(wc -l <"$STRESS_FAILED") < 5; i++)); do
        stress_run pt_blocking $((1 + RANDOM % 4)) $((2 + RANDOM % 15))
        stress_run pt_jobs $((1 + RANDOM % 8)) $((1 + RANDOM % 64))
    done
    if [ -s "$STRESS_FAILED" ]; then
        echo "PT_STRESS_SEED=$PT_STRESS_SEED: $(wc -l <"$STRESS_FAILED") runs failed in $i rounds of two:"
        head -n 20 "$STRESS_FAILED"
        false
    fi
}
