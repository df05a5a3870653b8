//! One function per fuzz target. Input layouts are documented on each; every byte string is
//! a valid input (missing fields read as zero).

use std::sync::Arc;

use matrixssl::codec::Codec;
use matrixssl::conn::Connection;
use matrixssl::error::*;
use matrixssl::ffi::keys::{
    matrixSslDeleteKeys, matrixSslLoadEcKeysMem, matrixSslLoadRsaKeysMem, matrixSslNewKeys,
    sslKeys_t,
};
use matrixssl::ffi::x509::{psX509Cert_t, psX509FreeCert, psX509ParseCert};
use matrixssl::handshake::client::ClientOptions;
use matrixssl::msgs::tls13::{
    Certificate13, CertificateAuthorities, CertificateRequest13, Cookie, EncryptedExtensions,
    KeyShareClientHello, KeyShareHelloRetry, KeyShareServerHello, KeyUpdate, NewSessionTicket,
    OfferedPsks, PskKeyExchangeModes, SelectedPsk, SupportedVersionsClient,
    SupportedVersionsServer,
};
use matrixssl::msgs::{
    self, CertificateMsg, CertificateRequest, CertificateVerify, ClientHello, ClientKeyExchange,
    EcPointFormats, ExtendedMasterSecret, Finished, HandshakeType, HelloRequest, RenegotiationInfo,
    ServerHello, ServerHelloDone, ServerKeyExchange, SignatureAlgorithms, SupportedGroups,
};
use matrixssl::pki::certificate::parse_der_chain;
use matrixssl::pki::pem::parse_pem;
use matrixssl::pki::verify::{Usage, verify_chain};
use matrixssl::pki::{Certificate, PrivateKey};
use matrixssl::suites::KeyExchange;

use crate::{Delivery, FuzzCallbacks, deliver, drain, established_pair, fixture, seal_records};

/// Reads fields off the front of the input; past the end everything is zero.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.u8(), self.u8()])
    }
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (a, b) = self.0.split_at(n.min(self.0.len()));
        self.0 = b;
        a
    }
    fn rest(&mut self) -> &'a [u8] {
        self.take(self.0.len())
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Chunk size for a delivery from a selector byte: whole, 1, 2..., or odd sizes.
fn chunk_size(sel: u8) -> usize {
    match sel & 7 {
        0 | 1 => usize::MAX,
        2 => 1,
        3 => 5,
        4 => 7,
        5 => 100,
        6 => 1500,
        _ => 4096,
    }
}

/// The highest version a session negotiates, from two flag bits. TLS 1.3 (3) came last, so
/// the seeds recorded before it keep their meaning.
const VERSIONS: [u16; 4] = [0x0303, 0x0302, 0x0301, 0x0304];

/// `server_recv`: `[flags] bytes...` — a fresh server session receives `bytes` as if from a
/// client. flags bit 0: request a client certificate; bits 1-2: highest version (3: TLS
/// 1.3, under [`crate::config_for`]); bits 3-5: delivery chunk size; bit 6: the certificate
/// callback refuses (alert 42); bit 7: the server holds [`crate::fixed_identity`] only (no
/// PSK, the same certificate whatever the PKI) instead of the fixture's keys.
///
/// The server draws its randomness from [`crate::SERVER_STREAM`] started afresh, so a
/// client's flights recorded against it (`gen_seeds`) stay valid: its Finished included.
pub fn server_recv(data: &[u8]) {
    server_recv_outcome(data);
}

