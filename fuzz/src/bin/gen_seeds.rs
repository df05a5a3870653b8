//! Records the seed corpora in fuzz/seeds/: real handshakes between the library's own
//! client and server (each direction's bytes), hand-built operation lists for the
//! `established` target, and the test PKI's certificates and keys.
//!
//!   gen_seeds [OUTDIR]      (default: fuzz/seeds)
//!
//! The seeds are committed; rerun this only to refresh them. The fuzz crate builds the
//! library with `fuzzing-deterministic`, so each end of a recorded conversation draws its
//! randomness from the stream its harness replays it under (`record_with`): the seeds
//! carry valid encrypted TLS 1.3 flights. Seeds that include our own server's certificate
//! (server_recv after a certificate handshake) still depend on the test PKI they were
//! recorded with.

use std::path::{Path, PathBuf};

use matrixssl::conn::Connection;
use matrixssl::handshake::Callbacks;
use matrixssl::handshake::client::{ClientOptions, ResumeTicket};
use matrixssl::pki::Certificate;
use matrixssl::suites::{ALL, TLS13_SUITES};
use std::sync::Arc;

use matrixssl::crypto::rng::deterministic::Stream;
use matrixssl::keys::Keys;
use matrixssl_fuzz::{
    CLIENT_STREAM, ESTABLISHED_CONFIGS, FIXED_SESSIONS, FuzzCallbacks, SERVER_STREAM, config_for,
    deliver_keep_output, fixed_ticket, fixture, install_fixed_sessions, pki_dir, pki_path,
    targets::{client_recv_options, client_recv_outcome, server_recv_outcome},
    with_stream,
};

const COMPLETE_HEADER: &str = "\
# Written by gen_seeds: seeds holding a whole recorded conversation (`TARGET NAME`). The
# replay requires each to complete its handshake, deliver the peer's 18 bytes of application
# data and end with its close_notify: the fuzzing build's deterministic randomness makes
# the harness's session draw what it drew while recording, so the encrypted flights in the
# seed are valid for it.
";

fn write(dir: &Path, target: &str, name: &str, bytes: &[u8]) {
    let d = dir.join(target);
    std::fs::create_dir_all(&d).expect("mkdir");
    std::fs::write(d.join(name), bytes).expect("write seed");
}

/// [`write`], and lists the seed among those the replay requires to complete.
fn write_completing(
    dir: &Path,
    complete: &mut Vec<String>,
    target: &str,
    name: &str,
    bytes: &[u8],
) {
    write(dir, target, name, bytes);
    complete.push(format!("{target} {name}"));
}

/// Both directions of one connection: handshake, a little data each way, close_notify.
struct Transcript {
    c2s: Vec<u8>,
    s2c: Vec<u8>,
    ticket: Option<ResumeTicket>,
    /// The handshake used a PSK (TLS 1.3: the fixture's external one), not certificates.
    psk: bool,
}

fn record(options: ClientOptions, client_auth: bool) -> Transcript {
    record_with(
        options,
        client_auth,
        &fixture().server_keys,
        false,
        SERVER_STREAM,
    )
}

/// A resumption attempt of a session `record` made. Its server draws from another stream:
/// one that refuses to resume would otherwise assign the very session id the client offers
/// (the one the first recording's server drew), and the client would take the full
/// handshake for a resumed one. (`server_recv` cannot resume these sessions anyway: they
/// are not in its cache.)
fn record_resumed(options: ClientOptions) -> Transcript {
    record_with(
        options,
        false,
        &fixture().server_keys,
        false,
        SERVER_STREAM + 1,
    )
}

