/*
 * Smallest useful TLS client through the MatrixSSL API, for the size comparison in
 * bench/run.sh (linked statically against libmatrixssl.a, then stripped): loads a CA file,
 * creates a client session and reports the size of its ClientHello. No network.
 *
 * usage: minimal_client CA_FILE
 */
#include <stdio.h>

#include "matrixssl/matrixsslApi.h"

int main(int argc, char **argv)
{
    sslKeys_t *keys;
    ssl_t *ssl;
    unsigned char *out;
    int32 n;
    if (argc != 2 || matrixSslOpen() != PS_SUCCESS || matrixSslNewKeys(&keys) != PS_SUCCESS)
        return 2;
    if (matrixSslLoadRsaKeys(keys, NULL, NULL, NULL, argv[1]) != PS_SUCCESS) return 1;
    if (matrixSslNewClientSession(&ssl, keys, NULL, 0, NULL, NULL, NULL) !=
            MATRIXSSL_REQUEST_SEND)
        return 1;
    n = matrixSslGetOutdata(ssl, &out);
    printf("ClientHello: %d bytes\n", (int)n);
    matrixSslDeleteSession(ssl);
    matrixSslDeleteKeys(keys);
    matrixSslClose();
    return n > 0 ? 0 : 1;
}
