#!/usr/bin/env bash
# npm run test:chaos: installs what the chaos test needs (as root, idempotently), then runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" = 0 ]; then
  . tools/lib/apt.sh
  # HAProxy: the proxy in front of the API replicas; PowerDNS for the DNS checks; PostgreSQL's server binaries for its own cluster.
  ensure_packages haproxy pdns-server pdns-backend-sqlite3 postgresql nats-server
fi
exec node -r ./tools/register.js tools/chaos/main.ts
