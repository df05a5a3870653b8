/*
 * Certificate checks seen through the certificate callback's `alert` argument (ABI.md D9,
 * D9a, D9b) in in-memory handshakes: X.509 v1 leaves and roots, a v1 "intermediate", MD5
 * signatures, a PKCS#12 identity whose chain does not link, and the peer key checks
 * (keyUsage against the key exchange, RSA keys under 1024 bits) that a callback is told
 * about but cannot waive.
 *
 * usage: legacy_certs FIXTURE_DIR   (made by c-tests/make-test-pki.sh)
 */
#include "matrixssl/matrixsslApi.h"

#include "pair_util.h"

static const char *dir;
static char pathBuf[4][512];
static int pathNext;

static const char *path(const char *name)
{
    char *p = pathBuf[pathNext++ % 4];
    snprintf(p, sizeof pathBuf[0], "%s/%s", dir, name);
    return p;
}

/* What the callback saw, and what it answers: ACCEPT lets any verdict through (as an
 * application pinning certificates may), anything else returns the alert it was given. */
#define ACCEPT 1
#define PASS_ON 0
static int cbCalls, cbAlert, cbPolicy;
static int32 cbAuthStatus;

static int32 certCb(ssl_t *ssl, psX509Cert_t *cert, int32 alert)
{
    (void)ssl;
    cbCalls++;
    cbAlert = alert;
    cbAuthStatus = cert != NULL ? cert->authStatus : 0;
    return cbPolicy == ACCEPT ? 0 : alert;
}

/* The fatal alert the other side received (0 if none). */
static int fatalAlert(const sink_t *s)
{
    int i;
    for (i = 0; i < s->nalerts; i++) {
        if (s->alerts[i][0] == SSL_ALERT_LEVEL_FATAL) return s->alerts[i][1];
    }
    return 0;
}

typedef struct {
    const char *what;
    const char *cert, *key;  /* server identity files (key NULL: cert is a PKCS#12 file) */
    const char *ca;          /* client CA file */
    uint16 suite;
    int withCallback, policy;
    int expectAlert;         /* the callback's alert argument */
    int expectComplete;      /* 0: the client sends expectFatal */
    int expectFatal;
} clientCase_t;

static void runClientCase(const clientCase_t *c)
{
    sslKeys_t *srvKeys = NULL, *cliKeys = NULL;
    ssl_t *cli = NULL, *srv = NULL;
    sink_t cs, ss;
    int done;
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    matrixSslNewKeys(&srvKeys);
    matrixSslNewKeys(&cliKeys);
    if (c->key != NULL) {
        CHECK(matrixSslLoadRsaKeys(srvKeys, path(c->cert), path(c->key), NULL, NULL) == 0,
              "%s: server identity loads", c->what);
    } else {
        CHECK(matrixSslLoadPkcs12(srvKeys, (unsigned char *)path(c->cert),
                                  (unsigned char *)"secret", 6, NULL, 0, 0) == 0,
              "%s: server PKCS#12 loads", c->what);
    }
    CHECK(matrixSslLoadRsaKeys(cliKeys, NULL, NULL, NULL, path(c->ca)) == 0, "%s: CA loads",
          c->what);
    cbCalls = 0;
    cbAlert = -1;
    cbPolicy = c->policy;
    CHECK(matrixSslNewClientSession(&cli, cliKeys, NULL, c->suite,
                                    c->withCallback ? certCb : NULL, NULL, NULL) ==
          MATRIXSSL_REQUEST_SEND, "%s: new client", c->what);
    CHECK(matrixSslNewServerSession(&srv, srvKeys, NULL) == MATRIXSSL_SUCCESS, "%s: new server",
          c->what);
    if (cli != NULL && srv != NULL) {
        done = handshake(cli, &cs, srv, &ss, 100000);
        if (c->withCallback) {
            CHECK(cbCalls == 1 && cbAlert == c->expectAlert, "%s: callback alert %d (calls %d), "
                  "expected %d", c->what, cbAlert, cbCalls, c->expectAlert);
            if (c->expectAlert == 0) {
                CHECK(cbAuthStatus == PS_CERT_AUTH_PASS, "%s: leaf authStatus %d", c->what,
                      cbAuthStatus);
            }
        }
        if (c->expectComplete) {
            CHECK(done, "%s: handshake completes", c->what);
            if (done) {
                transfer(cli, &cs, srv, &ss, 100, 0, 100000, c->what);
                transfer(srv, &ss, cli, &cs, 100, 1, 100000, c->what);
            }
        } else {
            CHECK(!done && fatalAlert(&ss) == c->expectFatal,
                  "%s: client sends fatal alert %d (got %d, complete %d)", c->what,
                  c->expectFatal, fatalAlert(&ss), done);
        }
    }
    if (cli != NULL) matrixSslDeleteSession(cli);
    if (srv != NULL) matrixSslDeleteSession(srv);
    matrixSslDeleteKeys(srvKeys);
    matrixSslDeleteKeys(cliKeys);
    free(cs.data);
    free(ss.data);
}

