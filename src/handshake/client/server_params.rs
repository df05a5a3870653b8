//! The client's reading of a ServerKeyExchange: the parameters framed first, the signature
//! over them checked next, and only then the parameters interpreted (so a forged message
//! costs no primality test).

use super::*;

/// Significant bits of a big-endian integer.
fn bit_length(be: &[u8]) -> usize {
    match be.iter().position(|&b| b != 0) {
        Some(i) => (be.len() - i) * 8 - be[i].leading_zeros() as usize,
        None => 0,
    }
}

/// Smallest finite-field DH prime a client accepts.
const MIN_DH_BITS: usize = crate::crypto::dh::DEFAULT_MIN_PEER_BITS;

/// ServerKeyExchange parameters as framed on the wire, not yet interpreted.
pub(super) enum RawServerParams<'a> {
    Ecdhe {
        group: u16,
        point: &'a [u8],
    },
    Dhe {
        p: &'a [u8],
        g: &'a [u8],
        ys: &'a [u8],
    },
    /// PSK suites without a key exchange of their own.
    None,
}

impl<'a> RawServerParams<'a> {
    pub(super) fn parse(kx: KeyExchange, r: &mut Reader<'a>) -> Result<Self, Fatal> {
        if kx.is_ecdhe() {
            let (group, point) = ecdhe::parse_server_params(r)?;
            Ok(RawServerParams::Ecdhe { group, point })
        } else if kx.is_dhe() {
            let p = r.vec_u16().or_decode()?;
            let g = r.vec_u16().or_decode()?;
            let ys = r.vec_u16().or_decode()?;
            // ServerDHParams (RFC 5246 §7.4.3): each of dh_p, dh_g, dh_Ys is <1..2^16-1>;
            // an empty one is a structure error.
            if p.is_empty() || g.is_empty() || ys.is_empty() {
                return Err(Fatal::decode("ServerKeyExchange DH value of length zero"));
            }
            Ok(RawServerParams::Dhe { p, g, ys })
        } else {
            Ok(RawServerParams::None)
        }
    }

    /// Checks the group: a curve we implement, or a finite field of acceptable size with a
    /// prime modulus (the server's public value is checked when the premaster is computed).
    pub(super) fn validate(self) -> Result<PeerExchange, Fatal> {
        match self {
            RawServerParams::Ecdhe { group, point } => {
                if !ecdhe::SUPPORTED_GROUPS.contains(&group) {
                    return Err(Fatal::illegal("ServerKeyExchange ECDHE group not offered"));
                }
                Ok(PeerExchange::Ecdhe {
                    group,
                    point: point.to_vec(),
                })
            }
            RawServerParams::Dhe { p, g, ys } => {
                let group =
                    crate::crypto::dh::validate_peer_group(p, g, MIN_DH_BITS).map_err(|_| {
                        if bit_length(p) < MIN_DH_BITS {
                            Fatal::new(
                                alert::INSUFFICIENT_SECURITY,
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
            RawServerParams::None => Ok(PeerExchange::PskOnly),
        }
    }
}

/// Verifies the signature that follows the parameters in `r` (RFC 5246 §7.4.3: over both
/// randoms and the parameters); the message must end with it.
pub(super) fn verify_server_params(
    p: &Params,
    kx: KeyExchange,
    leaf_key: &PublicKey,
    key_params: &[u8],
    r: &mut Reader<'_>,
) -> Result<(), Fatal> {
    let mut signed = Vec::with_capacity(64 + key_params.len());
    signed.extend_from_slice(&p.client_random);
    signed.extend_from_slice(&p.server_random);
    signed.extend_from_slice(key_params);
    let verified = if p.ks.version >= TLS1_2 {
        let scheme = r.u16().or_decode()?;
        let sig = r.vec_u16().or_decode()?;
        r.finish()?;
        // A scheme we did not advertise is illegal; the DSA ones were advertised whenever a
        // DHE_DSS suite could be chosen.
        let advertised = msgs::SUPPORTED_SIGNATURE_SCHEMES.contains(&scheme)
            || (kx == KeyExchange::DheDss && sign::DSA_SCHEMES.contains(&scheme));
        if !advertised {
            return Err(Fatal::illegal(
                "ServerKeyExchange signature scheme not advertised",
            ));
        }
        sign::verify_tls12(leaf_key, scheme, &signed, sig)
    } else {
        let sig = r.vec_u16().or_decode()?;
        r.finish()?;
        sign::verify_legacy(leaf_key, &signed, sig)
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
