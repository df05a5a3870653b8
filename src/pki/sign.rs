//! Handshake signatures: ServerKeyExchange (ECDHE/DHE) and CertificateVerify.
//!
//! TLS 1.2 names each signature by a SignatureScheme code point (RFC 5246 §7.4.1.4.1 hash
//! and signature bytes, RFC 8446 names); TLS 1.0/1.1 sign a fixed hash: RSA over the bare
//! 36-byte MD5‖SHA-1 (no DigestInfo), ECDSA over SHA-1 (RFC 4492 §5.4).
//!
//! Who does what:
//! * RSA signing, PKCS#1 v1.5 and PSS (rsa_pss_rsae_*): `crypto::rsa` (any key size,
//!   constant time, blinded) over a DigestInfo or an EMSA-PSS encoding (RFC 8017 §9.1.1)
//!   built here. ring is not used: it signs only with keys of 2048 bits and up, and its
//!   PSS signer takes only whole messages, where CertificateVerify has a transcript digest.
//! * RSA verification (PKCS#1 v1.5 and PSS): the public operation of `crypto::rsa`, then
//!   the expected encoding is compared (PKCS#1) or checked (EMSA-PSS-VERIFY, RFC 8017
//!   §9.1.2) here, so 1024-bit and odd-sized keys work, as MatrixSSL-era servers need
//!   (ring verifies PSS only from 2048 bits).
//! * ECDSA: ring for the pairs it has (sign: the curve's own hash; verify: P-256/P-384 with
//!   SHA-256/384); RustCrypto `p256`/`p384` over a precomputed digest for the rest (SHA-1 in
//!   every form, SHA-512, and signing with the other curve's hash). See `eckey`.
//! * DSA (DHE_DSS servers): verify-only, `crypto::dsa` over SHA-1 (TLS 1.0/1.1) or the
//!   scheme's hash; no DSA private key is ever loaded.
//!
//! Only rsa_pss_rsae_* is known: rsa_pss_pss_* needs RSASSA-PSS certificate keys, which
//! are not loaded. MD5 schemes are never used.

// Errors are a bare `()` like ring's `Unspecified`: every failure becomes one alert.
#![allow(clippy::result_unit_err)]

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use ring::signature as ring_sig;

use super::certificate::PublicKey;
use super::eckey::{Curve, uncompressed_point};
use super::privkey::PrivateKey;
use crate::crypto::hash::{HashAlgorithm, md5_sha1};
use crate::crypto::rng;
use crate::crypto::rsa::{RsaPrivateKey, RsaPublicKey};

/// TLS 1.2 SignatureScheme code points (hash byte, signature byte).
pub const RSA_PKCS1_SHA1: u16 = 0x0201;
pub const DSA_SHA1: u16 = 0x0202;
pub const ECDSA_SHA1: u16 = 0x0203;
pub const RSA_PKCS1_SHA256: u16 = 0x0401;
pub const DSA_SHA256: u16 = 0x0402;
pub const ECDSA_SECP256R1_SHA256: u16 = 0x0403;
pub const RSA_PKCS1_SHA384: u16 = 0x0501;
pub const ECDSA_SECP384R1_SHA384: u16 = 0x0503;
pub const RSA_PKCS1_SHA512: u16 = 0x0601;
/// In TLS 1.2 this is "ECDSA with SHA-512" on any curve (P-521 is not supported).
pub const ECDSA_SECP521R1_SHA512: u16 = 0x0603;
pub const RSA_PSS_RSAE_SHA256: u16 = 0x0804;
pub const RSA_PSS_RSAE_SHA384: u16 = 0x0805;
pub const RSA_PSS_RSAE_SHA512: u16 = 0x0806;

/// Every scheme [`verify_tls12`] accepts, in the order we prefer the peer to use them: the
/// natural content of our signature_algorithms extension (ClientHello, CertificateRequest).
/// SHA-1 comes last and only for compatibility with old peers.
pub const VERIFY_SCHEMES: &[u16] = &[
    ECDSA_SECP256R1_SHA256,
    ECDSA_SECP384R1_SHA384,
    RSA_PSS_RSAE_SHA256,
    RSA_PSS_RSAE_SHA384,
    RSA_PSS_RSAE_SHA512,
    RSA_PKCS1_SHA256,
    RSA_PKCS1_SHA384,
    RSA_PKCS1_SHA512,
    ECDSA_SECP521R1_SHA512,
    ECDSA_SHA1,
    RSA_PKCS1_SHA1,
];

/// The DSA schemes [`verify_tls12`] also accepts. A client advertises them only when it
/// offers a DHE_DSS suite (feature `dss-suites`): nothing else here uses DSA.
pub const DSA_SCHEMES: &[u16] = &[DSA_SHA256, DSA_SHA1];

/// How a scheme signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    RsaPkcs1,
    RsaPss,
    Ecdsa,
    Dsa,
}

fn scheme_parts(scheme: u16) -> Option<(Kind, HashAlgorithm)> {
    use HashAlgorithm::{Sha1, Sha256, Sha384, Sha512};
    Some(match scheme {
        RSA_PKCS1_SHA1 => (Kind::RsaPkcs1, Sha1),
        RSA_PKCS1_SHA256 => (Kind::RsaPkcs1, Sha256),
        RSA_PKCS1_SHA384 => (Kind::RsaPkcs1, Sha384),
        RSA_PKCS1_SHA512 => (Kind::RsaPkcs1, Sha512),
        ECDSA_SHA1 => (Kind::Ecdsa, Sha1),
        DSA_SHA1 => (Kind::Dsa, Sha1),
        DSA_SHA256 => (Kind::Dsa, Sha256),
        ECDSA_SECP256R1_SHA256 => (Kind::Ecdsa, Sha256),
        ECDSA_SECP384R1_SHA384 => (Kind::Ecdsa, Sha384),
        ECDSA_SECP521R1_SHA512 => (Kind::Ecdsa, Sha512),
        RSA_PSS_RSAE_SHA256 => (Kind::RsaPss, Sha256),
        RSA_PSS_RSAE_SHA384 => (Kind::RsaPss, Sha384),
        RSA_PSS_RSAE_SHA512 => (Kind::RsaPss, Sha512),
        _ => return None,
    })
}

/// The hash a TLS 1.2 scheme signs with (`None` for schemes we do not know). The handshake
/// needs it when a transcript must be hashed before signing (CertificateVerify).
pub fn scheme_hash(scheme: u16) -> Option<HashAlgorithm> {
    scheme_parts(scheme).map(|(_, h)| h)
}

// ---------------------------------------------------------------------------------------
// PKCS#1 v1.5 encoding

/// DER DigestInfo prefix (AlgorithmIdentifier with NULL parameters, OCTET STRING header).
fn digest_info_prefix(hash: HashAlgorithm) -> Option<&'static [u8]> {
    Some(match hash {
        HashAlgorithm::Sha1 => &[
            0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
            0x14,
        ],
        HashAlgorithm::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
        HashAlgorithm::Sha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x02, 0x05, 0x00, 0x04, 0x30,
        ],
        HashAlgorithm::Sha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x03, 0x05, 0x00, 0x04, 0x40,
        ],
        HashAlgorithm::Md5 => return None,
    })
}

fn digest_info(hash: HashAlgorithm, message: &[u8]) -> Option<Vec<u8>> {
    digest_info_of_digest(hash, &hash.digest(message))
}

/// DigestInfo around a precomputed `digest` (which must have the hash's length).
fn digest_info_of_digest(hash: HashAlgorithm, digest: &[u8]) -> Option<Vec<u8>> {
    let prefix = digest_info_prefix(hash)?;
    (digest.len() == hash.output_len()).then(|| [prefix, digest].concat())
}

