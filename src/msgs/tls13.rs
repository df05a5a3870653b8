//! The handshake messages and extensions TLS 1.3 adds (RFC 8446 §4), each a [`Codec`] with
//! the same rules as the rest of `msgs`: a strict reader (a malformed structure or trailing
//! bytes are decode_error, RFC 5246 §7.2.2; a well-formed structure carrying a forbidden
//! value is illegal_parameter) and an encoder that inverts it, failing rather than
//! truncating a length. Parsed values borrow from the message buffer.
//!
//! Which of these may appear in which message, and what an unexpected one means, is the
//! state machines' question; this module only reads and writes them.

use super::{
    Extension, ExtensionType, HandshakeType, SignatureAlgorithms, TypeSet, find_ext,
    handshake_message, put_extensions, read_extensions,
};
use crate::codec::{Codec, OrDecode, Reader, TooLong, put_u16, try_with_len, with_len};
use crate::error::{AlertDescription, Fatal};

/// ServerHello.random of a HelloRetryRequest: SHA-256 of "HelloRetryRequest" (RFC 8446
/// §4.1.3). An HRR is a ServerHello with this random; nothing else tells them apart.
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// The last 8 bytes of ServerHello.random from a TLS 1.3-capable server that negotiated
/// TLS 1.2 (RFC 8446 §4.1.3): "DOWNGRD" and 01. A TLS 1.3 client that sees it refuses the
/// connection (illegal_parameter).
pub const DOWNGRADE_TLS12: [u8; 8] = [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01];

/// The same for TLS 1.1 or below: "DOWNGRD" and 00.
pub const DOWNGRADE_TLS11: [u8; 8] = [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00];

/// The one-byte-length vector `<1..2^8-1>`: empty is a structure error.
fn read_nonempty_u8<'a>(r: &mut Reader<'a>, what: &'static str) -> Result<&'a [u8], Fatal> {
    let v = r.vec_u8().or_decode()?;
    if v.is_empty() {
        return Err(Fatal::decode(what));
    }
    Ok(v)
}

/// The two-byte-length vector `<1..2^16-1>`: empty is a structure error.
fn read_nonempty_u16<'a>(r: &mut Reader<'a>, what: &'static str) -> Result<&'a [u8], Fatal> {
    let v = r.vec_u16().or_decode()?;
    if v.is_empty() {
        return Err(Fatal::decode(what));
    }
    Ok(v)
}

/// The extension block that ends EncryptedExtensions, CertificateRequest and
/// NewSessionTicket: unlike a hello's, it is always there (possibly empty); duplicate types
/// are decode_error as in the hellos.
fn read_mandatory_extensions<'a>(
    r: &mut Reader<'a>,
    missing: &'static str,
) -> Result<Vec<Extension<'a>>, Fatal> {
    match read_extensions(r)? {
        (extensions, true) => Ok(extensions),
        (_, false) => Err(Fatal::decode(missing)),
    }
}

/// Extension bodies that are one u16 and nothing else (a selected version, group or PSK
/// index): a newtype whose reader takes exactly two bytes (`parse` refuses more).
macro_rules! two_byte_body {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub u16);

        impl<'a> Codec<'a> for $name {
            type Context = ();

            fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
                Ok($name(r.u16().or_decode()?))
            }

            fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
                put_u16(out, self.0);
                Ok(())
            }
        }
    };
}

/// supported_versions in a ClientHello (RFC 8446 §4.2.1): `ProtocolVersion
/// versions<2..254>`, the client's versions in preference order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportedVersionsClient(pub Vec<u16>);

impl<'a> Codec<'a> for SupportedVersionsClient {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let list = r.vec_u8().or_decode()?;
        if list.is_empty() || list.len() % 2 != 0 {
            return Err(Fatal::decode("supported_versions empty or of odd length"));
        }
        Ok(SupportedVersionsClient(
            list.chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect(),
        ))
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        with_len(out, 1, |b| self.0.iter().for_each(|&v| put_u16(b, v)))
    }
}

two_byte_body! {
    /// supported_versions in a ServerHello or HelloRetryRequest (RFC 8446 §4.2.1): the one
    /// selected version.
    SupportedVersionsServer
}

/// KeyShareEntry (RFC 8446 §4.2.8): a named group and a public value,
/// `opaque key_exchange<1..2^16-1>`. Whether the value is a valid point for the group is
/// the key exchange's question (illegal_parameter there), not the codec's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyShareEntry<'a> {
    pub group: u16,
    pub key_exchange: &'a [u8],
}

impl<'a> Codec<'a> for KeyShareEntry<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let group = r.u16().or_decode()?;
        let key_exchange = read_nonempty_u16(r, "key_share key_exchange empty")?;
        Ok(KeyShareEntry {
            group,
            key_exchange,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        put_u16(out, self.group);
        with_len(out, 2, |b| b.extend_from_slice(self.key_exchange))
    }
}

/// key_share in a ClientHello (RFC 8446 §4.2.8): `KeyShareEntry client_shares<0..2^16-1>`.
/// An empty list is legal (the client waits for a HelloRetryRequest to name a group); two
/// shares for one group are illegal_parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyShareClientHello<'a>(pub Vec<KeyShareEntry<'a>>);

