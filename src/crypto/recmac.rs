//! Record MACs of the MAC-then-encrypt suites (CBC in `cbc`, RC4/NULL in `stream`): the TLS
//! HMAC over seq ‖ type ‖ version ‖ length ‖ data (RFC 5246 §6.2.3.1) here, and the SSL 3.0
//! MAC in `ssl3` (feature `ssl3`). Both are hash(outer prefix ‖ hash(inner prefix ‖ header ‖
//! data)) and keep the two hash states after their keyed prefixes, so a record costs no key
//! setup. The hashes are block-level (`mdhash`): `cbc` needs the inner state to interleave
//! hashing with encryption and to hash a plaintext of secret length.

use zeroize::{Zeroize, Zeroizing};

use super::ct;
use super::mdhash::{BlockHash, Hasher, MAX_OUT};

/// One direction's record MAC.
pub(super) trait RecordMac: Send + 'static {
    /// The underlying hash.
    type Hash: BlockHash;

    fn new(key: &[u8]) -> Self;

    /// Length of the tag.
    fn mac_len() -> usize {
        <Self::Hash as BlockHash>::OUT
    }

    /// True for SSL 3.0, whose CBC padding bytes are arbitrary and shorter than a block
    /// (RFC 6101 §5.2.3.2); TLS padding repeats its length byte, up to 255 bytes.
    fn ssl3_padding() -> bool {
        false
    }

    /// The inner hash after its keyed prefix and the pseudo-header of a record of
    /// `content_type` carrying `len` bytes. (`len` may be secret: it only changes the
    /// header's contents, never how many bytes are hashed.)
    fn inner(&self, seq: u64, content_type: u8, version: u16, len: usize) -> Hasher<Self::Hash>;

    /// The outer hash after its keyed prefix.
    fn outer(&self) -> Hasher<Self::Hash>;

    /// Completes a tag from the inner hash that has absorbed the whole record: the tag into
    /// `out[..mac_len()]`.
    fn finish(&self, inner: Hasher<Self::Hash>, out: &mut [u8]) {
        let mut digest = Zeroizing::new([0u8; MAX_OUT]);
        inner.finish(&mut digest[..]);
        self.finish_digest(&digest[..Self::mac_len()], out);
    }

    /// The outer hash over an inner digest.
    fn finish_digest(&self, inner_digest: &[u8], out: &mut [u8]) {
        let mut outer = self.outer();
        outer.update(inner_digest);
        outer.finish(out);
    }

    /// The tag of one record's `data` into `out[..mac_len()]` (the stream suites; CBC
    /// sealing interleaves the same steps with its encryption).
    #[cfg_attr(
        not(any(feature = "rc4-suites", feature = "null-suites")),
        allow(dead_code)
    )]
    fn compute(&self, seq: u64, content_type: u8, version: u16, data: &[u8], out: &mut [u8]) {
        let mut inner = self.inner(seq, content_type, version, data.len());
        inner.update(data);
        self.finish(inner, out);
    }

    /// The tag of `data[..len]` where `len` is secret, `min <= len <= data.len()` (`min` and
    /// `data.len()` public): the same hashing work and memory accesses for every `len`
    /// (see [`Hasher::finish_secret_len`]).
    #[allow(clippy::too_many_arguments)]
    fn compute_secret_len(
        &self,
        seq: u64,
        content_type: u8,
        version: u16,
        data: &[u8],
        min: usize,
        len: usize,
        out: &mut [u8],
    ) {
        let mut inner = self.inner(seq, content_type, version, len);
        inner.update(&data[..min]);
        let mut digest = Zeroizing::new([0u8; MAX_OUT]);
        inner.finish_secret_len(&data[min..], len - min, &mut digest[..]);
        self.finish_digest(&digest[..Self::mac_len()], out);
    }

    /// Whether `received` is the tag of `data`, compared in constant time (the MAC sits at
    /// a public offset: the stream suites).
    #[cfg_attr(
        not(any(feature = "rc4-suites", feature = "null-suites")),
        allow(dead_code)
    )]
    fn verify(
        &self,
        seq: u64,
        content_type: u8,
        version: u16,
        data: &[u8],
        received: &[u8],
    ) -> bool {
        let mut expected = Zeroizing::new([0u8; MAX_OUT]);
        self.compute(seq, content_type, version, data, &mut expected[..]);
        tags_match(received, &expected[..Self::mac_len()]) != 0
    }
}

/// Constant-time tag comparison shared by the CBC and stream open paths, as a mask (the
/// verdict itself is public: the record is accepted or the connection ends).
pub(super) fn tags_match(received: &[u8], expected: &[u8]) -> usize {
    ct::bytes_eq(received, expected)
}

