//! Finite-field Diffie-Hellman for the DHE key exchanges (RFC 5246 §7.4.3, §8.1.2; RFC 7919).
//!
//! Arithmetic is crypto-bigint's: `BoxedMontyForm::pow_bounded_exp` runs in time that depends
//! only on the (public) exponent length, never on the secret exponent's value, and the
//! private exponent and shared secret are wiped after use.
//!
//! Groups come from three places: the built-in RFC 7919 `ffdhe2048` group (the server default),
//! parameters the server operator loads (`pki::dhparams`, checked at load time), and the
//! group a server sends to a client ([`validate_peer_group`], checked per handshake).
//!
//! Private exponent length. A group whose prime is *safe* (p = 2q + 1, q prime) has no small
//! subgroups besides {1, p-1}, so an exponent of twice the group's security strength is as
//! strong as a full one (RFC 7919 §5.2, NIST SP 800-56A §5.6.1.1.1) and [`DhKeyPair::generate`]
//! draws `max(256, 2 × strength)` random bits: 256 up to 3072-bit groups, which costs about
//! an eighth of a full 2048-bit exponentiation. For a group not known to be safe (a DSA-style
//! prime whose p-1 has many small factors, say) a short exponent could be recovered piecewise
//! (Pohlig-Hellman with van Oorschot-Wiener), so the exponent is then full size: p's bit
//! length minus one. Loaded parameters are tested for safety once at load time; a peer's group
//! is only known safe when it is one of the built-in RFC 7919 primes.

// Failures carry no detail on purpose: a rejected group or public value is one alert.
#![allow(clippy::result_unit_err)]

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd};
use zeroize::{Zeroize, Zeroizing};

use super::rng;

/// Groups above this size are refused: a peer could otherwise make us spend arbitrary CPU
/// (OpenSSL's limit is 10,000 bits; RFC 7919's largest group is 8192).
pub const MAX_DH_BITS: usize = 8192;

/// The client's minimum server group size (at least 1024 bits), also the minimum DSA prime
/// of a DHE_DSS server's key (`crypto::dsa`).
pub const DEFAULT_MIN_PEER_BITS: usize = 1024;

/// Miller-Rabin rounds for a server's group on the client. The parameters are signed by the
/// server, so the check guards against a misconfigured server, not a forger: for a composite
/// that was not built to fool the test, one round already errs with negligible probability.
const PEER_MR_ROUNDS: usize = 8;

/// Miller-Rabin rounds for operator-loaded parameters (once per load; error ≤ 4^-12 even
/// for adversarial composites).
pub const LOAD_MR_ROUNDS: usize = 12;

/// RFC 7919 Appendix A.1: ffdhe2048 (g = 2; p is a safe prime).
const FFDHE2048_P: &str = "\
FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FB\
CC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0\
856365553DED1AF3B557135E7F57C935984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE735\
30ACCA4F483A797ABC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4\
AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F619172FE9CE98583FF\
8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005C58EF1837D1683B2C6F34A26C1B2EFFA\
886B423861285C97FFFFFFFFFFFFFFFF";

/// RFC 7919 Appendix A.2: ffdhe3072 (g = 2; p is a safe prime).
#[cfg(feature = "ffdhe-large-groups")]
const FFDHE3072_P: &str = "\
FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FB\
CC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0\
856365553DED1AF3B557135E7F57C935984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE735\
30ACCA4F483A797ABC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4\
AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F619172FE9CE98583FF\
8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005C58EF1837D1683B2C6F34A26C1B2EFFA\
886B4238611FCFDCDE355B3B6519035BBC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE\
598CB0FAC186D91CAEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF\
5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E0ABCD06BFA53DDEF\
3C1B20EE3FD59D7C25E41D2B66C62E37FFFFFFFFFFFFFFFF";

/// RFC 7919 Appendix A.3: ffdhe4096 (g = 2; p is a safe prime).
#[cfg(feature = "ffdhe-large-groups")]
const FFDHE4096_P: &str = "\
FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FB\
CC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0\
856365553DED1AF3B557135E7F57C935984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE735\
30ACCA4F483A797ABC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4\
AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F619172FE9CE98583FF\
8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005C58EF1837D1683B2C6F34A26C1B2EFFA\
886B4238611FCFDCDE355B3B6519035BBC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE\
598CB0FAC186D91CAEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF\
5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E0ABCD06BFA53DDEF\
3C1B20EE3FD59D7C25E41D2B669E1EF16E6F52C3164DF4FB7930E9E4E58857B6AC7D5F42D69F6D18\
7763CF1D5503400487F55BA57E31CC7A7135C886EFB4318AED6A1E012D9E6832A907600A918130C4\
6DC778F971AD0038092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF\
8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E655F6AFFFFFFFFFFFFFFFF";