impl<'a> Codec<'a> for KeyShareClientHello<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let mut list = Reader::new(r.vec_u16().or_decode()?);
        let mut shares = Vec::new();
        // A set rather than a pairwise check: a 64 KiB list holds ~13,000 minimal shares.
        let mut groups = TypeSet::new();
        while !list.is_empty() {
            let share = KeyShareEntry::read(&mut list, ())?;
            if !groups.insert(share.group) {
                return Err(Fatal::illegal("key_share offers the same group twice"));
            }
            shares.push(share);
        }
        Ok(KeyShareClientHello(shares))
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        try_with_len(out, 2, |b| self.0.iter().try_for_each(|s| s.encode(b)))
    }
}

/// key_share in a ServerHello (RFC 8446 §4.2.8): the server's one share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyShareServerHello<'a>(pub KeyShareEntry<'a>);

impl<'a> Codec<'a> for KeyShareServerHello<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        Ok(KeyShareServerHello(KeyShareEntry::read(r, ())?))
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        self.0.encode(out)
    }
}

two_byte_body! {
    /// key_share in a HelloRetryRequest (RFC 8446 §4.2.8): the group the client must use.
    KeyShareHelloRetry
}

/// psk_key_exchange_modes (RFC 8446 §4.2.9): `PskKeyExchangeMode ke_modes<1..255>`.
/// Unknown modes are kept (the peer may offer modes we do not know; we ignore them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskKeyExchangeModes<'a>(pub &'a [u8]);

impl PskKeyExchangeModes<'_> {
    /// psk_ke: PSK alone, no (EC)DHE.
    pub const PSK_KE: u8 = 0;
    /// psk_dhe_ke: PSK with (EC)DHE, the only mode this library resumes with (ABI.md D28).
    pub const PSK_DHE_KE: u8 = 1;
}

impl<'a> Codec<'a> for PskKeyExchangeModes<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        Ok(PskKeyExchangeModes(read_nonempty_u8(
            r,
            "psk_key_exchange_modes empty",
        )?))
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        with_len(out, 1, |b| b.extend_from_slice(self.0))
    }
}

/// cookie (RFC 8446 §4.2.2): `opaque cookie<1..2^16-1>`, sent in a HelloRetryRequest and
/// echoed in the second ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie<'a>(pub &'a [u8]);

impl<'a> Codec<'a> for Cookie<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        Ok(Cookie(read_nonempty_u16(r, "cookie empty")?))
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        with_len(out, 2, |b| b.extend_from_slice(self.0))
    }
}

/// PskIdentity (RFC 8446 §4.2.11): `opaque identity<1..2^16-1>` (a ticket, or an external
/// PSK's identity) and the ticket age plus the ticket's age_add, modulo 2^32.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskIdentity<'a> {
    pub identity: &'a [u8],
    pub obfuscated_ticket_age: u32,
}

impl<'a> Codec<'a> for PskIdentity<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let identity = read_nonempty_u16(r, "pre_shared_key identity empty")?;
        let obfuscated_ticket_age = r.u32().or_decode()?;
        Ok(PskIdentity {
            identity,
            obfuscated_ticket_age,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        with_len(out, 2, |b| b.extend_from_slice(self.identity))?;
        out.extend_from_slice(&self.obfuscated_ticket_age.to_be_bytes());
        Ok(())
    }
}

/// pre_shared_key in a ClientHello (RFC 8446 §4.2.11), OfferedPsks: `PskIdentity
/// identities<7..2^16-1>` and `PskBinderEntry binders<33..2^16-1>`, each binder
/// `opaque<32..255>`, one binder per identity (different counts are illegal_parameter).
/// The extension must be the ClientHello's last (illegal_parameter otherwise): that is the
/// server state's check, on the extension list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedPsks<'a> {
    pub identities: Vec<PskIdentity<'a>>,
    pub binders: Vec<&'a [u8]>,
}

impl OfferedPsks<'_> {
    /// Bytes of the encoded binders list, its 2-byte length included: since
    /// pre_shared_key ends the ClientHello, these are the last bytes of the message, and
    /// the binders are computed over the ClientHello without them (RFC 8446 §4.2.11.2;
    /// see [`client_hello_without_binders`]).
    pub fn binders_encoded_len(&self) -> usize {
        2 + self.binders.iter().map(|b| 1 + b.len()).sum::<usize>()
    }
}

impl<'a> Codec<'a> for OfferedPsks<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let mut list = Reader::new(read_nonempty_u16(r, "pre_shared_key identities empty")?);
        let mut identities = Vec::new();
        while !list.is_empty() {
            identities.push(PskIdentity::read(&mut list, ())?);
        }
        let mut list = Reader::new(read_nonempty_u16(r, "pre_shared_key binders empty")?);
        let mut binders = Vec::new();
        while !list.is_empty() {
            let binder = list.vec_u8().or_decode()?;
            if binder.len() < 32 {
                return Err(Fatal::decode("pre_shared_key binder shorter than 32 bytes"));
            }
            binders.push(binder);
        }
        if binders.len() != identities.len() {
            return Err(Fatal::illegal(
                "pre_shared_key binder count differs from identity count",
            ));
        }
        Ok(OfferedPsks {
            identities,
            binders,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        try_with_len(out, 2, |b| {
            self.identities.iter().try_for_each(|id| id.encode(b))
        })?;
        try_with_len(out, 2, |b| {
            self.binders
                .iter()
                .try_for_each(|binder| with_len(b, 1, |b| b.extend_from_slice(binder)))
        })
    }
}

