#!/usr/bin/env bash
# Sets up and runs the whole platform locally, with demo data: PostgreSQL, a private nats-server
# (port 14222, data in .local/nats), a development OIDC issuer (18080, key in .local/issuer), the
# intake (50051), case (50052), E-Akte (50053, documents in .local/efile-blobs), appointment
# (50054, calendar in deploy/local/demo/appointment.toml) and notification (50055, settings in
# deploy/local/demo/notification.toml, Web Push key made once in .local/notification) services,
# then loads the demo households with tokens from that issuer. Idempotent: what already runs with
# the same settings is left running.
#
# The services run in development mode (plaintext gRPC, development identities trusted) with OIDC
# configured, so both tokens and `x-jc-*` development identities work. For this machine only:
# production needs TLS and OIDC and/or mTLS (docs/security/transport.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
LOCAL="$ROOT/.local"
RUN="$LOCAL/run"
LOGS="$LOCAL/log"
ISSUER_DIR="$LOCAL/issuer"
VAPID_KEY="$LOCAL/notification/vapid-private-key"
NATS_PORT="${JC_LOCAL_NATS_PORT:-14222}"
ISSUER_PORT="${JC_LOCAL_ISSUER_PORT:-18080}"
DATABASE="${JC_LOCAL_DATABASE:-jobcenter}"
# One URL per database role (docs/security/row-level-security.md); no passwords: setup.sh trusts
# loopback connections on this development machine.
db_url() { printf 'postgres://%s@127.0.0.1:5432/%s' "$1" "$DATABASE"; }
mkdir -p "$RUN" "$LOGS" "$ISSUER_DIR"

log() { printf '\033[1m[up]\033[0m %s\n' "$*"; }
running() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }
# Stops a process this script started, like down.sh does.
stop() {
  local pid
  pid="$(cat "$RUN/$1.pid")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN/$1.pid"
}
# Ends the script when a process it started has died, showing the end of its log.
fail_if_dead() {
  running "$1" && return
  log "$1 did not start or stopped; the end of .local/log/$1.log:"
  tail -n 30 "$LOGS/$1.log" >&2 || true
  exit 1
}
# The CLI as the demo uses it: the caller's own JC_* settings (a token exported in this shell, an
# identity, other addresses) must not change who loads the demo or where. Its errors come without
# a backtrace (RUST_LIB_BACKTRACE=0; panics still get one), so the message is what one sees.
ctl() {
  env -u JC_TOKEN -u JC_DEV_ISSUER_DIR -u JC_TENANT -u JC_SUBJECT -u JC_ROLES \
      -u JC_INTAKE_ADDR -u JC_CASE_ADDR -u JC_EFILE_ADDR -u JC_APPOINTMENT_ADDR \
      -u JC_NOTIFICATION_ADDR -u JC_CA_FILE RUST_LIB_BACKTRACE=0 \
      target/debug/jobcenterctl "$@"
}

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
  fail_if_dead nats
fi

# The development issuer: its key stays in .local/issuer across runs (tokens stay valid after a
# restart); it writes .local/issuer/issuer-url once it serves, and removes it when it stops.
if running issuer; then
  log "development OIDC issuer is running"
else
  rm -f "$ISSUER_DIR/issuer-url" # left behind by an issuer that was killed
  log "starting the development OIDC issuer on 127.0.0.1:$ISSUER_PORT (log: .local/log/issuer.log)"
  env RUST_LIB_BACKTRACE=0 target/debug/jobcenterctl dev-issuer serve --dir "$ISSUER_DIR" \
    --listen "127.0.0.1:$ISSUER_PORT" >"$LOGS/issuer.log" 2>&1 &
  echo $! >"$RUN/issuer.pid"
  for _ in $(seq 1 100); do
    [ -s "$ISSUER_DIR/issuer-url" ] && break
    fail_if_dead issuer
    sleep 0.1
  done
fi
if [ ! -s "$ISSUER_DIR/issuer-url" ]; then
  log "the development issuer wrote no .local/issuer/issuer-url; see .local/log/issuer.log"
  exit 1
fi
ISSUER_URL="$(cat "$ISSUER_DIR/issuer-url")"

# The notification service's Web Push (VAPID) key: made once and kept, since browsers' push
# subscriptions are bound to it. The public key is what GetPushKey answers.
VAPID_PUBLIC_KEY="$(ctl vapid-key --out "$VAPID_KEY")"

# A service's settings, one NAME=value per line. A running service started with other settings
# (an older up.sh, another issuer URL) or from an older build is restarted, so tokens from this
# issuer always work and the demo runs the code just built.
service_settings() {
  local prefix="$1" port="$2" audience="$3"
  # The E-Akte keeps document content in the local file system here (S3 in production).
  if [ "$prefix" = JC_EFILE_ ]; then
    printf '%s\n' "${prefix}BLOBS__LOCAL_ROOT=$LOCAL/efile-blobs"
  fi
  # The demo jobcenter's calendar: offices, opening hours, appointment types.
  if [ "$prefix" = JC_APPOINTMENT_ ]; then
    printf '%s\n' "${prefix}CONFIG_FILE=$ROOT/deploy/local/demo/appointment.toml"
  fi
  # The demo jobcenter's name and portal, the languages offered, push with the key above; no
  # e-mail hints (no SMTP relay on this machine).
  if [ "$prefix" = JC_NOTIFICATION_ ]; then
    printf '%s\n' \
      "${prefix}CONFIG_FILE=$ROOT/deploy/local/demo/notification.toml" \
      "${prefix}PUSH__VAPID_PRIVATE_KEY_FILE=$VAPID_KEY"
  fi
  printf '%s\n' \
    "${prefix}SERVER__GRPC_ADDR=127.0.0.1:$port" \
    "${prefix}SERVER__MODE=development" \
    "${prefix}SERVER__OIDC__ISSUER=$ISSUER_URL" \
    "${prefix}SERVER__OIDC__AUDIENCE=$audience" \
    "${prefix}DATABASE__OWNER_URL=$(db_url jobcenter_owner)" \
    "${prefix}DATABASE__API_URL=$(db_url jobcenter_api)" \
    "${prefix}DATABASE__WORKER_URL=$(db_url jobcenter_worker)" \
    "${prefix}NATS__URL=nats://127.0.0.1:$NATS_PORT"
}