/// [`server_recv`], returning what the delivery produced (the replay checks the recorded
/// conversations complete).
pub fn server_recv_outcome(data: &[u8]) -> Delivery {
    let f = fixture();
    let mut c = Cursor(data);
    let flags = c.u8();
    crate::install_fixed_sessions();
    let version = VERSIONS[usize::from(flags >> 1 & 3)];
    let config = crate::config_for(version);
    crate::restart_stream(crate::SERVER_STREAM);
    let keys = if flags & 0x80 != 0 {
        &f.fixed_identity_keys
    } else {
        &f.server_keys
    };
    let mut server = Connection::new_server_with(config, keys.clone());
    let opts = server.server_options_mut();
    opts.client_auth = flags & 1 != 0;
    opts.max_version = version;
    let mut cb = FuzzCallbacks::accepting();
    if flags & 0x40 != 0 {
        cb.cert_result = i32::from(alert::BAD_CERTIFICATE);
    }
    deliver(&mut server, c.rest(), chunk_size(flags >> 3), &mut cb)
}

/// `client_recv`: `[flags] [suite selector] bytes...` — a client session that has queued
/// its ClientHello receives `bytes` as if from a server. flags bits 0-1: highest version
/// (3: TLS 1.3, under [`crate::config_for`]); bit 2: offer to resume a fixed session
/// (`crate::fixed_ticket`, chosen by the selector); bits 3-5: chunk size; bit 6: the
/// extension callback refuses; bit 7: the certificate callback allows an anonymous
/// connection. Suite selector 0 offers the default list; with TLS 1.3 and the selector's
/// high bit set, one TLS 1.3 suite alone; otherwise one of the compiled-in TLS ≤ 1.2 suites
/// (which caps the offer at TLS 1.2, ABI.md D25).
///
/// The client draws its randomness from [`crate::CLIENT_STREAM`] started afresh, so its
/// ClientHello (random, key shares) is the one `gen_seeds` recorded and the recorded server
/// flights decrypt and verify.
pub fn client_recv(data: &[u8]) {
    client_recv_outcome(data);
}

/// [`client_recv`], returning what the delivery produced (`None`: no session was made).
pub fn client_recv_outcome(data: &[u8]) -> Option<Delivery> {
    let f = fixture();
    let mut c = Cursor(data);
    let flags = c.u8();
    let sel = c.u8();
    let (version, options) = client_recv_options(flags, sel);
    let config = crate::config_for(version);
    crate::restart_stream(crate::CLIENT_STREAM);
    let Ok(mut client) = Connection::new_client_with(config, f.client_keys.clone(), options) else {
        return None; // a TLS 1.2 suite with a lower version cap
    };
    drain(&mut client);
    let mut cb = FuzzCallbacks::accepting();
    if flags & 0x40 != 0 {
        cb.ext_result = -1;
    }
    if flags & 0x80 != 0 {
        cb.cert_result = SSL_ALLOW_ANON_CONNECTION;
    }
    Some(deliver(
        &mut client,
        c.rest(),
        chunk_size(flags >> 3),
        &mut cb,
    ))
}

/// The highest version and the options of `client_recv`'s client for its first two input
/// bytes (`gen_seeds` records with the same client).
pub fn client_recv_options(flags: u8, sel: u8) -> (u16, ClientOptions) {
    let version = VERSIONS[usize::from(flags & 3)];
    let cipher_spec = if sel == 0 {
        0
    } else if version == 0x0304 && sel & 0x80 != 0 {
        let all = &matrixssl::suites::TLS13_SUITES;
        all[usize::from(sel & 0x7f) % all.len()].id
    } else {
        let all = &matrixssl::suites::ALL;
        all[usize::from(sel) % all.len()].id
    };
    let options = ClientOptions {
        max_version: version,
        cipher_spec,
        user_extensions: vec![(0, b"\x00\x0c\x00\x00\x09localhost".to_vec())],
        resume: (flags & 4 != 0).then(|| crate::fixed_ticket(usize::from(sel))),
        ..ClientOptions::default()
    };
    (version, options)
}

