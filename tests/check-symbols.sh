#!/usr/bin/env bash
# Packaging checks of the staged shared library (ABI.md §1.2, §1.6, D18):
#   - every exported name matches the C API patterns (no Rust-mangled _ZN/_R symbols, no
#     other stray names);
#   - no data symbols are exported, no symbol is versioned;
#   - SONAME is absent or exactly libmatrixssl.so;
#   - every Tier A and Tier B function is exported.
# Prints PASS/FAIL lines and "symbols: N passed, M failed"; exits 1 on failure.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SO=${1:-build/stage/lib/libmatrixssl.so}

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "PASS $1"; }
ko() { failed=$((failed + 1)); echo "FAIL $1: $2"; }

if [ ! -f "$SO" ]; then
    echo "FAIL symbols: $SO not found (run make)"
    echo "symbols: 0 passed, 1 failed"
    exit 1
fi

# "TYPE NAME" for every defined dynamic symbol.
defs=$(nm -D --defined-only "$SO" | awk 'NF >= 3 { print $2, $3 }')
names=$(printf '%s\n' "$defs" | awk '{ print $2 }')

# Allowed name families: the public API and the Tier C/D helpers the 3.3 headers declare.
allowed='^(matrixSsl|matrix[A-Z]|_?ps[A-Z_]|pstm_|pkcs|osdep|getAsn|ssl[A-Z]|tls[A-Z]|cs[A-Z])'
bad=$(printf '%s\n' "$names" | grep -Ev "$allowed" | head -n 20)
if [ -z "$bad" ]; then ok "symbols/api-names-only"; else ko "symbols/api-names-only" "$(echo $bad)"; fi

mangled=$(printf '%s\n' "$names" | grep -E '^(_ZN|_R)' | head -n 5)
if [ -z "$mangled" ]; then ok "symbols/no-rust-mangled"; else ko "symbols/no-rust-mangled" "$(echo $mangled)"; fi

data=$(printf '%s\n' "$defs" | awk '$1 !~ /^[TtWi]$/ { print $2 "(" $1 ")" }' | head -n 10)
if [ -z "$data" ]; then ok "symbols/functions-only"; else ko "symbols/functions-only" "$(echo $data)"; fi

versioned=$(printf '%s\n' "$names" | grep '@' | head -n 5)
if [ -z "$versioned" ]; then ok "symbols/unversioned"; else ko "symbols/unversioned" "$(echo $versioned)"; fi

soname=$(readelf -d "$SO" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ -z "$soname" ] || [ "$soname" = "libmatrixssl.so" ]; then
    ok "symbols/soname"
else
    ko "symbols/soname" "SONAME is $soname"
fi

required="matrixSslOpen matrixSslClose matrixSslNewKeys matrixSslDeleteKeys matrixSslLoadRsaKeys
matrixSslLoadRsaKeysMem matrixSslLoadPkcs12 matrixSslNewClientSession matrixSslNewServerSession
matrixSslDeleteSession matrixSslGetReadbuf matrixSslReceivedData matrixSslProcessedData
matrixSslGetOutdata matrixSslSentData matrixSslGetWritebuf matrixSslEncodeWritebuf
matrixSslEncodeToOutdata matrixSslEncodeClosureAlert matrixSslNewHelloExtension
matrixSslLoadHelloExtension matrixSslDeleteHelloExtension matrixSslEncodeRehandshake
matrixSslAddRehandshakeCredits matrixSslSetCipherSuiteEnabledStatus matrixSslGetAnonStatus
matrixSslLoadDhParams matrixSslLoadDhParamsMem matrixSslLoadPsk matrixSslLoadEcKeys
matrixSslLoadEcKeysMem _psTrace _psTraceStr _psTraceInt _psTracePtr _psError _psErrorStr
_psErrorInt psTraceBytes psGetTime psDiffMsecs psCompareTime
matrixSslGetNegotiatedVersion matrixSslGetNegotiatedCipher matrixSslIsResumed"
missing=""
for f in $required; do
    printf '%s\n' "$names" | grep -qx "$f" || missing="$missing $f"
done
if [ -z "$missing" ]; then ok "symbols/tier-a-b-exported"; else ko "symbols/tier-a-b-exported" "missing:$missing"; fi

needed=$(readelf -d "$SO" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p' | tr '\n' ' ')
echo "note: $SO needs: $needed"

echo "symbols: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
