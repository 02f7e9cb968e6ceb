# Makefile: builds libbeat.so (the preloadable OpenMP runtime), its tests,
# sanitizer variants, the demo and the install tree.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= gcc
CFLAGS  ?= -O2 -g
BEAT_CFLAGS = -std=gnu11 -fPIC -fvisibility=hidden -Wall -Wextra -Wno-unused-parameter \
              -Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
              -Wno-missing-field-initializers -pthread -Ishim -Iinclude
LDLIBS  = -lhwloc -lnuma -lpthread -lm -ldl
BUILD  ?= build
LIB    ?= libbeat.so

SRCS := $(wildcard shim/*.c) $(wildcard gomp_compat/*.c)
ASMS := $(wildcard shim/*.S)
OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(SRCS)) $(patsubst %.S,$(BUILD)/obj/%.o,$(ASMS))
MAP  := $(BUILD)/libbeat.map
UNSUP_C := $(BUILD)/gen/unsupported.c
UNSUP_O := $(BUILD)/obj/gen/unsupported.o

.PHONY: all deps check check-quick unit bats conformance stress demo install clean asan tsan debug sanitize bench ucontext numa-check

all: $(LIB)

deps:
	@scripts/setup-deps

$(BUILD)/obj/%.o: %.c $(wildcard shim/*.h) $(wildcard gomp_compat/*.h) $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(BEAT_CFLAGS) $(NO_SANITIZE) -c $< -o $@

# getenv is called by constructors that run before a sanitizer runtime has
# started (libgomp's, under LD_PRELOAD): it is never instrumented.
$(BUILD)/obj/shim/interpose_env.o: NO_SANITIZE = -fno-sanitize=all
# ThreadSanitizer's own start-up calls pthread_key_create, which beat
# interposes, before its runtime can take an instrumented call.
$(BUILD)/obj/shim/interpose_pthread.o: NO_SANITIZE = -fno-sanitize=all

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(BEAT_CFLAGS) -c $< -o $@

# Every symbol of the system libgomp (gomp_compat/libgomp.symbols) that no
# source file defines becomes a loud "not supported yet" entry.
$(UNSUP_C) $(MAP): $(OBJS) gomp_compat/libgomp.symbols scripts/gen-abi shim/interpose.map
	@mkdir -p $(BUILD)/gen
	scripts/gen-abi gomp_compat/libgomp.symbols $(UNSUP_C) $(MAP) $(OBJS) shim/interpose.map

$(UNSUP_O): $(UNSUP_C)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(BEAT_CFLAGS) -c $< -o $@

$(LIB): $(OBJS) $(UNSUP_O) $(MAP)
	$(CC) $(CFLAGS) -shared -pthread -Wl,--version-script=$(MAP) -Wl,-soname,libbeat.so \
	      -o $@ $(OBJS) $(UNSUP_O) $(LDLIBS)

# Sanitizer builds: same sources, separate build trees, invariants asserted
# (BEAT_ASSERT, shim/beat_assert.h).
asan:
	$(MAKE) BUILD=build-asan LIB=libbeat-asan.so CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -DBEAT_DEBUG_ASSERTS"
tsan:
	$(MAKE) BUILD=build-tsan LIB=libbeat-tsan.so CFLAGS="-O1 -g -fsanitize=thread -DBEAT_DEBUG_ASSERTS -DBEAT_TSAN_BUILD"

# The default build with its invariants asserted (for scripts/stress:
# BEAT_LIB=$(CURDIR)/libbeat-debug.so scripts/stress).
debug:
	$(MAKE) BUILD=build-debug LIB=libbeat-debug.so CFLAGS="-O2 -g -DBEAT_DEBUG_ASSERTS"

# The portable fiber switch (ucontext), which other architectures use, built
# on this one so that it is tested too, with its invariants asserted.
ucontext:
	$(MAKE) BUILD=build-ucontext LIB=libbeat-ucontext.so CFLAGS="-O2 -g -DBEAT_FIBER_UCONTEXT -DBEAT_DEBUG_ASSERTS"

# NUMA paths on real multi-node kernels: tests/numa/run boots a small VM
# (scripts/numa-vm, a copy of the team's /work/shared/numa-vm; the kernel and
# busybox come from Debian's mirror on first use) once per suite and shape and
# runs tests/numa/ in it. Part of check too; where no VM can boot it skips,
# saying why, except under CI=true.
NUMA_VM_TOOL ?= scripts/numa-vm
numa-check: $(LIB)
	NUMA_VM_TOOL=$(NUMA_VM_TOOL) tests/numa/run

sanitize: asan tsan
	scripts/sanitize

unit: $(LIB)
	@tests/unit/run

# The suites run once, two at a time where GNU parallel is installed (bats
# needs it for --jobs), one at a time otherwise; a failure is the result.
BATS_JOBS = $(if $(shell command -v parallel 2>/dev/null),--jobs 2)

bats: $(LIB)
	bats $(BATS_JOBS) tests/

conformance: $(LIB)
	scripts/conformance --lang all --runtime beat --lib $(CURDIR)/$(LIB) --record tests/conformance.record --check

check: deps $(LIB) ucontext
	scripts/check-layers
	tests/unit/run
	bats tests/
	BEAT_LIB=$(CURDIR)/libbeat-ucontext.so bats -f 'task_(fib|algos|depend)' tests/tasks.bats
	scripts/conformance --lang all --runtime beat --lib $(CURDIR)/$(LIB) --record tests/conformance.record --check
	NUMA_VM_TOOL=$(NUMA_VM_TOOL) tests/numa/run

stress: $(LIB)
	scripts/stress

demo: deps $(LIB)
	scripts/demo

bench: $(LIB)
	scripts/bench

install: $(LIB)
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(LIB) $(DESTDIR)$(PREFIX)/lib/libbeat.so
	install -m 644 include/beat.h $(DESTDIR)$(PREFIX)/include/beat.h
	sed 's|@LIBDIR@|$(PREFIX)/lib|' scripts/beat-run > $(DESTDIR)$(PREFIX)/bin/beat-run
	chmod 755 $(DESTDIR)$(PREFIX)/bin/beat-run

clean:
	rm -rf build build-asan build-tsan build-debug build-ucontext libbeat.so libbeat-asan.so \
	       libbeat-tsan.so libbeat-debug.so libbeat-ucontext.so
