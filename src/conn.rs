//! The sans-IO connection behind `ssl_t`: it owns the input and output buffers in exactly
//! the shape the MatrixSSL buffer protocol lends them out (ABI.md §3.4–§3.5). Records are
//! decrypted in place in the input buffer and application plaintext is handed out as a
//! range of it; outgoing application data is written by the caller straight into the
//! output buffer and encrypted there.

use std::ops::Range;
use std::sync::Arc;

use crate::config::Config;
use crate::error::*;
use crate::handshake::client::{self, ClientOptions, ResumeTicket};
use crate::handshake::server::{ExpectClientHello, ServerOptions};
use crate::handshake::{Callbacks, Core, Input, Message, State};
use crate::keys::Keys;
use crate::msgs::{HandshakeType, hs};
use crate::record::{HEADER_LEN, Header, MAX_PLAINTEXT, content};
use crate::suites::TLS1_0;
use crate::trace;

/// SSL_DEFAULT_IN_BUF_SIZE / SSL_DEFAULT_OUT_BUF_SIZE.
pub const DEFAULT_BUF_SIZE: usize = 1500;
/// Largest handshake message we reassemble (certificate chains, huge ClientHellos).
const MAX_HANDSHAKE_MESSAGE: usize = 256 * 1024;
/// More consecutive empty application records than this is treated as an attack.
const MAX_EMPTY_RECORDS: u32 = 1024;
/// The warning alert that makes this many in a row is answered with unexpected_message and
/// ends the session (CVE-2016-8610, "SSL death alert": a peer that streams warnings makes
/// no progress and would otherwise keep the connection busy forever). "In a row" means
/// with no handshake record, ChangeCipherSpec or non-empty application data record in
/// between; close_notify is not counted (it ends the session by itself), and the
/// no_renegotiation warnings our own rehandshake requests provoke count like any other.
/// The same bound as OpenSSL's MAX_WARN_ALERT_COUNT: the first four are still reported
/// to the application as MATRIXSSL_RECEIVED_ALERT.
const MAX_CONSECUTIVE_WARNING_ALERTS: u32 = 5;
/// A server earns one rehandshake credit per this many bytes of application records sent
/// (BYTES_BEFORE_RH_CREDIT), up to MAX_RH_CREDITS.
const BYTES_BEFORE_RH_CREDIT: u32 = 20 * 1024 * 1024;
const MAX_RH_CREDITS: i32 = 0x7fff;
/// DEFAULT_RH_CREDITS: peer-initiated handshakes a new server session accepts.
const DEFAULT_RH_CREDITS: i32 = 1;

/// Result of a receive call: the return code and, for APP_DATA / RECEIVED_ALERT, where the
/// plaintext lies in the input buffer.
pub struct Received {
    pub rc: i32,
    pub plaintext: Option<Range<usize>>,
}

impl Received {
    fn code(rc: i32) -> Self {
        Received {
            rc,
            plaintext: None,
        }
    }
}

/// Room reserved in the output buffer by `write_buf` for one application record.
///
/// `room` is at most one fragment (`MAX_PLAINTEXT`) and `split_len` one record of a single
/// byte, so both fit 16 bits: the `Option<Reservation>` every session object holds then
/// takes 24 bytes instead of 32.
struct Reservation {
    start: usize,
    room: u16,
    /// Length of the 1-byte record reserved in front (TLS 1.0 CBC 1/n-1 split), or 0.
    split_len: u16,
}

impl Reservation {
    fn room(&self) -> usize {
        usize::from(self.room)
    }

    fn split_len(&self) -> usize {
        usize::from(self.split_len)
    }
}

/// An offset into the input buffer as the session object holds it: 32 bits, which keeps
/// every session object 16 bytes smaller than `usize` offsets. The buffer holds the input
/// not processed yet, normally less than a record plus the default size; it could only
/// reach 4 GiB if an application fed gigabytes without ever letting them be processed, and
/// then this panics (the C boundary turns it into PS_FAILURE) rather than wrap around.
fn in_offset(pos: usize) -> u32 {
    u32::try_from(pos).expect("input buffer offsets stay below 4 GiB")
}

/// The start of a handshake message split across records, kept until the rest arrives.
///
/// Empty almost always (between fragmented messages, and in every established session), so
/// it is one pointer, null when empty, instead of an empty `Vec`'s three words in every
/// session object; the extra indirection is paid only while a message is being assembled.
// A boxed `Vec` on purpose: the box is the thin pointer (8 bytes, where a `Vec` or a boxed
// slice takes 24 or 16 in every session), and its extra allocation exists only while a
// message is being assembled.
#[allow(clippy::box_collection)]
#[derive(Default)]
struct Reassembly(Option<Box<Vec<u8>>>);

impl Reassembly {
    fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The bytes held (empty if none), leaving the reassembly empty.
    fn take(&mut self) -> Vec<u8> {
        self.0.take().map(|b| *b).unwrap_or_default()
    }

    /// Holds `bytes` until the rest of their message arrives; nothing if they are empty.
    fn keep(&mut self, bytes: Vec<u8>) {
        self.0 = (!bytes.is_empty()).then(|| Box::new(bytes));
    }

    fn clear(&mut self) {
        self.0 = None;
    }
}

pub struct Connection {
    pub core: Core,
    state: Option<Box<dyn State>>,
    is_client: bool,
    /// Input buffer; its length is the current buffer size ("insize").
    inbuf: Vec<u8>,
    /// Unprocessed bytes are `inbuf[in_start..in_len]` (32-bit: see [`in_offset`]).
    in_start: u32,
    in_len: u32,
    /// Bytes offered by the last `read_buf` (ReceivedData may not report more).
    read_offer: u32,
    /// End of the record whose plaintext is currently lent to the application.
    outstanding: Option<u32>,
    /// Handshake message reassembly across records.
    hs_buf: Reassembly,
    /// Server before its first record: an SSL 2.0-format ClientHello is still acceptable.
    awaiting_first_hello: bool,
    reservation: Option<Reservation>,
    established_once: bool,
    complete_unreported: bool,
    completion_reported: bool,
    empty_records: u32,
    /// A TLS 1.3 compatibility change_cipher_spec was already dropped: Appendix D.4 of
    /// RFC 8446 has each side send exactly one, so a second is unexpected_message (as
    /// NSS and GnuTLS do) rather than one more record dropped unread (CVE-2020-25648).
    compat_ccs_dropped: bool,
    /// Warning alerts received since the peer last made progress (see
    /// MAX_CONSECUTIVE_WARNING_ALERTS).
    warning_alerts: u32,
    /// The peer's ChangeCipherSpec was processed and its Finished has not arrived yet:
    /// records are read under keys no Finished has confirmed, so application data is
    /// refused (see `on_application_data`).
    awaiting_peer_finished: bool,
    /// Application record bytes encoded since the last rehandshake credit was earned.
    /// (Below `BYTES_BEFORE_RH_CREDIT` between records, so 32 bits hold it.)
    bytes_toward_credit: u32,
    /// The last record received / sealed was larger than the default buffer: the buffer's
    /// allocation is then kept when its length shrinks back to the default, so a stream of
    /// large records reuses one allocation instead of a shrink and a regrow per record
    /// (the sizes the API reports are unchanged; only the capacity stays).
    large_in: bool,
    large_out: bool,
    local_error: bool,
    peer_error: bool,
    peer_closed: bool,
    close_after_sent: bool,
    /// Our close_notify is queued: no new handshake is started any more.
    closure_sent: bool,
    /// A handshake was under way when our close_notify was queued (see
    /// `on_handshake_message`).
    handshake_open_at_close: bool,
}

