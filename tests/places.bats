#!/usr/bin/env bats
# Places and binding: the place list beat builds from OMP_PLACES (valid,
# tricky and absurd values, CPU sets given with taskset), the place and
# place partition of every thread of nested regions under each proc_bind
# kind, GCC's affinity-1 test, OMP_DISPLAY_AFFINITY per region, and affinity
# formats of any length. Each is compared with libgomp on the same binary.

load helpers

setup() {
    require_beat_lib
    local v
    for v in $(env | awk -F= '/^(OMP_|GOMP_)/ {print $1}'); do
        unset "$v"
    done
}

# err_lines FILE: stderr with the places-reduced notice reduced to its
# counts and every other message of either runtime about the environment
# (libgomp's "Invalid value ..." and its detail lines, beat's one warning)
# to "complaint": libgomp's constructor no longer sees the variables under
# beat, so the two must complain about the same runs, in their own words.
err_lines() {
    sed -e '/^$/d' \
        -e 's/^\(libgomp: N\|beat: warning: n\)umber of places reduced from \([0-9]*\) to \([0-9]*\).*/places reduced \2 \3/' \
        -e 's/^\(libgomp: \|beat: warning: \).*/complaint/' "$1" | sort -u
}

# places_same [PREFIX...] -- ARGS...: build/tests/places under both runtimes
# (PREFIX: a command such as `taskset -c 0`), stdout compared sorted; stderr
# must name the same bad values (err_lines) and be otherwise the same.
places_same() {
    local prefix=()
    take_prefix "$@"
    shift "$PREFIX_SHIFT"
    prefix=("${PREFIX[@]}")
    build_program places
    local g="$BATS_TEST_TMPDIR/g.$RANDOM" b="$BATS_TEST_TMPDIR/b.$RANDOM"
    local rc_g=0 rc_b=0
    timeout -k 5 "$RUN_TIMEOUT" env -u LD_PRELOAD GOMP_SPINCOUNT=1000 "${prefix[@]}" \
        "$BUILD_DIR/places" "$@" >"$g.out" 2>"$g.err" </dev/null || rc_g=$?
    timeout -k 5 "$RUN_TIMEOUT" env LD_PRELOAD="$BEAT_LIB" "${prefix[@]}" \
        "$BUILD_DIR/places" "$@" >"$b.out" 2>"$b.err" </dev/null || rc_b=$?
    if [ "$rc_g" -ne 0 ] || [ "$rc_b" -ne 0 ]; then
        echo "exit status: libgomp $rc_g, beat $rc_b (OMP_PLACES='${OMP_PLACES-}' OMP_PROC_BIND='${OMP_PROC_BIND-}')"
        tail -n 5 "$b.err"
        return 1
    fi
    if ! diff -u <(sort "$g.out") <(sort "$b.out") >"$b.diff"; then
        echo "places $* (OMP_PLACES='${OMP_PLACES-}' OMP_PROC_BIND='${OMP_PROC_BIND-}' ${prefix[*]}): libgomp (-) vs beat (+)"
        head -n 40 "$b.diff"
        return 1
    fi
    if ! diff -u <(err_lines "$g.err") <(err_lines "$b.err") >"$b.ediff"; then
        echo "stderr differs (a bad value must warn under both, other lines must match):"
        head -n 20 "$b.ediff"
        return 1
    fi
}

# bind_matrix PLACES: every OMP_PROC_BIND setting and two shapes of teams.
bind_matrix() {
    local pb sizes
    for pb in "" true spread close master primary "spread,close,master" "close,spread,spread" \
        "master,spread,close"; do
        for sizes in "3 2 2" "5 3 2" "2 4 3"; do
            # shellcheck disable=SC2086
            OMP_PLACES="$1" OMP_PROC_BIND="$pb" places_same -- $sizes || return 1
        done
    done
}

# Two CPUs at least, for the taskset cases.
require_two_cpus() {
    taskset -c 1 true 2>/dev/null || skip "needs CPUs 0 and 1"
}

