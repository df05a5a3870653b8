/*
 *	matrixssl/matrixssllib.h
 *	SSL constants, the SSL-layer types and the former (2.x) public API.
 *
 *	Every struct here is declared unconditionally with the layout of the
 *	default 3.3 build (ABI.md 1.5 rules 1 and 5, section 6); ssl_t is an
 *	opaque handle (decision D15).
 */
#ifndef _h_MATRIXSSLLIB
#define _h_MATRIXSSLLIB

#include "../core/coreApi.h"
#include "../crypto/cryptoApi.h"
#include "matrixsslConfig.h"

#ifdef __cplusplus
extern "C" {
#endif

/******************************************************************************/
/* Feature macros derived from the configuration, as 3.3 derived them. */
#if defined(ENABLE_SECURE_REHANDSHAKES) || defined(ENABLE_INSECURE_REHANDSHAKES)
#define SSL_REHANDSHAKES_ENABLED
#endif
#if defined(REQUIRE_SECURE_REHANDSHAKES) && !defined(ENABLE_SECURE_REHANDSHAKES)
#define ENABLE_SECURE_REHANDSHAKES
#ifndef SSL_REHANDSHAKES_ENABLED
#define SSL_REHANDSHAKES_ENABLED
#endif
#endif

#if defined(USE_SSL_RSA_WITH_NULL_MD5) || defined(USE_SSL_RSA_WITH_RC4_128_MD5)
#define USE_MD5_MAC
#endif
#if defined(USE_SSL_RSA_WITH_NULL_SHA) || defined(USE_SSL_RSA_WITH_RC4_128_SHA) || \
	defined(USE_SSL_RSA_WITH_3DES_EDE_CBC_SHA) || \
	defined(USE_TLS_RSA_WITH_AES_128_CBC_SHA) || \
	defined(USE_TLS_RSA_WITH_AES_256_CBC_SHA)
#define USE_SHA_MAC
#endif
#if defined(USE_SSL_RSA_WITH_NULL_MD5) || defined(USE_SSL_RSA_WITH_NULL_SHA) || \
	defined(USE_SSL_RSA_WITH_RC4_128_MD5) || \
	defined(USE_SSL_RSA_WITH_RC4_128_SHA) || \
	defined(USE_SSL_RSA_WITH_3DES_EDE_CBC_SHA) || \
	defined(USE_TLS_RSA_WITH_AES_128_CBC_SHA) || \
	defined(USE_TLS_RSA_WITH_AES_256_CBC_SHA)
#define USE_RSA_CIPHER_SUITE
#define REQUIRE_RSA_KEYS
#endif
#if defined(USE_SSL_RSA_WITH_RC4_128_MD5) || defined(USE_SSL_RSA_WITH_RC4_128_SHA)
#define USE_ARC4_CIPHER_SUITE
#endif
#ifdef USE_SSL_RSA_WITH_3DES_EDE_CBC_SHA
#define USE_3DES_CIPHER_SUITE
#endif
#if defined(USE_TLS_RSA_WITH_AES_128_CBC_SHA) || \
	defined(USE_TLS_RSA_WITH_AES_256_CBC_SHA)
#define USE_AES_CIPHER_SUITE
#endif

#ifdef USE_CERT_PARSE
#define VALIDATE_KEY_MATERIAL
#endif

/* Tunables normally set by matrixsslConfig.h; defaults for applications
   that suppressed it without setting them. */
#ifndef SSL_DEFAULT_IN_BUF_SIZE
#define SSL_DEFAULT_IN_BUF_SIZE		1500
#endif
#ifndef SSL_DEFAULT_OUT_BUF_SIZE
#define SSL_DEFAULT_OUT_BUF_SIZE	1500
#endif
#ifndef SSL_SESSION_TABLE_SIZE
#define SSL_SESSION_TABLE_SIZE		32
#endif
#ifndef SSL_SESSION_ENTRY_LIFE
#define SSL_SESSION_ENTRY_LIFE		86400 * 1000
#endif

/******************************************************************************/
/* Record sizes. The expressions are unparenthesised, as in 3.3: an
   expression such as 2 * SSL_MAX_RECORD_LEN evaluates as it did there. */
#define SSL_MAX_PLAINTEXT_LEN		0x4000
#define SSL_MAX_RECORD_LEN			SSL_MAX_PLAINTEXT_LEN + 2048
#define SSL_MAX_BUF_SIZE			SSL_MAX_RECORD_LEN + 0x5
#define SSL_MAX_DISABLED_CIPHERS	8

/* Sizes of the fixed arrays of the security parameters */
#define SSL_MAX_MAC_SIZE		32
#define SSL_MAX_IV_SIZE			16
#define SSL_MAX_BLOCK_SIZE		16
#define SSL_MAX_SYM_KEY_SIZE	32

/* Internal decode codes of the low-level (2.x) API: -50 .. -69 */
#define SSL_FULL			-50	/* output buffer too small */
#define SSL_PARTIAL			-51	/* more data needed */
#define SSL_SEND_RESPONSE	-52	/* decoding produced data to send */
#define SSL_PROCESS_DATA	-53	/* application data decoded */
#define SSL_ALERT			-54	/* alert decoded */
#define SSL_FILE_NOT_FOUND	-55
#define SSL_MEM_ERROR		PS_MEM_FAIL

/* Header lengths */
#define SSL2_HEADER_LEN				2
#define SSL3_HEADER_LEN				5
#define SSL3_HANDSHAKE_HEADER_LEN	4

/* matrixSslSetSessionOption / matrixSslEncodeRehandshake options */
#define SSL_OPTION_FULL_HANDSHAKE		1
#define SSL_OPTION_DISABLE_CLIENT_AUTH	2
#define SSL_OPTION_ENABLE_CLIENT_AUTH	3

/* Alert levels */
#define SSL_ALERT_LEVEL_WARNING		1
#define SSL_ALERT_LEVEL_FATAL		2

/* Alert descriptions */
#define SSL_ALERT_CLOSE_NOTIFY				0
#define SSL_ALERT_UNEXPECTED_MESSAGE		10
#define SSL_ALERT_BAD_RECORD_MAC			20
#define SSL_ALERT_DECRYPTION_FAILED			21
#define SSL_ALERT_RECORD_OVERFLOW			22
#define SSL_ALERT_DECOMPRESSION_FAILURE		30
#define SSL_ALERT_HANDSHAKE_FAILURE			40
#define SSL_ALERT_NO_CERTIFICATE			41
#define SSL_ALERT_BAD_CERTIFICATE			42
#define SSL_ALERT_UNSUPPORTED_CERTIFICATE	43
#define SSL_ALERT_CERTIFICATE_REVOKED		44
#define SSL_ALERT_CERTIFICATE_EXPIRED		45
#define SSL_ALERT_CERTIFICATE_UNKNOWN		46
#define SSL_ALERT_ILLEGAL_PARAMETER			47
#define SSL_ALERT_UNKNOWN_CA				48
#define SSL_ALERT_ACCESS_DENIED				49
#define SSL_ALERT_DECODE_ERROR				50
#define SSL_ALERT_DECRYPT_ERROR				51
#define SSL_ALERT_PROTOCOL_VERSION			70
#define SSL_ALERT_INTERNAL_ERROR			80
#define SSL_ALERT_NO_RENEGOTIATION			100
#define SSL_ALERT_UNSUPPORTED_EXTENSION		110

/* Certificate callback return value accepting an unauthenticated peer;
   never sent as an alert. */
#define SSL_ALLOW_ANON_CONNECTION			254

/* Internal "no alert" marker */
#define SSL_ALERT_NONE						255

/* Session flags */
#define SSL_FLAGS_SERVER		0x000001
#define SSL_FLAGS_READ_SECURE	0x000002
#define SSL_FLAGS_WRITE_SECURE	0x000004
#define SSL_FLAGS_RESUMED		0x000008
#define SSL_FLAGS_CLOSED		0x000010
#define SSL_FLAGS_NEED_ENCODE	0x000020
#define SSL_FLAGS_ERROR			0x000040
#define SSL_FLAGS_TLS			0x000080
#define SSL_FLAGS_CLIENT_AUTH	0x000100
#define SSL_FLAGS_ANON_CIPHER	0x000200
#define SSL_FLAGS_FALSE_START	0x000400
#define SSL_FLAGS_TLS_1_1		0x000800
#define SSL_FLAGS_TLS_1_2		0x400000

/* Buffer flags */
#define BFLAG_CLOSE_AFTER_SENT	0x01
#define BFLAG_HS_COMPLETE		0x02
#define BFLAG_STOP_BEAST		0x04

/* Rehandshake credits: one by default, one more per this many bytes sent */
#define DEFAULT_RH_CREDITS		1
#define BYTES_BEFORE_RH_CREDIT	20 * 1024 * 1024

/* Key exchange types */
#define CS_NULL		0
#define CS_RSA		1

/* Record content types */
#define SSL_RECORD_TYPE_CHANGE_CIPHER_SPEC	20
#define SSL_RECORD_TYPE_ALERT				21
#define SSL_RECORD_TYPE_HANDSHAKE			22
#define SSL_RECORD_TYPE_APPLICATION_DATA	23

/* Handshake message types */
#define SSL_HS_HELLO_REQUEST		0
#define SSL_HS_CLIENT_HELLO			1
#define SSL_HS_SERVER_HELLO			2
#define SSL_HS_HELLO_VERIFY_REQUEST	3
#define SSL_HS_CERTIFICATE			11
#define SSL_HS_SERVER_KEY_EXCHANGE	12
#define SSL_HS_CERTIFICATE_REQUEST	13
#define SSL_HS_SERVER_HELLO_DONE	14
#define SSL_HS_CERTIFICATE_VERIFY	15
#define SSL_HS_CLIENT_KEY_EXCHANGE	16
#define SSL_HS_FINISHED				20
#define SSL_HS_DONE					255	/* internal: handshake complete */

#define INIT_ENCRYPT_CIPHER		0
#define INIT_DECRYPT_CIPHER		1

#define HMAC_CREATE		1
#define HMAC_VERIFY		2

#define SSL_HS_RANDOM_SIZE			32
#define SSL_HS_RSA_PREMASTER_SIZE	48

/* Protocol versions */
#define SSL2_MAJ_VER		2
#define SSL3_MAJ_VER		3
#define SSL3_MIN_VER		0
#define TLS_MIN_VER			1
#define TLS_1_1_MIN_VER		2
#define TLS_1_2_MIN_VER		3
#define TLS_1_3_MIN_VER		4

#ifdef USE_TLS
#define TLS_HS_FINISHED_SIZE	12
#define TLS_MAJ_VER				3
#endif

/* Cipher suite identifiers of 3.3 */
#define SSL_NULL_WITH_NULL_NULL				0x0000
#define SSL_RSA_WITH_NULL_MD5				0x0001
#define SSL_RSA_WITH_NULL_SHA				0x0002
#define SSL_RSA_WITH_RC4_128_MD5			0x0004
#define SSL_RSA_WITH_RC4_128_SHA			0x0005
#define SSL_RSA_WITH_3DES_EDE_CBC_SHA		0x000A
#define TLS_RSA_WITH_AES_128_CBC_SHA		0x002F
#define TLS_RSA_WITH_AES_256_CBC_SHA		0x0035
#define TLS_EMPTY_RENEGOTIATION_INFO_SCSV	0x00FF

/* Further IANA suite identifiers (decision D22) */
#define SSL_DHE_RSA_WITH_3DES_EDE_CBC_SHA			0x0016
#define SSL_DH_anon_WITH_RC4_128_MD5				0x0018
#define SSL_DH_anon_WITH_3DES_EDE_CBC_SHA			0x001B
#define TLS_DHE_DSS_WITH_AES_128_CBC_SHA			0x0032
#define TLS_DHE_RSA_WITH_AES_128_CBC_SHA			0x0033
#define TLS_DH_anon_WITH_AES_128_CBC_SHA			0x0034
#define TLS_DHE_DSS_WITH_AES_256_CBC_SHA			0x0038
#define TLS_DHE_RSA_WITH_AES_256_CBC_SHA			0x0039
#define TLS_DH_anon_WITH_AES_256_CBC_SHA			0x003A
#define TLS_RSA_WITH_AES_128_CBC_SHA256				0x003C
#define TLS_RSA_WITH_AES_256_CBC_SHA256				0x003D
#define TLS_DHE_DSS_WITH_AES_128_CBC_SHA256			0x0040
#define TLS_DHE_RSA_WITH_AES_128_CBC_SHA256			0x0067
#define TLS_DHE_DSS_WITH_AES_256_CBC_SHA256			0x006A
#define TLS_DHE_RSA_WITH_AES_256_CBC_SHA256			0x006B
#define TLS_PSK_WITH_AES_128_CBC_SHA				0x008C
#define TLS_PSK_WITH_AES_256_CBC_SHA				0x008D
#define TLS_DHE_PSK_WITH_AES_128_CBC_SHA			0x0090
#define TLS_DHE_PSK_WITH_AES_256_CBC_SHA			0x0091
#define TLS_RSA_WITH_SEED_CBC_SHA					0x0096
/* TLS 1.3 suites (RFC 8446 Appendix B.4): key exchange and authentication are negotiated
   separately. Naming one as cipherSpec asks for TLS 1.3 with that suite. */
#define TLS_AES_128_GCM_SHA256					0x1301
#define TLS_AES_256_GCM_SHA384					0x1302
#define TLS_CHACHA20_POLY1305_SHA256			0x1303
#define TLS_RSA_WITH_AES_128_GCM_SHA256				0x009C
#define TLS_RSA_WITH_AES_256_GCM_SHA384				0x009D
#define TLS_DHE_RSA_WITH_AES_128_GCM_SHA256			0x009E
#define TLS_DHE_RSA_WITH_AES_256_GCM_SHA384			0x009F
#define TLS_DHE_DSS_WITH_AES_128_GCM_SHA256			0x00A2
#define TLS_DHE_DSS_WITH_AES_256_GCM_SHA384			0x00A3
#define TLS_PSK_WITH_AES_128_CBC_SHA256				0x00AE
#define TLS_PSK_WITH_AES_256_CBC_SHA384				0x00AF
#define TLS_DHE_PSK_WITH_AES_128_CBC_SHA256			0x00B2
#define TLS_DHE_PSK_WITH_AES_256_CBC_SHA384			0x00B3
#define TLS_FALLBACK_SCSV							0x5600
#define TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA			0xC004
#define TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA			0xC005
#define TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA		0xC009
#define TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA		0xC00A
#define TLS_ECDH_RSA_WITH_AES_128_CBC_SHA			0xC00E
#define TLS_ECDH_RSA_WITH_AES_256_CBC_SHA			0xC00F
#define TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA			0xC012
#define TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA			0xC013
#define TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA			0xC014
#define TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256		0xC023
#define TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384		0xC024
#define TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256		0xC025
#define TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384		0xC026
#define TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256		0xC027
#define TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384		0xC028
#define TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256		0xC029
#define TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384		0xC02A
#define TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256		0xC02B
#define TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384		0xC02C
#define TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256		0xC02D
#define TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384		0xC02E
#define TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256		0xC02F
#define TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384		0xC030
#define TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256		0xC031
#define TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384		0xC032
#define TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256		0xCCA8
#define TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256	0xCCA9
#define TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256		0xCCAA

/* Hello extensions the library handles itself */
#define EXT_RENEGOTIATION_INFO		0xFF01
#define EXT_SIGNATURE_ALGORITHMS	0x00D

/* Largest key block of any suite: 2 MAC keys + 2 keys + 2 IVs, plus room */
#define SSL_MAX_KEY_BLOCK_SIZE	2*32 + 2*32 + 2*16 + SHA1_HASH_SIZE

#define SSL_HS_MASTER_SIZE		48
#define SSL_MAX_SESSION_ID_SIZE	32

/* Pre-shared key limits (matrixSslLoadPsk) */
#define SSL_PSK_MAX_KEY_SIZE	64
#define SSL_PSK_MAX_ID_SIZE		128

/* SSL-layer trace: compiled out */
#ifndef USE_SSL_HANDSHAKE_MSG_TRACE
#define psTraceHs(x)
#define psTraceStrHs(x, y)
#else
#define psTraceHs(x)			_psTrace(x)
#define psTraceStrHs(x, y)		_psTraceStr(x, y)
#endif

#ifndef USE_SSL_INFORMATIONAL_TRACE
#define psTraceInfo(x)
#define psTraceStrInfo(x, y)
#define psTraceIntInfo(x, y)
#else
#define psTraceInfo(x)			_psTrace(x)
#define psTraceStrInfo(x, y)	_psTraceStr(x, y)
#define psTraceIntInfo(x, y)	_psTraceInt(x, y)
#endif

/******************************************************************************/
/* Types */

typedef psBuf_t sslBuf_t;

/*
	Key container. Applications only hold pointers to it; the first four
	members are readable (the loaded identity chain, its private key and the
	trusted CAs, all owned by the library) and the library's own state lives
	behind 'priv'.
*/
struct sslKeys {
	psPool_t		*pool;		/* always NULL */
	psX509Cert_t	*cert;		/* identity chain, child first */
	psPubKey_t		*privKey;	/* identity private key */
	psX509Cert_t	*CAcerts;	/* trusted CA certificates */
	void			*priv;		/* library-private */
};
typedef struct sslKeys sslKeys_t;

/* Session handle: opaque (decision D15). */
typedef struct ssl ssl_t;

/* Session resumption record: allocated by the application, written by the
   library (ABI.md 3.3.2). */
typedef struct {
	unsigned char	id[SSL_MAX_SESSION_ID_SIZE];
	unsigned char	masterSecret[SSL_HS_MASTER_SIZE];
	uint32			cipherId;	/* 0: empty */
} sslSessionId_t;

/* Client hello extension list node (ABI.md 6.2) */
typedef struct tlsHelloExt {
	psPool_t			*pool;
	int32				extType;
	uint32				extLen;
	unsigned char		*extData;
	struct tlsHelloExt	*next;
} tlsExtension_t;

/* Callback types. The library passes back the ssl_t handle it returned. */
typedef int32 (*sslCertCb_t)(void *, psX509Cert_t *, int32);
typedef int32 (*sslExtCb_t)(void *, unsigned short, unsigned short, void *);

/*
	Internal 3.3 types, declared for source compatibility only (ABI.md 6.13):
	the library does not expose objects of these types.
*/
typedef struct {
	unsigned short	len;
	unsigned char	majVer;
	unsigned char	minVer;
	unsigned char	type;
	unsigned char	pad[3];
} sslRec_t;

typedef struct {
	unsigned char	clientRandom[SSL_HS_RANDOM_SIZE];
	unsigned char	serverRandom[SSL_HS_RANDOM_SIZE];
	unsigned char	masterSecret[SSL_HS_MASTER_SIZE];
	unsigned char	*premaster;
	uint32			premasterSize;
	unsigned char	keyBlock[SSL_MAX_KEY_BLOCK_SIZE];
	unsigned char	*wMACptr;
	unsigned char	*rMACptr;
	unsigned char	*wKeyptr;
	unsigned char	*rKeyptr;
	unsigned char	*wIVptr;
	unsigned char	*rIVptr;
	unsigned char	writeMAC[SSL_MAX_MAC_SIZE];
	unsigned char	readMAC[SSL_MAX_MAC_SIZE];
	unsigned char	writeKey[SSL_MAX_SYM_KEY_SIZE];
	unsigned char	readKey[SSL_MAX_SYM_KEY_SIZE];
	unsigned char	writeIV[SSL_MAX_IV_SIZE];
	unsigned char	readIV[SSL_MAX_IV_SIZE];
	unsigned char	seq[8];
	unsigned char	remSeq[8];
	psX509Cert_t	*cert;
	int32			(*validateCert)(void *ssl, psX509Cert_t *certInfo,
						int32 alert);
	int32			certMatch;
	psDigestContext_t	msgHashMd5;
	psDigestContext_t	msgHashSha1;
	psCipherContext_t	encryptCtx;
	psCipherContext_t	decryptCtx;
	int32			explicitIv;
	int32			anon;
} sslSec_t;

typedef struct {
	uint16			ident;		/* IANA suite id */
	uint16			type;		/* CS_* key exchange */
	uint32			flags;		/* CRYPTO_FLAGS_* */
	unsigned char	macSize;
	unsigned char	keySize;
	unsigned char	ivSize;
	unsigned char	blockSize;
	int32 (*init)(sslSec_t *sec, int32 type);
	int32 (*encrypt)(void *ssl, unsigned char *in, unsigned char *out,
				uint32 len);
	int32 (*decrypt)(void *ssl, unsigned char *in, unsigned char *out,
				uint32 len);
	int32 (*generateMac)(void *ssl, unsigned char type, unsigned char *data,
				uint32 len, unsigned char *mac);
	int32 (*verifyMac)(void *ssl, unsigned char type, unsigned char *data,
				uint32 len, unsigned char *mac);
} sslCipherSpec_t;

typedef struct {
	unsigned char	id[SSL_MAX_SESSION_ID_SIZE];
	unsigned char	masterSecret[SSL_HS_MASTER_SIZE];
	sslCipherSpec_t	*cipher;
	unsigned char	majVer;
	unsigned char	minVer;
	psTime_t		startTime;
	psTime_t		accessTime;
	int32			inUse;
} sslSessionEntry_t;

/******************************************************************************/
/* Former public API of MatrixSSL 1.x/2.x (ABI.md 3.10) */
extern int32	matrixSslDecode(ssl_t *ssl, unsigned char **buf, uint32 *len,
					uint32 size, uint32 *remaining, uint32 *requiredLen,
					int32 *error, unsigned char *alertLevel,
					unsigned char *alertDescription);
extern int32	matrixSslEncode(ssl_t *ssl, unsigned char *buf, uint32 size,
					unsigned char *ptBuf, uint32 *len);
extern int32	matrixSslGetEncodedSize(ssl_t *ssl, uint32 len);
extern void		matrixSslSetCertValidator(ssl_t *ssl,
					int32 (*certValidator)(void *, psX509Cert_t *, int32));
extern int32	matrixSslNewSession(ssl_t **ssl, sslKeys_t *keys,
					sslSessionId_t *session, int32 flags);
extern void		matrixSslSetSessionOption(ssl_t *ssl, int32 option,
					void *arg);
extern int32	matrixSslHandshakeIsComplete(ssl_t *ssl);
extern int32	sslEncodeClosureAlert(ssl_t *ssl, sslBuf_t *out,
					uint32 *reqLen);
extern int32	matrixSslEncodeHelloRequest(ssl_t *ssl, sslBuf_t *out,
					uint32 *reqLen);
extern int32	matrixSslEncodeClientHello(ssl_t *ssl, sslBuf_t *out,
					uint32 cipherSpec, uint32 *requiredLen,
					tlsExtension_t *userExt);
extern int32	matrixSslGetSessionId(ssl_t *ssl, sslSessionId_t *sessionId);
extern int32	matrixSslGetPrngData(unsigned char *bytes, uint32 size);

/* Test helper used by the 3.3 sample test program (Tier A) */
PSPUBLIC void	matrixSslAddRehandshakeCredits(ssl_t *ssl, int32 credits);

/******************************************************************************/
/* Internal functions of the 3.3 implementation (Tier D: declared only) */
extern int32 matrixValidateCerts(psPool_t *pool, psX509Cert_t *subjectCerts,
				psX509Cert_t *issuerCerts);
extern int32 matrixUserCertValidator(ssl_t *ssl, int32 alert,
				psX509Cert_t *subjectCert, sslCertCb_t certCb);
extern int32 psWriteRecordInfo(ssl_t *ssl, unsigned char type, int32 len,
				unsigned char *c);
extern int32 psWriteHandshakeHeader(ssl_t *ssl, unsigned char type, int32 len,
				int32 seq, int32 fragOffset, int32 fragLen, unsigned char *c);
extern int32 sslEncodeResponse(ssl_t *ssl, psBuf_t *out, uint32 *requiredLen);
extern int32 sslActivateReadCipher(ssl_t *ssl);
extern int32 sslActivateWriteCipher(ssl_t *ssl);
extern int32 sslUpdateHSHash(ssl_t *ssl, unsigned char *in, uint32 len);
extern int32 sslInitHSHash(ssl_t *ssl);
extern int32 sslSnapshotHSHash(ssl_t *ssl, unsigned char *out,
				int32 senderFlag);
extern int32 sslWritePad(unsigned char *p, unsigned char padLen);
extern int32 sslCreateKeys(ssl_t *ssl);
extern void sslResetContext(ssl_t *ssl);
extern int32 matrixRegisterSession(ssl_t *ssl);
extern int32 matrixResumeSession(ssl_t *ssl);
extern int32 matrixClearSession(ssl_t *ssl, int32 remove);
extern int32 matrixUpdateSession(ssl_t *ssl);
extern sslCipherSpec_t *sslGetCipherSpec(ssl_t *ssl, uint32 cid);
extern int32 sslGetCipherSpecListLen(ssl_t *ssl);
extern int32 sslGetCipherSpecList(ssl_t *ssl, unsigned char *c, int32 len,
				int32 addScsv);
extern int32 csRsaEncryptPub(psPool_t *pool, psPubKey_t *key,
				unsigned char *in, uint32 inlen, unsigned char *out,
				uint32 outlen);
extern int32 csRsaDecryptPriv(psPool_t *pool, psPubKey_t *key,
				unsigned char *in, uint32 inlen, unsigned char *out,
				uint32 outlen);
extern int32 csRsaDecryptPub(psPool_t *pool, psPubKey_t *key,
				unsigned char *in, uint32 inlen, unsigned char *out,
				uint32 outlen);
extern int32 csRsaEncryptPriv(psPool_t *pool, psPubKey_t *key,
				unsigned char *in, uint32 inlen, unsigned char *out,
				uint32 outlen);
extern int32 csCheckCertAgainstCipherSuite(int32 sigAlg, int32 cipherType);
extern int32 sslGenerateFinishedHash(psDigestContext_t *md5,
				psDigestContext_t *sha1, unsigned char *masterSecret,
				unsigned char *out, int32 sender);
extern int32 sslDeriveKeys(ssl_t *ssl);
extern int32 ssl3HMACSha1(unsigned char *key, unsigned char *seq,
				unsigned char type, unsigned char *data, uint32 len,
				unsigned char *mac);
extern int32 ssl3HMACMd5(unsigned char *key, unsigned char *seq,
				unsigned char type, unsigned char *data, uint32 len,
				unsigned char *mac);
extern int32 tlsDeriveKeys(ssl_t *ssl);
extern int32 tlsHMACSha1(ssl_t *ssl, int32 mode, unsigned char type,
				unsigned char *data, uint32 len, unsigned char *mac);
extern int32 tlsHMACMd5(ssl_t *ssl, int32 mode, unsigned char type,
				unsigned char *data, uint32 len, unsigned char *mac);
extern int32 prf(unsigned char *sec, uint32 secLen, unsigned char *seed,
				uint32 seedLen, unsigned char *out, uint32 outLen);
extern int32 csAesInit(sslSec_t *sec, int32 type);
extern int32 csAesEncrypt(void *ssl, unsigned char *pt, unsigned char *ct,
				uint32 len);
extern int32 csAesDecrypt(void *ssl, unsigned char *ct, unsigned char *pt,
				uint32 len);
extern int32 csDes3Encrypt(void *ssl, unsigned char *pt, unsigned char *ct,
				uint32 len);
extern int32 csDes3Decrypt(void *ssl, unsigned char *ct, unsigned char *pt,
				uint32 len);

#ifdef __cplusplus
}
#endif

#endif /* _h_MATRIXSSLLIB */