/// The length (header included) of the handshake message at the start of `buf` if it is
/// all there, `None` if more bytes are needed; a declared length above the maximum is
/// decode_error as soon as the header is seen.
fn next_message_len(buf: &[u8]) -> Result<Option<usize>, Fatal> {
    let Some(len) = buf.get(1..4) else {
        return Ok(None);
    };
    let body_len = (usize::from(len[0]) << 16) | (usize::from(len[1]) << 8) | usize::from(len[2]);
    if body_len > MAX_HANDSHAKE_MESSAGE {
        return Err(Fatal::decode(
            "handshake message longer than the allowed maximum",
        ));
    }
    Ok((buf.len() >= 4 + body_len).then_some(4 + body_len))
}

impl Connection {
    fn new(config: Config, keys: Arc<Keys>, is_client: bool) -> Self {
        let mut core = Core::new(keys, config);
        core.is_client = is_client;
        // Both buffers exist at the default size from the start and never shrink below it
        // (ABI.md §7.2): applications written for 3.3 keep the GetOutdata pointer across an
        // encode that fits, so a small record must never reallocate the output buffer.
        core.out.reserve_exact(DEFAULT_BUF_SIZE);
        Connection {
            core,
            state: None,
            is_client,
            inbuf: vec![0; DEFAULT_BUF_SIZE],
            in_start: 0,
            in_len: 0,
            read_offer: 0,
            outstanding: None,
            hs_buf: Reassembly::default(),
            awaiting_first_hello: !is_client,
            reservation: None,
            established_once: false,
            complete_unreported: false,
            completion_reported: false,
            empty_records: 0,
            compat_ccs_dropped: false,
            warning_alerts: 0,
            awaiting_peer_finished: false,
            bytes_toward_credit: 0,
            large_in: false,
            large_out: false,
            local_error: false,
            peer_error: false,
            peer_closed: false,
            close_after_sent: false,
            closure_sent: false,
            handshake_open_at_close: false,
        }
    }

    /// A client session with its ClientHello already queued, under the process
    /// configuration ([`Config::process`]). Errors are API return codes.
    pub fn new_client(keys: Arc<Keys>, options: ClientOptions) -> Result<Self, i32> {
        Connection::new_client_with(Config::process(), keys, options)
    }

    /// A client session under `config`, with its ClientHello already queued.
    pub fn new_client_with(
        config: Config,
        keys: Arc<Keys>,
        options: ClientOptions,
    ) -> Result<Self, i32> {
        let mut conn = Connection::new(config, keys, true);
        conn.state = Some(client::start(&mut conn.core, options)?);
        Ok(conn)
    }

    /// A server session under the process configuration ([`Config::process`]).
    pub fn new_server(keys: Arc<Keys>) -> Self {
        Connection::new_server_with(Config::process(), keys)
    }

    /// A server session under `config`.
    pub fn new_server_with(config: Config, keys: Arc<Keys>) -> Self {
        let mut conn = Connection::new(config, keys, false);
        conn.core.rehandshake_credits = DEFAULT_RH_CREDITS;
        conn.state = Some(Box::new(ExpectClientHello));
        conn
    }

    pub fn is_client(&self) -> bool {
        self.is_client
    }

    /// Per-session suite restriction (servers, before the ClientHello).
    pub fn server_options_mut(&mut self) -> &mut ServerOptions {
        &mut self.core.server_options
    }

    pub fn handshake_complete(&self) -> bool {
        self.state.as_ref().is_some_and(|s| s.is_established())
    }

    /// A TLS 1.3 ticket just remembered, once: the handle and suite the application's
    /// session record should now hold (ABI.md D28).
    pub fn take_new_ticket(&mut self) -> Option<([u8; 32], u16)> {
        let session = self.core.tls13.as_mut()?;
        if !std::mem::take(&mut session.latest_ticket_unrecorded) {
            return None;
        }
        Some((session.latest_ticket?, session.suite.id))
    }

    /// The last TLS 1.3 ticket remembered, for `matrixSslGetSessionId`.
    pub fn latest_ticket(&self) -> Option<([u8; 32], u16)> {
        let session = self.core.tls13.as_ref()?;
        Some((session.latest_ticket?, session.suite.id))
    }

    /// Client: the application takes a record of the established TLS ≤ 1.2 session now
    /// (`matrixSslGetSessionId`), so the session is remembered for resuming from it even if
    /// the connection was not created to keep one (see `ClientOptions::remember_sessions`).
    pub fn remember_session(&self) {
        if self.is_client {
            self.core
                .config
                .client_sessions
                .remember(&self.core.negotiated);
        }
    }

    /// True once: the handshake completion was just reported to the application, so the
    /// client's session record should be written now (ABI.md §3.3.2).
    pub fn take_completion_report(&mut self) -> bool {
        std::mem::take(&mut self.completion_reported)
    }

    pub fn inbuf_mut(&mut self) -> &mut [u8] {
        &mut self.inbuf
    }

    // ---- receiving ----------------------------------------------------------------

    /// Where the unprocessed input lies in `inbuf`.
    fn unprocessed(&self) -> Range<usize> {
        self.in_start as usize..self.in_len as usize
    }

    /// Drops the lent plaintext record (the application is done with it).
    fn release_outstanding(&mut self) {
        if let Some(end) = self.outstanding.take() {
            self.in_start = end;
        }
    }

