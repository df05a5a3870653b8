//! Server handshake states: RSA and ECDHE key exchange, full and resumed handshakes.

use zeroize::Zeroizing;

use super::ecdhe::{self, KeyShare};
use super::finished::{
    ExpectChangeCipherSpec, PendingSession, send_change_cipher_spec_and_finished,
};
use super::{
    AuthContext, Callbacks, Core, Input, KeySchedule, Next, PeerIdentity, State,
    authenticate_peer_chain, check_renegotiation_peer, tls13,
};
use crate::codec::Codec;
use crate::crypto::dh::{DhGroup, DhKeyPair};
use crate::crypto::rng;
use crate::error::{AlertDescription, Fatal, alert};
use crate::keys::Identity;
use crate::msgs::tls13::{DOWNGRADE_TLS11, DOWNGRADE_TLS12, SupportedVersionsClient};
use crate::msgs::{
    self, CertificateMsg, CertificateRequest, CertificateVerify, ClientExchange, ClientHello,
    ClientKeyExchange, DigitallySigned, EcPointFormats, ExtendedMasterSecret, ExtensionType,
    HandshakeType, ServerKeyExchange, ServerKeyExchangeParams, ServerNameList, SignatureAlgorithms,
    SignatureScheme, SupportedGroups, find_ext,
};
use crate::pki::verify::{KeyUse, Usage};
use crate::pki::{Certificate, PrivateKey, PublicKey, sign};
use crate::session_cache::{self, CachedSession};
use crate::suites::{
    self, CipherSuite, KeyExchange, MIN_VERSION, TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS1_2, TLS1_3,
};
use std::sync::Arc;

/// The suites one server session refuses (`matrixSslSetCipherSuiteEnabledStatus` on a
/// session): at most [`DisabledSuites::CAPACITY`], as in 3.3, held in place so that the
/// usual empty list costs an idle session no allocation and few bytes.
#[derive(Clone, Default)]
pub struct DisabledSuites {
    ids: [u16; DisabledSuites::CAPACITY],
    len: u8,
}

impl DisabledSuites {
    /// 3.3's SSL_MAX_DISABLED_CIPHERS.
    pub const CAPACITY: usize = 8;

    pub fn contains(&self, id: &u16) -> bool {
        self.ids[..usize::from(self.len)].contains(id)
    }

    /// Adds `id`; false, and nothing changed, when the list is full.
    pub fn disable(&mut self, id: u16) -> bool {
        if self.contains(&id) {
            return true;
        }
        let Some(slot) = self.ids.get_mut(usize::from(self.len)) else {
            return false;
        };
        *slot = id;
        self.len += 1;
        true
    }

    pub fn enable(&mut self, id: u16) {
        let len = usize::from(self.len);
        if let Some(i) = self.ids[..len].iter().position(|&d| d == id) {
            self.ids.copy_within(i + 1..len, i);
            self.len -= 1;
        }
    }
}

/// Per-session restrictions set through the API before the ClientHello arrives.
#[derive(Clone)]
pub struct ServerOptions {
    pub disabled_suites: DisabledSuites,
    /// Highest version this session negotiates.
    pub max_version: u16,
    /// Request and verify a client certificate in full handshakes.
    pub client_auth: bool,
    /// Accept RFC 7627's extended master secret. Always on through the C API; off only to
    /// play a server without it (tests of the triple-handshake defences).
    pub extended_master_secret: bool,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            disabled_suites: DisabledSuites::default(),
            max_version: suites::MAX_VERSION,
            client_auth: false,
            extended_master_secret: true,
        }
    }
}

/// What the server carries from ClientHello to the end of the handshake.
struct Params {
    ks: KeySchedule,
    client_random: [u8; 32],
    server_random: [u8; 32],
    client_version: u16,
    session_id: Vec<u8>,
    extended_master_secret: bool,
    /// What this handshake authenticates, committed to the connection at Finished.
    auth: AuthContext,
}

impl Params {
    /// What the ChangeCipherSpec/Finished exchange commits, once the keys are installed.
    fn into_session(self, master: Zeroizing<[u8; 48]>, resumed: bool) -> PendingSession {
        PendingSession {
            ks: self.ks,
            master,
            session_id: self.session_id,
            extended_master_secret: self.extended_master_secret,
            resumed,
            auth: self.auth,
        }
    }
}

pub struct ExpectClientHello;

/// ServerHello.random for a handshake at `version`. A server that could have spoken a
/// higher version (`max_version`) marks the last 8 bytes so that a client that offered it
/// detects the downgrade (RFC 8446 §4.1.3).
fn server_random(version: u16, max_version: u16) -> Result<[u8; 32], Fatal> {
    let mut random: [u8; 32] =
        rng::random_array().map_err(|_| Fatal::internal("random generator failed"))?;
    random[..4].copy_from_slice(&rng::gmt_unix_time().to_be_bytes());
    if max_version >= TLS1_3 && version == TLS1_2 {
        random[24..].copy_from_slice(&DOWNGRADE_TLS12);
    } else if max_version >= TLS1_2 && version < TLS1_2 {
        random[24..].copy_from_slice(&DOWNGRADE_TLS11);
    }
    Ok(random)
}

/// The highest version this server session could speak with any client: its cap, but TLS
/// 1.2 when every TLS 1.3 suite is disabled for it (a server that cannot speak 1.3 writes
/// no TLS 1.3 downgrade sentinel, so clients offering 1.3 still reach it over 1.2).
fn tls13_capable_max(core: &Core) -> u16 {
    let tls13_suite_enabled = suites::TLS13_SUITES.iter().any(|s| {
        core.config.suites.enabled(s.id) && !core.server_options.disabled_suites.contains(&s.id)
    });
    if tls13_suite_enabled {
        core.server_options.max_version
    } else {
        core.server_options.max_version.min(TLS1_2)
    }
}

