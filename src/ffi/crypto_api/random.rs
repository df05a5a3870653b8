//! Random numbers (the Tier C crypto API, see the parent module).

use super::*;

/// `psInitPrng`: zeroes the context (nothing else is kept in it). `PS_SUCCESS`,
/// `PS_ARG_FAIL` for NULL.
///
/// # Safety
/// `ctx` NULL or a writable `psRandom_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psInitPrng(ctx: *mut psRandom_t) -> i32 {
    guard(PS_FAILURE, || {
        if ctx.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: writable per caller contract.
        unsafe { ptr::write_bytes(ctx, 0, 1) };
        PS_SUCCESS
    })
}

/// `psGetPrng`: `size` random bytes from the OS generator (`ctx` may be NULL and is not
/// used). Returns `size`; `PS_ARG_FAIL` (NULL `bytes`), `PS_LIMIT_FAIL` (`size` above
/// `INT32_MAX`), `PS_PLATFORM_FAIL`.
///
/// # Safety
/// `bytes` NULL or `size` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psGetPrng(_ctx: *mut psRandom_t, bytes: *mut u8, size: u32) -> i32 {
    guard(PS_FAILURE, || {
        if i32::try_from(size).is_err() {
            return PS_LIMIT_FAIL;
        }
        // SAFETY: forwarded caller contract.
        unsafe { fill_random(bytes, size) }
    })
}

/// `psYarrowStart`: zeroes the context. `PS_SUCCESS`, `PS_ARG_FAIL`.
///
/// # Safety
/// `ctx` NULL or a writable `psYarrow_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowStart(ctx: *mut psYarrow_t) -> i32 {
    guard(PS_FAILURE, || {
        if ctx.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: writable per caller contract.
        unsafe { ptr::write_bytes(ctx, 0, 1) };
        PS_SUCCESS
    })
}

/// `psYarrowAddEntropy`: accepted and ignored (the OS generator needs no seeding from
/// applications). `PS_SUCCESS`, `PS_ARG_FAIL` (NULL context, or NULL data with a length).
///
/// # Safety
/// None: the pointers are only tested for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowAddEntropy(
    r#in: *mut u8,
    inlen: u32,
    prng: *mut psYarrow_t,
) -> i32 {
    guard(PS_FAILURE, || {
        if prng.is_null() || (r#in.is_null() && inlen != 0) {
            return PS_ARG_FAIL;
        }
        PS_SUCCESS
    })
}

/// `psYarrowReseed`: nothing to do. `PS_SUCCESS`, `PS_ARG_FAIL`.
///
/// # Safety
/// None: the pointer is only tested for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowReseed(ctx: *mut psYarrow_t) -> i32 {
    guard(PS_FAILURE, || {
        if ctx.is_null() {
            PS_ARG_FAIL
        } else {
            PS_SUCCESS
        }
    })
}

/// `psYarrowRead`: `outlen` bytes from the OS generator; returns the count written (0 on
/// any failure, as the `uint32` result has no error values).
///
/// # Safety
/// `out` NULL or `outlen` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowRead(out: *mut u8, outlen: u32, cx: *mut psYarrow_t) -> u32 {
    guard(0, || {
        if cx.is_null() {
            return 0;
        }
        // SAFETY: forwarded caller contract.
        if unsafe { fill_random(out, outlen) } < 0 {
            0
        } else {
            outlen
        }
    })
}

/// `psYarrowDone`: zeroes the context. `PS_SUCCESS`, `PS_ARG_FAIL`.
///
/// # Safety
/// `ctx` NULL or a writable `psYarrow_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowDone(ctx: *mut psYarrow_t) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { psYarrowStart(ctx) }
}

/// `psYarrowExport`: as 3.3, 64 bytes of generator output; `*outlen` = 64. `PS_LIMIT_FAIL`
/// (with `*outlen` = 64) when the room `*outlen` is smaller; `PS_ARG_FAIL` for NULL.
///
/// # Safety
/// `out` NULL or `*outlen` writable bytes; `outlen` NULL or readable and writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowExport(
    out: *mut u8,
    outlen: *mut u32,
    ctx: *mut psYarrow_t,
) -> i32 {
    guard(PS_FAILURE, || {
        if out.is_null() || outlen.is_null() || ctx.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: `outlen` readable and writable.
        unsafe {
            if outlen.read() < YARROW_EXPORT_LEN {
                outlen.write(YARROW_EXPORT_LEN);
                return PS_LIMIT_FAIL;
            }
        }
        // SAFETY: at least 64 writable bytes at `out`.
        let rc = unsafe { fill_random(out, YARROW_EXPORT_LEN) };
        if rc < 0 {
            return rc;
        }
        // SAFETY: `outlen` writable.
        unsafe { outlen.write(YARROW_EXPORT_LEN) };
        PS_SUCCESS
    })
}

/// `psYarrowImport`: accepts a 64-byte state from `psYarrowExport` (and ignores it, like
/// added entropy). `PS_SUCCESS`; `PS_ARG_FAIL` for NULL or another length.
///
/// # Safety
/// None: the pointers are only tested for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psYarrowImport(r#in: *mut u8, inlen: u32, ctx: *mut psYarrow_t) -> i32 {
    guard(PS_FAILURE, || {
        if r#in.is_null() || ctx.is_null() || inlen != YARROW_EXPORT_LEN {
            return PS_ARG_FAIL;
        }
        PS_SUCCESS
    })
}