    /// Moves unprocessed bytes to the front of the buffer and shrinks it back to the default
    /// size when what remains fits.
    fn compact(&mut self) {
        if self.in_start > 0 {
            let unprocessed = self.unprocessed();
            self.inbuf.copy_within(unprocessed, 0);
            self.in_len -= self.in_start;
            self.in_start = 0;
        }
        if self.inbuf.len() > DEFAULT_BUF_SIZE && self.in_len as usize <= DEFAULT_BUF_SIZE {
            let pending_record = Header::parse(&self.inbuf[..self.in_len as usize])
                .and_then(Result::ok)
                .is_some_and(|h| h.total_len() > DEFAULT_BUF_SIZE);
            if !pending_record {
                self.inbuf.truncate(DEFAULT_BUF_SIZE);
            }
        }
        // The allocation follows the length back down once records are small again.
        if !self.large_in
            && self.inbuf.len() <= DEFAULT_BUF_SIZE
            && self.inbuf.capacity() > DEFAULT_BUF_SIZE
        {
            self.inbuf.shrink_to(DEFAULT_BUF_SIZE);
        }
    }

    /// `matrixSslGetReadbuf`: where the next bytes go, and how many fit (always > 0).
    pub fn read_buf(&mut self) -> (usize, usize) {
        self.release_outstanding();
        self.compact();
        // Grow to hold exactly the record being assembled (ABI.md §7.2), so the room
        // offered is then the number of bytes still missing.
        if let Some(Ok(h)) = Header::parse(&self.inbuf[..self.in_len as usize])
            && h.total_len() > self.inbuf.len()
        {
            // Exactly: `resize` alone would double the allocation (3,000 bytes for a
            // 1,600-byte record), which a session holding a handshake flight pays for.
            self.inbuf.reserve_exact(h.total_len() - self.inbuf.len());
            self.inbuf.resize(h.total_len(), 0);
        }
        if self.in_len as usize == self.inbuf.len() {
            self.inbuf
                .resize(self.in_len as usize + DEFAULT_BUF_SIZE, 0);
        }
        self.read_offer = in_offset(self.inbuf.len() - self.in_len as usize);
        (self.in_len as usize, self.read_offer as usize)
    }

    /// `matrixSslReceivedData`.
    pub fn received(&mut self, bytes: usize, cb: &mut dyn Callbacks) -> Received {
        // Anything decoding produces (replies, alerts) must follow the encoded output, not an
        // abandoned reservation.
        self.abandon_reservation();
        if bytes > self.read_offer as usize {
            return Received::code(PS_ARG_FAIL);
        }
        self.read_offer = 0;
        if bytes > 0 && (self.local_error || self.peer_error || self.peer_closed) {
            return Received::code(PS_PROTOCOL_FAIL);
        }
        self.in_len += in_offset(bytes);
        self.release_outstanding();
        if self.in_start == self.in_len {
            return Received::code(if bytes == 0 {
                PS_SUCCESS
            } else {
                MATRIXSSL_REQUEST_RECV
            });
        }
        self.process(cb)
    }

    /// `matrixSslProcessedData`.
    pub fn processed(&mut self, cb: &mut dyn Callbacks) -> Received {
        self.abandon_reservation();
        self.release_outstanding();
        self.read_offer = 0;
        self.compact();
        if self.in_len == 0 {
            return Received::code(MATRIXSSL_SUCCESS);
        }
        if self.local_error || self.peer_error || self.peer_closed {
            return Received::code(PS_PROTOCOL_FAIL);
        }
        self.process(cb)
    }

    /// Decodes buffered records until one must be handed to the application, a reply was
    /// queued, or the buffer holds no complete record.
    fn process(&mut self, cb: &mut dyn Callbacks) -> Received {
        let out_before = self.core.out.len();
        loop {
            // Once a TLS 1.3 handshake is done, what it queues (our Finished, the answer
            // to a KeyUpdate) does not stop the decoding: records behind it are delivered
            // now, and the queued bytes go out with the next flush, ahead of any data the
            // application encodes (ABI.md D27). Stopping would leave them buffered until
            // the peer sent more, which it may never do.
            let queued = self.core.out.len() != out_before;
            if queued && self.core.tls13.is_none() {
                return Received::code(MATRIXSSL_REQUEST_SEND);
            }
            let avail = &self.inbuf[self.unprocessed()];
            if self.awaiting_first_hello && avail.first().is_some_and(|b| b & 0x80 != 0) {
                match self.on_sslv2_hello(cb) {
                    Ok(None) => continue,
                    Ok(Some(r)) => return r,
                    Err(f) => return self.fail(f),
                }
            }
            self.awaiting_first_hello = false;
            let header = match Header::parse(avail) {
                None if queued => return Received::code(MATRIXSSL_REQUEST_SEND),
                None => return self.need_more(),
                Some(Err(f)) => return self.fail(f),
                Some(Ok(h)) => h,
            };
            if avail.len() < header.total_len() {
                if queued {
                    return Received::code(MATRIXSSL_REQUEST_SEND);
                }
                return self.need_more();
            }
            let record_start = self.in_start as usize;
            self.large_in = header.total_len() > DEFAULT_BUF_SIZE;
            let record_end = record_start + header.total_len();
            let opened = self
                .core
                .record
                .open_or_skip(&header, &mut self.inbuf[record_start..record_end]);
            let (typ, range) = match opened {
                Ok(Some((typ, r))) => (typ, (record_start + r.start)..(record_start + r.end)),
                // Rejected 0-RTT data (RFC 8446 §4.2.10): dropped unread.
                Ok(None) => {
                    self.in_start = in_offset(record_end);
                    continue;
                }
                Err(f) => return self.fail(f),
            };
            self.in_start = in_offset(record_end);
            // Under TLS 1.3 keys a record whose outer type is not application_data was
            // not protected (RecordLayer::open passes such CCS and alert records through).
            let unprotected13 = self.core.record.is_tls13()
                && self.core.record.read_secure()
                && header.typ != content::APPLICATION_DATA;
            let step = match typ {
                content::HANDSHAKE => self.on_handshake(range, cb),
                content::CHANGE_CIPHER_SPEC if self.core.record.is_tls13() => {
                    self.on_compatibility_ccs(range, unprotected13)
                }
                content::CHANGE_CIPHER_SPEC => self.on_change_cipher_spec(range, cb),
                content::ALERT if unprotected13 && self.handshake_complete() => Err(
                    Fatal::unexpected("unprotected alert after the TLS 1.3 handshake"),
                ),
                content::ALERT => self.on_alert(range, record_end),
                content::APPLICATION_DATA => self.on_application_data(range, record_end),
                // `Header::parse` already refuses every other type (heartbeat, 24, among
                // them: we do not implement RFC 6520) before any decryption, so this arm
                // is not reached; it states the rule here too rather than let an unknown
                // type fall through to application data.
                _ => Err(Fatal::unexpected("record of an unknown content type")),
            };
            match step {
                Ok(None) => continue,
                Ok(Some(r)) => return r,
                Err(f) => return self.fail(f),
            }
        }
    }

