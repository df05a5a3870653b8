//! The loaders behind `matrixSslLoadRsaKeys[Mem]` (ABI.md §3.2.3, §3.2.4) and
//! `matrixSslLoadEcKeys[Mem]` (§3.11).
//!
//! Everything is parsed and checked into locals first and assigned to the container at
//! the very end, so a failing call leaves `Keys` exactly as it was.
//!
//! The RSA and EC loaders differ only in the identity slot they fill and the key
//! algorithm they accept. Slots: an RSA identity load fails with `PS_UNSUPPORTED_FAIL`
//! only if an RSA identity is already loaded, an EC identity load only if an EC identity
//! is; the CA list is one slot shared by both loaders (any second CA load fails), and
//! either loader's CA list may mix RSA and ECDSA certificates. A key of the other
//! loader's algorithm (an RSA key given to the EC loader or the reverse) is
//! `PS_UNSUPPORTED_FAIL`, like any key algorithm the loader does not support; a key of
//! the right algorithm that does not match the leaf is `PS_CERT_AUTH_FAIL`.
//!
//! `pki` parses and verifies; this module owns filling the container's slots (it was
//! `impl Keys` inside `pki`, which made the two modules depend on each other).

use std::sync::Arc;

use super::{Identity, Keys};
use crate::error::{PS_CERT_AUTH_FAIL, PS_PARSE_FAIL, PS_UNSUPPORTED_FAIL};
use crate::pki::certificate::{Certificate, parse_der_chain};
use crate::pki::dhparams::{dh_group_from_der, dh_group_from_pem};
use crate::pki::load::{read_cert_files, read_file};
use crate::pki::pkcs12;
use crate::pki::privkey::PrivateKey;

/// The identity kind a loader fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Rsa,
    Ec,
}

impl Slot {
    fn accepts(self, key: &PrivateKey) -> bool {
        match self {
            Slot::Rsa => key.is_rsa(),
            Slot::Ec => key.is_ec(),
        }
    }
}

impl Keys {
    /// `matrixSslLoadRsaKeys`: PEM files. `cert_files` and `ca_files` are `;`-separated
    /// lists of file names (as the C strings' bytes), each file holding one or more
    /// certificates; `priv_file` is one PEM key file, `priv_pass` its password.
    pub fn load_rsa_files(
        &mut self,
        cert_files: Option<&[u8]>,
        priv_file: Option<&[u8]>,
        priv_pass: Option<&[u8]>,
        ca_files: Option<&[u8]>,
    ) -> Result<(), i32> {
        self.load_files(Slot::Rsa, cert_files, priv_file, priv_pass, ca_files)
    }

    /// `matrixSslLoadEcKeys`: as [`Keys::load_rsa_files`] for an ECDSA identity (P-256 or
    /// P-384 key: SEC1 `EC PRIVATE KEY` or PKCS#8, plain or encrypted).
    pub fn load_ec_files(
        &mut self,
        cert_files: Option<&[u8]>,
        priv_file: Option<&[u8]>,
        priv_pass: Option<&[u8]>,
        ca_files: Option<&[u8]>,
    ) -> Result<(), i32> {
        self.load_files(Slot::Ec, cert_files, priv_file, priv_pass, ca_files)
    }

    /// `matrixSslLoadRsaKeysMem`: DER only. `cert_der` and `ca_der` are one or more
    /// concatenated certificates; `priv_der` is PKCS#1, or unencrypted PKCS#8.
    pub fn load_rsa_mem(
        &mut self,
        cert_der: Option<&[u8]>,
        priv_der: Option<&[u8]>,
        ca_der: Option<&[u8]>,
    ) -> Result<(), i32> {
        self.load_mem(Slot::Rsa, cert_der, priv_der, ca_der)
    }

    /// `matrixSslLoadEcKeysMem`: as [`Keys::load_rsa_mem`] for an ECDSA identity; `priv_der`
    /// is SEC1 or unencrypted PKCS#8.
    pub fn load_ec_mem(
        &mut self,
        cert_der: Option<&[u8]>,
        priv_der: Option<&[u8]>,
        ca_der: Option<&[u8]>,
    ) -> Result<(), i32> {
        self.load_mem(Slot::Ec, cert_der, priv_der, ca_der)
    }

