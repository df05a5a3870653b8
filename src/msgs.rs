//! Handshake messages: one type per message, each with a strict parser (trailing bytes are
//! a decode error) and an encoder. Parsed messages borrow from the reassembly buffer.

use crate::codec::{OrDecode, Reader, TooLong, put_u16, put_u24, try_with_len, with_len};
use crate::error::Fatal;

pub mod hs {
    pub const HELLO_REQUEST: u8 = 0;
    pub const CLIENT_HELLO: u8 = 1;
    pub const SERVER_HELLO: u8 = 2;
    pub const CERTIFICATE: u8 = 11;
    pub const SERVER_KEY_EXCHANGE: u8 = 12;
    pub const CERTIFICATE_REQUEST: u8 = 13;
    pub const SERVER_HELLO_DONE: u8 = 14;
    pub const CERTIFICATE_VERIFY: u8 = 15;
    pub const CLIENT_KEY_EXCHANGE: u8 = 16;
    pub const FINISHED: u8 = 20;
}

pub mod ext {
    pub const SERVER_NAME: u16 = 0;
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    pub const EXTENDED_MASTER_SECRET: u16 = 23;
    pub const RENEGOTIATION_INFO: u16 = 0xff01;
}

/// Signature schemes we verify, offered in signature_algorithms (RFC 5246 §7.4.1.4.1) and
/// CertificateRequest, strongest first; SHA-1 last, for peers that have nothing else.
pub const SUPPORTED_SIGNATURE_SCHEMES: [u16; 11] = [
    0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201,
];

/// A raw extension: type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension<'a> {
    pub typ: u16,
    pub body: &'a [u8],
}

/// Parses an extension block; duplicate types are a decode error (RFC 5246 §7.4.1.4).
fn parse_extensions<'a>(r: &mut Reader<'a>) -> Result<Vec<Extension<'a>>, Fatal> {
    let mut out: Vec<Extension<'a>> = Vec::new();
    if r.is_empty() {
        return Ok(out);
    }
    let mut block = Reader::new(r.vec_u16().or_decode()?);
    let mut seen = TypeSet::new();
    while !block.is_empty() {
        let typ = block.u16().or_decode()?;
        let body = block.vec_u16().or_decode()?;
        if !seen.insert(typ) {
            return Err(Fatal::decode("duplicate extension type"));
        }
        out.push(Extension { typ, body });
    }
    Ok(out)
}

/// One bit per possible u16 extension type (8 KiB on the stack), so the duplicate check is
/// linear in the number of extensions: a 64 KiB block can hold ~16,000 of them, and a
/// pairwise comparison would cost a peer-triggered quadratic amount of work.
struct TypeSet([u64; 1024]);

impl TypeSet {
    fn new() -> Self {
        TypeSet([0; 1024])
    }

    /// Records `typ`; false if it was already present.
    fn insert(&mut self, typ: u16) -> bool {
        let word = &mut self.0[usize::from(typ >> 6)];
        let bit = 1u64 << (typ & 63);
        let fresh = *word & bit == 0;
        *word |= bit;
        fresh
    }
}

fn put_extensions(out: &mut Vec<u8>, exts: &[(u16, Vec<u8>)]) -> Result<(), TooLong> {
    if exts.is_empty() {
        return Ok(());
    }
    try_with_len(out, 2, |b| {
        for (typ, body) in exts {
            put_u16(b, *typ);
            with_len(b, 2, |b| b.extend_from_slice(body))?;
        }
        Ok(())
    })
}

pub fn find_ext<'a>(exts: &[Extension<'a>], typ: u16) -> Option<&'a [u8]> {
    exts.iter().find(|e| e.typ == typ).map(|e| e.body)
}

#[derive(Debug)]
pub struct ClientHello<'a> {
    pub version: u16,
    pub random: [u8; 32],
    pub session_id: &'a [u8],
    pub suites: Vec<u16>,
    pub compressions: &'a [u8],
    pub extensions: Vec<Extension<'a>>,
}

