//! TLS 1.3 (RFC 8446) handshake states and what both roles share: the signature rules of
//! CertificateVerify, the session a finished handshake leaves (traffic secrets for
//! KeyUpdate), and the established state that consumes post-handshake messages (ABI.md
//! D27: they never reach the application).
//!
//! The TLS ≤ 1.2 machines in `client.rs`/`server.rs` hand over here once the hellos say
//! TLS 1.3: the client when the ServerHello's supported_versions selects it, the server
//! when it selects it from the ClientHello's.

pub mod client;
pub mod post_auth;
pub mod server;

use std::sync::Arc;

use zeroize::Zeroizing;

use super::tls13_keys::{EarlySecret, HandshakeSecret, ResumptionMasterSecret, TrafficSecret};
use super::{AuthContext, Callbacks, Core, Input, Next, State};
use crate::client_sessions::Ticket13;
use crate::codec::Codec;
use crate::crypto::hash::HashAlgorithm;
use crate::crypto::tls13::Tls13Hash;
use crate::crypto::tls13_record::RecordProtection;
use crate::error::{AlertDescription, Fatal};
use crate::keys::Identity;
use crate::msgs::tls13::{
    Certificate13, CertificateAuthorities, CertificateEntry, CertificateRequest13, KeyUpdate,
    NewSessionTicket, certificate_authorities, certificate_verify_content,
    signature_algorithms_cert,
};
use crate::msgs::{
    DigitallySigned, Extension, ExtensionType, HandshakeType, SignatureAlgorithms, SignatureScheme,
};
use crate::pki::{Certificate, Curve, PrivateKey, PublicKey, sign, verify};
use crate::record::content;
use crate::suites::{TLS1_2, TLS1_3, Tls13Suite};

/// What an established TLS 1.3 connection keeps: the current generation of each
/// direction's application traffic secret (RFC 8446 §7.2: KeyUpdate derives the next).
pub struct Session13 {
    pub suite: &'static Tls13Suite,
    pub client_traffic: TrafficSecret,
    pub server_traffic: TrafficSecret,
    /// Client: what the server's tickets' PSKs derive from (RFC 8446 §4.6.1).
    pub resumption: Option<ResumptionMasterSecret>,
    /// Client: `latest_ticket` is not yet written to the application's session record (a
    /// flag rather than a second copy of the handle: 32 bytes less in every session).
    pub latest_ticket_unrecorded: bool,
    /// Client: the handle of the last ticket remembered (`matrixSslGetSessionId`).
    pub latest_ticket: Option<[u8; 32]>,
    /// We have sent a KeyUpdate on this session (see `receive_key_update`).
    pub key_update_sent: bool,
    /// The handshake transcript through the client's Finished, kept when the client offered
    /// post_handshake_auth: every post-handshake authentication is computed over it.
    pub pha_transcript: Option<super::Transcript>,
}

/// The transcript hash algorithm of a TLS 1.3 suite.
pub(crate) fn transcript_hash(hash: Tls13Hash) -> HashAlgorithm {
    match hash {
        Tls13Hash::Sha256 => HashAlgorithm::Sha256,
        Tls13Hash::Sha384 => HashAlgorithm::Sha384,
    }
}

/// The signature schemes TLS 1.3 allows in a CertificateVerify that we verify, in our order
/// of preference (RFC 8446 §4.2.3: no PKCS#1 v1.5, no SHA-1; an ECDSA scheme names its
/// curve). Offered in a CertificateRequest.
pub const VERIFY_SCHEMES: [SignatureScheme; 5] = [
    SignatureScheme::ECDSA_SECP256R1_SHA256,
    SignatureScheme::ECDSA_SECP384R1_SHA384,
    SignatureScheme::RSA_PSS_RSAE_SHA256,
    SignatureScheme::RSA_PSS_RSAE_SHA384,
    SignatureScheme::RSA_PSS_RSAE_SHA512,
];

