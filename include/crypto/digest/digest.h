/*
 *	crypto/digest/digest.h
 *	Digest and HMAC contexts and hash sizes (ABI.md 6.14).
 */
#ifndef _h_PS_DIGEST
#define _h_PS_DIGEST

#include "../../core/coreApi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SHA1_HASH_SIZE		20
#define SHA256_HASH_SIZE	32
#define MD5_HASH_SIZE		16
#define MAX_HASH_SIZE		SHA1_HASH_SIZE

/* The length counters are 64-bit unconditionally: the layout must not
   depend on HAVE_NATIVE_INT64 (ABI.md 1.5 rule 1). */
struct sha1_state {
	uint64_t		length;
	uint32			state[5], curlen;
	unsigned char	buf[64];
};

struct md5_state {
	uint64_t		length;
	uint32			state[4], curlen;
	unsigned char	buf[64];
};

typedef union {
	struct sha1_state	sha1;
	struct md5_state	md5;
} psDigestContext_t;

typedef struct {
	unsigned char	pad[64];
	union {
		psDigestContext_t	md5;
		psDigestContext_t	sha1;
		psDigestContext_t	sha256;
	} u;
} psHmacContext_t;

#ifdef __cplusplus
}
#endif

#endif /* _h_PS_DIGEST */
