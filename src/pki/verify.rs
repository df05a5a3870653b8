//! Certificate chain verification (ABI.md §3.6.2–3.6.3, §7.10, decision D9).
//!
//! Trust is decided by webpki (path building, validity dates, basic constraints, EKU,
//! name constraints). Alongside it runs the 3.3 link walk (chain[i] issued by
//! chain[i+1], the top by a loaded CA: DN hash, cA flag, signature), which gives each
//! certificate the `authStatus` callbacks see and keeps 3.3's choice between
//! bad_certificate and unknown_ca. When both fail, the walk's alert wins: a date or
//! usage alert must never hide an untrusted chain from a callback that tolerates, say,
//! expired certificates.
//!
//! X.509 v1 certificates (D9a) have no extensions, and webpki reads v3 only: a v1 trust
//! anchor goes through webpki's v1 anchor reader, and a chain whose leaf is v1 is checked
//! by the link walk plus dates and path lengths ([`verify_v1_leaf`]). A v1 certificate is
//! never an intermediate: it cannot say CA:TRUE.
//!
//! The peer's leaf key is checked separately ([`peer_key_alert`]): key size and keyUsage.

use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::{
    AlgorithmIdentifier, CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime,
    alg_id,
};

use super::certificate::{Certificate, KU_DIGITAL_SIGNATURE, KU_KEY_ENCIPHERMENT, PublicKey};
use crate::error::{
    PS_CERT_AUTH_FAIL_BC, PS_CERT_AUTH_FAIL_DN, PS_CERT_AUTH_FAIL_SIG, PS_CERT_AUTH_PASS, alert,
};

/// Outcome of [`verify_chain`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainVerdict {
    /// 0 when the chain is valid, else the alert description for the certificate
    /// callback (and the fatal alert when there is no callback).
    pub alert: u8,
    /// `authStatus` per chain certificate: `PS_CERT_AUTH_PASS` (1) for links that
    /// validated, a `PS_CERT_AUTH_FAIL_*` code (−32 BC, −33 DN, −34 SIG) at the first
    /// failing link, 0 beyond it.
    pub statuses: Vec<i32>,
}

/// What the verified certificate is for (its extended key usage, when it has one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    /// A server's certificate, verified by a client.
    Server,
    /// A client's certificate, verified by a server.
    Client,
}

// ---------------------------------------------------------------------------------------
// Signature algorithms

#[cfg(not(feature = "strict-cert-algorithms"))]
mod legacy {
    use super::*;
    use ring::signature as sig;
    use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, alg_id};

    /// RSA PKCS#1 v1.5 with keys from 1024 bits (ring's legacy verifiers): MatrixSSL-era PKIs
    /// are full of SHA-1 and 1024-bit chains (D9 accepts them unless `strict-cert-algorithms`).
    #[derive(Debug)]
    pub(super) struct LegacyRsa {
        signature_alg_id: AlgorithmIdentifier,
        verification: &'static dyn ring::signature::VerificationAlgorithm,
    }

    impl SignatureVerificationAlgorithm for LegacyRsa {
        fn verify_signature(
            &self,
            public_key: &[u8],
            message: &[u8],
            signature: &[u8],
        ) -> Result<(), InvalidSignature> {
            ring::signature::UnparsedPublicKey::new(self.verification, public_key)
                .verify(message, signature)
                .map_err(|_| InvalidSignature)
        }

        fn public_key_alg_id(&self) -> AlgorithmIdentifier {
            alg_id::RSA_ENCRYPTION
        }

        fn signature_alg_id(&self) -> AlgorithmIdentifier {
            self.signature_alg_id
        }
    }

    /// AlgorithmIdentifier contents: OID sha1WithRSAEncryption, NULL parameters.
    const RSA_PKCS1_SHA1: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00,
    ]);
    /// The same with the parameters omitted (seen from some encoders).
    const RSA_PKCS1_SHA1_ABSENT_PARAMS: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05,
    ]);
    const RSA_PKCS1_SHA256_ABSENT_PARAMS: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
    ]);
    const RSA_PKCS1_SHA512_ABSENT_PARAMS: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d,
    ]);

    pub(super) static RSA_SHA1: LegacyRsa = LegacyRsa {
        signature_alg_id: RSA_PKCS1_SHA1,
        verification: &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
    };
    pub(super) static RSA_SHA1_ABSENT: LegacyRsa = LegacyRsa {
        signature_alg_id: RSA_PKCS1_SHA1_ABSENT_PARAMS,
        verification: &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
    };
    pub(super) static RSA_SHA256: LegacyRsa = LegacyRsa {
        signature_alg_id: alg_id::RSA_PKCS1_SHA256,
        verification: &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
    };
    pub(super) static RSA_SHA256_ABSENT: LegacyRsa = LegacyRsa {
        signature_alg_id: RSA_PKCS1_SHA256_ABSENT_PARAMS,
        verification: &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
    };
    pub(super) static RSA_SHA512: LegacyRsa = LegacyRsa {
        signature_alg_id: alg_id::RSA_PKCS1_SHA512,
        verification: &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
    };
    pub(super) static RSA_SHA512_ABSENT: LegacyRsa = LegacyRsa {
        signature_alg_id: RSA_PKCS1_SHA512_ABSENT_PARAMS,
        verification: &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
    };

    /// ecdsa-with-SHA1 (D9 accepts SHA-1 ECDSA chains unless `strict-cert-algorithms`).
    /// ring has no ECDSA over SHA-1: the RustCrypto verifier of `sign` does it.
    #[derive(Debug)]
    pub(super) struct LegacyEcdsaSha1 {
        public_key_alg_id: AlgorithmIdentifier,
        curve: crate::pki::Curve,
    }

    impl SignatureVerificationAlgorithm for LegacyEcdsaSha1 {
        fn verify_signature(
            &self,
            public_key: &[u8],
            message: &[u8],
            signature: &[u8],
        ) -> Result<(), InvalidSignature> {
            crate::pki::sign::ecdsa_verify(
                self.curve,
                public_key,
                crate::crypto::hash::HashAlgorithm::Sha1,
                message,
                signature,
            )
            .map_err(|()| InvalidSignature)
        }

        fn public_key_alg_id(&self) -> AlgorithmIdentifier {
            self.public_key_alg_id
        }

        fn signature_alg_id(&self) -> AlgorithmIdentifier {
            ECDSA_SHA1_ALG
        }
    }

    /// AlgorithmIdentifier contents: OID ecdsa-with-SHA1 (1.2.840.10045.4.1), no parameters.
    const ECDSA_SHA1_ALG: AlgorithmIdentifier =
        AlgorithmIdentifier::from_slice(&[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01]);

    pub(super) static ECDSA_P256_SHA1: LegacyEcdsaSha1 = LegacyEcdsaSha1 {
        public_key_alg_id: alg_id::ECDSA_P256,
        curve: crate::pki::Curve::P256,
    };
    pub(super) static ECDSA_P384_SHA1: LegacyEcdsaSha1 = LegacyEcdsaSha1 {
        public_key_alg_id: alg_id::ECDSA_P384,
        curve: crate::pki::Curve::P384,
    };
}

