/*
 * crypto_api.c: the Tier C crypto API of crypto/cryptoApi.h (ABI.md §4.5) used the way
 * applications use it: every context (psCipherContext_t, psAesKey_t, psDes3Key_t,
 * psDigestContext_t, psHmacContext_t, psRandom_t, psYarrow_t) on the stack, filled with
 * junk first, as uninitialised stack memory would be.
 *
 * Known answers: AES-CBC (NIST SP 800-38A F.2, equal to `openssl enc -aes-N-cbc -nopad`),
 * AES block (FIPS-197 C.1), 3DES-CBC (`openssl enc -des-ede3-cbc -nopad`), SHA-1/MD5
 * (FIPS 180 / RFC 1321 suites), HMAC (RFC 2202), PBKDF2-HMAC-SHA1 (RFC 6070), PBKDF1
 * (`openssl enc -md md5 -P`), base64. RSA round trips with the fixture keys; certificate
 * files and chain authentication with the fixture PKI.
 *
 *   sh c-tests/make-test-pki.sh /tmp/pki
 *   cc -DPOSIX -I include c-tests/crypto_api.c -L target/debug -lmatrixssl -o crypto_api
 *   LD_LIBRARY_PATH=target/debug ./crypto_api /tmp/pki
 *
 * Prints one line per failed check and "crypto_api: N passed, M failed"; exits 1 on failure.
 */
#define MATRIX_USE_FILE_SYSTEM /* declares pkcs1ParsePrivFile, as 3.3 application builds did */
#include "matrixssl/matrixsslApi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;
static const char *fixtures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            passed++;                                                        \
        } else {                                                             \
            failed++;                                                        \
            printf("FAIL line %d: %s\n", __LINE__, #cond);                   \
        }                                                                    \
    } while (0)

#define EXPECT_RC(call, want)                                                \
    do {                                                                     \
        int32 rc_ = (int32)(call);                                           \
        if (rc_ == (int32)(want)) {                                          \
            passed++;                                                        \
        } else {                                                             \
            failed++;                                                        \
            printf("FAIL line %d: %s returned %d, expected %d\n", __LINE__,  \
                   #call, (int)rc_, (int)(want));                            \
        }                                                                    \
    } while (0)

#define EXPECT_BYTES(got, want_hex) expect_bytes(__LINE__, #got, got, want_hex)

static const char *path(const char *name)
{
    static char bufs[4][1024];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", fixtures, name);
    return b;
}

/* Hex text (spaces allowed) to bytes; returns the length. */
static size_t unhex(const char *hex, unsigned char *out, size_t room)
{
    size_t n = 0;
    unsigned int v;
    while (*hex != '\0') {
        if (*hex == ' ' || *hex == '\n') {
            hex++;
            continue;
        }
        if (n == room || sscanf(hex, "%2x", &v) != 1) {
            printf("bad hex in test\n");
            exit(2);
        }
        out[n++] = (unsigned char)v;
        hex += 2;
    }
    return n;
}

static void expect_bytes(int line, const char *what, const unsigned char *got,
                         const char *want_hex)
{
    unsigned char want[512];
    size_t n = unhex(want_hex, want, sizeof want);
    if (memcmp(got, want, n) == 0) {
        passed++;
    } else {
        size_t i;
        failed++;
        printf("FAIL line %d: %s = ", line, what);
        for (i = 0; i < n; i++) {
            printf("%02x", got[i]);
        }
        printf(", expected %s\n", want_hex);
    }
}

typedef struct {
    unsigned char *buf;
    uint32 len;
} blob_t;

static blob_t load(const char *name)
{
    blob_t b = { NULL, 0 };
    FILE *f = fopen(path(name), "rb");
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
        printf("cannot read fixture %s (run make-test-pki.sh first)\n", path(name));
        exit(1);
    }
    rewind(f);
    b.buf = (unsigned char *)malloc((size_t)n + 1);
    if (b.buf == NULL || fread(b.buf, 1, (size_t)n, f) != (size_t)n) {
        printf("cannot read fixture %s\n", path(name));
        exit(1);
    }
    fclose(f);
    b.len = (uint32)n;
    return b;
}

