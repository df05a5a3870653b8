//! DSA in X.509 and TLS (RFC 3279 §2.2.2, §2.3.2): the subjectPublicKeyInfo of an id-dsa
//! key and the DER Dss-Sig-Value of a signature. The arithmetic is `crypto::dsa`.

use untrusted::Reader;

use super::der::{self, DerResult};
use crate::crypto::dsa::DsaPublicKey;
use crate::error::PS_PARSE_FAIL;

/// id-dsa, 1.2.840.10040.4.1.
pub(crate) const OID_DSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];

/// The key of an id-dsa subjectPublicKeyInfo: `alg_id` is the AlgorithmIdentifier contents
/// (OID, then Dss-Parms ::= SEQUENCE { p, q, g INTEGER }), `bits` the subjectPublicKey
/// octets (DSAPublicKey ::= INTEGER y). `Err` when malformed, when the parameters are
/// absent (inherited from the issuer: not supported) or when they fail the checks of
/// [`DsaPublicKey::from_components`].
pub(crate) fn parse_public_key(alg_id: &[u8], bits: &[u8]) -> DerResult<DsaPublicKey> {
    let (p, q, g) = match der::algorithm_parameters(alg_id)? {
        Some((der::SEQUENCE, params)) => params.read_all(PS_PARSE_FAIL, |r| {
            Ok((
                der::unsigned_integer(r)?,
                der::unsigned_integer(r)?,
                der::unsigned_integer(r)?,
            ))
        })?,
        _ => return Err(PS_PARSE_FAIL),
    };
    let y = der::read_all(bits, der::unsigned_integer)?;
    DsaPublicKey::from_components(p, q, g, y).map_err(|()| PS_PARSE_FAIL)
}

/// Dss-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }: (r, s) big-endian.
fn parse_signature(sig: &[u8]) -> DerResult<(&[u8], &[u8])> {
    der::read_all(sig, |r: &mut Reader<'_>| {
        der::nested(r, der::SEQUENCE, |seq| {
            Ok((der::unsigned_integer(seq)?, der::unsigned_integer(seq)?))
        })
    })
}

