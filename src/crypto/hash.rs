//! Message digests and HMAC for the handshake (transcript hashes, Finished, PRF, signatures).
//!
//! SHA-1/SHA-2 come from ring; MD5, which ring lacks, from the `md-5` crate (needed only by
//! TLS 1.0/1.1: PRF, Finished and the MD5‖SHA-1 signature hash).

use md5::{Digest, Md5};
use ring::{digest, hmac as ring_hmac};
use zeroize::{Zeroize, Zeroizing};

/// Digest algorithms used by TLS 1.0–1.2.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HashAlgorithm {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlgorithm {
    /// Digest length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            HashAlgorithm::Md5 => 16,
            HashAlgorithm::Sha1 => 20,
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        }
    }

    /// Input block length in bytes (64, or 128 for SHA-384/512).
    pub fn block_len(self) -> usize {
        match self {
            HashAlgorithm::Sha384 | HashAlgorithm::Sha512 => 128,
            HashAlgorithm::Md5 | HashAlgorithm::Sha1 | HashAlgorithm::Sha256 => 64,
        }
    }

    /// One-shot digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self.ring_digest() {
            Some(alg) => digest::digest(alg, data).as_ref().to_vec(),
            None => Md5::digest(data).to_vec(),
        }
    }

    /// ring's digest for this algorithm (`None` for MD5).
    fn ring_digest(self) -> Option<&'static digest::Algorithm> {
        match self {
            HashAlgorithm::Md5 => None,
            HashAlgorithm::Sha1 => Some(&digest::SHA1_FOR_LEGACY_USE_ONLY),
            HashAlgorithm::Sha256 => Some(&digest::SHA256),
            HashAlgorithm::Sha384 => Some(&digest::SHA384),
            HashAlgorithm::Sha512 => Some(&digest::SHA512),
        }
    }

    fn ring_hmac(self) -> Option<ring_hmac::Algorithm> {
        match self {
            HashAlgorithm::Md5 => None,
            HashAlgorithm::Sha1 => Some(ring_hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY),
            HashAlgorithm::Sha256 => Some(ring_hmac::HMAC_SHA256),
            HashAlgorithm::Sha384 => Some(ring_hmac::HMAC_SHA384),
            HashAlgorithm::Sha512 => Some(ring_hmac::HMAC_SHA512),
        }
    }
}

/// A SHA-256 identity of a sequence of byte strings, each framed by a tag and its length so
/// that different sequences never feed the hash the same bytes. Used for what sessions
/// remember about keys, peers and records: values compared for equality, never secrets.
pub struct ItemDigest(digest::Context);

impl ItemDigest {
    /// A digest whose input starts with `domain` (keeps the users' digests apart).
    pub fn new(domain: &[u8]) -> Self {
        let mut ctx = digest::Context::new(&digest::SHA256);
        ctx.update(domain);
        ItemDigest(ctx)
    }

    pub fn item(&mut self, tag: u8, bytes: &[u8]) {
        self.0.update(&[tag]);
        self.0.update(&(bytes.len() as u64).to_be_bytes());
        self.0.update(bytes);
    }

    pub fn finish(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.0.finish().as_ref());
        out
    }
}

/// A running digest: data is absorbed as it comes, and the digest of what was absorbed so
/// far can be taken any number of times (the handshake transcript hashes).
#[derive(Clone)]
pub struct HashContext {
    algorithm: HashAlgorithm,
    state: ContextState,
}

#[derive(Clone)]
enum ContextState {
    Ring(digest::Context),
    Md5(Md5),
}

impl HashContext {
    pub fn new(algorithm: HashAlgorithm) -> Self {
        let state = match algorithm.ring_digest() {
            Some(alg) => ContextState::Ring(digest::Context::new(alg)),
            None => ContextState::Md5(Md5::new()),
        };
        HashContext { algorithm, state }
    }

    pub fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            ContextState::Ring(ctx) => ctx.update(data),
            ContextState::Md5(ctx) => ctx.update(data),
        }
    }

    /// The digest of everything absorbed so far; the context stays usable.
    pub fn digest_so_far(&self) -> Vec<u8> {
        self.clone().finish()
    }

    /// The digest of everything absorbed.
    pub fn finish(self) -> Vec<u8> {
        match self.state {
            ContextState::Ring(ctx) => ctx.finish().as_ref().to_vec(),
            ContextState::Md5(ctx) => ctx.finalize().to_vec(),
        }
    }
}

/// MD5(data) ‖ SHA-1(data): the hash signed in TLS 1.0/1.1 and used by their Finished.
pub fn md5_sha1(data: &[u8]) -> [u8; 36] {
    let mut out = [0u8; 36];
    out[..16].copy_from_slice(&Md5::digest(data));
    out[16..].copy_from_slice(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, data).as_ref());
    out
}

/// HMAC of the concatenation of `data` under `key`.
pub fn hmac(alg: HashAlgorithm, key: &[u8], data: &[&[u8]]) -> Vec<u8> {
    HmacKey::new(alg, key).sign(data)
}

/// An HMAC key prepared once and used for many messages (the PRF computes dozens of
/// HMACs under the same secret).
pub(crate) enum HmacKey {
    Ring(ring_hmac::Key),
    /// MD5 has no ring implementation: RFC 2104 by hand, with the two hash states after
    /// absorbing `key ^ ipad` and `key ^ opad` kept so each message costs no key setup.
    Md5 {
        inner: Md5,
        outer: Md5,
    },
}

