/*
 * keys_api.c: every key-loading return code of the MatrixSSL 3.3 API (ABI.md §3.2, §3.11,
 * including the ECDSA loaders matrixSslLoadEcKeys[Mem], matrixSslLoadPkcs12,
 * matrixSslLoadDhParams[Mem] and matrixSslLoadPsk),
 * exercised from C through the installed headers, plus the certificate views the library
 * publishes in sslKeys_t (keys->cert, keys->privKey, keys->CAcerts; ABI.md §6.3-§6.11) and
 * psX509ParseCert/psX509FreeCert (ABI.md §4.5).
 *
 *   sh c-tests/make-test-pki.sh /tmp/pki
 *   cc -DPOSIX -I include c-tests/keys_api.c -L target/debug -lmatrixssl -o keys_api
 *   LD_LIBRARY_PATH=target/debug ./keys_api /tmp/pki
 *
 * Prints one line per failed check and "keys_api: N passed, M failed"; exits 1 on failure.
 */
#include "matrixssl/matrixsslApi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ABI.md §3.11: SHOULD be defined by matrixssllib.h; the checks below only need the values. */
#ifndef SSL_PSK_MAX_KEY_SIZE
#define SSL_PSK_MAX_KEY_SIZE 64
#endif
#ifndef SSL_PSK_MAX_ID_SIZE
#define SSL_PSK_MAX_ID_SIZE 128
#endif

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
        int32 rc_ = (call);                                                  \
        if (rc_ == (int32)(want)) {                                          \
            passed++;                                                        \
        } else {                                                             \
            failed++;                                                        \
            printf("FAIL line %d: %s returned %d, expected %d\n", __LINE__,  \
                   #call, (int)rc_, (int)(want));                            \
        }                                                                    \
    } while (0)

/* Fixture path; a small ring of buffers so several can be used in one call. */
static const char *path(const char *name)
{
    static char bufs[8][1024];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", fixtures, name);
    return b;
}

/* "a;b" list of fixture paths (the certFile/CAfile separator). */
static const char *path_list(const char *a, const char *b)
{
    static char buf[2100];
    snprintf(buf, sizeof buf, "%s;%s", path(a), path(b));
    return buf;
}

typedef struct {
    unsigned char *buf;
    int32 len;
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
    b.len = (int32)n;
    return b;
}

/* Two blobs concatenated. */
static blob_t concat(blob_t a, blob_t b)
{
    blob_t c;
    c.len = a.len + b.len;
    c.buf = (unsigned char *)malloc((size_t)c.len);
    if (c.buf == NULL) {
        exit(1);
    }
    memcpy(c.buf, a.buf, (size_t)a.len);
    memcpy(c.buf + a.len, b.buf, (size_t)b.len);
    return c;
}

static sslKeys_t *new_keys(void)
{
    sslKeys_t *k = NULL;
    EXPECT_RC(matrixSslNewKeys(&k), PS_SUCCESS);
    if (k == NULL) {
        printf("matrixSslNewKeys gave NULL\n");
        exit(1);
    }
    return k;
}

static int chain_len(const psX509Cert_t *c)
{
    int n = 0;
    for (; c != NULL && n < 100; c = c->next) {
        n++;
    }
    return n;
}

static int cn_is(const psX509Cert_t *c, const char *cn)
{
    return c != NULL && c->subject.commonName != NULL &&
        strcmp(c->subject.commonName, cn) == 0;
}

/* The identity slot is empty (after a failed load it must be as before). */
static void check_no_identity(const sslKeys_t *k)
{
    CHECK(k->cert == NULL);
    CHECK(k->privKey == NULL);
}

/* keys->cert / privKey / CAcerts after loading the main chain (leaf, intermediate; root CA). */
static void check_main_view(const sslKeys_t *k, blob_t leaf_der, blob_t inter_der)
{
    const psX509Cert_t *c = k->cert, *n;
    const x509GeneralName_t *san;

    CHECK(c != NULL);
    if (c == NULL) {
        return;
    }
    /* Subject and issuer DN strings: value + two NULs, Len counts them. */
    CHECK(cn_is(c, "localhost"));
    CHECK(c->subject.commonNameLen == (short)(strlen("localhost") + 2));
    CHECK(c->subject.commonNameType == ASN_UTF8STRING ||
          c->subject.commonNameType == ASN_PRINTABLESTRING);
    CHECK(c->subject.commonName != NULL && c->subject.commonName[9] == 0 &&
          c->subject.commonName[10] == 0);
    CHECK(c->subject.country != NULL && strcmp(c->subject.country, "US") == 0);
    CHECK(c->subject.state != NULL && strcmp(c->subject.state, "California") == 0);
    CHECK(c->subject.orgUnit == NULL);
    CHECK(c->subject.dnenc == NULL);
    CHECK(c->issuer.commonName != NULL &&
          strcmp(c->issuer.commonName, "Test Intermediate CA") == 0);
    CHECK(c->version == 2);
    CHECK(c->serialNumber != NULL && c->serialNumberLen > 0);

    /* Validity as raw UTCTime strings (YYMMDDhhmmssZ). */
    CHECK(c->timeType == ASN_UTCTIME);
    CHECK(c->notBefore != NULL && strlen(c->notBefore) == 13 && c->notBefore[12] == 'Z');
    CHECK(c->notAfter != NULL && strlen(c->notAfter) == 13 && c->notAfter[12] == 'Z');

    /* Key and algorithms. */
    CHECK(c->publicKey.type == PS_RSA);
    CHECK(c->publicKey.keysize == 256);
    CHECK(c->publicKey.key != NULL && c->publicKey.key->rsa.size == 256);
    CHECK(c->pubKeyAlgorithm == OID_RSA_KEY_ALG);
    CHECK(c->certAlgorithm == OID_SHA256_RSA_SIG);
    CHECK(c->sigAlgorithm == OID_SHA256_RSA_SIG);
    CHECK(c->signature != NULL && c->signatureLen == 256);

    /* Extensions: leaf is not a CA; SAN DNS:localhost, IP:127.0.0.1. */
    CHECK(c->extensions.bc.cA == 0);
    san = c->extensions.san;
    CHECK(san != NULL && san->id == 2 && strcmp((const char *)san->name, "DNS") == 0 &&
          san->dataLen == 9 && memcmp(san->data, "localhost", 10) == 0);
    san = san != NULL ? san->next : NULL;
    CHECK(san != NULL && san->id == 7 && san->dataLen == 4 &&
          memcmp(san->data, "\x7f\x00\x00\x01", 4) == 0);
    CHECK(san != NULL && san->next == NULL);

    /* Identity certificates keep their DER, which is what the server sends. */
    CHECK(c->unparsedBin != NULL && c->binLen == (uint32)leaf_der.len &&
          memcmp(c->unparsedBin, leaf_der.buf, (size_t)leaf_der.len) == 0);
    CHECK(c->authStatus == 0);

    /* next: the intermediate, then the end of the chain. */
    n = c->next;
    CHECK(cn_is(n, "Test Intermediate CA"));
    if (n != NULL) {
        CHECK(n->next == NULL);
        CHECK(n->extensions.bc.cA != 0);
        CHECK(memcmp(c->issuer.hash, n->subject.hash, sizeof c->issuer.hash) == 0);
        CHECK(memcmp(c->subject.hash, n->subject.hash, sizeof c->subject.hash) != 0);
        CHECK(n->unparsedBin != NULL && n->binLen == (uint32)inter_der.len &&
              memcmp(n->unparsedBin, inter_der.buf, (size_t)inter_der.len) == 0);
    }

    CHECK(k->privKey != NULL && k->privKey->type == PS_RSA && k->privKey->keysize == 256);
    CHECK(k->privKey != NULL && k->privKey->key != NULL &&
          k->privKey->key->rsa.size == 256);

    /* CA list: parsed, DER not retained. */
    CHECK(cn_is(k->CAcerts, "Test Root CA"));
    if (k->CAcerts != NULL) {
        CHECK(k->CAcerts->unparsedBin == NULL && k->CAcerts->binLen == 0);
        CHECK(k->CAcerts->next == NULL);
        CHECK(k->CAcerts->extensions.bc.cA != 0);
        CHECK(n == NULL ||
              memcmp(n->issuer.hash, k->CAcerts->subject.hash, sizeof n->issuer.hash) == 0);
    }
}

