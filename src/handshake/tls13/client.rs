//! TLS 1.3 client (RFC 8446 §2): what the ClientHello adds for TLS 1.3, then the states
//! from the ServerHello that selects TLS 1.3 (or a HelloRetryRequest) to our Finished.

use std::sync::Arc;

use super::{
    CertificateWishes, Established, HandshakeKeys, VERIFY_SCHEMES, certificate_body,
    certificate_verify, check_certificate_verify, check_finished, choose_identity, establish,
    send_compatibility_ccs, transcript_hash,
};
use zeroize::Zeroizing;

use crate::client_sessions::Ticket13;
use crate::codec::{Codec, TooLong};
use crate::crypto::tls13::Tls13Hash;
use crate::error::{AlertDescription, Fatal};
use crate::handshake::ecdhe::{self, KeyShare};
use crate::handshake::tls13_keys::retry_transcript_start;
use crate::handshake::tls13_keys::{EarlySecret, PskKind};
use crate::handshake::{
    AuthContext, Callbacks, Core, Input, Message, Next, PeerIdentity, State, Transcript,
    authenticate_peer_ders, parse_peer_leaf,
};
use crate::keys::Keys;
use crate::msgs::tls13::{
    Certificate13, CertificateRequest13, Cookie, EncryptedExtensions, HRR_RANDOM,
    KeyShareClientHello, KeyShareEntry, KeyShareHelloRetry, KeyShareServerHello, OfferedPsks,
    PskIdentity, PskKeyExchangeModes, SelectedPsk, SupportedVersionsClient,
    SupportedVersionsServer,
};
use crate::msgs::{ClientHello, Extension, ExtensionType, HandshakeType, ServerHello, find_ext};
use crate::pki::Certificate;
use crate::pki::verify::{KeyUse, Usage};
use crate::suites::{self, MIN_VERSION, TLS1_3, Tls13Suite};

/// What a client that offers TLS 1.3 remembers of its ClientHello until the ServerHello.
pub struct Offer {
    /// Our key share (one group: the server asks for another with a HelloRetryRequest).
    pub share: KeyShare,
    /// The legacy_session_id we sent, which a TLS 1.3 server echoes (RFC 8446 §4.1.3).
    pub session_id: Vec<u8>,
    /// The TLS 1.3 suites offered.
    pub suites: Vec<u16>,
    /// Application extension types, which the server may answer in EncryptedExtensions.
    pub user_extension_types: Vec<ExtensionType>,
    /// The PSK offered (a ticket, or an external PSK from LoadPsk), if any.
    pub psk: Option<OfferedPsk>,
}

/// A PSK offered in pre_shared_key (RFC 8446 §4.2.11): a ticket of a session to resume, or
/// an external PSK loaded with `matrixSslLoadPsk` (ABI.md D26), with the authentication
/// context a handshake with it carries.
pub struct OfferedPsk {
    pub identity: Vec<u8>,
    pub obfuscated_ticket_age: u32,
    pub psk: Zeroizing<Vec<u8>>,
    pub kind: PskKind,
    /// The hash the PSK is used with: the ticket's suite's, SHA-256 for an external PSK
    /// (RFC 8446 §4.2.11: the default when none was provisioned with it).
    pub hash: Tls13Hash,
    pub auth: AuthContext,
}

impl OfferedPsk {
    /// The ticket if it can still be offered with these suites: its suite is offered and it
    /// has not outlived the lifetime the server gave it.
    pub fn usable(ticket: Ticket13, auth: AuthContext, offered: &[u16]) -> Option<OfferedPsk> {
        let suite = suites::tls13_by_id(ticket.suite).filter(|s| offered.contains(&s.id))?;
        let elapsed = ticket.received.elapsed();
        if elapsed.as_secs() >= u64::from(ticket.lifetime_secs) {
            return None;
        }
        let age_ms = u32::try_from(elapsed.as_millis()).unwrap_or(u32::MAX);
        Some(OfferedPsk {
            identity: ticket.ticket,
            obfuscated_ticket_age: age_ms.wrapping_add(ticket.age_add),
            psk: ticket.psk,
            kind: PskKind::Resumption,
            hash: suite.hash,
            auth,
        })
    }