/// PKCS#1 v1.5 needs the encoded T plus 11 bytes (00 01, eight FF at least, 00).
fn pkcs1_fits(modulus_len: usize, t_len: usize) -> bool {
    t_len + 11 <= modulus_len
}

/// EMSA-PKCS1-v1_5 block: 00 01 FF…FF 00 T, `k` bytes.
fn pkcs1_type1_block(k: usize, t: &[u8]) -> Option<Vec<u8>> {
    if !pkcs1_fits(k, t.len()) {
        return None;
    }
    let mut em = Vec::with_capacity(k);
    em.extend_from_slice(&[0, 1]);
    em.resize(k - t.len() - 1, 0xff);
    em.push(0);
    em.extend_from_slice(t);
    Some(em)
}

/// Equality without an early exit (the data are public; this just avoids a pattern).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// ring's signing encoding for an RSA scheme; ring makes SHA-2 signatures only (SHA-1 and
/// MD5‖SHA-1 stay on our padding).
fn ring_rsa_encoding(
    kind: Kind,
    hash: HashAlgorithm,
) -> Option<&'static dyn ring_sig::RsaEncoding> {
    Some(match (kind, hash) {
        (Kind::RsaPkcs1, HashAlgorithm::Sha256) => &ring_sig::RSA_PKCS1_SHA256,
        (Kind::RsaPkcs1, HashAlgorithm::Sha384) => &ring_sig::RSA_PKCS1_SHA384,
        (Kind::RsaPkcs1, HashAlgorithm::Sha512) => &ring_sig::RSA_PKCS1_SHA512,
        (Kind::RsaPss, HashAlgorithm::Sha256) => &ring_sig::RSA_PSS_SHA256,
        (Kind::RsaPss, HashAlgorithm::Sha384) => &ring_sig::RSA_PSS_SHA384,
        (Kind::RsaPss, HashAlgorithm::Sha512) => &ring_sig::RSA_PSS_SHA512,
        _ => return None,
    })
}

/// ring's verification of an RSA scheme with a SHA-2 hash, for keys of 2048 to 8192 bits
/// whose public exponent ring takes (odd, 3 up to 33 bits). ring's PSS uses a salt as long
/// as the hash, as RFC 8446 §4.2.3 requires and [`rsa_pss_verify_digest`] checks, and its
/// PKCS#1 v1.5 compares the whole encoding, like [`rsa_pkcs1_verify`]: the verdicts agree,
/// ring's is faster. Other keys and hashes stay on ours.
fn ring_rsa_verify(
    key: &RsaPublicKey,
    kind: Kind,
    hash: HashAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Option<Result<(), ()>> {
    let params: &'static ring_sig::RsaParameters = match (kind, hash) {
        (Kind::RsaPkcs1, HashAlgorithm::Sha256) => &ring_sig::RSA_PKCS1_2048_8192_SHA256,
        (Kind::RsaPkcs1, HashAlgorithm::Sha384) => &ring_sig::RSA_PKCS1_2048_8192_SHA384,
        (Kind::RsaPkcs1, HashAlgorithm::Sha512) => &ring_sig::RSA_PKCS1_2048_8192_SHA512,
        (Kind::RsaPss, HashAlgorithm::Sha256) => &ring_sig::RSA_PSS_2048_8192_SHA256,
        (Kind::RsaPss, HashAlgorithm::Sha384) => &ring_sig::RSA_PSS_2048_8192_SHA384,
        (Kind::RsaPss, HashAlgorithm::Sha512) => &ring_sig::RSA_PSS_2048_8192_SHA512,
        _ => return None,
    };
    let n = key.modulus_be();
    let e = key.exponent_be();
    let n_bits = n.len() * 8 - n.first().map_or(8, |b| b.leading_zeros() as usize);
    // Minimal big-endian, so more than 5 bytes is above 33 bits.
    let e_value = e.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b));
    let e_ok = e.len() <= 5 && e_value >= 3 && e_value & 1 == 1 && e_value < 1 << 33;
    if !(2048..=8192).contains(&n_bits) || !e_ok {
        return None;
    }
    Some(
        ring_sig::RsaPublicKeyComponents { n: &n, e: &e }
            .verify(params, message, signature)
            .map_err(|_| ()),
    )
}

/// Signature = k bytes whose public operation gives exactly the type-1 block over `t`.
fn rsa_pkcs1_verify(key: &RsaPublicKey, t: &[u8], signature: &[u8]) -> Result<(), ()> {
    let k = key.modulus_len();
    if signature.len() != k {
        return Err(());
    }
    let expected = pkcs1_type1_block(k, t).ok_or(())?;
    let em = key.public_op(signature)?;
    if same(&em, &expected) {
        Ok(())
    } else {
        Err(())
    }
}

/// PKCS#1 v1.5 verification over MD5 (md5WithRSAEncryption certificates, feature
/// `md5-cert-signatures` only; TLS itself never signs with MD5 alone, which is why
/// [`digest_info_prefix`] has no MD5 entry).
#[cfg(feature = "md5-cert-signatures")]
pub(crate) fn rsa_pkcs1_md5_verify(
    key: &RsaPublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), ()> {
    const MD5_DIGEST_INFO_PREFIX: &[u8] = &[
        0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05,
        0x00, 0x04, 0x10,
    ];
    let t = [MD5_DIGEST_INFO_PREFIX, &HashAlgorithm::Md5.digest(message)].concat();
    rsa_pkcs1_verify(key, &t, signature)
}

// ---------------------------------------------------------------------------------------
// RSA-PSS (RFC 8017 §9.1, salt length = hash length as RFC 8446 §4.2.3 requires, MGF1
// with the scheme's hash)

/// emBits of RFC 8017 §8.1.1: one bit less than the modulus, so that EM < n always.
fn pss_em_bits(key: &RsaPublicKey) -> Option<usize> {
    let modulus = key.modulus_be();
    let top = *modulus.first()?;
    let mod_bits = (modulus.len() - 1) * 8 + (8 - top.leading_zeros() as usize);
    mod_bits.checked_sub(1)
}

/// Whether a PSS signature with `hash` (salt of the hash's length) fits the key: EM needs
/// room for the hash, the salt, the 01 separator and the BC trailer.
fn pss_fits(key: &RsaPublicKey, hash: HashAlgorithm) -> bool {
    pss_em_bits(key).is_some_and(|bits| bits.div_ceil(8) >= 2 * hash.output_len() + 2)
}

/// EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of the message digest `m_hash` with `salt`, for a key
/// whose emBits is `em_bits`. `None` if the digest has the wrong length or EM has no room.
fn emsa_pss_encode(
    hash: HashAlgorithm,
    m_hash: &[u8],
    salt: &[u8],
    em_bits: usize,
) -> Option<Vec<u8>> {
    let h_len = hash.output_len();
    let em_len = em_bits.div_ceil(8);
    if m_hash.len() != h_len || em_len < h_len + salt.len() + 2 {
        return None;
    }
    let m_prime = [&[0u8; 8][..], m_hash, salt].concat();
    let h = hash.digest(&m_prime);
    // DB = PS (zeros) ‖ 01 ‖ salt, masked with MGF1(H).
    let db_len = em_len - h_len - 1;
    let mut em = vec![0u8; db_len - salt.len() - 1];
    em.push(1);
    em.extend_from_slice(salt);
    for (b, m) in em.iter_mut().zip(mgf1(hash, &h, db_len)) {
        *b ^= m;
    }
    // The bits of EM's first byte above emBits are cleared, so that EM < 2^emBits.
    em[0] &= 0xffu8 >> (8 * em_len - em_bits);
    em.extend_from_slice(&h);
    em.push(0xbc);
    Some(em)
}