/// Records a conversation between the fixture's client and a server holding `server_keys`.
/// Each end runs under its own random stream, started as `client_recv`/`server_recv` start
/// theirs, so replaying one end's input to a fresh session of that harness draws the same
/// randomness and reproduces the conversation byte for byte (the library's
/// `fuzzing-deterministic` build). `key_update`: after the handshake the server also sends
/// a TLS 1.3 KeyUpdate (update_requested) before its data.
fn record_with(
    options: ClientOptions,
    client_auth: bool,
    server_keys: &Arc<Keys>,
    key_update: bool,
    server_stream: u64,
) -> Transcript {
    let f = fixture();
    let config = config_for(options.max_version);
    let mut cs = Stream::new(CLIENT_STREAM);
    let mut ss = Stream::new(server_stream);
    let mut client = with_stream(&mut cs, || {
        Connection::new_client_with(config.clone(), f.client_keys.clone(), options)
    })
    .expect("client");
    let mut server = with_stream(&mut ss, || {
        let mut server = Connection::new_server_with(config, server_keys.clone());
        server.server_options_mut().client_auth = client_auth;
        server
    });
    let mut t = Transcript {
        c2s: Vec::new(),
        s2c: Vec::new(),
        ticket: None,
        psk: false,
    };
    let mut client_cb = ServerCertificates(0);
    let mut server_cb = FuzzCallbacks::accepting();
    for _ in 0..8 {
        flight(
            &mut client,
            &mut cs,
            &mut server,
            &mut ss,
            &mut t.c2s,
            &mut server_cb,
        );
        flight(
            &mut server,
            &mut ss,
            &mut client,
            &mut cs,
            &mut t.s2c,
            &mut client_cb,
        );
        if client.handshake_complete() && server.handshake_complete() && client.outdata().is_empty()
        {
            break;
        }
    }
    assert!(
        client.handshake_complete() && server.handshake_complete(),
        "handshake failed: client {} server {}",
        client.errored(),
        server.errored()
    );
    if key_update {
        with_stream(&mut ss, || {
            server.add_rehandshake_credits(1);
            assert_eq!(server.encode_rehandshake(None, false, 0), 0, "KeyUpdate");
        });
    }
    for (from, stream, log) in [
        (&mut client, &mut cs, &mut t.c2s),
        (&mut server, &mut ss, &mut t.s2c),
    ] {
        with_stream(stream, || {
            from.encode_to_outdata(b"GET / HTTP/1.0\r\n\r\n");
            from.encode_to_outdata(&[]);
            from.encode_closure_alert();
            log.extend_from_slice(from.outdata());
            let n = from.outdata().len();
            from.sent(n);
        });
    }
    t.ticket = ResumeTicket::from_negotiated(&client.core.negotiated);
    t.psk = client_cb.0 == 0;
    t
}

/// One direction: what `from` queued is logged, marked sent and delivered to `to`, each
/// under its own stream.
fn flight(
    from: &mut Connection,
    from_stream: &mut Stream,
    to: &mut Connection,
    to_stream: &mut Stream,
    log: &mut Vec<u8>,
    cb: &mut dyn Callbacks,
) {
    let bytes = from.outdata().to_vec();
    if bytes.is_empty() {
        return;
    }
    log.extend_from_slice(&bytes);
    with_stream(from_stream, || from.sent(bytes.len()));
    with_stream(to_stream, || deliver_keep_output(to, &bytes, cb));
}

/// The recording client's callbacks: accept, counting the server's certificate chains.
struct ServerCertificates(usize);

impl Callbacks for ServerCertificates {
    fn has_certificate_callback(&self) -> bool {
        true
    }
    fn certificate(&mut self, _chain: &[Arc<Certificate>], _statuses: &[i32], _alert: u8) -> i32 {
        self.0 += 1;
        0
    }
    fn extension(&mut self, _typ: u16, _body: &[u8]) -> i32 {
        0
    }
}

/// `client_recv`'s suite selector byte for `id` (0 = default list).
fn suite_selector(id: u16) -> u8 {
    if id == 0 {
        return 0;
    }
    if let Some(i) = TLS13_SUITES.iter().position(|s| s.id == id) {
        return 0x80 | i as u8;
    }
    let i = ALL.iter().position(|s| s.id == id).expect("known suite");
    if i == 0 { ALL.len() as u8 } else { i as u8 }
}

fn version_bits(v: u16) -> u8 {
    match v {
        0x0304 => 3,
        0x0303 => 0,
        0x0302 => 1,
        _ => 2,
    }
}

