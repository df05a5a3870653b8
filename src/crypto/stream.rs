//! Stream-cipher record protection (RFC 5246 §6.2.3.1 `GenericStreamCipher`): MAC over the
//! pseudo-header and the plaintext, append it, run the key stream over both. No IV, no
//! padding: the MAC sits at a public offset, so the constant-time concern is only the tag
//! comparison.
//!
//! Two "stream ciphers", both weak and each behind its own feature:
//! * RC4-128 (`rc4-suites`): SSL_RSA_WITH_RC4_128_SHA / _MD5. RC4's biases break it
//!   (RFC 7465 prohibits RC4 in TLS).
//! * NULL (`null-suites`): SSL_RSA_WITH_NULL_SHA / _MD5, integrity only.
//!
//! The MAC is the TLS HMAC, or the SSL 3.0 MAC under version 0x0300 (feature `ssl3`).

use core::ops::Range;

use super::cipher::{
    BadRecord, BulkCipher, DirectionKeys, MacAlgorithm, RecordDecrypter, RecordEncrypter,
};
use super::mdhash;
use super::recmac::{RecordMac, TlsHmac};

/// A key stream applied in place, continuing across records.
trait KeyStream: Send + 'static {
    fn apply(&mut self, data: &mut [u8]);
}

/// RC4 with a 128-bit key. Broken; only for peers that offer nothing else.
#[cfg(feature = "rc4-suites")]
struct Rc4ForLegacyUseOnly(rc4::Rc4<rc4::consts::U16>);

#[cfg(feature = "rc4-suites")]
impl KeyStream for Rc4ForLegacyUseOnly {
    fn apply(&mut self, data: &mut [u8]) {
        use rc4::StreamCipher;
        self.0.apply_keystream(data);
    }
}

/// The NULL cipher: the record travels in clear, only MACed.
#[cfg(feature = "null-suites")]
struct NullCipherForLegacyUseOnly;

#[cfg(feature = "null-suites")]
impl KeyStream for NullCipherForLegacyUseOnly {
    fn apply(&mut self, _data: &mut [u8]) {}
}

struct StreamEncrypter<S, M> {
    stream: S,
    mac: M,
}

struct StreamDecrypter<S, M> {
    stream: S,
    mac: M,
}

// Built once per direction and moved straight into the record object: the size difference
// between the variants costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
enum StreamKind {
    #[cfg(feature = "rc4-suites")]
    Rc4(Rc4ForLegacyUseOnly),
    #[cfg(feature = "null-suites")]
    Null(NullCipherForLegacyUseOnly),
}

/// The key stream for `bulk`. Keys are sliced from the key block with the lengths `bulk`
/// declares; a mismatch is a bug in the caller, hence the panics.
fn key_stream(bulk: BulkCipher, key: &[u8]) -> StreamKind {
    match bulk {
        #[cfg(feature = "rc4-suites")]
        BulkCipher::Rc4_128 => {
            use rc4::KeyInit;
            StreamKind::Rc4(Rc4ForLegacyUseOnly(
                rc4::Rc4::new_from_slice(key).expect("RC4 key length from the key block"),
            ))
        }
        #[cfg(feature = "null-suites")]
        BulkCipher::Null => {
            assert!(key.is_empty(), "the NULL cipher has no key");
            StreamKind::Null(NullCipherForLegacyUseOnly)
        }
        other => panic!("stream: {other:?} is not a stream cipher"),
    }
}