# ------------------------------------------------------- nested partitions
@test "nested place partitions match libgomp with OMP_PLACES=threads [quick]" {
    OMP_PLACES=threads OMP_PROC_BIND=spread places_same -- 3 2 2
    OMP_PLACES=threads OMP_PROC_BIND=close places_same -- 5 3 2
}
@test "partitions: OMP_PLACES=threads, every proc_bind" { bind_matrix threads; }
@test "partitions: OMP_PLACES unset, every proc_bind" {
    local pb
    for pb in true spread close master "spread,master,close"; do
        OMP_PROC_BIND="$pb" places_same -- 3 2 2
        OMP_PROC_BIND="$pb" places_same -- 5 3 2
    done
}
@test "partitions: eight places over two CPUs {0},{1},... every proc_bind" {
    bind_matrix "{0},{1},{0},{1},{0},{1},{0},{1}"
}
@test "partitions: eight copies of one place {0}:8:0, every proc_bind" { bind_matrix "{0}:8:0"; }
@test "partitions: seven places of two CPUs {0:2}:7:0, every proc_bind" { bind_matrix "{0:2}:7:0"; }
@test "partitions: five and one {1}:5:0,{0}, every proc_bind" { bind_matrix "{1}:5:0,{0}"; }
@test "partitions: 600 places from a 2403-character OMP_PLACES" {
    local long
    long=$(for _ in $(seq 300); do printf '{0},{1},'; done; printf '{1}')
    OMP_PLACES="$long" OMP_PROC_BIND=spread places_same -- 5 3 2
    OMP_PLACES="$long" OMP_PROC_BIND=close places_same -- 8 8 2
}
@test "partitions: 65535 places ({0}:65535:0)" {
    OMP_PLACES="{0}:65535:0" OMP_PROC_BIND=spread places_same -- 4 4 4
}
@test "partitions under taskset -c 0: one place, as libgomp" {
    local pl pb
    for pl in "" threads cores "{0},{1},{0},{1}"; do
        for pb in true spread close; do
            OMP_PLACES="$pl" OMP_PROC_BIND="$pb" places_same taskset -c 0 -- 3 2 2
        done
    done
}
@test "partitions under taskset -c 0,1 and -c 1" {
    require_two_cpus
    local pl pb
    for pl in "" threads "{0}:4:0,{1}:4:0"; do
        for pb in true spread "close,spread"; do
            OMP_PLACES="$pl" OMP_PROC_BIND="$pb" places_same taskset -c 0,1 -- 3 2 2
            OMP_PLACES="$pl" OMP_PROC_BIND="$pb" places_same taskset -c 1 -- 3 2 2
        done
    done
}
@test "OMP_PROC_BIND=false with OMP_PLACES makes no places, as libgomp" {
    OMP_PLACES=threads OMP_PROC_BIND=false places_same -- 2 2 1
    OMP_PLACES="{0},{1}" OMP_PROC_BIND="false" places_same -- 2 2 1
}

# ------------------------------------------------------- GCC's affinity-1
# GCC 12's libgomp.c/affinity-1.c (libgomp.c++/affinity-1.C is the same
# test run with OMP_PROC_BIND=true), from the conformance cache or the tarball.
gcc_affinity_test() {
    local src="$ROOT/build/conformance/src/gcc-12.2.0/libgomp/testsuite/libgomp.c/affinity-1.c"
    local dir="$BUILD_DIR/gcc-affinity"
    local tarball=/usr/src/gcc-12/gcc-12.2.0-dfsg.tar.xz
    if [ ! -f "$src" ]; then
        src="$dir/gcc-12.2.0/libgomp/testsuite/libgomp.c/affinity-1.c"
        if [ ! -f "$src" ]; then
            [ -f "$tarball" ] || skip "GCC 12 sources (gcc-12-source) not installed"
            mkdir -p "$dir"
            timeout 300 tar xf "$tarball" -C "$dir" \
                gcc-12.2.0/libgomp/testsuite/libgomp.c/affinity-1.c
        fi
    fi
    mkdir -p "$dir/include"
    echo "#define HAVE_PTHREAD_AFFINITY_NP 1" >"$dir/include/config.h"
    if [ ! -x "$dir/affinity-1" ] || [ "$src" -nt "$dir/affinity-1" ]; then
        gcc -O2 -fopenmp -I"$dir/include" -DINTERPOSE_GETAFFINITY -DDO_FORK \
            -Wno-deprecated-declarations -o "$dir/affinity-1.tmp.$$" "$src" -ldl
        mv -f "$dir/affinity-1.tmp.$$" "$dir/affinity-1"
    fi
    GCC_AFFINITY="$dir/affinity-1"
}

# affinity_same ENV...: the test passes under both runtimes, same lines.
affinity_same() {
    local g="$BATS_TEST_TMPDIR/ag.$RANDOM" b="$BATS_TEST_TMPDIR/ab.$RANDOM" rc=0
    timeout -k 5 "$RUN_TIMEOUT" env -u LD_PRELOAD "$@" "$GCC_AFFINITY" >"$g.out" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || { echo "libgomp: exit $rc"; return 1; }
    timeout -k 5 "$RUN_TIMEOUT" env LD_PRELOAD="$BEAT_LIB" "$@" "$GCC_AFFINITY" >"$b.out" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || { echo "beat ($*): exit $rc"; tail -n 20 "$b.out"; return 1; }
    diff -u <(sort "$g.out") <(sort "$b.out")
}

