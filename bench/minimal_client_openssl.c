/*
 * The OpenSSL counterpart of bench/minimal_client.c (linked statically against libssl.a and
 * libcrypto.a for the size comparison): loads a CA file, starts a client handshake into a
 * memory BIO and reports the size of its ClientHello.
 *
 * usage: minimal_client_openssl CA_FILE
 */
#include <stdio.h>

#include <openssl/ssl.h>

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *rd, *wr;
    int n;
    if (argc != 2 || !(ctx = SSL_CTX_new(TLS_client_method()))) return 2;
    if (!SSL_CTX_load_verify_locations(ctx, argv[1], NULL)) return 1;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    ssl = SSL_new(ctx);
    rd = BIO_new(BIO_s_mem());
    wr = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, rd, wr);
    SSL_connect(ssl);
    n = (int)BIO_pending(wr);
    printf("ClientHello: %d bytes\n", n);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return n > 0 ? 0 : 1;
}
