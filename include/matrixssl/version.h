/*
 *	matrixssl/version.h
 *	Version identity: the API and behaviour of MatrixSSL 3.3.0 (open edition).
 */
#ifndef _h_MATRIXSSL_VERSION
#define _h_MATRIXSSL_VERSION

/* A string literal: applications splice it into other literals. */
#define MATRIXSSL_VERSION		"3.3.0-OPEN"
#define MATRIXSSL_VERSION_MAJOR	3
#define MATRIXSSL_VERSION_MINOR	3
#define MATRIXSSL_VERSION_PATCH	0
#define MATRIXSSL_VERSION_CODE	"OPEN"

#endif /* _h_MATRIXSSL_VERSION */