@test "GCC affinity-1 (the C++ variant: OMP_PROC_BIND=true) passes as under libgomp" {
    gcc_affinity_test
    affinity_same OMP_PROC_BIND=true
}
@test "GCC affinity-1 with OMP_PROC_BIND=false and spread,master,close" {
    gcc_affinity_test
    affinity_same OMP_PROC_BIND=false
    affinity_same OMP_PROC_BIND=spread,master,close
    affinity_same OMP_PROC_BIND=spread,primary,close OMP_PLACES=threads
}
@test "GCC affinity-1 under taskset -c 0 and -c 1" {
    require_two_cpus
    gcc_affinity_test
    affinity_same OMP_PROC_BIND=true taskset -c 0
    affinity_same OMP_PROC_BIND=spread,master,close taskset -c 1
}

# ------------------------------------------------------- OMP_PLACES values
# place_list_same VALUE: the place list (first line) is libgomp's.
place_list_same() {
    OMP_PLACES="$1" OMP_PROC_BIND=true places_same -- 1 1 1
}

@test "tricky valid OMP_PLACES values give libgomp's place list" {
    local v
    for v in "0,1" "1:2" "{0,1,!1}" "{0},{1},!{0}" "{0}:2:1,!{1}" "{0,1}:2" " { 0 } , { 1 } " \
        "{0}: 2" "THREADS" "threads (1)" "cores(2)" "{1:2:-1}" "{0:3:1}" "{0}:3:1" "{0:100000:0}"; do
        place_list_same "$v"
    done
}

# absurd VALUE: beat answers at once (no hang, bounded memory), warns once
# about OMP_PLACES and falls back to the default, as libgomp does.
absurd() {
    local b="$BATS_TEST_TMPDIR/abs.$RANDOM"
    build_program places
    local rc=0
    (
        ulimit -v 1500000
        timeout -k 5 20 env LD_PRELOAD="$BEAT_LIB" OMP_PLACES="$1" OMP_PROC_BIND=true \
            "$BUILD_DIR/places" 1 1 1 >"$b.out" 2>"$b.err" </dev/null
    ) || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "OMP_PLACES='$1': exit $rc"
        tail -n 5 "$b.err"
        return 1
    fi
    local n
    n=$(grep -c "^beat: warning: OMP_PLACES=.*not valid.*default" "$b.err" || true)
    if [ "$n" -ne 1 ]; then
        echo "OMP_PLACES='$1': expected one warning, got $n"
        cat "$b.err"
        return 1
    fi
    place_list_same "$1"
}

@test "OMP_PLACES='{0}:100000000:0' is refused at once (it hung and grew to 1.8 GB)" {
    require_beat
    absurd "{0}:100000000:0"
}
@test "absurd OMP_PLACES counts, strides and CPU numbers are refused" {
    require_beat
    local v
    for v in "{0}:65536:0" "{0}:40000:0,{1}:30000:0" "{0}:4:-1" "{0:2:-1}" "{0,1}:3:-1" \
        "{99999999999999999999}" "threads(100000000000000000000)" "{0,1000}" "{5000}" \
        "{0}:-2" "{0}:0" "{0:0}"; do
        absurd "$v"
    done
}
@test "malformed OMP_PLACES lists are refused" {
    require_beat
    local v
    for v in "!{0}" "{!0}" "{0,!0}" "{0},,{1}" "{0}," "{0" "threadsx" "threads(0)" " " "{0}x"; do
        absurd "$v"
    done
}
@test "a 100000-character OMP_PLACES is read whole" {
    require_beat
    local long
    long=$(for _ in $(seq 10000); do printf '{0},{1},'; done; printf '{1}')
    place_list_same "$long"
    long="$long,{2000}"
    absurd "$long"
}

