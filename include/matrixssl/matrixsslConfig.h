/*
 *	matrixssl/matrixsslConfig.h
 *	SSL-layer configuration of the MatrixSSL 3.3 compatible header set.
 *
 *	Feature macros only (ABI.md 1.5 rule 5): an application that brings its
 *	own configuration may suppress this file by predefining
 *	_h_MATRIXSSLCONFIG; the types, constants and prototypes live elsewhere
 *	and keep their layout.
 *
 *	These macros tell applications what the default 3.3 build offered (the
 *	3.3 sample programs choose their code paths with them). The library
 *	itself supports both roles, SSL 3.0 to TLS 1.2 and more suites than the
 *	two listed here whatever this file says.
 */
#ifndef _h_MATRIXSSLCONFIG
#define _h_MATRIXSSLCONFIG

/* Cipher suites of the default build (exactly these: the 3.3 test program
   iterates over the defined ones). */
#define USE_TLS_RSA_WITH_AES_128_CBC_SHA
#define USE_TLS_RSA_WITH_AES_256_CBC_SHA
/* Not defined: USE_SSL_RSA_WITH_3DES_EDE_CBC_SHA, USE_SSL_RSA_WITH_RC4_128_SHA,
	USE_SSL_RSA_WITH_RC4_128_MD5, USE_SSL_RSA_WITH_NULL_SHA,
	USE_SSL_RSA_WITH_NULL_MD5 */

/* Protocol versions: SSL 3.0 (DISABLE_SSLV3 not defined), TLS 1.0, TLS 1.1 */
#define USE_TLS
#define USE_TLS_1_1

/* Both roles */
#define USE_CLIENT_SIDE_SSL
#define USE_SERVER_SIDE_SSL

/* Initial per-session buffer sizes in bytes (buffers grow as needed). */
#define SSL_DEFAULT_IN_BUF_SIZE		1500
#define SSL_DEFAULT_OUT_BUF_SIZE	1500

/* Server session cache: entries and lifetime in milliseconds. */
#define SSL_SESSION_TABLE_SIZE	32
#define SSL_SESSION_ENTRY_LIFE	86400 * 1000

/* RFC 5746 secure renegotiation (REQUIRE_SECURE_REHANDSHAKES and
   ENABLE_INSECURE_REHANDSHAKES are not defined). */
#define ENABLE_SECURE_REHANDSHAKES

/* The server accepts application data right after the client's Finished;
   callers then decode it with matrixSslReceivedData(ssl, 0, ...). */
#define ENABLE_FALSE_START

/* 1/n-1 record splitting for CBC suites under SSL 3.0 / TLS 1.0 */
#define USE_BEAST_WORKAROUND

/* Not defined: USE_CERT_CHAIN_PARSING, USE_SSL_HANDSHAKE_MSG_TRACE,
	USE_SSL_INFORMATIONAL_TRACE, USE_TLS_1_2, USE_CLIENT_AUTH,
	SERVER_CAN_SEND_EMPTY_CERT_REQUEST, SERVER_WILL_ACCEPT_EMPTY_CLIENT_CERT_MSG */

#endif /* _h_MATRIXSSLCONFIG */
