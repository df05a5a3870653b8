//! Client handshake states: RSA and ECDHE key exchange, full and resumed handshakes.

use zeroize::Zeroizing;

use super::ecdhe::{self, KeyShare};
use super::finished::{
    ExpectChangeCipherSpec, PendingSession, send_change_cipher_spec_and_finished,
};
use super::{
    AuthContext, Callbacks, Core, Input, KeySchedule, Negotiated, Next, PeerIdentity, State,
    authenticate_peer_ders, parse_peer_leaf, tls13,
};
use crate::client_sessions::{TLS13_RECORD_SECRET, Ticket13};
use crate::codec::{Codec, TooLong};
use crate::crypto::dh::DhGroup;
use crate::crypto::rng;
use crate::crypto::rsa::RsaPublicKey;
use crate::error::{
    AlertDescription, Fatal, MATRIXSSL_ERROR, PS_PLATFORM_FAIL, PS_UNSUPPORTED_FAIL, alert,
};
use crate::msgs::tls13::{DOWNGRADE_TLS11, DOWNGRADE_TLS12, SupportedVersionsServer};
use crate::msgs::{
    self, CertificateMsg, ClientExchange, ClientKeyExchange, EcPointFormats, ExtendedMasterSecret,
    ExtensionType, HandshakeType, ServerHello, ServerHelloDone, ServerKeyExchange, SignatureScheme,
    find_ext,
};
use crate::pki::verify::{KeyUse, Usage};
use crate::pki::{PublicKey, sign};
use crate::suites::{
    self, CipherSuite, KeyExchange, MAX_VERSION, MIN_VERSION, TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
    TLS1_2, TLS1_3,
};

mod server_params;
use server_params::{validate_server_params, verify_server_params};

/// A session the application asks to resume (from its `sslSessionId_t`), or the current
/// session of a renegotiation.
#[derive(Clone)]
pub struct ResumeTicket {
    pub id: [u8; 32],
    pub master_secret: Zeroizing<[u8; 48]>,
    pub suite: u16,
    /// The session's version: a server that resumes it with another one is refused.
    pub version: u16,
    /// The session's master secret was derived with RFC 7627's extended master secret: a
    /// resumption must agree (§5.3).
    pub extended_master_secret: bool,
    /// What the session was authenticated with; a resumed connection carries it on.
    pub auth: AuthContext,
    /// A TLS 1.3 session: resumed with this ticket's PSK instead of the session id.
    pub tls13: Option<Ticket13>,
}

impl ResumeTicket {
    /// The ticket for an established session, if it is resumable (a 32-byte id).
    pub fn from_negotiated(n: &Negotiated) -> Option<Self> {
        Some(ResumeTicket {
            id: <[u8; 32]>::try_from(&n.session_id[..]).ok()?,
            master_secret: n.master_secret.clone(),
            suite: n.suite?.id,
            version: n.version,
            extended_master_secret: n.extended_master_secret,
            auth: n.auth.clone(),
            tls13: None,
        })
    }

    /// The ticket for a session record the application kept (`sslSessionId_t`): only a
    /// session this process recorded and still remembers can be checked on resumption, so
    /// any other record gives `None` and a full handshake follows, as for a session the
    /// server no longer knows (ABI.md §3.3.2). `remembered_in` is the table of the
    /// configuration the connection will run under.
    pub fn from_record(
        remembered_in: &crate::client_sessions::Table,
        id: &[u8; 32],
        master_secret: &[u8; 48],
        suite: u16,
    ) -> Option<Self> {
        // A TLS 1.3 record's entry is taken out: its ticket is offered once (D28).
        let remembered = if *master_secret == TLS13_RECORD_SECRET {
            remembered_in.take_ticket(id)?
        } else {
            remembered_in.lookup(id, master_secret)?
        };
        Some(ResumeTicket {
            id: *id,
            master_secret: Zeroizing::new(*master_secret),
            suite,
            version: remembered.version,
            extended_master_secret: remembered.extended_master_secret,
            auth: remembered.auth,
            tls13: remembered.ticket,
        })
    }
}

#[derive(Clone)]
pub struct ClientOptions {
    /// Highest version offered (TLS 1.2 unless an application or test asks for less).
    pub max_version: u16,
    pub resume: Option<ResumeTicket>,
    /// 0 = the default list; otherwise the one suite to offer.
    pub cipher_spec: u16,
    /// Application extensions for the ClientHello (type, body).
    pub user_extensions: Vec<(u16, Vec<u8>)>,
    /// Offer RFC 7627's extended master secret. Always on through the C API; off only to
    /// play a client without it (tests of the triple-handshake defences).
    pub extended_master_secret: bool,
    /// Keep what resuming this connection's sessions later needs: the TLS 1.3 tickets the
    /// server sends (D28) and, for a TLS ≤ 1.2 session, its entry in the configuration's
    /// `client_sessions` table. The C API keeps them only for a session created with an
    /// `sslSessionId_t` to record them in: nobody could offer them otherwise (a TLS ≤ 1.2
    /// record the application asks for later, `matrixSslGetSessionId`, is remembered
    /// then). An entry for every session would hold table memory per handshake that no
    /// resumption ever uses.
    pub remember_sessions: bool,
}

/// What a client connection keeps of its [`ClientOptions`] between handshakes: the
/// settings a renegotiation repeats, and the ticket offered in the last ClientHello. Kept
/// in every connection (servers included), so the ticket is boxed: an inline one would
/// add its size to each idle session, though only a resuming client has one.
#[derive(Clone)]
pub struct ClientSettings {
    pub max_version: u16,
    pub cipher_spec: u16,
    pub extended_master_secret: bool,
    /// The session offered for resumption, forgotten too if the connection ends in a
    /// fatal alert.
    pub resume: Option<Box<ResumeTicket>>,
    /// The TLS 1.3 ClientHello offered post_handshake_auth (we hold an identity).
    pub post_handshake_auth: bool,
    /// See [`ClientOptions::remember_sessions`].
    pub remember_sessions: bool,
}

