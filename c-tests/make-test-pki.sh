#!/bin/sh
# Generates the certificate and key fixtures used by the C tests (keys_api.c and others).
#
#   make-test-pki.sh OUTDIR
#
# Everything is created fresh with the openssl CLI (OpenSSL 1.1.1 or 3.x), so no key
# material is checked in and nothing expires. Files written to OUTDIR:
#
#   ca.{pem,der} ca.key                 root CA, RSA 2048, sha256WithRSAEncryption
#   inter.{pem,der} inter.key           intermediate CA signed by the root
#   server.{pem,der}                    leaf "localhost" signed by the intermediate
#                                        (SAN DNS:localhost, IP:127.0.0.1)
#   server-chain.pem / server-chain.der leaf then intermediate (PEM blocks / DER concatenated)
#   server-pkcs1.{pem,der}              leaf key, PKCS#1 RSAPrivateKey
#   server-pkcs8.{pem,der}              leaf key, unencrypted PKCS#8 PrivateKeyInfo
#   server-pkcs8-enc.pem                leaf key, PKCS#8 PBES2/PBKDF2-HMAC-SHA1/des-ede3-cbc,
#                                        password "secret"
#   server-legacy-enc.pem               leaf key, PKCS#1 with Proc-Type: 4,ENCRYPTED and
#                                        DEK-Info: DES-EDE3-CBC, password "secret"
#   mismatch-key.{pem,der}              an RSA 2048 key (PKCS#1) matching no certificate
#   server-trunc.der                    server.der cut in half
#   legacy-ca.{pem,der} legacy-ca.key   root CA, RSA 1024, sha1WithRSAEncryption
#   legacy-server.{pem,der}             leaf "legacy.localhost" signed by legacy-ca (1024/SHA-1)
#   legacy-server-key.{pem,der}         its key, PKCS#1
#   other-ca.{pem,der} other-ca.key     an unrelated root CA (RSA 2048, SHA-256)
#   ca-bundle.pem                       ca.pem followed by other-ca.pem
#
# ECDSA (matrixSslLoadEcKeys[Mem]):
#   ec-ca.{pem,der} ec-ca.key           root CA, P-256, ecdsa-with-SHA256
#   ec-inter.{pem,der} ec-inter.key     intermediate CA, P-256, signed by ec-ca
#   ec-server.{pem,der}                 leaf "localhost" (P-256) signed by ec-inter
#                                        (SAN DNS:localhost, IP:127.0.0.1; keyUsage
#                                        digitalSignature)
#   ec-server-chain.pem / .der          ec-server then ec-inter
#   ec-server-sec1.{pem,der}            its key, SEC1 ECPrivateKey ("EC PRIVATE KEY")
#   ec-server-pkcs8.{pem,der}           its key, unencrypted PKCS#8
#   ec-server-pkcs8-enc.pem             its key, PKCS#8 PBES2/PBKDF2-HMAC-SHA256/aes-256-cbc,
#                                        password "secret"
#   ec-server-sec1-enc.pem              its key, SEC1 with Proc-Type: 4,ENCRYPTED and
#                                        DEK-Info: DES-EDE3-CBC, password "secret"
#   ec384-ca.{pem,der} ec384-ca.key     root CA, P-384, ecdsa-with-SHA384
#   ec384-server.{pem,der}              leaf "localhost" (P-384) signed by ec384-ca (SHA-384)
#   ec384-server-key.{pem,der}          its key, SEC1
#   ec-mismatch-key.{pem,der}           a P-256 key (SEC1) matching no certificate
#   ec-mixed-server.{pem,der}           leaf "localhost" (P-256) signed by the RSA inter
#   ec-mixed-server-chain.{pem,der}     ec-mixed-server then inter
#   ec-mixed-server-key.{pem,der}       its key, SEC1
#   mixed-ca-bundle.{pem,der}           ca, ec-ca and ec384-ca (RSA and ECDSA roots; DER
#                                        concatenated)
#
# DSA (DHE_DSS suites, feature dss-suites; a client verifies DSA servers, no DSA private key
# is ever loaded):
#   dsa-server.pem dsa-server.key       leaf "localhost", DSA p 2048 / q 256, signed by the RSA
#                                        inter (SHA-256); key in PKCS#8 PEM
#   dsa-server-chain.pem                dsa-server then inter
#   dsa1024-server.pem / .key / -chain.pem   the same with DSA p 1024 / q 160
#   dsa-trad.key                        dsa-server.key as "DSA PRIVATE KEY" (OpenSSL's form)
#   dsa-ca.pem dsa-ca.key               root CA with a DSA key (self-signed, dsa_with_SHA256)
#   dsa-signed-server.pem / .key        leaf "localhost" (DSA) signed by dsa-ca: a DSA-signed
#                                        certificate, which chain validation does not support
#

