//! Handshake messages: one type per message, each a [`Codec`] with a strict reader
//! (trailing bytes are a decode error) and an encoder that inverts it. Parsed messages
//! borrow from the reassembly buffer.

use crate::codec::{
    Codec, OrDecode, Reader, TooLong, put_u16, put_u24, try_with_len, wire_numbers, with_len,
};
use crate::error::Fatal;
use crate::suites::{KeyExchange, SSL3, TLS1_2};

pub mod tls13;

wire_numbers! {
    /// HandshakeType (RFC 5246 §7.4).
    HandshakeType(u8), raw module hs {
        HELLO_REQUEST = 0 => "HelloRequest",
        CLIENT_HELLO = 1 => "ClientHello",
        SERVER_HELLO = 2 => "ServerHello",
        NEW_SESSION_TICKET = 4 => "NewSessionTicket",
        END_OF_EARLY_DATA = 5 => "EndOfEarlyData",
        ENCRYPTED_EXTENSIONS = 8 => "EncryptedExtensions",
        CERTIFICATE = 11 => "Certificate",
        SERVER_KEY_EXCHANGE = 12 => "ServerKeyExchange",
        CERTIFICATE_REQUEST = 13 => "CertificateRequest",
        SERVER_HELLO_DONE = 14 => "ServerHelloDone",
        CERTIFICATE_VERIFY = 15 => "CertificateVerify",
        CLIENT_KEY_EXCHANGE = 16 => "ClientKeyExchange",
        FINISHED = 20 => "Finished",
        KEY_UPDATE = 24 => "KeyUpdate",
        /// The synthetic message that replaces ClientHello1 in the transcript after a
        /// HelloRetryRequest (RFC 8446 §4.4.1); never sent.
        MESSAGE_HASH = 254 => "message_hash",
    }
}

impl HandshakeType {
    /// "expected <name>": the cause of an unexpected_message where this type was due
    /// (a fixed text, as `Fatal` causes are).
    pub fn expected_cause(self) -> &'static str {
        match self {
            HandshakeType::HELLO_REQUEST => "expected HelloRequest",
            HandshakeType::CLIENT_HELLO => "expected ClientHello",
            HandshakeType::SERVER_HELLO => "expected ServerHello",
            HandshakeType::CERTIFICATE => "expected Certificate",
            HandshakeType::SERVER_KEY_EXCHANGE => "expected ServerKeyExchange",
            HandshakeType::CERTIFICATE_REQUEST => "expected CertificateRequest",
            HandshakeType::SERVER_HELLO_DONE => "expected ServerHelloDone",
            HandshakeType::CERTIFICATE_VERIFY => "expected CertificateVerify",
            HandshakeType::CLIENT_KEY_EXCHANGE => "expected ClientKeyExchange",
            HandshakeType::FINISHED => "expected Finished",
            HandshakeType::NEW_SESSION_TICKET => "expected NewSessionTicket",
            HandshakeType::ENCRYPTED_EXTENSIONS => "expected EncryptedExtensions",
            HandshakeType::KEY_UPDATE => "expected KeyUpdate",
            _ => "expected a handshake message of an unknown type",
        }
    }
}

wire_numbers! {
    /// ExtensionType (RFC 5246 §7.4.1.4 and the registrations of the extensions we use).
    ExtensionType(u16), raw module ext {
        SERVER_NAME = 0 => "server_name",
        SUPPORTED_GROUPS = 10 => "supported_groups",
        EC_POINT_FORMATS = 11 => "ec_point_formats",
        SIGNATURE_ALGORITHMS = 13 => "signature_algorithms",
        EXTENDED_MASTER_SECRET = 23 => "extended_master_secret",
        PRE_SHARED_KEY = 41 => "pre_shared_key",
        EARLY_DATA = 42 => "early_data",
        SUPPORTED_VERSIONS = 43 => "supported_versions",
        COOKIE = 44 => "cookie",
        PSK_KEY_EXCHANGE_MODES = 45 => "psk_key_exchange_modes",
        CERTIFICATE_AUTHORITIES = 47 => "certificate_authorities",
        POST_HANDSHAKE_AUTH = 49 => "post_handshake_auth",
        SIGNATURE_ALGORITHMS_CERT = 50 => "signature_algorithms_cert",
        KEY_SHARE = 51 => "key_share",
        RENEGOTIATION_INFO = 0xff01 => "renegotiation_info",
    }
}

wire_numbers! {
    /// SignatureAndHashAlgorithm of TLS 1.2 (RFC 5246 §7.4.1.4.1), as the two-byte code
    /// points that RFC 8446 later named SignatureScheme.
    SignatureScheme(u16), raw module scheme {
        RSA_PKCS1_SHA1 = 0x0201 => "rsa_pkcs1_sha1",
        DSA_SHA1 = 0x0202 => "dsa_sha1",
        ECDSA_SHA1 = 0x0203 => "ecdsa_sha1",
        RSA_PKCS1_SHA256 = 0x0401 => "rsa_pkcs1_sha256",
        DSA_SHA256 = 0x0402 => "dsa_sha256",
        ECDSA_SECP256R1_SHA256 = 0x0403 => "ecdsa_secp256r1_sha256",
        RSA_PKCS1_SHA384 = 0x0501 => "rsa_pkcs1_sha384",
        ECDSA_SECP384R1_SHA384 = 0x0503 => "ecdsa_secp384r1_sha384",
        RSA_PKCS1_SHA512 = 0x0601 => "rsa_pkcs1_sha512",
        ECDSA_SECP521R1_SHA512 = 0x0603 => "ecdsa_secp521r1_sha512",
        RSA_PSS_RSAE_SHA256 = 0x0804 => "rsa_pss_rsae_sha256",
        RSA_PSS_RSAE_SHA384 = 0x0805 => "rsa_pss_rsae_sha384",
        RSA_PSS_RSAE_SHA512 = 0x0806 => "rsa_pss_rsae_sha512",
    }
}

/// Signature schemes we verify, offered in signature_algorithms (RFC 5246 §7.4.1.4.1) and
/// CertificateRequest, strongest first; SHA-1 last, for peers that have nothing else.
pub const SUPPORTED_SIGNATURE_SCHEMES: [SignatureScheme; 11] = [
    SignatureScheme::ECDSA_SECP256R1_SHA256,
    SignatureScheme::ECDSA_SECP384R1_SHA384,
    SignatureScheme::ECDSA_SECP521R1_SHA512,
    SignatureScheme::RSA_PSS_RSAE_SHA256,
    SignatureScheme::RSA_PSS_RSAE_SHA384,
    SignatureScheme::RSA_PSS_RSAE_SHA512,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
    SignatureScheme::RSA_PKCS1_SHA512,
    SignatureScheme::ECDSA_SHA1,
    SignatureScheme::RSA_PKCS1_SHA1,
];

