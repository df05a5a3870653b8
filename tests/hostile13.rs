//! Hostile TLS 1.3 peers (RFC 8446). A scripted server plays against our client and a
//! scripted client against our server; both are built from the crate's own pieces (key
//! schedule, record protection, message codecs, signing) and follow the handshake exactly
//! up to the one point where a test makes them deviate. Each test asserts the fatal alert
//! our side queues (decrypted when it is protected), that the handshake never completes and
//! that nothing falls back to TLS 1.2. Two control tests per role show that the undisturbed
//! script completes a handshake, so a failure elsewhere comes from the deviation.

use std::sync::{Arc, OnceLock};

use matrixssl::codec::Codec;
use matrixssl::config::Config;
use matrixssl::conn::Connection;
use matrixssl::crypto::tls13_record::{HEADER_LEN, MAX_CIPHERTEXT, RecordProtection, sealed_len};
use matrixssl::error::*;
use matrixssl::handshake::client::ClientOptions;
use matrixssl::handshake::ecdhe::KeyShare;
use matrixssl::handshake::ecdhe::{SECP256R1, SECP384R1, X25519};
use matrixssl::handshake::tls13_keys::{
    EarlySecret, HandshakeSecret, TrafficSecret, retry_transcript_start,
};
use matrixssl::keys::{Identity, Keys};
use matrixssl::msgs::tls13::{
    Certificate13, CertificateAuthorities, CertificateEntry, CertificateRequest13, DOWNGRADE_TLS12,
    HRR_RANDOM, KeyShareClientHello, KeyShareEntry, KeyShareHelloRetry, KeyShareServerHello,
    SupportedVersionsClient, SupportedVersionsServer, certificate_authorities,
    certificate_verify_content, signature_algorithms_cert,
};
use matrixssl::msgs::{
    self, ClientHello, ExtensionType, ServerHello, SignatureAlgorithms, SignatureScheme,
    SupportedGroups, find_ext, hs,
};
use matrixssl::pki::{sign, verify};
use matrixssl::record::content;
use matrixssl::suites::{self, Tls13Suite};

mod common;
use common::{Got, NoCallbacks, feed, path, record, split_messages, split_records, take_out};

const TLS12: u16 = 0x0303;
const TLS13: u16 = 0x0304;
const TLS_AES_128_GCM_SHA256: u16 = 0x1301;
const TLS_AES_256_GCM_SHA384: u16 = 0x1302;
/// An extension type nobody registered, so never one our side sent.
const UNKNOWN_EXTENSION: u16 = 0x5a5a;

// ---- fixtures ---------------------------------------------------------------------------

fn load(chain: Option<&str>, key: Option<&str>, ca: Option<&str>) -> Arc<Keys> {
    let mut k = Keys::default();
    let (chain, key, ca) = (chain.map(path), key.map(path), ca.map(path));
    k.load_rsa_files(chain.as_deref(), key.as_deref(), None, ca.as_deref())
        .expect("fixture keys");
    Arc::new(k)
}

/// The RSA server identity the scripted server presents and our server uses; the root
/// that signed it verifies client certificates too.
fn server_keys() -> Arc<Keys> {
    static K: OnceLock<Arc<Keys>> = OnceLock::new();
    K.get_or_init(|| load(Some("server-chain.pem"), Some("server.key"), Some("ca.pem")))
        .clone()
}

/// Our client trusts the test root.
fn client_ca() -> Arc<Keys> {
    static K: OnceLock<Arc<Keys>> = OnceLock::new();
    K.get_or_init(|| load(None, None, Some("ca.pem"))).clone()
}

/// The scripted client's certificate and key (issued by the test root).
fn client_identity() -> Identity {
    static K: OnceLock<Arc<Keys>> = OnceLock::new();
    K.get_or_init(|| load(Some("client.pem"), Some("client.key"), None))
        .rsa_identity()
        .expect("client identity")
        .clone()
}

fn server_identity() -> Identity {
    server_keys()
        .rsa_identity()
        .expect("server identity")
        .clone()
}

/// Sessions that negotiate up to TLS 1.3, whatever the default cap is.
fn config13() -> Config {
    let c = Config::new();
    assert!(c.suites.set_max_version(TLS13));
    c
}

// ---- what both scripted peers share -----------------------------------------------------

/// The handshake messages so far (RFC 8446 §4.4.1), hashed on demand under the suite's
/// hash.
#[derive(Default)]
struct Transcript(Vec<u8>);

impl Transcript {
    fn add(&mut self, message: &[u8]) {
        self.0.extend_from_slice(message);
    }

    fn hash(&self, suite: &Tls13Suite) -> Vec<u8> {
        suite.hash.digest(&self.0)
    }

    /// After a HelloRetryRequest the first ClientHello (the whole transcript so far) is
    /// replaced by its message_hash.
    fn restart_after_retry(&mut self, suite: &Tls13Suite) {
        self.0 = retry_transcript_start(suite.hash, &self.0);
    }
}

/// One direction of records under one traffic secret, with its sequence number.
struct Protected {
    protection: RecordProtection,
    seq: u64,
}

impl Protected {
    fn new(secret: &TrafficSecret, suite: &Tls13Suite) -> Protected {
        Protected {
            protection: secret.record_protection(suite.aead),
            seq: 0,
        }
    }

    /// A TLSCiphertext whose inner plaintext is `content`, the type byte `typ` and
    /// `padding` zeros.
    fn seal(&mut self, typ: u8, content: &[u8], padding: usize) -> Vec<u8> {
        let mut rec = vec![0; sealed_len(content.len(), padding)];
        rec[HEADER_LEN..HEADER_LEN + content.len()].copy_from_slice(content);
        let n = self
            .protection
            .seal(self.seq, typ, &mut rec, content.len(), padding)
            .expect("scripted record within one fragment");
        rec.truncate(n);
        self.seq += 1;
        rec
    }

    /// Opens the next record (header and body); panics when it does not authenticate.
    fn open(&mut self, header_and_body: &[u8]) -> (u8, Vec<u8>) {
        self.try_open(header_and_body, self.seq)
            .expect("record from our side does not open under the expected key")
    }

    fn try_open(&mut self, header_and_body: &[u8], seq: u64) -> Option<(u8, Vec<u8>)> {
        let mut rec = header_and_body.to_vec();
        let opened = self.protection.open(seq, &mut rec).ok()?;
        self.seq = seq + 1;
        Some((opened.content_type, rec[opened.content].to_vec()))
    }
}

fn whole_record(typ: u8, body: &[u8]) -> Vec<u8> {
    record(typ, TLS12, body)
}

fn handshake_message(typ: u8, body: &[u8]) -> Vec<u8> {
    msgs::handshake_message(typ, body).expect("handshake body under 2^24 bytes")
}

fn certificate_message(identity: &Identity) -> Vec<u8> {
    let body = Certificate13 {
        context: &[],
        entries: identity
            .chain
            .iter()
            .map(|c| CertificateEntry {
                cert: &c.der,
                extensions: &[],
            })
            .collect(),
    }
    .to_bytes()
    .unwrap();
    handshake_message(hs::CERTIFICATE, &body)
}

/// CertificateVerify (RFC 8446 §4.4.3) by `identity` with `scheme` over `transcript_hash`;
/// `tamper` flips a bit of the signature.
fn certificate_verify_message(
    identity: &Identity,
    scheme: u16,
    server: bool,
    transcript_hash: &[u8],
    tamper: bool,
) -> Vec<u8> {
    let content = certificate_verify_content(server, transcript_hash);
    let mut signature = sign::sign_with_scheme(&identity.key, scheme, &content)
        .expect("the fixture key signs with this scheme");
    if tamper {
        signature[10] ^= 0x01;
    }
    let mut body = scheme.to_be_bytes().to_vec();
    body.extend_from_slice(&(signature.len() as u16).to_be_bytes());
    body.extend_from_slice(&signature);
    handshake_message(hs::CERTIFICATE_VERIFY, &body)
}

/// Finished (RFC 8446 §4.4.4) under `secret`; `tamper` flips a bit of verify_data.
fn finished_message(secret: &TrafficSecret, transcript_hash: &[u8], tamper: bool) -> Vec<u8> {
    let mut verify_data = secret.finished_verify_data(transcript_hash);
    if tamper {
        verify_data[0] ^= 0x80;
    }
    handshake_message(hs::FINISHED, &verify_data)
}

/// The key our side's alert comes under: none, or the traffic secret of its direction.
enum Under {
    Clear,
    Key(Box<Protected>),
}

impl Under {
    fn key(reader: Protected) -> Under {
        Under::Key(Box::new(reader))
    }
}

