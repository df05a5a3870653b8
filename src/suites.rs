//! The cipher suites this library implements, in default preference order (ABI.md D5),
//! and [`SuitePolicy`]: which of them are enabled and the highest version, the settings
//! `matrixSslSetCipherSuiteEnabledStatus(NULL, ..)` and `matrixSslSetMaxProtocolVersion`
//! change for the process (a connection reaches its policy through `config::Config`).

use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};

use crate::crypto::cipher::{BulkCipher, MacAlgorithm};
use crate::crypto::prf::PrfAlgorithm;
use crate::crypto::tls13::Tls13Hash;
use crate::crypto::tls13_record::Tls13Aead;

/// SSL 3.0 (RFC 6101), only with the `ssl3` feature.
pub const SSL3: u16 = 0x0300;
pub const TLS1_0: u16 = 0x0301;
pub const TLS1_1: u16 = 0x0302;
pub const TLS1_2: u16 = 0x0303;
/// TLS 1.3 (RFC 8446; ABI.md §9).
pub const TLS1_3: u16 = 0x0304;
pub const MIN_VERSION: u16 = if cfg!(feature = "ssl3") { SSL3 } else { TLS1_0 };
/// The highest version this build speaks.
pub const MAX_VERSION: u16 = TLS1_3;
/// The highest version sessions negotiate unless the application lowers it with
/// `matrixSslSetMaxProtocolVersion`: TLS 1.3 in both roles (ABI.md D25), so an unchanged 3.3
/// program speaks TLS 1.3 wherever its peer does, and still falls back to 1.2/1.1/1.0.
pub const DEFAULT_MAX_VERSION: u16 = TLS1_3;

pub const TLS_EMPTY_RENEGOTIATION_INFO_SCSV: u16 = 0x00ff;
pub const TLS_FALLBACK_SCSV: u16 = 0x5600;

/// How the premaster secret is agreed and the server authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyExchange {
    /// The client encrypts the premaster to the server's RSA certificate key.
    Rsa,
    /// Ephemeral ECDH, parameters signed with the server's RSA key.
    EcdheRsa,
    /// Ephemeral ECDH, parameters signed with the server's ECDSA key.
    EcdheEcdsa,
    /// Ephemeral finite-field DH, parameters signed with the server's RSA key.
    DheRsa,
    /// Ephemeral finite-field DH, parameters signed with the server's DSA key (client only:
    /// this library holds no DSA private keys).
    DheDss,
    /// Pre-shared key only (RFC 4279 §2).
    Psk,
    /// Ephemeral finite-field DH authenticated by a pre-shared key (RFC 4279 §3).
    DhePsk,
    /// Unauthenticated ephemeral DH: no protection against an active attacker.
    DhAnon,
}

impl KeyExchange {
    pub fn is_ecdhe(self) -> bool {
        matches!(self, KeyExchange::EcdheRsa | KeyExchange::EcdheEcdsa)
    }

    pub fn is_dhe(self) -> bool {
        matches!(
            self,
            KeyExchange::DheRsa | KeyExchange::DheDss | KeyExchange::DhePsk | KeyExchange::DhAnon
        )
    }

    pub fn uses_psk(self) -> bool {
        matches!(self, KeyExchange::Psk | KeyExchange::DhePsk)
    }

    /// The server authenticates with a certificate chain.
    pub fn needs_certificate(self) -> bool {
        matches!(
            self,
            KeyExchange::Rsa
                | KeyExchange::EcdheRsa
                | KeyExchange::EcdheEcdsa
                | KeyExchange::DheRsa
                | KeyExchange::DheDss
        )
    }

    /// ServerKeyExchange parameters carry the server's signature.
    pub fn signs_parameters(self) -> bool {
        matches!(
            self,
            KeyExchange::EcdheRsa
                | KeyExchange::EcdheEcdsa
                | KeyExchange::DheRsa
                | KeyExchange::DheDss
        )
    }

