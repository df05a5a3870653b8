//! `sslKeys_t` and the key-loading API (ABI.md §3.2, §3.11, §6.11).
//!
//! The handle is a small C-visible struct whose first four members are the 3.3 ones (read-only
//! certificate views an application may inspect) followed by a pointer to the private part.
//! The private part holds the loaded material as an `Arc<Keys>` snapshot behind a mutex:
//! a loader clones the current `Keys`, loads into the clone, and only on success swaps the
//! `Arc` and publishes new C views. So a failing call leaves the container exactly as it was
//! (ABI.md §3.2.4 "Divergence required"), and sessions that took a snapshot earlier
//! ([`keys_snapshot`]) never see material change under them.

#![allow(non_camel_case_types, non_snake_case)]

use core::ffi::c_char;
use core::ptr;
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::{PS_ARG_FAIL, PS_FAILURE, PS_SUCCESS};
use crate::ffi::x509::{CertChainView, PubKeyView, key_type, psPool_t, psPubKey_t, psX509Cert_t};
use crate::ffi::{cstr_or_none, guard, slice_or_none};
use crate::keys::{Identity, Keys};
use crate::pki::Certificate;

/// `SSL_PSK_MAX_KEY_SIZE` / `SSL_PSK_MAX_ID_SIZE` (ABI.md §3.11).
const SSL_PSK_MAX_KEY_SIZE: u32 = 64;
const SSL_PSK_MAX_ID_SIZE: u32 = 128;

/// `struct sslKeys` as declared in the project's C header:
/// `{ psPool_t *pool; psX509Cert_t *cert; psPubKey_t *privKey; psX509Cert_t *CAcerts;
/// void *priv; }`. The first four members keep their 3.3 offsets (ABI.md §6.11); the library
/// writes them, applications may only read them.
#[repr(C)]
pub struct sslKeys_t {
    /// Always NULL.
    pub pool: *mut psPool_t,
    /// Identity chain, leaf first, with DER in `unparsedBin`; NULL if none. With both an RSA
    /// and an ECDSA identity loaded, the RSA one is shown.
    pub cert: *mut psX509Cert_t,
    /// Identity key (`type`, `keysize`, RSA `size` only) of the identity shown in `cert`;
    /// NULL if none.
    pub privKey: *mut psPubKey_t,
    /// Trusted CA certificates (no DER); NULL if none.
    pub CAcerts: *mut psX509Cert_t,
    /// The private part; set by `matrixSslNewKeys`, freed by `matrixSslDeleteKeys`.
    inner: *mut KeysInner,
}

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<sslKeys_t>() == 40);
    assert!(offset_of!(sslKeys_t, pool) == 0);
    assert!(offset_of!(sslKeys_t, cert) == 8);
    assert!(offset_of!(sslKeys_t, privKey) == 16);
    assert!(offset_of!(sslKeys_t, CAcerts) == 24);
    assert!(offset_of!(sslKeys_t, inner) == 32);
};

/// The private part of a container. Loaders and snapshots may run on different threads
/// (ABI.md D16), so everything mutable is behind one lock.
pub(crate) struct KeysInner {
    state: Mutex<KeysState>,
}

struct KeysState {
    /// The current material; replaced (never mutated) by a successful load.
    keys: Arc<Keys>,
    /// Every C view published for this container. Views are only ever added, and freed with
    /// the container, so any pointer an application read from `sslKeys_t` stays valid until
    /// `matrixSslDeleteKeys` even if a slot were published again.
    chains: Vec<CertChainView>,
    priv_keys: Vec<PubKeyView>,
}

// The container is shared by every thread that uses the handle.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<KeysInner>();
};

