/*
 * abi_layout.c - compile-time checks of the header tree against ABI.md
 * sections 2, 5 and 6 (x86-64, LP64): struct sizes, alignments and offsets,
 * constant values, and the token shape of the unparenthesised 3.3 macros.
 *
 * Build: cc -std=c11 -Wall -Wextra -Werror -DPOSIX -I include c-tests/abi_layout.c
 * Also built by header_modes.sh with the configuration headers suppressed
 * (ABI.md 1.5 rule 5; -DABI_RULE5 plus the application's own -D set): every
 * layout assertion must still hold there.
 *
 * Prints "abi_layout: ok" and exits 0; any mismatch fails the compilation.
 */
#include "matrixssl/matrixsslApi.h"
#include <stddef.h>

#define SA(cond) _Static_assert(cond, #cond)
#define SIZE(T, n) SA(sizeof(T) == (n))
#define ALIGN(T, n) SA(_Alignof(T) == (n))
#define OFF(T, m, n) SA(offsetof(T, m) == (n))

/******************************************************************************/
/* 2. Integer and basic types */
SIZE(int32, 4); SIZE(uint32, 4); SIZE(int16, 2); SIZE(uint16, 2);
SIZE(int64, 8); SIZE(uint64, 8);
SA((int32)-1 < 0); SA((uint32)-1 > 0); SA((int16)-1 < 0); SA((uint16)-1 > 0);
SIZE(psPool_t, 4);
SIZE(sslBuf_t, 32);
SIZE(pstm_digit, 4); SIZE(pstm_word, 8);

/* 6.10 psBuf_t, psTime_t, DLListEntry, psList_t */
SIZE(psBuf_t, 32); ALIGN(psBuf_t, 8);
OFF(psBuf_t, buf, 0); OFF(psBuf_t, start, 8); OFF(psBuf_t, end, 16);
OFF(psBuf_t, size, 24);
SIZE(psTime_t, 16); ALIGN(psTime_t, 8);
OFF(psTime_t, tv_sec, 0); OFF(psTime_t, tv_usec, 8);
SIZE(DLListEntry, 16); OFF(DLListEntry, pNext, 0); OFF(DLListEntry, pPrev, 8);
SIZE(psList_t, 24); ALIGN(psList_t, 8);
OFF(psList_t, item, 0); OFF(psList_t, len, 8); OFF(psList_t, next, 16);

/* 6.1 sslSessionId_t */
SIZE(sslSessionId_t, 84); ALIGN(sslSessionId_t, 4);
OFF(sslSessionId_t, id, 0); OFF(sslSessionId_t, masterSecret, 32);
OFF(sslSessionId_t, cipherId, 80);

/* 6.2 tlsExtension_t */
SIZE(tlsExtension_t, 32); ALIGN(tlsExtension_t, 8);
SIZE(struct tlsHelloExt, 32);
OFF(tlsExtension_t, pool, 0); OFF(tlsExtension_t, extType, 8);
OFF(tlsExtension_t, extLen, 12); OFF(tlsExtension_t, extData, 16);
OFF(tlsExtension_t, next, 24);

/* 6.3 psX509Cert_t */
SIZE(psX509Cert_t, 416); ALIGN(psX509Cert_t, 8); SIZE(struct psCert, 416);
OFF(psX509Cert_t, version, 0);
OFF(psX509Cert_t, serialNumber, 8);
OFF(psX509Cert_t, serialNumberLen, 16);
OFF(psX509Cert_t, issuer, 24);
OFF(psX509Cert_t, subject, 136);
OFF(psX509Cert_t, timeType, 248);
OFF(psX509Cert_t, notBefore, 256);
OFF(psX509Cert_t, notAfter, 264);
OFF(psX509Cert_t, publicKey, 272);
OFF(psX509Cert_t, pubKeyAlgorithm, 288);
OFF(psX509Cert_t, certAlgorithm, 292);
OFF(psX509Cert_t, sigAlgorithm, 296);
OFF(psX509Cert_t, signature, 304);
OFF(psX509Cert_t, signatureLen, 312);
OFF(psX509Cert_t, sigHash, 316);
SA(sizeof(((psX509Cert_t *)0)->sigHash) == 20);
OFF(psX509Cert_t, uniqueIssuerId, 336);
OFF(psX509Cert_t, uniqueIssuerIdLen, 344);
OFF(psX509Cert_t, uniqueSubjectId, 352);
OFF(psX509Cert_t, uniqueSubjectIdLen, 360);
OFF(psX509Cert_t, extensions, 368);
OFF(psX509Cert_t, authStatus, 384);
OFF(psX509Cert_t, unparsedBin, 392);
OFF(psX509Cert_t, binLen, 400);
OFF(psX509Cert_t, next, 408);

