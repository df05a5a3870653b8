/*
 * Statistical timing test of the server's secret-dependent checks, through the MatrixSSL
 * C API only (run by bench/run.sh, i.e. `make bench`; not part of `make test`):
 *
 *  (a) RSA key exchange (RFC 5246 §7.4.7.1): a server waiting for ClientKeyExchange gets
 *      a premaster secret that is well formed, has bad PKCS#1 padding, or carries the
 *      wrong version; all three must take the same time (a difference is a
 *      Bleichenbacher / Marvin oracle).
 *  (b) CBC records (Lucky 13): an established TLS 1.2 server gets a record that is valid (padding length 0), has a bad MAC under good padding,
 *      or has bad padding claiming length 255 (tampered in transit: a flipped bit in the
 *      IV changes the first plaintext block, a flipped byte in the second-to-last
 *      ciphertext block changes the padding length byte). The suite is
 *      TLS_PSK_WITH_AES_128_CBC_SHA: the same AES-128-CBC + HMAC-SHA1 record protection as
 *      TLS_RSA_WITH_AES_128_CBC_SHA, but a full handshake needs no public-key operation,
 *      so many more samples fit in the time (a fatal alert removes the session from the
 *      cache, so resumption cannot be used).
 *
 * Each sample is a fresh server session brought to the state under test outside the timed
 * region; only the one matrixSslReceivedData call on the crafted message is timed. Classes
 * are drawn at random per sample (interleaved, so drift hits them alike). Each pair of
 * classes is compared with Welch's t-test after cropping both at the pooled 90th
 * percentile (scheduling noise lives in the upper tail), as dudect does; |t| < 4.5 is
 * "no evidence of a difference".
 *
 * usage: timing_test FIXTURE_DIR [--seconds-cke S] [--seconds-cbc S]
 * Prints "TIMING test=NAME t=T verdict=no-difference|DIFFERENT" per comparison, INFO
 * lines with sample counts and medians, and one OUTCOME line (same form) comparing an
 * accepted with a rejected record, whose difference is public (see cbc_test). Exit status 1 if the harness itself failed (a
 * class not behaving as expected), not for a DIFFERENT verdict.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "matrixssl/matrixsslApi.h"

#include "timing_rsa.h"

#define SUITE 0x002f     /* TLS_RSA_WITH_AES_128_CBC_SHA */
#define PSK_SUITE 0x008c /* TLS_PSK_WITH_AES_128_CBC_SHA */
#define MAX_SAMPLES 400000
#define T_THRESHOLD 4.5

static sslKeys_t *srvKeys, *cliKeys, *pskKeys;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void fail(const char *what)
{
    fprintf(stderr, "timing_test: %s\n", what);
    printf("timing-test: harness failure: %s\n", what);
    exit(1);
}

/* ---- statistics ------------------------------------------------------------------ */

typedef struct {
    const char *name;
    double *v;
    size_t n;
} class_t;

