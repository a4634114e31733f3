#!/usr/bin/env bash
# The project's test command: every unit, integration and property test, then doctests
# (cargo-nextest does not run doctests). Uses cargo-nextest when it is installed. Starts
# moto for the collector's tests unless PHIWARD_MOTO_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}"
# The collector's tests run against moto (scripts/moto.sh); start it unless the caller
# (.ci/run) already did, and stop only what this script started.
if [ -z "${PHIWARD_MOTO_URL:-}" ]; then
  PHIWARD_MOTO_URL="$(bash scripts/moto.sh start)"
  export PHIWARD_MOTO_URL
  trap 'bash scripts/moto.sh stop' EXIT
fi
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  echo "cargo-nextest not found; running cargo test" >&2
  cargo test --workspace --no-fail-fast --lib --bins --tests
fi
cargo test --workspace --doc
# The CloudTrail lake (crates/lake, `phiward --features lake`): DataFusion, Arrow, Parquet
# and Ballista build only with these features, so the workspace runs above leave them out.
# One cargo invocation for both packages, so that their dependencies build once with one
# feature set: the lake crate's tests (a Ballista scheduler and two executors on 127.0.0.1
# included) and the CLI's lake test.
lake_features=(-p phiward-lake -p phiward --features phiward-lake/local-cluster,phiward/lake
  --lib --test lake --test cluster)
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run "${lake_features[@]}" --no-fail-fast
else
  cargo test "${lake_features[@]}" --no-fail-fast
fi