# ------------------------------------------------------- OMP_DISPLAY_AFFINITY
# display_same: per region, the same affinity lines (sorted); the nested
# region only the same number of lines (libgomp's primary thread prints its
# workers' lines while they may already be in their own nested team).
display_same() {
    build_program display_affinity
    local g="$BATS_TEST_TMPDIR/dg.$RANDOM" b="$BATS_TEST_TMPDIR/db.$RANDOM"
    local fmt="%L %n %N %A"
    timeout -k 5 "$RUN_TIMEOUT" env -u LD_PRELOAD OMP_DISPLAY_AFFINITY=true OMP_AFFINITY_FORMAT="$fmt" \
        "$@" "$BUILD_DIR/display_affinity" >/dev/null 2>"$g.err" </dev/null
    timeout -k 5 "$RUN_TIMEOUT" env LD_PRELOAD="$BEAT_LIB" OMP_DISPLAY_AFFINITY=true OMP_AFFINITY_FORMAT="$fmt" \
        "$@" "$BUILD_DIR/display_affinity" >/dev/null 2>"$b.err" </dev/null
    local f
    for f in "$g" "$b"; do
        grep -v '^libgomp: \|^beat: ' "$f.err" | awk '
            /^-- / { flush(); sec = $0; print; next }
            { if (sec ~ /nested/) n++; else lines[m++] = $0 }
            function flush() {
                if (n) print "lines: " n
                n = 0
                for (i = 0; i < m; i++) print lines[i] | "sort"
                close("sort")
                m = 0
            }
            END { flush() }' >"$f.sec"
    done
    if ! diff -u "$g.sec" "$b.sec"; then
        echo "OMP_DISPLAY_AFFINITY lines differ ($*): libgomp (-) vs beat (+)"
        return 1
    fi
}

@test "OMP_DISPLAY_AFFINITY shows every thread, the primary included, when a binding changes" {
    display_same OMP_PLACES=threads
    display_same OMP_PLACES=threads OMP_PROC_BIND=spread
    display_same OMP_PLACES="{0}:8:0" OMP_PROC_BIND=close
}
@test "OMP_DISPLAY_AFFINITY without places and with OMP_PROC_BIND=true" {
    display_same
    display_same OMP_PROC_BIND=true
}

# ------------------------------------------------------- affinity formats
@test "affinity formats of 3000 characters: get, set, capture, display" {
    local fmt
    fmt="$(printf 'x%.0s' $(seq 400)) %n of %N"
    OMP_AFFINITY_FORMAT="$fmt" run_both affinity_format 2 display
    diff <(grep -v '^libgomp: \|^beat: ' "$GOMP_ERR") <(grep -v '^libgomp: \|^beat: ' "$BEAT_ERR")
}

# ------------------------------------------------------- node-wide binding
# With no binding asked for, beat binds workers node-wide on machines with
# several NUMA nodes (shim/node_bind.c; tests/numa/binding.bats checks it on
# a real multi-node kernel). Here: nothing changes on this one-node machine,
# and a BEAT_TOPOLOGY file's nodes count only through CPUs that exist and
# that the process may use. build/tests/numa_where prints one line per
# thread: "region R thread I.J cpu C node N mask CPUS masknodes NODES bind B
# place P".

# where OUT ENV...: numa_where 2 regions under beat (ENV: variables, or a
# command such as taskset -c 1 before the program).
where() {
    local out=$1
    shift
    build_program numa_where
    timeout -k 5 "$RUN_TIMEOUT" env LD_PRELOAD="$BEAT_LIB" "$@" "$BUILD_DIR/numa_where" 2 \
        >"$out" 2>"$out.err" </dev/null
}

# masks FILE: "thread mask" per line.
masks() {
    awk '$1 == "region" { print $4, $10 }' "$1" | sort -u
}

# affinity_calls ENV...: bindings of numa_where under beat: sched_setaffinity
# calls that name a thread. A waiter that spreads off a shared CPU
# (presence.c) moves itself for a moment and puts its mask back with calls
# that name none (0); a busy machine makes that happen, and it is no binding.
affinity_calls() {
    local log="$BATS_TEST_TMPDIR/strace.$RANDOM"
    timeout -k 5 "$RUN_TIMEOUT" strace -f -e trace=sched_setaffinity -o "$log" \
        env LD_PRELOAD="$BEAT_LIB" "$@" "$BUILD_DIR/numa_where" 2 >/dev/null 2>&1 </dev/null
    grep -c 'sched_setaffinity([1-9]' "$log" || true
}

# A synthetic hwloc XML topology (lstopo-no-graphics --input DESC).
topology_xml() {
    command -v lstopo-no-graphics >/dev/null || skip "lstopo-no-graphics (hwloc) not installed"
    local f="$BATS_TEST_TMPDIR/topo.$RANDOM.xml"
    lstopo-no-graphics --input "$1" --of xml "$f"
    echo "$f"
}

