#!/usr/bin/env bash
# Prowler's IAM checks (PyPI `prowler`) against the generated account served by moto, and
# phiward on the same account's export: time, peak memory, and a check-by-check comparison.
#
#   SCALE=0.02 bash bench/prowler-compare.sh      # needs python3, curl, network for pip once
#
# Prowler needs a live AWS API. moto (PyPI `moto[server]`) serves IAM on 127.0.0.1; it is
# seeded with boto3 from the export (bench/peers/seed_moto.py) and Prowler reaches it
# through AWS_ENDPOINT_URL, which boto3 honours for every client. What the IAM API cannot
# set (key ages, last-use dates, password ages) moto stamps "now", so Prowler's age checks
# see a fresh account while phiward reads the export's dates: those rows differ by
# construction. Seeding costs about 0.2 s per principal here, so the default scale is 0.02
# (100 users, 100 roles). Cached under $WORK (default /var/tmp/phiward-peers); not in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/peers/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}"
SCALE="${SCALE:-0.02}"
WORK="${WORK:-/var/tmp/phiward-peers}"
PORT="${PORT:-45231}"
PROWLER_VERSION=5.46.0
MOTO_VERSION=5.2.5
ACCT="$WORK/acct-$SCALE"
OUT="$WORK/prowler-$SCALE"
mkdir -p "$OUT"

[ -x "$WORK/moto-venv/bin/moto_server" ] || { python3 -m venv "$WORK/moto-venv" && "$WORK/moto-venv/bin/pip" install -q "moto[server]==$MOTO_VERSION" boto3; }
[ -x "$WORK/prowler-venv/bin/prowler" ] || { python3 -m venv "$WORK/prowler-venv" && "$WORK/prowler-venv/bin/pip" install -q "prowler==$PROWLER_VERSION"; }
[ -n "${NO_BUILD:-}" ] || cargo build -q --release -p phiward
PHIWARD="${PHIWARD:-$CARGO_TARGET_DIR/release/phiward}"
[ -f "$ACCT/iam/get-account-authorization-details.json" ] || python3 bench/gen_account.py --out "$ACCT" --scale "$SCALE"
python3 bench/peers/compare_cloudsplaining.py extract "$ACCT" "$OUT/policies" >/dev/null

trap stop_moto EXIT
start_moto "$WORK/moto-venv" "$PORT"
echo "== seeding moto: $("$WORK/moto-venv/bin/python" bench/peers/seed_moto.py "$ACCT" "http://127.0.0.1:$PORT" 2>"$OUT/seed.log")"

echo "== uptime before: $(uptime)"
rm -rf "$OUT/prowler"; mkdir -p "$OUT/prowler"
AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
AWS_DEFAULT_REGION=us-east-1 measure prowler "$OUT/prowler.log" \
  "$WORK/prowler-venv/bin/prowler" aws --service iam --region us-east-1 -M csv json-ocsf \
  -o "$OUT/prowler" -F prowler --no-banner
measure audit "$OUT/audit.json" "$PHIWARD" audit "$ACCT" --format json
measure lint "$OUT/lint.json" "$PHIWARD" lint --format json "$OUT"/policies/managed-*.json "$OUT"/policies/inline-*.json
echo "== uptime after: $(uptime)"

echo "| run | wall | CPU (user+sys; moto's not counted) | peak RSS | exit |"
echo "| --- | --- | --- | --- | --- |"
row prowler "Prowler $PROWLER_VERSION \`aws --service iam\` against moto $MOTO_VERSION"
row audit "phiward \`audit --format json\` (every check, the export)"
row lint "phiward \`lint --format json\` (PW301 for the privilege-escalation rows)"
echo
python3 bench/peers/compare_prowler.py "$OUT/prowler/prowler.csv" "$OUT/audit.json" "$OUT/lint.json" "$OUT/policies"