fn handshake_seeds(out: &Path, complete: &mut Vec<String>) {
    let mut configs: Vec<(String, u16, u16, bool)> = vec![
        ("default".into(), 0, 0x0303, false),
        ("default-client-auth".into(), 0, 0x0303, true),
        ("tls11-default".into(), 0, 0x0302, false),
        ("tls10-default".into(), 0, 0x0301, false),
    ];
    for &(suite, version) in &ESTABLISHED_CONFIGS {
        configs.push((format!("{suite:04x}-{version:04x}"), suite, version, false));
    }
    configs.push(("002f-0303-client-auth".into(), 0x002f, 0x0303, true));
    configs.push(("tls13-default".into(), 0, 0x0304, false));
    configs.push(("tls13-client-auth".into(), 0, 0x0304, true));
    for suite in [0x1301, 0x1302, 0x1303] {
        configs.push((format!("{suite:04x}-0304"), suite, 0x0304, false));
    }
    for (name, suite, version, client_auth) in configs {
        // Every recording's server draws the same session id (its stream starts afresh), so
        // an entry left by the previous recording would be mistaken for this one's.
        config_for(version).server_cache.clear();
        // The client client_recv replays these flights to.
        let (_, options) = client_recv_options(version_bits(version), suite_selector(suite));
        let t = record(options.clone(), client_auth);
        // server_recv: flags = client_auth | version << 1.
        let sflags = u8::from(client_auth) | version_bits(version) << 1;
        let hello_len = record_len(&t.c2s);
        write(
            out,
            "server_recv",
            &format!("{name}-hello"),
            &[&[sflags][..], &t.c2s[..hello_len]].concat(),
        );
        write(
            out,
            "server_recv",
            &format!("{name}-full"),
            &[&[sflags][..], &t.c2s].concat(),
        );
        // Byte-trickled delivery of the same stream (chunk selector 2 = 1 byte).
        if suite == 0 {
            write(
                out,
                "server_recv",
                &format!("{name}-trickle"),
                &[&[sflags | 2 << 3][..], &t.c2s].concat(),
            );
        }
        let cflags = version_bits(version);
        write(
            out,
            "client_recv",
            &format!("{name}-full"),
            &[&[cflags, suite_selector(suite)][..], &t.s2c].concat(),
        );
        if version >= 0x0304 {
            complete.push(format!("client_recv {name}-full"));
            // The fixture's keys hold the same external PSK on both ends, so where the suite
            // allows one (SHA-256) these are PSK handshakes, and the server's replies do not
            // depend on the generated PKI; with certificates they do.
            if t.psk {
                complete.push(format!("server_recv {name}-full"));
                if suite == 0 {
                    complete.push(format!("server_recv {name}-trickle"));
                }
            }
            // No TLS 1.3 resumption to record yet (ABI.md D28).
            continue;
        }
        // The server's flight carries its certificate, the client's premaster or share is
        // drawn again by the harness: the client completes under any PKI, unless it
        // authenticated itself (the server's Finished then covers the client's own
        // certificate and signature, which come from the PKI).
        if !client_auth {
            complete.push(format!("client_recv {name}-full"));
        }
        // A resumed handshake: the server's abbreviated flight.
        let resumed = record_resumed(ClientOptions {
            resume: t.ticket.clone(),
            ..options
        });
        write(
            out,
            "server_recv",
            &format!("{name}-resumed"),
            &[&[sflags][..], &resumed.c2s].concat(),
        );
        write(
            out,
            "client_recv",
            &format!("{name}-resumed"),
            &[&[cflags, suite_selector(suite)][..], &resumed.s2c].concat(),
        );
    }
}

/// TLS 1.3 conversations with certificates, client authentication and a KeyUpdate. For
/// `client_recv`, servers with the test PKI's identities and no PSK, so that they
/// authenticate with a certificate (EncryptedExtensions, Certificate, CertificateVerify,
/// Finished, then NewSessionTicket): the seeds carry the server's certificate and
/// signature, so they replay under any test PKI. For `server_recv` (and `client_recv`), a
/// server with the harnesses' fixed identity (flag bit 7): the client's Finished covers the
/// server's certificate, which must not change with the PKI.
fn tls13_certificate_seeds(out: &Path, complete: &mut Vec<String>) {
    let load = |rsa: bool, ec: bool| {
        let mut keys = Keys::default();
        if rsa {
            keys.load_rsa_files(
                Some(&pki_path("server-chain.pem")),
                Some(&pki_path("server.key")),
                None,
                Some(&pki_path("ca.pem")),
            )
            .expect("server RSA identity");
        }
        if ec {
            keys.load_ec_files(
                Some(&pki_path("ec-server-chain.pem")),
                Some(&pki_path("ec-server.key")),
                None,
                None,
            )
            .expect("server EC identity");
        }
        Arc::new(keys)
    };
    let both = load(true, true);
    let ec_only = load(false, true);
    let rsa_only = load(true, false);
    let cases: [(&str, &Arc<Keys>, bool, bool); 5] = [
        ("tls13-cert", &both, false, false),
        ("tls13-cert-client-auth", &both, true, false),
        ("tls13-cert-key-update", &both, false, true),
        ("tls13-cert-ecdsa", &ec_only, false, false),
        ("tls13-cert-rsa-pss-client-auth", &rsa_only, true, true),
    ];
    let cflags = version_bits(0x0304);
    for (name, keys, client_auth, key_update) in cases {
        let (_, options) = client_recv_options(cflags, 0);
        let t = record_with(options, client_auth, keys, key_update, SERVER_STREAM);
        write_completing(
            out,
            complete,
            "client_recv",
            &format!("{name}-full"),
            &[&[cflags, 0][..], &t.s2c].concat(),
        );
    }
    let fixed = &fixture().fixed_identity_keys;
    for (name, client_auth) in [
        ("tls13-fixed-cert", false),
        ("tls13-fixed-cert-client-auth", true),
    ] {
        let (_, options) = client_recv_options(cflags, 0);
        let t = record_with(options, client_auth, fixed, false, SERVER_STREAM);
        assert!(!t.psk, "the fixed identity holds no PSK");
        write_completing(
            out,
            complete,
            "client_recv",
            &format!("{name}-full"),
            &[&[cflags, 0][..], &t.s2c].concat(),
        );
        let sflags = 0x80 | u8::from(client_auth) | version_bits(0x0304) << 1;
        for (suffix, chunk) in [("full", 0), ("trickle", 2)] {
            write_completing(
                out,
                complete,
                "server_recv",
                &format!("{name}-{suffix}"),
                &[&[sflags | chunk << 3][..], &t.c2s].concat(),
            );
        }
    }
    // A PSK handshake followed by a KeyUpdate.
    let (_, options) = client_recv_options(cflags, 0);
    let t = record_with(options, false, &fixture().server_keys, true, SERVER_STREAM);
    write_completing(
        out,
        complete,
        "client_recv",
        "tls13-key-update-full",
        &[&[cflags, 0][..], &t.s2c].concat(),
    );
}

