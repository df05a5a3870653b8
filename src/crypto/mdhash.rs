//! Merkle–Damgård hashes at the block level — MD5, SHA-1, SHA-256, SHA-384 — for the record
//! MACs of the MAC-then-encrypt suites (`recmac`). The digest crates' buffered hashers hide
//! their chaining state; the record layer needs it for two reasons:
//! * Lucky 13 (AlFardan & Paterson 2013): a CBC record's MAC covers a plaintext whose length
//!   depends on the padding, which stays secret until the MAC is checked.
//!   [`Hasher::finish_secret_len`] hashes such a message with the work and the memory
//!   accesses of the longest one possible, and picks the chaining state after the block that
//!   really ends it by masking.
//! * Speed: sealing feeds the MAC one block at a time, interleaved with the CBC encryption
//!   of the same bytes (`cbc`), so the two serial dependency chains overlap in the CPU.
//!
//! The block functions are the `sha1`/`sha2`/`md-5` crates' (`block_api`; SHA-NI or AVX2
//! picked at run time), the same code their buffered hashers run (one copy in the library).

use zeroize::Zeroize;

use super::ct;

/// Largest block (SHA-384) and digest (SHA-384) of the hashes here.
pub(crate) const MAX_BLOCK: usize = 128;
pub(crate) const MAX_OUT: usize = 48;

/// A Merkle–Damgård hash seen block by block.
pub(crate) trait BlockHash: Send + Sync + 'static {
    /// The chaining state.
    type State: Copy + Zeroize + Send + Sync;
    /// Block length in bytes (64 or 128).
    const BLOCK: usize;
    /// Bytes of the message-length field that ends the padding (8 or 16).
    const LEN_BYTES: usize;
    /// Digest length in bytes.
    const OUT: usize;
    /// Byte order of the words and of the length field (MD5 alone is little-endian).
    const BIG_ENDIAN: bool = true;
    /// The initial chaining state.
    const IV: Self::State;
    /// Absorbs `blocks`, a whole number of blocks.
    fn compress(state: &mut Self::State, blocks: &[u8]);
    /// Writes the digest of `state` (`OUT` bytes) to `out[..OUT]`.
    fn digest(state: &Self::State, out: &mut [u8]);
    /// `*dst = *src` where `mask` is all ones, nothing where it is zero; no branch.
    fn select(dst: &mut Self::State, src: &Self::State, mask: usize);
}

/// Hands `blocks` (a whole number of `B`-byte blocks) to a crate's block function in
/// place: the 0.11 crates take plain `[u8; B]` blocks, so an unaligned record needs no
/// copy into a batch (0.10's `GenericArray` blocks did).
fn compress_blocks<S, const B: usize>(state: &mut S, blocks: &[u8], f: fn(&mut S, &[[u8; B]])) {
    let (whole, rest) = blocks.as_chunks::<B>();
    debug_assert!(rest.is_empty(), "not a whole number of blocks");
    f(state, whole);
}

macro_rules! select_words {
    ($dst:expr, $src:expr, $mask:expr, $word:ty) => {{
        // The mask is all ones or zero: truncating it keeps it so.
        let m = $mask as $word;
        for (d, s) in $dst.iter_mut().zip($src.iter()) {
            *d = (*d & !m) | (*s & m);
        }
    }};
}

/// SHA-1 (only for the legacy record MACs that name it).
pub(crate) struct Sha1;
/// SHA-256.
pub(crate) struct Sha256;
/// SHA-384 (SHA-512's block function, its own initial state, 48-byte digest).
pub(crate) struct Sha384;
/// MD5 (the RC4 / NULL legacy suites' record MACs, and `psMd5*`).
pub(crate) struct Md5;

impl BlockHash for Sha1 {
    type State = [u32; 5];
    const BLOCK: usize = 64;
    const LEN_BYTES: usize = 8;
    const OUT: usize = 20;
    const IV: [u32; 5] = [
        0x6745_2301,
        0xefcd_ab89,
        0x98ba_dcfe,
        0x1032_5476,
        0xc3d2_e1f0,
    ];
    fn compress(state: &mut [u32; 5], blocks: &[u8]) {
        compress_blocks(state, blocks, sha1::block_api::compress);
    }
    fn digest(state: &[u32; 5], out: &mut [u8]) {
        for (d, w) in out[..20].chunks_exact_mut(4).zip(state) {
            d.copy_from_slice(&w.to_be_bytes());
        }
    }
    fn select(dst: &mut [u32; 5], src: &[u32; 5], mask: usize) {
        select_words!(dst, src, mask, u32)
    }
}

