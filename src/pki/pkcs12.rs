//! PKCS#12 (RFC 7292) identities: `matrixSslLoadPkcs12` (ABI.md §3.2.5, decision D8).
//!
//! Supported: password integrity mode (HMAC-SHA-1/-256/-384/-512 `MacData`, key from the
//! PKCS#12 KDF) and password privacy mode: `pkcs8ShroudedKeyBag`s and `EncryptedData` with
//! the PKCS#12 PBEs `pbeWithSHAAnd3-KeyTripleDES-CBC`, `…2-KeyTripleDES-CBC`,
//! `…128BitRC2-CBC` and `…40BitRC2-CBC` (what legacy tools and `openssl pkcs12 -legacy` write:
//! certificates under RC2-40, the key under 3DES) or PBES2 (what OpenSSL 3 writes by default:
//! PBKDF2-HMAC-SHA256 with AES-256-CBC); plain `keyBag`s and `certBag`s holding X.509
//! certificates; nested `safeContentsBag`s. Public-key integrity and privacy modes,
//! RC4-based PBEs, BER indefinite lengths and other bag types make the load fail.
//!
//! Passwords: for the PKCS#12 KDF the password bytes are widened to a BMPString and two zero
//! bytes appended (RFC 7292 §B.1; ABI.md: each byte a Latin-1 code unit); for PBES2 the raw
//! bytes are used, as OpenSSL does. The MAC is verified whenever the file has one (D8); an
//! empty password also tries the "absent password" encoding OpenSSL may have used.
//!
//! Return codes (ABI.md §3.2.5): every failure up to and including parsing — missing file,
//! wrong password, bad MAC, truncated or unsupported contents — is `PS_PARSE_FAIL`; a key that
//! matches no certificate, or a chain that does not link, `PS_CERT_AUTH_FAIL`; the identity
//! slot of the key's algorithm already filled, `PS_UNSUPPORTED_FAIL` (D8 divergence).

use cbc::cipher::{BlockDecryptMut, InnerIvInit, KeyInit, block_padding::NoPadding};
use untrusted::Reader;
use zeroize::Zeroizing;

use super::certificate::Certificate;
use super::der;
use super::keycrypt;
use super::privkey::PrivateKey;
use crate::crypto::hash::{HashAlgorithm, HashContext, hmac};
use crate::error::{PS_CERT_AUTH_FAIL, PS_PARSE_FAIL};

const ERR: i32 = PS_PARSE_FAIL;

// PKCS#7 content types.
const OID_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
const OID_ENCRYPTED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06];
// PKCS#12 bag types (1.2.840.113549.1.12.10.1.x).
const OID_KEY_BAG: &[u8] = &[
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x01,
];
const OID_SHROUDED_KEY_BAG: &[u8] = &[
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x02,
];
const OID_CERT_BAG: &[u8] = &[
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x03,
];
const OID_SAFE_CONTENTS_BAG: &[u8] = &[
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x06,
];
// certBag type x509Certificate (1.2.840.113549.1.9.22.1) and the localKeyId attribute.
const OID_X509_CERTIFICATE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x16, 0x01];
const OID_LOCAL_KEY_ID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x15];
// PKCS#12 PBE prefix 1.2.840.113549.1.12.1; the last arc picks the cipher.
const OID_PKCS12_PBE_PREFIX: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01];
// MAC digests.
const OID_SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];
const OID_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
const OID_SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
const OID_SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];

/// KDF and MAC iteration counts above this are refused rather than letting a hostile file pin
/// a CPU (OpenSSL writes 2048).
const MAX_ITERATIONS: u64 = 10_000_000;
/// Nesting limit for `safeContentsBag`s.
const MAX_DEPTH: usize = 4;

/// PKCS#12 KDF purposes (RFC 7292 §B.3).
const ID_KEY: u8 = 1;
const ID_IV: u8 = 2;
const ID_MAC: u8 = 3;

