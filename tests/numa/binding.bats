#!/usr/bin/env bats
# Binding on a real multi-node kernel: numa_domains and ll_caches places,
# spread and close over nodes (compared with libgomp where libgomp is
# right), and node-wide binding of workers when no binding is asked for
# (shim/node_bind.c): each worker's mask is one whole node's CPUs (those the
# process may use), the team uses every node it can, the primary thread
# keeps its mask, and OMP_PROC_BIND=false, explicit places or a start mask
# inside one node bind nothing. Run inside numa-vm:
#   numa-vm --nodes 2 --cpus 4 -- bats tests/numa/binding.bats
#   numa-vm --nodes 4 --cpus 4 -- bats tests/numa/binding.bats
# Outside a multi-node machine every test skips, saying why.

load ../helpers

setup() {
    require_beat_lib
    require_numa_nodes
    local v
    for v in $(env | awk -F= '/^(OMP_|GOMP_|BEAT_TOPOLOGY)/ {print $1}'); do
        unset "$v"
    done
    build_program numa_where
    build_program places
    START_MASK=$(expand_list "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)")
}

# expand_list "0-2,5": "0,1,2,5".
expand_list() {
    local out="" part a b
    local IFS=,
    for part in $1; do
        a=${part%-*}
        b=${part#*-}
        while [ "$a" -le "$b" ]; do
            out="$out${out:+,}$a"
            a=$((a + 1))
        done
    done
    echo "$out"
}

# node_cpus N: the CPUs of node N ("0,1").
node_cpus() {
    expand_list "$(cat "/sys/devices/system/node/node$1/cpulist")"
}

# where_beat OUT [PREFIX...] -- ARGS: numa_where under beat (PREFIX: e.g.
# taskset -c 0,1); where_gomp the same under libgomp.
where_run() {
    local out=$1 preload=$2
    shift 2
    local prefix=()
    take_prefix "$@"
    shift "$PREFIX_SHIFT"
    prefix=("${PREFIX[@]}")
    local rc=0
    if [ -n "$preload" ]; then
        timeout -k 5 "$RUN_TIMEOUT" env LD_PRELOAD="$BEAT_LIB" "${prefix[@]}" \
            "$BUILD_DIR/numa_where" "$@" >"$out" 2>"$out.err" </dev/null || rc=$?
    else
        timeout -k 5 "$RUN_TIMEOUT" env -u LD_PRELOAD GOMP_SPINCOUNT=1000 "${prefix[@]}" \
            "$BUILD_DIR/numa_where" "$@" >"$out" 2>"$out.err" </dev/null || rc=$?
    fi
    [ "$rc" -eq 0 ] || { echo "numa_where exit $rc"; cat "$out.err"; return 1; }
    cat "$out"
}
where_beat() { local o=$1; shift; where_run "$o" 1 "$@"; }
where_gomp() { local o=$1; shift; where_run "$o" "" "$@"; }

# Fields of a numa_where line: $4 thread, $6 cpu, $8 node, $10 mask,
# $12 mask's nodes, $14 bind-var, $16 place.

# none FILE AWK-CONDITION [AWK-ARGS...]: no region line of FILE meets the
# condition (those that do are shown).
none() {
    local file=$1 cond=$2
    shift 2
    local bad
    bad=$(awk "$@" '$1 == "region" && ('"$cond"')' "$file")
    [ -z "$bad" ] || { echo "unexpected: $bad"; return 1; }
}

# masks_whole_nodes FILE: every worker (thread > 0 at the outer level) has a
# mask on one node holding every CPU of that node; the primary keeps START_MASK.
masks_whole_nodes() {
    local line thread mask mnodes
    while read -r _ _ _ thread _ _ _ _ _ mask _ mnodes _; do
        case "$thread" in
            0.0)
                [ "$mask" = "$START_MASK" ] || { echo "primary moved: $mask"; return 1; } ;;
            *.0)
                case "$mnodes" in *,*) echo "thread $thread spans nodes $mnodes"; return 1 ;; esac
                [ "$mask" = "$(node_cpus "$mnodes")" ] ||
                    { echo "thread $thread mask $mask is not node $mnodes"; return 1; } ;;
        esac
    done < <(grep '^region' "$1")
}

