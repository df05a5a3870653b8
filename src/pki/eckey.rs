//! EC private keys for ECDSA identities: NIST P-256 and P-384, read from SEC1
//! `ECPrivateKey` (RFC 5915) on its own or inside PKCS#8.
//!
//! A key holds two signers over the same scalar:
//! * ring's `EcdsaKeyPair`, for ECDSA with the curve's own hash (P-256/SHA-256,
//!   P-384/SHA-384): the common TLS 1.2 case, and ring is the faster, audited code;
//! * a RustCrypto (`p256`/`p384`) signing key for any other digest: SHA-1 (TLS 1.0/1.1 and
//!   TLS 1.2 peers that send no signature_algorithms) and the cross-curve hashes TLS 1.2
//!   allows. ring fixes the hash per curve and has no SHA-1 ECDSA at all. The RustCrypto
//!   key also derives the public point when a SEC1 key omits it (ring cannot).
//!
//! The RustCrypto key wipes its scalar on drop and our copies are `Zeroizing`; ring's key
//! pair keeps its own copy of the scalar, which ring offers no way to wipe.

// Errors of the signing functions are a bare `()`, like ring's `Unspecified`.
#![allow(clippy::result_unit_err)]

use p256::ecdsa::signature::hazmat::PrehashSigner;
use ring::signature::{self as ring_sig, EcdsaKeyPair};
use zeroize::Zeroizing;

use super::der;
use crate::crypto::hash::HashAlgorithm;
use crate::error::{PS_PARSE_FAIL, PS_UNSUPPORTED_FAIL};

/// prime256v1 / secp256r1: 1.2.840.10045.3.1.7
pub(crate) const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// secp384r1: 1.3.132.0.34
pub(crate) const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];

/// The named curves ECDSA identities may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
}

impl Curve {
    /// The curve of a namedCurve OID (DER contents); `None` for any other curve.
    pub fn from_oid(oid: &[u8]) -> Option<Curve> {
        match oid {
            OID_P256 => Some(Curve::P256),
            OID_P384 => Some(Curve::P384),
            _ => None,
        }
    }

    /// namedCurve OID (DER contents), as in certificates.
    pub fn oid(self) -> &'static [u8] {
        match self {
            Curve::P256 => OID_P256,
            Curve::P384 => OID_P384,
        }
    }

    /// Field (and scalar) size in bytes.
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
        }
    }

    /// The hash ring pairs with this curve, and the one TLS 1.3 binds to it.
    pub fn native_hash(self) -> HashAlgorithm {
        match self {
            Curve::P256 => HashAlgorithm::Sha256,
            Curve::P384 => HashAlgorithm::Sha384,
        }
    }

    /// TLS NamedGroup code point (RFC 8422): secp256r1 23, secp384r1 24.
    pub fn named_group(self) -> u16 {
        match self {
            Curve::P256 => 23,
            Curve::P384 => 24,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }

    fn ring_signing(self) -> &'static ring_sig::EcdsaSigningAlgorithm {
        match self {
            Curve::P256 => &ring_sig::ECDSA_P256_SHA256_ASN1_SIGNING,
            Curve::P384 => &ring_sig::ECDSA_P384_SHA384_ASN1_SIGNING,
        }
    }
}

/// A public point (uncompressed or compressed SEC1) validated on `curve` and returned
/// uncompressed (`04 ‖ X ‖ Y`), the only form ring accepts. `None` if it is not a point of
/// the curve (or is the point at infinity).
pub fn uncompressed_point(curve: Curve, point: &[u8]) -> Option<Vec<u8>> {
    match curve {
        Curve::P256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
            .ok()
            .map(|k| k.to_sec1_point(false).as_bytes().to_vec()),
        Curve::P384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
            .ok()
            .map(|k| k.to_sec1_point(false).as_bytes().to_vec()),
    }
}

/// The RustCrypto signing key (wipes its scalar on drop).
enum PrehashKey {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

impl PrehashKey {
    fn new(curve: Curve, scalar: &[u8]) -> Result<Self, ()> {
        Ok(match curve {
            Curve::P256 => {
                PrehashKey::P256(p256::ecdsa::SigningKey::from_slice(scalar).map_err(|_| ())?)
            }
            Curve::P384 => {
                PrehashKey::P384(p384::ecdsa::SigningKey::from_slice(scalar).map_err(|_| ())?)
            }
        })
    }

