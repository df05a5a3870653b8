/*
 * TLS 1.3 (ABI.md section 9) through the public C API only, with in-memory pairs: every 1.3
 * suite via cipherSpec with RSA and ECDSA server identities, the return codes of each flight
 * (D27), data both ways up to and past the record limit, empty records and record sizes
 * (D31), KeyUpdate started by either side (D29), closure (D30), client authentication with
 * the certificate callbacks (D26), resumption through sslSessionId_t (D28), post-handshake
 * authentication (D29), version caps and TLS 1.2 cipherSpecs (D25), suite control
 * and bad cipherSpecs. Every case sets the process-wide protocol cap it needs and puts the
 * cap back to TLS 1.2 afterwards, so cases do not depend on the library's default.
 *
 * usage: tls13_api FIXTURE_DIR   (made by c-tests/make-test-pki.sh)
 */
#include "pair_util.h"

#define EXT_SUPPORTED_VERSIONS 43

static sslKeys_t *rsaSrvKeys, *ecSrvKeys, *ec384SrvKeys, *cliKeys, *cliIdKeys, *srvAuthKeys,
    *srvOtherCaKeys, *cliTwoIdKeys;
static int cbCalls, cbChainLen, cbAlert, cbHasName, cbKeyAlg;

/* Records what the certificate callback saw and passes the library's verdict through, as
   an application relying on the built-in validation does (ABI.md D26: as in TLS 1.2). */
static int32 recordingCertCb(ssl_t *ssl, psX509Cert_t *cert, int32 alert)
{
    psX509Cert_t *c;
    (void)ssl;
    cbCalls++;
    cbAlert = alert;
    cbChainLen = 0;
    for (c = cert; c != NULL; c = c->next) cbChainLen++;
    cbHasName = cert != NULL && cert->subject.commonName != NULL &&
        strcmp(cert->subject.commonName, "localhost") == 0;
    cbKeyAlg = cert != NULL ? cert->pubKeyAlgorithm : 0;
    return alert;
}

static void resetCb(void)
{
    cbCalls = cbChainLen = cbHasName = cbKeyAlg = 0;
    cbAlert = -1;
}

typedef struct {
    ssl_t *cli, *srv;
    sink_t cs, ss;
    int clientAuth; /* the server session has a certificate callback: it asks for one */
} pair_t;

/* Creates both sessions: the client under `cliMax`, the server under `srvMax` (the cap is
   process-wide and read when a session is created). */
static int newPair(pair_t *p, sslKeys_t *ck, uint16 spec, sslKeys_t *sk, int32 cliMax,
                   int32 srvMax, int32 (*cliCb)(ssl_t *, psX509Cert_t *, int32),
                   int32 (*srvCb)(ssl_t *, psX509Cert_t *, int32))
{
    int32 rc;
    memset(p, 0, sizeof *p);
    matrixSslSetMaxProtocolVersion(cliMax);
    rc = matrixSslNewClientSession(&p->cli, ck, NULL, spec, cliCb, NULL, NULL);
    CHECK(rc == MATRIXSSL_REQUEST_SEND, "new client spec %04x: %d", spec, rc);
    matrixSslSetMaxProtocolVersion(srvMax);
    rc = matrixSslNewServerSession(&p->srv, sk, srvCb);
    p->clientAuth = srvCb != NULL;
    CHECK(rc == MATRIXSSL_SUCCESS, "new server: %d", rc);
    matrixSslSetMaxProtocolVersion(0x0303);
    return p->cli != NULL && p->srv != NULL;
}

static void freePair(pair_t *p)
{
    matrixSslDeleteSession(p->cli);
    matrixSslDeleteSession(p->srv);
    free(p->cs.data);
    free(p->ss.data);
}

/* Moves everything `from` has queued into `to` (in pieces as large as `to`'s read buffer
   allows); returns the code of the last ReceivedData (the rest of the records are reported
   through consume) and SentData's code in *sentRc. */
static int32 flight(ssl_t *from, ssl_t *to, sink_t *toSink, int32 *sentRc)
{
    unsigned char *out, *in, *pt, *copy;
    uint32 ptlen;
    int32 n = matrixSslGetOutdata(from, &out), rc = -1000, off = 0, room, k;
    if (n <= 0) return -1000;
    copy = malloc(n);
    memcpy(copy, out, n);
    *sentRc = matrixSslSentData(from, n);
    while (off < n) {
        room = matrixSslGetReadbuf(to, &in);
        if (room <= 0) break;
        k = n - off < room ? n - off : room;
        memcpy(in, copy + off, k);
        off += k;
        rc = matrixSslReceivedData(to, k, &pt, &ptlen);
        consume(to, rc, pt, ptlen, toSink);
    }
    free(copy);
    return rc;
}

/* Runs the handshake flight by flight and checks the return codes of ABI.md D27: the server
   answers the ClientHello with REQUEST_SEND, the client answers the server's flight with
   REQUEST_SEND (its Finished), SentData of that Finished is the client's HANDSHAKE_COMPLETE
   and ReceivedData of it is the server's. */
