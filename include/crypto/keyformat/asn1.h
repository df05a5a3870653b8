/*
 *	crypto/keyformat/asn1.h
 *	ASN.1 tag values and DER reading helpers.
 */
#ifndef _h_PS_ASN1
#define _h_PS_ASN1

#include "crypto/cryptoConfig.h"
#include "../../core/coreApi.h"
#include "../math/pstm.h"
#include "../pubkey/pubkey.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Tag class and form bits */
#define ASN_PRIMITIVE			0x0
#define ASN_CONSTRUCTED			0x20

#define ASN_UNIVERSAL			0x0
#define ASN_APPLICATION			0x40
#define ASN_CONTEXT_SPECIFIC	0x80
#define ASN_PRIVATE				0xC0

/* Universal tag numbers (macros, so that applications can test them) */
#define ASN_BOOLEAN				1
#define ASN_INTEGER				2
#define ASN_BIT_STRING			3
#define ASN_OCTET_STRING		4
#define ASN_NULL				5
#define ASN_OID					6
#define ASN_UTF8STRING			12
#define ASN_SEQUENCE			16
#define ASN_SET					17
#define ASN_PRINTABLESTRING		19
#define ASN_T61STRING			20
#define ASN_IA5STRING			22
#define ASN_UTCTIME				23
#define ASN_GENERALIZEDTIME		24
#define ASN_GENERAL_STRING		27
#define ASN_BMPSTRING			30

#define ASN_UNKNOWN_LEN			876

/* DER readers (Tier D) */
extern int32 getAsnLength(unsigned char **p, uint32 size, uint32 *valLen);
extern int32 getAsnBig(psPool_t *pool, unsigned char **pp, uint32 len,
				pstm_int *big);
extern int32 getAsnSequence(unsigned char **pp, uint32 len, uint32 *seqlen);
extern int32 getAsnSet(unsigned char **pp, uint32 len, uint32 *setlen);
extern int32 getAsnInteger(unsigned char **pp, uint32 len, int32 *val);
extern int32 getAsnAlgorithmIdentifier(unsigned char **pp, uint32 len,
				int32 *oi, int32 isPubKey, int32 *paramLen);
extern int32 getAsnRsaPubKey(psPool_t *pool, unsigned char **pp, uint32 len,
				psRsaKey_t *pubKey);

#ifdef __cplusplus
}
#endif

#endif /* _h_PS_ASN1 */
