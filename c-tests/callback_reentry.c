/*
 * Callbacks cannot corrupt their session: from inside a client certificate callback, a
 * server certificate callback (client authentication) and a client extension callback,
 * every exported function that takes the callback's ssl_t is called on it. Each must be
 * refused with its documented value (PS_ARG_FAIL; 0 from matrixSslHandshakeIsComplete and
 * matrixSslGetAnonStatus; nothing for the void functions) and change nothing:
 * matrixSslDeleteSession is ignored, the handshake then completes, data flows both ways,
 * and the refused settings (credits, session option, validator, suites) are seen not to
 * have been applied. Under valgrind (make test) a session freed by the callback, or a
 * certificate view read after it was freed, would show as an invalid read.
 *
 * usage: callback_reentry FIXTURE_DIR   (made by c-tests/make-test-pki.sh)
 */
#include "pair_util.h"

static sslKeys_t *srvKeys, *cliKeys, *cliIdKeys, *srvCaKeys;

/* The handle the application knows for the session whose callback is expected. */
static ssl_t *expected;
static int certCalls, extCalls, validatorCalls;
static const char *where;

/* Installed (refused) by matrixSslSetCertValidator from inside a callback: must never run. */
static int32 validatorCb(void *ssl, psX509Cert_t *cert, int32 alert)
{
    (void)ssl;
    (void)cert;
    (void)alert;
    validatorCalls++;
    return SSL_ALERT_ACCESS_DENIED;
}

/* Calls every export that takes `ssl` while a call on it is under way. */
static void reenterAll(ssl_t *ssl)
{
    unsigned char data[3] = { 'a', 'b', 'c' };
    unsigned char sentinel;
    unsigned char *buf = &sentinel, *pt = &sentinel;
    uint32 ptlen = 77;
    int32 anon = 55;
    sslSessionId_t sid;

    CHECK(ssl == expected, "%s: callback gets the application's handle", where);
    CHECK(matrixSslReceivedData(ssl, 0, &pt, &ptlen) == PS_ARG_FAIL, "%s: ReceivedData", where);
    CHECK(pt == &sentinel && ptlen == 77, "%s: ReceivedData wrote its out-arguments", where);
    CHECK(matrixSslProcessedData(ssl, &pt, &ptlen) == PS_ARG_FAIL, "%s: ProcessedData", where);
    CHECK(pt == &sentinel && ptlen == 77, "%s: ProcessedData wrote its out-arguments", where);
    CHECK(matrixSslGetReadbuf(ssl, &buf) == PS_ARG_FAIL && buf == &sentinel, "%s: GetReadbuf",
          where);
    CHECK(matrixSslGetOutdata(ssl, &buf) == PS_ARG_FAIL && buf == &sentinel, "%s: GetOutdata",
          where);
    CHECK(matrixSslGetOutdata(ssl, NULL) == PS_ARG_FAIL, "%s: GetOutdata(NULL)", where);
    CHECK(matrixSslSentData(ssl, 1) == PS_ARG_FAIL, "%s: SentData", where);
    CHECK(matrixSslGetWritebuf(ssl, &buf, 16) == PS_ARG_FAIL && buf == &sentinel,
          "%s: GetWritebuf", where);
    CHECK(matrixSslEncodeWritebuf(ssl, 0) == PS_ARG_FAIL, "%s: EncodeWritebuf", where);
    CHECK(matrixSslEncodeToOutdata(ssl, data, sizeof data) == PS_ARG_FAIL,
          "%s: EncodeToOutdata", where);
    CHECK(matrixSslEncodeClosureAlert(ssl) == PS_ARG_FAIL, "%s: EncodeClosureAlert", where);
    CHECK(matrixSslEncodeRehandshake(ssl, NULL, NULL, SSL_OPTION_FULL_HANDSHAKE, 0) ==
          PS_ARG_FAIL, "%s: EncodeRehandshake", where);
    CHECK(matrixSslEncodeRehandshake(ssl, cliKeys, NULL, 0, 0) == PS_ARG_FAIL,
          "%s: EncodeRehandshake with keys", where);
    matrixSslAddRehandshakeCredits(ssl, 5);
    CHECK(matrixSslSetCipherSuiteEnabledStatus(ssl, 0xc02f, 0) == PS_ARG_FAIL,
          "%s: SetCipherSuiteEnabledStatus", where);
    matrixSslGetAnonStatus(ssl, &anon);
    CHECK(anon == 0, "%s: GetAnonStatus stores 0 (%d)", where, anon);
    CHECK(matrixSslHandshakeIsComplete(ssl) == 0, "%s: HandshakeIsComplete", where);
    memset(&sid, 0x5a, sizeof sid);
    CHECK(matrixSslGetSessionId(ssl, &sid) == PS_ARG_FAIL && sid.cipherId == 0x5a5a5a5a,
          "%s: GetSessionId", where);
    matrixSslSetSessionOption(ssl, SSL_OPTION_FULL_HANDSHAKE, NULL);
    matrixSslSetCertValidator(ssl, validatorCb);
    CHECK(matrixSslGetEncodedSize(ssl, 100) == PS_ARG_FAIL, "%s: GetEncodedSize", where);
    CHECK(matrixSslGetNegotiatedVersion(ssl) == PS_ARG_FAIL, "%s: GetNegotiatedVersion", where);
    CHECK(matrixSslGetNegotiatedCipher(ssl) == PS_ARG_FAIL, "%s: GetNegotiatedCipher", where);
    CHECK(matrixSslIsResumed(ssl) == PS_ARG_FAIL, "%s: IsResumed", where);
    matrixSslDeleteSession(ssl);
}

