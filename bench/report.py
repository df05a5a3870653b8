#!/usr/bin/env python3
"""Aggregates bench/run.sh output: medians over repetitions, BENCHMARKS.md, RATIO lines.

usage: report.py OUT_DIR BENCHMARKS_MD

Reads OUT_DIR/raw-<lib>-<rep>.txt (harness output), sizes.txt, env.txt and timing.txt (the
statistical timing test, bench/timing_test.c). Every number in the report comes from those
files. TLS 1.3 rows carry metrics prefixed "tls13_" and row names that add the chain to the
suite; a harness's "SKIP" line (a measurement its library cannot make yet) shows as n/a with
its reason, and counts as a missed target.
"""
import glob
import os
import re
import statistics
import sys

LINE = re.compile(r"^RESULT lib=(\S+) metric=(\S+) suite=(\S+) value=(\S+)$")
SKIP = re.compile(r"^SKIP lib=(\S+) metric=(\S+) suite=(\S+) reason=(\S+)$")
INFO = re.compile(r"^INFO lib=(\S+) (\w+)=(.*)$")

SUITES = [
    ("TLS_RSA_WITH_AES_128_CBC_SHA", "RSA kx, AES-128-CBC, HMAC-SHA1", False),
    ("TLS_RSA_WITH_AES_128_GCM_SHA256", "RSA kx, AES-128-GCM", True),
    ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE X25519, RSA-2048, AES-128-GCM", True),
    ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE X25519, ECDSA P-256, AES-128-GCM", True),
    ("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
     "ECDHE X25519, ECDSA P-256, ChaCha20-Poly1305", True),
]
# TLS 1.3 rows: one suite, two certificate chains (X25519 in both).
TLS13 = [
    ("TLS_AES_128_GCM_SHA256+ECDSA-P256", "TLS 1.3, X25519, ECDSA P-256, AES-128-GCM", True),
    ("TLS_AES_128_GCM_SHA256+RSA-2048", "TLS 1.3, X25519, RSA-2048 (RSA-PSS), AES-128-GCM",
     True),
]
AEAD = {name: aead for name, _, aead in SUITES + TLS13}
PEERS = ["openssl", "rustls"]
# Size targets of the installed libraries (decimal MB), as `make install` leaves them:
# (library, file metric, label, target bytes).
SIZE_TARGETS = [
    ("matrixssl", "installed_libmatrixssl_so", "default build, libmatrixssl.so", 4_000_000),
    ("matrixssl", "installed_libmatrixssl_a", "default build, libmatrixssl.a", None),
    ("matrixssl-small", "installed_libmatrixssl_so", "small build, libmatrixssl.so", 1_500_000),
    ("matrixssl-small", "installed_libmatrixssl_a", "small build, libmatrixssl.a", 8_000_000),
]


def load(out):
    values, info, skips = {}, {}, {}
    files = sorted(glob.glob(os.path.join(out, "raw-*.txt")))
    files.append(os.path.join(out, "sizes.txt"))
    for path in files:
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for line in f:
                line = line.strip()
                m = LINE.match(line)
                if m:
                    lib, metric, suite, value = m.groups()
                    values.setdefault((lib, metric, suite), []).append(float(value))
                    continue
                m = SKIP.match(line)
                if m:
                    lib, metric, suite, reason = m.groups()
                    skips[(lib, metric, suite)] = reason.replace("-", " ")
                    continue
                m = INFO.match(line)
                if m:
                    info[(m.group(1), m.group(2))] = m.group(3)
    env = {}
    env_path = os.path.join(out, "env.txt")
    if os.path.exists(env_path):
        with open(env_path) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                env[k] = v
    return values, info, env, skips


def med(values, lib, metric, suite):
    v = values.get((lib, metric, suite))
    return statistics.median(v) if v else None


def spread(values, lib, metric, suite):
    v = values.get((lib, metric, suite))
    if not v or len(v) < 2:
        return ""
    m = statistics.median(v)
    return " ±%.0f%%" % (50.0 * (max(v) - min(v)) / m) if m else ""


def fmt(x, digits=0):
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}"


def ratio(ours, theirs, memory=False):
    if ours is None or theirs is None or ours == 0 or theirs == 0:
        return None
    return theirs / ours if memory else ours / theirs