/// What the ClientHello says about elliptic curves and signatures.
#[derive(Clone)]
struct ClientCapabilities {
    /// The group we would use for ECDHE, if the client can do it with us at all.
    ecdhe_group: Option<u16>,
    /// The group we would use for a DHE suite, if the client accepts one of ours (see
    /// [`dhe_group`]).
    dhe_group: Option<Arc<DhGroup>>,
    /// supported_groups names FFDHE groups (RFC 7919 §4: the client is RFC 7919-aware).
    names_ffdhe: bool,
    /// signature_algorithms (TLS 1.2), with RFC 5246 §7.4.1.4.1's default when absent.
    signature_schemes: Vec<SignatureScheme>,
    /// supported_groups as sent (None: the extension was absent, any curve will do).
    groups: Option<Vec<u16>>,
}

impl ClientCapabilities {
    fn from_hello(core: &Core, ch: &ClientHello<'_>, version: u16) -> Result<Self, Fatal> {
        // supported_groups as sent; RFC 8422 §4: without it the client supports any curve,
        // and ECDHE picks P-256.
        let sent_groups = match find_ext(&ch.extensions, ExtensionType::SUPPORTED_GROUPS) {
            Some(body) => Some(SupportedGroups::parse(body, ())?.0),
            None => None,
        };
        let curves = sent_groups.as_deref().unwrap_or(&[ecdhe::SECP256R1]);
        let uncompressed = match find_ext(&ch.extensions, ExtensionType::EC_POINT_FORMATS) {
            Some(body) => EcPointFormats::parse(body, ())?.has_uncompressed(),
            None => true,
        };
        // RFC 8422 §5.1.2: a client naming one of its curves must accept uncompressed points.
        if !uncompressed
            && sent_groups
                .iter()
                .flatten()
                .any(|g| RFC8422_CURVES.contains(g))
        {
            return Err(Fatal::illegal("ec_point_formats lacks uncompressed"));
        }
        let ecdhe_group = ecdhe::SUPPORTED_GROUPS
            .iter()
            .copied()
            .find(|g| uncompressed && curves.contains(g));
        let signature_schemes = match find_ext(&ch.extensions, ExtensionType::SIGNATURE_ALGORITHMS)
        {
            Some(body) if version >= TLS1_2 => SignatureAlgorithms::parse(body, ())?.0,
            _ => vec![SignatureScheme::RSA_PKCS1_SHA1, SignatureScheme::ECDSA_SHA1],
        };
        let ffdhe_offered: Vec<u16> = sent_groups
            .iter()
            .flatten()
            .copied()
            .filter(|g| FFDHE_CODEPOINTS.contains(g))
            .collect();
        Ok(ClientCapabilities {
            ecdhe_group,
            dhe_group: dhe_group(core, &ffdhe_offered),
            names_ffdhe: !ffdhe_offered.is_empty(),
            signature_schemes,
            groups: sent_groups,
        })
    }
}

/// The curves RFC 8422 §5.1.1 defines: secp256r1, secp384r1, secp521r1, x25519, x448.
const RFC8422_CURVES: [u16; 5] = [23, 24, 25, 29, 30];

/// RFC 7919 §2: the supported_groups range of FFDHE groups, known to us or not.
const FFDHE_CODEPOINTS: std::ops::RangeInclusive<u16> = 256..=511;

/// The DHE group for a client whose supported_groups lists `ffdhe_offered` (in its order).
/// RFC 7919 §4: a client that names no FFDHE group takes any group, so the server's own
/// (loaded parameters, else ffdhe2048); one that names some gets one of them or no DHE at
/// all: our own group if it is one of them, else the first one we know (all five RFC 7919
/// groups), else none.
fn dhe_group(core: &Core, ffdhe_offered: &[u16]) -> Option<Arc<DhGroup>> {
    let ours = core.keys.server_dh_group();
    if ffdhe_offered.is_empty()
        || ours
            .ffdhe_id()
            .is_some_and(|id| ffdhe_offered.contains(&id))
    {
        return Some(ours);
    }
    ffdhe_offered
        .iter()
        .find_map(|&id| crate::keys::ffdhe_group(id))
}

/// The identity that authenticates `kx`.
fn identity_for(core: &Core, kx: KeyExchange) -> Option<&Identity> {
    if kx.needs_ec_identity() {
        core.keys.ec_identity()
    } else {
        core.keys.rsa_identity()
    }
}

/// Can we sign ServerKeyExchange with `identity` in a way the client accepts?
fn can_sign(identity: &Identity, caps: &ClientCapabilities, version: u16) -> bool {
    if version < TLS1_2 {
        return sign::can_sign_legacy(&identity.key);
    }
    let ours = sign::supported_schemes_for(&identity.key);
    ours.iter()
        .any(|&s| caps.signature_schemes.contains(&SignatureScheme(s)))
}

/// Can this server run key exchange `kx` with this client at all?
fn can_serve(core: &Core, kx: KeyExchange, version: u16, caps: &ClientCapabilities) -> bool {
    if kx.uses_psk() {
        return !core.keys.psks.is_empty();
    }
    if kx.is_dhe() && caps.dhe_group.is_none() {
        return false;
    }
    if kx == KeyExchange::DhAnon {
        return true;
    }
    if kx == KeyExchange::DheDss {
        // No DSA private key can be loaded (no constant-time DSA signer): client only.
        return false;
    }
    identity_for(core, kx).is_some_and(|id| match kx {
        KeyExchange::Rsa => true,
        KeyExchange::DheRsa => can_sign(id, caps, version),
        KeyExchange::EcdheEcdsa => {
            caps.ecdhe_group.is_some() && can_sign(id, caps, version) && curve_offered(id, caps)
        }
        _ => caps.ecdhe_group.is_some() && can_sign(id, caps, version),
    })
}

