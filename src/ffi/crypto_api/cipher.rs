//! Block ciphers (the Tier C crypto API, see the parent module).

use super::*;

/// AES with any of its three key sizes.
pub(super) enum Aes {
    A128(aes::Aes128),
    A192(aes::Aes192),
    A256(aes::Aes256),
}

impl Aes {
    pub(super) fn new(key: &[u8]) -> Option<Aes> {
        match key.len() {
            16 => aes::Aes128::new_from_slice(key).ok().map(Aes::A128),
            24 => aes::Aes192::new_from_slice(key).ok().map(Aes::A192),
            32 => aes::Aes256::new_from_slice(key).ok().map(Aes::A256),
            _ => None,
        }
    }

    pub(super) fn encrypt(&self, block: &mut [u8; AES_BLOCK]) {
        let b = GenericArray::from_mut_slice(block);
        match self {
            Aes::A128(c) => c.encrypt_block(b),
            Aes::A192(c) => c.encrypt_block(b),
            Aes::A256(c) => c.encrypt_block(b),
        }
    }

    pub(super) fn decrypt(&self, block: &mut [u8; AES_BLOCK]) {
        let b = GenericArray::from_mut_slice(block);
        match self {
            Aes::A128(c) => c.decrypt_block(b),
            Aes::A192(c) => c.decrypt_block(b),
            Aes::A256(c) => c.decrypt_block(b),
        }
    }
}

/// Rounds of AES for a key length (the `Nr` stored in `psAesKey_t`).
pub(super) fn aes_rounds(key_len: usize) -> Option<i32> {
    match key_len {
        16 => Some(10),
        24 => Some(12),
        32 => Some(14),
        _ => None,
    }
}

/// Stores `key` (16, 24 or 32 bytes) into a zeroed `psAesKey_t`.
pub(super) fn store_aes_key(skey: &mut psAesKey_t, key: &[u8], rounds: i32) {
    skey.eK.zeroize();
    skey.dK.zeroize();
    for (w, k) in skey.eK.iter_mut().zip(key.chunks_exact(4)) {
        *w = u32::from_ne_bytes([k[0], k[1], k[2], k[3]]);
    }
    skey.Nr = rounds;
}

/// The cipher for a `psAesKey_t` written by [`store_aes_key`]; `None` for a bad `Nr`.
pub(super) fn load_aes_key(skey: &psAesKey_t) -> Option<Aes> {
    let len = match skey.Nr {
        10 => 16,
        12 => 24,
        14 => 32,
        _ => return None,
    };
    let mut bytes = Zeroizing::new([0u8; 32]);
    for (dst, w) in bytes.chunks_exact_mut(4).zip(skey.eK.iter()) {
        dst.copy_from_slice(&w.to_ne_bytes());
    }
    Aes::new(bytes.get(..len)?)
}

pub(super) fn store_des3_key(skey: &mut psDes3Key_t, key: &[u8]) {
    skey.ek.zeroize();
    skey.dk.zeroize();
    for (w, k) in skey.ek[0].iter_mut().zip(key.chunks_exact(4)) {
        *w = u32::from_ne_bytes([k[0], k[1], k[2], k[3]]);
    }
}

pub(super) fn load_des3_key(skey: &psDes3Key_t) -> Option<des::TdesEde3> {
    let mut bytes = Zeroizing::new([0u8; DES3_KEY_LEN]);
    for (dst, w) in bytes.chunks_exact_mut(4).zip(skey.ek[0].iter()) {
        dst.copy_from_slice(&w.to_ne_bytes());
    }
    des::TdesEde3::new_from_slice(&bytes[..]).ok()
}

pub(super) fn des3_encrypt(c: &des::TdesEde3, block: &mut [u8; DES3_BLOCK]) {
    c.encrypt_block(GenericArray::from_mut_slice(block));
}

pub(super) fn des3_decrypt(c: &des::TdesEde3, block: &mut [u8; DES3_BLOCK]) {
    c.decrypt_block(GenericArray::from_mut_slice(block));
}