/// RFC 7919 Appendix A.4: ffdhe6144 (g = 2; p is a safe prime).
#[cfg(feature = "ffdhe-large-groups")]
const FFDHE6144_P: &str = "\
FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FB\
CC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0\
856365553DED1AF3B557135E7F57C935984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE735\
30ACCA4F483A797ABC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4\
AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F619172FE9CE98583FF\
8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005C58EF1837D1683B2C6F34A26C1B2EFFA\
886B4238611FCFDCDE355B3B6519035BBC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE\
598CB0FAC186D91CAEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF\
5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E0ABCD06BFA53DDEF\
3C1B20EE3FD59D7C25E41D2B669E1EF16E6F52C3164DF4FB7930E9E4E58857B6AC7D5F42D69F6D18\
7763CF1D5503400487F55BA57E31CC7A7135C886EFB4318AED6A1E012D9E6832A907600A918130C4\
6DC778F971AD0038092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF\
8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E0DD9020BFD64B645036C7A4E677D2C38532A3A\
23BA4442CAF53EA63BB454329B7624C8917BDD64B1C0FD4CB38E8C334C701C3ACDAD0657FCCFEC71\
9B1F5C3E4E46041F388147FB4CFDB477A52471F7A9A96910B855322EDB6340D8A00EF092350511E3\
0ABEC1FFF9E3A26E7FB29F8C183023C3587E38DA0077D9B4763E4E4B94B2BBC194C6651E77CAF992\
EEAAC0232A281BF6B3A739C1226116820AE8DB5847A67CBEF9C9091B462D538CD72B03746AE77F5E\
62292C311562A846505DC82DB854338AE49F5235C95B91178CCF2DD5CACEF403EC9D1810C6272B04\
5B3B71F9DC6B80D63FDD4A8E9ADB1E6962A69526D43161C1A41D570D7938DAD4A40E329CD0E40E65\
FFFFFFFFFFFFFFFF";

/// RFC 7919 Appendix A.5: ffdhe8192 (g = 2; p is a safe prime).
#[cfg(feature = "ffdhe-large-groups")]
const FFDHE8192_P: &str = "\
FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FB\
CC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0\
856365553DED1AF3B557135E7F57C935984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE735\
30ACCA4F483A797ABC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4\
AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F619172FE9CE98583FF\
8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005C58EF1837D1683B2C6F34A26C1B2EFFA\
886B4238611FCFDCDE355B3B6519035BBC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE\
598CB0FAC186D91CAEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF\
5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E0ABCD06BFA53DDEF\
3C1B20EE3FD59D7C25E41D2B669E1EF16E6F52C3164DF4FB7930E9E4E58857B6AC7D5F42D69F6D18\
7763CF1D5503400487F55BA57E31CC7A7135C886EFB4318AED6A1E012D9E6832A907600A918130C4\
6DC778F971AD0038092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF\
8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E0DD9020BFD64B645036C7A4E677D2C38532A3A\
23BA4442CAF53EA63BB454329B7624C8917BDD64B1C0FD4CB38E8C334C701C3ACDAD0657FCCFEC71\
9B1F5C3E4E46041F388147FB4CFDB477A52471F7A9A96910B855322EDB6340D8A00EF092350511E3\
0ABEC1FFF9E3A26E7FB29F8C183023C3587E38DA0077D9B4763E4E4B94B2BBC194C6651E77CAF992\
EEAAC0232A281BF6B3A739C1226116820AE8DB5847A67CBEF9C9091B462D538CD72B03746AE77F5E\
62292C311562A846505DC82DB854338AE49F5235C95B91178CCF2DD5CACEF403EC9D1810C6272B04\
5B3B71F9DC6B80D63FDD4A8E9ADB1E6962A69526D43161C1A41D570D7938DAD4A40E329CCFF46AAA\
36AD004CF600C8381E425A31D951AE64FDB23FCEC9509D43687FEB69EDD1CC5E0B8CC3BDF64B10EF\
86B63142A3AB8829555B2F747C932665CB2C0F1CC01BD70229388839D2AF05E454504AC78B758282\
2846C0BA35C35F5C59160CC046FD8251541FC68C9C86B022BB7099876A460E7451A8A93109703FEE\
1C217E6C3826E52C51AA691E0E423CFC99E9E31650C1217B624816CDAD9A95F9D5B8019488D9C0A0\
A1FE3075A577E23183F81D4A3F2FA4571EFC8CE0BA8A4FE8B6855DFE72B0A66EDED2FBABFBE58A30\
FAFABE1C5D71A87E2F741EF8C1FE86FEA6BBFDE530677F0D97D11D49F7A8443D0822E506A9F4614E\
011E2A94838FF88CD68C8BB7C5C6424CFFFFFFFFFFFFFFFF";

/// The RFC 7919 groups by their supported_groups codepoint (RFC 7919 §2: 256 ffdhe2048 to
/// 260 ffdhe8192). Every prime equals OpenSSL's named group of that name and the RFC's
/// construction from the binary expansion of e.
/// ffdhe3072 to ffdhe8192 (about 5 KB of constants) come with the default feature
/// `ffdhe-large-groups`; without it (the small build) a client naming only those gets no
/// DHE suite (RFC 7919 §4), DHE with ffdhe2048 or loaded parameters stays.
const FFDHE_NAMED: &[(u16, &str)] = &[
    (256, FFDHE2048_P),
    #[cfg(feature = "ffdhe-large-groups")]
    (257, FFDHE3072_P),
    #[cfg(feature = "ffdhe-large-groups")]
    (258, FFDHE4096_P),
    #[cfg(feature = "ffdhe-large-groups")]
    (259, FFDHE6144_P),
    #[cfg(feature = "ffdhe-large-groups")]
    (260, FFDHE8192_P),
];

