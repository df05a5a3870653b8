#!/usr/bin/env bash
# `make demo`: a throwaway PKI in build/demo, our example server on a random port with an RSA
# and an ECDSA identity and two pre-shared keys, and our example client doing, over TLS 1.3
# (the default, ABI.md D25), a GET, a 1 MB POST echo, resumed reconnections, a 1 MB echo with
# ChaCha20-Poly1305 and a KeyUpdate (-R 0, ABI.md D29); then an ECDHE_RSA suite, a DHE_RSA
# suite, TLS 1.2 and TLS 1.0 by cap, and a PSK-only connection (no CA or certificate). The
# server is stopped by PID whatever happens.
# Prints a short summary; exits 1 if any step failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIN=build/bin
D=build/demo
rm -rf "$D"
mkdir -p "$D"

if [ ! -x "$BIN/server" ] || [ ! -x "$BIN/client" ]; then
    echo "demo: $BIN/server and $BIN/client are missing (run make)" >&2
    exit 1
fi

echo "demo: making a throwaway PKI in $D"
if ! bash tests/mkpki.sh "$D" >"$D/pki.log" 2>&1; then
    echo "demo: PKI generation failed:" >&2
    cat "$D/pki.log" >&2
    exit 1
fi

PSK1=000102030405060708090a0b0c0d0e0f
PSK2=f0e1d2c3b4a5968778695a4b3c2d1e0f
"$BIN/server" -p 0 -c "$D/server.pem" -k "$D/server.key" -e "$D/server-ec.pem" -E "$D/server-ec.key" \
    -K "$PSK1" -I demo-one -K "$PSK2" -I demo-two -t 30 >"$D/server.log" 2>&1 &
SPID=$!
stop_server() {
    if kill -0 "$SPID" 2>/dev/null; then
        kill "$SPID" 2>/dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$SPID" 2>/dev/null || break
            sleep 0.2
        done
        kill -9 "$SPID" 2>/dev/null
    fi
    wait "$SPID" 2>/dev/null
}
trap stop_server EXIT

PORT=
for _ in $(seq 1 100); do
    PORT=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$D/server.log" | head -n 1)
    [ -n "$PORT" ] && break
    if ! kill -0 "$SPID" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
if [ -z "$PORT" ]; then
    echo "demo: the server did not start:" >&2
    cat "$D/server.log" >&2
    exit 1
fi
echo "demo: server (pid $SPID) listening on 127.0.0.1:$PORT"

results=()
failed=0
demo_step() { # title [--no-ca] args...
    local title=$1 ca=(-a "$D/ca.pem")
    shift
    if [ "${1:-}" = "--no-ca" ]; then
        ca=()
        shift
    fi
    local log="$D/client-$((${#results[@]} + 1)).log"
    if timeout 120 "$BIN/client" -h 127.0.0.1 -p "$PORT" "${ca[@]}" "$@" >"$log" 2>&1 &&
        grep -q '^RESULT OK' "$log"; then
        results+=("  OK    $title")
    else
        results+=("  FAIL  $title  ($(grep '^RESULT' "$log" | tail -n 1 || true); see $log)")
        failed=$((failed + 1))
    fi
    sed 's/^/    client: /' "$log" | grep -v -e '^    client: RESULT' | head -n 8
}

demo_step "TLS 1.3: GET /100000 (body checked byte for byte)" -g 100000
demo_step "TLS 1.3: POST /echo with 1 MB (echo checked byte for byte)" -e 1048576
demo_step "TLS 1.3: GET /1000 + 2 reconnections resuming the session" -g 1000 -r 2
demo_step "TLS 1.3: POST /echo with 1 MB and TLS_CHACHA20_POLY1305_SHA256" -e 1048576 -s 0x1303
demo_step "TLS 1.3: KeyUpdate from the client before its GET /100000 (-R 0)" -g 100000 -R 0
demo_step "GET /1000 with TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (RSA identity)" -g 1000 -s 0xc030
demo_step "GET /1000 with TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 (built-in ffdhe2048 group)" -g 1000 -s 0x009e
demo_step "GET /1000 + 2 reconnections at TLS 1.2 (client capped with -V 0x0303)" -g 1000 -r 2 \
    -V 0x0303
demo_step "GET /1000 at TLS 1.0 (client capped with -V 0x0301)" -g 1000 -V 0x0301
demo_step "GET /1000 with the second pre-shared key only (no CA, no certificate)" --no-ca \
    -K "$PSK2" -I demo-two -g 1000

stop_server
trap - EXIT

echo
echo "demo summary (server log: $D/server.log)"
printf '%s\n' "${results[@]}"
echo "  server handshakes:"
grep '^handshake' "$D/server.log" | sed 's/^/    /'
if [ "$failed" -ne 0 ]; then
    echo "demo: $failed step(s) failed"
    exit 1
fi
echo "demo: all steps passed"