/// CBC over C buffers, one block at a time through local copies, so `input` and `output`
/// may be the same buffer (the usual in-place use). `iv` is updated for the next call.
///
/// # Safety
/// `input` must be readable and `output` writable for `len` bytes; `len` is a multiple of
/// `B`.
pub(super) unsafe fn cbc<const B: usize>(
    iv: &mut [u8; B],
    input: *const u8,
    output: *mut u8,
    len: usize,
    encrypt: bool,
    cipher: impl Fn(&mut [u8; B]),
) {
    let mut block = [0u8; B];
    for off in (0..len).step_by(B) {
        // SAFETY: `off + B <= len`; `input` is readable for `len` bytes (caller contract).
        block = unsafe { ptr::read_unaligned(input.add(off).cast::<[u8; B]>()) };
        if encrypt {
            for (b, v) in block.iter_mut().zip(iv.iter()) {
                *b ^= v;
            }
            cipher(&mut block);
            *iv = block;
        } else {
            let saved = block;
            cipher(&mut block);
            for (b, v) in block.iter_mut().zip(iv.iter()) {
                *b ^= v;
            }
            *iv = saved;
        }
        // SAFETY: `off + B <= len`; `output` is writable for `len` bytes.
        unsafe { ptr::write_unaligned(output.add(off).cast::<[u8; B]>(), block) };
    }
    block.zeroize();
}

/// Shared checks of the CBC entry points: the block count and the `int32` result.
pub(super) fn cbc_len(len: u32, block: usize) -> Result<usize, i32> {
    let n = len as usize;
    if !n.is_multiple_of(block) {
        return Err(PS_ARG_FAIL);
    }
    if i32::try_from(n).is_err() {
        return Err(PS_LIMIT_FAIL);
    }
    Ok(n)
}

/// `psAesInit`: AES-CBC context with `IV` (16 bytes) and a 16/24/32-byte key.
/// `PS_SUCCESS`, `PS_ARG_FAIL` (NULL), `CRYPT_INVALID_KEYSIZE`.
///
/// # Safety
/// `ctx` NULL or writable `psCipherContext_t`; `IV` NULL or 16 readable bytes; `key` NULL or
/// `keylen` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psAesInit(
    ctx: *mut psCipherContext_t,
    IV: *mut u8,
    key: *mut u8,
    keylen: u32,
) -> i32 {
    guard(PS_FAILURE, || {
        if ctx.is_null() || IV.is_null() || key.is_null() {
            return PS_ARG_FAIL;
        }
        let Some(rounds) = aes_rounds(keylen as usize) else {
            return CRYPT_INVALID_KEYSIZE;
        };
        let len = keylen as usize;
        // SAFETY: `key` points to `keylen` bytes and `IV` to 16 (caller contract).
        let (key, iv) = unsafe {
            (
                copy_key(key, len),
                ptr::read_unaligned(IV.cast::<[u8; AES_BLOCK]>()),
            )
        };
        // SAFETY: `ctx` is writable for a whole `psCipherContext_t`: zero it (it may be
        // uninitialised), after which every field is a valid integer and may be borrowed.
        let aes = unsafe {
            ptr::write_bytes(ctx, 0, 1);
            &mut *ctx.cast::<aes_CBC>()
        };
        aes.blocklen = AES_BLOCK as i32;
        aes.IV = iv;
        store_aes_key(&mut aes.key, &key[..len], rounds);
        PS_SUCCESS
    })
}

/// The AES member of an initialised context, with its cipher.
///
/// # Safety
/// `ctx` non-NULL, initialised by `psAesInit`, not otherwise borrowed for `'a`.
pub(super) unsafe fn aes_ctx<'a>(
    ctx: *mut psCipherContext_t,
) -> Result<(&'a mut aes_CBC, Aes), i32> {
    // SAFETY: caller contract; all members are plain integers.
    let c = unsafe { &mut *ctx.cast::<aes_CBC>() };
    if c.blocklen != AES_BLOCK as i32 {
        return Err(PS_LIMIT_FAIL);
    }
    let cipher = load_aes_key(&c.key).ok_or(PS_LIMIT_FAIL)?;
    Ok((c, cipher))
}