static int handshake13(pair_t *p, const char *what)
{
    int32 rc, sent;
    rc = flight(p->cli, p->srv, &p->ss, &sent);
    CHECK(sent == MATRIXSSL_SUCCESS, "%s: SentData(ClientHello) %d", what, sent);
    CHECK(rc == MATRIXSSL_REQUEST_SEND, "%s: server ReceivedData(ClientHello) %d", what, rc);
    rc = flight(p->srv, p->cli, &p->cs, &sent);
    CHECK(sent == MATRIXSSL_SUCCESS, "%s: SentData(server flight) %d", what, sent);
    /* REQUEST_SEND from the piece that queued the client's Finished; a later piece (records
       behind the server's Finished, such as its ticket) asks for more input. */
    CHECK(rc == MATRIXSSL_REQUEST_SEND || rc == MATRIXSSL_REQUEST_RECV,
          "%s: client ReceivedData(server flight) %d", what, rc);
    CHECK(p->cs.completes == 0 && !matrixSslHandshakeIsComplete(p->srv),
          "%s: nothing complete before the client's Finished is sent", what);
    rc = flight(p->cli, p->srv, &p->ss, &sent);
    CHECK(sent == MATRIXSSL_HANDSHAKE_COMPLETE, "%s: client SentData(Finished) %d", what, sent);
    if (sent == MATRIXSSL_HANDSHAKE_COMPLETE) p->cs.completes++;
    if (!p->clientAuth) {
        /* Without client authentication the NewSessionTicket (D28) went out with the
           server's Finished (RFC 8446 4.6.1): the client's Finished completes the server's
           handshake in ReceivedData with nothing left to send, as the client's Finished
           does in a TLS 1.2 resumption. */
        unsigned char *out;
        CHECK(rc == MATRIXSSL_HANDSHAKE_COMPLETE, "%s: server ReceivedData(Finished) %d", what,
              rc);
        CHECK(matrixSslGetOutdata(p->srv, &out) == 0, "%s: server has nothing left to send",
              what);
    } else {
        /* A server that authenticated the client answers its Finished with the ticket:
           queued as a flight (REQUEST_SEND), and SentData of it reports the completion, as
           SentData of its CCS+Finished does in a TLS 1.2 full handshake. */
        CHECK(rc == MATRIXSSL_REQUEST_SEND, "%s: server ReceivedData(Finished) %d", what, rc);
        rc = flight(p->srv, p->cli, &p->cs, &sent);
        CHECK(sent == MATRIXSSL_HANDSHAKE_COMPLETE, "%s: server SentData(ticket) %d", what,
              sent);
        if (sent == MATRIXSSL_HANDSHAKE_COMPLETE) p->ss.completes++;
        CHECK(rc == MATRIXSSL_REQUEST_RECV, "%s: client ReceivedData(ticket) %d", what, rc);
    }
    /* Whatever the server sends after its handshake (e.g. a NewSessionTicket) must not
       surface as data or as a second completion. */
    pump(p->srv, &p->ss, p->cli, &p->cs, 100000, 100000);
    CHECK(p->cs.completes == 1 && p->ss.completes == 1, "%s: HANDSHAKE_COMPLETE once each (%d, %d)",
          what, p->cs.completes, p->ss.completes);
    CHECK(p->cs.len == 0 && p->ss.len == 0, "%s: no APP_DATA during the handshake", what);
    CHECK(p->cs.nalerts == 0 && p->ss.nalerts == 0, "%s: no alerts", what);
    return matrixSslHandshakeIsComplete(p->cli) && matrixSslHandshakeIsComplete(p->srv);
}

static void checkNegotiated(pair_t *p, int32 version, uint16 suite, const char *what)
{
    CHECK(matrixSslGetNegotiatedVersion(p->cli) == version &&
          matrixSslGetNegotiatedVersion(p->srv) == version, "%s: version %04x/%04x, want %04x",
          what, matrixSslGetNegotiatedVersion(p->cli), matrixSslGetNegotiatedVersion(p->srv),
          version);
    CHECK(matrixSslGetNegotiatedCipher(p->cli) == suite &&
          matrixSslGetNegotiatedCipher(p->srv) == suite, "%s: suite %04x/%04x, want %04x", what,
          matrixSslGetNegotiatedCipher(p->cli), matrixSslGetNegotiatedCipher(p->srv), suite);
}

/* Every 1.3 suite named as cipherSpec, against one server identity: flights, data sizes
   around the record limit both ways, empty records, record sizes. */
static void suiteTest(sslKeys_t *sk, const char *ident, uint16 suite)
{
    pair_t p;
    char what[80];
    uint32 sizes[] = { 0, 1, 100, 16383, 16384, 16385, 70000 };
    unsigned k;
    unsigned char *out, *in, *pt;
    uint32 ptlen;
    int32 n, rc;
    snprintf(what, sizeof what, "%s %04x", ident, suite);
    if (!newPair(&p, cliKeys, suite, sk, 0x0304, 0x0304, NULL, NULL)) return;
    if (!handshake13(&p, what)) {
        freePair(&p);
        return;
    }
    checkNegotiated(&p, 0x0304, suite, what);
    for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char w[96];
        snprintf(w, sizeof w, "%s c->s %u", what, sizes[k]);
        transfer(p.cli, &p.cs, p.srv, &p.ss, sizes[k], k & 1, 100000, w);
        snprintf(w, sizeof w, "%s s->c %u", what, sizes[k]);
        transfer(p.srv, &p.ss, p.cli, &p.cs, sizes[k], !(k & 1), 100000, w);
    }
    /* D31: a 1.3 record is header 5 + plaintext + inner content type 1 + AEAD tag 16. */
    CHECK(matrixSslGetEncodedSize(p.cli, 5) == 27, "%s: GetEncodedSize(5) %d", what,
          matrixSslGetEncodedSize(p.cli, 5));
    CHECK(matrixSslGetEncodedSize(p.srv, 16384) == 16406, "%s: GetEncodedSize(16384) %d", what,
          matrixSslGetEncodedSize(p.srv, 16384));
    CHECK(matrixSslEncodeToOutdata(p.cli, (unsigned char *)"hello", 5) == 27, "%s: record 1", what);
    CHECK(matrixSslEncodeToOutdata(p.cli, (unsigned char *)"", 0) == 27 + 22, "%s: empty record",
          what);
    n = matrixSslGetOutdata(p.cli, &out);
    CHECK(n == 49 && out[0] == 23 && out[1] == 3 && out[2] == 3,
          "%s: two application_data records with legacy version 3.3 (%d bytes)", what, n);
    CHECK(matrixSslGetReadbuf(p.srv, &in) >= n, "%s: readbuf room", what);
    memcpy(in, out, n);
    matrixSslSentData(p.cli, n);
    rc = matrixSslReceivedData(p.srv, n, &pt, &ptlen);
    CHECK(rc == MATRIXSSL_APP_DATA && ptlen == 5 && !memcmp(pt, "hello", 5), "%s: first record %d",
          what, rc);
    rc = matrixSslProcessedData(p.srv, &pt, &ptlen);
    CHECK(rc == MATRIXSSL_APP_DATA && ptlen == 0, "%s: empty record delivered (%d, %u)", what, rc,
          ptlen);
    rc = matrixSslProcessedData(p.srv, &pt, &ptlen);
    CHECK(rc == 0, "%s: drained (%d)", what, rc);
    freePair(&p);
}

