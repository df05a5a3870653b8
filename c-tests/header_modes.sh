#!/usr/bin/env bash
# header_modes.sh - compile the installed header tree in every usage pattern
# of ABI.md 1.3 / 1.4 / 1.5 and 4.2, as C (c89, c99, c11) and C++ (c++11,
# c++17), always with -Wall -Wextra -Werror.
#
# Platform macro modes: -DPOSIX, -DLINUX (implies POSIX), none (decision D1:
# Linux without a platform macro; POSIX must then stay undefined), and the
# rule-5 build (configuration headers suppressed, the application's own -D
# set) which must keep the same ABI: abi_layout.c is built and run there too.
#
# Usage: bash c-tests/header_modes.sh   (from the repository root or anywhere)
# Prints "header_modes: N passed, M failed"; exits non-zero on any failure.
set -u

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INC="$ROOT/include"
CC="${CC:-gcc}"
CXX="${CXX:-g++}"
WARN=(-Wall -Wextra -Werror)
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0

# run NAME CMD... : one check; its output is shown only on failure.
run() {
	local name="$1"
	shift
	if "$@" >"$TMP/log" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name"
		echo "  \$ $*"
		sed 's/^/  | /' "$TMP/log" | head -n 30
	fi
}

# The application-side -D sets.
MODE_NAMES=(posix linux none rule5)
mode_flags() {
	case "$1" in
	posix) echo "-DPOSIX" ;;
	linux) echo "-DLINUX" ;;
	none) echo "" ;;
	rule5) echo "-DPOSIX -D_h_MATRIXSSLCONFIG -D_h_PS_CRYPTOCONFIG -DUSE_FULL_CERT_PARSE -DUSE_PKCS12 -DUSE_SSL_RSA_WITH_NULL_SHA -DSSL_DEFAULT_IN_BUF_SIZE=1500 -DUSE_RSA -DUSE_X509 -DUSE_CERT_PARSE -DUSE_TLS -DUSE_CLIENT_SIDE_SSL -DUSE_SERVER_SIDE_SSL" ;;
	esac
}

# Checks that go with each mode: what POSIX must be afterwards.
cat >"$TMP/mode_posix.h" <<'H'
#ifndef POSIX
#error "POSIX must be defined"
#endif
H
cat >"$TMP/mode_linux.h" <<'H'
#ifndef POSIX
#error "LINUX must imply POSIX"
#endif
H
cat >"$TMP/mode_none.h" <<'H'
#ifdef POSIX
#error "the headers must not define POSIX on their own"
#endif
H
cat >"$TMP/mode_rule5.h" <<'H'
#if defined(USE_TLS_RSA_WITH_AES_128_CBC_SHA) || defined(USE_AES)
#error "configuration headers were not suppressed"
#endif
#if !defined(USE_FULL_CERT_PARSE) || !defined(USE_SSL_RSA_WITH_NULL_SHA)
#error "application macros lost"
#endif
H

