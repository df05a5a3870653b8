//! TLS 1.3 record protection (RFC 8446 §5.2–§5.5) with ring's AEADs.
//!
//! Why not the `RecordEncrypter`/`RecordDecrypter` pair of `cipher`: in TLS 1.3 the record
//! header is the additional data and always says application_data(23)/0x0303, while the real
//! content type travels encrypted at the end of the inner plaintext, followed by optional
//! zero padding. Opening must therefore report the recovered type, which the TLS 1.2 trait's
//! `open -> Range` cannot, and sealing must write the outer header itself. `RecordLayer`
//! (src/record.rs) will switch to this type once TLS 1.3 is negotiated: it keeps owning the
//! sequence numbers and passes them in, hands `open` the whole record (header included)
//! as it lies in the input buffer, and takes the returned content type instead of the
//! header's.

use core::ops::Range;

use ring::aead::{
    AES_128_GCM, AES_256_GCM, Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey,
};
use zeroize::Zeroizing;

use super::tls13::{IV_LEN, Secret, traffic_key_iv};
use crate::error::{AlertDescription, Fatal};

pub const HEADER_LEN: usize = 5;
pub const TAG_LEN: usize = 16;
/// Largest TLSPlaintext/inner content (RFC 8446 §5.1).
pub const MAX_CONTENT: usize = 1 << 14;
/// Largest encoded TLSInnerPlaintext: content and padding, plus the content-type byte
/// (RFC 8446 §5.4).
pub const MAX_INNER_PLAINTEXT: usize = MAX_CONTENT + 1;
/// Largest TLSCiphertext.length a peer may send (RFC 8446 §5.2: 2^14 + 256).
pub const MAX_CIPHERTEXT: usize = MAX_CONTENT + 256;

/// The outer header of every protected record: opaque_type application_data, legacy
/// version TLS 1.2 (RFC 8446 §5.2).
const OUTER_TYPE: u8 = 23;
const LEGACY_VERSION: [u8; 2] = [0x03, 0x03];

/// How many records AES-GCM may protect under one key: 2^24.5 full-size records, RFC 8446
/// §5.5 (for a 2^-57 margin on confidentiality). Counting every record as full-size keeps
/// this on the safe side.
pub const AES_GCM_RECORD_LIMIT: u64 = 23_726_566;

/// The AEAD of a TLS 1.3 cipher suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls13Aead {
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
}

impl Tls13Aead {
    pub fn key_len(self) -> usize {
        match self {
            Tls13Aead::Aes128Gcm => 16,
            Tls13Aead::Aes256Gcm | Tls13Aead::ChaCha20Poly1305 => 32,
        }
    }

    fn ring_alg(self) -> &'static ring::aead::Algorithm {
        match self {
            Tls13Aead::Aes128Gcm => &AES_128_GCM,
            Tls13Aead::Aes256Gcm => &AES_256_GCM,
            Tls13Aead::ChaCha20Poly1305 => &CHACHA20_POLY1305,
        }
    }

    /// The last sequence number a key may protect (RFC 8446 §5.5). ChaCha20-Poly1305 has no
    /// practical limit short of the 64-bit sequence number, which must not wrap (§5.3).
    pub fn last_sequence_number(self) -> u64 {
        match self {
            Tls13Aead::Aes128Gcm | Tls13Aead::Aes256Gcm => AES_GCM_RECORD_LIMIT - 1,
            Tls13Aead::ChaCha20Poly1305 => u64::MAX,
        }
    }
}

/// Whether the record about to be sealed with sequence number `seq` must be a KeyUpdate:
/// it is the last record the current key may protect, and the KeyUpdate itself is sent
/// under the old key (RFC 8446 §4.6.3), so it has to be that last one.
pub fn key_update_due(aead: Tls13Aead, seq: u64) -> bool {
    seq >= aead.last_sequence_number()
}

/// Bytes a record carrying `content_len` content bytes and `padding_len` zero bytes occupies
/// once sealed, header included.
pub fn sealed_len(content_len: usize, padding_len: usize) -> usize {
    HEADER_LEN + content_len + 1 + padding_len + TAG_LEN
}

