//! The Tier C crypto API of `crypto/cryptoApi.h` and `crypto/cryptolib.h` (ABI.md §4.5).
//!
//! Applications allocate the context types on their own stacks, so every context lives in
//! caller memory with exactly the 3.3 size and alignment (ABI.md §6.14); `#[repr(C)]`
//! mirrors below carry compile-time size/offset checks. What this library keeps in them:
//!
//! * `psCipherContext_t` (AES-CBC, 3DES-CBC) and `psAesKey_t` / `psDes3Key_t`: the IV and the
//!   **raw key**, not an expanded schedule. The `aes`/`des` crates' cipher objects are not
//!   plain data (the AES one holds AES-NI registers or bitsliced keys chosen at run time and
//!   needs 16-byte alignment, the contexts only have 4), so each call re-expands the key
//!   (tens of nanoseconds with AES-NI). AES: key bytes in `eK`, rounds in `Nr` (10/12/14,
//!   which also gives the key length back). 3DES: the 24 key bytes in `ek[0]`. `blocklen` is
//!   16 or 8, so a context initialised for one cipher is refused by the other
//!   (`PS_LIMIT_FAIL`). A side benefit: contexts may be copied with `memcpy`.
//! * `psDigestContext_t` (SHA-1, MD5): the running state exactly as `struct sha1_state` /
//!   `struct md5_state` lay it out (length in bits, chaining words, `curlen` buffered bytes,
//!   64-byte buffer). SHA-1 blocks go through the `sha1` crate's `compress`; the `md-5`
//!   crate has no public block function, so MD5's (RFC 1321) is in `crypto::mdhash`.
//! * `psHmacContext_t`: the inner hash state in the union and `key ^ opad` in `pad`, as 3.3.
//! * `psRandom_t` / `psYarrow_t`: nothing. Every byte comes from the operating system's
//!   generator (ABI.md §7.11), which needs no per-caller state; the Yarrow functions are
//!   stateless wrappers (entropy added by the caller is accepted and ignored: the OS
//!   generator is already seeded), and the contexts are only zeroed.
//!
//! Private keys (`pkcs1ParsePrivBin`, `pkcs8ParsePrivBin`, `pkcs1ParsePrivFile`) and
//! `psNewPubKey` blanks live in a side registry, [`PUB_KEYS`]: the library allocates the
//! `psPubKey_t` and its `pubKeyUnion_t` (whose `psRsaKey_t` carries only `size` and
//! `optimized`, ABI.md §6.9) and keeps the Rust key under the address of that
//! `psRsaKey_t`, which is what the `psRsa*` functions receive (`&key->key->rsa`).
//! `psFreePubKey` removes the entry; an address not in the registry is ignored. The
//! `psRsa*` functions also accept the `psRsaKey_t` of any certificate the library shows
//! (`&cert->publicKey.key->rsa`, public operations only), found through
//! [`indexed_rsa_key_owner`].
//!
//! Argument rules: NULL pointers (where a length says data is expected) give `PS_ARG_FAIL`;
//! functions returning `void` do nothing instead. Every body runs inside [`guard`].

#![allow(non_camel_case_types, non_snake_case)]

use core::ffi::c_char;
use core::ptr;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::num::NonZeroU32;
use std::os::unix::ffi::OsStrExt;
use std::sync::{Arc, Mutex, PoisonError};

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use md5::{Digest, Md5};
use zeroize::{Zeroize, Zeroizing};

use crate::crypto::hash::{HashAlgorithm, hmac};
use crate::crypto::mdhash::md5_compress;
use crate::crypto::rng;
use crate::crypto::rsa::{RsaPrivateKey, RsaPublicKey};
use crate::error::{
    PS_ARG_FAIL, PS_CERT_AUTH_FAIL_BC, PS_CERT_AUTH_FAIL_DN, PS_CERT_AUTH_FAIL_SIG,
    PS_CERT_AUTH_PASS, PS_FAILURE, PS_LIMIT_FAIL, PS_MEM_FAIL, PS_PARSE_FAIL, PS_PLATFORM_FAIL,
    PS_SUCCESS, PS_UNSUPPORTED_FAIL,
};
use crate::ffi::x509::{
    Owned, PS_RSA, indexed_certificate, indexed_rsa_key_owner, psPool_t, psPubKey_t, psRsaKey_t,
    psX509Cert_t, pstm_int, pubKeyUnion_t, register_parsed_chain,
};
use crate::ffi::{cstr_or_none, guard, slice_or_none};
use crate::pki::pem::{PemBlock, parse_pem};
use crate::pki::verify::signature_ok;
use crate::pki::{Certificate, PrivateKey, PublicKey};

/// `CRYPT_INVALID_KEYSIZE` (crypto/cryptolib.h): a key length the cipher does not have.
pub const CRYPT_INVALID_KEYSIZE: i32 = -21;
/// `psRsaCrypt` types (crypto/pubkey/pubkey.h): public or private operation.
pub const PUBKEY_TYPE: i32 = 1;
pub const PRIVKEY_TYPE: i32 = 2;

const AES_BLOCK: usize = 16;
const DES3_BLOCK: usize = 8;
const DES3_KEY_LEN: usize = 24;
const SHA1_HASH_SIZE: usize = 20;
const MD5_HASH_SIZE: usize = 16;
/// Size of a `psYarrowExport` state (as 3.3: 64 bytes of generator output).
const YARROW_EXPORT_LEN: u32 = 64;
/// Longest subject chain `psX509AuthenticateCert` walks (a cycle of `next` pointers would
/// otherwise never end).
const MAX_CHAIN: usize = 64;

// ---------------------------------------------------------------------------------------
// Context layouts (ABI.md §6.14)

/// `psAesKey_t`: 3.3's expanded schedules; here `eK` holds the raw key, `Nr` the rounds.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct psAesKey_t {
    pub eK: [u32; 64],
    pub dK: [u32; 64],
    pub Nr: i32,
}

/// `aes_CBC`: the AES member of `psCipherContext_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aes_CBC {
    pub blocklen: i32,
    pub IV: [u8; 16],
    pub key: psAesKey_t,
    pub explicitIV: i32,
}

/// `psDes3Key_t`: 3.3's three DES schedules; here `ek[0]` holds the 24-byte key.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct psDes3Key_t {
    pub ek: [[u32; 32]; 3],
    pub dk: [[u32; 32]; 3],
}

/// `des3_CBC`: the 3DES member of `psCipherContext_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct des3_CBC {
    pub blocklen: i32,
    pub IV: [u8; 8],
    pub key: psDes3Key_t,
    pub explicitIV: i32,
}

/// `psCipherContext_t` (default configuration: 3DES and AES members only).
#[repr(C)]
pub union psCipherContext_t {
    pub des3: des3_CBC,
    pub aes: aes_CBC,
}

/// `struct sha1_state` (N = 5) and `struct md5_state` (N = 4): length in bits, chaining
/// words, number of buffered bytes, buffer.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HashState<const N: usize> {
    pub length: u64,
    pub state: [u32; N],
    pub curlen: u32,
    pub buf: [u8; 64],
}

pub type sha1_state = HashState<5>;
pub type md5_state = HashState<4>;

/// `psDigestContext_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union psDigestContext_t {
    pub sha1: sha1_state,
    pub md5: md5_state,
}

/// The anonymous union of `psHmacContext_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union psHmacDigests {
    pub md5: psDigestContext_t,
    pub sha1: psDigestContext_t,
    pub sha256: psDigestContext_t,
}

/// `psHmacContext_t`: `pad` holds `key ^ opad` between Init and Final.
#[repr(C)]
pub struct psHmacContext_t {
    pub pad: [u8; 64],
    pub u: psHmacDigests,
}

/// `psYarrow_t` (unused by this library beyond zeroing; see the module comment).
#[repr(C)]
pub struct psYarrow_t {
    pub pool: [u8; 20],
    pub mode: i32,
    pub ctrlen: i32,
    pub padlen: i32,
    pub blocklen: i32,
    pub ctr: [u8; 16],
    pub pad: [u8; 16],
    pub key: psAesKey_t,
}

/// `psRandom_t`.
#[repr(C)]
pub struct psRandom_t {
    pub yarrow: psYarrow_t,
    pub bytecount: u32,
    pub callcount: u32,
}

// The 3.3 layouts measured on x86-64 (ABI.md §6.14).
mod layout_checks {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    const _: () = assert!(size_of::<psAesKey_t>() == 516 && align_of::<psAesKey_t>() == 4);
    const _: () = assert!(offset_of!(psAesKey_t, dK) == 256 && offset_of!(psAesKey_t, Nr) == 512);
    const _: () = assert!(size_of::<aes_CBC>() == 540 && align_of::<aes_CBC>() == 4);
    const _: () = assert!(offset_of!(aes_CBC, IV) == 4 && offset_of!(aes_CBC, key) == 20);
    const _: () = assert!(offset_of!(aes_CBC, explicitIV) == 536);
    const _: () = assert!(size_of::<psDes3Key_t>() == 768 && align_of::<psDes3Key_t>() == 4);
    const _: () = assert!(size_of::<des3_CBC>() == 784 && align_of::<des3_CBC>() == 4);
    const _: () = assert!(offset_of!(des3_CBC, IV) == 4 && offset_of!(des3_CBC, key) == 12);
    const _: () = assert!(offset_of!(des3_CBC, explicitIV) == 780);
    const _: () = assert!(size_of::<psCipherContext_t>() == 784);
    const _: () = assert!(align_of::<psCipherContext_t>() == 4);

    const _: () = assert!(size_of::<sha1_state>() == 96 && align_of::<sha1_state>() == 8);
    const _: () = assert!(offset_of!(sha1_state, state) == 8);
    const _: () = assert!(offset_of!(sha1_state, curlen) == 28);
    const _: () = assert!(offset_of!(sha1_state, buf) == 32);
    const _: () = assert!(size_of::<md5_state>() == 96 && align_of::<md5_state>() == 8);
    const _: () = assert!(offset_of!(md5_state, curlen) == 24);
    const _: () = assert!(offset_of!(md5_state, buf) == 28);
    const _: () = assert!(size_of::<psDigestContext_t>() == 96);
    const _: () = assert!(align_of::<psDigestContext_t>() == 8);
    const _: () = assert!(size_of::<psHmacContext_t>() == 160);
    const _: () = assert!(align_of::<psHmacContext_t>() == 8);
    const _: () = assert!(offset_of!(psHmacContext_t, u) == 64);

    const _: () = assert!(size_of::<psYarrow_t>() == 584 && align_of::<psYarrow_t>() == 4);
    const _: () = assert!(offset_of!(psYarrow_t, ctr) == 36);
    const _: () = assert!(offset_of!(psYarrow_t, key) == 68);
    const _: () = assert!(size_of::<psRandom_t>() == 592 && align_of::<psRandom_t>() == 4);
    const _: () = assert!(offset_of!(psRandom_t, bytecount) == 584);
    const _: () = assert!(offset_of!(psRandom_t, callcount) == 588);
}

// ---------------------------------------------------------------------------------------
// Small helpers

/// `len` as the `int32` many functions return, or `PS_LIMIT_FAIL` when it does not fit.
fn len_rc(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(PS_LIMIT_FAIL)
}

/// A C input buffer: NULL is accepted only for an empty buffer.
///
/// # Safety
/// A non-NULL `p` must point to `len` readable bytes for `'a`.
unsafe fn input<'a>(p: *const u8, len: u32) -> Option<&'a [u8]> {
    if p.is_null() && len == 0 {
        return Some(&[]);
    }
    // SAFETY: forwarded caller contract.
    unsafe { slice_or_none(p, i64::from(len)) }
}

/// A private copy of a C key of `len` (at most 32) bytes, taken before the destination
/// context is written (the two may even overlap).
///
/// # Safety
/// `key` must point to `len` readable bytes.
unsafe fn copy_key(key: *const u8, len: usize) -> Zeroizing<[u8; 32]> {
    let mut copy = Zeroizing::new([0u8; 32]);
    let len = len.min(32);
    // SAFETY: `len` readable bytes at `key` (caller contract) into a local buffer.
    unsafe { ptr::copy_nonoverlapping(key, copy.as_mut_ptr(), len) };
    copy
}

/// Copies `data` to C memory at `out` (which may overlap memory `data` was read from: the
/// copy is a `memmove` and `data` is owned).
///
/// # Safety
/// `out` must be valid for writing `data.len()` bytes.
unsafe fn write_out(out: *mut u8, data: &[u8]) {
    // SAFETY: caller contract; `data` is a Rust-owned buffer, so no Rust reference aliases
    // the destination.
    unsafe { ptr::copy(data.as_ptr(), out, data.len()) };
}

// ---------------------------------------------------------------------------------------
// Block ciphers

/// AES with any of its three key sizes.
enum Aes {
    A128(aes::Aes128),
    A192(aes::Aes192),
    A256(aes::Aes256),
}

impl Aes {
    fn new(key: &[u8]) -> Option<Aes> {
        match key.len() {
            16 => aes::Aes128::new_from_slice(key).ok().map(Aes::A128),
            24 => aes::Aes192::new_from_slice(key).ok().map(Aes::A192),
            32 => aes::Aes256::new_from_slice(key).ok().map(Aes::A256),
            _ => None,
        }
    }

    fn encrypt(&self, block: &mut [u8; AES_BLOCK]) {
        let b = GenericArray::from_mut_slice(block);
        match self {
            Aes::A128(c) => c.encrypt_block(b),
            Aes::A192(c) => c.encrypt_block(b),
            Aes::A256(c) => c.encrypt_block(b),
        }
    }