/// `established`: `[config] ops...` — a real handshake (configuration `config & 15`, modulo
/// the length of [`crate::ESTABLISHED_CONFIGS`]) completes; then the fuzzer builds what
/// arrives at the server (config bit 4 clear) or the client (set) from operations, each
/// starting with an opcode byte:
///
/// * `0 typ len:u16 payload` — records of type `typ` sealed under the peer's real keys;
/// * `1 len:u8 bytes` — raw bytes (garbage ciphertext, broken headers);
/// * `2 len:u16 pos:u16 xor:u8` — an application record of `len` bytes from the peer with
///   one byte of its wire form flipped (MAC/padding/tag failures, header damage);
/// * `3 sel` — deliver what was built so far, with chunk size `sel`;
/// * `4` — the peer queues a close_notify; `5` — the peer starts a rehandshake.
pub fn established(data: &[u8]) {
    let mut c = Cursor(data);
    let config = c.u8();
    let Some((mut client, mut server)) = established_pair(usize::from(config & 0x0f)) else {
        return;
    };
    let (target, peer) = if config & 0x10 == 0 {
        (&mut server, &mut client)
    } else {
        (&mut client, &mut server)
    };
    let mut cb = FuzzCallbacks::accepting();
    let mut wire = Vec::new();
    let mut ops = 0;
    while !c.is_empty() && ops < 64 {
        ops += 1;
        match c.u8() % 6 {
            0 => {
                let typ = c.u8();
                let len = usize::from(c.u16()) % 20_000;
                let payload = c.take(len).to_vec();
                seal_records(peer, typ, &payload, &mut wire);
            }
            1 => {
                let len = usize::from(c.u8());
                wire.extend_from_slice(c.take(len));
            }
            2 => {
                let len = usize::from(c.u16()) % 16_385;
                let pos = usize::from(c.u16());
                let xor = c.u8();
                let payload: Vec<u8> = (0..len).map(|i| i as u8).collect();
                let start = peer.outdata().len();
                if peer.encode_to_outdata(&payload) > 0 {
                    let rec = &peer.outdata()[start..];
                    let mut rec = rec.to_vec();
                    if !rec.is_empty() {
                        let p = pos % rec.len();
                        rec[p] ^= xor;
                    }
                    wire.extend_from_slice(&rec);
                }
                drain(peer);
            }
            3 => {
                let sel = c.u8();
                let d = deliver(target, &wire, chunk_size(sel), &mut cb);
                wire.clear();
                if d.dead {
                    return;
                }
            }
            4 => {
                peer.encode_closure_alert();
                wire.extend_from_slice(peer.outdata());
                drain(peer);
            }
            _ => {
                if peer.encode_rehandshake(None, c.u8() & 1 != 0, 0) == MATRIXSSL_SUCCESS {
                    wire.extend_from_slice(peer.outdata());
                }
                drain(peer);
            }
        }
    }
    deliver(target, &wire, usize::MAX, &mut cb);
}

/// `x509`: `[flags] der...` — certificate parsing through the Rust parser, the chain
/// parser, `psX509ParseCert` (flags: CERT_STORE_UNPARSED_BUFFER / CERT_STORE_DN_BUFFER), and
/// chain verification of whatever parsed against the test roots.
pub fn x509(data: &[u8]) {
    let mut c = Cursor(data);
    let flags = c.u8();
    let der = c.rest();
    if let Ok(cert) = Certificate::from_der(der) {
        let _ = cert.tbs_der();
    }
    if let Ok(chain) = parse_der_chain(der) {
        let chain: Vec<Arc<Certificate>> = chain.into_iter().map(Arc::new).collect();
        if !chain.is_empty() {
            let verdict = verify_chain(
                &chain,
                &fixture().client_keys.ca_certs,
                if flags & 0x80 != 0 {
                    Usage::Client
                } else {
                    Usage::Server
                },
                1_700_000_000,
            );
            assert_eq!(verdict.statuses.len(), chain.len());
        }
    }
    let mut buf = der.to_vec();
    let mut out: *mut psX509Cert_t = std::ptr::null_mut();
    // SAFETY: `buf` holds `buf.len()` readable bytes for the call, `out` is writable; the
    // chain returned (if any) is freed exactly once below.
    let rc = unsafe {
        psX509ParseCert(
            std::ptr::null_mut(),
            buf.as_mut_ptr(),
            buf.len() as u32,
            &mut out,
            i32::from(flags & 3),
        )
    };
    assert!(
        rc < 0 || (rc as usize) <= buf.len(),
        "consumed more than given"
    );
    assert_eq!(rc < 0, out.is_null(), "return code and chain disagree");
    // SAFETY: `out` is NULL or the head of a chain from psX509ParseCert.
    unsafe { psX509FreeCert(out) };
}

