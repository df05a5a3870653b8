//! Session exports: `ssl_t` handles, the buffer protocol, callbacks, hello extensions and
//! the session-resumption record.
#![allow(non_snake_case)] // the public structs keep MatrixSSL's C member names

use std::sync::Arc;

use libc::c_void;

use super::guard;
use super::handle::{Guarded, Handle, Refused, check_arg, into_handle, take_handle, with_handle};
use super::keys::{keys_snapshot, sslKeys_t};
use super::x509::{CertChainView, psX509Cert_t};
use crate::client_sessions::TLS13_RECORD_SECRET;
use crate::config::Config;
use crate::conn::{Connection, Received};
use crate::error::*;
use crate::handshake::Callbacks;
use crate::handshake::client::{ClientOptions, ResumeTicket};
use crate::pki::Certificate;
use crate::suites;

pub type CertCb = unsafe extern "C" fn(*mut ssl_t, *mut psX509Cert_t, i32) -> i32;
pub type ExtCb = unsafe extern "C" fn(*mut ssl_t, u16, u16, *mut c_void) -> i32;

/// `sslSessionId_t` (ABI.md §6.1): application-allocated, written by the library.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct sslSessionId_t {
    pub id: [u8; 32],
    pub masterSecret: [u8; 48],
    pub cipherId: u32,
}

const _: () = assert!(size_of::<sslSessionId_t>() == 84);

/// `tlsExtension_t` (ABI.md §6.2).
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct tlsExtension_t {
    pub pool: *mut i32,
    pub extType: i32,
    pub extLen: u32,
    pub extData: *mut u8,
    pub next: *mut tlsExtension_t,
}

const _: () = assert!(size_of::<tlsExtension_t>() == 32);

/// The object behind an `ssl_t *`: a [`Session`] reached only through the handle layer
/// (`handle::with_handle`), which refuses calls made on it from inside its own callbacks.
#[allow(non_camel_case_types)]
pub struct ssl_t(Guarded<Session>);

impl Handle for ssl_t {
    type Target = Session;
    fn guarded(&self) -> &Guarded<Session> {
        &self.0
    }
    fn into_target(self) -> Session {
        self.0.into_inner()
    }
}

/// One TLS session and what the application registered with it.
pub(crate) struct Session {
    conn: Connection,
    sid: *mut sslSessionId_t,
    cert_cb: Option<CertCb>,
    ext_cb: Option<ExtCb>,
}

/// Calls the application's callbacks with the handle it knows. A callback that passes the
/// handle back to the library is refused by the handle layer (the outer call holds it).
struct FfiCallbacks {
    handle: *mut ssl_t,
    cert_cb: Option<CertCb>,
    ext_cb: Option<ExtCb>,
}

impl Callbacks for FfiCallbacks {
    fn has_certificate_callback(&self) -> bool {
        self.cert_cb.is_some()
    }

    fn certificate(&mut self, chain: &[Arc<Certificate>], statuses: &[i32], alert: u8) -> i32 {
        let Some(cb) = self.cert_cb else { return 0 };
        let mut view = CertChainView::new(chain, false);
        view.set_auth_status(statuses);
        // SAFETY: the application registered `cb` with this prototype; the chain view stays
        // alive (and its memory valid) for the duration of the call, and the session owning
        // the chain cannot be deleted from inside it (the handle is busy).
        unsafe { cb(self.handle, view.head(), i32::from(alert)) }
    }

    fn extension(&mut self, typ: u16, body: &[u8]) -> i32 {
        let Some(cb) = self.ext_cb else { return 0 };
        // SAFETY: `body` is valid for `body.len()` bytes during the call; the callback only
        // reads it (the prototype's `void *` is MatrixSSL's).
        unsafe {
            cb(
                self.handle,
                typ,
                body.len() as u16,
                body.as_ptr() as *mut c_void,
            )
        }
    }
}

impl Session {
    /// The callbacks for one call on `handle`, the application's pointer to this session.
    fn callbacks(&self, handle: *mut ssl_t) -> FfiCallbacks {
        FfiCallbacks {
            handle,
            cert_cb: self.cert_cb,
            ext_cb: self.ext_cb,
        }
    }

