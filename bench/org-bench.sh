#!/usr/bin/env bash
# Figures for organization snapshots (bench/RESULTS.md, "Organizations"): `phiward audit`
# and an organization-wide `who-can` on generated organizations of 100, 250 and 500
# accounts (bench/gen_org.py: small accounts and 3 large ones), each with wall time and
# peak memory, and the largest account audited alone: memory should follow the largest
# account, not the account count. Release build.
#
#   bash bench/org-bench.sh [COUNTS...]     # default: 100 250 500
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}"
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 250 500)
# PHIWARD=path runs a binary already built (the lake benchmark's, say).
[ -n "${PHIWARD:-}" ] || cargo build -q --release --locked -p phiward
bin="${PHIWARD:-$CARGO_TARGET_DIR/release/phiward}"
measure() {
  local label="$1"; shift
  local t
  t=$(mktemp)
  /usr/bin/time -o "$t" -f "%e %U %S %M" "$@" >/dev/null 2>/dev/null || true
  read -r wall user sys rss < <(tail -1 "$t")
  rm -f "$t"
  printf '| %s | %s s | %.1f s | %s MB |\n' "$label" "$wall" "$(awk "BEGIN {print $user + $sys}")" "$((rss / 1024))"
}
echo "machine: $(nproc) cores, $(cut -d' ' -f1-3 /proc/loadavg) load"
echo "| run | wall | CPU | peak memory |"
echo "| --- | --- | --- | --- |"
for n in "${counts[@]}"; do
  dir="/var/tmp/phiward-org-$n"
  [ -f "$dir/organization.json" ] || python3 bench/gen_org.py --out "$dir" --accounts "$n" >/dev/null
  measure "audit, $n accounts" "$bin" audit "$dir" --format json
  measure "who-can s3:GetObject on a PHI bucket, $n accounts" \
    "$bin" who-can s3:GetObject "arn:aws:s3:::phi-000000000010-0000/x" --snapshot "$dir" --format json
done
# The largest account alone: the organization's peak memory should be close to it.
last="/var/tmp/phiward-org-${counts[-1]}"
largest=$(du -s "$last"/accounts/*/ 2>/dev/null | sort -n | tail -1 | cut -f2)
[ -n "$largest" ] && measure "audit, the largest account alone ($(basename "$largest"))" "$bin" audit "$largest" --format json