/* cipherSpec 0: the client offers all three suites, the server picks one of them. */
static void defaultOfferTest(sslKeys_t *sk, const char *ident)
{
    pair_t p;
    char what[64];
    int32 s;
    snprintf(what, sizeof what, "%s default offer", ident);
    if (!newPair(&p, cliKeys, 0, sk, 0x0304, 0x0304, NULL, NULL)) return;
    if (handshake13(&p, what)) {
        s = matrixSslGetNegotiatedCipher(p.srv);
        CHECK(s >= 0x1301 && s <= 0x1303, "%s: suite %04x", what, s);
        checkNegotiated(&p, 0x0304, (uint16)s, what);
        transfer(p.cli, &p.cs, p.srv, &p.ss, 20000, 0, 100000, what);
        transfer(p.srv, &p.ss, p.cli, &p.cs, 20000, 1, 100000, what);
    }
    freePair(&p);
}

/* KeyUpdate (D29): EncodeRehandshake on an established 1.3 session queues
   KeyUpdate(update_requested); the peer consumes it inside ReceivedData, queues its own
   KeyUpdate (REQUEST_SEND) and never reports APP_DATA or a handshake for it. Data written
   before and after the update, in the same flight, arrives in order. */
static void keyUpdateTest(int fromClient, uint16 suite)
{
    pair_t p;
    ssl_t *a, *b;
    sink_t *as, *bs;
    char what[64];
    int round;
    int32 rc, sent;
    snprintf(what, sizeof what, "key update from %s %04x", fromClient ? "client" : "server", suite);
    if (!newPair(&p, cliKeys, suite, rsaSrvKeys, 0x0304, 0x0304, NULL, NULL)) return;
    if (!handshake13(&p, what)) {
        freePair(&p);
        return;
    }
    a = fromClient ? p.cli : p.srv;
    as = fromClient ? &p.cs : &p.ss;
    b = fromClient ? p.srv : p.cli;
    bs = fromClient ? &p.ss : &p.cs;
    /* A server's rekeys spend rehandshake credits (D29; creditsTest); it starts with one. */
    if (!fromClient) matrixSslAddRehandshakeCredits(p.srv, 3);
    for (round = 0; round < 3; round++) {
        transfer(a, as, b, bs, 3000, 0, 100000, what);
        /* The update alone: the peer answers and reports nothing else. */
        bs->len = 0;
        as->completes = bs->completes = 0;
        CHECK(matrixSslEncodeRehandshake(a, NULL, NULL, 0, 0) == MATRIXSSL_SUCCESS, "%s: queued",
              what);
        CHECK(matrixSslGetOutdata(a, NULL) > 0, "%s: KeyUpdate record pending", what);
        rc = flight(a, b, bs, &sent);
        CHECK(sent == MATRIXSSL_SUCCESS, "%s: SentData(KeyUpdate) %d", what, sent);
        CHECK(rc == MATRIXSSL_REQUEST_SEND, "%s: peer ReceivedData(KeyUpdate) %d", what, rc);
        CHECK(bs->len == 0 && bs->nalerts == 0, "%s: no APP_DATA/alert from a KeyUpdate", what);
        CHECK(matrixSslGetOutdata(b, NULL) > 0, "%s: the answer is queued", what);
        /* The answer (update_not_requested) is consumed without a further answer. */
        as->len = 0;
        rc = flight(b, a, as, &sent);
        /* REQUEST_RECV: a record consumed with nothing to deliver or send (ABI.md 4). */
        CHECK(sent == MATRIXSSL_SUCCESS && rc == MATRIXSSL_REQUEST_RECV,
              "%s: answer sent %d / received %d", what, sent, rc);
        CHECK(matrixSslGetOutdata(a, NULL) == 0, "%s: no answer to the answer", what);
        CHECK(as->len == 0 && as->nalerts == 0, "%s: no APP_DATA/alert from the answer", what);
        CHECK(as->completes == 0 && bs->completes == 0, "%s: a KeyUpdate is no handshake", what);
        transfer(a, as, b, bs, 17000, 1, 100000, what);
        transfer(b, bs, a, as, 17000, 0, 100000, what);
    }
    /* Data, KeyUpdate and data in one flight, and data from the peer crossing the answer. */
    bs->len = 0;
    CHECK(matrixSslEncodeToOutdata(a, (unsigned char *)"before", 6) > 0, "%s: data before", what);
    CHECK(matrixSslEncodeRehandshake(a, NULL, NULL, 0, 0) == MATRIXSSL_SUCCESS, "%s: queued", what);
    CHECK(matrixSslEncodeToOutdata(a, (unsigned char *)"after", 5) > 0, "%s: data after", what);
    pump(a, as, b, bs, 100000, 100000);
    CHECK(bs->len == 11 && !memcmp(bs->data, "beforeafter", 11), "%s: both records arrived (%u)",
          what, bs->len);
    CHECK(matrixSslGetOutdata(b, NULL) > 0, "%s: answer queued behind the data", what);
    CHECK(matrixSslEncodeToOutdata(b, (unsigned char *)"reply", 5) > 0, "%s: peer data", what);
    as->len = 0;
    pump(b, bs, a, as, 100000, 100000);
    CHECK(as->len == 5 && !memcmp(as->data, "reply", 5), "%s: peer data after its answer", what);
    CHECK(matrixSslGetOutdata(a, NULL) == 0, "%s: nothing more queued", what);
    freePair(&p);
}

