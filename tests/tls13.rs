//! TLS 1.3 (RFC 8446, ABI.md §9) between our own client and server in memory: every suite,
//! RSA-PSS and ECDSA certificates, client authentication, KeyUpdate both ways, the version
//! caps and the downgrade sentinel.

use std::sync::Arc;

use matrixssl::client_sessions::TLS13_RECORD_SECRET;
use matrixssl::config::Config;
use matrixssl::conn::Connection;
use matrixssl::error::*;
use matrixssl::handshake::client::{ClientOptions, ResumeTicket};
use matrixssl::keys::Keys;

mod common;
use common::{path, pump};

const TLS1_2: u16 = 0x0303;
const TLS1_3: u16 = 0x0304;

fn keys(chain: Option<&str>, key: Option<&str>, ca: Option<&str>, ec: bool) -> Arc<Keys> {
    let mut k = Keys::default();
    let (chain, key, ca) = (chain.map(path), key.map(path), ca.map(path));
    if ec {
        k.load_ec_files(chain.as_deref(), key.as_deref(), None, ca.as_deref())
            .unwrap();
    } else {
        k.load_rsa_files(chain.as_deref(), key.as_deref(), None, ca.as_deref())
            .unwrap();
    }
    Arc::new(k)
}

fn rsa_server() -> Arc<Keys> {
    keys(Some("server-chain.pem"), Some("server.key"), None, false)
}

fn ec_server() -> Arc<Keys> {
    keys(
        Some("ec-mixed-server-chain.pem"),
        Some("ec-mixed-server.key"),
        None,
        true,
    )
}

fn client_keys() -> Arc<Keys> {
    keys(None, None, Some("ca.pem"), false)
}

/// A configuration whose sessions negotiate up to `max`.
fn config(max: u16) -> Config {
    let c = Config::new();
    assert!(c.suites.set_max_version(max));
    c
}

struct Pair {
    client: Connection,
    server: Connection,
    alerts: Vec<[u8; 2]>,
}

fn drive(mut client: Connection, mut server: Connection) -> Pair {
    let (mut sink, mut alerts) = (Vec::new(), Vec::new());
    for _ in 0..8 {
        pump(&mut client, &mut server, usize::MAX, &mut sink, &mut alerts);
        pump(&mut server, &mut client, usize::MAX, &mut sink, &mut alerts);
    }
    Pair {
        client,
        server,
        alerts,
    }
}

fn pair(cfg: &Config, client: Arc<Keys>, options: ClientOptions, server: Arc<Keys>) -> Pair {
    let c = Connection::new_client_with(cfg.clone(), client, options).expect("client");
    let s = Connection::new_server_with(cfg.clone(), server);
    drive(c, s)
}

fn send(from: &mut Connection, data: &[u8]) {
    for part in data.chunks(16384) {
        assert!(from.encode_to_outdata(part) > 0);
    }
}

fn exchange(p: &mut Pair, size: usize) {
    let payload: Vec<u8> = (0..size).map(|i| (i * 31 + 7) as u8).collect();
    let mut got = Vec::new();
    send(&mut p.client, &payload);
    pump(
        &mut p.client,
        &mut p.server,
        usize::MAX,
        &mut got,
        &mut p.alerts,
    );
    assert_eq!(got, payload, "client->server {size}");
    got.clear();
    send(&mut p.server, &payload);
    pump(
        &mut p.server,
        &mut p.client,
        usize::MAX,
        &mut got,
        &mut p.alerts,
    );
    assert_eq!(got, payload, "server->client {size}");
    assert!(p.alerts.is_empty(), "{:?}", p.alerts);
}

fn established(p: &Pair, suite: u16) {
    assert!(p.alerts.is_empty(), "alerts: {:?}", p.alerts);
    for c in [&p.client, &p.server] {
        assert!(c.handshake_complete());
        assert_eq!(c.core.negotiated.version, TLS1_3);
        assert_eq!(c.core.negotiated.suite_id(), suite);
    }
}

