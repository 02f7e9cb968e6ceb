#!/usr/bin/env bats
# OpenMP (and GOMP_*) environment variables: for each valid setting beat must
# report the same ICVs through the omp_get_* API (env_print) and run programs
# the same as libgomp; for each bad value beat must warn once on stderr with
# "beat: warning: NAME ... VALUE ... default" and behave as if it were unset.

load helpers

setup() {
    require_beat_lib
    # Start from a clean OpenMP environment: each test sets what it checks.
    local v
    for v in $(env | awk -F= '/^(OMP_|GOMP_)/ {print $1}'); do
        unset "$v"
    done
}

# env_same GROUPS THREADS VAR=VALUE...: env_print GROUPS under both runtimes.
env_same() {
    local groups=$1 threads=$2
    shift 2
    (
        # shellcheck disable=SC2163
        [ "$#" -eq 0 ] || export "$@"
        # shellcheck disable=SC2086
        run_both env_print "$threads" $groups
    )
}

@test "defaults: every ICV matches libgomp with no variable set [quick]" {
    run_both env_print 2
}

@test "defaults: every ICV matches libgomp with OMP_NUM_THREADS unset" {
    build_program env_print
    local g="$BATS_TEST_TMPDIR/g" b="$BATS_TEST_TMPDIR/b"
    timeout 60 env -u LD_PRELOAD -u OMP_NUM_THREADS "$BUILD_DIR/env_print" >"$g.out" 2>"$g.err"
    timeout 60 env -u OMP_NUM_THREADS LD_PRELOAD="$BEAT_LIB" "$BUILD_DIR/env_print" >"$b.out" 2>"$b.err"
    diff -u "$g.out" "$b.out"
}

# ---------------------------------------------------------------- OMP_NUM_THREADS
@test "OMP_NUM_THREADS=1" { env_same threads 1; }
@test "OMP_NUM_THREADS=3" { env_same threads 3; }
@test "OMP_NUM_THREADS=8" { env_same threads 8; }
@test "OMP_NUM_THREADS=4,2 (nested list)" { env_same "threads levels" "4,2"; }
@test "OMP_NUM_THREADS=2,2,2 (three levels)" { env_same "threads levels" "2,2,2"; }
@test "OMP_NUM_THREADS=3,1 with OMP_MAX_ACTIVE_LEVELS=2" {
    env_same "threads levels" "3,1" OMP_MAX_ACTIVE_LEVELS=2
}
@test "OMP_NUM_THREADS=4,2 runs the nested program the same" {
    run_both nested "4,2"
}

# ---------------------------------------------------------------- OMP_SCHEDULE
@test "OMP_SCHEDULE=dynamic,3" {
    env_same schedule 2 OMP_SCHEDULE=dynamic,3
    OMP_SCHEDULE=dynamic,3 run_both loops 2
}
@test "OMP_SCHEDULE=guided" {
    env_same schedule 2 OMP_SCHEDULE=guided
    OMP_SCHEDULE=guided run_both loops 2
}
@test "OMP_SCHEDULE=static" {
    env_same schedule 2 OMP_SCHEDULE=static
    OMP_SCHEDULE=static run_both loops 2
}
@test "OMP_SCHEDULE=static,10" {
    env_same schedule 2 OMP_SCHEDULE=static,10
    OMP_SCHEDULE=static,10 run_both ordered 2
}
@test "OMP_SCHEDULE=auto" {
    env_same schedule 2 OMP_SCHEDULE=auto
    OMP_SCHEDULE=auto run_both loops 2
}
@test "OMP_SCHEDULE=monotonic:dynamic" {
    env_same schedule 2 OMP_SCHEDULE=monotonic:dynamic
    OMP_SCHEDULE=monotonic:dynamic run_both loop_ull 2
}
@test "OMP_SCHEDULE=nonmonotonic:guided,5" {
    env_same schedule 2 OMP_SCHEDULE=nonmonotonic:guided,5
    OMP_SCHEDULE=nonmonotonic:guided,5 run_both parallel_for 2
}
@test "OMP_SCHEDULE=DYNAMIC (case-insensitive)" {
    env_same schedule 2 OMP_SCHEDULE=DYNAMIC
}

