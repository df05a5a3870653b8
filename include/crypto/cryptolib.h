/*
 *	crypto/cryptolib.h
 *	OID values, crypto flags and header-only helper macros.
 */
#ifndef _h_PS_CRYPTOLIB
#define _h_PS_CRYPTOLIB

#include "../core/coreApi.h"
#include "cryptoConfig.h"
#include "symmetric/symmetric.h"
#include "digest/digest.h"
#include "math/pstm.h"
#include "pubkey/pubkey.h"
#include "keyformat/asn1.h"
#include "keyformat/x509.h"
#include "prng/prng.h"

#ifdef __cplusplus
extern "C" {
#endif

/******************************************************************************/
/* Crypto-layer trace: compiled out (USE_CRYPTO_TRACE is not defined). */
#ifndef USE_CRYPTO_TRACE
#define psTraceCrypto(x)
#define psTraceStrCrypto(x, y)
#define psTraceIntCrypto(x, y)
#define psTracePtrCrypto(x, y)
#else
#define psTraceCrypto(x)			_psTrace(x)
#define psTraceStrCrypto(x, y)		_psTraceStr(x, y)
#define psTraceIntCrypto(x, y)		_psTraceInt(x, y)
#define psTracePtrCrypto(x, y)		_psTracePtr(x, y)
#endif

/******************************************************************************/
/* Helpers */
extern int32 psBase64decode(const unsigned char *in, uint32 len,
				unsigned char *out, uint32 *outlen);

/******************************************************************************/
/*
	Object identifiers are identified by the arithmetic sum of the content
	octets of their DER encoding (collisions are accepted by design).
*/
#ifdef USE_X509
/* Digest algorithms */
#define OID_SHA1_ALG			88
#define OID_SHA256_ALG			414
#define OID_SHA512_ALG			416
#define OID_MD2_ALG				646
#define OID_MD5_ALG				649

/* Signature algorithms */
#define OID_MD2_RSA_SIG			646
#define OID_MD5_RSA_SIG			648
#define OID_SHA1_RSA_SIG		649
#define OID_SHA256_RSA_SIG		655
#define OID_SHA512_RSA_SIG		657
#define OID_SHA1_ECDSA_SIG		520
#define OID_SHA224_ECDSA_SIG	523
#define OID_SHA256_ECDSA_SIG	524
#define OID_SHA384_ECDSA_SIG	525
#define OID_SHA512_ECDSA_SIG	526
#endif /* USE_X509 */

/* Public key algorithms */
#define OID_RSA_KEY_ALG			645
#define OID_ECDSA_KEY_ALG		518

#ifdef USE_PKCS5
#define OID_DES_EDE3_CBC		652
#define OID_PKCS_PBKDF2			660
#define OID_PKCS_PBES2			661
#endif /* USE_PKCS5 */

#ifdef USE_PKCS12
#define OID_PKCS_PBESHA128RC4	657
#define OID_PKCS_PBESHA40RC4	658
#define OID_PKCS_PBESHA3DES3	659
#define OID_PKCS_PBESHA3DES2	660
#define OID_PKCS_PBESHA128RC2	661
#define OID_PKCS_PBESHA40RC2	662

#define PKCS7_DATA					651
#define PKCS7_SIGNED_DATA			652
#define PKCS7_ENVELOPED_DATA		653
#define PKCS7_SIGNED_ENVELOPED_DATA	654
#define PKCS7_DIGESTED_DATA			655
#define PKCS7_ENCRYPTED_DATA		656

#define PKCS12_BAG_TYPE_KEY			667
#define PKCS12_BAG_TYPE_SHROUD		668
#define PKCS12_BAG_TYPE_CERT		669
#define PKCS12_BAG_TYPE_CRL			670
#define PKCS12_BAG_TYPE_SECRET		671
#define PKCS12_BAG_TYPE_SAFE		672

#define PBE12					1
#define PBES2					2
#define AUTH_SAFE_3DES			1
#define AUTH_SAFE_RC2			2

#define PKCS12_KEY_ID			1
#define PKCS12_IV_ID			2
#define PKCS12_MAC_ID			3

#define PKCS9_CERT_TYPE_X509	675
#define PKCS9_CERT_TYPE_SDSI	676
#endif /* USE_PKCS12 */

/******************************************************************************/
/* Cipher suite crypto flags (mutually exclusive bits) */
#define CRYPTO_FLAGS_AES		0x01
#define CRYPTO_FLAGS_AES256		0x02
#define CRYPTO_FLAGS_3DES		0x04
#define CRYPTO_FLAGS_ARC4		0x08
#define CRYPTO_FLAGS_SEED		0x10

#define CRYPTO_FLAGS_SHA1		0x20
#define CRYPTO_FLAGS_SHA2		0x40
#define CRYPTO_FLAGS_MD5		0x80

#define CRYPTO_FLAGS_TLS		0x100
#define CRYPTO_FLAGS_INBOUND	0x200
#define CRYPTO_FLAGS_ARC4INIT	0x400
#define CRYPTO_FLAGS_BLOCKING	0x800
#define CRYPTO_FLAGS_DISABLED	0x1000

/******************************************************************************/
#define CRYPT_INVALID_KEYSIZE	-21
#define CRYPT_INVALID_ROUNDS	-22

/******************************************************************************/
/* 32-bit rotations. Functions rather than macros (as on 3.3 x86/gcc);
   __inline__ keeps them valid in every C and C++ dialect gcc accepts. */
static __inline__ unsigned ROL(unsigned word, int i)
{
	return (word << (i & 31)) | (word >> ((32 - (i & 31)) & 31));
}

static __inline__ unsigned ROR(unsigned word, int i)
{
	return (word >> (i & 31)) | (word << ((32 - (i & 31)) & 31));
}

#ifdef HAVE_NATIVE_INT64
#define CONST64(n) n ## ULL
#endif

/******************************************************************************/
/*
	Byte order. Only 32-bit x86 is recognised as little endian (as in 3.3);
	everywhere else, x86-64 included, the portable byte-wise forms are used.
*/
#if defined(__GNUC__) && defined(__i386__) && \
	!defined(ENDIAN_BIG) && !defined(ENDIAN_LITTLE)
#define ENDIAN_LITTLE
#define ENDIAN_32BITWORD
#endif

#if !(defined(ENDIAN_BIG) || defined(ENDIAN_LITTLE))
#define ENDIAN_NEUTRAL
#endif

/* Store / load 32- and 64-bit values little (L) or big (H) endian.
   The byte-wise forms are correct for every byte order. */
#define STORE32L(x, y) { \
	(y)[3] = (unsigned char)(((x) >> 24) & 255); \
	(y)[2] = (unsigned char)(((x) >> 16) & 255); \
	(y)[1] = (unsigned char)(((x) >> 8) & 255); \
	(y)[0] = (unsigned char)((x) & 255); \
}

