#!/usr/bin/env python3
"""Interoperability tests for matrixssl-rs.

Runs our example server (build/bin/server) against OpenSSL s_client, gnutls-cli, Python's ssl
module, tlslite-ng and curl, and our example client (build/bin/client) against OpenSSL s_server,
gnutls-serv, and Python ssl / tlslite-ng servers that speak the same tiny HTTP protocol as our
server (GET /N -> N deterministic bytes, byte i = (i*31+7) & 0xff; POST /echo -> the body).

Every suite x protocol version combination is tried where the suite exists for that version,
with the version and suite forced from the peer side; session resumption and payloads up to
1 MB are checked byte for byte.

ECDHE: every ECDHE_ECDSA/ECDHE_RSA suite with RSA, P-256 and P-384 identities (and RSA + P-256
in one key container), the group forced and checked, in both roles against OpenSSL and for
subsets against GnuTLS, Python ssl, tlslite-ng and curl; default negotiation, suite and group
preference, no-shared-group/suite refusals, client authentication with RSA and ECDSA client
certificates, renegotiation started by either side (and refused without RFC 5746), and SNI.
The ECDSA identities come from c-tests/make-test-pki.sh, run once on first use.

Finite-field DHE, PSK and legacy suites: every DHE_RSA suite in both roles against OpenSSL
(TLS 1.2; CBC-SHA also 1.1/1.0) with the built-in ffdhe2048 group and with -D parameter files
(PKCS#3 and X9.42, ffdhe3072 to show the file is used); weak, composite and malformed groups
and public values 0, 1, p-1, p that our client and server must refuse (tlslite-ng reports the
alert, gnutls-serv serves weak groups that OpenSSL 3.0 will not); DH parameter files the
server must refuse to load; every PSK and DHE_PSK suite in both roles against OpenSSL
(-psk/-psk_identity, -nocert) with no certificate or CA on our side, several identities in one
key container, unknown identity (unknown_psk_identity) and wrong key (bad_record_mac); GnuTLS
(--pskusername/--pskkey, --pskpasswd) and tlslite-ng subsets incl. 3DES in both roles; our
server's identity from PKCS#12 files (legacy, 3DES, AES, OpenSSL defaults, no MAC, ECDSA) and
from encrypted PEM keys (openssl rsa -aes256, pkcs8 -topk8 -v2 aes256, legacy Proc-Type), and
our client's from PKCS#12 for client authentication. The PSK CBC-SHA256/384 suites also at
TLS 1.0/1.1 (RFC 5487).

DHE_DSS (feature dss-suites; our client only): every suite and version against s_server with DSA
certificates (2048/256 and 1024/160 keys under the RSA intermediate), the dsa_sha1 scheme, the
default offer, a DSA-signed chain and an unknown CA refused, a ServerKeyExchange signature
tampered by a relay (decrypt_error), and gnutls-serv. A library built without the feature makes
these cases skip; --lib DIR runs our programs against DIR/libmatrixssl.so.

TLS 1.3 (cases named tls13/...; our programs with -V 0x0304, every peer forced to TLS 1.3): each
suite with RSA, P-256 and P-384 identities against s_client and s_server, GnuTLS, curl,
tlslite-ng and Python ssl; groups and HelloRetryRequest in both roles; client authentication;
KeyUpdate started by either side; ticket resumption in both roles (OpenSSL, GnuTLS, Python ssl;
a ticket used twice gives a full handshake); post-handshake client authentication
(s_client -enable_pha); external PSKs (-psk) in both roles; and the downgrade sentinel, through
a relay that hides the ClientHello's supported_versions from a 1.3-capable s_server.

All peers listen on 127.0.0.1 with free ports, every blocking step has a timeout, and every
process started is stopped by PID in a finally block.

Output: one line per case ("PASS name" / "FAIL name: reason" / "SKIP name: reason") and a final
"N passed, M failed[, K skipped]". Exit status 1 if anything failed.

Stdlib only; tlslite-ng is imported when available (the project's .venv has it).
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import warnings
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[2]

try:  # tlslite-ng is optional: its cases are skipped without it.
    from tlslite.api import (  # type: ignore
        HandshakeSettings,
        SessionCache,
        TLSConnection,
        X509CertChain,
        parsePEMKey,
    )

    HAVE_TLSLITE = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_TLSLITE = False

CASE_TIMEOUT = 90  # seconds, hard limit per case (SIGALRM)
IO_TIMEOUT = 30  # seconds, per blocking socket/process step
MB = 1024 * 1024

HANDSHAKE_RE = re.compile(rb"(?m)^handshake version=0x([0-9a-fA-F]{4}) suite=0x([0-9a-fA-F]{4}) resumed=([01])")
REHANDSHAKE_RE = re.compile(rb"(?m)^rehandshake version=0x([0-9a-fA-F]{4}) suite=0x([0-9a-fA-F]{4}) resumed=([01])")

# ---------------------------------------------------------------------------------------------
# Suites and versions


@dataclass(frozen=True)
class Suite:
    ident: int
    openssl: str  # OpenSSL cipher name
    gnutls_cipher: str
    gnutls_mac: str
    tlslite_cipher: str
    tlslite_mac: str
    tls12_only: bool
    kx: str = "RSA"  # GnuTLS key-exchange name: RSA, ECDHE-RSA, ECDHE-ECDSA, DHE-RSA, PSK, DHE-PSK
    gnutls_ok: bool = True  # GnuTLS implements the suite

    @property
    def hex(self) -> str:
        return f"0x{self.ident:04X}"

    @property
    def tlslite_kx(self) -> str:
        return self.kx.lower().replace("-", "_")

    @property
    def ecdsa(self) -> bool:
        return self.kx == "ECDHE-ECDSA"

    @property
    def ecdhe(self) -> bool:
        return self.kx.startswith("ECDHE")

    @property
    def dhe(self) -> bool:
        return self.kx.startswith("DHE")

    @property
    def psk(self) -> bool:
        return self.kx.endswith("PSK")


@dataclass(frozen=True)
class Version:
    name: str  # "TLS1.2"
    code: int  # 0x0303
    openssl_flag: str
    gnutls: str
    tlslite: tuple
    curl: tuple
    py: ssl.TLSVersion
    proto: str  # OpenSSL's protocol name


SUITES = [
    Suite(0x002F, "AES128-SHA", "AES-128-CBC", "SHA1", "aes128", "sha", False),
    Suite(0x0035, "AES256-SHA", "AES-256-CBC", "SHA1", "aes256", "sha", False),
    Suite(0x003C, "AES128-SHA256", "AES-128-CBC", "SHA256", "aes128", "sha256", True),
    Suite(0x003D, "AES256-SHA256", "AES-256-CBC", "SHA256", "aes256", "sha256", True),
    Suite(0x009C, "AES128-GCM-SHA256", "AES-128-GCM", "AEAD", "aes128gcm", "aead", True),
    Suite(0x009D, "AES256-GCM-SHA384", "AES-256-GCM", "AEAD", "aes256gcm", "aead", True),
]
# The ECDHE suites (RFC 8422, RFC 5289, RFC 7905): the same seven with ECDSA and with RSA.
_EE, _ER = "ECDHE-ECDSA", "ECDHE-RSA"
ECDHE_SUITES = [
    Suite(0xC02B, "ECDHE-ECDSA-AES128-GCM-SHA256", "AES-128-GCM", "AEAD", "aes128gcm", "aead", True, _EE),
    Suite(0xC02C, "ECDHE-ECDSA-AES256-GCM-SHA384", "AES-256-GCM", "AEAD", "aes256gcm", "aead", True, _EE),
    Suite(0xCCA9, "ECDHE-ECDSA-CHACHA20-POLY1305", "CHACHA20-POLY1305", "AEAD", "chacha20-poly1305", "aead", True, _EE),
    Suite(0xC009, "ECDHE-ECDSA-AES128-SHA", "AES-128-CBC", "SHA1", "aes128", "sha", False, _EE),
    Suite(0xC00A, "ECDHE-ECDSA-AES256-SHA", "AES-256-CBC", "SHA1", "aes256", "sha", False, _EE),
    Suite(0xC023, "ECDHE-ECDSA-AES128-SHA256", "AES-128-CBC", "SHA256", "aes128", "sha256", True, _EE),
    Suite(0xC024, "ECDHE-ECDSA-AES256-SHA384", "AES-256-CBC", "SHA384", "aes256", "sha384", True, _EE),
    Suite(0xC02F, "ECDHE-RSA-AES128-GCM-SHA256", "AES-128-GCM", "AEAD", "aes128gcm", "aead", True, _ER),
    Suite(0xC030, "ECDHE-RSA-AES256-GCM-SHA384", "AES-256-GCM", "AEAD", "aes256gcm", "aead", True, _ER),
    Suite(0xCCA8, "ECDHE-RSA-CHACHA20-POLY1305", "CHACHA20-POLY1305", "AEAD", "chacha20-poly1305", "aead", True, _ER),
    Suite(0xC013, "ECDHE-RSA-AES128-SHA", "AES-128-CBC", "SHA1", "aes128", "sha", False, _ER),
    Suite(0xC014, "ECDHE-RSA-AES256-SHA", "AES-256-CBC", "SHA1", "aes256", "sha", False, _ER),
    Suite(0xC027, "ECDHE-RSA-AES128-SHA256", "AES-128-CBC", "SHA256", "aes128", "sha256", True, _ER),
    Suite(0xC028, "ECDHE-RSA-AES256-SHA384", "AES-256-CBC", "SHA384", "aes256", "sha384", True, _ER),
]
# Finite-field DHE with RSA (RFC 5246, 5288, 7905), the 3DES suites (on by default, last in
# preference) and the PSK suites (RFC 4279, 5487; GnuTLS has no PSK CBC-SHA256/384).
_DR, _PK, _DP = "DHE-RSA", "PSK", "DHE-PSK"
DHE_SUITES = [
    Suite(0x009E, "DHE-RSA-AES128-GCM-SHA256", "AES-128-GCM", "AEAD", "aes128gcm", "aead", True, _DR),
    Suite(0x009F, "DHE-RSA-AES256-GCM-SHA384", "AES-256-GCM", "AEAD", "aes256gcm", "aead", True, _DR),
    Suite(0xCCAA, "DHE-RSA-CHACHA20-POLY1305", "CHACHA20-POLY1305", "AEAD", "chacha20-poly1305", "aead", True, _DR),
    Suite(0x0067, "DHE-RSA-AES128-SHA256", "AES-128-CBC", "SHA256", "aes128", "sha256", True, _DR),
    Suite(0x006B, "DHE-RSA-AES256-SHA256", "AES-256-CBC", "SHA256", "aes256", "sha256", True, _DR),
    Suite(0x0033, "DHE-RSA-AES128-SHA", "AES-128-CBC", "SHA1", "aes128", "sha", False, _DR),
    Suite(0x0039, "DHE-RSA-AES256-SHA", "AES-256-CBC", "SHA1", "aes256", "sha", False, _DR),
]
TDES_SUITES = [
    Suite(0x0016, "DHE-RSA-DES-CBC3-SHA", "3DES-CBC", "SHA1", "3des", "sha", False, _DR),
    Suite(0x000A, "DES-CBC3-SHA", "3DES-CBC", "SHA1", "3des", "sha", False, "RSA"),
]
PSK_SUITES = [
    Suite(0x008C, "PSK-AES128-CBC-SHA", "AES-128-CBC", "SHA1", "", "", False, _PK),
    Suite(0x008D, "PSK-AES256-CBC-SHA", "AES-256-CBC", "SHA1", "", "", False, _PK),
    Suite(0x00A8, "PSK-AES128-GCM-SHA256", "AES-128-GCM", "AEAD", "", "", True, _PK),
    Suite(0x00A9, "PSK-AES256-GCM-SHA384", "AES-256-GCM", "AEAD", "", "", True, _PK),
    # RFC 5487 defines the PSK CBC-SHA256/384 suites for TLS 1.0 and 1.1 too (legacy PRF).
    Suite(0x00AE, "PSK-AES128-CBC-SHA256", "AES-128-CBC", "SHA256", "", "", False, _PK, False),
    Suite(0x00AF, "PSK-AES256-CBC-SHA384", "AES-256-CBC", "SHA384", "", "", False, _PK, False),
    Suite(0x00B2, "DHE-PSK-AES128-CBC-SHA256", "AES-128-CBC", "SHA256", "", "", False, _DP, False),
    Suite(0x00B3, "DHE-PSK-AES256-CBC-SHA384", "AES-256-CBC", "SHA384", "", "", False, _DP, False),
    Suite(0x0090, "DHE-PSK-AES128-CBC-SHA", "AES-128-CBC", "SHA1", "", "", False, _DP),
    Suite(0x0091, "DHE-PSK-AES256-CBC-SHA", "AES-256-CBC", "SHA1", "", "", False, _DP),
    Suite(0x00AA, "DHE-PSK-AES128-GCM-SHA256", "AES-128-GCM", "AEAD", "", "", True, _DP),
    Suite(0x00AB, "DHE-PSK-AES256-GCM-SHA384", "AES-256-GCM", "AEAD", "", "", True, _DP),
]
# DHE_DSS (feature dss-suites, client side only: our client against DSA-certificate servers).
_DD = "DHE-DSS"
DSS_SUITES = [
    Suite(0x00A2, "DHE-DSS-AES128-GCM-SHA256", "AES-128-GCM", "AEAD", "aes128gcm", "aead", True, _DD),
    Suite(0x00A3, "DHE-DSS-AES256-GCM-SHA384", "AES-256-GCM", "AEAD", "aes256gcm", "aead", True, _DD),
    Suite(0x0040, "DHE-DSS-AES128-SHA256", "AES-128-CBC", "SHA256", "aes128", "sha256", True, _DD),
    Suite(0x006A, "DHE-DSS-AES256-SHA256", "AES-256-CBC", "SHA256", "aes256", "sha256", True, _DD),
    Suite(0x0032, "DHE-DSS-AES128-SHA", "AES-128-CBC", "SHA1", "aes128", "sha", False, _DD),
    Suite(0x0038, "DHE-DSS-AES256-SHA", "AES-256-CBC", "SHA1", "aes256", "sha", False, _DD),
]
ALL_SUITES = SUITES + ECDHE_SUITES + DHE_SUITES + TDES_SUITES + PSK_SUITES + DSS_SUITES
SUITE_BY_ID = {s.ident: s for s in ALL_SUITES}
ECDHE_AEAD_IDS = {s.ident for s in ECDHE_SUITES if s.gnutls_mac == "AEAD"}


def suite_by_openssl_name(name: str) -> int:
    return next((x.ident for x in [*ALL_SUITES, *TLS13_SUITES] if x.openssl == name), 0)


@dataclass(frozen=True)
class Group:
    """A named group for ECDHE, as each peer spells it."""

    name: str  # IANA name
    openssl: str  # -groups / curl --curves
    temp_key: bytes  # regex for s_client's "Server Temp Key:" line
    shared: bytes  # s_server -www "Shared groups:" name
    gnutls: str  # priority keyword
    py: str  # ssl.SSLContext.set_ecdh_curve name
    tlslite: str


GROUPS = [
    Group("x25519", "X25519", rb"X25519, 253 bits", b"x25519", "GROUP-X25519", "X25519", "x25519"),
    Group("secp256r1", "P-256", rb"ECDH, prime256v1, 256 bits", b"secp256r1", "GROUP-SECP256R1", "prime256v1", "secp256r1"),
    Group("secp384r1", "P-384", rb"ECDH, secp384r1, 384 bits", b"secp384r1", "GROUP-SECP384R1", "secp384r1", "secp384r1"),
]
GROUP_BY_NAME = {g.openssl: g for g in GROUPS}

VERSIONS = [
    Version("TLS1.2", 0x0303, "-tls1_2", "VERS-TLS1.2", (3, 3), ("--tlsv1.2", "--tls-max", "1.2"), ssl.TLSVersion.TLSv1_2, "TLSv1.2"),
    Version("TLS1.1", 0x0302, "-tls1_1", "VERS-TLS1.1", (3, 2), ("--tlsv1.1", "--tls-max", "1.1"), ssl.TLSVersion.TLSv1_1, "TLSv1.1"),
    Version("TLS1.0", 0x0301, "-tls1", "VERS-TLS1.0", (3, 1), ("--tlsv1.0", "--tls-max", "1.0"), ssl.TLSVersion.TLSv1, "TLSv1"),
]
VERSION_BY_NAME = {v.name: v for v in VERSIONS}


def combos(quick: bool):
    """Every (suite, version) pair that exists; a representative subset with --quick."""
    if quick:
        return [
            (SUITE_BY_ID[0x009C], VERSION_BY_NAME["TLS1.2"]),
            (SUITE_BY_ID[0x003D], VERSION_BY_NAME["TLS1.2"]),
            (SUITE_BY_ID[0x0035], VERSION_BY_NAME["TLS1.1"]),
            (SUITE_BY_ID[0x002F], VERSION_BY_NAME["TLS1.0"]),
        ]
    out = []
    for s in SUITES:
        for v in VERSIONS:
            if s.tls12_only and v.code != 0x0303:
                continue
            out.append((s, v))
    return out


# ---------------------------------------------------------------------------------------------
# Deterministic payloads

_PATTERN = bytes(((i * 31 + 7) & 0xFF) for i in range(256))


def body(offset: int, n: int) -> bytes:
    """Bytes offset..offset+n of the deterministic body (period 256)."""
    if n <= 0:
        return b""
    start = offset % 256
    reps = (start + n) // 256 + 1
    return (_PATTERN * reps)[start : start + n]


def first_mismatch(got: bytes, want: bytes) -> str:
    if got == want:
        return ""
    if len(got) != len(want):
        for i in range(min(len(got), len(want))):
            if got[i] != want[i]:
                return f"length {len(got)} != {len(want)}, first difference at offset {i}"
        return f"length {len(got)} != {len(want)}"
    for i in range(len(got)):
        if got[i] != want[i]:
            return f"first difference at offset {i}"
    return "differs"


# ---------------------------------------------------------------------------------------------
# Failures, timeouts, processes


class CaseFailure(Exception):
    pass


class CaseSkip(Exception):
    pass


def _skip(msg: str) -> None:
    raise CaseSkip(msg)


class CaseTimeout(Exception):
    pass


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise CaseFailure(msg)


def _alarm(signum, frame):  # noqa: ARG001
    raise CaseTimeout(f"case exceeded {CASE_TIMEOUT}s")


class Proc:
    """A child process whose stdout/stderr are collected by reader threads."""

    registry: list["Proc"] = []

    def __init__(self, argv, name: str, cwd=None, stdin=subprocess.DEVNULL, env=None):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.out = bytearray()
        self.err = bytearray()
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self.p = subprocess.Popen(
            self.argv,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        Proc.registry.append(self)
        self._threads = [
            threading.Thread(target=self._reader, args=(self.p.stdout, self.out), daemon=True),
            threading.Thread(target=self._reader, args=(self.p.stderr, self.err), daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _reader(self, stream, sink: bytearray):
        try:
            while True:
                chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(4096)
                if not chunk:
                    break
                with self._cond:
                    sink.extend(chunk)
                    self._cond.notify_all()
        except (OSError, ValueError):
            pass
        finally:
            with self._cond:
                self._cond.notify_all()

    @property
    def pid(self) -> int:
        return self.p.pid

    def running(self) -> bool:
        return self.p.poll() is None

    def wait_for(self, pattern: bytes, timeout: float, stream: str = "out") -> re.Match:
        """Waits until `pattern` appears in stdout (or stderr); raises on timeout/exit."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                buf = self.out if stream == "out" else self.err
                m = rx.search(bytes(buf))
                if m:
                    return m
                if self.p.poll() is not None and all(not t.is_alive() for t in self._threads):
                    raise CaseFailure(
                        f"{self.name} exited ({self.p.returncode}) before printing {pattern!r}: "
                        f"{tail(self.err) or tail(self.out)}"
                    )
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CaseFailure(f"{self.name}: timed out waiting for {pattern!r}")
                self._cond.wait(min(left, 0.2))

    def wait(self, timeout: float) -> int:
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise CaseFailure(f"{self.name} did not finish within {timeout}s: {tail(self.out)}")
        for t in self._threads:
            t.join(timeout=5)
        return rc

    def stop(self) -> None:
        """Stops the process by PID: SIGTERM, then SIGKILL after 3 s."""
        if self.p.poll() is None:
            try:
                os.kill(self.p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.p.wait(timeout=3)
            except subprocess.TimeoutExpired:
                try:
                    os.kill(self.p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                try:
                    self.p.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    pass
        for t in self._threads:
            t.join(timeout=2)
        for s in (self.p.stdin, self.p.stdout, self.p.stderr):
            try:
                if s:
                    s.close()
            except OSError:
                pass
        if self in Proc.registry:
            Proc.registry.remove(self)

    @classmethod
    def stop_all(cls) -> None:
        for p in list(cls.registry):
            p.stop()


def tail(b: bytes | bytearray, n: int = 300) -> str:
    s = bytes(b).decode("utf-8", "replace").strip()
    s = s.replace("\n", " | ")
    return s[-n:]


def run(argv, input: bytes = b"", timeout: float = IO_TIMEOUT, cwd=None) -> subprocess.CompletedProcess:
    """Runs a command to completion with a timeout (the child is killed on timeout)."""
    try:
        return subprocess.run(
            [str(a) for a in argv],
            input=input,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=timeout,
            cwd=cwd,
        )
    except subprocess.TimeoutExpired as e:
        raise CaseFailure(f"{Path(str(argv[0])).name} timed out after {timeout}s: {tail(e.stdout or b'')}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float, proc: Optional[Proc] = None) -> None:
    """Waits until something accepts on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and not proc.running():
            raise CaseFailure(f"{proc.name} exited ({proc.p.returncode}): {tail(proc.err) or tail(proc.out)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise CaseFailure(f"nothing listening on port {port} after {timeout}s")


# ---------------------------------------------------------------------------------------------
# Test PKI


@dataclass
class Pki:
    dir: Path
    ca: Path
    cert: Path
    key: Path  # PKCS#1 PEM
    key_pkcs8: Path
    chain: Path  # leaf + CA
    client_cert: Path  # client-authentication leaf (EKU clientAuth)
    client_key: Path


def make_pki(d: Path) -> Pki:
    """2048-bit RSA CA and a server leaf with SAN IP:127.0.0.1, DNS:localhost."""

    def ossl(*args):
        r = run(["openssl", *args], timeout=60, cwd=d)
        if r.returncode != 0:
            raise RuntimeError(f"openssl {' '.join(args[:2])} failed: {tail(r.stderr)}")

    (d / "leaf.ext").write_text(
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n"
    )
    ossl("genrsa", "-traditional", "-out", "ca.key", "2048")
    ossl(
        "req", "-x509", "-new", "-key", "ca.key", "-sha256", "-days", "30", "-subj", "/CN=matrixssl-rs interop CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-out", "ca.pem",
    )
    ossl("genrsa", "-traditional", "-out", "server.key", "2048")
    ossl("pkcs8", "-topk8", "-nocrypt", "-in", "server.key", "-out", "server.p8.key")
    ossl("req", "-new", "-key", "server.key", "-subj", "/CN=localhost", "-out", "server.csr")
    ossl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "30", "-sha256", "-extfile", "leaf.ext", "-out", "server.pem",
    )
    (d / "chain.pem").write_bytes((d / "server.pem").read_bytes() + (d / "ca.pem").read_bytes())
    (d / "client.ext").write_text(
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=clientAuth\n"
    )
    ossl("genrsa", "-traditional", "-out", "client.key", "2048")
    ossl("req", "-new", "-key", "client.key", "-subj", "/CN=interop client", "-out", "client.csr")
    ossl(
        "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "30", "-sha256", "-extfile", "client.ext", "-out", "client.pem",
    )
    return Pki(
        d, d / "ca.pem", d / "server.pem", d / "server.key", d / "server.p8.key", d / "chain.pem",
        d / "client.pem", d / "client.key",
    )


# ---------------------------------------------------------------------------------------------
# The HTTP protocol of our example server, for Python-side peers


def http_request_get(n: int) -> bytes:
    return f"GET /{n} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()


def http_request_echo_head(n: int) -> bytes:
    return (
        f"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {n}\r\n\r\n"
    ).encode()


def split_response(raw: bytes) -> tuple[int, dict, bytes]:
    """Parses an HTTP response: (status, headers, body)."""
    i = raw.find(b"\r\n\r\n")
    check(i >= 0, f"no complete HTTP header in {len(raw)} response bytes: {raw[:80]!r}")
    head = raw[:i].decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", head[0])
    check(m is not None, f"bad status line {head[0]!r}")
    headers = {}
    for line in head[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return int(m.group(1)), headers, raw[i + 4 :]


def check_response(raw: bytes, n: int) -> None:
    status, headers, data = split_response(raw)
    check(status == 200, f"HTTP status {status}")
    check(headers.get("content-length") == str(n), f"Content-Length {headers.get('content-length')} != {n}")
    diff = first_mismatch(data, body(0, n))
    check(not diff, f"body mismatch: {diff}")


def serve_http(recv: Callable[[int], bytes], send: Callable[[bytes], None]) -> None:
    """Server side of the protocol (used by the Python ssl and tlslite-ng servers)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = recv(65536)
        if not d:
            return
        buf += d
        if len(buf) > 65536:
            send(b"HTTP/1.0 431 Too Large\r\nContent-Length: 0\r\n\r\n")
            return
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    method, target = (parts + ["", ""])[:2]
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if method == "GET" and target == "/":
        page = b"<html><body>python peer</body></html>\n"
        send(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(page) + page)
    elif method == "GET" and target[1:].isdigit():
        n = int(target[1:])
        send(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % n)
        off = 0
        while off < n:
            k = min(65536, n - off)
            send(body(off, k))
            off += k
    elif method == "POST" and target == "/echo" and "content-length" in headers:
        n = int(headers["content-length"])
        send(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % n)
        left = n
        chunk = rest[:left]
        while True:
            if chunk:
                send(chunk)
                left -= len(chunk)
            if left <= 0:
                break
            chunk = recv(min(65536, left))
            if not chunk:
                break
    else:
        send(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")


class PyServer:
    """A threaded TLS server on 127.0.0.1 (Python ssl or tlslite-ng) speaking serve_http.

    Records (version, suite id, resumed) for each completed handshake."""

    def __init__(self, kind: str, pki: Pki, suite: Suite, version: Version, ident: Optional["Ident"] = None,
                 group: Optional[Group] = None, dh_params: Optional[tuple[int, int]] = None):
        self.kind = kind
        self.pki = pki
        self.suite = suite
        self.version = version
        self.handshakes: list[tuple[int, int, bool]] = []
        self.errors: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        if kind == "pyssl":
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            if ident is None:
                ctx.load_cert_chain(str(pki.cert), str(pki.key))
            else:
                ctx.load_cert_chain(str(ident.chain), str(ident.key))
            ctx.minimum_version = version.py
            ctx.maximum_version = version.py
            ctx.set_ciphers(f"{suite.openssl}:@SECLEVEL=0")
            if group is not None:
                ctx.set_ecdh_curve(group.py)
            self.ctx = ctx
        else:
            self.chain = X509CertChain()
            self.chain.parsePemList((pki.cert if ident is None else ident.chain).read_text())
            self.key = parsePEMKey((pki.key if ident is None else ident.key).read_text(), private=True)
            st = HandshakeSettings()
            st.cipherNames = [suite.tlslite_cipher]
            st.macNames = [suite.tlslite_mac]
            st.keyExchangeNames = [suite.tlslite_kx]
            if group is not None:
                st.eccCurves = [group.tlslite]
                st.keyShares = []
            st.minVersion = version.tlslite
            st.maxVersion = version.tlslite
            if dh_params is not None:
                st.dhParams = dh_params  # (g, p) for DHE_RSA
            self.settings = st
            self.cache = SessionCache()
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)
        self.thread.start()

    def _accept_loop(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(IO_TIMEOUT)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket):
        try:
            if self.kind == "pyssl":
                s = self.ctx.wrap_socket(conn, server_side=True)
                ver = {"TLSv1": 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304}.get(s.version(), 0)
                name = s.cipher()[0]
                ident = suite_by_openssl_name(name)
                self.handshakes.append((ver, ident, s.session_reused))
                serve_http(s.recv, s.sendall)
                try:
                    s.unwrap()
                except (OSError, ssl.SSLError):
                    pass
                s.close()
            else:
                c = TLSConnection(conn)
                c.handshakeServer(
                    certChain=self.chain, privateKey=self.key, settings=self.settings, sessionCache=self.cache
                )
                ver = (c.version[0] << 8) | c.version[1]
                self.handshakes.append((ver, c.session.cipherSuite, bool(c.resumed)))
                serve_http(lambda n: bytes(c.read(n, 1)), c.write)
                try:
                    c.close()
                except Exception:  # noqa: BLE001 - peer may already be gone
                    pass
        except Exception as e:  # noqa: BLE001 - recorded, reported by the case
            self.errors.append(f"{type(e).__name__}: {e}")
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def close(self):
        self._stop.set()
        try:
            self.sock.close()
        except OSError:
            pass
        self.thread.join(timeout=3)


# ---------------------------------------------------------------------------------------------
# Python-side clients


def pyssl_context(pki: Pki, suite: Suite, version: Version) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(str(pki.ca))
    ctx.minimum_version = version.py
    ctx.maximum_version = version.py
    ctx.set_ciphers(f"{suite.openssl}:@SECLEVEL=0")
    return ctx


def pyssl_connect(port: int, pki: Pki, suite: Suite, version: Version, session=None, ctx=None):
    if ctx is None:
        ctx = pyssl_context(pki, suite, version)
    raw = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
    # suppress_ragged_eofs=False: a missing close_notify from our server is an error.
    s = ctx.wrap_socket(raw, server_hostname="127.0.0.1", session=session, suppress_ragged_eofs=False)
    ver = {"TLSv1": 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303}.get(s.version(), 0)
    ident = suite_by_openssl_name(s.cipher()[0])
    return s, ver, ident, s.session_reused


def tlslite_connect(port: int, suite: Suite, version: Version, session=None, group: Optional[Group] = None):
    raw = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
    c = TLSConnection(raw)
    st = HandshakeSettings()
    st.cipherNames = [suite.tlslite_cipher]
    st.macNames = [suite.tlslite_mac]
    st.keyExchangeNames = [suite.tlslite_kx]
    if group is not None:
        st.eccCurves = [group.tlslite]
        st.keyShares = []  # (TLS 1.3 key shares must be among eccCurves)
    st.minVersion = version.tlslite
    st.maxVersion = version.tlslite
    c.handshakeClientCert(settings=st, session=session)
    ver = (c.version[0] << 8) | c.version[1]
    return c, ver, c.session.cipherSuite, bool(c.resumed)


def exchange(send: Callable[[bytes], None], recv: Callable[[int], bytes], request: bytes, body_len: int = 0) -> bytes:
    """Sends request (+ body_len deterministic body bytes), then reads the response until EOF.

    Sequential, so only for bodies that fit in socket buffers (tlslite-ng, small requests)."""
    send(request)
    off = 0
    while off < body_len:
        k = min(65536, body_len - off)
        send(body(off, k))
        off += k
    chunks = []
    while True:
        d = recv(65536)
        if not d:
            break
        chunks.append(bytes(d))
    return b"".join(chunks)


def ssl_exchange(s: ssl.SSLSocket, request: bytes, body_len: int = 0) -> bytes:
    """Full-duplex exchange on one thread (non-blocking socket + select): the request body is
    written while the response is read, so a 1 MB echo cannot deadlock. Reads until the peer's
    close_notify; a missing close_notify raises (suppress_ragged_eofs=False)."""
    s.setblocking(False)
    pending = request
    off = 0
    chunks = []
    deadline = time.monotonic() + IO_TIMEOUT
    while True:
        if not pending and off < body_len:
            k = min(16384, body_len - off)
            pending = body(off, k)
            off += k
        check(time.monotonic() < deadline, f"exchange timed out after {sum(map(len, chunks))} bytes")
        select.select([s], [s] if pending else [], [], 0.5)
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    s.setblocking(True)
                    return b"".join(chunks)
                chunks.append(d)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            pass
        if pending:
            try:
                n = s.send(pending)
                pending = pending[n:]
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                pass


# ---------------------------------------------------------------------------------------------
# Our programs


class Harness:
    def __init__(self, bindir: Path, pki: Pki, tmp: Path, verbose: bool):
        self.bindir = bindir
        self.pki = pki
        self.tmp = tmp
        self.verbose = verbose
        self._ec: Optional[EcPki] = None
        self._ec_error = ""

    @property
    def ec(self) -> "EcPki":
        """The ECDSA identities and the combined CA file, made on first use."""
        if self._ec is None:
            check(not self._ec_error, self._ec_error)
            try:
                self._ec = EcPki(self)
            except CaseFailure as e:
                self._ec_error = f"EC test PKI: {e}"
                raise CaseFailure(self._ec_error) from None
        return self._ec

    # -- our server ---------------------------------------------------------------------------
    def start_server(self, extra=()) -> tuple[Proc, int]:
        p = Proc(
            [self.bindir / "server", "-p", "0", "-c", self.pki.cert, "-k", self.pki.key, "-t", "20", *extra],
            "server",
        )
        m = p.wait_for(rb"listening on (\d+)", 15)
        return p, int(m.group(1))

    @staticmethod
    def server_handshakes(p: Proc, count: int, timeout: float = 5, rx: re.Pattern = HANDSHAKE_RE):
        """Waits (the output pipe is read by a thread) for `count` handshake lines from our
        server and returns them as (version, suite, resumed) tuples."""
        deadline = time.monotonic() + timeout
        while True:
            found = [(int(a, 16), int(b, 16), int(c)) for a, b, c in rx.findall(bytes(p.out))]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def expect_server_lines(self, p: Proc, expected: list[tuple[int, int, int]]) -> None:
        got = self.server_handshakes(p, len(expected))
        check(
            got[: len(expected)] == expected and len(got) == len(expected),
            f"server handshake lines {fmt_hs(got)} != expected {fmt_hs(expected)}; stderr: {tail(p.err)}",
        )

    # -- our client ---------------------------------------------------------------------------
    def start_ec_server(self, names, extra=()) -> tuple[Proc, int]:
        """Our server with the named identities (rsa -> -c/-k, p256/p384 -> -e/-E)."""
        p = Proc([self.bindir / "server", "-p", "0", *server_id_args(self.ec, names), "-t", "20", *extra], "server")
        m = p.wait_for(rb"listening on (\d+)", 15)
        return p, int(m.group(1))

    def run_client(self, port: int, args, timeout: float = 60, ca: Optional[Path] = None,
                   with_ca: bool = True) -> tuple[list[tuple[int, int, int]], bytes]:
        """Runs our client to completion and requires RESULT OK; with_ca=False passes no -a
        (PSK-only operation)."""
        ca_args = ["-a", ca or self.pki.ca] if with_ca else []
        r = run(
            [self.bindir / "client", "-h", "127.0.0.1", "-p", str(port), *ca_args, "-t", "30", *args],
            timeout=timeout,
        )
        out = r.stdout
        check(
            r.returncode == 0 and b"RESULT OK" in out,
            f"client exit {r.returncode}: {tail(out[-400:])} {tail(r.stderr)}",
        )
        hs = [(int(a, 16), int(b, 16), int(c)) for a, b, c in HANDSHAKE_RE.findall(out)]
        return hs, out


def fmt_hs(lines) -> str:
    return "[" + ", ".join(f"v=0x{v:04x} s=0x{s:04x} r={r}" for v, s, r in lines) + "]"


# ---------------------------------------------------------------------------------------------
# Cases: our server against peer clients


def case_server_openssl(h: Harness, suite: Suite, ver: Version, n: int = 20000, resume: bool = True):
    srv, port = h.start_server()
    try:
        sess = h.tmp / f"ossl-{port}.sess"
        base = [
            "openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", h.pki.ca,
            "-verify_return_error", "-verify_ip", "127.0.0.1", "-ign_eof",
            ver.openssl_flag, "-cipher", f"{suite.openssl}:@SECLEVEL=0",
        ]
        r = run(base + ["-sess_out", sess], input=http_request_get(n))
        out = r.stdout
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        check(b"Verify return code: 0 (ok)" in out, "certificate not verified by s_client")
        # (OpenSSL names the cipher's protocol on the "New," line, e.g. SSLv3 for TLS 1.0.)
        m = re.search(rb"New, [^,]+, Cipher is (\S+)", out)
        check(m is not None, f"no 'New,' session line: {tail(out[:600])}")
        check(m.group(1).decode() == suite.openssl, f"cipher {m.group(1).decode()} != {suite.openssl}")
        m = re.search(rb"Protocol *: (\S+)", out)
        check(m is not None and m.group(1).decode() == ver.proto, f"protocol {m and m.group(1)} != {ver.proto}")
        i = out.find(b"HTTP/1.0 200 OK")
        check(i >= 0, "no HTTP response in s_client output")
        check_response_prefix(out[i:], n)
        expected = [(ver.code, suite.ident, 0)]
        if resume:
            r2 = run(base + ["-sess_in", sess], input=http_request_get(100))
            check(r2.returncode == 0, f"s_client (resume) exit {r2.returncode}: {tail(r2.stderr)}")
            check(b"Reused, " in r2.stdout, "s_client did not report 'Reused' on the second connection")
            expected.append((ver.code, suite.ident, 1))
        h.expect_server_lines(srv, expected)
    finally:
        srv.stop()


def check_response_prefix(raw: bytes, n: int) -> None:
    """Like check_response, but tolerates trailing tool output after the body."""
    status, headers, data = split_response(raw)
    check(status == 200, f"HTTP status {status}")
    check(headers.get("content-length") == str(n), f"Content-Length {headers.get('content-length')} != {n}")
    diff = first_mismatch(data[:n], body(0, n))
    check(not diff, f"body mismatch: {diff}")


def gnutls_priority(suite: Suite, ver: Version) -> str:
    return (
        f"NORMAL:-VERS-ALL:+{ver.gnutls}:-CIPHER-ALL:+{suite.gnutls_cipher}:"
        f"-MAC-ALL:+{suite.gnutls_mac}:-KX-ALL:+RSA"
    )


def gnutls_client(h: Harness, port: int, suite: Suite, ver: Version, request: bytes, resume: bool,
                  priority: str = "", ca: Optional[Path] = None, extra=(), may_fail: bool = False,
                  rc_box: Optional[list] = None) -> bytes:
    """gnutls-cli sends `request`, keeps stdin open until the server closes, returns stdout
    (and appends its exit status to rc_box if given)."""
    argv = [
        "gnutls-cli", "--x509cafile", str(ca or h.pki.ca), "-p", str(port),
        "--priority", priority or gnutls_priority(suite, ver), "--verify-hostname", "127.0.0.1", *extra,
    ]
    if resume:
        argv.append("--resume")
    argv.append("127.0.0.1")
    p = Proc(argv, "gnutls-cli", stdin=subprocess.PIPE)
    try:
        # Wait for the (final) handshake before sending, so resumption has happened first.
        marker = rb"- Simple Client Mode" if not resume else rb"This is a resumed session|Simple Client Mode[\s\S]*Simple Client Mode"
        try:
            p.wait_for(marker, IO_TIMEOUT)
        except CaseFailure:
            pass  # older output formats: send anyway; the result checks decide
        try:
            p.p.stdin.write(request)
            p.p.stdin.flush()
        except OSError:
            pass
        rc = p.wait(IO_TIMEOUT)
        if rc_box is not None:
            rc_box.append(rc)
        check(rc == 0 or may_fail or b"HTTP/1." in p.out, f"gnutls-cli exit {rc}: {tail(p.err)} {tail(p.out)}")
        return bytes(p.out) + b"\n" + bytes(p.err)
    finally:
        p.stop()


def case_server_gnutls(h: Harness, suite: Suite, ver: Version, n: int = 20000, resume: bool = True):
    srv, port = h.start_server()
    try:
        out = gnutls_client(h, port, suite, ver, http_request_get(n), resume)
        check(b"Handshake was completed" in out, f"no completed handshake: {tail(out)}")
        if resume:
            check(b"This is a resumed session" in out, f"gnutls-cli did not resume: {tail(out)}")
        i = out.find(b"HTTP/1.0 200 OK")
        check(i >= 0, f"no HTTP response in gnutls-cli output: {tail(out)}")
        check_response_prefix(out[i:], n)
        expected = [(ver.code, suite.ident, 0)] + ([(ver.code, suite.ident, 1)] if resume else [])
        h.expect_server_lines(srv, expected)
    finally:
        srv.stop()


def case_server_pyssl(h: Harness, suite: Suite, ver: Version, get: int = 20000, echo: int = 0, resume: bool = True):
    srv, port = h.start_server()
    try:
        expected = []
        ctx = pyssl_context(h.pki, suite, ver)  # resumption needs the same context
        s, v, ident, reused = pyssl_connect(port, h.pki, suite, ver, ctx=ctx)
        try:
            check((v, ident) == (ver.code, suite.ident), f"negotiated 0x{v:04x}/0x{ident:04x}")
            if echo:
                raw = ssl_exchange(s, http_request_echo_head(echo), echo)
                check_response(raw, echo)
            else:
                raw = ssl_exchange(s, http_request_get(get))
                check_response(raw, get)
            session = s.session
        finally:
            s.close()
        expected.append((ver.code, suite.ident, 0))
        if resume:
            s, v, ident, reused = pyssl_connect(port, h.pki, suite, ver, session=session, ctx=ctx)
            try:
                check(reused, "Python ssl client did not resume the session")
                raw = ssl_exchange(s, http_request_get(1000))
                check_response(raw, 1000)
            finally:
                s.close()
            expected.append((ver.code, suite.ident, 1))
        h.expect_server_lines(srv, expected)
    finally:
        srv.stop()


def case_server_tlslite(h: Harness, suite: Suite, ver: Version, get: int = 20000, echo: int = 0, resume: bool = True):
    if not HAVE_TLSLITE:
        raise CaseSkip("tlslite-ng not installed (make deps)")
    srv, port = h.start_server()
    try:
        c, v, ident, _ = tlslite_connect(port, suite, ver)
        try:
            check((v, ident) == (ver.code, suite.ident), f"negotiated 0x{v:04x}/0x{ident:04x}")
            if echo:
                raw = exchange(c.write, lambda k: bytes(c.read(k, 1)), http_request_echo_head(echo), echo)
                check_response(raw, echo)
            else:
                raw = exchange(c.write, lambda k: bytes(c.read(k, 1)), http_request_get(get))
                check_response(raw, get)
            session = c.session
        finally:
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass
        expected = [(ver.code, suite.ident, 0)]
        if resume:
            c, v, ident, resumed = tlslite_connect(port, suite, ver, session=session)
            try:
                check(resumed, "tlslite-ng client did not resume the session")
                raw = exchange(c.write, lambda k: bytes(c.read(k, 1)), http_request_get(1000))
                check_response(raw, 1000)
            finally:
                try:
                    c.close()
                except Exception:  # noqa: BLE001
                    pass
            expected.append((ver.code, suite.ident, 1))
        h.expect_server_lines(srv, expected)
    finally:
        srv.stop()


def case_server_curl(h: Harness, suite: Suite, ver: Version, get: int = 20000, echo: int = 0, resume: bool = True):
    srv, port = h.start_server()
    try:
        url = f"https://127.0.0.1:{port}"
        out1 = h.tmp / f"curl-{port}-1.bin"
        out2 = h.tmp / f"curl-{port}-2.bin"
        argv = [
            "curl", "-sS", "--max-time", str(IO_TIMEOUT), "--cacert", str(h.pki.ca),
            *ver.curl, "--ciphers", f"{suite.openssl}:@SECLEVEL=0", "-H", "Expect:",
        ]
        if echo:
            src = h.tmp / f"curl-{port}-body.bin"
            src.write_bytes(body(0, echo))
            argv += ["--data-binary", f"@{src}", "-H", "Content-Type: application/octet-stream",
                     f"{url}/echo", "-o", str(out1)]
            want1 = echo
        else:
            argv += [f"{url}/{get}", "-o", str(out1)]
            want1 = get
        if resume:
            # A second URL in the same invocation reuses curl's cached TLS session.
            argv += ["--next", "-sS", "--max-time", str(IO_TIMEOUT), "--cacert", str(h.pki.ca), *ver.curl,
                     "--ciphers", f"{suite.openssl}:@SECLEVEL=0", f"{url}/777", "-o", str(out2)]
        r = run(argv, timeout=IO_TIMEOUT + 10)
        check(r.returncode == 0, f"curl exit {r.returncode}: {tail(r.stderr)}")
        diff = first_mismatch(out1.read_bytes(), body(0, want1))
        check(not diff, f"body mismatch: {diff}")
        expected = [(ver.code, suite.ident, 0)]
        if resume:
            diff = first_mismatch(out2.read_bytes(), body(0, 777))
            check(not diff, f"second body mismatch: {diff}")
            expected.append((ver.code, suite.ident, 1))
        h.expect_server_lines(srv, expected)
    finally:
        srv.stop()


def case_server_concurrent(h: Harness, clients: int = 16, n: int = 200000):
    """Many simultaneous Python ssl clients against one server process."""
    srv, port = h.start_server()
    try:
        suite, ver = SUITE_BY_ID[0x009C], VERSION_BY_NAME["TLS1.2"]
        errors: list[str] = []

        def one(k: int):
            try:
                s, _, _, _ = pyssl_connect(port, h.pki, suite, ver)
                try:
                    if k % 2:
                        check_response(ssl_exchange(s, http_request_echo_head(n), n), n)
                    else:
                        check_response(ssl_exchange(s, http_request_get(n)), n)
                finally:
                    s.close()
            except Exception as e:  # noqa: BLE001
                errors.append(f"client {k}: {e}")

        threads = [threading.Thread(target=one, args=(k,), daemon=True) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=IO_TIMEOUT * 2)
        check(all(not t.is_alive() for t in threads), "some clients did not finish")
        check(not errors, "; ".join(errors[:3]))
        check(srv.running(), "server exited")
        check(len(h.server_handshakes(srv, clients)) == clients, "missing handshake lines")
    finally:
        srv.stop()


def case_server_robustness(h: Harness):
    """Junk, aborted and idle connections neither crash nor block the server."""
    srv, port = h.start_server()
    idle = []
    try:
        # Plain HTTP on the TLS port: a fatal alert record (type 21) comes back, then EOF.
        with socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT) as s:
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            data = b""
            while True:
                d = s.recv(4096)
                if not d:
                    break
                data += d
            check(data[:1] == b"\x15" and len(data) >= 7 and data[5] == 2,
                  f"expected a fatal alert record for plaintext HTTP, got {data[:16].hex()}")
        # Half a ClientHello, then the client vanishes.
        with socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT) as s:
            s.sendall(bytes.fromhex("16030100c8010000c40303") + b"\x00" * 20)
        # A reset in the middle of a handshake.
        s = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
        s.sendall(bytes.fromhex("160301"))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()
        # Idle connections stay open while real clients are served.
        for _ in range(20):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT))
        suite, ver = SUITE_BY_ID[0x002F], VERSION_BY_NAME["TLS1.2"]
        for n in (10, 70000):
            s2, _, _, _ = pyssl_connect(port, h.pki, suite, ver)
            try:
                check_response(ssl_exchange(s2, http_request_get(n)), n)
            finally:
                s2.close()
        check(srv.running(), "server exited")
    finally:
        for s in idle:
            s.close()
        srv.stop()


