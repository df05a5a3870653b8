/*
 * The handshake kinds of MatrixSSL's own test program, through the public C API, for
 * every suite a default build enables with RSA keys: standard handshake, client- and
 * server-initiated rehandshakes (resumed and full), resumption of a new session, a changed
 * certificate callback, changed keys, a changed cipher suite, and client authentication
 * requested by a server rehandshake. Application data flows before, during and after
 * each rehandshake. Also: rehandshake credits, and rehandshake misuse.
 *
 * usage: rehandshake_api FIXTURE_DIR   (made by c-tests/make-test-pki.sh)
 */
#include "pair_util.h"

static sslKeys_t *srvKeys, *cliKeys, *cliKeys2, *cliIdKeys, *srvCaKeys;
static int callbackCalls;

static int32 certCb(ssl_t *ssl, psX509Cert_t *cert, int32 alert)
{
    (void)ssl;
    callbackCalls++;
    if (cert == NULL || cert->subject.commonName == NULL) return SSL_ALERT_BAD_CERTIFICATE;
    return alert;
}

static int32 serverCertCb(ssl_t *ssl, psX509Cert_t *cert, int32 alert)
{
    (void)ssl;
    callbackCalls++;
    return cert == NULL ? SSL_ALERT_BAD_CERTIFICATE : alert;
}

/* Runs the handshake one side started with matrixSslEncodeRehandshake to completion,
   with application data queued in both directions while it runs. */
static void rehandshake(ssl_t *cli, sink_t *cs, ssl_t *srv, sink_t *ss, const char *what)
{
    int i;
    cs->len = ss->len = 0;
    cs->completes = ss->completes = 0;
    CHECK(matrixSslEncodeToOutdata(cli, (unsigned char *)"c-during", 8) > 0 ||
          !matrixSslHandshakeIsComplete(cli), "%s: client data during", what);
    CHECK(matrixSslEncodeToOutdata(srv, (unsigned char *)"s-during", 8) > 0, "%s: server data", what);
    for (i = 0; i < 12; i++) {
        pump(cli, cs, srv, ss, 100000, 100000);
        pump(srv, ss, cli, cs, 100000, 100000);
        if (matrixSslHandshakeIsComplete(cli) && matrixSslHandshakeIsComplete(srv) &&
                matrixSslGetOutdata(cli, NULL) == 0 && matrixSslGetOutdata(srv, NULL) == 0) {
            break;
        }
    }
    CHECK(matrixSslHandshakeIsComplete(cli) && matrixSslHandshakeIsComplete(srv),
          "%s: completes", what);
    CHECK(cs->completes == 1 && ss->completes == 1, "%s: HANDSHAKE_COMPLETE once each (%d, %d)",
          what, cs->completes, ss->completes);
    CHECK(ss->len >= 8 && cs->len >= 8, "%s: data during the rehandshake arrived (%u, %u)",
          what, ss->len, cs->len);
    CHECK(cs->nalerts == 0 && ss->nalerts == 0, "%s: no alerts", what);
    transfer(cli, cs, srv, ss, 20000, 0, 100000, what);
    transfer(srv, ss, cli, cs, 20000, 1, 100000, what);
}

