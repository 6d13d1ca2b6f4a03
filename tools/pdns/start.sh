#!/usr/bin/env bash
# Starts a PowerDNS Authoritative server (sqlite backend, HTTP API) on loopback
# for the DNS tests and the DNS benchmark. Idempotent: a server this script
# started earlier and that still answers with the same key is left running;
# packages are installed only when missing. Follows the verified recipe in
# /work/shared/e2e/pdns.sh (own --config-dir, no systemd, pid file).
#
# Env: PDNS_DNS_PORT (5353), PDNS_API_PORT (8081), PDNS_API_KEY (sdn-test-key),
#      PDNS_DIR (/tmp/sdn-pdns-<api port>), PDNS_RESET=1 wipes the database first.
# Prints the API base url on its last line.
set -euo pipefail

DNSPORT=${PDNS_DNS_PORT:-5353}
APIPORT=${PDNS_API_PORT:-8081}
KEY=${PDNS_API_KEY:-sdn-test-key}
D=${PDNS_DIR:-/tmp/sdn-pdns-$APIPORT}
API=http://127.0.0.1:$APIPORT/api/v1/servers/localhost
log() { echo "[pdns] $*" >&2; }

[ "$(id -u)" = 0 ] || { log "not root: cannot install or start pdns_server"; exit 2; }

. "$(dirname "$0")/../lib/apt.sh"
ensure_packages pdns-server pdns-backend-sqlite3 sqlite3

api_ok() { curl -sf -m 2 -H "X-API-Key: $KEY" "$API" >/dev/null 2>&1; }
ours_running() {
  [ -s "$D/pdns.pid" ] || return 1
  local pid; pid=$(cat "$D/pdns.pid")
  kill -0 "$pid" 2>/dev/null && grep -q pdns_server "/proc/$pid/cmdline" 2>/dev/null
}

if [ "${PDNS_RESET:-0}" != 1 ] && ours_running && api_ok; then
  log "already running (pid $(cat "$D/pdns.pid")), API $API"
  echo "$API"; exit 0
fi

# Stop only the server started from this directory (pid file), never by name.
"$(dirname "$0")/stop.sh" >/dev/null 2>&1 || true

SCHEMA=/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
[ -r "$SCHEMA" ] || SCHEMA=$(dpkg -L pdns-backend-sqlite3 | grep '/schema.sqlite3.sql$' | head -1)
mkdir -p "$D/run"
if [ "${PDNS_RESET:-0}" = 1 ] || [ ! -s "$D/pdns.sqlite3" ]; then
  rm -f "$D/pdns.sqlite3"
  sqlite3 "$D/pdns.sqlite3" < "$SCHEMA"
fi
chown -R pdns:pdns "$D"   # the server drops to pdns:pdns and sqlite writes next to the db

cat > "$D/pdns.conf" <<EOF
launch=gsqlite3
gsqlite3-database=$D/pdns.sqlite3
gsqlite3-dnssec=no
local-address=127.0.0.1
local-port=$DNSPORT
api=yes
api-key=$KEY
webserver=yes
webserver-address=127.0.0.1
webserver-port=$APIPORT
webserver-allow-from=127.0.0.1
socket-dir=$D/run
setuid=pdns
setgid=pdns
guardian=no
daemon=no
disable-syslog=yes
loglevel=4
# Tests and benchmarks only: no fsync per write.
gsqlite3-pragma-synchronous=0
security-poll-suffix=
# No packet/query cache: tests and the benchmark measure when a change becomes visible.
cache-ttl=0
negquery-cache-ttl=0
query-cache-ttl=0
zone-cache-refresh-interval=0
default-soa-content=ns1.sdn.test. hostmaster.@ 0 10800 3600 604800 3600
EOF

setsid pdns_server --config-dir="$D" > "$D/server.log" 2>&1 < /dev/null &
echo $! > "$D/pdns.pid"
for _ in $(seq 100); do api_ok && break; sleep 0.05; done
api_ok || { log "API did not come up"; tail -20 "$D/server.log" >&2; exit 1; }
log "started pid $(cat "$D/pdns.pid"): DNS 127.0.0.1:$DNSPORT, API $API"
echo "$API"
