//! The TLS pseudo-random function (RFC 2246 §5 for TLS 1.0/1.1, RFC 5246 §5 for TLS 1.2).

use super::hash::{HashAlgorithm, HmacKey};
use zeroize::Zeroize;

/// Which PRF a connection uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PrfAlgorithm {
    /// TLS 1.0/1.1: P_MD5 over the first half of the secret XOR P_SHA1 over the second half.
    Tls10,
    /// TLS 1.2 with SHA-256 (every suite without its own PRF hash).
    Sha256,
    /// TLS 1.2 with SHA-384 (the `_SHA384` suites).
    Sha384,
}

/// Fills `out` with PRF(secret, label, seed), `seed` given as parts to be concatenated.
pub fn prf(alg: PrfAlgorithm, secret: &[u8], label: &[u8], seed: &[&[u8]], out: &mut [u8]) {
    match alg {
        PrfAlgorithm::Sha256 => p_hash(HashAlgorithm::Sha256, secret, label, seed, out, false),
        PrfAlgorithm::Sha384 => p_hash(HashAlgorithm::Sha384, secret, label, seed, out, false),
        PrfAlgorithm::Tls10 => {
            // RFC 2246 §5: S1 and S2 are the two halves, sharing the middle byte when the
            // length is odd.
            let half = secret.len().div_ceil(2);
            let s1 = &secret[..half];
            let s2 = &secret[secret.len() - half..];
            p_hash(HashAlgorithm::Md5, s1, label, seed, out, false);
            p_hash(HashAlgorithm::Sha1, s2, label, seed, out, true);
        }
    }
}

/// P_hash(secret, label ‖ seed) written into `out`, or XORed into it when `xor` is set.
fn p_hash(
    alg: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    seed: &[&[u8]],
    out: &mut [u8],
    xor: bool,
) {
    let key = HmacKey::new(alg, secret);
    let mut label_seed: Vec<&[u8]> = Vec::with_capacity(seed.len() + 2);
    label_seed.push(label);
    label_seed.extend_from_slice(seed);

    // A(1) = HMAC(secret, label ‖ seed); A(i+1) = HMAC(secret, A(i)).
    let mut a = key.sign(&label_seed);
    for chunk in out.chunks_mut(alg.output_len()) {
        let mut parts: Vec<&[u8]> = Vec::with_capacity(label_seed.len() + 1);
        parts.push(&a);
        parts.extend_from_slice(&label_seed);
        let mut block = key.sign(&parts);
        drop(parts);
        if xor {
            for (o, b) in chunk.iter_mut().zip(block.iter()) {
                *o ^= b;
            }
        } else {
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        block.zeroize();
        let next = key.sign(&[&a]);
        a.zeroize();
        a = next;
    }
    a.zeroize();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn run(alg: PrfAlgorithm, secret: &str, label: &[u8], seed: &[&[u8]], len: usize) -> Vec<u8> {
        let mut out = vec![0u8; len];
        prf(alg, &hex(secret), label, seed, &mut out);
        out
    }

    // The widely published TLS 1.2 PRF vector (SHA-256); also what
    // `openssl kdf -kdfopt digest:SHA256 ... TLS1-PRF` produces.
    #[test]
    fn tls12_sha256_vector() {
        let seed = hex("a0ba9f936cda311827a6f796ffd5198c");
        let out = run(
            PrfAlgorithm::Sha256,
            "9bbe436ba940f017b17652849a71db35",
            b"test label",
            &[&seed[..8], &seed[8..]],
            100,
        );
        let expected = hex(
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9\
             a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa480\
             82d122ee42c5a72e5a5110fff70187347b66",
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn tls12_sha384_vector() {
        let seed = hex("cd665cf6a8447dd6ff8b27555edb7465");
        let out = run(
            PrfAlgorithm::Sha384,
            "b80b733d6ceefcdc71566ea48e5567df",
            b"test label",
            &[&seed],
            148,
        );
        let expected = hex(
            "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82\
             b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473\
             ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9\
             aee691c8f3a26854308d5eaa3be85e0990703d73e56f",
        );
        assert_eq!(out, expected);
    }

    // Expected values from `openssl kdf -kdfopt digest:MD5-SHA1 ... TLS1-PRF`.
    #[test]
    fn tls10_even_secret() {
        let secret: String = (1u8..=0x48).map(|b| format!("{b:02x}")).collect();
        let out = run(
            PrfAlgorithm::Tls10,
            &secret,
            b"master secret",
            &[b"client random"],
            104,
        );
        let expected = hex(
            "1372f8c34e20f4b08f23708e565b33d876915fd3424dafa186dc09d6070fb4cb4788a114f9131560d8\
             204a2e06638536c1ae7ab3ce37d4e23285bd5979a1d6eea70c09fb70ae72190c96e37e314656fc2331\
             fa95a11ec6276d78d7f20a3c4dfdb7eb6d09a6069a12",
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn tls10_odd_secret_shares_middle_byte() {
        let out = run(
            PrfAlgorithm::Tls10,
            "0102030405060708090a0b0c0d0e0f10111213141516171819",
            b"key expansion",
            &[&[0x00, 0x11], &[0x22, 0x33]],
            48,
        );
        let expected = hex(
            "99ef69b11272bab7bb671eb14271bba25f1d2bcf025559ae011dd54b827baf2ab93afdea3ee6358f93\
             7ed6329e032cf3",
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn output_is_prefix_consistent() {
        let mut short = [0u8; 12];
        let mut long = [0u8; 80];
        for alg in [
            PrfAlgorithm::Tls10,
            PrfAlgorithm::Sha256,
            PrfAlgorithm::Sha384,
        ] {
            prf(alg, b"secret", b"client finished", &[b"hash"], &mut short);
            prf(alg, b"secret", b"client finished", &[b"hash"], &mut long);
            assert_eq!(short[..], long[..12]);
        }
    }
}