/// The password in both encodings the format uses.
struct Password<'a> {
    /// Raw bytes, for PBES2.
    raw: &'a [u8],
    /// BMPString with the two-byte terminator, for the PKCS#12 KDF.
    bmp: Zeroizing<Vec<u8>>,
}

impl<'a> Password<'a> {
    fn new(raw: &'a [u8]) -> Self {
        let mut bmp = Zeroizing::new(Vec::with_capacity(raw.len() * 2 + 2));
        for &b in raw {
            bmp.extend_from_slice(&[0, b]);
        }
        bmp.extend_from_slice(&[0, 0]);
        Password { raw, bmp }
    }

    /// OpenSSL's encoding of an absent password: no bytes at all for the KDF.
    fn absent() -> Password<'static> {
        Password {
            raw: &[],
            bmp: Zeroizing::new(Vec::new()),
        }
    }
}

/// The PKCS#12 key derivation (RFC 7292 §B.2) with hash `alg`: `out_len` bytes for purpose
/// `id`. The hash is a value rather than a type parameter: one copy of this cold code serves
/// all four MAC digests (a generic `kdf::<D>` was four copies, about 7 KB of the library).
fn kdf(
    alg: HashAlgorithm,
    id: u8,
    password_bmp: &[u8],
    salt: &[u8],
    iterations: u32,
    out_len: usize,
) -> Zeroizing<Vec<u8>> {
    let u = alg.output_len();
    let v = alg.block_len();
    let fill = |src: &[u8]| -> Zeroizing<Vec<u8>> {
        let len = src.len().div_ceil(v) * v;
        Zeroizing::new(src.iter().copied().cycle().take(len).collect())
    };
    // I = S ‖ P, each repeated to a multiple of v bytes.
    let mut i_buf = fill(salt);
    i_buf.extend_from_slice(&fill(password_bmp));
    let diversifier = vec![id; v];
    let mut out = Zeroizing::new(Vec::with_capacity(out_len + u));
    while out.len() < out_len {
        let mut first = HashContext::new(alg);
        first.update(&diversifier);
        first.update(&i_buf[..]);
        let mut a = Zeroizing::new(first.finish());
        for _ in 1..iterations {
            let next = Zeroizing::new(alg.digest(&a[..]));
            a.copy_from_slice(&next);
        }
        out.extend_from_slice(&a);
        if out.len() >= out_len {
            break;
        }
        // B = A repeated to v bytes; every v-byte block of I becomes (I_j + B + 1) mod 2^8v.
        let b: Vec<u8> = a.iter().copied().cycle().take(v).collect();
        for block in i_buf.chunks_mut(v) {
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().zip(b.iter()).rev() {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = sum as u8;
                carry = sum >> 8;
            }
        }
    }
    out.truncate(out_len);
    out
}

/// `D` for a MAC digest OID.
fn mac_kdf_and_hmac(
    oid: &[u8],
    password_bmp: &[u8],
    salt: &[u8],
    iterations: u32,
    data: &[u8],
) -> Option<Vec<u8>> {
    let (alg, key) = match oid {
        OID_SHA1 => (
            HashAlgorithm::Sha1,
            kdf(
                HashAlgorithm::Sha1,
                ID_MAC,
                password_bmp,
                salt,
                iterations,
                20,
            ),
        ),
        OID_SHA256 => (
            HashAlgorithm::Sha256,
            kdf(
                HashAlgorithm::Sha256,
                ID_MAC,
                password_bmp,
                salt,
                iterations,
                32,
            ),
        ),
        OID_SHA384 => (
            HashAlgorithm::Sha384,
            kdf(
                HashAlgorithm::Sha384,
                ID_MAC,
                password_bmp,
                salt,
                iterations,
                48,
            ),
        ),
        OID_SHA512 => (
            HashAlgorithm::Sha512,
            kdf(
                HashAlgorithm::Sha512,
                ID_MAC,
                password_bmp,
                salt,
                iterations,
                64,
            ),
        ),
        _ => return None,
    };
    Some(hmac(alg, &key, &[data]))
}

