//! SHA-1 and MD5 with their state in the caller's context (the Tier C crypto API, see the parent module).

use super::*;

/// A Merkle–Damgård hash over 64-byte blocks: initial words, block function, byte order of
/// the words and of the length field.
pub(super) struct BlockHash<const N: usize> {
    iv: [u32; N],
    compress: fn(&mut [u32; N], &[u8; 64]),
    big_endian: bool,
}

pub(super) const SHA1: BlockHash<5> = BlockHash {
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

pub(super) const MD5: BlockHash<4> = BlockHash {
    iv: [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476],
    compress: md5_compress,
    big_endian: false,
};

pub(super) fn sha1_compress(state: &mut [u32; 5], block: &[u8; 64]) {
    sha1::compress(state, &[GenericArray::from(*block)]);
}

impl<const N: usize> HashState<N> {
    pub(super) fn start(alg: &BlockHash<N>) -> Self {
        HashState {
            length: 0,
            state: alg.iv,
            curlen: 0,
            buf: [0; 64],
        }
    }

    /// Absorbs `data`. A context whose `curlen` is out of range (never initialised, or
    /// overwritten) is left alone, as 3.3 does.
    pub(super) fn update(&mut self, alg: &BlockHash<N>, mut data: &[u8]) {
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
    pub(super) fn finish(&mut self, alg: &BlockHash<N>, out: &mut [u8]) -> Option<usize> {
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
                sha1: HashState::start(&SHA1),
            },
            Md::Md5 => psDigestContext_t {
                md5: HashState::start(&MD5),
            },
        }
    }

    pub(super) fn update(self, md: &mut psDigestContext_t, data: &[u8]) {
        match self {
            // SAFETY: both union members consist of integers and byte arrays only, so any
            // bit pattern of the 96 bytes is a valid value of either.
            Md::Sha1 => unsafe { &mut md.sha1 }.update(&SHA1, data),
            // SAFETY: as above.
            Md::Md5 => unsafe { &mut md.md5 }.update(&MD5, data),
        }
    }

    /// Writes the digest into `out` (at least `size()` bytes).
    pub(super) fn finish(self, md: &mut psDigestContext_t, out: &mut [u8]) -> Option<usize> {
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