    /// The first PSK of the key container as an external PSK, if a SHA-256 suite is
    /// offered to use it with.
    pub fn external(keys: &Keys, offered: &[u16]) -> Option<OfferedPsk> {
        let psk = keys.first_psk()?;
        let sha256 = offered
            .iter()
            .any(|&id| suites::tls13_by_id(id).is_some_and(|s| s.hash == Tls13Hash::Sha256));
        sha256.then(|| OfferedPsk {
            identity: psk.identity.clone(),
            obfuscated_ticket_age: 0,
            psk: psk.key.clone(),
            kind: PskKind::External,
            hash: Tls13Hash::Sha256,
            auth: AuthContext {
                peer: PeerIdentity::Psk(psk.identity.clone()),
                ..AuthContext::new(keys)
            },
        })
    }

    fn early_secret(&self) -> EarlySecret {
        EarlySecret::with_psk(self.hash, &self.psk)
    }
}

/// psk_key_exchange_modes (psk_dhe_ke only: resumption stays forward secret, D28), sent
/// whenever TLS 1.3 is offered so that servers issue tickets; and, when a ticket is
/// offered, pre_shared_key with a zero binder that [`bind_psk`] fills in once the whole
/// ClientHello is encoded. pre_shared_key must be the last extension (RFC 8446 §4.2.11).
pub fn psk_extensions(offer: &Offer) -> Result<(Vec<u8>, Option<Vec<u8>>), TooLong> {
    let modes = PskKeyExchangeModes(&[PskKeyExchangeModes::PSK_DHE_KE]).to_bytes()?;
    let Some(psk) = &offer.psk else {
        return Ok((modes, None));
    };
    let zero_binder = vec![0u8; psk.hash.output_len()];
    let offered = OfferedPsks {
        identities: vec![PskIdentity {
            identity: &psk.identity,
            obfuscated_ticket_age: psk.obfuscated_ticket_age,
        }],
        binders: vec![&zero_binder],
    }
    .to_bytes()?;
    Ok((modes, Some(offered)))
}

/// Fills in the binder of the ClientHello `body` (whose last extension is our
/// pre_shared_key with one binder): the MAC over the transcript before it
/// (`transcript_prefix`: empty, or the first ClientHello's message_hash and the
/// HelloRetryRequest) and the hello up to the binders list (RFC 8446 §4.2.11.2).
pub fn bind_psk(body: &mut [u8], transcript_prefix: &[u8], psk: &OfferedPsk) -> Result<(), Fatal> {
    let binder_len = psk.hash.output_len();
    let binders_len = 2 + 1 + binder_len;
    let covered = body
        .len()
        .checked_sub(binders_len)
        .ok_or(Fatal::internal("ClientHello shorter than its binders"))?;
    let len = body.len();
    let mut hashed = transcript_prefix.to_vec();
    hashed.extend_from_slice(&[1, (len >> 16) as u8, (len >> 8) as u8, len as u8]);
    hashed.extend_from_slice(&body[..covered]);
    let binder = psk
        .early_secret()
        .binder_key(psk.kind)
        .binder(&psk.hash.digest(&hashed));
    body[len - binder_len..].copy_from_slice(&binder);
    Ok(())
}

/// The TLS 1.3 suites a client offers: the one the application named, or every enabled one
/// in the default order.
pub fn offered_suites(core: &Core, cipher_spec: u16) -> Vec<u16> {
    // A named suite that the application disabled is refused like a disabled TLS 1.2 one
    // (the caller turns the empty offer into PS_UNSUPPORTED_FAIL).
    if suites::tls13_by_id(cipher_spec).is_some() {
        return if core.config.suites.enabled(cipher_spec) {
            vec![cipher_spec]
        } else {
            Vec::new()
        };
    }
    suites::TLS13_SUITES
        .iter()
        .map(|s| s.id)
        .filter(|&id| core.config.suites.enabled(id))
        .collect()
}