/* Both sides update at the same time: each answers the other's request once. */
static void crossedKeyUpdateTest(void)
{
    pair_t p;
    const char *what = "crossed key updates";
    if (!newPair(&p, cliKeys, 0, ecSrvKeys, 0x0304, 0x0304, NULL, NULL)) return;
    if (handshake13(&p, what)) {
        CHECK(matrixSslEncodeRehandshake(p.cli, NULL, NULL, 0, 0) == 0, "%s: client", what);
        CHECK(matrixSslEncodeRehandshake(p.srv, NULL, NULL, 0, 0) == 0, "%s: server", what);
        pump(p.cli, &p.cs, p.srv, &p.ss, 100000, 100000);
        pump(p.srv, &p.ss, p.cli, &p.cs, 100000, 100000);
        pump(p.cli, &p.cs, p.srv, &p.ss, 100000, 100000);
        pump(p.srv, &p.ss, p.cli, &p.cs, 100000, 100000);
        CHECK(p.cs.nalerts == 0 && p.ss.nalerts == 0 && p.cs.len == 0 && p.ss.len == 0,
              "%s: no alerts or data", what);
        transfer(p.cli, &p.cs, p.srv, &p.ss, 5000, 0, 100000, what);
        transfer(p.srv, &p.ss, p.cli, &p.cs, 5000, 1, 100000, what);
    }
    freePair(&p);
}

/* D29: rehandshake credits (D7) apply to a TLS 1.3 server's EncodeRehandshake, KeyUpdate and
   post-handshake authentication alike: one per call, the session starts with one, and a
   call without a credit fails with nothing sent. The client's calls and the peer's KeyUpdate
   requests are not counted. */
static void creditsTest(void)
{
    pair_t p;
    int i;
    const char *what = "1.3 rehandshake credits";
    resetCb();
    if (!newPair(&p, cliKeys, 0, ecSrvKeys, 0x0304, 0x0304, NULL, NULL)) return;
    if (handshake13(&p, what)) {
        CHECK(matrixSslEncodeRehandshake(p.srv, NULL, NULL, 0, 0) == MATRIXSSL_SUCCESS,
              "%s: the default credit", what);
        pump(p.srv, &p.ss, p.cli, &p.cs, 100000, 100000);
        pump(p.cli, &p.cs, p.srv, &p.ss, 100000, 100000);
        CHECK(matrixSslEncodeRehandshake(p.srv, NULL, NULL, 0, 0) == MATRIXSSL_ERROR,
              "%s: refused without a credit", what);
        CHECK(matrixSslGetOutdata(p.srv, NULL) == 0, "%s: nothing queued when refused", what);
        for (i = 0; i < 3; i++) {
            CHECK(matrixSslEncodeRehandshake(p.cli, NULL, NULL, 0, 0) == MATRIXSSL_SUCCESS,
                  "%s: client request %d", what, i);
            pump(p.cli, &p.cs, p.srv, &p.ss, 100000, 100000);
            pump(p.srv, &p.ss, p.cli, &p.cs, 100000, 100000);
        }
        CHECK(p.cs.nalerts == 0 && p.ss.nalerts == 0, "%s: peer requests answered", what);
        matrixSslAddRehandshakeCredits(p.srv, 2);
        for (i = 0; i < 2; i++) {
            CHECK(matrixSslEncodeRehandshake(p.srv, NULL, NULL, 0, 0) == MATRIXSSL_SUCCESS,
                  "%s: added credit %d", what, i);
            pump(p.srv, &p.ss, p.cli, &p.cs, 100000, 100000);
            pump(p.cli, &p.cs, p.srv, &p.ss, 100000, 100000);
        }
        CHECK(matrixSslEncodeRehandshake(p.srv, NULL, NULL, 0, 0) == MATRIXSSL_ERROR,
              "%s: spent again", what);
        transfer(p.srv, &p.ss, p.cli, &p.cs, 5000, 1, 100000, what);
        transfer(p.cli, &p.cs, p.srv, &p.ss, 5000, 0, 100000, what);
    }
    freePair(&p);

    /* Post-handshake authentication spends the same credit. */
    what = "1.3 credits: post-handshake auth";
    resetCb();
    if (!newPair(&p, cliIdKeys, 0, srvAuthKeys, 0x0304, 0x0304, NULL, NULL)) return;
    if (handshake13(&p, what)) {
        CHECK(matrixSslEncodeRehandshake(p.srv, NULL, recordingCertCb, 0, 0) == MATRIXSSL_SUCCESS,
              "%s: the default credit", what);
        pump(p.srv, &p.ss, p.cli, &p.cs, 100000, 100000);
        pump(p.cli, &p.cs, p.srv, &p.ss, 100000, 100000);
        CHECK(cbCalls == 1 && matrixSslHandshakeIsComplete(p.srv), "%s: authenticated", what);
        CHECK(matrixSslEncodeRehandshake(p.srv, NULL, recordingCertCb, 0, 0) == MATRIXSSL_ERROR,
              "%s: refused without a credit", what);
        CHECK(matrixSslGetOutdata(p.srv, NULL) == 0 && matrixSslHandshakeIsComplete(p.srv),
              "%s: nothing sent, still complete", what);
    }
    freePair(&p);
}