impl<'a> ClientHello<'a> {
    pub fn parse(body: &'a [u8]) -> Result<Self, Fatal> {
        let mut r = Reader::new(body);
        let version = r.u16().or_decode()?;
        let random: [u8; 32] = r
            .take(32)
            .or_decode()?
            .try_into()
            .map_err(|_| Fatal::decode("ClientHello random truncated"))?;
        let session_id = r.vec_u8().or_decode()?;
        // opaque SessionID<0..32> (RFC 5246 §7.4.1.2): a longer one is a malformed
        // structure, so decode_error (§7.2.2), not a bad value.
        if session_id.len() > 32 {
            return Err(Fatal::decode("ClientHello session_id longer than 32 bytes"));
        }
        let suite_bytes = r.vec_u16().or_decode()?;
        if suite_bytes.is_empty() || suite_bytes.len() % 2 != 0 {
            return Err(Fatal::decode(
                "ClientHello cipher_suites empty or of odd length",
            ));
        }
        let suites = suite_bytes
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        let compressions = r.vec_u8().or_decode()?;
        if compressions.is_empty() {
            return Err(Fatal::decode("ClientHello compression_methods empty"));
        }
        let extensions = parse_extensions(&mut r)?;
        r.finish()?;
        Ok(ClientHello {
            version,
            random,
            session_id,
            suites,
            compressions,
            extensions,
        })
    }

    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        put_u16(out, self.version);
        out.extend_from_slice(&self.random);
        with_len(out, 1, |b| b.extend_from_slice(self.session_id))?;
        with_len(out, 2, |b| self.suites.iter().for_each(|s| put_u16(b, *s)))?;
        with_len(out, 1, |b| b.extend_from_slice(self.compressions))
    }
}

/// Encodes a ClientHello body whose extensions are owned values.
pub fn encode_client_hello(
    version: u16,
    random: &[u8; 32],
    session_id: &[u8],
    suites: &[u16],
    extensions: &[(u16, Vec<u8>)],
) -> Result<Vec<u8>, TooLong> {
    let hello = ClientHello {
        version,
        random: *random,
        session_id,
        suites: suites.to_vec(),
        compressions: &[0],
        extensions: Vec::new(),
    };
    let mut out = Vec::with_capacity(128);
    hello.encode(&mut out)?;
    put_extensions(&mut out, extensions)?;
    Ok(out)
}

#[derive(Debug)]
pub struct ServerHello<'a> {
    pub version: u16,
    pub random: [u8; 32],
    pub session_id: &'a [u8],
    pub suite: u16,
    pub compression: u8,
    pub extensions: Vec<Extension<'a>>,
}

impl<'a> ServerHello<'a> {
    pub fn parse(body: &'a [u8]) -> Result<Self, Fatal> {
        let mut r = Reader::new(body);
        let version = r.u16().or_decode()?;
        let random: [u8; 32] = r
            .take(32)
            .or_decode()?
            .try_into()
            .map_err(|_| Fatal::decode("ServerHello random truncated"))?;
        let session_id = r.vec_u8().or_decode()?;
        // opaque SessionID<0..32> (RFC 5246 §7.4.1.2): a longer one is a malformed
        // structure, so decode_error (§7.2.2), not a bad value.
        if session_id.len() > 32 {
            return Err(Fatal::decode("ServerHello session_id longer than 32 bytes"));
        }
        let suite = r.u16().or_decode()?;
        let compression = r.u8().or_decode()?;
        let extensions = parse_extensions(&mut r)?;
        r.finish()?;
        Ok(ServerHello {
            version,
            random,
            session_id,
            suite,
            compression,
            extensions,
        })
    }
}

pub fn encode_server_hello(
    version: u16,
    random: &[u8; 32],
    session_id: &[u8],
    suite: u16,
    extensions: &[(u16, Vec<u8>)],
) -> Result<Vec<u8>, TooLong> {
    let mut out = Vec::with_capacity(96);
    put_u16(&mut out, version);
    out.extend_from_slice(random);
    with_len(&mut out, 1, |b| b.extend_from_slice(session_id))?;
    put_u16(&mut out, suite);
    out.push(0);
    put_extensions(&mut out, extensions)?;
    Ok(out)
}

/// Certificate message: a list of DER certificates, leaf first.
pub fn parse_certificate_list(body: &[u8]) -> Result<Vec<&[u8]>, Fatal> {
    let mut r = Reader::new(body);
    let mut list = Reader::new(r.vec_u24().or_decode()?);
    r.finish()?;
    let mut certs = Vec::new();
    while !list.is_empty() {
        let der = list.vec_u24().or_decode()?;
        if der.is_empty() {
            return Err(Fatal::decode("empty certificate in Certificate list"));
        }
        certs.push(der);
    }
    Ok(certs)
}

