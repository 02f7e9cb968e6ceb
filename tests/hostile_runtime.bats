#!/usr/bin/env bats
# What a hostile user tries, each compared with libgomp on the same binary:
# thread churn and omp_pause_resource_all (memory stays flat), signals
# during waits, exit() from a task, ten million tasks, OpenMP from program
# threads and in teams of hundreds, dlopen/dlclose of an OpenMP library.
# Every run goes through `timeout` (helpers.bash).

load helpers

setup() {
    require_beat_lib
}

# thread_churn: 2,000 short-lived program threads each run a region with
# tasks, then 2,000 regions each followed by omp_pause_resource_all; VmRSS
# must grow by under 8 MB and VmSize by under 1 GB after a warm-up (a few
# more 8 MB fiber stacks may join the shared pool; beat before the fix:
# +26-34 MB / +5.4-7.6 GB and +18-30 MB / +28 MB; libgomp: flat).
# (The program caps glibc's malloc arenas, which would count in VmSize.)
@test "thread churn and omp_pause_resource_all keep memory flat, as under libgomp [quick]" {
    run_both thread_churn 2 2000
}

@test "thread churn: exited threads' fibers go back to the pool (BEAT_FIBER_MAX is not used up)" {
    require_beat
    BEAT_STATS=1 run_beat_only thread_churn 2 2000
    [ "$BEAT_RC" -eq 0 ] || { explain_failure "thread_churn under beat" "$BEAT_RC" "${BEAT_OUT%.out}"; return 1; }
    local hw
    hw=$(sed -n 's/.*fiber pool: high-water \([0-9]*\) fibers.*/\1/p' "$BEAT_ERR")
    [ -n "$hw" ] || { cat "$BEAT_ERR"; return 1; }
    if [ "$hw" -gt 64 ]; then
        echo "fiber high-water $hw after 2,000 threads (their cached fibers were not given back)"
        return 1
    fi
}

# Signals without SA_RESTART every millisecond while threads wait in
# barriers, critical, locks, taskwait and the idle pool (futexes return
# EINTR): the handler runs 200 times and every round's results are right.
# libgomp and beat (before and after this suite) both pass.
@test "SIGALRM every millisecond without SA_RESTART during barriers, locks and taskwait (as libgomp)" {
    run_both hostile_signals 2
    run_both hostile_signals 8
}

# exit() from a task (and from a task nested in one) while other threads run
# tasks: status 7, stdout flushed, atexit handler run; same as libgomp.
exit_check() {
    local threads=$1 where=$2
    run_gomp_only hostile_exit "$threads" "$where"
    run_beat_only hostile_exit "$threads" "$where"
    [ "$GOMP_RC" -eq 7 ] || { explain_failure "libgomp hostile_exit $where" "$GOMP_RC" "${GOMP_OUT%.out}"; return 1; }
    [ "$BEAT_RC" -eq 7 ] || { explain_failure "beat hostile_exit $where" "$BEAT_RC" "${BEAT_OUT%.out}"; return 1; }
    diff -u "$GOMP_OUT" "$BEAT_OUT"
}

@test "exit() from inside a task: same status and output as libgomp" {
    local n
    for n in 1 2 8; do
        exit_check "$n" task
        exit_check "$n" nested
    done
}

@test "ten million tasks created before a taskwait: all run, peak RSS under 1 GB (as libgomp)" {
    RUN_TIMEOUT=300 run_both hostile_tasks10m 2
}

@test "OpenMP from 16 and 200 program threads at once, also while another pauses the runtime, and teams of 300 and 500 threads (as libgomp)" {
    RUN_TIMEOUT=300 run_both hostile_threads 2
    RUN_TIMEOUT=300 run_both hostile_threads 8 foreign
    RUN_TIMEOUT=300 run_both hostile_threads 2 foreign 200
}

# A program without OpenMP dlopens and dlcloses an -fopenmp library 50
# times. libgomp 12 crashes here (SIGSEGV in about a third of the runs at 2
# threads, some at 8: its pool threads outlive the unloaded library), so
# beat is checked against the text, at 1, 2 and 8 threads.
@test "dlopen/dlclose of a library built with -fopenmp, 50 times (libgomp crashes here)" {
    build_program nonomp_dlopen
    local plugin="$BATS_TEST_TMPDIR/omp_plugin.so" n
    gcc -O2 -fopenmp -shared -fPIC -DPLUGIN -o "$plugin" "$PROG_DIR/nonomp_dlopen.c"
    for n in 1 2 8; do
        run_beat_only nonomp_dlopen "$n" "$plugin"
        [ "$BEAT_RC" -eq 0 ] || { explain_failure "nonomp_dlopen under beat ($n threads)" "$BEAT_RC" "${BEAT_OUT%.out}"; return 1; }
        diff -u <(printf 'dlopen/dlclose of an OpenMP library 50 times: OK\nRESULT: OK\n') "$BEAT_OUT"
    done
}