#[test]
fn every_suite_with_rsa_and_ecdsa_certificates() {
    let cfg = config(TLS1_3);
    for server in [rsa_server(), ec_server()] {
        for suite in [0x1301, 0x1302, 0x1303] {
            let options = ClientOptions {
                cipher_spec: suite,
                ..ClientOptions::default()
            };
            let mut p = pair(&cfg, client_keys(), options, server.clone());
            established(&p, suite);
            for size in [0, 1, 1000, 16384, 40000] {
                exchange(&mut p, size);
            }
        }
    }
}

#[test]
fn default_offer_negotiates_tls13_when_both_allow_it() {
    let p = pair(
        &config(TLS1_3),
        client_keys(),
        ClientOptions::default(),
        rsa_server(),
    );
    established(&p, 0x1301);
}

/// Only the fuzz harnesses build the library with `fuzzing-deterministic`, which replays
/// every random value: in the normal build two ClientHellos made the same way differ in
/// their random, legacy session id and key shares.
#[test]
fn client_hellos_are_not_replayable() {
    // Constant on purpose: fails the test suite of any build the feature leaked into.
    #[allow(clippy::assertions_on_constants)]
    {
        assert!(!cfg!(feature = "fuzzing-deterministic"));
    }
    let hello = || {
        let c =
            Connection::new_client_with(config(TLS1_3), client_keys(), ClientOptions::default())
                .unwrap();
        c.outdata().to_vec()
    };
    let (a, b) = (hello(), hello());
    assert_eq!(a.len(), b.len());
    // After the record and handshake headers and the version: the random (its first four
    // bytes are the clock's), then the session id's length and the 32 bytes of the id.
    assert_ne!(a[15..43], b[15..43]);
    assert_ne!(a[44..76], b[44..76]);
    let differing = a.iter().zip(&b).filter(|(x, y)| x != y).count();
    // 28 random bytes, 32 of session id and the 32-byte X25519 share: 92 bytes, each equal
    // by chance with probability 1/256.
    assert!(differing > 80, "only {differing} bytes differ");
}

#[test]
fn default_cap_is_tls13() {
    // ABI.md D25: an unchanged configuration offers and accepts TLS 1.3 in both roles.
    let p = pair(
        &Config::new(),
        client_keys(),
        ClientOptions::default(),
        rsa_server(),
    );
    assert!(p.alerts.is_empty());
    assert_eq!(p.client.core.negotiated.version, TLS1_3);
    assert_eq!(p.server.core.negotiated.version, TLS1_3);
}

#[test]
fn tls13_client_and_tls12_server_agree_on_tls12_without_a_sentinel() {
    let client =
        Connection::new_client_with(config(TLS1_3), client_keys(), ClientOptions::default())
            .unwrap();
    let server = Connection::new_server_with(config(TLS1_2), rsa_server());
    let mut p = drive(client, server);
    assert!(p.alerts.is_empty(), "{:?}", p.alerts);
    assert_eq!(p.client.core.negotiated.version, TLS1_2);
    exchange(&mut p, 100);
}

#[test]
fn tls12_client_and_tls13_server_agree_on_tls12() {
    let options = ClientOptions {
        max_version: TLS1_2,
        ..ClientOptions::default()
    };
    let client = Connection::new_client_with(config(TLS1_3), client_keys(), options).unwrap();
    let server = Connection::new_server_with(config(TLS1_3), rsa_server());
    let mut p = drive(client, server);
    assert!(p.alerts.is_empty(), "{:?}", p.alerts);
    assert_eq!(p.server.core.negotiated.version, TLS1_2);
    exchange(&mut p, 100);
}

#[test]
fn key_updates_from_either_side_keep_data_flowing() {
    let mut p = pair(
        &config(TLS1_3),
        client_keys(),
        ClientOptions::default(),
        ec_server(),
    );
    established(&p, 0x1301);
    for client_side in [true, false, true] {
        let c = if client_side {
            &mut p.client
        } else {
            &mut p.server
        };
        assert_eq!(c.encode_rehandshake(None, false, 0), MATRIXSSL_SUCCESS);
        exchange(&mut p, 500);
        // The peer answered the request with its own update: both sides moved on.
        let mut sink = Vec::new();
        pump(
            &mut p.server,
            &mut p.client,
            usize::MAX,
            &mut sink,
            &mut p.alerts,
        );
        pump(
            &mut p.client,
            &mut p.server,
            usize::MAX,
            &mut sink,
            &mut p.alerts,
        );
        exchange(&mut p, 500);
    }
}