/// md5WithRSAEncryption, for fleets whose certificates cannot be re-issued (D9a, feature
/// `md5-cert-signatures`; MD5 collisions are practical, so the feature is off by default).
/// ring has no MD5: the PKCS#1 v1.5 check of `sign` does it, with keys of 1024 bits and up
/// like the other legacy RSA verifiers.
#[cfg(feature = "md5-cert-signatures")]
mod md5 {
    use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, alg_id};

    #[derive(Debug)]
    pub(super) struct RsaMd5 {
        pub(super) signature_alg_id: AlgorithmIdentifier,
    }

    impl super::SignatureVerificationAlgorithm for RsaMd5 {
        fn verify_signature(
            &self,
            public_key: &[u8],
            message: &[u8],
            signature: &[u8],
        ) -> Result<(), InvalidSignature> {
            let key = crate::pki::certificate::parse_rsa_public_key(public_key)
                .map_err(|_| InvalidSignature)?;
            if !key.is_strong_enough_for_peer() {
                return Err(InvalidSignature);
            }
            crate::pki::sign::rsa_pkcs1_md5_verify(&key, message, signature)
                .map_err(|()| InvalidSignature)
        }

        fn public_key_alg_id(&self) -> AlgorithmIdentifier {
            alg_id::RSA_ENCRYPTION
        }

        fn signature_alg_id(&self) -> AlgorithmIdentifier {
            self.signature_alg_id
        }
    }

    /// AlgorithmIdentifier contents: OID md5WithRSAEncryption (1.2.840.113549.1.1.4), NULL.
    pub(super) static RSA_MD5: RsaMd5 = RsaMd5 {
        signature_alg_id: AlgorithmIdentifier::from_slice(&[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04, 0x05, 0x00,
        ]),
    };
    /// The same with the parameters omitted.
    pub(super) static RSA_MD5_ABSENT: RsaMd5 = RsaMd5 {
        signature_alg_id: AlgorithmIdentifier::from_slice(&[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04,
        ]),
    };
}

/// Algorithms accepted in certificate signatures. The legacy verifiers come first
/// because webpki (like `signature_ok`) uses the first algorithm matching both the
/// signature and the key algorithm identifiers. ECDSA with SHA-1 (RustCrypto, ring has
/// none) is legacy like RSA with SHA-1; MD2 is never accepted, MD5 only with the feature
/// `md5-cert-signatures` (D9, D9a).
pub fn supported_algorithms() -> &'static [&'static dyn SignatureVerificationAlgorithm] {
    #[cfg(feature = "md5-cert-signatures")]
    {
        use std::sync::OnceLock;
        static WITH_MD5: OnceLock<Vec<&'static dyn SignatureVerificationAlgorithm>> =
            OnceLock::new();
        WITH_MD5.get_or_init(|| {
            let mut algs = base_algorithms().to_vec();
            algs.push(&md5::RSA_MD5);
            algs.push(&md5::RSA_MD5_ABSENT);
            algs
        })
    }
    #[cfg(not(feature = "md5-cert-signatures"))]
    base_algorithms()
}

/// [`supported_algorithms`] without MD5.
fn base_algorithms() -> &'static [&'static dyn SignatureVerificationAlgorithm] {
    use webpki::ring as w;
    #[cfg(not(feature = "strict-cert-algorithms"))]
    static ALGS: &[&dyn SignatureVerificationAlgorithm] = &[
        &legacy::RSA_SHA1,
        &legacy::RSA_SHA1_ABSENT,
        &legacy::RSA_SHA256,
        &legacy::RSA_SHA256_ABSENT,
        &legacy::RSA_SHA512,
        &legacy::RSA_SHA512_ABSENT,
        &legacy::ECDSA_P256_SHA1,
        &legacy::ECDSA_P384_SHA1,
        w::RSA_PKCS1_2048_8192_SHA384,
        w::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
        w::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        w::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        w::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        w::ECDSA_P256_SHA256,
        w::ECDSA_P256_SHA384,
        w::ECDSA_P384_SHA256,
        w::ECDSA_P384_SHA384,
        w::ED25519,
    ];
    #[cfg(feature = "strict-cert-algorithms")]
    static ALGS: &[&dyn SignatureVerificationAlgorithm] = &[
        w::RSA_PKCS1_2048_8192_SHA256,
        w::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
        w::RSA_PKCS1_2048_8192_SHA384,
        w::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
        w::RSA_PKCS1_2048_8192_SHA512,
        w::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
        w::RSA_PKCS1_3072_8192_SHA384,
        w::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        w::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        w::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        w::ECDSA_P256_SHA256,
        w::ECDSA_P256_SHA384,
        w::ECDSA_P384_SHA256,
        w::ECDSA_P384_SHA384,
        w::ED25519,
    ];
    ALGS
}

/// Whether `issuer`'s key verifies `cert`'s signature with one of the supported
/// algorithms (the same selection rule as webpki). Used by the link walk and by the
/// loaders' chain check.
pub fn signature_ok(cert: &Certificate, issuer: &Certificate) -> bool {
    supported_algorithms()
        .iter()
        .find(|alg| {
            alg.signature_alg_id().as_ref() == cert.sig_alg_id.as_slice()
                && alg.public_key_alg_id().as_ref() == issuer.public_key_alg_id.as_slice()
        })
        .is_some_and(|alg| {
            alg.verify_signature(&issuer.public_key_bits, cert.tbs_der(), &cert.signature)
                .is_ok()
        })
}

