#!/usr/bin/env bats
# What a hostile user tries, each compared with libgomp on the same binary:
# thread churn and omp_pause_resource_all (memory stays flat), and more
# below. Every run goes through `timeout` (helpers.bash).

load helpers

setup() {
    require_beat_lib
}

# thread_churn: 2,000 short-lived program threads each run a region with
# tasks, then 2,000 regions each followed by omp_pause_resource_all; VmRSS
# must grow by under 8 MB and VmSize by under 256 MB after a warm-up (beat
# before the fix: +34 MB / +7.6 GB and +23 MB / +28 MB; libgomp: flat).
# MALLOC_ARENA_MAX keeps glibc's per-thread arenas out of VmSize.
@test "thread churn and omp_pause_resource_all keep memory flat, as under libgomp [quick]" {
    MALLOC_ARENA_MAX=2 run_both thread_churn 2 2000
}

@test "thread churn: exited threads' fibers go back to the pool (BEAT_FIBER_MAX is not used up)" {
    require_beat
    MALLOC_ARENA_MAX=2 BEAT_STATS=1 run_beat_only thread_churn 2 2000
    [ "$BEAT_RC" -eq 0 ] || { explain_failure "thread_churn under beat" "$BEAT_RC" "${BEAT_OUT%.out}"; return 1; }
    local hw
    hw=$(sed -n 's/.*fiber pool: high-water \([0-9]*\) fibers.*/\1/p' "$BEAT_ERR")
    [ -n "$hw" ] || { cat "$BEAT_ERR"; return 1; }
    if [ "$hw" -gt 64 ]; then
        echo "fiber high-water $hw after 2,000 threads (their cached fibers were not given back)"
        return 1
    fi
}