/// Certificate, key and CA buffers of one loader call (`None` = NULL).
type LoaderArgs<'a> = (Option<&'a [u8]>, Option<&'a [u8]>, Option<&'a [u8]>);

/// `keys_mem`: `[sel] [split:u16] bytes...` — the DER key loaders on hostile input. `bytes`
/// is cut at `split` into A and B; sel bit 0 picks the EC loader; bits 1-3 say what A and
/// B stand for: (cert, key) / (key with the real chain) / (cert with the real key) / CA /
/// (cert, key, CA=B) / (chain, key, CA all fuzzed).
pub fn keys_mem(data: &[u8]) {
    let f = fixture();
    let mut c = Cursor(data);
    let sel = c.u8();
    let split = usize::from(c.u16());
    let rest = c.rest();
    let (a, b) = rest.split_at(split.min(rest.len()));
    let ec = sel & 1 != 0;
    let (real_chain, real_key) = if ec {
        (&f.ec_chain_der, &f.ec_key_der)
    } else {
        (&f.server_chain_der, &f.server_key_der)
    };
    let (cert, key, ca): LoaderArgs<'_> = match (sel >> 1) % 6 {
        0 => (Some(a), Some(b), None),
        1 => (Some(real_chain), Some(a), None),
        2 => (Some(a), Some(real_key), Some(b)),
        3 => (None, None, Some(a)),
        4 => (Some(a), Some(b), Some(&f.ca_der)),
        _ => (Some(b), Some(a), Some(b)),
    };
    let mut keys: *mut sslKeys_t = std::ptr::null_mut();
    // SAFETY: `keys` is a writable out-pointer.
    assert_eq!(unsafe { matrixSslNewKeys(&mut keys) }, PS_SUCCESS);
    let mut bufs: Vec<Option<Vec<u8>>> = vec![
        cert.map(<[u8]>::to_vec),
        key.map(<[u8]>::to_vec),
        ca.map(<[u8]>::to_vec),
    ];
    let mut arg = |i: usize| -> (*mut u8, i32) {
        match &mut bufs[i] {
            Some(v) => (v.as_mut_ptr(), v.len() as i32),
            None => (std::ptr::null_mut(), 0),
        }
    };
    let (cp, cl) = arg(0);
    let (kp, kl) = arg(1);
    let (ap, al) = arg(2);
    // SAFETY: every buffer is NULL or `len` readable bytes that outlive the call; `keys`
    // is a live handle, deleted once at the end.
    let rc = unsafe {
        if ec {
            matrixSslLoadEcKeysMem(keys, cp, cl, kp, kl, ap, al)
        } else {
            matrixSslLoadRsaKeysMem(keys, cp, cl, kp, kl, ap, al)
        }
    };
    assert!(rc <= 0, "loaders return 0 or a negative code, got {rc}");
    // A second load into the same container must fail cleanly or succeed, never crash.
    // SAFETY: as above.
    let _ = unsafe { matrixSslLoadRsaKeysMem(keys, cp, cl, kp, kl, ap, al) };
    // SAFETY: a live handle from matrixSslNewKeys, deleted exactly once.
    unsafe { matrixSslDeleteKeys(keys) };
}