/// How a certificate's signatureAlgorithm names a TLS signature scheme.
enum CertSignatureId {
    /// By the algorithm OID (DER contents) alone: parameters NULL or absent alike, and an
    /// ECDSA scheme's curve is not checked (the certificate does not say it; OpenSSL
    /// matches certificate signatures the same way).
    Oid(&'static [u8]),
    /// By the whole AlgorithmIdentifier contents: RSASSA-PSS carries its hash in the
    /// parameters.
    Whole(AlgorithmIdentifier),
}

/// TLS signature schemes (RFC 8446 §4.2.3) as they appear in certificate signatures, in
/// the order we list them to a peer. PSS signatures are the rsae ones: webpki accepts
/// them only from an rsaEncryption issuer key (the `_LEGACY_KEY` verifiers). MD5 (D9a)
/// has no TLS 1.3 scheme and is never advertised.
const CERTIFICATE_SCHEMES: [(u16, CertSignatureId); 11] = [
    (
        0x0403,
        CertSignatureId::Oid(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]),
    ),
    (
        0x0503,
        CertSignatureId::Oid(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03]),
    ),
    (0x0807, CertSignatureId::Oid(&[0x2b, 0x65, 0x70])),
    (0x0804, CertSignatureId::Whole(alg_id::RSA_PSS_SHA256)),
    (0x0805, CertSignatureId::Whole(alg_id::RSA_PSS_SHA384)),
    (0x0806, CertSignatureId::Whole(alg_id::RSA_PSS_SHA512)),
    (
        0x0401,
        CertSignatureId::Oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]),
    ),
    (
        0x0501,
        CertSignatureId::Oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c]),
    ),
    (
        0x0601,
        CertSignatureId::Oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d]),
    ),
    (
        0x0203,
        CertSignatureId::Oid(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01]),
    ),
    (
        0x0201,
        CertSignatureId::Oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05]),
    ),
];

/// The TLS signature scheme of a certificate signature whose signatureAlgorithm has the
/// contents `sig_alg_id` ([`Certificate::sig_alg_id`]), if there is one.
pub fn certificate_signature_scheme(sig_alg_id: &[u8]) -> Option<u16> {
    // The OID's TLV opens the AlgorithmIdentifier; a signature OID is far shorter than
    // 128 bytes, so its length is one byte.
    let oid = match sig_alg_id {
        [0x06, len, rest @ ..] => rest.get(..usize::from(*len))?,
        _ => return None,
    };
    CERTIFICATE_SCHEMES
        .iter()
        .find(|(_, id)| match id {
            CertSignatureId::Oid(o) => *o == oid,
            CertSignatureId::Whole(whole) => whole.as_ref() == sig_alg_id,
        })
        .map(|(scheme, _)| *scheme)
}

/// The schemes of the certificate signatures chain validation accepts
/// ([`supported_algorithms`], so with or without `strict-cert-algorithms`): what a
/// signature_algorithms_cert extension (RFC 8446 §4.2.3) of ours lists.
pub fn certificate_signature_schemes() -> Vec<u16> {
    let accepted: Vec<u16> = supported_algorithms()
        .iter()
        .filter_map(|alg| certificate_signature_scheme(alg.signature_alg_id().as_ref()))
        .collect();
    CERTIFICATE_SCHEMES
        .iter()
        .map(|(scheme, _)| *scheme)
        .filter(|scheme| accepted.contains(scheme))
        .collect()
}

// ---------------------------------------------------------------------------------------
// The 3.3 link walk

/// One link as 3.3 checks it: DN hash, then the issuer's cA flag, then the signature.
/// A v1 issuer has no cA flag: 3.3 took it as a CA anywhere, D9a only as a trusted anchor
/// (`issuer_is_anchor`: a loaded CA, or the very certificate of one sent in the chain).
fn link_status(cert: &Certificate, issuer: &Certificate, issuer_is_anchor: bool) -> i32 {
    let issuer_may_sign = if issuer.version >= 2 {
        issuer.ca != 0
    } else {
        issuer_is_anchor
    };
    if cert.issuer.hash != issuer.subject.hash {
        PS_CERT_AUTH_FAIL_DN
    } else if !issuer_may_sign {
        PS_CERT_AUTH_FAIL_BC
    } else if !signature_ok(cert, issuer) {
        PS_CERT_AUTH_FAIL_SIG
    } else {
        PS_CERT_AUTH_PASS
    }
}

/// The top certificate against every trusted CA; the most telling failure is kept
/// (a matching CA whose signature fails beats one without cA beats no DN match).
fn anchor_status(cert: &Certificate, trusted: &[Arc<Certificate>]) -> i32 {
    let rank = |s: i32| match s {
        PS_CERT_AUTH_FAIL_SIG => 2,
        PS_CERT_AUTH_FAIL_BC => 1,
        _ => 0,
    };
    let mut best = PS_CERT_AUTH_FAIL_DN;
    for ca in trusted {
        let s = link_status(cert, ca, true);
        if s == PS_CERT_AUTH_PASS {
            return s;
        }
        if rank(s) > rank(best) {
            best = s;
        }
    }
    best
}

fn is_trusted(cert: &Certificate, trusted: &[Arc<Certificate>]) -> bool {
    trusted.iter().any(|ca| ca.der == cert.der)
}

/// Per-certificate statuses and the 3.3 alert (0, bad_certificate or unknown_ca).
fn link_walk(chain: &[Arc<Certificate>], trusted: &[Arc<Certificate>]) -> (Vec<i32>, u8) {
    let mut statuses = Vec::with_capacity(chain.len());
    let mut walk_alert = 0;
    for (i, cert) in chain.iter().enumerate() {
        let status = match chain.get(i + 1) {
            Some(issuer) => link_status(cert, issuer, is_trusted(issuer, trusted)),
            None => anchor_status(cert, trusted),
        };
        statuses.push(status);
        if status != PS_CERT_AUTH_PASS {
            let inside_chain = i + 1 < chain.len();
            walk_alert = if status == PS_CERT_AUTH_FAIL_SIG || inside_chain {
                alert::BAD_CERTIFICATE
            } else {
                alert::UNKNOWN_CA
            };
            break;
        }
    }
    statuses.resize(chain.len(), 0);
    (statuses, walk_alert)
}

/// `psX509AuthenticateCert`'s walk (ABI.md §4.5): each certificate of `chain` against the
/// next, the last one against `issuer`, or against itself (self-signed) without one. The
/// caller names the anchor: `issuer`, or else the top of the chain; under D9a it is the only
/// certificate that may sign as a v1 issuer. Returns every certificate's `authStatus` (PASS
/// up to the first failing link, that link's failure code, 0 beyond) and that first failure.
pub(crate) fn authenticate_links(
    chain: &[Arc<Certificate>],
    issuer: Option<&Certificate>,
) -> (Vec<i32>, Result<(), i32>) {
    let Some(top) = chain.last() else {
        return (Vec::new(), Ok(()));
    };
    let anchor = issuer.unwrap_or(top);
    let mut statuses = Vec::with_capacity(chain.len());
    for (i, cert) in chain.iter().enumerate() {
        let signer = chain.get(i + 1).map_or(anchor, |next| &**next);
        let status = link_status(cert, signer, signer.der == anchor.der);
        statuses.push(status);
        if status != PS_CERT_AUTH_PASS {
            statuses.resize(chain.len(), 0);
            return (statuses, Err(status));
        }
    }
    (statuses, Ok(()))
}