/// The curve an ECDSA scheme is bound to in TLS 1.3.
fn scheme_curve(scheme: u16) -> Option<Curve> {
    match SignatureScheme(scheme) {
        SignatureScheme::ECDSA_SECP256R1_SHA256 => Some(Curve::P256),
        SignatureScheme::ECDSA_SECP384R1_SHA384 => Some(Curve::P384),
        _ => None,
    }
}

fn is_pss(scheme: u16) -> bool {
    matches!(
        SignatureScheme(scheme),
        SignatureScheme::RSA_PSS_RSAE_SHA256
            | SignatureScheme::RSA_PSS_RSAE_SHA384
            | SignatureScheme::RSA_PSS_RSAE_SHA512
    )
}

/// The scheme we sign a CertificateVerify with: the first of our key's schemes, in our
/// order, that TLS 1.3 allows for it and the peer offered.
pub(crate) fn signing_scheme(key: &PrivateKey, peer_schemes: &[u16]) -> Option<u16> {
    sign::supported_schemes_for(key)
        .into_iter()
        .filter(|&s| match key {
            PrivateKey::Rsa(_) => is_pss(s),
            PrivateKey::Ec(k) => scheme_curve(s) == Some(k.curve()),
        })
        .find(|s| peer_schemes.contains(s))
}

/// CertificateVerify (RFC 8446 §4.4.3) over `transcript_hash` (the hash up to and including
/// the Certificate), signed with `scheme`.
pub(crate) fn certificate_verify(
    key: &PrivateKey,
    scheme: u16,
    server: bool,
    transcript_hash: &[u8],
) -> Result<Vec<u8>, Fatal> {
    let content = certificate_verify_content(server, transcript_hash);
    let signature = sign::sign_with_scheme(key, scheme, &content)
        .map_err(|_| Fatal::internal("CertificateVerify signing failed"))?;
    Ok(DigitallySigned {
        scheme: Some(SignatureScheme(scheme)),
        signature: &signature,
    }
    .to_bytes()?)
}

/// Checks the peer's CertificateVerify: a scheme we offered (`offered`) that fits the
/// leaf key is illegal_parameter otherwise; a signature that does not verify is
/// decrypt_error (RFC 8446 §4.4.3).
pub(crate) fn check_certificate_verify(
    body: &[u8],
    leaf_key: &PublicKey,
    offered: &[u16],
    server: bool,
    transcript_hash: &[u8],
) -> Result<(), Fatal> {
    let cv = DigitallySigned::parse(body, TLS1_2)?;
    let scheme = cv.scheme.map_or(0, |s| s.0);
    let fits_key = match leaf_key {
        PublicKey::Rsa(_) => is_pss(scheme),
        PublicKey::Ec { curve_oid, .. } => {
            scheme_curve(scheme).is_some() && scheme_curve(scheme) == Curve::from_oid(curve_oid)
        }
        _ => false,
    };
    if !offered.contains(&scheme) || !fits_key {
        return Err(Fatal::illegal(
            "CertificateVerify scheme not offered or not fit for the certificate key",
        ));
    }
    let content = certificate_verify_content(server, transcript_hash);
    sign::verify_tls12(leaf_key, scheme, &content, cv.signature)
        .map_err(|_| Fatal::decrypt("CertificateVerify signature does not verify"))
}

/// The certificates of a TLS 1.3 Certificate message, parsed; `who` names the sender in
/// the alert's cause.
pub(crate) fn parse_chain(
    msg: &Certificate13<'_>,
    server: bool,
) -> Result<Vec<Arc<Certificate>>, Fatal> {
    msg.certs()
        .into_iter()
        .map(|der| Certificate::from_der(der).map(Arc::new))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            Fatal::new(
                AlertDescription::BAD_CERTIFICATE,
                if server {
                    "server certificate does not parse"
                } else {
                    "client certificate does not parse"
                },
            )
        })
}

/// The compatibility change_cipher_spec (RFC 8446 Appendix D.4), sent in the clear once
/// per handshake by each side.
pub(crate) fn send_compatibility_ccs(core: &mut Core) {
    crate::trace::event!(
        crate::trace::HANDSHAKE,
        "{}: sent ChangeCipherSpec (TLS 1.3 middlebox compatibility)",
        crate::trace::role(core.is_client)
    );
    core.record
        .write_records(&mut core.out, content::CHANGE_CIPHER_SPEC, &[1]);
}

