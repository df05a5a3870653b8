//! Handshake state machines. Each state is a type that owns exactly what that point of
//! the handshake knows; `handle` consumes it and returns the next state or the fatal alert
//! to send. A message no state expects cannot be processed: it is unexpected_message.

pub mod client;
pub mod ecdhe;
mod finished;
mod keysched;
pub mod server;
pub mod tls13;
pub mod tls13_keys;
pub mod transcript;

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::config::Config;
use crate::crypto::hash::ItemDigest;
use crate::error::{AlertDescription, Fatal};
use crate::keys::Keys;
use crate::msgs::{HandshakeType, handshake_message};
use crate::pki::Certificate;
use crate::pki::verify::{KeyUse, Usage, peer_key_alert, verifies_on_common_path, verify_chain};
use crate::record::{RecordLayer, content};
use crate::suites::CipherSuite;
use crate::trace;

pub use keysched::KeySchedule;
pub use transcript::Transcript;

/// A complete handshake message: type, body, and the raw bytes (header included) for the
/// transcript.
pub struct Message<'a> {
    pub typ: HandshakeType,
    pub body: &'a [u8],
    pub raw: &'a [u8],
}

impl Message<'_> {
    /// The message if it is of type `expected`; otherwise unexpected_message, naming what
    /// was expected and what arrived.
    pub fn of_type(self, expected: HandshakeType) -> Result<Self, Fatal> {
        if self.typ != expected {
            return Err(Fatal::unexpected(expected.expected_cause()).arrived(self.typ.name()));
        }
        Ok(self)
    }
}

/// What the application plugged in: certificate and extension callbacks.
///
/// They run in the middle of a state change of the connection that calls them, so an
/// implementation must not call back into that connection. The C boundary enforces this:
/// a C callback that passes its `ssl_t` back to the library is refused (src/ffi/handle.rs).
pub trait Callbacks {
    fn has_certificate_callback(&self) -> bool;
    /// The peer's chain (leaf first), each certificate's link status, and the validation
    /// alert (0 = valid). Returns the MatrixSSL callback result (ABI.md §3.6.3).
    fn certificate(&mut self, chain: &[Arc<Certificate>], statuses: &[i32], alert: u8) -> i32;
    /// One ServerHello extension (not renegotiation_info); negative aborts.
    fn extension(&mut self, typ: u16, body: &[u8]) -> i32;
}

/// Who the peer proved to be in the handshake that created a session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PeerIdentity {
    /// Nothing: the peer sent no certificate (or the suite is anonymous).
    #[default]
    None,
    /// A certificate chain, by the SHA-256 digest of its DER certificates in order.
    Certificate([u8; 32]),
    /// A pre-shared key, by its identity.
    Psk(Vec<u8>),
}

impl PeerIdentity {
    /// The identity of a certificate chain (leaf first).
    pub fn of_chain<'a>(ders: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut digest = ItemDigest::new(b"peer certificate chain");
        for der in ders {
            digest.item(0, der);
        }
        PeerIdentity::Certificate(digest.finish())
    }
}

/// What a session was authenticated with. It travels with the session wherever the session
/// is remembered (the server cache, the client's session records, the connection for its
/// renegotiations), and a session is resumed only where this context still holds: under
/// the same key container and client-authentication requirement, and (in a renegotiation)
/// with the same peer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthContext {
    /// [`Keys::context_digest`] of the local keys the session was made under.
    pub keys: [u8; 32],
    /// Server: the session was made while client authentication was required.
    pub client_auth_required: bool,
    /// Who the peer proved to be.
    pub peer: PeerIdentity,
    /// The certificate callback let the peer in with SSL_ALLOW_ANON_CONNECTION, or the
    /// suite is anonymous (`matrixSslGetAnonStatus`, ABI.md D20). A resumed session reports
    /// what the session it resumes had.
    pub anonymous: bool,
}

impl AuthContext {
    /// The context a full handshake starts from: our keys, nothing proven yet.
    pub fn new(keys: &Keys) -> Self {
        AuthContext {
            keys: keys.context_digest(),
            ..AuthContext::default()
        }
    }
}

/// At most `N` bytes held inside the value: the session id and the two Finished
/// verify_data that an established session keeps (for resumption and RFC 5746
/// renegotiation) are a few dozen bytes each, and a heap allocation apiece cost every idle
/// session about 90 bytes more than holding them in place.
#[derive(Clone)]
pub struct InlineBytes<const N: usize> {
    len: u8,
    bytes: [u8; N],
}

