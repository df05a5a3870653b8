//! The client's reading of a ServerKeyExchange: the parameters framed first, the signature
//! over them checked next, and only then the parameters interpreted (so a forged message
//! costs no primality test).

use super::*;
use crate::msgs::ServerKeyExchangeParams;

/// Significant bits of a big-endian integer.
fn bit_length(be: &[u8]) -> usize {
    match be.iter().position(|&b| b != 0) {
        Some(i) => (be.len() - i) * 8 - be[i].leading_zeros() as usize,
        None => 0,
    }
}

/// Smallest finite-field DH prime a client accepts.
const MIN_DH_BITS: usize = crate::crypto::dh::DEFAULT_MIN_PEER_BITS;

/// Checks the group of the (signature-checked) parameters: a curve we implement, or a
/// finite field of acceptable size with a prime modulus (the server's public value is
/// checked when the premaster is computed).
pub(super) fn validate_server_params(
    params: &ServerKeyExchangeParams<'_>,
) -> Result<PeerExchange, Fatal> {
    match *params {
        ServerKeyExchangeParams::Ecdhe { group, point } => {
            if !ecdhe::SUPPORTED_GROUPS.contains(&group) {
                return Err(Fatal::illegal("ServerKeyExchange ECDHE group not offered"));
            }
            Ok(PeerExchange::Ecdhe {
                group,
                point: point.to_vec(),
            })
        }
        ServerKeyExchangeParams::Dhe { p, g, ys } => {
            let group =
                crate::crypto::dh::validate_peer_group(p, g, MIN_DH_BITS).map_err(|_| {
                    if bit_length(p) < MIN_DH_BITS {
                        Fatal::new(
                            AlertDescription::INSUFFICIENT_SECURITY,
                            "server DH prime smaller than the minimum",
                        )
                    } else {
                        Fatal::illegal("server DH group invalid")
                    }
                })?;
            Ok(PeerExchange::Dhe {
                group,
                public: ys.to_vec(),
            })
        }
        ServerKeyExchangeParams::None => Ok(PeerExchange::PskOnly),
    }
}

/// Verifies the signature of a ServerKeyExchange (RFC 5246 §7.4.3: over both randoms and
/// the parameters as they were on the wire, which re-encoding the strictly read
/// parameters gives back byte for byte).
pub(super) fn verify_server_params(
    p: &Params,
    kx: KeyExchange,
    leaf_key: &PublicKey,
    ske: &ServerKeyExchange<'_>,
) -> Result<(), Fatal> {
    let Some(signed_by_server) = &ske.signature else {
        return Err(Fatal::internal(
            "ServerKeyExchange of a signing key exchange read without a signature",
        ));
    };
    let key_params = ske.params.to_bytes()?;
    let mut signed = Vec::with_capacity(64 + key_params.len());
    signed.extend_from_slice(&p.client_random);
    signed.extend_from_slice(&p.server_random);
    signed.extend_from_slice(&key_params);
    let sig = signed_by_server.signature;
    let verified = match signed_by_server.scheme {
        Some(scheme) => {
            // A scheme we did not advertise is illegal; the DSA ones were advertised
            // whenever a DHE_DSS suite could be chosen.
            let advertised = msgs::SUPPORTED_SIGNATURE_SCHEMES.contains(&scheme)
                || (kx == KeyExchange::DheDss && sign::DSA_SCHEMES.contains(&scheme.0));
            if !advertised {
                return Err(Fatal::illegal(
                    "ServerKeyExchange signature scheme not advertised",
                ));
            }
            sign::verify_tls12(leaf_key, scheme.0, &signed, sig)
        }
        None => sign::verify_legacy(leaf_key, &signed, sig),
    };
    verified.map_err(|_| Fatal::decrypt("ServerKeyExchange signature does not verify"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn bit_length_counts_significant_bits() {
        assert_eq!(super::bit_length(&[0, 0x7f, 0xff]), 15);
        assert_eq!(super::bit_length(&[0x80; 128]), 1024);
        assert_eq!(super::bit_length(&[0x7f; 128]), 1023);
        assert_eq!(super::bit_length(&[0, 0]), 0);
    }
}
