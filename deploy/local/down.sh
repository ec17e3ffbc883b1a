#!/usr/bin/env bash
# Stops what deploy/local/up.sh started (services first, then the development issuer and NATS).
# PostgreSQL keeps running; the data (.local/nats, the database) and the issuer's key stay.
set -euo pipefail
RUN="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.local/run"
for name in notification appointment efile case intake issuer nats; do
  pidfile="$RUN/$name.pid"
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    echo "[down] stopping $name"
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile" "$RUN/$name.settings"
done