// ---------------------------------------------------------------------------------------
// webpki

fn webpki_verify(
    chain: &[Arc<Certificate>],
    trusted: &[Arc<Certificate>],
    usage: Usage,
    now_unix: u64,
) -> Result<(), webpki::Error> {
    let Some((leaf, rest)) = chain.split_first() else {
        return Err(webpki::Error::BadDer);
    };
    let rest: Vec<&[u8]> = rest.iter().map(|c| c.der.as_slice()).collect();
    webpki_verify_ders(&leaf.der, &rest, trusted, usage, now_unix)
}

/// [`webpki_verify`] on the certificates' DER (webpki reads nothing else).
fn webpki_verify_ders(
    leaf: &[u8],
    rest: &[&[u8]],
    trusted: &[Arc<Certificate>],
    usage: Usage,
    now_unix: u64,
) -> Result<(), webpki::Error> {
    let leaf_der = CertificateDer::from(leaf);
    let end_entity = webpki::EndEntityCert::try_from(&leaf_der)?;
    let anchor_ders: Vec<CertificateDer<'_>> = trusted
        .iter()
        .map(|c| CertificateDer::from(c.der.as_slice()))
        .collect();
    // A CA webpki cannot read is simply not an anchor (it may still be fine for 3.3's walk).
    let anchors: Vec<TrustAnchor<'_>> = anchor_ders
        .iter()
        .filter_map(|d| webpki::anchor_from_trusted_cert(d).ok())
        .collect();
    let intermediates: Vec<CertificateDer<'_>> =
        rest.iter().map(|&der| CertificateDer::from(der)).collect();
    let eku = match usage {
        Usage::Server => webpki::KeyUsage::server_auth(),
        Usage::Client => webpki::KeyUsage::client_auth(),
    };
    end_entity
        .verify_for_usage(
            supported_algorithms(),
            &anchors,
            &intermediates,
            UnixTime::since_unix_epoch(Duration::from_secs(now_unix)),
            eku,
            None,
            None,
        )
        .map(|_| ())
}

/// D9 mapping of webpki's verdict to an alert.
#[allow(deprecated)] // RequiredEkuNotFound is still produced by older code paths.
fn alert_for(err: &webpki::Error) -> u8 {
    use webpki::Error as E;
    match err {
        E::CertExpired { .. } | E::CertNotValidYet { .. } => alert::CERTIFICATE_EXPIRED,
        E::UnknownIssuer => alert::UNKNOWN_CA,
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            alert::CERTIFICATE_UNKNOWN
        }
        E::CertRevoked => alert::CERTIFICATE_REVOKED,
        // Bad signatures, unsupported algorithms, malformed certificates, CA/path-length/
        // name constraints inside the chain, v1 certificates outside the anchors.
        _ => alert::BAD_CERTIFICATE,
    }
}

fn within_validity(cert: &Certificate, now_unix: u64) -> bool {
    let now = i64::try_from(now_unix).unwrap_or(i64::MAX);
    cert.not_before_unix <= now && now <= cert.not_after_unix
}

/// Verifies `chain` (leaf first, as received; `chain[1..]` are offered as
/// intermediates) against the `trusted` CAs at `now_unix`, for `usage`. Host names are
/// not checked (the application does that in its callback, as with 3.3).
pub fn verify_chain(
    chain: &[Arc<Certificate>],
    trusted: &[Arc<Certificate>],
    usage: Usage,
    now_unix: u64,
) -> ChainVerdict {
    if chain.is_empty() {
        return ChainVerdict {
            alert: alert::BAD_CERTIFICATE,
            statuses: Vec::new(),
        };
    }
    let leaf_is_trusted = chain.first().is_some_and(|leaf| is_trusted(leaf, trusted));
    if chain.first().is_some_and(|leaf| leaf.version < 2) && !leaf_is_trusted {
        return verify_v1_leaf(chain, trusted, now_unix);
    }
    // webpki checks every signature of a chain it accepts, and then every status is PASS:
    // the 3.3-style walk (which checks them again) only runs when its per-certificate
    // statuses or its alert are needed, so a good chain costs one verification per link.
    let web = (!leaf_is_trusted).then(|| webpki_verify(chain, trusted, usage, now_unix));
    if matches!(web, Some(Ok(()))) {
        return ChainVerdict {
            alert: 0,
            statuses: vec![PS_CERT_AUTH_PASS; chain.len()],
        };
    }
    let (statuses, walk_alert) = link_walk(chain, trusted);
    let alert = if walk_alert == 0 && leaf_is_trusted {
        // A self-signed peer certificate loaded as a CA: 3.3 accepted it and webpki has
        // no notion of it (it refuses CA certificates as end entities); only the dates
        // remain to check.
        let leaf_ok = chain.first().is_some_and(|l| within_validity(l, now_unix));
        if leaf_ok {
            0
        } else {
            alert::CERTIFICATE_EXPIRED
        }
    } else {
        match web.unwrap_or_else(|| webpki_verify(chain, trusted, usage, now_unix)) {
            Ok(()) => 0,
            Err(_) if walk_alert != 0 => walk_alert,
            Err(e) => alert_for(&e),
        }
    };
    let statuses = if alert == 0 {
        vec![PS_CERT_AUTH_PASS; chain.len()]
    } else {
        statuses
    };
    ChainVerdict { alert, statuses }
}

/// Whether [`verify_chain`] accepts the chain `leaf` + `intermediates` (DER, as received)
/// on its common path, where every status is PASS and only webpki's verdict counts: a v3
/// leaf that is not itself a loaded CA, and a chain webpki accepts. `false` says nothing
/// about the chain: `verify_chain` on the parsed chain then gives the verdict. Lets a
/// handshake verify without holding every certificate of the chain parsed.
pub fn verifies_on_common_path(
    leaf: &Certificate,
    intermediates: &[&[u8]],
    trusted: &[Arc<Certificate>],
    usage: Usage,
    now_unix: u64,
) -> bool {
    leaf.version >= 2
        && !is_trusted(leaf, trusted)
        && webpki_verify_ders(&leaf.der, intermediates, trusted, usage, now_unix).is_ok()
}