# ---------------------------------------------------------------- OMP_DYNAMIC / OMP_NESTED / levels / limit
@test "OMP_DYNAMIC=true" {
    env_same dynamic 2 OMP_DYNAMIC=true
    OMP_DYNAMIC=true run_both parallel 2
}
@test "OMP_DYNAMIC=false" { env_same "dynamic threads" 2 OMP_DYNAMIC=false; }
@test "OMP_NESTED=true" { env_same "nested levels threads" 2 OMP_NESTED=true; }
@test "OMP_NESTED=false" { env_same "nested levels threads" 2 OMP_NESTED=false; }
@test "OMP_NESTED=true with OMP_MAX_ACTIVE_LEVELS=2" {
    env_same "nested levels threads" 2 OMP_NESTED=true OMP_MAX_ACTIVE_LEVELS=2
}
@test "OMP_MAX_ACTIVE_LEVELS=0" { env_same "levels threads" 2 OMP_MAX_ACTIVE_LEVELS=0; }
@test "OMP_MAX_ACTIVE_LEVELS=1" { env_same "levels threads" 2 OMP_MAX_ACTIVE_LEVELS=1; }
@test "OMP_MAX_ACTIVE_LEVELS=2" { env_same "levels threads" 2 OMP_MAX_ACTIVE_LEVELS=2; }
@test "OMP_MAX_ACTIVE_LEVELS=3 runs the nested program the same" {
    OMP_MAX_ACTIVE_LEVELS=3 run_both nested 2
}
@test "OMP_THREAD_LIMIT=3 with OMP_NUM_THREADS=8" { env_same "limit threads" 8 OMP_THREAD_LIMIT=3; }
@test "OMP_THREAD_LIMIT=1" {
    env_same "limit threads" 4 OMP_THREAD_LIMIT=1
    OMP_THREAD_LIMIT=1 run_both task_fib 4
}
@test "OMP_THREAD_LIMIT=4 with nested OMP_NUM_THREADS=3,3" {
    env_same "limit threads levels" "3,3" OMP_THREAD_LIMIT=4
}

# ---------------------------------------------------------------- binding and places
@test "OMP_PROC_BIND=true" { env_same bind 2 OMP_PROC_BIND=true; }
@test "OMP_PROC_BIND=false" { env_same bind 2 OMP_PROC_BIND=false; }
@test "OMP_PROC_BIND=close" { env_same bind 2 OMP_PROC_BIND=close; }
@test "OMP_PROC_BIND=spread" { env_same bind 2 OMP_PROC_BIND=spread; }
@test "OMP_PROC_BIND=master" { env_same bind 2 OMP_PROC_BIND=master; }
@test "OMP_PROC_BIND=primary" { env_same bind 2 OMP_PROC_BIND=primary; }
@test "OMP_PROC_BIND=spread,close (list)" { env_same "bind threads" "2,2" OMP_PROC_BIND=spread,close; }
@test "OMP_PROC_BIND=close,master,false (list)" { env_same bind "2,2,2" OMP_PROC_BIND=close,master,false; }
@test "OMP_PROC_BIND=close runs the barrier program the same" {
    OMP_PROC_BIND=close run_both barrier 2
}
@test "OMP_PLACES=threads" { env_same "places bind" 2 OMP_PLACES=threads; }
@test "OMP_PLACES=cores" { env_same "places bind" 2 OMP_PLACES=cores; }
@test "OMP_PLACES=sockets" { env_same "places bind" 2 OMP_PLACES=sockets; }
@test "OMP_PLACES={0},{1}" { env_same "places bind" 2 "OMP_PLACES={0},{1}"; }
@test "OMP_PLACES={0:2}" { env_same "places bind" 2 "OMP_PLACES={0:2}"; }
@test "OMP_PLACES=threads with OMP_PROC_BIND=spread and 4 threads" {
    env_same "places bind" 4 OMP_PLACES=threads OMP_PROC_BIND=spread
}
@test "OMP_PLACES=cores with OMP_PROC_BIND=close runs tasks the same" {
    OMP_PLACES=cores OMP_PROC_BIND=close run_both task_single 2
}