static void add(class_t *c, double x)
{
    if (c->n < MAX_SAMPLES) c->v[c->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *sorted, size_t n, double p)
{
    return n ? sorted[(size_t)(p * (n - 1))] : 0;
}

static double median(const class_t *c)
{
    double *s = malloc(c->n * sizeof *s), m;
    memcpy(s, c->v, c->n * sizeof *s);
    qsort(s, c->n, sizeof *s, cmp_double);
    m = percentile(s, c->n, 0.5);
    free(s);
    return m;
}

/* Mean and variance of the samples at or below `cut`. */
static void moments(const class_t *c, double cut, double *mean, double *var, size_t *n)
{
    double s = 0, s2 = 0, m;
    size_t i, k = 0;
    for (i = 0; i < c->n; i++) {
        if (c->v[i] <= cut) {
            s += c->v[i];
            k++;
        }
    }
    m = k ? s / k : 0;
    for (i = 0; i < c->n; i++) {
        if (c->v[i] <= cut) s2 += (c->v[i] - m) * (c->v[i] - m);
    }
    *mean = m;
    *var = k > 1 ? s2 / (k - 1) : 0;
    *n = k;
}

static void compare_as(const char *test, const class_t *a, const class_t *b, const char *tag)
{
    size_t na, nb;
    double *pool = malloc((a->n + b->n) * sizeof *pool), cut, ma, va, mb, vb, t;
    memcpy(pool, a->v, a->n * sizeof *pool);
    memcpy(pool + a->n, b->v, b->n * sizeof *pool);
    qsort(pool, a->n + b->n, sizeof *pool, cmp_double);
    cut = percentile(pool, a->n + b->n, 0.90);
    free(pool);
    moments(a, cut, &ma, &va, &na);
    moments(b, cut, &mb, &vb, &nb);
    t = (na > 1 && nb > 1 && va + vb > 0) ? (ma - mb) / sqrt(va / na + vb / nb) : 0;
    printf("INFO timing test=%s a=%s n_a=%zu median_a_ns=%.0f b=%s n_b=%zu median_b_ns=%.0f "
           "cropped_mean_diff_ns=%.1f\n",
           test, a->name, a->n, median(a), b->name, b->n, median(b), ma - mb);
    printf("%s test=%s t=%.2f verdict=%s\n", tag, test, t,
           fabs(t) < T_THRESHOLD ? "no-difference" : "DIFFERENT");
    fflush(stdout);
}

static void compare(const char *test, const class_t *a, const class_t *b)
{
    compare_as(test, a, b, "TIMING");
}

/* ---- sessions -------------------------------------------------------------------- */

/* Marks everything `s` has queued as sent (its peer is not listening). */
static void discard_out(ssl_t *s)
{
    unsigned char *out;
    int32 n;
    while ((n = matrixSslGetOutdata(s, &out)) > 0) matrixSslSentData(s, n);
}

/* Moves `from`'s queued output into `to`. Returns the last ReceivedData code, or -100. */
static int32 xfer(ssl_t *from, ssl_t *to)
{
    unsigned char *out, *in, *pt;
    uint32 ptlen;
    int32 n, room, rc = MATRIXSSL_SUCCESS;
    while ((n = matrixSslGetOutdata(from, &out)) > 0) {
        room = matrixSslGetReadbuf(to, &in);
        if (room <= 0) return -100;
        if (n > room) n = room;
        memcpy(in, out, n);
        matrixSslSentData(from, n);
        rc = matrixSslReceivedData(to, n, &pt, &ptlen);
        while (rc == MATRIXSSL_APP_DATA || rc == MATRIXSSL_RECEIVED_ALERT) {
            if (rc == MATRIXSSL_RECEIVED_ALERT) return ptlen == 2 ? 1000 + pt[1] : -100;
            rc = matrixSslProcessedData(to, &pt, &ptlen);
        }
        if (rc < 0) return rc;
    }
    return rc;
}

static int handshake(ssl_t *cli, ssl_t *srv)
{
    int i;
    for (i = 0; i < 16; i++) {
        if (xfer(cli, srv) < 0 || xfer(srv, cli) < 0) return 0;
        if (matrixSslHandshakeIsComplete(cli) && matrixSslHandshakeIsComplete(srv) &&
                matrixSslGetOutdata(cli, NULL) == 0 && matrixSslGetOutdata(srv, NULL) == 0)
            return 1;
    }
    return 0;
}

/* Feeds `len` bytes to `srv` and returns the time of that ReceivedData call in ns; *rc gets
   its return code. */
static double timed_receive(ssl_t *srv, const unsigned char *msg, uint32 len, int32 *rc)
{
    unsigned char *in, *pt;
    uint32 ptlen;
    double t0, t1;
    if (matrixSslGetReadbuf(srv, &in) < (int32)len) fail("read buffer too small");
    memcpy(in, msg, len);
    t0 = now_ns();
    *rc = matrixSslReceivedData(srv, len, &pt, &ptlen);
    t1 = now_ns();
    return t1 - t0;
}

/* ---- (a) ClientKeyExchange ------------------------------------------------------- */

static void cke_test(double seconds)
{
    static const char *names[3] = { "cke_ok", "cke_bad_padding", "cke_bad_version" };
    class_t c[3];
    unsigned char msg[1100], *hello;
    double end = cpu_s() + seconds;
    int32 expect_rc = 0, n, rc;
    long iter = 0;
    int k;
    for (k = 0; k < 3; k++) {
        c[k].name = names[k];
        c[k].v = malloc(MAX_SAMPLES * sizeof(double));
        c[k].n = 0;
    }
    while (cpu_s() < end || iter < 30) {
        ssl_t *cli, *srv;
        unsigned char *in, *pt;
        uint32 ptlen;
        size_t ct;
        int kind = rand() % 3;
        if (matrixSslNewClientSession(&cli, cliKeys, NULL, SUITE, NULL, NULL, NULL) !=
                MATRIXSSL_REQUEST_SEND ||
                matrixSslNewServerSession(&srv, srvKeys, NULL) != MATRIXSSL_SUCCESS)
            fail("new session");
        /* ClientHello from a real client; the server answers up to ServerHelloDone and
           then waits for ClientKeyExchange. */
        n = matrixSslGetOutdata(cli, &hello);
        if (n < 11 || matrixSslGetReadbuf(srv, &in) < n) fail("client hello");
        memcpy(in, hello, n);
        rc = matrixSslReceivedData(srv, n, &pt, &ptlen);
        if (rc != MATRIXSSL_REQUEST_SEND) fail("server flight");
        discard_out(srv);
        /* record(22) ‖ handshake(16) ‖ uint16 length ‖ RSA ciphertext; the premaster
           version is the ClientHello's client_version (bytes 9-10 of its record). */
        ct = timing_rsa_premaster(kind, hello + 9, msg + 11);
        if (!ct) fail("rsa encryption");
        msg[0] = 22;
        msg[1] = hello[9];
        msg[2] = hello[10];
        msg[3] = (unsigned char)((ct + 6) >> 8);
        msg[4] = (unsigned char)(ct + 6);
        msg[5] = 16;
        msg[6] = 0;
        msg[7] = (unsigned char)((ct + 2) >> 8);
        msg[8] = (unsigned char)(ct + 2);
        msg[9] = (unsigned char)(ct >> 8);
        msg[10] = (unsigned char)ct;
        {
            double t = timed_receive(srv, msg, (uint32)(ct + 11), &rc);
            /* All three must look the same to the client: the server waits for its
               ChangeCipherSpec in every case (the failure surfaces only at Finished). */
            if (iter == 0) expect_rc = rc;
            if (rc != expect_rc || rc < 0) fail("ClientKeyExchange classes answered differently");
            if (iter >= 10) add(&c[kind], t); /* the first few warm caches */
        }
        matrixSslDeleteSession(cli);
        matrixSslDeleteSession(srv);
        iter++;
    }
    compare("cke_ok_vs_bad_padding", &c[0], &c[1]);
    compare("cke_ok_vs_bad_version", &c[0], &c[2]);
    compare("cke_bad_padding_vs_bad_version", &c[1], &c[2]);
    for (k = 0; k < 3; k++) free(c[k].v);
}

/* ---- (b) CBC records ------------------------------------------------------------- */

/* Plaintext lengths that leave padding length 0 and 15 under AES-CBC + HMAC-SHA1, in
   records of the same size: 1019 (or 1004) + 20 (MAC) + 1 + padding = 1040 bytes. */
#define CBC_PLAIN0 1019
#define CBC_PLAIN15 1004

enum { GOOD0, GOOD15, BADMAC0, BADMAC15, BADPAD255, CBC_CLASSES };

static void cbc_test(double seconds)
{
    static const char *names[CBC_CLASSES] = { "cbc_good_pad0", "cbc_good_pad15",
                                              "cbc_bad_mac_pad0", "cbc_bad_mac_pad15",
                                              "cbc_bad_pad255" };
    static unsigned char data[CBC_PLAIN0];
    class_t c[CBC_CLASSES];
    ssl_t *cli, *srv;
    double end;
    long iter = 0;
    int k;
    for (k = 0; k < CBC_CLASSES; k++) {
        c[k].name = names[k];
        c[k].v = malloc(MAX_SAMPLES * sizeof(double));
        c[k].n = 0;
    }
    memset(data, 0x5a, sizeof data);
    end = cpu_s() + seconds;
    while (cpu_s() < end || iter < 50) {
        unsigned char *rec;
        int32 n, rc, alert;
        int kind = rand() % CBC_CLASSES;
        int pad15 = kind == GOOD15 || kind == BADMAC15;
        double t;
        /* A new connection per sample: every tampered record ends its connection. */
        if (matrixSslNewClientSession(&cli, pskKeys, NULL, PSK_SUITE, NULL, NULL, NULL) !=
                MATRIXSSL_REQUEST_SEND ||
                matrixSslNewServerSession(&srv, pskKeys, NULL) != MATRIXSSL_SUCCESS ||
                !handshake(cli, srv) || matrixSslGetNegotiatedCipher(srv) != PSK_SUITE)
            fail("PSK handshake");
        if (matrixSslEncodeToOutdata(cli, data, pad15 ? CBC_PLAIN15 : CBC_PLAIN0) <= 0)
            fail("encode");
        n = matrixSslGetOutdata(cli, &rec);
        /* 5-byte header, 16-byte explicit IV, 1040 encrypted bytes. */
        if (n != 5 + 16 + 1040) fail("unexpected record size");
        if (kind == BADMAC0 || kind == BADMAC15) rec[5 + 3] ^= 0x01; /* IV bit: MAC fails */
        if (kind == BADPAD255) rec[n - 17] ^= 0xff; /* padding length 0 -> 255, bytes wrong */
        t = timed_receive(srv, rec, (uint32)n, &rc);
        matrixSslSentData(cli, n);
        if (kind == GOOD0 || kind == GOOD15) {
            if (rc != MATRIXSSL_APP_DATA) fail("valid record rejected");
        } else {
            /* Every failure: the same fatal bad_record_mac (20) alert, as the client sees
               it. */
            if (rc != MATRIXSSL_REQUEST_SEND) fail("tampered record not answered by an alert");
            alert = xfer(srv, cli);
            if (alert != 1000 + SSL_ALERT_BAD_RECORD_MAC) fail("alert is not bad_record_mac");
        }
        if (iter >= 50) add(&c[kind], t);
        matrixSslDeleteSession(cli);
        matrixSslDeleteSession(srv);
        iter++;
    }
    compare("cbc_good_pad0_vs_good_pad15", &c[GOOD0], &c[GOOD15]);
    compare("cbc_bad_mac_pad0_vs_bad_mac_pad15", &c[BADMAC0], &c[BADMAC15]);
    compare("cbc_bad_mac_pad0_vs_bad_pad255", &c[BADMAC0], &c[BADPAD255]);
    compare("cbc_bad_mac_pad15_vs_bad_pad255", &c[BADMAC15], &c[BADPAD255]);
    /* Accepted vs rejected: the failure path also encodes and encrypts the fatal alert,
       and the outcome is public anyway (the alert is on the wire). Reported for scale. */
    compare_as("cbc_good_vs_bad_mac", &c[GOOD0], &c[BADMAC0], "OUTCOME");
    for (k = 0; k < CBC_CLASSES; k++) free(c[k].v);
}

int main(int argc, char **argv)
{
    char f[3][600];
    double cke_s = 30, cbc_s = 20;
    int i;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FIXTURE_DIR [--seconds-cke S] [--seconds-cbc S]\n", argv[0]);
        return 2;
    }
    for (i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--seconds-cke")) cke_s = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--seconds-cbc")) cbc_s = atof(argv[i + 1]);
        else return 2;
    }
    srand((unsigned)time(NULL));
    if (matrixSslOpen() != PS_SUCCESS) fail("open");
    matrixSslNewKeys(&srvKeys);
    matrixSslNewKeys(&cliKeys);
    matrixSslNewKeys(&pskKeys);
    snprintf(f[0], sizeof f[0], "%s/server-chain.pem", argv[1]);
    snprintf(f[1], sizeof f[1], "%s/server.key", argv[1]);
    snprintf(f[2], sizeof f[2], "%s/ca.pem", argv[1]);
    if (matrixSslLoadRsaKeys(srvKeys, f[0], f[1], NULL, NULL) != 0 ||
            matrixSslLoadRsaKeys(cliKeys, NULL, NULL, NULL, f[2]) != 0)
        fail("keys");
    {
        static unsigned char psk[32] = { 0x11, 0x22, 0x33 }, id[] = "timing";
        if (matrixSslLoadPsk(pskKeys, psk, sizeof psk, id, sizeof id - 1) != 0) fail("psk");
    }
    snprintf(f[0], sizeof f[0], "%s/server.pem", argv[1]);
    if (!timing_rsa_load(f[0])) fail("server certificate");
    printf("INFO timing lib=matrixssl version=%s cke_suite=TLS_RSA_WITH_AES_128_CBC_SHA "
           "cbc_suite=TLS_PSK_WITH_AES_128_CBC_SHA threshold=%.1f crop=p90\n", MATRIXSSL_VERSION, T_THRESHOLD);
    cke_test(cke_s);
    cbc_test(cbc_s);
    matrixSslDeleteKeys(srvKeys);
    matrixSslDeleteKeys(cliKeys);
    matrixSslDeleteKeys(pskKeys);
    matrixSslClose();
    printf("timing-test: done\n");
    return 0;
}