static void test_new_delete(void)
{
    EXPECT_RC(matrixSslNewKeys(NULL), PS_ARG_FAIL);
    matrixSslDeleteKeys(NULL); /* no-op */
}

static void test_load_files(void)
{
    sslKeys_t *k;
    psX509Cert_t *cert, *ca;
    blob_t leaf = load("server.der"), inter = load("inter.der");

    EXPECT_RC(matrixSslLoadRsaKeys(NULL, NULL, NULL, NULL, NULL), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeys(NULL, path("server.pem"), path("server-pkcs1.pem"), NULL,
                                   path("ca.pem")), PS_ARG_FAIL);

    /* Nothing at all is a success and loads nothing. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeys(k, NULL, NULL, NULL, NULL), PS_SUCCESS);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);
    matrixSslDeleteKeys(k);

    /* Chain as a ';' list, PKCS#1 key, CA: the full view, then both slots are taken. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeys(k, path_list("server.pem", "inter.pem"),
                                   path("server-pkcs1.pem"), NULL, path("ca.pem")), PS_SUCCESS);
    check_main_view(k, leaf, inter);
    cert = k->cert;
    ca = k->CAcerts;
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-pkcs1.pem"), NULL,
                                   NULL), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeys(k, NULL, NULL, NULL, path("other-ca.pem")),
              PS_UNSUPPORTED_FAIL);
    CHECK(k->cert == cert && k->CAcerts == ca);
    CHECK(cn_is(k->cert, "localhost") && chain_len(k->CAcerts) == 1);
    matrixSslDeleteKeys(k);

    /* Chain as one file with two PEM blocks. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-pkcs1.pem"), NULL,
                                   path("ca.pem")), PS_SUCCESS);
    check_main_view(k, leaf, inter);
    matrixSslDeleteKeys(k);

    /* Independent slots: CA first, identity later; CA lists as ';' list or bundle file. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeys(k, NULL, NULL, NULL, path_list("ca.pem", "other-ca.pem")),
              PS_SUCCESS);
    check_no_identity(k);
    CHECK(chain_len(k->CAcerts) == 2 && cn_is(k->CAcerts, "Test Root CA") &&
          cn_is(k->CAcerts->next, "Unrelated Root CA"));
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-pkcs8.pem"), NULL,
                                   NULL), PS_SUCCESS);
    CHECK(chain_len(k->cert) == 2 && chain_len(k->CAcerts) == 2);
    matrixSslDeleteKeys(k);
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeys(k, NULL, NULL, NULL, path("ca-bundle.pem")), PS_SUCCESS);
    CHECK(chain_len(k->CAcerts) == 2);
    matrixSslDeleteKeys(k);

    /* The top of the identity chain need not be self-signed or trusted. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server.pem"), path("server-pkcs1.pem"), NULL, NULL),
              PS_SUCCESS);
    CHECK(chain_len(k->cert) == 1 && k->CAcerts == NULL);
    matrixSslDeleteKeys(k);

    /* Files that cannot be opened. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("missing.pem"), path("server-pkcs1.pem"), NULL,
                                   NULL), PS_PLATFORM_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server.pem"), path("missing.key"), NULL, NULL),
              PS_PLATFORM_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeys(k, NULL, NULL, NULL, path("missing-ca.pem")),
              PS_PLATFORM_FAIL);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);

    /* Not PEM of the expected kind. */
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server.der"), path("server-pkcs1.pem"), NULL, NULL),
              PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server.pem"), path("server-pkcs1.der"), NULL, NULL),
              PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeys(k, NULL, NULL, NULL, path("server-pkcs1.pem")),
              PS_PARSE_FAIL);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);

    /* Half an identity, a key of another certificate. */
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server.pem"), NULL, NULL, NULL), PS_CERT_AUTH_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeys(k, NULL, path("server-pkcs1.pem"), NULL, NULL),
              PS_CERT_AUTH_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server.pem"), path("mismatch-key.pem"), NULL, NULL),
              PS_CERT_AUTH_FAIL);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);
    /* A chain that does not link still loads (D9b: the identity's own chain is not
     * verified; peers do that), and is kept as given. */
    {
        sslKeys_t *u = new_keys();
        EXPECT_RC(matrixSslLoadRsaKeys(u, path_list("server.pem", "other-ca.pem"),
                                       path("server-pkcs1.pem"), NULL, NULL), PS_SUCCESS);
        CHECK(chain_len(u->cert) == 2 && cn_is(u->cert->next, "Unrelated Root CA"));
        matrixSslDeleteKeys(u);
        u = new_keys();
        EXPECT_RC(matrixSslLoadRsaKeys(u, path_list("server.pem", "ca.pem"),
                                       path("server-pkcs1.pem"), NULL, NULL), PS_SUCCESS);
        matrixSslDeleteKeys(u);
        /* v1 certificates (no extensions) load like any other (D9a). */
        u = new_keys();
        EXPECT_RC(matrixSslLoadRsaKeys(u, path("v1-server.pem"), path("v1-server.key"), NULL,
                                       path("v1-ca.pem")), PS_SUCCESS);
        CHECK(u->cert != NULL && u->cert->version == 0 && u->CAcerts != NULL &&
              u->CAcerts->version == 0);
        matrixSslDeleteKeys(u);
        /* A malformed or mismatched v1 identity fails as any other would. */
        u = new_keys();
        EXPECT_RC(matrixSslLoadRsaKeys(u, path("v1-server.pem"), path("server-pkcs1.pem"), NULL,
                                       NULL), PS_CERT_AUTH_FAIL);
        {
            blob_t v1 = load("v1-server.der"), key = load("server-pkcs1.der");
            EXPECT_RC(matrixSslLoadRsaKeysMem(u, v1.buf, v1.len / 2, key.buf, key.len, NULL, 0),
                      PS_PARSE_FAIL);
            EXPECT_RC(matrixSslLoadRsaKeysMem(u, v1.buf, v1.len, key.buf, key.len, NULL, 0),
                      PS_CERT_AUTH_FAIL);
            free(v1.buf);
            free(key.buf);
        }
        check_no_identity(u);
        matrixSslDeleteKeys(u);
    }

    /* Encrypted keys: legacy PEM encryption and PKCS#8 PBES2, password "secret". */
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-legacy-enc.pem"),
                                   NULL, NULL), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-legacy-enc.pem"),
                                   "wrong", NULL), PS_FAILURE);
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-pkcs8-enc.pem"),
                                   NULL, NULL), PS_FAILURE);
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-pkcs8-enc.pem"),
                                   "wrong", NULL), PS_FAILURE);
    check_no_identity(k);

    /* After all those failures the same container still loads (left exactly as it was). */
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-legacy-enc.pem"),
                                   "secret", path("ca.pem")), PS_SUCCESS);
    check_main_view(k, leaf, inter);
    matrixSslDeleteKeys(k);

    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-pkcs8-enc.pem"),
                                   "secret", NULL), PS_SUCCESS);
    CHECK(cn_is(k->cert, "localhost") && k->privKey != NULL && k->privKey->keysize == 256);
    matrixSslDeleteKeys(k);

    /* Legacy 1024-bit SHA-1 chain: accepted by default (ABI.md D9). */
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("legacy-server.pem"), path("legacy-server-key.pem"),
                                   NULL, path("legacy-ca.pem")), PS_SUCCESS);
    CHECK(cn_is(k->cert, "legacy.localhost"));
    CHECK(k->cert != NULL && k->cert->publicKey.keysize == 128 &&
          k->cert->certAlgorithm == OID_SHA1_RSA_SIG);
    CHECK(k->privKey != NULL && k->privKey->keysize == 128);
    CHECK(cn_is(k->CAcerts, "Legacy Test CA"));
    matrixSslDeleteKeys(k);

    free(leaf.buf);
    free(inter.buf);
}