/// The RFC 7919 primes as bytes, decoded once: groups are matched against them on every
/// DHE handshake (a client's ServerKeyExchange, a server facing a client naming FFDHE
/// groups).
fn ffdhe_primes() -> &'static [(u16, Vec<u8>)] {
    static PRIMES: std::sync::LazyLock<Vec<(u16, Vec<u8>)>> = std::sync::LazyLock::new(|| {
        FFDHE_NAMED
            .iter()
            .map(|(id, p)| (*id, hex_bytes(p)))
            .collect()
    });
    &PRIMES
}

/// The supported_groups codepoints of the built-in RFC 7919 groups.
pub fn ffdhe_ids() -> impl Iterator<Item = u16> {
    FFDHE_NAMED.iter().map(|(id, _)| *id)
}

/// The supported_groups codepoint of ffdhe2048.
pub const FFDHE2048: u16 = 256;

/// A prime-field Diffie-Hellman group (p, g) with its Montgomery parameters.
#[derive(Clone)]
pub struct DhGroup {
    params: BoxedMontyParams,
    /// p and g big-endian without leading zeros (what ServerKeyExchange carries).
    p_be: Vec<u8>,
    g_be: Vec<u8>,
    g: BoxedUint,
    bits: usize,
    /// p = 2q + 1 with q prime: short exponents are safe (module doc).
    safe_prime: bool,
}

impl core::fmt::Debug for DhGroup {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DhGroup")
            .field("bits", &self.bits)
            .field("g", &self.g_be)
            .field("safe_prime", &self.safe_prime)
            .finish()
    }
}

impl PartialEq for DhGroup {
    fn eq(&self, other: &Self) -> bool {
        self.p_be == other.p_be && self.g_be == other.g_be
    }
}

impl Eq for DhGroup {}

fn trim(bytes: &[u8]) -> &[u8] {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    bytes.get(zeros..).unwrap_or_default()
}