    /// The certificate key type this key exchange authenticates with.
    pub fn needs_ec_identity(self) -> bool {
        self == KeyExchange::EcdheEcdsa
    }
}

#[derive(Debug)]
pub struct CipherSuite {
    pub id: u16,
    pub name: &'static str,
    pub kx: KeyExchange,
    pub bulk: BulkCipher,
    pub mac: MacAlgorithm,
    /// The TLS 1.2 PRF hash (TLS 1.0/1.1 always use the MD5/SHA-1 PRF).
    pub prf12: PrfAlgorithm,
    /// AEAD suites and (except for PSK) suites with SHA-256/384 MACs exist only in TLS 1.2.
    pub tls12_only: bool,
}

impl CipherSuite {
    pub fn usable_with(&self, version: u16) -> bool {
        if version < TLS1_0 {
            // SSL 3.0 predates the ECC and PSK suites (RFC 4492, 4279 define them for TLS).
            return !self.tls12_only
                && matches!(
                    self.kx,
                    KeyExchange::Rsa | KeyExchange::DheRsa | KeyExchange::DhAnon
                );
        }
        !self.tls12_only || version >= TLS1_2
    }

    pub fn prf_for(&self, version: u16) -> PrfAlgorithm {
        if version >= TLS1_2 {
            self.prf12
        } else {
            PrfAlgorithm::Tls10
        }
    }
}

const fn suite(
    id: u16,
    name: &'static str,
    kx: KeyExchange,
    bulk: BulkCipher,
    mac: MacAlgorithm,
    prf12: PrfAlgorithm,
) -> CipherSuite {
    // SHA-2 MACs and AEAD ciphers arrived with TLS 1.2 (RFC 5246, 5288, 5289, 7905). The
    // PSK CBC-SHA256/384 suites are the exception: RFC 5487 §3.2 defines them for TLS 1.0
    // and 1.1 too, with that version's PRF and the suite's HMAC (OpenSSL allows them there).
    let aead = matches!(
        bulk,
        BulkCipher::Aes128Gcm | BulkCipher::Aes256Gcm | BulkCipher::ChaCha20Poly1305
    );
    let sha2_mac = matches!(mac, MacAlgorithm::Sha256 | MacAlgorithm::Sha384);
    let psk = matches!(kx, KeyExchange::Psk | KeyExchange::DhePsk);
    let tls12_only = aead || (sha2_mac && !psk);
    CipherSuite {
        id,
        name,
        kx,
        bulk,
        mac,
        prf12,
        tls12_only,
    }
}

use BulkCipher::*;
#[cfg(feature = "anon-suites")]
use KeyExchange::DhAnon as DA;
#[cfg(feature = "dss-suites")]
use KeyExchange::DheDss as DD;
use KeyExchange::{DhePsk as DP, DheRsa as DR, EcdheEcdsa as EE, EcdheRsa as ER, Psk, Rsa};
use MacAlgorithm as M;
use PrfAlgorithm as P;

const SUITE_COUNT: usize = ALL.len();