impl<const N: usize> InlineBytes<N> {
    /// Holds a copy of `data`; internal_error if it is longer than `N` (callers pass values
    /// whose length the protocol already bounds).
    pub fn copy_from(data: &[u8]) -> Result<Self, Fatal> {
        let mut value = Self::default();
        let slot = value
            .bytes
            .get_mut(..data.len())
            .ok_or(Fatal::internal("value longer than its inline storage"))?;
        slot.copy_from_slice(data);
        // N is at most 255 (checked at compile time in `default`), so the length fits.
        value.len = data.len() as u8;
        Ok(value)
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

impl<const N: usize> Default for InlineBytes<N> {
    fn default() -> Self {
        const { assert!(N <= u8::MAX as usize) };
        InlineBytes {
            len: 0,
            bytes: [0; N],
        }
    }
}

impl<const N: usize> std::ops::Deref for InlineBytes<N> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl<const N: usize> PartialEq for InlineBytes<N> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<const N: usize> Eq for InlineBytes<N> {}

impl<const N: usize> std::fmt::Debug for InlineBytes<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// A session id: at most 32 bytes (RFC 5246 §7.4.1.2).
pub type SessionId = InlineBytes<32>;
/// The longest Finished verify_data this build produces: 12 bytes (RFC 5246 §7.4.9), or
/// SSL 3.0's 36 (RFC 6101 §5.6.9) when that protocol is compiled in. Every established
/// session holds two, so room for 36 in a build without SSL 3.0 would cost each one 48
/// bytes it can never use.
pub const MAX_VERIFY_DATA: usize = if cfg!(feature = "ssl3") { 36 } else { 12 };
/// A Finished verify_data (see [`MAX_VERIFY_DATA`]).
pub type VerifyData = InlineBytes<MAX_VERIFY_DATA>;

/// What a finished handshake established; survives into renegotiations.
pub struct Negotiated {
    pub version: u16,
    /// The TLS ≤ 1.2 suite; `None` under TLS 1.3, whose suite is `tls13_suite`.
    pub suite: Option<&'static CipherSuite>,
    pub tls13_suite: Option<&'static crate::suites::Tls13Suite>,
    pub session_id: SessionId,
    pub master_secret: Zeroizing<[u8; 48]>,
    pub resumed: bool,
    pub extended_master_secret: bool,
    /// RFC 5746: the peer supports secure renegotiation.
    pub secure_renegotiation: bool,
    pub client_verify_data: VerifyData,
    pub server_verify_data: VerifyData,
    /// What the session was authenticated with (see [`AuthContext`]).
    pub auth: AuthContext,
}

impl Negotiated {
    /// The negotiated suite's id of either table, 0 before the first handshake.
    pub fn suite_id(&self) -> u16 {
        self.suite
            .map(|s| s.id)
            .or(self.tls13_suite.map(|s| s.id))
            .unwrap_or(0)
    }
}

impl Default for Negotiated {
    fn default() -> Self {
        Negotiated {
            version: 0,
            suite: None,
            tls13_suite: None,
            session_id: SessionId::default(),
            master_secret: Zeroizing::new([0; 48]),
            resumed: false,
            extended_master_secret: false,
            secure_renegotiation: false,
            client_verify_data: VerifyData::default(),
            server_verify_data: VerifyData::default(),
            auth: AuthContext::default(),
        }
    }
}

/// The connection state the handshake works on.
pub struct Core {
    pub record: RecordLayer,
    /// Output FIFO: encoded records waiting to be sent.
    pub out: Vec<u8>,
    pub transcript: Transcript,
    pub keys: Arc<Keys>,
    pub negotiated: Negotiated,
    /// Per-session server settings (suite restrictions, highest version).
    pub server_options: server::ServerOptions,
    /// Client settings for renegotiations (the suite asked for, the highest version).
    pub client_options: client::ClientSettings,
    /// Server: how many more peer-initiated handshakes this session accepts.
    pub rehandshake_credits: i32,
    /// Which side this is; only traces need it here.
    pub is_client: bool,
    /// The suite policy, session caches and clock this connection runs under.
    pub config: Config,
    /// Once a TLS 1.3 handshake completed: its traffic secrets (for KeyUpdate).
    pub tls13: Option<Box<tls13::Session13>>,
}

impl Core {
    pub fn new(keys: Arc<Keys>, config: Config) -> Self {
        // The highest version is read once here for a server (a change applies to sessions
        // created afterwards) and at every ClientHello for a client (`client::start`).
        let server_options = server::ServerOptions {
            max_version: config.suites.max_version(),
            ..server::ServerOptions::default()
        };
        Core {
            record: RecordLayer::new(),
            out: Vec::new(),
            transcript: Transcript::new(),
            keys,
            negotiated: Negotiated::default(),
            server_options,
            client_options: client::ClientSettings::default(),
            rehandshake_credits: 0,
            is_client: false,
            config,
            tls13: None,
        }
    }

    /// Queues a handshake message and adds it to the transcript.
    /// Fails (internal_error) only for a body too long for the 3-byte length.
    pub fn send_handshake(&mut self, typ: HandshakeType, body: &[u8]) -> Result<(), Fatal> {
        let msg = self.send_post_handshake(typ, body)?;
        self.transcript.add(&msg);
        Ok(())
    }

    /// Queues a handshake message without adding it to the connection's transcript: TLS 1.3
    /// post-handshake messages (NewSessionTicket, KeyUpdate, the messages of post-handshake
    /// authentication) belong to none, and [`Core::send_handshake`] adds its own. Returns
    /// the framed message for an exchange that keeps a transcript of its own.
    pub fn send_post_handshake(
        &mut self,
        typ: HandshakeType,
        body: &[u8],
    ) -> Result<Vec<u8>, Fatal> {
        let msg = handshake_message(typ, body)?;
        trace::event!(
            trace::HANDSHAKE,
            "{}: sent {} (type {}, {} bytes)",
            trace::role(self.is_client),
            typ.name(),
            typ.0,
            body.len()
        );
        self.record
            .write_records(&mut self.out, content::HANDSHAKE, &msg);
        Ok(msg)
    }

    /// Sends ChangeCipherSpec and switches the write side to the pending keys.
    pub fn send_change_cipher_spec(&mut self) -> Result<(), Fatal> {
        trace::event!(
            trace::HANDSHAKE,
            "{}: sent ChangeCipherSpec",
            trace::role(self.is_client)
        );
        self.record
            .write_records(&mut self.out, content::CHANGE_CIPHER_SPEC, &[1]);
        self.record.activate_write()
    }

    /// Options for a client renegotiation: same suite choice and version cap, resuming the
    /// current session when it has a resumable id.
    pub fn renegotiation_options(&self) -> client::ClientOptions {
        let settings = &self.client_options;
        client::ClientOptions {
            max_version: settings.max_version,
            resume: client::ResumeTicket::from_negotiated(&self.negotiated),
            cipher_spec: settings.cipher_spec,
            user_extensions: Vec::new(),
            extended_master_secret: settings.extended_master_secret,
            remember_sessions: settings.remember_sessions,
        }
    }

    pub fn send_alert(&mut self, level: u8, description: AlertDescription) {
        // Fatal alerts are traced with their cause by the connection that fails.
        if level != crate::error::alert::LEVEL_FATAL {
            trace::event!(
                trace::HANDSHAKE | trace::INFO,
                "{}: sent warning alert {} ({})",
                trace::role(self.is_client),
                description.name(),
                description.0
            );
        }
        self.record
            .write_records(&mut self.out, content::ALERT, &[level, description.0]);
    }
}

/// Input to a state: a handshake message or a ChangeCipherSpec.
pub enum Input<'a> {
    Handshake(Message<'a>),
    ChangeCipherSpec,
}

impl<'a> Input<'a> {
    /// The handshake message a state is waiting for, if it is of type `expected`;
    /// otherwise unexpected_message, naming what was expected and what arrived.
    pub fn expect(self, expected: HandshakeType) -> Result<Message<'a>, Fatal> {
        self.handshake(expected)?.of_type(expected)
    }

    /// Any handshake message, for a state that accepts more than one type (`expected`
    /// names the one it normally waits for); a ChangeCipherSpec is unexpected_message.
    pub fn handshake(self, expected: HandshakeType) -> Result<Message<'a>, Fatal> {
        match self {
            Input::Handshake(m) => Ok(m),
            Input::ChangeCipherSpec => {
                Err(Fatal::unexpected(expected.expected_cause()).arrived("ChangeCipherSpec"))
            }
        }
    }
}