/// RSASSA-PSS-SIGN over the message digest `m_hash`, with a fresh random salt as long as
/// the hash: the private operation on the EMSA-PSS encoding.
fn rsa_pss_sign_digest(
    key: &RsaPrivateKey,
    hash: HashAlgorithm,
    m_hash: &[u8],
) -> Result<Vec<u8>, ()> {
    let em_bits = pss_em_bits(&key.public_key()).ok_or(())?;
    let mut salt = vec![0u8; hash.output_len()];
    rng::fill(&mut salt)?;
    let em = emsa_pss_encode(hash, m_hash, &salt, em_bits).ok_or(())?;
    // EM may be a byte shorter than the modulus (emBits a multiple of 8); the private
    // operation reads it as a big-endian number and returns the full k bytes.
    key.private_op(&em).map(|sig| sig.to_vec())
}

/// MGF1 with `hash`, `len` bytes.
fn mgf1(hash: HashAlgorithm, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + hash.output_len());
    let mut counter = 0u32;
    while out.len() < len {
        let block = [seed, &counter.to_be_bytes()].concat();
        out.extend_from_slice(&hash.digest(&block));
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

fn rsa_pss_verify(
    key: &RsaPublicKey,
    hash: HashAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<(), ()> {
    rsa_pss_verify_digest(key, hash, &hash.digest(message), signature)
}

/// EMSA-PSS-VERIFY with mHash = `m_hash`, the message's digest.
fn rsa_pss_verify_digest(
    key: &RsaPublicKey,
    hash: HashAlgorithm,
    m_hash: &[u8],
    signature: &[u8],
) -> Result<(), ()> {
    let h_len = hash.output_len();
    if m_hash.len() != h_len {
        return Err(());
    }
    let k = key.modulus_len();
    if signature.len() != k {
        return Err(());
    }
    let em_bits = pss_em_bits(key).ok_or(())?;
    let em_len = em_bits.div_ceil(8);
    let s_len = h_len;
    if em_len < h_len + s_len + 2 {
        return Err(());
    }
    let m = key.public_op(signature)?;
    // m is k bytes; EM is its last em_len bytes and anything before must be zero.
    let (lead, em) = m.split_at_checked(k - em_len).ok_or(())?;
    if lead.iter().any(|&b| b != 0) {
        return Err(());
    }
    let (rest, trailer) = em.split_at_checked(em_len - 1).ok_or(())?;
    if trailer != [0xbc] {
        return Err(());
    }
    let (masked_db, h) = rest.split_at_checked(em_len - h_len - 1).ok_or(())?;
    // The bits above em_bits in the first byte must be zero.
    let unused_bits = 8 * em_len - em_bits;
    let top_mask = 0xffu8 >> unused_bits;
    if masked_db.first().is_none_or(|&b| b & !top_mask != 0) {
        return Err(());
    }
    let mut db: Vec<u8> = masked_db
        .iter()
        .zip(mgf1(hash, h, masked_db.len()))
        .map(|(a, b)| a ^ b)
        .collect();
    if let Some(first) = db.first_mut() {
        *first &= top_mask;
    }
    // DB = PS (zeros) ‖ 01 ‖ salt
    let ps_len = em_len - h_len - s_len - 2;
    let (ps, tail) = db.split_at_checked(ps_len).ok_or(())?;
    let (one, salt) = tail.split_at_checked(1).ok_or(())?;
    if ps.iter().any(|&b| b != 0) || one != [1] {
        return Err(());
    }
    let m_prime = [&[0u8; 8][..], m_hash, salt].concat();
    if same(&hash.digest(&m_prime), h) {
        Ok(())
    } else {
        Err(())
    }
}

// ---------------------------------------------------------------------------------------
// ECDSA verification

/// ECDSA verification of a DER signature with `hash` over `message` by the SEC1 `point`
/// on `curve` (certificate signatures use it too, for ecdsa-with-SHA1).
pub(crate) fn ecdsa_verify(
    curve: Curve,
    point: &[u8],
    hash: HashAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<(), ()> {
    let ring_alg: Option<&'static ring_sig::EcdsaVerificationAlgorithm> = match (curve, hash) {
        (Curve::P256, HashAlgorithm::Sha256) => Some(&ring_sig::ECDSA_P256_SHA256_ASN1),
        (Curve::P256, HashAlgorithm::Sha384) => Some(&ring_sig::ECDSA_P256_SHA384_ASN1),
        (Curve::P384, HashAlgorithm::Sha256) => Some(&ring_sig::ECDSA_P384_SHA256_ASN1),
        (Curve::P384, HashAlgorithm::Sha384) => Some(&ring_sig::ECDSA_P384_SHA384_ASN1),
        _ => None,
    };
    if let Some(alg) = ring_alg {
        // ring takes only the uncompressed form.
        let owned;
        let point = if point.first() == Some(&4) {
            point
        } else {
            owned = uncompressed_point(curve, point).ok_or(())?;
            owned.as_slice()
        };
        return ring_sig::UnparsedPublicKey::new(alg, point)
            .verify(message, signature)
            .map_err(|_| ());
    }
    if hash == HashAlgorithm::Md5 {
        return Err(());
    }
    ecdsa_verify_digest(curve, point, &hash.digest(message), signature)
}

/// ECDSA over a precomputed digest (RustCrypto), DER signature.
fn ecdsa_verify_digest(
    curve: Curve,
    point: &[u8],
    digest: &[u8],
    signature: &[u8],
) -> Result<(), ()> {
    match curve {
        Curve::P256 => {
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| ())?;
            let sig = p256::ecdsa::Signature::from_der(signature).map_err(|_| ())?;
            key.verify_prehash(digest, &sig).map_err(|_| ())
        }
        Curve::P384 => {
            let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| ())?;
            let sig = p384::ecdsa::Signature::from_der(signature).map_err(|_| ())?;
            key.verify_prehash(digest, &sig).map_err(|_| ())
        }
    }
}

// ---------------------------------------------------------------------------------------
// The API

/// The schemes `key` can sign with, in our order of preference. RSA: SHA-256, SHA-384,
/// SHA-512, each PSS first (the stronger padding, and the one TLS 1.3 requires) then
/// PKCS#1 v1.5, then PKCS#1 v1.5 with SHA-1; each only if its encoding fits the modulus.
/// ECDSA: the curve's own hash (ring), the other SHA-2 of the pair, SHA-512, then SHA-1.
pub fn supported_schemes_for(key: &PrivateKey) -> Vec<u16> {
    match key {
        PrivateKey::Rsa(k) => {
            let public = k.public_key();
            [
                RSA_PSS_RSAE_SHA256,
                RSA_PKCS1_SHA256,
                RSA_PSS_RSAE_SHA384,
                RSA_PKCS1_SHA384,
                RSA_PSS_RSAE_SHA512,
                RSA_PKCS1_SHA512,
                RSA_PKCS1_SHA1,
            ]
            .into_iter()
            .filter(|&s| match scheme_parts(s) {
                Some((Kind::RsaPss, h)) => pss_fits(&public, h),
                Some((_, h)) => digest_info_prefix(h)
                    .is_some_and(|p| pkcs1_fits(k.modulus_len(), p.len() + h.output_len())),
                None => false,
            })
            .collect()
        }
        PrivateKey::Ec(k) => match k.curve() {
            Curve::P256 => vec![
                ECDSA_SECP256R1_SHA256,
                ECDSA_SECP384R1_SHA384,
                ECDSA_SECP521R1_SHA512,
                ECDSA_SHA1,
            ],
            Curve::P384 => vec![
                ECDSA_SECP384R1_SHA384,
                ECDSA_SECP256R1_SHA256,
                ECDSA_SECP521R1_SHA512,
                ECDSA_SHA1,
            ],
        },
    }
}

/// Whether signing with `scheme` takes the whole message, so that
/// [`sign_digest_with_scheme`] cannot be used: ECDSA with the curve's own hash, which ring
/// signs without a pre-hashed interface (see `EcPrivateKey::signs_whole_message`).
pub fn signs_whole_message(key: &PrivateKey, scheme: u16) -> bool {
    match (key, scheme_parts(scheme)) {
        (PrivateKey::Ec(k), Some((Kind::Ecdsa, hash))) => k.signs_whole_message(hash),
        _ => false,
    }
}