/// Builds `make::<S, M>` for the cipher and MAC at hand.
macro_rules! dispatch {
    ($make:ident, $bulk:expr, $mac:expr, $version:expr, $keys:expr) => {{
        fn with_stream<M: RecordMac>(kind: StreamKind, mac_key: &[u8]) -> Built {
            match kind {
                #[cfg(feature = "rc4-suites")]
                StreamKind::Rc4(s) => $make(s, M::new(mac_key)),
                #[cfg(feature = "null-suites")]
                StreamKind::Null(s) => $make(s, M::new(mac_key)),
            }
        }
        let kind = key_stream($bulk, $keys.enc_key);
        #[cfg(feature = "ssl3")]
        if $version == super::ssl3::SSL3_VERSION {
            use super::ssl3::Ssl3MacForLegacyUseOnly as S3;
            return match $mac {
                MacAlgorithm::Md5 => with_stream::<S3<mdhash::Md5>>(kind, $keys.mac_key),
                MacAlgorithm::Sha1 => with_stream::<S3<mdhash::Sha1>>(kind, $keys.mac_key),
                other => panic!("stream: SSL 3.0 has no {other:?} MAC"),
            };
        }
        assert!(
            $version >= 0x0301,
            "stream: protocol version {:#06x} is not enabled in this build",
            $version
        );
        match $mac {
            MacAlgorithm::Md5 => with_stream::<TlsHmac<mdhash::Md5>>(kind, $keys.mac_key),
            MacAlgorithm::Sha1 => with_stream::<TlsHmac<mdhash::Sha1>>(kind, $keys.mac_key),
            other => panic!("stream: {other:?} is not a stream suite MAC"),
        }
    }};
}

pub(super) fn new_encrypter(
    bulk: BulkCipher,
    mac: MacAlgorithm,
    version: u16,
    keys: &DirectionKeys<'_>,
) -> Box<dyn RecordEncrypter> {
    type Built = Box<dyn RecordEncrypter>;
    fn make<S: KeyStream, M: RecordMac>(stream: S, mac: M) -> Built {
        Box::new(StreamEncrypter { stream, mac })
    }
    dispatch!(make, bulk, mac, version, keys)
}

pub(super) fn new_decrypter(
    bulk: BulkCipher,
    mac: MacAlgorithm,
    version: u16,
    keys: &DirectionKeys<'_>,
) -> Box<dyn RecordDecrypter> {
    type Built = Box<dyn RecordDecrypter>;
    fn make<S: KeyStream, M: RecordMac>(stream: S, mac: M) -> Built {
        Box::new(StreamDecrypter { stream, mac })
    }
    dispatch!(make, bulk, mac, version, keys)
}

impl<S: KeyStream, M: RecordMac> RecordEncrypter for StreamEncrypter<S, M> {
    fn prefix_len(&self) -> usize {
        0
    }

    fn suffix_len(&self, _plain_len: usize) -> usize {
        M::mac_len()
    }

    fn seal(
        &mut self,
        seq: u64,
        content_type: u8,
        version: u16,
        body: &mut [u8],
        plain_len: usize,
    ) -> usize {
        let total = plain_len + M::mac_len();
        assert!(
            body.len() >= total,
            "seal: body shorter than plaintext + MAC"
        );
        let data = &mut body[..total];
        let (plain, tag) = data.split_at_mut(plain_len);
        self.mac.compute(seq, content_type, version, plain, tag);
        self.stream.apply(data);
        total
    }
}

impl<S: KeyStream, M: RecordMac> RecordDecrypter for StreamDecrypter<S, M> {
    fn open(
        &mut self,
        seq: u64,
        content_type: u8,
        version: u16,
        body: &mut [u8],
    ) -> Result<Range<usize>, BadRecord> {
        let mac_len = M::mac_len();
        if body.len() < mac_len {
            return Err(BadRecord);
        }
        self.stream.apply(body);
        let len = body.len() - mac_len;
        let (plain, received) = body.split_at(len);
        if self.mac.verify(seq, content_type, version, plain, received) {
            Ok(0..len)
        } else {
            Err(BadRecord)
        }
    }

