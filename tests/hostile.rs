//! Hostile peers at the record level. `matrixssl::conn::Connection` runs as server and as
//! client against scripted peers built from the crate's own pieces (record layer, key
//! schedule, message codecs), which send exactly the malformed, reordered, oversized or
//! forged bytes each test needs. Every test asserts the alert the connection queues (read
//! back from its output, decrypted when the keys are on) or a clean close, and every loop
//! is bounded, so a hang or panic in the engine fails the test.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use aes::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use matrixssl::codec::Codec;
use matrixssl::config::Config;
use matrixssl::conn::Connection;
use matrixssl::crypto::prf::prf;
use matrixssl::crypto::rsa::RsaPublicKey;
use matrixssl::error::*;
use matrixssl::handshake::KeySchedule;
use matrixssl::handshake::client::ClientOptions;
use matrixssl::keys::Keys;
use matrixssl::msgs::{self, ClientHello, ExtensionType, ServerHello, ext, hs};
use matrixssl::pki::{Certificate, PrivateKey, PublicKey};
use matrixssl::record::{Header, RecordLayer, content};
use matrixssl::suites::{self, CipherSuite};

mod common;
use common::{Got, NoCallbacks, feed, path, record, split_messages, split_records, take_out};

// ---- fixtures ---------------------------------------------------------------------------

/// RSA and ECDSA server identities, and the root CA for client certificates.
fn server_keys() -> Arc<Keys> {
    static K: OnceLock<Arc<Keys>> = OnceLock::new();
    K.get_or_init(|| {
        let mut k = Keys::default();
        k.load_rsa_files(
            Some(&path("server-chain.pem")),
            Some(&path("server.key")),
            None,
            Some(&path("ca.pem")),
        )
        .expect("server RSA identity");
        k.load_ec_files(
            Some(&path("ec-server-chain.pem")),
            Some(&path("ec-server.key")),
            None,
            None,
        )
        .expect("server EC identity");
        Arc::new(k)
    })
    .clone()
}

/// Every test root (RSA and ECDSA).
fn client_keys() -> Arc<Keys> {
    static K: OnceLock<Arc<Keys>> = OnceLock::new();
    K.get_or_init(|| {
        let mut k = Keys::default();
        k.load_rsa_files(None, None, None, Some(&path("mixed-ca-bundle.pem")))
            .expect("client CAs");
        Arc::new(k)
    })
    .clone()
}

// ---- wire helpers -----------------------------------------------------------------------

/// A handshake message with its 4-byte header (test bodies always fit the length field).
fn handshake_message(typ: u8, body: &[u8]) -> Vec<u8> {
    msgs::handshake_message(typ, body).expect("handshake body under 2^24 bytes")
}

/// Extensions given by raw type numbers, as the encoders take them.
fn typed_exts(exts: &[(u16, Vec<u8>)]) -> Vec<(ExtensionType, Vec<u8>)> {
    exts.iter()
        .map(|(t, b)| (ExtensionType(*t), b.clone()))
        .collect()
}

const TLS10: u16 = 0x0301;
const TLS11: u16 = 0x0302;
const TLS12: u16 = 0x0303;

/// The connection failed with a plaintext fatal alert `desc`, and closes after sending it.
#[track_caller]
fn assert_plain_fatal(conn: &mut Connection, desc: u8, what: &str) {
    assert!(conn.errored(), "{what}: session not in the error state");
    let out = conn.outdata().to_vec();
    let last = split_records(&out).pop();
    assert_eq!(
        last,
        Some((
            content::ALERT,
            last.as_ref().map_or(0, |r| r.1),
            vec![2, desc]
        )),
        "{what}: expected fatal alert {desc}"
    );
    assert_eq!(conn.sent(out.len()), MATRIXSSL_REQUEST_CLOSE, "{what}");
    // Whatever arrives afterwards is refused, without panicking.
    let (at, _) = conn.read_buf();
    conn.inbuf_mut()[at] = 22;
    assert_eq!(
        conn.received(1, &mut NoCallbacks).rc,
        PS_PROTOCOL_FAIL,
        "{what}"
    );
}

/// A server that has just received `bytes` (delivered whole) must have failed with `desc`.
#[track_caller]
fn server_rejects(bytes: &[u8], desc: u8, what: &str) {
    let mut server = Connection::new_server(server_keys());
    let got = feed(&mut server, bytes, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}: {got:?}");
    assert_plain_fatal(&mut server, desc, what);
}

/// Extensions as (type, body) pairs.
type Extensions = Vec<(u16, Vec<u8>)>;

fn client_hello_body(version: u16, suites: &[u16], exts: &[(u16, Vec<u8>)]) -> Vec<u8> {
    msgs::encode_client_hello(version, &[7; 32], &[], suites, &typed_exts(exts)).unwrap()
}

fn client_hello_record(version: u16, suites: &[u16], exts: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let msg = handshake_message(hs::CLIENT_HELLO, &client_hello_body(version, suites, exts));
    record(content::HANDSHAKE, TLS10, &msg)
}

// ---- a scripted peer -------------------------------------------------------------------

/// One side of a handshake written by hand: it sends what the test asks, reads what the
/// connection answers, and keeps transcript and keys so it can continue — or forge.
/// RSA key exchange only (the scripted side never needs to sign).
struct Script {
    is_client: bool,
    rl: RecordLayer,
    transcript: Vec<u8>,
    client_random: [u8; 32],
    server_random: [u8; 32],
    /// Client: the version offered (premaster prefix). Server: the client's version.
    hello_version: u16,
    version: u16,
    suite: Option<&'static CipherSuite>,
    server_key: Option<RsaPublicKey>,
    ems: bool,
    master: [u8; 48],
    hs_buf: Vec<u8>,
    /// The last ciphertext block we sent (TLS 1.0 CBC IV chaining for hand-built records).
    last_block: Vec<u8>,
    /// Next write sequence number for hand-built records.
    write_seq: u64,
}

/// What a scripted peer read.
#[derive(Debug, Default)]
struct Read {
    messages: Vec<Vec<u8>>,
    alerts: Vec<[u8; 2]>,
    app: Vec<u8>,
    ccs: usize,
}

impl Script {
    fn new(is_client: bool) -> Self {
        Script {
            is_client,
            rl: RecordLayer::new(),
            transcript: Vec::new(),
            client_random: [0x11; 32],
            server_random: [0x22; 32],
            hello_version: TLS12,
            version: TLS12,
            suite: None,
            server_key: None,
            ems: false,
            master: [0; 48],
            hs_buf: Vec::new(),
            last_block: Vec::new(),
            write_seq: 0,
        }
    }

    fn ks(&self) -> KeySchedule {
        KeySchedule {
            suite: self.suite.expect("suite negotiated"),
            version: self.version,
        }
    }

    /// Records of type `typ` under our current write state.
    fn seal(&mut self, typ: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        self.rl.write_records(&mut out, typ, payload);
        self.write_seq += payload.len().div_ceil(16384).max(1) as u64;
        if let Some(last) = split_records(&out).pop() {
            self.last_block = last.2[last.2.len().saturating_sub(16)..].to_vec();
        }
        out
    }

    /// A handshake message: added to the transcript and sealed.
    fn send_hs(&mut self, typ: u8, body: &[u8]) -> Vec<u8> {
        let msg = handshake_message(typ, body);
        self.transcript.extend_from_slice(&msg);
        self.seal(content::HANDSHAKE, &msg)
    }

    /// Reads the peer's output: CCS switches our read keys; handshake messages are returned
    /// whole (not yet in the transcript).
    fn read(&mut self, wire: &[u8]) -> Read {
        let mut got = Read::default();
        for (typ, version, body) in split_records(wire) {
            let header = Header {
                typ,
                version,
                len: body.len(),
            };
            let mut record = [
                &[typ][..],
                &version.to_be_bytes(),
                &(body.len() as u16).to_be_bytes(),
                &body,
            ]
            .concat();
            let (_, range) = self
                .rl
                .open(&header, &mut record)
                .unwrap_or_else(|f| panic!("scripted peer cannot open a record: {f:?}"));
            let plain = &record[range];
            match typ {
                content::CHANGE_CIPHER_SPEC => {
                    got.ccs += 1;
                    self.rl.activate_read().expect("CCS without pending keys");
                }
                content::ALERT => got.alerts.push([plain[0], plain[1]]),
                content::HANDSHAKE => {
                    self.hs_buf.extend_from_slice(plain);
                    let msgs = split_messages(&self.hs_buf);
                    let used: usize = msgs.iter().map(Vec::len).sum();
                    self.hs_buf.drain(..used);
                    got.messages.extend(msgs);
                }
                _ => got.app.extend_from_slice(plain),
            }
        }
        got
    }

    // -- as a client --

    fn client_hello(&mut self, version: u16, suites: &[u16], exts: &[(u16, Vec<u8>)]) -> Vec<u8> {
        self.hello_version = version;
        let body =
            msgs::encode_client_hello(version, &self.client_random, &[], suites, &typed_exts(exts))
                .unwrap();
        self.send_hs(hs::CLIENT_HELLO, &body)
    }

    /// Interprets a server flight (ServerHello, Certificate, ServerHelloDone, Finished).
    /// Returns the alerts it carried.
    fn absorb_server(&mut self, wire: &[u8]) -> Read {
        let got = self.read(wire);
        for m in &got.messages {
            match m[0] {
                hs::SERVER_HELLO => {
                    let sh = ServerHello::parse(&m[4..], ()).expect("ServerHello");
                    self.server_random = sh.random;
                    self.version = sh.version;
                    self.suite = suites::by_id(sh.suite);
                    self.ems =
                        msgs::find_ext(&sh.extensions, ExtensionType::EXTENDED_MASTER_SECRET)
                            .is_some();
                    self.rl.write_version = sh.version;
                }
                hs::CERTIFICATE => {
                    let ders = msgs::parse_certificate_list(&m[4..]).expect("Certificate");
                    let leaf = Certificate::from_der(ders[0]).expect("leaf");
                    if let PublicKey::Rsa(k) = leaf.public_key {
                        self.server_key = Some(k);
                    }
                }
                hs::FINISHED => {
                    let expected = self.ks().verify_data(&self.master, false, &self.transcript);
                    assert_eq!(&m[4..], &expected[..], "server Finished");
                }
                _ => {}
            }
            if m[0] != hs::HELLO_REQUEST {
                self.transcript.extend_from_slice(m);
            }
        }
        got
    }

    /// A PKCS#1 v1.5 block holding a fresh premaster: 00 02 PS 00 version random(46).
    fn premaster_block(&self, premaster: &[u8; 48]) -> Vec<u8> {
        let k = self.server_key.as_ref().expect("server key").modulus_len();
        let mut em = vec![0x5a; k];
        em[0] = 0;
        em[1] = 2;
        em[k - 49] = 0;
        em[k - 48..].copy_from_slice(premaster);
        em
    }

    /// ClientKeyExchange carrying `ciphertext`; the master secret comes from `premaster`.
    fn key_exchange_raw(&mut self, premaster: &[u8; 48], ciphertext: &[u8]) -> Vec<u8> {
        let wire = self.send_hs(
            hs::CLIENT_KEY_EXCHANGE,
            &msgs::encode_rsa_client_key_exchange(ciphertext).unwrap(),
        );
        let ks = self.ks();
        let session_hash = self.ems.then(|| ks.transcript_hash(&self.transcript));
        self.master = *ks.master_secret(
            premaster,
            &self.client_random,
            &self.server_random,
            session_hash.as_deref(),
        );
        wire
    }

    fn fresh_premaster(&self) -> [u8; 48] {
        let mut pm = [0x3c; 48];
        pm[..2].copy_from_slice(&self.hello_version.to_be_bytes());
        pm
    }

    /// A correct ClientKeyExchange; `em` may damage the PKCS#1 block before encryption.
    fn key_exchange(&mut self, damage: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let pm = self.fresh_premaster();
        let mut em = self.premaster_block(&pm);
        damage(&mut em);
        let ct = self
            .server_key
            .as_ref()
            .expect("server key")
            .public_op(&em)
            .expect("raw RSA");
        self.key_exchange_raw(&pm, &ct)
    }

    /// Installs the pending keys (both directions) from the master secret.
    fn install_keys(&mut self) {
        let ks = self.ks();
        ks.install_pending_keys(
            &mut self.rl,
            &self.master,
            &self.client_random,
            &self.server_random,
            self.is_client,
        );
    }

    /// ChangeCipherSpec and Finished; `tamper` may change the verify_data.
    fn finish(&mut self, tamper: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        self.install_keys();
        let mut wire = self.seal(content::CHANGE_CIPHER_SPEC, &[1]);
        self.rl.activate_write().expect("pending write keys");
        self.write_seq = 0;
        let mut verify = self
            .ks()
            .verify_data(&self.master, self.is_client, &self.transcript);
        tamper(&mut verify);
        wire.extend(self.send_hs(hs::FINISHED, &verify));
        wire
    }