/// RFC 8422 §5.1: supported_groups also bounds the curve of an ECDSA certificate.
fn curve_offered(identity: &Identity, caps: &ClientCapabilities) -> bool {
    let Some(groups) = &caps.groups else {
        return true;
    };
    match &identity.chain[0].public_key {
        PublicKey::Ec { curve_oid, .. } => crate::pki::eckey::Curve::from_oid(curve_oid)
            .is_some_and(|c| groups.contains(&c.named_group())),
        _ => false,
    }
}

/// Server preference order among the suites offered, limited to what our identities can
/// authenticate and the client's groups and signature algorithms allow.
///
/// A TLS 1.2 ClientHello's signature_algorithms_cert (which RFC 8446 §4.2.3 says TLS 1.2
/// implementations SHOULD process) does not reorder this choice: here the suite fixes the
/// identity (ECDHE_ECDSA the ECDSA one, the others the RSA one), so honouring it would mean
/// overriding the suite preference order (ABI.md D5) on a hint, and RFC 8446 §4.4.2.2's
/// rule of sending a chain anyway when none fits leaves the verdict to the client.
fn choose_suite(
    core: &Core,
    offered: &[u16],
    version: u16,
    caps: &ClientCapabilities,
) -> Option<&'static CipherSuite> {
    let options = &core.server_options;
    suites::ALL.iter().find(|s| {
        offered.contains(&s.id)
            && core.config.suites.enabled(s.id)
            && !options.disabled_suites.contains(&s.id)
            && s.usable_with(version)
            && can_serve(core, s.kx, version, caps)
    })
}

/// May the ClientHello resume this cached session? Only where everything the session was
/// made under still holds; otherwise a full handshake follows (never an error):
/// - the same version, and a suite this session may still use (that the hello offers it
///   is the client's duty, checked in `resumable_session`);
/// - the same key container contents (our identity, the CAs that verified the client, the
///   PSKs), so a session from a listener with other keys is not resumed here;
/// - the same client-authentication requirement, so a session made without client
///   authentication (on another listener, or before it was required) does not skip it;
///   a PSK session only while its identity is still loaded;
/// - in a renegotiation: never while client authentication is being added to the
///   connection (a rehandshake that adds a certificate callback), and only a session of the
///   peer this connection already authenticated (RFC 7627 §5.4: no resumption across
///   connections with a different peer identity).
fn may_resume(core: &Core, cached: &session_cache::CachedSession, version: u16) -> bool {
    let options = &core.server_options;
    let same_protection = cached.version == version
        && core.config.suites.enabled(cached.suite)
        && !options.disabled_suites.contains(&cached.suite);
    let same_context = cached.auth.keys == core.keys.context_digest()
        && cached.auth.client_auth_required == options.client_auth
        && match &cached.auth.peer {
            PeerIdentity::Psk(identity) => core.keys.psk_for_identity(identity).is_some(),
            _ => true,
        };
    let n = &core.negotiated;
    let renegotiation_ok = n.version == 0
        || (n.auth.client_auth_required == options.client_auth && n.auth.peer == cached.auth.peer);
    same_protection && same_context && renegotiation_ok
}

impl State for ExpectClientHello {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::CLIENT_HELLO)?;
        let ch = ClientHello::parse(m.body, ())?;
        check_legacy_version(&ch)?;
        check_server_name(&ch)?;
        // TLS 1.3 has no renegotiation: a connection that negotiated TLS ≤ 1.2 stays there.
        // The version is chosen before the suite (RFC 8446 §4.2.1, as OpenSSL and GnuTLS
        // do): a client offering TLS 1.3 to a server that speaks it gets TLS 1.3, and a
        // handshake_failure when it offers none of our 1.3 suites. Falling back to 1.2
        // there would answer a 1.3 client with a downgrade it must refuse (§4.1.3).
        if core.negotiated.version == 0
            && tls13_capable_max(core) >= TLS1_3
            && tls13::server::offers_tls13(&ch)?
        {
            return tls13::server::on_client_hello(core, m, &ch);
        }
        let version = negotiate_version(core, &ch)?;
        let secure_renegotiation = check_renegotiation_info(core, &ch)?;
        let ems = extended_master_secret(core, &ch, version)?;
        let resumable = resumable_session(core, &ch, version, ems)?;
        let caps = ClientCapabilities::from_hello(core, &ch, version)?;
        let (suite, session_id, auth) = match &resumable {
            // A resumed session is authenticated as the session it resumes was.
            Some(cached) => (
                suites::by_id(cached.suite)
                    .ok_or(Fatal::internal("cached session suite unknown"))?,
                cached.id.to_vec(),
                cached.auth.clone(),
            ),
            None => new_session(core, &ch, version, &caps)?,
        };
        core.transcript.add(m.raw);
        let params = Params {
            ks: KeySchedule { suite, version },
            client_random: ch.random,
            server_random: server_random(version, tls13_capable_max(core))?,
            client_version: ch.version,
            session_id,
            extended_master_secret: ems,
            auth,
        };
        send_server_hello(core, &ch, &params, secure_renegotiation)?;
        start_transcript_hashing(core, &params.ks, resumable.is_none());
        match resumable {
            Some(cached) => send_resumed_finished(core, params, cached),
            None => send_full_flight(core, params, &caps),
        }
    }
}

