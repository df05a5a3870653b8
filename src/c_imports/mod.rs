//! What the core imports from C: today only aws-lc's raw RSA private transform
//! ([`rsa_transform`], default feature `fast-rsa`), used by `crypto::rsa` for premaster
//! decryption and legacy signatures. Kept apart from `ffi` (which *exports* the MatrixSSL API)
//! so that the core never imports from the C boundary; like `ffi`, this module is allowed
//! `unsafe` code, each block with its `// SAFETY:` justification.

#[cfg(feature = "fast-rsa")]
pub mod rsa_transform;
