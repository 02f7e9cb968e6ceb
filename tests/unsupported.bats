#!/usr/bin/env bats
# Entry points beat does not implement must fail loudly (never fall through to
# libgomp), and a preloaded beat must really be the runtime the program binds to.

load helpers

setup() {
    require_beat_lib
}

@test "GOMP_parallel and omp_get_thread_num bind to BEAT_LIB, not libgomp (LD_DEBUG=bindings) [quick]" {
    build_program omp_api
    local log="$BATS_TEST_TMPDIR/bindings"
    timeout 60 env LD_DEBUG=bindings LD_DEBUG_OUTPUT="$log" OMP_NUM_THREADS=2 LD_PRELOAD="$BEAT_LIB" \
        "$BUILD_DIR/omp_api" >/dev/null
    local lib sym
    lib=$(basename "$BEAT_LIB")
    for sym in GOMP_parallel omp_get_thread_num omp_get_num_threads; do
        local lines
        lines=$(cat "$log".* | grep "normal symbol \`$sym'" || true)
        if [ -z "$lines" ]; then
            echo "no binding for $sym found in the LD_DEBUG log"
            return 1
        fi
        if grep -v "to [^ ]*/$lib \[" <<<"$lines" | grep -q .; then
            echo "$sym is bound to something other than $lib:"
            echo "$lines"
            return 1
        fi
    done
}

@test "libgomp still provides the OpenACC entry acc_get_num_devices (sanity)" {
    run_gomp_only acc_host 1
    [ "$GOMP_RC" -eq 0 ]
    grep -q "host devices 1" "$GOMP_OUT"
}

@test "acc_get_num_devices under beat exits non-zero with 'beat: acc_get_num_devices is not supported yet'" {
    require_beat
    run_beat_only acc_host 1
    if [ "$BEAT_RC" -eq 0 ]; then
        echo "acc_host exited 0 under beat (it must fail loudly); stdout:"
        cat "$BEAT_OUT"
        return 1
    fi
    if [ "$BEAT_RC" -eq 124 ] || [ "$BEAT_RC" -eq 137 ]; then
        echo "acc_host timed out under beat"
        return 1
    fi
    if ! grep -Eq "beat: acc_get_num_devices is not supported \(?yet\)?" "$BEAT_ERR"; then
        echo "stderr lacks 'beat: acc_get_num_devices is not supported yet':"
        cat "$BEAT_ERR"
        return 1
    fi
}

@test "an OpenACC parallel region (GOACC_parallel_keyed) under beat fails naming the GOACC_ entry" {
    require_beat
    run_gomp_only acc_parallel 1
    [ "$GOMP_RC" -eq 0 ]
    run_beat_only acc_parallel 1
    if [ "$BEAT_RC" -eq 0 ] || [ "$BEAT_RC" -eq 124 ] || [ "$BEAT_RC" -eq 137 ]; then
        echo "acc_parallel exit status $BEAT_RC under beat (must fail loudly, not hang or succeed)"
        cat "$BEAT_OUT" "$BEAT_ERR"
        return 1
    fi
    if ! grep -Eq "beat: GOACC_[A-Za-z_]+ is not supported \(?yet\)?" "$BEAT_ERR"; then
        echo "stderr lacks 'beat: GOACC_... is not supported yet':"
        cat "$BEAT_ERR"
        return 1
    fi
}

@test "beat defines every symbol (with its version) that the system libgomp exports" {
    require_beat
    local gomp
    gomp=$(libgomp_path)
    [ -f "$gomp" ]
    local want="$BATS_TEST_TMPDIR/want" have="$BATS_TEST_TMPDIR/have"
    nm -D --defined-only --with-symbol-versions "$gomp" | awk '{print $3}' | sed 's/@@/@/' | sort -u >"$want"
    nm -D --defined-only --with-symbol-versions "$BEAT_LIB" | awk '{print $3}' | sed 's/@@/@/' | sort -u >"$have"
    local missing
    missing=$(comm -23 "$want" "$have")
    if [ -n "$missing" ]; then
        echo "$(wc -l <<<"$missing") libgomp symbols missing from $BEAT_LIB, e.g.:"
        head -n 40 <<<"$missing"
        return 1
    fi
}
