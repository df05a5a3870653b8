/*
 * Thread safety through the public C API: THREADS threads share one server sslKeys_t, one
 * client sslKeys_t and the process-wide session cache, and each runs many in-memory
 * client/server handshakes (full and resumed through its own sslSessionId_t) with data both
 * ways. Each session is used by one thread only, as ABI.md D16 requires.
 *
 * usage: threads FIXTURE_DIR [HANDSHAKES_PER_THREAD]   (fixtures: c-tests/make-test-pki.sh)
 *
 * Meant to run under a race detector as well as plainly, e.g.
 *   gcc -fsanitize=thread -g c-tests/threads.c ... && ./threads build/pki 40
 *   valgrind --tool=helgrind ./threads build/pki 4
 * Ends with "threads: N passed, M failed".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matrixssl/matrixsslApi.h"

#ifndef MATRIXSSL_RS_EXTENSIONS
int32 matrixSslIsResumed(ssl_t *ssl);
int32 matrixSslGetNegotiatedCipher(ssl_t *ssl);
#endif

#define THREADS 8
#define DEFAULT_HANDSHAKES 12

static sslKeys_t *srvKeys, *cliKeys;
static int handshakesPerThread = DEFAULT_HANDSHAKES;

/* Suites the threads ask for (0 = the default offer). */
static const uint16 threadSuites[THREADS] = {
    0, 0x002f, 0x0035, 0x003c, 0x009c, 0, 0x009d, 0x003d
};

typedef struct {
    int id;
    int passed, failed;
    int full, resumed;
    char firstError[200];
} worker_t;

static void check(worker_t *w, int cond, const char *what, int round, long val)
{
    if (cond) {
        w->passed++;
        return;
    }
    if (w->failed++ == 0) {
        snprintf(w->firstError, sizeof w->firstError, "thread %d round %d: %s (%ld)",
                 w->id, round, what, val);
    }
}

/* Per-direction receive state: plaintext collected and handshake completions seen. */
typedef struct {
    unsigned char data[256];
    uint32 len;
    int completes;
    int alerts;
    int error;
} sink_t;

static void consume(ssl_t *ssl, int32 rc, unsigned char *pt, uint32 ptlen, sink_t *s)
{
    int guard;
    for (guard = 0; guard < 10000; guard++) {
        if (rc == MATRIXSSL_APP_DATA) {
            if (s->len + ptlen <= sizeof s->data) {
                memcpy(s->data + s->len, pt, ptlen);
                s->len += ptlen;
            }
        } else if (rc == MATRIXSSL_RECEIVED_ALERT) {
            s->alerts++;
        } else {
            if (rc == MATRIXSSL_HANDSHAKE_COMPLETE) s->completes++;
            if (rc < 0) s->error = rc;
            return;
        }
        rc = matrixSslProcessedData(ssl, &pt, &ptlen);
    }
    s->error = -1000;
}

/* Moves everything `from` has queued into `to`. */
static void pump(ssl_t *from, sink_t *fromSink, ssl_t *to, sink_t *toSink)
{
    unsigned char *out, *in, *pt;
    uint32 ptlen;
    int32 total = matrixSslGetOutdata(from, &out), sent = 0, rc;
    unsigned char *copy;
    if (total <= 0) return;
    copy = malloc(total);
    if (copy == NULL) { toSink->error = -8; return; }
    memcpy(copy, out, total);
    rc = matrixSslSentData(from, total);
    if (rc == MATRIXSSL_HANDSHAKE_COMPLETE) fromSink->completes++;
    while (sent < total) {
        int32 room = matrixSslGetReadbuf(to, &in), n = total - sent;
        if (room <= 0) { toSink->error = room; break; }
        if (n > room) n = room;
        memcpy(in, copy + sent, n);
        sent += n;
        rc = matrixSslReceivedData(to, n, &pt, &ptlen);
        consume(to, rc, pt, ptlen, toSink);
        if (toSink->error) break;
    }
    free(copy);
}

static int runHandshake(ssl_t *cli, sink_t *cs, ssl_t *srv, sink_t *ss)
{
    int i;
    for (i = 0; i < 10; i++) {
        pump(cli, cs, srv, ss);
        pump(srv, ss, cli, cs);
        if (cs->error || ss->error) return 0;
        if (matrixSslHandshakeIsComplete(cli) && matrixSslHandshakeIsComplete(srv) &&
                matrixSslGetOutdata(cli, NULL) == 0) {
            return 1;
        }
    }
    return 0;
}