static void test_load_mem(void)
{
    sslKeys_t *k;
    blob_t leaf = load("server.der"), inter = load("inter.der"), chain = load("server-chain.der");
    blob_t pkcs1 = load("server-pkcs1.der"), pkcs8 = load("server-pkcs8.der");
    blob_t ca = load("ca.der"), other = load("other-ca.der"), trunc = load("server-trunc.der");
    blob_t mismatch = load("mismatch-key.der"), pem = load("server.pem");
    blob_t legacy = load("legacy-server.der"), legacy_key = load("legacy-server-key.der");
    blob_t legacy_ca = load("legacy-ca.der");
    blob_t cas = concat(ca, other), copy = concat(chain, ca);

    EXPECT_RC(matrixSslLoadRsaKeysMem(NULL, NULL, 0, NULL, 0, NULL, 0), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeysMem(NULL, chain.buf, chain.len, pkcs1.buf, pkcs1.len, ca.buf,
                                      ca.len), PS_ARG_FAIL);

    /* A NULL pointer is absent whatever the length. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, NULL, 0, NULL, 0, NULL, 0), PS_SUCCESS);
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, NULL, 1234, NULL, -5, NULL, 77), PS_SUCCESS);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);
    /* A negative length with a buffer is an argument error (3.3 would overrun). */
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, chain.buf, -1, pkcs1.buf, pkcs1.len, NULL, 0),
              PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, NULL, 0, NULL, 0, ca.buf, -1), PS_ARG_FAIL);

    /* Concatenated DER chain + PKCS#1 DER key + CA, from a buffer we then overwrite:
     * the library keeps copies. */
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, copy.buf, chain.len, pkcs1.buf, pkcs1.len,
                                      copy.buf + chain.len, ca.len), PS_SUCCESS);
    memset(copy.buf, 0, (size_t)copy.len);
    check_main_view(k, leaf, inter);
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, chain.buf, chain.len, pkcs1.buf, pkcs1.len, NULL, 0),
              PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, NULL, 0, NULL, 0, ca.buf, ca.len),
              PS_UNSUPPORTED_FAIL);
    check_main_view(k, leaf, inter);
    matrixSslDeleteKeys(k);

    /* PKCS#8 DER key (the PKCS#1 retry path); several concatenated CAs. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, chain.buf, chain.len, pkcs8.buf, pkcs8.len, cas.buf,
                                      cas.len), PS_SUCCESS);
    CHECK(chain_len(k->cert) == 2 && chain_len(k->CAcerts) == 2);
    CHECK(cn_is(k->CAcerts, "Test Root CA") && cn_is(k->CAcerts->next, "Unrelated Root CA"));
    matrixSslDeleteKeys(k);

    /* Parse failures: truncated DER, PEM text, empty buffer. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, trunc.buf, trunc.len, pkcs1.buf, pkcs1.len, NULL, 0),
              PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, NULL, 0, NULL, 0, trunc.buf, trunc.len), PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, pem.buf, pem.len, pkcs1.buf, pkcs1.len, NULL, 0),
              PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, leaf.buf, leaf.len, pkcs1.buf, pkcs1.len / 2, NULL, 0),
              PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, NULL, 0, NULL, 0, ca.buf, 0), PS_PARSE_FAIL);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);

    /* Half an identity, a mismatched key. */
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, chain.buf, chain.len, NULL, 0, NULL, 0),
              PS_CERT_AUTH_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, NULL, 0, pkcs1.buf, pkcs1.len, NULL, 0),
              PS_CERT_AUTH_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, chain.buf, chain.len, mismatch.buf, mismatch.len,
                                      NULL, 0), PS_CERT_AUTH_FAIL);
    {
        /* A chain that does not link loads (D9b). */
        blob_t bad = concat(leaf, other);
        sslKeys_t *u = new_keys();
        EXPECT_RC(matrixSslLoadRsaKeysMem(u, bad.buf, bad.len, pkcs1.buf, pkcs1.len, NULL, 0),
                  PS_SUCCESS);
        CHECK(chain_len(u->cert) == 2);
        matrixSslDeleteKeys(u);
        free(bad.buf);
    }
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);

    /* The container is exactly as before those failures: it loads and deletes cleanly
     * (3.3 left dangling pointers here and double-freed on delete). */
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, leaf.buf, leaf.len, pkcs1.buf, pkcs1.len, ca.buf,
                                      ca.len), PS_SUCCESS);
    CHECK(chain_len(k->cert) == 1 && cn_is(k->cert, "localhost"));
    matrixSslDeleteKeys(k);

    /* Legacy 1024-bit SHA-1 chain in DER. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, legacy.buf, legacy.len, legacy_key.buf, legacy_key.len,
                                      legacy_ca.buf, legacy_ca.len), PS_SUCCESS);
    CHECK(cn_is(k->cert, "legacy.localhost") && k->privKey != NULL &&
          k->privKey->keysize == 128);
    matrixSslDeleteKeys(k);

    free(leaf.buf); free(inter.buf); free(chain.buf); free(pkcs1.buf); free(pkcs8.buf);
    free(ca.buf); free(other.buf); free(trunc.buf); free(mismatch.buf); free(pem.buf);
    free(legacy.buf); free(legacy_key.buf); free(legacy_ca.buf); free(cas.buf); free(copy.buf);
}

/* keys->cert / privKey after loading the P-256 chain (ec-server, ec-inter). */
static void check_ec_view(const sslKeys_t *k, blob_t leaf_der)
{
    const psX509Cert_t *c = k->cert;

    CHECK(c != NULL);
    if (c == NULL) {
        return;
    }
    CHECK(cn_is(c, "localhost"));
    CHECK(c->issuer.commonName != NULL &&
          strcmp(c->issuer.commonName, "Test EC Intermediate CA") == 0);
    CHECK(c->publicKey.type == PS_ECC);
    CHECK(c->publicKey.keysize == 32);
    CHECK(c->pubKeyAlgorithm == OID_ECDSA_KEY_ALG);
    CHECK(c->certAlgorithm == OID_SHA256_ECDSA_SIG);
    CHECK(c->sigAlgorithm == OID_SHA256_ECDSA_SIG);
    CHECK(c->unparsedBin != NULL && c->binLen == (uint32)leaf_der.len &&
          memcmp(c->unparsedBin, leaf_der.buf, (size_t)leaf_der.len) == 0);
    CHECK(cn_is(c->next, "Test EC Intermediate CA"));
    CHECK(c->next != NULL && c->next->next == NULL && c->next->extensions.bc.cA != 0);
    CHECK(k->privKey != NULL && k->privKey->type == PS_ECC && k->privKey->keysize == 32);
}

