//! RSA (the Tier C crypto API, see the parent module).

use super::*;

/// `psRsaEncryptPub`: PKCS#1 v1.5 encryption (block type 2) of `inlen` bytes under the
/// public key; `out` receives the modulus size, which is returned. `PS_ARG_FAIL` for NULL,
/// an unknown key, `outlen` below the modulus size or input too long for the padding.
///
/// # Safety
/// `key` NULL or a `psRsaKey_t` from this library; `in` NULL or `inlen` readable bytes;
/// `out` NULL or `outlen` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psRsaEncryptPub(
    _pool: *mut psPool_t,
    key: *mut psRsaKey_t,
    r#in: *mut u8,
    inlen: u32,
    out: *mut u8,
    outlen: u32,
) -> i32 {
    guard(PS_FAILURE, || {
        let Some(key) = RsaRef::lookup(key) else {
            return PS_ARG_FAIL;
        };
        // SAFETY: `inlen` readable bytes at `in`.
        let Some(msg) = (unsafe { input(r#in, inlen) }) else {
            return PS_ARG_FAIL;
        };
        let k = key.modulus_len();
        if out.is_null() || (outlen as usize) < k {
            return PS_ARG_FAIL;
        }
        let Ok(ct) = key.public().encrypt_pkcs1(msg) else {
            return PS_ARG_FAIL;
        };
        // SAFETY: `out` has `outlen >= k` writable bytes; `ct` is owned.
        unsafe { write_out(out, &ct) };
        len_rc(k)
    })
}

/// `psRsaDecryptPriv`: private operation on a modulus-sized `in`, then PKCS#1 v1.5 type 2
/// unpadding. As in 3.3 the plaintext must be exactly `outlen` bytes; returns `outlen`.
/// `PS_ARG_FAIL` (NULL, unknown or public-only key, `inlen` not the modulus size, `outlen`
/// too large for the padding); `PS_FAILURE` for every decryption or padding failure (one
/// code, so the result tells an attacker as little as the API allows).
///
/// # Safety
/// `key` NULL or a `psRsaKey_t` from this library; `in` NULL or `inlen` readable bytes;
/// `out` NULL or `outlen` writable bytes (may overlap `in`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psRsaDecryptPriv(
    _pool: *mut psPool_t,
    key: *mut psRsaKey_t,
    r#in: *mut u8,
    inlen: u32,
    out: *mut u8,
    outlen: u32,
) -> i32 {
    guard(PS_FAILURE, || {
        let Some(key) = RsaRef::lookup(key) else {
            return PS_ARG_FAIL;
        };
        let Some(private) = key.private() else {
            return PS_ARG_FAIL;
        };
        let k = private.modulus_len();
        // SAFETY: `inlen` readable bytes at `in`.
        let Some(ct) = (unsafe { input(r#in, inlen) }) else {
            return PS_ARG_FAIL;
        };
        let want = outlen as usize;
        if ct.len() != k || out.is_null() || want + 11 > k {
            return PS_ARG_FAIL;
        }
        let Ok(pt) = private.decrypt_pkcs1(ct, want) else {
            return PS_FAILURE;
        };
        // SAFETY: `out` has `outlen` writable bytes; `pt` is owned.
        unsafe { write_out(out, &pt) };
        len_rc(want)
    })
}

/// `psRsaDecryptPub`: public operation (signature recovery) on a modulus-sized `in`, then
/// PKCS#1 v1.5 type 1 unpadding; the recovered data must be exactly `outlen` bytes. Returns
/// `PS_SUCCESS` (not a length), `PS_ARG_FAIL`, `PS_FAILURE` (bad padding, value not below
/// the modulus), `PS_LIMIT_FAIL` (length differs). Unlike 3.3, `in` is left unchanged.
///
/// # Safety
/// `key` NULL or a `psRsaKey_t` from this library; `in` NULL or `inlen` readable bytes;
/// `out` NULL or `outlen` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psRsaDecryptPub(
    _pool: *mut psPool_t,
    key: *mut psRsaKey_t,
    r#in: *mut u8,
    inlen: u32,
    out: *mut u8,
    outlen: u32,
) -> i32 {
    guard(PS_FAILURE, || {
        let Some(key) = RsaRef::lookup(key) else {
            return PS_ARG_FAIL;
        };
        let k = key.modulus_len();
        // SAFETY: `inlen` readable bytes at `in`.
        let Some(sig) = (unsafe { input(r#in, inlen) }) else {
            return PS_ARG_FAIL;
        };
        if sig.len() != k || out.is_null() {
            return PS_ARG_FAIL;
        }
        match key.public().recover_pkcs1(sig, outlen as usize) {
            Ok(m) => {
                // SAFETY: `out` has `outlen` writable bytes; `m` is owned.
                unsafe { write_out(out, &m) };
                PS_SUCCESS
            }
            Err(rc) => rc,
        }
    })
}

/// `psRsaCrypt`: the raw operation, `PUBKEY_TYPE` (x^e) or `PRIVKEY_TYPE` (x^d), on `inlen`
/// bytes (at most the modulus size, value below the modulus). `*outlen` is the room at `out`
/// on entry and the modulus size on return (output left-padded with zeros). `PS_SUCCESS`,
/// `PS_ARG_FAIL` (NULL, unknown key, bad type, private operation on a public key),
/// `PS_LIMIT_FAIL` (input too large, output too small), `PS_FAILURE`.
///
/// # Safety
/// `in` NULL or `inlen` readable bytes; `out` NULL or `*outlen` writable bytes (may overlap
/// `in`); `outlen` NULL or readable and writable; `key` NULL or from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psRsaCrypt(
    _pool: *mut psPool_t,
    r#in: *const u8,
    inlen: u32,
    out: *mut u8,
    outlen: *mut u32,
    key: *mut psRsaKey_t,
    r#type: i32,
) -> i32 {
    guard(PS_FAILURE, || {
        let Some(key) = RsaRef::lookup(key) else {
            return PS_ARG_FAIL;
        };
        if out.is_null() || outlen.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: `inlen` readable bytes at `in`.
        let Some(data) = (unsafe { input(r#in, inlen) }) else {
            return PS_ARG_FAIL;
        };
        let k = key.modulus_len();
        // SAFETY: `outlen` is readable.
        if (unsafe { outlen.read() } as usize) < k {
            return PS_LIMIT_FAIL;
        }
        let public = key.public();
        if !public.accepts_input(data) {
            return PS_LIMIT_FAIL;
        }
        let result = match r#type {
            PUBKEY_TYPE => public.public_op(data).map(Zeroizing::new),
            PRIVKEY_TYPE => match key.private() {
                Some(private) => private.private_op(data),
                None => return PS_ARG_FAIL,
            },
            _ => return PS_ARG_FAIL,
        };
        let Ok(y) = result else {
            return PS_FAILURE;
        };
        // SAFETY: `out` has room for `k` bytes; `outlen` is writable; `y` is owned.
        unsafe {
            write_out(out, &y);
            outlen.write(k as u32);
        }
        PS_SUCCESS
    })
}
