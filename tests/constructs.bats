#!/usr/bin/env bats
# Every construct program under libgomp and under beat with 1, 2 and 8 threads:
# both must exit 0 and print the same stdout.

load helpers

setup() {
    require_beat_lib
}

@test "parallel with 2 threads matches libgomp [quick]" {
    run_both parallel 2
}

@test "parallel: parallel regions, num_threads, if(0), proc_bind, 10000 regions (1 thread)" {
    run_both parallel 1
}

@test "parallel: parallel regions, num_threads, if(0), proc_bind, 10000 regions (2 threads)" {
    run_both parallel 2
}

@test "parallel: parallel regions, num_threads, if(0), proc_bind, 10000 regions (8 threads)" {
    run_both parallel 8
}

@test "region_joins: regions of changing sizes, nested ones, and nested ones run by a task in its creator's end barrier (2 threads; the last hung once)" {
    run_both region_joins 2
}

@test "region_joins: the same with 8 threads" {
    run_both region_joins 8
}

@test "nested: nested parallel levels and ancestors (1 thread)" {
    run_both nested 1
}

@test "nested: nested parallel levels and ancestors (2 threads)" {
    run_both nested 2
}

@test "nested: nested parallel levels and ancestors (8 threads)" {
    run_both nested 8
}

@test "region_crews: regions of changing sizes, nested regions, program threads leading regions, omp_pause_resource_all (same sums, thread count bounded), 5 runs" {
    for i in 1 2 3 4 5; do
        run_both region_crews 4
    done
}

@test "loops: worksharing loops, all schedules (1 thread)" {
    run_both loops 1
}

@test "loops: worksharing loops, all schedules (2 threads)" {
    run_both loops 2
}

@test "loops: worksharing loops, all schedules (8 threads)" {
    run_both loops 8
}

@test "loop_ull: unsigned long long loops (1 thread)" {
    run_both loop_ull 1
}

@test "loop_ull: unsigned long long loops (2 threads)" {
    run_both loop_ull 2
}

@test "loop_ull: unsigned long long loops (8 threads)" {
    run_both loop_ull 8
}

@test "ordered: ordered loops (1 thread)" {
    run_both ordered 1
}

@test "ordered: ordered loops (2 threads)" {
    run_both ordered 2
}

@test "ordered: ordered loops (8 threads)" {
    run_both ordered 8
}

@test "doacross: doacross ordered(n) depend(sink/source) (1 thread)" {
    run_both doacross 1
}

@test "doacross: doacross ordered(n) depend(sink/source) (2 threads)" {
    run_both doacross 2
}

@test "doacross: doacross ordered(n) depend(sink/source) (8 threads)" {
    run_both doacross 8
}

@test "reduction: reductions (1 thread)" {
    run_both reduction 1
}

@test "reduction: reductions (2 threads)" {
    run_both reduction 2
}

@test "reduction: reductions (8 threads)" {
    run_both reduction 8
}

@test "parallel_for: combined parallel for (1 thread)" {
    run_both parallel_for 1
}

@test "parallel_for: combined parallel for (2 threads)" {
    run_both parallel_for 2
}

@test "parallel_for: combined parallel for (8 threads)" {
    run_both parallel_for 8
}

@test "sections: sections and parallel sections (1 thread)" {
    run_both sections 1
}

@test "sections: sections and parallel sections (2 threads)" {
    run_both sections 2
}

@test "sections: sections and parallel sections (8 threads)" {
    run_both sections 8
}

@test "single: single, nowait, copyprivate (1 thread)" {
    run_both single 1
}

@test "single: single, nowait, copyprivate (2 threads)" {
    run_both single 2
}

@test "single: single, nowait, copyprivate (8 threads)" {
    run_both single 8
}

@test "masked: master and masked (1 thread)" {
    run_both masked 1
}

@test "masked: master and masked (2 threads)" {
    run_both masked 2
}

@test "masked: master and masked (8 threads)" {
    run_both masked 8
}

@test "critical: critical sections (1 thread)" {
    run_both critical 1
}

@test "critical: critical sections (2 threads)" {
    run_both critical 2
}

@test "critical: critical sections (8 threads)" {
    run_both critical 8
}

@test "atomic: atomics incl. long double and complex (1 thread)" {
    run_both atomic 1
}

@test "atomic: atomics incl. long double and complex (2 threads)" {
    run_both atomic 2
}

@test "atomic: atomics incl. long double and complex (8 threads)" {
    run_both atomic 8
}

@test "barrier: barriers (1 thread)" {
    run_both barrier 1
}

@test "barrier: barriers (2 threads)" {
    run_both barrier 2
}

@test "barrier: barriers (8 threads)" {
    run_both barrier 8
}

@test "scope: scope construct (1 thread)" {
    run_both scope 1
}

@test "scope: scope construct (2 threads)" {
    run_both scope 2
}

@test "scope: scope construct (8 threads)" {
    run_both scope 8
}

@test "flush: flush handshakes (1 thread)" {
    run_both flush 1
}

@test "flush: flush handshakes (2 threads)" {
    run_both flush 2
}

@test "flush: flush handshakes (8 threads)" {
    run_both flush 8
}

@test "task_fib: recursive tasks (fib) (1 thread)" {
    run_both task_fib 1
}

@test "task_fib: recursive tasks (fib) (2 threads)" {
    run_both task_fib 2
}

@test "task_fib: recursive tasks (fib) (8 threads)" {
    run_both task_fib 8
}

@test "task_clauses: task clauses (1 thread)" {
    run_both task_clauses 1
}

@test "task_clauses: task clauses (2 threads)" {
    run_both task_clauses 2
}

@test "task_clauses: task clauses (8 threads)" {
    run_both task_clauses 8
}

@test "taskgroup: taskgroup and task reductions (1 thread)" {
    run_both taskgroup 1
}

@test "taskgroup: taskgroup and task reductions (2 threads)" {
    run_both taskgroup 2
}

@test "taskgroup: taskgroup and task reductions (8 threads)" {
    run_both taskgroup 8
}

@test "task_single: tasks from single and from all threads (1 thread)" {
    run_both task_single 1
}

@test "task_single: tasks from single and from all threads (2 threads)" {
    run_both task_single 2
}

@test "task_single: tasks from single and from all threads (8 threads)" {
    run_both task_single 8
}

@test "task_depend: task dependences and detach (1 thread)" {
    run_both task_depend 1
}

@test "task_depend: task dependences and detach (2 threads)" {
    run_both task_depend 2
}

@test "task_depend: task dependences and detach (8 threads)" {
    run_both task_depend 8
}

@test "taskloop: taskloop (1 thread)" {
    run_both taskloop 1
}

@test "taskloop: taskloop (2 threads)" {
    run_both taskloop 2
}

@test "taskloop: taskloop (8 threads)" {
    run_both taskloop 8
}

@test "cancel: cancellation constructs (disabled) (1 thread)" {
    run_both cancel 1
}

@test "cancel: cancellation constructs (disabled) (2 threads)" {
    run_both cancel 2
}

@test "cancel: cancellation constructs (disabled) (8 threads)" {
    run_both cancel 8
}

@test "locks: lock API (1 thread)" {
    run_both locks 1
}

@test "locks: lock API (2 threads)" {
    run_both locks 2
}

@test "locks: lock API (8 threads)" {
    run_both locks 8
}

@test "omp_api: omp_* API (1 thread)" {
    run_both omp_api 1
}

@test "omp_api: omp_* API (2 threads)" {
    run_both omp_api 2
}

@test "omp_api: omp_* API (8 threads)" {
    run_both omp_api 8
}
