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
}

/// One block through AES or 3DES, so that one body serves the exports of both ciphers.
trait CbcBlock<const B: usize> {
    fn apply(&self, block: &mut [u8; B], encrypt: bool);
}

impl CbcBlock<AES_BLOCK> for Aes {
    fn apply(&self, block: &mut [u8; AES_BLOCK], encrypt: bool) {
        let b = GenericArray::from_mut_slice(block);
        match (self, encrypt) {
            (Aes::A128(c), true) => c.encrypt_block(b),
            (Aes::A128(c), false) => c.decrypt_block(b),
            (Aes::A192(c), true) => c.encrypt_block(b),
            (Aes::A192(c), false) => c.decrypt_block(b),
            (Aes::A256(c), true) => c.encrypt_block(b),
            (Aes::A256(c), false) => c.decrypt_block(b),
        }
    }
}

impl CbcBlock<DES3_BLOCK> for des::TdesEde3 {
    fn apply(&self, block: &mut [u8; DES3_BLOCK], encrypt: bool) {
        let b = GenericArray::from_mut_slice(block);
        if encrypt {
            self.encrypt_block(b);
        } else {
            self.decrypt_block(b);
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

/// CBC over C buffers, one block at a time through local copies, so `input` and `output`
/// may be the same buffer (the usual in-place use). `iv` is updated for the next call.
///
/// # Safety
/// `input` must be readable and `output` writable for `len` bytes; `len` is a multiple of
/// `B`.
unsafe fn cbc<const B: usize>(
    iv: &mut [u8; B],
    input: *const u8,
    output: *mut u8,
    len: usize,
    encrypt: bool,
    cipher: &impl CbcBlock<B>,
) {
    let mut block = [0u8; B];
    for off in (0..len).step_by(B) {
        // SAFETY: `off + B <= len`; `input` is readable for `len` bytes (caller contract).
        block = unsafe { ptr::read_unaligned(input.add(off).cast::<[u8; B]>()) };
        if encrypt {
            for (b, v) in block.iter_mut().zip(iv.iter()) {
                *b ^= v;
            }
            cipher.apply(&mut block, true);
            *iv = block;
        } else {
            let saved = block;
            cipher.apply(&mut block, false);
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

/// Gives the IV and the cipher of an initialised CBC context.
type OpenContext<const B: usize, C> = fn(&mut psCipherContext_t) -> Result<(&mut [u8; B], C), i32>;

/// The body of the CBC exports: `len` bytes (whole blocks; `input` and `output` may be the
/// same buffer) from `input` to `output`, continuing from the IV of the context, whose IV and
/// cipher `open` gives. Returns `len`, `PS_ARG_FAIL` (NULL or partial block) or
/// `PS_LIMIT_FAIL` (a context not initialised for this cipher, `len` > `INT32_MAX`).
///
/// # Safety
/// `ctx` NULL or initialised by an Init function; `input`/`output` NULL or `len`
/// readable/writable bytes.
unsafe fn cbc_export<const B: usize, C: CbcBlock<B>>(
    ctx: *mut psCipherContext_t,
    input: *const u8,
    output: *mut u8,
    len: u32,
    encrypt: bool,
    open: OpenContext<B, C>,
) -> i32 {
    if ctx.is_null() || input.is_null() || output.is_null() {
        return PS_ARG_FAIL;
    }
    let n = len as usize;
    if !n.is_multiple_of(B) {
        return PS_ARG_FAIL;
    }
    if i32::try_from(n).is_err() {
        return PS_LIMIT_FAIL;
    }
    // SAFETY: `ctx` is a non-NULL initialised context (caller contract), not otherwise
    // borrowed during the call.
    let (iv, cipher) = match open(unsafe { &mut *ctx }) {
        Ok(v) => v,
        Err(rc) => return rc,
    };
    // SAFETY: `input` readable and `output` writable for `n` bytes (caller contract).
    unsafe { cbc(iv, input, output, n, encrypt, &cipher) };
    len_rc(n)
}

/// One block through a key from `psAesInitKey` or `psDes3InitKey`, whose cipher `load`
/// gives; NULL arguments or an uninitialised key do nothing.
///
/// # Safety
/// `input` NULL or `B` readable bytes, `output` NULL or `B` writable bytes (may be the same);
/// `skey` NULL or initialised by the matching InitKey.
unsafe fn block_export<const B: usize, K, C: CbcBlock<B>>(
    input: *const u8,
    output: *mut u8,
    skey: *const K,
    encrypt: bool,
    load: fn(&K) -> Option<C>,
) {
    if input.is_null() || output.is_null() || skey.is_null() {
        return;
    }
    // SAFETY: `skey` is an initialised key (caller contract).
    let Some(cipher) = load(unsafe { &*skey }) else {
        return;
    };
    // SAFETY: `B` readable bytes at `input`.
    let mut block = unsafe { ptr::read_unaligned(input.cast::<[u8; B]>()) };
    cipher.apply(&mut block, encrypt);
    // SAFETY: `B` writable bytes at `output`.
    unsafe { ptr::write_unaligned(output.cast::<[u8; B]>(), block) };
    block.zeroize();
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

/// The IV and cipher of a context initialised by `psAesInit`; `PS_LIMIT_FAIL` for any other.
fn aes_ctx(ctx: &mut psCipherContext_t) -> Result<(&mut [u8; AES_BLOCK], Aes), i32> {
    // SAFETY: the members of the union are plain integers: any bit pattern is valid.
    let c = unsafe { &mut ctx.aes };
    if c.blocklen != AES_BLOCK as i32 {
        return Err(PS_LIMIT_FAIL);
    }
    let cipher = load_aes_key(&c.key).ok_or(PS_LIMIT_FAIL)?;
    Ok((&mut c.IV, cipher))
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
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe {
        cbc_export(ctx, pt, ct, len, true, aes_ctx)
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
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe {
        cbc_export(ctx, ct, pt, len, false, aes_ctx)
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

/// `psAesEncryptBlock`: encrypts one 16-byte block (`pt` and `ct` may be the same).
///
/// # Safety
/// See [`block_export`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psAesEncryptBlock(pt: *const u8, ct: *mut u8, skey: *mut psAesKey_t) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe {
        block_export(pt, ct, skey, true, load_aes_key)
    })
}

/// `psAesDecryptBlock`: decrypts one 16-byte block.
///
/// # Safety
/// See [`block_export`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psAesDecryptBlock(ct: *const u8, pt: *mut u8, skey: *mut psAesKey_t) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe {
        block_export(ct, pt, skey, false, load_aes_key)
    })
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

/// The IV and cipher of a context initialised by `psDes3Init`; `PS_LIMIT_FAIL` for any other.
fn des3_ctx(ctx: &mut psCipherContext_t) -> Result<(&mut [u8; DES3_BLOCK], des::TdesEde3), i32> {
    // SAFETY: the members of the union are plain integers: any bit pattern is valid.
    let c = unsafe { &mut ctx.des3 };
    if c.blocklen != DES3_BLOCK as i32 {
        return Err(PS_LIMIT_FAIL);
    }
    let cipher = load_des3_key(&c.key).ok_or(PS_LIMIT_FAIL)?;
    Ok((&mut c.IV, cipher))
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
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe {
        cbc_export(ctx, pt, ct, len, true, des3_ctx)
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
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe {
        cbc_export(ctx, ct, pt, len, false, des3_ctx)
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

/// `psDes3EncryptBlock`.
///
/// # Safety
/// See [`block_export`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psDes3EncryptBlock(pt: *const u8, ct: *mut u8, skey: *mut psDes3Key_t) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe {
        block_export(pt, ct, skey, true, load_des3_key)
    })
}

/// `psDes3DecryptBlock`.
///
/// # Safety
/// See [`block_export`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psDes3DecryptBlock(ct: *const u8, pt: *mut u8, skey: *mut psDes3Key_t) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe {
        block_export(ct, pt, skey, false, load_des3_key)
    })
}