# Usage patterns (ABI.md 1.3). Each uses only what the headers provide:
# the 3.3 sample programs call printf, memcpy, malloc, strlen... without
# including any system header.
cat >"$TMP/umbrella.c" <<'C'
#include "matrixssl/matrixsslApi.h"
#include MODE_CHECK
int main(void)
{
	ssl_t *ssl = NULL;
	sslKeys_t *keys = NULL;
	sslSessionId_t sid;
	psTime_t t;
	unsigned char *buf = (unsigned char *)malloc(8);
	char name[8];
	memset(&sid, 0, sizeof(sid));
	memcpy(buf, "abc", 4);
	strncpy(name, "x", sizeof(name));
	t.tv_sec = 0;
	t.tv_usec = (long)strlen(name);
	printf("%d %p %p %ld\n", (int)sizeof(ssl_t *), (void *)ssl, (void *)keys,
		(long)t.tv_usec);
	fputs(MATRIXSSL_VERSION "\n", stderr);
	free(buf);
	return 0;
}
C
cat >"$TMP/core_first.c" <<'C'
#include "core/coreApi.h"
#include "matrixssl/matrixsslApi.h"
#include MODE_CHECK
int main(void) { psBuf_t b; b.size = MATRIXSSL_SUCCESS; return b.size; }
C
cat >"$TMP/crypto_alone.c" <<'C'
#include "crypto/cryptoApi.h"
#include MODE_CHECK
int main(void)
{
	psDigestContext_t md;
	unsigned char out[SHA1_HASH_SIZE];
	int32 (*f)(psDigestContext_t *, unsigned char *) = psSha1Final;
	(void)f;
	memset(&md, 0, sizeof(md));
	memset(out, 0, sizeof(out));
	return PS_SUCCESS;
}
C
cat >"$TMP/manual_form.c" <<'C'
#include "matrixsslApi.h"
#include MODE_CHECK
int main(void) { sslSessionId_t s; matrixSslInitSessionId(s); return (int)s.cipherId; }
C
# <limits.h> after the headers: CHAR_BIT must not clash.
cat >"$TMP/limits_after.c" <<'C'
#include "matrixssl/matrixsslApi.h"
#include <limits.h>
#include MODE_CHECK
int main(void) { return CHAR_BIT == 8 ? 0 : 1; }
C

PATTERNS=(umbrella core_first crypto_alone manual_form limits_after)
pattern_incs() {
	if [ "$1" = manual_form ]; then
		echo "-I$INC -I$INC/matrixssl"
	else
		echo "-I$INC"
	fi
}

for mode in "${MODE_NAMES[@]}"; do
	# shellcheck disable=SC2207
	mflags=($(mode_flags "$mode"))
	for pat in "${PATTERNS[@]}"; do
		# shellcheck disable=SC2207
		incs=($(pattern_incs "$pat"))
		for std in c89 c99 c11; do
			run "$pat $mode -std=$std" "$CC" -std=$std "${WARN[@]}" "${mflags[@]}" \
				"-DMODE_CHECK=\"$TMP/mode_$mode.h\"" "${incs[@]}" -fsyntax-only "$TMP/$pat.c"
		done
		for std in c++11 c++17; do
			run "$pat $mode -std=$std" "$CXX" -x c++ -std=$std "${WARN[@]}" "${mflags[@]}" \
				"-DMODE_CHECK=\"$TMP/mode_$mode.h\"" "${incs[@]}" -fsyntax-only "$TMP/$pat.c"
		done
	done
done

# Every installed header is self-sufficient.
HEADERS=(matrixssl/matrixsslApi.h matrixssl/matrixsslConfig.h matrixssl/matrixssllib.h
	matrixssl/version.h core/coreApi.h core/coreConfig.h core/osdep.h core/list.h
	core/psmalloc.h crypto/cryptoApi.h crypto/cryptoConfig.h crypto/cryptolib.h
	crypto/symmetric/symmetric.h crypto/digest/digest.h crypto/math/pstm.h
	crypto/pubkey/pubkey.h crypto/keyformat/asn1.h crypto/keyformat/x509.h
	crypto/prng/prng.h)
for h in "${HEADERS[@]}"; do
	printf '#include "%s"\n#include "%s"\nint main(void) { return 0; }\n' "$h" "$h" >"$TMP/alone.c"
	run "$h alone c89" "$CC" -std=c89 "${WARN[@]}" -DPOSIX "-I$INC" -fsyntax-only "$TMP/alone.c"
	run "$h alone c11" "$CC" -std=c11 "${WARN[@]}" "-I$INC" -fsyntax-only "$TMP/alone.c"
	run "$h alone c++17" "$CXX" -x c++ -std=c++17 "${WARN[@]}" -DPOSIX "-I$INC" -fsyntax-only "$TMP/alone.c"
done

