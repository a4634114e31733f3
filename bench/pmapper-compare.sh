#!/usr/bin/env bash
# PMapper (PyPI `principalmapper`) against the generated account served by moto, and
# `phiward paths` on the same account's export: time, peak memory, and the principals each
# finds able to reach administrator.
#
#   SCALE=0.02 bash bench/pmapper-compare.sh      # needs python3.9 (pyenv), curl, network once
#
# PMapper 1.1.5 (its last release) does not import on Python >= 3.10 (`from collections
# import Mapping`), so it runs in a Python 3.9 venv. It reaches moto through its own
# `--localstack-endpoint` option. moto is seeded as in bench/prowler-compare.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/peers/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}"
SCALE="${SCALE:-0.02}"
WORK="${WORK:-/var/tmp/phiward-peers}"
PORT="${PORT:-45232}"
PMAPPER_VERSION=1.1.5
MOTO_VERSION=5.2.5
PY39="${PY39:-$(command -v python3.9 || echo /root/.pyenv/versions/3.9.18/bin/python3)}"
ACCT="$WORK/acct-$SCALE"
OUT="$WORK/pmapper-$SCALE"
mkdir -p "$OUT"

[ -x "$WORK/moto-venv/bin/moto_server" ] || { python3 -m venv "$WORK/moto-venv" && "$WORK/moto-venv/bin/pip" install -q "moto[server]==$MOTO_VERSION" boto3; }
[ -x "$WORK/pm-venv/bin/pmapper" ] || { "$PY39" -m venv "$WORK/pm-venv" && "$WORK/pm-venv/bin/pip" install -q "principalmapper==$PMAPPER_VERSION"; }
[ -n "${NO_BUILD:-}" ] || cargo build -q --release -p phiward
PHIWARD="${PHIWARD:-$CARGO_TARGET_DIR/release/phiward}"
[ -f "$ACCT/iam/get-account-authorization-details.json" ] || python3 bench/gen_account.py --out "$ACCT" --scale "$SCALE"

trap stop_moto EXIT
start_moto "$WORK/moto-venv" "$PORT"
echo "== seeding moto: $("$WORK/moto-venv/bin/python" bench/peers/seed_moto.py "$ACCT" "http://127.0.0.1:$PORT" 2>"$OUT/seed.log")"

echo "== uptime before: $(uptime)"
rm -rf "$OUT/data"
export XDG_DATA_HOME="$OUT/data" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
measure pmapper "$OUT/pmapper.log" "$WORK/pm-venv/bin/pmapper" graph create --ignore-orgs \
  --localstack-endpoint "http://127.0.0.1:$PORT" --include-regions us-east-1
measure pmapper-privesc "$OUT/pmapper-privesc.txt" "$WORK/pm-venv/bin/pmapper" --account 111122223333 \
  query -s 'preset privesc *'
measure paths "$OUT/paths.json" "$PHIWARD" paths --snapshot "$ACCT" --format json
measure audit "$OUT/audit.json" "$PHIWARD" audit "$ACCT" --format json
echo "== uptime after: $(uptime)"

echo "| run | wall | CPU (user+sys; moto's not counted) | peak RSS | exit |"
echo "| --- | --- | --- | --- | --- |"
row pmapper "PMapper $PMAPPER_VERSION \`graph create\` against moto $MOTO_VERSION"
row pmapper-privesc "PMapper \`query 'preset privesc *'\` (on the stored graph)"
row paths "phiward \`paths --format json\` (graph and shortest paths to admin)"
row audit "phiward \`audit --format json\` (every check; its MFA-002 findings list the administrators)"
echo
python3 bench/peers/compare_pmapper.py "$OUT/data" "$OUT/pmapper-privesc.txt" "$OUT/paths.json" "$OUT/audit.json"