static void *worker(void *arg)
{
    worker_t *w = arg;
    sslSessionId_t sid;
    int round;
    uint16 suite = threadSuites[w->id % THREADS];
    matrixSslInitSessionId(sid);
    for (round = 0; round < handshakesPerThread; round++) {
        ssl_t *cli = NULL, *srv = NULL;
        sink_t cs, ss;
        char msg[64];
        int32 rc, n;
        int offeredResume;
        memset(&cs, 0, sizeof cs);
        memset(&ss, 0, sizeof ss);
        /* Every fourth connection starts over with a full handshake. */
        if (round % 4 == 0) {
            matrixSslInitSessionId(sid);
            memset(sid.id, 0, sizeof sid.id);
        }
        offeredResume = sid.cipherId != 0;
        rc = matrixSslNewClientSession(&cli, cliKeys, &sid, suite, NULL, NULL, NULL);
        check(w, rc == MATRIXSSL_REQUEST_SEND, "NewClientSession", round, rc);
        rc = matrixSslNewServerSession(&srv, srvKeys, NULL);
        check(w, rc == MATRIXSSL_SUCCESS, "NewServerSession", round, rc);
        if (cli == NULL || srv == NULL) {
            matrixSslDeleteSession(cli);
            matrixSslDeleteSession(srv);
            continue;
        }
        check(w, runHandshake(cli, &cs, srv, &ss), "handshake", round, cs.error ? cs.error : ss.error);
        check(w, cs.completes == 1 && ss.completes == 1, "completion reported once each", round,
              cs.completes * 10 + ss.completes);
        check(w, matrixSslIsResumed(cli) == matrixSslIsResumed(srv), "both agree on resumption",
              round, matrixSslIsResumed(cli));
        /* Another thread's full handshakes may have evicted our cache entry: a resumption
           offer can end in a full handshake, never the reverse. */
        check(w, offeredResume || !matrixSslIsResumed(cli), "resumed without an offer", round, 0);
        if (matrixSslIsResumed(cli)) w->resumed++; else w->full++;
        if (suite != 0) {
            check(w, matrixSslGetNegotiatedCipher(srv) == suite, "negotiated suite", round,
                  matrixSslGetNegotiatedCipher(srv));
        }
        check(w, sid.cipherId != 0, "session id recorded", round, sid.cipherId);

        /* Data both ways. */
        n = snprintf(msg, sizeof msg, "thread %d round %d", w->id, round);
        rc = matrixSslEncodeToOutdata(cli, (unsigned char *)msg, (uint32)n);
        check(w, rc > 0, "client EncodeToOutdata", round, rc);
        pump(cli, &cs, srv, &ss);
        check(w, ss.len == (uint32)n && memcmp(ss.data, msg, n) == 0, "server got the data",
              round, ss.len);
        {
            unsigned char *buf;
            int32 room = matrixSslGetWritebuf(srv, &buf, (uint32)n);
            check(w, room >= n, "server GetWritebuf", round, room);
            if (room >= n) {
                memcpy(buf, msg, n);
                rc = matrixSslEncodeWritebuf(srv, (uint32)n);
                check(w, rc > 0, "server EncodeWritebuf", round, rc);
            }
        }
        pump(srv, &ss, cli, &cs);
        check(w, cs.len == (uint32)n && memcmp(cs.data, msg, n) == 0, "client got the data",
              round, cs.len);

        /* Orderly close from the client. */
        check(w, matrixSslEncodeClosureAlert(cli) == 0, "closure alert", round, 0);
        pump(cli, &cs, srv, &ss);
        check(w, ss.alerts == 1, "server saw close_notify", round, ss.alerts);
        matrixSslDeleteSession(cli);
        matrixSslDeleteSession(srv);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t tids[THREADS];
    worker_t workers[THREADS];
    char cert[512], key[512], ca[512];
    int i, passed = 0, failed = 0, full = 0, resumed = 0;
    if (argc < 2 || argc > 3) {
        printf("usage: %s FIXTURE_DIR [HANDSHAKES_PER_THREAD]\n", argv[0]);
        return 2;
    }
    if (argc == 3) {
        handshakesPerThread = atoi(argv[2]);
        if (handshakesPerThread < 1 || handshakesPerThread > 100000) {
            printf("bad handshake count: %s\n", argv[2]);
            return 2;
        }
    }
    snprintf(cert, sizeof cert, "%s/server-chain.pem", argv[1]);
    snprintf(key, sizeof key, "%s/server.key", argv[1]);
    snprintf(ca, sizeof ca, "%s/ca.pem", argv[1]);
    if (matrixSslOpen() != PS_SUCCESS || matrixSslNewKeys(&srvKeys) != PS_SUCCESS ||
            matrixSslNewKeys(&cliKeys) != PS_SUCCESS ||
            matrixSslLoadRsaKeys(srvKeys, cert, key, NULL, NULL) != 0 ||
            matrixSslLoadRsaKeys(cliKeys, NULL, NULL, NULL, ca) != 0) {
        printf("setup failed (fixtures in %s?)\nthreads: 0 passed, 1 failed\n", argv[1]);
        return 1;
    }
    for (i = 0; i < THREADS; i++) {
        memset(&workers[i], 0, sizeof workers[i]);
        workers[i].id = i;
        if (pthread_create(&tids[i], NULL, worker, &workers[i]) != 0) {
            printf("pthread_create failed\nthreads: 0 passed, 1 failed\n");
            return 1;
        }
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(tids[i], NULL);
        passed += workers[i].passed;
        failed += workers[i].failed;
        full += workers[i].full;
        resumed += workers[i].resumed;
        if (workers[i].failed) {
            printf("FAIL %s (+%d more in this thread)\n", workers[i].firstError,
                   workers[i].failed - 1);
        }
    }
    /* With 8 threads sharing a 32-entry cache most resumption offers succeed. */
    if (handshakesPerThread >= 4) {
        if (resumed > 0) passed++; else { failed++; printf("FAIL no handshake was resumed\n"); }
    }
    matrixSslDeleteKeys(srvKeys);
    matrixSslDeleteKeys(cliKeys);
    matrixSslClose();
    printf("%d threads x %d handshakes: %d full, %d resumed\n", THREADS, handshakesPerThread,
           full, resumed);
    printf("threads: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
