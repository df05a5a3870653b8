//! An import, not an export: aws-lc's raw RSA private transform (`RSA_decrypt` with
//! `RSA_NO_PADDING`), for the RSA key exchange.
//!
//! Why it lives here: no safe Rust crate offers a fast *raw* RSA private operation. aws-lc-rs
//! only wraps PKCS#1 v1.5 decryption, which reports bad padding as an error (a timing
//! signal of the Marvin kind), and crypto-bigint's portable exponentiation runs at about a
//! quarter of aws-lc's AVX-512 IFMA / ADX code, which bounds every RSA-key-exchange
//! handshake. aws-lc's own header recommends exactly this call for TLS: "protocol-specific
//! padding logic ... should be implemented with RSA_NO_PADDING". Its only failures are the
//! public ones (input length not the modulus length, input not below n); blinding, CRT and
//! the fault check (the result is verified with the public exponent) happen inside. The
//! caller (`crypto::rsa`) does the branch-free PKCS#1 check of RFC 5246 §7.4.7.1.
//!
//! Like the other `c_imports` modules it keeps the crate's rule that `unsafe` code lives
//! only in `ffi` and `c_imports`.

use super::clear_errors;
use aws_lc_sys as sys;
use core::ptr::NonNull;

/// An aws-lc `RSA` private key object, freed on drop.
pub struct RawRsaKey {
    rsa: NonNull<sys::RSA>,
    /// Modulus length in bytes (`RSA_size`).
    len: usize,
}

// SAFETY: aws-lc documents (include/openssl/rsa.h, "Encryption / Decryption") that
// `RSA_decrypt` is non-mutating for thread-safety purposes and may be used concurrently;
// the object is never mutated after construction except by `RSA_free` in `Drop`, which
// needs `&mut self`.
unsafe impl Send for RawRsaKey {}
// SAFETY: as above: the only method taking `&self` is `private_transform` (RSA_decrypt).
unsafe impl Sync for RawRsaKey {}

impl RawRsaKey {
    /// Imports a DER RFC 8017 RSAPrivateKey. `None` if aws-lc rejects it.
    pub fn from_pkcs1_der(der: &[u8]) -> Option<Self> {
        // aws-lc picks its AVX-512 IFMA / ADX code by CPUID, detected in this initialiser
        // (a static constructor on most targets, a no-op then; where there is none, RSA
        // would otherwise silently run on the generic code). aws-lc-rs called it for us
        // before we used aws-lc-sys alone.
        // SAFETY: no arguments; aws-lc makes repeated and concurrent calls safe (CRYPTO_once).
        unsafe { sys::CRYPTO_library_init() };
        // SAFETY: `der` is a valid slice for the duration of the call; aws-lc copies what it
        // keeps and returns an owned object or NULL.
        let rsa = NonNull::new(unsafe { sys::RSA_private_key_from_bytes(der.as_ptr(), der.len()) });
        let Some(rsa) = rsa else {
            clear_errors();
            return None;
        };
        // SAFETY: `rsa` is a valid, owned RSA object.
        let len = unsafe { sys::RSA_size(rsa.as_ptr()) } as usize;
        Some(RawRsaKey { rsa, len })
    }

    /// Modulus length in bytes.
    pub fn modulus_len(&self) -> usize {
        self.len
    }

    /// `out = input^d mod n`, both exactly the modulus length. `Err` only for the public
    /// conditions (wrong lengths, input not below n) or an internal fault.
    /// The error is deliberately bare, as in `crypto::rsa`: no detail that could become an
    /// oracle.
    #[allow(clippy::result_unit_err)]
    pub fn private_transform(&self, input: &[u8], out: &mut [u8]) -> Result<(), ()> {
        if input.len() != self.len || out.len() != self.len {
            return Err(());
        }
        let mut out_len = 0usize;
        // SAFETY: `self.rsa` is a valid RSA object (owned until drop); `out` has `out.len()`
        // writable bytes and `input` `input.len()` readable bytes for the call; `out_len`
        // is a valid place for the length. RSA_decrypt is documented as safe to call
        // concurrently on one object.
        let ok = unsafe {
            sys::RSA_decrypt(
                self.rsa.as_ptr(),
                &mut out_len,
                out.as_mut_ptr(),
                out.len(),
                input.as_ptr(),
                input.len(),
                sys::RSA_NO_PADDING,
            )
        };
        if ok != 1 || out_len != self.len {
            clear_errors();
            return Err(());
        }
        Ok(())
    }
}

impl Drop for RawRsaKey {
    fn drop(&mut self) {
        // SAFETY: `self.rsa` is owned by this value and freed exactly once; RSA_free also
        // wipes the private components.
        unsafe { sys::RSA_free(self.rsa.as_ptr()) }
    }
}