start_service() {
  local name="$1" port="$2" prefix="$3" audience="$4" settings started
  settings="$(service_settings "$prefix" "$port" "$audience")"
  started="$(printf '%s\n# build %s' "$settings" "$(stat -c %Y "target/debug/$name")")"
  if running "$name"; then
    if [ "$started" = "$(cat "$RUN/$name.settings" 2>/dev/null)" ]; then
      log "$name is running"
      return
    fi
    log "$name runs with other settings or an older build: restarting it"
    stop "$name"
  fi
  log "starting $name on 127.0.0.1:$port (log: .local/log/$name.log)"
  local -a assignments
  mapfile -t assignments <<<"$settings"
  env "${assignments[@]}" "target/debug/$name" >"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  printf '%s\n' "$started" >"$RUN/$name.settings"
}
start_service intake 50051 JC_INTAKE_ jobcenter-intake
start_service case 50052 JC_CASE_ jobcenter-case
start_service efile 50053 JC_EFILE_ jobcenter-efile
start_service appointment 50054 JC_APPOINTMENT_ jobcenter-appointment
start_service notification 50055 JC_NOTIFICATION_ jobcenter-notification

log "waiting until every service is SERVING"
for _ in $(seq 1 150); do
  if ctl health 2>/dev/null | grep -c SERVING | grep -q 5; then break; fi
  fail_if_dead intake
  fail_if_dead case
  fail_if_dead efile
  fail_if_dead appointment
  fail_if_dead notification
  sleep 0.2
done
ctl health

log "loading demo data (with tokens from the development issuer)"
ctl --dev-issuer-dir "$ISSUER_DIR" demo

cat <<TXT

The platform runs, in DEVELOPMENT MODE (plaintext, trusts x-jc-* identities): this machine only.
  development OIDC issuer  $ISSUER_URL   (key and issuer-url in .local/issuer)
  intake                   127.0.0.1:50051 (audience jobcenter-intake)
  case                     127.0.0.1:50052 (audience jobcenter-case)
  efile (the E-Akte)       127.0.0.1:50053 (audience jobcenter-efile; documents in .local/efile-blobs)
  appointment              127.0.0.1:50054 (audience jobcenter-appointment; calendar in deploy/local/demo/appointment.toml)
  notification             127.0.0.1:50055 (audience jobcenter-notification; settings in deploy/local/demo/notification.toml;
                           Web Push key $VAPID_PUBLIC_KEY, private key in .local/notification; no e-mail)

Get a token (a caseworker of jc-musterstadt, valid for an hour) and call with it:
  export JC_TOKEN=\$(target/debug/jobcenterctl --tenant jc-musterstadt --subject caseworker-1 --roles caseworker dev-token --dir .local/issuer)
  target/debug/jobcenterctl cases                      # the demo cases
  target/debug/jobcenterctl case <case-id>             # one case
  target/debug/jobcenterctl timeline <case-id>         # what happened on a case
  target/debug/jobcenterctl documents <case-id>        # the case's E-Akte (the scanned sick note)
  target/debug/jobcenterctl upload --case <case-id> --type sick-note deploy/local/demo/sick-note-scan.png
  unset JC_TOKEN                                       # back to the development identity

The new household's applicant reads their messages in English (the demo gave mailbox consent):
  target/debug/jobcenterctl --roles applicant --subject applicant-00000000-0000-4000-8000-000000000003 mailbox

Or let the CLI sign a token per call, as whoever you name:
  target/debug/jobcenterctl --dev-issuer-dir .local/issuer --tenant jc-other cases    # another jobcenter sees nothing
  target/debug/jobcenterctl --dev-issuer-dir .local/issuer --roles applicant \\
      --subject applicant-00000000-0000-4000-8000-000000000001 cases               # an applicant sees their own case

Any gRPC client (server reflection is on), e.g. grpcurl:
  grpcurl -plaintext -H "authorization: Bearer \$JC_TOKEN" 127.0.0.1:50052 jobcenter.case.v1.CaseService/ListCases

Who read what (the case service's read-access log, as the auditor role; intake's is intake_access):
  psql -h 127.0.0.1 -U jobcenter_auditor $DATABASE -c "SELECT recorded_at, r->>'tenant' AS tenant, r->>'subject' AS subject, r->>'authentication' AS via, r->>'rpc' AS rpc, r->>'outcome' AS outcome, r->>'reason' AS reason FROM (SELECT recorded_at, convert_from(payload, 'UTF8')::jsonb AS r FROM cases_access.events) e ORDER BY recorded_at DESC LIMIT 10"

Logs are in .local/log; stop everything with deploy/local/down.sh.
TXT
