//! Cryptographic building blocks used by the record layer and the handshake.
//!
//! `ring` provides everything it offers; the gaps (RSA private operation, AES-CBC, 3DES, MD5,
//! the TLS 1.0/1.1 PRF, constant-time CBC MAC checking, finite-field Diffie-Hellman, DSA
//! verification, and the feature-gated legacy pieces: RC4/NULL records and SSL 3.0) are
//! filled here.

mod aead;
mod cbc;
pub mod cipher;
mod ct;
pub mod dh;
pub mod dsa;
pub mod hash;
pub(crate) mod mdhash;
pub mod prf;
mod recmac;
pub mod rng;
pub mod rsa;
#[cfg(feature = "ssl3")]
pub mod ssl3;
#[cfg(any(feature = "rc4-suites", feature = "null-suites"))]
mod stream;
// TLS 1.3 key derivation and record protection (RFC 8446 §7, §5).
pub mod tls13;
pub mod tls13_record;
