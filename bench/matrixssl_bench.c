/*
 * In-memory client/server benchmark of matrixssl-rs through its MatrixSSL C API only (no
 * sockets: records are copied from one session's output buffer into the peer's input
 * buffer, as an application would after send/recv). See bench/run.sh.
 *
 * usage: matrixssl_bench FIXTURE_DIR [--smoke] [--seconds S] [--only SUBSTR]
 *        [--metric full_hs|resumed_hs|bulk|memory]  (--only, --metric: profiling aids)
 * Prints "RESULT lib=matrixssl metric=... suite=... value=..." lines (TLS 1.3 rows: metric
 * tls13_*), "SKIP ..." for a measurement this build cannot make (TLS 1.3 resumption before
 * it exists); with --smoke a few iterations of everything and a closing
 * "matrixssl-bench: N passed, M failed[, K skipped]".
 */
#include "matrixssl/matrixsslApi.h"

#include "bench_util.h"

static bench_ctx_t B = { .lib = "matrixssl" };
static sslKeys_t *srvRsa, *srvEc, *cliRsa, *cliEc;
static unsigned long long received; /* application bytes delivered to the server */

/* Moves everything `from` has queued into `to`, one read buffer at a time. Returns bytes
   moved, or -1 on any error. */
static long xfer(ssl_t *from, ssl_t *to)
{
    unsigned char *out, *in, *pt;
    uint32 ptlen;
    int32 n, room, rc;
    long moved = 0;
    while ((n = matrixSslGetOutdata(from, &out)) > 0) {
        room = matrixSslGetReadbuf(to, &in);
        if (room <= 0) return -1;
        if (n > room) n = room;
        memcpy(in, out, n);
        if (matrixSslSentData(from, n) < 0) return -1;
        rc = matrixSslReceivedData(to, n, &pt, &ptlen);
        while (rc == MATRIXSSL_APP_DATA || rc == MATRIXSSL_RECEIVED_ALERT) {
            if (rc == MATRIXSSL_APP_DATA) received += ptlen;
            rc = matrixSslProcessedData(to, &pt, &ptlen);
        }
        if (rc < 0) return -1;
        moved += n;
    }
    return n < 0 ? -1 : moved;
}

static int handshake(ssl_t *cli, ssl_t *srv)
{
    int i;
    for (i = 0; i < 16; i++) {
        long a = xfer(cli, srv), b = xfer(srv, cli);
        if (a < 0 || b < 0) return 0;
        if (matrixSslHandshakeIsComplete(cli) && matrixSslHandshakeIsComplete(srv) &&
                matrixSslGetOutdata(cli, NULL) == 0 && matrixSslGetOutdata(srv, NULL) == 0)
            return 1;
        if (a == 0 && b == 0) return 0;
    }
    return 0;
}

/* A connected pair; `sid` (may be NULL) resumes. Returns 1 on success. */
static int pair(const bench_suite_t *s, sslSessionId_t *sid, ssl_t **cli, ssl_t **srv)
{
    *cli = *srv = NULL;
    if (matrixSslNewClientSession(cli, s->ec ? cliEc : cliRsa, sid, s->id, NULL, NULL, NULL) !=
            MATRIXSSL_REQUEST_SEND)
        return 0;
    if (matrixSslNewServerSession(srv, s->ec ? srvEc : srvRsa, NULL) != MATRIXSSL_SUCCESS)
        return 0;
    return handshake(*cli, *srv);
}

static void drop(ssl_t *cli, ssl_t *srv)
{
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
}

/* Each row runs at its own version, pinned for sessions created afterwards (both roles):
   TLS 1.2 rows keep measuring TLS 1.2 whatever the library's default cap is. */
static int pin_version(const bench_suite_t *s)
{
    return matrixSslSetMaxProtocolVersion(s->tls13 ? 0x0304 : 0x0303) == PS_SUCCESS;
}

/* The pair ran the row's suite at the row's version. */
static int negotiated(const bench_suite_t *s, ssl_t *cli, ssl_t *srv)
{
    int32 version = s->tls13 ? 0x0304 : 0x0303;
    return matrixSslGetNegotiatedCipher(srv) == s->id &&
           matrixSslGetNegotiatedCipher(cli) == s->id &&
           matrixSslGetNegotiatedVersion(srv) == version &&
           matrixSslGetNegotiatedVersion(cli) == version;
}

