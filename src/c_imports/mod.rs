//! What the core imports from C (aws-lc, default feature `fast-rsa`): the raw RSA private
//! transform ([`rsa_transform`]), used by `crypto::rsa` for premaster decryption and legacy
//! signatures, and the stitched AES-CBC-HMAC-SHA1 record sealing ([`aes_cbc_hmac_sha1`]),
//! used by `crypto::cbc`. Kept apart from `ffi` (which *exports* the MatrixSSL API)
//! so that the core never imports from the C boundary; like `ffi`, this module is allowed
//! `unsafe` code, each block with its `// SAFETY:` justification.

#[cfg(feature = "fast-rsa")]
pub mod aes_cbc_hmac_sha1;
#[cfg(feature = "fast-rsa")]
pub mod rsa_transform;

/// Drops what a failure left on aws-lc's thread-local error queue.
#[cfg(feature = "fast-rsa")]
fn clear_errors() {
    // SAFETY: ERR_clear_error only touches the calling thread's error queue.
    unsafe { aws_lc_sys::ERR_clear_error() }
}
