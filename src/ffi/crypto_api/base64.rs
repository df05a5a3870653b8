//! Base64 (the Tier C crypto API, see the parent module).

use super::*;

/// `psBase64decode`: decodes `len` characters into `out`, whose size is `*outlen` on entry;
/// `*outlen` = decoded length on success. As 3.3, characters outside the alphabet are
/// skipped and `=` pads only the last group ([`decode_base64_skipping`]). `PS_SUCCESS`, `PS_ARG_FAIL` (NULL),
/// `PS_PARSE_FAIL` (malformed), `PS_LIMIT_FAIL` (`out` too small; nothing written). `in` and
/// `out` may overlap (decoding in place).
///
/// # Safety
/// `in` NULL or `len` readable bytes; `out` NULL or `*outlen` writable bytes; `outlen` NULL
/// or readable and writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psBase64decode(
    r#in: *const u8,
    len: u32,
    out: *mut u8,
    outlen: *mut u32,
) -> i32 {
    guard(PS_FAILURE, || {
        if r#in.is_null() || out.is_null() || outlen.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: `len` readable bytes at `in`; the slice is no longer used once `out` is
        // written.
        let text = unsafe { core::slice::from_raw_parts(r#in, len as usize) };
        let decoded = match decode_base64_skipping(text) {
            Ok(d) => d,
            Err(rc) => return rc,
        };
        // SAFETY: `outlen` is readable and writable.
        let room = unsafe { outlen.read() };
        let Ok(n) = u32::try_from(decoded.len()) else {
            return PS_LIMIT_FAIL;
        };
        if n > room {
            return PS_LIMIT_FAIL;
        }
        // SAFETY: `out` has `room >= n` writable bytes; `decoded` is owned.
        unsafe {
            write_out(out, &decoded);
            outlen.write(n);
        }
        PS_SUCCESS
    })
}