/// ABI.md §3.4: a client's EncodeRehandshake naming a suite that is unknown or disabled
/// fails with PS_UNSUPPORTED_FAIL on TLS 1.3 as on 1.2, and queues nothing; an enabled one
/// is a KeyUpdate like cipherSpec 0.
#[test]
fn client_rehandshake_with_an_unavailable_suite_is_unsupported() {
    let cfg = config(TLS1_3);
    assert!(cfg.suites.set_enabled(0x000a, false));
    let mut p = pair(&cfg, client_keys(), ClientOptions::default(), ec_server());
    established(&p, 0x1301);
    for unavailable in [0x000a, 0xfefe] {
        assert_eq!(
            p.client.encode_rehandshake(None, false, unavailable),
            PS_UNSUPPORTED_FAIL
        );
        assert!(p.client.outdata().is_empty(), "nothing queued");
    }
    assert_eq!(
        p.client.encode_rehandshake(None, false, 0x1302),
        MATRIXSSL_SUCCESS
    );
    exchange(&mut p, 100);
}

#[test]
fn client_authentication() {
    let server = keys(
        Some("server-chain.pem"),
        Some("server.key"),
        Some("ca.pem"),
        false,
    );
    let client = keys(
        Some("client.pem"),
        Some("client.key"),
        Some("ca.pem"),
        false,
    );
    let cfg = config(TLS1_3);
    let c = Connection::new_client_with(cfg.clone(), client, ClientOptions::default()).unwrap();
    let mut s = Connection::new_server_with(cfg.clone(), server.clone());
    s.server_options_mut().client_auth = true;
    let mut p = drive(c, s);
    established(&p, 0x1301);
    assert!(matches!(
        p.server.core.negotiated.auth.peer,
        matrixssl::handshake::PeerIdentity::Certificate(_)
    ));
    exchange(&mut p, 100);

    // Without a client certificate: certificate_required (RFC 8446 §4.4.2.4).
    let c =
        Connection::new_client_with(cfg.clone(), client_keys(), ClientOptions::default()).unwrap();
    let mut s = Connection::new_server_with(cfg, server);
    s.server_options_mut().client_auth = true;
    let p = drive(c, s);
    assert!(p.server.errored());
    assert!(p.alerts.contains(&[2, 116]), "{:?}", p.alerts);
}

/// A client holding an ECDSA identity under the EC root and an RSA one under the RSA root
/// answers a server that trusts only the RSA root (its CertificateRequest's
/// certificate_authorities, RFC 8446 §4.2.4) with the RSA chain, although ECDSA comes
/// first otherwise (ABI.md D26): in the handshake and after it (D29).
#[test]
fn client_identity_chosen_by_the_servers_ca_names() {
    let server = keys(
        Some("server-chain.pem"),
        Some("server.key"),
        Some("ca.pem"),
        false,
    );
    let mut client = Keys::default();
    client
        .load_rsa_files(
            Some(&path("client.pem")),
            Some(&path("client.key")),
            None,
            Some(&path("ca.pem")),
        )
        .unwrap();
    client
        .load_ec_files(
            Some(&path("ec-server-chain.pem")),
            Some(&path("ec-server.key")),
            None,
            None,
        )
        .unwrap();
    let rsa_chain = matrixssl::handshake::PeerIdentity::of_chain(
        client
            .rsa_identity()
            .unwrap()
            .chain
            .iter()
            .map(|c| &c.der[..]),
    );
    let client = Arc::new(client);
    let cfg = config(TLS1_3);

    let c =
        Connection::new_client_with(cfg.clone(), client.clone(), ClientOptions::default()).unwrap();
    let mut s = Connection::new_server_with(cfg.clone(), server.clone());
    s.server_options_mut().client_auth = true;
    let mut p = drive(c, s);
    established(&p, 0x1301);
    assert_eq!(p.server.core.negotiated.auth.peer, rsa_chain);
    exchange(&mut p, 100);

    let c = Connection::new_client_with(cfg.clone(), client, ClientOptions::default()).unwrap();
    let s = Connection::new_server_with(cfg, server);
    let mut p = drive(c, s);
    established(&p, 0x1301);
    authenticate_client_after_handshake(&mut p);
    assert_eq!(p.server.core.negotiated.auth.peer, rsa_chain);
}