# Include guards: the 3.3 names.
cat >"$TMP/guards.c" <<'C'
#include "matrixssl/matrixsslApi.h"
#if !defined(_h_MATRIXSSL) || !defined(_h_MATRIXSSLCONFIG) || \
	!defined(_h_MATRIXSSLLIB) || !defined(_h_MATRIXSSL_VERSION) || \
	!defined(_h_PS_COREAPI) || !defined(_h_PS_CORECONFIG) || \
	!defined(_h_PS_PLATFORM) || !defined(_h_PS_COREUTIL) || \
	!defined(_h_PS_MALLOC) || !defined(_h_PS_CRYPTOAPI) || \
	!defined(_h_PS_CRYPTOCONFIG) || !defined(_h_PS_CRYPTOLIB) || \
	!defined(_h_PS_SYMMETRIC) || !defined(_h_PS_DIGEST) || \
	!defined(_h_PSTMATH) || !defined(_h_PS_PUBKEY) || !defined(_h_PS_ASN1) || \
	!defined(_h_PS_X509) || !defined(_h_PS_PRNG)
#error "an include guard of 3.3 is missing"
#endif
int main(void) { return 0; }
C
run "include guards" "$CC" -std=c99 "${WARN[@]}" -DPOSIX "-I$INC" -fsyntax-only "$TMP/guards.c"

# MATRIX_USE_FILE_SYSTEM only adds declarations.
cat >"$TMP/fs_on.c" <<'C'
#include "matrixssl/matrixsslApi.h"
int main(void)
{
	int32 (*a)(psPool_t *, const char *, unsigned char **, int32 *) = psGetFileBuf;
	int32 (*b)(psPool_t *, char *, char *, psPubKey_t **) = pkcs1ParsePrivFile;
	int32 (*c)(psPool_t *, char *, char *, unsigned char **, uint32 *) = pkcs1DecodePrivFile;
	struct stat st;
	(void)a; (void)b; (void)c; (void)st;
	return 0;
}
C
cat >"$TMP/fs_off.c" <<'C'
#include "matrixssl/matrixsslApi.h"
/* Compiles only if the headers did not declare these. */
static double psGetFileBuf(void) { return 0.0; }
static double pkcs1ParsePrivFile(void) { return 0.0; }
int main(void) { return (int)(psGetFileBuf() + pkcs1ParsePrivFile()); }
C
run "MATRIX_USE_FILE_SYSTEM declarations" "$CC" -std=c99 "${WARN[@]}" -DPOSIX -DMATRIX_USE_FILE_SYSTEM "-I$INC" -fsyntax-only "$TMP/fs_on.c"
run "no MATRIX_USE_FILE_SYSTEM declarations" "$CC" -std=c99 "${WARN[@]}" -DPOSIX "-I$INC" -fsyntax-only "$TMP/fs_off.c"

