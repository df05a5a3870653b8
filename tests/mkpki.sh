#!/usr/bin/env bash
# Throwaway test PKI for the demo and the static-link check (openssl CLI only):
#
#   tests/mkpki.sh DIR
#
# DIR/ca.pem ca.key        2048-bit RSA root CA (sha256)
# DIR/server.pem           leaf "localhost", SAN DNS:localhost + IP:127.0.0.1, signed by the CA
# DIR/server.key           its key, PKCS#1 PEM ("BEGIN RSA PRIVATE KEY", the MatrixSSL-era format)
# DIR/server-ec.pem        leaf "localhost" with a P-256 ECDSA key, same SAN, signed by the CA
# DIR/server-ec.key        its key, SEC1 PEM ("BEGIN EC PRIVATE KEY")
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
mkdir -p "$dir"
cd "$dir"
cat > leaf.ext <<'CNF'
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
CNF
openssl genrsa -traditional -out ca.key 2048 2>/dev/null
openssl req -x509 -new -key ca.key -sha256 -days 30 -subj "/CN=matrixssl-rs demo CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out ca.pem
openssl genrsa -traditional -out server.key 2048 2>/dev/null
openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -sha256 \
    -extfile leaf.ext -out server.pem 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out server-ec.key
openssl req -new -key server-ec.key -subj "/CN=localhost" -out server-ec.csr
sed -i 's/digitalSignature, keyEncipherment/digitalSignature/' leaf.ext
openssl x509 -req -in server-ec.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -sha256 \
    -extfile leaf.ext -out server-ec.pem 2>/dev/null
rm -f server.csr server-ec.csr leaf.ext ca.srl
