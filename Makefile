# drcsim: build, test, benchmark and install.
# Plain make + pkg-config. `make check SANITIZE=1` builds with ASan+UBSan,
# `make check SANITIZE=thread` with ThreadSanitizer (the --jobs searches), each
# into a build directory of its own so that the builds coexist.

PREFIX    ?= /usr/local
CC        ?= cc
PKGS      := glib-2.0 json-glib-1.0 cmocka libxxhash
# Debian 12's libfdt-dev ships no libfdt.pc; fall back to plain -lfdt.
FDT_CFLAGS := $(shell pkg-config --cflags libfdt 2>/dev/null)
FDT_LIBS   := $(shell pkg-config --libs libfdt 2>/dev/null || echo -lfdt)

# Link-time optimisation lets the models' small functions inline across files: 2-5% fewer
# instructions per explored state. `make LTO=` builds without it (a compiler with no gcc-ar).
LTO       ?= -flto=auto

ifeq ($(SANITIZE),1)
BUILD     ?= build-asan
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT       := -O1 -g
ARCHIVE   := ar
else ifeq ($(SANITIZE),thread)
BUILD     ?= build-tsan
SAN       := -fsanitize=thread
OPT       := -O1 -g
ARCHIVE   := ar
else
BUILD     ?= build
SAN       :=
OPT       := -O2 -g $(LTO)
ARCHIVE   := $(if $(LTO),gcc-ar,ar)
endif

# -Wno-format-truncation: messages are bounded one-liners, cut on purpose.
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
              -Wno-format-truncation -DDRCSIM_DATADIR='"$(PREFIX)/share/drcsim"' \
              $(OPT) $(SAN) -Isim -Isim/models $(shell pkg-config --cflags $(PKGS)) $(FDT_CFLAGS) $(CFLAGS)
# Full RELRO: symbols are bound at start-up, not lazily on a search's first calls.
LDFLAGS    ?= -Wl,-z,relro,-z,now
LIBS       := $(LDFLAGS) $(shell pkg-config --libs glib-2.0 json-glib-1.0 libxxhash) $(FDT_LIBS) -lm
TEST_LIBS  := $(shell pkg-config --libs cmocka)

SIM_SRCS  := $(wildcard sim/*.c sim/models/*.c)
LIB_SRCS  := $(filter-out sim/main.c,$(SIM_SRCS))
LIB_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
DRCSIM    := $(BUILD)/drcsim

.PHONY: all check unit-tests scenario-tests jobs-tsan run bench install clean deps

all: $(DRCSIM)

deps:
	@scripts/install-deps.sh

$(BUILD)/%.o: %.c $(wildcard sim/*.h sim/models/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

# The AVX2 build of the fingerprint hash; fingerprint.c calls it only on CPUs with AVX2.
ifeq ($(shell uname -m),x86_64)
$(BUILD)/sim/fingerprint_avx2.o: CFLAGS_ALL += -mavx2
endif

$(BUILD)/libdrcsim.a: $(LIB_OBJS)
	@rm -f $@
	$(ARCHIVE) rcs $@ $^

$(DRCSIM): $(BUILD)/sim/main.o $(BUILD)/libdrcsim.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libdrcsim.a tests/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(BUILD)/libdrcsim.a $(LIBS) $(TEST_LIBS)

# The two commands README.md opens with: both install what is missing first.
run: deps
	@$(MAKE) -s all
	$(DRCSIM) check scenarios/

check: deps
	@$(MAKE) -s all $(TEST_BINS)
	@$(MAKE) -s unit-tests scenario-tests
ifeq ($(SANITIZE),)
	@$(MAKE) -s SANITIZE=thread jobs-tsan
	@$(MAKE) -s -j2 SANITIZE=1 unit-tests
endif

unit-tests: $(TEST_BINS)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; DRCSIM_SRCDIR=$(CURDIR) $$t; done

# Under ThreadSanitizer only the CLI regression, where the --jobs searches are: the
# soundness sweeps and fuzzers run one thread (por-soundness alone runs past 12 minutes there).
scenario-tests: $(DRCSIM)
	@DRCSIM=$(CURDIR)/$(DRCSIM) tests/cli/run-all.sh
	@DRCSIM=$(CURDIR)/$(DRCSIM) tests/cli/recorded-runs.sh
	@DRCSIM=$(CURDIR)/$(DRCSIM) tests/cli/libvirt-recorded.sh
ifneq ($(SANITIZE),thread)
	@DRCSIM=$(CURDIR)/$(DRCSIM) tests/cli/por-soundness.sh
	@DRCSIM=$(CURDIR)/$(DRCSIM) tests/cli/por-fuzz.py 60 3
	@DRCSIM=$(CURDIR)/$(DRCSIM) tests/cli/input-fuzz.py 300 1
endif

# The --jobs searches under ThreadSanitizer, case by case (about 10 s; the whole CLI
# regression under it, `make check SANITIZE=thread`, takes minutes).
jobs-tsan: $(DRCSIM)
	@DRCSIM=$(CURDIR)/$(DRCSIM) tests/cli/jobs-tsan.sh

bench: deps
	@$(MAKE) -s all
	@DRCSIM=$(CURDIR)/$(DRCSIM) scripts/bench.sh

install: $(DRCSIM)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/drcsim/scenarios $(DESTDIR)$(PREFIX)/share/drcsim/variants
	install -m 755 $(DRCSIM) $(DESTDIR)$(PREFIX)/bin/drcsim
	install -m 644 scenarios/*.scn $(DESTDIR)$(PREFIX)/share/drcsim/scenarios/
	install -m 644 variants/*.var $(DESTDIR)$(PREFIX)/share/drcsim/variants/

clean:
	rm -rf build build-asan build-tsan

# Real QEMU (qemu-system-ppc64 under TCG, a Debian ppc64el kernel) against the
# model: validate/setup installs and caches what it needs under build/validate.
.PHONY: validate validate-libvirt
validate: deps
	@$(MAKE) -s all
	@validate/run

# The model's libvirt against a live one (root; Debian's libvirt, installed if missing):
# validate/libvirt/probe's answers now against those kept in validate/recorded/.
validate-libvirt:
	@validate/libvirt/probe build/validate/libvirt-live.txt
