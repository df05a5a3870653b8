//! RSA for what ring cannot do: PKCS#1 v1.5 decryption of the premaster secret (RSA key
//! exchange), raw PKCS#1 v1.5 signatures (MD5‖SHA-1 for TLS 1.0/1.1, any key size), PKCS#1
//! v1.5 encryption (client side) and raw public operations.
//!
//! Private operations run on aws-lc's raw transform (`fast`, with the default `fast-rsa`
//! feature) when it takes the key; the PKCS#1 padding and checks stay the (branch-free) code
//! below. Otherwise, and for all public operations,
//! crypto-bigint: `BoxedMontyForm::pow` is constant-time in the base and the
//! exponent. That private operation uses CRT with Montgomery parameters computed once per key,
//! blinds the base with a random `r^e` (refreshed as OpenSSL does, see
//! `RsaPrivateKey::blinding`), and re-encrypts the result to detect faults (a faulty CRT half
//! would otherwise reveal a factor of n).

// Errors are deliberately a bare `()`: like ring's `Unspecified`, no detail that could turn
// into an oracle, and callers map every failure to one alert.
#![allow(clippy::result_unit_err)]

// The aws-lc backend is the default-on `fast-rsa` feature; without it (the small build)
// crypto-bigint does every private operation.
mod der;
#[cfg(feature = "fast-rsa")]
mod fast;

use super::rng;
#[cfg(feature = "fast-rsa")]
use crate::c_imports::rsa_transform::RawRsaKey;
use crate::error::{PS_FAILURE, PS_LIMIT_FAIL};
use core::hint::black_box;
use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{
    BoxedUint, Choice, ConcatenatingMul, CtEq, CtLt, CtSelect, NonZero, Odd, Resize,
};
use ring::hmac;
use std::sync::Mutex;
use zeroize::{Zeroize, Zeroizing};

/// Smallest modulus accepted, in bits (MatrixSSL accepts 512-bit keys).
const MIN_MODULUS_BITS: u32 = 512;
/// Smallest modulus a peer's certificate key may have (security issue item 7): keys under
/// 1024 bits are factorable with public tools, so they are parsed (3.3 loads 512-bit
/// identities) but never used to authenticate a peer or to encrypt a premaster to it.
pub const MIN_PEER_MODULUS_BITS: u32 = 1024;
/// Largest modulus accepted, in bits: bounds the work an attacker-supplied key can cause.
const MAX_MODULUS_BITS: u32 = 16384;
/// Length of the TLS premaster secret.
const PREMASTER_LEN: usize = 48;
/// PKCS#1 v1.5 needs at least 8 padding bytes plus three framing bytes.
const PKCS1_OVERHEAD: usize = 11;

/// Strips leading zero bytes (DER integers carry one when the top bit is set).
fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Bit length of a big-endian value with no leading zero byte (0 for empty; saturates at
/// `u32::MAX` for absurd lengths, which every caller then rejects).
fn bit_len(trimmed: &[u8]) -> u32 {
    match trimmed.first() {
        None => 0,
        Some(&top) => {
            let bytes = u64::try_from(trimmed.len()).unwrap_or(u64::MAX);
            let bits = (bytes - 1).saturating_mul(8) + u64::from(8 - top.leading_zeros());
            u32::try_from(bits).unwrap_or(u32::MAX)
        }
    }
}

/// Parses a big-endian unsigned integer at `bits` of precision; `Err` if it does not fit.
fn parse(bytes: &[u8], bits: u32) -> Result<BoxedUint, ()> {
    let t = trim(bytes);
    if bit_len(t) > bits {
        return Err(());
    }
    BoxedUint::from_be_slice(t, bits).map_err(|_| ())
}

fn wipe(x: &mut BoxedUint) {
    x.as_mut_words().zeroize();
}

/// A temporary secret integer wiped when dropped (crypto-bigint implements `Zeroize` only
/// behind a feature this crate does not enable; the limbs are wiped directly instead).
struct Secret(BoxedUint);

impl Drop for Secret {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl core::ops::Deref for Secret {
    type Target = BoxedUint;
    fn deref(&self) -> &BoxedUint {
        &self.0
    }
}

/// The low `len` bytes of `x`, big-endian (x < 256^len by construction).
fn to_be_len(x: &BoxedUint, len: usize) -> Zeroizing<Vec<u8>> {
    let mut full = x.to_be_bytes();
    let mut out = Zeroizing::new(vec![0u8; len]);
    let n = full.len().min(len);
    out[len - n..].copy_from_slice(&full[full.len() - n..]);
    full.zeroize();
    out
}

// ---------------------------------------------------------------------------------------
// Public key.

/// An RSA public key (n, e) with its Montgomery parameters.
#[derive(Clone)]
pub struct RsaPublicKey {
    n_params: BoxedMontyParams,
    e: BoxedUint,
    e_bits: u32,
    /// Modulus length in bytes.
    k: usize,
}

impl core::fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "RsaPublicKey({} bits)", self.n().bit_width_vartime())
    }
}

impl PartialEq for RsaPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.modulus_be() == other.modulus_be() && self.exponent_be() == other.exponent_be()
    }
}

impl Eq for RsaPublicKey {}