/// The part of a ClientHello the PSK binders cover (RFC 8446 §4.2.11.2): the whole
/// handshake message, header included, without its trailing binders list of `binders_len`
/// bytes ([`OfferedPsks::binders_encoded_len`]). The header keeps the length of the full
/// message, as the RFC requires. A `binders_len` longer than the message gives an empty
/// prefix (a caller that read the binders from this message cannot ask for that).
pub fn client_hello_without_binders(raw_hello: &[u8], binders_len: usize) -> &[u8] {
    let keep = raw_hello.len().saturating_sub(binders_len);
    raw_hello.get(..keep).unwrap_or_default()
}

two_byte_body! {
    /// pre_shared_key in a ServerHello (RFC 8446 §4.2.11): the index of the identity the
    /// server accepted.
    SelectedPsk
}

/// EncryptedExtensions (RFC 8446 §4.3.1): the server's extensions that are not needed to
/// derive keys, `Extension extensions<0..2^16-1>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedExtensions<'a> {
    pub extensions: Vec<Extension<'a>>,
}

impl<'a> Codec<'a> for EncryptedExtensions<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        Ok(EncryptedExtensions {
            extensions: read_mandatory_extensions(r, "EncryptedExtensions body empty")?,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        put_extensions(out, &self.extensions, true)
    }
}

/// CertificateEntry (RFC 8446 §4.4.2) of an X.509 certificate: `opaque
/// cert_data<1..2^24-1>` and the entry's extensions (OCSP status, SCTs), kept as the raw
/// `<0..2^16-1>` block since none is negotiated by this library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateEntry<'a> {
    pub cert: &'a [u8],
    pub extensions: &'a [u8],
}

impl<'a> Codec<'a> for CertificateEntry<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let cert = r.vec_u24().or_decode()?;
        if cert.is_empty() {
            return Err(Fatal::decode("empty certificate in Certificate list"));
        }
        let extensions = r.vec_u16().or_decode()?;
        Ok(CertificateEntry { cert, extensions })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        with_len(out, 3, |b| b.extend_from_slice(self.cert))?;
        with_len(out, 2, |b| b.extend_from_slice(self.extensions))
    }
}

/// Certificate of TLS 1.3 (RFC 8446 §4.4.2): `opaque certificate_request_context<0..2^8-1>`
/// (empty in the handshake, the CertificateRequest's in post-handshake authentication) and
/// `CertificateEntry certificate_list<0..2^24-1>`, leaf first. An empty list is legal: a
/// client without a certificate sends one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate13<'a> {
    pub context: &'a [u8],
    pub entries: Vec<CertificateEntry<'a>>,
}

impl<'a> Certificate13<'a> {
    /// The DER certificates, leaf first, as `CertificateMsg::chain` gives them in TLS 1.2.
    pub fn certs(&self) -> Vec<&'a [u8]> {
        self.entries.iter().map(|e| e.cert).collect()
    }
}

impl<'a> Codec<'a> for Certificate13<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let context = r.vec_u8().or_decode()?;
        let mut list = Reader::new(r.vec_u24().or_decode()?);
        let mut entries = Vec::new();
        while !list.is_empty() {
            entries.push(CertificateEntry::read(&mut list, ())?);
        }
        Ok(Certificate13 { context, entries })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        with_len(out, 1, |b| b.extend_from_slice(self.context))?;
        try_with_len(out, 3, |b| {
            self.entries.iter().try_for_each(|e| e.encode(b))
        })
    }
}

/// CertificateRequest of TLS 1.3 (RFC 8446 §4.3.2): `opaque
/// certificate_request_context<0..2^8-1>` and `Extension extensions<2..2^16-1>` (so an
/// empty block is a structure error), which must hold signature_algorithms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRequest13<'a> {
    pub context: &'a [u8],
    pub extensions: Vec<Extension<'a>>,
}

impl CertificateRequest13<'_> {
    /// The signature schemes of the mandatory signature_algorithms extension; its absence
    /// is missing_extension (RFC 8446 §4.3.2, §9.2), a malformed one decode_error.
    pub fn signature_schemes(&self) -> Result<Vec<u16>, Fatal> {
        let body =
            find_ext(&self.extensions, ExtensionType::SIGNATURE_ALGORITHMS).ok_or(Fatal::new(
                AlertDescription::MISSING_EXTENSION,
                "CertificateRequest without signature_algorithms",
            ))?;
        let schemes = SignatureAlgorithms::parse(body, ())?;
        Ok(schemes.0.into_iter().map(|s| s.0).collect())
    }
}

