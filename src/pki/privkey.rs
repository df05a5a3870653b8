//! Private keys: PKCS#1 `RSAPrivateKey`, SEC1 `ECPrivateKey`, PKCS#8 `PrivateKeyInfo`
//! holding either, their PEM forms and the two encrypted PEM forms (see `keycrypt`).
//!
//! Key material is only borrowed from the (zeroized) input buffers while parsing; the
//! key objects themselves are owned and wiped by the crypto modules.

use zeroize::Zeroizing;

use super::certificate::PublicKey;
use super::der;
use super::eckey::{Curve, EcPrivateKey, uncompressed_point};
use super::keycrypt;
use super::pem::{PemBlock, parse_pem};
use crate::crypto::rsa::RsaPrivateKey;
use crate::error::{PS_FAILURE, PS_PARSE_FAIL, PS_UNSUPPORTED_FAIL};

const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

/// A local private key.
pub enum PrivateKey {
    Rsa(RsaPrivateKey),
    /// ECDSA on P-256 or P-384.
    Ec(EcPrivateKey),
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Only the public shape: never key material.
        match self {
            PrivateKey::Rsa(k) => write!(f, "PrivateKey::Rsa({} bits)", k.modulus_len() * 8),
            PrivateKey::Ec(k) => write!(f, "PrivateKey::Ec({})", k.curve().name()),
        }
    }
}

impl PrivateKey {
    /// DER PKCS#1 `RSAPrivateKey` (two-prime only; multi-prime is `PS_UNSUPPORTED_FAIL`).
    pub fn from_pkcs1_der(der_bytes: &[u8]) -> Result<Self, i32> {
        der::read_all(der_bytes, |r| {
            der::nested(r, der::SEQUENCE, |k| {
                if der::small_uint(k)? != 0 {
                    return Err(PS_UNSUPPORTED_FAIL);
                }
                let n = der::unsigned_integer(k)?;
                let e = der::unsigned_integer(k)?;
                let d = der::unsigned_integer(k)?;
                let p = der::unsigned_integer(k)?;
                let q = der::unsigned_integer(k)?;
                let dp = der::unsigned_integer(k)?;
                let dq = der::unsigned_integer(k)?;
                let qinv = der::unsigned_integer(k)?;
                RsaPrivateKey::from_components(n, e, d, p, q, dp, dq, qinv)
                    .map(PrivateKey::Rsa)
                    .map_err(|()| PS_PARSE_FAIL)
            })
        })
    }

    /// DER SEC1 `ECPrivateKey` naming its curve (P-256 or P-384; other curves are
    /// `PS_UNSUPPORTED_FAIL`).
    pub fn from_sec1_der(der_bytes: &[u8]) -> Result<Self, i32> {
        EcPrivateKey::from_sec1_der(der_bytes, None).map(PrivateKey::Ec)
    }

    /// DER PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (unencrypted) holding an RSA key
    /// or an EC key on P-256/P-384; other algorithms and curves are `PS_UNSUPPORTED_FAIL`.
    pub fn from_pkcs8_der(der_bytes: &[u8]) -> Result<Self, i32> {
        let (oid, alg_id, private) = der::read_all(der_bytes, |r| {
            der::nested(r, der::SEQUENCE, |k| {
                if der::small_uint(k)? > 1 {
                    return Err(PS_PARSE_FAIL);
                }
                let (oid, alg_id) = der::algorithm_identifier(k)?;
                let private = der::expect(k, der::OCTET_STRING)?.as_slice_less_safe();
                // attributes [0] IMPLICIT SET, publicKey [1] IMPLICIT BIT STRING
                der::optional(k, der::CONTEXT | der::CONSTRUCTED)?;
                der::optional(k, der::CONTEXT | 1)?;
                Ok((oid, alg_id, private))
            })
        })?;
        match oid {
            OID_RSA_ENCRYPTION => Self::from_pkcs1_der(private),
            OID_EC_PUBLIC_KEY => {
                let curve = match der::algorithm_parameters(alg_id)? {
                    Some((der::OID, c)) => {
                        Curve::from_oid(c.as_slice_less_safe()).ok_or(PS_UNSUPPORTED_FAIL)?
                    }
                    // Explicit or inherited curve parameters.
                    _ => return Err(PS_UNSUPPORTED_FAIL),
                };
                EcPrivateKey::from_sec1_der(private, Some(curve)).map(PrivateKey::Ec)
            }
            _ => Err(PS_UNSUPPORTED_FAIL),
        }
    }