impl RsaPublicKey {
    /// Big-endian modulus and exponent (leading zeros allowed). Rejects an even modulus, one
    /// under 512 or over 16384 bits, and an exponent that is even, 1, or not below n.
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<Self, ()> {
        let n = trim(n);
        let n_bits = bit_len(n);
        if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&n_bits)
            || n.last().is_none_or(|b| b & 1 == 0)
        {
            return Err(());
        }
        let e = trim(e);
        let e_bits = bit_len(e);
        if e_bits < 2 || e_bits > n_bits || e.last().is_none_or(|b| b & 1 == 0) {
            return Err(());
        }
        let n_uint = parse(n, n_bits)?;
        let e_uint = parse(e, e_bits)?;
        if e_bits == n_bits && (&e_uint).resize_unchecked(n_uint.bits_precision()) >= n_uint {
            return Err(());
        }
        let n_odd: Odd<BoxedUint> = Option::from(n_uint.to_odd()).ok_or(())?;
        Ok(RsaPublicKey {
            // The modulus is public: the variable-time setup is fine and faster.
            n_params: BoxedMontyParams::new_vartime(n_odd),
            e: e_uint,
            e_bits,
            k: n.len(),
        })
    }

    fn n(&self) -> &BoxedUint {
        self.n_params.modulus().as_ref()
    }

    fn n_precision(&self) -> u32 {
        self.n_params.bits_precision()
    }

    /// Modulus length in bytes.
    pub fn modulus_len(&self) -> usize {
        self.k
    }

    /// Whether the modulus is long enough for a peer's key ([`MIN_PEER_MODULUS_BITS`]).
    pub fn is_strong_enough_for_peer(&self) -> bool {
        self.n().bit_width_vartime() >= MIN_PEER_MODULUS_BITS
    }

    /// Minimal big-endian modulus (for matching keys and certificates).
    pub fn modulus_be(&self) -> Vec<u8> {
        self.n().to_be_bytes_trimmed_vartime().into_vec()
    }

    /// Minimal big-endian public exponent.
    pub fn exponent_be(&self) -> Vec<u8> {
        self.e.to_be_bytes_trimmed_vartime().into_vec()
    }

    /// Parses a big-endian input of at most `k` bytes that must be below n.
    fn parse_input(&self, input: &[u8]) -> Result<BoxedUint, ()> {
        if input.len() > self.k {
            return Err(());
        }
        let x = BoxedUint::from_be_slice(input, self.n_precision()).map_err(|_| ())?;
        if x >= *self.n() {
            return Err(());
        }
        Ok(x)
    }

    /// x^e in Montgomery form, by left-to-right square-and-multiply. The sequence of
    /// operations depends only on the public e, and each multiplication is constant-time in
    /// its operands, so this is safe for a secret x (the fault check) and, for the usual
    /// e = 65537, about twice as fast as the windowed `pow` (whose table costs more than the
    /// 17-bit exponent itself).
    fn pow_e(&self, x: &BoxedMontyForm) -> BoxedMontyForm {
        let mut acc = x.clone();
        for i in (0..self.e_bits - 1).rev() {
            acc = acc.square();
            if self.e.bit_vartime(i) {
                acc = acc.mul(x);
            }
        }
        acc
    }

    /// PKCS#1 v1.5 type 2 encryption: 00 02 nonzero-random-padding 00 msg, then m^e mod n.
    /// `msg` may be at most `modulus_len() - 11` bytes. Output is `modulus_len()` bytes.
    pub fn encrypt_pkcs1(&self, msg: &[u8]) -> Result<Vec<u8>, ()> {
        let k = self.k;
        if msg.len() + PKCS1_OVERHEAD > k {
            return Err(());
        }
        let mut em = Zeroizing::new(vec![0u8; k]);
        em[1] = 2;
        let ps_end = k - msg.len() - 1;
        let ps = &mut em[2..ps_end];
        rng::fill(ps)?;
        for b in ps.iter_mut() {
            while *b == 0 {
                let [r] = rng::random_array::<1>()?;
                *b = r;
            }
        }
        em[k - msg.len()..].copy_from_slice(msg);
        let mut m = self.parse_input(&em)?;
        let c = self
            .pow_e(&BoxedMontyForm::new(m.clone(), &self.n_params))
            .retrieve();
        wipe(&mut m);
        Ok(to_be_len(&c, k).to_vec())
    }

    /// Raw public operation s^e mod n (signature recovery). `sig` may be at most
    /// `modulus_len()` bytes and must be below n; the output is `modulus_len()` bytes.
    pub fn public_op(&self, sig: &[u8]) -> Result<Vec<u8>, ()> {
        let s = self.parse_input(sig)?;
        let m = self
            .pow_e(&BoxedMontyForm::new(s, &self.n_params))
            .retrieve();
        Ok(to_be_len(&m, self.k).to_vec())
    }

    /// Whether `input` is an operand of the raw operations: at most `modulus_len()` bytes
    /// and, as a number, below n.
    pub fn accepts_input(&self, input: &[u8]) -> bool {
        self.parse_input(input).is_ok()
    }

    /// Signature recovery: s^e, then PKCS#1 v1.5 type 1 unpadding (`00 01 FF.. 00 M`, at
    /// least 8 `FF`), `M` exactly `want` bytes. Codes as 3.3's `psRsaDecryptPub`:
    /// `PS_FAILURE` for a bad block or a signature not below n, `PS_LIMIT_FAIL` when `M` has
    /// another length.
    pub fn recover_pkcs1(&self, sig: &[u8], want: usize) -> Result<Vec<u8>, i32> {
        let em = self.public_op(sig).map_err(|()| PS_FAILURE)?;
        unpad_type1(&em, want).map(<[u8]>::to_vec)
    }
}

/// PKCS#1 v1.5 type 1 unpadding (public data, so plain branches), see
/// [`RsaPublicKey::recover_pkcs1`].
fn unpad_type1(em: &[u8], want: usize) -> Result<&[u8], i32> {
    let [0, 1, rest @ ..] = em else {
        return Err(PS_FAILURE);
    };
    let ff = rest.iter().take_while(|&&b| b == 0xff).count();
    match rest.get(ff) {
        Some(0) if ff >= 8 => {}
        _ => return Err(PS_FAILURE),
    }
    let m = &rest[ff + 1..];
    if m.len() != want {
        return Err(PS_LIMIT_FAIL);
    }
    Ok(m)
}

/// PKCS#1 v1.5 type 2 unpadding in the shape 3.3 requires: `00 02 PS 00 M` with `M` exactly
/// `want` bytes and PS at least 8 non-zero bytes. Checked without data-dependent branches or
/// early exits; every failure is the same `None`.
fn unpad_type2(em: &[u8], want: usize) -> Option<&[u8]> {
    let k = em.len();
    let sep = k.checked_sub(want + 1)?;
    if sep < 10 {
        return None;
    }
    let mut bad = u32::from(em[0]) | (u32::from(em[1]) ^ 2) | u32::from(em[sep]);
    for &b in &em[2..sep] {
        // 1 when b == 0.
        bad |= (u32::from(b).wrapping_sub(1) >> 8) & 1;
    }
    (bad == 0).then(|| &em[sep + 1..])
}

// ---------------------------------------------------------------------------------------
// Private key.