def tls_record(typ: int, version: int, body: bytes) -> bytes:
    return bytes([typ]) + version.to_bytes(2, "big") + len(body).to_bytes(2, "big") + body


def raw_client_hello() -> bytes:
    """A TLS 1.2 ClientHello record (TLS_RSA_WITH_AES_128_CBC_SHA and the RFC 5746 SCSV),
    written out by hand so the peer can follow it with whatever it likes."""
    body = (b"\x03\x03" + bytes(range(32)) + b"\x00"
            + b"\x00\x04\x00\x2f\x00\xff" + b"\x01\x00")
    msg = b"\x01" + len(body).to_bytes(3, "big") + body
    return tls_record(22, 0x0301, msg)


def read_records_until_eof(s: socket.socket) -> list[tuple[int, bytes]]:
    """Everything the peer sends until it closes, as (type, body) records; a reset after
    the peer's last bytes counts as its close."""
    data = b""
    while True:
        try:
            d = s.recv(65536)
        except ConnectionResetError:
            break
        if not d:
            break
        data += d
    records = []
    while len(data) >= 5:
        n = int.from_bytes(data[3:5], "big")
        records.append((data[0], data[5:5 + n]))
        data = data[5 + n:]
    check(not data, f"trailing partial record {data.hex()}")
    return records


def read_server_flight(s: socket.socket) -> None:
    """Reads our server's plaintext first flight up to its ServerHelloDone."""
    data = b""
    while True:
        d = s.recv(65536)
        check(d, f"the server closed after {len(data)} bytes of its first flight")
        data += d
        stream, rest = b"", data
        while len(rest) >= 5 and len(rest) >= 5 + int.from_bytes(rest[3:5], "big"):
            n = int.from_bytes(rest[3:5], "big")
            check(rest[0] == 22, f"record type {rest[0]} in the server's first flight")
            stream += rest[5:5 + n]
            rest = rest[5 + n:]
        while len(stream) >= 4:
            n = int.from_bytes(stream[1:4], "big")
            if stream[0] == 14 and n == 0:
                check(not rest and len(stream) == 4, "bytes after ServerHelloDone")
                return
            stream = stream[4 + n:]


# name: (send a ClientHello and read the server's flight first, the hostile records)
HOSTILE_PEERS = {
    # CVE-2016-8610: warning alerts (user_canceled) that never end, before any handshake
    # and in the middle of one. The fifth in a row is answered with unexpected_message.
    "warning-flood-first": (False, tls_record(21, 0x0301, b"\x01\x5a") * 100),
    "warning-flood-in-handshake": (True, tls_record(21, 0x0303, b"\x01\x5a") * 100),
    # A heartbeat request (content type 24, RFC 6520, which we do not implement) and an
    # unassigned content type: unexpected_message, never silence or application data.
    "heartbeat-first": (False, tls_record(24, 0x0301, b"\x01\x00\x10" + b"\xaa" * 32)),
    "heartbeat-in-handshake": (True, tls_record(24, 0x0303, b"\x01\x00\x10" + b"\xaa" * 32)),
    "type-99-in-handshake": (True, tls_record(99, 0x0303, b"\x00" * 8)),
}


def case_server_hostile_peer(h: Harness, kind: str):
    """A raw-socket peer misbehaves (HOSTILE_PEERS): our server answers with a fatal
    unexpected_message alert (plaintext: no keys are in force) and closes; the same server
    process then still serves a normal client."""
    hello_first, hostile = HOSTILE_PEERS[kind]
    srv, port = h.start_server()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            if hello_first:
                s.sendall(raw_client_hello())
                read_server_flight(s)
            # One write that the server reads in one go, so no unread bytes are left in
            # its socket when it closes.
            s.sendall(hostile)
            records = read_records_until_eof(s)
        check(records == [(21, b"\x02\x0a")],
              f"expected one fatal unexpected_message alert, then EOF; got {[(t, b.hex()) for t, b in records]}")
        check(srv.running(), "server exited")
        h.run_client(port, ["-s", "0x002F", "-g", "1000"])
        check(srv.running(), "server exited")
    finally:
        srv.stop()


def case_server_pkcs8_key(h: Harness):
    """Server loads a PKCS#8 key and the leaf+CA chain file."""
    p = Proc(
        [h.bindir / "server", "-p", "0", "-c", h.pki.chain, "-k", h.pki.key_pkcs8, "-t", "20"],
        "server",
    )
    try:
        port = int(p.wait_for(rb"listening on (\d+)", 15).group(1))
        s, v, ident, _ = pyssl_connect(port, h.pki, SUITE_BY_ID[0x002F], VERSION_BY_NAME["TLS1.2"])
        try:
            check_response(ssl_exchange(s, http_request_get(5000)), 5000)
        finally:
            s.close()
    finally:
        p.stop()


def case_server_suite_option(h: Harness):
    """-s restricts our server: a client offering two suites gets the one we kept."""
    srv, port = h.start_server(["-s", "0x003D"])
    try:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(str(h.pki.ca))
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("AES128-GCM-SHA256:AES256-SHA256")
        with socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT) as raw:
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                check(s.cipher()[0] == "AES256-SHA256", f"negotiated {s.cipher()[0]}")
                check_response(ssl_exchange(s, http_request_get(10)), 10)
    finally:
        srv.stop()


# ---------------------------------------------------------------------------------------------
# Cases: our client against peer servers


def expect_client_lines(hs, suite: Suite, ver: Version, resumed: list[int]) -> None:
    want = [(ver.code, suite.ident, r) for r in resumed]
    check(hs == want, f"client handshake lines {fmt_hs(hs)} != expected {fmt_hs(want)}")


def case_client_openssl(h: Harness, suite: Suite, ver: Version):
    port = free_port()
    srv = Proc(
        [
            "openssl", "s_server", "-accept", str(port), "-cert", h.pki.cert, "-key", h.pki.key, "-www",
            ver.openssl_flag, "-cipher", f"{suite.openssl}:@SECLEVEL=0",
        ],
        "openssl s_server",
    )
    try:
        srv.wait_for(rb"ACCEPT", 15)
        hs, out = h.run_client(port, ["-s", suite.hex, "-x", "-r", "1"])
        expect_client_lines(hs, suite, ver, [0, 1])
        # The -www page reports the server's view of each connection.
        check(out.count(b"HTTP/1.0 200 ok") == 2, "expected two s_server -www pages")
        name = re.escape(suite.openssl.encode())
        check(re.search(rb"New, [^,]+, Cipher is " + name + rb"\s", out) is not None,
              "s_server page 1 does not report a new session with the expected cipher")
        check(re.search(rb"Reused, [^,]+, Cipher is " + name + rb"\s", out) is not None,
              "s_server page 2 does not report the session as reused")
        protos = re.findall(rb"Protocol *: (\S+)", out)
        check(protos == [ver.proto.encode()] * 2, f"s_server protocols {protos} != {ver.proto}")
    finally:
        srv.stop()


def case_client_gnutls(h: Harness, suite: Suite, ver: Version, n: int = 20000):
    port = free_port()
    data = h.tmp / f"gnutls-data-{n}.bin"
    if not data.exists():
        data.write_bytes(body(0, n))
    srv = Proc(
        [
            "gnutls-serv", "--http", "-p", str(port), "--x509certfile", h.pki.cert, "--x509keyfile", h.pki.key,
            "--priority", gnutls_priority(suite, ver), "--httpdata", data, "-a",
        ],
        "gnutls-serv",
    )
    try:
        wait_port(port, 15, srv)  # (its stdout is block-buffered: poll the port)
        hs, _ = h.run_client(port, ["-s", suite.hex, "-g", str(n), "-r", "1"])
        expect_client_lines(hs, suite, ver, [0, 1])
    finally:
        srv.stop()


def case_client_py(h: Harness, kind: str, suite: Suite, ver: Version, mode: str = "-g", n: int = 20000,
                   reconnects: int = 1):
    if kind == "tlslite" and not HAVE_TLSLITE:
        raise CaseSkip("tlslite-ng not installed (make deps)")
    srv = PyServer(kind, h.pki, suite, ver)
    try:
        hs, _ = h.run_client(srv.port, ["-s", suite.hex, mode, str(n), "-r", str(reconnects)], timeout=120)
        expect_client_lines(hs, suite, ver, [0] + [1] * reconnects)
        time.sleep(0.05)
        check(not srv.errors, f"{kind} server: {srv.errors[:2]}")
        want = [(ver.code, suite.ident, bool(k)) for k in range(reconnects + 1)]
        check(srv.handshakes == want, f"{kind} server saw {srv.handshakes}, expected {want}")
    finally:
        srv.close()