# ---------------------------------------------------------------- OMP_STACKSIZE
# stack_big ARG: every worker thread fills an ARG KiB stack array.
@test "OMP_STACKSIZE=16M lets workers use 12000 KiB of stack (more than the 8 MiB default)" {
    OMP_STACKSIZE=16M run_both stack_big 4 12000
}
@test "OMP_STACKSIZE=8M with a 6000 KiB stack array" {
    OMP_STACKSIZE=8M run_both stack_big 4 6000
}
@test "OMP_STACKSIZE=100k with a 50 KiB stack array" {
    OMP_STACKSIZE=100k run_both stack_big 4 50
}
@test "OMP_STACKSIZE=32000 (no unit means KiB) with a 20000 KiB stack array" {
    OMP_STACKSIZE=32000 run_both stack_big 4 20000
}
@test "OMP_STACKSIZE=20971520B with a 16000 KiB stack array" {
    OMP_STACKSIZE=20971520B run_both stack_big 4 16000
}
@test "no OMP_STACKSIZE: workers can use 6000 KiB of stack like libgomp's default" {
    run_both stack_big 4 6000
}

# ---------------------------------------------------------------- waiting
@test "OMP_WAIT_POLICY=active" { OMP_WAIT_POLICY=active run_both barrier 2; }
@test "OMP_WAIT_POLICY=passive" {
    OMP_WAIT_POLICY=passive run_both barrier 8
    OMP_WAIT_POLICY=passive run_both task_single 2
}
@test "GOMP_SPINCOUNT=0" { GOMP_SPINCOUNT=0 run_both barrier 2; }
@test "GOMP_SPINCOUNT=10k" { GOMP_SPINCOUNT=10k run_both critical 2; }
@test "GOMP_SPINCOUNT=infinite" { GOMP_SPINCOUNT=infinite run_both single 2; }

# ---------------------------------------------------------------- other ICVs
@test "OMP_CANCELLATION=true" {
    env_same cancel 2 OMP_CANCELLATION=true
    OMP_CANCELLATION=true run_both cancel 2
    OMP_CANCELLATION=true run_both cancel 8
}
@test "OMP_CANCELLATION=false" {
    env_same cancel 2 OMP_CANCELLATION=false
    OMP_CANCELLATION=false run_both cancel 2
}
@test "OMP_MAX_TASK_PRIORITY=10" {
    env_same priority 2 OMP_MAX_TASK_PRIORITY=10
    OMP_MAX_TASK_PRIORITY=10 run_both task_clauses 2
}
@test "OMP_MAX_TASK_PRIORITY=0" { env_same priority 2 OMP_MAX_TASK_PRIORITY=0; }
@test "OMP_DEFAULT_DEVICE=0" { env_same device 2 OMP_DEFAULT_DEVICE=0; }
@test "OMP_DEFAULT_DEVICE=3" { env_same device 2 OMP_DEFAULT_DEVICE=3; }

