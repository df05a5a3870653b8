/*
 * Example HTTPS client on the MatrixSSL API (non-blocking socket + poll(), so a large POST
 * body is sent while the echoed response is read). Buffer protocol:
 *
 *   send:    matrixSslGetOutdata -> send -> matrixSslSentData;
 *   receive: matrixSslGetReadbuf -> recv -> matrixSslReceivedData, then
 *            matrixSslProcessedData after every APP_DATA / RECEIVED_ALERT;
 *   encode:  matrixSslGetWritebuf -> write plaintext -> matrixSslEncodeWritebuf;
 *   close:   matrixSslEncodeClosureAlert and flush.
 *
 * Modes: -g N  GET /N and check the deterministic body (byte i = (i*31+7) & 0xff);
 *        -e N  POST N deterministic bytes to /echo and check the echo byte for byte;
 *        -x    send "GET / HTTP/1.0" and print the response (for generic peers such as
 *              openssl s_server -www or gnutls-serv).
 * -r R reconnects R more times with the same sslSessionId_t and requires resumption.
 * -R 0|1 renegotiates once after the first handshake (0 resumed, 1 full) before the request;
 * on TLS 1.3 it sends a KeyUpdate instead (ABI.md D29) and prints "keyupdate ...".
 * -c/-k load an RSA client identity (matrixSslLoadRsaKeys), -C/-E an ECDSA one
 * (matrixSslLoadEcKeys), -p12 file -W pass one from PKCS#12 (matrixSslLoadPkcs12); -P is the
 * password of encrypted PEM keys. -K hexkey -I identity load a pre-shared key
 * (matrixSslLoadPsk; the library offers the first one loaded): with a PSK and no -a the
 * client offers only the PSK suites and needs no certificate or CA.
 * -V caps the protocol version (matrixSslSetMaxProtocolVersion);
 * -S NAME sends a server_name extension (RFC 6066) built with matrixSslLoadHelloExtension.
 * Extensions in the server's ServerHello are printed as "server extension type=0x.... len=N".
 *
 * Prints "handshake version=0x.... suite=0x.... resumed=0|1" per connection and finally
 * "RESULT OK" (exit 0) or "RESULT FAIL <reason>" (exit 1).
 */
#include "common.h"

enum mode { MODE_GET, MODE_ECHO, MODE_RAW };

typedef struct {
    const char *host;
    const char *port;
    const char *ca;
    const char *cert;
    const char *key;
    const char *eccert;
    const char *eckey;
    const char *keypass;
    const char *p12;        /* -p12: PKCS#12 client identity */
    const char *p12pass;    /* -W */
    const char *servername; /* -S: server_name extension */
    uint32 suite;
    uint32 max_version;     /* -V: 0 = library default */
    enum mode mode;
    uint64_t n;
    uint32 reconnects;
    int timeout_ms;
    int allow_full;         /* -F: do not require resumption on reconnects */
    int rehandshake;        /* -R: -1 none, 0 resumed, 1 full rehandshake */
} options_t;

typedef struct {
    int fd;
    ssl_t *ssl;
    int hs_done;
    int resumed;
    int rehs_pending;       /* our rehandshake is queued but not complete */
    int rehs_done;
    int request_sent;       /* request headers queued */
    uint64_t body_sent;     /* POST body bytes queued */
    char hdr[APP_MAX_HEADER + 1];
    size_t hdr_len;
    int hdr_done;
    int status;
    int64_t content_length; /* -1: none given */
    uint64_t body_recv;
    int response_done;
    int closure_queued;
    int closed;             /* close_notify received or transport EOF */
    int finished;           /* connection ended (success or failure) */
    char fail[256];
} conn_t;

static options_t opt;
static app_psks_t psks;   /* -K/-I */
static tlsExtension_t *hello_ext; /* -S: the ClientHello extension list, or NULL */