/// An opened record: its real content type and where its content lies in the record.
#[derive(Debug, PartialEq, Eq)]
pub struct Opened {
    pub content_type: u8,
    pub content: Range<usize>,
}

/// One direction's protection under one traffic secret.
pub struct RecordProtection {
    aead: Tls13Aead,
    key: LessSafeKey,
    iv: Zeroizing<[u8; IV_LEN]>,
}

impl RecordProtection {
    /// The key and IV derived from `traffic_secret` (RFC 8446 §7.3).
    pub fn from_traffic_secret(aead: Tls13Aead, traffic_secret: &Secret) -> RecordProtection {
        let k = traffic_key_iv(traffic_secret, aead.key_len());
        let key = UnboundKey::new(aead.ring_alg(), &k.key)
            .expect("traffic key has the AEAD's key length");
        RecordProtection {
            aead,
            key: LessSafeKey::new(key),
            iv: k.iv,
        }
    }

    pub fn aead(&self) -> Tls13Aead {
        self.aead
    }

    /// The per-record nonce: the IV XOR the sequence number, left-padded to 12 bytes
    /// (RFC 8446 §5.3).
    fn nonce(&self, seq: u64) -> Nonce {
        let mut n = [0u8; IV_LEN];
        n[IV_LEN - 8..].copy_from_slice(&seq.to_be_bytes());
        for (b, m) in n.iter_mut().zip(self.iv.iter()) {
            *b ^= m;
        }
        Nonce::assume_unique_for_key(n)
    }

    /// Seals, in place, the record whose content (`content_len` bytes) sits at
    /// `record[HEADER_LEN..]`: appends the content type and `padding_len` zeros, encrypts,
    /// appends the tag and writes the outer header. `record` must hold at least
    /// `sealed_len(content_len, padding_len)` bytes; returns the record's length.
    ///
    /// Content or padding beyond what one record may carry is the caller's bug (it fragments
    /// before sealing): internal_error, nothing is written.
    pub fn seal(
        &self,
        seq: u64,
        content_type: u8,
        record: &mut [u8],
        content_len: usize,
        padding_len: usize,
    ) -> Result<usize, Fatal> {
        if content_len > MAX_CONTENT || content_len + 1 + padding_len > MAX_INNER_PLAINTEXT {
            return Err(Fatal::internal(
                "record content and padding above 2^14 bytes",
            ));
        }
        let total = sealed_len(content_len, padding_len);
        if record.len() < total {
            return Err(Fatal::internal("record buffer too small to seal into"));
        }
        let inner_end = HEADER_LEN + content_len + 1 + padding_len;
        record[HEADER_LEN + content_len] = content_type;
        record[HEADER_LEN + content_len + 1..inner_end].fill(0);
        let body_len = total - HEADER_LEN;
        record[0] = OUTER_TYPE;
        record[1..3].copy_from_slice(&LEGACY_VERSION);
        // body_len ≤ 2^14 + 1 + 16, checked above.
        record[3..5].copy_from_slice(&(body_len as u16).to_be_bytes());
        let (header, body) = record.split_at_mut(HEADER_LEN);
        let aad = Aad::from(&header[..]);
        let tag = self
            .key
            .seal_in_place_separate_tag(self.nonce(seq), aad, &mut body[..inner_end - HEADER_LEN])
            // ring refuses only inputs of many gigabytes; a record is at most 16 KiB.
            .expect("record fits the AEAD length limit");
        record[inner_end..total].copy_from_slice(tag.as_ref());
        Ok(total)
    }

