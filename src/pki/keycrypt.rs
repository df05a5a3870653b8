//! Decryption of password-protected private keys: PKCS#8 `EncryptedPrivateKeyInfo`
//! (PBES2 with PBKDF2) and OpenSSL's legacy PEM encryption (`Proc-Type: 4,ENCRYPTED`,
//! `DEK-Info`, key from EVP_BytesToKey with MD5 and one iteration).
//!
//! Both return the plaintext DER; a wrong password shows up as bad CBC padding here or
//! as a structure that does not parse in the caller, and both are `PS_FAILURE`.

use std::num::NonZeroU32;

use cbc::cipher::{BlockDecryptMut, KeyIvInit, block_padding::NoPadding};
use md5::{Digest as _, Md5};
use zeroize::Zeroizing;

use super::der;
use super::pem::PemBlock;
use crate::error::{PS_ARG_FAIL, PS_FAILURE, PS_PARSE_FAIL, PS_UNSUPPORTED_FAIL};

const OID_PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const OID_PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
const OID_HMAC_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x07];
const OID_HMAC_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09];
const OID_HMAC_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x0a];
const OID_HMAC_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x0b];
const OID_DES_EDE3_CBC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x03, 0x07];
const OID_AES128_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02];
const OID_AES192_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x16];
const OID_AES256_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a];

/// PBKDF2 iteration counts above this are refused rather than letting a hostile file
/// pin a CPU (OpenSSL writes 2048; password managers use up to a few hundred thousand).
const MAX_PBKDF2_ITERATIONS: u64 = 10_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cipher {
    Des3,
    Aes128,
    Aes192,
    Aes256,
}

impl Cipher {
    fn key_len(self) -> usize {
        match self {
            Cipher::Des3 => 24,
            Cipher::Aes128 => 16,
            Cipher::Aes192 => 24,
            Cipher::Aes256 => 32,
        }
    }

    fn block_len(self) -> usize {
        match self {
            Cipher::Des3 => 8,
            _ => 16,
        }
    }

    fn from_oid(oid: &[u8]) -> Option<Cipher> {
        match oid {
            OID_DES_EDE3_CBC => Some(Cipher::Des3),
            OID_AES128_CBC => Some(Cipher::Aes128),
            OID_AES192_CBC => Some(Cipher::Aes192),
            OID_AES256_CBC => Some(Cipher::Aes256),
            _ => None,
        }
    }

    fn from_dek_name(name: &str) -> Option<Cipher> {
        match name.to_ascii_uppercase().as_str() {
            "DES-EDE3-CBC" => Some(Cipher::Des3),
            "AES-128-CBC" => Some(Cipher::Aes128),
            "AES-192-CBC" => Some(Cipher::Aes192),
            "AES-256-CBC" => Some(Cipher::Aes256),
            _ => None,
        }
    }

    /// CBC-decrypts `data` and removes PKCS#7 padding. `Err(())` on a length that is
    /// not a whole number of blocks or on bad padding (the wrong-password signal).
    fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Result<Zeroizing<Vec<u8>>, ()> {
        let block = self.block_len();
        if data.is_empty() || !data.len().is_multiple_of(block) || iv.len() != block {
            return Err(());
        }
        let mut buf = Zeroizing::new(data.to_vec());
        let done = match self {
            Cipher::Des3 => cbc_decrypt::<des::TdesEde3>(key, iv, &mut buf),
            Cipher::Aes128 => cbc_decrypt::<aes::Aes128>(key, iv, &mut buf),
            Cipher::Aes192 => cbc_decrypt::<aes::Aes192>(key, iv, &mut buf),
            Cipher::Aes256 => cbc_decrypt::<aes::Aes256>(key, iv, &mut buf),
        };
        done?;
        let plain_len = pkcs7_plain_len(&buf, block).ok_or(())?;
        buf.truncate(plain_len);
        Ok(buf)
    }
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], buf: &mut [u8]) -> Result<(), ()>
where
    C: cbc::cipher::BlockDecrypt + cbc::cipher::BlockCipher + cbc::cipher::KeyInit,
{
    let dec = cbc::Decryptor::<C>::new_from_slices(key, iv).map_err(|_| ())?;
    dec.decrypt_padded_mut::<NoPadding>(buf).map_err(|_| ())?;
    Ok(())
}

