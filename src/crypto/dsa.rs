//! DSA signature verification (FIPS 186-4 §4.7), for servers whose certificates carry DSA
//! keys (the DHE_DSS suites, feature `dss-suites`).
//!
//! Only the public operation exists: no crate signs DSA in constant time, so this library
//! never holds a DSA private key. Every value here is public (domain parameters, public key,
//! signature, message digest), so the arithmetic is crypto-bigint's variable-time API.
//!
//! The domain parameters are checked when the key is built: q of 160, 224 or 256 bits
//! dividing p − 1, p of at least [`dh::DEFAULT_MIN_PEER_BITS`] (the DHE client minimum) and at
//! most [`dh::MAX_DH_BITS`], g of order q, 1 < y < p. Primality of p and q is not tested:
//! the key is vouched for by the certificate chain, and a composite modulus only makes
//! verification fail.

// Errors are a bare `()`: every failure (bad parameters, bad signature) means one thing to
// the caller, an unusable key or a failed verification.
#![allow(clippy::result_unit_err)]

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd};

use super::dh;

/// Bit lengths of q that FIPS 186-4 §4.2 allows (N = 160, 224, 256).
const Q_BITS: [u32; 3] = [160, 224, 256];

/// A validated DSA public key with its domain parameters.
#[derive(Clone)]
pub struct DsaPublicKey {
    p: BoxedMontyParams,
    q: Odd<BoxedUint>,
    g: BoxedUint,
    y: BoxedUint,
    q_bits: u32,
}

impl std::fmt::Debug for DsaPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DsaPublicKey")
            .field("p_bits", &self.p_bits())
            .field("q_bits", &self.q_bits)
            .finish()
    }
}

fn trim(be: &[u8]) -> &[u8] {
    let zeros = be.iter().take_while(|&&b| b == 0).count();
    be.get(zeros..).unwrap_or(&[])
}

fn bit_len(be: &[u8]) -> usize {
    match be.first() {
        Some(&top) => be.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

/// `be` (leading zeros allowed) as an integer of `precision` bits, if it fits.
fn uint(be: &[u8], precision: u32) -> Result<BoxedUint, ()> {
    BoxedUint::from_be_slice(trim(be), precision).map_err(|_| ())
}

impl DsaPublicKey {
    /// A key from big-endian p, q, g and y (leading zeros allowed); `Err` unless the
    /// parameters pass the checks in the module documentation.
    pub fn from_components(p: &[u8], q: &[u8], g: &[u8], y: &[u8]) -> Result<Self, ()> {
        let p_bits = bit_len(trim(p));
        let q_bits = u32::try_from(bit_len(trim(q))).map_err(|_| ())?;
        if !(dh::DEFAULT_MIN_PEER_BITS..=dh::MAX_DH_BITS).contains(&p_bits)
            || !Q_BITS.contains(&q_bits)
        {
            return Err(());
        }
        // p_bits ≤ MAX_DH_BITS, so it fits u32.
        let p_uint = uint(p, p_bits as u32)?;
        let p_odd: Odd<BoxedUint> = Option::from(p_uint.to_odd()).ok_or(())?;
        let params = BoxedMontyParams::new_vartime(p_odd);
        let precision = params.bits_precision();
        let p_uint = params.modulus().as_ref().clone();
        let q_uint = uint(q, q_bits)?;
        let q_odd: Odd<BoxedUint> = Option::from(q_uint.to_odd()).ok_or(())?;
        let q_nz = q_odd.to_nz().into_option().ok_or(())?;
        // q | p − 1.
        let one = BoxedUint::one_with_precision(precision);
        let p_minus_1 = p_uint.wrapping_sub(&one);
        if !bool::from(p_minus_1.rem_vartime(&q_nz).is_zero()) {
            return Err(());
        }
        let g_uint = uint(g, precision)?;
        let y_uint = uint(y, precision)?;
        for v in [&g_uint, &y_uint] {
            if *v <= one || *v >= p_uint {
                return Err(());
            }
        }
        // g ≠ 1 with g^q = 1 (mod p): g generates the subgroup of prime order q.
        let g_q = BoxedMontyForm::new(g_uint.clone(), &params).pow(q_odd.as_ref());
        if g_q.retrieve() != one {
            return Err(());
        }
        Ok(DsaPublicKey {
            p: params,
            q: q_odd,
            g: g_uint,
            y: y_uint,
            q_bits,
        })
    }

    /// Bits of the prime p.
    pub fn p_bits(&self) -> u32 {
        self.p.modulus().as_ref().bit_width_vartime()
    }

    /// Bytes of p: the key size shown for certificates.
    pub fn p_len(&self) -> usize {
        self.p_bits().div_ceil(8) as usize
    }

    /// Verifies (r, s) (big-endian, leading zeros allowed) over a message digest. The
    /// digest's leftmost min(N, digest length) bits are used (FIPS 186-4 §4.6: a SHA-1
    /// digest with a 256-bit q is used whole, a SHA-256 one with a 160-bit q truncated).
    pub fn verify_digest(&self, digest: &[u8], r: &[u8], s: &[u8]) -> Result<(), ()> {
        let q = self.q.as_ref();
        let q_nz = self.q.to_nz().into_option().ok_or(())?;
        let q_prec = q.bits_precision();
        let r = uint(r, q_prec)?;
        let s = uint(s, q_prec)?;
        for v in [&r, &s] {
            if bool::from(v.is_zero()) || v >= q {
                return Err(());
            }
        }
        // N is a multiple of 8 for every allowed q, so truncation is by whole bytes.
        let take = digest.len().min(self.q_bits as usize / 8);
        let z = uint(digest.get(..take).ok_or(())?, q_prec)?.rem_vartime(&q_nz);
        let w = s.invert_odd_mod_vartime(&self.q).into_option().ok_or(())?;
        let u1 = z.mul_mod(&w, &q_nz);
        let u2 = r.mul_mod(&w, &q_nz);
        let g = BoxedMontyForm::new(self.g.clone(), &self.p).pow(&u1);
        let y = BoxedMontyForm::new(self.y.clone(), &self.p).pow(&u2);
        let v = g.mul(&y).retrieve().rem_vartime(&q_nz);
        if v == r { Ok(()) } else { Err(()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Keys made by OpenSSL (valid and tampered parameters, signatures) are tested in
    // `pki::dsa`; these are the shape checks that need no real group.
    #[test]
    fn badly_shaped_parameters_are_refused() {
        let p1024 = [0xffu8; 128];
        let q160 = [0xffu8; 20];
        // p below the 1024-bit minimum.
        assert!(DsaPublicKey::from_components(&p1024[..64], &q160, &[2], &[3]).is_err());
        // q of 128 bits: not an allowed N.
        assert!(DsaPublicKey::from_components(&p1024, &q160[..16], &[2], &[3]).is_err());
        // q does not divide p − 1 (2^1024 − 2 is not a multiple of 2^160 − 1).
        assert!(DsaPublicKey::from_components(&p1024, &q160, &[2], &[3]).is_err());
        // Even p.
        let mut even = p1024;
        even[127] = 0xfe;
        assert!(DsaPublicKey::from_components(&even, &q160, &[2], &[3]).is_err());
    }
}
