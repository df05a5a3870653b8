#!/usr/bin/env bash
# Builds ghash_xmm.c against the ring archive of the release build and runs it under memcheck:
# the evidence that the tests/valgrind.supp entry is a memcheck false positive in ring's
# GHASH assembly (see ghash_xmm.c). Skips (exit 0, "skipped") where it cannot apply: no
# valgrind or its header, not x86_64, a CPU without AVX/PCLMULQDQ (ring then never runs this
# code), or no release build of ring yet.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
OUT=build/valgrind
CC=${CC:-cc}

skip() {
    echo "ghash_xmm: skipped ($1)"
    echo "ghash_xmm: 0 passed, 0 failed, 1 skipped"
    exit 0
}
command -v valgrind >/dev/null 2>&1 || skip "valgrind not installed"
[ -f /usr/include/valgrind/memcheck.h ] || skip "valgrind/memcheck.h not installed"
[ "$(uname -m)" = x86_64 ] || skip "not x86_64"
grep -qw avx /proc/cpuinfo && grep -qw pclmulqdq /proc/cpuinfo || skip "no AVX/PCLMULQDQ"

# The archive of the ring build linked into the library, and its version-prefixed symbols.
archive=
for a in target/release/build/ring-*/out/libring_core_*_.a; do
    [ -f "$a" ] || continue
    if nm --defined-only "$a" 2>/dev/null | grep -q '__gcm_ghash_avx$'; then
        archive=$a
        break
    fi
done
[ -n "$archive" ] || skip "no ring archive under target/release (run make first)"
ghash=$(nm --defined-only "$archive" | sed -n 's/.* \([A-Za-z0-9_]*__gcm_ghash_avx\)$/\1/p' | head -n 1)
init=${ghash%gcm_ghash_avx}gcm_init_avx

mkdir -p "$OUT"
"$CC" -O2 -g -Wall -Wextra -DGCM_GHASH_AVX="\"$ghash\"" -DGCM_INIT_AVX="\"$init\"" \
    tests/valgrind/ghash_xmm.c tests/valgrind/load_xmm.S "$archive" -o "$OUT/ghash_xmm" || exit 1
valgrind -q --error-exitcode=1 "$OUT/ghash_xmm"