static void test_ec_load_files(void)
{
    sslKeys_t *k;
    psX509Cert_t *cert;
    blob_t leaf = load("ec-server.der");

    EXPECT_RC(matrixSslLoadEcKeys(NULL, NULL, NULL, NULL, NULL), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(NULL, path("ec-server.pem"), path("ec-server-sec1.pem"), NULL,
                                  path("ec-ca.pem")), PS_ARG_FAIL);

    /* Nothing at all is a success and loads nothing. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeys(k, NULL, NULL, NULL, NULL), PS_SUCCESS);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);
    matrixSslDeleteKeys(k);

    /* Chain as a ';' list, SEC1 key, CA bundle mixing RSA and ECDSA roots. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeys(k, path_list("ec-server.pem", "ec-inter.pem"),
                                  path("ec-server-sec1.pem"), NULL, path("mixed-ca-bundle.pem")),
              PS_SUCCESS);
    check_ec_view(k, leaf);
    CHECK(chain_len(k->CAcerts) == 3 && cn_is(k->CAcerts, "Test Root CA") &&
          cn_is(k->CAcerts->next, "Test EC Root CA"));
    CHECK(k->CAcerts != NULL && k->CAcerts->next != NULL &&
          k->CAcerts->publicKey.type == PS_RSA && k->CAcerts->next->publicKey.type == PS_ECC);
    /* Both slots of this loader are taken now; the CA slot is shared with the RSA loader. */
    cert = k->cert;
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path("ec-server-sec1.pem"),
                                  NULL, NULL), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, NULL, NULL, NULL, path("ec-ca.pem")), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeys(k, NULL, NULL, NULL, path("ca.pem")), PS_UNSUPPORTED_FAIL);
    CHECK(k->cert == cert && chain_len(k->CAcerts) == 3);
    matrixSslDeleteKeys(k);

    /* Chain file with two blocks and every key encoding (plain and encrypted). */
    {
        static const char *const plain[] = { "ec-server-sec1.pem", "ec-server-pkcs8.pem" };
        int i;
        for (i = 0; i < 2; i++) {
            k = new_keys();
            EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path(plain[i]), NULL,
                                          path("ec-ca.pem")), PS_SUCCESS);
            check_ec_view(k, leaf);
            CHECK(cn_is(k->CAcerts, "Test EC Root CA"));
            matrixSslDeleteKeys(k);
        }
    }
    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path("ec-server-sec1-enc.pem"),
                                  NULL, NULL), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path("ec-server-sec1-enc.pem"),
                                  "wrong", NULL), PS_FAILURE);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path("ec-server-pkcs8-enc.pem"),
                                  NULL, NULL), PS_FAILURE);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path("ec-server-pkcs8-enc.pem"),
                                  "wrong", NULL), PS_FAILURE);
    check_no_identity(k);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path("ec-server-sec1-enc.pem"),
                                  "secret", NULL), PS_SUCCESS);
    check_ec_view(k, leaf);
    matrixSslDeleteKeys(k);
    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path("ec-server-pkcs8-enc.pem"),
                                  "secret", NULL), PS_SUCCESS);
    check_ec_view(k, leaf);
    matrixSslDeleteKeys(k);

    /* P-384 chain (SHA-384 signature), root sent along. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeys(k, path_list("ec384-server.pem", "ec384-ca.pem"),
                                  path("ec384-server-key.pem"), NULL, path("ec384-ca.pem")),
              PS_SUCCESS);
    CHECK(chain_len(k->cert) == 2 && k->cert != NULL && k->cert->publicKey.type == PS_ECC &&
          k->cert->publicKey.keysize == 48 && k->cert->certAlgorithm == OID_SHA384_ECDSA_SIG);
    CHECK(k->privKey != NULL && k->privKey->type == PS_ECC && k->privKey->keysize == 48);
    matrixSslDeleteKeys(k);

    /* Mixed chain: ECDSA leaf signed by the RSA intermediate. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-mixed-server-chain.pem"),
                                  path("ec-mixed-server-key.pem"), NULL, path("ca.pem")),
              PS_SUCCESS);
    CHECK(chain_len(k->cert) == 2 && k->cert != NULL && k->cert->publicKey.type == PS_ECC &&
          k->cert->certAlgorithm == OID_SHA256_RSA_SIG);
    CHECK(cn_is(k->cert->next, "Test Intermediate CA"));
    matrixSslDeleteKeys(k);

    /* Failures: missing files, wrong kinds, mismatches, broken chains, wrong algorithm. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeys(k, path("missing.pem"), path("ec-server-sec1.pem"), NULL,
                                  NULL), PS_PLATFORM_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, NULL, NULL, NULL, path("missing-ca.pem")),
              PS_PLATFORM_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server.der"), path("ec-server-sec1.pem"), NULL,
                                  NULL), PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server.pem"), path("ec-server-sec1.der"), NULL,
                                  NULL), PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, NULL, NULL, NULL, path("ec-server-sec1.pem")),
              PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server.pem"), NULL, NULL, NULL), PS_CERT_AUTH_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, NULL, path("ec-server-sec1.pem"), NULL, NULL),
              PS_CERT_AUTH_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server.pem"), path("ec-mismatch-key.pem"), NULL,
                                  NULL), PS_CERT_AUTH_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server.pem"), path("ec384-server-key.pem"), NULL,
                                  NULL), PS_CERT_AUTH_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("server.pem"), path("ec-server-sec1.pem"), NULL, NULL),
              PS_CERT_AUTH_FAIL);
    /* An RSA identity given to the EC loader, and the reverse: unsupported key algorithm. */
    EXPECT_RC(matrixSslLoadEcKeys(k, path("server-chain.pem"), path("server-pkcs1.pem"), NULL,
                                  NULL), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("ec-server-chain.pem"), path("ec-server-sec1.pem"),
                                   NULL, NULL), PS_UNSUPPORTED_FAIL);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);
    /* Still usable after all that. */
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path("ec-server-pkcs8.pem"),
                                  NULL, path("ec-ca.pem")), PS_SUCCESS);
    check_ec_view(k, leaf);
    matrixSslDeleteKeys(k);
    /* Chains that do not link load all the same (D9b). */
    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeys(k, path_list("ec-server.pem", "ec-ca.pem"),
                                  path("ec-server-sec1.pem"), NULL, NULL), PS_SUCCESS);
    matrixSslDeleteKeys(k);
    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeys(k, path_list("ec-server.pem", "ec384-ca.pem"),
                                  path("ec-server-sec1.pem"), NULL, NULL), PS_SUCCESS);
    CHECK(chain_len(k->cert) == 2);
    matrixSslDeleteKeys(k);

    free(leaf.buf);
}

