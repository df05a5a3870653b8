//! PEM (RFC 7468, plus the RFC 1421 headers OpenSSL writes for legacy encrypted keys).
//!
//! Tolerant like the reference: text before, between and after blocks is ignored, CRLF
//! and LF both work, and `Name: value` header lines (with continuation lines) before the
//! base64 body are kept for the key decryptor. The decoded bytes may be private keys, so
//! the base64 decoder is branch-free on the data and everything that held key material
//! is zeroized.

use zeroize::Zeroizing;

use crate::error::PS_PARSE_FAIL;

/// One `-----BEGIN label-----` … `-----END label-----` block.
pub struct PemBlock {
    pub label: String,
    /// RFC 1421 headers in order (e.g. `Proc-Type`, `DEK-Info`), values trimmed.
    pub headers: Vec<(String, String)>,
    pub der: Zeroizing<Vec<u8>>,
}

impl PemBlock {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl std::fmt::Debug for PemBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the body: it may be a private key.
        f.debug_struct("PemBlock")
            .field("label", &self.label)
            .field("headers", &self.headers)
            .field("der_len", &self.der.len())
            .finish()
    }
}

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

fn trim(line: &[u8]) -> &[u8] {
    line.trim_ascii()
}

/// `-----<prefix>LABEL-----` → LABEL.
fn boundary_label<'a>(line: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    line.strip_prefix(prefix)?.strip_suffix(DASHES)
}

/// Every PEM block of `text`, in order. No block at all is not an error here (the
/// caller decides what it expected); a block that never ends, an END that does not match
/// its BEGIN, or bad base64 is `PS_PARSE_FAIL`.
pub fn parse_pem(text: &[u8]) -> Result<Vec<PemBlock>, i32> {
    let mut blocks = Vec::new();
    let mut lines = text.split(|&b| b == b'\n');
    while let Some(line) = lines.next() {
        let Some(label) = boundary_label(trim(line), BEGIN) else {
            continue;
        };
        if label.iter().any(|&b| !(0x20..0x7f).contains(&b)) {
            return Err(PS_PARSE_FAIL);
        }
        let label = String::from_utf8_lossy(label).into_owned();
        blocks.push(read_block(label, &mut lines)?);
    }
    Ok(blocks)
}

/// Reads headers and body up to the END line of the block whose BEGIN was just read.
fn read_block<'a>(
    label: String,
    lines: &mut impl Iterator<Item = &'a [u8]>,
) -> Result<PemBlock, i32> {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut in_headers = true;
    // Body lines are borrowed from the input until the END line is found, so the
    // base64 text is copied once, into a buffer sized up front: no reallocation leaves
    // copies of key material behind.
    let mut body: Vec<&[u8]> = Vec::new();
    for raw in lines {
        let line = trim(raw);
        if let Some(end_label) = boundary_label(line, END) {
            if end_label != label.as_bytes() {
                return Err(PS_PARSE_FAIL);
            }
            let mut b64 = Zeroizing::new(Vec::with_capacity(body.iter().map(|l| l.len()).sum()));
            for l in body {
                b64.extend(l.iter().copied().filter(|b| !b.is_ascii_whitespace()));
            }
            let der = decode_base64(&b64)?;
            return Ok(PemBlock {
                label,
                headers,
                der,
            });
        }
        if boundary_label(line, BEGIN).is_some() {
            return Err(PS_PARSE_FAIL);
        }
        if in_headers {
            if line.is_empty() {
                // A blank line ends the header section (if there was one).
                if !headers.is_empty() {
                    in_headers = false;
                }
                continue;
            }
            // Base64 never contains ':', so such a line is a header.
            if let Some(colon) = line.iter().position(|&b| b == b':') {
                let name = line.get(..colon).unwrap_or(&[]);
                let value = line.get(colon + 1..).unwrap_or(&[]);
                headers.push((
                    String::from_utf8_lossy(trim(name)).into_owned(),
                    String::from_utf8_lossy(trim(value)).into_owned(),
                ));
                continue;
            }
            if let (Some(first), Some(last)) = (raw.first(), headers.last_mut())
                && first.is_ascii_whitespace()
            {
                // Continuation of the previous header's value.
                last.1.push_str(&String::from_utf8_lossy(line));
                continue;
            }
            in_headers = false;
        }
        body.push(line);
    }
    Err(PS_PARSE_FAIL)
}