# distinct_worker_nodes FILE REGION: the nodes the workers' masks are on.
distinct_worker_nodes() {
    awk -v r="$2" '$1 == "region" && $2 == r && $4 != "0.0" { print $12 }' "$1" | sort -u | wc -l
}

# thread_binds [PREFIX...] -- CMD...: how many pthread_setaffinity_np calls
# CMD makes ("skip" without strace). PREFIX (e.g. taskset) runs outside
# strace. Only calls naming a thread count: hwloc's own probe (it binds the
# main thread to each CPU in turn, then back, with sched_setaffinity(0, ...))
# when numa.c loads the topology is not a binding.
thread_binds() {
    command -v strace >/dev/null || { echo skip; return 0; }
    local prefix=()
    take_prefix "$@"
    shift "$PREFIX_SHIFT"
    prefix=("${PREFIX[@]}")
    local log="$BATS_TEST_TMPDIR/strace.$RANDOM"
    timeout -k 5 "$RUN_TIMEOUT" "${prefix[@]}" strace -f -e trace=sched_setaffinity -o "$log" \
        "$@" >/dev/null 2>&1 </dev/null
    grep -c 'sched_setaffinity([1-9]' "$log" || true
}

# ------------------------------------------------------------- places
@test "numa_domains: the place list and every partition match libgomp" {
    local pb sizes g b
    for pb in spread close; do
        for sizes in "4 2 1"; do
            g="$BATS_TEST_TMPDIR/g.$RANDOM" b="$BATS_TEST_TMPDIR/b.$RANDOM"
            # shellcheck disable=SC2086
            OMP_PLACES=numa_domains OMP_PROC_BIND=$pb timeout -k 5 "$RUN_TIMEOUT" env -u LD_PRELOAD \
                GOMP_SPINCOUNT=1000 "$BUILD_DIR/places" $sizes | sort >"$g"
            # shellcheck disable=SC2086
            OMP_PLACES=numa_domains OMP_PROC_BIND=$pb timeout -k 5 "$RUN_TIMEOUT" env \
                LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/places" $sizes | sort >"$b"
            diff -u "$g" "$b"
        done
    done
    # one place per node, each with that node's CPUs
    OMP_PLACES=numa_domains OMP_PROC_BIND=true LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/places" 1 1 1 | head -1 >"$b"
    cat "$b"
    grep -q "^places $nodes: " "$b"
    for n in $(seq 0 $((nodes - 1))); do
        grep -q "{$(node_cpus "$n")}" "$b"
    done
}

@test "numa_domains spread, 2 threads: one thread on each node, as libgomp" {
    OMP_PLACES=numa_domains OMP_PROC_BIND=spread OMP_NUM_THREADS=2 where_beat "$BATS_TEST_TMPDIR/b" -- 2
    OMP_PLACES=numa_domains OMP_PROC_BIND=spread OMP_NUM_THREADS=2 where_gomp "$BATS_TEST_TMPDIR/g" -- 2
    # thread 0 on node 0's place 0, thread 1 on the next node's place
    awk '$4 == "0.0" && !($10 == "'"$(node_cpus 0)"'" && $16 == 0) { exit 1 }' "$BATS_TEST_TMPDIR/b"
    [ "$(distinct_worker_nodes "$BATS_TEST_TMPDIR/b" 0)" -eq 1 ]
    [ "$(awk '$1 == "region" { print $12 }' "$BATS_TEST_TMPDIR/b" | sort -u | wc -l)" -eq 2 ]
    # mask, its nodes, bind-var and place are libgomp's
    diff <(awk '{ print $2, $4, $10, $12, $14, $16 }' "$BATS_TEST_TMPDIR/g") \
        <(awk '{ print $2, $4, $10, $12, $14, $16 }' "$BATS_TEST_TMPDIR/b")
}

