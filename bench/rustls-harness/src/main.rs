//! The in-memory benchmark of bench/matrixssl_bench.c for rustls (ring provider): the same
//! certificates, one suite offered per run, TLS 1.2 or (tls13 rows) TLS 1.3, X25519 chosen
//! (P-256 and P-384 offered too, as our client does), session-ID resumption in TLS 1.2
//! (rustls servers issue no TLS 1.2 tickets unless given a ticketer), in TLS 1.3 one
//! stateful ticket per handshake (without a ticketer a TLS 1.3 ticket is a reference into
//! the server's session cache, as ours are), records copied between the two connections
//! through one reused buffer.
//!
//! usage: rustls-harness FIXTURE_DIR [--smoke] [--seconds S]
//! Prints `RESULT lib=rustls metric=... suite=... value=...` lines and a closing
//! `rustls-bench: N passed, M failed`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

use rustls::client::Resumption;
use rustls::crypto::{CryptoProvider, ring as provider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{
    ClientConfig, ClientConnection, Connection, HandshakeKind, NamedGroup, ProtocolVersion,
    RootCertStore, ServerConfig, ServerConnection, SupportedCipherSuite,
};

// ---- allocation counting: usable size of live chunks, as bench/alloc_count.c counts ----

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static NALLOCS: AtomicU64 = AtomicU64::new(0);

struct Counting;

fn usable(p: *mut u8) -> usize {
    // SAFETY: `p` is a live chunk from the system allocator (glibc malloc family).
    unsafe { libc::malloc_usable_size(p.cast()) }
}

fn added(p: *mut u8) -> *mut u8 {
    if !p.is_null() {
        let live = LIVE.fetch_add(usable(p), Relaxed) + usable(p);
        PEAK.fetch_max(live, Relaxed);
        NALLOCS.fetch_add(1, Relaxed);
    }
    p
}

// SAFETY: every call is forwarded to `System`; only counters are updated around it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        added(unsafe { System.alloc(layout) })
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        added(unsafe { System.alloc_zeroed(layout) })
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        LIVE.fetch_sub(usable(p), Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(p, layout) }
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = usable(p);
        // SAFETY: forwarded unchanged.
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            LIVE.fetch_sub(old, Relaxed);
            added(q);
        }
        q
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn live() -> usize {
    LIVE.load(Relaxed)
}

// ---- harness -------------------------------------------------------------------------

const RECORD: usize = 16384;
const IDLE_PAIRS: usize = 16;

fn cpu() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

struct Bench {
    seconds: f64,
    smoke: bool,
    passed: u32,
    failed: u32,
}

impl Bench {
    fn result(&self, metric: &str, s: &Suite, value: f64) {
        let (prefix, suite) = (if s.tls13 { "tls13_" } else { "" }, s.iana);
        println!("RESULT lib=rustls metric={prefix}{metric} suite={suite} value={value:.6}");
    }
    fn check(&mut self, ok: bool, what: &str, suite: &str) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
            println!("FAIL lib=rustls {what} suite={suite}");
        }
    }
    /// Runs `f` until the CPU budget is spent (a few times in smoke mode); returns
    /// (iterations, CPU seconds), or None if an iteration failed.
    fn timed(&self, min: u64, mut f: impl FnMut() -> bool) -> Option<(u64, f64)> {
        let t0 = cpu();
        let mut n = 0u64;
        loop {
            if !f() {
                return None;
            }
            n += 1;
            if self.smoke {
                if n >= 3 {
                    break;
                }
            } else if n >= min && n.is_multiple_of(8) && cpu() - t0 >= self.seconds {
                break;
            }
        }
        Some((n, cpu() - t0))
    }
}

struct Suite {
    /// Row name: the IANA suite name; TLS 1.3 rows add the chain (as bench_util.h).
    iana: &'static str,
    suite: SupportedCipherSuite,
    ec: bool,
    bulk: bool,
    /// TLS 1.3 only (metrics prefixed `tls13_`); otherwise TLS 1.2 only.
    tls13: bool,
}

struct Configs {
    server: Arc<ServerConfig>,
    client_full: Arc<ClientConfig>,
    client_resume: Arc<ClientConfig>,
}

