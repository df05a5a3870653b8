//! The C boundary: the exports of the MatrixSSL API, and (with `c_imports`, what the core
//! imports from C) the only module allowed `unsafe` code.
//!
//! Every exported function runs its body inside [`guard`], so a Rust panic becomes an error
//! code instead of unwinding into C, and every pointer is checked before it is used. The
//! exports taking an `ssl_t *` reach the session only through the handle layer
//! (`handle::with_handle`), which adds the re-entry guard: a call made from inside one of
//! the session's own callbacks is refused instead of aliasing the session.

pub mod crypto_api;
mod handle;
pub mod keys;
pub mod session;
pub mod util;
pub mod x509;

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`, turning a panic into `on_panic`. Panics are bugs; this keeps them from
/// crossing into C (undefined behaviour) and gives the caller a clean failure code.
pub(crate) fn guard<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// Copies a C buffer described by pointer and signed length into a slice view.
/// A NULL pointer or a negative length gives `None` ("absent" in the MatrixSSL API).
///
/// # Safety
/// When `ptr` is non-NULL it must point to `len` readable bytes for the returned lifetime.
pub(crate) unsafe fn slice_or_none<'a>(ptr: *const u8, len: i64) -> Option<&'a [u8]> {
    if ptr.is_null() || len < 0 {
        return None;
    }
    if len == 0 {
        return Some(&[]);
    }
    // SAFETY: the caller guarantees `ptr` points to `len` readable bytes.
    Some(unsafe { std::slice::from_raw_parts(ptr, len as usize) })
}

/// Reads a NUL-terminated C string as bytes; NULL gives `None`.
///
/// # Safety
/// When non-NULL, `ptr` must point to a NUL-terminated string.
pub(crate) unsafe fn cstr_or_none<'a>(ptr: *const libc::c_char) -> Option<&'a [u8]> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: the caller guarantees a NUL-terminated string.
    Some(unsafe { std::ffi::CStr::from_ptr(ptr) }.to_bytes())
}
