//! The committed test PKI and recorded values in tests/fixtures/ (made by
//! tests/fixtures/make-fixtures.sh), for unit tests: no test runs the openssl CLI.

/// The contents of `tests/fixtures/<name>`.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/").to_owned() + name;
    std::fs::read(&path).unwrap_or_else(|e| panic!("read fixture {path}: {e}"))
}

/// A fixture holding one hex number (as `openssl prime -hex` writes), as big-endian bytes.
pub(crate) fn hex_fixture(name: &str) -> Vec<u8> {
    let text = String::from_utf8(fixture(name)).expect("hex fixture is text");
    let digits = text.trim();
    assert!(
        digits.len().is_multiple_of(2),
        "{name}: odd number of hex digits"
    );
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// The DER of every block of the PEM fixture `name`, concatenated (one certificate or key,
/// or a chain in file order).
pub(crate) fn pem_fixture_der(name: &str) -> Vec<u8> {
    let blocks = crate::pki::pem::parse_pem(&fixture(name))
        .unwrap_or_else(|e| panic!("fixture {name} is not PEM: {e}"));
    blocks.iter().flat_map(|b| b.der.iter().copied()).collect()
}
