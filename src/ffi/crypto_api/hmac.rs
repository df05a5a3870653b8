//! HMAC (the Tier C crypto API, see the parent module).

use super::*;

/// `psHmac*Init`: inner state = H(key ^ ipad), `pad` = key ^ opad. Keys longer than the
/// 64-byte block are hashed first (RFC 2104; 3.3 required callers to do that, which the
/// one-shot functions did). NULL `ctx`, or NULL `key` with a non-zero length, does nothing.
///
/// # Safety
/// `ctx` NULL or a writable `psHmacContext_t`; `key` NULL or `keyLen` readable bytes.
pub(super) unsafe fn hmac_init(alg: Md, ctx: *mut psHmacContext_t, key: *const u8, keyLen: u32) {
    // SAFETY: caller contract.
    let Some(key) = (unsafe { input(key, keyLen) }) else {
        return;
    };
    if ctx.is_null() {
        return;
    }
    let mut block = Zeroizing::new([0u8; 64]);
    if key.len() > 64 {
        let digest = Zeroizing::new(alg.hash_algorithm().digest(key));
        block[..digest.len()].copy_from_slice(&digest);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = alg.start();
    let mut ipad = Zeroizing::new([0u8; 64]);
    for (p, k) in ipad.iter_mut().zip(block.iter()) {
        *p = k ^ 0x36;
    }
    alg.update(&mut inner, &ipad[..]);
    let mut opad = [0u8; 64];
    for (p, k) in opad.iter_mut().zip(block.iter()) {
        *p = k ^ 0x5c;
    }
    // SAFETY: `ctx` is writable (caller contract); `write` does not read the old contents.
    unsafe {
        ctx.write(psHmacContext_t {
            pad: opad,
            u: psHmacDigests { sha1: inner },
        })
    };
    opad.zeroize();
    // `inner` is a plain copy of what went into the context: wipe the local one.
    // SAFETY: every bit pattern is valid for the union members (see `Md::update`).
    unsafe { inner.sha1.wipe() };
}

/// `psHmac*Update`.
///
/// # Safety
/// `ctx` NULL or initialised by the matching Init; `buf` NULL or `len` readable bytes.
pub(super) unsafe fn hmac_update(alg: Md, ctx: *mut psHmacContext_t, buf: *const u8, len: u32) {
    // SAFETY: caller contract.
    let (Some(ctx), Some(data)) = (unsafe { ctx.as_mut() }, unsafe { input(buf, len) }) else {
        return;
    };
    // SAFETY: the union's members are all `psDigestContext_t`.
    alg.update(unsafe { &mut ctx.u.sha1 }, data);
}

/// `psHmac*Final`: H(key ^ opad ‖ inner digest) into `hash`; returns the digest size or
/// `PS_ARG_FAIL`. The context is wiped.
///
/// # Safety
/// `ctx` NULL or initialised; `hash` NULL or writable for the digest size.
pub(super) unsafe fn hmac_final(alg: Md, ctx: *mut psHmacContext_t, hash: *mut u8) -> i32 {
    if hash.is_null() {
        return PS_ARG_FAIL;
    }
    // SAFETY: caller contract.
    let Some(ctx) = (unsafe { ctx.as_mut() }) else {
        return PS_ARG_FAIL;
    };
    let mut inner_hash = Zeroizing::new([0u8; SHA1_HASH_SIZE]);
    // SAFETY: the union's members are all `psDigestContext_t`.
    let md = unsafe { &mut ctx.u.sha1 };
    let Some(n) = alg.finish(md, &mut inner_hash[..]) else {
        return PS_ARG_FAIL;
    };
    *md = alg.start();
    alg.update(md, &ctx.pad);
    alg.update(md, &inner_hash[..n]);
    let mut out = [0u8; SHA1_HASH_SIZE];
    let done = alg.finish(md, &mut out);
    ctx.pad.zeroize();
    let Some(n) = done else {
        return PS_ARG_FAIL;
    };
    // SAFETY: `hash` is writable for the digest size.
    unsafe { write_out(hash, &out[..n]) };
    len_rc(n)
}

/// The one-shot HMACs: keys over 64 bytes are hashed and that hash, the key actually used,
/// goes to `hmacKey` / `*hmacKeyLen` (the caller provides room for a digest); otherwise
/// `*hmacKeyLen = keyLen` and `hmacKey` is not written (ABI.md §4.5).
///
/// # Safety
/// `key` NULL or `keyLen` readable bytes; `buf` NULL or `len` readable bytes; `hash` NULL or
/// writable for the digest; `hmacKey` NULL or writable for the digest; `hmacKeyLen` NULL or
/// writable.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn hmac_oneshot(
    alg: Md,
    key: *const u8,
    keyLen: u32,
    buf: *const u8,
    len: u32,
    hash: *mut u8,
    hmacKey: *mut u8,
    hmacKeyLen: *mut u32,
) -> i32 {
    // SAFETY: caller contract.
    let (Some(key), Some(data)) = (unsafe { input(key, keyLen) }, unsafe { input(buf, len) })
    else {
        return PS_ARG_FAIL;
    };
    if hash.is_null() || hmacKeyLen.is_null() || (key.len() > 64 && hmacKey.is_null()) {
        return PS_ARG_FAIL;
    }
    let size = alg.size();
    let mac = if key.len() > 64 {
        let used = Zeroizing::new(alg.hash_algorithm().digest(key));
        let mac = hmac(alg.hash_algorithm(), &used, &[data]);
        // SAFETY: `hmacKey` has room for a digest, `hmacKeyLen` is writable.
        unsafe {
            write_out(hmacKey, &used);
            hmacKeyLen.write(size as u32);
        }
        mac
    } else {
        let mac = hmac(alg.hash_algorithm(), key, &[data]);
        // SAFETY: `hmacKeyLen` is writable.
        unsafe { hmacKeyLen.write(keyLen) };
        mac
    };
    // SAFETY: `hash` has room for a digest.
    unsafe { write_out(hash, &mac) };
    len_rc(size)
}