    fn decrypt(&self, block: &mut [u8; AES_BLOCK]) {
        let b = GenericArray::from_mut_slice(block);
        match self {
            Aes::A128(c) => c.decrypt_block(b),
            Aes::A192(c) => c.decrypt_block(b),
            Aes::A256(c) => c.decrypt_block(b),
        }
    }
}

/// Rounds of AES for a key length (the `Nr` stored in `psAesKey_t`).
fn aes_rounds(key_len: usize) -> Option<i32> {
    match key_len {
        16 => Some(10),
        24 => Some(12),
        32 => Some(14),
        _ => None,
    }
}

/// Stores `key` (16, 24 or 32 bytes) into a zeroed `psAesKey_t`.
fn store_aes_key(skey: &mut psAesKey_t, key: &[u8], rounds: i32) {
    skey.eK.zeroize();
    skey.dK.zeroize();
    for (w, k) in skey.eK.iter_mut().zip(key.chunks_exact(4)) {
        *w = u32::from_ne_bytes([k[0], k[1], k[2], k[3]]);
    }
    skey.Nr = rounds;
}

/// The cipher for a `psAesKey_t` written by [`store_aes_key`]; `None` for a bad `Nr`.
fn load_aes_key(skey: &psAesKey_t) -> Option<Aes> {
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

fn store_des3_key(skey: &mut psDes3Key_t, key: &[u8]) {
    skey.ek.zeroize();
    skey.dk.zeroize();
    for (w, k) in skey.ek[0].iter_mut().zip(key.chunks_exact(4)) {
        *w = u32::from_ne_bytes([k[0], k[1], k[2], k[3]]);
    }
}

fn load_des3_key(skey: &psDes3Key_t) -> Option<des::TdesEde3> {
    let mut bytes = Zeroizing::new([0u8; DES3_KEY_LEN]);
    for (dst, w) in bytes.chunks_exact_mut(4).zip(skey.ek[0].iter()) {
        dst.copy_from_slice(&w.to_ne_bytes());
    }
    des::TdesEde3::new_from_slice(&bytes[..]).ok()
}

fn des3_encrypt(c: &des::TdesEde3, block: &mut [u8; DES3_BLOCK]) {
    c.encrypt_block(GenericArray::from_mut_slice(block));
}

fn des3_decrypt(c: &des::TdesEde3, block: &mut [u8; DES3_BLOCK]) {
    c.decrypt_block(GenericArray::from_mut_slice(block));
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
fn cbc_len(len: u32, block: usize) -> Result<usize, i32> {
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
unsafe fn aes_ctx<'a>(ctx: *mut psCipherContext_t) -> Result<(&'a mut aes_CBC, Aes), i32> {
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
unsafe fn aes_block(input: *const u8, output: *mut u8, skey: *const psAesKey_t, encrypt: bool) {
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
unsafe fn des3_ctx<'a>(
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
unsafe fn des3_block(input: *const u8, output: *mut u8, skey: *const psDes3Key_t, encrypt: bool) {
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

// ---------------------------------------------------------------------------------------
// SHA-1 and MD5 with their state in the caller's context

/// A Merkle–Damgård hash over 64-byte blocks: initial words, block function, byte order of
/// the words and of the length field.
struct BlockHash<const N: usize> {
    iv: [u32; N],
    compress: fn(&mut [u32; N], &[u8; 64]),
    big_endian: bool,
}

const SHA1: BlockHash<5> = BlockHash {
    iv: [
        0x6745_2301,
        0xefcd_ab89,
        0x98ba_dcfe,
        0x1032_5476,
        0xc3d2_e1f0,
    ],
    compress: sha1_compress,
    big_endian: true,
};

const MD5: BlockHash<4> = BlockHash {
    iv: [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476],
    compress: md5_compress,
    big_endian: false,
};

fn sha1_compress(state: &mut [u32; 5], block: &[u8; 64]) {
    sha1::compress(state, &[GenericArray::from(*block)]);
}

impl<const N: usize> HashState<N> {
    fn start(alg: &BlockHash<N>) -> Self {
        HashState {
            length: 0,
            state: alg.iv,
            curlen: 0,
            buf: [0; 64],
        }
    }

    /// Absorbs `data`. A context whose `curlen` is out of range (never initialised, or
    /// overwritten) is left alone, as 3.3 does.
    fn update(&mut self, alg: &BlockHash<N>, mut data: &[u8]) {
        let mut cur = self.curlen as usize;
        if cur >= 64 {
            return;
        }
        while !data.is_empty() {
            if cur == 0 && data.len() >= 64 {
                let (block, rest) = data.split_at(64);
                if let Ok(block) = <&[u8; 64]>::try_from(block) {
                    (alg.compress)(&mut self.state, block);
                }
                self.length = self.length.wrapping_add(512);
                data = rest;
            } else {
                let n = (64 - cur).min(data.len());
                let (head, rest) = data.split_at(n);
                if let Some(dst) = self.buf.get_mut(cur..cur + n) {
                    dst.copy_from_slice(head);
                }
                cur += n;
                data = rest;
                if cur == 64 {
                    (alg.compress)(&mut self.state, &self.buf);
                    self.length = self.length.wrapping_add(512);
                    cur = 0;
                }
            }
        }
        self.curlen = cur as u32;
    }

    /// Pads, writes the digest (`4·N` bytes) to `out` and wipes the state. `None` (and
    /// nothing written) for a context with an out-of-range `curlen`.
    fn finish(&mut self, alg: &BlockHash<N>, out: &mut [u8]) -> Option<usize> {
        let cur = self.curlen as usize;
        if cur >= 64 {
            return None;
        }
        let length = self.length.wrapping_add(8 * cur as u64);
        self.buf[cur] = 0x80;
        self.buf[cur + 1..].fill(0);
        if cur + 1 > 56 {
            (alg.compress)(&mut self.state, &self.buf);
            self.buf.fill(0);
        }
        let len_bytes = if alg.big_endian {
            length.to_be_bytes()
        } else {
            length.to_le_bytes()
        };
        self.buf[56..].copy_from_slice(&len_bytes);
        (alg.compress)(&mut self.state, &self.buf);
        for (dst, w) in out.chunks_exact_mut(4).zip(self.state.iter()) {
            let bytes = if alg.big_endian {
                w.to_be_bytes()
            } else {
                w.to_le_bytes()
            };
            dst.copy_from_slice(&bytes);
        }
        self.wipe();
        Some(4 * N)
    }

    fn wipe(&mut self) {
        self.length = 0;
        self.state.zeroize();
        self.curlen = 0;
        self.buf.zeroize();
    }
}

/// The two digests of the API.
#[derive(Clone, Copy)]
enum Md {
    Sha1,
    Md5,
}

impl Md {
    fn size(self) -> usize {
        match self {
            Md::Sha1 => SHA1_HASH_SIZE,
            Md::Md5 => MD5_HASH_SIZE,
        }
    }

    fn hash_algorithm(self) -> HashAlgorithm {
        match self {
            Md::Sha1 => HashAlgorithm::Sha1,
            Md::Md5 => HashAlgorithm::Md5,
        }
    }

    /// A fresh context value.
    fn start(self) -> psDigestContext_t {
        match self {
            Md::Sha1 => psDigestContext_t {
                sha1: HashState::start(&SHA1),
            },
            Md::Md5 => psDigestContext_t {
                md5: HashState::start(&MD5),
            },
        }
    }

    fn update(self, md: &mut psDigestContext_t, data: &[u8]) {
        match self {
            // SAFETY: both union members consist of integers and byte arrays only, so any
            // bit pattern of the 96 bytes is a valid value of either.
            Md::Sha1 => unsafe { &mut md.sha1 }.update(&SHA1, data),
            // SAFETY: as above.
            Md::Md5 => unsafe { &mut md.md5 }.update(&MD5, data),
        }
    }

    /// Writes the digest into `out` (at least `size()` bytes).
    fn finish(self, md: &mut psDigestContext_t, out: &mut [u8]) -> Option<usize> {
        match self {
            // SAFETY: as in `update`.
            Md::Sha1 => unsafe { &mut md.sha1 }.finish(&SHA1, out),
            // SAFETY: as in `update`.
            Md::Md5 => unsafe { &mut md.md5 }.finish(&MD5, out),
        }
    }
}

/// `ps*Init`: writes a fresh state (the context may be uninitialised). NULL does nothing.
///
/// # Safety
/// `md` NULL or writable.
unsafe fn digest_init(alg: Md, md: *mut psDigestContext_t) {
    if !md.is_null() {
        // SAFETY: writable per caller contract; `write` does not read the old contents.
        unsafe { md.write(alg.start()) };
    }
}

/// `ps*Update`. NULL `md`, or NULL `buf` with a non-zero `len`, does nothing.
///
/// # Safety
/// `md` NULL or initialised; `buf` NULL or `len` readable bytes.
unsafe fn digest_update(alg: Md, md: *mut psDigestContext_t, buf: *const u8, len: u32) {
    // SAFETY: caller contract.
    let (Some(md), Some(data)) = (unsafe { md.as_mut() }, unsafe { input(buf, len) }) else {
        return;
    };
    alg.update(md, data);
}

/// `ps*Final`: the digest into `hash`; returns its size, or `PS_ARG_FAIL` (NULL, or a
/// context that was never initialised).
///
/// # Safety
/// `md` NULL or initialised; `hash` NULL or writable for the digest size.
unsafe fn digest_final(alg: Md, md: *mut psDigestContext_t, hash: *mut u8) -> i32 {
    if hash.is_null() {
        return PS_ARG_FAIL;
    }
    // SAFETY: caller contract.
    let Some(md) = (unsafe { md.as_mut() }) else {
        return PS_ARG_FAIL;
    };
    let mut out = [0u8; SHA1_HASH_SIZE];
    let Some(n) = alg.finish(md, &mut out) else {
        return PS_ARG_FAIL;
    };
    // SAFETY: `hash` is writable for the digest size.
    unsafe { write_out(hash, &out[..n]) };
    len_rc(n)
}

/// `psSha1Init`.
///
/// # Safety
/// `md` NULL or a writable `psDigestContext_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psSha1Init(md: *mut psDigestContext_t) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { digest_init(Md::Sha1, md) })
}

/// `psSha1Update`.
///
/// # Safety
/// `md` NULL or initialised by `psSha1Init`; `buf` NULL or `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psSha1Update(md: *mut psDigestContext_t, buf: *const u8, len: u32) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { digest_update(Md::Sha1, md, buf, len) })
}

/// `psSha1Final`: writes 20 bytes, returns 20 (or `PS_ARG_FAIL`); the context is wiped.
///
/// # Safety
/// `md` NULL or initialised; `hash` NULL or 20 writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psSha1Final(md: *mut psDigestContext_t, hash: *mut u8) -> i32 {
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe { digest_final(Md::Sha1, md, hash) })
}

/// `psMd5Init`.
///
/// # Safety
/// `md` NULL or a writable `psDigestContext_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psMd5Init(md: *mut psDigestContext_t) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { digest_init(Md::Md5, md) })
}

/// `psMd5Update`.
///
/// # Safety
/// `md` NULL or initialised by `psMd5Init`; `buf` NULL or `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psMd5Update(md: *mut psDigestContext_t, buf: *const u8, len: u32) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { digest_update(Md::Md5, md, buf, len) })
}

/// `psMd5Final`: writes 16 bytes, returns 16 (or `PS_ARG_FAIL`); the context is wiped.
///
/// # Safety
/// `md` NULL or initialised; `hash` NULL or 16 writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psMd5Final(md: *mut psDigestContext_t, hash: *mut u8) -> i32 {
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe { digest_final(Md::Md5, md, hash) })
}

// ---------------------------------------------------------------------------------------
// HMAC

