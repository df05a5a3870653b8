//! Trace, error, time and core-layer exports (ABI.md §4.3, §4.4) and
//! `matrixSslGetPrngData` (§3.10).
//!
//! Trace output goes through the C library's own `printf`, i.e. into the very `stdout`
//! `FILE` stream the application writes to, so buffering and interleaving with the
//! application's output are exactly those of the reference library. The format strings
//! come from the application and are handed to `printf` unchanged.
#![allow(non_snake_case)]

use std::ffi::CString;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};

use libc::{c_char, c_int, c_uchar, c_void};
use zeroize::Zeroize;

use super::{cstr_or_none, fill_random, guard, malloc_copy_nul};
use crate::crypto::rng;
use crate::error::{PS_ARG_FAIL, PS_FAILURE, PS_MEM_FAIL, PS_SUCCESS};
use crate::pki::load::read_file;

/// `psTime_t` of the headers: `struct timeval`, passed by value (two `long`s in two
/// registers under the SysV psABI).
#[allow(non_camel_case_types)]
pub type psTime_t = libc::timeval;

/// `psPool_t` of the headers: a tag type; pool pointers are always NULL.
#[allow(non_camel_case_types)]
pub type psPool_t = i32;

/// `psList_t` of `core/list.h` (ABI.md §6.10: item @0, len @8, next @16, size 24).
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct psList_t {
    pub item: *mut c_uchar,
    pub len: u32,
    pub next: *mut psList_t,
}

/// `PS_CORE_IS_OPEN`: `psCoreOpen` on an open core.
const PS_CORE_IS_OPEN: i32 = 1;

/// Deepest stack wipe `psBurnStack` attempts; it recurses in 64-byte frames and must
/// not itself overflow the caller's stack.
const BURN_STACK_MAX: u32 = 64 * 1024;

// ---------------------------------------------------------------------------------------
// Trace and error output

/// `_psTrace(msg)`: prints `msg` verbatim. NULL prints nothing.
///
/// # Safety
/// `msg` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _psTrace(msg: *mut c_char) {
    guard((), || {
        if msg.is_null() {
            return;
        }
        // SAFETY: a "%s" conversion with a non-NULL, NUL-terminated string (caller's
        // contract).
        unsafe { libc::printf(c"%s".as_ptr(), msg) };
    })
}

/// `_psTraceInt(fmt, val)`: `printf(fmt, val)`. A NULL format prints nothing.
///
/// # Safety
/// `msg` is NULL or a NUL-terminated printf format consuming at most one `int`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _psTraceInt(msg: *mut c_char, val: i32) {
    guard((), || {
        if msg.is_null() {
            return;
        }
        // SAFETY: the application's format takes one int argument (caller's contract),
        // exactly as with the reference library.
        unsafe { libc::printf(msg, val as c_int) };
    })
}

/// `_psTraceStr(fmt, val)`: `printf(fmt, val)`, or `fmt` verbatim when `val` is NULL.
///
/// # Safety
/// `msg` is NULL or a NUL-terminated printf format consuming at most one string;
/// `val` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _psTraceStr(msg: *mut c_char, val: *mut c_char) {
    guard((), || {
        if msg.is_null() {
            return;
        }
        if val.is_null() {
            // SAFETY: "%s" with a non-NULL, NUL-terminated string.
            unsafe { libc::printf(c"%s".as_ptr(), msg) };
        } else {
            // SAFETY: the application's format takes one string; `val` is one.
            unsafe { libc::printf(msg, val) };
        }
    })
}

/// `_psTracePtr(fmt, val)`: `printf(fmt, val)` (`%p` expected).
///
/// # Safety
/// `message` is NULL or a NUL-terminated printf format consuming at most one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _psTracePtr(message: *mut c_char, value: *mut c_void) {
    guard((), || {
        if message.is_null() {
            return;
        }
        // SAFETY: the application's format takes one pointer argument.
        unsafe { libc::printf(message, value) };
    })
}

/// `_psError`: the same output as `_psTrace`; never aborts.
///
/// # Safety
/// As for [`_psTrace`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _psError(msg: *mut c_char) {
    // SAFETY: same contract as `_psTrace`.
    unsafe { _psTrace(msg) }
}