/// Length of the plaintext before PKCS#7 padding, checked without branching on the
/// padding bytes (`None` if the padding is invalid).
pub(crate) fn pkcs7_plain_len(buf: &[u8], block: usize) -> Option<usize> {
    let last_block = buf.get(buf.len().checked_sub(block)?..)?;
    let pad = *last_block.last()?;
    // bad != 0 iff pad == 0, pad > block, or one of the last `pad` bytes differs.
    let mut bad = u32::from(pad == 0) | u32::from(usize::from(pad) > block);
    for (i, &b) in last_block.iter().rev().enumerate() {
        // in_pad is all ones for the last `pad` bytes.
        let in_pad = 0u32.wrapping_sub(u32::from(i < usize::from(pad)));
        bad |= in_pad & u32::from(b ^ pad);
    }
    if bad != 0 {
        return None;
    }
    buf.len().checked_sub(usize::from(pad))
}

// ---------------------------------------------------------------------------------------
// Legacy OpenSSL PEM encryption

/// True when the block carries `Proc-Type: 4,ENCRYPTED`.
pub(crate) fn is_legacy_encrypted(block: &PemBlock) -> bool {
    block
        .header("Proc-Type")
        .is_some_and(|v| v.to_ascii_uppercase().contains("ENCRYPTED"))
}

/// OpenSSL's EVP_BytesToKey with MD5 and `count` iterations (legacy PEM encryption uses 1;
/// `pkcs5pbkdf1` exposes the count, 0 counting as 1): D1 = MD5^count(pass ‖ salt),
/// Di = MD5^count(Di-1 ‖ pass ‖ salt), key = D1 ‖ D2 ‖ … truncated to `key_len`.
pub(crate) fn evp_bytes_to_key(
    password: &[u8],
    salt: &[u8],
    count: u32,
    key_len: usize,
) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(Vec::with_capacity(key_len + 16));
    let mut prev: Option<Zeroizing<[u8; 16]>> = None;
    while key.len() < key_len {
        let mut h = Md5::new();
        if let Some(p) = &prev {
            h.update(p.as_slice());
        }
        h.update(password);
        h.update(salt);
        let mut d: Zeroizing<[u8; 16]> = Zeroizing::new(h.finalize().into());
        for _ in 1..count {
            *d = Md5::digest(d.as_slice()).into();
        }
        key.extend_from_slice(d.as_slice());
        prev = Some(d);
    }
    key.truncate(key_len);
    key
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let digits = s.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| {
            let hi = char::from(*pair.first()?).to_digit(16)?;
            let lo = char::from(*pair.get(1)?).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

/// Decrypts a `Proc-Type: 4,ENCRYPTED` block. Codes: no password → `PS_ARG_FAIL`,
/// unknown cipher → `PS_UNSUPPORTED_FAIL`, malformed DEK-Info → `PS_PARSE_FAIL`,
/// wrong password (bad padding) → `PS_FAILURE`.
pub(crate) fn decrypt_legacy_pem(
    block: &PemBlock,
    password: Option<&[u8]>,
) -> Result<Zeroizing<Vec<u8>>, i32> {
    let password = password.ok_or(PS_ARG_FAIL)?;
    let dek = block.header("DEK-Info").ok_or(PS_PARSE_FAIL)?;
    let (name, iv_hex) = dek.split_once(',').ok_or(PS_PARSE_FAIL)?;
    let cipher = Cipher::from_dek_name(name.trim()).ok_or(PS_UNSUPPORTED_FAIL)?;
    let iv = hex_decode(iv_hex.trim()).ok_or(PS_PARSE_FAIL)?;
    if iv.len() != cipher.block_len() {
        return Err(PS_PARSE_FAIL);
    }
    let salt = iv.get(..8).ok_or(PS_PARSE_FAIL)?;
    let key = evp_bytes_to_key(password, salt, 1, cipher.key_len());
    cipher
        .decrypt(&key, &iv, &block.der)
        .map_err(|()| PS_FAILURE)
}

// ---------------------------------------------------------------------------------------
// PKCS#8 EncryptedPrivateKeyInfo with PBES2

struct Pbes2<'a> {
    salt: &'a [u8],
    iterations: NonZeroU32,
    key_len: Option<u64>,
    prf: ring::pbkdf2::Algorithm,
    cipher: Cipher,
    iv: &'a [u8],
}