/* D30: close_notify closes the sender's direction; the receiver answers with its own. */
static void closureTest(int fromClient)
{
    pair_t p;
    ssl_t *a, *b;
    sink_t *bs, *as;
    unsigned char *out, *in, *pt;
    uint32 ptlen;
    int32 n, rc;
    const char *what = fromClient ? "closure from client" : "closure from server";
    if (!newPair(&p, cliKeys, 0, rsaSrvKeys, 0x0304, 0x0304, NULL, NULL)) return;
    if (!handshake13(&p, what)) {
        freePair(&p);
        return;
    }
    a = fromClient ? p.cli : p.srv;
    as = fromClient ? &p.cs : &p.ss;
    b = fromClient ? p.srv : p.cli;
    bs = fromClient ? &p.ss : &p.cs;
    transfer(a, as, b, bs, 1000, 0, 100000, what);
    CHECK(matrixSslEncodeClosureAlert(a) == 0, "%s: closure alert", what);
    CHECK(matrixSslEncodeClosureAlert(a) == 0, "%s: second closure alert is a no-op", what);
    CHECK(matrixSslEncodeToOutdata(a, (unsigned char *)"x", 1) == PS_PROTOCOL_FAIL,
          "%s: no data after closure", what);
    n = matrixSslGetOutdata(a, &out);
    CHECK(n == 5 + 2 + 1 + 16 && out[0] == 23, "%s: encrypted close_notify record (%d)", what, n);
    matrixSslGetReadbuf(b, &in);
    memcpy(in, out, n);
    CHECK(matrixSslSentData(a, n) == MATRIXSSL_REQUEST_CLOSE, "%s: REQUEST_CLOSE", what);
    rc = matrixSslReceivedData(b, n, &pt, &ptlen);
    CHECK(rc == MATRIXSSL_RECEIVED_ALERT && ptlen == 2 && pt[0] == 1 && pt[1] == 0,
          "%s: peer sees close_notify (%d)", what, rc);
    CHECK(matrixSslProcessedData(b, &pt, &ptlen) == 0, "%s: drained after alert", what);
    CHECK(matrixSslEncodeToOutdata(b, (unsigned char *)"x", 1) == PS_FAILURE,
          "%s: no data after peer closed", what);
    CHECK(matrixSslEncodeRehandshake(b, NULL, NULL, 0, 0) < 0, "%s: no KeyUpdate after close", what);
    /* The answer, as in TLS 1.2 (ABI.md 7.9: EncodeClosureAlert after a received close_notify
       queues one). */
    CHECK(matrixSslEncodeClosureAlert(b) == 0, "%s: answering close_notify", what);
    n = matrixSslGetOutdata(b, &out);
    CHECK(n == 24, "%s: answer is one encrypted record (%d)", what, n);
    if (n > 0) {
        matrixSslGetReadbuf(a, &in);
        memcpy(in, out, n);
        CHECK(matrixSslSentData(b, n) == MATRIXSSL_REQUEST_CLOSE, "%s: answer REQUEST_CLOSE", what);
        rc = matrixSslReceivedData(a, n, &pt, &ptlen);
        CHECK(rc == MATRIXSSL_RECEIVED_ALERT && ptlen == 2 && pt[0] == 1 && pt[1] == 0,
              "%s: closer sees the answer (%d)", what, rc);
    }
    freePair(&p);
}

/* Client authentication (D26): the server's callback sees the client's chain after the
   CertificateVerify was checked, with the alert argument as in TLS 1.2; the client's
   callback sees the server's chain. */
static void clientAuthTest(void)
{
    pair_t p;
    const char *what = "client auth";
    resetCb();
    if (!newPair(&p, cliIdKeys, 0, srvAuthKeys, 0x0304, 0x0304, recordingCertCb, recordingCertCb))
        return;
    if (handshake13(&p, what)) {
        checkNegotiated(&p, 0x0304, (uint16)matrixSslGetNegotiatedCipher(p.cli), what);
        CHECK(cbCalls == 2, "%s: both callbacks ran (%d)", what, cbCalls);
        CHECK(cbChainLen == 2 && cbHasName && cbAlert == 0,
              "%s: server callback saw the chain (len %d, name %d, alert %d)", what, cbChainLen,
              cbHasName, cbAlert);
        transfer(p.cli, &p.cs, p.srv, &p.ss, 20000, 0, 100000, what);
        transfer(p.srv, &p.ss, p.cli, &p.cs, 20000, 1, 100000, what);
    }
    freePair(&p);

    /* A client certificate the server's CAs do not know: the callback gets a non-zero
       alert; passing it through fails the handshake with that alert at the client. */
    what = "client auth, unknown CA";
    resetCb();
    if (!newPair(&p, cliIdKeys, 0, srvOtherCaKeys, 0x0304, 0x0304, NULL, recordingCertCb)) return;
    handshake(p.cli, &p.cs, p.srv, &p.ss, 100000);
    CHECK(cbCalls == 1 && cbAlert != 0, "%s: callback alert %d (%d calls)", what, cbAlert, cbCalls);
    CHECK(p.cs.nalerts == 1 && p.cs.alerts[0][0] == 2 && p.cs.alerts[0][1] == cbAlert,
          "%s: client got fatal alert %d (%d alerts)", what, p.cs.alerts[0][1], p.cs.nalerts);
    CHECK(p.ss.completes == 0 && p.cs.len == 0, "%s: server did not complete", what);
    freePair(&p);

    /* A client holding an ECDSA identity (EC root) and an RSA one (RSA root) answers a
       server trusting only the RSA root with the RSA chain: the CertificateRequest names
       that root (certificate_authorities, RFC 8446 4.2.4), although ECDSA comes first
       otherwise (D26). */
    what = "client auth, identity chosen by CA names";
    resetCb();
    if (!newPair(&p, cliTwoIdKeys, 0, srvAuthKeys, 0x0304, 0x0304, NULL, recordingCertCb))
        return;
    if (handshake13(&p, what)) {
        CHECK(cbCalls == 1 && cbAlert == 0 && cbKeyAlg == OID_RSA_KEY_ALG,
              "%s: server saw key algorithm %d (alert %d, %d calls)", what, cbKeyAlg, cbAlert,
              cbCalls);
    }
    freePair(&p);

    /* A client without a certificate: certificate_required (RFC 8446 6.2). */
    what = "client auth, no certificate";
    resetCb();
    if (!newPair(&p, cliKeys, 0, srvAuthKeys, 0x0304, 0x0304, NULL, recordingCertCb)) return;
    handshake(p.cli, &p.cs, p.srv, &p.ss, 100000);
    CHECK(p.cs.nalerts == 1 && p.cs.alerts[0][0] == 2 && p.cs.alerts[0][1] == 116,
          "%s: certificate_required (%d alerts, %d)", what, p.cs.nalerts, p.cs.alerts[0][1]);
    CHECK(p.ss.completes == 0, "%s: server did not complete", what);
    freePair(&p);
}

/* Walks the ClientHello the client has queued: returns whether it carries
   supported_versions and counts the TLS 1.3 suites and the `want` suite it offers. */