/// Bit length of a big-endian value without leading zero bytes.
fn bit_len(trimmed: &[u8]) -> usize {
    match trimmed.first() {
        None => 0,
        Some(&top) => (trimmed.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}

fn hex_bytes(s: &str) -> Vec<u8> {
    s.as_bytes()
        .chunks(2)
        .map(|pair| {
            let digit = |c: u8| char::from(c).to_digit(16).unwrap_or(0) as u8;
            match pair {
                [hi, lo] => digit(*hi) << 4 | digit(*lo),
                _ => 0,
            }
        })
        .collect()
}

impl DhGroup {
    /// A group from big-endian p and g (leading zeros allowed). Structural checks only: p odd,
    /// at least 512 and at most [`MAX_DH_BITS`] bits, 1 < g < p-1. Primality and the size
    /// policy are the callers' ([`validate_peer_group`], the parameter loader).
    pub fn from_be(p: &[u8], g: &[u8]) -> Result<Self, ()> {
        let p_be = trim(p);
        let g_be = trim(g);
        let bits = bit_len(p_be);
        if !(512..=MAX_DH_BITS).contains(&bits) || p_be.last().is_none_or(|b| b & 1 == 0) {
            return Err(());
        }
        // bits ≤ 8192, so the precision fits u32.
        let precision = bits as u32;
        let p_uint = BoxedUint::from_be_slice(p_be, precision).map_err(|_| ())?;
        let p_odd: Odd<BoxedUint> = Option::from(p_uint.to_odd()).ok_or(())?;
        let params = BoxedMontyParams::new_vartime(p_odd);
        let precision = params.bits_precision();
        let p_uint = params.modulus().as_ref().clone();
        let g_uint = BoxedUint::from_be_slice(g_be, precision).map_err(|_| ())?;
        let two = BoxedUint::from_be_slice(&[2], precision).map_err(|_| ())?;
        let p_minus_1 = p_uint.wrapping_sub(BoxedUint::one_with_precision(precision));
        if g_uint < two || g_uint >= p_minus_1 {
            return Err(());
        }
        Ok(DhGroup {
            params,
            p_be: p_be.to_vec(),
            g_be: g_be.to_vec(),
            g: g_uint,
            bits,
            safe_prime: false,
        })
    }

    /// RFC 7919 ffdhe2048 (g = 2): the server's group when no parameters are loaded.
    pub fn ffdhe2048() -> DhGroup {
        DhGroup::ffdhe(FFDHE2048).expect("ffdhe2048 is a named group")
    }

    /// The RFC 7919 group with supported_groups codepoint `id` (g = 2), if `id` names one.
    pub fn ffdhe(id: u16) -> Option<DhGroup> {
        let (_, p) = ffdhe_primes().iter().find(|(named, _)| *named == id)?;
        let mut group = DhGroup::from_be(p, &[2]).expect("the RFC 7919 constants are valid groups");
        group.safe_prime = true;
        Some(group)
    }

    /// The supported_groups codepoint of this group if it is an RFC 7919 group (its prime
    /// and g = 2): what a client's FFDHE group list is matched against (RFC 7919 §4).
    pub fn ffdhe_id(&self) -> Option<u16> {
        if self.g_be != [2] {
            return None;
        }
        self.builtin_prime_id()
    }

    /// Whether p is one of the built-in RFC 7919 primes (all safe primes, whatever g is).
    fn is_builtin(&self) -> bool {
        self.builtin_prime_id().is_some()
    }

    fn builtin_prime_id(&self) -> Option<u16> {
        ffdhe_primes()
            .iter()
            .find(|(_, p)| self.p_be == *p)
            .map(|(id, _)| *id)
    }

    /// p, big-endian without leading zeros.
    pub fn p_be(&self) -> &[u8] {
        &self.p_be
    }

    /// g, big-endian without leading zeros.
    pub fn g_be(&self) -> &[u8] {
        &self.g_be
    }

    /// Bit length of p.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// Byte length of p (public values and the shared secret are at most this long).
    pub fn p_len(&self) -> usize {
        self.p_be.len()
    }

    /// Whether p is known to be a safe prime (built-in group, or checked at load time).
    pub fn is_safe_prime(&self) -> bool {
        self.safe_prime
    }

    /// Full checks for operator-loaded parameters: p prime, and whether p is a safe prime
    /// (which decides the private exponent length). `Err(())` if p is composite or the
    /// system RNG fails.
    pub fn check_loaded(mut self) -> Result<DhGroup, ()> {
        if self.is_builtin() {
            self.safe_prime = true;
            return Ok(self);
        }
        self.safe_prime = classify(&self.params, LOAD_MR_ROUNDS)?.ok_or(())?;
        Ok(self)
    }

    fn precision(&self) -> u32 {
        self.params.bits_precision()
    }

    fn modulus(&self) -> &BoxedUint {
        self.params.modulus().as_ref()
    }

    /// Private exponent length (module doc): 2 × strength for safe primes, else full size.
    fn exponent_bits(&self) -> usize {
        if !self.safe_prime {
            return self.bits - 1;
        }
        // Security strengths of SP 800-57 part 1 / RFC 7919 §8 for each modulus size.
        let strength = match self.bits {
            0..=2048 => 112,
            2049..=3072 => 128,
            3073..=4096 => 152,
            4097..=6144 => 176,
            _ => 200,
        };
        (2 * strength).max(256).min(self.bits - 1)
    }
}

/// Client-side validation of the group in a ServerKeyExchange: p odd, `min_bits` ≤ size ≤
/// [`MAX_DH_BITS`], 1 < g < p-1, and p a probable prime (trial division by small primes,
/// then Miller-Rabin with random bases; not constant-time: p is public). `Err(())` for any
/// failure (the handshake answers with insufficient_security or illegal_parameter).
///
/// Servers send the same group on every connection, so the verdict for the last few primes
/// is cached process-wide: the Miller-Rabin work (some 100 ms of CPU for a new 2048-bit
/// group, checking p and (p-1)/2) is paid once per group, not per handshake. Whether
/// (p-1)/2 is prime too decides the private exponent length (module doc).
pub fn validate_peer_group(p: &[u8], g: &[u8], min_bits: usize) -> Result<DhGroup, ()> {
    let mut group = DhGroup::from_be(p, g)?;
    if group.bits < min_bits {
        return Err(());
    }
    if group.is_builtin() {
        group.safe_prime = true;
        return Ok(group);
    }
    if let Some(safe) = verdict_cache::lookup(&group.p_be) {
        group.safe_prime = safe;
        return Ok(group);
    }
    let safe = classify(&group.params, PEER_MR_ROUNDS)?.ok_or(())?;
    verdict_cache::insert(&group.p_be, safe);
    group.safe_prime = safe;
    Ok(group)
}

/// Recently validated peer primes and whether each is safe (only primes are cached).
mod verdict_cache {
    use std::collections::VecDeque;
    use std::sync::{Mutex, PoisonError};

    const CAPACITY: usize = 8;
    static CACHE: Mutex<VecDeque<(Vec<u8>, bool)>> = Mutex::new(VecDeque::new());

    pub(super) fn lookup(p: &[u8]) -> Option<bool> {
        let cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
        cache.iter().find(|(q, _)| q == p).map(|&(_, safe)| safe)
    }

    pub(super) fn insert(p: &[u8], safe: bool) {
        let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.iter().any(|(q, _)| q == p) {
            return;
        }
        if cache.len() == CAPACITY {
            cache.pop_front();
        }
        cache.push_back((p.to_vec(), safe));
    }
}

/// `None` if the modulus of `params` is composite, else whether it is a safe prime
/// (p = 2q + 1 with q prime). `Err(())` only if the system RNG fails.
fn classify(params: &BoxedMontyParams, rounds: usize) -> Result<Option<bool>, ()> {
    if !is_probable_prime(params, rounds)? {
        return Ok(None);
    }
    // q = (p - 1) / 2; p odd, so this is p >> 1.
    let p = params.modulus().as_ref();
    let q = p.shr_vartime(1).ok_or(())?;
    let safe = match Option::<Odd<BoxedUint>>::from(q.to_odd()) {
        Some(q_odd) if q.bit_width_vartime() > 2 => {
            is_probable_prime(&BoxedMontyParams::new_vartime(q_odd), rounds)?
        }
        _ => false,
    };
    Ok(Some(safe))
}

/// Odd primes below 2000 for trial division (computed once).
fn small_primes() -> &'static [u32] {
    static PRIMES: std::sync::OnceLock<Vec<u32>> = std::sync::OnceLock::new();
    PRIMES.get_or_init(|| {
        (3u32..2000)
            .step_by(2)
            .filter(|&n| {
                (3..)
                    .step_by(2)
                    .take_while(|d| d * d <= n)
                    .all(|d| n % d != 0)
            })
            .collect()
    })
}

/// Miller-Rabin with `rounds` random bases in [2, n-2], after trial division. `n` is the
/// (odd, ≥ 512-bit or at least > 3) modulus of `params`. Variable-time: n is public.
/// `Err(())` only if the system RNG fails.
fn is_probable_prime(params: &BoxedMontyParams, rounds: usize) -> Result<bool, ()> {
    let n = params.modulus().as_ref();
    let n_be = n.to_be_bytes_trimmed_vartime();
    let n_bits = n.bit_width_vartime();
    if n_bits <= 11 {
        // Tiny values (only reachable for q of a tiny group) are decided by the table.
        let v = n_be.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b));
        return Ok(v == 2 || small_primes().contains(&v));
    }
    for &q in small_primes() {
        let r = n_be
            .iter()
            .fold(0u32, |acc, &b| (acc * 256 + u32::from(b)) % q);
        if r == 0 {
            return Ok(false);
        }
    }
    let precision = params.bits_precision();
    let one = BoxedUint::one_with_precision(precision);
    let n_minus_1 = n.wrapping_sub(&one);
    let s = n_minus_1.trailing_zeros();
    let d = n_minus_1.shr_vartime(s).ok_or(())?;
    let d_bits = d.bit_width_vartime();
    let one_m = BoxedMontyForm::one(params);
    let minus_one_m = one_m.neg();
    let two = BoxedUint::from_be_slice(&[2], precision).map_err(|_| ())?;
    let n_minus_2 = n_minus_1.wrapping_sub(&one);
    let byte_len = n_be.len();
    let top_mask = 0xffu8 >> ((8 - n_bits % 8) % 8);
    'rounds: for _ in 0..rounds {
        // A uniform base in [2, n-2] by rejection (expected fewer than two draws).
        let a = loop {
            let mut buf = vec![0u8; byte_len];
            rng::fill(&mut buf)?;
            if let Some(top) = buf.first_mut() {
                *top &= top_mask;
            }
            let a = BoxedUint::from_be_slice(&buf, precision).map_err(|_| ())?;
            if a >= two && a <= n_minus_2 {
                break a;
            }
        };
        let mut x = BoxedMontyForm::new(a, params).pow_bounded_exp(&d, d_bits);
        if x == one_m || x == minus_one_m {
            continue;
        }
        for _ in 1..s {
            x = x.square();
            if x == minus_one_m {
                continue 'rounds;
            }
            if x == one_m {
                return Ok(false);
            }
        }
        return Ok(false);
    }
    Ok(true)
}

