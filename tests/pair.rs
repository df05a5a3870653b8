//! In-memory client/server pairs through the sans-IO core: every suite × version, payload
//! sizes around the record limit, trickle delivery, resumption and tampering.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use matrixssl::config::{Clock, Config};
use matrixssl::conn::Connection;
use matrixssl::error::*;
use matrixssl::handshake::PeerIdentity;
use matrixssl::handshake::client::{ClientOptions, ResumeTicket};
use matrixssl::keys::Keys;
use matrixssl::session_cache::ENTRY_LIFE;
use matrixssl::suites::{DEFAULT_MAX_VERSION, KeyExchange};

mod common;
use common::{NoCallbacks, path, pump};

fn server_keys() -> Arc<Keys> {
    let mut k = Keys::default();
    k.load_rsa_files(
        Some(&path("server-chain.pem")),
        Some(&path("server.key")),
        None,
        None,
    )
    .expect("server keys");
    Arc::new(k)
}

/// RSA and ECDSA identities, a PSK and (default) DH parameters: every suite is servable.
fn full_server_keys() -> Arc<Keys> {
    let mut k = Keys::default();
    k.load_rsa_files(
        Some(&path("server-chain.pem")),
        Some(&path("server.key")),
        None,
        None,
    )
    .unwrap();
    k.load_ec_files(
        Some(&path("ec-mixed-server-chain.pem")),
        Some(&path("ec-mixed-server.key")),
        None,
        None,
    )
    .unwrap();
    k.add_psk(b"0123456789abcdef0123456789abcdef", b"client-one")
        .unwrap();
    Arc::new(k)
}

fn full_client_keys() -> Arc<Keys> {
    let mut k = Keys::default();
    k.load_rsa_files(None, None, None, Some(&path("ca.pem")))
        .unwrap();
    k.add_psk(b"0123456789abcdef0123456789abcdef", b"client-one")
        .unwrap();
    Arc::new(k)
}

/// Server identity plus the CA that issued client certificates.
fn server_keys_with_ca() -> Arc<Keys> {
    let mut k = Keys::default();
    k.load_rsa_files(
        Some(&path("server-chain.pem")),
        Some(&path("server.key")),
        None,
        Some(&path("ca.pem")),
    )
    .unwrap();
    Arc::new(k)
}

fn client_keys_with_identity() -> Arc<Keys> {
    let mut k = Keys::default();
    k.load_rsa_files(
        Some(&path("client.pem")),
        Some(&path("client.key")),
        None,
        Some(&path("ca.pem")),
    )
    .unwrap();
    Arc::new(k)
}

fn client_keys() -> Arc<Keys> {
    let mut k = Keys::default();
    k.load_rsa_files(None, None, None, Some(&path("ca.pem")))
        .expect("client CA");
    Arc::new(k)
}

/// Client options capped at TLS 1.2, for the tests of TLS ≤ 1.2 mechanisms (session-id
/// resumption, renegotiation, extended master secret, ServerKeyExchange and the 1.2
/// CertificateRequest): the default offer is TLS 1.3 (ABI.md D25).
fn tls12() -> ClientOptions {
    ClientOptions {
        max_version: 0x0303,
        ..Default::default()
    }
}

struct Pair {
    client: Connection,
    server: Connection,
}

/// A handshake under a configuration of its own: no other test's sessions or settings.
fn handshake(options: ClientOptions, chunk: usize) -> Pair {
    handshake_in(&Config::new(), options, chunk)
}

/// A handshake with both ends under `config` (so a second one can resume the first).
fn handshake_in(config: &Config, options: ClientOptions, chunk: usize) -> Pair {
    let client =
        Connection::new_client_with(config.clone(), client_keys(), options).expect("client");
    let server = Connection::new_server_with(config.clone(), server_keys());
    let (pair, alerts) = drive(client, server, chunk);
    assert!(alerts.is_empty(), "alerts during handshake: {alerts:?}");
    assert!(pair.client.handshake_complete() && pair.server.handshake_complete());
    pair
}

/// Runs a handshake between the given endpoints; returns them and every alert seen.
fn drive(mut client: Connection, mut server: Connection, chunk: usize) -> (Pair, Vec<[u8; 2]>) {
    let (mut sink, mut alerts) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        pump(&mut client, &mut server, chunk, &mut sink, &mut alerts);
        pump(&mut server, &mut client, chunk, &mut sink, &mut alerts);
        if client.handshake_complete() && server.handshake_complete() && client.outdata().is_empty()
        {
            break;
        }
        if client.errored() || server.errored() {
            pump(&mut client, &mut server, chunk, &mut sink, &mut alerts);
            pump(&mut server, &mut client, chunk, &mut sink, &mut alerts);
            break;
        }
    }
    (Pair { client, server }, alerts)
}

fn send(from: &mut Connection, data: &[u8]) {
    for part in data.chunks(16384) {
        let (at, room) = from.write_buf(part.len());
        assert!(room >= part.len());
        from.core.out[at..at + part.len()].copy_from_slice(part);
        assert!(from.encode_write_buf(part.len()) > 0);
    }
    if data.is_empty() {
        assert!(from.encode_to_outdata(&[]) > 0);
    }
}

fn exchange(p: &mut Pair, size: usize, chunk: usize) {
    let payload: Vec<u8> = (0..size).map(|i| (i * 31 + 7) as u8).collect();
    let (mut got, mut alerts) = (Vec::new(), Vec::new());
    send(&mut p.client, &payload);
    pump(&mut p.client, &mut p.server, chunk, &mut got, &mut alerts);
    assert_eq!(got, payload, "client->server {size}");
    got.clear();
    send(&mut p.server, &payload);
    pump(&mut p.server, &mut p.client, chunk, &mut got, &mut alerts);
    assert_eq!(got, payload, "server->client {size}");
    assert!(alerts.is_empty());
}

const SUITES: [u16; 6] = [0x002f, 0x0035, 0x003c, 0x003d, 0x009c, 0x009d];

#[test]
fn every_suite_and_version_moves_data_both_ways() {
    for version in [0x0301u16, 0x0302, 0x0303] {
        for suite in SUITES {
            if version < 0x0303 && suite > 0x0035 {
                continue;
            }
            let opts = ClientOptions {
                cipher_spec: suite,
                max_version: version,
                ..Default::default()
            };
            let mut p = handshake(opts, usize::MAX);
            let n = &p.client.core.negotiated;
            assert_eq!((n.version, n.suite.unwrap().id), (version, suite));
            for size in [0, 1, 2, 100, 16383, 16384, 16385, 70000] {
                exchange(&mut p, size, usize::MAX);
            }
        }
    }
}