static void usage(void)
{
    fprintf(stderr,
        "usage: client [-h host] [-p port] [-a cafile] [-c cert -k key] [-C eccert -E eckey]\n"
        "              [-P pass] [-p12 file.p12 -W pass] [-K hexkey -I identity]\n"
        "              [-s suiteid] [-V version] [-S servername]\n"
        "              (-g N | -e N | -x) [-r R] [-F] [-R 0|1] [-t seconds]\n"
        "  -a file trusted CA certificates (PEM); needed for certificate-based suites\n"
        "  -c/-k   RSA client certificate (chain) and private key (PEM)\n"
        "  -C/-E   ECDSA client certificate (chain) and private key (PEM)\n"
        "  -P pass password of the encrypted PEM private key (privPass)\n"
        "  -p12 f  client identity from a PKCS#12 file (matrixSslLoadPkcs12)\n"
        "  -W pass password of the PKCS#12 file (import and MAC)\n"
        "  -K hex  pre-shared key (1..64 bytes in hex), paired with -I; the first pair is used\n"
        "  -I id   PSK identity (1..128 bytes); a PSK without -a offers only PSK suites\n"
        "  -s id   offer only this suite (hex 0x.. or decimal; 0 = library default)\n"
        "  -V ver  highest protocol version: 0x0301 to 0x0304 (default: the library's, TLS 1.3)\n"
        "  -S name send a server_name (SNI) extension for this host name\n"
        "  -g N    GET /N and verify the deterministic body\n"
        "  -e N    POST N deterministic bytes to /echo and verify the echo\n"
        "  -x      GET / and print the response (generic HTTPS peers)\n"
        "  -r R    reconnect R more times resuming the first session\n"
        "  -F      accept full handshakes on reconnects (do not require resumption)\n"
        "  -R 0|1  renegotiate once before the request (0 resumed, 1 full handshake)\n"
        "  -t s    timeout per connection (default 60)\n");
}

static void failf(conn_t *c, const char *what, long val)
{
    if (c->fail[0] == '\0') {
        snprintf(c->fail, sizeof(c->fail), "%s (%ld)", what, val);
    }
    c->finished = 1;
}

static int32 cert_cb(ssl_t *ssl, psX509Cert_t *cert, int32 alert)
{
    (void)ssl;
    (void)cert;
    if (alert == 0) {
        return 0;
    }
    printf("certificate callback: alert %d, rejecting\n", (int)alert);
    fflush(stdout);
    return alert;
}

/* Extension callback: reports every extension of the ServerHello (renegotiation_info is
 * handled by the library and not passed on). */
static int32 ext_cb(ssl_t *ssl, unsigned short ext_type, unsigned short ext_len, void *e)
{
    (void)ssl;
    (void)e;
    printf("server extension type=0x%04x len=%u\n", (unsigned)ext_type, (unsigned)ext_len);
    fflush(stdout);
    return 0;
}

/*
 * Builds the server_name extension body (RFC 6066 3): a ServerNameList holding one host_name
 * entry. Returns 0, or -1 for an unusable name.
 */