/// A raw extension: type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension<'a> {
    pub typ: ExtensionType,
    pub body: &'a [u8],
}

/// Reads the optional extension block that ends a hello. Returns the extensions and
/// whether the block was there at all (an empty block and no block are both legal, RFC
/// 5246 §7.4.1.2, and re-encoding keeps the form). Duplicate types are a decode error
/// (§7.4.1.4).
fn read_extensions<'a>(r: &mut Reader<'a>) -> Result<(Vec<Extension<'a>>, bool), Fatal> {
    let mut out: Vec<Extension<'a>> = Vec::new();
    if r.is_empty() {
        return Ok((out, false));
    }
    let mut block = Reader::new(r.vec_u16().or_decode()?);
    let mut seen = TypeSet::new();
    while !block.is_empty() {
        let typ = block.u16().or_decode()?;
        let body = block.vec_u16().or_decode()?;
        if !seen.insert(typ) {
            return Err(Fatal::decode("duplicate extension type"));
        }
        out.push(Extension {
            typ: ExtensionType(typ),
            body,
        });
    }
    Ok((out, true))
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

/// Writes an extension block, or nothing when `present` is false (then `exts` is empty).
fn put_extensions(out: &mut Vec<u8>, exts: &[Extension<'_>], present: bool) -> Result<(), TooLong> {
    if !present {
        return Ok(());
    }
    try_with_len(out, 2, |b| {
        for e in exts {
            put_u16(b, e.typ.0);
            with_len(b, 2, |b| b.extend_from_slice(e.body))?;
        }
        Ok(())
    })
}

/// Borrowed extensions from owned (type, body) pairs.
fn borrow_extensions(exts: &[(ExtensionType, Vec<u8>)]) -> Vec<Extension<'_>> {
    exts.iter()
        .map(|(typ, body)| Extension { typ: *typ, body })
        .collect()
}

pub fn find_ext<'a>(exts: &[Extension<'a>], typ: ExtensionType) -> Option<&'a [u8]> {
    exts.iter().find(|e| e.typ == typ).map(|e| e.body)
}

/// A `<0..2^16-1>` list of u16 values that must hold at least one (supported_groups,
/// signature_algorithms, CertificateRequest's schemes): empty or odd is decode_error.
fn read_u16_list(r: &mut Reader<'_>, what: &'static str) -> Result<Vec<u16>, Fatal> {
    let list = r.vec_u16().or_decode()?;
    if list.is_empty() || list.len() % 2 != 0 {
        return Err(Fatal::decode(what));
    }
    Ok(list
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect())
}

fn put_u16_list(out: &mut Vec<u8>, list: impl Iterator<Item = u16>) -> Result<(), TooLong> {
    with_len(out, 2, |b| list.for_each(|v| put_u16(b, v)))
}

fn read_random(r: &mut Reader<'_>) -> Result<[u8; 32], Fatal> {
    let random = r.take(32).or_decode()?;
    random
        .try_into()
        .map_err(|_| Fatal::decode("hello random truncated"))
}

/// opaque SessionID<0..32> (RFC 5246 §7.4.1.2): a longer one is a malformed structure, so
/// decode_error (§7.2.2), not a bad value.
fn read_session_id<'a>(r: &mut Reader<'a>) -> Result<&'a [u8], Fatal> {
    let session_id = r.vec_u8().or_decode()?;
    if session_id.len() > 32 {
        return Err(Fatal::decode("hello session_id longer than 32 bytes"));
    }
    Ok(session_id)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello<'a> {
    pub version: u16,
    pub random: [u8; 32],
    pub session_id: &'a [u8],
    pub suites: Vec<u16>,
    pub compressions: &'a [u8],
    pub extensions: Vec<Extension<'a>>,
    /// The hello ends with an extension block (possibly empty).
    pub extension_block: bool,
}

impl<'a> Codec<'a> for ClientHello<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let version = r.u16().or_decode()?;
        let random = read_random(r)?;
        let session_id = read_session_id(r)?;
        let suites = read_u16_list(r, "ClientHello cipher_suites empty or of odd length")?;
        let compressions = r.vec_u8().or_decode()?;
        if compressions.is_empty() {
            return Err(Fatal::decode("ClientHello compression_methods empty"));
        }
        let (extensions, extension_block) = read_extensions(r)?;
        Ok(ClientHello {
            version,
            random,
            session_id,
            suites,
            compressions,
            extensions,
            extension_block,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        put_u16(out, self.version);
        out.extend_from_slice(&self.random);
        with_len(out, 1, |b| b.extend_from_slice(self.session_id))?;
        put_u16_list(out, self.suites.iter().copied())?;
        with_len(out, 1, |b| b.extend_from_slice(self.compressions))?;
        put_extensions(out, &self.extensions, self.extension_block)
    }
}

/// Encodes a ClientHello body (null compression; an extension block only if there are
/// extensions).
pub fn encode_client_hello(
    version: u16,
    random: &[u8; 32],
    session_id: &[u8],
    suites: &[u16],
    extensions: &[(ExtensionType, Vec<u8>)],
) -> Result<Vec<u8>, TooLong> {
    ClientHello {
        version,
        random: *random,
        session_id,
        suites: suites.to_vec(),
        compressions: &[0],
        extensions: borrow_extensions(extensions),
        extension_block: !extensions.is_empty(),
    }
    .to_bytes()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello<'a> {
    pub version: u16,
    pub random: [u8; 32],
    pub session_id: &'a [u8],
    pub suite: u16,
    pub compression: u8,
    pub extensions: Vec<Extension<'a>>,
    /// The hello ends with an extension block (possibly empty).
    pub extension_block: bool,
}

impl<'a> Codec<'a> for ServerHello<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let version = r.u16().or_decode()?;
        let random = read_random(r)?;
        let session_id = read_session_id(r)?;
        let suite = r.u16().or_decode()?;
        let compression = r.u8().or_decode()?;
        let (extensions, extension_block) = read_extensions(r)?;
        Ok(ServerHello {
            version,
            random,
            session_id,
            suite,
            compression,
            extensions,
            extension_block,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        put_u16(out, self.version);
        out.extend_from_slice(&self.random);
        with_len(out, 1, |b| b.extend_from_slice(self.session_id))?;
        put_u16(out, self.suite);
        out.push(self.compression);
        put_extensions(out, &self.extensions, self.extension_block)
    }
}

