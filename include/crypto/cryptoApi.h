/*
 *	crypto/cryptoApi.h
 *	Crypto return codes and the crypto API (ABI.md 4.5).
 */
#ifndef _h_PS_CRYPTOAPI
#define _h_PS_CRYPTOAPI

#include "core/coreApi.h"	/* first */
#include "cryptoConfig.h"	/* second */
#include "cryptolib.h"

#ifdef __cplusplus
extern "C" {
#endif

/******************************************************************************/
/* Return codes: the crypto layer uses -30 .. -49. */
#define PS_PARSE_FAIL			-31

#define PS_CERT_AUTH_PASS		PS_TRUE
#define PS_CERT_AUTH_FAIL_BC	-32	/* issuer lacks the CA basicConstraints */
#define PS_CERT_AUTH_FAIL_DN	-33	/* issuer DN does not match */
#define PS_CERT_AUTH_FAIL_SIG	-34	/* signature invalid or unsupported */
#define PS_CERT_AUTH_FAIL		-35	/* generic */

#define PS_SIGNATURE_MISMATCH	-36	/* algorithms fine, signature differs */

/******************************************************************************/
/* AES: CBC mode (context holds IV and schedule) and single blocks */
PSPUBLIC int32 psAesInit(psCipherContext_t *ctx, unsigned char *IV,
				unsigned char *key, uint32 keylen);
PSPUBLIC int32 psAesDecrypt(psCipherContext_t *ctx, unsigned char *ct,
				unsigned char *pt, uint32 len);
PSPUBLIC int32 psAesEncrypt(psCipherContext_t *ctx, unsigned char *pt,
				unsigned char *ct, uint32 len);
PSPUBLIC int32 psAesInitKey(const unsigned char *key, uint32 keylen,
				psAesKey_t *skey);
PSPUBLIC void psAesEncryptBlock(const unsigned char *pt, unsigned char *ct,
				psAesKey_t *skey);
PSPUBLIC void psAesDecryptBlock(const unsigned char *ct, unsigned char *pt,
				psAesKey_t *skey);

/* Triple DES: CBC mode and single blocks */
PSPUBLIC int32 psDes3Init(psCipherContext_t *ctx, unsigned char *IV,
				unsigned char *key, uint32 keylen);
PSPUBLIC int32 psDes3Decrypt(psCipherContext_t *ctx, unsigned char *ct,
				unsigned char *pt, uint32 len);
PSPUBLIC int32 psDes3Encrypt(psCipherContext_t *ctx, unsigned char *pt,
				unsigned char *ct, uint32 len);
PSPUBLIC int32 psDes3InitKey(const unsigned char *key, uint32 keylen,
				psDes3Key_t *skey);
PSPUBLIC void psDes3EncryptBlock(const unsigned char *pt, unsigned char *ct,
				psDes3Key_t *skey);
PSPUBLIC void psDes3DecryptBlock(const unsigned char *ct, unsigned char *pt,
				psDes3Key_t *skey);

/* SHA-1 and HMAC-SHA1 */
PSPUBLIC void psSha1Init(psDigestContext_t *md);
PSPUBLIC void psSha1Update(psDigestContext_t *md, const unsigned char *buf,
				uint32 len);
PSPUBLIC int32 psSha1Final(psDigestContext_t *md, unsigned char *hash);
PSPUBLIC int32 psHmacSha1(unsigned char *key, uint32 keyLen,
				const unsigned char *buf, uint32 len, unsigned char *hash,
				unsigned char *hmacKey, uint32 *hmacKeyLen);
PSPUBLIC void psHmacSha1Init(psHmacContext_t *ctx, unsigned char *key,
				uint32 keyLen);
PSPUBLIC void psHmacSha1Update(psHmacContext_t *ctx, const unsigned char *buf,
				uint32 len);
PSPUBLIC int32 psHmacSha1Final(psHmacContext_t *ctx, unsigned char *hash);

/* MD5 and HMAC-MD5 */
PSPUBLIC void psMd5Init(psDigestContext_t *md);
PSPUBLIC void psMd5Update(psDigestContext_t *md, const unsigned char *buf,
				uint32 len);
PSPUBLIC int32 psMd5Final(psDigestContext_t *md, unsigned char *hash);
PSPUBLIC int32 psHmacMd5(unsigned char *key, uint32 keyLen,
				const unsigned char *buf, uint32 len, unsigned char *hash,
				unsigned char *hmacKey, uint32 *hmacKeyLen);
PSPUBLIC void psHmacMd5Init(psHmacContext_t *ctx, unsigned char *key,
				uint32 keyLen);
PSPUBLIC void psHmacMd5Update(psHmacContext_t *ctx, const unsigned char *buf,
				uint32 len);
PSPUBLIC int32 psHmacMd5Final(psHmacContext_t *ctx, unsigned char *hash);

/* RSA private key parsing: PKCS#1 and PKCS#8 */
PSPUBLIC int32 pkcs1ParsePrivBin(psPool_t *pool, unsigned char *p,
				uint32 size, psPubKey_t **key);
PSPUBLIC int32 pkcs8ParsePrivBin(psPool_t *pool, unsigned char *p,
				int32 size, char *pass, psPubKey_t **key);
#ifdef MATRIX_USE_FILE_SYSTEM
PSPUBLIC int32 pkcs1ParsePrivFile(psPool_t *pool, char *fileName,
				char *password, psPubKey_t **outkey);
PSPUBLIC int32 pkcs1DecodePrivFile(psPool_t *pool, char *fileName,
				char *password, unsigned char **DERout, uint32 *DERlen);
#endif /* MATRIX_USE_FILE_SYSTEM */

/* PKCS#5 key derivation */
PSPUBLIC void pkcs5pbkdf1(unsigned char *pass, uint32 passlen,
				unsigned char *salt, int32 iter, unsigned char *key);
PSPUBLIC void pkcs5pbkdf2(unsigned char *password, uint32 pLen,
				unsigned char *salt, uint32 sLen, int32 rounds,
				unsigned char *key, uint32 kLen);

/* Public key cryptography */
PSPUBLIC psPubKey_t *psNewPubKey(psPool_t *pool);
PSPUBLIC void psFreePubKey(psPubKey_t *key);

PSPUBLIC int32 psRsaDecryptPriv(psPool_t *pool, psRsaKey_t *key,
				unsigned char *in, uint32 inlen,
				unsigned char *out, uint32 outlen);
PSPUBLIC int32 psRsaDecryptPub(psPool_t *pool, psRsaKey_t *key,
				unsigned char *in, uint32 inlen,
				unsigned char *out, uint32 outlen);
PSPUBLIC int32 psRsaEncryptPub(psPool_t *pool, psRsaKey_t *key,
				unsigned char *in, uint32 inlen,
				unsigned char *out, uint32 outlen);
PSPUBLIC int32 psRsaCrypt(psPool_t *pool, const unsigned char *in,
				uint32 inlen, unsigned char *out, uint32 *outlen,
				psRsaKey_t *key, int32 type);

/* X.509 certificates */
PSPUBLIC int32 psX509ParseCertFile(psPool_t *pool, char *fileName,
				psX509Cert_t **outcert, int32 flags);
PSPUBLIC int32 psX509ParseCert(psPool_t *pool, unsigned char *pp, uint32 size,
				psX509Cert_t **outcert, int32 flags);
PSPUBLIC void psX509FreeCert(psX509Cert_t *cert);
PSPUBLIC int32 psX509AuthenticateCert(psPool_t *pool,
				psX509Cert_t *subjectCert, psX509Cert_t *issuerCert);

/* Random numbers */
PSPUBLIC int32 psInitPrng(psRandom_t *ctx);
PSPUBLIC int32 psGetPrng(psRandom_t *ctx, unsigned char *bytes, uint32 size);

PSPUBLIC int32 psYarrowStart(psYarrow_t *ctx);
PSPUBLIC int32 psYarrowAddEntropy(unsigned char *in, uint32 inlen,
				psYarrow_t *prng);
PSPUBLIC int32 psYarrowReseed(psYarrow_t *ctx);
PSPUBLIC uint32 psYarrowRead(unsigned char *out, uint32 outlen,
				psYarrow_t *cx);
PSPUBLIC int32 psYarrowDone(psYarrow_t *ctx);
PSPUBLIC int32 psYarrowExport(unsigned char *out, uint32 *outlen,
				psYarrow_t *ctx);
PSPUBLIC int32 psYarrowImport(unsigned char *in, uint32 inlen,
				psYarrow_t *ctx);

#ifdef __cplusplus
}
#endif

#endif /* _h_PS_CRYPTOAPI */
