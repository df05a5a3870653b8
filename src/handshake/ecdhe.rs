//! Ephemeral elliptic-curve Diffie-Hellman (RFC 8422) over ring's X25519, P-256 and P-384.

use ring::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey};
use zeroize::Zeroizing;

use crate::codec::{Codec, TooLong};
use crate::crypto::rng;
use crate::error::Fatal;
use crate::msgs::{EcPointFormats, SupportedGroups};

/// Named groups in our preference order (the server picks the first the client offers).
pub const SUPPORTED_GROUPS: [u16; 3] = [X25519, SECP256R1, SECP384R1];
pub const X25519: u16 = 29;
pub const SECP256R1: u16 = 23;
pub const SECP384R1: u16 = 24;

fn algorithm(group: u16) -> Option<&'static agreement::Algorithm> {
    match group {
        X25519 => Some(&agreement::X25519),
        SECP256R1 => Some(&agreement::ECDH_P256),
        SECP384R1 => Some(&agreement::ECDH_P384),
        _ => None,
    }
}

/// The private key's size in bytes: what ring draws from the generator per attempt.
fn private_key_len(group: u16) -> usize {
    if group == SECP384R1 { 48 } else { 32 }
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
        let secret = rng::with_key_source(private_key_len(group), |r| {
            EphemeralPrivateKey::generate(alg, r)
        })
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

pub fn supported_groups_body() -> Result<Vec<u8>, TooLong> {
    SupportedGroups(SUPPORTED_GROUPS.to_vec()).to_bytes()
}

/// ec_point_formats: uncompressed only.
pub fn point_formats_body() -> Result<Vec<u8>, TooLong> {
    EcPointFormats(&[EcPointFormats::UNCOMPRESSED]).to_bytes()
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
}
