//! Tests of the Tier C crypto API exports (`crypto/cryptoApi.h`), called through the rlib as
//! a C program would call them. Keys and certificates are the committed fixtures in
//! tests/fixtures/ (made by make-fixtures.sh): no test runs the openssl CLI.

mod common;

use core::mem::MaybeUninit;
use core::ptr;
use std::ffi::CString;
use std::path::PathBuf;

use common::{fixture, fixture_path};
use matrixssl::crypto::hash::HashAlgorithm;
use matrixssl::error::{
    PS_ARG_FAIL, PS_CERT_AUTH_FAIL_BC, PS_CERT_AUTH_FAIL_DN, PS_CERT_AUTH_FAIL_SIG, PS_FAILURE,
    PS_LIMIT_FAIL, PS_PARSE_FAIL, PS_PLATFORM_FAIL, PS_SUCCESS, PS_UNSUPPORTED_FAIL,
};
use matrixssl::ffi::crypto_api::*;
use matrixssl::ffi::x509::{
    PS_RSA, psPubKey_t, psRsaKey_t, psX509Cert_t, psX509FreeCert, psX509ParseCert,
};
use matrixssl::pki::pem::parse_pem;
use md5::{Digest, Md5};

/// The self-signed RSA-1024 "CN=Test CA" certificate (DER) and its PKCS#1 key (DER).
fn test_ca_der() -> Vec<u8> {
    fixture("test-ca.der")
}

fn test_ca_key_der() -> Vec<u8> {
    fixture("test-ca.key.der")
}

/// A fixture's path as the C string the file-reading exports take.
fn fixture_cpath(name: &str) -> CString {
    CString::new(fixture_path(name).into_os_string().into_encoded_bytes()).unwrap()
}