/// 6-bit value of a base64 character, or -1; no branch or table lookup on `c`.
fn sextet(c: u8) -> i32 {
    let c = i32::from(c);
    // Each term is (mask of "lo <= c <= hi") & (value + 1); at most one term is non-zero.
    let mut v = -1i32;
    v += (((0x40 - c) & (c - 0x5b)) >> 8) & (c - 64); // 'A'..='Z' → 0..25
    v += (((0x60 - c) & (c - 0x7b)) >> 8) & (c - 70); // 'a'..='z' → 26..51
    v += (((0x2f - c) & (c - 0x3a)) >> 8) & (c + 5); // '0'..='9' → 52..61
    v += (((0x2a - c) & (c - 0x2c)) >> 8) & 63; // '+' → 62
    v += (((0x2e - c) & (c - 0x30)) >> 8) & 64; // '/' → 63
    v
}

/// Decodes padded base64 (whitespace already removed). Timing depends only on the
/// length and the padding, never on the data.
pub(crate) fn decode_base64(input: &[u8]) -> Result<Zeroizing<Vec<u8>>, i32> {
    if !input.len().is_multiple_of(4) {
        return Err(PS_PARSE_FAIL);
    }
    let padding = match input {
        [.., b'=', b'='] => 2,
        [.., b'='] => 1,
        _ => 0,
    };
    let mut out = Zeroizing::new(Vec::with_capacity(input.len() / 4 * 3));
    let mut bad = 0i32;
    let quanta = input.len() / 4;
    for (i, quad) in input.chunks_exact(4).enumerate() {
        let last = i + 1 == quanta;
        let mut acc = 0u32;
        for (j, &c) in quad.iter().enumerate() {
            let is_pad = last && j >= 4 - padding;
            let v = if is_pad { 0 } else { sextet(c) };
            bad |= v;
            acc = (acc << 6) | (v as u32 & 0x3f);
        }
        let bytes = acc.to_be_bytes();
        let keep = if last { 3 - padding } else { 3 };
        out.extend_from_slice(bytes.get(1..1 + keep).unwrap_or(&[]));
    }
    if bad < 0 {
        return Err(PS_PARSE_FAIL);
    }
    Ok(out)
}