impl<'a> Codec<'a> for CertificateRequest13<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let context = r.vec_u8().or_decode()?;
        let extensions =
            read_mandatory_extensions(r, "CertificateRequest without its extension block")?;
        if extensions.is_empty() {
            return Err(Fatal::decode("CertificateRequest extension block empty"));
        }
        Ok(CertificateRequest13 {
            context,
            extensions,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        with_len(out, 1, |b| b.extend_from_slice(self.context))?;
        put_extensions(out, &self.extensions, true)
    }
}

/// certificate_authorities (RFC 8446 §4.2.4): `DistinguishedName
/// authorities<3..2^16-1>`, each `opaque DistinguishedName<1..2^16-1>` the DER of an
/// X.501 Name. An empty list or an empty name is a structure error; the names are kept
/// opaque (they are only compared with the names of our certificates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateAuthorities<'a>(pub Vec<&'a [u8]>);

impl<'a> Codec<'a> for CertificateAuthorities<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let mut list = Reader::new(read_nonempty_u16(r, "certificate_authorities empty")?);
        let mut names = Vec::new();
        while !list.is_empty() {
            names.push(read_nonempty_u16(
                &mut list,
                "certificate_authorities name empty",
            )?);
        }
        Ok(CertificateAuthorities(names))
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        try_with_len(out, 2, |b| {
            self.0
                .iter()
                .try_for_each(|name| with_len(b, 2, |b| b.extend_from_slice(name)))
        })
    }
}

/// The schemes of a signature_algorithms_cert extension (RFC 8446 §4.2.3) among
/// `extensions` (a ClientHello's or a CertificateRequest's), if there is one. Its body is
/// a signature_algorithms list: empty or odd is decode_error.
pub fn signature_algorithms_cert(extensions: &[Extension<'_>]) -> Result<Option<Vec<u16>>, Fatal> {
    find_ext(extensions, ExtensionType::SIGNATURE_ALGORITHMS_CERT)
        .map(|body| {
            SignatureAlgorithms::parse(body, ()).map(|list| list.0.iter().map(|s| s.0).collect())
        })
        .transpose()
}

/// The names of a certificate_authorities extension among `extensions`, if there is one.
pub fn certificate_authorities<'a>(
    extensions: &[Extension<'a>],
) -> Result<Option<Vec<&'a [u8]>>, Fatal> {
    find_ext(extensions, ExtensionType::CERTIFICATE_AUTHORITIES)
        .map(|body| CertificateAuthorities::parse(body, ()).map(|names| names.0))
        .transpose()
}

/// The longest ticket_lifetime a server may send: seven days (RFC 8446 §4.6.1).
pub const MAX_TICKET_LIFETIME: u32 = 604_800;

/// NewSessionTicket of TLS 1.3 (RFC 8446 §4.6.1): `uint32 ticket_lifetime`, `uint32
/// ticket_age_add`, `opaque ticket_nonce<0..255>`, `opaque ticket<1..2^16-1>`, `Extension
/// extensions<0..2^16-2>`. A lifetime above seven days is illegal_parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSessionTicket<'a> {
    pub lifetime: u32,
    pub age_add: u32,
    pub nonce: &'a [u8],
    pub ticket: &'a [u8],
    pub extensions: Vec<Extension<'a>>,
}

impl<'a> Codec<'a> for NewSessionTicket<'a> {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let lifetime = r.u32().or_decode()?;
        let age_add = r.u32().or_decode()?;
        let nonce = r.vec_u8().or_decode()?;
        let ticket = read_nonempty_u16(r, "NewSessionTicket ticket empty")?;
        let extensions =
            read_mandatory_extensions(r, "NewSessionTicket without its extension block")?;
        // Checked after the structure: a truncated message is decode_error whatever its
        // lifetime says.
        if lifetime > MAX_TICKET_LIFETIME {
            return Err(Fatal::illegal(
                "NewSessionTicket lifetime longer than seven days",
            ));
        }
        Ok(NewSessionTicket {
            lifetime,
            age_add,
            nonce,
            ticket,
            extensions,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        out.extend_from_slice(&self.lifetime.to_be_bytes());
        out.extend_from_slice(&self.age_add.to_be_bytes());
        with_len(out, 1, |b| b.extend_from_slice(self.nonce))?;
        with_len(out, 2, |b| b.extend_from_slice(self.ticket))?;
        put_extensions(out, &self.extensions, true)
    }
}

/// KeyUpdate (RFC 8446 §4.6.3): whether the sender asks the peer to update its sending
/// keys too (update_requested 1) or not (update_not_requested 0). Any other value is
/// illegal_parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUpdate {
    pub update_requested: bool,
}

impl<'a> Codec<'a> for KeyUpdate {
    type Context = ();

    fn read(r: &mut Reader<'a>, (): ()) -> Result<Self, Fatal> {
        let update_requested = match r.u8().or_decode()? {
            0 => false,
            1 => true,
            _ => return Err(Fatal::illegal("KeyUpdate request_update neither 0 nor 1")),
        };
        Ok(KeyUpdate { update_requested })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), TooLong> {
        out.push(u8::from(self.update_requested));
        Ok(())
    }
}