@test "numa_domains close with twice as many threads as nodes: two per node, as libgomp" {
    local t=$((2 * nodes))
    OMP_PLACES=numa_domains OMP_PROC_BIND=close OMP_NUM_THREADS=$t where_beat "$BATS_TEST_TMPDIR/b" -- 1
    OMP_PLACES=numa_domains OMP_PROC_BIND=close OMP_NUM_THREADS=$t where_gomp "$BATS_TEST_TMPDIR/g" -- 1
    [ "$(awk '$1 == "region" { print $12 }' "$BATS_TEST_TMPDIR/b" | sort | uniq -c | awk '$1 != 2' | wc -l)" -eq 0 ]
    diff <(awk '{ print $2, $4, $10, $12, $14, $16 }' "$BATS_TEST_TMPDIR/g") \
        <(awk '{ print $2, $4, $10, $12, $14, $16 }' "$BATS_TEST_TMPDIR/b")
}

# The last-level cache groups the kernel reports: one line per group.
llc_groups() {
    local c d idx best
    for c in /sys/devices/system/cpu/cpu[0-9]*; do
        best=""
        for d in "$c"/cache/index[0-9]*; do
            [ -f "$d/level" ] || continue
            idx=$(cat "$d/level")
            if [ -z "$best" ] || [ "$idx" -ge "$(cat "$best/level")" ]; then best=$d; fi
        done
        [ -n "$best" ] && expand_list "$(cat "$best/shared_cpu_list")"
    done | sort -u -t, -k1,1n
}

@test "ll_caches: one place per last-level cache group (libgomp 12 reads only the first CPU's group)" {
    local groups
    groups=$(llc_groups)
    [ -n "$groups" ] || skip "the kernel reports no caches"
    echo "groups: $groups"
    OMP_PLACES=ll_caches OMP_PROC_BIND=true LD_PRELOAD="$BEAT_LIB" timeout 60 "$BUILD_DIR/places" 1 1 1 |
        head -1 >"$BATS_TEST_TMPDIR/b"
    cat "$BATS_TEST_TMPDIR/b"
    local want
    want="places $(echo "$groups" | wc -l):$(echo "$groups" | sed 's/^/ {/; s/$/}/' | tr -d '\n')"
    [ "$(cat "$BATS_TEST_TMPDIR/b")" = "$want" ]
    # spread over them: one thread per group
    local n
    n=$(echo "$groups" | wc -l)
    OMP_PLACES=ll_caches OMP_PROC_BIND=spread OMP_NUM_THREADS=$n where_beat "$BATS_TEST_TMPDIR/w" -- 1
    [ "$(awk '$1 == "region" { print $10 }' "$BATS_TEST_TMPDIR/w" | sort -u | wc -l)" -eq "$n" ]
}

# ------------------------------------------------------- node-wide binding
@test "no binding asked: workers' masks are whole nodes, every node is used, the primary keeps its mask" {
    local t
    for t in 2 4; do
        OMP_NUM_THREADS=$t where_beat "$BATS_TEST_TMPDIR/b$t" -- 3
        masks_whole_nodes "$BATS_TEST_TMPDIR/b$t"
        # not a place binding: bind-var false, no place, no places
        grep -q '^places 0$' "$BATS_TEST_TMPDIR/b$t"
        none "$BATS_TEST_TMPDIR/b$t" '$14 != 0 || $16 != -1'
        local want=$((t - 1 < nodes ? t - 1 : nodes)) r
        for r in 0 1 2; do
            [ "$(distinct_worker_nodes "$BATS_TEST_TMPDIR/b$t" $r)" -eq "$want" ]
        done
    done
    # the binds are seen (the checks of no binding below can fail): each
    # worker binds once, and again only when the primary forms a team
    # from another node
    local n
    n=$(thread_binds -- env LD_PRELOAD="$BEAT_LIB" OMP_NUM_THREADS=4 "$BUILD_DIR/numa_where" 3)
    [ "$n" = skip ] || [ "$n" -ge 3 ]
}

@test "the check can fail: libgomp without binding leaves every mask whole" {
    OMP_NUM_THREADS=4 where_gomp "$BATS_TEST_TMPDIR/g" -- 1
    none "$BATS_TEST_TMPDIR/g" '$10 != m' -v m="$START_MASK"
    if masks_whole_nodes "$BATS_TEST_TMPDIR/g"; then false; fi
}