/// `conn` failed with the fatal alert `desc`: the last record it queued is that alert, in
/// the clear or protected under `under` (our side may have sent protected records before
/// it under the same key, so a few sequence numbers are tried). The session is over:
/// it closes once the alert is sent and refuses whatever arrives next.
#[track_caller]
fn assert_fatal(conn: &mut Connection, desc: u8, under: Under, what: &str) {
    assert!(conn.errored(), "{what}: session not in the error state");
    let out = conn.outdata().to_vec();
    let (typ, _, body) = split_records(&out)
        .pop()
        .unwrap_or_else(|| panic!("{what}: nothing queued"));
    let alert = match under {
        Under::Clear => {
            assert_eq!(typ, content::ALERT, "{what}: alert not in the clear");
            body
        }
        Under::Key(mut reader) => {
            assert_eq!(
                typ,
                content::APPLICATION_DATA,
                "{what}: alert not protected"
            );
            let rec = whole_record(typ, &body);
            let (inner, plain) = (0..16)
                .find_map(|seq| reader.try_open(&rec, seq))
                .unwrap_or_else(|| panic!("{what}: alert does not open under the expected key"));
            assert_eq!(
                inner,
                content::ALERT,
                "{what}: protected record not an alert"
            );
            plain
        }
    };
    assert_eq!(alert, [2, desc], "{what}: expected fatal alert {desc}");
    assert_ne!(
        conn.core.negotiated.version, TLS12,
        "{what}: fell back to TLS 1.2"
    );
    assert_eq!(conn.sent(out.len()), MATRIXSSL_REQUEST_CLOSE, "{what}");
    let (at, _) = conn.read_buf();
    conn.inbuf_mut()[at] = content::HANDSHAKE;
    assert_eq!(
        conn.received(1, &mut NoCallbacks).rc,
        PS_PROTOCOL_FAIL,
        "{what}"
    );
}

/// The failure happened during the handshake: it never completed.
#[track_caller]
fn assert_handshake_fatal(conn: &mut Connection, desc: u8, under: Under, what: &str) {
    assert!(!conn.handshake_complete(), "{what}: handshake completed");
    assert_fatal(conn, desc, under, what);
}

/// The one handshake message in a run of plaintext handshake records (compatibility CCS
/// records around it skipped).
fn plaintext_messages(wire: &[u8]) -> Vec<Vec<u8>> {
    let mut stream = Vec::new();
    for (typ, _, body) in split_records(wire) {
        match typ {
            content::HANDSHAKE => stream.extend_from_slice(&body),
            content::CHANGE_CIPHER_SPEC => assert_eq!(body, [1], "compatibility CCS"),
            other => panic!("unexpected plaintext record type {other}"),
        }
    }
    split_messages(&stream)
}

/// Extensions given by raw type numbers, as the encoders take them.
fn typed(exts: &[(u16, Vec<u8>)]) -> Vec<(ExtensionType, Vec<u8>)> {
    exts.iter()
        .map(|(t, b)| (ExtensionType(*t), b.clone()))
        .collect()
}

fn set_ext(exts: &mut Vec<(u16, Vec<u8>)>, typ: ExtensionType, body: Vec<u8>) {
    match exts.iter_mut().find(|(t, _)| *t == typ.0) {
        Some(e) => e.1 = body,
        None => exts.push((typ.0, body)),
    }
}

fn remove_ext(exts: &mut Vec<(u16, Vec<u8>)>, typ: ExtensionType) {
    exts.retain(|(t, _)| *t != typ.0);
}

fn server_share_body(share: &KeyShare) -> Vec<u8> {
    KeyShareServerHello(KeyShareEntry {
        group: share.group,
        key_exchange: &share.public,
    })
    .to_bytes()
    .unwrap()
}

fn tls13_suite(id: u16) -> &'static Tls13Suite {
    suites::tls13_by_id(id).expect("a TLS 1.3 suite")
}

// ---- the scripted server, against our client ----------------------------------------------

/// The fields of the ServerHello (or HelloRetryRequest) the scripted server sends.
struct HelloSpec {
    version: u16,
    random: [u8; 32],
    session_id: Vec<u8>,
    suite: u16,
    extensions: Vec<(u16, Vec<u8>)>,
}

/// A TLS 1.3 server, scripted step by step; what it sends collects in `wire` until
/// `deliver` hands it to our client.
struct ScriptedServer {
    client: Connection,
    /// Our client's latest ClientHello (the whole message).
    hello: Vec<u8>,
    transcript: Transcript,
    suite: &'static Tls13Suite,
    /// The share the next ServerHello carries.
    share: Option<KeyShare>,
    handshake_secret: Option<HandshakeSecret>,
    client_handshake: Option<TrafficSecret>,
    server_handshake: Option<TrafficSecret>,
    client_application: Option<TrafficSecret>,
    server_application: Option<TrafficSecret>,
    /// What our records go under once keys are installed.
    write: Option<Protected>,
    wire: Vec<u8>,
}

impl ScriptedServer {
    fn start() -> ScriptedServer {
        ScriptedServer::start_with(ClientOptions::default())
    }

    fn start_with(options: ClientOptions) -> ScriptedServer {
        let client =
            Connection::new_client_with(config13(), client_ca(), options).expect("our client");
        let mut s = ScriptedServer {
            client,
            hello: Vec::new(),
            transcript: Transcript::default(),
            suite: tls13_suite(TLS_AES_128_GCM_SHA256),
            share: None,
            handshake_secret: None,
            client_handshake: None,
            server_handshake: None,
            client_application: None,
            server_application: None,
            write: None,
            wire: Vec::new(),
        };
        s.read_client_hello();
        s
    }

    /// Takes our client's next ClientHello from its output.
    fn read_client_hello(&mut self) {
        let out = take_out(&mut self.client);
        let mut hellos = plaintext_messages(&out);
        assert_eq!(hellos.len(), 1, "one ClientHello");
        self.hello = hellos.remove(0);
        assert_eq!(self.hello[0], hs::CLIENT_HELLO);
        self.transcript.add(&self.hello);
    }

