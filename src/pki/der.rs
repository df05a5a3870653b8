//! The handful of DER reading primitives the PKI parsers share, on top of `untrusted`
//! (every read is bounds-checked and consumes exactly what it claims; no indexing).
//!
//! Errors are MatrixSSL return codes so parsers can use `?` throughout; everything
//! malformed is `PS_PARSE_FAIL`.

use untrusted::{Input, Reader};

use crate::error::PS_PARSE_FAIL;

pub(crate) const BOOLEAN: u8 = 0x01;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
#[cfg(test)]
pub(crate) const NULL: u8 = 0x05;
pub(crate) const OID: u8 = 0x06;
pub(crate) const UTF8_STRING: u8 = 0x0c;
pub(crate) const PRINTABLE_STRING: u8 = 0x13;
pub(crate) const T61_STRING: u8 = 0x14;
pub(crate) const IA5_STRING: u8 = 0x16;
pub(crate) const UTC_TIME: u8 = 0x17;
pub(crate) const GENERALIZED_TIME: u8 = 0x18;
pub(crate) const BMP_STRING: u8 = 0x1e;
pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const SET: u8 = 0x31;
pub(crate) const CONTEXT: u8 = 0x80;
pub(crate) const CONSTRUCTED: u8 = 0x20;

pub(crate) type DerResult<T> = Result<T, i32>;

const ERR: i32 = PS_PARSE_FAIL;

fn byte(r: &mut Reader<'_>) -> DerResult<u8> {
    r.read_byte().map_err(|_| ERR)
}

/// Reads one tag-length-value. Definite lengths up to four length octets are accepted
/// (long forms included, non-minimal ones tolerated as the reference does; the signature
/// still covers the raw bytes). Indefinite lengths and high tag numbers are BER-only or
/// absent from every format we read: rejected.
pub(crate) fn read_tlv<'a>(r: &mut Reader<'a>) -> DerResult<(u8, Input<'a>)> {
    let tag = byte(r)?;
    if tag & 0x1f == 0x1f {
        return Err(ERR);
    }
    let first = byte(r)?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = first & 0x7f;
        if count == 0 || count > 4 {
            return Err(ERR);
        }
        let mut len = 0usize;
        for _ in 0..count {
            len = (len << 8) | usize::from(byte(r)?);
        }
        len
    };
    let value = r.read_bytes(len).map_err(|_| ERR)?;
    Ok((tag, value))
}

/// Reads a TLV that must carry `tag`; returns its contents.
pub(crate) fn expect<'a>(r: &mut Reader<'a>, tag: u8) -> DerResult<Input<'a>> {
    match read_tlv(r)? {
        (t, value) if t == tag => Ok(value),
        _ => Err(ERR),
    }
}

/// Like [`expect`] but also returns the whole encoding (header included).
pub(crate) fn expect_with_encoding<'a>(
    r: &mut Reader<'a>,
    tag: u8,
) -> DerResult<(Input<'a>, Input<'a>)> {
    let (whole, contents) = r.read_partial(|r| expect(r, tag))?;
    Ok((whole, contents))
}

/// Reads the TLV if the next tag is `tag`.
pub(crate) fn optional<'a>(r: &mut Reader<'a>, tag: u8) -> DerResult<Option<Input<'a>>> {
    if r.peek(tag) {
        expect(r, tag).map(Some)
    } else {
        Ok(None)
    }
}

/// Reads a `tag` TLV and parses its contents completely with `f`.
pub(crate) fn nested<'a, R>(
    r: &mut Reader<'a>,
    tag: u8,
    f: impl FnOnce(&mut Reader<'a>) -> DerResult<R>,
) -> DerResult<R> {
    expect(r, tag)?.read_all(ERR, f)
}

/// Parses all of `input` with `f` (trailing bytes are an error).
pub(crate) fn read_all<'a, R>(
    input: &'a [u8],
    f: impl FnOnce(&mut Reader<'a>) -> DerResult<R>,
) -> DerResult<R> {
    Input::from(input).read_all(ERR, f)
}

/// MatrixSSL names an OID by the arithmetic sum of its content octets (ABI.md §5.9).
pub(crate) fn oid_sum(oid: &[u8]) -> i32 {
    oid.iter()
        .fold(0i32, |acc, &b| acc.wrapping_add(i32::from(b)))
}