# Legacy certificates (ABI.md D9a/D9b; X.509 v1 = `openssl x509 -req` without -extfile):
#   v1-ca.pem v1-ca.key                 self-signed v1 root, RSA 2048, SHA-256
#   v1-server.{pem,der} v1-server.key   v1 leaf "localhost" signed by v1-ca
#   v1-ca-server.pem v1-ca-server.key   v1 leaf "localhost" signed by the v3 ca
#   v1-inter.pem v1-inter.key           v1 "intermediate" signed by ca (never valid as one)
#   v1-inter-server-chain.pem / .key    v3 leaf "localhost" signed by v1-inter, then v1-inter
#   md5-server.pem md5-server.key       leaf "localhost" signed by ca with md5WithRSAEncryption
#   impostor-inter.pem                  self-signed CA with inter's subject DN and another key
#   server-unlinked.p12                 server key and certificate with impostor-inter as its
#                                        "chain" (password "secret"): the chain does not link
# Peer key checks (security issue item 7), leaves "localhost" signed by ca, PKCS#1 keys:
#   ku-sign-server.pem / .key           keyUsage digitalSignature only
#   ku-enc-server.pem / .key            keyUsage keyEncipherment only
#   rsa512-server.pem / .key            RSA 512-bit key
#
#   dh2048.{pem,der}                    RFC 7919 ffdhe2048 (PKCS#3 DHParameter)
#   dh-x942.pem                         RFC 5114 2048-bit group, "X9.42 DH PARAMETERS"
#   dh512.{pem,der}                     a 512-bit safe-prime group (too small: refused)
#   dh-composite.der                    dh2048.der with one byte of p changed (not prime)
#   dh-trunc.der                        dh2048.der cut short
#
# PKCS#12 (matrixSslLoadPkcs12), all with password "secret", holding the server key, server
# certificate and (in that order, i.e. not leaf-first) ca and inter:
#   server-legacy.p12                   RC2-40 certificates, 3DES key, HMAC-SHA1 MAC (what
#                                        `openssl pkcs12 -legacy` and 3.3-era tools write)
#   server-3des.p12                     PBE-SHA1-3DES for both, HMAC-SHA1 MAC
#   server-aes.p12                      PBES2 (PBKDF2, AES-256-CBC) for both, HMAC-SHA256 MAC
#                                        (the OpenSSL 3 default)
#   server-nomac.p12                    as server-aes.p12 without a MAC
#   ec-server.p12                       ec-server key and certificate with ec-inter (PBES2)
#   server-trunc.p12                    server-legacy.p12 cut short
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$1
mkdir -p "$out"
cd "$out"

days=3650
pass=secret

# Extension sections for CA and leaf certificates.
cat > exts.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# A leaf under an issuer without subjectKeyIdentifier (a v1 issuer): no AKI.
[leafnoaki]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1

[kusign]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
subjectAltName = DNS:localhost, IP:127.0.0.1

[kuenc]
basicConstraints = CA:false
keyUsage = critical, keyEncipherment
subjectAltName = DNS:localhost, IP:127.0.0.1

[legacyleaf]
basicConstraints = CA:false
subjectAltName = DNS:legacy.localhost

[ecleaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# openssl req insists on these sections whenever -config is given.
[req]
distinguished_name = dn
[dn]
CNF

# PKCS#1 PEM key of the given size (openssl 3 writes PKCS#8 by default).
genkey() { # file bits
    openssl genrsa -out "$1.tmp" "$2" 2>/dev/null
    openssl rsa -in "$1.tmp" -traditional -out "$1" 2>/dev/null \
        || openssl rsa -in "$1.tmp" -out "$1" 2>/dev/null
    rm -f "$1.tmp"
}

# SEC1 PEM EC key on a named curve.
genec() { # file curve
    openssl ecparam -name "$2" -genkey -noout -out "$1"
}

# SEC1 PEM key to SEC1 DER.
ecder() { # in out
    openssl ec -in "$1" -outform DER -out "$2" 2>/dev/null
}

# Self-signed CA: key file, subject, digest.
selfsign() { # name subject digest
    openssl req -new -x509 -key "$1.key" -subj "$2" -"$3" -days "$days" \
        -set_serial "0x$(openssl rand -hex 8)" \
        -extensions ca -config exts.cnf -out "$1.pem"
}

# Certificate signed by an issuer: name, subject, issuer name, extension section, digest.
issue() { # name subject issuer section digest
    openssl req -new -key "$1.key" -subj "$2" -config exts.cnf -out "$1.csr"
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" \
        -set_serial "0x$(openssl rand -hex 8)" -days "$days" -"$5" \
        -extfile exts.cnf -extensions "$4" -out "$1.pem" 2>/dev/null
    rm -f "$1.csr"
}

todir() { openssl x509 -in "$1.pem" -outform DER -out "$1.der"; }

# Main chain: root -> intermediate -> server (RSA 2048, SHA-256).
genkey ca.key 2048
selfsign ca "/C=US/ST=California/L=Test City/O=matrixssl-rs tests/OU=Test PKI/CN=Test Root CA" sha256
genkey inter.key 2048
issue inter "/C=US/O=matrixssl-rs tests/OU=Test PKI/CN=Test Intermediate CA" ca ca sha256
genkey server.key 2048
issue server "/C=US/ST=California/O=matrixssl-rs tests/CN=localhost" inter leaf sha256
for c in ca inter server; do todir "$c"; done
cat server.pem inter.pem > server-chain.pem
cat server.der inter.der > server-chain.der

# Every encoding of the server key.
cp server.key server-pkcs1.pem
openssl rsa -in server.key -outform DER -out server-pkcs1.der 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in server.key -out server-pkcs8.pem
openssl pkcs8 -topk8 -nocrypt -in server.key -outform DER -out server-pkcs8.der
openssl pkcs8 -topk8 -in server.key -v2 des3 -v2prf hmacWithSHA1 \
    -passout "pass:$pass" -out server-pkcs8-enc.pem
openssl rsa -in server.key -traditional -des3 -passout "pass:$pass" \
    -out server-legacy-enc.pem 2>/dev/null \
    || openssl rsa -in server.key -des3 -passout "pass:$pass" -out server-legacy-enc.pem

# A key that matches nothing, and a truncated certificate.
genkey mismatch-key.pem 2048
openssl rsa -in mismatch-key.pem -outform DER -out mismatch-key.der 2>/dev/null
size=$(wc -c < server.der)
head -c $((size / 2)) server.der > server-trunc.der

# Legacy chain: RSA 1024 with SHA-1 signatures (accepted by default, ABI.md D9).
genkey legacy-ca.key 1024
selfsign legacy-ca "/C=US/O=matrixssl-rs tests/CN=Legacy Test CA" sha1
genkey legacy-server.key 1024
issue legacy-server "/C=US/O=matrixssl-rs tests/CN=legacy.localhost" legacy-ca legacyleaf sha1
for c in legacy-ca legacy-server; do todir "$c"; done
cp legacy-server.key legacy-server-key.pem
openssl rsa -in legacy-server.key -outform DER -out legacy-server-key.der 2>/dev/null

# An unrelated root.
genkey other-ca.key 2048
selfsign other-ca "/C=US/O=Unrelated Org/CN=Unrelated Root CA" sha256
todir other-ca
cat ca.pem other-ca.pem > ca-bundle.pem

# ECDSA chain: P-256 root -> P-256 intermediate -> P-256 server.
genec ec-ca.key prime256v1
selfsign ec-ca "/C=US/O=matrixssl-rs tests/OU=Test PKI/CN=Test EC Root CA" sha256
genec ec-inter.key prime256v1
issue ec-inter "/C=US/O=matrixssl-rs tests/OU=Test PKI/CN=Test EC Intermediate CA" ec-ca ca sha256
genec ec-server.key prime256v1
issue ec-server "/C=US/ST=California/O=matrixssl-rs tests/CN=localhost" ec-inter ecleaf sha256
for c in ec-ca ec-inter ec-server; do todir "$c"; done
cat ec-server.pem ec-inter.pem > ec-server-chain.pem
cat ec-server.der ec-inter.der > ec-server-chain.der

# Every encoding of the EC server key.
cp ec-server.key ec-server-sec1.pem
ecder ec-server.key ec-server-sec1.der
openssl pkcs8 -topk8 -nocrypt -in ec-server.key -out ec-server-pkcs8.pem
openssl pkcs8 -topk8 -nocrypt -in ec-server.key -outform DER -out ec-server-pkcs8.der
openssl pkcs8 -topk8 -in ec-server.key -v2 aes-256-cbc -v2prf hmacWithSHA256 \
    -passout "pass:$pass" -out ec-server-pkcs8-enc.pem
openssl ec -in ec-server.key -des3 -passout "pass:$pass" -out ec-server-sec1-enc.pem 2>/dev/null

# P-384 chain: root -> server, SHA-384 signatures.
genec ec384-ca.key secp384r1
selfsign ec384-ca "/C=US/O=matrixssl-rs tests/CN=Test EC P-384 Root CA" sha384
genec ec384-server.key secp384r1
issue ec384-server "/C=US/O=matrixssl-rs tests/CN=localhost" ec384-ca ecleaf sha384
for c in ec384-ca ec384-server; do todir "$c"; done
cp ec384-server.key ec384-server-key.pem
ecder ec384-server.key ec384-server-key.der

# An EC key that matches nothing.
genec ec-mismatch-key.pem prime256v1
ecder ec-mismatch-key.pem ec-mismatch-key.der

# Mixed chain: a P-256 server certificate signed by the RSA intermediate.
genec ec-mixed-server.key prime256v1
issue ec-mixed-server "/C=US/O=matrixssl-rs tests/CN=localhost" inter ecleaf sha256
todir ec-mixed-server
cat ec-mixed-server.pem inter.pem > ec-mixed-server-chain.pem
cat ec-mixed-server.der inter.der > ec-mixed-server-chain.der
cp ec-mixed-server.key ec-mixed-server-key.pem
ecder ec-mixed-server.key ec-mixed-server-key.der

# A CA bundle mixing RSA and ECDSA roots.
cat ca.pem ec-ca.pem ec384-ca.pem > mixed-ca-bundle.pem
cat ca.der ec-ca.der ec384-ca.der > mixed-ca-bundle.der

# DSA identities (see the list above).
gendsa() { # file pbits qbits
    openssl genpkey -genparam -algorithm DSA -pkeyopt "dsa_paramgen_bits:$2" \
        -pkeyopt "dsa_paramgen_q_bits:$3" -out "$1.params" 2>/dev/null
    openssl genpkey -paramfile "$1.params" -out "$1"
    rm -f "$1.params"
}
gendsa dsa-server.key 2048 256
issue dsa-server "/C=US/O=matrixssl-rs tests/CN=localhost" inter ecleaf sha256
cat dsa-server.pem inter.pem > dsa-server-chain.pem
openssl dsa -in dsa-server.key -out dsa-trad.key 2>/dev/null
gendsa dsa1024-server.key 1024 160
issue dsa1024-server "/C=US/O=matrixssl-rs tests/CN=localhost" inter ecleaf sha256
cat dsa1024-server.pem inter.pem > dsa1024-server-chain.pem
gendsa dsa-ca.key 2048 256
selfsign dsa-ca "/C=US/O=matrixssl-rs tests/CN=Test DSA Root CA" sha256
gendsa dsa-signed-server.key 2048 256
issue dsa-signed-server "/C=US/O=matrixssl-rs tests/CN=localhost" dsa-ca ecleaf sha256

# Legacy v1 certificates: no -extfile, so openssl writes X.509 v1.
issue_v1() { # name subject issuer digest
    openssl req -new -key "$1.key" -subj "$2" -config exts.cnf -out "$1.csr"
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" \
        -set_serial "0x$(openssl rand -hex 8)" -days "$days" -"$4" -out "$1.pem" 2>/dev/null
    rm -f "$1.csr"
}
genkey v1-ca.key 2048
openssl req -new -key v1-ca.key -subj "/C=US/O=matrixssl-rs tests/CN=Test v1 Root CA" \
    -config exts.cnf -out v1-ca.csr
openssl x509 -req -in v1-ca.csr -signkey v1-ca.key -sha256 -days "$days" \
    -set_serial "0x$(openssl rand -hex 8)" -out v1-ca.pem 2>/dev/null
rm -f v1-ca.csr
genkey v1-server.key 2048
issue_v1 v1-server "/C=US/O=matrixssl-rs tests/CN=localhost" v1-ca sha256
todir v1-server
genkey v1-ca-server.key 2048
issue_v1 v1-ca-server "/C=US/O=matrixssl-rs tests/CN=localhost" ca sha256
genkey v1-inter.key 2048
issue_v1 v1-inter "/C=US/O=matrixssl-rs tests/CN=Test v1 Intermediate" ca sha256
genkey v1-inter-server.key 2048
issue v1-inter-server "/C=US/O=matrixssl-rs tests/CN=localhost" v1-inter leafnoaki sha256
cat v1-inter-server.pem v1-inter.pem > v1-inter-server-chain.pem
genkey md5-server.key 2048
issue md5-server "/C=US/O=matrixssl-rs tests/CN=localhost" ca leaf md5
genkey impostor-inter.key 2048
selfsign impostor-inter "/C=US/O=matrixssl-rs tests/OU=Test PKI/CN=Test Intermediate CA" sha256
openssl pkcs12 -export -in server.pem -inkey server.key -certfile impostor-inter.pem \
    -passout "pass:$pass" -certpbe AES-256-CBC -keypbe AES-256-CBC -macalg sha256 \
    -out server-unlinked.p12
genkey ku-sign-server.key 2048
issue ku-sign-server "/C=US/O=matrixssl-rs tests/CN=localhost" ca kusign sha256
genkey ku-enc-server.key 2048
issue ku-enc-server "/C=US/O=matrixssl-rs tests/CN=localhost" ca kuenc sha256
genkey rsa512-server.key 512
issue rsa512-server "/C=US/O=matrixssl-rs tests/CN=localhost" ca leaf sha256

# DH parameters.
openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out dh2048.pem
openssl dhparam -in dh2048.pem -outform DER -out dh2048.der
openssl genpkey -genparam -algorithm DHX -pkeyopt dh_rfc5114:2 -out dh-x942.pem
openssl dhparam -out dh512.pem 512 2>/dev/null
openssl dhparam -in dh512.pem -outform DER -out dh512.der
cp dh2048.der dh-composite.der
printf '\125' | dd of=dh-composite.der bs=1 seek=100 conv=notrunc 2>/dev/null
head -c 200 dh2048.der > dh-trunc.der

# PKCS#12. OpenSSL 1.1.1 has no -legacy option but writes that format by default.
cat ca.pem inter.pem > p12-extra.pem
p12() { # out extra-args...
    o=$1
    shift
    openssl pkcs12 -export -in server.pem -inkey server.key -certfile p12-extra.pem \
        -passout "pass:$pass" -out "$o" "$@"
}
p12 server-legacy.p12 -legacy 2>/dev/null \
    || p12 server-legacy.p12 -certpbe PBE-SHA1-RC2-40 -keypbe PBE-SHA1-3DES -macalg sha1
p12 server-3des.p12 -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1
p12 server-aes.p12 -certpbe AES-256-CBC -keypbe AES-256-CBC -macalg sha256
p12 server-nomac.p12 -certpbe AES-256-CBC -keypbe AES-256-CBC -nomac
openssl pkcs12 -export -in ec-server.pem -inkey ec-server.key -certfile ec-inter.pem \
    -passout "pass:$pass" -certpbe AES-256-CBC -keypbe AES-256-CBC -macalg sha256 \
    -out ec-server.p12
size=$(wc -c < server-legacy.p12)
head -c $((size - 40)) server-legacy.p12 > server-trunc.p12
rm -f p12-extra.pem

rm -f exts.cnf
echo "test PKI written to $out"
