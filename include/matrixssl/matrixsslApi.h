/*
 *	matrixssl/matrixsslApi.h
 *	The MatrixSSL 3.3 API: the only header applications need to include.
 */
#ifndef _h_MATRIXSSL
#define _h_MATRIXSSL

#include "core/coreApi.h"
#include "crypto/cryptoApi.h"
#include "matrixsslConfig.h"
#include "matrixssllib.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/******************************************************************************/
/* Return codes */
#define MATRIXSSL_SUCCESS				PS_SUCCESS			/* 0 */
#define MATRIXSSL_ERROR					PS_PROTOCOL_FAIL	/* -12 */
#define MATRIXSSL_REQUEST_SEND			1
#define MATRIXSSL_REQUEST_RECV			2
#define MATRIXSSL_REQUEST_CLOSE			3
#define MATRIXSSL_APP_DATA				4
#define MATRIXSSL_HANDSHAKE_COMPLETE	5
#define MATRIXSSL_RECEIVED_ALERT		6

/******************************************************************************/
/* Library */
PSPUBLIC int32	matrixSslOpen(void);
PSPUBLIC void	matrixSslClose(void);

/* Key material */
PSPUBLIC int32	matrixSslNewKeys(sslKeys_t **keys);
PSPUBLIC void	matrixSslDeleteKeys(sslKeys_t *keys);
PSPUBLIC int32	matrixSslLoadRsaKeys(sslKeys_t *keys, const char *certFile,
					const char *privFile, const char *privPass,
					const char *trustedCAFile);
PSPUBLIC int32	matrixSslLoadRsaKeysMem(sslKeys_t *keys,
					unsigned char *certBuf, int32 certLen,
					unsigned char *privBuf, int32 privLen,
					unsigned char *trustedCABuf, int32 trustedCALen);
PSPUBLIC int32	matrixSslLoadPkcs12(sslKeys_t *keys, unsigned char *p12File,
					unsigned char *importPass, int32 ipasslen,
					unsigned char *macPass, int32 mpasslen, int32 flags);

/* Commercial-edition loaders, always available here (ABI.md 3.11) */
PSPUBLIC int32	matrixSslLoadDhParams(sslKeys_t *keys, const char *paramFile);
PSPUBLIC int32	matrixSslLoadDhParamsMem(sslKeys_t *keys, unsigned char *dhBin,
					int32 dhBinLen);
PSPUBLIC int32	matrixSslLoadPsk(sslKeys_t *keys, unsigned char *key,
					uint32 keyLen, unsigned char *id, uint32 idLen);
PSPUBLIC int32	matrixSslLoadEcKeys(sslKeys_t *keys, const char *certFile,
					const char *privFile, const char *privPass,
					const char *CAfile);
PSPUBLIC int32	matrixSslLoadEcKeysMem(sslKeys_t *keys, unsigned char *certBuf,
					int32 certLen, unsigned char *privBuf, int32 privLen,
					unsigned char *CAbuf, int32 CAlen);

/* Sessions */
PSPUBLIC int32	matrixSslNewClientSession(ssl_t **ssl, sslKeys_t *keys,
					sslSessionId_t *sid, uint32 cipherSpec,
					int32 (*certCb)(ssl_t *ssl, psX509Cert_t *cert, int32 alert),
					tlsExtension_t *extensions,
					int32 (*extCb)(ssl_t *ssl, unsigned short extType,
						unsigned short extLen, void *e));
PSPUBLIC int32	matrixSslNewServerSession(ssl_t **ssl, sslKeys_t *keys,
					int32 (*certCb)(ssl_t *ssl, psX509Cert_t *cert, int32 alert));
PSPUBLIC void	matrixSslDeleteSession(ssl_t *ssl);

/*
	Marks a session-resumption record empty. Takes the structure itself (an
	lvalue), not a pointer; one unbraced assignment, used as a statement.
*/
#define matrixSslInitSessionId(SID) (SID).cipherId = SSL_NULL_WITH_NULL_NULL

/* Receiving */
PSPUBLIC int32	matrixSslGetReadbuf(ssl_t *ssl, unsigned char **buf);
PSPUBLIC int32	matrixSslReceivedData(ssl_t *ssl, uint32 bytes,
					unsigned char **ptbuf, uint32 *ptlen);
PSPUBLIC int32	matrixSslProcessedData(ssl_t *ssl, unsigned char **ptbuf,
					uint32 *ptlen);

/* Sending */
PSPUBLIC int32	matrixSslGetOutdata(ssl_t *ssl, unsigned char **buf);
PSPUBLIC int32	matrixSslSentData(ssl_t *ssl, uint32 bytes);
PSPUBLIC int32	matrixSslGetWritebuf(ssl_t *ssl, unsigned char **buf,
					uint32 reqLen);
PSPUBLIC int32	matrixSslEncodeWritebuf(ssl_t *ssl, uint32 len);
PSPUBLIC int32	matrixSslEncodeToOutdata(ssl_t *ssl, unsigned char *buf,
					uint32 len);
PSPUBLIC int32	matrixSslEncodeClosureAlert(ssl_t *ssl);

/* Client hello extensions */
PSPUBLIC int32	matrixSslNewHelloExtension(tlsExtension_t **extension);
PSPUBLIC int32	matrixSslLoadHelloExtension(tlsExtension_t *extension,
					unsigned char *extData, uint32 length, uint32 extType);
PSPUBLIC void	matrixSslDeleteHelloExtension(tlsExtension_t *extension);

/* Rehandshakes */
PSPUBLIC int32	matrixSslEncodeRehandshake(ssl_t *ssl, sslKeys_t *keys,
					int32 (*certCb)(ssl_t *ssl, psX509Cert_t *cert, int32 alert),
					uint32 sessionOption, uint32 cipherSpec);

/* Cipher suites and status */
PSPUBLIC int32	matrixSslSetCipherSuiteEnabledStatus(ssl_t *ssl,
					uint16 cipherId, uint32 status);
PSPUBLIC void	matrixSslGetAnonStatus(ssl_t *ssl, int32 *anonArg);

/*
 * matrixssl-rs extensions (not in MatrixSSL 3.3): what a session negotiated, and the
 * highest protocol version new sessions use. Test for MATRIXSSL_RS_EXTENSIONS.
 */
#define MATRIXSSL_RS_EXTENSIONS 1
/* 0x0301..0x0304, or PS_FAILURE before the first handshake completed */
PSPUBLIC int32	matrixSslGetNegotiatedVersion(ssl_t *ssl);
/* IANA cipher suite id, or PS_FAILURE before the first handshake completed */
PSPUBLIC int32	matrixSslGetNegotiatedCipher(ssl_t *ssl);
/* 1 if the last completed handshake resumed a session, else 0 */
PSPUBLIC int32	matrixSslIsResumed(ssl_t *ssl);
/* Highest version (0x0301..0x0304; default 0x0304) for sessions created afterwards, both roles */
PSPUBLIC int32	matrixSslSetMaxProtocolVersion(int32 version);

#ifdef __cplusplus
}
#endif

#endif /* _h_MATRIXSSL */