    /// PKCS#1 first, then SEC1, then unencrypted PKCS#8 (the reference's DER loader tries
    /// PKCS#1 then PKCS#8; SEC1 is the EC loaders' native form). The three structures
    /// differ from their first fields on, so at most one can parse. A well-formed key of an
    /// algorithm or curve we do not support is `PS_UNSUPPORTED_FAIL`, anything else that
    /// does not parse `PS_PARSE_FAIL`.
    pub fn from_der_any(der_bytes: &[u8]) -> Result<Self, i32> {
        if let Ok(key) = Self::from_pkcs1_der(der_bytes) {
            return Ok(key);
        }
        let sec1 = Self::from_sec1_der(der_bytes);
        if matches!(sec1, Ok(_) | Err(PS_UNSUPPORTED_FAIL)) {
            return sec1;
        }
        match Self::from_pkcs8_der(der_bytes) {
            Ok(key) => Ok(key),
            Err(PS_UNSUPPORTED_FAIL) => Err(PS_UNSUPPORTED_FAIL),
            Err(_) if is_traditional_dsa(der_bytes) || is_multi_prime_rsa(der_bytes) => {
                Err(PS_UNSUPPORTED_FAIL)
            }
            Err(_) => Err(PS_PARSE_FAIL),
        }
    }

    /// The first block whose label ends in `PRIVATE KEY` (the reference ignores the rest
    /// of the label) from PEM text. See [`PrivateKey::from_pem_blocks`].
    pub fn from_pem(text: &[u8], password: Option<&[u8]>) -> Result<Self, i32> {
        let blocks = parse_pem(text)?;
        Self::from_pem_blocks(&blocks, password)
    }

    /// `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC1), `PRIVATE KEY` (PKCS#8), each
    /// parsed by content whatever the label says, as the reference does; the first two
    /// possibly with legacy `Proc-Type` encryption; `ENCRYPTED PRIVATE KEY` (PKCS#8 PBES2).
    ///
    /// Return codes (ABI.md §3.2.3): no key block or malformed → `PS_PARSE_FAIL`;
    /// legacy-encrypted without password → `PS_ARG_FAIL`; wrong password, or encrypted
    /// PKCS#8 without password → `PS_FAILURE`; unsupported algorithm or encryption scheme
    /// → `PS_UNSUPPORTED_FAIL`.
    pub fn from_pem_blocks(blocks: &[PemBlock], password: Option<&[u8]>) -> Result<Self, i32> {
        let block = first_key_block(blocks)?;
        if block.label == "ENCRYPTED PRIVATE KEY" {
            return Self::from_encrypted_pkcs8_der(&block.der, password);
        }
        if keycrypt::is_legacy_encrypted(block) {
            let plain = keycrypt::decrypt_legacy_pem(block, password)?;
            return Self::from_der_any(&plain).map_err(wrong_password);
        }
        Self::from_der_any(&block.der)
    }

    /// DER PKCS#8 `EncryptedPrivateKeyInfo` (PBES2). Codes as [`PrivateKey::from_pem_blocks`]
    /// for an `ENCRYPTED PRIVATE KEY` block.
    pub fn from_encrypted_pkcs8_der(
        der_bytes: &[u8],
        password: Option<&[u8]>,
    ) -> Result<Self, i32> {
        let plain = keycrypt::decrypt_pkcs8(der_bytes, password)?;
        Self::from_pkcs8_der(&plain).map_err(wrong_password)
    }

    /// The public half, in certificate form.
    pub fn public_key(&self) -> PublicKey {
        match self {
            PrivateKey::Rsa(k) => PublicKey::Rsa(k.public_key()),
            PrivateKey::Ec(k) => PublicKey::Ec {
                curve_oid: k.curve().oid().to_vec(),
                point: k.public_point().to_vec(),
            },
        }
    }

