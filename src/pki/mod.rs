//! Public-key infrastructure: PEM, certificates, private keys, chain verification and the
//! loaders behind `matrixSslLoad*Keys*`, `matrixSslLoadPkcs12` and `matrixSslLoadDhParams*`.

pub mod certificate;
mod der;
pub mod dhparams;
mod dsa;
pub mod eckey;
pub(crate) mod keycrypt;
pub mod load;
pub mod pem;
pub mod pkcs12;
pub mod privkey;
pub mod sign;
pub mod verify;

pub use certificate::{Certificate, DistinguishedName, DnAttribute, GeneralName, PublicKey};
pub use eckey::{Curve, EcPrivateKey};
pub use privkey::PrivateKey;

/// Test fixtures: keys and certificates made with the `openssl` CLI in temporary
/// directories, so tests check our parsers and verifiers against an independent
/// implementation.
#[cfg(test)]
pub(crate) mod testpki {
    use std::path::PathBuf;
    use std::process::Command;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};

    static COUNTER: AtomicU64 = AtomicU64::new(0);

    /// A directory removed (with its contents) on drop.
    pub(crate) struct TempDir(PathBuf);

    impl TempDir {
        pub(crate) fn new(tag: &str) -> TempDir {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!(
                "matrixssl-pki-{}-{}-{}",
                std::process::id(),
                n,
                tag
            ));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).expect("create temp dir");
            std::fs::write(path.join("ext.cnf"), EXTENSIONS).expect("write ext.cnf");
            TempDir(path)
        }

        pub(crate) fn path(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }

        fn read(&self, name: &str) -> Vec<u8> {
            std::fs::read(self.path(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Extension profiles for `-extfile ext.cnf -extensions <section>`.
    const EXTENSIONS: &str = "\
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,email:pki@test.example,URI:https://test.example/
[client_ext]
basicConstraints = CA:FALSE
extendedKeyUsage = clientAuth
[selfsigned_ext]
basicConstraints = critical,CA:TRUE
subjectAltName = DNS:localhost
[sign_only_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
[encipher_only_ext]
basicConstraints = CA:FALSE
keyUsage = critical,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
";

    /// The `ext` profile name that means no extensions at all: `openssl x509 -req` without
    /// `-extfile` makes an X.509 v1 certificate.
    pub(crate) const V1: &str = "v1";

    /// `-extfile` arguments for an extension profile (none for [`V1`]).
    fn ext_args(ext: &str) -> Vec<&str> {
        if ext == V1 {
            Vec::new()
        } else {
            vec!["-extfile", "ext.cnf", "-extensions", ext]
        }
    }

    const CA_CNF: &str = "\
[ca]
default_ca = CA_default
[CA_default]
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[policy_any]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
";

    /// Runs `openssl args...` inside `dir`; panics with its stderr on failure.
    pub(crate) fn openssl(dir: &TempDir, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(&dir.0)
            .output()
            .expect("run openssl");
        assert!(
            out.status.success(),
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A certificate and its key in every form the tests need.
    // The key forms and the extra EC material were read by the tests that now use the
    // committed fixtures (src/test_fixtures/core_files.rs); this module goes once the last
    // users (verify.rs, certificate.rs) use fixtures too.
    #[allow(dead_code)]
    #[derive(Clone, Debug)]
    pub(crate) struct Material {
        pub name: String,
        pub cert_pem: Vec<u8>,
        pub cert_der: Vec<u8>,
        /// Traditional PEM: PKCS#1 `RSA PRIVATE KEY` (SEC1 `EC PRIVATE KEY` for EC).
        pub key_pem: Vec<u8>,
        pub key_pkcs8_pem: Vec<u8>,
        /// Traditional DER (PKCS#1, or SEC1 for EC).
        pub key_pkcs1_der: Vec<u8>,
        pub key_pkcs8_der: Vec<u8>,
    }

    pub(crate) struct Pki {
        pub root: Material,
        pub inter: Material,
        pub leaf: Material,
        pub other_root: Material,
    }

    /// ECDSA test PKI, see [`ec_pki`].
    #[allow(dead_code)]
    pub(crate) struct EcPki {
        /// P-384, self-signed with ecdsa-with-SHA384.
        pub root: Material,
        /// P-256 CA issued by `root` (SHA-384).
        pub inter: Material,
        /// P-256 leaf `localhost` issued by `inter` (SHA-256).
        pub leaf: Material,
        /// P-384 leaf issued directly by `root` (SHA-384).
        pub leaf384: Material,
        /// An unrelated P-256 root.
        pub other_root: Material,
        /// A P-256 leaf issued by the RSA intermediate of [`std_pki`] (mixed chain).
        pub mixed_leaf: Material,
    }

    /// Key algorithm of generated material.
    #[derive(Clone, Copy, Debug)]
    pub(crate) enum KeySpec {
        Rsa(u32),
        /// openssl curve name (prime256v1, secp384r1, ...).
        Ec(&'static str),
    }

    impl KeySpec {
        fn is_ec(self) -> bool {
            matches!(self, KeySpec::Ec(_))
        }
    }

    fn serial() -> String {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        format!(
            "0x{:08x}{:08x}",
            0x1000_0000 | (t & 0x0fff_ffff),
            0x5a00_0000 | n as u32
        )
    }

    fn gen_key(dir: &TempDir, name: &str, spec: KeySpec) {
        let key = format!("{name}.key");
        match spec {
            KeySpec::Ec(curve) => openssl(
                dir,
                &["ecparam", "-name", curve, "-genkey", "-noout", "-out", &key],
            ),
            KeySpec::Rsa(bits) => openssl(dir, &["genrsa", "-out", &key, &bits.to_string()]),
        }
    }

    fn csr(dir: &TempDir, name: &str, subj: &str) {
        let key = format!("{name}.key");
        openssl(
            dir,
            &[
                "req",
                "-new",
                "-key",
                &key,
                "-subj",
                subj,
                "-out",
                &format!("{name}.csr"),
            ],
        );
    }

    /// Collects the files of `name` (key + crt) into a `Material`.
    fn collect(dir: &TempDir, name: &str, ec: bool) -> Material {
        let key = format!("{name}.key");
        let kind = if ec { "ec" } else { "rsa" };
        let mut trad_pem = vec![kind, "-in", &key, "-out", "trad.pem"];
        let mut trad_der = vec![kind, "-in", &key, "-outform", "DER", "-out", "trad.der"];
        if !ec {
            trad_pem.push("-traditional");
            trad_der.push("-traditional");
        }
        openssl(dir, &trad_pem);
        openssl(dir, &trad_der);
        openssl(
            dir,
            &["pkcs8", "-topk8", "-nocrypt", "-in", &key, "-out", "p8.pem"],
        );
        openssl(
            dir,
            &[
                "pkcs8", "-topk8", "-nocrypt", "-in", &key, "-outform", "DER", "-out", "p8.der",
            ],
        );
        let crt = format!("{name}.crt");
        openssl(
            dir,
            &["x509", "-in", &crt, "-outform", "DER", "-out", "crt.der"],
        );
        Material {
            name: name.to_string(),
            cert_pem: dir.read(&crt),
            cert_der: dir.read("crt.der"),
            key_pem: dir.read("trad.pem"),
            key_pkcs8_pem: dir.read("p8.pem"),
            key_pkcs1_der: dir.read("trad.der"),
            key_pkcs8_der: dir.read("p8.der"),
        }
    }

    /// Writes an issuer's certificate and key into `dir`; returns (crt, key) file names.
    fn place_issuer(dir: &TempDir, issuer: &Material) -> (String, String) {
        let crt = format!("issuer-{}.crt", issuer.name);
        let key = format!("issuer-{}.key", issuer.name);
        std::fs::write(dir.path(&crt), &issuer.cert_pem).expect("write issuer crt");
        std::fs::write(dir.path(&key), &issuer.key_pkcs8_pem).expect("write issuer key");
        (crt, key)
    }

    pub(crate) fn self_signed_inner(
        dir: &TempDir,
        name: &str,
        subj: &str,
        md: &str,
        spec: KeySpec,
        ext: &str,
    ) -> Material {
        gen_key(dir, name, spec);
        csr(dir, name, subj);
        let (key, csr_f, crt) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.crt"),
        );
        let (md, serial) = (format!("-{md}"), serial());
        let mut args = vec![
            "x509",
            "-req",
            "-in",
            &csr_f,
            "-key",
            &key,
            "-days",
            "3650",
            &md,
            "-set_serial",
            &serial,
            "-out",
            &crt,
        ];
        args.extend(ext_args(ext));
        openssl(dir, &args);
        collect(dir, name, spec.is_ec())
    }

    /// A self-signed CA (or, with `selfsigned_ext`, a self-signed server certificate).
    pub(crate) fn self_signed(
        dir: &TempDir,
        name: &str,
        subj: &str,
        md: &str,
        bits: u32,
    ) -> Material {
        self_signed_inner(dir, name, subj, md, KeySpec::Rsa(bits), "selfsigned_ext")
    }

    /// A self-signed P-256 CA (SHA-256).
    pub(crate) fn self_signed_ec(dir: &TempDir, name: &str, subj: &str) -> Material {
        self_signed_inner(
            dir,
            name,
            subj,
            "sha256",
            KeySpec::Ec("prime256v1"),
            "ca_ext",
        )
    }

    /// A self-signed CA of any key algorithm.
    pub(crate) fn root_with(
        dir: &TempDir,
        name: &str,
        subj: &str,
        md: &str,
        spec: KeySpec,
    ) -> Material {
        self_signed_inner(dir, name, subj, md, spec, "ca_ext")
    }

    fn root(dir: &TempDir, name: &str, subj: &str, md: &str, bits: u32) -> Material {
        self_signed_inner(dir, name, subj, md, KeySpec::Rsa(bits), "ca_ext")
    }

    /// A certificate of any key algorithm for `subj`, issued by `issuer` with the `ext`
    /// profile and the `md` digest.
    pub(crate) fn issue_with(
        dir: &TempDir,
        issuer: &Material,
        name: &str,
        subj: &str,
        ext: &str,
        md: &str,
        spec: KeySpec,
    ) -> Material {
        let (ca_crt, ca_key) = place_issuer(dir, issuer);
        gen_key(dir, name, spec);
        csr(dir, name, subj);
        let (csr_f, crt) = (format!("{name}.csr"), format!("{name}.crt"));
        let (md, serial) = (format!("-{md}"), serial());
        let mut args = vec![
            "x509",
            "-req",
            "-in",
            &csr_f,
            "-CA",
            &ca_crt,
            "-CAkey",
            &ca_key,
            "-days",
            "825",
            &md,
            "-set_serial",
            &serial,
            "-out",
            &crt,
        ];
        args.extend(ext_args(ext));
        openssl(dir, &args);
        collect(dir, name, spec.is_ec())
    }

    /// An RSA certificate for `subj` issued by `issuer` with the `ext` profile.
    pub(crate) fn issue(
        dir: &TempDir,
        issuer: &Material,
        name: &str,
        subj: &str,
        ext: &str,
        md: &str,
        bits: u32,
    ) -> Material {
        issue_with(dir, issuer, name, subj, ext, md, KeySpec::Rsa(bits))
    }

    /// A P-256 leaf issued by `issuer`.
    pub(crate) fn issue_ec(dir: &TempDir, issuer: &Material, name: &str, subj: &str) -> Material {
        issue_with(
            dir,
            issuer,
            name,
            subj,
            "leaf_ext",
            "sha256",
            KeySpec::Ec("prime256v1"),
        )
    }

    /// An RSA-2048 leaf with explicit validity dates (`YYYYMMDDHHMMSSZ`), issued with
    /// `openssl ca -startdate/-enddate` (dates in the past are allowed there).
    pub(crate) fn issue_with_dates(
        dir: &TempDir,
        issuer: &Material,
        subj: &str,
        start: &str,
        end: &str,
    ) -> Material {
        let name = "dated";
        let (ca_crt, ca_key) = place_issuer(dir, issuer);
        std::fs::write(dir.path("ca.cnf"), CA_CNF).expect("ca.cnf");
        std::fs::write(dir.path("index.txt"), b"").expect("index");
        std::fs::write(dir.path("serial"), b"4A01\n").expect("serial");
        std::fs::create_dir_all(dir.path("newcerts")).expect("newcerts");
        gen_key(dir, name, KeySpec::Rsa(2048));
        csr(dir, name, subj);
        openssl(
            dir,
            &[
                "ca",
                "-batch",
                "-config",
                "ca.cnf",
                "-cert",
                &ca_crt,
                "-keyfile",
                &ca_key,
                "-in",
                "dated.csr",
                "-out",
                "dated.crt",
                "-startdate",
                start,
                "-enddate",
                end,
                "-extfile",
                "ext.cnf",
                "-extensions",
                "leaf_ext",
                "-notext",
            ],
        );
        collect(dir, name, false)
    }

    fn make_pki(md: &str, bits: u32) -> Pki {
        let dir = TempDir::new(&format!("pki-{md}-{bits}"));
        let root_m = root(
            &dir,
            "root",
            "/C=US/ST=Washington/L=Seattle/O=matrixssl-rs test/OU=PKI/CN=Test Root CA",
            md,
            bits,
        );
        let inter = issue(
            &dir,
            &root_m,
            "inter",
            "/C=US/O=matrixssl-rs test/CN=Test Intermediate CA",
            "ca_ext",
            md,
            bits,
        );
        let leaf = issue(
            &dir,
            &inter,
            "leaf",
            "/C=US/ST=WA/O=matrixssl-rs test/CN=localhost",
            "leaf_ext",
            md,
            bits,
        );
        let other_root = root(
            &dir,
            "other",
            "/C=US/O=Unrelated/CN=Unrelated Root",
            md,
            bits,
        );
        Pki {
            root: root_m,
            inter,
            leaf,
            other_root,
        }
    }

    /// RSA-2048 / SHA-256: root → intermediate → leaf, plus an unrelated root.
    pub(crate) fn std_pki() -> &'static Pki {
        static PKI: OnceLock<Pki> = OnceLock::new();
        PKI.get_or_init(|| make_pki("sha256", 2048))
    }

    /// ECDSA chains (P-384 root, P-256 intermediate and leaf, a P-384 leaf, an unrelated
    /// root) and a P-256 leaf under the RSA intermediate of [`std_pki`].
    pub(crate) fn ec_pki() -> &'static EcPki {
        static PKI: OnceLock<EcPki> = OnceLock::new();
        PKI.get_or_init(|| {
            let dir = TempDir::new("ecpki");
            let p256 = KeySpec::Ec("prime256v1");
            let p384 = KeySpec::Ec("secp384r1");
            let root = root_with(
                &dir,
                "ecroot",
                "/C=US/O=matrixssl-rs test/CN=Test EC Root CA",
                "sha384",
                p384,
            );
            let inter = issue_with(
                &dir,
                &root,
                "ecinter",
                "/C=US/O=matrixssl-rs test/CN=Test EC Intermediate CA",
                "ca_ext",
                "sha384",
                p256,
            );
            let leaf = issue_with(
                &dir,
                &inter,
                "ecleaf",
                "/C=US/O=matrixssl-rs test/CN=localhost",
                "leaf_ext",
                "sha256",
                p256,
            );
            let leaf384 = issue_with(
                &dir,
                &root,
                "ecleaf384",
                "/C=US/O=matrixssl-rs test/CN=p384.localhost",
                "leaf_ext",
                "sha384",
                p384,
            );
            let other_root = root_with(
                &dir,
                "ecother",
                "/C=US/O=Unrelated/CN=Unrelated EC Root",
                "sha256",
                p256,
            );
            let mixed_leaf = issue_with(
                &dir,
                &std_pki().inter,
                "mixed",
                "/C=US/O=matrixssl-rs test/CN=mixed.localhost",
                "leaf_ext",
                "sha256",
                p256,
            );
            EcPki {
                root,
                inter,
                leaf,
                leaf384,
                other_root,
                mixed_leaf,
            }
        })
    }

    /// The same shape with RSA-1024 keys and SHA-1 signatures.
    pub(crate) fn legacy_pki() -> &'static Pki {
        static PKI: OnceLock<Pki> = OnceLock::new();
        PKI.get_or_init(|| make_pki("sha1", 1024))
    }
}
