#!/bin/sh
# Makes this example's test certificate authority (CA) and the server's certificate, with
# OpenSSL 1.1.1 or later: sh make-certs.sh   (run it in this folder).
# The CA's private key is thrown away at the end, so no one can sign anything else with it.
# These are PUBLIC TEST KEYS: they are published with the course, so they protect nothing.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
note='PUBLIC TEST KEY, published with the course: it protects nothing. Made by certs/make-certs.sh.'

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500 \
	-subj '/CN=Netcourse Test CA' \
	-addext 'basicConstraints=critical,CA:TRUE' \
	-addext 'keyUsage=critical,keyCertSign,cRLSign' \
	-keyout "$work/ca.key" -out "$work/ca.crt"

openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj '/CN=localhost' -keyout "$work/server.key" -out "$work/server.csr"
cat > "$work/server.ext" <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
authorityKeyIdentifier=keyid
subjectKeyIdentifier=hash
EXT
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
	-CAcreateserial -days 36500 -extfile "$work/server.ext" -out "$work/server.crt"

{ echo "$note"; cat "$work/ca.crt"; } > ca.crt
{ echo "$note"; cat "$work/server.crt"; } > server.crt
{ echo "$note"; cat "$work/server.key"; } > server.key
echo "made ca.crt, server.crt and server.key"