/// `pem`: `[flags] text...` — PEM decoding and private-key loading (flags bit 0: with the
/// password "secret"; encrypted keys are only tried with it, which bounds the time spent in
/// PBKDF2 per input to what the iteration cap allows).
pub fn pem(data: &[u8]) {
    let mut c = Cursor(data);
    let flags = c.u8();
    let text = c.rest();
    if let Ok(blocks) = parse_pem(text) {
        for b in &blocks {
            let _ = Certificate::from_der(&b.der);
        }
        let _ = PrivateKey::from_pem_blocks(&blocks, (flags & 1 != 0).then_some(b"secret"));
    }
    let _ = PrivateKey::from_pem(text, None);
}

/// Feeds `bytes` to `conn` (`chunk` per call), appending every application plaintext to
/// `sink`; output `conn` queues stays queued. Stops at a negative return.
fn receive_into(
    conn: &mut Connection,
    bytes: &[u8],
    chunk: usize,
    cb: &mut FuzzCallbacks,
    sink: &mut Vec<u8>,
) {
    let mut off = 0;
    while off < bytes.len() {
        let (at, room) = conn.read_buf();
        assert!(room > 0, "GetReadbuf must offer room");
        let n = room.min(chunk.max(1)).min(bytes.len() - off);
        conn.inbuf_mut()[at..at + n].copy_from_slice(&bytes[off..off + n]);
        off += n;
        let r = conn.received(n, cb);
        if drain_records(conn, r, cb, sink) < 0 {
            return;
        }
    }
}

/// Hands out records until a code other than APP_DATA/RECEIVED_ALERT; returns that code.
/// After REQUEST_SEND the records buffered behind the flight are decoded with
/// `ReceivedData(0)`, as ABI.md §3.4.2 advises (the output stays queued meanwhile).
fn drain_records(
    conn: &mut Connection,
    mut r: matrixssl::conn::Received,
    cb: &mut FuzzCallbacks,
    sink: &mut Vec<u8>,
) -> i32 {
    for _ in 0..100_000 {
        match r.rc {
            MATRIXSSL_REQUEST_SEND => {
                let next = conn.received(0, cb);
                if matches!(next.rc, PS_SUCCESS | MATRIXSSL_REQUEST_RECV) {
                    return MATRIXSSL_REQUEST_SEND;
                }
                r = next;
                continue;
            }
            MATRIXSSL_APP_DATA => {
                let range = r.plaintext.clone().expect("APP_DATA range");
                sink.extend_from_slice(&conn.inbuf_mut()[range]);
            }
            MATRIXSSL_RECEIVED_ALERT => {
                let range = r.plaintext.clone().expect("ALERT range");
                let a = &conn.inbuf_mut()[range];
                assert_eq!(a.len(), 2);
                assert_ne!(
                    a[0],
                    alert::LEVEL_FATAL,
                    "fatal alert {} from a well-behaved peer",
                    a[1]
                );
            }
            rc => return rc,
        }
        r = conn.processed(cb);
    }
    panic!("ProcessedData loop did not end");
}