# ---------------------------------------------------------------- OMP_DISPLAY_ENV
display_env_check() {
    local value=$1
    OMP_DISPLAY_ENV=$value run_both env_print 2 threads
    local f
    for f in "$GOMP_ERR" "$BEAT_ERR"; do
        if ! grep -q "OPENMP DISPLAY ENVIRONMENT BEGIN" "$f" || ! grep -q "OPENMP DISPLAY ENVIRONMENT END" "$f"; then
            echo "OMP_DISPLAY_ENV=$value: no display block on stderr of $f:"
            cat "$f"
            return 1
        fi
    done
    # The block must show the standard ICV variables.
    local v
    for v in OMP_NUM_THREADS OMP_SCHEDULE OMP_PROC_BIND OMP_DYNAMIC; do
        if ! grep -q "$v" "$BEAT_ERR"; then
            echo "beat's OMP_DISPLAY_ENV=$value output does not mention $v:"
            cat "$BEAT_ERR"
            return 1
        fi
    done
}
@test "OMP_DISPLAY_ENV=true prints the display block on stderr, stdout unchanged" {
    display_env_check true
}
@test "OMP_DISPLAY_ENV=verbose prints the display block on stderr, stdout unchanged" {
    display_env_check verbose
}
@test "OMP_DISPLAY_ENV=false prints nothing" {
    OMP_DISPLAY_ENV=false run_both env_print 2 threads
    if grep -q "OPENMP DISPLAY ENVIRONMENT" "$BEAT_ERR"; then
        echo "beat printed a display block with OMP_DISPLAY_ENV=false:"
        cat "$BEAT_ERR"
        return 1
    fi
}

# display_same NAME VALUE: with NAME=VALUE, OMP_DISPLAY_ENV's "NAME = ..." line
# is libgomp's, and beat warns about nothing.
display_same() {
    local name=$1 value=$2
    export "$name=$value"
    OMP_DISPLAY_ENV=true run_both env_print 2 threads
    local want got
    want=$(grep "^  $name = " "$GOMP_ERR")
    got=$(grep "^  $name = " "$BEAT_ERR")
    [ -n "$want" ] && [ "$want" = "$got" ] || { echo "libgomp: $want"; echo "beat: $got"; return 1; }
    is_beat || return 0
    ! grep -q "warning" "$BEAT_ERR" || { cat "$BEAT_ERR"; return 1; }
}
@test "OMP_ALLOCATOR=omp_high_bw_mem_alloc is displayed as libgomp displays it" {
    display_same OMP_ALLOCATOR omp_high_bw_mem_alloc
}
@test "OMP_TARGET_OFFLOAD=' disabled ': blanks around a word are ignored, as libgomp" {
    display_same OMP_TARGET_OFFLOAD " disabled "
}
@test "OMP_WAIT_POLICY='ACTIVE ': any case, blanks ignored" { display_same OMP_WAIT_POLICY "ACTIVE "; }

# ---------------------------------------------------------------- bad values
# bad_value NAME VALUE [GROUPS]: under beat the bad value must give exactly one
# "beat: warning: NAME" line on stderr naming the value and the default, and
# stdout must equal beat's (and libgomp's) stdout with NAME unset.
bad_value() {
    local name=$1 value=$2 groups=${3:-}
    build_program env_print
    local bin="$BUILD_DIR/env_print"
    local d="$BATS_TEST_TMPDIR"
    local rc=0
    local base=(OMP_NUM_THREADS=2)
    [ "$name" != OMP_NUM_THREADS ] || base=()
    # shellcheck disable=SC2086
    timeout 60 env "${base[@]}" "$name=$value" LD_PRELOAD="$BEAT_LIB" "$bin" $groups >"$d/bad.out" 2>"$d/bad.err" || rc=$?
    if [ "$rc" -ne 0 ]; then
        explain_failure "beat with $name='$value'" "$rc" "$d/bad"
        return 1
    fi
    # shellcheck disable=SC2086
    timeout 60 env -u "$name" "${base[@]}" LD_PRELOAD="$BEAT_LIB" "$bin" $groups >"$d/unset.out" 2>"$d/unset.err"
    # shellcheck disable=SC2086
    timeout 60 env -u "$name" -u LD_PRELOAD "${base[@]}" GOMP_SPINCOUNT=1000 "$bin" $groups >"$d/gomp.out" 2>"$d/gomp.err"
    if ! diff -u "$d/unset.out" "$d/bad.out"; then
        echo "beat with $name='$value' (+) differs from beat with $name unset (-)"
        return 1
    fi
    if ! diff -u "$d/gomp.out" "$d/bad.out"; then
        echo "beat with $name='$value' (+) differs from libgomp with $name unset (-)"
        return 1
    fi
    is_beat || return 0   # a stand-in runtime prints its own messages
    local lines
    lines=$(grep -c "^beat: warning: $name" "$d/bad.err" || true)
    if [ "$lines" -ne 1 ]; then
        echo "expected exactly one 'beat: warning: $name' line on stderr, got $lines:"
        cat "$d/bad.err"
        return 1
    fi
    local line
    line=$(grep "^beat: warning: $name" "$d/bad.err")
    if [[ "$line" != *"$value"* ]] || [[ "$line" != *default* ]]; then
        echo "warning line must contain the value '$value' and the word 'default':"
        echo "$line"
        return 1
    fi
}

