//! Reading certificate and key files for the loaders (`keys::load`, the crypto API):
//! whole files, and the certificates of `;`-separated PEM file lists.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use zeroize::Zeroizing;

use super::certificate::Certificate;
use super::pem::parse_pem;
use crate::error::{PS_PARSE_FAIL, PS_PLATFORM_FAIL};

/// Reads a whole file; any I/O failure is `PS_PLATFORM_FAIL`. Zeroized on drop since it
/// may be a private key.
pub(crate) fn read_file(name: &[u8]) -> Result<Zeroizing<Vec<u8>>, i32> {
    let path = Path::new(std::ffi::OsStr::from_bytes(name));
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|_| PS_PLATFORM_FAIL)
}

/// All certificates of a `;`-separated file list, in order. A file without any
/// `… CERTIFICATE` block (a DER file, a key file) is `PS_PARSE_FAIL`; other blocks in
/// a file with certificates (say, a key in a combined file) are ignored.
pub(crate) fn read_cert_files(list: &[u8]) -> Result<Vec<Certificate>, i32> {
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
