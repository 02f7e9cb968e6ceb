#!/usr/bin/env bats
# Hybrid MPI + OpenMP under beat: Open MPI's mpirun starts ranks with beat
# preloaded (-x LD_PRELOAD), each rank runs an OpenMP region with tasks and
# a reduction (tests/programs/mpi/hybrid.c), and every thread and task must
# stay inside the CPUs mpirun gave its rank (--bind-to core: one core each;
# beat's default team size follows them), with the results libgomp gives
# on the same binary. Skips, with one line, only where mpirun cannot start
# (Open MPI not installed: apt-get install openmpi-bin libopenmpi-dev).
# Runs on loopback as root, every run under a timeout.

load helpers

MPI_BIN="$BUILD_DIR/mpi/hybrid"

setup() {
    require_beat_lib
    local v
    for v in $(env | awk -F= '/^(OMP_|GOMP_|BEAT_TOPOLOGY)/ {print $1}'); do
        unset "$v"
    done
    command -v mpirun >/dev/null && command -v mpicc >/dev/null ||
        skip "Open MPI not installed (apt-get install openmpi-bin libopenmpi-dev)"
    # loopback only, shared memory between ranks, no fabric probing
    export OMPI_MCA_btl=self,vader OMPI_MCA_pml=ob1 OMPI_MCA_btl_tcp_if_include=lo \
        OMPI_MCA_oob_tcp_if_include=lo OMPI_MCA_plm_rsh_agent=false
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    local why
    if ! why=$(timeout -k 5 60 mpirun --oversubscribe -np 1 true 2>&1 </dev/null); then
        skip "mpirun cannot start here: $(echo "$why" | grep -m1 .)"
    fi
    local src="$PROG_DIR/mpi/hybrid.c"
    if [ ! -x "$MPI_BIN" ] || [ "$src" -nt "$MPI_BIN" ]; then
        mkdir -p "$BUILD_DIR/mpi"
        mpicc -O2 -fopenmp -o "$MPI_BIN.tmp.$$" "$src"
        mv -f "$MPI_BIN.tmp.$$" "$MPI_BIN"
    fi
}

# mpi_run OUT PRELOAD NP [MPIRUN-OPTIONS...]: mpirun NP ranks of the
# program, beat preloaded when PRELOAD is 1; OUT.out / OUT.err.
mpi_run() {
    local out=$1 preload=$2 np=$3
    shift 3
    local x=()
    [ "$preload" = 1 ] && x=(-x LD_PRELOAD="$BEAT_LIB" -x BEAT_STATS=1)
    local rc=0
    timeout -k 5 120 mpirun --oversubscribe -np "$np" "${x[@]}" "$@" "$MPI_BIN" \
        >"$out.out" 2>"$out.err" </dev/null || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "mpirun (preload $preload, $*): exit $rc"
        tail -n 20 "$out.err"
        return 1
    fi
}

# mpi_same NP MPIRUN-OPTIONS...: the same results under beat and libgomp,
# every thread and task inside its rank's CPUs, and beat really ran in
# every rank (its BEAT_STATS report).
mpi_same() {
    local np=$1
    shift
    local g="$BATS_TEST_TMPDIR/g.$RANDOM" b="$BATS_TEST_TMPDIR/b.$RANDOM"
    mpi_run "$g" 0 "$np" "$@"
    mpi_run "$b" 1 "$np" "$@"
    cat "$b.out"
    grep '^rank' "$b.err"
    [ "$(grep -c '^rank .*: threads' "$b.out")" -eq "$np" ]
    if grep '^rank' "$b.out" | grep -v 'threads outside its CPUs 0, tasks outside 0,'; then
        echo "a thread or task left its rank's CPUs"
        return 1
    fi
    diff -u "$g.out" "$b.out"
    [ "$(grep -c '^beat: stats: threads' "$b.err")" -eq "$np" ]
    BEAT_MPI_ERR="$b.err"
}

# masks_are_start FILE: every thread's mask is its rank's start mask
# (nothing bound), from the program's stderr lines.
masks_are_start() {
    awk '$1 == "rank" && $3 == "start" { start[$2] = $4 }
         $1 == "rank" && $3 == "thread" { mask[$2 " " $4] = $8 }
         END { for (k in mask) { split(k, r, " "); if (mask[k] != start[r[1]]) { print "rank " k ": " mask[k] " not " start[r[1]]; bad = 1 } }
               exit bad }' "$1"
}

# Bind to cores, overloading only where the machine has fewer than 2.
core_binding() {
    if [ "$(nproc)" -ge 2 ]; then echo "--bind-to core"; else echo "--bind-to core:overload-allowed"; fi
}

@test "mpirun --bind-to core, 2 ranks: every thread and task stays on its rank's core, as libgomp [quick]" {
    # shellcheck disable=SC2046
    mpi_same 2 $(core_binding)
    # the default team follows the rank's CPUs: one core, one thread
    grep -q '^rank 0: threads 1,' "$BATS_TEST_TMPDIR"/b.*.out
}

@test "mpirun --bind-to core with OMP_NUM_THREADS=3: three threads share the rank's core" {
    # shellcheck disable=SC2046
    mpi_same 2 $(core_binding) -x OMP_NUM_THREADS=3
    grep -q '^rank 1: threads 3,' "$BATS_TEST_TMPDIR"/b.*.out
}

@test "mpirun --bind-to core with OMP_PLACES=threads OMP_PROC_BIND=spread: places from the rank's CPUs only" {
    # shellcheck disable=SC2046
    mpi_same 2 $(core_binding) -x OMP_NUM_THREADS=2 -x OMP_PLACES=threads -x OMP_PROC_BIND=spread
}

@test "mpirun --bind-to none and --bind-to socket: ranks share the CPUs, results as libgomp" {
    mpi_same 2 --bind-to none -x OMP_NUM_THREADS=2
    # a socket is inside one node (one node here; one each in numa-vm):
    # node-wide binding leaves every thread on its rank's mask
    mpi_same 2 --bind-to socket -x OMP_NUM_THREADS=2
    masks_are_start "$BEAT_MPI_ERR"
}

@test "the mask check can fail: OMP_PROC_BIND=true under --bind-to none binds threads to single CPUs" {
    [ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
    # beat only: libgomp binds the initial thread before main reads its mask
    local b="$BATS_TEST_TMPDIR/b"
    mpi_run "$b" 1 1 --bind-to none -x OMP_NUM_THREADS=2 -x OMP_PROC_BIND=true
    grep '^rank' "$b.err"
    if masks_are_start "$b.err"; then false; fi
}
