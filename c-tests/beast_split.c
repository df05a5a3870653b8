/*
 * The TLS 1.0 CBC 1/n-1 record split (ABI.md §7.4) through the public C API: a client's
 * application write of n >= 2 bytes reaches the peer as two records (1 byte, then n-1
 * bytes), whatever length was passed to matrixSslGetWritebuf; n = 1 and n = 0 are one
 * record; servers do not split.
 *
 * usage: beast_split FIXTURE_DIR   (made by c-tests/make-test-pki.sh)
 */
#include "matrixssl/matrixsslApi.h"

#include "pair_util.h"

/* Moves what `from` has queued into `to` in one read; records in `lens` the plaintext length
   of each MATRIXSSL_APP_DATA result (one per record). Returns how many there were. */
static int deliver(ssl_t *from, ssl_t *to, uint32 *lens, int max)
{
    unsigned char *out, *in, *pt;
    uint32 ptlen;
    int count = 0;
    int32 n = matrixSslGetOutdata(from, &out);
    int32 rc;
    if (n <= 0 || matrixSslGetReadbuf(to, &in) < n) return -1;
    memcpy(in, out, n);
    matrixSslSentData(from, n);
    rc = matrixSslReceivedData(to, n, &pt, &ptlen);
    while (rc == MATRIXSSL_APP_DATA) {
        if (count < max) lens[count] = ptlen;
        count++;
        rc = matrixSslProcessedData(to, &pt, &ptlen);
    }
    return rc == 0 ? count : -1;
}

/* GetWritebuf(requested), then `len` bytes written and encoded. */
static int32 writeAfterReserving(ssl_t *ssl, uint32 requested, uint32 len)
{
    unsigned char *buf;
    uint32 i;
    int32 room = matrixSslGetWritebuf(ssl, &buf, requested);
    if (room < (int32)len) return -1;
    for (i = 0; i < len; i++) buf[i] = pattern(i);
    return matrixSslEncodeWritebuf(ssl, len);
}

int main(int argc, char **argv)
{
    sslKeys_t *srvKeys, *cliKeys;
    ssl_t *cli = NULL, *srv = NULL;
    sink_t cs, ss;
    uint32 lens[4];
    int n;
    char cert[512], key[512], ca[512];
    if (argc != 2) {
        printf("usage: %s FIXTURE_DIR\n", argv[0]);
        return 2;
    }
    snprintf(cert, sizeof cert, "%s/server-chain.pem", argv[1]);
    snprintf(key, sizeof key, "%s/server.key", argv[1]);
    snprintf(ca, sizeof ca, "%s/ca.pem", argv[1]);
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    CHECK(matrixSslOpen() == PS_SUCCESS, "open");
    matrixSslNewKeys(&srvKeys);
    matrixSslNewKeys(&cliKeys);
    CHECK(matrixSslLoadRsaKeys(srvKeys, cert, key, NULL, NULL) == 0, "server keys");
    CHECK(matrixSslLoadRsaKeys(cliKeys, NULL, NULL, NULL, ca) == 0, "client CA");
    matrixSslSetMaxProtocolVersion(0x0301);
    /* TLS_RSA_WITH_AES_128_CBC_SHA */
    CHECK(matrixSslNewClientSession(&cli, cliKeys, NULL, 0x002f, NULL, NULL, NULL) ==
          MATRIXSSL_REQUEST_SEND, "new client");
    CHECK(matrixSslNewServerSession(&srv, srvKeys, NULL) == MATRIXSSL_SUCCESS, "new server");
    if (cli && srv && handshake(cli, &cs, srv, &ss, 100000)) {
        CHECK(matrixSslGetNegotiatedVersion(cli) == 0x0301, "TLS 1.0 negotiated");

        /* Room asked for 1 byte, 1000 written: the split still applies. */
        CHECK(writeAfterReserving(cli, 1, 1000) > 0, "encode 1000 after GetWritebuf(1)");
        n = deliver(cli, srv, lens, 4);
        CHECK(n == 2 && lens[0] == 1 && lens[1] == 999,
              "GetWritebuf(1) + 1000 bytes: %d records (%u, %u)", n, lens[0], lens[1]);

        CHECK(writeAfterReserving(cli, 0, 2) > 0, "encode 2 after GetWritebuf(0)");
        n = deliver(cli, srv, lens, 4);
        CHECK(n == 2 && lens[0] == 1 && lens[1] == 1, "GetWritebuf(0) + 2 bytes: %d records", n);

        CHECK(writeAfterReserving(cli, 1000, 1000) > 0, "encode 1000 after GetWritebuf(1000)");
        n = deliver(cli, srv, lens, 4);
        CHECK(n == 2 && lens[0] == 1 && lens[1] == 999, "GetWritebuf(1000) + 1000 bytes: %d", n);

        CHECK(writeAfterReserving(cli, 1000, 1) > 0, "encode 1 after GetWritebuf(1000)");
        n = deliver(cli, srv, lens, 4);
        CHECK(n == 1 && lens[0] == 1, "one byte is one record (%d)", n);

        CHECK(writeAfterReserving(cli, 10, 0) > 0, "encode 0 after GetWritebuf(10)");
        n = deliver(cli, srv, lens, 4);
        CHECK(n == 1 && lens[0] == 0, "nothing is one empty record (%d)", n);

        CHECK(matrixSslEncodeToOutdata(cli, (unsigned char *)"hello", 5) > 0, "EncodeToOutdata");
        n = deliver(cli, srv, lens, 4);
        CHECK(n == 2 && lens[0] == 1 && lens[1] == 4, "EncodeToOutdata splits (%d)", n);

        CHECK(writeAfterReserving(srv, 1, 1000) > 0, "server encode");
        n = deliver(srv, cli, lens, 4);
        CHECK(n == 1 && lens[0] == 1000, "the server does not split (%d)", n);

        /* The data itself arrives intact across the split. */
        transfer(cli, &cs, srv, &ss, 3000, 0, 100000, "client data");
    } else {
        CHECK(0, "TLS 1.0 handshake");
    }
    matrixSslDeleteSession(cli);
    matrixSslDeleteSession(srv);
    free(cs.data);
    free(ss.data);
    matrixSslSetMaxProtocolVersion(0x0304);
    matrixSslDeleteKeys(srvKeys);
    matrixSslDeleteKeys(cliKeys);
    matrixSslClose();
    printf("beast_split: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
