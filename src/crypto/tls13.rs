//! TLS 1.3 key derivation (RFC 8446 §7.1, §7.3, §4.4.4): HKDF-Extract, HKDF-Expand-Label,
//! Derive-Secret, traffic keys and IVs, and the Finished MAC, over SHA-256 or SHA-384.
//!
//! These are the pure functions; which secret feeds which derivation (the schedule itself)
//! is the handshake's business and lives in `handshake::tls13_keys`, whose types keep the
//! stages apart. Every secret here is a [`Secret`]: wiped on drop, never printed.

use ring::{digest, hkdf, hmac};
use zeroize::{Zeroize, Zeroizing};

/// Longest hash a TLS 1.3 suite uses (SHA-384).
pub const MAX_HASH_LEN: usize = 48;

/// Every TLS 1.3 AEAD uses a 12-byte nonce (RFC 8446 §5.3: iv_length = max(8, N_MIN) = 12).
pub const IV_LEN: usize = 12;

/// The hash of a TLS 1.3 cipher suite, which fixes HKDF and the transcript hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls13Hash {
    Sha256,
    Sha384,
}

impl Tls13Hash {
    /// Hash.length: the size of every secret and transcript hash under this hash.
    pub fn output_len(self) -> usize {
        match self {
            Tls13Hash::Sha256 => 32,
            Tls13Hash::Sha384 => 48,
        }
    }

    fn digest_alg(self) -> &'static digest::Algorithm {
        match self {
            Tls13Hash::Sha256 => &digest::SHA256,
            Tls13Hash::Sha384 => &digest::SHA384,
        }
    }

    fn hmac_alg(self) -> hmac::Algorithm {
        match self {
            Tls13Hash::Sha256 => hmac::HMAC_SHA256,
            Tls13Hash::Sha384 => hmac::HMAC_SHA384,
        }
    }

    fn hkdf_alg(self) -> hkdf::Algorithm {
        match self {
            Tls13Hash::Sha256 => hkdf::HKDF_SHA256,
            Tls13Hash::Sha384 => hkdf::HKDF_SHA384,
        }
    }

    /// One-shot hash of `data` (a transcript, a ClientHello, a context value).
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        digest::digest(self.digest_alg(), data).as_ref().to_vec()
    }
}

/// A secret of the key schedule: Hash.length bytes, zeroized on drop.
///
/// Deliberately neither `Debug` nor `Clone`: a secret is never printed, and a copy is made
/// only where a derivation needs one (`from_bytes`).
pub struct Secret {
    hash: Tls13Hash,
    bytes: [u8; MAX_HASH_LEN],
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl Secret {
    /// A secret from its bytes (a PSK, a stored resumption secret); `None` unless `bytes`
    /// is exactly Hash.length long.
    pub fn from_bytes(hash: Tls13Hash, bytes: &[u8]) -> Option<Secret> {
        if bytes.len() != hash.output_len() {
            return None;
        }
        let mut secret = Secret {
            hash,
            bytes: [0; MAX_HASH_LEN],
        };
        secret.bytes[..bytes.len()].copy_from_slice(bytes);
        Some(secret)
    }

    pub fn hash(&self) -> Tls13Hash {
        self.hash
    }

    /// The secret's bytes, for a derivation or for storing it (resumption).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.hash.output_len()]
    }

    fn zeroed(hash: Tls13Hash) -> Secret {
        Secret {
            hash,
            bytes: [0; MAX_HASH_LEN],
        }
    }
}

/// HKDF-Extract(salt, IKM) (RFC 5869 §2.2). `salt` `None` is the all-zero salt of
/// Hash.length bytes, as RFC 8446 §7.1 uses for the early secret.
pub fn hkdf_extract(hash: Tls13Hash, salt: Option<&Secret>, ikm: &[u8]) -> Secret {
    let zeros = [0u8; MAX_HASH_LEN];
    let salt = match salt {
        Some(s) => {
            assert_eq!(s.hash, hash, "HKDF-Extract salt from another hash");
            s.as_bytes()
        }
        None => &zeros[..hash.output_len()],
    };
    // HKDF-Extract is HMAC(salt, IKM); ring's `Salt::extract` hides the PRK bytes, which the
    // schedule must keep (they are the next stage's secret), so compute it directly.
    let prk = hmac::sign(&hmac::Key::new(hash.hmac_alg(), salt), ikm);
    let mut out = Secret::zeroed(hash);
    out.bytes[..hash.output_len()].copy_from_slice(prk.as_ref());
    out
}

/// An output length for `ring::hkdf::Prk::expand`, which takes it as a key type.
struct OutputLen(usize);