impl HmacKey {
    pub(crate) fn new(alg: HashAlgorithm, key: &[u8]) -> Self {
        if let Some(ring_alg) = alg.ring_hmac() {
            return HmacKey::Ring(ring_hmac::Key::new(ring_alg, key));
        }
        const BLOCK: usize = 64;
        let mut block = Zeroizing::new([0u8; BLOCK]);
        if key.len() > BLOCK {
            block[..16].copy_from_slice(&Md5::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let mut pad = Zeroizing::new([0u8; BLOCK]);
        for (p, k) in pad.iter_mut().zip(block.iter()) {
            *p = k ^ 0x36;
        }
        let mut inner = Md5::new();
        inner.update(&pad[..]);
        for (p, k) in pad.iter_mut().zip(block.iter()) {
            *p = k ^ 0x5c;
        }
        let mut outer = Md5::new();
        outer.update(&pad[..]);
        HmacKey::Md5 { inner, outer }
    }

    pub(crate) fn sign(&self, data: &[&[u8]]) -> Vec<u8> {
        match self {
            HmacKey::Ring(key) => {
                let mut ctx = ring_hmac::Context::with_key(key);
                for part in data {
                    ctx.update(part);
                }
                ctx.sign().as_ref().to_vec()
            }
            HmacKey::Md5 { inner, outer } => {
                let mut inner = inner.clone();
                for part in data {
                    inner.update(part);
                }
                let mut inner_hash = inner.finalize();
                let mut outer = outer.clone();
                outer.update(inner_hash.as_slice());
                inner_hash.as_mut_slice().zeroize();
                outer.finalize().to_vec()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn item_digests_frame_every_item() {
        let of = |domain: &[u8], items: &[(u8, &[u8])]| {
            let mut d = ItemDigest::new(domain);
            for &(tag, bytes) in items {
                d.item(tag, bytes);
            }
            d.finish()
        };
        let ab = of(b"x", &[(1, b"ab"), (1, b"c")]);
        assert_eq!(ab, of(b"x", &[(1, b"ab"), (1, b"c")]));
        // Moving a byte between items, changing a tag or the domain changes the digest.
        assert_ne!(ab, of(b"x", &[(1, b"a"), (1, b"bc")]));
        assert_ne!(ab, of(b"x", &[(2, b"ab"), (1, b"c")]));
        assert_ne!(ab, of(b"y", &[(1, b"ab"), (1, b"c")]));
        assert_ne!(of(b"x", &[]), of(b"x", &[(0, b"")]));
    }

    #[test]
    fn digests_of_abc() {
        let cases = [
            (HashAlgorithm::Md5, "900150983cd24fb0d6963f7d28e17f72"),
            (
                HashAlgorithm::Sha1,
                "a9993e364706816aba3e25717850c26c9cd0d89d",
            ),
            (
                HashAlgorithm::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                HashAlgorithm::Sha384,
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
                 8086072ba1e7cc2358baeca134c825a7",
            ),
            (
                HashAlgorithm::Sha512,
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
                 2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ),
        ];
        for (alg, expected) in cases {
            let d = alg.digest(b"abc");
            assert_eq!(d, hex(expected), "{alg:?}");
            assert_eq!(d.len(), alg.output_len());
        }
    }

    #[test]
    fn running_context_matches_one_shot_digest() {
        let data = b"the quick brown fox jumps over the lazy dog, more than one block of it: \
                     0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        for alg in [
            HashAlgorithm::Md5,
            HashAlgorithm::Sha1,
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            let mut ctx = HashContext::new(alg);
            let (a, b) = data.split_at(37);
            ctx.update(a);
            assert_eq!(ctx.digest_so_far(), alg.digest(a), "{alg:?} prefix");
            ctx.update(b);
            assert_eq!(ctx.digest_so_far(), alg.digest(data), "{alg:?}");
            assert_eq!(ctx.algorithm(), alg);
            assert_eq!(ctx.finish(), alg.digest(data), "{alg:?} finish");
        }
    }

    #[test]
    fn md5_sha1_concatenates() {
        let out = md5_sha1(b"abc");
        assert_eq!(out[..16], hex("900150983cd24fb0d6963f7d28e17f72")[..]);
        assert_eq!(
            out[16..],
            hex("a9993e364706816aba3e25717850c26c9cd0d89d")[..]
        );
    }

    // RFC 2202 / RFC 4231 test case 2 (key "Jefe"), with the message split in parts.
    #[test]
    fn hmac_known_answers() {
        let cases = [
            (HashAlgorithm::Md5, "750c783e6ab0b503eaa86e310a5db738"),
            (
                HashAlgorithm::Sha1,
                "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
            ),
            (
                HashAlgorithm::Sha256,
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                HashAlgorithm::Sha384,
                "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e\
                 8e2240ca5e69e2c78b3239ecfab21649",
            ),
            (
                HashAlgorithm::Sha512,
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554\
                 9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
            ),
        ];
        for (alg, expected) in cases {
            let parts: [&[u8]; 3] = [b"what do ya", b"", b" want for nothing?"];
            assert_eq!(hmac(alg, b"Jefe", &parts), hex(expected), "{alg:?}");
        }
    }

    // Key longer than the block (hashed first); expected value from
    // `openssl dgst -md5 -hmac kkkk...(80)` over 100 'a'.
    #[test]
    fn hmac_md5_long_key() {
        let key = [b'k'; 80];
        let data = [b'a'; 100];
        assert_eq!(
            hmac(HashAlgorithm::Md5, &key, &[&data]),
            hex("2f908aeec9a9fedd517b05385cf6b04b")
        );
    }
}
