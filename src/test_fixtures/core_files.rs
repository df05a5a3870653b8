//! The keys, certificates and openssl outputs in tests/fixtures/core/ (made by
//! tests/fixtures/make-core-unit-fixtures.sh, which lists them), for the unit tests of the
//! key loaders, key parsers and signatures.

use std::sync::OnceLock;

/// The path of `tests/fixtures/core/<name>` (which need not exist: tests of missing files
/// name one that does not).
pub(crate) fn core_path(name: &str) -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/core/").to_owned() + name
}

/// The contents of `tests/fixtures/core/<name>`.
pub(crate) fn core(name: &str) -> Vec<u8> {
    super::fixture(&format!("core/{name}"))
}

/// A certificate and its key in every form the tests need.
#[derive(Clone, Debug)]
pub(crate) struct Material {
    pub cert_pem: Vec<u8>,
    pub cert_der: Vec<u8>,
    /// Traditional PEM: PKCS#1 `RSA PRIVATE KEY` (SEC1 `EC PRIVATE KEY` for EC).
    pub key_pem: Vec<u8>,
    pub key_pkcs8_pem: Vec<u8>,
    /// Traditional DER (PKCS#1, or SEC1 for EC).
    pub key_pkcs1_der: Vec<u8>,
    pub key_pkcs8_der: Vec<u8>,
}

impl Material {
    /// The files `<name>.crt.pem`, `.crt.der`, `.key.pem`, `.key.p8.pem`, `.key.der` and
    /// `.key.p8.der`, each written by openssl.
    fn load(name: &str) -> Material {
        let file = |ext: &str| core(&format!("{name}.{ext}"));
        Material {
            cert_pem: file("crt.pem"),
            cert_der: file("crt.der"),
            key_pem: file("key.pem"),
            key_pkcs8_pem: file("key.p8.pem"),
            key_pkcs1_der: file("key.der"),
            key_pkcs8_der: file("key.p8.der"),
        }
    }
}

/// An RSA chain root → intermediate → leaf `localhost`, and an unrelated root.
pub(crate) struct Pki {
    pub root: Material,
    pub inter: Material,
    pub leaf: Material,
    pub other_root: Material,
}

impl Pki {
    fn load(prefix: &str) -> Pki {
        let m = |name: &str| Material::load(&format!("{prefix}-{name}"));
        Pki {
            root: m("root"),
            inter: m("inter"),
            leaf: m("leaf"),
            other_root: m("other"),
        }
    }
}

/// ECDSA test PKI, see [`ec_pki`].
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

/// RSA-2048 / SHA-256 (`std-*`).
pub(crate) fn std_pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| Pki::load("std"))
}

/// The same shape with RSA-1024 keys and SHA-1 signatures (`legacy-*`).
pub(crate) fn legacy_pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| Pki::load("legacy"))
}

/// ECDSA chains (`ec-*`) and a P-256 leaf under the RSA intermediate of [`std_pki`].
pub(crate) fn ec_pki() -> &'static EcPki {
    static PKI: OnceLock<EcPki> = OnceLock::new();
    PKI.get_or_init(|| EcPki {
        root: Material::load("ec-root"),
        inter: Material::load("ec-inter"),
        leaf: Material::load("ec-leaf"),
        leaf384: Material::load("ec-leaf384"),
        other_root: Material::load("ec-other"),
        mixed_leaf: Material::load("ec-mixed"),
    })
}

/// What `openssl <args>` printed for `stdin`, looked up in `table`: (arguments, stdin in hex,
/// stdout in hex), recorded with OpenSSL 3.0 so that tests compare with openssl without
/// running it. A call that was not recorded (the test's inputs changed) fails with the
/// command to rerun.
pub(crate) fn recorded_openssl(
    table: &[(&str, &str, &str)],
    args: &[&str],
    stdin: &[u8],
) -> Vec<u8> {
    let (cmd, input) = (args.join(" "), to_hex(stdin));
    let (_, _, out) = table
        .iter()
        .find(|(a, i, _)| *a == cmd && *i == input)
        .unwrap_or_else(|| panic!("no recorded output of `openssl {cmd}` over {input}"));
    super::hex(out)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