/// Sends KeyUpdate (RFC 8446 §4.6.3) and moves our writes to the next generation of our
/// traffic secret. Post-handshake messages are not part of any transcript.
pub fn send_key_update(core: &mut Core, update_requested: bool) -> Result<(), Fatal> {
    const OUTSIDE: &str = "KeyUpdate outside an established TLS 1.3 session";
    // Checked before sending (nothing goes out outside a session), and the session is
    // borrowed again after: sending needs the whole core.
    if core.tls13.is_none() {
        return Err(Fatal::internal(OUTSIDE));
    }
    core.send_post_handshake(HandshakeType::KEY_UPDATE, &[u8::from(update_requested)])?;
    let session = core.tls13.as_mut().ok_or(Fatal::internal(OUTSIDE))?;
    let ours = if core.is_client {
        &mut session.client_traffic
    } else {
        &mut session.server_traffic
    };
    *ours = ours.next_generation();
    core.record
        .set_write_tls13(ours.record_protection(session.suite.aead));
    session.key_update_sent = true;
    Ok(())
}

/// The peer's KeyUpdate: its next records come under the next generation of its secret;
/// a request is answered with our own update (not requesting one back).
pub(crate) fn receive_key_update(
    core: &mut Core,
    body: &[u8],
    is_client: bool,
) -> Result<(), Fatal> {
    let update = KeyUpdate::parse(body, ())?;
    let session = core.tls13.as_mut().ok_or(Fatal::internal(
        "KeyUpdate outside an established TLS 1.3 session",
    ))?;
    let peers = if is_client {
        &mut session.server_traffic
    } else {
        &mut session.client_traffic
    };
    *peers = peers.next_generation();
    core.record
        .set_read_tls13(peers.record_protection(session.suite.aead));
    // Requests are coalesced, as OpenSSL does: while the KeyUpdate we queued is the last
    // record we wrote (its new key has protected nothing yet), it already answers a
    // further request, and a peer streaming requests cannot make us queue unbounded output.
    let answered = session.key_update_sent && core.record.records_under_write_key() == 0;
    if update.update_requested && !answered {
        send_key_update(core, false)?;
    }
    Ok(())
}

/// A NewSessionTicket (RFC 8446 §4.6.1): its PSK is derived and kept in the client session
/// table under a fresh handle, which the application's session record receives (D28). A
/// ticket with lifetime 0 is not kept.
fn receive_ticket(core: &mut Core, body: &[u8]) -> Result<(), Fatal> {
    let nst = NewSessionTicket::parse(body, ())?;
    let session = core.tls13.as_mut().ok_or(Fatal::internal(
        "NewSessionTicket outside a TLS 1.3 session",
    ))?;
    let Some(resumption) = &session.resumption else {
        return Ok(());
    };
    if nst.lifetime == 0 || !core.client_options.remember_sessions {
        return Ok(());
    }
    let psk = resumption.ticket_psk(nst.nonce);
    let ticket = Ticket13 {
        ticket: nst.ticket.to_vec(),
        psk: Zeroizing::new(psk.as_secret().as_bytes().to_vec()),
        suite: session.suite.id,
        age_add: nst.age_add,
        lifetime_secs: nst.lifetime,
        received: std::time::Instant::now(),
    };
    session.latest_ticket = core
        .config
        .client_sessions
        .remember_ticket(ticket, core.negotiated.auth.clone());
    session.latest_ticket_unrecorded = session.latest_ticket.is_some();
    Ok(())
}

/// A completed TLS 1.3 handshake. There is no renegotiation in TLS 1.3: the only handshake
/// messages left are KeyUpdate (both ways) and, to a client, NewSessionTicket and a
/// CertificateRequest (post-handshake authentication, which a client that did not offer
/// post_handshake_auth refuses with unexpected_message, RFC 8446 §4.6.2).
pub struct Established13<const IS_CLIENT: bool>;

