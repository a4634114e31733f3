#!/usr/bin/env python3
"""Differential test: phiward against the peer engine on random cases.

    python3 bench/differential.py SEED COUNT

Generates COUNT random cases (bench/gen_cases.py), decides them with `phiward simulate`
and with bench/peers/iam-simulate/run.mjs (needs `npm ci` there first), and prints the
agreement and every disagreement. Cases the peer declines (features it does not model)
are counted apart.
"""
import json, os, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
seed, count = sys.argv[1], sys.argv[2]
target = os.environ.get("CARGO_TARGET_DIR", "/var/tmp/phiward-target")
with tempfile.TemporaryDirectory() as d:
    cases = os.path.join(d, "cases.json")
    subprocess.run([sys.executable, os.path.join(root, "bench/gen_cases.py"), "random", seed, count, cases], check=True)
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "phiward"], cwd=root, check=True)
    ours = subprocess.run([os.path.join(target, "release/phiward"), "simulate", "--cases", cases],
                          capture_output=True, text=True).stdout
    peer = subprocess.run(["node", os.path.join(root, "bench/peers/iam-simulate/run.mjs"), cases],
                          capture_output=True, text=True).stdout
    a = {d["id"]: d for d in map(json.loads, ours.splitlines())}
    b = {d["id"]: d for d in map(json.loads, peer.splitlines())}
    agree, declined, errors, differ = 0, 0, 0, []
    for k, x in a.items():
        y = b.get(k, {})
        if "error" in y:
            declined += 1
        elif "error" in x:
            errors += 1
        elif x["decision"] == y.get("decision"):
            agree += 1
        else:
            differ.append((k, x["decision"], y.get("decision")))
    print(f"seed {seed}: {agree} agree, {len(differ)} differ, {declined} declined by the peer, {errors} rejected by phiward")
    for k, x, y in differ:
        print(f"  {k}: phiward {x}, peer {y}")