impl KeysInner {
    fn new() -> Self {
        KeysInner {
            state: Mutex::new(KeysState {
                keys: Arc::new(Keys::default()),
                chains: Vec::new(),
                priv_keys: Vec::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, KeysState> {
        // A panic while the lock was held (caught by `guard`) happens before the snapshot is
        // swapped, so the state is still consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The private part of a handle, or `None` for NULL.
///
/// # Safety
/// `keys` must be NULL or a live handle from `matrixSslNewKeys`.
unsafe fn inner_of<'a>(keys: *const sslKeys_t) -> Option<&'a KeysInner> {
    if keys.is_null() {
        return None;
    }
    // SAFETY: a live handle is readable; `inner` is written only by `matrixSslNewKeys`, and the
    // `KeysInner` it points to lives until `matrixSslDeleteKeys`.
    unsafe { (*keys).inner.as_ref() }
}

/// The current key material of a container, for the session layer: the session keeps this
/// snapshot for its whole life, unaffected by later loads. `None` for NULL.
///
/// # Safety
/// `keys` must be NULL or a live handle from `matrixSslNewKeys`.
pub(crate) unsafe fn keys_snapshot(keys: *const sslKeys_t) -> Option<Arc<Keys>> {
    // SAFETY: forwarded caller contract.
    let inner = unsafe { inner_of(keys) }?;
    Some(Arc::clone(&inner.lock().keys))
}

/// Runs `load` copy-on-write on the container and publishes the result (see the module doc).
///
/// # Safety
/// `keys` must be NULL or a live handle from `matrixSslNewKeys`.
unsafe fn load_into(keys: *mut sslKeys_t, load: impl FnOnce(&mut Keys) -> Result<(), i32>) -> i32 {
    // SAFETY: forwarded caller contract.
    let Some(inner) = (unsafe { inner_of(keys) }) else {
        return PS_ARG_FAIL;
    };
    let mut state = inner.lock();
    let mut next = Keys::clone(&state.keys);
    if let Err(rc) = load(&mut next) {
        // The clone is dropped: the container is untouched.
        return if rc < 0 { rc } else { PS_FAILURE };
    }
    let next = Arc::new(next);
    // SAFETY: `keys` is a live handle (checked non-NULL above), and its public members are
    // written only here, under the container's lock.
    unsafe { publish(keys, &mut state, &next) };
    state.keys = next;
    PS_SUCCESS
}

fn same_certs(a: &[Arc<Certificate>], b: &[Arc<Certificate>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| Arc::ptr_eq(x, y))
}

fn same_identity(a: Option<&Identity>, b: Option<&Identity>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => Arc::ptr_eq(&a.key, &b.key) && same_certs(&a.chain, &b.chain),
        _ => false,
    }
}

/// Builds C views for the slots that `next` changed and points the handle at them.
///
/// # Safety
/// `keys` must be a live handle and the caller must hold its lock (`state`).
unsafe fn publish(keys: *mut sslKeys_t, state: &mut KeysState, next: &Keys) {
    let old = &state.keys;
    // One identity is shown: RSA if loaded, else EC (`Keys::primary_identity`).
    if !same_identity(old.primary_identity(), next.primary_identity()) {
        let (cert, priv_key) = match next.primary_identity() {
            Some(id) => {
                let view = CertChainView::new(&id.chain, true);
                let key = identity_key_view(id);
                let ptrs = (view.head(), key.as_ptr());
                state.chains.push(view);
                state.priv_keys.push(key);
                ptrs
            }
            None => (ptr::null_mut(), ptr::null_mut()),
        };
        // SAFETY: caller contract; plain stores through the raw pointer, no reference created.
        unsafe {
            (*keys).cert = cert;
            (*keys).privKey = priv_key;
        }
    }
    if !same_certs(&old.ca_certs, &next.ca_certs) {
        let view = CertChainView::new(&next.ca_certs, false);
        let head = view.head();
        state.chains.push(view);
        // SAFETY: as above.
        unsafe { (*keys).CAcerts = head };
    }
}

/// `privKey`: type and size of the identity key. Both are taken from the leaf certificate:
/// the loaders only accept a key whose public half matches the leaf, so they are the key's.
fn identity_key_view(id: &Identity) -> PubKeyView {
    let leaf = id.chain.first();
    let ty = leaf.map_or(0, |c| key_type(&c.public_key));
    let size = leaf.map_or(0, |c| c.public_key_size);
    PubKeyView::new(ty, size, true)
}

/// A `(pointer, int32 length)` buffer argument: NULL means absent whatever the length; a
/// non-NULL pointer with a negative length is rejected with `PS_ARG_FAIL` (3.3 would have
/// read far past the buffer).
///
/// # Safety
/// A non-NULL `ptr` must point to `len` readable bytes for the returned lifetime.
unsafe fn mem_arg<'a>(ptr: *const u8, len: i32) -> Result<Option<&'a [u8]>, i32> {
    if ptr.is_null() {
        return Ok(None);
    }
    if len < 0 {
        return Err(PS_ARG_FAIL);
    }
    // SAFETY: forwarded caller contract.
    Ok(unsafe { slice_or_none(ptr, i64::from(len)) })
}

/// `Keys::load_rsa_files` or `Keys::load_ec_files`: certificate files, key file, key
/// password, CA files.
type FilesLoader =
    fn(&mut Keys, Option<&[u8]>, Option<&[u8]>, Option<&[u8]>, Option<&[u8]>) -> Result<(), i32>;

/// `Keys::load_rsa_mem` or `Keys::load_ec_mem`: certificates, key, CAs.
type MemLoader = fn(&mut Keys, Option<&[u8]>, Option<&[u8]>, Option<&[u8]>) -> Result<(), i32>;

/// The body of the PEM file loaders: `strings` (certificate files, key file, password, CA
/// files; NULL means absent) to `load`.
///
/// # Safety
/// `keys` must be NULL or a live handle; each string NULL or NUL-terminated.
unsafe fn load_files(keys: *mut sslKeys_t, strings: [*const c_char; 4], load: FilesLoader) -> i32 {
    if keys.is_null() {
        return PS_ARG_FAIL;
    }
    // SAFETY: NULL or NUL-terminated per the caller contract; only read during the call.
    let [cert, key, pass, ca] = strings.map(|s| unsafe { cstr_or_none(s) });
    // SAFETY: forwarded caller contract.
    unsafe { load_into(keys, |k| load(k, cert, key, pass, ca)) }
}

/// The body of the DER loaders: `buffers` (certificates, key, CAs) to `load`. NULL buffers
/// are absent whatever the length; a negative length with a non-NULL buffer is
/// `PS_ARG_FAIL`.
///
/// # Safety
/// `keys` must be NULL or a live handle; each buffer NULL or `len` readable bytes.
unsafe fn load_mem(keys: *mut sslKeys_t, buffers: [(*mut u8, i32); 3], load: MemLoader) -> i32 {
    if keys.is_null() {
        return PS_ARG_FAIL;
    }
    // SAFETY: each buffer is NULL or readable for its length per the caller contract; the
    // slices are only read during this call (the loader copies what it keeps).
    let [cert, key, ca] = buffers.map(|(p, len)| unsafe { mem_arg(p, len) });
    let (Ok(cert), Ok(key), Ok(ca)) = (cert, key, ca) else {
        return PS_ARG_FAIL;
    };
    // SAFETY: forwarded caller contract.
    unsafe { load_into(keys, |k| load(k, cert, key, ca)) }
}

/// Allocates an empty key container (ABI.md §3.2.1). `PS_ARG_FAIL` if `keys` is NULL.
/// (Allocation failure aborts the process, as everywhere in Rust; `PS_MEM_FAIL` is not
/// returned.)
///
/// # Safety
/// `keys` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslNewKeys(keys: *mut *mut sslKeys_t) -> i32 {
    guard(PS_FAILURE, || {
        if keys.is_null() {
            return PS_ARG_FAIL;
        }
        let inner = Box::into_raw(Box::new(KeysInner::new()));
        let handle = Box::into_raw(Box::new(sslKeys_t {
            pool: ptr::null_mut(),
            cert: ptr::null_mut(),
            privKey: ptr::null_mut(),
            CAcerts: ptr::null_mut(),
            inner,
        }));
        // SAFETY: `keys` is non-NULL and writable per the caller contract.
        unsafe { *keys = handle };
        PS_SUCCESS
    })
}

/// Frees a container, its material and its C views (ABI.md §3.2.2). NULL is a no-op.
/// Sessions still holding a snapshot keep their own reference to the material, but R6 still
/// applies: the C views (`keys->cert`, ...) die here.
///
/// # Safety
/// `keys` must be NULL or a live handle from `matrixSslNewKeys`, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslDeleteKeys(keys: *mut sslKeys_t) {
    guard((), || {
        if keys.is_null() {
            return;
        }
        // SAFETY: the handle was allocated by `Box::into_raw` in `matrixSslNewKeys` and is
        // freed exactly once, here.
        let handle = unsafe { Box::from_raw(keys) };
        if !handle.inner.is_null() {
            // SAFETY: `inner` was allocated by `Box::into_raw` in `matrixSslNewKeys` and only
            // this function frees it.
            drop(unsafe { Box::from_raw(handle.inner) });
        }
    })
}

/// Loads an identity (PEM chain + PEM key) and/or trusted CAs from files (ABI.md §3.2.3).
///
/// # Safety
/// `keys` must be NULL or a live handle; each string NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslLoadRsaKeys(
    keys: *mut sslKeys_t,
    certFile: *const c_char,
    privFile: *const c_char,
    privPass: *const c_char,
    trustedCAFile: *const c_char,
) -> i32 {
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe {
        load_files(
            keys,
            [certFile, privFile, privPass, trustedCAFile],
            Keys::load_rsa_files,
        )
    })
}

/// Loads an identity (DER chain + DER key) and/or trusted CAs from memory (ABI.md §3.2.4).
/// NULL buffers are absent whatever the length; a negative length with a non-NULL buffer is
/// `PS_ARG_FAIL`.
///
/// # Safety
/// `keys` must be NULL or a live handle; each buffer NULL or `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslLoadRsaKeysMem(
    keys: *mut sslKeys_t,
    certBuf: *mut u8,
    certLen: i32,
    privBuf: *mut u8,
    privLen: i32,
    trustedCABuf: *mut u8,
    trustedCALen: i32,
) -> i32 {
    let buffers = [
        (certBuf, certLen),
        (privBuf, privLen),
        (trustedCABuf, trustedCALen),
    ];
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe {
        load_mem(keys, buffers, Keys::load_rsa_mem)
    })
}

