//! TLS 1.3 server (RFC 8446 §2): from a ClientHello whose supported_versions offers TLS 1.3
//! (with a HelloRetryRequest when the client sent no share for a group we take) to the
//! client's Finished.

use std::sync::Arc;

use super::{
    HandshakeKeys, VERIFY_SCHEMES, certificate_verify, check_certificate_verify, check_finished,
    establish, parse_chain, send_compatibility_ccs, signing_scheme, transcript_hash,
};
use crate::codec::Codec;
use crate::crypto::rng;
use crate::error::{AlertDescription, Fatal};
use crate::handshake::ecdhe::{self, KeyShare};
use crate::handshake::tls13_keys::{TrafficSecret, retry_transcript_start};
use crate::handshake::{
    AuthContext, Callbacks, Core, Input, Message, Next, PeerIdentity, State, Transcript,
    authenticate_peer_chain,
};
use crate::keys::Identity;
use crate::msgs::tls13::{
    Certificate13, CertificateEntry, CertificateRequest13, EncryptedExtensions, HRR_RANDOM,
    KeyShareClientHello, KeyShareEntry, KeyShareHelloRetry, KeyShareServerHello,
    SupportedVersionsClient, SupportedVersionsServer,
};
use crate::msgs::{
    ClientHello, Extension, ExtensionType, HandshakeType, SignatureAlgorithms, SupportedGroups,
    encode_server_hello, find_ext,
};
use crate::pki::Certificate;
use crate::pki::verify::{KeyUse, Usage};
use crate::suites::{self, TLS1_2, TLS1_3, Tls13Suite};

/// Whether this ClientHello offers TLS 1.3 in supported_versions.
pub fn offers_tls13(ch: &ClientHello<'_>) -> Result<bool, Fatal> {
    Ok(
        match find_ext(&ch.extensions, ExtensionType::SUPPORTED_VERSIONS) {
            Some(body) => SupportedVersionsClient::parse(body, ())?
                .0
                .contains(&TLS1_3),
            None => false,
        },
    )
}

/// What the ClientHello settles: suite, the identity and scheme we authenticate with, and
/// the group (with the client's share for it, if it sent one).
struct Choice<'a> {
    suite: &'static Tls13Suite,
    identity: Identity,
    scheme: u16,
    group: u16,
    client_share: Option<KeyShareEntry<'a>>,
}

/// Our suite (our order among the client's, enabled and not disabled for this session),
/// certificate (one whose key signs with a scheme the client accepts) and group (RFC 8446
/// §4.1.1: a group the client sent a share for if one is ours, else one it supports,
/// which a HelloRetryRequest asks for). Missing mandatory extensions are
/// missing_extension (§9.2); nothing in common is handshake_failure.
fn choose<'a>(core: &Core, ch: &ClientHello<'a>) -> Result<Choice<'a>, Fatal> {
    if ch.compressions != [0] {
        return Err(Fatal::illegal(
            "TLS 1.3 ClientHello compression methods other than null",
        ));
    }
    if let Some(pos) = ch
        .extensions
        .iter()
        .position(|e| e.typ == ExtensionType::PRE_SHARED_KEY)
        && pos + 1 != ch.extensions.len()
    {
        return Err(Fatal::illegal("pre_shared_key is not the last extension"));
    }
    let options = &core.server_options;
    let suite = suites::TLS13_SUITES
        .iter()
        .find(|s| {
            ch.suites.contains(&s.id)
                && core.config.suites.enabled(s.id)
                && !options.disabled_suites.contains(&s.id)
        })
        .ok_or(Fatal::handshake("no TLS 1.3 cipher suite in common"))?;
    let missing = |what| Fatal::new(AlertDescription::MISSING_EXTENSION, what);
    let schemes: Vec<u16> = SignatureAlgorithms::parse(
        find_ext(&ch.extensions, ExtensionType::SIGNATURE_ALGORITHMS)
            .ok_or(missing("TLS 1.3 ClientHello without signature_algorithms"))?,
        (),
    )?
    .0
    .iter()
    .map(|s| s.0)
    .collect();
    let groups = SupportedGroups::parse(
        find_ext(&ch.extensions, ExtensionType::SUPPORTED_GROUPS)
            .ok_or(missing("TLS 1.3 ClientHello without supported_groups"))?,
        (),
    )?
    .0;
    let shares = KeyShareClientHello::parse(
        find_ext(&ch.extensions, ExtensionType::KEY_SHARE)
            .ok_or(missing("TLS 1.3 ClientHello without key_share"))?,
        (),
    )?
    .0;
    if shares.iter().any(|s| !groups.contains(&s.group)) {
        return Err(Fatal::illegal(
            "key_share for a group not in supported_groups",
        ));
    }
    let (identity, scheme) = [core.keys.ec_identity(), core.keys.rsa_identity()]
        .into_iter()
        .flatten()
        .find_map(|id| signing_scheme(&id.key, &schemes).map(|s| (id.clone(), s)))
        .ok_or(Fatal::handshake(
            "no certificate signs with a scheme the client accepts",
        ))?;
    let shared = ecdhe::SUPPORTED_GROUPS
        .iter()
        .find_map(|g| shares.iter().find(|s| s.group == *g).cloned());
    let (group, client_share) = match shared {
        Some(share) => (share.group, Some(share)),
        None => {
            let group = ecdhe::SUPPORTED_GROUPS
                .iter()
                .copied()
                .find(|g| groups.contains(g))
                .ok_or(Fatal::handshake("no key-exchange group in common"))?;
            (group, None)
        }
    };
    Ok(Choice {
        suite,
        identity,
        scheme,
        group,
        client_share,
    })
}

