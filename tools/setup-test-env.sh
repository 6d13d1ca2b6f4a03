#!/usr/bin/env bash
# Brings a machine to what the test suite needs, idempotently: system packages
# for the data-plane and DNS tests, PostgreSQL and NATS JetStream running.
# Without root it installs nothing and says so; the tests that need root skip.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[setup] $*"; }

PACKAGES=(ifupdown2 iproute2 iputils-ping iptables bridge-utils frr frr-pythontools pdns-server pdns-backend-sqlite3 sqlite3 dnsutils curl zsh openssl prometheus dnsmasq-base busybox)

if [ "$(id -u)" = 0 ]; then
  . tools/lib/apt.sh
  ensure_packages "${PACKAGES[@]}"
  log "system packages present"
else
  log "not root: skipping system packages (data-plane and PowerDNS tests will skip)"
fi

# PostgreSQL
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { echo "[setup] PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
log "PostgreSQL ready"

# NATS with JetStream
if ! (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; then
  if command -v nats-server >/dev/null 2>&1; then
    log "starting NATS"
    mkdir -p /var/lib/nats-server 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec "$(command -v nats-server)" -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  fi
  for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null && break; sleep 1; done
fi
(exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null || { echo "[setup] NATS is not reachable on 127.0.0.1:4222" >&2; exit 1; }
log "NATS ready"

# PowerDNS for the DNS tests (script owned by the DNS service).
if [ "$(id -u)" = 0 ] && [ -x tools/pdns/start.sh ]; then
  tools/pdns/start.sh
fi