/// `psHmac*Init`: inner state = H(key ^ ipad), `pad` = key ^ opad. Keys longer than the
/// 64-byte block are hashed first (RFC 2104; 3.3 required callers to do that, which the
/// one-shot functions did). NULL `ctx`, or NULL `key` with a non-zero length, does nothing.
///
/// # Safety
/// `ctx` NULL or a writable `psHmacContext_t`; `key` NULL or `keyLen` readable bytes.
unsafe fn hmac_init(alg: Md, ctx: *mut psHmacContext_t, key: *const u8, keyLen: u32) {
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
unsafe fn hmac_update(alg: Md, ctx: *mut psHmacContext_t, buf: *const u8, len: u32) {
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
unsafe fn hmac_final(alg: Md, ctx: *mut psHmacContext_t, hash: *mut u8) -> i32 {
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
unsafe fn hmac_oneshot(
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

// ---------------------------------------------------------------------------------------
// PKCS#5 key derivation

/// PBKDF1 as 3.3 uses it (OpenSSL's `EVP_BytesToKey` with MD5): 24 key bytes from the
/// password and an 8-byte salt, D1 = MD5^iter(pass ‖ salt), D2 = MD5^iter(D1 ‖ pass ‖ salt),
/// key = D1 ‖ D2[..8]. 3.3 supports only `iter == 1` (the legacy PEM key encryption); other
/// counts iterate as OpenSSL does, and `iter < 1` counts as 1.
fn pbkdf1(pass: &[u8], salt: &[u8; 8], iter: i32) -> Zeroizing<[u8; DES3_KEY_LEN]> {
    let mut key = Zeroizing::new([0u8; DES3_KEY_LEN]);
    let mut prev: Option<Zeroizing<[u8; MD5_HASH_SIZE]>> = None;
    for chunk in key.chunks_mut(MD5_HASH_SIZE) {
        let mut h = Md5::new();
        if let Some(p) = &prev {
            h.update(&p[..]);
        }
        h.update(pass);
        h.update(salt);
        let mut d = Zeroizing::new(<[u8; MD5_HASH_SIZE]>::from(h.finalize()));
        for _ in 1..iter {
            *d = Md5::digest(&d[..]).into();
        }
        chunk.copy_from_slice(&d[..chunk.len()]);
        prev = Some(d);
    }
    key
}

/// `pkcs5pbkdf1`: writes 24 bytes to `key` (salt: 8 bytes). NULL `key` or `salt`, or NULL
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
        let derived = pbkdf1(pass, &salt, iter);
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

// ---------------------------------------------------------------------------------------
// Base64

/// Value of a base64 character: 0..=63 for the alphabet, 64 for `=`, -1 for anything else.
/// Computed with arithmetic masks instead of a table so the characters of a (possibly
/// secret) input do not select cache lines.
fn base64_value(c: u8) -> i32 {
    let c = i32::from(c);
    // -1 when lo <= c <= hi, else 0.
    let within = |lo: i32, hi: i32| ((lo - 1 - c) & (c - hi - 1)) >> 31;
    -1 + (within(65, 90) & (c - 65 + 1))
        + (within(97, 122) & (c - 97 + 27))
        + (within(48, 57) & (c - 48 + 53))
        + (within(43, 43) & 63)
        + (within(47, 47) & 64)
        + (within(61, 61) & 65)
}

/// 3.3's decoder: characters outside the alphabet (line breaks, spaces) are skipped, `=`
/// pads the last group. A group left incomplete, or data after the padding, is
/// `PS_PARSE_FAIL`.
fn base64_decode(text: &[u8]) -> Result<Zeroizing<Vec<u8>>, i32> {
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() / 4 * 3));
    let mut acc = 0u32;
    let mut count = 0;
    let mut pads = 0;
    for &c in text {
        let v = base64_value(c);
        if v < 0 {
            continue;
        }
        if v == 64 {
            pads += 1;
        } else if pads > 0 {
            return Err(PS_PARSE_FAIL);
        }
        acc = (acc << 6) | (v as u32 & 0x3f);
        count += 1;
        if count == 4 {
            if pads > 2 {
                return Err(PS_PARSE_FAIL);
            }
            let bytes = acc.to_be_bytes();
            out.extend_from_slice(&bytes[1..4 - pads]);
            acc = 0;
            count = 0;
        }
    }
    acc.zeroize();
    if count != 0 {
        return Err(PS_PARSE_FAIL);
    }
    Ok(out)
}

/// `psBase64decode`: decodes `len` characters into `out`, whose size is `*outlen` on entry;
/// `*outlen` = decoded length on success. `PS_SUCCESS`, `PS_ARG_FAIL` (NULL),
/// `PS_PARSE_FAIL` (malformed), `PS_LIMIT_FAIL` (`out` too small; nothing written). `in` and
/// `out` may overlap (decoding in place).
///
/// # Safety
/// `in` NULL or `len` readable bytes; `out` NULL or `*outlen` writable bytes; `outlen` NULL
/// or readable and writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psBase64decode(
    r#in: *const u8,
    len: u32,
    out: *mut u8,
    outlen: *mut u32,
) -> i32 {
    guard(PS_FAILURE, || {
        if r#in.is_null() || out.is_null() || outlen.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: `len` readable bytes at `in`; the slice is no longer used once `out` is
        // written.
        let text = unsafe { core::slice::from_raw_parts(r#in, len as usize) };
        let decoded = match base64_decode(text) {
            Ok(d) => d,
            Err(rc) => return rc,
        };
        // SAFETY: `outlen` is readable and writable.
        let room = unsafe { outlen.read() };
        let Ok(n) = u32::try_from(decoded.len()) else {
            return PS_LIMIT_FAIL;
        };
        if n > room {
            return PS_LIMIT_FAIL;
        }
        // SAFETY: `out` has `room >= n` writable bytes; `decoded` is owned.
        unsafe {
            write_out(out, &decoded);
            outlen.write(n);
        }
        PS_SUCCESS
    })
}

// ---------------------------------------------------------------------------------------
// Keys: the psPubKey_t registry

/// A `psPubKey_t` handed out by this module with its `pubKeyUnion_t`, and the private key
/// behind it (`None` for `psNewPubKey` blanks).
struct KeyHandle {
    key: Owned<psPubKey_t>,
    _union: Owned<pubKeyUnion_t>,
    rsa: Option<Arc<RsaPrivateKey>>,
}

// SAFETY: a `KeyHandle` exclusively owns its two allocations (like a `Box`) and the key is
// `Send + Sync`; nothing is tied to a thread. C's reads of the structs follow the API's
// threading rules.
unsafe impl Send for KeyHandle {}

/// Keys from `pkcs1ParsePrivBin`, `pkcs8ParsePrivBin`, `pkcs1ParsePrivFile` and
/// `psNewPubKey`, by the address of their `psRsaKey_t` (= `key->key`). See the module
/// comment.
static PUB_KEYS: Mutex<BTreeMap<usize, KeyHandle>> = Mutex::new(BTreeMap::new());

fn pub_keys() -> std::sync::MutexGuard<'static, BTreeMap<usize, KeyHandle>> {
    PUB_KEYS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Allocates and registers a `psPubKey_t` (type `key_type`) whose `psRsaKey_t` reports
/// `size` and `optimized`; returns the `psPubKey_t`.
fn register_key(key_type: i32, rsa: Option<RsaPrivateKey>) -> *mut psPubKey_t {
    let size = rsa
        .as_ref()
        .map_or(0, |k| u32::try_from(k.modulus_len()).unwrap_or(u32::MAX));
    let zero = pstm_int {
        used: 0,
        alloc: 0,
        sign: 0,
        dp: ptr::null_mut(),
    };
    let union = Owned::new(Box::new(pubKeyUnion_t {
        rsa: psRsaKey_t {
            e: zero,
            d: zero,
            N: zero,
            qP: zero,
            dP: zero,
            dQ: zero,
            p: zero,
            q: zero,
            size,
            optimized: i32::from(rsa.is_some()),
        },
    }));
    let key = Owned::new(Box::new(psPubKey_t {
        key: union.as_ptr(),
        keysize: size,
        r#type: key_type,
    }));
    let out = key.as_ptr();
    let address = union.as_ptr() as usize;
    pub_keys().insert(
        address,
        KeyHandle {
            key,
            _union: union,
            rsa: rsa.map(Arc::new),
        },
    );
    out
}

/// The RSA key behind a `psRsaKey_t` pointer: a registered private key, or the public key
/// of a certificate the library shows.
enum RsaRef {
    Private(Arc<RsaPrivateKey>),
    Public(RsaPublicKey),
}

impl RsaRef {
    fn lookup(key: *const psRsaKey_t) -> Option<RsaRef> {
        if key.is_null() {
            return None;
        }
        if let Some(handle) = pub_keys().get(&(key as usize)) {
            return handle.rsa.clone().map(RsaRef::Private);
        }
        let cert = indexed_rsa_key_owner(key)?;
        match &cert.public_key {
            PublicKey::Rsa(k) => Some(RsaRef::Public(k.clone())),
            _ => None,
        }
    }

    fn public(&self) -> RsaPublicKey {
        match self {
            RsaRef::Private(k) => k.public_key(),
            RsaRef::Public(k) => k.clone(),
        }
    }

    fn private(&self) -> Option<&RsaPrivateKey> {
        match self {
            RsaRef::Private(k) => Some(k),
            RsaRef::Public(_) => None,
        }
    }

    fn modulus_len(&self) -> usize {
        match self {
            RsaRef::Private(k) => k.modulus_len(),
            RsaRef::Public(k) => k.modulus_len(),
        }
    }
}

/// Stores a parsed private key for C: `*out` = a new `psPubKey_t`, or NULL with an error for
/// a non-RSA key (the 3.3 key API is RSA only).
///
/// # Safety
/// `out` must be writable.
unsafe fn publish_private_key(parsed: Result<PrivateKey, i32>, out: *mut *mut psPubKey_t) -> i32 {
    let rsa = match parsed {
        Ok(PrivateKey::Rsa(k)) => k,
        Ok(PrivateKey::Ec(_)) => return PS_UNSUPPORTED_FAIL,
        Err(rc) => return if rc < 0 { rc } else { PS_PARSE_FAIL },
    };
    let key = register_key(PS_RSA, Some(rsa));
    // SAFETY: caller contract.
    unsafe { out.write(key) };
    PS_SUCCESS
}

/// `pkcs1ParsePrivBin`: a DER PKCS#1 `RSAPrivateKey` → `*key` (free with `psFreePubKey`).
/// An unencrypted PKCS#8 RSA key is accepted as well: 3.3's loaders fell back to PKCS#8 when
/// this failed, and `openssl rsa -outform DER` writes PKCS#8 since OpenSSL 3.0.
/// `PS_SUCCESS`, `PS_ARG_FAIL`, `PS_PARSE_FAIL`, `PS_UNSUPPORTED_FAIL` (multi-prime, not
/// RSA); `*key` is NULL on failure.
///
/// # Safety
/// `p` NULL or `size` readable bytes; `key` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pkcs1ParsePrivBin(
    _pool: *mut psPool_t,
    p: *mut u8,
    size: u32,
    key: *mut *mut psPubKey_t,
) -> i32 {
    guard(PS_FAILURE, || {
        if key.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: `key` is writable.
        unsafe { key.write(ptr::null_mut()) };
        // SAFETY: `size` readable bytes at `p`.
        let Some(der) = (unsafe { slice_or_none(p, i64::from(size)) }) else {
            return PS_ARG_FAIL;
        };
        let parsed = match PrivateKey::from_pkcs1_der(der) {
            Err(PS_UNSUPPORTED_FAIL) => Err(PS_UNSUPPORTED_FAIL),
            Err(_) => PrivateKey::from_pkcs8_der(der).map_err(|rc| {
                if rc == PS_UNSUPPORTED_FAIL {
                    rc
                } else {
                    PS_PARSE_FAIL
                }
            }),
            ok => ok,
        };
        // SAFETY: `key` is writable.
        unsafe { publish_private_key(parsed, key) }
    })
}

/// `pkcs8ParsePrivBin`: a DER PKCS#8 RSA key, unencrypted or (with `pass`) encrypted
/// (`EncryptedPrivateKeyInfo`, PBES2). Codes as [`pkcs1ParsePrivBin`], plus `PS_FAILURE`
/// for a wrong password and `PS_UNSUPPORTED_FAIL` for non-RSA keys and unknown schemes.
///
/// # Safety
/// `p` NULL or `size` readable bytes; `pass` NULL or NUL-terminated; `key` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pkcs8ParsePrivBin(
    _pool: *mut psPool_t,
    p: *mut u8,
    size: i32,
    pass: *mut c_char,
    key: *mut *mut psPubKey_t,
) -> i32 {
    guard(PS_FAILURE, || {
        if key.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: `key` is writable.
        unsafe { key.write(ptr::null_mut()) };
        // SAFETY: `size` readable bytes at `p` (a negative size gives None).
        let Some(der) = (unsafe { slice_or_none(p, i64::from(size)) }) else {
            return PS_ARG_FAIL;
        };
        // SAFETY: NULL or NUL-terminated.
        let pass = unsafe { cstr_or_none(pass) };
        let mut parsed = PrivateKey::from_pkcs8_der(der);
        let plain_failed = matches!(parsed, Err(rc) if rc != PS_UNSUPPORTED_FAIL);
        if let (true, Some(pass)) = (plain_failed, pass) {
            // Not a plain PrivateKeyInfo: an EncryptedPrivateKeyInfo, decrypted by the PEM
            // key loader's PBES2 code.
            let block = PemBlock {
                label: "ENCRYPTED PRIVATE KEY".to_string(),
                headers: Vec::new(),
                der: Zeroizing::new(der.to_vec()),
            };
            parsed = PrivateKey::from_pem_blocks(&[block], Some(pass));
        }
        // SAFETY: `key` is writable.
        unsafe { publish_private_key(parsed, key) }
    })
}

/// Reads a whole file named by a C string; `PS_PLATFORM_FAIL` if it cannot be read.
fn read_file(name: &[u8]) -> Result<Zeroizing<Vec<u8>>, i32> {
    std::fs::read(OsStr::from_bytes(name))
        .map(Zeroizing::new)
        .map_err(|_| PS_PLATFORM_FAIL)
}

/// `pkcs1ParsePrivFile`: a PEM private key file (PKCS#1 or PKCS#8, plain or encrypted with
/// `password`) → `*outkey`. Codes as `matrixSslLoadRsaKeys` (ABI.md §3.2.3): `PS_ARG_FAIL`
/// (NULL, or an encrypted key without password), `PS_PLATFORM_FAIL`, `PS_PARSE_FAIL`,
/// `PS_FAILURE` (wrong password), `PS_UNSUPPORTED_FAIL`.
///
/// # Safety
/// `fileName`, `password` NULL or NUL-terminated; `outkey` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pkcs1ParsePrivFile(
    _pool: *mut psPool_t,
    fileName: *mut c_char,
    password: *mut c_char,
    outkey: *mut *mut psPubKey_t,
) -> i32 {
    guard(PS_FAILURE, || {
        if outkey.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: `outkey` is writable.
        unsafe { outkey.write(ptr::null_mut()) };
        // SAFETY: NULL or NUL-terminated strings.
        let (Some(name), password) = (unsafe { cstr_or_none(fileName) }, unsafe {
            cstr_or_none(password)
        }) else {
            return PS_ARG_FAIL;
        };
        let text = match read_file(name) {
            Ok(t) => t,
            Err(rc) => return rc,
        };
        // SAFETY: `outkey` is writable.
        unsafe { publish_private_key(PrivateKey::from_pem(&text, password), outkey) }
    })
}