    /// Full RSA handshake against `server`, offering `suite` at `version`. Returns the
    /// server's last output after our Finished (its CCS + Finished).
    fn handshake_with(server: &mut Connection, suite: u16, version: u16) -> Script {
        let mut m = Script::new(true);
        let hello = m.client_hello(version, &[suite], &[]);
        let got = feed(server, &hello, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
        m.absorb_server(&take_out(server));
        let mut wire = m.key_exchange(|_| {});
        wire.extend(m.finish(|_| {}));
        let got = feed(server, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{got:?}");
        let r = m.absorb_server(&take_out(server));
        assert_eq!(r.ccs, 1, "server CCS");
        assert!(server.handshake_complete());
        m
    }

    // -- as a server (RSA key exchange) --

    /// Reads a ClientHello; returns its extensions' types.
    fn absorb_client_hello(&mut self, wire: &[u8]) -> Vec<u16> {
        let got = self.read(wire);
        let m = got.messages.first().expect("ClientHello");
        let ch = ClientHello::parse(&m[4..], ()).expect("ClientHello parse");
        self.client_random = ch.random;
        self.hello_version = ch.version;
        let types = ch.extensions.iter().map(|e| e.typ.0).collect();
        self.transcript.extend_from_slice(m);
        types
    }

    /// ServerHello (with `exts`) and Certificate, as plaintext records.
    fn server_flight_without_done(
        &mut self,
        version: u16,
        suite: u16,
        exts: &[(u16, Vec<u8>)],
    ) -> Vec<u8> {
        self.version = version;
        self.suite = suites::by_id(suite);
        self.rl.write_version = version;
        let body = msgs::encode_server_hello(
            version,
            &self.server_random,
            &[0x33; 32],
            suite,
            &typed_exts(exts),
        )
        .unwrap();
        let mut wire = self.send_hs(hs::SERVER_HELLO, &body);
        let keys = server_keys();
        let chain = &keys.rsa_identity().expect("RSA identity").chain;
        let certs = msgs::encode_certificate_list(chain.iter().map(|c| &c.der[..])).unwrap();
        wire.extend(self.send_hs(hs::CERTIFICATE, &certs));
        wire
    }

    /// ServerHello (with `exts`), Certificate, ServerHelloDone, as plaintext records.
    fn server_flight(&mut self, version: u16, suite: u16, exts: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let mut wire = self.server_flight_without_done(version, suite, exts);
        wire.extend(self.send_hs(hs::SERVER_HELLO_DONE, &[]));
        wire
    }

    /// Reads the client's ClientKeyExchange, CCS and Finished (under the keys in force,
    /// so also in a renegotiation); checks the Finished.
    fn absorb_client_final(&mut self, wire: &[u8]) {
        // The CCS switches keys in the middle of the records: read in two steps, the CCS
        // itself (whose keys are installed from the ClientKeyExchange) in neither.
        let records = split_records(wire);
        let mut before = Vec::new();
        let mut after = Vec::new();
        let mut seen_ccs = false;
        for (typ, v, body) in records {
            let r = record(typ, v, &body);
            if seen_ccs {
                after.extend(r);
            } else if typ == content::CHANGE_CIPHER_SPEC {
                seen_ccs = true;
            } else {
                before.extend(r);
            }
        }
        let first = self.read(&before).messages;
        for m in first {
            assert_eq!(m[0], hs::CLIENT_KEY_EXCHANGE);
            let ct = msgs::parse_rsa_client_key_exchange(&m[4..]).expect("CKE");
            let keys = server_keys();
            let PrivateKey::Rsa(key) = &*keys.rsa_identity().unwrap().key else {
                panic!("RSA key")
            };
            let pm = key.decrypt_premaster(ct, self.hello_version);
            self.transcript.extend_from_slice(&m);
            let ks = self.ks();
            self.master =
                *ks.master_secret(&pm[..], &self.client_random, &self.server_random, None);
            self.install_keys();
        }
        self.rl.activate_read().expect("client CCS");
        let got = self.read(&after);
        let fin = got.messages.first().expect("client Finished");
        let expected = self.ks().verify_data(&self.master, true, &self.transcript);
        assert_eq!(&fin[4..], &expected[..], "client Finished");
        self.transcript.extend_from_slice(fin);
    }

    /// Drives `client` (fresh, ClientHello queued) through a full RSA handshake with no
    /// server extensions unless given; returns after the client's final flight was checked
    /// and before our CCS + Finished are sent.
    fn serve_until_finished(client: &mut Connection, exts: &[(u16, Vec<u8>)]) -> Script {
        let mut t = Script::new(false);
        t.absorb_client_hello(&take_out(client));
        let flight = t.server_flight(TLS12, 0x002f, exts);
        let got = feed(client, &flight, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{got:?}");
        t.absorb_client_final(&take_out(client));
        t
    }

    // -- hand-built CBC records (client to server) --

    /// The client-write MAC key, cipher key and IV from the key block.
    fn client_write_keys(&self) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let s = self.suite.expect("suite");
        let (m, k) = (s.mac.len(), s.bulk.key_len());
        let mut block = vec![0u8; 2 * (m + k + 16)];
        prf(
            s.prf_for(self.version),
            &self.master,
            b"key expansion",
            &[&self.server_random, &self.client_random],
            &mut block,
        );
        (
            block[..m].to_vec(),
            block[2 * m..2 * m + k].to_vec(),
            block[2 * (m + k)..2 * (m + k) + 16].to_vec(),
        )
    }

    /// One CBC application record built by hand (MAC-then-pad-then-encrypt), with `defect`.
    fn cbc_record(&mut self, plaintext: &[u8], defect: CbcDefect) -> Vec<u8> {
        let s = self.suite.expect("suite");
        let (mac_key, enc_key, _) = self.client_write_keys();
        let typ = content::APPLICATION_DATA;
        let mut mac_input = self.write_seq.to_be_bytes().to_vec();
        mac_input.push(typ);
        mac_input.extend_from_slice(&self.version.to_be_bytes());
        mac_input.extend_from_slice(&(plaintext.len() as u16).to_be_bytes());
        mac_input.extend_from_slice(plaintext);
        let alg = match s.mac.len() {
            20 => ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            32 => ring::hmac::HMAC_SHA256,
            _ => ring::hmac::HMAC_SHA384,
        };
        let mut mac = ring::hmac::sign(&ring::hmac::Key::new(alg, &mac_key), &mac_input)
            .as_ref()
            .to_vec();
        if defect == CbcDefect::BadMac {
            mac[0] ^= 0x01;
        }
        let mut data = plaintext.to_vec();
        data.extend_from_slice(&mac);
        let pad = match defect {
            CbcDefect::LongPadding => 255 - (data.len() + 256) % 16,
            _ => 15 - data.len() % 16,
        };
        data.extend(std::iter::repeat_n(pad as u8, pad + 1));
        assert_eq!(data.len() % 16, 0);
        let n = data.len();
        match defect {
            CbcDefect::BadPaddingBytes => data[n - 2] ^= 0x01,
            CbcDefect::PaddingLenTooLong => data[n - 1] = 0xff,
            _ => {}
        }
        let explicit_iv = self.version >= TLS11;
        let iv = if explicit_iv {
            vec![0x42; 16]
        } else {
            self.last_block.clone()
        };
        let mut ct = cbc_encrypt(&enc_key, &iv, &data);
        if defect == CbcDefect::NotBlockMultiple {
            ct.pop();
        }
        if defect == CbcDefect::TooShort {
            ct.truncate(16);
        }
        let mut body = if explicit_iv { iv } else { Vec::new() };
        body.extend_from_slice(&ct);
        if defect == CbcDefect::TooShort && explicit_iv {
            body.truncate(16);
        }
        self.last_block = body[body.len().saturating_sub(16)..].to_vec();
        self.write_seq += 1;
        record(typ, self.version, &body)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CbcDefect {
    None,
    BadMac,
    BadPaddingBytes,
    PaddingLenTooLong,
    NotBlockMultiple,
    TooShort,
    /// 256 bytes of padding: legal in TLS (RFC 5246 §6.2.3.2), must be accepted.
    LongPadding,
}

fn cbc_encrypt(key: &[u8], iv: &[u8], data: &[u8]) -> Vec<u8> {
    let mut prev: [u8; 16] = iv.try_into().expect("16-byte IV");
    let mut out = Vec::with_capacity(data.len());
    let encrypt = |block: &mut [u8; 16]| match key.len() {
        16 => aes::Aes128::new(GenericArray::from_slice(key))
            .encrypt_block(GenericArray::from_mut_slice(block)),
        _ => aes::Aes256::new(GenericArray::from_slice(key))
            .encrypt_block(GenericArray::from_mut_slice(block)),
    };
    for chunk in data.chunks(16) {
        let mut block = [0u8; 16];
        for i in 0..16 {
            block[i] = chunk[i] ^ prev[i];
        }
        encrypt(&mut block);
        out.extend_from_slice(&block);
        prev = block;
    }
    out
}

// ---- real pairs --------------------------------------------------------------------------

/// Moves what `from` queued into `to`; returns what `to` handed out.
fn pump(from: &mut Connection, to: &mut Connection) -> Got {
    let data = take_out(from);
    if data.is_empty() {
        return Got::default();
    }
    feed(to, &data, usize::MAX)
}

fn real_pair(options: ClientOptions) -> (Connection, Connection) {
    let mut client = Connection::new_client(client_keys(), options).expect("client");
    let mut server = Connection::new_server(server_keys());
    for _ in 0..8 {
        let a = pump(&mut client, &mut server);
        let b = pump(&mut server, &mut client);
        assert!(a.alerts.is_empty() && b.alerts.is_empty(), "{a:?} {b:?}");
        if client.handshake_complete() && server.handshake_complete() && client.outdata().is_empty()
        {
            return (client, server);
        }
    }
    panic!("real handshake did not complete");
}

fn options(suite: u16, version: u16) -> ClientOptions {
    ClientOptions {
        cipher_spec: suite,
        max_version: version,
        ..Default::default()
    }
}

// ---- record layer -------------------------------------------------------------------------

#[test]
fn malformed_record_headers_get_specific_alerts() {
    let hello = client_hello_record(TLS12, &[0x002f], &[]);
    // Record type outside 20..23 (24 = heartbeat).
    server_rejects(
        &record(24, TLS10, &[1]),
        alert::UNEXPECTED_MESSAGE,
        "type 24",
    );
    server_rejects(&record(0, TLS10, &[1]), alert::UNEXPECTED_MESSAGE, "type 0");
    // Major version other than 3.
    server_rejects(
        &record(22, 0x0201, &hello[5..]),
        alert::PROTOCOL_VERSION,
        "major 2",
    );
    server_rejects(
        &record(22, 0x0401, &hello[5..]),
        alert::PROTOCOL_VERSION,
        "major 4",
    );
    // Zero-length record.
    server_rejects(&[22, 3, 1, 0, 0], alert::ILLEGAL_PARAMETER, "empty record");
    // A zero-length application data record is a valid record, but not before the
    // handshake.
    server_rejects(
        &[23, 3, 1, 0, 0],
        alert::UNEXPECTED_MESSAGE,
        "empty application data",
    );
    // Body length above 2^14 + 2048. RFC 5246 §6.2.3 says record_overflow; ABI.md §7.3
    // records the 3.3 library's illegal_parameter for the same case.
    server_rejects(
        &[22, 3, 1, 0x48, 0x01],
        alert::RECORD_OVERFLOW,
        "18433-byte body",
    );
    server_rejects(
        &[23, 3, 3, 0xff, 0xff],
        alert::RECORD_OVERFLOW,
        "65535-byte body",
    );
    // A plaintext record longer than 2^14.
    let mut big = vec![hs::CLIENT_HELLO, 0, 0x40, 0x01];
    big.resize(16385, 0);
    server_rejects(
        &record(22, TLS10, &big),
        alert::RECORD_OVERFLOW,
        "16385 plaintext bytes",
    );
    // Application data, alerts of the wrong size, and ChangeCipherSpec before any handshake.
    server_rejects(
        &record(23, TLS10, b"GET /"),
        alert::UNEXPECTED_MESSAGE,
        "early app data",
    );
    server_rejects(
        &record(21, TLS10, &[2]),
        alert::DECODE_ERROR,
        "1-byte alert",
    );
    server_rejects(
        &record(21, TLS10, &[2, 40, 0]),
        alert::DECODE_ERROR,
        "3-byte alert",
    );
    server_rejects(
        &record(20, TLS10, &[1]),
        alert::UNEXPECTED_MESSAGE,
        "CCS first",
    );
    // A ChangeCipherSpec whose body is not the single byte 1 is not a ChangeCipherSpec.
    server_rejects(
        &record(20, TLS10, &[2]),
        alert::UNEXPECTED_MESSAGE,
        "CCS body 2",
    );
    server_rejects(
        &record(20, TLS10, &[1, 1]),
        alert::UNEXPECTED_MESSAGE,
        "CCS body 1 1",
    );
    // Plain HTTP is not a TLS record.
    server_rejects(b"GET / HTTP/1.1\r\n\r\n", alert::UNEXPECTED_MESSAGE, "HTTP");
}

/// An SSL 2.0-format ClientHello (RFC 5246 Appendix E.2): message and 2-byte header.
fn sslv2_hello(
    version: u16,
    specs: &[[u8; 3]],
    session_id: &[u8],
    challenge: &[u8],
) -> (Vec<u8>, Vec<u8>) {
    let mut msg = vec![hs::CLIENT_HELLO];
    msg.extend_from_slice(&version.to_be_bytes());
    msg.extend_from_slice(&((specs.len() * 3) as u16).to_be_bytes());
    msg.extend_from_slice(&(session_id.len() as u16).to_be_bytes());
    msg.extend_from_slice(&(challenge.len() as u16).to_be_bytes());
    specs.iter().for_each(|s| msg.extend_from_slice(s));
    msg.extend_from_slice(session_id);
    msg.extend_from_slice(challenge);
    let mut wire = vec![0x80 | (msg.len() >> 8) as u8, msg.len() as u8];
    wire.extend_from_slice(&msg);
    (msg, wire)
}

#[test]
fn sslv2_format_hellos() {
    let specs = [[0x07, 0x00, 0xc0], [0, 0, 0x2f], [0, 0, 0xff]];
    let challenge = [0x5a; 16];
    // A whole handshake started by an SSL 2.0 hello: the transcript begins with the SSL 2.0
    // message, the client random is the challenge right-aligned in 32 bytes.
    let (msg, wire) = sslv2_hello(TLS11, &specs, &[], &challenge);
    let mut server = Connection::new_server(server_keys());
    let got = feed(&mut server, &wire, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    let mut m = Script::new(true);
    m.hello_version = TLS11;
    m.client_random = [0; 32];
    m.client_random[16..].copy_from_slice(&challenge);
    m.transcript = msg.clone();
    m.absorb_server(&take_out(&mut server));
    assert_eq!((m.version, m.suite.map(|s| s.id)), (TLS11, Some(0x002f)));
    let mut fin = m.key_exchange(|_| {});
    fin.extend(m.finish(|_| {}));
    feed(&mut server, &fin, usize::MAX);
    let r = m.absorb_server(&take_out(&mut server));
    assert_eq!(r.ccs, 1);
    assert!(server.handshake_complete());
    // Split at every byte boundary.
    for k in 1..wire.len() {
        let mut server = Connection::new_server(server_keys());
        let a = feed(&mut server, &wire[..k], usize::MAX);
        assert_eq!(a.last(), MATRIXSSL_REQUEST_RECV, "v2 split {k}");
        let b = feed(&mut server, &wire[k..], usize::MAX);
        assert_eq!(b.last(), MATRIXSSL_REQUEST_SEND, "v2 split {k}");
        assert!(!server.errored(), "v2 split {k}");
    }
    // Malformed SSL 2.0 hellos.
    let cases: Vec<(&str, Vec<u8>, u8)> = vec![
        (
            "challenge of 15 bytes",
            sslv2_hello(TLS11, &specs, &[], &[1; 15]).1,
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "challenge of 33 bytes",
            sslv2_hello(TLS11, &specs, &[], &[1; 33]).1,
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "no cipher specs",
            sslv2_hello(TLS11, &[], &[], &challenge).1,
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "only SSL 2.0 specs",
            sslv2_hello(TLS11, &[[0x07, 0, 0xc0]], &[], &challenge).1,
            alert::HANDSHAKE_FAILURE,
        ),
        (
            "SSL 2.0 version",
            sslv2_hello(0x0002, &specs, &[], &challenge).1,
            alert::PROTOCOL_VERSION,
        ),
        (
            "fallback to TLS 1.0",
            sslv2_hello(TLS10, &[[0, 0, 0x2f], [0, 0x56, 0]], &[], &challenge).1,
            alert::INAPPROPRIATE_FALLBACK,
        ),
    ];
    for (what, wire, desc) in cases {
        server_rejects(&wire, desc, what);
    }
    let (_, mut bad_type) = sslv2_hello(TLS11, &specs, &[], &challenge);
    bad_type[2] = 4; // SERVER-HELLO
    server_rejects(
        &bad_type,
        alert::UNEXPECTED_MESSAGE,
        "SSL 2.0 message type 4",
    );
    let (_, mut specs_len) = sslv2_hello(TLS11, &specs, &[], &challenge);
    specs_len[6] = 8; // cipher specs length not a multiple of 3
    server_rejects(&specs_len, alert::ILLEGAL_PARAMETER, "specs length 8");
    let (_, mut long) = sslv2_hello(TLS11, &specs, &[], &challenge);
    long[10] = 17; // challenge length says 17, one byte more than sent
    server_rejects(&long, alert::DECODE_ERROR, "challenge overruns");
    // Only the first message may be in SSL 2.0 format.
    let mut server = Connection::new_server(server_keys());
    let hello = client_hello_record(TLS12, &[0x002f], &[]);
    feed(&mut server, &hello, usize::MAX);
    take_out(&mut server);
    let (_, wire) = sslv2_hello(TLS11, &specs, &[], &challenge);
    let got = feed(&mut server, &wire, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert_plain_fatal(
        &mut server,
        alert::UNEXPECTED_MESSAGE,
        "SSL 2.0 hello second",
    );
}

#[test]
fn malformed_handshake_framing() {
    let ch = client_hello_body(TLS12, &[0x002f], &[]);
    // A message announcing more than the reassembly limit (256 KiB) fails at once.
    server_rejects(
        &record(22, TLS10, &[1, 0x04, 0x00, 0x01]),
        alert::DECODE_ERROR,
        "huge length",
    );
    server_rejects(
        &record(22, TLS10, &[1, 0xff, 0xff, 0xff]),
        alert::DECODE_ERROR,
        "2^24-1",
    );
    // Unknown message type, HelloRequest and Finished to a fresh server.
    for typ in [
        99u8,
        hs::HELLO_REQUEST,
        hs::FINISHED,
        hs::CLIENT_KEY_EXCHANGE,
        hs::CERTIFICATE,
    ] {
        let msg = handshake_message(typ, &[0; 12]);
        server_rejects(
            &record(22, TLS10, &msg),
            alert::UNEXPECTED_MESSAGE,
            &format!("type {typ}"),
        );
    }
    // Length fields inside the hello.
    let mut truncated = handshake_message(hs::CLIENT_HELLO, &ch[..ch.len() - 1]);
    server_rejects(
        &record(22, TLS10, &truncated),
        alert::DECODE_ERROR,
        "truncated hello",
    );
    truncated = handshake_message(hs::CLIENT_HELLO, &[&ch[..], &[0]].concat());
    server_rejects(
        &record(22, TLS10, &truncated),
        alert::DECODE_ERROR,
        "trailing byte",
    );
    let mut body = ch.clone();
    body[34] = 33; // session id length 33
    body.splice(35..35, [0u8; 33]);
    let msg = handshake_message(hs::CLIENT_HELLO, &body);
    // opaque SessionID<0..32>: a longer one is a structure error.
    server_rejects(
        &record(22, TLS10, &msg),
        alert::DECODE_ERROR,
        "33-byte session id",
    );
    let mut body = ch.clone();
    body[34] = 255;
    body.splice(35..35, [0u8; 255]);
    let msg = handshake_message(hs::CLIENT_HELLO, &body);
    server_rejects(
        &record(22, TLS10, &msg),
        alert::DECODE_ERROR,
        "255-byte session id",
    );
    // Suites: empty list, odd length.
    let mut empty_suites = ch[..35].to_vec();
    empty_suites.extend([0, 0, 1, 0]);
    let msg = handshake_message(hs::CLIENT_HELLO, &empty_suites);
    server_rejects(&record(22, TLS10, &msg), alert::DECODE_ERROR, "no suites");
    let mut odd = ch[..35].to_vec();
    odd.extend([0, 3, 0, 0x2f, 0, 1, 0]);
    let msg = handshake_message(hs::CLIENT_HELLO, &odd);
    server_rejects(&record(22, TLS10, &msg), alert::DECODE_ERROR, "odd suites");
    // Compression: none offered, or only DEFLATE.
    let mut no_null = ch[..35].to_vec();
    no_null.extend([0, 2, 0, 0x2f, 1, 1]);
    let msg = handshake_message(hs::CLIENT_HELLO, &no_null);
    server_rejects(
        &record(22, TLS10, &msg),
        alert::ILLEGAL_PARAMETER,
        "DEFLATE only",
    );
    let mut no_comp = ch[..35].to_vec();
    no_comp.extend([0, 2, 0, 0x2f, 0]);
    let msg = handshake_message(hs::CLIENT_HELLO, &no_comp);
    server_rejects(
        &record(22, TLS10, &msg),
        alert::DECODE_ERROR,
        "no compression",
    );
    // Versions: SSL 2, SSL 3 (not built), and no common suite.
    server_rejects(
        &client_hello_record(0x0200, &[0x002f], &[]),
        alert::PROTOCOL_VERSION,
        "v2",
    );
    server_rejects(
        &client_hello_record(0x0300, &[0x002f], &[]),
        alert::PROTOCOL_VERSION,
        "ssl3",
    );
    server_rejects(
        &client_hello_record(TLS12, &[0x0005, 0x1234], &[]),
        alert::HANDSHAKE_FAILURE,
        "no suite",
    );
    // A TLS 1.2-only suite offered at TLS 1.0 is no common suite either.
    server_rejects(
        &client_hello_record(TLS10, &[0x009c], &[]),
        alert::HANDSHAKE_FAILURE,
        "009c at 1.0",
    );
}

#[test]
fn future_versions_negotiate_down() {
    for v in [0x0304u16, 0x03ff] {
        let mut server = Connection::new_server(server_keys());
        let got = feed(
            &mut server,
            &client_hello_record(v, &[0x002f], &[]),
            usize::MAX,
        );
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
        let out = take_out(&mut server);
        let recs = split_records(&out);
        let sh = ServerHello::parse(&recs[0].2[4..], ()).expect("ServerHello");
        assert_eq!(sh.version, TLS12, "client version {v:04x}");
    }
}

#[test]
fn record_version_must_match_after_negotiation() {
    let mut server = Connection::new_server(server_keys());
    let mut m = Script::new(true);
    feed(
        &mut server,
        &m.client_hello(TLS12, &[0x002f], &[]),
        usize::MAX,
    );
    m.absorb_server(&take_out(&mut server));
    let cke = m.key_exchange(|_| {});
    let mut recs = split_records(&cke);
    recs[0].1 = TLS10;
    let wire = record(recs[0].0, recs[0].1, &recs[0].2);
    let got = feed(&mut server, &wire, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    // ABI.md §7.3 lists illegal_parameter (3.3); RFC 5246 leaves it open; this library
    // says protocol_version.
    assert_plain_fatal(
        &mut server,
        alert::PROTOCOL_VERSION,
        "record version 3.1 after 3.3",
    );
}

#[test]
fn client_hello_split_at_every_byte_boundary() {
    let mut client = Connection::new_client(client_keys(), ClientOptions::default()).unwrap();
    let hello = take_out(&mut client);
    assert!(hello.len() > 100);
    for k in 1..hello.len() {
        let mut server = Connection::new_server(server_keys());
        let a = feed(&mut server, &hello[..k], usize::MAX);
        assert_eq!(a.rcs, vec![MATRIXSSL_REQUEST_RECV], "split {k}: first part");
        let b = feed(&mut server, &hello[k..], usize::MAX);
        assert_eq!(b.last(), MATRIXSSL_REQUEST_SEND, "split {k}: second part");
        assert!(!server.errored(), "split {k}");
        let out = take_out(&mut server);
        assert_eq!(out[0], content::HANDSHAKE, "split {k}");
        assert_eq!(out[5], hs::SERVER_HELLO, "split {k}");
    }
    // The very same hello completes a handshake when split in two at a few points.
    for k in [1, 5, 6, hello.len() / 2, hello.len() - 1] {
        let mut client = Connection::new_client(client_keys(), ClientOptions::default()).unwrap();
        let mut server = Connection::new_server(server_keys());
        let hello = take_out(&mut client);
        feed(&mut server, &hello[..k], usize::MAX);
        feed(&mut server, &hello[k..], usize::MAX);
        for _ in 0..4 {
            pump(&mut server, &mut client);
            pump(&mut client, &mut server);
        }
        assert!(
            client.handshake_complete() && server.handshake_complete(),
            "split {k}"
        );
    }
}

#[test]
fn client_hello_fragmented_into_records_at_every_boundary() {
    let mut client = Connection::new_client(client_keys(), ClientOptions::default()).unwrap();
    let hello = take_out(&mut client);
    let msg = split_records(&hello).remove(0).2;
    for k in 1..msg.len() {
        let mut wire = record(22, TLS10, &msg[..k]);
        wire.extend(record(22, TLS10, &msg[k..]));
        let mut server = Connection::new_server(server_keys());
        let got = feed(&mut server, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "fragment at {k}");
        assert!(!server.errored(), "fragment at {k}");
    }
    // One byte per record.
    let wire: Vec<u8> = msg.iter().flat_map(|b| record(22, TLS10, &[*b])).collect();
    let mut server = Connection::new_server(server_keys());
    let got = feed(&mut server, &wire, 3);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert!(!server.errored());
    // A ChangeCipherSpec between two fragments of one message is unexpected.
    let mut wire = record(22, TLS10, &msg[..10]);
    wire.extend(record(20, TLS10, &[1]));
    wire.extend(record(22, TLS10, &msg[10..]));
    server_rejects(&wire, alert::UNEXPECTED_MESSAGE, "CCS inside a message");
    // So is application data.
    let mut wire = record(22, TLS10, &msg[..10]);
    wire.extend(record(23, TLS10, b"x"));
    server_rejects(
        &wire,
        alert::UNEXPECTED_MESSAGE,
        "app data inside a message",
    );
}

/// The ends of `size`-byte records covering `len` bytes (the last one shorter).
fn fixed_size_record_ends(len: usize, size: usize) -> Vec<usize> {
    (1..=len.div_ceil(size))
        .map(|i| (i * size).min(len))
        .collect()
}

/// Records that end inside a message and also carry whole ones (the tail of one message,
/// whole messages, the head of the next): whole messages are handled straight from the
/// record, the split ones reassembled, and both kinds may share a record.
#[test]
fn server_flight_reframed_with_messages_straddling_records() {
    let stream_of = |wire: &[u8]| -> Vec<u8> {
        split_records(wire)
            .into_iter()
            .filter(|r| r.0 == content::HANDSHAKE)
            .flat_map(|r| r.2)
            .collect()
    };
    /// The record ends for a handshake stream.
    type Framing = fn(&[u8]) -> Vec<usize>;
    let framings: [Framing; 4] = [
        // Two records, cut a few bytes into the second message, or just before the last.
        |s| vec![split_messages(s)[0].len() + 3, s.len()],
        |s| vec![s.len() - 2, s.len()],
        // Fixed-size records: most hold a tail, whole messages or none, and a head.
        |s| fixed_size_record_ends(s.len(), 700),
        |s| fixed_size_record_ends(s.len(), 97),
    ];
    for (f, framing) in framings.iter().enumerate() {
        let mut client =
            Connection::new_client(client_keys(), options(0xc02f, TLS12)).expect("client");
        let mut server = Connection::new_server(server_keys());
        feed(&mut server, &take_out(&mut client), usize::MAX);
        let stream = stream_of(&take_out(&mut server));
        assert!(split_messages(&stream).len() >= 4, "framing {f}");
        let mut wire = Vec::new();
        let mut start = 0;
        for end in framing(&stream) {
            wire.extend(record(content::HANDSHAKE, TLS12, &stream[start..end]));
            start = end;
        }
        assert_eq!(start, stream.len(), "framing {f}");
        let got = feed(&mut client, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "framing {f}");
        assert!(!client.errored(), "framing {f}");
        // The client's answer completes the handshake.
        for _ in 0..4 {
            pump(&mut client, &mut server);
            pump(&mut server, &mut client);
        }
        assert!(
            client.handshake_complete() && server.handshake_complete(),
            "framing {f}"
        );
    }
}

#[test]
fn final_flights_split_at_every_byte_boundary() {
    // Resumed handshake: the client's CCS + Finished, split everywhere.
    let (client, _) = real_pair(options(0xc02f, TLS12));
    let n = &client.core.negotiated;
    let ticket = matrixssl::handshake::client::ResumeTicket::from_negotiated(n).unwrap();
    // A session-id resumption is TLS 1.2's: the resuming client stays there too.
    let resume = || ClientOptions {
        resume: Some(ticket.clone()),
        max_version: TLS12,
        ..Default::default()
    };
    let mut probe_len = 0;
    for k in 1.. {
        let mut client = Connection::new_client(client_keys(), resume()).unwrap();
        let mut server = Connection::new_server(server_keys());
        pump(&mut client, &mut server);
        pump(&mut server, &mut client);
        let last = take_out(&mut client);
        probe_len = last.len();
        if k >= last.len() {
            break;
        }
        let a = feed(&mut server, &last[..k], usize::MAX);
        assert_eq!(a.last(), MATRIXSSL_REQUEST_RECV, "resumed split {k}");
        let b = feed(&mut server, &last[k..], usize::MAX);
        assert_eq!(
            b.last(),
            MATRIXSSL_HANDSHAKE_COMPLETE,
            "resumed split {k}: {b:?}"
        );
        assert!(server.core.negotiated.resumed);
    }
    assert!(probe_len > 40);
    // Full handshake: the server's first flight to the client, at a stride of boundaries
    // (every one near the record headers and message boundaries is covered by the stride
    // of 7 plus the first 64).
    let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
    let mut server = Connection::new_server(server_keys());
    pump(&mut client, &mut server);
    let flight = take_out(&mut server);
    let cuts: Vec<usize> = (1..64).chain((64..flight.len()).step_by(7)).collect();
    for k in cuts {
        let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
        take_out(&mut client);
        let a = feed(&mut client, &flight[..k], usize::MAX);
        assert_eq!(a.last(), MATRIXSSL_REQUEST_RECV, "server flight split {k}");
        let b = feed(&mut client, &flight[k..], usize::MAX);
        // The flight was recorded for another client: its key exchange is queued all the
        // same (the mismatch only shows at Finished).
        assert_eq!(
            b.last(),
            MATRIXSSL_REQUEST_SEND,
            "server flight split {k}: {b:?}"
        );
        assert!(!client.errored(), "server flight split {k}");
    }
}

// ---- handshake order ----------------------------------------------------------------------

#[test]
fn handshake_messages_out_of_order_to_server() {
    // After the ClientHello the server expects a ClientKeyExchange.
    for (typ, body) in [
        (hs::CLIENT_HELLO, client_hello_body(TLS12, &[0x002f], &[])),
        (hs::FINISHED, vec![0; 12]),
        (hs::CERTIFICATE, vec![0, 0, 0]),
        (hs::CERTIFICATE_VERIFY, vec![4, 1, 0, 0]),
        (hs::SERVER_HELLO, vec![0; 40]),
        (hs::HELLO_REQUEST, vec![]),
    ] {
        let mut server = Connection::new_server(server_keys());
        let mut m = Script::new(true);
        feed(
            &mut server,
            &m.client_hello(TLS12, &[0x002f], &[]),
            usize::MAX,
        );
        m.absorb_server(&take_out(&mut server));
        let wire = m.send_hs(typ, &body);
        let got = feed(&mut server, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "type {typ}");
        assert_plain_fatal(
            &mut server,
            alert::UNEXPECTED_MESSAGE,
            &format!("type {typ} after hello"),
        );
    }
    // After the ClientKeyExchange: another one, or Finished without ChangeCipherSpec.
    for typ in [hs::CLIENT_KEY_EXCHANGE, hs::FINISHED] {
        let mut server = Connection::new_server(server_keys());
        let mut m = Script::new(true);
        feed(
            &mut server,
            &m.client_hello(TLS12, &[0x002f], &[]),
            usize::MAX,
        );
        m.absorb_server(&take_out(&mut server));
        let mut wire = m.key_exchange(|_| {});
        wire.extend(m.send_hs(typ, &[0; 12]));
        let got = feed(&mut server, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
        assert_plain_fatal(
            &mut server,
            alert::UNEXPECTED_MESSAGE,
            &format!("type {typ} after CKE"),
        );
    }
}

#[test]
fn change_cipher_spec_too_early_or_twice() {
    // Right after the ClientHello (no keys yet).
    let mut server = Connection::new_server(server_keys());
    let mut m = Script::new(true);
    feed(
        &mut server,
        &m.client_hello(TLS12, &[0x002f], &[]),
        usize::MAX,
    );
    m.absorb_server(&take_out(&mut server));
    let got = feed(&mut server, &record(20, TLS12, &[1]), usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert_plain_fatal(&mut server, alert::UNEXPECTED_MESSAGE, "CCS before CKE");

    // A second CCS after the first (encrypted under the new keys).
    let mut server = Connection::new_server(server_keys());
    let mut m = Script::new(true);
    feed(
        &mut server,
        &m.client_hello(TLS12, &[0x002f], &[]),
        usize::MAX,
    );
    m.absorb_server(&take_out(&mut server));
    let mut wire = m.key_exchange(|_| {});
    m.install_keys();
    wire.extend(m.seal(content::CHANGE_CIPHER_SPEC, &[1]));
    m.rl.activate_write().unwrap();
    wire.extend(m.seal(content::CHANGE_CIPHER_SPEC, &[1]));
    let got = feed(&mut server, &wire, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert_plain_fatal(&mut server, alert::UNEXPECTED_MESSAGE, "second CCS");

    // Client side: a CCS right after the ServerHello of a full handshake.
    let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
    let mut t = Script::new(false);
    t.absorb_client_hello(&take_out(&mut client));
    let flight = t.server_flight(TLS12, 0x002f, &[(ext::RENEGOTIATION_INFO, vec![0])]);
    let sh = split_records(&flight).remove(0);
    let mut wire = record(sh.0, sh.1, &sh.2[..split_messages(&sh.2)[0].len()]);
    wire.extend(record(20, TLS12, &[1]));
    let got = feed(&mut client, &wire, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert_plain_fatal(
        &mut client,
        alert::UNEXPECTED_MESSAGE,
        "client: CCS after ServerHello",
    );
}

#[test]
fn server_flight_out_of_order_to_client() {
    // Record a real server flight and rearrange its messages.
    let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
    let mut server = Connection::new_server(server_keys());
    let hello = take_out(&mut client);
    feed(&mut server, &hello, usize::MAX);
    let flight = take_out(&mut server);
    let stream: Vec<u8> = split_records(&flight)
        .into_iter()
        .flat_map(|r| r.2)
        .collect();
    let m = split_messages(&stream);
    assert_eq!(
        m.iter().map(|x| x[0]).collect::<Vec<_>>(),
        vec![hs::SERVER_HELLO, hs::CERTIFICATE, hs::SERVER_HELLO_DONE]
    );
    let server_key_exchange = handshake_message(hs::SERVER_KEY_EXCHANGE, &[3, 0, 23, 65]);
    let finished = handshake_message(hs::FINISHED, &[0; 12]);
    let cases: Vec<(&str, Vec<&[u8]>)> = vec![
        ("ServerHelloDone first", vec![&m[2]]),
        ("Certificate first", vec![&m[1]]),
        ("no Certificate", vec![&m[0], &m[2]]),
        ("two ServerHellos", vec![&m[0], &m[0]]),
        ("Certificate twice", vec![&m[0], &m[1], &m[1]]),
        (
            "ServerKeyExchange in an RSA suite",
            vec![&m[0], &m[1], &server_key_exchange],
        ),
        (
            "Finished in place of ServerHelloDone",
            vec![&m[0], &m[1], &finished],
        ),
    ];
    for (what, msgs) in cases {
        let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
        take_out(&mut client);
        let wire = record(22, TLS12, &msgs.concat());
        let got = feed(&mut client, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}: {got:?}");
        assert_plain_fatal(&mut client, alert::UNEXPECTED_MESSAGE, what);
    }
    // A HelloRequest in the middle of the handshake is ignored (RFC 5246 §7.4.1.1).
    let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
    take_out(&mut client);
    let mut wire = record(22, TLS12, &[0, 0, 0, 0]);
    wire.extend_from_slice(&flight);
    let got = feed(&mut client, &wire, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert!(!client.errored(), "HelloRequest during the handshake");
    // ...but one with a body is a decode error.
    let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
    take_out(&mut client);
    let got = feed(
        &mut client,
        &record(22, TLS12, &[0, 0, 0, 1, 0]),
        usize::MAX,
    );
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert_plain_fatal(&mut client, alert::DECODE_ERROR, "HelloRequest with a body");
}

/// A server flight for `suite` (TLS 1.2) from a real server holding RSA, ECDSA and PSK
/// credentials, with a CertificateRequest put in front of its ServerHelloDone.
fn flight_with_certificate_request(suite: u16) -> (Connection, Vec<u8>) {
    let psk_keys = || {
        let mut k = Keys::default();
        k.add_psk(b"0123456789abcdef0123456789abcdef", b"client-one")
            .unwrap();
        k
    };
    let mut ck = psk_keys();
    ck.load_rsa_files(None, None, None, Some(&path("mixed-ca-bundle.pem")))
        .unwrap();
    let mut sk = psk_keys();
    sk.load_rsa_files(
        Some(&path("server-chain.pem")),
        Some(&path("server.key")),
        None,
        None,
    )
    .unwrap();
    let mut client = Connection::new_client(Arc::new(ck), options(suite, TLS12)).unwrap();
    let mut server = Connection::new_server(Arc::new(sk));
    feed(&mut server, &take_out(&mut client), usize::MAX);
    let stream: Vec<u8> = split_records(&take_out(&mut server))
        .into_iter()
        .flat_map(|r| r.2)
        .collect();
    let mut m = split_messages(&stream);
    assert_eq!(m.last().map(|x| x[0]), Some(hs::SERVER_HELLO_DONE));
    // rsa_sign; rsa_pkcs1_sha256; no CA names.
    let request = handshake_message(hs::CERTIFICATE_REQUEST, &[1, 1, 0, 2, 4, 1, 0, 0]);
    m.insert(m.len() - 1, request);
    (client, record(22, TLS12, &m.concat()))
}

#[test]
fn certificate_request_without_server_certificate_is_refused() {
    let mut suites = vec![0x008c, 0x00a8, 0x0090];
    if cfg!(feature = "anon-suites") {
        suites.push(0x0034);
    }
    for suite in suites {
        let (mut client, wire) = flight_with_certificate_request(suite);
        let got = feed(&mut client, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{suite:04x}: {got:?}");
        // Nothing but the alert is queued: the request is not answered with a Certificate.
        assert_eq!(split_records(client.outdata()).len(), 1, "{suite:04x}");
        assert_plain_fatal(
            &mut client,
            alert::UNEXPECTED_MESSAGE,
            &format!("{suite:04x}"),
        );
    }
    // The same request in a certificate suite is answered (with an empty Certificate here).
    let (mut client, wire) = flight_with_certificate_request(0x002f);
    let got = feed(&mut client, &wire, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{got:?}");
    assert!(!client.errored());
    let first = split_records(client.outdata()).remove(0);
    assert_eq!((first.0, first.2[0]), (content::HANDSHAKE, hs::CERTIFICATE));
}

// ---- extensions ------------------------------------------------------------------------------

#[test]
fn duplicate_and_unknown_extensions_in_client_hello() {
    let ems = (ext::EXTENDED_MASTER_SECRET, Vec::new());
    server_rejects(
        &client_hello_record(TLS12, &[0x002f], &[ems.clone(), ems.clone()]),
        alert::DECODE_ERROR,
        "duplicate extended_master_secret",
    );
    server_rejects(
        &client_hello_record(
            TLS12,
            &[0x002f],
            &[(0x7777, vec![1]), ems.clone(), (0x7777, vec![])],
        ),
        alert::DECODE_ERROR,
        "duplicate unknown extension",
    );
    server_rejects(
        &client_hello_record(TLS12, &[0x002f], &[(ext::EXTENDED_MASTER_SECRET, vec![0])]),
        alert::DECODE_ERROR,
        "extended_master_secret with a body",
    );
    server_rejects(
        &client_hello_record(TLS12, &[0x002f], &[(ext::RENEGOTIATION_INFO, vec![1, 0])]),
        alert::HANDSHAKE_FAILURE,
        "initial renegotiation_info not empty",
    );
    server_rejects(
        &client_hello_record(TLS12, &[0xc02f], &[(10, vec![0, 3, 0, 23, 0])]),
        alert::DECODE_ERROR,
        "supported_groups of odd length",
    );
    // RFC 8422 §5.1.2: ec_point_format_list<1..2^8-1>; a client naming its curves must
    // take uncompressed points.
    server_rejects(
        &client_hello_record(TLS12, &[0xc02f], &[(11, vec![0])]),
        alert::DECODE_ERROR,
        "empty ec_point_formats",
    );
    server_rejects(
        &client_hello_record(
            TLS12,
            &[0xc02f, 0x002f],
            &[(10, vec![0, 2, 0, 23]), (11, vec![1, 1])],
        ),
        alert::ILLEGAL_PARAMETER,
        "ec_point_formats without uncompressed",
    );
    // An extension block whose length overruns the message.
    let mut body = client_hello_body(TLS12, &[0x002f], &[(0x7777, vec![1, 2, 3])]);
    let n = body.len();
    body[n - 5] = 0xff; // that extension's length
    let msg = handshake_message(hs::CLIENT_HELLO, &body);
    server_rejects(
        &record(22, TLS10, &msg),
        alert::DECODE_ERROR,
        "extension overruns",
    );

    // Unknown extensions (GREASE values, private types, server_name) are ignored and the
    // handshake completes.
    let mut exts: Vec<(u16, Vec<u8>)> = (0..16u16).map(|i| (0x0a0a + 0x1010 * i, vec![])).collect();
    exts.push((0, b"\x00\x0c\x00\x00\x09localhost".to_vec()));
    exts.push((0xfe0d, vec![9; 300]));
    exts.push((35, vec![])); // session_ticket: not implemented, ignored
    let mut server = Connection::new_server(server_keys());
    let mut m = Script::new(true);
    let hello = m.client_hello(TLS12, &[0x002f, 0x00ff], &exts);
    feed(&mut server, &hello, usize::MAX);
    let r = m.absorb_server(&take_out(&mut server));
    assert!(r.alerts.is_empty());
    let mut wire = m.key_exchange(|_| {});
    wire.extend(m.finish(|_| {}));
    let got = feed(&mut server, &wire, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    let r = m.absorb_server(&take_out(&mut server));
    assert_eq!(r.ccs, 1);
    assert!(server.handshake_complete());
}

#[test]
fn malformed_server_name_in_client_hello() {
    /// A server_name extension body listing `entries` (name type, name).
    fn sni(entries: &[(u8, &[u8])]) -> Vec<u8> {
        let mut list = Vec::new();
        for (name_type, name) in entries {
            list.push(*name_type);
            list.extend_from_slice(&(name.len() as u16).to_be_bytes());
            list.extend_from_slice(name);
        }
        [&(list.len() as u16).to_be_bytes()[..], &list].concat()
    }
    // RFC 6066 §3: ServerName server_name_list<1..2^16-1>, HostName<1..2^16-1>.
    let decode_errors: [(&str, Vec<u8>); 5] = [
        ("empty extension", vec![]),
        ("empty name list", vec![0, 0]),
        ("empty host_name", sni(&[(0, b"")])),
        ("trailing byte", [sni(&[(0, b"e")]), vec![b'x']].concat()),
        ("list length overruns", vec![0xff; 4]),
    ];
    // Well formed, against RFC 6066's content rules: one name per type, ASCII host names.
    let illegal: [(&str, Vec<u8>); 5] = [
        (
            "two host_names",
            sni(&[(0, b"localhost"), (0, b"www.localhost")]),
        ),
        ("NUL in host_name", sni(&[(0, b"localhos\0t")])),
        ("BEL in host_name", sni(&[(0, b"localhos\x07t")])),
        (
            "UTF-8 in host_name",
            sni(&[(0, "localhos\u{105}t".as_bytes())]),
        ),
        ("escape in host_name", sni(&[(0, b"localhost\x1b[31m")])),
    ];
    // The check precedes version negotiation: a hello offering TLS 1.3 gets the same alert.
    let tls13_offer = (ext::SUPPORTED_VERSIONS, vec![2, 3, 4]);
    for (alert, cases) in [
        (alert::DECODE_ERROR, &decode_errors),
        (alert::ILLEGAL_PARAMETER, &illegal),
    ] {
        for (what, body) in cases {
            for extra in [None, Some(tls13_offer.clone())] {
                let mut exts = vec![(ext::SERVER_NAME, body.clone())];
                exts.extend(extra.clone());
                server_rejects(
                    &client_hello_record(TLS12, &[0x002f, 0x1301], &exts),
                    alert,
                    &format!("server_name: {what}, TLS 1.3 offered: {}", extra.is_some()),
                );
            }
        }
    }
    // A name we do not serve, and a name type other than host_name next to it, are
    // accepted (RFC 6066 lets the server go on without an alert).
    for body in [
        sni(&[(0, b"www.example.com")]),
        sni(&[(0, b"a.example"), (1, b"x")]),
    ] {
        let mut server = Connection::new_server(server_keys());
        let mut m = Script::new(true);
        let hello = m.client_hello(TLS12, &[0x002f, 0x00ff], &[(ext::SERVER_NAME, body)]);
        feed(&mut server, &hello, usize::MAX);
        let r = m.absorb_server(&take_out(&mut server));
        assert!(r.alerts.is_empty(), "{:?}", r.alerts);
        assert!(!server.errored());
    }
}

#[test]
fn bad_extensions_in_server_hello() {
    let reneg = (ext::RENEGOTIATION_INFO, vec![0]);
    let cases: Vec<(&str, Extensions, u8)> = vec![
        (
            "unsolicited unknown extension",
            vec![reneg.clone(), (0x7777, vec![])],
            alert::UNSUPPORTED_EXTENSION,
        ),
        (
            "unsolicited server_name",
            vec![(0, vec![])],
            alert::UNSUPPORTED_EXTENSION,
        ),
        (
            "duplicate renegotiation_info",
            vec![reneg.clone(), reneg.clone()],
            alert::DECODE_ERROR,
        ),
        (
            "renegotiation_info not empty",
            vec![(ext::RENEGOTIATION_INFO, vec![1, 7])],
            alert::HANDSHAKE_FAILURE,
        ),
        (
            "extended_master_secret with a body",
            vec![(ext::EXTENDED_MASTER_SECRET, vec![0])],
            alert::DECODE_ERROR,
        ),
    ];
    for (what, exts, desc) in cases {
        let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
        let mut t = Script::new(false);
        t.absorb_client_hello(&take_out(&mut client));
        let flight = t.server_flight(TLS12, 0x002f, &exts);
        let got = feed(&mut client, &flight, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}");
        assert_plain_fatal(&mut client, desc, what);
    }
    // ServerHello fields: a suite not offered, a compression method, versions.
    let cases: Vec<(&str, u16, u16, u8)> = vec![
        ("suite not offered", TLS12, 0x0035, alert::ILLEGAL_PARAMETER),
        ("unknown suite", TLS12, 0x1234, alert::ILLEGAL_PARAMETER),
        ("TLS 1.3 version", 0x0304, 0x002f, alert::PROTOCOL_VERSION),
        ("SSL 3.0 version", 0x0300, 0x002f, alert::PROTOCOL_VERSION),
    ];
    for (what, version, suite, desc) in cases {
        let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
        let mut t = Script::new(false);
        t.absorb_client_hello(&take_out(&mut client));
        let flight = t.server_flight(version, suite, &[]);
        let got = feed(&mut client, &flight, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}");
        assert_plain_fatal(&mut client, desc, what);
    }
    // Certificates: none, and garbage.
    for (what, list, desc) in [
        ("empty Certificate", vec![0u8, 0, 0], alert::BAD_CERTIFICATE),
        (
            "garbage certificate",
            vec![0, 0, 6, 0, 0, 3, 0x30, 1, 0],
            alert::BAD_CERTIFICATE,
        ),
        (
            "bad certificate list length",
            vec![0, 0, 9, 0, 0, 3, 0x30, 1, 0],
            alert::DECODE_ERROR,
        ),
    ] {
        let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
        let mut t = Script::new(false);
        t.absorb_client_hello(&take_out(&mut client));
        t.suite = suites::by_id(0x002f);
        t.rl.write_version = TLS12;
        let body = msgs::encode_server_hello(TLS12, &[1; 32], &[], 0x002f, &[]).unwrap();
        let mut wire = t.send_hs(hs::SERVER_HELLO, &body);
        wire.extend(t.send_hs(hs::CERTIFICATE, &list));
        let got = feed(&mut client, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}");
        assert_plain_fatal(&mut client, desc, what);
    }
}

// ---- Finished --------------------------------------------------------------------------------

#[test]
fn bad_finished_from_client() {
    for (what, tamper, desc) in [
        (
            "flipped verify_data",
            Box::new(|v: &mut Vec<u8>| v[0] ^= 1) as Box<dyn Fn(&mut Vec<u8>)>,
            alert::DECRYPT_ERROR,
        ),
        (
            "long verify_data",
            Box::new(|v: &mut Vec<u8>| v.push(0)),
            alert::DECODE_ERROR,
        ),
        (
            "empty verify_data",
            Box::new(|v: &mut Vec<u8>| v.clear()),
            alert::DECODE_ERROR,
        ),
    ] {
        let mut server = Connection::new_server(server_keys());
        let mut m = Script::new(true);
        feed(
            &mut server,
            &m.client_hello(TLS12, &[0x009c], &[]),
            usize::MAX,
        );
        m.absorb_server(&take_out(&mut server));
        let mut wire = m.key_exchange(|_| {});
        wire.extend(m.finish(|v| tamper(v)));
        let got = feed(&mut server, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}");
        // The server has not sent its CCS yet: its alert is plaintext.
        assert_plain_fatal(&mut server, desc, what);
    }
}

#[test]
fn bad_finished_from_server() {
    let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
    let mut t = Script::serve_until_finished(&mut client, &[(ext::RENEGOTIATION_INFO, vec![0])]);
    let wire = t.finish(|v| v[11] ^= 0x80);
    let got = feed(&mut client, &wire, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert!(client.errored() && !client.handshake_complete());
    // The client's write keys are on: the alert is encrypted; read it with ours.
    let r = t.read(&take_out(&mut client));
    assert_eq!(r.alerts, vec![[2, alert::DECRYPT_ERROR]]);
}

#[test]
fn scripted_server_handshake_completes() {
    // Control for the two tests above and below: an untampered scripted server works.
    let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
    let mut t = Script::serve_until_finished(&mut client, &[(ext::RENEGOTIATION_INFO, vec![0])]);
    let wire = t.finish(|_| {});
    let got = feed(&mut client, &wire, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_HANDSHAKE_COMPLETE, "{got:?}");
    assert!(client.core.negotiated.secure_renegotiation);
}

// ---- resumption and the extended master secret (RFC 7627 §5.3) ---------------------------

#[test]
fn client_aborts_a_resumption_that_changes_the_master_secret_derivation() {
    // (session used EMS, ServerHello has EMS, expected alert): a mismatch either way is
    // handshake_failure; a match resumes.
    let cases = [
        (true, false, Some(alert::HANDSHAKE_FAILURE)),
        (false, true, Some(alert::HANDSHAKE_FAILURE)),
        (true, true, None),
        (false, false, None),
    ];
    for (session_ems, hello_ems, desc) in cases {
        let what = format!("session EMS {session_ems}, ServerHello EMS {hello_ems}");
        let ticket = matrixssl::handshake::client::ResumeTicket {
            id: [0x33; 32],
            master_secret: [0x5c; 48].into(),
            suite: 0x002f,
            version: TLS12,
            extended_master_secret: session_ems,
            auth: matrixssl::handshake::AuthContext::new(&client_keys()),
            tls13: None,
        };
        let options = ClientOptions {
            resume: Some(ticket),
            ..Default::default()
        };
        let mut client = Connection::new_client(client_keys(), options).unwrap();
        let mut t = Script::new(false);
        t.absorb_client_hello(&take_out(&mut client));
        t.version = TLS12;
        t.suite = suites::by_id(0x002f);
        t.rl.write_version = TLS12;
        let mut exts = vec![(ext::RENEGOTIATION_INFO, vec![0])];
        if hello_ems {
            exts.push((ext::EXTENDED_MASTER_SECRET, Vec::new()));
        }
        let hello = msgs::encode_server_hello(
            TLS12,
            &t.server_random,
            &[0x33; 32],
            0x002f,
            &typed_exts(&exts),
        )
        .unwrap();
        let mut wire = t.send_hs(hs::SERVER_HELLO, &hello);
        t.master = [0x5c; 48];
        wire.extend(t.finish(|_| {}));
        let got = feed(&mut client, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}: {got:?}");
        match desc {
            Some(desc) => assert_plain_fatal(&mut client, desc, &what),
            None => {
                assert!(!client.errored(), "{what}");
                assert!(client.handshake_complete(), "{what}");
                assert!(client.core.negotiated.resumed, "{what}");
            }
        }
    }
}

/// A ClientHello record offering to resume `id` with suite 0x002f, with or without the
/// extended_master_secret extension.
fn resuming_hello(id: &[u8; 32], ems: bool) -> Vec<u8> {
    let exts: Extensions = if ems {
        vec![(ext::EXTENDED_MASTER_SECRET, Vec::new())]
    } else {
        Vec::new()
    };
    let body =
        msgs::encode_client_hello(TLS12, &[7; 32], id, &[0x002f, 0x00ff], &typed_exts(&exts))
            .unwrap();
    record(22, TLS10, &handshake_message(hs::CLIENT_HELLO, &body))
}

/// Puts a TLS 1.2 session with suite 0x002f in the server cache of `config` (a fatal alert
/// removes an entry, so each check re-inserts its own right before use).
fn cache_session(config: &Config, id: [u8; 32], ems: bool) {
    let session = matrixssl::session_cache::CachedSession {
        id,
        master_secret: [0x6d; 48].into(),
        suite: 0x002f,
        version: TLS12,
        extended_master_secret: ems,
        auth: matrixssl::handshake::AuthContext::new(&server_keys()),
    };
    config.server_cache.insert(session, config.now());
}

/// The ServerHello the server answered with, and whether a Certificate followed it.
fn server_answer(server: &mut Connection) -> (Vec<u8>, bool, bool) {
    let out = take_out(server);
    let stream: Vec<u8> = split_records(&out)
        .into_iter()
        .take_while(|r| r.0 == content::HANDSHAKE)
        .flat_map(|r| r.2)
        .collect();
    let messages = split_messages(&stream);
    let sh = ServerHello::parse(&messages[0][4..], ()).expect("ServerHello");
    let ems = msgs::find_ext(&sh.extensions, ExtensionType::EXTENDED_MASTER_SECRET).is_some();
    let certificate = messages.iter().any(|m| m[0] == hs::CERTIFICATE);
    (sh.session_id.to_vec(), ems, certificate)
}

#[test]
fn server_keeps_the_master_secret_derivation_of_resumed_sessions() {
    // A cache of its own: no other test's handshake can evict these sessions.
    let config = Config::new();
    // Session with EMS, hello without: abort (handshake_failure).
    let id = [0x5e; 32];
    cache_session(&config, id, true);
    let mut server = Connection::new_server_with(config.clone(), server_keys());
    let got = feed(&mut server, &resuming_hello(&id, false), usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{got:?}");
    assert_plain_fatal(
        &mut server,
        alert::HANDSHAKE_FAILURE,
        "EMS session, hello without EMS",
    );
    // Session with EMS, hello with it: resumed.
    cache_session(&config, id, true);
    let mut server = Connection::new_server_with(config.clone(), server_keys());
    feed(&mut server, &resuming_hello(&id, true), usize::MAX);
    assert!(!server.errored());
    assert_eq!(server_answer(&mut server), (id.to_vec(), true, false));

    // Session without EMS, hello with it: a full handshake with a new session, using EMS.
    let id = [0x5f; 32];
    cache_session(&config, id, false);
    let mut server = Connection::new_server_with(config.clone(), server_keys());
    feed(&mut server, &resuming_hello(&id, true), usize::MAX);
    assert!(!server.errored());
    let (new_id, ems, certificate) = server_answer(&mut server);
    assert!(new_id != id && ems && certificate);
    // Session without EMS, hello without: legacy resumption is still allowed.
    cache_session(&config, id, false);
    let mut server = Connection::new_server_with(config.clone(), server_keys());
    feed(&mut server, &resuming_hello(&id, false), usize::MAX);
    assert!(!server.errored());
    assert_eq!(server_answer(&mut server), (id.to_vec(), false, false));
}

/// The server's first flight to `hello`: the suite it chose and the DH prime of its
/// ServerKeyExchange (empty for a suite without one).
fn dhe_answer(hello: &[u8]) -> (u16, Vec<u8>) {
    let mut server = Connection::new_server(server_keys());
    let got = feed(&mut server, hello, usize::MAX);
    assert!(!server.errored(), "{got:?}");
    let out = take_out(&mut server);
    let stream: Vec<u8> = split_records(&out).into_iter().flat_map(|r| r.2).collect();
    let messages = split_messages(&stream);
    let sh = ServerHello::parse(&messages[0][4..], ()).expect("ServerHello");
    let p = messages
        .iter()
        .find(|m| m[0] == hs::SERVER_KEY_EXCHANGE)
        .map(|m| {
            let len = usize::from(u16::from_be_bytes([m[4], m[5]]));
            m[6..6 + len].to_vec()
        })
        .unwrap_or_default();
    (sh.suite, p)
}

/// supported_groups listing `groups`.
fn groups_ext(groups: &[u16]) -> (u16, Vec<u8>) {
    let list: Vec<u8> = groups.iter().flat_map(|g| g.to_be_bytes()).collect();
    let mut body = (list.len() as u16).to_be_bytes().to_vec();
    body.extend_from_slice(&list);
    (10, body)
}

#[test]
#[cfg(feature = "ffdhe-large-groups")]
fn dhe_group_comes_from_the_clients_ffdhe_groups() {
    use matrixssl::crypto::dh::DhGroup;
    const DHE_GCM: u16 = 0x009e;
    const RSA_CBC: u16 = 0x002f;
    const FFDHE3072: u16 = 257;
    const UNKNOWN_FFDHE: u16 = 0x01ff;
    const SECP256R1: u16 = 23;
    let hello =
        |suites: &[u16], groups: &[u16]| client_hello_record(TLS12, suites, &[groups_ext(groups)]);
    let p2048 = DhGroup::ffdhe2048().p_be().to_vec();
    // RFC 7919 §4: a client naming FFDHE groups gets one of them, not the server's default.
    assert_eq!(
        dhe_answer(&hello(&[DHE_GCM], &[UNKNOWN_FFDHE, FFDHE3072])),
        (DHE_GCM, DhGroup::ffdhe(FFDHE3072).unwrap().p_be().to_vec())
    );
    // Our group among the client's: kept.
    assert_eq!(
        dhe_answer(&hello(&[DHE_GCM], &[FFDHE3072, 256])),
        (DHE_GCM, p2048.clone())
    );
    // A client naming no FFDHE group takes any group: the server's.
    assert_eq!(
        dhe_answer(&hello(&[DHE_GCM], &[SECP256R1])),
        (DHE_GCM, p2048.clone())
    );
    // None of its FFDHE groups known: no DHE suite, another offered suite instead ...
    assert_eq!(
        dhe_answer(&hello(&[DHE_GCM, RSA_CBC], &[UNKNOWN_FFDHE, SECP256R1])),
        (RSA_CBC, Vec::new())
    );
    // ... or, with DHE suites only, insufficient_security.
    server_rejects(
        &hello(&[DHE_GCM], &[UNKNOWN_FFDHE]),
        alert::INSUFFICIENT_SECURITY,
        "only unknown FFDHE groups",
    );
    // No suite in common for another reason is still handshake_failure.
    server_rejects(
        &hello(&[0x0005], &[UNKNOWN_FFDHE]),
        alert::HANDSHAKE_FAILURE,
        "no common suite",
    );
}

// ---- renegotiation -----------------------------------------------------------------------

#[test]
fn renegotiation_without_rfc5746_is_refused() {
    // Server side: the scripted client never signalled RFC 5746, then asks to renegotiate.
    let mut server = Connection::new_server(server_keys());
    let mut m = Script::handshake_with(&mut server, 0x002f, TLS12);
    assert!(!server.core.negotiated.secure_renegotiation);
    let hello = m.client_hello(TLS12, &[0x002f], &[]);
    let got = feed(&mut server, &hello, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert!(server.errored());
    let r = m.read(&take_out(&mut server));
    assert_eq!(r.alerts, vec![[2, alert::HANDSHAKE_FAILURE]]);
    assert!(server.encode_rehandshake(None, false, 0) < 0);

    // Client side: the scripted server sent no renegotiation_info; its HelloRequest is
    // declined with a no_renegotiation warning and the connection stays usable.
    let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
    let mut t = Script::serve_until_finished(&mut client, &[]);
    let fin = t.finish(|_| {});
    assert_eq!(
        feed(&mut client, &fin, usize::MAX).last(),
        MATRIXSSL_HANDSHAKE_COMPLETE
    );
    assert!(!client.core.negotiated.secure_renegotiation);
    assert_eq!(client.encode_rehandshake(None, false, 0), MATRIXSSL_ERROR);
    let hello_request = t.seal(content::HANDSHAKE, &[0, 0, 0, 0]);
    let got = feed(&mut client, &hello_request, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert!(!client.errored());
    let r = t.read(&take_out(&mut client));
    assert_eq!(r.alerts, vec![[1, alert::NO_RENEGOTIATION]]);
    let data = t.seal(content::APPLICATION_DATA, b"still there");
    let got = feed(&mut client, &data, usize::MAX);
    assert_eq!(got.app, b"still there");
}

#[test]
fn renegotiation_with_wrong_binding_is_refused() {
    // Secure initial handshake, then a renegotiating ClientHello that carries the SCSV,
    // omits renegotiation_info, or carries the wrong verify_data.
    for case in 0..3 {
        let mut server = Connection::new_server(server_keys());
        let mut m = Script::new(true);
        let hello = m.client_hello(TLS12, &[0x002f, 0x00ff], &[]);
        feed(&mut server, &hello, usize::MAX);
        m.absorb_server(&take_out(&mut server));
        let mut wire = m.key_exchange(|_| {});
        wire.extend(m.finish(|_| {}));
        feed(&mut server, &wire, usize::MAX);
        m.absorb_server(&take_out(&mut server));
        assert!(server.core.negotiated.secure_renegotiation);
        let client_verify = server.core.negotiated.client_verify_data.clone();
        let (suites, exts): (Vec<u16>, Vec<(u16, Vec<u8>)>) = match case {
            0 => (
                vec![0x002f, 0x00ff],
                vec![(
                    ext::RENEGOTIATION_INFO,
                    msgs::renegotiation_info_body(&client_verify).unwrap(),
                )],
            ),
            1 => (vec![0x002f], vec![]),
            _ => (
                vec![0x002f],
                vec![(
                    ext::RENEGOTIATION_INFO,
                    msgs::renegotiation_info_body(&[0u8; 12]).unwrap(),
                )],
            ),
        };
        let hello = m.client_hello(TLS12, &suites, &exts);
        let got = feed(&mut server, &hello, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "case {case}");
        let r = m.read(&take_out(&mut server));
        assert_eq!(r.alerts, vec![[2, alert::HANDSHAKE_FAILURE]], "case {case}");
    }
}

// ---- huge hellos ---------------------------------------------------------------------------

#[test]
fn client_hello_with_thousands_of_suites_and_extensions() {
    // 32766 suites (the most a ClientHello can carry) with the only one we know last.
    let mut suites: Vec<u16> = (0..32765u16).map(|i| 0x5700 + i).collect();
    suites.retain(|s| suites::by_id(*s).is_none() && *s != 0x5600 && *s != 0x00ff);
    suites.truncate(32765);
    suites.push(0x002f);
    let keys = server_keys();
    let t0 = Instant::now();
    let mut server = Connection::new_server(keys.clone());
    let mut m = Script::new(true);
    let hello = m.client_hello(TLS12, &suites, &[]);
    assert!(hello.len() > 65_000);
    let got = feed(&mut server, &hello, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    m.absorb_server(&take_out(&mut server));
    assert_eq!(m.suite.map(|s| s.id), Some(0x002f));
    let mut wire = m.key_exchange(|_| {});
    wire.extend(m.finish(|_| {}));
    feed(&mut server, &wire, usize::MAX);
    assert!(server.handshake_complete());
    let elapsed = t0.elapsed();
    eprintln!("32766 suites: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");

    // The most distinct empty extensions that fit (16382) with a few suites.
    let exts: Vec<(u16, Vec<u8>)> = (0..16_382u16)
        .map(|i| 0x1000 + i)
        .filter(|t| ![0xff01u16, 23, 13, 10, 11].contains(t))
        .map(|t| (t, Vec::new()))
        .collect();
    let t0 = Instant::now();
    let mut server = Connection::new_server(keys);
    let hello = client_hello_record_fragmented(TLS12, &[0x002f], &exts);
    let got = feed(&mut server, &hello, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert!(!server.errored());
    let elapsed = t0.elapsed();
    eprintln!("{} extensions: {elapsed:?}", exts.len());
    // Generous bound (debug builds are slow); the point is that it finishes.
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");

    // The same with one duplicate at the very end is a decode error.
    let mut dup = exts.clone();
    dup.pop();
    dup.push(dup[0].clone());
    server_rejects(
        &client_hello_record_fragmented(TLS12, &[0x002f], &dup),
        alert::DECODE_ERROR,
        "late duplicate",
    );
}

/// A ClientHello of any size, fragmented into 16 KiB records.
fn client_hello_record_fragmented(
    version: u16,
    suites: &[u16],
    exts: &[(u16, Vec<u8>)],
) -> Vec<u8> {
    let msg = handshake_message(hs::CLIENT_HELLO, &client_hello_body(version, suites, exts));
    msg.chunks(16384)
        .flat_map(|c| record(22, TLS10, c))
        .collect()
}

// ---- alerts at every point ------------------------------------------------------------------

/// Stages of a full RSA handshake from the scripted client's side.
const STAGES: [&str; 5] = [
    "before ClientHello",
    "after ClientHello",
    "after ClientKeyExchange",
    "after ChangeCipherSpec",
    "after Finished",
];

/// Runs the scripted client up to `stage` and then sends `alert` (sealed under whatever
/// keys are on). Returns the server, the script and what the server reported.
fn alert_at(stage: usize, level: u8, desc: u8) -> (Connection, Script, Got) {
    let mut server = Connection::new_server(server_keys());
    let mut m = Script::new(true);
    if stage >= 1 {
        feed(
            &mut server,
            &m.client_hello(TLS12, &[0x002f, 0x00ff], &[]),
            usize::MAX,
        );
        m.absorb_server(&take_out(&mut server));
    }
    if stage >= 2 {
        let cke = m.key_exchange(|_| {});
        assert_eq!(
            feed(&mut server, &cke, usize::MAX).last(),
            MATRIXSSL_REQUEST_RECV
        );
    }
    if stage >= 3 {
        m.install_keys();
        let ccs = m.seal(content::CHANGE_CIPHER_SPEC, &[1]);
        m.rl.activate_write().unwrap();
        assert_eq!(
            feed(&mut server, &ccs, usize::MAX).last(),
            MATRIXSSL_REQUEST_RECV
        );
    }
    if stage >= 4 {
        let verify = m.ks().verify_data(&m.master, true, &m.transcript);
        let fin = m.send_hs(hs::FINISHED, &verify);
        assert_eq!(
            feed(&mut server, &fin, usize::MAX).last(),
            MATRIXSSL_REQUEST_SEND
        );
        m.absorb_server(&take_out(&mut server));
        assert!(server.handshake_complete());
    }
    let got = feed(
        &mut server,
        &m.seal(content::ALERT, &[level, desc]),
        usize::MAX,
    );
    (server, m, got)
}

#[test]
fn fatal_alerts_at_every_point_to_server() {
    for (stage, name) in STAGES.iter().enumerate() {
        for desc in [alert::HANDSHAKE_FAILURE, alert::INTERNAL_ERROR, 255] {
            let (mut server, mut m, got) = alert_at(stage, alert::LEVEL_FATAL, desc);
            assert_eq!(got.alerts, vec![[2, desc]], "{name}");
            assert!(server.errored(), "{name}");
            assert!(
                server.outdata().is_empty(),
                "{name}: nothing is answered to a fatal alert"
            );
            // Nothing more is accepted, the session cannot send, and deleting it is fine.
            let more = m.seal(content::ALERT, &[1, 0]);
            assert_eq!(
                feed(&mut server, &more, usize::MAX).last(),
                PS_PROTOCOL_FAIL,
                "{name}"
            );
            assert!(server.encode_to_outdata(b"x") < 0, "{name}");
            assert_eq!(server.encode_closure_alert(), MATRIXSSL_ERROR, "{name}");
        }
    }
}

#[test]
fn warning_alerts_at_every_point_to_server() {
    // A warning other than close_notify changes nothing: the handshake goes on.
    for (stage, name) in STAGES.iter().enumerate() {
        let (mut server, mut m, got) = alert_at(stage, alert::LEVEL_WARNING, 90);
        assert_eq!(got.alerts, vec![[1, 90]], "{name}");
        assert!(!server.errored(), "{name}");
        if stage == 0 {
            feed(
                &mut server,
                &m.client_hello(TLS12, &[0x002f], &[]),
                usize::MAX,
            );
            m.absorb_server(&take_out(&mut server));
        }
        if stage <= 1 {
            let cke = m.key_exchange(|_| {});
            feed(&mut server, &cke, usize::MAX);
        }
        if stage <= 2 {
            m.install_keys();
            let ccs = m.seal(content::CHANGE_CIPHER_SPEC, &[1]);
            m.rl.activate_write().unwrap();
            feed(&mut server, &ccs, usize::MAX);
        }
        if stage <= 3 {
            let verify = m.ks().verify_data(&m.master, true, &m.transcript);
            let fin = m.send_hs(hs::FINISHED, &verify);
            assert_eq!(
                feed(&mut server, &fin, usize::MAX).last(),
                MATRIXSSL_REQUEST_SEND,
                "{name}"
            );
            m.absorb_server(&take_out(&mut server));
        }
        assert!(server.handshake_complete(), "{name}");
        let data = m.seal(content::APPLICATION_DATA, b"ping");
        assert_eq!(feed(&mut server, &data, usize::MAX).app, b"ping", "{name}");
    }
    // close_notify at any point: peer closed; later data is refused.
    for (stage, name) in STAGES.iter().enumerate() {
        let (mut server, mut m, got) = alert_at(stage, alert::LEVEL_WARNING, alert::CLOSE_NOTIFY);
        assert_eq!(got.alerts, vec![[1, 0]], "{name}");
        let more = m.seal(content::HANDSHAKE, &[0, 0, 0, 0]);
        assert_eq!(
            feed(&mut server, &more, usize::MAX).last(),
            PS_PROTOCOL_FAIL,
            "{name}"
        );
    }
}

#[test]
fn alerts_at_every_point_to_client() {
    // The real server injects an alert after each of its flights (encrypted once its
    // keys are on); the client must report exactly that alert.
    for point in 0..3 {
        for level in [alert::LEVEL_WARNING, alert::LEVEL_FATAL] {
            let desc = if level == alert::LEVEL_FATAL {
                alert::ACCESS_DENIED
            } else {
                90
            };
            let mut client = Connection::new_client(client_keys(), options(0xc02f, TLS12)).unwrap();
            let mut server = Connection::new_server(server_keys());
            let mut seen = Vec::new();
            if point == 0 {
                server.core.send_alert(level, AlertDescription(desc));
                seen.extend(pump(&mut server, &mut client).alerts);
            }
            pump(&mut client, &mut server);
            if point == 1 {
                server.core.send_alert(level, AlertDescription(desc));
            }
            seen.extend(pump(&mut server, &mut client).alerts);
            if !client.errored() {
                pump(&mut client, &mut server);
                if point == 2 {
                    server.core.send_alert(level, AlertDescription(desc));
                }
                seen.extend(pump(&mut server, &mut client).alerts);
            }
            assert_eq!(seen, vec![[level, desc]], "point {point} level {level}");
            assert_eq!(
                client.errored(),
                level == alert::LEVEL_FATAL,
                "point {point}"
            );
            if level == alert::LEVEL_WARNING {
                assert!(
                    client.handshake_complete(),
                    "point {point}: warning stops nothing"
                );
            }
        }
    }
}

// ---- downgrade protection ---------------------------------------------------------------

#[test]
fn fallback_scsv_downgrade_is_refused() {
    const FALLBACK: u16 = 0x5600;
    // A default server speaks TLS 1.3 (ABI.md D25): a fallback to 1.2 is one too.
    for v in [TLS12, TLS11, TLS10] {
        server_rejects(
            &client_hello_record(v, &[0x002f, FALLBACK], &[]),
            alert::INAPPROPRIATE_FALLBACK,
            &format!("fallback to {v:04x}"),
        );
    }
    // At the server's highest version the SCSV is harmless: servers capped at TLS 1.2 or
    // 1.1, and one whose TLS 1.3 suites are all disabled (1.2 is then its highest).
    let no_tls13 = Config::new();
    for s in &suites::TLS13_SUITES {
        no_tls13.suites.set_enabled(s.id, false);
    }
    let mut capped_at_12 = Connection::new_server(server_keys());
    capped_at_12.server_options_mut().max_version = TLS12;
    let mut capped_at_11 = Connection::new_server(server_keys());
    capped_at_11.server_options_mut().max_version = TLS11;
    let without_13 = Connection::new_server_with(no_tls13, server_keys());
    for (mut server, v) in [
        (capped_at_12, TLS12),
        (without_13, TLS12),
        (capped_at_11, TLS11),
    ] {
        let hello = client_hello_record(v, &[0x002f, FALLBACK], &[]);
        let got = feed(&mut server, &hello, usize::MAX);
        assert_eq!(
            got.last(),
            MATRIXSSL_REQUEST_SEND,
            "fallback to {v:04x}: {got:?}"
        );
        assert!(!server.errored(), "fallback to {v:04x}");
    }
}

// ---- Bleichenbacher ------------------------------------------------------------------------

#[test]
fn malformed_rsa_premasters_fail_identically_at_finished() {
    type Damage = Box<dyn Fn(&mut Vec<u8>)>;
    let cases: Vec<(&str, Damage)> = vec![
        ("well-formed (control)", Box::new(|_| {})),
        ("block type 1", Box::new(|em| em[1] = 1)),
        ("leading byte 1", Box::new(|em| em[0] = 1)),
        (
            "no zero separator",
            Box::new(|em| {
                let k = em.len();
                em[k - 49] = 0x5a;
            }),
        ),
        ("separator right after the type", Box::new(|em| em[2] = 0)),
        (
            "separator one byte late (47-byte secret)",
            Box::new(|em| {
                let k = em.len();
                em[k - 49] = 0x5a;
                em[k - 48] = 0;
            }),
        ),
        (
            "separator one byte early (49-byte secret)",
            Box::new(|em| {
                let k = em.len();
                em[k - 50] = 0;
            }),
        ),
        (
            "zero inside the padding (PS < 8 bytes)",
            Box::new(|em| em[5] = 0),
        ),
        (
            "wrong premaster version",
            Box::new(|em| {
                let k = em.len();
                em[k - 48] = 3;
                em[k - 47] = 1;
            }),
        ),
        (
            "premaster version 0.0",
            Box::new(|em| {
                let k = em.len();
                em[k - 48] = 0;
                em[k - 47] = 0;
            }),
        ),
    ];
    let run =
        |ciphertext: Option<Vec<u8>>, damage: &dyn Fn(&mut Vec<u8>)| -> (Got, Vec<u8>, Vec<u8>) {
            let mut server = Connection::new_server(server_keys());
            let mut m = Script::new(true);
            feed(
                &mut server,
                &m.client_hello(TLS12, &[0x009c], &[]),
                usize::MAX,
            );
            m.absorb_server(&take_out(&mut server));
            let cke = match ciphertext {
                Some(ct) => {
                    let pm = m.fresh_premaster();
                    m.key_exchange_raw(&pm, &ct)
                }
                None => m.key_exchange(damage),
            };
            // Nothing may show at the ClientKeyExchange itself.
            let after_cke = feed(&mut server, &cke, usize::MAX);
            assert_eq!(after_cke.rcs, vec![MATRIXSSL_REQUEST_RECV]);
            assert!(server.outdata().is_empty() && !server.errored());
            let fin = m.finish(|_| {});
            let got = feed(&mut server, &fin, usize::MAX);
            let out = take_out(&mut server);
            (got, out, m.transcript)
        };
    let mut outcomes = Vec::new();
    for (what, damage) in &cases {
        let (got, out, _) = run(None, damage);
        outcomes.push((what.to_string(), got.last(), out));
    }
    let k = 256; // RSA-2048 modulus length
    for (what, ct) in [
        ("ciphertext one byte short", vec![0x42u8; k - 1]),
        ("ciphertext one byte long", vec![0x42; k + 1]),
        ("ciphertext not below the modulus", vec![0xff; k]),
        ("empty ciphertext", vec![]),
        ("zero ciphertext", vec![0; k]),
    ] {
        let (got, out, _) = run(Some(ct), &|_| {});
        outcomes.push((what.to_string(), got.last(), out));
    }
    // The control completes; every defect ends the same way: the client's Finished record
    // fails to authenticate (the server used a random premaster), bad_record_mac, in a
    // plaintext alert record of the same bytes.
    let (control, rest) = outcomes.split_first().unwrap();
    assert_eq!(control.1, MATRIXSSL_REQUEST_SEND, "control");
    assert_eq!(
        split_records(&control.2)[0].0,
        content::CHANGE_CIPHER_SPEC,
        "control"
    );
    let expected = record(content::ALERT, TLS12, &[2, alert::BAD_RECORD_MAC]);
    for (what, rc, out) in rest {
        assert_eq!(*rc, MATRIXSSL_REQUEST_SEND, "{what}");
        assert_eq!(out, &expected, "{what}");
    }
}

// ---- CBC padding and MACs ------------------------------------------------------------------

#[test]
fn bad_cbc_padding_and_macs_get_bad_record_mac() {
    let defects = [
        CbcDefect::BadMac,
        CbcDefect::BadPaddingBytes,
        CbcDefect::PaddingLenTooLong,
        CbcDefect::NotBlockMultiple,
        CbcDefect::TooShort,
    ];
    for (suite, version) in [
        (0x002f, TLS10),
        (0x002f, TLS11),
        (0x002f, TLS12),
        (0x003d, TLS12),
    ] {
        let what = format!("{suite:04x} v{version:04x}");
        // Controls on one connection: a correct record, and one with 256 bytes of padding.
        let mut server = Connection::new_server(server_keys());
        let mut m = Script::handshake_with(&mut server, suite, version);
        for (defect, text) in [
            (CbcDefect::None, &b"plain"[..]),
            (CbcDefect::LongPadding, b"long padding"),
            (CbcDefect::None, b""),
        ] {
            let rec = m.cbc_record(text, defect);
            let got = feed(&mut server, &rec, usize::MAX);
            assert_eq!(got.app, text, "{what} {defect:?}");
            assert!(!server.errored(), "{what} {defect:?}");
        }
        for defect in defects {
            let mut server = Connection::new_server(server_keys());
            let mut m = Script::handshake_with(&mut server, suite, version);
            let rec = m.cbc_record(b"attack at dawn", defect);
            let got = feed(&mut server, &rec, usize::MAX);
            assert!(got.app.is_empty(), "{what} {defect:?}");
            assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what} {defect:?}");
            assert!(server.errored(), "{what} {defect:?}");
            let r = m.read(&take_out(&mut server));
            assert_eq!(
                r.alerts,
                vec![[2, alert::BAD_RECORD_MAC]],
                "{what} {defect:?}"
            );
        }
    }
}

#[test]
fn tampered_replayed_and_truncated_aead_records() {
    type Attack = fn(&mut Vec<u8>, &[u8]);
    let attacks: [(&str, Attack); 6] = [
        // Zero-length application data records pass the header check (they are valid in
        // the clear); a protected one has no room for its MAC or tag.
        ("empty record", |r, _| {
            r.truncate(5);
            r[3..5].copy_from_slice(&[0, 0]);
        }),
        ("tag flipped", |r, _| {
            let n = r.len();
            r[n - 1] ^= 1;
        }),
        ("ciphertext flipped", |r, _| r[5 + 8] ^= 0x80),
        ("explicit nonce flipped", |r, _| r[5] ^= 1),
        ("replayed record", |r, prev| *r = prev.to_vec()),
        ("shorter than nonce + tag", |r, _| {
            r.truncate(5 + 20);
            r[3..5].copy_from_slice(&20u16.to_be_bytes());
        }),
    ];
    // (CBC at TLS 1.1: TLS 1.0 would split the record 1/n-1.)
    for (suite, version) in [
        (0xc02f, TLS12),
        (0x009d, TLS12),
        (0xcca8, TLS12),
        (0x002f, TLS11),
    ] {
        for (what, attack) in attacks {
            let (mut client, mut server) = real_pair(options(suite, version));
            client.encode_to_outdata(b"first");
            let first = take_out(&mut client);
            assert_eq!(feed(&mut server, &first, usize::MAX).app, b"first");
            client.encode_to_outdata(b"second record");
            let mut rec = take_out(&mut client);
            attack(&mut rec, &first);
            let got = feed(&mut server, &rec, usize::MAX);
            assert!(got.app.is_empty(), "{suite:04x} {what}");
            assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{suite:04x} {what}");
            let back = pump(&mut server, &mut client);
            assert_eq!(
                back.alerts,
                vec![[2, alert::BAD_RECORD_MAC]],
                "{suite:04x} {what}"
            );
        }
    }
}

#[test]
fn oversized_encrypted_plaintext_is_record_overflow() {
    let (mut client, mut server) = real_pair(options(0xc02f, TLS12));
    // Seal 16385 bytes in one record through the client's own record layer.
    let n = 16385;
    let start = client.core.out.len();
    let len = client.core.record.record_len(n);
    client.core.out.resize(start + len, 0);
    let out = &mut client.core.out;
    client
        .core
        .record
        .seal_at(out, start, content::APPLICATION_DATA, n);
    let rec = take_out(&mut client);
    let got = feed(&mut server, &rec, usize::MAX);
    assert!(got.app.is_empty());
    let back = pump(&mut server, &mut client);
    assert_eq!(back.alerts, vec![[2, alert::RECORD_OVERFLOW]]);
}

#[test]
fn empty_records_are_delivered_until_the_flood_limit() {
    let (mut client, mut server) = real_pair(options(0xc02f, TLS12));
    let mut wire = Vec::new();
    for _ in 0..1024 {
        client.encode_to_outdata(&[]);
    }
    wire.extend(take_out(&mut client));
    let got = feed(&mut server, &wire, usize::MAX);
    assert!(!server.errored(), "1024 empty records are allowed");
    assert!(got.app.is_empty());
    client.encode_to_outdata(&[]);
    let got = feed(&mut server, &take_out(&mut client), usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    let back = pump(&mut server, &mut client);
    assert_eq!(back.alerts, vec![[2, alert::UNEXPECTED_MESSAGE]]);
}

#[test]
fn post_handshake_garbage_records() {
    // Encrypted records of every type with hostile contents, after the handshake.
    let cases: Vec<(&str, u8, Vec<u8>, u8)> = vec![
        (
            "empty handshake record",
            22,
            vec![],
            alert::UNEXPECTED_MESSAGE,
        ),
        (
            "Finished after the handshake",
            22,
            handshake_message(hs::FINISHED, &[0; 12]),
            alert::UNEXPECTED_MESSAGE,
        ),
        (
            "ServerHello to a server",
            22,
            handshake_message(hs::SERVER_HELLO, &[0; 38]),
            alert::UNEXPECTED_MESSAGE,
        ),
        (
            "ChangeCipherSpec after the handshake",
            20,
            vec![1],
            alert::UNEXPECTED_MESSAGE,
        ),
        (
            "bad ChangeCipherSpec",
            20,
            vec![7],
            alert::UNEXPECTED_MESSAGE,
        ),
        (
            "empty ChangeCipherSpec",
            20,
            vec![],
            alert::UNEXPECTED_MESSAGE,
        ),
        (
            "ChangeCipherSpec 1 1",
            20,
            vec![1, 1],
            alert::UNEXPECTED_MESSAGE,
        ),
        (
            "heartbeat request",
            24,
            vec![1, 0, 16, 0xaa],
            alert::UNEXPECTED_MESSAGE,
        ),
        ("record type 25", 25, vec![0; 8], alert::UNEXPECTED_MESSAGE),
        ("record type 255", 255, vec![1], alert::UNEXPECTED_MESSAGE),
        ("alert of 3 bytes", 21, vec![1, 0, 0], alert::DECODE_ERROR),
        ("empty alert", 21, vec![], alert::DECODE_ERROR),
        (
            "truncated renegotiation hello",
            22,
            handshake_message(hs::CLIENT_HELLO, &[3, 3]),
            alert::DECODE_ERROR,
        ),
    ];
    for (what, typ, payload, desc) in cases {
        let (mut client, mut server) = real_pair(options(0xc02f, TLS12));
        let mut rec = Vec::new();
        client.core.record.write_records(&mut rec, typ, &payload);
        let got = feed(&mut server, &rec, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}: {got:?}");
        assert!(server.errored(), "{what}");
        let back = pump(&mut server, &mut client);
        assert_eq!(back.alerts, vec![[2, desc]], "{what}");
    }
}

// ---- hostile finite-field DH parameters -------------------------------------------------

/// A scripted DHE_RSA server flight (TLS 1.2, TLS_DHE_RSA_WITH_AES_128_GCM_SHA256) whose
/// ServerKeyExchange carries `p`, `g`, `ys`, signed with the real RSA key unless
/// `bad_signature`.
fn dhe_flight(
    client: &mut Connection,
    p: &[u8],
    g: &[u8],
    ys: &[u8],
    bad_signature: bool,
) -> Vec<u8> {
    let mut t = Script::new(false);
    t.absorb_client_hello(&take_out(client));
    let mut wire =
        t.server_flight_without_done(TLS12, 0x009e, &[(ext::RENEGOTIATION_INFO, vec![0])]);
    let mut params = Vec::new();
    for v in [p, g, ys] {
        params.extend_from_slice(&(v.len() as u16).to_be_bytes());
        params.extend_from_slice(v);
    }
    let signed = [&t.client_random[..], &t.server_random[..], &params].concat();
    let keys = server_keys();
    let key = &keys.rsa_identity().unwrap().key;
    let (scheme, mut sig) = matrixssl::pki::sign::sign_tls12(key, &[0x0401], &signed).unwrap();
    if bad_signature {
        sig[10] ^= 1;
    }
    let mut body = params;
    body.extend_from_slice(&scheme.to_be_bytes());
    body.extend_from_slice(&(sig.len() as u16).to_be_bytes());
    body.extend_from_slice(&sig);
    wire.extend(t.send_hs(hs::SERVER_KEY_EXCHANGE, &body));
    wire.extend(t.send_hs(hs::SERVER_HELLO_DONE, &[]));
    wire
}

#[test]
fn hostile_dhe_parameters_are_refused() {
    let group = matrixssl::crypto::dh::DhGroup::ffdhe2048();
    let p = group.p_be().to_vec();
    let minus = |v: &[u8], d: u8| {
        let mut v = v.to_vec();
        let n = v.len();
        v[n - 1] -= d;
        v
    };
    let mut p_big = vec![0xff; 1025]; // 8200 bits: above the 8192-bit limit
    p_big[0] = 0x01;
    type Case<'a> = (&'a str, Vec<u8>, Vec<u8>, Vec<u8>, bool, u8);
    let cases: Vec<Case> = vec![
        (
            "512-bit prime field",
            vec![0xff; 64],
            vec![2],
            vec![2],
            false,
            alert::INSUFFICIENT_SECURITY,
        ),
        (
            "1016-bit field",
            vec![0xff; 127],
            vec![2],
            vec![2],
            false,
            alert::INSUFFICIENT_SECURITY,
        ),
        (
            "even p",
            minus(&p, 1),
            vec![2],
            vec![2],
            false,
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "composite p",
            minus(&p, 2),
            vec![2],
            vec![2],
            false,
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "p above 8192 bits",
            p_big,
            vec![2],
            vec![2],
            false,
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "g = 0",
            p.clone(),
            vec![0],
            vec![2],
            false,
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "g = 1",
            p.clone(),
            vec![1],
            vec![2],
            false,
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "g = p - 1",
            p.clone(),
            minus(&p, 1),
            vec![2],
            false,
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "g = p",
            p.clone(),
            p.clone(),
            vec![2],
            false,
            alert::ILLEGAL_PARAMETER,
        ),
        // dh_p, dh_g and dh_Ys are <1..2^16-1>: an empty one is a structure error.
        (
            "empty p",
            vec![],
            vec![2],
            vec![2],
            false,
            alert::DECODE_ERROR,
        ),
        (
            "empty g",
            p.clone(),
            vec![],
            vec![2],
            false,
            alert::DECODE_ERROR,
        ),
        (
            "empty Ys",
            p.clone(),
            vec![2],
            vec![],
            false,
            alert::DECODE_ERROR,
        ),
        (
            "bad signature",
            p.clone(),
            vec![2],
            vec![2],
            true,
            alert::DECRYPT_ERROR,
        ),
        // The signature is checked before the group: a forged message is refused as such,
        // without a primality test on the prime it carries.
        (
            "bad signature over a composite p",
            minus(&p, 2),
            vec![2],
            vec![2],
            true,
            alert::DECRYPT_ERROR,
        ),
        (
            "bad signature over a 512-bit field",
            vec![0xff; 64],
            vec![2],
            vec![2],
            true,
            alert::DECRYPT_ERROR,
        ),
        (
            "bad signature with g = 1",
            p.clone(),
            vec![1],
            vec![2],
            true,
            alert::DECRYPT_ERROR,
        ),
        // The server's public value is checked when the client computes the premaster.
        (
            "Ys = 0",
            p.clone(),
            vec![2],
            vec![0],
            false,
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "Ys = 1",
            p.clone(),
            vec![2],
            vec![1],
            false,
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "Ys = p - 1",
            p.clone(),
            vec![2],
            minus(&p, 1),
            false,
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "Ys = p",
            p.clone(),
            vec![2],
            p.clone(),
            false,
            alert::ILLEGAL_PARAMETER,
        ),
    ];
    for (what, dp, dg, ys, bad_sig, desc) in cases {
        let mut client = Connection::new_client(client_keys(), options(0x009e, TLS12)).unwrap();
        let flight = dhe_flight(&mut client, &dp, &dg, &ys, bad_sig);
        let got = feed(&mut client, &flight, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}: {got:?}");
        assert_plain_fatal(&mut client, desc, what);
    }
    // Control: the genuine group and a valid public value are accepted.
    let mut client = Connection::new_client(client_keys(), options(0x009e, TLS12)).unwrap();
    let flight = dhe_flight(&mut client, &p, &[2], &[2], false);
    let got = feed(&mut client, &flight, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert!(!client.errored());
    let out = take_out(&mut client);
    assert_eq!(
        split_messages(&split_records(&out)[0].2)[0][0],
        hs::CLIENT_KEY_EXCHANGE
    );
}

// ---- peers that make no progress or break the record discipline ---------------------------

/// The connection failed with fatal alert `desc`, sent under its current write keys and
/// read back by `peer`, and closes once that alert is sent.
#[track_caller]
fn assert_sealed_fatal(conn: &mut Connection, peer: &mut Script, desc: u8, what: &str) {
    assert!(conn.errored(), "{what}: session not in the error state");
    let out = conn.outdata().to_vec();
    let r = peer.read(&out);
    assert_eq!(r.alerts, vec![[2, desc]], "{what}");
    assert!(r.app.is_empty() && r.messages.is_empty(), "{what}: {r:?}");
    assert_eq!(conn.sent(out.len()), MATRIXSSL_REQUEST_CLOSE, "{what}");
}

/// `n` warning alerts `desc`, sealed by `m`.
fn warnings(m: &mut Script, n: usize, desc: u8) -> Vec<u8> {
    (0..n)
        .flat_map(|_| m.seal(content::ALERT, &[alert::LEVEL_WARNING, desc]))
        .collect()
}

#[test]
fn warning_alert_flood_is_cut_off() {
    // Before any handshake: four warnings are reported, the fifth ends the session.
    let mut server = Connection::new_server(server_keys());
    let mut m = Script::new(true);
    let got = feed(&mut server, &warnings(&mut m, 4, 90), usize::MAX);
    assert_eq!(got.alerts, vec![[1, 90]; 4]);
    assert!(!server.errored());
    let got = feed(&mut server, &warnings(&mut m, 1, 90), usize::MAX);
    assert!(got.alerts.is_empty(), "the fifth is not reported: {got:?}");
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert_plain_fatal(&mut server, alert::UNEXPECTED_MESSAGE, "5 warnings first");

    // The flood arriving as one read, in the middle of a handshake (CVE-2016-8610).
    let mut server = Connection::new_server(server_keys());
    let mut m = Script::new(true);
    feed(
        &mut server,
        &m.client_hello(TLS12, &[0x002f], &[]),
        usize::MAX,
    );
    m.absorb_server(&take_out(&mut server));
    let got = feed(&mut server, &warnings(&mut m, 1000, 90), usize::MAX);
    assert_eq!(got.alerts.len(), 4, "{got:?}");
    assert_plain_fatal(&mut server, alert::UNEXPECTED_MESSAGE, "flood after hello");

    // Progress resets the count: four warnings before each of the client's records, then
    // four more between application records, are all reported and harmless.
    let mut server = Connection::new_server(server_keys());
    let mut m = Script::new(true);
    let mut wire = warnings(&mut m, 4, 90);
    wire.extend(m.client_hello(TLS12, &[0x002f], &[]));
    let got = feed(&mut server, &wire, usize::MAX);
    assert_eq!(got.alerts.len(), 4, "{got:?}");
    m.absorb_server(&take_out(&mut server));
    let mut wire = warnings(&mut m, 4, 90);
    wire.extend(m.key_exchange(|_| {}));
    wire.extend(warnings(&mut m, 4, 90));
    m.install_keys();
    wire.extend(m.seal(content::CHANGE_CIPHER_SPEC, &[1]));
    m.rl.activate_write().unwrap();
    wire.extend(warnings(&mut m, 4, 90));
    let verify = m.ks().verify_data(&m.master, true, &m.transcript);
    wire.extend(m.send_hs(hs::FINISHED, &verify));
    let got = feed(&mut server, &wire, usize::MAX);
    assert_eq!(got.alerts.len(), 12, "{got:?}");
    assert!(server.handshake_complete() && !server.errored());
    m.absorb_server(&take_out(&mut server));
    let mut wire = warnings(&mut m, 4, 90);
    wire.extend(m.seal(content::APPLICATION_DATA, b"progress"));
    wire.extend(warnings(&mut m, 4, 90));
    let got = feed(&mut server, &wire, usize::MAX);
    assert_eq!((got.alerts.len(), &got.app[..]), (8, &b"progress"[..]));
    assert!(!server.errored());
    // Empty application records are no progress: they do not reset the count.
    let mut wire = m.seal(content::APPLICATION_DATA, &[]);
    wire.extend(warnings(&mut m, 1, 90));
    let got = feed(&mut server, &wire, usize::MAX);
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{got:?}");
    assert_sealed_fatal(
        &mut server,
        &mut m,
        alert::UNEXPECTED_MESSAGE,
        "fifth warning behind an empty record",
    );

    // close_notify is not a warning to count: it closes the session as always.
    let mut server = Connection::new_server(server_keys());
    let mut m = Script::new(true);
    let mut wire = warnings(&mut m, 4, 90);
    wire.extend(warnings(&mut m, 1, alert::CLOSE_NOTIFY));
    let got = feed(&mut server, &wire, usize::MAX);
    assert_eq!(got.alerts.len(), 5);
    assert!(!server.errored() && server.outdata().is_empty());

    // Client side, after the handshake: no_renegotiation warnings (which our own
    // rehandshake requests could provoke) count like any other.
    let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
    let mut t = Script::serve_until_finished(&mut client, &[(ext::RENEGOTIATION_INFO, vec![0])]);
    let fin = t.finish(|_| {});
    assert_eq!(
        feed(&mut client, &fin, usize::MAX).last(),
        MATRIXSSL_HANDSHAKE_COMPLETE
    );
    let got = feed(
        &mut client,
        &warnings(&mut t, 4, alert::NO_RENEGOTIATION),
        usize::MAX,
    );
    assert_eq!(got.alerts, vec![[1, alert::NO_RENEGOTIATION]; 4]);
    let got = feed(
        &mut client,
        &warnings(&mut t, 1, alert::NO_RENEGOTIATION),
        usize::MAX,
    );
    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
    assert_sealed_fatal(
        &mut client,
        &mut t,
        alert::UNEXPECTED_MESSAGE,
        "client: 5 warnings",
    );
}

#[test]
fn unknown_record_types_are_unexpected_message() {
    for typ in [24u8, 19, 25, 99, 255] {
        // To a server: first record, after the ClientHello, and between the client's CCS
        // and Finished (under the new keys). A first byte with the high bit set is an SSL
        // 2.0 header, not a TLS record type (see sslv2_format_hellos).
        if typ < 0x80 {
            server_rejects(
                &record(typ, TLS10, &[1, 0, 3, 1, 2, 3]),
                alert::UNEXPECTED_MESSAGE,
                &format!("type {typ} first"),
            );
        }
        let mut server = Connection::new_server(server_keys());
        let mut wire = Script::new(true).client_hello(TLS12, &[0x002f], &[]);
        wire.extend(record(typ, TLS12, &[1, 0, 3, 1, 2, 3]));
        let got = feed(&mut server, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
        // The server flight is queued, the alert behind it.
        assert_plain_fatal(
            &mut server,
            alert::UNEXPECTED_MESSAGE,
            &format!("type {typ} after hello"),
        );
        let mut server = Connection::new_server(server_keys());
        let mut m = Script::new(true);
        feed(
            &mut server,
            &m.client_hello(TLS12, &[0x002f], &[]),
            usize::MAX,
        );
        m.absorb_server(&take_out(&mut server));
        let mut wire = m.key_exchange(|_| {});
        m.install_keys();
        wire.extend(m.seal(content::CHANGE_CIPHER_SPEC, &[1]));
        m.rl.activate_write().unwrap();
        wire.extend(m.seal(typ, &[1, 0, 3, 1, 2, 3]));
        let got = feed(&mut server, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
        assert_plain_fatal(
            &mut server,
            alert::UNEXPECTED_MESSAGE,
            &format!("type {typ} after CCS"),
        );

        // To a client: in the server's first flight, and encrypted after the handshake.
        let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
        let mut t = Script::new(false);
        t.absorb_client_hello(&take_out(&mut client));
        let mut wire = t.server_flight_without_done(TLS12, 0x002f, &[]);
        wire.extend(record(typ, TLS12, &[1, 0, 3, 1, 2, 3]));
        let got = feed(&mut client, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
        assert_plain_fatal(
            &mut client,
            alert::UNEXPECTED_MESSAGE,
            &format!("client: type {typ} in the server flight"),
        );
        let (mut client, mut server) = real_pair(options(0xc02f, TLS12));
        let mut rec = Vec::new();
        server
            .core
            .record
            .write_records(&mut rec, typ, &[1, 0, 3, 1, 2, 3]);
        let got = feed(&mut client, &rec, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
        assert!(client.errored());
        let back = pump(&mut client, &mut server);
        assert_eq!(
            back.alerts,
            vec![[2, alert::UNEXPECTED_MESSAGE]],
            "client: type {typ} after the handshake"
        );
    }
}

#[test]
fn server_hello_with_long_session_id_is_decode_error() {
    for len in [33u8, 255] {
        let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
        let mut t = Script::new(false);
        t.absorb_client_hello(&take_out(&mut client));
        let mut body = msgs::encode_server_hello(TLS12, &[1; 32], &[], 0x002f, &[]).unwrap();
        body[34] = len;
        body.splice(35..35, vec![0x33; usize::from(len)]);
        let wire = record(
            content::HANDSHAKE,
            TLS12,
            &handshake_message(hs::SERVER_HELLO, &body),
        );
        let got = feed(&mut client, &wire, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND);
        assert_plain_fatal(
            &mut client,
            alert::DECODE_ERROR,
            &format!("{len}-byte session id"),
        );
    }
}

#[test]
fn client_key_exchange_without_public_value_is_decode_error() {
    let mut point = vec![65u8, 4];
    point.extend([0x01; 64]); // the right length, but not on P-256
    let x25519_low_order = [&[32u8][..], &[0; 32]].concat();
    type Case<'a> = (&'a str, u16, Vec<u8>, u8);
    let cases: Vec<Case> = vec![
        // ECDHE (ClientECDiffieHellmanPublic: opaque point<1..2^8-1>).
        ("ECDHE empty body", 0xc02f, vec![], alert::DECODE_ERROR),
        ("ECDHE empty point", 0xc02f, vec![0], alert::DECODE_ERROR),
        ("ECDHE length only", 0xc02f, vec![65], alert::DECODE_ERROR),
        (
            "ECDHE length past the end",
            0xc02f,
            point[..40].to_vec(),
            alert::DECODE_ERROR,
        ),
        (
            "ECDHE trailing byte",
            0xc02f,
            [&point[..], &[0]].concat(),
            alert::DECODE_ERROR,
        ),
        (
            "ECDHE point off the curve",
            0xc02f,
            point.clone(),
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "ECDHE X25519-sized zero point",
            0xc02f,
            x25519_low_order,
            alert::ILLEGAL_PARAMETER,
        ),
        // DHE (opaque dh_Yc<1..2^16-1>).
        ("DHE empty body", 0x009e, vec![], alert::DECODE_ERROR),
        ("DHE half a length", 0x009e, vec![0], alert::DECODE_ERROR),
        ("DHE empty value", 0x009e, vec![0, 0], alert::DECODE_ERROR),
        (
            "DHE length past the end",
            0x009e,
            vec![1, 0, 5],
            alert::DECODE_ERROR,
        ),
        (
            "DHE trailing byte",
            0x009e,
            vec![0, 1, 2, 9],
            alert::DECODE_ERROR,
        ),
        (
            "DHE value 0",
            0x009e,
            vec![0, 1, 0],
            alert::ILLEGAL_PARAMETER,
        ),
        (
            "DHE value 1",
            0x009e,
            vec![0, 1, 1],
            alert::ILLEGAL_PARAMETER,
        ),
    ];
    for (what, suite, body, desc) in cases {
        let mut client = Connection::new_client(client_keys(), options(suite, TLS12)).unwrap();
        let mut server = Connection::new_server(server_keys());
        pump(&mut client, &mut server);
        pump(&mut server, &mut client);
        // The client's real ClientKeyExchange flight is replaced by the hostile message.
        take_out(&mut client);
        let cke = record(
            content::HANDSHAKE,
            TLS12,
            &handshake_message(hs::CLIENT_KEY_EXCHANGE, &body),
        );
        let got = feed(&mut server, &cke, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}: {got:?}");
        assert_plain_fatal(&mut server, desc, what);
    }
}

/// Where a hostile peer slips an application record into its side of a renegotiation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DataAt {
    /// Between two of its handshake messages, under the old keys: delivered.
    BetweenMessages,
    /// Between its ChangeCipherSpec and its Finished, under unconfirmed new keys: refused.
    AfterChangeCipherSpec,
}

/// The scripted peer's ChangeCipherSpec and Finished, with an application record in
/// between when `at` says so.
fn ccs_and_finished(m: &mut Script, at: DataAt) -> Vec<u8> {
    m.install_keys();
    let mut wire = m.seal(content::CHANGE_CIPHER_SPEC, &[1]);
    m.rl.activate_write().unwrap();
    if at == DataAt::AfterChangeCipherSpec {
        wire.extend(m.seal(content::APPLICATION_DATA, b"unconfirmed keys"));
    }
    let verify = m.ks().verify_data(&m.master, m.is_client, &m.transcript);
    wire.extend(m.send_hs(hs::FINISHED, &verify));
    wire
}

#[test]
fn application_data_inside_a_renegotiation_to_server() {
    for server_starts in [false, true] {
        for at in [DataAt::BetweenMessages, DataAt::AfterChangeCipherSpec] {
            let what = format!("server_starts={server_starts} {at:?}");
            // A secure (RFC 5746) initial handshake.
            let mut server = Connection::new_server(server_keys());
            let mut m = Script::new(true);
            feed(
                &mut server,
                &m.client_hello(TLS12, &[0x002f, 0x00ff], &[]),
                usize::MAX,
            );
            m.absorb_server(&take_out(&mut server));
            let mut wire = m.key_exchange(|_| {});
            wire.extend(m.finish(|_| {}));
            feed(&mut server, &wire, usize::MAX);
            m.absorb_server(&take_out(&mut server));
            assert!(server.handshake_complete(), "{what}");
            if server_starts {
                assert_eq!(server.encode_rehandshake(None, false, 0), MATRIXSSL_SUCCESS);
                let r = m.read(&take_out(&mut server));
                assert_eq!(r.messages, vec![vec![hs::HELLO_REQUEST, 0, 0, 0]], "{what}");
            }
            // The renegotiating ClientHello, under the first handshake's keys.
            m.transcript.clear();
            m.client_random = [0x44; 32];
            let binding =
                msgs::renegotiation_info_body(&server.core.negotiated.client_verify_data).unwrap();
            let hello = m.client_hello(TLS12, &[0x002f], &[(ext::RENEGOTIATION_INFO, binding)]);
            let got = feed(&mut server, &hello, usize::MAX);
            assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}");
            m.absorb_server(&take_out(&mut server));
            let mut wire = m.key_exchange(|_| {});
            if at == DataAt::BetweenMessages {
                wire.extend(m.seal(content::APPLICATION_DATA, b"old keys"));
            }
            wire.extend(ccs_and_finished(&mut m, at));
            let got = feed(&mut server, &wire, usize::MAX);
            assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}: {got:?}");
            match at {
                DataAt::BetweenMessages => {
                    assert_eq!(got.app, b"old keys", "{what}");
                    let r = m.absorb_server(&take_out(&mut server));
                    assert_eq!(r.ccs, 1, "{what}");
                    assert!(server.handshake_complete() && !server.errored(), "{what}");
                    let data = m.seal(content::APPLICATION_DATA, b"new keys");
                    assert_eq!(feed(&mut server, &data, usize::MAX).app, b"new keys");
                }
                DataAt::AfterChangeCipherSpec => {
                    assert!(got.app.is_empty(), "{what}: delivered {:?}", got.app);
                    // The server has not sent its CCS: the alert is under the old keys.
                    assert_sealed_fatal(&mut server, &mut m, alert::UNEXPECTED_MESSAGE, &what);
                }
            }
        }
    }
}

/// ServerHello (a fresh session id), Certificate and ServerHelloDone of a renegotiation,
/// with RFC 5746's binding to the first handshake and, when `at` says so, an application
/// record between Certificate and ServerHelloDone.
fn renegotiation_server_flight(t: &mut Script, client: &Connection, at: DataAt) -> Vec<u8> {
    let n = &client.core.negotiated;
    let binding = [&n.client_verify_data[..], &n.server_verify_data[..]].concat();
    t.server_random = [0x66; 32];
    let hello = msgs::encode_server_hello(
        TLS12,
        &t.server_random,
        &[0x55; 32],
        0x002f,
        &[(
            ExtensionType::RENEGOTIATION_INFO,
            msgs::renegotiation_info_body(&binding).unwrap(),
        )],
    )
    .unwrap();
    let mut wire = t.send_hs(hs::SERVER_HELLO, &hello);
    let keys = server_keys();
    let chain = &keys.rsa_identity().expect("RSA identity").chain;
    let certs = msgs::encode_certificate_list(chain.iter().map(|c| &c.der[..])).unwrap();
    wire.extend(t.send_hs(hs::CERTIFICATE, &certs));
    if at == DataAt::BetweenMessages {
        wire.extend(t.seal(content::APPLICATION_DATA, b"old keys"));
    }
    wire.extend(t.send_hs(hs::SERVER_HELLO_DONE, &[]));
    wire
}

#[test]
fn application_data_inside_a_renegotiation_to_client() {
    for client_starts in [false, true] {
        for at in [DataAt::BetweenMessages, DataAt::AfterChangeCipherSpec] {
            let what = format!("client_starts={client_starts} {at:?}");
            let mut client = Connection::new_client(client_keys(), options(0x002f, TLS12)).unwrap();
            let mut t =
                Script::serve_until_finished(&mut client, &[(ext::RENEGOTIATION_INFO, vec![0])]);
            let fin = t.finish(|_| {});
            assert_eq!(
                feed(&mut client, &fin, usize::MAX).last(),
                MATRIXSSL_HANDSHAKE_COMPLETE,
                "{what}"
            );
            if client_starts {
                assert_eq!(client.encode_rehandshake(None, true, 0), MATRIXSSL_SUCCESS);
            } else {
                let hello_request = t.seal(content::HANDSHAKE, &[hs::HELLO_REQUEST, 0, 0, 0]);
                let got = feed(&mut client, &hello_request, usize::MAX);
                assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}");
            }
            t.transcript.clear();
            t.absorb_client_hello(&take_out(&mut client));
            let flight = renegotiation_server_flight(&mut t, &client, at);
            let got = feed(&mut client, &flight, usize::MAX);
            assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}: {got:?}");
            if at == DataAt::BetweenMessages {
                assert_eq!(got.app, b"old keys", "{what}");
            }
            t.absorb_client_final(&take_out(&mut client));
            let got = feed(&mut client, &ccs_and_finished(&mut t, at), usize::MAX);
            match at {
                DataAt::BetweenMessages => {
                    assert_eq!(got.last(), MATRIXSSL_HANDSHAKE_COMPLETE, "{what}: {got:?}");
                    let data = t.seal(content::APPLICATION_DATA, b"new keys");
                    assert_eq!(feed(&mut client, &data, usize::MAX).app, b"new keys");
                }
                DataAt::AfterChangeCipherSpec => {
                    assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}: {got:?}");
                    assert!(got.app.is_empty(), "{what}: delivered {:?}", got.app);
                    // The client already sent its CCS: the alert is under the new keys.
                    assert_sealed_fatal(&mut client, &mut t, alert::UNEXPECTED_MESSAGE, &what);
                }
            }
        }
    }
}

#[test]
fn resumption_needs_the_sessions_suite_and_version_in_the_new_hello() {
    // The cached session is TLS 1.2 with 0x002f. A hello with its id that negotiates
    // another version gets a full handshake on what it offers (new session id, a
    // Certificate), never the old suite. One that does not offer 0x002f breaks RFC 5246
    // §7.4.1.2's MUST and is refused with illegal_parameter (as OpenSSL does).
    enum Outcome {
        Full(u16, u16),
        Resumed,
        Refused,
    }
    let cases: Vec<(&str, u16, Vec<u16>, Outcome)> = vec![
        (
            "suite not offered",
            TLS12,
            vec![0x0035, 0x00ff],
            Outcome::Refused,
        ),
        (
            "only other suites, many",
            TLS12,
            vec![0x003c, 0x009c, 0x0035, 0x00ff],
            Outcome::Refused,
        ),
        ("only a NULL suite", TLS12, vec![0x0002], Outcome::Refused),
        (
            "TLS 1.1 hello",
            TLS11,
            vec![0x002f, 0x00ff],
            Outcome::Full(TLS11, 0x002f),
        ),
        (
            "TLS 1.0 hello",
            TLS10,
            vec![0x002f, 0x00ff],
            Outcome::Full(TLS10, 0x002f),
        ),
        // Control: the session's own suite and version resume it.
        (
            "resumable",
            TLS12,
            vec![0x0035, 0x002f, 0x00ff],
            Outcome::Resumed,
        ),
    ];
    let config = Config::new();
    for (what, version, offer, outcome) in cases {
        let id = [0x5d; 32];
        cache_session(&config, id, true);
        let exts = vec![(ext::EXTENDED_MASTER_SECRET, Vec::new())];
        let body =
            msgs::encode_client_hello(version, &[7; 32], &id, &offer, &typed_exts(&exts)).unwrap();
        let hello = record(22, TLS10, &handshake_message(hs::CLIENT_HELLO, &body));
        let mut server = Connection::new_server_with(config.clone(), server_keys());
        let got = feed(&mut server, &hello, usize::MAX);
        assert_eq!(got.last(), MATRIXSSL_REQUEST_SEND, "{what}");
        if let Outcome::Refused = outcome {
            assert_plain_fatal(&mut server, alert::ILLEGAL_PARAMETER, what);
            continue;
        }
        assert!(!server.errored(), "{what}");
        let out = take_out(&mut server);
        let stream: Vec<u8> = split_records(&out)
            .into_iter()
            .take_while(|r| r.0 == content::HANDSHAKE)
            .flat_map(|r| r.2)
            .collect();
        let messages = split_messages(&stream);
        let sh = ServerHello::parse(&messages[0][4..], ()).expect("ServerHello");
        let certificate = messages.iter().any(|m| m[0] == hs::CERTIFICATE);
        match outcome {
            Outcome::Full(v, suite) => {
                assert_eq!((sh.version, sh.suite), (v, suite), "{what}");
                assert!(
                    sh.session_id != id && certificate,
                    "{what}: not a full handshake"
                );
            }
            Outcome::Resumed => {
                assert_eq!((sh.version, sh.suite), (TLS12, 0x002f), "{what}");
                assert!(sh.session_id == id && !certificate, "{what}: not resumed");
            }
            Outcome::Refused => unreachable!("handled above"),
        }
    }
}