    fn load_files(
        &mut self,
        slot: Slot,
        cert_files: Option<&[u8]>,
        priv_file: Option<&[u8]>,
        priv_pass: Option<&[u8]>,
        ca_files: Option<&[u8]>,
    ) -> Result<(), i32> {
        self.check_slots(
            slot,
            cert_files.is_some() || priv_file.is_some(),
            ca_files.is_some(),
        )?;
        let chain = cert_files.map(read_cert_files).transpose()?;
        let key = priv_file
            .map(|f| {
                let text = read_file(f)?;
                PrivateKey::from_pem(&text, priv_pass)
            })
            .transpose()?;
        let cas = ca_files.map(read_cert_files).transpose()?;
        self.install(slot, chain, key, cas)
    }

    fn load_mem(
        &mut self,
        slot: Slot,
        cert_der: Option<&[u8]>,
        priv_der: Option<&[u8]>,
        ca_der: Option<&[u8]>,
    ) -> Result<(), i32> {
        self.check_slots(
            slot,
            cert_der.is_some() || priv_der.is_some(),
            ca_der.is_some(),
        )?;
        let chain = cert_der.map(parse_der_chain).transpose()?;
        let key = priv_der.map(PrivateKey::from_der_any).transpose()?;
        let cas = ca_der.map(parse_der_chain).transpose()?;
        self.install(slot, chain, key, cas)
    }

    fn identity_slot(&mut self, slot: Slot) -> &mut Option<Identity> {
        match slot {
            Slot::Rsa => &mut self.rsa_identity,
            Slot::Ec => &mut self.ec_identity,
        }
    }

    /// Each slot (the loader's identity, the shared CA list) may be filled once.
    fn check_slots(&self, slot: Slot, identity: bool, cas: bool) -> Result<(), i32> {
        let taken = match slot {
            Slot::Rsa => self.rsa_identity.is_some(),
            Slot::Ec => self.ec_identity.is_some(),
        };
        if (identity && taken) || (cas && !self.ca_certs.is_empty()) {
            return Err(PS_UNSUPPORTED_FAIL);
        }
        Ok(())
    }

    /// Checks the identity (key algorithm, both halves, key matches leaf) and commits.
    fn install(
        &mut self,
        slot: Slot,
        chain: Option<Vec<Certificate>>,
        key: Option<PrivateKey>,
        cas: Option<Vec<Certificate>>,
    ) -> Result<(), i32> {
        if key.as_ref().is_some_and(|k| !slot.accepts(k)) {
            return Err(PS_UNSUPPORTED_FAIL);
        }
        let identity = match (chain, key) {
            (None, None) => None,
            (Some(chain), Some(key)) => {
                check_identity(&chain, &key)?;
                Some(Identity {
                    chain: chain.into_iter().map(Arc::new).collect(),
                    key: Arc::new(key),
                })
            }
            _ => return Err(PS_CERT_AUTH_FAIL),
        };
        if let Some(identity) = identity {
            *self.identity_slot(slot) = Some(identity);
        }
        if let Some(cas) = cas {
            self.ca_certs = cas.into_iter().map(Arc::new).collect();
        }
        Ok(())
    }
}

/// For the other loaders of `pki` (PKCS#12): installs `chain` (leaf first) and `key` into the
/// identity slot of the key's algorithm, with the same checks as the PEM/DER loaders.
/// `PS_UNSUPPORTED_FAIL` if that slot is taken (or the key algorithm has none),
/// `PS_CERT_AUTH_FAIL` if the key does not match the leaf.
pub(crate) fn install_identity(
    keys: &mut Keys,
    chain: Vec<Certificate>,
    key: PrivateKey,
) -> Result<(), i32> {
    let slot = if key.is_rsa() {
        Slot::Rsa
    } else if key.is_ec() {
        Slot::Ec
    } else {
        return Err(PS_UNSUPPORTED_FAIL);
    };
    keys.check_slots(slot, true, false)?;
    keys.install(slot, Some(chain), Some(key), None)
}