    /// An SSL 2.0-format ClientHello (2-byte header with the high bit set), which old
    /// clients send for compatibility; ABI.md §3.4.2 says servers accept it.
    fn on_sslv2_hello(&mut self, cb: &mut dyn Callbacks) -> Result<Option<Received>, Fatal> {
        let avail = &self.inbuf[self.unprocessed()];
        let Some(h) = avail.get(..2) else {
            return Ok(Some(self.need_more()));
        };
        let len = (usize::from(h[0] & 0x7f) << 8) | usize::from(h[1]);
        let Some(msg) = avail.get(2..2 + len) else {
            return Ok(Some(self.need_more()));
        };
        let msg = msg.to_vec();
        self.awaiting_first_hello = false;
        self.in_start += in_offset(2 + len);
        if self.closure_sent {
            return Ok(None); // as any handshake message after our close_notify
        }
        let body = crate::msgs::sslv2_client_hello_to_v3(&msg)?;
        let state = self.state.take().ok_or(Fatal::unexpected(
            "handshake message after the connection failed",
        ))?;
        // The transcript covers the SSL 2.0 message itself (RFC 5246 Appendix E.2).
        let next = state.handle(
            &mut self.core,
            cb,
            Input::Handshake(Message {
                typ: HandshakeType::CLIENT_HELLO,
                body: &body,
                raw: &msg,
            }),
        )?;
        self.after_transition(false, next);
        Ok(None)
    }

    fn need_more(&mut self) -> Received {
        // A TLS 1.3 client whose Finished is still queued (records behind the server's
        // Finished, e.g. a ticket sent with it, came in a later piece) completes when that
        // Finished is sent (ABI.md D27): SentData reports it. The queued output was
        // announced by the REQUEST_SEND of the call that queued it; this one asks for more
        // input as usual (answering REQUEST_SEND again would keep a loop of ReceivedData(0)
        // calls, ABI.md §3.4.2, spinning).
        if self.in_start == self.in_len && self.complete_unreported && self.core.out.is_empty() {
            self.report_completion();
            return Received::code(MATRIXSSL_HANDSHAKE_COMPLETE);
        }
        if self.in_start == self.in_len && self.in_len > 0 {
            self.in_start = 0;
            self.in_len = 0;
        }
        Received::code(MATRIXSSL_REQUEST_RECV)
    }

    fn report_completion(&mut self) {
        self.complete_unreported = false;
        self.completion_reported = true;
    }

    fn on_handshake(
        &mut self,
        range: Range<usize>,
        cb: &mut dyn Callbacks,
    ) -> Result<Option<Received>, Fatal> {
        if range.is_empty() {
            return Err(Fatal::unexpected("empty handshake record"));
        }
        self.warning_alerts = 0;
        // Messages that lie whole in the record are handled where they are; only a message
        // split across records is assembled in `hs_buf` (copying every message there, and
        // out again, held a flight's Certificate message three times at the handshake's
        // peak: record, reassembly buffer, message).
        let mut pos = range.start;
        if self.hs_buf.is_empty() {
            // The buffer is moved out (not reallocated: its bytes stay where the
            // application's pointers expect them) while the state machine, which needs the
            // connection mutably, reads the messages from it.
            let inbuf = std::mem::take(&mut self.inbuf);
            let (used, handled) = self.on_whole_messages(&inbuf[range.clone()], cb);
            self.inbuf = inbuf;
            handled?;
            pos += used;
        }
        let mut hs_buf = self.hs_buf.take();
        hs_buf.extend_from_slice(&self.inbuf[pos..range.end]);
        let (used, handled) = self.on_whole_messages(&hs_buf, cb);
        hs_buf.drain(..used);
        // Only bytes of a message still incomplete keep the allocation: a session holds
        // none between fragmented messages, and none once established. (Nothing but this
        // function writes to `hs_buf`, so nothing written meanwhile is lost.)
        self.hs_buf.keep(hs_buf);
        handled?;
        Ok(None)
    }

    /// The whole handshake messages at the start of `buf` (a buffer moved out of the
    /// connection), up to the first error; returns how many bytes they took.
    fn on_whole_messages(
        &mut self,
        buf: &[u8],
        cb: &mut dyn Callbacks,
    ) -> (usize, Result<(), Fatal>) {
        let mut pos = 0;
        loop {
            let len = match next_message_len(&buf[pos..]) {
                Ok(Some(len)) => len,
                Ok(None) => return (pos, Ok(())),
                Err(f) => return (pos, Err(f)),
            };
            let end = pos + len;
            if let Err(f) = self.on_handshake_message_keyed(&buf[pos..end], end < buf.len(), cb) {
                return (pos, Err(f));
            }
            pos = end;
        }
    }

    /// One whole handshake message; `more_follows`: bytes of the same record come after it,
    /// which RFC 8446 §5.1 forbids behind a message that changed the read keys (they were
    /// protected under the old keys).
    fn on_handshake_message_keyed(
        &mut self,
        raw: &[u8],
        more_follows: bool,
        cb: &mut dyn Callbacks,
    ) -> Result<(), Fatal> {
        let epoch = self.core.record.read_key_epoch();
        self.on_handshake_message(raw, cb)?;
        if epoch != self.core.record.read_key_epoch() && more_follows {
            return Err(Fatal::unexpected(
                "handshake data in the record of a key change",
            ));
        }
        Ok(())
    }

    /// A change_cipher_spec record under TLS 1.3 (RFC 8446 §5, Appendix D.4): between the
    /// hellos and the peer's Finished, an unprotected one holding the byte 1 is dropped
    /// (middlebox compatibility) once; any other, a second one included, is
    /// unexpected_message. The dropped one counts towards the bound on records that
    /// carry nothing.
    fn on_compatibility_ccs(
        &mut self,
        range: Range<usize>,
        unprotected: bool,
    ) -> Result<Option<Received>, Fatal> {
        // Not once a TLS 1.3 handshake completed (`core.tls13`), post-handshake
        // authentication included: the peer's Finished has been received.
        let allowed = self.core.tls13.is_none() && (unprotected || !self.core.record.read_secure());
        if !allowed || self.inbuf[range] != [1] || !self.hs_buf.is_empty() {
            return Err(Fatal::unexpected(
                "change_cipher_spec outside the TLS 1.3 compatibility points",
            ));
        }
        if self.compat_ccs_dropped {
            return Err(Fatal::unexpected(
                "second change_cipher_spec in a TLS 1.3 handshake",
            ));
        }
        self.compat_ccs_dropped = true;
        self.empty_records += 1;
        if self.empty_records > MAX_EMPTY_RECORDS {
            return Err(Fatal::unexpected("too many records without content"));
        }
        Ok(None)
    }