    /// Writes the client's session record when completion was just reported, or (TLS 1.3)
    /// a ticket just arrived (ABI.md D28: the record then holds the ticket's handle,
    /// nothing secret, and the suite).
    fn after_call(&mut self) {
        if !self.conn.is_client() || self.sid.is_null() {
            return;
        }
        if let Some((handle, suite)) = self.conn.take_new_ticket() {
            // SAFETY: as below.
            let sid = unsafe { &mut *self.sid };
            sid.id = handle;
            sid.masterSecret = TLS13_RECORD_SECRET;
            sid.cipherId = u32::from(suite);
        }
        if !self.conn.take_completion_report() {
            return;
        }
        let n = &self.conn.core.negotiated;
        let Some(suite) = n.suite else { return };
        let Ok(id) = <[u8; 32]>::try_from(&n.session_id[..]) else {
            return;
        };
        // SAFETY: `sid` was given non-NULL to matrixSslNewClientSession and the application
        // keeps it valid until matrixSslDeleteSession (ABI.md §3.3.1).
        let sid = unsafe { &mut *self.sid };
        sid.id = id;
        sid.masterSecret = *n.master_secret;
        sid.cipherId = u32::from(suite.id);
    }

    fn receive_result(&mut self, r: Received, ptbuf: *mut *mut u8, ptlen: *mut u32) -> i32 {
        self.after_call();
        let (p, n) = match r.plaintext {
            Some(range) => {
                let len = range.len() as u32;
                (self.conn.inbuf_mut()[range].as_mut_ptr(), len)
            }
            None => (std::ptr::null_mut(), 0),
        };
        // SAFETY: both out-pointers were checked non-NULL by the caller.
        unsafe {
            *ptbuf = p;
            *ptlen = n;
        }
        r.rc
    }
}

// ---- library ---------------------------------------------------------------------------