impl Default for ClientSettings {
    fn default() -> Self {
        let d = ClientOptions::default();
        ClientSettings {
            max_version: d.max_version,
            cipher_spec: d.cipher_spec,
            extended_master_secret: d.extended_master_secret,
            resume: None,
            post_handshake_auth: false,
            remember_sessions: d.remember_sessions,
        }
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            max_version: MAX_VERSION,
            resume: None,
            cipher_spec: 0,
            user_extensions: Vec::new(),
            extended_master_secret: true,
            remember_sessions: true,
        }
    }
}

/// Extensions the library owns: an application copy of these is dropped (ABI.md D6).
const LIBRARY_EXTENSIONS: [ExtensionType; 5] = [
    ExtensionType::RENEGOTIATION_INFO,
    ExtensionType::EXTENDED_MASTER_SECRET,
    ExtensionType::SIGNATURE_ALGORITHMS,
    ExtensionType::SUPPORTED_GROUPS,
    ExtensionType::EC_POINT_FORMATS,
];

fn hello_random() -> Result<[u8; 32], i32> {
    let mut random: [u8; 32] = rng::random_array().map_err(|_| PS_PLATFORM_FAIL)?;
    random[..4].copy_from_slice(&rng::gmt_unix_time().to_be_bytes());
    Ok(random)
}

/// Queues the ClientHello and returns the state waiting for the ServerHello.
/// Errors are MatrixSSL return codes (ABI.md §3.3.1).
pub fn start(core: &mut Core, mut options: ClientOptions) -> Result<Box<dyn State>, i32> {
    let tls13_suite_asked = suites::tls13_by_id(options.cipher_spec).is_some();
    let mut max_version = options
        .max_version
        .min(core.config.suites.max_version())
        .clamp(MIN_VERSION, MAX_VERSION);
    // ABI.md D25: naming a TLS ≤ 1.2 suite asks for TLS ≤ 1.2; naming a TLS 1.3 suite asks
    // for TLS 1.3 with it, even where the default cap is TLS 1.2.
    if options.cipher_spec != 0 && !tls13_suite_asked {
        max_version = max_version.min(TLS1_2);
    } else if tls13_suite_asked {
        max_version = TLS1_3;
    }
    // TLS 1.3 is offered in an initial handshake only (it has no renegotiation), when the
    // server can be authenticated: a trusted CA for its chain, or a PSK (D26).
    let tls13_suites = if max_version >= TLS1_3
        && core.negotiated.version == 0
        && (!core.keys.ca_certs.is_empty() || core.keys.first_psk().is_some())
    {
        tls13::client::offered_suites(core, options.cipher_spec)
    } else {
        Vec::new()
    };
    if tls13_suite_asked && tls13_suites.is_empty() {
        return Err(PS_UNSUPPORTED_FAIL);
    }
    if tls13_suites.is_empty() {
        max_version = max_version.min(TLS1_2);
    }
    core.client_options.max_version = max_version;
    core.client_options.cipher_spec = options.cipher_spec;
    core.client_options.extended_master_secret = options.extended_master_secret;
    core.client_options.remember_sessions = options.remember_sessions;
    // A session made under other keys (another CA list: other trust) is not resumed: its
    // server was authenticated by rules that no longer apply. Full handshake instead.
    if options
        .resume
        .as_ref()
        .is_some_and(|t| t.auth.keys != core.keys.context_digest())
    {
        options.resume = None;
    }
    let offered = if tls13_suite_asked {
        Vec::new()
    } else {
        match offered_suites(
            core,
            max_version,
            options.cipher_spec,
            options.resume.is_some(),
        ) {
            Ok(list) => list,
            // TLS 1.3 alone is still an offer.
            Err(_) if !tls13_suites.is_empty() && options.cipher_spec == 0 => Vec::new(),
            Err(rc) => return Err(rc),
        }
    };
    // A TLS 1.3 ticket is offered in pre_shared_key when TLS 1.3 is offered with its suite
    // and it is still within its lifetime; it is never a TLS 1.2 session id.
    let psk = match options.resume.take_if(|t| t.tls13.is_some()) {
        Some(t) => t
            .tls13
            .and_then(|ticket| tls13::client::OfferedPsk::usable(ticket, t.auth, &tls13_suites)),
        None => None,
    }
    .or_else(|| tls13::client::OfferedPsk::external(&core.keys, &tls13_suites));
    // A ticket for a suite we no longer offer cannot be resumed: fall back to a full handshake.
    if options
        .resume
        .as_ref()
        .is_some_and(|t| !offered.contains(&t.suite))
    {
        options.resume = None;
    }
    core.client_options.post_handshake_auth = !tls13_suites.is_empty()
        && (core.keys.rsa_identity().is_some() || core.keys.ec_identity().is_some());
    // Remembered so that a fatal alert can make us forget the offered session too.
    core.client_options.resume = options.resume.clone().map(Box::new);
    // A renegotiating hello carries no application extensions (as in MatrixSSL 3.3).
    if core.negotiated.version != 0 {
        options.user_extensions.clear();
    }
    let user_extensions: Vec<(ExtensionType, Vec<u8>)> = options
        .user_extensions
        .iter()
        .map(|(t, body)| (ExtensionType(*t), body.clone()))
        .filter(|(t, _)| !LIBRARY_EXTENSIONS.contains(t))
        .collect();
    let client_random = hello_random()?;
    let user_extension_types: Vec<ExtensionType> =
        user_extensions.iter().map(|(t, _)| *t).collect();
    let tls13 = if tls13_suites.is_empty() {
        None
    } else {
        // Middlebox compatibility (RFC 8446 Appendix D.4): a fresh 32-byte session id when
        // no TLS 1.2 session is offered for resumption.
        let session_id = match &options.resume {
            Some(t) => t.id.to_vec(),
            None => rng::random_array::<32>()
                .map_err(|_| PS_PLATFORM_FAIL)?
                .to_vec(),
        };
        let share = KeyShare::generate(ecdhe::SUPPORTED_GROUPS[0]).map_err(|_| PS_PLATFORM_FAIL)?;
        Some(Box::new(tls13::client::Offer {
            share,
            session_id,
            suites: tls13_suites,
            user_extension_types: user_extension_types.clone(),
            psk,
        }))
    };
    send_client_hello(
        core,
        &options,
        max_version,
        &offered,
        &user_extensions,
        &client_random,
        tls13.as_deref(),
    )?;
    Ok(Box::new(ExpectServerHello {
        expected_renegotiation_info: expected_renegotiation_info(core)?,
        max_version,
        offered,
        user_extension_types,
        client_random,
        resume: options.resume,
        tls13,
    }))
}