    fn client_hello(&self) -> ClientHello<'_> {
        ClientHello::parse(&self.hello[4..], ()).expect("our ClientHello parses")
    }

    /// Our client's key share for `group`, if it sent one.
    fn client_share(&self, group: u16) -> Option<Vec<u8>> {
        let ch = self.client_hello();
        let body = find_ext(&ch.extensions, ExtensionType::KEY_SHARE)?;
        KeyShareClientHello::parse(body, ())
            .unwrap()
            .0
            .iter()
            .find(|e| e.group == group)
            .map(|e| e.key_exchange.to_vec())
    }

    /// The ServerHello a correct server would send: TLS 1.3, AES-128-GCM, our client's
    /// session id echoed, a share for the group of our client's (first) share.
    fn server_hello_spec(&mut self) -> HelloSpec {
        let ch = self.client_hello();
        let group = KeyShareClientHello::parse(
            find_ext(&ch.extensions, ExtensionType::KEY_SHARE).expect("key_share offered"),
            (),
        )
        .unwrap()
        .0[0]
            .group;
        let session_id = ch.session_id.to_vec();
        let share = KeyShare::generate(group).unwrap();
        let spec = HelloSpec {
            version: TLS12,
            random: [0x42; 32],
            session_id,
            suite: TLS_AES_128_GCM_SHA256,
            extensions: vec![
                (
                    ExtensionType::SUPPORTED_VERSIONS.0,
                    SupportedVersionsServer(TLS13).to_bytes().unwrap(),
                ),
                (ExtensionType::KEY_SHARE.0, server_share_body(&share)),
            ],
        };
        self.share = Some(share);
        spec
    }

    fn hello_message(spec: &HelloSpec) -> Vec<u8> {
        let body = msgs::encode_server_hello(
            spec.version,
            &spec.random,
            &spec.session_id,
            spec.suite,
            &typed(&spec.extensions),
        )
        .unwrap();
        handshake_message(hs::SERVER_HELLO, &body)
    }

    /// The ServerHello, changed by `edit`, and (when it still names a TLS 1.3 suite and
    /// carries our share for a group our client sent one for) the handshake keys.
    fn server_hello(&mut self, edit: impl FnOnce(&mut HelloSpec)) {
        let mut spec = self.server_hello_spec();
        edit(&mut spec);
        let message = Self::hello_message(&spec);
        self.transcript.add(&message);
        self.wire.extend(whole_record(content::HANDSHAKE, &message));
        let share = self.share.take().unwrap();
        let ours = find_ext(
            &ServerHello::parse(&message[4..], ()).unwrap().extensions,
            ExtensionType::KEY_SHARE,
        )
        .map(|b| b.to_vec());
        let Some(suite) = suites::tls13_by_id(spec.suite) else {
            return;
        };
        let Some(peer) = self.client_share(share.group) else {
            return;
        };
        if ours != Some(server_share_body(&share)) {
            return;
        }
        self.suite = suite;
        let shared = share.agree(&peer).unwrap();
        let secret = EarlySecret::without_psk(suite.hash).into_handshake_secret(&shared);
        let hash = self.transcript.hash(suite);
        let server = secret.server_traffic_secret(&hash);
        self.client_handshake = Some(secret.client_traffic_secret(&hash));
        self.write = Some(Protected::new(&server, suite));
        self.server_handshake = Some(server);
        self.handshake_secret = Some(secret);
    }

    /// A HelloRetryRequest asking for `group` (RFC 8446 §4.1.4), delivered; our client's
    /// answer (compatibility CCS and second ClientHello) is read back.
    fn hello_retry_request(&mut self, group: u16) -> Got {
        let spec = HelloSpec {
            random: HRR_RANDOM,
            extensions: vec![
                (
                    ExtensionType::SUPPORTED_VERSIONS.0,
                    SupportedVersionsServer(TLS13).to_bytes().unwrap(),
                ),
                (
                    ExtensionType::KEY_SHARE.0,
                    KeyShareHelloRetry(group).to_bytes().unwrap(),
                ),
            ],
            ..self.server_hello_spec()
        };
        let message = Self::hello_message(&spec);
        self.transcript.restart_after_retry(tls13_suite(spec.suite));
        self.transcript.add(&message);
        self.wire.extend(whole_record(content::HANDSHAKE, &message));
        let got = self.deliver();
        if !self.client.errored() {
            self.read_client_hello();
        }
        got
    }

    fn plaintext(&mut self, typ: u8, body: &[u8]) {
        self.wire.extend(whole_record(typ, body));
    }

    fn ccs(&mut self) {
        self.plaintext(content::CHANGE_CIPHER_SPEC, &[1]);
    }

    /// `content` as one protected record of inner type `typ`.
    fn protected(&mut self, typ: u8, content: &[u8]) {
        let rec = self.write.as_mut().expect("keys").seal(typ, content, 0);
        self.wire.extend(rec);
    }

    /// A handshake message in its own protected record, added to the transcript.
    fn handshake(&mut self, message: Vec<u8>) {
        self.transcript.add(&message);
        self.protected(content::HANDSHAKE, &message);
    }

    fn encrypted_extensions(&mut self, exts: &[(u16, Vec<u8>)]) {
        let mut body = Vec::new();
        for (t, b) in exts {
            body.extend_from_slice(&t.to_be_bytes());
            body.extend_from_slice(&(b.len() as u16).to_be_bytes());
            body.extend_from_slice(b);
        }
        let mut block = (body.len() as u16).to_be_bytes().to_vec();
        block.extend(body);
        self.handshake(handshake_message(hs::ENCRYPTED_EXTENSIONS, &block));
    }

    fn certificate(&mut self) {
        self.handshake(certificate_message(&server_identity()));
    }

    fn certificate_verify(&mut self, scheme: u16, tamper: bool) {
        let hash = self.transcript.hash(self.suite);
        let m = certificate_verify_message(&server_identity(), scheme, true, &hash, tamper);
        self.handshake(m);
    }

    /// The server Finished message, not yet sent (tests may put it in a record of their own).
    fn finished_message(&self, tamper: bool) -> Vec<u8> {
        let hash = self.transcript.hash(self.suite);
        finished_message(self.server_handshake.as_ref().unwrap(), &hash, tamper)
    }

    /// Sends Finished (a tampered one when asked) and moves our writes to the application
    /// keys (RFC 8446 §7.1).
    fn finished(&mut self, tamper: bool) {
        let message = self.finished_message(tamper);
        self.handshake(message);
        self.install_application_keys();
    }

    fn install_application_keys(&mut self) {
        let hash = self.transcript.hash(self.suite);
        let master = self
            .handshake_secret
            .take()
            .expect("handshake keys")
            .into_master_secret();
        let server = master.server_application_traffic_secret(&hash);
        self.write = Some(Protected::new(&server, self.suite));
        self.server_application = Some(server);
        self.client_application = Some(master.client_application_traffic_secret(&hash));
    }

    /// EncryptedExtensions, Certificate, CertificateVerify, Finished: all correct.
    fn flight(&mut self) {
        self.encrypted_extensions(&[]);
        self.certificate();
        self.certificate_verify(sign::RSA_PSS_RSAE_SHA256, false);
        self.finished(false);
    }

    fn deliver(&mut self) -> Got {
        let wire = std::mem::take(&mut self.wire);
        feed(&mut self.client, &wire, usize::MAX)
    }

    fn client_application_key(&self) -> Under {
        Under::key(Protected::new(
            self.client_application.as_ref().unwrap(),
            self.suite,
        ))
    }

    /// ServerHello, EncryptedExtensions and Certificate, all correct.
    fn through_certificate(&mut self) {
        self.server_hello(|_| {});
        self.encrypted_extensions(&[]);
        self.certificate();
    }

    /// Delivers what is scripted; our client, which has sent its Finished, must fail with
    /// `desc` under its application key.
    #[track_caller]
    fn rejects_after_client_finished(mut self, desc: u8, what: &str) {
        self.deliver();
        let under = self.client_application_key();
        assert_fatal(&mut self.client, desc, under, what);
    }

    /// Delivers what is scripted; our client must fail with `desc` in the clear.
    #[track_caller]
    fn rejects(mut self, desc: u8, what: &str) {
        self.deliver();
        self.rejected(desc, what);
    }

    /// Our client failed (during the handshake) with `desc` in the clear.
    #[track_caller]
    fn rejected(mut self, desc: u8, what: &str) {
        assert_handshake_fatal(&mut self.client, desc, Under::Clear, what);
    }

    /// A full correct handshake; our client's Finished checked.
    fn complete(&mut self) {
        self.server_hello(|_| {});
        self.ccs();
        self.flight();
        self.deliver();
        assert!(self.client.handshake_complete(), "handshake complete");
        assert_eq!(self.client.core.negotiated.version, TLS13);
        let out = take_out(&mut self.client);
        let mut reader = Protected::new(self.client_handshake.as_ref().unwrap(), self.suite);
        let mut finished = None;
        for (typ, _, body) in split_records(&out) {
            if typ == content::APPLICATION_DATA {
                let (inner, plain) = reader.open(&whole_record(typ, &body));
                assert_eq!(inner, content::HANDSHAKE);
                finished = Some(plain);
            }
        }
        let expected = finished_message(
            self.client_handshake.as_ref().unwrap(),
            &self.transcript.hash(self.suite),
            false,
        );
        assert_eq!(finished, Some(expected), "our client's Finished");
    }
}

// ---- client side: the ServerHello (RFC 8446 §4.1.3, §4.2) -------------------------------

#[test]
fn scripted_server_completes_a_handshake() {
    let mut s = ScriptedServer::start();
    s.complete();
    // Application data both ways under the application keys.
    s.protected(content::APPLICATION_DATA, b"ping");
    let got = s.deliver();
    assert_eq!(got.app, b"ping");
    assert!(s.client.encode_to_outdata(b"pong") > 0);
    let out = take_out(&mut s.client);
    let mut reader = Protected::new(s.client_application.as_ref().unwrap(), s.suite);
    let (_, _, body) = split_records(&out).pop().unwrap();
    assert_eq!(
        reader.open(&whole_record(content::APPLICATION_DATA, &body)),
        (content::APPLICATION_DATA, b"pong".to_vec())
    );
}

#[test]
fn scripted_server_completes_a_handshake_after_hello_retry_request() {
    let mut s = ScriptedServer::start();
    assert!(s.client_share(SECP256R1).is_none());
    s.hello_retry_request(SECP256R1);
    assert!(s.client_share(SECP256R1).is_some(), "second ClientHello");
    s.server_hello(|_| {});
    s.flight();
    s.deliver();
    assert!(s.client.handshake_complete());
    assert_eq!(s.client.core.negotiated.version, TLS13);
}

/// §4.1.3: "A client which receives a cipher suite that was not offered MUST abort the
/// handshake with an illegal_parameter alert."
#[test]
fn server_hello_suite_not_offered() {
    for suite in [0x1304, 0xc02f, 0x0000] {
        let mut s = ScriptedServer::start();
        s.server_hello(|h| h.suite = suite);
        s.rejects(alert::ILLEGAL_PARAMETER, &format!("suite {suite:#06x}"));
    }
    // Only AES-128-GCM offered; the server picks AES-256-GCM.
    let mut s = ScriptedServer::start_with(ClientOptions {
        cipher_spec: TLS_AES_128_GCM_SHA256,
        ..ClientOptions::default()
    });
    s.server_hello(|h| h.suite = TLS_AES_256_GCM_SHA384);
    s.rejects(alert::ILLEGAL_PARAMETER, "suite outside the cipherSpec");
}

/// §4.1.3: "A client which receives a legacy_session_id_echo field that does not match what
/// it sent in the ClientHello MUST abort the handshake with an illegal_parameter alert."
/// legacy_version "MUST be set to 0x0303"; the RFC names no alert for another value, so it
/// is the one for a field with an incorrect value (§6.2, illegal_parameter).
#[test]
fn server_hello_legacy_version_and_session_id_echo() {
    let mut s = ScriptedServer::start();
    s.server_hello(|h| h.version = TLS13);
    s.rejects(alert::ILLEGAL_PARAMETER, "legacy_version 0x0304");

    let mut s = ScriptedServer::start();
    s.server_hello(|h| h.session_id[0] ^= 1);
    s.rejects(alert::ILLEGAL_PARAMETER, "session id not echoed");

    let mut s = ScriptedServer::start();
    s.server_hello(|h| h.session_id.clear());
    s.rejects(alert::ILLEGAL_PARAMETER, "empty session id echo");
}

/// §4.2.1: "If the supported_versions extension in the ServerHello contains a version not
/// offered by the client or contains a version prior to TLS 1.3, the client MUST abort
/// the handshake with an illegal_parameter alert."
#[test]
fn server_hello_supported_versions_below_tls13() {
    for version in [TLS12, 0x0301, 0x0305, 0x7f1c] {
        let mut s = ScriptedServer::start();
        s.server_hello(|h| {
            set_ext(
                &mut h.extensions,
                ExtensionType::SUPPORTED_VERSIONS,
                SupportedVersionsServer(version).to_bytes().unwrap(),
            )
        });
        s.rejects(
            alert::ILLEGAL_PARAMETER,
            &format!("supported_versions {version:#06x}"),
        );
    }
}

/// §9.2: a TLS 1.3 ServerHello for an (EC)DHE handshake without key_share is
/// missing_extension.
#[test]
fn server_hello_without_key_share() {
    let mut s = ScriptedServer::start();
    s.server_hello(|h| remove_ext(&mut h.extensions, ExtensionType::KEY_SHARE));
    s.rejects(alert::MISSING_EXTENSION, "no key_share");
}

