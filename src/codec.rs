//! The one wire codec idiom: a bounds-checked `Reader` that can never index past its slice,
//! and length-prefixed writers. Every parser in the crate is written with these, so a
//! malformed message can only ever produce `None` (mapped to decode_error by callers).

use crate::error::Fatal;

pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let out = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(out)
    }

    pub fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    pub fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u24(&mut self) -> Option<usize> {
        self.take(3)
            .map(|b| (usize::from(b[0]) << 16) | (usize::from(b[1]) << 8) | usize::from(b[2]))
    }

    /// A vector with a one-byte length prefix.
    pub fn vec_u8(&mut self) -> Option<&'a [u8]> {
        let n = self.u8()?;
        self.take(usize::from(n))
    }

    pub fn vec_u16(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }

    pub fn vec_u24(&mut self) -> Option<&'a [u8]> {
        let n = self.u24()?;
        self.take(n)
    }

    pub fn rest(&mut self) -> &'a [u8] {
        let out = self.buf.get(self.pos..).unwrap_or(&[]);
        self.pos = self.buf.len();
        out
    }

    /// Bytes not yet consumed.
    pub fn rest_len(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// Fails unless everything was consumed: trailing bytes are a decode error.
    pub fn finish(&self) -> Result<(), Fatal> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Fatal::decode("trailing bytes after a structure"))
        }
    }
}

/// Maps "ran out of bytes" to the decode_error alert.
pub trait OrDecode<T> {
    fn or_decode(self) -> Result<T, Fatal>;
}

impl<T> OrDecode<T> for Option<T> {
    fn or_decode(self) -> Result<T, Fatal> {
        self.ok_or(Fatal::decode(
            "structure truncated or a length runs past its end",
        ))
    }
}

/// A wire structure with a strict reader and an encoder that inverts it.
///
/// One trait rather than a split Encode/Decode: every message we parse we also send (or a
/// test plays the peer that sends it), and keeping both halves on one type is what lets the
/// round-trip fuzz target check them against each other. Decoding borrows from the input
/// (`'a`), so a parsed message costs no copies.
///
/// Some structures are read differently depending on what was negotiated (a
/// ServerKeyExchange by key exchange and version, a CertificateVerify by version): that is
/// `Context`, `()` for the self-describing ones. Encoding needs no context: the value
/// already says which form it has.
pub trait Codec<'a>: Sized {
    type Context: Copy;

    /// Appends the wire form. Fails rather than truncate a length that does not fit.
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong>;

    /// Reads one value from `r`, leaving whatever follows it unread.
    fn read(r: &mut Reader<'a>, ctx: Self::Context) -> Result<Self, Fatal>;

    /// Reads a value that must fill `body` exactly: trailing bytes are decode_error.
    fn parse(body: &'a [u8], ctx: Self::Context) -> Result<Self, Fatal> {
        let mut r = Reader::new(body);
        let value = Self::read(&mut r, ctx)?;
        r.finish()?;
        Ok(value)
    }

    /// The wire form as a new buffer.
    fn to_bytes(&self) -> Result<Vec<u8>, TooLong> {
        let mut out = Vec::new();
        self.encode(&mut out)?;
        Ok(out)
    }
}

/// Declares a newtype over a wire integer (handshake type, alert description, ...) with an
/// associated constant and a trace name for each known value, and a module of the same
/// constants as plain integers for code that handles raw bytes (record payloads, hand-built
/// test messages). One list feeds both, so the two cannot disagree. Values outside the list
/// are representable: a peer can send any number, and `name()` calls those "unknown".
macro_rules! wire_numbers {
    (
        $(#[$meta:meta])*
        $name:ident($int:ty), raw module $raw:ident {
            $($(#[$cmeta:meta])* $konst:ident = $val:literal => $text:literal,)*
        }
        $($extra:item)*
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $int);

        impl $name {
            $($(#[$cmeta])* pub const $konst: $name = $name($val);)*

            /// The registered name, or "unknown".
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$konst => $text,)*
                    _ => "unknown",
                }
            }
        }

        /// "name(number)", so a trace or test failure shows both.
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", self.name(), self.0)
            }
        }

        impl From<$int> for $name {
            fn from(v: $int) -> $name {
                $name(v)
            }
        }

        /// The values of the type of the same name as plain integers, for raw bytes.
        pub mod $raw {
            $(pub const $konst: $int = $val;)*
            $($extra)*
        }
    };
}
pub(crate) use wire_numbers;

pub fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// A body longer than its length field can express. Writing it with a truncated length
/// would produce a message the peer parses differently from what was meant, so every
/// encoder reports it instead; the handshake turns it into internal_error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong;

