//! An X.509 certificate parsed once into everything the library and the C view
//! (`psX509Cert_t`, ABI.md §6.3) need. Parsing: `Certificate::from_der`.

use std::ops::Range;

use untrusted::Reader;

use super::der::{self, DerResult};
use crate::crypto::dsa::DsaPublicKey;
use crate::crypto::rsa::RsaPublicKey;
use crate::error::{PS_PARSE_FAIL, PS_UNSUPPORTED_FAIL};

/// One attribute value of a distinguished name, exactly as encoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DnAttribute {
    /// ASN.1 string tag (12 UTF8String, 19 PrintableString, 20 T61String, 22 IA5String, 30 BMPString).
    pub tag: u8,
    /// Raw value bytes (without the two trailing NULs the C view adds).
    pub value: Vec<u8>,
}

/// The six attributes MatrixSSL exposes, plus the SHA-1 `hash` used for issuer/subject
/// matching (ABI.md §6.4) and the Name's full DER.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DistinguishedName {
    pub country: Option<DnAttribute>,
    pub state: Option<DnAttribute>,
    pub locality: Option<DnAttribute>,
    pub organization: Option<DnAttribute>,
    pub org_unit: Option<DnAttribute>,
    pub common_name: Option<DnAttribute>,
    pub hash: [u8; 20],
    pub der: Vec<u8>,
}

/// subjectAltName entry (ABI.md §6.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneralName {
    /// Choice tag number 0..8.
    pub id: i32,
    /// Raw content octets.
    pub data: Vec<u8>,
}

#[derive(Clone, Debug)]
pub enum PublicKey {
    Rsa(RsaPublicKey),
    /// Named-curve EC key: curve OID DER contents and the SEC1 point.
    Ec {
        curve_oid: Vec<u8>,
        point: Vec<u8>,
    },
    /// id-dsa key with its domain parameters (verify-only: DHE_DSS servers).
    Dsa(DsaPublicKey),
    /// Any other algorithm, or a DSA key whose parameters are absent or fail the checks of
    /// `crypto::dsa`: kept so the certificate can still be shown to callbacks.
    Other,
}

#[derive(Clone, Debug)]
pub struct Certificate {
    /// Full DER encoding (sent in Certificate messages, given to webpki).
    pub der: Vec<u8>,
    /// X.509 version field value (0 = v1, 2 = v3).
    pub version: i32,
    /// Serial number INTEGER content octets as encoded.
    pub serial: Vec<u8>,
    pub issuer: DistinguishedName,
    pub subject: DistinguishedName,
    /// ASN.1 tag of notBefore: 23 UTCTime or 24 GeneralizedTime.
    pub time_type: i32,
    pub not_before: String,
    pub not_after: String,
    /// notBefore / notAfter as seconds since the Unix epoch.
    pub not_before_unix: i64,
    pub not_after_unix: i64,
    pub public_key: PublicKey,
    /// Public key size in bytes (RSA modulus length; EC field size; DSA prime length).
    pub public_key_size: u32,
    /// MatrixSSL OID sums (ABI.md §5.9).
    pub pub_key_algorithm: i32,
    pub cert_algorithm: i32,
    pub sig_algorithm: i32,
    pub signature: Vec<u8>,
    /// Digest of the TBSCertificate for MD5/SHA-1 signatures, zero otherwise.
    pub sig_hash: [u8; 20],
    pub unique_issuer_id: Option<Vec<u8>>,
    pub unique_subject_id: Option<Vec<u8>>,
    /// basicConstraints: raw cA BOOLEAN octet (0 if absent) and pathLen (-1 if absent in a
    /// present extension, 0 if the extension is absent).
    pub ca: i32,
    pub path_len: i32,
    /// keyUsage named bits, bit 0 (digitalSignature) as the top bit of the first octet: the
    /// first two octets of the BIT STRING big-endian (see the `KU_*` constants); `None`
    /// when the extension is absent, which allows every use (RFC 5280 §4.2.1.3).
    pub key_usage: Option<u16>,
    pub san: Vec<GeneralName>,
    /// Byte range of the TBSCertificate encoding (header included) inside `der`: the
    /// signed bytes.
    pub tbs_range: Range<usize>,
    /// Contents of the outer signatureAlgorithm AlgorithmIdentifier (OID and parameters),
    /// the form webpki's `AlgorithmIdentifier` uses.
    pub sig_alg_id: Vec<u8>,
    /// Contents of the subjectPublicKeyInfo AlgorithmIdentifier.
    pub public_key_alg_id: Vec<u8>,
    /// subjectPublicKey BIT STRING octets (RSAPublicKey DER, or the EC point): what ring
    /// and webpki verification algorithms take as the public key.
    pub public_key_bits: Vec<u8>,
}

const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
const OID_SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
const OID_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
/// id-at (2.5.4) prefix of the attribute types MatrixSSL keeps.
const OID_ID_AT: [u8; 2] = [0x55, 0x04];

/// OID sums of the signature algorithms whose TBS digest 3.3 precomputes (ABI.md §6.3).
pub const OID_MD5_RSA_SIG: i32 = 648;
pub const OID_SHA1_RSA_SIG: i32 = 649;

/// [`Certificate::key_usage`] bits (RFC 5280 §4.2.1.3).
pub const KU_DIGITAL_SIGNATURE: u16 = 0x8000;
pub const KU_KEY_ENCIPHERMENT: u16 = 0x2000;
pub const KU_KEY_CERT_SIGN: u16 = 0x0400;

const ERR: i32 = PS_PARSE_FAIL;