#[test]
fn default_offer_negotiates_tls13() {
    // ABI.md D25: both roles offer/accept TLS 1.3 by default, with an AES-GCM suite first.
    let mut p = handshake(ClientOptions::default(), usize::MAX);
    let n = &p.server.core.negotiated;
    assert_eq!(n.version, 0x0304);
    assert!((0x1301..=0x1303).contains(&n.tls13_suite.unwrap().id));
    assert_eq!(p.client.core.negotiated.version, 0x0304);
    exchange(&mut p, 20000, usize::MAX);
}

#[test]
fn default_offer_negotiates_tls12_aead() {
    let p = handshake(tls12(), usize::MAX);
    let n = &p.server.core.negotiated;
    assert_eq!((n.version, n.suite.unwrap().id), (0x0303, 0xc02f));
    assert!(n.extended_master_secret && n.secure_renegotiation);
}

#[test]
fn trickle_delivery_one_byte_at_a_time() {
    let opts = ClientOptions {
        max_version: 0x0301,
        cipher_spec: 0x002f,
        ..Default::default()
    };
    let mut p = handshake(opts, 1);
    exchange(&mut p, 300, 1);
    exchange(&mut p, 5000, 7);
}

#[test]
fn resumption_by_session_id() {
    let config = Config::new();
    let first = handshake_in(&config, tls12(), usize::MAX);
    let n = &first.client.core.negotiated;
    let ticket = ResumeTicket::from_negotiated(n).unwrap();
    let mut second = handshake_in(
        &config,
        ClientOptions {
            resume: Some(ticket),
            ..tls12()
        },
        usize::MAX,
    );
    assert!(second.client.core.negotiated.resumed && second.server.core.negotiated.resumed);
    exchange(&mut second, 1000, usize::MAX);
}

/// The client table keeps a TLS 1.2 session only for a connection made to keep a session
/// record (the C API: an `sslSessionId_t` at creation) or when a record is asked for later
/// (`matrixSslGetSessionId`): an entry for every handshake would be memory per session that
/// no resumption ever uses.
#[test]
fn client_table_remembers_only_sessions_a_record_is_kept_for() {
    let config = Config::new();
    let remembered = |p: &Pair| {
        let n = &p.client.core.negotiated;
        let id = <[u8; 32]>::try_from(&n.session_id[..]).expect("resumable id");
        config
            .client_sessions
            .lookup(&id, &n.master_secret)
            .is_some()
    };
    let kept = handshake_in(&config, tls12(), usize::MAX);
    assert!(remembered(&kept));
    let not_kept = handshake_in(
        &config,
        ClientOptions {
            remember_sessions: false,
            ..tls12()
        },
        usize::MAX,
    );
    assert!(!remembered(&not_kept));
    // A record taken after the handshake: remembered then, and it resumes.
    not_kept.client.remember_session();
    assert!(remembered(&not_kept));
    let n = &not_kept.client.core.negotiated;
    let id = <[u8; 32]>::try_from(&n.session_id[..]).unwrap();
    let suite = n.suite.unwrap().id;
    let ticket = ResumeTicket::from_record(&config.client_sessions, &id, &n.master_secret, suite)
        .expect("the record resumes");
    let resumed = handshake_in(
        &config,
        ClientOptions {
            resume: Some(ticket),
            ..tls12()
        },
        usize::MAX,
    );
    assert!(resumed.client.core.negotiated.resumed && resumed.server.core.negotiated.resumed);
}

#[test]
fn resumption_with_another_master_secret_derivation_is_aborted() {
    // The session used the extended master secret; a ticket claiming it did not makes the
    // server's (correct) EMS resumption a mismatch for the client: RFC 7627 §5.3 abort.
    let config = Config::new();
    let first = handshake_in(&config, tls12(), usize::MAX);
    let n = &first.client.core.negotiated;
    assert!(n.extended_master_secret);
    let ticket = ResumeTicket {
        extended_master_secret: false,
        ..ResumeTicket::from_negotiated(n).unwrap()
    };
    let client = Connection::new_client(
        client_keys(),
        ClientOptions {
            resume: Some(ticket),
            ..tls12()
        },
    )
    .unwrap();
    let server = Connection::new_server_with(config, server_keys());
    let (p, alerts) = drive(client, server, usize::MAX);
    assert!(p.client.errored() && !p.client.handshake_complete());
    assert_eq!(alerts, vec![[2, 40]]);
}

#[test]
fn tampered_record_gets_bad_record_mac() {
    let mut p = handshake(ClientOptions::default(), usize::MAX);
    send(&mut p.client, b"hello");
    let last = p.client.core.out.len() - 1;
    p.client.core.out[last] ^= 1;
    let (mut got, mut alerts) = (Vec::new(), Vec::new());
    let rc = pump(
        &mut p.client,
        &mut p.server,
        usize::MAX,
        &mut got,
        &mut alerts,
    );
    assert_eq!(rc, MATRIXSSL_REQUEST_SEND);
    assert!(got.is_empty());
    pump(
        &mut p.server,
        &mut p.client,
        usize::MAX,
        &mut got,
        &mut alerts,
    );
    assert_eq!(alerts, vec![[2, 20]]);
}

/// Runs a rehandshake started by `encode_rehandshake` on one side to completion, with
/// application data in flight both ways while it runs.
fn rehandshake(
    p: &mut Pair,
    from_client: bool,
    full: bool,
    cipher_spec: u16,
) -> (Vec<[u8; 2]>, Vec<u8>) {
    let starter = if from_client {
        &mut p.client
    } else {
        &mut p.server
    };
    assert_eq!(
        starter.encode_rehandshake(None, full, cipher_spec),
        MATRIXSSL_SUCCESS
    );
    send(&mut p.client, b"during-c");
    send(&mut p.server, b"during-s");
    let (mut got, mut alerts) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        pump(
            &mut p.client,
            &mut p.server,
            usize::MAX,
            &mut got,
            &mut alerts,
        );
        pump(
            &mut p.server,
            &mut p.client,
            usize::MAX,
            &mut got,
            &mut alerts,
        );
        if p.client.handshake_complete()
            && p.server.handshake_complete()
            && p.client.outdata().is_empty()
            && p.server.outdata().is_empty()
        {
            break;
        }
    }
    (alerts, got)
}