pub fn encode_certificate_list<'a>(
    certs: impl Iterator<Item = &'a [u8]>,
) -> Result<Vec<u8>, TooLong> {
    let mut out = Vec::new();
    try_with_len(&mut out, 3, |b| {
        for der in certs {
            with_len(b, 3, |b| b.extend_from_slice(der))?;
        }
        Ok(())
    })?;
    Ok(out)
}

/// RSA ClientKeyExchange: the encrypted premaster (SSL 3.0 would omit the length prefix).
pub fn parse_rsa_client_key_exchange(body: &[u8]) -> Result<&[u8], Fatal> {
    let mut r = Reader::new(body);
    let ct = r.vec_u16().or_decode()?;
    r.finish()?;
    Ok(ct)
}

pub fn encode_rsa_client_key_exchange(ciphertext: &[u8]) -> Result<Vec<u8>, TooLong> {
    let mut out = Vec::with_capacity(ciphertext.len() + 2);
    with_len(&mut out, 2, |b| b.extend_from_slice(ciphertext))?;
    Ok(out)
}

/// What a CertificateRequest (RFC 5246 §7.4.4) asks for.
#[derive(Debug, Clone, Default)]
pub struct CertificateRequest {
    /// ClientCertificateType values (1 rsa_sign, 64 ecdsa_sign, ...).
    pub types: Vec<u8>,
    /// TLS 1.2 signature schemes the server accepts (empty before TLS 1.2).
    pub schemes: Vec<u16>,
}

pub fn parse_certificate_request(body: &[u8], version: u16) -> Result<CertificateRequest, Fatal> {
    let mut r = Reader::new(body);
    let types = r.vec_u8().or_decode()?;
    if types.is_empty() {
        return Err(Fatal::decode("CertificateRequest certificate_types empty"));
    }
    let mut schemes = Vec::new();
    if version >= crate::suites::TLS1_2 {
        let algs = r.vec_u16().or_decode()?;
        if algs.is_empty() || algs.len() % 2 != 0 {
            return Err(Fatal::decode(
                "CertificateRequest supported_signature_algorithms empty or of odd length",
            ));
        }
        schemes = algs
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
    }
    let mut names = Reader::new(r.vec_u16().or_decode()?);
    while !names.is_empty() {
        names.vec_u16().or_decode()?;
    }
    r.finish()?;
    Ok(CertificateRequest {
        types: types.to_vec(),
        schemes,
    })
}

/// Converts an SSL 2.0-format CLIENT-HELLO (the message after its 2-byte record header,
/// RFC 5246 Appendix E.2) into an equivalent ClientHello body. Only SSL 3.0+ cipher specs
/// (first byte 0) survive; there is no session id to resume and no extensions.
pub fn sslv2_client_hello_to_v3(msg: &[u8]) -> Result<Vec<u8>, Fatal> {
    let mut r = Reader::new(msg);
    if r.u8().or_decode()? != hs::CLIENT_HELLO {
        return Err(Fatal::unexpected("SSL 2.0 record is not a CLIENT-HELLO"));
    }
    let version = r.u16().or_decode()?;
    let specs_len = usize::from(r.u16().or_decode()?);
    let session_id_len = usize::from(r.u16().or_decode()?);
    let challenge_len = usize::from(r.u16().or_decode()?);
    if specs_len == 0 || specs_len % 3 != 0 || !(16..=32).contains(&challenge_len) {
        return Err(Fatal::illegal(
            "SSL 2.0 CLIENT-HELLO cipher specs or challenge length invalid",
        ));
    }
    let specs = r.take(specs_len).or_decode()?;
    r.take(session_id_len).or_decode()?;
    let challenge = r.take(challenge_len).or_decode()?;
    r.finish()?;
    let suites: Vec<u16> = specs
        .chunks_exact(3)
        .filter(|c| c[0] == 0)
        .map(|c| u16::from_be_bytes([c[1], c[2]]))
        .collect();
    if suites.is_empty() {
        return Err(Fatal::handshake(
            "SSL 2.0 CLIENT-HELLO offers no SSL 3.0+ cipher suite",
        ));
    }
    let mut random = [0u8; 32];
    random[32 - challenge_len..].copy_from_slice(challenge);
    Ok(encode_client_hello(version, &random, &[], &suites, &[])?)
}