/// `psAesEncrypt`: CBC-encrypts `len` bytes (a multiple of 16; `pt` and `ct` may be the
/// same buffer), continuing from the context's IV. Returns `len`, `PS_ARG_FAIL` (NULL or
/// partial block) or `PS_LIMIT_FAIL` (context not initialised for AES, `len` > `INT32_MAX`).
///
/// # Safety
/// `ctx` NULL or initialised by `psAesInit`; `pt`/`ct` NULL or `len` readable/writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psAesEncrypt(
    ctx: *mut psCipherContext_t,
    pt: *mut u8,
    ct: *mut u8,
    len: u32,
) -> i32 {
    guard(PS_FAILURE, || {
        if ctx.is_null() || pt.is_null() || ct.is_null() {
            return PS_ARG_FAIL;
        }
        let n = match cbc_len(len, AES_BLOCK) {
            Ok(n) => n,
            Err(rc) => return rc,
        };
        // SAFETY: `ctx` is an initialised context (caller contract).
        let (c, cipher) = match unsafe { aes_ctx(ctx) } {
            Ok(v) => v,
            Err(rc) => return rc,
        };
        // SAFETY: `pt` readable and `ct` writable for `n` bytes (caller contract).
        unsafe { cbc(&mut c.IV, pt, ct, n, true, |b| cipher.encrypt(b)) };
        len_rc(n)
    })
}

/// `psAesDecrypt`: CBC-decrypts `len` bytes; as [`psAesEncrypt`].
///
/// # Safety
/// As for [`psAesEncrypt`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psAesDecrypt(
    ctx: *mut psCipherContext_t,
    ct: *mut u8,
    pt: *mut u8,
    len: u32,
) -> i32 {
    guard(PS_FAILURE, || {
        if ctx.is_null() || pt.is_null() || ct.is_null() {
            return PS_ARG_FAIL;
        }
        let n = match cbc_len(len, AES_BLOCK) {
            Ok(n) => n,
            Err(rc) => return rc,
        };
        // SAFETY: `ctx` is an initialised context (caller contract).
        let (c, cipher) = match unsafe { aes_ctx(ctx) } {
            Ok(v) => v,
            Err(rc) => return rc,
        };
        // SAFETY: `ct` readable and `pt` writable for `n` bytes (caller contract).
        unsafe { cbc(&mut c.IV, ct, pt, n, false, |b| cipher.decrypt(b)) };
        len_rc(n)
    })
}

/// `psAesInitKey`: a single-block AES key. `PS_SUCCESS`, `PS_ARG_FAIL`,
/// `CRYPT_INVALID_KEYSIZE`.
///
/// # Safety
/// `key` NULL or `keylen` readable bytes; `skey` NULL or a writable `psAesKey_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psAesInitKey(key: *const u8, keylen: u32, skey: *mut psAesKey_t) -> i32 {
    guard(PS_FAILURE, || {
        if key.is_null() || skey.is_null() {
            return PS_ARG_FAIL;
        }
        let Some(rounds) = aes_rounds(keylen as usize) else {
            return CRYPT_INVALID_KEYSIZE;
        };
        let len = keylen as usize;
        // SAFETY: `key` points to `keylen` bytes; `skey` is writable: zeroed first (it may be
        // uninitialised), then borrowed.
        unsafe {
            let key = copy_key(key, len);
            ptr::write_bytes(skey, 0, 1);
            store_aes_key(&mut *skey, &key[..len], rounds);
        }
        PS_SUCCESS
    })
}

/// One block through a key from `psAesInitKey`; NULL arguments or an uninitialised key do
/// nothing.
///
/// # Safety
/// `input` NULL or 16 readable bytes, `output` NULL or 16 writable bytes (may be the same);
/// `skey` NULL or initialised by `psAesInitKey`.
pub(super) unsafe fn aes_block(
    input: *const u8,
    output: *mut u8,
    skey: *const psAesKey_t,
    encrypt: bool,
) {
    if input.is_null() || output.is_null() || skey.is_null() {
        return;
    }
    // SAFETY: `skey` is an initialised key (caller contract).
    let Some(cipher) = load_aes_key(unsafe { &*skey }) else {
        return;
    };
    // SAFETY: 16 readable bytes at `input`.
    let mut block = unsafe { ptr::read_unaligned(input.cast::<[u8; AES_BLOCK]>()) };
    if encrypt {
        cipher.encrypt(&mut block);
    } else {
        cipher.decrypt(&mut block);
    }
    // SAFETY: 16 writable bytes at `output`.
    unsafe { ptr::write_unaligned(output.cast::<[u8; AES_BLOCK]>(), block) };
    block.zeroize();
}