/// The DER of the first `… PRIVATE KEY` block of PEM `text`, decrypted when it carries the
/// legacy `Proc-Type: 4,ENCRYPTED` / `DEK-Info` headers (DES-EDE3-CBC as 3.3, and
/// AES-128/192/256-CBC; key from [`pbkdf1`] with the IV's first 8 bytes as salt).
fn decode_private_pem(text: &[u8], password: Option<&[u8]>) -> Result<Zeroizing<Vec<u8>>, i32> {
    let blocks = parse_pem(text)?;
    let block = blocks
        .iter()
        .find(|b| b.label.ends_with("PRIVATE KEY"))
        .ok_or(PS_PARSE_FAIL)?;
    let encrypted = block
        .header("Proc-Type")
        .is_some_and(|v| v.contains("ENCRYPTED"));
    if !encrypted {
        return Ok(Zeroizing::new(block.der.to_vec()));
    }
    let password = password.ok_or(PS_ARG_FAIL)?;
    let (alg, iv_hex) = block
        .header("DEK-Info")
        .and_then(|v| v.split_once(','))
        .ok_or(PS_PARSE_FAIL)?;
    let iv = hex_decode(iv_hex.trim()).ok_or(PS_PARSE_FAIL)?;
    let salt: [u8; 8] = iv
        .get(..8)
        .and_then(|s| s.try_into().ok())
        .ok_or(PS_PARSE_FAIL)?;
    let mut data = Zeroizing::new(block.der.to_vec());
    let block_len = match alg.trim() {
        "DES-EDE3-CBC" => {
            let key = pbkdf1(password, &salt, 1);
            let iv: [u8; DES3_BLOCK] = iv.as_slice().try_into().map_err(|_| PS_PARSE_FAIL)?;
            let cipher = des::TdesEde3::new_from_slice(&key[..]).map_err(|_| PS_FAILURE)?;
            decrypt_cbc_in_place(&mut data, iv, |b| des3_decrypt(&cipher, b))?;
            DES3_BLOCK
        }
        name @ ("AES-128-CBC" | "AES-192-CBC" | "AES-256-CBC") => {
            let iv: [u8; AES_BLOCK] = iv.as_slice().try_into().map_err(|_| PS_PARSE_FAIL)?;
            let key_len = if name == "AES-128-CBC" {
                16
            } else if name == "AES-192-CBC" {
                24
            } else {
                32
            };
            let key = aes_key_material(password, &salt, key_len);
            let cipher = Aes::new(&key[..key_len]).ok_or(PS_FAILURE)?;
            decrypt_cbc_in_place(&mut data, iv, |b| cipher.decrypt(b))?;
            AES_BLOCK
        }
        _ => return Err(PS_UNSUPPORTED_FAIL),
    };
    // PKCS#7 padding, then the plaintext must be a key: otherwise the password was wrong.
    let pad = usize::from(*data.last().ok_or(PS_FAILURE)?);
    let body_len = data.len().checked_sub(pad).ok_or(PS_FAILURE)?;
    if pad == 0 || pad > block_len || data[body_len..].iter().any(|&b| usize::from(b) != pad) {
        return Err(PS_FAILURE);
    }
    data.truncate(body_len);
    match PrivateKey::from_der_any(&data) {
        Ok(_) | Err(PS_UNSUPPORTED_FAIL) => Ok(data),
        Err(_) => Err(PS_FAILURE),
    }
}

/// `EVP_BytesToKey(MD5, count 1)` output of any length up to 32 bytes (AES-256 needs more
/// than the 24 bytes [`pbkdf1`] gives).
fn aes_key_material(pass: &[u8], salt: &[u8; 8], len: usize) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    let mut prev: Option<Zeroizing<[u8; MD5_HASH_SIZE]>> = None;
    for chunk in out
        .chunks_mut(MD5_HASH_SIZE)
        .take(len.div_ceil(MD5_HASH_SIZE))
    {
        let mut h = Md5::new();
        if let Some(p) = &prev {
            h.update(&p[..]);
        }
        h.update(pass);
        h.update(salt);
        let d = Zeroizing::new(<[u8; MD5_HASH_SIZE]>::from(h.finalize()));
        chunk.copy_from_slice(&d[..chunk.len()]);
        prev = Some(d);
    }
    out
}

fn decrypt_cbc_in_place<const B: usize>(
    data: &mut [u8],
    mut iv: [u8; B],
    cipher: impl Fn(&mut [u8; B]),
) -> Result<(), i32> {
    if data.is_empty() || !data.len().is_multiple_of(B) {
        return Err(PS_FAILURE);
    }
    // SAFETY: `data` is a live Rust buffer of `data.len()` bytes, read and written in place
    // through its own pointer (no other reference is used meanwhile).
    unsafe {
        let p = data.as_mut_ptr();
        cbc(&mut iv, p, p, data.len(), false, cipher);
    }
    Ok(())
}

fn hex_decode(hex: &str) -> Option<Vec<u8>> {
    let digits = hex.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| {
            let s = core::str::from_utf8(pair).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

/// `pkcs1DecodePrivFile`: the DER of a PEM private key file, decrypted with `password` if it
/// uses the legacy PEM encryption, in a new `malloc` buffer (`*DERout`, free with `psFree`)
/// of `*DERlen` bytes. Codes as [`pkcs1ParsePrivFile`]; `PS_MEM_FAIL`.
///
/// # Safety
/// `fileName`, `password` NULL or NUL-terminated; `DERout`, `DERlen` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pkcs1DecodePrivFile(
    _pool: *mut psPool_t,
    fileName: *mut c_char,
    password: *mut c_char,
    DERout: *mut *mut u8,
    DERlen: *mut u32,
) -> i32 {
    guard(PS_FAILURE, || {
        if DERout.is_null() || DERlen.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: both out-pointers are writable.
        unsafe {
            DERout.write(ptr::null_mut());
            DERlen.write(0);
        }
        // SAFETY: NULL or NUL-terminated strings.
        let (Some(name), password) = (unsafe { cstr_or_none(fileName) }, unsafe {
            cstr_or_none(password)
        }) else {
            return PS_ARG_FAIL;
        };
        let der = match read_file(name).and_then(|t| decode_private_pem(&t, password)) {
            Ok(d) => d,
            Err(rc) => return rc,
        };
        let Ok(len) = u32::try_from(der.len()) else {
            return PS_MEM_FAIL;
        };
        // SAFETY: plain allocation (at least one byte), checked for NULL.
        let block = unsafe { libc::malloc(der.len().max(1)) }.cast::<u8>();
        if block.is_null() {
            return PS_MEM_FAIL;
        }
        // SAFETY: `block` has room for `der.len()` bytes; both out-pointers are writable.
        unsafe {
            write_out(block, &der);
            DERout.write(block);
            DERlen.write(len);
        }
        PS_SUCCESS
    })
}

/// `psNewPubKey`: a blank `psPubKey_t` (type 0, size 0) whose `key` points to a zeroed
/// `pubKeyUnion_t`, as 3.3 allocates it. Free with `psFreePubKey`.
#[unsafe(no_mangle)]
pub extern "C" fn psNewPubKey(_pool: *mut psPool_t) -> *mut psPubKey_t {
    guard(ptr::null_mut(), || register_key(0, None))
}

/// `psFreePubKey`: frees a key from `psNewPubKey` or a private-key parser. NULL and any
/// other pointer (a certificate's or `sslKeys_t`'s key) are ignored.
///
/// # Safety
/// None beyond the C contract: the pointer is only compared, never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psFreePubKey(key: *mut psPubKey_t) {
    guard((), || {
        if key.is_null() {
            return;
        }
        let handle = {
            let mut keys = pub_keys();
            let found = keys
                .iter()
                .find(|(_, h)| h.key.as_ptr() == key)
                .map(|(address, _)| *address);
            found.and_then(|address| keys.remove(&address))
        };
        drop(handle);
    })
}

// ---------------------------------------------------------------------------------------
// RSA

/// PKCS#1 v1.5 type 2 unpadding in the shape 3.3 requires: `00 02 PS 00 M` with `M` exactly
/// `want` bytes and PS at least 8 non-zero bytes. Checked without data-dependent branches or
/// early exits; every failure is the same `None`.
fn unpad_type2(em: &[u8], want: usize) -> Option<&[u8]> {
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
fn unpad_type1(em: &[u8], want: usize) -> Result<&[u8], i32> {
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
fn rsa_input(input: &[u8], n: &[u8], k: usize) -> Option<Zeroizing<Vec<u8>>> {
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

// ---------------------------------------------------------------------------------------
// X.509

/// All certificates of a `;`-separated list of PEM files, in order. A file without any
/// `… CERTIFICATE` block is `PS_PARSE_FAIL`, one that cannot be read `PS_PLATFORM_FAIL`.
fn read_cert_files(list: &[u8]) -> Result<Vec<Certificate>, i32> {
    let mut certs = Vec::new();
    let names: Vec<&[u8]> = list
        .split(|&b| b == b';')
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return Err(PS_PLATFORM_FAIL);
    }
    for name in names {
        let text = read_file(name)?;
        let before = certs.len();
        for block in parse_pem(&text)? {
            if block.label.ends_with("CERTIFICATE") {
                certs.push(Certificate::from_der(&block.der)?);
            }
        }
        if certs.len() == before {
            return Err(PS_PARSE_FAIL);
        }
    }
    Ok(certs)
}

/// `psX509ParseCertFile`: every certificate of one or more PEM files (`;`-separated names,
/// as the 3.3 loaders pass them) into one chain, in file order; `flags` as
/// `psX509ParseCert`. Returns `PS_SUCCESS`; `PS_ARG_FAIL` (NULL), `PS_PLATFORM_FAIL`,
/// `PS_PARSE_FAIL`, `PS_UNSUPPORTED_FAIL`. `*outcert` is NULL on failure; free the chain
/// with `psX509FreeCert` (safe on NULL too).
///
/// # Safety
/// `fileName` NULL or NUL-terminated; `outcert` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psX509ParseCertFile(
    _pool: *mut psPool_t,
    fileName: *mut c_char,
    outcert: *mut *mut psX509Cert_t,
    flags: i32,
) -> i32 {
    guard(PS_FAILURE, || {
        if outcert.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: `outcert` is writable.
        unsafe { outcert.write(ptr::null_mut()) };
        // SAFETY: NULL or NUL-terminated.
        let Some(names) = (unsafe { cstr_or_none(fileName) }) else {
            return PS_ARG_FAIL;
        };
        let certs = match read_cert_files(names) {
            Ok(c) => c,
            Err(rc) => return if rc < 0 { rc } else { PS_PARSE_FAIL },
        };
        let head = register_parsed_chain(certs, flags);
        // SAFETY: `outcert` is writable; `head` lives until `psX509FreeCert(head)`.
        unsafe { outcert.write(head) };
        PS_SUCCESS
    })
}

/// One link as 3.3 checks it, in the order of the library's chain walk
/// (`pki::verify::link_status`): subject's issuer DN hash against the issuer's subject DN
/// hash, then the issuer's cA flag (v3 issuers), then the signature (algorithms of
/// ABI.md D9).
fn link_status(cert: &Certificate, issuer: &Certificate) -> i32 {
    if cert.issuer.hash != issuer.subject.hash {
        PS_CERT_AUTH_FAIL_DN
    } else if issuer.version >= 2 && issuer.ca == 0 {
        PS_CERT_AUTH_FAIL_BC
    } else if !signature_ok(cert, issuer) {
        PS_CERT_AUTH_FAIL_SIG
    } else {
        PS_CERT_AUTH_PASS
    }
}

/// `psX509AuthenticateCert`: checks the `subjectCert` chain link by link (each certificate
/// against its `next`), then the last one against `issuerCert`, or against itself
/// (self-signed) when `issuerCert` is NULL. Every certificate of the subject chain gets its
/// `authStatus`: `PS_CERT_AUTH_PASS` for links that verified, the failure code at the first
/// failing link, `PS_FALSE` (0) beyond it. Returns `PS_SUCCESS` or that failure code
/// (`PS_CERT_AUTH_FAIL_DN`, `_BC`, `_SIG`). `PS_ARG_FAIL`: NULL subject, an issuer that is
/// itself a chain, or a certificate the library did not produce (psX509ParseCert[File],
/// `sslKeys_t` lists, certificate callbacks); `PS_LIMIT_FAIL`: a subject chain longer than
/// 64 certificates.
///
/// # Safety
/// `subjectCert` NULL or a live certificate chain; `issuerCert` NULL or a live certificate.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psX509AuthenticateCert(
    _pool: *mut psPool_t,
    subjectCert: *mut psX509Cert_t,
    issuerCert: *mut psX509Cert_t,
) -> i32 {
    guard(PS_FAILURE, || {
        if subjectCert.is_null() {
            return PS_ARG_FAIL;
        }
        let issuer = if issuerCert.is_null() {
            None
        } else {
            // SAFETY: a live certificate (caller contract); only `next` is read.
            if !unsafe { (*issuerCert).next }.is_null() {
                return PS_ARG_FAIL;
            }
            match indexed_certificate(issuerCert) {
                Some(c) => Some(c),
                None => return PS_ARG_FAIL,
            }
        };
        let mut chain = Vec::new();
        let mut p = subjectCert;
        while !p.is_null() {
            if chain.len() == MAX_CHAIN {
                return PS_LIMIT_FAIL;
            }
            let Some(cert) = indexed_certificate(p) else {
                return PS_ARG_FAIL;
            };
            chain.push((p, cert));
            // SAFETY: `p` is a live certificate of the chain (caller contract).
            p = unsafe { (*p).next };
        }
        let mut result = PS_SUCCESS;
        for (i, (p, cert)) in chain.iter().enumerate() {
            let status = if result != PS_SUCCESS {
                0
            } else {
                let signer = match (chain.get(i + 1), &issuer) {
                    (Some((_, next)), _) => next,
                    (None, Some(issuer)) => issuer,
                    (None, None) => cert,
                };
                let s = link_status(cert, signer);
                if s != PS_CERT_AUTH_PASS {
                    result = s;
                }
                s
            };
            // SAFETY: `p` is a live certificate; the write goes through the raw pointer.
            unsafe { (**p).authStatus = status };
        }
        result
    })
}