/// The suites to offer (ABI.md §7.6: key material gates the offer; certificate suites
/// need a trusted CA to authenticate the server, PSK suites a loaded PSK): the one the
/// application asked for (unless resuming, when the ticket's suite must be among them),
/// or every usable one in the default order.
fn offered_suites(
    core: &Core,
    max_version: u16,
    cipher_spec: u16,
    resuming: bool,
) -> Result<Vec<u16>, i32> {
    let have_ca = !core.keys.ca_certs.is_empty();
    let have_psk = core.keys.first_psk().is_some();
    let usable = |id: u16| {
        suites::by_id(id).is_some_and(|s| {
            s.usable_with(max_version)
                && if s.kx.uses_psk() {
                    have_psk
                } else {
                    have_ca || s.kx == KeyExchange::DhAnon
                }
        }) && core.config.suites.enabled(id)
    };
    if cipher_spec != 0 && !resuming {
        if !usable(cipher_spec) {
            return Err(PS_UNSUPPORTED_FAIL);
        }
        return Ok(vec![cipher_spec]);
    }
    let all: Vec<u16> = suites::ALL
        .iter()
        .map(|s| s.id)
        .filter(|&id| usable(id))
        .collect();
    if all.is_empty() {
        return Err(MATRIXSSL_ERROR);
    }
    Ok(all)
}

/// A hello that cannot be encoded (application extensions over the 2-byte limit of the
/// extension block) is "the hello could not be built" of ABI.md §3.3.1.
fn unbuildable(_: TooLong) -> i32 {
    MATRIXSSL_ERROR
}

/// Is this hello a renegotiation under RFC 5746 secure renegotiation?
fn secure_renegotiation(core: &Core) -> bool {
    core.negotiated.version != 0 && core.negotiated.secure_renegotiation
}

