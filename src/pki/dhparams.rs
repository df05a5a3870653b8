//! Diffie-Hellman parameters for DHE servers: `matrixSslLoadDhParams` (PEM file) and
//! `matrixSslLoadDhParamsMem` (DER), ABI.md §3.11.
//!
//! Formats: PKCS#3 `DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER,
//! privateValueLength INTEGER OPTIONAL }` (PEM label `DH PARAMETERS`, what `openssl dhparam`
//! and `openssl genpkey -genparam -algorithm DH` write; the only DER form accepted), and in PEM
//! also X9.42 / RFC 3279 `DomainParameters ::= SEQUENCE { p, g, q, j OPTIONAL,
//! validationParms OPTIONAL }` (label `X9.42 DH PARAMETERS`, `-algorithm DHX`), of which p
//! and g are used. `privateValueLength` is ignored: the exponent length is our policy
//! (`crypto::dh`).
//!
//! Return codes: file unreadable → `PS_PLATFORM_FAIL`; malformed DER/PEM, no parameter block,
//! or values that are no DH group at all (p even, g outside 2..p-2) → `PS_PARSE_FAIL`;
//! well-formed groups this library refuses (p under 1024 or over 8192 bits, p composite) →
//! `PS_UNSUPPORTED_FAIL`; parameters already loaded in this container → `PS_UNSUPPORTED_FAIL`
//! (checked first).

use super::der;
use super::pem::parse_pem;
use crate::crypto::dh::{DhGroup, MAX_DH_BITS};
use crate::error::{PS_PARSE_FAIL, PS_UNSUPPORTED_FAIL};

/// Smallest group a server may be configured with (issue 6; matches the client default).
pub const MIN_LOADED_DH_BITS: usize = 1024;

/// Which ASN.1 structure a block holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Pkcs3,
    X942,
}

/// (p, g) from a DER structure of the given format.
fn parse(der_bytes: &[u8], format: Format) -> Result<(&[u8], &[u8]), i32> {
    der::read_all(der_bytes, |r| {
        der::nested(r, der::SEQUENCE, |s| {
            let p = der::unsigned_integer(s)?;
            let g = der::unsigned_integer(s)?;
            match format {
                Format::Pkcs3 => {
                    // privateValueLength INTEGER OPTIONAL
                    if !s.at_end() {
                        der::small_uint(s)?;
                    }
                }
                Format::X942 => {
                    der::unsigned_integer(s)?; // q
                    if s.peek(der::INTEGER) {
                        der::unsigned_integer(s)?; // j
                    }
                    der::optional(s, der::SEQUENCE)?; // validationParms
                }
            }
            Ok((p, g))
        })
    })
}

