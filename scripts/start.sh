#!/usr/bin/env bash
# One command to start the hub on a fresh machine: services, install, migrate, seed the demo region
# when the database is empty (printing its API keys), then the gateway and the workers.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ] && [ -z "${AMQP_URL:-}" ]; then SKIP_CHROMIUM=1 bash scripts/services-up.sh; fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
# npm 11 forwards SIGTERM and SIGINT only to its own child, `sh -c '<script>'`; dash does not exec the
# last command of -c, so without `exec` in package.json that shell would die of the signal and leave
# the hub running. With both `exec`s (there and here) npm's child is this process and becomes node, so
# the signal reaches the hub itself (node, not npx, which would put npm in front of it again).
exec node --import tsx bin/hub.ts start