/* 6.4 x509DNattributes_t */
SIZE(x509DNattributes_t, 112); ALIGN(x509DNattributes_t, 8);
OFF(x509DNattributes_t, country, 0);
OFF(x509DNattributes_t, state, 8);
OFF(x509DNattributes_t, locality, 16);
OFF(x509DNattributes_t, organization, 24);
OFF(x509DNattributes_t, orgUnit, 32);
OFF(x509DNattributes_t, commonName, 40);
OFF(x509DNattributes_t, hash, 48);
SA(sizeof(((x509DNattributes_t *)0)->hash) == 20);
OFF(x509DNattributes_t, dnenc, 72);
OFF(x509DNattributes_t, dnencLen, 80);
OFF(x509DNattributes_t, countryType, 84);
OFF(x509DNattributes_t, countryLen, 86);
OFF(x509DNattributes_t, stateType, 88);
OFF(x509DNattributes_t, stateLen, 90);
OFF(x509DNattributes_t, localityType, 92);
OFF(x509DNattributes_t, localityLen, 94);
OFF(x509DNattributes_t, organizationType, 96);
OFF(x509DNattributes_t, organizationLen, 98);
OFF(x509DNattributes_t, orgUnitType, 100);
OFF(x509DNattributes_t, orgUnitLen, 102);
OFF(x509DNattributes_t, commonNameType, 104);
OFF(x509DNattributes_t, commonNameLen, 106);

/* 6.5 x509v3extensions_t, 6.6 x509extBasicConstraints_t */
SIZE(x509v3extensions_t, 16); ALIGN(x509v3extensions_t, 8);
OFF(x509v3extensions_t, bc, 0); OFF(x509v3extensions_t, san, 8);
SIZE(x509extBasicConstraints_t, 8); ALIGN(x509extBasicConstraints_t, 4);
OFF(x509extBasicConstraints_t, cA, 0);
OFF(x509extBasicConstraints_t, pathLenConstraint, 4);

/* 6.7 x509GeneralName_t */
SIZE(x509GeneralName_t, 48); ALIGN(x509GeneralName_t, 8);
SIZE(struct psGeneralNameEntry, 48);
OFF(x509GeneralName_t, id, 0); OFF(x509GeneralName_t, name, 4);
SA(sizeof(((x509GeneralName_t *)0)->name) == 16);
OFF(x509GeneralName_t, data, 24); OFF(x509GeneralName_t, dataLen, 32);
OFF(x509GeneralName_t, next, 40);

/* 6.8 psPubKey_t, pubKeyUnion_t */
SIZE(psPubKey_t, 16); ALIGN(psPubKey_t, 8);
OFF(psPubKey_t, key, 0); OFF(psPubKey_t, keysize, 8); OFF(psPubKey_t, type, 12);
SIZE(pubKeyUnion_t, 136);
OFF(pubKeyUnion_t, rsa, 0);

/* 6.9 psRsaKey_t, pstm_int */
SIZE(pstm_int, 16); ALIGN(pstm_int, 8);
OFF(pstm_int, used, 0); OFF(pstm_int, alloc, 2); OFF(pstm_int, sign, 4);
OFF(pstm_int, dp, 8);
SIZE(psRsaKey_t, 136); ALIGN(psRsaKey_t, 8);
OFF(psRsaKey_t, e, 0); OFF(psRsaKey_t, d, 16); OFF(psRsaKey_t, N, 32);
OFF(psRsaKey_t, qP, 48); OFF(psRsaKey_t, dP, 64); OFF(psRsaKey_t, dQ, 80);
OFF(psRsaKey_t, p, 96); OFF(psRsaKey_t, q, 112);
OFF(psRsaKey_t, size, 128); OFF(psRsaKey_t, optimized, 132);

/* 6.11 sslKeys_t: the four readable members; private state after them */
OFF(sslKeys_t, pool, 0); OFF(sslKeys_t, cert, 8); OFF(sslKeys_t, privKey, 16);
OFF(sslKeys_t, CAcerts, 24);
SA(sizeof(sslKeys_t) >= 32);

/* 6.13 internal types declared for source compatibility */
SIZE(sslRec_t, 8); ALIGN(sslRec_t, 2);
OFF(sslRec_t, len, 0); OFF(sslRec_t, majVer, 2); OFF(sslRec_t, minVer, 3);
OFF(sslRec_t, type, 4); OFF(sslRec_t, pad, 5);
SIZE(sslSec_t, 2320); ALIGN(sslSec_t, 8);
OFF(sslSec_t, clientRandom, 0); OFF(sslSec_t, serverRandom, 32);
OFF(sslSec_t, masterSecret, 64); OFF(sslSec_t, premaster, 112);
OFF(sslSec_t, premasterSize, 120); OFF(sslSec_t, keyBlock, 124);
OFF(sslSec_t, wMACptr, 304); OFF(sslSec_t, rMACptr, 312);
OFF(sslSec_t, wKeyptr, 320); OFF(sslSec_t, rKeyptr, 328);
OFF(sslSec_t, wIVptr, 336); OFF(sslSec_t, rIVptr, 344);
OFF(sslSec_t, writeMAC, 352); OFF(sslSec_t, readMAC, 384);
OFF(sslSec_t, writeKey, 416); OFF(sslSec_t, readKey, 448);
OFF(sslSec_t, writeIV, 480); OFF(sslSec_t, readIV, 496);
OFF(sslSec_t, seq, 512); OFF(sslSec_t, remSeq, 520);
OFF(sslSec_t, cert, 528); OFF(sslSec_t, validateCert, 536);
OFF(sslSec_t, certMatch, 544); OFF(sslSec_t, msgHashMd5, 552);
OFF(sslSec_t, msgHashSha1, 648); OFF(sslSec_t, encryptCtx, 744);
OFF(sslSec_t, decryptCtx, 1528); OFF(sslSec_t, explicitIv, 2312);
OFF(sslSec_t, anon, 2316);
SIZE(sslCipherSpec_t, 56); ALIGN(sslCipherSpec_t, 8);
OFF(sslCipherSpec_t, ident, 0); OFF(sslCipherSpec_t, type, 2);
OFF(sslCipherSpec_t, flags, 4); OFF(sslCipherSpec_t, macSize, 8);
OFF(sslCipherSpec_t, keySize, 9); OFF(sslCipherSpec_t, ivSize, 10);
OFF(sslCipherSpec_t, blockSize, 11); OFF(sslCipherSpec_t, init, 16);
OFF(sslCipherSpec_t, encrypt, 24); OFF(sslCipherSpec_t, decrypt, 32);
OFF(sslCipherSpec_t, generateMac, 40); OFF(sslCipherSpec_t, verifyMac, 48);
SIZE(sslSessionEntry_t, 136); ALIGN(sslSessionEntry_t, 8);
OFF(sslSessionEntry_t, id, 0); OFF(sslSessionEntry_t, masterSecret, 32);
OFF(sslSessionEntry_t, cipher, 80); OFF(sslSessionEntry_t, majVer, 88);
OFF(sslSessionEntry_t, minVer, 89); OFF(sslSessionEntry_t, startTime, 96);
OFF(sslSessionEntry_t, accessTime, 112); OFF(sslSessionEntry_t, inUse, 128);