/// Where the TLS ≤ 1.2 ClientHello state hands over: the client offered TLS 1.3 and we
/// speak it.
pub fn on_client_hello(core: &mut Core, m: Message<'_>, ch: &ClientHello<'_>) -> Next {
    let choice = choose(core, ch)?;
    if choice.client_share.is_none() {
        return send_hello_retry_request(core, m, ch, choice.suite, choice.group);
    }
    core.transcript.add(m.raw);
    respond(core, ch, choice, false)
}

/// HelloRetryRequest (RFC 8446 §4.1.4) asking for a share of `group`. The transcript
/// restarts from the hash of this first ClientHello.
fn send_hello_retry_request(
    core: &mut Core,
    m: Message<'_>,
    ch: &ClientHello<'_>,
    suite: &'static Tls13Suite,
    group: u16,
) -> Next {
    core.transcript = Transcript::new();
    core.transcript
        .add(&retry_transcript_start(suite.hash, m.raw));
    let extensions = [
        (
            ExtensionType::SUPPORTED_VERSIONS,
            SupportedVersionsServer(TLS1_3).to_bytes()?,
        ),
        (
            ExtensionType::KEY_SHARE,
            KeyShareHelloRetry(group).to_bytes()?,
        ),
    ];
    let hrr = encode_server_hello(TLS1_2, &HRR_RANDOM, ch.session_id, suite.id, &extensions)?;
    core.send_handshake(HandshakeType::SERVER_HELLO, &hrr)?;
    core.record.enter_tls13();
    send_compatibility_ccs(core);
    Ok(Box::new(ExpectSecondClientHello {
        suite,
        group,
        session_id: ch.session_id.to_vec(),
    }))
}

/// After our HelloRetryRequest: the same ClientHello with a share for the group we asked
/// for and nothing else (RFC 8446 §4.1.2).
struct ExpectSecondClientHello {
    suite: &'static Tls13Suite,
    group: u16,
    session_id: Vec<u8>,
}