/// Encodes a ServerHello body (null compression; an extension block only if there are
/// extensions).
pub fn encode_server_hello(
    version: u16,
    random: &[u8; 32],
    session_id: &[u8],
    suite: u16,
    extensions: &[(ExtensionType, Vec<u8>)],
) -> Result<Vec<u8>, TooLong> {
    ServerHello {
        version,
        random: *random,
        session_id,
        suite,
        compression: 0,
        extensions: borrow_extensions(extensions),
        extension_block: !extensions.is_empty(),
    }
    .to_bytes()
}

/// Certificate (RFC 5246 §7.4.2): DER certificates, leaf first; an empty list is legal
/// (a client without a certificate), an empty certificate is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateMsg<'a> {
    pub chain: Vec<&'a [u8]>,
}

impl<'a> Codec<'a> for CertificateMsg<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let mut list = Reader::new(r.vec_u24().or_decode()?);
        let mut chain = Vec::new();
        while !list.is_empty() {
            let der = list.vec_u24().or_decode()?;
            if der.is_empty() {
                return Err(Fatal::decode("empty certificate in Certificate list"));
            }
            chain.push(der);
        }
        Ok(CertificateMsg { chain })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        try_with_len(out, 3, |b| {
            for der in &self.chain {
                with_len(b, 3, |b| b.extend_from_slice(der))?;
            }
            Ok(())
        })
    }
}

/// Certificate message: a list of DER certificates, leaf first.
pub fn parse_certificate_list(body: &[u8]) -> Result<Vec<&[u8]>, Fatal> {
    Ok(CertificateMsg::parse(body, ())?.chain)
}

pub fn encode_certificate_list<'a>(
    certs: impl Iterator<Item = &'a [u8]>,
) -> Result<Vec<u8>, TooLong> {
    CertificateMsg {
        chain: certs.collect(),
    }
    .to_bytes()
}

/// What a CertificateRequest (RFC 5246 §7.4.4) asks for. Owned: the client keeps it until
/// it answers, after the message buffer is gone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertificateRequest {
    /// ClientCertificateType values (1 rsa_sign, 64 ecdsa_sign, ...).
    pub types: Vec<u8>,
    /// TLS 1.2 signature schemes the server accepts (empty before TLS 1.2, where the
    /// field does not exist).
    pub schemes: Vec<SignatureScheme>,
    /// DER distinguished names of the CAs the server trusts.
    pub ca_names: Vec<Vec<u8>>,
}

impl<'a> Codec<'a> for CertificateRequest {
    /// The negotiated version: supported_signature_algorithms exists from TLS 1.2 on.
    type Context = u16;

    fn read(r: &mut Reader<'a>, version: u16) -> Result<Self, Fatal> {
        let types = r.vec_u8().or_decode()?;
        if types.is_empty() {
            return Err(Fatal::decode("CertificateRequest certificate_types empty"));
        }
        let mut schemes = Vec::new();
        if version >= TLS1_2 {
            schemes = read_u16_list(
                r,
                "CertificateRequest supported_signature_algorithms empty or of odd length",
            )?
            .into_iter()
            .map(SignatureScheme)
            .collect();
        }
        let mut names = Reader::new(r.vec_u16().or_decode()?);
        let mut ca_names = Vec::new();
        while !names.is_empty() {
            ca_names.push(names.vec_u16().or_decode()?.to_vec());
        }
        Ok(CertificateRequest {
            types: types.to_vec(),
            schemes,
            ca_names,
        })
    }

    /// The scheme list is written when there is one: a TLS 1.2 request always has one
    /// (its reader refuses an empty list), an earlier one never.
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        with_len(out, 1, |b| b.extend_from_slice(&self.types))?;
        if !self.schemes.is_empty() {
            put_u16_list(out, self.schemes.iter().map(|s| s.0))?;
        }
        // Enough trusted CAs make their names overflow the 2-byte list: that is an error,
        // not a list whose length wraps around.
        try_with_len(out, 2, |b| {
            for name in &self.ca_names {
                with_len(b, 2, |b| b.extend_from_slice(name))?;
            }
            Ok(())
        })
    }
}

pub fn parse_certificate_request(body: &[u8], version: u16) -> Result<CertificateRequest, Fatal> {
    CertificateRequest::parse(body, version)
}

/// A signature with, from TLS 1.2 on, the scheme that made it (RFC 5246 §4.7): the
/// CertificateVerify body, and the tail of a signed ServerKeyExchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitallySigned<'a> {
    /// Present exactly when the version is TLS 1.2 or later.
    pub scheme: Option<SignatureScheme>,
    pub signature: &'a [u8],
}

/// CertificateVerify (RFC 5246 §7.4.8) is one `digitally-signed` struct.
pub type CertificateVerify<'a> = DigitallySigned<'a>;

impl<'a> Codec<'a> for DigitallySigned<'a> {
    /// The negotiated version.
    type Context = u16;

    fn read(r: &mut Reader<'a>, version: u16) -> Result<Self, Fatal> {
        let scheme = if version >= TLS1_2 {
            Some(SignatureScheme(r.u16().or_decode()?))
        } else {
            None
        };
        let signature = r.vec_u16().or_decode()?;
        Ok(DigitallySigned { scheme, signature })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        if let Some(scheme) = self.scheme {
            put_u16(out, scheme.0);
        }
        with_len(out, 2, |b| b.extend_from_slice(self.signature))
    }
}

/// ECCurveType named_curve (RFC 8422 §5.4).
const NAMED_CURVE: u8 = 3;

/// The key-exchange parameters of a ServerKeyExchange, as framed on the wire: the bytes a
/// signature covers (with both randoms), not yet interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerKeyExchangeParams<'a> {
    /// ServerECDHParams (RFC 8422 §5.4): a named curve and the server's point.
    Ecdhe { group: u16, point: &'a [u8] },
    /// ServerDHParams (RFC 5246 §7.4.3).
    Dhe {
        p: &'a [u8],
        g: &'a [u8],
        ys: &'a [u8],
    },
    /// Plain PSK: the message carries only the identity hint.
    None,
}