#[test]
fn rehandshakes_from_either_side_keep_data_flowing() {
    let mut p = handshake(tls12(), usize::MAX);
    p.server.add_rehandshake_credits(10);
    exchange(&mut p, 100, usize::MAX);
    for (from_client, full, spec) in [
        (true, false, 0),
        (false, false, 0),
        (true, true, 0),
        (false, true, 0),
        (true, true, 0x002f),
    ] {
        let (alerts, got) = rehandshake(&mut p, from_client, full, spec);
        assert!(alerts.is_empty(), "{alerts:?}");
        let text = String::from_utf8_lossy(&got);
        assert!(
            text.contains("during-c") && text.contains("during-s"),
            "{text}"
        );
        assert!(p.client.handshake_complete() && p.server.handshake_complete());
        assert_eq!(
            p.client.core.negotiated.resumed, !full,
            "from_client={from_client} full={full}"
        );
        if spec != 0 {
            assert_eq!(p.server.core.negotiated.suite.unwrap().id, spec);
        }
        exchange(&mut p, 20000, usize::MAX);
    }
}

#[test]
fn rehandshake_without_credit_is_declined() {
    let mut p = handshake(tls12(), usize::MAX);
    let (alerts, _) = rehandshake(&mut p, true, false, 0);
    assert!(alerts.is_empty());
    // The default single credit is spent: the next request gets a no_renegotiation warning.
    assert_eq!(
        p.client.encode_rehandshake(None, false, 0),
        MATRIXSSL_SUCCESS
    );
    let (mut got, mut alerts) = (Vec::new(), Vec::new());
    pump(
        &mut p.client,
        &mut p.server,
        usize::MAX,
        &mut got,
        &mut alerts,
    );
    pump(
        &mut p.server,
        &mut p.client,
        usize::MAX,
        &mut got,
        &mut alerts,
    );
    assert_eq!(alerts, vec![[1, 100]]);
    // The server's session stays usable.
    send(&mut p.server, b"still here");
    pump(
        &mut p.server,
        &mut p.client,
        usize::MAX,
        &mut got,
        &mut alerts,
    );
    assert_eq!(got, b"still here");
}

/// `closer` has queued its close_notify (not yet delivered); `asker` then requests a new
/// handshake. The closer must not answer: its output stays the close_notify alone, and its
/// session stays usable for reading.
fn renegotiation_after_close_notify(p: &mut Pair, server_closes: bool) {
    let (closer, asker) = if server_closes {
        (&mut p.server, &mut p.client)
    } else {
        (&mut p.client, &mut p.server)
    };
    assert_eq!(closer.encode_closure_alert(), MATRIXSSL_SUCCESS);
    let closing = closer.outdata().to_vec();
    assert_eq!(asker.encode_rehandshake(None, false, 0), MATRIXSSL_SUCCESS);
    let (mut got, mut alerts) = (Vec::new(), Vec::new());
    let request = asker.outdata().to_vec();
    asker.sent(request.len());
    let (at, room) = closer.read_buf();
    assert!(room >= request.len());
    closer.inbuf_mut()[at..at + request.len()].copy_from_slice(&request);
    let r = closer.received(request.len(), &mut NoCallbacks);
    assert_eq!(
        r.rc, MATRIXSSL_REQUEST_RECV,
        "server_closes={server_closes}"
    );
    assert_eq!(
        closer.outdata(),
        &closing[..],
        "server_closes={server_closes}"
    );
    assert!(!closer.errored());
    // Data the peer sends afterwards is still delivered, then its close_notify.
    send(asker, b"after");
    asker.encode_closure_alert();
    pump(asker, closer, usize::MAX, &mut got, &mut alerts);
    assert_eq!(got, b"after");
    assert_eq!(alerts, vec![[1, 0]]);
}

#[test]
fn renegotiation_is_not_answered_after_close_notify() {
    // As OpenSSL after SSL_shutdown: a ClientHello to a server, or a HelloRequest to a
    // client, that has sent close_notify is discarded silently.
    for server_closes in [true, false] {
        let mut p = handshake(tls12(), usize::MAX);
        p.server.add_rehandshake_credits(5);
        renegotiation_after_close_notify(&mut p, server_closes);
    }
}

#[test]
fn own_rehandshake_in_flight_at_close_notify_is_followed_to_its_end() {
    // The client asks for a new handshake and closes before the answer arrives: the
    // server's reply (new keys after its ChangeCipherSpec), data and close_notify are still
    // read, not refused as undecryptable (found by the api_sequence fuzz target).
    for full in [false, true] {
        let mut p = handshake(tls12(), usize::MAX);
        p.server.add_rehandshake_credits(5);
        assert_eq!(
            p.client.encode_rehandshake(None, full, 0),
            MATRIXSSL_SUCCESS
        );
        assert_eq!(p.client.encode_closure_alert(), MATRIXSSL_SUCCESS);
        send(&mut p.server, b"bye");
        let (mut got, mut alerts) = (Vec::new(), Vec::new());
        let (mut server_alerts, mut server_closed) = (Vec::new(), false);
        for _ in 0..6 {
            pump(
                &mut p.client,
                &mut p.server,
                usize::MAX,
                &mut Vec::new(),
                &mut server_alerts,
            );
            if !server_alerts.is_empty() && !server_closed {
                // The server saw the client's close_notify: it closes too.
                p.server.encode_closure_alert();
                server_closed = true;
            }
            pump(
                &mut p.server,
                &mut p.client,
                usize::MAX,
                &mut got,
                &mut alerts,
            );
        }
        assert_eq!(server_alerts, vec![[1, 0]], "full={full}");
        assert!(!p.client.errored(), "full={full}");
        assert_eq!(got, b"bye", "full={full}");
        assert_eq!(alerts, vec![[1, 0]], "full={full}");
    }
}

#[test]
fn client_authentication_in_every_version() {
    for version in [0x0301u16, 0x0302, 0x0303] {
        let opts = ClientOptions {
            max_version: version,
            ..Default::default()
        };
        let client = Connection::new_client(client_keys_with_identity(), opts).unwrap();
        let mut server = Connection::new_server(server_keys_with_ca());
        server.server_options_mut().client_auth = true;
        let (mut p, alerts) = drive(client, server, usize::MAX);
        assert!(alerts.is_empty(), "v{version:04x}: {alerts:?}");
        assert!(p.server.handshake_complete() && p.client.handshake_complete());
        exchange(&mut p, 5000, usize::MAX);
    }
}