/// `_psErrorInt`: the same output as `_psTraceInt`; never aborts.
///
/// # Safety
/// As for [`_psTraceInt`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _psErrorInt(msg: *mut c_char, val: i32) {
    // SAFETY: same contract as `_psTraceInt`.
    unsafe { _psTraceInt(msg, val) }
}

/// `_psErrorStr`: the same output as `_psTraceStr`; never aborts.
///
/// # Safety
/// As for [`_psTraceStr`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _psErrorStr(msg: *mut c_char, val: *mut c_char) {
    // SAFETY: same contract as `_psTraceStr`.
    unsafe { _psTraceStr(msg, val) }
}

/// `psTraceBytes(tag, p, l)`: hex dump of `l` bytes at `p` (format in [`hex_dump`]).
/// A NULL `p` or a negative `l` dumps no bytes (the reference read out of bounds).
///
/// # Safety
/// `tag` is NULL or a NUL-terminated string; `p` is NULL or points to `l` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psTraceBytes(tag: *mut c_char, p: *mut c_uchar, l: c_int) {
    guard((), || {
        // SAFETY: `tag` is NULL or NUL-terminated (caller's contract).
        let tag = unsafe { cstr_or_none(tag) };
        let data: &[u8] = match usize::try_from(l) {
            Ok(n) if n > 0 && !p.is_null() => {
                // SAFETY: `p` points to `l` readable bytes (caller's contract).
                unsafe { std::slice::from_raw_parts(p, n) }
            }
            _ => &[],
        };
        let text = hex_dump(tag, data, l, p as usize);
        // The dump is ASCII apart from the tag, which is itself a C string: no NUL.
        if let Ok(text) = CString::new(text) {
            // SAFETY: "%s" with a NUL-terminated string we own.
            unsafe { libc::printf(c"%s".as_ptr(), text.as_ptr()) };
        }
    })
}

/// Renders the `psTraceBytes` dump exactly as the reference prints it:
/// `psTraceBytes(<tag>, <l>);`, then per 16 bytes a line `\n0x%08x:` (the address of the
/// line truncated to 32 bits) with `%02x ` per byte; each complete line's text (bytes
/// outside 32..=126 as `.`) is printed, after two spaces, when the next line starts. The
/// final `l % 16` bytes are padded with three spaces per missing byte, then two spaces,
/// their text and `\n` (so when `l` is a multiple of 16 the last full line's text is
/// not shown, as in the reference). A NULL tag prints the format `psTraceBytes(%s, `
/// verbatim, as `_psTraceStr` does with a NULL argument.
fn hex_dump(tag: Option<&[u8]>, data: &[u8], declared_len: c_int, addr: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + data.len() * 4);
    out.extend_from_slice(b"psTraceBytes(");
    match tag {
        Some(t) => out.extend_from_slice(t),
        None => out.extend_from_slice(b"%s"),
    }
    out.extend_from_slice(format!(", {declared_len});").as_bytes());
    for (i, chunk) in data.chunks(16).enumerate() {
        if i != 0 {
            // The previous line was complete: its text follows it.
            out.extend_from_slice(b"  ");
            out.extend(
                data.iter()
                    .skip((i - 1) * 16)
                    .take(16)
                    .map(|&b| printable(b)),
            );
        }
        let line_addr = addr.wrapping_add(i * 16) as u32;
        out.extend_from_slice(format!("\n0x{line_addr:08x}:").as_bytes());
        for b in chunk {
            out.extend_from_slice(format!("{b:02x} ").as_bytes());
        }
    }
    let tail = data.len() % 16;
    for _ in tail..16 {
        out.extend_from_slice(b"   ");
    }
    out.extend_from_slice(b"  ");
    out.extend(data.iter().skip(data.len() - tail).map(|&b| printable(b)));
    out.push(b'\n');
    out
}

fn printable(b: u8) -> u8 {
    if (32..127).contains(&b) { b } else { b'.' }
}

// ---------------------------------------------------------------------------------------
// Time

