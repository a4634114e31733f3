#!/usr/bin/env bash
# `cargo deny check` (deny.toml): licenses, banned and duplicate-source crates, and the
# RustSec advisories. Installs cargo-deny from crates.io when it is missing. The advisory
# database is fetched from GitHub; where GitHub cannot be reached (this project's build
# machines) the advisories check says so and the other checks still run.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}/tools"
if ! command -v cargo-deny >/dev/null 2>&1 && [ ! -x "$tools/bin/cargo-deny" ]; then
  cargo install --locked --quiet --root "$tools" cargo-deny
fi
export PATH="$tools/bin:$PATH"
cargo deny --all-features check licenses bans sources
if git ls-remote --quiet https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
  cargo deny --all-features check advisories
else
  echo "advisories: the RustSec database (github.com/rustsec/advisory-db) cannot be reached; not checked" >&2
fi
