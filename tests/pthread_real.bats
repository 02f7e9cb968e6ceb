#!/usr/bin/env bats
# pthread_real.bats: real threaded programs (sort, xz, zstd, pigz, Python's
# threading) under beat in every BEAT_PTHREAD mode (issue 12) must exit and
# print as they do without beat, byte for byte: compressors' output too, as
# each of them makes the same bytes for the same thread count. A tool that is
# missing is skipped, saying so, except under CI (CI set, not false or 0),
# where scripts/setup-deps has installed it and its absence fails.

load helpers
load pthread_modes

setup() {
    require_beat_lib
}

# need_tool TOOL: skip without TOOL, or fail under CI.
need_tool() {
    command -v "$1" >/dev/null 2>&1 && return 0
    case ${CI:-} in
        '' | false | 0) skip "$1 is not installed (scripts/setup-deps installs it)" ;;
    esac
    echo "$1 is not installed, and CI=$CI: scripts/setup-deps should have installed it"
    return 1
}

# make_data FILE LINES: LINES pseudo-random lines (a seeded LCG in awk).
make_data() {
    awk -v n="$2" 'BEGIN { x = 12345; for (i = 0; i < n; i++) { x = (x * 1103515245 + 12345) % 2147483648; printf "%d %x line %d\n", x % 1000003, x, i } }' >"$1"
}

# round_trip TAG COMPRESS... -- DECOMPRESS...: in every mode the compressor
# makes the bytes it makes without beat, and the decompressor, given them,
# gives back $DATA.
round_trip() {
    local tag=$1
    shift
    local pack=() unpack=()
    while [ "$1" != -- ]; do
        pack+=("$1")
        shift
    done
    shift
    unpack=("$@")
    compare_modes "$tag" "${pack[@]}" "$DATA"
    cp "$BATS_TEST_TMPDIR/$tag.plain.out" "$BATS_TEST_TMPDIR/$tag.packed"
    compare_modes "un$tag" "${unpack[@]}" "$BATS_TEST_TMPDIR/$tag.packed"
    cmp "$BATS_TEST_TMPDIR/un$tag.plain.out" "$DATA"
}

@test "sort --parallel=4 of 200000 generated lines, the same in every mode [quick]" {
    need_tool sort
    DATA=$BATS_TEST_TMPDIR/data
    make_data "$DATA" 200000
    compare_modes sort sort --parallel=4 -S 4M "$DATA"
    compare_modes sortn sort --parallel=4 -n -k1,1 -k3,3r "$DATA"
}

@test "xz -T0: the same compressed bytes in every mode, and the round trip" {
    need_tool xz
    DATA=$BATS_TEST_TMPDIR/data
    make_data "$DATA" 200000
    round_trip xz xz -T0 -3 --block-size=512KiB -c -- xz -T0 -d -c
}

@test "zstd -T0: the same compressed bytes in every mode, and the round trip" {
    need_tool zstd
    DATA=$BATS_TEST_TMPDIR/data
    make_data "$DATA" 200000
    round_trip zstd zstd -q -T0 -3 -B1MiB -c -- zstd -q -d -c
}

@test "pigz -p 4: the same compressed bytes in every mode, and the round trip" {
    need_tool pigz
    DATA=$BATS_TEST_TMPDIR/data
    make_data "$DATA" 200000
    round_trip pigz pigz -p 4 -b 128 -c -- pigz -p 4 -d -c
}

@test "python3 with 50 threading threads, the same in every mode" {
    need_tool python3
    compare_modes python python3 "$PROG_DIR/pt_threads.py"
}
