/*
 * Resumption carries the authentication context (through the public C API only).
 *
 * A cached session is resumed only where what it was authenticated with still holds: the
 * same key container contents, the same client-authentication requirement (a listener
 * that requires client certificates never resumes a session made without one, whether it
 * came from another listener or from before the requirement), the same PSK set. Otherwise
 * the handshake falls back to a full one, in which the certificate callback runs. The
 * anonymous status (matrixSslGetAnonStatus) of a resumed session is the original one, on
 * both sides. A client forgets a session whose connection ended in a fatal alert.
 *
 * usage: resume_auth FIXTURE_DIR   (made by c-tests/make-test-pki.sh)
 */
#include "pair_util.h"

static sslKeys_t *srvCa;      /* server identity + ca.pem to verify clients */
static sslKeys_t *srvCaCopy;  /* the same files loaded into another container */
static sslKeys_t *srvOtherCa; /* server identity + other-ca.pem: another trust for clients */
static sslKeys_t *cliCa;      /* client: ca.pem only, no identity */
static sslKeys_t *cliId;      /* client: identity (valid under ca.pem) + ca.pem */
static sslKeys_t *pskAlice, *pskBob, *pskAliceClient;

static int srvCalls, cliCalls;
static int32 srvVerdict = 0, cliVerdict = 0; /* 0: pass the library's alert through */

static int32 serverCertCb(ssl_t *ssl, psX509Cert_t *cert, int32 alert)
{
    (void)ssl;
    srvCalls++;
    if (cert == NULL) return SSL_ALERT_BAD_CERTIFICATE;
    return srvVerdict ? srvVerdict : alert;
}

static int32 clientCertCb(ssl_t *ssl, psX509Cert_t *cert, int32 alert)
{
    (void)ssl;
    cliCalls++;
    if (cert == NULL) return SSL_ALERT_BAD_CERTIFICATE;
    return cliVerdict ? cliVerdict : alert;
}

typedef struct {
    ssl_t *cli, *srv;
    sink_t cs, ss;
    int done;
} conn_t;

/* One connection: a client (keys, record, callback) against a server (keys, callback). */
static void connect2(conn_t *c, sslKeys_t *ck, sslSessionId_t *sid, sslKeys_t *sk,
                     int32 (*scb)(ssl_t *, psX509Cert_t *, int32), uint32 suite)
{
    memset(c, 0, sizeof *c);
    CHECK(matrixSslNewClientSession(&c->cli, ck, sid, suite, clientCertCb, NULL, NULL) ==
          MATRIXSSL_REQUEST_SEND, "new client session");
    CHECK(matrixSslNewServerSession(&c->srv, sk, scb) == 0, "new server session");
    c->done = handshake(c->cli, &c->cs, c->srv, &c->ss, 100000);
}

static void close2(conn_t *c)
{
    matrixSslDeleteSession(c->cli);
    matrixSslDeleteSession(c->srv);
    free(c->cs.data);
    free(c->ss.data);
}

static int anon(ssl_t *ssl)
{
    int32 a = -1;
    matrixSslGetAnonStatus(ssl, &a);
    return a;
}

static int gotAlert(sink_t *s, int desc)
{
    int i;
    for (i = 0; i < s->nalerts; i++) {
        if (s->alerts[i][0] == SSL_ALERT_LEVEL_FATAL && s->alerts[i][1] == desc) return 1;
    }
    return 0;
}

/* (a) A listener that requires client authentication (certCb set) and a session made on a
   listener that does not, with the same keys. */
