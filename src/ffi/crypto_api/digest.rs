//! SHA-1 and MD5 with their state in the caller's context (the Tier C crypto API, see the parent module).

use super::*;

impl<const N: usize> HashState<N> {
    fn start<H: BlockHash<State = [u32; N]>>() -> Self {
        HashState {
            length: 0,
            state: H::IV,
            curlen: 0,
            buf: [0; 64],
        }
    }

    /// The core's hasher resumed from this context (`length` counts the bits of the whole
    /// blocks, `curlen` the bytes of the partial one). `None` for a context whose `curlen` is
    /// out of range (never initialised, or overwritten), which is left alone, as 3.3 does.
    fn hasher<H: BlockHash<State = [u32; N]>>(&self) -> Option<Hasher<H>> {
        let partial = self
            .buf
            .get(..self.curlen as usize)
            .filter(|p| p.len() < 64)?;
        let total = (self.length / 8).wrapping_add(partial.len() as u64);
        Some(Hasher::from_parts(self.state, partial, total))
    }

    /// Absorbs `data`.
    fn update<H: BlockHash<State = [u32; N]>>(&mut self, data: &[u8]) {
        let Some(mut hasher) = self.hasher::<H>() else {
            return;
        };
        hasher.update(data);
        let (state, partial, total) = hasher.parts();
        self.state = state;
        self.buf[..partial.len()].copy_from_slice(partial);
        self.curlen = partial.len() as u32;
        self.length = total.wrapping_sub(partial.len() as u64).wrapping_mul(8);
    }

    /// Pads, writes the digest (`H::OUT` bytes) to `out` and wipes the state. `None` (and
    /// nothing written) for a context with an out-of-range `curlen`.
    fn finish<H: BlockHash<State = [u32; N]>>(&mut self, out: &mut [u8]) -> Option<usize> {
        self.hasher::<H>()?.finish(out);
        self.wipe();
        Some(H::OUT)
    }

    pub(super) fn wipe(&mut self) {
        self.length = 0;
        self.state.zeroize();
        self.curlen = 0;
        self.buf.zeroize();
    }
}

/// The two digests of the API.
#[derive(Clone, Copy)]
pub(super) enum Md {
    Sha1,
    Md5,
}

impl Md {
    pub(super) fn size(self) -> usize {
        match self {
            Md::Sha1 => SHA1_HASH_SIZE,
            Md::Md5 => MD5_HASH_SIZE,
        }
    }

    pub(super) fn hash_algorithm(self) -> HashAlgorithm {
        match self {
            Md::Sha1 => HashAlgorithm::Sha1,
            Md::Md5 => HashAlgorithm::Md5,
        }
    }

    /// A fresh context value.
    pub(super) fn start(self) -> psDigestContext_t {
        match self {
            Md::Sha1 => psDigestContext_t {
                sha1: HashState::start::<Sha1>(),
            },
            Md::Md5 => psDigestContext_t {
                md5: HashState::start::<Md5>(),
            },
        }
    }

    pub(super) fn update(self, md: &mut psDigestContext_t, data: &[u8]) {
        match self {
            // SAFETY: both union members consist of integers and byte arrays only, so any
            // bit pattern of the 96 bytes is a valid value of either.
            Md::Sha1 => unsafe { &mut md.sha1 }.update::<Sha1>(data),
            // SAFETY: as above.
            Md::Md5 => unsafe { &mut md.md5 }.update::<Md5>(data),
        }
    }

    /// Writes the digest into `out` (at least `size()` bytes).
    pub(super) fn finish(self, md: &mut psDigestContext_t, out: &mut [u8]) -> Option<usize> {
        match self {
            // SAFETY: as in `update`.
            Md::Sha1 => unsafe { &mut md.sha1 }.finish::<Sha1>(out),
            // SAFETY: as in `update`.
            Md::Md5 => unsafe { &mut md.md5 }.finish::<Md5>(out),
        }
    }
}

/// `ps*Init`: writes a fresh state (the context may be uninitialised). NULL does nothing.
///
/// # Safety
/// `md` NULL or writable.
pub(super) unsafe fn digest_init(alg: Md, md: *mut psDigestContext_t) {
    if !md.is_null() {
        // SAFETY: writable per caller contract; `write` does not read the old contents.
        unsafe { md.write(alg.start()) };
    }
}

/// `ps*Update`. NULL `md`, or NULL `buf` with a non-zero `len`, does nothing.
///
/// # Safety
/// `md` NULL or initialised; `buf` NULL or `len` readable bytes.
pub(super) unsafe fn digest_update(alg: Md, md: *mut psDigestContext_t, buf: *const u8, len: u32) {
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
pub(super) unsafe fn digest_final(alg: Md, md: *mut psDigestContext_t, hash: *mut u8) -> i32 {
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
