//! The RFC 8017 RSAPrivateKey DER of a key's components, the form the other libraries
//! import a key in (aws-lc's raw transform, ring's signer). The loaders parse keys from
//! several containers (PKCS#1, PKCS#8, PKCS#12, encrypted PEM) into components; this
//! writes them back out once, at load.

use zeroize::Zeroizing;

/// The PKCS#1 components, big-endian, leading zeros allowed.
pub(super) struct Components<'a> {
    pub n: &'a [u8],
    pub e: &'a [u8],
    pub d: &'a [u8],
    pub p: &'a [u8],
    pub q: &'a [u8],
    pub dp: &'a [u8],
    pub dq: &'a [u8],
    pub qinv: &'a [u8],
}

/// DER length octets.
fn put_len(out: &mut Vec<u8>, len: usize) {
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let significant = &bytes[skip..];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
}

/// DER element: tag, length, content.
fn put_tlv(out: &mut Vec<u8>, tag: u8, content: &[u8]) {
    out.push(tag);
    put_len(out, content.len());
    out.extend_from_slice(content);
}

/// DER INTEGER of a non-negative big-endian value.
fn put_uint(out: &mut Vec<u8>, value: &[u8]) {
    let start = value.iter().position(|&b| b != 0).unwrap_or(value.len());
    let v = &value[start..];
    out.push(0x02);
    match v.first() {
        None => out.extend_from_slice(&[1, 0]),
        Some(&top) if top & 0x80 != 0 => {
            put_len(out, v.len() + 1);
            out.push(0);
            out.extend_from_slice(v);
        }
        Some(_) => {
            put_len(out, v.len());
            out.extend_from_slice(v);
        }
    }
}

/// The RFC 8017 RSAPrivateKey (two-prime, version 0) of the components, DER.
pub(super) fn rsa_private_key(c: &Components<'_>) -> Zeroizing<Vec<u8>> {
    let mut fields = Zeroizing::new(vec![0x02, 0x01, 0x00]);
    for v in [c.n, c.e, c.d, c.p, c.q, c.dp, c.dq, c.qinv] {
        put_uint(&mut fields, v);
    }
    let mut rsa_key = Zeroizing::new(Vec::with_capacity(fields.len() + 8));
    put_tlv(&mut rsa_key, 0x30, &fields);
    rsa_key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_integers_and_lengths() {
        let mut v = Vec::new();
        put_uint(&mut v, &[0, 0, 0x7f]);
        put_uint(&mut v, &[0x80]);
        put_uint(&mut v, &[]);
        assert_eq!(v, [2, 1, 0x7f, 2, 2, 0, 0x80, 2, 1, 0]);
        let mut v = Vec::new();
        put_len(&mut v, 0x7f);
        put_len(&mut v, 0x80);
        put_len(&mut v, 0x1234);
        assert_eq!(v, [0x7f, 0x81, 0x80, 0x82, 0x12, 0x34]);
    }
}
