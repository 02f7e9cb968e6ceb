# Shared helpers for the beat bats suites: `load helpers` from each tests/*.bats.
#
# - Programs live in tests/programs/NAME.c and are built on demand into
#   build/tests/NAME (relative to the repository root), only when the binary is
#   missing or older than its source (or than programs/common.h).  Builds go to
#   a temporary file that is renamed into place, so suites may run in parallel.
# - BEAT_LIB names the runtime under test (default: $ROOT/libbeat.so).  Any
#   other preloadable OpenMP runtime can stand in for it, e.g.
#   BEAT_LIB=/usr/lib/llvm-14/lib/libomp.so.5; checks of beat's own messages
#   are then skipped (see require_beat).
# - Every program run goes through `timeout` ($RUN_TIMEOUT seconds).
# - Each suite has one quick test with "[quick]" in its name:
#   `bats -f '\[quick\]' tests/` is a fast smoke run.

# shellcheck disable=SC2034  # GOMP_*/BEAT_* result variables are read by the suites
TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$TESTS_DIR")"
PROG_DIR="$TESTS_DIR/programs"
BUILD_DIR="$ROOT/build/tests"
: "${BEAT_LIB:=$ROOT/libbeat.so}"
: "${RUN_TIMEOUT:=60}"
export BEAT_LIB

# The runtime libgomp programs load without a preload (used to compare exports).
libgomp_path() {
    local p
    p=$(ldconfig -p 2>/dev/null | awk '/libgomp\.so\.1 .*x86-64/ {print $NF; exit}')
    [ -n "$p" ] || p=/lib/x86_64-linux-gnu/libgomp.so.1
    readlink -f "$p"
}

# Compiler flags per program: acc_* use OpenACC, nonomp_* no OpenMP at all,
# pt_* (pthread programs) only pthreads but pt_mixed, which uses both.
program_cflags() {
    case "$1" in
        acc_*) echo "-O2 -fopenacc -foffload=disable" ;;
        nonomp_*) echo "-O2" ;;
        pt_mixed) echo "-O2 -pthread -fopenmp -foffload=disable" ;;
        pt_*) echo "-O2 -pthread" ;;
        *) echo "-O2 -fopenmp -foffload=disable" ;;
    esac
}

# Libraries a program needs beyond libm.
program_libs() {
    case "$1" in
        numa_*) echo "-lnuma" ;;
        task_edges) echo "-lpthread" ;;
    esac
}

