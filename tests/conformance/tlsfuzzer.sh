#!/bin/bash
# Runs tlsfuzzer's server conformance scripts against the example server (apps/server.c).
#
#   make conformance TLSFUZZER=/path/to/tlsfuzzer [TLSLITE=/path/to/tlslite-ng] [CASES=regex]
#
# tlsfuzzer (https://github.com/tlsfuzzer/tlsfuzzer) is not on PyPI, so `make test` cannot
# install it; this runs it when a checkout is at hand. It needs the tlslite-ng its
# requirements.txt names (PYTHONPATH=TLSLITE) and python3-ecdsa. Each line of cases.txt is
# `script | server arguments | script arguments`: the scripts listed pass in full with those
# arguments, the conversations excluded with -e being features we do not implement (named
# in the line's comment). Exit status: the number of scripts that failed (0: all passed).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${TLSFUZZER:?set TLSFUZZER to a tlsfuzzer checkout}"
PYTHON=${PYTHON:-python3}
# The scripts run from the tlsfuzzer checkout: a relative interpreter path is the project's.
case "$PYTHON" in /*) ;; */*) PYTHON=$root/$PYTHON ;; esac
export PYTHONPATH="$TLSFUZZER${TLSLITE:+:$TLSLITE}${PYTHONPATH:+:$PYTHONPATH}"
server=${SERVER:-$root/build/bin/server}
pki=${PKI:-$root/build/pki}
filter=${CASES:-.}
logs=$root/build/test-logs/conformance
mkdir -p "$logs"
failed=0
passed=0
while IFS='|' read -r script sargs cargs; do
    script=${script//[[:space:]]/}
    case "$script" in ''|\#*) continue ;; esac
    echo "$script" | grep -Eq -- "$filter" || continue
    port=$((20000 + RANDOM % 20000))
    sargs=${sargs//@PKI@/$pki}
    cargs=${cargs//@PKI@/$pki}
    # shellcheck disable=SC2086 # argument lists are word-split on purpose
    "$server" -p "$port" -c "$pki/server-chain.pem" -k "$pki/server.key" \
        -e "$pki/ec-server-chain.pem" -E "$pki/ec-server.key" -q -t 30 $sargs \
        >"$logs/$script.server.log" 2>&1 &
    spid=$!
    sleep 0.3
    # shellcheck disable=SC2086
    eval "set -- $cargs"
    (cd "$TLSFUZZER" && timeout 900 "$PYTHON" "scripts/$script" -h 127.0.0.1 -p "$port" "$@") \
        >"$logs/$script.log" 2>&1
    rc=$?
    kill "$spid" 2>/dev/null
    wait "$spid" 2>/dev/null
    summary=$(grep -E '^(TOTAL|FAIL):' "$logs/$script.log" | tr '\n' ' ')
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        echo "PASS $script $summary"
    else
        failed=$((failed + 1))
        echo "FAIL $script (exit $rc) $summary; log: $logs/$script.log"
    fi
done <"$here/cases.txt"
echo "conformance: $passed passed, $failed failed"
exit "$failed"