@test "nested teams stay inside their node partition" {
    OMP_NUM_THREADS=2 where_beat "$BATS_TEST_TMPDIR/b" -- 2 2
    local m10 m11 m01
    m10=$(awk '$2 == 1 && $4 == "1.0" { print $10 }' "$BATS_TEST_TMPDIR/b")
    m11=$(awk '$2 == 1 && $4 == "1.1" { print $10 }' "$BATS_TEST_TMPDIR/b")
    m01=$(awk '$2 == 1 && $4 == "0.1" { print $10 }' "$BATS_TEST_TMPDIR/b")
    [ -n "$m10" ]
    [ -n "$m11" ]
    [ -n "$m01" ]
    # two nodes: each outer thread's partition is its node; more: two nodes each
    if [ "$nodes" -eq 2 ]; then
        [ "$m11" = "$m10" ]
    else
        [ "$m11" != "$m10" ]
    fi
    [ "$m01" != "$m10" ]
    for m in "$m10" "$m11" "$m01"; do
        case "$m" in "$START_MASK") false ;; esac
    done
}

@test "OMP_PROC_BIND=false, OMP_PLACES without binding and GOMP_CPU_AFFINITY bind nothing" {
    local env
    for env in OMP_PROC_BIND=false "OMP_PLACES=cores OMP_PROC_BIND=false" GOMP_CPU_AFFINITY=0-3; do
        # shellcheck disable=SC2086
        OMP_NUM_THREADS=4 where_beat "$BATS_TEST_TMPDIR/b" env $env -- 2
        none "$BATS_TEST_TMPDIR/b" '$10 != m' -v m="$START_MASK"
    done
    local n
    n=$(thread_binds -- env LD_PRELOAD="$BEAT_LIB" OMP_PROC_BIND=false OMP_NUM_THREADS=4 "$BUILD_DIR/numa_where" 2)
    [ "$n" = skip ] || [ "$n" -eq 0 ]
}

@test "a start mask inside one node (taskset -c of node 0's CPUs) binds nothing" {
    local cpus
    cpus=$(node_cpus 0)
    OMP_NUM_THREADS=4 where_beat "$BATS_TEST_TMPDIR/b" taskset -c "$cpus" -- 2
    none "$BATS_TEST_TMPDIR/b" '$10 != m || $12 != 0' -v m="$cpus"
    local n
    n=$(thread_binds taskset -c "$cpus" -- env LD_PRELOAD="$BEAT_LIB" OMP_NUM_THREADS=4 "$BUILD_DIR/numa_where" 2)
    [ "$n" = skip ] || [ "$n" -eq 0 ]
}

@test "one CPU of each of two nodes (taskset): workers bound to the allowed CPU of their node only" {
    local a b
    a=$(node_cpus 0 | cut -d, -f1)
    b=$(node_cpus 1 | cut -d, -f1)
    OMP_NUM_THREADS=2 where_beat "$BATS_TEST_TMPDIR/b" taskset -c "$a,$b" -- 3
    # the worker's mask is one allowed CPU, never a CPU outside the start mask
    none "$BATS_TEST_TMPDIR/b" '$4 != "0.0" && $10 != a && $10 != b' -v a="$a" -v b="$b"
    none "$BATS_TEST_TMPDIR/b" '$4 == "0.0" && $10 != m' -v m="$a,$b"
    [ "$(distinct_worker_nodes "$BATS_TEST_TMPDIR/b" 0)" -eq 1 ]
}

@test "explicit OMP_PROC_BIND=true without OMP_PLACES binds as libgomp (one CPU per thread)" {
    OMP_PROC_BIND=true OMP_NUM_THREADS=4 where_beat "$BATS_TEST_TMPDIR/b" -- 1
    OMP_PROC_BIND=true OMP_NUM_THREADS=4 where_gomp "$BATS_TEST_TMPDIR/g" -- 1
    diff <(awk '{ print $2, $4, $10, $12, $14, $16 }' "$BATS_TEST_TMPDIR/g") \
        <(awk '{ print $2, $4, $10, $12, $14, $16 }' "$BATS_TEST_TMPDIR/b")
}