# Every prototype of sections 3 and 4 is declared with its exact type: the
# spelled-out redeclarations below conflict with the headers' on any
# difference (C: incompatible types; C++: conflicting extern "C" function).
cat >"$TMP/protos.c" <<'C'
#include "matrixssl/matrixsslApi.h"
typedef int32 (*certcb)(ssl_t *, psX509Cert_t *, int32);
typedef int32 (*extcb)(ssl_t *, unsigned short, unsigned short, void *);
#ifdef __cplusplus
extern "C" {
#endif
extern int32 matrixSslOpen(void);
extern void matrixSslClose(void);
extern int32 matrixSslNewKeys(sslKeys_t **);
extern void matrixSslDeleteKeys(sslKeys_t *);
extern int32 matrixSslLoadRsaKeys(sslKeys_t *, const char *, const char *, const char *, const char *);
extern int32 matrixSslLoadRsaKeysMem(sslKeys_t *, unsigned char *, int32, unsigned char *, int32, unsigned char *, int32);
extern int32 matrixSslLoadPkcs12(sslKeys_t *, unsigned char *, unsigned char *, int32, unsigned char *, int32, int32);
extern int32 matrixSslNewClientSession(ssl_t **, sslKeys_t *, sslSessionId_t *, uint32, certcb, tlsExtension_t *, extcb);
extern int32 matrixSslNewServerSession(ssl_t **, sslKeys_t *, certcb);
extern void matrixSslDeleteSession(ssl_t *);
extern int32 matrixSslGetReadbuf(ssl_t *, unsigned char **);
extern int32 matrixSslReceivedData(ssl_t *, uint32, unsigned char **, uint32 *);
extern int32 matrixSslProcessedData(ssl_t *, unsigned char **, uint32 *);
extern int32 matrixSslGetOutdata(ssl_t *, unsigned char **);
extern int32 matrixSslSentData(ssl_t *, uint32);
extern int32 matrixSslGetWritebuf(ssl_t *, unsigned char **, uint32);
extern int32 matrixSslEncodeWritebuf(ssl_t *, uint32);
extern int32 matrixSslEncodeToOutdata(ssl_t *, unsigned char *, uint32);
extern int32 matrixSslEncodeClosureAlert(ssl_t *);
extern int32 matrixSslNewHelloExtension(tlsExtension_t **);
extern int32 matrixSslLoadHelloExtension(tlsExtension_t *, unsigned char *, uint32, uint32);
extern void matrixSslDeleteHelloExtension(tlsExtension_t *);
extern int32 matrixSslEncodeRehandshake(ssl_t *, sslKeys_t *, certcb, uint32, uint32);
extern void matrixSslAddRehandshakeCredits(ssl_t *, int32);
extern int32 matrixSslSetCipherSuiteEnabledStatus(ssl_t *, uint16, uint32);
extern void matrixSslGetAnonStatus(ssl_t *, int32 *);
extern int32 matrixSslLoadDhParams(sslKeys_t *, const char *);
extern int32 matrixSslLoadDhParamsMem(sslKeys_t *, unsigned char *, int32);
extern int32 matrixSslLoadPsk(sslKeys_t *, unsigned char *, uint32, unsigned char *, uint32);
extern int32 matrixSslLoadEcKeys(sslKeys_t *, const char *, const char *, const char *, const char *);
extern int32 matrixSslLoadEcKeysMem(sslKeys_t *, unsigned char *, int32, unsigned char *, int32, unsigned char *, int32);
extern int32 matrixSslHandshakeIsComplete(ssl_t *);
extern void matrixSslSetSessionOption(ssl_t *, int32, void *);
extern int32 matrixSslGetSessionId(ssl_t *, sslSessionId_t *);
extern void matrixSslSetCertValidator(ssl_t *, int32 (*)(void *, psX509Cert_t *, int32));
extern int32 matrixSslGetPrngData(unsigned char *, uint32);
extern int32 matrixSslNewSession(ssl_t **, sslKeys_t *, sslSessionId_t *, int32);
extern int32 matrixSslGetEncodedSize(ssl_t *, uint32);
extern int32 matrixSslEncodeHelloRequest(ssl_t *, sslBuf_t *, uint32 *);
extern int32 matrixSslEncodeClientHello(ssl_t *, sslBuf_t *, uint32, uint32 *, tlsExtension_t *);
extern int32 matrixSslDecode(ssl_t *, unsigned char **, uint32 *, uint32, uint32 *, uint32 *, int32 *, unsigned char *, unsigned char *);
extern int32 matrixSslEncode(ssl_t *, unsigned char *, uint32, unsigned char *, uint32 *);
extern int32 sslEncodeClosureAlert(ssl_t *, sslBuf_t *, uint32 *);
extern void _psTrace(char *);
extern void _psTraceInt(char *, int32);
extern void _psTraceStr(char *, char *);
extern void _psTracePtr(char *, void *);
extern void psTraceBytes(char *, unsigned char *, int);
extern void _psError(char *);
extern void _psErrorInt(char *, int32);
extern void _psErrorStr(char *, char *);
extern int32 psGetTime(psTime_t *);
extern int32 psDiffMsecs(psTime_t, psTime_t);
extern int32 psCompareTime(psTime_t, psTime_t);
extern int32 psCoreOpen(void);
extern void psCoreClose(void);
extern void psBurnStack(uint32);
extern int32 psGetEntropy(unsigned char *, uint32);
extern int32 psGetFileBuf(psPool_t *, const char *, unsigned char **, int32 *);
extern int32 psParseList(psPool_t *, char *, const char, psList_t **);
extern void psFreeList(psList_t *);
extern int osdepTraceOpen(void);
extern void osdepTraceClose(void);
extern int osdepTimeOpen(void);
extern void osdepTimeClose(void);
extern int osdepEntropyOpen(void);
extern void osdepEntropyClose(void);
extern int32 psAesInit(psCipherContext_t *, unsigned char *, unsigned char *, uint32);
extern int32 psAesDecrypt(psCipherContext_t *, unsigned char *, unsigned char *, uint32);
extern int32 psAesEncrypt(psCipherContext_t *, unsigned char *, unsigned char *, uint32);
extern int32 psAesInitKey(const unsigned char *, uint32, psAesKey_t *);
extern void psAesEncryptBlock(const unsigned char *, unsigned char *, psAesKey_t *);
extern void psAesDecryptBlock(const unsigned char *, unsigned char *, psAesKey_t *);
extern int32 psDes3Init(psCipherContext_t *, unsigned char *, unsigned char *, uint32);
extern int32 psDes3Decrypt(psCipherContext_t *, unsigned char *, unsigned char *, uint32);
extern int32 psDes3Encrypt(psCipherContext_t *, unsigned char *, unsigned char *, uint32);
extern int32 psDes3InitKey(const unsigned char *, uint32, psDes3Key_t *);
extern void psDes3EncryptBlock(const unsigned char *, unsigned char *, psDes3Key_t *);
extern void psDes3DecryptBlock(const unsigned char *, unsigned char *, psDes3Key_t *);
extern void psSha1Init(psDigestContext_t *);
extern void psSha1Update(psDigestContext_t *, const unsigned char *, uint32);
extern int32 psSha1Final(psDigestContext_t *, unsigned char *);
extern int32 psHmacSha1(unsigned char *, uint32, const unsigned char *, uint32, unsigned char *, unsigned char *, uint32 *);
extern void psHmacSha1Init(psHmacContext_t *, unsigned char *, uint32);
extern void psHmacSha1Update(psHmacContext_t *, const unsigned char *, uint32);
extern int32 psHmacSha1Final(psHmacContext_t *, unsigned char *);
extern void psMd5Init(psDigestContext_t *);
extern void psMd5Update(psDigestContext_t *, const unsigned char *, uint32);
extern int32 psMd5Final(psDigestContext_t *, unsigned char *);
extern int32 psHmacMd5(unsigned char *, uint32, const unsigned char *, uint32, unsigned char *, unsigned char *, uint32 *);
extern void psHmacMd5Init(psHmacContext_t *, unsigned char *, uint32);
extern void psHmacMd5Update(psHmacContext_t *, const unsigned char *, uint32);
extern int32 psHmacMd5Final(psHmacContext_t *, unsigned char *);
extern int32 pkcs1ParsePrivBin(psPool_t *, unsigned char *, uint32, psPubKey_t **);
extern int32 pkcs8ParsePrivBin(psPool_t *, unsigned char *, int32, char *, psPubKey_t **);
extern int32 pkcs1ParsePrivFile(psPool_t *, char *, char *, psPubKey_t **);
extern int32 pkcs1DecodePrivFile(psPool_t *, char *, char *, unsigned char **, uint32 *);
extern void pkcs5pbkdf1(unsigned char *, uint32, unsigned char *, int32, unsigned char *);
extern void pkcs5pbkdf2(unsigned char *, uint32, unsigned char *, uint32, int32, unsigned char *, uint32);
extern psPubKey_t *psNewPubKey(psPool_t *);
extern void psFreePubKey(psPubKey_t *);
extern int32 psRsaDecryptPriv(psPool_t *, psRsaKey_t *, unsigned char *, uint32, unsigned char *, uint32);
extern int32 psRsaDecryptPub(psPool_t *, psRsaKey_t *, unsigned char *, uint32, unsigned char *, uint32);
extern int32 psRsaEncryptPub(psPool_t *, psRsaKey_t *, unsigned char *, uint32, unsigned char *, uint32);
extern int32 psRsaCrypt(psPool_t *, const unsigned char *, uint32, unsigned char *, uint32 *, psRsaKey_t *, int32);
extern int32 psX509ParseCertFile(psPool_t *, char *, psX509Cert_t **, int32);
extern int32 psX509ParseCert(psPool_t *, unsigned char *, uint32, psX509Cert_t **, int32);
extern void psX509FreeCert(psX509Cert_t *);
extern int32 psX509AuthenticateCert(psPool_t *, psX509Cert_t *, psX509Cert_t *);
extern int32 psInitPrng(psRandom_t *);
extern int32 psGetPrng(psRandom_t *, unsigned char *, uint32);
extern int32 psYarrowStart(psYarrow_t *);
extern int32 psYarrowAddEntropy(unsigned char *, uint32, psYarrow_t *);
extern int32 psYarrowReseed(psYarrow_t *);
extern uint32 psYarrowRead(unsigned char *, uint32, psYarrow_t *);
extern int32 psYarrowDone(psYarrow_t *);
extern int32 psYarrowExport(unsigned char *, uint32 *, psYarrow_t *);
extern int32 psYarrowImport(unsigned char *, uint32, psYarrow_t *);
extern int32 psBase64decode(const unsigned char *, uint32, unsigned char *, uint32 *);
#ifdef __cplusplus
}
#endif
sslCertCb_t cb_type_a;
sslExtCb_t cb_type_b;
int main(void) { return 0; }
C
run "prototypes of sections 3 and 4 (C)" "$CC" -std=c99 "${WARN[@]}" -DPOSIX -DMATRIX_USE_FILE_SYSTEM "-I$INC" -fsyntax-only "$TMP/protos.c"
run "prototypes of sections 3 and 4 (C++)" "$CXX" -x c++ -std=c++17 "${WARN[@]}" -DPOSIX -DMATRIX_USE_FILE_SYSTEM "-I$INC" -fsyntax-only "$TMP/protos.c"