/// ClientHello (RFC 5246 §7.4.1.2): our suites (with the RFC 5746 SCSV in an initial
/// hello), the library's extensions, then the application's.
fn send_client_hello(
    core: &mut Core,
    options: &ClientOptions,
    max_version: u16,
    offered: &[u16],
    user_extensions: &[(ExtensionType, Vec<u8>)],
    client_random: &[u8; 32],
    tls13: Option<&tls13::client::Offer>,
) -> Result<(), i32> {
    let mut suite_list = tls13.map(|t| t.suites.clone()).unwrap_or_default();
    suite_list.extend_from_slice(offered);
    if core.negotiated.version == 0 {
        suite_list.push(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    }
    let mut extensions = library_extensions(core, options, max_version, offered)?;
    if let Some(offer) = tls13 {
        // supported_groups names the key-share groups even when no ECDHE suite of TLS
        // 1.2 is offered.
        if !extensions
            .iter()
            .any(|(t, _)| *t == ExtensionType::SUPPORTED_GROUPS)
        {
            let groups = ecdhe::supported_groups_body().map_err(unbuildable)?;
            extensions.push((ExtensionType::SUPPORTED_GROUPS, groups));
        }
        // signature_algorithms_cert (RFC 8446 §4.2.3) only in a hello offering TLS 1.3: the
        // extension is defined there, and a hello capped at TLS 1.2 keeps the extension set
        // TLS 1.2 peers have always seen from us. (RFC 8446 asks TLS 1.2 implementations to
        // process it: that is the receiving side, see the TLS 1.2 server's `choose_suite`.)
        let signature_algorithms: Vec<u16> = extensions
            .iter()
            .find(|(t, _)| *t == ExtensionType::SIGNATURE_ALGORITHMS)
            .map(|(_, body)| msgs::SignatureAlgorithms::parse(body, ()))
            .transpose()
            .map_err(|_| MATRIXSSL_ERROR)?
            .map(|list| list.0.iter().map(|s| s.0).collect())
            .unwrap_or_default();
        if let Some(body) =
            tls13::signature_algorithms_cert_body(&signature_algorithms).map_err(unbuildable)?
        {
            extensions.push((ExtensionType::SIGNATURE_ALGORITHMS_CERT, body));
        }
        let post_handshake_auth = core.client_options.post_handshake_auth;
        extensions.extend(
            tls13::client::hello_extensions(
                max_version,
                offered.is_empty(),
                &offer.share,
                post_handshake_auth,
            )
            .map_err(unbuildable)?,
        );
    }
    let psk_extensions = tls13.map(tls13::client::psk_extensions).transpose();
    let (modes, pre_shared_key) = match psk_extensions.map_err(unbuildable)? {
        Some((modes, psk)) => (Some(modes), psk),
        None => (None, None),
    };
    if let Some(modes) = modes {
        extensions.push((ExtensionType::PSK_KEY_EXCHANGE_MODES, modes));
    }
    // An application's own signature_algorithms_cert would duplicate ours (ABI.md D6: the
    // library's copy wins); in a hello without ours it goes out as before.
    let ours_sent = |t: &ExtensionType| extensions.iter().any(|(sent, _)| sent == t);
    let user_extensions: Vec<_> = user_extensions
        .iter()
        .filter(|(t, _)| *t != ExtensionType::SIGNATURE_ALGORITHMS_CERT || !ours_sent(t))
        .cloned()
        .collect();
    extensions.extend(user_extensions);
    // RFC 8446 §4.2.11: pre_shared_key is the last extension.
    if let Some(body) = pre_shared_key {
        extensions.push((ExtensionType::PRE_SHARED_KEY, body));
    }
    let session_id = match tls13 {
        Some(offer) => offer.session_id.clone(),
        None => options
            .resume
            .as_ref()
            .map(|t| t.id.to_vec())
            .unwrap_or_default(),
    };
    // RFC 8446 §4.1.2: a ClientHello offering TLS 1.3 says TLS 1.2 in legacy_version.
    let max_version = max_version.min(TLS1_2);
    let mut hello = msgs::encode_client_hello(
        max_version,
        client_random,
        &session_id,
        &suite_list,
        &extensions,
    )
    .map_err(unbuildable)?;
    if let Some(psk) = tls13.and_then(|t| t.psk.as_ref()) {
        tls13::client::bind_psk(&mut hello, &[], psk).map_err(|_| MATRIXSSL_ERROR)?;
    }
    core.send_handshake(HandshakeType::CLIENT_HELLO, &hello)
        .map_err(|_| MATRIXSSL_ERROR)
}

/// The extensions the library owns, in this order: extended_master_secret (RFC 7627),
/// renegotiation_info proving continuity with our last verify_data (RFC 5746, only in a
/// secure renegotiation: an initial hello signals with the SCSV), signature_algorithms
/// (TLS 1.2; the DSA schemes only when a DHE_DSS suite is offered), and the ECDHE groups
/// and point formats when an ECDHE suite is offered.
fn library_extensions(
    core: &Core,
    options: &ClientOptions,
    max_version: u16,
    offered: &[u16],
) -> Result<Vec<(ExtensionType, Vec<u8>)>, i32> {
    let mut extensions = Vec::new();
    if options.extended_master_secret {
        extensions.push((ExtensionType::EXTENDED_MASTER_SECRET, Vec::new()));
    }
    if secure_renegotiation(core) {
        let body = msgs::renegotiation_info_body(&core.negotiated.client_verify_data)
            .map_err(unbuildable)?;
        extensions.push((ExtensionType::RENEGOTIATION_INFO, body));
    }
    let offers = |kx: fn(KeyExchange) -> bool| {
        offered
            .iter()
            .any(|&id| suites::by_id(id).is_some_and(|s| kx(s.kx)))
    };
    if max_version >= TLS1_2 {
        let offers_dss = offers(|kx| kx == KeyExchange::DheDss);
        let body = msgs::signature_algorithms_body(offers_dss).map_err(unbuildable)?;
        extensions.push((ExtensionType::SIGNATURE_ALGORITHMS, body));
    }
    if offers(KeyExchange::is_ecdhe) {
        let groups = ecdhe::supported_groups_body().map_err(unbuildable)?;
        extensions.push((ExtensionType::SUPPORTED_GROUPS, groups));
        let formats = ecdhe::point_formats_body().map_err(unbuildable)?;
        extensions.push((ExtensionType::EC_POINT_FORMATS, formats));
    }
    Ok(extensions)
}

/// In a secure renegotiation, the renegotiation_info the server must echo: both our
/// verify_data (RFC 5746 §3.5).
fn expected_renegotiation_info(core: &Core) -> Result<Option<Vec<u8>>, i32> {
    if !secure_renegotiation(core) {
        return Ok(None);
    }
    let n = &core.negotiated;
    let both = [&n.client_verify_data[..], &n.server_verify_data[..]].concat();
    Ok(Some(
        msgs::renegotiation_info_body(&both).map_err(unbuildable)?,
    ))
}

/// Everything fixed once the ServerHello is processed.
struct Params {
    ks: KeySchedule,
    client_random: [u8; 32],
    server_random: [u8; 32],
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

struct ExpectServerHello {
    /// For a renegotiation: the renegotiation_info body the server must echo.
    expected_renegotiation_info: Option<Vec<u8>>,
    max_version: u16,
    offered: Vec<u16>,
    user_extension_types: Vec<ExtensionType>,
    client_random: [u8; 32],
    resume: Option<ResumeTicket>,
    /// We offered TLS 1.3 too: what its ServerHello is checked against.
    tls13: Option<Box<tls13::client::Offer>>,
}

impl State for ExpectServerHello {
    fn handle(
        mut self: Box<Self>,
        core: &mut Core,
        cb: &mut dyn Callbacks,
        input: Input<'_>,
    ) -> Next {
        let m = input.expect(HandshakeType::SERVER_HELLO)?;
        let sh = ServerHello::parse(m.body, ())?;
        if let Some(offer) = self.tls13.take() {
            if selects_tls13(&sh)? {
                return tls13::client::on_server_hello(core, m, &sh, *offer);
            }
            check_downgrade_sentinel(&sh, TLS1_3)?;
        } else {
            check_downgrade_sentinel(&sh, self.max_version)?;
        }
        let suite = self.check_version_and_suite(&core.config.suites, &sh)?;
        let (secure_renegotiation, ems) = self.check_extensions(&sh, suite, cb)?;
        self.check_renegotiation(core, &sh, secure_renegotiation, ems)?;
        core.transcript.add(m.raw);
        core.record.write_version = sh.version;
        core.record.expected_read_version = Some(sh.version);
        core.negotiated.secure_renegotiation = secure_renegotiation;
        let params = Params {
            ks: KeySchedule {
                suite,
                version: sh.version,
            },
            client_random: self.client_random,
            server_random: sh.random,
            session_id: sh.session_id.to_vec(),
            extended_master_secret: ems,
            auth: AuthContext::new(&core.keys),
        };
        let resumed = self
            .resume
            .as_ref()
            .is_some_and(|ticket| !sh.session_id.is_empty() && sh.session_id == ticket.id);
        start_transcript_hashing(core, &params.ks, resumed);
        match self.resume {
            Some(ticket) if resumed => resume_session(core, params, ticket),
            // The RSA premaster carries the ClientHello's legacy_version, which is TLS 1.2
            // when TLS 1.3 was offered too (RFC 5246 §7.4.7.1, RFC 8446 §4.1.2).
            _ => expect_server_flight(core, params, self.max_version.min(TLS1_2)),
        }
    }
}

/// Whether a ServerHello (or HelloRetryRequest) answering our TLS 1.3 offer selects TLS
/// 1.3: its supported_versions says so. Any other version there is illegal_parameter
/// (RFC 8446 §4.2.1: it may only select a version we offered above TLS 1.2).
fn selects_tls13(sh: &ServerHello<'_>) -> Result<bool, Fatal> {
    match find_ext(&sh.extensions, ExtensionType::SUPPORTED_VERSIONS) {
        None => Ok(false),
        Some(body) => match SupportedVersionsServer::parse(body, ())?.0 {
            TLS1_3 => Ok(true),
            _ => Err(Fatal::illegal(
                "ServerHello supported_versions selects a version below TLS 1.3",
            )),
        },
    }
}

/// RFC 8446 §4.1.3: a server that could speak a higher version than it chose marks the
/// last 8 bytes of its random; a client that offered that higher version (`max_offered`)
/// and sees the mark is being downgraded by an attacker: illegal_parameter.
fn check_downgrade_sentinel(sh: &ServerHello<'_>, max_offered: u16) -> Result<(), Fatal> {
    let tail = &sh.random[24..];
    let downgraded = (max_offered >= TLS1_3 && sh.version <= TLS1_2 && tail == DOWNGRADE_TLS12)
        || (max_offered >= TLS1_2 && sh.version < TLS1_2 && tail == DOWNGRADE_TLS11);
    if downgraded {
        return Err(Fatal::illegal(
            "ServerHello random carries a downgrade sentinel",
        ));
    }
    Ok(())
}

/// From the ServerHello on, the transcript keeps the hashes the PRF needs and, in a full
/// handshake where we may be asked for a certificate (a suite the server authenticates
/// with one, TLS 1.2, an identity of ours), what our CertificateVerify would sign: the
/// hash of every scheme our keys sign with, or the messages themselves for an ECDSA key
/// (ring signs with the curve's own hash only over the whole message). Before TLS 1.2
/// that signature covers MD5‖SHA-1 (RSA) or SHA-1 (ECDSA), which the PRF's hashes are;
/// SSL 3.0 clients never sign one (see `send_client_certificate`).
fn start_transcript_hashing(core: &mut Core, ks: &KeySchedule, resumed: bool) {
    let mut hashes = ks.transcript_algorithms().to_vec();
    let mut keep_messages = false;
    if !resumed && ks.suite.kx.needs_certificate() && ks.version >= TLS1_2 {
        let identities = [core.keys.rsa_identity(), core.keys.ec_identity()];
        for identity in identities.into_iter().flatten() {
            for scheme in sign::supported_schemes_for(&identity.key) {
                if sign::signs_whole_message(&identity.key, scheme) {
                    keep_messages = true;
                } else if let Some(hash) = sign::scheme_hash(scheme)
                    && !hashes.contains(&hash)
                {
                    hashes.push(hash);
                }
            }
        }
    }
    core.transcript.start_hashing(&hashes, keep_messages);
}

impl ExpectServerHello {
    /// The server's version lies in the range we offered (RFC 5246 §7.4.1.3, Appendix E.1)
    /// and its suite is one we offered, usable with that version and enabled, with null
    /// compression. Returns the suite.
    fn check_version_and_suite(
        &self,
        policy: &suites::SuitePolicy,
        sh: &ServerHello<'_>,
    ) -> Result<&'static CipherSuite, Fatal> {
        // Without supported_versions a ServerHello negotiates TLS 1.2 at most; offering
        // TLS 1.3 alone, anything else is a version we did not offer.
        let highest = if self.offered.is_empty() {
            0
        } else {
            self.max_version.min(TLS1_2)
        };
        if !(MIN_VERSION..=highest).contains(&sh.version) {
            return Err(Fatal::new(
                AlertDescription::PROTOCOL_VERSION,
                "ServerHello version outside the range offered",
            ));
        }
        if !self.offered.contains(&sh.suite) || sh.compression != 0 {
            return Err(Fatal::illegal(
                "ServerHello suite not offered or compression not null",
            ));
        }
        let suite = suites::by_id(sh.suite).ok_or(Fatal::illegal("ServerHello suite unknown"))?;
        if !suite.usable_with(sh.version) {
            return Err(Fatal::illegal(
                "ServerHello suite not usable with the negotiated version",
            ));
        }
        if !policy.enabled(suite.id) {
            return Err(Fatal::handshake("ServerHello suite disabled"));
        }
        Ok(suite)
    }

    /// The ServerHello extensions (RFC 5246 §7.4.1.4: only ones we offered):
    /// renegotiation_info as RFC 5746 §3.4/§3.5 expects, an empty extended_master_secret
    /// (RFC 7627 §5.1), ec_point_formats with the uncompressed format (RFC 8422 §5.2), and
    /// the application's own, each told to the extension callback except the first and the
    /// last. Returns (secure renegotiation, extended master secret).
    fn check_extensions(
        &self,
        sh: &ServerHello<'_>,
        suite: &CipherSuite,
        cb: &mut dyn Callbacks,
    ) -> Result<(bool, bool), Fatal> {
        let mut secure_renegotiation = false;
        let mut ems = false;
        for e in &sh.extensions {
            match e.typ {
                ExtensionType::RENEGOTIATION_INFO => {
                    let expected = self.expected_renegotiation_info.as_deref().unwrap_or(&[0]);
                    if e.body != expected {
                        return Err(Fatal::handshake("ServerHello renegotiation_info mismatch"));
                    }
                    secure_renegotiation = true;
                }
                ExtensionType::EXTENDED_MASTER_SECRET => {
                    ExtendedMasterSecret::parse(e.body, ())?;
                    ems = sh.version > suites::SSL3;
                }
                ExtensionType::EC_POINT_FORMATS if suite.kx.is_ecdhe() => {
                    if !EcPointFormats::parse(e.body, ())?.has_uncompressed() {
                        return Err(Fatal::illegal(
                            "ServerHello ec_point_formats lacks uncompressed",
                        ));
                    }
                }
                t if self.user_extension_types.contains(&t) => {}
                _ => {
                    return Err(Fatal::new(
                        AlertDescription::UNSUPPORTED_EXTENSION,
                        "ServerHello extension not offered",
                    ));
                }
            }
            let library_owned = matches!(
                e.typ,
                ExtensionType::RENEGOTIATION_INFO | ExtensionType::EC_POINT_FORMATS
            );
            if !library_owned && cb.extension(e.typ.0, e.body) < 0 {
                return Err(Fatal::new(
                    AlertDescription::UNSUPPORTED_EXTENSION,
                    "ServerHello extension refused by the extension callback",
                ));
            }
        }
        Ok((secure_renegotiation, ems))
    }

    /// Secure renegotiation is present where required (RFC 5746 §3.5/§4.2), and a
    /// renegotiation keeps the connection's version and, once used, the extended master
    /// secret (RFC 7627 §5.4, the triple handshake).
    fn check_renegotiation(
        &self,
        core: &Core,
        sh: &ServerHello<'_>,
        secure_renegotiation: bool,
        ems: bool,
    ) -> Result<(), Fatal> {
        let must_be_secure = self.expected_renegotiation_info.is_some()
            || cfg!(feature = "require-secure-rehandshakes");
        if must_be_secure && !secure_renegotiation {
            return Err(Fatal::handshake(
                "server does not support secure renegotiation",
            ));
        }
        let renegotiating = core.negotiated.version != 0;
        if renegotiating && sh.version != core.negotiated.version {
            return Err(Fatal::new(
                AlertDescription::PROTOCOL_VERSION,
                "renegotiation changed the protocol version",
            ));
        }
        if renegotiating && core.negotiated.extended_master_secret && !ems {
            return Err(Fatal::handshake(
                "renegotiation dropped the extended master secret",
            ));
        }
        Ok(())
    }
}

/// The server accepted our session id: an abbreviated handshake (RFC 5246 §7.3) with the
/// ticket's suite, version and master-secret derivation (RFC 7627 §5.3), its keys installed
/// for the server's ChangeCipherSpec.
fn resume_session(core: &mut Core, mut params: Params, ticket: ResumeTicket) -> Next {
    // A resumed session keeps the suite and version it was made with.
    if ticket.suite != params.ks.suite.id || ticket.version != params.ks.version {
        return Err(Fatal::illegal(
            "resumed session with a different suite or version",
        ));
    }
    // RFC 7627 §5.3: either mismatch of the derivation aborts with handshake_failure.
    if ticket.extended_master_secret != params.extended_master_secret {
        return Err(Fatal::handshake(
            "resumed session with a different extended master secret use",
        ));
    }
    let master = ticket.master_secret;
    // The resumed session is the one the ticket was made by: the same server,
    // authenticated the same way (ABI.md D20: the same anonymous status).
    params.auth = ticket.auth;
    params.ks.install_pending_keys(
        &mut core.record,
        &master,
        &params.client_random,
        &params.server_random,
        true,
    );
    Ok(Box::new(ExpectChangeCipherSpec::<true> {
        session: params.into_session(master, true),
    }))
}

/// A full handshake: the server's Certificate follows when the suite authenticates it
/// (RFC 5246 §7.4.2), otherwise its ServerKeyExchange (anonymous and PSK suites).
fn expect_server_flight(core: &Core, mut params: Params, offered_version: u16) -> Next {
    let kx = params.ks.suite.kx;
    if kx.needs_certificate() {
        return Ok(Box::new(ExpectCertificate {
            params,
            offered_version,
        }));
    }
    // Anonymous suites report through matrixSslGetAnonStatus (ABI.md D20); a PSK server is
    // whoever holds the key of the identity we send.
    params.auth.anonymous = kx == KeyExchange::DhAnon;
    if kx.uses_psk() {
        let psk = core
            .keys
            .first_psk()
            .ok_or(Fatal::internal("PSK suite negotiated without a local PSK"))?;
        params.auth.peer = PeerIdentity::Psk(psk.identity.clone());
    }
    Ok(Box::new(ExpectServerKeyExchange {
        params,
        offered_version,
        leaf_key: None,
    }))
}

struct ExpectCertificate {
    params: Params,
    /// The version in our ClientHello, which the RSA premaster must carry.
    offered_version: u16,
}

impl State for ExpectCertificate {
    fn handle(self: Box<Self>, core: &mut Core, cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::CERTIFICATE)?;
        let ders = CertificateMsg::parse(m.body, ())?.chain;
        if ders.is_empty() {
            return Err(Fatal::new(
                AlertDescription::BAD_CERTIFICATE,
                "server Certificate message is empty",
            ));
        }
        const CAUSE: &str = "server certificate does not parse";
        let leaf = parse_peer_leaf(&ders, CAUSE)?;
        core.transcript.add(m.raw);
        let peer = PeerIdentity::of_chain(ders.iter().copied());
        super::check_renegotiation_peer(core, &peer)?;
        let mut params = self.params;
        params.auth.peer = peer;
        let key_use = KeyUse::for_server_kx(params.ks.suite.kx);
        params.auth.anonymous =
            authenticate_peer_ders(core, cb, &leaf, &ders[1..], Usage::Server, key_use, CAUSE)?;
        let leaf_key = leaf.public_key.clone();
        expect_key_exchange_for(params, self.offered_version, leaf_key)
    }
}

