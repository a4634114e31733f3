#!/usr/bin/env bash
# A short run of every fuzz target (CI's smoke run; longer runs and figures: the Fuzzing
# section of bench/RESULTS.md).
#
# Builds the targets as `cargo fuzz build -s none` does, with the stable toolchain and
# no cargo-fuzz install: libFuzzer from libfuzzer-sys, SanitizerCoverage for feedback,
# debug assertions and overflow checks on. Each target starts from seeds taken from the
# repository (the examples' policies and cases, the aws-docs cases) and runs
# FUZZ_SECONDS (default 20) seconds; a crash fails the script and leaves the input in
# $CARGO_TARGET_DIR/fuzz-artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}/fuzz"
seconds="${FUZZ_SECONDS:-20}"
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps the flags off build scripts and proc macros, as cargo-fuzz does.
target="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release --locked --manifest-path fuzz/Cargo.toml --bins --target "$target"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/policy" "$work/cases" "$work/glob"
# Seeds: every policy document and case file in the repository.
find examples tests/aws-docs crates/checks/tests -name '*.json' -size -64k 2>/dev/null \
  | head -400 | while read -r f; do cp "$f" "$work/policy/$(echo "$f" | tr / _)"; done
find examples tests/aws-docs -name '*.json' -size -256k 2>/dev/null \
  | head -200 | while read -r f; do cp "$f" "$work/cases/$(echo "$f" | tr / _)"; done
printf 'arn:aws:s3:::a*b?c\narn:aws:s3:::axxbyc\n' >"$work/glob/seed1"
printf '*a*a*a*b\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n' >"$work/glob/seed2"
status=0
for t in policy cases glob; do
  echo "== fuzz $t ($seconds s)"
  art="$CARGO_TARGET_DIR/fuzz-artifacts/$t/"
  mkdir -p "$art"
  if ! "$CARGO_TARGET_DIR/$target/release/$t" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$art" "$work/$t" 2>"$work/$t.log"; then
    tail -40 "$work/$t.log" >&2
    status=1
  fi
  grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE' "$work/$t.log" | tail -2 || true
done
exit "$status"
