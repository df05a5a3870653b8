/* Shared by bench/matrixssl_bench.c and bench/openssl_bench.c: suites, timing, output. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Counters kept by alloc_count.c. */
extern size_t bench_live, bench_peak;
extern unsigned long bench_nallocs;

typedef struct {
    /* Row name in every output line: the IANA suite name; TLS 1.3 suites do not fix the
       certificate type, so their rows add the chain ("+ECDSA-P256", "+RSA-2048"). */
    const char *iana;
    uint16_t id;        /* IANA code point */
    const char *ossl;   /* OpenSSL cipher string (TLS 1.2) or ciphersuites string (TLS 1.3) */
    int ec;             /* 1: ECDSA P-256 certificate chain, 0: RSA-2048 chain */
    int bulk;           /* 1: measure bulk throughput with this suite */
    int tls13;          /* 1: TLS 1.3 only (metrics prefixed "tls13_"), 0: TLS 1.2 only */
} bench_suite_t;

static const bench_suite_t BENCH_SUITES[] = {
    { "TLS_RSA_WITH_AES_128_CBC_SHA", 0x002f, "AES128-SHA", 0, 1, 0 },
    { "TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009c, "AES128-GCM-SHA256", 0, 0, 0 },
    { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xc02f, "ECDHE-RSA-AES128-GCM-SHA256", 0, 1, 0 },
    { "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xc02b, "ECDHE-ECDSA-AES128-GCM-SHA256", 1, 1,
      0 },
    { "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca9,
      "ECDHE-ECDSA-CHACHA20-POLY1305", 1, 1, 0 },
    /* TLS 1.3: bulk once (the record layer does not depend on the chain). */
    { "TLS_AES_128_GCM_SHA256+ECDSA-P256", 0x1301, "TLS_AES_128_GCM_SHA256", 1, 1, 1 },
    { "TLS_AES_128_GCM_SHA256+RSA-2048", 0x1301, "TLS_AES_128_GCM_SHA256", 0, 0, 1 },
};
#define BENCH_NSUITES (sizeof BENCH_SUITES / sizeof BENCH_SUITES[0])

/* Application data per record in the bulk test. */
#define BENCH_RECORD 16384
/* Established pairs held at once to measure idle memory. */
#define BENCH_IDLE_PAIRS 16

/* CPU time of the process (client and server run in this one thread). */
static inline double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct {
    const char *lib;
    double seconds;      /* CPU seconds per timed measurement */
    int smoke;           /* a handful of iterations, no timing claims */
    const char *only;    /* --only SUBSTR: run only suites whose IANA name contains it */
    const char *metric;  /* --metric NAME: run only that timed metric (profiling aid) */
    int passed, failed;  /* smoke checks */
    int skipped;         /* measurements the library cannot make yet (SKIP lines) */
} bench_ctx_t;

static inline void bench_result(const bench_ctx_t *b, const char *metric,
                                const bench_suite_t *s, double value)
{
    printf("RESULT lib=%s metric=%s%s suite=%s value=%.6g\n", b->lib, s->tls13 ? "tls13_" : "",
           metric, s->iana, value);
    fflush(stdout);
}

/* A measurement that was not made, with the reason (report.py shows it as n/a + note). */
static inline void bench_skip(bench_ctx_t *b, const char *metric, const bench_suite_t *s,
                              const char *why)
{
    b->skipped++;
    printf("SKIP lib=%s metric=%s%s suite=%s reason=%s\n", b->lib, s->tls13 ? "tls13_" : "",
           metric, s->iana, why);
    fflush(stdout);
}

/* The closing smoke line run.sh parses. */
static inline int bench_summary(const bench_ctx_t *b)
{
    if (b->skipped)
        printf("%s-bench: %d passed, %d failed, %d skipped\n", b->lib, b->passed, b->failed,
               b->skipped);
    else
        printf("%s-bench: %d passed, %d failed\n", b->lib, b->passed, b->failed);
    return b->failed ? 1 : 0;
}

static inline void bench_check(bench_ctx_t *b, int ok, const char *what, const char *suite)
{
    if (ok) {
        b->passed++;
    } else {
        b->failed++;
        printf("FAIL lib=%s %s suite=%s\n", b->lib, what, suite);
    }
}

/* Parses "FIXTURE_DIR [--smoke] [--seconds S] [--only SUBSTR] [--metric NAME]"; returns
   the fixture dir or NULL. */
static inline const char *bench_args(bench_ctx_t *b, int argc, char **argv)
{
    const char *dir = NULL;
    int i;
    b->seconds = 0.4;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--smoke")) {
            b->smoke = 1;
        } else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
            b->seconds = atof(argv[++i]);
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
            b->only = argv[++i];
        } else if (!strcmp(argv[i], "--metric") && i + 1 < argc) {
            b->metric = argv[++i];
        } else {
            dir = argv[i];
        }
    }
    return dir;
}

/* Whether a suite is selected by --only (profiling aid). */
static inline int bench_selected(const bench_ctx_t *b, const bench_suite_t *s)
{
    return !b->only || strstr(s->iana, b->only) != NULL;
}

/* Whether a timed metric (full_hs, resumed_hs, bulk) is selected by --metric. */
static inline int bench_metric(const bench_ctx_t *b, const char *metric)
{
    return !b->metric || !strcmp(b->metric, metric);
}

/* Iteration driver: call bench_more() after each iteration. */
typedef struct {
    double t0, elapsed;
    long n, min, max_smoke;
    const bench_ctx_t *b;
} bench_loop_t;

static inline void bench_loop_start(bench_loop_t *l, const bench_ctx_t *b, long min)
{
    l->b = b;
    l->n = 0;
    l->min = min;
    l->max_smoke = 3;
    l->elapsed = 0;
    l->t0 = bench_cpu();
}

static inline int bench_more(bench_loop_t *l)
{
    l->n++;
    if (l->b->smoke) return l->n < l->max_smoke;
    if (l->n < l->min || (l->n & 7)) return 1;
    l->elapsed = bench_cpu() - l->t0;
    return l->elapsed < l->b->seconds;
}

static inline double bench_rate(bench_loop_t *l)
{
    if (l->elapsed <= 0) l->elapsed = bench_cpu() - l->t0;
    return l->elapsed > 0 ? l->n / l->elapsed : 0;
}

#endif