/// supported_versions (every version from `max_version` down to our minimum, highest
/// first; only TLS 1.3 when `only_tls13`), key_share (one share, for our preferred group,
/// RFC 8446 §4.2.8) and, when `post_handshake_auth` (we hold an identity to answer with),
/// post_handshake_auth (§4.2.6).
pub fn hello_extensions(
    max_version: u16,
    only_tls13: bool,
    share: &KeyShare,
    post_handshake_auth: bool,
) -> Result<Vec<(ExtensionType, Vec<u8>)>, TooLong> {
    let low = if only_tls13 { TLS1_3 } else { MIN_VERSION };
    let versions = (low..=max_version).rev().collect();
    let mut extensions = Vec::new();
    if post_handshake_auth {
        extensions.push((ExtensionType::POST_HANDSHAKE_AUTH, Vec::new()));
    }
    extensions.extend([
        (
            ExtensionType::SUPPORTED_VERSIONS,
            SupportedVersionsClient(versions).to_bytes()?,
        ),
        (
            ExtensionType::KEY_SHARE,
            KeyShareClientHello(vec![KeyShareEntry {
                group: share.group,
                key_exchange: &share.public,
            }])
            .to_bytes()?,
        ),
    ]);
    Ok(extensions)
}

/// Where the TLS ≤ 1.2 ServerHello state hands over: the ServerHello selected TLS 1.3
/// (its supported_versions says so), or is a HelloRetryRequest.
pub fn on_server_hello(
    core: &mut Core,
    m: Message<'_>,
    sh: &ServerHello<'_>,
    offer: Offer,
) -> Next {
    if sh.random == HRR_RANDOM {
        return on_hello_retry_request(core, m, sh, offer);
    }
    accept_server_hello(core, m, sh, offer, None)
}

/// The checks every TLS 1.3 ServerHello and HelloRetryRequest share (RFC 8446 §4.1.3,
/// §4.1.4): the legacy fields, our session id echoed, a suite we offered and still enable.
fn check_hello_fields(
    core: &Core,
    sh: &ServerHello<'_>,
    offer: &Offer,
) -> Result<&'static Tls13Suite, Fatal> {
    if sh.version != suites::TLS1_2 || sh.compression != 0 {
        return Err(Fatal::illegal(
            "TLS 1.3 ServerHello legacy_version or compression wrong",
        ));
    }
    if sh.session_id != offer.session_id {
        return Err(Fatal::illegal(
            "TLS 1.3 ServerHello does not echo our legacy_session_id",
        ));
    }
    let suite = suites::tls13_by_id(sh.suite)
        .filter(|s| offer.suites.contains(&s.id))
        .ok_or(Fatal::illegal("TLS 1.3 ServerHello suite not offered"))?;
    if !core.config.suites.enabled(suite.id) {
        return Err(Fatal::handshake("TLS 1.3 ServerHello suite disabled"));
    }
    Ok(suite)
}

/// Extensions RFC 8446 §4.2 allows in EncryptedExtensions that our ClientHello never
/// requests (it sends no server_name, ALPN, max_fragment_length, ... of its own; those the
/// application adds go to its extension callback instead).
const EE_EXTENSIONS_NOT_REQUESTED: [ExtensionType; 8] = [
    ExtensionType::SERVER_NAME,
    ExtensionType(1),  // max_fragment_length
    ExtensionType(14), // use_srtp
    ExtensionType(15), // heartbeat
    ExtensionType(16), // application_layer_protocol_negotiation
    ExtensionType(19), // client_certificate_type
    ExtensionType(20), // server_certificate_type
    ExtensionType::EARLY_DATA,
];

/// The alert for an extension a server message carries but the message's own checks did
/// not accept (RFC 8446 §4.2). One this message may carry (`allowed_here`) but that we did
/// not request, or one we do not know at all, is a response to nothing we sent:
/// unsupported_extension. One we know (a registered type of this library, or one the
/// application put in the ClientHello) but that the table of §4.2 places in other
/// messages is illegal_parameter: "If an implementation receives an extension which it
/// recognizes and which is not specified for the message in which it appears, it MUST
/// abort the handshake with an illegal_parameter alert."
fn refused_extension(
    typ: ExtensionType,
    user_extension_types: &[ExtensionType],
    allowed_here: &[ExtensionType],
    (misplaced, unrequested): (&'static str, &'static str),
) -> Fatal {
    let recognized = typ.name() != "unknown" || user_extension_types.contains(&typ);
    if recognized && !allowed_here.contains(&typ) {
        Fatal::illegal(misplaced)
    } else {
        Fatal::new(AlertDescription::UNSUPPORTED_EXTENSION, unrequested)
    }
}