impl<const IS_CLIENT: bool> State for Established13<IS_CLIENT> {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.handshake(HandshakeType::KEY_UPDATE)?;
        match m.typ {
            HandshakeType::KEY_UPDATE => {
                receive_key_update(core, m.body, IS_CLIENT)?;
            }
            HandshakeType::NEW_SESSION_TICKET if IS_CLIENT => {
                receive_ticket(core, m.body)?;
            }
            HandshakeType::CERTIFICATE_REQUEST if IS_CLIENT => {
                post_auth::answer(core, m.raw, m.body)?;
            }
            _ => {
                return Err(Fatal::unexpected(
                    "handshake message not allowed after the TLS 1.3 handshake",
                )
                .arrived(m.typ.name()));
            }
        }
        Ok(self)
    }

    fn is_established(&self) -> bool {
        true
    }
}

/// The handshake traffic secrets and the handshake secret they came from, once both
/// hellos are in the transcript (RFC 8446 §7.1).
pub(crate) struct HandshakeKeys {
    pub suite: &'static Tls13Suite,
    pub secret: HandshakeSecret,
    pub client: TrafficSecret,
    pub server: TrafficSecret,
}

impl HandshakeKeys {
    /// From the (EC)DHE shared secret and the transcript through ServerHello. No PSK: the
    /// early secret is the all-zero one.
    /// `early`: the early secret of the PSK the handshake resumes with, if any.
    pub fn derive(
        core: &Core,
        suite: &'static Tls13Suite,
        early: Option<EarlySecret>,
        shared: &[u8],
    ) -> Result<Self, Fatal> {
        let hello_hash = core.transcript.digest(transcript_hash(suite.hash))?;
        let early = early.unwrap_or_else(|| EarlySecret::without_psk(suite.hash));
        let secret = early.into_handshake_secret(shared);
        Ok(HandshakeKeys {
            suite,
            client: secret.client_traffic_secret(&hello_hash),
            server: secret.server_traffic_secret(&hello_hash),
            secret,
        })
    }

    /// The transcript hash so far under the suite's hash.
    pub fn transcript(&self, core: &Core) -> Result<Vec<u8>, Fatal> {
        core.transcript.digest(transcript_hash(self.suite.hash))
    }

    pub fn protection(&self, secret: &TrafficSecret) -> RecordProtection {
        secret.record_protection(self.suite.aead)
    }
}

/// Checks a Finished body against `secret`'s verify_data over `transcript_hash`: a wrong
/// length is decode_error, a wrong value decrypt_error (RFC 8446 §4.4.4).
pub(crate) fn check_finished(
    secret: &TrafficSecret,
    transcript_hash: &[u8],
    body: &[u8],
) -> Result<(), Fatal> {
    if body.len() != transcript_hash.len() {
        return Err(Fatal::decode("Finished verify_data of the wrong length"));
    }
    if secret.verify_finished(transcript_hash, body) {
        Ok(())
    } else {
        Err(Fatal::decrypt("Finished verify_data mismatch"))
    }
}

/// What a completed TLS 1.3 handshake leaves.
pub(crate) struct Established {
    pub suite: &'static Tls13Suite,
    pub client_traffic: TrafficSecret,
    pub server_traffic: TrafficSecret,
    pub resumption: ResumptionMasterSecret,
    pub auth: AuthContext,
    pub resumed: bool,
    /// The client offered post_handshake_auth (see `post_auth`).
    pub post_handshake_auth: bool,
}