impl From<TooLong> for Fatal {
    fn from(_: TooLong) -> Fatal {
        Fatal::internal("encoded field too long for its length prefix")
    }
}

pub fn put_u24(out: &mut Vec<u8>, v: usize) -> Result<(), TooLong> {
    if v >= 1 << 24 {
        return Err(TooLong);
    }
    out.extend_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]);
    Ok(())
}

/// Writes a length-prefixed block: `prefix_len` (1, 2 or 3) bytes of length, then whatever
/// `body` appends. Fails, leaving `out` as it was, if the body does not fit the prefix.
pub fn with_len(
    out: &mut Vec<u8>,
    prefix_len: usize,
    body: impl FnOnce(&mut Vec<u8>),
) -> Result<(), TooLong> {
    try_with_len(out, prefix_len, |b| {
        body(b);
        Ok(())
    })
}

/// `with_len` for a body that is itself made of length-prefixed parts.
pub fn try_with_len(
    out: &mut Vec<u8>,
    prefix_len: usize,
    body: impl FnOnce(&mut Vec<u8>) -> Result<(), TooLong>,
) -> Result<(), TooLong> {
    debug_assert!((1..=3).contains(&prefix_len));
    let at = out.len();
    out.resize(at + prefix_len, 0);
    let written = body(out).and_then(|()| {
        let n = out.len() - at - prefix_len;
        if n >> (8 * prefix_len) != 0 {
            return Err(TooLong);
        }
        let len_bytes = (n as u32).to_be_bytes();
        out[at..at + prefix_len].copy_from_slice(&len_bytes[4 - prefix_len..]);
        Ok(())
    });
    if written.is_err() {
        out.truncate(at);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_never_reads_past_end() {
        let mut r = Reader::new(&[0, 3, 1, 2]);
        assert_eq!(r.vec_u16(), None);
        let mut r = Reader::new(&[0, 2, 1, 2, 9]);
        assert_eq!(r.vec_u16(), Some(&[1u8, 2][..]));
        assert!(r.finish().is_err());
        assert_eq!(r.u8(), Some(9));
        assert!(r.finish().is_ok());
        assert_eq!(r.u24(), None);
    }

    #[test]
    fn with_len_writes_prefix() {
        let mut v = vec![7];
        with_len(&mut v, 3, |b| b.extend_from_slice(&[1, 2])).unwrap();
        assert_eq!(v, [7, 0, 0, 2, 1, 2]);
    }

    /// The largest body each prefix can carry is written; one byte more is refused and
    /// leaves the output untouched.
    #[test]
    fn with_len_refuses_bodies_longer_than_the_prefix_allows() {
        for (prefix_len, max) in [(1, 0xff), (2, 0xffff), (3, 0xff_ffff)] {
            let mut v = vec![9];
            with_len(&mut v, prefix_len, |b| b.resize(b.len() + max, 0xaa)).unwrap();
            assert_eq!(v.len(), 1 + prefix_len + max);
            assert!(
                v[1..1 + prefix_len].iter().all(|&x| x == 0xff),
                "{prefix_len}"
            );

            let mut v = vec![9];
            let too_long = with_len(&mut v, prefix_len, |b| b.resize(b.len() + max + 1, 0xaa));
            assert_eq!(too_long, Err(TooLong), "{prefix_len}");
            assert_eq!(v, [9]);
        }
        // 2^16 and 2^24 bytes: the lengths a cast would have truncated to 0.
        for (prefix_len, len) in [(2, 1 << 16), (3, 1 << 24)] {
            let mut v = Vec::new();
            assert_eq!(
                with_len(&mut v, prefix_len, |b| b.resize(b.len() + len, 1)),
                Err(TooLong)
            );
            assert!(v.is_empty());
        }
    }

    #[test]
    fn nested_overflow_fails_the_outer_block() {
        let mut v = vec![1, 2];
        let r = try_with_len(&mut v, 3, |b| {
            with_len(b, 1, |b| b.push(5))?;
            with_len(b, 1, |b| b.resize(b.len() + 256, 0))
        });
        assert_eq!(r, Err(TooLong));
        assert_eq!(v, [1, 2]);
    }

    #[test]
    fn put_u24_refuses_2_pow_24() {
        let mut v = Vec::new();
        put_u24(&mut v, 0xff_ffff).unwrap();
        assert_eq!(v, [0xff, 0xff, 0xff]);
        assert_eq!(put_u24(&mut v, 1 << 24), Err(TooLong));
        assert_eq!(v.len(), 3);
    }
}
