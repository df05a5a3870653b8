/*
 * In-memory client/server pairs through the public C API only: every suite x version
 * (TLS 1.3 suites included), payload sizes around the record limit, several records per read,
 * 1-byte trickle, partial sends, resumption through sslSessionId_t, closure alerts and API
 * misuse. Cases without a version of their own run at the library's default (TLS 1.3, ABI.md
 * D25), so they exercise what an unchanged 3.3 program gets.
 *
 * usage: pair_api FIXTURE_DIR   (made by c-tests/make-test-pki.sh)
 */
#include "matrixssl/matrixsslApi.h"

#include "pair_util.h"

static sslKeys_t *srvKeys, *cliKeys;

static void pairTest(int32 version, uint16 suite)
{
    ssl_t *cli = NULL, *srv = NULL;
    sink_t cs, ss;
    char what[64];
    uint32 sizes[] = { 0, 1, 2, 100, 16383, 16384, 16385, 70000 };
    unsigned k;
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    matrixSslSetMaxProtocolVersion(version);
    CHECK(matrixSslNewClientSession(&cli, cliKeys, NULL, suite, NULL, NULL, NULL) ==
          MATRIXSSL_REQUEST_SEND, "new client %04x", suite);
    CHECK(matrixSslNewServerSession(&srv, srvKeys, NULL) == MATRIXSSL_SUCCESS, "new server");
    if (!cli || !srv) return;
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "handshake v%04x suite %04x", version, suite);
    CHECK(cs.completes == 1 && ss.completes == 1, "HANDSHAKE_COMPLETE once each (%d, %d)",
          cs.completes, ss.completes);
    CHECK(matrixSslGetNegotiatedVersion(cli) == version, "version %04x", version);
    CHECK(matrixSslGetNegotiatedCipher(srv) == suite, "suite %04x", suite);
    for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        sprintf(what, "v%04x %04x c->s %u", version, suite, sizes[k]);
        transfer(cli, &cs, srv, &ss, sizes[k], k & 1, 100000, what);
        sprintf(what, "v%04x %04x s->c %u", version, suite, sizes[k]);
        transfer(srv, &ss, cli, &cs, sizes[k], !(k & 1), 100000, what);
    }
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);
}

static void resumptionTest(void)
{
    sslSessionId_t sid;
    ssl_t *cli, *srv;
    sink_t cs, ss;
    int round;
    matrixSslInitSessionId(sid);
    for (round = 0; round < 2; round++) {
        memset(&cs, 0, sizeof cs);
        memset(&ss, 0, sizeof ss);
        matrixSslNewClientSession(&cli, cliKeys, &sid, 0, NULL, NULL, NULL);
        matrixSslNewServerSession(&srv, srvKeys, NULL);
        CHECK(handshake(cli, &cs, srv, &ss, 100000), "resumption round %d", round);
        CHECK(matrixSslGetNegotiatedVersion(cli) == 0x0304, "round %d on TLS 1.3 (%04x)", round,
              matrixSslGetNegotiatedVersion(cli));
        CHECK(matrixSslIsResumed(cli) == round && matrixSslIsResumed(srv) == round,
              "round %d resumed flags %d %d", round, matrixSslIsResumed(cli), matrixSslIsResumed(srv));
        CHECK(sid.cipherId != 0, "sid recorded (cipherId %u)", sid.cipherId);
        CHECK(cs.completes == 1 && ss.completes == 1, "completion reported once (round %d)", round);
        transfer(cli, &cs, srv, &ss, 1000, 0, 100000, "resumed data");
        matrixSslDeleteSession(cli);
        matrixSslDeleteSession(srv);
        free(cs.data);
        free(ss.data);
    }
}

