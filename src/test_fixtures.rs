//! The committed test PKI and recorded values in tests/fixtures/ (made by
//! tests/fixtures/make-fixtures.sh), for unit tests: no test runs the openssl CLI.

pub(crate) mod core_files;
pub(crate) mod rfc8448;

/// The contents of `tests/fixtures/<name>`.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/").to_owned() + name;
    std::fs::read(&path).unwrap_or_else(|e| panic!("read fixture {path}: {e}"))
}

/// A fixture holding one hex number (as `openssl prime -hex` writes), as big-endian bytes.
pub(crate) fn hex_fixture(name: &str) -> Vec<u8> {
    hex(std::str::from_utf8(&fixture(name)).expect("hex fixture is text"))
}

/// Bytes from hex digits written with any separators (spaces, line breaks, as the RFCs
/// print their test vectors): everything but hex digits is skipped.
pub(crate) fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    assert!(digits.len().is_multiple_of(2), "odd number of hex digits");
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

/// The DER of every block of the PEM fixture `name`, concatenated (one certificate or key,
/// or a chain in file order).
pub(crate) fn pem_fixture_der(name: &str) -> Vec<u8> {
    let blocks = crate::pki::pem::parse_pem(&fixture(name))
        .unwrap_or_else(|e| panic!("fixture {name} is not PEM: {e}"));
    blocks.iter().flat_map(|b| b.der.iter().copied()).collect()
}
