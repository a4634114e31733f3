#!/usr/bin/env bash
# The project's test command: every unit, integration and property test, then doctests
# (cargo-nextest does not run doctests). Uses cargo-nextest when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  echo "cargo-nextest not found; running cargo test" >&2
  cargo test --workspace --no-fail-fast --lib --bins --tests
fi
cargo test --workspace --doc
