//! Keys: the psPubKey_t registry (the Tier C crypto API, see the parent module).

use super::*;

/// A `psPubKey_t` handed out by this module with its `pubKeyUnion_t`, and the private key
/// behind it (`None` for `psNewPubKey` blanks).
pub(super) struct KeyHandle {
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
pub(super) static PUB_KEYS: Mutex<BTreeMap<usize, KeyHandle>> = Mutex::new(BTreeMap::new());

pub(super) fn pub_keys() -> std::sync::MutexGuard<'static, BTreeMap<usize, KeyHandle>> {
    PUB_KEYS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Allocates and registers a `psPubKey_t` (type `key_type`) whose `psRsaKey_t` reports
/// `size` and `optimized`; returns the `psPubKey_t`.
pub(super) fn register_key(key_type: i32, rsa: Option<RsaPrivateKey>) -> *mut psPubKey_t {
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
pub(super) enum RsaRef {
    Private(Arc<RsaPrivateKey>),
    Public(RsaPublicKey),
}

impl RsaRef {
    pub(super) fn lookup(key: *const psRsaKey_t) -> Option<RsaRef> {
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

    pub(super) fn public(&self) -> RsaPublicKey {
        match self {
            RsaRef::Private(k) => k.public_key(),
            RsaRef::Public(k) => k.clone(),
        }
    }

    pub(super) fn private(&self) -> Option<&RsaPrivateKey> {
        match self {
            RsaRef::Private(k) => Some(k),
            RsaRef::Public(_) => None,
        }
    }

    pub(super) fn modulus_len(&self) -> usize {
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
pub(super) unsafe fn publish_private_key(
    parsed: Result<PrivateKey, i32>,
    out: *mut *mut psPubKey_t,
) -> i32 {
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
/// The DER is read as the key loaders read it ([`PrivateKey::from_der_any`]), so an
/// unencrypted PKCS#8 RSA key is accepted as well: 3.3's loaders fell back to PKCS#8 when
/// PKCS#1 failed, and `openssl rsa -outform DER` writes PKCS#8 since OpenSSL 3.0.
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
        let parsed = PrivateKey::from_der_any(der);
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
            // Not a plain PrivateKeyInfo: an EncryptedPrivateKeyInfo, then.
            parsed = PrivateKey::from_encrypted_pkcs8_der(der, Some(pass));
        }
        // SAFETY: `key` is writable.
        unsafe { publish_private_key(parsed, key) }
    })
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

/// `pkcs1DecodePrivFile`: the DER of a PEM private key file, decrypted with `password` if it
/// uses the legacy PEM encryption ([`private_key_der`]), in a new `malloc` buffer (`*DERout`, free with `psFree`)
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
        let der = match read_file(name).and_then(|t| private_key_der(&t, password)) {
            Ok(d) => d,
            Err(rc) => return rc,
        };
        let Ok(len) = u32::try_from(der.len()) else {
            return PS_MEM_FAIL;
        };
        let Some(block) = malloc_copy_nul(&der) else {
            return PS_MEM_FAIL;
        };
        // SAFETY: both out-pointers are writable.
        unsafe {
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
