//! Constant-time helpers on `usize` masks (all ones for true, zero for false) for the checks
//! whose inputs are secret: CBC padding, the MAC position it implies, hash finalisation at a
//! secret length. The values pass through `black_box` so the optimizer cannot turn the mask
//! arithmetic back into branches.

use core::hint::black_box;

const TOP: u32 = usize::BITS - 1;

pub(super) fn is_zero(x: usize) -> usize {
    black_box(((!x & x.wrapping_sub(1)) >> TOP).wrapping_neg())
}

pub(super) fn eq(a: usize, b: usize) -> usize {
    is_zero(a ^ b)
}

/// `a < b`, for any `a`, `b` (the borrow of `a - b`).
pub(super) fn lt(a: usize, b: usize) -> usize {
    black_box(((a ^ ((a ^ b) | (a.wrapping_sub(b) ^ b))) >> TOP).wrapping_neg())
}

pub(super) fn le(a: usize, b: usize) -> usize {
    !lt(b, a)
}

/// Whether two equally long byte strings are equal, as a mask: every byte is examined.
pub(super) fn bytes_eq(a: &[u8], b: &[u8]) -> usize {
    let diff = a
        .iter()
        .zip(b)
        .fold(0usize, |acc, (x, y)| acc | usize::from(x ^ y));
    is_zero(diff) & eq(a.len(), b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        let edge = [
            0usize,
            1,
            2,
            255,
            256,
            usize::MAX / 2,
            usize::MAX / 2 + 1,
            usize::MAX,
        ];
        for &a in &edge {
            assert_eq!(is_zero(a), if a == 0 { usize::MAX } else { 0 });
            for &b in &edge {
                assert_eq!(eq(a, b), if a == b { usize::MAX } else { 0 }, "{a} {b}");
                assert_eq!(lt(a, b), if a < b { usize::MAX } else { 0 }, "{a} {b}");
                assert_eq!(le(a, b), if a <= b { usize::MAX } else { 0 }, "{a} {b}");
            }
        }
        assert_eq!(bytes_eq(b"abc", b"abc"), usize::MAX);
        assert_eq!(bytes_eq(b"abc", b"abd"), 0);
        assert_eq!(bytes_eq(b"abc", b"ab"), 0);
        assert_eq!(bytes_eq(b"", b""), usize::MAX);
    }
}
