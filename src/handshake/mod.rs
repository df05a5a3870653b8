//! Handshake state machines. Each state is a type that owns exactly what that point of
//! the handshake knows; `handle` consumes it and returns the next state or the fatal alert
//! to send. A message no state expects cannot be processed: it is unexpected_message.

pub mod client;
pub mod ecdhe;
mod keysched;
pub mod server;

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::error::Fatal;
use crate::keys::Keys;
use crate::msgs::handshake_message;
use crate::pki::Certificate;
use crate::record::{RecordLayer, content};
use crate::suites::CipherSuite;

pub use keysched::KeySchedule;

/// A complete handshake message: type, body, and the raw bytes (header included) for the
/// transcript.
pub struct Message<'a> {
    pub typ: u8,
    pub body: &'a [u8],
    pub raw: &'a [u8],
}

/// What the application plugged in: certificate and extension callbacks.
pub trait Callbacks {
    fn has_certificate_callback(&self) -> bool;
    /// The peer's chain (leaf first), each certificate's link status, and the validation
    /// alert (0 = valid). Returns the MatrixSSL callback result (ABI.md §3.6.3).
    fn certificate(&mut self, chain: &[Arc<Certificate>], statuses: &[i32], alert: u8) -> i32;
    /// One ServerHello extension (not renegotiation_info); negative aborts.
    fn extension(&mut self, typ: u16, body: &[u8]) -> i32;
}

/// What a finished handshake established; survives into renegotiations.
pub struct Negotiated {
    pub version: u16,
    pub suite: Option<&'static CipherSuite>,
    pub session_id: Vec<u8>,
    pub master_secret: Zeroizing<[u8; 48]>,
    pub resumed: bool,
    pub extended_master_secret: bool,
    /// RFC 5746: the peer supports secure renegotiation.
    pub secure_renegotiation: bool,
    pub client_verify_data: Vec<u8>,
    pub server_verify_data: Vec<u8>,
    /// The certificate callback let an invalid chain through with SSL_ALLOW_ANON_CONNECTION.
    pub anonymous: bool,
}

impl Default for Negotiated {
    fn default() -> Self {
        Negotiated {
            version: 0,
            suite: None,
            session_id: Vec::new(),
            master_secret: Zeroizing::new([0; 48]),
            resumed: false,
            extended_master_secret: false,
            secure_renegotiation: false,
            client_verify_data: Vec::new(),
            server_verify_data: Vec::new(),
            anonymous: false,
        }
    }
}

/// The connection state the handshake works on.
pub struct Core {
    pub record: RecordLayer,
    /// Output FIFO: encoded records waiting to be sent.
    pub out: Vec<u8>,
    pub transcript: Vec<u8>,
    pub keys: Arc<Keys>,
    pub negotiated: Negotiated,
    /// Per-session server settings (suite restrictions, highest version).
    pub server_options: server::ServerOptions,
    /// Client settings for renegotiations (the suite asked for, the highest version).
    pub client_options: client::ClientOptions,
    /// Server: how many more peer-initiated handshakes this session accepts.
    pub rehandshake_credits: i32,
}

impl Core {
    pub fn new(keys: Arc<Keys>) -> Self {
        Core {
            record: RecordLayer::new(),
            out: Vec::new(),
            transcript: Vec::new(),
            keys,
            negotiated: Negotiated::default(),
            server_options: server::ServerOptions::default(),
            client_options: client::ClientOptions::default(),
            rehandshake_credits: 0,
        }
    }

    /// Queues a handshake message and adds it to the transcript.
    /// Fails (internal_error) only for a body too long for the 3-byte length.
    pub fn send_handshake(&mut self, typ: u8, body: &[u8]) -> Result<(), Fatal> {
        let msg = handshake_message(typ, body)?;
        self.transcript.extend_from_slice(&msg);
        self.record
            .write_records(&mut self.out, content::HANDSHAKE, &msg);
        Ok(())
    }

    /// Sends ChangeCipherSpec and switches the write side to the pending keys.
    pub fn send_change_cipher_spec(&mut self) -> Result<(), Fatal> {
        self.record
            .write_records(&mut self.out, content::CHANGE_CIPHER_SPEC, &[1]);
        self.record.activate_write()
    }

    /// Options for a client renegotiation: same suite choice and version cap, resuming the
    /// current session when it has a resumable id.
    pub fn renegotiation_options(&self) -> client::ClientOptions {
        let n = &self.negotiated;
        let resume = match (n.suite, <[u8; 32]>::try_from(&n.session_id[..])) {
            (Some(suite), Ok(id)) => Some(client::ResumeTicket {
                id,
                master_secret: n.master_secret.clone(),
                suite: suite.id,
                extended_master_secret: n.extended_master_secret,
            }),
            _ => None,
        };
        client::ClientOptions {
            resume,
            user_extensions: Vec::new(),
            ..self.client_options.clone()
        }
    }

    pub fn send_alert(&mut self, level: u8, description: u8) {
        self.record
            .write_records(&mut self.out, content::ALERT, &[level, description]);
    }
}

/// Input to a state: a handshake message or a ChangeCipherSpec.
pub enum Input<'a> {
    Handshake(Message<'a>),
    ChangeCipherSpec,
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
pub struct Established {
    pub is_client: bool,
}

/// May a new handshake run on this connection?
pub fn renegotiation_allowed(core: &Core) -> bool {
    core.negotiated.secure_renegotiation || cfg!(feature = "insecure-rehandshakes")
}

impl State for Established {
    fn handle(self: Box<Self>, core: &mut Core, cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        use crate::error::alert;
        use crate::msgs::hs;
        let Input::Handshake(m) = input else {
            return Err(Fatal::UNEXPECTED);
        };
        match m.typ {
            hs::HELLO_REQUEST if self.is_client => {
                if !m.body.is_empty() {
                    return Err(Fatal::DECODE);
                }
                if !renegotiation_allowed(core) {
                    core.send_alert(alert::LEVEL_WARNING, alert::NO_RENEGOTIATION);
                    return Ok(self);
                }
                let options = core.renegotiation_options();
                client::start(core, options).map_err(|_| Fatal::INTERNAL)
            }
            hs::CLIENT_HELLO if !self.is_client => {
                if core.rehandshake_credits <= 0 {
                    core.send_alert(alert::LEVEL_WARNING, alert::NO_RENEGOTIATION);
                    return Ok(self);
                }
                core.rehandshake_credits -= 1;
                if !renegotiation_allowed(core) {
                    return Err(Fatal::HANDSHAKE);
                }
                Box::new(server::ExpectClientHello).handle(core, cb, Input::Handshake(m))
            }
            _ => Err(Fatal::UNEXPECTED),
        }
    }

    fn is_established(&self) -> bool {
        true
    }
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
        return Err(Fatal::DECODE);
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
        Err(Fatal::DECRYPT)
    }
}