# build_program NAME: make build/tests/NAME from tests/programs/NAME.c (or
# NAME.cpp, built with g++) if stale: older than its source or a header there.
build_program() {
    local name=$1
    local src="$PROG_DIR/$name.c" bin="$BUILD_DIR/$name" cc=gcc
    if [ ! -f "$src" ] && [ -f "$PROG_DIR/$name.cpp" ]; then
        src="$PROG_DIR/$name.cpp"
        cc=g++
    fi
    if [ ! -f "$src" ]; then
        echo "no such test program: $src" >&2
        return 1
    fi
    local fresh=0 h
    if [ -x "$bin" ] && [ "$bin" -nt "$src" ]; then
        fresh=1
        for h in "$PROG_DIR"/*.h; do
            [ "$bin" -nt "$h" ] || fresh=0
        done
    fi
    [ "$fresh" -eq 1 ] && return 0
    mkdir -p "$BUILD_DIR"
    local tmp="$bin.tmp.$$.${BASHPID:-0}.$RANDOM"
    # shellcheck disable=SC2046
    if ! "$cc" $(program_cflags "$name") -o "$tmp" "$src" -lm $(program_libs "$name"); then
        rm -f "$tmp"
        echo "failed to build $src" >&2
        return 1
    fi
    mv -f "$tmp" "$bin"
}

# require_numa_nodes: sets nodes (the machine's NUMA nodes), or skips the
# test below two, saying how to run it.
require_numa_nodes() {
    nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
    [ "$nodes" -ge 2 ] || skip "needs two NUMA nodes (found $nodes): run make numa-check"
}

# Fail the test (not skip) when the library under test is missing.
require_beat_lib() {
    if [ ! -f "$BEAT_LIB" ]; then
        echo "BEAT_LIB=$BEAT_LIB does not exist (run make first)" >&2
        return 1
    fi
}

# True when BEAT_LIB is beat itself rather than a stand-in runtime.
is_beat() {
    case "$(basename "$BEAT_LIB")" in
        libbeat*) return 0 ;;
        *) return 1 ;;
    esac
}

# Skip a check of beat's own behaviour (messages, exports) under a stand-in.
require_beat() {
    is_beat || skip "beat-specific check; BEAT_LIB=$BEAT_LIB is a stand-in"
}

# run_gomp OUTPREFIX THREADS CMD...: run under GNU libgomp (no preload).
# Leaves OUTPREFIX.out / OUTPREFIX.err and returns the exit status.
# libgomp is only the reference for the output here; its default spin
# (GOMP_SPINCOUNT=300000) makes it crawl on a busy 2-core machine, so unless
# the caller sets GOMP_SPINCOUNT or OMP_WAIT_POLICY its spin is shortened.
# Beat runs always get the caller's environment unchanged.
run_gomp() {
    local prefix=$1 threads=$2
    shift 2
    local spin=()
    if [ -z "${GOMP_SPINCOUNT+x}" ] && [ -z "${OMP_WAIT_POLICY+x}" ]; then
        spin=(GOMP_SPINCOUNT=1000)
    fi
    timeout -k 5 "$RUN_TIMEOUT" env -u LD_PRELOAD OMP_NUM_THREADS="$threads" "${spin[@]}" \
        "$@" >"$prefix.out" 2>"$prefix.err" </dev/null
}

# run_beat OUTPREFIX THREADS CMD...: run with LD_PRELOAD=$BEAT_LIB.  The
# preload is set by env after timeout, so only CMD (not timeout) loads beat.
run_beat() {
    local prefix=$1 threads=$2
    shift 2
    timeout -k 5 "$RUN_TIMEOUT" env LD_PRELOAD="$BEAT_LIB" OMP_NUM_THREADS="$threads" \
        "$@" >"$prefix.out" 2>"$prefix.err" </dev/null
}

# Describe a failed run: exit status (124/137 = timeout) and the stderr tail.
explain_failure() {
    local what=$1 rc=$2 prefix=$3
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "$what: timed out after ${RUN_TIMEOUT}s (exit $rc)"
    elif [ "$rc" -gt 128 ]; then
        echo "$what: killed by signal $((rc - 128)) (exit $rc)"
    else
        echo "$what: exit status $rc"
    fi
    echo "--- $what stderr (last 20 lines) ---"
    tail -n 20 "$prefix.err"
    echo "--- $what stdout (last 10 lines) ---"
    tail -n 10 "$prefix.out"
}

# run_both NAME THREADS [ARGS...]: run build/tests/NAME under libgomp and under
# beat with OMP_NUM_THREADS=THREADS (other OMP_* settings come from the caller's
# environment, e.g. `OMP_SCHEDULE=guided run_both loops 2`).  Both must exit 0
# and print the same stdout.  Afterwards GOMP_OUT/GOMP_ERR/BEAT_OUT/BEAT_ERR
# name the captured files.
run_both() {
    local name=$1 threads=$2
    shift 2
    require_beat_lib
    build_program "$name"
    local bin="$BUILD_DIR/$name"
    local dir="${BATS_TEST_TMPDIR:-$(mktemp -d)}"
    local tag="$name.t$threads.$RANDOM"
    local g="$dir/$tag.gomp" b="$dir/$tag.beat"
    GOMP_OUT="$g.out" GOMP_ERR="$g.err" BEAT_OUT="$b.out" BEAT_ERR="$b.err"
    local rc_g=0 rc_b=0
    run_gomp "$g" "$threads" "$bin" "$@" || rc_g=$?
    run_beat "$b" "$threads" "$bin" "$@" || rc_b=$?
    local bad=0
    if [ "$rc_g" -ne 0 ]; then
        explain_failure "libgomp run of $name ($threads threads)" "$rc_g" "$g"
        bad=1
    fi
    if [ "$rc_b" -ne 0 ]; then
        explain_failure "beat run of $name ($threads threads)" "$rc_b" "$b"
        bad=1
    fi
    if [ "$bad" -eq 0 ] && ! cmp -s "$g.out" "$b.out"; then
        echo "stdout of $name ($threads threads) differs: libgomp (-) vs beat (+)"
        diff -u "$g.out" "$b.out" | head -n 60
        echo "--- beat stderr (last 10 lines) ---"
        tail -n 10 "$b.err"
        bad=1
    fi
    return "$bad"
}

# run_beat_only NAME THREADS [ARGS...]: build and run NAME under beat only;
# sets BEAT_OUT/BEAT_ERR and BEAT_RC (does not fail by itself).
run_beat_only() {
    local name=$1 threads=$2
    shift 2
    require_beat_lib
    build_program "$name"
    local dir="${BATS_TEST_TMPDIR:-$(mktemp -d)}"
    local b="$dir/$name.t$threads.$RANDOM.beat"
    BEAT_OUT="$b.out" BEAT_ERR="$b.err" BEAT_RC=0
    run_beat "$b" "$threads" "$BUILD_DIR/$name" "$@" || BEAT_RC=$?
}

# run_gomp_only NAME THREADS [ARGS...]: the same under libgomp.
run_gomp_only() {
    local name=$1 threads=$2
    shift 2
    build_program "$name"
    local dir="${BATS_TEST_TMPDIR:-$(mktemp -d)}"
    local g="$dir/$name.t$threads.$RANDOM.gomp"
    GOMP_OUT="$g.out" GOMP_ERR="$g.err" GOMP_RC=0
    run_gomp "$g" "$threads" "$BUILD_DIR/$name" "$@" || GOMP_RC=$?
}

# take_prefix WORD... -- ARGS...: the words before "--" (a command prefix such
# as `taskset -c 0`) into the array PREFIX, and in PREFIX_SHIFT how many
# arguments (the "--" included) the caller shifts to reach ARGS.
take_prefix() {
    PREFIX=()
    PREFIX_SHIFT=0
    while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
        PREFIX+=("$1")
        shift
        PREFIX_SHIFT=$((PREFIX_SHIFT + 1))
    done
    [ "$#" -gt 0 ] && PREFIX_SHIFT=$((PREFIX_SHIFT + 1))
    return 0
}
