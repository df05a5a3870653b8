//! The record layer: headers, sequence numbers, and the current protection in each
//! direction. It never interprets handshake content; the handshake installs new
//! encrypters/decrypters as pending state and the layer switches at ChangeCipherSpec.

use core::ops::Range;

use crate::crypto::cipher::{RecordDecrypter, RecordEncrypter};
use crate::crypto::tls13_record::{self, RecordProtection};
use crate::error::{AlertDescription, Fatal};

pub const HEADER_LEN: usize = 5;
pub const MAX_PLAINTEXT: usize = 16384;
/// Largest body a peer may send (RFC 5246 §6.2.3: 2^14 + 2048).
pub const MAX_BODY: usize = MAX_PLAINTEXT + 2048;

pub mod content {
    pub const CHANGE_CIPHER_SPEC: u8 = 20;
    pub const ALERT: u8 = 21;
    pub const HANDSHAKE: u8 = 22;
    pub const APPLICATION_DATA: u8 = 23;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub typ: u8,
    pub version: u16,
    pub len: usize,
}

impl Header {
    /// Parses and validates a record header; `None` if fewer than 5 bytes are available.
    pub fn parse(bytes: &[u8]) -> Option<Result<Header, Fatal>> {
        let h = bytes.get(..HEADER_LEN)?;
        let header = Header {
            typ: h[0],
            version: u16::from_be_bytes([h[1], h[2]]),
            len: usize::from(u16::from_be_bytes([h[3], h[4]])),
        };
        Some(header.validate())
    }

    fn validate(self) -> Result<Header, Fatal> {
        if !(content::CHANGE_CIPHER_SPEC..=content::APPLICATION_DATA).contains(&self.typ) {
            return Err(Fatal::unexpected("record of an unknown content type"));
        }
        if self.version >> 8 != 3 {
            return Err(Fatal::new(
                AlertDescription::PROTOCOL_VERSION,
                "record version major is not 3",
            ));
        }
        // Zero-length application data fragments are allowed (RFC 5246 §6.2.1, RFC 8446
        // §5.1); the connection judges where one may come (before the handshake it is
        // unexpected_message). Empty records of the other types never are.
        if self.len == 0 && self.typ != content::APPLICATION_DATA {
            return Err(Fatal::illegal("empty record"));
        }
        if self.len > MAX_BODY {
            return Err(Fatal::new(
                AlertDescription::RECORD_OVERFLOW,
                "record longer than 2^14 + 2048 bytes",
            ));
        }
        Ok(self)
    }

    pub fn total_len(&self) -> usize {
        HEADER_LEN + self.len
    }
}

pub fn write_header(out: &mut [u8], typ: u8, version: u16, len: usize) {
    // Bodies are at most one fragment (`MAX_PLAINTEXT`) plus the cipher's overhead, so
    // the 2-byte field always holds them.
    debug_assert!(len <= MAX_BODY);
    out[0] = typ;
    out[1..3].copy_from_slice(&version.to_be_bytes());
    out[3..5].copy_from_slice(&(len as u16).to_be_bytes());
}

#[derive(Default)]
pub struct RecordLayer {
    decrypter: Option<Box<dyn RecordDecrypter>>,
    encrypter: Option<Box<dyn RecordEncrypter>>,
    /// Keys negotiated but not yet switched to (until each direction's ChangeCipherSpec):
    /// one box for both, so an established session, which has none, keeps one pointer.
    pending: Option<Box<PendingKeys>>,
    read_seq: u64,
    write_seq: u64,
    /// Version placed in outgoing headers: 3.1 until negotiated (ABI.md D12).
    pub write_version: u16,
    /// Once negotiated, incoming records must carry exactly this version.
    pub expected_read_version: Option<u16>,
    /// TLS 1.3 protection (RFC 8446 §5.2), which replaces the TLS ≤ 1.2 objects above once
    /// installed: the real content type travels inside the encrypted record.
    read13: Option<Box<RecordProtection>>,
    write13: Option<Box<RecordProtection>>,
    /// TLS 1.3 was negotiated: protected records are TLSCiphertext, unprotected
    /// change_cipher_spec records are the compatibility ones (see `open`).
    tls13: bool,
    /// Counts read-key changes: a handshake message must not straddle one (RFC 8446 §5.1).
    read_key_epoch: u32,
    /// A TLS 1.3 server skipping the 0-RTT data it rejected, and how many more record
    /// body bytes it skips before treating such records as the errors they otherwise are.
    rejected_early_data: Option<(EarlyDataSkip, usize)>,
}

