#!/usr/bin/env bash
# Side-by-side benchmark of matrixssl-rs, OpenSSL (libssl) and rustls (ring provider):
# in-memory client/server pairs, same certificates and suites, TLS 1.2 rows and TLS 1.3 rows
# (metrics tls13_*; each row pins its version), one harness process per library per
# repetition, the three interleaved; medians over repetitions.
#
#   bench/run.sh            build, run BENCH_REPS (default 5) repetitions of
#                           BENCH_SECONDS (default 0.4) CPU seconds per measurement,
#                           write BENCHMARKS.md and print the RATIO lines (and SIZE lines:
#                           installed library sizes of the default and the small build)
#   bench/run.sh --smoke    build and run every harness for a handful of iterations
#                           (correctness only, no timing claims); ends "N passed, M failed"
#                           (", K skipped" when a harness reports a measurement its library
#                           cannot make yet, e.g. our TLS 1.3 resumption before it exists)
#
# A full run also builds the small variant (`make SMALL=1`: Cargo profile `small` without
# default features, in $CARGO_TARGET_DIR/small; a few minutes the first time), reports its
# sizes and measures its full and resumed handshake rates (RATIO metric=small_full_hs /
# small_resumed_hs against OpenSSL, for information).
#
# A full run also runs the statistical timing test (bench/timing_test.c: RSA premaster and
# CBC padding/MAC checks, Welch's t; about TIMING_SECONDS_CKE + TIMING_SECONDS_CBC CPU
# seconds, default 30 + 20) and reports it in BENCHMARKS.md.
#
# Expects `make` to have built $CARGO_TARGET_DIR/release/libmatrixssl.{so,a} (or target/)
# and staged the headers in build/stage; builds the library with cargo if it is missing.
# Harness binaries, fixtures and raw outputs go to build/bench/. Environment: BENCH_REPS,
# BENCH_SECONDS, BENCH_MD (report path, default BENCHMARKS.md), BENCH_RUSTLS_TARGET (cargo
# target dir of the rustls harness, default $CARGO_TARGET_DIR/rustls-harness).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

SMOKE=0
if [ "${1:-}" = "--smoke" ]; then SMOKE=1; fi
REPS=${BENCH_REPS:-5}
SECS=${BENCH_SECONDS:-0.4}
CC=${CC:-cc}
CARGO=${CARGO:-cargo}
PYTHON=${PYTHON:-python3}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
REL=$TARGET_DIR/release
OUT=$ROOT/build/bench
BIN=$OUT/bin
mkdir -p "$BIN"

log() { echo "bench: $*" >&2; }

# ---- build ----------------------------------------------------------------------------
if [ ! -f "$REL/libmatrixssl.so" ] || [ ! -f "$REL/libmatrixssl.a" ]; then
    log "building libmatrixssl (cargo build --release)"
    "$CARGO" build --release >&2
fi
INC=$ROOT/build/stage/include/matrixssl-3.3
[ -d "$INC" ] || INC=$ROOT/include

PKI=$OUT/pki
if [ ! -f "$PKI/ec-server-chain.pem" ]; then
    log "generating test PKI in $PKI"
    sh c-tests/make-test-pki.sh "$PKI" >/dev/null
fi

CFLAGS="-O2 -g -Wall -Wextra -Werror -std=gnu99"
log "compiling C harnesses"
$CC $CFLAGS -DPOSIX -I"$INC" bench/matrixssl_bench.c bench/alloc_count.c \
    -o "$BIN/matrixssl_bench" -L"$REL" -lmatrixssl -Wl,-rpath,"$REL"
$CC $CFLAGS bench/openssl_bench.c bench/alloc_count.c -o "$BIN/openssl_bench" -lssl -lcrypto
# libcrypto only for the raw RSA public operation that builds crafted premaster secrets.
$CC $CFLAGS -DPOSIX -I"$INC" -Ibench bench/timing_test.c bench/timing_rsa.c \
    -o "$BIN/timing_test" -L"$REL" -lmatrixssl -Wl,-rpath,"$REL" -lcrypto -lm

log "building the rustls harness"
RUSTLS_TARGET=${BENCH_RUSTLS_TARGET:-$TARGET_DIR/rustls-harness}
(cd bench/rustls-harness &&
    CARGO_TARGET_DIR=$RUSTLS_TARGET "$CARGO" build --release --locked --quiet >&2)
RUSTLS_BIN=$RUSTLS_TARGET/release/rustls-harness

