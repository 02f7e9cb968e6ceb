#!/usr/bin/env bats
# Where beat must be correct because libgomp is: the tied-task scheduling
# constraint (a lock or critical section held across a taskwait), C++
# exception state across parked tasks, and destructors of the copied
# arguments of tasks in a cancelled taskgroup. Each program runs under
# libgomp and beat with several thread counts and spawn policies, and the
# outputs must match.

load helpers

setup() {
    require_beat_lib
}

@test "task_tied_lock: lock and critical held across a taskwait, 2 threads [quick]" {
    run_both task_tied_lock 2
}

@test "task_tied_lock: 4 and 8 threads" {
    run_both task_tied_lock 4
    run_both task_tied_lock 8
}

@test "task_tied_lock: every BEAT_STEAL mode, fibers off, 4 threads" {
    BEAT_STEAL=child run_both task_tied_lock 4
    BEAT_STEAL=continuation run_both task_tied_lock 4
    BEAT_FIBERS=0 run_both task_tied_lock 4
}

@test "task_tied_nest: a grandchild holding a lock across a taskwait ends before its grandparent goes on, 4 and 8 threads" {
    run_both task_tied_nest 4
    run_both task_tied_nest 8
}

@test "task_tied_nest: every BEAT_STEAL mode, fibers off, one parked stack, 4 threads" {
    BEAT_STEAL=child run_both task_tied_nest 4
    BEAT_STEAL=continuation run_both task_tied_nest 4
    BEAT_FIBERS=0 run_both task_tied_nest 4
    BEAT_PARK_MAX=1 run_both task_tied_nest 4
}

@test "task_tied_lock: forced continuation stealing, 20 runs at 4 threads (a lock holder's continuation is resumed only where tied-task scheduling allows)" {
    for i in $(seq 20); do
        BEAT_STEAL=continuation run_both task_tied_lock 4
    done
}

@test "cxx_task_exceptions: caught exceptions stay with their task across parks, 2 threads" {
    run_both cxx_task_exceptions 2
}

@test "cxx_task_exceptions: 4 and 8 threads, continuation stealing" {
    run_both cxx_task_exceptions 4
    run_both cxx_task_exceptions 8
    BEAT_STEAL=continuation run_both cxx_task_exceptions 4
}

# (Not with one thread: libgomp's taskyield runs no task, so there the loop
# that waits for the cancelling task never ends.)
@test "cxx_cancel_dtor: every copy-constructed task argument is destroyed after cancel taskgroup" {
    OMP_CANCELLATION=true run_both cxx_cancel_dtor 2
    OMP_CANCELLATION=true run_both cxx_cancel_dtor 4
    OMP_CANCELLATION=true run_both cxx_cancel_dtor 8
}

@test "task_parkmem: tasks with 512 KiB frames that wait, tied and untied, 4 threads" {
    run_both task_parkmem 4 0
    run_both task_parkmem 4 1
}

@test "BEAT_PARK_MAX=1: tied waiters past the bound help in place (only their descendants on top), same results" {
    require_beat
    BEAT_PARK_MAX=1 BEAT_STATS=1 run_both task_parkmem 4 0
    run grep -E "helped in place [1-9]" "$BEAT_ERR"
    [ "$status" -eq 0 ]
    BEAT_PARK_MAX=1 run_both task_tied_lock 4
    BEAT_PARK_MAX=1 run_both task_algos 4
    BEAT_PARK_MAX=1 run_both cxx_task_exceptions 4
}

@test "BEAT_PARK_MAX: a bad value warns and keeps the default" {
    require_beat
    BEAT_PARK_MAX=lots run_beat_only task_fib 2
    [ "$BEAT_RC" -eq 0 ]
    run grep -c "BEAT_PARK_MAX='lots' is not valid" "$BEAT_ERR"
    [ "$output" = 1 ]
}