/// How a TLS 1.3 server that rejects 0-RTT recognises the early data to skip (RFC 8446
/// §4.2.10). We never accept early data (ABI.md D28), so every early_data offer is refused
/// this way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EarlyDataSkip {
    /// We answered with a ServerHello: records that fail to deprotect under the client's
    /// handshake key, until the first one that deprotects (the client's second flight).
    Undecryptable,
    /// We answered with a HelloRetryRequest: every application_data record (the client
    /// encrypted it, we hold no key) until the second ClientHello.
    Protected,
}

/// How much rejected early data is skipped, in record body bytes: the 2^14 bytes OpenSSL
/// also tolerates by default, plus one record's protection overhead (RFC 8446 §5.2). We
/// advertise no max_early_data_size (we issue no tickets allowing 0-RTT), so a client
/// sending early data guessed; past this bound its records fail as any other would.
pub const REJECTED_EARLY_DATA_LIMIT: usize = MAX_PLAINTEXT + 256;

/// The pending state of RFC 5246 §6.1, one direction taken at each ChangeCipherSpec.
struct PendingKeys {
    encrypter: Option<Box<dyn RecordEncrypter>>,
    decrypter: Option<Box<dyn RecordDecrypter>>,
}

impl RecordLayer {
    pub fn new() -> Self {
        RecordLayer {
            write_version: 0x0301,
            ..Default::default()
        }
    }

    pub fn read_secure(&self) -> bool {
        self.decrypter.is_some() || self.read13.is_some()
    }

    pub fn write_secure(&self) -> bool {
        self.encrypter.is_some() || self.write13.is_some()
    }

    /// TLS 1.3 was negotiated: records go out as version 0x0303 and the record version of
    /// incoming ones is ignored (RFC 8446 §5.1, legacy_record_version).
    pub fn enter_tls13(&mut self) {
        self.tls13 = true;
        self.write_version = 0x0303;
        self.expected_read_version = None;
    }

    pub fn is_tls13(&self) -> bool {
        self.tls13
    }

    /// Reads from now on under `protection` (RFC 8446 §7.3), sequence number 0.
    pub fn set_read_tls13(&mut self, protection: RecordProtection) {
        self.read13 = Some(Box::new(protection));
        self.decrypter = None;
        self.read_seq = 0;
        self.read_key_epoch = self.read_key_epoch.wrapping_add(1);
    }

    /// From now on, skips the rejected 0-RTT data that `how` recognises (RFC 8446 §4.2.10),
    /// up to `REJECTED_EARLY_DATA_LIMIT` bytes.
    pub fn skip_rejected_early_data(&mut self, how: EarlyDataSkip) {
        self.rejected_early_data = Some((how, REJECTED_EARLY_DATA_LIMIT));
    }

    /// Writes from now on under `protection`, sequence number 0.
    pub fn set_write_tls13(&mut self, protection: RecordProtection) {
        self.write13 = Some(Box::new(protection));
        self.encrypter = None;
        self.write_seq = 0;
    }

    /// Records written under the current write key.
    pub fn records_under_write_key(&self) -> u64 {
        self.write_seq
    }

    /// Changes whenever the read keys change.
    pub fn read_key_epoch(&self) -> u32 {
        self.read_key_epoch
    }