/// `psAesEncryptBlock`: encrypts one 16-byte block (`pt` and `ct` may be the same).
///
/// # Safety
/// See [`aes_block`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psAesEncryptBlock(pt: *const u8, ct: *mut u8, skey: *mut psAesKey_t) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { aes_block(pt, ct, skey, true) })
}

/// `psAesDecryptBlock`: decrypts one 16-byte block.
///
/// # Safety
/// See [`aes_block`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psAesDecryptBlock(ct: *const u8, pt: *mut u8, skey: *mut psAesKey_t) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { aes_block(ct, pt, skey, false) })
}

/// `psDes3Init`: 3DES-CBC (EDE, three keys) context with an 8-byte `IV` and a 24-byte key.
/// `PS_SUCCESS`, `PS_ARG_FAIL`, `CRYPT_INVALID_KEYSIZE`.
///
/// # Safety
/// `ctx` NULL or writable; `IV` NULL or 8 readable bytes; `key` NULL or `keylen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psDes3Init(
    ctx: *mut psCipherContext_t,
    IV: *mut u8,
    key: *mut u8,
    keylen: u32,
) -> i32 {
    guard(PS_FAILURE, || {
        if ctx.is_null() || IV.is_null() || key.is_null() {
            return PS_ARG_FAIL;
        }
        if keylen as usize != DES3_KEY_LEN {
            return CRYPT_INVALID_KEYSIZE;
        }
        // SAFETY: 24 readable bytes at `key`, 8 at `IV`; `ctx` writable: zeroed, then
        // borrowed.
        unsafe {
            let key = copy_key(key, DES3_KEY_LEN);
            let iv = ptr::read_unaligned(IV.cast::<[u8; DES3_BLOCK]>());
            ptr::write_bytes(ctx, 0, 1);
            let des = &mut *ctx.cast::<des3_CBC>();
            des.blocklen = DES3_BLOCK as i32;
            des.IV = iv;
            store_des3_key(&mut des.key, &key[..DES3_KEY_LEN]);
        }
        PS_SUCCESS
    })
}

/// The 3DES member of an initialised context, with its cipher.
///
/// # Safety
/// `ctx` non-NULL, initialised by `psDes3Init`, not otherwise borrowed for `'a`.
pub(super) unsafe fn des3_ctx<'a>(
    ctx: *mut psCipherContext_t,
) -> Result<(&'a mut des3_CBC, des::TdesEde3), i32> {
    // SAFETY: caller contract; all members are plain integers.
    let c = unsafe { &mut *ctx.cast::<des3_CBC>() };
    if c.blocklen != DES3_BLOCK as i32 {
        return Err(PS_LIMIT_FAIL);
    }
    let cipher = load_des3_key(&c.key).ok_or(PS_LIMIT_FAIL)?;
    Ok((c, cipher))
}

/// `psDes3Encrypt`: as [`psAesEncrypt`] with 8-byte blocks.
///
/// # Safety
/// As for [`psAesEncrypt`], with a context from `psDes3Init`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psDes3Encrypt(
    ctx: *mut psCipherContext_t,
    pt: *mut u8,
    ct: *mut u8,
    len: u32,
) -> i32 {
    guard(PS_FAILURE, || {
        if ctx.is_null() || pt.is_null() || ct.is_null() {
            return PS_ARG_FAIL;
        }
        let n = match cbc_len(len, DES3_BLOCK) {
            Ok(n) => n,
            Err(rc) => return rc,
        };
        // SAFETY: `ctx` is an initialised context (caller contract).
        let (c, cipher) = match unsafe { des3_ctx(ctx) } {
            Ok(v) => v,
            Err(rc) => return rc,
        };
        // SAFETY: `pt` readable and `ct` writable for `n` bytes.
        unsafe { cbc(&mut c.IV, pt, ct, n, true, |b| des3_encrypt(&cipher, b)) };
        len_rc(n)
    })
}