    /// Whether `pk` (typically a certificate's key) is this key's public half: RSA modulus
    /// and public exponent compared; EC curve and point compared (a compressed point in
    /// the certificate is decompressed first).
    pub fn matches(&self, pk: &PublicKey) -> bool {
        match (self, pk) {
            (PrivateKey::Rsa(k), PublicKey::Rsa(p)) => {
                let mine = k.public_key();
                mine.modulus_be() == p.modulus_be() && mine.exponent_be() == p.exponent_be()
            }
            (PrivateKey::Ec(k), PublicKey::Ec { curve_oid, point }) => {
                Curve::from_oid(curve_oid) == Some(k.curve())
                    && uncompressed_point(k.curve(), point).as_deref() == Some(k.public_point())
            }
            _ => false,
        }
    }

    pub fn is_rsa(&self) -> bool {
        matches!(self, PrivateKey::Rsa(_))
    }

    pub fn is_ec(&self) -> bool {
        matches!(self, PrivateKey::Ec(_))
    }
}

/// The first block whose label ends in `PRIVATE KEY`; none is `PS_PARSE_FAIL`.
fn first_key_block(blocks: &[PemBlock]) -> Result<&PemBlock, i32> {
    blocks
        .iter()
        .find(|b| b.label.ends_with("PRIVATE KEY"))
        .ok_or(PS_PARSE_FAIL)
}

/// After decryption, anything that does not parse means the password was wrong (the
/// padding check alone lets about 1/256 wrong passwords through): `PS_FAILURE`, except for
/// a well-formed key of an unsupported kind.
fn wrong_password(e: i32) -> i32 {
    if e == PS_UNSUPPORTED_FAIL {
        e
    } else {
        PS_FAILURE
    }
}

/// `pkcs1DecodePrivFile`: the DER of the first `… PRIVATE KEY` block of PEM `text`, decrypted
/// when it carries the legacy `Proc-Type: 4,ENCRYPTED` headers (codes as
/// [`PrivateKey::from_pem_blocks`]; the plaintext must be a key, possibly of an unsupported
/// kind). Any other block's DER is returned as it stands, `ENCRYPTED PRIVATE KEY` included.
pub fn private_key_der(text: &[u8], password: Option<&[u8]>) -> Result<Zeroizing<Vec<u8>>, i32> {
    let blocks = parse_pem(text)?;
    let block = first_key_block(&blocks)?;
    if !keycrypt::is_legacy_encrypted(block) {
        return Ok(block.der.clone());
    }
    let plain = keycrypt::decrypt_legacy_pem(block, password)?;
    match PrivateKey::from_der_any(&plain) {
        Ok(_) | Err(PS_UNSUPPORTED_FAIL) => Ok(plain),
        Err(_) => Err(PS_FAILURE),
    }
}

/// OpenSSL's traditional `DSA PRIVATE KEY`: SEQUENCE { version 0, p, q, g, y, x }. Well
/// formed but unsupported: DSA keys are never loaded (no constant-time DSA signer).
fn is_traditional_dsa(der_bytes: &[u8]) -> bool {
    der::read_all(der_bytes, |r| {
        der::nested(r, der::SEQUENCE, |k| {
            if der::small_uint(k)? != 0 {
                return Err(PS_PARSE_FAIL);
            }
            for _ in 0..5 {
                der::unsigned_integer(k)?;
            }
            Ok(())
        })
    })
    .is_ok()
}

