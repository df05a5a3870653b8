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
//!   64-byte buffer). Each call resumes the core's block hasher (`crypto::mdhash::Hasher`)
//!   from those fields and stores it back.
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
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use zeroize::{Zeroize, Zeroizing};

use crate::crypto::hash::{HashAlgorithm, hmac};
use crate::crypto::mdhash::{BlockHash, Hasher, Md5, Sha1};
use crate::crypto::rsa::{RsaPrivateKey, RsaPublicKey};
use crate::error::{
    PS_ARG_FAIL, PS_FAILURE, PS_LIMIT_FAIL, PS_MEM_FAIL, PS_PARSE_FAIL, PS_SUCCESS,
    PS_UNSUPPORTED_FAIL,
};
use crate::ffi::x509::{
    Owned, PS_RSA, indexed_certificate, indexed_rsa_key_owner, psPool_t, psPubKey_t, psRsaKey_t,
    psX509Cert_t, pstm_int, pubKeyUnion_t, register_parsed_chain,
};
use crate::ffi::{cstr_or_none, fill_random, guard, malloc_copy_nul, slice_or_none};
use crate::pki::keycrypt::evp_bytes_to_key;
use crate::pki::load::{read_cert_files, read_file};
use crate::pki::pem::decode_base64_skipping;
use crate::pki::privkey::private_key_der;
use crate::pki::verify::authenticate_links;
use crate::pki::{PrivateKey, PublicKey};

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

mod base64;
mod cipher;
mod digest;
mod hmac;
mod keys;
mod pkcs5;
mod random;
mod rsa;
mod x509;
pub use base64::*;
pub use cipher::*;
pub use digest::*;
pub use hmac::*;
pub use keys::*;
pub use pkcs5::*;
pub use random::*;
pub use rsa::*;
pub use x509::*;