static void test_ec_load_mem(void)
{
    sslKeys_t *k;
    blob_t leaf = load("ec-server.der"), chain = load("ec-server-chain.der");
    blob_t sec1 = load("ec-server-sec1.der"), pkcs8 = load("ec-server-pkcs8.der");
    blob_t ca = load("ec-ca.der"), mixed = load("mixed-ca-bundle.der");
    blob_t leaf384 = load("ec384-server.der"), key384 = load("ec384-server-key.der");
    blob_t mismatch = load("ec-mismatch-key.der"), pem = load("ec-server.pem");
    blob_t rsa_chain = load("server-chain.der"), rsa_key = load("server-pkcs1.der");
    blob_t mixed_chain = load("ec-mixed-server-chain.der");
    blob_t mixed_key = load("ec-mixed-server-key.der");
    blob_t copy = concat(chain, sec1);

    EXPECT_RC(matrixSslLoadEcKeysMem(NULL, NULL, 0, NULL, 0, NULL, 0), PS_ARG_FAIL);
    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeysMem(k, NULL, 77, NULL, -1, NULL, 5), PS_SUCCESS);
    EXPECT_RC(matrixSslLoadEcKeysMem(k, chain.buf, -1, sec1.buf, sec1.len, NULL, 0), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadEcKeysMem(k, NULL, 0, NULL, 0, ca.buf, -1), PS_ARG_FAIL);
    check_no_identity(k);

    /* DER chain + SEC1 key + mixed CA list, from a buffer overwritten afterwards. */
    EXPECT_RC(matrixSslLoadEcKeysMem(k, copy.buf, chain.len, copy.buf + chain.len, sec1.len,
                                     mixed.buf, mixed.len), PS_SUCCESS);
    memset(copy.buf, 0, (size_t)copy.len);
    check_ec_view(k, leaf);
    CHECK(chain_len(k->CAcerts) == 3);
    EXPECT_RC(matrixSslLoadEcKeysMem(k, chain.buf, chain.len, pkcs8.buf, pkcs8.len, NULL, 0),
              PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, NULL, 0, NULL, 0, ca.buf, ca.len), PS_UNSUPPORTED_FAIL);
    check_ec_view(k, leaf);
    matrixSslDeleteKeys(k);

    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeysMem(k, chain.buf, chain.len, pkcs8.buf, pkcs8.len, ca.buf,
                                     ca.len), PS_SUCCESS);
    check_ec_view(k, leaf);
    matrixSslDeleteKeys(k);

    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeysMem(k, leaf384.buf, leaf384.len, key384.buf, key384.len, NULL,
                                     0), PS_SUCCESS);
    CHECK(k->privKey != NULL && k->privKey->keysize == 48);
    matrixSslDeleteKeys(k);

    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeysMem(k, mixed_chain.buf, mixed_chain.len, mixed_key.buf,
                                     mixed_key.len, NULL, 0), PS_SUCCESS);
    CHECK(chain_len(k->cert) == 2);
    matrixSslDeleteKeys(k);

    k = new_keys();
    EXPECT_RC(matrixSslLoadEcKeysMem(k, pem.buf, pem.len, sec1.buf, sec1.len, NULL, 0),
              PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadEcKeysMem(k, chain.buf, chain.len / 2, sec1.buf, sec1.len, NULL, 0),
              PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadEcKeysMem(k, chain.buf, chain.len, sec1.buf, sec1.len / 2, NULL, 0),
              PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadEcKeysMem(k, chain.buf, chain.len, NULL, 0, NULL, 0),
              PS_CERT_AUTH_FAIL);
    EXPECT_RC(matrixSslLoadEcKeysMem(k, chain.buf, chain.len, mismatch.buf, mismatch.len, NULL,
                                     0), PS_CERT_AUTH_FAIL);
    EXPECT_RC(matrixSslLoadEcKeysMem(k, rsa_chain.buf, rsa_chain.len, rsa_key.buf, rsa_key.len,
                                     NULL, 0), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeysMem(k, chain.buf, chain.len, pkcs8.buf, pkcs8.len, NULL, 0),
              PS_UNSUPPORTED_FAIL);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);
    matrixSslDeleteKeys(k);

    free(leaf.buf); free(chain.buf); free(sec1.buf); free(pkcs8.buf); free(ca.buf);
    free(mixed.buf); free(leaf384.buf); free(key384.buf); free(mismatch.buf); free(pem.buf);
    free(rsa_chain.buf); free(rsa_key.buf); free(mixed_chain.buf); free(mixed_key.buf);
    free(copy.buf);
}

