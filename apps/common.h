/*
 * Shared helpers for the example client and server.
 *
 * Only the public MatrixSSL API (matrixssl/matrixsslApi.h) and POSIX system headers are used,
 * so these programs build unchanged against the original MatrixSSL 3.3 headers plus the
 * matrixssl-rs extension functions declared below (and matrixSslLoadEcKeys, matrixSslLoadPsk
 * and matrixSslLoadDhParams, which 3.3 has only in its commercial edition).
 */
#ifndef APPS_COMMON_H
#define APPS_COMMON_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "matrixssl/matrixsslApi.h"

/*
 * matrixssl-rs extensions. The project's matrixsslApi.h declares them (and defines
 * MATRIXSSL_RS_EXTENSIONS); these fallback declarations keep the programs compiling against a
 * header set that does not.
 */
#ifndef MATRIXSSL_RS_EXTENSIONS
PSPUBLIC int32 matrixSslLoadEcKeys(sslKeys_t *keys, const char *certFile,
    const char *privFile, const char *privPass, const char *CAfile);
PSPUBLIC int32 matrixSslLoadDhParams(sslKeys_t *keys, const char *paramFile);
PSPUBLIC int32 matrixSslLoadPsk(sslKeys_t *keys, unsigned char *key, uint32 keyLen,
    unsigned char *id, uint32 idLen);
PSPUBLIC int32 matrixSslGetNegotiatedVersion(ssl_t *ssl);
PSPUBLIC int32 matrixSslGetNegotiatedCipher(ssl_t *ssl);
PSPUBLIC int32 matrixSslIsResumed(ssl_t *ssl);
PSPUBLIC int32 matrixSslSetMaxProtocolVersion(int32 version);
#endif

#if defined(__GNUC__)
#define APP_UNUSED __attribute__((unused))
#else
#define APP_UNUSED
#endif

/* Pending encrypted output above which we stop producing/reading more (per connection). */
#define APP_HIGH_WATER (64 * 1024)
/* Largest HTTP request/response header block we accept. */
#define APP_MAX_HEADER 8192
/* Plaintext bytes per application record we ask for. */
#define APP_RECORD_CHUNK 16384

/* Byte i of every deterministic body (GET /N responses and POST /echo request bodies). */
static APP_UNUSED unsigned char body_byte(uint64_t i)
{
    return (unsigned char)((i * 31u + 7u) & 0xffu);
}

static APP_UNUSED void fill_body(unsigned char *out, uint64_t offset, size_t len)
{
    size_t k;
    for (k = 0; k < len; k++) {
        out[k] = body_byte(offset + k);
    }
}

/* Milliseconds from a monotonic clock. */
static APP_UNUSED int64_t now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0;
    }
    return (int64_t)ts.tv_sec * 1000 + (int64_t)(ts.tv_nsec / 1000000);
}

/*
 * Parses an unsigned number: "0x..." is hexadecimal, anything else decimal (a leading zero
 * does not mean octal, so "0047" is 47). Returns 0 on success, -1 on junk or overflow.
 */
static APP_UNUSED int parse_u64(const char *s, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v;
    int base = 10;
    if (s == NULL || *s == '\0' || *s == '-' || *s == '+' || isspace((unsigned char)*s)) {
        return -1;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (*s == '\0') {
            return -1;
        }
    }
    errno = 0;
    v = strtoull(s, &end, base);
    if (errno != 0 || end == NULL || *end != '\0') {
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

static APP_UNUSED int parse_u32(const char *s, uint32 *out)
{
    uint64_t v;
    if (parse_u64(s, &v) != 0 || v > 0xffffffffu) {
        return -1;
    }
    *out = (uint32)v;
    return 0;
}

/*
 * Parses a hexadecimal string (even length, no prefix or separators) into out[0..max).
 * Returns the byte count, or -1 for junk, odd length, empty input or more than max bytes.
 */
static APP_UNUSED int parse_hex(const char *s, unsigned char *out, size_t max)
{
    size_t n = strlen(s), k;
    if (n == 0 || n % 2 != 0 || n / 2 > max) {
        return -1;
    }
    for (k = 0; k < n; k += 2) {
        int hi = isxdigit((unsigned char)s[k]), lo = isxdigit((unsigned char)s[k + 1]);
        char pair[3];
        if (!hi || !lo) {
            return -1;
        }
        pair[0] = s[k];
        pair[1] = s[k + 1];
        pair[2] = '\0';
        out[k / 2] = (unsigned char)strtoul(pair, NULL, 16);
    }
    return (int)(n / 2);
}

/*
 * Removes every "NAME VALUE" pair (NAME an exact word such as "-p12") from argv before getopt
 * sees it, so a multi-letter option can coexist with single-letter ones ("-p12" would
 * otherwise be "-p 12"). `optstring` is the getopt string: the values of options taking an
 * argument are skipped, so "-P -p12" stays a password. Scanning stops at "--". Returns the
 * last value (NULL if absent), or sets *bad when NAME is the last word.
 */
static APP_UNUSED const char *take_word_option(int *argc, char **argv, const char *name,
    const char *optstring, int *bad)
{
    const char *value = NULL;
    int i = 1, j;
    while (i < *argc) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            break;
        }
        if (strcmp(a, name) == 0) {
            if (i + 1 >= *argc) {
                *bad = 1;
                return NULL;
            }
            value = argv[i + 1];
            for (j = i; j + 2 <= *argc; j++) {
                argv[j] = argv[j + 2];
            }
            *argc -= 2;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0' && a[1] != '-') {
            /* A cluster like "-qA" or "-p443": only a trailing option letter that takes an
             * argument and has none attached consumes the next word. */
            size_t k;
            for (k = 1; a[k] != '\0'; k++) {
                const char *o = strchr(optstring, a[k]);
                if (o != NULL && a[k] != ':' && o[1] == ':') {
                    if (a[k + 1] == '\0') {
                        i++; /* the value is the next word */
                    }
                    break;
                }
            }
        }
        i++;
    }
    return value;
}

