#!/usr/bin/env bash
# One command to start the hub on a fresh machine: services, install, migrate, seed the demo region
# when the database is empty (printing its API keys), then the gateway and the workers.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ] && [ -z "${AMQP_URL:-}" ]; then SKIP_CHROMIUM=1 bash scripts/services-up.sh; fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
# node itself (not npx) so that SIGTERM reaches the hub and it shuts down gracefully.
exec node --import tsx bin/hub.ts start