fn parse_pbes2_params(params: &[u8]) -> Result<Pbes2<'_>, i32> {
    der::read_all(params, |r| {
        // PBES2-params ::= SEQUENCE { keyDerivationFunc, encryptionScheme }
        let (kdf_oid, kdf) = der::algorithm_identifier(r)?;
        if kdf_oid != OID_PBKDF2 {
            return Err(PS_UNSUPPORTED_FAIL);
        }
        let (salt, iterations, key_len, prf) = match der::algorithm_parameters(kdf)? {
            Some((der::SEQUENCE, p)) => p.read_all(PS_PARSE_FAIL, |p| {
                // PBKDF2-params ::= SEQUENCE { salt CHOICE { specified OCTET STRING, .. },
                //   iterationCount INTEGER, keyLength INTEGER OPTIONAL,
                //   prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
                let salt = der::expect(p, der::OCTET_STRING)
                    .map_err(|_| PS_UNSUPPORTED_FAIL)?
                    .as_slice_less_safe();
                let iterations = der::small_uint(p)?;
                let key_len = if p.peek(der::INTEGER) {
                    Some(der::small_uint(p)?)
                } else {
                    None
                };
                let prf = if p.at_end() {
                    ring::pbkdf2::PBKDF2_HMAC_SHA1
                } else {
                    let (prf_oid, _) = der::algorithm_identifier(p)?;
                    match prf_oid {
                        OID_HMAC_SHA1 => ring::pbkdf2::PBKDF2_HMAC_SHA1,
                        OID_HMAC_SHA256 => ring::pbkdf2::PBKDF2_HMAC_SHA256,
                        OID_HMAC_SHA384 => ring::pbkdf2::PBKDF2_HMAC_SHA384,
                        OID_HMAC_SHA512 => ring::pbkdf2::PBKDF2_HMAC_SHA512,
                        _ => return Err(PS_UNSUPPORTED_FAIL),
                    }
                };
                Ok((salt, iterations, key_len, prf))
            })?,
            _ => return Err(PS_PARSE_FAIL),
        };
        if iterations > MAX_PBKDF2_ITERATIONS {
            return Err(PS_UNSUPPORTED_FAIL);
        }
        let iterations = u32::try_from(iterations)
            .ok()
            .and_then(NonZeroU32::new)
            .ok_or(PS_PARSE_FAIL)?;

        let (enc_oid, enc) = der::algorithm_identifier(r)?;
        let cipher = Cipher::from_oid(enc_oid).ok_or(PS_UNSUPPORTED_FAIL)?;
        let iv = match der::algorithm_parameters(enc)? {
            Some((der::OCTET_STRING, iv)) if iv.len() == cipher.block_len() => {
                iv.as_slice_less_safe()
            }
            _ => return Err(PS_PARSE_FAIL),
        };
        Ok(Pbes2 {
            salt,
            iterations,
            key_len,
            prf,
            cipher,
            iv,
        })
    })
}

/// Decrypts a DER `EncryptedPrivateKeyInfo` to the inner `PrivateKeyInfo` DER.
/// No password → `PS_FAILURE` (as the reference); PBES1/PKCS#12 schemes and unknown
/// ciphers or PRFs → `PS_UNSUPPORTED_FAIL`; wrong password → `PS_FAILURE`.
pub(crate) fn decrypt_pkcs8(
    der_bytes: &[u8],
    password: Option<&[u8]>,
) -> Result<Zeroizing<Vec<u8>>, i32> {
    let (alg_oid, alg_id, data) = der::read_all(der_bytes, |r| {
        der::nested(r, der::SEQUENCE, |epki| {
            let (oid, alg_id) = der::algorithm_identifier(epki)?;
            let data = der::expect(epki, der::OCTET_STRING)?.as_slice_less_safe();
            Ok((oid, alg_id, data))
        })
    })?;
    if alg_oid != OID_PBES2 {
        return Err(PS_UNSUPPORTED_FAIL);
    }
    decrypt_pbes2(alg_id, data, password)
}

/// Whether an AlgorithmIdentifier's OID (contents) is PBES2.
pub(crate) fn is_pbes2(oid: &[u8]) -> bool {
    oid == OID_PBES2
}

