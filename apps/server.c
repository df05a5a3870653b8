/*
 * Example HTTPS server on the MatrixSSL API: non-blocking sockets, poll(), many concurrent
 * connections, and the documented buffer protocol:
 *
 *   receive: matrixSslGetReadbuf -> recv -> matrixSslReceivedData, then for APP_DATA /
 *            RECEIVED_ALERT consume the plaintext and call matrixSslProcessedData until it
 *            returns 0 (or asks for more data / to send);
 *   send:    matrixSslGetOutdata -> send -> matrixSslSentData (partial sends are normal);
 *   encode:  matrixSslGetWritebuf -> write plaintext in place -> matrixSslEncodeWritebuf;
 *   close:   matrixSslEncodeClosureAlert, flush, close when SentData says REQUEST_CLOSE.
 *
 * HTTP: "GET /N" answers N deterministic bytes (byte i = (i*31+7) & 0xff), "GET /" a small
 * page, "POST /echo" with a Content-Length echoes the body as it arrives. Every response is
 * followed by close_notify and the connection is closed (Connection: close).
 *
 * With -R 0|1 the server renegotiates (HelloRequest; 0 = resumed, 1 = full handshake) after
 * reading a GET request and answers once that rehandshake has completed (or right away if the
 * client refuses it with a no_renegotiation warning). On a TLS 1.3 connection the same call sends
 * a KeyUpdate (ABI.md D29): the server prints "keyupdate version=.. suite=.." and answers at once;
 * with -A and a client that offered post_handshake_auth it is a post-handshake client
 * authentication, answered once it completed (like a renegotiation).
 *
 * Identities: -c/-k loads an RSA certificate and key (matrixSslLoadRsaKeys), -e/-E an ECDSA
 * one (matrixSslLoadEcKeys); both may be given, and the same key container then serves
 * ECDHE_RSA/RSA suites with the first and ECDHE_ECDSA suites with the second. -P is the
 * password of encrypted PEM keys (the privPass argument). -p12 file -W pass loads an identity
 * from PKCS#12 (matrixSslLoadPkcs12) instead. -D loads DH parameters for the DHE suites
 * (matrixSslLoadDhParams; without it the library uses RFC 7919 ffdhe2048). -K hexkey
 * -I identity (repeatable, paired in order) load pre-shared keys (matrixSslLoadPsk) for the
 * PSK and DHE_PSK suites; a PSK-only server needs no certificate.
 *
 * Every completed handshake prints "handshake version=.. suite=.. resumed=..", every completed
 * rehandshake (ours or the client's) the same line prefixed with "re".
 *
 * Usage: server [-p port] [-b addr] [-c cert.pem -k key.pem] [-e eccert.pem -E eckey.pem]
 *               [-P keypass] [-p12 file.p12 -W pass] [-D dhparams.pem]
 *               [-K hexkey -I identity]... [-a ca.pem] [-A] [-s suite] [-V version]
 *               [-n max_connections] [-t idle_seconds] [-R 0|1] [-q]
 */
#include "common.h"

#define MAX_CONNS 1000
#define LINGER_MS 2000

enum req_state {
    REQ_HEADERS,   /* collecting the request header block */
    REQ_BODY,      /* echoing a POST body as it arrives */
    REQ_WAIT_REHS, /* GET parsed; waiting for our rehandshake to complete (-R) */
    RESP_GEN,      /* generating a GET /N body (paced by pending output) */
    RESP_DONE,     /* response encoded and close_notify queued */
};

enum conn_state {
    CS_ACTIVE,     /* TLS in progress */
    CS_LINGER,     /* everything sent, write side shut down, draining input until EOF */
    CS_DEAD,       /* to be freed */
};

typedef struct {
    int fd;
    ssl_t *ssl;
    unsigned long id;
    enum conn_state state;
    enum req_state req;
    int hs_done;
    int rehs_pending;       /* our HelloRequest is out, rehandshake not complete */
    int rehs_done;
    char deferred_version[16]; /* GET waiting for the rehandshake */
    uint64_t deferred_n;
    int deferred_head;
    int peer_closed;        /* close_notify or EOF seen */
    char hdr[APP_MAX_HEADER + 1];
    size_t hdr_len;
    uint64_t echo_remaining;
    uint64_t gen_total;
    uint64_t gen_done;
    int64_t deadline;       /* idle deadline (ms, monotonic) */
} conn_t;

static struct {
    int quiet;
    int idle_ms;
    sslKeys_t *keys;
    int client_auth;
    int rehandshake;        /* -R: -1 none, 0 resumed, 1 full */
} g;