/// `psGetTime(t)`: the current time (`gettimeofday`), stored in `*t` when `t` is not
/// NULL; returns the seconds truncated to `int32`, or `PS_FAILURE`.
///
/// # Safety
/// `t` is NULL or valid for writing one `psTime_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psGetTime(t: *mut psTime_t) -> i32 {
    guard(PS_FAILURE, || {
        let Some(now) = now() else {
            return PS_FAILURE;
        };
        if !t.is_null() {
            // SAFETY: `t` is valid for writing (caller's contract).
            unsafe { t.write(now) };
        }
        now.tv_sec as i32
    })
}

fn now() -> Option<psTime_t> {
    let mut tv = libc::timeval {
        tv_sec: 0,
        tv_usec: 0,
    };
    // SAFETY: `tv` is a valid out-pointer; a NULL timezone is allowed.
    let rc = unsafe { libc::gettimeofday(&mut tv, ptr::null_mut()) };
    (rc == 0).then_some(tv)
}

/// `psDiffMsecs(then, now)`: `now - then` in milliseconds, truncated to `int32`.
#[unsafe(no_mangle)]
pub extern "C" fn psDiffMsecs(then: psTime_t, now: psTime_t) -> i32 {
    diff_msecs((then.tv_sec, then.tv_usec), (now.tv_sec, now.tv_usec))
}

/// Seconds × 1000 plus the microsecond difference / 1000, borrowing one second when
/// `now`'s microseconds are smaller than `then`'s (reference arithmetic; wraps rather
/// than panicking on absurd inputs, overflows after about 24.8 days like 3.3).
fn diff_msecs(then: (i64, i64), now: (i64, i64)) -> i32 {
    let (then_sec, then_usec) = then;
    let (mut now_sec, mut now_usec) = now;
    if now_usec < then_usec {
        now_sec = now_sec.wrapping_sub(1);
        now_usec = now_usec.wrapping_add(1_000_000);
    }
    let ms = now_sec
        .wrapping_sub(then_sec)
        .wrapping_mul(1000)
        .wrapping_add(now_usec.wrapping_sub(then_usec) / 1000);
    ms as i32
}

/// `psCompareTime(a, b)`: 1 if `a` is earlier than or equal to `b`, else 0.
#[unsafe(no_mangle)]
pub extern "C" fn psCompareTime(a: psTime_t, b: psTime_t) -> i32 {
    i32::from(compare_time((a.tv_sec, a.tv_usec), (b.tv_sec, b.tv_usec)))
}

fn compare_time(a: (i64, i64), b: (i64, i64)) -> bool {
    a <= b
}

// ---------------------------------------------------------------------------------------
// Core open/close, entropy, stack burning

static CORE_OPEN: AtomicBool = AtomicBool::new(false);

/// Opens the core layer: checks that the clock and the OS entropy source work.
/// `PS_SUCCESS`, `PS_CORE_IS_OPEN` when already open, `PS_FAILURE` otherwise.
pub(crate) fn core_open() -> i32 {
    if CORE_OPEN.load(Ordering::Acquire) {
        return PS_CORE_IS_OPEN;
    }
    let mut probe = [0u8; 1];
    if now().is_none() || rng::fill(&mut probe).is_err() {
        return PS_FAILURE;
    }
    match CORE_OPEN.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => PS_SUCCESS,
        Err(_) => PS_CORE_IS_OPEN,
    }
}

/// Closes the core layer; harmless when it is not open.
pub(crate) fn core_close() {
    CORE_OPEN.store(false, Ordering::Release);
}

/// `psCoreOpen()`: see [`core_open`].
#[unsafe(no_mangle)]
pub extern "C" fn psCoreOpen() -> i32 {
    guard(PS_FAILURE, core_open)
}

/// `psCoreClose()`.
#[unsafe(no_mangle)]
pub extern "C" fn psCoreClose() {
    guard((), core_close)
}

/// `psBurnStack(len)`: best-effort wipe of about `len` bytes of stack below the caller
/// (capped at 64 KiB).
#[unsafe(no_mangle)]
pub extern "C" fn psBurnStack(len: u32) {
    guard((), || burn_stack(len.min(BURN_STACK_MAX)))
}

/// Zeroes a 64-byte frame and recurses until `len` bytes of stack were covered.
#[inline(never)]
fn burn_stack(len: u32) {
    let mut frame = [0u8; 64];
    // Volatile writes: the wipe is not optimised away.
    frame.zeroize();
    if len > 64 {
        burn_stack(len - 64);
    }
    // Keeps the frame alive across the call, so the recursion is not a tail call
    // that would reuse one frame.
    std::hint::black_box(&frame);
}

