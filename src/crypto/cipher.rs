//! Record protection: one interface for CBC+HMAC and AEAD, implemented in `cbc` and `aead`.
//!
//! The record layer hands each record body to these objects *in place*: the caller reserves
//! `prefix_len()` bytes before the plaintext (explicit IV or nonce) and `suffix_len()` bytes
//! after it (MAC, padding, tag); sealing fills both and encrypts without copying.

/// Bulk encryption algorithm of a cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkCipher {
    Aes128Cbc,
    Aes256Cbc,
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
}

/// MAC algorithm of a CBC suite (`None` for AEAD suites).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacAlgorithm {
    None,
    Sha1,
    Sha256,
    Sha384,
}

impl BulkCipher {
    pub fn key_len(self) -> usize {
        match self {
            BulkCipher::Aes128Cbc | BulkCipher::Aes128Gcm => 16,
            BulkCipher::Aes256Cbc | BulkCipher::Aes256Gcm | BulkCipher::ChaCha20Poly1305 => 32,
        }
    }

    /// Length of the IV taken from the key block: the CBC IV (used by TLS 1.0 only, but
    /// always derived), the 4-byte GCM salt, or the 12-byte ChaCha20 nonce mask.
    pub fn key_block_iv_len(self) -> usize {
        match self {
            BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc => 16,
            BulkCipher::Aes128Gcm | BulkCipher::Aes256Gcm => 4,
            BulkCipher::ChaCha20Poly1305 => 12,
        }
    }

    pub fn is_aead(self) -> bool {
        !matches!(self, BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc)
    }
}

impl MacAlgorithm {
    pub fn len(self) -> usize {
        match self {
            MacAlgorithm::None => 0,
            MacAlgorithm::Sha1 => 20,
            MacAlgorithm::Sha256 => 32,
            MacAlgorithm::Sha384 => 48,
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// Secret material for one direction, sliced from the key block.
pub struct DirectionKeys<'a> {
    pub mac_key: &'a [u8],
    pub enc_key: &'a [u8],
    pub iv: &'a [u8],
}

/// The record could not be authenticated or decrypted. Deliberately carries no detail:
/// padding, MAC and length failures must be indistinguishable (bad_record_mac, same timing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadRecord;

pub trait RecordEncrypter: Send {
    /// Bytes written between the 5-byte record header and the plaintext.
    fn prefix_len(&self) -> usize;
    /// Upper bound of the bytes appended after `plain_len` plaintext bytes.
    fn suffix_len(&self, plain_len: usize) -> usize;
    /// `body[..prefix_len()]` is scratch for the explicit IV/nonce, the plaintext is at
    /// `body[prefix_len()..prefix_len() + plain_len]`, and `body` extends at least
    /// `suffix_len(plain_len)` bytes beyond it. Encrypts in place and returns the final body
    /// length (what goes into the record header's length field).
    fn seal(
        &mut self,
        seq: u64,
        content_type: u8,
        version: u16,
        body: &mut [u8],
        plain_len: usize,
    ) -> usize;
}

pub trait RecordDecrypter: Send {
    /// Decrypts and authenticates `body` (the whole record body) in place and returns where
    /// the plaintext now lies within `body`.
    fn open(
        &mut self,
        seq: u64,
        content_type: u8,
        version: u16,
        body: &mut [u8],
    ) -> Result<core::ops::Range<usize>, BadRecord>;
    /// Smallest body length that can possibly be valid (shorter ones fail without work).
    fn min_body_len(&self) -> usize;
}

/// Builds the encrypter for one direction. `version` is the negotiated protocol version
/// (0x0301 chains CBC IVs across records; 0x0302+ uses explicit random IVs).
pub fn new_encrypter(
    bulk: BulkCipher,
    mac: MacAlgorithm,
    version: u16,
    keys: &DirectionKeys<'_>,
) -> Box<dyn RecordEncrypter> {
    if bulk.is_aead() {
        super::aead::new_encrypter(bulk, keys)
    } else {
        super::cbc::new_encrypter(bulk, mac, version, keys)
    }
}

pub fn new_decrypter(
    bulk: BulkCipher,
    mac: MacAlgorithm,
    version: u16,
    keys: &DirectionKeys<'_>,
) -> Box<dyn RecordDecrypter> {
    if bulk.is_aead() {
        super::aead::new_decrypter(bulk, keys)
    } else {
        super::cbc::new_decrypter(bulk, mac, version, keys)
    }
}