/// A complete multi-prime PKCS#1 `RSAPrivateKey` (RFC 8017 A.1.2: version 1, the eight
/// two-prime integers, then `otherPrimeInfos`): well-formed, but a key we do not support.
/// `from_pkcs1_der` stops at the version, which SEC1 keys share, so the whole shape is checked
/// here before calling it unsupported rather than malformed.
fn is_multi_prime_rsa(der_bytes: &[u8]) -> bool {
    der::read_all(der_bytes, |r| {
        der::nested(r, der::SEQUENCE, |k| {
            if der::small_uint(k)? != 1 {
                return Err(PS_PARSE_FAIL);
            }
            for _ in 0..8 {
                der::unsigned_integer(k)?;
            }
            der::expect(k, der::SEQUENCE)?;
            Ok(())
        })
    })
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::PS_ARG_FAIL;
    use crate::pki::Certificate;
    use crate::test_fixtures::core_files::{core, ec_pki, std_pki};

    fn leaf_cert() -> Certificate {
        Certificate::from_der(&std_pki().leaf.cert_der).unwrap()
    }

    #[test]
    fn pkcs1_pkcs8_and_pem_forms_load_and_match() {
        let pki = std_pki();
        let cert = leaf_cert();
        let other = Certificate::from_der(&pki.inter.cert_der).unwrap();
        let forms = [
            PrivateKey::from_pkcs1_der(&pki.leaf.key_pkcs1_der).unwrap(),
            PrivateKey::from_pkcs8_der(&pki.leaf.key_pkcs8_der).unwrap(),
            PrivateKey::from_der_any(&pki.leaf.key_pkcs1_der).unwrap(),
            PrivateKey::from_der_any(&pki.leaf.key_pkcs8_der).unwrap(),
            PrivateKey::from_pem(&pki.leaf.key_pem, None).unwrap(),
            PrivateKey::from_pem(&pki.leaf.key_pkcs8_pem, Some(b"ignored")).unwrap(),
        ];
        for key in &forms {
            assert!(key.matches(&cert.public_key));
            assert!(!key.matches(&other.public_key));
            assert!(key.matches(&key.public_key()));
        }
        assert_eq!(format!("{:?}", forms[0]), "PrivateKey::Rsa(2048 bits)");
    }

    #[test]
    fn wrong_kinds_of_input() {
        let pki = std_pki();
        // PKCS#8 is not PKCS#1 and vice versa.
        assert!(PrivateKey::from_pkcs1_der(&pki.leaf.key_pkcs8_der).is_err());
        assert!(PrivateKey::from_pkcs8_der(&pki.leaf.key_pkcs1_der).is_err());
        // A certificate, PEM text, truncation and trailing bytes are parse failures.
        assert_eq!(
            PrivateKey::from_der_any(&pki.leaf.cert_der).err(),
            Some(PS_PARSE_FAIL)
        );
        assert_eq!(
            PrivateKey::from_der_any(&pki.leaf.key_pem).err(),
            Some(PS_PARSE_FAIL)
        );
        let der = &pki.leaf.key_pkcs1_der;
        assert_eq!(
            PrivateKey::from_der_any(&der[..der.len() - 1]).err(),
            Some(PS_PARSE_FAIL)
        );
        let mut trailing = der.clone();
        trailing.push(0);
        assert_eq!(
            PrivateKey::from_der_any(&trailing).err(),
            Some(PS_PARSE_FAIL)
        );
        // No key block in a certificate file.
        assert_eq!(
            PrivateKey::from_pem(&pki.leaf.cert_pem, None).err(),
            Some(PS_PARSE_FAIL)
        );
        assert_eq!(PrivateKey::from_pem(b"", None).err(), Some(PS_PARSE_FAIL));
    }

    #[test]
    fn dsa_keys_are_unsupported() {
        // A DSA key from `openssl genpkey` (PKCS#8) and `openssl dsa` (traditional).
        let read = |name: &str| match name {
            "p8.pem" => core("dsa-1024.key.pem"),
            "trad.pem" => core("dsa-1024.key-trad.pem"),
            "trad.der" => core("dsa-1024.key-trad.der"),
            other => panic!("no DSA key file {other}"),
        };
        assert!(String::from_utf8_lossy(&read("trad.pem")).contains("BEGIN DSA PRIVATE KEY"));
        for pem in ["p8.pem", "trad.pem"] {
            assert_eq!(
                PrivateKey::from_pem(&read(pem), None).err(),
                Some(PS_UNSUPPORTED_FAIL),
                "{pem}"
            );
        }
        let der = read("trad.der");
        assert_eq!(
            PrivateKey::from_der_any(&der).err(),
            Some(PS_UNSUPPORTED_FAIL)
        );
        // Truncated, it is merely malformed.
        assert_eq!(
            PrivateKey::from_der_any(&der[..der.len() - 1]).err(),
            Some(PS_PARSE_FAIL)
        );
    }

    #[test]
    fn ec_keys_in_every_form_load_and_match() {
        let ec = ec_pki();
        for (m, curve) in [(&ec.leaf, "P-256"), (&ec.leaf384, "P-384")] {
            let cert = Certificate::from_der(&m.cert_der).unwrap();
            let other = Certificate::from_der(&ec.inter.cert_der).unwrap();
            let rsa = leaf_cert();
            assert!(String::from_utf8_lossy(&m.key_pem).contains("BEGIN EC PRIVATE KEY"));
            let forms = [
                PrivateKey::from_sec1_der(&m.key_pkcs1_der).unwrap(),
                PrivateKey::from_pkcs8_der(&m.key_pkcs8_der).unwrap(),
                PrivateKey::from_der_any(&m.key_pkcs1_der).unwrap(),
                PrivateKey::from_der_any(&m.key_pkcs8_der).unwrap(),
                PrivateKey::from_pem(&m.key_pem, None).unwrap(),
                PrivateKey::from_pem(&m.key_pkcs8_pem, None).unwrap(),
            ];
            for key in &forms {
                assert!(key.is_ec() && !key.is_rsa());
                assert!(key.matches(&cert.public_key));
                assert!(!key.matches(&other.public_key));
                assert!(!key.matches(&rsa.public_key));
                assert!(key.matches(&key.public_key()));
                assert_eq!(format!("{key:?}"), format!("PrivateKey::Ec({curve})"));
            }
            // An RSA key never matches an EC certificate.
            let rsa_key = PrivateKey::from_der_any(&std_pki().leaf.key_pkcs1_der).unwrap();
            assert!(!rsa_key.matches(&cert.public_key) && rsa_key.is_rsa());
        }
        // `openssl ecparam -genkey` without -noout writes an EC PARAMETERS block first.
        let text = core("ec-p384-with-params.key.pem");
        assert!(String::from_utf8_lossy(&text).contains("BEGIN EC PARAMETERS"));
        assert!(matches!(
            PrivateKey::from_pem(&text, None),
            Ok(PrivateKey::Ec(k)) if k.curve() == crate::pki::Curve::P384
        ));
    }

    #[test]
    fn unsupported_curves_and_algorithms() {
        for curve in ["secp521r1", "secp256k1", "brainpoolP256r1"] {
            // SEC1 and PKCS#8.
            for f in [
                format!("ec-{curve}.key.pem"),
                format!("ec-{curve}.key.p8.pem"),
            ] {
                let text = core(&f);
                assert_eq!(
                    PrivateKey::from_pem(&text, None).err(),
                    Some(PS_UNSUPPORTED_FAIL),
                    "{curve} {f}"
                );
            }
        }
        let ed = core("ed25519.key.pem");
        assert_eq!(
            PrivateKey::from_pem(&ed, None).err(),
            Some(PS_UNSUPPORTED_FAIL)
        );
    }

    #[test]
    fn encrypted_ec_keys() {
        let ec = ec_pki();
        let cert = Certificate::from_der(&ec.leaf.cert_der).unwrap();
        // ec-leaf's key, password "pw": legacy PEM AES-128 (`openssl ec -aes128`).
        let legacy = core("ec-leaf.key-aes128-pw.pem");
        let text = String::from_utf8_lossy(&legacy).into_owned();
        assert!(text.contains("BEGIN EC PRIVATE KEY") && text.contains("Proc-Type: 4,ENCRYPTED"));
        // PKCS#8 PBES2 aes-256-cbc with hmacWithSHA256.
        let p8 = core("ec-leaf.key-p8-aes256-sha256-pw.pem");
        for (pem, none_code) in [(legacy, PS_ARG_FAIL), (p8, PS_FAILURE)] {
            let key = PrivateKey::from_pem(&pem, Some(b"pw")).unwrap();
            assert!(key.matches(&cert.public_key));
            assert_eq!(
                PrivateKey::from_pem(&pem, Some(b"pW")).err(),
                Some(PS_FAILURE)
            );
            assert_eq!(PrivateKey::from_pem(&pem, None).err(), Some(none_code));
        }
    }

    fn check_encrypted(pem: &[u8], no_password_code: i32) {
        let cert = leaf_cert();
        let key = PrivateKey::from_pem(pem, Some(b"s3cret pw")).unwrap();
        assert!(key.matches(&cert.public_key));
        for wrong in [&b"s3cret pX"[..], b"", b"s3cret pw "] {
            assert_eq!(
                PrivateKey::from_pem(pem, Some(wrong)).err(),
                Some(PS_FAILURE)
            );
        }
        assert_eq!(
            PrivateKey::from_pem(pem, None).err(),
            Some(no_password_code)
        );
    }

    #[test]
    fn legacy_encrypted_pem() {
        // The standard leaf key as `openssl rsa -traditional -<cipher>` writes it.
        for cipher in ["des3", "aes128", "aes192", "aes256"] {
            let pem = core(&format!("std-leaf.key-{cipher}.pem"));
            let text = String::from_utf8_lossy(&pem);
            assert!(text.contains("Proc-Type: 4,ENCRYPTED"), "{cipher}");
            check_encrypted(&pem, PS_ARG_FAIL);
        }
    }

    #[test]
    fn legacy_encrypted_pem_with_unsupported_or_bad_dek_info() {
        let pem = core("std-leaf.key-des3.pem");
        let text = String::from_utf8(pem).unwrap();
        let unsupported = text.replace("DES-EDE3-CBC", "DES-CBC");
        assert_eq!(
            PrivateKey::from_pem(unsupported.as_bytes(), Some(b"s3cret pw")).err(),
            Some(PS_UNSUPPORTED_FAIL)
        );
        let start = text.find("DES-EDE3-CBC,").unwrap() + "DES-EDE3-CBC,".len();
        let bad_iv = format!("{}ZZ{}", &text[..start], &text[start + 2..]);
        assert_eq!(
            PrivateKey::from_pem(bad_iv.as_bytes(), Some(b"s3cret pw")).err(),
            Some(PS_PARSE_FAIL)
        );
    }

    #[test]
    fn pkcs8_pbes2_encrypted_pem() {
        for (cipher, prf) in [
            ("des3", "hmacWithSHA1"),
            ("aes-128-cbc", "hmacWithSHA1"),
            ("aes-256-cbc", "hmacWithSHA256"),
            ("aes-192-cbc", "hmacWithSHA512"),
        ] {
            // `openssl pkcs8 -topk8 -v2 <cipher> -v2prf <prf> -iter 1000`.
            let pem = core(&format!("std-leaf.key-pbes2-{cipher}-{prf}.pem"));
            assert!(String::from_utf8_lossy(&pem).contains("BEGIN ENCRYPTED PRIVATE KEY"));
            check_encrypted(&pem, PS_FAILURE);
        }
    }

    #[test]
    fn pkcs8_pbes1_is_unsupported() {
        // `openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES`.
        let pem = core("std-leaf.key-pbes1-sha1-3des.pem");
        assert_eq!(
            PrivateKey::from_pem(&pem, Some(b"s3cret pw")).err(),
            Some(PS_UNSUPPORTED_FAIL)
        );
    }

    /// A three-prime RSA key (`openssl genrsa -primes 3`, tests/fixtures) is well-formed
    /// but unsupported; cut short, it is malformed.
    #[test]
    fn multi_prime_rsa_is_unsupported_not_malformed() {
        let der = crate::test_fixtures::fixture("rsa-3prime.key.der");
        assert_eq!(
            PrivateKey::from_pkcs1_der(&der).err(),
            Some(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(
            PrivateKey::from_der_any(&der).err(),
            Some(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(
            PrivateKey::from_der_any(&der[..der.len() - 1]).err(),
            Some(PS_PARSE_FAIL)
        );
    }
}
