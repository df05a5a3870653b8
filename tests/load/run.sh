#!/usr/bin/env bash
# Load test of the example server: 1000 concurrent TLS connections and 20,000 sequential
# handshakes with the server's memory watched (tests/load/load.py). Heavy: not part of
# `make test`, which runs the quick form (`tests/load/run.sh --quick`: 100 concurrent, 500
# sequential).
#
#   tests/load/run.sh [--quick] [load.py options...]
#
# Builds the server (make apps) and the test PKI (build/pki) when missing, raises the
# descriptor limit, and bounds the whole run with a timeout. Last line:
# "load: N passed, M failed"; exit status 0 only if everything passed.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
PYTHON=${PYTHON:-python3}
if [ ! -x build/bin/server ]; then
    ${MAKE:-make} --no-print-directory apps >build/load-make.log 2>&1 || {
        echo "FAIL cannot build build/bin/server (build/load-make.log)"
        echo "load: 0 passed, 1 failed"
        exit 1
    }
fi
if [ ! -f build/pki/server-chain.pem ]; then
    bash c-tests/make-test-pki.sh build/pki >/dev/null 2>&1 || {
        echo "FAIL cannot create the test PKI in build/pki"
        echo "load: 0 passed, 1 failed"
        exit 1
    }
fi
# 1000 client sockets here plus 1000 in the server (which inherits the limit).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 4096 2>/dev/null || true
limit=1800
case " $* " in *" --quick "*) limit=300 ;; esac
timeout --kill-after=30 "$limit" "$PYTHON" tests/load/load.py "$@"
rc=$?
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "FAIL load test timed out after ${limit}s"
    echo "load: 0 passed, 1 failed"
fi
exit "$rc"