/// D9a: a chain whose leaf is X.509 v1, which webpki cannot read as an end entity.
/// The link walk checks each link (DN, issuer cA flag — a v1 issuer only as a trusted
/// anchor —, signature) up to a loaded CA; then every certificate that is not itself a
/// loaded CA must be within its dates, and each intermediate's pathLenConstraint must
/// cover the intermediates below it. A v1 leaf has no extended key usage to check.
/// What webpki adds for v3 leaves and this path does not: name constraints and the
/// intermediates' extended key usage; v1 leaves come from private PKIs that use neither.
fn verify_v1_leaf(
    chain: &[Arc<Certificate>],
    trusted: &[Arc<Certificate>],
    now_unix: u64,
) -> ChainVerdict {
    let (statuses, walk_alert) = link_walk(chain, trusted);
    if walk_alert != 0 {
        return ChainVerdict {
            alert: walk_alert,
            statuses,
        };
    }
    let out_of_date = chain
        .iter()
        .any(|c| !is_trusted(c, trusted) && !within_validity(c, now_unix));
    // chain[i] (i ≥ 1) is a CA with i - 1 intermediates below it; self-issued
    // certificates do not count (RFC 5280 §4.2.1.9), and loaded CAs are anchors, whose
    // constraints webpki does not apply either.
    let path_too_long = chain.iter().enumerate().skip(1).any(|(i, ca)| {
        let below = chain[1..i]
            .iter()
            .filter(|c| c.issuer.hash != c.subject.hash)
            .count();
        !is_trusted(ca, trusted)
            && u32::try_from(ca.path_len).is_ok_and(|limit| below > limit as usize)
    });
    let alert = if path_too_long {
        alert::BAD_CERTIFICATE
    } else if out_of_date {
        alert::CERTIFICATE_EXPIRED
    } else {
        0
    };
    ChainVerdict { alert, statuses }
}

// ---------------------------------------------------------------------------------------
// The peer's leaf key

/// What this handshake does with the peer's certificate key (RFC 5246 §7.4.2, §7.4.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyUse {
    /// It signs: (EC)DHE ServerKeyExchange parameters, or a client's CertificateVerify.
    Signature,
    /// The client encrypts the premaster secret to it (RSA key exchange).
    Encipherment,
}

impl KeyUse {
    /// The use a server certificate's key has under key exchange `kx`.
    pub fn for_server_kx(kx: crate::suites::KeyExchange) -> KeyUse {
        if kx == crate::suites::KeyExchange::Rsa {
            KeyUse::Encipherment
        } else {
            KeyUse::Signature
        }
    }
}

