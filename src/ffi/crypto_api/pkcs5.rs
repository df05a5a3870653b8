//! PKCS#5 key derivation (the Tier C crypto API, see the parent module).

use super::*;

/// `pkcs5pbkdf1`: PBKDF1 as 3.3 uses it, OpenSSL's `EVP_BytesToKey` with MD5
/// ([`evp_bytes_to_key`]): 24 bytes to `key` from the password and an 8-byte salt. 3.3 supports
/// only `iter == 1` (the legacy PEM key encryption); other counts iterate as OpenSSL does, and
/// `iter < 1` counts as 1. NULL `key` or `salt`, or NULL
/// `pass` with a non-zero length, does nothing.
///
/// # Safety
/// `pass` NULL or `passlen` readable bytes; `salt` NULL or 8 readable bytes; `key` NULL or
/// 24 writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pkcs5pbkdf1(
    pass: *mut u8,
    passlen: u32,
    salt: *mut u8,
    iter: i32,
    key: *mut u8,
) {
    guard((), || {
        // SAFETY: caller contract.
        let Some(pass) = (unsafe { input(pass, passlen) }) else {
            return;
        };
        if salt.is_null() || key.is_null() {
            return;
        }
        // SAFETY: 8 readable bytes at `salt`.
        let salt = unsafe { ptr::read_unaligned(salt.cast::<[u8; 8]>()) };
        let derived = evp_bytes_to_key(pass, &salt, u32::try_from(iter).unwrap_or(0), DES3_KEY_LEN);
        // SAFETY: 24 writable bytes at `key`.
        unsafe { write_out(key, &derived[..]) };
    })
}

/// `pkcs5pbkdf2`: PBKDF2-HMAC-SHA1 (RFC 8018), `kLen` bytes to `key`; `rounds < 1` counts as
/// one round (3.3's loop runs once then). NULL `key`, or NULL `password`/`salt` with a
/// non-zero length, does nothing.
///
/// # Safety
/// `password` NULL or `pLen` readable bytes, `salt` NULL or `sLen` readable bytes; `key` NULL
/// or `kLen` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pkcs5pbkdf2(
    password: *mut u8,
    pLen: u32,
    salt: *mut u8,
    sLen: u32,
    rounds: i32,
    key: *mut u8,
    kLen: u32,
) {
    guard((), || {
        // SAFETY: caller contract.
        let (Some(password), Some(salt)) = (unsafe { input(password, pLen) }, unsafe {
            input(salt, sLen)
        }) else {
            return;
        };
        if key.is_null() || kLen == 0 {
            return;
        }
        let iterations = u32::try_from(rounds)
            .ok()
            .and_then(NonZeroU32::new)
            .unwrap_or(NonZeroU32::MIN);
        let mut out = Zeroizing::new(vec![0u8; kLen as usize]);
        ring::pbkdf2::derive(
            ring::pbkdf2::PBKDF2_HMAC_SHA1,
            iterations,
            salt,
            password,
            &mut out,
        );
        // SAFETY: `kLen` writable bytes at `key`.
        unsafe { write_out(key, &out) };
    })
}