pub type Next = Result<Box<dyn State>, Fatal>;

pub trait State: Send {
    fn handle(self: Box<Self>, core: &mut Core, cb: &mut dyn Callbacks, input: Input<'_>) -> Next;

    /// True once the handshake has completed (application data may flow).
    fn is_established(&self) -> bool {
        false
    }
}

/// The state reached after a completed handshake. A peer's request for a new handshake
/// (HelloRequest to a client, ClientHello to a server) starts one when RFC 5746 secure
/// renegotiation is in force (or the insecure-rehandshakes feature allows it) and, on a
/// server, a rehandshake credit is left; otherwise it is declined with a no_renegotiation
/// warning, which leaves the connection usable (RFC 5246 §7.2.2).
///
/// The role is a type parameter rather than a field so that the state is zero-sized: every
/// idle connection holds it, and a boxed zero-sized value takes no allocation.
pub struct Established<const IS_CLIENT: bool>;

/// May a new handshake run on this connection?
pub fn renegotiation_allowed(core: &Core) -> bool {
    core.negotiated.secure_renegotiation || cfg!(feature = "insecure-rehandshakes")
}

impl<const IS_CLIENT: bool> State for Established<IS_CLIENT> {
    fn handle(self: Box<Self>, core: &mut Core, cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        use crate::codec::Codec;
        use crate::error::alert::LEVEL_WARNING;
        let Input::Handshake(m) = input else {
            return Err(Fatal::unexpected(
                "ChangeCipherSpec after the handshake completed",
            ));
        };
        match m.typ {
            HandshakeType::HELLO_REQUEST if IS_CLIENT => {
                crate::msgs::HelloRequest::parse(m.body, ())?;
                if !renegotiation_allowed(core) {
                    core.send_alert(LEVEL_WARNING, AlertDescription::NO_RENEGOTIATION);
                    return Ok(self);
                }
                let options = core.renegotiation_options();
                client::start(core, options)
                    .map_err(|_| Fatal::internal("renegotiation could not start"))
            }
            HandshakeType::CLIENT_HELLO if !IS_CLIENT => {
                if core.rehandshake_credits <= 0 {
                    core.send_alert(LEVEL_WARNING, AlertDescription::NO_RENEGOTIATION);
                    return Ok(self);
                }
                core.rehandshake_credits -= 1;
                if !renegotiation_allowed(core) {
                    return Err(Fatal::handshake(
                        "ClientHello renegotiation not allowed without secure renegotiation",
                    ));
                }
                Box::new(server::ExpectClientHello).handle(core, cb, Input::Handshake(m))
            }
            _ => Err(Fatal::unexpected(
                "handshake message not allowed after the handshake completed",
            )),
        }
    }