/// A non-negative INTEGER that fits in `u64` (versions, iteration counts, lengths).
pub(crate) fn small_uint(r: &mut Reader<'_>) -> DerResult<u64> {
    let value = expect(r, INTEGER)?;
    let bytes = value.as_slice_less_safe();
    match bytes.first() {
        None => return Err(ERR),
        Some(&b) if b & 0x80 != 0 => return Err(ERR),
        _ => {}
    }
    let significant = bytes
        .iter()
        .position(|&b| b != 0)
        .and_then(|i| bytes.get(i..))
        .unwrap_or(&[]);
    if significant.len() > 8 {
        return Err(ERR);
    }
    Ok(significant
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// A non-negative INTEGER as big-endian magnitude bytes without leading zeros (at
/// least one byte): RSA key components.
pub(crate) fn unsigned_integer<'a>(r: &mut Reader<'a>) -> DerResult<&'a [u8]> {
    let value = expect(r, INTEGER)?.as_slice_less_safe();
    match value.first() {
        Some(&b) if b & 0x80 == 0 => {
            let zeros = value.iter().take_while(|&&b| b == 0).count();
            let keep_from = zeros.min(value.len().saturating_sub(1));
            Ok(value.get(keep_from..).unwrap_or(value))
        }
        _ => Err(ERR),
    }
}

/// BIT STRING contents without the unused-bits octet, which must be zero (keys,
/// signatures and unique ids are whole octets).
pub(crate) fn bit_string_octets(contents: Input<'_>) -> DerResult<&[u8]> {
    let bytes = contents.as_slice_less_safe();
    match bytes.split_first() {
        Some((0, rest)) => Ok(rest),
        _ => Err(ERR),
    }
}

/// An AlgorithmIdentifier: returns (OID contents, whole SEQUENCE contents).
pub(crate) fn algorithm_identifier<'a>(r: &mut Reader<'a>) -> DerResult<(&'a [u8], &'a [u8])> {
    let contents = expect(r, SEQUENCE)?;
    let oid = contents.read_all(ERR, |r| {
        let oid = expect(r, OID)?;
        // Parameters (any single element, or none) are left to the caller.
        if !r.at_end() {
            read_tlv(r)?;
        }
        Ok(oid)
    })?;
    if oid.is_empty() {
        return Err(ERR);
    }
    Ok((oid.as_slice_less_safe(), contents.as_slice_less_safe()))
}

/// The parameters element of an AlgorithmIdentifier's contents, if any.
pub(crate) fn algorithm_parameters(alg_id: &[u8]) -> DerResult<Option<(u8, Input<'_>)>> {
    read_all(alg_id, |r| {
        expect(r, OID)?;
        if r.at_end() {
            Ok(None)
        } else {
            read_tlv(r).map(Some)
        }
    })
}

/// Encodes a TLV (tests build certificates with it).
#[cfg(test)]
pub(crate) fn encode_tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let len = contents.len();
    let mut out = Vec::with_capacity(len + 6);
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let significant = bytes.get(skip..).unwrap_or(&[]);
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(contents);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_short_and_long_forms() {
        let long = encode_tlv(OCTET_STRING, &[7u8; 300]);
        assert_eq!(long.get(..4), Some(&[0x04, 0x82, 0x01, 0x2c][..]));
        let got = read_all(&long, |r| expect(r, OCTET_STRING)).unwrap();
        assert_eq!(got.len(), 300);
        let short = encode_tlv(NULL, &[]);
        assert_eq!(short, vec![0x05, 0x00]);
    }

    #[test]
    fn rejects_truncation_indefinite_and_trailing() {
        assert_eq!(
            read_all(&[0x04, 0x03, 1, 2], |r| expect(r, 4)).err(),
            Some(ERR)
        );
        assert_eq!(
            read_all(&[0x30, 0x80, 0, 0], |r| expect(r, 0x30)).err(),
            Some(ERR)
        );
        assert_eq!(
            read_all(&[0x05, 0x00, 0x00], |r| expect(r, 5)).err(),
            Some(ERR)
        );
        assert_eq!(
            read_all(&[0x1f, 0x01, 0x00], |r| read_tlv(r)).err(),
            Some(ERR)
        );
        assert_eq!(
            read_all(&[0x04, 0x85, 1, 1, 1, 1, 1], |r| read_tlv(r)).err(),
            Some(ERR)
        );
    }

    #[test]
    fn integers() {
        assert_eq!(read_all(&[2, 2, 0x00, 0xff], small_uint), Ok(255));
        assert_eq!(read_all(&[2, 1, 0x80], small_uint), Err(ERR));
        assert_eq!(read_all(&[2, 0], small_uint), Err(ERR));
        let nine = [2, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(read_all(&nine, small_uint), Err(ERR));
    }

    #[test]
    fn unsigned_integers_lose_sign_octets() {
        assert_eq!(
            read_all(&[2, 3, 0, 0x80, 1], unsigned_integer),
            Ok(&[0x80, 1][..])
        );
        assert_eq!(read_all(&[2, 1, 0], unsigned_integer), Ok(&[0][..]));
        assert_eq!(read_all(&[2, 1, 0x81], unsigned_integer), Err(ERR));
    }

    #[test]
    fn oid_sums_match_the_reference_table() {
        // sha1WithRSAEncryption 1.2.840.113549.1.1.5
        assert_eq!(oid_sum(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 5]), 649);
        // rsaEncryption
        assert_eq!(oid_sum(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 1]), 645);
        // ecPublicKey 1.2.840.10045.2.1
        assert_eq!(oid_sum(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 2, 1]), 518);
    }
}
