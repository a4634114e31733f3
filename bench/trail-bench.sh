#!/usr/bin/env bash
# `phiward trail usage` throughput against `zcat` of the same files, with 1 and 2 threads,
# peak memory, and a jq aggregation of the same files for comparison.
#
#   bash bench/trail-bench.sh [DIR]     # DIR default /var/tmp/phiward-trail-bench
#
# Generates DIR with bench/trail_gen.py (>= 1 GiB uncompressed, seeded) when it is missing.
# Installs jq with apt-get when it is missing. Prints one line per measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-/var/tmp/phiward-trail-bench}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}"
if [ ! -d "$DIR/AWSLogs" ]; then
  python3 bench/trail_gen.py "$DIR" --gb 1.05
fi
if ! command -v jq >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq jq >/dev/null
fi
cargo build -q --release --locked -p phiward
BIN="$CARGO_TARGET_DIR/release/phiward"
LIST=$(mktemp)
trap 'rm -f "$LIST" "$LIST".*' EXIT
find "$DIR" -name '*.json.gz' -print0 | sort -z > "$LIST"
BYTES=$(xargs -0 zcat < "$LIST" | wc -c)
echo "files: $(tr -cd '\0' < "$LIST" | wc -c), uncompressed: $BYTES bytes"

# Seconds of wall time of a command (best of 3, caches warm).
best() {
  local best=999999 t
  for _ in 1 2 3; do
    t=$( { /usr/bin/time -f '%e' "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1 )
    best=$(python3 -c "print(min($best, $t))")
  done
  echo "$best"
}
mbps() { python3 -c "print(f'{$BYTES / $1 / 1e6:.0f}')"; }
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}'; }

ZCAT=$(best sh -c "xargs -0 zcat < '$LIST' > /dev/null")
echo "zcat (1 process):             ${ZCAT} s, $(mbps "$ZCAT") MB/s"
T1=$(best "$BIN" trail usage "$DIR" --since all --threads 1 --format json)
echo "trail usage --threads 1:      ${T1} s, $(mbps "$T1") MB/s, $(python3 -c "print(f'{$ZCAT / $T1 * 100:.0f}')")% of zcat, peak $(rss "$BIN" trail usage "$DIR" --since all --threads 1 --format json) MB"
T2=$(best "$BIN" trail usage "$DIR" --since all --threads 2 --format json)
echo "trail usage --threads 2:      ${T2} s, $(mbps "$T2") MB/s, $(python3 -c "print(f'{$ZCAT / $T2:.2f}')")x zcat, peak $(rss "$BIN" trail usage "$DIR" --since all --threads 2 --format json) MB"
# The same per-principal, per-event aggregation in jq (one pass, one process).
JQ_START=$(date +%s.%N)
xargs -0 zcat < "$LIST" \
  | jq -c '.Records[] | [(.userIdentity.sessionContext.sessionIssuer.arn // .userIdentity.arn // .userIdentity.invokedBy), .eventSource, .eventName, (.errorCode // "")]' \
  | sort | uniq -c > /dev/null
JQ_END=$(date +%s.%N)
JQ=$(python3 -c "print(f'{$JQ_END - $JQ_START:.1f}')")
echo "jq | sort | uniq -c:          ${JQ} s, $(mbps "$JQ") MB/s"
