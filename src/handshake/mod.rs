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
        }
    }

    /// Queues a handshake message and adds it to the transcript.
    pub fn send_handshake(&mut self, typ: u8, body: &[u8]) {
        let msg = handshake_message(typ, body);
        self.transcript.extend_from_slice(&msg);
        self.record.write_records(&mut self.out, content::HANDSHAKE, &msg);
    }

    /// Sends ChangeCipherSpec and switches the write side to the pending keys.
    pub fn send_change_cipher_spec(&mut self) -> Result<(), Fatal> {
        self.record.write_records(&mut self.out, content::CHANGE_CIPHER_SPEC, &[1]);
        self.record.activate_write()
    }

    pub fn send_alert(&mut self, level: u8, description: u8) {
        self.record.write_records(&mut self.out, content::ALERT, &[level, description]);
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

/// The state reached after a completed handshake. Renegotiation is not offered by this
/// build: a peer's request is declined with a no_renegotiation warning (RFC 5246 §7.2.2),
/// which leaves the connection usable.
pub struct Established {
    pub is_client: bool,
}

impl State for Established {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        use crate::error::alert;
        use crate::msgs::hs;
        match input {
            Input::Handshake(m) if self.is_client && m.typ == hs::HELLO_REQUEST => {
                core.send_alert(alert::LEVEL_WARNING, alert::NO_RENEGOTIATION);
                Ok(self)
            }
            Input::Handshake(m) if !self.is_client && m.typ == hs::CLIENT_HELLO => {
                core.send_alert(alert::LEVEL_WARNING, alert::NO_RENEGOTIATION);
                Ok(self)
            }
            _ => Err(Fatal::UNEXPECTED),
        }
    }

    fn is_established(&self) -> bool {
        true
    }
}

/// Verifies a Finished message body against the expected verify_data in constant time.
fn check_finished(expected: &[u8], body: &[u8]) -> Result<(), Fatal> {
    if body.len() != expected.len() {
        return Err(Fatal::DECODE);
    }
    // Accumulate the difference over every byte so the time does not depend on where the
    // first mismatch is.
    let diff = expected.iter().zip(body).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff == 0 { Ok(()) } else { Err(Fatal::DECRYPT) }
}