/// `psGetEntropy(bytes, size)`: `size` bytes of OS entropy; returns `size`,
/// `PS_ARG_FAIL` (NULL buffer, or more than `INT32_MAX` bytes) or `PS_PLATFORM_FAIL`.
///
/// # Safety
/// `bytes` is NULL or valid for writing `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psGetEntropy(bytes: *mut c_uchar, size: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe { fill_random(bytes, size) })
}

/// `matrixSslGetPrngData(bytes, size)`: `size` bytes from the library's random generator
/// (the OS CSPRNG through ring); returns `size` or a negative code as `psGetEntropy`.
///
/// # Safety
/// `bytes` is NULL or valid for writing `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn matrixSslGetPrngData(bytes: *mut c_uchar, size: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    guard(PS_FAILURE, || unsafe { fill_random(bytes, size) })
}

// ---------------------------------------------------------------------------------------
// Files and lists

/// `psGetFileBuf(pool, fileName, buf, bufLen)`: reads a whole file into a new
/// NUL-terminated `malloc` buffer (`*buf`, freed by the caller with `free`/`psFree`),
/// `*bufLen` = file size. `PS_ARG_FAIL` for NULL arguments, `PS_PLATFORM_FAIL` if the
/// file cannot be read, `PS_MEM_FAIL` if it cannot be held. On failure `*buf` is NULL.
///
/// # Safety
/// `fileName` is NULL or NUL-terminated; `buf` and `bufLen` are NULL or valid for
/// writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psGetFileBuf(
    pool: *mut psPool_t,
    fileName: *const c_char,
    buf: *mut *mut c_uchar,
    bufLen: *mut i32,
) -> i32 {
    let _ = pool;
    guard(PS_FAILURE, || {
        if buf.is_null() || bufLen.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: both out-pointers are valid for writing (caller's contract).
        unsafe {
            buf.write(ptr::null_mut());
            bufLen.write(0);
        }
        // SAFETY: `fileName` is NULL or NUL-terminated (caller's contract).
        let Some(name) = (unsafe { cstr_or_none(fileName) }) else {
            return PS_ARG_FAIL;
        };
        let data = match read_file(name) {
            Ok(d) => d,
            Err(rc) => return rc,
        };
        let Ok(len) = i32::try_from(data.len()) else {
            return PS_MEM_FAIL;
        };
        let Some(copy) = malloc_copy_nul(&data) else {
            return PS_MEM_FAIL;
        };
        // SAFETY: both out-pointers are valid for writing (caller's contract).
        unsafe {
            buf.write(copy);
            bufLen.write(len);
        }
        PS_SUCCESS
    })
}

/// `psParseList(pool, list, separator, items)`: splits `list` at every `separator` into
/// a new `psList_t` chain (empty pieces included; each `item` a NUL-terminated `malloc`
/// copy, `len` without the NUL). `PS_ARG_FAIL` for NULL arguments or an empty string,
/// `PS_MEM_FAIL` on allocation failure; `*items` is NULL on failure. Free with
/// `psFreeList`.
///
/// # Safety
/// `list` is NULL or NUL-terminated; `items` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psParseList(
    pool: *mut psPool_t,
    list: *mut c_char,
    separator: c_char,
    items: *mut *mut psList_t,
) -> i32 {
    let _ = pool;
    guard(PS_FAILURE, || {
        if items.is_null() {
            return PS_ARG_FAIL;
        }
        // SAFETY: `items` is valid for writing (caller's contract).
        unsafe { items.write(ptr::null_mut()) };
        // SAFETY: `list` is NULL or NUL-terminated (caller's contract).
        let Some(text) = (unsafe { cstr_or_none(list) }) else {
            return PS_ARG_FAIL;
        };
        if text.is_empty() || u32::try_from(text.len()).is_err() {
            return PS_ARG_FAIL;
        }
        // Built back to front so every node is linked as soon as it exists.
        let mut head: *mut psList_t = ptr::null_mut();
        for piece in text.split(|&b| b == separator as u8).rev() {
            match new_list_node(piece, head) {
                Some(node) => head = node,
                None => {
                    // SAFETY: `head` is a chain this function allocated.
                    unsafe { free_list(head) };
                    return PS_MEM_FAIL;
                }
            }
        }
        // SAFETY: `items` is valid for writing (caller's contract).
        unsafe { items.write(head) };
        PS_SUCCESS
    })
}

