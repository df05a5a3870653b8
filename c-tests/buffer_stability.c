/*
 * Output buffer addresses stay put (ABI.md §7.2): both buffers start at 1500 bytes and never
 * shrink below that, so an application record that fits is encoded without moving the
 * buffer. Applications written for 3.3 rely on it without knowing: they take the pointer
 * from matrixSslGetOutdata, call matrixSslEncodeToOutdata, then send from the old pointer.
 * Each check below does exactly that and hands the bytes read through the old pointer to
 * the peer, which must decode them as the record that was encoded.
 *
 * Sequences: after a full handshake, after a resumed handshake (a second client session
 * with the sslSessionId_t), after client- and server-initiated renegotiations (KeyUpdates on
 * TLS 1.3, ABI.md D29), and after a 16 KB record was sent and flushed; on the client and on
 * the server side; TLS 1.3, 1.2 and 1.0.
 *
 * usage: buffer_stability FIXTURE_DIR   (made by c-tests/make-test-pki.sh)
 */
#include "matrixssl/matrixsslApi.h"

#include "pair_util.h"

static sslKeys_t *srvKeys, *cliKeys;

/* A small request, the size a web client sends on a resumed connection. */
static const char request[] = "GET /index.html HTTP/1.1\r\nHost: device.local\r\n\r\n";

/* GetOutdata (nothing pending), EncodeToOutdata, then "send" from the first pointer: the
   peer must receive the request. `twice` queues a second record before sending. */
static void encodeFromOldPointer(ssl_t *from, ssl_t *to, sink_t *toSink, int twice,
                                 const char *what)
{
    unsigned char *p = NULL, *again = NULL, *in;
    int32 pending, encoded, n, room, rc;
    unsigned char *pt;
    uint32 ptlen, want = (uint32)strlen(request);
    pending = matrixSslGetOutdata(from, &p);
    CHECK(pending == 0 && p != NULL, "%s: nothing pending before the encode (%d)", what, pending);
    if (pending != 0 || p == NULL) return;
    encoded = matrixSslEncodeToOutdata(from, (unsigned char *)request, want);
    CHECK(encoded > 0, "%s: EncodeToOutdata (%d)", what, encoded);
    if (twice) {
        encoded = matrixSslEncodeToOutdata(from, (unsigned char *)request, want);
        CHECK(encoded > 0, "%s: second EncodeToOutdata (%d)", what, encoded);
        want *= 2;
    }
    if (encoded <= 0) return;
    n = matrixSslGetOutdata(from, &again);
    CHECK(n == encoded, "%s: GetOutdata reports the encoded bytes (%d, %d)", what, n, encoded);
    CHECK(again == p, "%s: the output buffer did not move (%p, then %p)", what, (void *)p,
          (void *)again);
    /* The application sends from the pointer it took before the encode. */
    room = matrixSslGetReadbuf(to, &in);
    CHECK(room >= encoded, "%s: peer read room %d", what, room);
    if (room < encoded) return;
    memcpy(in, p, encoded);
    rc = matrixSslSentData(from, encoded);
    CHECK(rc == MATRIXSSL_SUCCESS, "%s: SentData (%d)", what, rc);
    toSink->len = 0;
    toSink->nalerts = 0;
    rc = matrixSslReceivedData(to, encoded, &pt, &ptlen);
    consume(to, rc, pt, ptlen, toSink);
    CHECK(toSink->nalerts == 0, "%s: peer saw no alert", what);
    CHECK(toSink->len == want, "%s: peer decoded %u of %u bytes", what, toSink->len, want);
    if (toSink->len == want) {
        CHECK(!memcmp(toSink->data, request, strlen(request)) &&
              !memcmp(toSink->data + want - strlen(request), request, strlen(request)),
              "%s: peer decoded the request", what);
    }
}

/* Two queued records whose sizes cover every CBC padding length: the room a record
   reserves must never push the buffer past its default size while the records fit. */
