//! RSA (the Tier C crypto API, see the parent module).

use super::*;

/// PKCS#1 v1.5 type 2 unpadding in the shape 3.3 requires: `00 02 PS 00 M` with `M` exactly
/// `want` bytes and PS at least 8 non-zero bytes. Checked without data-dependent branches or
/// early exits; every failure is the same `None`.
pub(super) fn unpad_type2(em: &[u8], want: usize) -> Option<&[u8]> {
    let k = em.len();
    let sep = k.checked_sub(want + 1)?;
    if sep < 10 {
        return None;
    }
    let mut bad = u32::from(em[0]) | (u32::from(em[1]) ^ 2) | u32::from(em[sep]);
    for &b in &em[2..sep] {
        // 1 when b == 0.
        bad |= (u32::from(b).wrapping_sub(1) >> 8) & 1;
    }
    (bad == 0).then(|| &em[sep + 1..])
}

/// PKCS#1 v1.5 type 1 unpadding (signature recovery, public data): `00 01 FF.. 00 M`, at
/// least 8 `FF`; `M` must be exactly `want` bytes (`PS_LIMIT_FAIL` otherwise, as 3.3).
pub(super) fn unpad_type1(em: &[u8], want: usize) -> Result<&[u8], i32> {
    let [0, 1, rest @ ..] = em else {
        return Err(PS_FAILURE);
    };
    let ff = rest.iter().take_while(|&&b| b == 0xff).count();
    match rest.get(ff) {
        Some(0) if ff >= 8 => {}
        _ => return Err(PS_FAILURE),
    }
    let m = &rest[ff + 1..];
    if m.len() != want {
        return Err(PS_LIMIT_FAIL);
    }
    Ok(m)
}

/// `in` as a `k`-byte big-endian number, or `None` if it is longer than `k` bytes or not
/// below the modulus `n`.
pub(super) fn rsa_input(input: &[u8], n: &[u8], k: usize) -> Option<Zeroizing<Vec<u8>>> {
    let pad = k.checked_sub(input.len())?;
    let mut x = Zeroizing::new(vec![0u8; k]);
    x[pad..].copy_from_slice(input);
    let n_pad = k.checked_sub(n.len())?;
    let mut n_full = vec![0u8; k];
    n_full[n_pad..].copy_from_slice(n);
    // Equal-length big-endian byte strings compare like the numbers.
    (x.as_slice() < n_full.as_slice()).then_some(x)
}

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
        let Ok(em) = private.private_op(ct) else {
            return PS_FAILURE;
        };
        let Some(pt) = unpad_type2(&em, want) else {
            return PS_FAILURE;
        };
        // SAFETY: `out` has `outlen` writable bytes; `pt` is owned (inside `em`).
        unsafe { write_out(out, pt) };
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
        let Ok(em) = key.public().public_op(sig) else {
            return PS_FAILURE;
        };
        match unpad_type1(&em, outlen as usize) {
            Ok(m) => {
                // SAFETY: `out` has `outlen` writable bytes; `m` is owned (inside `em`).
                unsafe { write_out(out, m) };
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
        let Some(x) = rsa_input(data, &public.modulus_be(), k) else {
            return PS_LIMIT_FAIL;
        };
        let result = match r#type {
            PUBKEY_TYPE => public.public_op(&x).map(Zeroizing::new),
            PRIVKEY_TYPE => match key.private() {
                Some(private) => private.private_op(&x),
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