/// After the server's Certificate: RSA key exchange encrypts to the leaf key and skips
/// ServerKeyExchange; the ephemeral suites expect one signed by the leaf key, which must
/// be of the suite's type.
fn expect_key_exchange_for(params: Params, offered_version: u16, leaf_key: PublicKey) -> Next {
    match (&leaf_key, params.ks.suite.kx) {
        (PublicKey::Rsa(key), KeyExchange::Rsa) => Ok(Box::new(ExpectServerHelloDone {
            exchange: PeerExchange::Rsa(key.clone()),
            params,
            offered_version,
            certificate_request: None,
        })),
        (PublicKey::Rsa(_), KeyExchange::EcdheRsa | KeyExchange::DheRsa)
        | (PublicKey::Ec { .. }, KeyExchange::EcdheEcdsa)
        | (PublicKey::Dsa(_), KeyExchange::DheDss) => Ok(Box::new(ExpectServerKeyExchange {
            params,
            offered_version,
            leaf_key: Some(leaf_key),
        })),
        _ => Err(Fatal::new(
            AlertDescription::UNSUPPORTED_CERTIFICATE,
            "server certificate key type does not match the suite",
        )),
    }
}

/// What the client's ClientKeyExchange is computed from.
enum PeerExchange {
    /// Encrypt a premaster to the server's RSA key.
    Rsa(RsaPublicKey),
    /// Agree with the server's ephemeral point.
    Ecdhe { group: u16, point: Vec<u8> },
    /// Agree in the server's finite-field group with its public value.
    Dhe { group: DhGroup, public: Vec<u8> },
    /// Plain PSK: nothing but the key.
    PskOnly,
}