/// Decrypts `data` under a PBES2 AlgorithmIdentifier (`alg_id` = its SEQUENCE contents, OID
/// included) with the raw password bytes. Also used by PKCS#12 for PBES2-encrypted bags
/// and `EncryptedData`. Codes as [`decrypt_pkcs8`].
pub(crate) fn decrypt_pbes2(
    alg_id: &[u8],
    data: &[u8],
    password: Option<&[u8]>,
) -> Result<Zeroizing<Vec<u8>>, i32> {
    let params = match der::algorithm_parameters(alg_id)? {
        Some((der::SEQUENCE, p)) => p.as_slice_less_safe(),
        _ => return Err(PS_PARSE_FAIL),
    };
    let pbes2 = parse_pbes2_params(params)?;
    let key_len = pbes2.cipher.key_len();
    if pbes2.key_len.is_some_and(|l| l != key_len as u64) {
        return Err(PS_PARSE_FAIL);
    }
    let password = password.ok_or(PS_FAILURE)?;
    let mut key = Zeroizing::new(vec![0u8; key_len]);
    ring::pbkdf2::derive(pbes2.prf, pbes2.iterations, pbes2.salt, password, &mut key);
    pbes2
        .cipher
        .decrypt(&key, pbes2.iv, data)
        .map_err(|()| PS_FAILURE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evp_bytes_to_key_matches_openssl_enc() {
        // The key line of `openssl enc -des-ede3-cbc -md md5 -P -S 0102030405060708
        // -pass pass:secret`, recorded so the test needs no openssl at run time.
        let key_hex = "C9E5A1BD216DBE1317E230CEF48F38EE7F0E17AD64022144";
        let key = evp_bytes_to_key(b"secret", &[1, 2, 3, 4, 5, 6, 7, 8], 1, 24);
        assert_eq!(hex_decode(key_hex).unwrap(), key.to_vec());
    }

    #[test]
    fn pkcs7_padding_checks() {
        let mut block = [7u8; 16];
        block[15] = 1;
        assert_eq!(pkcs7_plain_len(&block, 16), Some(15));
        let full = [16u8; 16];
        assert_eq!(pkcs7_plain_len(&full, 16), Some(0));
        let mut bad = [3u8; 16];
        bad[14] = 2;
        assert_eq!(pkcs7_plain_len(&bad, 16), None);
        assert_eq!(pkcs7_plain_len(&[0u8; 16], 16), None);
        assert_eq!(pkcs7_plain_len(&[17u8; 16], 16), None);
        assert_eq!(pkcs7_plain_len(&[9u8; 8], 8), None);
        assert_eq!(pkcs7_plain_len(&[1u8; 4], 8), None);
    }

    #[test]
    fn cbc_decrypt_matches_openssl_enc() {
        // Ciphertexts recorded from `openssl enc -<name> -K <key> -iv <iv>` over `plain`
        // (key bytes i*7+1, IV bytes 0xa0^i), decrypted here per cipher.
        let plain = b"The quick brown fox jumps over the lazy dog";
        for (cipher, name, ct_hex) in [
            (
                Cipher::Des3,
                "des-ede3-cbc",
                "1271248723f5f207e7f73626e26bcc44907c118f1ed28364\
                 e8a889d24a6d3a9b5ad33fbc7e57a6b077e8ca83444e27ac",
            ),
            (
                Cipher::Aes128,
                "aes-128-cbc",
                "987cb273974dbdea284f20bc39e4680e506a21fd39587d2b\
                 e02100550769a49a9e319dcae8d40ccab0c0de6965794b5e",
            ),
            (
                Cipher::Aes192,
                "aes-192-cbc",
                "e99b90aa08a8deb8a65dccc90762f611bb62ac71fa37e298\
                 cf3240b4ccfa06a93a8a71a0898c42cecf8cb57fdfe32471",
            ),
            (
                Cipher::Aes256,
                "aes-256-cbc",
                "f1a43071906cf3385e4f1f18dab462eae4a025665ab1b5b8\
                 8d60ab7e5acf551f6a7052b318e1fe6531ad18ae90b79c5f",
            ),
        ] {
            let key: Vec<u8> = (0..cipher.key_len() as u8).map(|i| i * 7 + 1).collect();
            let iv: Vec<u8> = (0..cipher.block_len() as u8).map(|i| 0xa0 ^ i).collect();
            let ct = hex_decode(ct_hex).unwrap();
            let pt = cipher.decrypt(&key, &iv, &ct).unwrap();
            assert_eq!(pt.as_slice(), plain, "{name}");
            let mut wrong = key.clone();
            wrong[0] ^= 0x55;
            // A wrong key almost always breaks the padding; never yields the plaintext.
            assert_ne!(
                cipher
                    .decrypt(&wrong, &iv, &ct)
                    .ok()
                    .as_deref()
                    .map(|v| &v[..]),
                Some(&plain[..])
            );
        }
    }
}
