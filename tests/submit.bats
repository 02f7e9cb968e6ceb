#!/usr/bin/env bats
# submit.bats: the integration manager (shim/submit.c), the one decision
# point for every new task. Each phase of submit_fates disposes of its tasks
# one way; its output must match libgomp's, and BEAT_STATS' decision line
# must count that way. Also: the layering it stands on (scripts/check-layers).

load helpers

# decision FIELD: the count after "FIELD " on beat's decisions line.
decision() {
    sed -n "s/^beat: stats: decisions: .*$1 \([0-9]*\).*/\1/p" "$BEAT_ERR"
}

decisions_line() {
    grep -q "^beat: stats: decisions: at once by rule [0-9]*, by throttle [0-9]*, by class [0-9]*; queued [0-9]*, placed [0-9]*, continued [0-9]*, waiting for dependences [0-9]*, dropped [0-9]*$" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
}

@test "submit [quick]: if(0) tasks run at once by rule, output as libgomp" {
    BEAT_STATS=1 run_both submit_fates 2 rule
    require_beat
    decisions_line
    [ "$(decision 'by rule')" -ge 200 ] || { cat "$BEAT_ERR"; false; }
}

@test "submit: a creator far ahead of its team is throttled (BEAT_CLASSIFY=0)" {
    BEAT_CLASSIFY=0 BEAT_STATS=1 run_both submit_fates 2 throttle
    require_beat
    decisions_line
    [ "$(decision 'by throttle')" -gt 0 ] || { cat "$BEAT_ERR"; false; }
}

@test "submit: deferred tasks are queued or continued, none run at once (BEAT_CLASSIFY=0)" {
    for steal in child continuation; do
        BEAT_STEAL=$steal BEAT_CLASSIFY=0 BEAT_STATS=1 run_both submit_fates 2 queued
        require_beat
        decisions_line
        local q c
        q=$(decision queued); c=$(decision continued)
        [ $((q + c)) -eq 100 ] || { echo "steal=$steal"; cat "$BEAT_ERR"; false; }
        [ "$(decision 'by class')" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    done
}

@test "submit: a dependence chain waits for its dependences" {
    BEAT_STATS=1 run_both submit_fates 2 deps
    require_beat
    decisions_line
    [ "$(decision 'waiting for dependences')" -gt 0 ] || { cat "$BEAT_ERR"; false; }
}

@test "submit: no task is made in a cancelled taskgroup (OMP_CANCELLATION=true)" {
    OMP_CANCELLATION=true BEAT_STATS=1 run_both submit_fates 2 cancel
    require_beat
    decisions_line
    [ "$(decision dropped)" -eq 100 ] || { cat "$BEAT_ERR"; false; }
}

@test "submit: BEAT_SELECT=0 places nothing; a bad value warns and uses the default" {
    BEAT_SELECT=0 BEAT_STATS=1 run_both task_fib 2
    require_beat
    decisions_line
    [ "$(decision placed)" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    BEAT_SELECT=maybe run_beat_only task_fib 2
    [ "$BEAT_RC" -eq 0 ] || { cat "$BEAT_ERR"; false; }
    grep -q "BEAT_SELECT" "$BEAT_ERR" || { cat "$BEAT_ERR"; false; }
}