impl<'a> ServerKeyExchangeParams<'a> {
    fn read(r: &mut Reader<'a>, kx: KeyExchange) -> Result<Self, Fatal> {
        if kx.is_ecdhe() {
            if r.u8().or_decode()? != NAMED_CURVE {
                return Err(Fatal::illegal(
                    "ServerECDHParams curve type is not named_curve",
                ));
            }
            let group = r.u16().or_decode()?;
            let point = r.vec_u8().or_decode()?;
            if point.is_empty() {
                return Err(Fatal::decode("ServerECDHParams point empty"));
            }
            Ok(ServerKeyExchangeParams::Ecdhe { group, point })
        } else if kx.is_dhe() {
            let p = r.vec_u16().or_decode()?;
            let g = r.vec_u16().or_decode()?;
            let ys = r.vec_u16().or_decode()?;
            // Each of dh_p, dh_g, dh_Ys is <1..2^16-1>: an empty one is a structure error.
            if p.is_empty() || g.is_empty() || ys.is_empty() {
                return Err(Fatal::decode("ServerKeyExchange DH value of length zero"));
            }
            Ok(ServerKeyExchangeParams::Dhe { p, g, ys })
        } else {
            Ok(ServerKeyExchangeParams::None)
        }
    }

    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        match self {
            ServerKeyExchangeParams::Ecdhe { group, point } => {
                out.push(NAMED_CURVE);
                put_u16(out, *group);
                with_len(out, 1, |b| b.extend_from_slice(point))
            }
            ServerKeyExchangeParams::Dhe { p, g, ys } => {
                for v in [p, g, ys] {
                    with_len(out, 2, |b| b.extend_from_slice(v))?;
                }
                Ok(())
            }
            ServerKeyExchangeParams::None => Ok(()),
        }
    }

    /// The encoded parameters: what the signature covers after the two randoms.
    pub fn to_bytes(&self) -> Result<Vec<u8>, TooLong> {
        let mut out = Vec::new();
        self.encode(&mut out)?;
        Ok(out)
    }
}

/// ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4, RFC 4279 §2–3): a PSK identity hint
/// (PSK suites), the ephemeral parameters, and their signature (suites that authenticate
/// the server with a certificate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerKeyExchange<'a> {
    pub psk_identity_hint: Option<&'a [u8]>,
    pub params: ServerKeyExchangeParams<'a>,
    pub signature: Option<DigitallySigned<'a>>,
}

impl<'a> Codec<'a> for ServerKeyExchange<'a> {
    /// The negotiated key exchange and version: they alone say which fields are present.
    type Context = (KeyExchange, u16);

    fn read(r: &mut Reader<'a>, (kx, version): (KeyExchange, u16)) -> Result<Self, Fatal> {
        let psk_identity_hint = if kx.uses_psk() {
            Some(r.vec_u16().or_decode()?)
        } else {
            None
        };
        let params = ServerKeyExchangeParams::read(r, kx)?;
        let signature = if kx.signs_parameters() {
            Some(DigitallySigned::read(r, version)?)
        } else {
            None
        };
        Ok(ServerKeyExchange {
            psk_identity_hint,
            params,
            signature,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        if let Some(hint) = self.psk_identity_hint {
            with_len(out, 2, |b| b.extend_from_slice(hint))?;
        }
        self.params.encode(out)?;
        match &self.signature {
            Some(signature) => signature.encode(out),
            None => Ok(()),
        }
    }
}

/// The key-exchange part of a ClientKeyExchange (after any PSK identity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientExchange<'a> {
    /// The RSA-encrypted premaster, `opaque<0..2^16-1>` (RFC 5246 §7.4.7.1).
    Rsa(&'a [u8]),
    /// SSL 3.0's RSA-encrypted premaster: no length prefix, the rest of the message.
    Ssl3Rsa(&'a [u8]),
    /// ClientECDiffieHellmanPublic, `opaque point<1..2^8-1>` (RFC 8422 §5.7).
    Ecdhe(&'a [u8]),
    /// ClientDiffieHellmanPublic, `opaque dh_Yc<1..2^16-1>` (RFC 5246 §7.4.7.2).
    Dhe(&'a [u8]),
    /// Plain PSK: nothing after the identity (RFC 4279 §2).
    None,
}

/// ClientKeyExchange (RFC 5246 §7.4.7, RFC 8422 §5.7, RFC 4279 §2–3). A missing, empty or
/// overlong public value is a structure error (decode_error); whether a present one is
/// valid for the group is the key exchange's question (illegal_parameter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientKeyExchange<'a> {
    /// The PSK identity that opens the message in PSK suites.
    pub psk_identity: Option<&'a [u8]>,
    pub exchange: ClientExchange<'a>,
}

impl<'a> Codec<'a> for ClientKeyExchange<'a> {
    /// The negotiated key exchange and version (SSL 3.0 drops the RSA length prefix).
    type Context = (KeyExchange, u16);

    fn read(r: &mut Reader<'a>, (kx, version): (KeyExchange, u16)) -> Result<Self, Fatal> {
        let psk_identity = if kx.uses_psk() {
            Some(r.vec_u16().or_decode()?)
        } else {
            None
        };
        let exchange = if kx.is_ecdhe() {
            let point = r.vec_u8().or_decode()?;
            if point.is_empty() {
                return Err(Fatal::decode("ClientKeyExchange ECDH point empty"));
            }
            ClientExchange::Ecdhe(point)
        } else if kx.is_dhe() {
            let yc = r.vec_u16().or_decode()?;
            if yc.is_empty() {
                return Err(Fatal::decode("ClientKeyExchange dh_Yc empty"));
            }
            ClientExchange::Dhe(yc)
        } else if kx == KeyExchange::Psk {
            ClientExchange::None
        } else if version == SSL3 {
            ClientExchange::Ssl3Rsa(r.rest())
        } else {
            ClientExchange::Rsa(r.vec_u16().or_decode()?)
        };
        Ok(ClientKeyExchange {
            psk_identity,
            exchange,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        if let Some(identity) = self.psk_identity {
            with_len(out, 2, |b| b.extend_from_slice(identity))?;
        }
        match self.exchange {
            ClientExchange::Rsa(v) | ClientExchange::Dhe(v) => {
                with_len(out, 2, |b| b.extend_from_slice(v))
            }
            ClientExchange::Ssl3Rsa(v) => {
                out.extend_from_slice(v);
                Ok(())
            }
            ClientExchange::Ecdhe(v) => with_len(out, 1, |b| b.extend_from_slice(v)),
            ClientExchange::None => Ok(()),
        }
    }
}

/// RSA ClientKeyExchange of TLS: the encrypted premaster with its length prefix.
pub fn parse_rsa_client_key_exchange(body: &[u8]) -> Result<&[u8], Fatal> {
    match ClientKeyExchange::parse(body, (KeyExchange::Rsa, TLS1_2))?.exchange {
        ClientExchange::Rsa(ciphertext) => Ok(ciphertext),
        _ => Err(Fatal::internal(
            "RSA ClientKeyExchange read as another kind",
        )),
    }
}

pub fn encode_rsa_client_key_exchange(ciphertext: &[u8]) -> Result<Vec<u8>, TooLong> {
    ClientKeyExchange {
        psk_identity: None,
        exchange: ClientExchange::Rsa(ciphertext),
    }
    .to_bytes()
}

/// Finished (RFC 5246 §7.4.9): the verify_data, whose length the cipher suite fixes (the
/// handshake compares it, in constant time, with the one it computed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished<'a> {
    pub verify_data: &'a [u8],
}

impl<'a> Codec<'a> for Finished<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        Ok(Finished {
            verify_data: r.rest(),
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        out.extend_from_slice(self.verify_data);
        Ok(())
    }
}

/// Messages and extensions with an empty body: any byte in it is decode_error.
macro_rules! empty_body {
    ($($(#[$meta:meta])* $name:ident,)*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name;

        impl<'a> Codec<'a> for $name {
            type Context = ();

            fn read(_: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
                Ok($name)
            }

            fn encode(&self, _: &mut Vec<u8>) -> Result<(), TooLong> {
                Ok(())
            }
        }
    )*};
}

empty_body! {
    /// HelloRequest (RFC 5246 §7.4.1.1).
    HelloRequest,
    /// ServerHelloDone (RFC 5246 §7.4.5).
    ServerHelloDone,
    /// The extended_master_secret extension (RFC 7627 §5.1): its body is empty.
    ExtendedMasterSecret,
}

/// renegotiation_info (RFC 5746 §3.2): the verify_data of the connection being
/// renegotiated, empty in an initial handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenegotiationInfo<'a> {
    pub renegotiated_connection: &'a [u8],
}

impl<'a> Codec<'a> for RenegotiationInfo<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        Ok(RenegotiationInfo {
            renegotiated_connection: r.vec_u8().or_decode()?,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        with_len(out, 1, |b| {
            b.extend_from_slice(self.renegotiated_connection)
        })
    }
}

/// server_name (RFC 6066 §3): `ServerName server_name_list<1..2^16-1>`, each entry a
/// name_type byte and its name. host_name (0) is `opaque HostName<1..2^16-1>`; RFC 6066 asks
/// every future name type to begin with a 16-bit length too, so other types are read the
/// same way (with no lower bound) and kept, not refused. Empty lists, empty host names and
/// trailing bytes are decode_error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerNameList<'a>(pub Vec<(u8, &'a [u8])>);

impl<'a> ServerNameList<'a> {
    pub const HOST_NAME: u8 = 0;

    /// RFC 6066 §3's rules on the content: no two names of one type (illegal_parameter:
    /// well formed, but a list the client must not send), and a host_name that is an ASCII
    /// DNS name. Only printable ASCII is let through (not the full LDH syntax, so the
    /// underscores of real-world names still pass); control bytes such as NUL, which could
    /// cut the name short where it is used as a C string, and non-ASCII bytes (an IDN
    /// must be sent as its A-label) are illegal_parameter.
    pub fn check(&self) -> Result<(), Fatal> {
        for (i, (name_type, name)) in self.0.iter().enumerate() {
            if self.0[..i].iter().any(|(t, _)| t == name_type) {
                return Err(Fatal::illegal("server_name lists a name type twice"));
            }
            if *name_type == Self::HOST_NAME && !name.iter().all(|b| b.is_ascii_graphic()) {
                return Err(Fatal::illegal(
                    "server_name host_name is not an ASCII DNS name",
                ));
            }
        }
        Ok(())
    }
}

impl<'a> Codec<'a> for ServerNameList<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let mut list = Reader::new(r.vec_u16().or_decode()?);
        if list.is_empty() {
            return Err(Fatal::decode("server_name list empty"));
        }
        let mut names = Vec::new();
        while !list.is_empty() {
            let name_type = list.u8().or_decode()?;
            let name = list.vec_u16().or_decode()?;
            if name_type == Self::HOST_NAME && name.is_empty() {
                return Err(Fatal::decode("server_name host_name empty"));
            }
            names.push((name_type, name));
        }
        Ok(ServerNameList(names))
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        try_with_len(out, 2, |list| {
            for (name_type, name) in &self.0 {
                list.push(*name_type);
                with_len(list, 2, |b| b.extend_from_slice(name))?;
            }
            Ok(())
        })
    }
}

/// supported_groups (RFC 8422 §5.1.1): the named groups the client can use, non-empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportedGroups(pub Vec<u16>);

impl<'a> Codec<'a> for SupportedGroups {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        Ok(SupportedGroups(read_u16_list(
            r,
            "supported_groups empty or of odd length",
        )?))
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        put_u16_list(out, self.0.iter().copied())
    }
}