@test "bad OMP_NUM_THREADS=abc warns and uses the default" { bad_value OMP_NUM_THREADS abc threads; }
@test "bad OMP_NUM_THREADS=-3" { bad_value OMP_NUM_THREADS -3 threads; }
@test "bad OMP_NUM_THREADS=0" { bad_value OMP_NUM_THREADS 0 threads; }
@test "bad OMP_SCHEDULE=bogus" { bad_value OMP_SCHEDULE bogus schedule; }
@test "bad OMP_SCHEDULE=dynamic,x" { bad_value OMP_SCHEDULE dynamic,x schedule; }
@test "bad OMP_DYNAMIC=maybe" { bad_value OMP_DYNAMIC maybe dynamic; }
@test "bad OMP_NESTED=perhaps" { bad_value OMP_NESTED perhaps "nested levels"; }
@test "bad OMP_MAX_ACTIVE_LEVELS=x" { bad_value OMP_MAX_ACTIVE_LEVELS x levels; }
@test "bad OMP_MAX_ACTIVE_LEVELS=-1" { bad_value OMP_MAX_ACTIVE_LEVELS -1 levels; }
@test "bad OMP_THREAD_LIMIT=abc" { bad_value OMP_THREAD_LIMIT abc limit; }
@test "bad OMP_THREAD_LIMIT=0" { bad_value OMP_THREAD_LIMIT 0 limit; }
@test "bad OMP_PROC_BIND=maybe" { bad_value OMP_PROC_BIND maybe bind; }
@test "bad OMP_PLACES=bogus" { bad_value OMP_PLACES bogus "places bind"; }
@test "bad OMP_STACKSIZE=12Q" { bad_value OMP_STACKSIZE 12Q threads; }
@test "bad OMP_STACKSIZE=abc" { bad_value OMP_STACKSIZE abc threads; }
@test "bad OMP_WAIT_POLICY=sometimes" { bad_value OMP_WAIT_POLICY sometimes threads; }
@test "bad GOMP_SPINCOUNT=lots" { bad_value GOMP_SPINCOUNT lots threads; }
@test "bad OMP_CANCELLATION=yesplease" { bad_value OMP_CANCELLATION yesplease cancel; }
@test "bad OMP_MAX_TASK_PRIORITY=-1" { bad_value OMP_MAX_TASK_PRIORITY -1 priority; }
@test "bad OMP_MAX_TASK_PRIORITY=abc" { bad_value OMP_MAX_TASK_PRIORITY abc priority; }
@test "bad OMP_DEFAULT_DEVICE=abc" { bad_value OMP_DEFAULT_DEVICE abc device; }
@test "bad OMP_DISPLAY_ENV=loud" { bad_value OMP_DISPLAY_ENV loud threads; }
@test "bad OMP_ALLOCATOR=bogus" { bad_value OMP_ALLOCATOR bogus threads; }