/// An ephemeral key pair: private exponent x (wiped on drop) and y = g^x mod p.
pub struct DhKeyPair {
    group: DhGroup,
    x: BoxedUint,
    x_bits: u32,
    public: Vec<u8>,
}

impl Drop for DhKeyPair {
    fn drop(&mut self) {
        self.x.as_mut_words().zeroize();
    }
}

impl core::fmt::Debug for DhKeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never the private exponent.
        f.debug_struct("DhKeyPair")
            .field("group", &self.group)
            .finish_non_exhaustive()
    }
}

/// `value` big-endian, left-padded with zeros to `len` bytes (value < 256^len).
fn to_be_padded(value: &BoxedUint, len: usize) -> Zeroizing<Vec<u8>> {
    let mut full = value.to_be_bytes();
    let mut out = Zeroizing::new(vec![0u8; len]);
    let n = full.len().min(len);
    out[len - n..].copy_from_slice(&full[full.len() - n..]);
    full.zeroize();
    out
}

impl DhKeyPair {
    /// A fresh key pair in `group` (exponent length: module doc). Fails only if the system
    /// RNG does.
    pub fn generate(group: &DhGroup) -> Result<DhKeyPair, ()> {
        let group = group.clone();
        let x_bits = group.exponent_bits();
        let byte_len = x_bits.div_ceil(8);
        let mut buf = Zeroizing::new(vec![0u8; byte_len]);
        let precision = group.precision();
        let x = loop {
            rng::fill(&mut buf)?;
            if let Some(top) = buf.first_mut() {
                *top &= 0xffu8 >> ((8 - x_bits % 8) % 8);
            }
            let mut x = BoxedUint::from_be_slice(&buf, precision).map_err(|_| ())?;
            // x < 2^(bits-1) < p - 1 always; x ≥ 2 fails with probability 2^-255 or less.
            if x.bit_width_vartime() > 1 {
                break x;
            }
            x.as_mut_words().zeroize();
        };
        let x_bits = x_bits as u32;
        let base = BoxedMontyForm::new(group.g.clone(), &group.params);
        let y = base.pow_bounded_exp(&x, x_bits).retrieve();
        let public = to_be_padded(&y, group.p_len()).to_vec();
        Ok(DhKeyPair {
            group,
            x,
            x_bits,
            public,
        })
    }

    /// y = g^x mod p, big-endian, left-padded to the length of p.
    pub fn public_be(&self) -> Vec<u8> {
        self.public.clone()
    }