impl Certificate {
    /// Parses one DER certificate (nothing may follow it). Malformed input gives
    /// `PS_PARSE_FAIL`, a well-formed feature we cannot represent (an EC key on an
    /// unnamed curve) `PS_UNSUPPORTED_FAIL`. Signatures are not checked here.
    pub fn from_der(der: &[u8]) -> Result<Certificate, i32> {
        let outer = der::read_all(der, |r| der::expect(r, der::SEQUENCE))?;
        // `outer` is a suffix of `der`: the TBS starts right after the outer header.
        let tbs_start = der.len().checked_sub(outer.len()).ok_or(ERR)?;
        outer.read_all(ERR, |r| {
            let (tbs_whole, tbs) = der::expect_with_encoding(r, der::SEQUENCE)?;
            let (sig_oid, sig_alg_id) = der::algorithm_identifier(r)?;
            let signature = der::bit_string_octets(der::expect(r, der::BIT_STRING)?)?;

            let mut cert = tbs.read_all(ERR, parse_tbs)?;
            cert.sig_algorithm = der::oid_sum(sig_oid);
            // The reference compares the sums, not the encodings.
            if cert.sig_algorithm != cert.cert_algorithm {
                return Err(ERR);
            }
            let tbs_bytes = tbs_whole.as_slice_less_safe();
            cert.tbs_range = tbs_start..tbs_start + tbs_bytes.len();
            cert.sig_hash = tbs_digest(cert.cert_algorithm, tbs_bytes);
            cert.sig_alg_id = sig_alg_id.to_vec();
            cert.signature = signature.to_vec();
            cert.der = der.to_vec();
            Ok(cert)
        })
    }

    /// The signed TBSCertificate bytes.
    pub fn tbs_der(&self) -> &[u8] {
        self.der.get(self.tbs_range.clone()).unwrap_or(&[])
    }
}

/// Parses a buffer of DER certificates laid end to end (child-most first in the
/// loaders' use). An empty buffer is a parse error.
pub fn parse_der_chain(buf: &[u8]) -> Result<Vec<Certificate>, i32> {
    if buf.is_empty() {
        return Err(ERR);
    }
    der::read_all(buf, |r| {
        let mut certs = Vec::new();
        while !r.at_end() {
            let (whole, _) = der::expect_with_encoding(r, der::SEQUENCE)?;
            certs.push(Certificate::from_der(whole.as_slice_less_safe())?);
        }
        Ok(certs)
    })
}

/// sigHash: MD5 or SHA-1 of the TBS for the two algorithms 3.3 digests, zero otherwise.
fn tbs_digest(cert_algorithm: i32, tbs: &[u8]) -> [u8; 20] {
    use md5::Digest as _;
    let mut out = [0u8; 20];
    let digest: Vec<u8> = match cert_algorithm {
        OID_MD5_RSA_SIG => md5::Md5::digest(tbs).to_vec(),
        OID_SHA1_RSA_SIG => ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, tbs)
            .as_ref()
            .to_vec(),
        _ => return out,
    };
    for (o, d) in out.iter_mut().zip(digest.iter()) {
        *o = *d;
    }
    out
}

fn parse_tbs(tbs: &mut Reader<'_>) -> DerResult<Certificate> {
    let version = match der::optional(tbs, der::CONTEXT | der::CONSTRUCTED)? {
        Some(v) => v.read_all(ERR, der::small_uint)?,
        None => 0,
    };
    if version > 2 {
        return Err(ERR);
    }
    let serial = der::expect(tbs, der::INTEGER)?.as_slice_less_safe();
    if serial.is_empty() {
        return Err(ERR);
    }
    let (cert_alg_oid, _) = der::algorithm_identifier(tbs)?;
    let issuer = parse_name(tbs)?;
    let (not_before, not_after) =
        der::nested(tbs, der::SEQUENCE, |v| Ok((parse_time(v)?, parse_time(v)?)))?;
    let subject = parse_name(tbs)?;
    let spki = parse_spki(tbs)?;
    let unique_issuer_id = unique_id(tbs, der::CONTEXT | 1)?;
    let unique_subject_id = unique_id(tbs, der::CONTEXT | 2)?;
    // RFC 5280 §4.1.2.8: unique identifiers only in v2 and v3 certificates.
    if version == 0 && (unique_issuer_id.is_some() || unique_subject_id.is_some()) {
        return Err(ERR);
    }

    let mut cert = Certificate {
        der: Vec::new(),
        version: version as i32,
        serial: serial.to_vec(),
        issuer,
        subject,
        time_type: i32::from(not_before.tag),
        not_before: not_before.text,
        not_after: not_after.text,
        not_before_unix: not_before.unix,
        not_after_unix: not_after.unix,
        public_key: spki.key,
        public_key_size: spki.size,
        pub_key_algorithm: spki.alg_sum,
        cert_algorithm: der::oid_sum(cert_alg_oid),
        sig_algorithm: 0,
        signature: Vec::new(),
        sig_hash: [0; 20],
        unique_issuer_id,
        unique_subject_id,
        ca: 0,
        path_len: 0,
        key_usage: None,
        san: Vec::new(),
        tbs_range: 0..0,
        sig_alg_id: Vec::new(),
        public_key_alg_id: spki.alg_id,
        public_key_bits: spki.bits,
    };
    if let Some(exts) = der::optional(tbs, der::CONTEXT | der::CONSTRUCTED | 3)? {
        // RFC 5280 §4.1.2.9: extensions only in v3. A "v1" certificate carrying, say,
        // basicConstraints CA:TRUE is malformed, not a legacy CA.
        if version != 2 {
            return Err(ERR);
        }
        exts.read_all(ERR, |r| parse_extensions(r, &mut cert))?;
    }
    Ok(cert)
}