/// Commits a completed TLS 1.3 handshake to the connection: what it negotiated and the
/// application traffic secrets (the record layer already uses them). The transcript is
/// dropped. A client keeps the resumption master secret for the tickets to come.
pub(crate) fn establish<const IS_CLIENT: bool>(core: &mut Core, e: Established) -> Next {
    let n = &mut core.negotiated;
    n.version = TLS1_3;
    n.suite = None;
    n.tls13_suite = Some(e.suite);
    n.session_id.clear();
    n.resumed = e.resumed;
    n.extended_master_secret = false;
    n.secure_renegotiation = false;
    n.auth = e.auth;
    core.tls13 = Some(Box::new(Session13 {
        suite: e.suite,
        client_traffic: e.client_traffic,
        server_traffic: e.server_traffic,
        resumption: IS_CLIENT.then_some(e.resumption),
        latest_ticket_unrecorded: false,
        latest_ticket: None,
        key_update_sent: false,
        pha_transcript: None,
    }));
    let transcript = std::mem::take(&mut core.transcript);
    if e.post_handshake_auth
        && let Some(session) = core.tls13.as_mut()
    {
        session.pha_transcript = Some(transcript);
    }
    Ok(Box::new(Established13::<IS_CLIENT>))
}

/// What the peer said about the certificates it accepts: in a ClientHello, or a
/// CertificateRequest (in the handshake or after it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CertificateWishes {
    /// signature_algorithms: the schemes our CertificateVerify may use.
    pub schemes: Vec<u16>,
    /// signature_algorithms_cert (RFC 8446 §4.2.3), when sent: the schemes of the
    /// signatures in our chain. Absent, signature_algorithms applies to them too.
    pub certificate_schemes: Option<Vec<u16>>,
    /// certificate_authorities (RFC 8446 §4.2.4), when sent: DER names of the CAs the peer
    /// trusts.
    pub authorities: Option<Vec<Vec<u8>>>,
}