/// HelloRetryRequest flights (RFC 8446 §4.1.4), which no recorded conversation has: our
/// client always sends a share for X25519, which our server always takes. For
/// `client_recv`, a HelloRetryRequest asking the harness's client for P-256 (its
/// ClientHello is the one the harness's session draws, so the request echoes its
/// legacy_session_id), followed by the compatibility ChangeCipherSpec: the client answers
/// with its second ClientHello (new share, PSK binders recomputed over the retry
/// transcript) and waits for the ServerHello. For `server_recv`, with the harnesses' fixed
/// identity (no PSK, so the offered one is ignored): that ClientHello with an empty
/// key_share, which our server answers with a HelloRetryRequest for X25519, then the
/// original ClientHello as the second one; the server sends its flight and waits for the
/// client's Finished. Neither completes (the other end never saw the retry), so they are
/// not in complete.txt; they start the fuzzer inside the retry states.
fn hello_retry_seeds(out: &Path) {
    use matrixssl::codec::Codec;
    use matrixssl::msgs::tls13::{HRR_RANDOM, KeyShareHelloRetry};
    use matrixssl::msgs::{ClientHello, ExtensionType, encode_server_hello};

    const SECP256R1: u16 = 23;
    let f = fixture();
    let cflags = version_bits(0x0304);
    let (_, options) = client_recv_options(cflags, 0);
    let mut cs = Stream::new(CLIENT_STREAM);
    let client = with_stream(&mut cs, || {
        Connection::new_client_with(config_for(0x0304), f.client_keys.clone(), options)
    })
    .expect("client");
    let messages = cleartext_handshake_messages(client.outdata());
    let (typ, hello) = &messages[0];
    assert_eq!(*typ, 1, "the client's first flight is its ClientHello");
    let ch = ClientHello::parse(hello, ()).expect("our ClientHello parses");

    let retry = encode_server_hello(
        0x0303,
        &HRR_RANDOM,
        ch.session_id,
        TLS13_SUITES[0].id,
        &[
            (ExtensionType::SUPPORTED_VERSIONS, vec![0x03, 0x04]),
            (
                ExtensionType::KEY_SHARE,
                KeyShareHelloRetry(SECP256R1).to_bytes().expect("encode"),
            ),
        ],
    )
    .expect("encode HelloRetryRequest");
    let mut wire = handshake_record(2, &retry);
    wire.extend_from_slice(&[20, 3, 3, 0, 1, 1]);
    let seed = [&[cflags, 0][..], &wire].concat();
    let got = client_recv_outcome(&seed).expect("a TLS 1.3 client");
    assert!(
        !got.dead && got.alerts.is_empty() && !got.completed,
        "the client takes the HelloRetryRequest: {got:?}"
    );
    write(out, "client_recv", "tls13-hello-retry", &seed);

    let mut no_shares = ch.clone();
    for ext in &mut no_shares.extensions {
        if ext.typ == ExtensionType::KEY_SHARE {
            ext.body = &[0, 0];
        }
    }
    let first = no_shares.to_bytes().expect("encode ClientHello");
    let sflags = 0x80 | version_bits(0x0304) << 1;
    let seed = [
        &[sflags][..],
        &handshake_record(1, &first),
        &handshake_record(1, hello),
    ]
    .concat();
    let got = server_recv_outcome(&seed);
    assert!(
        !got.dead && got.alerts.is_empty() && !got.completed,
        "the server retries and takes the second ClientHello: {got:?}"
    );
    write(out, "server_recv", "tls13-hello-retry-full", &seed);
}

/// One handshake message of type `typ` in one plaintext record.
fn handshake_record(typ: u8, body: &[u8]) -> Vec<u8> {
    let len = body.len() as u32;
    let mut msg = vec![typ, (len >> 16) as u8, (len >> 8) as u8, len as u8];
    msg.extend_from_slice(body);
    let mut rec = vec![22, 3, 3];
    rec.extend_from_slice(&(msg.len() as u16).to_be_bytes());
    rec.extend_from_slice(&msg);
    rec
}