static void sessionFromListenerWithoutClientAuth(void)
{
    conn_t c;
    sslSessionId_t sid;
    matrixSslInitSessionId(sid);

    /* A client without a certificate gets a session from the plain listener... */
    connect2(&c, cliCa, &sid, srvCa, NULL, 0);
    CHECK(c.done, "plain listener: handshake");
    close2(&c);
    CHECK(sid.cipherId != 0, "session recorded");

    /* ...which the client-authenticating listener does not resume: it asks for a
       certificate, gets none, and refuses the client (ABI.md D10). */
    srvCalls = 0;
    connect2(&c, cliCa, &sid, srvCa, serverCertCb, 0);
    CHECK(!c.done && !matrixSslHandshakeIsComplete(c.srv),
          "client-auth listener: no resumption without a certificate");
    CHECK(matrixSslIsResumed(c.srv) == 0, "client-auth listener: not resumed");
    /* TLS 1.3 (the default, ABI.md D25) names the missing certificate: certificate_required
       (116, RFC 8446 section 4.4.2.4) where TLS 1.2 sends handshake_failure (ABI.md section 9). */
    CHECK(gotAlert(&c.cs, 116), "client told certificate_required (%d alerts)", c.cs.nalerts);
    CHECK(matrixSslEncodeToOutdata(c.cli, (unsigned char *)"GET", 3) < 0,
          "no application data from the unauthenticated client");
    close2(&c);

    /* A client that has a certificate: its plain-listener session is not resumed either;
       the full handshake runs the server's certificate callback. */
    matrixSslInitSessionId(sid);
    connect2(&c, cliId, &sid, srvCa, NULL, 0);
    CHECK(c.done, "plain listener, client with identity: handshake");
    close2(&c);
    srvCalls = 0;
    connect2(&c, cliId, &sid, srvCa, serverCertCb, 0);
    CHECK(c.done, "client-auth listener: full handshake");
    CHECK(matrixSslIsResumed(c.srv) == 0 && matrixSslIsResumed(c.cli) == 0,
          "client-auth listener: not resumed");
    CHECK(srvCalls == 1, "client-auth listener: callback ran (%d)", srvCalls);
    transfer(c.cli, &c.cs, c.srv, &c.ss, 100, 1, 100000, "after client authentication");
    close2(&c);

    /* The session now made under client authentication resumes on the same policy,
       without running the callback again (positive control). */
    srvCalls = 0;
    connect2(&c, cliId, &sid, srvCa, serverCertCb, 0);
    CHECK(c.done, "same policy: handshake");
    CHECK(matrixSslIsResumed(c.srv) == 1 && matrixSslIsResumed(c.cli) == 1,
          "same policy: resumed");
    CHECK(srvCalls == 0, "same policy: no callback on resumption (%d)", srvCalls);
    close2(&c);

    /* The same key files loaded into another container are the same context. */
    connect2(&c, cliId, &sid, srvCaCopy, serverCertCb, 0);
    CHECK(c.done && matrixSslIsResumed(c.srv) == 1, "same contents, other container: resumed");
    close2(&c);

    /* ...and the plain listener does not resume the client-authenticated session
       (another requirement: the policies do not share sessions in either direction). */
    connect2(&c, cliId, &sid, srvCa, NULL, 0);
    CHECK(c.done && matrixSslIsResumed(c.srv) == 0, "plain listener: client-auth session not resumed");
    close2(&c);
}

/* (a) Two client-authenticating listeners that trust different CAs. */
static void sessionFromListenerWithOtherTrust(void)
{
    conn_t c;
    sslSessionId_t sid;
    matrixSslInitSessionId(sid);
    connect2(&c, cliId, &sid, srvCa, serverCertCb, 0);
    CHECK(c.done, "listener trusting ca.pem: handshake");
    close2(&c);

    srvCalls = 0;
    connect2(&c, cliId, &sid, srvOtherCa, serverCertCb, 0);
    CHECK(!c.done && matrixSslIsResumed(c.srv) == 0,
          "listener trusting another CA: not resumed, client chain refused");
    CHECK(srvCalls == 1, "listener trusting another CA: callback saw the chain (%d)", srvCalls);
    CHECK(c.cs.nalerts >= 1 && c.cs.alerts[0][0] == SSL_ALERT_LEVEL_FATAL,
          "client got a fatal alert");
    close2(&c);
}

/* (b) A session made with one PSK identity is not resumed by a server holding only another. */
static void pskSessionOnServerWithOtherIdentity(void)
{
    conn_t c;
    sslSessionId_t sid;
    matrixSslInitSessionId(sid);
    connect2(&c, pskAliceClient, &sid, pskAlice, NULL, 0);
    CHECK(c.done, "PSK alice: handshake");
    close2(&c);
    CHECK(sid.cipherId != 0, "PSK session recorded");

    connect2(&c, pskAliceClient, &sid, pskBob, NULL, 0);
    CHECK(!c.done && matrixSslIsResumed(c.srv) == 0, "PSK bob server: alice's session not resumed");
    CHECK(gotAlert(&c.cs, 115), "PSK bob server: unknown_psk_identity");
    close2(&c);
}

/* D20: a resumed session reports the anonymous status of the session it resumes. */
static void anonymousStatusSurvivesResumption(void)
{
    conn_t c;
    sslSessionId_t sid;
    matrixSslInitSessionId(sid);
    srvVerdict = SSL_ALLOW_ANON_CONNECTION;
    cliVerdict = SSL_ALLOW_ANON_CONNECTION;
    connect2(&c, cliId, &sid, srvCa, serverCertCb, 0);
    CHECK(c.done, "anonymous: handshake");
    CHECK(anon(c.srv) == 1 && anon(c.cli) == 1, "anonymous: full handshake (%d, %d)",
          anon(c.srv), anon(c.cli));
    close2(&c);
    srvVerdict = cliVerdict = 0;
    connect2(&c, cliId, &sid, srvCa, serverCertCb, 0);
    CHECK(c.done && matrixSslIsResumed(c.srv) == 1 && matrixSslIsResumed(c.cli) == 1,
          "anonymous: resumed");
    CHECK(anon(c.srv) == 1 && anon(c.cli) == 1, "anonymous: resumed session keeps it (%d, %d)",
          anon(c.srv), anon(c.cli));
    close2(&c);

    /* An authenticated session stays authenticated when resumed. */
    matrixSslInitSessionId(sid);
    connect2(&c, cliId, &sid, srvCa, serverCertCb, 0);
    close2(&c);
    connect2(&c, cliId, &sid, srvCa, serverCertCb, 0);
    CHECK(c.done && matrixSslIsResumed(c.srv) == 1, "authenticated: resumed");
    CHECK(anon(c.srv) == 0 && anon(c.cli) == 0, "authenticated: not anonymous (%d, %d)",
          anon(c.srv), anon(c.cli));
    close2(&c);
}

