//! The loaders behind `matrixSslLoadRsaKeys` / `matrixSslLoadRsaKeysMem`
//! (ABI.md §3.2.3, §3.2.4).
//!
//! Everything is parsed and checked into locals first and assigned to the container at
//! the very end, so a failing call leaves `Keys` exactly as it was.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Arc;

use zeroize::Zeroizing;

use super::certificate::{Certificate, parse_der_chain};
use super::pem::parse_pem;
use super::privkey::PrivateKey;
use super::verify::signature_ok;
use crate::error::{PS_CERT_AUTH_FAIL, PS_PARSE_FAIL, PS_PLATFORM_FAIL, PS_UNSUPPORTED_FAIL};
use crate::keys::{Identity, Keys};

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
        self.check_slots(
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
        self.install(chain, key, cas)
    }

    /// `matrixSslLoadRsaKeysMem`: DER only. `cert_der` and `ca_der` are one or more
    /// concatenated certificates; `priv_der` is PKCS#1, or unencrypted PKCS#8.
    pub fn load_rsa_mem(
        &mut self,
        cert_der: Option<&[u8]>,
        priv_der: Option<&[u8]>,
        ca_der: Option<&[u8]>,
    ) -> Result<(), i32> {
        self.check_slots(cert_der.is_some() || priv_der.is_some(), ca_der.is_some())?;
        let chain = cert_der.map(parse_der_chain).transpose()?;
        let key = priv_der.map(PrivateKey::from_der_any).transpose()?;
        let cas = ca_der.map(parse_der_chain).transpose()?;
        self.install(chain, key, cas)
    }

    /// Each slot (identity, CA list) may be filled once.
    fn check_slots(&self, identity: bool, cas: bool) -> Result<(), i32> {
        if (identity && self.identity.is_some()) || (cas && !self.ca_certs.is_empty()) {
            return Err(PS_UNSUPPORTED_FAIL);
        }
        Ok(())
    }

    /// Checks the identity (both halves, key matches leaf, chain links) and commits.
    fn install(
        &mut self,
        chain: Option<Vec<Certificate>>,
        key: Option<PrivateKey>,
        cas: Option<Vec<Certificate>>,
    ) -> Result<(), i32> {
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
            self.identity = Some(identity);
        }
        if let Some(cas) = cas {
            self.ca_certs = cas.into_iter().map(Arc::new).collect();
        }
        Ok(())
    }
}

/// Key matches the child-most certificate, and each certificate is issued (DN) and
/// signed by the next one. The top need not be self-signed or trusted, and dates are
/// not looked at (3.3 semantics).
fn check_identity(chain: &[Certificate], key: &PrivateKey) -> Result<(), i32> {
    let leaf = chain.first().ok_or(PS_PARSE_FAIL)?;
    if !key.matches(&leaf.public_key) {
        return Err(PS_CERT_AUTH_FAIL);
    }
    for pair in chain.windows(2) {
        if let [child, parent] = pair
            && (child.issuer.hash != parent.subject.hash || !signature_ok(child, parent))
        {
            return Err(PS_CERT_AUTH_FAIL);
        }
    }
    Ok(())
}

/// Reads a whole file; any I/O failure is `PS_PLATFORM_FAIL`. Zeroized on drop since it
/// may be a private key.
fn read_file(name: &[u8]) -> Result<Zeroizing<Vec<u8>>, i32> {
    let path = Path::new(std::ffi::OsStr::from_bytes(name));
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|_| PS_PLATFORM_FAIL)
}