run_one() { # lib outfile args...
    local lib=$1 out=$2
    shift 2
    case "$lib" in
        matrixssl) "$BIN/matrixssl_bench" "$PKI" "$@" >"$out" ;;
        openssl) "$BIN/openssl_bench" "$PKI" "$@" >"$out" ;;
        rustls) "$RUSTLS_BIN" "$PKI" "$@" >"$out" ;;
        # Handshake rates only, reported under their own library name.
        matrixssl-small)
            {
                "$BIN/matrixssl_small_bench" "$PKI" "$@" --metric full_hs
                "$BIN/matrixssl_small_bench" "$PKI" "$@" --metric resumed_hs
            } | sed 's/^RESULT lib=matrixssl /RESULT lib=matrixssl-small /' >"$out"
            ;;
    esac
}

LIBS=(matrixssl openssl rustls)

# ---- smoke ----------------------------------------------------------------------------
if [ "$SMOKE" = 1 ]; then
    pass=0 fail=0 skip=0
    for lib in "${LIBS[@]}"; do
        f=$OUT/smoke-$lib.txt
        if run_one "$lib" "$f" --smoke; then rc=0; else rc=$?; fi
        grep -E '^(FAIL|SKIP)' "$f" >&2 || true
        line=$(grep -E '^[a-z]+-bench: [0-9]+ passed, [0-9]+ failed' "$f" | tail -n 1 || true)
        p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"${line:-x 0 passed, 0 failed}")
        fl=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"${line:-x 0 passed, 0 failed}")
        sk=$(grep -c '^SKIP' "$f" || true)
        if [ "$rc" -ne 0 ] && [ "$fl" -eq 0 ]; then fl=1; fi
        if ! grep -q '^RESULT' "$f"; then fl=$((fl + 1)); fi
        log "$lib: $p passed, $fl failed, $sk skipped"
        pass=$((pass + p))
        fail=$((fail + fl))
        skip=$((skip + sk))
    done
    # The timing test too, for a second per class (no verdicts are claimed from it here).
    f=$OUT/smoke-timing.txt
    if "$BIN/timing_test" "$PKI" --seconds-cke 1 --seconds-cbc 1 >"$f" 2>&1 &&
        grep -q '^TIMING' "$f" && grep -q '^timing-test: done' "$f"; then
        log "timing test: ran"
        pass=$((pass + 1))
    else
        log "timing test: FAILED ($f)"
        fail=$((fail + 1))
    fi
    if [ "$skip" -gt 0 ]; then
        echo "bench-smoke: $pass passed, $fail failed, $skip skipped"
    else
        echo "bench-smoke: $pass passed, $fail failed"
    fi
    [ "$fail" -eq 0 ]
    exit
fi

# ---- the small build -------------------------------------------------------------------
SMALL_REL=$TARGET_DIR/small
log "building the small variant (make SMALL=1 build: its cargo command and link flags)"
make --no-print-directory SMALL=1 CARGO="$CARGO" build >&2
$CC $CFLAGS -DPOSIX -I"$INC" bench/matrixssl_bench.c bench/alloc_count.c \
    -o "$BIN/matrixssl_small_bench" -L"$SMALL_REL" -lmatrixssl -Wl,-rpath,"$SMALL_REL"

# ---- sizes ----------------------------------------------------------------------------
SIZES=$OUT/sizes.txt
: >"$SIZES"
# As `make install` leaves them: the shared library stripped, the archive without debug
# sections and embedded bitcode (its symbol table stays: the linker needs it).
installed_size() { # build file -> RESULT line
    local tmp=$OUT/strip.tmp
    local flags=(--strip-all)
    case "$2" in *.a) flags=(--strip-debug --remove-section=.llvmbc --remove-section=.llvmcmd) ;; esac
    cp "$2" "$tmp"
    strip "${flags[@]}" "$tmp"
    echo "RESULT lib=$1 metric=installed_$(basename "$2" | tr . _) suite=- value=$(stat -c %s "$tmp")" >>"$SIZES"
    rm -f "$tmp"
}
installed_size matrixssl "$REL/libmatrixssl.so"
installed_size matrixssl "$REL/libmatrixssl.a"
installed_size matrixssl-small "$SMALL_REL/libmatrixssl.so"
installed_size matrixssl-small "$SMALL_REL/libmatrixssl.a"
stripped_size() { # file -> bytes of a stripped copy
    local tmp=$OUT/strip.tmp
    cp "$1" "$tmp"
    strip --strip-all "$tmp"
    stat -c %s "$tmp"
    rm -f "$tmp"
}
log "measuring stripped sizes"
echo "RESULT lib=matrixssl metric=size_lib suite=- value=$(stripped_size "$REL/libmatrixssl.so")" >>"$SIZES"
ossl_lib=0
for l in libssl.so.3 libcrypto.so.3; do
    p=$($CC -print-file-name="$l")
    [ -f "$p" ] && ossl_lib=$((ossl_lib + $(stripped_size "$(readlink -f "$p")")))