/// ec_point_formats (RFC 8422 §5.1.2): the point formats the peer can parse,
/// `ec_point_format_list<1..2^8-1>` (an empty list is a decode_error). A list without the
/// mandatory uncompressed format is read as it is: the handshake refuses or avoids it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcPointFormats<'a>(pub &'a [u8]);

impl EcPointFormats<'_> {
    /// ECPointFormat uncompressed (RFC 8422 §5.1.2), the one format every peer must support.
    pub const UNCOMPRESSED: u8 = 0;

    pub fn has_uncompressed(&self) -> bool {
        self.0.contains(&Self::UNCOMPRESSED)
    }
}

impl<'a> Codec<'a> for EcPointFormats<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let list = r.vec_u8().or_decode()?;
        if list.is_empty() {
            return Err(Fatal::decode("ec_point_formats list empty"));
        }
        Ok(EcPointFormats(list))
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        with_len(out, 1, |b| b.extend_from_slice(self.0))
    }
}

/// signature_algorithms (RFC 5246 §7.4.1.4.1): the schemes the peer verifies, non-empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureAlgorithms(pub Vec<SignatureScheme>);

impl<'a> Codec<'a> for SignatureAlgorithms {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let list = read_u16_list(r, "signature_algorithms empty or of odd length")?;
        Ok(SignatureAlgorithms(
            list.into_iter().map(SignatureScheme).collect(),
        ))
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        put_u16_list(out, self.0.iter().map(|s| s.0))
    }
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
pub fn handshake_message(typ: impl Into<HandshakeType>, body: &[u8]) -> Result<Vec<u8>, TooLong> {
    let mut out = Vec::with_capacity(body.len() + 4);
    out.push(typ.into().0);
    put_u24(&mut out, body.len())?;
    out.extend_from_slice(body);
    Ok(out)
}

pub fn renegotiation_info_body(verify_data: &[u8]) -> Result<Vec<u8>, TooLong> {
    RenegotiationInfo {
        renegotiated_connection: verify_data,
    }
    .to_bytes()
}