/// All certificates of a `;`-separated file list, in order. A file without any
/// `… CERTIFICATE` block (a DER file, a key file) is `PS_PARSE_FAIL`; other blocks in
/// a file with certificates (say, a key in a combined file) are ignored.
fn read_cert_files(list: &[u8]) -> Result<Vec<Certificate>, i32> {
    let mut certs = Vec::new();
    let mut names = list
        .split(|&b| b == b';')
        .filter(|n| !n.is_empty())
        .peekable();
    if names.peek().is_none() {
        // Nothing to open (an empty string, as the reference's fopen("") would).
        return Err(PS_PLATFORM_FAIL);
    }
    for name in names {
        let text = read_file(name)?;
        let before = certs.len();
        for block in parse_pem(&text)? {
            if block.label.ends_with("CERTIFICATE") {
                certs.push(Certificate::from_der(&block.der)?);
            }
        }
        if certs.len() == before {
            return Err(PS_PARSE_FAIL);
        }
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{PS_ARG_FAIL, PS_FAILURE};
    use crate::pki::testpki::{self, TempDir, openssl};

    /// Writes the standard PKI into `dir` and returns it (file names are the keys).
    fn files(dir: &TempDir) -> &'static testpki::Pki {
        let pki = testpki::std_pki();
        let w = |name: &str, data: &[u8]| std::fs::write(dir.path(name), data).unwrap();
        w("leaf.crt", &pki.leaf.cert_pem);
        w("inter.crt", &pki.inter.cert_pem);
        w("root.crt", &pki.root.cert_pem);
        w("other.crt", &pki.other_root.cert_pem);
        w("leaf.key", &pki.leaf.key_pem);
        w("inter.key", &pki.inter.key_pem);
        w("leaf.der", &pki.leaf.cert_der);
        let mut both = pki.leaf.cert_pem.clone();
        both.extend_from_slice(b"some text between\r\n");
        both.extend_from_slice(&pki.inter.cert_pem);
        w("chain.crt", &both);
        let mut roots = pki.root.cert_pem.clone();
        roots.extend_from_slice(&pki.other_root.cert_pem);
        w("roots.crt", &roots);
        pki
    }

    fn p(dir: &TempDir, names: &str) -> Vec<u8> {
        names
            .split(';')
            .map(|n| dir.path_str(n))
            .collect::<Vec<_>>()
            .join(";")
            .into_bytes()
    }

    fn snapshot(k: &Keys) -> (Option<Vec<Vec<u8>>>, Vec<Vec<u8>>) {
        (
            k.identity
                .as_ref()
                .map(|i| i.chain.iter().map(|c| c.der.clone()).collect()),
            k.ca_certs.iter().map(|c| c.der.clone()).collect(),
        )
    }

    #[test]
    fn files_identity_and_cas() {
        let dir = TempDir::new("load-ok");
        let pki = files(&dir);
        let mut keys = Keys::default();
        keys.load_rsa_files(
            Some(&p(&dir, "leaf.crt;inter.crt")),
            Some(&p(&dir, "leaf.key")),
            None,
            Some(&p(&dir, "roots.crt")),
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
        k2.load_rsa_files(
            Some(&p(&dir, "chain.crt")),
            Some(&p(&dir, "leaf.key")),
            None,
            None,
        )
        .unwrap();
        assert_eq!(snapshot(&k2).0, snapshot(&keys).0);
    }

    #[test]
    fn slots_are_independent_and_filled_once() {
        let dir = TempDir::new("load-slots");
        files(&dir);
        let mut keys = Keys::default();
        assert_eq!(keys.load_rsa_files(None, None, None, None), Ok(()));
        keys.load_rsa_files(
            Some(&p(&dir, "leaf.crt")),
            Some(&p(&dir, "leaf.key")),
            None,
            None,
        )
        .unwrap();
        keys.load_rsa_files(None, None, None, Some(&p(&dir, "root.crt")))
            .unwrap();
        let before = snapshot(&keys);
        assert_eq!(
            keys.load_rsa_files(
                Some(&p(&dir, "leaf.crt")),
                Some(&p(&dir, "leaf.key")),
                None,
                None
            ),
            Err(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(
            keys.load_rsa_files(None, None, None, Some(&p(&dir, "other.crt"))),
            Err(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(
            keys.load_rsa_mem(None, None, Some(&testpki::std_pki().root.cert_der)),
            Err(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(snapshot(&keys), before);
    }

    #[test]
    fn file_errors() {
        let dir = TempDir::new("load-err");
        files(&dir);
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
            (
                Some("leaf.crt;root.crt"),
                Some("leaf.key"),
                None,
                PS_CERT_AUTH_FAIL,
            ),
            (
                Some("inter.crt;leaf.crt"),
                Some("inter.key"),
                None,
                PS_CERT_AUTH_FAIL,
            ),
        ];
        for (cert, key, ca, code) in cases {
            let mut keys = Keys::default();
            let c = cert.map(|n| p(&dir, n));
            let k = key.map(|n| p(&dir, n));
            let a = ca.map(|n| p(&dir, n));
            let got = keys.load_rsa_files(c.as_deref(), k.as_deref(), None, a.as_deref());
            assert_eq!(got, Err(code), "{cert:?} {key:?} {ca:?}");
            assert!(keys.identity.is_none() && keys.ca_certs.is_empty());
        }
        // An empty file list names no file.
        let mut keys = Keys::default();
        assert_eq!(
            keys.load_rsa_files(None, None, None, Some(b"")),
            Err(PS_PLATFORM_FAIL)
        );
    }

    #[test]
    fn failure_leaves_container_untouched() {
        let dir = TempDir::new("load-atomic");
        files(&dir);
        let mut keys = Keys::default();
        keys.load_rsa_files(None, None, None, Some(&p(&dir, "root.crt")))
            .unwrap();
        let before = snapshot(&keys);
        // Identity fails (mismatch) after parsing: nothing changes.
        assert_eq!(
            keys.load_rsa_files(
                Some(&p(&dir, "leaf.crt")),
                Some(&p(&dir, "inter.key")),
                None,
                None
            ),
            Err(PS_CERT_AUTH_FAIL)
        );
        assert_eq!(snapshot(&keys), before);
        // Good identity + bad CA file in one call: neither is loaded.
        let mut fresh = Keys::default();
        assert_eq!(
            fresh.load_rsa_files(
                Some(&p(&dir, "leaf.crt")),
                Some(&p(&dir, "leaf.key")),
                None,
                Some(&p(&dir, "leaf.key"))
            ),
            Err(PS_PARSE_FAIL)
        );
        assert!(fresh.identity.is_none() && fresh.ca_certs.is_empty());
        // The container is still usable afterwards.
        fresh
            .load_rsa_files(
                Some(&p(&dir, "leaf.crt")),
                Some(&p(&dir, "leaf.key")),
                None,
                None,
            )
            .unwrap();
    }

    #[test]
    fn encrypted_key_files() {
        let dir = TempDir::new("load-enc");
        files(&dir);
        openssl(
            &dir,
            &[
                "rsa",
                "-traditional",
                "-des3",
                "-in",
                "leaf.key",
                "-out",
                "legacy.key",
                "-passout",
                "pass:pw",
            ],
        );
        openssl(
            &dir,
            &[
                "pkcs8",
                "-topk8",
                "-v2",
                "des3",
                "-v2prf",
                "hmacWithSHA1",
                "-in",
                "leaf.key",
                "-out",
                "p8.key",
                "-passout",
                "pass:pw",
            ],
        );
        for (file, none_code) in [("legacy.key", PS_ARG_FAIL), ("p8.key", PS_FAILURE)] {
            let load = |pass: Option<&[u8]>| {
                let mut keys = Keys::default();
                keys.load_rsa_files(Some(&p(&dir, "leaf.crt")), Some(&p(&dir, file)), pass, None)
                    .map(|()| keys.identity.is_some())
            };
            assert_eq!(load(Some(b"pw")), Ok(true), "{file}");
            assert_eq!(load(Some(b"wrong")), Err(PS_FAILURE), "{file}");
            assert_eq!(load(None), Err(none_code), "{file}");
        }
    }

    #[test]
    fn mem_loader() {
        let pki = testpki::std_pki();
        let mut chain = pki.leaf.cert_der.clone();
        chain.extend_from_slice(&pki.inter.cert_der);
        let mut cas = pki.root.cert_der.clone();
        cas.extend_from_slice(&pki.other_root.cert_der);

        let mut keys = Keys::default();
        keys.load_rsa_mem(Some(&chain), Some(&pki.leaf.key_pkcs1_der), Some(&cas))
            .unwrap();
        assert_eq!(keys.identity.as_ref().unwrap().chain.len(), 2);
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
            (
                Some(&cas),
                Some(&pki.root.key_pkcs1_der),
                None,
                PS_CERT_AUTH_FAIL,
            ),
        ];
        for (c, k, a, code) in cases {
            let mut keys = Keys::default();
            assert_eq!(keys.load_rsa_mem(c, k, a), Err(code));
            assert!(keys.identity.is_none() && keys.ca_certs.is_empty());
        }
    }

    #[test]
    fn legacy_chain_and_non_rsa_cas_load() {
        let legacy = testpki::legacy_pki();
        let mut chain = legacy.leaf.cert_der.clone();
        chain.extend_from_slice(&legacy.inter.cert_der);
        let dir = TempDir::new("load-ec-ca");
        let ec_root = testpki::self_signed_ec(&dir, "ecroot", "/CN=EC Root");
        let mut keys = Keys::default();
        let got = keys.load_rsa_mem(
            Some(&chain),
            Some(&legacy.leaf.key_pkcs1_der),
            Some(&ec_root.cert_der),
        );
        if cfg!(feature = "strict-cert-algorithms") {
            assert_eq!(got, Err(PS_CERT_AUTH_FAIL));
        } else {
            assert_eq!(got, Ok(()));
            assert!(!keys.has_rsa_ca());
        }
    }
}