#[unsafe(no_mangle)]
pub extern "C" fn matrixSslOpen() -> i32 {
    // The PRNG is the OS generator (nothing to seed) and the session cache is kept across
    // repeated opens (ABI.md D13).
    guard(PS_FAILURE, || {
        if super::util::core_open() < 0 {
            return PS_FAILURE;
        }
        PS_SUCCESS
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn matrixSslClose() {
    guard((), || {
        Config::process().server_cache.clear();
        super::util::core_close();
    })
}

// ---- sessions --------------------------------------------------------------------------

fn resume_ticket(config: &Config, sid: &sslSessionId_t) -> Option<ResumeTicket> {
    if sid.cipherId == 0 {
        return None;
    }
    let suite = u16::try_from(sid.cipherId).ok()?;
    ResumeTicket::from_record(&config.client_sessions, &sid.id, &sid.masterSecret, suite)
}

/// Collects the application's hello extensions (ABI.md §3.7.2 encoding rules).
///
/// # Safety
/// `ext` must be NULL or a list built by matrixSslNewHelloExtension/LoadHelloExtension.
unsafe fn collect_extensions(mut ext: *const tlsExtension_t) -> Vec<(u16, Vec<u8>)> {
    let mut out = Vec::new();
    // SAFETY: nodes are allocated by this library and linked through `next`.
    while let Some(node) = unsafe { ext.as_ref() } {
        if node_used(node) {
            let body = if node.extData.is_null() || node.extLen == 0 {
                vec![0u8; node.extLen as usize]
            } else {
                // SAFETY: extData holds extLen bytes copied by matrixSslLoadHelloExtension.
                unsafe { std::slice::from_raw_parts(node.extData, node.extLen as usize) }.to_vec()
            };
            out.push((node.extType as u16, body));
        }
        ext = node.next;
    }
    out
}

/// # Safety
/// Pointer arguments must be NULL or valid as the MatrixSSL API documents.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslNewClientSession(
    ssl: *mut *mut ssl_t,
    keys: *mut sslKeys_t,
    sid: *mut sslSessionId_t,
    cipher_spec: u32,
    cert_cb: Option<unsafe extern "C" fn(*mut ssl_t, *mut psX509Cert_t, i32) -> i32>,
    extensions: *mut tlsExtension_t,
    ext_cb: Option<unsafe extern "C" fn(*mut ssl_t, u16, u16, *mut c_void) -> i32>,
) -> i32 {
    guard(PS_FAILURE, || {
        if ssl.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: checked non-NULL above.
        unsafe { *ssl = std::ptr::null_mut() };
        // SAFETY: keys is NULL or a handle from matrixSslNewKeys.
        let Some(keys) = (unsafe { keys_snapshot(keys) }) else {
            return MATRIXSSL_ERROR;
        };
        let Ok(cipher_spec) = u16::try_from(cipher_spec) else {
            return PS_UNSUPPORTED_FAIL;
        };
        let config = Config::process();
        // SAFETY: sid is NULL or application memory of type sslSessionId_t.
        let mut resume = unsafe { sid.as_mut() }.and_then(|s| {
            if cipher_spec != 0 && s.cipherId != 0 && s.cipherId != u32::from(cipher_spec) {
                s.id = [0; 32];
                s.masterSecret = [0; 48];
                s.cipherId = 0;
            }
            resume_ticket(&config, s)
        });
        if resume
            .as_ref()
            .is_some_and(|t| !config.suites.enabled(t.suite))
        {
            resume = None;
        }
        let options = ClientOptions {
            max_version: suites::MAX_VERSION,
            resume,
            cipher_spec,
            // SAFETY: extensions is NULL or a list built by this library.
            user_extensions: unsafe { collect_extensions(extensions) },
            remember_sessions: !sid.is_null(),
            ..ClientOptions::default()
        };
        match Connection::new_client_with(config, keys, options) {
            Ok(conn) => {
                let handle = into_handle(ssl_t(Guarded::new(Session {
                    conn,
                    sid,
                    cert_cb,
                    ext_cb,
                })));
                // SAFETY: checked non-NULL above.
                unsafe { *ssl = handle };
                MATRIXSSL_REQUEST_SEND
            }
            Err(rc) => rc,
        }
    })
}

/// # Safety
/// `ssl` must be NULL or writable; `keys` NULL or a handle from matrixSslNewKeys.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslNewServerSession(
    ssl: *mut *mut ssl_t,
    keys: *mut sslKeys_t,
    cert_cb: Option<unsafe extern "C" fn(*mut ssl_t, *mut psX509Cert_t, i32) -> i32>,
) -> i32 {
    guard(PS_FAILURE, || {
        if ssl.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: checked non-NULL above.
        unsafe { *ssl = std::ptr::null_mut() };
        // SAFETY: keys is NULL or a handle from matrixSslNewKeys.
        let Some(keys) = (unsafe { keys_snapshot(keys) }) else {
            return PS_FAILURE;
        };
        let mut conn = Connection::new_server_with(Config::process(), keys);
        // A server certificate callback requests client authentication (ABI.md D21).
        conn.server_options_mut().client_auth = cert_cb.is_some();
        let handle = into_handle(ssl_t(Guarded::new(Session {
            conn,
            sid: std::ptr::null_mut(),
            cert_cb,
            ext_cb: None,
        })));
        // SAFETY: checked non-NULL above.
        unsafe { *ssl = handle };
        MATRIXSSL_SUCCESS
    })
}

/// Called from inside one of the session's own callbacks, this does nothing: the session
/// is still in use by the call that invoked the callback (delete it after that returns).
///
/// # Safety
/// `ssl` must be NULL or a live handle; it is invalid afterwards (unless it was in use).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslDeleteSession(ssl: *mut ssl_t) {
    guard((), || {
        // SAFETY: NULL or a live handle, deleted exactly once (API contract).
        let Some(s) = (unsafe { take_handle(ssl) }) else {
            return;
        };
        if !s.conn.is_client() && s.conn.errored() && !s.conn.core.negotiated.session_id.is_empty()
        {
            s.conn
                .core
                .config
                .server_cache
                .remove(&s.conn.core.negotiated.session_id);
        }
        drop(s);
    })
}

// ---- receiving -------------------------------------------------------------------------