    fn on_handshake_message(&mut self, raw: &[u8], cb: &mut dyn Callbacks) -> Result<(), Fatal> {
        trace::event!(
            trace::HANDSHAKE,
            "{}: received {} (type {}, {} bytes)",
            trace::role(self.is_client),
            HandshakeType(raw[0]).name(),
            raw[0],
            raw.len() - 4
        );
        // After our close_notify no new handshake is started: a renegotiation request
        // (HelloRequest, a renegotiating ClientHello) is discarded without an alert, as
        // OpenSSL does once SSL_shutdown has sent close_notify; application data and alerts
        // are still delivered (ABI.md §7.9: input after EncodeClosureAlert is decoded
        // normally). A handshake that was already under way (e.g. our own rehandshake,
        // still unanswered when the application closed) is still followed to its end, so
        // the peer's ChangeCipherSpec and the records under the new keys that follow it —
        // its close_notify among them — can be read instead of failing to decrypt.
        if self.closure_sent && (!self.handshake_open_at_close || self.handshake_complete()) {
            return Ok(());
        }
        let typ = HandshakeType(raw[0]);
        // RFC 5246 §7.4.1.1: a HelloRequest in the middle of a handshake is ignored. TLS 1.3
        // has no HelloRequest: there it reaches the state machine (unexpected_message).
        if typ == HandshakeType::HELLO_REQUEST
            && self.is_client
            && !self.handshake_complete()
            && !self.core.record.is_tls13()
        {
            return if raw.len() == 4 {
                Ok(())
            } else {
                Err(Fatal::decode("HelloRequest with a non-empty body"))
            };
        }
        let state = self.state.take().ok_or(Fatal::unexpected(
            "handshake message after the connection failed",
        ))?;
        let was_established = state.is_established();
        // After the peer's ChangeCipherSpec the only acceptable message is its Finished,
        // which the state machine checks; either way the window is closed.
        self.awaiting_peer_finished = false;
        let msg = Message {
            typ,
            body: &raw[4..],
            raw,
        };
        let next = state.handle(&mut self.core, cb, Input::Handshake(msg))?;
        self.after_transition(was_established, next);
        Ok(())
    }

    fn after_transition(&mut self, was_established: bool, next: Box<dyn State>) {
        if next.is_established() && !was_established {
            self.trace_negotiated();
            self.established_once = true;
            self.complete_unreported = true;
        }
        if next.is_established() {
            // An established session keeps no handshake buffers (their capacity would
            // otherwise stay allocated for the session's lifetime: a few KB with an RSA
            // chain). A renegotiation starts from empty ones.
            self.core.transcript = crate::handshake::Transcript::new();
        }
        self.state = Some(next);
    }

    fn on_change_cipher_spec(
        &mut self,
        range: Range<usize>,
        cb: &mut dyn Callbacks,
    ) -> Result<Option<Received>, Fatal> {
        // RFC 5246 §7.1: the message is the single byte 1. Any other body is not a
        // ChangeCipherSpec at all, so it is refused as an unexpected message (as OpenSSL
        // does), not as a bad parameter of one.
        trace::event!(
            trace::HANDSHAKE,
            "{}: received ChangeCipherSpec",
            trace::role(self.is_client)
        );
        if self.inbuf[range.clone()] != [1] {
            return Err(Fatal::unexpected(
                "ChangeCipherSpec body is not the single byte 1",
            ));
        }
        // A CCS must fall on a handshake message boundary.
        if !self.hs_buf.is_empty() {
            return Err(Fatal::unexpected(
                "ChangeCipherSpec inside a fragmented handshake message",
            ));
        }
        let state = self.state.take().ok_or(Fatal::unexpected(
            "ChangeCipherSpec after the connection failed",
        ))?;
        let was_established = state.is_established();
        let next = state.handle(&mut self.core, cb, Input::ChangeCipherSpec)?;
        self.after_transition(was_established, next);
        self.warning_alerts = 0;
        self.awaiting_peer_finished = true;
        Ok(None)
    }

    fn on_alert(
        &mut self,
        range: Range<usize>,
        record_end: usize,
    ) -> Result<Option<Received>, Fatal> {
        // RFC 8446 §5.4: a protected Alert with no content at all is unexpected_message;
        // one of the wrong non-zero length is a malformed alert (decode_error).
        if range.is_empty() && self.core.record.is_tls13() {
            return Err(Fatal::unexpected("empty TLS 1.3 alert record"));
        }
        if range.len() != 2 {
            return Err(Fatal::decode("alert record not 2 bytes long"));
        }
        let (level, description) = (self.inbuf[range.start], self.inbuf[range.start + 1]);
        trace::event!(
            trace::HANDSHAKE | trace::INFO,
            "{}: received {} alert {} ({description})",
            trace::role(self.is_client),
            if level == alert::LEVEL_FATAL {
                "fatal"
            } else {
                "warning"
            },
            alert::name(description)
        );
        // RFC 8446 §6: in TLS 1.3 every alert but close_notify and user_canceled is an
        // error, whatever level it claims.
        let error13 = self.core.record.is_tls13()
            && description != alert::CLOSE_NOTIFY
            && description != alert::USER_CANCELED;
        if level == alert::LEVEL_FATAL || error13 {
            self.peer_error = true;
            self.forget_session_after_fatal();
        } else if description == alert::CLOSE_NOTIFY {
            self.peer_closed = true;
        } else {
            self.warning_alerts += 1;
            if self.warning_alerts >= MAX_CONSECUTIVE_WARNING_ALERTS {
                return Err(Fatal::unexpected("too many consecutive warning alerts"));
            }
        }
        self.outstanding = Some(in_offset(record_end));
        Ok(Some(Received {
            rc: MATRIXSSL_RECEIVED_ALERT,
            plaintext: Some(range),
        }))
    }

