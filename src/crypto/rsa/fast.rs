//! The private operations on aws-lc, at about three to four times the rate of the
//! crypto-bigint path (and on par with OpenSSL), which bounds every RSA-authenticated full
//! handshake: PKCS#1 v1.5 signing of SHA-256/384/512 DigestInfos through aws-lc-rs (2048 to
//! 8192 bits), and the raw private transform (premaster decryption, raw signatures) through
//! `c_imports::rsa_transform` for any size aws-lc takes. aws-lc blinds, uses constant-time modular
//! exponentiation and verifies each CRT result before releasing it. Keys aws-lc refuses stay
//! on the crypto-bigint code in the parent module.

use crate::c_imports::rsa_transform::RawRsaKey;
use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::signature::{self, RsaEncoding, RsaKeyPair};
use zeroize::Zeroizing;

/// Smallest and largest modulus (bits) aws-lc-rs accepts for both operations.
pub(super) const MIN_BITS: u32 = 2048;
pub(super) const MAX_BITS: u32 = 8192;

pub(super) struct FastKey {
    signing: RsaKeyPair,
    /// Modulus length in bytes.
    k: usize,
}

/// The PKCS#1 components, big-endian, leading zeros allowed.
pub(super) struct Components<'a> {
    pub n: &'a [u8],
    pub e: &'a [u8],
    pub d: &'a [u8],
    pub p: &'a [u8],
    pub q: &'a [u8],
    pub dp: &'a [u8],
    pub dq: &'a [u8],
    pub qinv: &'a [u8],
}

/// DER length octets.
fn put_len(out: &mut Vec<u8>, len: usize) {
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let significant = &bytes[skip..];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
}

/// DER element: tag, length, content.
fn put_tlv(out: &mut Vec<u8>, tag: u8, content: &[u8]) {
    out.push(tag);
    put_len(out, content.len());
    out.extend_from_slice(content);
}

/// DER INTEGER of a non-negative big-endian value.
fn put_uint(out: &mut Vec<u8>, value: &[u8]) {
    let start = value.iter().position(|&b| b != 0).unwrap_or(value.len());
    let v = &value[start..];
    out.push(0x02);
    match v.first() {
        None => out.extend_from_slice(&[1, 0]),
        Some(&top) if top & 0x80 != 0 => {
            put_len(out, v.len() + 1);
            out.push(0);
            out.extend_from_slice(v);
        }
        Some(_) => {
            put_len(out, v.len());
            out.extend_from_slice(v);
        }
    }
}

/// The RFC 8017 RSAPrivateKey (two-prime, version 0) of the components, DER.
fn rsa_private_key(c: &Components<'_>) -> Zeroizing<Vec<u8>> {
    let mut fields = Zeroizing::new(vec![0x02, 0x01, 0x00]);
    for v in [c.n, c.e, c.d, c.p, c.q, c.dp, c.dq, c.qinv] {
        put_uint(&mut fields, v);
    }
    let mut rsa_key = Zeroizing::new(Vec::with_capacity(fields.len() + 8));
    put_tlv(&mut rsa_key, 0x30, &fields);
    rsa_key
}

/// aws-lc's raw private transform for the key, any size aws-lc takes; `None` if it refuses
/// the key or disagrees about the modulus length (the caller keeps its own arithmetic).
pub(super) fn raw_key(c: &Components<'_>, k: usize) -> Option<RawRsaKey> {
    RawRsaKey::from_pkcs1_der(&rsa_private_key(c)).filter(|raw| raw.modulus_len() == k)
}

/// PKCS#8 PrivateKeyInfo around the RSAPrivateKey (the form aws-lc-rs imports).
fn pkcs8(c: &Components<'_>) -> Zeroizing<Vec<u8>> {
    let rsa_key = rsa_private_key(c);
    // version 0, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING { RSAPrivateKey }
    let mut info = Zeroizing::new(vec![
        0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00,
    ]);
    put_tlv(&mut info, 0x04, &rsa_key);
    let mut out = Zeroizing::new(Vec::with_capacity(info.len() + 8));
    put_tlv(&mut out, 0x30, &info);
    out
}

/// DigestInfo prefixes (RFC 8017 §9.2 note 1) of the hashes aws-lc-rs signs with PKCS#1.
const DIGEST_INFOS: [(&[u8], &digest::Algorithm, &dyn RsaEncoding); 3] = [
    (
        &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
        &digest::SHA256,
        &signature::RSA_PKCS1_SHA256,
    ),
    (
        &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x02, 0x05, 0x00, 0x04, 0x30,
        ],
        &digest::SHA384,
        &signature::RSA_PKCS1_SHA384,
    ),
    (
        &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x03, 0x05, 0x00, 0x04, 0x40,
        ],
        &digest::SHA512,
        &signature::RSA_PKCS1_SHA512,
    ),
];

impl FastKey {
    /// `None` when aws-lc-rs does not take the key (size outside 2048..=8192 bits, or a
    /// consistency check it applies that the caller's validation did not); the caller then
    /// keeps using its own arithmetic.
    pub(super) fn new(c: &Components<'_>, k: usize) -> Option<Self> {
        let der = pkcs8(c);
        let signing = RsaKeyPair::from_pkcs8(&der).ok()?;
        if signing.public_modulus_len() != k {
            return None;
        }
        Some(FastKey { signing, k })
    }

    /// PKCS#1 v1.5 signature over a SHA-256/384/512 DigestInfo; `None` for any other
    /// input (the caller signs it itself).
    pub(super) fn sign_digest_info(&self, digest_info: &[u8]) -> Option<Result<Vec<u8>, ()>> {
        let (hash, alg, encoding) = DIGEST_INFOS.iter().find_map(|(prefix, alg, enc)| {
            digest_info
                .strip_prefix(*prefix)
                .filter(|h| h.len() == alg.output_len())
                .map(|h| (h, *alg, *enc))
        })?;
        let digest = match Digest::import_less_safe(hash, alg) {
            Ok(d) => d,
            Err(_) => return Some(Err(())),
        };
        let mut sig = vec![0u8; self.k];
        Some(
            self.signing
                .sign_digest(encoding, &digest, &mut sig)
                .map(|()| sig)
                .map_err(|_| ()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_integers_and_lengths() {
        let mut v = Vec::new();
        put_uint(&mut v, &[0, 0, 0x7f]);
        put_uint(&mut v, &[0x80]);
        put_uint(&mut v, &[]);
        assert_eq!(v, [2, 1, 0x7f, 2, 2, 0, 0x80, 2, 1, 0]);
        let mut v = Vec::new();
        put_len(&mut v, 0x7f);
        put_len(&mut v, 0x80);
        put_len(&mut v, 0x1234);
        assert_eq!(v, [0x7f, 0x81, 0x80, 0x82, 0x12, 0x34]);
    }
}