/// D29: the server asks for client authentication on an established session; the client's
/// answer arrives along with application data both ways.
fn authenticate_client_after_handshake(p: &mut Pair) {
    p.server.server_options_mut().client_auth = true;
    assert_eq!(
        p.server.encode_rehandshake(None, true, 0),
        MATRIXSSL_SUCCESS
    );
    assert!(!p.server.handshake_complete());
    exchange(p, 300);
    let mut sink = Vec::new();
    pump(
        &mut p.client,
        &mut p.server,
        usize::MAX,
        &mut sink,
        &mut p.alerts,
    );
    assert!(p.server.handshake_complete(), "{:?}", p.alerts);
}

/// The record the application's sslSessionId_t would hold after the ticket arrived.
fn ticket_of(p: &mut Pair, cfg: &Config) -> Option<ResumeTicket> {
    let (handle, suite) = p.client.take_new_ticket()?;
    ResumeTicket::from_record(&cfg.client_sessions, &handle, &TLS13_RECORD_SECRET, suite)
}

fn resume_options(ticket: Option<ResumeTicket>) -> ClientOptions {
    ClientOptions {
        resume: ticket,
        ..ClientOptions::default()
    }
}

#[test]
fn resumption_with_a_ticket_is_psk_dhe_and_single_use() {
    let cfg = config(TLS1_3);
    let server = ec_server();
    let mut first = pair(
        &cfg,
        client_keys(),
        ClientOptions::default(),
        server.clone(),
    );
    established(&first, 0x1301);
    assert!(!first.client.core.negotiated.resumed);
    // The record holds a handle, not the PSK.
    let (handle, suite) = first.client.latest_ticket().expect("ticket received");
    assert_eq!(suite, 0x1301);
    let ticket = ticket_of(&mut first, &cfg).expect("ticket record");
    let replay = ResumeTicket {
        tls13: ticket.tls13.clone(),
        ..ticket.clone()
    };
    let mut second = pair(
        &cfg,
        client_keys(),
        resume_options(Some(ticket)),
        server.clone(),
    );
    established(&second, 0x1301);
    assert!(second.client.core.negotiated.resumed && second.server.core.negotiated.resumed);
    exchange(&mut second, 1000);
    // The record was taken out when offered: the same handle finds nothing any more.
    assert!(
        ResumeTicket::from_record(&cfg.client_sessions, &handle, &TLS13_RECORD_SECRET, suite)
            .is_none()
    );
    // A copy of the ticket offered again: the server used it up, full handshake.
    let third = pair(
        &cfg,
        client_keys(),
        resume_options(Some(replay)),
        server.clone(),
    );
    established(&third, 0x1301);
    assert!(!third.server.core.negotiated.resumed);
    // The resumed connection gave a new ticket, which resumes once more.
    let ticket = ticket_of(&mut second, &cfg).expect("new ticket");
    let fourth = pair(&cfg, client_keys(), resume_options(Some(ticket)), server);
    established(&fourth, 0x1301);
    assert!(fourth.server.core.negotiated.resumed);
}