/// # Safety
/// `ssl` NULL or live; `buf` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslGetReadbuf(ssl: *mut ssl_t, buf: *mut *mut u8) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        check_arg(!buf.is_null())?;
        let (offset, room) = s.conn.read_buf();
        let p = s.conn.inbuf_mut()[offset..].as_mut_ptr();
        // SAFETY: checked non-NULL above.
        unsafe { *buf = p };
        Ok(i32::try_from(room).unwrap_or(i32::MAX))
    })
}

/// # Safety
/// `ssl` NULL or live; `ptbuf`/`ptlen` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslReceivedData(
    ssl: *mut ssl_t,
    bytes: u32,
    ptbuf: *mut *mut u8,
    ptlen: *mut u32,
) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        check_arg(!ptbuf.is_null() && !ptlen.is_null())?;
        // SAFETY: checked non-NULL above.
        unsafe {
            *ptbuf = std::ptr::null_mut();
            *ptlen = 0;
        }
        let mut cb = s.callbacks(ssl);
        let r = s.conn.received(bytes as usize, &mut cb);
        Ok(s.receive_result(r, ptbuf, ptlen))
    })
}

/// # Safety
/// `ssl` NULL or live; `ptbuf`/`ptlen` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslProcessedData(
    ssl: *mut ssl_t,
    ptbuf: *mut *mut u8,
    ptlen: *mut u32,
) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        check_arg(!ptbuf.is_null() && !ptlen.is_null())?;
        // SAFETY: checked non-NULL above.
        unsafe {
            *ptbuf = std::ptr::null_mut();
            *ptlen = 0;
        }
        let mut cb = s.callbacks(ssl);
        let r = s.conn.processed(&mut cb);
        Ok(s.receive_result(r, ptbuf, ptlen))
    })
}

// ---- sending ---------------------------------------------------------------------------

/// # Safety
/// `ssl` NULL or live; `buf` NULL (poll, ABI.md D2) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslGetOutdata(ssl: *mut ssl_t, buf: *mut *mut u8) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        let pending = s.conn.outdata().len();
        if !buf.is_null() {
            // SAFETY: checked non-NULL above; the pointer stays valid until the next
            // call that changes the output buffer (ABI.md §3.5.1).
            unsafe { *buf = s.conn.core.out.as_mut_ptr() };
        }
        Ok(i32::try_from(pending).unwrap_or(i32::MAX))
    })
}

/// # Safety
/// `ssl` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslSentData(ssl: *mut ssl_t, bytes: u32) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        let rc = s.conn.sent(bytes as usize);
        s.after_call();
        Ok(rc)
    })
}

/// # Safety
/// `ssl` NULL or live; `buf` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslGetWritebuf(
    ssl: *mut ssl_t,
    buf: *mut *mut u8,
    req_len: u32,
) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        check_arg(!buf.is_null())?;
        let (at, room) = s.conn.write_buf(req_len as usize);
        // SAFETY: checked non-NULL; `at + room` lies inside the output buffer just
        // resized.
        unsafe { *buf = s.conn.core.out[at..].as_mut_ptr() };
        Ok(i32::try_from(room).unwrap_or(i32::MAX))
    })
}

/// # Safety
/// `ssl` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslEncodeWritebuf(ssl: *mut ssl_t, len: u32) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        check_arg(len < 1 << 31)?;
        Ok(s.conn.encode_write_buf(len as usize))
    })
}

/// # Safety
/// `ssl` NULL or live; `buf` NULL or `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslEncodeToOutdata(ssl: *mut ssl_t, buf: *mut u8, len: u32) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        check_arg(!buf.is_null())?;
        if len as usize > crate::record::MAX_PLAINTEXT {
            return Err(PS_LIMIT_FAIL);
        }
        // SAFETY: the caller provides `len` readable bytes at `buf`.
        let data = unsafe { std::slice::from_raw_parts(buf, len as usize) };
        Ok(s.conn.encode_to_outdata(data))
    })
}

/// # Safety
/// `ssl` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslEncodeClosureAlert(ssl: *mut ssl_t) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| Ok(s.conn.encode_closure_alert()))
}

// ---- rehandshakes ----------------------------------------------------------------------