impl State for ExpectSecondClientHello {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::CLIENT_HELLO)?;
        let ch = ClientHello::parse(m.body, ())?;
        if !offers_tls13(&ch)? || ch.session_id != self.session_id {
            return Err(Fatal::illegal(
                "second ClientHello drops TLS 1.3 or changes the session id",
            ));
        }
        // Without key_share this ClientHello breaks RFC 8446 §9.2 as a first one would:
        // missing_extension. With one, it must hold exactly the share we asked for.
        let shares = KeyShareClientHello::parse(
            find_ext(&ch.extensions, ExtensionType::KEY_SHARE).ok_or(Fatal::new(
                AlertDescription::MISSING_EXTENSION,
                "second ClientHello without key_share",
            ))?,
            (),
        )?
        .0;
        if shares.len() != 1 || shares[0].group != self.group {
            return Err(Fatal::illegal(
                "second ClientHello without exactly a share for the requested group",
            ));
        }
        let choice = choose(core, &ch)?;
        if choice.suite.id != self.suite.id || choice.group != self.group {
            return Err(Fatal::illegal(
                "second ClientHello changes what the HelloRetryRequest settled",
            ));
        }
        core.transcript.add(m.raw);
        respond(core, &ch, choice, true)
    }
}

/// ServerHello and our whole first flight (RFC 8446 §2): EncryptedExtensions,
/// CertificateRequest when client authentication is required, Certificate,
/// CertificateVerify, Finished; then the application keys for writing.
fn respond(core: &mut Core, ch: &ClientHello<'_>, choice: Choice<'_>, retried: bool) -> Next {
    let Choice {
        suite,
        identity,
        scheme,
        group,
        client_share,
    } = choice;
    let client_share =
        client_share.ok_or(Fatal::internal("ServerHello without the client's share"))?;
    let share = KeyShare::generate(group)?;
    let random: [u8; 32] =
        rng::random_array().map_err(|_| Fatal::internal("random generator failed"))?;
    let extensions = [
        (
            ExtensionType::SUPPORTED_VERSIONS,
            SupportedVersionsServer(TLS1_3).to_bytes()?,
        ),
        (
            ExtensionType::KEY_SHARE,
            KeyShareServerHello(KeyShareEntry {
                group,
                key_exchange: &share.public,
            })
            .to_bytes()?,
        ),
    ];
    let hello = encode_server_hello(TLS1_2, &random, ch.session_id, suite.id, &extensions)?;
    let shared = share.agree(client_share.key_exchange)?;
    core.send_handshake(HandshakeType::SERVER_HELLO, &hello)?;
    core.record.enter_tls13();
    if !retried {
        send_compatibility_ccs(core);
    }
    core.transcript
        .start_hashing(&[transcript_hash(suite.hash)], false);
    let keys = HandshakeKeys::derive(core, suite, &shared)?;
    core.record.set_write_tls13(keys.protection(&keys.server));
    core.record.set_read_tls13(keys.protection(&keys.client));
    let ee = EncryptedExtensions {
        extensions: Vec::new(),
    };
    core.send_handshake(HandshakeType::ENCRYPTED_EXTENSIONS, &ee.to_bytes()?)?;
    let client_auth = core.server_options.client_auth;
    if client_auth {
        send_certificate_request(core)?;
    }
    send_certificate(core, &identity)?;
    let hash = keys.transcript(core)?;
    let verify = certificate_verify(&identity.key, scheme, true, &hash)?;
    core.send_handshake(HandshakeType::CERTIFICATE_VERIFY, &verify)?;
    let verify_data = keys.server.finished_verify_data(&keys.transcript(core)?);
    core.send_handshake(HandshakeType::FINISHED, &verify_data)?;
    let hash = keys.transcript(core)?;
    let HandshakeKeys {
        secret,
        client: client_handshake,
        ..
    } = keys;
    let master = secret.into_master_secret();
    let client_traffic = master.client_application_traffic_secret(&hash);
    let server_traffic = master.server_application_traffic_secret(&hash);
    core.record
        .set_write_tls13(server_traffic.record_protection(suite.aead));
    let flight = ClientFlight {
        suite,
        client_handshake,
        client_traffic,
        server_traffic,
        auth: AuthContext {
            client_auth_required: client_auth,
            ..AuthContext::new(&core.keys)
        },
    };
    if client_auth {
        Ok(Box::new(ExpectClientCertificate { flight }))
    } else {
        Ok(Box::new(ExpectClientFinished { flight }))
    }
}