/// The DER of the first block of a PEM fixture (certificate or unencrypted key).
fn pem_fixture_der(name: &str) -> Vec<u8> {
    let blocks = parse_pem(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    blocks[0].der.to_vec()
}

/// A directory for files the tests write, removed (with its contents) on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("matrixssl-ffi-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn path_str(&self, name: &str) -> String {
        self.path(name).to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A context as an application has it: uninitialised stack memory, filled with a
/// pattern so stale bytes would show.
fn garbage<T>() -> MaybeUninit<T> {
    let mut m = MaybeUninit::<T>::uninit();
    // SAFETY: writing bytes into the MaybeUninit's own storage.
    unsafe { ptr::write_bytes(m.as_mut_ptr().cast::<u8>(), 0xA5, size_of::<T>()) };
    m
}

// NIST SP 800-38A F.2: the same plaintext and IV for the three key sizes; ciphertexts
// also reproduced with `openssl enc -aes-N-cbc -nopad`.
const SP800_38A_PT: &str = "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
    30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";
const SP800_38A_IV: &str = "000102030405060708090a0b0c0d0e0f";
const AES_CBC_CASES: [(&str, &str); 3] = [
    (
        "2b7e151628aed2a6abf7158809cf4f3c",
        "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2
         73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7",
    ),
    (
        "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
        "4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a
         571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd",
    ),
    (
        "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
        "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d
         39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b",
    ),
];

#[test]
fn aes_cbc_known_answers_in_place_and_across_calls() {
    let pt = hex(SP800_38A_PT);
    let mut iv = hex(SP800_38A_IV);
    for (key, ct) in AES_CBC_CASES {
        let (mut key, ct) = (hex(key), hex(ct));
        let mut ctx = garbage::<psCipherContext_t>();
        let c = ctx.as_mut_ptr();
        // SAFETY: a context-sized buffer, key/IV/data buffers of the stated lengths.
        unsafe {
            assert_eq!(
                psAesInit(c, iv.as_mut_ptr(), key.as_mut_ptr(), key.len() as u32),
                PS_SUCCESS
            );
            // First block separately, the rest in place: chaining continues.
            let mut out = pt.clone();
            assert_eq!(psAesEncrypt(c, out.as_mut_ptr(), out.as_mut_ptr(), 16), 16);
            let p = out.as_mut_ptr().add(16);
            assert_eq!(psAesEncrypt(c, p, p, 48), 48);
            assert_eq!(out, ct);

            assert_eq!(
                psAesInit(c, iv.as_mut_ptr(), key.as_mut_ptr(), key.len() as u32),
                PS_SUCCESS
            );
            let mut back = vec![0u8; 64];
            assert_eq!(psAesDecrypt(c, out.as_mut_ptr(), back.as_mut_ptr(), 32), 32);
            let (o, b) = (out.as_mut_ptr().add(32), back.as_mut_ptr().add(32));
            assert_eq!(psAesDecrypt(c, o, b, 32), 32);
            assert_eq!(back, pt);
        }
    }
}

#[test]
fn aes_single_blocks_and_argument_errors() {
    // FIPS-197 C.1 (AES-128).
    let key = hex("000102030405060708090a0b0c0d0e0f");
    let pt = hex("00112233445566778899aabbccddeeff");
    let ct = hex("69c4e0d86a7b0430d8cdb78070b4c55a");
    let mut skey = garbage::<psAesKey_t>();
    let mut block = [0u8; 16];
    let mut iv = [0u8; 16];
    // SAFETY: buffers of the stated sizes; NULLs where the API allows them.
    unsafe {
        assert_eq!(
            psAesInitKey(key.as_ptr(), 16, skey.as_mut_ptr()),
            PS_SUCCESS
        );
        psAesEncryptBlock(pt.as_ptr(), block.as_mut_ptr(), skey.as_mut_ptr());
        assert_eq!(block.to_vec(), ct);
        psAesDecryptBlock(block.as_ptr(), block.as_mut_ptr(), skey.as_mut_ptr());
        assert_eq!(block.to_vec(), pt);
        assert_eq!(
            psAesInitKey(key.as_ptr(), 15, skey.as_mut_ptr()),
            CRYPT_INVALID_KEYSIZE
        );
        assert_eq!(
            psAesInitKey(ptr::null(), 16, skey.as_mut_ptr()),
            PS_ARG_FAIL
        );
        psAesEncryptBlock(ptr::null(), block.as_mut_ptr(), skey.as_mut_ptr());

        let mut ctx = garbage::<psCipherContext_t>();
        let c = ctx.as_mut_ptr();
        let k = key.as_ptr().cast_mut();
        assert_eq!(psAesInit(c, iv.as_mut_ptr(), k, 17), CRYPT_INVALID_KEYSIZE);
        assert_eq!(
            psAesInit(ptr::null_mut(), iv.as_mut_ptr(), k, 16),
            PS_ARG_FAIL
        );
        assert_eq!(psAesInit(c, ptr::null_mut(), k, 16), PS_ARG_FAIL);
        assert_eq!(psAesInit(c, iv.as_mut_ptr(), k, 16), PS_SUCCESS);
        let b = block.as_mut_ptr();
        assert_eq!(psAesEncrypt(c, b, b, 8), PS_ARG_FAIL);
        assert_eq!(psAesEncrypt(c, ptr::null_mut(), b, 16), PS_ARG_FAIL);
        assert_eq!(psAesEncrypt(c, b, b, 0), 0);
        // A 3DES context is refused by the AES functions and the reverse.
        assert_eq!(psDes3Encrypt(c, b, b, 8), PS_LIMIT_FAIL);
        let mut k3 = [7u8; 24];
        assert_eq!(
            psDes3Init(c, iv.as_mut_ptr(), k3.as_mut_ptr(), 24),
            PS_SUCCESS
        );
        assert_eq!(psAesEncrypt(c, b, b, 16), PS_LIMIT_FAIL);
    }
}

#[test]
fn des3_cbc_known_answer_and_blocks() {
    // Reproduced with `openssl enc -des-ede3-cbc -nopad -K ... -iv ...`.
    let mut key = hex("0123456789abcdeff1e0d3c2b5a49786fedcba9876543210");
    let mut iv = hex("1234567890abcdef");
    let pt = b"Now is the time for all ".to_vec();
    let ct = hex("4028574611073912081f878167d6698bcb0e79e4c47fb187");
    let mut ctx = garbage::<psCipherContext_t>();
    let c = ctx.as_mut_ptr();
    // SAFETY: buffers of the stated sizes.
    unsafe {
        assert_eq!(
            psDes3Init(c, iv.as_mut_ptr(), key.as_mut_ptr(), 24),
            PS_SUCCESS
        );
        let mut buf = pt.clone();
        let p = buf.as_mut_ptr();
        assert_eq!(psDes3Encrypt(c, p, p, 8), 8);
        assert_eq!(psDes3Encrypt(c, p.add(8), p.add(8), 16), 16);
        assert_eq!(buf, ct);
        assert_eq!(psDes3Encrypt(c, p, p, 12), PS_ARG_FAIL);
        assert_eq!(
            psDes3Init(c, iv.as_mut_ptr(), key.as_mut_ptr(), 24),
            PS_SUCCESS
        );
        assert_eq!(psDes3Decrypt(c, p, p, 24), 24);
        assert_eq!(buf, pt);
        assert_eq!(
            psDes3Init(c, iv.as_mut_ptr(), key.as_mut_ptr(), 16),
            CRYPT_INVALID_KEYSIZE
        );

        // Single blocks: the first CBC block is E(pt ^ iv).
        let mut skey = garbage::<psDes3Key_t>();
        assert_eq!(
            psDes3InitKey(key.as_ptr(), 24, skey.as_mut_ptr()),
            PS_SUCCESS
        );
        let mut block: Vec<u8> = pt[..8].iter().zip(&iv).map(|(a, b)| a ^ b).collect();
        psDes3EncryptBlock(block.as_ptr(), block.as_mut_ptr(), skey.as_mut_ptr());
        assert_eq!(block, ct[..8]);
        psDes3DecryptBlock(block.as_ptr(), block.as_mut_ptr(), skey.as_mut_ptr());
        let back: Vec<u8> = block.iter().zip(&iv).map(|(a, b)| a ^ b).collect();
        assert_eq!(back, pt[..8]);
        assert_eq!(
            psDes3InitKey(key.as_ptr(), 8, skey.as_mut_ptr()),
            CRYPT_INVALID_KEYSIZE
        );
    }
}

/// Digest of `data` through the C API, fed in pieces of `step` bytes.
fn c_digest(sha1: bool, data: &[u8], step: usize) -> Vec<u8> {
    let mut md = garbage::<psDigestContext_t>();
    let m = md.as_mut_ptr();
    let mut out = vec![0u8; if sha1 { 20 } else { 16 }];
    // SAFETY: a context-sized buffer and a digest-sized output.
    unsafe {
        if sha1 {
            psSha1Init(m)
        } else {
            psMd5Init(m)
        }
        for piece in data.chunks(step.max(1)) {
            if sha1 {
                psSha1Update(m, piece.as_ptr(), piece.len() as u32);
            } else {
                psMd5Update(m, piece.as_ptr(), piece.len() as u32);
            }
        }
        let n = if sha1 {
            psSha1Final(m, out.as_mut_ptr())
        } else {
            psMd5Final(m, out.as_mut_ptr())
        };
        assert_eq!(n as usize, out.len());
    }
    out
}

#[test]
fn sha1_and_md5_known_answers() {
    let abc_q = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    let cases: [(&[u8], &str, &str); 3] = [
        (
            b"",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "d41d8cd98f00b204e9800998ecf8427e",
        ),
        (
            b"abc",
            "a9993e364706816aba3e25717850c26c9cd0d89d",
            "900150983cd24fb0d6963f7d28e17f72",
        ),
        (
            abc_q,
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
            "8215ef0796a20bcaaae116d3876c664a",
        ),
    ];
    for (data, sha1, md5) in cases {
        for step in [1, 3, 64, 1000] {
            assert_eq!(c_digest(true, data, step), hex(sha1));
            assert_eq!(c_digest(false, data, step), hex(md5));
        }
    }
    // One million 'a' (FIPS 180 / RFC 1321 test suites).
    let million = vec![b'a'; 1_000_000];
    assert_eq!(
        c_digest(true, &million, 4099),
        hex("34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    );
    assert_eq!(
        c_digest(false, &million, 4099),
        hex("7707d6ae4e027c70eea2a935c2296f21")
    );
}

#[test]
fn digests_match_reference_implementations_at_every_length() {
    let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
    for len in 0..=data.len() {
        let d = &data[..len];
        let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, d);
        assert_eq!(c_digest(true, d, 1 + len % 67), sha1.as_ref(), "len {len}");
        assert_eq!(
            c_digest(false, d, 1 + len % 61),
            Md5::digest(d).to_vec(),
            "len {len}"
        );
    }
}

#[test]
fn digest_final_rejects_null_and_corrupt_contexts() {
    let mut out = [0u8; 20];
    let mut md = garbage::<psDigestContext_t>();
    // SAFETY: context and output buffers of the right sizes; NULLs are allowed.
    unsafe {
        // Never initialised: curlen is 0xA5A5A5A5.
        assert_eq!(psSha1Final(md.as_mut_ptr(), out.as_mut_ptr()), PS_ARG_FAIL);
        psSha1Update(md.as_mut_ptr(), out.as_ptr(), 20);
        assert_eq!(psSha1Final(ptr::null_mut(), out.as_mut_ptr()), PS_ARG_FAIL);
        psSha1Init(md.as_mut_ptr());
        assert_eq!(psSha1Final(md.as_mut_ptr(), ptr::null_mut()), PS_ARG_FAIL);
        psSha1Update(md.as_mut_ptr(), ptr::null(), 5);
        psSha1Update(ptr::null_mut(), out.as_ptr(), 5);
        psSha1Init(ptr::null_mut());
        assert_eq!(psSha1Final(md.as_mut_ptr(), out.as_mut_ptr()), 20);
        assert_eq!(
            out.to_vec(),
            hex("da39a3ee5e6b4b0d3255bfef95601890afd80709")
        );
        // Final wipes the state.
        assert!(md.assume_init_ref().sha1.state.iter().all(|&w| w == 0));
    }
}

/// (HMAC-SHA1?, key, data, expected MAC).
type HmacCase = (bool, Vec<u8>, Vec<u8>, Vec<u8>);

/// RFC 2202 test cases for HMAC-SHA1 (`true`) and HMAC-MD5: (sha1?, key, data, mac).
/// Case 5 (truncated output) is left out; MD5's cases 1 and 3 use 16-byte keys.
fn rfc2202() -> Vec<HmacCase> {
    let big = b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec();
    let bigger =
        b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data".to_vec();
    let jefe = b"what do ya want for nothing?".to_vec();
    let key4: Vec<u8> = (1..=25).collect();
    vec![
        (
            true,
            vec![0x0b; 20],
            b"Hi There".to_vec(),
            hex("b617318655057264e28bc0b6fb378c8ef146be00"),
        ),
        (
            true,
            b"Jefe".to_vec(),
            jefe.clone(),
            hex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        ),
        (
            true,
            vec![0xaa; 20],
            vec![0xdd; 50],
            hex("125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
        ),
        (
            true,
            key4.clone(),
            vec![0xcd; 50],
            hex("4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
        ),
        (
            true,
            vec![0xaa; 80],
            big.clone(),
            hex("aa4ae5e15272d00e95705637ce8a3b55ed402112"),
        ),
        (
            true,
            vec![0xaa; 80],
            bigger.clone(),
            hex("e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
        ),
        (
            false,
            vec![0x0b; 16],
            b"Hi There".to_vec(),
            hex("9294727a3638bb1c13f48ef8158bfc9d"),
        ),
        (
            false,
            b"Jefe".to_vec(),
            jefe,
            hex("750c783e6ab0b503eaa86e310a5db738"),
        ),
        (
            false,
            vec![0xaa; 16],
            vec![0xdd; 50],
            hex("56be34521d144c88dbb8c733f0e8b3f6"),
        ),
        (
            false,
            key4,
            vec![0xcd; 50],
            hex("697eaf0aca3a3aea3a75164746ffaa79"),
        ),
        (
            false,
            vec![0xaa; 80],
            big,
            hex("6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"),
        ),
        (
            false,
            vec![0xaa; 80],
            bigger,
            hex("6f630fad67cda0ee1fb1f562db3aa53e"),
        ),
    ]
}

#[test]
fn hmac_rfc2202_one_shot_and_streaming() {
    for (use_sha1, mut key, data, expected) in rfc2202() {
        let size = expected.len();
        let mut hash = vec![0u8; size];
        let mut used = [0u8; 20];
        let mut used_len = 0u32;
        // SAFETY: buffers of the stated sizes; a context-sized context.
        unsafe {
            let f = if use_sha1 { psHmacSha1 } else { psHmacMd5 };
            let rc = f(
                key.as_mut_ptr(),
                key.len() as u32,
                data.as_ptr(),
                data.len() as u32,
                hash.as_mut_ptr(),
                used.as_mut_ptr(),
                &mut used_len,
            );
            assert_eq!(rc as usize, size);
            assert_eq!(hash, expected);
            if key.len() > 64 {
                let kh = if use_sha1 {
                    HashAlgorithm::Sha1
                } else {
                    HashAlgorithm::Md5
                };
                assert_eq!(used_len as usize, size);
                assert_eq!(used[..size], kh.digest(&key)[..]);
            } else {
                assert_eq!(used_len as usize, key.len());
                assert_eq!(used, [0u8; 20], "hmacKey untouched for short keys");
            }

            let mut ctx = garbage::<psHmacContext_t>();
            let c = ctx.as_mut_ptr();
            let mut out = vec![0u8; size];
            if use_sha1 {
                psHmacSha1Init(c, key.as_mut_ptr(), key.len() as u32);
                for piece in data.chunks(7) {
                    psHmacSha1Update(c, piece.as_ptr(), piece.len() as u32);
                }
                assert_eq!(psHmacSha1Final(c, out.as_mut_ptr()), 20);
            } else {
                psHmacMd5Init(c, key.as_mut_ptr(), key.len() as u32);
                for piece in data.chunks(7) {
                    psHmacMd5Update(c, piece.as_ptr(), piece.len() as u32);
                }
                assert_eq!(psHmacMd5Final(c, out.as_mut_ptr()), 16);
            }
            assert_eq!(out, expected);
            assert_eq!(ctx.assume_init_ref().pad, [0u8; 64], "pad wiped");
        }
    }
}

#[test]
fn hmac_argument_errors() {
    let mut key = [1u8; 80];
    let mut hash = [0u8; 20];
    let mut n = 0u32;
    // SAFETY: NULLs where tested, valid buffers elsewhere.
    unsafe {
        let d = b"x".as_ptr();
        let h = hash.as_mut_ptr();
        assert_eq!(
            psHmacSha1(key.as_mut_ptr(), 80, d, 1, h, ptr::null_mut(), &mut n),
            PS_ARG_FAIL
        );
        assert_eq!(
            psHmacSha1(key.as_mut_ptr(), 8, d, 1, h, ptr::null_mut(), &mut n),
            20
        );
        assert_eq!(n, 8);
        assert_eq!(
            psHmacMd5(ptr::null_mut(), 8, d, 1, h, ptr::null_mut(), &mut n),
            PS_ARG_FAIL
        );
        assert_eq!(
            psHmacMd5(
                key.as_mut_ptr(),
                8,
                d,
                1,
                ptr::null_mut(),
                ptr::null_mut(),
                &mut n
            ),
            PS_ARG_FAIL
        );
        assert_eq!(
            psHmacMd5(
                key.as_mut_ptr(),
                8,
                d,
                1,
                h,
                ptr::null_mut(),
                ptr::null_mut()
            ),
            PS_ARG_FAIL
        );
        assert_eq!(psHmacSha1Final(ptr::null_mut(), h), PS_ARG_FAIL);
        psHmacSha1Init(ptr::null_mut(), key.as_mut_ptr(), 8);
        psHmacSha1Update(ptr::null_mut(), d, 1);
    }
}

#[test]
fn pbkdf2_rfc6070() {
    let cases: [(&[u8], &[u8], i32, &str); 5] = [
        (
            b"password",
            b"salt",
            1,
            "0c60c80f961f0e71f3a9b524af6012062fe037a6",
        ),
        (
            b"password",
            b"salt",
            2,
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957",
        ),
        (
            b"password",
            b"salt",
            4096,
            "4b007901b765489abead49d926f721d065a429c1",
        ),
        (
            b"passwordPASSWORDpassword",
            b"saltSALTsaltSALTsaltSALTsaltSALTsalt",
            4096,
            "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038",
        ),
        (
            b"pass\0word",
            b"sa\0lt",
            4096,
            "56fa6aa75548099dcc37d7f03425e0c3",
        ),
    ];
    for (pass, salt, rounds, expected) in cases {
        let expected = hex(expected);
        let mut out = vec![0u8; expected.len()];
        // SAFETY: buffers of the stated sizes.
        unsafe {
            pkcs5pbkdf2(
                pass.as_ptr().cast_mut(),
                pass.len() as u32,
                salt.as_ptr().cast_mut(),
                salt.len() as u32,
                rounds,
                out.as_mut_ptr(),
                out.len() as u32,
            )
        };
        assert_eq!(out, expected);
    }
    // rounds 0 counts as 1; NULL output does nothing.
    let mut out = [0u8; 20];
    // SAFETY: as above.
    unsafe {
        pkcs5pbkdf2(
            b"password".as_ptr().cast_mut(),
            8,
            b"salt".as_ptr().cast_mut(),
            4,
            0,
            out.as_mut_ptr(),
            20,
        );
        pkcs5pbkdf2(
            b"password".as_ptr().cast_mut(),
            8,
            b"salt".as_ptr().cast_mut(),
            4,
            1,
            ptr::null_mut(),
            20,
        );
    }
    assert_eq!(
        out.to_vec(),
        hex("0c60c80f961f0e71f3a9b524af6012062fe037a6")
    );
}

#[test]
fn pbkdf1_matches_openssl_bytes_to_key() {
    // `openssl enc -des-ede3-cbc -md md5 -S 0102030405060708 -pass pass:secret -P`.
    let mut salt = hex("0102030405060708");
    let mut key = [0u8; 24];
    // SAFETY: 6-byte password, 8-byte salt, 24-byte output.
    unsafe {
        pkcs5pbkdf1(
            b"secret".as_ptr().cast_mut(),
            6,
            salt.as_mut_ptr(),
            1,
            key.as_mut_ptr(),
        )
    };
    assert_eq!(
        key.to_vec(),
        hex("C9E5A1BD216DBE1317E230CEF48F38EE7F0E17AD64022144")
    );
    // Two iterations, by hand.
    let d1 = Md5::digest(Md5::digest(b"secret\x01\x02\x03\x04\x05\x06\x07\x08"));
    let mut second = d1.to_vec();
    second.extend_from_slice(b"secret\x01\x02\x03\x04\x05\x06\x07\x08");
    let d2 = Md5::digest(Md5::digest(&second));
    // SAFETY: as above.
    unsafe {
        pkcs5pbkdf1(
            b"secret".as_ptr().cast_mut(),
            6,
            salt.as_mut_ptr(),
            2,
            key.as_mut_ptr(),
        )
    };
    assert_eq!(key[..16], d1[..]);
    assert_eq!(key[16..], d2[..8]);
}

fn b64(text: &[u8], room: u32) -> Result<Vec<u8>, i32> {
    let mut out = vec![0u8; room as usize];
    let mut len = room;
    // SAFETY: `text` readable, `out` has `room` bytes.
    let rc =
        unsafe { psBase64decode(text.as_ptr(), text.len() as u32, out.as_mut_ptr(), &mut len) };
    if rc != PS_SUCCESS {
        assert_eq!(len, room, "outlen untouched on failure");
        return Err(rc);
    }
    out.truncate(len as usize);
    Ok(out)
}

#[test]
fn base64_decoding() {
    assert_eq!(b64(b"", 0), Ok(vec![]));
    assert_eq!(b64(b"Zg==", 1), Ok(b"f".to_vec()));
    assert_eq!(b64(b"Zm8=", 5), Ok(b"fo".to_vec()));
    assert_eq!(b64(b"Zm9vYmFy", 6), Ok(b"foobar".to_vec()));
    assert_eq!(b64(b"Zm9v\r\nYm\tFy\n", 6), Ok(b"foobar".to_vec()));
    assert_eq!(b64(b"+/+/AA==", 4), Ok(vec![0xfb, 0xff, 0xbf, 0]));
    let all: Vec<u8> = (0..=255).collect();
    let text = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==";
    assert_eq!(b64(text.as_bytes(), 256), Ok(all));
    assert_eq!(b64(b"Zm9vYmFy", 5), Err(PS_LIMIT_FAIL));
    assert_eq!(b64(b"Zm9vYmF", 8), Err(PS_PARSE_FAIL));
    assert_eq!(b64(b"Zg==Zg==", 8), Err(PS_PARSE_FAIL));
    assert_eq!(b64(b"Z===", 8), Err(PS_PARSE_FAIL));
    let mut n = 4u32;
    // SAFETY: NULL arguments are rejected before use.
    unsafe {
        assert_eq!(
            psBase64decode(ptr::null(), 4, [0u8; 4].as_mut_ptr(), &mut n),
            PS_ARG_FAIL
        );
        assert_eq!(
            psBase64decode(b"Zg==".as_ptr(), 4, ptr::null_mut(), &mut n),
            PS_ARG_FAIL
        );
        assert_eq!(
            psBase64decode(b"Zg==".as_ptr(), 4, [0u8; 4].as_mut_ptr(), ptr::null_mut()),
            PS_ARG_FAIL
        );
    }
    // In place.
    let mut buf = b"Zm9vYmFy".to_vec();
    let mut len = 8u32;
    // SAFETY: `buf` is 8 bytes, read and written through the same pointer.
    let rc = unsafe { psBase64decode(buf.as_ptr(), 8, buf.as_mut_ptr(), &mut len) };
    assert_eq!((rc, len), (PS_SUCCESS, 6));
    assert_eq!(&buf[..6], b"foobar");
}

/// A parsed private key from DER via the C API.
fn parse_pkcs1(der: &mut [u8]) -> *mut psPubKey_t {
    let mut key = ptr::null_mut();
    // SAFETY: `der` readable, `key` writable.
    let rc = unsafe {
        pkcs1ParsePrivBin(
            ptr::null_mut(),
            der.as_mut_ptr(),
            der.len() as u32,
            &mut key,
        )
    };
    assert_eq!(rc, PS_SUCCESS);
    assert!(!key.is_null());
    key
}

/// `&key->key->rsa`.
fn rsa_of(key: *mut psPubKey_t) -> *mut psRsaKey_t {
    // SAFETY: `key` is a live key from this module.
    unsafe { (*key).key.cast::<psRsaKey_t>() }
}

#[test]
fn rsa_round_trips_with_parsed_and_certificate_keys() {
    let mut der = test_ca_key_der();
    let key = parse_pkcs1(&mut der);
    let rsa = rsa_of(key);
    // SAFETY: live key structs from this module; buffers of the stated sizes.
    unsafe {
        assert_eq!(((*key).r#type, (*key).keysize), (PS_RSA, 128));
        assert_eq!(((*rsa).size, (*rsa).optimized), (128, 1));

        let mut msg = *b"premaster secret, forty-eight bytes long........";
        let mut ct = [0u8; 128];
        let n = psRsaEncryptPub(
            ptr::null_mut(),
            rsa,
            msg.as_mut_ptr(),
            48,
            ct.as_mut_ptr(),
            128,
        );
        assert_eq!(n, 128);
        let mut pt = [0u8; 48];
        assert_eq!(
            psRsaDecryptPriv(
                ptr::null_mut(),
                rsa,
                ct.as_mut_ptr(),
                128,
                pt.as_mut_ptr(),
                48
            ),
            48
        );
        assert_eq!(pt, msg);
        // The plaintext length must be exactly `outlen` (3.3).
        assert_eq!(
            psRsaDecryptPriv(
                ptr::null_mut(),
                rsa,
                ct.as_mut_ptr(),
                128,
                pt.as_mut_ptr(),
                47
            ),
            PS_FAILURE
        );
        assert_eq!(
            psRsaDecryptPriv(
                ptr::null_mut(),
                rsa,
                ct.as_mut_ptr(),
                127,
                pt.as_mut_ptr(),
                48
            ),
            PS_ARG_FAIL
        );
        ct[5] ^= 1;
        assert_eq!(
            psRsaDecryptPriv(
                ptr::null_mut(),
                rsa,
                ct.as_mut_ptr(),
                128,
                pt.as_mut_ptr(),
                48
            ),
            PS_FAILURE
        );
        assert_eq!(
            psRsaEncryptPub(
                ptr::null_mut(),
                rsa,
                msg.as_mut_ptr(),
                48,
                ct.as_mut_ptr(),
                127
            ),
            PS_ARG_FAIL
        );
        let mut long = [1u8; 118];
        assert_eq!(
            psRsaEncryptPub(
                ptr::null_mut(),
                rsa,
                long.as_mut_ptr(),
                118,
                ct.as_mut_ptr(),
                128
            ),
            PS_ARG_FAIL
        );

        // Signature: raw private operation on a type-1 block, recovered with the public one.
        let digest_info = [0x42u8; 35];
        let mut em = vec![0xffu8; 128];
        em[0] = 0;
        em[1] = 1;
        em[128 - 36] = 0;
        em[128 - 35..].copy_from_slice(&digest_info);
        let mut sig = [0u8; 128];
        let mut sig_len = 128u32;
        assert_eq!(
            psRsaCrypt(
                ptr::null_mut(),
                em.as_ptr(),
                128,
                sig.as_mut_ptr(),
                &mut sig_len,
                rsa,
                PRIVKEY_TYPE
            ),
            PS_SUCCESS
        );
        assert_eq!(sig_len, 128);
        let mut recovered = [0u8; 35];
        assert_eq!(
            psRsaDecryptPub(
                ptr::null_mut(),
                rsa,
                sig.as_mut_ptr(),
                128,
                recovered.as_mut_ptr(),
                35
            ),
            PS_SUCCESS
        );
        assert_eq!(recovered, digest_info);
        assert_eq!(
            psRsaDecryptPub(
                ptr::null_mut(),
                rsa,
                sig.as_mut_ptr(),
                128,
                recovered.as_mut_ptr(),
                34
            ),
            PS_LIMIT_FAIL
        );
        // Raw public operation undoes the private one, in place.
        let mut buf = sig;
        let mut len = 128u32;
        assert_eq!(
            psRsaCrypt(
                ptr::null_mut(),
                buf.as_ptr(),
                128,
                buf.as_mut_ptr(),
                &mut len,
                rsa,
                PUBKEY_TYPE
            ),
            PS_SUCCESS
        );
        assert_eq!(buf.to_vec(), em);
        let big = [0xffu8; 128];
        assert_eq!(
            psRsaCrypt(
                ptr::null_mut(),
                big.as_ptr(),
                128,
                buf.as_mut_ptr(),
                &mut len,
                rsa,
                PUBKEY_TYPE
            ),
            PS_LIMIT_FAIL
        );
        let mut small = 64u32;
        assert_eq!(
            psRsaCrypt(
                ptr::null_mut(),
                em.as_ptr(),
                128,
                buf.as_mut_ptr(),
                &mut small,
                rsa,
                PUBKEY_TYPE
            ),
            PS_LIMIT_FAIL
        );
        assert_eq!(
            psRsaCrypt(
                ptr::null_mut(),
                em.as_ptr(),
                128,
                buf.as_mut_ptr(),
                &mut len,
                rsa,
                3
            ),
            PS_ARG_FAIL
        );

        // The certificate's public key encrypts for the private key, but cannot decrypt.
        let mut cert_der = test_ca_der();
        let mut cert = ptr::null_mut();
        assert!(
            psX509ParseCert(
                ptr::null_mut(),
                cert_der.as_mut_ptr(),
                cert_der.len() as u32,
                &mut cert,
                0
            ) > 0
        );
        let cert_rsa = (*cert).publicKey.key.cast::<psRsaKey_t>();
        let n = psRsaEncryptPub(
            ptr::null_mut(),
            cert_rsa,
            msg.as_mut_ptr(),
            48,
            ct.as_mut_ptr(),
            128,
        );
        assert_eq!(n, 128);
        assert_eq!(
            psRsaDecryptPriv(
                ptr::null_mut(),
                rsa,
                ct.as_mut_ptr(),
                128,
                pt.as_mut_ptr(),
                48
            ),
            48
        );
        assert_eq!(pt, msg);
        assert_eq!(
            psRsaDecryptPriv(
                ptr::null_mut(),
                cert_rsa,
                ct.as_mut_ptr(),
                128,
                pt.as_mut_ptr(),
                48
            ),
            PS_ARG_FAIL
        );
        assert_eq!(
            psRsaDecryptPub(
                ptr::null_mut(),
                cert_rsa,
                sig.as_mut_ptr(),
                128,
                recovered.as_mut_ptr(),
                35
            ),
            PS_SUCCESS
        );
        psX509FreeCert(cert);
        // Once freed, the certificate's key is unknown.
        assert_eq!(
            psRsaEncryptPub(
                ptr::null_mut(),
                cert_rsa,
                msg.as_mut_ptr(),
                48,
                ct.as_mut_ptr(),
                128
            ),
            PS_ARG_FAIL
        );

        psFreePubKey(key);
        assert_eq!(
            psRsaEncryptPub(
                ptr::null_mut(),
                rsa,
                msg.as_mut_ptr(),
                48,
                ct.as_mut_ptr(),
                128
            ),
            PS_ARG_FAIL
        );
        psFreePubKey(key);
        psFreePubKey(ptr::null_mut());
    }
}

#[test]
fn rsa_decrypts_what_openssl_encrypted() {
    // "sixteen byte msg" encrypted by `openssl pkeyutl -encrypt` (make-fixtures.sh).
    let mut der = test_ca_key_der();
    let mut ct = fixture("test-ca-msg.bin");
    assert_eq!(ct.len(), 128);
    let key = parse_pkcs1(&mut der);
    let mut pt = [0u8; 16];
    // SAFETY: live key; buffers of the stated sizes.
    unsafe {
        assert_eq!(
            psRsaDecryptPriv(
                ptr::null_mut(),
                rsa_of(key),
                ct.as_mut_ptr(),
                128,
                pt.as_mut_ptr(),
                16
            ),
            16
        );
        psFreePubKey(key);
    }
    assert_eq!(&pt, b"sixteen byte msg");
}

#[test]
fn key_parsers_and_blank_keys() {
    // The test CA's key as PKCS#8 (plain and PBES2-encrypted) and as traditional PEM (plain,
    // DES-EDE3-CBC and AES-256-CBC), all written by openssl in make-fixtures.sh.
    let der = test_ca_key_der();
    let secret = CString::new("secret").unwrap();
    let wrong = CString::new("wrong").unwrap();
    let path = |n: &str| match n {
        "missing.pem" => CString::new(TempDir::new("no-key").path_str(n)).unwrap(),
        _ => fixture_cpath(&format!("test-ca.key{n}")),
    };
    // SAFETY: C strings and buffers of the stated sizes; keys freed once.
    unsafe {
        for (file, pass) in [(".p8.der", None), (".p8enc.der", Some(&secret))] {
            let mut bytes = fixture(&format!("test-ca.key{file}"));
            let mut key = ptr::dangling_mut();
            let pass = pass.map_or(ptr::null_mut(), |p| p.as_ptr().cast_mut());
            let rc = pkcs8ParsePrivBin(
                ptr::null_mut(),
                bytes.as_mut_ptr(),
                bytes.len() as i32,
                pass,
                &mut key,
            );
            assert_eq!(rc, PS_SUCCESS, "{file}");
            assert_eq!((*rsa_of(key)).size, 128);
            psFreePubKey(key);
        }
        // pkcs1ParsePrivBin takes PKCS#8 too (what `openssl rsa -outform DER` writes).
        let mut p8 = fixture("test-ca.key.p8.der");
        let mut key = ptr::null_mut();
        let rc = pkcs1ParsePrivBin(ptr::null_mut(), p8.as_mut_ptr(), p8.len() as u32, &mut key);
        assert_eq!(rc, PS_SUCCESS);
        psFreePubKey(key);
        let mut enc = fixture("test-ca.key.p8enc.der");
        let mut key = ptr::dangling_mut();
        let rc = pkcs8ParsePrivBin(
            ptr::null_mut(),
            enc.as_mut_ptr(),
            enc.len() as i32,
            wrong.as_ptr().cast_mut(),
            &mut key,
        );
        assert_eq!((rc, key), (PS_FAILURE, ptr::null_mut()));
        let rc = pkcs8ParsePrivBin(
            ptr::null_mut(),
            enc.as_mut_ptr(),
            -1,
            ptr::null_mut(),
            &mut key,
        );
        assert_eq!(rc, PS_ARG_FAIL);
        let mut junk = [0x30u8, 0x03, 0x02, 0x01, 0x00];
        assert_eq!(
            pkcs1ParsePrivBin(ptr::null_mut(), junk.as_mut_ptr(), 5, &mut key),
            PS_PARSE_FAIL
        );
        assert!(key.is_null());
        // Read as the key loaders read DER (`PrivateKey::from_der_any`): well-formed keys this
        // API cannot hold, a three-prime RSA key or an EC key, are unsupported, not malformed.
        for mut other in [
            fixture("rsa-3prime.key.der"),
            pem_fixture_der("ec-server.key"),
        ] {
            let rc = pkcs1ParsePrivBin(
                ptr::null_mut(),
                other.as_mut_ptr(),
                other.len() as u32,
                &mut key,
            );
            assert_eq!((rc, key), (PS_UNSUPPORTED_FAIL, ptr::null_mut()));
        }

        for file in [".pem", "-des3.pem", "-aes256.pem"] {
            let mut key = ptr::null_mut();
            let rc = pkcs1ParsePrivFile(
                ptr::null_mut(),
                path(file).as_ptr().cast_mut(),
                secret.as_ptr().cast_mut(),
                &mut key,
            );
            assert_eq!(rc, PS_SUCCESS, "{file}");
            psFreePubKey(key);

            let mut out = ptr::null_mut();
            let mut len = 0u32;
            let rc = pkcs1DecodePrivFile(
                ptr::null_mut(),
                path(file).as_ptr().cast_mut(),
                secret.as_ptr().cast_mut(),
                &mut out,
                &mut len,
            );
            assert_eq!(rc, PS_SUCCESS, "{file}");
            assert_eq!(
                std::slice::from_raw_parts(out, len as usize),
                &der[..],
                "{file}"
            );
            libc::free(out.cast());
        }
        let mut out = ptr::null_mut();
        let mut len = 0u32;
        let f = path("-des3.pem");
        assert_eq!(
            pkcs1DecodePrivFile(
                ptr::null_mut(),
                f.as_ptr().cast_mut(),
                wrong.as_ptr().cast_mut(),
                &mut out,
                &mut len
            ),
            PS_FAILURE
        );
        assert_eq!(
            pkcs1DecodePrivFile(
                ptr::null_mut(),
                f.as_ptr().cast_mut(),
                ptr::null_mut(),
                &mut out,
                &mut len
            ),
            PS_ARG_FAIL
        );
        assert!(out.is_null());
        let missing = path("missing.pem");
        assert_eq!(
            pkcs1ParsePrivFile(
                ptr::null_mut(),
                missing.as_ptr().cast_mut(),
                ptr::null_mut(),
                &mut key
            ),
            PS_PLATFORM_FAIL
        );

        let blank = psNewPubKey(ptr::null_mut());
        assert!(!blank.is_null());
        assert_eq!(((*blank).r#type, (*blank).keysize), (0, 0));
        assert_eq!((*rsa_of(blank)).size, 0);
        let mut m = [0u8; 4];
        let mut c = [0u8; 256];
        assert_eq!(
            psRsaEncryptPub(
                ptr::null_mut(),
                rsa_of(blank),
                m.as_mut_ptr(),
                4,
                c.as_mut_ptr(),
                256
            ),
            PS_ARG_FAIL
        );
        psFreePubKey(blank);
    }
}

/// `pkcs1DecodePrivFile` decrypts with the core's legacy PEM code
/// (`pki::privkey::private_key_der`). Where the copy it had before read the headers
/// differently, the core's reading holds: `Proc-Type` values and cipher names in any case,
/// strictly hexadecimal IVs (the copy took "+a" as a digit pair), and an unknown cipher is
/// `PS_UNSUPPORTED_FAIL` whatever its IV (the copy checked the IV first).
#[test]
fn decode_priv_file_reads_legacy_headers_as_the_core() {
    let dir = TempDir::new("crypto-api-legacy-pem");
    // server.key as `openssl rsa -traditional -aes128` writes it (make-fixtures.sh).
    let text = String::from_utf8(fixture("server-aes128.key")).unwrap();
    let decode = |name: &str, text: &str| {
        std::fs::write(dir.path(name), text).unwrap();
        let file = CString::new(dir.path_str(name)).unwrap();
        let (mut out, mut len) = (ptr::null_mut(), 0u32);
        // SAFETY: C strings and writable out-pointers; the buffer is freed once.
        unsafe {
            let rc = pkcs1DecodePrivFile(
                ptr::null_mut(),
                file.as_ptr().cast_mut(),
                c"secret".as_ptr().cast_mut(),
                &mut out,
                &mut len,
            );
            let der = if out.is_null() {
                Vec::new()
            } else {
                std::slice::from_raw_parts(out, len as usize).to_vec()
            };
            libc::free(out.cast());
            (rc, der)
        }
    };
    let plain = (PS_SUCCESS, pem_fixture_der("server.key"));
    assert_eq!(decode("as-written.pem", &text), plain);
    let lower = text
        .replace("4,ENCRYPTED", "4,encrypted")
        .replace("AES-128-CBC", "aes-128-cbc");
    assert_eq!(decode("lower.pem", &lower), plain);
    let at = text.find("AES-128-CBC,").unwrap() + "AES-128-CBC,".len();
    let mut signed = text.clone();
    signed.replace_range(at..at + 1, "+");
    assert_eq!(decode("signed-iv.pem", &signed).0, PS_PARSE_FAIL);
    let mut unknown = text.clone();
    unknown.replace_range(at - 12..at + 32, "AES-512-CBC,zz");
    assert_eq!(decode("unknown.pem", &unknown).0, PS_UNSUPPORTED_FAIL);
}

/// Writes PEM text to `dir/name` and returns the path as a C string.
fn pem_file(dir: &TempDir, name: &str, parts: &[&[u8]]) -> CString {
    std::fs::write(dir.path(name), parts.concat()).unwrap();
    CString::new(dir.path_str(name)).unwrap()
}

fn parse_file(name: &CString) -> (i32, *mut psX509Cert_t) {
    let mut out = ptr::dangling_mut();
    // SAFETY: a C string and a writable out-pointer.
    let rc = unsafe { psX509ParseCertFile(ptr::null_mut(), name.as_ptr().cast_mut(), &mut out, 0) };
    (rc, out)
}

/// The `authStatus` values along a chain.
fn statuses(mut c: *mut psX509Cert_t) -> Vec<i32> {
    let mut v = Vec::new();
    while !c.is_null() {
        // SAFETY: a live chain.
        unsafe {
            v.push((*c).authStatus);
            c = (*c).next;
        }
    }
    v
}

#[test]
fn parse_cert_file_and_authenticate() {
    // server.pem ← inter.pem ← ca.pem; ec-ca.pem is an unrelated root.
    let dir = TempDir::new("crypto-api-x509");
    let chain_f = fixture_cpath("server-chain.pem");
    let root_f = pem_file(&dir, "root.pem", &[&fixture("ca.pem")]);
    let other_f = pem_file(&dir, "other.pem", &[&fixture("ec-ca.pem")]);
    let key_f = fixture_cpath("server.key");

    let (rc, chain) = parse_file(&chain_f);
    assert_eq!(rc, PS_SUCCESS);
    let (_, root) = parse_file(&root_f);
    let (_, other) = parse_file(&other_f);
    assert_eq!(statuses(chain).len(), 2);
    // SAFETY: live chains from psX509ParseCertFile, freed once at the end.
    unsafe {
        assert_eq!(
            psX509AuthenticateCert(ptr::null_mut(), chain, root),
            PS_SUCCESS
        );
        assert_eq!(statuses(chain), [1, 1]);
        assert_eq!(
            psX509AuthenticateCert(ptr::null_mut(), chain, other),
            PS_CERT_AUTH_FAIL_DN
        );
        assert_eq!(statuses(chain), [1, PS_CERT_AUTH_FAIL_DN]);
        // Self-signed root; a leaf alone is not self-signed.
        assert_eq!(
            psX509AuthenticateCert(ptr::null_mut(), root, ptr::null_mut()),
            PS_SUCCESS
        );
        assert_eq!(statuses(root), [1]);
        let rc = psX509AuthenticateCert(ptr::null_mut(), chain, ptr::null_mut());
        assert_eq!(rc, PS_CERT_AUTH_FAIL_DN);
        assert_eq!(statuses(chain), [1, PS_CERT_AUTH_FAIL_DN]);
        // The issuer must be a single certificate; the subject may not be NULL.
        assert_eq!(
            psX509AuthenticateCert(ptr::null_mut(), root, chain),
            PS_ARG_FAIL
        );
        assert_eq!(
            psX509AuthenticateCert(ptr::null_mut(), ptr::null_mut(), root),
            PS_ARG_FAIL
        );
        // The intermediate alone, inside the chain, against the root.
        assert_eq!(
            psX509AuthenticateCert(ptr::null_mut(), (*chain).next, root),
            PS_SUCCESS
        );

        // A tampered signature: DN and cA fine, signature not.
        let mut der = pem_fixture_der("server.pem");
        let last = der.len() - 1;
        der[last] ^= 1;
        let mut bad = ptr::null_mut();
        assert!(
            psX509ParseCert(
                ptr::null_mut(),
                der.as_mut_ptr(),
                der.len() as u32,
                &mut bad,
                0
            ) > 0
        );
        assert_eq!(
            psX509AuthenticateCert(ptr::null_mut(), bad, (*chain).next),
            PS_CERT_AUTH_FAIL_SIG
        );
        assert_eq!(statuses(bad), [PS_CERT_AUTH_FAIL_SIG]);
        psX509FreeCert(bad);

        // A certificate struct the library did not make.
        let fake = MaybeUninit::<psX509Cert_t>::zeroed().assume_init();
        let fake_ptr = (&fake as *const psX509Cert_t).cast_mut();
        assert_eq!(
            psX509AuthenticateCert(ptr::null_mut(), fake_ptr, root),
            PS_ARG_FAIL
        );

        for c in [chain, root, other] {
            psX509FreeCert(c);
        }
    }
    // File errors.
    let (rc, out) = parse_file(&key_f);
    assert_eq!((rc, out), (PS_PARSE_FAIL, ptr::null_mut()));
    let missing = CString::new(dir.path_str("missing.pem")).unwrap();
    assert_eq!(parse_file(&missing).0, PS_PLATFORM_FAIL);
    let both = CString::new(format!(
        "{};{}",
        dir.path_str("root.pem"),
        dir.path_str("other.pem")
    ))
    .unwrap();
    let (rc, two) = parse_file(&both);
    assert_eq!(rc, PS_SUCCESS);
    assert_eq!(statuses(two).len(), 2);
    // SAFETY: a live chain, freed once; NULL file name rejected.
    unsafe {
        psX509FreeCert(two);
        let mut out = ptr::null_mut();
        assert_eq!(
            psX509ParseCertFile(ptr::null_mut(), ptr::null_mut(), &mut out, 0),
            PS_ARG_FAIL
        );
    }
}

/// The chain walk is the core's (`pki::verify::authenticate_links`): a v1 certificate signs
/// only as the anchor the caller names, never inside the subject chain (D9a). The copy this
/// export had before took any v1 issuer as a CA, as 3.3 did.
#[test]
fn authenticate_refuses_a_v1_intermediate() {
    let dir = TempDir::new("crypto-api-v1");
    let chain_f = pem_file(
        &dir,
        "chain.pem",
        &[&fixture("v1-leaf.pem"), &fixture("v1-inter.pem")],
    );
    let root_f = fixture_cpath("v1-root.pem");
    let ((_, chain), (_, root)) = (parse_file(&chain_f), parse_file(&root_f));
    // SAFETY: live chains from psX509ParseCertFile, freed once at the end.
    unsafe {
        let rc = psX509AuthenticateCert(ptr::null_mut(), chain, root);
        assert_eq!(rc, PS_CERT_AUTH_FAIL_BC);
        assert_eq!(statuses(chain), [PS_CERT_AUTH_FAIL_BC, 0]);
        // The v1 certificate named as the issuer signs; so does the root above it.
        let inter_c = (*chain).next;
        (*chain).next = ptr::null_mut();
        assert_eq!(
            psX509AuthenticateCert(ptr::null_mut(), chain, inter_c),
            PS_SUCCESS
        );
        assert_eq!(
            psX509AuthenticateCert(ptr::null_mut(), inter_c, root),
            PS_SUCCESS
        );
        (*chain).next = inter_c;
        psX509FreeCert(chain);
        psX509FreeCert(root);
    }
}

#[test]
fn random_numbers() {
    let mut a = [0u8; 64];
    let mut b = [0u8; 64];
    let mut ctx = garbage::<psRandom_t>();
    // SAFETY: buffers of the stated sizes; contexts of the right types.
    unsafe {
        assert_eq!(psInitPrng(ctx.as_mut_ptr()), PS_SUCCESS);
        assert_eq!(ctx.assume_init_ref().bytecount, 0);
        assert_eq!(psGetPrng(ctx.as_mut_ptr(), a.as_mut_ptr(), 64), 64);
        assert_eq!(psGetPrng(ptr::null_mut(), b.as_mut_ptr(), 64), 64);
        assert_ne!(a, b);
        assert_eq!(psGetPrng(ptr::null_mut(), ptr::null_mut(), 4), PS_ARG_FAIL);
        assert_eq!(psGetPrng(ptr::null_mut(), b.as_mut_ptr(), 0), 0);
        // The same generator helper as psGetEntropy: size 0 touches nothing, NULL or not.
        assert_eq!(psGetPrng(ptr::null_mut(), ptr::null_mut(), 0), 0);
        assert_eq!(
            psGetPrng(ptr::null_mut(), b.as_mut_ptr(), u32::MAX),
            PS_LIMIT_FAIL
        );
        assert_eq!(psInitPrng(ptr::null_mut()), PS_ARG_FAIL);

        let mut y = garbage::<psYarrow_t>();
        let yp = y.as_mut_ptr();
        assert_eq!(psYarrowStart(yp), PS_SUCCESS);
        assert_eq!(psYarrowAddEntropy(a.as_mut_ptr(), 64, yp), PS_SUCCESS);
        assert_eq!(psYarrowAddEntropy(ptr::null_mut(), 64, yp), PS_ARG_FAIL);
        assert_eq!(psYarrowReseed(yp), PS_SUCCESS);
        assert_eq!(psYarrowRead(b.as_mut_ptr(), 64, yp), 64);
        assert_eq!(psYarrowRead(b.as_mut_ptr(), 64, ptr::null_mut()), 0);
        let mut len = 10u32;
        assert_eq!(psYarrowExport(a.as_mut_ptr(), &mut len, yp), PS_LIMIT_FAIL);
        assert_eq!(len, 64);
        assert_eq!(psYarrowExport(a.as_mut_ptr(), &mut len, yp), PS_SUCCESS);
        assert_eq!(psYarrowImport(a.as_mut_ptr(), 64, yp), PS_SUCCESS);
        assert_eq!(psYarrowImport(a.as_mut_ptr(), 63, yp), PS_ARG_FAIL);
        assert_eq!(psYarrowDone(yp), PS_SUCCESS);
        assert_eq!(psYarrowStart(ptr::null_mut()), PS_ARG_FAIL);
    }
}