def case_client_openssl_reneg(h: Harness, full: int):
    """Our client renegotiates (RFC 5746) with OpenSSL before its request."""
    port = free_port()
    suite, ver = SUITE_BY_ID[0x009C], VERSION_BY_NAME["TLS1.2"]
    srv = Proc(
        [
            "openssl", "s_server", "-accept", str(port), "-cert", h.pki.cert, "-key", h.pki.key, "-www",
            "-client_renegotiation", "-tls1_2", "-cipher", suite.openssl,
        ],
        "openssl s_server",
    )
    try:
        srv.wait_for(rb"ACCEPT", 15)
        r = run([h.bindir / "client", "-h", "127.0.0.1", "-p", str(port), "-a", h.pki.ca, "-t", "30",
                 "-s", suite.hex, "-x", "-R", str(full)], timeout=60)
        out = r.stdout
        check(r.returncode == 0 and b"RESULT OK" in out, f"client: {tail(out[-300:])}")
        hs = [(int(a, 16), int(b, 16), int(c)) for a, b, c in HANDSHAKE_RE.findall(out)]
        rh = [(int(a, 16), int(b, 16), int(c)) for a, b, c in REHANDSHAKE_RE.findall(out)]
        expect_client_lines(hs, suite, ver, [0])
        check(rh == [(ver.code, suite.ident, 0 if full else 1)], f"rehandshake lines {fmt_hs(rh)}")
        check(re.search(rb"\b1 server renegotiates", out) is not None, "s_server did not count a renegotiation")
        want = b"New, " if full else b"Reused, "
        check(want in out, f"s_server page does not say {want!r}")
    finally:
        srv.stop()


def case_server_reneg(h: Harness, peer: str, full: int):
    """Our server sends HelloRequest after a GET and answers after the rehandshake."""
    srv, port = h.start_server(["-R", str(full)])
    suite, ver = SUITE_BY_ID[0x002F], VERSION_BY_NAME["TLS1.2"]
    try:
        n = 30000
        if peer == "openssl":
            r = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", h.pki.ca, "-ign_eof",
                     "-tls1_2", "-cipher", suite.openssl], input=http_request_get(n))
            check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
            i = r.stdout.find(b"HTTP/1.0 200 OK")
            check(i >= 0, "no HTTP response in s_client output")
            check_response_prefix(r.stdout[i:], n)
        else:
            s, _, _, _ = pyssl_connect(port, h.pki, suite, ver)
            try:
                check_response(ssl_exchange(s, http_request_get(n)), n)
            finally:
                s.close()
        h.expect_server_lines(srv, [(ver.code, suite.ident, 0)])
        rh = h.server_handshakes(srv, 1, rx=REHANDSHAKE_RE)
        check(rh == [(ver.code, suite.ident, 0 if full else 1)], f"server rehandshake lines {fmt_hs(rh)}")
    finally:
        srv.stop()


def case_server_client_auth(h: Harness, with_cert: bool):
    """Our server with -A requests a client certificate: OpenSSL with one gets the page, OpenSSL
    without one is refused (bad_certificate, ABI.md D10)."""
    srv, port = h.start_server(["-A", "-a", h.pki.ca])
    try:
        argv = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", h.pki.ca, "-ign_eof",
                "-tls1_2", "-verify_return_error"]
        if with_cert:
            argv += ["-cert", h.pki.client_cert, "-key", h.pki.client_key]
        r = run(argv, input=http_request_get(1000))
        if with_cert:
            check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
            i = r.stdout.find(b"HTTP/1.0 200 OK")
            check(i >= 0, f"no HTTP response: {tail(r.stderr)}")
            check_response_prefix(r.stdout[i:], 1000)
            check(b"Acceptable client certificate CA names" in r.stdout, "no CertificateRequest seen by s_client")
            check(len(h.server_handshakes(srv, 1)) == 1, "server reported no handshake")
        else:
            check(b"HTTP/1.0 200 OK" not in r.stdout, "server answered a client without a certificate")
            check(re.search(rb"alert (bad certificate|handshake failure)|alert number (42|40)", r.stdout + r.stderr)
                  is not None, f"expected a bad_certificate alert: {tail(r.stderr)}")
            check(h.server_handshakes(srv, 1, timeout=1) == [], "server completed a handshake")
        check(srv.running(), "server exited")
    finally:
        srv.stop()


def case_client_client_auth(h: Harness, peer: str):
    """Our client presents a certificate to a server that requires one."""
    suite, ver = SUITE_BY_ID[0x009C], VERSION_BY_NAME["TLS1.2"]
    if peer == "openssl":
        port = free_port()
        srv = Proc(
            ["openssl", "s_server", "-accept", str(port), "-cert", h.pki.cert, "-key", h.pki.key, "-www",
             "-Verify", "1", "-CAfile", h.pki.ca, "-verify_return_error", "-tls1_2"],
            "openssl s_server",
        )
        try:
            srv.wait_for(rb"ACCEPT", 15)
            hs, out = h.run_client(port, ["-s", suite.hex, "-c", h.pki.client_cert, "-k", h.pki.client_key, "-x"])
            expect_client_lines(hs, suite, ver, [0])
            check(b"Client certificate" in out and b"interop client" in out,
                  "s_server page does not show our client certificate")
        finally:
            srv.stop()
    else:
        srv = PyServer("pyssl", h.pki, suite, ver)
        try:
            srv.ctx.verify_mode = ssl.CERT_REQUIRED
            srv.ctx.load_verify_locations(str(h.pki.ca))
            hs, _ = h.run_client(srv.port, ["-s", suite.hex, "-c", h.pki.client_cert, "-k", h.pki.client_key,
                                            "-g", "5000"])
            expect_client_lines(hs, suite, ver, [0])
            check(not srv.errors, f"pyssl server: {srv.errors[:2]}")
        finally:
            srv.close()


def case_server_rsa_sigalgs(h: Harness, sigalgs: str, sig_type: str, digest: str):
    """OpenSSL offering only `sigalgs` gets a ServerKeyExchange signed with that scheme by our RSA
    server (RSA-PSS when it offers rsa_pss_rsae_*, PKCS#1 v1.5 when it offers only that)."""
    srv, port = h.start_server()
    try:
        r = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", h.pki.ca, "-ign_eof",
                 "-tls1_2", "-verify_return_error", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256",
                 "-sigalgs", sigalgs], input=http_request_get(1000))
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        i = r.stdout.find(b"HTTP/1.0 200 OK")
        check(i >= 0, f"no HTTP response: {tail(r.stderr)}")
        check_response_prefix(r.stdout[i:], 1000)
        m = re.search(rb"Peer signature type: (\S+)", r.stdout)
        check(m is not None and m.group(1) == sig_type.encode(),
              f"peer signature type {m and m.group(1)!r} != {sig_type}")
        check(f"Peer signing digest: {digest}".encode() in r.stdout, f"peer signing digest is not {digest}")
    finally:
        srv.stop()


def case_client_rsa_sigalgs(h: Harness, sigalgs: str, client_sigalgs: Optional[str] = None):
    """Our client against an OpenSSL server that signs only with `sigalgs` (so our client must
    verify that scheme) and, with `client_sigalgs`, requires a client certificate signed only
    with those (so our client must sign CertificateVerify with one of them)."""
    suite, ver = SUITE_BY_ID[0xC02F], VERSION_BY_NAME["TLS1.2"]
    port = free_port()
    argv = ["openssl", "s_server", "-accept", str(port), "-cert", h.pki.cert, "-key", h.pki.key, "-www",
            "-tls1_2", "-sigalgs", sigalgs]
    args = ["-s", suite.hex, "-x"]
    if client_sigalgs:
        argv += ["-Verify", "1", "-CAfile", h.pki.ca, "-verify_return_error", "-client_sigalgs", client_sigalgs]
        args += ["-c", h.pki.client_cert, "-k", h.pki.client_key]
    srv = Proc(argv, "openssl s_server")
    try:
        srv.wait_for(rb"ACCEPT", 15)
        hs, out = h.run_client(port, args)
        expect_client_lines(hs, suite, ver, [0])
        if client_sigalgs:
            check(b"Client certificate" in out and b"interop client" in out,
                  "s_server page does not show our client certificate")
    finally:
        srv.stop()


def case_server_client_auth_sigalgs(h: Harness, client_sigalgs: str):
    """OpenSSL authenticates to our server with a CertificateVerify signed with `client_sigalgs`
    (the only scheme it allows itself), which our server verifies."""
    srv, port = h.start_server(["-A", "-a", h.pki.ca])
    try:
        r = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", h.pki.ca, "-ign_eof",
                 "-tls1_2", "-verify_return_error", "-cert", h.pki.client_cert, "-key", h.pki.client_key,
                 "-client_sigalgs", client_sigalgs], input=http_request_get(1000))
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        i = r.stdout.find(b"HTTP/1.0 200 OK")
        check(i >= 0, f"no HTTP response: {tail(r.stderr)}")
        check_response_prefix(r.stdout[i:], 1000)
        check(len(h.server_handshakes(srv, 1)) == 1, "server reported no handshake")
    finally:
        srv.stop()


def case_client_default_suite(h: Harness):
    """Our client with cipherSpec 0 against a default Python server negotiates TLS 1.2."""
    srv = PyServer("pyssl", h.pki, SUITE_BY_ID[0x009D], VERSION_BY_NAME["TLS1.2"])
    try:
        srv.ctx.set_ciphers("DEFAULT")
        hs, _ = h.run_client(srv.port, ["-g", "1234"])
        check(len(hs) == 1 and hs[0][0] == 0x0303, f"handshake lines {fmt_hs(hs)}")
    finally:
        srv.close()


def case_client_bad_ca(h: Harness):
    """A server certificate from an unknown CA must be rejected by our client (alert 48)."""
    other = h.tmp / "otherca"
    other.mkdir(exist_ok=True)
    r = run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", other / "k.pem",
             "-out", other / "c.pem", "-days", "2", "-subj", "/CN=other", "-addext",
             "basicConstraints=critical,CA:TRUE"], timeout=60)
    check(r.returncode == 0, "could not make the second CA")
    srv = PyServer("pyssl", h.pki, SUITE_BY_ID[0x002F], VERSION_BY_NAME["TLS1.2"])
    try:
        rr = run([h.bindir / "client", "-h", "127.0.0.1", "-p", str(srv.port), "-a", other / "c.pem",
                  "-t", "20", "-g", "10"], timeout=40)
        check(rr.returncode == 1 and b"RESULT FAIL" in rr.stdout, f"client accepted: {tail(rr.stdout)}")
        check(b"alert 48" in rr.stdout, f"expected alert 48 (unknown_ca): {tail(rr.stdout)}")
    finally:
        srv.close()


# ---------------------------------------------------------------------------------------------
# Legacy certificates (ABI.md D9a) and peer key checks, with chains made by openssl


def make_legacy_pki(h: Harness) -> Path:
    """X.509 v1 certificates as `openssl x509 -req` without an extension file makes them:
    v1root (self-signed v1), v1leaf (v1, issued by v1root), v1leaf-v3ca (v1, issued by the
    interop CA), v1inter (v1, issued by the interop CA) and v3leaf-v1inter (v3, issued by
    v1inter); ku-sign (v3, keyUsage digitalSignature only, issued by the interop CA)."""
    d = h.tmp / "legacy"
    if (d / "done").is_file():
        return d
    d.mkdir(exist_ok=True)

    def ossl(*args):
        r = run(["openssl", *args], timeout=60, cwd=d)
        check(r.returncode == 0, f"openssl {' '.join(map(str, args[:2]))} failed: {tail(r.stderr)}")

    def issue(name: str, subj: str, ca_cert, ca_key, ext: Optional[str] = None):
        ossl("genrsa", "-traditional", "-out", f"{name}.key", "2048")
        ossl("req", "-new", "-key", f"{name}.key", "-subj", subj, "-out", f"{name}.csr")
        extra = ["-extfile", ext] if ext else []
        ossl("x509", "-req", "-in", f"{name}.csr", "-CA", ca_cert, "-CAkey", ca_key, "-set_serial",
             str(int.from_bytes(os.urandom(8), "big")), "-days", "30", "-sha256", "-out", f"{name}.pem", *extra)

    ossl("genrsa", "-traditional", "-out", "v1root.key", "2048")
    ossl("req", "-new", "-key", "v1root.key", "-subj", "/CN=matrixssl-rs interop v1 root", "-out", "v1root.csr")
    ossl("x509", "-req", "-in", "v1root.csr", "-signkey", "v1root.key", "-days", "30", "-sha256",
         "-out", "v1root.pem")
    issue("v1leaf", "/CN=localhost", "v1root.pem", "v1root.key")
    issue("v1leaf-v3ca", "/CN=localhost", h.pki.ca, h.pki.dir / "ca.key")
    issue("v1inter", "/CN=matrixssl-rs interop v1 intermediate", h.pki.ca, h.pki.dir / "ca.key")
    (d / "leaf.ext").write_text("basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:localhost\n")
    issue("v3leaf-v1inter", "/CN=localhost", "v1inter.pem", "v1inter.key", "leaf.ext")
    (d / "v1chain.pem").write_bytes((d / "v1leaf.pem").read_bytes() + (d / "v1root.pem").read_bytes())
    (d / "ku-sign.ext").write_text("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                   "subjectAltName=DNS:localhost\n")
    issue("ku-sign", "/CN=localhost", h.pki.ca, h.pki.dir / "ca.key", "ku-sign.ext")
    for name in ("v1root", "v1leaf", "v1leaf-v3ca", "v1inter"):
        r = run(["openssl", "x509", "-in", d / f"{name}.pem", "-noout", "-text"], cwd=d)
        check(b"Version: 1 (0x0)" in r.stdout, f"{name} is not an X.509 v1 certificate")
    (d / "done").write_text("")
    return d


def openssl_server(cert, key, extra=()) -> tuple[Proc, int]:
    port = free_port()
    srv = Proc(["openssl", "s_server", "-accept", str(port), "-cert", cert, "-key", key, "-www", *extra],
               "openssl s_server")
    srv.wait_for(rb"ACCEPT", 15)
    return srv, port


def case_client_openssl_v1(h: Harness, leaf: str, ca: str):
    """openssl s_server presents an X.509 v1 certificate (and its v1 root where it has one);
    our client verifies it against `ca` (D9a)."""
    d = make_legacy_pki(h)
    ca_path = h.pki.ca if ca == "interop-ca" else d / f"{ca}.pem"
    srv, port = openssl_server(d / f"{leaf}.pem", d / f"{leaf}.key", ["-tls1_2", "-cert_chain", ca_path])
    try:
        suite = SUITE_BY_ID[0x009C]
        hs, out = h.run_client(port, ["-s", suite.hex, "-x"], ca=ca_path)
        expect_client_lines(hs, suite, VERSION_BY_NAME["TLS1.2"], [0])
        check(out.count(b"HTTP/1.0 200 ok") == 1, "no s_server -www page")
    finally:
        srv.stop()


def client_refuses(h: Harness, port: int, ca: Path, args, alert: int) -> None:
    rr = run([h.bindir / "client", "-h", "127.0.0.1", "-p", str(port), "-a", ca, "-t", "20", "-g", "10", *args],
             timeout=40)
    check(rr.returncode == 1 and b"RESULT FAIL" in rr.stdout, f"client accepted: {tail(rr.stdout)}")
    check(f"alert {alert}".encode() in rr.stdout, f"expected alert {alert}: {tail(rr.stdout)}")


def case_client_openssl_v1_intermediate(h: Harness):
    """A v1 certificate used as an intermediate is refused by our client (bad_certificate)."""
    d = make_legacy_pki(h)
    srv, port = openssl_server(d / "v3leaf-v1inter.pem", d / "v3leaf-v1inter.key",
                               ["-tls1_2", "-cert_chain", d / "v1inter.pem"])
    try:
        client_refuses(h, port, h.pki.ca, [], 42)
    finally:
        srv.stop()


def case_client_openssl_key_usage(h: Harness):
    """A server certificate whose keyUsage allows only signatures, offered for RSA key exchange:
    our client refuses it (unsupported_certificate); with ECDHE_RSA it is fine."""
    d = make_legacy_pki(h)
    srv, port = openssl_server(d / "ku-sign.pem", d / "ku-sign.key", ["-tls1_2", "-cipher", "ALL:@SECLEVEL=0"])
    try:
        client_refuses(h, port, h.pki.ca, ["-s", SUITE_BY_ID[0x002F].hex], 43)
        suite = SUITE_BY_ID[0xC02F]
        hs, _ = h.run_client(port, ["-s", suite.hex, "-x"])
        expect_client_lines(hs, suite, VERSION_BY_NAME["TLS1.2"], [0])
    finally:
        srv.stop()


def case_server_v1_chain(h: Harness):
    """Our server serves a v1 leaf with its v1 root; openssl s_client verifies it (D9a)."""
    d = make_legacy_pki(h)
    p = Proc([h.bindir / "server", "-p", "0", "-c", d / "v1chain.pem", "-k", d / "v1leaf.key", "-t", "20"],
             "server")
    try:
        m = p.wait_for(rb"listening on (\d+)", 15)
        port = int(m.group(1))
        r = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", d / "v1root.pem",
                 "-verify_return_error", "-ign_eof", "-tls1_2"], input=http_request_get(1000))
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        check(b"Verify return code: 0 (ok)" in r.stdout, "v1 chain not verified by s_client")
        i = r.stdout.find(b"HTTP/1.0 200 OK")
        check(i >= 0, "no HTTP response in s_client output")
        check_response_prefix(r.stdout[i:], 1000)
    finally:
        p.stop()


# ---------------------------------------------------------------------------------------------
# ECDHE with RSA and ECDSA identities, client authentication, renegotiation, SNI


@dataclass(frozen=True)
class Ident:
    """A certificate identity. Our programs and the Python peers load `chain` (leaf and
    intermediates) and `key`; OpenSSL takes the leaf `cert` plus `inter` (-cert_chain)."""

    name: str
    kind: str  # "rsa" or "ec"
    cert: Path
    key: Path
    chain: Path
    inter: Optional[Path]
    subject: bytes  # text of s_server's "Subject:" line for this identity as a client certificate
    bits: int  # key size
    curve: Optional[str] = None  # EC identities: the certificate's group (GROUP_BY_NAME key)


class EcPki:
    """ECDSA identities from c-tests/make-test-pki.sh (P-256 leaf under an intermediate and an
    EC root; P-384 leaf directly under a P-384 root), next to the harness's RSA identities, and
    one CA file trusting all three roots."""

    def __init__(self, h: "Harness"):
        fx = h.tmp / "fx"
        r = run(["sh", ROOT / "c-tests" / "make-test-pki.sh", fx], timeout=120)
        check(r.returncode == 0, f"make-test-pki.sh failed: {tail(r.stderr)}")
        p = h.pki
        self.dir = fx
        self.ids = {
            "rsa": Ident("rsa", "rsa", p.cert, p.key, p.cert, None, b"CN=localhost", 2048),
            "p256": Ident("p256", "ec", fx / "ec-server.pem", fx / "ec-server.key", fx / "ec-server-chain.pem",
                          fx / "ec-inter.pem", b"O=matrixssl-rs tests, CN=localhost", 256, "P-256"),
            "p384": Ident("p384", "ec", fx / "ec384-server.pem", fx / "ec384-server.key", fx / "ec384-server.pem",
                          None, b"O=matrixssl-rs tests, CN=localhost", 384, "P-384"),
            "rsa-client": Ident("rsa-client", "rsa", p.client_cert, p.client_key, p.client_cert, None,
                                b"CN=interop client", 2048),
        }
        for i in self.ids.values():
            check(i.chain.is_file() and i.key.is_file(), f"missing fixture {i.chain} / {i.key}")
        self.ca = h.tmp / "all-ca.pem"
        self.ca.write_bytes(p.ca.read_bytes() + (fx / "ec-ca.pem").read_bytes() + (fx / "ec384-ca.pem").read_bytes())


def server_id_args(e: EcPki, names) -> list:
    """Our server's identity flags: RSA with -c/-k, ECDSA with -e/-E (both may be given)."""
    out: list = []
    for n in names:
        i = e.ids[n]
        out += ["-c", i.chain, "-k", i.key] if i.kind == "rsa" else ["-e", i.chain, "-E", i.key]
    return out


def ossl_id_args(i: Ident, prefix: str = "") -> list:
    """-cert/-key[/-cert_chain] for s_client and s_server (prefix "d" for s_server's second one)."""
    out = [f"-{prefix}cert", i.cert, f"-{prefix}key", i.key]
    if i.inter is not None:
        out += [f"-{prefix}cert_chain", i.inter]
    return out


# Which identity curve each group can be forced with: in TLS 1.2 the client's supported_groups
# also limits the curve of an ECDSA certificate (RFC 8422 5.1, 5.3) and OpenSSL enforces it, so
# a client restricted to exactly one group G can only talk ECDHE_ECDSA to a server whose
# certificate is on G. Offering G plus the certificate's curve works when our server, which
# picks by its own preference (X25519, P-256, P-384), then still chooses G.
_PREF = ["X25519", "P-256", "P-384"]


def offered_groups(group: Group, suite: Suite, curve: Optional[str]) -> Optional[str]:
    """The -groups list that makes our server use `group` with a certificate on `curve`, or
    None if no such list exists."""
    if not suite.ecdsa or curve is None or curve == group.openssl:
        return group.openssl
    if _PREF.index(group.openssl) < _PREF.index(curve):
        return f"{group.openssl}:{curve}"
    return None


IDENT_CURVE = {"p256": "P-256", "p384": "P-384"}


def ec_curve(e: "EcPki", names) -> Optional[str]:
    return next((e.ids[n].curve for n in names if e.ids[n].kind == "ec"), None)


def ossl_version_args(ver: Version, via_v: bool) -> list:
    """Forces `ver` on the OpenSSL side, or (via_v) lets it offer anything from TLS 1.0 up so
    that our -V cap decides."""
    return ["-min_protocol", "TLSv1"] if via_v else [ver.openssl_flag]


def our_version_args(ver: Version, via_v: bool) -> list:
    return ["-V", f"0x{ver.code:04x}"] if via_v else []


def check_ossl_client_session(out: bytes, suite: Suite, ver: Version, group: Optional[Group]) -> None:
    """What s_client reports about the handshake it just did."""
    m = re.search(rb"New, [^,]+, Cipher is (\S+)", out)
    check(m is not None, f"no 'New,' session line: {tail(out[:600])}")
    check(m.group(1).decode() == suite.openssl, f"cipher {m.group(1).decode()} != {suite.openssl}")
    m = re.search(rb"Protocol *: (\S+)", out)
    check(m is not None and m.group(1).decode() == ver.proto, f"protocol {m and m.group(1)} != {ver.proto}")
    if group is not None:
        m = re.search(rb"Server Temp Key: ([^\n]+)", out)
        check(m is not None and re.match(group.temp_key, m.group(1)) is not None,
              f"Server Temp Key {m and m.group(1)!r}, expected {group.name}")
    m = re.search(rb"Peer signature type: (\S+)", out)
    want = b"ECDSA" if suite.ecdsa else b"RSA"
    check(m is not None and m.group(1).startswith(want), f"peer signature type {m and m.group(1)!r} != {want!r}")


def case_server_openssl_ec(h: Harness, names, suite: Suite, ver: Version, group: Group, via_v: bool = False,
                           resume: bool = True, n: int = 20000):
    """Our server (identities `names`) against s_client forcing the suite and the group."""
    e = h.ec
    groups = offered_groups(group, suite, ec_curve(e, names))
    check(groups is not None, f"{group.openssl} cannot be forced with identities {names}")
    srv, port = h.start_ec_server(names, our_version_args(ver, via_v))
    try:
        sess = h.tmp / f"ossl-{port}.sess"
        base = [
            "openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", e.ca, "-verify_return_error",
            "-verify_ip", "127.0.0.1", "-ign_eof", "-cipher", f"{suite.openssl}:@SECLEVEL=0",
            "-groups", groups, *ossl_version_args(ver, via_v),
        ]
        r = run(base + ["-sess_out", sess], input=http_request_get(n))
        out = r.stdout
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        check(b"Verify return code: 0 (ok)" in out, "certificate not verified by s_client")
        check_ossl_client_session(out, suite, ver, group)
        i = out.find(b"HTTP/1.0 200 OK")
        check(i >= 0, "no HTTP response in s_client output")
        check_response_prefix(out[i:], n)
        expected = [(ver.code, suite.ident, 0)]
        if resume:
            r2 = run(base + ["-sess_in", sess], input=http_request_get(100))
            check(r2.returncode == 0, f"s_client (resume) exit {r2.returncode}: {tail(r2.stderr)}")
            check(b"Reused, " in r2.stdout, "s_client did not report 'Reused' on the second connection")
            expected.append((ver.code, suite.ident, 1))
        h.expect_server_lines(srv, expected)
    finally:
        srv.stop()


def case_server_gnutls_ec(h: Harness, names, suite: Suite, ver: Version, group: Group, n: int = 20000):
    e = h.ec
    # As with s_client: a TLS 1.2 client must also offer the ECDSA certificate's curve.
    groups = offered_groups(group, suite, ec_curve(e, names))
    check(groups is not None, f"{group.openssl} cannot be forced with identities {names}")
    gnutls_groups = ":".join(f"+{GROUP_BY_NAME[g].gnutls}" for g in groups.split(":"))
    srv, port = h.start_ec_server(names)
    try:
        prio = (f"NORMAL:-VERS-ALL:+{ver.gnutls}:-CIPHER-ALL:+{suite.gnutls_cipher}:-MAC-ALL:+{suite.gnutls_mac}:"
                f"-KX-ALL:+{suite.kx}:-GROUP-ALL:{gnutls_groups}")
        out = gnutls_client(h, port, suite, ver, http_request_get(n), True, priority=prio, ca=e.ca)
        check(b"Handshake was completed" in out, f"no completed handshake: {tail(out)}")
        check(b"This is a resumed session" in out, f"gnutls-cli did not resume: {tail(out)}")
        desc = b"(ECDHE-" + group.gnutls[len("GROUP-"):].encode() + b")"
        check(desc in out, f"gnutls-cli does not report {desc!r}: {tail(out)}")
        i = out.find(b"HTTP/1.0 200 OK")
        check(i >= 0, f"no HTTP response in gnutls-cli output: {tail(out)}")
        check_response_prefix(out[i:], n)
        h.expect_server_lines(srv, [(ver.code, suite.ident, 0), (ver.code, suite.ident, 1)])
    finally:
        srv.stop()


def ec_pyssl_client_context(h: Harness, suite: Suite, ver: Version, group: Group) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(str(h.ec.ca))
    ctx.minimum_version = ver.py
    ctx.maximum_version = ver.py
    ctx.set_ciphers(f"{suite.openssl}:@SECLEVEL=0")
    ctx.set_ecdh_curve(group.py)  # (OpenSSL 3: the only group offered)
    return ctx


def case_server_pyssl_ec(h: Harness, names, suite: Suite, ver: Version, group: Group, n: int = 20000):
    srv, port = h.start_ec_server(names)
    try:
        ctx = ec_pyssl_client_context(h, suite, ver, group)
        s, v, ident, _ = pyssl_connect(port, h.pki, suite, ver, ctx=ctx)
        try:
            check((v, ident) == (ver.code, suite.ident), f"negotiated 0x{v:04x}/0x{ident:04x}")
            check_response(ssl_exchange(s, http_request_get(n)), n)
            session = s.session
        finally:
            s.close()
        s, v, ident, reused = pyssl_connect(port, h.pki, suite, ver, session=session, ctx=ctx)
        try:
            check(reused, "Python ssl client did not resume the session")
            check_response(ssl_exchange(s, http_request_get(1000)), 1000)
        finally:
            s.close()
        h.expect_server_lines(srv, [(ver.code, suite.ident, 0), (ver.code, suite.ident, 1)])
    finally:
        srv.stop()


def case_server_tlslite_ec(h: Harness, names, suite: Suite, ver: Version, group: Group, n: int = 5000):
    if not HAVE_TLSLITE:
        raise CaseSkip("tlslite-ng not installed (make deps)")
    srv, port = h.start_ec_server(names)
    try:
        expected = []
        session = None
        for k in range(2):
            c, v, ident, resumed = tlslite_connect(port, suite, ver, session=session, group=group)
            try:
                check((v, ident) == (ver.code, suite.ident), f"negotiated 0x{v:04x}/0x{ident:04x}")
                check(resumed == (k == 1), f"connection {k}: resumed={resumed}")
                if k == 0:
                    check(c.session.serverCertChain is not None and c.session.serverCertChain.getNumCerts() >= 1,
                          "no server certificate")
                check_response(exchange(c.write, lambda m: bytes(c.read(m, 1)), http_request_get(n)), n)
                session = c.session
            finally:
                try:
                    c.close()
                except Exception:  # noqa: BLE001
                    pass
            expected.append((ver.code, suite.ident, k))
        h.expect_server_lines(srv, expected)
    finally:
        srv.stop()