    fn on_application_data(
        &mut self,
        range: Range<usize>,
        record_end: usize,
    ) -> Result<Option<Received>, Fatal> {
        if !self.established_once || !self.core.record.read_secure() {
            return Err(Fatal::unexpected(
                "application data before the handshake completed",
            ));
        }
        // During a renegotiation application data may arrive between the peer's handshake
        // messages, under the keys in force (RFC 5246 §7.4 leaves the two interleaved), and
        // is delivered. Between the peer's ChangeCipherSpec and its Finished it would be
        // read under new keys that no Finished has authenticated yet: refused, as OpenSSL
        // refuses "application data after CCS before Finished".
        if self.awaiting_peer_finished {
            return Err(Fatal::unexpected(
                "application data between ChangeCipherSpec and Finished",
            ));
        }
        // RFC 8446 §5.1: the records of a handshake message split across records are not
        // interleaved with other records (TLS 1.2 allowed it, RFC 5246 §6.2.1).
        if self.core.record.is_tls13() && !self.hs_buf.is_empty() {
            return Err(Fatal::unexpected(
                "application data inside a fragmented TLS 1.3 handshake message",
            ));
        }
        if range.is_empty() {
            self.empty_records += 1;
            if self.empty_records > MAX_EMPTY_RECORDS {
                return Err(Fatal::unexpected("too many empty application data records"));
            }
        } else {
            self.empty_records = self.empty_records.saturating_sub(1);
            self.warning_alerts = 0;
        }
        if self.complete_unreported {
            self.report_completion();
        }
        self.outstanding = Some(in_offset(record_end));
        Ok(Some(Received {
            rc: MATRIXSSL_APP_DATA,
            plaintext: Some(range),
        }))
    }

    /// A local protocol failure: queue the fatal alert, drop buffered input, and ask the
    /// application to flush (ABI.md §7.9).
    fn fail(&mut self, f: Fatal) -> Received {
        trace::event!(
            trace::HANDSHAKE | trace::INFO,
            "{}: sent fatal alert {f}",
            trace::role(self.is_client)
        );
        self.core.send_alert(alert::LEVEL_FATAL, f.alert);
        self.local_error = true;
        self.close_after_sent = true;
        self.state = None;
        self.in_start = 0;
        self.in_len = 0;
        self.outstanding = None;
        self.hs_buf.clear();
        self.forget_session_after_fatal();
        Received::code(MATRIXSSL_REQUEST_SEND)
    }

    /// One line with what a completed handshake established (no secrets: the session id
    /// is not printed either, it names a resumable session).
    fn trace_negotiated(&self) {
        let n = &self.core.negotiated;
        // TLS 1.3 has neither the extended master secret nor renegotiation to report.
        if let Some(suite) = n.tls13_suite {
            trace::event!(
                trace::INFO,
                "{}: negotiated {} {} (0x{:04x}), {}",
                trace::role(self.is_client),
                trace::version_name(n.version),
                suite.name,
                suite.id,
                if n.resumed {
                    "resumed"
                } else {
                    "full handshake"
                }
            );
            return;
        }
        trace::event!(
            trace::INFO,
            "{}: negotiated {} {} (0x{:04x}), {}, extended master secret {}, secure renegotiation {}",
            trace::role(self.is_client),
            trace::version_name(n.version),
            n.suite.map_or("no suite", |s| s.name),
            n.suite.map_or(0, |s| s.id),
            if n.resumed {
                "resumed"
            } else {
                "full handshake"
            },
            if n.extended_master_secret {
                "yes"
            } else {
                "no"
            },
            if n.secure_renegotiation { "yes" } else { "no" }
        );
    }

    /// RFC 5246 §7.2.2: the session of a connection that ended in a fatal alert (sent or
    /// received) must not be resumed. The server drops it from its cache; the client
    /// forgets both the current session and the one it offered to resume, so neither is
    /// offered again from the application's session record.
    fn forget_session_after_fatal(&self) {
        if !self.is_client {
            self.invalidate_cached_session();
            return;
        }
        let current = ResumeTicket::from_negotiated(&self.core.negotiated);
        for ticket in current
            .iter()
            .chain(self.core.client_options.resume.as_deref())
        {
            self.core
                .config
                .client_sessions
                .forget(&ticket.id, &ticket.master_secret);
        }
    }

    fn invalidate_cached_session(&self) {
        if !self.is_client && !self.core.negotiated.session_id.is_empty() {
            self.core
                .config
                .server_cache
                .remove(&self.core.negotiated.session_id);
        }
    }

    /// The session ended in an error (sent or received fatal alert).
    pub fn errored(&self) -> bool {
        self.local_error || self.peer_error
    }

    // ---- sending ------------------------------------------------------------------

    /// Encoded bytes waiting to be sent: room reserved by `write_buf` behind them is not
    /// output until `encode_write_buf` fills it.
    pub fn outdata(&self) -> &[u8] {
        let end = self
            .reservation
            .as_ref()
            .map_or(self.core.out.len(), |r| r.start);
        &self.core.out[..end]
    }

    /// `matrixSslSentData`.
    pub fn sent(&mut self, bytes: usize) -> i32 {
        let pending = self.outdata().len();
        if bytes > pending {
            return PS_ARG_FAIL;
        }
        if bytes == 0 {
            return if pending > 0 {
                MATRIXSSL_REQUEST_SEND
            } else {
                MATRIXSSL_SUCCESS
            };
        }
        // Sending between GetWritebuf and EncodeWritebuf breaks rule R5: the reservation is
        // abandoned rather than moved under the application's pointer.
        self.abandon_reservation();
        self.core.out.drain(..bytes);
        let mut rc = if self.core.out.is_empty() {
            if self.close_after_sent {
                MATRIXSSL_REQUEST_CLOSE
            } else {
                MATRIXSSL_SUCCESS
            }
        } else {
            MATRIXSSL_REQUEST_SEND
        };
        // Back to exactly the default size once what is pending fits in it (ABI.md §7.2),
        // never below: the next small record then fits without moving the buffer. Not while
        // a close is pending (the session is about to end), and not after a large record
        // (`large_out`: the next one is likely large too).
        if self.core.out.len() < DEFAULT_BUF_SIZE
            && self.core.out.capacity() > DEFAULT_BUF_SIZE
            && !self.large_out
            && !self.close_after_sent
        {
            self.core.out.shrink_to(DEFAULT_BUF_SIZE);
        }
        if self.complete_unreported && self.handshake_complete() {
            self.report_completion();
            rc = MATRIXSSL_HANDSHAKE_COMPLETE;
        }
        rc
    }