    /// The next record written must be a KeyUpdate: it is the last one the current TLS 1.3
    /// write key may protect (RFC 8446 §5.5; the KeyUpdate itself goes under the old key).
    pub fn key_update_due(&self) -> bool {
        self.write13
            .as_ref()
            .is_some_and(|p| tls13_record::key_update_due(p.aead(), self.write_seq))
    }

    /// Test support: pretend `records` records were written under the current key.
    #[doc(hidden)]
    pub fn advance_write_seq(&mut self, records: u64) {
        self.write_seq = self.write_seq.saturating_add(records);
    }

    /// Test support: pretend `records` records were read under the current key.
    #[doc(hidden)]
    pub fn advance_read_seq(&mut self, records: u64) {
        self.read_seq = self.read_seq.saturating_add(records);
    }

    pub fn set_pending(&mut self, enc: Box<dyn RecordEncrypter>, dec: Box<dyn RecordDecrypter>) {
        self.pending = Some(Box::new(PendingKeys {
            encrypter: Some(enc),
            decrypter: Some(dec),
        }));
    }

    /// Releases the pending box once both directions have taken their keys.
    fn drop_spent_pending(&mut self) {
        if self
            .pending
            .as_ref()
            .is_some_and(|p| p.encrypter.is_none() && p.decrypter.is_none())
        {
            self.pending = None;
        }
    }

    /// Switches reading to the pending keys (a ChangeCipherSpec arrived).
    pub fn activate_read(&mut self) -> Result<(), Fatal> {
        let decrypter = self
            .pending
            .as_mut()
            .and_then(|p| p.decrypter.take())
            .ok_or(Fatal::unexpected(
                "ChangeCipherSpec before the keys were negotiated",
            ))?;
        self.decrypter = Some(decrypter);
        self.read_seq = 0;
        self.drop_spent_pending();
        Ok(())
    }

    /// Switches writing to the pending keys (we just sent ChangeCipherSpec).
    pub fn activate_write(&mut self) -> Result<(), Fatal> {
        let encrypter = self
            .pending
            .as_mut()
            .and_then(|p| p.encrypter.take())
            .ok_or(Fatal::internal(
                "write keys activated before they were negotiated",
            ))?;
        self.encrypter = Some(encrypter);
        self.write_seq = 0;
        self.drop_spent_pending();
        Ok(())
    }

    /// Bytes between the header and the plaintext under the current write state.
    pub fn prefix_len(&self) -> usize {
        self.encrypter.as_ref().map_or(0, |e| e.prefix_len())
    }

    /// Worst-case bytes after `plain_len` plaintext bytes under the current write state
    /// (TLS 1.3: the inner content type and the tag; we send no padding).
    pub fn suffix_len(&self, plain_len: usize) -> usize {
        if self.write13.is_some() {
            return 1 + tls13_record::TAG_LEN;
        }
        self.encrypter
            .as_ref()
            .map_or(0, |e| e.suffix_len(plain_len))
    }

    /// Encoded size of one record carrying `plain_len` bytes (an upper bound for CBC).
    pub fn record_len(&self, plain_len: usize) -> usize {
        HEADER_LEN + self.prefix_len() + plain_len + self.suffix_len(plain_len)
    }

    /// Protects, in place, the record whose header starts at `buf[0]` and whose plaintext
    /// (`plain_len` bytes) sits right after header and prefix; `buf` must extend to at least
    /// `record_len(plain_len)`. Returns the finished record's length.
    pub fn seal_in(&mut self, buf: &mut [u8], typ: u8, plain_len: usize) -> usize {
        if let Some(protection) = self.write13.as_ref() {
            let n = protection
                .seal(self.write_seq, typ, buf, plain_len, 0)
                // Callers fragment at MAX_PLAINTEXT and size `buf` with `record_len`, the
                // only two things `seal` checks.
                .expect("TLS 1.3 record within one fragment and its buffer");
            self.write_seq = self.write_seq.wrapping_add(1);
            return n;
        }
        let body_len = match self.encrypter.as_mut() {
            Some(enc) => enc.seal(
                self.write_seq,
                typ,
                self.write_version,
                &mut buf[HEADER_LEN..],
                plain_len,
            ),
            None => plain_len,
        };
        self.write_seq = self.write_seq.wrapping_add(1);
        write_header(buf, typ, self.write_version, body_len);
        HEADER_LEN + body_len
    }

