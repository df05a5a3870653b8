//! AEAD record protection: AES-GCM (RFC 5288) and ChaCha20-Poly1305 (RFC 7905), via ring.
//!
//! Both build the same additional data, seq(8) ‖ type(1) ‖ version(2) ‖ plaintext length(2)
//! (RFC 5246 §6.2.3.3), and differ only in the nonce:
//! * GCM: 4-byte salt from the key block ‖ 8-byte explicit nonce carried in the record. We
//!   send the sequence number as the explicit nonce (unique per key, as RFC 5288 §3 allows).
//! * ChaCha20-Poly1305: the 12-byte key-block IV XOR the left-padded sequence number;
//!   nothing is carried in the record.

use super::cipher::{BadRecord, BulkCipher, DirectionKeys, RecordDecrypter, RecordEncrypter};
use core::ops::Range;
use ring::aead::{
    AES_128_GCM, AES_256_GCM, Aad, Algorithm, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce,
    UnboundKey,
};
use zeroize::Zeroizing;

const TAG_LEN: usize = 16;
const GCM_EXPLICIT_LEN: usize = 8;

/// How the per-record nonce is formed.
enum NonceScheme {
    /// RFC 5288: salt ‖ explicit nonce (the explicit part travels as the record prefix).
    Gcm { salt: [u8; 4] },
    /// RFC 7905: IV XOR seq, implicit.
    Chacha { iv: Zeroizing<[u8; NONCE_LEN]> },
}

impl NonceScheme {
    fn explicit_len(&self) -> usize {
        match self {
            NonceScheme::Gcm { .. } => GCM_EXPLICIT_LEN,
            NonceScheme::Chacha { .. } => 0,
        }
    }

    /// The full 12-byte nonce; for GCM, `explicit` is the 8 bytes carried in the record.
    fn nonce(&self, seq: u64, explicit: [u8; 8]) -> Nonce {
        let mut n = [0u8; NONCE_LEN];
        match self {
            NonceScheme::Gcm { salt } => {
                n[..4].copy_from_slice(salt);
                n[4..].copy_from_slice(&explicit);
            }
            NonceScheme::Chacha { iv } => {
                n[4..].copy_from_slice(&seq.to_be_bytes());
                for (b, m) in n.iter_mut().zip(iv.iter()) {
                    *b ^= m;
                }
            }
        }
        Nonce::assume_unique_for_key(n)
    }
}

/// Key and nonce construction shared by both directions.
struct AeadState {
    key: LessSafeKey,
    nonce: NonceScheme,
}

fn aad(seq: u64, content_type: u8, version: u16, plain_len: usize) -> Aad<[u8; 13]> {
    let mut a = [0u8; 13];
    a[..8].copy_from_slice(&seq.to_be_bytes());
    a[8] = content_type;
    a[9..11].copy_from_slice(&version.to_be_bytes());
    // Record plaintext is at most 2^14 bytes (+ slack), far below u16::MAX.
    a[11..13].copy_from_slice(&(plain_len as u16).to_be_bytes());
    Aad::from(a)
}

impl AeadState {
    /// `keys` are sliced from the key block with the lengths `bulk` declares; a mismatch is a
    /// bug in the caller, not an input error, hence the panics.
    fn new(bulk: BulkCipher, keys: &DirectionKeys<'_>) -> Self {
        let alg: &'static Algorithm = match bulk {
            BulkCipher::Aes128Gcm => &AES_128_GCM,
            BulkCipher::Aes256Gcm => &AES_256_GCM,
            BulkCipher::ChaCha20Poly1305 => &CHACHA20_POLY1305,
            other => panic!("aead::new called with {other:?}, not an AEAD"),
        };
        let key = UnboundKey::new(alg, keys.enc_key).expect("AEAD key length from the key block");
        let nonce = if bulk == BulkCipher::ChaCha20Poly1305 {
            let mut iv = Zeroizing::new([0u8; NONCE_LEN]);
            iv.copy_from_slice(keys.iv);
            NonceScheme::Chacha { iv }
        } else {
            let mut salt = [0u8; 4];
            salt.copy_from_slice(keys.iv);
            NonceScheme::Gcm { salt }
        };
        AeadState {
            key: LessSafeKey::new(key),
            nonce,
        }
    }
}

struct AeadEncrypter(AeadState);
struct AeadDecrypter(AeadState);

pub(super) fn new_encrypter(
    bulk: BulkCipher,
    keys: &DirectionKeys<'_>,
) -> Box<dyn RecordEncrypter> {
    Box::new(AeadEncrypter(AeadState::new(bulk, keys)))
}

pub(super) fn new_decrypter(
    bulk: BulkCipher,
    keys: &DirectionKeys<'_>,
) -> Box<dyn RecordDecrypter> {
    Box::new(AeadDecrypter(AeadState::new(bulk, keys)))
}

impl RecordEncrypter for AeadEncrypter {
    fn prefix_len(&self) -> usize {
        self.0.nonce.explicit_len()
    }

    fn suffix_len(&self, _plain_len: usize) -> usize {
        TAG_LEN
    }