// ---------------------------------------------------------------------------------------
// Random numbers

/// Fills `size` bytes at `bytes` from the OS generator; `size` or a negative code.
///
/// # Safety
/// `bytes` NULL or `size` writable bytes.
unsafe fn random_into(bytes: *mut u8, size: u32) -> Result<usize, i32> {
    if bytes.is_null() {
        return Err(PS_ARG_FAIL);
    }
    if size == 0 {
        return Ok(0);
    }
    // SAFETY: `size` writable bytes at `bytes`, which no Rust reference aliases during the
    // call (caller contract).
    let out = unsafe { core::slice::from_raw_parts_mut(bytes, size as usize) };
    rng::fill(out).map_err(|()| PS_PLATFORM_FAIL)?;
    Ok(out.len())
}

/// `psInitPrng`: zeroes the context (nothing else is kept in it). `PS_SUCCESS`,
/// `PS_ARG_FAIL` for NULL.
///
/// # Safety
/// `ctx` NULL or a writable `psRandom_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psInitPrng(ctx: *mut psRandom_t) -> i32 {
    guard(PS_FAILURE, || {
        if ctx.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: writable per caller contract.
        unsafe { ptr::write_bytes(ctx, 0, 1) };
        PS_SUCCESS
    })
}

/// `psGetPrng`: `size` random bytes from the OS generator (`ctx` may be NULL and is not
/// used). Returns `size`; `PS_ARG_FAIL` (NULL `bytes`), `PS_LIMIT_FAIL` (`size` above
/// `INT32_MAX`), `PS_PLATFORM_FAIL`.
///
/// # Safety
/// `bytes` NULL or `size` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psGetPrng(_ctx: *mut psRandom_t, bytes: *mut u8, size: u32) -> i32 {
    guard(PS_FAILURE, || {
        if i32::try_from(size).is_err() {
            return PS_LIMIT_FAIL;
        }
        // SAFETY: forwarded caller contract.
        match unsafe { random_into(bytes, size) } {
            Ok(n) => len_rc(n),
            Err(rc) => rc,
        }
    })
}

/// `psYarrowStart`: zeroes the context. `PS_SUCCESS`, `PS_ARG_FAIL`.
///
/// # Safety
/// `ctx` NULL or a writable `psYarrow_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowStart(ctx: *mut psYarrow_t) -> i32 {
    guard(PS_FAILURE, || {
        if ctx.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: writable per caller contract.
        unsafe { ptr::write_bytes(ctx, 0, 1) };
        PS_SUCCESS
    })
}

/// `psYarrowAddEntropy`: accepted and ignored (the OS generator needs no seeding from
/// applications). `PS_SUCCESS`, `PS_ARG_FAIL` (NULL context, or NULL data with a length).
///
/// # Safety
/// None: the pointers are only tested for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowAddEntropy(
    r#in: *mut u8,
    inlen: u32,
    prng: *mut psYarrow_t,
) -> i32 {
    guard(PS_FAILURE, || {
        if prng.is_null() || (r#in.is_null() && inlen != 0) {
            return PS_ARG_FAIL;
        }
        PS_SUCCESS
    })
}

/// `psYarrowReseed`: nothing to do. `PS_SUCCESS`, `PS_ARG_FAIL`.
///
/// # Safety
/// None: the pointer is only tested for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowReseed(ctx: *mut psYarrow_t) -> i32 {
    guard(PS_FAILURE, || {
        if ctx.is_null() {
            PS_ARG_FAIL
        } else {
            PS_SUCCESS
        }
    })
}

/// `psYarrowRead`: `outlen` bytes from the OS generator; returns the count written (0 on
/// any failure, as the `uint32` result has no error values).
///
/// # Safety
/// `out` NULL or `outlen` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowRead(out: *mut u8, outlen: u32, cx: *mut psYarrow_t) -> u32 {
    guard(0, || {
        if cx.is_null() {
            return 0;
        }
        // SAFETY: forwarded caller contract.
        match unsafe { random_into(out, outlen) } {
            Ok(_) => outlen,
            Err(_) => 0,
        }
    })
}

/// `psYarrowDone`: zeroes the context. `PS_SUCCESS`, `PS_ARG_FAIL`.
///
/// # Safety
/// `ctx` NULL or a writable `psYarrow_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowDone(ctx: *mut psYarrow_t) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { psYarrowStart(ctx) }
}

/// `psYarrowExport`: as 3.3, 64 bytes of generator output; `*outlen` = 64. `PS_LIMIT_FAIL`
/// (with `*outlen` = 64) when the room `*outlen` is smaller; `PS_ARG_FAIL` for NULL.
///
/// # Safety
/// `out` NULL or `*outlen` writable bytes; `outlen` NULL or readable and writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowExport(
    out: *mut u8,
    outlen: *mut u32,
    ctx: *mut psYarrow_t,
) -> i32 {
    guard(PS_FAILURE, || {
        if out.is_null() || outlen.is_null() || ctx.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: `outlen` readable and writable.
        unsafe {
            if outlen.read() < YARROW_EXPORT_LEN {
                outlen.write(YARROW_EXPORT_LEN);
                return PS_LIMIT_FAIL;
            }
        }
        // SAFETY: at least 64 writable bytes at `out`.
        if let Err(rc) = unsafe { random_into(out, YARROW_EXPORT_LEN) } {
            return rc;
        }
        // SAFETY: `outlen` writable.
        unsafe { outlen.write(YARROW_EXPORT_LEN) };
        PS_SUCCESS
    })
}