/// `api_sequence`: `[config] ops...` — both ends of an established pair (configuration
/// `config & 15`, as for `established`) driven through any order of buffer-protocol calls an application might
/// make: GetWritebuf/EncodeWritebuf (with lengths up to one past the room), abandoned
/// reservations, EncodeToOutdata, partial SentData, delivery in chunks, ReceivedData(0),
/// ProcessedData, rehandshakes, credits and closure alerts. No byte is forged, so the oracle
/// is strict: neither side may fail, and once everything is flushed each side must have
/// received exactly the application bytes the other side's encode calls accepted.
///
/// Opcode byte: bit 7 = side (0 client, 1 server), low 7 bits % 10 = operation (see the match).
pub fn api_sequence(data: &[u8]) {
    let mut c = Cursor(data);
    let config = c.u8();
    let Some((client, server)) = established_pair(usize::from(config & 0x0f)) else {
        return;
    };
    let mut sides = [client, server];
    // wire[s]: bytes side s reported sent, not yet delivered to the other side.
    let mut wire: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    let mut expected: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    let mut got: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    let mut cb = FuzzCallbacks::accepting();
    let mut counter = 0u8;
    let mut next_bytes = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                counter = counter.wrapping_add(1);
                counter
            })
            .collect()
    };
    let mut ops = 0;
    while !c.is_empty() && ops < 200 {
        ops += 1;
        let op = c.u8();
        let s = usize::from(op >> 7);
        let conn = &mut sides[s];
        match (op & 0x7f) % 10 {
            0 => {
                let req = usize::from(c.u16()) % 17_000;
                let (at, room) = conn.write_buf(req);
                assert!(
                    room >= req.min(16_384) && room <= 16_384,
                    "room {room} for {req}"
                );
                let len = usize::from(c.u16()) % (room + 2);
                let n = len.min(room);
                let bytes = next_bytes(n);
                conn.core.out[at..at + n].copy_from_slice(&bytes);
                let rc = conn.encode_write_buf(len);
                if rc > 0 {
                    assert!(len <= room, "EncodeWritebuf accepted {len} > room {room}");
                    assert_eq!(rc as usize, conn.outdata().len(), "EncodeWritebuf return");
                    expected[s].extend_from_slice(&bytes);
                }
            }
            1 => {
                let req = usize::from(c.u16()) % 17_000;
                let _ = conn.write_buf(req);
            }
            2 => {
                let len = usize::from(c.u16()) % 16_500;
                let bytes = next_bytes(len);
                let rc = conn.encode_to_outdata(&bytes);
                if rc > 0 {
                    assert!(len <= 16_384);
                    assert_eq!(rc as usize, conn.outdata().len(), "EncodeToOutdata return");
                    expected[s].extend_from_slice(&bytes);
                }
            }
            3 | 4 => {
                let pending = conn.outdata().len();
                let k = if (op & 0x7f) % 10 == 4 {
                    pending
                } else {
                    usize::from(c.u16()) % (pending + 1)
                };
                let head = conn.outdata()[..k].to_vec();
                let rc = conn.sent(k);
                assert!(rc >= 0, "SentData({k}) of {pending} pending gave {rc}");
                wire[s].extend_from_slice(&head);
            }
            5 => {
                let sel = c.u8();
                let bytes = std::mem::take(&mut wire[s]);
                receive_into(
                    &mut sides[1 - s],
                    &bytes,
                    chunk_size(sel),
                    &mut cb,
                    &mut got[1 - s],
                );
            }
            6 => {
                let full = c.u8() & 1 != 0;
                let _ = conn.encode_rehandshake(None, full, 0);
            }
            7 => {
                let _ = conn.encode_closure_alert();
            }
            8 => {
                let n = i32::from(c.u8() % 4);
                sides[1].add_rehandshake_credits(n);
            }
            _ => {
                let r = if c.u8() & 1 == 0 {
                    conn.received(0, &mut cb)
                } else {
                    conn.processed(&mut cb)
                };
                drain_records(conn, r, &mut cb, &mut got[s]);
            }
        }
    }
    // Flush everything both ways until quiet.
    for _ in 0..12 {
        for s in 0..2 {
            let out = sides[s].outdata().to_vec();
            if !out.is_empty() {
                sides[s].sent(out.len());
                wire[s].extend_from_slice(&out);
            }
            let bytes = std::mem::take(&mut wire[s]);
            receive_into(
                &mut sides[1 - s],
                &bytes,
                usize::MAX,
                &mut cb,
                &mut got[1 - s],
            );
        }
    }
    for s in 0..2 {
        assert!(
            !sides[s].errored(),
            "side {s} failed although nothing was forged"
        );
        assert!(
            got[1 - s] == expected[s],
            "side {s} encoded {} application bytes, the peer received {} (first difference at {:?})",
            expected[s].len(),
            got[1 - s].len(),
            expected[s]
                .iter()
                .zip(&got[1 - s])
                .position(|(a, b)| a != b)
        );
    }
}