/// Abbreviated handshakes resuming the harnesses' fixed sessions, and SSL 2.0-format
/// hellos.
fn resumption_and_sslv2_seeds(out: &Path) {
    for (i, &(_, _, version)) in FIXED_SESSIONS.iter().enumerate() {
        install_fixed_sessions();
        let options = ClientOptions {
            max_version: version,
            resume: Some(fixed_ticket(i)),
            ..Default::default()
        };
        let t = record(options, false);
        let v = version_bits(version);
        write(
            out,
            "server_recv",
            &format!("fixed-session-{i}"),
            &[&[v << 1][..], &t.c2s].concat(),
        );
        write(
            out,
            "client_recv",
            &format!("fixed-session-{i}"),
            &[&[v | 4, i as u8][..], &t.s2c].concat(),
        );
    }
    for (name, version, specs) in [
        (
            "sslv2-hello-tls11",
            0x0302u16,
            &[[0x07u8, 0x00, 0xc0], [0, 0, 0x2f], [0, 0, 0xff]][..],
        ),
        (
            "sslv2-hello-tls12",
            0x0303,
            &[[0, 0xc0, 0x2f], [0, 0, 0x9c], [0, 0x56, 0]][..],
        ),
    ] {
        let mut msg = vec![1u8];
        msg.extend_from_slice(&version.to_be_bytes());
        msg.extend_from_slice(&((specs.len() * 3) as u16).to_be_bytes());
        msg.extend_from_slice(&[0, 0, 0, 16]);
        specs.iter().for_each(|s| msg.extend_from_slice(s));
        msg.extend_from_slice(&[0x5a; 16]);
        let mut seed = vec![0u8, 0x80 | (msg.len() >> 8) as u8, msg.len() as u8];
        seed.extend_from_slice(&msg);
        write(out, "server_recv", name, &seed);
    }
}

/// Length of the first record in `wire`.
fn record_len(wire: &[u8]) -> usize {
    match wire.get(3..5) {
        Some(l) => (5 + usize::from(u16::from_be_bytes([l[0], l[1]]))).min(wire.len()),
        None => wire.len(),
    }
}

fn sealed(typ: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0, typ];
    v.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    v.extend_from_slice(payload);
    v
}

fn established_seeds(out: &Path) {
    for cfg in 0..ESTABLISHED_CONFIGS.len() as u8 {
        for (dir, side) in [(0u8, "to-server"), (0x10u8, "to-client")] {
            let c = cfg | dir;
            let mut app = vec![c];
            app.extend(sealed(23, b"hello"));
            app.extend(sealed(23, b""));
            app.extend([3, 0]);
            write(out, "established", &format!("{cfg}-{side}-appdata"), &app);

            let mut alerts = vec![c];
            alerts.extend(sealed(21, &[1, 100]));
            alerts.extend(sealed(21, &[1, 0]));
            write(out, "established", &format!("{cfg}-{side}-alerts"), &alerts);

            let mut flip = vec![c, 2, 0, 100, 0, 10, 0x01, 3, 2];
            flip.extend([2, 0x40, 0, 0xff, 0xff, 0x80]);
            write(out, "established", &format!("{cfg}-{side}-bitflip"), &flip);

            let mut ccs = vec![c];
            ccs.extend(sealed(20, &[1]));
            write(out, "established", &format!("{cfg}-{side}-ccs"), &ccs);

            let mut rehs = vec![c, 5, 0, 3, 0];
            rehs.extend(sealed(23, b"during"));
            write(
                out,
                "established",
                &format!("{cfg}-{side}-rehandshake"),
                &rehs,
            );

            let mut close = vec![c, 4, 1, 3, 21, 3, 3, 0, 2, 3, 0];
            close.extend(sealed(23, b"after close"));
            write(out, "established", &format!("{cfg}-{side}-close"), &close);
        }
        let mut hello_request = vec![cfg | 0x10];
        hello_request.extend(sealed(22, &[0, 0, 0, 0]));
        write(
            out,
            "established",
            &format!("{cfg}-to-client-hello-request"),
            &hello_request,
        );
    }
}