/// An RSA private key in CRT form. Secret integers are wiped on drop; the Montgomery
/// parameters of p and q live in crypto-bigint's shared (`Arc`) parameter objects, which
/// offer no way to wipe them.
pub struct RsaPrivateKey {
    public: RsaPublicKey,
    p_params: BoxedMontyParams,
    q_params: BoxedMontyParams,
    /// d mod (p-1), at p's precision (so the exponentiation time does not depend on its
    /// actual bit length).
    dp: BoxedUint,
    /// d mod (q-1), at q's precision.
    dq: BoxedUint,
    /// q^-1 mod p, in Montgomery form mod p.
    qinv: BoxedMontyForm,
    /// Precision for the CRT recombination arithmetic (max of p and q).
    pq_precision: u32,
    /// Key for the deterministic fallback premaster if the system RNG ever fails.
    rejection_key: hmac::Key,
    /// Cached blinding pair, see [`RsaPrivateKey::blinding`].
    blinding: Mutex<Option<Blinding>>,
    /// aws-lc copy of the key for the raw private operation, when aws-lc takes the key.
    #[cfg(feature = "fast-rsa")]
    raw: Option<RawRsaKey>,
    /// ring's copy for the signatures ring makes (PKCS#1 v1.5 and PSS with SHA-256/384/512,
    /// 2048 to 4096 bits): the design's signing library, and a little faster than aws-lc's
    /// transform with our padding (no blinding round: ring's exponentiation is constant-time
    /// without it). `None` for keys ring refuses; they sign on the paths below.
    signer: Option<ring::signature::RsaKeyPair>,
}

/// A blinding pair (r^e, r^-1) mod n in Montgomery form, and how often it was used.
struct Blinding {
    r_e: BoxedMontyForm,
    r_inv: BoxedMontyForm,
    uses: u32,
}

impl Blinding {
    fn wipe(&mut self) {
        wipe(self.r_e.as_montgomery_mut());
        wipe(self.r_inv.as_montgomery_mut());
    }
}

/// Uses of one random blinding value (squared after each use) before a fresh one is drawn.
const BLINDING_REUSE: u32 = 32;

impl core::fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "RsaPrivateKey({} bits, redacted)",
            self.public.n().bit_width_vartime()
        )
    }
}

impl Drop for RsaPrivateKey {
    fn drop(&mut self) {
        wipe(&mut self.dp);
        wipe(&mut self.dq);
        wipe(self.qinv.as_montgomery_mut());
        if let Ok(Some(b)) = self.blinding.get_mut() {
            b.wipe();
        }
    }
}

/// The result of a private operation: value and "no fault detected".
struct PrivateResult {
    m: BoxedUint,
    ok: Choice,
}

impl Drop for PrivateResult {
    fn drop(&mut self) {
        wipe(&mut self.m);
    }
}

/// The CRT half of a private key, checked against the public half.
struct CrtParts {
    p_params: BoxedMontyParams,
    q_params: BoxedMontyParams,
    dp: BoxedUint,
    dq: BoxedUint,
    qinv: BoxedMontyForm,
    pq_precision: u32,
}

impl CrtParts {
    /// Parses and validates the CRT components: p·q = n, dp = d mod (p-1),
    /// dq = d mod (q-1), each exponent and the coefficient below its prime, q·qinv ≡ 1
    /// (mod p). The comparisons are constant-time and combined, so a bad key fails without
    /// saying (through timing) which check failed.
    #[allow(clippy::too_many_arguments)]
    fn validate(
        public: &RsaPublicKey,
        d: &[u8],
        p: &[u8],
        q: &[u8],
        dp: &[u8],
        dq: &[u8],
        qinv: &[u8],
    ) -> Result<Self, ()> {
        let n_prec = public.n_precision();
        let p_bits = bit_len(trim(p));
        let q_bits = bit_len(trim(q));
        if p_bits < 2 || q_bits < 2 || p_bits + q_bits > n_prec + 1 {
            return Err(());
        }
        let p = Secret(parse(p, p_bits)?);
        let q = Secret(parse(q, q_bits)?);
        let p_odd: Odd<BoxedUint> = Option::from(p.to_odd()).ok_or(())?;
        let q_odd: Odd<BoxedUint> = Option::from(q.to_odd()).ok_or(())?;
        let p_params = BoxedMontyParams::new(p_odd);
        let q_params = BoxedMontyParams::new(q_odd);
        let p_prec = p_params.bits_precision();
        let q_prec = q_params.bits_precision();
        let pq_precision = p_prec.max(q_prec);

        // p·q = n.
        let mut pq = p.concatenating_mul(&*q);
        let wide = pq.bits_precision().max(n_prec);
        let pq_ok = (&pq)
            .resize_unchecked(wide)
            .ct_eq(&public.n().resize_unchecked(wide));
        wipe(&mut pq);

        // CRT exponents and coefficient, each below its prime.
        let mut dp = parse(dp, p_prec)?;
        let mut dq = parse(dq, q_prec)?;
        let mut qinv_int = parse(qinv, p_prec)?;
        let mut ok = pq_ok & dp.ct_lt(&p) & dq.ct_lt(&q) & qinv_int.ct_lt(&p);

        // dp, dq consistent with d.
        let d = Secret(parse(d, n_prec)?);
        for (dx, prime) in [(&dp, &*p), (&dq, &*q)] {
            let pm1: Option<NonZero<BoxedUint>> =
                prime.wrapping_sub(BoxedUint::one()).to_nz().into();
            let Some(pm1) = pm1 else { return Err(()) };
            let mut r = d.rem(&pm1);
            ok &= r.ct_eq(dx);
            wipe(&mut r);
        }
        drop(d);

        // q · qinv ≡ 1 (mod p).
        let q_mod_p = (&*q)
            .resize_unchecked(pq_precision)
            .rem(p_params.modulus().as_nz_ref());
        let qinv = BoxedMontyForm::new(qinv_int.clone(), &p_params);
        wipe(&mut qinv_int);
        let one = BoxedMontyForm::new(q_mod_p, &p_params).mul(&qinv);
        ok &= one.retrieve().ct_eq(&BoxedUint::one_with_precision(p_prec));

        if !ok.to_bool() {
            wipe(&mut dp);
            wipe(&mut dq);
            return Err(());
        }
        Ok(CrtParts {
            p_params,
            q_params,
            dp,
            dq,
            qinv,
            pq_precision,
        })
    }
}