/// `matrixSslEncodeRehandshake` (ABI.md §3.8.1). Settings only ever "upgrade": a new key
/// container, a new certificate callback (client), SSL_OPTION_FULL_HANDSHAKE or a different
/// suite force a full handshake; otherwise the current session is resumed.
///
/// # Safety
/// `ssl` NULL or live; `keys` NULL or a handle from matrixSslNewKeys.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslEncodeRehandshake(
    ssl: *mut ssl_t,
    keys: *mut sslKeys_t,
    cert_cb: Option<unsafe extern "C" fn(*mut ssl_t, *mut psX509Cert_t, i32) -> i32>,
    session_option: u32,
    cipher_spec: u32,
) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        let cipher_spec = u16::try_from(cipher_spec).map_err(|_| PS_UNSUPPORTED_FAIL)?;
        let new_keys = if keys.is_null() {
            None
        } else {
            // SAFETY: a handle from matrixSslNewKeys (checked non-NULL).
            Some(unsafe { keys_snapshot(keys) }.ok_or(PS_ARG_FAIL)?)
        };
        // A new certificate callback forces a full handshake; on a server it also turns
        // on client authentication for it (ABI.md §3.6.4).
        let full = session_option == SSL_OPTION_FULL_HANDSHAKE || cert_cb.is_some();
        if !s.conn.is_client() && cert_cb.is_some() && s.conn.handshake_complete() {
            s.conn.server_options_mut().client_auth = true;
        }
        let rc = s.conn.encode_rehandshake(new_keys, full, cipher_spec);
        if rc == MATRIXSSL_SUCCESS && cert_cb.is_some() {
            s.cert_cb = cert_cb;
        }
        Ok(rc)
    })
}

const SSL_OPTION_FULL_HANDSHAKE: u32 = 1;

/// # Safety
/// `ssl` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslAddRehandshakeCredits(ssl: *mut ssl_t, credits: i32) {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::NOTHING, |s| {
        s.conn.add_rehandshake_credits(credits);
        Ok(())
    })
}

// ---- suites and status -----------------------------------------------------------------

/// # Safety
/// `ssl` NULL (global setting) or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslSetCipherSuiteEnabledStatus(
    ssl: *mut ssl_t,
    cipher_id: u16,
    status: u32,
) -> i32 {
    guard(PS_FAILURE, || {
        let enable = match status {
            1 => true,
            0 => false,
            _ => return PS_ARG_FAIL,
        };
        // The TLS 1.3 suites are controlled like the others (ABI.md D26).
        if suites::by_id(cipher_id).is_none() && suites::tls13_by_id(cipher_id).is_none() {
            return PS_FAILURE;
        }
        // SAFETY: NULL or a live handle.
        let Some(handle) = (unsafe { ssl.as_ref() }) else {
            Config::process().suites.set_enabled(cipher_id, enable);
            return PS_SUCCESS;
        };
        with_handle(Some(handle), Refused::CODE, |s| {
            if s.conn.is_client() {
                return Err(PS_UNSUPPORTED_FAIL);
            }
            let disabled = &mut s.conn.server_options_mut().disabled_suites;
            if enable {
                disabled.enable(cipher_id);
            } else if !disabled.disable(cipher_id) {
                return Err(PS_LIMIT_FAIL);
            }
            Ok(PS_SUCCESS)
        })
    })
}

/// Stores 1 in `*anon` when the session is anonymous (D20), else 0; also 0 for a NULL
/// handle and from inside the session's own callbacks (nothing is settled until the call
/// that runs the callback returns).
///
/// # Safety
/// `ssl` NULL or live; `anon` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslGetAnonStatus(ssl: *mut ssl_t, anon: *mut i32) {
    if anon.is_null() {
        return;
    }
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    let value = with_handle(handle, Refused::NO, |s| {
        Ok(i32::from(s.conn.core.negotiated.auth.anonymous))
    });
    // SAFETY: checked non-NULL above.
    unsafe { *anon = value };
}

/// 1 once a handshake has completed and no new one is under way, else 0 (also for a NULL
/// handle and from inside the session's own callbacks).
///
/// # Safety
/// `ssl` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslHandshakeIsComplete(ssl: *mut ssl_t) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::NO, |s| {
        Ok(i32::from(s.conn.handshake_complete()))
    })
}