def case_server_curl_ec(h: Harness, names, suite: Suite, ver: Version, group: Group, n: int = 20000):
    e = h.ec
    groups = offered_groups(group, suite, ec_curve(e, names))
    check(groups is not None, f"{group.openssl} cannot be forced with identities {names}")
    srv, port = h.start_ec_server(names)
    try:
        url = f"https://127.0.0.1:{port}"
        out1, out2 = h.tmp / f"curl-{port}-1.bin", h.tmp / f"curl-{port}-2.bin"
        common = ["-sS", "--max-time", str(IO_TIMEOUT), "--cacert", str(e.ca), *ver.curl,
                  "--ciphers", f"{suite.openssl}:@SECLEVEL=0", "--curves", groups]
        r = run(["curl", *common, f"{url}/{n}", "-o", str(out1), "--next", *common, f"{url}/777", "-o", str(out2)],
                timeout=IO_TIMEOUT + 10)
        check(r.returncode == 0, f"curl exit {r.returncode}: {tail(r.stderr)}")
        diff = first_mismatch(out1.read_bytes(), body(0, n)) or first_mismatch(out2.read_bytes(), body(0, 777))
        check(not diff, f"body mismatch: {diff}")
        h.expect_server_lines(srv, [(ver.code, suite.ident, 0), (ver.code, suite.ident, 1)])
    finally:
        srv.stop()


def ossl_server(h: Harness, args, port: Optional[int] = None) -> tuple[Proc, int]:
    """openssl s_server -www on a free port with `args`; returns once it accepts."""
    port = port or free_port()
    srv = Proc(["openssl", "s_server", "-accept", str(port), "-www", *args], "openssl s_server")
    srv.wait_for(rb"ACCEPT", 15)
    return srv, port


def case_client_openssl_ec(h: Harness, ident: str, suite: Suite, ver: Version, group: Group, via_v: bool = False):
    """Our client (suite pinned with -s) against s_server with `ident`, one group, the version
    forced by s_server or by our -V."""
    e = h.ec
    srv, port = ossl_server(h, [*ossl_id_args(e.ids[ident]), "-cipher", f"{suite.openssl}:@SECLEVEL=0",
                                "-groups", group.openssl, *ossl_version_args(ver, via_v)])
    try:
        hs, out = h.run_client(port, ["-s", suite.hex, "-x", "-r", "1", *our_version_args(ver, via_v)], ca=e.ca)
        expect_client_lines(hs, suite, ver, [0, 1])
        check(out.count(b"HTTP/1.0 200 ok") == 2, "expected two s_server -www pages")
        name = re.escape(suite.openssl.encode())
        check(re.search(rb"New, [^,]+, Cipher is " + name + rb"\s", out) is not None,
              "s_server page 1 does not report a new session with the expected cipher")
        check(re.search(rb"Reused, [^,]+, Cipher is " + name + rb"\s", out) is not None,
              "s_server page 2 does not report the session as reused")
        protos = re.findall(rb"Protocol *: (\S+)", out)
        check(protos == [ver.proto.encode()] * 2, f"s_server protocols {protos} != {ver.proto}")
        shared = re.findall(rb"Shared groups: (\S+)", out)
        check(shared[:1] == [group.shared], f"s_server shared groups {shared[:1]} != {group.shared!r}")
    finally:
        srv.stop()


def case_client_gnutls_ec(h: Harness, ident: str, suite: Suite, ver: Version, group: Group, n: int = 20000):
    e = h.ec
    i = e.ids[ident]
    port = free_port()
    data = h.tmp / f"gnutls-data-{n}.bin"
    if not data.exists():
        data.write_bytes(body(0, n))
    prio = (f"NORMAL:-VERS-ALL:+{ver.gnutls}:-CIPHER-ALL:+{suite.gnutls_cipher}:-MAC-ALL:+{suite.gnutls_mac}:"
            f"-KX-ALL:+{suite.kx}:-GROUP-ALL:+{group.gnutls}")
    srv = Proc(["gnutls-serv", "--http", "-p", str(port), "--x509certfile", i.chain, "--x509keyfile", i.key,
                "--priority", prio, "--httpdata", data, "-a"], "gnutls-serv")
    try:
        wait_port(port, 15, srv)
        hs, _ = h.run_client(port, ["-s", suite.hex, "-g", str(n), "-r", "1"], ca=e.ca)
        expect_client_lines(hs, suite, ver, [0, 1])
    finally:
        srv.stop()


def case_client_py_ec(h: Harness, kind: str, ident: str, suite: Suite, ver: Version, group: Group, n: int = 5000):
    if kind == "tlslite" and not HAVE_TLSLITE:
        raise CaseSkip("tlslite-ng not installed (make deps)")
    e = h.ec
    srv = PyServer(kind, h.pki, suite, ver, ident=e.ids[ident], group=group)
    try:
        hs, _ = h.run_client(srv.port, ["-s", suite.hex, "-g", str(n), "-r", "1"], ca=e.ca)
        expect_client_lines(hs, suite, ver, [0, 1])
        time.sleep(0.05)
        check(not srv.errors, f"{kind} server: {srv.errors[:2]}")
        want = [(ver.code, suite.ident, False), (ver.code, suite.ident, True)]
        check(srv.handshakes == want, f"{kind} server saw {srv.handshakes}, expected {want}")
    finally:
        srv.close()


# -- defaults and preferences -----------------------------------------------------------------


def case_server_openssl_default(h: Harness, names, tls12: bool):
    """A default s_client against our (default) server negotiates TLS 1.3 (ABI.md D25); one
    capped with -tls1_2 gets TLS 1.2 ECDHE with an AEAD suite. Either way over X25519."""
    e = h.ec
    srv, port = h.start_ec_server(names)
    try:
        r = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", e.ca, "-ign_eof",
                 "-verify_return_error"] + (["-tls1_2"] if tls12 else []), input=http_request_get(1000))
        out = r.stdout
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        proto = rb"TLSv1.2" if tls12 else rb"TLSv1.3"
        check(re.search(rb"Protocol *: " + proto, out) is not None, f"not {proto.decode()}")
        i = out.find(b"HTTP/1.0 200 OK")
        check(i >= 0, "no HTTP response")
        check_response_prefix(out[i:], 1000)
        hs = h.server_handshakes(srv, 1)
        if tls12:
            check(len(hs) == 1 and hs[0][0] == 0x0303 and hs[0][1] in ECDHE_AEAD_IDS,
                  f"server negotiated {fmt_hs(hs)}, expected TLS 1.2 ECDHE AEAD")
            suite = SUITE_BY_ID[hs[0][1]]
            check(suite.ecdsa == any(e.ids[n].kind == "ec" for n in names),
                  f"{suite.openssl} with identities {names}")
        else:
            check(len(hs) == 1 and hs[0][0] == 0x0304 and hs[0][1] in (0x1301, 0x1302, 0x1303),
                  f"server negotiated {fmt_hs(hs)}, expected TLS 1.3")
        check(re.search(rb"Server Temp Key: X25519", out) is not None, "group is not X25519 (our first choice)")
    finally:
        srv.stop()


def case_server_suite_preference(h: Harness):
    """Our server's order wins: offered CBC-SHA first and AES-GCM second, it takes AES-GCM."""
    e = h.ec
    srv, port = h.start_ec_server(["rsa"])
    try:
        r = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", e.ca, "-ign_eof", "-tls1_2",
                 "-cipher", "ECDHE-RSA-AES256-SHA:AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256"], input=http_request_get(10))
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        check(b"Cipher is ECDHE-RSA-AES128-GCM-SHA256" in r.stdout, f"cipher: {tail(r.stdout[:800])}")
        h.expect_server_lines(srv, [(0x0303, 0xC02F, 0)])
    finally:
        srv.stop()


def case_server_group_preference(h: Harness, offered: str, expected: str):
    """Our server picks the group by its own preference (X25519, P-256, P-384) among the
    client's, whatever the client's order."""
    e = h.ec
    srv, port = h.start_ec_server(["p256"])
    try:
        r = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", e.ca, "-ign_eof", "-tls1_2",
                 "-groups", offered], input=http_request_get(10))
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        g = GROUP_BY_NAME[expected]
        m = re.search(rb"Server Temp Key: ([^\n]+)", r.stdout)
        check(m is not None and re.match(g.temp_key, m.group(1)) is not None,
              f"offered {offered}: Server Temp Key {m and m.group(1)!r}, expected {g.name}")
    finally:
        srv.stop()


def case_client_openssl_default(h: Harness, dual: bool, tls12: bool):
    """Our client with cipherSpec 0 against a default s_server negotiates TLS 1.3 (ABI.md D25);
    capped with -V 0x0303 it negotiates TLS 1.2 ECDHE AEAD."""
    e = h.ec
    args = ossl_id_args(e.ids["rsa"]) + (ossl_id_args(e.ids["p256"], "d") if dual else [])
    srv, port = ossl_server(h, args)
    try:
        hs, out = h.run_client(port, ["-x"] + (["-V", "0x0303"] if tls12 else []), ca=e.ca)
        if tls12:
            check(len(hs) == 1 and hs[0][0] == 0x0303 and hs[0][1] in ECDHE_AEAD_IDS,
                  f"negotiated {fmt_hs(hs)}, expected TLS 1.2 ECDHE AEAD")
            check(SUITE_BY_ID[hs[0][1]].ecdsa == dual, f"suite 0x{hs[0][1]:04x} with dual={dual}")
        else:
            check(len(hs) == 1 and hs[0][0] == 0x0304 and hs[0][1] in (0x1301, 0x1302, 0x1303),
                  f"negotiated {fmt_hs(hs)}, expected TLS 1.3")
        proto = b"TLSv1.2" if tls12 else b"TLSv1.3"
        check(re.search(rb"Protocol *: " + proto, out) is not None,
              f"s_server page does not say {proto.decode()}")
    finally:
        srv.stop()


def case_server_cert_curve(h: Harness):
    """RFC 8422 5.1/5.3: a TLS 1.2 client's supported_groups also bounds the curve of the
    server's ECDSA certificate. s_client offering only X25519 cannot accept our P-256
    certificate, so a server holding RSA and P-256 identities must pick ECDHE_RSA."""
    e = h.ec
    srv, port = h.start_ec_server(["rsa", "p256"])
    try:
        r = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", e.ca, "-ign_eof", "-tls1_2",
                 "-groups", "X25519", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"],
                input=http_request_get(10))
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        check(b"Cipher is ECDHE-RSA-AES128-GCM-SHA256" in r.stdout, f"cipher: {tail(r.stdout[:800])}")
        h.expect_server_lines(srv, [(0x0303, 0xC02F, 0)])
    finally:
        srv.stop()


# -- negative ---------------------------------------------------------------------------------


def case_server_refuses(h: Harness, names, args):
    """s_client `args` shares no group or no suite with our server: handshake_failure (40)."""
    e = h.ec
    srv, port = h.start_ec_server(names)
    try:
        r = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", e.ca, "-ign_eof", *args],
                input=http_request_get(10))
        both = r.stdout + r.stderr
        check(r.returncode != 0 and b"HTTP/1.0 200 OK" not in r.stdout, "s_client got an answer")
        check(re.search(rb"alert handshake failure|alert number 40\b", both) is not None,
              f"expected a handshake_failure alert: {tail(r.stderr)}")
        check(h.server_handshakes(srv, 1, timeout=0.5) == [], "server completed a handshake")
        check(srv.running(), "server exited")
    finally:
        srv.stop()


# -- client authentication --------------------------------------------------------------------


def case_server_client_auth_ec(h: Harness, client: str, trusted_ok: bool = True):
    """Our server (RSA + P-256 identities) with -A: s_client presents an RSA or ECDSA client
    certificate. With trusted_ok=False the CA file holds only the RSA root, so an ECDSA client
    certificate must be refused."""
    e = h.ec
    ca = e.ca if trusted_ok else h.pki.ca
    srv, port = h.start_ec_server(["rsa", "p256"], ["-A", "-a", ca])
    try:
        r = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", e.ca, "-ign_eof", "-tls1_2",
                 "-verify_return_error", *ossl_id_args(e.ids[client])], input=http_request_get(1000))
        if trusted_ok:
            check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
            check(b"Acceptable client certificate CA names" in r.stdout, "no CertificateRequest seen by s_client")
            i = r.stdout.find(b"HTTP/1.0 200 OK")
            check(i >= 0, f"no HTTP response: {tail(r.stderr)}")
            check_response_prefix(r.stdout[i:], 1000)
            hs = h.server_handshakes(srv, 1)
            check(len(hs) == 1 and hs[0][1] in ECDHE_AEAD_IDS, f"server handshake lines {fmt_hs(hs)}")
        else:
            check(b"HTTP/1.0 200 OK" not in r.stdout, "server answered an untrusted client certificate")
            check(re.search(rb"alert (unknown ca|bad certificate)|alert number (48|42)\b", r.stdout + r.stderr)
                  is not None, f"expected unknown_ca or bad_certificate: {tail(r.stderr)}")
            check(h.server_handshakes(srv, 1, timeout=0.5) == [], "server completed a handshake")
        check(srv.running(), "server exited")
    finally:
        srv.stop()


def case_client_client_auth_ec(h: Harness, client: str, server_ident: str = "rsa"):
    """Our client presents an RSA (-c/-k) or ECDSA (-C/-K) identity to s_server -Verify 1."""
    e = h.ec
    i = e.ids[client]
    srv, port = ossl_server(h, [*ossl_id_args(e.ids[server_ident]), "-Verify", "1", "-CAfile", e.ca,
                                "-verify_return_error", "-tls1_2"])
    try:
        flags = ["-c", i.chain, "-k", i.key] if i.kind == "rsa" else ["-C", i.chain, "-E", i.key]
        hs, out = h.run_client(port, [*flags, "-x"], ca=e.ca)
        check(len(hs) == 1 and hs[0][1] in ECDHE_AEAD_IDS, f"handshake lines {fmt_hs(hs)}")
        check(b"Client certificate\nCertificate:" in out, "s_server page shows no client certificate")
        check(b"Subject: " in out and i.subject in out, f"s_server page does not name {i.subject!r}")
        check(f"Public-Key: ({i.bits} bit)".encode() in out, f"s_server page does not show a {i.bits}-bit key")
    finally:
        srv.stop()


# -- renegotiation ----------------------------------------------------------------------------


def case_server_openssl_peer_reneg(h: Harness, times: int = 1):
    """s_client renegotiates interactively ("R", RFC 5746) and then sends a request. Our server
    grants one renegotiation per session (ABI.md 7.8): a second "R" gets no_renegotiation."""
    e = h.ec
    srv, port = h.start_ec_server(["rsa", "p256"])
    p = Proc(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", e.ca, "-tls1_2",
              "-verify_return_error"], "openssl s_client", stdin=subprocess.PIPE)
    try:
        p.wait_for(rb"Verify return code: 0 \(ok\)", IO_TIMEOUT)
        check(b"Secure Renegotiation IS supported" in p.out, "s_client does not see RFC 5746 support")
        p.p.stdin.write(b"R\n")
        p.p.stdin.flush()
        p.wait_for(rb"RENEGOTIATING", IO_TIMEOUT, stream="err")
        rh = h.server_handshakes(srv, 1, timeout=IO_TIMEOUT, rx=REHANDSHAKE_RE)
        check(len(rh) == 1 and rh[0][1] == 0xC02B, f"server rehandshake lines {fmt_hs(rh)}")
        if times == 2:
            p.p.stdin.write(b"R\n")
            p.p.stdin.flush()
            p.wait_for(rb"no renegotiation", IO_TIMEOUT, stream="err")
            p.wait(IO_TIMEOUT)
            check(len(h.server_handshakes(srv, 2, timeout=0.5, rx=REHANDSHAKE_RE)) == 1,
                  "server renegotiated twice")
        else:
            p.p.stdin.write(http_request_get(5000))
            p.p.stdin.flush()
            p.wait_for(rb"HTTP/1.0 200 OK", IO_TIMEOUT)
            p.p.stdin.close()
            p.wait(IO_TIMEOUT)
            out = bytes(p.out)
            check_response_prefix(out[out.find(b"HTTP/1.0 200 OK"):], 5000)
            # The request was read after the renegotiation completed.
            so = bytes(srv.out)
            check(so.find(b"rehandshake version") < so.find(b"request /5000"),
                  f"server output order: {tail(so)}")
        check(srv.running(), "server exited")
    finally:
        p.stop()
        srv.stop()


def case_server_gnutls_rehandshake(h: Harness, safe: bool):
    """gnutls-cli --rehandshake: with RFC 5746 the rehandshake completes and data follows; with
    %DISABLE_SAFE_RENEGOTIATION (a peer without RFC 5746) the first handshake completes but our
    server refuses the renegotiation with handshake_failure."""
    e = h.ec
    srv, port = h.start_ec_server(["rsa", "p256"])
    try:
        prio = "NORMAL:-VERS-ALL:+VERS-TLS1.2" + ("" if safe else ":%DISABLE_SAFE_RENEGOTIATION")
        out = gnutls_client(h, port, SUITE_BY_ID[0xC02B], VERSION_BY_NAME["TLS1.2"], http_request_get(3000), False,
                            priority=prio, ca=e.ca, extra=["--rehandshake"], may_fail=not safe)
        hs = h.server_handshakes(srv, 1)
        check(len(hs) == 1 and hs[0][:2] == (0x0303, 0xC02B), f"server handshake lines {fmt_hs(hs)}")
        if safe:
            check(b"ReHandshake was completed" in out, f"gnutls-cli: {tail(out)}")
            rh = h.server_handshakes(srv, 1, rx=REHANDSHAKE_RE)
            check(len(rh) == 1 and rh[0][:2] == (0x0303, 0xC02B), f"server rehandshake lines {fmt_hs(rh)}")
            i = out.find(b"HTTP/1.0 200 OK")
            check(i >= 0, f"no HTTP response after the rehandshake: {tail(out)}")
            check_response_prefix(out[i:], 3000)
        else:
            check(b"safe renegotiation" not in out.lower(), "gnutls-cli still negotiated safe renegotiation")
            check(b"ReHandshake has failed" in out and b"Received alert [40]" in out,
                  f"expected the rehandshake to be refused with alert 40: {tail(out)}")
            check(h.server_handshakes(srv, 1, timeout=0.5, rx=REHANDSHAKE_RE) == [], "server renegotiated")
            check(b"HTTP/1.0 200 OK" not in out, "server answered after refusing")
        check(srv.running(), "server exited")
    finally:
        srv.stop()


def case_server_tlslite_reneg_declined(h: Harness):
    """tlslite-ng never renegotiates: it answers our HelloRequest (-R) with a no_renegotiation
    warning, after which our server answers the request with the current keys."""
    if not HAVE_TLSLITE:
        raise CaseSkip("tlslite-ng not installed (make deps)")
    srv, port = h.start_ec_server(["p256"], ["-R", "1"])
    suite, ver = SUITE_BY_ID[0xC02B], VERSION_BY_NAME["TLS1.2"]
    try:
        c, v, ident, _ = tlslite_connect(port, suite, ver)
        try:
            check((v, ident) == (ver.code, suite.ident), f"negotiated 0x{v:04x}/0x{ident:04x}")
            check_response(exchange(c.write, lambda m: bytes(c.read(m, 1)), http_request_get(2000)), 2000)
        finally:
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass
        srv.wait_for(rb"peer refused the renegotiation \(alert 100\)", 5)
        check(h.server_handshakes(srv, 1, timeout=0.2, rx=REHANDSHAKE_RE) == [], "a rehandshake was reported")
    finally:
        srv.stop()


def case_client_openssl_reneg_ec(h: Harness, full: int):
    """Our client renegotiates (-R) with s_server over ECDHE-ECDSA (RFC 5746)."""
    e = h.ec
    suite, ver = SUITE_BY_ID[0xC02B], VERSION_BY_NAME["TLS1.2"]
    srv, port = ossl_server(h, [*ossl_id_args(e.ids["p256"]), "-client_renegotiation", "-tls1_2",
                                "-cipher", suite.openssl])
    try:
        hs, out = h.run_client(port, ["-s", suite.hex, "-x", "-R", str(full)], ca=e.ca)
        expect_client_lines(hs, suite, ver, [0])
        rh = [(int(a, 16), int(b, 16), int(c)) for a, b, c in REHANDSHAKE_RE.findall(out)]
        check(rh == [(ver.code, suite.ident, 0 if full else 1)], f"rehandshake lines {fmt_hs(rh)}")
        check(re.search(rb"\b1 server renegotiates", out) is not None, "s_server did not count a renegotiation")
    finally:
        srv.stop()


# -- server_name ------------------------------------------------------------------------------


def case_client_openssl_sni(h: Harness, name: Optional[str]):
    """Our client's raw server_name extension (-S) against s_server -servername localhost: the
    matching name selects the second (P-384 ECDSA) identity and is acknowledged in the
    ServerHello; another name is refused (unrecognized_name, -servername_fatal); without -S
    the default RSA identity answers."""
    e = h.ec
    p384 = e.ids["p384"]
    srv, port = ossl_server(h, [*ossl_id_args(e.ids["rsa"]), "-servername", "localhost", "-cert2", p384.cert,
                                "-key2", p384.key, "-servername_fatal", "-tls1_2"])
    try:
        args = ["-x"] + (["-S", name] if name else [])
        if name == "localhost":
            hs, out = h.run_client(port, args, ca=e.ca)
            check(b"server extension type=0x0000 len=0" in out, "no server_name acknowledgement in the ServerHello")
            check(len(hs) == 1 and SUITE_BY_ID.get(hs[0][1], SUITES[0]).ecdsa,
                  f"negotiated {fmt_hs(hs)}: the SNI-selected ECDSA identity was not used")
        elif name:
            r = run([h.bindir / "client", "-h", "127.0.0.1", "-p", str(port), "-a", e.ca, "-t", "20", *args],
                    timeout=40)
            check(r.returncode == 1 and b"received fatal alert 112" in r.stdout,
                  f"expected unrecognized_name (112): {tail(r.stdout)}")
        else:
            hs, out = h.run_client(port, args, ca=e.ca)
            check(b"server extension type=0x0000" not in out, "server acknowledged an SNI we did not send")
            check(len(hs) == 1 and hs[0][1] == 0xC02F, f"negotiated {fmt_hs(hs)}, expected the RSA identity")
    finally:
        srv.stop()


def case_client_pyssl_sni(h: Harness):
    """Python's server sees exactly the host name our client put in the extension."""
    suite, ver = SUITE_BY_ID[0xC02F], VERSION_BY_NAME["TLS1.2"]
    srv = PyServer("pyssl", h.pki, suite, ver)
    names: list = []
    try:
        srv.ctx.sni_callback = lambda sock, name, ctx: names.append(name)
        hs, _ = h.run_client(srv.port, ["-S", "sni.test.example", "-g", "100"])
        expect_client_lines(hs, suite, ver, [0])
        check(names == ["sni.test.example"], f"server saw server names {names}")
    finally:
        srv.close()


def ec_server_matrix(quick: bool):
    """(identity names, suite, version, group, via -V) for our server against s_client: every
    ECDHE suite with each identity that can serve it (RSA, P-256, P-384) at TLS 1.2 and, for
    CBC-SHA, TLS 1.1/1.0 forced by s_client; then every suite with RSA and P-256 loaded
    together, lower versions capped by our -V. Groups rotate through X25519, P-256, P-384."""
    if quick:
        v = VERSION_BY_NAME
        g = GROUP_BY_NAME
        return [
            (["p256"], SUITE_BY_ID[0xC02B], v["TLS1.2"], g["X25519"], False),
            (["p384"], SUITE_BY_ID[0xCCA9], v["TLS1.2"], g["P-384"], False),
            (["rsa"], SUITE_BY_ID[0xC030], v["TLS1.2"], g["P-256"], False),
            (["rsa"], SUITE_BY_ID[0xC013], v["TLS1.1"], g["X25519"], False),
            (["rsa", "p256"], SUITE_BY_ID[0xC00A], v["TLS1.0"], g["P-256"], True),
            (["rsa", "p256"], SUITE_BY_ID[0xC028], v["TLS1.2"], g["P-384"], False),
        ]
    out = []
    k = 0
    for names in (["rsa"], ["p256"], ["p384"], ["rsa", "p256"]):
        curve = next((IDENT_CURVE[n] for n in names if n in IDENT_CURVE), None)
        for s in ECDHE_SUITES:
            if len(names) == 1 and s.ecdsa != (names[0] != "rsa"):
                continue
            for v in VERSIONS:
                if s.tls12_only and v.code != 0x0303:
                    continue
                # Next group in the rotation that can be forced with this certificate.
                while offered_groups(GROUPS[k % len(GROUPS)], s, curve) is None:
                    k += 1
                out.append((names, s, v, GROUPS[k % len(GROUPS)], len(names) > 1 and v.code != 0x0303))
                k += 1
    return out


def ec_client_matrix(quick: bool):
    """(identity, suite, version, group, via -V) for our client against s_server: every ECDHE
    suite with each identity; TLS 1.1 capped by our -V, TLS 1.0 forced by s_server."""
    if quick:
        v = VERSION_BY_NAME
        g = GROUP_BY_NAME
        return [
            ("p256", SUITE_BY_ID[0xC02C], v["TLS1.2"], g["P-256"], False),
            ("p384", SUITE_BY_ID[0xC023], v["TLS1.2"], g["X25519"], False),
            ("rsa", SUITE_BY_ID[0xCCA8], v["TLS1.2"], g["P-384"], False),
            ("p256", SUITE_BY_ID[0xC009], v["TLS1.1"], g["X25519"], True),
            ("rsa", SUITE_BY_ID[0xC014], v["TLS1.0"], g["P-256"], False),
        ]
    out = []
    k = 1
    for ident in ("rsa", "p256", "p384"):
        for s in ECDHE_SUITES:
            if s.ecdsa != (ident != "rsa"):
                continue
            for v in VERSIONS:
                if s.tls12_only and v.code != 0x0303:
                    continue
                out.append((ident, s, v, GROUPS[k % len(GROUPS)], v.code == 0x0302))
                k += 1
    return out


