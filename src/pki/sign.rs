//! PLACEHOLDER until the ECDSA/TLS-signature work lands (the EC engineer replaces this file).
use super::{PrivateKey, PublicKey};
pub fn sign_tls12(_k: &PrivateKey, _p: &[u16], _m: &[u8]) -> Result<(u16, Vec<u8>), ()> { Err(()) }
pub fn sign_legacy(_k: &PrivateKey, _m: &[u8]) -> Result<Vec<u8>, ()> { Err(()) }
pub fn verify_tls12(_k: &PublicKey, _s: u16, _m: &[u8], _sig: &[u8]) -> Result<(), ()> { Err(()) }
pub fn verify_legacy(_k: &PublicKey, _m: &[u8], _sig: &[u8]) -> Result<(), ()> { Err(()) }
pub fn supported_schemes_for(_k: &PrivateKey) -> Vec<u16> { vec![] }
pub fn can_sign_legacy(_k: &PrivateKey) -> bool { false }
