/*
 * MATRIXSSL_TRACE through the public C API: with MATRIXSSL_TRACE=handshake set before the
 * library is first used, each handshake message sent and received is written to stderr with
 * the "matrixssl: " prefix, and a failed handshake names its fatal alert and its cause.
 * Informational lines (negotiated parameters) stay off when only "handshake" is asked for.
 * TLS 1.3 (the default, ABI.md D25) and TLS 1.2, whose messages differ.
 *
 * usage: trace_env FIXTURE_DIR   (made by c-tests/make-test-pki.sh)
 */
#include <unistd.h>

#include "matrixssl/matrixsslApi.h"

#include "pair_util.h"

/* stderr (fd 2) is pointed at a temporary file while sessions run, then restored. */
static FILE *capture;
static int savedStderr = -1;

static void captureStart(void)
{
    fflush(stderr);
    capture = tmpfile();
    savedStderr = dup(2);
    if (capture && savedStderr >= 0) dup2(fileno(capture), 2);
}

/* Restores stderr; returns what was written meanwhile (NUL-terminated, caller frees). */
static char *captureEnd(void)
{
    long n;
    char *text;
    fflush(stderr);
    if (savedStderr >= 0) {
        dup2(savedStderr, 2);
        close(savedStderr);
        savedStderr = -1;
    }
    if (!capture) return NULL;
    n = ftell(capture);
    text = calloc(1, n > 0 ? (size_t)n + 1 : 1);
    rewind(capture);
    if (n > 0 && fread(text, 1, (size_t)n, capture) != (size_t)n) text[0] = 0;
    fclose(capture);
    capture = NULL;
    return text;
}

static int has(const char *text, const char *line)
{
    return text && strstr(text, line) != NULL;
}

/* One client/server handshake with the client trusting `caFile`; returns its trace. */
static char *tracedHandshake(const char *cert, const char *key, const char *caFile, int *ok)
{
    sslKeys_t *srvKeys, *cliKeys;
    ssl_t *cli = NULL, *srv = NULL;
    sink_t cs, ss;
    char *text;
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    matrixSslNewKeys(&srvKeys);
    matrixSslNewKeys(&cliKeys);
    CHECK(matrixSslLoadRsaKeys(srvKeys, cert, key, NULL, NULL) == 0, "server keys");
    CHECK(matrixSslLoadRsaKeys(cliKeys, NULL, NULL, NULL, caFile) == 0, "client CA %s", caFile);
    captureStart();
    matrixSslNewClientSession(&cli, cliKeys, NULL, 0, NULL, NULL, NULL);
    matrixSslNewServerSession(&srv, srvKeys, NULL);
    *ok = cli && srv && handshake(cli, &cs, srv, &ss, 100000);
    text = captureEnd();
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);
    matrixSslDeleteKeys(srvKeys);
    matrixSslDeleteKeys(cliKeys);
    return text;
}