def add_ec_cases(add, quick: bool) -> None:
    """ECDHE suites, ECDSA identities, groups, defaults, negative cases, client authentication
    with both key types, renegotiation from every side, and SNI."""
    v, g, s = VERSION_BY_NAME, GROUP_BY_NAME, SUITE_BY_ID

    def tag(names, suite, ver, group, via_v=False):
        ids = "+".join(names) if isinstance(names, list) else names
        return f"{ids}/{ver.name}/{suite.hex}/{group.openssl}" + ("/-V" if via_v else "")

    for names, suite, ver, group, via_v in ec_server_matrix(quick):
        add(f"server/openssl/{tag(names, suite, ver, group, via_v)}", case_server_openssl_ec, names, suite, ver,
            group, via_v, needs="openssl")
    for ident, suite, ver, group, via_v in ec_client_matrix(quick):
        add(f"client/openssl/{tag(ident, suite, ver, group, via_v)}", case_client_openssl_ec, ident, suite, ver,
            group, via_v, needs="openssl")

    # Representative subsets for the other peers: (identity, suite, version, group).
    server_peers = {
        "gnutls": (case_server_gnutls_ec, "gnutls-cli", [
            ("p256", 0xC02B, "TLS1.2", "X25519"), ("p384", 0xC024, "TLS1.2", "P-384"),
            ("rsa", 0xCCA8, "TLS1.2", "P-256"), ("p256", 0xC009, "TLS1.0", "P-256"),
            ("rsa", 0xC014, "TLS1.1", "P-384")]),
        "pyssl": (case_server_pyssl_ec, "", [
            ("p384", 0xC02C, "TLS1.2", "P-384"), ("p256", 0xCCA9, "TLS1.2", "P-256"),
            ("rsa", 0xC027, "TLS1.2", "P-256"), ("p256", 0xC00A, "TLS1.1", "P-256"),
            ("rsa", 0xC013, "TLS1.0", "X25519")]),
        "tlslite": (case_server_tlslite_ec, "", [
            ("p256", 0xC023, "TLS1.2", "P-256"), ("rsa", 0xC030, "TLS1.2", "X25519"),
            ("p384", 0xC009, "TLS1.0", "P-384"), ("rsa", 0xCCA8, "TLS1.2", "P-384")]),
        "curl": (case_server_curl_ec, "curl", [
            ("p256", 0xC02B, "TLS1.2", "X25519"), ("rsa", 0xC028, "TLS1.2", "P-384"),
            ("p384", 0xC00A, "TLS1.1", "P-256")]),
    }
    for peer, (fn, needs, rows) in server_peers.items():
        for ident, sid, vn, gn in rows[:2] if quick else rows:
            add(f"server/{peer}/{tag([ident], s[sid], v[vn], g[gn])}", fn, [ident], s[sid], v[vn], g[gn], needs=needs)
    client_peers = {
        "gnutls": ([("p256", 0xC02C, "TLS1.2", "P-256"), ("rsa", 0xC02F, "TLS1.2", "X25519"),
                    ("p384", 0xC00A, "TLS1.0", "P-384"), ("p384", 0xCCA9, "TLS1.2", "X25519")]),
        "pyssl": ([("p256", 0xC024, "TLS1.2", "P-384"), ("rsa", 0xCCA8, "TLS1.2", "P-256"),
                   ("p384", 0xC009, "TLS1.1", "X25519")]),
        "tlslite": ([("p256", 0xC02B, "TLS1.2", "X25519"), ("rsa", 0xC014, "TLS1.0", "P-256"),
                     ("p384", 0xC02C, "TLS1.2", "P-384")]),
    }
    for peer, rows in client_peers.items():
        for ident, sid, vn, gn in rows[:2] if quick else rows:
            name = f"client/{peer}/{tag(ident, s[sid], v[vn], g[gn])}"
            if peer == "gnutls":
                add(name, case_client_gnutls_ec, ident, s[sid], v[vn], g[gn], needs="gnutls-serv")
            else:
                add(name, case_client_py_ec, peer, ident, s[sid], v[vn], g[gn])

    # Defaults and preferences.
    add("server/openssl/default-rsa", case_server_openssl_default, ["rsa"], False, needs="openssl")
    add("server/openssl/default-rsa+p256", case_server_openssl_default, ["rsa", "p256"], False, needs="openssl")
    add("server/openssl/default-rsa-tls1.2", case_server_openssl_default, ["rsa"], True, needs="openssl")
    add("server/openssl/default-rsa+p256-tls1.2", case_server_openssl_default, ["rsa", "p256"], True,
        needs="openssl")
    add("server/openssl/suite-preference", case_server_suite_preference, needs="openssl")
    add("server/openssl/group-preference-x25519", case_server_group_preference, "P-384:P-256:X25519", "X25519",
        needs="openssl")
    if not quick:
        add("server/openssl/group-preference-p256", case_server_group_preference, "P-384:P-256", "P-256",
            needs="openssl")
    add("server/openssl/ecdsa-cert-curve-not-offered-uses-rsa", case_server_cert_curve, needs="openssl")
    add("client/openssl/default-rsa", case_client_openssl_default, False, False, needs="openssl")
    add("client/openssl/default-rsa+p256", case_client_openssl_default, True, False, needs="openssl")
    add("client/openssl/default-rsa-tls1.2", case_client_openssl_default, False, True, needs="openssl")
    add("client/openssl/default-rsa+p256-tls1.2", case_client_openssl_default, True, True, needs="openssl")

    # A client sharing no group or no suite with us gets handshake_failure.
    only_ecdhe = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"
    add("server/openssl/no-shared-group-x448", case_server_refuses, ["rsa", "p256"],
        ["-tls1_2", "-groups", "X448", "-cipher", only_ecdhe], needs="openssl")
    add("server/openssl/no-shared-group-ffdhe2048", case_server_refuses, ["rsa", "p256"],
        ["-groups", "ffdhe2048", "-cipher", only_ecdhe], needs="openssl")
    add("server/openssl/no-shared-suite-ecdsa-only-client", case_server_refuses, ["rsa"],
        ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-SHA"], needs="openssl")
    if not quick:
        add("server/openssl/no-shared-suite-rsa-only-client", case_server_refuses, ["p256"],
            ["-tls1_2", "-cipher", "AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"], needs="openssl")
        add("server/openssl/ecdsa-cert-curve-not-offered-refused", case_server_refuses, ["p256"],
            ["-tls1_2", "-groups", "X25519:P-384", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], needs="openssl")

    # Client authentication with RSA and ECDSA client identities, both directions.
    for client in ("rsa-client", "p256") if quick else ("rsa-client", "p256", "p384"):
        add(f"server/openssl/client-auth-{client}", case_server_client_auth_ec, client, needs="openssl")
        add(f"client/openssl/client-auth-{client}", case_client_client_auth_ec, client, needs="openssl")
    add("server/openssl/client-auth-untrusted-ecdsa", case_server_client_auth_ec, "p256", False, needs="openssl")
    if not quick:
        add("client/openssl/client-auth-p256-to-ecdsa-server", case_client_client_auth_ec, "p256", "p384",
            needs="openssl")

    # Renegotiation started by the peer (RFC 5746 and without it) and by us.
    add("server/openssl/peer-reneg-R", case_server_openssl_peer_reneg, 1, needs="openssl")
    if not quick:
        add("server/openssl/peer-reneg-R-twice-no-credit", case_server_openssl_peer_reneg, 2, needs="openssl")
    add("server/gnutls/rehandshake", case_server_gnutls_rehandshake, True, needs="gnutls-cli")
    add("server/gnutls/rehandshake-without-rfc5746-refused", case_server_gnutls_rehandshake, False,
        needs="gnutls-cli")
    add("server/tlslite/reneg-declined-by-peer", case_server_tlslite_reneg_declined)
    for full in (1,) if quick else (0, 1):
        add(f"client/openssl/reneg-ecdsa-{'full' if full else 'resumed'}", case_client_openssl_reneg_ec, full,
            needs="openssl")

    # server_name.
    add("client/openssl/sni-localhost", case_client_openssl_sni, "localhost", needs="openssl")
    add("client/openssl/sni-mismatch-fatal", case_client_openssl_sni, "other.example", needs="openssl")
    if not quick:
        add("client/openssl/sni-absent", case_client_openssl_sni, None, needs="openssl")
    add("client/pyssl/sni", case_client_pyssl_sni)


# ---------------------------------------------------------------------------------------------
# Finite-field DHE, PSK, 3DES, PKCS#12 and encrypted PEM keys
#
# Peers and what they can do here (OpenSSL 3.0, GnuTLS 3.7, tlslite-ng 0.8):
# - OpenSSL: every DHE_RSA, PSK and DHE_PSK suite. This build has no 3DES suites at all (even
#   with @SECLEVEL=0), so its 3DES cases skip and GnuTLS/tlslite-ng cover 3DES. OpenSSL 3.0
#   refuses to *serve* DH groups under 1024 bits at any security level ("dh key too small"),
#   so weak groups come from gnutls-serv (%PROFILE_VERY_WEAK) and tlslite-ng, which also
#   reports the alert our client sends.
# - GnuTLS: DHE_RSA, 3DES, PSK and DHE_PSK except the PSK CBC-SHA256/384 suites. gnutls-cli
#   3.7 crashes (SIGSEGV) after every DHE-PSK handshake, against gnutls-serv too: that case
#   skips when it happens.
# - tlslite-ng: DHE_RSA and 3DES; its PSK support is TLS 1.3 only.

KEY_PASS = "interop-pass"  # password of the encrypted PEM keys made here
P12_PASS = "secret"  # password of the PKCS#12 fixtures (c-tests/make-test-pki.sh)
PSK_ID, PSK_KEY = "interop-client", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
# Several identities in one key container (-K/-I repeated); the clients pick one of them.
PSKS = [("alice", "a1" * 16), ("bob", "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"), ("carol", "c3" * 48)]
ALERT_NAMES = {20: "bad_record_mac", 40: "handshake_failure", 47: "illegal_parameter",
               71: "insufficient_security", 115: "unknown_psk_identity"}


def pem_der(path: Path) -> bytes:
    """The DER inside the first PEM block of a file (or the file itself if it is DER)."""
    raw = path.read_bytes()
    m = re.search(rb"-----BEGIN [^-]+-----\r?\n(.*?)-----END ", raw, re.S)
    return base64.b64decode(m.group(1)) if m else raw


def der_integers(der: bytes) -> list[int]:
    """The INTEGERs at the start of a DER SEQUENCE (PKCS#3 DHParameter: p, g; X9.42: p, g, q)."""

    def tlv(buf: bytes, i: int):
        check(i + 2 <= len(buf), "truncated DER")
        tag, n = buf[i], buf[i + 1]
        i += 2
        if n & 0x80:
            k = n & 0x7F
            n = int.from_bytes(buf[i : i + k], "big")
            i += k
        return tag, buf[i : i + n], i + n

    tag, seq, _ = tlv(der, 0)
    check(tag == 0x30, "not a DER SEQUENCE")
    out, i = [], 0
    while i < len(seq):
        tag, val, i = tlv(seq, i)
        if tag != 0x02:
            break
        out.append(int.from_bytes(val, "big"))
    return out


def dh_params_of(path: Path) -> tuple[int, int]:
    """(g, p) of a DH parameter file, as tlslite-ng's dhParams wants them."""
    ints = der_integers(pem_der(path))
    check(len(ints) >= 2, f"{path.name}: no p and g")
    return ints[1], ints[0]


def der_to_pem(der: bytes, label: str) -> bytes:
    b64 = base64.encodebytes(der).replace(b"\n", b"")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return b"-----BEGIN %s-----\n" % label.encode() + b"\n".join(lines) + b"\n-----END %s-----\n" % label.encode()


class DhPki:
    """DH parameters, PKCS#12 files and encrypted keys: the c-tests/make-test-pki.sh fixtures
    (the RSA chain server.pem <- inter.pem <- ca.pem, its key in several encodings, the .p12
    files, dh2048/dh512/dh-x942/dh-composite) plus what is made here with the openssl CLI."""

    def __init__(self, h: "Harness"):
        fx = h.ec.dir
        d = h.tmp / "dh"
        d.mkdir(exist_ok=True)
        self.fx, self.dir = fx, d
        self.ca = fx / "ca.pem"

        def ossl(*args, timeout: float = 60):
            r = run(["openssl", *args], timeout=timeout, cwd=d)
            check(r.returncode == 0, f"openssl {' '.join(map(str, args[:3]))} failed: {tail(r.stderr)}")

        ossl("genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe3072", "-out", "ffdhe3072.pem")
        ossl("dhparam", "-out", "dh1023.pem", "1023", timeout=120)  # a 1023-bit safe prime
        ossl("dhparam", "-dsaparam", "-out", "dh1024-dsa.pem", "1024")  # 1024-bit, not a safe prime
        (d / "dh-composite.pem").write_bytes(der_to_pem((fx / "dh-composite.der").read_bytes(), "DH PARAMETERS"))
        (d / "dh-trunc.pem").write_bytes(der_to_pem((fx / "dh-trunc.der").read_bytes(), "DH PARAMETERS"))
        key = fx / "server.key"
        pw = f"pass:{KEY_PASS}"
        # OpenSSL 3: `rsa -aes256` writes encrypted PKCS#8 (PBES2, PBKDF2-HMAC-SHA256, AES-256);
        # with -traditional the legacy "Proc-Type: 4,ENCRYPTED" + DEK-Info AES-256-CBC form.
        ossl("rsa", "-in", key, "-aes256", "-passout", pw, "-out", "key-rsa-aes256.pem")
        ossl("rsa", "-in", key, "-traditional", "-aes256", "-passout", pw, "-out", "key-rsa-trad-aes256.pem")
        ossl("pkcs8", "-topk8", "-v2", "aes256", "-in", key, "-passout", pw, "-out", "key-pkcs8-aes256.pem")
        # PKCS#12 with this OpenSSL's default algorithms (no -certpbe/-keypbe/-macalg).
        ossl("pkcs12", "-export", "-in", fx / "server.pem", "-inkey", key, "-certfile", fx / "inter.pem",
             "-passout", f"pass:{P12_PASS}", "-out", "server-default.p12")
        self.keys = {  # name -> (file, password)
            "rsa-aes256": (d / "key-rsa-aes256.pem", KEY_PASS),
            "rsa-traditional-aes256": (d / "key-rsa-trad-aes256.pem", KEY_PASS),
            "pkcs8-v2-aes256": (d / "key-pkcs8-aes256.pem", KEY_PASS),
            "legacy-des3": (fx / "server-legacy-enc.pem", P12_PASS),
            "pkcs8-des3": (fx / "server-pkcs8-enc.pem", P12_PASS),
        }
        self.p12 = {  # name -> (file, CA that verifies its chain)
            "legacy": (fx / "server-legacy.p12", fx / "ca.pem"),
            "3des": (fx / "server-3des.p12", fx / "ca.pem"),
            "aes": (fx / "server-aes.p12", fx / "ca.pem"),
            "default": (d / "server-default.p12", fx / "ca.pem"),
            "nomac": (fx / "server-nomac.p12", fx / "ca.pem"),
            "ec": (fx / "ec-server.p12", fx / "ec-ca.pem"),
        }


def dh_pki(h: "Harness") -> DhPki:
    """The DH/PKCS#12 fixtures, made on first use (a failure is remembered)."""
    cached = getattr(h, "_dh", None)
    if isinstance(cached, DhPki):
        return cached
    check(cached is None, str(cached))
    try:
        h._dh = DhPki(h)  # type: ignore[attr-defined]
    except CaseFailure as e:
        h._dh = f"DH test fixtures: {e}"  # type: ignore[attr-defined]
        raise CaseFailure(h._dh) from None  # type: ignore[attr-defined]
    return h._dh  # type: ignore[attr-defined]


def start_plain_server(h: "Harness", args) -> tuple[Proc, int]:
    """Our server with exactly `args` (no default identity)."""
    p = Proc([h.bindir / "server", "-p", "0", "-t", "20", *args], "server")
    m = p.wait_for(rb"listening on (\d+)", 15)
    return p, int(m.group(1))


def psk_server_args(psks) -> list:
    out: list = []
    for ident, key in psks:
        out += ["-K", key, "-I", ident]
    return out


def s_client(port: int, args, request: bytes = b"") -> subprocess.CompletedProcess:
    return run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-ign_eof", *args], input=request)


def skip_if_no_cipher(r: subprocess.CompletedProcess, suite: Suite) -> None:
    if b"no cipher match" in r.stderr:
        raise CaseSkip(f"this OpenSSL has no {suite.openssl} (3DES suites need enable-weak-ssl-ciphers)")


def check_ossl_new_session(out: bytes, suite: Suite, ver: Version, temp_key: Optional[bytes]) -> None:
    m = re.search(rb"New, [^,]+, Cipher is (\S+)", out)
    check(m is not None, f"no 'New,' session line: {tail(out[:600])}")
    check(m.group(1).decode() == suite.openssl, f"cipher {m.group(1).decode()} != {suite.openssl}")
    m = re.search(rb"Protocol *: (\S+)", out)
    check(m is not None and m.group(1).decode() == ver.proto, f"protocol {m and m.group(1)} != {ver.proto}")
    if temp_key is not None:
        m = re.search(rb"Server Temp Key: ([^\n]+)", out)
        check(m is not None and m.group(1).strip() == temp_key,
              f"Server Temp Key {m and m.group(1)!r}, expected {temp_key!r}")


def ossl_alert(text: bytes) -> Optional[int]:
    """The alert number OpenSSL reports having received ("SSL alert number N")."""
    m = re.search(rb"SSL alert number (\d+)", text)
    return int(m.group(1)) if m else None


def server_session_roundtrip(h: Harness, srv: Proc, port: int, suite: Suite, ver: Version, args,
                             temp_key: Optional[bytes], resume: bool = True, n: int = 20000) -> None:
    """s_client (`args` adds the suite-specific options) fetches /n, checks what it negotiated,
    then resumes; our server must report both handshakes."""
    sess = h.tmp / f"ossl-{port}.sess"
    base = [*args, ver.openssl_flag, "-cipher", f"{suite.openssl}:@SECLEVEL=0"]
    r = s_client(port, base + ["-sess_out", sess], http_request_get(n))
    skip_if_no_cipher(r, suite)
    out = r.stdout
    check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
    check_ossl_new_session(out, suite, ver, temp_key)
    i = out.find(b"HTTP/1.0 200 OK")
    check(i >= 0, f"no HTTP response in s_client output: {tail(r.stderr)}")
    check_response_prefix(out[i:], n)
    expected = [(ver.code, suite.ident, 0)]
    if resume:
        r2 = s_client(port, base + ["-sess_in", sess], http_request_get(100))
        check(r2.returncode == 0, f"s_client (resume) exit {r2.returncode}: {tail(r2.stderr)}")
        check(b"Reused, " in r2.stdout, "s_client did not report 'Reused' on the second connection")
        expected.append((ver.code, suite.ident, 1))
    h.expect_server_lines(srv, expected)


# -- our server against s_client ---------------------------------------------------------------


def case_server_openssl_dhe(h: Harness, suite: Suite, ver: Version, dh: Optional[str] = None, bits: int = 2048):
    """DHE_RSA (and 3DES) with the built-in ffdhe2048 group or `-D <file>`; s_client must
    report the group size as "Server Temp Key: DH, <bits> bits"."""
    extra: list = []
    if dh is not None:
        d = dh_pki(h)
        extra = ["-D", (d.fx / dh) if (d.fx / dh).exists() else (d.dir / dh)]
    srv, port = h.start_server(extra)
    try:
        args = ["-CAfile", h.pki.ca, "-verify_return_error", "-verify_ip", "127.0.0.1"]
        temp = f"DH, {bits} bits".encode() if suite.dhe else None
        server_session_roundtrip(h, srv, port, suite, ver, args, temp)
    finally:
        srv.stop()


def case_server_openssl_psk(h: Harness, suite: Suite, ver: Version, psks=None, use: int = 0,
                            with_cert: bool = False):
    """PSK/DHE_PSK: our server holds `psks` (and no certificate unless with_cert), s_client
    connects with -psk/-psk_identity of psks[use]."""
    psks = psks or [(PSK_ID, PSK_KEY)]
    extra = ["-c", h.pki.cert, "-k", h.pki.key] if with_cert else []
    srv, port = start_plain_server(h, extra + psk_server_args(psks))
    try:
        ident, key = psks[use]
        temp = b"DH, 2048 bits" if suite.dhe else None
        server_session_roundtrip(h, srv, port, suite, ver, ["-psk", key, "-psk_identity", ident], temp)
    finally:
        srv.stop()


def case_server_psk_refused(h: Harness, ident: str, key: str, alert: int):
    """A client PSK our server cannot use: an unknown identity gets unknown_psk_identity (115);
    a known identity with another key fails the Finished check, bad_record_mac (20)."""
    srv, port = start_plain_server(h, psk_server_args(PSKS))
    try:
        r = s_client(port, ["-psk", key, "-psk_identity", ident, "-tls1_2", "-cipher", "PSK-AES128-GCM-SHA256"],
                     http_request_get(10))
        both = r.stdout + r.stderr
        check(b"HTTP/1.0 200 OK" not in r.stdout, "s_client got an answer")
        got = ossl_alert(both)
        check(got == alert, f"s_client saw alert {got}, expected {alert} ({ALERT_NAMES[alert]}): {tail(r.stderr)}")
        check(h.server_handshakes(srv, 1, timeout=0.5) == [], "server completed a handshake")
        check(srv.running(), "server exited")
    finally:
        srv.stop()


def case_server_preference(h: Harness, extra, cipher: str, want: Suite, args=()):
    """Our server's order decides among the client's suites (s_client lists them weakest first)."""
    srv, port = h.start_server(extra)
    try:
        r = s_client(port, ["-CAfile", h.pki.ca, "-tls1_2", "-cipher", f"{cipher}:@SECLEVEL=0", *args],
                     http_request_get(10))
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        check(f"Cipher is {want.openssl}".encode() in r.stdout, f"cipher: {tail(r.stdout[:800])}")
        h.expect_server_lines(srv, [(0x0303, want.ident, 0)])
    finally:
        srv.stop()


# -- our client against s_server ---------------------------------------------------------------


def check_www_pages(out: bytes, suite: Suite, ver: Version, count: int = 2) -> None:
    """What s_server -www reports on its pages: a new session, then (count 2) a reused one."""
    check(out.count(b"HTTP/1.0 200 ok") == count, f"expected {count} s_server -www pages")
    name = re.escape(suite.openssl.encode())
    check(re.search(rb"New, [^,]+, Cipher is " + name + rb"\s", out) is not None,
          "s_server page 1 does not report a new session with the expected cipher")
    if count == 2:
        check(re.search(rb"Reused, [^,]+, Cipher is " + name + rb"\s", out) is not None,
              "s_server page 2 does not report the session as reused")
    protos = re.findall(rb"Protocol *: (\S+)", out)
    check(protos == [ver.proto.encode()] * count, f"s_server protocols {protos} != {ver.proto}")


def case_client_openssl_dhe(h: Harness, suite: Suite, ver: Version, dh: Optional[str] = "dh2048.pem"):
    """Our client (suite pinned) against s_server -dhparam <file> (None: OpenSSL's automatic
    group), with a resumed reconnection."""
    args = ["-cert", h.pki.cert, "-key", h.pki.key, ver.openssl_flag, "-cipher", f"{suite.openssl}:@SECLEVEL=0"]
    if dh is not None:
        d = dh_pki(h)
        args += ["-dhparam", (d.fx / dh) if (d.fx / dh).exists() else (d.dir / dh)]
    port = free_port()
    srv = Proc(["openssl", "s_server", "-accept", str(port), "-www", *args], "openssl s_server")
    try:
        try:
            srv.wait_for(rb"ACCEPT", 15)
        except CaseFailure:
            if b"no cipher match" in srv.err:
                raise CaseSkip(f"this OpenSSL has no {suite.openssl} "
                               "(3DES suites need enable-weak-ssl-ciphers)") from None
            raise
        hs, out = h.run_client(port, ["-s", suite.hex, "-x", "-r", "1"])
        expect_client_lines(hs, suite, ver, [0, 1])
        check_www_pages(out, suite, ver)
    finally:
        srv.stop()


def case_client_openssl_psk(h: Harness, suite: Suite, ver: Version):
    """Our client with only -K/-I (no CA, no certificate) against s_server -nocert -psk."""
    srv, port = ossl_server(h, ["-nocert", "-psk", PSK_KEY, "-psk_identity", PSK_ID, ver.openssl_flag,
                                "-cipher", f"{suite.openssl}:@SECLEVEL=0"])
    try:
        hs, out = h.run_client(port, ["-K", PSK_KEY, "-I", PSK_ID, "-s", suite.hex, "-x", "-r", "1"], with_ca=False)
        expect_client_lines(hs, suite, ver, [0, 1])
        check_www_pages(out, suite, ver)
    finally:
        srv.stop()


def case_client_openssl_psk_default(h: Harness):
    """Our client offering every suite it can (cipherSpec 0) with only a PSK: s_server accepting
    all PSK and DHE_PSK suites gets our first choice, TLS_DHE_PSK_WITH_AES_128_GCM_SHA256."""
    srv, port = ossl_server(h, ["-nocert", "-psk", PSK_KEY, "-psk_identity", PSK_ID,
                                "-cipher", "PSK:DHE-PSK:@SECLEVEL=0"])
    try:
        # The TLS 1.2 suite order (at its default, TLS 1.3, the PSK is an external PSK:
        # tls13/client/openssl/external-psk).
        hs, out = h.run_client(port, ["-K", PSK_KEY, "-I", PSK_ID, "-x", "-V", "0x0303"], with_ca=False)
        check(hs == [(0x0303, 0x00AA, 0)], f"negotiated {fmt_hs(hs)}, expected TLS 1.2 DHE_PSK AES-128-GCM")
        check(b"Cipher is DHE-PSK-AES128-GCM-SHA256" in out, "s_server page names another cipher")
    finally:
        srv.stop()


def case_client_openssl_psk_wrong_key(h: Harness):
    """Same identity, different key: s_server cannot decrypt our Finished (bad_record_mac)."""
    srv, port = ossl_server(h, ["-nocert", "-psk", PSK_KEY, "-psk_identity", PSK_ID, "-tls1_2",
                                "-cipher", "PSK-AES128-GCM-SHA256"])
    try:
        r = run([h.bindir / "client", "-h", "127.0.0.1", "-p", str(port), "-K", "00" + PSK_KEY[2:], "-I", PSK_ID,
                 "-t", "20", "-x"], timeout=40)
        check(r.returncode == 1 and b"received fatal alert 20" in r.stdout,
              f"expected bad_record_mac (20) from s_server: {tail(r.stdout)}")
    finally:
        srv.stop()


# -- weak or malformed DH from the server, bad public values to the server --------------------


def tlslite_dh_public_override(fn):
    """Makes tlslite-ng (in this process) send fn(p) as its DH public value."""
    from tlslite import keyexchange  # type: ignore

    class _Override:
        def __enter__(self):
            self.orig = keyexchange.FFDHKeyExchange.calc_public_value

            def patched(kex, private, point_format=None):  # noqa: ARG001
                return fn(kex.prime)

            keyexchange.FFDHKeyExchange.calc_public_value = patched
            return self

        def __exit__(self, *exc):
            keyexchange.FFDHKeyExchange.calc_public_value = self.orig
            return False

    return _Override()


PUBLIC_VALUES = {"0": lambda p: 0, "1": lambda p: 1, "p-1": lambda p: p - 1, "p": lambda p: p}


def case_client_dhe_refused(h: Harness, params: str, public: Optional[str], alerts: set):
    """A tlslite-ng DHE_RSA server sends a group our client must refuse (too small, composite)
    or a public value it must refuse (0, 1, p-1, p): our client sends one of `alerts`."""
    if not HAVE_TLSLITE:
        raise CaseSkip("tlslite-ng not installed (make deps)")
    d = dh_pki(h)
    path = (d.fx / params) if (d.fx / params).exists() else (d.dir / params)
    suite, ver = SUITE_BY_ID[0x009E], VERSION_BY_NAME["TLS1.2"]
    override = tlslite_dh_public_override(PUBLIC_VALUES[public]) if public else None
    srv = PyServer("tlslite", h.pki, suite, ver, dh_params=dh_params_of(path))
    try:
        if override:
            override.__enter__()
        r = run([h.bindir / "client", "-h", "127.0.0.1", "-p", str(srv.port), "-a", h.pki.ca, "-t", "20",
                 "-s", suite.hex, "-g", "10"], timeout=40)
        check(r.returncode == 1 and b"RESULT FAIL" in r.stdout, f"client accepted: {tail(r.stdout)}")
        check(HANDSHAKE_RE.search(r.stdout) is None, "client reported a completed handshake")
        deadline = time.monotonic() + 5
        while not srv.errors and time.monotonic() < deadline:
            time.sleep(0.05)
        names = {ALERT_NAMES[a] for a in alerts}
        got = " ".join(srv.errors)
        check(any(f"TLSRemoteAlert: {n}" in got for n in names),
              f"tlslite-ng server saw {srv.errors}, expected an alert in {sorted(names)}")
    finally:
        if override:
            override.__exit__(None, None, None)
        srv.close()


def case_client_gnutls_weak_dh(h: Harness, params: str):
    """gnutls-serv serving a weak group (%PROFILE_VERY_WEAK): our client refuses it."""
    d = dh_pki(h)
    path = (d.fx / params) if (d.fx / params).exists() else (d.dir / params)
    port = free_port()
    srv = Proc(["gnutls-serv", "--http", "-p", str(port), "--x509certfile", h.pki.cert, "--x509keyfile", h.pki.key,
                "--dhparams", path, "--priority",
                "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+DHE-RSA:%PROFILE_VERY_WEAK", "-a"], "gnutls-serv")
    try:
        wait_port(port, 15, srv)
        r = run([h.bindir / "client", "-h", "127.0.0.1", "-p", str(port), "-a", h.pki.ca, "-t", "20", "-g", "10"],
                timeout=40)
        check(r.returncode == 1 and b"library closed the connection after sending an alert" in r.stdout,
              f"expected our client to refuse with an alert: {tail(r.stdout)}")
        check(HANDSHAKE_RE.search(r.stdout) is None, "client reported a completed handshake")
    finally:
        srv.stop()


def case_server_dhe_bad_client_public(h: Harness, public: str):
    """A tlslite-ng client sends a DH public value of 0, 1, p-1 or p: our server answers
    illegal_parameter (47) and completes no handshake."""
    if not HAVE_TLSLITE:
        raise CaseSkip("tlslite-ng not installed (make deps)")
    from tlslite.errors import TLSRemoteAlert  # type: ignore

    srv, port = h.start_server()
    try:
        suite, ver = SUITE_BY_ID[0x009E], VERSION_BY_NAME["TLS1.2"]
        with tlslite_dh_public_override(PUBLIC_VALUES[public]):
            try:
                c, _, _, _ = tlslite_connect(port, suite, ver)
                c.close()
                raise CaseFailure("the handshake completed")
            except TLSRemoteAlert as e:
                check(str(e) == "illegal_parameter", f"tlslite-ng got alert {e}, expected illegal_parameter")
        check(h.server_handshakes(srv, 1, timeout=0.5) == [], "server completed a handshake")
        check(srv.running(), "server exited")
    finally:
        srv.stop()


def case_server_dh_load_rejected(h: Harness, params: str, code: int):
    """-D with unusable parameters: matrixSslLoadDhParams fails with the documented code and the
    server does not start (-10 under 1024 bits or composite p, -31 malformed, -7 no file)."""
    d = dh_pki(h)
    path = (d.fx / params) if (d.fx / params).exists() else (d.dir / params)
    r = run([h.bindir / "server", "-p", "0", "-c", h.pki.cert, "-k", h.pki.key, "-D", path, "-n", "1"], timeout=20)
    check(r.returncode == 1, f"server exit {r.returncode}: {tail(r.stdout)} {tail(r.stderr)}")
    m = re.search(rb"matrixSslLoadDhParams failed: (-?\d+)", r.stderr)
    check(m is not None and int(m.group(1)) == code,
          f"expected matrixSslLoadDhParams to return {code}: {tail(r.stderr)}")
    check(b"listening on" not in r.stdout, "server started anyway")


# -- GnuTLS and tlslite-ng ---------------------------------------------------------------------


def gnutls_kx_priority(suite: Suite, ver: Version) -> str:
    return (f"NORMAL:-VERS-ALL:+{ver.gnutls}:-CIPHER-ALL:+{suite.gnutls_cipher}:-MAC-ALL:+{suite.gnutls_mac}:"
            f"-KX-ALL:+{suite.kx}")


def case_server_gnutls_kx(h: Harness, suite: Suite, ver: Version, n: int = 20000, dh: Optional[str] = None,
                          group: bytes = b"DHE-FFDHE2048"):
    """gnutls-cli against our server for DHE_RSA, 3DES, PSK and DHE_PSK suites, resuming.
    gnutls-cli names the DH group it got: DHE-FFDHE2048 for the built-in RFC 7919 group,
    DHE-CUSTOM<bits> for anything else. It offers the RFC 7919 groups, so a -D file is used
    only when it holds one of them (RFC 7919 §4)."""
    psk = suite.psk
    extra_srv: list = []
    if dh is not None:
        d = dh_pki(h)
        extra_srv = ["-D", (d.fx / dh) if (d.fx / dh).exists() else (d.dir / dh)]
    srv, port = start_plain_server(h, (psk_server_args([(PSK_ID, PSK_KEY)]) if psk else
                                       ["-c", h.pki.cert, "-k", h.pki.key]) + extra_srv)
    try:
        extra = ["--pskusername", PSK_ID, "--pskkey", PSK_KEY] if psk else []
        rcs: list = []
        out = gnutls_client(h, port, suite, ver, http_request_get(n), True, priority=gnutls_kx_priority(suite, ver),
                            extra=extra, may_fail=True, rc_box=rcs)
        if rcs and rcs[0] == -signal.SIGSEGV and suite.kx == "DHE-PSK":
            raise CaseSkip("gnutls-cli crashed (SIGSEGV) after the DHE-PSK handshake (GnuTLS 3.7 bug, "
                           "also against gnutls-serv)")
        check(b"Handshake was completed" in out, f"no completed handshake: {tail(out)}")
        check(b"This is a resumed session" in out, f"gnutls-cli did not resume: {tail(out)}")
        if suite.dhe and suite.kx == "DHE-RSA":
            check(b"(" + group + b")" in out, f"gnutls-cli does not report {group.decode()}: {tail(out)}")
        i = out.find(b"HTTP/1.0 200 OK")
        check(i >= 0, f"no HTTP response in gnutls-cli output: {tail(out)}")
        check_response_prefix(out[i:], n)
        h.expect_server_lines(srv, [(ver.code, suite.ident, 0), (ver.code, suite.ident, 1)])
    finally:
        srv.stop()


def case_client_gnutls_kx(h: Harness, suite: Suite, ver: Version, n: int = 20000):
    """Our client against gnutls-serv for DHE_RSA, 3DES, PSK (--pskpasswd) and DHE_PSK suites."""
    port = free_port()
    data = h.tmp / f"gnutls-data-{n}.bin"
    if not data.exists():
        data.write_bytes(body(0, n))
    if suite.psk:
        pw = h.tmp / "gnutls-psk.txt"
        pw.write_text(f"{PSK_ID}:{PSK_KEY}\n")
        ident = ["--pskpasswd", pw]
        client = ["-K", PSK_KEY, "-I", PSK_ID]
    else:
        ident = ["--x509certfile", h.pki.cert, "--x509keyfile", h.pki.key]
        client = []
    srv = Proc(["gnutls-serv", "--http", "-p", str(port), *ident, "--priority", gnutls_kx_priority(suite, ver),
                "--httpdata", data, "-a"], "gnutls-serv")
    try:
        wait_port(port, 15, srv)
        hs, _ = h.run_client(port, [*client, "-s", suite.hex, "-g", str(n), "-r", "1"], with_ca=not suite.psk)
        expect_client_lines(hs, suite, ver, [0, 1])
    finally:
        srv.stop()


# -- identities from PKCS#12 and encrypted PEM keys --------------------------------------------


def case_server_identity(h: Harness, kind: str, name: str):
    """Our server loads its identity from a PKCS#12 file (-p12/-W) or an encrypted PEM key
    (-c/-k/-P); s_client verifies the chain it sends (leaf and intermediate) and gets a page."""
    d = dh_pki(h)
    if kind == "p12":
        p12, ca = d.p12[name]
        args = ["-p12", p12, "-W", P12_PASS]
    else:
        key, pw = d.keys[name]
        args, ca = ["-c", d.fx / "server-chain.pem", "-k", key, "-P", pw], d.ca
    srv, port = start_plain_server(h, args)
    try:
        r = s_client(port, ["-CAfile", ca, "-verify_return_error", "-verify_ip", "127.0.0.1", "-tls1_2"],
                     http_request_get(1000))
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        check(b"Verify return code: 0 (ok)" in r.stdout, "chain not verified by s_client")
        check(re.search(rb"(?m)^ 1 s:.*Intermediate CA", r.stdout) is not None,
              f"the intermediate certificate was not sent: {tail(r.stdout[:1200])}")
        i = r.stdout.find(b"HTTP/1.0 200 OK")
        check(i >= 0, "no HTTP response")
        check_response_prefix(r.stdout[i:], 1000)
        check(len(h.server_handshakes(srv, 1)) == 1, "server reported no handshake")
    finally:
        srv.stop()


def case_server_identity_rejected(h: Harness, args_fn, what: str, code: int):
    """A wrong or missing password: the loader fails with the documented code, no server."""
    d = dh_pki(h)
    r = run([h.bindir / "server", "-p", "0", *args_fn(d), "-n", "1"], timeout=20)
    check(r.returncode == 1, f"server exit {r.returncode}: {tail(r.stdout)} {tail(r.stderr)}")
    m = re.search(rb"" + re.escape(what.encode()) + rb" failed: (-?\d+)", r.stderr)
    check(m is not None and int(m.group(1)) == code, f"expected {what} to return {code}: {tail(r.stderr)}")


def case_client_p12_client_auth(h: Harness):
    """Our client presents the identity of a PKCS#12 file (-p12/-W) to s_server -Verify 1."""
    d = dh_pki(h)
    srv, port = ossl_server(h, ["-cert", h.pki.cert, "-key", h.pki.key, "-Verify", "1", "-CAfile", d.ca,
                                "-verify_return_error", "-tls1_2"])
    try:
        hs, out = h.run_client(port, ["-p12", d.p12["aes"][0], "-W", P12_PASS, "-x"])
        check(len(hs) == 1, f"handshake lines {fmt_hs(hs)}")
        check(b"Client certificate\nCertificate:" in out, "s_server page shows no client certificate")
        check(b"Subject: C=US, ST=California, O=matrixssl-rs tests, CN=localhost" in out,
              "s_server page does not show the p12 subject")
    finally:
        srv.stop()


# -- our two programs --------------------------------------------------------------------------


def case_ours_psk_only(h: Harness, suite_hex: str, which: int):
    """Our server and client with PSKs only (no certificate or CA on either side); the client
    uses identity `which` of the server's list."""
    srv, port = start_plain_server(h, psk_server_args(PSKS))
    try:
        ident, key = PSKS[which]
        args = ["-K", key, "-I", ident, "-g", "70000", "-r", "1"] + (["-s", suite_hex] if suite_hex else [])
        hs, _ = h.run_client(port, args, with_ca=False)
        check(len(hs) == 2 and hs[1][2] == 1, f"handshake lines {fmt_hs(hs)}")
        if suite_hex:
            check(SUITE_BY_ID[hs[0][1]].psk, f"negotiated non-PSK suite 0x{hs[0][1]:04x}")
        else:
            # The default is TLS 1.3: the PSK as an external PSK (D26), resumed by ticket.
            check(hs[0][0] == 0x0304 and hs[0][1] in (0x1301, 0x1302, 0x1303),
                  f"default PSK-only handshake {fmt_hs(hs[:1])}, expected TLS 1.3")
        if suite_hex:
            check(hs[0][1] == int(suite_hex, 16), f"negotiated 0x{hs[0][1]:04x}")
        h.expect_server_lines(srv, hs)
    finally:
        srv.stop()


def case_ours_psk_unknown(h: Harness):
    """Our client's identity is not in our server's list: the client reports alert 115."""
    srv, port = start_plain_server(h, psk_server_args(PSKS))
    try:
        r = run([h.bindir / "client", "-h", "127.0.0.1", "-p", str(port), "-K", PSK_KEY, "-I", "mallory",
                 "-t", "20", "-g", "10"], timeout=40)
        check(r.returncode == 1 and b"received fatal alert 115" in r.stdout,
              f"expected unknown_psk_identity (115): {tail(r.stdout)}")
    finally:
        srv.stop()


def dhe_server_matrix(quick: bool):
    """(suite, version) for DHE_RSA against s_client: every suite at TLS 1.2, CBC-SHA also at
    TLS 1.1/1.0."""
    v, s = VERSION_BY_NAME, SUITE_BY_ID
    if quick:
        return [(s[0x009E], v["TLS1.2"]), (s[0xCCAA], v["TLS1.2"]), (s[0x006B], v["TLS1.2"]),
                (s[0x0033], v["TLS1.0"])]
    return [(x, ver) for x in DHE_SUITES for ver in VERSIONS if ver.code == 0x0303 or not x.tls12_only]


def psk_matrix(quick: bool):
    v, s = VERSION_BY_NAME, SUITE_BY_ID
    if quick:
        return [(s[0x008C], v["TLS1.2"]), (s[0x00A9], v["TLS1.2"]), (s[0x00AF], v["TLS1.2"]),
                (s[0x00AA], v["TLS1.2"]), (s[0x0091], v["TLS1.1"]), (s[0x00AE], v["TLS1.0"]),
                (s[0x00B3], v["TLS1.1"])]
    return [(x, ver) for x in PSK_SUITES for ver in VERSIONS if ver.code == 0x0303 or not x.tls12_only]


def add_dhe_psk_cases(add, quick: bool) -> None:
    """Finite-field DHE, PSK/DHE_PSK, 3DES, DH parameters, PKCS#12 and encrypted keys."""
    v, s = VERSION_BY_NAME, SUITE_BY_ID
    t12, t11, t10 = v["TLS1.2"], v["TLS1.1"], v["TLS1.0"]

    # DHE_RSA, our server: built-in ffdhe2048, -D dh2048.pem (the same group from a file),
    # -D ffdhe3072 (a group that shows the file is used) and -D X9.42 parameters.
    for suite, ver in dhe_server_matrix(quick):
        tag = f"{ver.name}/{suite.hex}"
        add(f"server/openssl/dhe/{tag}/builtin", case_server_openssl_dhe, suite, ver, needs="openssl")
        add(f"server/openssl/dhe/{tag}/D-dh2048", case_server_openssl_dhe, suite, ver, "dh2048.pem",
            needs="openssl")
    add("server/openssl/dhe/TLS1.2/0x009F/D-ffdhe3072", case_server_openssl_dhe, s[0x009F], t12, "ffdhe3072.pem",
        3072, needs="openssl")
    add("server/openssl/dhe/TLS1.2/0x009E/D-x942", case_server_openssl_dhe, s[0x009E], t12, "dh-x942.pem",
        needs="openssl")
    for suite in TDES_SUITES:  # skipped where OpenSSL has no 3DES
        add(f"server/openssl/3des/TLS1.2/{suite.hex}", case_server_openssl_dhe, suite, t12, needs="openssl")
    add("server/openssl/dhe-preferred-over-rsa", case_server_preference, [],
        "AES128-SHA:AES256-GCM-SHA384:DHE-RSA-AES128-SHA", s[0x0033], needs="openssl")

    # DHE_RSA, our client against s_server -dhparam (and OpenSSL's automatic group).
    for suite, ver in dhe_server_matrix(quick):
        add(f"client/openssl/dhe/{ver.name}/{suite.hex}", case_client_openssl_dhe, suite, ver, needs="openssl")
    add("client/openssl/dhe/TLS1.2/0x009F/auto-group", case_client_openssl_dhe, s[0x009F], t12, None,
        needs="openssl")
    add("client/openssl/dhe/TLS1.2/0x009E/1024-bit-accepted", case_client_openssl_dhe, s[0x009E], t12,
        "dh1024-dsa.pem", needs="openssl")
    if not quick:
        add("client/openssl/dhe/TLS1.2/0xCCAA/ffdhe3072", case_client_openssl_dhe, s[0xCCAA], t12,
            "ffdhe3072.pem", needs="openssl")
        for suite in TDES_SUITES:
            add(f"client/openssl/3des/TLS1.2/{suite.hex}", case_client_openssl_dhe, suite, t12, needs="openssl")

    # Groups and public values our client must refuse (tlslite-ng reports the alert we send;
    # RFC 5246 names insufficient_security or handshake_failure for a too-weak group).
    weak = {71, 40}
    add("client/tlslite/dhe-refused/512-bit", case_client_dhe_refused, "dh512.pem", None, weak)
    add("client/tlslite/dhe-refused/1023-bit", case_client_dhe_refused, "dh1023.pem", None, weak)
    add("client/tlslite/dhe-refused/composite-p", case_client_dhe_refused, "dh-composite.der", None, {47, 40})
    for pub in ("0", "1", "p-1") if quick else ("0", "1", "p-1", "p"):
        add(f"client/tlslite/dhe-refused/Ys={pub}", case_client_dhe_refused, "dh2048.pem", pub, {47})
        add(f"server/tlslite/dhe-refused/Yc={pub}", case_server_dhe_bad_client_public, pub)
    if not quick:
        add("client/gnutls/dhe-refused/512-bit", case_client_gnutls_weak_dh, "dh512.pem", needs="gnutls-serv")
        add("client/gnutls/dhe-refused/1023-bit", case_client_gnutls_weak_dh, "dh1023.pem", needs="gnutls-serv")
    for params, code in (("dh512.pem", -10), ("dh-composite.pem", -10), ("dh-trunc.pem", -31), ("ca.pem", -31),
                         ("no-such-file.pem", -7)):
        if quick and params not in ("dh512.pem", "dh-composite.pem"):
            continue
        add(f"server/dh-load-rejected/{params}", case_server_dh_load_rejected, params, code)

    # PSK and DHE_PSK, both directions against OpenSSL.
    for suite, ver in psk_matrix(quick):
        tag = f"{ver.name}/{suite.hex}"
        add(f"server/openssl/psk/{tag}", case_server_openssl_psk, suite, ver, needs="openssl")
        add(f"client/openssl/psk/{tag}", case_client_openssl_psk, suite, ver, needs="openssl")
    add("server/openssl/psk/several-ids-second", case_server_openssl_psk, s[0x00A8], t12, PSKS, 1, needs="openssl")
    add("server/openssl/psk/several-ids-third-dhe", case_server_openssl_psk, s[0x0091], t12, PSKS, 2,
        needs="openssl")
    add("server/openssl/psk/with-certificate-too", case_server_openssl_psk, s[0x00AB], t12, PSKS, 0, True,
        needs="openssl")
    add("server/openssl/psk/unknown-identity-115", case_server_psk_refused, "mallory", PSK_KEY, 115,
        needs="openssl")
    add("server/openssl/psk/wrong-key-20", case_server_psk_refused, "bob", PSKS[0][1], 20, needs="openssl")
    add("client/openssl/psk/default-offer", case_client_openssl_psk_default, needs="openssl")
    add("client/openssl/psk/wrong-key-20", case_client_openssl_psk_wrong_key, needs="openssl")
    add("ours/psk-only/default", case_ours_psk_only, "", 1)
    add("ours/psk-only/0x0090-third-id", case_ours_psk_only, "0x0090", 2)
    add("ours/psk-unknown-identity-115", case_ours_psk_unknown)

    # GnuTLS: DHE_RSA, 3DES, PSK, DHE_PSK (no PSK CBC-SHA256/384 there).
    server_rows = [(0x009E, t12), (0xCCAA, t12), (0x0039, t10), (0x0016, t11), (0x000A, t12), (0x0016, t12),
                   (0x000A, t10), (0x008C, t12), (0x008D, t11), (0x00A8, t12), (0x00A9, t12), (0x00AA, t12)]
    client_rows = [(0x009F, t12), (0x0067, t12), (0x0033, t11), (0x0016, t12), (0x000A, t11), (0x0016, t10),
                   (0x008C, t12), (0x00A9, t12), (0x0090, t12), (0x0091, t10), (0x00AA, t12), (0x00AB, t12)]
    if quick:
        server_rows = [(0x009E, t12), (0x0016, t11), (0x000A, t12), (0x00A8, t12)]
        client_rows = [(0x009F, t12), (0x000A, t11), (0x00A9, t12), (0x00AB, t12)]
    for sid, ver in server_rows:
        add(f"server/gnutls/{ver.name}/{s[sid].hex}", case_server_gnutls_kx, s[sid], ver, needs="gnutls-cli")
    for sid, ver in client_rows:
        add(f"client/gnutls/{ver.name}/{s[sid].hex}", case_client_gnutls_kx, s[sid], ver, needs="gnutls-serv")
    add("server/gnutls/3des-last-in-preference", case_server_gnutls_3des_last, needs="gnutls-cli")
    # gnutls-cli names the RFC 7919 groups in supported_groups, so the server must use one of
    # them (RFC 7919 §4), not the loaded X9.42 parameters (server/openssl/dhe/.../D-x942 shows
    # those in use with a client that names no FFDHE group).
    add("server/gnutls/TLS1.2/0x009E/D-x942", case_server_gnutls_kx, s[0x009E], t12, 20000, "dh-x942.pem",
        b"DHE-FFDHE2048", needs="gnutls-cli")
    if not quick:
        add("server/gnutls/TLS1.2/0x0067/D-dh2048", case_server_gnutls_kx, s[0x0067], t12, 20000, "dh2048.pem",
            needs="gnutls-cli")
        add("server/gnutls/TLS1.2/0x0016/D-ffdhe3072", case_server_gnutls_kx, s[0x0016], t12, 20000,
            "ffdhe3072.pem", b"DHE-FFDHE3072", needs="gnutls-cli")

    # tlslite-ng: DHE_RSA and 3DES in both directions; Python ssl and curl as extra clients.
    tl_server = [(0x009E, t12), (0x0067, t12), (0x0033, t10), (0x0016, t12), (0x000A, t11), (0xCCAA, t12)]
    tl_client = [(0x009F, t12), (0x006B, t12), (0x0039, t11), (0x0016, t10), (0x000A, t12)]
    for sid, ver in tl_server[:3] if quick else tl_server:
        add(f"server/tlslite/{ver.name}/{s[sid].hex}", case_server_tlslite, s[sid], ver, get=5000)
    for sid, ver in tl_client[:3] if quick else tl_client:
        add(f"client/tlslite/{ver.name}/{s[sid].hex}", case_client_py, "tlslite", s[sid], ver, n=5000)
    if not quick:
        for sid, ver in ((0x009F, t12), (0x0039, t10), (0xCCAA, t12)):
            add(f"server/pyssl/{ver.name}/{s[sid].hex}", case_server_pyssl, s[sid], ver)
        add(f"server/curl/TLS1.2/{s[0x009E].hex}", case_server_curl, s[0x009E], t12, needs="curl")

    # Identities from PKCS#12 files and encrypted PEM keys (-P is the privPass argument).
    for name in ("legacy", "3des", "aes", "default") if quick else ("legacy", "3des", "aes", "default", "nomac", "ec"):
        add(f"server/openssl/identity/p12-{name}", case_server_identity, "p12", name, needs="openssl")
    for name in ("rsa-aes256", "pkcs8-v2-aes256", "rsa-traditional-aes256") if quick else \
            ("rsa-aes256", "pkcs8-v2-aes256", "rsa-traditional-aes256", "legacy-des3", "pkcs8-des3"):
        add(f"server/openssl/identity/pem-{name}", case_server_identity, "pem", name, needs="openssl")
    add("server/identity-rejected/p12-wrong-password", case_server_identity_rejected,
        lambda d: ["-p12", d.p12["aes"][0], "-W", "wrong"], "matrixSslLoadPkcs12", -31)
    add("server/identity-rejected/pem-wrong-password", case_server_identity_rejected,
        lambda d: ["-c", d.fx / "server-chain.pem", "-k", d.keys["pkcs8-v2-aes256"][0], "-P", "wrong"],
        "matrixSslLoadRsaKeys", -1)
    if not quick:
        add("server/identity-rejected/pem-legacy-no-password", case_server_identity_rejected,
            lambda d: ["-c", d.fx / "server-chain.pem", "-k", d.keys["rsa-traditional-aes256"][0]],
            "matrixSslLoadRsaKeys", -6)
        add("server/identity-rejected/pkcs8-no-password", case_server_identity_rejected,
            lambda d: ["-c", d.fx / "server-chain.pem", "-k", d.keys["pkcs8-v2-aes256"][0]],
            "matrixSslLoadRsaKeys", -1)
    add("client/openssl/client-auth-p12", case_client_p12_client_auth, needs="openssl")


def case_server_gnutls_3des_last(h: Harness):
    """3DES is our last choice: a client listing 3DES first still gets AES (RSA key exchange
    and DHE_RSA both offered)."""
    srv, port = h.start_server()
    try:
        prio = ("NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+3DES-CBC:+AES-128-CBC:-MAC-ALL:+SHA1:"
                "-KX-ALL:+RSA:+DHE-RSA")
        out = gnutls_client(h, port, SUITE_BY_ID[0x002F], VERSION_BY_NAME["TLS1.2"], http_request_get(10), False,
                            priority=prio)
        check(b"(AES-128-CBC)" in out, f"gnutls-cli did not negotiate AES-128-CBC: {tail(out)}")
        hs = h.server_handshakes(srv, 1)
        check(hs == [(0x0303, 0x0033, 0)], f"server negotiated {fmt_hs(hs)}, expected DHE_RSA AES-128-CBC")
    finally:
        srv.stop()


# ---------------------------------------------------------------------------------------------
# DHE_DSS: our client against servers with DSA certificates (feature dss-suites)


NO_DSS = "the library was built without feature dss-suites (cargo build --release --features " \
         "dss-suites, then run with --lib target/release)"


def dss_fixture(h: Harness, name: str) -> Path:
    """A DSA fixture from c-tests/make-test-pki.sh (dsa-server, dsa1024-server, ...)."""
    f = h.ec.dir / name
    check(f.is_file(), f"missing fixture {f}")
    return f


def run_dss_client(h: Harness, port: int, args, ca: Optional[Path] = None):
    """Our client; a library without the DHE_DSS suites refuses `-s` with -10
    (PS_UNSUPPORTED_FAIL) or, offering its defaults, never gets a DSS suite: skip then."""
    r = run([h.bindir / "client", "-h", "127.0.0.1", "-p", str(port), "-a", ca or h.ec.dir / "ca.pem",
             "-t", "30", *args], timeout=60)
    if b"matrixSslNewClientSession returned -10" in r.stdout:
        raise CaseSkip(NO_DSS)
    return r


def dss_server_args(h: Harness, leaf: str, ver: Optional[Version], cipher: str) -> list:
    chain = [] if leaf == "dsa-signed-server" else ["-cert_chain", dss_fixture(h, "inter.pem")]
    return ["-cert", dss_fixture(h, f"{leaf}.pem"), "-key", dss_fixture(h, f"{leaf}.key"), *chain,
            *([ver.openssl_flag] if ver else []), "-cipher", f"{cipher}:@SECLEVEL=0"]


def case_client_openssl_dss(h: Harness, suite: Suite, ver: Version, leaf: str = "dsa-server", extra=()):
    """Our client (suite pinned) against s_server with a DSA certificate (leaf signed by the
    RSA intermediate): the ServerKeyExchange carries a DSA signature, checked by our client;
    a resumed reconnection follows."""
    srv, port = ossl_server(h, [*dss_server_args(h, leaf, ver, suite.openssl), *extra])
    try:
        r = run_dss_client(h, port, ["-s", suite.hex, "-x", "-r", "1"])
        check(r.returncode == 0 and b"RESULT OK" in r.stdout, f"client exit {r.returncode}: {tail(r.stdout[-400:])}")
        hs = [(int(a, 16), int(b, 16), int(c)) for a, b, c in HANDSHAKE_RE.findall(r.stdout)]
        expect_client_lines(hs, suite, ver, [0, 1])
        check_www_pages(r.stdout, suite, ver)
    finally:
        srv.stop()


def case_client_openssl_dss_default(h: Harness):
    """Our default offer (cipherSpec 0) to a server that has only a DSA certificate: the first
    DHE_DSS suite of our list at TLS 1.2, which needs dsa_sha256/dsa_sha1 in our
    signature_algorithms (OpenSSL does not sign with a scheme the client did not list)."""
    srv, port = ossl_server(h, dss_server_args(h, "dsa-server", None, "aDSS"))
    try:
        r = run_dss_client(h, port, ["-x"])
        if r.returncode != 0:
            run_dss_client(h, port, ["-s", "0x0032", "-g", "1"])  # skips if the library lacks DSS
        check(r.returncode == 0 and b"RESULT OK" in r.stdout, f"client exit {r.returncode}: {tail(r.stdout[-400:])}")
        hs = [(int(a, 16), int(b, 16), int(c)) for a, b, c in HANDSHAKE_RE.findall(r.stdout)]
        check(hs == [(0x0303, 0x00A2, 0)], f"negotiated {fmt_hs(hs)}, expected TLS 1.2 DHE_DSS AES-128-GCM")
    finally:
        srv.stop()


def case_client_dss_refused(h: Harness, leaf: str, ca: str, alerts: set, cipher: str = "DHE-DSS-AES128-SHA"):
    """Our client must refuse: a DSA-signed certificate chain (webpki has no DSA signature
    algorithm) or a chain from an unknown CA."""
    srv, port = ossl_server(h, dss_server_args(h, leaf, VERSION_BY_NAME["TLS1.2"], cipher))
    try:
        r = run_dss_client(h, port, ["-s", "0x0032", "-g", "10"], ca=dss_fixture(h, ca))
        check(r.returncode == 1 and b"RESULT FAIL" in r.stdout, f"client accepted: {tail(r.stdout)}")
        m = re.search(rb"alert (\d+)", r.stdout)
        check(m is not None and int(m.group(1)) in alerts,
              f"expected an alert in {sorted(alerts)}: {tail(r.stdout)}")
    finally:
        srv.stop()


class SkeTamperProxy:
    """A TCP relay between our client and a server that flips the last byte of the
    ServerKeyExchange (the end of its signature) and records what the client sends back."""

    def __init__(self, upstream: int):
        self.upstream = upstream
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(1)
        self.lsock.settimeout(IO_TIMEOUT)
        self.port = self.lsock.getsockname()[1]
        self.from_client = bytearray()
        self.tampered = False
        self.socks: list[socket.socket] = [self.lsock]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            c, _ = self.lsock.accept()
            u = socket.create_connection(("127.0.0.1", self.upstream), timeout=IO_TIMEOUT)
            self.socks += [c, u]
            threading.Thread(target=self._client_to_server, args=(c, u), daemon=True).start()
            self._server_to_client(u, c)
        except OSError:
            pass

    def _client_to_server(self, c: socket.socket, u: socket.socket) -> None:
        try:
            while data := c.recv(65536):
                self.from_client += data
                u.sendall(data)
        except OSError:
            pass

    def _server_to_client(self, u: socket.socket, c: socket.socket) -> None:
        buf, hs, ske_end = bytearray(), bytearray(), None
        try:
            while data := u.recv(65536):
                buf += data
                while len(buf) >= 5 and len(buf) >= 5 + int.from_bytes(buf[3:5], "big"):
                    n = 5 + int.from_bytes(buf[3:5], "big")
                    rec = bytearray(buf[:n])
                    del buf[:n]
                    if rec[0] == 22 and not self.tampered:
                        start = len(hs)
                        hs += rec[5:]
                        # Walk the handshake messages seen so far for the ServerKeyExchange.
                        i = 0
                        while ske_end is None and i + 4 <= len(hs):
                            length = int.from_bytes(hs[i + 1 : i + 4], "big")
                            if hs[i] == 12:
                                ske_end = i + 4 + length - 1
                            i += 4 + length
                        if ske_end is not None and start <= ske_end < len(hs):
                            rec[5 + ske_end - start] ^= 0x01
                            self.tampered = True
                    c.sendall(rec)
        except OSError:
            pass

    def close(self) -> None:
        for sk in self.socks:
            try:
                sk.close()
            except OSError:
                pass


def case_client_dss_bad_signature(h: Harness, ver: Version):
    """A DSS ServerKeyExchange signature with one bit flipped: our client sends decrypt_error
    (51), RFC 5246 §7.4.3 / §7.2.2."""
    suite = SUITE_BY_ID[0x0032]
    srv, port = ossl_server(h, dss_server_args(h, "dsa-server", ver, suite.openssl))
    proxy = SkeTamperProxy(port)
    try:
        r = run_dss_client(h, proxy.port, ["-s", suite.hex, "-g", "10"])
        check(proxy.tampered, "the relay saw no ServerKeyExchange")
        check(r.returncode == 1 and b"RESULT FAIL" in r.stdout, f"client accepted: {tail(r.stdout)}")
        alert = bytes([21, 3, ver.code & 0xFF, 0, 2, 2, 51])
        deadline = time.monotonic() + 5
        while alert not in proxy.from_client and time.monotonic() < deadline:
            time.sleep(0.05)
        check(alert in proxy.from_client,
              f"no fatal decrypt_error alert record from the client: {tail(proxy.from_client)}; {tail(r.stdout)}")
    finally:
        proxy.close()
        srv.stop()


def case_client_gnutls_dss(h: Harness, suite: Suite, ver: Version, n: int = 20000):
    """Our client against gnutls-serv with the DSA certificate (DSA signature schemes enabled
    in its priority string: GnuTLS leaves them out of NORMAL)."""
    port = free_port()
    data = h.tmp / f"gnutls-data-{n}.bin"
    if not data.exists():
        data.write_bytes(body(0, n))
    prio = gnutls_kx_priority(suite, ver) + ":+SIGN-DSA-SHA256:+SIGN-DSA-SHA1"
    srv = Proc(["gnutls-serv", "--http", "-p", str(port), "--x509certfile", dss_fixture(h, "dsa-server-chain.pem"),
                "--x509keyfile", dss_fixture(h, "dsa-server.key"), "--priority", prio, "--httpdata", data, "-a"],
               "gnutls-serv")
    try:
        wait_port(port, 15, srv)
        r = run_dss_client(h, port, ["-s", suite.hex, "-g", str(n), "-r", "1"])
        check(r.returncode == 0 and b"RESULT OK" in r.stdout, f"client exit {r.returncode}: {tail(r.stdout[-400:])}")
        hs = [(int(a, 16), int(b, 16), int(c)) for a, b, c in HANDSHAKE_RE.findall(r.stdout)]
        expect_client_lines(hs, suite, ver, [0, 1])
    finally:
        srv.stop()


def case_server_dsa_client_cert_refused(h: Harness, ver: Version):
    """s_client authenticating with a DSA certificate (issued by the CA our server trusts) is
    refused with unsupported_certificate (43): DSA is verify-only for DHE_DSS servers, and our
    CertificateRequest asks for RSA and ECDSA certificates. Independent of dss-suites."""
    fx = h.ec.dir
    srv, port = start_plain_server(h, ["-c", fx / "server-chain.pem", "-k", fx / "server-pkcs1.pem", "-A",
                                       "-a", fx / "ca.pem"])
    try:
        r = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", fx / "ca.pem", "-ign_eof",
                 ver.openssl_flag, "-cipher", "DEFAULT:@SECLEVEL=0", "-cert", dss_fixture(h, "dsa-server.pem"),
                 "-key", dss_fixture(h, "dsa-server.key"), "-cert_chain", fx / "inter.pem"],
                input=http_request_get(10))
        check(b"HTTP/1.0 200 OK" not in r.stdout, "server answered a DSA-authenticated client")
        check(re.search(rb"alert (unsupported certificate)|alert number 43", r.stdout + r.stderr) is not None,
              f"expected unsupported_certificate (43): {tail(r.stderr)}")
        check(h.server_handshakes(srv, 1, timeout=1) == [], "server completed a handshake")
    finally:
        srv.stop()