/// A HelloRetryRequest (RFC 8446 §4.1.4): the server wants a share for another group (or
/// echoes a cookie). We answer with the same ClientHello, the new share and the cookie;
/// the transcript restarts from a hash of the first ClientHello.
fn on_hello_retry_request(
    core: &mut Core,
    m: Message<'_>,
    hrr: &ServerHello<'_>,
    offer: Offer,
) -> Next {
    let suite = check_hello_fields(core, hrr, &offer)?;
    let mut group = None;
    let mut cookie = None;
    for e in &hrr.extensions {
        match e.typ {
            ExtensionType::SUPPORTED_VERSIONS => {}
            ExtensionType::KEY_SHARE => group = Some(KeyShareHelloRetry::parse(e.body, ())?.0),
            ExtensionType::COOKIE => cookie = Some(Cookie::parse(e.body, ())?.0),
            t => {
                return Err(refused_extension(
                    t,
                    &offer.user_extension_types,
                    &[],
                    (
                        "HelloRetryRequest extension of another message",
                        "HelloRetryRequest extension not offered",
                    ),
                ));
            }
        }
    }
    let share = match group {
        Some(g) if g == offer.share.group || !ecdhe::SUPPORTED_GROUPS.contains(&g) => {
            return Err(Fatal::illegal(
                "HelloRetryRequest selects a group we sent or did not offer",
            ));
        }
        Some(g) => KeyShare::generate(g)?,
        None if cookie.is_some() => offer.share,
        None => {
            return Err(Fatal::illegal(
                "HelloRetryRequest that would not change the ClientHello",
            ));
        }
    };
    let first_hello = core
        .transcript
        .messages()
        .ok_or(Fatal::internal("first ClientHello not kept"))?
        .to_vec();
    let mut second_hello = retry_hello(&first_hello, &share, cookie)?;
    core.transcript = Transcript::new();
    core.transcript
        .add(&retry_transcript_start(suite.hash, &first_hello));
    core.transcript.add(m.raw);
    // The binder covers the new transcript; a ticket whose hash is not the suite's could
    // not be accepted and is dropped (RFC 8446 §4.1.4).
    let psk = offer.psk.filter(|p| p.hash == suite.hash);
    match &psk {
        Some(p) => {
            let prefix = core.transcript.messages().unwrap_or_default().to_vec();
            bind_psk(&mut second_hello, &prefix, p)?;
        }
        None => second_hello = without_pre_shared_key(&second_hello)?,
    }
    core.record.enter_tls13();
    // Our one compatibility CCS goes before the second ClientHello (RFC 8446 D.4).
    send_compatibility_ccs(core);
    core.send_handshake(HandshakeType::CLIENT_HELLO, &second_hello)?;
    Ok(Box::new(ExpectServerHelloAfterRetry {
        offer: Offer {
            share,
            psk,
            ..offer
        },
        suite,
    }))
}

/// The second ClientHello: the first one with the key_share replaced and the cookie added
/// (RFC 8446 §4.1.2).
fn retry_hello(
    first_hello: &[u8],
    share: &KeyShare,
    cookie: Option<&[u8]>,
) -> Result<Vec<u8>, Fatal> {
    let body = first_hello
        .get(4..)
        .ok_or(Fatal::internal("first ClientHello truncated"))?;
    let mut ch = ClientHello::parse(body, ())?;
    let key_share = KeyShareClientHello(vec![KeyShareEntry {
        group: share.group,
        key_exchange: &share.public,
    }])
    .to_bytes()?;
    for e in &mut ch.extensions {
        if e.typ == ExtensionType::KEY_SHARE {
            e.body = &key_share;
        }
    }
    let cookie_body = cookie.map(|c| Cookie(c).to_bytes()).transpose()?;
    if let Some(body) = &cookie_body {
        ch.extensions.push(Extension {
            typ: ExtensionType::COOKIE,
            body,
        });
    }
    Ok(ch.to_bytes()?)
}

/// A ClientHello body without its pre_shared_key extension.
fn without_pre_shared_key(body: &[u8]) -> Result<Vec<u8>, Fatal> {
    let mut ch = ClientHello::parse(body, ())?;
    ch.extensions
        .retain(|e| e.typ != ExtensionType::PRE_SHARED_KEY);
    Ok(ch.to_bytes()?)
}