static int32 certCb(ssl_t *ssl, psX509Cert_t *cert, int32 alert)
{
    certCalls++;
    reenterAll(ssl);
    /* the certificate view is still valid after the attempted delete */
    if (cert == NULL || cert->subject.commonName == NULL) return SSL_ALERT_BAD_CERTIFICATE;
    CHECK(strcmp(cert->subject.commonName, "localhost") == 0, "%s: peer CN %s", where,
          cert->subject.commonName);
    return alert;
}

static int32 extCb(ssl_t *ssl, unsigned short extType, unsigned short extLen, void *e)
{
    (void)extType;
    (void)extLen;
    (void)e;
    extCalls++;
    reenterAll(ssl);
    return 0;
}

/* Both sides exchange data after the handshake and the peer sees no stray record or alert. */
static void sessionWorks(ssl_t *cli, sink_t *cs, ssl_t *srv, sink_t *ss, const char *what)
{
    CHECK(cs->len == 0 && ss->len == 0, "%s: no data queued by a refused call (%u, %u)", what,
          cs->len, ss->len);
    CHECK(cs->nalerts == 0 && ss->nalerts == 0, "%s: no alerts (%d, %d)", what, cs->nalerts,
          ss->nalerts);
    transfer(cli, cs, srv, ss, 3000, 0, 100000, what);
    transfer(srv, ss, cli, cs, 3000, 1, 100000, what);
}

/* Client certificate and extension callbacks, at `version`. On TLS 1.2 the server echoes
   extended_master_secret, which reaches the client's extension callback, and a full
   renegotiation runs the certificate callback again. TLS 1.3 has neither: its ServerHello
   and EncryptedExtensions carry only what the library owns (the callback sees the
   application's own extensions there), and a rehandshake is a KeyUpdate (ABI.md D29). */
static void clientCallbacks(int32 version)
{
    ssl_t *cli, *srv;
    sink_t cs, ss;
    sslSessionId_t sid;
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    matrixSslInitSessionId(sid);
    certCalls = extCalls = validatorCalls = 0;
    matrixSslSetMaxProtocolVersion(version);

    CHECK(matrixSslNewClientSession(&cli, cliKeys, &sid, 0, certCb, NULL, extCb) ==
          MATRIXSSL_REQUEST_SEND, "client");
    CHECK(matrixSslNewServerSession(&srv, srvKeys, NULL) == 0, "server");
    expected = cli;
    where = "client callbacks";
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "client callbacks: handshake completes");
    CHECK(matrixSslGetNegotiatedVersion(cli) == version, "client callbacks: version %04x", version);
    CHECK(certCalls == 1, "client certificate callback ran once (%d)", certCalls);
    CHECK(extCalls >= 1 || version == 0x0304, "client extension callback ran (%d)", extCalls);
    CHECK(cs.completes == 1, "client reported completion once (%d)", cs.completes);
    CHECK(sid.cipherId != 0, "session record written (session id not cleared by the callback)");
    sessionWorks(cli, &cs, srv, &ss, "client callbacks");
    if (version == 0x0304) goto resume;

    /* A full rehandshake runs the certificate callback again: the original one, not the
       validator the callback tried to install. */
    matrixSslAddRehandshakeCredits(srv, 1);
    certCalls = 0;
    cs.len = ss.len = 0;
    CHECK(matrixSslEncodeRehandshake(cli, NULL, NULL, SSL_OPTION_FULL_HANDSHAKE, 0) == 0,
          "full rehandshake queued");
    where = "client rehandshake callbacks";
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "rehandshake completes");
    CHECK(certCalls == 1 && validatorCalls == 0, "original callback kept (%d, %d)", certCalls,
          validatorCalls);
    sessionWorks(cli, &cs, srv, &ss, "after rehandshake");
