//! Record protection: one interface for CBC+HMAC, AEAD and (legacy, feature-gated) stream
//! ciphers, implemented in `cbc`, `aead` and `stream`. Protocol version 0x0300 (feature
//! `ssl3`) selects the SSL 3.0 MAC and padding rules in the same objects.
//!
//! The record layer hands each record body to these objects *in place*: the caller reserves
//! `prefix_len()` bytes before the plaintext (explicit IV or nonce) and `suffix_len()` bytes
//! after it (MAC, padding, tag); sealing fills both and encrypts without copying.

/// Bulk encryption algorithm of a cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkCipher {
    Aes128Cbc,
    Aes256Cbc,
    /// DES-EDE3-CBC (SSL_RSA_WITH_3DES_EDE_CBC_SHA): 64-bit blocks, so Sweet32-limited.
    TripleDesCbc,
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
    /// RC4 with a 128-bit key (SSL_RSA_WITH_RC4_128_*). Broken; RFC 7465 forbids it in TLS.
    #[cfg(feature = "rc4-suites")]
    Rc4_128,
    /// No encryption (SSL_RSA_WITH_NULL_*): the record is only MACed.
    #[cfg(feature = "null-suites")]
    Null,
}

/// MAC algorithm of a MAC-then-encrypt suite (`None` for AEAD suites).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacAlgorithm {
    None,
    /// HMAC-MD5 (the SSL 3.0 MD5 MAC under version 0x0300): only the RC4_128_MD5 and
    /// NULL_MD5 suites use it.
    #[cfg(any(feature = "rc4-suites", feature = "null-suites"))]
    Md5,
    Sha1,
    Sha256,
    Sha384,
}

impl BulkCipher {
    pub fn key_len(self) -> usize {
        match self {
            BulkCipher::Aes128Cbc | BulkCipher::Aes128Gcm => 16,
            BulkCipher::Aes256Cbc | BulkCipher::Aes256Gcm | BulkCipher::ChaCha20Poly1305 => 32,
            BulkCipher::TripleDesCbc => 24,
            #[cfg(feature = "rc4-suites")]
            BulkCipher::Rc4_128 => 16,
            #[cfg(feature = "null-suites")]
            BulkCipher::Null => 0,
        }
    }

    /// Length of the IV taken from the key block: the CBC IV (one block; used by SSL 3.0
    /// and TLS 1.0 only, but always derived), the 4-byte GCM salt, or the 12-byte ChaCha20
    /// nonce mask. Stream ciphers have none.
    pub fn key_block_iv_len(self) -> usize {
        match self {
            BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc => 16,
            BulkCipher::TripleDesCbc => 8,
            BulkCipher::Aes128Gcm | BulkCipher::Aes256Gcm => 4,
            BulkCipher::ChaCha20Poly1305 => 12,
            #[cfg(feature = "rc4-suites")]
            BulkCipher::Rc4_128 => 0,
            #[cfg(feature = "null-suites")]
            BulkCipher::Null => 0,
        }
    }

    pub fn is_aead(self) -> bool {
        matches!(
            self,
            BulkCipher::Aes128Gcm | BulkCipher::Aes256Gcm | BulkCipher::ChaCha20Poly1305
        )
    }

    /// CBC block ciphers (MAC-then-encrypt with padding).
    pub fn is_cbc(self) -> bool {
        matches!(
            self,
            BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc | BulkCipher::TripleDesCbc
        )
    }

    /// Stream ciphers (RC4, NULL): MAC-then-encrypt without padding or IV.
    pub fn is_stream(self) -> bool {
        !self.is_aead() && !self.is_cbc()
    }
}

impl MacAlgorithm {
    pub fn len(self) -> usize {
        match self {
            MacAlgorithm::None => 0,
            #[cfg(any(feature = "rc4-suites", feature = "null-suites"))]
            MacAlgorithm::Md5 => 16,
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
/// (0x0300 SSL 3.0, feature `ssl3`: SSL 3.0 MAC and padding, chained IVs; 0x0301 chains CBC
/// IVs across records; 0x0302+ uses explicit random IVs). Panics on a combination no suite
/// has (a CBC cipher without a MAC, SSL 3.0 without the `ssl3` feature, ...): that is a
/// caller bug.
pub fn new_encrypter(
    bulk: BulkCipher,
    mac: MacAlgorithm,
    version: u16,
    keys: &DirectionKeys<'_>,
) -> Box<dyn RecordEncrypter> {
    if bulk.is_aead() {
        super::aead::new_encrypter(bulk, keys)
    } else if bulk.is_cbc() {
        super::cbc::new_encrypter(bulk, mac, version, keys)
    } else {
        stream_encrypter(bulk, mac, version, keys)
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
    } else if bulk.is_cbc() {
        super::cbc::new_decrypter(bulk, mac, version, keys)
    } else {
        stream_decrypter(bulk, mac, version, keys)
    }
}

#[cfg(any(feature = "rc4-suites", feature = "null-suites"))]
fn stream_encrypter(
    bulk: BulkCipher,
    mac: MacAlgorithm,
    version: u16,
    keys: &DirectionKeys<'_>,
) -> Box<dyn RecordEncrypter> {
    super::stream::new_encrypter(bulk, mac, version, keys)
}

#[cfg(any(feature = "rc4-suites", feature = "null-suites"))]
fn stream_decrypter(
    bulk: BulkCipher,
    mac: MacAlgorithm,
    version: u16,
    keys: &DirectionKeys<'_>,
) -> Box<dyn RecordDecrypter> {
    super::stream::new_decrypter(bulk, mac, version, keys)
}

// Without the legacy features every cipher is AEAD or CBC: these are unreachable.
#[cfg(not(any(feature = "rc4-suites", feature = "null-suites")))]
fn stream_encrypter(
    bulk: BulkCipher,
    _: MacAlgorithm,
    _: u16,
    _: &DirectionKeys<'_>,
) -> Box<dyn RecordEncrypter> {
    unreachable!("{bulk:?} is neither AEAD nor CBC")
}

#[cfg(not(any(feature = "rc4-suites", feature = "null-suites")))]
fn stream_decrypter(
    bulk: BulkCipher,
    _: MacAlgorithm,
    _: u16,
    _: &DirectionKeys<'_>,
) -> Box<dyn RecordDecrypter> {
    unreachable!("{bulk:?} is neither AEAD nor CBC")
}