/* What uninitialised stack memory may hold. */
#define JUNK(x) memset(&(x), 0xA5, sizeof(x))

/******************************************************************************/

static void test_sizes(void)
{
    CHECK(sizeof(psCipherContext_t) == 784);
    CHECK(sizeof(psAesKey_t) == 516);
    CHECK(sizeof(psDes3Key_t) == 768);
    CHECK(sizeof(psDigestContext_t) == 96);
    CHECK(sizeof(psHmacContext_t) == 160);
    CHECK(sizeof(psYarrow_t) == 584);
    CHECK(sizeof(psRandom_t) == 592);
}

static const char *sp800_38a_pt =
    "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";

static void test_aes(void)
{
    static const struct {
        const char *key, *ct;
    } cases[3] = {
        { "2b7e151628aed2a6abf7158809cf4f3c",
          "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2"
          "73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7" },
        { "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
          "4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a"
          "571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd" },
        { "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
          "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d"
          "39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b" },
    };
    unsigned char iv[16], key[32], pt[64], buf[64], out[64], block[16];
    psCipherContext_t ctx;
    psAesKey_t skey;
    uint32 keylen;
    int i;

    unhex("000102030405060708090a0b0c0d0e0f", iv, sizeof iv);
    unhex(sp800_38a_pt, pt, sizeof pt);
    for (i = 0; i < 3; i++) {
        JUNK(ctx);
        keylen = (uint32)unhex(cases[i].key, key, sizeof key);
        EXPECT_RC(psAesInit(&ctx, iv, key, keylen), PS_SUCCESS);
        /* One block, then the rest in place: the chaining continues across calls. */
        memcpy(buf, pt, 64);
        EXPECT_RC(psAesEncrypt(&ctx, buf, buf, 16), 16);
        EXPECT_RC(psAesEncrypt(&ctx, buf + 16, buf + 16, 48), 48);
        EXPECT_BYTES(buf, cases[i].ct);

        EXPECT_RC(psAesInit(&ctx, iv, key, keylen), PS_SUCCESS);
        EXPECT_RC(psAesDecrypt(&ctx, buf, out, 64), 64);
        CHECK(memcmp(out, pt, 64) == 0);
    }
    EXPECT_RC(psAesInit(&ctx, iv, key, 20), CRYPT_INVALID_KEYSIZE);
    EXPECT_RC(psAesInit(NULL, iv, key, 16), PS_ARG_FAIL);
    EXPECT_RC(psAesInit(&ctx, iv, key, 16), PS_SUCCESS);
    EXPECT_RC(psAesEncrypt(&ctx, buf, buf, 15), PS_ARG_FAIL);
    EXPECT_RC(psAesEncrypt(&ctx, NULL, buf, 16), PS_ARG_FAIL);

    /* FIPS-197 appendix C.1 */
    JUNK(skey);
    unhex("000102030405060708090a0b0c0d0e0f", key, sizeof key);
    unhex("00112233445566778899aabbccddeeff", block, sizeof block);
    EXPECT_RC(psAesInitKey(key, 16, &skey), PS_SUCCESS);
    psAesEncryptBlock(block, block, &skey);
    EXPECT_BYTES(block, "69c4e0d86a7b0430d8cdb78070b4c55a");
    psAesDecryptBlock(block, out, &skey);
    EXPECT_BYTES(out, "00112233445566778899aabbccddeeff");
    EXPECT_RC(psAesInitKey(key, 8, &skey), CRYPT_INVALID_KEYSIZE);
}