    fn min_body_len(&self) -> usize {
        M::mac_len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::cipher;
    use super::super::recmac::tls_mac_header;
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    /// What `openssl <args>` printed for the given stdin (hex), recorded with OpenSSL 3.0
    /// so the tests compare against openssl without running it: (arguments, stdin, stdout).
    #[cfg(any(feature = "rc4-suites", feature = "null-suites"))]
    const OPENSSL_OUTPUTS: &[(&str, &str, &str)] = &[
        (
            "dgst -sha1 -mac HMAC -macopt hexkey:03080d12171c21262b30353a3f44494e53585d62 -binary",
            "0000000000000000170301000c6669727374207265636f7264",
            "b38a5e6abee8609407cb6bb52824fa33aef00b17",
        ),
        (
            "dgst -md5 -mac HMAC -macopt hexkey:03080d12171c21262b30353a3f44494e -binary",
            "0000000000000009170302000c696e2074686520636c656172",
            "a01bee16bd87d4ced197eaf614bed427",
        ),
        (
            "dgst -sha1 -mac HMAC -macopt hexkey:03080d12171c21262b30353a3f44494e53585d62 -binary",
            "000000000000000117030100327777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777",
            "b46c9369ac9fc1fa21908f409ae864c0673529d6",
        ),
        (
            "enc -rc4 -provider legacy -provider default -K 6b6a69686f6e6d6c6362616067666564",
            "6669727374207265636f7264b38a5e6abee8609407cb6bb52824fa33aef00b177777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777b46c9369ac9fc1fa21908f409ae864c0673529d6",
            "c17631a264a8694a8990c6feb55e01fe676b87bd4863b296843da2d50e18c0358c54c185f05e2bbfdba75e5aed983f5bb7cb648eb56cc5f00da1a96c0887d36384789c20ab47d2b8389c2199498244b5353aab9e7341a91591d8a1914560efa5f0204d538109",
        ),
    ];

    /// The recorded output of `openssl args` over `stdin`; a call that was not recorded
    /// (the test's inputs changed) fails with the command to rerun.
    #[cfg(any(feature = "rc4-suites", feature = "null-suites"))]
    fn openssl(args: &[&str], stdin: &[u8]) -> Vec<u8> {
        crate::test_fixtures::core_files::recorded_openssl(OPENSSL_OUTPUTS, args, stdin)
    }

    fn suites() -> Vec<(BulkCipher, MacAlgorithm)> {
        let mut v = Vec::new();
        #[cfg(feature = "rc4-suites")]
        v.extend([
            (BulkCipher::Rc4_128, MacAlgorithm::Sha1),
            (BulkCipher::Rc4_128, MacAlgorithm::Md5),
        ]);
        #[cfg(feature = "null-suites")]
        v.extend([
            (BulkCipher::Null, MacAlgorithm::Sha1),
            (BulkCipher::Null, MacAlgorithm::Md5),
        ]);
        v
    }

    fn versions() -> Vec<u16> {
        let mut v = vec![0x0301, 0x0302, 0x0303];
        if cfg!(feature = "ssl3") {
            v.push(0x0300);
        }
        v
    }

    struct Keys {
        mac: Vec<u8>,
        enc: Vec<u8>,
    }

    impl Keys {
        fn new(bulk: BulkCipher, mac: MacAlgorithm) -> Keys {
            assert!(bulk.is_stream() && !bulk.is_aead() && !bulk.is_cbc());
            assert_eq!(bulk.key_block_iv_len(), 0);
            Keys {
                mac: (0..mac.len() as u8).map(|i| i * 5 + 3).collect(),
                enc: (0..bulk.key_len() as u8).map(|i| i ^ 0x6b).collect(),
            }
        }
        fn dir(&self) -> DirectionKeys<'_> {
            DirectionKeys {
                mac_key: &self.mac,
                enc_key: &self.enc,
                iv: &[],
            }
        }
    }

    fn seal(enc: &mut dyn RecordEncrypter, seq: u64, version: u16, plain: &[u8]) -> Vec<u8> {
        assert_eq!(enc.prefix_len(), 0);
        let mut body = vec![0u8; plain.len() + enc.suffix_len(plain.len())];
        body[..plain.len()].copy_from_slice(plain);
        let n = enc.seal(seq, 23, version, &mut body, plain.len());
        assert_eq!(n, body.len());
        body
    }

