#!/usr/bin/env bash
# Cloudsplaining (PyPI `cloudsplaining`) and phiward on the same generated account: time,
# peak memory, and a finding-by-finding comparison (bench/peers/compare_cloudsplaining.py).
#
#   SCALE=0.1 [PROFILE=varied] bash bench/cloudsplaining-compare.sh   # needs python3, network for pip once
#
# Cloudsplaining reads the AWS CLI's `get-account-authorization-details` output, which
# bench/gen_account.py writes as one JSON object. phiward runs `audit` on the whole export
# (every check) and `lint` on each customer managed and inline policy (the PW30x risk
# classes are the per-policy counterparts of Cloudsplaining's categories). Everything is
# cached under $WORK (default /var/tmp/phiward-peers); not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/peers/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}"
SCALE="${SCALE:-0.1}"
# The generator's profile: default, or varied (other names, NotAction, conditions everywhere).
PROFILE="${PROFILE:-default}"
WORK="${WORK:-/var/tmp/phiward-peers}"
CS_VERSION=0.9.1
VENV="$WORK/cs-venv"
ACCT="$WORK/acct-$SCALE-$PROFILE"
OUT="$WORK/cloudsplaining-$SCALE-$PROFILE"
mkdir -p "$OUT"

[ -x "$VENV/bin/cloudsplaining" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "cloudsplaining==$CS_VERSION"; }
[ -n "${NO_BUILD:-}" ] || cargo build -q --release -p phiward
PHIWARD="${PHIWARD:-$CARGO_TARGET_DIR/release/phiward}"
[ -f "$ACCT/iam/get-account-authorization-details.json" ] || python3 bench/gen_account.py --out "$ACCT" --scale "$SCALE" --profile "$PROFILE"
python3 bench/peers/compare_cloudsplaining.py extract "$ACCT" "$OUT/policies" >/dev/null

echo "== uptime before: $(uptime)"
rm -rf "$OUT/cs"; mkdir -p "$OUT/cs"
measure cloudsplaining "$OUT/cloudsplaining.log" \
  "$VENV/bin/cloudsplaining" scan -i "$ACCT/iam/get-account-authorization-details.json" -o "$OUT/cs" -s
measure audit "$OUT/audit.json" "$PHIWARD" audit "$ACCT" --format json
measure lint "$OUT/lint.json" "$PHIWARD" lint --format json "$OUT"/policies/managed-*.json "$OUT"/policies/inline-*.json
echo "== uptime after: $(uptime)"

echo "== scale $SCALE, profile $PROFILE: $(python3 -c "import json;d=json.load(open('$ACCT/iam/get-account-authorization-details.json'));print(len(d['UserDetailList']),'users,',len(d['RoleDetailList']),'roles,',len(d['Policies']),'managed policies')")"
echo "| run | wall | CPU (user+sys) | peak RSS | exit |"
echo "| --- | --- | --- | --- | --- |"
row cloudsplaining "Cloudsplaining $CS_VERSION \`scan\`"
row audit "phiward \`audit --format json\` (every check)"
row lint "phiward \`lint --format json\` ($(ls "$OUT"/policies/managed-*.json "$OUT"/policies/inline-*.json | wc -l) policy files)"
echo
python3 bench/peers/compare_cloudsplaining.py compare "$ACCT" \
  "$OUT/cs/iam-results-get-account-authorization-details.json" "$OUT/lint.json" "$OUT/audit.json" "$OUT/policies"