@test "no binding asked on this one-node machine: masks untouched as under libgomp, no affinity call" {
    build_program numa_where
    local g="$BATS_TEST_TMPDIR/g" b="$BATS_TEST_TMPDIR/b"
    OMP_NUM_THREADS=4 where "$b"
    timeout -k 5 "$RUN_TIMEOUT" env -u LD_PRELOAD GOMP_SPINCOUNT=1000 OMP_NUM_THREADS=4 \
        "$BUILD_DIR/numa_where" 2 >"$g" </dev/null
    diff <(masks "$g") <(masks "$b")
    diff <(awk '$1 == "region" { print $14, $16 }' "$g" | sort -u) \
        <(awk '$1 == "region" { print $14, $16 }' "$b" | sort -u)
    require_beat
    command -v strace >/dev/null || skip "strace not installed"
    [ "$(affinity_calls OMP_NUM_THREADS=4)" -eq 0 ]
    # the count sees binding when there is some
    [ "$(affinity_calls OMP_NUM_THREADS=2 OMP_PROC_BIND=true)" -gt 0 ]
}

@test "BEAT_TOPOLOGY of two one-CPU nodes: workers bound to their node's CPU, the primary never" {
    require_beat
    require_two_cpus
    local xml b="$BATS_TEST_TMPDIR/b"
    xml=$(topology_xml "node:2 pu:1")
    BEAT_TOPOLOGY="$xml" OMP_NUM_THREADS=4 where "$b"
    cat "$b"
    # the primary keeps the mask it started with; the workers, one CPU each, both used
    [ "$(awk '$1 == "region" && $4 == "0.0" { print $10 }' "$b" | sort -u)" = "0,1" ]
    [ "$(awk '$1 == "region" && $4 != "0.0" { print $10 }' "$b" | sort -u | tr '\n' ' ')" = "0 1 " ]
    # not a place binding: bind-var false, no place
    [ -z "$(awk '$1 == "region" && ($14 != 0 || $16 != -1)' "$b")" ]
    grep -q '^places 0$' "$b"
    # nested teams stay on their outer thread's node
    build_program numa_where
    BEAT_TOPOLOGY="$xml" OMP_NUM_THREADS=2 timeout -k 5 "$RUN_TIMEOUT" env LD_PRELOAD="$BEAT_LIB" \
        "$BUILD_DIR/numa_where" 1 2 >"$b.n" </dev/null
    cat "$b.n"
    [ "$(awk '$4 == "1.0" { print $10 }' "$b.n")" = "$(awk '$4 == "1.1" { print $10 }' "$b.n")" ]
    [ "$(awk '$4 == "1.0" { print $10 }' "$b.n")" != "$(awk '$4 == "0.1" { print $10 }' "$b.n")" ]
}

@test "BEAT_TOPOLOGY of two nodes: OMP_PROC_BIND=false, GOMP_CPU_AFFINITY or a start mask in one node bind nothing" {
    require_beat
    require_two_cpus
    local xml b="$BATS_TEST_TMPDIR/b"
    xml=$(topology_xml "node:2 pu:1")
    BEAT_TOPOLOGY="$xml" OMP_NUM_THREADS=4 OMP_PROC_BIND=false where "$b"
    [ "$(awk '$1 == "region" { print $10 }' "$b" | sort -u)" = "0,1" ]
    BEAT_TOPOLOGY="$xml" OMP_NUM_THREADS=4 GOMP_CPU_AFFINITY=0-1 where "$b"
    [ "$(awk '$1 == "region" { print $10 }' "$b" | sort -u)" = "0,1" ]
    BEAT_TOPOLOGY="$xml" OMP_NUM_THREADS=4 where "$b" taskset -c 1
    [ "$(awk '$1 == "region" { print $10 }' "$b" | sort -u)" = "1" ]
    command -v strace >/dev/null || skip "strace not installed"
    [ "$(affinity_calls BEAT_TOPOLOGY="$xml" OMP_NUM_THREADS=4 OMP_PROC_BIND=false)" -eq 0 ]
}

@test "BEAT_TOPOLOGY whose second node has only CPUs that do not exist here: nothing bound" {
    require_beat
    local n xml b="$BATS_TEST_TMPDIR/b"
    n=$(nproc --all)
    xml=$(topology_xml "node:2 pu:$n")
    BEAT_TOPOLOGY="$xml" OMP_NUM_THREADS=4 where "$b"
    [ "$(awk '$1 == "region" { print $10 }' "$b" | sort -u | wc -l)" -eq 1 ]
    command -v strace >/dev/null || skip "strace not installed"
    [ "$(affinity_calls BEAT_TOPOLOGY="$xml" OMP_NUM_THREADS=4)" -eq 0 ]
}