static volatile sig_atomic_t g_stop = 0;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void usage(void)
{
    fprintf(stderr,
        "usage: server [-p port] [-b addr] [-c certfile -k keyfile] [-e eccert -E eckey]\n"
        "              [-P keypass] [-p12 file.p12 -W pass] [-D dhparams.pem]\n"
        "              [-K hexkey -I identity]... [-a cafile] [-A] [-s suiteid]\n"
        "              [-V version] [-n max_connections] [-t idle_seconds] [-R 0|1] [-q]\n"
        "  -p port   TCP port (0 = pick a free port; prints 'listening on PORT')\n"
        "  -b addr   bind address (default 127.0.0.1)\n"
        "  -c/-k     RSA certificate (chain) and private key (PEM)\n"
        "  -e/-E     ECDSA certificate (chain) and private key (PEM)\n"
        "  -P pass   password of the encrypted PEM private key(s) (privPass)\n"
        "  -p12 f    identity (key and chain) from a PKCS#12 file (matrixSslLoadPkcs12)\n"
        "  -W pass   password of the PKCS#12 file (import and MAC)\n"
        "  -D file   DH parameters, PEM (default: the library's RFC 7919 ffdhe2048)\n"
        "  -K hex    pre-shared key (1..64 bytes in hex); repeatable, paired in order with -I\n"
        "  -I id     PSK identity (1..128 bytes)\n"
        "            at least one of -c/-k, -e/-E, -p12 or -K/-I; PSK alone needs no certificate\n"
        "  -a file   trusted CA certificates (PEM) for client authentication\n"
        "  -A        request a client certificate (needs -a)\n"
        "  -s id     enable only this cipher suite (hex 0x.. or decimal)\n"
        "  -V ver    highest protocol version: 0x0301 to 0x0304 (default: the library's, TLS 1.3)\n"
        "  -n N      exit after N connections have been served (0 = forever)\n"
        "  -t secs   idle timeout per connection (default 30)\n"
        "  -R 0|1    renegotiate before answering a GET (0 resumed, 1 full handshake)\n"
        "  -q        quiet: no per-connection lines\n");
}

static void logc(conn_t *c, const char *fmt, const char *detail, long val)
{
    if (g.quiet) {
        return;
    }
    printf("conn %lu: ", c->id);
    printf(fmt, detail, val);
    printf("\n");
    fflush(stdout);
}

static void errc(conn_t *c, const char *what, long val)
{
    fprintf(stderr, "conn %lu: %s (%ld)\n", c->id, what, val);
}

static int32 server_cert_cb(ssl_t *ssl, psX509Cert_t *cert, int32 alert)
{
    (void)ssl;
    (void)cert;
    if (alert != 0) {
        fprintf(stderr, "client certificate rejected: alert %d\n", (int)alert);
        return alert;
    }
    return 0;
}

static int32 pending_out(conn_t *c)
{
    unsigned char *p = NULL;
    int32 n = matrixSslGetOutdata(c->ssl, &p);
    return n < 0 ? 0 : n;
}

static void mark_dead(conn_t *c)
{
    c->state = CS_DEAD;
}

static int start_get(conn_t *c, const char *version, uint64_t n, int head_only);

/* Handshake (or our rehandshake) completed. Returns -1 to drop the connection. */
static int on_handshake_complete(conn_t *c)
{
    if (c->hs_done) {
        if (!c->rehs_pending) {
            /* A rehandshake the client started: report it, nothing else to do. */
            if (!g.quiet) {
                printf("re");
                print_handshake_line(c->ssl);
            }
            return 0;
        }
        c->rehs_pending = 0;
        c->rehs_done = 1;
        if (!g.quiet) {
            printf("re");
            print_handshake_line(c->ssl);
        }
        if (c->req == REQ_WAIT_REHS) {
            return start_get(c, c->deferred_version, c->deferred_n, c->deferred_head);
        }
        return 0;
    }
    c->hs_done = 1;
    if (!g.quiet) {
        print_handshake_line(c->ssl);
    }
    return 0;
}

/* Encodes len plaintext bytes from data as application records. */
static int queue_plain(conn_t *c, const unsigned char *data, size_t len)
{
    while (len > 0) {
        unsigned char *buf = NULL;
        uint32 want = (uint32)(len > APP_RECORD_CHUNK ? APP_RECORD_CHUNK : len);
        int32 room = matrixSslGetWritebuf(c->ssl, &buf, want);
        int32 rc;
        uint32 take;
        if (room <= 0 || buf == NULL) {
            errc(c, "matrixSslGetWritebuf failed", room);
            return -1;
        }
        take = (uint32)room < want ? (uint32)room : want;
        memcpy(buf, data, take);
        rc = matrixSslEncodeWritebuf(c->ssl, take);
        if (rc < 0) {
            errc(c, "matrixSslEncodeWritebuf failed", rc);
            return -1;
        }
        data += take;
        len -= take;
    }
    return 0;
}

static int queue_text(conn_t *c, const char *s)
{
    return queue_plain(c, (const unsigned char *)s, strlen(s));
}