def add_dss_cases(add, quick: bool) -> None:
    """DHE_DSS in our client: every suite and version against OpenSSL, both DSA key sizes, the
    dsa_sha1 scheme, our default offer, refusals (DSA-signed chain, tampered signature), and
    GnuTLS. Each case skips when the library lacks feature dss-suites."""
    v, s = VERSION_BY_NAME, SUITE_BY_ID
    t12, t11, t10 = v["TLS1.2"], v["TLS1.1"], v["TLS1.0"]
    rows = [(x, ver) for x in DSS_SUITES for ver in VERSIONS if ver.code == 0x0303 or not x.tls12_only]
    if quick:
        rows = [(s[0x00A2], t12), (s[0x0040], t12), (s[0x0032], t10), (s[0x0038], t11)]
    for suite, ver in rows:
        add(f"client/openssl/dss/{ver.name}/{suite.hex}", case_client_openssl_dss, suite, ver, needs="openssl")
    add("client/openssl/dss/TLS1.2/0x0032/dsa1024", case_client_openssl_dss, s[0x0032], t12, "dsa1024-server",
        needs="openssl")
    add("client/openssl/dss/TLS1.0/0x0038/dsa1024", case_client_openssl_dss, s[0x0038], t10, "dsa1024-server",
        needs="openssl")
    add("client/openssl/dss/TLS1.2/0x00A3/dsa_sha1", case_client_openssl_dss, s[0x00A3], t12, "dsa-server",
        ["-sigalgs", "DSA+SHA1"], needs="openssl")
    add("client/openssl/dss/default-offer", case_client_openssl_dss_default, needs="openssl")
    add("client/openssl/dss/dsa-signed-chain-refused", case_client_dss_refused, "dsa-signed-server", "dsa-ca.pem",
        {42}, needs="openssl")
    add("client/openssl/dss/unknown-ca-48", case_client_dss_refused, "dsa-server", "other-ca.pem", {48},
        needs="openssl")
    for ver in (t12, t10):
        add(f"client/openssl/dss/{ver.name}/bad-signature-51", case_client_dss_bad_signature, ver, needs="openssl")
    # TLS 1.0/1.1 only: at TLS 1.2 OpenSSL sends no DSA certificate, as our CertificateRequest
    # lists no DSA signature scheme.
    for ver in (t11, t10):
        add(f"server/openssl/dss/{ver.name}/dsa-client-cert-refused-43", case_server_dsa_client_cert_refused, ver,
            needs="openssl")
    for sid, ver in ((0x0032, t12), (0x00A2, t12), (0x0038, t10)) if not quick else ((0x0032, t12),):
        add(f"client/gnutls/dss/{ver.name}/{s[sid].hex}", case_client_gnutls_dss, s[sid], ver, needs="gnutls-serv")


