//! X.509 (the Tier C crypto API, see the parent module).

use super::*;

/// All certificates of a `;`-separated list of PEM files, in order. A file without any
/// `… CERTIFICATE` block is `PS_PARSE_FAIL`, one that cannot be read `PS_PLATFORM_FAIL`.
pub(super) fn read_cert_files(list: &[u8]) -> Result<Vec<Certificate>, i32> {
    let mut certs = Vec::new();
    let names: Vec<&[u8]> = list
        .split(|&b| b == b';')
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
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

/// `psX509ParseCertFile`: every certificate of one or more PEM files (`;`-separated names,
/// as the 3.3 loaders pass them) into one chain, in file order; `flags` as
/// `psX509ParseCert`. Returns `PS_SUCCESS`; `PS_ARG_FAIL` (NULL), `PS_PLATFORM_FAIL`,
/// `PS_PARSE_FAIL`, `PS_UNSUPPORTED_FAIL`. `*outcert` is NULL on failure; free the chain
/// with `psX509FreeCert` (safe on NULL too).
///
/// # Safety
/// `fileName` NULL or NUL-terminated; `outcert` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psX509ParseCertFile(
    _pool: *mut psPool_t,
    fileName: *mut c_char,
    outcert: *mut *mut psX509Cert_t,
    flags: i32,
) -> i32 {
    guard(PS_FAILURE, || {
        if outcert.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: `outcert` is writable.
        unsafe { outcert.write(ptr::null_mut()) };
        // SAFETY: NULL or NUL-terminated.
        let Some(names) = (unsafe { cstr_or_none(fileName) }) else {
            return PS_ARG_FAIL;
        };
        let certs = match read_cert_files(names) {
            Ok(c) => c,
            Err(rc) => return if rc < 0 { rc } else { PS_PARSE_FAIL },
        };
        let head = register_parsed_chain(certs, flags);
        // SAFETY: `outcert` is writable; `head` lives until `psX509FreeCert(head)`.
        unsafe { outcert.write(head) };
        PS_SUCCESS
    })
}

/// One link as 3.3 checks it, in the order of the library's chain walk
/// (`pki::verify::link_status`): subject's issuer DN hash against the issuer's subject DN
/// hash, then the issuer's cA flag (v3 issuers), then the signature (algorithms of
/// ABI.md D9).
pub(super) fn link_status(cert: &Certificate, issuer: &Certificate) -> i32 {
    if cert.issuer.hash != issuer.subject.hash {
        PS_CERT_AUTH_FAIL_DN
    } else if issuer.version >= 2 && issuer.ca == 0 {
        PS_CERT_AUTH_FAIL_BC
    } else if !signature_ok(cert, issuer) {
        PS_CERT_AUTH_FAIL_SIG
    } else {
        PS_CERT_AUTH_PASS
    }
}

/// `psX509AuthenticateCert`: checks the `subjectCert` chain link by link (each certificate
/// against its `next`), then the last one against `issuerCert`, or against itself
/// (self-signed) when `issuerCert` is NULL. Every certificate of the subject chain gets its
/// `authStatus`: `PS_CERT_AUTH_PASS` for links that verified, the failure code at the first
/// failing link, `PS_FALSE` (0) beyond it. Returns `PS_SUCCESS` or that failure code
/// (`PS_CERT_AUTH_FAIL_DN`, `_BC`, `_SIG`). `PS_ARG_FAIL`: NULL subject, an issuer that is
/// itself a chain, or a certificate the library did not produce (psX509ParseCert[File],
/// `sslKeys_t` lists, certificate callbacks); `PS_LIMIT_FAIL`: a subject chain longer than
/// 64 certificates.
///
/// # Safety
/// `subjectCert` NULL or a live certificate chain; `issuerCert` NULL or a live certificate.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psX509AuthenticateCert(
    _pool: *mut psPool_t,
    subjectCert: *mut psX509Cert_t,
    issuerCert: *mut psX509Cert_t,
) -> i32 {
    guard(PS_FAILURE, || {
        if subjectCert.is_null() {
            return PS_ARG_FAIL;
        }
        let issuer = if issuerCert.is_null() {
            None
        } else {
            // SAFETY: a live certificate (caller contract); only `next` is read.
            if !unsafe { (*issuerCert).next }.is_null() {
                return PS_ARG_FAIL;
            }
            match indexed_certificate(issuerCert) {
                Some(c) => Some(c),
                None => return PS_ARG_FAIL,
            }
        };
        let mut chain = Vec::new();
        let mut p = subjectCert;
        while !p.is_null() {
            if chain.len() == MAX_CHAIN {
                return PS_LIMIT_FAIL;
            }
            let Some(cert) = indexed_certificate(p) else {
                return PS_ARG_FAIL;
            };
            chain.push((p, cert));
            // SAFETY: `p` is a live certificate of the chain (caller contract).
            p = unsafe { (*p).next };
        }
        let mut result = PS_SUCCESS;
        for (i, (p, cert)) in chain.iter().enumerate() {
            let status = if result != PS_SUCCESS {
                0
            } else {
                let signer = match (chain.get(i + 1), &issuer) {
                    (Some((_, next)), _) => next,
                    (None, Some(issuer)) => issuer,
                    (None, None) => cert,
                };
                let s = link_status(cert, signer);
                if s != PS_CERT_AUTH_PASS {
                    result = s;
                }
                s
            };
            // SAFETY: `p` is a live certificate; the write goes through the raw pointer.
            unsafe { (**p).authStatus = status };
        }
        result
    })
}