/// Constant-time tag comparison (the verdict is public; the expected tag is not).
fn tags_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && core::hint::black_box(a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y))) == 0
}

fn iterations(r: &mut Reader<'_>) -> Result<u32, i32> {
    let n = der::small_uint(r)?;
    if n == 0 || n > MAX_ITERATIONS {
        return Err(ERR);
    }
    u32::try_from(n).map_err(|_| ERR)
}

/// An OCTET STRING's contents, primitive or (BER-style, definite lengths) constructed from
/// primitive chunks. `tag` is the primitive tag to expect (OCTET STRING, or [0] IMPLICIT).
fn octets(r: &mut Reader<'_>, tag: u8) -> Result<Vec<u8>, i32> {
    let (t, value) = der::read_tlv(r)?;
    if t == tag {
        return Ok(value.as_slice_less_safe().to_vec());
    }
    if t != tag | der::CONSTRUCTED {
        return Err(ERR);
    }
    value.read_all(ERR, |chunks| {
        let mut out = Vec::new();
        while !chunks.at_end() {
            out.extend_from_slice(der::expect(chunks, der::OCTET_STRING)?.as_slice_less_safe());
        }
        Ok(out)
    })
}

// ---------------------------------------------------------------------------------------
// Decryption.

/// CBC-decrypts with the given cipher and strips PKCS#7 padding; `None` on bad lengths or
/// padding (the usual wrong-password signal).
fn cbc_decrypt<C: BlockDecryptMut + cbc::cipher::BlockCipher>(
    cipher: C,
    iv: &[u8],
    data: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let block = C::block_size();
    if data.is_empty() || !data.len().is_multiple_of(block) || iv.len() != block {
        return None;
    }
    let mut buf = Zeroizing::new(data.to_vec());
    cbc::Decryptor::<C>::inner_iv_init(cipher, iv.into())
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .ok()?;
    let len = keycrypt::pkcs7_plain_len(&buf, block)?;
    buf.truncate(len);
    Some(buf)
}

/// Decrypts `data` under the AlgorithmIdentifier `alg_id` (SEQUENCE contents).
fn decrypt(alg_id: &[u8], data: &[u8], pass: &Password<'_>) -> Result<Zeroizing<Vec<u8>>, i32> {
    let oid = der::read_all(alg_id, |r| {
        let oid = der::expect(r, der::OID)?.as_slice_less_safe();
        if !r.at_end() {
            der::read_tlv(r)?;
        }
        Ok(oid)
    })?;
    if keycrypt::is_pbes2(oid) {
        return keycrypt::decrypt_pbes2(alg_id, data, Some(pass.raw)).map_err(|_| ERR);
    }
    let arc = match oid.strip_prefix(OID_PKCS12_PBE_PREFIX) {
        Some(&[arc]) => arc,
        _ => return Err(ERR),
    };
    // pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
    let (salt, iters) = match der::algorithm_parameters(alg_id)? {
        Some((der::SEQUENCE, p)) => p.read_all(ERR, |p| {
            let salt = der::expect(p, der::OCTET_STRING)?.as_slice_less_safe();
            Ok((salt, iterations(p)?))
        })?,
        _ => return Err(ERR),
    };
    let derive = |id: u8, len: usize| kdf(HashAlgorithm::Sha1, id, &pass.bmp, salt, iters, len);
    let plain = match arc {
        // pbeWithSHAAnd3-KeyTripleDES-CBC
        3 => {
            let key = derive(ID_KEY, 24);
            let iv = derive(ID_IV, 8);
            let c = des::TdesEde3::new_from_slice(&key).map_err(|_| ERR)?;
            cbc_decrypt(c, &iv, data)
        }
        // pbeWithSHAAnd2-KeyTripleDES-CBC
        4 => {
            let key = derive(ID_KEY, 16);
            let iv = derive(ID_IV, 8);
            let c = des::TdesEde2::new_from_slice(&key).map_err(|_| ERR)?;
            cbc_decrypt(c, &iv, data)
        }
        // pbeWithSHAAnd128BitRC2-CBC, pbeWithSHAAnd40BitRC2-CBC
        5 | 6 => {
            let bytes = if arc == 5 { 16 } else { 5 };
            let key = derive(ID_KEY, bytes);
            let iv = derive(ID_IV, 8);
            let c = rc2::Rc2::new_with_eff_key_len(&key, bytes * 8);
            cbc_decrypt(c, &iv, data)
        }
        // 1, 2: the RC4 PBEs; anything else unknown.
        _ => return Err(ERR),
    };
    plain.ok_or(ERR)
}