static int helloOffer(ssl_t *cli, int *n13, int *hasWant, uint16 want)
{
    unsigned char *b;
    int32 n = matrixSslGetOutdata(cli, &b);
    int32 i, end, hasSv = 0;
    uint32 len;
    *n13 = *hasWant = 0;
    if (n < 5 + 4 + 2 + 32 + 1 || b[0] != 22 || b[5] != 1) return -1;
    i = 5 + 4 + 2 + 32;
    i += 1 + b[i];                                  /* session id */
    len = (b[i] << 8) | b[i + 1];
    for (end = i + 2 + len, i += 2; i + 1 < end; i += 2) {
        uint16 s = (uint16)((b[i] << 8) | b[i + 1]);
        if ((s >> 8) == 0x13) (*n13)++;
        if (s == want) *hasWant = 1;
    }
    i = end;
    i += 1 + b[i];                                  /* compression methods */
    if (i + 2 > n) return 0;
    len = (b[i] << 8) | b[i + 1];
    for (end = i + 2 + len, i += 2; i + 4 <= end && end <= n; ) {
        uint16 type = (uint16)((b[i] << 8) | b[i + 1]);
        uint32 elen = (b[i + 2] << 8) | b[i + 3];
        if (type == EXT_SUPPORTED_VERSIONS) hasSv = 1;
        i += 4 + elen;
    }
    return hasSv;
}

/* D25: version caps and cipherSpecs. */
static void versionTest(void)
{
    pair_t p;
    int n13, hasWant;
    const char *what;

    what = "client capped at 1.2, server allows 1.3";
    if (newPair(&p, cliKeys, 0, rsaSrvKeys, 0x0303, 0x0304, NULL, NULL)) {
        CHECK(helloOffer(p.cli, &n13, &hasWant, 0) == 0 && n13 == 0,
              "%s: no supported_versions, no 1.3 suites (%d)", what, n13);
        CHECK(handshake(p.cli, &p.cs, p.srv, &p.ss, 100000), "%s: handshake", what);
        CHECK(matrixSslGetNegotiatedVersion(p.cli) == 0x0303 &&
              matrixSslGetNegotiatedVersion(p.srv) == 0x0303, "%s: TLS 1.2", what);
        transfer(p.cli, &p.cs, p.srv, &p.ss, 1000, 0, 100000, what);
    }
    freePair(&p);

    /* A 1.2-capped server writes no downgrade sentinel, so a 1.3 client accepts 1.2. */
    what = "server capped at 1.2, client allows 1.3";
    if (newPair(&p, cliKeys, 0, rsaSrvKeys, 0x0304, 0x0303, NULL, NULL)) {
        CHECK(helloOffer(p.cli, &n13, &hasWant, 0) == 1 && n13 == 3,
              "%s: client offers 1.3 and its three suites (%d)", what, n13);
        CHECK(handshake(p.cli, &p.cs, p.srv, &p.ss, 100000), "%s: handshake", what);
        CHECK(p.cs.nalerts == 0 && p.ss.nalerts == 0, "%s: no alert", what);
        CHECK(matrixSslGetNegotiatedVersion(p.cli) == 0x0303 &&
              matrixSslGetNegotiatedVersion(p.srv) == 0x0303, "%s: TLS 1.2", what);
        transfer(p.srv, &p.ss, p.cli, &p.cs, 1000, 0, 100000, what);
    }
    freePair(&p);

    what = "TLS 1.2 cipherSpec under a 1.3 cap";
    if (newPair(&p, cliKeys, 0x009c, rsaSrvKeys, 0x0304, 0x0304, NULL, NULL)) {
        CHECK(helloOffer(p.cli, &n13, &hasWant, 0x009c) == 0 && n13 == 0 && hasWant,
              "%s: offers only <= 1.2 (1.3 suites %d)", what, n13);
        CHECK(handshake(p.cli, &p.cs, p.srv, &p.ss, 100000), "%s: handshake", what);
        checkNegotiated(&p, 0x0303, 0x009c, what);
    }
    freePair(&p);

    what = "TLS 1.3 cipherSpec";
    if (newPair(&p, cliKeys, 0x1302, rsaSrvKeys, 0x0304, 0x0304, NULL, NULL)) {
        CHECK(helloOffer(p.cli, &n13, &hasWant, 0x1302) == 1 && n13 == 1 && hasWant,
              "%s: offers 1.3 with that suite only (%d)", what, n13);
        if (handshake13(&p, what)) checkNegotiated(&p, 0x0304, 0x1302, what);
    }
    freePair(&p);

    /* Naming a 1.3 suite is the application asking for TLS 1.3, whatever the default cap. */
    what = "TLS 1.3 cipherSpec under a 1.2 cap";
    if (newPair(&p, cliKeys, 0x1303, rsaSrvKeys, 0x0303, 0x0304, NULL, NULL)) {
        CHECK(helloOffer(p.cli, &n13, &hasWant, 0x1303) == 1 && n13 == 1 && hasWant,
              "%s: offers 1.3 (%d)", what, n13);
        if (handshake13(&p, what)) checkNegotiated(&p, 0x0304, 0x1303, what);
    }
    freePair(&p);
}