/// Bit length of a big-endian value without leading zero bytes.
fn bit_len(v: &[u8]) -> usize {
    let v = v
        .get(v.iter().take_while(|&&b| b == 0).count()..)
        .unwrap_or_default();
    match v.first() {
        None => 0,
        Some(&top) => (v.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}

/// Validates (p, g) into a group: size policy, structure, primality (module doc for codes).
fn group(p: &[u8], g: &[u8]) -> Result<DhGroup, i32> {
    let bits = bit_len(p);
    if p.last().is_none_or(|b| b & 1 == 0) {
        return Err(PS_PARSE_FAIL);
    }
    if !(MIN_LOADED_DH_BITS..=MAX_DH_BITS).contains(&bits) {
        return Err(PS_UNSUPPORTED_FAIL);
    }
    let group = DhGroup::from_be(p, g).map_err(|()| PS_PARSE_FAIL)?;
    group.check_loaded().map_err(|()| PS_UNSUPPORTED_FAIL)
}

/// A group from DER PKCS#3 `DHParameter`.
pub fn dh_group_from_der(der_bytes: &[u8]) -> Result<DhGroup, i32> {
    let (p, g) = parse(der_bytes, Format::Pkcs3)?;
    group(p, g)
}

/// A group from the first `DH PARAMETERS` or `X9.42 DH PARAMETERS` PEM block of `text`.
pub fn dh_group_from_pem(text: &[u8]) -> Result<DhGroup, i32> {
    let blocks = parse_pem(text)?;
    let (block, format) = blocks
        .iter()
        .find_map(|b| match b.label.as_str() {
            "DH PARAMETERS" => Some((b, Format::Pkcs3)),
            "X9.42 DH PARAMETERS" => Some((b, Format::X942)),
            _ => None,
        })
        .ok_or(PS_PARSE_FAIL)?;
    let (p, g) = parse(&block.der, format)?;
    group(p, g)
}

#[cfg(test)]
mod tests {
    use super::*;
    // The tests load through the container, as the C API does.
    use crate::error::PS_PLATFORM_FAIL;
    use crate::keys::Keys;
    use crate::test_fixtures::core_files::{core, core_path, std_pki};

    /// The DH parameter fixture `dh-<name>`: ffdhe2048 as `openssl genpkey -genparam` and
    /// `openssl dhparam -outform DER` write it, `openssl dhparam 1024` and `512` (PEM and
    /// DER), an X9.42 group from `genpkey -algorithm DHX -pkeyopt dh_rfc5114:2`.
    fn read(name: &str) -> Vec<u8> {
        core(&format!("dh-{name}"))
    }

    /// ffdhe2048 (PEM and DER), a fresh safe-prime 1024-bit group from `openssl dhparam`, an
    /// X9.42 group, a 512-bit group, and broken inputs.
    #[test]
    fn loads_and_rejects() {
        let ff = dh_group_from_pem(&read("ffdhe2048.pem")).unwrap();
        assert_eq!(ff, DhGroup::ffdhe2048());
        assert!(ff.is_safe_prime());
        assert_eq!(dh_group_from_der(&read("ffdhe2048.der")).unwrap(), ff);
        let d = dh_group_from_pem(&read("1024.pem")).unwrap();
        assert_eq!(d.bits(), 1024);
        assert!(d.is_safe_prime(), "openssl dhparam makes safe primes");
        assert_eq!(dh_group_from_der(&read("1024.der")).unwrap(), d);
        let x = dh_group_from_pem(&read("x942-rfc5114-2.pem")).unwrap();
        assert_eq!(x.bits(), 2048);
        assert!(
            !x.is_safe_prime(),
            "RFC 5114 groups have a 224-bit subgroup"
        );

        // Too small: well-formed but refused.
        assert_eq!(
            dh_group_from_pem(&read("512.pem")),
            Err(PS_UNSUPPORTED_FAIL)
        );
        assert_eq!(
            dh_group_from_der(&read("512.der")),
            Err(PS_UNSUPPORTED_FAIL)
        );
        // Composite p of the right size.
        let ff_der = read("ffdhe2048.der");
        let mut composite = ff_der.clone();
        composite[100] ^= 0x04;
        assert_eq!(dh_group_from_der(&composite), Err(PS_UNSUPPORTED_FAIL));
        // Even p, g = 1, truncated, trailing junk, PEM given to the DER loader, nothing.
        let mut even = ff_der.clone();
        even[264] ^= 0x01;
        assert_eq!(dh_group_from_der(&even), Err(PS_PARSE_FAIL));
        let mut g1 = ff_der.clone();
        *g1.last_mut().unwrap() = 1;
        assert_eq!(dh_group_from_der(&g1), Err(PS_PARSE_FAIL));
        for bad in [
            &ff_der[..ff_der.len() - 1],
            &[ff_der.as_slice(), &[0]].concat()[..],
            &read("ffdhe2048.pem")[..],
            &[][..],
            &[0x30, 0x00][..],
        ] {
            assert_eq!(dh_group_from_der(bad), Err(PS_PARSE_FAIL));
        }
        // PEM without a parameter block.
        assert_eq!(dh_group_from_pem(b"no pem here"), Err(PS_PARSE_FAIL));
        assert_eq!(
            dh_group_from_pem(&std_pki().root.cert_pem),
            Err(PS_PARSE_FAIL)
        );
        // privateValueLength is accepted (and ignored).
        let mut with_len = ff_der[4..].to_vec();
        with_len.extend_from_slice(&[0x02, 0x02, 0x01, 0x00]);
        let with_len = der::encode_tlv(der::SEQUENCE, &with_len);
        assert_eq!(dh_group_from_der(&with_len).unwrap(), ff);
    }

    #[test]
    fn keys_loaders_fill_once() {
        let path = core_path("dh-ffdhe2048.pem").into_bytes();
        let mut keys = Keys::default();
        assert!(keys.dh_params.is_none());
        assert_eq!(
            keys.load_dh_params_file(b"/nonexistent/dh.pem"),
            Err(PS_PLATFORM_FAIL)
        );
        keys.load_dh_params_file(&path).unwrap();
        assert_eq!(keys.server_dh_group().bits(), 2048);
        assert_eq!(keys.load_dh_params_file(&path), Err(PS_UNSUPPORTED_FAIL));
        assert_eq!(
            keys.load_dh_params_der(&read("ffdhe2048.der")),
            Err(PS_UNSUPPORTED_FAIL)
        );
        let mut keys = Keys::default();
        assert_eq!(keys.load_dh_params_der(b"junk"), Err(PS_PARSE_FAIL));
        assert!(keys.dh_params.is_none());
        keys.load_dh_params_der(&read("ffdhe2048.der")).unwrap();
        assert!(keys.dh_params.is_some());
    }
}