static void suiteMatrix(uint16 suite)
{
    ssl_t *cli, *srv;
    sink_t cs, ss;
    sslSessionId_t sid;
    char what[80];
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    matrixSslInitSessionId(sid);
    /* Renegotiation and session-id resumption are TLS 1.2's: steps 8 and 9 (cipherSpec 0)
       would otherwise offer TLS 1.3, the library's default (ABI.md D25). */
    matrixSslSetMaxProtocolVersion(0x0303);

    /* 1. standard handshake */
    CHECK(matrixSslNewClientSession(&cli, cliKeys, &sid, suite, certCb, NULL, NULL) == 1,
          "client %04x", suite);
    CHECK(matrixSslNewServerSession(&srv, srvKeys, NULL) == 0, "server");
    matrixSslAddRehandshakeCredits(srv, 10);
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "%04x standard handshake", suite);
    CHECK(matrixSslGetNegotiatedCipher(srv) == suite, "%04x negotiated", suite);
    CHECK(sid.cipherId == suite, "session id recorded (%u)", sid.cipherId);

    /* 2. client-initiated rehandshake (resumed: session id kept) */
    sprintf(what, "%04x client rehandshake", suite);
    CHECK(matrixSslEncodeRehandshake(cli, NULL, NULL, 0, 0) == 0, "%s queued", what);
    rehandshake(cli, &cs, srv, &ss, what);
    CHECK(matrixSslIsResumed(cli) == 1, "%s resumed", what);

    /* 3. server-initiated rehandshake (HelloRequest; the client resumes) */
    sprintf(what, "%04x server rehandshake", suite);
    CHECK(matrixSslEncodeRehandshake(srv, NULL, NULL, 0, 0) == 0, "%s queued", what);
    rehandshake(cli, &cs, srv, &ss, what);
    CHECK(matrixSslIsResumed(srv) == 1, "%s resumed", what);

    /* 4. full rehandshakes forced from either side */
    sprintf(what, "%04x client full rehandshake", suite);
    CHECK(matrixSslEncodeRehandshake(cli, NULL, NULL, SSL_OPTION_FULL_HANDSHAKE, 0) == 0, "%s", what);
    rehandshake(cli, &cs, srv, &ss, what);
    CHECK(matrixSslIsResumed(cli) == 0, "%s is full", what);
    sprintf(what, "%04x server full rehandshake", suite);
    CHECK(matrixSslEncodeRehandshake(srv, NULL, NULL, SSL_OPTION_FULL_HANDSHAKE, 0) == 0, "%s", what);
    rehandshake(cli, &cs, srv, &ss, what);
    CHECK(matrixSslIsResumed(srv) == 0, "%s is full", what);

    /* 5. changed certificate callback (client): full, and the callback runs */
    sprintf(what, "%04x new certificate callback", suite);
    callbackCalls = 0;
    CHECK(matrixSslEncodeRehandshake(cli, NULL, certCb, 0, 0) == 0, "%s", what);
    rehandshake(cli, &cs, srv, &ss, what);
    CHECK(callbackCalls == 1 && matrixSslIsResumed(cli) == 0, "%s: callback ran (%d)", what,
          callbackCalls);

    /* 6. changed keys (client): full handshake with the new container */
    sprintf(what, "%04x new keys", suite);
    CHECK(matrixSslEncodeRehandshake(cli, cliKeys2, NULL, 0, 0) == 0, "%s", what);
    rehandshake(cli, &cs, srv, &ss, what);
    CHECK(matrixSslIsResumed(cli) == 0, "%s is full", what);

    /* 7. changed cipher suite (client) */
    sprintf(what, "%04x change suite", suite);
    {
        uint16 other = suite == 0x002f ? 0x0035 : 0x002f;
        CHECK(matrixSslEncodeRehandshake(cli, NULL, NULL, 0, other) == 0, "%s", what);
        rehandshake(cli, &cs, srv, &ss, what);
        CHECK(matrixSslGetNegotiatedCipher(cli) == other, "%s: now %04x", what, other);
    }
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);

    /* 8. resumed handshake of a new session with the recorded sslSessionId_t (the session
       was last renegotiated under cliKeys2, step 6) */
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    CHECK(sid.cipherId != 0, "sid still recorded");
    matrixSslNewClientSession(&cli, cliKeys2, &sid, 0, certCb, NULL, NULL);
    matrixSslNewServerSession(&srv, srvKeys, NULL);
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "%04x resumed handshake", suite);
    CHECK(matrixSslIsResumed(cli) == 1 && matrixSslIsResumed(srv) == 1, "%04x resumed flags",
          suite);
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);

    /* 9. the same record offered under other keys (another CA list: other trust) is not
       resumed: a full handshake authenticates the server under the keys now in use */
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    matrixSslNewClientSession(&cli, cliKeys, &sid, 0, certCb, NULL, NULL);
    matrixSslNewServerSession(&srv, srvKeys, NULL);
    callbackCalls = 0;
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "%04x handshake under other keys", suite);
    CHECK(matrixSslIsResumed(cli) == 0 && matrixSslIsResumed(srv) == 0,
          "%04x not resumed under other keys", suite);
    CHECK(callbackCalls == 1, "%04x server chain checked again (%d)", suite, callbackCalls);
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);
    matrixSslSetMaxProtocolVersion(0x0304);
}

/* A server rehandshake with a certificate callback upgrades to client authentication (a TLS
   1.2 renegotiation; on TLS 1.3 it is a post-handshake CertificateRequest, ABI.md D29). */
static void clientAuthUpgrade(void)
{
    ssl_t *cli, *srv;
    sink_t cs, ss;
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    matrixSslSetMaxProtocolVersion(0x0303);
    matrixSslNewClientSession(&cli, cliIdKeys, NULL, 0, NULL, NULL, NULL);
    matrixSslNewServerSession(&srv, srvCaKeys, NULL);
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "handshake before client-auth upgrade");
    callbackCalls = 0;
    CHECK(matrixSslEncodeRehandshake(srv, NULL, serverCertCb, 0, 0) == 0, "upgrade queued");
    rehandshake(cli, &cs, srv, &ss, "client-auth upgrade");
    CHECK(callbackCalls == 1, "server callback saw the client chain (%d)", callbackCalls);
    matrixSslSetMaxProtocolVersion(0x0304);
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);
}