/// §4.2.8: the server's share must be for a group the client sent a share for (after a
/// HelloRetryRequest, the group it asked for); otherwise illegal_parameter.
#[test]
fn server_hello_key_share_for_a_group_we_did_not_send() {
    for group in [SECP256R1, SECP384R1] {
        let mut s = ScriptedServer::start();
        let other = KeyShare::generate(group).unwrap();
        s.server_hello(|h| {
            set_ext(
                &mut h.extensions,
                ExtensionType::KEY_SHARE,
                server_share_body(&other),
            )
        });
        s.rejects(
            alert::ILLEGAL_PARAMETER,
            &format!("share for group {group}"),
        );
    }
}

/// §4.2: an extension response the client did not ask for is unsupported_extension.
#[test]
fn server_hello_with_an_unsolicited_extension() {
    let mut s = ScriptedServer::start();
    s.server_hello(|h| h.extensions.push((UNKNOWN_EXTENSION, Vec::new())));
    s.rejects(alert::UNSUPPORTED_EXTENSION, "unsolicited extension");
}

/// §4.2: "If an implementation receives an extension which it recognizes and which is not
/// specified for the message in which it appears, it MUST abort the handshake with an
/// illegal_parameter alert." Our client sent these in its ClientHello (so they are not
/// unsolicited), but a TLS 1.3 ServerHello carries none of them.
#[test]
fn server_hello_with_an_extension_of_another_message() {
    for (typ, body) in [
        (ExtensionType::SUPPORTED_GROUPS, vec![0, 2, 0, 29]),
        (ExtensionType::SIGNATURE_ALGORITHMS, vec![0, 2, 8, 4]),
        (ExtensionType::SIGNATURE_ALGORITHMS_CERT, vec![0, 2, 8, 4]),
    ] {
        let mut s = ScriptedServer::start();
        assert!(find_ext(&s.client_hello().extensions, typ).is_some());
        s.server_hello(|h| h.extensions.push((typ.0, body)));
        s.rejects(alert::ILLEGAL_PARAMETER, typ.name());
    }
}

/// §4.1.3: a client that offered TLS 1.3 and gets a TLS 1.2 ServerHello whose random ends
/// in the TLS 1.2 downgrade sentinel "MUST abort the handshake with an illegal_parameter
/// alert"; it does not carry on in TLS 1.2.
#[test]
fn tls12_server_hello_with_the_downgrade_sentinel() {
    let mut s = ScriptedServer::start();
    let offered = s.client_hello().suites;
    assert!(
        offered.contains(&0xc02f),
        "our client offers TLS 1.2 suites too"
    );
    s.server_hello(|h| {
        h.version = TLS12;
        h.suite = 0xc02f;
        h.random[24..].copy_from_slice(&DOWNGRADE_TLS12);
        h.extensions.clear();
    });
    s.rejects(alert::ILLEGAL_PARAMETER, "downgrade sentinel");
}

// ---- client side: HelloRetryRequest (RFC 8446 §4.1.4) -----------------------------------

/// "If a client receives a second HelloRetryRequest in the same connection (i.e., where the
/// ClientHello was itself in response to a HelloRetryRequest), it MUST abort the handshake
/// with an unexpected_message alert."
#[test]
fn second_hello_retry_request() {
    let mut s = ScriptedServer::start();
    s.hello_retry_request(SECP256R1);
    s.hello_retry_request(SECP384R1);
    s.rejected(alert::UNEXPECTED_MESSAGE, "second HRR");
}

/// §4.2.8: the client "MUST verify that ... (2) the selected_group field does not correspond
/// to a group which was provided in the key_share extension in the original ClientHello. If
/// either of these checks fails, then the client MUST abort the handshake with an
/// illegal_parameter alert."
#[test]
fn hello_retry_request_for_the_group_already_sent() {
    let mut s = ScriptedServer::start();
    assert!(s.client_share(X25519).is_some());
    s.hello_retry_request(X25519);
    s.rejected(alert::ILLEGAL_PARAMETER, "HRR for the group sent");
}

// ---- client side: the server's encrypted flight (RFC 8446 §4.3, §4.4) ---------------------

/// §4.2: an extension response nobody asked for is unsupported_extension; one "which it
/// recognizes and which is not specified for the message in which it appears" is
/// illegal_parameter.
#[test]
fn encrypted_extensions_unsolicited_or_forbidden() {
    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    s.encrypted_extensions(&[(UNKNOWN_EXTENSION, Vec::new())]);
    s.rejects(alert::UNSUPPORTED_EXTENSION, "unsolicited in EE");

    let key_share = KeyShare::generate(X25519).unwrap();
    for (typ, body) in [
        (ExtensionType::KEY_SHARE, server_share_body(&key_share)),
        (
            ExtensionType::SUPPORTED_VERSIONS,
            SupportedVersionsServer(TLS13).to_bytes().unwrap(),
        ),
        (ExtensionType::SIGNATURE_ALGORITHMS, vec![0, 2, 8, 4]),
        (ExtensionType::SIGNATURE_ALGORITHMS_CERT, vec![0, 2, 8, 4]),
        // TLS 1.2 extensions our client sent: recognized, but not for this message.
        (ExtensionType::EXTENDED_MASTER_SECRET, Vec::new()),
        (ExtensionType::EC_POINT_FORMATS, vec![1, 0]),
    ] {
        let mut s = ScriptedServer::start();
        assert!(find_ext(&s.client_hello().extensions, typ).is_some());
        s.server_hello(|_| {});
        s.encrypted_extensions(&[(typ.0, body)]);
        s.rejects(alert::ILLEGAL_PARAMETER, typ.name());
    }
}

/// §4.1.1 and the state machine of §A.1: Certificate before EncryptedExtensions, Finished
/// before CertificateVerify, CertificateVerify before Certificate are unexpected_message.
#[test]
fn server_messages_out_of_order() {
    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    s.certificate();
    s.rejects(alert::UNEXPECTED_MESSAGE, "Certificate before EE");

    let mut s = ScriptedServer::start();
    s.through_certificate();
    let finished = s.finished_message(false);
    s.handshake(finished);
    s.rejects(
        alert::UNEXPECTED_MESSAGE,
        "Finished before CertificateVerify",
    );

    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    s.encrypted_extensions(&[]);
    s.certificate_verify(sign::RSA_PSS_RSAE_SHA256, false);
    s.rejects(
        alert::UNEXPECTED_MESSAGE,
        "CertificateVerify before Certificate",
    );

    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    s.encrypted_extensions(&[]);
    s.encrypted_extensions(&[]);
    s.rejects(alert::UNEXPECTED_MESSAGE, "EncryptedExtensions twice");

    // A second ServerHello, protected, where EncryptedExtensions belongs.
    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    let again = ScriptedServer::hello_message(&s.server_hello_spec());
    s.handshake(again);
    s.rejects(alert::UNEXPECTED_MESSAGE, "second ServerHello");
}

/// §4.4.2.4: "If the server supplies an empty Certificate message, the client MUST abort
/// the handshake with a decode_error alert."
#[test]
fn empty_server_certificate() {
    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    s.encrypted_extensions(&[]);
    s.handshake(handshake_message(hs::CERTIFICATE, &[0, 0, 0, 0]));
    s.rejects(alert::DECODE_ERROR, "empty Certificate");
}

/// §4.2.3: our ClientHello lists the certificate signatures chain validation accepts in
/// signature_algorithms_cert, since they differ from its signature_algorithms.
#[test]
fn client_hello_carries_signature_algorithms_cert() {
    let s = ScriptedServer::start();
    let ch = s.client_hello();
    let listed = signature_algorithms_cert(&ch.extensions).unwrap();
    assert_eq!(listed, Some(verify::certificate_signature_schemes()));
    assert!(find_ext(&ch.extensions, ExtensionType::CERTIFICATE_AUTHORITIES).is_none());
}

/// §4.3.2: a CertificateRequest whose signature_algorithms_cert or certificate_authorities
/// is malformed is decode_error.
#[test]
fn certificate_request_with_malformed_certificate_extensions() {
    for (typ, body) in [
        (
            ExtensionType::SIGNATURE_ALGORITHMS_CERT,
            &[0, 3, 4, 1, 4][..],
        ),
        (ExtensionType::SIGNATURE_ALGORITHMS_CERT, &[0, 0]),
        (ExtensionType::CERTIFICATE_AUTHORITIES, &[0, 0]),
        (ExtensionType::CERTIFICATE_AUTHORITIES, &[0, 4, 0, 2, 0x30]),
    ] {
        let mut s = ScriptedServer::start();
        s.server_hello(|_| {});
        s.encrypted_extensions(&[]);
        let request = CertificateRequest13 {
            context: &[],
            extensions: vec![
                msgs::Extension {
                    typ: ExtensionType::SIGNATURE_ALGORITHMS,
                    body: &[0, 2, 8, 4],
                },
                msgs::Extension { typ, body },
            ],
        };
        s.handshake(handshake_message(
            hs::CERTIFICATE_REQUEST,
            &request.to_bytes().unwrap(),
        ));
        s.rejects(alert::DECODE_ERROR, typ.name());
    }
}

