#!/usr/bin/env bash
# Static-link check (ABI.md §1.2, D18): objects compiled against the staged headers link with
#   gcc objects... build/stage/lib/libmatrixssl.a -lc
# and nothing else, and the result runs: the statically linked client talks to the
# statically linked server (GET with body check, then a resumed reconnection).
# Prints PASS/FAIL lines and "static-link: N passed, M failed".
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
STAGE=build/stage
OUT=build/static
CC=${CC:-gcc}
rm -rf "$OUT"
mkdir -p "$OUT"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "PASS $1"; }
ko() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
finish() {
    echo "static-link: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

CFLAGS=$(PKG_CONFIG_PATH=$STAGE/lib/pkgconfig pkg-config --cflags matrixssl 2>/dev/null)
if [ -z "$CFLAGS" ] || [ ! -f "$STAGE/lib/libmatrixssl.a" ]; then
    ko "static-link/setup" "staged tree missing (run make)"
    finish
fi

for app in client server; do
    if ! $CC -std=c99 -O2 $CFLAGS -c "apps/$app.c" -o "$OUT/$app.o" 2>"$OUT/$app-cc.log"; then
        ko "static-link/compile-$app" "$(tail -n 5 "$OUT/$app-cc.log")"
        continue
    fi
    # Exactly the 3.3 sample Makefile's link line: plain gcc, the archive, -lc.
    if gcc "$OUT/$app.o" "$STAGE/lib/libmatrixssl.a" -lc -o "$OUT/$app" 2>"$OUT/$app-ld.log"; then
        ok "static-link/link-$app"
    else
        ko "static-link/link-$app" "$(grep -m 5 -E 'undefined|error' "$OUT/$app-ld.log")"
    fi
done
if [ ! -x "$OUT/client" ] || [ ! -x "$OUT/server" ]; then
    finish
fi
if ldd "$OUT/client" 2>/dev/null | grep -q libmatrixssl; then
    ko "static-link/no-shared-dependency" "client still needs libmatrixssl.so"
else
    ok "static-link/no-shared-dependency"
fi

if ! bash tests/mkpki.sh "$OUT/pki" >"$OUT/pki.log" 2>&1; then
    ko "static-link/run" "PKI generation failed"
    finish
fi
"$OUT/server" -p 0 -q -n 2 -t 20 -c "$OUT/pki/server.pem" -k "$OUT/pki/server.key" >"$OUT/server.log" 2>&1 &
SPID=$!
trap 'kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null' EXIT
PORT=
for _ in $(seq 1 100); do
    PORT=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$OUT/server.log" | head -n 1)
    [ -n "$PORT" ] && break
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$PORT" ]; then
    ko "static-link/run" "static server did not start: $(tail -n 3 "$OUT/server.log")"
    finish
fi
if timeout 60 "$OUT/client" -h 127.0.0.1 -p "$PORT" -a "$OUT/pki/ca.pem" -g 65536 -r 1 \
    >"$OUT/client.log" 2>&1 && grep -q '^RESULT OK' "$OUT/client.log"; then
    ok "static-link/run"
else
    ko "static-link/run" "$(tail -n 3 "$OUT/client.log" | tr '\n' ' ')"
fi
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
trap - EXIT
finish