struct ExpectServerKeyExchange {
    params: Params,
    offered_version: u16,
    /// The server certificate's key, which signs the parameters (None: unsigned suites).
    leaf_key: Option<PublicKey>,
}

impl State for ExpectServerKeyExchange {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.handshake(HandshakeType::SERVER_KEY_EXCHANGE)?;
        let kx = self.params.ks.suite.kx;
        // RFC 4279 §2: a plain-PSK server without an identity hint skips this message.
        if kx == KeyExchange::Psk && m.typ == HandshakeType::SERVER_HELLO_DONE {
            let next = Box::new(ExpectServerHelloDone {
                exchange: PeerExchange::PskOnly,
                params: self.params,
                offered_version: self.offered_version,
                certificate_request: None,
            });
            return next.handle(core, _cb, Input::Handshake(m));
        }
        let m = m.of_type(HandshakeType::SERVER_KEY_EXCHANGE)?;
        // The identity hint is read and ignored: we use our first PSK regardless.
        // Only the framing is read before the signature is checked: interpreting the
        // parameters (above all the primality test of a DH prime) is work an unauthenticated
        // peer must not be able to make us do. A forged message gets decrypt_error cheaply.
        let ske = ServerKeyExchange::parse(m.body, (kx, self.params.ks.version))?;
        if let Some(leaf_key) = &self.leaf_key {
            verify_server_params(&self.params, kx, leaf_key, &ske)?;
        }
        let exchange = validate_server_params(&ske.params)?;
        core.transcript.add(m.raw);
        Ok(Box::new(ExpectServerHelloDone {
            exchange,
            params: self.params,
            offered_version: self.offered_version,
            certificate_request: None,
        }))
    }
}

