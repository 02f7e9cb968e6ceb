#!/usr/bin/env bats
# OpenMP across fork(): a parallel region in the parent, OpenMP (regions and
# tasks) in the child, then OpenMP again in the parent after waitpid.
#
# GNU libgomp is not fork-safe: with more than one thread its child hangs in
# the first parallel region (its pool threads do not exist in the child; see
# https://gcc.gnu.org/legacy-ml/gcc-patches/2014-02/msg00813.html), so
# libgomp is only the reference for one thread; for 2 and 8 threads beat's
# output is compared with the expected text the program prints.

load helpers

setup() {
    require_beat_lib
}

expected_fork_output() {
    cat <<'OUT'
parent before fork: 4999950000
child 0: sum 1249975000 fib 2584 OK
parent after child 0: sum 4999950000 fib 610
child 1: sum 1249975000 fib 2584 OK
parent after child 1: sum 4999950000 fib 610
child 2: sum 1249975000 fib 2584 OK
parent after child 2: sum 4999950000 fib 610
fork: OK
RESULT: OK
OUT
}

# fork_check THREADS: beat must finish in time with the expected output.
fork_check() {
    local threads=$1
    run_beat_only fork_omp "$threads"
    if [ "$BEAT_RC" -ne 0 ]; then
        explain_failure "fork_omp under beat ($threads threads)" "$BEAT_RC" "${BEAT_OUT%.out}"
        return 1
    fi
    if ! diff -u <(expected_fork_output) "$BEAT_OUT"; then
        echo "fork_omp output under beat ($threads threads) (+) differs from the expected (-)"
        return 1
    fi
}

@test "fork with 1 thread: beat and libgomp print the same [quick]" {
    run_both fork_omp 1
    diff -u <(expected_fork_output) "$BEAT_OUT"
}

@test "fork with 2 threads under beat" {
    fork_check 2
}

@test "fork with 8 threads under beat" {
    fork_check 8
}

@test "fork with 2 threads and OMP_WAIT_POLICY=passive under beat" {
    OMP_WAIT_POLICY=passive fork_check 2
}