/// [`sign_with_scheme`] from the message's digest under the scheme's hash. `Err` where
/// [`signs_whole_message`].
pub fn sign_digest_with_scheme(
    key: &PrivateKey,
    scheme: u16,
    digest: &[u8],
) -> Result<Vec<u8>, ()> {
    if !supported_schemes_for(key).contains(&scheme) {
        return Err(());
    }
    let (kind, hash) = scheme_parts(scheme).ok_or(())?;
    match (key, kind) {
        (PrivateKey::Rsa(k), Kind::RsaPkcs1) => {
            k.sign_pkcs1_raw(&digest_info_of_digest(hash, digest).ok_or(())?)
        }
        (PrivateKey::Rsa(k), Kind::RsaPss) => rsa_pss_sign_digest(k, hash, digest),
        (PrivateKey::Ec(k), Kind::Ecdsa) => k.sign_digest(hash, digest),
        _ => Err(()),
    }
}

/// Signs `message` with one given scheme (which must be in [`supported_schemes_for`]).
pub fn sign_with_scheme(key: &PrivateKey, scheme: u16, message: &[u8]) -> Result<Vec<u8>, ()> {
    if !supported_schemes_for(key).contains(&scheme) {
        return Err(());
    }
    let (kind, hash) = scheme_parts(scheme).ok_or(())?;
    if let PrivateKey::Rsa(k) = key
        && let Some(signed) =
            ring_rsa_encoding(kind, hash).and_then(|enc| k.sign_with_ring(enc, message))
    {
        return signed;
    }
    match (key, kind) {
        (PrivateKey::Rsa(k), Kind::RsaPkcs1) => {
            k.sign_pkcs1_raw(&digest_info(hash, message).ok_or(())?)
        }
        (PrivateKey::Rsa(k), Kind::RsaPss) => rsa_pss_sign_digest(k, hash, &hash.digest(message)),
        (PrivateKey::Ec(k), Kind::Ecdsa) => k.sign(hash, message),
        _ => Err(()),
    }
}

/// TLS 1.2: signs `message` with the first scheme of OUR preference order
/// ([`supported_schemes_for`]) that the peer offered (`peer_schemes`: its
/// signature_algorithms, or the RFC 5246 §7.4.1.4.1 default {sha1,rsa}/{sha1,ecdsa} when it
/// sent none). Returns the scheme and the signature. `Err` if nothing fits.
pub fn sign_tls12(
    key: &PrivateKey,
    peer_schemes: &[u16],
    message: &[u8],
) -> Result<(u16, Vec<u8>), ()> {
    let scheme = choose_tls12_scheme(key, peer_schemes).ok_or(())?;
    sign_with_scheme(key, scheme, message).map(|sig| (scheme, sig))
}

/// The scheme [`sign_tls12`] signs with: the first of [`supported_schemes_for`] that the
/// peer offered.
pub fn choose_tls12_scheme(key: &PrivateKey, peer_schemes: &[u16]) -> Option<u16> {
    supported_schemes_for(key)
        .into_iter()
        .find(|s| peer_schemes.contains(s))
}

/// TLS 1.0/1.1 (and SSL 3.0 ServerKeyExchange): RSA signs the bare 36-byte
/// MD5(message)‖SHA-1(message); ECDSA signs SHA-1(message).
pub fn sign_legacy(key: &PrivateKey, message: &[u8]) -> Result<Vec<u8>, ()> {
    sign_legacy_digest(key, &md5_sha1(message))
}

/// [`sign_legacy`] from the message's MD5‖SHA-1 digest (ECDSA signs its SHA-1 half).
pub fn sign_legacy_digest(key: &PrivateKey, md5_sha1: &[u8; 36]) -> Result<Vec<u8>, ()> {
    match key {
        PrivateKey::Rsa(k) => k.sign_pkcs1_raw(md5_sha1),
        PrivateKey::Ec(k) => k.sign_digest(HashAlgorithm::Sha1, &md5_sha1[16..]),
    }
}

/// Whether [`sign_legacy`] works with `key`: RSA keys large enough for the 36-byte hash
/// (every key the loaders accept), and every EC key.
pub fn can_sign_legacy(key: &PrivateKey) -> bool {
    match key {
        PrivateKey::Rsa(k) => pkcs1_fits(k.modulus_len(), 36),
        PrivateKey::Ec(_) => true,
    }
}

/// TLS 1.2: verifies `signature` over `message` made with `scheme` by the holder of `key`
/// (the peer certificate's public key). A scheme of the other key type, an unknown scheme,
/// an unsupported curve or a bad signature are all `Err`.
pub fn verify_tls12(
    key: &PublicKey,
    scheme: u16,
    message: &[u8],
    signature: &[u8],
) -> Result<(), ()> {
    let (kind, hash) = scheme_parts(scheme).ok_or(())?;
    if let PublicKey::Rsa(k) = key
        && let Some(verdict) = ring_rsa_verify(k, kind, hash, message, signature)
    {
        return verdict;
    }
    match (key, kind) {
        (PublicKey::Rsa(k), Kind::RsaPkcs1) => {
            rsa_pkcs1_verify(k, &digest_info(hash, message).ok_or(())?, signature)
        }
        (PublicKey::Rsa(k), Kind::RsaPss) => rsa_pss_verify(k, hash, message, signature),
        (PublicKey::Ec { curve_oid, point }, Kind::Ecdsa) => {
            let curve = Curve::from_oid(curve_oid).ok_or(())?;
            ecdsa_verify(curve, point, hash, message, signature)
        }
        (PublicKey::Dsa(k), Kind::Dsa) => super::dsa::verify(k, &hash.digest(message), signature),
        _ => Err(()),
    }
}

/// [`verify_tls12`] from the message's digest under the scheme's hash ([`scheme_hash`]).
/// ECDSA is checked by RustCrypto over the digest for every curve and hash (ring verifies
/// only whole messages); the verdict is the same.
pub fn verify_tls12_digest(
    key: &PublicKey,
    scheme: u16,
    digest: &[u8],
    signature: &[u8],
) -> Result<(), ()> {
    let (kind, hash) = scheme_parts(scheme).ok_or(())?;
    if digest.len() != hash.output_len() {
        return Err(());
    }
    match (key, kind) {
        (PublicKey::Rsa(k), Kind::RsaPkcs1) => rsa_pkcs1_verify(
            k,
            &digest_info_of_digest(hash, digest).ok_or(())?,
            signature,
        ),
        (PublicKey::Rsa(k), Kind::RsaPss) => rsa_pss_verify_digest(k, hash, digest, signature),
        (PublicKey::Ec { curve_oid, point }, Kind::Ecdsa) if hash != HashAlgorithm::Md5 => {
            let curve = Curve::from_oid(curve_oid).ok_or(())?;
            ecdsa_verify_digest(curve, point, digest, signature)
        }
        (PublicKey::Dsa(k), Kind::Dsa) => super::dsa::verify(k, digest, signature),
        _ => Err(()),
    }
}

/// TLS 1.0/1.1: the counterpart of [`sign_legacy`], and DSA over SHA-1(message)
/// (RFC 4346 §7.4.3; verify-only).
pub fn verify_legacy(key: &PublicKey, message: &[u8], signature: &[u8]) -> Result<(), ()> {
    verify_legacy_digest(key, &md5_sha1(message), signature)
}