    /// The group this key pair belongs to.
    pub fn group(&self) -> &DhGroup {
        &self.group
    }

    /// The shared secret Z = peer^x mod p with leading zero bytes stripped, as TLS uses it for
    /// the premaster secret (RFC 5246 §8.1.2). The peer value (big-endian, leading zeros
    /// allowed) must satisfy 1 < y < p-1 (RFC 7919 §5.1: rejects 0, 1, p-1 and anything ≥ p,
    /// the values that force a known secret); a result of 1 is also refused. Consumes the
    /// key pair: ephemeral keys are used once, so the timing of the leading-zero stripping
    /// TLS mandates (the Raccoon attack, 2020) never concerns a secret used twice.
    pub fn agree(self, peer_public: &[u8]) -> Result<Zeroizing<Vec<u8>>, ()> {
        let group = &self.group;
        let y_be = trim(peer_public);
        if y_be.len() > group.p_len() {
            return Err(());
        }
        let precision = group.precision();
        let y = BoxedUint::from_be_slice(y_be, precision).map_err(|_| ())?;
        let two = BoxedUint::from_be_slice(&[2], precision).map_err(|_| ())?;
        let p_minus_1 = group
            .modulus()
            .wrapping_sub(BoxedUint::one_with_precision(precision));
        // Public-value checks: the peer's value is public, variable-time is fine.
        if y < two || y >= p_minus_1 {
            return Err(());
        }
        let mut z_m = BoxedMontyForm::new(y, &group.params).pow_bounded_exp(&self.x, self.x_bits);
        let mut z = z_m.retrieve();
        z_m.as_montgomery_mut().as_mut_words().zeroize();
        let padded = to_be_padded(&z, group.p_len());
        z.as_mut_words().zeroize();
        let start = padded.iter().take_while(|&&b| b == 0).count();
        let secret = Zeroizing::new(padded.get(start..).unwrap_or_default().to_vec());
        if secret.as_slice() == [1] || secret.is_empty() {
            return Err(());
        }
        Ok(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{fixture, hex_fixture};

    fn unhex(s: &str) -> Vec<u8> {
        hex_bytes(
            &s.chars()
                .filter(|c| c.is_ascii_hexdigit())
                .collect::<String>(),
        )
    }

    /// The `prime` or `private-key`/`public-key` hex dumps of `openssl pkey(param) -text`.
    fn text_field(text: &str, name: &str) -> Vec<u8> {
        let mut lines = text
            .lines()
            .skip_while(|l| !l.trim_start().starts_with(name));
        let first = lines.next().expect("field present");
        let mut hex: String = first
            .split_once(':')
            .map(|(_, rest)| rest.trim().to_string())
            .unwrap_or_default();
        if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
            hex.clear();
        }
        for line in lines {
            let t = line.trim();
            if t.is_empty() || !t.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
                break;
            }
            hex.push_str(t);
        }
        unhex(&hex)
    }

    #[test]
    fn ffdhe2048_matches_openssl_named_group() {
        // `openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048` as DER.
        let der = fixture("ffdhe2048.der");
        let g = DhGroup::ffdhe2048();
        assert_eq!(g.bits(), 2048);
        assert_eq!(g.g_be(), &[2]);
        assert_eq!(g.p_len(), 256);
        assert!(g.is_safe_prime());
        // SEQUENCE { INTEGER p (with a 00 sign byte), INTEGER 2 }
        let mut expected = vec![0x30, 0x82, 0x01, 0x08, 0x02, 0x82, 0x01, 0x01, 0x00];
        expected.extend_from_slice(g.p_be());
        expected.extend_from_slice(&[0x02, 0x01, 0x02]);
        assert_eq!(der, expected);
        assert_eq!(g.exponent_bits(), 256);
        // It is prime (and the validation path says so without the shortcut, too).
        assert_eq!(is_probable_prime(&g.params, 4), Ok(true));
        let q = g.modulus().shr_vartime(1).unwrap();
        let q_params = BoxedMontyParams::new_vartime(q.to_odd().unwrap());
        assert_eq!(is_probable_prime(&q_params, 4), Ok(true));
    }

    #[test]
    fn agreement_between_two_parties() {
        let group = DhGroup::ffdhe2048();
        let a = DhKeyPair::generate(&group).unwrap();
        let b = DhKeyPair::generate(&group).unwrap();
        assert_eq!(a.public_be().len(), 256);
        assert_ne!(a.public_be(), b.public_be());
        let (pa, pb) = (a.public_be(), b.public_be());
        let za = a.agree(&pb).unwrap();
        let zb = b.agree(&pa).unwrap();
        assert_eq!(za, zb);
        assert!(
            za.first().is_some_and(|&b| b != 0),
            "leading zeros stripped"
        );
        assert!(za.len() <= 256 && za.len() > 200);
    }