/// Verifies a DER DSA signature over `digest` with `key`.
pub(crate) fn verify(key: &DsaPublicKey, digest: &[u8], sig: &[u8]) -> Result<(), ()> {
    let (r, s) = parse_signature(sig).map_err(|_| ())?;
    key.verify_digest(digest, r, s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::hash::HashAlgorithm;
    use crate::pki::{Certificate, PublicKey};
    use crate::test_fixtures::core_files::core;

    const MSG: &[u8] = b"client_random server_random DHE params";

    /// A self-signed DSA certificate (p of `p_bits`, q of `q_bits`) and signatures over MSG
    /// made by `openssl dgst` (tests/fixtures/core/dsa-P-Q*): (digest, DER signature).
    fn openssl_dsa(p_bits: u32, q_bits: u32) -> (Certificate, Vec<(HashAlgorithm, Vec<u8>)>) {
        let name = format!("dsa-{p_bits}-{q_bits}");
        assert_eq!(core("dsa-msg.bin"), MSG, "the signed message");
        let sigs = [
            ("sha1", HashAlgorithm::Sha1),
            ("sha256", HashAlgorithm::Sha256),
        ]
        .into_iter()
        .map(|(file, hash)| (hash, core(&format!("{name}-{file}.sig"))))
        .collect();
        let cert = Certificate::from_der(&core(&format!("{name}.crt.der"))).unwrap();
        (cert, sigs)
    }

    fn dsa_key(cert: &Certificate) -> &DsaPublicKey {
        match &cert.public_key {
            PublicKey::Dsa(k) => k,
            other => panic!("not a DSA key: {other:?}"),
        }
    }

    #[test]
    fn openssl_signatures_verify_and_tampering_fails() {
        for (p_bits, q_bits) in [(1024, 160), (2048, 224), (2048, 256)] {
            let (cert, sigs) = openssl_dsa(p_bits, q_bits);
            let key = dsa_key(&cert);
            assert_eq!(key.p_bits(), p_bits);
            assert_eq!(cert.public_key_size, p_bits / 8);
            for (hash, sig) in &sigs {
                let digest = hash.digest(MSG);
                assert_eq!(
                    verify(key, &digest, sig),
                    Ok(()),
                    "{p_bits}/{q_bits} {hash:?}"
                );
                // Another message.
                let other = hash.digest(b"something else");
                assert_eq!(verify(key, &other, sig), Err(()));
                // A flipped bit in r or in s (the last octet belongs to s).
                let mut bad = sig.clone();
                bad[6] ^= 1;
                assert_eq!(verify(key, &digest, &bad), Err(()));
                let mut bad = sig.clone();
                *bad.last_mut().unwrap() ^= 1;
                assert_eq!(verify(key, &digest, &bad), Err(()));
                // Trailing garbage and truncation are not DER.
                let mut long = sig.clone();
                long.push(0);
                assert_eq!(verify(key, &digest, &long), Err(()));
                assert_eq!(verify(key, &digest, &sig[..sig.len() - 1]), Err(()));
            }
        }
    }

    #[test]
    fn tls_signature_entry_points_use_dsa_keys() {
        use crate::pki::sign::{self, verify_legacy, verify_tls12};
        let (cert, sigs) = openssl_dsa(2048, 256);
        let key = &cert.public_key;
        let (sha1_sig, sha256_sig) = (&sigs[0].1, &sigs[1].1);
        // TLS 1.0/1.1: SHA-1 of the signed bytes.
        assert_eq!(verify_legacy(key, MSG, sha1_sig), Ok(()));
        assert_eq!(verify_legacy(key, MSG, sha256_sig), Err(()));
        assert_eq!(verify_tls12(key, sign::DSA_SHA1, MSG, sha1_sig), Ok(()));
        assert_eq!(verify_tls12(key, sign::DSA_SHA256, MSG, sha256_sig), Ok(()));
        assert_eq!(verify_tls12(key, sign::DSA_SHA256, MSG, sha1_sig), Err(()));
        // A scheme of another key type never reaches the DSA key.
        assert_eq!(
            verify_tls12(key, sign::RSA_PKCS1_SHA256, MSG, sha256_sig),
            Err(())
        );
        assert_eq!(
            verify_tls12(key, sign::ECDSA_SECP256R1_SHA256, MSG, sha256_sig),
            Err(())
        );
    }

    /// Encodes SEQUENCE { INTEGER r, INTEGER s } from big-endian magnitudes.
    fn sig_der(r: &[u8], s: &[u8]) -> Vec<u8> {
        let int = |v: &[u8]| {
            let mut c = vec![0];
            c.extend_from_slice(v);
            der::encode_tlv(der::INTEGER, &c)
        };
        der::encode_tlv(der::SEQUENCE, &[int(r), int(s)].concat())
    }

    #[test]
    fn out_of_range_r_and_s_are_refused() {
        let (cert, sigs) = openssl_dsa(1024, 160);
        let key = dsa_key(&cert);
        let digest = HashAlgorithm::Sha1.digest(MSG);
        let (r, s) = parse_signature(&sigs[0].1).unwrap();
        assert_eq!(verify(key, &digest, &sig_der(r, s)), Ok(()));
        let q = q_of(&cert);
        // r or s equal to 0 or to q, or wider than q.
        for bad in [&[0u8][..], &q, &[1u8; 21]] {
            assert_eq!(verify(key, &digest, &sig_der(bad, s)), Err(()));
            assert_eq!(verify(key, &digest, &sig_der(r, bad)), Err(()));
        }
        // A negative INTEGER is malformed.
        let neg = der::encode_tlv(
            der::SEQUENCE,
            &[
                der::encode_tlv(der::INTEGER, &[0x80]),
                der::encode_tlv(der::INTEGER, s),
            ]
            .concat(),
        );
        assert_eq!(verify(key, &digest, &neg), Err(()));
    }

    /// q from the certificate's Dss-Parms.
    fn q_of(cert: &Certificate) -> Vec<u8> {
        match der::algorithm_parameters(&cert.public_key_alg_id).unwrap() {
            Some((der::SEQUENCE, params)) => params
                .read_all(PS_PARSE_FAIL, |r| {
                    der::unsigned_integer(r)?;
                    let q = der::unsigned_integer(r)?;
                    der::unsigned_integer(r)?;
                    Ok(q.to_vec())
                })
                .unwrap(),
            _ => panic!("no Dss-Parms"),
        }
    }

    /// Rebuilds the id-dsa AlgorithmIdentifier contents with p, q, g replaced.
    fn alg_id(p: &[u8], q: &[u8], g: &[u8]) -> Vec<u8> {
        let int = |v: &[u8]| {
            let mut c = vec![0];
            c.extend_from_slice(v);
            der::encode_tlv(der::INTEGER, &c)
        };
        let params = der::encode_tlv(der::SEQUENCE, &[int(p), int(q), int(g)].concat());
        [der::encode_tlv(der::OID, OID_DSA), params].concat()
    }

    #[test]
    fn tampered_domain_parameters_are_refused() {
        let (cert, _) = openssl_dsa(1024, 160);
        let (p, q, g) = match der::algorithm_parameters(&cert.public_key_alg_id).unwrap() {
            Some((der::SEQUENCE, params)) => params
                .read_all(PS_PARSE_FAIL, |r| {
                    Ok((
                        der::unsigned_integer(r)?.to_vec(),
                        der::unsigned_integer(r)?.to_vec(),
                        der::unsigned_integer(r)?.to_vec(),
                    ))
                })
                .unwrap(),
            _ => panic!("no Dss-Parms"),
        };
        let y = &cert.public_key_bits;
        assert!(parse_public_key(&alg_id(&p, &q, &g), y).is_ok());
        // g = 1, g = p − 1 (order 2), g = p.
        let mut p_minus_1 = p.clone();
        *p_minus_1.last_mut().unwrap() -= 1;
        for bad_g in [&[1u8][..], &p_minus_1, &p] {
            assert!(parse_public_key(&alg_id(&p, &q, bad_g), y).is_err());
        }
        // q replaced by another 160-bit value.
        let mut bad_q = q.clone();
        bad_q[10] ^= 0x10;
        assert!(parse_public_key(&alg_id(&p, &bad_q, &g), y).is_err());
        // Parameters absent (inherited from the issuer): unsupported.
        let bare = der::encode_tlv(der::OID, OID_DSA);
        assert!(parse_public_key(&bare, y).is_err());
        // y = 1 and y = p.
        for bad_y in [&[1u8][..], &p] {
            let y = der::encode_tlv(der::INTEGER, &[&[0u8][..], bad_y].concat());
            assert!(parse_public_key(&alg_id(&p, &q, &g), &y).is_err());
        }
    }
}