/// Reads `$body` as `$ty`; when that succeeds the value must encode, the encoding must read
/// back as an equal value, and (every message format here being canonical: one encoding
/// per value) it must be the very bytes read. A macro so that each read borrows with its
/// own lifetime.
macro_rules! round_trip {
    ($ty:ty, $body:expr, $ctx:expr) => {{
        let body: &[u8] = $body;
        if let Ok(value) = <$ty>::parse(body, $ctx) {
            let encoded = value.to_bytes().expect("a value read from bytes encodes");
            let again = <$ty>::parse(&encoded, $ctx).expect("an encoding reads back");
            assert_eq!(again, value, "{} changed in a round trip", stringify!($ty));
            assert_eq!(encoded, body, "{} re-encoded differently", stringify!($ty));
        }
    }};
}

/// Key exchanges selectable by `handshake_codec`'s context byte (low 3 bits).
pub const CODEC_KEY_EXCHANGES: [KeyExchange; 8] = [
    KeyExchange::Rsa,
    KeyExchange::EcdheRsa,
    KeyExchange::EcdheEcdsa,
    KeyExchange::DheRsa,
    KeyExchange::DheDss,
    KeyExchange::Psk,
    KeyExchange::DhePsk,
    KeyExchange::DhAnon,
];

/// Versions selectable by `handshake_codec`'s context byte (bits 3-4).
pub const CODEC_VERSIONS: [u16; 4] = [0x0300, 0x0301, 0x0302, 0x0303];

/// The message kinds of `handshake_codec`, by the kind byte modulo their number.
pub const CODEC_KINDS: [&str; 33] = [
    "ClientHello",
    "ServerHello",
    "Certificate",
    "CertificateRequest",
    "ServerKeyExchange",
    "ClientKeyExchange",
    "CertificateVerify",
    "Finished",
    "HelloRequest",
    "ServerHelloDone",
    "renegotiation_info",
    "extended_master_secret",
    "supported_groups",
    "ec_point_formats",
    "signature_algorithms",
    "sslv2 ClientHello",
    "handshake header",
    "extension block",
    "supported_versions (ClientHello)",
    "supported_versions (ServerHello)",
    "key_share (ClientHello)",
    "key_share (ServerHello)",
    "key_share (HelloRetryRequest)",
    "psk_key_exchange_modes",
    "cookie",
    "pre_shared_key (ClientHello)",
    "pre_shared_key (ServerHello)",
    "EncryptedExtensions",
    "Certificate (TLS 1.3)",
    "CertificateRequest (TLS 1.3)",
    "NewSessionTicket (TLS 1.3)",
    "KeyUpdate",
    "certificate_authorities",
];