fn configs(dir: &str, s: &Suite) -> Configs {
    let p = |name: &str| format!("{dir}/{name}");
    let provider = Arc::new(CryptoProvider {
        cipher_suites: vec![s.suite],
        kx_groups: vec![
            provider::kx_group::X25519,
            provider::kx_group::SECP256R1,
            provider::kx_group::SECP384R1,
        ],
        ..provider::default_provider()
    });
    let (chain, key, ca) = if s.ec {
        ("ec-server-chain.pem", "ec-server.key", "ec-ca.pem")
    } else {
        ("server-chain.pem", "server.key", "ca.pem")
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(p(chain))
        .expect("chain")
        .collect::<Result<_, _>>()
        .expect("chain");
    let key = PrivateKeyDer::from_pem_file(p(key)).expect("key");
    let version = if s.tls13 {
        &rustls::version::TLS13
    } else {
        &rustls::version::TLS12
    };
    let mut server = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[version])
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server config");
    // One TLS 1.3 ticket per handshake, as our server and the OpenSSL harness issue.
    server.send_tls13_tickets = 1;
    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(p(ca)).expect("ca") {
        roots.add(c.expect("ca")).expect("ca");
    }
    let client = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut full = client.clone();
    full.resumption = Resumption::disabled();
    Configs {
        server: Arc::new(server),
        client_full: Arc::new(full),
        client_resume: Arc::new(client),
    }
}

/// Moves everything `from` has queued into `to` through `wire`; returns false on error.
fn xfer(from: &mut Connection, to: &mut Connection, wire: &mut Vec<u8>, sink: &mut [u8]) -> bool {
    wire.clear();
    while from.wants_write() {
        if from.write_tls(wire).is_err() {
            return false;
        }
    }
    let mut rd = &wire[..];
    while !rd.is_empty() {
        if to.read_tls(&mut rd).is_err() || to.process_new_packets().is_err() {
            return false;
        }
        loop {
            match to.reader().read(sink) {
                Ok(0) => break,
                Ok(n) => RECEIVED.fetch_add(n as u64, Relaxed),
                Err(_) => break,
            };
        }
    }
    true
}

static RECEIVED: AtomicU64 = AtomicU64::new(0);

struct Pair {
    c: Connection,
    s: Connection,
}

fn pair(cfg: &Configs, resume: bool, wire: &mut Vec<u8>, sink: &mut [u8]) -> Option<Pair> {
    let ccfg = if resume {
        &cfg.client_resume
    } else {
        &cfg.client_full
    };
    let name = ServerName::try_from("localhost").ok()?;
    let mut c: Connection = ClientConnection::new(ccfg.clone(), name).ok()?.into();
    let mut s: Connection = ServerConnection::new(cfg.server.clone()).ok()?.into();
    for _ in 0..16 {
        if !xfer(&mut c, &mut s, wire, sink) || !xfer(&mut s, &mut c, wire, sink) {
            return None;
        }
        if !c.is_handshaking() && !s.is_handshaking() && !c.wants_write() && !s.wants_write() {
            return Some(Pair { c, s });
        }
    }
    None
}

fn memory(b: &mut Bench, cfg: &Configs, s: &Suite, wire: &mut Vec<u8>, sink: &mut [u8]) {
    // Warm-up handshake first (one-time lazy initialisation is not per-session memory).
    let mut ok = pair(cfg, false, wire, sink).is_some();
    let base = live();
    PEAK.store(base, Relaxed);
    let p = pair(cfg, false, wire, sink);
    ok &= p.is_some();
    b.result("heap_peak", s, (PEAK.load(Relaxed) - base) as f64);
    drop(p);
    let base = live();
    let mut clients = Vec::with_capacity(IDLE_PAIRS);
    let mut servers = Vec::with_capacity(IDLE_PAIRS);
    let vec_bytes = live() - base;
    for _ in 0..IDLE_PAIRS {
        if let Some(p) = pair(cfg, false, wire, sink) {
            clients.push(p.c);
            servers.push(p.s);
        } else {
            ok = false;
        }
    }
    let held = live() - base - vec_bytes;
    drop(clients);
    let after_clients = live();
    drop(servers);
    let n = IDLE_PAIRS as f64;
    b.result("heap_idle", s, held as f64 / n);
    b.result(
        "heap_idle_client",
        s,
        (base + vec_bytes + held - after_clients) as f64 / n,
    );
    b.result(
        "heap_idle_server",
        s,
        (after_clients - base - vec_bytes) as f64 / n,
    );
    b.check(ok, "memory pairs", s.iana);
}

/// The pair ran the row's suite at the row's version over X25519 (a TLS 1.2 resumption
/// has no key exchange; a TLS 1.3 one is psk_dhe_ke).
fn negotiated(s: &Suite, p: &Pair, resumed: bool) -> bool {
    let version = if s.tls13 {
        ProtocolVersion::TLSv1_3
    } else {
        ProtocolVersion::TLSv1_2
    };
    let id = u16::from(s.suite.suite());
    p.s.negotiated_cipher_suite().map(|x| u16::from(x.suite())) == Some(id)
        && p.c.protocol_version() == Some(version)
        && p.s.protocol_version() == Some(version)
        && ((resumed && !s.tls13)
            || p.s.negotiated_key_exchange_group().map(|g| g.name()) == Some(NamedGroup::X25519))
}