#[test]
fn client_without_certificate_is_refused() {
    // TLS 1.3 names the missing certificate: certificate_required (RFC 8446 §4.4.2.4, ABI.md
    // §9) where TLS 1.2 has only handshake_failure.
    for (max_version, alert) in [(0x0303, 40), (0x0304, alert::CERTIFICATE_REQUIRED)] {
        let options = ClientOptions {
            max_version,
            ..Default::default()
        };
        let client = Connection::new_client(client_keys(), options).unwrap();
        let mut server = Connection::new_server(server_keys_with_ca());
        server.server_options_mut().client_auth = true;
        let (p, alerts) = drive(client, server, usize::MAX);
        assert!(!p.server.handshake_complete());
        assert_eq!(alerts, vec![[2, alert]]);
    }
}

#[test]
#[cfg(not(feature = "require-secure-rehandshakes"))] // an SSL 2.0 hello cannot signal RFC 5746
fn sslv2_format_client_hello_is_answered() {
    let mut server = Connection::new_server(server_keys());
    let mut msg = vec![1u8, 3, 1, 0, 6, 0, 0, 0, 16, 0, 0, 0x2f, 0x07, 0x00, 0xc0];
    msg.extend_from_slice(&[0x5a; 16]);
    let mut record = vec![0x80 | (msg.len() >> 8) as u8, msg.len() as u8];
    record.extend_from_slice(&msg);
    let (at, room) = server.read_buf();
    assert!(room >= record.len());
    server.inbuf_mut()[at..at + record.len()].copy_from_slice(&record);
    let r = server.received(record.len(), &mut NoCallbacks);
    assert_eq!(r.rc, MATRIXSSL_REQUEST_SEND);
    let out = server.outdata();
    // A TLS 1.0 ServerHello choosing TLS_RSA_WITH_AES_128_CBC_SHA.
    assert_eq!(&out[..3], &[22, 3, 1]);
    assert_eq!(out[5], 2);
    assert!(!server.errored());
}

#[test]
fn every_compiled_suite_in_every_version_it_allows() {
    let versions: &[u16] = if cfg!(feature = "ssl3") {
        &[0x0300, 0x0301, 0x0302, 0x0303]
    } else {
        &[0x0301, 0x0302, 0x0303]
    };
    for &version in versions {
        // DHE_DSS is client-only (no DSA server identity exists): tested against OpenSSL
        // and GnuTLS servers in tests/interop/run.py, and refused below.
        for suite in matrixssl::suites::ALL
            .iter()
            .filter(|s| s.usable_with(version) && s.kx != KeyExchange::DheDss)
        {
            let opts = ClientOptions {
                cipher_spec: suite.id,
                max_version: version,
                ..Default::default()
            };
            let client = Connection::new_client(full_client_keys(), opts).expect("client");
            let server = Connection::new_server(full_server_keys());
            let (mut p, alerts) = drive(client, server, usize::MAX);
            assert!(
                alerts.is_empty(),
                "{} v{version:04x}: {alerts:?}",
                suite.name
            );
            let n = &p.client.core.negotiated;
            assert_eq!(
                (n.version, n.suite.unwrap().id),
                (version, suite.id),
                "{}",
                suite.name
            );
            exchange(&mut p, 20000, usize::MAX);
        }
    }
}

/// Our server has no DSA identity: a client offering only DHE_DSS suites gets
/// handshake_failure, whatever else the server holds.
#[cfg(feature = "dss-suites")]
#[test]
fn dhe_dss_offer_is_refused_by_our_server() {
    for suite in matrixssl::suites::ALL
        .iter()
        .filter(|s| s.kx == KeyExchange::DheDss)
    {
        let opts = ClientOptions {
            cipher_spec: suite.id,
            ..Default::default()
        };
        let client = Connection::new_client(full_client_keys(), opts).expect("client");
        let (p, alerts) = drive(
            client,
            Connection::new_server(full_server_keys()),
            usize::MAX,
        );
        assert!(!p.client.handshake_complete(), "{}", suite.name);
        assert_eq!(alerts, vec![[2, 40]], "{}", suite.name);
    }
}

#[test]
fn unknown_psk_identity_is_refused() {
    let mut ck = Keys::default();
    ck.add_psk(b"0123456789abcdef", b"stranger").unwrap();
    let opts = ClientOptions {
        cipher_spec: 0x00a8,
        ..Default::default()
    };
    let client = Connection::new_client(Arc::new(ck), opts).unwrap();
    let (p, alerts) = drive(
        client,
        Connection::new_server(full_server_keys()),
        usize::MAX,
    );
    assert!(!p.server.handshake_complete());
    assert_eq!(alerts, vec![[2, 115]]);
}

#[test]
fn psk_only_client_offers_only_psk_suites() {
    let mut ck = Keys::default();
    ck.add_psk(b"0123456789abcdef0123456789abcdef", b"client-one")
        .unwrap();
    let ck = Arc::new(ck);
    // TLS 1.2: only PSK suites.
    let client = Connection::new_client(ck.clone(), tls12()).unwrap();
    let (p, alerts) = drive(
        client,
        Connection::new_server(full_server_keys()),
        usize::MAX,
    );
    assert!(alerts.is_empty(), "{alerts:?}");
    assert!(p.server.core.negotiated.suite.unwrap().kx.uses_psk());
    // TLS 1.3 (the default): the PSK as an external PSK (ABI.md D26), no certificate.
    let client = Connection::new_client(ck, ClientOptions::default()).unwrap();
    let (p, alerts) = drive(
        client,
        Connection::new_server(full_server_keys()),
        usize::MAX,
    );
    assert!(alerts.is_empty(), "{alerts:?}");
    assert_eq!(p.server.core.negotiated.version, 0x0304);
    assert_eq!(
        p.server.core.negotiated.auth.peer,
        PeerIdentity::Psk(b"client-one".to_vec())
    );
}

// ---- the authentication context across renegotiation and resumption ----------------------

/// An ECDSA server identity under the same CA as `server_keys` (another certificate).
fn ec_server_keys() -> Arc<Keys> {
    let mut k = Keys::default();
    k.load_ec_files(
        Some(&path("ec-mixed-server-chain.pem")),
        Some(&path("ec-mixed-server.key")),
        None,
        None,
    )
    .unwrap();
    Arc::new(k)
}