/// The signature_algorithms body: our schemes, then (`with_dsa`: a DHE_DSS suite is
/// offered) the DSA ones.
pub fn signature_algorithms_body(with_dsa: bool) -> Result<Vec<u8>, TooLong> {
    let dsa: &[u16] = if with_dsa {
        crate::pki::sign::DSA_SCHEMES
    } else {
        &[]
    };
    let schemes = SUPPORTED_SIGNATURE_SCHEMES
        .iter()
        .copied()
        .chain(dsa.iter().map(|&s| SignatureScheme(s)));
    SignatureAlgorithms(schemes.collect()).to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `$bytes` as `$ty` with `$ctx` and checks the codec on it: the encoding gives
    /// the same bytes, reading that again gives the same value, every proper prefix except
    /// those listed (the forms that end early, like a hello without extensions) is
    /// decode_error, and so is one byte more. A macro rather than a function: each
    /// truncated copy is read with its own lifetime.
    macro_rules! check_codec {
        ($ty:ty, $bytes:expr, $ctx:expr) => {
            check_codec!($ty, $bytes, $ctx, valid prefixes: [])
        };
        ($ty:ty, $bytes:expr, $ctx:expr, valid prefixes: [$($ok:expr),*]) => {{
            let bytes: &[u8] = &$bytes;
            let value = <$ty>::parse(bytes, $ctx).expect("sample parses");
            let encoded = value.to_bytes().expect("sample encodes");
            assert_eq!(encoded, bytes, "{} re-encodes to other bytes", stringify!($ty));
            assert_eq!(<$ty>::parse(&encoded, $ctx).as_ref(), Ok(&value));
            let valid: &[usize] = &[$($ok),*];
            for n in (0..bytes.len()).filter(|n| !valid.contains(n)) {
                let err = <$ty>::parse(&bytes[..n], $ctx).expect_err("truncation parses");
                assert_eq!(
                    err.alert,
                    $crate::error::AlertDescription::DECODE_ERROR,
                    "{} cut to {n} bytes",
                    stringify!($ty)
                );
            }
            let longer = [bytes, &[0]].concat();
            assert_eq!(
                <$ty>::parse(&longer, $ctx).err().map(|e| e.alert),
                Some($crate::error::AlertDescription::DECODE_ERROR),
                "{} with a trailing byte",
                stringify!($ty)
            );
            value
        }};
    }
    /// For the tests of the TLS 1.3 messages in `tls13`.
    pub(super) use check_codec;

    #[test]
    fn hellos_round_trip_and_refuse_truncation() {
        let exts = [(ExtensionType::EXTENDED_MASTER_SECRET, vec![])];
        let ch = encode_client_hello(0x0303, &[3; 32], &[1, 2], &[0x2f, 0xc02f], &exts).unwrap();
        // The hello without its extension block (6 bytes) is itself valid.
        let ch = check_codec!(ClientHello<'_>, ch, (), valid prefixes: [ch.len() - 6]);
        assert!(ch.extension_block);
        // An empty extension block is kept as one.
        let mut empty_block = encode_client_hello(0x0301, &[0; 32], &[], &[0x2f], &[]).unwrap();
        let without = empty_block.len();
        empty_block.extend_from_slice(&[0, 0]);
        let ch = check_codec!(ClientHello<'_>, empty_block, (), valid prefixes: [without]);
        assert!(ch.extension_block && ch.extensions.is_empty());

        let sh = encode_server_hello(0x0303, &[4; 32], &[9; 32], 0xc02f, &exts).unwrap();
        check_codec!(ServerHello<'_>, sh, (), valid prefixes: [sh.len() - 6]);
    }

    #[test]
    fn certificate_and_certificate_request_round_trip() {
        let certs = encode_certificate_list([&[1u8, 2, 3][..], &[4]].into_iter()).unwrap();
        let msg = check_codec!(CertificateMsg<'_>, certs, ());
        assert_eq!(msg.chain, vec![&[1u8, 2, 3][..], &[4]]);
        check_codec!(CertificateMsg<'_>, [0, 0, 0], ());
        // An empty certificate inside the list.
        assert!(CertificateMsg::parse(&[0, 0, 3, 0, 0, 0], ()).is_err());

        let request = CertificateRequest {
            types: vec![1, 64],
            schemes: vec![SignatureScheme::RSA_PKCS1_SHA256],
            ca_names: vec![vec![0x30, 0], vec![]],
        };
        let tls12 = request.to_bytes().unwrap();
        assert_eq!(check_codec!(CertificateRequest, tls12, TLS1_2), request);
        let tls10 = CertificateRequest {
            schemes: Vec::new(),
            ..request
        };
        check_codec!(CertificateRequest, tls10.to_bytes().unwrap(), 0x0301);
        // Empty certificate_types, and (TLS 1.2) an empty scheme list.
        assert!(CertificateRequest::parse(&[0, 0, 0], 0x0301).is_err());
        assert!(CertificateRequest::parse(&[1, 1, 0, 0, 0, 0], TLS1_2).is_err());
    }

    #[test]
    fn certificate_verify_round_trips_per_version() {
        let tls12 = [4, 1, 0, 2, 0xaa, 0xbb];
        let cv = check_codec!(CertificateVerify<'_>, tls12, TLS1_2);
        assert_eq!(cv.scheme, Some(SignatureScheme::RSA_PKCS1_SHA256));
        let tls10 = [0, 3, 1, 2, 3];
        let cv = check_codec!(CertificateVerify<'_>, tls10, 0x0301);
        assert_eq!((cv.scheme, cv.signature), (None, &[1u8, 2, 3][..]));
    }

    #[test]
    fn server_key_exchange_round_trips_per_key_exchange() {
        use KeyExchange as Kx;
        // ECDHE, signed (TLS 1.2): named_curve, x25519, a 3-byte point, scheme, signature.
        let ecdhe = [3, 0, 29, 3, 7, 8, 9, 4, 3, 0, 2, 0xee, 0xff];
        let ske = check_codec!(ServerKeyExchange<'_>, ecdhe, (Kx::EcdheRsa, TLS1_2));
        assert_eq!(
            ske.params,
            ServerKeyExchangeParams::Ecdhe {
                group: 29,
                point: &[7, 8, 9]
            }
        );
        assert_eq!(ske.params.to_bytes().unwrap(), &ecdhe[..7]);
        // DHE signed before TLS 1.2: p, g, Ys, then a signature without a scheme.
        let dhe = [0, 1, 23, 0, 1, 5, 0, 2, 1, 2, 0, 1, 0xcc];
        check_codec!(ServerKeyExchange<'_>, dhe, (Kx::DheRsa, 0x0301));
        // DHE_PSK: identity hint, then DH parameters, unsigned.
        let dhe_psk = [0, 1, b'h', 0, 1, 23, 0, 1, 5, 0, 1, 2];
        let ske = check_codec!(ServerKeyExchange<'_>, dhe_psk, (Kx::DhePsk, TLS1_2));
        assert_eq!(
            (ske.psk_identity_hint, ske.signature),
            (Some(&b"h"[..]), None)
        );
        // Plain PSK: the (here empty) hint alone; anonymous DH: parameters alone.
        check_codec!(ServerKeyExchange<'_>, [0, 0], (Kx::Psk, TLS1_2));
        check_codec!(
            ServerKeyExchange<'_>,
            [0, 1, 23, 0, 1, 5, 0, 1, 2],
            (Kx::DhAnon, TLS1_2)
        );
    }

    #[test]
    fn server_key_exchange_structure_errors() {
        let ctx = (KeyExchange::EcdheRsa, TLS1_2);
        // Not named_curve: a bad value, not a bad structure.
        assert_eq!(
            ServerKeyExchange::parse(&[1, 0, 29, 1, 4, 4, 1, 0, 0], ctx).err(),
            Some(Fatal::illegal("explicit curve"))
        );
        // An empty point; an empty DH value.
        assert_eq!(
            ServerKeyExchange::parse(&[3, 0, 29, 0, 4, 1, 0, 0], ctx).err(),
            Some(Fatal::decode("empty point"))
        );
        let ctx = (KeyExchange::DhAnon, TLS1_2);
        assert_eq!(
            ServerKeyExchange::parse(&[0, 1, 23, 0, 0, 0, 1, 2], ctx).err(),
            Some(Fatal::decode("empty g"))
        );
    }

    #[test]
    fn client_key_exchange_round_trips_per_key_exchange() {
        use KeyExchange as Kx;
        let rsa = check_codec!(ClientKeyExchange<'_>, [0, 2, 5, 6], (Kx::Rsa, TLS1_2));
        assert_eq!(rsa.exchange, ClientExchange::Rsa(&[5, 6]));
        let ecdhe = check_codec!(ClientKeyExchange<'_>, [2, 4, 9], (Kx::EcdheEcdsa, TLS1_2));
        assert_eq!(ecdhe.exchange, ClientExchange::Ecdhe(&[4, 9]));
        check_codec!(ClientKeyExchange<'_>, [0, 1, 7], (Kx::DheRsa, TLS1_2));
        let psk = check_codec!(ClientKeyExchange<'_>, [0, 2, b'i', b'd'], (Kx::Psk, TLS1_2));
        assert_eq!(
            (psk.psk_identity, psk.exchange),
            (Some(&b"id"[..]), ClientExchange::None)
        );
        check_codec!(
            ClientKeyExchange<'_>,
            [0, 1, b'i', 0, 1, 7],
            (Kx::DhePsk, TLS1_2)
        );
        // SSL 3.0 RSA: the rest of the message, so every prefix is a (shorter) value.
        let ssl3 = ClientKeyExchange::parse(&[5, 6, 7], (Kx::Rsa, SSL3)).unwrap();
        assert_eq!(ssl3.exchange, ClientExchange::Ssl3Rsa(&[5, 6, 7]));
        assert_eq!(ssl3.to_bytes().unwrap(), [5, 6, 7]);
    }

    /// A missing point (empty body), an empty one, a length running past the message or
    /// bytes after it are structure errors; whether a point is on the curve is not asked
    /// here (illegal_parameter, at agreement).
    #[test]
    fn missing_or_malformed_client_shares_are_decode_errors() {
        let ecdhe = (KeyExchange::EcdheRsa, TLS1_2);
        let dhe = (KeyExchange::DheRsa, TLS1_2);
        for (body, ctx) in [
            (&[][..], ecdhe),
            (&[0], ecdhe),
            (&[5, 1, 2], ecdhe),
            (&[1, 4, 0], ecdhe),
            (&[], dhe),
            (&[0], dhe),
            (&[0, 0], dhe),
            (&[0, 1, 2, 3], dhe),
        ] {
            assert_eq!(
                ClientKeyExchange::parse(body, ctx).err(),
                Some(Fatal::decode("malformed share")),
                "{body:?}"
            );
        }
        // Plain PSK with bytes after the identity.
        assert_eq!(
            ClientKeyExchange::parse(&[0, 1, b'i', 0], (KeyExchange::Psk, TLS1_2)).err(),
            Some(Fatal::decode("trailing"))
        );
    }

    #[test]
    fn finished_and_empty_messages_round_trip() {
        let fin = Finished::parse(&[1; 12], ()).unwrap();
        assert_eq!(fin.verify_data, &[1; 12]);
        assert_eq!(fin.to_bytes().unwrap(), [1; 12]);
        check_codec!(HelloRequest, [], ());
        check_codec!(ServerHelloDone, [], ());
        check_codec!(ExtendedMasterSecret, [], ());
    }

    #[test]
    fn extensions_round_trip_and_refuse_truncation() {
        let ri = check_codec!(RenegotiationInfo<'_>, [2, 1, 2], ());
        assert_eq!(ri.renegotiated_connection, &[1, 2]);
        assert_eq!(renegotiation_info_body(&[1, 2]).unwrap(), [2, 1, 2]);
        check_codec!(RenegotiationInfo<'_>, [0], ());
        let groups = check_codec!(SupportedGroups, [0, 4, 0, 29, 0, 23], ());
        assert_eq!(groups.0, vec![29, 23]);
        let sni = check_codec!(
            ServerNameList<'_>,
            [0, 7, 0, 0, 4, b'a', b'.', b'b', b'c'],
            ()
        );
        assert_eq!(sni.0, vec![(0, &b"a.bc"[..])]);
        assert_eq!(sni.check(), Ok(()));
        // Another name type is read by its 16-bit length (RFC 6066 §3), even empty.
        let two = check_codec!(ServerNameList<'_>, [0, 7, 0, 0, 1, b'a', 1, 0, 0], ());
        assert_eq!(two.check(), Ok(()));
        // Empty extension, empty list, empty host name: structure errors.
        for body in [&[][..], &[0, 0], &[0, 3, 0, 0, 0]] {
            assert_eq!(
                ServerNameList::parse(body, ()).err().map(|e| e.alert),
                Some(crate::error::AlertDescription::DECODE_ERROR),
                "server_name {body:?}"
            );
        }
        // Well formed, but two host names, or one with a control or non-ASCII byte.
        for body in [
            &[0, 8, 0, 0, 1, b'a', 0, 0, 1, b'b'][..],
            &[0, 6, 0, 0, 3, b'a', 0, b'b'],
            &[0, 6, 0, 0, 3, b'a', 7, b'b'],
            &[0, 7, 0, 0, 4, b'a', 0xc4, 0x85, b'b'],
            &[0, 6, 0, 0, 3, b'a', b' ', b'b'],
        ] {
            let list = ServerNameList::parse(body, ()).expect("well formed");
            assert_eq!(
                list.check().err().map(|e| e.alert),
                Some(crate::error::AlertDescription::ILLEGAL_PARAMETER),
                "server_name {body:?}"
            );
        }
        let formats = check_codec!(EcPointFormats<'_>, [2, 1, 0], ());
        assert!(formats.has_uncompressed());
        assert!(!check_codec!(EcPointFormats<'_>, [1, 1], ()).has_uncompressed());
        assert_eq!(
            EcPointFormats::parse(&[0], ()).err().map(|e| e.alert),
            Some(crate::error::AlertDescription::DECODE_ERROR),
            "empty ec_point_formats"
        );
        let sigs = signature_algorithms_body(true).unwrap();
        let algs = check_codec!(SignatureAlgorithms, sigs, ());
        assert_eq!(algs.0[..11], SUPPORTED_SIGNATURE_SCHEMES);
        assert_eq!(algs.0.len(), 11 + crate::pki::sign::DSA_SCHEMES.len());
        // Empty and odd-length lists are structure errors.
        for body in [&[0, 0][..], &[0, 1, 5]] {
            assert!(SupportedGroups::parse(body, ()).is_err());
            assert!(SignatureAlgorithms::parse(body, ()).is_err());
        }
    }

    #[test]
    fn wire_numbers_name_themselves_and_keep_their_values() {
        assert_eq!(HandshakeType::CERTIFICATE_VERIFY.0, hs::CERTIFICATE_VERIFY);
        assert_eq!(HandshakeType(15).name(), "CertificateVerify");
        assert_eq!(HandshakeType(99).name(), "unknown");
        assert_eq!(
            HandshakeType::FINISHED.expected_cause(),
            "expected Finished"
        );
        assert_eq!(ExtensionType(0xff01), ExtensionType::RENEGOTIATION_INFO);
        assert_eq!(ext::EC_POINT_FORMATS, 11);
        assert_eq!(
            format!("{:?}", SignatureScheme::RSA_PSS_RSAE_SHA256),
            "rsa_pss_rsae_sha256(2052)"
        );
        for dsa in crate::pki::sign::DSA_SCHEMES {
            assert!(SignatureScheme(*dsa).name().starts_with("dsa_"));
        }
    }

    #[test]
    fn client_hello_round_trips() {
        let random = [7u8; 32];
        let exts = vec![
            (ExtensionType::EXTENDED_MASTER_SECRET, vec![]),
            (ExtensionType::SERVER_NAME, vec![1, 2]),
        ];
        let body = encode_client_hello(0x0303, &random, &[1, 2, 3], &[0x2f, 0xff], &exts).unwrap();
        let ch = ClientHello::parse(&body, ()).unwrap();
        assert_eq!(ch.version, 0x0303);
        assert_eq!(ch.session_id, &[1, 2, 3]);
        assert_eq!(ch.suites, vec![0x2f, 0xff]);
        assert_eq!(
            find_ext(&ch.extensions, ExtensionType::SERVER_NAME),
            Some(&[1u8, 2][..])
        );
    }

    #[test]
    fn truncated_and_trailing_hellos_fail() {
        let body = encode_client_hello(0x0303, &[0; 32], &[], &[0x2f], &[]).unwrap();
        for n in 0..body.len() {
            assert!(ClientHello::parse(&body[..n], ()).is_err(), "prefix {n}");
        }
        let mut long = body.clone();
        long.push(0);
        assert!(ClientHello::parse(&long, ()).is_err());
    }

    #[test]
    fn duplicate_extensions_are_rejected() {
        let exts = vec![(ExtensionType(23), vec![]), (ExtensionType(23), vec![])];
        let body = encode_client_hello(0x0303, &[0; 32], &[], &[0x2f], &exts).unwrap();
        let err = ClientHello::parse(&body, ()).unwrap_err();
        assert_eq!(err, Fatal::decode("duplicate extension type"));
        // Equality is by alert, which a truncated block would also give: the cause tells
        // the two apart.
        assert_eq!(err.cause, "duplicate extension type");
    }

    /// The largest extension block a ClientHello can carry: 16,382 empty extensions of
    /// distinct types, spread over the whole u16 range (both ends included).
    fn many_distinct_extensions() -> Vec<(ExtensionType, Vec<u8>)> {
        let mut types: Vec<u16> = (0..16_380u16).map(|i| i.wrapping_mul(4) + 1).collect();
        types.extend([0, 0xffff]);
        types
            .into_iter()
            .map(|t| (ExtensionType(t), Vec::new()))
            .collect()
    }

    #[test]
    fn thousands_of_distinct_extensions_parse() {
        let exts = many_distinct_extensions();
        let body = encode_client_hello(0x0303, &[0; 32], &[], &[0x2f], &exts).unwrap();
        assert!(body.len() > 65_000);
        let ch = ClientHello::parse(&body, ()).unwrap();
        assert_eq!(ch.extensions.len(), exts.len());
        assert!(
            ch.extensions
                .iter()
                .zip(&exts)
                .all(|(e, (t, _))| e.typ == *t)
        );
        assert_eq!(
            find_ext(&ch.extensions, ExtensionType(0xffff)),
            Some(&[][..])
        );
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
                ClientHello::parse(&body, ()).err(),
                Some(Fatal::decode("duplicate extension type")),
                "{at}/{from}"
            );
            let sh = encode_server_hello(0x0303, &[0; 32], &[], 0x2f, &dup).unwrap();
            assert_eq!(
                ServerHello::parse(&sh, ()).err(),
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
        let ch = ClientHello::parse(&body, ()).unwrap();
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
        let hello = |exts: &[(ExtensionType, Vec<u8>)]| {
            encode_client_hello(0x0303, &[0; 32], &[], &[0x2f], exts)
        };
        // An extension body fits its own 2-byte field up to 2^16 - 1 bytes, but the block
        // holding it (and its 4-byte type and length) is limited to 2^16 - 1 bytes too.
        let typ = ExtensionType(0x7777);
        assert!(hello(&[(typ, vec![0; 0xffff - 4])]).is_ok());
        assert_eq!(hello(&[(typ, vec![0; 0xffff - 3])]), Err(TooLong));
        assert_eq!(hello(&[(typ, vec![0; 0x1_0000])]), Err(TooLong));
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
            encode_server_hello(0x0303, &[0; 32], &[], 0x2f, &[(typ, vec![0; 0x1_0000])]),
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