/// Wraps a handshake body in its 4-byte header.
pub fn handshake_message(typ: u8, body: &[u8]) -> Result<Vec<u8>, TooLong> {
    let mut out = Vec::with_capacity(body.len() + 4);
    out.push(typ);
    put_u24(&mut out, body.len())?;
    out.extend_from_slice(body);
    Ok(out)
}

pub fn renegotiation_info_body(verify_data: &[u8]) -> Result<Vec<u8>, TooLong> {
    let mut out = Vec::with_capacity(verify_data.len() + 1);
    with_len(&mut out, 1, |b| b.extend_from_slice(verify_data))?;
    Ok(out)
}

/// The signature_algorithms body: our schemes, then (`with_dsa`: a DHE_DSS suite is
/// offered) the DSA ones.
pub fn signature_algorithms_body(with_dsa: bool) -> Result<Vec<u8>, TooLong> {
    let dsa: &[u16] = if with_dsa {
        crate::pki::sign::DSA_SCHEMES
    } else {
        &[]
    };
    let mut out = Vec::new();
    with_len(&mut out, 2, |b| {
        SUPPORTED_SIGNATURE_SCHEMES
            .iter()
            .chain(dsa)
            .for_each(|s| put_u16(b, *s))
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_hello_round_trips() {
        let random = [7u8; 32];
        let exts = vec![
            (ext::EXTENDED_MASTER_SECRET, vec![]),
            (ext::SERVER_NAME, vec![1, 2]),
        ];
        let body = encode_client_hello(0x0303, &random, &[1, 2, 3], &[0x2f, 0xff], &exts).unwrap();
        let ch = ClientHello::parse(&body).unwrap();
        assert_eq!(ch.version, 0x0303);
        assert_eq!(ch.session_id, &[1, 2, 3]);
        assert_eq!(ch.suites, vec![0x2f, 0xff]);
        assert_eq!(
            find_ext(&ch.extensions, ext::SERVER_NAME),
            Some(&[1u8, 2][..])
        );
    }

    #[test]
    fn truncated_and_trailing_hellos_fail() {
        let body = encode_client_hello(0x0303, &[0; 32], &[], &[0x2f], &[]).unwrap();
        for n in 0..body.len() {
            assert!(ClientHello::parse(&body[..n]).is_err(), "prefix {n}");
        }
        let mut long = body.clone();
        long.push(0);
        assert!(ClientHello::parse(&long).is_err());
    }

    #[test]
    fn duplicate_extensions_are_rejected() {
        let exts = vec![(23, vec![]), (23, vec![])];
        let body = encode_client_hello(0x0303, &[0; 32], &[], &[0x2f], &exts).unwrap();
        let err = ClientHello::parse(&body).unwrap_err();
        assert_eq!(err, Fatal::decode("duplicate extension type"));
        // Equality is by alert, which a truncated block would also give: the cause tells
        // the two apart.
        assert_eq!(err.cause, "duplicate extension type");
    }

    /// The largest extension block a ClientHello can carry: 16,382 empty extensions of
    /// distinct types, spread over the whole u16 range (both ends included).
    fn many_distinct_extensions() -> Vec<(u16, Vec<u8>)> {
        let mut types: Vec<u16> = (0..16_380u16).map(|i| i.wrapping_mul(4) + 1).collect();
        types.extend([0, 0xffff]);
        types.into_iter().map(|t| (t, Vec::new())).collect()
    }

    #[test]
    fn thousands_of_distinct_extensions_parse() {
        let exts = many_distinct_extensions();
        let body = encode_client_hello(0x0303, &[0; 32], &[], &[0x2f], &exts).unwrap();
        assert!(body.len() > 65_000);
        let ch = ClientHello::parse(&body).unwrap();
        assert_eq!(ch.extensions.len(), exts.len());
        assert!(
            ch.extensions
                .iter()
                .zip(&exts)
                .all(|(e, (t, _))| e.typ == *t)
        );
        assert_eq!(find_ext(&ch.extensions, 0xffff), Some(&[][..]));
    }

    #[test]
    fn duplicates_anywhere_in_a_huge_block_are_rejected() {
        let exts = many_distinct_extensions();
        let n = exts.len();
        // (position overwritten, position copied): first pair, first and last, last pair,
        // and the extreme types 0 and 0xffff repeated.
        for (at, from) in [
            (1, 0),
            (n - 1, 0),
            (n - 1, n - 2),
            (5, n - 2),
            (n - 3, n - 1),
        ] {
            let mut dup = exts.clone();
            dup[at] = dup[from].clone();
            let body = encode_client_hello(0x0303, &[0; 32], &[], &[0x2f], &dup).unwrap();
            assert_eq!(
                ClientHello::parse(&body).err(),
                Some(Fatal::decode("duplicate extension type")),
                "{at}/{from}"
            );
            let sh = encode_server_hello(0x0303, &[0; 32], &[], 0x2f, &dup).unwrap();
            assert_eq!(
                ServerHello::parse(&sh).err(),
                Some(Fatal::decode("duplicate extension type")),
                "{at}/{from}"
            );
        }
    }

    #[test]
    fn sslv2_hello_becomes_a_client_hello() {
        let mut v2 = vec![1, 3, 1, 0, 6, 0, 0, 0, 16];
        v2.extend_from_slice(&[0, 0, 0x2f, 0x01, 0x00, 0x80]);
        v2.extend_from_slice(&[9u8; 16]);
        let body = sslv2_client_hello_to_v3(&v2).unwrap();
        let ch = ClientHello::parse(&body).unwrap();
        assert_eq!((ch.version, ch.suites.clone()), (0x0301, vec![0x2f]));
        assert_eq!(&ch.random[16..], &[9u8; 16]);
        assert!(sslv2_client_hello_to_v3(&v2[..v2.len() - 1]).is_err());
    }

    #[test]
    fn certificate_list_round_trips() {
        let a = [1u8, 2, 3];
        let b = [4u8];
        let body = encode_certificate_list([&a[..], &b[..]].into_iter()).unwrap();
        assert_eq!(parse_certificate_list(&body).unwrap(), vec![&a[..], &b[..]]);
        assert!(parse_certificate_list(&body[..body.len() - 1]).is_err());
    }

    #[test]
    fn oversized_fields_are_refused_not_truncated() {
        let hello =
            |exts: &[(u16, Vec<u8>)]| encode_client_hello(0x0303, &[0; 32], &[], &[0x2f], exts);
        // An extension body fits its own 2-byte field up to 2^16 - 1 bytes, but the block
        // holding it (and its 4-byte type and length) is limited to 2^16 - 1 bytes too.
        assert!(hello(&[(0x7777, vec![0; 0xffff - 4])]).is_ok());
        assert_eq!(hello(&[(0x7777, vec![0; 0xffff - 3])]), Err(TooLong));
        assert_eq!(hello(&[(0x7777, vec![0; 0x1_0000])]), Err(TooLong));
        // Session id and suite list.
        assert_eq!(
            encode_client_hello(0x0303, &[0; 32], &[0; 256], &[0x2f], &[]),
            Err(TooLong)
        );
        assert_eq!(
            encode_client_hello(0x0303, &[0; 32], &[], &vec![0x2f; 0x8000], &[]),
            Err(TooLong)
        );
        assert_eq!(
            encode_server_hello(0x0303, &[0; 32], &[], 0x2f, &[(1, vec![0; 0x1_0000])]),
            Err(TooLong)
        );
        // A certificate of 2^24 bytes, and a list of two 2^23-byte ones (2^24 + 6 in all).
        let huge = vec![0u8; 1 << 24];
        assert_eq!(
            encode_certificate_list([&huge[..]].into_iter()),
            Err(TooLong)
        );
        let half = &huge[..1 << 23];
        assert_eq!(
            encode_certificate_list([half, half].into_iter()),
            Err(TooLong)
        );
        assert_eq!(handshake_message(hs::CERTIFICATE, &huge), Err(TooLong));
        assert_eq!(
            handshake_message(hs::CERTIFICATE, &huge[1..]).map(|m| m[..4].to_vec()),
            Ok(vec![hs::CERTIFICATE, 0xff, 0xff, 0xff])
        );
        assert_eq!(
            encode_rsa_client_key_exchange(&huge[..0x1_0000]),
            Err(TooLong)
        );
    }
}
