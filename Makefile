# matrixssl-rs: build, stage, install, demo and test entry points.
#
#   make                 cargo build --release; stage the install tree in build/stage; build
#                        the example apps and the C tests against it (binaries in build/bin)
#   make test            every check (cargo test/clippy/fmt, C tests under valgrind, symbol
#                        and static-link checks, interop); ends with "N passed, M failed"
#   make demo            throwaway PKI, example server + client: GET, POST echo, resumption
#   make interop         only the interoperability suite (INTEROP_ARGS=--quick for a subset)
#   make install PREFIX=/usr/local [DESTDIR=...]
#                        installs stripped libraries (STRIP=0: as built, with debug info)
#   make install-debug   make install, plus the debug information of libmatrixssl.so in
#                        $(PREFIX)/lib/.debug/libmatrixssl.so.debug (found by gdb through the
#                        .gnu_debuglink the installed library then carries)
#   make SMALL=1 [...]   any of the above with the small build: Cargo profile `small`
#                        (size-optimised, full LTO, no debug info) without the default
#                        features `fast-rsa` (aws-lc), `ec-tables` (P-256/P-384 tables) and
#                        `ffdhe-large-groups` (RFC 7919 groups above 2048 bits);
#                        the whole C API and every default suite stay, RSA private
#                        operations are about three times slower. Its tree
#                        is build/small/ (stage, bin), its cargo output $(TARGET_DIR)/small.
#   make deps            install what the tests need (gnutls-bin, valgrind, Python venv)
#   make conformance TLSFUZZER=/path/to/tlsfuzzer [TLSLITE=/path/to/tlslite-ng]
#                        tlsfuzzer's server scripts listed in tests/conformance/cases.txt
#                        against the example server (tlsfuzzer is not packaged: bring a
#                        checkout; not part of make test)
#   make clean
#
# Installed layout (build/stage is the same tree with PREFIX=build/stage; the staged
# libraries keep their debug information for the C tests, valgrind and the benchmarks):
#   $(PREFIX)/lib/libmatrixssl.so, $(PREFIX)/lib/libmatrixssl.a
#   $(PREFIX)/include/matrixssl-3.3/...   (the include/ tree; ABI.md §1.3, D18)
#   $(PREFIX)/lib/pkgconfig/matrixssl.pc

SHELL := /bin/bash
.DEFAULT_GOAL := all

CARGO ?= cargo
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
DESTDIR ?=
INTEROP_ARGS ?=
PYTHON ?= $(if $(wildcard .venv/bin/python),.venv/bin/python,python3)

STRIP ?= 1
comma := ,
SMALL ?= 0
# RELR=0 links the small build's shared library without packed relative relocations, for
# targets with glibc before 2.36 or GNU ld before 2.38 (see below; about 28 KB larger).
RELR ?= 1

TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
ifeq ($(SMALL),1)
# `cargo rustc` with the two C library crate types only: with the rlib crate type also
# requested, rustc skips the cross-crate LTO, and the archive then carries every dependency's
# objects whole (26 MB instead of 5 MB).
# Packed relative relocations (DT_RELR, `-z pack-relative-relocs`, GNU ld >= 2.38): the
# thousands of relative relocations of vtables and constant tables take 416 bytes instead
# of 30 KB of .rela.dyn (1,525,760 -> 1,497,192 bytes stripped). The library then needs
# glibc >= 2.36 (GLIBC_ABI_DT_RELR). After `--`, so only the final link sees it (the
# dependencies are not rebuilt) and the static archive is unaffected.
CARGO_BUILD := rustc --profile small --no-default-features --lib --crate-type cdylib \
	--crate-type staticlib$(if $(filter 1,$(RELR)), -- -C link-arg=-Wl$(comma)-z$(comma)pack-relative-relocs)