impl RsaPrivateKey {
    /// Builds a key from its PKCS#1 components (big-endian, leading zeros allowed) and
    /// validates them ([`CrtParts::validate`]); a test private operation must round-trip
    /// through e ([`RsaPrivateKey::self_test`]).
    #[allow(clippy::too_many_arguments)]
    pub fn from_components(
        n: &[u8],
        e: &[u8],
        d: &[u8],
        p: &[u8],
        q: &[u8],
        dp: &[u8],
        dq: &[u8],
        qinv: &[u8],
    ) -> Result<Self, ()> {
        let public = RsaPublicKey::from_components(n, e)?;
        let crt = CrtParts::validate(&public, d, p, q, dp, dq, qinv)?;
        let mut rejection_secret = Zeroizing::new([0u8; 32]);
        rng::fill(&mut rejection_secret[..])?;
        let der = der::rsa_private_key(&der::Components {
            n,
            e,
            d,
            p,
            q,
            dp,
            dq,
            qinv,
        });
        #[cfg(feature = "fast-rsa")]
        let raw = fast::raw_key(&der, public.k);
        let signer = ring::signature::RsaKeyPair::from_der(&der)
            .ok()
            .filter(|s| s.public().modulus_len() == public.k);
        let key = RsaPrivateKey {
            public,
            p_params: crt.p_params,
            q_params: crt.q_params,
            dp: crt.dp,
            dq: crt.dq,
            qinv: crt.qinv,
            pq_precision: crt.pq_precision,
            rejection_key: hmac::Key::new(hmac::HMAC_SHA256, &rejection_secret[..]),
            blinding: Mutex::new(None),
            #[cfg(feature = "fast-rsa")]
            raw,
            signer,
        };
        key.self_test()?;
        Ok(key)
    }

    /// e and the CRT exponents must agree (the fault check re-encrypts), and aws-lc, when
    /// used, must compute the same value.
    fn self_test(&self) -> Result<(), ()> {
        let probe = BoxedUint::from_be_slice(&[2], self.public.n_precision()).map_err(|_| ())?;
        let own = self.private_raw(&probe)?;
        if !own.ok.to_bool() {
            return Err(());
        }
        #[cfg(feature = "fast-rsa")]
        if let Some(raw) = &self.raw {
            let mut theirs = Zeroizing::new(vec![0u8; self.public.k]);
            let mut input = vec![0u8; self.public.k];
            input[self.public.k - 1] = 2;
            raw.private_transform(&input, &mut theirs)?;
            if *theirs != *to_be_len(&own.m, self.public.k) {
                return Err(());
            }
        }
        Ok(())
    }

    /// The matching public key.
    pub fn public_key(&self) -> RsaPublicKey {
        self.public.clone()
    }

    /// Modulus length in bytes.
    pub fn modulus_len(&self) -> usize {
        self.public.k
    }

    /// A blinding pair (r^e, r^-1) mod n, both in Montgomery form.
    ///
    /// A fresh pair costs a modular inversion (about a fifth of a private operation), so, as
    /// OpenSSL does, a pair is kept and squared after each use ((r^2)^e, (r^2)^-1 is again a
    /// valid pair), and replaced by a fresh random one every `BLINDING_REUSE` uses. When
    /// another thread holds the cache, a fresh pair is made instead of waiting.
    fn blinding(&self) -> Result<(BoxedMontyForm, BoxedMontyForm), ()> {
        let Ok(mut cache) = self.blinding.try_lock() else {
            return self.fresh_blinding();
        };
        let reuse = matches!(&*cache, Some(b) if b.uses < BLINDING_REUSE);
        if !reuse {
            if let Some(old) = cache.as_mut() {
                old.wipe();
            }
            let (r_e, r_inv) = self.fresh_blinding()?;
            *cache = Some(Blinding {
                r_e,
                r_inv,
                uses: 0,
            });
        }
        let Some(b) = cache.as_mut() else {
            return self.fresh_blinding();
        };
        let pair = (b.r_e.clone(), b.r_inv.clone());
        b.r_e = b.r_e.square();
        b.r_inv = b.r_inv.square();
        b.uses += 1;
        Ok(pair)
    }

    /// A new random blinding pair.
    fn fresh_blinding(&self) -> Result<(BoxedMontyForm, BoxedMontyForm), ()> {
        let pk = &self.public;
        // r of k-1 random bytes is below n (whose top byte is nonzero). It fails to be
        // invertible only if it shares a factor with n: retry, with negligible probability.
        let mut bytes = Zeroizing::new(vec![0u8; pk.k - 1]);
        for _ in 0..8 {
            rng::fill(&mut bytes)?;
            let r = BoxedMontyForm::new(
                BoxedUint::from_be_slice(&bytes, pk.n_precision()).map_err(|_| ())?,
                &pk.n_params,
            );
            let inv: Option<BoxedMontyForm> = r.invert().into();
            if let Some(inv) = inv {
                return Ok((pk.pow_e(&r), inv));
            }
        }
        Err(())
    }

    /// x^d mod n for x < n (at n's precision): blinded, CRT, fault-checked. Constant-time in
    /// x and the key; `Err` only if the system RNG fails.
    fn private_raw(&self, x: &BoxedUint) -> Result<PrivateResult, ()> {
        let pk = &self.public;
        let n_prec = pk.n_precision();
        let (r_e, r_inv) = self.blinding()?;

        // Blind: c = x · r^e.
        let c = BoxedMontyForm::new(x.clone(), &pk.n_params).mul(&r_e);
        let mut c_int = c.retrieve();

        // m1 = c^dp mod p, m2 = c^dq mod q.
        let p_nz = self.p_params.modulus().as_nz_ref();
        let q_nz = self.q_params.modulus().as_nz_ref();
        let m1 = BoxedMontyForm::new(c_int.rem(p_nz), &self.p_params).pow(&self.dp);
        let m2 = BoxedMontyForm::new(c_int.rem(q_nz), &self.q_params).pow(&self.dq);
        wipe(&mut c_int);
        let mut m2_int = m2.retrieve().resize_unchecked(self.pq_precision);

        // Garner: h = (m1 - m2) · qinv mod p; m = m2 + h · q.
        let m2_mod_p = BoxedMontyForm::new(m2_int.rem(p_nz), &self.p_params);
        let mut h = m1.sub(&m2_mod_p).mul(&self.qinv).retrieve();
        let mut hq = h.concatenating_mul(self.q_params.modulus().as_ref());
        wipe(&mut h);
        let mut m = (&m2_int)
            .resize_unchecked(n_prec)
            .wrapping_add((&hq).resize_unchecked(n_prec));
        wipe(&mut hq);
        wipe(&mut m2_int);

        // Fault check on the blinded values: m^e must give back c.
        let m_mont = BoxedMontyForm::new(m.clone(), &pk.n_params);
        wipe(&mut m);
        let ok = pk.pow_e(&m_mont).ct_eq(&c);

        // Unblind.
        let m = m_mont.mul(&r_inv).retrieve();
        Ok(PrivateResult { m, ok })
    }