impl CertificateWishes {
    /// From the extensions of a ClientHello or CertificateRequest whose
    /// signature_algorithms gave `schemes`: malformed optional extensions are decode_error.
    pub fn from_extensions(schemes: Vec<u16>, extensions: &[Extension<'_>]) -> Result<Self, Fatal> {
        Ok(CertificateWishes {
            schemes,
            certificate_schemes: signature_algorithms_cert(extensions)?,
            authorities: certificate_authorities(extensions)?
                .map(|names| names.into_iter().map(<[u8]>::to_vec).collect()),
        })
    }

    /// Every signature in `chain` uses a scheme the peer accepts (RFC 8446 §4.4.2.2). A
    /// self-signed certificate's own signature is left out: the peer trusts or distrusts
    /// that certificate as it is, and checks no signature of it.
    fn accepts_signatures_of(&self, chain: &[Arc<Certificate>]) -> bool {
        let accepted = self.certificate_schemes.as_ref().unwrap_or(&self.schemes);
        chain
            .iter()
            .filter(|c| c.subject.der != c.issuer.der)
            .all(|c| {
                verify::certificate_signature_scheme(&c.sig_alg_id)
                    .is_some_and(|s| accepted.contains(&s))
            })
    }

    /// The peer named no CAs, or `chain` reaches one it named: a certificate of the chain
    /// is issued by, or is, a named CA.
    fn accepts_issuer_of(&self, chain: &[Arc<Certificate>]) -> bool {
        self.authorities.as_ref().is_none_or(|names| {
            chain
                .iter()
                .any(|c| names.contains(&c.issuer.der) || names.contains(&c.subject.der))
        })
    }
}

/// The identity (and scheme) we authenticate with: of those that can sign a
/// CertificateVerify with one of the peer's schemes, the first in our order (ECDSA, then
/// RSA: ABI.md D26) whose chain reaches a CA the peer named and whose signatures the peer
/// accepts; failing that, one that at least reaches a named CA, then one whose signatures
/// are accepted, then the first that can sign. RFC 8446 §4.4.2.2 and §4.2.4 let us send a
/// chain the peer may not accept rather than none: the peer decides, and a client that
/// would be refused may still be let in anonymously by the server's callback.
pub(crate) fn choose_identity(core: &Core, wishes: &CertificateWishes) -> Option<(Identity, u16)> {
    [core.keys.ec_identity(), core.keys.rsa_identity()]
        .into_iter()
        .flatten()
        .filter_map(|id| signing_scheme(&id.key, &wishes.schemes).map(|s| (id, s)))
        // min_by_key keeps the first of equal keys: our order among equally good ones.
        .min_by_key(|(id, _)| {
            (
                !wishes.accepts_issuer_of(&id.chain),
                !wishes.accepts_signatures_of(&id.chain),
            )
        })
        .map(|(id, s)| (id.clone(), s))
}

/// Our signature_algorithms_cert body when it says something signature_algorithms
/// (`signature_algorithms`, what the same message lists) does not: the schemes chain
/// validation accepts in certificates. RFC 8446 §4.2.3 lets the extension be left out
/// when the lists are the same; we send it whenever they differ as sets, since
/// signature_algorithms alone would then claim or deny certificate schemes wrongly.
pub(crate) fn signature_algorithms_cert_body(
    signature_algorithms: &[u16],
) -> Result<Option<Vec<u8>>, crate::codec::TooLong> {
    let ours = verify::certificate_signature_schemes();
    let same = ours.len() == signature_algorithms.len()
        && ours.iter().all(|s| signature_algorithms.contains(s));
    if same {
        return Ok(None);
    }
    SignatureAlgorithms(ours.into_iter().map(SignatureScheme).collect())
        .to_bytes()
        .map(Some)
}

/// A TLS 1.3 CertificateRequest body (RFC 8446 §4.3.2) with `context`: the schemes we
/// verify in a CertificateVerify, those we accept in certificates when they differ, and
/// the names of our trusted CAs (certificate_authorities, §4.2.4; the TLS 1.2 request's
/// list, so the same limit: names that overflow the 2-byte list are an error, not a
/// truncated list). No CA loaded (a build that may request anyway): no names, since the
/// extension cannot be empty.
pub(crate) fn certificate_request_body(core: &Core, context: &[u8]) -> Result<Vec<u8>, Fatal> {
    let verify_schemes: Vec<u16> = VERIFY_SCHEMES.iter().map(|s| s.0).collect();
    let schemes = SignatureAlgorithms(VERIFY_SCHEMES.to_vec()).to_bytes()?;
    let certificate_schemes = signature_algorithms_cert_body(&verify_schemes)?;
    let authorities = if core.keys.ca_certs.is_empty() {
        None
    } else {
        let names = core.keys.ca_certs.iter().map(|ca| &ca.subject.der[..]);
        Some(CertificateAuthorities(names.collect()).to_bytes()?)
    };
    let mut extensions = vec![Extension {
        typ: ExtensionType::SIGNATURE_ALGORITHMS,
        body: &schemes,
    }];
    if let Some(body) = &certificate_schemes {
        extensions.push(Extension {
            typ: ExtensionType::SIGNATURE_ALGORITHMS_CERT,
            body,
        });
    }
    if let Some(body) = &authorities {
        extensions.push(Extension {
            typ: ExtensionType::CERTIFICATE_AUTHORITIES,
            body,
        });
    }
    Ok(CertificateRequest13 {
        context,
        extensions,
    }
    .to_bytes()?)
}

/// A Certificate message body (RFC 8446 §4.4.2): `identity`'s chain, or an empty list.
pub(crate) fn certificate_body(
    context: &[u8],
    identity: Option<&Identity>,
) -> Result<Vec<u8>, Fatal> {
    let entries = identity
        .map(|id| {
            id.chain
                .iter()
                .map(|c| CertificateEntry {
                    cert: &c.der,
                    extensions: &[],
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Certificate13 { context, entries }.to_bytes()?)
}

/// A client that sent an empty Certificate where one is required: the certificate
/// callback decides as in TLS 1.2 (`server::accept_missing_certificate`), and a refusal
/// is certificate_required where TLS 1.2 said handshake_failure (RFC 8446 §4.4.2.4).
pub(crate) fn accept_missing_client_certificate(cb: &mut dyn Callbacks) -> Result<bool, Fatal> {
    super::server::accept_missing_certificate(cb).map_err(|f| {
        if f.alert == AlertDescription::HANDSHAKE_FAILURE {
            Fatal::new(
                AlertDescription::CERTIFICATE_REQUIRED,
                "client sent no certificate but one is required",
            )
        } else {
            f
        }
    })
}