/* One container holding an RSA and an ECDSA identity: keys->cert shows the RSA one. */
static void test_both_identities(void)
{
    sslKeys_t *k = new_keys();
    blob_t rsa_leaf = load("server.der"), rsa_inter = load("inter.der");
    blob_t ec_leaf = load("ec-server.der");

    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path("ec-server-sec1.pem"),
                                  NULL, path("mixed-ca-bundle.pem")), PS_SUCCESS);
    check_ec_view(k, ec_leaf);
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-pkcs1.pem"), NULL,
                                   NULL), PS_SUCCESS);
    CHECK(k->cert != NULL && k->cert->publicKey.type == PS_RSA);
    CHECK(k->cert != NULL && k->cert->binLen == (uint32)rsa_leaf.len);
    CHECK(cn_is(k->cert != NULL ? k->cert->next : NULL, "Test Intermediate CA"));
    CHECK(k->privKey != NULL && k->privKey->type == PS_RSA && k->privKey->keysize == 256);
    CHECK(chain_len(k->CAcerts) == 3);
    /* Each identity slot is now taken. */
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-pkcs1.pem"), NULL,
                                   NULL), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path("ec-server-sec1.pem"),
                                  NULL, NULL), PS_UNSUPPORTED_FAIL);
    matrixSslDeleteKeys(k);

    /* RSA first, then ECDSA: the view stays on the RSA identity. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-pkcs1.pem"), NULL,
                                   path("ca.pem")), PS_SUCCESS);
    check_main_view(k, rsa_leaf, rsa_inter);
    EXPECT_RC(matrixSslLoadEcKeysMem(k, ec_leaf.buf, ec_leaf.len, NULL, 0, NULL, 0),
              PS_CERT_AUTH_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path("ec-server-pkcs8.pem"),
                                  NULL, NULL), PS_SUCCESS);
    check_main_view(k, rsa_leaf, rsa_inter);
    matrixSslDeleteKeys(k);

    free(rsa_leaf.buf);
    free(rsa_inter.buf);
    free(ec_leaf.buf);
}

/* matrixSslLoadPkcs12 (ABI.md §3.2.5, D8): legacy (RC2-40/3DES, HMAC-SHA1) and current
 * (PBES2/AES-256, HMAC-SHA256) files; the chain is stored leaf first whatever the file order;
 * wrong passwords and MAC passwords, truncation and occupied slots are errors. */