static int make_sni_extension(const char *name, tlsExtension_t **out)
{
    unsigned char body[5 + 255];
    size_t n = strlen(name);
    int32 rc;
    if (n == 0 || n > 255) {
        fprintf(stderr, "bad server name (1..255 bytes): %s\n", name);
        return -1;
    }
    body[0] = (unsigned char)(((n + 3) >> 8) & 0xff); /* list length */
    body[1] = (unsigned char)((n + 3) & 0xff);
    body[2] = 0;                                       /* name_type host_name */
    body[3] = (unsigned char)((n >> 8) & 0xff);        /* HostName length */
    body[4] = (unsigned char)(n & 0xff);
    memcpy(body + 5, name, n);
    rc = matrixSslNewHelloExtension(out);
    if (rc < 0) {
        fprintf(stderr, "matrixSslNewHelloExtension failed: %d %s\n", (int)rc, rc_name(rc));
        return -1;
    }
    rc = matrixSslLoadHelloExtension(*out, body, (uint32)(n + 5), 0 /* server_name */);
    if (rc < 0) {
        fprintf(stderr, "matrixSslLoadHelloExtension failed: %d %s\n", (int)rc, rc_name(rc));
        matrixSslDeleteHelloExtension(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

static int32 pending_out(conn_t *c)
{
    unsigned char *p = NULL;
    int32 n = matrixSslGetOutdata(c->ssl, &p);
    return n < 0 ? 0 : n;
}

static int queue_plain(conn_t *c, const unsigned char *data, size_t len)
{
    while (len > 0) {
        unsigned char *buf = NULL;
        uint32 want = (uint32)(len > APP_RECORD_CHUNK ? APP_RECORD_CHUNK : len);
        int32 room = matrixSslGetWritebuf(c->ssl, &buf, want);
        int32 rc;
        uint32 take;
        if (room <= 0 || buf == NULL) {
            failf(c, "matrixSslGetWritebuf failed", room);
            return -1;
        }
        take = (uint32)room < want ? (uint32)room : want;
        memcpy(buf, data, take);
        rc = matrixSslEncodeWritebuf(c->ssl, take);
        if (rc < 0) {
            failf(c, "matrixSslEncodeWritebuf failed", rc);
            return -1;
        }
        data += take;
        len -= take;
    }
    return 0;
}

/* Queues the request headers (and, for -e, the body paced by pending output). */
static int pump_request(conn_t *c)
{
    if (!c->hs_done || c->rehs_pending || c->finished) {
        return 0;
    }
    if (!c->request_sent) {
        char req[512];
        if (opt.mode == MODE_RAW) {
            snprintf(req, sizeof(req), "GET / HTTP/1.0\r\n\r\n");
        } else if (opt.mode == MODE_GET) {
            snprintf(req, sizeof(req),
                "GET /%llu HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n",
                (unsigned long long)opt.n, opt.host);
        } else {
            snprintf(req, sizeof(req),
                "POST /echo HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n"
                "Content-Type: application/octet-stream\r\nContent-Length: %llu\r\n\r\n",
                opt.host, (unsigned long long)opt.n);
        }
        if (queue_plain(c, (const unsigned char *)req, strlen(req)) < 0) {
            return -1;
        }
        c->request_sent = 1;
    }
    while (opt.mode == MODE_ECHO && c->body_sent < opt.n && pending_out(c) < APP_HIGH_WATER) {
        unsigned char *buf = NULL;
        uint64_t left = opt.n - c->body_sent;
        uint32 want = (uint32)(left > APP_RECORD_CHUNK ? APP_RECORD_CHUNK : left);
        int32 room = matrixSslGetWritebuf(c->ssl, &buf, want);
        int32 rc;
        uint32 take;
        if (room <= 0 || buf == NULL) {
            failf(c, "matrixSslGetWritebuf failed", room);
            return -1;
        }
        take = (uint32)room < want ? (uint32)room : want;
        fill_body(buf, c->body_sent, take);
        rc = matrixSslEncodeWritebuf(c->ssl, take);
        if (rc < 0) {
            failf(c, "matrixSslEncodeWritebuf failed", rc);
            return -1;
        }
        c->body_sent += take;
    }
    return 0;
}

static void on_handshake_complete(conn_t *c)
{
    int32 rc;
    if (c->hs_done) {
        if (c->rehs_pending) {
            /* Our rehandshake finished: report it with its own prefix. */
            c->rehs_pending = 0;
            c->rehs_done = 1;
            printf("re");
            print_handshake_line(c->ssl);
        }
        return;
    }
    c->hs_done = 1;
    c->resumed = matrixSslIsResumed(c->ssl) > 0;
    print_handshake_line(c->ssl);
    if (opt.rehandshake >= 0 && !c->rehs_done) {
        /* Keep offering only the -s suite, if one was chosen. */
        rc = matrixSslEncodeRehandshake(c->ssl, NULL, NULL,
            opt.rehandshake == 1 ? SSL_OPTION_FULL_HANDSHAKE : 0, opt.suite);
        if (rc < 0) {
            failf(c, "matrixSslEncodeRehandshake failed", rc);
            return;
        }
        if (matrixSslGetNegotiatedVersion(c->ssl) >= 0x0304) {
            /* On TLS 1.3 that queued a KeyUpdate: no handshake follows, so it is done. */
            c->rehs_done = 1;
            print_key_update_line(c->ssl);
        } else {
            c->rehs_pending = 1;
        }
    }
}

/* Parses the status line and headers once the header block is complete. */
static int parse_response_head(conn_t *c)
{
    char *line, *save = NULL;
    c->content_length = -1;
    if (sscanf(c->hdr, "HTTP/1.%*d %d", &c->status) != 1) {
        failf(c, "malformed HTTP status line", 0);
        return -1;
    }
    line = strtok_r(c->hdr, "\r\n", &save);
    while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
        if (header_is(line, "Content-Length")) {
            uint64_t v;
            const char *p = line + strlen("Content-Length") + 1;
            while (*p == ' ' || *p == '\t') {
                p++;
            }
            if (parse_u64(p, &v) != 0 || v > (uint64_t)INT64_MAX) {
                failf(c, "malformed Content-Length", 0);
                return -1;
            }
            c->content_length = (int64_t)v;
        }
    }
    if (opt.mode != MODE_RAW) {
        if (c->status != 200) {
            failf(c, "HTTP status", c->status);
            return -1;
        }
        if (c->content_length < 0 || (uint64_t)c->content_length != opt.n) {
            failf(c, "unexpected Content-Length", (long)c->content_length);
            return -1;
        }
    }
    return 0;
}

static int on_body(conn_t *c, const unsigned char *p, size_t len)
{
    size_t k;
    if (opt.mode == MODE_RAW) {
        fwrite(p, 1, len, stdout);
        c->body_recv += len;
    } else {
        for (k = 0; k < len; k++) {
            if (c->body_recv >= opt.n) {
                failf(c, "more body bytes than Content-Length", (long)(c->body_recv + 1));
                return -1;
            }
            if (p[k] != body_byte(c->body_recv)) {
                char what[96];
                snprintf(what, sizeof(what), "body mismatch at offset %llu",
                    (unsigned long long)c->body_recv);
                failf(c, what, p[k]);
                return -1;
            }
            c->body_recv++;
        }
    }
    if (c->content_length >= 0 && c->body_recv >= (uint64_t)c->content_length) {
        c->response_done = 1;
    }
    return 0;
}

static int on_app_data(conn_t *c, unsigned char *pt, uint32 len)
{
    if (!c->hdr_done) {
        size_t end, prev = c->hdr_len, room = APP_MAX_HEADER - c->hdr_len;
        size_t take = len < room ? len : room;
        memcpy(c->hdr + c->hdr_len, pt, take);
        c->hdr_len += take;
        c->hdr[c->hdr_len] = '\0';
        end = find_header_end(c->hdr, c->hdr_len);
        if (end == 0) {
            if (c->hdr_len >= APP_MAX_HEADER) {
                failf(c, "response header too large", (long)c->hdr_len);
                return -1;
            }
            return 0;
        }
        if (opt.mode == MODE_RAW) {
            fwrite(c->hdr, 1, end, stdout);
        }
        c->hdr[end] = '\0';
        c->hdr_done = 1;
        if (parse_response_head(c) < 0) {
            return -1;
        }
        if (c->content_length == 0) {
            c->response_done = 1;
        }
        return on_body(c, pt + (end - prev), len - (end - prev));
    }
    return on_body(c, pt, len);
}

/* Acts on ReceivedData/ProcessedData results until the buffered records are consumed. */
static int handle_rc(conn_t *c, int32 rc, unsigned char *pt, uint32 ptlen)
{
    for (;;) {
        switch (rc) {
        case MATRIXSSL_SUCCESS:
        case MATRIXSSL_REQUEST_RECV:
        case MATRIXSSL_REQUEST_SEND:
            return 0;
        case MATRIXSSL_HANDSHAKE_COMPLETE:
            on_handshake_complete(c);
            return 0;
        case MATRIXSSL_APP_DATA:
            if (!c->hs_done) {
                on_handshake_complete(c); /* completion implied by the first record */
            }
            if (on_app_data(c, pt, ptlen) < 0) {
                return -1;
            }
            break;
        case MATRIXSSL_RECEIVED_ALERT:
            if (ptlen < 2) {
                failf(c, "short alert record", (long)ptlen);
                return -1;
            }
            if (pt[0] == SSL_ALERT_LEVEL_FATAL) {
                printf("received fatal alert %d\n", pt[1]);
                fflush(stdout);
                failf(c, "received fatal alert", pt[1]);
                return -1;
            }
            if (pt[1] == SSL_ALERT_CLOSE_NOTIFY) {
                c->closed = 1;
            } else {
                printf("received warning alert %d\n", pt[1]);
                fflush(stdout);
            }
            break;
        default:
            failf(c, rc < 0 ? rc_name(rc) : "unexpected return code", rc);
            return -1;
        }
        rc = matrixSslProcessedData(c->ssl, &pt, &ptlen);
        if (rc < 0) {
            failf(c, "matrixSslProcessedData failed", rc);
            return -1;
        }
    }
}

static int flush_out(conn_t *c)
{
    for (;;) {
        unsigned char *buf = NULL;
        int32 len = matrixSslGetOutdata(c->ssl, &buf);
        ssize_t n;
        int32 rc;
        if (len < 0) {
            failf(c, "matrixSslGetOutdata failed", len);
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
            if (c->response_done || c->closed) {
                /* Peer already gone: our close_notify is moot; the response is judged
                 * on what arrived. */
                c->finished = 1;
                return 0;
            }
            failf(c, strerror(errno), errno);
            return -1;
        }
        rc = matrixSslSentData(c->ssl, (uint32)n);
        switch (rc) {
        case MATRIXSSL_SUCCESS:
        case MATRIXSSL_REQUEST_SEND:
            break;
        case MATRIXSSL_HANDSHAKE_COMPLETE:
            on_handshake_complete(c); /* resumed handshake: our Finished went out */
            break;
        case MATRIXSSL_REQUEST_CLOSE:
            if (!c->closure_queued) {
                /* A fatal alert we generated (e.g. certificate rejected) has gone out. */
                failf(c, "library closed the connection after sending an alert", rc);
                return -1;
            }
            c->finished = 1;
            return 0;
        default:
            failf(c, "matrixSslSentData failed", rc);
            return -1;
        }
    }
}

static int read_in(conn_t *c)
{
    int rounds;
    for (rounds = 0; rounds < 8 && !c->finished && !c->closed; rounds++) {
        unsigned char *buf = NULL, *pt = NULL;
        uint32 ptlen = 0;
        int32 room, rc;
        ssize_t n;
        room = matrixSslGetReadbuf(c->ssl, &buf);
        if (room <= 0 || buf == NULL) {
            failf(c, "matrixSslGetReadbuf failed", room);
            return -1;
        }
        n = recv(c->fd, buf, (size_t)room, 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return 0;
            }
            failf(c, strerror(errno), errno);
            return -1;
        }
        if (n == 0) {
            c->closed = 1;
            return 0;
        }
        rc = matrixSslReceivedData(c->ssl, (uint32)n, &pt, &ptlen);
        if (rc < 0) {
            failf(c, "matrixSslReceivedData failed", rc);
            return -1;
        }
        if (handle_rc(c, rc, pt, ptlen) < 0 || flush_out(c) < 0) {
            return -1;
        }
    }
    return 0;
}

static int connect_to(const char *host, const char *port, int timeout_ms, char *err,
    size_t errlen)
{
    struct addrinfo hints, *res = NULL, *ai;
    int fd = -1, rc;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "getaddrinfo(%s): %s", host, gai_strerror(rc));
        return -1;
    }
    snprintf(err, errlen, "no address for %s", host);
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        struct pollfd pfd;
        int soerr = 0, one = 1;
        socklen_t sl = sizeof(soerr);
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            snprintf(err, errlen, "socket: %s", strerror(errno));
            continue;
        }
        if (set_nonblocking(fd) < 0) {
            snprintf(err, errlen, "fcntl: %s", strerror(errno));
            close(fd);
            fd = -1;
            continue;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        if (errno != EINPROGRESS) {
            snprintf(err, errlen, "connect: %s", strerror(errno));
            close(fd);
            fd = -1;
            continue;
        }
        pfd.fd = fd;
        pfd.events = POLLOUT;
        pfd.revents = 0;
        rc = poll(&pfd, 1, timeout_ms);
        if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0) {
            break;
        }
        snprintf(err, errlen, "connect: %s", rc == 0 ? "timed out" : strerror(soerr));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* One connection: handshake, request, response check, close. Returns 0 on success. */