/// PKCS#12 identity loader (ABI.md §3.2.5; `pki::pkcs12`): the key and its chain go into the
/// RSA or EC identity slot by key algorithm. Returns 0; `PS_ARG_FAIL` for a NULL `keys` or
/// `p12File`, a negative length, or a length without password bytes; `PS_PARSE_FAIL` for any
/// parse-stage failure (missing file, wrong password, MAC mismatch, unsupported contents);
/// `PS_CERT_AUTH_FAIL` if the key matches no certificate or the chain does not link;
/// `PS_UNSUPPORTED_FAIL` if that identity slot is already loaded (D8 divergence). `flags` is
/// reserved (ignored). A NULL `importPass` with length 0 is the empty password.
///
/// # Safety
/// `keys` must be NULL or a live handle; `p12File` NULL or NUL-terminated; passwords NULL or
/// readable for their lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslLoadPkcs12(
    keys: *mut sslKeys_t,
    p12File: *mut u8,
    importPass: *mut u8,
    ipasslen: i32,
    macPass: *mut u8,
    mpasslen: i32,
    _flags: i32,
) -> i32 {
    guard(PS_FAILURE, || {
        if keys.is_null() || p12File.is_null() || ipasslen < 0 {
            return PS_ARG_FAIL;
        }
        // A password length without password bytes cannot be honoured. `macPass == NULL`
        // means "same as the import password" and then `mpasslen` is ignored.
        if (importPass.is_null() && ipasslen > 0) || (!macPass.is_null() && mpasslen < 0) {
            return PS_ARG_FAIL;
        }
        // SAFETY: `p12File` is non-NULL and NUL-terminated, the passwords are NULL or readable
        // for their (checked non-negative) lengths, per the caller contract; all are only read
        // during this call.
        let (file, import, mac) = unsafe {
            (
                cstr_or_none(p12File.cast_const().cast()),
                slice_or_none(importPass, i64::from(ipasslen)).unwrap_or_default(),
                slice_or_none(macPass, i64::from(mpasslen)),
            )
        };
        let Some(file) = file else {
            return PS_ARG_FAIL;
        };
        // SAFETY: forwarded caller contract.
        unsafe { load_into(keys, |k| k.load_pkcs12(file, import, mac)) }
    })
}