static void test_pkcs12(void)
{
    sslKeys_t *k;
    unsigned char pass[] = "secret", wrong[] = "Secret";
    blob_t leaf = load("server.der"), inter = load("inter.der"), ca = load("ca.der");
    const char *names[] = { "server-legacy.p12", "server-3des.p12", "server-aes.p12",
                            "server-nomac.p12" };
    size_t i;

    EXPECT_RC(matrixSslLoadPkcs12(NULL, (unsigned char *)path("server-aes.p12"), pass, 6, NULL,
                                  0, 0), PS_ARG_FAIL);
    k = new_keys();
    EXPECT_RC(matrixSslLoadPkcs12(k, NULL, pass, 6, NULL, 0, 0), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path("server-aes.p12"), pass, -1, NULL,
                                  0, 0), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path("server-aes.p12"), NULL, 6, NULL,
                                  0, 0), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path("server-aes.p12"), pass, 6, pass,
                                  -1, 0), PS_ARG_FAIL);
    /* Parse-stage failures are all PS_PARSE_FAIL: missing file, not PKCS#12, wrong
     * password, right password but wrong MAC password, truncated file. */
    EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path("missing.p12"), pass, 6, NULL, 0,
                                  0), PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path("server.der"), pass, 6, NULL, 0,
                                  0), PS_PARSE_FAIL);
    for (i = 0; i < 3; i++) {
        EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path(names[i]), wrong, 6, NULL, 0,
                                      0), PS_PARSE_FAIL);
        EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path(names[i]), pass, 6, wrong, 6,
                                      0), PS_PARSE_FAIL);
        EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path(names[i]), wrong, 6, pass, 6,
                                      0), PS_PARSE_FAIL);
        EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path(names[i]), NULL, 0, NULL, 0,
                                      0), PS_PARSE_FAIL);
    }
    EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path("server-nomac.p12"), wrong, 6,
                                  NULL, 0, 0), PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path("server-trunc.p12"), pass, 6, NULL,
                                  0, 0), PS_PARSE_FAIL);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);
    matrixSslDeleteKeys(k);

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        k = new_keys();
        /* macPass NULL means "the import password" (mpasslen ignored); also given
         * explicitly for the second file. */
        EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path(names[i]), pass, 6,
                                      i == 1 ? pass : NULL, i == 1 ? 6 : 99, 0), PS_SUCCESS);
        CHECK(cn_is(k->cert, "localhost") && chain_len(k->cert) == 3);
        CHECK(k->cert != NULL && k->cert->binLen == (uint32)leaf.len &&
              memcmp(k->cert->unparsedBin, leaf.buf, (size_t)leaf.len) == 0);
        if (k->cert != NULL && k->cert->next != NULL) {
            CHECK(k->cert->next->binLen == (uint32)inter.len &&
                  memcmp(k->cert->next->unparsedBin, inter.buf, (size_t)inter.len) == 0);
            CHECK(cn_is(k->cert->next->next, "Test Root CA"));
        }
        CHECK(k->privKey != NULL && k->privKey->type == PS_RSA && k->privKey->keysize == 256);
        CHECK(k->CAcerts == NULL);
        /* The RSA identity slot is taken (D8: -10 instead of 3.3's silent replacement);
         * CAs still load into the same container. */
        EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path("server-aes.p12"), pass, 6, NULL,
                                      0, 0), PS_UNSUPPORTED_FAIL);
        EXPECT_RC(matrixSslLoadRsaKeysMem(k, NULL, 0, NULL, 0, ca.buf, ca.len), PS_SUCCESS);
        CHECK(cn_is(k->CAcerts, "Test Root CA") && chain_len(k->cert) == 3);
        matrixSslDeleteKeys(k);
    }

    /* An ECDSA identity fills the EC slot; an RSA one can join it. */
    k = new_keys();
    EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path("ec-server.p12"), pass, 6, NULL, 0,
                                  0), PS_SUCCESS);
    CHECK(k->privKey != NULL && k->privKey->type == PS_ECC && k->privKey->keysize == 32);
    CHECK(cn_is(k->cert, "localhost") && chain_len(k->cert) == 2);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("ec-server-chain.pem"), path("ec-server-sec1.pem"),
                                  NULL, NULL), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path("server-legacy.p12"), pass, 6, NULL,
                                  0, 0), PS_SUCCESS);
    CHECK(k->privKey != NULL && k->privKey->type == PS_RSA);
    matrixSslDeleteKeys(k);

    /* D9b: a bundle whose "issuer" (inter's DN, another key) did not sign the leaf loads;
     * the chain is kept as found (serving it: c-tests/legacy_certs.c). */
    k = new_keys();
    EXPECT_RC(matrixSslLoadPkcs12(k, (unsigned char *)path("server-unlinked.p12"), pass, 6,
                                  NULL, 0, 0), PS_SUCCESS);
    CHECK(cn_is(k->cert, "localhost") && chain_len(k->cert) == 2);
    CHECK(k->cert != NULL && cn_is(k->cert->next, "Test Intermediate CA") &&
          !(k->cert->next->binLen == (uint32)inter.len &&
            memcmp(k->cert->next->unparsedBin, inter.buf, (size_t)inter.len) == 0));
    matrixSslDeleteKeys(k);

    free(leaf.buf);
    free(inter.buf);
    free(ca.buf);
}

/* matrixSslLoadDhParams[Mem] (ABI.md §3.11): PKCS#3 PEM/DER and X9.42 PEM load once per
 * container; groups under 1024 bits or with a composite prime are refused. */
static void test_dh_params(void)
{
    sslKeys_t *k;
    blob_t der = load("dh2048.der"), pem = load("dh2048.pem"), small = load("dh512.der");
    blob_t composite = load("dh-composite.der"), trunc = load("dh-trunc.der");
    blob_t cert = load("ca.der");

    EXPECT_RC(matrixSslLoadDhParams(NULL, path("dh2048.pem")), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadDhParamsMem(NULL, der.buf, der.len), PS_ARG_FAIL);
    k = new_keys();
    EXPECT_RC(matrixSslLoadDhParams(k, NULL), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadDhParamsMem(k, NULL, 10), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadDhParamsMem(k, der.buf, 0), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadDhParamsMem(k, der.buf, -1), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadDhParams(k, path("missing-dh.pem")), PS_PLATFORM_FAIL);
    EXPECT_RC(matrixSslLoadDhParams(k, path("ca.pem")), PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadDhParams(k, path("dh512.pem")), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadDhParamsMem(k, small.buf, small.len), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadDhParamsMem(k, composite.buf, composite.len), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadDhParamsMem(k, trunc.buf, trunc.len), PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadDhParamsMem(k, pem.buf, pem.len), PS_PARSE_FAIL);
    EXPECT_RC(matrixSslLoadDhParamsMem(k, cert.buf, cert.len), PS_PARSE_FAIL);
    /* None of that filled the slot. */
    EXPECT_RC(matrixSslLoadDhParams(k, path("dh2048.pem")), PS_SUCCESS);
    EXPECT_RC(matrixSslLoadDhParams(k, path("dh2048.pem")), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadDhParamsMem(k, der.buf, der.len), PS_UNSUPPORTED_FAIL);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);
    matrixSslDeleteKeys(k);

    k = new_keys();
    EXPECT_RC(matrixSslLoadDhParamsMem(k, der.buf, der.len), PS_SUCCESS);
    EXPECT_RC(matrixSslLoadDhParams(k, path("dh-x942.pem")), PS_UNSUPPORTED_FAIL);
    /* Identity and CAs are separate slots. */
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("server-chain.pem"), path("server-pkcs1.pem"), NULL,
                                   path("ca.pem")), PS_SUCCESS);
    matrixSslDeleteKeys(k);

    k = new_keys();
    EXPECT_RC(matrixSslLoadDhParams(k, path("dh-x942.pem")), PS_SUCCESS);
    matrixSslDeleteKeys(k);

    free(der.buf); free(pem.buf); free(small.buf); free(composite.buf); free(trunc.buf);
    free(cert.buf);
}

