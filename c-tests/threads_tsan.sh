#!/usr/bin/env bash
# threads_tsan.sh - runs c-tests/threads.c under ThreadSanitizer.
#
# threads.c is compiled with gcc -fsanitize=thread against the staged library; 8 threads
# share one server and one client sslKeys_t and the session cache, each running
# HANDSHAKES (default 40) full and resumed in-memory handshakes.
#
# Only the C side is instrumented: the Rust library is not (instrumenting it needs a
# ThreadSanitizer build of Rust's std, i.e. nightly -Zbuild-std), so
# ignore_noninstrumented_modules=1 keeps TSan's malloc/memcpy interceptors from
# reporting the library's own accesses, whose synchronisation (Rust's futex-based Mutex,
# atomics) TSan cannot see. Races between the application's threads through the API —
# on anything the API hands out — are reported. Data races inside the library are
# excluded by safe Rust; its `unsafe` FFI code takes the container's Mutex for shared key
# state. (helgrind, which does instrument everything, cannot see those futex-based locks
# either and reports only false positives there.)
#
# Environment: MATRIXSSL_STAGE (default build/stage), MATRIXSSL_PKI (default build/pki),
# HANDSHAKES. Prints "threads_tsan: N passed, M failed"; exits 1 on any report.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAGE="${MATRIXSSL_STAGE:-$ROOT/build/stage}"
PKI="${MATRIXSSL_PKI:-$ROOT/build/pki}"
case "$STAGE" in /*) ;; *) STAGE="$ROOT/$STAGE" ;; esac
case "$PKI" in /*) ;; *) PKI="$ROOT/$PKI" ;; esac
CC=${CC:-cc}
N=${HANDSHAKES:-40}

if [ ! -f "$STAGE/lib/libmatrixssl.so" ] || [ ! -f "$PKI/server-chain.pem" ]; then
    echo "FAIL threads_tsan: need $STAGE (make) and $PKI (c-tests/make-test-pki.sh)"
    echo "threads_tsan: 0 passed, 1 failed"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cflags=$(PKG_CONFIG_PATH="$STAGE/lib/pkgconfig" pkg-config --cflags matrixssl)
libs=$(PKG_CONFIG_PATH="$STAGE/lib/pkgconfig" pkg-config --libs matrixssl)
# shellcheck disable=SC2086
if ! "$CC" -fsanitize=thread -O1 -g -Wall -Wextra $cflags "$ROOT/c-tests/threads.c" \
        -o "$tmp/threads" $libs -Wl,-rpath,"$STAGE/lib" 2>"$tmp/cc.log"; then
    cat "$tmp/cc.log"
    echo "FAIL threads_tsan: cannot build with -fsanitize=thread (is libtsan installed?)"
    echo "threads_tsan: 0 passed, 1 failed"
    exit 1
fi
TSAN_OPTIONS="ignore_noninstrumented_modules=1 halt_on_error=0 exitcode=66" \
    "$tmp/threads" "$PKI" "$N" >"$tmp/out.log" 2>&1
rc=$?
cat "$tmp/out.log"
reports=$(grep -c '^WARNING: ThreadSanitizer' "$tmp/out.log")
passed=0
failed=0
if [ "$reports" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $reports ThreadSanitizer reports"; fi
if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL threads exited with $rc"; fi
echo "threads_tsan: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