/* Credits: the default single credit is spent by one peer rehandshake; the next one is
   declined with a no_renegotiation warning and the session keeps working (renegotiation:
   TLS 1.2). */
static void credits(void)
{
    ssl_t *cli, *srv;
    sink_t cs, ss;
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    matrixSslSetMaxProtocolVersion(0x0303);
    matrixSslNewClientSession(&cli, cliKeys, NULL, 0, NULL, NULL, NULL);
    matrixSslNewServerSession(&srv, srvKeys, NULL);
    CHECK(matrixSslEncodeRehandshake(cli, NULL, NULL, 0, 0) == MATRIXSSL_ERROR,
          "no rehandshake before the first handshake completes");
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "credits handshake");
    CHECK(matrixSslEncodeRehandshake(cli, NULL, NULL, 0, 0) == 0, "first rehandshake");
    rehandshake(cli, &cs, srv, &ss, "credit 1");
    CHECK(matrixSslEncodeRehandshake(cli, NULL, NULL, 0, 0) == 0, "second rehandshake");
    cs.nalerts = 0;
    pump(cli, &cs, srv, &ss, 100000, 100000);
    pump(srv, &ss, cli, &cs, 100000, 100000);
    CHECK(cs.nalerts == 1 && cs.alerts[0][0] == 1 && cs.alerts[0][1] == 100,
          "no_renegotiation warning without credit");
    CHECK(matrixSslEncodeToOutdata(srv, (unsigned char *)"ok", 2) > 0, "server still usable");
    CHECK(matrixSslEncodeClosureAlert(cli) == 0, "close");
    CHECK(matrixSslEncodeRehandshake(cli, NULL, NULL, 0, 0) == PS_PROTOCOL_FAIL,
          "no rehandshake after closure");
    matrixSslSetMaxProtocolVersion(0x0304);
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);
}

int main(int argc, char **argv)
{
    char p1[512], p2[512], p3[512], p4[512], p5[512];
    const char *d;
    if (argc != 2) {
        printf("usage: %s FIXTURE_DIR\n", argv[0]);
        return 2;
    }
    d = argv[1];
    snprintf(p1, sizeof p1, "%s/server-chain.pem", d);
    snprintf(p2, sizeof p2, "%s/server.key", d);
    snprintf(p3, sizeof p3, "%s/ca.pem", d);
    snprintf(p4, sizeof p4, "%s/ca-bundle.pem", d);
    CHECK(matrixSslOpen() == 0, "open");
    matrixSslNewKeys(&srvKeys);
    matrixSslNewKeys(&cliKeys);
    matrixSslNewKeys(&cliKeys2);
    matrixSslNewKeys(&cliIdKeys);
    matrixSslNewKeys(&srvCaKeys);
    CHECK(matrixSslLoadRsaKeys(srvKeys, p1, p2, NULL, NULL) == 0, "server keys");
    CHECK(matrixSslLoadRsaKeys(cliKeys, NULL, NULL, NULL, p3) == 0, "client CA");
    CHECK(matrixSslLoadRsaKeys(cliKeys2, NULL, NULL, NULL, p4) == 0, "client CA bundle");
    /* the client identity for client authentication is the server's own chain (it is a
       valid chain under ca.pem; its EKU includes clientAuth or none) */
    CHECK(matrixSslLoadRsaKeys(cliIdKeys, p1, p2, NULL, p3) == 0, "client identity");
    CHECK(matrixSslLoadRsaKeys(srvCaKeys, p1, p2, NULL, p3) == 0, "server with CA");
    (void)p5;
#ifdef USE_TLS_RSA_WITH_AES_128_CBC_SHA
    suiteMatrix(TLS_RSA_WITH_AES_128_CBC_SHA);
#endif
#ifdef USE_TLS_RSA_WITH_AES_256_CBC_SHA
    suiteMatrix(TLS_RSA_WITH_AES_256_CBC_SHA);
#endif
    suiteMatrix(0xc02f);
    suiteMatrix(0x009c);
    clientAuthUpgrade();
    credits();
    matrixSslDeleteKeys(srvKeys);
    matrixSslDeleteKeys(cliKeys);
    matrixSslDeleteKeys(cliKeys2);
    matrixSslDeleteKeys(cliIdKeys);
    matrixSslDeleteKeys(srvCaKeys);
    matrixSslClose();
    printf("rehandshake_api: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
