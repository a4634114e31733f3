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

# "WALL CPU" seconds of a command: the best wall time of 3 runs (caches warm), and the
# user+system CPU time of that run. CPU time shows the work when other jobs share the cores.
best() {
  local best=999999 cpu=0 line w c
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %U %S' -o "$LIST.time" "$@" >/dev/null 2>&1
    line=$(tail -1 "$LIST.time")
    w=$(echo "$line" | awk '{print $1}')
    c=$(echo "$line" | awk '{print $2 + $3}')
    if python3 -c "import sys; sys.exit(0 if $w < $best else 1)"; then best=$w; cpu=$c; fi
  done
  echo "$best $cpu"
}
mbps() { python3 -c "print(f'{$BYTES / $1 / 1e6:.0f}')"; }
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}'; }
line() { # NAME WALL CPU
  echo "$1 wall $2 s ($(mbps "$2") MB/s), cpu $3 s ($(mbps "$3") MB/s per cpu-second)"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

read -r ZW ZC <<< "$(best sh -c "xargs -0 zcat < '$LIST' > /dev/null")"
line "zcat (1 process):       " "$ZW" "$ZC"
read -r W1 C1 <<< "$(best "$BIN" trail usage "$DIR" --since all --threads 1 --format json)"
line "trail usage --threads 1:" "$W1" "$C1"
echo "  = $(python3 -c "print(f'{$ZW / $W1 * 100:.0f}')")% of zcat's wall-clock throughput, peak $(rss "$BIN" trail usage "$DIR" --since all --threads 1 --format json) MB"
read -r W2 C2 <<< "$(best "$BIN" trail usage "$DIR" --since all --threads 2 --format json)"
line "trail usage --threads 2:" "$W2" "$C2"
echo "  = $(python3 -c "print(f'{$ZW / $W2:.2f}')")x zcat's wall-clock throughput, peak $(rss "$BIN" trail usage "$DIR" --since all --threads 2 --format json) MB"
# The same per-principal, per-event aggregation in jq (one pass, one process).
JQ_START=$(date +%s.%N)
xargs -0 zcat < "$LIST" \
  | jq -c '.Records[] | [(.userIdentity.sessionContext.sessionIssuer.arn // .userIdentity.arn // .userIdentity.invokedBy), .eventSource, .eventName, (.errorCode // "")]' \
  | sort | uniq -c > /dev/null
JQ_END=$(date +%s.%N)
JQ=$(python3 -c "print(f'{$JQ_END - $JQ_START:.1f}')")
echo "jq | sort | uniq -c:          ${JQ} s, $(mbps "$JQ") MB/s"