    fn seal(
        &mut self,
        seq: u64,
        content_type: u8,
        version: u16,
        body: &mut [u8],
        plain_len: usize,
    ) -> usize {
        let st = &self.0;
        let prefix = st.nonce.explicit_len();
        let explicit = seq.to_be_bytes();
        body[..prefix].copy_from_slice(&explicit[..prefix]);
        let nonce = st.nonce.nonce(seq, explicit);
        let end = prefix + plain_len;
        let tag = st
            .key
            .seal_in_place_separate_tag(
                nonce,
                aad(seq, content_type, version, plain_len),
                &mut body[prefix..end],
            )
            // ring refuses only inputs of many gigabytes; a record is at most 16 KiB.
            .expect("record fits the AEAD length limit");
        body[end..end + TAG_LEN].copy_from_slice(tag.as_ref());
        end + TAG_LEN
    }
}

impl RecordDecrypter for AeadDecrypter {
    fn open(
        &mut self,
        seq: u64,
        content_type: u8,
        version: u16,
        body: &mut [u8],
    ) -> Result<Range<usize>, BadRecord> {
        let st = &self.0;
        let prefix = st.nonce.explicit_len();
        if body.len() < prefix + TAG_LEN {
            return Err(BadRecord);
        }
        let plain_len = body.len() - prefix - TAG_LEN;
        let mut explicit = [0u8; 8];
        explicit[..prefix].copy_from_slice(&body[..prefix]);
        let nonce = st.nonce.nonce(seq, explicit);
        st.key
            .open_in_place(
                nonce,
                aad(seq, content_type, version, plain_len),
                &mut body[prefix..],
            )
            .map_err(|_| BadRecord)?;
        Ok(prefix..prefix + plain_len)
    }

    fn min_body_len(&self) -> usize {
        self.0.nonce.explicit_len() + TAG_LEN
    }
}

#[cfg(test)]
mod tests {
    use super::super::cipher::{self, MacAlgorithm};
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn seal(bulk: BulkCipher, key: &[u8], iv: &[u8], seq: u64, ct: u8, plain: &[u8]) -> Vec<u8> {
        let keys = DirectionKeys {
            mac_key: &[],
            enc_key: key,
            iv,
        };
        let mut enc = cipher::new_encrypter(bulk, MacAlgorithm::None, 0x0303, &keys);
        let p = enc.prefix_len();
        let mut body = vec![0u8; p + plain.len() + enc.suffix_len(plain.len())];
        body[p..p + plain.len()].copy_from_slice(plain);
        let n = enc.seal(seq, ct, 0x0303, &mut body, plain.len());
        body.truncate(n);
        body
    }

    fn open(
        bulk: BulkCipher,
        key: &[u8],
        iv: &[u8],
        seq: u64,
        ct: u8,
        body: &[u8],
    ) -> Result<Vec<u8>, BadRecord> {
        let keys = DirectionKeys {
            mac_key: &[],
            enc_key: key,
            iv,
        };
        let mut dec = cipher::new_decrypter(bulk, MacAlgorithm::None, 0x0303, &keys);
        let mut body = body.to_vec();
        let r = dec.open(seq, ct, 0x0303, &mut body)?;
        Ok(body[r].to_vec())
    }

    // Key, salt‖explicit nonce and plaintext of test case 4 of the GCM specification
    // (McGrew & Viega): the ciphertext must be the published one. The tag covers our
    // 13-byte TLS additional data; expected value from Python `cryptography` (OpenSSL).
    #[test]
    fn aes128_gcm_record_matches_known_vector() {
        let key = hex("feffe9928665731c6d6a8f9467308308");
        let plain = hex(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24\
             49a6b525b16aedf5aa0de657ba637b39",
        );
        let seq = 0xface_dbad_deca_f888;
        let rec = seal(
            BulkCipher::Aes128Gcm,
            &key,
            &hex("cafebabe"),
            seq,
            23,
            &plain,
        );
        let published_c = hex(
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5a\
             ac84aa051ba30b396a0aac973d58e091",
        );
        assert_eq!(rec[..8], seq.to_be_bytes());
        assert_eq!(rec[8..8 + 60], published_c[..]);
        assert_eq!(rec[68..], hex("5be6d5dcb050ee5df628789fee5db7a4")[..]);
        assert_eq!(
            open(BulkCipher::Aes128Gcm, &key, &hex("cafebabe"), seq, 23, &rec).unwrap(),
            plain
        );
    }

    #[test]
    fn aes256_gcm_record_matches_reference() {
        let key: Vec<u8> = (0..32).collect();
        let rec = seal(
            BulkCipher::Aes256Gcm,
            &key,
            &hex("01020304"),
            1,
            22,
            b"hello",
        );
        let mut expected = 1u64.to_be_bytes().to_vec();
        expected.extend(hex("b994ab52743985d9f2b733505f85ac84ce42b9a8bf"));
        assert_eq!(rec, expected);
    }