    /// The write side is a client's SSL 3.0 / TLS 1.0 CBC cipher, whose predictable record IV
    /// (the previous record's last ciphertext block) the 1/n-1 split protects (BEAST).
    fn split_active(&self) -> bool {
        self.is_client
            && self.core.record.write_secure()
            && self.core.negotiated.version <= TLS1_0
            && self.core.negotiated.suite.is_some_and(|s| s.bulk.is_cbc())
    }

    /// An application record of `len` bytes goes out as two records (ABI.md §7.4).
    fn split_applies(&self, len: usize) -> bool {
        len > 1 && self.split_active()
    }

    /// `matrixSslGetWritebuf`: reserves room for one application record at the tail of the
    /// output buffer; returns (offset of the plaintext in the output buffer, room).
    pub fn write_buf(&mut self, requested: usize) -> (usize, usize) {
        // A second GetWritebuf re-reserves at the same place (ABI.md §3.5.3).
        self.abandon_reservation();
        let r = requested.min(MAX_PLAINTEXT);
        let split_len = if self.split_applies(r) {
            self.core.record.record_len(1)
        } else {
            0
        };
        let overhead = split_len + self.core.record.record_len(r) - r;
        let start = self.core.out.len();
        // Offer all the room the default-size buffer still has, but never more than one
        // record's worth (ABI.md D3).
        let room = r
            .max(DEFAULT_BUF_SIZE.saturating_sub(start + overhead))
            .min(MAX_PLAINTEXT);
        // CBC padding makes the overhead of `room` bytes up to a block larger than that of
        // `r`: trim the extra room so a record that fits never grows (moves) the buffer.
        let mut room = room;
        while room > r && start + split_len + self.core.record.record_len(room) > DEFAULT_BUF_SIZE {
            room -= 1;
        }
        let total = split_len + self.core.record.record_len(room);
        self.core.out.resize(start + total, 0);
        let at = if split_len > 0 {
            start + split_len + HEADER_LEN - 1
        } else {
            start + HEADER_LEN + self.core.record.prefix_len()
        };
        self.reservation = Some(Reservation {
            start,
            // `room` was capped at MAX_PLAINTEXT above; `split_len` is one 1-byte record.
            room: u16::try_from(room).expect("room within one fragment"),
            split_len: u16::try_from(split_len).expect("a 1-byte record"),
        });
        (at, room)
    }

    /// `matrixSslGetEncodedSize`: bytes one application record of `len` plaintext bytes
    /// takes under the current write state, including the 1/n-1 split record when it applies.
    pub fn encoded_size(&self, len: usize) -> usize {
        let r = len.min(MAX_PLAINTEXT);
        let split = if self.split_applies(r) {
            self.core.record.record_len(1)
        } else {
            0
        };
        split + self.core.record.record_len(r)
    }

    /// Why application data cannot be encoded now, as the API's return code. During a
    /// rehandshake data keeps flowing under the keys in force.
    fn write_refusal(&self) -> Option<i32> {
        if self.close_after_sent || self.local_error {
            Some(PS_PROTOCOL_FAIL)
        } else if self.peer_error
            || self.peer_closed
            || !self.established_once
            || !self.core.record.write_secure()
        {
            Some(PS_FAILURE)
        } else {
            None
        }
    }

    /// `matrixSslEncodeWritebuf`: encrypts the `len` bytes written at the reserved place.
    pub fn encode_write_buf(&mut self, len: usize) -> i32 {
        if let Some(rc) = self.write_refusal() {
            self.abandon_reservation();
            return rc;
        }
        let Some(res) = self.reservation.take() else {
            return PS_FAILURE;
        };
        if len > res.room() {
            self.reservation = Some(res);
            return PS_FAILURE;
        }
        // Where the application wrote its first byte (see `write_buf`).
        let data_at = if res.split_len() > 0 {
            res.start + res.split_len() + HEADER_LEN - 1
        } else {
            res.start + HEADER_LEN + self.core.record.prefix_len()
        };
        // The split depends on what is sent, not on what GetWritebuf was asked for: room
        // reserved for 0 or 1 byte may still receive a longer write.
        if self.split_applies(len) {
            self.seal_split(res.start, data_at, len);
        } else {
            let plain_at = res.start + HEADER_LEN + self.core.record.prefix_len();
            let out = &mut self.core.out;
            out.copy_within(data_at..data_at + len, plain_at);
            self.core
                .record
                .seal_at(out, res.start, content::APPLICATION_DATA, len);
        }
        self.large_out = self.core.out.len() - res.start > DEFAULT_BUF_SIZE;
        // D31: before the sequence number or the AEAD's limit runs out, a KeyUpdate (sent
        // as the last record under the old key) moves us to a new one.
        if self.core.record.key_update_due()
            && crate::handshake::tls13::send_key_update(&mut self.core, false).is_err()
        {
            return PS_FAILURE;
        }
        if !self.is_client {
            self.earn_rehandshake_credit(self.core.out.len() - res.start);
        }
        i32::try_from(self.core.out.len()).unwrap_or(i32::MAX)
    }

    /// Seals the `len` (≥ 2) plaintext bytes at `out[data_at..]` as the 1/n-1 split pair:
    /// a record of the first byte, then one of the other `len - 1`, laid out from `start`.
    /// The split only happens before TLS 1.1, whose records have no explicit IV, so a
    /// record's plaintext directly follows its header: the second record is sealed in place
    /// with its header just before `out[data_at + 1]`, then moved once to follow the first.
    fn seal_split(&mut self, start: usize, data_at: usize, len: usize) {
        let record = &mut self.core.record;
        debug_assert_eq!(record.prefix_len(), 0);
        let out = &mut self.core.out;
        // The first record is sealed aside because, when GetWritebuf reserved no room for
        // it (a request of 0 or 1 byte), its place overlaps the second record.
        let mut first = vec![0; record.record_len(1)];
        first[HEADER_LEN] = out[data_at];
        let n1 = record.seal_in(&mut first, content::APPLICATION_DATA, 1);
        let second_at = data_at + 1 - HEADER_LEN;
        let sealed_end = second_at + record.record_len(len - 1);
        if out.len() < sealed_end {
            out.resize(sealed_end, 0);
        }
        let n2 = record.seal_in(&mut out[second_at..], content::APPLICATION_DATA, len - 1);
        let end = start + n1 + n2;
        if out.len() < end {
            out.resize(end, 0);
        }
        out.copy_within(second_at..second_at + n2, start + n1);
        out[start..start + n1].copy_from_slice(&first[..n1]);
        out.truncate(end);
    }

