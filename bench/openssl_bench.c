/*
 * The same in-memory benchmark as matrixssl_bench.c, for OpenSSL's libssl: each pair of SSL
 * objects talks through a BIO pair (an in-memory ring buffer in each direction, no
 * sockets). Same certificates, suites (one offered per run), TLS 1.2 or (tls13 rows)
 * TLS 1.3, groups X25519 (chosen), P-256 and P-384 offered as our client does, peer
 * verification against the test CA, session-ID resumption in TLS 1.2 (tickets off), and
 * no encrypt-then-MAC (MatrixSSL does not negotiate it, so every library runs
 * MAC-then-encrypt CBC records, where OpenSSL uses its stitched AES-CBC-HMAC-SHA1).
 * TLS 1.3 resumes with one stateful ticket per handshake (SSL_OP_NO_TICKET makes OpenSSL's
 * 1.3 tickets references into its server cache, as ours are, ABI.md D28), the client
 * reading it after the handshake and offering the newest one.
 *
 * usage: openssl_bench FIXTURE_DIR [--smoke] [--seconds S] [--only SUBSTR]
 *        [--metric full_hs|resumed_hs|bulk|memory]  (--only, --metric: profiling aids)
 */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bench_util.h"

static bench_ctx_t B = { .lib = "openssl" };
static const char *fixtures;
static unsigned long long received;
/* Heap held by one BIO pair with both buffers in use: the harness's transport (our library
   and rustls have no such thing: the harness copies straight between their buffers), so it
   is subtracted from the memory figures, half per side. */
static size_t transport;
#define BIO_BUF (64 * 1024)

typedef struct {
    SSL_CTX *srv, *cli;
    int tls13;
} ctxs_t;

