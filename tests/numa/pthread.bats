#!/usr/bin/env bats
# The program's own threads on a real multi-node kernel (BEAT_PTHREAD=place,
# shim/interpose_pthread.c): after beat has seen a kind of thread 10 times,
# 8 long-lived threads alive together are spread over the nodes, 4 on each
# of 2 (the node with the fewest long threads per CPU each time), and short
# threads go to the node their creator ran on; observe and off bind nothing
# (their threads may run on every node). Run
# inside numa-vm:
#   numa-vm --nodes 2 --cpus 4 -- bats tests/numa/pthread.bats
# Outside a multi-node machine every test skips, saying why.

load ../helpers

setup() {
    require_beat_lib
    require_numa_nodes
    build_program numa_pt_place
}

# place_run MODE: numa_pt_place under beat with BEAT_PTHREAD=MODE. The VM's
# emulated CPUs make even an empty thread live for over 200 us: short is
# under 5 ms here, and the long ones live 50 ms.
place_run() {
    run env BEAT_PTHREAD="$1" BEAT_PTHREAD_SHORT=5000 LD_PRELOAD="$BEAT_LIB" timeout -k 5 "$RUN_TIMEOUT" \
        "$BUILD_DIR/numa_pt_place" 0.05
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "place: long-lived threads alive together are spread evenly over the nodes" {
    place_run place
    for n in $(seq 0 $((nodes - 1))); do
        [ "$(echo "$output" | grep -c "^long [0-9]*: $n$")" -eq $((8 / nodes)) ]
    done
}

@test "place: short threads go to the node their creator ran on; observe and off bind no thread" {
    place_run place
    # those made while the creator moved between nodes are not compared
    [ "$(echo "$output" | grep -c "^short [0-9]*: [0-9]* (creator's node)$")" -ge 4 ]
    [ "$(echo "$output" | grep -c "^short .*elsewhere")" -eq 0 ]
    for mode in observe off; do
        place_run "$mode"
        [ "$(echo "$output" | grep -c ": all$")" -eq 8 ]
        [ "$(echo "$output" | grep -c ": all (")" -eq 8 ]
    done
}