// ---------------------------------------------------------------------------------------
// Structure.

/// A bag's `localKeyId` attribute, which pairs a key with its certificate.
type LocalKeyId = Option<Vec<u8>>;

/// What a file holds, in file order.
#[derive(Default)]
struct Contents {
    /// Certificate DER.
    certs: Vec<(Vec<u8>, LocalKeyId)>,
    /// PKCS#8 PrivateKeyInfo DER.
    keys: Vec<(Zeroizing<Vec<u8>>, LocalKeyId)>,
}

/// The localKeyId among a bag's attributes, if any.
fn local_key_id(r: &mut Reader<'_>) -> Result<Option<Vec<u8>>, i32> {
    let Some(attrs) = der::optional(r, der::SET)? else {
        return Ok(None);
    };
    attrs.read_all(ERR, |attrs| {
        let mut id = None;
        while !attrs.at_end() {
            der::nested(attrs, der::SEQUENCE, |attr| {
                let oid = der::expect(attr, der::OID)?.as_slice_less_safe();
                let values = der::expect(attr, der::SET)?;
                if oid == OID_LOCAL_KEY_ID {
                    id = values.read_all(ERR, |v| {
                        let first = der::expect(v, der::OCTET_STRING)?;
                        while !v.at_end() {
                            der::read_tlv(v)?;
                        }
                        Ok(Some(first.as_slice_less_safe().to_vec()))
                    })?;
                }
                Ok(())
            })?;
        }
        Ok(id)
    })
}

/// Parses a `SafeContents` (SEQUENCE OF SafeBag) into `out`.
fn safe_contents(
    data: &[u8],
    pass: &Password<'_>,
    out: &mut Contents,
    depth: usize,
) -> Result<(), i32> {
    if depth > MAX_DEPTH {
        return Err(ERR);
    }
    der::read_all(data, |r| {
        der::nested(r, der::SEQUENCE, |bags| {
            while !bags.at_end() {
                der::nested(bags, der::SEQUENCE, |bag| {
                    let bag_id = der::expect(bag, der::OID)?.as_slice_less_safe();
                    let value = der::expect(bag, der::CONTEXT | der::CONSTRUCTED)?;
                    let id = local_key_id(bag)?;
                    safe_bag(bag_id, value.as_slice_less_safe(), id, pass, out, depth)
                })?;
            }
            Ok(())
        })
    })
}