/* SetCipherSuiteEnabledStatus applies to the 1.3 suites (D26). */
static void suiteControlTest(void)
{
    pair_t p;
    ssl_t *ssl = NULL;
    const char *what = "0x1301 disabled";
    int32 rc = matrixSslSetCipherSuiteEnabledStatus(NULL, 0x1301, 0);
    CHECK(rc == 0, "disable 0x1301: %d", rc);
    if (newPair(&p, cliKeys, 0, rsaSrvKeys, 0x0304, 0x0304, NULL, NULL)) {
        if (handshake13(&p, what)) {
            int32 s = matrixSslGetNegotiatedCipher(p.srv);
            CHECK(s == 0x1302 || s == 0x1303, "%s: picked %04x", what, s);
        }
    }
    freePair(&p);
    what = "0x1301 and 0x1303 disabled";
    CHECK(matrixSslSetCipherSuiteEnabledStatus(NULL, 0x1303, 0) == 0, "disable 0x1303");
    if (newPair(&p, cliKeys, 0, rsaSrvKeys, 0x0304, 0x0304, NULL, NULL)) {
        if (handshake13(&p, what)) checkNegotiated(&p, 0x0304, 0x1302, what);
    }
    freePair(&p);
    /* A disabled suite named as cipherSpec is refused like a disabled 1.2 suite. */
    matrixSslSetMaxProtocolVersion(0x0304);
    CHECK(matrixSslNewClientSession(&ssl, cliKeys, NULL, 0x1301, NULL, NULL, NULL) ==
          PS_UNSUPPORTED_FAIL && ssl == NULL, "disabled 1.3 cipherSpec refused");
    CHECK(matrixSslSetCipherSuiteEnabledStatus(NULL, 0x1301, 1) == 0, "enable 0x1301");
    CHECK(matrixSslSetCipherSuiteEnabledStatus(NULL, 0x1303, 1) == 0, "enable 0x1303");
    CHECK(matrixSslNewClientSession(&ssl, cliKeys, NULL, 0x1301, NULL, NULL, NULL) ==
          MATRIXSSL_REQUEST_SEND, "re-enabled 1.3 cipherSpec accepted");
    matrixSslDeleteSession(ssl);
    ssl = NULL;
    /* Suites that do not exist. */
    CHECK(matrixSslNewClientSession(&ssl, cliKeys, NULL, 0x1304, NULL, NULL, NULL) ==
          PS_UNSUPPORTED_FAIL && ssl == NULL, "unknown cipherSpec 0x1304");
    CHECK(matrixSslNewClientSession(&ssl, cliKeys, NULL, 0x13ff, NULL, NULL, NULL) ==
          PS_UNSUPPORTED_FAIL && ssl == NULL, "unknown cipherSpec 0x13ff");
    CHECK(matrixSslSetCipherSuiteEnabledStatus(NULL, 0x1304, 0) == PS_FAILURE,
          "status of an unknown 1.3 suite");
    matrixSslSetMaxProtocolVersion(0x0303);
}

/* D28: the sslSessionId_t record. After a full handshake the ticket (sent after the
   handshake) is recorded as a handle with nothing secret; passing the record back resumes
   (psk_dhe_ke) and records the next ticket; a copy of a used record gives a full handshake
   (tickets are single use); a session without a record keeps no ticket. */
static void resumptionTest(void)
{
    sslSessionId_t sid, first;
    pair_t p;
    unsigned char zero[48];
    int i;
    int32 rc;
    const char *what = "resumption";
    memset(zero, 0, sizeof zero);
    memset(&sid, 0, sizeof sid);
    memset(&first, 0, sizeof first);
    for (i = 0; i < 4; i++) {
        /* i == 3 replays the record of the first connection. */
        sslSessionId_t *use = i == 3 ? &first : &sid;
        int want = i == 1 || i == 2;
        memset(&p, 0, sizeof p);
        matrixSslSetMaxProtocolVersion(0x0304);
        rc = matrixSslNewClientSession(&p.cli, cliKeys, use, 0, NULL, NULL, NULL);
        CHECK(rc == MATRIXSSL_REQUEST_SEND, "%s %d: new client %d", what, i, rc);
        rc = matrixSslNewServerSession(&p.srv, rsaSrvKeys, NULL);
        CHECK(rc == MATRIXSSL_SUCCESS, "%s %d: new server %d", what, i, rc);
        matrixSslSetMaxProtocolVersion(0x0303);
        CHECK(handshake(p.cli, &p.cs, p.srv, &p.ss, 100000), "%s %d: handshake", what, i);
        CHECK(matrixSslGetNegotiatedVersion(p.cli) == 0x0304, "%s %d: version", what, i);
        CHECK(matrixSslIsResumed(p.cli) == want && matrixSslIsResumed(p.srv) == want,
              "%s %d: resumed %d/%d, want %d", what, i, matrixSslIsResumed(p.cli),
              matrixSslIsResumed(p.srv), want);
        CHECK(use->cipherId == 0x1301 && memcmp(use->masterSecret, zero, 48) == 0 &&
              memcmp(use->id, zero, 32) != 0,
              "%s %d: record holds a handle, no secret (cipherId %x)", what, i,
              (unsigned)use->cipherId);
        if (i == 0) {
            first = sid;
        } else if (i < 3) {
            CHECK(memcmp(sid.id, first.id, 32) != 0, "%s %d: a new ticket was recorded", what, i);
        }
        transfer(p.cli, &p.cs, p.srv, &p.ss, 3000, 0, 100000, what);
        freePair(&p);
    }
    /* No record: nothing kept, GetSessionId has nothing to give. */
    if (newPair(&p, cliKeys, 0, rsaSrvKeys, 0x0304, 0x0304, NULL, NULL)) {
        CHECK(handshake(p.cli, &p.cs, p.srv, &p.ss, 100000), "%s: handshake without record", what);
        CHECK(matrixSslGetSessionId(p.cli, &sid) == PS_FAILURE,
              "%s: GetSessionId without a kept ticket", what);
    }
    freePair(&p);
}

/* D29: a server's EncodeRehandshake with a certificate callback asks a client that offered
   post_handshake_auth (it holds an identity) for its certificate after the handshake; the
   callback sees the chain, the server reports HANDSHAKE_COMPLETE again. A client without
   an identity did not offer it: the same call is a KeyUpdate. */