static int run_connection(sslKeys_t *keys, sslSessionId_t *sid, int index, char *reason,
    size_t reasonlen)
{
    conn_t *c;
    int32 rc;
    int64_t deadline = now_ms() + opt.timeout_ms;
    int ok = 0;

    c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(reason, reasonlen, "out of memory");
        return -1;
    }
    c->content_length = -1;
    c->fd = connect_to(opt.host, opt.port, opt.timeout_ms, reason, reasonlen);
    if (c->fd < 0) {
        free(c);
        return -1;
    }
    rc = matrixSslNewClientSession(&c->ssl, keys, sid, opt.suite, cert_cb, hello_ext, ext_cb);
    if (rc != MATRIXSSL_REQUEST_SEND) {
        snprintf(reason, reasonlen, "matrixSslNewClientSession returned %d %s", (int)rc,
            rc_name(rc));
        if (rc >= 0 && c->ssl != NULL) {
            matrixSslDeleteSession(c->ssl);
        }
        close(c->fd);
        free(c);
        return -1;
    }

    while (!c->finished) {
        struct pollfd pfd;
        int prc;
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            failf(c, "timed out", opt.timeout_ms);
            break;
        }
        if (pump_request(c) < 0) {
            break;
        }
        /* Response complete (or the peer closed): send our close_notify once. */
        if ((c->response_done || c->closed) && !c->closure_queued) {
            rc = matrixSslEncodeClosureAlert(c->ssl);
            if (rc < 0 && !c->closed) {
                failf(c, "matrixSslEncodeClosureAlert failed", rc);
                break;
            }
            c->closure_queued = 1;
        }
        if (flush_out(c) < 0 || c->finished) {
            break;
        }
        if (c->closed && pending_out(c) == 0) {
            break; /* peer is gone and nothing is left to send */
        }
        pfd.fd = c->fd;
        pfd.events = 0;
        if (!c->closed) {
            pfd.events |= POLLIN;
        }
        if (pending_out(c) > 0) {
            pfd.events |= POLLOUT;
        }
        pfd.revents = 0;
        prc = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
        if (prc < 0) {
            if (errno == EINTR) {
                continue;
            }
            failf(c, "poll failed", errno);
            break;
        }
        if (prc == 0) {
            continue;
        }
        if ((pfd.revents & (POLLOUT | POLLERR | POLLHUP)) && flush_out(c) < 0) {
            break;
        }
        if (!c->finished && !c->closed && (pfd.revents & (POLLIN | POLLERR | POLLHUP)) &&
            read_in(c) < 0) {
            break;
        }
        if (c->closed && !c->response_done && pending_out(c) > 0) {
            /* Try to flush our close_notify; a peer that already closed may reset us. */
            (void)flush_out(c);
        }
    }

    /* Judge the connection. */
    if (c->fail[0] == '\0') {
        if (!c->hs_done) {
            snprintf(c->fail, sizeof(c->fail), "connection closed during the handshake");
        } else if (opt.mode == MODE_RAW) {
            if (!c->hdr_done) {
                snprintf(c->fail, sizeof(c->fail), "no HTTP response header received");
            } else if (c->status != 200) {
                snprintf(c->fail, sizeof(c->fail), "HTTP status %d", c->status);
            } else if (c->content_length >= 0 && !c->response_done) {
                snprintf(c->fail, sizeof(c->fail), "response truncated at %llu bytes",
                    (unsigned long long)c->body_recv);
            } else {
                ok = 1;
            }
        } else if (!c->response_done) {
            snprintf(c->fail, sizeof(c->fail), "response truncated at %llu of %llu bytes",
                (unsigned long long)c->body_recv, (unsigned long long)opt.n);
        } else if (opt.mode == MODE_ECHO && c->body_sent != opt.n) {
            snprintf(c->fail, sizeof(c->fail), "only %llu of %llu body bytes were sent",
                (unsigned long long)c->body_sent, (unsigned long long)opt.n);
        } else {
            ok = 1;
        }
    }
    if (ok && opt.rehandshake >= 0 && !c->rehs_done) {
        snprintf(c->fail, sizeof(c->fail), "the rehandshake did not complete");
        ok = 0;
    }
    if (ok && index > 0 && !c->resumed && !opt.allow_full) {
        snprintf(c->fail, sizeof(c->fail), "reconnection %d was not resumed", index);
        ok = 0;
    }
    if (opt.mode == MODE_RAW) {
        fflush(stdout);
    }
    if (!ok) {
        snprintf(reason, reasonlen, "connection %d: %s", index, c->fail);
    }
    matrixSslDeleteSession(c->ssl);
    close(c->fd);
    free(c);
    return ok ? 0 : -1;
}