/// Call sequences for `api_sequence` (opcode: bit 7 side, low bits % 10 operation).
fn api_sequence_seeds(out: &Path) {
    const SERVER: u8 = 0x80;
    let seqs: [(&str, Vec<u8>); 7] = [
        // GetWritebuf/EncodeWritebuf each way, flushed and delivered.
        (
            "writebuf-both-ways",
            vec![
                0,
                0,
                100,
                0,
                100,
                4,
                5,
                0,
                SERVER,
                0x40,
                0,
                0x40,
                0,
                SERVER | 4,
                SERVER | 5,
                2,
            ],
        ),
        // A reservation abandoned before the flush (ABI.md R5).
        ("abandoned-reservation", vec![2, 0, 9, 1, 0, 100, 4, 5, 0]),
        // EncodeToOutdata, partial SentData, delivery, the rest.
        ("partial-send", vec![2, 0, 1, 0, 3, 0, 7, 5, 2, 4, 5, 0]),
        // Client rehandshake with data both ways in flight.
        (
            "client-rehandshake",
            vec![
                6,
                1,
                2,
                0,
                10,
                SERVER | 2,
                0,
                20,
                4,
                5,
                0,
                SERVER | 4,
                SERVER | 5,
                0,
                4,
                5,
                0,
            ],
        ),
        // Server rehandshake (HelloRequest) with extra credits.
        (
            "server-rehandshake",
            vec![8, 3, SERVER | 6, 0, SERVER | 4, SERVER | 5, 0, 4, 5, 0],
        ),
        // Closure from the client while the server still sends.
        (
            "close",
            vec![SERVER | 2, 0, 50, 7, 4, 5, 0, SERVER | 4, SERVER | 5, 0],
        ),
        // ReceivedData(0) / ProcessedData with nothing outstanding, between deliveries.
        (
            "poll",
            vec![
                9,
                0,
                9,
                1,
                SERVER | 2,
                1,
                0,
                SERVER | 3,
                0,
                9,
                SERVER | 5,
                1,
                9,
                1,
            ],
        ),
    ];
    for cfg in 0..ESTABLISHED_CONFIGS.len() as u8 {
        for (name, ops) in &seqs {
            write(
                out,
                "api_sequence",
                &format!("{cfg}-{name}"),
                &[&[cfg][..], ops].concat(),
            );
        }
    }
}

fn pki_seeds(out: &Path) {
    let pki = pki_dir();
    let read = |n: &str| std::fs::read(pki.join(n)).expect("pki file");
    for name in [
        "ca.der",
        "inter.der",
        "server.der",
        "server-chain.der",
        "legacy-server.der",
        "ec-server.der",
        "ec-server-chain.der",
        "ec384-server.der",
        "ec-mixed-server.der",
        "mixed-ca-bundle.der",
    ] {
        let der = read(name);
        write(out, "x509", name, &[&[3u8][..], &der].concat());
        write(
            out,
            "x509",
            &format!("{name}-client"),
            &[&[0x80u8][..], &der].concat(),
        );
    }
    let pairs = [
        ("rsa", 0u8, "server.der", "server-pkcs1.der"),
        ("rsa-pkcs8", 0, "server.der", "server-pkcs8.der"),
        ("ec", 1, "ec-server.der", "ec-server-sec1.der"),
        ("ec-pkcs8", 1, "ec-server.der", "ec-server-pkcs8.der"),
        ("ec384", 1, "ec384-server.der", "ec384-server-key.der"),
    ];
    for (name, ec, cert, key) in pairs {
        let (a, b) = (read(cert), read(key));
        let split = (a.len() as u16).to_be_bytes();
        for mode in 0..6u8 {
            let sel = ec | mode << 1;
            write(
                out,
                "keys_mem",
                &format!("{name}-mode{mode}"),
                &[&[sel, split[0], split[1]][..], &a, &b].concat(),
            );
        }
        let ksplit = (b.len() as u16).to_be_bytes();
        write(
            out,
            "keys_mem",
            &format!("{name}-key-first"),
            &[&[ec | 1 << 1, ksplit[0], ksplit[1]][..], &b, &a].concat(),
        );
    }
    for name in [
        "server.key",
        "server-pkcs8.pem",
        "server-pkcs8-enc.pem",
        "server-legacy-enc.pem",
        "ec-server-sec1.pem",
        "ec-server-pkcs8.pem",
        "ec-server-pkcs8-enc.pem",
        "ec-server-sec1-enc.pem",
        "server-chain.pem",
    ] {
        write(out, "pem", name, &[&[1u8][..], &read(name)].concat());
    }
}

/// The handshake messages in the cleartext records at the start of `wire` (up to the
/// ChangeCipherSpec): (type, body).
fn cleartext_handshake_messages(wire: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut payload = Vec::new();
    let mut rest = wire;
    while rest.len() >= 5 && rest[0] == 22 {
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        payload.extend_from_slice(&rest[5..5 + len]);
        rest = &rest[5 + len..];
    }
    let mut messages = Vec::new();
    let mut rest = &payload[..];
    while rest.len() >= 4 {
        let len = usize::from(rest[1]) << 16 | usize::from(rest[2]) << 8 | usize::from(rest[3]);
        messages.push((rest[0], rest[4..4 + len].to_vec()));
        rest = &rest[4 + len..];
    }
    messages
}

