//! The private operations on aws-lc, at about three to four times the rate of the
//! crypto-bigint path (and on par with OpenSSL), which bounds every RSA-authenticated full
//! handshake: aws-lc's raw private transform (`c_imports::rsa_transform`) for premaster
//! decryption and for the signatures ring does not make (keys below 2048 bits, SHA-1 and
//! MD5‖SHA-1 PKCS#1 v1.5, signatures over a precomputed digest; the parent module pads),
//! for any key size aws-lc takes. aws-lc blinds, uses constant-time modular exponentiation and verifies each
//! CRT result before releasing it. Keys aws-lc refuses stay on the crypto-bigint code in
//! the parent module.
//!
//! Only aws-lc-sys is used, not aws-lc-rs: aws-lc-rs's key types reach aws-lc's EVP layer,
//! whose method tables keep every algorithm aws-lc has (ML-KEM, ML-DSA, Curve25519, P-521,
//! ...) in the library, about 1 MB that nothing here calls.

use crate::c_imports::rsa_transform::RawRsaKey;

/// aws-lc's raw private transform for the key, any size aws-lc takes; `None` if it refuses
/// the key or disagrees about the modulus length (the caller keeps its own arithmetic).
pub(super) fn raw_key(der: &[u8], k: usize) -> Option<RawRsaKey> {
    RawRsaKey::from_pkcs1_der(der).filter(|raw| raw.modulus_len() == k)
}