impl BlockHash for Sha256 {
    type State = [u32; 8];
    const BLOCK: usize = 64;
    const LEN_BYTES: usize = 8;
    const OUT: usize = 32;
    const IV: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    fn compress(state: &mut [u32; 8], blocks: &[u8]) {
        compress_blocks(state, blocks, sha2::block_api::compress256);
    }
    fn digest(state: &[u32; 8], out: &mut [u8]) {
        for (d, w) in out[..32].chunks_exact_mut(4).zip(state) {
            d.copy_from_slice(&w.to_be_bytes());
        }
    }
    fn select(dst: &mut [u32; 8], src: &[u32; 8], mask: usize) {
        select_words!(dst, src, mask, u32)
    }
}

impl BlockHash for Sha384 {
    type State = [u64; 8];
    const BLOCK: usize = 128;
    const LEN_BYTES: usize = 16;
    const OUT: usize = 48;
    const IV: [u64; 8] = [
        0xcbbb_9d5d_c105_9ed8,
        0x629a_292a_367c_d507,
        0x9159_015a_3070_dd17,
        0x152f_ecd8_f70e_5939,
        0x6733_2667_ffc0_0b31,
        0x8eb4_4a87_6858_1511,
        0xdb0c_2e0d_64f9_8fa7,
        0x47b5_481d_befa_4fa4,
    ];
    fn compress(state: &mut [u64; 8], blocks: &[u8]) {
        compress_blocks(state, blocks, sha2::block_api::compress512);
    }
    fn digest(state: &[u64; 8], out: &mut [u8]) {
        for (d, w) in out[..48].chunks_exact_mut(8).zip(state) {
            d.copy_from_slice(&w.to_be_bytes());
        }
    }
    fn select(dst: &mut [u64; 8], src: &[u64; 8], mask: usize) {
        select_words!(dst, src, mask, u64)
    }
}

impl BlockHash for Md5 {
    type State = [u32; 4];
    const BLOCK: usize = 64;
    const LEN_BYTES: usize = 8;
    const OUT: usize = 16;
    const BIG_ENDIAN: bool = false;
    const IV: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    fn compress(state: &mut [u32; 4], blocks: &[u8]) {
        compress_blocks(state, blocks, md5::block_api::compress);
    }
    fn digest(state: &[u32; 4], out: &mut [u8]) {
        for (d, w) in out[..16].chunks_exact_mut(4).zip(state) {
            d.copy_from_slice(&w.to_le_bytes());
        }
    }
    fn select(dst: &mut [u32; 4], src: &[u32; 4], mask: usize) {
        select_words!(dst, src, mask, u32)
    }
}

/// The length field that ends the padding of a `total`-byte message, in the first
/// `H::LEN_BYTES` bytes.
fn length_field<H: BlockHash>(total: u64) -> [u8; 16] {
    let bits = u128::from(total) * 8;
    let mut f = [0u8; 16];
    if H::BIG_ENDIAN {
        f[..H::LEN_BYTES].copy_from_slice(&bits.to_be_bytes()[16 - H::LEN_BYTES..]);
    } else {
        f[..H::LEN_BYTES].copy_from_slice(&bits.to_le_bytes()[..H::LEN_BYTES]);
    }
    f
}

/// A running hash: chaining state, the partial block, the byte count. Holds keyed MAC
/// states, hence wiped on drop.
pub(crate) struct Hasher<H: BlockHash> {
    state: H::State,
    buf: [u8; MAX_BLOCK],
    buffered: usize,
    total: u64,
}

impl<H: BlockHash> Clone for Hasher<H> {
    fn clone(&self) -> Self {
        Hasher {
            state: self.state,
            buf: self.buf,
            buffered: self.buffered,
            total: self.total,
        }
    }
}