/// `psYarrowImport`: accepts a 64-byte state from `psYarrowExport` (and ignores it, like
/// added entropy). `PS_SUCCESS`; `PS_ARG_FAIL` for NULL or another length.
///
/// # Safety
/// None: the pointers are only tested for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowImport(r#in: *mut u8, inlen: u32, ctx: *mut psYarrow_t) -> i32 {
    guard(PS_FAILURE, || {
        if r#in.is_null() || ctx.is_null() || inlen != YARROW_EXPORT_LEN {
            return PS_ARG_FAIL;
        }
        PS_SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::x509::fixtures::{test_ca_der, test_ca_key_der};
    use crate::ffi::x509::{PARSED_CHAINS_TEST_LOCK, psX509FreeCert, psX509ParseCert};
    use crate::pki::testpki::{self, TempDir, openssl};
    use core::mem::MaybeUninit;
    use std::ffi::CString;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// A context as an application has it: uninitialised stack memory, filled with a
    /// pattern so stale bytes would show.
    fn garbage<T>() -> MaybeUninit<T> {
        let mut m = MaybeUninit::<T>::uninit();
        // SAFETY: writing bytes into the MaybeUninit's own storage.
        unsafe { ptr::write_bytes(m.as_mut_ptr().cast::<u8>(), 0xA5, size_of::<T>()) };
        m
    }

    // NIST SP 800-38A F.2: the same plaintext and IV for the three key sizes; ciphertexts
    // also reproduced with `openssl enc -aes-N-cbc -nopad`.
    const SP800_38A_PT: &str = "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
        30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";
    const SP800_38A_IV: &str = "000102030405060708090a0b0c0d0e0f";
    const AES_CBC_CASES: [(&str, &str); 3] = [
        (
            "2b7e151628aed2a6abf7158809cf4f3c",
            "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2
             73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7",
        ),
        (
            "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
            "4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a
             571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd",
        ),
        (
            "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
            "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d
             39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b",
        ),
    ];

    #[test]
    fn aes_cbc_known_answers_in_place_and_across_calls() {
        let pt = hex(SP800_38A_PT);
        let mut iv = hex(SP800_38A_IV);
        for (key, ct) in AES_CBC_CASES {
            let (mut key, ct) = (hex(key), hex(ct));
            let mut ctx = garbage::<psCipherContext_t>();
            let c = ctx.as_mut_ptr();
            // SAFETY: a context-sized buffer, key/IV/data buffers of the stated lengths.
            unsafe {
                assert_eq!(
                    psAesInit(c, iv.as_mut_ptr(), key.as_mut_ptr(), key.len() as u32),
                    PS_SUCCESS
                );
                // First block separately, the rest in place: chaining continues.
                let mut out = pt.clone();
                assert_eq!(psAesEncrypt(c, out.as_mut_ptr(), out.as_mut_ptr(), 16), 16);
                let p = out.as_mut_ptr().add(16);
                assert_eq!(psAesEncrypt(c, p, p, 48), 48);
                assert_eq!(out, ct);

                assert_eq!(
                    psAesInit(c, iv.as_mut_ptr(), key.as_mut_ptr(), key.len() as u32),
                    PS_SUCCESS
                );
                let mut back = vec![0u8; 64];
                assert_eq!(psAesDecrypt(c, out.as_mut_ptr(), back.as_mut_ptr(), 32), 32);
                let (o, b) = (out.as_mut_ptr().add(32), back.as_mut_ptr().add(32));
                assert_eq!(psAesDecrypt(c, o, b, 32), 32);
                assert_eq!(back, pt);
            }
        }
    }

    #[test]
    fn aes_single_blocks_and_argument_errors() {
        // FIPS-197 C.1 (AES-128).
        let key = hex("000102030405060708090a0b0c0d0e0f");
        let pt = hex("00112233445566778899aabbccddeeff");
        let ct = hex("69c4e0d86a7b0430d8cdb78070b4c55a");
        let mut skey = garbage::<psAesKey_t>();
        let mut block = [0u8; 16];
        let mut iv = [0u8; 16];
        // SAFETY: buffers of the stated sizes; NULLs where the API allows them.
        unsafe {
            assert_eq!(
                psAesInitKey(key.as_ptr(), 16, skey.as_mut_ptr()),
                PS_SUCCESS
            );
            psAesEncryptBlock(pt.as_ptr(), block.as_mut_ptr(), skey.as_mut_ptr());
            assert_eq!(block.to_vec(), ct);
            psAesDecryptBlock(block.as_ptr(), block.as_mut_ptr(), skey.as_mut_ptr());
            assert_eq!(block.to_vec(), pt);
            assert_eq!(
                psAesInitKey(key.as_ptr(), 15, skey.as_mut_ptr()),
                CRYPT_INVALID_KEYSIZE
            );
            assert_eq!(
                psAesInitKey(ptr::null(), 16, skey.as_mut_ptr()),
                PS_ARG_FAIL
            );
            psAesEncryptBlock(ptr::null(), block.as_mut_ptr(), skey.as_mut_ptr());

            let mut ctx = garbage::<psCipherContext_t>();
            let c = ctx.as_mut_ptr();
            let k = key.as_ptr().cast_mut();
            assert_eq!(psAesInit(c, iv.as_mut_ptr(), k, 17), CRYPT_INVALID_KEYSIZE);
            assert_eq!(
                psAesInit(ptr::null_mut(), iv.as_mut_ptr(), k, 16),
                PS_ARG_FAIL
            );
            assert_eq!(psAesInit(c, ptr::null_mut(), k, 16), PS_ARG_FAIL);
            assert_eq!(psAesInit(c, iv.as_mut_ptr(), k, 16), PS_SUCCESS);
            let b = block.as_mut_ptr();
            assert_eq!(psAesEncrypt(c, b, b, 8), PS_ARG_FAIL);
            assert_eq!(psAesEncrypt(c, ptr::null_mut(), b, 16), PS_ARG_FAIL);
            assert_eq!(psAesEncrypt(c, b, b, 0), 0);
            // A 3DES context is refused by the AES functions and the reverse.
            assert_eq!(psDes3Encrypt(c, b, b, 8), PS_LIMIT_FAIL);
            let mut k3 = [7u8; 24];
            assert_eq!(
                psDes3Init(c, iv.as_mut_ptr(), k3.as_mut_ptr(), 24),
                PS_SUCCESS
            );
            assert_eq!(psAesEncrypt(c, b, b, 16), PS_LIMIT_FAIL);
        }
    }

    #[test]
    fn des3_cbc_known_answer_and_blocks() {
        // Reproduced with `openssl enc -des-ede3-cbc -nopad -K ... -iv ...`.
        let mut key = hex("0123456789abcdeff1e0d3c2b5a49786fedcba9876543210");
        let mut iv = hex("1234567890abcdef");
        let pt = b"Now is the time for all ".to_vec();
        let ct = hex("4028574611073912081f878167d6698bcb0e79e4c47fb187");
        let mut ctx = garbage::<psCipherContext_t>();
        let c = ctx.as_mut_ptr();
        // SAFETY: buffers of the stated sizes.
        unsafe {
            assert_eq!(
                psDes3Init(c, iv.as_mut_ptr(), key.as_mut_ptr(), 24),
                PS_SUCCESS
            );
            let mut buf = pt.clone();
            let p = buf.as_mut_ptr();
            assert_eq!(psDes3Encrypt(c, p, p, 8), 8);
            assert_eq!(psDes3Encrypt(c, p.add(8), p.add(8), 16), 16);
            assert_eq!(buf, ct);
            assert_eq!(psDes3Encrypt(c, p, p, 12), PS_ARG_FAIL);
            assert_eq!(
                psDes3Init(c, iv.as_mut_ptr(), key.as_mut_ptr(), 24),
                PS_SUCCESS
            );
            assert_eq!(psDes3Decrypt(c, p, p, 24), 24);
            assert_eq!(buf, pt);
            assert_eq!(
                psDes3Init(c, iv.as_mut_ptr(), key.as_mut_ptr(), 16),
                CRYPT_INVALID_KEYSIZE
            );

            // Single blocks: the first CBC block is E(pt ^ iv).
            let mut skey = garbage::<psDes3Key_t>();
            assert_eq!(
                psDes3InitKey(key.as_ptr(), 24, skey.as_mut_ptr()),
                PS_SUCCESS
            );
            let mut block: Vec<u8> = pt[..8].iter().zip(&iv).map(|(a, b)| a ^ b).collect();
            psDes3EncryptBlock(block.as_ptr(), block.as_mut_ptr(), skey.as_mut_ptr());
            assert_eq!(block, ct[..8]);
            psDes3DecryptBlock(block.as_ptr(), block.as_mut_ptr(), skey.as_mut_ptr());
            let back: Vec<u8> = block.iter().zip(&iv).map(|(a, b)| a ^ b).collect();
            assert_eq!(back, pt[..8]);
            assert_eq!(
                psDes3InitKey(key.as_ptr(), 8, skey.as_mut_ptr()),
                CRYPT_INVALID_KEYSIZE
            );
        }
    }

    /// Digest of `data` through the C API, fed in pieces of `step` bytes.
    fn c_digest(sha1: bool, data: &[u8], step: usize) -> Vec<u8> {
        let mut md = garbage::<psDigestContext_t>();
        let m = md.as_mut_ptr();
        let mut out = vec![0u8; if sha1 { 20 } else { 16 }];
        // SAFETY: a context-sized buffer and a digest-sized output.
        unsafe {
            if sha1 {
                psSha1Init(m)
            } else {
                psMd5Init(m)
            }
            for piece in data.chunks(step.max(1)) {
                if sha1 {
                    psSha1Update(m, piece.as_ptr(), piece.len() as u32);
                } else {
                    psMd5Update(m, piece.as_ptr(), piece.len() as u32);
                }
            }
            let n = if sha1 {
                psSha1Final(m, out.as_mut_ptr())
            } else {
                psMd5Final(m, out.as_mut_ptr())
            };
            assert_eq!(n as usize, out.len());
        }
        out
    }

    #[test]
    fn sha1_and_md5_known_answers() {
        let abc_q = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        let cases: [(&[u8], &str, &str); 3] = [
            (
                b"",
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                "d41d8cd98f00b204e9800998ecf8427e",
            ),
            (
                b"abc",
                "a9993e364706816aba3e25717850c26c9cd0d89d",
                "900150983cd24fb0d6963f7d28e17f72",
            ),
            (
                abc_q,
                "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
                "8215ef0796a20bcaaae116d3876c664a",
            ),
        ];
        for (data, sha1, md5) in cases {
            for step in [1, 3, 64, 1000] {
                assert_eq!(c_digest(true, data, step), hex(sha1));
                assert_eq!(c_digest(false, data, step), hex(md5));
            }
        }
        // One million 'a' (FIPS 180 / RFC 1321 test suites).
        let million = vec![b'a'; 1_000_000];
        assert_eq!(
            c_digest(true, &million, 4099),
            hex("34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        );
        assert_eq!(
            c_digest(false, &million, 4099),
            hex("7707d6ae4e027c70eea2a935c2296f21")
        );
    }

    #[test]
    fn digests_match_reference_implementations_at_every_length() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..=data.len() {
            let d = &data[..len];
            let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, d);
            assert_eq!(c_digest(true, d, 1 + len % 67), sha1.as_ref(), "len {len}");
            assert_eq!(
                c_digest(false, d, 1 + len % 61),
                Md5::digest(d).to_vec(),
                "len {len}"
            );
        }
    }

    #[test]
    fn digest_final_rejects_null_and_corrupt_contexts() {
        let mut out = [0u8; 20];
        let mut md = garbage::<psDigestContext_t>();
        // SAFETY: context and output buffers of the right sizes; NULLs are allowed.
        unsafe {
            // Never initialised: curlen is 0xA5A5A5A5.
            assert_eq!(psSha1Final(md.as_mut_ptr(), out.as_mut_ptr()), PS_ARG_FAIL);
            psSha1Update(md.as_mut_ptr(), out.as_ptr(), 20);
            assert_eq!(psSha1Final(ptr::null_mut(), out.as_mut_ptr()), PS_ARG_FAIL);
            psSha1Init(md.as_mut_ptr());
            assert_eq!(psSha1Final(md.as_mut_ptr(), ptr::null_mut()), PS_ARG_FAIL);
            psSha1Update(md.as_mut_ptr(), ptr::null(), 5);
            psSha1Update(ptr::null_mut(), out.as_ptr(), 5);
            psSha1Init(ptr::null_mut());
            assert_eq!(psSha1Final(md.as_mut_ptr(), out.as_mut_ptr()), 20);
            assert_eq!(
                out.to_vec(),
                hex("da39a3ee5e6b4b0d3255bfef95601890afd80709")
            );
            // Final wipes the state.
            assert!(md.assume_init_ref().sha1.state.iter().all(|&w| w == 0));
        }
    }

    /// (HMAC-SHA1?, key, data, expected MAC).
    type HmacCase = (bool, Vec<u8>, Vec<u8>, Vec<u8>);

    /// RFC 2202 test cases for HMAC-SHA1 (`true`) and HMAC-MD5: (sha1?, key, data, mac).
    /// Case 5 (truncated output) is left out; MD5's cases 1 and 3 use 16-byte keys.
    fn rfc2202() -> Vec<HmacCase> {
        let big = b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec();
        let bigger =
            b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data".to_vec();
        let jefe = b"what do ya want for nothing?".to_vec();
        let key4: Vec<u8> = (1..=25).collect();
        vec![
            (
                true,
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                hex("b617318655057264e28bc0b6fb378c8ef146be00"),
            ),
            (
                true,
                b"Jefe".to_vec(),
                jefe.clone(),
                hex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
            ),
            (
                true,
                vec![0xaa; 20],
                vec![0xdd; 50],
                hex("125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
            ),
            (
                true,
                key4.clone(),
                vec![0xcd; 50],
                hex("4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
            ),
            (
                true,
                vec![0xaa; 80],
                big.clone(),
                hex("aa4ae5e15272d00e95705637ce8a3b55ed402112"),
            ),
            (
                true,
                vec![0xaa; 80],
                bigger.clone(),
                hex("e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
            ),
            (
                false,
                vec![0x0b; 16],
                b"Hi There".to_vec(),
                hex("9294727a3638bb1c13f48ef8158bfc9d"),
            ),
            (
                false,
                b"Jefe".to_vec(),
                jefe,
                hex("750c783e6ab0b503eaa86e310a5db738"),
            ),
            (
                false,
                vec![0xaa; 16],
                vec![0xdd; 50],
                hex("56be34521d144c88dbb8c733f0e8b3f6"),
            ),
            (
                false,
                key4,
                vec![0xcd; 50],
                hex("697eaf0aca3a3aea3a75164746ffaa79"),
            ),
            (
                false,
                vec![0xaa; 80],
                big,
                hex("6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"),
            ),
            (
                false,
                vec![0xaa; 80],
                bigger,
                hex("6f630fad67cda0ee1fb1f562db3aa53e"),
            ),
        ]
    }

    #[test]
    fn hmac_rfc2202_one_shot_and_streaming() {
        for (use_sha1, mut key, data, expected) in rfc2202() {
            let size = expected.len();
            let mut hash = vec![0u8; size];
            let mut used = [0u8; 20];
            let mut used_len = 0u32;
            // SAFETY: buffers of the stated sizes; a context-sized context.
            unsafe {
                let f = if use_sha1 { psHmacSha1 } else { psHmacMd5 };
                let rc = f(
                    key.as_mut_ptr(),
                    key.len() as u32,
                    data.as_ptr(),
                    data.len() as u32,
                    hash.as_mut_ptr(),
                    used.as_mut_ptr(),
                    &mut used_len,
                );
                assert_eq!(rc as usize, size);
                assert_eq!(hash, expected);
                if key.len() > 64 {
                    let kh = if use_sha1 {
                        HashAlgorithm::Sha1
                    } else {
                        HashAlgorithm::Md5
                    };
                    assert_eq!(used_len as usize, size);
                    assert_eq!(used[..size], kh.digest(&key)[..]);
                } else {
                    assert_eq!(used_len as usize, key.len());
                    assert_eq!(used, [0u8; 20], "hmacKey untouched for short keys");
                }

                let mut ctx = garbage::<psHmacContext_t>();
                let c = ctx.as_mut_ptr();
                let mut out = vec![0u8; size];
                if use_sha1 {
                    psHmacSha1Init(c, key.as_mut_ptr(), key.len() as u32);
                    for piece in data.chunks(7) {
                        psHmacSha1Update(c, piece.as_ptr(), piece.len() as u32);
                    }
                    assert_eq!(psHmacSha1Final(c, out.as_mut_ptr()), 20);
                } else {
                    psHmacMd5Init(c, key.as_mut_ptr(), key.len() as u32);
                    for piece in data.chunks(7) {
                        psHmacMd5Update(c, piece.as_ptr(), piece.len() as u32);
                    }
                    assert_eq!(psHmacMd5Final(c, out.as_mut_ptr()), 16);
                }
                assert_eq!(out, expected);
                assert_eq!(ctx.assume_init_ref().pad, [0u8; 64], "pad wiped");
            }
        }
    }

    #[test]
    fn hmac_argument_errors() {
        let mut key = [1u8; 80];
        let mut hash = [0u8; 20];
        let mut n = 0u32;
        // SAFETY: NULLs where tested, valid buffers elsewhere.
        unsafe {
            let d = b"x".as_ptr();
            let h = hash.as_mut_ptr();
            assert_eq!(
                psHmacSha1(key.as_mut_ptr(), 80, d, 1, h, ptr::null_mut(), &mut n),
                PS_ARG_FAIL
            );
            assert_eq!(
                psHmacSha1(key.as_mut_ptr(), 8, d, 1, h, ptr::null_mut(), &mut n),
                20
            );
            assert_eq!(n, 8);
            assert_eq!(
                psHmacMd5(ptr::null_mut(), 8, d, 1, h, ptr::null_mut(), &mut n),
                PS_ARG_FAIL
            );
            assert_eq!(
                psHmacMd5(
                    key.as_mut_ptr(),
                    8,
                    d,
                    1,
                    ptr::null_mut(),
                    ptr::null_mut(),
                    &mut n
                ),
                PS_ARG_FAIL
            );
            assert_eq!(
                psHmacMd5(
                    key.as_mut_ptr(),
                    8,
                    d,
                    1,
                    h,
                    ptr::null_mut(),
                    ptr::null_mut()
                ),
                PS_ARG_FAIL
            );
            assert_eq!(psHmacSha1Final(ptr::null_mut(), h), PS_ARG_FAIL);
            psHmacSha1Init(ptr::null_mut(), key.as_mut_ptr(), 8);
            psHmacSha1Update(ptr::null_mut(), d, 1);
        }
    }

    #[test]
    fn pbkdf2_rfc6070() {
        let cases: [(&[u8], &[u8], i32, &str); 5] = [
            (
                b"password",
                b"salt",
                1,
                "0c60c80f961f0e71f3a9b524af6012062fe037a6",
            ),
            (
                b"password",
                b"salt",
                2,
                "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957",
            ),
            (
                b"password",
                b"salt",
                4096,
                "4b007901b765489abead49d926f721d065a429c1",
            ),
            (
                b"passwordPASSWORDpassword",
                b"saltSALTsaltSALTsaltSALTsaltSALTsalt",
                4096,
                "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038",
            ),
            (
                b"pass\0word",
                b"sa\0lt",
                4096,
                "56fa6aa75548099dcc37d7f03425e0c3",
            ),
        ];
        for (pass, salt, rounds, expected) in cases {
            let expected = hex(expected);
            let mut out = vec![0u8; expected.len()];
            // SAFETY: buffers of the stated sizes.
            unsafe {
                pkcs5pbkdf2(
                    pass.as_ptr().cast_mut(),
                    pass.len() as u32,
                    salt.as_ptr().cast_mut(),
                    salt.len() as u32,
                    rounds,
                    out.as_mut_ptr(),
                    out.len() as u32,
                )
            };
            assert_eq!(out, expected);
        }
        // rounds 0 counts as 1; NULL output does nothing.
        let mut out = [0u8; 20];
        // SAFETY: as above.
        unsafe {
            pkcs5pbkdf2(
                b"password".as_ptr().cast_mut(),
                8,
                b"salt".as_ptr().cast_mut(),
                4,
                0,
                out.as_mut_ptr(),
                20,
            );
            pkcs5pbkdf2(
                b"password".as_ptr().cast_mut(),
                8,
                b"salt".as_ptr().cast_mut(),
                4,
                1,
                ptr::null_mut(),
                20,
            );
        }
        assert_eq!(
            out.to_vec(),
            hex("0c60c80f961f0e71f3a9b524af6012062fe037a6")
        );
    }

    #[test]
    fn pbkdf1_matches_openssl_bytes_to_key() {
        // `openssl enc -des-ede3-cbc -md md5 -S 0102030405060708 -pass pass:secret -P`.
        let mut salt = hex("0102030405060708");
        let mut key = [0u8; 24];
        // SAFETY: 6-byte password, 8-byte salt, 24-byte output.
        unsafe {
            pkcs5pbkdf1(
                b"secret".as_ptr().cast_mut(),
                6,
                salt.as_mut_ptr(),
                1,
                key.as_mut_ptr(),
            )
        };
        assert_eq!(
            key.to_vec(),
            hex("C9E5A1BD216DBE1317E230CEF48F38EE7F0E17AD64022144")
        );
        // Two iterations, by hand.
        let d1 = Md5::digest(Md5::digest(b"secret\x01\x02\x03\x04\x05\x06\x07\x08"));
        let mut second = d1.to_vec();
        second.extend_from_slice(b"secret\x01\x02\x03\x04\x05\x06\x07\x08");
        let d2 = Md5::digest(Md5::digest(&second));
        // SAFETY: as above.
        unsafe {
            pkcs5pbkdf1(
                b"secret".as_ptr().cast_mut(),
                6,
                salt.as_mut_ptr(),
                2,
                key.as_mut_ptr(),
            )
        };
        assert_eq!(key[..16], d1[..]);
        assert_eq!(key[16..], d2[..8]);
        assert_eq!(
            aes_key_material(b"secret", &[1, 2, 3, 4, 5, 6, 7, 8], 32)[..24],
            *pbkdf1(b"secret", &[1, 2, 3, 4, 5, 6, 7, 8], 1)
        );
    }

    fn b64(text: &[u8], room: u32) -> Result<Vec<u8>, i32> {
        let mut out = vec![0u8; room as usize];
        let mut len = room;
        // SAFETY: `text` readable, `out` has `room` bytes.
        let rc =
            unsafe { psBase64decode(text.as_ptr(), text.len() as u32, out.as_mut_ptr(), &mut len) };
        if rc != PS_SUCCESS {
            assert_eq!(len, room, "outlen untouched on failure");
            return Err(rc);
        }
        out.truncate(len as usize);
        Ok(out)
    }

    #[test]
    fn base64_decoding() {
        assert_eq!(b64(b"", 0), Ok(vec![]));
        assert_eq!(b64(b"Zg==", 1), Ok(b"f".to_vec()));
        assert_eq!(b64(b"Zm8=", 5), Ok(b"fo".to_vec()));
        assert_eq!(b64(b"Zm9vYmFy", 6), Ok(b"foobar".to_vec()));
        assert_eq!(b64(b"Zm9v\r\nYm\tFy\n", 6), Ok(b"foobar".to_vec()));
        assert_eq!(b64(b"+/+/AA==", 4), Ok(vec![0xfb, 0xff, 0xbf, 0]));
        let all: Vec<u8> = (0..=255).collect();
        let text = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==";
        assert_eq!(b64(text.as_bytes(), 256), Ok(all));
        assert_eq!(b64(b"Zm9vYmFy", 5), Err(PS_LIMIT_FAIL));
        assert_eq!(b64(b"Zm9vYmF", 8), Err(PS_PARSE_FAIL));
        assert_eq!(b64(b"Zg==Zg==", 8), Err(PS_PARSE_FAIL));
        assert_eq!(b64(b"Z===", 8), Err(PS_PARSE_FAIL));
        let mut n = 4u32;
        // SAFETY: NULL arguments are rejected before use.
        unsafe {
            assert_eq!(
                psBase64decode(ptr::null(), 4, [0u8; 4].as_mut_ptr(), &mut n),
                PS_ARG_FAIL
            );
            assert_eq!(
                psBase64decode(b"Zg==".as_ptr(), 4, ptr::null_mut(), &mut n),
                PS_ARG_FAIL
            );
            assert_eq!(
                psBase64decode(b"Zg==".as_ptr(), 4, [0u8; 4].as_mut_ptr(), ptr::null_mut()),
                PS_ARG_FAIL
            );
        }
        // In place.
        let mut buf = b"Zm9vYmFy".to_vec();
        let mut len = 8u32;
        // SAFETY: `buf` is 8 bytes, read and written through the same pointer.
        let rc = unsafe { psBase64decode(buf.as_ptr(), 8, buf.as_mut_ptr(), &mut len) };
        assert_eq!((rc, len), (PS_SUCCESS, 6));
        assert_eq!(&buf[..6], b"foobar");
    }

    /// A parsed private key from DER via the C API.
    fn parse_pkcs1(der: &mut [u8]) -> *mut psPubKey_t {
        let mut key = ptr::null_mut();
        // SAFETY: `der` readable, `key` writable.
        let rc = unsafe {
            pkcs1ParsePrivBin(
                ptr::null_mut(),
                der.as_mut_ptr(),
                der.len() as u32,
                &mut key,
            )
        };
        assert_eq!(rc, PS_SUCCESS);
        assert!(!key.is_null());
        key
    }

    /// `&key->key->rsa`.
    fn rsa_of(key: *mut psPubKey_t) -> *mut psRsaKey_t {
        // SAFETY: `key` is a live key from this module.
        unsafe { (*key).key.cast::<psRsaKey_t>() }
    }

    #[test]
    fn rsa_round_trips_with_parsed_and_certificate_keys() {
        let mut der = test_ca_key_der();
        let key = parse_pkcs1(&mut der);
        let rsa = rsa_of(key);
        // SAFETY: live key structs from this module; buffers of the stated sizes.
        unsafe {
            assert_eq!(((*key).r#type, (*key).keysize), (PS_RSA, 128));
            assert_eq!(((*rsa).size, (*rsa).optimized), (128, 1));

            let mut msg = *b"premaster secret, forty-eight bytes long........";
            let mut ct = [0u8; 128];
            let n = psRsaEncryptPub(
                ptr::null_mut(),
                rsa,
                msg.as_mut_ptr(),
                48,
                ct.as_mut_ptr(),
                128,
            );
            assert_eq!(n, 128);
            let mut pt = [0u8; 48];
            assert_eq!(
                psRsaDecryptPriv(
                    ptr::null_mut(),
                    rsa,
                    ct.as_mut_ptr(),
                    128,
                    pt.as_mut_ptr(),
                    48
                ),
                48
            );
            assert_eq!(pt, msg);
            // The plaintext length must be exactly `outlen` (3.3).
            assert_eq!(
                psRsaDecryptPriv(
                    ptr::null_mut(),
                    rsa,
                    ct.as_mut_ptr(),
                    128,
                    pt.as_mut_ptr(),
                    47
                ),
                PS_FAILURE
            );
            assert_eq!(
                psRsaDecryptPriv(
                    ptr::null_mut(),
                    rsa,
                    ct.as_mut_ptr(),
                    127,
                    pt.as_mut_ptr(),
                    48
                ),
                PS_ARG_FAIL
            );
            ct[5] ^= 1;
            assert_eq!(
                psRsaDecryptPriv(
                    ptr::null_mut(),
                    rsa,
                    ct.as_mut_ptr(),
                    128,
                    pt.as_mut_ptr(),
                    48
                ),
                PS_FAILURE
            );
            assert_eq!(
                psRsaEncryptPub(
                    ptr::null_mut(),
                    rsa,
                    msg.as_mut_ptr(),
                    48,
                    ct.as_mut_ptr(),
                    127
                ),
                PS_ARG_FAIL
            );
            let mut long = [1u8; 118];
            assert_eq!(
                psRsaEncryptPub(
                    ptr::null_mut(),
                    rsa,
                    long.as_mut_ptr(),
                    118,
                    ct.as_mut_ptr(),
                    128
                ),
                PS_ARG_FAIL
            );

            // Signature: raw private operation on a type-1 block, recovered with the public one.
            let digest_info = [0x42u8; 35];
            let mut em = vec![0xffu8; 128];
            em[0] = 0;
            em[1] = 1;
            em[128 - 36] = 0;
            em[128 - 35..].copy_from_slice(&digest_info);
            let mut sig = [0u8; 128];
            let mut sig_len = 128u32;
            assert_eq!(
                psRsaCrypt(
                    ptr::null_mut(),
                    em.as_ptr(),
                    128,
                    sig.as_mut_ptr(),
                    &mut sig_len,
                    rsa,
                    PRIVKEY_TYPE
                ),
                PS_SUCCESS
            );
            assert_eq!(sig_len, 128);
            let mut recovered = [0u8; 35];
            assert_eq!(
                psRsaDecryptPub(
                    ptr::null_mut(),
                    rsa,
                    sig.as_mut_ptr(),
                    128,
                    recovered.as_mut_ptr(),
                    35
                ),
                PS_SUCCESS
            );
            assert_eq!(recovered, digest_info);
            assert_eq!(
                psRsaDecryptPub(
                    ptr::null_mut(),
                    rsa,
                    sig.as_mut_ptr(),
                    128,
                    recovered.as_mut_ptr(),
                    34
                ),
                PS_LIMIT_FAIL
            );
            // Raw public operation undoes the private one, in place.
            let mut buf = sig;
            let mut len = 128u32;
            assert_eq!(
                psRsaCrypt(
                    ptr::null_mut(),
                    buf.as_ptr(),
                    128,
                    buf.as_mut_ptr(),
                    &mut len,
                    rsa,
                    PUBKEY_TYPE
                ),
                PS_SUCCESS
            );
            assert_eq!(buf.to_vec(), em);
            let big = [0xffu8; 128];
            assert_eq!(
                psRsaCrypt(
                    ptr::null_mut(),
                    big.as_ptr(),
                    128,
                    buf.as_mut_ptr(),
                    &mut len,
                    rsa,
                    PUBKEY_TYPE
                ),
                PS_LIMIT_FAIL
            );
            let mut small = 64u32;
            assert_eq!(
                psRsaCrypt(
                    ptr::null_mut(),
                    em.as_ptr(),
                    128,
                    buf.as_mut_ptr(),
                    &mut small,
                    rsa,
                    PUBKEY_TYPE
                ),
                PS_LIMIT_FAIL
            );
            assert_eq!(
                psRsaCrypt(
                    ptr::null_mut(),
                    em.as_ptr(),
                    128,
                    buf.as_mut_ptr(),
                    &mut len,
                    rsa,
                    3
                ),
                PS_ARG_FAIL
            );

            // The certificate's public key encrypts for the private key, but cannot decrypt.
            let _serial = PARSED_CHAINS_TEST_LOCK
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let mut cert_der = test_ca_der();
            let mut cert = ptr::null_mut();
            assert!(
                psX509ParseCert(
                    ptr::null_mut(),
                    cert_der.as_mut_ptr(),
                    cert_der.len() as u32,
                    &mut cert,
                    0
                ) > 0
            );
            let cert_rsa = (*cert).publicKey.key.cast::<psRsaKey_t>();
            let n = psRsaEncryptPub(
                ptr::null_mut(),
                cert_rsa,
                msg.as_mut_ptr(),
                48,
                ct.as_mut_ptr(),
                128,
            );
            assert_eq!(n, 128);
            assert_eq!(
                psRsaDecryptPriv(
                    ptr::null_mut(),
                    rsa,
                    ct.as_mut_ptr(),
                    128,
                    pt.as_mut_ptr(),
                    48
                ),
                48
            );
            assert_eq!(pt, msg);
            assert_eq!(
                psRsaDecryptPriv(
                    ptr::null_mut(),
                    cert_rsa,
                    ct.as_mut_ptr(),
                    128,
                    pt.as_mut_ptr(),
                    48
                ),
                PS_ARG_FAIL
            );
            assert_eq!(
                psRsaDecryptPub(
                    ptr::null_mut(),
                    cert_rsa,
                    sig.as_mut_ptr(),
                    128,
                    recovered.as_mut_ptr(),
                    35
                ),
                PS_SUCCESS
            );
            psX509FreeCert(cert);
            // Once freed, the certificate's key is unknown.
            assert_eq!(
                psRsaEncryptPub(
                    ptr::null_mut(),
                    cert_rsa,
                    msg.as_mut_ptr(),
                    48,
                    ct.as_mut_ptr(),
                    128
                ),
                PS_ARG_FAIL
            );

            psFreePubKey(key);
            assert_eq!(
                psRsaEncryptPub(
                    ptr::null_mut(),
                    rsa,
                    msg.as_mut_ptr(),
                    48,
                    ct.as_mut_ptr(),
                    128
                ),
                PS_ARG_FAIL
            );
            psFreePubKey(key);
            psFreePubKey(ptr::null_mut());
        }
    }

    #[test]
    fn rsa_decrypts_what_openssl_encrypted() {
        let dir = TempDir::new("crypto-api-rsa");
        let mut der = test_ca_key_der();
        std::fs::write(dir.path("key.der"), &der).unwrap();
        std::fs::write(dir.path("msg"), b"sixteen byte msg").unwrap();
        openssl(
            &dir,
            &[
                "pkeyutl", "-encrypt", "-inkey", "key.der", "-keyform", "DER", "-in", "msg",
                "-out", "ct",
            ],
        );
        let mut ct = std::fs::read(dir.path("ct")).unwrap();
        let key = parse_pkcs1(&mut der);
        let mut pt = [0u8; 16];
        // SAFETY: live key; buffers of the stated sizes.
        unsafe {
            assert_eq!(
                psRsaDecryptPriv(
                    ptr::null_mut(),
                    rsa_of(key),
                    ct.as_mut_ptr(),
                    128,
                    pt.as_mut_ptr(),
                    16
                ),
                16
            );
            psFreePubKey(key);
        }
        assert_eq!(&pt, b"sixteen byte msg");
    }

    #[test]
    fn key_parsers_and_blank_keys() {
        let dir = TempDir::new("crypto-api-keys");
        let der = test_ca_key_der();
        std::fs::write(dir.path("key.der"), &der).unwrap();
        openssl(
            &dir,
            &[
                "pkcs8", "-topk8", "-nocrypt", "-inform", "DER", "-in", "key.der", "-outform",
                "DER", "-out", "p8.der",
            ],
        );
        openssl(
            &dir,
            &[
                "pkcs8",
                "-topk8",
                "-inform",
                "DER",
                "-in",
                "key.der",
                "-v2",
                "des3",
                "-v2prf",
                "hmacWithSHA1",
                "-passout",
                "pass:secret",
                "-outform",
                "DER",
                "-out",
                "p8enc.der",
            ],
        );
        openssl(
            &dir,
            &[
                "rsa",
                "-inform",
                "DER",
                "-in",
                "key.der",
                "-traditional",
                "-des3",
                "-passout",
                "pass:secret",
                "-out",
                "legacy-des3.pem",
            ],
        );
        openssl(
            &dir,
            &[
                "rsa",
                "-inform",
                "DER",
                "-in",
                "key.der",
                "-traditional",
                "-aes256",
                "-passout",
                "pass:secret",
                "-out",
                "legacy-aes.pem",
            ],
        );
        openssl(
            &dir,
            &[
                "rsa",
                "-inform",
                "DER",
                "-in",
                "key.der",
                "-traditional",
                "-out",
                "plain.pem",
            ],
        );
        let secret = CString::new("secret").unwrap();
        let wrong = CString::new("wrong").unwrap();
        let path = |n: &str| CString::new(dir.path_str(n)).unwrap();
        // SAFETY: C strings and buffers of the stated sizes; keys freed once.
        unsafe {
            for (file, pass) in [("p8.der", None), ("p8enc.der", Some(&secret))] {
                let mut bytes = std::fs::read(dir.path(file)).unwrap();
                let mut key = ptr::dangling_mut();
                let pass = pass.map_or(ptr::null_mut(), |p| p.as_ptr().cast_mut());
                let rc = pkcs8ParsePrivBin(
                    ptr::null_mut(),
                    bytes.as_mut_ptr(),
                    bytes.len() as i32,
                    pass,
                    &mut key,
                );
                assert_eq!(rc, PS_SUCCESS, "{file}");
                assert_eq!((*rsa_of(key)).size, 128);
                psFreePubKey(key);
            }
            // pkcs1ParsePrivBin takes PKCS#8 too (what `openssl rsa -outform DER` writes).
            let mut p8 = std::fs::read(dir.path("p8.der")).unwrap();
            let mut key = ptr::null_mut();
            let rc = pkcs1ParsePrivBin(ptr::null_mut(), p8.as_mut_ptr(), p8.len() as u32, &mut key);
            assert_eq!(rc, PS_SUCCESS);
            psFreePubKey(key);
            let mut enc = std::fs::read(dir.path("p8enc.der")).unwrap();
            let mut key = ptr::dangling_mut();
            let rc = pkcs8ParsePrivBin(
                ptr::null_mut(),
                enc.as_mut_ptr(),
                enc.len() as i32,
                wrong.as_ptr().cast_mut(),
                &mut key,
            );
            assert_eq!((rc, key), (PS_FAILURE, ptr::null_mut()));
            let rc = pkcs8ParsePrivBin(
                ptr::null_mut(),
                enc.as_mut_ptr(),
                -1,
                ptr::null_mut(),
                &mut key,
            );
            assert_eq!(rc, PS_ARG_FAIL);
            let mut junk = [0x30u8, 0x03, 0x02, 0x01, 0x00];
            assert_eq!(
                pkcs1ParsePrivBin(ptr::null_mut(), junk.as_mut_ptr(), 5, &mut key),
                PS_PARSE_FAIL
            );
            assert!(key.is_null());

            for file in ["plain.pem", "legacy-des3.pem", "legacy-aes.pem"] {
                let mut key = ptr::null_mut();
                let rc = pkcs1ParsePrivFile(
                    ptr::null_mut(),
                    path(file).as_ptr().cast_mut(),
                    secret.as_ptr().cast_mut(),
                    &mut key,
                );
                assert_eq!(rc, PS_SUCCESS, "{file}");
                psFreePubKey(key);

                let mut out = ptr::null_mut();
                let mut len = 0u32;
                let rc = pkcs1DecodePrivFile(
                    ptr::null_mut(),
                    path(file).as_ptr().cast_mut(),
                    secret.as_ptr().cast_mut(),
                    &mut out,
                    &mut len,
                );
                assert_eq!(rc, PS_SUCCESS, "{file}");
                assert_eq!(
                    std::slice::from_raw_parts(out, len as usize),
                    &der[..],
                    "{file}"
                );
                libc::free(out.cast());
            }
            let mut out = ptr::null_mut();
            let mut len = 0u32;
            let f = path("legacy-des3.pem");
            assert_eq!(
                pkcs1DecodePrivFile(
                    ptr::null_mut(),
                    f.as_ptr().cast_mut(),
                    wrong.as_ptr().cast_mut(),
                    &mut out,
                    &mut len
                ),
                PS_FAILURE
            );
            assert_eq!(
                pkcs1DecodePrivFile(
                    ptr::null_mut(),
                    f.as_ptr().cast_mut(),
                    ptr::null_mut(),
                    &mut out,
                    &mut len
                ),
                PS_ARG_FAIL
            );
            assert!(out.is_null());
            let missing = path("missing.pem");
            assert_eq!(
                pkcs1ParsePrivFile(
                    ptr::null_mut(),
                    missing.as_ptr().cast_mut(),
                    ptr::null_mut(),
                    &mut key
                ),
                PS_PLATFORM_FAIL
            );

            let blank = psNewPubKey(ptr::null_mut());
            assert!(!blank.is_null());
            assert_eq!(((*blank).r#type, (*blank).keysize), (0, 0));
            assert_eq!((*rsa_of(blank)).size, 0);
            let mut m = [0u8; 4];
            let mut c = [0u8; 256];
            assert_eq!(
                psRsaEncryptPub(
                    ptr::null_mut(),
                    rsa_of(blank),
                    m.as_mut_ptr(),
                    4,
                    c.as_mut_ptr(),
                    256
                ),
                PS_ARG_FAIL
            );
            psFreePubKey(blank);
        }
    }

    /// Writes PEM text to `dir/name` and returns the path as a C string.
    fn pem_file(dir: &TempDir, name: &str, parts: &[&[u8]]) -> CString {
        std::fs::write(dir.path(name), parts.concat()).unwrap();
        CString::new(dir.path_str(name)).unwrap()
    }

    fn parse_file(name: &CString) -> (i32, *mut psX509Cert_t) {
        let mut out = ptr::dangling_mut();
        // SAFETY: a C string and a writable out-pointer.
        let rc =
            unsafe { psX509ParseCertFile(ptr::null_mut(), name.as_ptr().cast_mut(), &mut out, 0) };
        (rc, out)
    }

    /// The `authStatus` values along a chain.
    fn statuses(mut c: *mut psX509Cert_t) -> Vec<i32> {
        let mut v = Vec::new();
        while !c.is_null() {
            // SAFETY: a live chain.
            unsafe {
                v.push((*c).authStatus);
                c = (*c).next;
            }
        }
        v
    }

    #[test]
    fn parse_cert_file_and_authenticate() {
        let pki = testpki::std_pki();
        let dir = TempDir::new("crypto-api-x509");
        let chain_f = pem_file(
            &dir,
            "chain.pem",
            &[&pki.leaf.cert_pem, &pki.inter.cert_pem],
        );
        let root_f = pem_file(&dir, "root.pem", &[&pki.root.cert_pem]);
        let other_f = pem_file(&dir, "other.pem", &[&pki.other_root.cert_pem]);
        let key_f = pem_file(&dir, "key.pem", &[&pki.leaf.key_pem]);
        let _serial = PARSED_CHAINS_TEST_LOCK
            .lock()
            .unwrap_or_else(PoisonError::into_inner);

        let (rc, chain) = parse_file(&chain_f);
        assert_eq!(rc, PS_SUCCESS);
        let (_, root) = parse_file(&root_f);
        let (_, other) = parse_file(&other_f);
        assert_eq!(statuses(chain).len(), 2);
        // SAFETY: live chains from psX509ParseCertFile, freed once at the end.
        unsafe {
            assert_eq!(
                psX509AuthenticateCert(ptr::null_mut(), chain, root),
                PS_SUCCESS
            );
            assert_eq!(statuses(chain), [1, 1]);
            assert_eq!(
                psX509AuthenticateCert(ptr::null_mut(), chain, other),
                PS_CERT_AUTH_FAIL_DN
            );
            assert_eq!(statuses(chain), [1, PS_CERT_AUTH_FAIL_DN]);
            // Self-signed root; a leaf alone is not self-signed.
            assert_eq!(
                psX509AuthenticateCert(ptr::null_mut(), root, ptr::null_mut()),
                PS_SUCCESS
            );
            assert_eq!(statuses(root), [1]);
            let rc = psX509AuthenticateCert(ptr::null_mut(), chain, ptr::null_mut());
            assert_eq!(rc, PS_CERT_AUTH_FAIL_DN);
            assert_eq!(statuses(chain), [1, PS_CERT_AUTH_FAIL_DN]);
            // The issuer must be a single certificate; the subject may not be NULL.
            assert_eq!(
                psX509AuthenticateCert(ptr::null_mut(), root, chain),
                PS_ARG_FAIL
            );
            assert_eq!(
                psX509AuthenticateCert(ptr::null_mut(), ptr::null_mut(), root),
                PS_ARG_FAIL
            );
            // The intermediate alone, inside the chain, against the root.
            assert_eq!(
                psX509AuthenticateCert(ptr::null_mut(), (*chain).next, root),
                PS_SUCCESS
            );

            // A tampered signature: DN and cA fine, signature not.
            let mut der = pki.leaf.cert_der.clone();
            let last = der.len() - 1;
            der[last] ^= 1;
            let mut bad = ptr::null_mut();
            assert!(
                psX509ParseCert(
                    ptr::null_mut(),
                    der.as_mut_ptr(),
                    der.len() as u32,
                    &mut bad,
                    0
                ) > 0
            );
            assert_eq!(
                psX509AuthenticateCert(ptr::null_mut(), bad, (*chain).next),
                PS_CERT_AUTH_FAIL_SIG
            );
            assert_eq!(statuses(bad), [PS_CERT_AUTH_FAIL_SIG]);
            psX509FreeCert(bad);

            // A certificate struct the library did not make.
            let fake = MaybeUninit::<psX509Cert_t>::zeroed().assume_init();
            let fake_ptr = (&fake as *const psX509Cert_t).cast_mut();
            assert_eq!(
                psX509AuthenticateCert(ptr::null_mut(), fake_ptr, root),
                PS_ARG_FAIL
            );

            for c in [chain, root, other] {
                psX509FreeCert(c);
            }
        }
        // File errors.
        let (rc, out) = parse_file(&key_f);
        assert_eq!((rc, out), (PS_PARSE_FAIL, ptr::null_mut()));
        let missing = CString::new(dir.path_str("missing.pem")).unwrap();
        assert_eq!(parse_file(&missing).0, PS_PLATFORM_FAIL);
        let both = CString::new(format!(
            "{};{}",
            dir.path_str("root.pem"),
            dir.path_str("other.pem")
        ))
        .unwrap();
        let (rc, two) = parse_file(&both);
        assert_eq!(rc, PS_SUCCESS);
        assert_eq!(statuses(two).len(), 2);
        // SAFETY: a live chain, freed once; NULL file name rejected.
        unsafe {
            psX509FreeCert(two);
            let mut out = ptr::null_mut();
            assert_eq!(
                psX509ParseCertFile(ptr::null_mut(), ptr::null_mut(), &mut out, 0),
                PS_ARG_FAIL
            );
        }
    }

    #[test]
    fn random_numbers() {
        let mut a = [0u8; 64];
        let mut b = [0u8; 64];
        let mut ctx = garbage::<psRandom_t>();
        // SAFETY: buffers of the stated sizes; contexts of the right types.
        unsafe {
            assert_eq!(psInitPrng(ctx.as_mut_ptr()), PS_SUCCESS);
            assert_eq!(ctx.assume_init_ref().bytecount, 0);
            assert_eq!(psGetPrng(ctx.as_mut_ptr(), a.as_mut_ptr(), 64), 64);
            assert_eq!(psGetPrng(ptr::null_mut(), b.as_mut_ptr(), 64), 64);
            assert_ne!(a, b);
            assert_eq!(psGetPrng(ptr::null_mut(), ptr::null_mut(), 4), PS_ARG_FAIL);
            assert_eq!(psGetPrng(ptr::null_mut(), b.as_mut_ptr(), 0), 0);
            assert_eq!(psInitPrng(ptr::null_mut()), PS_ARG_FAIL);

            let mut y = garbage::<psYarrow_t>();
            let yp = y.as_mut_ptr();
            assert_eq!(psYarrowStart(yp), PS_SUCCESS);
            assert_eq!(psYarrowAddEntropy(a.as_mut_ptr(), 64, yp), PS_SUCCESS);
            assert_eq!(psYarrowAddEntropy(ptr::null_mut(), 64, yp), PS_ARG_FAIL);
            assert_eq!(psYarrowReseed(yp), PS_SUCCESS);
            assert_eq!(psYarrowRead(b.as_mut_ptr(), 64, yp), 64);
            assert_eq!(psYarrowRead(b.as_mut_ptr(), 64, ptr::null_mut()), 0);
            let mut len = 10u32;
            assert_eq!(psYarrowExport(a.as_mut_ptr(), &mut len, yp), PS_LIMIT_FAIL);
            assert_eq!(len, 64);
            assert_eq!(psYarrowExport(a.as_mut_ptr(), &mut len, yp), PS_SUCCESS);
            assert_eq!(psYarrowImport(a.as_mut_ptr(), 64, yp), PS_SUCCESS);
            assert_eq!(psYarrowImport(a.as_mut_ptr(), 63, yp), PS_ARG_FAIL);
            assert_eq!(psYarrowDone(yp), PS_SUCCESS);
            assert_eq!(psYarrowStart(ptr::null_mut()), PS_ARG_FAIL);
        }
    }
}