/// HMAC (RFC 2104) with precomputed key states, over the TLS MAC pseudo-header.
///
/// Only the chaining states are kept (one block absorbed each, nothing buffered): an idle
/// connection holds two of these per direction pair, and whole `Hasher`s would carry two
/// empty block buffers each.
pub(super) struct TlsHmac<H: BlockHash> {
    /// Chaining state after absorbing `key ^ ipad` (one block).
    inner: H::State,
    /// Chaining state after absorbing `key ^ opad`.
    outer: H::State,
}

/// The key states are derived from the MAC key.
impl<H: BlockHash> Drop for TlsHmac<H> {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

/// seq ‖ type ‖ version ‖ length: the MAC's record header (RFC 5246 §6.2.3.1).
pub(super) fn tls_mac_header(seq: u64, content_type: u8, version: u16, len: usize) -> [u8; 13] {
    let mut h = [0u8; 13];
    h[..8].copy_from_slice(&seq.to_be_bytes());
    h[8] = content_type;
    h[9..11].copy_from_slice(&version.to_be_bytes());
    // A record carries at most 2^14 + 2048 bytes, so the length fits 16 bits.
    h[11..13].copy_from_slice(&(len as u16).to_be_bytes());
    h
}

impl<H: BlockHash> RecordMac for TlsHmac<H> {
    type Hash = H;

    fn new(key: &[u8]) -> Self {
        let b = H::BLOCK;
        let mut k = Zeroizing::new([0u8; super::mdhash::MAX_BLOCK]);
        if key.len() > b {
            let mut h = Hasher::<H>::default();
            h.update(key);
            h.finish(&mut k[..]);
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut pad = Zeroizing::new([0u8; super::mdhash::MAX_BLOCK]);
        for (p, x) in pad.iter_mut().zip(k.iter()) {
            *p = x ^ 0x36;
        }
        let mut inner = Hasher::<H>::default();
        inner.update(&pad[..b]);
        for (p, x) in pad.iter_mut().zip(k.iter()) {
            *p = x ^ 0x5c;
        }
        let mut outer = Hasher::<H>::default();
        outer.update(&pad[..b]);
        TlsHmac {
            inner: inner.block_state().0,
            outer: outer.block_state().0,
        }
    }

    fn inner(&self, seq: u64, content_type: u8, version: u16, len: usize) -> Hasher<H> {
        let mut inner = Hasher::from_block_state(self.inner, H::BLOCK as u64);
        inner.update(&tls_mac_header(seq, content_type, version, len));
        inner
    }

    fn outer(&self) -> Hasher<H> {
        Hasher::from_block_state(self.outer, H::BLOCK as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::super::hash::{HashAlgorithm, hmac};
    use super::super::mdhash::{Md5, Sha1, Sha256, Sha384};
    use super::*;

    /// Agrees with the handshake HMAC (ring / RFC 2104 by hand for MD5) for every hash and
    /// for keys shorter and longer than a block; the secret-length tag agrees with the
    /// plain one for every length.
    #[test]
    fn tls_hmac_matches_reference_hmac() {
        fn check<H: BlockHash>(alg: HashAlgorithm) {
            for key_len in [0usize, 16, 20, 64, 130] {
                let key: Vec<u8> = (0..key_len).map(|i| i as u8 ^ 0x5a).collect();
                let data = b"record payload";
                let mac = TlsHmac::<H>::new(&key);
                let mut out = [0u8; 48];
                mac.compute(7, 23, 0x0301, data, &mut out);
                let header = tls_mac_header(7, 23, 0x0301, data.len());
                let expected = hmac(alg, &key, &[&header, data]);
                assert_eq!(&out[..expected.len()], &expected[..], "{alg:?} {key_len}");
                assert_eq!(TlsHmac::<H>::mac_len(), expected.len());
                assert!(mac.verify(7, 23, 0x0301, data, &expected));
                assert!(!mac.verify(8, 23, 0x0301, data, &expected));
            }
            let mac = TlsHmac::<H>::new(b"key");
            let data: Vec<u8> = (0..400u32).map(|i| (i * 7) as u8).collect();
            for len in 100..=400 {
                let mut a = [0u8; 48];
                let mut b = [0u8; 48];
                mac.compute(1, 23, 0x0303, &data[..len], &mut a);
                mac.compute_secret_len(1, 23, 0x0303, &data, 100, len, &mut b);
                assert_eq!(a, b, "{alg:?} {len}");
            }
        }
        check::<Md5>(HashAlgorithm::Md5);
        check::<Sha1>(HashAlgorithm::Sha1);
        check::<Sha256>(HashAlgorithm::Sha256);
        check::<Sha384>(HashAlgorithm::Sha384);
    }
}