/// §4.4.3: a CertificateVerify scheme the client did not offer (PKCS#1 v1.5 is never offered
/// for TLS 1.3 signatures) or one that does not fit the key is illegal_parameter; a
/// signature that does not verify is decrypt_error.
#[test]
fn server_certificate_verify_scheme_or_signature_wrong() {
    for scheme in [sign::RSA_PKCS1_SHA256, sign::RSA_PKCS1_SHA1] {
        let mut s = ScriptedServer::start();
        s.through_certificate();
        s.certificate_verify(scheme, false);
        s.rejects(alert::ILLEGAL_PARAMETER, &format!("scheme {scheme:#06x}"));
    }
    // An ECDSA scheme over an RSA certificate (the signature bytes are the PSS ones).
    let mut s = ScriptedServer::start();
    s.through_certificate();
    let hash = s.transcript.hash(s.suite);
    let mut m = certificate_verify_message(
        &server_identity(),
        sign::RSA_PSS_RSAE_SHA256,
        true,
        &hash,
        false,
    );
    m[4..6].copy_from_slice(&sign::ECDSA_SECP256R1_SHA256.to_be_bytes());
    s.handshake(m);
    s.rejects(alert::ILLEGAL_PARAMETER, "ECDSA scheme, RSA key");

    let mut s = ScriptedServer::start();
    s.through_certificate();
    s.certificate_verify(sign::RSA_PSS_RSAE_SHA256, true);
    s.rejects(alert::DECRYPT_ERROR, "bad signature");
}

/// §4.4.4: "Recipients of Finished messages MUST verify that the contents are correct and
/// if incorrect MUST terminate the connection with a decrypt_error alert."
#[test]
fn bad_server_finished() {
    let mut s = ScriptedServer::start();
    s.through_certificate();
    s.certificate_verify(sign::RSA_PSS_RSAE_SHA256, false);
    s.finished(true);
    s.rejects(alert::DECRYPT_ERROR, "bad server Finished");
}

// ---- client side: records (RFC 8446 §5) --------------------------------------------------

/// §5: "An implementation which receives any other change_cipher_spec value or which
/// receives a protected change_cipher_spec record MUST abort the handshake with an
/// unexpected_message alert."
#[test]
fn protected_change_cipher_spec() {
    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    s.protected(content::CHANGE_CIPHER_SPEC, &[1]);
    s.rejects(alert::UNEXPECTED_MESSAGE, "protected CCS");

    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    s.plaintext(content::CHANGE_CIPHER_SPEC, &[2]);
    s.rejects(alert::UNEXPECTED_MESSAGE, "CCS of value 2");
}

/// Appendix D.4: a server sends one compatibility change_cipher_spec; a second is
/// unexpected_message, not one more record dropped unread (CVE-2020-25648).
#[test]
fn second_change_cipher_spec_from_the_server() {
    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    s.ccs();
    s.ccs();
    s.rejects(alert::UNEXPECTED_MESSAGE, "second CCS");
}

/// §5: a change_cipher_spec "received after the peer's Finished" is handled as an
/// unexpected record type: unexpected_message, under our application key by then.
#[test]
fn change_cipher_spec_after_the_server_finished() {
    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    s.flight();
    s.ccs();
    s.rejects_after_client_finished(alert::UNEXPECTED_MESSAGE, "CCS after Finished");
}

/// §5: once protection is on, every handshake record is protected; a plaintext one where
/// EncryptedExtensions belongs is unexpected_message.
#[test]
fn unprotected_handshake_record_after_the_keys() {
    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    s.plaintext(
        content::HANDSHAKE,
        &handshake_message(hs::ENCRYPTED_EXTENSIONS, &[0, 0]),
    );
    s.rejects(alert::UNEXPECTED_MESSAGE, "plaintext EE");
}

/// §5.1: "Handshake messages MUST NOT span key changes ... If they do, the implementation
/// MUST terminate the connection with an unexpected_message alert": bytes behind the
/// ServerHello in its record, and a message behind the server Finished in its record.
#[test]
fn handshake_message_spanning_a_key_change() {
    let mut s = ScriptedServer::start();
    let spec = s.server_hello_spec();
    let mut rec = ScriptedServer::hello_message(&spec);
    rec.extend_from_slice(&[hs::ENCRYPTED_EXTENSIONS, 0, 0]);
    s.plaintext(content::HANDSHAKE, &rec);
    s.rejects(
        alert::UNEXPECTED_MESSAGE,
        "ServerHello with bytes behind it",
    );

    let mut s = ScriptedServer::start();
    s.through_certificate();
    s.certificate_verify(sign::RSA_PSS_RSAE_SHA256, false);
    let mut rec = s.finished_message(false);
    s.transcript.add(&rec);
    rec.extend_from_slice(&handshake_message(hs::KEY_UPDATE, &[0]));
    s.protected(content::HANDSHAKE, &rec);
    s.install_application_keys();
    s.rejects_after_client_finished(
        alert::UNEXPECTED_MESSAGE,
        "KeyUpdate in the Finished record",
    );
}

/// §5.2: "If the TLSCiphertext.length is larger than 2^14 + 256 bytes, the recipient
/// MUST terminate the connection with a record_overflow alert" (checked before
/// decryption, so the bytes need not authenticate).
#[test]
fn protected_record_over_the_limit() {
    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    s.plaintext(content::APPLICATION_DATA, &vec![0x17; MAX_CIPHERTEXT + 1]);
    s.rejects(alert::RECORD_OVERFLOW, "2^14 + 257 byte record");
}

/// §5.4: "If a receiving implementation does not find a non-zero octet in the cleartext,
/// it MUST terminate the connection with an unexpected_message alert."
#[test]
fn inner_plaintext_of_zeros_only() {
    let mut s = ScriptedServer::start();
    s.server_hello(|_| {});
    let rec = s.write.as_mut().unwrap().seal(0, &[], 7);
    s.wire.extend(rec);
    s.rejects(alert::UNEXPECTED_MESSAGE, "padding only");
}

// ---- client side: after the handshake (RFC 8446 §4.6, §6) ---------------------------------

/// §4.6.3: request_update other than 0 or 1: "If an implementation receives any other
/// value, it MUST terminate the connection with an illegal_parameter alert."
#[test]
fn key_update_with_request_value_2() {
    let mut s = ScriptedServer::start();
    s.complete();
    s.protected(content::HANDSHAKE, &handshake_message(hs::KEY_UPDATE, &[2]));
    s.rejects_after_client_finished(alert::ILLEGAL_PARAMETER, "KeyUpdate 2");
}

/// §6: "All the alerts listed in Section 6.2 MUST be sent with AlertLevel=fatal and MUST be
/// treated as error alerts when received regardless of the AlertLevel in the message."
/// A warning-level handshake_failure after the handshake ends the session.
#[test]
fn warning_level_alert_after_the_handshake_is_an_error() {
    let mut s = ScriptedServer::start();
    s.complete();
    s.protected(content::ALERT, &[1, alert::HANDSHAKE_FAILURE]);
    let got = s.deliver();
    assert_eq!(got.alerts, [[1, alert::HANDSHAKE_FAILURE]]);
    assert!(s.client.errored(), "session errored");
    s.protected(content::APPLICATION_DATA, b"after the alert");
    let got = s.deliver();
    assert!(got.app.is_empty(), "data after the error alert: {got:?}");
    assert_eq!(got.last(), PS_PROTOCOL_FAIL);
}

// ---- the scripted client, against our server ---------------------------------------------

/// A TLS 1.3 client, scripted step by step.
struct ScriptedClient {
    server: Connection,
    transcript: Transcript,
    suite: &'static Tls13Suite,
    /// The share of our latest ClientHello.
    share: Option<KeyShare>,
    client_handshake: Option<TrafficSecret>,
    client_application: Option<TrafficSecret>,
    server_application: Option<TrafficSecret>,
    /// What our records go under once keys are installed.
    write: Option<Protected>,
    wire: Vec<u8>,
    /// The handshake messages of our server's last encrypted flight, decrypted.
    received: Vec<Vec<u8>>,
}

/// The session id every scripted ClientHello carries (middlebox compatibility, §D.4).
const SESSION_ID: [u8; 32] = [7; 32];

impl ScriptedClient {
    fn start(client_auth: bool) -> ScriptedClient {
        ScriptedClient::start_with(server_keys(), client_auth)
    }

    /// Against our server holding `keys`.
    fn start_with(keys: Arc<Keys>, client_auth: bool) -> ScriptedClient {
        let mut server = Connection::new_server_with(config13(), keys);
        server.server_options_mut().client_auth = client_auth;
        ScriptedClient {
            server,
            transcript: Transcript::default(),
            suite: tls13_suite(TLS_AES_128_GCM_SHA256),
            share: None,
            client_handshake: None,
            client_application: None,
            server_application: None,
            write: None,
            wire: Vec::new(),
            received: Vec::new(),
        }
    }

