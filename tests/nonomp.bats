#!/usr/bin/env bats
# Programs that do not use OpenMP must behave exactly the same with beat
# preloaded, and beat must not start threads in them.

load helpers

setup() {
    require_beat_lib
}

# same_output NAME CMD...: run CMD with and without the preload (under
# timeout); both must exit 0 with the same stdout.
same_output() {
    local name=$1
    shift
    local d="$BATS_TEST_TMPDIR"
    local rc_p=0 rc_b=0
    timeout -k 5 60 env -u LD_PRELOAD "$@" >"$d/$name.plain.out" 2>"$d/$name.plain.err" </dev/null || rc_p=$?
    timeout -k 5 60 env LD_PRELOAD="$BEAT_LIB" "$@" >"$d/$name.beat.out" 2>"$d/$name.beat.err" </dev/null || rc_b=$?
    if [ "$rc_p" -ne 0 ]; then
        explain_failure "$name without preload" "$rc_p" "$d/$name.plain"
        return 1
    fi
    if [ "$rc_b" -ne 0 ]; then
        explain_failure "$name with beat" "$rc_b" "$d/$name.beat"
        return 1
    fi
    if ! cmp -s "$d/$name.plain.out" "$d/$name.beat.out"; then
        echo "$name: stdout differs with beat preloaded"
        diff -u "$d/$name.plain.out" "$d/$name.beat.out" | head -n 40
        return 1
    fi
    if [ -s "$d/$name.beat.err" ] && ! cmp -s "$d/$name.plain.err" "$d/$name.beat.err"; then
        echo "$name: beat added stderr output:"
        head -n 20 "$d/$name.beat.err"
        return 1
    fi
}

@test "a non-OpenMP C program has exactly one thread under beat [quick]" {
    run_beat_only nonomp_threads 4
    [ "$BEAT_RC" -eq 0 ]
    if [ "$(cat "$BEAT_OUT")" != "threads 1" ]; then
        echo "expected 'threads 1', got: $(cat "$BEAT_OUT")"
        cat "$BEAT_ERR"
        return 1
    fi
}

@test "ls / is unchanged" {
    same_output ls ls /
}

@test "sort --parallel=2 of a generated file is unchanged" {
    local f="$BATS_TEST_TMPDIR/numbers"
    awk 'BEGIN { x = 12345; for (i = 0; i < 200000; i++) { x = (x * 1103515245 + 12345) % 2147483648; print x % 1000003, i } }' >"$f"
    same_output sort sort --parallel=2 -S 1M -n "$f"
    same_output sortk sort --parallel=2 -k2,2r "$f"
}

@test "xz -T2 compress and decompress round-trips, with the same bytes as without beat" {
    local d="$BATS_TEST_TMPDIR"
    awk 'BEGIN { x = 7; for (i = 0; i < 150000; i++) { x = (x * 69069 + 1) % 4294967296; printf "%d %x line %d\n", x % 1000, x, i } }' >"$d/data"
    same_output xz xz -T2 -3 --block-size=1MiB -c "$d/data"
    cp "$d/xz.beat.out" "$d/data.xz"
    same_output unxz xz -T2 -d -c "$d/data.xz"
    cmp "$d/unxz.beat.out" "$d/data"
}

@test "a python3 program with threads prints the same" {
    same_output python python3 "$PROG_DIR/threads_sum.py"
}

@test "sh -c with a pipeline is unchanged" {
    same_output shpipe sh -c 'seq 1 20000 | awk "{ s += \$1 } END { print s }"'
}

# A preloaded runtime must stay silent in programs that never use OpenMP, as
# libgomp is (it is not even loaded there), whatever the OMP_* environment says.
@test "OMP_DISPLAY_ENV=true prints nothing in a non-OpenMP program" {
    OMP_DISPLAY_ENV=true same_output ls-display ls /
}

@test "bad OMP_* values print nothing in a non-OpenMP program" {
    OMP_NUM_THREADS=abc OMP_SCHEDULE=bogus OMP_DISPLAY_ENV=loud OMP_PLACES=bogus OMP_STACKSIZE=12Q \
        same_output ls-bad ls /
}