/* 6.14 crypto contexts */
SIZE(struct sha1_state, 96); ALIGN(struct sha1_state, 8);
SIZE(struct md5_state, 96); ALIGN(struct md5_state, 8);
SIZE(psDigestContext_t, 96); ALIGN(psDigestContext_t, 8);
SIZE(psHmacContext_t, 160); ALIGN(psHmacContext_t, 8);
OFF(psHmacContext_t, pad, 0); OFF(psHmacContext_t, u, 64);
SIZE(psAesKey_t, 516); ALIGN(psAesKey_t, 4);
OFF(psAesKey_t, eK, 0); OFF(psAesKey_t, dK, 256); OFF(psAesKey_t, Nr, 512);
SIZE(aes_CBC, 540); ALIGN(aes_CBC, 4);
OFF(aes_CBC, blocklen, 0); OFF(aes_CBC, IV, 4); OFF(aes_CBC, key, 20);
OFF(aes_CBC, explicitIV, 536);
SIZE(psDes3Key_t, 768); ALIGN(psDes3Key_t, 4);
SIZE(des3_CBC, 784); ALIGN(des3_CBC, 4);
OFF(des3_CBC, blocklen, 0); OFF(des3_CBC, IV, 4); OFF(des3_CBC, key, 12);
OFF(des3_CBC, explicitIV, 780);
SIZE(psCipherContext_t, 784); ALIGN(psCipherContext_t, 4);
SIZE(psYarrow_t, 584); ALIGN(psYarrow_t, 4);
OFF(psYarrow_t, pool, 0); OFF(psYarrow_t, mode, 20); OFF(psYarrow_t, ctrlen, 24);
OFF(psYarrow_t, padlen, 28); OFF(psYarrow_t, blocklen, 32);
OFF(psYarrow_t, ctr, 36); OFF(psYarrow_t, pad, 52); OFF(psYarrow_t, key, 68);
SIZE(psRandom_t, 592); ALIGN(psRandom_t, 4);
OFF(psRandom_t, yarrow, 0); OFF(psRandom_t, bytecount, 584);
OFF(psRandom_t, callcount, 588);

/******************************************************************************/
/* 5.1 core and crypto return codes */
SA(PS_SUCCESS == 0); SA(PS_FAILURE == -1); SA(PS_ARG_FAIL == -6);
SA(PS_PLATFORM_FAIL == -7); SA(PS_MEM_FAIL == -8); SA(PS_LIMIT_FAIL == -9);
SA(PS_UNSUPPORTED_FAIL == -10); SA(PS_DISABLED_FEATURE_FAIL == -11);
SA(PS_PROTOCOL_FAIL == -12); SA(PS_TIMEOUT_FAIL == -13);
SA(PS_INTERRUPT_FAIL == -14); SA(PS_PENDING == -15); SA(PS_CORE_IS_OPEN == 1);
SA(PS_TRUE == 1); SA(PS_FALSE == 0);
SA(CRYPT_INVALID_KEYSIZE == -21); SA(CRYPT_INVALID_ROUNDS == -22);
SA(PS_PARSE_FAIL == -31); SA(PS_CERT_AUTH_PASS == 1);
SA(PS_CERT_AUTH_FAIL_BC == -32); SA(PS_CERT_AUTH_FAIL_DN == -33);
SA(PS_CERT_AUTH_FAIL_SIG == -34); SA(PS_CERT_AUTH_FAIL == -35);
SA(PS_SIGNATURE_MISMATCH == -36);
SA(PSTM_OKAY == PS_SUCCESS); SA(PSTM_MEM == PS_MEM_FAIL);
/* "x - CODE" must subtract the negative value, as with the 3.3 tokens */
SA(0 - PS_FAILURE == 1); SA(10 - PS_ARG_FAIL == 16);