static void postHandshakeAuthTest(void)
{
    pair_t p;
    int32 rc;
    const char *what = "post-handshake auth";
    resetCb();
    if (!newPair(&p, cliIdKeys, 0, srvAuthKeys, 0x0304, 0x0304, NULL, NULL)) return;
    if (handshake13(&p, what)) {
        rc = matrixSslEncodeRehandshake(p.srv, NULL, recordingCertCb, 0, 0);
        CHECK(rc == MATRIXSSL_SUCCESS, "%s: EncodeRehandshake %d", what, rc);
        CHECK(!matrixSslHandshakeIsComplete(p.srv), "%s: open until the client answers", what);
        pump(p.srv, &p.ss, p.cli, &p.cs, 100000, 100000);
        pump(p.cli, &p.cs, p.srv, &p.ss, 100000, 100000);
        CHECK(matrixSslHandshakeIsComplete(p.srv), "%s: complete again", what);
        CHECK(cbCalls == 1 && cbChainLen == 2 && cbAlert == 0,
              "%s: callback saw the client chain (%d calls, len %d, alert %d)", what, cbCalls,
              cbChainLen, cbAlert);
        CHECK(p.ss.completes == 2 && p.cs.completes == 1, "%s: completions %d/%d", what,
              p.cs.completes, p.ss.completes);
        CHECK(p.cs.nalerts == 0 && p.ss.nalerts == 0, "%s: no alerts", what);
        transfer(p.cli, &p.cs, p.srv, &p.ss, 20000, 0, 100000, what);
        transfer(p.srv, &p.ss, p.cli, &p.cs, 20000, 1, 100000, what);
    }
    freePair(&p);

    what = "post-handshake auth not offered";
    resetCb();
    if (!newPair(&p, cliKeys, 0, srvAuthKeys, 0x0304, 0x0304, NULL, NULL)) return;
    if (handshake13(&p, what)) {
        rc = matrixSslEncodeRehandshake(p.srv, NULL, recordingCertCb, 0, 0);
        CHECK(rc == MATRIXSSL_SUCCESS, "%s: EncodeRehandshake %d", what, rc);
        CHECK(matrixSslHandshakeIsComplete(p.srv), "%s: a KeyUpdate keeps it complete", what);
        transfer(p.srv, &p.ss, p.cli, &p.cs, 5000, 1, 100000, what);
        transfer(p.cli, &p.cs, p.srv, &p.ss, 5000, 0, 100000, what);
        CHECK(cbCalls == 0, "%s: no callback", what);
    }
    freePair(&p);
}

int main(int argc, char **argv)
{
    uint16 suites13[] = { 0x1301, 0x1302, 0x1303 };
    unsigned s;
    char f1[512], f2[512], f3[512];
    const char *d;
    if (argc != 2) {
        printf("usage: %s FIXTURE_DIR\n", argv[0]);
        return 2;
    }
    d = argv[1];
    CHECK(matrixSslOpen() == PS_SUCCESS, "open");
    matrixSslNewKeys(&rsaSrvKeys);
    matrixSslNewKeys(&ecSrvKeys);
    matrixSslNewKeys(&ec384SrvKeys);
    matrixSslNewKeys(&cliKeys);
    matrixSslNewKeys(&cliIdKeys);
    matrixSslNewKeys(&srvAuthKeys);
    matrixSslNewKeys(&srvOtherCaKeys);
    matrixSslNewKeys(&cliTwoIdKeys);
    snprintf(f1, sizeof f1, "%s/server-chain.pem", d);
    snprintf(f2, sizeof f2, "%s/server.key", d);
    snprintf(f3, sizeof f3, "%s/ca.pem", d);
    CHECK(matrixSslLoadRsaKeys(rsaSrvKeys, f1, f2, NULL, NULL) == 0, "RSA server keys");
    CHECK(matrixSslLoadRsaKeys(cliIdKeys, f1, f2, NULL, f3) == 0, "client identity");
    CHECK(matrixSslLoadRsaKeys(cliTwoIdKeys, f1, f2, NULL, NULL) == 0, "client RSA identity");
    CHECK(matrixSslLoadRsaKeys(srvAuthKeys, f1, f2, NULL, f3) == 0, "server with CA");
    snprintf(f3, sizeof f3, "%s/other-ca.pem", d);
    CHECK(matrixSslLoadRsaKeys(srvOtherCaKeys, f1, f2, NULL, f3) == 0, "server with other CA");
    snprintf(f1, sizeof f1, "%s/ec-server-chain.pem", d);
    snprintf(f2, sizeof f2, "%s/ec-server.key", d);
    CHECK(matrixSslLoadEcKeys(ecSrvKeys, f1, f2, NULL, NULL) == 0, "P-256 server keys");
    snprintf(f3, sizeof f3, "%s/mixed-ca-bundle.pem", d);
    CHECK(matrixSslLoadEcKeys(cliTwoIdKeys, f1, f2, NULL, f3) == 0, "client P-256 identity");
    snprintf(f1, sizeof f1, "%s/ec384-server.pem", d);
    snprintf(f2, sizeof f2, "%s/ec384-server.key", d);
    CHECK(matrixSslLoadEcKeys(ec384SrvKeys, f1, f2, NULL, NULL) == 0, "P-384 server keys");
    snprintf(f3, sizeof f3, "%s/mixed-ca-bundle.pem", d);
    CHECK(matrixSslLoadRsaKeys(cliKeys, NULL, NULL, NULL, f3) == 0, "client CAs");

    for (s = 0; s < 3; s++) {
        suiteTest(rsaSrvKeys, "RSA", suites13[s]);
        suiteTest(ecSrvKeys, "P-256", suites13[s]);
        suiteTest(ec384SrvKeys, "P-384", suites13[s]);
    }
    defaultOfferTest(rsaSrvKeys, "RSA");
    defaultOfferTest(ecSrvKeys, "P-256");
    keyUpdateTest(1, 0x1301);
    keyUpdateTest(0, 0x1303);
    crossedKeyUpdateTest();
    closureTest(1);
    closureTest(0);
    clientAuthTest();
    resumptionTest();
    postHandshakeAuthTest();
    creditsTest();
    versionTest();
    suiteControlTest();

    matrixSslSetMaxProtocolVersion(0x0303);
    matrixSslDeleteKeys(rsaSrvKeys);
    matrixSslDeleteKeys(ecSrvKeys);
    matrixSslDeleteKeys(ec384SrvKeys);
    matrixSslDeleteKeys(cliKeys);
    matrixSslDeleteKeys(cliIdKeys);
    matrixSslDeleteKeys(srvAuthKeys);
    matrixSslDeleteKeys(srvOtherCaKeys);
    matrixSslDeleteKeys(cliTwoIdKeys);
    matrixSslClose();
    printf("tls13_api: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