static void memory(const bench_suite_t *s)
{
    ssl_t *c[BENCH_IDLE_PAIRS], *v[BENCH_IDLE_PAIRS];
    size_t base, held, after_clients;
    int i, ok = 1;
    /* One warm-up handshake first: one-time lazy initialisation (per-key caches, RNG
       state) is not per-session memory. Then the peak during one full handshake, both
       sides, above what was live before. */
    ok &= pair(s, NULL, &c[0], &v[0]);
    drop(c[0], v[0]);
    base = bench_live;
    bench_peak = bench_live;
    ok &= pair(s, NULL, &c[0], &v[0]);
    bench_result(&B, "heap_peak", s, (double)(bench_peak - base));
    drop(c[0], v[0]);
    /* Held by established idle sessions. */
    base = bench_live;
    for (i = 0; i < BENCH_IDLE_PAIRS; i++) ok &= pair(s, NULL, &c[i], &v[i]);
    held = bench_live - base;
    for (i = 0; i < BENCH_IDLE_PAIRS; i++) matrixSslDeleteSession(c[i]);
    after_clients = bench_live;
    for (i = 0; i < BENCH_IDLE_PAIRS; i++) matrixSslDeleteSession(v[i]);
    bench_result(&B, "heap_idle", s, (double)held / BENCH_IDLE_PAIRS);
    bench_result(&B, "heap_idle_client", s,
                 (double)(base + held - after_clients) / BENCH_IDLE_PAIRS);
    bench_result(&B, "heap_idle_server", s,
                 (double)(after_clients - base) / BENCH_IDLE_PAIRS);
    bench_check(&B, ok, "memory pairs", s->iana);
}

static void full(const bench_suite_t *s)
{
    bench_loop_t l;
    ssl_t *c, *v;
    int ok = 1;
    unsigned long allocs = bench_nallocs;
    bench_loop_start(&l, &B, 8);
    do {
        ok &= pair(s, NULL, &c, &v);
        ok &= negotiated(s, c, v) && !matrixSslIsResumed(c) && !matrixSslIsResumed(v);
        drop(c, v);
    } while (ok && bench_more(&l));
    bench_check(&B, ok, "full handshakes", s->iana);
    allocs = bench_nallocs - allocs;
    if (ok) {
        bench_result(&B, "full_hs", s, bench_rate(&l));
        bench_result(&B, "hs_allocs", s, (double)allocs / l.n);
    }
}

/* Resumption with the application's sslSessionId_t record: a session ID in TLS 1.2, the
   client's handle on a single-use ticket in TLS 1.3 (ABI.md D28; each resumed handshake
   brings the next ticket). */
static void resumed(const bench_suite_t *s)
{
    bench_loop_t l;
    sslSessionId_t sid;
    ssl_t *c, *v;
    int ok, first;
    matrixSslInitSessionId(sid);
    ok = pair(s, &sid, &c, &v);
    drop(c, v);
    /* Only resumed handshakes are timed: if the first attempt was a full handshake, this
       build cannot resume at this version, which is reported rather than timed. */
    first = ok && pair(s, &sid, &c, &v);
    if (first && (matrixSslIsResumed(c) != 1 || matrixSslIsResumed(v) != 1)) {
        drop(c, v);
        bench_skip(&B, "resumed_hs", s, "offering-the-sslSessionId_t-gave-a-full-handshake");
        return;
    }
    if (first) drop(c, v);
    ok &= first;
    bench_loop_start(&l, &B, 8);
    while (ok) {
        ok &= pair(s, &sid, &c, &v);
        ok &= negotiated(s, c, v) && matrixSslIsResumed(c) == 1 && matrixSslIsResumed(v) == 1;
        drop(c, v);
        if (!bench_more(&l)) break;
    }
    bench_check(&B, ok, "resumed handshakes", s->iana);
    if (ok) bench_result(&B, "resumed_hs", s, bench_rate(&l));
}