    /// A correct TLS 1.3-only ClientHello's extensions with a share for `share_group`
    /// (none when `None`; the share is kept for the ServerHello).
    fn hello_extensions(&mut self, share_group: Option<u16>) -> Vec<(u16, Vec<u8>)> {
        let share = share_group.map(|g| KeyShare::generate(g).unwrap());
        let entries = share
            .iter()
            .map(|s| KeyShareEntry {
                group: s.group,
                key_exchange: &s.public,
            })
            .collect();
        let exts = vec![
            (
                ExtensionType::SUPPORTED_VERSIONS.0,
                SupportedVersionsClient(vec![TLS13]).to_bytes().unwrap(),
            ),
            (
                ExtensionType::SUPPORTED_GROUPS.0,
                SupportedGroups(vec![X25519, SECP256R1, SECP384R1])
                    .to_bytes()
                    .unwrap(),
            ),
            (
                ExtensionType::SIGNATURE_ALGORITHMS.0,
                SignatureAlgorithms(vec![
                    SignatureScheme::RSA_PSS_RSAE_SHA256,
                    SignatureScheme::ECDSA_SECP256R1_SHA256,
                ])
                .to_bytes()
                .unwrap(),
            ),
            (
                ExtensionType::KEY_SHARE.0,
                KeyShareClientHello(entries).to_bytes().unwrap(),
            ),
        ];
        self.share = share;
        exts
    }

    fn client_hello(&mut self, exts: &[(u16, Vec<u8>)]) {
        self.client_hello_as(TLS12, &[TLS_AES_128_GCM_SHA256], exts);
    }

    /// A ClientHello with this legacy_version and these suites.
    fn client_hello_as(&mut self, legacy_version: u16, suites: &[u16], exts: &[(u16, Vec<u8>)]) {
        let body = msgs::encode_client_hello(
            legacy_version,
            &[0x31; 32],
            &SESSION_ID,
            suites,
            &typed(exts),
        )
        .unwrap();
        let message = handshake_message(hs::CLIENT_HELLO, &body);
        self.transcript.add(&message);
        self.wire.extend(whole_record(content::HANDSHAKE, &message));
    }

    fn deliver(&mut self) -> Got {
        let wire = std::mem::take(&mut self.wire);
        feed(&mut self.server, &wire, usize::MAX)
    }

    /// Delivers what is scripted and reads our server's answer: a HelloRetryRequest (the
    /// transcript restarts) or ServerHello and the encrypted flight through Finished, whose
    /// verify_data is checked. Returns the handshake types received.
    fn exchange_hellos(&mut self) -> Vec<u8> {
        let got = self.deliver();
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{got:?}");
        let out = take_out(&mut self.server);
        let records = split_records(&out);
        let hello = &records[0];
        assert_eq!(hello.0, content::HANDSHAKE);
        let sh_message = hello.2.clone();
        let sh = ServerHello::parse(&sh_message[4..], ()).expect("ServerHello");
        assert_eq!(sh.session_id, SESSION_ID);
        self.suite = tls13_suite(sh.suite);
        if sh.random == HRR_RANDOM {
            self.transcript.restart_after_retry(self.suite);
            self.transcript.add(&sh_message);
            return vec![hs::SERVER_HELLO];
        }
        self.transcript.add(&sh_message);
        let server_share = KeyShareServerHello::parse(
            find_ext(&sh.extensions, ExtensionType::KEY_SHARE).unwrap(),
            (),
        )
        .unwrap()
        .0;
        let share = self.share.take().expect("our share");
        assert_eq!(server_share.group, share.group);
        let shared = share.agree(server_share.key_exchange).unwrap();
        let secret = EarlySecret::without_psk(self.suite.hash).into_handshake_secret(&shared);
        let hash = self.transcript.hash(self.suite);
        let server_handshake = secret.server_traffic_secret(&hash);
        let client_handshake = secret.client_traffic_secret(&hash);
        let mut reader = Protected::new(&server_handshake, self.suite);
        let mut stream = Vec::new();
        for (typ, _, body) in &records[1..] {
            match *typ {
                content::CHANGE_CIPHER_SPEC => assert_eq!(body, &[1]),
                content::APPLICATION_DATA => {
                    let (inner, plain) = reader.open(&whole_record(*typ, body));
                    assert_eq!(inner, content::HANDSHAKE);
                    stream.extend(plain);
                }
                other => panic!("record type {other} in our server's flight"),
            }
        }
        let mut types = vec![hs::SERVER_HELLO];
        for m in split_messages(&stream) {
            if m[0] == hs::FINISHED {
                let hash = self.transcript.hash(self.suite);
                assert_eq!(m, finished_message(&server_handshake, &hash, false));
            }
            self.transcript.add(&m);
            types.push(m[0]);
            self.received.push(m);
        }
        assert_eq!(types.last(), Some(&hs::FINISHED), "whole flight: {types:?}");
        let hash = self.transcript.hash(self.suite);
        let master = secret.into_master_secret();
        self.client_application = Some(master.client_application_traffic_secret(&hash));
        self.server_application = Some(master.server_application_traffic_secret(&hash));
        self.write = Some(Protected::new(&client_handshake, self.suite));
        self.client_handshake = Some(client_handshake);
        types
    }

    fn ccs(&mut self) {
        self.wire
            .extend(whole_record(content::CHANGE_CIPHER_SPEC, &[1]));
    }

    fn protected(&mut self, typ: u8, content: &[u8]) {
        let rec = self.write.as_mut().expect("keys").seal(typ, content, 0);
        self.wire.extend(rec);
    }

    fn handshake(&mut self, message: Vec<u8>) {
        self.transcript.add(&message);
        self.protected(content::HANDSHAKE, &message);
    }

    fn certificate(&mut self) {
        self.handshake(certificate_message(&client_identity()));
    }

    fn certificate_verify(&mut self, tamper: bool) {
        let hash = self.transcript.hash(self.suite);
        let m = certificate_verify_message(
            &client_identity(),
            sign::RSA_PSS_RSAE_SHA256,
            false,
            &hash,
            tamper,
        );
        self.handshake(m);
    }

    /// Our Finished; then our writes move to the application keys.
    fn finished(&mut self, tamper: bool) {
        let hash = self.transcript.hash(self.suite);
        let m = finished_message(self.client_handshake.as_ref().unwrap(), &hash, tamper);
        self.handshake(m);
        self.write = Some(Protected::new(
            self.client_application.as_ref().unwrap(),
            self.suite,
        ));
    }

    /// A correct ClientHello with an X25519 share, the server's flight read.
    fn hellos() -> ScriptedClient {
        let mut c = ScriptedClient::start(false);
        let exts = c.hello_extensions(Some(X25519));
        c.client_hello(&exts);
        c.exchange_hellos();
        c
    }

    fn server_application_key(&self) -> Under {
        Under::key(Protected::new(
            self.server_application.as_ref().unwrap(),
            self.suite,
        ))
    }

    /// A completed handshake (an X25519 share, no retry, no client certificate).
    fn established() -> ScriptedClient {
        let mut c = ScriptedClient::hellos();
        c.finished(false);
        c.deliver();
        assert!(c.server.handshake_complete());
        c
    }

    /// Delivers what is scripted after the handshake; our server must fail with `desc`
    /// under its application key.
    #[track_caller]
    fn rejects_after_handshake(mut self, desc: u8, what: &str) {
        self.deliver();
        let under = self.server_application_key();
        assert_fatal(&mut self.server, desc, under, what);
    }

    /// Delivers what is scripted; our server must fail with `desc` under its application
    /// key (it has sent its Finished).
    #[track_caller]
    fn rejects_after_server_finished(mut self, desc: u8, what: &str) {
        self.deliver();
        let under = self.server_application_key();
        assert_handshake_fatal(&mut self.server, desc, under, what);
    }
}

/// Our server must refuse this ClientHello (its extensions) with `desc`, in the clear.
#[track_caller]
fn server_rejects_hello(exts: &[(u16, Vec<u8>)], desc: u8, what: &str) {
    let mut c = ScriptedClient::start(false);
    c.client_hello(exts);
    c.deliver();
    assert_handshake_fatal(&mut c.server, desc, Under::Clear, what);
}

#[test]
fn scripted_client_completes_a_handshake() {
    let mut c = ScriptedClient::hellos();
    c.ccs();
    c.finished(false);
    c.deliver();
    assert!(c.server.handshake_complete());
    assert_eq!(c.server.core.negotiated.version, TLS13);
    c.protected(content::APPLICATION_DATA, b"ping");
    assert_eq!(c.deliver().app, b"ping");
}

#[test]
fn scripted_client_completes_a_handshake_with_retry_and_client_certificate() {
    let mut c = ScriptedClient::start(true);
    let exts = c.hello_extensions(None);
    c.client_hello(&exts);
    assert_eq!(c.exchange_hellos(), [hs::SERVER_HELLO], "HelloRetryRequest");
    let exts = c.hello_extensions(Some(X25519));
    c.ccs();
    c.client_hello(&exts);
    let types = c.exchange_hellos();
    assert!(types.contains(&hs::CERTIFICATE_REQUEST), "{types:?}");
    c.certificate();
    c.certificate_verify(false);
    c.finished(false);
    c.deliver();
    assert!(c.server.handshake_complete());
    assert!(matches!(
        c.server.core.negotiated.auth.peer,
        matrixssl::handshake::PeerIdentity::Certificate(_)
    ));
}

// ---- server side: the ClientHello (RFC 8446 §4.1.2, §4.2, §9.2) ---------------------------

/// §9.2: a ClientHello offering TLS 1.3 without signature_algorithms, supported_groups or
/// key_share (no PSK offered) "MUST" be aborted with missing_extension.
#[test]
fn client_hello_without_a_mandatory_extension() {
    for missing in [
        ExtensionType::SIGNATURE_ALGORITHMS,
        ExtensionType::SUPPORTED_GROUPS,
        ExtensionType::KEY_SHARE,
    ] {
        let mut c = ScriptedClient::start(false);
        let mut exts = c.hello_extensions(Some(X25519));
        remove_ext(&mut exts, missing);
        server_rejects_hello(&exts, alert::MISSING_EXTENSION, missing.name());
    }
}