#define LOAD32L(x, y) { \
	x = ((unsigned long)((y)[3] & 255) << 24) | \
		((unsigned long)((y)[2] & 255) << 16) | \
		((unsigned long)((y)[1] & 255) << 8) | \
		((unsigned long)((y)[0] & 255)); \
}

#define STORE64L(x, y) { \
	(y)[7] = (unsigned char)(((x) >> 56) & 255); \
	(y)[6] = (unsigned char)(((x) >> 48) & 255); \
	(y)[5] = (unsigned char)(((x) >> 40) & 255); \
	(y)[4] = (unsigned char)(((x) >> 32) & 255); \
	(y)[3] = (unsigned char)(((x) >> 24) & 255); \
	(y)[2] = (unsigned char)(((x) >> 16) & 255); \
	(y)[1] = (unsigned char)(((x) >> 8) & 255); \
	(y)[0] = (unsigned char)((x) & 255); \
}

#define LOAD64L(x, y) { \
	x = (((uint64_t)((y)[7] & 255)) << 56) | (((uint64_t)((y)[6] & 255)) << 48) | \
		(((uint64_t)((y)[5] & 255)) << 40) | (((uint64_t)((y)[4] & 255)) << 32) | \
		(((uint64_t)((y)[3] & 255)) << 24) | (((uint64_t)((y)[2] & 255)) << 16) | \
		(((uint64_t)((y)[1] & 255)) << 8) | (((uint64_t)((y)[0] & 255))); \
}

#define STORE32H(x, y) { \
	(y)[0] = (unsigned char)(((x) >> 24) & 255); \
	(y)[1] = (unsigned char)(((x) >> 16) & 255); \
	(y)[2] = (unsigned char)(((x) >> 8) & 255); \
	(y)[3] = (unsigned char)((x) & 255); \
}

#define LOAD32H(x, y) { \
	x = ((unsigned long)((y)[0] & 255) << 24) | \
		((unsigned long)((y)[1] & 255) << 16) | \
		((unsigned long)((y)[2] & 255) << 8) | \
		((unsigned long)((y)[3] & 255)); \
}

#define STORE64H(x, y) { \
	(y)[0] = (unsigned char)(((x) >> 56) & 255); \
	(y)[1] = (unsigned char)(((x) >> 48) & 255); \
	(y)[2] = (unsigned char)(((x) >> 40) & 255); \
	(y)[3] = (unsigned char)(((x) >> 32) & 255); \
	(y)[4] = (unsigned char)(((x) >> 24) & 255); \
	(y)[5] = (unsigned char)(((x) >> 16) & 255); \
	(y)[6] = (unsigned char)(((x) >> 8) & 255); \
	(y)[7] = (unsigned char)((x) & 255); \
}

#define LOAD64H(x, y) { \
	x = (((uint64_t)((y)[0] & 255)) << 56) | (((uint64_t)((y)[1] & 255)) << 48) | \
		(((uint64_t)((y)[2] & 255)) << 40) | (((uint64_t)((y)[3] & 255)) << 32) | \
		(((uint64_t)((y)[4] & 255)) << 24) | (((uint64_t)((y)[5] & 255)) << 16) | \
		(((uint64_t)((y)[6] & 255)) << 8) | (((uint64_t)((y)[7] & 255))); \
}

#ifdef HAVE_NATIVE_INT64
/* 64-bit rotations of an unsigned 64-bit 'x' by 'y' bits */
#define ROL64c(x, y) \
	((((x) << ((uint64_t)(y) & 63)) | \
	(((x) & CONST64(0xFFFFFFFFFFFFFFFF)) >> ((uint64_t)(64 - ((y) & 63)) & 63))) & \
	CONST64(0xFFFFFFFFFFFFFFFF))

#define ROR64c(x, y) \
	(((((x) & CONST64(0xFFFFFFFFFFFFFFFF)) >> ((uint64_t)(y) & 63)) | \
	((x) << ((uint64_t)(64 - ((y) & 63)) & 63))) & \
	CONST64(0xFFFFFFFFFFFFFFFF))
#endif

/*
	Number of CBC padding bytes (pad-length byte included) for a record of
	LEN bytes with a power-of-two BLOCKSIZE. Unparenthesised, as in 3.3.
*/
#define psPadLenPwr2(LEN, BLOCKSIZE) \
	BLOCKSIZE <= 1 ? (unsigned char)0 : \
	(unsigned char)(BLOCKSIZE - ((LEN) & (BLOCKSIZE - 1)))

#ifdef __cplusplus
}
#endif

#endif /* _h_PS_CRYPTOLIB */
