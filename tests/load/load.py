#!/usr/bin/env python3
"""Load test of the example server (apps/server.c) over 127.0.0.1.

Two phases, each against a fresh server process:

  concurrent  N TLS connections held open at the same time (default 1000): they are
              opened with at most --inflight handshakes in progress, wait until all are
              established (the server then holds N sessions; its open descriptors are
              counted from /proc), then each sends "GET /256" and checks the 256-byte
              answer and the orderly close.
  sequential  M handshakes one after another (default 20000; every fourth one resumes the
              previous session), each with a small request, while the server's VmRSS is
              sampled from /proc/PID/status after a warm-up and at the end: memory is flat
              when the end value is within 10% of the warm-up value.

Everything is bounded: socket timeouts, a time limit per phase (--phase-timeout), and the
server is always terminated. Only loopback addresses are used.

  load.py [--quick] [--server build/bin/server] [--pki build/pki]
          [--concurrent N] [--sequential M] [--warmup W]

--quick is 100 concurrent and 500 sequential (warm-up 100), for `make test`.
Prints one line per check, a PASS/FAIL summary, and "load: N passed, M failed".
"""

import argparse
import asyncio
import os
import resource
import signal
import socket
import ssl
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BODY_LEN = 256


def pattern(n):
    return bytes((i * 31 + 7) & 0xFF for i in range(n))


EXPECTED_BODY = pattern(BODY_LEN)
REQUEST = f"GET /{BODY_LEN} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode()


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
            print(f"ok   {what}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {what}", flush=True)
        return ok


def raise_fd_limit(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else max(soft, need)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def check_response(data):
    """The server's answer to REQUEST: status 200 and the deterministic body."""
    head, sep, body = data.partition(b"\r\n\r\n")
    return sep == b"\r\n\r\n" and head.startswith(b"HTTP/1.0 200") and body == EXPECTED_BODY


class Server:
    """The example server on an ephemeral loopback port."""

    def __init__(self, binary, pki):
        self.proc = subprocess.Popen(
            [
                binary, "-p", "0", "-b", "127.0.0.1", "-q", "-t", "120",
                "-c", os.path.join(pki, "server-chain.pem"),
                "-k", os.path.join(pki, "server.key"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.port = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith("listening on "):
                self.port = int(line.split()[2])
                break
        if self.port is None:
            self.stop()
            raise RuntimeError("server did not start: " + (self.proc.stderr.read() or "")[-2000:])

    def status(self, field):
        """A numeric field of /proc/PID/status (kB for memory fields)."""
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def open_fds(self):
        try:
            return len(os.listdir(f"/proc/{self.proc.pid}/fd"))
        except OSError:
            return None

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM (the server frees everything and exits 0), SIGKILL if it hangs."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        err = self.proc.stderr.read() if self.proc.stderr else ""
        return self.proc.returncode, err


def client_context(pki):
    ctx = ssl.create_default_context(cafile=os.path.join(pki, "ca.pem"))
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx


# ---- phase 1: concurrent ---------------------------------------------------------------

async def concurrent_phase(server, ctx, n, inflight, timeout, checks):
    sem = asyncio.Semaphore(inflight)
    all_up = asyncio.Event()
    state = {"settled": 0, "up": 0, "errors": [], "ok": 0}
    peak = {}

    def settle():
        state["settled"] += 1
        if state["settled"] == n:
            # Every connection is up (or failed): sample the server before any is released.
            peak["fds"] = server.open_fds()
            peak["rss"] = server.status("VmRSS")
            all_up.set()

    async def one(i):
        writer = None
        try:
            async with sem:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(
                        "127.0.0.1", server.port, ssl=ctx, server_hostname="localhost"
                    ),
                    timeout=60,
                )
            state["up"] += 1
            settle()
            await asyncio.wait_for(all_up.wait(), timeout=timeout)
            writer.write(REQUEST)
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), timeout=60)
            if check_response(data):
                state["ok"] += 1
            else:
                state["errors"].append(f"conn {i}: bad response ({len(data)} bytes)")
        except Exception as e:  # noqa: BLE001 - every failure is reported, none may escape
            if writer is None:
                settle()
            state["errors"].append(f"conn {i}: {type(e).__name__}: {e}")
        finally:
            if writer is not None:
                writer.close()
                try:
                    await asyncio.wait_for(writer.wait_closed(), timeout=10)
                except Exception:  # noqa: BLE001 - the peer may already be gone
                    pass

    t0 = time.monotonic()
    try:
        await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(n))), timeout=timeout)
    except asyncio.TimeoutError:
        state["errors"].append(f"phase timed out after {timeout}s")
    dt = time.monotonic() - t0
    for e in state["errors"][:10]:
        print("  " + e)
    if len(state["errors"]) > 10:
        print(f"  ... {len(state['errors']) - 10} more errors")
    checks.check(state["up"] == n, f"concurrent: {state['up']}/{n} handshakes completed")
    fds = peak.get("fds")
    # The server holds the listener, stdio and one socket per connection.
    checks.check(
        fds is not None and fds >= n,
        f"concurrent: server held {fds} descriptors with all {n} connections open "
        f"(VmRSS {peak.get('rss')} kB)",
    )
    checks.check(state["ok"] == n, f"concurrent: {state['ok']}/{n} correct responses in {dt:.1f}s")