    // RFC 7905 nonce = IV XOR seq; expected from Python `cryptography` (OpenSSL).
    #[test]
    fn chacha20_poly1305_record_matches_reference() {
        let key: Vec<u8> = (0x80..0xa0).collect();
        let iv = hex("070000004041424344454647");
        let plain = b"Ladies and Gentlemen of the class of '99";
        let rec = seal(BulkCipher::ChaCha20Poly1305, &key, &iv, 5, 23, plain);
        let expected = hex(
            "22e9662b37c8d6be8f7919135f54da1ea812e2043b7c84822414c11b947e8b41d33ec7ba761ce95c52984d01\
             7daa953cab36d5cbd8289a5c",
        );
        assert_eq!(rec, expected);
        assert_eq!(
            open(BulkCipher::ChaCha20Poly1305, &key, &iv, 5, 23, &rec).unwrap(),
            plain
        );
    }

    #[test]
    fn tampering_and_wrong_context_fail() {
        for (bulk, klen, ivlen) in [
            (BulkCipher::Aes128Gcm, 16, 4),
            (BulkCipher::Aes256Gcm, 32, 4),
            (BulkCipher::ChaCha20Poly1305, 32, 12),
        ] {
            let key = vec![7u8; klen];
            let iv = vec![9u8; ivlen];
            for len in [0usize, 1, 100, 16384] {
                let plain: Vec<u8> = (0..len).map(|i| i as u8).collect();
                let rec = seal(bulk, &key, &iv, 42, 23, &plain);
                assert_eq!(open(bulk, &key, &iv, 42, 23, &rec).unwrap(), plain);
                for i in [0, rec.len() / 2, rec.len() - 1] {
                    let mut bad = rec.clone();
                    bad[i] ^= 1;
                    assert_eq!(open(bulk, &key, &iv, 42, 23, &bad), Err(BadRecord));
                }
                assert_eq!(open(bulk, &key, &iv, 43, 23, &rec), Err(BadRecord));
                assert_eq!(open(bulk, &key, &iv, 42, 22, &rec), Err(BadRecord));
                assert_eq!(
                    open(bulk, &key, &iv, 42, 23, &rec[..rec.len() - 1]),
                    Err(BadRecord)
                );
            }
            let keys = DirectionKeys {
                mac_key: &[],
                enc_key: &key,
                iv: &iv,
            };
            let mut dec = cipher::new_decrypter(bulk, MacAlgorithm::None, 0x0303, &keys);
            let min = dec.min_body_len();
            assert_eq!(min, if ivlen == 4 { 24 } else { 16 });
            let mut short = vec![0u8; min - 1];
            assert_eq!(dec.open(0, 23, 0x0303, &mut short), Err(BadRecord));
        }
    }
}

#[cfg(all(test, feature = "fast-rsa"))]
mod bench {
    use std::time::{Duration, Instant};

    /// ChaCha20-Poly1305 sealing of 16 KB records, ring (what the record layer uses) against
    /// aws-lc-rs, alternating, best of several rounds (the machine is shared; bench/NOTES.md):
    /// `cargo test --release --lib aead::bench -- --ignored --nocapture --test-threads=1`
    #[test]
    #[ignore]
    fn chacha_seal_ring_vs_aws_lc() {
        const LEN: usize = 16384;
        const N: u32 = 1000;
        let key = [7u8; 32];
        let ring_key = ring::aead::LessSafeKey::new(
            ring::aead::UnboundKey::new(&ring::aead::CHACHA20_POLY1305, &key).unwrap(),
        );
        let aws_key = aws_lc_rs::aead::LessSafeKey::new(
            aws_lc_rs::aead::UnboundKey::new(&aws_lc_rs::aead::CHACHA20_POLY1305, &key).unwrap(),
        );
        let mut data = vec![0xa5u8; LEN];
        let (mut best_ring, mut best_aws) = (Duration::MAX, Duration::MAX);
        for _ in 0..8 {
            let t = Instant::now();
            for i in 0..N {
                let mut n = [0u8; 12];
                n[8..].copy_from_slice(&i.to_be_bytes());
                let nonce = ring::aead::Nonce::assume_unique_for_key(n);
                let aad = ring::aead::Aad::from([0u8; 13]);
                let tag = ring_key
                    .seal_in_place_separate_tag(nonce, aad, &mut data)
                    .unwrap();
                let _ = std::hint::black_box(tag);
            }
            best_ring = best_ring.min(t.elapsed() / N);
            let t = Instant::now();
            for i in 0..N {
                let mut n = [0u8; 12];
                n[8..].copy_from_slice(&i.to_be_bytes());
                let nonce = aws_lc_rs::aead::Nonce::assume_unique_for_key(n);
                let aad = aws_lc_rs::aead::Aad::from([0u8; 13]);
                let tag = aws_key
                    .seal_in_place_separate_tag(nonce, aad, &mut data)
                    .unwrap();
                let _ = std::hint::black_box(tag);
            }
            best_aws = best_aws.min(t.elapsed() / N);
        }
        let mbs = |d: Duration| LEN as f64 / d.as_secs_f64() / 1e6;
        eprintln!(
            "ChaCha20-Poly1305 seal 16 KB: ring {best_ring:?} ({:.0} MB/s), aws-lc-rs {best_aws:?} ({:.0} MB/s)",
            mbs(best_ring),
            mbs(best_aws)
        );
    }
}