/// `handshake_codec`: `[kind] [context] body` — `body` read as the message or extension
/// `CODEC_KINDS[kind % 33]` under the key exchange `CODEC_KEY_EXCHANGES[context & 7]` and
/// version `CODEC_VERSIONS[(context >> 3) & 3]`, with the round-trip oracle of
/// `round_trip!`. "sslv2 ClientHello" checks that a converted SSL 2.0 hello is a valid
/// ClientHello; "handshake header" and "extension block" read `body` as a handshake
/// message header and a hello's extensions. The TLS 1.3 kinds (18 on) need no context;
/// an offered pre_shared_key also checks that its binders are the encoding's last
/// `binders_encoded_len()` bytes, and a TLS 1.3 CertificateRequest that reading its
/// signature schemes, signature_algorithms_cert and certificate_authorities gives a
/// result.
pub fn handshake_codec(data: &[u8]) {
    let mut c = Cursor(data);
    let kind = usize::from(c.u8()) % CODEC_KINDS.len();
    let context = c.u8();
    let body = c.rest();
    let kx = CODEC_KEY_EXCHANGES[usize::from(context & 7)];
    let version = CODEC_VERSIONS[usize::from((context >> 3) & 3)];
    match kind {
        0 => round_trip!(ClientHello<'_>, body, ()),
        1 => round_trip!(ServerHello<'_>, body, ()),
        2 => round_trip!(CertificateMsg<'_>, body, ()),
        3 => round_trip!(CertificateRequest, body, version),
        4 => round_trip!(ServerKeyExchange<'_>, body, (kx, version)),
        5 => round_trip!(ClientKeyExchange<'_>, body, (kx, version)),
        6 => round_trip!(CertificateVerify<'_>, body, version),
        7 => round_trip!(Finished<'_>, body, ()),
        8 => round_trip!(HelloRequest, body, ()),
        9 => round_trip!(ServerHelloDone, body, ()),
        10 => round_trip!(RenegotiationInfo<'_>, body, ()),
        11 => round_trip!(ExtendedMasterSecret, body, ()),
        12 => round_trip!(SupportedGroups, body, ()),
        13 => round_trip!(EcPointFormats<'_>, body, ()),
        14 => round_trip!(SignatureAlgorithms, body, ()),
        15 => {
            if let Ok(hello) = msgs::sslv2_client_hello_to_v3(body) {
                round_trip!(ClientHello<'_>, &hello, ());
                ClientHello::parse(&hello, ()).expect("a converted SSL 2.0 hello reads");
            }
        }
        16 => {
            // A handshake header around the body: the type and length come back out.
            let typ = HandshakeType(context);
            let msg = msgs::handshake_message(typ, body).expect("fuzz input under 2^24");
            assert_eq!((msg[0], &msg[4..]), (context, body));
        }
        17 => {
            // An extension block alone, as it ends a ServerHello (version, random,
            // empty session id, suite, null compression before it).
            let hello = [&[3, 3][..], &[0; 32], &[0, 0, 0x2f, 0], body].concat();
            round_trip!(ServerHello<'_>, &hello, ());
        }
        18 => round_trip!(SupportedVersionsClient, body, ()),
        19 => round_trip!(SupportedVersionsServer, body, ()),
        20 => round_trip!(KeyShareClientHello<'_>, body, ()),
        21 => round_trip!(KeyShareServerHello<'_>, body, ()),
        22 => round_trip!(KeyShareHelloRetry, body, ()),
        23 => round_trip!(PskKeyExchangeModes<'_>, body, ()),
        24 => round_trip!(Cookie<'_>, body, ()),
        25 => {
            round_trip!(OfferedPsks<'_>, body, ());
            if let Ok(offered) = OfferedPsks::parse(body, ()) {
                // The binders list is the tail the binder transcript leaves out.
                let cut =
                    msgs::tls13::client_hello_without_binders(body, offered.binders_encoded_len());
                let binders = &body[cut.len()..];
                assert_eq!(binders.len(), offered.binders_encoded_len());
                assert_eq!(
                    usize::from(u16::from_be_bytes([binders[0], binders[1]])),
                    binders.len() - 2
                );
            }
        }
        26 => round_trip!(SelectedPsk, body, ()),
        27 => round_trip!(EncryptedExtensions<'_>, body, ()),
        28 => round_trip!(Certificate13<'_>, body, ()),
        29 => {
            round_trip!(CertificateRequest13<'_>, body, ());
            if let Ok(request) = CertificateRequest13::parse(body, ()) {
                let _ = request.signature_schemes();
                let _ = msgs::tls13::signature_algorithms_cert(&request.extensions);
                let _ = msgs::tls13::certificate_authorities(&request.extensions);
            }
        }
        30 => round_trip!(NewSessionTicket<'_>, body, ()),
        31 => round_trip!(KeyUpdate, body, ()),
        _ => round_trip!(CertificateAuthorities<'_>, body, ()),
    }
}