    /// Our shared secret equals `openssl pkeyutl -derive` (recorded in dh-ab.bin) between
    /// two key pairs openssl generated: we derive with key A's private value (checked
    /// against its public value by exponentiation) and key B's public value.
    #[test]
    fn agreement_matches_openssl_derive() {
        let key = |name: &str| {
            let text = String::from_utf8(fixture(name)).unwrap();
            (
                trim(&text_field(&text, "public-key:")).to_vec(),
                trim(&text_field(&text, "private-key:")).to_vec(),
            )
        };
        let (a_pub, a_priv) = key("dh-a.txt");
        let (b_pub, _) = key("dh-b.txt");
        assert!(!a_pub.is_empty() && !a_priv.is_empty() && !b_pub.is_empty());

        let group = DhGroup::ffdhe2048();
        // Cross-check the public value: g^x with openssl's private x, through our code.
        let x = BoxedUint::from_be_slice(&a_priv, group.precision()).unwrap();
        let y = BoxedMontyForm::new(group.g.clone(), &group.params)
            .pow(&x)
            .retrieve();
        let mut a_pub_padded = vec![0u8; 256 - a_pub.len()];
        a_pub_padded.extend_from_slice(&a_pub);
        assert_eq!(to_be_padded(&y, 256).as_slice(), &a_pub_padded[..]);

        let ours = DhKeyPair {
            x_bits: x.bit_width_vartime(),
            x,
            public: a_pub_padded,
            group,
        };
        let z_ours = ours.agree(&b_pub).unwrap();
        let z_openssl = fixture("dh-ab.bin");
        // OpenSSL 3 pads the DH secret to the size of p; TLS strips leading zeros.
        let start = z_openssl.iter().take_while(|&&b| b == 0).count();
        assert_eq!(&z_openssl[start..], z_ours.as_slice());
    }

    #[test]
    fn bad_public_values_are_rejected() {
        let group = DhGroup::ffdhe2048();
        let p = group.p_be().to_vec();
        let mut p_minus_1 = p.clone();
        *p_minus_1.last_mut().unwrap() -= 1;
        let too_long = vec![1u8; 257];
        for bad in [
            vec![],
            vec![0],
            vec![0, 0, 0],
            vec![1],
            vec![0, 1],
            p_minus_1.clone(),
            p.clone(),
            vec![0xff; 256],
            too_long,
        ] {
            let kp = DhKeyPair::generate(&group).unwrap();
            assert!(kp.agree(&bad).is_err(), "{:?}", &bad[..bad.len().min(4)]);
        }
        // The extremes of the allowed range, 2 and p-2, are accepted.
        let mut p_minus_2 = p.clone();
        *p_minus_2.last_mut().unwrap() -= 2;
        for ok in [vec![2], vec![0, 0, 2], p_minus_2] {
            let kp = DhKeyPair::generate(&group).unwrap();
            assert!(kp.agree(&ok).is_ok());
        }
    }

    #[test]
    fn group_structure_checks() {
        let p = DhGroup::ffdhe2048().p_be().to_vec();
        assert!(DhGroup::from_be(&p, &[2]).is_ok());
        assert!(DhGroup::from_be(&[&[0u8, 0][..], &p].concat(), &[0, 5]).is_ok());
        // g out of range.
        for g in [&[][..], &[0], &[1], &p[..]] {
            assert!(DhGroup::from_be(&p, g).is_err());
        }
        let mut p_minus_1 = p.clone();
        *p_minus_1.last_mut().unwrap() -= 1;
        assert!(DhGroup::from_be(&p, &p_minus_1).is_err());
        // Even p; too small; too large.
        assert!(DhGroup::from_be(&p_minus_1, &[2]).is_err());
        assert!(DhGroup::from_be(&[0xff; 32], &[2]).is_err());
        let mut huge = vec![0xffu8; MAX_DH_BITS / 8 + 1];
        huge[0] = 1;
        assert!(DhGroup::from_be(&huge, &[2]).is_err());
    }

    #[test]
    fn peer_group_validation() {
        let ff = DhGroup::ffdhe2048();
        let v = validate_peer_group(ff.p_be(), &[2], 1024).unwrap();
        assert!(v.is_safe_prime());
        assert!(validate_peer_group(ff.p_be(), &[2], 3072).is_err());
        // A composite of the right size: p * something odd, cut to 2048 bits (odd).
        let mut composite = ff.p_be().to_vec();
        composite[100] ^= 0x10;
        assert!(validate_peer_group(&composite, &[2], 1024).is_err());
        // A product of two ~1024-bit primes passes trial division; Miller-Rabin catches it.
        let n = hex_fixture("server-modulus.hex");
        assert_eq!(n.len(), 256);
        assert!(validate_peer_group(&n, &[2], 1024).is_err());
        // A real (non-RFC 7919) 1024-bit prime from openssl passes; below the minimum fails.
        let p1024 = hex_fixture("prime-1024.hex");
        let g = validate_peer_group(&p1024, &[2], 1024).unwrap();
        assert!(!g.is_safe_prime());
        assert_eq!(g.exponent_bits(), 1023);
        assert!(validate_peer_group(&p1024, &[2], 2048).is_err());
        // The second validation of the same prime comes from the cache (same verdict).
        assert_eq!(verdict_cache::lookup(&p1024), Some(false));
        assert!(
            !validate_peer_group(&p1024, &[5], 1024)
                .unwrap()
                .is_safe_prime()
        );
        let safe = hex_fixture("safe-prime-1024.hex");
        let s = validate_peer_group(&safe, &[2], 1024).unwrap();
        assert!(s.is_safe_prime());
        assert_eq!(s.exponent_bits(), 256);
        assert_eq!(verdict_cache::lookup(&safe), Some(true));
        assert_eq!(verdict_cache::lookup(&n), None, "composites are not cached");
        // Keys in a non-safe group still agree.
        let a = DhKeyPair::generate(&g).unwrap();
        let b = DhKeyPair::generate(&g).unwrap();
        let (pa, pb) = (a.public_be(), b.public_be());
        assert_eq!(a.agree(&pb).unwrap(), b.agree(&pa).unwrap());
    }