    /// Raw private operation input^d mod n, `modulus_len()` bytes out. `input` may be at
    /// most `modulus_len()` bytes and must be below n. `Err` also if a fault is detected.
    pub fn private_op(&self, input: &[u8]) -> Result<Zeroizing<Vec<u8>>, ()> {
        let x = self.public.parse_input(input)?;
        #[cfg(feature = "fast-rsa")]
        if let Some(raw) = &self.raw {
            let k = self.public.k;
            let mut padded = Zeroizing::new(vec![0u8; k]);
            padded[k - input.len()..].copy_from_slice(input);
            let mut out = Zeroizing::new(vec![0u8; k]);
            raw.private_transform(&padded, &mut out)?;
            return Ok(out);
        }
        let r = self.private_raw(&x)?;
        if !r.ok.to_bool() {
            return Err(());
        }
        Ok(to_be_len(&r.m, self.public.k))
    }

    /// `message` signed by ring with `encoding` (PKCS#1 v1.5 or PSS with a SHA-2 hash);
    /// `None` when ring does not hold this key, so the caller pads and uses
    /// [`RsaPrivateKey::private_op`].
    pub fn sign_with_ring(
        &self,
        encoding: &'static dyn ring::signature::RsaEncoding,
        message: &[u8],
    ) -> Option<Result<Vec<u8>, ()>> {
        let signer = self.signer.as_ref()?;
        let mut signature = vec![0u8; signer.public().modulus_len()];
        // ring draws the PSS salt from the generator (PKCS#1 v1.5 draws nothing).
        Some(
            rng::with_signing_source(|r| signer.sign(encoding, r, message, &mut signature))
                .map(|()| signature)
                .map_err(|_| ()),
        )
    }

    /// PKCS#1 v1.5 decryption of a message of exactly `want` bytes (3.3's
    /// `psRsaDecryptPriv`): the private operation, then constant-time type 2 unpadding. One
    /// `Err` for every failure, so a caller cannot tell a padding oracle apart.
    pub fn decrypt_pkcs1(&self, ct: &[u8], want: usize) -> Result<Zeroizing<Vec<u8>>, ()> {
        let em = self.private_op(ct)?;
        unpad_type2(&em, want)
            .map(|m| Zeroizing::new(m.to_vec()))
            .ok_or(())
    }

    /// PKCS#1 v1.5 type 1 signature (00 01 FF.. 00 digest_info) over prepared bytes: a DER
    /// DigestInfo, or the bare 36-byte MD5‖SHA-1 hash of TLS 1.0/1.1.
    pub fn sign_pkcs1_raw(&self, digest_info: &[u8]) -> Result<Vec<u8>, ()> {
        let k = self.public.k;
        if digest_info.len() + PKCS1_OVERHEAD > k {
            return Err(());
        }
        let mut em = vec![0xffu8; k];
        em[0] = 0;
        em[1] = 1;
        em[k - digest_info.len() - 1] = 0;
        em[k - digest_info.len()..].copy_from_slice(digest_info);
        Ok(self.private_op(&em)?.to_vec())
    }

    /// RSA key exchange premaster decryption with the countermeasure of RFC 5246 §7.4.7.1:
    /// always returns 48 bytes, either the decrypted premaster (when the PKCS#1 v1.5 type 2
    /// block is well formed, carries exactly 48 bytes and begins with `client_version`), or
    /// 48 random bytes. Which one is chosen by masking, so neither the result nor the time
    /// taken tells a Bleichenbacher-style attacker whether the padding was valid.
    pub fn decrypt_premaster(&self, ciphertext: &[u8], client_version: u16) -> Zeroizing<[u8; 48]> {
        let k = self.public.k;
        // R first, so its cost is the same on every path.
        let mut fallback = Zeroizing::new([0u8; PREMASTER_LEN]);
        if rng::fill(&mut fallback[..]).is_err() {
            self.derived_fallback(ciphertext, &mut fallback);
        }

        // aws-lc's PKCS#1 decryption is not used: it reports bad padding as an error (and
        // records it in its error queue), a timing difference a Marvin-style attacker can
        // measure. Only the raw transform is taken from it; the checks below use masks.
        #[cfg(feature = "fast-rsa")]
        let on_aws_lc = self.raw.as_ref().map(|raw| {
            // Its only failures (length, not below n) are public, like the ones below.
            let mut em = Zeroizing::new(vec![0u8; k]);
            let ok = raw.private_transform(ciphertext, &mut em).is_ok();
            (em, Choice::from_u8_lsb(u8::from(ok)))
        });
        #[cfg(not(feature = "fast-rsa"))]
        let on_aws_lc = None;
        let (em, mut valid) = match on_aws_lc {
            Some(result) => result,
            None => {
                // A ciphertext of the wrong length or not below n is public information,
                // but is still run through the same path (as zero) so every input costs
                // the same.
                let x = if ciphertext.len() == k {
                    self.public.parse_input(ciphertext).ok()
                } else {
                    None
                };
                let valid = Choice::from_u8_lsb(u8::from(x.is_some()));
                let x =
                    x.unwrap_or_else(|| BoxedUint::zero_with_precision(self.public.n_precision()));
                let Ok(r) = self.private_raw(&x) else {
                    return fallback;
                };
                (to_be_len(&r.m, k), valid & r.ok)
            }
        };

        // 00 02 PS(nonzero, k-51 >= 8 bytes) 00 M(48), M starting with client_version.
        let msg_at = k - PREMASTER_LEN;
        valid &= Choice::from_u8_eq(em[0], 0) & Choice::from_u8_eq(em[1], 2);
        for &b in &em[2..msg_at - 1] {
            valid &= Choice::from_u8_nz(b);
        }
        valid &= Choice::from_u8_eq(em[msg_at - 1], 0);
        let [hi, lo] = client_version.to_be_bytes();
        valid &= Choice::from_u8_eq(em[msg_at], hi) & Choice::from_u8_eq(em[msg_at + 1], lo);

        let mut out = Zeroizing::new([0u8; PREMASTER_LEN]);
        for ((o, &m), &f) in out.iter_mut().zip(&em[msg_at..]).zip(fallback.iter()) {
            *o = f.ct_select(&m, valid);
        }
        black_box(&out);
        out
    }