/// [`verify_legacy`] from the message's MD5‖SHA-1 digest (DSA and ECDSA use its SHA-1
/// half).
pub fn verify_legacy_digest(
    key: &PublicKey,
    md5_sha1: &[u8; 36],
    signature: &[u8],
) -> Result<(), ()> {
    let sha1 = &md5_sha1[16..];
    match key {
        PublicKey::Dsa(k) => super::dsa::verify(k, sha1, signature),
        PublicKey::Rsa(k) => rsa_pkcs1_verify(k, md5_sha1, signature),
        PublicKey::Ec { curve_oid, point } => {
            let curve = Curve::from_oid(curve_oid).ok_or(())?;
            ecdsa_verify_digest(curve, point, sha1, signature)
        }
        PublicKey::Other => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::Certificate;
    use crate::test_fixtures::core_files::{Material, core, ec_pki, legacy_pki, std_pki};

    const MSG: &[u8] = b"client_random server_random ECDHE params: the signed bytes";

    struct Subject {
        name: String,
        key: PrivateKey,
        public: PublicKey,
        /// The prefix of its signature files in tests/fixtures/core: sign-<fixture>-*.sig.
        fixture: &'static str,
    }

    fn subject(name: &str, fixture: &'static str, key_pem: &[u8]) -> Subject {
        let key = PrivateKey::from_pem(key_pem, None).unwrap();
        let public = key.public_key();
        Subject {
            name: name.to_string(),
            key,
            public,
            fixture,
        }
    }

    fn from_material(name: &str, fixture: &'static str, m: &Material) -> Subject {
        let s = subject(name, fixture, &m.key_pkcs8_pem);
        // The certificate's key is the same public key.
        let cert = Certificate::from_der(&m.cert_der).unwrap();
        assert!(s.key.matches(&cert.public_key));
        Subject {
            public: cert.public_key,
            ..s
        }
    }

    /// A key `openssl genpkey` generated (tests/fixtures/core/<fixture>.key.pem).
    fn generated(name: &str, fixture: &'static str) -> Subject {
        subject(name, fixture, &core(&format!("{fixture}.key.pem")))
    }

    fn subjects() -> Vec<Subject> {
        let ec = ec_pki();
        vec![
            from_material("rsa1024", "legacy-leaf", &legacy_pki().leaf),
            from_material("rsa2048", "std-leaf", &std_pki().leaf),
            // 1025 bits: the PSS encoding is one byte shorter than the modulus.
            generated("rsa1025", "rsa1025"),
            from_material("p256", "ec-leaf", &ec.leaf),
            from_material("p384", "ec-leaf384", &ec.leaf384),
        ]
    }

    fn hash_name(h: HashAlgorithm) -> &'static str {
        match h {
            HashAlgorithm::Md5 => "md5",
            HashAlgorithm::Sha1 => "sha1",
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sha384 => "sha384",
            HashAlgorithm::Sha512 => "sha512",
        }
    }

    /// Whether the RSA signature `sig` is a PKCS#1 v1.5 type 1 block around `payload`,
    /// rebuilt by hand on the raw public operation (checked against openssl's signatures in
    /// src/crypto/rsa.rs) rather than through our verifier.
    fn pkcs1_block_holds(public: &PublicKey, payload: &[u8], sig: &[u8]) -> bool {
        let PublicKey::Rsa(k) = public else {
            panic!("not an RSA key")
        };
        let Ok(em) = k.public_op(sig) else {
            return false;
        };
        let fill = em.len() - payload.len() - 3;
        let expected = [&[0u8, 1][..], &vec![0xff; fill], &[0], payload].concat();
        em == expected
    }

    /// What openssl would say of our TLS 1.2 signature, checked without it and without our
    /// verifier: PKCS#1 v1.5 rebuilt by hand around the DigestInfo of openssl's recorded
    /// signature, ECDSA by [`ecdsa_verifies`].
    fn independent_verifies(s: &Subject, scheme: u16, msg: &[u8], sig: &[u8]) -> bool {
        let (kind, hash) = scheme_parts(scheme).unwrap();
        match (kind, &s.public) {
            (Kind::RsaPkcs1, PublicKey::Rsa(k)) => {
                // openssl's recorded signature of MSG opens to 00 01 FF.. 00 DigestInfo: its
                // DigestInfo header, with the digest of `msg`, is what `sig` must carry.
                let theirs = k.public_op(&openssl_signs(s, scheme)).unwrap();
                let info_start = 3 + theirs[2..].iter().position(|&b| b == 0).unwrap();
                let header = &theirs[info_start..theirs.len() - hash.output_len()];
                let info = [header, &hash.digest(msg)].concat();
                pkcs1_block_holds(&s.public, &info, sig)
            }
            (Kind::Ecdsa, PublicKey::Ec { point, .. }) => ecdsa_verifies(point, hash, msg, sig),
            (Kind::RsaPss, PublicKey::Rsa(k)) => pss_verifies(k, hash, msg, sig),
            _ => panic!("no independent check for {scheme:#06x}"),
        }
    }

    /// RSA-PSS (salt length = digest length) verified by ring. ring verifies 2048-bit and
    /// larger keys only; below that our own verifier answers (its PSS decoding is the one
    /// ring cross-checks on the 2048-bit key in `pss_signatures_interoperate_with_ring`).
    fn pss_verifies(
        k: &crate::crypto::rsa::RsaPublicKey,
        hash: HashAlgorithm,
        msg: &[u8],
        sig: &[u8],
    ) -> bool {
        let scheme = match hash {
            HashAlgorithm::Sha256 => RSA_PSS_RSAE_SHA256,
            HashAlgorithm::Sha384 => RSA_PSS_RSAE_SHA384,
            _ => RSA_PSS_RSAE_SHA512,
        };
        if k.modulus_be().len() * 8 < 2048 {
            return verify_tls12(&PublicKey::Rsa(k.clone()), scheme, msg, sig).is_ok();
        }
        let params: &ring_sig::RsaParameters = match hash {
            HashAlgorithm::Sha256 => &ring_sig::RSA_PSS_2048_8192_SHA256,
            HashAlgorithm::Sha384 => &ring_sig::RSA_PSS_2048_8192_SHA384,
            _ => &ring_sig::RSA_PSS_2048_8192_SHA512,
        };
        ring_sig::RsaPublicKeyComponents {
            n: k.modulus_be(),
            e: k.exponent_be(),
        }
        .verify(params, msg, sig)
        .is_ok()
    }

    /// ECDSA verification by RustCrypto's p256/p384 on the digest: independent of ring,
    /// which our verifier uses for the SHA-256/SHA-384 pairs (for SHA-1 and SHA-512, which
    /// ring lacks, our verifier uses RustCrypto too; openssl's recorded signatures with
    /// every hash are checked in `tls12_openssl_signs_we_verify`).
    fn ecdsa_verifies(point: &[u8], hash: HashAlgorithm, msg: &[u8], sig: &[u8]) -> bool {
        let digest = hash.digest(msg);
        match point.len() {
            65 => p256::ecdsa::Signature::from_der(sig).is_ok_and(|sig| {
                p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                    .unwrap()
                    .verify_prehash(&digest, &sig)
                    .is_ok()
            }),
            _ => p384::ecdsa::Signature::from_der(sig).is_ok_and(|sig| {
                p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                    .unwrap()
                    .verify_prehash(&digest, &sig)
                    .is_ok()
            }),
        }
    }

    /// openssl's signature of MSG with `scheme` (`openssl dgst -sign`; PSS with salt length
    /// = digest length), recorded in tests/fixtures/core/sign-<fixture>-<kind>-<hash>.sig.
    fn openssl_signs(s: &Subject, scheme: u16) -> Vec<u8> {
        assert_eq!(core("sign-msg.bin"), MSG, "the signed message");
        let (kind, hash) = scheme_parts(scheme).unwrap();
        let kind = match kind {
            Kind::RsaPkcs1 => "pkcs1",
            Kind::RsaPss => "pss",
            Kind::Ecdsa => "ecdsa",
            Kind::Dsa => panic!("no DSA subjects"),
        };
        core(&format!(
            "sign-{}-{kind}-{}.sig",
            s.fixture,
            hash_name(hash)
        ))
    }

    fn flip_last(v: &[u8]) -> Vec<u8> {
        let mut v = v.to_vec();
        if let Some(b) = v.last_mut() {
            *b ^= 1;
        }
        v
    }

    #[test]
    fn tls12_ours_verified_by_openssl_and_by_us() {
        for s in subjects() {
            let schemes = supported_schemes_for(&s.key);
            assert!(!schemes.is_empty(), "{}", s.name);
            for &scheme in &schemes {
                let sig = sign_with_scheme(&s.key, scheme, MSG).unwrap();
                assert!(
                    independent_verifies(&s, scheme, MSG, &sig),
                    "{} {scheme:#06x}",
                    s.name
                );
                assert!(!independent_verifies(&s, scheme, b"other", &sig));
                // PKCS#1 v1.5 is deterministic: byte-identical to openssl's (PSS is salted).
                if scheme_parts(scheme).unwrap().0 == Kind::RsaPkcs1 {
                    assert_eq!(sig, openssl_signs(&s, scheme), "{} {scheme:#06x}", s.name);
                }
                assert_eq!(verify_tls12(&s.public, scheme, MSG, &sig), Ok(()));
                assert_eq!(verify_tls12(&s.public, scheme, b"other", &sig), Err(()));
                assert_eq!(
                    verify_tls12(&s.public, scheme, MSG, &flip_last(&sig)),
                    Err(())
                );
                assert_eq!(
                    verify_tls12(&s.public, scheme, MSG, &sig[..sig.len() - 1]),
                    Err(())
                );
                // The same bytes under another hash do not verify.
                for &other in schemes.iter().filter(|&&o| o != scheme) {
                    assert_eq!(verify_tls12(&s.public, other, MSG, &sig), Err(()));
                }
                // Signing the digest instead of the message: the same signature (PKCS#1
                // v1.5 is deterministic; PSS has a random salt), except where ring needs
                // the whole message.
                let digest = scheme_hash(scheme).unwrap().digest(MSG);
                let from_digest = sign_digest_with_scheme(&s.key, scheme, &digest);
                if signs_whole_message(&s.key, scheme) {
                    assert_eq!(from_digest, Err(()), "{} {scheme:#06x}", s.name);
                    continue;
                }
                let from_digest = from_digest.unwrap();
                assert_eq!(verify_tls12(&s.public, scheme, MSG, &from_digest), Ok(()));
                if scheme_parts(scheme).unwrap().0 == Kind::RsaPkcs1 {
                    assert_eq!(from_digest, sig);
                }
                assert_eq!(
                    sign_digest_with_scheme(&s.key, scheme, &digest[1..]),
                    Err(())
                );
            }
        }
    }

    #[test]
    fn legacy_digest_forms_match_the_message_forms() {
        let digest = md5_sha1(MSG);
        let other = md5_sha1(b"other");
        for s in subjects() {
            let sig = sign_legacy_digest(&s.key, &digest).unwrap();
            assert_eq!(verify_legacy(&s.public, MSG, &sig), Ok(()), "{}", s.name);
            assert_eq!(verify_legacy_digest(&s.public, &digest, &sig), Ok(()));
            assert_eq!(verify_legacy_digest(&s.public, &other, &sig), Err(()));
            let sig = sign_legacy(&s.key, MSG).unwrap();
            assert_eq!(verify_legacy_digest(&s.public, &digest, &sig), Ok(()));
        }
    }

    #[test]
    fn tls12_openssl_signs_we_verify() {
        for s in subjects() {
            let is_rsa = matches!(s.public, PublicKey::Rsa(_));
            let schemes: Vec<u16> = VERIFY_SCHEMES
                .iter()
                .copied()
                .filter(|&sc| {
                    let (kind, hash) = scheme_parts(sc).unwrap();
                    let rsa_kind = kind != Kind::Ecdsa;
                    // A 1024-bit key cannot hold PSS with SHA-512 (2·64 + 2 bytes > 128).
                    let fits = !(kind == Kind::RsaPss
                        && matches!(&s.key, PrivateKey::Rsa(k)
                            if k.modulus_len() < 2 * hash.output_len() + 3));
                    rsa_kind == is_rsa && fits
                })
                .collect();
            assert!(schemes.len() >= 4, "{}", s.name);
            for scheme in schemes {
                let sig = openssl_signs(&s, scheme);
                assert_eq!(
                    verify_tls12(&s.public, scheme, MSG, &sig),
                    Ok(()),
                    "{} {scheme:#06x}",
                    s.name
                );
                assert_eq!(
                    verify_tls12(&s.public, scheme, MSG, &flip_last(&sig)),
                    Err(())
                );
                assert_eq!(verify_tls12(&s.public, scheme, &MSG[1..], &sig), Err(()));
                // From the digest: the same verdicts, for a digest of the wrong length too.
                let digest = scheme_hash(scheme).unwrap().digest(MSG);
                assert_eq!(
                    verify_tls12_digest(&s.public, scheme, &digest, &sig),
                    Ok(())
                );
                // (The first byte: ECDSA ignores what of a digest exceeds the curve size.)
                let mut other = digest.clone();
                other[0] ^= 1;
                assert_eq!(
                    verify_tls12_digest(&s.public, scheme, &other, &sig),
                    Err(())
                );
                assert_eq!(
                    verify_tls12_digest(&s.public, scheme, &digest[1..], &sig),
                    Err(())
                );
            }
        }
    }

    #[test]
    fn legacy_forms_against_openssl() {
        for s in subjects() {
            assert!(can_sign_legacy(&s.key));
            let ours = sign_legacy(&s.key, MSG).unwrap();
            assert_eq!(verify_legacy(&s.public, MSG, &ours), Ok(()), "{}", s.name);
            assert_eq!(verify_legacy(&s.public, b"other", &ours), Err(()));
            assert_eq!(verify_legacy(&s.public, MSG, &flip_last(&ours)), Err(()));
            let theirs = match &s.key {
                PrivateKey::Rsa(_) => {
                    // Raw PKCS#1 type 1 over MD5‖SHA-1 (`openssl pkeyutl -sign` without a
                    // digest).
                    assert!(
                        pkcs1_block_holds(&s.public, &md5_sha1(MSG), &ours),
                        "{}",
                        s.name
                    );
                    let theirs = core(&format!("sign-{}-md5sha1.sig", s.fixture));
                    // PKCS#1 v1.5 is deterministic: byte-identical.
                    assert_eq!(theirs, ours);
                    theirs
                }
                PrivateKey::Ec(_) => {
                    assert!(independent_verifies(&s, ECDSA_SHA1, MSG, &ours));
                    openssl_signs(&s, ECDSA_SHA1)
                }
            };
            assert_eq!(verify_legacy(&s.public, MSG, &theirs), Ok(()), "{}", s.name);
        }
    }

    #[test]
    fn scheme_choice() {
        let subs = subjects();
        let by = |n: &str| subs.iter().find(|s| s.name == n).unwrap();
        let rsa = &by("rsa2048").key;
        let p256 = &by("p256").key;
        let p384 = &by("p384").key;
        let pick = |k: &PrivateKey, peer: &[u16]| sign_tls12(k, peer, MSG).map(|(s, _)| s);
        assert_eq!(pick(rsa, VERIFY_SCHEMES), Ok(RSA_PSS_RSAE_SHA256));
        assert_eq!(
            pick(rsa, &[RSA_PKCS1_SHA256, RSA_PKCS1_SHA384]),
            Ok(RSA_PKCS1_SHA256)
        );
        assert_eq!(
            pick(rsa, &[RSA_PKCS1_SHA1, RSA_PKCS1_SHA512]),
            Ok(RSA_PKCS1_SHA512)
        );
        assert_eq!(pick(rsa, &[RSA_PKCS1_SHA1]), Ok(RSA_PKCS1_SHA1));
        assert_eq!(
            pick(rsa, &[ECDSA_SECP256R1_SHA256, RSA_PSS_RSAE_SHA384]),
            Ok(RSA_PSS_RSAE_SHA384)
        );
        assert_eq!(pick(p256, VERIFY_SCHEMES), Ok(ECDSA_SECP256R1_SHA256));
        assert_eq!(pick(p384, VERIFY_SCHEMES), Ok(ECDSA_SECP384R1_SHA384));
        assert_eq!(
            pick(p384, &[ECDSA_SECP256R1_SHA256]),
            Ok(ECDSA_SECP256R1_SHA256)
        );
        assert_eq!(pick(p256, &[ECDSA_SHA1, RSA_PKCS1_SHA256]), Ok(ECDSA_SHA1));
        assert_eq!(pick(p256, &[RSA_PKCS1_SHA256]), Err(()));
        assert_eq!(pick(p256, &[]), Err(()));
        // Signing with a scheme the key cannot do.
        assert_eq!(sign_with_scheme(rsa, ECDSA_SECP256R1_SHA256, MSG), Err(()));
        assert_eq!(sign_with_scheme(p256, RSA_PKCS1_SHA256, MSG), Err(()));
        assert_eq!(sign_with_scheme(p256, 0x0101, MSG), Err(()));
        // What we sign is verifiable by us.
        for k in [rsa, p256, p384] {
            assert!(
                supported_schemes_for(k)
                    .iter()
                    .all(|s| VERIFY_SCHEMES.contains(s))
            );
        }
        assert_eq!(
            scheme_hash(RSA_PSS_RSAE_SHA384),
            Some(HashAlgorithm::Sha384)
        );
        assert_eq!(scheme_hash(0x0101), None);
    }

    #[test]
    fn small_rsa_keys_offer_only_what_fits() {
        let s = generated("rsa512", "rsa512");
        // 64-byte modulus: SHA-256 (51-byte DigestInfo) and SHA-1 fit, SHA-384/512 do not.
        assert_eq!(
            supported_schemes_for(&s.key),
            vec![RSA_PKCS1_SHA256, RSA_PKCS1_SHA1]
        );
        assert_eq!(sign_with_scheme(&s.key, RSA_PKCS1_SHA512, MSG), Err(()));
        let sig = sign_with_scheme(&s.key, RSA_PKCS1_SHA256, MSG).unwrap();
        assert!(independent_verifies(&s, RSA_PKCS1_SHA256, MSG, &sig));
        assert_eq!(sig, openssl_signs(&s, RSA_PKCS1_SHA256));
        // PSS-SHA256 needs 2·32 + 2 bytes: more than a 512-bit key has.
        assert_eq!(
            verify_tls12(&s.public, RSA_PSS_RSAE_SHA256, MSG, &sig),
            Err(())
        );
        assert!(can_sign_legacy(&s.key));
        let legacy = sign_legacy(&s.key, MSG).unwrap();
        assert_eq!(verify_legacy(&s.public, MSG, &legacy), Ok(()));
    }

    /// Keys of 2048 bits and up sign and verify SHA-2 schemes on ring; smaller keys and
    /// SHA-1 stay on our padding (the verdicts of both are compared in the tests above,
    /// which verify ring's signatures with our digest path and ours with ring).
    #[test]
    fn ring_takes_sha2_schemes_of_large_keys_only() {
        for s in subjects() {
            let (PrivateKey::Rsa(k), PublicKey::Rsa(public)) = (&s.key, &s.public) else {
                continue;
            };
            let large = k.modulus_len() >= 256;
            let by_ring = k.sign_with_ring(&ring_sig::RSA_PSS_SHA256, MSG);
            assert_eq!(by_ring.is_some(), large, "{}", s.name);
            let sig = sign_with_scheme(&s.key, RSA_PKCS1_SHA256, MSG).unwrap();
            let verdict = ring_rsa_verify(public, Kind::RsaPkcs1, HashAlgorithm::Sha256, MSG, &sig);
            assert_eq!(verdict, large.then_some(Ok(())), "{}", s.name);
            assert_eq!(
                ring_rsa_verify(public, Kind::RsaPkcs1, HashAlgorithm::Sha1, MSG, &sig),
                None
            );
            assert!(ring_rsa_encoding(Kind::RsaPkcs1, HashAlgorithm::Sha1).is_none());
        }
    }

    #[test]
    fn mismatched_key_types_and_garbage() {
        let subs = subjects();
        let rsa = subs.iter().find(|s| s.name == "rsa2048").unwrap();
        let ec = subs.iter().find(|s| s.name == "p256").unwrap();
        let p384 = subs.iter().find(|s| s.name == "p384").unwrap();
        let rsa_sig = sign_with_scheme(&rsa.key, RSA_PKCS1_SHA256, MSG).unwrap();
        let ec_sig = sign_with_scheme(&ec.key, ECDSA_SECP256R1_SHA256, MSG).unwrap();
        assert_eq!(
            verify_tls12(&ec.public, RSA_PKCS1_SHA256, MSG, &rsa_sig),
            Err(())
        );
        assert_eq!(
            verify_tls12(&rsa.public, ECDSA_SECP256R1_SHA256, MSG, &ec_sig),
            Err(())
        );
        // Another key of the same curve, or the other curve.
        assert_eq!(
            verify_tls12(&p384.public, ECDSA_SECP256R1_SHA256, MSG, &ec_sig),
            Err(())
        );
        assert_eq!(
            verify_tls12(&PublicKey::Other, RSA_PKCS1_SHA256, MSG, &rsa_sig),
            Err(())
        );
        assert_eq!(verify_legacy(&PublicKey::Other, MSG, &rsa_sig), Err(()));
        // An EC key on a curve we do not know.
        let odd = PublicKey::Ec {
            curve_oid: vec![0x2b, 0x81, 0x04, 0x00, 0x23],
            point: vec![4; 133],
        };
        assert_eq!(
            verify_tls12(&odd, ECDSA_SECP521R1_SHA512, MSG, &ec_sig),
            Err(())
        );
        // Garbage of every length never verifies and never panics.
        for len in [0usize, 1, 8, 64, 71, 72, 255, 256, 257, 512] {
            let junk = vec![0x5a; len];
            for &scheme in VERIFY_SCHEMES {
                assert_eq!(verify_tls12(&rsa.public, scheme, MSG, &junk), Err(()));
                assert_eq!(verify_tls12(&ec.public, scheme, MSG, &junk), Err(()));
            }
            assert_eq!(verify_legacy(&rsa.public, MSG, &junk), Err(()));
            assert_eq!(verify_legacy(&ec.public, MSG, &junk), Err(()));
        }
        // A compressed point in the certificate key verifies the same signatures.
        if let PublicKey::Ec { curve_oid, point } = &ec.public {
            let compressed = [&[2 + (point[64] & 1)][..], &point[1..33]].concat();
            let pk = PublicKey::Ec {
                curve_oid: curve_oid.clone(),
                point: compressed,
            };
            assert_eq!(
                verify_tls12(&pk, ECDSA_SECP256R1_SHA256, MSG, &ec_sig),
                Ok(())
            );
            let sha1 = sign_legacy(&ec.key, MSG).unwrap();
            assert_eq!(verify_legacy(&pk, MSG, &sha1), Ok(()));
        }
    }

    #[test]
    fn pkcs1_block_and_digest_info() {
        assert_eq!(
            pkcs1_type1_block(16, &[9, 9, 9]),
            Some(vec![
                0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 9, 9, 9
            ])
        );
        assert_eq!(pkcs1_type1_block(13, &[9, 9, 9]), None);
        // The DigestInfo prefixes are the DER openssl produces (`openssl asn1parse` of a
        // signature's recovered block would show the same; here checked structurally).
        for h in [
            HashAlgorithm::Sha1,
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            let di = digest_info(h, b"x").unwrap();
            assert_eq!(usize::from(di[1]) + 2, di.len());
            assert_eq!(
                usize::from(di[di.len() - h.output_len() - 1]),
                h.output_len()
            );
        }
        assert!(digest_info(HashAlgorithm::Md5, b"x").is_none());
        assert_eq!(mgf1(HashAlgorithm::Sha256, b"seed", 70).len(), 70);
        assert_eq!(
            mgf1(HashAlgorithm::Sha256, b"seed", 32),
            HashAlgorithm::Sha256.digest(b"seed\0\0\0\0")
        );
    }

    // -----------------------------------------------------------------------------------
    // RSA-PSS signing (rsa_pss_rsae_*)

    const PSS_SCHEMES: [u16; 3] = [
        RSA_PSS_RSAE_SHA256,
        RSA_PSS_RSAE_SHA384,
        RSA_PSS_RSAE_SHA512,
    ];

    fn pss_schemes_of(key: &PrivateKey) -> Vec<u16> {
        supported_schemes_for(key)
            .into_iter()
            .filter(|s| PSS_SCHEMES.contains(s))
            .collect()
    }

    #[test]
    fn pss_signing_round_trips_for_each_hash() {
        for s in subjects() {
            if !matches!(s.key, PrivateKey::Rsa(_)) {
                assert!(pss_schemes_of(&s.key).is_empty());
                continue;
            }
            // 1024 and 1025 bits: EM has 128 bytes, two 64-byte SHA-512 values and two
            // more bytes do not fit.
            let expected: &[u16] = if s.name == "rsa2048" {
                &PSS_SCHEMES
            } else {
                &PSS_SCHEMES[..2]
            };
            assert_eq!(pss_schemes_of(&s.key), expected, "{}", s.name);
            for &scheme in expected {
                let hash = scheme_hash(scheme).unwrap();
                let digest = hash.digest(MSG);
                let from_message = sign_with_scheme(&s.key, scheme, MSG).unwrap();
                let from_digest = sign_digest_with_scheme(&s.key, scheme, &digest).unwrap();
                for sig in [&from_message, &from_digest] {
                    assert_eq!(
                        sig.len(),
                        match &s.key {
                            PrivateKey::Rsa(k) => k.modulus_len(),
                            PrivateKey::Ec(_) => unreachable!(),
                        }
                    );
                    assert_eq!(verify_tls12(&s.public, scheme, MSG, sig), Ok(()));
                    assert_eq!(verify_tls12_digest(&s.public, scheme, &digest, sig), Ok(()));
                    assert_eq!(verify_tls12(&s.public, scheme, b"other", sig), Err(()));
                    assert_eq!(
                        verify_tls12(&s.public, scheme, MSG, &flip_last(sig)),
                        Err(())
                    );
                    let mut first = sig.clone();
                    first[0] ^= 0x40;
                    assert_eq!(verify_tls12(&s.public, scheme, MSG, &first), Err(()));
                    // Not a PKCS#1 v1.5 signature of the same hash.
                    let pkcs1 = match hash {
                        HashAlgorithm::Sha256 => RSA_PKCS1_SHA256,
                        HashAlgorithm::Sha384 => RSA_PKCS1_SHA384,
                        _ => RSA_PKCS1_SHA512,
                    };
                    assert_eq!(verify_tls12(&s.public, pkcs1, MSG, sig), Err(()));
                    assert!(independent_verifies(&s, scheme, MSG, sig), "{}", s.name);
                }
                // A fresh salt each time: two signatures of one message differ.
                assert_ne!(from_message, from_digest, "{} {scheme:#06x}", s.name);
                assert_eq!(
                    sign_digest_with_scheme(&s.key, scheme, &digest[1..]),
                    Err(())
                );
            }
        }
    }

    #[test]
    fn pss_signatures_interoperate_with_ring() {
        let pki = std_pki();
        let key = PrivateKey::from_der_any(&pki.leaf.key_pkcs8_der).unwrap();
        let PublicKey::Rsa(public) = key.public_key() else {
            panic!("not an RSA key");
        };
        let components = ring_sig::RsaPublicKeyComponents {
            n: public.modulus_be(),
            e: public.exponent_be(),
        };
        let pair = ring_sig::RsaKeyPair::from_pkcs8(&pki.leaf.key_pkcs8_der).unwrap();
        let random = ring::rand::SystemRandom::new();
        let algorithms: [(
            u16,
            &ring_sig::RsaParameters,
            &'static dyn ring_sig::RsaEncoding,
        ); 3] = [
            (
                RSA_PSS_RSAE_SHA256,
                &ring_sig::RSA_PSS_2048_8192_SHA256,
                &ring_sig::RSA_PSS_SHA256,
            ),
            (
                RSA_PSS_RSAE_SHA384,
                &ring_sig::RSA_PSS_2048_8192_SHA384,
                &ring_sig::RSA_PSS_SHA384,
            ),
            (
                RSA_PSS_RSAE_SHA512,
                &ring_sig::RSA_PSS_2048_8192_SHA512,
                &ring_sig::RSA_PSS_SHA512,
            ),
        ];
        for (scheme, verification, encoding) in algorithms {
            let digest = scheme_hash(scheme).unwrap().digest(MSG);
            // Ours, from the message and from the digest, verified by ring.
            for sig in [
                sign_with_scheme(&key, scheme, MSG).unwrap(),
                sign_digest_with_scheme(&key, scheme, &digest).unwrap(),
            ] {
                assert!(components.verify(verification, MSG, &sig).is_ok());
                assert!(components.verify(verification, b"other", &sig).is_err());
                assert!(
                    components
                        .verify(verification, MSG, &flip_last(&sig))
                        .is_err()
                );
            }
            // ring's, verified by ours.
            let mut theirs = vec![0u8; pair.public().modulus_len()];
            pair.sign(encoding, &random, MSG, &mut theirs).unwrap();
            assert_eq!(
                verify_tls12(&key.public_key(), scheme, MSG, &theirs),
                Ok(())
            );
            assert_eq!(
                verify_tls12_digest(&key.public_key(), scheme, &digest, &theirs),
                Ok(())
            );
            assert_eq!(
                verify_tls12(&key.public_key(), scheme, MSG, &flip_last(&theirs)),
                Err(())
            );
        }
    }

    #[test]
    fn emsa_pss_encoding_bounds() {
        let h = HashAlgorithm::Sha256;
        let digest = h.digest(MSG);
        let salt = [7u8; 32];
        // emBits 8·66 − 1: the smallest EM that holds SHA-256 with its salt; the top bit of
        // the first byte is always cleared and the trailer is BC.
        for em_bits in [66 * 8 - 1, 66 * 8, 127 * 8 + 1] {
            let em = emsa_pss_encode(h, &digest, &salt, em_bits).unwrap();
            assert_eq!(em.len(), em_bits.div_ceil(8));
            assert_eq!(em.last(), Some(&0xbc));
            let unused_bits = 8 * em.len() - em_bits;
            assert_eq!(u16::from(em[0]) >> (8 - unused_bits), 0, "{em_bits}");
        }
        assert_eq!(emsa_pss_encode(h, &digest, &salt, 65 * 8), None);
        assert_eq!(emsa_pss_encode(h, &digest[1..], &salt, 128 * 8), None);
        // The salt changes the encoding; the same salt gives the same encoding.
        let a = emsa_pss_encode(h, &digest, &salt, 1023).unwrap();
        assert_eq!(emsa_pss_encode(h, &digest, &salt, 1023), Some(a.clone()));
        assert_ne!(emsa_pss_encode(h, &digest, &[8u8; 32], 1023), Some(a));
    }
}
