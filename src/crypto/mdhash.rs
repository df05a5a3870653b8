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
//! The SHA block functions are the `sha1`/`sha2` crates' (feature `compress`; SHA-NI or AVX2
//! picked at run time). md-5 exports none, so MD5's is here (also used by `psMd5*`).

use sha1::digest::generic_array::{ArrayLength, GenericArray};
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

/// Blocks copied into one batch for the crates' block functions: they take a slice of
/// `GenericArray` blocks, and the message here is rarely aligned to one (the MAC header
/// comes first). Copying 16 blocks costs far less than calling the function per block.
/// Only record data passes through the batch (not wiped: it is the caller's plaintext,
/// still in its buffer); key blocks are single blocks and take the direct path.
const BATCH: usize = 16;

fn compress_batched<S, N: ArrayLength<u8>>(
    state: &mut S,
    blocks: &[u8],
    f: impl Fn(&mut S, &[GenericArray<u8, N>]),
) {
    let b = N::USIZE;
    if blocks.len() == b {
        f(
            state,
            core::slice::from_ref(GenericArray::from_slice(blocks)),
        );
        return;
    }
    let mut batch: [GenericArray<u8, N>; BATCH] = core::array::from_fn(|_| GenericArray::default());
    for group in blocks.chunks(b * BATCH) {
        let n = group.len() / b;
        for (dst, src) in batch.iter_mut().zip(group.chunks_exact(b)) {
            dst.copy_from_slice(src);
        }
        f(state, &batch[..n]);
    }
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
        compress_batched(state, blocks, sha1::compress);
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
        compress_batched(state, blocks, sha2::compress256);
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
        compress_batched(state, blocks, sha2::compress512);
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
        for block in blocks.chunks_exact(64) {
            if let Ok(block) = <&[u8; 64]>::try_from(block) {
                md5_compress(state, block);
            }
        }
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

// ---------------------------------------------------------------------------------------
// MD5's block function.

/// MD5 per-step left rotations (RFC 1321 §3.4).
const MD5_SHIFT: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/// MD5 additive constants: floor(|sin(i + 1)| · 2^32) (RFC 1321 §3.4; checked in the tests).
const MD5_K: [u32; 64] = [
    0xd76a_a478,
    0xe8c7_b756,
    0x2420_70db,
    0xc1bd_ceee,
    0xf57c_0faf,
    0x4787_c62a,
    0xa830_4613,
    0xfd46_9501,
    0x6980_98d8,
    0x8b44_f7af,
    0xffff_5bb1,
    0x895c_d7be,
    0x6b90_1122,
    0xfd98_7193,
    0xa679_438e,
    0x49b4_0821,
    0xf61e_2562,
    0xc040_b340,
    0x265e_5a51,
    0xe9b6_c7aa,
    0xd62f_105d,
    0x0244_1453,
    0xd8a1_e681,
    0xe7d3_fbc8,
    0x21e1_cde6,
    0xc337_07d6,
    0xf4d5_0d87,
    0x455a_14ed,
    0xa9e3_e905,
    0xfcef_a3f8,
    0x676f_02d9,
    0x8d2a_4c8a,
    0xfffa_3942,
    0x8771_f681,
    0x6d9d_6122,
    0xfde5_380c,
    0xa4be_ea44,
    0x4bde_cfa9,
    0xf6bb_4b60,
    0xbebf_bc70,
    0x289b_7ec6,
    0xeaa1_27fa,
    0xd4ef_3085,
    0x0488_1d05,
    0xd9d4_d039,
    0xe6db_99e5,
    0x1fa2_7cf8,
    0xc4ac_5665,
    0xf429_2244,
    0x432a_ff97,
    0xab94_23a7,
    0xfc93_a039,
    0x655b_59c3,
    0x8f0c_cc92,
    0xffef_f47d,
    0x8584_5dd1,
    0x6fa8_7e4f,
    0xfe2c_e6e0,
    0xa301_4314,
    0x4e08_11a1,
    0xf753_7e82,
    0xbd3a_f235,
    0x2ad7_d2bb,
    0xeb86_d391,
];

/// The MD5 block function (RFC 1321 §3.4): four rounds of sixteen steps.
pub(crate) fn md5_compress(state: &mut [u32; 4], block: &[u8; 64]) {
    let mut m = [0u32; 16];
    for (w, b) in m.iter_mut().zip(block.chunks_exact(4)) {
        *w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    }
    let [mut a, mut b, mut c, mut d] = *state;
    for (i, k) in MD5_K.iter().enumerate() {
        let (f, g) = match i / 16 {
            0 => ((b & c) | (!b & d), i),
            1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
            2 => (b ^ c ^ d, (3 * i + 5) % 16),
            _ => (c ^ (b | !d), (7 * i) % 16),
        };
        let shift = MD5_SHIFT[(i / 16) * 4 + i % 4];
        let sum = a.wrapping_add(f).wrapping_add(*k).wrapping_add(m[g]);
        a = d;
        d = c;
        c = b;
        b = b.wrapping_add(sum.rotate_left(shift));
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d]) {
        *s = s.wrapping_add(v);
    }
    m.zeroize();
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
    fn md5_constants_are_the_sine_table() {
        for (i, k) in MD5_K.iter().enumerate() {
            let expected = (((i + 1) as f64).sin().abs() * 4_294_967_296.0).floor() as u32;
            assert_eq!(*k, expected, "K[{i}]");
        }
    }

    #[test]
    fn batched_compression_equals_block_by_block() {
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
