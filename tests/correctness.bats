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
