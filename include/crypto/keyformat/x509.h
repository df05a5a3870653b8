/*
 *	crypto/keyformat/x509.h
 *	Parsed X.509 certificate as handed to applications (certificate callback,
 *	sslKeys_t). Frozen layout of ABI.md 6.3 - 6.7, whatever the configuration.
 */
#ifndef _h_PS_X509
#define _h_PS_X509

#include "../../core/coreApi.h"
#include "../digest/digest.h"
#include "../pubkey/pubkey.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ClientCertificateType values (TLS CertificateRequest) */
#define RSA_SIGN			1
#define DSS_SIGN			2
#define RSA_FIXED_DH		3
#define DSS_FIXED_DH		4
#define ECDSA_SIGN			64
#define RSA_FIXED_ECDH		65
#define ECDSA_FIXED_ECDH	66

/* psX509ParseCert flags */
#define CERT_STORE_UNPARSED_BUFFER	0x1
#define CERT_STORE_DN_BUFFER		0x2

/*
	Distinguished name. Each string is a library-owned copy followed by two
	NUL bytes; *Type is the ASN.1 string tag, *Len the length plus 2.
*/
typedef struct {
	char	*country;
	char	*state;
	char	*locality;
	char	*organization;
	char	*orgUnit;
	char	*commonName;
	char	hash[SHA1_HASH_SIZE];	/* opaque: matches issuer to subject */
	char	*dnenc;					/* DER, only with CERT_STORE_DN_BUFFER */
	uint32	dnencLen;
	short	countryType;
	short	countryLen;
	short	stateType;
	short	stateLen;
	short	localityType;
	short	localityLen;
	short	organizationType;
	short	organizationLen;
	short	orgUnitType;
	short	orgUnitLen;
	short	commonNameType;
	short	commonNameLen;
} x509DNattributes_t;

typedef struct {
	int32	cA;					/* non-zero: CA certificate */
	int32	pathLenConstraint;	/* -1: present without a limit */
} x509extBasicConstraints_t;

/* One subjectAltName entry */
typedef struct psGeneralNameEntry {
	int32						id;			/* GeneralName choice number */
	unsigned char				name[16];	/* "DNS", "email", ... */
	unsigned char				*data;		/* content octets + NUL */
	uint32						dataLen;
	struct psGeneralNameEntry	*next;
} x509GeneralName_t;

typedef struct {
	x509extBasicConstraints_t	bc;
	x509GeneralName_t			*san;
} x509v3extensions_t;

typedef struct psCert {
	int32				version;		/* 0 = v1, 1 = v2, 2 = v3 */
	unsigned char		*serialNumber;
	uint32				serialNumberLen;
	x509DNattributes_t	issuer;
	x509DNattributes_t	subject;
	int32				timeType;		/* ASN_UTCTIME or ASN_GENERALIZEDTIME */
	char				*notBefore;
	char				*notAfter;
	psPubKey_t			publicKey;
	int32				pubKeyAlgorithm;	/* OID sum */
	int32				certAlgorithm;		/* OID sum */
	int32				sigAlgorithm;		/* OID sum */
	unsigned char		*signature;
	uint32				signatureLen;
	unsigned char		sigHash[MAX_HASH_SIZE];
	unsigned char		*uniqueIssuerId;
	uint32				uniqueIssuerIdLen;
	unsigned char		*uniqueSubjectId;
	uint32				uniqueSubjectIdLen;
	x509v3extensions_t	extensions;
	int32				authStatus;		/* PS_CERT_AUTH_PASS or _FAIL_* */
	unsigned char		*unparsedBin;	/* DER when stored */
	uint32				binLen;
	struct psCert		*next;			/* next certificate of the chain */
} psX509Cert_t;

/* Internal helpers (Tier D) */
extern int32	psX509GetSignature(psPool_t *pool, unsigned char **pp,
					uint32 len, unsigned char **sig, uint32 *sigLen);
extern int32	psX509GetDNAttributes(psPool_t *pool, unsigned char **pp,
					uint32 len, x509DNattributes_t *attribs, int32 flags);
extern void		psX509FreeDNStruct(x509DNattributes_t *dn);

#ifdef __cplusplus
}
#endif

#endif /* _h_PS_X509 */