/// `psHmacSha1`: one-shot HMAC-SHA1; returns 20 or `PS_ARG_FAIL`.
///
/// # Safety
/// See [`hmac_oneshot`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psHmacSha1(
    key: *mut u8,
    keyLen: u32,
    buf: *const u8,
    len: u32,
    hash: *mut u8,
    hmacKey: *mut u8,
    hmacKeyLen: *mut u32,
) -> i32 {
    guard(PS_FAILURE, || {
        // SAFETY: forwarded caller contract.
        unsafe { hmac_oneshot(Md::Sha1, key, keyLen, buf, len, hash, hmacKey, hmacKeyLen) }
    })
}

/// `psHmacSha1Init`.
///
/// # Safety
/// See [`hmac_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psHmacSha1Init(ctx: *mut psHmacContext_t, key: *mut u8, keyLen: u32) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { hmac_init(Md::Sha1, ctx, key, keyLen) })
}

/// `psHmacSha1Update`.
///
/// # Safety
/// See [`hmac_update`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psHmacSha1Update(ctx: *mut psHmacContext_t, buf: *const u8, len: u32) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { hmac_update(Md::Sha1, ctx, buf, len) })
}

/// `psHmacSha1Final`: returns 20 or `PS_ARG_FAIL`.
///
/// # Safety
/// See [`hmac_final`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psHmacSha1Final(ctx: *mut psHmacContext_t, hash: *mut u8) -> i32 {
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe { hmac_final(Md::Sha1, ctx, hash) })
}

/// `psHmacMd5`: one-shot HMAC-MD5; returns 16 or `PS_ARG_FAIL`.
///
/// # Safety
/// See [`hmac_oneshot`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psHmacMd5(
    key: *mut u8,
    keyLen: u32,
    buf: *const u8,
    len: u32,
    hash: *mut u8,
    hmacKey: *mut u8,
    hmacKeyLen: *mut u32,
) -> i32 {
    guard(PS_FAILURE, || {
        // SAFETY: forwarded caller contract.
        unsafe { hmac_oneshot(Md::Md5, key, keyLen, buf, len, hash, hmacKey, hmacKeyLen) }
    })
}

/// `psHmacMd5Init`.
///
/// # Safety
/// See [`hmac_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psHmacMd5Init(ctx: *mut psHmacContext_t, key: *mut u8, keyLen: u32) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { hmac_init(Md::Md5, ctx, key, keyLen) })
}

/// `psHmacMd5Update`.
///
/// # Safety
/// See [`hmac_update`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psHmacMd5Update(ctx: *mut psHmacContext_t, buf: *const u8, len: u32) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { hmac_update(Md::Md5, ctx, buf, len) })
}

/// `psHmacMd5Final`: returns 16 or `PS_ARG_FAIL`.
///
/// # Safety
/// See [`hmac_final`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psHmacMd5Final(ctx: *mut psHmacContext_t, hash: *mut u8) -> i32 {
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe { hmac_final(Md::Md5, ctx, hash) })
}
