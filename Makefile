# ikecheck: one non-recursive build (DESIGN.md). Sources are picked up by wildcard, so adding a
# file under engine/, suite/, reports/ or tests/ needs no edit here.
#
#   make            release build: build/ikecheck
#   make check      deps, build, every test (unit under ASan+UBSan, KATs, CLI, lab)
#   make demo       deps, build, and the demo run (see README)
#   make deps       install missing Debian packages (root) or print the apt-get line
#   make fuzz       run the libFuzzer targets for FUZZ_SECONDS each
#   make bench      print benchmark numbers
#   make interop    the suite against strongSwan, Libreswan and ikecheck in the lab (root)
#   make loss       the suite on a lossy path (PEER=strongswan RUNS=3), verdicts compared (root)
#   make clean

VERSION      := 0.1.0
CC           ?= cc
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
PREFIX       ?= /usr/local

INCLUDES  := -Iengine -Isuite -Ireports
BASEFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral \
             -g $(INCLUDES) -DIKECHECK_VERSION='"$(VERSION)"'
REL_FLAGS := $(BASEFLAGS) -O2
SAN_FLAGS := $(BASEFLAGS) -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
LDLIBS    := -lcrypto -lpcap -lm

LIB_SRC   := $(sort $(wildcard engine/*.c) $(filter-out suite/main.c,$(wildcard suite/*.c)) \
               $(wildcard reports/*.c))
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
FUZZ_SRC  := $(sort $(wildcard fuzz/fuzz_*.c))

REL_LIB   := build/rel/libikecheck.a
SAN_LIB   := build/san/libikecheck.a
TESTS     := $(TEST_SRC:tests/%.c=build/san/tests/%)
BENCHES   := $(BENCH_SRC:bench/%.c=build/rel/bench/%)
FUZZERS   := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)

.SECONDARY:
.PHONY: all check demo deps fuzz bench interop loss install clean unit
.DEFAULT_GOAL := all

all: build/ikecheck build/san/ikecheck

build/rel/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(REL_FLAGS) -MMD -MP -c $< -o $@

build/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(SAN_FLAGS) -MMD -MP -c $< -o $@

$(REL_LIB): $(LIB_SRC:%.c=build/rel/%.o)
	@rm -f $@
	ar rcs $@ $^

$(SAN_LIB): $(LIB_SRC:%.c=build/san/%.o)
	@rm -f $@
	ar rcs $@ $^

build/ikecheck: build/rel/suite/main.o $(REL_LIB)
	$(CC) $(REL_FLAGS) $^ $(LDLIBS) -o $@

# The sanitizer build of the CLI: the shell tests run it, so malformed input is checked for
# memory errors too, not only the unit tests.
build/san/ikecheck: build/san/suite/main.o $(SAN_LIB)
	$(CC) $(SAN_FLAGS) $^ $(LDLIBS) -o $@

build/san/tests/%: build/san/tests/%.o $(SAN_LIB)
	$(CC) $(SAN_FLAGS) -Itests $^ $(LDLIBS) -lcunit -o $@

build/san/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(SAN_FLAGS) -Itests -MMD -MP -c $< -o $@

build/rel/bench/%: bench/%.c $(REL_LIB)
	@mkdir -p $(@D)
	$(CC) $(REL_FLAGS) $^ $(LDLIBS) -o $@

build/fuzz/%: fuzz/%.c $(LIB_SRC)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASEFLAGS) -O1 -fsanitize=fuzzer,address,undefined $^ $(LDLIBS) -o $@

unit: $(TESTS) build/san/ikecheck build/ikecheck

deps:
	@harness/deps.sh

check: deps
	@$(MAKE) --no-print-directory all unit
	@tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@harness/demo.sh

fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do fuzz/run.sh $$f $(FUZZ_SECONDS) || exit 1; done

bench: $(BENCHES) build/ikecheck
	@for b in $(BENCHES); do $$b || exit 1; done
	@bench/suite.sh

interop: deps all
	@harness/interop.sh $(PEER)

# The suite with 10% random loss against PEER (default ikecheck serve), 3 runs each way: every
# verdict must equal the lossless run's (docs/verdicts.md 7).
loss: deps all
	@harness/loss.sh $(PEER) $(if $(RUNS),--runs $(RUNS))

install: build/ikecheck
	install -D -m 0755 build/ikecheck $(DESTDIR)$(PREFIX)/bin/ikecheck

clean:
	rm -rf build out

-include $(shell find build -name '*.d' 2>/dev/null)

# lab: libreswan XFRM shim (LD_PRELOAD for pluto where the kernel has no ESP; peers/libreswan)
XFRMSHIM := build/peers/libreswan/xfrmshim.so
$(XFRMSHIM): peers/libreswan/xfrmshim.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -O2 -g -shared -fPIC $< -ldl -o $@
all: $(XFRMSHIM)
