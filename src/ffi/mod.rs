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
use std::ptr;

use crate::crypto::rng;
use crate::error::{PS_ARG_FAIL, PS_PLATFORM_FAIL};

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

/// Fills `bytes[..size]` from the library's generator (the operating system's CSPRNG), for
/// every export that hands out random bytes: returns `size`; 0 for `size` 0 (`bytes` not
/// touched); `PS_ARG_FAIL` for NULL `bytes` or a `size` above `INT32_MAX`;
/// `PS_PLATFORM_FAIL`.
///
/// # Safety
/// `bytes` is NULL or valid for writing `size` bytes.
pub(crate) unsafe fn fill_random(bytes: *mut u8, size: u32) -> i32 {
    let Ok(count) = i32::try_from(size) else {
        return PS_ARG_FAIL;
    };
    if count == 0 {
        return 0;
    }
    if bytes.is_null() {
        return PS_ARG_FAIL;
    }
    // SAFETY: `bytes` is valid for writing `size` bytes (caller's contract).
    let out = unsafe { std::slice::from_raw_parts_mut(bytes, size as usize) };
    match rng::fill(out) {
        Ok(()) => count,
        Err(()) => PS_PLATFORM_FAIL,
    }
}

/// Copies `data` plus a terminating NUL into a new `malloc` block (freeable with `free`).
pub(crate) fn malloc_copy_nul(data: &[u8]) -> Option<*mut u8> {
    let size = data.len().checked_add(1)?;
    // SAFETY: plain allocation; the result is checked for NULL below.
    let block = unsafe { libc::malloc(size) }.cast::<u8>();
    if block.is_null() {
        return None;
    }
    // SAFETY: `block` has room for `data.len() + 1` bytes and does not overlap `data`.
    unsafe {
        ptr::copy_nonoverlapping(data.as_ptr(), block, data.len());
        block.add(data.len()).write(0);
    }
    Some(block)
}