fn full(b: &mut Bench, cfg: &Configs, s: &Suite, wire: &mut Vec<u8>, sink: &mut [u8]) {
    let allocs = NALLOCS.load(Relaxed);
    let r = b.timed(8, || {
        pair(cfg, false, wire, sink).is_some_and(|p| {
            negotiated(s, &p, false) && p.c.handshake_kind() == Some(HandshakeKind::Full)
        })
    });
    let allocs = NALLOCS.load(Relaxed) - allocs;
    b.check(r.is_some(), "full handshakes", s.iana);
    if let Some((n, t)) = r {
        b.result("full_hs", s, n as f64 / t);
        b.result("hs_allocs", s, allocs as f64 / n as f64);
    }
}

fn resumed(b: &mut Bench, cfg: &Configs, s: &Suite, wire: &mut Vec<u8>, sink: &mut [u8]) {
    let first = pair(cfg, true, wire, sink).is_some();
    let r = b.timed(8, || {
        pair(cfg, true, wire, sink).is_some_and(|p| {
            negotiated(s, &p, true)
                && p.c.handshake_kind() == Some(HandshakeKind::Resumed)
                && p.s.handshake_kind() == Some(HandshakeKind::Resumed)
        })
    });
    b.check(first && r.is_some(), "resumed handshakes", s.iana);
    if let Some((n, t)) = r {
        b.result("resumed_hs", s, n as f64 / t);
    }
}

fn bulk(b: &mut Bench, cfg: &Configs, s: &Suite, wire: &mut Vec<u8>, sink: &mut [u8]) {
    let data = vec![0xa5u8; RECORD];
    let Some(mut p) = pair(cfg, false, wire, sink) else {
        b.check(false, "bulk pair", s.iana);
        return;
    };
    let mut send = |p: &mut Pair| {
        p.c.writer().write_all(&data).is_ok() && xfer(&mut p.c, &mut p.s, wire, sink)
    };
    let mut ok = (0..4).all(|_| send(&mut p));
    RECEIVED.store(0, Relaxed);
    let allocs = NALLOCS.load(Relaxed);
    let r = if ok {
        b.timed(64, || send(&mut p))
    } else {
        None
    };
    let allocs = NALLOCS.load(Relaxed) - allocs;
    ok &= r.is_some_and(|(n, _)| RECEIVED.load(Relaxed) == n * RECORD as u64);
    b.check(ok, "bulk transfer", s.iana);
    if let (true, Some((n, t))) = (ok, r) {
        b.result("bulk", s, n as f64 * RECORD as f64 / t / 1e6);
        b.result("bulk_allocs_per_record", s, allocs as f64 / n as f64);
    }
}

fn main() {
    let mut b = Bench {
        seconds: 0.4,
        smoke: false,
        passed: 0,
        failed: 0,
    };
    let mut dir = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--smoke" => b.smoke = true,
            "--seconds" => b.seconds = args.next().and_then(|s| s.parse().ok()).unwrap_or(0.4),
            _ => dir = Some(a),
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: rustls-harness FIXTURE_DIR [--smoke] [--seconds S]");
        std::process::exit(2);
    };
    use provider::cipher_suite as cs;
    let suites = [
        Suite {
            iana: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            suite: cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            ec: false,
            bulk: true,
            tls13: false,
        },
        Suite {
            iana: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            suite: cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            ec: true,
            bulk: true,
            tls13: false,
        },
        Suite {
            iana: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            suite: cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            ec: true,
            bulk: true,
            tls13: false,
        },
        // TLS 1.3: bulk once (the record layer does not depend on the chain).
        Suite {
            iana: "TLS_AES_128_GCM_SHA256+ECDSA-P256",
            suite: cs::TLS13_AES_128_GCM_SHA256,
            ec: true,
            bulk: true,
            tls13: true,
        },
        Suite {
            iana: "TLS_AES_128_GCM_SHA256+RSA-2048",
            suite: cs::TLS13_AES_128_GCM_SHA256,
            ec: false,
            bulk: false,
            tls13: true,
        },
    ];
    println!("INFO lib=rustls version={}", env!("RUSTLS_VERSION"));
    let cfgs: Vec<Configs> = suites.iter().map(|s| configs(&dir, s)).collect();
    // The transfer buffers live outside every measurement.
    let mut wire = Vec::with_capacity(4 * RECORD);
    let mut sink = vec![0u8; RECORD];
    for (s, c) in suites.iter().zip(&cfgs) {
        memory(&mut b, c, s, &mut wire, &mut sink);
    }
    for (s, c) in suites.iter().zip(&cfgs) {
        full(&mut b, c, s, &mut wire, &mut sink);
        resumed(&mut b, c, s, &mut wire, &mut sink);
        if s.bulk {
            bulk(&mut b, c, s, &mut wire, &mut sink);
        }
    }
    println!("rustls-bench: {} passed, {} failed", b.passed, b.failed);
    std::process::exit(i32::from(b.failed > 0));
}