/// Loads an ECDSA identity (PEM chain + PEM P-256/P-384 key: SEC1 or PKCS#8, plain or
/// encrypted) and/or trusted CAs (RSA and ECDSA mixed) from files (ABI.md §3.11). Return codes
/// as [`matrixSslLoadRsaKeys`]. The ECDSA identity has its own slot beside the RSA one; the
/// CA list is shared with the RSA loaders (filled once). An RSA key is
/// `PS_UNSUPPORTED_FAIL`.
///
/// # Safety
/// `keys` must be NULL or a live handle; each string NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslLoadEcKeys(
    keys: *mut sslKeys_t,
    certFile: *const c_char,
    privFile: *const c_char,
    privPass: *const c_char,
    CAfile: *const c_char,
) -> i32 {
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe {
        load_files(
            keys,
            [certFile, privFile, privPass, CAfile],
            Keys::load_ec_files,
        )
    })
}

/// DER form of [`matrixSslLoadEcKeys`] (ABI.md §3.11): SEC1 or unencrypted PKCS#8 key. NULL
/// buffers are absent whatever the length; a negative length with a non-NULL buffer is
/// `PS_ARG_FAIL`.
///
/// # Safety
/// `keys` must be NULL or a live handle; each buffer NULL or `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslLoadEcKeysMem(
    keys: *mut sslKeys_t,
    certBuf: *mut u8,
    certLen: i32,
    privBuf: *mut u8,
    privLen: i32,
    CAbuf: *mut u8,
    CAlen: i32,
) -> i32 {
    let buffers = [(certBuf, certLen), (privBuf, privLen), (CAbuf, CAlen)];
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe {
        load_mem(keys, buffers, Keys::load_ec_mem)
    })
}

/// PEM DH parameters loader (ABI.md §3.11; `pki::dhparams`): the first `DH PARAMETERS`
/// (PKCS#3) or `X9.42 DH PARAMETERS` block of the file, used by DHE servers instead of the
/// built-in ffdhe2048 group. Returns 0; `PS_ARG_FAIL` (NULL argument); `PS_PLATFORM_FAIL`
/// (file unreadable); `PS_PARSE_FAIL` (malformed, or not a DH group at all);
/// `PS_UNSUPPORTED_FAIL` (parameters already loaded, or a group under 1024 / over 8192 bits
/// or with a composite p).
///
/// # Safety
/// `keys` must be NULL or a live handle; `paramFile` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslLoadDhParams(
    keys: *mut sslKeys_t,
    paramFile: *const c_char,
) -> i32 {
    guard(PS_FAILURE, || {
        if keys.is_null() || paramFile.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: non-NULL and NUL-terminated per the caller contract; read during the call.
        let Some(file) = (unsafe { cstr_or_none(paramFile) }) else {
            return PS_ARG_FAIL;
        };
        // SAFETY: forwarded caller contract.
        unsafe { load_into(keys, |k| k.load_dh_params_file(file)) }
    })
}