done
echo "RESULT lib=openssl metric=size_lib suite=- value=$ossl_lib" >>"$SIZES"
# Minimal clients: fully static where the toolchain allows it, else static TLS library
# and dynamic libc (recorded in the static_kind lines); --gc-sections for both, as any
# size-conscious static build would.
static_link() { # lib out src libs...
    local lib=$1 out=$2 src=$3
    shift 3
    if $CC -O2 -static -Wl,--gc-sections -DPOSIX -I"$INC" "$src" "$@" -o "$out" 2>/dev/null; then
        echo "INFO lib=$lib static_kind=fully-static" >>"$SIZES"
    else
        $CC -O2 -Wl,--gc-sections -DPOSIX -I"$INC" "$src" "$@" -o "$out"
        echo "INFO lib=$lib static_kind=static-tls-library+dynamic-libc" >>"$SIZES"
    fi
    "$out" "$PKI/ca.pem" >/dev/null
    echo "RESULT lib=$lib metric=size_static_client suite=- value=$(stripped_size "$out")" >>"$SIZES"
}
static_link matrixssl "$BIN/minimal_client" bench/minimal_client.c "$REL/libmatrixssl.a" \
    -lpthread -ldl -lm
static_link openssl "$BIN/minimal_client_openssl" bench/minimal_client_openssl.c \
    "$($CC -print-file-name=libssl.a)" "$($CC -print-file-name=libcrypto.a)" -lpthread -ldl
"$RUSTLS_TARGET/release/minimal_client" "$PKI/ca.pem" >/dev/null
echo "INFO lib=rustls static_kind=rust-binary(static-rust+dynamic-libc)" >>"$SIZES"
echo "RESULT lib=rustls metric=size_static_client suite=- value=$(stripped_size "$RUSTLS_TARGET/release/minimal_client")" >>"$SIZES"

# ---- timed runs, interleaved ----------------------------------------------------------
rm -f "$OUT"/raw-*.txt
TIMED=("${LIBS[@]}" matrixssl-small)
for rep in $(seq 1 "$REPS"); do
    # Rotate the order so no library always runs first (or right after another).
    for k in "${!TIMED[@]}"; do
        lib=${TIMED[$(((rep + k) % ${#TIMED[@]}))]}
        log "repetition $rep/$REPS: $lib"
        run_one "$lib" "$OUT/raw-$lib-$rep.txt" --seconds "$SECS"
    done
done

# ---- statistical timing test ----------------------------------------------------------
log "timing test (about $((${TIMING_SECONDS_CKE:-30} + ${TIMING_SECONDS_CBC:-20})) CPU seconds)"
"$BIN/timing_test" "$PKI" --seconds-cke "${TIMING_SECONDS_CKE:-30}" \
    --seconds-cbc "${TIMING_SECONDS_CBC:-20}" >"$OUT/timing.txt"
grep -E '^TIMING' "$OUT/timing.txt" >&2

# ---- environment and report -----------------------------------------------------------
ENVF=$OUT/env.txt
{
    echo "cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)"
    echo "cores=$(nproc)"
    echo "isa=$(grep -o -w -E 'aes|vaes|vpclmulqdq|sha_ni|adx|avx2|avx512f|avx512ifma' /proc/cpuinfo 2>/dev/null | sort -u | tr '\n' ' ' | sed 's/ $//')"
    echo "kernel=$(uname -sr)"
    echo "cc=$($CC --version | head -n 1)"
    echo "rustc=$(rustc --version)"
    echo "matrixssl=$(git describe --always --dirty 2>/dev/null || echo unknown)"
    echo "ring=$(awk '/^name = "ring"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)"
    echo "reps=$REPS"
    echo "seconds=$SECS"
} >"$ENVF"
"$PYTHON" bench/report.py "$OUT" "${BENCH_MD:-$ROOT/BENCHMARKS.md}"
