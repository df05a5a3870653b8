/*
 *	crypto/cryptoConfig.h
 *	Crypto-layer configuration of the MatrixSSL 3.3 compatible header set.
 *
 *	Feature macros only (ABI.md 1.5 rule 5). They describe the library as it
 *	was configured; every crypto type keeps its layout whatever is set here.
 */
#ifndef _h_PS_CRYPTOCONFIG
#define _h_PS_CRYPTOCONFIG

/* Public key */
#define USE_RSA
#define PS_PUBKEY_OPTIMIZE_FOR_SMALLER_RAM

/* Block ciphers */
#define USE_AES
#define USE_3DES

/* Digests and HMAC */
#define USE_SHA1
#define USE_MD5
#define USE_HMAC

/* Certificates and keys */
#define USE_X509
#define USE_CERT_PARSE
#define USE_BASE64_DECODE
#define USE_PRIVATE_KEY_PARSING
#define USE_PKCS5
#define USE_PKCS8

/* PRNG */
#define USE_YARROW

/* Off in the reference configuration: USE_CRYPTO_TRACE,
	PS_PUBKEY_OPTIMIZE_FOR_FASTER_SPEED, USE_DES, USE_ARC4, USE_RC2,
	PS_AES_IMPROVE_PERF_INCREASE_CODESIZE, PS_3DES_IMPROVE_PERF_INCREASE_CODESIZE,
	PS_MD5_IMPROVE_PERF_INCREASE_CODESIZE, PS_SHA1_IMPROVE_PERF_INCREASE_CODESIZE,
	USE_FULL_CERT_PARSE, USE_PKCS12, USE_BURN_STACK. */

#endif /* _h_PS_CRYPTOCONFIG */