/// D9b: the key matches the child-most certificate. The rest of the chain was parsed
/// and is sent as loaded; its links and signatures are not checked here (3.3 did not
/// either: the peer verifies them), so an identity whose chain a peer would refuse, or
/// whose issuer certificate is missing or unrelated, still loads and serves.
fn check_identity(chain: &[Certificate], key: &PrivateKey) -> Result<(), i32> {
    let leaf = chain.first().ok_or(PS_PARSE_FAIL)?;
    if !key.matches(&leaf.public_key) {
        return Err(PS_CERT_AUTH_FAIL);
    }
    Ok(())
}

impl Keys {
    /// `matrixSslLoadPkcs12`: loads the key and its certificate chain from the PKCS#12 file
    /// `path` (C string bytes) into the RSA or EC identity slot, whichever the key's algorithm
    /// is. `mac_pass` `None` means the import password. Codes: `pki::pkcs12`'s module doc
    /// (an unreadable file is `PS_PARSE_FAIL`, as 3.3).
    pub fn load_pkcs12(
        &mut self,
        path: &[u8],
        import_pass: &[u8],
        mac_pass: Option<&[u8]>,
    ) -> Result<(), i32> {
        // An unreadable file is PS_PARSE_FAIL here (3.3's code), not read_file's
        // PS_PLATFORM_FAIL.
        let data = read_file(path).map_err(|_| PS_PARSE_FAIL)?;
        self.load_pkcs12_der(&data, import_pass, mac_pass)
    }

    /// [`Keys::load_pkcs12`] from the file's bytes.
    pub fn load_pkcs12_der(
        &mut self,
        data: &[u8],
        import_pass: &[u8],
        mac_pass: Option<&[u8]>,
    ) -> Result<(), i32> {
        let (key, chain) = pkcs12::identity_from_der(data, import_pass, mac_pass)?;
        install_identity(self, chain, key)
    }

    /// `matrixSslLoadDhParams`: the first DH parameter block of a PEM file (`pki::dhparams`).
    /// `path` is the C string's bytes.
    pub fn load_dh_params_file(&mut self, path: &[u8]) -> Result<(), i32> {
        if self.dh_params.is_some() {
            return Err(PS_UNSUPPORTED_FAIL);
        }
        let text = read_file(path)?;
        self.dh_params = Some(Arc::new(dh_group_from_pem(&text)?));
        Ok(())
    }

