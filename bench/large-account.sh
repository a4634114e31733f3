#!/usr/bin/env bash
# Figures on the generated large account (issue 4 §6, issue 5 §4, issue 6 §5): loading,
# the full audit, who-can on every PHI bucket, and the escalation graph, each with wall
# time and peak memory. Release build; the account comes from bench/gen_account.py.
#
#   bash bench/large-account.sh [SCALE]     # default 1: 5,000 users, 5,000 roles
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}"
dir="/var/tmp/phiward-large-account-$scale"
[ -f "$dir/phiward-export.json" ] || python3 bench/gen_account.py --out "$dir" --scale "$scale"
cargo build -q --release -p phiward -p phiward-access --example graph_stats
bin="$CARGO_TARGET_DIR/release/phiward"
measure() {
  local label="$1"; shift
  local out
  out=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1 ) || true
  printf '| %s | %s s | %s MB |\n' "$label" "${out%% *}" "$(( ${out##* } / 1024 ))"
}
echo "machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"
echo "| run | wall | peak memory |"
echo "| --- | --- | --- |"
measure "snapshot show (load raw exports)" "$bin" snapshot show "$dir"
measure "audit (every check, graph included)" "$bin" audit "$dir" --format json
measure "who-can s3:GetObject on one PHI bucket (CLI)" "$bin" who-can s3:GetObject arn:aws:s3:::phi-0000/x --snapshot "$dir" --format json
measure "who-can on every PHI bucket and key, then the graph (graph_stats)" "$CARGO_TARGET_DIR/release/examples/graph_stats" "$dir"
"$CARGO_TARGET_DIR/release/examples/graph_stats" "$dir" | sed 's/^/    /'
"$bin" audit "$dir" --format json --timings 2>&1 >/dev/null | head -8 | sed 's/^/    /' || true
measure "paths to admin" "$bin" paths --snapshot "$dir" --format json
measure "rotate plan (every user's keys on the schedule)" "$bin" rotate plan --snapshot "$dir" --format json
measure "rotate plan as iCalendar" "$bin" rotate plan --snapshot "$dir" --format ics
measure "access-report (every person)" "$bin" access-report --snapshot "$dir" --format json
