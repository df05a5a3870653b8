//! Private keys: PKCS#1 `RSAPrivateKey`, PKCS#8 `PrivateKeyInfo`, their PEM forms and
//! the two encrypted PEM forms (see `keycrypt`).
//!
//! Key material is only borrowed from the (zeroized) input buffers while parsing; the
//! key object itself is owned and wiped by the crypto module.

use super::certificate::PublicKey;
use super::der;
use super::keycrypt;
use super::pem::{PemBlock, parse_pem};
use crate::crypto::rsa::RsaPrivateKey;
use crate::error::{PS_FAILURE, PS_PARSE_FAIL, PS_UNSUPPORTED_FAIL};

const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// A local private key. More algorithms (EC) will be added as variants.
pub enum PrivateKey {
    Rsa(RsaPrivateKey),
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Only the public shape: never key material.
        match self {
            PrivateKey::Rsa(k) => write!(f, "PrivateKey::Rsa({} bits)", k.modulus_len() * 8),
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

    /// DER PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (unencrypted). Only RSA keys
    /// for now; other algorithms are `PS_UNSUPPORTED_FAIL`.
    pub fn from_pkcs8_der(der_bytes: &[u8]) -> Result<Self, i32> {
        let (oid, private) = der::read_all(der_bytes, |r| {
            der::nested(r, der::SEQUENCE, |k| {
                if der::small_uint(k)? > 1 {
                    return Err(PS_PARSE_FAIL);
                }
                let (oid, _) = der::algorithm_identifier(k)?;
                let private = der::expect(k, der::OCTET_STRING)?.as_slice_less_safe();
                // attributes [0] IMPLICIT SET, publicKey [1] IMPLICIT BIT STRING
                der::optional(k, der::CONTEXT | der::CONSTRUCTED)?;
                der::optional(k, der::CONTEXT | 1)?;
                Ok((oid, private))
            })
        })?;
        match oid {
            OID_RSA_ENCRYPTION => Self::from_pkcs1_der(private),
            _ => Err(PS_UNSUPPORTED_FAIL),
        }
    }

    /// PKCS#1 first, then unencrypted PKCS#8, as the reference's DER loader does.
    pub fn from_der_any(der_bytes: &[u8]) -> Result<Self, i32> {
        match Self::from_pkcs1_der(der_bytes) {
            Ok(key) => Ok(key),
            Err(_) => match Self::from_pkcs8_der(der_bytes) {
                Ok(key) => Ok(key),
                Err(PS_UNSUPPORTED_FAIL) => Err(PS_UNSUPPORTED_FAIL),
                Err(_) => Err(PS_PARSE_FAIL),
            },
        }
    }

    /// The first block whose label ends in `PRIVATE KEY` (the reference ignores the rest
    /// of the label) from PEM text. See [`PrivateKey::from_pem_blocks`].
    pub fn from_pem(text: &[u8], password: Option<&[u8]>) -> Result<Self, i32> {
        let blocks = parse_pem(text)?;
        Self::from_pem_blocks(&blocks, password)
    }

    /// Return codes (ABI.md §3.2.3): no key block or malformed → `PS_PARSE_FAIL`;
    /// legacy-encrypted without password → `PS_ARG_FAIL`; wrong password, or encrypted
    /// PKCS#8 without password → `PS_FAILURE`; unsupported algorithm or encryption scheme
    /// → `PS_UNSUPPORTED_FAIL`.
    pub fn from_pem_blocks(blocks: &[PemBlock], password: Option<&[u8]>) -> Result<Self, i32> {
        let block = blocks
            .iter()
            .find(|b| b.label.ends_with("PRIVATE KEY"))
            .ok_or(PS_PARSE_FAIL)?;
        if block.label == "EC PRIVATE KEY" {
            return Err(PS_UNSUPPORTED_FAIL);
        }
        // After decryption, anything that does not parse means the password was wrong:
        // the padding check alone lets about 1/256 wrong passwords through.
        let wrong_password = |e: i32| {
            if e == PS_UNSUPPORTED_FAIL {
                e
            } else {
                PS_FAILURE
            }
        };
        if block.label == "ENCRYPTED PRIVATE KEY" {
            let plain = keycrypt::decrypt_pkcs8(&block.der, password)?;
            return Self::from_pkcs8_der(&plain).map_err(wrong_password);
        }
        if keycrypt::is_legacy_encrypted(block) {
            let plain = keycrypt::decrypt_legacy_pem(block, password)?;
            return Self::from_der_any(&plain).map_err(wrong_password);
        }
        Self::from_der_any(&block.der)
    }

    /// The public half, in certificate form.
    pub fn public_key(&self) -> PublicKey {
        match self {
            PrivateKey::Rsa(k) => PublicKey::Rsa(k.public_key()),
        }
    }

    /// Whether `pk` (typically a certificate's key) is this key's public half: RSA modulus
    /// and public exponent compared.
    pub fn matches(&self, pk: &PublicKey) -> bool {
        match (self, pk) {
            (PrivateKey::Rsa(k), PublicKey::Rsa(p)) => {
                let mine = k.public_key();
                mine.modulus_be() == p.modulus_be() && mine.exponent_be() == p.exponent_be()
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::PS_ARG_FAIL;
    use crate::pki::Certificate;
    use crate::pki::testpki::{self, TempDir, openssl};

    fn leaf_cert() -> Certificate {
        Certificate::from_der(&testpki::std_pki().leaf.cert_der).unwrap()
    }

    #[test]
    fn pkcs1_pkcs8_and_pem_forms_load_and_match() {
        let pki = testpki::std_pki();
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
        let pki = testpki::std_pki();
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
    fn ec_keys_are_unsupported_for_now() {
        let dir = TempDir::new("eckey");
        openssl(
            &dir,
            &[
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                "ec.pem",
            ],
        );
        openssl(
            &dir,
            &[
                "pkcs8", "-topk8", "-nocrypt", "-in", "ec.pem", "-out", "ec8.pem",
            ],
        );
        let sec1 = std::fs::read(dir.path("ec.pem")).unwrap();
        let p8 = std::fs::read(dir.path("ec8.pem")).unwrap();
        assert_eq!(
            PrivateKey::from_pem(&sec1, None).err(),
            Some(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(
            PrivateKey::from_pem(&p8, None).err(),
            Some(PS_UNSUPPORTED_FAIL)
        );
    }

    /// Encrypts the standard leaf key with the openssl CLI and returns the PEM text.
    fn encrypt_with_openssl(dir: &TempDir, args: &[&str]) -> Vec<u8> {
        std::fs::write(dir.path("plain.pem"), &testpki::std_pki().leaf.key_pem).unwrap();
        let mut full = args.to_vec();
        full.extend_from_slice(&[
            "-in",
            "plain.pem",
            "-out",
            "enc.pem",
            "-passout",
            "pass:s3cret pw",
        ]);
        openssl(dir, &full);
        std::fs::read(dir.path("enc.pem")).unwrap()
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
        let dir = TempDir::new("legacy");
        for cipher in ["-des3", "-aes128", "-aes192", "-aes256"] {
            let pem = encrypt_with_openssl(&dir, &["rsa", "-traditional", cipher]);
            let text = String::from_utf8_lossy(&pem);
            assert!(text.contains("Proc-Type: 4,ENCRYPTED"), "{cipher}");
            check_encrypted(&pem, PS_ARG_FAIL);
        }
    }

    #[test]
    fn legacy_encrypted_pem_with_unsupported_or_bad_dek_info() {
        let dir = TempDir::new("legacy-bad");
        let pem = encrypt_with_openssl(&dir, &["rsa", "-traditional", "-des3"]);
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
        let dir = TempDir::new("pbes2");
        for (cipher, prf) in [
            ("des3", "hmacWithSHA1"),
            ("aes-128-cbc", "hmacWithSHA1"),
            ("aes-256-cbc", "hmacWithSHA256"),
            ("aes-192-cbc", "hmacWithSHA512"),
        ] {
            let pem = encrypt_with_openssl(
                &dir,
                &[
                    "pkcs8", "-topk8", "-v2", cipher, "-v2prf", prf, "-iter", "1000",
                ],
            );
            assert!(String::from_utf8_lossy(&pem).contains("BEGIN ENCRYPTED PRIVATE KEY"));
            check_encrypted(&pem, PS_FAILURE);
        }
    }

    #[test]
    fn pkcs8_pbes1_is_unsupported() {
        let dir = TempDir::new("pbes1");
        let pem = encrypt_with_openssl(&dir, &["pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES"]);
        assert_eq!(
            PrivateKey::from_pem(&pem, Some(b"s3cret pw")).err(),
            Some(PS_UNSUPPORTED_FAIL)
        );
    }
}