# ---- phase 2: sequential ------------------------------------------------------------------

def one_request(port, ctx, session):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        # Without it, a resumed handshake's CCS+Finished and the request that follows meet
        # Nagle and the server's delayed ACK: 40 ms per resumed connection, client side.
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with ctx.wrap_socket(raw, server_hostname="localhost", session=session) as s:
            s.sendall(REQUEST)
            chunks = []
            while True:
                try:
                    b = s.recv(65536)
                except ssl.SSLZeroReturnError:
                    break
                if not b:
                    break
                chunks.append(b)
            data = b"".join(chunks)
            return check_response(data), s.session, s.session_reused


def sequential_phase(server, ctx, m, warmup, timeout, checks):
    t0 = time.monotonic()
    deadline = t0 + timeout
    session = None
    ok = resumed = errors = done = 0
    first_error = None
    rss_warm = rss_end = None
    for i in range(m):
        if time.monotonic() > deadline:
            first_error = first_error or f"phase timed out after {timeout}s at {i}"
            break
        try:
            good, sess, reused = one_request(server.port, ctx, session if i % 4 == 3 else None)
            ok += good
            resumed += bool(reused)
            session = sess
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors += 1
            first_error = first_error or f"handshake {i}: {type(e).__name__}: {e}"
        done += 1
        if done == warmup:
            rss_warm = server.status("VmRSS")
    rss_end = server.status("VmRSS")
    dt = time.monotonic() - t0
    if first_error:
        print("  " + first_error)
    checks.check(
        ok == m and errors == 0,
        f"sequential: {ok}/{m} correct ({errors} errors) in {dt:.1f}s, "
        f"{done / dt if dt else 0:.0f} handshakes/s, {resumed} resumed",
    )
    checks.check(resumed > 0, "sequential: resumption works under load")
    flat = rss_warm is not None and rss_end is not None and rss_end <= rss_warm * 1.10
    checks.check(
        flat,
        f"sequential: server VmRSS {rss_warm} kB after {warmup} handshakes, {rss_end} kB "
        f"after {done} (limit +10%)",
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="100 concurrent, 500 sequential")
    ap.add_argument("--server", default=os.path.join(ROOT, "build/bin/server"))
    ap.add_argument("--pki", default=os.path.join(ROOT, "build/pki"))
    ap.add_argument("--concurrent", type=int)
    ap.add_argument("--sequential", type=int)
    ap.add_argument("--warmup", type=int)
    ap.add_argument("--inflight", type=int, default=100, help="handshakes in progress at once")
    ap.add_argument("--phase-timeout", type=int, default=900)
    args = ap.parse_args()
    n = args.concurrent or (100 if args.quick else 1000)
    m = args.sequential or (500 if args.quick else 20000)
    warmup = args.warmup or (100 if args.quick else 2000)
    warmup = min(warmup, m)

    checks = Checks()
    limit = raise_fd_limit(n + 100)
    if not checks.check(limit >= n + 50, f"descriptor limit {limit} for {n} connections"):
        print("load: FAIL")
        print(f"load: {checks.passed} passed, {checks.failed} failed")
        return 1
    ctx = client_context(args.pki)

    for phase in ("concurrent", "sequential"):
        try:
            server = Server(args.server, args.pki)
        except (OSError, RuntimeError) as e:
            checks.check(False, f"{phase}: start {args.server}: {e}")
            continue
        try:
            if phase == "concurrent":
                asyncio.run(
                    concurrent_phase(server, ctx, n, args.inflight, args.phase_timeout, checks)
                )
            else:
                sequential_phase(server, ctx, m, warmup, args.phase_timeout, checks)
            checks.check(server.alive(), f"{phase}: server still running")
        finally:
            rc, err = server.stop()
            checks.check(rc == 0, f"{phase}: server exited cleanly on SIGTERM (status {rc})")
            noise = [l for l in err.splitlines() if l.strip()]
            if noise:
                print(f"  server stderr ({len(noise)} lines), last: {noise[-1]}")

    print("load: " + ("PASS" if checks.failed == 0 else "FAIL"))
    print(f"load: {checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