/// After a HelloRetryRequest only a TLS 1.3 ServerHello with the same suite may follow
/// (RFC 8446 §4.1.4); a second HelloRetryRequest is unexpected_message.
struct ExpectServerHelloAfterRetry {
    offer: Offer,
    suite: &'static Tls13Suite,
}

impl State for ExpectServerHelloAfterRetry {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::SERVER_HELLO)?;
        let sh = ServerHello::parse(m.body, ())?;
        if sh.random == HRR_RANDOM {
            return Err(Fatal::unexpected("a second HelloRetryRequest"));
        }
        let version = find_ext(&sh.extensions, ExtensionType::SUPPORTED_VERSIONS)
            .map(|b| SupportedVersionsServer::parse(b, ()))
            .transpose()?;
        if version.map(|v| v.0) != Some(TLS1_3) {
            return Err(Fatal::illegal(
                "ServerHello after a HelloRetryRequest does not select TLS 1.3",
            ));
        }
        if sh.suite != self.suite.id {
            return Err(Fatal::illegal(
                "ServerHello suite differs from the HelloRetryRequest's",
            ));
        }
        accept_server_hello(core, m, &sh, self.offer, Some(self.suite))
    }
}

/// A TLS 1.3 ServerHello: the key exchange completes and the handshake keys are installed
/// for reading (RFC 8446 §4.1.3, §4.2.8). `retried_with`: the suite of a preceding
/// HelloRetryRequest (our compatibility CCS is then already sent).
fn accept_server_hello(
    core: &mut Core,
    m: Message<'_>,
    sh: &ServerHello<'_>,
    offer: Offer,
    retried_with: Option<&'static Tls13Suite>,
) -> Next {
    let suite = check_hello_fields(core, sh, &offer)?;
    let mut server_share = None;
    let mut selected_psk = None;
    for e in &sh.extensions {
        match e.typ {
            ExtensionType::SUPPORTED_VERSIONS => {}
            ExtensionType::KEY_SHARE => {
                server_share = Some(KeyShareServerHello::parse(e.body, ())?.0)
            }
            ExtensionType::PRE_SHARED_KEY if offer.psk.is_some() => {
                selected_psk = Some(SelectedPsk::parse(e.body, ())?.0);
            }
            // A pre_shared_key answering no PSK of ours is unsolicited.
            t => {
                return Err(refused_extension(
                    t,
                    &offer.user_extension_types,
                    &[ExtensionType::PRE_SHARED_KEY],
                    (
                        "TLS 1.3 ServerHello extension of another message",
                        "TLS 1.3 ServerHello extension not offered",
                    ),
                ));
            }
        }
    }
    let server_share = server_share.ok_or(Fatal::new(
        AlertDescription::MISSING_EXTENSION,
        "TLS 1.3 ServerHello without key_share",
    ))?;
    if server_share.group != offer.share.group {
        return Err(Fatal::illegal(
            "ServerHello key_share for a group we sent no share for",
        ));
    }
    // The server takes only the identity we sent, with a suite of the PSK's hash (RFC 8446
    // §4.2.11).
    let resumed = match (selected_psk, offer.psk) {
        (None, _) => None,
        (Some(0), Some(psk)) if psk.hash == suite.hash => Some(psk),
        _ => {
            return Err(Fatal::illegal(
                "ServerHello selects a PSK we did not offer or of another hash",
            ));
        }
    };
    let shared = offer.share.agree(server_share.key_exchange)?;
    core.transcript.add(m.raw);
    core.transcript
        .start_hashing(&[transcript_hash(suite.hash)], false);
    let early = resumed.as_ref().map(OfferedPsk::early_secret);
    let keys = HandshakeKeys::derive(core, suite, early, &shared)?;
    core.record.enter_tls13();
    core.record.set_read_tls13(keys.protection(&keys.server));
    core.negotiated.secure_renegotiation = false;
    Ok(Box::new(ExpectEncryptedExtensions {
        keys,
        user_extension_types: offer.user_extension_types,
        ccs_sent: retried_with.is_some(),
        psk: resumed.map(|p| (p.auth, p.kind == PskKind::Resumption)),
    }))
}

struct ExpectEncryptedExtensions {
    keys: HandshakeKeys,
    user_extension_types: Vec<ExtensionType>,
    ccs_sent: bool,
    /// The server accepted our PSK: the handshake's authentication, whether it resumes a
    /// session (a ticket, not an external PSK), and no certificate follows.
    psk: Option<(AuthContext, bool)>,
}

