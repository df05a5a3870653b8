//! C views of certificates and public keys.
//!
//! * `#[repr(C)]` mirrors of the MatrixSSL 3.3 structs applications read (`psX509Cert_t` and
//!   its parts, `psPubKey_t`, `psRsaKey_t`, `pstm_int`; ABI.md §6.3–§6.9), with compile-time
//!   size and offset checks against the measured 3.3 layout.
//! * [`CertChainView`]: builds a `next`-linked chain of those structs from parsed
//!   [`Certificate`]s and owns every allocation the C structs point to.
//! * The Tier C exports `psX509ParseCert` / `psX509FreeCert` (ABI.md §4.5).
//!
//! Ownership scheme: every C struct and every byte buffer is a separate heap allocation held
//! through an [`Owned`] raw pointer, never through a `Box` or `Vec` that could move or be
//! reborrowed while C holds pointers into it. Allocations are only created while a view is
//! being built and only freed when the view is dropped, so every pointer a view hands out
//! stays valid (and at the same address) for the view's whole life.

#![allow(non_camel_case_types, non_snake_case)]

use core::ffi::c_char;
use core::ptr::{self, NonNull};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::{PS_ARG_FAIL, PS_FAILURE, PS_LIMIT_FAIL, PS_PARSE_FAIL};
use crate::ffi::guard;
use crate::pki::certificate::parse_der_chain;
use crate::pki::{Certificate, DistinguishedName, DnAttribute, GeneralName, PublicKey};

/// `psPool_t`: an opaque tag type; pool pointers are always NULL (ABI.md §2).
pub type psPool_t = i32;
/// `pstm_digit` in the headers' view (ABI.md §2).
pub type pstm_digit = u32;

/// `psPubKey_t.type` values (ABI.md §5.9).
pub const PS_RSA: i32 = 1;
pub const PS_ECC: i32 = 2;
/// `psX509ParseCert` flags (ABI.md §5.9).
pub const CERT_STORE_UNPARSED_BUFFER: i32 = 0x1;
pub const CERT_STORE_DN_BUFFER: i32 = 0x2;

/// `pstm_int` (ABI.md §6.9). The library leaves every big integer zero/NULL: the real key
/// material lives in the Rust core, and 3.3 applications could not interpret `dp` anyway.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct pstm_int {
    pub used: i16,
    pub alloc: i16,
    pub sign: i16,
    pub dp: *mut pstm_digit,
}

impl pstm_int {
    const ZERO: pstm_int = pstm_int {
        used: 0,
        alloc: 0,
        sign: 0,
        dp: ptr::null_mut(),
    };
}

/// `psRsaKey_t` (ABI.md §6.9): only `size` (and `optimized`) carry information.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct psRsaKey_t {
    pub e: pstm_int,
    pub d: pstm_int,
    pub N: pstm_int,
    pub qP: pstm_int,
    pub dP: pstm_int,
    pub dQ: pstm_int,
    pub p: pstm_int,
    pub q: pstm_int,
    /// Modulus length in bytes.
    pub size: u32,
    /// 1 when CRT parameters are present (private keys).
    pub optimized: i32,
}

/// `pubKeyUnion_t` (ABI.md §6.8): RSA is the only member in the 3.3 headers.
#[repr(C)]
#[derive(Clone, Copy)]
pub union pubKeyUnion_t {
    pub rsa: psRsaKey_t,
}

/// `psPubKey_t` (ABI.md §6.8).
#[repr(C)]
pub struct psPubKey_t {
    /// RSA: points to a `pubKeyUnion_t`; other key types: NULL (no union member in 3.3).
    pub key: *mut pubKeyUnion_t,
    /// Key size in bytes (RSA modulus length).
    pub keysize: u32,
    /// `PS_RSA`, `PS_ECC`, or 0 for an algorithm MatrixSSL has no name for.
    pub r#type: i32,
}

/// `x509DNattributes_t` (ABI.md §6.4).
#[repr(C)]
pub struct x509DNattributes_t {
    pub country: *mut c_char,
    pub state: *mut c_char,
    pub locality: *mut c_char,
    pub organization: *mut c_char,
    pub orgUnit: *mut c_char,
    pub commonName: *mut c_char,
    pub hash: [c_char; 20],
    pub dnenc: *mut c_char,
    pub dnencLen: u32,
    pub countryType: i16,
    pub countryLen: i16,
    pub stateType: i16,
    pub stateLen: i16,
    pub localityType: i16,
    pub localityLen: i16,
    pub organizationType: i16,
    pub organizationLen: i16,
    pub orgUnitType: i16,
    pub orgUnitLen: i16,
    pub commonNameType: i16,
    pub commonNameLen: i16,
}

/// `x509extBasicConstraints_t` (ABI.md §6.6).
#[repr(C)]
pub struct x509extBasicConstraints_t {
    pub cA: i32,
    pub pathLenConstraint: i32,
}

/// `x509GeneralName_t` (ABI.md §6.7).
#[repr(C)]
pub struct x509GeneralName_t {
    pub id: i32,
    pub name: [u8; 16],
    pub data: *mut u8,
    pub dataLen: u32,
    pub next: *mut x509GeneralName_t,
}

/// `x509v3extensions_t` (ABI.md §6.5).
#[repr(C)]
pub struct x509v3extensions_t {
    pub bc: x509extBasicConstraints_t,
    pub san: *mut x509GeneralName_t,
}

/// `psX509Cert_t` (ABI.md §6.3).
#[repr(C)]
pub struct psX509Cert_t {
    pub version: i32,
    pub serialNumber: *mut u8,
    pub serialNumberLen: u32,
    pub issuer: x509DNattributes_t,
    pub subject: x509DNattributes_t,
    pub timeType: i32,
    pub notBefore: *mut c_char,
    pub notAfter: *mut c_char,
    pub publicKey: psPubKey_t,
    pub pubKeyAlgorithm: i32,
    pub certAlgorithm: i32,
    pub sigAlgorithm: i32,
    pub signature: *mut u8,
    pub signatureLen: u32,
    pub sigHash: [u8; 20],
    pub uniqueIssuerId: *mut u8,
    pub uniqueIssuerIdLen: u32,
    pub uniqueSubjectId: *mut u8,
    pub uniqueSubjectIdLen: u32,
    pub extensions: x509v3extensions_t,
    pub authStatus: i32,
    pub unparsedBin: *mut u8,
    pub binLen: u32,
    pub next: *mut psX509Cert_t,
}

