/*
 * Shared helpers for the in-memory pair tests: move bytes between a client and a server
 * session through the public buffer API, collect plaintext and alerts, count checks.
 * Header-only (static functions) so every c-tests program stays one translation unit.
 */
#ifndef PAIR_UTIL_H
#define PAIR_UTIL_H

#include "matrixssl/matrixsslApi.h"

#ifndef MATRIXSSL_RS_EXTENSIONS
int32 matrixSslGetNegotiatedVersion(ssl_t *ssl);
int32 matrixSslGetNegotiatedCipher(ssl_t *ssl);
int32 matrixSslIsResumed(ssl_t *ssl);
int32 matrixSslSetMaxProtocolVersion(int32 version);
#endif

static int passed, failed;

#define CHECK(cond, ...) do { \
    if (cond) { passed++; } else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
        printf(__VA_ARGS__); printf("\n"); } } while (0)

/* Bytes received as plaintext by a side, and alerts seen. */
typedef struct {
    unsigned char *data;
    uint32 len, cap;
    int alerts[8][2];
    int nalerts;
    int completes;
    int lastRc;
} sink_t;

static void sinkAdd(sink_t *s, const unsigned char *p, uint32 n)
{
    if (s->len + n > s->cap) {
        s->cap = (s->len + n) * 2 + 64;
        s->data = realloc(s->data, s->cap);
    }
    memcpy(s->data + s->len, p, n);
    s->len += n;
}

/* Handles one return code from ReceivedData/ProcessedData, looping over ProcessedData. */
static void consume(ssl_t *ssl, int32 rc, unsigned char *pt, uint32 ptlen, sink_t *s)
{
    for (;;) {
        if (rc == MATRIXSSL_APP_DATA) {
            sinkAdd(s, pt, ptlen);
        } else if (rc == MATRIXSSL_RECEIVED_ALERT) {
            if (s->nalerts < 8) {
                s->alerts[s->nalerts][0] = pt[0];
                s->alerts[s->nalerts][1] = pt[1];
                s->nalerts++;
            }
        } else {
            if (rc == MATRIXSSL_HANDSHAKE_COMPLETE) s->completes++;
            s->lastRc = rc;
            return;
        }
        rc = matrixSslProcessedData(ssl, &pt, &ptlen);
    }
}

/* Moves what `from` has queued into `to`, `chunk` bytes per read; `sendChunk` bytes per
   SentData (partial sends). */
static int32 pump(ssl_t *from, sink_t *fromSink, ssl_t *to, sink_t *toSink, uint32 chunk,
                  uint32 sendChunk)
{
    unsigned char *out, *in, *pt;
    uint32 ptlen;
    int32 n, sent = 0;
    unsigned char *copy;
    int32 total = matrixSslGetOutdata(from, &out);
    if (total <= 0) return 0;
    copy = malloc(total);
    memcpy(copy, out, total);
    while (sent < total) {
        int32 k = (int32)(total - sent) < (int32)sendChunk ? total - sent : (int32)sendChunk;
        int32 rc = matrixSslSentData(from, k);
        if (rc == MATRIXSSL_HANDSHAKE_COMPLETE) fromSink->completes++;
        sent += k;
    }
    sent = 0;
    while (sent < total) {
        int32 room = matrixSslGetReadbuf(to, &in);
        if (room <= 0) { free(copy); return -100; }
        n = total - sent;
        if ((uint32)n > chunk) n = chunk;
        if (n > room) n = room;
        memcpy(in, copy + sent, n);
        sent += n;
        {
            /* (the return value must be taken before pt/ptlen are read) */
            int32 rc = matrixSslReceivedData(to, n, &pt, &ptlen);
            consume(to, rc, pt, ptlen, toSink);
        }
    }
    free(copy);
    return total;
}

static int handshake(ssl_t *cli, sink_t *cs, ssl_t *srv, sink_t *ss, uint32 chunk)
{
    int i;
    for (i = 0; i < 10; i++) {
        pump(cli, cs, srv, ss, chunk, 100000);
        pump(srv, ss, cli, cs, chunk, 100000);
        if (matrixSslHandshakeIsComplete(cli) && matrixSslHandshakeIsComplete(srv) &&
                matrixSslGetOutdata(cli, NULL) == 0) {
            return 1;
        }
    }
    return 0;
}

static unsigned char pattern(uint32 i) { return (unsigned char)(i * 31 + 7); }

/* Sends `size` bytes through GetWritebuf/EncodeWritebuf (or EncodeToOutdata) and checks
   that the peer receives exactly them. */
static void transfer(ssl_t *from, sink_t *fs, ssl_t *to, sink_t *ts, uint32 size,
                     int useToOutdata, uint32 chunk, const char *what)
{
    uint32 off = 0, i;
    unsigned char *buf;
    ts->len = 0;
    do {
        uint32 part = size - off > 16384 ? 16384 : size - off;
        if (useToOutdata) {
            unsigned char tmp[16384];
            for (i = 0; i < part; i++) tmp[i] = pattern(off + i);
            CHECK(matrixSslEncodeToOutdata(from, tmp, part) > 0, "%s EncodeToOutdata", what);
        } else {
            int32 room = matrixSslGetWritebuf(from, &buf, part);
            CHECK(room >= (int32)part, "%s GetWritebuf %d < %u", what, room, part);
            for (i = 0; i < part; i++) buf[i] = pattern(off + i);
            CHECK(matrixSslEncodeWritebuf(from, part) > 0, "%s EncodeWritebuf", what);
        }
        off += part;
        pump(from, fs, to, ts, chunk, 1000);
    } while (off < size);
    CHECK(ts->len == size, "%s: received %u of %u", what, ts->len, size);
    for (i = 0; i < ts->len && i < size; i++) {
        if (ts->data[i] != pattern(i)) { CHECK(0, "%s: byte %u differs", what, i); break; }
    }
}


#endif /* PAIR_UTIL_H */