    /// `matrixSslLoadDhParamsMem`: DER PKCS#3 `DHParameter` (`pki::dhparams`).
    pub fn load_dh_params_der(&mut self, der_bytes: &[u8]) -> Result<(), i32> {
        if self.dh_params.is_some() {
            return Err(PS_UNSUPPORTED_FAIL);
        }
        self.dh_params = Some(Arc::new(dh_group_from_der(der_bytes)?));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{PS_ARG_FAIL, PS_FAILURE, PS_PLATFORM_FAIL};
    use crate::test_fixtures::core_files::{core_path, ec_pki, legacy_pki, std_pki};

    /// The fixture file (tests/fixtures/core/) behind each short file name the tests use;
    /// names not listed (missing.*) name files that do not exist.
    const FILES: &[(&str, &str)] = &[
        ("leaf.crt", "std-leaf.crt.pem"),
        ("inter.crt", "std-inter.crt.pem"),
        ("root.crt", "std-root.crt.pem"),
        ("other.crt", "std-other.crt.pem"),
        ("leaf.key", "std-leaf.key.pem"),
        ("inter.key", "std-inter.key.pem"),
        ("leaf.der", "std-leaf.crt.der"),
        // leaf.crt, a line of text, inter.crt.
        ("chain.crt", "std-leaf-text-inter.crt.pem"),
        ("roots.crt", "std-root-other.crt.pem"),
        // leaf.key encrypted with password "pw": legacy PEM des3, PKCS#8 PBES2 des3.
        ("legacy.key", "std-leaf.key-des3-pw.pem"),
        ("p8.key", "std-leaf.key-p8-des3-pw.pem"),
        ("ec-leaf.crt", "ec-leaf.crt.pem"),
        ("ec-inter.crt", "ec-inter.crt.pem"),
        ("ec-root.crt", "ec-root.crt.pem"),
        ("ec-other.crt", "ec-other.crt.pem"),
        ("ec-leaf.key", "ec-leaf.key.pem"),
        ("ec-leaf-p8.key", "ec-leaf.key.p8.pem"),
        ("ec-inter.key", "ec-inter.key.pem"),
        ("ec384.crt", "ec-leaf384.crt.pem"),
        ("ec384.key", "ec-leaf384.key.pem"),
        ("mixed.crt", "ec-mixed.crt.pem"),
        ("mixed.key", "ec-mixed.key.p8.pem"),
        ("mixed-roots.crt", "std-root-ec-root.crt.pem"),
        // ec-leaf.key encrypted with password "pw": legacy PEM aes256, PKCS#8 PBES2 des3.
        ("ec-legacy.key", "ec-leaf.key-aes256-pw.pem"),
        ("ec-p8.key", "ec-leaf.key-p8-des3-pw.pem"),
    ];

    /// The `;`-separated file list the loaders take, for short names.
    fn p(names: &str) -> Vec<u8> {
        names
            .split(';')
            .map(|n| {
                let file = FILES
                    .iter()
                    .find(|(short, _)| *short == n)
                    .map_or(n, |f| f.1);
                core_path(file)
            })
            .collect::<Vec<_>>()
            .join(";")
            .into_bytes()
    }

    type Snapshot = (Option<Vec<Vec<u8>>>, Option<Vec<Vec<u8>>>, Vec<Vec<u8>>);

    fn snapshot(k: &Keys) -> Snapshot {
        let ders = |id: &Option<Identity>| {
            id.as_ref()
                .map(|i| i.chain.iter().map(|c| c.der.clone()).collect())
        };
        (
            ders(&k.rsa_identity),
            ders(&k.ec_identity),
            k.ca_certs.iter().map(|c| c.der.clone()).collect(),
        )
    }

    fn empty(k: &Keys) -> bool {
        k.rsa_identity.is_none() && k.ec_identity.is_none() && k.ca_certs.is_empty()
    }

    #[test]
    fn files_identity_and_cas() {
        let pki = std_pki();
        let mut keys = Keys::default();
        keys.load_rsa_files(
            Some(&p("leaf.crt;inter.crt")),
            Some(&p("leaf.key")),
            None,
            Some(&p("roots.crt")),
        )
        .unwrap();
        let id = keys.rsa_identity().unwrap();
        assert_eq!(id.chain.len(), 2);
        assert_eq!(id.chain[0].der, pki.leaf.cert_der);
        assert_eq!(id.chain[1].der, pki.inter.cert_der);
        assert_eq!(keys.ca_certs.len(), 2);
        assert!(keys.has_rsa_ca());

        // Multiple blocks in one file give the same chain.
        let mut k2 = Keys::default();
        k2.load_rsa_files(Some(&p("chain.crt")), Some(&p("leaf.key")), None, None)
            .unwrap();
        assert_eq!(snapshot(&k2).0, snapshot(&keys).0);
        assert!(keys.ec_identity().is_none() && !keys.has_ec_ca());
    }

    #[test]
    fn slots_are_independent_and_filled_once() {
        let mut keys = Keys::default();
        assert_eq!(keys.load_rsa_files(None, None, None, None), Ok(()));
        keys.load_rsa_files(Some(&p("leaf.crt")), Some(&p("leaf.key")), None, None)
            .unwrap();
        keys.load_rsa_files(None, None, None, Some(&p("root.crt")))
            .unwrap();
        let before = snapshot(&keys);
        assert_eq!(
            keys.load_rsa_files(Some(&p("leaf.crt")), Some(&p("leaf.key")), None, None),
            Err(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(
            keys.load_rsa_files(None, None, None, Some(&p("other.crt"))),
            Err(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(
            keys.load_rsa_mem(None, None, Some(&std_pki().root.cert_der)),
            Err(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(snapshot(&keys), before);
    }

    #[test]
    fn file_errors() {
        type Case<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, i32);
        let cases: Vec<Case> = vec![
            (
                Some("missing.crt"),
                Some("leaf.key"),
                None,
                PS_PLATFORM_FAIL,
            ),
            (
                Some("leaf.crt"),
                Some("missing.key"),
                None,
                PS_PLATFORM_FAIL,
            ),
            (None, None, Some("root.crt;missing.crt"), PS_PLATFORM_FAIL),
            (Some("leaf.der"), Some("leaf.key"), None, PS_PARSE_FAIL),
            (None, None, Some("leaf.key"), PS_PARSE_FAIL),
            (Some("leaf.crt"), Some("leaf.crt"), None, PS_PARSE_FAIL),
            (Some("leaf.crt"), None, None, PS_CERT_AUTH_FAIL),
            (None, Some("leaf.key"), None, PS_CERT_AUTH_FAIL),
            (Some("leaf.crt"), Some("inter.key"), None, PS_CERT_AUTH_FAIL),
        ];
        for (cert, key, ca, code) in cases {
            let mut keys = Keys::default();
            let c = cert.map(p);
            let k = key.map(p);
            let a = ca.map(p);
            let got = keys.load_rsa_files(c.as_deref(), k.as_deref(), None, a.as_deref());
            assert_eq!(got, Err(code), "{cert:?} {key:?} {ca:?}");
            assert!(empty(&keys));
        }
        // An empty file list names no file.
        let mut keys = Keys::default();
        assert_eq!(
            keys.load_rsa_files(None, None, None, Some(b"")),
            Err(PS_PLATFORM_FAIL)
        );
    }

    /// D9b: the identity's own chain is parsed and sent as loaded, not verified: a chain
    /// with a wrong or reversed issuer loads as long as the key matches the first
    /// certificate.
    #[test]
    fn unlinked_chains_load() {
        for (cert, key) in [
            ("leaf.crt;root.crt", "leaf.key"),
            ("inter.crt;leaf.crt", "inter.key"),
        ] {
            let mut keys = Keys::default();
            let got = keys.load_rsa_files(Some(&p(cert)), Some(&p(key)), None, None);
            assert_eq!(got, Ok(()), "{cert} {key}");
            assert_eq!(keys.rsa_identity().map(|i| i.chain.len()), Some(2));
        }
        let pki = std_pki();
        let cas = [pki.root.cert_der.clone(), pki.other_root.cert_der.clone()].concat();
        let mut keys = Keys::default();
        keys.load_rsa_mem(Some(&cas), Some(&pki.root.key_pkcs1_der), None)
            .unwrap();
        let chain = &keys.rsa_identity().unwrap().chain;
        assert_eq!(chain[1].der, pki.other_root.cert_der);
    }

    #[test]
    fn failure_leaves_container_untouched() {
        let mut keys = Keys::default();
        keys.load_rsa_files(None, None, None, Some(&p("root.crt")))
            .unwrap();
        let before = snapshot(&keys);
        // Identity fails (mismatch) after parsing: nothing changes.
        assert_eq!(
            keys.load_rsa_files(Some(&p("leaf.crt")), Some(&p("inter.key")), None, None),
            Err(PS_CERT_AUTH_FAIL)
        );
        assert_eq!(snapshot(&keys), before);
        // Good identity + bad CA file in one call: neither is loaded.
        let mut fresh = Keys::default();
        assert_eq!(
            fresh.load_rsa_files(
                Some(&p("leaf.crt")),
                Some(&p("leaf.key")),
                None,
                Some(&p("leaf.key"))
            ),
            Err(PS_PARSE_FAIL)
        );
        assert!(empty(&fresh));
        // The container is still usable afterwards.
        fresh
            .load_rsa_files(Some(&p("leaf.crt")), Some(&p("leaf.key")), None, None)
            .unwrap();
    }

    #[test]
    fn encrypted_key_files() {
        for (file, none_code) in [("legacy.key", PS_ARG_FAIL), ("p8.key", PS_FAILURE)] {
            let load = |pass: Option<&[u8]>| {
                let mut keys = Keys::default();
                keys.load_rsa_files(Some(&p("leaf.crt")), Some(&p(file)), pass, None)
                    .map(|()| keys.rsa_identity.is_some())
            };
            assert_eq!(load(Some(b"pw")), Ok(true), "{file}");
            assert_eq!(load(Some(b"wrong")), Err(PS_FAILURE), "{file}");
            assert_eq!(load(None), Err(none_code), "{file}");
        }
    }

    #[test]
    fn mem_loader() {
        let pki = std_pki();
        let mut chain = pki.leaf.cert_der.clone();
        chain.extend_from_slice(&pki.inter.cert_der);
        let mut cas = pki.root.cert_der.clone();
        cas.extend_from_slice(&pki.other_root.cert_der);

        let mut keys = Keys::default();
        keys.load_rsa_mem(Some(&chain), Some(&pki.leaf.key_pkcs1_der), Some(&cas))
            .unwrap();
        assert_eq!(keys.rsa_identity().unwrap().chain.len(), 2);
        assert!(keys.ec_identity().is_none());
        assert_eq!(keys.ca_certs.len(), 2);

        let mut k8 = Keys::default();
        k8.load_rsa_mem(Some(&chain), Some(&pki.leaf.key_pkcs8_der), None)
            .unwrap();

        let truncated = &chain[..chain.len() - 10];
        type Case<'a> = (Option<&'a [u8]>, Option<&'a [u8]>, Option<&'a [u8]>, i32);
        let cases: Vec<Case> = vec![
            (
                Some(&pki.leaf.cert_pem),
                Some(&pki.leaf.key_pkcs1_der),
                None,
                PS_PARSE_FAIL,
            ),
            (Some(&chain), Some(&pki.leaf.key_pem), None, PS_PARSE_FAIL),
            (None, None, Some(&pki.root.cert_pem), PS_PARSE_FAIL),
            (
                Some(truncated),
                Some(&pki.leaf.key_pkcs1_der),
                None,
                PS_PARSE_FAIL,
            ),
            (
                Some(&[]),
                Some(&pki.leaf.key_pkcs1_der),
                None,
                PS_PARSE_FAIL,
            ),
            (Some(&chain), None, None, PS_CERT_AUTH_FAIL),
            (None, Some(&pki.leaf.key_pkcs1_der), None, PS_CERT_AUTH_FAIL),
            (
                Some(&chain),
                Some(&pki.inter.key_pkcs1_der),
                None,
                PS_CERT_AUTH_FAIL,
            ),
        ];
        for (c, k, a, code) in cases {
            let mut keys = Keys::default();
            assert_eq!(keys.load_rsa_mem(c, k, a), Err(code));
            assert!(empty(&keys));
        }
    }

    #[test]
    fn legacy_chain_and_non_rsa_cas_load() {
        let legacy = legacy_pki();
        let mut chain = legacy.leaf.cert_der.clone();
        chain.extend_from_slice(&legacy.inter.cert_der);
        // A self-signed P-256 CA.
        let ec_root = &ec_pki().other_root;
        let mut keys = Keys::default();
        let got = keys.load_rsa_mem(
            Some(&chain),
            Some(&legacy.leaf.key_pkcs1_der),
            Some(&ec_root.cert_der),
        );
        // The identity's own chain signatures are not checked (D9b), so even a build that
        // refuses SHA-1 and 1024-bit chains from peers loads it.
        assert_eq!(got, Ok(()));
        assert!(!keys.has_rsa_ca());
    }

    #[test]
    fn ec_files_identity_and_mixed_cas() {
        let ec = ec_pki();
        for key in ["ec-leaf.key", "ec-leaf-p8.key"] {
            let mut keys = Keys::default();
            keys.load_ec_files(
                Some(&p("ec-leaf.crt;ec-inter.crt")),
                Some(&p(key)),
                None,
                Some(&p("mixed-roots.crt")),
            )
            .unwrap();
            let id = keys.ec_identity().unwrap();
            assert_eq!(id.chain.len(), 2);
            assert_eq!(id.chain[0].der, ec.leaf.cert_der);
            assert!(id.key.is_ec());
            assert!(keys.rsa_identity().is_none());
            assert_eq!(keys.primary_identity().map(|i| i.chain.len()), Some(2));
            assert_eq!(keys.ca_certs.len(), 2);
            assert!(keys.has_rsa_ca() && keys.has_ec_ca() && keys.has_ca());
        }
        // P-384 leaf directly under the P-384 root (root sent too); mixed chain: P-256 leaf
        // signed by the RSA intermediate.
        let mut keys = Keys::default();
        keys.load_ec_files(
            Some(&p("ec384.crt;ec-root.crt")),
            Some(&p("ec384.key")),
            None,
            None,
        )
        .unwrap();
        assert_eq!(keys.ec_identity().unwrap().chain.len(), 2);
        assert!(!keys.has_ca());
        let mut keys = Keys::default();
        keys.load_ec_files(
            Some(&p("mixed.crt;inter.crt")),
            Some(&p("mixed.key")),
            None,
            Some(&p("ec-root.crt")),
        )
        .unwrap();
        assert!(keys.has_ec_ca() && !keys.has_rsa_ca());
    }

    #[test]
    fn rsa_and_ec_identities_share_one_container() {
        let mut keys = Keys::default();
        keys.load_rsa_files(
            Some(&p("leaf.crt;inter.crt")),
            Some(&p("leaf.key")),
            None,
            Some(&p("root.crt")),
        )
        .unwrap();
        // The EC identity slot is free; the CA slot is not (shared by both loaders).
        assert_eq!(
            keys.load_ec_files(None, None, None, Some(&p("ec-root.crt"))),
            Err(PS_UNSUPPORTED_FAIL)
        );
        keys.load_ec_files(
            Some(&p("ec-leaf.crt;ec-inter.crt")),
            Some(&p("ec-leaf.key")),
            None,
            None,
        )
        .unwrap();
        assert!(keys.rsa_identity().unwrap().key.is_rsa());
        assert!(keys.ec_identity().unwrap().key.is_ec());
        assert!(keys.primary_identity().unwrap().key.is_rsa());
        let before = snapshot(&keys);
        assert_eq!(
            keys.load_ec_files(Some(&p("ec384.crt")), Some(&p("ec384.key")), None, None),
            Err(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(
            keys.load_rsa_files(Some(&p("leaf.crt")), Some(&p("leaf.key")), None, None),
            Err(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(
            keys.load_ec_mem(None, None, Some(&ec_pki().root.cert_der)),
            Err(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(snapshot(&keys), before);

        // EC first, then RSA, also works.
        let mut keys = Keys::default();
        keys.load_ec_files(
            Some(&p("ec-leaf.crt;ec-inter.crt")),
            Some(&p("ec-leaf.key")),
            None,
            None,
        )
        .unwrap();
        assert!(keys.primary_identity().unwrap().key.is_ec());
        keys.load_rsa_files(Some(&p("leaf.crt")), Some(&p("leaf.key")), None, None)
            .unwrap();
        assert!(keys.primary_identity().unwrap().key.is_rsa());
    }

    #[test]
    fn ec_loader_errors() {
        type Case<'a> = (&'a str, &'a str, i32);
        let ec_cases: Vec<Case> = vec![
            // RSA identity given to the EC loader: unsupported key algorithm.
            ("leaf.crt", "leaf.key", PS_UNSUPPORTED_FAIL),
            // EC key of another certificate; EC key with an RSA certificate.
            ("ec-leaf.crt", "ec-inter.key", PS_CERT_AUTH_FAIL),
            ("leaf.crt", "ec-leaf.key", PS_CERT_AUTH_FAIL),
            ("ec-leaf.crt", "missing.key", PS_PLATFORM_FAIL),
            ("ec-leaf.crt", "ec-leaf.crt", PS_PARSE_FAIL),
        ];
        for (cert, key, code) in ec_cases {
            let mut keys = Keys::default();
            let got = keys.load_ec_files(Some(&p(cert)), Some(&p(key)), None, None);
            assert_eq!(got, Err(code), "{cert} {key}");
            assert!(empty(&keys));
        }
        // Chains that do not verify (wrong issuer, reversed order) load all the same (D9b).
        for (cert, key) in [
            ("ec-leaf.crt;ec-other.crt", "ec-leaf.key"),
            ("ec-leaf.crt;ec-root.crt", "ec-leaf.key"),
            ("ec-inter.crt;ec-leaf.crt", "ec-inter.key"),
            ("mixed.crt;root.crt", "mixed.key"),
        ] {
            let mut keys = Keys::default();
            let got = keys.load_ec_files(Some(&p(cert)), Some(&p(key)), None, None);
            assert_eq!(got, Ok(()), "{cert} {key}");
        }
        // EC identity given to the RSA loader.
        let mut keys = Keys::default();
        assert_eq!(
            keys.load_rsa_files(Some(&p("ec-leaf.crt")), Some(&p("ec-leaf.key")), None, None),
            Err(PS_UNSUPPORTED_FAIL)
        );
        // Halves.
        assert_eq!(
            keys.load_ec_files(Some(&p("ec-leaf.crt")), None, None, None),
            Err(PS_CERT_AUTH_FAIL)
        );
        assert_eq!(
            keys.load_ec_files(None, Some(&p("ec-leaf.key")), None, None),
            Err(PS_CERT_AUTH_FAIL)
        );
        assert!(empty(&keys));
    }

    #[test]
    fn encrypted_ec_key_files() {
        for (file, none_code) in [("ec-legacy.key", PS_ARG_FAIL), ("ec-p8.key", PS_FAILURE)] {
            let load = |pass: Option<&[u8]>| {
                let mut keys = Keys::default();
                keys.load_ec_files(Some(&p("ec-leaf.crt")), Some(&p(file)), pass, None)
                    .map(|()| keys.ec_identity.is_some())
            };
            assert_eq!(load(Some(b"pw")), Ok(true), "{file}");
            assert_eq!(load(Some(b"wrong")), Err(PS_FAILURE), "{file}");
            assert_eq!(load(None), Err(none_code), "{file}");
        }
    }

    #[test]
    fn ec_mem_loader() {
        let ec = ec_pki();
        let pki = std_pki();
        let chain = [ec.leaf.cert_der.clone(), ec.inter.cert_der.clone()].concat();
        let cas = [pki.root.cert_der.clone(), ec.root.cert_der.clone()].concat();
        for key in [&ec.leaf.key_pkcs1_der, &ec.leaf.key_pkcs8_der] {
            let mut keys = Keys::default();
            keys.load_ec_mem(Some(&chain), Some(key), Some(&cas))
                .unwrap();
            assert_eq!(keys.ec_identity().unwrap().chain.len(), 2);
            assert!(keys.has_rsa_ca() && keys.has_ec_ca());
        }
        let mut keys = Keys::default();
        keys.load_ec_mem(
            Some(&ec.leaf384.cert_der),
            Some(&ec.leaf384.key_pkcs1_der),
            None,
        )
        .unwrap();
        let mixed = [ec.mixed_leaf.cert_der.clone(), pki.inter.cert_der.clone()].concat();
        keys.load_rsa_mem(None, None, Some(&pki.root.cert_der))
            .unwrap();
        assert!(keys.ec_identity().is_some() && keys.has_rsa_ca() && !keys.has_ec_ca());
        let mut keys = Keys::default();
        keys.load_ec_mem(Some(&mixed), Some(&ec.mixed_leaf.key_pkcs8_der), None)
            .unwrap();

        let rsa_chain = [pki.leaf.cert_der.clone(), pki.inter.cert_der.clone()].concat();
        let bad_link = [ec.leaf.cert_der.clone(), ec.other_root.cert_der.clone()].concat();
        type Case<'a> = (Option<&'a [u8]>, Option<&'a [u8]>, i32);
        let cases: Vec<Case> = vec![
            (
                Some(&ec.leaf.cert_pem),
                Some(&ec.leaf.key_pkcs1_der),
                PS_PARSE_FAIL,
            ),
            (Some(&chain), Some(&ec.leaf.key_pem), PS_PARSE_FAIL),
            (
                Some(&chain),
                Some(&ec.leaf.key_pkcs1_der[..40]),
                PS_PARSE_FAIL,
            ),
            (
                Some(&rsa_chain),
                Some(&pki.leaf.key_pkcs1_der),
                PS_UNSUPPORTED_FAIL,
            ),
            (
                Some(&chain),
                Some(&ec.inter.key_pkcs1_der),
                PS_CERT_AUTH_FAIL,
            ),
            (Some(&chain), None, PS_CERT_AUTH_FAIL),
        ];
        for (c, k, code) in cases {
            let mut keys = Keys::default();
            assert_eq!(keys.load_ec_mem(c, k, None), Err(code));
            assert!(empty(&keys));
        }
        // The RSA DER loader refuses EC keys.
        let mut keys = Keys::default();
        assert_eq!(
            keys.load_rsa_mem(Some(&chain), Some(&ec.leaf.key_pkcs8_der), None),
            Err(PS_UNSUPPORTED_FAIL)
        );
        // A chain whose second certificate did not issue the first loads (D9b).
        let mut keys = Keys::default();
        assert_eq!(
            keys.load_ec_mem(Some(&bad_link), Some(&ec.leaf.key_pkcs1_der), None),
            Ok(())
        );
    }
}