impl State for ExpectEncryptedExtensions {
    fn handle(self: Box<Self>, core: &mut Core, cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::ENCRYPTED_EXTENSIONS)?;
        let ee = EncryptedExtensions::parse(m.body, ())?;
        for e in &ee.extensions {
            match e.typ {
                // Informational (RFC 8446 §4.2.7): the server's groups.
                ExtensionType::SUPPORTED_GROUPS => {}
                ExtensionType::SUPPORTED_VERSIONS
                | ExtensionType::KEY_SHARE
                | ExtensionType::PRE_SHARED_KEY
                | ExtensionType::PSK_KEY_EXCHANGE_MODES
                | ExtensionType::COOKIE
                | ExtensionType::SIGNATURE_ALGORITHMS
                | ExtensionType::SIGNATURE_ALGORITHMS_CERT => {
                    return Err(Fatal::illegal(
                        "EncryptedExtensions carries an extension not allowed there",
                    ));
                }
                t if self.user_extension_types.contains(&t) => {
                    if cb.extension(t.0, e.body) < 0 {
                        return Err(Fatal::new(
                            AlertDescription::UNSUPPORTED_EXTENSION,
                            "EncryptedExtensions extension refused by the extension callback",
                        ));
                    }
                }
                t => {
                    return Err(refused_extension(
                        t,
                        &self.user_extension_types,
                        &EE_EXTENSIONS_NOT_REQUESTED,
                        (
                            "EncryptedExtensions extension of another message",
                            "EncryptedExtensions extension not offered",
                        ),
                    ));
                }
            }
        }
        core.transcript.add(m.raw);
        if let Some((auth, resumed)) = self.psk {
            return Ok(Box::new(ExpectFinished {
                keys: self.keys,
                ccs_sent: self.ccs_sent,
                certificate_request: None,
                auth,
                resumed,
            }));
        }
        Ok(Box::new(ExpectCertificate {
            keys: self.keys,
            ccs_sent: self.ccs_sent,
            certificate_request: None,
        }))
    }
}

/// The server's Certificate, possibly preceded by a CertificateRequest.
struct ExpectCertificate {
    keys: HandshakeKeys,
    ccs_sent: bool,
    /// What the server's CertificateRequest asked for, if it sent one.
    certificate_request: Option<CertificateWishes>,
}

impl State for ExpectCertificate {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.handshake(HandshakeType::CERTIFICATE)?;
        if m.typ == HandshakeType::CERTIFICATE_REQUEST && self.certificate_request.is_none() {
            let request = CertificateRequest13::parse(m.body, ())?;
            if !request.context.is_empty() {
                return Err(Fatal::illegal(
                    "CertificateRequest in the handshake with a non-empty context",
                ));
            }
            let wishes = CertificateWishes::from_extensions(
                request.signature_schemes()?,
                &request.extensions,
            )?;
            core.transcript.add(m.raw);
            return Ok(Box::new(ExpectCertificate {
                certificate_request: Some(wishes),
                ..*self
            }));
        }
        let m = m.of_type(HandshakeType::CERTIFICATE)?;
        let msg = Certificate13::parse(m.body, ())?;
        if !msg.context.is_empty() {
            return Err(Fatal::illegal(
                "server Certificate with a non-empty request context",
            ));
        }
        if msg.entries.is_empty() {
            return Err(Fatal::decode("server Certificate message is empty"));
        }
        let certs = msg.certs();
        let leaf = parse_peer_leaf(&certs, SERVER_CHAIN_UNPARSED)?;
        // Until the CertificateVerify, the rest of the chain waits as received: parsed
        // again only if the callback is to see it or webpki refuses it.
        let intermediates = certs[1..].iter().map(|der| der.to_vec()).collect();
        let peer = PeerIdentity::of_chain(certs);
        core.transcript.add(m.raw);
        Ok(Box::new(ExpectCertificateVerify {
            keys: self.keys,
            ccs_sent: self.ccs_sent,
            certificate_request: self.certificate_request,
            leaf,
            intermediates,
            peer,
        }))
    }
}

/// The cause of the bad_certificate alert for a server chain that does not parse.
const SERVER_CHAIN_UNPARSED: &str = "server certificate does not parse";