# Section 4.2 macros in the shapes applications use. The snippet provides its
# own trace functions (with the exact prototypes), so it links and runs
# without the library and checks what the macros print.
cat >"$TMP/macros.c" <<'C'
#include "matrixssl/matrixsslApi.h"

static char out[1024];
static size_t outlen;
static void put(const char *s)
{
	size_t n = strlen(s);
	if (outlen + n < sizeof(out)) {
		memcpy(out + outlen, s, n + 1);
		outlen += n;
	}
}
void _psTrace(char *msg) { put(msg); }
void _psTraceInt(char *msg, int32 val)
{
	char b[64];
	sprintf(b, msg, val);
	put(b);
}
void _psTraceStr(char *msg, char *val)
{
	char b[256];
	if (val == NULL) {
		put(msg);
	} else {
		sprintf(b, msg, val);
		put(b);
	}
}
void _psError(char *msg) { _psTrace(msg); }
void _psErrorInt(char *msg, int32 val) { _psTraceInt(msg, val); }
void _psErrorStr(char *msg, char *val) { _psTraceStr(msg, val); }

typedef struct {
	int v;
	DLListEntry link;
} item_t;

static int check(int flag)
{
	unsigned char *p;
	DLListEntry head, *e;
	item_t a, b, c, *ip;
	sslSessionId_t sid, other;
	sslSessionId_t *psid = &other;
	psBuf_t pb;
	int n = 0;
	char expect[256];

	/* psMalloc: the pool argument is never evaluated nor named */
	p = (unsigned char *)psMalloc(PEERSEC_NO_POOL, 16);
	if (p == NULL) {
		return 1;
	}
	psMemset(p, 0, 16);
	psMemcpy(p, "abc", 3);
	p = (unsigned char *)psRealloc(p, 32);
	psFree(p);
	p = (unsigned char *)psCalloc(NO_SUCH_POOL, 4, 4);
	free(p);
	p = (unsigned char *)psMallocNoPool(4);
	free(p);
	n += psOpenMalloc();
	psCloseMalloc();
	psDefineHeap(NO_HEAP, 0);
	psAddPoolCache(NO_POOL, 0);
	halAlert();
	if (MATRIX_NO_POOL != NULL || MAX_MEMORY_USAGE != 0) {
		return 2;
	}

	/* psAssert: a single statement, safe in front of an else */
	if (flag)
		psAssert(flag > 0);
	else
		n++;
	if (outlen != 0) {
		return 3;
	}
	psAssert(flag == 42);
	sprintf(expect, "psAssert %s:%d flag == 42", __FILE__, __LINE__ - 1);
	if (strcmp(out, expect) != 0) {
		printf("psAssert printed [%s], expected [%s]\n", out, expect);
		return 4;
	}
	outlen = 0;
	out[0] = 0;

	/* psError family: plain statement sequences */
	psError((char *)"boom");
	sprintf(expect, "psError %s:%d boom", __FILE__, __LINE__ - 1);
	if (strcmp(out, expect) != 0) {
		printf("psError printed [%s], expected [%s]\n", out, expect);
		return 5;
	}
	outlen = 0;
	psErrorStr((char *)"[%s]", (char *)"s");
	psErrorInt((char *)"[%d]", 7);
	outlen = 0;

	/* trace macros compile to nothing */
	psTraceCore("x"); psTraceStrCore("x", "y"); psTraceIntCore("x", 1);
	psTracePtrCore("x", NULL);
	psTraceCrypto("x"); psTraceStrCrypto("x", "y"); psTraceIntCrypto("x", 1);
	psTracePtrCrypto("x", NULL);
	psTraceHs("x"); psTraceStrHs("x", "y");
	psTraceInfo("x"); psTraceStrInfo("x", "y"); psTraceIntInfo("x", 1);
	if (outlen != 0) {
		return 6;
	}

	/* DLList: x = DLListGetHead(&h); is the supported shape */
	DLListInit(&head);
	if (!DLListIsEmpty(&head)) {
		return 7;
	}
	a.v = 1; b.v = 2; c.v = 3;
	DLListInsertTail(&head, &a.link);
	DLListInsertHead(&head, &b.link);
	DLListInsertTail(&head, &c.link);	/* b a c */
	e = DLListGetHead(&head);
	ip = DLListGetContainer(e, item_t, link);
	if (ip != &b) {
		return 8;
	}
	e = DLListGetTail(&head);
	ip = DLListGetContainer(e, item_t, link);
	if (ip != &c) {
		return 9;
	}
	DLListRemove(&a.link);
	if (!DLListIsEmpty(&head)) {
		return 10;
	}

	/* matrixSslInitSessionId: the structure itself, in an if/else */
	sid.cipherId = 5;
	other.cipherId = 6;
	if (flag)
		matrixSslInitSessionId(sid);
	else
		matrixSslInitSessionId(*psid);
	if (sid.cipherId != 0 || other.cipherId != 6) {
		return 11;
	}
	matrixSslInitSessionId(*psid);
	if (other.cipherId != 0) {
		return 12;
	}

	/* min, byte, CONST64, ROL/ROR and friends */
	n += min(3, 4);
	if (min(7, 2) != 2 || byte(0x11223344UL, 2) != 0x22) {
		return 13;
	}
	if (ROL(0x80000001u, 1) != 3u || ROR(3u, 1) != 0x80000001u) {
		return 14;
	}
	{
		unsigned char bytes[8];
		unsigned long v32 = 0;
		uint64 v64 = 0;
		STORE32L(0x01020304UL, bytes);
		LOAD32L(v32, bytes);
		if (bytes[0] != 4 || v32 != 0x01020304UL) {
			return 15;
		}
		STORE32H(0x01020304UL, bytes);
		LOAD32H(v32, bytes);
		if (bytes[0] != 1 || v32 != 0x01020304UL) {
			return 16;
		}
		STORE64H(CONST64(0x0102030405060708), bytes);
		LOAD64H(v64, bytes);
		if (bytes[7] != 8 || v64 != CONST64(0x0102030405060708)) {
			return 17;
		}
		STORE64L(CONST64(0x0102030405060708), bytes);
		LOAD64L(v64, bytes);
		if (bytes[7] != 1 || v64 != CONST64(0x0102030405060708)) {
			return 18;
		}
		if (ROL64c(CONST64(0x8000000000000001), 4) != CONST64(0x18) ||
				ROR64c(CONST64(0x18), 4) != CONST64(0x8000000000000001)) {
			return 19;
		}
	}
	pb.buf = pb.start = pb.end = NULL;
	pb.size = 0;
	return n == 3 + pb.size ? 0 : 20;
}

