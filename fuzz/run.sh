#!/usr/bin/env bash
# Fuzzes every target for SECONDS each (default 60) with cargo-fuzz (libFuzzer + ASan).
#
#   fuzz/run.sh [SECONDS]
#
# The toolchain is stable: cargo-fuzz's nightly-only rustc flags (-Zsanitizer, sancov
# passes) are enabled with RUSTC_BOOTSTRAP=1. cargo-fuzz is installed from crates.io when
# missing. Inputs: the committed seeds (fuzz/seeds/TARGET) and regressions
# (fuzz/regressions/TARGET); the growing corpus stays in fuzz/corpus/TARGET (not
# committed). A crash, leak, out-of-memory or timeout (> 25 s for one input) leaves its
# input in fuzz/artifacts/TARGET/ and counts as a crash (a timeout or slow unit only if it
# is still slow when run again alone: the machine's load can stall one input); reproduce with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz TARGET fuzz/artifacts/TARGET/crash-...
# and, once fixed, copy it to fuzz/regressions/TARGET/ (the stable replay runs it:
#   cargo run --release --manifest-path fuzz/Cargo.toml --bin replay).
#
# Environment: FUZZ_TARGETS (space-separated subset), CARGO_TARGET_DIR (default
# fuzz/target), MATRIXSSL_FUZZ_PKI (default fuzz/pki, generated when missing).
# Logs: fuzz/logs/TARGET.log. Last line: "FUZZ targets=N crashes=M"; exit 1 on crashes.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-60}
case $secs in '' | *[!0-9]*) echo "usage: fuzz/run.sh [SECONDS]" >&2; exit 2 ;; esac

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/fuzz/target}
export MATRIXSSL_FUZZ_PKI=${MATRIXSSL_FUZZ_PKI:-$PWD/fuzz/pki}
targets=(${FUZZ_TARGETS:-server_recv client_recv established api_sequence x509 keys_mem pem handshake_codec})
mkdir -p fuzz/logs

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install --locked cargo-fuzz >fuzz/logs/install.log 2>&1 ||
        cargo install cargo-fuzz >>fuzz/logs/install.log 2>&1 || {
        echo "cannot install cargo-fuzz (fuzz/logs/install.log)"
        echo "FUZZ targets=0 crashes=0"
        exit 2
    }
fi
if [ ! -f "$MATRIXSSL_FUZZ_PKI/server-chain.pem" ]; then
    bash c-tests/make-test-pki.sh "$MATRIXSSL_FUZZ_PKI" >fuzz/logs/pki.log 2>&1 || {
        echo "test PKI generation failed (fuzz/logs/pki.log)"
        echo "FUZZ targets=0 crashes=0"
        exit 2
    }
fi

# Largest input per target: handshake flights with certificate chains need room.
max_len() {
    case $1 in
        server_recv | client_recv) echo 16384 ;;
        established | api_sequence) echo 32768 ;;
        *) echo 8192 ;;
    esac
}

total_crashes=0
ran=0
failed_targets=0
build_failures=0
for t in "${targets[@]}"; do
    log=fuzz/logs/$t.log
    art=fuzz/artifacts/$t
    mkdir -p "fuzz/corpus/$t" "$art" "fuzz/regressions/$t"
    if ! cargo fuzz build --fuzz-dir fuzz "$t" >"$log" 2>&1; then
        echo "$t: build failed ($log)"
        total_crashes=$((total_crashes + 1))
        build_failures=$((build_failures + 1))
        continue
    fi
    before=$(ls "$art" | sort)
    # libFuzzer stops at the first crash; the outer timeout is a safety net only.
    timeout --kill-after=30 $((secs + 300)) \
        cargo fuzz run --fuzz-dir fuzz "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" "fuzz/regressions/$t" -- \
        -max_total_time="$secs" -timeout=25 -report_slow_units=20 -rss_limit_mb=2048 \
        -max_len="$(max_len "$t")" \
        -print_final_stats=1 >>"$log" 2>&1
    rc=$?
    ran=$((ran + 1))
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | tail -n 1 | awk '{print $2}')
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | awk '{print $2}')
    new=$(comm -13 <(echo "$before") <(ls "$art" | sort) | grep -E '^(crash|leak|oom|timeout|slow-unit)-' || true)
    # A timeout or slow unit may be the machine's load rather than the input: it counts
    # only if running that input alone again is still slow (> 10 s) or fails.
    confirmed=""
    for a in $new; do
        case $a in
            timeout-* | slow-unit-*)
                t0=$(date +%s)
                if cargo fuzz run --fuzz-dir fuzz "$t" "$art/$a" -- -runs=1 -timeout=25 \
                        >>"$log" 2>&1 && [ $(($(date +%s) - t0)) -le 10 ]; then
                    echo "  $art/$a: not reproducible (fast when run alone), not counted"
                    continue
                fi
                ;;
        esac
        confirmed="$confirmed $a"
    done
    new=$confirmed
    n=$(for a in $new; do echo "$a"; done | grep -c . || true)
    if [ "$n" -eq 0 ] && [ "$rc" -ne 0 ]; then
        n=1 # died without leaving an artifact (e.g. killed by the outer timeout)
    fi
    echo "$t: ${runs:-?} runs in ${secs}s, coverage ${cov:-?}, corpus $(ls "fuzz/corpus/$t" | wc -l), crashes $n (exit $rc)"
    for a in $new; do
        echo "  $art/$a"
    done
    total_crashes=$((total_crashes + n))
    if [ "$n" -gt 0 ]; then failed_targets=$((failed_targets + 1)); fi
done
# The count line `make test` aggregates (a target with a crash or a failed build fails),
# then the summary line, last.
echo "fuzz: $((ran - failed_targets)) passed, $((failed_targets + build_failures)) failed"
echo "FUZZ targets=$ran crashes=$total_crashes"
[ "$total_crashes" -eq 0 ]