impl hkdf::KeyType for OutputLen {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-Expand-Label(Secret, Label, Context, Length) (RFC 8446 §7.1), filling `out`
/// (Length = `out.len()`). The label is given without its "tls13 " prefix.
///
/// Labels and contexts are ours and short, and every Length the schedule asks for is at
/// most Hash.length: a violation is a caller bug, hence the panics.
pub fn hkdf_expand_label(secret: &Secret, label: &[u8], context: &[u8], out: &mut [u8]) {
    const PREFIX: &[u8] = b"tls13 ";
    let length = u16::try_from(out.len()).expect("HKDF-Expand-Label length fits 16 bits");
    let label_len = u8::try_from(PREFIX.len() + label.len()).expect("label fits 255 bytes");
    let context_len = u8::try_from(context.len()).expect("context fits 255 bytes");
    // struct HkdfLabel { uint16 length; opaque label<7..255>; opaque context<0..255>; }
    let length = length.to_be_bytes();
    let info: [&[u8]; 6] = [
        &length,
        &[label_len],
        PREFIX,
        label,
        &[context_len],
        context,
    ];
    let prk = hkdf::Prk::new_less_safe(secret.hash.hkdf_alg(), secret.as_bytes());
    prk.expand(&info, OutputLen(out.len()))
        .and_then(|okm| okm.fill(out))
        .expect("HKDF-Expand-Label output within 255 * Hash.length");
}

/// HKDF-Expand-Label with Length = Hash.length, as a new secret: the form of
/// Derive-Secret, "traffic upd", "resumption" and "finished".
pub fn expand_label_secret(secret: &Secret, label: &[u8], context: &[u8]) -> Secret {
    let mut out = Secret::zeroed(secret.hash);
    let len = secret.hash.output_len();
    hkdf_expand_label(secret, label, context, &mut out.bytes[..len]);
    out
}

/// Derive-Secret(Secret, Label, Messages) given Transcript-Hash(Messages) (RFC 8446 §7.1).
pub fn derive_secret(secret: &Secret, label: &[u8], transcript_hash: &[u8]) -> Secret {
    assert_eq!(
        transcript_hash.len(),
        secret.hash.output_len(),
        "transcript hash of another hash algorithm"
    );
    expand_label_secret(secret, label, transcript_hash)
}

/// Derive-Secret(Secret, Label, "") : the hash of the empty transcript as context.
pub fn derive_secret_empty(secret: &Secret, label: &[u8]) -> Secret {
    let empty = secret.hash.digest(&[]);
    derive_secret(secret, label, &empty)
}

/// A record protection key and IV derived from a traffic secret (RFC 8446 §7.3).
pub struct TrafficKeyIv {
    pub key: Zeroizing<Vec<u8>>,
    pub iv: Zeroizing<[u8; IV_LEN]>,
}

/// [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length),
/// [sender]_write_iv = HKDF-Expand-Label(Secret, "iv", "", iv_length).
pub fn traffic_key_iv(traffic_secret: &Secret, key_len: usize) -> TrafficKeyIv {
    let mut key = Zeroizing::new(vec![0u8; key_len]);
    hkdf_expand_label(traffic_secret, b"key", &[], &mut key);
    let mut iv = Zeroizing::new([0u8; IV_LEN]);
    hkdf_expand_label(traffic_secret, b"iv", &[], &mut iv[..]);
    TrafficKeyIv { key, iv }
}

/// finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length) (RFC 8446 §4.4.4).
fn finished_key(base_key: &Secret) -> hmac::Key {
    let key = expand_label_secret(base_key, b"finished", &[]);
    hmac::Key::new(base_key.hash.hmac_alg(), key.as_bytes())
}

/// verify_data = HMAC(finished_key, Transcript-Hash(...)) (RFC 8446 §4.4.4): the value
/// a Finished message (or a PSK binder, §4.2.11.2) carries.
pub fn finished_verify_data(base_key: &Secret, transcript_hash: &[u8]) -> Vec<u8> {
    hmac::sign(&finished_key(base_key), transcript_hash)
        .as_ref()
        .to_vec()
}

/// Whether `received` is the verify_data `finished_verify_data` would compute, compared in
/// constant time (a peer learns nothing from how long a wrong Finished took to reject).
pub fn verify_finished(base_key: &Secret, transcript_hash: &[u8], received: &[u8]) -> bool {
    hmac::verify(&finished_key(base_key), transcript_hash, received).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::hex;

    // RFC 8448 §3 "{server} derive secret for handshake "tls13 derived"": the early secret
    // from a zero PSK, then Derive-Secret(., "derived", "").
    #[test]
    fn extract_and_derive_match_rfc8448() {
        let early = hkdf_extract(Tls13Hash::Sha256, None, &[0u8; 32]);
        assert_eq!(
            early.as_bytes(),
            hex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a")
        );
        let derived = derive_secret_empty(&early, b"derived");
        assert_eq!(
            derived.as_bytes(),
            hex("6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba")
        );
    }

    // RFC 8448 §3 "{server} derive write traffic keys for handshake data".
    #[test]
    fn traffic_key_and_iv_match_rfc8448() {
        let secret = Secret::from_bytes(
            Tls13Hash::Sha256,
            &hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38"),
        )
        .unwrap();
        let k = traffic_key_iv(&secret, 16);
        assert_eq!(k.key[..], hex("3fce516009c21727d0f2e4e86ee403bc")[..]);
        assert_eq!(k.iv[..], hex("5d313eb2671276ee13000b30")[..]);
    }

    #[test]
    fn finished_verification_accepts_only_the_exact_mac() {
        let key = Secret::from_bytes(Tls13Hash::Sha384, &[7u8; 48]).unwrap();
        let hash = Tls13Hash::Sha384.digest(b"transcript");
        let mac = finished_verify_data(&key, &hash);
        assert_eq!(mac.len(), 48);
        assert!(verify_finished(&key, &hash, &mac));
        let mut wrong = mac.clone();
        wrong[47] ^= 1;
        assert!(!verify_finished(&key, &hash, &wrong));
        assert!(!verify_finished(&key, &hash, &mac[..32]));
    }

    #[test]
    fn secrets_of_the_wrong_length_are_refused() {
        assert!(Secret::from_bytes(Tls13Hash::Sha256, &[0u8; 48]).is_none());
        assert!(Secret::from_bytes(Tls13Hash::Sha384, &[0u8; 32]).is_none());
        assert_eq!(
            Secret::from_bytes(Tls13Hash::Sha384, &[1u8; 48])
                .unwrap()
                .as_bytes()
                .len(),
            48
        );
    }
}