int main(void)
{
	int rc = check(1);
	if (rc != 0) {
		printf("macro check %d failed\n", rc);
		return rc;
	}
	return 0;
}
C
for std in c89 c99 c11; do
	run "4.2 macros -std=$std" "$CC" -std=$std "${WARN[@]}" -Wno-long-long -DPOSIX "-I$INC" -o "$TMP/macros" "$TMP/macros.c"
	run "4.2 macros run -std=$std" "$TMP/macros"
done
for std in c++11 c++17; do
	run "4.2 macros -std=$std" "$CXX" -x c++ -std=$std "${WARN[@]}" -DPOSIX "-I$INC" -o "$TMP/macros" "$TMP/macros.c"
	run "4.2 macros run -std=$std" "$TMP/macros"
done

# Struct layouts and constants (abi_layout.c), default and rule-5 builds.
ABI="$ROOT/c-tests/abi_layout.c"
run "abi_layout -DPOSIX" "$CC" -std=c11 "${WARN[@]}" -DPOSIX "-I$INC" -o "$TMP/abi" "$ABI"
run "abi_layout -DPOSIX run" "$TMP/abi"
run "abi_layout -DLINUX" "$CC" -std=c11 "${WARN[@]}" -DLINUX "-I$INC" -o "$TMP/abi" "$ABI"
run "abi_layout -DLINUX run" "$TMP/abi"
# shellcheck disable=SC2207
r5=($(mode_flags rule5))
run "abi_layout rule 5" "$CC" -std=c11 "${WARN[@]}" "${r5[@]}" -DABI_RULE5 "-I$INC" -o "$TMP/abi" "$ABI"
run "abi_layout rule 5 run" "$TMP/abi"
run "abi_layout rule 5 (only the guards)" "$CC" -std=c11 "${WARN[@]}" -DPOSIX -D_h_MATRIXSSLCONFIG -D_h_PS_CRYPTOCONFIG -DUSE_FULL_CERT_PARSE -DUSE_PKCS12 -DABI_RULE5 "-I$INC" -o "$TMP/abi" "$ABI"
run "abi_layout rule 5 (only the guards) run" "$TMP/abi"

echo "header_modes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
