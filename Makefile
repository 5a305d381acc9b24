# ikecheck: one non-recursive build (DESIGN.md). Sources are picked up by wildcard, so adding a
# file under engine/, suite/, reports/ or tests/ needs no edit here.
#
#   make            release build: build/ikecheck
#   make check      deps, layers, build, every test (unit under ASan+UBSan, KATs, CLI, lab)
#   make layers     the include rule between engine/, suite/ and reports/ (tests/layers.sh)
#   make format     format every C file as .clang-format says (make check fails on one that is not)
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

# Each layer compiles with only the include paths it may use (docs/architecture.md): the engine
# is the protocol alone, the reports render result records alone, the suite joins them. A wrong
# include then fails to compile; `make layers` names it first. $(call inc,FILE) picks the paths
# by the file's top folder.
# engine/ is split by kind of knowledge (codec, crypto, exchanges, mutation, net); its folders
# are one include path list.
ENGINE_DIRS := $(sort $(patsubst %/,%,$(dir $(wildcard engine/*/*.c))))
ENGINE_INC  := $(addprefix -I,$(ENGINE_DIRS))
INC_engine  := $(ENGINE_INC)
INC_reports := -Ireports
INC_suite   := -Isuite $(ENGINE_INC) -Ireports
INC_tests   := -Itests -Isuite $(ENGINE_INC) -Ireports
INC_bench   := -Itests $(ENGINE_INC)
INC_fuzz    := $(ENGINE_INC) -Ireports
# Inside the engine the base folders see only what lies below them: the codec nothing, crypto
# and net the codec; mutation and the exchanges see the whole engine.
INC_engine_codec  := -Iengine/codec
INC_engine_crypto := -Iengine/crypto -Iengine/codec
INC_engine_net    := -Iengine/net -Iengine/codec
INC_engine_esp    := -Iengine/esp -Iengine/crypto -Iengine/codec
inc = $(or $(INC_$(subst /,_,$(patsubst %/,%,$(dir $(1))))),$(INC_$(firstword $(subst /, ,$(1)))))

BASEFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral \
             -g -DIKECHECK_VERSION='"$(VERSION)"'
REL_FLAGS := $(BASEFLAGS) -O2
SAN_FLAGS := $(BASEFLAGS) -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
LDLIBS    := -lcrypto -lpcap -lm

LIB_SRC   := $(sort $(wildcard engine/*/*.c) $(filter-out suite/main.c,$(wildcard suite/*.c)) \
               $(wildcard reports/*.c))
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
# Support code for the tests and benchmarks (tests/ike_pair.c: two engines in one process).
TEST_SUPPORT := $(filter-out $(TEST_SRC),$(wildcard tests/*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
FUZZ_SRC  := $(sort $(wildcard fuzz/fuzz_*.c))

REL_LIB   := build/rel/libikecheck.a
SAN_LIB   := build/san/libikecheck.a
TESTS     := $(TEST_SRC:tests/%.c=build/san/tests/%)
BENCHES   := $(BENCH_SRC:bench/%.c=build/rel/bench/%)
FUZZERS   := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)

.SECONDARY:
.PHONY: all check demo deps fuzz bench interop loss install clean unit layers format format-check
.DEFAULT_GOAL := all

all: build/ikecheck build/san/ikecheck

build/rel/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(REL_FLAGS) $(call inc,$<) -MMD -MP -c $< -o $@

build/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(SAN_FLAGS) $(call inc,$<) -MMD -MP -c $< -o $@

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

build/san/tests/%: build/san/tests/%.o $(TEST_SUPPORT:%.c=build/san/%.o) $(SAN_LIB)
	$(CC) $(SAN_FLAGS) $^ $(LDLIBS) -lcunit -o $@

build/san/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(SAN_FLAGS) $(call inc,$<) -MMD -MP -c $< -o $@

build/rel/bench/%: build/rel/bench/%.o $(TEST_SUPPORT:%.c=build/rel/%.o) $(REL_LIB)
	$(CC) $(REL_FLAGS) $^ $(LDLIBS) -o $@

build/rel/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(REL_FLAGS) $(call inc,$<) -MMD -MP -c $< -o $@

# The fuzz targets' library objects get the coverage hooks but not libFuzzer's main, which only
# the target itself links (-fsanitize=fuzzer).
FUZZ_FLAGS := $(BASEFLAGS) -O1 -fsanitize=address,undefined
build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(call inc,$<) -MMD -MP -c $< -o $@

build/fuzz/%: build/fuzz/obj/fuzz/%.o $(LIB_SRC:%.c=build/fuzz/obj/%.o)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $^ $(LDLIBS) -o $@

unit: $(TESTS) build/san/ikecheck build/ikecheck

deps:
	@harness/deps.sh

check: deps
	@$(MAKE) --no-print-directory layers format-check all unit
	@tests/run.sh

layers:
	@tests/layers.sh

format:
	@tests/format.sh --fix

format-check:
	@tests/format.sh

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
