#!/usr/bin/env bats
# cpu_quota.bats: the default team size honours the cgroup CPU quota (v1
# cpu.cfs_quota_us / cpu.cfs_period_us here; shim/cpu_quota.c reads v2's
# cpu.max the same way), so a container with less CPU time than CPUs is not
# oversubscribed. libgomp and libomp ignore the quota. Each test runs the
# program in a cgroup of its own under the v1 cpu controller, made and
# removed by the test (root needed).

load helpers

CPU_CG=/sys/fs/cgroup/cpu

setup() {
    [ -w "$CPU_CG" ] || skip "no writable cgroup v1 cpu controller at $CPU_CG"
    CG="$CPU_CG/beat-test-$$-$BATS_TEST_NUMBER"
    mkdir "$CG" || skip "cannot make a cgroup under $CPU_CG"
}

teardown() {
    [ -n "${CG:-}" ] || return 0
    [ -d "$CG/inner" ] && rmdir "$CG/inner"
    [ -d "$CG" ] && rmdir "$CG"
    return 0
}

# in_cgroup DIR CMD...: runs CMD with the shell moved into DIR first.
in_cgroup() {
    local dir=$1
    shift
    timeout -k 5 "$RUN_TIMEOUT" sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$dir" "$@"
}

@test "cpu quota [quick]: a one-CPU quota gives one thread by default; libgomp ignores it" {
    build_program team_size
    require_beat_lib
    [ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs to tell a quota from the CPU count"
    echo 100000 > "$CG/cpu.cfs_period_us"
    echo 100000 > "$CG/cpu.cfs_quota_us"
    run in_cgroup "$CG" env LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/team_size"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    [[ "$output" == "max 1 team 1 procs $(nproc)" ]] || { echo "beat: $output"; false; }
    run in_cgroup "$CG" env -u LD_PRELOAD "$BUILD_DIR/team_size"
    [[ "$output" == "max $(nproc) team $(nproc) procs $(nproc)" ]] || { echo "libgomp: $output"; false; }
}

@test "cpu quota: rounded up (1.5 CPUs: 2 threads, half a CPU: 1), a parent's quota binds, OMP_NUM_THREADS wins" {
    build_program team_size
    require_beat_lib
    [ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
    echo 100000 > "$CG/cpu.cfs_period_us"
    echo 150000 > "$CG/cpu.cfs_quota_us"
    run in_cgroup "$CG" env LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/team_size"
    [[ "$output" == "max 2 team 2 procs $(nproc)" ]] || { echo "1.5 CPUs: $output"; false; }
    echo 50000 > "$CG/cpu.cfs_quota_us"
    run in_cgroup "$CG" env LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/team_size"
    [[ "$output" == "max 1 team 1 procs $(nproc)" ]] || { echo "0.5 CPU: $output"; false; }
    mkdir "$CG/inner"
    run in_cgroup "$CG/inner" env LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/team_size"
    [[ "$output" == "max 1 team 1 procs $(nproc)" ]] || { echo "inner cgroup, parent 0.5 CPU: $output"; false; }
    run in_cgroup "$CG" env OMP_NUM_THREADS=3 LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/team_size"
    [[ "$output" == "max 3 team 3 procs $(nproc)" ]] || { echo "OMP_NUM_THREADS=3: $output"; false; }
}

@test "cpu quota: no quota (-1) leaves the CPU count" {
    build_program team_size
    require_beat_lib
    echo -1 > "$CG/cpu.cfs_quota_us"
    run in_cgroup "$CG" env LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/team_size"
    [[ "$output" == "max $(nproc) team $(nproc) procs $(nproc)" ]] || { echo "$output"; false; }
}