impl<H: BlockHash> Drop for Hasher<H> {
    fn drop(&mut self) {
        self.state.zeroize();
        self.buf.zeroize();
    }
}

impl<H: BlockHash> Default for Hasher<H> {
    fn default() -> Self {
        Hasher {
            state: H::IV,
            buf: [0; MAX_BLOCK],
            buffered: 0,
            total: 0,
        }
    }
}

impl<H: BlockHash> Hasher<H> {
    /// A hash resumed from state kept elsewhere (the crypto API keeps it in the caller's C
    /// context): the chaining `state` after the whole blocks of a `total`-byte message, and
    /// the `partial` block that follows them (shorter than a block).
    pub(crate) fn from_parts(state: H::State, partial: &[u8], total: u64) -> Self {
        let mut hasher = Hasher {
            state,
            buf: [0; MAX_BLOCK],
            buffered: partial.len(),
            total,
        };
        hasher.buf[..partial.len()].copy_from_slice(partial);
        hasher
    }

    /// The parts [`from_parts`](Self::from_parts) takes.
    pub(crate) fn parts(&self) -> (H::State, &[u8], u64) {
        (self.state, &self.buf[..self.buffered], self.total)
    }

    /// The chaining state after whole blocks only (`total` bytes, no partial block): what
    /// a keyed prefix leaves, kept by the record MACs instead of a whole `Hasher` (whose
    /// block buffer would be empty and is most of its size).
    pub(crate) fn block_state(&self) -> (H::State, u64) {
        debug_assert_eq!(self.buffered, 0);
        (self.state, self.total)
    }

    /// A hasher continuing from a [`Hasher::block_state`].
    pub(crate) fn from_block_state(state: H::State, total: u64) -> Self {
        Hasher {
            state,
            buf: [0; MAX_BLOCK],
            buffered: 0,
            total,
        }
    }

    /// Bytes waiting in the partial block.
    pub(crate) fn buffered(&self) -> usize {
        self.buffered
    }