/// CertificateRequest (RFC 8446 §4.3.2): the schemes we verify. As in TLS 1.2, a server
/// with no trusted CA cannot authenticate anyone and refuses (unless built to send an
/// empty request).
fn send_certificate_request(core: &mut Core) -> Result<(), Fatal> {
    if core.keys.ca_certs.is_empty() && !cfg!(feature = "server-empty-cert-request") {
        return Err(Fatal::handshake(
            "client authentication required but no trusted CA loaded",
        ));
    }
    let schemes = SignatureAlgorithms(VERIFY_SCHEMES.to_vec()).to_bytes()?;
    let request = CertificateRequest13 {
        context: &[],
        extensions: vec![Extension {
            typ: ExtensionType::SIGNATURE_ALGORITHMS,
            body: &schemes,
        }],
    };
    core.send_handshake(HandshakeType::CERTIFICATE_REQUEST, &request.to_bytes()?)
}

fn send_certificate(core: &mut Core, identity: &Identity) -> Result<(), Fatal> {
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
    .to_bytes()?;
    core.send_handshake(HandshakeType::CERTIFICATE, &body)
}

/// What the server keeps while the client's last flight is due.
struct ClientFlight {
    suite: &'static Tls13Suite,
    /// The client's handshake traffic secret: its flight and Finished come under it.
    client_handshake: TrafficSecret,
    client_traffic: TrafficSecret,
    server_traffic: TrafficSecret,
    auth: AuthContext,
}

struct ExpectClientCertificate {
    flight: ClientFlight,
}

impl State for ExpectClientCertificate {
    fn handle(self: Box<Self>, core: &mut Core, cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::CERTIFICATE)?;
        let msg = Certificate13::parse(m.body, ())?;
        if !msg.context.is_empty() {
            return Err(Fatal::illegal(
                "client Certificate with a context our request did not have",
            ));
        }
        core.transcript.add(m.raw);
        let mut flight = self.flight;
        if msg.entries.is_empty() {
            // RFC 8446 §4.4.2.4: certificate_required where 1.2 said handshake_failure.
            flight.auth.anonymous = crate::handshake::server::accept_missing_certificate(cb)
                .map_err(|f| {
                    if f.alert == AlertDescription::HANDSHAKE_FAILURE {
                        Fatal::new(
                            AlertDescription::CERTIFICATE_REQUIRED,
                            "client sent no certificate but one is required",
                        )
                    } else {
                        f
                    }
                })?;
            return Ok(Box::new(ExpectClientFinished { flight }));
        }
        let chain = parse_chain(&msg, false)?;
        flight.auth.peer = PeerIdentity::of_chain(msg.certs());
        Ok(Box::new(ExpectClientCertificateVerify { flight, chain }))
    }
}

struct ExpectClientCertificateVerify {
    flight: ClientFlight,
    chain: Vec<Arc<Certificate>>,
}

impl State for ExpectClientCertificateVerify {
    fn handle(self: Box<Self>, core: &mut Core, cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::CERTIFICATE_VERIFY)?;
        let mut flight = self.flight;
        let hash = core.transcript.digest(transcript_hash(flight.suite.hash))?;
        let offered: Vec<u16> = VERIFY_SCHEMES.iter().map(|s| s.0).collect();
        check_certificate_verify(m.body, &self.chain[0].public_key, &offered, false, &hash)?;
        flight.auth.anonymous =
            authenticate_peer_chain(core, cb, &self.chain, Usage::Client, KeyUse::Signature)?;
        core.transcript.add(m.raw);
        Ok(Box::new(ExpectClientFinished { flight }))
    }
}

struct ExpectClientFinished {
    flight: ClientFlight,
}

impl State for ExpectClientFinished {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::FINISHED)?;
        let f = self.flight;
        let hash = core.transcript.digest(transcript_hash(f.suite.hash))?;
        check_finished(&f.client_handshake, &hash, m.body)?;
        core.record
            .set_read_tls13(f.client_traffic.record_protection(f.suite.aead));
        establish::<false>(core, f.suite, f.client_traffic, f.server_traffic, f.auth)
    }
}
