//! Base64 (the Tier C crypto API, see the parent module).

use super::*;

/// Value of a base64 character: 0..=63 for the alphabet, 64 for `=`, -1 for anything else.
/// Computed with arithmetic masks instead of a table so the characters of a (possibly
/// secret) input do not select cache lines.
pub(super) fn base64_value(c: u8) -> i32 {
    let c = i32::from(c);
    // -1 when lo <= c <= hi, else 0.
    let within = |lo: i32, hi: i32| ((lo - 1 - c) & (c - hi - 1)) >> 31;
    -1 + (within(65, 90) & (c - 65 + 1))
        + (within(97, 122) & (c - 97 + 27))
        + (within(48, 57) & (c - 48 + 53))
        + (within(43, 43) & 63)
        + (within(47, 47) & 64)
        + (within(61, 61) & 65)
}

/// 3.3's decoder: characters outside the alphabet (line breaks, spaces) are skipped, `=`
/// pads the last group. A group left incomplete, or data after the padding, is
/// `PS_PARSE_FAIL`.
pub(super) fn base64_decode(text: &[u8]) -> Result<Zeroizing<Vec<u8>>, i32> {
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() / 4 * 3));
    let mut acc = 0u32;
    let mut count = 0;
    let mut pads = 0;
    for &c in text {
        let v = base64_value(c);
        if v < 0 {
            continue;
        }
        if v == 64 {
            pads += 1;
        } else if pads > 0 {
            return Err(PS_PARSE_FAIL);
        }
        acc = (acc << 6) | (v as u32 & 0x3f);
        count += 1;
        if count == 4 {
            if pads > 2 {
                return Err(PS_PARSE_FAIL);
            }
            let bytes = acc.to_be_bytes();
            out.extend_from_slice(&bytes[1..4 - pads]);
            acc = 0;
            count = 0;
        }
    }
    acc.zeroize();
    if count != 0 {
        return Err(PS_PARSE_FAIL);
    }
    Ok(out)
}

/// `psBase64decode`: decodes `len` characters into `out`, whose size is `*outlen` on entry;
/// `*outlen` = decoded length on success. `PS_SUCCESS`, `PS_ARG_FAIL` (NULL),
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
        let decoded = match base64_decode(text) {
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
