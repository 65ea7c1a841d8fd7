#!/usr/bin/env bash
# Makes sure PostgreSQL and RabbitMQ (with its management plugin) run on their default local ports.
# Idempotent: installs what is missing (Debian), starts what is down, waits until both answer.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null || ! command -v rabbitmq-server >/dev/null; then
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql rabbitmq-server
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432

if ! rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1; then
  as_root rabbitmq-server -detached || true
  for _ in $(seq 1 90); do rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1 && break; sleep 1; done
fi
rabbitmq-diagnostics -q check_port_connectivity >/dev/null
# The management API provisions per-agency users and lets tests clean up their queues.
if ! curl -sf -u guest:guest http://127.0.0.1:15672/api/whoami >/dev/null 2>&1; then
  as_root rabbitmq-plugins enable rabbitmq_management >/dev/null
  for _ in $(seq 1 60); do curl -sf -u guest:guest http://127.0.0.1:15672/api/whoami >/dev/null 2>&1 && break; sleep 1; done
fi
curl -sf -u guest:guest http://127.0.0.1:15672/api/whoami >/dev/null
# The dashboard test drives Debian's Chromium (playwright-core, executablePath /usr/bin/chromium).
if [ "${SKIP_CHROMIUM:-}" != 1 ] && [ ! -x /usr/bin/chromium ]; then
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk
fi
echo "services up: PostgreSQL 127.0.0.1:5432, RabbitMQ 127.0.0.1:5672 (management 15672)"
