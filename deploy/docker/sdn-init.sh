#!/bin/sh
# The compose deployment's one-shot setup (service sdn-init). Idempotent: what exists is kept.
#  - NATS: one nkey identity per service and per node in SDN_AGENT_NODES (comma-separated), and the
#    nats-server config with their public keys and permissions (what `npm start` generates for itself).
#  - The database password (secrets/db-password, read by PostgreSQL and the services): SDN_DB_PASSWORD when
#    set, else the one generated on the first start.
#  - TLS: a CA and a certificate for the proxy's published port (names: localhost, haproxy, 127.0.0.1 and
#    SDN_TLS_HOSTNAMES, comma-separated), unless haproxy.pem was put into the volume by the operator.
set -eu
AUTH=/var/lib/sdn/nats-auth
TLS=/var/lib/sdn/tls
SECRETS=/var/lib/sdn/secrets

sdn-run sdnctl nats config --out "$AUTH/nats.conf" --dir "$AUTH/identities" --nodes "${SDN_AGENT_NODES:-node1}" \
  --listen 0.0.0.0:4222 --store-dir /data

# Written without a newline, so every reader (libs/config, the postgres entrypoint's `$(cat)`) sees the same
# bytes; the value itself is never printed.
umask 077
write_db_password() { printf '%s' "$1" > "$SECRETS/db-password.tmp" && mv "$SECRETS/db-password.tmp" "$SECRETS/db-password"; }
if [ -n "${SDN_DB_PASSWORD:-}" ]; then
  write_db_password "$SDN_DB_PASSWORD"
  echo "database password: from SDN_DB_PASSWORD"
elif [ -s "$SECRETS/db-password" ]; then
  echo "database password: keeping $SECRETS/db-password"
else
  write_db_password "$(openssl rand -hex 24)"
  echo "database password: generated into $SECRETS/db-password"
fi
umask 022

if [ -s "$TLS/haproxy.pem" ]; then
  echo "TLS: keeping $TLS/haproxy.pem"
  exit 0
fi
umask 077
cd "$TLS"
if [ ! -s ca.key ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt \
    -days 3650 -subj "/CN=SDN control plane CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
san="DNS:localhost,DNS:haproxy,IP:127.0.0.1"
for n in $(echo "${SDN_TLS_HOSTNAMES:-}" | tr ',' ' '); do
  case "$n" in *[!0-9.]*) san="$san,DNS:$n" ;; *) san="$san,IP:$n" ;; esac
done
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$san" > server.ext
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr -subj "/CN=sdn-api" 2>/dev/null
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -extfile server.ext -out server.crt 2>/dev/null
cat server.crt server.key > haproxy.pem.tmp && mv haproxy.pem.tmp haproxy.pem
rm -f server.csr server.ext
chmod 644 ca.crt server.crt
echo "TLS: created a CA ($TLS/ca.crt) and the proxy's certificate for $san"