static void test_des3(void)
{
    unsigned char key[24], iv[8], buf[24], out[24];
    const char *pt = "Now is the time for all ";
    const char *ct = "4028574611073912081f878167d6698bcb0e79e4c47fb187";
    psCipherContext_t ctx;
    psDes3Key_t skey;
    int i;

    JUNK(ctx);
    unhex("0123456789abcdeff1e0d3c2b5a49786fedcba9876543210", key, sizeof key);
    unhex("1234567890abcdef", iv, sizeof iv);
    memcpy(buf, pt, 24);
    EXPECT_RC(psDes3Init(&ctx, iv, key, 24), PS_SUCCESS);
    EXPECT_RC(psDes3Encrypt(&ctx, buf, buf, 8), 8);
    EXPECT_RC(psDes3Encrypt(&ctx, buf + 8, buf + 8, 16), 16);
    EXPECT_BYTES(buf, ct);
    EXPECT_RC(psDes3Init(&ctx, iv, key, 24), PS_SUCCESS);
    EXPECT_RC(psDes3Decrypt(&ctx, buf, out, 24), 24);
    CHECK(memcmp(out, pt, 24) == 0);
    EXPECT_RC(psDes3Encrypt(&ctx, buf, buf, 12), PS_ARG_FAIL);
    EXPECT_RC(psDes3Init(&ctx, iv, key, 16), CRYPT_INVALID_KEYSIZE);
    /* An AES context is not a 3DES one. */
    EXPECT_RC(psAesInit(&ctx, key, key, 16), PS_SUCCESS);
    EXPECT_RC(psDes3Encrypt(&ctx, buf, buf, 8), PS_LIMIT_FAIL);

    /* Single blocks: the first CBC block is E(pt ^ IV). */
    JUNK(skey);
    EXPECT_RC(psDes3InitKey(key, 24, &skey), PS_SUCCESS);
    for (i = 0; i < 8; i++) {
        buf[i] = (unsigned char)(pt[i] ^ iv[i]);
    }
    psDes3EncryptBlock(buf, out, &skey);
    EXPECT_BYTES(out, "4028574611073912");
    psDes3DecryptBlock(out, out, &skey);
    CHECK(memcmp(out, buf, 8) == 0);
}

/* SHA-1 or MD5 of `data` through the context API, fed `step` bytes at a time. */
static void digest(int sha1, const unsigned char *data, size_t len, size_t step,
                   unsigned char *out)
{
    psDigestContext_t md;
    size_t off;
    JUNK(md);
    if (sha1) {
        psSha1Init(&md);
    } else {
        psMd5Init(&md);
    }
    for (off = 0; off < len; off += step) {
        uint32 n = (uint32)(len - off < step ? len - off : step);
        if (sha1) {
            psSha1Update(&md, data + off, n);
        } else {
            psMd5Update(&md, data + off, n);
        }
    }
    if (sha1) {
        EXPECT_RC(psSha1Final(&md, out), SHA1_HASH_SIZE);
    } else {
        EXPECT_RC(psMd5Final(&md, out), MD5_HASH_SIZE);
    }
}