struct ExpectServerHelloDone {
    params: Params,
    offered_version: u16,
    exchange: PeerExchange,
    certificate_request: Option<msgs::CertificateRequest>,
}

impl State for ExpectServerHelloDone {
    fn handle(
        mut self: Box<Self>,
        core: &mut Core,
        _cb: &mut dyn Callbacks,
        input: Input<'_>,
    ) -> Next {
        let m = input.handshake(HandshakeType::SERVER_HELLO_DONE)?;
        match m.typ {
            // A server that sent no certificate may not ask for one (RFC 5246 §7.4.4: an
            // anonymous server must not; RFC 4279 §2: PSK suites authenticate by the key).
            // The message has no place in such a handshake, so it is unexpected_message, and
            // it is never answered with a Certificate.
            HandshakeType::CERTIFICATE_REQUEST if !self.params.ks.suite.kx.needs_certificate() => {
                Err(Fatal::unexpected(
                    "CertificateRequest in an anonymous or PSK suite",
                ))
            }
            HandshakeType::CERTIFICATE_REQUEST if self.certificate_request.is_none() => {
                let request = msgs::parse_certificate_request(m.body, self.params.ks.version)?;
                core.transcript.add(m.raw);
                self.certificate_request = Some(request);
                Ok(self)
            }
            HandshakeType::SERVER_HELLO_DONE => {
                ServerHelloDone::parse(m.body, ())?;
                core.transcript.add(m.raw);
                self.send_key_exchange(core)
            }
            _ => Err(
                Fatal::unexpected("expected ServerHelloDone or CertificateRequest")
                    .arrived(m.typ.name()),
            ),
        }
    }
}

impl ExpectServerHelloDone {
    /// Our second flight (RFC 5246 §7.3): Certificate if asked, ClientKeyExchange,
    /// CertificateVerify if we sent a certificate, then ChangeCipherSpec and Finished.
    fn send_key_exchange(self: Box<Self>, core: &mut Core) -> Next {
        let client_identity = self.send_client_certificate(core)?;
        let kx = self.params.ks.suite.kx;
        // RFC 4279: the ClientKeyExchange of PSK suites opens with our identity.
        let psk = if kx.uses_psk() {
            Some(
                core.keys
                    .first_psk()
                    .ok_or(Fatal::internal("PSK suite negotiated without a local PSK"))?
                    .clone(),
            )
        } else {
            None
        };
        let (premaster, public) = self.key_exchange_share()?;
        let exchange = match &self.exchange {
            // SSL 3.0 sends the RSA ciphertext without its length prefix.
            PeerExchange::Rsa(_) if self.params.ks.version == suites::SSL3 => {
                ClientExchange::Ssl3Rsa(&public)
            }
            PeerExchange::Rsa(_) => ClientExchange::Rsa(&public),
            PeerExchange::Ecdhe { .. } => ClientExchange::Ecdhe(&public),
            PeerExchange::Dhe { .. } => ClientExchange::Dhe(&public),
            PeerExchange::PskOnly => ClientExchange::None,
        };
        let cke = ClientKeyExchange {
            psk_identity: psk.as_ref().map(|p| &p.identity[..]),
            exchange,
        }
        .to_bytes()?;
        core.send_handshake(HandshakeType::CLIENT_KEY_EXCHANGE, &cke)?;
        let premaster = match &psk {
            Some(psk) => super::psk_premaster(kx, &premaster, &psk.key)?,
            None => premaster,
        };
        let p = &self.params;
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
        if let Some((identity, schemes)) = client_identity {
            send_certificate_verify(core, p.ks.version, &identity, &schemes)?;
        }
        // No CertificateVerify can be sent any more: only the PRF's hashes are needed.
        core.transcript.keep_only(p.ks.transcript_algorithms());
        p.ks.install_pending_keys(
            &mut core.record,
            &master,
            &p.client_random,
            &p.server_random,
            true,
        );
        let session = self.params.into_session(master, false);
        send_change_cipher_spec_and_finished(core, &session, true)?;
        Ok(Box::new(ExpectChangeCipherSpec::<true> { session }))
    }