    fn earn_rehandshake_credit(&mut self, record_bytes: usize) {
        // Callers pass one or two records (at most HEADER_LEN + MAX_BODY bytes each), so
        // the sum stays far below 2^32; saturating keeps even an impossible value harmless.
        let record_bytes = u32::try_from(record_bytes).unwrap_or(u32::MAX);
        self.bytes_toward_credit = self.bytes_toward_credit.saturating_add(record_bytes);
        if self.bytes_toward_credit >= BYTES_BEFORE_RH_CREDIT {
            self.bytes_toward_credit -= BYTES_BEFORE_RH_CREDIT;
            self.core.rehandshake_credits = (self.core.rehandshake_credits + 1).min(MAX_RH_CREDITS);
        }
    }

    /// `matrixSslAddRehandshakeCredits`: clamped to 0..0x8000 (ABI.md D7).
    pub fn add_rehandshake_credits(&mut self, credits: i32) {
        let sum = self.core.rehandshake_credits.saturating_add(credits);
        if sum <= MAX_RH_CREDITS {
            self.core.rehandshake_credits = sum.max(0);
        }
    }

    /// `matrixSslEncodeRehandshake`: a client queues a new ClientHello, a server a
    /// HelloRequest. `new_keys` replaces the key container; `full` forgets the session so
    /// the handshake cannot be resumed; `cipher_spec` (client) restricts the offer.
    pub fn encode_rehandshake(
        &mut self,
        new_keys: Option<Arc<Keys>>,
        full: bool,
        cipher_spec: u16,
    ) -> i32 {
        if self.close_after_sent {
            return PS_PROTOCOL_FAIL;
        }
        if self.errored() || self.peer_closed || !self.handshake_complete() {
            return MATRIXSSL_ERROR;
        }
        // ABI.md D29: on TLS 1.3 a server asking for client authentication (new keys, a
        // full handshake, or a certificate callback, which turns client_auth on) sends a
        // post-handshake CertificateRequest when the client offered post_handshake_auth;
        // anything else is a rekey of both directions.
        if self.core.tls13.is_some() {
            // ABI.md §3.4 EncodeRehandshake: a client's cipherSpec that is not available is
            // PS_UNSUPPORTED_FAIL, whatever the version, as on 3.3; an available one changes
            // nothing here (a KeyUpdate keeps the suite).
            if self.is_client && cipher_spec != 0 && !self.core.config.suites.enabled(cipher_spec) {
                return PS_UNSUPPORTED_FAIL;
            }
            // Credits (ABI.md D7) apply to both meanings on a server, one per call: in TLS
            // 1.2 the server spends one when the client's ClientHello answers its
            // HelloRequest and refuses it without one; in TLS 1.3 nothing comes back that
            // could be refused before the new keys are in use, so the call itself is
            // refused and nothing is sent. A peer's KeyUpdate requests cost nothing but one
            // key derivation and are coalesced (tls13::receive_key_update), so they are not
            // counted: a long-lived connection whose peer rekeys stays up.
            if !self.is_client {
                if self.core.rehandshake_credits <= 0 {
                    return MATRIXSSL_ERROR;
                }
                self.core.rehandshake_credits -= 1;
            }
            self.abandon_reservation();
            use crate::handshake::tls13::{post_auth, send_key_update};
            let asks_auth = !self.is_client
                && (new_keys.is_some() || full)
                && self.core.server_options.client_auth;
            if let Some(keys) = new_keys {
                self.core.keys = keys;
            }
            if asks_auth && post_auth::offered(&self.core) {
                return match post_auth::request(&mut self.core) {
                    Ok(state) => {
                        self.state = Some(state);
                        MATRIXSSL_SUCCESS
                    }
                    Err(_) => MATRIXSSL_ERROR,
                };
            }
            return match send_key_update(&mut self.core, true) {
                Ok(()) => MATRIXSSL_SUCCESS,
                Err(_) => MATRIXSSL_ERROR,
            };
        }
        if !crate::handshake::renegotiation_allowed(&self.core) {
            return MATRIXSSL_ERROR;
        }
        let current_suite = self.core.negotiated.suite.map_or(0, |s| s.id);
        let full = full
            || new_keys.is_some()
            || (self.is_client && cipher_spec != 0 && cipher_spec != current_suite);
        if let Some(keys) = new_keys {
            self.core.keys = keys;
        }
        if full {
            self.invalidate_cached_session();
            self.core.negotiated.session_id.clear();
        }
        self.abandon_reservation();
        if self.is_client {
            let mut options = self.core.renegotiation_options();
            if cipher_spec != 0 {
                options.cipher_spec = cipher_spec;
                if full {
                    options.resume = None;
                }
            } else {
                options.cipher_spec = 0;
            }
            match client::start(&mut self.core, options) {
                Ok(state) => self.state = Some(state),
                Err(rc) => return rc,
            }
        } else {
            // HelloRequest is not part of any handshake transcript (RFC 5246 §7.4.1.1).
            let out = &mut self.core.out;
            self.core
                .record
                .write_records(out, content::HANDSHAKE, &[hs::HELLO_REQUEST, 0, 0, 0]);
        }
        MATRIXSSL_SUCCESS
    }

    fn abandon_reservation(&mut self) {
        if let Some(res) = self.reservation.take() {
            self.core.out.truncate(res.start);
        }
    }

    /// `matrixSslEncodeToOutdata`.
    pub fn encode_to_outdata(&mut self, data: &[u8]) -> i32 {
        if data.len() > MAX_PLAINTEXT {
            return PS_LIMIT_FAIL;
        }
        if let Some(rc) = self.write_refusal() {
            return rc;
        }
        self.abandon_reservation();
        let (at, _) = self.write_buf(data.len());
        self.core.out[at..at + data.len()].copy_from_slice(data);
        self.encode_write_buf(data.len())
    }

    /// `matrixSslEncodeClosureAlert`.
    pub fn encode_closure_alert(&mut self) -> i32 {
        if self.close_after_sent {
            return MATRIXSSL_SUCCESS;
        }
        self.close_after_sent = true;
        if self.peer_error {
            return MATRIXSSL_ERROR;
        }
        self.abandon_reservation();
        self.core
            .send_alert(alert::LEVEL_WARNING, AlertDescription::CLOSE_NOTIFY);
        if !self.closure_sent {
            // A server still waiting for its first ClientHello has no handshake under way.
            self.handshake_open_at_close = !self.handshake_complete() && !self.awaiting_first_hello;
        }
        self.closure_sent = true;
        MATRIXSSL_SUCCESS
    }

    /// The session is flagged "close after sent" (closure or fatal alert queued).
    pub fn closing(&self) -> bool {
        self.close_after_sent
    }
}