# ---------------------------------------------------------------------------------------------
# Driver


# ---------------------------------------------------------------------------------------------
# TLS 1.3 (RFC 8446; ABI.md section 9): our programs with -V 0x0304 against OpenSSL, GnuTLS,
# Python ssl, curl and tlslite-ng, each peer forced to TLS 1.3. Every case names the version on
# both sides, so the cases mean the same whatever the library's default cap is.


@dataclass(frozen=True)
class Suite13:
    ident: int
    openssl: str  # also the IANA name
    gnutls: str
    tlslite: str

    @property
    def hex(self) -> str:
        return f"0x{self.ident:04X}"


TLS13_SUITES = [
    Suite13(0x1301, "TLS_AES_128_GCM_SHA256", "AES-128-GCM", "aes128gcm"),
    Suite13(0x1302, "TLS_AES_256_GCM_SHA384", "AES-256-GCM", "aes256gcm"),
    Suite13(0x1303, "TLS_CHACHA20_POLY1305_SHA256", "CHACHA20-POLY1305", "chacha20-poly1305"),
]
SUITE13_BY_NAME = {s.openssl: s for s in TLS13_SUITES}
V13 = ["-V", "0x0304"]
# What s_client prints as "Peer signature type" for each identity in TLS 1.3.
SIG13 = {"rsa": b"RSA-PSS", "p256": b"ECDSA", "p384": b"ECDSA"}


def gnutls13_priority(suite: Optional[Suite13] = None) -> str:
    p = "NORMAL:-VERS-ALL:+VERS-TLS1.3"
    return p + (f":-CIPHER-ALL:+{suite.gnutls}" if suite else "")


def check_tls13_s_client(out: bytes, suite: Suite13, ident: str) -> None:
    m = re.search(rb"New, TLSv1.3, Cipher is (\S+)", out)
    check(m is not None and m.group(1).decode() == suite.openssl,
          f"s_client session {m and m.group(1)!r}, expected TLSv1.3 {suite.openssl}: {tail(out[:800])}")
    m = re.search(rb"Peer signature type: (\S+)", out)
    check(m is not None and m.group(1) == SIG13[ident], f"peer signature type {m and m.group(1)!r}")


def case13_server_openssl(h: Harness, ident: str, suite: Suite13, groups: str = "", hrr: bool = False,
                          n: int = 20000):
    """Our server (one identity, -V 0x0304) against s_client -tls1_3 with one suite; with
    `groups` s_client offers those groups and sends a key share for the first only, so a first
    group we do not implement (X448) forces a HelloRetryRequest (two ClientHellos)."""
    e = h.ec
    srv, port = h.start_ec_server([ident], V13)
    try:
        args = ["-CAfile", e.ca, "-verify_return_error", "-tls1_3", "-ciphersuites", suite.openssl]
        expected = []
        if groups:
            # -msg shows every ClientHello but interleaves its dumps with the data: a first
            # connection for the handshake, with an empty body.
            args += ["-groups", groups]
            r = s_client(port, [*args, "-msg"], http_request_get(0))
            out = r.stdout
            check(r.returncode == 0 and b"HTTP/1.0 200 OK" in out, f"s_client exit {r.returncode}: {tail(r.stderr)}")
            hellos = len(re.findall(rb">>> TLS 1.3, Handshake \[length [0-9a-f]+\], ClientHello", out))
            check(hellos == (2 if hrr else 1), f"{hellos} ClientHellos (HelloRetryRequest expected: {hrr})")
            want = GROUP_BY_NAME[groups.split(":")[-1] if hrr else groups.split(":")[0]]
            m = re.search(rb"Server Temp Key: ([^\n]+)", out)
            check(m is not None and re.match(want.temp_key, m.group(1)) is not None,
                  f"Server Temp Key {m and m.group(1)!r}, expected {want.name}")
            expected.append((0x0304, suite.ident, 0))
        r = s_client(port, args, http_request_get(n))
        out = r.stdout
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        check(b"Verify return code: 0 (ok)" in out, "certificate not verified by s_client")
        check_tls13_s_client(out, suite, ident)
        i = out.find(b"HTTP/1.0 200 OK")
        check(i >= 0, f"no HTTP response: {tail(r.stderr)}")
        check_response_prefix(out[i:], n)
        h.expect_server_lines(srv, expected + [(0x0304, suite.ident, 0)])
    finally:
        srv.stop()


def case13_server_client_auth(h: Harness, with_cert: bool):
    """Our server -A asks s_client -tls1_3 for a certificate; without one the client gets
    certificate_required (116, RFC 8446 section 4.4.2.4) and no response."""
    srv, port = h.start_server(["-A", "-a", h.pki.ca, *V13])
    try:
        args = ["-CAfile", h.pki.ca, "-verify_return_error", "-tls1_3"]
        if with_cert:
            args += ["-cert", h.pki.client_cert, "-key", h.pki.client_key]
        r = s_client(port, args, http_request_get(1000))
        if with_cert:
            check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
            i = r.stdout.find(b"HTTP/1.0 200 OK")
            check(i >= 0, f"no HTTP response: {tail(r.stderr)}")
            check_response_prefix(r.stdout[i:], 1000)
            hs = h.server_handshakes(srv, 1)
            check(len(hs) == 1 and hs[0][0] == 0x0304, f"server handshake lines {fmt_hs(hs)}")
        else:
            check(b"HTTP/1.0 200 OK" not in r.stdout, "server answered a client without a certificate")
            check(ossl_alert(r.stdout + r.stderr) == 116 or b"certificate required" in r.stderr,
                  f"expected certificate_required: {tail(r.stderr)}")
            check(h.server_handshakes(srv, 1, timeout=1) == [], "server completed a handshake")
        check(srv.running(), "server exited")
    finally:
        srv.stop()


def case13_server_certificate_request_ca_names(h: Harness):
    """Our server -A's CertificateRequest names the CA it trusts (certificate_authorities,
    RFC 8446 section 4.2.4), as its TLS 1.2 request does: s_client -tls1_3 lists it."""
    srv, port = h.start_server(["-A", "-a", h.pki.ca, *V13])
    try:
        args = ["-CAfile", h.pki.ca, "-verify_return_error", "-tls1_3", "-cert", h.pki.client_cert,
                "-key", h.pki.client_key]
        r = s_client(port, args, http_request_get(1000))
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        m = re.search(rb"Acceptable client certificate CA names\n([^\n]*)\n", r.stdout)
        check(m is not None and m.group(1) == b"CN = matrixssl-rs interop CA",
              f"CA names shown by s_client: {m and m.group(1)!r}")
    finally:
        srv.stop()


def case13_server_peer_key_update(h: Harness, commands: list[bytes]):
    """s_client -tls1_3 sends KeyUpdates interactively ("K": update_requested, which our server
    must answer; "k": not requested), then a request whose answer is read under the new keys."""
    e = h.ec
    srv, port = h.start_ec_server(["p256"], V13)
    p = Proc(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", e.ca, "-tls1_3",
              "-verify_return_error"], "openssl s_client", stdin=subprocess.PIPE)
    try:
        p.wait_for(rb"Verify return code: 0 \(ok\)", IO_TIMEOUT)
        for k, cmd in enumerate(commands):
            p.p.stdin.write(cmd + b"\n")
            p.p.stdin.flush()
            deadline = time.monotonic() + IO_TIMEOUT
            while bytes(p.err).count(b"KEYUPDATE") < k + 1:
                check(time.monotonic() < deadline and p.running(), f"s_client did not update: {tail(p.err)}")
                time.sleep(0.05)
        p.p.stdin.write(http_request_get(30000))
        p.p.stdin.flush()
        p.wait_for(rb"HTTP/1.0 200 OK", IO_TIMEOUT)
        p.p.stdin.close()
        p.wait(IO_TIMEOUT)
        out = bytes(p.out)
        check_response_prefix(out[out.find(b"HTTP/1.0 200 OK"):], 30000)
        check(b"alert" not in bytes(p.err).lower(), f"s_client reported an alert: {tail(p.err)}")
        h.expect_server_lines(srv, [(0x0304, h.server_handshakes(srv, 1)[0][1], 0)])
    finally:
        p.stop()
        srv.stop()


def case13_server_key_update(h: Harness, peer: str):
    """Our server -R 0 sends KeyUpdate(update_requested) after reading the request, then
    answers: the peer must take the update (and answer it) and read the response."""
    srv, port = h.start_server(["-R", "0", *V13])
    try:
        if peer == "openssl":
            r = s_client(port, ["-CAfile", h.pki.ca, "-verify_return_error", "-tls1_3"], http_request_get(40000))
            check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
            i = r.stdout.find(b"HTTP/1.0 200 OK")
            check(i >= 0, f"no HTTP response: {tail(r.stderr)}")
            check_response_prefix(r.stdout[i:], 40000)
        else:
            s = pyssl13_connect(port, h.pki.ca)
            try:
                check_response(ssl_exchange(s, http_request_get(40000)), 40000)
            finally:
                s.close()
        # The server prints the line before it answers, but its output reaches us through a
        # reader thread that may not have caught up when the response is in: wait for it.
        srv.wait_for(rb"(?m)^keyupdate version=0x0304 ", IO_TIMEOUT)
    finally:
        srv.stop()


def case13_server_gnutls(h: Harness, suite: Suite13, ident: str = "rsa", n: int = 20000):
    e = h.ec
    srv, port = h.start_ec_server([ident], V13)
    try:
        out = gnutls_client(h, port, None, None, http_request_get(n), False, priority=gnutls13_priority(suite),
                            ca=e.ca)
        check(b"TLS1.3" in out, f"gnutls-cli did not report TLS1.3: {tail(out[:600])}")
        i = out.find(b"HTTP/1.0 200 OK")
        check(i >= 0, f"no HTTP response: {tail(out)}")
        check_response_prefix(out[i:], n)
        h.expect_server_lines(srv, [(0x0304, suite.ident, 0)])
    finally:
        srv.stop()


def pyssl13_connect(port: int, ca: Path) -> ssl.SSLSocket:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(str(ca))
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    raw = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
    s = ctx.wrap_socket(raw, server_hostname="127.0.0.1", suppress_ragged_eofs=False)
    check(s.version() == "TLSv1.3", f"Python ssl negotiated {s.version()}")
    return s


def case13_server_pyssl(h: Harness, ident: str, get: int = 20000, echo: int = 0):
    e = h.ec
    srv, port = h.start_ec_server([ident], V13)
    try:
        s = pyssl13_connect(port, e.ca)
        try:
            suite = SUITE13_BY_NAME[s.cipher()[0]]
            if echo:
                check_response(ssl_exchange(s, http_request_echo_head(echo), echo), echo)
            else:
                check_response(ssl_exchange(s, http_request_get(get)), get)
        finally:
            s.close()
        h.expect_server_lines(srv, [(0x0304, suite.ident, 0)])
    finally:
        srv.stop()


def case13_server_curl(h: Harness, suite: Suite13, get: int = 100000):
    srv, port = h.start_server(V13)
    try:
        out = h.tmp / f"curl13-{port}.bin"
        r = run(["curl", "-sS", "--max-time", str(IO_TIMEOUT), "--cacert", str(h.pki.ca), "--tlsv1.3",
                 "--tls13-ciphers", suite.openssl, f"https://127.0.0.1:{port}/{get}", "-o", str(out)],
                timeout=IO_TIMEOUT + 10)
        check(r.returncode == 0, f"curl exit {r.returncode}: {tail(r.stderr)}")
        diff = first_mismatch(out.read_bytes(), body(0, get))
        check(not diff, f"body mismatch: {diff}")
        h.expect_server_lines(srv, [(0x0304, suite.ident, 0)])
    finally:
        srv.stop()


def tlslite13_settings(suite: Suite13) -> "HandshakeSettings":
    st = HandshakeSettings()
    st.minVersion = st.maxVersion = (3, 4)
    st.cipherNames = [suite.tlslite]
    return st


def case13_server_tlslite(h: Harness, suite: Suite13, get: int = 5000):
    if not HAVE_TLSLITE:
        raise CaseSkip("tlslite-ng not installed (make deps)")
    srv, port = h.start_server(V13)
    try:
        raw = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
        c = TLSConnection(raw)
        try:
            c.handshakeClientCert(settings=tlslite13_settings(suite))
            check(tuple(c.version) == (3, 4) and c.session.cipherSuite == suite.ident,
                  f"tlslite-ng negotiated {c.version} 0x{c.session.cipherSuite:04x}")
            raw_resp = exchange(c.write, lambda k: bytes(c.read(k, 1)), http_request_get(get))
            check_response(raw_resp, get)
        finally:
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass
        h.expect_server_lines(srv, [(0x0304, suite.ident, 0)])
    finally:
        srv.stop()


def case13_client_openssl(h: Harness, ident: str, suite: Suite13, groups: str = "", hrr: bool = False,
                          extra=()):
    """Our client (-V 0x0304 -s suite) against s_server -tls1_3 -www; with `groups` s_server
    accepts only those, so our X25519 key share draws a HelloRetryRequest when X25519 is not
    among them (s_server -msg then shows two ClientHellos)."""
    e = h.ec
    args = [*ossl_id_args(e.ids[ident]), "-tls1_3", "-ciphersuites", suite.openssl, "-msg", *extra]
    if groups:
        args += ["-groups", groups]
    srv, port = ossl_server(h, args)
    try:
        hs, out = h.run_client(port, ["-s", suite.hex, "-x", *V13], ca=e.ca)
        check(hs == [(0x0304, suite.ident, 0)], f"client handshake lines {fmt_hs(hs)}")
        check(re.search(rb"New, TLSv1.3, Cipher is " + suite.openssl.encode() + rb"\s", out) is not None,
              f"s_server page does not report TLSv1.3 {suite.openssl}")
        if groups:
            shared = re.findall(rb"Shared groups: (\S+)", out)
            want = GROUP_BY_NAME[groups.split(":")[0]].shared
            check(shared[:1] == [want], f"s_server shared groups {shared[:1]} != {want!r}")
        time.sleep(0.1)
        hellos = len(re.findall(rb"<<< TLS 1.3, Handshake \[length [0-9a-f]+\], ClientHello", bytes(srv.out)))
        check(hellos == (2 if hrr else 1), f"s_server saw {hellos} ClientHellos (HelloRetryRequest: {hrr})")
        return out
    finally:
        srv.stop()


def case13_client_client_auth(h: Harness, ident: str):
    """s_server -tls1_3 -Verify 1 requires a certificate; our client presents `ident`."""
    e = h.ec
    cid = e.ids[ident]
    srv, port = ossl_server(h, ["-cert", h.pki.cert, "-key", h.pki.key, "-tls1_3", "-Verify", "1", "-CAfile", e.ca,
                                "-verify_return_error"])
    try:
        id_args = ["-c", cid.chain, "-k", cid.key] if cid.kind == "rsa" else ["-C", cid.chain, "-E", cid.key]
        hs, out = h.run_client(port, [*id_args, "-x", *V13], ca=e.ca)
        check(len(hs) == 1 and hs[0][0] == 0x0304, f"client handshake lines {fmt_hs(hs)}")
        check(b"Client certificate" in out and cid.subject in out,
              f"s_server page does not show our client certificate: {tail(out[-600:])}")
    finally:
        srv.stop()


def case13_client_identity_by_ca_names(h: Harness):
    """Our client holds the P-256 identity (EC root) and the RSA client one (the harness CA);
    s_server -Verify 1 trusts only the harness CA, whose name its CertificateRequest carries
    (certificate_authorities, RFC 8446 section 4.2.4): our client answers with the RSA
    identity, although it prefers ECDSA otherwise (ABI.md D26)."""
    e = h.ec
    rsa, p256 = e.ids["rsa-client"], e.ids["p256"]
    srv, port = ossl_server(h, ["-cert", h.pki.cert, "-key", h.pki.key, "-tls1_3", "-Verify", "1",
                                "-CAfile", h.pki.ca, "-verify_return_error"])
    try:
        id_args = ["-c", rsa.chain, "-k", rsa.key, "-C", p256.chain, "-E", p256.key]
        hs, out = h.run_client(port, [*id_args, "-x", *V13], ca=e.ca)
        check(len(hs) == 1 and hs[0][0] == 0x0304, f"client handshake lines {fmt_hs(hs)}")
        check(b"Client certificate" in out and rsa.subject in out,
              f"s_server page does not show our RSA client certificate: {tail(out[-600:])}")
    finally:
        srv.stop()


def case13_client_peer_key_update(h: Harness, cmd: bytes, n: int = 30000):
    """s_server -tls1_3 (not -www: it relays stdin) receives our request, sends a KeyUpdate
    ("K" requests an answer from our client), then the response under its new keys."""
    port = free_port()
    srv = Proc(["openssl", "s_server", "-accept", str(port), "-cert", h.pki.cert, "-key", h.pki.key, "-tls1_3"],
               "openssl s_server", stdin=subprocess.PIPE)
    try:
        srv.wait_for(rb"ACCEPT", 15)
        cli = Proc([h.bindir / "client", "-h", "127.0.0.1", "-p", str(port), "-a", h.pki.ca, "-t", "30",
                    "-g", str(n), *V13], "client")
        try:
            srv.wait_for(rb"GET /" + str(n).encode(), IO_TIMEOUT)
            srv.p.stdin.write(cmd + b"\n")
            srv.p.stdin.flush()
            # (s_server reports the KeyUpdate it started as the SSL_do_handshake that sent it.)
            srv.wait_for(rb"SSL_do_handshake -> 1", IO_TIMEOUT)
            head = f"HTTP/1.0 200 OK\r\nContent-Length: {n}\r\nConnection: close\r\n\r\n".encode()
            srv.p.stdin.write(head + body(0, n))
            srv.p.stdin.flush()
            rc = cli.wait(IO_TIMEOUT + 10)
            out = bytes(cli.out)
            check(rc == 0 and b"RESULT OK" in out,
                  f"client exit {rc}: {tail(out)} {tail(cli.err)}; s_server: {tail(srv.out)} {tail(srv.err)}")
            check(b"alert" not in bytes(srv.err).lower() + bytes(srv.out).lower(),
                  f"s_server reported an alert: {tail(srv.err)}")
        finally:
            cli.stop()
    finally:
        srv.stop()


def case13_client_key_update(h: Harness):
    """Our client -R 0 sends KeyUpdate(update_requested) before its request; s_server -www
    answers it and serves the page."""
    srv, port = ossl_server(h, ["-cert", h.pki.cert, "-key", h.pki.key, "-tls1_3"])
    try:
        hs, out = h.run_client(port, ["-x", "-R", "0", *V13])
        check(len(hs) == 1 and hs[0][0] == 0x0304, f"client handshake lines {fmt_hs(hs)}")
        check(re.search(rb"(?m)^keyupdate version=0x0304 ", out) is not None, "client did not report its KeyUpdate")
        check(b"New, TLSv1.3" in out, "no s_server page")
    finally:
        srv.stop()