/// `handshake_codec`: each cleartext handshake message of real handshakes (one per
/// suite/version configuration, and one with client authentication), under the kind and
/// context bytes that read it as it was read in its handshake, and the extensions of
/// their hellos.
fn codec_seeds(out: &Path) {
    use matrixssl::codec::Codec;
    use matrixssl::msgs::{ClientHello, ServerHello, hs};
    use matrixssl_fuzz::targets::{CODEC_KEY_EXCHANGES, CODEC_VERSIONS};
    let kind_of = |typ: u8| match typ {
        hs::CLIENT_HELLO => Some(0u8),
        hs::SERVER_HELLO => Some(1),
        hs::CERTIFICATE => Some(2),
        hs::CERTIFICATE_REQUEST => Some(3),
        hs::SERVER_KEY_EXCHANGE => Some(4),
        hs::CLIENT_KEY_EXCHANGE => Some(5),
        hs::CERTIFICATE_VERIFY => Some(6),
        hs::FINISHED => Some(7),
        hs::HELLO_REQUEST => Some(8),
        hs::SERVER_HELLO_DONE => Some(9),
        _ => None,
    };
    // Extension kinds 10..=14, by extension type.
    let ext_kind = |typ: u16| match typ {
        0xff01 => Some(10u8),
        23 => Some(11),
        10 => Some(12),
        11 => Some(13),
        13 => Some(14),
        _ => None,
    };
    // Kinds no cleartext flight carries: Finished, HelloRequest, an SSL 2.0 hello, a
    // handshake header, an extension block.
    let mut sslv2 = vec![
        15u8, 0, 1, 3, 1, 0, 6, 0, 0, 0, 16, 0, 0, 0x2f, 0x01, 0x00, 0x80,
    ];
    sslv2.extend_from_slice(&[9; 16]);
    let hand_built: [(&str, Vec<u8>); 5] = [
        ("finished", [&[7u8, 0][..], &[0x5a; 12]].concat()),
        ("hello-request", vec![8, 0]),
        ("sslv2-hello", sslv2),
        ("header", vec![16, 20, 1, 2, 3]),
        ("extension-block", vec![17, 0, 0, 4, 0, 23, 0, 0]),
    ];
    for (name, bytes) in hand_built {
        write(out, "handshake_codec", name, &bytes);
    }
    let mut configs: Vec<(u16, u16, bool)> = ESTABLISHED_CONFIGS
        .iter()
        .map(|&(suite, version)| (suite, version, false))
        .collect();
    configs.push((0x002f, 0x0303, true));
    for (suite, version, client_auth) in configs {
        let options = ClientOptions {
            max_version: version,
            cipher_spec: suite,
            ..Default::default()
        };
        let t = record(options, client_auth);
        let kx = matrixssl::suites::by_id(suite).expect("known suite").kx;
        let kx_bits = CODEC_KEY_EXCHANGES
            .iter()
            .position(|&k| k == kx)
            .expect("kx") as u8;
        let version_index = CODEC_VERSIONS
            .iter()
            .position(|&v| v == version)
            .expect("v");
        let context = kx_bits | (version_index as u8) << 3;
        let auth = if client_auth { "-client-auth" } else { "" };
        for (dir, wire) in [("c2s", &t.c2s), ("s2c", &t.s2c)] {
            for (typ, body) in cleartext_handshake_messages(wire) {
                let Some(kind) = kind_of(typ) else { continue };
                let name = format!("{suite:04x}-{version:04x}{auth}-{dir}-{typ}");
                write(
                    out,
                    "handshake_codec",
                    &name,
                    &[&[kind, context][..], &body].concat(),
                );
                let extensions = match typ {
                    hs::CLIENT_HELLO => ClientHello::parse(&body, ()).map(|h| h.extensions),
                    hs::SERVER_HELLO => ServerHello::parse(&body, ()).map(|h| h.extensions),
                    _ => continue,
                }
                .expect("a recorded hello reads");
                for e in extensions {
                    if let Some(kind) = ext_kind(e.typ.0) {
                        let name = format!("{name}-ext{}", e.typ.0);
                        write(
                            out,
                            "handshake_codec",
                            &name,
                            &[&[kind, 0][..], e.body].concat(),
                        );
                    }
                }
            }
        }
    }
}