/// `psBase64decode`'s reading (3.3): characters outside the base64 alphabet other than `=`
/// (line breaks, spaces, anything else) are skipped and the rest decoded as
/// [`decode_base64`], so `=` may only pad the last group. Which characters are skipped is
/// not hidden (3.3's loop branched on it too); the values of the kept ones are.
pub(crate) fn decode_base64_skipping(text: &[u8]) -> Result<Zeroizing<Vec<u8>>, i32> {
    // Sized up front: no reallocation leaves copies of the text behind.
    let mut kept = Zeroizing::new(Vec::with_capacity(text.len()));
    kept.extend(
        text.iter()
            .copied()
            .filter(|&c| c == b'=' || sextet(c) >= 0),
    );
    decode_base64(&kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_vectors() {
        let cases: [(&str, &[u8]); 6] = [
            ("", b""),
            ("Zg==", b"f"),
            ("Zm8=", b"fo"),
            ("Zm9v", b"foo"),
            ("Zm9vYmFy", b"foobar"),
            ("+/+/AA==", &[0xfb, 0xff, 0xbf, 0x00]),
        ];
        for (enc, dec) in cases {
            assert_eq!(
                decode_base64(enc.as_bytes()).unwrap().as_slice(),
                dec,
                "{enc}"
            );
        }
    }

    #[test]
    fn base64_every_byte_value_round_trips_against_openssl_alphabet() {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for c in 0u8..=255 {
            let expected = alphabet
                .iter()
                .position(|&a| a == c)
                .map_or(-1, |p| p as i32);
            assert_eq!(sextet(c), expected, "char {c}");
        }
    }

    #[test]
    fn base64_rejects_bad_input() {
        for bad in ["Zg=", "Z===", "Zg=A", "Zm9v!A==", "=AAA", "Zm9vZg==Zm9v"] {
            assert_eq!(
                decode_base64(bad.as_bytes()).err(),
                Some(PS_PARSE_FAIL),
                "{bad}"
            );
        }
    }

    #[test]
    fn base64_skipping_other_characters() {
        let ok = |t: &[u8]| decode_base64_skipping(t).map(|d| d.to_vec());
        assert_eq!(ok(b"Zm9v\r\n Ym\tFy!"), Ok(b"foobar".to_vec()));
        assert_eq!(ok(b"Z g = =\n"), Ok(b"f".to_vec()));
        for bad in [&b"Zm9vYmF"[..], b"Zg==Zg==", b"Z===", b"=Zg=", b"Zg=A"] {
            assert_eq!(ok(bad), Err(PS_PARSE_FAIL));
        }
    }

    #[test]
    fn blocks_with_crlf_leading_text_and_headers() {
        let text = b"Bag Attributes\r\n    friendlyName: x\r\n\
            -----BEGIN RSA PRIVATE KEY-----\r\n\
            Proc-Type: 4,ENCRYPTED\r\n\
            DEK-Info: DES-EDE3-CBC,0011223344556677\r\n\
            \r\n\
            Zm9v\r\nYmFy\r\n\
            -----END RSA PRIVATE KEY-----\r\n\
            junk between\n\
            -----BEGIN CERTIFICATE-----\n  Zm9v YmE= \n-----END CERTIFICATE-----";
        let blocks = parse_pem(text).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].label, "RSA PRIVATE KEY");
        assert_eq!(blocks[0].header("proc-type"), Some("4,ENCRYPTED"));
        assert_eq!(
            blocks[0].header("DEK-Info"),
            Some("DES-EDE3-CBC,0011223344556677")
        );
        assert_eq!(blocks[0].der.as_slice(), b"foobar");
        assert_eq!(blocks[1].label, "CERTIFICATE");
        assert!(blocks[1].headers.is_empty());
        assert_eq!(blocks[1].der.as_slice(), b"fooba");
    }

    #[test]
    fn header_continuation_lines() {
        let text = b"-----BEGIN X-----\nA: one\n two\n\nZm9v\n-----END X-----\n";
        let blocks = parse_pem(text).unwrap();
        assert_eq!(blocks[0].header("a"), Some("onetwo"));
        assert_eq!(blocks[0].der.as_slice(), b"foo");
    }

    #[test]
    fn malformed_blocks_fail() {
        let unterminated = b"-----BEGIN CERTIFICATE-----\nZm9v\n";
        let mismatched = b"-----BEGIN CERTIFICATE-----\nZm9v\n-----END X509 CRL-----\n";
        let nested = b"-----BEGIN A-----\n-----BEGIN B-----\n-----END B-----\n-----END A-----\n";
        let bad_b64 = b"-----BEGIN A-----\nZm9*\n-----END A-----\n";
        for t in [&unterminated[..], mismatched, nested, bad_b64] {
            assert_eq!(parse_pem(t).err(), Some(PS_PARSE_FAIL));
        }
    }

    #[test]
    fn no_blocks_is_empty_not_error() {
        assert!(parse_pem(b"").unwrap().is_empty());
        assert!(
            parse_pem(&[0x30, 0x82, 0x01, 0x00, 0xff, 0x0a])
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn agrees_with_openssl_on_a_real_certificate() {
        let pki = crate::test_fixtures::core_files::std_pki();
        let blocks = parse_pem(&pki.leaf.cert_pem).unwrap();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].der.as_slice(), pki.leaf.cert_der.as_slice());
    }
}