/// RFC 8446 Appendix D.5: a ClientHello carrying supported_versions (so from a client that
/// knows TLS 1.3's negotiation) with legacy_version 0x0300 or below is refused with
/// protocol_version, whatever versions the extension lists. Such a client never speaks SSL
/// 3.0, whose ClientHello has no extensions of this kind.
fn check_legacy_version(ch: &ClientHello<'_>) -> Result<(), Fatal> {
    if ch.version <= suites::SSL3
        && find_ext(&ch.extensions, ExtensionType::SUPPORTED_VERSIONS).is_some()
    {
        return Err(Fatal::new(
            AlertDescription::PROTOCOL_VERSION,
            "ClientHello legacy_version 0x0300 or below with supported_versions",
        ));
    }
    Ok(())
}

/// RFC 6066 §3: server_name, which this server does not act on (it has one identity per
/// key type and chooses among them by suite), is still checked as the RFC defines it, for
/// TLS 1.3 hellos too: a malformed list is decode_error, a duplicated name type or a host
/// name that is no ASCII DNS name illegal_parameter (see [`ServerNameList::check`]). A
/// well-formed name we do not serve needs no alert: RFC 6066 lets the server continue.
fn check_server_name(ch: &ClientHello<'_>) -> Result<(), Fatal> {
    match find_ext(&ch.extensions, ExtensionType::SERVER_NAME) {
        Some(body) => ServerNameList::parse(body, ())?.check(),
        None => Ok(()),
    }
}

/// From the ServerHello on, the transcript keeps the hashes the PRF needs and, while a
/// client CertificateVerify can come (a full TLS 1.2 handshake in which we request a
/// certificate), a hash for every scheme our CertificateRequest advertises: the client
/// picks one, and we learn which only from its CertificateVerify. Before TLS 1.2 that
/// signature covers MD5‖SHA-1 (or SHA-1), which the PRF's hashes are.
fn start_transcript_hashing(core: &mut Core, ks: &KeySchedule, full_handshake: bool) {
    let mut hashes = ks.transcript_algorithms().to_vec();
    if full_handshake && requests_client_certificate(core, ks.suite.kx) && ks.version >= TLS1_2 {
        for hash in msgs::SUPPORTED_SIGNATURE_SCHEMES
            .iter()
            .filter_map(|&s| sign::scheme_hash(s.0))
        {
            if !hashes.contains(&hash) {
                hashes.push(hash);
            }
        }
    }
    core.transcript.start_hashing(&hashes, false);
}

/// RFC 5246 §7.4.4: anonymous (and PSK) servers do not request certificates (a PSK client
/// authenticates by its key). SSL 3.0 was refused in `negotiate_version`.
fn requests_client_certificate(core: &Core, kx: KeyExchange) -> bool {
    core.server_options.client_auth && kx.needs_certificate()
}

/// The version this handshake uses, and the checks that depend on it alone: the client's
/// version is at least our minimum (RFC 5246 Appendix E.1), TLS_FALLBACK_SCSV does not
/// come with a version below our maximum (RFC 7507 §3), null compression is offered
/// (RFC 5246 §7.4.1.2), a renegotiation keeps the connection's version, and client
/// authentication is not required of an SSL 3.0 client.
fn negotiate_version(core: &Core, ch: &ClientHello<'_>) -> Result<u16, Fatal> {
    let max = core.server_options.max_version.min(TLS1_2);
    // RFC 8446 §4.2.1: supported_versions, when present, replaces legacy_version in the
    // negotiation; here (TLS 1.3 was not chosen) its highest version we speak below 1.3.
    let client_max = match find_ext(&ch.extensions, ExtensionType::SUPPORTED_VERSIONS) {
        Some(body) => SupportedVersionsClient::parse(body, ())?
            .0
            .into_iter()
            .filter(|&v| (MIN_VERSION..=max).contains(&v))
            .max()
            .unwrap_or(0),
        None => ch.version,
    };
    if client_max < MIN_VERSION {
        return Err(Fatal::new(
            AlertDescription::PROTOCOL_VERSION,
            "ClientHello version below the minimum supported",
        ));
    }
    let version = client_max.min(max);
    // RFC 7507: a client that retried with a lower version than we support is being
    // downgraded by an attacker.
    if ch.suites.contains(&suites::TLS_FALLBACK_SCSV) && version < tls13_capable_max(core) {
        return Err(Fatal::new(
            AlertDescription::INAPPROPRIATE_FALLBACK,
            "TLS_FALLBACK_SCSV with a version below our maximum",
        ));
    }
    if !ch.compressions.contains(&0) {
        return Err(Fatal::illegal(
            "ClientHello does not offer null compression",
        ));
    }
    if core.negotiated.version != 0 && version != core.negotiated.version {
        return Err(Fatal::new(
            AlertDescription::PROTOCOL_VERSION,
            "renegotiation changed the protocol version",
        ));
    }
    // Client authentication is not implemented for SSL 3.0 (its CertificateVerify and
    // no_certificate rules differ): a server that requires it refuses the handshake
    // rather than completing it unauthenticated.
    if core.server_options.client_auth && version <= suites::SSL3 {
        return Err(Fatal::handshake(
            "client authentication required but SSL 3.0 negotiated",
        ));
    }
    Ok(version)
}