    fn is_established(&self) -> bool {
        true
    }
}

/// Seconds since the Unix epoch: the time a peer's chain is verified at.
fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Verifies the peer's chain (`usage`: which role it authenticates) and lets the certificate
/// callback decide (ABI.md §3.6.3). Returns whether the callback let the peer in
/// anonymously (SSL_ALLOW_ANON_CONNECTION). The leaf key's size and keyUsage for `key_use`
/// are told to the callback but cannot be waived by it (see pki::verify).
pub(crate) fn authenticate_peer_chain(
    core: &Core,
    cb: &mut dyn Callbacks,
    chain: &[Arc<Certificate>],
    usage: Usage,
    key_use: KeyUse,
) -> Result<bool, Fatal> {
    let server = usage == Usage::Server;
    let mut verdict = verify_chain(chain, &core.keys.ca_certs, usage, now_unix());
    let key_alert = peer_key_alert(&chain[0], key_use);
    if key_alert != 0 {
        verdict.alert = key_alert;
    }
    let mut anonymous = false;
    if cb.has_certificate_callback() {
        match cb.certificate(chain, &verdict.statuses, verdict.alert) {
            0 => {}
            crate::error::SSL_ALLOW_ANON_CONNECTION => anonymous = true,
            r if r < 0 => {
                return Err(Fatal::internal("certificate callback returned an error"));
            }
            r => {
                let cause = match (verdict.alert != 0, server) {
                    (true, true) => "server chain did not verify; the callback kept the failure",
                    (true, false) => "client chain did not verify; the callback kept the failure",
                    (false, true) => "certificate callback rejected the server chain",
                    (false, false) => "certificate callback rejected the client chain",
                };
                return Err(Fatal::new(AlertDescription(r as u8), cause));
            }
        }
    } else if verdict.alert != 0 {
        let cause = if server {
            "server certificate chain did not verify"
        } else {
            "client certificate chain did not verify"
        };
        return Err(Fatal::new(AlertDescription(verdict.alert), cause));
    }
    if key_alert != 0 {
        let cause = if server {
            "server certificate key unfit for the suite"
        } else {
            "client certificate key unfit for signing"
        };
        return Err(Fatal::new(AlertDescription(key_alert), cause));
    }
    Ok(anonymous)
}

/// One certificate of the peer's chain, parsed; one that does not parse is bad_certificate
/// (`cause` names whose chain it was).
fn parse_peer_certificate(der: &[u8], cause: &'static str) -> Result<Arc<Certificate>, Fatal> {
    Certificate::from_der(der)
        .map(Arc::new)
        .map_err(|_| Fatal::new(AlertDescription::BAD_CERTIFICATE, cause))
}

/// The leaf of the peer's chain (`ders`, leaf first, not empty), parsed. Every certificate
/// must parse (bad_certificate otherwise, `cause` in the error), but only the leaf is
/// kept: the others are needed parsed only by the certificate callback and by a chain that
/// fails webpki ([`authenticate_peer_ders`] parses them again then), and holding them all
/// while the chain is verified was a third of a handshake's peak heap with RSA chains.
pub(crate) fn parse_peer_leaf(
    ders: &[&[u8]],
    cause: &'static str,
) -> Result<Arc<Certificate>, Fatal> {
    let (leaf, intermediates) = ders
        .split_first()
        .ok_or(Fatal::new(AlertDescription::BAD_CERTIFICATE, cause))?;
    // The others first, each dropped as soon as it is checked, so that no two are held
    // parsed at once.
    for der in intermediates {
        parse_peer_certificate(der, cause)?;
    }
    parse_peer_certificate(leaf, cause)
}

/// [`authenticate_peer_chain`] for a chain held as its parsed `leaf` and the DER of the
/// certificates after it (from [`parse_peer_leaf`]): when no certificate callback is set
/// and webpki accepts the chain with a leaf key fit for `key_use`, that is the whole
/// verdict, reached without parsing the intermediates again; otherwise the chain is parsed
/// whole for the walk, its statuses and the callback.
pub(crate) fn authenticate_peer_ders(
    core: &Core,
    cb: &mut dyn Callbacks,
    leaf: &Arc<Certificate>,
    intermediates: &[&[u8]],
    usage: Usage,
    key_use: KeyUse,
    cause: &'static str,
) -> Result<bool, Fatal> {
    if !cb.has_certificate_callback()
        && peer_key_alert(leaf, key_use) == 0
        && verifies_on_common_path(leaf, intermediates, &core.keys.ca_certs, usage, now_unix())
    {
        return Ok(false);
    }
    let mut chain = Vec::with_capacity(1 + intermediates.len());
    chain.push(Arc::clone(leaf));
    for der in intermediates {
        chain.push(parse_peer_certificate(der, cause)?);
    }
    authenticate_peer_chain(core, cb, &chain, usage, key_use)
}

/// RFC 7627 §5.4 (the triple-handshake attack): in a renegotiation of a connection whose
/// session did not use the extended master secret, the peer must present the same
/// certificate chain as before; a change is handshake_failure. A peer that presented no
/// certificate before may present one now (a server adding client authentication).
pub(crate) fn check_renegotiation_peer(core: &Core, peer: &PeerIdentity) -> Result<(), Fatal> {
    let n = &core.negotiated;
    let renegotiating = n.version != 0;
    if renegotiating
        && !n.extended_master_secret
        && matches!(n.auth.peer, PeerIdentity::Certificate(_))
        && n.auth.peer != *peer
    {
        return Err(Fatal::handshake(
            "renegotiation changed the peer certificate",
        ));
    }
    Ok(())
}

/// The premaster secret of a PSK suite (RFC 4279 §2, §3): the other secret (DH result, or
/// as many zero bytes as the PSK for plain PSK) and the PSK, each with a 2-byte length.
pub fn psk_premaster(
    kx: crate::suites::KeyExchange,
    other: &[u8],
    psk: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Fatal> {
    let zeros;
    let other = if kx == crate::suites::KeyExchange::Psk {
        zeros = vec![0u8; psk.len()];
        &zeros[..]
    } else {
        other
    };
    // Reserved in full so that no reallocation leaves a copy of the secret behind.
    let mut out = Zeroizing::new(Vec::with_capacity(4 + other.len() + psk.len()));
    crate::codec::with_len(&mut out, 2, |b| b.extend_from_slice(other))?;
    crate::codec::with_len(&mut out, 2, |b| b.extend_from_slice(psk))?;
    Ok(out)
}

/// Verifies a Finished message body against the expected verify_data in constant time.
fn check_finished(expected: &[u8], body: &[u8]) -> Result<(), Fatal> {
    if body.len() != expected.len() {
        return Err(Fatal::decode("Finished verify_data of the wrong length"));
    }
    // Accumulate the difference over every byte so the time does not depend on where the
    // first mismatch is.
    let diff = expected
        .iter()
        .zip(body)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff == 0 {
        Ok(())
    } else {
        Err(Fatal::decrypt("Finished verify_data mismatch"))
    }
}