    fn public_point(&self) -> Vec<u8> {
        match self {
            PrehashKey::P256(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            PrehashKey::P384(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
        }
    }

    /// Deterministic (RFC 6979) ECDSA over `digest`, DER encoded. A digest longer than the
    /// group order is truncated and a shorter one taken as is (FIPS 186-4 §6.4), so any
    /// hash works with either curve.
    fn sign_digest(&self, digest: &[u8]) -> Result<Vec<u8>, ()> {
        match self {
            PrehashKey::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign_prehash(digest).map_err(|_| ())?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            PrehashKey::P384(k) => {
                let sig: p384::ecdsa::Signature = k.sign_prehash(digest).map_err(|_| ())?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
        }
    }
}

/// An ECDSA private key on P-256 or P-384.
pub struct EcPrivateKey {
    curve: Curve,
    ring_pair: EcdsaKeyPair,
    prehash: PrehashKey,
    /// Uncompressed public point.
    point: Vec<u8>,
}

impl std::fmt::Debug for EcPrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EcPrivateKey({}, redacted)", self.curve.name())
    }
}

impl EcPrivateKey {
    /// A key from its big-endian private scalar (at most the field size: some encoders drop
    /// leading zero bytes) and, when known, its SEC1 public point, which must then belong to
    /// the scalar. Malformed or inconsistent input is `PS_PARSE_FAIL`.
    pub fn from_scalar(curve: Curve, scalar: &[u8], public: Option<&[u8]>) -> Result<Self, i32> {
        let len = curve.field_len();
        let pad = len.checked_sub(scalar.len()).ok_or(PS_PARSE_FAIL)?;
        if scalar.is_empty() {
            return Err(PS_PARSE_FAIL);
        }
        let mut full = Zeroizing::new(vec![0u8; len]);
        if let Some(tail) = full.get_mut(pad..) {
            tail.copy_from_slice(scalar);
        }
        // Rejects zero and scalars not below the group order.
        let prehash = PrehashKey::new(curve, &full).map_err(|()| PS_PARSE_FAIL)?;
        let point = prehash.public_point();
        if let Some(given) = public
            && uncompressed_point(curve, given).as_deref() != Some(point.as_slice())
        {
            return Err(PS_PARSE_FAIL);
        }
        let ring_pair = crate::crypto::rng::with_key_load_source(|r| {
            EcdsaKeyPair::from_private_key_and_public_key(curve.ring_signing(), &full, &point, r)
        })
        .map_err(|_| PS_PARSE_FAIL)?;
        Ok(EcPrivateKey {
            curve,
            ring_pair,
            prehash,
            point,
        })
    }

    /// DER SEC1 `ECPrivateKey`. `outer_curve` is the curve named by an enclosing PKCS#8
    /// AlgorithmIdentifier; the key's own `parameters`, when present, must agree with it.
    /// A key naming no curve at all, another named curve, or explicit curve parameters is
    /// `PS_UNSUPPORTED_FAIL`; anything malformed `PS_PARSE_FAIL`.
    pub fn from_sec1_der(der_bytes: &[u8], outer_curve: Option<Curve>) -> Result<Self, i32> {
        let (scalar, own_curve, public) = der::read_all(der_bytes, |r| {
            der::nested(r, der::SEQUENCE, |k| {
                // ECPrivateKey ::= SEQUENCE { version INTEGER { ecPrivkeyVer1(1) },
                //   privateKey OCTET STRING, parameters [0] ECParameters OPTIONAL,
                //   publicKey [1] BIT STRING OPTIONAL }
                if der::small_uint(k)? != 1 {
                    return Err(PS_PARSE_FAIL);
                }
                let scalar = der::expect(k, der::OCTET_STRING)?.as_slice_less_safe();
                let own_curve = match der::optional(k, der::CONTEXT | der::CONSTRUCTED)? {
                    None => None,
                    Some(params) => Some(params.read_all(PS_PARSE_FAIL, |p| {
                        match der::read_tlv(p)? {
                            (der::OID, oid) => {
                                Curve::from_oid(oid.as_slice_less_safe()).ok_or(PS_UNSUPPORTED_FAIL)
                            }
                            // specifiedCurve / implicitCurve
                            _ => Err(PS_UNSUPPORTED_FAIL),
                        }
                    })?),
                };
                let public = match der::optional(k, der::CONTEXT | der::CONSTRUCTED | 1)? {
                    None => None,
                    Some(bits) => Some(bits.read_all(PS_PARSE_FAIL, |b| {
                        der::bit_string_octets(der::expect(b, der::BIT_STRING)?)
                    })?),
                };
                Ok((scalar, own_curve, public))
            })
        })?;
        let curve = match (own_curve, outer_curve) {
            (Some(a), Some(b)) if a != b => return Err(PS_PARSE_FAIL),
            (Some(c), _) | (None, Some(c)) => c,
            (None, None) => return Err(PS_UNSUPPORTED_FAIL),
        };
        Self::from_scalar(curve, scalar, public)
    }