    /// Unpredictable stand-in for R if the system RNG fails: HMAC under a per-key random
    /// secret (drawn when the key was loaded) of the ciphertext, so an attacker cannot
    /// predict it and learns nothing from it.
    fn derived_fallback(&self, ciphertext: &[u8], out: &mut [u8; PREMASTER_LEN]) {
        let mut block = [0u8; 64];
        for (i, half) in block.chunks_mut(32).enumerate() {
            let mut ctx = hmac::Context::with_key(&self.rejection_key);
            ctx.update(&[i as u8]);
            ctx.update(ciphertext);
            half.copy_from_slice(ctx.sign().as_ref());
        }
        out.copy_from_slice(&block[..PREMASTER_LEN]);
        block.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `00 <block_type> <padding> 00 <msg>` in a 64-byte block.
    fn block(block_type: u8, pad: u8, msg: &[u8]) -> Vec<u8> {
        let mut em = vec![pad; 64];
        em[0] = 0;
        em[1] = block_type;
        em[63 - msg.len()] = 0;
        em[64 - msg.len()..].copy_from_slice(msg);
        em
    }

    #[test]
    fn unpad_type2_needs_the_exact_shape_and_length() {
        let em = block(2, 0x5a, b"sixteen byte msg");
        assert_eq!(unpad_type2(&em, 16), Some(&b"sixteen byte msg"[..]));
        // Another length than the caller expects, another block type, a nonzero first
        // byte, a zero inside the padding: all the same failure.
        assert_eq!(unpad_type2(&em, 15), None);
        assert_eq!(unpad_type2(&em, 17), None);
        assert_eq!(unpad_type2(&block(1, 0xff, b"sixteen byte msg"), 16), None);
        let mut first = em.clone();
        first[0] = 1;
        assert_eq!(unpad_type2(&first, 16), None);
        let mut zero_in_ps = em.clone();
        zero_in_ps[9] = 0;
        assert_eq!(unpad_type2(&zero_in_ps, 16), None);
        // Eight bytes of padding is the minimum (separator at index 10).
        let longest = [7u8; 53];
        assert_eq!(
            unpad_type2(&block(2, 0x5a, &longest), 53),
            Some(&longest[..])
        );
        assert_eq!(unpad_type2(&block(2, 0x5a, &[7u8; 54]), 54), None);
    }

    #[test]
    fn unpad_type1_codes_follow_3_3() {
        let em = block(1, 0xff, b"digest");
        assert_eq!(unpad_type1(&em, 6), Ok(&b"digest"[..]));
        assert_eq!(unpad_type1(&em, 5), Err(PS_LIMIT_FAIL));
        assert_eq!(unpad_type1(&block(2, 0xff, b"digest"), 6), Err(PS_FAILURE));
        let mut not_ff = em.clone();
        not_ff[5] = 0xfe;
        assert_eq!(unpad_type1(&not_ff, 6), Err(PS_FAILURE));
        // Fewer than eight FF bytes.
        let short = [&[0u8, 1][..], &[0xff; 7], &[0], b"digest"].concat();
        assert_eq!(unpad_type1(&short, 6), Err(PS_FAILURE));
    }
    use crate::test_fixtures::core_files::core;

    /// Components parsed from `openssl rsa -text -noout`.
    #[derive(Default)]
    struct Components {
        n: Vec<u8>,
        e: Vec<u8>,
        d: Vec<u8>,
        p: Vec<u8>,
        q: Vec<u8>,
        dp: Vec<u8>,
        dq: Vec<u8>,
        qinv: Vec<u8>,
    }

    impl Components {
        fn key(&self) -> Result<RsaPrivateKey, ()> {
            RsaPrivateKey::from_components(
                &self.n, &self.e, &self.d, &self.p, &self.q, &self.dp, &self.dq, &self.qinv,
            )
        }
    }

    fn parse_text(text: &str) -> Components {
        const NAMES: [&str; 7] = [
            "modulus:",
            "privateExponent:",
            "prime1:",
            "prime2:",
            "exponent1:",
            "exponent2:",
            "coefficient:",
        ];
        let mut fields: [Vec<u8>; 7] = Default::default();
        let mut e = Vec::new();
        let mut current: Option<usize> = None;
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("publicExponent:") {
                let dec: u64 = rest.split_whitespace().next().unwrap().parse().unwrap();
                e = dec.to_be_bytes().to_vec();
                current = None;
            } else if let Some(i) = NAMES.iter().position(|n| line.trim_end() == *n) {
                current = Some(i);
            } else if let (Some(i), true) = (current, line.starts_with(' ')) {
                for h in line.trim().split(':').filter(|h| !h.is_empty()) {
                    fields[i].push(u8::from_str_radix(h, 16).unwrap());
                }
            } else {
                current = None;
            }
        }
        assert!(
            fields.iter().all(|f| !f.is_empty()),
            "parsed openssl output"
        );
        let [n, d, p, q, dp, dq, qinv] = fields;
        Components {
            n,
            e,
            d,
            p,
            q,
            dp,
            dq,
            qinv,
        }
    }

    /// The components of tests/fixtures/core/rsa-BITS.key.pem, from `openssl rsa -text`.
    fn openssl_key(bits: u32) -> Components {
        parse_text(&String::from_utf8(core(&format!("rsa-{bits}.txt"))).unwrap())
    }

    /// The 48-byte premaster secret (version 0x0303) the rsa-BITS-pm*.enc fixtures hold.
    fn fixed_premaster() -> [u8; 48] {
        let pm: [u8; 48] = core("rsa-premaster.bin").try_into().unwrap();
        assert_eq!(pm[..2], [3, 3]);
        pm
    }

    /// The key with its private operations on crypto-bigint, as when aws-lc refuses the
    /// key or is not built in.
    fn portable(c: &Components) -> RsaPrivateKey {
        #[cfg_attr(not(feature = "fast-rsa"), allow(unused_mut))]
        let mut key = c.key().expect("valid key");
        #[cfg(feature = "fast-rsa")]
        {
            key.raw = None;
        }
        key
    }