fn safe_bag(
    bag_id: &[u8],
    value: &[u8],
    id: Option<Vec<u8>>,
    pass: &Password<'_>,
    out: &mut Contents,
    depth: usize,
) -> Result<(), i32> {
    match bag_id {
        OID_KEY_BAG => {
            // A PrivateKeyInfo in the clear; keep its exact encoding.
            let info = der::read_all(value, |r| {
                let (whole, _) = der::expect_with_encoding(r, der::SEQUENCE)?;
                Ok(whole.as_slice_less_safe())
            })?;
            out.keys.push((Zeroizing::new(info.to_vec()), id));
        }
        OID_SHROUDED_KEY_BAG => {
            // EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }
            let info = der::read_all(value, |r| {
                der::nested(r, der::SEQUENCE, |epki| {
                    let (_, alg_id) = der::algorithm_identifier(epki)?;
                    let data = octets(epki, der::OCTET_STRING)?;
                    decrypt(alg_id, &data, pass)
                })
            })?;
            out.keys.push((info, id));
        }
        OID_CERT_BAG => {
            // CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT OCTET STRING }
            let cert = der::read_all(value, |r| {
                der::nested(r, der::SEQUENCE, |cb| {
                    let cert_type = der::expect(cb, der::OID)?.as_slice_less_safe();
                    if cert_type != OID_X509_CERTIFICATE {
                        return Err(ERR);
                    }
                    der::nested(cb, der::CONTEXT | der::CONSTRUCTED, |v| {
                        octets(v, der::OCTET_STRING)
                    })
                })
            })?;
            out.certs.push((cert, id));
        }
        OID_SAFE_CONTENTS_BAG => {
            let inner = der::read_all(value, |r| {
                let (whole, _) = der::expect_with_encoding(r, der::SEQUENCE)?;
                Ok(whole.as_slice_less_safe())
            })?;
            safe_contents(inner, pass, out, depth + 1)?;
        }
        // CRL bags, secret bags: nothing a TLS identity needs; reject rather than guess.
        _ => return Err(ERR),
    }
    Ok(())
}

/// One ContentInfo of the AuthenticatedSafe: plain data or password-encrypted data.
fn auth_safe_entry(r: &mut Reader<'_>, pass: &Password<'_>, out: &mut Contents) -> Result<(), i32> {
    der::nested(r, der::SEQUENCE, |ci| {
        let content_type = der::expect(ci, der::OID)?.as_slice_less_safe();
        let content = der::expect(ci, der::CONTEXT | der::CONSTRUCTED)?;
        let safe = match content_type {
            OID_DATA => Zeroizing::new(content.read_all(ERR, |c| octets(c, der::OCTET_STRING))?),
            OID_ENCRYPTED_DATA => content.read_all(ERR, |c| {
                // EncryptedData ::= SEQUENCE { version INTEGER, EncryptedContentInfo }
                der::nested(c, der::SEQUENCE, |ed| {
                    der::small_uint(ed)?;
                    der::nested(ed, der::SEQUENCE, |eci| {
                        if der::expect(eci, der::OID)?.as_slice_less_safe() != OID_DATA {
                            return Err(ERR);
                        }
                        let (_, alg_id) = der::algorithm_identifier(eci)?;
                        // encryptedContent [0] IMPLICIT OCTET STRING
                        let data = octets(eci, der::CONTEXT)?;
                        decrypt(alg_id, &data, pass)
                    })
                })
            })?,
            // envelopedData (public-key privacy) and anything else.
            _ => return Err(ERR),
        };
        safe_contents(&safe, pass, out, 0)
    })
}

/// The outer PFX: (AuthenticatedSafe DER, MacData contents if present).
fn pfx(data: &[u8]) -> Result<(Vec<u8>, Option<&[u8]>), i32> {
    der::read_all(data, |r| {
        der::nested(r, der::SEQUENCE, |p| {
            if der::small_uint(p)? != 3 {
                return Err(ERR);
            }
            let auth_safe = der::nested(p, der::SEQUENCE, |ci| {
                // Only password integrity (id-data); signedData is public-key integrity.
                if der::expect(ci, der::OID)?.as_slice_less_safe() != OID_DATA {
                    return Err(ERR);
                }
                der::nested(ci, der::CONTEXT | der::CONSTRUCTED, |c| {
                    octets(c, der::OCTET_STRING)
                })
            })?;
            let mac = der::optional(p, der::SEQUENCE)?.map(|m| m.as_slice_less_safe());
            Ok((auth_safe, mac))
        })
    })
}