    pub(crate) fn update(&mut self, mut data: &[u8]) {
        let b = H::BLOCK;
        self.total += data.len() as u64;
        if self.buffered > 0 {
            let n = (b - self.buffered).min(data.len());
            self.buf[self.buffered..self.buffered + n].copy_from_slice(&data[..n]);
            self.buffered += n;
            data = &data[n..];
            if self.buffered < b {
                return;
            }
            H::compress(&mut self.state, &self.buf[..b]);
            self.buffered = 0;
        }
        let whole = data.len() / b * b;
        if whole > 0 {
            H::compress(&mut self.state, &data[..whole]);
        }
        let rest = &data[whole..];
        self.buf[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    /// Absorbs whole blocks when no partial block is pending: the sealing loop's step, which
    /// skips `update`'s bookkeeping (the caller keeps the alignment).
    pub(crate) fn absorb_blocks(&mut self, blocks: &[u8]) {
        debug_assert!(self.buffered == 0 && blocks.len().is_multiple_of(H::BLOCK));
        self.total += blocks.len() as u64;
        H::compress(&mut self.state, blocks);
    }

    /// Pads (the message length is public) and writes the digest to `out[..H::OUT]`.
    pub(crate) fn finish(mut self, out: &mut [u8]) {
        let b = H::BLOCK;
        let field = length_field::<H>(self.total);
        let at = self.buffered;
        self.buf[at] = 0x80;
        self.buf[at + 1..b].fill(0);
        if at + 1 > b - H::LEN_BYTES {
            H::compress(&mut self.state, &self.buf[..b]);
            self.buf[..b].fill(0);
        }
        self.buf[b - H::LEN_BYTES..b].copy_from_slice(&field[..H::LEN_BYTES]);
        H::compress(&mut self.state, &self.buf[..b]);
        H::digest(&self.state, out);
    }

    /// Absorbs `data[..len]` and finishes as [`finish`](Self::finish) would, in time and
    /// memory accesses that depend on `data.len()` but not on the secret `len`
    /// (`len <= data.len()`): every block the longest message (`len = data.len()`) would
    /// need is compressed, each byte being the data byte, the 0x80 terminator, zero, or the
    /// length field, chosen by masks; the state after the block that really ends the
    /// message is kept by masked selection. Costs at most two blocks more than hashing
    /// `data.len()` bytes with [`update`](Self::update), so callers absorb the part that
    /// is certainly in the message (`data[..min]`) with `update` first.
    pub(crate) fn finish_secret_len(mut self, data: &[u8], len: usize, out: &mut [u8]) {
        let b = H::BLOCK;
        let field_at = b - H::LEN_BYTES;
        let start = self.buffered;
        let field = length_field::<H>(self.total + len as u64);
        // Index (from the pending block) of the block that holds the length field.
        let last = (start + len + H::LEN_BYTES) / b;
        let blocks = (start + data.len() + H::LEN_BYTES) / b + 1;
        let mut result = self.state;
        let mut block = [0u8; MAX_BLOCK];
        for i in 0..blocks {
            let is_last = ct::eq(i, last);
            for (j, out) in block[..b].iter_mut().enumerate() {
                let p = i * b + j;
                // Public branches only: which region a position falls in depends on the
                // block count, the pending bytes and `data.len()`, never on `len`.
                let mut v = if p < start {
                    self.buf[p]
                } else {
                    let k = p - start;
                    let d = data.get(k).copied().unwrap_or(0);
                    (d & ct::lt(k, len) as u8) | (0x80 & ct::eq(k, len) as u8)
                };
                if j >= field_at {
                    v |= field[j - field_at] & is_last as u8;
                }
                *out = v;
            }
            H::compress(&mut self.state, &block[..b]);
            H::select(&mut result, &self.state, is_last);
        }
        H::digest(&result, out);
        result.zeroize();
        block.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    fn message(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 131 + 7) as u8).collect()
    }

    fn reference<D: Digest>(data: &[u8]) -> Vec<u8> {
        D::digest(data).to_vec()
    }

    fn check<H: BlockHash>(reference: fn(&[u8]) -> Vec<u8>) {
        // Every message length across three blocks, fed in uneven pieces.
        for n in 0..(3 * H::BLOCK + 3) {
            let m = message(n);
            let mut h = Hasher::<H>::default();
            for piece in m.chunks(7) {
                h.update(piece);
            }
            let mut out = [0u8; MAX_OUT];
            h.finish(&mut out);
            assert_eq!(&out[..H::OUT], &reference(&m)[..], "length {n}");
        }
        // Secret-length finish: every split of a fixed maximum, with 0..block bytes before.
        for pre in [0usize, 1, 13, H::BLOCK - 1] {
            let prefix = message(pre + 300);
            let (head, tail) = prefix.split_at(pre);
            for len in 0..=tail.len() {
                let mut h = Hasher::<H>::default();
                h.update(head);
                let mut out = [0u8; MAX_OUT];
                h.finish_secret_len(tail, len, &mut out);
                let expected = reference(&prefix[..pre + len]);
                assert_eq!(&out[..H::OUT], &expected[..], "pre {pre} len {len}");
            }
        }
    }

    #[test]
    fn block_hashes_match_the_digest_crates() {
        check::<Sha1>(reference::<sha1::Sha1>);
        check::<Sha256>(reference::<sha2::Sha256>);
        check::<Sha384>(reference::<sha2::Sha384>);
        check::<Md5>(reference::<md5::Md5>);
    }

    #[test]
    fn resumed_from_parts_continues_the_message() {
        let m = message(200);
        for split in [0, 1, 63, 64, 65, 150, 200] {
            let mut h = Hasher::<Md5>::default();
            h.update(&m[..split]);
            let (state, partial, total) = h.parts();
            let mut resumed = Hasher::<Md5>::from_parts(state, partial, total);
            resumed.update(&m[split..]);
            let mut out = [0u8; MAX_OUT];
            resumed.finish(&mut out);
            assert_eq!(&out[..16], &reference::<md5::Md5>(&m)[..], "split {split}");
        }
    }

    #[test]
    fn multi_block_compression_equals_block_by_block() {
        let m = message(64 * 40);
        let mut a = Sha1::IV;
        Sha1::compress(&mut a, &m);
        let mut b = Sha1::IV;
        for blk in m.chunks(64) {
            Sha1::compress(&mut b, blk);
        }
        assert_eq!(a, b);
    }
}