@test "GOMP_CPU_AFFINITY (not supported yet) says so once and the program runs" {
    require_beat
    GOMP_CPU_AFFINITY="0-1" run_beat_only task_fib 2
    [ "$BEAT_RC" -eq 0 ]
    run grep -c "GOMP_CPU_AFFINITY is not supported yet" "$BEAT_ERR"
    [ "$output" = 1 ]
    grep -q "RESULT: OK" "$BEAT_OUT"
}

# ---------------------------------------------------------------- the table
# table_defaults: "VARIABLE<tab>DEFAULT" for each row of the library's own
# table (beat-run --help-env; its cells are two blanks or more apart).
table_defaults() {
    "$ROOT/scripts/beat-run" --help-env | awk -F '  +' 'NR > 1 {print $1 "\t" $2}' | sort
}

# readme_defaults: the same from the README's environment table; a row that
# names several variables ("A, B" or "A / B") gives each the row's default.
readme_defaults() {
    sed -n '/^## Environment variables/,/^## /p' "$ROOT/README.md" |
        awk -F' *[|] *' '/^[|] [A-Z]/ {
            n = split($2, v, / *[,\/] */)
            for (i = 1; i <= n; i++) print v[i] "\t" $3
        }' | sort
}

table_vars() { table_defaults | cut -f1; }
readme_vars() { readme_defaults | cut -f1; }

@test "the README's environment table lists exactly the library's variables" {
    require_beat
    local t="$BATS_TEST_TMPDIR/table" r="$BATS_TEST_TMPDIR/readme"
    table_vars >"$t"
    readme_vars >"$r"
    [ -s "$t" ] || { echo "beat-run --help-env printed no variable"; return 1; }
    diff -u --label "libbeat.so's table" --label README.md "$t" "$r" || {
        echo "each variable must be one row of shim/config.c and one row of the README's table"
        return 1
    }
}

@test "the README's environment table gives each variable the library's default" {
    require_beat
    local t="$BATS_TEST_TMPDIR/table" r="$BATS_TEST_TMPDIR/readme"
    table_defaults >"$t"
    readme_defaults >"$r"
    diff -u --label "libbeat.so's table" --label README.md "$t" "$r" || {
        echo "a default is written once, in shim/config.c's row; the README must say the same"
        return 1
    }
}

@test "--help-env prints a default, a range and help for every variable" {
    require_beat
    run "$ROOT/scripts/beat-run" --help-env
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == VARIABLE*DEFAULT*RANGE*MEANING ]] || { echo "${lines[0]}"; return 1; }
    local line
    for line in "${lines[@]}"; do
        [ "$(awk -F '  +' '{print NF}' <<<"$line")" -eq 4 ] || { echo "not 4 cells: $line"; return 1; }
    done
}

# ---------------------------------------------------------------- BEAT_MALLOC_PRIME

@test "BEAT_MALLOC_PRIME: a 768 KiB block comes from the heap, as under libomp; false, or a threshold the user set, leaves it its own mapping, as under libgomp" {
    require_beat
    build_program malloc_threshold
    local d="$BATS_TEST_TMPDIR" bin="$BUILD_DIR/malloc_threshold"
    run_gomp "$d/g" 2 "$bin"
    grep -q "own mappings 1" "$d/g.out" || { cat "$d/g.out"; return 1; }
    run_beat "$d/b" 2 "$bin"
    grep -q "own mappings 0" "$d/b.out" || { cat "$d/b.out" "$d/b.err"; return 1; }
    run_beat "$d/off" 2 env BEAT_MALLOC_PRIME=false "$bin"
    grep -q "own mappings 1" "$d/off.out" || { cat "$d/off.out" "$d/off.err"; return 1; }
    run_beat "$d/user" 2 env GLIBC_TUNABLES=glibc.malloc.mmap_threshold=262144 "$bin"
    grep -q "own mappings 1" "$d/user.out" || { cat "$d/user.out" "$d/user.err"; return 1; }
}