// The 3.3 layout measured with offsetof on x86-64 (ABI.md §6.3–§6.9). Every LP64 target with
// natural alignment gives the same numbers; the checks document and enforce that.
#[cfg(target_pointer_width = "64")]
mod layout_checks {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    const _: () = assert!(size_of::<pstm_int>() == 16 && align_of::<pstm_int>() == 8);
    const _: () = assert!(offset_of!(pstm_int, used) == 0);
    const _: () = assert!(offset_of!(pstm_int, alloc) == 2);
    const _: () = assert!(offset_of!(pstm_int, sign) == 4);
    const _: () = assert!(offset_of!(pstm_int, dp) == 8);

    const _: () = assert!(size_of::<psRsaKey_t>() == 136 && align_of::<psRsaKey_t>() == 8);
    const _: () = assert!(offset_of!(psRsaKey_t, e) == 0);
    const _: () = assert!(offset_of!(psRsaKey_t, d) == 16);
    const _: () = assert!(offset_of!(psRsaKey_t, N) == 32);
    const _: () = assert!(offset_of!(psRsaKey_t, qP) == 48);
    const _: () = assert!(offset_of!(psRsaKey_t, dP) == 64);
    const _: () = assert!(offset_of!(psRsaKey_t, dQ) == 80);
    const _: () = assert!(offset_of!(psRsaKey_t, p) == 96);
    const _: () = assert!(offset_of!(psRsaKey_t, q) == 112);
    const _: () = assert!(offset_of!(psRsaKey_t, size) == 128);
    const _: () = assert!(offset_of!(psRsaKey_t, optimized) == 132);
    const _: () = assert!(size_of::<pubKeyUnion_t>() == 136);