/// `handshake_codec`: one seed per TLS 1.3 kind, each a value built and encoded by the
/// library (shaped like RFC 8448's: X25519 shares, a 32-byte binder, a 7-day ticket).
fn tls13_codec_seeds(out: &Path) {
    use matrixssl::codec::Codec;
    use matrixssl::msgs::tls13::*;
    use matrixssl::msgs::{Extension, ExtensionType};
    use matrixssl_fuzz::targets::CODEC_KINDS;
    let share = KeyShareEntry {
        group: 0x001d,
        key_exchange: &[0x99; 32],
    };
    let extensions = [
        Extension {
            typ: ExtensionType::SUPPORTED_GROUPS,
            body: &[0, 4, 0, 0x1d, 0, 0x17],
        },
        Extension {
            typ: ExtensionType::SERVER_NAME,
            body: &[],
        },
    ];
    let signature_algorithms = [Extension {
        typ: ExtensionType::SIGNATURE_ALGORITHMS,
        body: &[0, 4, 4, 3, 8, 4],
    }];
    // signature_algorithms, signature_algorithms_cert and certificate_authorities: what a
    // TLS 1.3 CertificateRequest of ours carries.
    let certificate_wishes = [
        Extension {
            typ: ExtensionType::SIGNATURE_ALGORITHMS,
            body: &[0, 2, 8, 4],
        },
        Extension {
            typ: ExtensionType::SIGNATURE_ALGORITHMS_CERT,
            body: &[0, 4, 4, 1, 4, 3],
        },
        Extension {
            typ: ExtensionType::CERTIFICATE_AUTHORITIES,
            body: &[0, 4, 0, 2, 0x30, 0],
        },
    ];
    let early_data = [Extension {
        typ: ExtensionType::EARLY_DATA,
        body: &[0, 0, 4, 0],
    }];
    let seeds = [
        (
            "supported_versions (ClientHello)",
            "tls13-supported-versions-client",
            SupportedVersionsClient(vec![0x0304, 0x0303]).to_bytes(),
        ),
        (
            "supported_versions (ServerHello)",
            "tls13-supported-versions-server",
            SupportedVersionsServer(0x0304).to_bytes(),
        ),
        (
            "key_share (ClientHello)",
            "tls13-key-share-client",
            KeyShareClientHello(vec![share.clone()]).to_bytes(),
        ),
        (
            "key_share (ServerHello)",
            "tls13-key-share-server",
            KeyShareServerHello(share.clone()).to_bytes(),
        ),
        (
            "key_share (HelloRetryRequest)",
            "tls13-key-share-retry",
            KeyShareHelloRetry(0x0017).to_bytes(),
        ),
        (
            "psk_key_exchange_modes",
            "tls13-psk-modes",
            PskKeyExchangeModes(&[PskKeyExchangeModes::PSK_DHE_KE]).to_bytes(),
        ),
        ("cookie", "tls13-cookie", Cookie(&[0xc0; 16]).to_bytes()),
        (
            "pre_shared_key (ClientHello)",
            "tls13-offered-psks",
            OfferedPsks {
                identities: vec![PskIdentity {
                    identity: &[0x2c; 48],
                    obfuscated_ticket_age: 0xfad6_aacb,
                }],
                binders: vec![&[0x3a; 32]],
            }
            .to_bytes(),
        ),
        (
            "pre_shared_key (ServerHello)",
            "tls13-selected-psk",
            SelectedPsk(0).to_bytes(),
        ),
        (
            "EncryptedExtensions",
            "tls13-encrypted-extensions",
            EncryptedExtensions {
                extensions: extensions.to_vec(),
            }
            .to_bytes(),
        ),
        (
            "Certificate (TLS 1.3)",
            "tls13-certificate",
            Certificate13 {
                context: &[],
                entries: vec![CertificateEntry {
                    cert: &fixture().ca_der,
                    extensions: &[],
                }],
            }
            .to_bytes(),
        ),
        (
            "CertificateRequest (TLS 1.3)",
            "tls13-certificate-request",
            CertificateRequest13 {
                context: &[],
                extensions: signature_algorithms.to_vec(),
            }
            .to_bytes(),
        ),
        (
            "CertificateRequest (TLS 1.3)",
            "tls13-certificate-request-cert-extensions",
            CertificateRequest13 {
                context: &[],
                extensions: certificate_wishes.to_vec(),
            }
            .to_bytes(),
        ),
        (
            "NewSessionTicket (TLS 1.3)",
            "tls13-new-session-ticket",
            NewSessionTicket {
                lifetime: MAX_TICKET_LIFETIME,
                age_add: 0xfad6_aac5,
                nonce: &[0, 0],
                ticket: &[0x2c; 48],
                extensions: early_data.to_vec(),
            }
            .to_bytes(),
        ),
        (
            "KeyUpdate",
            "tls13-key-update",
            KeyUpdate {
                update_requested: true,
            }
            .to_bytes(),
        ),
        (
            "certificate_authorities",
            "tls13-certificate-authorities",
            CertificateAuthorities(vec![&[0x30, 0], &[0x42]]).to_bytes(),
        ),
    ];
    for (kind, name, body) in seeds {
        let kind = CODEC_KINDS.iter().position(|&k| k == kind).expect("kind") as u8;
        let body = body.expect("seed encodes");
        write(
            out,
            "handshake_codec",
            name,
            &[&[kind, 0][..], &body].concat(),
        );
    }
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds")));
    // The recorded conversations the replay must see complete (see replay.rs).
    let mut complete = Vec::new();
    handshake_seeds(&out, &mut complete);
    tls13_certificate_seeds(&out, &mut complete);
    hello_retry_seeds(&out);
    let mut list = String::from(COMPLETE_HEADER);
    complete
        .iter()
        .for_each(|l| list.push_str(&format!("{l}\n")));
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("complete.txt"), list).expect("write complete.txt");
    resumption_and_sslv2_seeds(&out);
    established_seeds(&out);
    api_sequence_seeds(&out);
    pki_seeds(&out);
    codec_seeds(&out);
    tls13_codec_seeds(&out);
    println!("seeds written to {}", out.display());
}