    fn check_key(bits: u32) {
        let c = openssl_key(bits);
        let key = c.key().expect("valid key");
        let public = key.public_key();
        assert_eq!(key.modulus_len(), (bits as usize).div_ceil(8));
        assert_eq!(public.modulus_be(), trim(&c.n));
        assert_eq!(public.exponent_be(), trim(&c.e));
        assert_eq!(public, RsaPublicKey::from_components(&c.n, &c.e).unwrap());

        // openssl encrypts, decrypt_premaster recovers.
        let pm = fixed_premaster();
        let ct = core(&format!("rsa-{bits}-pm.enc"));
        assert_eq!(*key.decrypt_premaster(&ct, 0x0303), pm);

        // Wrong version, corrupted ciphertext, wrong length, value >= n: random each time.
        let wrong_version = key.decrypt_premaster(&ct, 0x0302);
        assert_ne!(*wrong_version, pm);
        assert_ne!(
            *key.decrypt_premaster(&ct, 0x0302),
            *wrong_version,
            "R is fresh"
        );
        let mut bad = ct.clone();
        bad[ct.len() / 2] ^= 1;
        assert_ne!(*key.decrypt_premaster(&bad, 0x0303), pm);
        assert_ne!(*key.decrypt_premaster(&ct[1..], 0x0303), pm);
        assert_ne!(*key.decrypt_premaster(&[0xff; 600][..ct.len()], 0x0303), pm);
        assert_ne!(*key.decrypt_premaster(&[], 0x0303), [0u8; 48]);

        // The portable crypto-bigint path (used when aws-lc refuses a key) decrypts the same,
        // and both private operations agree on random inputs.
        #[cfg(feature = "fast-rsa")]
        assert!(key.raw.is_some(), "aws-lc takes {bits}-bit keys");
        let portable = portable(&c);
        assert_eq!(*portable.decrypt_premaster(&ct, 0x0303), pm);
        assert_ne!(*portable.decrypt_premaster(&bad, 0x0303), pm);
        assert_ne!(*portable.decrypt_premaster(&ct[1..], 0x0303), pm);
        for _ in 0..4 {
            let mut x = vec![0u8; key.modulus_len()];
            rng::fill(&mut x[1..]).unwrap();
            assert_eq!(
                *key.private_op(&x).unwrap(),
                *portable.private_op(&x).unwrap()
            );
        }

        // A well-formed block of the wrong message length (47 bytes: pm[..47], encrypted by
        // openssl) is rejected too.
        let ct47 = core(&format!("rsa-{bits}-pm47.enc"));
        assert_ne!(key.decrypt_premaster(&ct47, 0x0303)[..47], pm[..47]);

        // Hand-made blocks, encrypted with the raw public operation: the well-formed one is
        // accepted; each structural defect yields a different (random) value.
        let k = key.modulus_len();
        let mut em = vec![0x5au8; k];
        em[0] = 0;
        em[1] = 2;
        em[k - 49] = 0;
        em[k - 48..].copy_from_slice(&pm);
        let raw = |em: &[u8]| public.public_op(em).unwrap();
        assert_eq!(*key.decrypt_premaster(&raw(&em), 0x0303), pm);
        for (at, value) in [
            (0, 1u8),
            (1, 1),
            (1, 0),
            (2, 0),
            (k / 2, 0),
            (k - 50, 0),
            (k - 49, 7),
        ] {
            let mut bad = em.clone();
            bad[at] = value;
            assert_ne!(
                *key.decrypt_premaster(&raw(&bad), 0x0303),
                pm,
                "byte {at} = {value}"
            );
        }

        // encrypt_pkcs1 output is a PKCS#1 v1.5 type 2 block (RFC 8017 §7.2.2, checked here
        // by hand on the raw private operation, itself checked against openssl's signatures
        // below): 00 02, at least eight nonzero bytes, 00, the message.
        let ours = public.encrypt_pkcs1(&pm).unwrap();
        assert_eq!(ours.len(), key.modulus_len());
        let em = portable.private_op(&ours).unwrap();
        assert_eq!(em[..2], [0, 2]);
        let sep = 2 + em[2..].iter().position(|&b| b == 0).unwrap();
        assert!(sep >= 10, "padding of {} bytes", sep - 2);
        assert_eq!(em[sep + 1..], pm);
        assert_ne!(public.encrypt_pkcs1(&pm).unwrap(), ours, "random padding");
        assert!(
            public
                .encrypt_pkcs1(&vec![1u8; key.modulus_len() - 10])
                .is_err()
        );

        // PKCS#1 v1.5 signatures are deterministic: ours must equal openssl's byte for byte,
        // for the raw MD5‖SHA-1 form and for SHA-1 and SHA-2 DigestInfos.
        use crate::crypto::hash::HashAlgorithm;
        let md5sha1 = crate::crypto::hash::md5_sha1(b"to be signed");
        let info = |oid_last: u8, hash: HashAlgorithm| {
            let len = hash.digest(b"").len() as u8;
            let mut v = vec![
                0x30,
                0x11 + len,
                0x30,
                0x0d,
                0x06,
                0x09,
                0x60,
                0x86,
                0x48,
                0x01,
                0x65,
                0x03,
                0x04,
                0x02,
                oid_last,
                0x05,
                0x00,
                0x04,
                len,
            ];
            v.extend(hash.digest(b"to be signed"));
            v
        };
        let mut sha1_info = vec![
            0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
            0x14,
        ];
        sha1_info.extend(HashAlgorithm::Sha1.digest(b"to be signed"));
        let infos = [
            md5sha1.to_vec(),
            sha1_info,
            info(1, HashAlgorithm::Sha256),
            info(2, HashAlgorithm::Sha384),
            info(3, HashAlgorithm::Sha512),
        ];
        // openssl's signatures of the same inputs (`pkeyutl -sign` of MD5‖SHA-1, `dgst -sign`
        // for the DigestInfos) and what `pkeyutl -verifyrecover` recovered from them.
        let names = ["md5sha1", "sha1", "sha256", "sha384", "sha512"];
        for (data, name) in infos
            .iter()
            .zip(names)
            .filter(|(d, _)| d.len() + 11 <= key.modulus_len())
        {
            let data = &data[..];
            let sig = key.sign_pkcs1_raw(data).unwrap();
            assert_eq!(sig.len(), key.modulus_len());
            let theirs = core(&format!("rsa-{bits}-sig-{name}.bin"));
            assert_eq!(sig, theirs, "{} bytes signed", data.len());
            let recovered = core(&format!("rsa-{bits}-sig-{name}.recovered"));
            assert_eq!(recovered, data);
            // public_op undoes the private operation.
            let em = public.public_op(&sig).unwrap();
            assert_eq!(em[..2], [0, 1]);
            assert_eq!(em[em.len() - data.len()..], *data);
        }
        assert!(
            key.sign_pkcs1_raw(&vec![0u8; key.modulus_len() - 10])
                .is_err()
        );
        assert!(
            public.public_op(&vec![0xff; key.modulus_len()]).is_err(),
            ">= n"
        );
        assert!(
            public.public_op(&vec![1; key.modulus_len() + 1]).is_err(),
            "too long"
        );
    }