    /// `seal_in` for the record starting at `out[start]`, then truncates `out` after it.
    pub fn seal_at(&mut self, out: &mut Vec<u8>, start: usize, typ: u8, plain_len: usize) {
        let n = self.seal_in(&mut out[start..], typ, plain_len);
        out.truncate(start + n);
    }

    /// Appends `payload` as one or more records of type `typ` (fragmented at 16 KB).
    pub fn write_records(&mut self, out: &mut Vec<u8>, typ: u8, payload: &[u8]) {
        let mut chunks = payload.chunks(MAX_PLAINTEXT).peekable();
        if chunks.peek().is_none() {
            self.write_one(out, typ, &[]);
        }
        for chunk in chunks {
            self.write_one(out, typ, chunk);
        }
    }

    fn write_one(&mut self, out: &mut Vec<u8>, typ: u8, chunk: &[u8]) {
        let start = out.len();
        let prefix = self.prefix_len();
        out.resize(start + self.record_len(chunk.len()), 0);
        let at = start + HEADER_LEN + prefix;
        out[at..at + chunk.len()].copy_from_slice(chunk);
        self.seal_at(out, start, typ, chunk.len());
    }

    /// Decrypts one record in place (`record`: header and body as received); returns its
    /// content type and where its plaintext lies within `record`.
    ///
    /// Under TLS 1.3 keys (RFC 8446 §5): an application_data record is a TLSCiphertext
    /// whose real type is inside (a protected change_cipher_spec or an unknown inner type
    /// is unexpected_message); unprotected change_cipher_spec and alert records are passed
    /// through for the connection to judge (the compatibility CCS, a peer's alert sent
    /// before it had keys); an unprotected handshake record is unexpected_message.
    pub fn open(
        &mut self,
        header: &Header,
        record: &mut [u8],
    ) -> Result<(u8, Range<usize>), Fatal> {
        self.open_or_skip(header, record)?
            .ok_or(Fatal::internal("record skipped as rejected early data"))
    }

    /// `open`, except that while a server skips rejected 0-RTT data
    /// (`skip_rejected_early_data`) a record that is such data is consumed and `None`
    /// returned: it leaves the sequence number alone, as it was never under our keys.
    pub fn open_or_skip(
        &mut self,
        header: &Header,
        record: &mut [u8],
    ) -> Result<Option<(u8, Range<usize>)>, Fatal> {
        if let Some((EarlyDataSkip::Protected, _)) = self.rejected_early_data {
            match header.typ {
                content::APPLICATION_DATA if self.skip_early(EarlyDataSkip::Protected, header) => {
                    return Ok(None);
                }
                // The second ClientHello ends the early data of the first.
                content::HANDSHAKE => self.rejected_early_data = None,
                _ => {}
            }
        }
        if let Some(protection) = self.read13.as_ref() {
            return match header.typ {
                content::APPLICATION_DATA => {
                    let opened = match protection.open(self.read_seq, record) {
                        Ok(opened) => opened,
                        Err(f)
                            if f.alert == AlertDescription::BAD_RECORD_MAC
                                && self.skip_early(EarlyDataSkip::Undecryptable, header) =>
                        {
                            return Ok(None);
                        }
                        Err(f) => return Err(f),
                    };
                    // The first record that deprotects is the client's second flight.
                    if self
                        .rejected_early_data
                        .is_some_and(|(how, _)| how == EarlyDataSkip::Undecryptable)
                    {
                        self.rejected_early_data = None;
                    }
                    self.read_seq = self.read_seq.wrapping_add(1);
                    if !matches!(
                        opened.content_type,
                        content::ALERT | content::HANDSHAKE | content::APPLICATION_DATA
                    ) {
                        return Err(Fatal::unexpected(
                            "protected record of a type other than alert, handshake or data",
                        ));
                    }
                    Ok(Some((opened.content_type, opened.content)))
                }
                content::CHANGE_CIPHER_SPEC | content::ALERT => {
                    Ok(Some((header.typ, HEADER_LEN..record.len())))
                }
                _ => Err(Fatal::unexpected(
                    "unprotected record after the TLS 1.3 keys were installed",
                )),
            };
        }
        let (_, body) = record.split_at_mut(HEADER_LEN);
        let range = self.open_body(header, body)?;
        Ok(Some((
            header.typ,
            HEADER_LEN + range.start..HEADER_LEN + range.end,
        )))
    }

