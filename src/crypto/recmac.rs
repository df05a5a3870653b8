//! Record MACs of the MAC-then-encrypt suites (CBC in `cbc`, RC4/NULL in `stream`): the TLS
//! HMAC over seq ‖ type ‖ version ‖ length ‖ data (RFC 5246 §6.2.3.1) here, and the SSL 3.0
//! MAC in `ssl3` (feature `ssl3`). Both keep the hash states after absorbing the keyed prefix,
//! so each record costs no key setup.

use sha2::Digest;
use sha2::digest::core_api::BlockSizeUser as DigestBlockSize;
use zeroize::Zeroizing;

/// Hash usable for a record MAC: MD5/SHA-1/SHA-256 (64-byte blocks) or SHA-384 (128-byte).
pub(super) trait MacHash: Digest + DigestBlockSize + Clone + Send + 'static {}
impl MacHash for md5::Md5 {}
impl MacHash for sha1::Sha1 {}
impl MacHash for sha2::Sha256 {}
impl MacHash for sha2::Sha384 {}

/// One direction's record MAC.
pub(super) trait RecordMac: Send + 'static {
    /// The underlying hash (the CBC check spends dummy compressions of it).
    type Hash: MacHash;

    fn new(key: &[u8]) -> Self;

    /// Length of the tag.
    fn mac_len() -> usize {
        <Self::Hash as Digest>::output_size()
    }

    /// Bytes the inner hash absorbs before the record data (keyed prefix and pseudo-header):
    /// what the constant-time CBC check needs to count compression-function calls.
    fn inner_prefix_len() -> usize;

    /// True for SSL 3.0, whose CBC padding bytes are arbitrary and shorter than a block
    /// (RFC 6101 §5.2.3.2); TLS padding repeats its length byte, up to 255 bytes.
    fn ssl3_padding() -> bool {
        false
    }

    /// The tag of one record's `data` into `out[..mac_len()]`.
    fn compute(&self, seq: u64, content_type: u8, version: u16, data: &[u8], out: &mut [u8]);
}

/// HMAC (RFC 2104) with precomputed key states, over the TLS MAC pseudo-header.
pub(super) struct TlsHmac<D: MacHash> {
    /// State after absorbing `key ^ ipad` (one block).
    inner: D,
    /// State after absorbing `key ^ opad`.
    outer: D,
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

impl<D: MacHash> RecordMac for TlsHmac<D> {
    type Hash = D;

    fn new(key: &[u8]) -> Self {
        let b = <D as DigestBlockSize>::block_size();
        let mut k = Zeroizing::new(vec![0u8; b]);
        if key.len() > b {
            let h = D::digest(key);
            k[..h.len()].copy_from_slice(&h);
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut pad = Zeroizing::new(vec![0u8; b]);
        for (p, x) in pad.iter_mut().zip(k.iter()) {
            *p = x ^ 0x36;
        }
        let inner = D::new_with_prefix(&pad[..]);
        for (p, x) in pad.iter_mut().zip(k.iter()) {
            *p = x ^ 0x5c;
        }
        let outer = D::new_with_prefix(&pad[..]);
        TlsHmac { inner, outer }
    }

    fn inner_prefix_len() -> usize {
        <D as DigestBlockSize>::block_size() + 13
    }

    fn compute(&self, seq: u64, content_type: u8, version: u16, data: &[u8], out: &mut [u8]) {
        let mut inner = self.inner.clone();
        inner.update(tls_mac_header(seq, content_type, version, data.len()));
        inner.update(data);
        let mut outer = self.outer.clone();
        outer.update(inner.finalize());
        let tag = outer.finalize();
        out[..tag.len()].copy_from_slice(&tag);
    }
}

#[cfg(test)]
mod tests {
    use super::super::hash::{HashAlgorithm, hmac};
    use super::*;

    /// Agrees with the handshake HMAC (ring / RFC 2104 by hand for MD5) for every hash and
    /// for keys shorter and longer than a block.
    #[test]
    fn tls_hmac_matches_reference_hmac() {
        fn check<D: MacHash>(alg: HashAlgorithm) {
            for key_len in [0usize, 16, 20, 64, 130] {
                let key: Vec<u8> = (0..key_len).map(|i| i as u8 ^ 0x5a).collect();
                let data = b"record payload";
                let mac = TlsHmac::<D>::new(&key);
                let mut out = [0u8; 48];
                mac.compute(7, 23, 0x0301, data, &mut out);
                let header = tls_mac_header(7, 23, 0x0301, data.len());
                let expected = hmac(alg, &key, &[&header, data]);
                assert_eq!(&out[..expected.len()], &expected[..], "{alg:?} {key_len}");
                assert_eq!(TlsHmac::<D>::mac_len(), expected.len());
            }
        }
        check::<md5::Md5>(HashAlgorithm::Md5);
        check::<sha1::Sha1>(HashAlgorithm::Sha1);
        check::<sha2::Sha256>(HashAlgorithm::Sha256);
        check::<sha2::Sha384>(HashAlgorithm::Sha384);
    }
}