/* Ends the response: close_notify goes out after everything already queued. */
static int finish_response(conn_t *c)
{
    int32 rc;
    c->req = RESP_DONE;
    rc = matrixSslEncodeClosureAlert(c->ssl);
    if (rc < 0) {
        errc(c, "matrixSslEncodeClosureAlert failed", rc);
        return -1;
    }
    return 0;
}

/* Queues a whole small response (header block and body) as one record, as most HTTPS
   servers do: test suites that speak HTTP/1.0 (tlsfuzzer's scripts among them) expect the
   answer to GET / in one application-data record, then close_notify. */
static int send_whole(conn_t *c, const char *version, const char *status, const char *type,
                      const char *body, int with_body)
{
    char msg[1024];
    int n = snprintf(msg, sizeof(msg),
        "%s %s\r\nContent-Type: %s\r\nContent-Length: %lu\r\n"
        "Connection: close\r\n\r\n%s",
        version, status, type, (unsigned long)strlen(body), with_body ? body : "");
    if (n < 0 || (size_t)n >= sizeof(msg)) {
        errc(c, "response too long", n);
        return -1;
    }
    if (queue_plain(c, (const unsigned char *)msg, (size_t)n) < 0) {
        return -1;
    }
    return finish_response(c);
}

static int send_simple(conn_t *c, const char *version, const char *status, const char *body)
{
    return send_whole(c, version, status, "text/plain", body, 1);
}

/* Produces GET /N body records while little output is pending. */
static int pump_generator(conn_t *c)
{
    while (c->req == RESP_GEN && c->gen_done < c->gen_total &&
           pending_out(c) < APP_HIGH_WATER) {
        unsigned char *buf = NULL;
        uint64_t left = c->gen_total - c->gen_done;
        uint32 want = (uint32)(left > APP_RECORD_CHUNK ? APP_RECORD_CHUNK : left);
        int32 room = matrixSslGetWritebuf(c->ssl, &buf, want);
        int32 rc;
        uint32 take;
        if (room <= 0 || buf == NULL) {
            errc(c, "matrixSslGetWritebuf failed", room);
            return -1;
        }
        take = (uint32)room < want ? (uint32)room : want;
        fill_body(buf, c->gen_done, take);
        rc = matrixSslEncodeWritebuf(c->ssl, take);
        if (rc < 0) {
            errc(c, "matrixSslEncodeWritebuf failed", rc);
            return -1;
        }
        c->gen_done += take;
    }
    if (c->req == RESP_GEN && c->gen_done >= c->gen_total) {
        return finish_response(c);
    }
    return 0;
}

static int start_get(conn_t *c, const char *version, uint64_t n, int head_only)
{
    char head[256];
    snprintf(head, sizeof(head),
        "%s 200 OK\r\nContent-Type: application/octet-stream\r\n"
        "Content-Length: %llu\r\nConnection: close\r\n\r\n",
        version, (unsigned long long)n);
    if (queue_text(c, head) < 0) {
        return -1;
    }
    c->req = RESP_GEN;
    c->gen_total = head_only ? 0 : n;
    c->gen_done = 0;
    return pump_generator(c);
}

static int echo_body(conn_t *c, const unsigned char *p, size_t len)
{
    size_t take = len;
    if ((uint64_t)take > c->echo_remaining) {
        take = (size_t)c->echo_remaining; /* bytes beyond Content-Length are ignored */
    }
    if (take > 0 && queue_plain(c, p, take) < 0) {
        return -1;
    }
    c->echo_remaining -= take;
    if (c->echo_remaining == 0) {
        return finish_response(c);
    }
    return 0;
}

static const char *root_page =
    "<html><head><title>matrixssl-rs</title></head><body>\n"
    "<h1>matrixssl-rs example server</h1>\n"
    "<p>GET /N returns N deterministic bytes; POST /echo echoes the request body.</p>\n"
    "</body></html>\n";

