/*
 *	crypto/prng/prng.h
 *	PRNG contexts (ABI.md 6.14).
 */
#ifndef _h_PS_PRNG
#define _h_PS_PRNG

#include "../../core/coreApi.h"
#include "../digest/digest.h"
#include "../symmetric/symmetric.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CTR_COUNTER_LITTLE_ENDIAN	0x0000
#define CTR_COUNTER_BIG_ENDIAN		0x1000

#define AESBLOCKSIZE	16

/* Yarrow (AES counter mode keyed from a SHA-1 entropy pool) */
typedef struct {
	unsigned char	pool[SHA1_HASH_SIZE];
	int32			mode;
	int32			ctrlen;
	int32			padlen;
	int32			blocklen;
	unsigned char	ctr[AESBLOCKSIZE];
	unsigned char	pad[AESBLOCKSIZE];
	psAesKey_t		key;
} psYarrow_t;

#define RANDOM_BYTES_BEFORE_ENTROPY	1024
#define RANDOM_CALLS_BEFORE_RESEED	32
#define RANDOM_ENTROPY_BYTES		8

typedef struct {
	psYarrow_t	yarrow;
	uint32		bytecount;
	uint32		callcount;
} psRandom_t;

#ifdef __cplusplus
}
#endif

#endif /* _h_PS_PRNG */