/* 5.2 MatrixSSL return codes and internal decode codes */
SA(MATRIXSSL_SUCCESS == 0); SA(MATRIXSSL_ERROR == -12);
SA(MATRIXSSL_ERROR == PS_PROTOCOL_FAIL);
SA(MATRIXSSL_REQUEST_SEND == 1); SA(MATRIXSSL_REQUEST_RECV == 2);
SA(MATRIXSSL_REQUEST_CLOSE == 3); SA(MATRIXSSL_APP_DATA == 4);
SA(MATRIXSSL_HANDSHAKE_COMPLETE == 5); SA(MATRIXSSL_RECEIVED_ALERT == 6);
SA(SSL_FULL == -50); SA(SSL_PARTIAL == -51); SA(SSL_SEND_RESPONSE == -52);
SA(SSL_PROCESS_DATA == -53); SA(SSL_ALERT == -54);
SA(SSL_FILE_NOT_FOUND == -55); SA(SSL_MEM_ERROR == -8);

/* 5.3 alert levels, 5.4 alert descriptions */
SA(SSL_ALERT_LEVEL_WARNING == 1); SA(SSL_ALERT_LEVEL_FATAL == 2);
SA(SSL_ALERT_CLOSE_NOTIFY == 0); SA(SSL_ALERT_UNEXPECTED_MESSAGE == 10);
SA(SSL_ALERT_BAD_RECORD_MAC == 20); SA(SSL_ALERT_DECRYPTION_FAILED == 21);
SA(SSL_ALERT_RECORD_OVERFLOW == 22); SA(SSL_ALERT_DECOMPRESSION_FAILURE == 30);
SA(SSL_ALERT_HANDSHAKE_FAILURE == 40); SA(SSL_ALERT_NO_CERTIFICATE == 41);
SA(SSL_ALERT_BAD_CERTIFICATE == 42); SA(SSL_ALERT_UNSUPPORTED_CERTIFICATE == 43);
SA(SSL_ALERT_CERTIFICATE_REVOKED == 44); SA(SSL_ALERT_CERTIFICATE_EXPIRED == 45);
SA(SSL_ALERT_CERTIFICATE_UNKNOWN == 46); SA(SSL_ALERT_ILLEGAL_PARAMETER == 47);
SA(SSL_ALERT_UNKNOWN_CA == 48); SA(SSL_ALERT_ACCESS_DENIED == 49);
SA(SSL_ALERT_DECODE_ERROR == 50); SA(SSL_ALERT_DECRYPT_ERROR == 51);
SA(SSL_ALERT_PROTOCOL_VERSION == 70); SA(SSL_ALERT_INTERNAL_ERROR == 80);
SA(SSL_ALERT_NO_RENEGOTIATION == 100);
SA(SSL_ALERT_UNSUPPORTED_EXTENSION == 110);
SA(SSL_ALLOW_ANON_CONNECTION == 254); SA(SSL_ALERT_NONE == 255);

/* 5.5 options, session flags, buffer flags */
SA(SSL_OPTION_FULL_HANDSHAKE == 1); SA(SSL_OPTION_DISABLE_CLIENT_AUTH == 2);
SA(SSL_OPTION_ENABLE_CLIENT_AUTH == 3);
SA(SSL_FLAGS_SERVER == 0x1); SA(SSL_FLAGS_READ_SECURE == 0x2);
SA(SSL_FLAGS_WRITE_SECURE == 0x4); SA(SSL_FLAGS_RESUMED == 0x8);
SA(SSL_FLAGS_CLOSED == 0x10); SA(SSL_FLAGS_NEED_ENCODE == 0x20);
SA(SSL_FLAGS_ERROR == 0x40); SA(SSL_FLAGS_TLS == 0x80);
SA(SSL_FLAGS_CLIENT_AUTH == 0x100); SA(SSL_FLAGS_ANON_CIPHER == 0x200);
SA(SSL_FLAGS_FALSE_START == 0x400); SA(SSL_FLAGS_TLS_1_1 == 0x800);
SA(SSL_FLAGS_TLS_1_2 == 0x400000);
SA(BFLAG_CLOSE_AFTER_SENT == 1); SA(BFLAG_HS_COMPLETE == 2);
SA(BFLAG_STOP_BEAST == 4);
SA(DEFAULT_RH_CREDITS == 1); SA(BYTES_BEFORE_RH_CREDIT == 20971520);
SA(CS_NULL == 0); SA(CS_RSA == 1);
SA(INIT_ENCRYPT_CIPHER == 0); SA(INIT_DECRYPT_CIPHER == 1);
SA(HMAC_CREATE == 1); SA(HMAC_VERIFY == 2);