REL := $(TARGET_DIR)/small
BUILD := build/small
else
CARGO_BUILD := build --release
REL := $(TARGET_DIR)/release
BUILD := build
endif
STAGE := $(CURDIR)/$(BUILD)/stage
BIN := $(BUILD)/bin
INCNAME := matrixssl-3.3
PC_VERSION := 3.3.0

# What the static library needs beyond -lc, from
#   cargo rustc --release --lib -- --print native-static-libs
# (Rust std on x86_64-linux-gnu: "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"). On glibc
# >= 2.34 all but libgcc_s are part of libc and gcc links libgcc itself, so a plain
# `gcc app.o libmatrixssl.a -lc` works (tests/static-link.sh checks it); the list goes to
# Libs.private for `pkg-config --static` users on other toolchains.
LIBS_PRIVATE := -lgcc_s -lutil -lrt -lpthread -lm -ldl

PKG_ENV := PKG_CONFIG_PATH=$(STAGE)/lib/pkgconfig
MATRIX_CFLAGS = $$($(PKG_ENV) $(PKG_CONFIG) --cflags matrixssl)
MATRIX_LIBS = $$($(PKG_ENV) $(PKG_CONFIG) --libs matrixssl) -Wl,-rpath,$(STAGE)/lib
APP_CFLAGS := -std=c99 -O2 -g -Wall -Wextra -Werror
CTEST_CFLAGS := -O1 -g -Wall -Wextra

.PHONY: all build stage apps ctests install install-debug test interop demo bench fuzz load conformance deps \
	clean distclean

all: build stage apps ctests

build:
	$(CARGO) $(CARGO_BUILD)

# install_tree(ROOT, PREFIX-IN-PC): lays out lib/, include/matrixssl-3.3/ and the .pc file.
define install_tree
	install -d "$(1)/lib/pkgconfig" "$(1)/include"
	install -m 0755 "$(REL)/libmatrixssl.so" "$(1)/lib/libmatrixssl.so"
	install -m 0644 "$(REL)/libmatrixssl.a" "$(1)/lib/libmatrixssl.a"
	rm -rf "$(1)/include/$(INCNAME)"
	install -d "$(1)/include/$(INCNAME)"
	cp -R include/. "$(1)/include/$(INCNAME)/"
	find "$(1)/include/$(INCNAME)" -type d -exec chmod 0755 {} + 
	find "$(1)/include/$(INCNAME)" -type f -exec chmod 0644 {} +
	printf '%s\n' \
	  'prefix=$(2)' \
	  'exec_prefix=$${prefix}' \
	  'libdir=$${exec_prefix}/lib' \
	  'includedir=$${prefix}/include' \
	  '' \
	  'Name: matrixssl' \
	  'Description: matrixssl-rs, a memory-safe drop-in replacement for the MatrixSSL 3.3 C library' \
	  'Version: $(PC_VERSION)' \
	  'Cflags: -I$${includedir}/$(INCNAME) -DPOSIX' \
	  'Libs: -L$${libdir} -lmatrixssl' \
	  'Libs.private: $(LIBS_PRIVATE)' \
	  > "$(1)/lib/pkgconfig/matrixssl.pc"
	chmod 0644 "$(1)/lib/pkgconfig/matrixssl.pc"
endef

stage: build
	$(call install_tree,$(STAGE),$(STAGE))

# Installed libraries are stripped: the debug information is most of their size (the
# release profile keeps it for backtraces and the tools above). The archive keeps its symbol
# table (the linker needs it); its debug sections go, and so does the LLVM bitcode rustc embeds
# in its objects (only cross-language LTO reads it).
install: build
	$(call install_tree,$(DESTDIR)$(PREFIX),$(PREFIX))
ifneq ($(STRIP),0)
	strip --strip-all "$(DESTDIR)$(PREFIX)/lib/libmatrixssl.so"
	strip --strip-debug --remove-section=.llvmbc --remove-section=.llvmcmd \
	  "$(DESTDIR)$(PREFIX)/lib/libmatrixssl.a"