/// Checks `MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER
/// DEFAULT 1 }` over `auth_safe` with `password_bmp`.
fn mac_ok(mac_data: &[u8], auth_safe: &[u8], password_bmp: &[u8]) -> Result<bool, i32> {
    let (oid, digest, salt, iters) = der::read_all(mac_data, |m| {
        let (oid, digest) = der::nested(m, der::SEQUENCE, |di| {
            let (oid, _) = der::algorithm_identifier(di)?;
            let digest = der::expect(di, der::OCTET_STRING)?.as_slice_less_safe();
            Ok((oid, digest))
        })?;
        let salt = der::expect(m, der::OCTET_STRING)?.as_slice_less_safe();
        let iters = if m.at_end() { 1 } else { iterations(m)? };
        Ok((oid, digest, salt, iters))
    })?;
    let expected = mac_kdf_and_hmac(oid, password_bmp, salt, iters, auth_safe).ok_or(ERR)?;
    Ok(tags_equal(&expected, digest))
}

/// Everything in a PKCS#12 file, after the MAC check.
fn parse(data: &[u8], import_pass: &[u8], mac_pass: Option<&[u8]>) -> Result<Contents, i32> {
    let (auth_safe, mac_data) = pfx(data)?;
    let mut pass = Password::new(import_pass);
    if let Some(mac_data) = mac_data {
        let mac_pw = Password::new(mac_pass.unwrap_or(import_pass));
        if !mac_ok(mac_data, &auth_safe, &mac_pw.bmp)? {
            // An empty password may have been applied as "no password" (zero bytes).
            let empty = mac_pw.raw.is_empty();
            if !(empty && mac_ok(mac_data, &auth_safe, &Password::absent().bmp)?) {
                return Err(ERR);
            }
            if mac_pass.is_none() {
                pass = Password::absent();
            }
        }
    }
    let mut out = Contents::default();
    der::read_all(&auth_safe, |r| {
        der::nested(r, der::SEQUENCE, |entries| {
            while !entries.at_end() {
                auth_safe_entry(entries, &pass, &mut out)?;
            }
            Ok(())
        })
    })?;
    Ok(out)
}

/// Orders `certs` into a chain starting at `leaf`: each next certificate is the issuer
/// (subject DN = issuer DN) of the previous one, until a self-issued certificate or no
/// issuer among the rest. Certificates not on the path are left out.
fn order_chain(leaf: Certificate, mut rest: Vec<Certificate>) -> Vec<Certificate> {
    let mut chain = vec![leaf];
    while let Some(last) = chain.last() {
        if last.issuer.hash == last.subject.hash {
            break;
        }
        let Some(pos) = rest.iter().position(|c| c.subject.hash == last.issuer.hash) else {
            break;
        };
        chain.push(rest.swap_remove(pos));
    }
    chain
}

/// The identity a PKCS#12 file holds (`matrixSslLoadPkcs12`, loaded by `keys::load`): its
/// private key and certificate chain, leaf first. `mac_pass` `None` means the import
/// password. Codes: module doc.
pub fn identity_from_der(
    data: &[u8],
    import_pass: &[u8],
    mac_pass: Option<&[u8]>,
) -> Result<(PrivateKey, Vec<Certificate>), i32> {
    let contents = parse(data, import_pass, mac_pass)?;
    // "The single private key": the first one (files with several are unusual).
    let (key_der, key_id) = contents.keys.into_iter().next().ok_or(ERR)?;
    let key = PrivateKey::from_pkcs8_der(&key_der).map_err(|_| ERR)?;
    let mut certs = Vec::with_capacity(contents.certs.len());
    let mut leaf_pos = None;
    for (i, (der_bytes, id)) in contents.certs.iter().enumerate() {
        let cert = Certificate::from_der(der_bytes).map_err(|_| ERR)?;
        // The key's certificate: same localKeyId, else the first whose key matches.
        if leaf_pos.is_none() && key_id.is_some() && *id == key_id {
            leaf_pos = Some(i);
        }
        certs.push(cert);
    }
    let leaf_pos = leaf_pos
        .filter(|&i| certs.get(i).is_some_and(|c| key.matches(&c.public_key)))
        .or_else(|| certs.iter().position(|c| key.matches(&c.public_key)))
        .ok_or(PS_CERT_AUTH_FAIL)?;
    let leaf = certs.swap_remove(leaf_pos);
    Ok((key, order_chain(leaf, certs)))
}