/// Allocates one `psList_t` node holding a copy of `piece`, linked in front of `next`.
fn new_list_node(piece: &[u8], next: *mut psList_t) -> Option<*mut psList_t> {
    let len = u32::try_from(piece.len()).ok()?;
    let item = malloc_copy_nul(piece)?;
    // SAFETY: plain allocation; checked for NULL below.
    let node = unsafe { libc::malloc(std::mem::size_of::<psList_t>()) }.cast::<psList_t>();
    if node.is_null() {
        // SAFETY: `item` came from `malloc` and is not referenced elsewhere.
        unsafe { libc::free(item.cast()) };
        return None;
    }
    // SAFETY: `node` is a fresh, suitably aligned (malloc) block of the right size.
    unsafe { node.write(psList_t { item, len, next }) };
    Some(node)
}

/// Frees a `psList_t` chain built by [`psParseList`].
///
/// # Safety
/// `list` is NULL or a chain of `malloc`ed nodes and items not freed yet.
unsafe fn free_list(mut list: *mut psList_t) {
    while !list.is_null() {
        // SAFETY: `list` is a live node of the chain (caller's contract).
        let node = unsafe { list.read() };
        // SAFETY: item and node came from `malloc` and are released exactly once.
        unsafe {
            libc::free(node.item.cast());
            libc::free(list.cast());
        }
        list = node.next;
    }
}