int main(int argc, char **argv)
{
    char cert[512], key[512], ca[512], otherCa[512];
    char *text;
    int ok;
    if (argc != 2) {
        printf("usage: %s FIXTURE_DIR\n", argv[0]);
        return 2;
    }
    snprintf(cert, sizeof cert, "%s/server-chain.pem", argv[1]);
    snprintf(key, sizeof key, "%s/server.key", argv[1]);
    snprintf(ca, sizeof ca, "%s/ca.pem", argv[1]);
    snprintf(otherCa, sizeof otherCa, "%s/other-ca.pem", argv[1]);
    /* Read once, at the first trace point: it must be set before any session runs. */
    (void)transfer; /* shared helper this test does not need */
    setenv("MATRIXSSL_TRACE", "handshake", 1);
    CHECK(matrixSslOpen() == PS_SUCCESS, "open");

    /* TLS 1.2: ChangeCipherSpec and 12-byte Finished messages. */
    matrixSslSetMaxProtocolVersion(0x0303);
    text = tracedHandshake(cert, key, ca, &ok);
    matrixSslSetMaxProtocolVersion(0x0304);
    CHECK(ok, "handshake with the right CA");
    CHECK(has(text, "matrixssl: client: sent ClientHello (type 1, "), "client ClientHello sent");
    CHECK(has(text, "matrixssl: server: received ClientHello (type 1, "), "ClientHello received");
    CHECK(has(text, "matrixssl: server: sent ServerHello (type 2, "), "ServerHello sent");
    CHECK(has(text, "matrixssl: client: received ServerHello (type 2, "), "ServerHello received");
    CHECK(has(text, "matrixssl: client: received Certificate (type 11, "), "Certificate received");
    CHECK(has(text, "matrixssl: client: sent ChangeCipherSpec\n"), "client CCS sent");
    CHECK(has(text, "matrixssl: server: received ChangeCipherSpec\n"), "server CCS received");
    CHECK(has(text, "matrixssl: client: sent Finished (type 20, 12 bytes)\n"), "Finished sent");
    CHECK(has(text, "matrixssl: client: received Finished (type 20, 12 bytes)\n"),
          "Finished received");
    CHECK(!has(text, "negotiated"), "informational lines are off with handshake only");
    CHECK(!has(text, "alert"), "no alert in a successful handshake");
    if (failed) printf("trace of the successful handshake:\n%s", text ? text : "(none)");
    free(text);

    /* TLS 1.3: EncryptedExtensions, CertificateVerify, Finished of the hash's size, and the
       session ticket after the handshake. */
    text = tracedHandshake(cert, key, ca, &ok);
    CHECK(ok, "TLS 1.3 handshake with the right CA");
    CHECK(has(text, "matrixssl: client: sent ClientHello (type 1, "), "1.3 ClientHello sent");
    CHECK(has(text, "matrixssl: server: sent ServerHello (type 2, "), "1.3 ServerHello sent");
    CHECK(has(text, "matrixssl: client: received EncryptedExtensions (type 8, "),
          "EncryptedExtensions received");
    CHECK(has(text, "matrixssl: client: received CertificateVerify (type 15, "),
          "CertificateVerify received");
    CHECK(has(text, "matrixssl: client: sent Finished (type 20, 32 bytes)\n"), "1.3 Finished sent");
    CHECK(has(text, "matrixssl: server: received Finished (type 20, 32 bytes)\n"),
          "1.3 Finished received");
    CHECK(has(text, "matrixssl: client: received NewSessionTicket (type 4, "),
          "NewSessionTicket received");
    CHECK(has(text, "matrixssl: server: sent NewSessionTicket (type 4, "), "NewSessionTicket sent");
    CHECK(has(text, "matrixssl: client: sent ChangeCipherSpec (TLS 1.3 middlebox compatibility)\n"),
          "compatibility ChangeCipherSpec sent");
    CHECK(!has(text, "ClientKeyExchange"), "no ClientKeyExchange in TLS 1.3");
    CHECK(!has(text, "negotiated"), "1.3: informational lines are off with handshake only");
    CHECK(!has(text, "alert"), "1.3: no alert in a successful handshake");
    if (failed) printf("trace of the TLS 1.3 handshake:\n%s", text ? text : "(none)");
    free(text);

    text = tracedHandshake(cert, key, otherCa, &ok);
    CHECK(!ok, "handshake with a client that trusts another CA fails");
    CHECK(has(text, "matrixssl: client: received Certificate (type 11, "), "Certificate received");
    CHECK(has(text, "matrixssl: client: sent fatal alert "), "client fatal alert traced");
    CHECK(has(text, ": server certificate chain did not verify\n"), "cause of the failure");
    CHECK(has(text, "matrixssl: server: received fatal alert "), "server sees the alert");
    CHECK(!has(text, "client: sent ClientKeyExchange"), "no key exchange after the failure");
    if (failed) printf("trace of the failed handshake:\n%s", text ? text : "(none)");
    free(text);

    matrixSslClose();
    printf("trace_env: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