    const _: () = assert!(size_of::<psPubKey_t>() == 16 && align_of::<psPubKey_t>() == 8);
    const _: () = assert!(offset_of!(psPubKey_t, key) == 0);
    const _: () = assert!(offset_of!(psPubKey_t, keysize) == 8);
    const _: () = assert!(offset_of!(psPubKey_t, r#type) == 12);

    const _: () = assert!(size_of::<x509DNattributes_t>() == 112);
    const _: () = assert!(align_of::<x509DNattributes_t>() == 8);
    const _: () = assert!(offset_of!(x509DNattributes_t, country) == 0);
    const _: () = assert!(offset_of!(x509DNattributes_t, state) == 8);
    const _: () = assert!(offset_of!(x509DNattributes_t, locality) == 16);
    const _: () = assert!(offset_of!(x509DNattributes_t, organization) == 24);
    const _: () = assert!(offset_of!(x509DNattributes_t, orgUnit) == 32);
    const _: () = assert!(offset_of!(x509DNattributes_t, commonName) == 40);
    const _: () = assert!(offset_of!(x509DNattributes_t, hash) == 48);
    const _: () = assert!(offset_of!(x509DNattributes_t, dnenc) == 72);
    const _: () = assert!(offset_of!(x509DNattributes_t, dnencLen) == 80);
    const _: () = assert!(offset_of!(x509DNattributes_t, countryType) == 84);
    const _: () = assert!(offset_of!(x509DNattributes_t, countryLen) == 86);
    const _: () = assert!(offset_of!(x509DNattributes_t, stateType) == 88);
    const _: () = assert!(offset_of!(x509DNattributes_t, stateLen) == 90);
    const _: () = assert!(offset_of!(x509DNattributes_t, localityType) == 92);
    const _: () = assert!(offset_of!(x509DNattributes_t, localityLen) == 94);
    const _: () = assert!(offset_of!(x509DNattributes_t, organizationType) == 96);
    const _: () = assert!(offset_of!(x509DNattributes_t, organizationLen) == 98);
    const _: () = assert!(offset_of!(x509DNattributes_t, orgUnitType) == 100);
    const _: () = assert!(offset_of!(x509DNattributes_t, orgUnitLen) == 102);
    const _: () = assert!(offset_of!(x509DNattributes_t, commonNameType) == 104);
    const _: () = assert!(offset_of!(x509DNattributes_t, commonNameLen) == 106);

    const _: () = assert!(size_of::<x509extBasicConstraints_t>() == 8);
    const _: () = assert!(align_of::<x509extBasicConstraints_t>() == 4);
    const _: () = assert!(offset_of!(x509extBasicConstraints_t, cA) == 0);
    const _: () = assert!(offset_of!(x509extBasicConstraints_t, pathLenConstraint) == 4);

    const _: () = assert!(size_of::<x509GeneralName_t>() == 48);
    const _: () = assert!(align_of::<x509GeneralName_t>() == 8);
    const _: () = assert!(offset_of!(x509GeneralName_t, id) == 0);
    const _: () = assert!(offset_of!(x509GeneralName_t, name) == 4);
    const _: () = assert!(offset_of!(x509GeneralName_t, data) == 24);
    const _: () = assert!(offset_of!(x509GeneralName_t, dataLen) == 32);
    const _: () = assert!(offset_of!(x509GeneralName_t, next) == 40);

    const _: () = assert!(size_of::<x509v3extensions_t>() == 16);
    const _: () = assert!(align_of::<x509v3extensions_t>() == 8);
    const _: () = assert!(offset_of!(x509v3extensions_t, bc) == 0);
    const _: () = assert!(offset_of!(x509v3extensions_t, san) == 8);

    const _: () = assert!(size_of::<psX509Cert_t>() == 416 && align_of::<psX509Cert_t>() == 8);
    const _: () = assert!(offset_of!(psX509Cert_t, version) == 0);
    const _: () = assert!(offset_of!(psX509Cert_t, serialNumber) == 8);
    const _: () = assert!(offset_of!(psX509Cert_t, serialNumberLen) == 16);
    const _: () = assert!(offset_of!(psX509Cert_t, issuer) == 24);
    const _: () = assert!(offset_of!(psX509Cert_t, subject) == 136);
    const _: () = assert!(offset_of!(psX509Cert_t, timeType) == 248);
    const _: () = assert!(offset_of!(psX509Cert_t, notBefore) == 256);
    const _: () = assert!(offset_of!(psX509Cert_t, notAfter) == 264);
    const _: () = assert!(offset_of!(psX509Cert_t, publicKey) == 272);
    const _: () = assert!(offset_of!(psX509Cert_t, pubKeyAlgorithm) == 288);
    const _: () = assert!(offset_of!(psX509Cert_t, certAlgorithm) == 292);
    const _: () = assert!(offset_of!(psX509Cert_t, sigAlgorithm) == 296);
    const _: () = assert!(offset_of!(psX509Cert_t, signature) == 304);
    const _: () = assert!(offset_of!(psX509Cert_t, signatureLen) == 312);
    const _: () = assert!(offset_of!(psX509Cert_t, sigHash) == 316);
    const _: () = assert!(offset_of!(psX509Cert_t, uniqueIssuerId) == 336);
    const _: () = assert!(offset_of!(psX509Cert_t, uniqueIssuerIdLen) == 344);
    const _: () = assert!(offset_of!(psX509Cert_t, uniqueSubjectId) == 352);
    const _: () = assert!(offset_of!(psX509Cert_t, uniqueSubjectIdLen) == 360);
    const _: () = assert!(offset_of!(psX509Cert_t, extensions) == 368);
    const _: () = assert!(offset_of!(psX509Cert_t, authStatus) == 384);
    const _: () = assert!(offset_of!(psX509Cert_t, unparsedBin) == 392);
    const _: () = assert!(offset_of!(psX509Cert_t, binLen) == 400);
    const _: () = assert!(offset_of!(psX509Cert_t, next) == 408);
}

/// A heap allocation owned through a raw pointer and freed on drop.
///
/// Unlike a `Box`, moving an `Owned` (into a `Vec`, out of a function) asserts nothing about
/// uniqueness of the pointee, so pointers to it that were given to C or stored in other C
/// structs remain valid for as long as the `Owned` lives.
pub(crate) struct Owned<T: ?Sized>(NonNull<T>);

impl<T: ?Sized> Owned<T> {
    pub(crate) fn new(value: Box<T>) -> Self {
        Owned(NonNull::from(Box::leak(value)))
    }

    pub(crate) fn as_ptr(&self) -> *mut T {
        self.0.as_ptr()
    }
}

impl<T: ?Sized> Drop for Owned<T> {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `Box::leak` in `new`, nothing else frees it, and drop
        // runs once.
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}

/// Clamps a length to a C `uint32` member. Clamping down keeps "pointer + length" in bounds;
/// real certificate fields never come near the limit.
fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// The `*Len` of a DN attribute: value length plus the two NULs, clamped to `short`.
fn len_i16(len: usize) -> i16 {
    i16::try_from(len).unwrap_or(i16::MAX)
}

/// A `psRsaKey_t` (inside its union) carrying only the modulus size.
fn rsa_key_union(size: u32, optimized: bool) -> Box<pubKeyUnion_t> {
    let z = pstm_int::ZERO;
    Box::new(pubKeyUnion_t {
        rsa: psRsaKey_t {
            e: z,
            d: z,
            N: z,
            qP: z,
            dP: z,
            dQ: z,
            p: z,
            q: z,
            size,
            optimized: i32::from(optimized),
        },
    })
}

/// A standalone `psPubKey_t` (used for `sslKeys_t.privKey`) and the `psRsaKey_t` it points
/// to, if any.
pub(crate) struct PubKeyView {
    key: Owned<psPubKey_t>,
    _rsa: Option<Owned<pubKeyUnion_t>>,
}

// SAFETY: a `PubKeyView` exclusively owns both allocations (like a `Box`) and nothing in it
// is tied to a thread; C reads of the structs are governed by the API's threading rules.
unsafe impl Send for PubKeyView {}

impl PubKeyView {
    /// `key_type` is `PS_RSA`, `PS_ECC` or 0; for RSA `size` also goes into `psRsaKey_t.size`
    /// and `private` sets `optimized` (private keys carry CRT parameters).
    pub(crate) fn new(key_type: i32, size: u32, private: bool) -> Self {
        let rsa = (key_type == PS_RSA).then(|| Owned::new(rsa_key_union(size, private)));
        let key = psPubKey_t {
            key: rsa.as_ref().map_or(ptr::null_mut(), Owned::as_ptr),
            keysize: size,
            r#type: key_type,
        };
        PubKeyView {
            key: Owned::new(Box::new(key)),
            _rsa: rsa,
        }
    }

    pub(crate) fn as_ptr(&self) -> *mut psPubKey_t {
        self.key.as_ptr()
    }
}

/// The `psPubKey_t.type` for a parsed public key.
pub(crate) fn key_type(key: &PublicKey) -> i32 {
    match key {
        PublicKey::Rsa(_) => PS_RSA,
        PublicKey::Ec { .. } => PS_ECC,
        // MatrixSSL 3.3 has no DSA key type.
        PublicKey::Dsa(_) | PublicKey::Other => 0,
    }
}

/// The `name` label of a subjectAltName entry (ABI.md §6.7), NUL-padded.
fn general_name_label(id: i32) -> [u8; 16] {
    let label: &[u8] = match id {
        0 => b"other",
        1 => b"email",
        2 => b"DNS",
        3 => b"x400Address",
        4 => b"directoryName",
        5 => b"ediPartyName",
        6 => b"URI",
        7 => b"iPAddress",
        8 => b"registeredID",
        _ => b"unknown",
    };
    let mut out = [0u8; 16];
    for (dst, src) in out.iter_mut().zip(label) {
        *dst = *src;
    }
    out
}

/// Which optional raw encodings the view keeps (psX509ParseCert flags).
#[derive(Clone, Copy)]
struct Store {
    /// `unparsedBin`/`binLen`: the certificate's DER.
    der: bool,
    /// `dnenc`/`dnencLen`: each Name's DER.
    dn: bool,
}

/// A C view (`psX509Cert_t` chain) of a certificate chain, owning all its memory.
///
/// Every live view is entered in [`VIEW_INDEX`] (see there) and leaves it when dropped.
pub(crate) struct CertChainView {
    /// The certificates, in chain order; each one's `next` points to the following one.
    certs: Vec<Owned<psX509Cert_t>>,
    /// subjectAltName entries of all certificates.
    names: Vec<Owned<x509GeneralName_t>>,
    /// `psRsaKey_t`s of RSA certificate keys.
    rsa_keys: Vec<Owned<pubKeyUnion_t>>,
    /// Every byte/string buffer the structs point to.
    bufs: Vec<Owned<[u8]>>,
    /// This view's entries in [`VIEW_INDEX`], removed on drop.
    indexed: Vec<IndexKey>,
}

/// What a [`VIEW_INDEX`] address is the address of.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum IndexKind {
    /// A `psX509Cert_t`.
    Cert,
    /// The `pubKeyUnion_t` (= `psRsaKey_t`) a certificate's `publicKey.key` points to.
    RsaKey,
}

type IndexKey = (IndexKind, usize);

/// The certificate behind every `psX509Cert_t` (and behind its `psRsaKey_t`) of every live
/// [`CertChainView`], by address: parsed chains, the chains and CA lists published in
/// `sslKeys_t`, and peer chains shown to certificate callbacks.
///
/// The crypto API takes these C pointers back (`psX509AuthenticateCert`, `psRsaEncryptPub` on
/// `&cert->publicKey.key->rsa`, ...; src/ffi/crypto_api/). A lookup only compares
/// addresses, so a pointer the library never handed out is simply not found. Entries are
/// added while a view is built and removed in its `Drop`, before its allocations are
/// freed, so an address is never found after its memory could have been reused.
static VIEW_INDEX: Mutex<BTreeMap<IndexKey, Arc<Certificate>>> = Mutex::new(BTreeMap::new());

fn view_index() -> std::sync::MutexGuard<'static, BTreeMap<IndexKey, Arc<Certificate>>> {
    VIEW_INDEX.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The certificate shown as `*cert` by a live view; `None` for any other pointer.
pub(crate) fn indexed_certificate(cert: *const psX509Cert_t) -> Option<Arc<Certificate>> {
    view_index().get(&(IndexKind::Cert, cert as usize)).cloned()
}

/// The certificate whose public key a live view shows at `key` (`cert->publicKey.key`, which
/// is also `&cert->publicKey.key->rsa`); `None` for any other pointer.
pub(crate) fn indexed_rsa_key_owner(key: *const psRsaKey_t) -> Option<Arc<Certificate>> {
    view_index()
        .get(&(IndexKind::RsaKey, key as usize))
        .cloned()
}

impl Drop for CertChainView {
    fn drop(&mut self) {
        // Runs before the fields (and so the allocations) are dropped.
        let mut index = view_index();
        for key in &self.indexed {
            index.remove(key);
        }
    }
}

// SAFETY: the view exclusively owns every allocation reachable from its pointers (like a
// `Box`), and nothing in it is tied to a thread. Concurrent reads by C are governed by the
// API's threading rules, not by this type.
unsafe impl Send for CertChainView {}

impl CertChainView {
    /// Builds the C view of `certs` (leaf first). With `store_der` each certificate's DER is
    /// exposed in `unparsedBin`/`binLen` (identity chains, ABI.md §3.2.3); otherwise those
    /// are NULL/0 (CA lists, peer chains). `dnenc` is always NULL.
    pub(crate) fn new(certs: &[Arc<Certificate>], store_der: bool) -> Self {
        Self::build(
            certs,
            Store {
                der: store_der,
                dn: false,
            },
        )
    }