static void bulk(const bench_suite_t *s)
{
    static unsigned char data[BENCH_RECORD];
    bench_loop_t l;
    ssl_t *c, *v;
    unsigned long allocs;
    int ok, warm;
    memset(data, 0xa5, sizeof data);
    ok = pair(s, NULL, &c, &v);
    /* Warm-up records let buffers reach their steady size before allocations are counted. */
    for (warm = 0; ok && warm < 4; warm++) {
        ok &= matrixSslEncodeToOutdata(c, data, BENCH_RECORD) > 0 && xfer(c, v) > 0;
    }
    received = 0;
    allocs = bench_nallocs;
    bench_loop_start(&l, &B, 64);
    while (ok) {
        ok &= matrixSslEncodeToOutdata(c, data, BENCH_RECORD) > 0 && xfer(c, v) > 0;
        if (!bench_more(&l)) break;
    }
    allocs = bench_nallocs - allocs;
    ok &= received == (unsigned long long)l.n * BENCH_RECORD;
    bench_check(&B, ok, "bulk transfer", s->iana);
    if (ok) {
        bench_result(&B, "bulk", s, bench_rate(&l) * BENCH_RECORD / 1e6);
        bench_result(&B, "bulk_allocs_per_record", s, (double)allocs / l.n);
    }
    drop(c, v);
}

int main(int argc, char **argv)
{
    char f[4][600];
    const char *dir = bench_args(&B, argc, argv);
    unsigned i;
    if (!dir) {
        fprintf(stderr, "usage: %s FIXTURE_DIR [--smoke] [--seconds S] [--only SUBSTR]"
                " [--metric M]\n", argv[0]);
        return 2;
    }
    if (matrixSslOpen() != PS_SUCCESS) return 1;
    matrixSslNewKeys(&srvRsa);
    matrixSslNewKeys(&srvEc);
    matrixSslNewKeys(&cliRsa);
    matrixSslNewKeys(&cliEc);
    snprintf(f[0], sizeof f[0], "%s/server-chain.pem", dir);
    snprintf(f[1], sizeof f[1], "%s/server.key", dir);
    snprintf(f[2], sizeof f[2], "%s/ca.pem", dir);
    bench_check(&B, matrixSslLoadRsaKeys(srvRsa, f[0], f[1], NULL, NULL) == 0, "rsa keys", "-");
    bench_check(&B, matrixSslLoadRsaKeys(cliRsa, NULL, NULL, NULL, f[2]) == 0, "rsa ca", "-");
    snprintf(f[0], sizeof f[0], "%s/ec-server-chain.pem", dir);
    snprintf(f[1], sizeof f[1], "%s/ec-server.key", dir);
    snprintf(f[2], sizeof f[2], "%s/ec-ca.pem", dir);
    bench_check(&B, matrixSslLoadEcKeys(srvEc, f[0], f[1], NULL, NULL) == 0, "ec keys", "-");
    bench_check(&B, matrixSslLoadEcKeys(cliEc, NULL, NULL, NULL, f[2]) == 0, "ec ca", "-");
    if (B.failed) return 1;
    printf("INFO lib=matrixssl version=%s\n", MATRIXSSL_VERSION);
    /* Memory first, while every library's session cache is equally small. */
    for (i = 0; i < BENCH_NSUITES; i++) {
        if (bench_selected(&B, &BENCH_SUITES[i]) && bench_metric(&B, "memory")) {
            bench_check(&B, pin_version(&BENCH_SUITES[i]), "version", BENCH_SUITES[i].iana);
            memory(&BENCH_SUITES[i]);
        }
    }
    for (i = 0; i < BENCH_NSUITES; i++) {
        if (!bench_selected(&B, &BENCH_SUITES[i])) continue;
        bench_check(&B, pin_version(&BENCH_SUITES[i]), "version", BENCH_SUITES[i].iana);
        if (bench_metric(&B, "full_hs")) full(&BENCH_SUITES[i]);
        if (bench_metric(&B, "resumed_hs")) resumed(&BENCH_SUITES[i]);
        if (BENCH_SUITES[i].bulk && bench_metric(&B, "bulk")) bulk(&BENCH_SUITES[i]);
    }
    matrixSslDeleteKeys(srvRsa);
    matrixSslDeleteKeys(srvEc);
    matrixSslDeleteKeys(cliRsa);
    matrixSslDeleteKeys(cliEc);
    matrixSslClose();
    return bench_summary(&B);
}