static void test_digests(void)
{
    const unsigned char *abc = (const unsigned char *)"abc";
    const unsigned char *q = (const unsigned char *)
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    unsigned char out[20];
    unsigned char *million = (unsigned char *)malloc(1000000);
    psDigestContext_t md;

    digest(1, abc, 0, 1, out);
    EXPECT_BYTES(out, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    digest(0, abc, 0, 1, out);
    EXPECT_BYTES(out, "d41d8cd98f00b204e9800998ecf8427e");
    digest(1, abc, 3, 1, out);
    EXPECT_BYTES(out, "a9993e364706816aba3e25717850c26c9cd0d89d");
    digest(0, abc, 3, 2, out);
    EXPECT_BYTES(out, "900150983cd24fb0d6963f7d28e17f72");
    digest(1, q, 56, 5, out);
    EXPECT_BYTES(out, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    digest(0, q, 56, 56, out);
    EXPECT_BYTES(out, "8215ef0796a20bcaaae116d3876c664a");
    if (million != NULL) {
        memset(million, 'a', 1000000);
        digest(1, million, 1000000, 4099, out);
        EXPECT_BYTES(out, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
        digest(0, million, 1000000, 64, out);
        EXPECT_BYTES(out, "7707d6ae4e027c70eea2a935c2296f21");
        free(million);
    }
    /* Final on a context that was never initialised, and on NULL. */
    JUNK(md);
    EXPECT_RC(psSha1Final(&md, out), PS_ARG_FAIL);
    EXPECT_RC(psMd5Final(NULL, out), PS_ARG_FAIL);
}

static void test_hmac(void)
{
    /* RFC 2202 test cases 2 ("Jefe") and 6 (80-byte key, hashed first). */
    unsigned char jefe[4] = { 'J', 'e', 'f', 'e' };
    const unsigned char *what = (const unsigned char *)"what do ya want for nothing?";
    const unsigned char *big = (const unsigned char *)
        "Test Using Larger Than Block-Size Key - Hash Key First";
    unsigned char key[80], mac[20], used[20], expect_used[20];
    uint32 used_len = 0;
    psHmacContext_t ctx;

    memset(key, 0xaa, sizeof key);
    EXPECT_RC(psHmacSha1(jefe, 4, what, 28, mac, used, &used_len), 20);
    EXPECT_BYTES(mac, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    CHECK(used_len == 4);
    EXPECT_RC(psHmacMd5(jefe, 4, what, 28, mac, used, &used_len), 16);
    EXPECT_BYTES(mac, "750c783e6ab0b503eaa86e310a5db738");

    EXPECT_RC(psHmacSha1(key, 80, big, 54, mac, used, &used_len), 20);
    EXPECT_BYTES(mac, "aa4ae5e15272d00e95705637ce8a3b55ed402112");
    CHECK(used_len == 20);
    digest(1, key, 80, 80, expect_used);
    CHECK(memcmp(used, expect_used, 20) == 0);
    EXPECT_RC(psHmacMd5(key, 80, big, 54, mac, used, &used_len), 16);
    EXPECT_BYTES(mac, "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
    CHECK(used_len == 16);
    digest(0, key, 80, 80, expect_used);
    CHECK(memcmp(used, expect_used, 16) == 0);
    EXPECT_RC(psHmacSha1(key, 80, big, 54, mac, NULL, &used_len), PS_ARG_FAIL);

    /* Streaming, with the context on the stack. */
    JUNK(ctx);
    psHmacSha1Init(&ctx, jefe, 4);
    psHmacSha1Update(&ctx, what, 10);
    psHmacSha1Update(&ctx, what + 10, 18);
    EXPECT_RC(psHmacSha1Final(&ctx, mac), 20);
    EXPECT_BYTES(mac, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    JUNK(ctx);
    psHmacMd5Init(&ctx, key, 80);
    psHmacMd5Update(&ctx, big, 54);
    EXPECT_RC(psHmacMd5Final(&ctx, mac), 16);
    EXPECT_BYTES(mac, "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
}

static void test_pkcs5(void)
{
    unsigned char out[25], salt[8];
    unsigned char pw[] = "password", s[] = "salt";
    unsigned char pw2[] = "passwordPASSWORDpassword";
    unsigned char s2[] = "saltSALTsaltSALTsaltSALTsaltSALTsalt";
    unsigned char secret[] = "secret";

    /* RFC 6070 */
    pkcs5pbkdf2(pw, 8, s, 4, 1, out, 20);
    EXPECT_BYTES(out, "0c60c80f961f0e71f3a9b524af6012062fe037a6");
    pkcs5pbkdf2(pw, 8, s, 4, 2, out, 20);
    EXPECT_BYTES(out, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
    pkcs5pbkdf2(pw, 8, s, 4, 4096, out, 20);
    EXPECT_BYTES(out, "4b007901b765489abead49d926f721d065a429c1");
    pkcs5pbkdf2(pw2, 24, s2, 36, 4096, out, 25);
    EXPECT_BYTES(out, "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");

    /* openssl enc -des-ede3-cbc -md md5 -S 0102030405060708 -pass pass:secret -P */
    unhex("0102030405060708", salt, sizeof salt);
    pkcs5pbkdf1(secret, 6, salt, 1, out);
    EXPECT_BYTES(out, "c9e5a1bd216dbe1317e230cef48f38ee7f0e17ad64022144");
}

static void test_base64(void)
{
    unsigned char out[16];
    unsigned char inplace[] = "Zm9v\nYmFy";
    uint32 len = sizeof out;

    EXPECT_RC(psBase64decode((const unsigned char *)"Zm9vYmE=", 8, out, &len), PS_SUCCESS);
    CHECK(len == 5 && memcmp(out, "fooba", 5) == 0);
    len = 4;
    EXPECT_RC(psBase64decode((const unsigned char *)"Zm9vYmFy", 8, out, &len), PS_LIMIT_FAIL);
    len = sizeof out;
    EXPECT_RC(psBase64decode((const unsigned char *)"Zm9vY", 5, out, &len), PS_PARSE_FAIL);
    EXPECT_RC(psBase64decode(NULL, 5, out, &len), PS_ARG_FAIL);
    len = 9;
    EXPECT_RC(psBase64decode(inplace, 9, inplace, &len), PS_SUCCESS);
    CHECK(len == 6 && memcmp(inplace, "foobar", 6) == 0);
}

/******************************************************************************/

static void test_rsa(void)
{
    blob_t der = load("server-pkcs1.der");
    blob_t p8 = load("server-pkcs8.der");
    blob_t cert_der = load("server.der");
    psPubKey_t *key = NULL, *key8 = NULL, *filekey = NULL;
    psX509Cert_t *cert = NULL;
    psRsaKey_t *rsa;
    unsigned char msg[48], ct[256], pt[48], em[256], sig[256], rec[35];
    uint32 len;
    int i;

    for (i = 0; i < 48; i++) {
        msg[i] = (unsigned char)(i * 5 + 1);
    }
    EXPECT_RC(pkcs1ParsePrivBin(NULL, der.buf, der.len, &key), PS_SUCCESS);
    if (key == NULL) {
        printf("FAIL: no key parsed, RSA checks skipped\n");
        failed++;
        return;
    }
    rsa = &key->key->rsa;
    CHECK(key->type == PS_RSA && key->keysize == 256 && rsa->size == 256);

    EXPECT_RC(psRsaEncryptPub(NULL, rsa, msg, 48, ct, sizeof ct), 256);
    memset(pt, 0, sizeof pt);
    EXPECT_RC(psRsaDecryptPriv(NULL, rsa, ct, 256, pt, 48), 48);
    CHECK(memcmp(pt, msg, 48) == 0);
    EXPECT_RC(psRsaDecryptPriv(NULL, rsa, ct, 255, pt, 48), PS_ARG_FAIL);
    ct[100] ^= 0x40;
    EXPECT_RC(psRsaDecryptPriv(NULL, rsa, ct, 256, pt, 48), PS_FAILURE);

    /* Raw private operation on a type-1 block; psRsaDecryptPub recovers the payload. */
    memset(em, 0xff, sizeof em);
    em[0] = 0;
    em[1] = 1;
    em[256 - 36] = 0;
    memset(em + 256 - 35, 0x42, 35);
    len = sizeof sig;
    EXPECT_RC(psRsaCrypt(NULL, em, 256, sig, &len, rsa, PRIVKEY_TYPE), PS_SUCCESS);
    CHECK(len == 256);
    EXPECT_RC(psRsaDecryptPub(NULL, rsa, sig, 256, rec, 35), PS_SUCCESS);
    CHECK(rec[0] == 0x42 && rec[34] == 0x42);

    /* PKCS#8 of the same key decrypts what the PKCS#1 one's public half encrypted. */
    EXPECT_RC(pkcs8ParsePrivBin(NULL, p8.buf, (int32)p8.len, NULL, &key8), PS_SUCCESS);
    EXPECT_RC(psRsaEncryptPub(NULL, rsa, msg, 48, ct, sizeof ct), 256);
    if (key8 != NULL) {
        EXPECT_RC(psRsaDecryptPriv(NULL, &key8->key->rsa, ct, 256, pt, 48), 48);
        CHECK(memcmp(pt, msg, 48) == 0);
    }

    /* The certificate's public key encrypts for the private key, and verifies. */
    CHECK(psX509ParseCert(NULL, cert_der.buf, cert_der.len, &cert, 0) > 0);
    if (cert != NULL) {
        psRsaKey_t *pub = &cert->publicKey.key->rsa;
        EXPECT_RC(psRsaEncryptPub(NULL, pub, msg, 48, ct, sizeof ct), 256);
        memset(pt, 0, sizeof pt);
        EXPECT_RC(psRsaDecryptPriv(NULL, rsa, ct, 256, pt, 48), 48);
        CHECK(memcmp(pt, msg, 48) == 0);
        EXPECT_RC(psRsaDecryptPub(NULL, pub, sig, 256, rec, 35), PS_SUCCESS);
        EXPECT_RC(psRsaDecryptPriv(NULL, pub, ct, 256, pt, 48), PS_ARG_FAIL);
    }
    psX509FreeCert(cert);

    /* Encrypted legacy PEM file. */
    EXPECT_RC(pkcs1ParsePrivFile(NULL, (char *)path("server-legacy-enc.pem"), "secret",
                                 &filekey), PS_SUCCESS);
    if (filekey != NULL) {
        EXPECT_RC(psRsaEncryptPub(NULL, &filekey->key->rsa, msg, 48, ct, sizeof ct), 256);
        EXPECT_RC(psRsaDecryptPriv(NULL, rsa, ct, 256, pt, 48), 48);
    }
    psFreePubKey(filekey);
    filekey = NULL;
    EXPECT_RC(pkcs1ParsePrivFile(NULL, (char *)path("server-legacy-enc.pem"), "wrong",
                                 &filekey), PS_FAILURE);
    CHECK(filekey == NULL);

    psFreePubKey(key8);
    psFreePubKey(key);
    psFreePubKey(NULL);
    key = psNewPubKey(NULL);
    CHECK(key != NULL && key->key != NULL && key->type == 0);
    psFreePubKey(key);
    free(der.buf);
    free(p8.buf);
    free(cert_der.buf);
}

static int chain_len(const psX509Cert_t *c)
{
    int n = 0;
    for (; c != NULL && n < 100; c = c->next) {
        n++;
    }
    return n;
}

static void test_x509(void)
{
    psX509Cert_t *chain = NULL, *ca = NULL, *other = NULL, *junk = NULL;
    sslKeys_t *keys = NULL;

    EXPECT_RC(psX509ParseCertFile(NULL, (char *)path("server-chain.pem"), &chain, 0),
              PS_SUCCESS);
    EXPECT_RC(psX509ParseCertFile(NULL, (char *)path("ca.pem"), &ca, 0), PS_SUCCESS);
    EXPECT_RC(psX509ParseCertFile(NULL, (char *)path("other-ca.pem"), &other, 0),
              PS_SUCCESS);
    EXPECT_RC(psX509ParseCertFile(NULL, (char *)path("server-pkcs1.pem"), &junk, 0),
              PS_PARSE_FAIL);
    CHECK(junk == NULL);
    EXPECT_RC(psX509ParseCertFile(NULL, (char *)path("no-such-file.pem"), &junk, 0),
              PS_PLATFORM_FAIL);
    psX509FreeCert(junk);
    if (chain == NULL || ca == NULL || other == NULL) {
        printf("FAIL: certificate files not parsed, chain checks skipped\n");
        failed++;
        return;
    }
    CHECK(chain_len(chain) == 2 && chain_len(ca) == 1);
    CHECK(strcmp(chain->subject.commonName, "localhost") == 0);

    /* leaf -> inter -> ca */
    EXPECT_RC(psX509AuthenticateCert(NULL, chain, ca), PS_SUCCESS);
    CHECK(chain->authStatus == PS_CERT_AUTH_PASS);
    CHECK(chain->next->authStatus == PS_CERT_AUTH_PASS);
    /* ... but not under the unrelated root: the intermediate's issuer DN differs. */
    EXPECT_RC(psX509AuthenticateCert(NULL, chain, other), PS_CERT_AUTH_FAIL_DN);
    CHECK(chain->authStatus == PS_CERT_AUTH_PASS);
    CHECK(chain->next->authStatus == PS_CERT_AUTH_FAIL_DN);
    /* The root is self-signed; the intermediate's top is not. */
    EXPECT_RC(psX509AuthenticateCert(NULL, ca, NULL), PS_SUCCESS);
    CHECK(ca->authStatus == PS_CERT_AUTH_PASS);
    EXPECT_RC(psX509AuthenticateCert(NULL, chain, NULL), PS_CERT_AUTH_FAIL_DN);
    /* The issuer must be one certificate. */
    EXPECT_RC(psX509AuthenticateCert(NULL, ca, chain), PS_ARG_FAIL);
    EXPECT_RC(psX509AuthenticateCert(NULL, NULL, ca), PS_ARG_FAIL);

    /* Certificates published by sslKeys_t work too. */
    EXPECT_RC(matrixSslOpen(), PS_SUCCESS);
    EXPECT_RC(matrixSslNewKeys(&keys), PS_SUCCESS);
    if (keys != NULL) {
        EXPECT_RC(matrixSslLoadRsaKeys(keys, path("server-chain.pem"),
                                       path("server-pkcs1.pem"), NULL, path("ca.pem")),
                  PS_SUCCESS);
        EXPECT_RC(psX509AuthenticateCert(NULL, keys->cert, keys->CAcerts), PS_SUCCESS);
        CHECK(keys->cert != NULL && keys->cert->authStatus == PS_CERT_AUTH_PASS);
        EXPECT_RC(psX509AuthenticateCert(NULL, keys->cert, other), PS_CERT_AUTH_FAIL_DN);
        matrixSslDeleteKeys(keys);
    }
    matrixSslClose();

    psX509FreeCert(chain);
    psX509FreeCert(ca);
    psX509FreeCert(other);
}

static void test_prng(void)
{
    psRandom_t prng;
    psYarrow_t yarrow;
    unsigned char a[32], b[32], state[64];
    uint32 len = 16;

    JUNK(prng);
    JUNK(yarrow);
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    EXPECT_RC(psInitPrng(&prng), PS_SUCCESS);
    EXPECT_RC(psGetPrng(&prng, a, 32), 32);
    EXPECT_RC(psGetPrng(NULL, b, 32), 32);
    CHECK(memcmp(a, b, 32) != 0);
    EXPECT_RC(psGetPrng(NULL, NULL, 32), PS_ARG_FAIL);

    EXPECT_RC(psYarrowStart(&yarrow), PS_SUCCESS);
    EXPECT_RC(psYarrowAddEntropy(a, 32, &yarrow), PS_SUCCESS);
    EXPECT_RC(psYarrowReseed(&yarrow), PS_SUCCESS);
    EXPECT_RC(psYarrowRead(b, 32, &yarrow), 32);
    EXPECT_RC(psYarrowExport(state, &len, &yarrow), PS_LIMIT_FAIL);
    CHECK(len == 64);
    EXPECT_RC(psYarrowExport(state, &len, &yarrow), PS_SUCCESS);
    EXPECT_RC(psYarrowImport(state, 64, &yarrow), PS_SUCCESS);
    EXPECT_RC(psYarrowDone(&yarrow), PS_SUCCESS);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: %s FIXTURE_DIR\n", argv[0]);
        return 2;
    }
    fixtures = argv[1];
    test_sizes();
    test_aes();
    test_des3();
    test_digests();
    test_hmac();
    test_pkcs5();
    test_base64();
    test_rsa();
    test_x509();
    test_prng();
    printf("crypto_api: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