/// Checks of the peer's leaf certificate key that no certificate callback may waive,
/// unlike chain failures (D9): 0 when the key may be used, else the fatal alert.
///
/// * An RSA key under 1024 bits ([`MIN_PEER_MODULUS_BITS`](crate::crypto::rsa::MIN_PEER_MODULUS_BITS)) is never used:
///   bad_certificate, what OpenSSL sends for a key below its security level
///   (X509_V_ERR_EE_KEY_TOO_SMALL).
/// * A keyUsage extension, when present, must allow `key_use` (RFC 5280 §4.2.1.3,
///   RFC 5246 §7.4.2): digitalSignature to sign, keyEncipherment for the RSA premaster.
///   Otherwise unsupported_certificate, as GnuTLS sends for a key usage violation and as
///   this library already sends for a key of the wrong type for the suite: the certificate
///   is fine, just not usable for this exchange.
///
/// The handshake shows this alert to the certificate callback (so the application learns
/// why) and then fails with it whatever the callback returns: the callback decides whom
/// to trust, not whether a weak or restricted key may be used for something else. OpenSSL
/// and GnuTLS do not let their verify callbacks override these checks either.
pub fn peer_key_alert(leaf: &Certificate, key_use: KeyUse) -> u8 {
    if let PublicKey::Rsa(key) = &leaf.public_key
        && !key.is_strong_enough_for_peer()
    {
        return alert::BAD_CERTIFICATE;
    }
    let needed = match key_use {
        KeyUse::Signature => KU_DIGITAL_SIGNATURE,
        KeyUse::Encipherment => KU_KEY_ENCIPHERMENT,
    };
    match leaf.key_usage {
        Some(bits) if bits & needed == 0 => alert::UNSUPPORTED_CERTIFICATE,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::fixture;

    /// The certificate `tests/fixtures/unit/<name>.der`; the script that made them,
    /// tests/fixtures/make-pki-unit-fixtures.sh, says what each one is.
    fn fixture_der(name: &str) -> Vec<u8> {
        fixture(&format!("unit/{name}.der"))
    }

    fn cert(der: &[u8]) -> Arc<Certificate> {
        Arc::new(Certificate::from_der(der).unwrap())
    }

    /// The time every verification runs at: a day after the fixtures were made, inside the
    /// validity of all of them but the one made expired on purpose, so no verdict depends
    /// on the clock.
    fn now() -> u64 {
        let made = fixture("unit/generated-at.txt");
        let made: u64 = std::str::from_utf8(&made).unwrap().trim().parse().unwrap();
        made + 86_400
    }

    fn chain_of(names: &[&str]) -> Vec<Arc<Certificate>> {
        names.iter().map(|n| cert(&fixture_der(n))).collect()
    }

    const PASS: i32 = PS_CERT_AUTH_PASS;

    #[test]
    fn certificate_signature_schemes_name_what_validation_accepts() {
        let scheme_of =
            |name: &str| certificate_signature_scheme(&cert(&fixture_der(name)).sig_alg_id);
        assert_eq!(scheme_of("std-leaf"), Some(0x0401));
        assert_eq!(scheme_of("ec-p256-leaf-under-inter"), Some(0x0403));
        assert_eq!(scheme_of("ec-p384-leaf"), Some(0x0503));
        assert_eq!(scheme_of("ec-sha1-leaf-under-inter"), Some(0x0203));
        assert_eq!(scheme_of("legacy-leaf"), Some(0x0201));
        assert_eq!(scheme_of("ed25519-self-signed"), Some(0x0807));
        assert_eq!(scheme_of("md5-leaf"), None);
        // PSS is told apart by its parameters; other parameters name no scheme.
        let pss384 = alg_id::RSA_PSS_SHA384;
        assert_eq!(certificate_signature_scheme(pss384.as_ref()), Some(0x0805));
        let cut = &pss384.as_ref()[..pss384.as_ref().len() - 1];
        assert_eq!(certificate_signature_scheme(cut), None);
        assert_eq!(certificate_signature_scheme(&[0x06, 0x7f, 0x2b]), None);
        assert_eq!(certificate_signature_scheme(&[]), None);

        let strict = [
            0x0403, 0x0503, 0x0807, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601,
        ];
        let expected = if cfg!(feature = "strict-cert-algorithms") {
            strict.to_vec()
        } else {
            [&strict[..], &[0x0203, 0x0201]].concat()
        };
        assert_eq!(certificate_signature_schemes(), expected);
    }

    #[test]
    fn valid_rsa2048_sha256_chain() {
        let chain = chain_of(&["std-leaf", "std-inter"]);
        let roots = chain_of(&["std-root"]);
        let v = verify_chain(&chain, &roots, Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 0,
                statuses: vec![PASS, PASS]
            }
        );
        // The root may be sent too.
        let with_root = chain_of(&["std-leaf", "std-inter", "std-root"]);
        assert_eq!(
            verify_chain(&with_root, &roots, Usage::Server, now()).alert,
            0
        );
        // Trusting the intermediate directly is enough.
        let inter = chain_of(&["std-inter"]);
        assert_eq!(verify_chain(&chain, &inter, Usage::Server, now()).alert, 0);
    }

    #[test]
    fn legacy_sha1_1024_chain_accepted_unless_strict() {
        let leaf = cert(&fixture_der("legacy-leaf"));
        assert_eq!(leaf.cert_algorithm, 649);
        assert_eq!(leaf.public_key_size, 128);
        let chain = chain_of(&["legacy-leaf", "legacy-inter"]);
        let roots = chain_of(&["legacy-root"]);
        let v = verify_chain(&chain, &roots, Usage::Server, now());
        if cfg!(feature = "strict-cert-algorithms") {
            assert_eq!(v.alert, alert::BAD_CERTIFICATE);
            assert_eq!(v.statuses, vec![PS_CERT_AUTH_FAIL_SIG, 0]);
        } else {
            assert_eq!(
                v,
                ChainVerdict {
                    alert: 0,
                    statuses: vec![PASS, PASS]
                }
            );
        }
    }

    #[test]
    fn unrelated_root_is_unknown_ca() {
        let chain = chain_of(&["std-leaf", "std-inter"]);
        let other_root = chain_of(&["std-other-root"]);
        let v = verify_chain(&chain, &other_root, Usage::Server, now());
        assert_eq!(v.alert, alert::UNKNOWN_CA);
        // The chain itself is fine; only the top link (to a CA) fails on the DN.
        assert_eq!(v.statuses, vec![PASS, PS_CERT_AUTH_FAIL_DN]);
        // Leaf alone from an unrelated CA: the 3.3 transcript (alert 48, leaf −33).
        let leaf = chain_of(&["std-leaf"]);
        let v = verify_chain(&leaf, &other_root, Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 48,
                statuses: vec![PS_CERT_AUTH_FAIL_DN]
            }
        );
        // No CA loaded at all.
        assert_eq!(
            verify_chain(&chain, &[], Usage::Server, now()).alert,
            alert::UNKNOWN_CA
        );
        // Missing intermediate.
        let v = verify_chain(&leaf, &chain_of(&["std-root"]), Usage::Server, now());
        assert_eq!(v.alert, alert::UNKNOWN_CA);
    }

    #[test]
    fn tampered_signature_is_bad_certificate() {
        let mut der = fixture_der("std-leaf");
        let last = der.len() - 1;
        der[last] ^= 0x01; // last signature byte
        let chain = vec![cert(&der), cert(&fixture_der("std-inter"))];
        let v = verify_chain(&chain, &chain_of(&["std-root"]), Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 42,
                statuses: vec![PS_CERT_AUTH_FAIL_SIG, 0]
            }
        );
        // Tampering the signed part (a serial byte) has the same effect.
        let mut der = fixture_der("std-inter");
        let c = Certificate::from_der(&der).unwrap();
        let pos = der
            .windows(c.serial.len())
            .position(|w| w == c.serial.as_slice())
            .unwrap();
        der[pos + 1] ^= 0x80;
        let chain = vec![cert(&fixture_der("std-leaf")), cert(&der)];
        let v = verify_chain(&chain, &chain_of(&["std-root"]), Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 42,
                statuses: vec![PASS, PS_CERT_AUTH_FAIL_SIG]
            }
        );
    }

    #[test]
    fn dates_are_checked() {
        let chain = chain_of(&["std-leaf", "std-inter"]);
        let roots = chain_of(&["std-root"]);
        let leaf = &chain[0];
        let after = u64::try_from(leaf.not_after_unix).unwrap() + 1;
        let before = u64::try_from(leaf.not_before_unix).unwrap() - 1;
        for t in [after, before] {
            let v = verify_chain(&chain, &roots, Usage::Server, t);
            assert_eq!(
                v,
                ChainVerdict {
                    alert: 45,
                    statuses: vec![PASS, PASS]
                }
            );
        }
        // An untrusted chain stays unknown_ca even when also expired.
        let v = verify_chain(&chain, &chain_of(&["std-other-root"]), Usage::Server, after);
        assert_eq!(v.alert, alert::UNKNOWN_CA);
    }

    #[test]
    fn expired_leaf_issued_with_openssl_ca() {
        let c = cert(&fixture_der("expired-leaf"));
        assert_eq!(c.not_after, "210101000000Z");
        assert_eq!(c.not_after_unix, 1_609_459_200);
        let chain = vec![c, cert(&fixture_der("std-inter"))];
        let v = verify_chain(&chain, &chain_of(&["std-root"]), Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 45,
                statuses: vec![PASS, PASS]
            }
        );
    }

    #[test]
    fn key_usage_is_checked() {
        let chain = chain_of(&["client-only-leaf", "std-inter"]);
        let roots = chain_of(&["std-root"]);
        assert_eq!(verify_chain(&chain, &roots, Usage::Client, now()).alert, 0);
        let v = verify_chain(&chain, &roots, Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: alert::CERTIFICATE_UNKNOWN,
                statuses: vec![PASS, PASS]
            }
        );
    }

    #[test]
    fn non_ca_issuer_inside_chain_is_bad_certificate() {
        // A leaf-profile certificate (CA:FALSE) used to sign another one.
        let chain = chain_of(&["leaf-signed-leaf", "std-leaf", "std-inter"]);
        let v = verify_chain(&chain, &chain_of(&["std-root"]), Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 42,
                statuses: vec![PS_CERT_AUTH_FAIL_BC, 0, 0]
            }
        );
    }

    #[test]
    fn out_of_order_chain() {
        let chain = chain_of(&["std-leaf", "std-root", "std-inter"]);
        // 3.3 insisted on child-to-parent order; webpki (authoritative under D9) builds
        // the path from the certificates offered, so a valid but shuffled chain passes.
        let v = verify_chain(&chain, &chain_of(&["std-root"]), Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 0,
                statuses: vec![PASS, PASS, PASS]
            }
        );
        // With an unrelated root, the walk's verdict (bad link inside) wins.
        let v = verify_chain(&chain, &chain_of(&["std-other-root"]), Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 42,
                statuses: vec![PS_CERT_AUTH_FAIL_DN, 0, 0]
            }
        );
    }

    #[test]
    fn self_signed_certificate_loaded_as_ca() {
        let chain = chain_of(&["self-signed-localhost"]);
        let v = verify_chain(&chain, &chain, Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 0,
                statuses: vec![PASS]
            }
        );
        let c = &chain[0];
        let late = u64::try_from(c.not_after_unix).unwrap() + 10;
        assert_eq!(verify_chain(&chain, &chain, Usage::Server, late).alert, 45);
        // Not loaded: unknown CA.
        let v = verify_chain(&chain, &chain_of(&["std-root"]), Usage::Server, now());
        assert_eq!(v.alert, alert::UNKNOWN_CA);
    }

    #[test]
    fn md5_signatures_fail_unless_the_feature() {
        let md5_der = fixture_der("md5-leaf");
        let c = cert(&md5_der);
        assert_eq!(c.cert_algorithm, 648);
        let roots = chain_of(&["std-root"]);
        let v = verify_chain(std::slice::from_ref(&c), &roots, Usage::Server, now());
        // A v1 leaf signed with MD5 (the usual legacy fleet certificate): the same verdict.
        let v1 = verify_chain(&chain_of(&["md5-v1-leaf"]), &roots, Usage::Server, now());
        if cfg!(feature = "md5-cert-signatures") {
            assert_eq!(
                v,
                ChainVerdict {
                    alert: 0,
                    statuses: vec![PASS]
                }
            );
            assert_eq!(
                v1,
                ChainVerdict {
                    alert: 0,
                    statuses: vec![PASS]
                }
            );
            // Still a real signature check.
            let mut der = md5_der.clone();
            let n = der.len();
            der[n - 1] ^= 0x01;
            assert_eq!(
                verify_chain(&[cert(&der)], &roots, Usage::Server, now()).alert,
                42
            );
        } else {
            let refused = ChainVerdict {
                alert: 42,
                statuses: vec![PS_CERT_AUTH_FAIL_SIG],
            };
            assert_eq!(v, refused);
            assert_eq!(v1, refused);
        }
    }

    #[test]
    fn v1_leaf_under_v3_root_and_intermediate() {
        let leaf = "v1-leaf-under-std-root";
        let c = cert(&fixture_der(leaf));
        assert_eq!((c.version, c.key_usage), (0, None));
        let roots = chain_of(&["std-root"]);
        let ok = |n: usize| ChainVerdict {
            alert: 0,
            statuses: vec![PASS; n],
        };
        for usage in [Usage::Server, Usage::Client] {
            assert_eq!(
                verify_chain(&chain_of(&[leaf]), &roots, usage, now()),
                ok(1)
            );
        }
        // With the root sent as well.
        let with_root = chain_of(&[leaf, "std-root"]);
        assert_eq!(
            verify_chain(&with_root, &roots, Usage::Server, now()),
            ok(2)
        );
        // Under a v3 intermediate.
        let under_inter = "v1-leaf-under-std-inter";
        let chain = chain_of(&[under_inter, "std-inter"]);
        assert_eq!(verify_chain(&chain, &roots, Usage::Server, now()), ok(2));
        // Dates of the leaf and of the intermediate are checked.
        let after = u64::try_from(chain[0].not_after_unix).unwrap() + 1;
        assert_eq!(verify_chain(&chain, &roots, Usage::Server, after).alert, 45);
        let inter_after = u64::try_from(chain[1].not_after_unix).unwrap() + 1;
        assert_eq!(
            verify_chain(&chain, &roots, Usage::Server, inter_after).alert,
            45
        );
        // Untrusted, missing intermediate, bad signature: the usual alerts.
        let v = verify_chain(
            &chain_of(&[leaf]),
            &chain_of(&["std-other-root"]),
            Usage::Server,
            now(),
        );
        assert_eq!(
            v,
            ChainVerdict {
                alert: 48,
                statuses: vec![PS_CERT_AUTH_FAIL_DN]
            }
        );
        let v = verify_chain(&chain_of(&[under_inter]), &roots, Usage::Server, now());
        assert_eq!(v.alert, alert::UNKNOWN_CA);
        let mut der = fixture_der(leaf);
        let n = der.len();
        der[n - 1] ^= 0x01;
        let v = verify_chain(&[cert(&der)], &roots, Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 42,
                statuses: vec![PS_CERT_AUTH_FAIL_SIG]
            }
        );
    }

    #[test]
    fn v1_leaf_under_v1_self_signed_root() {
        assert_eq!(cert(&fixture_der("v1-root")).version, 0);
        let leaf = "v1-leaf-under-v1-root";
        let roots = chain_of(&["v1-root"]);
        let v = verify_chain(&chain_of(&[leaf]), &roots, Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 0,
                statuses: vec![PASS]
            }
        );
        let v = verify_chain(&chain_of(&[leaf, "v1-root"]), &roots, Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 0,
                statuses: vec![PASS, PASS]
            }
        );
        // A v3 leaf under the v1 anchor goes through webpki.
        let v3 = chain_of(&["v3-leaf-under-v1-root"]);
        let v = verify_chain(&v3, &roots, Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 0,
                statuses: vec![PASS]
            }
        );
        // The v1 root sent by a peer whose root is not loaded.
        let v = verify_chain(&chain_of(&[leaf, "v1-root"]), &[], Usage::Server, now());
        assert_eq!(v.alert, alert::BAD_CERTIFICATE);
        assert_eq!(v.statuses, vec![PS_CERT_AUTH_FAIL_BC, 0]);
    }

    #[test]
    fn v1_intermediate_is_refused() {
        for top in ["v1-root", "std-root"] {
            let inter = format!("v1-inter-under-{top}");
            let roots = chain_of(&[top]);
            for kind in ["v3", "v1"] {
                let leaf = format!("{kind}-leaf-under-{inter}");
                let chain = chain_of(&[&leaf, &inter]);
                let v = verify_chain(&chain, &roots, Usage::Server, now());
                assert_eq!(
                    v,
                    ChainVerdict {
                        alert: 42,
                        statuses: vec![PS_CERT_AUTH_FAIL_BC, 0]
                    },
                    "{leaf} under {top}"
                );
                // Loaded as a CA itself, the v1 certificate is an anchor, not an intermediate.
                let v = verify_chain(
                    &chain_of(&[&leaf]),
                    &chain_of(&[&inter]),
                    Usage::Server,
                    now(),
                );
                assert_eq!(v.alert, 0, "{leaf} under a trusted v1 CA");
            }
        }
    }

    /// The explicit walk of `psX509AuthenticateCert`: a v1 certificate signs only as the
    /// anchor the caller names (the issuer argument, or the chain's top without one).
    #[test]
    fn authenticate_links_v1_only_as_the_named_anchor() {
        let (root, inter) = ("v1-root", "v1-inter-under-v1-root");
        let leaf = "v3-leaf-under-v1-inter-under-v1-root";
        let root_c = cert(&fixture_der(root));
        let inter_c = cert(&fixture_der(inter));
        // The v1 intermediate inside the chain may not sign, whatever the anchor.
        let chain = chain_of(&[leaf, inter]);
        assert_eq!(
            authenticate_links(&chain, Some(&root_c)),
            (vec![PS_CERT_AUTH_FAIL_BC, 0], Err(PS_CERT_AUTH_FAIL_BC))
        );
        // Named as the issuer, or as the chain's self-signed top, a v1 certificate signs.
        assert_eq!(
            authenticate_links(&chain_of(&[leaf]), Some(&inter_c)),
            (vec![PASS], Ok(()))
        );
        assert_eq!(
            authenticate_links(&chain_of(&[inter, root]), None),
            (vec![PASS, PASS], Ok(()))
        );
        assert_eq!(
            authenticate_links(&chain_of(&[inter]), Some(&root_c)),
            (vec![PASS], Ok(()))
        );
        // DN mismatch against an unrelated issuer; an empty chain has nothing to fail.
        let other = cert(&fixture_der("std-other-root"));
        assert_eq!(
            authenticate_links(&chain_of(&[inter]), Some(&other)),
            (vec![PS_CERT_AUTH_FAIL_DN], Err(PS_CERT_AUTH_FAIL_DN))
        );
        assert_eq!(authenticate_links(&[], None), (Vec::new(), Ok(())));
    }

    #[test]
    fn peer_key_size_and_key_usage() {
        let load = |name: &str| cert(&fixture_der(name));
        let both = [KeyUse::Signature, KeyUse::Encipherment];
        let small = load("key-rsa1016-leaf");
        let small_v1 = load("key-rsa512-v1-leaf");
        let k1024 = load("key-rsa1024-leaf");
        let v1 = load("key-rsa2048-v1-leaf");
        for key_use in both {
            assert_eq!(peer_key_alert(&small, key_use), alert::BAD_CERTIFICATE);
            assert_eq!(peer_key_alert(&small_v1, key_use), alert::BAD_CERTIFICATE);
            assert_eq!(peer_key_alert(&k1024, key_use), 0);
            assert_eq!(peer_key_alert(&v1, key_use), 0);
            assert_eq!(peer_key_alert(&load("std-leaf"), key_use), 0);
        }
        let sign_only = load("sign-only-leaf");
        assert_eq!(sign_only.key_usage, Some(KU_DIGITAL_SIGNATURE));
        assert_eq!(peer_key_alert(&sign_only, KeyUse::Signature), 0);
        assert_eq!(
            peer_key_alert(&sign_only, KeyUse::Encipherment),
            alert::UNSUPPORTED_CERTIFICATE
        );
        let encipher_only = load("encipher-only-leaf");
        assert_eq!(encipher_only.key_usage, Some(KU_KEY_ENCIPHERMENT));
        assert_eq!(peer_key_alert(&encipher_only, KeyUse::Encipherment), 0);
        assert_eq!(
            peer_key_alert(&encipher_only, KeyUse::Signature),
            alert::UNSUPPORTED_CERTIFICATE
        );
        // ECDSA keys have no size floor here (the curves are all strong enough).
        assert_eq!(
            peer_key_alert(&load("ec-p256-leaf-under-inter"), KeyUse::Signature),
            0
        );
        assert_eq!(
            KeyUse::for_server_kx(crate::suites::KeyExchange::Rsa),
            KeyUse::Encipherment
        );
        assert_eq!(
            KeyUse::for_server_kx(crate::suites::KeyExchange::EcdheRsa),
            KeyUse::Signature
        );
    }

    #[test]
    fn ecdsa_chain() {
        let root = chain_of(&["ec-p256-root"]);
        let chain = chain_of(&["ec-p256-leaf"]);
        let v = verify_chain(&chain, &root, Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 0,
                statuses: vec![PASS]
            }
        );
        // An RSA leaf under an EC root (mixed algorithms in one chain).
        let rsa_leaf = chain_of(&["rsa-leaf-under-ec-p256-root"]);
        let v = verify_chain(&rsa_leaf, &root, Usage::Server, now());
        assert_eq!(
            v,
            ChainVerdict {
                alert: 0,
                statuses: vec![PASS]
            }
        );
        // An EC chain against an RSA root only.
        let v = verify_chain(&chain, &chain_of(&["std-root"]), Usage::Server, now());
        assert_eq!(v.alert, alert::UNKNOWN_CA);
    }

    #[test]
    fn ecdsa_sha1_and_p384_chains() {
        // P-384 root → P-256 intermediate (SHA-384) → P-256 leaf; P-384 leaf under the root.
        let chain = chain_of(&["ec-p256-leaf-under-inter", "ec-p256-inter"]);
        let roots = chain_of(&["ec-p384-root"]);
        assert_eq!(verify_chain(&chain, &roots, Usage::Server, now()).alert, 0);
        let v = verify_chain(&chain_of(&["ec-p384-leaf"]), &roots, Usage::Server, now());
        assert_eq!(v.alert, 0);
        // ecdsa-with-SHA1 links, P-256 and P-384 issuers.
        for (issuer, leaf) in [
            ("ec-p256-inter", "ec-sha1-leaf-under-inter"),
            ("ec-p384-root", "ec-sha1-leaf-under-p384-root"),
        ] {
            let leaf_der = fixture_der(leaf);
            let c = cert(&leaf_der);
            assert_eq!(c.cert_algorithm, 520);
            let mut chain = vec![c];
            if issuer == "ec-p256-inter" {
                chain.push(cert(&fixture_der(issuer)));
            }
            let v = verify_chain(&chain, &roots, Usage::Server, now());
            if cfg!(feature = "strict-cert-algorithms") {
                assert_eq!(v.alert, alert::BAD_CERTIFICATE);
            } else {
                assert_eq!(v.alert, 0, "{issuer}");
                assert!(signature_ok(
                    &chain[0],
                    &Certificate::from_der(&fixture_der(issuer)).unwrap()
                ));
            }
            // Tampered: refused either way.
            let mut der = leaf_der.clone();
            let n = der.len();
            der[n - 3] ^= 0x10;
            let mut bad = vec![cert(&der)];
            bad.extend(chain.iter().skip(1).cloned());
            assert_eq!(verify_chain(&bad, &roots, Usage::Server, now()).alert, 42);
        }
    }

    #[test]
    fn empty_chain() {
        assert_eq!(verify_chain(&[], &[], Usage::Server, now()).alert, 42);
    }
}