static void recordsTest(void)
{
    ssl_t *cli, *srv;
    sink_t cs, ss;
    unsigned char *out, *in, *pt;
    uint32 ptlen;
    int32 n, rc;
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    matrixSslSetMaxProtocolVersion(0x0302);
    matrixSslNewClientSession(&cli, cliKeys, NULL, 0x2f, NULL, NULL, NULL);
    matrixSslNewServerSession(&srv, srvKeys, NULL);
    CHECK(handshake(cli, &cs, srv, &ss, 1), "1-byte trickle handshake");
    /* three records (5, 5, 0 bytes) delivered in one read */
    CHECK(matrixSslEncodeToOutdata(cli, (unsigned char *)"hello", 5) == 53, "record 1 size");
    CHECK(matrixSslEncodeToOutdata(cli, (unsigned char *)"world", 5) == 106, "record 2 size");
    CHECK(matrixSslEncodeToOutdata(cli, (unsigned char *)"", 0) == 159, "record 3 size");
    n = matrixSslGetOutdata(cli, &out);
    CHECK(matrixSslGetReadbuf(srv, &in) >= n, "readbuf room");
    memcpy(in, out, n);
    matrixSslSentData(cli, n);
    rc = matrixSslReceivedData(srv, n, &pt, &ptlen);
    CHECK(rc == MATRIXSSL_APP_DATA && ptlen == 5 && !memcmp(pt, "hello", 5), "first record");
    rc = matrixSslProcessedData(srv, &pt, &ptlen);
    CHECK(rc == MATRIXSSL_APP_DATA && ptlen == 5 && !memcmp(pt, "world", 5), "second record");
    rc = matrixSslProcessedData(srv, &pt, &ptlen);
    CHECK(rc == MATRIXSSL_APP_DATA && ptlen == 0, "empty record");
    rc = matrixSslProcessedData(srv, &pt, &ptlen);
    CHECK(rc == 0 && pt == NULL && ptlen == 0, "buffer drained");
    /* misuse: ProcessedData with nothing outstanding */
    CHECK(matrixSslProcessedData(srv, &pt, &ptlen) == 0, "ProcessedData with nothing outstanding");
    /* misuse: more bytes than offered */
    n = matrixSslGetReadbuf(srv, &in);
    CHECK(matrixSslReceivedData(srv, n + 1, &pt, &ptlen) == PS_ARG_FAIL, "ReceivedData > offered");
    /* misuse: SentData more than pending */
    CHECK(matrixSslSentData(cli, 1) == PS_ARG_FAIL, "SentData > pending");
    /* closure */
    CHECK(matrixSslEncodeClosureAlert(cli) == 0, "closure alert");
    CHECK(matrixSslEncodeClosureAlert(cli) == 0, "second closure alert is a no-op");
    CHECK(matrixSslEncodeToOutdata(cli, (unsigned char *)"x", 1) == PS_PROTOCOL_FAIL,
          "no data after closure");
    n = matrixSslGetOutdata(cli, &out);
    CHECK(n == 53, "encrypted close_notify is 53 bytes (%d)", n);
    matrixSslGetReadbuf(srv, &in);
    memcpy(in, out, n);
    CHECK(matrixSslSentData(cli, n) == MATRIXSSL_REQUEST_CLOSE, "REQUEST_CLOSE after closure");
    rc = matrixSslReceivedData(srv, n, &pt, &ptlen);
    CHECK(rc == MATRIXSSL_RECEIVED_ALERT && ptlen == 2 && pt[0] == 1 && pt[1] == 0,
          "peer sees close_notify");
    CHECK(matrixSslProcessedData(srv, &pt, &ptlen) == 0, "drained after alert");
    CHECK(matrixSslEncodeToOutdata(srv, (unsigned char *)"x", 1) == PS_FAILURE,
          "no data after peer closed");
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);
}

static void tamperTest(void)
{
    ssl_t *cli, *srv;
    sink_t cs, ss;
    unsigned char *out;
    int32 n;
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    matrixSslNewClientSession(&cli, cliKeys, NULL, 0, NULL, NULL, NULL);
    matrixSslNewServerSession(&srv, srvKeys, NULL);
    CHECK(handshake(cli, &cs, srv, &ss, 100000), "handshake before tamper");
    CHECK(matrixSslGetNegotiatedVersion(cli) == 0x0304, "tamper case runs on TLS 1.3 (%04x)",
          matrixSslGetNegotiatedVersion(cli));
    matrixSslEncodeToOutdata(cli, (unsigned char *)"secret", 6);
    n = matrixSslGetOutdata(cli, &out);
    out[n - 1] ^= 0x40;
    pump(cli, &cs, srv, &ss, 100000, 100000);
    CHECK(ss.len == 0, "no plaintext from a tampered record");
    CHECK(ss.lastRc == MATRIXSSL_REQUEST_SEND, "alert queued (%d)", ss.lastRc);
    pump(srv, &ss, cli, &cs, 100000, 100000);
    CHECK(cs.nalerts == 1 && cs.alerts[0][0] == 2 && cs.alerts[0][1] == 20,
          "peer gets bad_record_mac");
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);
}