/// Default preference order (ABI.md D5): forward secrecy with AEAD first (ECDHE with
/// AES-GCM, then ChaCha20-Poly1305), then ECDHE with CBC, then finite-field DHE (RSA, then
/// DSS with feature `dss-suites`: client only), then RSA key exchange (AEAD, CBC-SHA256,
/// CBC-SHA), then the PSK suites (used only when PSKs are loaded), then 3DES last. Within
/// a step ECDSA precedes RSA; the server only considers suites its key material can serve.
#[rustfmt::skip]
pub static ALL: &[CipherSuite] = &[
    suite(0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", EE, Aes128Gcm, M::None, P::Sha256),
    suite(0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", ER, Aes128Gcm, M::None, P::Sha256),
    suite(0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", EE, Aes256Gcm, M::None, P::Sha384),
    suite(0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", ER, Aes256Gcm, M::None, P::Sha384),
    suite(0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", EE, ChaCha20Poly1305, M::None, P::Sha256),
    suite(0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", ER, ChaCha20Poly1305, M::None, P::Sha256),
    suite(0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", EE, Aes128Cbc, M::Sha256, P::Sha256),
    suite(0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", ER, Aes128Cbc, M::Sha256, P::Sha256),
    suite(0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", EE, Aes256Cbc, M::Sha384, P::Sha384),
    suite(0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", ER, Aes256Cbc, M::Sha384, P::Sha384),
    suite(0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", EE, Aes128Cbc, M::Sha1, P::Sha256),
    suite(0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", ER, Aes128Cbc, M::Sha1, P::Sha256),
    suite(0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", EE, Aes256Cbc, M::Sha1, P::Sha256),
    suite(0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", ER, Aes256Cbc, M::Sha1, P::Sha256),
    suite(0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", DR, Aes128Gcm, M::None, P::Sha256),
    suite(0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", DR, Aes256Gcm, M::None, P::Sha384),
    suite(0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", DR, ChaCha20Poly1305, M::None, P::Sha256),
    suite(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", DR, Aes128Cbc, M::Sha256, P::Sha256),
    suite(0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", DR, Aes256Cbc, M::Sha256, P::Sha256),
    suite(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", DR, Aes128Cbc, M::Sha1, P::Sha256),
    suite(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", DR, Aes256Cbc, M::Sha1, P::Sha256),
    #[cfg(feature = "dss-suites")]
    suite(0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", DD, Aes128Gcm, M::None, P::Sha256),
    #[cfg(feature = "dss-suites")]
    suite(0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", DD, Aes256Gcm, M::None, P::Sha384),
    #[cfg(feature = "dss-suites")]
    suite(0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", DD, Aes128Cbc, M::Sha256, P::Sha256),
    #[cfg(feature = "dss-suites")]
    suite(0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", DD, Aes256Cbc, M::Sha256, P::Sha256),
    #[cfg(feature = "dss-suites")]
    suite(0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", DD, Aes128Cbc, M::Sha1, P::Sha256),
    #[cfg(feature = "dss-suites")]
    suite(0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", DD, Aes256Cbc, M::Sha1, P::Sha256),
    suite(0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", Rsa, Aes128Gcm, M::None, P::Sha256),
    suite(0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", Rsa, Aes256Gcm, M::None, P::Sha384),
    suite(0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", Rsa, Aes128Cbc, M::Sha256, P::Sha256),
    suite(0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", Rsa, Aes256Cbc, M::Sha256, P::Sha256),
    suite(0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", Rsa, Aes128Cbc, M::Sha1, P::Sha256),
    suite(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", Rsa, Aes256Cbc, M::Sha1, P::Sha256),
    suite(0x00aa, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", DP, Aes128Gcm, M::None, P::Sha256),
    suite(0x00ab, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", DP, Aes256Gcm, M::None, P::Sha384),
    suite(0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256", Psk, Aes128Gcm, M::None, P::Sha256),
    suite(0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384", Psk, Aes256Gcm, M::None, P::Sha384),
    suite(0x00b2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", DP, Aes128Cbc, M::Sha256, P::Sha256),
    suite(0x00b3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", DP, Aes256Cbc, M::Sha384, P::Sha384),
    suite(0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256", Psk, Aes128Cbc, M::Sha256, P::Sha256),
    suite(0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384", Psk, Aes256Cbc, M::Sha384, P::Sha384),
    suite(0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", DP, Aes128Cbc, M::Sha1, P::Sha256),
    suite(0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", DP, Aes256Cbc, M::Sha1, P::Sha256),
    suite(0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA", Psk, Aes128Cbc, M::Sha1, P::Sha256),
    suite(0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA", Psk, Aes256Cbc, M::Sha1, P::Sha256),
    suite(0x0016, "SSL_DHE_RSA_WITH_3DES_EDE_CBC_SHA", DR, TripleDesCbc, M::Sha1, P::Sha256),
    suite(0x000a, "SSL_RSA_WITH_3DES_EDE_CBC_SHA", Rsa, TripleDesCbc, M::Sha1, P::Sha256),
    #[cfg(feature = "rc4-suites")]
    suite(0x0005, "SSL_RSA_WITH_RC4_128_SHA", Rsa, Rc4_128, M::Sha1, P::Sha256),
    #[cfg(feature = "rc4-suites")]
    suite(0x0004, "SSL_RSA_WITH_RC4_128_MD5", Rsa, Rc4_128, M::Md5, P::Sha256),
    #[cfg(feature = "anon-suites")]
    suite(0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", DA, Aes128Cbc, M::Sha1, P::Sha256),
    #[cfg(feature = "anon-suites")]
    suite(0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA", DA, Aes256Cbc, M::Sha1, P::Sha256),
    #[cfg(feature = "anon-suites")]
    suite(0x001b, "SSL_DH_anon_WITH_3DES_EDE_CBC_SHA", DA, TripleDesCbc, M::Sha1, P::Sha256),
    #[cfg(all(feature = "anon-suites", feature = "rc4-suites"))]
    suite(0x0018, "SSL_DH_anon_WITH_RC4_128_MD5", DA, Rc4_128, M::Md5, P::Sha256),
    #[cfg(feature = "null-suites")]
    suite(0x0002, "SSL_RSA_WITH_NULL_SHA", Rsa, Null, M::Sha1, P::Sha256),
    #[cfg(feature = "null-suites")]
    suite(0x0001, "SSL_RSA_WITH_NULL_MD5", Rsa, Null, M::Md5, P::Sha256),
];

pub fn by_id(id: u16) -> Option<&'static CipherSuite> {
    ALL.iter().find(|s| s.id == id)
}

/// A TLS 1.3 cipher suite (RFC 8446 §B.4): only the record AEAD and the hash of the key
/// schedule; key exchange and authentication are negotiated separately.
#[derive(Debug)]
pub struct Tls13Suite {
    pub id: u16,
    pub name: &'static str,
    pub aead: Tls13Aead,
    pub hash: Tls13Hash,
}

/// The TLS 1.3 suites in default preference order (ABI.md D26): AES-GCM first (this
/// library's targets have AES instructions; ring picks the fastest code per CPU).
pub static TLS13_SUITES: [Tls13Suite; 3] = [
    Tls13Suite {
        id: 0x1301,
        name: "TLS_AES_128_GCM_SHA256",
        aead: Tls13Aead::Aes128Gcm,
        hash: Tls13Hash::Sha256,
    },
    Tls13Suite {
        id: 0x1302,
        name: "TLS_AES_256_GCM_SHA384",
        aead: Tls13Aead::Aes256Gcm,
        hash: Tls13Hash::Sha384,
    },
    Tls13Suite {
        id: 0x1303,
        name: "TLS_CHACHA20_POLY1305_SHA256",
        aead: Tls13Aead::ChaCha20Poly1305,
        hash: Tls13Hash::Sha256,
    },
];

pub fn tls13_by_id(id: u16) -> Option<&'static Tls13Suite> {
    TLS13_SUITES.iter().find(|s| s.id == id)
}

/// The name of a suite of either table.
pub fn name_of(id: u16) -> Option<&'static str> {
    by_id(id)
        .map(|s| s.name)
        .or_else(|| tls13_by_id(id).map(|s| s.name))
}

/// Position in the policy's flags: the TLS ≤ 1.2 table, then the TLS 1.3 one.
fn index_of(id: u16) -> Option<usize> {
    ALL.iter().position(|s| s.id == id).or_else(|| {
        TLS13_SUITES
            .iter()
            .position(|s| s.id == id)
            .map(|i| SUITE_COUNT + i)
    })
}

/// Which suites may be negotiated and the highest version. Atomics, not plain values: the
/// process policy is changed by the C API while sessions on other threads are handshaking,
/// and those handshakes read it as it is at the moment (a suite disabled globally is no
/// longer selected by sessions created before, ABI.md §3.9.1).
pub struct SuitePolicy {
    enabled: [AtomicBool; SUITE_COUNT + TLS13_SUITES.len()],
    /// An extension of the 3.3 API (`matrixSslSetMaxProtocolVersion`):
    /// [`DEFAULT_MAX_VERSION`] unless the application changes it.
    max_version: AtomicU16,
}

impl SuitePolicy {
    /// Every compiled suite enabled, up to [`DEFAULT_MAX_VERSION`].
    pub const fn new() -> Self {
        SuitePolicy {
            enabled: [const { AtomicBool::new(true) }; SUITE_COUNT + TLS13_SUITES.len()],
            max_version: AtomicU16::new(DEFAULT_MAX_VERSION),
        }
    }

    pub fn enabled(&self, id: u16) -> bool {
        index_of(id).is_some_and(|i| self.enabled[i].load(Ordering::Relaxed))
    }

    /// Returns false when the library does not implement `id`.
    pub fn set_enabled(&self, id: u16, enabled: bool) -> bool {
        match index_of(id) {
            Some(i) => {
                self.enabled[i].store(enabled, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    pub fn max_version(&self) -> u16 {
        self.max_version.load(Ordering::Relaxed)
    }

    /// Returns false for versions this build cannot speak.
    pub fn set_max_version(&self, version: u16) -> bool {
        if (MIN_VERSION..=MAX_VERSION).contains(&version) {
            self.max_version.store(version, Ordering::Relaxed);
            true
        } else {
            false
        }
    }
}

impl Default for SuitePolicy {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_findable() {
        for s in ALL {
            assert_eq!(by_id(s.id).map(|x| x.name), Some(s.name));
        }
        assert_eq!(by_id(0x0005).is_some(), cfg!(feature = "rc4-suites"));
        assert!(by_id(0x1234).is_none());
    }

    #[test]
    fn policies_are_independent() {
        let (a, b) = (SuitePolicy::new(), SuitePolicy::new());
        assert!(a.set_enabled(0x002f, false));
        assert!(!a.enabled(0x002f) && b.enabled(0x002f));
        assert!(!a.set_enabled(0x1234, false) && !a.enabled(0x1234));
        assert!(a.set_max_version(TLS1_1) && !a.set_max_version(0x0305));
        assert!(a.set_enabled(0x1302, false) && !a.enabled(0x1302) && b.enabled(0x1302));
        assert_eq!(
            (a.max_version(), b.max_version()),
            (TLS1_1, DEFAULT_MAX_VERSION)
        );
    }

    #[test]
    fn sha2_and_aead_suites_need_tls12() {
        assert!(!by_id(0x009c).unwrap().usable_with(TLS1_1));
        assert!(by_id(0x002f).unwrap().usable_with(TLS1_0));
        assert!(by_id(0xc013).unwrap().usable_with(TLS1_0));
        assert!(!by_id(0xc027).unwrap().usable_with(TLS1_1));
    }

    #[test]
    fn psk_cbc_sha2_suites_exist_from_tls10() {
        for id in [0x00ae, 0x00af, 0x00b2, 0x00b3] {
            let s = by_id(id).unwrap();
            assert!(s.usable_with(TLS1_0) && s.usable_with(TLS1_1), "{}", s.name);
            assert_eq!(s.prf_for(TLS1_0), PrfAlgorithm::Tls10, "{}", s.name);
            assert_ne!(s.prf_for(TLS1_2), PrfAlgorithm::Tls10, "{}", s.name);
            assert!(!s.usable_with(SSL3), "{}", s.name);
        }
        for id in [0x00a8, 0x00a9, 0x00aa, 0x00ab] {
            assert!(!by_id(id).unwrap().usable_with(TLS1_1));
        }
    }

    #[test]
    fn sha384_suites_use_the_sha384_prf() {
        for s in ALL {
            let wants_384 = s.name.ends_with("SHA384");
            assert_eq!(s.prf12 == PrfAlgorithm::Sha384, wants_384, "{}", s.name);
        }
    }
}