/*
 * Pre-shared keys from repeated "-K hexkey" and "-I identity" options: the k-th -K pairs with
 * the k-th -I (so "-K k1 -I id1 -K k2 -I id2" and "-K k1 -K k2 -I id1 -I id2" are the same).
 */
#define APP_MAX_PSKS 16
#define APP_PSK_MAX_KEY 64  /* SSL_PSK_MAX_KEY_SIZE */
#define APP_PSK_MAX_ID 128  /* SSL_PSK_MAX_ID_SIZE */

typedef struct {
    unsigned char key[APP_MAX_PSKS][APP_PSK_MAX_KEY];
    int key_len[APP_MAX_PSKS];
    const char *id[APP_MAX_PSKS];
    int nkeys;
    int nids;
} app_psks_t;

/* -K: returns 0, or -1 (message printed) for a bad key or too many. */
static APP_UNUSED int psk_add_key(app_psks_t *p, const char *hex)
{
    int n;
    if (p->nkeys >= APP_MAX_PSKS) {
        fprintf(stderr, "at most %d -K options\n", APP_MAX_PSKS);
        return -1;
    }
    n = parse_hex(hex, p->key[p->nkeys], APP_PSK_MAX_KEY);
    if (n <= 0) {
        fprintf(stderr, "bad PSK (1..%d bytes as hex digits): %s\n", APP_PSK_MAX_KEY, hex);
        return -1;
    }
    p->key_len[p->nkeys++] = n;
    return 0;
}

/* -I: returns 0, or -1 (message printed) for a bad identity or too many. */
static APP_UNUSED int psk_add_id(app_psks_t *p, const char *id)
{
    size_t n = strlen(id);
    if (p->nids >= APP_MAX_PSKS) {
        fprintf(stderr, "at most %d -I options\n", APP_MAX_PSKS);
        return -1;
    }
    if (n == 0 || n > APP_PSK_MAX_ID) {
        fprintf(stderr, "bad PSK identity (1..%d bytes): %s\n", APP_PSK_MAX_ID, id);
        return -1;
    }
    p->id[p->nids++] = id;
    return 0;
}