/// What a TLS 1.3 CertificateVerify signs (RFC 8446 §4.4.3): 64 spaces, the context string
/// of the signer's role, a zero byte, and the transcript hash through Certificate.
///
/// The CertificateVerify message itself is [`super::CertificateVerify`]
/// (`DigitallySigned`) read with the version context `TLS1_2` (or any later one): TLS 1.3's
/// `SignatureScheme algorithm; opaque signature<0..2^16-1>` is exactly TLS 1.2's
/// digitally-signed with its scheme present.
pub fn certificate_verify_content(server: bool, transcript_hash: &[u8]) -> Vec<u8> {
    let context: &[u8] = if server {
        b"TLS 1.3, server CertificateVerify"
    } else {
        b"TLS 1.3, client CertificateVerify"
    };
    let mut content = vec![0x20; 64];
    content.extend_from_slice(context);
    content.push(0);
    content.extend_from_slice(transcript_hash);
    content
}

/// The synthetic handshake message that stands for ClientHello1 in the transcript once a
/// HelloRetryRequest was sent (RFC 8446 §4.4.1): type message_hash (254), a 24-bit
/// length, Hash(ClientHello1). Never sent on the wire.
pub fn message_hash(hash_of_client_hello1: &[u8]) -> Vec<u8> {
    handshake_message(HandshakeType::MESSAGE_HASH, hash_of_client_hello1)
        .expect("a digest is far shorter than 2^24 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Codec;
    use crate::crypto::tls13::Tls13Hash;
    use crate::msgs::tests::check_codec;
    use crate::msgs::{CertificateVerify, ClientHello, ServerHello, SignatureScheme, hs};
    use crate::suites::TLS1_2;
    use crate::test_fixtures::hex;
    use crate::test_fixtures::rfc8448;

    /// The body of an RFC 8448 handshake message of type `typ` (its 4-byte header checked
    /// and cut off).
    fn body_of(message: &str, typ: u8) -> Vec<u8> {
        let msg = hex(message);
        assert_eq!(msg[0], typ);
        let len = usize::from(msg[1]) << 16 | usize::from(msg[2]) << 8 | usize::from(msg[3]);
        assert_eq!(len, msg.len() - 4);
        msg[4..].to_vec()
    }

    fn ext<'a>(exts: &[Extension<'a>], typ: ExtensionType) -> &'a [u8] {
        find_ext(exts, typ).unwrap_or_else(|| panic!("{typ:?} present"))
    }

    fn alert_of<T: std::fmt::Debug>(r: Result<T, Fatal>) -> AlertDescription {
        r.expect_err("refused").alert
    }

    /// RFC 8448 §3 ClientHello: its supported_versions, key_share and
    /// psk_key_exchange_modes read as the RFC describes them and re-encode byte for byte.
    #[test]
    fn rfc8448_client_hello_extensions() {
        let body = body_of(rfc8448::CLIENT_HELLO, hs::CLIENT_HELLO);
        let ch = ClientHello::parse(&body, ()).unwrap();
        assert_eq!(ch.to_bytes().unwrap(), body);

        let versions = ext(&ch.extensions, ExtensionType::SUPPORTED_VERSIONS);
        assert_eq!(versions, [2, 3, 4]);
        let versions = check_codec!(SupportedVersionsClient, versions, ());
        assert_eq!(versions.0, [0x0304]);

        let shares = ext(&ch.extensions, ExtensionType::KEY_SHARE);
        let shares = check_codec!(KeyShareClientHello<'_>, shares, ());
        assert_eq!(shares.0.len(), 1);
        assert_eq!(shares.0[0].group, 0x001d);
        assert_eq!(
            shares.0[0].key_exchange,
            hex("99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c")
        );

        let modes = ext(&ch.extensions, ExtensionType::PSK_KEY_EXCHANGE_MODES);
        let modes = check_codec!(PskKeyExchangeModes<'_>, modes, ());
        assert_eq!(modes.0, [PskKeyExchangeModes::PSK_DHE_KE]);
    }

    /// RFC 8448 §3 ServerHello: the server's key_share and supported_versions.
    #[test]
    fn rfc8448_server_hello_extensions() {
        let body = body_of(rfc8448::SERVER_HELLO, hs::SERVER_HELLO);
        let sh = ServerHello::parse(&body, ()).unwrap();
        assert_eq!(sh.to_bytes().unwrap(), body);
        assert_ne!(sh.random, HRR_RANDOM);

        let share = ext(&sh.extensions, ExtensionType::KEY_SHARE);
        let share = check_codec!(KeyShareServerHello<'_>, share, ());
        assert_eq!(share.0.group, 0x001d);
        assert_eq!(
            share.0.key_exchange,
            hex("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f")
        );
        let version = ext(&sh.extensions, ExtensionType::SUPPORTED_VERSIONS);
        let version = check_codec!(SupportedVersionsServer, version, ());
        assert_eq!(version, SupportedVersionsServer(0x0304));
    }

    #[test]
    fn rfc8448_encrypted_extensions() {
        let body = body_of(rfc8448::ENCRYPTED_EXTENSIONS, hs::ENCRYPTED_EXTENSIONS);
        let ee = check_codec!(EncryptedExtensions<'_>, body, ());
        let types: Vec<u16> = ee.extensions.iter().map(|e| e.typ.0).collect();
        // supported_groups, record_size_limit (28), server_name (empty).
        assert_eq!(types, [10, 28, 0]);
        assert_eq!(ext(&ee.extensions, ExtensionType::SERVER_NAME), []);
        // No extensions at all is an empty block, not an empty body.
        let empty = check_codec!(EncryptedExtensions<'_>, [0, 0], ());
        assert!(empty.extensions.is_empty());
        assert_eq!(
            alert_of(EncryptedExtensions::parse(
                &[0, 8, 0, 0, 0, 0, 0, 0, 0, 0],
                ()
            )),
            AlertDescription::DECODE_ERROR
        );
    }

    #[test]
    fn rfc8448_certificate() {
        let body = body_of(rfc8448::CERTIFICATE, hs::CERTIFICATE);
        let cert = check_codec!(Certificate13<'_>, body, ());
        assert_eq!(cert.context, []);
        assert_eq!(cert.entries.len(), 1);
        assert_eq!(cert.entries[0].extensions, []);
        let certs = cert.certs();
        assert_eq!(certs.len(), 1);
        assert_eq!(certs[0].len(), 0x1b0);
        crate::pki::Certificate::from_der(certs[0]).expect("the RFC's certificate parses");

        // A client without a certificate (here answering a request with context 01 02):
        // an empty list is legal; an empty certificate is not.
        let none = check_codec!(Certificate13<'_>, [2, 1, 2, 0, 0, 0], ());
        assert_eq!((none.context, none.certs().len()), (&[1u8, 2][..], 0));
        assert_eq!(
            alert_of(Certificate13::parse(&[0, 0, 0, 5, 0, 0, 0, 0, 0], ())),
            AlertDescription::DECODE_ERROR
        );
    }

    /// RFC 8448 §3 CertificateVerify is a `DigitallySigned` read with the TLS 1.2 context.
    #[test]
    fn rfc8448_certificate_verify_is_digitally_signed() {
        let body = body_of(rfc8448::CERTIFICATE_VERIFY, hs::CERTIFICATE_VERIFY);
        let cv = check_codec!(CertificateVerify<'_>, body, TLS1_2);
        assert_eq!(cv.scheme, Some(SignatureScheme::RSA_PSS_RSAE_SHA256));
        assert_eq!(cv.signature.len(), 128);
    }

    #[test]
    fn rfc8448_new_session_ticket() {
        let body = body_of(rfc8448::NEW_SESSION_TICKET, hs::NEW_SESSION_TICKET);
        let nst = check_codec!(NewSessionTicket<'_>, body, ());
        assert_eq!((nst.lifetime, nst.age_add), (30, 0xfad6_aac5));
        assert_eq!(nst.nonce, [0, 0]);
        assert_eq!(nst.ticket.len(), 0xb2);
        // early_data with max_early_data_size 1024.
        assert_eq!(
            ext(&nst.extensions, ExtensionType::EARLY_DATA),
            [0, 0, 4, 0]
        );
    }

    /// RFC 8448 §4: the resumed ClientHello offers the §3 ticket; cutting its binders off
    /// gives the prefix whose hash the RFC prints as the binder's transcript.
    #[test]
    fn rfc8448_offered_psks_and_binder_transcript() {
        let raw = hex(rfc8448::RESUMED_CLIENT_HELLO);
        let ch = ClientHello::parse(&raw[4..], ()).unwrap();
        let last = ch.extensions.last().unwrap();
        assert_eq!(last.typ, ExtensionType::PRE_SHARED_KEY);
        let offered = check_codec!(OfferedPsks<'_>, last.body, ());

        let nst = body_of(rfc8448::NEW_SESSION_TICKET, hs::NEW_SESSION_TICKET);
        let ticket = NewSessionTicket::parse(&nst, ()).unwrap();
        assert_eq!(offered.identities.len(), 1);
        assert_eq!(offered.identities[0].identity, ticket.ticket);
        assert_eq!(offered.identities[0].obfuscated_ticket_age, 0xfad6_aacb);
        assert_eq!(
            offered.binders,
            [&hex("3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d")[..]]
        );

        assert_eq!(offered.binders_encoded_len(), 2 + 1 + 32);
        let truncated = client_hello_without_binders(&raw, offered.binders_encoded_len());
        assert_eq!(truncated.len(), raw.len() - 35);
        assert_eq!(
            Tls13Hash::Sha256.digest(truncated),
            hex("63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14")
        );
        assert_eq!(client_hello_without_binders(&raw, raw.len() + 1), []);
    }

    #[test]
    fn offered_psks_refuse_bad_lists() {
        let identity = [0, 1, b'i', 0, 0, 0, 7];
        let binder = [&[32u8][..], &[0xbb; 32]].concat();
        let psks = |identities: &[&[u8]], binders: &[&[u8]]| -> Vec<u8> {
            let list = |items: &[&[u8]]| {
                let joined = items.concat();
                [&(joined.len() as u16).to_be_bytes()[..], &joined].concat()
            };
            [list(identities), list(binders)].concat()
        };
        let two = psks(&[&identity, &[0, 1, b'j', 1, 2, 3, 4]], &[&binder, &binder]);
        let two = check_codec!(OfferedPsks<'_>, two, ());
        assert_eq!(two.binders_encoded_len(), 2 + 2 * 33);
        // One binder for two identities, two for one.
        for unequal in [
            psks(&[&identity, &identity], &[&binder]),
            psks(&[&identity], &[&binder, &binder]),
        ] {
            assert_eq!(
                alert_of(OfferedPsks::parse(&unequal, ())),
                AlertDescription::ILLEGAL_PARAMETER
            );
        }
        // A 31-byte binder, an empty identity, no identities, no binders.
        let short = [&[31u8][..], &[0xbb; 31]].concat();
        for malformed in [
            psks(&[&identity], &[&short]),
            psks(&[&[0, 0, 0, 0, 0, 7]], &[&binder]),
            psks(&[], &[&binder]),
            psks(&[&identity], &[]),
        ] {
            assert_eq!(
                alert_of(OfferedPsks::parse(&malformed, ())),
                AlertDescription::DECODE_ERROR
            );
        }
    }

    #[test]
    fn supported_versions_forms() {
        let client = check_codec!(SupportedVersionsClient, [4, 3, 4, 3, 3], ());
        assert_eq!(client.0, [0x0304, 0x0303]);
        for malformed in [&[0][..], &[1, 3], &[3, 3, 4, 3]] {
            assert_eq!(
                alert_of(SupportedVersionsClient::parse(malformed, ())),
                AlertDescription::DECODE_ERROR
            );
        }
        // The server form is the bare version: a list is three bytes too many.
        assert_eq!(
            alert_of(SupportedVersionsServer::parse(&[2, 3, 4], ())),
            AlertDescription::DECODE_ERROR
        );
    }

    #[test]
    fn key_share_forms_and_alerts() {
        // No share at all (the client waits for a HelloRetryRequest).
        let none = check_codec!(KeyShareClientHello<'_>, [0, 0], ());
        assert!(none.0.is_empty());
        let two = [0, 12, 0, 0x1d, 0, 1, 9, 0, 0x17, 0, 3, 4, 1, 2];
        let two = check_codec!(KeyShareClientHello<'_>, two, ());
        assert_eq!(two.0.iter().map(|s| s.group).collect::<Vec<_>>(), [29, 23]);
        // The same group twice is a bad value; an empty key_exchange a bad structure.
        assert_eq!(
            alert_of(KeyShareClientHello::parse(
                &[0, 10, 0, 0x1d, 0, 1, 9, 0, 0x1d, 0, 1, 8],
                ()
            )),
            AlertDescription::ILLEGAL_PARAMETER
        );
        assert_eq!(
            alert_of(KeyShareClientHello::parse(&[0, 4, 0, 0x1d, 0, 0], ())),
            AlertDescription::DECODE_ERROR
        );
        assert_eq!(
            alert_of(KeyShareServerHello::parse(&[0, 0x1d, 0, 0], ())),
            AlertDescription::DECODE_ERROR
        );
        let retry = check_codec!(KeyShareHelloRetry, [0, 0x17], ());
        assert_eq!(retry, KeyShareHelloRetry(23));
    }

    #[test]
    fn small_extensions_round_trip_and_refuse_empty_bodies() {
        check_codec!(PskKeyExchangeModes<'_>, [2, 0, 1], ());
        let cookie = check_codec!(Cookie<'_>, [0, 2, 0xc0, 0x0c], ());
        assert_eq!(cookie.0, [0xc0, 0x0c]);
        assert_eq!(check_codec!(SelectedPsk, [0, 3], ()), SelectedPsk(3));
        assert_eq!(
            alert_of(PskKeyExchangeModes::parse(&[0], ())),
            AlertDescription::DECODE_ERROR
        );
        assert_eq!(
            alert_of(Cookie::parse(&[0, 0], ())),
            AlertDescription::DECODE_ERROR
        );
    }

    #[test]
    fn certificate_request_needs_signature_algorithms() {
        // Context 07, then signature_algorithms (ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256).
        let request = [1, 7, 0, 10, 0, 13, 0, 6, 0, 4, 4, 3, 8, 4];
        let request = check_codec!(CertificateRequest13<'_>, request, ());
        assert_eq!(request.context, [7]);
        assert_eq!(request.signature_schemes(), Ok(vec![0x0403, 0x0804]));
        // Only certificate_authorities: a well-formed request missing the mandatory one.
        let no_sigs = [0, 0, 6, 0, 47, 0, 2, 0, 0];
        let no_sigs = check_codec!(CertificateRequest13<'_>, no_sigs, ());
        assert_eq!(
            alert_of(no_sigs.signature_schemes()),
            AlertDescription::MISSING_EXTENSION
        );
        // An empty signature_algorithms list; an empty extension block.
        let empty_list = CertificateRequest13::parse(&[0, 0, 6, 0, 13, 0, 2, 0, 0], ()).unwrap();
        assert_eq!(
            alert_of(empty_list.signature_schemes()),
            AlertDescription::DECODE_ERROR
        );
        assert_eq!(
            alert_of(CertificateRequest13::parse(&[0, 0, 0], ())),
            AlertDescription::DECODE_ERROR
        );
    }

    #[test]
    fn certificate_authorities_forms() {
        // Two names: a 2-byte empty SEQUENCE and a 1-byte one (the codec keeps them opaque).
        let two = [0, 7, 0, 2, 0x30, 0, 0, 1, 0x42];
        let two = check_codec!(CertificateAuthorities<'_>, two, ());
        assert_eq!(two.0, [&[0x30, 0][..], &[0x42]]);
        // No name at all, an empty name, a name longer than the list.
        for malformed in [&[0, 0][..], &[0, 2, 0, 0], &[0, 3, 0, 2, 0x30]] {
            assert_eq!(
                alert_of(CertificateAuthorities::parse(malformed, ())),
                AlertDescription::DECODE_ERROR
            );
        }
    }

    #[test]
    fn certificate_request_certificate_extensions() {
        // signature_algorithms (rsa_pss_rsae_sha256), signature_algorithms_cert
        // (rsa_pkcs1_sha256, ecdsa_secp256r1_sha256), certificate_authorities (one name).
        let request = [
            0, 0, 28, 0, 13, 0, 4, 0, 2, 8, 4, 0, 50, 0, 6, 0, 4, 4, 1, 4, 3, 0, 47, 0, 6, 0, 4, 0,
            2, 0x30, 0,
        ];
        let request = check_codec!(CertificateRequest13<'_>, request, ());
        assert_eq!(request.signature_schemes(), Ok(vec![0x0804]));
        assert_eq!(
            signature_algorithms_cert(&request.extensions),
            Ok(Some(vec![0x0401, 0x0403]))
        );
        assert_eq!(
            certificate_authorities(&request.extensions),
            Ok(Some(vec![&[0x30, 0][..]]))
        );
        // Absent: None, not an error.
        let bare = CertificateRequest13::parse(&[0, 0, 8, 0, 13, 0, 4, 0, 2, 8, 4], ()).unwrap();
        assert_eq!(signature_algorithms_cert(&bare.extensions), Ok(None));
        assert_eq!(certificate_authorities(&bare.extensions), Ok(None));
        // Malformed bodies: an odd scheme list, an empty one, an empty name list.
        for (typ, body) in [(50u16, &[0, 3, 4, 1, 4][..]), (50, &[0, 0]), (47, &[0, 0])] {
            let ext = [Extension {
                typ: ExtensionType(typ),
                body,
            }];
            let refused = if typ == 50 {
                signature_algorithms_cert(&ext).map(|_| ())
            } else {
                certificate_authorities(&ext).map(|_| ())
            };
            assert_eq!(alert_of(refused), AlertDescription::DECODE_ERROR);
        }
    }

    #[test]
    fn new_session_ticket_lifetime_limit() {
        let ticket = |lifetime: u32| {
            [
                &lifetime.to_be_bytes()[..],
                &[0, 0, 0, 1, 0, 0, 1, 0x7e, 0, 0],
            ]
            .concat()
        };
        let week = ticket(MAX_TICKET_LIFETIME);
        assert_eq!(
            check_codec!(NewSessionTicket<'_>, week, ()).lifetime,
            604_800
        );
        assert_eq!(
            alert_of(NewSessionTicket::parse(
                &ticket(MAX_TICKET_LIFETIME + 1),
                ()
            )),
            AlertDescription::ILLEGAL_PARAMETER
        );
        // An empty ticket.
        assert_eq!(
            alert_of(NewSessionTicket::parse(
                &[0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0],
                ()
            )),
            AlertDescription::DECODE_ERROR
        );
    }

    #[test]
    fn key_update_values() {
        let not_requested = check_codec!(KeyUpdate, [0], ());
        assert!(!not_requested.update_requested);
        assert!(check_codec!(KeyUpdate, [1], ()).update_requested);
        assert_eq!(
            alert_of(KeyUpdate::parse(&[2], ())),
            AlertDescription::ILLEGAL_PARAMETER
        );
    }

    #[test]
    fn fixed_randoms() {
        assert_eq!(
            Tls13Hash::Sha256.digest(b"HelloRetryRequest"),
            HRR_RANDOM.to_vec()
        );
        assert_eq!(&DOWNGRADE_TLS12[..7], b"DOWNGRD");
        assert_eq!(DOWNGRADE_TLS12[..7], DOWNGRADE_TLS11[..7]);
        assert_eq!((DOWNGRADE_TLS12[7], DOWNGRADE_TLS11[7]), (1, 0));
    }

    /// RFC 8446 §4.4.3's layout, byte for byte, for both roles.
    #[test]
    fn certificate_verify_content_layout() {
        let hash = [0xab; 32];
        for (server, role) in [(true, &b"server"[..]), (false, b"client")] {
            let content = certificate_verify_content(server, &hash);
            let expected = [
                &[0x20; 64][..],
                b"TLS 1.3, ",
                role,
                b" CertificateVerify",
                &[0],
                &hash,
            ]
            .concat();
            assert_eq!(content, expected);
        }
    }

    #[test]
    fn message_hash_is_a_handshake_message_of_type_254() {
        let hash = Tls13Hash::Sha384.digest(b"ClientHello1");
        let msg = message_hash(&hash);
        assert_eq!(msg[..4], [254, 0, 0, 48]);
        assert_eq!(msg[4..], hash);
    }
}