/* 5.6 record types, handshake types, versions, sizes */
SA(SSL_RECORD_TYPE_CHANGE_CIPHER_SPEC == 20); SA(SSL_RECORD_TYPE_ALERT == 21);
SA(SSL_RECORD_TYPE_HANDSHAKE == 22);
SA(SSL_RECORD_TYPE_APPLICATION_DATA == 23);
SA(SSL_HS_HELLO_REQUEST == 0); SA(SSL_HS_CLIENT_HELLO == 1);
SA(SSL_HS_SERVER_HELLO == 2); SA(SSL_HS_HELLO_VERIFY_REQUEST == 3);
SA(SSL_HS_CERTIFICATE == 11); SA(SSL_HS_SERVER_KEY_EXCHANGE == 12);
SA(SSL_HS_CERTIFICATE_REQUEST == 13); SA(SSL_HS_SERVER_HELLO_DONE == 14);
SA(SSL_HS_CERTIFICATE_VERIFY == 15); SA(SSL_HS_CLIENT_KEY_EXCHANGE == 16);
SA(SSL_HS_FINISHED == 20); SA(SSL_HS_DONE == 255);
SA(SSL2_MAJ_VER == 2); SA(SSL3_MAJ_VER == 3); SA(SSL3_MIN_VER == 0);
SA(TLS_MIN_VER == 1); SA(TLS_1_1_MIN_VER == 2); SA(TLS_1_2_MIN_VER == 3);
#ifdef USE_TLS
SA(TLS_MAJ_VER == 3); SA(TLS_HS_FINISHED_SIZE == 12);
#endif
SA(SSL2_HEADER_LEN == 2); SA(SSL3_HEADER_LEN == 5);
SA(SSL3_HANDSHAKE_HEADER_LEN == 4);
SA(SSL_HS_RANDOM_SIZE == 32); SA(SSL_HS_RSA_PREMASTER_SIZE == 48);
SA(SSL_HS_MASTER_SIZE == 48); SA(SSL_MAX_SESSION_ID_SIZE == 32);
SA(SSL_MAX_PLAINTEXT_LEN == 16384); SA(SSL_MAX_RECORD_LEN == 18432);
SA(SSL_MAX_BUF_SIZE == 18437); SA(SSL_MAX_DISABLED_CIPHERS == 8);
SA(SSL_MAX_MAC_SIZE == 32); SA(SSL_MAX_IV_SIZE == 16);
SA(SSL_MAX_BLOCK_SIZE == 16); SA(SSL_MAX_SYM_KEY_SIZE == 32);
SA(SSL_MAX_KEY_BLOCK_SIZE == 180);
SA(SSL_DEFAULT_IN_BUF_SIZE == 1500); SA(SSL_DEFAULT_OUT_BUF_SIZE == 1500);
SA(SSL_SESSION_TABLE_SIZE == 32); SA(SSL_SESSION_ENTRY_LIFE == 86400000);
SA(SSL_PSK_MAX_KEY_SIZE == 64); SA(SSL_PSK_MAX_ID_SIZE == 128);

/* Token sequences: the 3.3 definitions are unparenthesised expressions and
   an application's arithmetic on them must evaluate exactly as with 3.3. */
SA(2 * SSL_MAX_RECORD_LEN == 2 * 16384 + 2048);
SA(2 * SSL_MAX_BUF_SIZE == 2 * 16384 + 2048 + 5);
SA(SSL_MAX_BUF_SIZE * 2 == 16384 + 2048 + 10);
SA(2 * SSL_MAX_KEY_BLOCK_SIZE == 244);
SA(1000000000 / SSL_SESSION_ENTRY_LIFE == 11574000);
SA(1000 / BYTES_BEFORE_RH_CREDIT == 52428800);
SA((psPadLenPwr2(5, 16)) == 11); SA((psPadLenPwr2(16, 16)) == 16);
SA((psPadLenPwr2(3, 1)) == 0);
/* The ?: binds last, as in 3.3: "1 + psPadLenPwr2(...)" is not 12 and
   "psPadLenPwr2(...) == x" compares inside the else branch. */
SA((1 + psPadLenPwr2(5, 16)) == 11);
SA((psPadLenPwr2(3, 1) == 0) == 0);