static SSL_CTX *context(const bench_suite_t *s, int server)
{
    char a[600], b[600];
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    int ok = ctx != NULL;
    if (!ok) return NULL;
    if (s->tls13) {
        ok &= SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
        ok &= SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
        ok &= SSL_CTX_set_ciphersuites(ctx, s->ossl);
        /* One ticket per handshake, as our server and the rustls harness issue. */
        if (server) ok &= SSL_CTX_set_num_tickets(ctx, 1);
    } else {
        ok &= SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        ok &= SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
        ok &= SSL_CTX_set_cipher_list(ctx, s->ossl);
    }
    ok &= SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384");
    /* Session-ID resumption in TLS 1.2 and stateful tickets in TLS 1.3, and
       MAC-then-encrypt CBC records as our library speaks. */
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_ENCRYPT_THEN_MAC);
    if (server) {
        snprintf(a, sizeof a, "%s/%s", fixtures,
                 s->ec ? "ec-server-chain.pem" : "server-chain.pem");
        snprintf(b, sizeof b, "%s/%s", fixtures, s->ec ? "ec-server.key" : "server.key");
        ok &= SSL_CTX_use_certificate_chain_file(ctx, a);
        ok &= SSL_CTX_use_PrivateKey_file(ctx, b, SSL_FILETYPE_PEM);
        ok &= SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"bench", 5);
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    } else {
        snprintf(a, sizeof a, "%s/%s", fixtures, s->ec ? "ec-ca.pem" : "ca.pem");
        ok &= SSL_CTX_load_verify_locations(ctx, a, NULL);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    if (!ok) {
        ERR_print_errors_fp(stdout);
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* Moves pending ciphertext both ways until both handshakes are done. */
static int handshake(SSL *cli, SSL *srv)
{
    int i, rc, done_c = 0, done_s = 0;
    for (i = 0; i < 32 && !(done_c && done_s); i++) {
        if (!done_c) {
            rc = SSL_do_handshake(cli);
            if (rc == 1) done_c = 1;
            else if (SSL_get_error(cli, rc) != SSL_ERROR_WANT_READ) return 0;
        }
        if (!done_s) {
            rc = SSL_do_handshake(srv);
            if (rc == 1) done_s = 1;
            else if (SSL_get_error(srv, rc) != SSL_ERROR_WANT_READ) return 0;
        }
    }
    return done_c && done_s;
}

static int pair(const ctxs_t *x, SSL_SESSION *sess, SSL **cli, SSL **srv)
{
    BIO *bc, *bs;
    *cli = SSL_new(x->cli);
    *srv = SSL_new(x->srv);
    if (!*cli || !*srv || !BIO_new_bio_pair(&bc, BIO_BUF, &bs, BIO_BUF)) return 0;
    SSL_set_bio(*cli, bc, bc);
    SSL_set_bio(*srv, bs, bs);
    SSL_set_connect_state(*cli);
    SSL_set_accept_state(*srv);
    if (sess && !SSL_set_session(*cli, sess)) return 0;
    if (!handshake(*cli, *srv)) {
        ERR_print_errors_fp(stdout);
        return 0;
    }
    /* TLS 1.3: the server's NewSessionTicket follows the handshake; the client takes it in
       its next read, as the other two harnesses' clients do before a pair counts as done. */
    if (x->tls13) {
        unsigned char byte;
        int rc = SSL_read(*cli, &byte, 1);
        if (rc > 0 || SSL_get_error(*cli, rc) != SSL_ERROR_WANT_READ) return 0;
    }
    return 1;
}

/* The pair ran the row's suite at the row's version, over X25519 where the suite uses
   ECDHE. */
static int negotiated(const bench_suite_t *s, SSL *cli, SSL *srv)
{
    int version = s->tls13 ? TLS1_3_VERSION : TLS1_2_VERSION;
    return SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(srv)) == s->id &&
           SSL_version(cli) == version && SSL_version(srv) == version &&
           ((s->id < 0xc000 && !s->tls13) || SSL_get_negotiated_group(srv) == NID_X25519);
}

/* Frees a connection as an application does after a clean close: without the shutdown
   flags OpenSSL would evict the session from the cache (no resumption). */
static void release(SSL *ssl)
{
    if (!ssl) return;
    SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(ssl);
}

static void drop(SSL *cli, SSL *srv)
{
    release(cli);
    release(srv);
}

static void memory(const ctxs_t *x, const bench_suite_t *s)
{
    SSL *c[BENCH_IDLE_PAIRS], *v[BENCH_IDLE_PAIRS];
    size_t base, held, after_clients;
    int i, ok = 1;
    /* Warm-up handshake first (one-time lazy initialisation is not per-session memory). */
    ok &= pair(x, NULL, &c[0], &v[0]);
    drop(c[0], v[0]);
    base = bench_live;
    bench_peak = bench_live;
    ok &= pair(x, NULL, &c[0], &v[0]);
    bench_result(&B, "heap_peak", s, (double)(bench_peak - base - transport));
    drop(c[0], v[0]);
    base = bench_live;
    for (i = 0; i < BENCH_IDLE_PAIRS; i++) ok &= pair(x, NULL, &c[i], &v[i]);
    held = bench_live - base;
    for (i = 0; i < BENCH_IDLE_PAIRS; i++) release(c[i]);
    after_clients = bench_live;
    for (i = 0; i < BENCH_IDLE_PAIRS; i++) release(v[i]);
    bench_result(&B, "heap_idle", s, (double)held / BENCH_IDLE_PAIRS - transport);
    bench_result(&B, "heap_idle_client", s,
                 (double)(base + held - after_clients) / BENCH_IDLE_PAIRS - transport / 2.0);
    bench_result(&B, "heap_idle_server", s,
                 (double)(after_clients - base) / BENCH_IDLE_PAIRS - transport / 2.0);
    bench_check(&B, ok, "memory pairs", s->iana);
}

static void full(const ctxs_t *x, const bench_suite_t *s)
{
    bench_loop_t l;
    SSL *c, *v;
    int ok = 1;
    unsigned long allocs = bench_nallocs;
    bench_loop_start(&l, &B, 8);
    do {
        ok &= pair(x, NULL, &c, &v);
        ok &= c && v && !SSL_session_reused(c) && negotiated(s, c, v);
        drop(c, v);
    } while (ok && bench_more(&l));
    bench_check(&B, ok, "full handshakes", s->iana);
    allocs = bench_nallocs - allocs;
    if (ok) {
        bench_result(&B, "full_hs", s, bench_rate(&l));
        bench_result(&B, "hs_allocs", s, (double)allocs / l.n);
    }
}

static void resumed(const ctxs_t *x, const bench_suite_t *s)
{
    bench_loop_t l;
    SSL_SESSION *sess = NULL;
    SSL *c, *v;
    int ok = pair(x, NULL, &c, &v);
    if (ok) sess = SSL_get1_session(c);
    drop(c, v);
    ok &= sess != NULL;
    bench_loop_start(&l, &B, 8);
    while (ok) {
        ok &= pair(x, sess, &c, &v);
        ok &= c && v && SSL_session_reused(c) && SSL_session_reused(v) && negotiated(s, c, v);
        /* TLS 1.3 tickets are single-use: the next handshake offers this one's ticket. */
        if (ok && x->tls13) {
            SSL_SESSION_free(sess);
            sess = SSL_get1_session(c);
            ok &= sess != NULL;
        }
        drop(c, v);
        if (!bench_more(&l)) break;
    }
    SSL_SESSION_free(sess);
    bench_check(&B, ok, "resumed handshakes", s->iana);
    if (ok) bench_result(&B, "resumed_hs", s, bench_rate(&l));
}

/* One record client -> server; the server reads it all. */
static int send_record(SSL *c, SSL *v, const unsigned char *data, unsigned char *sink)
{
    int got = 0, n;
    if (SSL_write(c, data, BENCH_RECORD) != BENCH_RECORD) return 0;
    while (got < BENCH_RECORD) {
        n = SSL_read(v, sink, BENCH_RECORD);
        if (n <= 0) return 0;
        got += n;
    }
    received += got;
    return 1;
}

static void bulk(const ctxs_t *x, const bench_suite_t *s)
{
    static unsigned char data[BENCH_RECORD], sink[BENCH_RECORD];
    bench_loop_t l;
    SSL *c, *v;
    unsigned long allocs;
    int ok, warm;
    memset(data, 0xa5, sizeof data);
    ok = pair(x, NULL, &c, &v);
    for (warm = 0; ok && warm < 4; warm++) ok &= send_record(c, v, data, sink);
    received = 0;
    allocs = bench_nallocs;
    bench_loop_start(&l, &B, 64);
    while (ok) {
        ok &= send_record(c, v, data, sink);
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

static size_t measure_transport(void)
{
    BIO *a, *b;
    char byte = 0;
    size_t base = bench_live, used;
    if (!BIO_new_bio_pair(&a, BIO_BUF, &b, BIO_BUF)) return 0;
    BIO_write(a, &byte, 1);
    BIO_write(b, &byte, 1);
    used = bench_live - base;
    BIO_free(a);
    BIO_free(b);
    return used;
}

int main(int argc, char **argv)
{
    ctxs_t x[BENCH_NSUITES];
    unsigned i;
    fixtures = bench_args(&B, argc, argv);
    if (!fixtures) {
        fprintf(stderr, "usage: %s FIXTURE_DIR [--smoke] [--seconds S] [--only SUBSTR]"
                " [--metric M]\n", argv[0]);
        return 2;
    }
    OPENSSL_init_ssl(0, NULL);
    for (i = 0; i < BENCH_NSUITES; i++) {
        x[i].srv = context(&BENCH_SUITES[i], 1);
        x[i].cli = context(&BENCH_SUITES[i], 0);
        x[i].tls13 = BENCH_SUITES[i].tls13;
        bench_check(&B, x[i].srv && x[i].cli, "contexts", BENCH_SUITES[i].iana);
    }
    if (B.failed) return 1;
    printf("INFO lib=openssl version=%s\n", OpenSSL_version(OPENSSL_VERSION));
    transport = measure_transport();
    printf("INFO lib=openssl bio_pair_bytes=%zu\n", transport);
    for (i = 0; i < BENCH_NSUITES; i++) {
        if (bench_selected(&B, &BENCH_SUITES[i]) && bench_metric(&B, "memory"))
            memory(&x[i], &BENCH_SUITES[i]);
    }
    for (i = 0; i < BENCH_NSUITES; i++) {
        if (!bench_selected(&B, &BENCH_SUITES[i])) continue;
        if (bench_metric(&B, "full_hs")) full(&x[i], &BENCH_SUITES[i]);
        if (bench_metric(&B, "resumed_hs")) resumed(&x[i], &BENCH_SUITES[i]);
        if (BENCH_SUITES[i].bulk && bench_metric(&B, "bulk")) bulk(&x[i], &BENCH_SUITES[i]);
    }
    for (i = 0; i < BENCH_NSUITES; i++) {
        SSL_CTX_free(x[i].srv);
        SSL_CTX_free(x[i].cli);
    }
    return bench_summary(&B);
}
