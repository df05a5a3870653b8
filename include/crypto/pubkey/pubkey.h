/*
 *	crypto/pubkey/pubkey.h
 *	RSA key and the universal public/private key container (ABI.md 6.8, 6.9).
 */
#ifndef _h_PS_PUBKEY
#define _h_PS_PUBKEY

#include "../../core/coreApi.h"
#include "../math/pstm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PUBKEY_TYPE		0x01
#define PRIVKEY_TYPE	0x02

/* psPubKey_t.type */
#define PS_RSA	1
#define PS_ECC	2
#define PS_DH	3

/* Signature types */
#define RSA_TYPE_SIG	5
#define DSA_TYPE_SIG	6

/* Window size of the modular exponentiation (smaller-RAM setting). */
#ifdef PS_PUBKEY_OPTIMIZE_FOR_FASTER_SPEED
#define PS_EXPTMOD_WINSIZE	5
#else
#define PS_EXPTMOD_WINSIZE	3
#endif

/*
	RSA key. Only 'size' (modulus length in bytes) and 'optimized' carry
	meaning for applications; the big integers are library-private.
*/
typedef struct {
	pstm_int	e, d, N, qP, dP, dQ, p, q;
	uint32		size;
	int32		optimized;	/* 1 when the CRT parameters are present */
} psRsaKey_t;

typedef union {
	psRsaKey_t	rsa;
} pubKeyUnion_t;

/* Public or private key of any type. */
typedef struct {
	pubKeyUnion_t	*key;
	uint32			keysize;	/* bytes (RSA: modulus length) */
	int32			type;		/* PS_RSA, PS_ECC, PS_DH */
} psPubKey_t;

/* Internal helpers (Tier D) */
extern int32	pkcs1Pad(unsigned char *in, uint32 inlen, unsigned char *out,
					uint32 outlen, int32 cryptType);
extern int32	pkcs1Unpad(unsigned char *in, uint32 inlen, unsigned char *out,
					uint32 outlen, int32 decryptType);
extern void		psRsaFreeKey(psRsaKey_t *key);

#ifdef __cplusplus
}
#endif

#endif /* _h_PS_PUBKEY */