def rfmt(r):
    return "n/a" if r is None else f"{r:.2f}×"


TIMING = re.compile(r"^(TIMING|OUTCOME) test=(\S+) t=(\S+) verdict=(\S+)$")
TIMING_INFO = re.compile(r"^INFO timing test=(\S+) a=\S+ n_a=(\d+) median_a_ns=(\S+) "
                         r"b=\S+ n_b=(\d+) median_b_ns=(\S+) cropped_mean_diff_ns=(\S+)$")


def timing_section(out, w):
    """The statistical timing test's lines (bench/timing_test.c) as a table."""
    path = os.path.join(out, "timing.txt")
    if not os.path.exists(path):
        return
    rows, details = [], {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            m = TIMING_INFO.match(line)
            if m:
                details[m.group(1)] = m.groups()[1:]
            m = TIMING.match(line)
            if m:
                rows.append(m.groups())
    if not rows:
        return
    w("## Timing side channels (statistical test)")
    w("")
    w("`bench/timing_test.c`, run by `make bench`: the server's `matrixSslReceivedData` call on")
    w("a crafted message is timed, classes drawn at random per sample, each pair compared")
    w("with Welch's t-test after cropping at the pooled 90th percentile (the dudect method;")
    w("|t| < 4.5: no evidence of a difference). (a) RSA ClientKeyExchange")
    w("(TLS_RSA_WITH_AES_128_CBC_SHA, RSA-2048): premaster well formed, bad PKCS#1 padding")
    w("(block type 01), wrong version bytes (RFC 5246 §7.4.7.1). (b) CBC records")
    w("(TLS_PSK_WITH_AES_128_CBC_SHA: the same AES-128-CBC + HMAC-SHA1 record code, with")
    w("handshakes cheap enough for a new connection per sample), all 1,061 bytes: valid with")
    w("padding length 0 or 15, bad MAC under either, bad padding claiming length 255; every")
    w("rejected record draws the same bad_record_mac alert (checked per sample).")
    w("")
    w("| comparison | samples | median ns | cropped mean diff ns | t | verdict |")
    w("|---|---:|---:|---:|---:|---|")
    for kind, test, t, verdict in rows:
        d = details.get(test)
        n = f"{int(d[0]):,} / {int(d[2]):,}" if d else "?"
        medians = f"{float(d[1]):,.0f} / {float(d[3]):,.0f}" if d else "?"
        diff = f"{float(d[4]):,.1f}" if d else "?"
        name = f"`{test}`" + (" (outcome, public)" if kind == "OUTCOME" else "")
        w(f"| {name} | {n} | {medians} | {diff} | {t} | {verdict} |")
    w("")
    w("The last row compares an accepted record with a rejected one: the rejection also")
    w("builds and encrypts the fatal alert, and whether a record was accepted is visible on")
    w("the wire anyway, so that difference reveals nothing; the Lucky 13 question is whether")
    w("records with the same outcome but different padding (length or validity) differ.")
    w("")


def main():
    out, md_path = sys.argv[1], sys.argv[2]
    values, info, env, skips = load(out)
    ratios = []  # (metric, suite, peer, value)
    misses = []
    md = []
    w = md.append
    w("# Benchmarks: matrixssl-rs vs OpenSSL vs rustls")
    w("")
    w("Generated by `make bench` (`bench/run.sh`); every number below comes from the harness")
    w("output in `build/bench/`. Ratios are ours ÷ theirs for speed and theirs ÷ ours for")
    w("memory, so above 1 always means matrixssl-rs leads.")
    w("")
    w("## Setup")
    w("")
    w(f"- Machine: {env.get('cpu', '?')}, {env.get('cores', '?')} cores "
      f"({env.get('isa', '?')}), {env.get('kernel', '?')}")
    w(f"- Compilers: {env.get('cc', '?')}; {env.get('rustc', '?')}")
    w(f"- matrixssl-rs {info.get(('matrixssl', 'version'), '?')} API, commit "
      f"{env.get('matrixssl', '?')}, ring {env.get('ring', '?')}; "
      f"{info.get(('openssl', 'version'), 'OpenSSL ?')}; rustls "
      f"{info.get(('rustls', 'version'), '?')} (ring provider)")
    w(f"- Method: client and server in one process and thread, records copied in memory (our")
    w(f"  C API buffers; OpenSSL BIO pairs; rustls `write_tls`/`read_tls`). TLS 1.2, one suite")
    w(f"  offered, client verifies the server chain (RSA-2048 leaf + intermediate, or ECDSA")
    w(f"  P-256 leaf + intermediate) against the test root, ECDHE over X25519. Resumption by")
    w(f"  session ID (no tickets). OpenSSL runs without encrypt-then-MAC, as we do. Rates are")
    w(f"  per CPU second of the process (client + server work), {env.get('seconds', '?')} s per")
    w(f"  measurement; median of {env.get('reps', '?')} repetitions run interleaved (one process")
    w(f"  per library per repetition), ± is half the min–max spread.")
    w("- TLS 1.3 rows (metrics `tls13_*`): the same method with TLS 1.3 only (every row pins")
    w("  its version), suite TLS_AES_128_GCM_SHA256, X25519 key share, the ECDSA P-256 chain or")
    w("  the RSA-2048 chain (RSA-PSS signatures). Every server issues one NewSessionTicket per")
    w("  handshake and the client takes it in before the pair counts as done. Tickets are")
    w("  stateful (references into the server's session cache: ours by design, ABI.md D28;")
    w("  OpenSSL with SSL_OP_NO_TICKET; rustls without a ticketer) and single-use: each resumed")
    w("  handshake (psk_dhe_ke, so with an X25519 exchange) offers the previous one's ticket;")
    w("  ours through the application's `sslSessionId_t` record.")
    w("- Memory: a counting hook around malloc/calloc/realloc/free (C harnesses) or the global")
    w("  allocator (rustls) sums `malloc_usable_size` of live blocks. Idle = held by an")
    w("  established client + server pair (mean of 16 pairs); peak = highest heap above the")
    w("  starting level during one full handshake of a pair. OpenSSL's BIO-pair buffers (the")
    w(f"  harness's transport, {info.get(('openssl', 'bio_pair_bytes'), '?')} bytes per pair) are")
    w("  subtracted. The hook stays on during the timed runs too: a small per-allocation cost")
    w("  (`malloc_usable_size`) for every library, largest for the one that allocates most.")
    w("  Nothing escapes either count: the C hook sees aws-lc's allocations inside our library")
    w("  (the RSA private operation's temporaries and blinding, about 3.6–4.4 KB while it")
    w("  runs), and rustls' ring provider allocates only through Rust's allocator (its C and")
    w("  assembly objects reference no malloc), so the global allocator sees all of its heap.")
    w("")

    def cell(lib, metric, suite, digits=0):
        v = med(values, lib, metric, suite)
        if v is None and (lib, metric, suite) in skips:
            return f"n/a ({skips[(lib, metric, suite)]})"
        return fmt(v, digits) + spread(values, lib, metric, suite)

    def row_speed(metric, title, unit, digits=0, rows=SUITES):
        w(f"## {title}")
        w("")
        w(f"| suite | matrixssl-rs {unit} | OpenSSL {unit} | rustls {unit} | ours/OpenSSL | ours/rustls |")
        w("|---|---:|---:|---:|---:|---:|")
        for suite, desc, _ in rows:
            ours = med(values, "matrixssl", metric, suite)
            if ours is None and all(med(values, p, metric, suite) is None for p in PEERS):
                continue
            cells = [f"`{suite}`<br>{desc}"]
            for lib in ["matrixssl"] + PEERS:
                cells.append(cell(lib, metric, suite, digits))
            for peer in PEERS:
                r = ratio(ours, med(values, peer, metric, suite))
                cells.append(rfmt(r))
                if r is not None:
                    ratios.append((metric, suite, peer, r))
            w("| " + " | ".join(cells) + " |")
        w("")

    row_speed("full_hs", "Full handshakes per second", "hs/s")
    row_speed("resumed_hs", "Resumed handshakes per second (session ID)", "hs/s")
    row_speed("bulk", "Bulk throughput, 16 KB records, client → server", "MB/s")
    row_speed("tls13_full_hs", "TLS 1.3 full handshakes per second", "hs/s", rows=TLS13)
    row_speed("tls13_resumed_hs", "TLS 1.3 resumed handshakes per second (tickets, psk_dhe_ke)",
              "hs/s", rows=TLS13)
    row_speed("tls13_bulk", "TLS 1.3 bulk throughput, 16 KB records, client → server", "MB/s",
              rows=TLS13)
    # Every row of both versions, with the prefix of its metric names.
    all_rows = [("", suite) for suite, _, _ in SUITES] + [("tls13_", suite) for suite, _, _ in TLS13]

    w("Heap allocations per 16 KB record in the steady state (both sides, after warm-up):")
    w("")
    w("| suite | matrixssl-rs | OpenSSL | rustls |")
    w("|---|---:|---:|---:|")
    for pre, suite in all_rows:
        cells = [med(values, lib, pre + "bulk_allocs_per_record", suite)
                 for lib in ["matrixssl"] + PEERS]
        if all(c is None for c in cells):
            continue
        w(f"| `{suite}` | " + " | ".join(fmt(c, 2) for c in cells) + " |")
    w("")

    w("Heap allocations per full handshake (client and server together):")
    w("")
    w("| suite | matrixssl-rs | OpenSSL | rustls |")
    w("|---|---:|---:|---:|")
    for pre, suite in all_rows:
        cells = [med(values, lib, pre + "hs_allocs", suite) for lib in ["matrixssl"] + PEERS]
        if all(c is None for c in cells):
            continue
        w(f"| `{suite}` | " + " | ".join(fmt(c) for c in cells) + " |")
    w("")

    w("## Memory")
    w("")
    w("| suite | metric | matrixssl-rs B | OpenSSL B | rustls B | OpenSSL/ours | rustls/ours |")
    w("|---|---|---:|---:|---:|---:|---:|")
    for pre, suite in all_rows:
        for metric, label in [("heap_idle", "idle pair"), ("heap_idle_client", "idle client"),
                              ("heap_idle_server", "idle server"),
                              ("heap_peak", "handshake peak (pair)")]:
            metric = pre + metric
            ours = med(values, "matrixssl", metric, suite)
            if ours is None and all(med(values, p, metric, suite) is None for p in PEERS):
                continue
            cells = [f"`{suite}`", label]
            cells += [fmt(med(values, lib, metric, suite)) for lib in ["matrixssl"] + PEERS]
            for peer in PEERS:
                r = ratio(ours, med(values, peer, metric, suite), memory=True)
                cells.append(rfmt(r))
                if r is not None and metric in ("heap_idle", "heap_peak", "tls13_heap_idle",
                                                "tls13_heap_peak"):
                    ratios.append((metric, suite, peer, r))
            w("| " + " | ".join(cells) + " |")
    w("")

    w("## Size (stripped)")
    w("")
    w("| | matrixssl-rs | OpenSSL | rustls |")
    w("|---|---:|---:|---:|")
    w("| shared library | " + " | ".join(
        fmt(med(values, lib, "size_lib", "-")) for lib in ["matrixssl", "openssl"]) +
      " (libssl + libcrypto) | n/a (Rust crate) |")
    w("| minimal static client | " + " | ".join(
        fmt(med(values, lib, "size_static_client", "-")) for lib in ["matrixssl"] + PEERS) + " |")
    kinds = ", ".join(f"{lib}: {info[(lib, 'static_kind')]}" for lib in ["matrixssl"] + PEERS
                      if (lib, "static_kind") in info)
    w("")
    w(f"Link kinds: {kinds}.")
    w("")

    # Installed artefacts and the small build (make SMALL=1), for information: no targets
    # on its rates, and its RATIO lines carry their own metric names.
    small_ratios = []
    w("## Installed sizes and the small build")
    w("")
    w("As `make install` leaves them: the shared library stripped, the archive without debug")
    w("sections and embedded bitcode. The small build (`make SMALL=1`) is Cargo profile")
    w("`small` (opt-level s, full LTO; the shared library linked with packed relative")
    w("relocations) without the default `fast-rsa` and `ec-tables` features: the same C API")
    w("and suites, RSA private operations on crypto-bigint instead of aws-lc.")
    w("")
    w("| file | bytes | target | met |")
    w("|---|---:|---:|---|")
    sizes = []
    for lib, metric, label, target in SIZE_TARGETS:
        v = med(values, lib, metric, "-")
        if v is None:
            continue
        met = "-" if target is None else ("yes" if v <= target else "**no**")
        if target is not None and v > target:
            misses.append(f"{label}: {v:,.0f} > {target:,} bytes")
        w(f"| {label} | {fmt(v)} | {fmt(target) if target else '-'} | {met} |")
        sizes.append((label, v, target))
    w("")
    w("| suite | metric | small build hs/s | default build hs/s | OpenSSL hs/s | small/OpenSSL |")
    w("|---|---|---:|---:|---:|---:|")
    for metric, rows in [("full_hs", SUITES), ("resumed_hs", SUITES),
                         ("tls13_full_hs", TLS13), ("tls13_resumed_hs", TLS13)]:
        for suite, _, _ in rows:
            small = med(values, "matrixssl-small", metric, suite)
            if small is None:
                continue
            theirs = med(values, "openssl", metric, suite)
            r = ratio(small, theirs)
            if r is not None:
                small_ratios.append((f"small_{metric}", suite, "openssl", r))
            w(f"| `{suite}` | {metric} | {fmt(small)}{spread(values, 'matrixssl-small', metric, suite)}"
              f" | {fmt(med(values, 'matrixssl', metric, suite))} | {fmt(theirs)} | {rfmt(r)} |")
    w("")

    # Targets of issue 7 (TLS 1.2) and issue 15 (TLS 1.3: the same ones for handshakes,
    # resumption and AEAD bulk).
    w("## Targets")
    w("")
    w("| metric | suite | peer | ratio | target | met |")
    w("|---|---|---|---:|---:|---|")
    faster = {}
    for metric, suite, peer, r in ratios:
        if metric in ("bulk", "tls13_bulk"):
            faster[(metric, suite)] = min(faster.get((metric, suite), r), r)
    for metric, suite, peer, r in ratios:
        if metric in ("full_hs", "resumed_hs", "tls13_full_hs", "tls13_resumed_hs"):
            target = 1.0
        elif metric in ("bulk", "tls13_bulk") and AEAD.get(suite):
            if r != faster.get((metric, suite)):
                continue  # AEAD: judged against the faster of the two
            target = 0.95
        elif metric == "bulk":
            if peer != "openssl":
                continue
            target = 0.8
        elif metric == "heap_idle":
            target = 2.0 if peer == "openssl" else 1.0
        else:
            continue
        ok = r >= target
        if not ok:
            misses.append(f"{metric} {suite} vs {peer}: {r:.2f} < {target}")
        w(f"| {metric} | `{suite}` | {peer} | {r:.2f} | {target:.2f} | {'yes' if ok else '**no**'} |")
    # A measurement of ours that the harness could not make misses its target.
    for (lib, metric, suite), reason in sorted(skips.items()):
        if lib != "matrixssl" or med(values, lib, metric, suite) is not None:
            continue
        misses.append(f"{metric} {suite}: not measured ({reason})")
        w(f"| {metric} | `{suite}` | - | n/a | 1.00 | **no**: not measured ({reason}) |")
    allocs = [med(values, "matrixssl", pre + "bulk_allocs_per_record", s) for pre, s in all_rows]
    allocs = [a for a in allocs if a is not None]
    zero = bool(allocs) and max(allocs) == 0
    w(f"| allocations per record | all bulk suites | - | {max(allocs) if allocs else 'n/a'} "
      f"| 0 | {'yes' if zero else '**no**'} |")
    w("")
    timing_section(out, w)
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NOTES.md")
    if os.path.exists(notes):
        with open(notes) as f:
            w(f.read().rstrip())
            w("")

    with open(md_path, "w") as f:
        f.write("\n".join(md))
    for metric, suite, peer, r in ratios + small_ratios:
        print(f"RATIO metric={metric} suite={suite} peer={peer} value={r:.3f}")
    for label, v, target in sizes:
        verdict = "" if target is None else f" target={target} met={'yes' if v <= target else 'no'}"
        print(f"SIZE {label.replace(', ', ' ').replace(' ', '_')} bytes={v:.0f}{verdict}")
    print(f"bench: wrote {md_path}; {len(misses)} target(s) missed", file=sys.stderr)
    for m in misses:
        print(f"bench: missed: {m}", file=sys.stderr)


if __name__ == "__main__":
    main()