/// RFC 5746 §3.6/§3.7: the initial hello carries an empty renegotiation_info (or the
/// SCSV); a renegotiating one carries the client's last verify_data and never the SCSV.
/// Returns whether the connection uses secure renegotiation.
fn check_renegotiation_info(core: &Core, ch: &ClientHello<'_>) -> Result<bool, Fatal> {
    let reneg_ext = find_ext(&ch.extensions, ExtensionType::RENEGOTIATION_INFO);
    let has_scsv = ch.suites.contains(&TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    let secure_renegotiation = if core.negotiated.version != 0 {
        let expected = msgs::renegotiation_info_body(&core.negotiated.client_verify_data)?;
        match reneg_ext {
            Some(body) if !has_scsv && body == expected => true,
            None if !has_scsv && !core.negotiated.secure_renegotiation => false,
            _ => {
                return Err(Fatal::handshake(
                    "renegotiating ClientHello renegotiation_info missing or mismatched",
                ));
            }
        }
    } else {
        if reneg_ext.is_some_and(|body| body != [0]) {
            return Err(Fatal::handshake(
                "initial ClientHello renegotiation_info not empty",
            ));
        }
        reneg_ext.is_some() || has_scsv
    };
    if !secure_renegotiation && cfg!(feature = "require-secure-rehandshakes") {
        return Err(Fatal::handshake(
            "client does not support secure renegotiation",
        ));
    }
    Ok(secure_renegotiation)
}

/// Whether this handshake uses RFC 7627's extended master secret: the extension must be
/// empty (§5.1), is a TLS mechanism and not SSL 3.0's, and once the connection has used
/// it a renegotiating hello without it is refused (§5.4, the triple handshake).
fn extended_master_secret(core: &Core, ch: &ClientHello<'_>, version: u16) -> Result<bool, Fatal> {
    let ems = match find_ext(&ch.extensions, ExtensionType::EXTENDED_MASTER_SECRET) {
        Some(body) => {
            ExtendedMasterSecret::parse(body, ())?;
            version > suites::SSL3 && core.server_options.extended_master_secret
        }
        None => false,
    };
    if core.negotiated.version != 0 && core.negotiated.extended_master_secret && !ems {
        return Err(Fatal::handshake(
            "renegotiation dropped the extended master secret",
        ));
    }
    Ok(ems)
}

/// The cached session this hello resumes, if any (see `may_resume`). RFC 7627 §5.3: a
/// session created with the extended master secret is not resumed (nor silently replaced)
/// by a hello without it: abort. One created without it is not resumed by a hello that
/// has it: a full handshake gives a new session.
///
/// RFC 5246 §7.4.1.2: a hello resuming a session MUST offer that session's suite. One that
/// names a session we would resume but leaves its suite out is refused with
/// illegal_parameter (as OpenSSL does) rather than answered with a full handshake: the
/// client broke a MUST, and a hello whose session and suite list contradict each other
/// is malformed in content, not a request we can read either way. RFC 5246 names no alert
/// for it; illegal_parameter is the one for a well-formed field with a wrong value.
fn resumable_session(
    core: &Core,
    ch: &ClientHello<'_>,
    version: u16,
    ems: bool,
) -> Result<Option<CachedSession>, Fatal> {
    let resumable = core
        .config
        .server_cache
        .lookup(ch.session_id, core.config.now())
        .filter(|cached| may_resume(core, cached, version));
    match resumable {
        Some(cached) if !ch.suites.contains(&cached.suite) => Err(Fatal::illegal(
            "resuming hello does not offer the session's cipher suite",
        )),
        Some(cached) if cached.extended_master_secret && !ems => Err(Fatal::handshake(
            "resumption without the extended master secret of the session",
        )),
        Some(cached) if cached.extended_master_secret == ems => Ok(Some(cached)),
        _ => Ok(None),
    }
}

/// A full handshake's suite (see `choose_suite`), fresh session id and authentication
/// context.
fn new_session(
    core: &Core,
    ch: &ClientHello<'_>,
    version: u16,
    caps: &ClientCapabilities,
) -> Result<(&'static CipherSuite, Vec<u8>, AuthContext), Fatal> {
    let suite = choose_suite(core, &ch.suites, version, caps).ok_or_else(|| {
        // RFC 7919 §4: no suite because none of the client's FFDHE groups is ours is
        // insufficient_security; any other lack of a common suite, handshake_failure.
        let any_group = ClientCapabilities {
            dhe_group: Some(core.keys.server_dh_group()),
            ..caps.clone()
        };
        if caps.names_ffdhe && choose_suite(core, &ch.suites, version, &any_group).is_some() {
            Fatal::new(
                AlertDescription::INSUFFICIENT_SECURITY,
                "none of the client's FFDHE groups is known to us",
            )
        } else {
            Fatal::handshake("no cipher suite in common")
        }
    })?;
    let id: [u8; 32] =
        rng::random_array().map_err(|_| Fatal::internal("random generator failed"))?;
    let auth = AuthContext {
        client_auth_required: core.server_options.client_auth,
        ..AuthContext::new(&core.keys)
    };
    Ok((suite, id.to_vec(), auth))
}

/// ServerHello (RFC 5246 §7.4.1.3) with renegotiation_info (RFC 5746 §3.6/§3.7: empty in
/// an initial handshake, both verify_data in a renegotiation), extended_master_secret
/// (RFC 7627 §5.1) and ec_point_formats for an ECDHE suite the client sent it for
/// (RFC 8422 §5.2). Fixes the record version from here on.
fn send_server_hello(
    core: &mut Core,
    ch: &ClientHello<'_>,
    params: &Params,
    secure_renegotiation: bool,
) -> Result<(), Fatal> {
    let (suite, version) = (params.ks.suite, params.ks.version);
    let mut extensions = Vec::new();
    if secure_renegotiation {
        let mut verify_data = Vec::new();
        if core.negotiated.version != 0 {
            verify_data.extend_from_slice(&core.negotiated.client_verify_data);
            verify_data.extend_from_slice(&core.negotiated.server_verify_data);
        }
        extensions.push((
            ExtensionType::RENEGOTIATION_INFO,
            msgs::renegotiation_info_body(&verify_data)?,
        ));
    }
    if params.extended_master_secret {
        extensions.push((ExtensionType::EXTENDED_MASTER_SECRET, Vec::new()));
    }
    if suite.kx.is_ecdhe() && find_ext(&ch.extensions, ExtensionType::EC_POINT_FORMATS).is_some() {
        extensions.push((
            ExtensionType::EC_POINT_FORMATS,
            ecdhe::point_formats_body()?,
        ));
    }
    let hello = msgs::encode_server_hello(
        version,
        &params.server_random,
        &params.session_id,
        suite.id,
        &extensions,
    )?;
    core.record.write_version = version;
    core.record.expected_read_version = Some(version);
    core.send_handshake(HandshakeType::SERVER_HELLO, &hello)?;
    core.negotiated.secure_renegotiation = secure_renegotiation;
    Ok(())
}

/// The abbreviated handshake (RFC 5246 §7.3): keys from the cached master secret, then our
/// ChangeCipherSpec and Finished before the client's.
fn send_resumed_finished(core: &mut Core, params: Params, cached: CachedSession) -> Next {
    let master = cached.master_secret;
    params.ks.install_pending_keys(
        &mut core.record,
        &master,
        &params.client_random,
        &params.server_random,
        false,
    );
    let session = params.into_session(master, true);
    send_change_cipher_spec_and_finished(core, &session, false)?;
    Ok(Box::new(ExpectChangeCipherSpec::<false> { session }))
}

/// The rest of a full handshake's first flight after ServerHello (RFC 5246 §7.3):
/// Certificate, ServerKeyExchange, CertificateRequest as the suite and options call for,
/// then ServerHelloDone.
fn send_full_flight(core: &mut Core, params: Params, caps: &ClientCapabilities) -> Next {
    let kx = params.ks.suite.kx;
    let identity = send_certificate(core, kx)?;
    let share = ephemeral_share(kx, caps)?;
    if let Some(body) = server_key_exchange(&params, identity.as_ref(), caps, &share)? {
        core.send_handshake(HandshakeType::SERVER_KEY_EXCHANGE, &body)?;
    }
    if requests_client_certificate(core, kx) {
        let request = certificate_request(core, params.ks.version)?;
        core.send_handshake(HandshakeType::CERTIFICATE_REQUEST, &request)?;
        core.send_handshake(HandshakeType::SERVER_HELLO_DONE, &[])?;
        return Ok(Box::new(ExpectClientCertificate { params, share }));
    }
    core.send_handshake(HandshakeType::SERVER_HELLO_DONE, &[])?;
    Ok(Box::new(ExpectClientKeyExchange {
        params,
        share,
        client_key: None,
    }))
}

/// Certificate (RFC 5246 §7.4.2) for a key exchange that authenticates the server: the
/// chain of the identity that matches `kx`, which is returned to sign ServerKeyExchange.
fn send_certificate(core: &mut Core, kx: KeyExchange) -> Result<Option<Identity>, Fatal> {
    if !kx.needs_certificate() {
        return Ok(None);
    }
    let identity = identity_for(core, kx)
        .ok_or(Fatal::handshake(
            "no certificate for the chosen key exchange",
        ))?
        .clone();
    let chain = msgs::encode_certificate_list(identity.chain.iter().map(|c| &c.der[..]))?;
    core.send_handshake(HandshakeType::CERTIFICATE, &chain)?;
    Ok(Some(identity))
}

/// Our ephemeral key pair for an ECDHE (RFC 8422 §5.4) or DHE (RFC 5246 §7.4.3) suite.
fn ephemeral_share(kx: KeyExchange, caps: &ClientCapabilities) -> Result<ServerShare, Fatal> {
    if kx.is_ecdhe() {
        Ok(ServerShare::Ecdhe(KeyShare::generate(
            caps.ecdhe_group
                .ok_or(Fatal::handshake("no ECDHE group in common"))?,
        )?))
    } else if kx.is_dhe() {
        let group = caps
            .dhe_group
            .clone()
            .ok_or(Fatal::handshake("no DHE group in common"))?;
        let pair =
            DhKeyPair::generate(&group).map_err(|_| Fatal::internal("DH key generation failed"))?;
        Ok(ServerShare::Dhe(group, pair))
    } else {
        Ok(ServerShare::None)
    }
}

/// The server's ephemeral key-exchange secret, if the suite has one.
enum ServerShare {
    None,
    Ecdhe(KeyShare),
    Dhe(Arc<DhGroup>, DhKeyPair),
}

/// ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4, RFC 4279 §2–3): the ephemeral
/// parameters, signed over both randoms when the suite authenticates the server; a PSK
/// suite adds an (empty) identity hint. Plain PSK with no hint sends no message at all.
fn server_key_exchange(
    params: &Params,
    identity: Option<&Identity>,
    caps: &ClientCapabilities,
    share: &ServerShare,
) -> Result<Option<Vec<u8>>, Fatal> {
    let kx = params.ks.suite.kx;
    let dh_public;
    let key_params = match share {
        ServerShare::None => return Ok(None),
        ServerShare::Ecdhe(share) => ServerKeyExchangeParams::Ecdhe {
            group: share.group,
            point: &share.public,
        },
        ServerShare::Dhe(group, pair) => {
            dh_public = pair.public_be();
            ServerKeyExchangeParams::Dhe {
                p: group.p_be(),
                g: group.g_be(),
                ys: &dh_public,
            }
        }
    };
    let mut message = ServerKeyExchange {
        // No identity hint: an empty one.
        psk_identity_hint: kx.uses_psk().then_some(&[][..]),
        params: key_params,
        signature: None,
    };
    if !kx.signs_parameters() {
        return Ok(Some(message.to_bytes()?));
    }
    let identity = identity.ok_or(Fatal::internal(
        "signed key exchange without a signing identity",
    ))?;
    let key_params = message.params.to_bytes()?;
    let mut signed = Vec::with_capacity(64 + key_params.len());
    signed.extend_from_slice(&params.client_random);
    signed.extend_from_slice(&params.server_random);
    signed.extend_from_slice(&key_params);
    let (scheme, sig) = if params.ks.version >= TLS1_2 {
        let accepted: Vec<u16> = caps.signature_schemes.iter().map(|s| s.0).collect();
        let (scheme, sig) = sign::sign_tls12(&identity.key, &accepted, &signed)
            .map_err(|_| Fatal::internal("ServerKeyExchange signing failed"))?;
        (Some(SignatureScheme(scheme)), sig)
    } else {
        let sig = sign::sign_legacy(&identity.key, &signed)
            .map_err(|_| Fatal::internal("ServerKeyExchange signing failed"))?;
        (None, sig)
    };
    message.signature = Some(DigitallySigned {
        scheme,
        signature: &sig,
    });
    Ok(Some(message.to_bytes()?))
}

/// CertificateRequest (RFC 5246 §7.4.4): RSA and ECDSA signing certificates, the schemes we
/// verify (TLS 1.2), and the names of the CAs we trust.
fn certificate_request(core: &Core, version: u16) -> Result<Vec<u8>, Fatal> {
    if core.keys.ca_certs.is_empty() && !cfg!(feature = "server-empty-cert-request") {
        // Nothing could validate a client certificate (SERVER_CAN_SEND_EMPTY_CERT_REQUEST
        // is off): refuse rather than pretend to authenticate.
        return Err(Fatal::handshake(
            "client authentication required but no trusted CA loaded",
        ));
    }
    let request = CertificateRequest {
        types: vec![1, 64], // rsa_sign, ecdsa_sign
        schemes: if version >= TLS1_2 {
            msgs::SUPPORTED_SIGNATURE_SCHEMES.to_vec()
        } else {
            Vec::new()
        },
        ca_names: core
            .keys
            .ca_certs
            .iter()
            .map(|ca| ca.subject.der.to_vec())
            .collect(),
    };
    Ok(request.to_bytes()?)
}

struct ExpectClientCertificate {
    params: Params,
    share: ServerShare,
}

impl State for ExpectClientCertificate {
    fn handle(self: Box<Self>, core: &mut Core, cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::CERTIFICATE)?;
        let ders = CertificateMsg::parse(m.body, ())?.chain;
        core.transcript.add(m.raw);
        let mut params = self.params;
        if ders.is_empty() {
            params.auth.anonymous = accept_missing_certificate(cb)?;
            // No CertificateVerify can follow: only the PRF's hashes are needed.
            core.transcript.keep_only(params.ks.transcript_algorithms());
            return Ok(Box::new(ExpectClientKeyExchange {
                params,
                share: self.share,
                client_key: None,
            }));
        }
        let chain = ders
            .iter()
            .map(|der| Certificate::from_der(der).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                Fatal::new(
                    AlertDescription::BAD_CERTIFICATE,
                    "client certificate does not parse",
                )
            })?;
        let peer = PeerIdentity::of_chain(ders.iter().copied());
        check_renegotiation_peer(core, &peer)?;
        params.auth.peer = peer;
        params.auth.anonymous =
            authenticate_peer_chain(core, cb, &chain, Usage::Client, KeyUse::Signature)?;
        Ok(Box::new(ExpectClientKeyExchange {
            params,
            share: self.share,
            client_key: Some(chain[0].public_key.clone()),
        }))
    }
}