/// §4.2.3, §4.2.4: malformed signature_algorithms_cert or certificate_authorities in a
/// ClientHello are decode_error (an odd or empty scheme list, an empty name list, an empty
/// name).
#[test]
fn client_hello_with_malformed_certificate_extensions() {
    for (typ, body) in [
        (
            ExtensionType::SIGNATURE_ALGORITHMS_CERT,
            vec![0, 3, 4, 1, 4],
        ),
        (ExtensionType::SIGNATURE_ALGORITHMS_CERT, vec![0, 0]),
        (ExtensionType::CERTIFICATE_AUTHORITIES, vec![0, 0]),
        (ExtensionType::CERTIFICATE_AUTHORITIES, vec![0, 2, 0, 0]),
    ] {
        let mut c = ScriptedClient::start(false);
        let mut exts = c.hello_extensions(Some(X25519));
        set_ext(&mut exts, typ, body);
        server_rejects_hello(&exts, alert::DECODE_ERROR, typ.name());
    }
}

/// Our server holding an RSA identity (PKCS#1 signatures up to the RSA root) and an ECDSA
/// one (ECDSA signatures up to the EC root) sends the chain the client's
/// signature_algorithms_cert and certificate_authorities accept (§4.4.2.2, §4.2.4), a CA
/// named outranking signature schemes, and its default (ECDSA, ABI.md D26) when the
/// client said nothing or nothing fits.
#[test]
fn server_chain_chosen_by_signature_algorithms_cert_and_certificate_authorities() {
    let mut both = Keys::default();
    both.load_rsa_files(
        Some(&path("server-chain.pem")),
        Some(&path("server.key")),
        None,
        Some(&path("ca.pem")),
    )
    .unwrap();
    both.load_ec_files(
        Some(&path("ec-server-chain.pem")),
        Some(&path("ec-server.key")),
        None,
        None,
    )
    .unwrap();
    let rsa_leaf = both.rsa_identity().unwrap().chain[0].der.clone();
    let ec_leaf = both.ec_identity().unwrap().chain[0].der.clone();
    let rsa_root = both.ca_certs[0].subject.der.clone();
    let both = Arc::new(both);
    let schemes = |list: &[u16]| {
        SignatureAlgorithms(list.iter().map(|&s| SignatureScheme(s)).collect())
            .to_bytes()
            .unwrap()
    };
    let names = CertificateAuthorities(vec![&rsa_root[..]])
        .to_bytes()
        .unwrap();
    let cases = [
        (None, None, &ec_leaf, "no wishes"),
        (Some(schemes(&[0x0403])), None, &ec_leaf, "ECDSA only"),
        (
            Some(schemes(&[0x0401])),
            None,
            &rsa_leaf,
            "PKCS#1 SHA-256 only",
        ),
        (Some(schemes(&[0x0807])), None, &ec_leaf, "nothing fits"),
        (None, Some(names.clone()), &rsa_leaf, "RSA root named"),
        (
            Some(schemes(&[0x0403])),
            Some(names),
            &rsa_leaf,
            "CA before schemes",
        ),
    ];
    for (cert_schemes, authorities, expected, what) in cases {
        let mut c = ScriptedClient::start_with(both.clone(), false);
        let mut exts = c.hello_extensions(Some(X25519));
        if let Some(body) = cert_schemes {
            set_ext(&mut exts, ExtensionType::SIGNATURE_ALGORITHMS_CERT, body);
        }
        if let Some(body) = authorities {
            set_ext(&mut exts, ExtensionType::CERTIFICATE_AUTHORITIES, body);
        }
        c.client_hello(&exts);
        c.exchange_hellos();
        let certificate = c
            .received
            .iter()
            .find(|m| m[0] == hs::CERTIFICATE)
            .expect("a Certificate");
        let certificate = Certificate13::parse(&certificate[4..], ()).unwrap();
        assert_eq!(certificate.certs()[0], &expected[..], "{what}");
        // The handshake completes with that chain.
        c.ccs();
        c.finished(false);
        c.deliver();
        assert!(c.server.handshake_complete(), "{what}");
    }
}

/// Our server's CertificateRequest: the schemes it verifies in CertificateVerify, those
/// chain validation accepts in certificates (they differ), and the names of its trusted
/// CAs.
#[test]
fn server_certificate_request_carries_certificate_schemes_and_ca_names() {
    let mut c = ScriptedClient::start(true);
    let exts = c.hello_extensions(Some(X25519));
    c.client_hello(&exts);
    c.exchange_hellos();
    let request = c
        .received
        .iter()
        .find(|m| m[0] == hs::CERTIFICATE_REQUEST)
        .expect("a CertificateRequest")
        .clone();
    let request = CertificateRequest13::parse(&request[4..], ()).unwrap();
    assert_eq!(
        request.signature_schemes().unwrap(),
        [0x0403, 0x0503, 0x0804, 0x0805, 0x0806]
    );
    assert_eq!(
        signature_algorithms_cert(&request.extensions),
        Ok(Some(verify::certificate_signature_schemes()))
    );
    let root = server_keys().ca_certs[0].subject.der.clone();
    assert_eq!(
        certificate_authorities(&request.extensions),
        Ok(Some(vec![&root[..]]))
    );
}

/// §4.2.8: "Servers MAY check for violations of these rules and abort the handshake with an
/// illegal_parameter alert if one is violated": a share for a group not in
/// supported_groups.
#[test]
fn client_hello_key_share_outside_supported_groups() {
    let mut c = ScriptedClient::start(false);
    let mut exts = c.hello_extensions(Some(X25519));
    set_ext(
        &mut exts,
        ExtensionType::SUPPORTED_GROUPS,
        SupportedGroups(vec![SECP256R1]).to_bytes().unwrap(),
    );
    server_rejects_hello(
        &exts,
        alert::ILLEGAL_PARAMETER,
        "share outside supported_groups",
    );
}

/// §4.2.11: pre_shared_key "MUST be the last extension in the ClientHello ... Servers MUST
/// check that it is the last extension and otherwise fail the handshake with an
/// illegal_parameter alert."
#[test]
fn client_hello_pre_shared_key_not_last() {
    let mut c = ScriptedClient::start(false);
    let mut exts = c.hello_extensions(Some(X25519));
    // identities: one of 4 bytes and age 0; binders: one of 32 bytes.
    let mut psk = vec![0, 10, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0, 0, 33, 32];
    psk.extend_from_slice(&[0xbb; 32]);
    exts.insert(0, (ExtensionType::PSK_KEY_EXCHANGE_MODES.0, vec![1, 1]));
    exts.insert(1, (ExtensionType::PRE_SHARED_KEY.0, psk));
    server_rejects_hello(&exts, alert::ILLEGAL_PARAMETER, "pre_shared_key first");
}

/// §4.2.8: after a HelloRetryRequest the client "MUST replace the original key_share
/// extension with one containing only a new KeyShareEntry for the group indicated in the
/// selected_group field". The RFC names no alert for a server that finds another group or
/// no entry; ours sends illegal_parameter (a field inconsistent with the exchange, §6.2).
/// Without the extension at all the second ClientHello breaks §9.2 like a first one
/// would: "Servers receiving a ClientHello which does not conform to these requirements
/// MUST abort the handshake with a missing_extension alert."
#[test]
fn second_client_hello_with_a_wrong_or_missing_share() {
    for (second, drop_extension, desc) in [
        (Some(SECP256R1), false, alert::ILLEGAL_PARAMETER),
        (None, false, alert::ILLEGAL_PARAMETER),
        (None, true, alert::MISSING_EXTENSION),
    ] {
        let mut c = ScriptedClient::start(false);
        // No share at all: the retry asks for X25519, our server's first group.
        let exts = c.hello_extensions(None);
        c.client_hello(&exts);
        assert_eq!(c.exchange_hellos(), [hs::SERVER_HELLO], "HelloRetryRequest");
        let mut exts2 = c.hello_extensions(second);
        if drop_extension {
            remove_ext(&mut exts2, ExtensionType::KEY_SHARE);
        }
        c.ccs();
        c.client_hello(&exts2);
        c.deliver();
        assert_handshake_fatal(
            &mut c.server,
            desc,
            Under::Clear,
            &format!("second ClientHello share {second:?}, extension dropped: {drop_extension}"),
        );
    }
}

// ---- server side: the client's flight (RFC 8446 §4.4, §5) --------------------------------

/// §4.4.4: a client Finished that does not verify is decrypt_error.
#[test]
fn bad_client_finished() {
    let mut c = ScriptedClient::hellos();
    c.finished(true);
    c.rejects_after_server_finished(alert::DECRYPT_ERROR, "bad client Finished");
}

/// §4.4.3: a client CertificateVerify whose signature does not verify is decrypt_error.
#[test]
fn bad_client_certificate_verify() {
    let mut c = ScriptedClient::start(true);
    let exts = c.hello_extensions(Some(X25519));
    c.client_hello(&exts);
    c.exchange_hellos();
    c.certificate();
    c.certificate_verify(true);
    c.rejects_after_server_finished(alert::DECRYPT_ERROR, "bad client CertificateVerify");
}