/// A second client identity (ECDSA) trusted by `server_keys_with_ca`.
fn other_client_identity() -> Arc<Keys> {
    let mut k = Keys::default();
    k.load_ec_files(
        Some(&path("client-ec.pem")),
        Some(&path("client-ec.key")),
        None,
        Some(&path("ca.pem")),
    )
    .unwrap();
    Arc::new(k)
}

/// Runs whatever handshake is under way to its end (or failure); returns the alerts seen.
fn settle(p: &mut Pair) -> Vec<[u8; 2]> {
    let (mut got, mut alerts) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        pump(
            &mut p.client,
            &mut p.server,
            usize::MAX,
            &mut got,
            &mut alerts,
        );
        pump(
            &mut p.server,
            &mut p.client,
            usize::MAX,
            &mut got,
            &mut alerts,
        );
        if p.client.outdata().is_empty() && p.server.outdata().is_empty() {
            break;
        }
    }
    alerts
}

fn pair_with(client: Connection, server: Connection) -> Pair {
    let (p, alerts) = drive(client, server, usize::MAX);
    assert!(alerts.is_empty(), "{alerts:?}");
    assert!(p.client.handshake_complete() && p.server.handshake_complete());
    p
}

#[test]
fn renegotiation_without_ems_keeps_the_server_certificate() {
    // RFC 7627 §5.4 (triple handshake): without the extended master secret, a renegotiation
    // in which the server presents another certificate is refused by the client.
    for ems in [false, true] {
        let client = Connection::new_client(client_keys(), tls12()).unwrap();
        let mut server = Connection::new_server(server_keys());
        server.server_options_mut().extended_master_secret = ems;
        server.add_rehandshake_credits(5);
        let mut p = pair_with(client, server);
        assert_eq!(p.client.core.negotiated.extended_master_secret, ems);
        // The server renegotiates with other keys: its ECDSA certificate.
        assert_eq!(
            p.server.encode_rehandshake(Some(ec_server_keys()), true, 0),
            MATRIXSSL_SUCCESS
        );
        let alerts = settle(&mut p);
        if ems {
            assert!(alerts.is_empty(), "{alerts:?}");
            assert!(p.client.handshake_complete() && !p.client.errored());
            assert_eq!(p.client.core.negotiated.suite.unwrap().id, 0xc02b);
        } else {
            assert_eq!(alerts, vec![[2, 40]], "server told handshake_failure");
            assert!(p.client.errored());
        }
    }
}

#[test]
fn renegotiation_without_ems_keeps_the_client_certificate() {
    for ems in [false, true] {
        let client = Connection::new_client(client_keys_with_identity(), tls12()).unwrap();
        let mut server = Connection::new_server(server_keys_with_ca());
        server.server_options_mut().client_auth = true;
        server.server_options_mut().extended_master_secret = ems;
        server.add_rehandshake_credits(5);
        let mut p = pair_with(client, server);
        // The client renegotiates presenting another certificate.
        assert_eq!(
            p.client
                .encode_rehandshake(Some(other_client_identity()), true, 0),
            MATRIXSSL_SUCCESS
        );
        let alerts = settle(&mut p);
        if ems {
            assert!(alerts.is_empty(), "{alerts:?}");
            assert!(p.server.handshake_complete() && !p.server.errored());
        } else {
            assert_eq!(alerts, vec![[2, 40]], "client told handshake_failure");
            assert!(p.server.errored());
        }
    }
}

#[test]
fn renegotiation_that_drops_ems_is_refused() {
    // RFC 7627 §5.4: once the connection used the extended master secret, a renegotiation
    // without it is refused — by the server (client's hello lacks it) and by the client
    // (server's hello lacks it).
    for server_drops in [false, true] {
        let mut p = handshake(tls12(), usize::MAX);
        p.server.add_rehandshake_credits(5);
        assert!(p.client.core.negotiated.extended_master_secret);
        if server_drops {
            p.server.server_options_mut().extended_master_secret = false;
        } else {
            p.client.core.client_options.extended_master_secret = false;
        }
        assert_eq!(
            p.client.encode_rehandshake(None, true, 0),
            MATRIXSSL_SUCCESS
        );
        let alerts = settle(&mut p);
        assert_eq!(alerts, vec![[2, 40]], "server_drops={server_drops}");
        assert!(p.client.errored() || p.server.errored());
    }
}

#[test]
fn client_authentication_upgrade_is_never_resumed() {
    // A server that turns client authentication on for a renegotiation must not let the
    // client resume its session (which was made without a certificate).
    let client = Connection::new_client(client_keys_with_identity(), tls12()).unwrap();
    let mut server = Connection::new_server(server_keys_with_ca());
    server.add_rehandshake_credits(5);
    let mut p = pair_with(client, server);
    assert_eq!(p.server.core.negotiated.auth.peer, PeerIdentity::None);
    p.server.server_options_mut().client_auth = true;
    // Not a forced full handshake: the client offers its current session.
    assert_eq!(
        p.client.encode_rehandshake(None, false, 0),
        MATRIXSSL_SUCCESS
    );
    let alerts = settle(&mut p);
    assert!(alerts.is_empty(), "{alerts:?}");
    assert!(p.server.handshake_complete());
    assert!(
        !p.server.core.negotiated.resumed,
        "client authentication was skipped"
    );
    assert!(matches!(
        p.server.core.negotiated.auth.peer,
        PeerIdentity::Certificate(_)
    ));
}

#[test]
fn resumed_session_keeps_its_version() {
    // The client refuses a server that resumes a session under another version.
    let config = Config::new();
    let first = handshake_in(&config, tls12(), usize::MAX);
    let ticket = ResumeTicket {
        version: 0x0302,
        ..ResumeTicket::from_negotiated(&first.client.core.negotiated).unwrap()
    };
    let client = Connection::new_client(
        client_keys(),
        ClientOptions {
            resume: Some(ticket),
            ..tls12()
        },
    )
    .unwrap();
    let server = Connection::new_server_with(config, server_keys());
    let (p, alerts) = drive(client, server, usize::MAX);
    assert!(p.client.errored());
    assert_eq!(alerts, vec![[2, 47]]);
}