/* Parses the request header block (NUL-terminated in c->hdr) and starts the response. */
static int start_response(conn_t *c, const unsigned char *rest, size_t rest_len)
{
    char method[16], target[256], version[16];
    char head[256];
    char *line, *save = NULL;
    int have_len = 0;
    uint64_t content_length = 0;

    if (sscanf(c->hdr, "%15s %255s %15s", method, target, version) != 3 ||
        strncmp(version, "HTTP/1.", 7) != 0) {
        return send_simple(c, "HTTP/1.0", "400 Bad Request", "bad request\n");
    }
    /* Walk the header lines after the request line. */
    line = strtok_r(c->hdr, "\r\n", &save);
    while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
        if (header_is(line, "Content-Length")) {
            const char *v = line + strlen("Content-Length") + 1;
            while (*v == ' ' || *v == '\t') {
                v++;
            }
            if (parse_u64(v, &content_length) != 0) {
                return send_simple(c, version, "400 Bad Request", "bad content-length\n");
            }
            have_len = 1;
        }
    }
    logc(c, "request %s", target, 0);

    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
        uint64_t n;
        if (strcmp(target, "/") == 0) {
            return send_whole(c, version, "200 OK", "text/html", root_page,
                              strcmp(method, "GET") == 0);
        }
        if (target[0] == '/' && parse_u64(target + 1, &n) == 0) {
            int head_only = strcmp(method, "HEAD") == 0;
            if (g.rehandshake >= 0 && !c->rehs_done && !c->rehs_pending) {
                int32 rc = matrixSslEncodeRehandshake(c->ssl, NULL, NULL,
                    g.rehandshake == 1 ? SSL_OPTION_FULL_HANDSHAKE : 0, 0);
                if (rc < 0) {
                    errc(c, "matrixSslEncodeRehandshake failed", rc);
                    return -1;
                }
                if (matrixSslGetNegotiatedVersion(c->ssl) >= 0x0304 &&
                    matrixSslHandshakeIsComplete(c->ssl)) {
                    /* On TLS 1.3 that queued a KeyUpdate, which completes no handshake:
                       answer now (the response goes out under the new keys). A
                       post-handshake client authentication (-A, client offered it) leaves
                       the handshake open until the client's Finished, as a TLS 1.2
                       renegotiation does: wait for it below. */
                    c->rehs_done = 1;
                    if (!g.quiet) {
                        print_key_update_line(c->ssl);
                    }
                    return start_get(c, version, n, head_only);
                }
                c->rehs_pending = 1;
                c->req = REQ_WAIT_REHS;
                snprintf(c->deferred_version, sizeof(c->deferred_version), "%s", version);
                c->deferred_n = n;
                c->deferred_head = head_only;
                return 0;
            }
            return start_get(c, version, n, head_only);
        }
        return send_simple(c, version, "404 Not Found", "not found\n");
    }
    if (strcmp(method, "POST") == 0) {
        if (strcmp(target, "/echo") != 0) {
            return send_simple(c, version, "404 Not Found", "not found\n");
        }
        if (!have_len) {
            return send_simple(c, version, "411 Length Required", "length required\n");
        }
        snprintf(head, sizeof(head),
            "%s 200 OK\r\nContent-Type: application/octet-stream\r\n"
            "Content-Length: %llu\r\nConnection: close\r\n\r\n",
            version, (unsigned long long)content_length);
        if (queue_text(c, head) < 0) {
            return -1;
        }
        c->req = REQ_BODY;
        c->echo_remaining = content_length;
        return echo_body(c, rest, rest_len);
    }
    return send_simple(c, version, "405 Method Not Allowed", "method not allowed\n");
}

/* Handles one decrypted application-data record. */
static int on_app_data(conn_t *c, unsigned char *pt, uint32 len)
{
    switch (c->req) {
    case REQ_HEADERS: {
        size_t end, room = APP_MAX_HEADER - c->hdr_len;
        size_t take = len < room ? len : room;
        size_t prev = c->hdr_len;
        memcpy(c->hdr + c->hdr_len, pt, take);
        c->hdr_len += take;
        c->hdr[c->hdr_len] = '\0';
        end = find_header_end(c->hdr, c->hdr_len);
        if (end == 0) {
            if (c->hdr_len >= APP_MAX_HEADER) {
                return send_simple(c, "HTTP/1.0", "431 Request Header Fields Too Large",
                    "headers too large\n");
            }
            return 0;
        }
        c->hdr[end] = '\0';
        /* Body bytes that arrived in the same record follow the header block. */
        return start_response(c, pt + (end - prev), len - (end - prev));
    }
    case REQ_BODY:
        return echo_body(c, pt, len);
    case REQ_WAIT_REHS:
    case RESP_GEN:
    case RESP_DONE:
        return 0; /* extra bytes after a complete request are ignored */
    }
    return 0;
}

/*
 * Acts on a ReceivedData/ProcessedData return code, looping through ProcessedData while
 * records keep coming. Returns -1 when the connection must be dropped.
 */