    #[test]
    fn rsa_1024_against_openssl() {
        check_key(1024);
    }

    #[test]
    fn rsa_2048_against_openssl() {
        check_key(2048);
    }

    /// Odd sizes: primes and modulus not multiples of the limb size.
    #[test]
    fn rsa_odd_sizes_against_openssl() {
        check_key(1030);
        check_key(1504);
    }

    #[test]
    fn inconsistent_components_are_rejected() {
        let c = openssl_key(1024);
        assert!(c.key().is_ok());
        let mutate = |f: &dyn Fn(&mut Components)| {
            let mut m = openssl_key(1024);
            f(&mut m);
            m.key().is_err()
        };
        let flip_last = |v: &mut Vec<u8>| {
            let last = v.len() - 1;
            v[last] ^= 2;
        };
        assert!(mutate(&|m| flip_last(&mut m.p)), "p");
        assert!(mutate(&|m| flip_last(&mut m.q)), "q");
        assert!(mutate(&|m| flip_last(&mut m.d)), "d");
        assert!(mutate(&|m| flip_last(&mut m.dp)), "dp");
        assert!(mutate(&|m| flip_last(&mut m.dq)), "dq");
        assert!(mutate(&|m| flip_last(&mut m.qinv)), "qinv");
        assert!(mutate(&|m| m.e = vec![1, 0, 3]), "e");
        assert!(
            mutate(&|m| std::mem::swap(&mut m.p, &mut m.q)),
            "p/q swapped without new qinv"
        );
    }

    /// Primes given in the other order (p < q), with the coefficient recomputed for it.
    #[test]
    fn swapped_primes_work() {
        swapped_primes(1024);
        swapped_primes(2048);
    }

    fn swapped_primes(bits: u32) {
        let mut c = openssl_key(bits);
        std::mem::swap(&mut c.p, &mut c.q);
        std::mem::swap(&mut c.dp, &mut c.dq);
        // coefficient = q^-1 mod p for the new order.
        let half = bits / 2;
        let p_new = Odd::new(BoxedUint::from_be_slice(trim(&c.p), half).unwrap()).unwrap();
        let q_mod_p = BoxedUint::from_be_slice(trim(&c.q), half)
            .unwrap()
            .rem(p_new.as_nz_ref());
        let params = BoxedMontyParams::new(p_new);
        let inv = BoxedMontyForm::new(q_mod_p, &params)
            .invert()
            .into_option()
            .unwrap();
        c.qinv = inv.retrieve().to_be_bytes().to_vec();
        let key = c.key().expect("valid key with p < q");
        #[cfg(feature = "fast-rsa")]
        assert!(key.raw.is_some(), "aws-lc takes p < q");
        let data = info_sha256(b"swapped");
        let sig = key.sign_pkcs1_raw(&data).unwrap();
        // `openssl dgst -sha256 -sign` of "swapped".
        let theirs = core(&format!("rsa-{bits}-sig-swapped.bin"));
        assert_eq!(sig, theirs);
    }

    fn info_sha256(msg: &[u8]) -> Vec<u8> {
        let mut v = vec![
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ];
        v.extend(crate::crypto::hash::HashAlgorithm::Sha256.digest(msg));
        v
    }

    #[test]
    fn keys_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<RsaPublicKey>();
        check::<RsaPrivateKey>();
    }

    #[test]
    fn public_key_validation() {
        let mut n = vec![0xc5u8; 64];
        assert!(RsaPublicKey::from_components(&n, &[1, 0, 1]).is_ok());
        assert!(
            RsaPublicKey::from_components(&[&[0u8, 0][..], &n].concat(), &[0, 1, 0, 1]).is_ok()
        );
        assert!(RsaPublicKey::from_components(&n, &[1]).is_err(), "e = 1");
        assert!(RsaPublicKey::from_components(&n, &[4]).is_err(), "e even");
        assert!(RsaPublicKey::from_components(&n, &[]).is_err(), "e empty");
        assert!(RsaPublicKey::from_components(&n, &n).is_err(), "e = n");
        assert!(
            RsaPublicKey::from_components(&n[1..], &[3]).is_err(),
            "504 bits"
        );
        assert!(RsaPublicKey::from_components(&[], &[3]).is_err(), "empty n");
        n[63] = 0xc4;
        assert!(RsaPublicKey::from_components(&n, &[3]).is_err(), "n even");
        let pk = RsaPublicKey::from_components(&[0xffu8; 2049], &[3]);
        assert!(pk.is_err(), "over 16384 bits");
    }

    /// Private operations per second on a 2048-bit key:
    /// `cargo test --release --lib rsa_2048_speed -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn rsa_2048_speed() {
        let c = openssl_key(2048);
        let key = c.key().unwrap();
        let pm = fixed_premaster();
        let ct = core("rsa-2048-pm.enc");
        let input = vec![0x5au8; 255];
        let bench = |name: &str, f: &dyn Fn()| {
            let start = std::time::Instant::now();
            let mut ops = 0u32;
            while start.elapsed().as_secs_f64() < 2.0 {
                f();
                ops += 1;
            }
            let rate = f64::from(ops) / start.elapsed().as_secs_f64();
            println!("RSA-2048 {name}: {rate:.0} ops/s");
        };
        bench("private_op (aws-lc raw transform)", &|| {
            drop(key.private_op(&input).unwrap())
        });
        let portable = portable(&c);
        bench("private_op (crypto-bigint)", &|| {
            drop(portable.private_op(&input).unwrap())
        });
        let info = info_sha256(b"speed");
        bench("sign SHA-256 DigestInfo", &|| {
            drop(key.sign_pkcs1_raw(&info).unwrap())
        });
        bench("decrypt_premaster", &|| {
            assert_eq!(*key.decrypt_premaster(&ct, 0x0303), pm)
        });
    }
}