/// issuerUniqueID / subjectUniqueID: [n] IMPLICIT BIT STRING, kept without the
/// unused-bits octet.
fn unique_id(tbs: &mut Reader<'_>, tag: u8) -> DerResult<Option<Vec<u8>>> {
    match der::optional(tbs, tag)? {
        None => Ok(None),
        Some(bits) => match bits.as_slice_less_safe().split_first() {
            Some((unused, rest)) if *unused < 8 => Ok(Some(rest.to_vec())),
            _ => Err(ERR),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Names

/// The DN member an `id-at` attribute OID fills, if it is one of the six MatrixSSL keeps.
fn attribute_slot<'d>(
    dn: &'d mut DistinguishedName,
    oid: &[u8],
) -> Option<&'d mut Option<DnAttribute>> {
    match oid {
        [a, b, id] if [*a, *b] == OID_ID_AT => match id {
            3 => Some(&mut dn.common_name),
            6 => Some(&mut dn.country),
            7 => Some(&mut dn.locality),
            8 => Some(&mut dn.state),
            10 => Some(&mut dn.organization),
            11 => Some(&mut dn.org_unit),
            _ => None,
        },
        _ => None,
    }
}

/// The string encodings 3.3 accepts in a DN (any other makes the certificate
/// unparseable); C-string-like ones must not hide a NUL.
fn check_dn_string(tag: u8, value: &[u8]) -> DerResult<()> {
    match tag {
        der::PRINTABLE_STRING | der::UTF8_STRING | der::IA5_STRING => {
            if value.contains(&0) {
                Err(ERR)
            } else {
                Ok(())
            }
        }
        der::T61_STRING | der::BMP_STRING => Ok(()),
        _ => Err(ERR),
    }
}

fn parse_name(r: &mut Reader<'_>) -> DerResult<DistinguishedName> {
    let (whole, contents) = der::expect_with_encoding(r, der::SEQUENCE)?;
    let mut dn = DistinguishedName {
        der: whole.as_slice_less_safe().to_vec(),
        ..Default::default()
    };
    let mut hash = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
    contents.read_all(ERR, |rdns| {
        while !rdns.at_end() {
            der::nested(rdns, der::SET, |set| {
                while !set.at_end() {
                    der::nested(set, der::SEQUENCE, |atv| {
                        let oid = der::expect(atv, der::OID)?;
                        let (tag, value) = der::read_tlv(atv)?;
                        let value = value.as_slice_less_safe();
                        check_dn_string(tag, value)?;
                        if let Some(slot) = attribute_slot(&mut dn, oid.as_slice_less_safe()) {
                            // Last occurrence wins; every occurrence feeds the hash.
                            *slot = Some(DnAttribute {
                                tag,
                                value: value.to_vec(),
                            });
                            hash.update(value);
                            hash.update(&[0, 0]);
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    for (out, byte) in dn.hash.iter_mut().zip(hash.finish().as_ref()) {
        *out = *byte;
    }
    Ok(dn)
}

// ---------------------------------------------------------------------------------------
// Validity

struct Time {
    tag: u8,
    text: String,
    unix: i64,
}

fn parse_time(r: &mut Reader<'_>) -> DerResult<Time> {
    let (tag, value) = der::read_tlv(r)?;
    let bytes = value.as_slice_less_safe();
    let unix = match tag {
        der::UTC_TIME => time_to_unix(bytes, false),
        der::GENERALIZED_TIME => time_to_unix(bytes, true),
        _ => None,
    }
    .ok_or(ERR)?;
    // time_to_unix accepted only ASCII digits, '.', ',', 'Z', '+', '-'.
    let text = String::from_utf8(bytes.to_vec()).map_err(|_| ERR)?;
    Ok(Time { tag, text, unix })
}

fn take_num(s: &[u8], n: usize) -> Option<(i64, &[u8])> {
    let digits = s.get(..n)?;
    let rest = s.get(n..)?;
    let mut v = 0i64;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(d - b'0');
    }
    Some((v, rest))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// UTCTime `YYMMDDHHMM[SS](Z|±hhmm)` (years 50..99 are 19xx) or GeneralizedTime
/// `YYYYMMDDHHMM[SS[.f+]](Z|±hhmm)` to Unix seconds; `None` if malformed.
fn time_to_unix(text: &[u8], generalized: bool) -> Option<i64> {
    let (year, rest) = if generalized {
        take_num(text, 4)?
    } else {
        let (yy, rest) = take_num(text, 2)?;
        (if yy >= 50 { 1900 + yy } else { 2000 + yy }, rest)
    };
    let (month, rest) = take_num(rest, 2)?;
    let (day, rest) = take_num(rest, 2)?;
    let (hour, rest) = take_num(rest, 2)?;
    let (minute, rest) = take_num(rest, 2)?;
    let (second, mut rest) = take_num(rest, 2).unwrap_or((0, rest));
    if let (true, Some((b'.' | b',', frac))) = (generalized, rest.split_first()) {
        let n = frac.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = frac.get(n..)?;
    }
    let offset = match rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (hh, t) = take_num(tail, 2)?;
            let (mm, t) = take_num(t, 2)?;
            if !t.is_empty() || hh > 23 || mm > 59 {
                return None;
            }
            let off = hh * 3600 + mm * 60;
            if *sign == b'+' { off } else { -off }
        }
        _ => return None,
    };
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > month_days || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

// ---------------------------------------------------------------------------------------
// Public key

struct Spki {
    key: PublicKey,
    size: u32,
    alg_sum: i32,
    alg_id: Vec<u8>,
    bits: Vec<u8>,
}

fn parse_spki(r: &mut Reader<'_>) -> DerResult<Spki> {
    der::nested(r, der::SEQUENCE, |spki| {
        let (oid, alg_id) = der::algorithm_identifier(spki)?;
        let bit_string = der::expect(spki, der::BIT_STRING)?;
        let (key, size, bits) = match oid {
            OID_RSA_ENCRYPTION => {
                let bits = der::bit_string_octets(bit_string)?;
                let key = parse_rsa_public_key(bits)?;
                let size = u32::try_from(key.modulus_len()).map_err(|_| ERR)?;
                (PublicKey::Rsa(key), size, bits)
            }
            OID_EC_PUBLIC_KEY => {
                let bits = der::bit_string_octets(bit_string)?;
                let curve_oid = match der::algorithm_parameters(alg_id)? {
                    Some((der::OID, curve)) if !curve.is_empty() => curve.as_slice_less_safe(),
                    // specifiedCurve / implicitCurve: legal but unsupported.
                    _ => return Err(PS_UNSUPPORTED_FAIL),
                };
                let size = ec_field_size(bits)?;
                let key = PublicKey::Ec {
                    curve_oid: curve_oid.to_vec(),
                    point: bits.to_vec(),
                };
                (key, size, bits)
            }
            super::dsa::OID_DSA => {
                // A DSA key we cannot use still leaves a parseable certificate (as before
                // DSA was supported): the handshake refuses it for lack of a usable key.
                let key = der::bit_string_octets(bit_string)
                    .ok()
                    .and_then(|bits| super::dsa::parse_public_key(alg_id, bits).ok());
                let bits = any_bit_string_octets(bit_string)?;
                match key {
                    Some(key) => {
                        let size = u32::try_from(key.p_len()).map_err(|_| ERR)?;
                        (PublicKey::Dsa(key), size, bits)
                    }
                    None => (PublicKey::Other, 0, bits),
                }
            }
            // Unknown algorithm: keep the octets whatever the unused-bit count.
            _ => (PublicKey::Other, 0, any_bit_string_octets(bit_string)?),
        };
        Ok(Spki {
            key,
            size,
            alg_sum: der::oid_sum(oid),
            alg_id: alg_id.to_vec(),
            bits: bits.to_vec(),
        })
    })
}

/// BIT STRING octets after the unused-bit count, whatever that count is.
fn any_bit_string_octets(bit_string: untrusted::Input<'_>) -> DerResult<&[u8]> {
    bit_string
        .as_slice_less_safe()
        .split_first()
        .map(|(_, rest)| rest)
        .ok_or(ERR)
}

/// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
pub(crate) fn parse_rsa_public_key(bits: &[u8]) -> DerResult<RsaPublicKey> {
    let (n, e) = der::read_all(bits, |r| {
        der::nested(r, der::SEQUENCE, |k| {
            Ok((der::unsigned_integer(k)?, der::unsigned_integer(k)?))
        })
    })?;
    RsaPublicKey::from_components(n, e).map_err(|_| ERR)
}

/// Field size in bytes from a SEC1 point: 04‖X‖Y or 02/03‖X.
fn ec_field_size(point: &[u8]) -> DerResult<u32> {
    let size = match point.split_first() {
        Some((4, xy)) if !xy.is_empty() && xy.len() % 2 == 0 => xy.len() / 2,
        Some((2 | 3, x)) if !x.is_empty() => x.len(),
        _ => return Err(ERR),
    };
    u32::try_from(size).map_err(|_| ERR)
}

// ---------------------------------------------------------------------------------------
// Extensions

fn parse_extensions(r: &mut Reader<'_>, cert: &mut Certificate) -> DerResult<()> {
    der::nested(r, der::SEQUENCE, |exts| {
        while !exts.at_end() {
            der::nested(exts, der::SEQUENCE, |ext| {
                let oid = der::expect(ext, der::OID)?.as_slice_less_safe();
                if der::optional(ext, der::BOOLEAN)?.is_some_and(|c| c.len() != 1) {
                    return Err(ERR);
                }
                let value = der::expect(ext, der::OCTET_STRING)?;
                match oid {
                    OID_BASIC_CONSTRAINTS => {
                        let (ca, path_len) = value.read_all(ERR, parse_basic_constraints)?;
                        cert.ca = ca;
                        cert.path_len = path_len;
                    }
                    OID_SUBJECT_ALT_NAME => cert.san = value.read_all(ERR, parse_san)?,
                    OID_KEY_USAGE => {
                        cert.key_usage = Some(value.read_all(ERR, parse_key_usage)?);
                    }
                    // Everything else is the verifier's business (webpki rejects unknown
                    // critical extensions); 3.3 ignored them at parse time.
                    _ => {}
                }
                Ok(())
            })?;
        }
        Ok(())
    })
}

/// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLen INTEGER OPTIONAL }
fn parse_basic_constraints(r: &mut Reader<'_>) -> DerResult<(i32, i32)> {
    der::nested(r, der::SEQUENCE, |bc| {
        let ca = match der::optional(bc, der::BOOLEAN)? {
            Some(b) => match b.as_slice_less_safe() {
                [octet] => i32::from(*octet),
                _ => return Err(ERR),
            },
            None => 0,
        };
        let path_len = if bc.at_end() {
            -1
        } else {
            i32::try_from(der::small_uint(bc)?).map_err(|_| ERR)?
        };
        Ok((ca, path_len))
    })
}

/// KeyUsage ::= BIT STRING: a valid unused-bit count (at most 7, 0 for an empty string);
/// named bits beyond the ninth (decipherOnly) do not exist and are ignored.
fn parse_key_usage(r: &mut Reader<'_>) -> DerResult<u16> {
    let bits = der::expect(r, der::BIT_STRING)?.as_slice_less_safe();
    match bits {
        [unused, rest @ ..] if *unused <= 7 && (*unused == 0 || !rest.is_empty()) => {
            let first = rest.first().copied().unwrap_or(0);
            let second = rest.get(1).copied().unwrap_or(0);
            Ok(u16::from_be_bytes([first, second]))
        }
        _ => Err(ERR),
    }
}

/// GeneralNames ::= SEQUENCE OF GeneralName (context tags [0]..[8]).
fn parse_san(r: &mut Reader<'_>) -> DerResult<Vec<GeneralName>> {
    der::nested(r, der::SEQUENCE, |names| {
        let mut out = Vec::new();
        while !names.at_end() {
            let (tag, data) = der::read_tlv(names)?;
            let id = tag & 0x1f;
            if tag & 0xc0 != der::CONTEXT || id > 8 {
                return Err(ERR);
            }
            out.push(GeneralName {
                id: i32::from(id),
                data: data.as_slice_less_safe().to_vec(),
            });
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::der::encode_tlv as tlv;
    use crate::test_fixtures::fixture;

    /// The certificate `tests/fixtures/unit/<name>.der`; the script that made them,
    /// tests/fixtures/make-pki-unit-fixtures.sh, says what each one is.
    fn fixture_der(name: &str) -> Vec<u8> {
        fixture(&format!("unit/{name}.der"))
    }

    fn sha1(data: &[u8]) -> [u8; 20] {
        let mut out = [0u8; 20];
        out.copy_from_slice(
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, data).as_ref(),
        );
        out
    }

    /// SHA-1 of the values each followed by two NULs (ABI.md §6.4).
    fn dn_hash(values: &[&[u8]]) -> [u8; 20] {
        let mut buf = Vec::new();
        for v in values {
            buf.extend_from_slice(v);
            buf.extend_from_slice(&[0, 0]);
        }
        sha1(&buf)
    }

    fn attr(a: &Option<DnAttribute>) -> Option<(u8, &[u8])> {
        a.as_ref().map(|a| (a.tag, a.value.as_slice()))
    }

    /// The line of `openssl x509 -noout -serial -modulus ...` about std-leaf that starts
    /// with `key` (recorded by the fixture script in std-leaf.openssl.txt).
    fn std_leaf_openssl_line(key: &str) -> String {
        let text = String::from_utf8(fixture("unit/std-leaf.openssl.txt")).unwrap();
        text.lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("no {key} line in std-leaf.openssl.txt"))
            .trim()
            .to_string()
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02X}")).collect()
    }

    #[test]
    fn std_leaf_fields_agree_with_openssl() {
        let leaf_der = fixture_der("std-leaf");
        let c = Certificate::from_der(&leaf_der).unwrap();

        assert_eq!(c.version, 2);
        let serial = std_leaf_openssl_line("serial=");
        assert_eq!(serial.strip_prefix("serial=").unwrap(), hex(&c.serial));
        assert_eq!(c.der, leaf_der);

        // Subject /C=US/ST=WA/O=matrixssl-rs test/CN=localhost
        assert_eq!(attr(&c.subject.country), Some((19, &b"US"[..])));
        assert_eq!(attr(&c.subject.state), Some((12, &b"WA"[..])));
        assert_eq!(
            attr(&c.subject.organization),
            Some((12, &b"matrixssl-rs test"[..]))
        );
        assert_eq!(attr(&c.subject.common_name), Some((12, &b"localhost"[..])));
        assert_eq!(c.subject.locality, None);
        assert_eq!(c.subject.org_unit, None);
        assert_eq!(
            c.subject.hash,
            dn_hash(&[b"US", b"WA", b"matrixssl-rs test", b"localhost"])
        );
        // Issuer is the intermediate's subject, byte for byte and by hash.
        let inter = Certificate::from_der(&fixture_der("std-inter")).unwrap();
        assert_eq!(c.issuer, inter.subject);
        assert_eq!(
            inter.issuer.hash,
            dn_hash(&[
                b"US",
                b"Washington",
                b"Seattle",
                b"matrixssl-rs test",
                b"PKI",
                b"Test Root CA"
            ])
        );

        // Validity: notBefore a UTCTime, 36500 days (`-days`), starting when the fixture
        // script ran.
        assert_eq!(c.time_type, 23);
        assert_eq!(c.not_before.len(), 13);
        assert!(c.not_before.ends_with('Z') && c.not_after.ends_with('Z'));
        assert_eq!(c.not_after_unix - c.not_before_unix, 36_500 * 86_400);
        let made = fixture("unit/generated-at.txt");
        let made: i64 = std::str::from_utf8(&made).unwrap().trim().parse().unwrap();
        assert!((c.not_before_unix - made).abs() < 3600);

        // Key and algorithms.
        assert_eq!(c.pub_key_algorithm, 645);
        assert_eq!(c.cert_algorithm, 655);
        assert_eq!(c.sig_algorithm, 655);
        assert_eq!(c.public_key_size, 256);
        let PublicKey::Rsa(rsa) = &c.public_key else {
            panic!("not RSA")
        };
        let modulus = std_leaf_openssl_line("Modulus=");
        assert_eq!(
            modulus.strip_prefix("Modulus=").unwrap(),
            hex(&rsa.modulus_be())
        );
        assert_eq!(rsa.exponent_be(), vec![1, 0, 1]);
        assert_eq!(c.sig_hash, [0; 20]);
        assert_eq!(c.signature.len(), 256);
        assert!(c.der.ends_with(&c.signature));
        assert_eq!(c.tbs_der().first(), Some(&0x30));
        assert!(c.der.len() > c.tbs_der().len() + 256);

        // Extensions.
        assert_eq!((c.ca, c.path_len), (0, -1));
        assert_eq!((inter.ca, inter.path_len), (255, -1));
        let san: Vec<(i32, &[u8])> = c.san.iter().map(|g| (g.id, g.data.as_slice())).collect();
        assert_eq!(
            san,
            vec![
                (2, &b"localhost"[..]),
                (7, &[127, 0, 0, 1][..]),
                (1, &b"pki@test.example"[..]),
                (6, &b"https://test.example/"[..]),
            ]
        );
        assert_eq!(c.unique_issuer_id, None);
        assert_eq!(c.unique_subject_id, None);
    }

    /// The DigestInfo inside certificate `name`'s RSA signature, recovered by openssl with
    /// the issuer's key when the fixtures were made.
    fn recovered_digest(name: &str) -> Vec<u8> {
        fixture(&format!("unit/{name}.sig-digestinfo.bin"))
    }

    #[test]
    fn sig_hash_for_sha1_and_md5() {
        let c = Certificate::from_der(&fixture_der("legacy-leaf")).unwrap();
        assert_eq!(c.cert_algorithm, OID_SHA1_RSA_SIG);
        let di = recovered_digest("legacy-leaf");
        assert!(di.ends_with(&c.sig_hash));

        let c = Certificate::from_der(&fixture_der("md5-leaf")).unwrap();
        assert_eq!(
            (c.cert_algorithm, c.sig_algorithm),
            (OID_MD5_RSA_SIG, OID_MD5_RSA_SIG)
        );
        let di = recovered_digest("md5-leaf");
        assert!(di.ends_with(&c.sig_hash[..16]));
        assert_eq!(c.sig_hash[16..], [0; 4]);
    }

    #[test]
    fn ec_and_other_key_types() {
        let c = Certificate::from_der(&fixture_der("ec-p256-root")).unwrap();
        assert_eq!(c.pub_key_algorithm, 518);
        assert_eq!(c.cert_algorithm, 524);
        assert_eq!(c.public_key_size, 32);
        match &c.public_key {
            PublicKey::Ec { curve_oid, point } => {
                assert_eq!(curve_oid, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
                assert_eq!(point.len(), 65);
                assert_eq!(point.first(), Some(&4));
            }
            other => panic!("{other:?}"),
        }
        let c = Certificate::from_der(&fixture_der("ed25519-self-signed")).unwrap();
        assert!(matches!(c.public_key, PublicKey::Other));
        assert_eq!(c.pub_key_algorithm, 0x2b + 0x65 + 0x70);
        assert_eq!(c.public_key_bits.len(), 32);
    }

    // ---- hand-built certificates for the corners openssl does not produce ----------

    const SHA256_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 0x0b];

    fn alg(oid: &[u8]) -> Vec<u8> {
        tlv(0x30, &[tlv(6, oid), vec![5, 0]].concat())
    }

    fn name(attrs: &[(&[u8], u8, &[u8])]) -> Vec<u8> {
        let rdns: Vec<u8> = attrs
            .iter()
            .flat_map(|(oid, tag, value)| {
                tlv(0x31, &tlv(0x30, &[tlv(6, oid), tlv(*tag, value)].concat()))
            })
            .collect();
        tlv(0x30, &rdns)
    }

    fn at(id: u8) -> Vec<u8> {
        vec![0x55, 0x04, id]
    }

    struct Spec {
        version: Option<u8>,
        issuer: Vec<u8>,
        subject: Vec<u8>,
        validity: Vec<u8>,
        spki: Vec<u8>,
        uids: Vec<u8>,
        exts: Option<Vec<u8>>,
        tbs_alg: Vec<u8>,
        outer_alg: Vec<u8>,
    }

    fn std_spki() -> Vec<u8> {
        let leaf = Certificate::from_der(&fixture_der("std-leaf")).unwrap();
        let bits = [&[0u8][..], &leaf.public_key_bits].concat();
        tlv(
            0x30,
            &[tlv(0x30, &leaf.public_key_alg_id), tlv(3, &bits)].concat(),
        )
    }

    fn spec() -> Spec {
        Spec {
            version: Some(2),
            issuer: name(&[(&at(3), 19, b"Issuer")]),
            subject: name(&[(&at(3), 19, b"Subject")]),
            validity: tlv(
                0x30,
                &[tlv(23, b"200102030405Z"), tlv(24, b"20550101000000Z")].concat(),
            ),
            spki: std_spki(),
            uids: Vec::new(),
            exts: None,
            tbs_alg: alg(SHA256_RSA),
            outer_alg: alg(SHA256_RSA),
        }
    }

    fn build(s: &Spec) -> Vec<u8> {
        let mut tbs = Vec::new();
        if let Some(v) = s.version {
            tbs.extend(tlv(0xa0, &tlv(2, &[v])));
        }
        tbs.extend(tlv(2, &[0x00, 0x9a, 0x01]));
        tbs.extend(&s.tbs_alg);
        tbs.extend(&s.issuer);
        tbs.extend(&s.validity);
        tbs.extend(&s.subject);
        tbs.extend(&s.spki);
        tbs.extend(&s.uids);
        if let Some(e) = &s.exts {
            tbs.extend(tlv(0xa3, &tlv(0x30, e)));
        }
        let sig = [&[0u8][..], &[0x5a; 64]].concat();
        tlv(
            0x30,
            &[tlv(0x30, &tbs), s.outer_alg.clone(), tlv(3, &sig)].concat(),
        )
    }

    fn ext(oid: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
        let crit = if critical {
            tlv(1, &[0xff])
        } else {
            Vec::new()
        };
        tlv(0x30, &[tlv(6, oid), crit, tlv(4, value)].concat())
    }

    #[test]
    fn handbuilt_baseline() {
        let c = Certificate::from_der(&build(&spec())).unwrap();
        assert_eq!(c.version, 2);
        assert_eq!(c.serial, vec![0x00, 0x9a, 0x01]);
        assert_eq!(c.time_type, 23);
        assert_eq!(c.not_before, "200102030405Z");
        assert_eq!(c.not_before_unix, 1_577_934_245);
        assert_eq!(c.not_after, "20550101000000Z");
        assert_eq!(c.not_after_unix, 2_682_374_400);
        assert_eq!((c.ca, c.path_len), (0, 0));
        assert!(c.san.is_empty());
        assert_eq!(c.signature, vec![0x5a; 64]);
        assert_eq!(c.subject.hash, dn_hash(&[b"Subject"]));
        assert_eq!(c.issuer.der, name(&[(&at(3), 19, b"Issuer")]));
    }

    #[test]
    fn key_usage_bits() {
        let ku = |bits: &[u8]| {
            let mut s = spec();
            s.exts = Some(ext(&[0x55, 0x1d, 0x0f], true, &tlv(3, bits)));
            Certificate::from_der(&build(&s)).map(|c| c.key_usage)
        };
        assert_eq!(
            Certificate::from_der(&build(&spec())).unwrap().key_usage,
            None
        );
        // digitalSignature | keyEncipherment (5 unused bits), keyCertSign | cRLSign.
        assert_eq!(
            ku(&[5, 0xa0]),
            Ok(Some(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT))
        );
        assert_eq!(ku(&[1, 0x06]), Ok(Some(KU_KEY_CERT_SIGN | 0x0200)));
        // decipherOnly is bit 8: the second octet.
        assert_eq!(ku(&[7, 0x80, 0x80]), Ok(Some(0x8080)));
        // No bits at all: present, allowing nothing.
        assert_eq!(ku(&[0]), Ok(Some(0)));
        // Not a BIT STRING: unused-bit count over 7, unused bits without octets, empty.
        assert_eq!(ku(&[8, 0x80]), Err(PS_PARSE_FAIL));
        assert_eq!(ku(&[3]), Err(PS_PARSE_FAIL));
        assert_eq!(ku(&[]), Err(PS_PARSE_FAIL));
    }

    #[test]
    fn v1_certificate_and_generalized_not_before() {
        let mut s = spec();
        s.version = None;
        s.validity = tlv(
            0x30,
            &[tlv(24, b"19991231235959Z"), tlv(23, b"491231235959Z")].concat(),
        );
        let c = Certificate::from_der(&build(&s)).unwrap();
        assert_eq!(c.version, 0);
        assert_eq!(c.time_type, 24);
        assert_eq!(c.not_before_unix, 946_684_799);
        assert_eq!(c.not_after_unix, 2_524_607_999);
        s.version = Some(3);
        assert_eq!(Certificate::from_der(&build(&s)).err(), Some(PS_PARSE_FAIL));
        // Extensions (here a CA:TRUE basicConstraints) or unique identifiers in a v1
        // certificate (version absent) or a v2 one (extensions) are malformed.
        let bc = tlv(0x30, &tlv(1, &[0xff]));
        for version in [None, Some(1)] {
            let mut ca = spec();
            ca.version = version;
            ca.exts = Some(ext(&[0x55, 0x1d, 0x13], true, &bc));
            assert_eq!(
                Certificate::from_der(&build(&ca)).err(),
                Some(PS_PARSE_FAIL)
            );
        }
        let mut uids = spec();
        uids.version = None;
        uids.uids = tlv(0x81, &[0, 0xaa]);
        assert_eq!(
            Certificate::from_der(&build(&uids)).err(),
            Some(PS_PARSE_FAIL)
        );
        uids.version = Some(1);
        assert_eq!(Certificate::from_der(&build(&uids)).unwrap().version, 1);
    }

    #[test]
    fn dn_attributes_last_wins_skips_and_hash_order() {
        let email = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01];
        let bmp_ou: &[u8] = &[0, b'O', 0, b'U', 0, 0]; // BMPString with a U+0000
        let mut s = spec();
        // A multi-valued RDN (O + L), a repeated CN, an ignored emailAddress and serialNumber.
        let multi = tlv(
            0x31,
            &[
                tlv(0x30, &[tlv(6, &at(10)), tlv(20, b"T61 Org")].concat()),
                tlv(0x30, &[tlv(6, &at(7)), tlv(22, b"Town")].concat()),
            ]
            .concat(),
        );
        let single = |oid: &[u8], tag: u8, v: &[u8]| {
            tlv(0x31, &tlv(0x30, &[tlv(6, oid), tlv(tag, v)].concat()))
        };
        let rdns = [
            single(&at(6), 19, b"CA"),
            single(&at(3), 12, b"first"),
            multi,
            single(&email, 22, b"a@b.example"),
            single(&at(5), 19, b"1234"),
            single(&at(11), 30, bmp_ou),
            single(&at(8), 12, b"Qu\xc3\xa9bec"),
            single(&at(3), 12, b"second"),
        ]
        .concat();
        s.subject = tlv(0x30, &rdns);
        let c = Certificate::from_der(&build(&s)).unwrap();
        let dn = &c.subject;
        assert_eq!(attr(&dn.country), Some((19, &b"CA"[..])));
        assert_eq!(attr(&dn.common_name), Some((12, &b"second"[..])));
        assert_eq!(attr(&dn.organization), Some((20, &b"T61 Org"[..])));
        assert_eq!(attr(&dn.locality), Some((22, &b"Town"[..])));
        assert_eq!(attr(&dn.org_unit), Some((30, bmp_ou)));
        assert_eq!(attr(&dn.state), Some((12, &b"Qu\xc3\xa9bec"[..])));
        assert_eq!(
            dn.hash,
            dn_hash(&[
                b"CA",
                b"first",
                b"T61 Org",
                b"Town",
                bmp_ou,
                b"Qu\xc3\xa9bec",
                b"second"
            ])
        );
        assert_eq!(dn.der, s.subject);
    }

    #[test]
    fn dn_string_rules() {
        for (tag, value, ok) in [
            (19u8, &b"a\0b"[..], false),
            (12, b"a\0b", false),
            (22, b"a\0b", false),
            (20, b"a\0b", true),
            (30, b"\0a", true),
            (26, b"visible", false),
            (28, b"\0\0\0a", false),
        ] {
            let mut s = spec();
            s.issuer = name(&[(&at(3), tag, value)]);
            let got = Certificate::from_der(&build(&s));
            assert_eq!(got.is_ok(), ok, "tag {tag}");
            // The rule applies to skipped attribute types too.
            s.issuer = name(&[(&at(5), tag, value)]);
            assert_eq!(
                Certificate::from_der(&build(&s)).is_ok(),
                ok,
                "skipped tag {tag}"
            );
        }
        // An empty Name is fine (hash of nothing).
        let mut s = spec();
        s.subject = tlv(0x30, &[]);
        let c = Certificate::from_der(&build(&s)).unwrap();
        assert_eq!(c.subject.hash, sha1(b""));
    }

    #[test]
    fn unique_ids_basic_constraints_and_long_san() {
        let mut s = spec();
        s.uids = [tlv(0x81, &[0, 0xaa, 0xbb]), tlv(0x82, &[4, 0xcc, 0xd0])].concat();
        let long_dns = vec![b'x'; 200];
        let san = tlv(
            0x30,
            &[
                tlv(0x82, &long_dns),
                tlv(
                    0xa0,
                    &[tlv(6, &[0x2b, 6, 1]), tlv(0xa0, &tlv(12, b"o"))].concat(),
                ),
                tlv(0xa4, &name(&[(&at(3), 19, b"dir")])),
                tlv(0x88, &[0x2b, 6, 1]),
            ]
            .concat(),
        );
        let bc = tlv(0x30, &[tlv(1, &[0xff]), tlv(2, &[3])].concat());
        s.exts = Some(
            [
                ext(&[0x55, 0x1d, 0x0f], true, &tlv(3, &[7, 0x80])), // keyUsage, ignored
                ext(&[0x55, 0x1d, 0x13], true, &bc),
                ext(&[0x55, 0x1d, 0x11], false, &san),
            ]
            .concat(),
        );
        let c = Certificate::from_der(&build(&s)).unwrap();
        assert_eq!(c.unique_issuer_id, Some(vec![0xaa, 0xbb]));
        assert_eq!(c.unique_subject_id, Some(vec![0xcc, 0xd0]));
        assert_eq!((c.ca, c.path_len), (255, 3));
        let ids: Vec<i32> = c.san.iter().map(|g| g.id).collect();
        assert_eq!(ids, vec![2, 0, 4, 8]);
        assert_eq!(c.san[0].data, long_dns);
        assert_eq!(c.san[2].data, name(&[(&at(3), 19, b"dir")]));

        // cA with a non-canonical TRUE octet is kept raw; an empty BC gives (0, -1).
        let mut s = spec();
        let odd = tlv(0x30, &tlv(1, &[0x01]));
        s.exts = Some(ext(&[0x55, 0x1d, 0x13], false, &odd));
        let c = Certificate::from_der(&build(&s)).unwrap();
        assert_eq!((c.ca, c.path_len), (1, -1));
        s.exts = Some(ext(&[0x55, 0x1d, 0x13], false, &tlv(0x30, &[])));
        let c = Certificate::from_der(&build(&s)).unwrap();
        assert_eq!((c.ca, c.path_len), (0, -1));
    }

    #[test]
    fn malformed_extensions_fail() {
        let bad = [
            ext(
                &[0x55, 0x1d, 0x13],
                false,
                &tlv(0x30, &tlv(1, &[0xff, 0xff])),
            ),
            ext(&[0x55, 0x1d, 0x13], false, &tlv(0x30, &tlv(2, &[0x80]))),
            ext(
                &[0x55, 0x1d, 0x11],
                false,
                &tlv(0x30, &tlv(0x0c, b"universal")),
            ),
            ext(&[0x55, 0x1d, 0x11], false, &tlv(0x30, &tlv(0x89, b"tag 9"))),
            ext(
                &[0x55, 0x1d, 0x11],
                false,
                &[tlv(0x30, &[]), vec![0]].concat(),
            ),
            tlv(0x30, &[tlv(6, &[0x55, 0x1d, 0x20]), tlv(1, &[])].concat()),
        ];
        for (i, e) in bad.iter().enumerate() {
            let mut s = spec();
            s.exts = Some(e.clone());
            assert_eq!(
                Certificate::from_der(&build(&s)).err(),
                Some(PS_PARSE_FAIL),
                "case {i}"
            );
        }
    }

    #[test]
    fn algorithm_sums_must_agree_and_keys_must_parse() {
        let mut s = spec();
        s.outer_alg = alg(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 5]);
        assert_eq!(Certificate::from_der(&build(&s)).err(), Some(PS_PARSE_FAIL));
        // Same sum, different OID: accepted like the reference (webpki will refuse it).
        let mut s = spec();
        s.outer_alg = alg(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 0x0b, 1]);
        assert!(Certificate::from_der(&build(&s)).is_ok());
        // EC key with explicit curve parameters: unsupported.
        let mut s = spec();
        let ec_alg = tlv(
            0x30,
            &[
                tlv(6, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 2, 1]),
                tlv(0x30, &tlv(2, &[1])),
            ]
            .concat(),
        );
        let point = [&[0u8, 4][..], &[1; 64]].concat();
        s.spki = tlv(0x30, &[ec_alg, tlv(3, &point)].concat());
        assert_eq!(
            Certificate::from_der(&build(&s)).err(),
            Some(PS_UNSUPPORTED_FAIL)
        );
        // A garbage RSA key.
        let mut s = spec();
        let rsa_alg = alg(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 1]);
        s.spki = tlv(0x30, &[rsa_alg, tlv(3, &[0, 0x30, 0x03, 2, 1, 1])].concat());
        assert_eq!(Certificate::from_der(&build(&s)).err(), Some(PS_PARSE_FAIL));
    }

    #[test]
    fn bad_times_fail() {
        for (tag, text) in [
            (23u8, &b"200230000000Z"[..]),
            (23, b"2001020304Z0"),
            (23, b"200102030405"),
            (24, b"20200102030405.Z"),
            (23, b"20010203040\x00Z"),
            (25, b"200102030405Z"),
        ] {
            let mut s = spec();
            s.validity = tlv(0x30, &[tlv(tag, text), tlv(23, b"300101000000Z")].concat());
            assert_eq!(
                Certificate::from_der(&build(&s)).err(),
                Some(PS_PARSE_FAIL),
                "{text:?}"
            );
        }
    }

    #[test]
    fn time_formats() {
        let t = |s: &str, g| time_to_unix(s.as_bytes(), g);
        assert_eq!(t("700101000000Z", false), Some(0));
        assert_eq!(t("7001010000Z", false), Some(0));
        assert_eq!(t("500101000000Z", false), Some(-631_152_000));
        assert_eq!(t("000229120000Z", false), Some(951_825_600));
        assert_eq!(t("010229120000Z", false), None);
        assert_eq!(t("700101010000+0100", false), Some(0));
        assert_eq!(t("691231230000-0100", false), Some(0));
        assert_eq!(t("20000229120000.123Z", true), Some(951_825_600));
        assert_eq!(t("21000229120000Z", true), None);
        assert_eq!(t("700101240000Z", false), None);
        assert_eq!(t("700101000000", false), None);
        assert_eq!(t("", false), None);
    }

    #[test]
    fn framing_errors_and_no_panics() {
        let der = fixture_der("std-leaf");
        let mut trailing = der.clone();
        trailing.push(0);
        assert_eq!(Certificate::from_der(&trailing).err(), Some(PS_PARSE_FAIL));
        for len in 0..der.len() {
            assert!(Certificate::from_der(&der[..len]).is_err(), "prefix {len}");
        }
        // Single-byte corruptions anywhere: any result is fine, panicking is not.
        for i in 0..der.len() {
            for x in [0x01u8, 0x80, 0xff] {
                let mut d = der.clone();
                d[i] ^= x;
                let _ = Certificate::from_der(&d);
            }
        }
    }

    #[test]
    fn der_chains() {
        let inter_der = fixture_der("std-inter");
        let buf = [fixture_der("std-leaf"), inter_der.clone()].concat();
        let chain = parse_der_chain(&buf).unwrap();
        assert_eq!(chain.len(), 2);
        assert_eq!(chain[1].der, inter_der);
        assert_eq!(parse_der_chain(&fixture_der("std-root")).unwrap().len(), 1);
        assert_eq!(parse_der_chain(&[]).err(), Some(PS_PARSE_FAIL));
        assert_eq!(
            parse_der_chain(&buf[..buf.len() - 1]).err(),
            Some(PS_PARSE_FAIL)
        );
        assert_eq!(
            parse_der_chain(&[&buf[..], &[0, 0]].concat()).err(),
            Some(PS_PARSE_FAIL)
        );
        assert_eq!(
            parse_der_chain(&fixture("unit/std-leaf.pem")).err(),
            Some(PS_PARSE_FAIL)
        );
    }
}