#define CLIENT_OPTSTRING "h:p:a:c:k:C:E:P:W:K:I:s:V:S:g:e:xr:FR:t:"

/* Loading failed: print the result line, free the keys and close the library. */
static int load_failed(sslKeys_t *keys, const char *what, int32 rc)
{
    printf("RESULT FAIL %s returned %d %s\n", what, (int)rc, rc_name(rc));
    matrixSslDeleteKeys(keys);
    matrixSslClose();
    return 1;
}

int main(int argc, char **argv)
{
    int o, k, have_mode = 0, result = 0, bad_word = 0;
    const char *ca;
    uint32 tmo = 60;
    sslKeys_t *keys = NULL;
    sslSessionId_t *sid;
    char reason[320];
    int32 rc;

    opt.host = "127.0.0.1";
    opt.port = "443";
    opt.mode = MODE_GET;
    opt.rehandshake = -1;
    opt.p12 = take_word_option(&argc, argv, "-p12", CLIENT_OPTSTRING, &bad_word);
    if (bad_word) {
        usage();
        return 2;
    }
    while ((o = getopt(argc, argv, CLIENT_OPTSTRING)) != -1) {
        switch (o) {
        case 'h': opt.host = optarg; break;
        case 'p': opt.port = optarg; break;
        case 'a': opt.ca = optarg; break;
        case 'c': opt.cert = optarg; break;
        case 'k': opt.key = optarg; break;
        case 'C': opt.eccert = optarg; break;
        case 'E': opt.eckey = optarg; break;
        case 'P': opt.keypass = optarg; break;
        case 'W': opt.p12pass = optarg; break;
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
        case 'S': opt.servername = optarg; break;
        case 'V':
            if (parse_u32(optarg, &opt.max_version) != 0 || opt.max_version < 0x0301 ||
                opt.max_version > 0x0304) {
                fprintf(stderr, "bad version (0x0301 to 0x0304): %s\n", optarg);
                return 2;
            }
            break;
        case 's':
            if (parse_u32(optarg, &opt.suite) != 0 || opt.suite > 0xffff) {
                fprintf(stderr, "bad suite id: %s\n", optarg);
                return 2;
            }
            break;
        case 'g':
        case 'e':
            if (parse_u64(optarg, &opt.n) != 0) {
                fprintf(stderr, "bad size: %s\n", optarg);
                return 2;
            }
            opt.mode = o == 'g' ? MODE_GET : MODE_ECHO;
            have_mode++;
            break;
        case 'x':
            opt.mode = MODE_RAW;
            have_mode++;
            break;
        case 'r':
            if (parse_u32(optarg, &opt.reconnects) != 0 || opt.reconnects > 10000) {
                fprintf(stderr, "bad reconnect count: %s\n", optarg);
                return 2;
            }
            break;
        case 'F': opt.allow_full = 1; break;
        case 'R':
            if (strcmp(optarg, "0") != 0 && strcmp(optarg, "1") != 0) {
                fprintf(stderr, "bad -R value (0 or 1): %s\n", optarg);
                return 2;
            }
            opt.rehandshake = optarg[0] - '0';
            break;
        case 't':
            if (parse_u32(optarg, &tmo) != 0 || tmo == 0 || tmo > 86400) {
                fprintf(stderr, "bad timeout: %s\n", optarg);
                return 2;
            }
            break;
        default:
            usage();
            return 2;
        }
    }
    if (optind != argc || have_mode != 1 || (opt.cert == NULL) != (opt.key == NULL) ||
        (opt.eccert == NULL) != (opt.eckey == NULL)) {
        usage();
        return 2;
    }
    if (psks.nkeys != psks.nids) {
        fprintf(stderr, "every -K needs an -I (got %d keys, %d identities)\n", psks.nkeys,
            psks.nids);
        return 2;
    }
    if (opt.p12pass != NULL && opt.p12 == NULL) {
        fprintf(stderr, "-W is the password of a -p12 file\n");
        return 2;
    }
    opt.timeout_ms = (int)tmo * 1000;
    signal(SIGPIPE, SIG_IGN);

    rc = matrixSslOpen();
    if (rc < 0) {
        printf("RESULT FAIL matrixSslOpen returned %d\n", (int)rc);
        return 1;
    }
    rc = matrixSslNewKeys(&keys);
    if (rc < 0) {
        printf("RESULT FAIL matrixSslNewKeys returned %d\n", (int)rc);
        matrixSslClose();
        return 1;
    }
    if (opt.max_version != 0) {
        rc = matrixSslSetMaxProtocolVersion((int32)opt.max_version);
        if (rc < 0) {
            printf("RESULT FAIL matrixSslSetMaxProtocolVersion returned %d %s\n", (int)rc,
                rc_name(rc));
            matrixSslDeleteKeys(keys);
            matrixSslClose();
            return 1;
        }
    }
    /* The CA file goes with the first PEM identity loaded, or on its own after the others
     * (the CA list is filled by one call). A PSK-only client loads no certificate at all. */
    ca = opt.ca;
    if (opt.cert != NULL) {
        rc = matrixSslLoadRsaKeys(keys, opt.cert, opt.key, opt.keypass, ca);
        if (rc < 0) {
            return load_failed(keys, "matrixSslLoadRsaKeys", rc);
        }
        ca = NULL;
    }
    if (opt.eccert != NULL) {
        rc = matrixSslLoadEcKeys(keys, opt.eccert, opt.eckey, opt.keypass, ca);
        if (rc < 0) {
            return load_failed(keys, "matrixSslLoadEcKeys", rc);
        }
        ca = NULL;
    }
    if (opt.p12 != NULL) {
        rc = matrixSslLoadPkcs12(keys, (unsigned char *)opt.p12, (unsigned char *)opt.p12pass,
            opt.p12pass != NULL ? (int32)strlen(opt.p12pass) : 0, NULL, 0, 0);
        if (rc < 0) {
            return load_failed(keys, "matrixSslLoadPkcs12", rc);
        }
    }
    if (ca != NULL) {
        rc = matrixSslLoadRsaKeys(keys, NULL, NULL, NULL, ca);
        if (rc < 0) {
            return load_failed(keys, "matrixSslLoadRsaKeys (CA file)", rc);
        }
    }
    rc = psk_load(keys, &psks);
    if (rc < 0) {
        return load_failed(keys, "matrixSslLoadPsk", rc);
    }
    if (opt.servername != NULL && make_sni_extension(opt.servername, &hello_ext) < 0) {
        printf("RESULT FAIL cannot build the server_name extension\n");
        matrixSslDeleteKeys(keys);
        matrixSslClose();
        return 1;
    }
    /* Allocated (not on the stack) so valgrind sees any out-of-bounds library write. */
    sid = malloc(sizeof(*sid));
    if (sid == NULL) {
        printf("RESULT FAIL out of memory\n");
        matrixSslDeleteHelloExtension(hello_ext);
        matrixSslDeleteKeys(keys);
        matrixSslClose();
        return 1;
    }
    matrixSslInitSessionId(sid[0]); /* the 3.3 macro takes an lvalue struct */

    for (k = 0; k <= (int)opt.reconnects; k++) {
        if (run_connection(keys, sid, k, reason, sizeof(reason)) != 0) {
            result = -1;
            break;
        }
    }

    free(sid);
    matrixSslDeleteHelloExtension(hello_ext);
    matrixSslDeleteKeys(keys);
    matrixSslClose();
    if (result == 0) {
        printf("RESULT OK\n");
        return 0;
    }
    printf("RESULT FAIL %s\n", reason);
    return 1;
}
