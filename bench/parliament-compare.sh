#!/usr/bin/env bash
# Lint every AWS managed policy (the corpus in crates/lint/tests/corpus) with phiward and
# with Parliament (PyPI `parliament`), time both, and compare what they report.
#
#   bash bench/parliament-compare.sh            # needs python3 and network for pip once
#
# Writes the per-tool findings under $OUT (default /var/tmp/phiward-parliament) and prints
# the timing table and the comparison summary used in bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/phiward-target}"
OUT="${OUT:-/var/tmp/phiward-parliament}"
VENV="${VENV:-/var/tmp/parliament-venv}"
mkdir -p "$OUT/policies"

[ -x "$VENV/bin/parliament" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q parliament; }
cargo build -q --release -p phiward
PHIWARD="$CARGO_TARGET_DIR/release/phiward"

python3 - "$OUT/policies" <<'PY'
import gzip, json, sys, os
out = sys.argv[1]
doc = json.loads(gzip.open("crates/lint/tests/corpus/aws-managed-policies.json.gz").read())
for name, policy in doc["policies"].items():
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(policy, f, indent=2)
print(f"{len(doc['policies'])} policies from {doc['package']} {doc['version']}")
PY

# Parliament's own `--directory` run aborts on the first policy whose condition key has a
# type it does not know (`ArrayOfARN`), so a small driver runs it per policy in one
# process, counting crashes, and writes the findings as JSON lines.
cat > "$OUT/parliament_driver.py" <<'PY'
import json, os, sys, glob
import parliament
out = open(sys.argv[2], "w")
crashed = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    try:
        policy = parliament.analyze_policy_string(open(path).read(), filepath=path)
        for f in policy.findings:
            out.write(json.dumps({"issue": f.issue, "filepath": path, "location": f.location}, default=str) + "\n")
    except Exception as e:  # noqa: BLE001 - a crash is a result here
        crashed += 1
        out.write(json.dumps({"issue": "CRASH", "filepath": path, "location": {"error": str(e)}}) + "\n")
print(f"parliament crashed on {crashed} policies", file=sys.stderr)
PY

echo "== timing"
if command -v hyperfine >/dev/null; then
  hyperfine -w 1 -r 5 -i \
    "$PHIWARD lint --format json $OUT/policies/*.json > $OUT/phiward.json" \
    "$VENV/bin/python $OUT/parliament_driver.py $OUT/policies $OUT/parliament.jsonl"
fi
"$PHIWARD" lint --format json "$OUT"/policies/*.json > "$OUT/phiward.json" || true
"$VENV/bin/python" "$OUT/parliament_driver.py" "$OUT/policies" "$OUT/parliament.jsonl"

echo "== comparison"
export PHIWARD
python3 - "$OUT" <<'PY'
import json, sys, os, collections
out = sys.argv[1]
ph = json.load(open(os.path.join(out, "phiward.json")))
pw = collections.Counter()
pw_unknown = set()
for f in ph["files"]:
    name = os.path.basename(f["path"])[:-5]
    for x in f["findings"]:
        pw[x["id"]] += 1
        if x["id"] in ("PW201", "PW202"):
            pw_unknown.add((name, x["message"].split("`")[1].lower()))
pa = collections.Counter()
pa_unknown = set()
pa_mismatch = 0
for line in open(os.path.join(out, "parliament.jsonl")):
    line = line.strip()
    if not line:
        continue
    x = json.loads(line)
    pa[x["issue"]] += 1
    name = os.path.basename(x.get("filepath") or "")[:-5]
    loc = x.get("location", {})
    if x["issue"] in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX"):
        pa_unknown.add((name, str(loc.get("string", "")).lower()))
print("phiward findings by rule:", dict(sorted(pw.items())))
print("parliament findings by issue:", dict(pa.most_common()))
only_pa = sorted(pa_unknown - pw_unknown)
only_pw = sorted(pw_unknown - pa_unknown)
print(f"unknown actions/prefixes: phiward {len(pw_unknown)}, parliament {len(pa_unknown)}")
print(f"  reported only by parliament: {len(only_pa)} (sample: {only_pa[:8]})")
print(f"  reported only by phiward: {len(only_pw)} (sample: {only_pw[:8]})")
names = sorted({u[1] for u in only_pa if ":" in u[1]})
import subprocess
r = subprocess.run([os.environ["PHIWARD"], "actions", "--format", "json", *names], capture_output=True, text=True)
known = {a["action"].lower() for a in json.loads(r.stdout or '{"actions": []}')["actions"]}
print(f"  distinct names parliament calls unknown that exist in phiward's catalog: {len([n for n in names if n in known])} of {len(names)}")
PY