/// `psFreeList(list)`: frees a list from `psParseList`; NULL is a no-op.
///
/// # Safety
/// `list` is NULL or a list returned by `psParseList` and not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psFreeList(list: *mut psList_t) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { free_list(list) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::PS_PLATFORM_FAIL;
    use std::ffi::CStr;
    use std::os::unix::ffi::OsStrExt;

    fn tv(sec: i64, usec: i64) -> psTime_t {
        libc::timeval {
            tv_sec: sec,
            tv_usec: usec,
        }
    }

    #[test]
    fn diff_msecs_borrows_a_second_when_usec_goes_backwards() {
        // 10.900 -> 12.100 is 1.2 s: the borrow turns (2 s, -800 ms) into (1 s, 200 ms).
        assert_eq!(psDiffMsecs(tv(10, 900_000), tv(12, 100_000)), 1200);
        assert_eq!(psDiffMsecs(tv(10, 100_000), tv(12, 900_000)), 2800);
        assert_eq!(psDiffMsecs(tv(5, 0), tv(5, 0)), 0);
        assert_eq!(psDiffMsecs(tv(5, 1_999), tv(5, 2_000)), 0);
        // Backwards in time gives a negative difference.
        assert_eq!(psDiffMsecs(tv(12, 100_000), tv(10, 900_000)), -1200);
    }

    #[test]
    fn diff_msecs_truncates_to_int32_like_the_reference() {
        // 2^31 ms later wraps (the reference overflows after ~24.8 days).
        let secs = (1i64 << 31) / 1000 + 1;
        let expected = (secs * 1000) as i32;
        assert_eq!(psDiffMsecs(tv(0, 0), tv(secs, 0)), expected);
        assert!(expected < 0);
        // Absurd inputs must not panic.
        let _ = psDiffMsecs(tv(i64::MIN, 999_999), tv(i64::MAX, 0));
    }

    #[test]
    fn compare_time_is_earlier_or_equal() {
        assert_eq!(psCompareTime(tv(1, 5), tv(2, 0)), 1);
        assert_eq!(psCompareTime(tv(2, 0), tv(1, 5)), 0);
        assert_eq!(psCompareTime(tv(2, 5), tv(2, 6)), 1);
        assert_eq!(psCompareTime(tv(2, 6), tv(2, 5)), 0);
        assert_eq!(psCompareTime(tv(2, 6), tv(2, 6)), 1);
    }

    #[test]
    fn get_time_matches_the_system_clock() {
        let mut t = tv(0, 0);
        // SAFETY: valid out-pointer.
        let secs = unsafe { psGetTime(&mut t) };
        let sys = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert_eq!(i64::from(secs), t.tv_sec);
        assert!((t.tv_sec - sys).abs() <= 1);
        assert!((0..1_000_000).contains(&t.tv_usec));
        // SAFETY: NULL is allowed.
        assert!(unsafe { psGetTime(ptr::null_mut()) } > 0);
    }

    /// Runs `psParseList` and returns the pieces, freeing the list.
    fn parse(input: &CStr, sep: u8) -> Result<Vec<(Vec<u8>, u32)>, i32> {
        let mut owned = input.to_bytes_with_nul().to_vec();
        let mut list: *mut psList_t = ptr::null_mut();
        // SAFETY: NUL-terminated input and a valid out-pointer.
        let rc = unsafe {
            psParseList(
                ptr::null_mut(),
                owned.as_mut_ptr().cast(),
                sep as c_char,
                &mut list,
            )
        };
        if rc != PS_SUCCESS {
            assert!(list.is_null());
            return Err(rc);
        }
        let mut out = Vec::new();
        let mut node = list;
        while !node.is_null() {
            // SAFETY: nodes of the list psParseList returned.
            let n = unsafe { &*node };
            // SAFETY: each item is NUL-terminated.
            let item = unsafe { CStr::from_ptr(n.item.cast()) }.to_bytes().to_vec();
            out.push((item, n.len));
            node = n.next;
        }
        // SAFETY: the list psParseList returned, freed once.
        unsafe { psFreeList(list) };
        Ok(out)
    }

    #[test]
    fn parse_list_splits_at_every_separator() {
        let pieces = parse(c"ca1.pem;ca2.pem;;x", b';').unwrap();
        let expect: Vec<(Vec<u8>, u32)> = vec![
            (b"ca1.pem".to_vec(), 7),
            (b"ca2.pem".to_vec(), 7),
            (Vec::new(), 0),
            (b"x".to_vec(), 1),
        ];
        assert_eq!(pieces, expect);
        // A trailing separator yields a final empty item, as in the reference.
        assert_eq!(
            parse(c"a;", b';').unwrap(),
            vec![(b"a".to_vec(), 1), (Vec::new(), 0)]
        );
        assert_eq!(
            parse(c"single", b';').unwrap(),
            vec![(b"single".to_vec(), 6)]
        );
    }

    #[test]
    fn parse_list_rejects_empty_and_null_input() {
        assert_eq!(parse(c"", b';'), Err(PS_ARG_FAIL));
        let mut list: *mut psList_t = ptr::null_mut();
        // SAFETY: NULL list is an argument error, out-pointer valid.
        let rc =
            unsafe { psParseList(ptr::null_mut(), ptr::null_mut(), b';' as c_char, &mut list) };
        assert_eq!(rc, PS_ARG_FAIL);
        let mut s = *b"a;b\0";
        // SAFETY: NULL items pointer is an argument error.
        let rc = unsafe {
            psParseList(
                ptr::null_mut(),
                s.as_mut_ptr().cast(),
                b';' as c_char,
                ptr::null_mut(),
            )
        };
        assert_eq!(rc, PS_ARG_FAIL);
        // SAFETY: NULL is a no-op.
        unsafe { psFreeList(ptr::null_mut()) };
    }

    #[test]
    fn list_layout_matches_the_header() {
        assert_eq!(std::mem::size_of::<psList_t>(), 24);
        assert_eq!(std::mem::offset_of!(psList_t, item), 0);
        assert_eq!(std::mem::offset_of!(psList_t, len), 8);
        assert_eq!(std::mem::offset_of!(psList_t, next), 16);
        assert_eq!(std::mem::size_of::<psTime_t>(), 16);
    }

    #[test]
    fn hex_dump_matches_the_reference_layout() {
        let data: Vec<u8> = (0x41..0x41 + 20).collect(); // "ABCDEFGHIJKLMNOPQRST"
        let text = hex_dump(Some(b"tag"), &data, 20, 0x1234_5678_9abc_def0);
        let expected = String::from("psTraceBytes(tag, 20);")
            + "\n0x9abcdef0:41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 "
            + "  ABCDEFGHIJKLMNOP"
            + "\n0x9abcdf00:51 52 53 54 "
            + &"   ".repeat(12)
            + "  QRST\n";
        assert_eq!(String::from_utf8(text).unwrap(), expected);
    }

    #[test]
    fn hex_dump_edge_cases() {
        // Non-printable bytes become '.'; 127 is not printable, 32 and 126 are.
        let text = hex_dump(Some(b"t"), &[0, 31, 32, 126, 127, 255], 6, 0x10);
        let expected = String::from("psTraceBytes(t, 6);\n0x00000010:00 1f 20 7e 7f ff ")
            + &"   ".repeat(10)
            + "  .. ~..\n";
        assert_eq!(String::from_utf8(text).unwrap(), expected);
        // Exactly 16 bytes: the last full line's text is not shown (reference quirk).
        let text = hex_dump(Some(b"t"), &[0x61; 16], 16, 0);
        let expected = String::from("psTraceBytes(t, 16);\n0x00000000:")
            + &"61 ".repeat(16)
            + &"   ".repeat(16)
            + "  \n";
        assert_eq!(String::from_utf8(text).unwrap(), expected);
        // No data (NULL pointer or negative length) and a NULL tag.
        let text = hex_dump(None, &[], -3, 0);
        let expected = String::from("psTraceBytes(%s, -3);") + &"   ".repeat(16) + "  \n";
        assert_eq!(String::from_utf8(text).unwrap(), expected);
    }

    #[test]
    fn random_sources_fill_the_buffer() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        // SAFETY: valid buffers of the given sizes.
        unsafe {
            assert_eq!(psGetEntropy(a.as_mut_ptr(), 32), 32);
            assert_eq!(matrixSslGetPrngData(b.as_mut_ptr(), 32), 32);
        }
        assert_ne!(a, [0u8; 32]);
        assert_ne!(a, b);
        // SAFETY: NULL with a size is rejected; size 0 touches nothing.
        unsafe {
            assert_eq!(matrixSslGetPrngData(ptr::null_mut(), 4), PS_ARG_FAIL);
            assert_eq!(psGetEntropy(ptr::null_mut(), 0), 0);
            assert_eq!(psGetEntropy(a.as_mut_ptr(), u32::MAX), PS_ARG_FAIL);
        }
    }

    #[test]
    fn get_file_buf_reads_whole_file_nul_terminated() {
        let dir = std::env::temp_dir().join(format!("mssl-util-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.bin");
        std::fs::write(&path, b"ab\0cd").unwrap();
        let cpath = CString::new(path.as_os_str().as_bytes()).unwrap();
        let mut buf: *mut c_uchar = ptr::null_mut();
        let mut len = -1;
        // SAFETY: valid name and out-pointers.
        let rc = unsafe { psGetFileBuf(ptr::null_mut(), cpath.as_ptr(), &mut buf, &mut len) };
        assert_eq!(rc, PS_SUCCESS);
        assert_eq!(len, 5);
        // SAFETY: psGetFileBuf returned len + 1 bytes.
        let got = unsafe { std::slice::from_raw_parts(buf, 6) };
        assert_eq!(got, b"ab\0cd\0");
        // SAFETY: malloc'ed by psGetFileBuf.
        unsafe { libc::free(buf.cast()) };

        let missing = CString::new(dir.join("missing").as_os_str().as_bytes()).unwrap();
        // SAFETY: valid pointers.
        let rc = unsafe { psGetFileBuf(ptr::null_mut(), missing.as_ptr(), &mut buf, &mut len) };
        assert_eq!(rc, PS_PLATFORM_FAIL);
        assert!(buf.is_null());
        // SAFETY: NULL name is an argument error.
        let rc = unsafe { psGetFileBuf(ptr::null_mut(), ptr::null(), &mut buf, &mut len) };
        assert_eq!(rc, PS_ARG_FAIL);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn core_open_close_and_burn_stack() {
        let first = psCoreOpen();
        assert!(first == PS_SUCCESS || first == PS_CORE_IS_OPEN);
        assert_eq!(psCoreOpen(), PS_CORE_IS_OPEN);
        psBurnStack(4096);
        psBurnStack(u32::MAX); // capped, must not overflow the stack
    }
}
