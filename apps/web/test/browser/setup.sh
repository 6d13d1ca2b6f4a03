#!/usr/bin/env bash
# Idempotent: what the browser tests need on a fresh machine (as root): Debian's
# chromium (driven by playwright-core through its executable; no browser
# download), PostgreSQL and NATS (tools/setup-test-env.sh starts them when the
# whole suite runs; here only checked), and the built panel.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
if [ "$(id -u)" = 0 ]; then
  . tools/lib/apt.sh
  ensure_packages chromium
fi
command -v chromium >/dev/null || { echo "[browser] chromium is missing (apt-get install chromium, as root)" >&2; exit 1; }
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "[browser] PostgreSQL is not reachable on 127.0.0.1:5432 (bash tools/setup-test-env.sh)" >&2; exit 1; }
(exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null || { echo "[browser] NATS is not reachable on 127.0.0.1:4222 (bash tools/setup-test-env.sh)" >&2; exit 1; }
npm run -s build:web
