#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL and real (private, per-test) NATS servers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
deploy/local/setup.sh
export JC_NATS_SERVER="$ROOT/.local/venv/bin/nats-server"
cargo fmt --all --check
(cd proto && "$ROOT/.local/buf/node_modules/.bin/buf" lint)
# The end-to-end tests start the real binaries: build them once here, and let the tests use them.
cargo build --workspace --bins
export JC_E2E_SKIP_BUILD=1
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