#[test]
fn resumption_needs_the_same_keys_and_client_auth_requirement() {
    let config = Config::new();
    let server = |keys| Connection::new_server_with(config.clone(), keys);
    let first = handshake_in(&config, tls12(), usize::MAX);
    let ticket = ResumeTicket::from_negotiated(&first.client.core.negotiated).unwrap();
    let resume = || ClientOptions {
        resume: Some(ticket.clone()),
        ..tls12()
    };
    // Other server keys (same identity, a CA added): full handshake.
    let client = Connection::new_client(client_keys(), resume()).unwrap();
    let p = pair_with(client, server(server_keys_with_ca()));
    assert!(!p.server.core.negotiated.resumed);
    // Same keys, client authentication now required: full handshake, which the client
    // without a certificate cannot complete.
    let client = Connection::new_client(client_keys(), resume()).unwrap();
    let mut auth_server = server(server_keys());
    auth_server.server_options_mut().client_auth = true;
    let (p, _) = drive(client, auth_server, usize::MAX);
    assert!(!p.server.core.negotiated.resumed && !p.server.handshake_complete());
    // The same keys loaded again, same requirement: resumed.
    let client = Connection::new_client(client_keys(), resume()).unwrap();
    let p = pair_with(client, server(server_keys()));
    assert!(p.server.core.negotiated.resumed && p.client.core.negotiated.resumed);
}

#[test]
#[cfg(feature = "ssl3")]
fn ssl3_with_client_authentication_is_refused() {
    // Client authentication is not implemented for SSL 3.0: a server that requires it
    // refuses the handshake instead of completing it unauthenticated.
    let opts = ClientOptions {
        max_version: 0x0300,
        cipher_spec: 0x002f,
        ..Default::default()
    };
    let client = Connection::new_client(client_keys_with_identity(), opts).unwrap();
    let mut server = Connection::new_server(server_keys_with_ca());
    server.server_options_mut().client_auth = true;
    server.server_options_mut().max_version = 0x0300;
    let (p, alerts) = drive(client, server, usize::MAX);
    assert!(!p.server.handshake_complete());
    assert_eq!(alerts, vec![[2, 40]]);
}

/// The ticket of a finished pair's session.
fn ticket_of(p: &Pair) -> ResumeTicket {
    ResumeTicket::from_negotiated(&p.client.core.negotiated).unwrap()
}

#[test]
fn resumption_at_another_version_is_a_full_handshake() {
    // Each first session is cached by the server; the second hello carries its id but
    // offers a lower or a higher highest version. The server must not resume (the old
    // version would be imposed on a hello that negotiates another one): a full handshake
    // at the new version, under a new session id and a new master secret. (Our client
    // offers every suite when it resumes; a hello that leaves the session's suite out is
    // in tests/hostile.rs.)
    for (suite, first_version, second_version) in [
        (0x002f, 0x0303, 0x0302),
        (0x002f, 0x0303, 0x0301),
        (0x002f, 0x0302, 0x0303),
        (0x0035, 0x0301, 0x0302),
    ] {
        let config = Config::new();
        let what = format!("{suite:04x}: {first_version:04x} -> {second_version:04x}");
        let first = handshake_in(
            &config,
            ClientOptions {
                cipher_spec: suite,
                max_version: first_version,
                ..Default::default()
            },
            usize::MAX,
        );
        let n = &first.server.core.negotiated;
        assert_eq!((n.suite.unwrap().id, n.version), (suite, first_version));
        let old_id = n.session_id.clone();
        let old_master = n.master_secret.clone();
        let mut second = handshake_in(
            &config,
            ClientOptions {
                max_version: second_version,
                resume: Some(ticket_of(&first)),
                ..Default::default()
            },
            usize::MAX,
        );
        for (side, n) in [
            ("client", &second.client.core.negotiated),
            ("server", &second.server.core.negotiated),
        ] {
            assert!(!n.resumed, "{what}: {side} resumed");
            assert_eq!(n.version, second_version, "{what}: {side}");
            assert_ne!(n.session_id, old_id, "{what}: {side} kept the session id");
            assert_ne!(n.master_secret[..], old_master[..], "{what}: {side}");
        }
        exchange(&mut second, 1000, usize::MAX);
        // Control: the same ticket at the session's own version resumes.
        let resumed = handshake_in(
            &config,
            ClientOptions {
                max_version: first_version,
                resume: Some(ticket_of(&first)),
                ..Default::default()
            },
            usize::MAX,
        );
        let (c, s) = (
            &resumed.client.core.negotiated,
            &resumed.server.core.negotiated,
        );
        assert!(c.resumed && s.resumed, "{what}: control");
        assert_eq!(s.suite.unwrap().id, suite, "{what}: control");
    }
}

#[test]
fn ca_names_overflowing_the_certificate_request_fail_the_handshake_cleanly() {
    // 2,500 copies of the CA: about 67,000 bytes of names, more than the 2-byte
    // certificate_authorities list can carry. Before, the length silently wrapped.
    let pem = common::fixture("ca.pem");
    let bundle = std::env::temp_dir().join(format!("matrixssl-ca-2500-{}.pem", std::process::id()));
    std::fs::write(&bundle, pem.repeat(2500)).unwrap();
    let mut k = Keys::default();
    k.load_rsa_files(
        Some(&path("server-chain.pem")),
        Some(&path("server.key")),
        None,
        Some(bundle.to_str().unwrap().as_bytes()),
    )
    .unwrap();
    std::fs::remove_file(&bundle).unwrap();
    let client = Connection::new_client(client_keys_with_identity(), tls12()).unwrap();
    let mut server = Connection::new_server(Arc::new(k));
    server.server_options_mut().client_auth = true;
    let (p, alerts) = drive(client, server, usize::MAX);
    assert!(p.server.errored() && !p.client.handshake_complete());
    assert_eq!(alerts, vec![[2, alert::INTERNAL_ERROR]]);
}

#[test]
fn hello_extensions_over_the_block_limit_refuse_the_session() {
    let with_extension = |len: usize| ClientOptions {
        user_extensions: vec![(0x7777, vec![0x5a; len])],
        ..Default::default()
    };
    // The extension block (2-byte length) also holds the library's own extensions.
    assert_eq!(
        Connection::new_client(client_keys(), with_extension(0xffff)).err(),
        Some(MATRIXSSL_ERROR)
    );
    assert_eq!(
        Connection::new_client(client_keys(), with_extension(70_000)).err(),
        Some(MATRIXSSL_ERROR)
    );
    // A large one that fits is sent whole.
    let client = Connection::new_client(client_keys(), with_extension(60_000)).unwrap();
    let (p, alerts) = drive(client, Connection::new_server(server_keys()), usize::MAX);
    assert!(
        alerts.is_empty() && p.client.handshake_complete(),
        "{alerts:?}"
    );
}