    /// The first certificate, or NULL for an empty chain. Valid while `self` lives.
    pub(crate) fn head(&self) -> *mut psX509Cert_t {
        self.certs.first().map_or(ptr::null_mut(), Owned::as_ptr)
    }

    /// Sets each certificate's `authStatus` from `statuses` (same order as the chain);
    /// certificates beyond the end of `statuses` get `PS_FALSE` (0, "not tested").
    pub(crate) fn set_auth_status(&mut self, statuses: &[i32]) {
        for (i, cert) in self.certs.iter().enumerate() {
            let status = statuses.get(i).copied().unwrap_or(0);
            // SAFETY: `cert` is a live allocation owned by this view; `&mut self` rules out
            // concurrent Rust access, and the write goes through the raw pointer without
            // creating a reference.
            unsafe { (*cert.as_ptr()).authStatus = status };
        }
    }

    fn build(certs: &[Arc<Certificate>], store: Store) -> Self {
        let mut view = CertChainView {
            certs: Vec::new(),
            names: Vec::new(),
            rsa_keys: Vec::new(),
            bufs: Vec::new(),
            indexed: Vec::new(),
        };
        let mut index_entries = Vec::new();
        // Built from the last certificate back to the leaf so each `next` is known when its
        // predecessor is created (no struct is written after it is allocated).
        let mut next = ptr::null_mut();
        for cert in certs.iter().rev() {
            let c = view.cert(cert, store, next);
            if !c.publicKey.key.is_null() {
                index_entries.push(((IndexKind::RsaKey, c.publicKey.key as usize), cert));
            }
            let owned = Owned::new(Box::new(c));
            next = owned.as_ptr();
            index_entries.push(((IndexKind::Cert, next as usize), cert));
            view.certs.push(owned);
        }
        view.certs.reverse();
        let mut index = view_index();
        for (key, cert) in index_entries {
            index.insert(key, Arc::clone(cert));
            view.indexed.push(key);
        }
        drop(index);
        view
    }

    /// Copies `parts` into one new buffer owned by the view; NULL if the result is empty.
    fn buf(&mut self, parts: &[&[u8]]) -> *mut u8 {
        let bytes: Box<[u8]> = parts.concat().into_boxed_slice();
        if bytes.is_empty() {
            return ptr::null_mut();
        }
        let owned = Owned::new(bytes);
        let p = owned.as_ptr().cast::<u8>();
        self.bufs.push(owned);
        p
    }

    /// A C string: `s` followed by `nuls` NUL bytes.
    fn cstr(&mut self, s: &[u8], nuls: usize) -> *mut c_char {
        self.buf(&[s, &[0, 0][..nuls.min(2)]]).cast::<c_char>()
    }

    fn cert(&mut self, c: &Certificate, store: Store, next: *mut psX509Cert_t) -> psX509Cert_t {
        let serial = self.buf(&[&c.serial]);
        let issuer = self.dn(&c.issuer, store.dn);
        let subject = self.dn(&c.subject, store.dn);
        let not_before = self.cstr(c.not_before.as_bytes(), 1);
        let not_after = self.cstr(c.not_after.as_bytes(), 1);
        let public_key = self.public_key(c);
        let signature = self.buf(&[&c.signature]);
        let (uid_i, uid_i_len) = self.opt_buf(c.unique_issuer_id.as_deref());
        let (uid_s, uid_s_len) = self.opt_buf(c.unique_subject_id.as_deref());
        let san = self.san(&c.san);
        let (bin, bin_len) = if store.der {
            (self.buf(&[&c.der]), len_u32(c.der.len()))
        } else {
            (ptr::null_mut(), 0)
        };
        psX509Cert_t {
            version: c.version,
            serialNumber: serial,
            serialNumberLen: len_u32(c.serial.len()),
            issuer,
            subject,
            timeType: c.time_type,
            notBefore: not_before,
            notAfter: not_after,
            publicKey: public_key,
            pubKeyAlgorithm: c.pub_key_algorithm,
            certAlgorithm: c.cert_algorithm,
            sigAlgorithm: c.sig_algorithm,
            signature,
            signatureLen: len_u32(c.signature.len()),
            sigHash: c.sig_hash,
            uniqueIssuerId: uid_i,
            uniqueIssuerIdLen: uid_i_len,
            uniqueSubjectId: uid_s,
            uniqueSubjectIdLen: uid_s_len,
            extensions: x509v3extensions_t {
                bc: x509extBasicConstraints_t {
                    cA: c.ca,
                    pathLenConstraint: c.path_len,
                },
                san,
            },
            authStatus: 0,
            unparsedBin: bin,
            binLen: bin_len,
            next,
        }
    }

