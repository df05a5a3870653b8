/* RSA public operation for bench/timing_test.c (implemented with libcrypto in timing_rsa.c). */
#ifndef TIMING_RSA_H
#define TIMING_RSA_H

#include <stddef.h>

enum { TIMING_CKE_OK, TIMING_CKE_BAD_PADDING, TIMING_CKE_BAD_VERSION };

/* Loads the RSA public key of the PEM certificate. Returns 1 on success. */
int timing_rsa_load(const char *cert_pem);

/* Encrypts a fresh 48-byte premaster secret starting with `version` (kind OK), with the
   block type byte 01 instead of 02 (BAD_PADDING), or with the minor version one lower
   (BAD_VERSION), raw RSA under the loaded key, into `out` (modulus length, at most 1024
   bytes). Returns the ciphertext length, 0 on failure. */
size_t timing_rsa_premaster(int kind, const unsigned char version[2], unsigned char *out);

#endif