/* matrixSslLoadPsk for every pair, in order. Returns 0 or the failing return code. */
static APP_UNUSED int32 psk_load(sslKeys_t *keys, app_psks_t *p)
{
    int k;
    for (k = 0; k < p->nkeys; k++) {
        int32 rc = matrixSslLoadPsk(keys, p->key[k], (uint32)p->key_len[k],
            (unsigned char *)p->id[k], (uint32)strlen(p->id[k]));
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

/* Every cipher-suite id MatrixSSL (3.3 plus later commercial releases) has a name for. */
typedef struct {
    uint16 id;
    const char *name;
} suite_name_t;

static const suite_name_t known_suites[] = {
    {0x0001, "SSL_RSA_WITH_NULL_MD5"},
    {0x0002, "SSL_RSA_WITH_NULL_SHA"},
    {0x0004, "SSL_RSA_WITH_RC4_128_MD5"},
    {0x0005, "SSL_RSA_WITH_RC4_128_SHA"},
    {0x000A, "SSL_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x0016, "SSL_DHE_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x0018, "SSL_DH_anon_WITH_RC4_128_MD5"},
    {0x001B, "SSL_DH_anon_WITH_3DES_EDE_CBC_SHA"},
    {0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"},
    {0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"},
    {0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA"},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"},
    {0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"},
    {0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA"},
    {0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256"},
    {0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256"},
    {0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256"},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256"},
    {0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"},
    {0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA"},
    {0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA"},
    {0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA"},
    {0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA"},
    {0x0096, "TLS_RSA_WITH_SEED_CBC_SHA"},
    {0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384"},
    {0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"},
    {0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384"},
    {0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256"},
    {0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384"},
    {0x00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256"},
    {0x00AB, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384"},
    {0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256"},
    {0x00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384"},
    {0x00B2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256"},
    {0x00B3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384"},
    {0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA"},
    {0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA"},
    {0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"},
    {0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
    {0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA"},
    {0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA"},
    {0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"},
    {0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
    {0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"},
    {0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
    {0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256"},
    {0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384"},
    {0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"},
    {0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256"},
    {0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384"},
    {0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256"},
    {0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384"},
    {0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
};

#define KNOWN_SUITE_COUNT (sizeof(known_suites) / sizeof(known_suites[0]))

static APP_UNUSED const char *suite_name(uint32 id)
{
    size_t k;
    for (k = 0; k < KNOWN_SUITE_COUNT; k++) {
        if (known_suites[k].id == id) {
            return known_suites[k].name;
        }
    }
    return "unknown";
}

/* Symbolic name of a MatrixSSL return code, for diagnostics. */
static APP_UNUSED const char *rc_name(int32 rc)
{
    switch (rc) {
    case 0: return "SUCCESS";
    case 1: return "REQUEST_SEND";
    case 2: return "REQUEST_RECV";
    case 3: return "REQUEST_CLOSE";
    case 4: return "APP_DATA";
    case 5: return "HANDSHAKE_COMPLETE";
    case 6: return "RECEIVED_ALERT";
    case -1: return "PS_FAILURE";
    case -6: return "PS_ARG_FAIL";
    case -7: return "PS_PLATFORM_FAIL";
    case -8: return "PS_MEM_FAIL";
    case -9: return "PS_LIMIT_FAIL";
    case -10: return "PS_UNSUPPORTED_FAIL";
    case -12: return "PS_PROTOCOL_FAIL/MATRIXSSL_ERROR";
    case -31: return "PS_PARSE_FAIL";
    case -35: return "PS_CERT_AUTH_FAIL";
    default: return "?";
    }
}

static APP_UNUSED int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0) {
        return -1;
    }
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/*
 * Prints the standard per-connection line. Servers and clients print the same thing so the
 * interop harness can parse either side.
 */
static APP_UNUSED void print_handshake_line(ssl_t *ssl)
{
    int32 ver = matrixSslGetNegotiatedVersion(ssl);
    int32 suite = matrixSslGetNegotiatedCipher(ssl);
    int32 resumed = matrixSslIsResumed(ssl);
    printf("handshake version=0x%04x suite=0x%04x resumed=%d\n",
        (unsigned)(ver < 0 ? 0 : ver), (unsigned)(suite < 0 ? 0 : suite),
        resumed > 0 ? 1 : 0);
    if (ver < 0 || suite < 0 || resumed < 0) {
        fprintf(stderr, "warning: negotiated-parameter query failed (%d, %d, %d)\n",
            (int)ver, (int)suite, (int)resumed);
    }
    fflush(stdout);
}

/* A TLS 1.3 "rehandshake" (-R): matrixSslEncodeRehandshake queued a KeyUpdate. */
static APP_UNUSED void print_key_update_line(ssl_t *ssl)
{
    printf("keyupdate version=0x%04x suite=0x%04x\n",
        (unsigned)matrixSslGetNegotiatedVersion(ssl), (unsigned)matrixSslGetNegotiatedCipher(ssl));
    fflush(stdout);
}

/* Case-insensitive prefix test on a header line. */
static APP_UNUSED int header_is(const char *line, const char *name)
{
    size_t n = strlen(name);
    size_t k;
    for (k = 0; k < n; k++) {
        if (line[k] == '\0' ||
            tolower((unsigned char)line[k]) != tolower((unsigned char)name[k])) {
            return 0;
        }
    }
    return line[n] == ':';
}

/* Finds the blank line ending an HTTP header block in buf[0..len); returns the offset just
   past it, or 0 if absent. */
static APP_UNUSED size_t find_header_end(const char *buf, size_t len)
{
    size_t k;
    /* RFC 9112 section 2.2 lets a recipient take a bare LF as a line end (a CR before it
       is ignored); HTTP servers accept "GET / HTTP/1.0\n\n" that way, so the blank line
       ending the header block is LF or CRLF after a line's LF. */
    for (k = 0; k + 1 < len; k++) {
        if (buf[k] != '\n') {
            continue;
        }
        if (buf[k + 1] == '\n') {
            return k + 2;
        }
        if (k + 2 < len && buf[k + 1] == '\r' && buf[k + 2] == '\n') {
            return k + 3;
        }
    }
    return 0;
}

#endif /* APPS_COMMON_H */