/// RFC 8446 §4.6.1 (note): without client authentication the server sends its ticket with
/// its Finished. The client holds it once its own handshake completes, the server has
/// nothing left to send once its completes, and the ticket resumes only a session whose
/// client Finished reached the server: an abandoned handshake leaves nothing resumable.
#[test]
fn the_ticket_comes_with_the_servers_finished_and_counts_once_the_client_finished() {
    let cfg = config(TLS1_3);
    let server_keys = ec_server();
    let (mut sink, mut alerts) = (Vec::new(), Vec::new());
    let start = |cfg: &Config| {
        let c = Connection::new_client_with(cfg.clone(), client_keys(), ClientOptions::default())
            .expect("client");
        let s = Connection::new_server_with(cfg.clone(), server_keys.clone());
        (c, s)
    };
    let (mut client, mut server) = start(&cfg);
    pump(&mut client, &mut server, usize::MAX, &mut sink, &mut alerts);
    pump(&mut server, &mut client, usize::MAX, &mut sink, &mut alerts);
    assert!(client.handshake_complete() && !server.handshake_complete());
    assert!(
        client.latest_ticket().is_some(),
        "ticket with the first flight"
    );
    pump(&mut client, &mut server, usize::MAX, &mut sink, &mut alerts);
    assert!(server.handshake_complete(), "{alerts:?}");
    assert!(server.outdata().is_empty(), "nothing left to send");
    let mut done = Pair {
        client,
        server,
        alerts,
    };
    let ticket = ticket_of(&mut done, &cfg).expect("ticket record");
    let resumed = pair(
        &cfg,
        client_keys(),
        resume_options(Some(ticket)),
        server_keys.clone(),
    );
    established(&resumed, 0x1301);
    assert!(resumed.server.core.negotiated.resumed);

    // The client's Finished never reaches the server: its ticket names no cache entry.
    let (mut client, mut server) = start(&cfg);
    let mut alerts = Vec::new();
    pump(&mut client, &mut server, usize::MAX, &mut sink, &mut alerts);
    pump(&mut server, &mut client, usize::MAX, &mut sink, &mut alerts);
    assert!(client.handshake_complete());
    drop(server);
    let mut abandoned = Pair {
        client,
        server: Connection::new_server_with(cfg.clone(), server_keys.clone()),
        alerts,
    };
    let ticket = ticket_of(&mut abandoned, &cfg).expect("ticket record");
    let full = pair(
        &cfg,
        client_keys(),
        resume_options(Some(ticket)),
        server_keys,
    );
    established(&full, 0x1301);
    assert!(!full.server.core.negotiated.resumed);
}

#[test]
fn a_ticket_is_not_resumed_under_other_server_keys_or_policy() {
    let cfg = config(TLS1_3);
    let mut first = pair(&cfg, client_keys(), ClientOptions::default(), ec_server());
    let ticket = ticket_of(&mut first, &cfg).unwrap();
    // Another key container on the server: a full handshake.
    let second = pair(
        &cfg,
        client_keys(),
        resume_options(Some(ticket)),
        rsa_server(),
    );
    established(&second, 0x1301);
    assert!(!second.server.core.negotiated.resumed);
}

#[test]
fn post_handshake_authentication_when_the_server_asks_for_it() {
    let server = keys(
        Some("server-chain.pem"),
        Some("server.key"),
        Some("ca.pem"),
        false,
    );
    let client = keys(
        Some("client.pem"),
        Some("client.key"),
        Some("ca.pem"),
        false,
    );
    let cfg = config(TLS1_3);
    let c = Connection::new_client_with(cfg.clone(), client, ClientOptions::default()).unwrap();
    let s = Connection::new_server_with(cfg.clone(), server.clone());
    let mut p = drive(c, s);
    established(&p, 0x1301);
    assert_eq!(
        p.server.core.negotiated.auth.peer,
        matrixssl::handshake::PeerIdentity::None
    );
    // D29: client authentication asked for after the handshake.
    authenticate_client_after_handshake(&mut p);
    assert!(matches!(
        p.server.core.negotiated.auth.peer,
        matrixssl::handshake::PeerIdentity::Certificate(_)
    ));
    exchange(&mut p, 300);

    // A client without an identity does not offer post_handshake_auth: the same call is a
    // KeyUpdate and the session stays established.
    let c =
        Connection::new_client_with(cfg.clone(), client_keys(), ClientOptions::default()).unwrap();
    let s = Connection::new_server_with(cfg, server);
    let mut p = drive(c, s);
    p.server.server_options_mut().client_auth = true;
    assert_eq!(
        p.server.encode_rehandshake(None, true, 0),
        MATRIXSSL_SUCCESS
    );
    assert!(p.server.handshake_complete());
    exchange(&mut p, 300);
}