// ---- configurations of their own ------------------------------------------------------------

/// A clock a test moves forward by hand.
struct ManualClock {
    start: Instant,
    elapsed: Mutex<Duration>,
}

impl ManualClock {
    fn new() -> Arc<Self> {
        Arc::new(ManualClock {
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
        })
    }

    fn advance(&self, by: Duration) {
        *self.elapsed.lock().unwrap() += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + *self.elapsed.lock().unwrap()
    }
}

/// A second handshake under `config` that offers the session of `first`.
fn resume_in(config: &Config, first: &Pair) -> Pair {
    let options = ClientOptions {
        resume: Some(ticket_of(first)),
        ..tls12()
    };
    handshake_in(config, options, usize::MAX)
}

#[test]
fn a_private_session_cache_is_seen_only_by_its_own_connections() {
    let config = Config::new();
    let first = handshake_in(&config, tls12(), usize::MAX);
    let id = first.server.core.negotiated.session_id.clone();
    assert!(config.server_cache.lookup(&id, config.now()).is_some());
    let process = Config::process();
    assert!(process.server_cache.lookup(&id, process.now()).is_none());
    // Under another configuration (and under the process one) the session is unknown.
    for other in [Config::new(), Config::process()] {
        let p = resume_in(&other, &first);
        assert!(!p.server.core.negotiated.resumed);
    }
    assert!(resume_in(&config, &first).server.core.negotiated.resumed);
}

#[test]
fn a_cached_session_expires_after_its_entry_life() {
    let clock = ManualClock::new();
    let config = Config::new().with_clock(clock.clone());
    let first = handshake_in(&config, tls12(), usize::MAX);
    clock.advance(ENTRY_LIFE - Duration::from_secs(1));
    let p = resume_in(&config, &first);
    assert!(p.client.core.negotiated.resumed && p.server.core.negotiated.resumed);
    // Resuming does not extend the life: a second later the entry is gone.
    clock.advance(Duration::from_secs(1));
    let p = resume_in(&config, &first);
    let (c, s) = (&p.client.core.negotiated, &p.server.core.negotiated);
    assert!(!c.resumed && !s.resumed, "an expired session was resumed");
    assert_ne!(s.session_id, first.server.core.negotiated.session_id);
}

#[test]
fn suites_disabled_in_a_private_policy_stay_private() {
    // Only 0x0035 enabled on the server, no TLS 1.3 suite either; the client offers
    // everything, TLS 1.3 included, and gets TLS 1.2.
    let server_config = Config::new();
    for s in matrixssl::suites::ALL {
        server_config.suites.set_enabled(s.id, s.id == 0x0035);
    }
    for s in &matrixssl::suites::TLS13_SUITES {
        server_config.suites.set_enabled(s.id, false);
    }
    let client = Connection::new_client_with(Config::new(), client_keys(), Default::default());
    let server = Connection::new_server_with(server_config.clone(), server_keys());
    let p = pair_with(client.unwrap(), server);
    assert_eq!(p.server.core.negotiated.suite.unwrap().id, 0x0035);
    // A client under that policy offers only 0x0035.
    let client = Connection::new_client_with(server_config, client_keys(), Default::default());
    let p = pair_with(client.unwrap(), Connection::new_server(server_keys()));
    assert_eq!(p.client.core.negotiated.suite.unwrap().id, 0x0035);
    // Nothing leaked into the process policy or a fresh one: the default preference stands.
    assert!(Config::process().suites.enabled(0xc02f));
    let p = handshake(tls12(), usize::MAX);
    assert_eq!(p.server.core.negotiated.suite.unwrap().id, 0xc02f);
}

#[test]
fn a_private_max_version_caps_both_roles() {
    let config = Config::new();
    assert!(config.suites.set_max_version(0x0302));
    // Server under the cap, client under the process default (TLS 1.3).
    let server = Connection::new_server_with(config.clone(), server_keys());
    let client = Connection::new_client(client_keys(), ClientOptions::default()).unwrap();
    assert_eq!(
        pair_with(client, server).server.core.negotiated.version,
        0x0302
    );
    // Client under the cap.
    let client = Connection::new_client_with(config, client_keys(), Default::default()).unwrap();
    let p = pair_with(client, Connection::new_server(server_keys()));
    assert_eq!(p.client.core.negotiated.version, 0x0302);
    assert_eq!(Config::process().suites.max_version(), DEFAULT_MAX_VERSION);
}

// ---------------------------------------------------------------------------------------
// Handshake signature schemes on the wire

/// [`drive`] that also returns what each side sent (client's bytes, server's bytes).
fn drive_recorded(mut client: Connection, mut server: Connection) -> (Pair, Vec<u8>, Vec<u8>) {
    let (mut sink, mut alerts) = (Vec::new(), Vec::new());
    let (mut from_client, mut from_server) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        from_client.extend_from_slice(client.outdata());
        pump(&mut client, &mut server, usize::MAX, &mut sink, &mut alerts);
        from_server.extend_from_slice(server.outdata());
        pump(&mut server, &mut client, usize::MAX, &mut sink, &mut alerts);
        if client.handshake_complete() && server.handshake_complete() && client.outdata().is_empty()
        {
            break;
        }
        if client.errored() || server.errored() {
            break;
        }
    }
    assert!(alerts.is_empty(), "alerts during handshake: {alerts:?}");
    (Pair { client, server }, from_client, from_server)
}

/// The plaintext handshake messages (type, body) in `wire` up to the first
/// ChangeCipherSpec: everything a side sends before its keys are on.
fn plaintext_handshake_messages(wire: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut stream = Vec::new();
    let mut rest = wire;
    while rest.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        let (typ, fragment) = (rest[0], &rest[5..5 + len]);
        if typ == 20 {
            break;
        }
        if typ == 22 {
            stream.extend_from_slice(fragment);
        }
        rest = &rest[5 + len..];
    }
    let mut messages = Vec::new();
    let mut rest = &stream[..];
    while rest.len() >= 4 {
        let len = usize::from(rest[1]) << 16 | usize::from(rest[2]) << 8 | usize::from(rest[3]);
        messages.push((rest[0], rest[4..4 + len].to_vec()));
        rest = &rest[4 + len..];
    }
    messages
}

fn message_body(messages: &[(u8, Vec<u8>)], typ: u8) -> Vec<u8> {
    messages
        .iter()
        .find(|(t, _)| *t == typ)
        .unwrap_or_else(|| panic!("no handshake message of type {typ}"))
        .1
        .clone()
}