/// RFC 5246 §7.4.6: without a certificate the server may continue unauthenticated or fail
/// with handshake_failure. MatrixSSL's SERVER_WILL_ACCEPT_EMPTY_CLIENT_CERT_MSG lets the
/// certificate callback decide. Returns whether it let the client in anonymously.
pub(crate) fn accept_missing_certificate(cb: &mut dyn Callbacks) -> Result<bool, Fatal> {
    if !cfg!(feature = "server-accept-empty-client-cert") || !cb.has_certificate_callback() {
        return Err(Fatal::handshake(
            "client sent no certificate but one is required",
        ));
    }
    match cb.certificate(&[], &[], alert::BAD_CERTIFICATE) {
        0 => Ok(false),
        crate::error::SSL_ALLOW_ANON_CONNECTION => Ok(true),
        r if r < 0 => Err(Fatal::internal("certificate callback returned an error")),
        r => Err(Fatal::new(
            AlertDescription(r as u8),
            "certificate callback rejected the missing client certificate",
        )),
    }
}

struct ExpectClientKeyExchange {
    params: Params,
    /// Our ephemeral share (none for RSA and plain PSK key exchange).
    share: ServerShare,
    /// The client's certificate key, when it sent one: a CertificateVerify must follow.
    client_key: Option<PublicKey>,
}