/* 5.7 cipher suites */
SA(SSL_NULL_WITH_NULL_NULL == 0x0000); SA(SSL_RSA_WITH_NULL_MD5 == 0x0001);
SA(SSL_RSA_WITH_NULL_SHA == 0x0002); SA(SSL_RSA_WITH_RC4_128_MD5 == 0x0004);
SA(SSL_RSA_WITH_RC4_128_SHA == 0x0005);
SA(SSL_RSA_WITH_3DES_EDE_CBC_SHA == 0x000A);
SA(TLS_RSA_WITH_AES_128_CBC_SHA == 0x002F);
SA(TLS_RSA_WITH_AES_256_CBC_SHA == 0x0035);
SA(TLS_EMPTY_RENEGOTIATION_INFO_SCSV == 0x00FF);
SA(SSL_DHE_RSA_WITH_3DES_EDE_CBC_SHA == 0x0016);
SA(SSL_DH_anon_WITH_RC4_128_MD5 == 0x0018);
SA(SSL_DH_anon_WITH_3DES_EDE_CBC_SHA == 0x001B);
SA(TLS_DHE_RSA_WITH_AES_128_CBC_SHA == 0x0033);
SA(TLS_DH_anon_WITH_AES_128_CBC_SHA == 0x0034);
SA(TLS_DHE_RSA_WITH_AES_256_CBC_SHA == 0x0039);
SA(TLS_DH_anon_WITH_AES_256_CBC_SHA == 0x003A);
SA(TLS_RSA_WITH_AES_128_CBC_SHA256 == 0x003C);
SA(TLS_RSA_WITH_AES_256_CBC_SHA256 == 0x003D);
SA(TLS_DHE_RSA_WITH_AES_128_CBC_SHA256 == 0x0067);
SA(TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 == 0x006B);
SA(TLS_PSK_WITH_AES_128_CBC_SHA == 0x008C);
SA(TLS_PSK_WITH_AES_256_CBC_SHA == 0x008D);
SA(TLS_DHE_PSK_WITH_AES_128_CBC_SHA == 0x0090);
SA(TLS_DHE_PSK_WITH_AES_256_CBC_SHA == 0x0091);
SA(TLS_RSA_WITH_SEED_CBC_SHA == 0x0096);
SA(TLS_RSA_WITH_AES_128_GCM_SHA256 == 0x009C);
SA(TLS_RSA_WITH_AES_256_GCM_SHA384 == 0x009D);
SA(TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 == 0x009E);
SA(TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 == 0x009F);
SA(TLS_PSK_WITH_AES_128_CBC_SHA256 == 0x00AE);
SA(TLS_PSK_WITH_AES_256_CBC_SHA384 == 0x00AF);
SA(TLS_DHE_DSS_WITH_AES_128_CBC_SHA == 0x0032);
SA(TLS_DHE_DSS_WITH_AES_256_CBC_SHA == 0x0038);
SA(TLS_DHE_DSS_WITH_AES_128_CBC_SHA256 == 0x0040);
SA(TLS_DHE_DSS_WITH_AES_256_CBC_SHA256 == 0x006A);
SA(TLS_DHE_DSS_WITH_AES_128_GCM_SHA256 == 0x00A2);
SA(TLS_DHE_DSS_WITH_AES_256_GCM_SHA384 == 0x00A3);
SA(TLS_DHE_PSK_WITH_AES_128_CBC_SHA256 == 0x00B2);
SA(TLS_DHE_PSK_WITH_AES_256_CBC_SHA384 == 0x00B3);
SA(TLS_FALLBACK_SCSV == 0x5600);
SA(TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA == 0xC004);
SA(TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA == 0xC005);
SA(TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA == 0xC009);
SA(TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA == 0xC00A);
SA(TLS_ECDH_RSA_WITH_AES_128_CBC_SHA == 0xC00E);
SA(TLS_ECDH_RSA_WITH_AES_256_CBC_SHA == 0xC00F);
SA(TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA == 0xC012);
SA(TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA == 0xC013);
SA(TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA == 0xC014);
SA(TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 == 0xC023);
SA(TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 == 0xC024);
SA(TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256 == 0xC025);
SA(TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384 == 0xC026);
SA(TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 == 0xC027);
SA(TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 == 0xC028);
SA(TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256 == 0xC029);
SA(TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384 == 0xC02A);
SA(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 == 0xC02B);
SA(TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 == 0xC02C);
SA(TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256 == 0xC02D);
SA(TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384 == 0xC02E);
SA(TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 == 0xC02F);
SA(TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 == 0xC030);
SA(TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256 == 0xC031);
SA(TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384 == 0xC032);
SA(TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 == 0xCCA8);
SA(TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 == 0xCCA9);
SA(TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 == 0xCCAA);

/* 5.8 hello extensions */
SA(EXT_RENEGOTIATION_INFO == 0xFF01); SA(EXT_SIGNATURE_ALGORITHMS == 13);