/// DER DH parameters loader (ABI.md §3.11): PKCS#3 `DHParameter`. NULL `keys`/`dhBin` or a
/// length ≤ 0 is `PS_ARG_FAIL`; other codes as [`matrixSslLoadDhParams`].
///
/// # Safety
/// `keys` must be NULL or a live handle; `dhBin` NULL or readable for `dhBinLen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslLoadDhParamsMem(
    keys: *mut sslKeys_t,
    dhBin: *mut u8,
    dhBinLen: i32,
) -> i32 {
    guard(PS_FAILURE, || {
        if keys.is_null() || dhBin.is_null() || dhBinLen <= 0 {
            return PS_ARG_FAIL;
        }
        // SAFETY: non-NULL and readable for `dhBinLen` (> 0) bytes per the caller contract;
        // only read during this call (the group is copied).
        let Some(der) = (unsafe { slice_or_none(dhBin, i64::from(dhBinLen)) }) else {
            return PS_ARG_FAIL;
        };
        // SAFETY: forwarded caller contract.
        unsafe { load_into(keys, |k| k.load_dh_params_der(der)) }
    })
}

/// Pre-shared key loader (ABI.md §3.11): appends a copy of (`key`, `id`); keys stay in load
/// order. `1 ≤ keyLen ≤ 64`, `1 ≤ idLen ≤ 128`, no NULLs, else `PS_ARG_FAIL`.
///
/// # Safety
/// `keys` must be NULL or a live handle; `key`/`id` NULL or readable for their lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslLoadPsk(
    keys: *mut sslKeys_t,
    key: *mut u8,
    keyLen: u32,
    id: *mut u8,
    idLen: u32,
) -> i32 {
    guard(PS_FAILURE, || {
        if keys.is_null()
            || key.is_null()
            || id.is_null()
            || !(1..=SSL_PSK_MAX_KEY_SIZE).contains(&keyLen)
            || !(1..=SSL_PSK_MAX_ID_SIZE).contains(&idLen)
        {
            return PS_ARG_FAIL;
        }
        // SAFETY: both non-NULL and readable for their (bounded, checked) lengths per the
        // caller contract; only read during this call (the container copies them).
        let (key, id) = unsafe {
            (
                slice_or_none(key, i64::from(keyLen)),
                slice_or_none(id, i64::from(idLen)),
            )
        };
        let (Some(key), Some(id)) = (key, id) else {
            return PS_ARG_FAIL;
        };
        // SAFETY: forwarded caller contract.
        unsafe { load_into(keys, |k| k.add_psk(key, id)) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{PS_CERT_AUTH_FAIL, PS_UNSUPPORTED_FAIL};
    use crate::pki::DnAttribute;
    use std::ffi::CStr;

    fn ca(cn: &str) -> Arc<Certificate> {
        let mut c = crate::ffi::x509::fixtures::test_ca();
        c.subject.common_name = Some(DnAttribute {
            tag: 12,
            value: cn.as_bytes().to_vec(),
        });
        Arc::new(c)
    }

    fn new_keys() -> *mut sslKeys_t {
        let mut k = ptr::null_mut();
        // SAFETY: `k` is writable.
        assert_eq!(unsafe { matrixSslNewKeys(&mut k) }, PS_SUCCESS);
        assert!(!k.is_null());
        k
    }

    /// Common name of the first certificate of a C chain.
    unsafe fn head_cn(c: *const psX509Cert_t) -> String {
        // SAFETY: the test passes a live view head.
        unsafe {
            CStr::from_ptr((*c).subject.commonName)
                .to_string_lossy()
                .into_owned()
        }
    }

    #[test]
    fn new_and_delete() {
        // SAFETY: NULL is allowed for both.
        unsafe {
            assert_eq!(matrixSslNewKeys(ptr::null_mut()), PS_ARG_FAIL);
            matrixSslDeleteKeys(ptr::null_mut());
        }
        let k = new_keys();
        // SAFETY: `k` is a live handle until deleted.
        unsafe {
            assert!((*k).pool.is_null() && (*k).cert.is_null());
            assert!((*k).privKey.is_null() && (*k).CAcerts.is_null());
            let snap = keys_snapshot(k).expect("live handle");
            assert!(snap.primary_identity().is_none() && snap.ca_certs.is_empty());
            assert!(keys_snapshot(ptr::null()).is_none());
            matrixSslDeleteKeys(k);
        }
    }

    #[test]
    fn successful_load_publishes_view_and_keeps_old_snapshots() {
        let k = new_keys();
        // SAFETY: `k` is a live handle until deleted.
        unsafe {
            let before = keys_snapshot(k).expect("live");
            let rc = load_into(k, |keys| {
                keys.ca_certs = vec![ca("root one"), ca("root two")];
                Ok(())
            });
            assert_eq!(rc, PS_SUCCESS);
            assert!(
                before.ca_certs.is_empty(),
                "an earlier snapshot must not change"
            );
            let after = keys_snapshot(k).expect("live");
            assert_eq!(after.ca_certs.len(), 2);
            let head = (*k).CAcerts;
            assert_eq!(head_cn(head), "root one");
            assert_eq!(head_cn((*head).next), "root two");
            assert!((*head).unparsedBin.is_null(), "CA DER is not exposed");
            assert!((*k).cert.is_null() && (*k).privKey.is_null());

            // A later load that leaves the CA slot alone does not rebuild its view.
            assert_eq!(load_into(k, |_| Ok(())), PS_SUCCESS);
            assert_eq!((*k).CAcerts, head);
            matrixSslDeleteKeys(k);
        }
    }

    #[test]
    fn identity_load_through_the_c_api_publishes_cert_and_key_views() {
        use crate::ffi::x509::fixtures::{test_ca_der, test_ca_key_der};
        let k = new_keys();
        let (mut cert, mut key) = (test_ca_der(), test_ca_key_der());
        let n = ptr::null_mut();
        // SAFETY: `k` is live until deleted; the buffers are readable for their lengths.
        unsafe {
            let before = keys_snapshot(k).expect("live");
            // Certificate without key: refused, nothing published.
            let rc = matrixSslLoadRsaKeysMem(k, cert.as_mut_ptr(), cert.len() as i32, n, 0, n, 0);
            assert_eq!(rc, PS_CERT_AUTH_FAIL);
            assert!((*k).cert.is_null() && (*k).privKey.is_null());
            assert!(Arc::ptr_eq(&before, &keys_snapshot(k).expect("live")));

            let rc = matrixSslLoadRsaKeysMem(
                k,
                cert.as_mut_ptr(),
                cert.len() as i32,
                key.as_mut_ptr(),
                key.len() as i32,
                cert.as_mut_ptr(),
                cert.len() as i32,
            );
            assert_eq!(rc, PS_SUCCESS);
            let c = &*(*k).cert;
            assert_eq!(head_cn(c), "Test CA");
            let der = std::slice::from_raw_parts(c.unparsedBin, c.binLen as usize);
            assert_eq!(der, &cert[..]);
            assert!(c.next.is_null());
            let pk = &*(*k).privKey;
            assert_eq!((pk.r#type, pk.keysize), (crate::ffi::x509::PS_RSA, 128));
            assert_eq!(((*pk.key).rsa.size, (*pk.key).rsa.optimized), (128, 1));
            assert_eq!(head_cn((*k).CAcerts), "Test CA");
            assert!((*(*k).CAcerts).unparsedBin.is_null());
            let snap = keys_snapshot(k).expect("live");
            assert_eq!(snap.rsa_identity().map(|i| i.chain.len()), Some(1));
            assert!(before.primary_identity().is_none());

            // The slot is taken; the views do not move.
            let (cert_view, ca_view) = ((*k).cert, (*k).CAcerts);
            let rc = matrixSslLoadRsaKeysMem(
                k,
                cert.as_mut_ptr(),
                cert.len() as i32,
                key.as_mut_ptr(),
                key.len() as i32,
                n,
                0,
            );
            assert_eq!(rc, PS_UNSUPPORTED_FAIL);
            assert_eq!(((*k).cert, (*k).CAcerts), (cert_view, ca_view));
            matrixSslDeleteKeys(k);
        }
    }

    #[test]
    fn ec_identity_view_and_rsa_precedence() {
        use crate::ffi::x509::{PS_ECC, PS_RSA};
        use crate::test_fixtures::pem_fixture_der as der;
        let mut chain = der("ec-server-chain.pem");
        let mut key = der("ec-server.key");
        let mut cas = der("mixed-ca-bundle.pem");
        let (mut rsa_cert, mut rsa_key) = (der("server.pem"), der("server.key"));
        let len = |v: &Vec<u8>| v.len() as i32;
        let n = ptr::null_mut();
        let k = new_keys();
        // SAFETY: `k` is live until deleted; the buffers are readable for their lengths.
        unsafe {
            let rc = matrixSslLoadEcKeysMem(
                k,
                chain.as_mut_ptr(),
                len(&chain),
                key.as_mut_ptr(),
                len(&key),
                cas.as_mut_ptr(),
                len(&cas),
            );
            assert_eq!(rc, PS_SUCCESS);
            assert_eq!(head_cn((*k).cert), "localhost");
            assert_eq!(head_cn((*(*k).cert).next), "Test EC Intermediate CA");
            let pk = &*(*k).privKey;
            assert_eq!((pk.r#type, pk.keysize), (PS_ECC, 32));
            assert_eq!(head_cn((*k).CAcerts), "Test Root CA");
            assert_eq!(head_cn((*(*k).CAcerts).next), "Test EC Root CA");
            let snap = keys_snapshot(k).expect("live");
            assert!(snap.ec_identity().is_some() && snap.rsa_identity().is_none());

            // Second EC identity: refused. RSA identity: accepted, and shown from now on.
            let rc = matrixSslLoadEcKeysMem(
                k,
                chain.as_mut_ptr(),
                len(&chain),
                key.as_mut_ptr(),
                len(&key),
                n,
                0,
            );
            assert_eq!(rc, PS_UNSUPPORTED_FAIL);
            let rc = matrixSslLoadRsaKeysMem(
                k,
                rsa_cert.as_mut_ptr(),
                len(&rsa_cert),
                rsa_key.as_mut_ptr(),
                len(&rsa_key),
                n,
                0,
            );
            assert_eq!(rc, PS_SUCCESS);
            let pk = &*(*k).privKey;
            assert_eq!((pk.r#type, pk.keysize), (PS_RSA, 256));
            let c = &*(*k).cert;
            assert!(c.next.is_null());
            let der = std::slice::from_raw_parts(c.unparsedBin, c.binLen as usize);
            assert_eq!(der, &rsa_cert[..]);
            let snap = keys_snapshot(k).expect("live");
            assert!(snap.ec_identity().is_some() && snap.rsa_identity().is_some());
            matrixSslDeleteKeys(k);
        }
    }

    #[test]
    fn failed_load_leaves_container_untouched() {
        let k = new_keys();
        // SAFETY: `k` is a live handle until deleted.
        unsafe {
            let before = keys_snapshot(k).expect("live");
            let rc = load_into(k, |keys| {
                keys.ca_certs.push(ca("half loaded"));
                Err(PS_CERT_AUTH_FAIL)
            });
            assert_eq!(rc, PS_CERT_AUTH_FAIL);
            assert!((*k).CAcerts.is_null());
            let after = keys_snapshot(k).expect("live");
            assert!(Arc::ptr_eq(&before, &after));
            // A non-negative "error" from a loader still reports failure.
            assert_eq!(load_into(k, |_| Err(3)), PS_FAILURE);
            // And the container is still usable.
            assert_eq!(
                load_into(k, |keys| {
                    keys.ca_certs.push(ca("r"));
                    Ok(())
                }),
                PS_SUCCESS
            );
            assert!(!(*k).CAcerts.is_null());
            matrixSslDeleteKeys(k);
        }
    }

    #[test]
    fn snapshots_from_other_threads_during_a_load() {
        let k = new_keys();
        let addr = k as usize;
        let readers: Vec<_> = (0..3)
            .map(|_| {
                std::thread::spawn(move || {
                    let mut seen = 0;
                    for _ in 0..2000 {
                        // SAFETY: the handle outlives the threads (joined before delete).
                        let snap = unsafe { keys_snapshot(addr as *const sslKeys_t) };
                        seen = seen.max(snap.expect("live").ca_certs.len());
                    }
                    seen
                })
            })
            .collect();
        // SAFETY: `k` is live; loads and snapshots synchronise on the container's lock.
        let rc = unsafe {
            load_into(k, |keys| {
                keys.ca_certs = vec![ca("a"), ca("b")];
                Ok(())
            })
        };
        assert_eq!(rc, PS_SUCCESS);
        for r in readers {
            // A reader sees either the empty or the complete CA list, never a partial one.
            assert!(matches!(r.join().expect("reader"), 0 | 2));
        }
        // SAFETY: all readers are done.
        unsafe { matrixSslDeleteKeys(k) };
    }

    #[test]
    fn psk_and_dh_loaders_fill_the_container() {
        let k = new_keys();
        let (mut key, mut id) = ([7u8; 64], [b'i'; 128]);
        // PKCS#3 DHParameter { p, g } of RFC 7919 ffdhe2048.
        let group = crate::crypto::dh::DhGroup::ffdhe2048();
        let mut dh = vec![0x30, 0x82, 0x01, 0x08, 0x02, 0x82, 0x01, 0x01, 0x00];
        dh.extend_from_slice(group.p_be());
        dh.extend_from_slice(&[0x02, 0x01, 0x02]);
        // SAFETY: `k` is live until deleted; the buffers are readable for their lengths.
        unsafe {
            let before = keys_snapshot(k).expect("live");
            assert_eq!(
                matrixSslLoadPsk(k, key.as_mut_ptr(), 64, id.as_mut_ptr(), 128),
                0
            );
            assert_eq!(
                matrixSslLoadPsk(k, key.as_mut_ptr(), 1, id.as_mut_ptr(), 5),
                0
            );
            // The container copied the bytes.
            key.fill(0);
            id.fill(0);
            let snap = keys_snapshot(k).expect("live");
            assert_eq!(snap.psks.len(), 2);
            assert_eq!(snap.first_psk().unwrap().key.as_slice(), &[7u8; 64]);
            assert_eq!(
                snap.psk_for_identity(b"iiiii").unwrap().key.as_slice(),
                &[7]
            );
            assert!(before.psks.is_empty(), "earlier snapshots do not change");

            let len = dh.len() as i32;
            assert_eq!(matrixSslLoadDhParamsMem(k, dh.as_mut_ptr(), len), 0);
            assert_eq!(
                matrixSslLoadDhParamsMem(k, dh.as_mut_ptr(), len),
                PS_UNSUPPORTED_FAIL
            );
            let snap = keys_snapshot(k).expect("live");
            assert_eq!(snap.server_dh_group().bits(), 2048);
            assert_eq!(snap.psks.len(), 2);
            assert!((*k).cert.is_null() && (*k).CAcerts.is_null());
            matrixSslDeleteKeys(k);
        }
    }

    #[test]
    fn argument_checks() {
        let k = new_keys();
        let b = [0x30u8, 0x00];
        let p = b.as_ptr().cast_mut();
        let n = ptr::null_mut();
        // SAFETY: `k` is live; buffers are valid for the lengths given (or NULL).
        unsafe {
            assert_eq!(
                matrixSslLoadRsaKeys(
                    ptr::null_mut(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null()
                ),
                PS_ARG_FAIL
            );
            assert_eq!(
                matrixSslLoadRsaKeysMem(ptr::null_mut(), n, 0, n, 0, n, 0),
                PS_ARG_FAIL
            );
            // NULL means absent whatever the length; a negative length with data is rejected.
            assert_eq!(matrixSslLoadRsaKeysMem(k, p, -1, n, 0, n, 0), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadRsaKeysMem(k, n, 0, n, 0, p, -2), PS_ARG_FAIL);

            assert_eq!(
                matrixSslLoadPkcs12(ptr::null_mut(), p, p, 2, n, 0, 0),
                PS_ARG_FAIL
            );
            assert_eq!(matrixSslLoadPkcs12(k, n, p, 2, n, 0, 0), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadPkcs12(k, p, n, 2, n, 0, 0), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadPkcs12(k, p, p, -1, n, 0, 0), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadPkcs12(k, p, p, 2, p, -1, 0), PS_ARG_FAIL);
            // `b` names no file: a parse-stage failure (ABI.md §3.2.5).
            let f = c"/nonexistent/x.p12".as_ptr().cast_mut().cast::<u8>();
            assert_eq!(
                matrixSslLoadPkcs12(k, f, p, 2, n, -1, 0),
                crate::error::PS_PARSE_FAIL
            );
            assert_eq!(
                matrixSslLoadPkcs12(k, f, n, 0, n, 0, 0),
                crate::error::PS_PARSE_FAIL
            );

            let s = c"x".as_ptr();
            assert_eq!(
                matrixSslLoadEcKeys(ptr::null_mut(), s, s, s, s),
                PS_ARG_FAIL
            );
            // "x" names no file.
            assert_eq!(
                matrixSslLoadEcKeys(k, s, s, ptr::null(), s),
                crate::error::PS_PLATFORM_FAIL
            );
            assert_eq!(
                matrixSslLoadEcKeysMem(ptr::null_mut(), p, 2, p, 2, p, 2),
                PS_ARG_FAIL
            );
            assert_eq!(matrixSslLoadEcKeysMem(k, p, 2, p, -2, n, 0), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadEcKeysMem(k, n, 0, n, 0, p, -1), PS_ARG_FAIL);
            // NULL with any length is absent; b is no certificate.
            assert_eq!(matrixSslLoadEcKeysMem(k, n, 5, n, -5, n, -5), PS_SUCCESS);
            assert_eq!(
                matrixSslLoadEcKeysMem(k, p, 2, p, 2, n, -5),
                crate::error::PS_PARSE_FAIL
            );

            assert_eq!(matrixSslLoadDhParams(ptr::null_mut(), s), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadDhParams(k, ptr::null()), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadDhParams(k, s), crate::error::PS_PLATFORM_FAIL);
            assert_eq!(matrixSslLoadDhParamsMem(ptr::null_mut(), p, 2), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadDhParamsMem(k, n, 2), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadDhParamsMem(k, p, 0), PS_ARG_FAIL);
            assert_eq!(
                matrixSslLoadDhParamsMem(k, p, 2),
                crate::error::PS_PARSE_FAIL
            );

            assert_eq!(matrixSslLoadPsk(ptr::null_mut(), p, 1, p, 1), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadPsk(k, n, 1, p, 1), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadPsk(k, p, 1, n, 1), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadPsk(k, p, 0, p, 1), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadPsk(k, p, 65, p, 1), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadPsk(k, p, 1, p, 0), PS_ARG_FAIL);
            assert_eq!(matrixSslLoadPsk(k, p, 1, p, 129), PS_ARG_FAIL);
            let snap = keys_snapshot(k).expect("live");
            assert!(snap.psks.is_empty() && snap.dh_params.is_none());

            // Nothing above changed the container.
            assert!((*k).cert.is_null() && (*k).CAcerts.is_null());
            matrixSslDeleteKeys(k);
        }
    }
}