/// # Safety
/// `ssl` NULL or live; `sid` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslGetSessionId(ssl: *mut ssl_t, sid: *mut sslSessionId_t) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        // SAFETY: NULL or application memory of type sslSessionId_t.
        let Some(out) = (unsafe { sid.as_mut() }) else {
            return Err(PS_ARG_FAIL);
        };
        if !s.conn.is_client() {
            return Err(PS_ARG_FAIL);
        }
        if let Some((handle, suite)) = s.conn.latest_ticket() {
            out.id = handle;
            out.masterSecret = TLS13_RECORD_SECRET;
            out.cipherId = u32::from(suite);
            return Ok(PS_SUCCESS);
        }
        let n = &s.conn.core.negotiated;
        Ok(match (n.suite, <[u8; 32]>::try_from(&n.session_id[..])) {
            (Some(suite), Ok(id)) if s.conn.handshake_complete() => {
                s.conn.remember_session();
                out.id = id;
                out.masterSecret = *n.master_secret;
                out.cipherId = u32::from(suite.id);
                PS_SUCCESS
            }
            _ => PS_FAILURE,
        })
    })
}

/// # Safety
/// `ssl` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslSetSessionOption(
    ssl: *mut ssl_t,
    option: i32,
    _arg: *mut c_void,
) {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::NOTHING, |s| {
        // Commercial options: client authentication off/on for the next handshake.
        match option {
            2 if !s.conn.is_client() => s.conn.server_options_mut().client_auth = false,
            3 if !s.conn.is_client() => s.conn.server_options_mut().client_auth = true,
            _ => {}
        }
        if option == 1 {
            let is_server = !s.conn.is_client();
            let n = &mut s.conn.core.negotiated;
            if is_server && !n.session_id.is_empty() {
                s.conn.core.config.server_cache.remove(&n.session_id);
            }
            s.conn.core.negotiated.session_id.clear();
        }
        Ok(())
    })
}

/// # Safety
/// `ssl` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslSetCertValidator(
    ssl: *mut ssl_t,
    validator: Option<unsafe extern "C" fn(*mut c_void, *mut psX509Cert_t, i32) -> i32>,
) {
    let Some(v) = validator else { return };
    // SAFETY: the 3.3 prototype spells the first parameter `void *`; it receives the
    // `ssl_t *` handle either way, so both function-pointer types are ABI-identical.
    let cb = unsafe {
        std::mem::transmute::<
            unsafe extern "C" fn(*mut c_void, *mut psX509Cert_t, i32) -> i32,
            CertCb,
        >(v)
    };
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::NOTHING, |s| {
        s.cert_cb = Some(cb);
        Ok(())
    })
}

/// Encoded size of one application record of `len` bytes (ABI.md §3.10).
///
/// # Safety
/// `ssl` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslGetEncodedSize(ssl: *mut ssl_t, len: u32) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        Ok(i32::try_from(s.conn.encoded_size(len as usize)).unwrap_or(i32::MAX))
    })
}

// ---- matrixssl-rs extensions: what was negotiated --------------------------------------

/// Negotiated protocol version (0x0301..0x0304), or PS_FAILURE before the first handshake.
///
/// # Safety
/// `ssl` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslGetNegotiatedVersion(ssl: *mut ssl_t) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        match s.conn.core.negotiated.version {
            0 => Err(PS_FAILURE),
            v => Ok(i32::from(v)),
        }
    })
}

/// Negotiated cipher suite id, or PS_FAILURE before the first handshake.
///
/// # Safety
/// `ssl` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslGetNegotiatedCipher(ssl: *mut ssl_t) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        match s.conn.core.negotiated.suite_id() {
            0 => Err(PS_FAILURE),
            id => Ok(i32::from(id)),
        }
    })
}

/// 1 when the last completed handshake resumed a session, else 0.
///
/// # Safety
/// `ssl` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslIsResumed(ssl: *mut ssl_t) -> i32 {
    // SAFETY: NULL or a live handle.
    let handle = unsafe { ssl.as_ref() };
    with_handle(handle, Refused::CODE, |s| {
        Ok(i32::from(s.conn.core.negotiated.resumed))
    })
}