/* 5.9 key, signature and certificate values */
SA(PS_RSA == 1); SA(PS_ECC == 2); SA(PS_DH == 3);
SA(PUBKEY_TYPE == 1); SA(PRIVKEY_TYPE == 2);
SA(RSA_TYPE_SIG == 5); SA(DSA_TYPE_SIG == 6); SA(PS_EXPTMOD_WINSIZE == 3);
SA(CERT_STORE_UNPARSED_BUFFER == 1); SA(CERT_STORE_DN_BUFFER == 2);
SA(RSA_SIGN == 1); SA(DSS_SIGN == 2); SA(RSA_FIXED_DH == 3);
SA(DSS_FIXED_DH == 4); SA(ECDSA_SIGN == 64); SA(RSA_FIXED_ECDH == 65);
SA(ECDSA_FIXED_ECDH == 66);
SA(SHA1_HASH_SIZE == 20); SA(MD5_HASH_SIZE == 16); SA(SHA256_HASH_SIZE == 32);
SA(MAX_HASH_SIZE == SHA1_HASH_SIZE);
SA(ASN_PRIMITIVE == 0); SA(ASN_CONSTRUCTED == 0x20); SA(ASN_UNIVERSAL == 0);
SA(ASN_APPLICATION == 0x40); SA(ASN_CONTEXT_SPECIFIC == 0x80);
SA(ASN_PRIVATE == 0xC0);
SA(ASN_BOOLEAN == 1); SA(ASN_INTEGER == 2); SA(ASN_BIT_STRING == 3);
SA(ASN_OCTET_STRING == 4); SA(ASN_NULL == 5); SA(ASN_OID == 6);
SA(ASN_UTF8STRING == 12); SA(ASN_SEQUENCE == 16); SA(ASN_SET == 17);
SA(ASN_PRINTABLESTRING == 19); SA(ASN_T61STRING == 20);
SA(ASN_IA5STRING == 22); SA(ASN_UTCTIME == 23); SA(ASN_GENERALIZEDTIME == 24);
SA(ASN_GENERAL_STRING == 27); SA(ASN_BMPSTRING == 30);
SA(ASN_UNKNOWN_LEN == 876);
SA(OID_RSA_KEY_ALG == 645); SA(OID_ECDSA_KEY_ALG == 518);
#ifdef USE_X509
SA(OID_SHA1_ALG == 88); SA(OID_SHA256_ALG == 414); SA(OID_SHA512_ALG == 416);
SA(OID_MD2_ALG == 646); SA(OID_MD5_ALG == 649);
SA(OID_MD2_RSA_SIG == 646); SA(OID_MD5_RSA_SIG == 648);
SA(OID_SHA1_RSA_SIG == 649); SA(OID_SHA256_RSA_SIG == 655);
SA(OID_SHA512_RSA_SIG == 657); SA(OID_SHA1_ECDSA_SIG == 520);
SA(OID_SHA224_ECDSA_SIG == 523); SA(OID_SHA256_ECDSA_SIG == 524);
SA(OID_SHA384_ECDSA_SIG == 525); SA(OID_SHA512_ECDSA_SIG == 526);
#endif
#ifdef USE_PKCS5
SA(OID_DES_EDE3_CBC == 652); SA(OID_PKCS_PBKDF2 == 660);
SA(OID_PKCS_PBES2 == 661);
#endif
#ifdef USE_PKCS12
SA(OID_PKCS_PBESHA128RC4 == 657); SA(OID_PKCS_PBESHA40RC2 == 662);
SA(PKCS7_DATA == 651); SA(PKCS7_ENCRYPTED_DATA == 656);
SA(PKCS12_BAG_TYPE_KEY == 667); SA(PKCS12_BAG_TYPE_SAFE == 672);
SA(PBE12 == 1); SA(PBES2 == 2); SA(AUTH_SAFE_3DES == 1); SA(AUTH_SAFE_RC2 == 2);
SA(PKCS12_KEY_ID == 1); SA(PKCS12_IV_ID == 2); SA(PKCS12_MAC_ID == 3);
SA(PKCS9_CERT_TYPE_X509 == 675); SA(PKCS9_CERT_TYPE_SDSI == 676);
#endif
SA(CRYPTO_FLAGS_AES == 0x01); SA(CRYPTO_FLAGS_AES256 == 0x02);
SA(CRYPTO_FLAGS_3DES == 0x04); SA(CRYPTO_FLAGS_ARC4 == 0x08);
SA(CRYPTO_FLAGS_SEED == 0x10); SA(CRYPTO_FLAGS_SHA1 == 0x20);
SA(CRYPTO_FLAGS_SHA2 == 0x40); SA(CRYPTO_FLAGS_MD5 == 0x80);
SA(CRYPTO_FLAGS_TLS == 0x100); SA(CRYPTO_FLAGS_INBOUND == 0x200);
SA(CRYPTO_FLAGS_ARC4INIT == 0x400); SA(CRYPTO_FLAGS_BLOCKING == 0x800);
SA(CRYPTO_FLAGS_DISABLED == 0x1000);
SA(DES3_KEY_LEN == 24); SA(DES3_IV_LEN == 8); SA(DES_KEY_LEN == 8);
SA(MAXBLOCKSIZE == 24); SA(AESBLOCKSIZE == 16);
SA(CTR_COUNTER_LITTLE_ENDIAN == 0x0000); SA(CTR_COUNTER_BIG_ENDIAN == 0x1000);
SA(RANDOM_BYTES_BEFORE_ENTROPY == 1024); SA(RANDOM_CALLS_BEFORE_RESEED == 32);
SA(RANDOM_ENTROPY_BYTES == 8);
SA(PSTM_LT == -1); SA(PSTM_EQ == 0); SA(PSTM_GT == 1); SA(PSTM_ZPOS == 0);
SA(PSTM_NEG == 1); SA(PSTM_DEFAULT_INIT == 64); SA(PSTM_MAX_SIZE == 4096);
SA(DIGIT_BIT == 32); SA(PSTM_MASK == 0xFFFFFFFFu);
SA(PSTM_DIGIT_MAX == PSTM_MASK); SA(CHAR_BIT == 8);

/* 5.10 version */
SA(MATRIXSSL_VERSION_MAJOR == 3); SA(MATRIXSSL_VERSION_MINOR == 3);
SA(MATRIXSSL_VERSION_PATCH == 0);
SA(sizeof(MATRIXSSL_VERSION) == sizeof("3.3.0-OPEN"));
SA(sizeof(MATRIXSSL_VERSION_CODE) == sizeof("OPEN"));

/******************************************************************************/
/* 1.5 feature macros */
#ifndef POSIX
#error "POSIX must be defined (given, or implied by LINUX/OSX)"
#endif
#ifndef HAVE_NATIVE_INT64
#error "HAVE_NATIVE_INT64"
#endif
#if defined(HALT_ON_PS_ERROR) || defined(USE_CORE_TRACE) || \
	defined(USE_MULTITHREADING)
#error "core macros that must stay undefined"
#endif
#if defined(MATRIX_USE_FILE_SYSTEM) || defined(USE_HIGHRES_TIME) || \
	defined(USE_MATRIX_MEMORY_MANAGEMENT) || defined(PSTM_64BIT)
#error "build-environment macros the headers must never define"
#endif
#ifndef PSTM_32BIT
#error "PSTM_32BIT"
#endif
#ifndef ENDIAN_NEUTRAL
#error "ENDIAN_NEUTRAL (x86-64)"
#endif