    fn opt_buf(&mut self, bytes: Option<&[u8]>) -> (*mut u8, u32) {
        match bytes {
            Some(b) => (self.buf(&[b]), len_u32(b.len())),
            None => (ptr::null_mut(), 0),
        }
    }

    /// One DN attribute: value + two NULs (ABI.md §6.4), its tag, and length + 2.
    fn attr(&mut self, a: Option<&DnAttribute>) -> (*mut c_char, i16, i16) {
        match a {
            Some(a) => {
                let p = self.cstr(&a.value, 2);
                (
                    p,
                    i16::from(a.tag),
                    len_i16(a.value.len().saturating_add(2)),
                )
            }
            None => (ptr::null_mut(), 0, 0),
        }
    }

    fn dn(&mut self, dn: &DistinguishedName, store_dn: bool) -> x509DNattributes_t {
        let (country, countryType, countryLen) = self.attr(dn.country.as_ref());
        let (state, stateType, stateLen) = self.attr(dn.state.as_ref());
        let (locality, localityType, localityLen) = self.attr(dn.locality.as_ref());
        let (organization, organizationType, organizationLen) = self.attr(dn.organization.as_ref());
        let (orgUnit, orgUnitType, orgUnitLen) = self.attr(dn.org_unit.as_ref());
        let (commonName, commonNameType, commonNameLen) = self.attr(dn.common_name.as_ref());
        let (dnenc, dnencLen) = if store_dn {
            (self.buf(&[&dn.der]).cast::<c_char>(), len_u32(dn.der.len()))
        } else {
            (ptr::null_mut(), 0)
        };
        x509DNattributes_t {
            country,
            state,
            locality,
            organization,
            orgUnit,
            commonName,
            // `char` is signed on x86-64: a bit-for-bit reinterpretation of each byte.
            hash: dn.hash.map(|b| b as c_char),
            dnenc,
            dnencLen,
            countryType,
            countryLen,
            stateType,
            stateLen,
            localityType,
            localityLen,
            organizationType,
            organizationLen,
            orgUnitType,
            orgUnitLen,
            commonNameType,
            commonNameLen,
        }
    }

    fn public_key(&mut self, c: &Certificate) -> psPubKey_t {
        let key_type = key_type(&c.public_key);
        let key = if key_type == PS_RSA {
            let owned = Owned::new(rsa_key_union(c.public_key_size, false));
            let p = owned.as_ptr();
            self.rsa_keys.push(owned);
            p
        } else {
            ptr::null_mut()
        };
        psPubKey_t {
            key,
            keysize: c.public_key_size,
            r#type: key_type,
        }
    }

    /// The subjectAltName list, built back to front like the chain.
    fn san(&mut self, names: &[GeneralName]) -> *mut x509GeneralName_t {
        let mut next = ptr::null_mut();
        for n in names.iter().rev() {
            // Raw content octets plus one NUL terminator (ABI.md §6.7).
            let data = self.buf(&[&n.data, &[0]]);
            let entry = x509GeneralName_t {
                id: n.id,
                name: general_name_label(n.id),
                data,
                dataLen: len_u32(n.data.len()),
                next,
            };
            let owned = Owned::new(Box::new(entry));
            next = owned.as_ptr();
            self.names.push(owned);
        }
        next
    }
}

/// Chains returned by `psX509ParseCert`, keyed by the address of their head certificate.
///
/// `psX509FreeCert` only receives that head pointer. Looking it up here (instead of, say,
/// placing a header in front of the struct) means a pointer the library did not hand out by
/// `psX509ParseCert` — NULL, an interior certificate, a chain owned by `sslKeys_t`, one
/// already freed — is simply not found and ignored, instead of being freed.
static PARSED_CHAINS: Mutex<BTreeMap<usize, CertChainView>> = Mutex::new(BTreeMap::new());

/// Serializes the unit tests that register chains in [`PARSED_CHAINS`] (here and in
/// `ffi::crypto_api`): one of them checks that the registry ends up empty.
#[cfg(test)]
pub(crate) static PARSED_CHAINS_TEST_LOCK: Mutex<()> = Mutex::new(());

/// Parses one or more concatenated DER certificates into a new chain (ABI.md §4.5).
///
/// Returns the number of bytes consumed, or a negative code. `*outcert` is always written
/// (NULL on failure), so the 3.3 idiom of calling `psX509FreeCert(*outcert)` even after a
/// failed parse is safe. Flags: `CERT_STORE_UNPARSED_BUFFER` keeps each certificate's DER in
/// `unparsedBin`, `CERT_STORE_DN_BUFFER` keeps each Name's DER in `dnenc`.
///
/// # Safety
/// `pp` must point to `size` readable bytes (or be NULL); `outcert` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psX509ParseCert(
    _pool: *mut psPool_t,
    pp: *mut u8,
    size: u32,
    outcert: *mut *mut psX509Cert_t,
    flags: i32,
) -> i32 {
    guard(PS_FAILURE, || {
        if outcert.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: `outcert` is non-NULL and writable per the caller contract.
        unsafe { *outcert = ptr::null_mut() };
        // SAFETY: `pp` points to `size` readable bytes per the caller contract (NULL → None).
        let Some(input) = (unsafe { crate::ffi::slice_or_none(pp, i64::from(size)) }) else {
            return PS_ARG_FAIL;
        };
        let certs = match parse_der_chain(input) {
            Ok(certs) if !certs.is_empty() => certs,
            Ok(_) => return PS_PARSE_FAIL,
            Err(rc) => return if rc < 0 { rc } else { PS_PARSE_FAIL },
        };
        let consumed: usize = certs.iter().map(|c| c.der.len()).sum();
        let Ok(consumed) = i32::try_from(consumed) else {
            return PS_LIMIT_FAIL;
        };
        let head = register_parsed_chain(certs, flags);
        // SAFETY: as above; `head` stays valid until `psX509FreeCert(head)`.
        unsafe { *outcert = head };
        consumed
    })
}