/* The server's view of a client certificate whose keyUsage does not allow signing (its
 * CertificateVerify): told to the server's callback, fatal even when it accepts. */
static void clientCertKeyUsage(const char *cert, const char *key, int expectAlert)
{
    sslKeys_t *srvKeys = NULL, *cliKeys = NULL;
    ssl_t *cli = NULL, *srv = NULL;
    sink_t cs, ss;
    int done;
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    matrixSslNewKeys(&srvKeys);
    matrixSslNewKeys(&cliKeys);
    CHECK(matrixSslLoadRsaKeys(srvKeys, path("server-chain.pem"), path("server.key"), NULL,
                               path("ca.pem")) == 0, "server keys");
    CHECK(matrixSslLoadRsaKeys(cliKeys, path(cert), path(key), NULL, path("ca.pem")) == 0,
          "client keys %s", cert);
    cbCalls = 0;
    cbAlert = -1;
    cbPolicy = ACCEPT;
    matrixSslNewClientSession(&cli, cliKeys, NULL, 0xc02f, NULL, NULL, NULL);
    matrixSslNewServerSession(&srv, srvKeys, certCb);
    if (cli != NULL && srv != NULL) {
        done = handshake(cli, &cs, srv, &ss, 100000);
        CHECK(cbCalls == 1 && cbAlert == expectAlert, "client %s: server callback alert %d, "
              "expected %d", cert, cbAlert, expectAlert);
        if (expectAlert == 0) {
            CHECK(done, "client %s: handshake completes", cert);
        } else {
            CHECK(!done && fatalAlert(&cs) == expectAlert, "client %s: server sends %d (got %d)",
                  cert, expectAlert, fatalAlert(&cs));
        }
    }
    if (cli != NULL) matrixSslDeleteSession(cli);
    if (srv != NULL) matrixSslDeleteSession(srv);
    matrixSslDeleteKeys(srvKeys);
    matrixSslDeleteKeys(cliKeys);
    free(cs.data);
    free(ss.data);
}

