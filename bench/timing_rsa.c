/*
 * The RSA public operation for bench/timing_test.c: encrypts a hand-built PKCS#1 v1.5 block
 * (well-formed or not) under the server certificate's key. OpenSSL's libcrypto does only
 * this raw modular exponentiation (RSA_NO_PADDING); it lives in its own file so the
 * OpenSSL and MatrixSSL headers never meet.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "timing_rsa.h"

static EVP_PKEY_CTX *ctx;
static size_t modulus_len;

int timing_rsa_load(const char *cert_pem)
{
    FILE *f = fopen(cert_pem, "r");
    X509 *cert;
    EVP_PKEY *key;
    if (!f) return 0;
    cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (!cert) return 0;
    key = X509_get_pubkey(cert);
    X509_free(cert);
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return 0;
    modulus_len = (size_t)EVP_PKEY_get_size(key);
    ctx = EVP_PKEY_CTX_new(key, NULL);
    EVP_PKEY_free(key);
    return ctx && EVP_PKEY_encrypt_init(ctx) == 1 &&
           EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1;
}

size_t timing_rsa_premaster(int kind, const unsigned char version[2], unsigned char *out)
{
    unsigned char em[1024];
    size_t k = modulus_len, ps = k - 3 - 48, i, n = k;
    if (k > sizeof em || k < 64) return 0;
    /* 00 02 PS (nonzero) 00 premaster(48): RFC 8017 §7.2.1. */
    em[0] = 0x00;
    em[1] = kind == TIMING_CKE_BAD_PADDING ? 0x01 : 0x02;
    if (RAND_bytes(em + 2, (int)(k - 2)) != 1) return 0;
    for (i = 2; i < 2 + ps; i++) {
        while (em[i] == 0) {
            if (RAND_bytes(&em[i], 1) != 1) return 0;
        }
    }
    em[2 + ps] = 0x00;
    em[3 + ps] = version[0];
    em[4 + ps] = kind == TIMING_CKE_BAD_VERSION ? (unsigned char)(version[1] - 1) : version[1];
    if (EVP_PKEY_encrypt(ctx, out, &n, em, k) != 1 || n != k) return 0;
    return k;
}