/// Highest protocol version for sessions created afterwards, both roles (0x0301..0x0304).
/// Returns PS_SUCCESS, or PS_ARG_FAIL for a version this build does not speak.
#[unsafe(no_mangle)]
pub extern "C" fn matrixSslSetMaxProtocolVersion(version: i32) -> i32 {
    guard(PS_FAILURE, || match u16::try_from(version) {
        Ok(v) if Config::process().suites.set_max_version(v) => PS_SUCCESS,
        _ => PS_ARG_FAIL,
    })
}

// ---- hello extensions ------------------------------------------------------------------

/// # Safety
/// `extension` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslNewHelloExtension(extension: *mut *mut tlsExtension_t) -> i32 {
    guard(PS_FAILURE, || {
        if extension.is_null() {
            return PS_ARG_FAIL;
        }
        let node = Box::new(tlsExtension_t {
            pool: std::ptr::null_mut(),
            extType: 0,
            extLen: 0,
            extData: std::ptr::null_mut(),
            next: std::ptr::null_mut(),
        });
        // SAFETY: checked non-NULL above.
        unsafe { *extension = Box::into_raw(node) };
        PS_SUCCESS
    })
}

fn boxed_bytes(data: &[u8]) -> *mut u8 {
    Box::into_raw(data.to_vec().into_boxed_slice()) as *mut u8
}

/// # Safety
/// `extension` NULL or a list head from matrixSslNewHelloExtension; `data` NULL or
/// `length` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslLoadHelloExtension(
    extension: *mut tlsExtension_t,
    data: *mut u8,
    length: u32,
    ext_type: u32,
) -> i32 {
    guard(PS_FAILURE, || {
        if extension.is_null() || (length > 0 && data.is_null()) {
            return PS_ARG_FAIL;
        }
        // D6: length 0 means an empty body. A non-empty body is copied.
        let body: &[u8] = if length == 0 {
            &[]
        } else {
            // SAFETY: the caller provides `length` readable bytes.
            unsafe { std::slice::from_raw_parts(data, length as usize) }
        };
        // SAFETY: a list head allocated by matrixSslNewHelloExtension.
        let mut node = unsafe { &mut *extension };
        // An empty body is kept as a 1-byte allocation with extLen 0, so that "used" (data
        // present or length non-zero) stays distinguishable from a fresh head.
        let fill = |n: &mut tlsExtension_t| {
            n.extType = ext_type as i32;
            n.extLen = body.len() as u32;
            n.extData = if body.is_empty() {
                boxed_bytes(&[0])
            } else {
                boxed_bytes(body)
            };
        };
        if !node_used(node) {
            fill(node);
            return PS_SUCCESS;
        }
        // SAFETY: nodes are linked by this library through `next`.
        while let Some(next) = unsafe { node.next.as_mut() } {
            node = next;
        }
        let mut new = Box::new(tlsExtension_t {
            pool: std::ptr::null_mut(),
            extType: 0,
            extLen: 0,
            extData: std::ptr::null_mut(),
            next: std::ptr::null_mut(),
        });
        fill(&mut new);
        node.next = Box::into_raw(new);
        PS_SUCCESS
    })
}

fn node_used(n: &tlsExtension_t) -> bool {
    n.extLen != 0 || !n.extData.is_null()
}

/// # Safety
/// `extension` NULL or a list from matrixSslNewHelloExtension.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslDeleteHelloExtension(extension: *mut tlsExtension_t) {
    guard((), || {
        let mut p = extension;
        while !p.is_null() {
            // SAFETY: each node was allocated with Box::into_raw by this library.
            let node = unsafe { Box::from_raw(p) };
            if !node.extData.is_null() {
                // SAFETY: extData was allocated by boxed_bytes with extLen bytes (1 for an empty body).
                let len = (node.extLen as usize).max(1);
                drop(unsafe {
                    Box::from_raw(std::ptr::slice_from_raw_parts_mut(node.extData, len))
                });
            }
            p = node.next;
        }
    })
}