#[cfg(test)]
mod tests {
    use super::*;
    // The tests load through the container, as the C API does.
    use crate::error::{PS_CERT_AUTH_FAIL, PS_UNSUPPORTED_FAIL};
    use crate::keys::Keys;
    use crate::test_fixtures::core_files::{core, core_path, std_pki};

    /// The PKCS#12 KDF (SHA-1, key and IV purposes) against the widely published test
    /// vector for password "smeg". The files written by `openssl pkcs12` below cross-check
    /// the MAC purpose and every PBE end to end.
    #[test]
    fn kdf_known_answer() {
        let pass = Password::new(b"smeg");
        let salt = [0x0a, 0x58, 0xcf, 0x64, 0x53, 0x0d, 0x82, 0x3f];
        let key = kdf(HashAlgorithm::Sha1, ID_KEY, &pass.bmp, &salt, 1, 24);
        let iv = kdf(HashAlgorithm::Sha1, ID_IV, &pass.bmp, &salt, 1, 8);
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(&key),
            "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3"
        );
        assert_eq!(hex(&iv), "79993dfe048d3b76");
    }

    /// Loads the file `tests/fixtures/core/<name>` through the container. The PKCS#12 files
    /// there come from `openssl pkcs12 -export`, password "secret", each holding the
    /// standard leaf key and certificate plus the root and intermediate (in that order, so
    /// the loader must reorder): `p12-legacy.p12` (`-legacy`: RC2-40 certificates, 3DES
    /// key, HMAC-SHA1), `p12-modern.p12` (OpenSSL 3 defaults: PBES2 AES-256-CBC,
    /// HMAC-SHA256), `p12-des3.p12` (PBE-SHA1-3DES for both, HMAC-SHA1), `p12-nomac.p12`
    /// (no MAC), `p12-noenc.p12` (plain keyBag and certificates), `p12-ec.p12` (P-256
    /// identity) and `p12-nokey.p12`.
    fn load(name: &str, pass: &[u8], mac: Option<&[u8]>) -> Result<Keys, i32> {
        let mut keys = Keys::default();
        keys.load_pkcs12(core_path(name).as_bytes(), pass, mac)
            .map(|()| keys)
    }

    #[test]
    fn loads_every_flavour_with_ordered_chain() {
        let pki = std_pki();
        for name in [
            "p12-legacy.p12",
            "p12-modern.p12",
            "p12-des3.p12",
            "p12-nomac.p12",
            "p12-noenc.p12",
        ] {
            let keys = load(name, b"secret", None).unwrap_or_else(|e| panic!("{name}: {e}"));
            let id = keys.rsa_identity().expect(name);
            let ders: Vec<_> = id.chain.iter().map(|c| c.der.clone()).collect();
            assert_eq!(
                ders,
                vec![
                    pki.leaf.cert_der.clone(),
                    pki.inter.cert_der.clone(),
                    pki.root.cert_der.clone()
                ],
                "{name}"
            );
            assert!(id.key.is_rsa() && keys.ec_identity().is_none() && keys.ca_certs.is_empty());
            // Explicit MAC password equal to the import password.
            assert!(load(name, b"secret", Some(b"secret")).is_ok(), "{name}");
        }
        let keys = load("p12-ec.p12", b"secret", None).unwrap();
        assert!(keys.ec_identity().unwrap().key.is_ec());
        assert_eq!(keys.ec_identity().unwrap().chain.len(), 2);
        assert!(keys.rsa_identity().is_none());
    }

    #[test]
    fn wrong_passwords_bad_files_and_slots() {
        for name in ["p12-legacy.p12", "p12-modern.p12", "p12-des3.p12"] {
            // Wrong password: MAC fails.
            assert_eq!(load(name, b"Secret", None).err(), Some(PS_PARSE_FAIL));
            assert_eq!(load(name, b"", None).err(), Some(PS_PARSE_FAIL));
            // Right import password, wrong MAC password; and the reverse.
            assert_eq!(
                load(name, b"secret", Some(b"wrong")).err(),
                Some(PS_PARSE_FAIL)
            );
            assert_eq!(
                load(name, b"wrong", Some(b"secret")).err(),
                Some(PS_PARSE_FAIL),
                "{name}: a wrong decryption password is an error, never a garbage key"
            );
        }
        // Without a MAC the password is only checked by decryption.
        assert_eq!(
            load("p12-nomac.p12", b"wrong", None).err(),
            Some(PS_PARSE_FAIL)
        );
        // Truncations at many points, a flipped byte, trailing junk: errors, no panic.
        let data = core("p12-legacy.p12");
        for cut in (0..data.len()).step_by(97).chain([data.len() - 1]) {
            let mut keys = Keys::default();
            assert_eq!(
                keys.load_pkcs12_der(&data[..cut], b"secret", None),
                Err(PS_PARSE_FAIL),
                "cut {cut}"
            );
        }
        for at in [20, data.len() / 2, data.len() - 30] {
            let mut bad = data.clone();
            bad[at] ^= 0x01;
            let mut keys = Keys::default();
            assert!(keys.load_pkcs12_der(&bad, b"secret", None).is_err());
            assert!(keys.rsa_identity().is_none());
        }
        let mut keys = Keys::default();
        let junk = [data.as_slice(), &[0]].concat();
        assert_eq!(
            keys.load_pkcs12_der(&junk, b"secret", None),
            Err(PS_PARSE_FAIL)
        );
        // Missing file, not PKCS#12, no key.
        assert_eq!(
            load("p12-missing.p12", b"secret", None).err(),
            Some(PS_PARSE_FAIL)
        );
        assert_eq!(
            load("std-leaf.crt.pem", b"secret", None).err(),
            Some(PS_PARSE_FAIL)
        );
        assert_eq!(
            load("p12-nokey.p12", b"secret", None).err(),
            Some(PS_PARSE_FAIL)
        );
        // Slot taken: PS_UNSUPPORTED_FAIL; the other slot is still free.
        let mut keys = load("p12-modern.p12", b"secret", None).unwrap();
        assert_eq!(
            keys.load_pkcs12(core_path("p12-legacy.p12").as_bytes(), b"secret", None),
            Err(PS_UNSUPPORTED_FAIL)
        );
        keys.load_pkcs12(core_path("p12-ec.p12").as_bytes(), b"secret", None)
            .unwrap();
        assert!(keys.rsa_identity().is_some() && keys.ec_identity().is_some());
    }

    #[test]
    fn key_without_its_certificate() {
        // std-inter's key, with std-leaf's certificate bundled as an extra certificate
        // (openssl refuses to pair them itself), password "pw".
        let mut keys = Keys::default();
        assert_eq!(
            keys.load_pkcs12(core_path("p12-mismatch-pw.p12").as_bytes(), b"pw", None),
            Err(PS_CERT_AUTH_FAIL)
        );
        assert!(keys.rsa_identity().is_none());
    }
    /// D9b: the bundled chain is not verified. Here the certificate named like the leaf's
    /// issuer is a re-keyed impostor whose signature does not match: the file used to fail
    /// with `PS_CERT_AUTH_FAIL`; now it loads, the chain sent as found.
    #[test]
    fn unlinked_chain_loads() {
        let pki = std_pki();
        // The leaf with the impostor, password "pw".
        let impostor = core("impostor.crt.der");
        let mut keys = Keys::default();
        keys.load_pkcs12(core_path("p12-impostor-pw.p12").as_bytes(), b"pw", None)
            .unwrap();
        let chain = &keys.rsa_identity().unwrap().chain;
        assert_eq!(chain.len(), 2);
        assert_eq!(chain[0].der, pki.leaf.cert_der);
        assert_eq!(chain[1].der, impostor);
    }
}
