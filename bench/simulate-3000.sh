#!/usr/bin/env bash
# Times the whole `phiward simulate --cases` process on 3,000 cases: the 200 public
# conformance cases repeated 15 times with fresh ids. Target: under 150 ms wall.
# Uses hyperfine when installed (apt-get install hyperfine), else a plain timing loop.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}"
src="${1:-../shared/conformance/public-cases.json}"
work="bench/.work"
mkdir -p "$work"
python3 - "$src" "$work/cases-3000.json" <<'PY'
import json, sys
cases = json.load(open(sys.argv[1]))
out = [dict(c, id=f"{c['id']}-r{k}") for k in range(15) for c in cases]
json.dump(out, open(sys.argv[2], "w"), indent=1)
print(f"{len(out)} cases, {sum(1 for _ in open(sys.argv[2]))} lines", file=sys.stderr)
PY
cargo build --release -q -p phiward
bin="$CARGO_TARGET_DIR/release/phiward"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs 30 "$bin simulate --cases $work/cases-3000.json"
else
  for i in 1 2 3 4 5; do
    /usr/bin/time -f "%e s wall, %M KB max RSS" "$bin" simulate --cases "$work/cases-3000.json" >/dev/null
  done
fi
