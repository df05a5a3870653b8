//! An import, not an export: aws-lc's stitched AES-CBC + HMAC-SHA1 record sealing
//! (`EVP_aes_{128,256}_cbc_hmac_sha1`, the cipher OpenSSL's libssl uses for the
//! `*_AES_*_CBC_SHA` suites), for the sending side of those suites.
//!
//! Why it lives here: CBC encryption is serial, one AES block after another, and the record
//! MAC is a second serial computation over the same bytes. aws-lc's `aesni_cbc_sha1_enc`
//! (SHA-NI or AVX variants) interleaves the two instruction by instruction, so a record
//! costs about one CBC encryption; the safe Rust path (`crypto::cbc`, interleaving per
//! 64-byte hash block) cannot get that close, and Rust code outside this module may not use
//! the AES-NI/SHA-NI intrinsics (they are `unsafe`). Only sealing is imported: opening stays
//! the crate's own constant-time check in `crypto::cbc`.
//!
//! The cipher does MAC, padding and encryption in one call once it has the MAC key
//! (`EVP_CTRL_AEAD_SET_MAC_KEY`) and the record's 13-byte MAC header
//! (`EVP_CTRL_AEAD_TLS1_AAD`). With TLS 1.1+ the first block of the input is the explicit
//! IV, encrypted along with the record under the running CBC state: the record then starts
//! with E(state ⊕ random block), which is the "random mask" construction RFC 4346 §6.2.3.2
//! (2)(b) allows, and the peer decrypts the rest with that block as the IV.

use super::clear_errors;
use aws_lc_sys as sys;
use core::ffi::{c_int, c_void};
use core::ptr::NonNull;

/// AES block length: the chained IV and the explicit IV prefix.
pub const BLOCK: usize = 16;
/// HMAC-SHA1 tag length.
const MAC_LEN: usize = 20;

/// One direction's stitched AES-CBC-HMAC-SHA1 sealing context (key schedule, HMAC key
/// states, CBC chaining value); wiped and freed on drop.
pub struct StitchedAesCbcSha1 {
    ctx: NonNull<sys::EVP_CIPHER_CTX>,
}

// SAFETY: the context is owned by this value alone and only used through `&mut self` (and
// freed in `Drop`); aws-lc cipher contexts carry no thread affinity.
unsafe impl Send for StitchedAesCbcSha1 {}

impl StitchedAesCbcSha1 {
    /// A sealing context for AES-128 or AES-256 (by `enc_key` length) with HMAC-SHA1
    /// `mac_key` and CBC chaining value `iv`. `None` when aws-lc has no stitched code here
    /// (no AES-NI, or not x86-64) or the lengths do not fit: the caller then seals in Rust.
    pub fn new(enc_key: &[u8], mac_key: &[u8], iv: &[u8; BLOCK]) -> Option<Self> {
        let cipher = match enc_key.len() {
            // SAFETY: returns a pointer to a static cipher table, or NULL.
            16 => unsafe { sys::EVP_aes_128_cbc_hmac_sha1() },
            // SAFETY: as above.
            32 => unsafe { sys::EVP_aes_256_cbc_hmac_sha1() },
            _ => return None,
        };
        if cipher.is_null() || mac_key.len() != MAC_LEN {
            return None;
        }
        // SAFETY: allocates an empty context (NULL on allocation failure).
        let ctx = NonNull::new(unsafe { sys::EVP_CIPHER_CTX_new() })?;
        // From here on `Drop` frees the context, whatever fails below.
        let this = StitchedAesCbcSha1 { ctx };
        // SAFETY: `ctx` is a valid context, `cipher` a static table whose key length is
        // `enc_key.len()` (checked above), `iv` one AES block; aws-lc copies both.
        let ok = unsafe {
            sys::EVP_EncryptInit_ex(
                ctx.as_ptr(),
                cipher,
                core::ptr::null_mut(),
                enc_key.as_ptr(),
                iv.as_ptr(),
            )
        };
        if ok != 1 {
            clear_errors();
            return None;
        }
        // SAFETY: `ctx` holds the stitched cipher; its SET_MAC_KEY control reads `arg` bytes
        // from `ptr` (it does not write through it despite the mutable pointer type).
        let ok = unsafe {
            sys::EVP_CIPHER_CTX_ctrl(
                ctx.as_ptr(),
                sys::EVP_CTRL_AEAD_SET_MAC_KEY,
                MAC_LEN as c_int,
                mac_key.as_ptr() as *mut c_void,
            )
        };
        if ok != 1 {
            clear_errors();
            return None;
        }
        Some(this)
    }

    /// Seals one TLS record (version 0x0301 or later) in place. With TLS 1.1+
    /// `body[..BLOCK]` holds a fresh random block (the explicit IV); the plaintext follows
    /// at `body[iv_len..iv_len + plain_len]`, and `body` is exactly the sealed length:
    /// explicit IV + plaintext + MAC + minimal padding, a whole number of blocks. `Err`
    /// only if those lengths are inconsistent (a caller bug).
    #[allow(clippy::result_unit_err)]
    pub fn seal(
        &mut self,
        seq: u64,
        content_type: u8,
        version: u16,
        body: &mut [u8],
        plain_len: usize,
    ) -> Result<(), ()> {
        let iv_len = if version >= 0x0302 { BLOCK } else { 0 };
        let payload = iv_len + plain_len;
        let sealed = (payload + MAC_LEN + BLOCK) & !(BLOCK - 1);
        if body.len() != sealed {
            return Err(());
        }
        // The MAC header (RFC 5246 §6.2.3.1) with the length of what aws-lc is handed,
        // explicit IV included: it subtracts the IV itself (editing this copy in place).
        let mut aad = [0u8; 13];
        aad[..8].copy_from_slice(&seq.to_be_bytes());
        aad[8] = content_type;
        aad[9..11].copy_from_slice(&version.to_be_bytes());
        aad[11..13].copy_from_slice(&u16::try_from(payload).map_err(|_| ())?.to_be_bytes());
        // SAFETY: `ctx` holds the stitched cipher; the TLS1_AAD control reads and rewrites
        // the 13 bytes of `aad` (a local array) and returns the MAC + padding length.
        let tail = unsafe {
            sys::EVP_CIPHER_CTX_ctrl(
                self.ctx.as_ptr(),
                sys::EVP_CTRL_AEAD_TLS1_AAD,
                aad.len() as c_int,
                aad.as_mut_ptr() as *mut c_void,
            )
        };
        if usize::try_from(tail).ok() != Some(sealed - payload) {
            clear_errors();
            return Err(());
        }
        // SAFETY: `body` is valid for reads and writes of `body.len()` bytes, the length the
        // cipher was told to expect; in-place operation (in == out) is how libssl uses it.
        let ok = unsafe {
            sys::EVP_Cipher(
                self.ctx.as_ptr(),
                body.as_mut_ptr(),
                body.as_ptr(),
                body.len(),
            )
        };
        if ok != 1 {
            clear_errors();
            return Err(());
        }
        Ok(())
    }
}

impl Drop for StitchedAesCbcSha1 {
    fn drop(&mut self) {
        // SAFETY: `self.ctx` is owned by this value and freed exactly once; aws-lc cleanses
        // the cipher data (key schedule, HMAC states) before freeing it.
        unsafe { sys::EVP_CIPHER_CTX_free(self.ctx.as_ptr()) }
    }
}