static void misuseTest(void)
{
    unsigned char *p;
    uint32 n;
    ssl_t *ssl = (ssl_t *)1;
    sslKeys_t *k;
    CHECK(matrixSslNewKeys(NULL) == PS_ARG_FAIL, "NewKeys(NULL)");
    CHECK(matrixSslNewClientSession(NULL, cliKeys, NULL, 0, NULL, NULL, NULL) == PS_ARG_FAIL,
          "NewClientSession(NULL)");
    CHECK(matrixSslNewServerSession(&ssl, NULL, NULL) == PS_FAILURE && ssl == NULL,
          "NewServerSession without keys");
    CHECK(matrixSslGetReadbuf(NULL, &p) == PS_ARG_FAIL, "GetReadbuf(NULL)");
    CHECK(matrixSslReceivedData(NULL, 0, &p, &n) == PS_ARG_FAIL, "ReceivedData(NULL)");
    CHECK(matrixSslProcessedData(NULL, &p, &n) == PS_ARG_FAIL, "ProcessedData(NULL)");
    CHECK(matrixSslGetOutdata(NULL, &p) == PS_ARG_FAIL, "GetOutdata(NULL)");
    CHECK(matrixSslSentData(NULL, 1) == PS_ARG_FAIL, "SentData(NULL)");
    CHECK(matrixSslGetWritebuf(NULL, &p, 1) == PS_ARG_FAIL, "GetWritebuf(NULL)");
    CHECK(matrixSslEncodeWritebuf(NULL, 1) == PS_ARG_FAIL, "EncodeWritebuf(NULL)");
    CHECK(matrixSslEncodeToOutdata(NULL, p, 1) == PS_ARG_FAIL, "EncodeToOutdata(NULL)");
    CHECK(matrixSslEncodeClosureAlert(NULL) == PS_ARG_FAIL, "EncodeClosureAlert(NULL)");
    matrixSslDeleteSession(NULL);
    matrixSslDeleteKeys(NULL);
    matrixSslAddRehandshakeCredits(NULL, 1);
    matrixSslGetAnonStatus(NULL, NULL);
    CHECK(matrixSslNewKeys(&k) == 0, "NewKeys");
    CHECK(matrixSslNewClientSession(&ssl, k, NULL, 0, NULL, NULL, NULL) == MATRIXSSL_ERROR,
          "client without CA cannot offer suites");
    CHECK(matrixSslNewClientSession(&ssl, k, NULL, 0x2f, NULL, NULL, NULL) == PS_UNSUPPORTED_FAIL,
          "explicit suite without CA");
    CHECK(matrixSslNewClientSession(&ssl, cliKeys, NULL, 0x0005, NULL, NULL, NULL) ==
          PS_UNSUPPORTED_FAIL, "suite not compiled in");
    matrixSslDeleteKeys(k);
    /* before the handshake */
    CHECK(matrixSslNewClientSession(&ssl, cliKeys, NULL, 0, NULL, NULL, NULL) == 1, "client");
    CHECK(matrixSslEncodeToOutdata(ssl, (unsigned char *)"x", 1) == PS_FAILURE,
          "no data before the handshake");
    CHECK(matrixSslGetOutdata(ssl, NULL) > 0, "GetOutdata(ssl, NULL) polls");
    CHECK(matrixSslSetCipherSuiteEnabledStatus(ssl, 0x2f, 0) == PS_UNSUPPORTED_FAIL,
          "per-session suite control is server-only");
    CHECK(matrixSslSetCipherSuiteEnabledStatus(NULL, 0x2f, 7) == PS_ARG_FAIL, "bad status");
    CHECK(matrixSslSetCipherSuiteEnabledStatus(NULL, 0x1234, 0) == PS_FAILURE, "unknown suite");
    matrixSslDeleteSession(ssl);
}

static void garbageTest(void)
{
    ssl_t *srv;
    unsigned char *in, *out, *pt;
    uint32 ptlen;
    int32 n;
    const char *http = "GET / HTTP/1.0\r\n\r\n";
    matrixSslNewServerSession(&srv, srvKeys, NULL);
    matrixSslGetReadbuf(srv, &in);
    memcpy(in, http, strlen(http));
    CHECK(matrixSslReceivedData(srv, strlen(http), &pt, &ptlen) == MATRIXSSL_REQUEST_SEND,
          "plain HTTP to a TLS server queues an alert");
    n = matrixSslGetOutdata(srv, &out);
    CHECK(n == 7 && out[0] == 21 && out[5] == 2, "fatal alert record (%d bytes)", n);
    CHECK(matrixSslSentData(srv, n) == MATRIXSSL_REQUEST_CLOSE, "REQUEST_CLOSE after fatal alert");
    matrixSslGetReadbuf(srv, &in);
    CHECK(matrixSslReceivedData(srv, 1, &pt, &ptlen) == PS_PROTOCOL_FAIL, "data after error");
    matrixSslDeleteSession(srv);
}

/* Back to the library's default cap (TLS 1.3) after a case that set its own. */
#define DEFAULT_MAX_VERSION 0x0304

int main(int argc, char **argv)
{
    uint16 suites12[] = { 0x002f, 0x0035, 0x003c, 0x003d, 0x009c, 0x009d };
    uint16 suites13[] = { 0x1301, 0x1302, 0x1303 };
    int32 versions[] = { 0x0301, 0x0302, 0x0303 };
    unsigned v, s;
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
    for (v = 0; v < 3; v++) {
        for (s = 0; s < 6; s++) {
            if (versions[v] < 0x0303 && suites12[s] > 0x0035) continue;
            pairTest(versions[v], suites12[s]);
        }
    }
    for (s = 0; s < 3; s++) pairTest(0x0304, suites13[s]);
    matrixSslSetMaxProtocolVersion(DEFAULT_MAX_VERSION);
    resumptionTest();
    recordsTest();
    matrixSslSetMaxProtocolVersion(DEFAULT_MAX_VERSION);
    tamperTest();
    misuseTest();
    garbageTest();
    matrixSslDeleteKeys(srvKeys);
    matrixSslDeleteKeys(cliKeys);
    matrixSslClose();
    printf("pair_api: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
