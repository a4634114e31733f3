#!/usr/bin/env python3
"""Compare phiward's intrinsic resolution with cfn-policy-validator's `parse` (PyPI,
aws-cloudformation-iam-policy-validator) on the same templates.

cfn-policy-validator calls STS for the account, so it runs against moto:

    PHIWARD_MOTO_PORT=45203 PHIWARD_MOTO_STATE=/var/tmp/moto-iac bash scripts/moto.sh start
    python3 -m venv /var/tmp/iac-venv && /var/tmp/iac-venv/bin/pip install cfn-policy-validator
    AWS_ENDPOINT_URL=http://127.0.0.1:45203 AWS_ACCESS_KEY_ID=testing \
      AWS_SECRET_ACCESS_KEY=testing python3 bench/cfn-policy-validator-compare.py \
      --phiward /var/tmp/phiward-target-iac/debug/phiward --cpv /var/tmp/iac-venv/bin/cfn-policy-validator

For each template, every policy document each tool resolves (trust, inline, customer
managed, bucket and key policies; AWS managed policies left out) is compared as a
multiset of canonical JSON documents. Differences are printed; the exit status is 1 when
any template differs or a tool fails.
"""
import argparse
import json
import subprocess
import sys

# Templates both tools read; moto's account is 123456789012.
TEMPLATES = {
    "examples/iac/base/claims.yaml": ["Env=prod"],
    "examples/iac/changed/claims.yaml": ["Env=prod"],
    "crates/iac/tests/fixtures/intrinsics.json": ["Env=prod"],
    "crates/iac/tests/fixtures/fool_join_wildcard.yaml": [],
    "crates/iac/tests/fixtures/fool_if_admin.yaml": ["Stage=sandbox"],
    "crates/iac/tests/fixtures/fool_attached_elsewhere.yaml": [],
    "crates/iac/tests/fixtures/fool_sub_trust.yaml": ["VendorAccount=777788889999"],
    "crates/iac/tests/fixtures/resources.yaml": [],
    "crates/iac/tests/fixtures/cdk.out/ClaimsStack.template.json": [],
}


def canon(doc):
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def cpv_docs(out):
    docs = []
    for r in out.get("Roles", []):
        docs.append(r["TrustPolicy"])
    for kind in ("Roles", "Users", "Groups"):
        for p in out.get(kind, []):
            docs += [x["Policy"] for x in p.get("Policies", []) if not x.get("IsAWSManagedPolicy")]
    docs += [r["Policy"]["Policy"] for r in out.get("Resources", [])]
    docs += [x["Policy"] for x in out.get("OrphanedPolicies", [])]
    return docs


def phiward_docs(out):
    # One document per place it lands: an AWS::IAM::Policy on two roles is two places, as
    # cfn-policy-validator lists it under each role.
    return [d["document"] for d in out["documents"] if d["kind"] != "scp"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--phiward", required=True)
    ap.add_argument("--cpv", required=True)
    a = ap.parse_args()
    failed = 0
    for path, params in TEMPLATES.items():
        cmd = [a.cpv, "parse", "--template-path", path, "--region", "us-east-1"]
        if params:
            cmd += ["--parameters", *params]
        c = subprocess.run(cmd, capture_output=True, text=True)
        pw = [a.phiward, "iac", "parse", path, "--parameters", "AWS::AccountId=123456789012",
              "--parameters", "AWS::Region=us-east-1", "--parameters", "AWS::StackName=claims"]
        for p in params:
            pw += ["--parameters", p]
        p = subprocess.run(pw, capture_output=True, text=True)
        if c.returncode != 0:
            print(f"{path}: cfn-policy-validator failed: {c.stdout.strip()[:300]} {c.stderr.strip()[-300:]}")
            failed += 1
            continue
        if p.returncode != 0:
            print(f"{path}: phiward failed: {p.stderr.strip()[:300]}")
            failed += 1
            continue
        theirs = sorted(canon(d) for d in cpv_docs(json.loads(c.stdout)))
        ours = sorted(canon(d) for d in phiward_docs(json.loads(p.stdout)))
        only_theirs = [d for d in theirs if d not in ours]
        only_ours = [d for d in ours if d not in theirs]
        if only_theirs or only_ours:
            failed += 1
            print(f"{path}: {len(theirs)} vs {len(ours)} documents")
            for d in only_theirs:
                print(f"  only cfn-policy-validator: {d[:400]}")
            for d in only_ours:
                print(f"  only phiward:              {d[:400]}")
        else:
            print(f"{path}: {len(ours)} documents, identical")
    print(f"{len(TEMPLATES) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


main()