#ifndef ABI_RULE5
/* The default configuration headers are in force. */
#if !defined(USE_TLS_RSA_WITH_AES_128_CBC_SHA) || \
	!defined(USE_TLS_RSA_WITH_AES_256_CBC_SHA) || !defined(USE_TLS) || \
	!defined(USE_TLS_1_1) || !defined(USE_CLIENT_SIDE_SSL) || \
	!defined(USE_SERVER_SIDE_SSL) || !defined(ENABLE_SECURE_REHANDSHAKES) || \
	!defined(ENABLE_FALSE_START) || !defined(USE_BEAST_WORKAROUND)
#error "matrixsslConfig.h: a macro that must be defined is not"
#endif
#if defined(USE_SSL_RSA_WITH_3DES_EDE_CBC_SHA) || \
	defined(USE_SSL_RSA_WITH_RC4_128_SHA) || \
	defined(USE_SSL_RSA_WITH_RC4_128_MD5) || \
	defined(USE_SSL_RSA_WITH_NULL_SHA) || defined(USE_SSL_RSA_WITH_NULL_MD5) || \
	defined(DISABLE_SSLV3) || defined(REQUIRE_SECURE_REHANDSHAKES) || \
	defined(ENABLE_INSECURE_REHANDSHAKES) || defined(USE_CERT_CHAIN_PARSING) || \
	defined(USE_SSL_HANDSHAKE_MSG_TRACE) || \
	defined(USE_SSL_INFORMATIONAL_TRACE) || defined(USE_TLS_1_2) || \
	defined(USE_CLIENT_AUTH) || defined(SERVER_CAN_SEND_EMPTY_CERT_REQUEST) || \
	defined(SERVER_WILL_ACCEPT_EMPTY_CLIENT_CERT_MSG)
#error "matrixsslConfig.h: a macro that must stay undefined is defined"
#endif
#if !defined(SSL_REHANDSHAKES_ENABLED) || !defined(USE_SHA_MAC) || \
	!defined(USE_AES_CIPHER_SUITE) || !defined(USE_RSA_CIPHER_SUITE) || \
	!defined(REQUIRE_RSA_KEYS) || !defined(VALIDATE_KEY_MATERIAL)
#error "matrixssllib.h: a derived macro is missing"
#endif
#if defined(USE_MD5_MAC) || defined(USE_ARC4_CIPHER_SUITE) || \
	defined(USE_3DES_CIPHER_SUITE)
#error "matrixssllib.h: a derived macro must stay undefined"
#endif
#if !defined(USE_RSA) || !defined(PS_PUBKEY_OPTIMIZE_FOR_SMALLER_RAM) || \
	!defined(USE_AES) || !defined(USE_3DES) || !defined(USE_SHA1) || \
	!defined(USE_MD5) || !defined(USE_HMAC) || !defined(USE_X509) || \
	!defined(USE_CERT_PARSE) || !defined(USE_BASE64_DECODE) || \
	!defined(USE_PRIVATE_KEY_PARSING) || !defined(USE_PKCS5) || \
	!defined(USE_PKCS8) || !defined(USE_YARROW)
#error "cryptoConfig.h: a macro that must be defined is not"
#endif
#if defined(USE_CRYPTO_TRACE) || defined(PS_PUBKEY_OPTIMIZE_FOR_FASTER_SPEED) || \
	defined(USE_DES) || defined(USE_ARC4) || defined(USE_RC2) || \
	defined(PS_AES_IMPROVE_PERF_INCREASE_CODESIZE) || \
	defined(PS_3DES_IMPROVE_PERF_INCREASE_CODESIZE) || \
	defined(PS_MD5_IMPROVE_PERF_INCREASE_CODESIZE) || \
	defined(PS_SHA1_IMPROVE_PERF_INCREASE_CODESIZE) || \
	defined(USE_FULL_CERT_PARSE) || defined(USE_PKCS12) || \
	defined(USE_BURN_STACK)
#error "cryptoConfig.h: a macro that must stay undefined is defined"
#endif
#if defined(USE_DHE_CIPHER_SUITE) || defined(USE_PSK_CIPHER_SUITE) || \
	defined(USE_ECC) || defined(REQUIRE_DH_PARAMS)
#error "commercial feature macros must stay undefined"
#endif
#else
/* Rule 5: the application's own -D set is what is visible. */
#if !defined(USE_FULL_CERT_PARSE) || !defined(USE_PKCS12)
#error "rule-5 build: the application's macros are not visible"
#endif
#if defined(USE_TLS_RSA_WITH_AES_128_CBC_SHA) && !defined(ABI_RULE5_AES)
#error "rule-5 build: matrixsslConfig.h was not suppressed"
#endif
#endif

int main(void)
{
	/* Runtime checks of what a constant expression cannot compare. */
	sslSessionId_t sid;
	int failed = 0;

	if (strcmp(MATRIXSSL_VERSION, "3.3.0-OPEN") != 0) {
		failed = 1;
	}
	if (strcmp(MATRIXSSL_VERSION_CODE, "OPEN") != 0) {
		failed = 1;
	}
	memset(&sid, 0xAA, sizeof(sid));
	matrixSslInitSessionId(sid);
	if (sid.cipherId != 0 || sid.id[0] != 0xAA) {
		failed = 1;
	}
	if (failed) {
		fputs("abi_layout: FAILED\n", stderr);
		return 1;
	}
	printf("abi_layout: ok\n");
	return 0;
}