static int handle_rc(conn_t *c, int32 rc, unsigned char *pt, uint32 ptlen)
{
    for (;;) {
        switch (rc) {
        case MATRIXSSL_SUCCESS:
        case MATRIXSSL_REQUEST_RECV:
        case MATRIXSSL_REQUEST_SEND:
            return 0;
        case MATRIXSSL_HANDSHAKE_COMPLETE:
            return on_handshake_complete(c);
        case MATRIXSSL_APP_DATA:
            /* Completion of the first handshake is implied by the first record. */
            if (!c->hs_done && on_handshake_complete(c) < 0) {
                return -1;
            }
            if (on_app_data(c, pt, ptlen) < 0) {
                return -1;
            }
            break;
        case MATRIXSSL_RECEIVED_ALERT:
            if (ptlen < 2) {
                errc(c, "short alert", (long)ptlen);
                return -1;
            }
            if (pt[0] == SSL_ALERT_LEVEL_FATAL) {
                errc(c, "received fatal alert", pt[1]);
                return -1;
            }
            if (pt[1] == SSL_ALERT_CLOSE_NOTIFY) {
                c->peer_closed = 1;
                if (c->req != RESP_DONE && c->req != RESP_GEN && finish_response(c) < 0) {
                    return -1;
                }
            } else if (pt[1] == SSL_ALERT_NO_RENEGOTIATION && c->rehs_pending) {
                /* The client declined our HelloRequest (RFC 5246 7.2.2): carry on with the
                 * current keys and answer the request that was waiting for it. */
                logc(c, "%speer refused the renegotiation (alert %ld)", "", pt[1]);
                c->rehs_pending = 0;
                c->rehs_done = 1;
                if (c->req == REQ_WAIT_REHS &&
                    start_get(c, c->deferred_version, c->deferred_n, c->deferred_head) < 0) {
                    return -1;
                }
            } else {
                logc(c, "%swarning alert %ld", "", pt[1]);
            }
            break;
        case MATRIXSSL_REQUEST_CLOSE:
            return 0;
        default:
            errc(c, rc_name(rc), rc);
            return -1;
        }
        rc = matrixSslProcessedData(c->ssl, &pt, &ptlen);
        if (rc < 0) {
            errc(c, "matrixSslProcessedData failed", rc);
            return -1;
        }
    }
}

/* Everything is sent and close_notify was last: half-close and drain. */
static void begin_linger(conn_t *c)
{
    shutdown(c->fd, SHUT_WR);
    c->state = CS_LINGER;
    c->deadline = now_ms() + LINGER_MS;
}

/* Decodes records the library still holds from earlier reads (matrixSslReceivedData with 0
   bytes). Returns -1 to drop the connection. */
static int decode_buffered(conn_t *c)
{
    unsigned char *pt = NULL;
    uint32 ptlen = 0;
    int32 rc = matrixSslReceivedData(c->ssl, 0, &pt, &ptlen);
    if (rc < 0) {
        errc(c, "matrixSslReceivedData(0) failed", rc);
        return -1;
    }
    return handle_rc(c, rc, pt, ptlen);
}

/* Sends as much pending output as the socket takes. Returns -1 to drop the connection. */
static int flush_out(conn_t *c)
{
    for (;;) {
        unsigned char *buf = NULL;
        int32 len = matrixSslGetOutdata(c->ssl, &buf);
        ssize_t n;
        int32 rc;
        if (len < 0) {
            errc(c, "matrixSslGetOutdata failed", len);
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        n = send(c->fd, buf, (size_t)len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return 0;
            }
            if (!(c->peer_closed && (errno == EPIPE || errno == ECONNRESET))) {
                errc(c, strerror(errno), errno);
            }
            return -1;
        }
        c->deadline = now_ms() + g.idle_ms;
        rc = matrixSslSentData(c->ssl, (uint32)n);
        switch (rc) {
        case MATRIXSSL_SUCCESS:
            /* Everything went out. Records that arrived in the same read as the message we
             * just answered are still buffered (a peer may pipeline more than it should):
             * decode them now rather than when the peer next sends, which may be never. */
            if (decode_buffered(c) < 0) {
                return -1;
            }
            break;
        case MATRIXSSL_REQUEST_SEND:
            break;
        case MATRIXSSL_REQUEST_CLOSE:
            begin_linger(c);
            return 0;
        case MATRIXSSL_HANDSHAKE_COMPLETE:
            /* Full handshake: our CCS+Finished went out. Records that arrived right after
             * the client's Finished (false start) are still buffered: decode them now. */
            if (on_handshake_complete(c) < 0 || decode_buffered(c) < 0) {
                return -1;
            }
            break;
        default:
            errc(c, "matrixSslSentData failed", rc);
            return -1;
        }
    }
}

/* Reads what the socket has (bounded per call for fairness). Returns -1 to drop. */
static int read_in(conn_t *c)
{
    int rounds;
    for (rounds = 0; rounds < 8; rounds++) {
        unsigned char *buf = NULL, *pt = NULL;
        uint32 ptlen = 0;
        int32 room, rc;
        ssize_t n;
        if (c->state != CS_ACTIVE || pending_out(c) >= APP_HIGH_WATER) {
            return 0;
        }
        room = matrixSslGetReadbuf(c->ssl, &buf);
        if (room <= 0 || buf == NULL) {
            errc(c, "matrixSslGetReadbuf failed", room);
            return -1;
        }
        n = recv(c->fd, buf, (size_t)room, 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return 0;
            }
            if (!c->peer_closed) {
                errc(c, strerror(errno), errno);
            }
            return -1;
        }
        if (n == 0) {
            /* Peer closed the transport. After a complete response this is normal. */
            if (c->req != RESP_DONE && c->hs_done && !c->peer_closed) {
                errc(c, "peer closed the connection before the request was complete", 0);
            }
            c->peer_closed = 1;
            return -1;
        }
        c->deadline = now_ms() + g.idle_ms;
        rc = matrixSslReceivedData(c->ssl, (uint32)n, &pt, &ptlen);
        if (rc < 0) {
            errc(c, "matrixSslReceivedData failed", rc);
            return -1;
        }
        if (handle_rc(c, rc, pt, ptlen) < 0) {
            return -1;
        }
        if (flush_out(c) < 0) {
            return -1;
        }
    }
    return 0;
}