/* matrixSslLoadPsk (ABI.md §3.11): limits, copies, any number of keys per container. */
/* A DSA key is never an identity (no constant-time DSA signer; DSA is verify-only, for
 * clients of DHE_DSS servers): PKCS#8 and OpenSSL's "DSA PRIVATE KEY" are PS_UNSUPPORTED_FAIL
 * for both loaders, and nothing is kept. */
static void test_dsa_keys(void)
{
    sslKeys_t *k = new_keys();

    EXPECT_RC(matrixSslLoadRsaKeys(k, path("dsa-server.pem"), path("dsa-server.key"), NULL,
                                   NULL), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadRsaKeys(k, path("dsa-server-chain.pem"), path("dsa-trad.key"), NULL,
                                   NULL), PS_UNSUPPORTED_FAIL);
    EXPECT_RC(matrixSslLoadEcKeys(k, path("dsa-server.pem"), path("dsa-server.key"), NULL, NULL),
              PS_UNSUPPORTED_FAIL);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);
    matrixSslDeleteKeys(k);
}

static void test_psk(void)
{
    sslKeys_t *k;
    unsigned char psk[SSL_PSK_MAX_KEY_SIZE + 1] = { 1 }, id[SSL_PSK_MAX_ID_SIZE + 1];

    memset(id, 'c', sizeof id);
    EXPECT_RC(matrixSslLoadPsk(NULL, psk, 16, id, 6), PS_ARG_FAIL);
    k = new_keys();
    EXPECT_RC(matrixSslLoadPsk(k, NULL, 16, id, 6), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadPsk(k, psk, 16, NULL, 6), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadPsk(k, psk, 0, id, 6), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadPsk(k, psk, SSL_PSK_MAX_KEY_SIZE + 1, id, 6), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadPsk(k, psk, 16, id, 0), PS_ARG_FAIL);
    /* An identity longer than the protocol allows here. */
    EXPECT_RC(matrixSslLoadPsk(k, psk, 16, id, SSL_PSK_MAX_ID_SIZE + 1), PS_ARG_FAIL);
    EXPECT_RC(matrixSslLoadPsk(k, psk, SSL_PSK_MAX_KEY_SIZE, id, SSL_PSK_MAX_ID_SIZE),
              PS_SUCCESS);
    EXPECT_RC(matrixSslLoadPsk(k, psk, 1, id, 1), PS_SUCCESS);
    EXPECT_RC(matrixSslLoadPsk(k, psk, 16, (unsigned char *)"client", 6), PS_SUCCESS);
    /* The same identity again is accepted (the first one loaded wins a lookup). */
    EXPECT_RC(matrixSslLoadPsk(k, psk, 16, (unsigned char *)"client", 6), PS_SUCCESS);
    check_no_identity(k);
    CHECK(k->CAcerts == NULL);
    matrixSslDeleteKeys(k);
}

static void test_x509_parse(void)
{
    blob_t chain = load("server-chain.der"), leaf = load("server.der");
    blob_t trunc = load("server-trunc.der");
    psX509Cert_t *cert = NULL;

    EXPECT_RC(psX509ParseCert(NULL, chain.buf, (uint32)chain.len, &cert,
                              CERT_STORE_UNPARSED_BUFFER | CERT_STORE_DN_BUFFER), chain.len);
    CHECK(cn_is(cert, "localhost") && chain_len(cert) == 2);
    if (cert != NULL) {
        CHECK(cn_is(cert->next, "Test Intermediate CA"));
        CHECK(cert->unparsedBin != NULL && cert->binLen == (uint32)leaf.len &&
              memcmp(cert->unparsedBin, leaf.buf, (size_t)leaf.len) == 0);
        CHECK(cert->subject.dnenc != NULL && cert->subject.dnencLen > 0 &&
              (unsigned char)cert->subject.dnenc[0] == 0x30);
        CHECK(cert->issuer.dnenc != NULL && cert->issuer.dnencLen > 0);
    }
    psX509FreeCert(cert);

    cert = NULL;
    EXPECT_RC(psX509ParseCert(NULL, leaf.buf, (uint32)leaf.len, &cert, 0), leaf.len);
    CHECK(cn_is(cert, "localhost") && chain_len(cert) == 1);
    CHECK(cert != NULL && cert->unparsedBin == NULL && cert->subject.dnenc == NULL);
    psX509FreeCert(cert);

    /* A failed parse: freeing whatever *outcert holds is safe (3.3 idiom). */
    cert = NULL;
    CHECK(psX509ParseCert(NULL, trunc.buf, (uint32)trunc.len, &cert, 0) < 0);
    psX509FreeCert(cert);
    psX509FreeCert(NULL);

    free(chain.buf);
    free(leaf.buf);
    free(trunc.buf);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FIXTURE_DIR (from make-test-pki.sh)\n", argv[0]);
        return 2;
    }
    fixtures = argv[1];
    if (matrixSslOpen() < 0) {
        printf("matrixSslOpen failed\n");
        return 1;
    }
    test_new_delete();
    test_load_files();
    test_load_mem();
    test_ec_load_files();
    test_ec_load_mem();
    test_both_identities();
    test_pkcs12();
    test_dh_params();
    test_dsa_keys();
    test_psk();
    test_x509_parse();
    matrixSslClose();

    printf("keys_api: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