resume:
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);

    /* The recorded session resumes: the extension callback runs in the resumed handshake. */
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    extCalls = certCalls = 0;
    matrixSslNewClientSession(&cli, cliKeys, &sid, 0, certCb, NULL, extCb);
    matrixSslNewServerSession(&srv, srvKeys, NULL);
    expected = cli;
    where = "resumed client callbacks";
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "resumed handshake completes");
    CHECK(matrixSslIsResumed(cli) == 1, "resumed");
    CHECK(certCalls == 0 && (extCalls >= 1 || version == 0x0304), "resumed: callbacks (%d, %d)",
          certCalls, extCalls);
    sessionWorks(cli, &cs, srv, &ss, "resumed");
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);
    matrixSslSetMaxProtocolVersion(0x0304);
}

/* Server certificate callback (client authentication), at `version`; the credit checks
   use renegotiation, so TLS 1.2 only. */
static void serverCallback(int32 version)
{
    ssl_t *cli, *srv;
    sink_t cs, ss;
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    certCalls = validatorCalls = 0;
    matrixSslSetMaxProtocolVersion(version);

    CHECK(matrixSslNewClientSession(&cli, cliIdKeys, NULL, 0, NULL, NULL, NULL) ==
          MATRIXSSL_REQUEST_SEND, "client with identity");
    CHECK(matrixSslNewServerSession(&srv, srvCaKeys, certCb) == 0, "server with callback");
    expected = srv;
    where = "server callback";
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "server callback: handshake completes");
    CHECK(certCalls == 1, "server certificate callback ran once (%d)", certCalls);
    CHECK(ss.completes == 1, "server reported completion once (%d)", ss.completes);
    CHECK(matrixSslGetNegotiatedVersion(srv) == version, "server callback: version %04x", version);
    sessionWorks(cli, &cs, srv, &ss, "server callback");
    if (version == 0x0304) goto done;

    /* The refused AddRehandshakeCredits(srv, 5) left the default single credit: one client
       rehandshake is accepted (and resumed: the refused SetSessionOption did not drop the
       session), the next declined with a no_renegotiation warning. */
    CHECK(matrixSslEncodeRehandshake(cli, NULL, NULL, 0, 0) == 0, "client rehandshake");
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "client rehandshake completes");
    CHECK(matrixSslIsResumed(cli) == 1, "client rehandshake resumed the session");
    CHECK(matrixSslEncodeRehandshake(cli, NULL, NULL, 0, 0) == 0, "second client rehandshake");
    cs.nalerts = 0;
    pump(cli, &cs, srv, &ss, 100000, 100000);
    pump(srv, &ss, cli, &cs, 100000, 100000);
    CHECK(cs.nalerts == 1 && cs.alerts[0][1] == 100, "no credit was added (%d alerts)",
          cs.nalerts);
    CHECK(matrixSslEncodeToOutdata(srv, (unsigned char *)"ok", 2) > 0, "server still usable");
done:
    CHECK(validatorCalls == 0, "validator never installed");
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);
    matrixSslSetMaxProtocolVersion(0x0304);
}

int main(int argc, char **argv)
{
    char chain[512], key[512], ca[512];
    if (argc != 2) {
        printf("usage: %s FIXTURE_DIR\n", argv[0]);
        return 2;
    }
    snprintf(chain, sizeof chain, "%s/server-chain.pem", argv[1]);
    snprintf(key, sizeof key, "%s/server.key", argv[1]);
    snprintf(ca, sizeof ca, "%s/ca.pem", argv[1]);
    CHECK(matrixSslOpen() == 0, "open");
    matrixSslNewKeys(&srvKeys);
    matrixSslNewKeys(&cliKeys);
    matrixSslNewKeys(&cliIdKeys);
    matrixSslNewKeys(&srvCaKeys);
    CHECK(matrixSslLoadRsaKeys(srvKeys, chain, key, NULL, NULL) == 0, "server keys");
    CHECK(matrixSslLoadRsaKeys(cliKeys, NULL, NULL, NULL, ca) == 0, "client CA");
    /* the client identity for client authentication is the server's own chain */
    CHECK(matrixSslLoadRsaKeys(cliIdKeys, chain, key, NULL, ca) == 0, "client identity");
    CHECK(matrixSslLoadRsaKeys(srvCaKeys, chain, key, NULL, ca) == 0, "server with CA");
    /* TLS 1.3 is the default (ABI.md D25); TLS 1.2 keeps the renegotiation cases. */
    clientCallbacks(0x0304);
    clientCallbacks(0x0303);
    serverCallback(0x0304);
    serverCallback(0x0303);
    matrixSslDeleteKeys(srvKeys);
    matrixSslDeleteKeys(cliKeys);
    matrixSslDeleteKeys(cliIdKeys);
    matrixSslDeleteKeys(srvCaKeys);
    matrixSslClose();
    printf("callback_reentry: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