/// §2, §4.4.4: the client's application data follows its Finished; before it, under the
/// handshake keys, it is a record type not expected there (§5: "If a TLS implementation
/// receives an unexpected record type, it MUST terminate the connection with an
/// unexpected_message alert").
#[test]
fn application_data_before_the_client_finished() {
    let mut c = ScriptedClient::hellos();
    c.protected(content::APPLICATION_DATA, b"too early");
    c.rejects_after_server_finished(alert::UNEXPECTED_MESSAGE, "data before Finished");
}

/// Appendix D.4: a client sends one compatibility change_cipher_spec; a second one,
/// whether right behind the first or just before its Finished, is unexpected_message.
#[test]
fn second_change_cipher_spec_from_the_client() {
    let mut c = ScriptedClient::hellos();
    c.ccs();
    c.ccs();
    c.finished(false);
    c.rejects_after_server_finished(alert::UNEXPECTED_MESSAGE, "two CCS in a row");

    let mut c = ScriptedClient::start(false);
    let exts = c.hello_extensions(Some(X25519));
    c.client_hello(&exts);
    c.ccs();
    c.exchange_hellos();
    c.ccs();
    c.finished(false);
    c.rejects_after_server_finished(alert::UNEXPECTED_MESSAGE, "CCS before Finished");
}

/// §5: a change_cipher_spec after the client's Finished is unexpected_message.
#[test]
fn change_cipher_spec_after_the_client_finished() {
    let mut c = ScriptedClient::hellos();
    c.finished(false);
    c.deliver();
    assert!(c.server.handshake_complete());
    c.ccs();
    c.deliver();
    let under = c.server_application_key();
    assert_fatal(
        &mut c.server,
        alert::UNEXPECTED_MESSAGE,
        under,
        "CCS after Finished",
    );
}

/// A client certificate message in place of its Finished when none was requested is
/// unexpected_message (§4.4.2: the client sends Certificate only after a request).
#[test]
fn client_certificate_not_requested() {
    let mut c = ScriptedClient::hellos();
    c.certificate();
    c.rejects_after_server_finished(alert::UNEXPECTED_MESSAGE, "unrequested Certificate");
}

/// Correct ClientHello extensions with a `share_group` share whose supported_versions
/// offers TLS 1.2 besides TLS 1.3.
fn offering_tls13_and_tls12(c: &mut ScriptedClient, share_group: u16) -> Vec<(u16, Vec<u8>)> {
    let mut exts = c.hello_extensions(Some(share_group));
    set_ext(
        &mut exts,
        ExtensionType::SUPPORTED_VERSIONS,
        SupportedVersionsClient(vec![TLS13, TLS12])
            .to_bytes()
            .unwrap(),
    );
    exts
}

/// Appendix D.5: a ClientHello whose legacy_version is 0x0300 or below, with
/// supported_versions (here offering TLS 1.3 and 1.2), is refused with protocol_version
/// rather than negotiated by its extension.
#[test]
fn client_hello_legacy_version_ssl3_or_below() {
    for legacy_version in [0x0300, 0x0200, 0x0103, 0x0000] {
        let mut c = ScriptedClient::start(false);
        let exts = offering_tls13_and_tls12(&mut c, X25519);
        c.client_hello_as(legacy_version, &[TLS_AES_128_GCM_SHA256], &exts);
        c.deliver();
        let what = format!("legacy_version {legacy_version:#06x}");
        assert_handshake_fatal(&mut c.server, alert::PROTOCOL_VERSION, Under::Clear, &what);
    }
}

/// §4.2.1: the version is chosen from supported_versions before the suite. A client
/// offering TLS 1.3 (and 1.2) but only TLS 1.2 suites, which our server also has enabled,
/// gets TLS 1.3 and, with no 1.3 suite in common, handshake_failure: not TLS 1.2.
#[test]
fn client_hello_offering_tls13_with_only_tls12_suites() {
    const TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: u16 = 0xc02f;
    const TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: u16 = 0xc013;
    let mut c = ScriptedClient::start(false);
    let exts = offering_tls13_and_tls12(&mut c, SECP256R1);
    let tls12_suites = [
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    ];
    assert!(tls12_suites.iter().all(|&s| config13().suites.enabled(s)));
    c.client_hello_as(TLS12, &tls12_suites, &exts);
    c.deliver();
    assert_handshake_fatal(
        &mut c.server,
        alert::HANDSHAKE_FAILURE,
        Under::Clear,
        "TLS 1.3 offered with TLS 1.2 suites only",
    );
}

/// §5.4: a protected Alert record with no content is unexpected_message, during the
/// handshake (under the client's handshake key) and after it.
#[test]
fn empty_protected_alert() {
    let mut c = ScriptedClient::hellos();
    c.protected(content::ALERT, &[]);
    c.rejects_after_server_finished(alert::UNEXPECTED_MESSAGE, "empty alert, handshake key");

    let mut c = ScriptedClient::established();
    c.protected(content::ALERT, &[]);
    c.rejects_after_handshake(alert::UNEXPECTED_MESSAGE, "empty alert, application key");
}

/// §5.1: the records of a handshake message split across records are not interleaved
/// with other records; application data between the pieces of a KeyUpdate is
/// unexpected_message, not delivered.
#[test]
fn application_data_inside_a_fragmented_key_update() {
    let mut c = ScriptedClient::established();
    let key_update = handshake_message(hs::KEY_UPDATE, &[1]);
    c.protected(content::HANDSHAKE, &key_update[..2]);
    c.protected(content::APPLICATION_DATA, b"GET /");
    c.protected(content::HANDSHAKE, &key_update[2..]);
    c.rejects_after_handshake(alert::UNEXPECTED_MESSAGE, "data inside a KeyUpdate");
}

/// 0-RTT records as a client would send them after a ClientHello with early_data: opaque
/// application_data records (we hold no early key), `sizes` bytes of body each.
fn early_data_records(sizes: &[usize]) -> Vec<u8> {
    sizes
        .iter()
        .flat_map(|&n| whole_record(content::APPLICATION_DATA, &vec![0xe0; n]))
        .collect()
}

fn with_early_data(c: &mut ScriptedClient, share_group: Option<u16>) -> Vec<(u16, Vec<u8>)> {
    let mut exts = c.hello_extensions(share_group);
    set_ext(&mut exts, ExtensionType::EARLY_DATA, Vec::new());
    exts
}

/// §4.2.10: a server rejecting 0-RTT with a ServerHello skips the records that fail to
/// deprotect under the client's handshake key, up to a bound, and reads the first that
/// does as the client's second flight; after it nothing more is skipped.
#[test]
fn rejected_early_data_skipped_after_server_hello() {
    let mut c = ScriptedClient::start(false);
    let exts = with_early_data(&mut c, Some(X25519));
    c.client_hello(&exts);
    c.exchange_hellos();
    c.wire.extend(early_data_records(&[1000, 14000, 17]));
    c.ccs();
    c.finished(false);
    let got = c.deliver();
    assert!(got.last() >= 0, "{got:?}");
    assert!(c.server.handshake_complete());
    c.protected(content::APPLICATION_DATA, b"ping");
    assert_eq!(c.deliver().app, b"ping");
    // The second flight ended the early data: a record that does not open is an error.
    c.wire.extend(early_data_records(&[100]));
    c.rejects_after_handshake(alert::BAD_RECORD_MAC, "after the early data");
}

/// Without early_data offered, or past the bound of what is skipped, a record that does
/// not deprotect is bad_record_mac.
#[test]
fn undecryptable_records_not_skipped_without_early_data_or_past_the_bound() {
    let mut c = ScriptedClient::hellos();
    c.wire.extend(early_data_records(&[100]));
    c.rejects_after_server_finished(alert::BAD_RECORD_MAC, "no early_data offered");

    let mut c = ScriptedClient::start(false);
    let exts = with_early_data(&mut c, Some(X25519));
    c.client_hello(&exts);
    c.exchange_hellos();
    c.wire.extend(early_data_records(&[16000, 16000]));
    c.rejects_after_server_finished(alert::BAD_RECORD_MAC, "early data past the bound");
}

/// §4.2.10: a server rejecting 0-RTT with a HelloRetryRequest skips the application_data
/// records before the second ClientHello, which must not offer early data again (§4.1.2).
#[test]
fn rejected_early_data_skipped_after_hello_retry_request() {
    let mut c = ScriptedClient::start(false);
    let exts = with_early_data(&mut c, None);
    c.client_hello(&exts);
    assert_eq!(c.exchange_hellos(), [hs::SERVER_HELLO], "HelloRetryRequest");
    c.wire.extend(early_data_records(&[5000, 5000]));
    c.ccs();
    let exts = c.hello_extensions(Some(X25519));
    c.client_hello(&exts);
    let types = c.exchange_hellos();
    assert_eq!(types.last(), Some(&hs::FINISHED));
    c.finished(false);
    c.deliver();
    assert!(c.server.handshake_complete());

    let mut c = ScriptedClient::start(false);
    let exts = with_early_data(&mut c, None);
    c.client_hello(&exts);
    assert_eq!(c.exchange_hellos(), [hs::SERVER_HELLO], "HelloRetryRequest");
    let exts = with_early_data(&mut c, Some(X25519));
    c.client_hello(&exts);
    c.deliver();
    assert_handshake_fatal(
        &mut c.server,
        alert::ILLEGAL_PARAMETER,
        Under::Clear,
        "early_data in the second ClientHello",
    );
}