/* RFC 5246 §7.2.2: after a fatal alert the client does not offer the session again. */
static void clientForgetsSessionAfterFatalAlert(void)
{
    conn_t c;
    sslSessionId_t sid;
    unsigned char *out, *in, *pt;
    uint32 ptlen;
    int32 n, rc, room;
    matrixSslInitSessionId(sid);
    connect2(&c, cliCa, &sid, srvCa, NULL, 0x002f);
    CHECK(c.done, "fatal: handshake");
    /* A tampered record from the server: the client answers bad_record_mac. */
    CHECK(matrixSslEncodeToOutdata(c.srv, (unsigned char *)"hello", 5) > 0, "fatal: encode");
    n = matrixSslGetOutdata(c.srv, &out);
    CHECK(n > 10, "fatal: record queued");
    room = matrixSslGetReadbuf(c.cli, &in);
    CHECK(room >= n, "fatal: room");
    memcpy(in, out, n);
    in[n - 1] ^= 0x01;
    matrixSslSentData(c.srv, n);
    rc = matrixSslReceivedData(c.cli, n, &pt, &ptlen);
    CHECK(rc == MATRIXSSL_REQUEST_SEND, "fatal: client queues its alert (%d)", rc);
    close2(&c);

    /* The same record offered again: a full handshake, not a resumption. */
    connect2(&c, cliCa, &sid, srvCa, NULL, 0x002f);
    CHECK(c.done && matrixSslIsResumed(c.cli) == 0 && matrixSslIsResumed(c.srv) == 0,
          "fatal: session not offered again");
    close2(&c);
    /* (control: the new session resumes normally) */
    connect2(&c, cliCa, &sid, srvCa, NULL, 0x002f);
    CHECK(c.done && matrixSslIsResumed(c.cli) == 1, "fatal: new session resumes");
    close2(&c);
}

int main(int argc, char **argv)
{
    char chain[512], key[512], ca[512], other[512];
    unsigned char k1[16] = "0123456789abcdef", k2[16] = "fedcba9876543210";
    const char *d;
    if (argc != 2) {
        printf("usage: %s FIXTURE_DIR\n", argv[0]);
        return 2;
    }
    d = argv[1];
    snprintf(chain, sizeof chain, "%s/server-chain.pem", d);
    snprintf(key, sizeof key, "%s/server.key", d);
    snprintf(ca, sizeof ca, "%s/ca.pem", d);
    snprintf(other, sizeof other, "%s/other-ca.pem", d);
    CHECK(matrixSslOpen() == 0, "open");
    matrixSslNewKeys(&srvCa);
    matrixSslNewKeys(&srvCaCopy);
    matrixSslNewKeys(&srvOtherCa);
    matrixSslNewKeys(&cliCa);
    matrixSslNewKeys(&cliId);
    matrixSslNewKeys(&pskAlice);
    matrixSslNewKeys(&pskBob);
    matrixSslNewKeys(&pskAliceClient);
    CHECK(matrixSslLoadRsaKeys(srvCa, chain, key, NULL, ca) == 0, "server keys + CA");
    CHECK(matrixSslLoadRsaKeys(srvCaCopy, chain, key, NULL, ca) == 0, "server keys + CA, copy");
    CHECK(matrixSslLoadRsaKeys(srvOtherCa, chain, key, NULL, other) == 0, "server keys + other CA");
    CHECK(matrixSslLoadRsaKeys(cliCa, NULL, NULL, NULL, ca) == 0, "client CA");
    /* the client identity is the server's own chain (valid under ca.pem) */
    CHECK(matrixSslLoadRsaKeys(cliId, chain, key, NULL, ca) == 0, "client identity");
    CHECK(matrixSslLoadPsk(pskAlice, k1, sizeof k1, (unsigned char *)"alice", 5) == 0, "psk alice");
    CHECK(matrixSslLoadPsk(pskBob, k2, sizeof k2, (unsigned char *)"bob", 3) == 0, "psk bob");
    CHECK(matrixSslLoadPsk(pskAliceClient, k1, sizeof k1, (unsigned char *)"alice", 5) == 0,
          "client psk alice");

    sessionFromListenerWithoutClientAuth();
    sessionFromListenerWithOtherTrust();
    pskSessionOnServerWithOtherIdentity();
    anonymousStatusSurvivesResumption();
    clientForgetsSessionAfterFatalAlert();

    matrixSslDeleteKeys(srvCa);
    matrixSslDeleteKeys(srvCaCopy);
    matrixSslDeleteKeys(srvOtherCa);
    matrixSslDeleteKeys(cliCa);
    matrixSslDeleteKeys(cliId);
    matrixSslDeleteKeys(pskAlice);
    matrixSslDeleteKeys(pskBob);
    matrixSslDeleteKeys(pskAliceClient);
    matrixSslClose();
    printf("resume_auth: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
