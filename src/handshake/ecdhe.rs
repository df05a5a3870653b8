//! Ephemeral elliptic-curve Diffie-Hellman (RFC 8422) over ring's X25519, P-256 and P-384.

use ring::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey};
use ring::rand::SystemRandom;
use zeroize::Zeroizing;

use crate::codec::{OrDecode, Reader, TooLong, put_u16, with_len};
use crate::error::Fatal;

/// Named groups in our preference order (the server picks the first the client offers).
pub const SUPPORTED_GROUPS: [u16; 3] = [X25519, SECP256R1, SECP384R1];
pub const X25519: u16 = 29;
pub const SECP256R1: u16 = 23;
pub const SECP384R1: u16 = 24;

pub const EXT_SUPPORTED_GROUPS: u16 = 10;
pub const EXT_EC_POINT_FORMATS: u16 = 11;
/// ECCurveType named_curve (RFC 8422 §5.4).
const NAMED_CURVE: u8 = 3;

fn algorithm(group: u16) -> Option<&'static agreement::Algorithm> {
    match group {
        X25519 => Some(&agreement::X25519),
        SECP256R1 => Some(&agreement::ECDH_P256),
        SECP384R1 => Some(&agreement::ECDH_P384),
        _ => None,
    }
}

/// Our half of an exchange: the secret is consumed by `agree`, so it is used once.
pub struct KeyShare {
    pub group: u16,
    secret: EphemeralPrivateKey,
    pub public: Vec<u8>,
}

impl KeyShare {
    pub fn generate(group: u16) -> Result<KeyShare, Fatal> {
        let alg = algorithm(group).ok_or(Fatal::internal("ECDHE group not implemented"))?;
        let secret = EphemeralPrivateKey::generate(alg, &SystemRandom::new())
            .map_err(|_| Fatal::internal("ECDHE key generation failed"))?;
        let public = secret
            .compute_public_key()
            .map_err(|_| Fatal::internal("ECDHE public key computation failed"))?
            .as_ref()
            .to_vec();
        Ok(KeyShare {
            group,
            secret,
            public,
        })
    }

    /// The premaster secret with the peer's point. ring rejects points not on the curve,
    /// wrong lengths and (X25519) all-zero results: all illegal_parameter.
    pub fn agree(self, peer: &[u8]) -> Result<Zeroizing<Vec<u8>>, Fatal> {
        let alg = algorithm(self.group).ok_or(Fatal::internal("ECDHE group not implemented"))?;
        agreement::agree_ephemeral(self.secret, &UnparsedPublicKey::new(alg, peer), |s| {
            Zeroizing::new(s.to_vec())
        })
        .map_err(|_| Fatal::illegal("peer ECDHE point invalid for the group"))
    }
}

/// ServerECDHParams: curve type, group, point. Returns (group, point).
pub fn parse_server_params<'a>(r: &mut Reader<'a>) -> Result<(u16, &'a [u8]), Fatal> {
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
    Ok((group, point))
}

pub fn encode_server_params(group: u16, point: &[u8]) -> Result<Vec<u8>, TooLong> {
    let mut out = vec![NAMED_CURVE];
    put_u16(&mut out, group);
    with_len(&mut out, 1, |b| b.extend_from_slice(point))?;
    Ok(out)
}

/// ClientECDiffieHellmanPublic: the client's point, `opaque point<1..2^8-1>` (RFC 8422
/// §5.7). A missing point (empty body), an empty one, a length running past the message or
/// bytes after it are structure errors: decode_error. Whether the point is on the curve is
/// `KeyShare::agree`'s question (illegal_parameter).
pub fn parse_client_share(body: &[u8]) -> Result<&[u8], Fatal> {
    let mut r = Reader::new(body);
    let point = r.vec_u8().or_decode()?;
    r.finish()?;
    if point.is_empty() {
        return Err(Fatal::decode("ClientKeyExchange ECDH point empty"));
    }
    Ok(point)
}

pub fn supported_groups_body() -> Result<Vec<u8>, TooLong> {
    let mut out = Vec::new();
    with_len(&mut out, 2, |b| {
        SUPPORTED_GROUPS.iter().for_each(|g| put_u16(b, *g))
    })?;
    Ok(out)
}

/// ec_point_formats: uncompressed only.
pub fn point_formats_body() -> Vec<u8> {
    vec![1, 0]
}

/// Parses a u16 list extension body (supported_groups, signature_algorithms).
pub fn parse_u16_list(body: &[u8]) -> Result<Vec<u16>, Fatal> {
    let mut r = Reader::new(body);
    let list = r.vec_u16().or_decode()?;
    r.finish()?;
    if list.is_empty() || list.len() % 2 != 0 {
        return Err(Fatal::decode("u16 list extension empty or of odd length"));
    }
    Ok(list
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_agrees_with_itself() {
        for g in SUPPORTED_GROUPS {
            let a = KeyShare::generate(g).unwrap();
            let b = KeyShare::generate(g).unwrap();
            let (pa, pb) = (a.public.clone(), b.public.clone());
            assert_eq!(*a.agree(&pb).unwrap(), *b.agree(&pa).unwrap());
        }
    }

    #[test]
    fn bad_points_are_illegal_parameter() {
        let a = KeyShare::generate(SECP256R1).unwrap();
        let mut bad = KeyShare::generate(SECP256R1).unwrap().public;
        bad[10] ^= 1;
        assert_eq!(a.agree(&bad).err(), Some(Fatal::illegal("bad point")));
        let x = KeyShare::generate(X25519).unwrap();
        assert_eq!(x.agree(&[0u8; 31]).err(), Some(Fatal::illegal("bad point")));
        let x = KeyShare::generate(X25519).unwrap();
        assert_eq!(x.agree(&[0u8; 32]).err(), Some(Fatal::illegal("bad point")));
    }

    #[test]
    fn missing_or_malformed_client_points_are_decode_errors() {
        for body in [&[][..], &[0], &[5, 1, 2], &[1, 4, 0]] {
            assert_eq!(
                parse_client_share(body).err(),
                Some(Fatal::decode("malformed point")),
                "{body:?}"
            );
        }
        assert_eq!(parse_client_share(&[2, 4, 9]), Ok(&[4u8, 9][..]));
    }

    #[test]
    fn params_round_trip() {
        let p = encode_server_params(X25519, &[1, 2, 3]).unwrap();
        let mut r = Reader::new(&p);
        assert_eq!(
            parse_server_params(&mut r).unwrap(),
            (X25519, &[1u8, 2, 3][..])
        );
    }
}