def case13_client_gnutls(h: Harness, suite: Suite13, n: int = 20000):
    port = free_port()
    data = h.tmp / f"gnutls-data-{n}.bin"
    if not data.exists():
        data.write_bytes(body(0, n))
    srv = Proc(["gnutls-serv", "--http", "-p", str(port), "--x509certfile", h.pki.cert, "--x509keyfile", h.pki.key,
                "--priority", gnutls13_priority(suite), "--httpdata", data, "-a"], "gnutls-serv")
    try:
        wait_port(port, 15, srv)
        hs, _ = h.run_client(port, ["-s", suite.hex, "-g", str(n), *V13])
        check(hs == [(0x0304, suite.ident, 0)], f"client handshake lines {fmt_hs(hs)}")
    finally:
        srv.stop()


def case13_client_py(h: Harness, kind: str, suite: Optional[Suite13], mode: str = "-g", n: int = 20000):
    """Python ssl (TLS 1.3 only; its suite is OpenSSL's choice) or tlslite-ng (one suite) serving
    the HTTP protocol of our server; our client with -V 0x0304."""
    if kind == "tlslite" and not HAVE_TLSLITE:
        raise CaseSkip("tlslite-ng not installed (make deps)")
    srv = PyServer(kind, h.pki, SUITE_BY_ID[0x009C], VERSION_BY_NAME["TLS1.2"])
    try:
        if kind == "pyssl":
            srv.ctx.maximum_version = srv.ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        else:
            srv.settings = tlslite13_settings(suite)
        args = ["-s", suite.hex] if suite else []
        hs, _ = h.run_client(srv.port, [*args, mode, str(n), *V13], timeout=120)
        time.sleep(0.05)
        check(not srv.errors, f"{kind} server: {srv.errors[:2]}")
        check(len(hs) == 1 and hs[0][0] == 0x0304 and (suite is None or hs[0][1] == suite.ident),
              f"client handshake lines {fmt_hs(hs)}")
        check(len(srv.handshakes) == 1 and srv.handshakes[0][0] == 0x0304 and srv.handshakes[0][1] == hs[0][1],
              f"{kind} server saw {srv.handshakes}")
    finally:
        srv.close()


class SupportedVersionsStripper(SkeTamperProxy):
    """A TCP relay that renames the supported_versions extension (43) of the ClientHello to a
    GREASE type (0x0a0a, RFC 8701: ignored by servers), so a TLS 1.3-capable server sees a
    TLS 1.2 ClientHello, negotiates TLS 1.2 and, being 1.3-capable, marks its random with the
    downgrade sentinel (RFC 8446 section 4.1.3). With strip=False it relays unchanged. (The
    accept/close plumbing is SkeTamperProxy's; nothing from the server is changed.)"""

    def __init__(self, upstream: int, strip: bool = True):
        self.strip = strip
        self.stripped = False
        super().__init__(upstream)

    def _client_to_server(self, c: socket.socket, u: socket.socket) -> None:
        buf = bytearray()
        first = True
        try:
            while data := c.recv(65536):
                self.from_client += data
                if not first:
                    u.sendall(data)
                    continue
                buf += data
                if len(buf) < 5 or len(buf) < 5 + int.from_bytes(buf[3:5], "big"):
                    continue
                first = False
                if self.strip:
                    self._rename(buf)
                u.sendall(bytes(buf))
        except OSError:
            pass

    def _rename(self, rec: bytearray) -> None:
        """Walks the ClientHello in the first record (our client sends it in one record)."""
        i = 5 + 4 + 2 + 32
        i += 1 + rec[i]  # session id
        i += 2 + int.from_bytes(rec[i:i + 2], "big")  # cipher suites
        i += 1 + rec[i]  # compression methods
        end = i + 2 + int.from_bytes(rec[i:i + 2], "big")
        i += 2
        while i + 4 <= end:
            if rec[i:i + 2] == b"\x00\x2b":
                rec[i:i + 2] = b"\x0a\x0a"
                self.stripped = True
            i += 4 + int.from_bytes(rec[i + 2:i + 4], "big")

    def _server_to_client(self, u: socket.socket, c: socket.socket) -> None:
        try:
            while data := u.recv(65536):
                c.sendall(data)
        except OSError:
            pass


def case13_client_downgrade(h: Harness, strip: bool, our_max: str):
    """s_server allowing TLS 1.2 and 1.3 behind SupportedVersionsStripper: our client offering
    TLS 1.3 sees TLS 1.2 with the sentinel and refuses with illegal_parameter (47); capped at
    TLS 1.2 (-V 0x0303) it offered no 1.3 and accepts; unstripped, TLS 1.3 is negotiated."""
    srv, port = ossl_server(h, ["-cert", h.pki.cert, "-key", h.pki.key, "-min_protocol", "TLSv1.2"])
    relay = SupportedVersionsStripper(port, strip)
    try:
        if strip and our_max == "0x0304":
            rr = run([h.bindir / "client", "-h", "127.0.0.1", "-p", str(relay.port), "-a", h.pki.ca, "-t", "20",
                      "-x", "-V", our_max], timeout=40)
            check(relay.stripped, "the relay found no supported_versions in the ClientHello")
            check(rr.returncode == 1 and b"RESULT FAIL" in rr.stdout, f"client accepted: {tail(rr.stdout)}")
            # (record version 3.1 or 3.3: ABI.md D12 lets an early alert carry 3.1)
            alert = re.compile(rb"\x15\x03[\x01\x03]\x00\x02\x02\x2f")
            deadline = time.monotonic() + 5
            while not alert.search(bytes(relay.from_client)) and time.monotonic() < deadline:
                time.sleep(0.05)
            check(alert.search(bytes(relay.from_client)) is not None,
                  f"no fatal illegal_parameter alert record from the client (last bytes "
                  f"{bytes(relay.from_client[-16:]).hex()}): {tail(rr.stdout)}")
            check(b"New, TLSv1.2" not in rr.stdout, "the client read a page")
        else:
            hs, out = h.run_client(relay.port, ["-x", "-V", our_max])
            want = 0x0303 if strip or our_max == "0x0303" else 0x0304
            check(len(hs) == 1 and hs[0][0] == want, f"client handshake lines {fmt_hs(hs)}, expected 0x{want:04x}")
            check(relay.stripped == (strip and our_max == "0x0304"), "relay stripping state")
    finally:
        relay.close()
        srv.stop()



def case13_client_openssl_resumption(h: Harness):
    """Our client (-V 0x0304 -r 2) against s_server -tls1_3 (which sends NewSessionTickets):
    each reconnection resumes with the ticket the previous connection received (D28: the
    sslSessionId_t record holds it, each ticket used once)."""
    e = h.ec
    srv, port = ossl_server(h, [*ossl_id_args(e.ids["p256"]), "-tls1_3"])
    try:
        hs, out = h.run_client(port, ["-x", "-r", "2", *V13], ca=e.ca)
        check([(v, r) for v, _, r in hs] == [(0x0304, 0), (0x0304, 1), (0x0304, 1)],
              f"client handshake lines {fmt_hs(hs)}")
        check(out.count(b"Reused, TLSv1.3") >= 2, "s_server did not report resumed TLS 1.3 sessions")
    finally:
        srv.stop()


def case13_server_openssl_resumption(h: Harness):
    """s_client -tls1_3 -sess_out, then -sess_in: our server's ticket resumes the session
    once; offering the same ticket again gives a full handshake (tickets are single use)."""
    srv, port = h.start_server(V13)
    try:
        sess = h.tmp / f"ossl13-{port}.sess"
        base = ["-CAfile", h.pki.ca, "-verify_return_error", "-tls1_3"]
        r = s_client(port, base + ["-sess_out", str(sess)], http_request_get(100))
        check(r.returncode == 0 and b"HTTP/1.0 200 OK" in r.stdout, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        check(sess.exists(), "s_client wrote no session (no ticket received)")
        r2 = s_client(port, base + ["-sess_in", str(sess)], http_request_get(100))
        check(b"Reused, TLSv1.3" in r2.stdout, f"second connection not resumed: {tail(r2.stdout[:600])}")
        r3 = s_client(port, base + ["-sess_in", str(sess)], http_request_get(100))
        check(b"New, TLSv1.3" in r3.stdout, "a ticket was accepted twice")
        hs = h.server_handshakes(srv, 3)
        check([(v, r) for v, _, r in hs] == [(0x0304, 0), (0x0304, 1), (0x0304, 0)],
              f"server handshake lines {fmt_hs(hs)}")
    finally:
        srv.stop()


def case13_server_post_handshake_auth(h: Harness):
    """Our server -A -R 1 on TLS 1.3 with s_client -enable_pha: the re-handshake is a
    post-handshake CertificateRequest (D29); the answer is checked and reported as a second
    completion before the response."""
    srv, port = h.start_server(["-A", "-a", h.pki.ca, "-R", "1", *V13])
    try:
        args = ["-CAfile", h.pki.ca, "-verify_return_error", "-tls1_3", "-enable_pha",
                "-cert", h.pki.client_cert, "-key", h.pki.client_key]
        r = s_client(port, args, http_request_get(1000))
        check(r.returncode == 0, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        i = r.stdout.find(b"HTTP/1.0 200 OK")
        check(i >= 0, f"no HTTP response: {tail(r.stderr)}")
        check_response_prefix(r.stdout[i:], 1000)
        rehs = h.server_handshakes(srv, 1, rx=REHANDSHAKE_RE)
        check(len(rehs) == 1 and rehs[0][0] == 0x0304, f"server rehandshake lines {fmt_hs(rehs)}")
    finally:
        srv.stop()


def case13_server_pyssl_resumption(h: Harness):
    """Python ssl (TLS 1.3) resumes with the ticket our server sent on the first connection."""
    srv, port = h.start_server(V13)
    try:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(str(h.pki.ca))
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_3
        resumed = []
        session = None
        for _ in range(3):
            raw = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
            s = ctx.wrap_socket(raw, server_hostname="127.0.0.1", session=session,
                                suppress_ragged_eofs=False)
            check_response(ssl_exchange(s, http_request_get(500)), 500)
            resumed.append(s.session_reused)
            # The ticket arrives after the handshake: read it with the response, then keep it.
            session = s.session
            s.close()
        check(resumed == [False, True, True], f"session_reused {resumed}")
        hs = h.server_handshakes(srv, 3)
        check([(v, r) for v, _, r in hs] == [(0x0304, 0), (0x0304, 1), (0x0304, 1)],
              f"server handshake lines {fmt_hs(hs)}")
    finally:
        srv.stop()


def case13_server_gnutls_resumption(h: Harness):
    """gnutls-cli --resume (TLS 1.3): the second connection resumes with our ticket."""
    srv, port = h.start_server(V13)
    try:
        out = gnutls_client(h, port, None, None, http_request_get(200), True, priority=gnutls13_priority())
        check(b"This is a resumed session" in out, f"gnutls-cli did not resume: {tail(out[-800:])}")
        hs = h.server_handshakes(srv, 2)
        check([(v, r) for v, _, r in hs] == [(0x0304, 0), (0x0304, 1)], f"server handshake lines {fmt_hs(hs)}")
    finally:
        srv.stop()


def case13_client_gnutls_resumption(h: Harness):
    """Our client -r 2 against gnutls-serv (TLS 1.3 tickets)."""
    port = free_port()
    data = h.tmp / "gnutls-data-1000.bin"
    if not data.exists():
        data.write_bytes(body(0, 1000))
    srv = Proc(["gnutls-serv", "--http", "-p", str(port), "--x509certfile", h.pki.cert, "--x509keyfile", h.pki.key,
                "--priority", gnutls13_priority(), "--httpdata", data], "gnutls-serv")
    try:
        wait_port(port, 15, srv)
        hs, _ = h.run_client(port, ["-g", "1000", "-r", "2", *V13])
        check([(v, r) for v, _, r in hs] == [(0x0304, 0), (0x0304, 1), (0x0304, 1)],
              f"client handshake lines {fmt_hs(hs)}")
    finally:
        srv.stop()


PSK13_KEY = "00112233445566778899aabbccddeeff"


def case13_client_openssl_psk(h: Harness):
    """Our client with only a PSK (-K/-I, no CA) against s_server -tls1_3 -psk -nocert: an
    external PSK (D26) with psk_dhe_ke."""
    srv, port = ossl_server(h, ["-tls1_3", "-psk", PSK13_KEY, "-psk_identity", "alice", "-nocert"])
    try:
        hs, _ = h.run_client(port, ["-x", "-K", PSK13_KEY, "-I", "alice", *V13], with_ca=False)
        check([v for v, _, _ in hs] == [0x0304], f"client handshake lines {fmt_hs(hs)}")
    finally:
        srv.stop()


def case13_server_openssl_psk(h: Harness):
    """s_client -tls1_3 -psk against our server holding only that PSK."""
    p = Proc([h.bindir / "server", "-p", "0", "-K", PSK13_KEY, "-I", "alice", "-t", "20", *V13], "server")
    port = int(p.wait_for(rb"listening on (\d+)", 15).group(1))
    try:
        r = s_client(port, ["-tls1_3", "-psk", PSK13_KEY, "-psk_identity", "alice"], http_request_get(100))
        check(r.returncode == 0 and b"HTTP/1.0 200 OK" in r.stdout, f"s_client exit {r.returncode}: {tail(r.stderr)}")
        h.expect_server_lines(p, [(0x0304, 0x1301, 0)])
    finally:
        p.stop()

def add_tls13_cases(add, quick: bool) -> None:
    idents = ["rsa", "p256"] if quick else ["rsa", "p256", "p384"]
    for suite in TLS13_SUITES:
        for ident in idents:
            add(f"tls13/server/openssl/{suite.hex}/{ident}", case13_server_openssl, ident, suite, needs="openssl")
            add(f"tls13/client/openssl/{suite.hex}/{ident}", case13_client_openssl, ident, suite, needs="openssl")
        add(f"tls13/server/gnutls/{suite.hex}", case13_server_gnutls, suite, needs="gnutls-cli")
        add(f"tls13/client/gnutls/{suite.hex}", case13_client_gnutls, suite, needs="gnutls-serv")
        add(f"tls13/server/curl/{suite.hex}", case13_server_curl, suite, needs="curl")
        add(f"tls13/server/tlslite/{suite.hex}", case13_server_tlslite, suite)
        add(f"tls13/client/tlslite/{suite.hex}", case13_client_py, "tlslite", suite, n=5000)
    s1, s2 = TLS13_SUITES[0], TLS13_SUITES[1]
    # Key exchange groups: one share each, and a HelloRetryRequest when the client's share is
    # for a group we lack (X448) or the server accepts only a group other than our X25519.
    for g in ("X25519", "P-256", "P-384"):
        add(f"tls13/server/openssl/group-{g}", case13_server_openssl, "rsa", s1, groups=g, needs="openssl")
    add("tls13/server/openssl/hrr-X448-to-P-256", case13_server_openssl, "p256", s1, groups="X448:P-256",
        hrr=True, needs="openssl")
    add("tls13/server/openssl/hrr-X448-to-P-384", case13_server_openssl, "rsa", s2, groups="X448:P-384",
        hrr=True, needs="openssl")
    add("tls13/client/openssl/hrr-P-384", case13_client_openssl, "rsa", s1, groups="P-384", hrr=True,
        needs="openssl")
    add("tls13/client/openssl/hrr-P-256", case13_client_openssl, "p384", s2, groups="P-256", hrr=True,
        needs="openssl")
    add("tls13/client/openssl/group-X25519", case13_client_openssl, "rsa", s1, groups="X25519", needs="openssl")
    # Client authentication.
    add("tls13/server/openssl/client-auth", case13_server_client_auth, True, needs="openssl")
    add("tls13/server/openssl/client-auth-missing-cert", case13_server_client_auth, False, needs="openssl")
    add("tls13/client/openssl/client-auth-rsa", case13_client_client_auth, "rsa-client", needs="openssl")
    add("tls13/client/openssl/client-auth-p256", case13_client_client_auth, "p256", needs="openssl")
    add("tls13/client/openssl/client-identity-by-ca-names", case13_client_identity_by_ca_names, needs="openssl")
    add("tls13/server/openssl/certificate-request-ca-names", case13_server_certificate_request_ca_names,
        needs="openssl")
    # KeyUpdate started by either side, with and without update_requested.
    add("tls13/server/openssl/peer-keyupdate-requested", case13_server_peer_key_update, [b"K"], needs="openssl")
    add("tls13/server/openssl/peer-keyupdate-x3", case13_server_peer_key_update, [b"K", b"k", b"K"],
        needs="openssl")
    add("tls13/server/openssl/keyupdate", case13_server_key_update, "openssl", needs="openssl")
    add("tls13/server/pyssl/keyupdate", case13_server_key_update, "pyssl")
    add("tls13/client/openssl/peer-keyupdate-requested", case13_client_peer_key_update, b"K", needs="openssl")
    add("tls13/client/openssl/keyupdate", case13_client_key_update, needs="openssl")
    # Python ssl in both roles, with payloads past the record limit.
    for ident in idents:
        add(f"tls13/server/pyssl/{ident}", case13_server_pyssl, ident)
    add(f"tls13/server/pyssl/echo-{MB}", case13_server_pyssl, "rsa", echo=MB)
    add("tls13/server/pyssl/get-16385", case13_server_pyssl, "p256", get=16385)
    add("tls13/client/pyssl/get-100000", case13_client_py, "pyssl", None, "-g", 100000)
    add(f"tls13/client/pyssl/echo-{MB}", case13_client_py, "pyssl", None, "-e", MB)
    add(f"tls13/server/curl/get-{MB}", case13_server_curl, s2, get=MB, needs="curl")
    # Downgrade protection (RFC 8446 section 4.1.3) through a relay hiding supported_versions.
    add("tls13/client/openssl/resumption", case13_client_openssl_resumption, needs="openssl")
    add("tls13/server/openssl/resumption", case13_server_openssl_resumption, needs="openssl")
    add("tls13/server/pyssl/resumption", case13_server_pyssl_resumption)
    add("tls13/server/gnutls/resumption", case13_server_gnutls_resumption, needs="gnutls-cli")
    add("tls13/client/gnutls/resumption", case13_client_gnutls_resumption, needs="gnutls-serv")
    add("tls13/server/openssl/post-handshake-auth", case13_server_post_handshake_auth, needs="openssl")
    add("tls13/client/openssl/external-psk", case13_client_openssl_psk, needs="openssl")
    add("tls13/server/openssl/external-psk", case13_server_openssl_psk, needs="openssl")
    add("tls13/client/openssl/downgrade-sentinel-refused", case13_client_downgrade, True, "0x0304", needs="openssl")
    add("tls13/client/openssl/downgrade-relay-control-1.3", case13_client_downgrade, False, "0x0304",
        needs="openssl")
    add("tls13/client/openssl/downgrade-relay-capped-1.2", case13_client_downgrade, True, "0x0303",
        needs="openssl")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="representative subset")
    ap.add_argument("--bin", default=str(ROOT / "build" / "bin"), help="directory with server and client")
    ap.add_argument("--filter", default="", help="only cases whose name matches this regex")
    ap.add_argument("--list", action="store_true", help="list case names and exit")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--lib", default="", help="directory with a libmatrixssl.so to run our programs with "
                    "(LD_LIBRARY_PATH), e.g. target/release after a build with --features dss-suites")
    args = ap.parse_args()
    if args.lib:
        lib = str(Path(args.lib).resolve())
        os.environ["LD_LIBRARY_PATH"] = lib + (":" + os.environ["LD_LIBRARY_PATH"]
                                               if os.environ.get("LD_LIBRARY_PATH") else "")
    # TLS 1.0/1.1 are deprecated in Python's ssl module; testing them is the point here.
    warnings.filterwarnings("ignore", category=DeprecationWarning)

    bindir = Path(args.bin).resolve()
    quick = args.quick
    cases: list[tuple[str, Callable[[], None]]] = []
    have = {t: shutil.which(t) is not None for t in ("openssl", "gnutls-cli", "gnutls-serv", "curl")}

    def add(name, fn, *a, needs: str = "", **kw):
        if needs and not have.get(needs, True):
            cases.append((name, lambda m=f"{needs} not installed (make deps)": _skip(m)))
        else:
            cases.append((name, lambda: fn(H, *a, **kw)))

    for suite, ver in combos(quick):
        tag = f"{ver.name}/{suite.hex}"
        add(f"server/openssl/{tag}", case_server_openssl, suite, ver, needs="openssl")
        add(f"server/gnutls/{tag}", case_server_gnutls, suite, ver, needs="gnutls-cli")
        add(f"server/pyssl/{tag}", case_server_pyssl, suite, ver)
        add(f"server/tlslite/{tag}", case_server_tlslite, suite, ver, get=5000)
        add(f"server/curl/{tag}", case_server_curl, suite, ver, needs="curl")
        add(f"client/openssl/{tag}", case_client_openssl, suite, ver, needs="openssl")
        add(f"client/gnutls/{tag}", case_client_gnutls, suite, ver, needs="gnutls-serv")
        add(f"client/pyssl/{tag}", case_client_py, "pyssl", suite, ver)
        add(f"client/tlslite/{tag}", case_client_py, "tlslite", suite, ver, n=5000)

    gcm, cbc, cbc10 = SUITE_BY_ID[0x009C], SUITE_BY_ID[0x003C], SUITE_BY_ID[0x002F]
    t12, t10 = VERSION_BY_NAME["TLS1.2"], VERSION_BY_NAME["TLS1.0"]
    # Payloads, byte for byte, up to 1 MB in both directions.
    for n in ([0, 1, MB] if quick else [0, 1, 16383, 16384, 16385, 100000, MB]):
        add(f"server/pyssl/get-{n}", case_server_pyssl, gcm, t12, get=n, resume=False)
    for n in ([MB] if quick else [1, 16384, 65537, MB]):
        add(f"server/pyssl/echo-{n}", case_server_pyssl, gcm, t12, echo=n, resume=False)
    add(f"server/pyssl/echo-{MB}-tls1.0-cbc", case_server_pyssl, cbc10, t10, echo=MB, resume=False)
    add(f"server/curl/get-{MB}", case_server_curl, cbc, t12, get=MB, resume=False, needs="curl")
    add(f"server/curl/echo-{MB}", case_server_curl, gcm, t12, echo=MB, resume=False, needs="curl")
    add("server/tlslite/echo-65536", case_server_tlslite, cbc10, t10, echo=65536, resume=False)
    add("server/concurrent-16", case_server_concurrent)
    add("server/robustness", case_server_robustness)
    for kind in HOSTILE_PEERS:
        add(f"server/hostile/{kind}", case_server_hostile_peer, kind)
    add("server/pkcs8-key-and-chain", case_server_pkcs8_key)
    add("server/suite-option", case_server_suite_option)
    for n in ([0, MB] if quick else [0, 1, 16385, MB]):
        add(f"client/pyssl/get-{n}", case_client_py, "pyssl", gcm, t12, "-g", n, 0)
    for n in ([MB] if quick else [1, 16384, 65537, MB]):
        add(f"client/pyssl/echo-{n}", case_client_py, "pyssl", gcm, t12, "-e", n, 0)
    add(f"client/pyssl/echo-{MB}-tls1.0-cbc", case_client_py, "pyssl", cbc10, t10, "-e", MB, 0)
    add(f"client/gnutls/get-{MB}", case_client_gnutls, cbc, t12, MB, needs="gnutls-serv")
    add("client/tlslite/echo-65536", case_client_py, "tlslite", cbc10, t10, "-e", 65536, 0)
    add("client/pyssl/resume-3", case_client_py, "pyssl", cbc, t12, "-g", 100, 3)
    add("client/default-suite", case_client_default_suite)
    # Client authentication in both directions.
    add("server/openssl/client-auth", case_server_client_auth, True, needs="openssl")
    add("server/openssl/client-auth-missing-cert", case_server_client_auth, False, needs="openssl")
    add("client/openssl/client-auth", case_client_client_auth, "openssl", needs="openssl")
    add("client/pyssl/client-auth", case_client_client_auth, "pyssl")
    # RSA handshake signatures: RSA-PSS (rsa_pss_rsae_*) and PKCS#1 v1.5, both roles.
    add("server/openssl/sigalgs-rsa-pss-sha256", case_server_rsa_sigalgs, "rsa_pss_rsae_sha256", "RSA-PSS",
        "SHA256", needs="openssl")
    add("server/openssl/sigalgs-rsa-pkcs1-sha384", case_server_rsa_sigalgs, "rsa_pkcs1_sha384", "RSA",
        "SHA384", needs="openssl")
    add("client/openssl/sigalgs-rsa-pss-sha384", case_client_rsa_sigalgs, "rsa_pss_rsae_sha384", needs="openssl")
    add("client/openssl/client-auth-rsa-pss-sha256", case_client_rsa_sigalgs, "rsa_pss_rsae_sha512",
        "rsa_pss_rsae_sha256", needs="openssl")
    add("server/openssl/client-auth-rsa-pss-sha256", case_server_client_auth_sigalgs, "rsa_pss_rsae_sha256",
        needs="openssl")
    # Secure renegotiation (RFC 5746), resumed (0) and full (1), started by either side.
    for full in (0, 1):
        kind = "full" if full else "resumed"
        add(f"client/openssl/reneg-{kind}", case_client_openssl_reneg, full, needs="openssl")
        add(f"server/openssl/reneg-{kind}", case_server_reneg, "openssl", full, needs="openssl")
        add(f"server/pyssl/reneg-{kind}", case_server_reneg, "pyssl", full)
    add("client/unknown-ca-rejected", case_client_bad_ca)
    # Legacy X.509 v1 certificates made by openssl (ABI.md D9a) and peer keyUsage checks.
    add("client/openssl/v1-leaf-v1-root", case_client_openssl_v1, "v1leaf", "v1root", needs="openssl")
    add("client/openssl/v1-leaf-v3-root", case_client_openssl_v1, "v1leaf-v3ca", "interop-ca", needs="openssl")
    add("client/openssl/v1-intermediate-refused", case_client_openssl_v1_intermediate, needs="openssl")
    add("client/openssl/key-usage", case_client_openssl_key_usage, needs="openssl")
    add("server/openssl/v1-chain", case_server_v1_chain, needs="openssl")
    add_ec_cases(add, quick)
    add_dhe_psk_cases(add, quick)
    add_dss_cases(add, quick)
    add_tls13_cases(add, quick)

    if args.filter:
        rx = re.compile(args.filter)
        cases = [c for c in cases if rx.search(c[0])]
    if args.list:
        for name, _ in cases:
            print(name)
        return 0

    missing = [p for p in ("server", "client") if not (bindir / p).is_file()]
    if missing:
        print(f"FAIL setup: {', '.join(missing)} not built in {bindir} (run make)")
        print("0 passed, 1 failed")
        return 1

    tmp = Path(tempfile.mkdtemp(prefix="matrixssl-interop-"))
    passed = failed = skipped = 0
    old_handler = signal.signal(signal.SIGALRM, _alarm)
    try:
        try:
            pki = make_pki(tmp)
        except Exception as e:  # noqa: BLE001
            print(f"FAIL setup: test PKI: {e}")
            print("0 passed, 1 failed")
            return 1
        global H
        H = Harness(bindir, pki, tmp, args.verbose)
        if not HAVE_TLSLITE:
            print("note: tlslite-ng not importable; its cases are skipped (run with .venv/bin/python)")
        for name, fn in cases:
            t0 = time.monotonic()
            signal.alarm(CASE_TIMEOUT)
            try:
                fn()
                status, reason = "PASS", ""
            except CaseSkip as e:
                status, reason = "SKIP", str(e)
            except (CaseFailure, CaseTimeout) as e:
                status, reason = "FAIL", str(e)
            except Exception as e:  # noqa: BLE001 - any other error is a failed case
                status, reason = "FAIL", f"{type(e).__name__}: {e}"
            finally:
                signal.alarm(0)
                Proc.stop_all()
            dt = time.monotonic() - t0
            if status == "PASS":
                passed += 1
                print(f"PASS {name}" + (f" ({dt:.1f}s)" if args.verbose else ""), flush=True)
            elif status == "SKIP":
                skipped += 1
                print(f"SKIP {name}: {reason}", flush=True)
            else:
                failed += 1
                print(f"FAIL {name}: {reason}", flush=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old_handler)
        Proc.stop_all()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    return 1 if failed else 0


H: Harness  # set in main(); the case closures read it


if __name__ == "__main__":
    sys.exit(main())