    pub fn curve(&self) -> Curve {
        self.curve
    }

    /// Uncompressed SEC1 public point.
    pub fn public_point(&self) -> &[u8] {
        &self.point
    }

    /// ECDSA with `hash` over `message`, DER-encoded `ECDSA-Sig-Value`.
    pub fn sign(&self, hash: HashAlgorithm, message: &[u8]) -> Result<Vec<u8>, ()> {
        if hash == self.curve.native_hash() {
            let sig = crate::crypto::rng::with_signing_source(|r| self.ring_pair.sign(r, message))
                .map_err(|_| ())?;
            return Ok(sig.as_ref().to_vec());
        }
        self.sign_digest(hash, &hash.digest(message))
    }

    /// Whether [`Self::sign`] with `hash` needs the message itself: ring signs with the
    /// curve's own hash and has no interface for a precomputed digest. That signer is kept
    /// for its hardening rather than signing every digest with RustCrypto.
    pub fn signs_whole_message(&self, hash: HashAlgorithm) -> bool {
        hash == self.curve.native_hash()
    }

    /// ECDSA over `digest`, a `hash` digest, for a hash that does not
    /// [`Self::signs_whole_message`] (those are refused, as is MD5).
    pub fn sign_digest(&self, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<u8>, ()> {
        if self.signs_whole_message(hash)
            || hash == HashAlgorithm::Md5
            || digest.len() != hash.output_len()
        {
            return Err(());
        }
        self.prehash.sign_digest(digest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::core_files::core;

    /// A SEC1 DER key from `openssl ecparam -genkey` and its SPKI from `openssl ec
    /// -pubout` (tests/fixtures/core/ec-<name>.key.der, .pub.der).
    fn openssl_key(name: &str) -> (Vec<u8>, Vec<u8>) {
        (
            core(&format!("ec-{name}.key.der")),
            core(&format!("ec-{name}.pub.der")),
        )
    }

    fn tlv(tag: u8, v: &[u8]) -> Vec<u8> {
        der::encode_tlv(tag, v)
    }

    #[test]
    fn sec1_with_and_without_optional_fields() {
        for (name, curve) in [("prime256v1", Curve::P256), ("secp384r1", Curve::P384)] {
            let (sec1, spki) = openssl_key(name);
            let key = EcPrivateKey::from_sec1_der(&sec1, None).unwrap();
            assert_eq!(key.curve(), curve);
            // The SPKI ends with the uncompressed point.
            assert!(spki.ends_with(key.public_point()));
            assert_eq!(key.public_point().len(), 1 + 2 * curve.field_len());
            assert_eq!(
                format!("{key:?}"),
                format!("EcPrivateKey({}, redacted)", curve.name())
            );

            // Rebuild the structure without parameters and public key: the curve must come
            // from outside, the point is derived.
            let scalar = der::read_all(&sec1, |r| {
                der::nested(r, der::SEQUENCE, |k| {
                    der::small_uint(k)?;
                    let s = der::expect(k, der::OCTET_STRING)?.as_slice_less_safe();
                    while !k.at_end() {
                        der::read_tlv(k)?;
                    }
                    Ok(s)
                })
            })
            .unwrap()
            .to_vec();
            let bare = tlv(0x30, &[tlv(2, &[1]), tlv(4, &scalar)].concat());
            assert_eq!(
                EcPrivateKey::from_sec1_der(&bare, None).err(),
                Some(PS_UNSUPPORTED_FAIL)
            );
            let derived = EcPrivateKey::from_sec1_der(&bare, Some(curve)).unwrap();
            assert_eq!(derived.public_point(), key.public_point());
            // The other curve named outside: the scalar may even fit, but the curves differ.
            let other = if curve == Curve::P256 {
                Curve::P384
            } else {
                Curve::P256
            };
            assert_eq!(
                EcPrivateKey::from_sec1_der(&sec1, Some(other)).err(),
                Some(PS_PARSE_FAIL)
            );
            // A leading-zero-stripped scalar is padded back.
            let mut short = scalar.clone();
            short[0] = 0;
            let stripped = tlv(0x30, &[tlv(2, &[1]), tlv(4, &short[1..])].concat());
            let a = EcPrivateKey::from_sec1_der(&stripped, Some(curve)).unwrap();
            let padded = tlv(0x30, &[tlv(2, &[1]), tlv(4, &short)].concat());
            let b = EcPrivateKey::from_sec1_der(&padded, Some(curve)).unwrap();
            assert_eq!(a.public_point(), b.public_point());
        }
    }

    #[test]
    fn inconsistent_or_bad_keys_are_rejected() {
        let (sec1, _) = openssl_key("prime256v1");
        let key = EcPrivateKey::from_sec1_der(&sec1, None).unwrap();
        let (other_sec1, _) = openssl_key("prime256v1-b");
        let other = EcPrivateKey::from_sec1_der(&other_sec1, None).unwrap();
        // Scalar of one key with the point of another.
        let scalar = [7u8; 32];
        assert_eq!(
            EcPrivateKey::from_scalar(Curve::P256, &scalar, Some(other.public_point())).err(),
            Some(PS_PARSE_FAIL)
        );
        assert!(EcPrivateKey::from_scalar(Curve::P256, &scalar, None).is_ok());
        // Zero, the group order and beyond, too long, empty.
        let order = [
            0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2,
            0xfc, 0x63, 0x25, 0x51,
        ];
        for bad in [&[0u8; 32][..], &order, &[0xff; 32], &[1; 33], &[]] {
            assert_eq!(
                EcPrivateKey::from_scalar(Curve::P256, bad, None).err(),
                Some(PS_PARSE_FAIL)
            );
        }
        // Version 0, a secp256k1 key, explicit parameters, trailing bytes, truncation.
        let mut v0 = sec1.clone();
        let pos = v0.windows(3).position(|w| w == [2, 1, 1]).unwrap();
        v0[pos + 2] = 0;
        assert_eq!(
            EcPrivateKey::from_sec1_der(&v0, None).err(),
            Some(PS_PARSE_FAIL)
        );
        let k1 = core("ec-secp256k1.key.der");
        assert_eq!(
            EcPrivateKey::from_sec1_der(&k1, None).err(),
            Some(PS_UNSUPPORTED_FAIL)
        );
        let explicit = tlv(
            0x30,
            &[
                tlv(2, &[1]),
                tlv(4, &[5; 32]),
                tlv(0xa0, &tlv(0x30, &tlv(2, &[1]))),
            ]
            .concat(),
        );
        assert_eq!(
            EcPrivateKey::from_sec1_der(&explicit, None).err(),
            Some(PS_UNSUPPORTED_FAIL)
        );
        let mut trailing = sec1.clone();
        trailing.push(0);
        assert!(EcPrivateKey::from_sec1_der(&trailing, None).is_err());
        for len in 0..sec1.len() {
            assert!(EcPrivateKey::from_sec1_der(&sec1[..len], None).is_err());
        }
        assert_ne!(key.public_point(), other.public_point());
    }

    #[test]
    fn uncompressed_point_validates_and_decompresses() {
        let key = EcPrivateKey::from_scalar(Curve::P384, &[9u8; 48], None).unwrap();
        let point = key.public_point();
        assert_eq!(
            uncompressed_point(Curve::P384, point).as_deref(),
            Some(point)
        );
        let x = &point[1..49];
        let y_odd = point[96] & 1;
        let compressed = [&[2 + y_odd][..], x].concat();
        assert_eq!(
            uncompressed_point(Curve::P384, &compressed).as_deref(),
            Some(point)
        );
        let mut off_curve = point.to_vec();
        off_curve[96] ^= 1;
        assert_eq!(uncompressed_point(Curve::P384, &off_curve), None);
        assert_eq!(uncompressed_point(Curve::P256, point), None);
        assert_eq!(uncompressed_point(Curve::P384, &[0]), None);
    }

    #[test]
    fn curve_facts() {
        assert_eq!(Curve::from_oid(OID_P256), Some(Curve::P256));
        assert_eq!(Curve::from_oid(OID_P384), Some(Curve::P384));
        assert_eq!(Curve::from_oid(&[0x2b, 0x81, 0x04, 0x00, 0x23]), None);
        assert_eq!(Curve::P384.oid(), OID_P384);
        assert_eq!(
            (Curve::P256.named_group(), Curve::P384.named_group()),
            (23, 24)
        );
        assert_eq!(Curve::P384.native_hash(), HashAlgorithm::Sha384);
    }
}