impl State for ExpectClientKeyExchange {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::CLIENT_KEY_EXCHANGE)?;
        let ExpectClientKeyExchange {
            mut params,
            share,
            client_key,
        } = *self;
        let kx = params.ks.suite.kx;
        let cke = ClientKeyExchange::parse(m.body, (kx, params.ks.version))?;
        // RFC 4279: PSK suites open with the identity the client used.
        let psk = if let Some(identity) = cke.psk_identity {
            let psk = core.keys.psk_for_identity(identity);
            let key = psk
                .ok_or(Fatal::new(
                    AlertDescription::UNKNOWN_PSK_IDENTITY,
                    "unknown PSK identity",
                ))?
                .key
                .clone();
            params.auth.peer = PeerIdentity::Psk(identity.to_vec());
            Some(key)
        } else {
            None
        };
        let premaster = client_premaster(core, &params, share, &cke.exchange)?;
        let premaster = match psk {
            Some(key) => super::psk_premaster(kx, &premaster, &key)?,
            None => premaster,
        };
        core.transcript.add(m.raw);
        let p = &params;
        // RFC 7627 §4: the session hash runs through the ClientKeyExchange.
        let session_hash = if p.extended_master_secret {
            Some(p.ks.handshake_hash(&core.transcript)?)
        } else {
            None
        };
        let master = p.ks.master_secret(
            &premaster,
            &p.client_random,
            &p.server_random,
            session_hash.as_deref(),
        );
        p.ks.install_pending_keys(
            &mut core.record,
            &master,
            &p.client_random,
            &p.server_random,
            false,
        );
        match client_key {
            Some(client_key) => Ok(Box::new(ExpectCertificateVerify {
                params,
                master,
                client_key,
            })),
            None => Ok(Box::new(ExpectChangeCipherSpec::<false> {
                session: params.into_session(master, false),
            })),
        }
    }
}