/// `psDes3Decrypt`: as [`psAesDecrypt`] with 8-byte blocks.
///
/// # Safety
/// As for [`psDes3Encrypt`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psDes3Decrypt(
    ctx: *mut psCipherContext_t,
    ct: *mut u8,
    pt: *mut u8,
    len: u32,
) -> i32 {
    guard(PS_FAILURE, || {
        if ctx.is_null() || pt.is_null() || ct.is_null() {
            return PS_ARG_FAIL;
        }
        let n = match cbc_len(len, DES3_BLOCK) {
            Ok(n) => n,
            Err(rc) => return rc,
        };
        // SAFETY: `ctx` is an initialised context (caller contract).
        let (c, cipher) = match unsafe { des3_ctx(ctx) } {
            Ok(v) => v,
            Err(rc) => return rc,
        };
        // SAFETY: `ct` readable and `pt` writable for `n` bytes.
        unsafe { cbc(&mut c.IV, ct, pt, n, false, |b| des3_decrypt(&cipher, b)) };
        len_rc(n)
    })
}

/// `psDes3InitKey`: a single-block 3DES key (24 bytes). `PS_SUCCESS`, `PS_ARG_FAIL`,
/// `CRYPT_INVALID_KEYSIZE`.
///
/// # Safety
/// `key` NULL or `keylen` readable bytes; `skey` NULL or a writable `psDes3Key_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psDes3InitKey(key: *const u8, keylen: u32, skey: *mut psDes3Key_t) -> i32 {
    guard(PS_FAILURE, || {
        if key.is_null() || skey.is_null() {
            return PS_ARG_FAIL;
        }
        if keylen as usize != DES3_KEY_LEN {
            return CRYPT_INVALID_KEYSIZE;
        }
        // SAFETY: 24 readable bytes at `key`; `skey` writable: zeroed, then borrowed.
        unsafe {
            let key = copy_key(key, DES3_KEY_LEN);
            ptr::write_bytes(skey, 0, 1);
            store_des3_key(&mut *skey, &key[..DES3_KEY_LEN]);
        }
        PS_SUCCESS
    })
}

/// One 8-byte block through a key from `psDes3InitKey`; NULL arguments do nothing.
///
/// # Safety
/// `input` NULL or 8 readable bytes, `output` NULL or 8 writable bytes; `skey` NULL or
/// initialised by `psDes3InitKey`.
pub(super) unsafe fn des3_block(
    input: *const u8,
    output: *mut u8,
    skey: *const psDes3Key_t,
    encrypt: bool,
) {
    if input.is_null() || output.is_null() || skey.is_null() {
        return;
    }
    // SAFETY: `skey` is an initialised key (caller contract).
    let Some(cipher) = load_des3_key(unsafe { &*skey }) else {
        return;
    };
    // SAFETY: 8 readable bytes at `input`.
    let mut block = unsafe { ptr::read_unaligned(input.cast::<[u8; DES3_BLOCK]>()) };
    if encrypt {
        des3_encrypt(&cipher, &mut block);
    } else {
        des3_decrypt(&cipher, &mut block);
    }
    // SAFETY: 8 writable bytes at `output`.
    unsafe { ptr::write_unaligned(output.cast::<[u8; DES3_BLOCK]>(), block) };
    block.zeroize();
}

/// `psDes3EncryptBlock`.
///
/// # Safety
/// See [`des3_block`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psDes3EncryptBlock(pt: *const u8, ct: *mut u8, skey: *mut psDes3Key_t) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { des3_block(pt, ct, skey, true) })
}

/// `psDes3DecryptBlock`.
///
/// # Safety
/// See [`des3_block`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psDes3DecryptBlock(ct: *const u8, pt: *mut u8, skey: *mut psDes3Key_t) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { des3_block(ct, pt, skey, false) })
}