endif
	@echo "installed into $(DESTDIR)$(PREFIX); compile with: cc app.c \$$(pkg-config --cflags --libs matrixssl)"

ifeq ($(SMALL),1)
install-debug:
	@echo "install-debug: the small build carries no debug information" >&2; exit 1
else
install-debug: install
	install -d "$(DESTDIR)$(PREFIX)/lib/.debug"
	objcopy --only-keep-debug "$(REL)/libmatrixssl.so" \
	  "$(DESTDIR)$(PREFIX)/lib/.debug/libmatrixssl.so.debug"
	chmod 0644 "$(DESTDIR)$(PREFIX)/lib/.debug/libmatrixssl.so.debug"
	objcopy --remove-section=.gnu_debuglink \
	  --add-gnu-debuglink="$(DESTDIR)$(PREFIX)/lib/.debug/libmatrixssl.so.debug" \
	  "$(DESTDIR)$(PREFIX)/lib/libmatrixssl.so"
endif

apps: stage
	@mkdir -p $(BIN)
	$(CC) $(APP_CFLAGS) $(MATRIX_CFLAGS) apps/server.c -o $(BIN)/server $(MATRIX_LIBS)
	$(CC) $(APP_CFLAGS) $(MATRIX_CFLAGS) apps/client.c -o $(BIN)/client $(MATRIX_LIBS)

# Every c-tests/*.c is a stand-alone program using only the installed headers.
ctests: stage
	@mkdir -p $(BIN)/c-tests
	@set -e; for src in c-tests/*.c; do \
	  [ -e "$$src" ] || continue; \
	  n=$$(basename "$$src" .c); \
	  echo "$(CC) $(CTEST_CFLAGS) $$src -o $(BIN)/c-tests/$$n"; \
	  $(CC) $(CTEST_CFLAGS) $(MATRIX_CFLAGS) "$$src" -o "$(BIN)/c-tests/$$n" $(MATRIX_LIBS); \
	done

test:
	@bash tests/run-all.sh

interop: all
	$(PYTHON) tests/interop/run.py $(INTEROP_ARGS)

demo: all
	@bash tests/demo.sh

# Coverage-guided fuzzing (cargo-fuzz, libFuzzer + ASan), FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 300
fuzz:
	bash fuzz/run.sh $(FUZZ_SECONDS)

# tlsfuzzer conformance scripts against the example server (a checkout of tlsfuzzer needed).
conformance: apps
	PYTHON=$(PYTHON) bash tests/conformance/tlsfuzzer.sh

# Load test of the example server: 1,000 concurrent connections, 20,000 handshakes.
load: apps
	bash tests/load/run.sh

# Side-by-side benchmark against OpenSSL libssl and rustls; writes BENCHMARKS.md.
bench: stage
	bash bench/run.sh

# Test prerequisites, installed only when missing (apt-get update runs once, first).
deps:
	@set -e; \
	sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	missing=""; \
	for t in gnutls-cli:gnutls-bin gnutls-serv:gnutls-bin valgrind:valgrind openssl:openssl \
	         curl:curl pkg-config:pkg-config gcc:gcc; do \
	  command -v "$${t%%:*}" >/dev/null 2>&1 || missing="$$missing $${t#*:}"; \
	done; \
	if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then missing="$$missing python3-venv"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $$sudo apt-get update; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends $$(echo $$missing | tr ' ' '\n' | sort -u); \
	fi; \
	if ! $(CARGO) clippy --version >/dev/null 2>&1 || ! $(CARGO) fmt --version >/dev/null 2>&1; then \
	  rustup component add clippy rustfmt; \
	fi; \
	if ! .venv/bin/python -c 'import tlslite' >/dev/null 2>&1; then \
	  python3 -m venv .venv; \
	  .venv/bin/pip install --quiet --disable-pip-version-check tlslite-ng; \
	fi; \
	echo "deps: ok"

clean:
	rm -rf $(BUILD)
	$(CARGO) clean

distclean: clean
	rm -rf .venv