    #[test]
    fn round_trip_and_tampering() {
        for (bulk, mac) in suites() {
            for version in versions() {
                let k = Keys::new(bulk, mac);
                let mut enc = cipher::new_encrypter(bulk, mac, version, &k.dir());
                let mut dec = cipher::new_decrypter(bulk, mac, version, &k.dir());
                assert_eq!(dec.min_body_len(), mac.len());
                let mut records = Vec::new();
                for (seq, len) in [0usize, 1, 100, 16384].into_iter().enumerate() {
                    let plain: Vec<u8> = (0..len).map(|i| (i * 3 + seq) as u8).collect();
                    let mut rec = seal(enc.as_mut(), seq as u64, version, &plain);
                    records.push(rec.clone());
                    let r = dec.open(seq as u64, 23, version, &mut rec).unwrap();
                    assert_eq!(&rec[r], &plain[..], "{bulk:?} {mac:?} {version:x} {len}");
                }
                // Any flipped bit, a wrong sequence number or type, a short record: rejected
                // (each with a fresh decrypter at the right stream position: record 0).
                let rec = &records[1];
                for i in 0..rec.len() {
                    let mut bad = rec.clone();
                    bad[i] ^= 0x04;
                    let mut dec = cipher::new_decrypter(bulk, mac, version, &k.dir());
                    dec.open(0, 23, version, &mut records[0].clone()).unwrap();
                    assert_eq!(dec.open(1, 23, version, &mut bad), Err(BadRecord));
                }
                for (seq, ty) in [(2u64, 23u8), (1, 22)] {
                    let mut dec = cipher::new_decrypter(bulk, mac, version, &k.dir());
                    dec.open(0, 23, version, &mut records[0].clone()).unwrap();
                    assert_eq!(dec.open(seq, ty, version, &mut rec.clone()), Err(BadRecord));
                }
                let mut dec = cipher::new_decrypter(bulk, mac, version, &k.dir());
                let mut short = vec![0u8; mac.len() - 1];
                assert_eq!(dec.open(0, 23, version, &mut short), Err(BadRecord));
            }
        }
    }

    /// RC4-128-SHA records (two in a row: the key stream continues) against
    /// `openssl enc -rc4` (legacy provider) and `openssl dgst -hmac`.
    #[cfg(feature = "rc4-suites")]
    #[test]
    fn rc4_records_match_openssl() {
        let (bulk, mac) = (BulkCipher::Rc4_128, MacAlgorithm::Sha1);
        let k = Keys::new(bulk, mac);
        let mut enc = cipher::new_encrypter(bulk, mac, 0x0301, &k.dir());
        let mut clear = Vec::new();
        let mut sealed = Vec::new();
        for (seq, plain) in [(0u64, &b"first record"[..]), (1, &[0x77u8; 50][..])] {
            let rec = seal(enc.as_mut(), seq, 0x0301, plain);
            let mac_input = [&tls_mac_header(seq, 23, 0x0301, plain.len())[..], plain].concat();
            let tag = openssl(
                &[
                    "dgst",
                    "-sha1",
                    "-mac",
                    "HMAC",
                    "-macopt",
                    &format!("hexkey:{}", hex(&k.mac)),
                    "-binary",
                ],
                &mac_input,
            );
            clear.extend_from_slice(plain);
            clear.extend_from_slice(&tag);
            sealed.extend_from_slice(&rec);
        }
        let ct = openssl(
            &[
                "enc",
                "-rc4",
                "-provider",
                "legacy",
                "-provider",
                "default",
                "-K",
                &hex(&k.enc),
            ],
            &clear,
        );
        assert_eq!(sealed, ct);
    }

    /// NULL-MD5: the record is the plaintext followed by HMAC-MD5 (`openssl dgst`).
    #[cfg(feature = "null-suites")]
    #[test]
    fn null_md5_record_matches_openssl() {
        let (bulk, mac) = (BulkCipher::Null, MacAlgorithm::Md5);
        let k = Keys::new(bulk, mac);
        let mut enc = cipher::new_encrypter(bulk, mac, 0x0302, &k.dir());
        let plain = b"in the clear";
        let rec = seal(enc.as_mut(), 9, 0x0302, plain);
        let mac_input = [&tls_mac_header(9, 23, 0x0302, plain.len())[..], plain].concat();
        let tag = openssl(
            &[
                "dgst",
                "-md5",
                "-mac",
                "HMAC",
                "-macopt",
                &format!("hexkey:{}", hex(&k.mac)),
                "-binary",
            ],
            &mac_input,
        );
        assert_eq!(rec, [&plain[..], &tag].concat());
    }
}