    /// Whether this record is rejected early data of kind `how` within the bound still
    /// left; if so it is counted against the bound.
    fn skip_early(&mut self, how: EarlyDataSkip, header: &Header) -> bool {
        match self.rejected_early_data {
            Some((skipping, left)) if skipping == how && header.len <= left => {
                self.rejected_early_data = Some((how, left - header.len));
                true
            }
            _ => false,
        }
    }

    fn open_body(&mut self, header: &Header, body: &mut [u8]) -> Result<Range<usize>, Fatal> {
        if let Some(expected) = self.expected_read_version
            && header.version != expected
        {
            return Err(Fatal::new(
                AlertDescription::PROTOCOL_VERSION,
                "record version differs from the negotiated one",
            ));
        }
        let range = match self.decrypter.as_mut() {
            // A protected record always carries at least its MAC or tag; the ciphers
            // are not handed an empty body.
            Some(_) if body.is_empty() => {
                return Err(Fatal::bad_mac("empty protected record"));
            }
            Some(dec) => dec
                .open(self.read_seq, header.typ, header.version, body)
                .map_err(|_| Fatal::bad_mac("record MAC or padding check failed"))?,
            None => 0..body.len(),
        };
        self.read_seq = self.read_seq.wrapping_add(1);
        if range.len() > MAX_PLAINTEXT {
            return Err(Fatal::new(
                AlertDescription::RECORD_OVERFLOW,
                "decrypted record longer than 2^14 bytes",
            ));
        }
        Ok(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_validation_follows_rfc_alerts() {
        assert_eq!(Header::parse(&[22, 3, 1, 0]), None);
        assert_eq!(
            Header::parse(&[24, 3, 1, 0, 1]),
            Some(Err(Fatal::unexpected("unknown content type")))
        );
        assert_eq!(
            Header::parse(&[22, 3, 1, 0, 0]),
            Some(Err(Fatal::illegal("empty record")))
        );
        assert!(matches!(Header::parse(&[23, 3, 1, 0, 0]), Some(Ok(h)) if h.len == 0));
        assert_eq!(
            Header::parse(&[23, 3, 3, 0x48, 0x01]),
            Some(Err(Fatal::new(
                AlertDescription::RECORD_OVERFLOW,
                "record too long"
            )))
        );
        assert_eq!(
            Header::parse(&[22, 3, 3, 0x10, 0x00]),
            Some(Ok(Header {
                typ: 22,
                version: 0x0303,
                len: 4096
            }))
        );
    }

    #[test]
    fn plaintext_records_are_fragmented() {
        let mut rl = RecordLayer::new();
        let mut out = Vec::new();
        rl.write_records(&mut out, content::HANDSHAKE, &vec![9u8; MAX_PLAINTEXT + 10]);
        assert_eq!(out.len(), 2 * HEADER_LEN + MAX_PLAINTEXT + 10);
        assert_eq!(&out[..5], &[22, 3, 1, 0x40, 0]);
    }
}