    /// RFC 5246 §7.4.6: answer a CertificateRequest with our chain when we hold an
    /// identity the server can accept, otherwise with an empty list. Returns the identity
    /// that must sign a CertificateVerify, with the schemes the server accepts.
    fn send_client_certificate(
        &self,
        core: &mut Core,
    ) -> Result<Option<(crate::keys::Identity, Vec<u16>)>, Fatal> {
        let client_identity = self
            .certificate_request
            .as_ref()
            .and_then(|req| choose_client_identity(core, req, self.params.ks.version));
        let ssl3 = self.params.ks.version == suites::SSL3;
        // SSL 3.0 has no empty Certificate: the answer is a no_certificate warning, and this
        // client authenticates only over TLS.
        let client_identity = if ssl3 { None } else { client_identity };
        if ssl3 && self.certificate_request.is_some() {
            core.send_alert(alert::LEVEL_WARNING, AlertDescription::NO_CERTIFICATE);
        } else if self.certificate_request.is_some() {
            let chain = client_identity.as_ref().map_or(Vec::new(), |(id, _)| {
                id.chain.iter().map(|c| c.der.clone()).collect()
            });
            core.send_handshake(
                HandshakeType::CERTIFICATE,
                &msgs::encode_certificate_list(chain.iter().map(|d| &d[..]))?,
            )?;
        }
        Ok(client_identity)
    }

    /// Appends our part of the ClientKeyExchange to `cke` and returns the (pre-PSK)
    /// premaster: an RSA-encrypted random premaster carrying our offered version
    /// (RFC 5246 §7.4.7.1; SSL 3.0 without a length prefix), our ECDHE point (RFC 8422
    /// §5.7), our DH public value (RFC 5246 §7.4.7.2), or nothing for plain PSK.
    /// Our side of the key exchange: the premaster secret and the public value (RSA
    /// ciphertext, ECDH point, DH Yc; nothing for plain PSK) the ClientKeyExchange carries.
    fn key_exchange_share(&self) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>), Fatal> {
        Ok(match &self.exchange {
            PeerExchange::Rsa(server_key) => {
                let mut premaster = Zeroizing::new(vec![0u8; 48]);
                rng::fill(&mut premaster[..])
                    .map_err(|_| Fatal::internal("random generator failed"))?;
                premaster[..2].copy_from_slice(&self.offered_version.to_be_bytes());
                let ciphertext = server_key
                    .encrypt_pkcs1(&premaster)
                    .map_err(|_| Fatal::internal("RSA encryption of the premaster failed"))?;
                (premaster, ciphertext)
            }
            PeerExchange::Ecdhe { group, point } => {
                let share = KeyShare::generate(*group)?;
                let public = share.public.to_vec();
                (share.agree(point)?, public)
            }
            PeerExchange::Dhe { group, public } => {
                let pair = crate::crypto::dh::DhKeyPair::generate(group)
                    .map_err(|_| Fatal::internal("DH key generation failed"))?;
                let ours = pair.public_be().to_vec();
                let premaster = pair
                    .agree(public)
                    .map_err(|_| Fatal::illegal("server DH public value out of range"))?;
                (premaster, ours)
            }
            PeerExchange::PskOnly => (Zeroizing::new(Vec::new()), Vec::new()),
        })
    }
}

/// CertificateVerify (RFC 5246 §7.4.8): our signature over the handshake so far, with a
/// scheme the server accepts in TLS 1.2 (the first of our preference order it offered),
/// over MD5‖SHA-1 before. The transcript kept what the signature needs (see
/// `start_transcript_hashing`).
fn send_certificate_verify(
    core: &mut Core,
    version: u16,
    identity: &crate::keys::Identity,
    schemes: &[u16],
) -> Result<(), Fatal> {
    let failed = |()| Fatal::internal("CertificateVerify signing failed");
    let key = &identity.key;
    let mut body = Vec::new();
    if version >= TLS1_2 {
        let scheme = sign::choose_tls12_scheme(key, schemes)
            .ok_or(())
            .map_err(failed)?;
        let sig = if sign::signs_whole_message(key, scheme) {
            let messages = core
                .transcript
                .messages()
                .ok_or(Fatal::internal("transcript messages not kept"))?;
            sign::sign_with_scheme(key, scheme, messages)
        } else {
            let hash = sign::scheme_hash(scheme).ok_or(()).map_err(failed)?;
            sign::sign_digest_with_scheme(key, scheme, &core.transcript.digest(hash)?)
        }
        .map_err(failed)?;
        crate::codec::put_u16(&mut body, scheme);
        crate::codec::with_len(&mut body, 2, |b| b.extend_from_slice(&sig))?;
    } else {
        let sig = sign::sign_legacy_digest(key, &core.transcript.md5_sha1()?).map_err(failed)?;
        crate::codec::with_len(&mut body, 2, |b| b.extend_from_slice(&sig))?;
    }
    core.send_handshake(HandshakeType::CERTIFICATE_VERIFY, &body)
}

/// The identity to authenticate with: its key type was requested and (TLS 1.2) it can sign
/// with a scheme the server accepts. Returns the identity and the server's schemes.
fn choose_client_identity(
    core: &Core,
    request: &msgs::CertificateRequest,
    version: u16,
) -> Option<(crate::keys::Identity, Vec<u16>)> {
    const RSA_SIGN: u8 = 1;
    const ECDSA_SIGN: u8 = 64;
    let candidates = [
        (RSA_SIGN, core.keys.rsa_identity()),
        (ECDSA_SIGN, core.keys.ec_identity()),
    ];
    candidates.into_iter().find_map(|(typ, identity)| {
        let identity = identity?;
        if !request.types.contains(&typ) {
            return None;
        }
        let usable = if version >= TLS1_2 {
            sign::supported_schemes_for(&identity.key)
                .iter()
                .any(|&s| request.schemes.contains(&SignatureScheme(s)))
        } else {
            sign::can_sign_legacy(&identity.key)
        };
        let schemes = request.schemes.iter().map(|s| s.0).collect();
        usable.then(|| (identity.clone(), schemes))
    })
}
