#!/usr/bin/env bash
# Checks the workspace with the minimum Rust version the manifest declares
# (`rust-version`), installing that toolchain with rustup when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
msrv="$(sed -n 's/^rust-version *= *"\(.*\)"/\1/p' Cargo.toml | head -1)"
if ! rustup run "$msrv" cargo --version >/dev/null 2>&1; then
  rustup toolchain install "$msrv" --profile minimal --no-self-update
fi
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}/msrv" \
  cargo "+$msrv" check --workspace --locked --quiet
echo "the workspace builds with Rust $msrv"
