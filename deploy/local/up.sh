#!/usr/bin/env bash
# Sets up and runs the whole platform locally, with demo data: PostgreSQL, a private nats-server
# (port 14222, data in .local/nats), the intake (50051) and case (50052) services, then loads the
# demo households. Idempotent: what already runs is left running.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
LOCAL="$ROOT/.local"
RUN="$LOCAL/run"
LOGS="$LOCAL/log"
NATS_PORT="${JC_LOCAL_NATS_PORT:-14222}"
DATABASE="${JC_LOCAL_DATABASE:-jobcenter}"
# One URL per database role (docs/security/row-level-security.md); no passwords: setup.sh trusts
# loopback connections on this development machine.
db_url() { printf 'postgres://%s@127.0.0.1:5432/%s' "$1" "$DATABASE"; }
mkdir -p "$RUN" "$LOGS"

log() { printf '\033[1m[up]\033[0m %s\n' "$*"; }
running() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

deploy/local/setup.sh

log "building the services"
cargo build --bins --quiet

# The database belongs to the owner role, which installs every schema (setup.sh created the roles).
db_owner="$(psql -h 127.0.0.1 -U postgres -d postgres -Atqc \
  "select pg_get_userbyid(datdba) from pg_database where datname = '$DATABASE'")"
if [ -n "$db_owner" ] && [ "$db_owner" != jobcenter_owner ]; then
  # Made before the database roles existed: its tables belong to $db_owner, whom row-level
  # security does not hold. Start afresh, JetStream included (its streams would hold positions
  # of the old log); the demo data is loaded again below.
  log "database $DATABASE belongs to $db_owner, not jobcenter_owner: recreating it and .local/nats"
  deploy/local/down.sh
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE $DATABASE WITH (FORCE)"
  rm -rf "$LOCAL/nats"
  db_owner=""
fi
if [ -z "$db_owner" ]; then
  log "creating database $DATABASE, owned by jobcenter_owner"
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $DATABASE OWNER jobcenter_owner"
fi

if running nats; then
  log "nats-server is running"
else
  log "starting nats-server on 127.0.0.1:$NATS_PORT"
  "$LOCAL/venv/bin/nats-server" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$LOCAL/nats" >"$LOGS/nats.log" 2>&1 &
  echo $! >"$RUN/nats.pid"
  for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$NATS_PORT") 2>/dev/null && break; sleep 0.1; done
fi

start_service() {
  local name="$1" port="$2" prefix="$3"
  if running "$name"; then
    log "$name is running"
    return
  fi
  log "starting $name on 127.0.0.1:$port (log: .local/log/$name.log)"
  env "${prefix}SERVER__GRPC_ADDR=127.0.0.1:$port" \
      "${prefix}SERVER__MODE=development" \
      "${prefix}DATABASE__OWNER_URL=$(db_url jobcenter_owner)" \
      "${prefix}DATABASE__API_URL=$(db_url jobcenter_api)" \
      "${prefix}DATABASE__WORKER_URL=$(db_url jobcenter_worker)" \
      "${prefix}NATS__URL=nats://127.0.0.1:$NATS_PORT" \
      "target/debug/$name" >"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}
start_service intake 50051 JC_INTAKE_
start_service case 50052 JC_CASE_

log "waiting until both services are SERVING"
for _ in $(seq 1 100); do
  if target/debug/jobcenterctl health 2>/dev/null | grep -c SERVING | grep -q 2; then break; fi
  sleep 0.2
done
target/debug/jobcenterctl health

log "loading demo data"
target/debug/jobcenterctl demo

cat <<TXT

The platform runs. Try:
  target/debug/jobcenterctl cases                      # the demo cases (as a caseworker of jc-musterstadt)
  target/debug/jobcenterctl timeline <case-id>         # what happened on a case
  target/debug/jobcenterctl --tenant jc-other cases    # another jobcenter sees nothing
Logs are in .local/log; stop everything with deploy/local/down.sh.
TXT
