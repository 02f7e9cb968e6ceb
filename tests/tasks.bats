#!/usr/bin/env bats
# The task programs under every spawn policy (BEAT_STEAL=auto|child|
# continuation) and thread count (1, 2, 8), each compared with libgomp's
# output; the same with fibers off; and the fiber layer's own behaviour
# (stack overflow message, the fiber bound, BEAT_STATS, bad values).
#
# The policy x thread-count matrix is generated (matrix_cases), one test per
# program: every case runs under its own timeout (run_both), a failed case
# does not stop the others, and the test's output names each failed case.

load helpers

setup() {
    require_beat_lib
}

# One case per line: a setting and a thread count. Every spawn policy at 1,
# 2 and 8 threads, then fibers off at 2 threads.
matrix_cases() {
    local steal n
    for steal in auto child continuation; do
        for n in 1 2 8; do
            echo "BEAT_STEAL=$steal $n"
        done
    done
    echo "BEAT_FIBERS=0 2"
}

# run_matrix PROGRAM [VAR=VALUE...]: run_both PROGRAM in every case of the
# matrix, with the extra settings given; fails when any case fails, after
# running them all, and lists the failed cases last.
run_matrix() {
    local prog=$1 setting n
    shift
    local failed=()
    while read -r setting n; do
        local name="$prog: $setting, $n thread$([ "$n" -eq 1 ] || echo s)"
        if (export "$@" "$setting" && run_both "$prog" "$n"); then
            echo "ok     $name"
        else
            echo "FAILED $name"
            failed+=("$name")
        fi
    done < <(matrix_cases)
    if [ ${#failed[@]} -gt 0 ]; then
        printf 'failed case: %s\n' "${failed[@]}"
        return 1
    fi
}

@test "task_fib (fib, cutoff, from every thread, untied): the policy x threads matrix" {
    run_matrix task_fib
}

@test "task_algos (nqueens, mergesort, blocked LU, UTS, deep chain): the policy x threads matrix" {
    run_matrix task_algos
}

@test "task_depend (dependences and detach): the policy x threads matrix" {
    run_matrix task_depend
}

@test "taskgroup (taskgroups and task reductions): the policy x threads matrix" {
    run_matrix taskgroup
}

@test "taskloop (taskloop sums and reductions): the policy x threads matrix" {
    run_matrix taskloop
}

@test "task_clauses (task clauses): the policy x threads matrix" {
    run_matrix task_clauses
}

@test "task_single (producer/consumer tasks): the policy x threads matrix" {
    run_matrix task_single
}

@test "reduction (task reductions on parallel and for): the policy x threads matrix" {
    run_matrix reduction
}

@test "cancel (cancellation): the policy x threads matrix" {
    run_matrix cancel OMP_CANCELLATION=true
}

@test "task_algos with at most 2 fibers (the rest run on the waiting stack), 8 threads" {
    BEAT_FIBER_MAX=2 BEAT_STEAL=continuation run_both task_algos 8
}

@test "a task recursing 1 MiB deep runs on the default fiber stack" {
    run_both task_deepstack 2
}

@test "a task overflowing a 256K fiber stack prints the overflow message and dies by SIGSEGV" {
    BEAT_FIBER_STACK=256K run_beat_only task_deepstack 2
    [ "$BEAT_RC" -eq 139 ] || { echo "exit status $BEAT_RC, expected 139 (SIGSEGV)"; cat "$BEAT_ERR"; false; }
    grep -q "beat: task stack overflow (raise OMP_STACKSIZE)" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
}

@test "OMP_STACKSIZE sizes fiber stacks when BEAT_FIBER_STACK is unset" {
    OMP_STACKSIZE=256K run_beat_only task_deepstack 2
    [ "$BEAT_RC" -eq 139 ] || { echo "exit status $BEAT_RC"; cat "$BEAT_ERR"; false; }
    grep -q "task stack overflow" "$BEAT_ERR"
}

@test "BEAT_STATS=1 reports tasks, fibers and steals at exit" {
    BEAT_STATS=1 run_beat_only task_fib 2
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    grep -q "^beat: stats: tasks deferred [1-9][0-9]*, run at once [0-9]*$" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
    grep -q "^beat: stats: fibers: started [1-9][0-9]*, parked [0-9]*, resumed [0-9]*, migrated [0-9]*, helped in place [0-9]*$" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
    grep -q "^beat: stats: fiber pool: high-water [1-9][0-9]* fibers of [0-9]* KiB (limit 1024)$" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
}

@test "BEAT_STATS: parked and resumed fibers balance, and continuation spawns happen under BEAT_STEAL=continuation" {
    BEAT_STATS=1 BEAT_STEAL=continuation run_beat_only task_algos 2
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    parked=$(sed -n 's/^beat: stats: fibers: started [0-9]*, parked \([0-9]*\), resumed \([0-9]*\).*/\1 \2/p' "$BEAT_ERR")
    [ -n "$parked" ] && [ "${parked% *}" = "${parked#* }" ] || { cat "$BEAT_ERR"; false; }
    grep -q "continuation spawns [1-9]" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
}

@test "BEAT_STATS off prints nothing" {
    run_beat_only task_fib 2
    [ "$BEAT_RC" -eq 0 ]
    ! grep -q "beat: stats" "$BEAT_ERR"
}

@test "bad BEAT_STEAL warns and uses auto" {
    BEAT_STEAL=sideways run_beat_only task_fib 2
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    grep -q "beat: warning: BEAT_STEAL='sideways' is not valid (expected auto, child or continuation); using the default (auto)" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
}

@test "bad BEAT_FIBER_STACK, BEAT_FIBER_MAX and BEAT_FIBERS warn and use the defaults" {
    BEAT_FIBER_STACK=huge BEAT_FIBER_MAX=0 BEAT_FIBERS=perhaps run_beat_only task_fib 2
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    grep -q "BEAT_FIBER_STACK='huge' is not valid" "$BEAT_ERR"
    grep -q "BEAT_FIBER_MAX='0' is not valid" "$BEAT_ERR"
    grep -q "BEAT_FIBERS='perhaps' is not valid" "$BEAT_ERR"
}

# Classification and prediction (issue 5): every task program gives libgomp's
# answers with each part switched off, and with inlining forced either way.
@test "task programs with BEAT_CLASSIFY=0 (no fingerprints, every deferred task spawned), 2 threads" {
    for p in task_fib task_algos task_depend taskgroup taskloop task_clauses task_single; do
        BEAT_CLASSIFY=0 run_both $p 2 || return 1
    done
}

@test "task programs with BEAT_PREDICT=0 (last sample as the prediction), 2 and 8 threads" {
    for p in task_fib task_algos task_depend taskgroup taskloop task_clauses task_single; do
        BEAT_PREDICT=0 run_both $p 2 || return 1
        BEAT_PREDICT=0 run_both $p 8 || return 1
    done
}

@test "task programs with BEAT_INLINE=0 (never inline by prediction) and BEAT_INLINE=1000000 (inline every trusted task), 2 threads" {
    for p in task_fib task_algos task_depend taskgroup task_single; do
        BEAT_INLINE=0 run_both $p 2 || return 1
        BEAT_INLINE=1000000 run_both $p 2 || return 1
    done
}

@test "cancellation with prediction on, off, and inlining everything" {
    OMP_CANCELLATION=true BEAT_INLINE=1000000 run_both cancel 2
    OMP_CANCELLATION=true BEAT_CLASSIFY=0 run_both cancel 2
}

@test "BEAT_STATS reports classes, inlining and the prediction error" {
    # One thread: every plain task runs at once by rule, and none is
    # classified (nothing its class could say would change that).
    BEAT_STATS=1 run_beat_only task_fib 1
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    grep -q "^beat: stats: decisions: at once by rule [1-9][0-9]*, by throttle 0, by class 0; queued 0," "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
    grep -q "^beat: stats: classes: tiny 0, small 0, medium 0, large 0, cold 0$" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
    # Two threads: fib's leaves are learnt tiny and run at once by class.
    BEAT_STATS=1 run_beat_only task_fib 2
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    grep -q "^beat: stats: classes: tiny [1-9][0-9]*, small [0-9]*, medium [0-9]*, large [0-9]*, cold [1-9][0-9]*$" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
    grep -q "^beat: stats: decisions: at once by rule [0-9]*, by throttle [0-9]*, by class [1-9][0-9]*;" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
    grep -q "^beat: stats: inlined by prediction [0-9]*, kept for idle members [0-9]*, placed in the mailbox [0-9]*$" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
    grep -q "^beat: stats: prediction: [1-9][0-9]* samples, error (MAPE) [0-9.]*% over [0-9]*; spawn cost [1-9][0-9]* cycles$" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
}

@test "BEAT_STATS with BEAT_CLASSIFY=0 says classification is off and inlines nothing by prediction" {
    BEAT_STATS=1 BEAT_CLASSIFY=0 run_beat_only task_fib 2
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    grep -q "^beat: stats: classification off (BEAT_CLASSIFY=false)$" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
}

@test "bad BEAT_INLINE, BEAT_ONE_EURO, BEAT_CLASSIFY and BEAT_PREDICT warn and use the defaults" {
    BEAT_INLINE=-1 BEAT_ONE_EURO=1,2 BEAT_CLASSIFY=sometimes BEAT_PREDICT=2 run_beat_only task_fib 2
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    grep -q "BEAT_INLINE='-1' is not valid (expected a number from 0 to 1000000); using the default (256)" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
    grep -q "BEAT_ONE_EURO='1,2' is not valid" "$BEAT_ERR"
    grep -q "BEAT_CLASSIFY='sometimes' is not valid" "$BEAT_ERR"
    grep -q "BEAT_PREDICT='2' is not valid" "$BEAT_ERR"
}

@test "BEAT_ONE_EURO accepts three numbers" {
    BEAT_ONE_EURO=0.5,0.01,2 run_both task_fib 2
    ! grep -q "BEAT_ONE_EURO" "$BEAT_ERR"
}

@test "task_edges: a nest lock held by an included task across a deferred child (matches libgomp at 1, 2, 8 threads)" {
    run_both task_edges 1 locks
    run_both task_edges 2 locks
    run_both task_edges 8 locks
}

@test "task_edges: detach fulfilled from a thread outside OpenMP completes (libgomp 12 hangs here; beat only)" {
    for n in 1 2 8; do
        run_beat_only task_edges $n
        [ "$BEAT_RC" -eq 0 ] || { echo "threads $n: exit $BEAT_RC"; cat "$BEAT_ERR"; false; }
        grep -q "^detach fulfilled from a thread outside OpenMP: OK$" "$BEAT_OUT"
        grep -q "^RESULT: OK$" "$BEAT_OUT"
    done
}

@test "task_edges with OMP_CANCELLATION=true: a discarded detached task completes without its event, as in libgomp" {
    OMP_CANCELLATION=true run_both task_edges 2 locks
    OMP_CANCELLATION=true run_both task_edges 8 locks
    grep -q "^detached task discarded by cancellation: OK$" "$BEAT_OUT"
}