    /// Opens, in place, one protected record (`record` = its 5-byte header and body, as it
    /// lies in the input buffer). Returns the content type found inside and where the
    /// content now lies in `record` (padding and type stripped).
    ///
    /// Alerts (RFC 8446 §5.2, §5.4): an outer type other than application_data is
    /// unexpected_message; a ciphertext above 2^14 + 256 bytes, or an inner plaintext above
    /// 2^14 + 1, is record_overflow; a record that does not authenticate is bad_record_mac;
    /// an inner plaintext of zeros only (no content type) is unexpected_message.
    pub fn open(&self, seq: u64, record: &mut [u8]) -> Result<Opened, Fatal> {
        if record.len() < HEADER_LEN {
            return Err(Fatal::internal("protected record shorter than its header"));
        }
        let (header, body) = record.split_at_mut(HEADER_LEN);
        if header[0] != OUTER_TYPE {
            return Err(Fatal::unexpected(
                "protected record with an outer type other than application_data",
            ));
        }
        let declared = usize::from(u16::from_be_bytes([header[3], header[4]]));
        if declared != body.len() {
            // The record layer frames records by this very field: a mismatch is its bug.
            return Err(Fatal::internal("record length differs from its header"));
        }
        if body.len() > MAX_CIPHERTEXT {
            return Err(Fatal::new(
                AlertDescription::RECORD_OVERFLOW,
                "protected record longer than 2^14 + 256 bytes",
            ));
        }
        let aad = Aad::from(&header[..]);
        let inner = self
            .key
            .open_in_place(self.nonce(seq), aad, body)
            .map_err(|_| Fatal::bad_mac("record did not authenticate"))?;
        if inner.len() > MAX_INNER_PLAINTEXT {
            return Err(Fatal::new(
                AlertDescription::RECORD_OVERFLOW,
                "inner plaintext longer than 2^14 + 1 bytes",
            ));
        }
        // The content type is the last non-zero byte; everything after it is padding.
        let type_at = inner
            .iter()
            .rposition(|&b| b != 0)
            .ok_or(Fatal::unexpected("inner plaintext without a content type"))?;
        Ok(Opened {
            content_type: inner[type_at],
            content: HEADER_LEN..HEADER_LEN + type_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tls13::Tls13Hash;
    use super::*;

    fn protection(aead: Tls13Aead) -> RecordProtection {
        let secret = Secret::from_bytes(Tls13Hash::Sha256, &[0x5a; 32]).unwrap();
        RecordProtection::from_traffic_secret(aead, &secret)
    }

    fn seal(p: &RecordProtection, seq: u64, typ: u8, content: &[u8], pad: usize) -> Vec<u8> {
        let mut rec = vec![0xee; sealed_len(content.len(), pad)];
        rec[HEADER_LEN..HEADER_LEN + content.len()].copy_from_slice(content);
        let n = p.seal(seq, typ, &mut rec, content.len(), pad).unwrap();
        assert_eq!(n, rec.len());
        rec
    }

    const ALL: [Tls13Aead; 3] = [
        Tls13Aead::Aes128Gcm,
        Tls13Aead::Aes256Gcm,
        Tls13Aead::ChaCha20Poly1305,
    ];

    #[test]
    fn round_trip_strips_padding_and_recovers_the_type() {
        for aead in ALL {
            let p = protection(aead);
            for (len, pad) in [(0, 0), (1, 0), (100, 7), (MAX_CONTENT, 0), (0, MAX_CONTENT)] {
                let content: Vec<u8> = (0..len).map(|i| i as u8).collect();
                let mut rec = seal(&p, 9, 22, &content, pad);
                assert_eq!(rec[..3], [23, 3, 3]);
                assert_eq!(
                    usize::from(u16::from_be_bytes([rec[3], rec[4]])),
                    len + 1 + pad + TAG_LEN
                );
                let opened = p.open(9, &mut rec).unwrap();
                assert_eq!(opened.content_type, 22);
                assert_eq!(rec[opened.content], content[..]);
            }
        }
    }

    #[test]
    fn tampering_or_another_sequence_number_is_bad_record_mac() {
        for aead in ALL {
            let p = protection(aead);
            let rec = seal(&p, 3, 23, b"hello", 2);
            for i in 0..rec.len() {
                let mut bad = rec.clone();
                bad[i] ^= 0x01;
                // Flipping a length bit makes the header disagree with the slice given.
                let expect = if i == 3 || i == 4 {
                    AlertDescription::INTERNAL_ERROR
                } else if i == 0 {
                    AlertDescription::UNEXPECTED_MESSAGE
                } else {
                    AlertDescription::BAD_RECORD_MAC
                };
                assert_eq!(p.open(3, &mut bad).unwrap_err().alert, expect, "byte {i}");
            }
            assert_eq!(
                p.open(4, &mut rec.clone()).unwrap_err().alert,
                AlertDescription::BAD_RECORD_MAC
            );
            // Too short to hold even a tag.
            let mut short = vec![23, 3, 3, 0, 5, 1, 2, 3, 4, 5];
            assert_eq!(
                p.open(0, &mut short).unwrap_err().alert,
                AlertDescription::BAD_RECORD_MAC
            );
        }
    }

    #[test]
    fn all_zero_inner_plaintext_is_unexpected_message() {
        let p = protection(Tls13Aead::Aes128Gcm);
        // Content type 0 with no content: the inner plaintext is all zeros.
        let mut rec = seal(&p, 0, 0, &[], 5);
        assert_eq!(
            p.open(0, &mut rec).unwrap_err().alert,
            AlertDescription::UNEXPECTED_MESSAGE
        );
    }

    #[test]
    fn oversized_records_are_record_overflow() {
        let p = protection(Tls13Aead::ChaCha20Poly1305);
        // An inner plaintext of 2^14 + 2 bytes authenticates but is one byte too long.
        let big = vec![1u8; MAX_CONTENT + 1];
        let mut rec = vec![0u8; sealed_len(big.len(), 0)];
        rec[HEADER_LEN..HEADER_LEN + big.len()].copy_from_slice(&big);
        // `seal` refuses to build it, so build it by hand through ring.
        assert!(p.seal(0, 23, &mut rec, big.len(), 0).is_err());
        let body_len = big.len() + 1 + TAG_LEN;
        rec[0] = 23;
        rec[1..3].copy_from_slice(&[3, 3]);
        rec[3..5].copy_from_slice(&(body_len as u16).to_be_bytes());
        rec[HEADER_LEN + big.len()] = 23;
        let (header, body) = rec.split_at_mut(HEADER_LEN);
        let tag = p
            .key
            .seal_in_place_separate_tag(
                p.nonce(0),
                Aad::from(&header[..]),
                &mut body[..big.len() + 1],
            )
            .unwrap();
        body[big.len() + 1..].copy_from_slice(tag.as_ref());
        assert_eq!(
            p.open(0, &mut rec).unwrap_err().alert,
            AlertDescription::RECORD_OVERFLOW
        );

        // A ciphertext above 2^14 + 256 is refused before any decryption.
        let mut huge = vec![0u8; HEADER_LEN + MAX_CIPHERTEXT + 1];
        huge[0] = 23;
        huge[1..3].copy_from_slice(&[3, 3]);
        huge[3..5].copy_from_slice(&((MAX_CIPHERTEXT + 1) as u16).to_be_bytes());
        assert_eq!(
            p.open(0, &mut huge).unwrap_err().alert,
            AlertDescription::RECORD_OVERFLOW
        );
    }

    #[test]
    fn seal_refuses_oversized_content_and_small_buffers() {
        let p = protection(Tls13Aead::Aes256Gcm);
        let mut rec = vec![0u8; sealed_len(MAX_CONTENT, 1)];
        assert!(p.seal(0, 23, &mut rec, MAX_CONTENT, 1).is_err());
        let mut small = vec![0u8; sealed_len(10, 0) - 1];
        assert!(p.seal(0, 23, &mut small, 10, 0).is_err());
    }

    #[test]
    fn key_update_is_due_at_the_last_record_a_key_may_protect() {
        for aead in [Tls13Aead::Aes128Gcm, Tls13Aead::Aes256Gcm] {
            assert!(!key_update_due(aead, 0));
            assert!(!key_update_due(aead, AES_GCM_RECORD_LIMIT - 2));
            assert!(key_update_due(aead, AES_GCM_RECORD_LIMIT - 1));
        }
        assert!(!key_update_due(
            Tls13Aead::ChaCha20Poly1305,
            AES_GCM_RECORD_LIMIT
        ));
        assert!(!key_update_due(Tls13Aead::ChaCha20Poly1305, u64::MAX - 1));
        assert!(key_update_due(Tls13Aead::ChaCha20Poly1305, u64::MAX));
    }
}