static void drain_linger(conn_t *c)
{
    char scratch[4096];
    for (;;) {
        ssize_t n = recv(c->fd, scratch, sizeof(scratch), 0);
        if (n > 0) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return;
        }
        mark_dead(c); /* EOF or error: done */
        return;
    }
}

static void free_conn(conn_t *c)
{
    if (c->ssl != NULL) {
        matrixSslDeleteSession(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    free(c);
}

static int open_listener(const char *addr, unsigned port, unsigned *bound_port)
{
    struct addrinfo hints, *res = NULL, *ai;
    char portstr[16];
    int fd = -1, one = 1, err;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(portstr, sizeof(portstr), "%u", port);
    err = getaddrinfo(addr, portstr, &hints, &res);
    if (err != 0) {
        fprintf(stderr, "getaddrinfo(%s): %s\n", addr, gai_strerror(err));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0) {
            break;
        }
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        fprintf(stderr, "cannot listen on %s:%u: %s\n", addr, port, strerror(errno));
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    if (set_nonblocking(fd) < 0) {
        fprintf(stderr, "fcntl: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
            fprintf(stderr, "getsockname: %s\n", strerror(errno));
            close(fd);
            return -1;
        }
        if (ss.ss_family == AF_INET) {
            *bound_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        } else {
            *bound_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        }
    }
    return fd;
}

/* Disables every known suite except `keep`, process-wide. */
static int restrict_suites(uint32 keep)
{
    size_t k;
    int found = 0;
    for (k = 0; k < KNOWN_SUITE_COUNT; k++) {
        uint16 id = known_suites[k].id;
        int32 rc;
        if (id == keep) {
            found = 1;
            continue;
        }
        rc = matrixSslSetCipherSuiteEnabledStatus(NULL, id, PS_FALSE);
        /* PS_FAILURE means "not implemented by this library": nothing to disable. */
        if (rc < 0 && rc != PS_FAILURE) {
            fprintf(stderr, "matrixSslSetCipherSuiteEnabledStatus(0x%04x) failed: %d\n",
                (unsigned)id, (int)rc);
            return -1;
        }
    }
    if (!found) {
        fprintf(stderr, "warning: suite 0x%04x is not a known suite id\n", (unsigned)keep);
    }
    return 0;
}

#define SERVER_OPTSTRING "p:b:c:k:e:E:P:W:D:K:I:a:As:V:n:t:R:qh"

/* Loading failed: report, free the keys and close the library. */
static int load_failed(const char *what, int32 rc)
{
    fprintf(stderr, "%s failed: %d %s\n", what, (int)rc, rc_name(rc));
    matrixSslDeleteKeys(g.keys);
    matrixSslClose();
    return 1;
}

int main(int argc, char **argv)
{
    const char *bind_addr = "127.0.0.1", *cert = NULL, *key = NULL, *pass = NULL, *ca = NULL;
    const char *eccert = NULL, *eckey = NULL, *p12 = NULL, *p12pass = NULL, *dhfile = NULL;
    static app_psks_t psks;
    int bad_word = 0;
    uint32 port = 443, suite = 0, max_conns = 0, idle_s = 30, max_version = 0;
    unsigned bound_port = 0;
    unsigned long accepted = 0, next_id = 1;
    int lfd, opt, exit_code = 0;
    conn_t **conns;
    size_t nconns = 0, k;
    struct pollfd *pfds;
    struct sigaction sa;
    int32 rc;

    g.rehandshake = -1;
    p12 = take_word_option(&argc, argv, "-p12", SERVER_OPTSTRING, &bad_word);
    if (bad_word) {
        usage();
        return 2;
    }
    while ((opt = getopt(argc, argv, SERVER_OPTSTRING)) != -1) {
        switch (opt) {
        case 'p':
            if (parse_u32(optarg, &port) != 0 || port > 65535) {
                fprintf(stderr, "bad port: %s\n", optarg);
                return 2;
            }
            break;
        case 'b': bind_addr = optarg; break;
        case 'c': cert = optarg; break;
        case 'k': key = optarg; break;
        case 'e': eccert = optarg; break;
        case 'E': eckey = optarg; break;
        case 'P': pass = optarg; break;
        case 'W': p12pass = optarg; break;
        case 'D': dhfile = optarg; break;
        case 'K':
            if (psk_add_key(&psks, optarg) != 0) {
                return 2;
            }
            break;
        case 'I':
            if (psk_add_id(&psks, optarg) != 0) {
                return 2;
            }
            break;
        case 'a': ca = optarg; break;
        case 'A': g.client_auth = 1; break;
        case 's':
            if (parse_u32(optarg, &suite) != 0 || suite == 0 || suite > 0xffff) {
                fprintf(stderr, "bad suite id: %s\n", optarg);
                return 2;
            }
            break;
        case 'V':
            if (parse_u32(optarg, &max_version) != 0 || max_version < 0x0301 ||
                max_version > 0x0304) {
                fprintf(stderr, "bad version (0x0301 to 0x0304): %s\n", optarg);
                return 2;
            }
            break;
        case 'n':
            if (parse_u32(optarg, &max_conns) != 0) {
                fprintf(stderr, "bad connection count: %s\n", optarg);
                return 2;
            }
            break;
        case 't':
            if (parse_u32(optarg, &idle_s) != 0 || idle_s == 0 || idle_s > 86400) {
                fprintf(stderr, "bad timeout: %s\n", optarg);
                return 2;
            }
            break;
        case 'R':
            if (strcmp(optarg, "0") != 0 && strcmp(optarg, "1") != 0) {
                fprintf(stderr, "bad -R value (0 or 1): %s\n", optarg);
                return 2;
            }
            g.rehandshake = optarg[0] - '0';
            break;
        case 'q': g.quiet = 1; break;
        default:
            usage();
            return 2;
        }
    }
    if (optind != argc || (cert == NULL) != (key == NULL) ||
        (eccert == NULL) != (eckey == NULL) ||
        (cert == NULL && eccert == NULL && p12 == NULL && psks.nkeys == 0)) {
        usage();
        return 2;
    }
    if (psks.nkeys != psks.nids) {
        fprintf(stderr, "every -K needs an -I (got %d keys, %d identities)\n", psks.nkeys,
            psks.nids);
        return 2;
    }
    if (p12pass != NULL && p12 == NULL) {
        fprintf(stderr, "-W is the password of a -p12 file\n");
        return 2;
    }
    g.idle_ms = (int)idle_s * 1000;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    rc = matrixSslOpen();
    if (rc < 0) {
        fprintf(stderr, "matrixSslOpen failed: %d %s\n", (int)rc, rc_name(rc));
        return 1;
    }
    rc = matrixSslNewKeys(&g.keys);
    if (rc < 0) {
        fprintf(stderr, "matrixSslNewKeys failed: %d %s\n", (int)rc, rc_name(rc));
        matrixSslClose();
        return 1;
    }
    if (max_version != 0) {
        rc = matrixSslSetMaxProtocolVersion((int32)max_version);
        if (rc < 0) {
            fprintf(stderr, "matrixSslSetMaxProtocolVersion(0x%04x) failed: %d %s\n",
                (unsigned)max_version, (int)rc, rc_name(rc));
            matrixSslDeleteKeys(g.keys);
            matrixSslClose();
            return 1;
        }
    }
    /* The CA file (client authentication) goes with the first PEM identity loaded, or on its
     * own after the others (the CA list is filled by one call). */
    if (cert != NULL) {
        rc = matrixSslLoadRsaKeys(g.keys, cert, key, pass, ca);
        if (rc < 0) {
            return load_failed("matrixSslLoadRsaKeys", rc);
        }
        ca = NULL;
    }
    if (eccert != NULL) {
        rc = matrixSslLoadEcKeys(g.keys, eccert, eckey, pass, ca);
        if (rc < 0) {
            return load_failed("matrixSslLoadEcKeys", rc);
        }
        ca = NULL;
    }
    if (p12 != NULL) {
        /* NULL MAC password: the same as the import password. */
        rc = matrixSslLoadPkcs12(g.keys, (unsigned char *)p12, (unsigned char *)p12pass,
            p12pass != NULL ? (int32)strlen(p12pass) : 0, NULL, 0, 0);
        if (rc < 0) {
            return load_failed("matrixSslLoadPkcs12", rc);
        }
    }
    if (ca != NULL) {
        rc = matrixSslLoadRsaKeys(g.keys, NULL, NULL, NULL, ca);
        if (rc < 0) {
            return load_failed("matrixSslLoadRsaKeys (CA file)", rc);
        }
    }
    if (dhfile != NULL) {
        rc = matrixSslLoadDhParams(g.keys, dhfile);
        if (rc < 0) {
            return load_failed("matrixSslLoadDhParams", rc);
        }
    }
    rc = psk_load(g.keys, &psks);
    if (rc < 0) {
        return load_failed("matrixSslLoadPsk", rc);
    }
    if (suite != 0 && restrict_suites(suite) < 0) {
        matrixSslDeleteKeys(g.keys);
        matrixSslClose();
        return 1;
    }

    lfd = open_listener(bind_addr, port, &bound_port);
    if (lfd < 0) {
        matrixSslDeleteKeys(g.keys);
        matrixSslClose();
        return 1;
    }
    printf("listening on %u\n", bound_port);
    fflush(stdout);

    conns = calloc(MAX_CONNS, sizeof(*conns));
    pfds = calloc(MAX_CONNS + 1, sizeof(*pfds));
    if (conns == NULL || pfds == NULL) {
        fprintf(stderr, "out of memory\n");
        free(conns);
        free(pfds);
        close(lfd);
        matrixSslDeleteKeys(g.keys);
        matrixSslClose();
        return 1;
    }

    while (!g_stop && (lfd >= 0 || nconns > 0)) {
        size_t np = 0;
        int64_t now;
        int prc;

        if (lfd >= 0) {
            pfds[np].fd = lfd;
            pfds[np].events = POLLIN;
            pfds[np].revents = 0;
            np++;
        }
        for (k = 0; k < nconns; k++) {
            conn_t *c = conns[k];
            short ev = 0;
            if (c->state == CS_LINGER) {
                ev = POLLIN;
            } else {
                if (pending_out(c) > 0) {
                    ev |= POLLOUT;
                }
                if (pending_out(c) < APP_HIGH_WATER) {
                    ev |= POLLIN;
                }
            }
            pfds[np].fd = c->fd;
            pfds[np].events = ev;
            pfds[np].revents = 0;
            np++;
        }
        prc = poll(pfds, (nfds_t)np, 500);
        if (prc < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "poll: %s\n", strerror(errno));
            exit_code = 1;
            break;
        }
        now = now_ms();

        /* Existing connections (pfds entries line up with conns after the listener). */
        for (k = 0; k < nconns; k++) {
            conn_t *c = conns[k];
            short rev = pfds[k + (lfd >= 0 ? 1 : 0)].revents;
            if (c->state == CS_LINGER) {
                if (rev != 0) {
                    drain_linger(c);
                }
                if (c->state == CS_LINGER && now > c->deadline) {
                    mark_dead(c);
                }
                continue;
            }
            if ((rev & (POLLOUT | POLLERR | POLLHUP)) && flush_out(c) < 0) {
                mark_dead(c);
                continue;
            }
            if (c->state == CS_ACTIVE && (rev & (POLLIN | POLLHUP | POLLERR)) &&
                read_in(c) < 0) {
                /* Try to get any queued alert out before dropping. */
                if (c->state == CS_ACTIVE) {
                    (void)flush_out(c);
                }
                mark_dead(c);
                continue;
            }
            if (c->state == CS_ACTIVE) {
                if (pump_generator(c) < 0 || flush_out(c) < 0) {
                    mark_dead(c);
                    continue;
                }
            }
            if (c->state == CS_ACTIVE && now > c->deadline) {
                errc(c, "idle timeout", g.idle_ms);
                mark_dead(c);
            }
        }

        /* New connections. */
        if (lfd >= 0 && (pfds[0].revents & POLLIN)) {
            for (;;) {
                int cfd = accept(lfd, NULL, NULL);
                conn_t *c;
                int one = 1;
                if (cfd < 0) {
                    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                        errno != ECONNABORTED) {
                        fprintf(stderr, "accept: %s\n", strerror(errno));
                    }
                    break;
                }
                if (nconns >= MAX_CONNS) {
                    fprintf(stderr, "too many connections; dropping one\n");
                    close(cfd);
                    continue;
                }
                if (set_nonblocking(cfd) < 0) {
                    fprintf(stderr, "fcntl: %s\n", strerror(errno));
                    close(cfd);
                    continue;
                }
                setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                c = calloc(1, sizeof(*c));
                if (c == NULL) {
                    fprintf(stderr, "out of memory\n");
                    close(cfd);
                    continue;
                }
                c->fd = cfd;
                c->id = next_id++;
                c->state = CS_ACTIVE;
                c->req = REQ_HEADERS;
                c->deadline = now_ms() + g.idle_ms;
                rc = matrixSslNewServerSession(&c->ssl, g.keys,
                    g.client_auth ? server_cert_cb : NULL);
                if (rc < 0) {
                    errc(c, "matrixSslNewServerSession failed", rc);
                    c->ssl = NULL;
                    free_conn(c);
                    continue;
                }
                conns[nconns++] = c;
                accepted++;
                if (max_conns != 0 && accepted >= max_conns) {
                    close(lfd);
                    lfd = -1;
                    break;
                }
            }
        }

        /* Reap finished connections. */
        for (k = 0; k < nconns;) {
            if (conns[k]->state == CS_DEAD) {
                free_conn(conns[k]);
                conns[k] = conns[nconns - 1];
                nconns--;
            } else {
                k++;
            }
        }
    }

    for (k = 0; k < nconns; k++) {
        free_conn(conns[k]);
    }
    free(conns);
    free(pfds);
    if (lfd >= 0) {
        close(lfd);
    }
    matrixSslDeleteKeys(g.keys);
    matrixSslClose();
    if (!g.quiet) {
        printf("server exiting after %lu connections\n", accepted);
    }
    return exit_code;
}