int main(int argc, char **argv)
{
    const uint16 RSA_KX = 0x002f, ECDHE_RSA = 0xc02f;
    const clientCase_t cases[] = {
        /* D9a: v1 end-entity certificates, under a v3 root and under a v1 root. */
        { "v1 leaf, v3 root", "v1-ca-server.pem", "v1-ca-server.key", "ca.pem", ECDHE_RSA,
          1, PASS_ON, 0, 1, 0 },
        { "v1 leaf, v3 root, RSA kx", "v1-ca-server.pem", "v1-ca-server.key", "ca.pem", RSA_KX,
          1, PASS_ON, 0, 1, 0 },
        { "v1 leaf, v1 root", "v1-server.pem", "v1-server.key", "v1-ca.pem", ECDHE_RSA, 1,
          PASS_ON, 0, 1, 0 },
        { "v1 leaf, v1 root, no callback", "v1-server.pem", "v1-server.key", "v1-ca.pem",
          ECDHE_RSA, 0, PASS_ON, 0, 1, 0 },
        { "v1 leaf, unrelated root", "v1-server.pem", "v1-server.key", "ca.pem", ECDHE_RSA, 1,
          PASS_ON, SSL_ALERT_UNKNOWN_CA, 0, SSL_ALERT_UNKNOWN_CA },
        /* A v1 certificate is never an intermediate: bad_certificate, which a callback may
         * still accept like any chain failure (D9). */
        { "v1 intermediate", "v1-inter-server-chain.pem", "v1-inter-server.key", "ca.pem",
          ECDHE_RSA, 1, PASS_ON, SSL_ALERT_BAD_CERTIFICATE, 0, SSL_ALERT_BAD_CERTIFICATE },
        { "v1 intermediate, no callback", "v1-inter-server-chain.pem", "v1-inter-server.key",
          "ca.pem", ECDHE_RSA, 0, PASS_ON, 0, 0, SSL_ALERT_BAD_CERTIFICATE },
        { "v1 intermediate, callback accepts", "v1-inter-server-chain.pem",
          "v1-inter-server.key", "ca.pem", ECDHE_RSA, 1, ACCEPT, SSL_ALERT_BAD_CERTIFICATE, 1,
          0 },
        /* MD5 signatures stay refused (default build: no md5-cert-signatures feature). */
        { "MD5 signature", "md5-server.pem", "md5-server.key", "ca.pem", ECDHE_RSA, 1, PASS_ON,
          SSL_ALERT_BAD_CERTIFICATE, 0, SSL_ALERT_BAD_CERTIFICATE },
        /* D9b: a PKCS#12 identity whose bundled "issuer" did not sign it loads and serves; a
         * client trusting the real intermediate accepts it, one that walks the sent chain
         * sees the bad link. */
        { "unlinked PKCS#12, inter trusted", "server-unlinked.p12", NULL, "inter.pem",
          ECDHE_RSA, 1, PASS_ON, 0, 1, 0 },
        { "unlinked PKCS#12, root trusted", "server-unlinked.p12", NULL, "ca.pem", ECDHE_RSA, 1,
          PASS_ON, SSL_ALERT_BAD_CERTIFICATE, 0, SSL_ALERT_BAD_CERTIFICATE },
        /* keyUsage against the key exchange: unsupported_certificate, not waivable. */
        { "keyUsage sign-only, ECDHE", "ku-sign-server.pem", "ku-sign-server.key", "ca.pem",
          ECDHE_RSA, 1, PASS_ON, 0, 1, 0 },
        { "keyUsage sign-only, RSA kx", "ku-sign-server.pem", "ku-sign-server.key", "ca.pem",
          RSA_KX, 1, ACCEPT, SSL_ALERT_UNSUPPORTED_CERTIFICATE, 0,
          SSL_ALERT_UNSUPPORTED_CERTIFICATE },
        { "keyUsage sign-only, RSA kx, no callback", "ku-sign-server.pem", "ku-sign-server.key",
          "ca.pem", RSA_KX, 0, PASS_ON, 0, 0, SSL_ALERT_UNSUPPORTED_CERTIFICATE },
        { "keyUsage encipher-only, RSA kx", "ku-enc-server.pem", "ku-enc-server.key", "ca.pem",
          RSA_KX, 1, PASS_ON, 0, 1, 0 },
        { "keyUsage encipher-only, ECDHE", "ku-enc-server.pem", "ku-enc-server.key", "ca.pem",
          ECDHE_RSA, 1, ACCEPT, SSL_ALERT_UNSUPPORTED_CERTIFICATE, 0,
          SSL_ALERT_UNSUPPORTED_CERTIFICATE },
        /* A 512-bit RSA key is never used, whatever the callback says. */
        { "RSA 512 key, RSA kx", "rsa512-server.pem", "rsa512-server.key", "ca.pem", RSA_KX, 1,
          ACCEPT, SSL_ALERT_BAD_CERTIFICATE, 0, SSL_ALERT_BAD_CERTIFICATE },
        { "RSA 512 key, no callback", "rsa512-server.pem", "rsa512-server.key", "ca.pem",
          RSA_KX, 0, PASS_ON, 0, 0, SSL_ALERT_BAD_CERTIFICATE },
    };
    size_t i;
    if (argc != 2) {
        printf("usage: %s FIXTURE_DIR\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    CHECK(matrixSslOpen() == PS_SUCCESS, "open");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) runClientCase(&cases[i]);
    clientCertKeyUsage("ku-enc-server.pem", "ku-enc-server.key",
                       SSL_ALERT_UNSUPPORTED_CERTIFICATE);
    clientCertKeyUsage("ku-sign-server.pem", "ku-sign-server.key", 0);
    clientCertKeyUsage("v1-ca-server.pem", "v1-ca-server.key", 0);
    matrixSslClose();
    printf("legacy_certs: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
