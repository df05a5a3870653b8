//! Cryptographic building blocks used by the record layer and the handshake.
//!
//! `ring` provides everything it offers; the gaps (RSA private operation, AES-CBC, MD5,
//! the TLS 1.0/1.1 PRF, constant-time CBC MAC checking) are filled here.

mod aead;
mod cbc;
pub mod cipher;
pub mod hash;
pub mod prf;
pub mod rng;
pub mod rsa;