static void queuedSweep(ssl_t *from, ssl_t *to, sink_t *toSink, const char *stage)
{
    unsigned char first[64], *p = NULL, *again = NULL, *in, *pt;
    uint32 k, ptlen;
    int32 encoded = 0, room, rc;
    memset(first, 'x', sizeof first);
    for (k = 0; k < sizeof first; k++) {
        matrixSslGetOutdata(from, &p);
        CHECK(matrixSslEncodeToOutdata(from, first, k) > 0, "%s sweep %u: first", stage, k);
        encoded = matrixSslEncodeToOutdata(from, (unsigned char *)request, strlen(request));
        CHECK(encoded > 0, "%s sweep %u: second", stage, k);
        CHECK(matrixSslGetOutdata(from, &again) == encoded && again == p,
              "%s sweep %u: the output buffer did not move", stage, k);
        room = matrixSslGetReadbuf(to, &in);
        if (encoded <= 0 || room < encoded) {
            CHECK(0, "%s sweep %u: peer read room %d", stage, k, room);
            return;
        }
        memcpy(in, p, encoded);
        matrixSslSentData(from, encoded);
        toSink->len = 0;
        rc = matrixSslReceivedData(to, encoded, &pt, &ptlen);
        consume(to, rc, pt, ptlen, toSink);
        CHECK(toSink->len == k + strlen(request), "%s sweep %u: peer decoded %u bytes", stage, k,
              toSink->len);
    }
}

/* Both directions, one and two records each. */
static void bothSides(ssl_t *cli, sink_t *cs, ssl_t *srv, sink_t *ss, const char *stage)
{
    char what[96];
    snprintf(what, sizeof what, "%s, client", stage);
    encodeFromOldPointer(cli, srv, ss, 0, what);
    snprintf(what, sizeof what, "%s, server", stage);
    encodeFromOldPointer(srv, cli, cs, 0, what);
    snprintf(what, sizeof what, "%s, client, two records", stage);
    encodeFromOldPointer(cli, srv, ss, 1, what);
    snprintf(what, sizeof what, "%s, server, two records", stage);
    encodeFromOldPointer(srv, cli, cs, 1, what);
    snprintf(what, sizeof what, "%s, client", stage);
    queuedSweep(cli, srv, ss, what);
    snprintf(what, sizeof what, "%s, server", stage);
    queuedSweep(srv, cli, cs, what);
}

/* Runs a renegotiation that one side queued with matrixSslEncodeRehandshake. On TLS 1.3
   that was a KeyUpdate (ABI.md D29): it is done once both sides have sent everything, and
   it completes no handshake. */
static int renegotiate(ssl_t *cli, sink_t *cs, ssl_t *srv, sink_t *ss, int32 version)
{
    int i;
    cs->completes = ss->completes = 0;
    for (i = 0; i < 12; i++) {
        pump(cli, cs, srv, ss, 100000, 100000);
        pump(srv, ss, cli, cs, 100000, 100000);
        if (matrixSslGetOutdata(cli, NULL) != 0 || matrixSslGetOutdata(srv, NULL) != 0) continue;
        if (version == 0x0304) {
            return cs->completes == 0 && ss->completes == 0 && cs->nalerts == 0 &&
                ss->nalerts == 0;
        }
        if (cs->completes == 1 && ss->completes == 1) return 1;
    }
    return 0;
}

/* One 16 KB record sent and flushed, then small records again: the buffer that grew for the
   large record goes back to the default size and then stays put. */
static void afterLargeRecord(ssl_t *from, sink_t *fs, ssl_t *to, sink_t *ts, const char *side)
{
    char what[96];
    snprintf(what, sizeof what, "after a 16 KB record, %s", side);
    transfer(from, fs, to, ts, 16384, 1, 100000, what);
    encodeFromOldPointer(from, to, ts, 0, what);
    snprintf(what, sizeof what, "after a 16 KB record and a small one, %s", side);
    encodeFromOldPointer(from, to, ts, 0, what);
    encodeFromOldPointer(from, to, ts, 1, what);
}