struct ExpectCertificateVerify {
    keys: HandshakeKeys,
    ccs_sent: bool,
    certificate_request: Option<CertificateWishes>,
    leaf: Arc<Certificate>,
    /// The DER of the certificates after the leaf.
    intermediates: Vec<Vec<u8>>,
    peer: PeerIdentity,
}

impl State for ExpectCertificateVerify {
    fn handle(self: Box<Self>, core: &mut Core, cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::CERTIFICATE_VERIFY)?;
        let hash = self.keys.transcript(core)?;
        let offered: Vec<u16> = VERIFY_SCHEMES.iter().map(|s| s.0).collect();
        check_certificate_verify(m.body, &self.leaf.public_key, &offered, true, &hash)?;
        // The chain is judged (and shown to the certificate callback) only once the server
        // proved it holds the leaf's key (ABI.md D26).
        let mut auth = AuthContext::new(&core.keys);
        let intermediates: Vec<&[u8]> = self.intermediates.iter().map(Vec::as_slice).collect();
        auth.anonymous = authenticate_peer_ders(
            core,
            cb,
            &self.leaf,
            &intermediates,
            Usage::Server,
            KeyUse::Signature,
            SERVER_CHAIN_UNPARSED,
        )?;
        auth.peer = self.peer;
        core.transcript.add(m.raw);
        Ok(Box::new(ExpectFinished {
            keys: self.keys,
            ccs_sent: self.ccs_sent,
            certificate_request: self.certificate_request,
            auth,
            resumed: false,
        }))
    }
}

struct ExpectFinished {
    keys: HandshakeKeys,
    ccs_sent: bool,
    certificate_request: Option<CertificateWishes>,
    auth: AuthContext,
    resumed: bool,
}

impl State for ExpectFinished {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::FINISHED)?;
        let keys = self.keys;
        check_finished(&keys.server, &keys.transcript(core)?, m.body)?;
        core.transcript.add(m.raw);
        let hash = keys.transcript(core)?;
        let suite = keys.suite;
        let master = keys.secret.into_master_secret();
        let client_traffic = master.client_application_traffic_secret(&hash);
        let server_traffic = master.server_application_traffic_secret(&hash);
        core.record
            .set_read_tls13(server_traffic.record_protection(suite.aead));
        if !self.ccs_sent {
            send_compatibility_ccs(core);
        }
        core.record
            .set_write_tls13(keys.client.record_protection(suite.aead));
        if let Some(wishes) = &self.certificate_request {
            send_client_certificate(core, suite, wishes)?;
        }
        let verify_data = keys
            .client
            .finished_verify_data(&core.transcript.digest(transcript_hash(suite.hash))?);
        core.send_handshake(HandshakeType::FINISHED, &verify_data)?;
        core.record
            .set_write_tls13(client_traffic.record_protection(suite.aead));
        let resumption =
            master.resumption_master_secret(&core.transcript.digest(transcript_hash(suite.hash))?);
        establish::<true>(
            core,
            Established {
                suite,
                client_traffic,
                server_traffic,
                resumption,
                auth: self.auth,
                resumed: self.resumed,
                post_handshake_auth: core.client_options.post_handshake_auth,
            },
        )
    }
}

/// Our answer to a CertificateRequest (RFC 8446 §4.4.2, §4.4.3): the chain of an identity
/// that can sign with one of the server's schemes (`choose_identity`: preferably one the
/// server's CA names and certificate schemes accept), and its CertificateVerify; an empty
/// Certificate when we have none (the server decides whether that is acceptable).
fn send_client_certificate(
    core: &mut Core,
    suite: &'static Tls13Suite,
    wishes: &CertificateWishes,
) -> Result<(), Fatal> {
    let chosen = choose_identity(core, wishes);
    let body = certificate_body(&[], chosen.as_ref().map(|(id, _)| id))?;
    core.send_handshake(HandshakeType::CERTIFICATE, &body)?;
    let Some((identity, scheme)) = chosen else {
        return Ok(());
    };
    let hash = core.transcript.digest(transcript_hash(suite.hash))?;
    let verify = certificate_verify(&identity.key, scheme, false, &hash)?;
    core.send_handshake(HandshakeType::CERTIFICATE_VERIFY, &verify)
}