/// Builds the C view of `certs` (non-empty, leaf first) with the `psX509ParseCert` `flags`
/// and keeps it in [`PARSED_CHAINS`] until `psX509FreeCert(head)`; returns the head. Shared
/// by `psX509ParseCert` and `psX509ParseCertFile` (src/ffi/crypto_api/x509.rs).
pub(crate) fn register_parsed_chain(certs: Vec<Certificate>, flags: i32) -> *mut psX509Cert_t {
    let store = Store {
        der: flags & CERT_STORE_UNPARSED_BUFFER != 0,
        dn: flags & CERT_STORE_DN_BUFFER != 0,
    };
    let certs: Vec<Arc<Certificate>> = certs.into_iter().map(Arc::new).collect();
    let view = CertChainView::build(&certs, store);
    let head = view.head();
    PARSED_CHAINS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(head as usize, view);
    head
}

/// Frees a chain returned by `psX509ParseCert`. NULL, and any pointer that is not the head of
/// a live chain from `psX509ParseCert`, is ignored (see [`PARSED_CHAINS`]).
///
/// # Safety
/// None beyond the C contract: the pointer is only used as a lookup key, never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psX509FreeCert(cert: *mut psX509Cert_t) {
    guard((), || {
        if cert.is_null() {
            return;
        }
        let view = PARSED_CHAINS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(cert as usize));
        drop(view);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn attr(tag: u8, v: &str) -> Option<DnAttribute> {
        Some(DnAttribute {
            tag,
            value: v.as_bytes().to_vec(),
        })
    }

    /// A parsed certificate with every field the C view shows overridden by known values
    /// (so the test controls all of them while staying independent of fields the parser
    /// may add). `rsa` keeps the parsed RSA key; otherwise an EC key is set.
    fn cert(cn: &str, issuer_cn: &str, rsa: bool) -> Certificate {
        let mut c = fixtures::test_ca();
        c.der = format!("DER of {cn}").into_bytes();
        c.version = 2;
        c.serial = vec![0x00, 0x9f, 0x01];
        c.issuer = DistinguishedName {
            common_name: attr(12, issuer_cn),
            hash: [0xA5; 20],
            der: vec![0x30, 0x00],
            ..Default::default()
        };
        c.subject = DistinguishedName {
            country: attr(19, "US"),
            state: attr(12, "CA"),
            locality: attr(12, "SF"),
            organization: attr(12, "Org"),
            org_unit: attr(12, "Unit"),
            common_name: attr(12, cn),
            hash: [0x81; 20],
            der: vec![0x30, 0x03, 0x31, 0x01, 0x00],
        };
        c.time_type = 23;
        c.not_before = "250101000000Z".into();
        c.not_after = "20500101000000Z".into();
        if !rsa {
            c.public_key = PublicKey::Ec {
                curve_oid: vec![1],
                point: vec![4],
            };
        }
        c.public_key_size = 256;
        c.pub_key_algorithm = 645;
        c.cert_algorithm = 655;
        c.sig_algorithm = 655;
        c.signature = vec![7; 256];
        c.sig_hash = [3; 20];
        c.unique_issuer_id = None;
        c.unique_subject_id = Some(vec![1, 2, 3]);
        c.ca = 255;
        c.path_len = -1;
        c.san = vec![
            GeneralName {
                id: 2,
                data: b"example.test".to_vec(),
            },
            GeneralName {
                id: 7,
                data: vec![127, 0, 0, 1],
            },
            GeneralName {
                id: 42,
                data: vec![],
            },
        ];
        c
    }

    fn chain() -> Vec<Arc<Certificate>> {
        vec![
            Arc::new(cert("leaf", "inter", true)),
            Arc::new(cert("inter", "root", false)),
        ]
    }

    /// The bytes at `p..p+n`.
    unsafe fn bytes<'a>(p: *const u8, n: usize) -> &'a [u8] {
        assert!(!p.is_null());
        // SAFETY: the test only passes pointers/lengths read from a live view.
        unsafe { std::slice::from_raw_parts(p, n) }
    }

    /// A DN attribute as C sees it: value, the two NULs, and `Len` = value + 2.
    unsafe fn check_attr(p: *const c_char, ty: i16, len: i16, tag: i16, value: &str) {
        assert_eq!(ty, tag);
        assert_eq!(len as usize, value.len() + 2);
        // SAFETY: `p` comes from a live view and points to `len` bytes.
        let all = unsafe { bytes(p.cast(), len as usize) };
        assert_eq!(&all[..value.len()], value.as_bytes());
        assert_eq!(&all[value.len()..], &[0, 0]);
    }

    #[test]
    fn identity_view_exposes_every_field() {
        let certs = chain();
        let view = CertChainView::new(&certs, true);
        let head = view.head();
        assert!(!head.is_null());
        // SAFETY: reading back the structs of a live view, as C would.
        unsafe {
            let c = &*head;
            assert_eq!(c.version, 2);
            assert_eq!(
                bytes(c.serialNumber, c.serialNumberLen as usize),
                &[0x00, 0x9f, 0x01]
            );

            let s = &c.subject;
            check_attr(s.country, s.countryType, s.countryLen, 19, "US");
            check_attr(s.state, s.stateType, s.stateLen, 12, "CA");
            check_attr(s.locality, s.localityType, s.localityLen, 12, "SF");
            check_attr(
                s.organization,
                s.organizationType,
                s.organizationLen,
                12,
                "Org",
            );
            check_attr(s.orgUnit, s.orgUnitType, s.orgUnitLen, 12, "Unit");
            check_attr(s.commonName, s.commonNameType, s.commonNameLen, 12, "leaf");
            assert_eq!(CStr::from_ptr(s.commonName).to_bytes(), b"leaf");
            assert_eq!(s.hash.map(|b| b as u8), [0x81; 20]);
            assert!(s.dnenc.is_null());
            assert_eq!(s.dnencLen, 0);

            let i = &c.issuer;
            check_attr(i.commonName, i.commonNameType, i.commonNameLen, 12, "inter");
            assert!(i.country.is_null() && i.orgUnit.is_null());
            assert_eq!((i.countryType, i.countryLen), (0, 0));
            assert_eq!(i.hash.map(|b| b as u8), [0xA5; 20]);

            assert_eq!(c.timeType, 23);
            assert_eq!(CStr::from_ptr(c.notBefore).to_bytes(), b"250101000000Z");
            assert_eq!(CStr::from_ptr(c.notAfter).to_bytes(), b"20500101000000Z");

            assert_eq!(c.publicKey.r#type, PS_RSA);
            assert_eq!(c.publicKey.keysize, 256);
            let rsa = &(*c.publicKey.key).rsa;
            assert_eq!(rsa.size, 256);
            assert_eq!(rsa.optimized, 0);
            for m in [rsa.e, rsa.d, rsa.N, rsa.qP, rsa.dP, rsa.dQ, rsa.p, rsa.q] {
                assert_eq!((m.used, m.alloc, m.sign), (0, 0, 0));
                assert!(m.dp.is_null());
            }

            assert_eq!(
                (c.pubKeyAlgorithm, c.certAlgorithm, c.sigAlgorithm),
                (645, 655, 655)
            );
            assert_eq!(bytes(c.signature, c.signatureLen as usize), &[7; 256][..]);
            assert_eq!(c.sigHash, [3; 20]);
            assert!(c.uniqueIssuerId.is_null());
            assert_eq!(c.uniqueIssuerIdLen, 0);
            assert_eq!(
                bytes(c.uniqueSubjectId, c.uniqueSubjectIdLen as usize),
                &[1, 2, 3]
            );

            assert_eq!(c.extensions.bc.cA, 255);
            assert_eq!(c.extensions.bc.pathLenConstraint, -1);
            let san1 = &*c.extensions.san;
            assert_eq!(san1.id, 2);
            assert_eq!(&san1.name, b"DNS\0\0\0\0\0\0\0\0\0\0\0\0\0");
            assert_eq!(san1.dataLen, 12);
            assert_eq!(bytes(san1.data, 13), b"example.test\0");
            let san2 = &*san1.next;
            assert_eq!(san2.id, 7);
            assert_eq!(&san2.name[..10], b"iPAddress\0");
            assert_eq!(bytes(san2.data, 5), &[127, 0, 0, 1, 0]);
            let san3 = &*san2.next;
            assert_eq!(&san3.name[..8], b"unknown\0");
            assert_eq!(san3.dataLen, 0);
            assert_eq!(bytes(san3.data, 1), &[0]);
            assert!(san3.next.is_null());

            assert_eq!(c.authStatus, 0);
            assert_eq!(bytes(c.unparsedBin, c.binLen as usize), b"DER of leaf");

            let n = &*c.next;
            assert_eq!(CStr::from_ptr(n.subject.commonName).to_bytes(), b"inter");
            assert_eq!(n.publicKey.r#type, PS_ECC);
            assert!(n.publicKey.key.is_null());
            assert_eq!(bytes(n.unparsedBin, n.binLen as usize), b"DER of inter");
            assert!(n.next.is_null());
        }
    }

    #[test]
    fn ca_view_has_no_der_and_empty_view_is_null() {
        let certs = chain();
        let view = CertChainView::new(&certs, false);
        // SAFETY: reading back the structs of a live view.
        unsafe {
            let c = &*view.head();
            assert!(c.unparsedBin.is_null());
            assert_eq!(c.binLen, 0);
            assert!((*c.next).unparsedBin.is_null());
        }
        assert!(CertChainView::new(&[], true).head().is_null());
    }

    #[test]
    fn dn_buffer_is_stored_on_request() {
        let certs = chain();
        let view = CertChainView::build(
            &certs,
            Store {
                der: false,
                dn: true,
            },
        );
        // SAFETY: reading back the structs of a live view.
        unsafe {
            let c = &*view.head();
            let s = &c.subject;
            assert_eq!(
                bytes(s.dnenc.cast(), s.dnencLen as usize),
                &[0x30, 0x03, 0x31, 0x01, 0]
            );
            assert_eq!(
                bytes(c.issuer.dnenc.cast(), c.issuer.dnencLen as usize),
                &[0x30, 0]
            );
        }
    }

    #[test]
    fn auth_status_is_set_per_certificate_and_reset_beyond() {
        let certs = chain();
        let mut view = CertChainView::new(&certs, false);
        view.set_auth_status(&[1, -33]);
        // SAFETY: reading back the structs of a live view.
        unsafe {
            assert_eq!((*view.head()).authStatus, 1);
            assert_eq!((*(*view.head()).next).authStatus, -33);
        }
        view.set_auth_status(&[-34]);
        // SAFETY: as above.
        unsafe {
            assert_eq!((*view.head()).authStatus, -34);
            assert_eq!((*(*view.head()).next).authStatus, 0);
        }
    }

    #[test]
    fn live_views_are_indexed_until_dropped() {
        let certs = chain();
        let view = CertChainView::new(&certs, false);
        let head = view.head();
        // SAFETY: reading pointers out of a live view.
        let (next, leaf_key, inter_key) = unsafe {
            (
                (*head).next,
                (*head).publicKey.key,
                (*(*head).next).publicKey.key,
            )
        };
        let found = |c: Option<Arc<Certificate>>, want: &Arc<Certificate>| {
            c.is_some_and(|c| Arc::ptr_eq(&c, want))
        };
        assert!(found(indexed_certificate(head), &certs[0]));
        assert!(found(indexed_certificate(next), &certs[1]));
        assert!(found(indexed_rsa_key_owner(leaf_key.cast()), &certs[0]));
        // The EC certificate has no psRsaKey_t; a certificate is not a key.
        assert!(inter_key.is_null());
        assert!(indexed_rsa_key_owner(head.cast()).is_none());
        // Ours, the certificate's entry and its key's entry.
        assert_eq!(Arc::strong_count(&certs[0]), 3);
        drop(view);
        // The index let go of the certificates with the view.
        assert_eq!(Arc::strong_count(&certs[0]), 1);
        assert_eq!(Arc::strong_count(&certs[1]), 1);
    }

    #[test]
    fn view_addresses_are_stable_when_moved() {
        let certs = chain();
        let view = CertChainView::new(&certs, true);
        let head = view.head();
        let moved = [view];
        assert_eq!(moved[0].head(), head);
        // SAFETY: reading back the structs of a live (moved) view.
        unsafe {
            assert_eq!(
                CStr::from_ptr((*head).subject.commonName).to_bytes(),
                b"leaf"
            )
        };
    }

    #[test]
    fn private_key_view() {
        let v = PubKeyView::new(PS_RSA, 128, true);
        // SAFETY: reading back a live view.
        unsafe {
            let k = &*v.as_ptr();
            assert_eq!((k.r#type, k.keysize), (PS_RSA, 128));
            assert_eq!((*k.key).rsa.size, 128);
            assert_eq!((*k.key).rsa.optimized, 1);
        }
        let e = PubKeyView::new(PS_ECC, 32, true);
        // SAFETY: as above.
        unsafe { assert!((*e.as_ptr()).key.is_null()) };
    }

    #[test]
    fn parse_cert_builds_a_freeable_chain_from_real_der() {
        let _serial = PARSED_CHAINS_TEST_LOCK
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let der = fixtures::test_ca_der();
        let mut two = der.clone();
        two.extend_from_slice(&der);
        let mut out = ptr::null_mut();
        let flags = CERT_STORE_UNPARSED_BUFFER | CERT_STORE_DN_BUFFER;
        // SAFETY: `two` is readable for its length; `out` is writable; the chain is read
        // while live and freed once.
        unsafe {
            let n = psX509ParseCert(
                ptr::null_mut(),
                two.as_mut_ptr(),
                two.len() as u32,
                &mut out,
                flags,
            );
            assert_eq!(n, two.len() as i32);
            let c = &*out;
            assert_eq!(CStr::from_ptr(c.subject.commonName).to_bytes(), b"Test CA");
            assert_eq!((c.subject.commonNameType, c.subject.commonNameLen), (12, 9));
            assert_eq!(bytes(c.subject.commonName.cast(), 9), b"Test CA\0\0");
            assert_eq!(c.subject.hash, c.issuer.hash);
            assert_eq!(
                bytes(c.serialNumber, c.serialNumberLen as usize),
                &[0x01, 0xf2]
            );
            assert_eq!(c.timeType, 23);
            // notBefore is a UTCTime (YYMMDDHHMMSSZ), notAfter a GeneralizedTime in 21xx
            // (make-fixtures.sh gives a 100-year validity), both as the DER has them.
            let (before, after) = (
                CStr::from_ptr(c.notBefore).to_bytes(),
                CStr::from_ptr(c.notAfter).to_bytes(),
            );
            assert_eq!((before.len(), before[12]), (13, b'Z'));
            assert!(before[..12].iter().all(u8::is_ascii_digit));
            assert_eq!(
                (after.len(), &after[..2], after[14]),
                (15, &b"21"[..], b'Z')
            );
            assert!(der.windows(13).any(|w| w == before));
            assert!(der.windows(15).any(|w| w == after));
            assert_eq!((c.publicKey.r#type, c.publicKey.keysize), (PS_RSA, 128));
            assert_eq!((*c.publicKey.key).rsa.size, 128);
            assert_eq!(
                (c.pubKeyAlgorithm, c.certAlgorithm, c.sigAlgorithm),
                (645, 655, 655)
            );
            assert_eq!(c.signatureLen, 128);
            assert_eq!(
                (c.extensions.bc.cA, c.extensions.bc.pathLenConstraint),
                (255, -1)
            );
            assert!(c.extensions.san.is_null());
            assert_eq!(bytes(c.unparsedBin, c.binLen as usize), &der[..]);
            // Name DER: SEQUENCE { SET { SEQUENCE { 2.5.4.3, UTF8String "Test CA" } } }.
            let dn = bytes(c.subject.dnenc.cast(), c.subject.dnencLen as usize);
            assert_eq!(&dn[..2], &[0x30, 0x12]);
            assert_eq!(dn.len(), 20);
            assert!(!c.next.is_null());
            assert!((*c.next).next.is_null());
            psX509FreeCert(out);

            let n = psX509ParseCert(
                ptr::null_mut(),
                two.as_mut_ptr(),
                der.len() as u32,
                &mut out,
                0,
            );
            assert_eq!(n, der.len() as i32);
            assert!((*out).unparsedBin.is_null() && (*out).subject.dnenc.is_null());
            assert!((*out).next.is_null());
            psX509FreeCert(out);

            // Truncated input: an error, `*outcert` NULL, freeing it harmless.
            let n = psX509ParseCert(ptr::null_mut(), two.as_mut_ptr(), 100, &mut out, 0);
            assert!(n < 0);
            assert!(out.is_null());
            psX509FreeCert(out);
        }
        assert!(PARSED_CHAINS.lock().map(|m| m.is_empty()).unwrap_or(false));
    }

    #[test]
    fn parse_cert_argument_errors_and_free_is_forgiving() {
        let mut out: *mut psX509Cert_t = ptr::dangling_mut::<psX509Cert_t>();
        let der = [0x30u8, 0x00];
        // SAFETY: valid pointers / NULLs as the C contract allows.
        unsafe {
            assert_eq!(
                psX509ParseCert(
                    ptr::null_mut(),
                    der.as_ptr().cast_mut(),
                    2,
                    ptr::null_mut(),
                    0
                ),
                PS_ARG_FAIL
            );
            assert_eq!(
                psX509ParseCert(ptr::null_mut(), ptr::null_mut(), 2, &mut out, 0),
                PS_ARG_FAIL
            );
            assert!(out.is_null());
            out = ptr::dangling_mut::<psX509Cert_t>();
            assert!(psX509ParseCert(ptr::null_mut(), der.as_ptr().cast_mut(), 2, &mut out, 0) < 0);
            assert!(out.is_null());
            psX509FreeCert(out);
            psX509FreeCert(ptr::null_mut());
            // A pointer that was never returned by psX509ParseCert is ignored.
            let view = CertChainView::new(&chain(), true);
            psX509FreeCert(view.head());
            assert_eq!(
                CStr::from_ptr((*view.head()).subject.commonName).to_bytes(),
                b"leaf"
            );
        }
    }
}

/// A real certificate for tests of the C views (here and in `ffi::keys`): the committed
/// `tests/fixtures/test-ca.der`, self-signed "CN=Test CA", RSA 1024, serial 0x01f2, with
/// only basicConstraints (critical, CA:true) and a subject key identifier.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::pki::Certificate;
    use crate::test_fixtures::fixture;

    pub(crate) fn test_ca_der() -> Vec<u8> {
        fixture("test-ca.der")
    }

    /// The PKCS#1 `RSAPrivateKey` of that certificate (a throwaway test key).
    pub(crate) fn test_ca_key_der() -> Vec<u8> {
        fixture("test-ca.key.der")
    }

    pub(crate) fn test_ca() -> Certificate {
        Certificate::from_der(&test_ca_der()).expect("fixture certificate parses")
    }
}
