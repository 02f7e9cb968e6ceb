# Shared by pthread.bats and pthread_real.bats: a command run without beat and
# under beat in each BEAT_PTHREAD mode, and the reading of the pthreads lines
# of BEAT_STATS.
#
# - PT_MODES: the modes compare_modes runs (default: all four), e.g.
#   PT_MODES=task bats tests/pthread.bats.
# - Beat runs get BEAT_STATS=1 (the default mode, observe, runs without it in
#   nonomp.bats); apart from "beat: stats:" lines (and the memory gate's one
#   line when pressure is critical) beat may add nothing to stderr.
# - Everything that knows the format of the pthreads stats lines is in
#   pthread_stat and pthread_mode below (STATS FORMAT).

: "${PT_MODES:=off observe place task}"

# pt_plain PREFIX CMD...: CMD without the preload (libgomp, for pt_mixed, with
# a short spin); leaves PREFIX.out / PREFIX.err, returns the exit status.
pt_plain() {
    local prefix=$1
    shift
    timeout -k 5 "$RUN_TIMEOUT" env -u LD_PRELOAD GOMP_SPINCOUNT=1000 "$@" \
        >"$prefix.out" 2>"$prefix.err" </dev/null
}

# pt_beat PREFIX MODE CMD...: CMD under beat with BEAT_PTHREAD=MODE (MODE "-":
# the variable unset) and BEAT_STATS=1; the same files and status.
pt_beat() {
    local prefix=$1 mode=$2
    shift 2
    local setting=(BEAT_PTHREAD="$mode")
    [ "$mode" = - ] && setting=(-u BEAT_PTHREAD)
    timeout -k 5 "$RUN_TIMEOUT" env "${setting[@]}" BEAT_STATS=1 LD_PRELOAD="$BEAT_LIB" "$@" \
        >"$prefix.out" 2>"$prefix.err" </dev/null
}

# same_as_plain WHAT PLAIN RC_PLAIN BEAT RC_BEAT: the beat run (prefix BEAT)
# exited as the plain one did, printed the same stdout, and added nothing to
# stderr but beat's statistics. Says what differs.
same_as_plain() {
    local what=$1 plain=$2 rc_p=$3 beat=$4 rc_b=$5
    if [ "$rc_b" -ne "$rc_p" ]; then
        explain_failure "$what (the run without beat exited $rc_p)" "$rc_b" "$beat"
        return 1
    fi
    if ! cmp -s "$plain.out" "$beat.out"; then
        echo "$what: stdout differs from the run without beat (-)"
        diff -u "$plain.out" "$beat.out" | head -n 40
        echo "--- $what stderr (last 10 lines) ---"
        tail -n 10 "$beat.err"
        return 1
    fi
    # the one line the memory gate prints the first time pressure is critical
    grep -v -e '^beat: stats: ' -e '^beat: warning: memory pressure is critical: ' "$beat.err" >"$beat.rest" || true
    if ! cmp -s "$plain.err" "$beat.rest"; then
        echo "$what: stderr beyond the statistics differs from the run without beat (-)"
        diff -u "$plain.err" "$beat.rest" | head -n 20
        return 1
    fi
}

# compare_modes TAG CMD...: CMD without beat (which must exit 0) and under
# beat in every mode of PT_MODES: the same exit status, stdout and stderr.
# All modes run even when one fails. Leaves $BATS_TEST_TMPDIR/TAG.plain.* and
# TAG.MODE.* (.out, .err) for the caller's further checks.
compare_modes() {
    local tag=$1
    shift
    local d=$BATS_TEST_TMPDIR rc_p=0 bad=0 mode rc_b
    pt_plain "$d/$tag.plain" "$@" || rc_p=$?
    if [ "$rc_p" -ne 0 ]; then
        explain_failure "$tag without beat" "$rc_p" "$d/$tag.plain"
        return 1
    fi
    for mode in $PT_MODES; do
        rc_b=0
        pt_beat "$d/$tag.$mode" "$mode" "$@" || rc_b=$?
        same_as_plain "$tag with BEAT_PTHREAD=$mode" "$d/$tag.plain" "$rc_p" "$d/$tag.$mode" "$rc_b" || bad=1
    done
    return "$bad"
}

# compare_program NAME [ARGS...]: compare_modes for build/tests/NAME.
compare_program() {
    local name=$1
    shift
    build_program "$name"
    compare_modes "$name" "$BUILD_DIR/$name" "$@"
}

# STATS FORMAT (issue 12). The lines this reads, as BEAT_STATS=1 prints them:
#   beat: stats: pthreads: mode task; created 120 (as threads 20, as tasks 100), joined 118, detached 2; starts deferred 0; compensation workers 0
#   beat: stats: pthreads: fingerprints 3 (short 2, long 0, blocking 1)
# pthread_stat ERRFILE FIELD: the number after FIELD ("created", "as tasks",
# "joined", "starts deferred", "fingerprints", "blocking", ...) in the first
# pthreads line that has it; empty if none has.
pthread_stat() {
    grep '^beat: stats: pthreads: ' "$1" | sed -n "s/.*[ (]$2 \([0-9][0-9]*\).*/\1/p" | head -n 1
}

# pthread_mode ERRFILE: the mode the pthreads line names; empty without one.
pthread_mode() {
    sed -n 's/^beat: stats: pthreads: mode \([a-z]*\);.*/\1/p' "$1" | head -n 1
}

# stat_at_least ERRFILE FIELD MIN: FIELD is there and at least MIN; says so if not.
stat_at_least() {
    local v
    v=$(pthread_stat "$1" "$2")
    if [ -z "$v" ] || [ "$v" -lt "$3" ]; then
        echo "BEAT_STATS: '$2' is '${v:-missing}', expected at least $3 ($1):"
        grep '^beat: stats: pthreads' "$1" || echo "(no pthreads line)"
        return 1
    fi
}

# stat_equals ERRFILE FIELD VALUE: FIELD is there and equals VALUE.
stat_equals() {
    local v
    v=$(pthread_stat "$1" "$2")
    if [ "$v" != "$3" ]; then
        echo "BEAT_STATS: '$2' is '${v:-missing}', expected $3 ($1):"
        grep '^beat: stats: pthreads' "$1" || echo "(no pthreads line)"
        return 1
    fi
}