static void run(int32 version, uint16 suite)
{
    sslSessionId_t sid;
    ssl_t *cli = NULL, *srv = NULL;
    sink_t cs, ss;
    char stage[96];
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    matrixSslInitSessionId(sid);
    matrixSslSetMaxProtocolVersion(version);

    /* Full handshake. */
    CHECK(matrixSslNewClientSession(&cli, cliKeys, &sid, suite, NULL, NULL, NULL) ==
          MATRIXSSL_REQUEST_SEND, "v%04x %04x: client", version, suite);
    CHECK(matrixSslNewServerSession(&srv, srvKeys, NULL) == MATRIXSSL_SUCCESS, "server");
    if (!cli || !srv) return;
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "v%04x %04x: full handshake", version, suite);
    CHECK(matrixSslGetNegotiatedVersion(cli) == version, "v%04x %04x: negotiated %04x", version,
          suite, matrixSslGetNegotiatedVersion(cli));
    snprintf(stage, sizeof stage, "v%04x %04x full handshake", version, suite);
    bothSides(cli, &cs, srv, &ss, stage);
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);

    /* Resumed handshake: a second client session with the session id. */
    CHECK(matrixSslNewClientSession(&cli, cliKeys, &sid, suite, NULL, NULL, NULL) ==
          MATRIXSSL_REQUEST_SEND, "v%04x %04x: resuming client", version, suite);
    CHECK(matrixSslNewServerSession(&srv, srvKeys, NULL) == MATRIXSSL_SUCCESS, "server");
    if (!cli || !srv) return;
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "v%04x %04x: resumed handshake", version, suite);
    CHECK(matrixSslIsResumed(cli) == 1 && matrixSslIsResumed(srv) == 1,
          "v%04x %04x: resumed (%d, %d)", version, suite, matrixSslIsResumed(cli),
          matrixSslIsResumed(srv));
    snprintf(stage, sizeof stage, "v%04x %04x resumed handshake", version, suite);
    bothSides(cli, &cs, srv, &ss, stage);

    /* Renegotiations on the resumed connection: client-initiated (resumed), then a full one
       the server asks for. */
    matrixSslAddRehandshakeCredits(srv, 10);
    CHECK(matrixSslEncodeRehandshake(cli, NULL, NULL, 0, 0) == MATRIXSSL_SUCCESS,
          "v%04x %04x: client rehandshake queued", version, suite);
    CHECK(renegotiate(cli, &cs, srv, &ss, version), "v%04x %04x: client rehandshake", version,
          suite);
    snprintf(stage, sizeof stage, "v%04x %04x client renegotiation", version, suite);
    bothSides(cli, &cs, srv, &ss, stage);
    CHECK(matrixSslEncodeRehandshake(srv, NULL, NULL, SSL_OPTION_FULL_HANDSHAKE, 0) ==
          MATRIXSSL_SUCCESS, "v%04x %04x: server rehandshake queued", version, suite);
    CHECK(renegotiate(cli, &cs, srv, &ss, version), "v%04x %04x: server rehandshake", version,
          suite);
    snprintf(stage, sizeof stage, "v%04x %04x server renegotiation", version, suite);
    bothSides(cli, &cs, srv, &ss, stage);

    /* A large record each way, then small ones again. */
    snprintf(stage, sizeof stage, "v%04x %04x client", version, suite);
    afterLargeRecord(cli, &cs, srv, &ss, stage);
    snprintf(stage, sizeof stage, "v%04x %04x server", version, suite);
    afterLargeRecord(srv, &ss, cli, &cs, stage);

    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);
}

int main(int argc, char **argv)
{
    char cert[512], key[512], ca[512];
    if (argc != 2) {
        printf("usage: %s FIXTURE_DIR\n", argv[0]);
        return 2;
    }
    snprintf(cert, sizeof cert, "%s/server-chain.pem", argv[1]);
    snprintf(key, sizeof key, "%s/server.key", argv[1]);
    snprintf(ca, sizeof ca, "%s/ca.pem", argv[1]);
    CHECK(matrixSslOpen() == PS_SUCCESS, "open");
    matrixSslNewKeys(&srvKeys);
    matrixSslNewKeys(&cliKeys);
    CHECK(matrixSslLoadRsaKeys(srvKeys, cert, key, NULL, NULL) == 0, "server keys");
    CHECK(matrixSslLoadRsaKeys(cliKeys, NULL, NULL, NULL, ca) == 0, "client CA");
    /* TLS 1.3 (the default) with AES-GCM and ChaCha20-Poly1305; TLS 1.2 with AES-GCM and
       CBC; TLS 1.0 CBC, where the client splits records 1/n-1. */
    run(0x0304, 0x1301);
    run(0x0304, 0x1303);
    run(0x0303, 0x009c);
    run(0x0303, 0x002f);
    run(0x0301, 0x002f);
    matrixSslSetMaxProtocolVersion(0x0304);
    matrixSslDeleteKeys(srvKeys);
    matrixSslDeleteKeys(cliKeys);
    matrixSslClose();
    printf("buffer_stability: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