/// The premaster secret from the key-exchange part of the ClientKeyExchange (after any
/// PSK identity): the client's ECDHE point (RFC 8422 §5.7), its DH public value (RFC 5246
/// §7.4.7.2; a value outside 2..p-2 is illegal_parameter), nothing for plain PSK (RFC 4279
/// §2), or the RSA-encrypted premaster (RFC 5246 §7.4.7.1). The message was read for this
/// suite's key exchange, so its form matches our share.
fn client_premaster(
    core: &Core,
    params: &Params,
    share: ServerShare,
    exchange: &ClientExchange<'_>,
) -> Result<Zeroizing<Vec<u8>>, Fatal> {
    let premaster = match (share, exchange) {
        (ServerShare::Ecdhe(share), ClientExchange::Ecdhe(point)) => share.agree(point)?,
        (ServerShare::Dhe(_, pair), ClientExchange::Dhe(yc)) => pair
            .agree(yc)
            .map_err(|_| Fatal::illegal("client DH public value out of range"))?,
        (ServerShare::None, ClientExchange::None) => Zeroizing::new(Vec::new()),
        (
            ServerShare::None,
            ClientExchange::Rsa(ciphertext) | ClientExchange::Ssl3Rsa(ciphertext),
        ) => {
            let identity = core
                .keys
                .rsa_identity()
                .ok_or(Fatal::internal("RSA key exchange without an RSA identity"))?;
            let PrivateKey::Rsa(key) = &*identity.key else {
                return Err(Fatal::internal(
                    "RSA key exchange without an RSA private key",
                ));
            };
            // RFC 5246 §7.4.7.1: a bad premaster is replaced by a random one, in constant
            // time, so the failure only shows up as a Finished mismatch.
            let pm = key.decrypt_premaster(ciphertext, params.client_version);
            Zeroizing::new(pm.to_vec())
        }
        _ => {
            return Err(Fatal::internal(
                "ClientKeyExchange form does not match the key exchange",
            ));
        }
    };
    Ok(premaster)
}

struct ExpectCertificateVerify {
    params: Params,
    master: Zeroizing<[u8; 48]>,
    client_key: PublicKey,
}

impl State for ExpectCertificateVerify {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::CERTIFICATE_VERIFY)?;
        // Our CertificateRequest asks for RSA and ECDSA certificates only; DSA verification
        // exists for DHE_DSS servers, not client authentication.
        if matches!(self.client_key, PublicKey::Dsa(_)) {
            return Err(Fatal::new(
                AlertDescription::UNSUPPORTED_CERTIFICATE,
                "DSA client certificates are not supported",
            ));
        }
        let cv = CertificateVerify::parse(m.body, self.params.ks.version)?;
        let verified = match cv.scheme {
            Some(scheme) => {
                if !msgs::SUPPORTED_SIGNATURE_SCHEMES.contains(&scheme) {
                    return Err(Fatal::illegal("CertificateVerify scheme not advertised"));
                }
                let hash = sign::scheme_hash(scheme.0)
                    .ok_or(Fatal::illegal("CertificateVerify scheme not advertised"))?;
                let digest = core.transcript.digest(hash)?;
                sign::verify_tls12_digest(&self.client_key, scheme.0, &digest, cv.signature)
            }
            None => sign::verify_legacy_digest(
                &self.client_key,
                &core.transcript.md5_sha1()?,
                cv.signature,
            ),
        };
        verified.map_err(|_| Fatal::decrypt("CertificateVerify signature does not verify"))?;
        core.transcript.add(m.raw);
        // The CertificateVerify is behind us: only the PRF's hashes are needed.
        core.transcript
            .keep_only(self.params.ks.transcript_algorithms());
        Ok(Box::new(ExpectChangeCipherSpec::<false> {
            session: self.params.into_session(self.master, false),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::DisabledSuites;

    #[test]
    fn disabled_suites_hold_eight_and_enable_removes_one() {
        let mut d = DisabledSuites::default();
        for id in 1..=8u16 {
            assert!(d.disable(id));
        }
        assert!(d.disable(3), "an id already listed needs no room");
        assert!(!d.disable(9), "a ninth id does not fit");
        assert!(!d.contains(&9));
        d.enable(3);
        assert!(!d.contains(&3));
        for id in [1u16, 2, 4, 5, 6, 7, 8] {
            assert!(d.contains(&id), "{id} still disabled");
        }
        assert!(d.disable(9), "room again after enable");
        assert!(d.contains(&9));
        d.enable(42);
        assert!(d.contains(&8));
    }
}
