//! An X.509 certificate parsed once into everything the library and the C view
//! (`psX509Cert_t`, ABI.md §6.3) need. Parsing: `Certificate::from_der`.

use crate::crypto::rsa::RsaPublicKey;

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
    Ec { curve_oid: Vec<u8>, point: Vec<u8> },
    /// Any other algorithm: kept so the certificate can still be shown to callbacks.
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
    /// Public key size in bytes (RSA modulus length; EC field size).
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
    pub san: Vec<GeneralName>,
}
