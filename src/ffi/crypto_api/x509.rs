//! X.509 (the Tier C crypto API, see the parent module).

use super::*;

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

/// `psX509AuthenticateCert`: checks the `subjectCert` chain link by link (each certificate
/// against its `next`), then the last one against `issuerCert`, or against itself
/// (self-signed) when `issuerCert` is NULL ([`authenticate_links`]: DN, cA flag, signature;
/// a v1 certificate signs only as that anchor, D9a). Every certificate of the subject chain gets its
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
        let (mut pointers, mut certs) = (Vec::new(), Vec::new());
        let mut p = subjectCert;
        while !p.is_null() {
            if certs.len() == MAX_CHAIN {
                return PS_LIMIT_FAIL;
            }
            let Some(cert) = indexed_certificate(p) else {
                return PS_ARG_FAIL;
            };
            pointers.push(p);
            certs.push(cert);
            // SAFETY: `p` is a live certificate of the chain (caller contract).
            p = unsafe { (*p).next };
        }
        let (statuses, result) = authenticate_links(&certs, issuer.as_deref());
        for (p, status) in pointers.into_iter().zip(statuses) {
            // SAFETY: `p` is a live certificate; the write goes through the raw pointer.
            unsafe { (*p).authStatus = status };
        }
        result.err().unwrap_or(PS_SUCCESS)
    })
}