fn psk_keys(key: &[u8], id: &[u8]) -> Arc<Keys> {
    let mut k = Keys::default();
    k.add_psk(key, id).unwrap();
    Arc::new(k)
}

#[test]
fn external_psk_from_load_psk() {
    let cfg = config(TLS1_3);
    let key = b"0123456789abcdef0123456789abcdef";
    let mut p = pair(
        &cfg,
        psk_keys(key, b"alice"),
        ClientOptions::default(),
        psk_keys(key, b"alice"),
    );
    established(&p, 0x1301);
    assert_eq!(
        p.server.core.negotiated.auth.peer,
        matrixssl::handshake::PeerIdentity::Psk(b"alice".to_vec())
    );
    assert!(!p.server.core.negotiated.resumed);
    exchange(&mut p, 1000);

    // The same identity with another key: the binder does not verify (decrypt_error).
    let p = pair(
        &cfg,
        psk_keys(b"another key of 32 bytes, really!", b"alice"),
        ClientOptions::default(),
        psk_keys(key, b"alice"),
    );
    assert!(
        p.server.errored() && p.alerts.contains(&[2, 51]),
        "{:?}",
        p.alerts
    );

    // An identity the server does not know and no certificate to fall back on:
    // unknown_psk_identity, as in TLS 1.2.
    let p = pair(
        &cfg,
        psk_keys(key, b"bob"),
        ClientOptions::default(),
        psk_keys(key, b"alice"),
    );
    assert!(
        p.server.errored() && p.alerts.contains(&[2, 115]),
        "{:?}",
        p.alerts
    );
}

#[test]
fn a_key_update_goes_out_before_the_aead_limit() {
    use matrixssl::crypto::tls13_record::AES_GCM_RECORD_LIMIT;
    let mut p = pair(
        &config(TLS1_3),
        client_keys(),
        ClientOptions::default(),
        ec_server(),
    );
    established(&p, 0x1301);
    // Both ends as if all but two records the key may protect had been exchanged.
    p.client
        .core
        .record
        .advance_write_seq(AES_GCM_RECORD_LIMIT - 2);
    p.server
        .core
        .record
        .advance_read_seq(AES_GCM_RECORD_LIMIT - 2);
    let before = p.client.outdata().len();
    assert!(p.client.encode_to_outdata(b"last record under the old key") > 0);
    // The data record (5 + 29 + 17) and a KeyUpdate record (5 + 5 + 17) behind it.
    assert_eq!(p.client.outdata().len() - before, 51 + 27);
    assert!(!p.client.core.record.key_update_due());
    let mut got = Vec::new();
    pump(
        &mut p.client,
        &mut p.server,
        usize::MAX,
        &mut got,
        &mut p.alerts,
    );
    assert_eq!(got, b"last record under the old key");
    exchange(&mut p, 2000);
}

#[test]
fn key_update_requests_in_a_row_get_one_answer() {
    let mut p = pair(
        &config(TLS1_3),
        client_keys(),
        ClientOptions::default(),
        ec_server(),
    );
    established(&p, 0x1301);
    for _ in 0..50 {
        assert_eq!(
            p.client.encode_rehandshake(None, false, 0),
            MATRIXSSL_SUCCESS
        );
    }
    let mut sink = Vec::new();
    pump(
        &mut p.client,
        &mut p.server,
        usize::MAX,
        &mut sink,
        &mut p.alerts,
    );
    // One KeyUpdate record queued in answer (5 + 5 + 17 bytes), not fifty.
    assert_eq!(p.server.outdata().len(), 27);
    exchange(&mut p, 1000);
}
