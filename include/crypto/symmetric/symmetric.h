/*
 *	crypto/symmetric/symmetric.h
 *	Block cipher key schedules and CBC contexts. Applications allocate these
 *	(e.g. on the stack), so their sizes are part of the ABI (ABI.md 6.14).
 */
#ifndef _h_PS_SYMMETRIC
#define _h_PS_SYMMETRIC

#include "../../core/coreApi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* AES: expanded encryption and decryption schedules, round count. */
typedef struct {
	uint32	eK[64], dK[64];
	int32	Nr;
} psAesKey_t;

typedef struct {
	int32			blocklen;
	unsigned char	IV[16];
	psAesKey_t		key;
	int32			explicitIV;	/* TLS 1.1 explicit IV handling */
} aes_CBC;

/* Triple DES */
#define DES3_KEY_LEN	24
#define DES3_IV_LEN		8
#define DES_KEY_LEN		8

typedef struct {
	uint32	ek[3][32], dk[3][32];
} psDes3Key_t;

typedef struct {
	int32			blocklen;
	unsigned char	IV[8];
	psDes3Key_t		key;
	int32			explicitIV;
} des3_CBC;

#define MAXBLOCKSIZE	24

/* Frozen layout: 3DES and AES members only (784 bytes). */
typedef union {
	des3_CBC	des3;
	aes_CBC		aes;
} psCipherContext_t;

/* Byte 'n' (0 = least significant) of the integer 'x'. */
#define byte(x, n) (((x) >> (8 * (n))) & 255)

#ifdef __cplusplus
}
#endif

#endif /* _h_PS_SYMMETRIC */