    #[test]
    fn loaded_group_checks_safety() {
        let safe = hex_fixture("safe-prime-1024.hex");
        let g = DhGroup::from_be(&safe, &[2])
            .unwrap()
            .check_loaded()
            .unwrap();
        assert!(g.is_safe_prime());
        assert_eq!(g.exponent_bits(), 256);
        let unsafe_p = hex_fixture("prime-1024.hex");
        let g = DhGroup::from_be(&unsafe_p, &[2])
            .unwrap()
            .check_loaded()
            .unwrap();
        // A random prime is a safe prime with negligible probability.
        assert!(!g.is_safe_prime());
        // An odd multiple of 3 next to the prime: composite for certain (a flipped bit could
        // land on another prime, about one time in 350). The value mod 3 is the byte sum
        // mod 3, as 256 ≡ 1 (mod 3).
        let mut composite = safe.clone();
        let last = composite.len() - 1;
        let r = composite.iter().map(|&b| u32::from(b)).sum::<u32>() % 3;
        let up = composite[last] < 0xf0;
        let step = |b: u8, by: u8| if up { b + by } else { b - by };
        composite[last] = step(
            composite[last],
            if up { ((3 - r) % 3) as u8 } else { r as u8 },
        );
        if composite[last].is_multiple_of(2) {
            composite[last] = step(composite[last], 3);
        }
        assert!(
            DhGroup::from_be(&composite, &[2])
                .unwrap()
                .check_loaded()
                .is_err()
        );
        assert!(DhGroup::ffdhe2048().check_loaded().unwrap().is_safe_prime());
    }

    #[test]
    fn small_prime_table() {
        let p = small_primes();
        assert_eq!(&p[..5], &[3, 5, 7, 11, 13]);
        assert_eq!(p.last(), Some(&1999));
        assert_eq!(p.len(), 302);
    }

    #[test]
    #[cfg(feature = "ffdhe-large-groups")]
    fn ffdhe_named_groups() {
        for (id, bits) in [
            (256, 2048),
            (257, 3072),
            (258, 4096),
            (259, 6144),
            (260, 8192),
        ] {
            let g = DhGroup::ffdhe(id).unwrap();
            assert_eq!(
                (g.bits(), g.g_be(), g.ffdhe_id()),
                (bits, &[2u8][..], Some(id))
            );
            // Each constant is a safe prime (one Miller-Rabin round each for p and q already
            // rejects a mistyped digit), whose top and bottom 64 bits are all ones (RFC 7919
            // §A: p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1).
            assert_eq!(classify(&g.params, 1), Ok(Some(true)), "ffdhe{bits}");
            assert!(
                g.p_be()[..8]
                    .iter()
                    .chain(&g.p_be()[g.p_be().len() - 8..])
                    .all(|&b| b == 0xff)
            );
        }
        assert!(DhGroup::ffdhe(255).is_none() && DhGroup::ffdhe(261).is_none());
        // Another generator on a named prime is not the named group.
        let p = DhGroup::ffdhe(257).unwrap().p_be().to_vec();
        assert_eq!(DhGroup::from_be(&p, &[5]).unwrap().ffdhe_id(), None);
        assert_eq!(DhGroup::from_be(&p, &[2]).unwrap().ffdhe_id(), Some(257));
    }
}

#[cfg(test)]
mod bench {
    use super::*;

    /// `cargo test --release --lib dh::bench -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn dh_timings() {
        let g = DhGroup::ffdhe2048();
        let time = |label: &str, n: u32, f: &mut dyn FnMut()| {
            let t = std::time::Instant::now();
            for _ in 0..n {
                f();
            }
            eprintln!("{label}: {:?}", t.elapsed() / n);
        };
        time("clone group", 100, &mut || {
            core::hint::black_box(g.clone());
        });
        let x = BoxedUint::from_be_slice(&[0x5a; 32], g.precision()).unwrap();
        let base = BoxedMontyForm::new(g.g.clone(), &g.params);
        time("monty new", 100, &mut || {
            core::hint::black_box(BoxedMontyForm::new(g.g.clone(), &g.params));
        });
        time("pow 256", 50, &mut || {
            core::hint::black_box(base.pow_bounded_exp(&x, 256));
        });
        time("pow 2047", 10, &mut || {
            core::hint::black_box(base.pow_bounded_exp(&x, 2047));
        });
        time("generate", 20, &mut || {
            core::hint::black_box(DhKeyPair::generate(&g).unwrap());
        });
        let peer = DhKeyPair::generate(&g).unwrap().public_be();
        time("generate+agree", 20, &mut || {
            DhKeyPair::generate(&g).unwrap().agree(&peer).unwrap();
        });
        time(
            &format!("miller-rabin 2048 x{PEER_MR_ROUNDS}"),
            3,
            &mut || {
                assert!(is_probable_prime(&g.params, PEER_MR_ROUNDS).unwrap());
            },
        );
    }
}