const RSA_PSS_RSAE_SHA256: u16 = 0x0804;

#[test]
fn rsa_server_signs_its_key_exchange_with_pss_when_offered() {
    let client = Connection::new_client(client_keys(), tls12()).unwrap();
    let server = Connection::new_server(server_keys());
    let (mut p, _, from_server) = drive_recorded(client, server);
    assert!(p.client.handshake_complete() && p.server.handshake_complete());
    let ske = message_body(&plaintext_handshake_messages(&from_server), 12);
    // ECDHE parameters: curve type, named curve, the point; then the signature scheme.
    assert_eq!(ske[0], 3, "named_curve ECDHE parameters expected");
    let point_len = usize::from(ske[3]);
    let at = 4 + point_len;
    assert_eq!(
        u16::from_be_bytes([ske[at], ske[at + 1]]),
        RSA_PSS_RSAE_SHA256
    );
    exchange(&mut p, 1000, usize::MAX);
}

#[test]
fn client_authenticates_with_pss_when_the_certificate_request_lists_it() {
    let client = Connection::new_client(client_keys_with_identity(), tls12()).unwrap();
    let mut server = Connection::new_server(server_keys_with_ca());
    server.server_options_mut().client_auth = true;
    let (mut p, from_client, from_server) = drive_recorded(client, server);
    assert!(p.client.handshake_complete() && p.server.handshake_complete());
    let request = message_body(&plaintext_handshake_messages(&from_server), 13);
    // certificate_types, then supported_signature_algorithms: PSS is among them.
    let types_len = usize::from(request[0]);
    let at = 1 + types_len;
    let schemes_len = usize::from(u16::from_be_bytes([request[at], request[at + 1]]));
    let schemes: Vec<u16> = request[at + 2..at + 2 + schemes_len]
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    assert!(schemes.contains(&RSA_PSS_RSAE_SHA256), "{schemes:04x?}");
    let verify = message_body(&plaintext_handshake_messages(&from_client), 15);
    assert_eq!(
        u16::from_be_bytes([verify[0], verify[1]]),
        RSA_PSS_RSAE_SHA256
    );
    exchange(&mut p, 1000, usize::MAX);
}

// ---------------------------------------------------------------------------------------
// The server's chain: verified from its DER, parsed whole for the callback and for failures

/// What the certificate callback was shown: chain length, statuses and alert, per call; it
/// answers with the alert it was given (0 accepts a chain that verified).
#[derive(Default)]
struct ChainSeen {
    calls: Vec<(usize, Vec<i32>, u8)>,
}

impl matrixssl::handshake::Callbacks for ChainSeen {
    fn has_certificate_callback(&self) -> bool {
        true
    }
    fn certificate(
        &mut self,
        chain: &[Arc<matrixssl::pki::Certificate>],
        statuses: &[i32],
        alert: u8,
    ) -> i32 {
        self.calls.push((chain.len(), statuses.to_vec(), alert));
        i32::from(alert)
    }
    fn extension(&mut self, _: u16, _: &[u8]) -> i32 {
        0
    }
}

/// Runs the handshake with `cb` as the client's callbacks (the server's are `NoCallbacks`).
fn drive_with_client_callbacks(
    client: &mut Connection,
    server: &mut Connection,
    cb: &mut dyn matrixssl::handshake::Callbacks,
) {
    for _ in 0..6 {
        let (mut sink, mut alerts) = (Vec::new(), Vec::new());
        pump(client, server, usize::MAX, &mut sink, &mut alerts);
        let data = server.outdata().to_vec();
        server.sent(data.len());
        let mut off = 0;
        while off < data.len() && !client.errored() {
            let (at, room) = client.read_buf();
            let n = room.min(data.len() - off);
            client.inbuf_mut()[at..at + n].copy_from_slice(&data[off..off + n]);
            off += n;
            let mut r = client.received(n, cb);
            while r.rc == MATRIXSSL_APP_DATA || r.rc == MATRIXSSL_RECEIVED_ALERT {
                r = client.processed(cb);
            }
        }
        if client.errored() || client.handshake_complete() && server.handshake_complete() {
            return;
        }
    }
}

fn client_keys_trusting(ca: &str) -> Arc<Keys> {
    let mut k = Keys::default();
    k.load_rsa_files(None, None, None, Some(&path(ca)))
        .expect("client CA");
    Arc::new(k)
}

#[test]
fn certificate_callback_sees_the_whole_server_chain() {
    for version in [0x0303, 0x0304] {
        let options = ClientOptions {
            max_version: version,
            ..Default::default()
        };
        // A chain that verifies: both certificates, both PASS, no alert.
        let mut client = Connection::new_client(client_keys(), options.clone()).unwrap();
        let mut server = Connection::new_server(server_keys());
        let mut seen = ChainSeen::default();
        drive_with_client_callbacks(&mut client, &mut server, &mut seen);
        assert!(client.handshake_complete(), "{version:x}");
        assert_eq!(
            seen.calls,
            vec![(2, vec![PS_CERT_AUTH_PASS; 2], 0)],
            "{version:x}"
        );
        // From a root the client does not trust: still both certificates, with the
        // failure, which the callback keeps.
        let mut client =
            Connection::new_client(client_keys_trusting("ec-ca.pem"), options.clone()).unwrap();
        let mut server = Connection::new_server(server_keys());
        let mut seen = ChainSeen::default();
        drive_with_client_callbacks(&mut client, &mut server, &mut seen);
        assert!(client.errored(), "{version:x}");
        assert_eq!(seen.calls.len(), 1, "{version:x}");
        let (len, statuses, alert) = &seen.calls[0];
        assert_eq!((*len, statuses.len()), (2, 2), "{version:x}");
        assert_ne!(*alert, 0, "{version:x}");
        assert!(
            statuses.iter().any(|&s| s != PS_CERT_AUTH_PASS),
            "{version:x}"
        );
        // Without a callback the untrusted chain fails the handshake too.
        let client =
            Connection::new_client(client_keys_trusting("ec-ca.pem"), options.clone()).unwrap();
        let (p, alerts) = drive(client, Connection::new_server(server_keys()), usize::MAX);
        assert!(
            p.client.errored() && !p.client.handshake_complete(),
            "{version:x}"
        );
        // With the same alert the callback was shown.
        assert_eq!(alerts, vec![[2, *alert]], "{version:x}");
    }
}
