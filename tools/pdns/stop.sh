#!/usr/bin/env bash
# Stops the PowerDNS server that tools/pdns/start.sh started (by its pid file,
# never by process name, so other pdns instances on the machine are untouched).
# Env: PDNS_API_PORT / PDNS_DIR as for start.sh.
set -euo pipefail
APIPORT=${PDNS_API_PORT:-8081}
D=${PDNS_DIR:-/tmp/sdn-pdns-$APIPORT}
[ -s "$D/pdns.pid" ] || exit 0
pid=$(cat "$D/pdns.pid")
if kill -0 "$pid" 2>/dev/null && grep -q pdns_server "/proc/$pid/cmdline" 2>/dev/null; then
  kill "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
fi
rm -f "$D/pdns.pid"
