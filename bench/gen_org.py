#!/usr/bin/env python3
"""A seeded generator of AWS Organizations snapshots (docs/organization.md).

    python3 bench/gen_org.py --out /var/tmp/org-500 [--accounts 500] [--large 3]
        [--small-scale 0.004] [--large-scale 0.2] [--seed 1]

The organization: a management account, OUs Workloads > {PHI, Prod, Dev}, Identity and
Sandbox, SCPs (FullAWSAccess everywhere, DenyLoggingChanges at the root, DenyRootUser on
Workloads, SandboxNoS3 on Sandbox), an RCP on PHI, one delegated administrator, a few
accounts directly under the root and one suspended. Each account is a raw export made by
bench/gen_account.py (one small and one large export, copied with the account id
replaced, so that 500 accounts take seconds); `--large` of them are large, the rest
small. Account `000000000002` (Identity) holds role `CrossAccountReader`, which the
first PHI account's role `PhiReader` trusts: a cross-account path to PHI. That account's
first PHI bucket is encrypted with its first KMS key, whose policy lets the Identity
account decrypt, and `CrossAccountReader` may: a PHI key used across accounts.

Deterministic: the same arguments give byte-identical folders.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ACCOUNT = "111122223333"
NOW = "2026-11-01T00:00:00Z"
# The first key of every generated account (bench/gen_account.py).
FIRST_KEY = "00000000-0000-4000-8000-000000000000"


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def export(scale, seed, out):
    subprocess.run([sys.executable, os.path.join(HERE, "gen_account.py"), "--out", out,
                    "--seed", str(seed), "--scale", str(scale)], check=True, stdout=subprocess.DEVNULL)
    files = {}
    for base, _, names in os.walk(out):
        for n in names:
            p = os.path.join(base, n)
            with open(p, "rb") as f:
                files[os.path.relpath(p, out)] = f.read()
    return files


def unique(b, aid):
    """Bucket names are global: each copy of an account gets its own."""
    for old, new in ((b"phi-0", f"phi-{aid}-0"), (b"other-0", f"other-{aid}-0"),
                     (b"audit-logs", f"audit-logs-{aid}")):
        b = b.replace(old, new.encode())
    return b


def write_account(files, aid, dest, extra_roles=None, extra_files=None):
    files = dict(files, **(extra_files or {}))
    for rel, data in files.items():
        p = os.path.join(dest, unique(rel.encode(), aid).decode())
        os.makedirs(os.path.dirname(p), exist_ok=True)
        data = unique(data.replace(SOURCE_ACCOUNT.encode(), aid.encode()), aid)
        if extra_roles and rel == os.path.join("iam", "get-account-authorization-details.json"):
            d = json.loads(data)
            d["RoleDetailList"].extend(extra_roles)
            data = json.dumps(d).encode()
        with open(p, "wb") as f:
            f.write(data)


def role(aid, name, trust, inline):
    return {
        "Path": "/", "RoleName": name, "RoleId": "AROA" + name.upper()[:12].ljust(12, "X"),
        "Arn": f"arn:aws:iam::{aid}:role/{name}", "CreateDate": "2025-01-01T00:00:00Z",
        "AssumeRolePolicyDocument": json.loads(trust),
        "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": json.loads(inline)}],
        "AttachedManagedPolicies": [], "Tags": [],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--accounts", type=int, default=500)
    ap.add_argument("--large", type=int, default=3)
    ap.add_argument("--small-scale", type=float, default=0.004)
    ap.add_argument("--large-scale", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    r = random.Random(a.seed)
    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    tmp = a.out + ".gen"
    small = export(a.small_scale, a.seed, tmp + "-small")
    large = export(a.large_scale, a.seed, tmp + "-large") if a.large else {}
    for t in (tmp + "-small", tmp + "-large"):
        shutil.rmtree(t, ignore_errors=True)

    mgmt = "000000000001"
    ids = [f"{i + 1:012d}" for i in range(a.accounts)]
    root = "r-root"
    ous = [
        {"Id": "ou-workloads", "Name": "Workloads", "ParentId": root},
        {"Id": "ou-phi", "Name": "PHI", "ParentId": "ou-workloads"},
        {"Id": "ou-prod", "Name": "Prod", "ParentId": "ou-workloads"},
        {"Id": "ou-dev", "Name": "Dev", "ParentId": "ou-workloads"},
        {"Id": "ou-identity", "Name": "Identity", "ParentId": root},
        {"Id": "ou-sandbox", "Name": "Sandbox", "ParentId": root},
    ]
    parents = {mgmt: root, ids[1]: "ou-identity"}
    phi_accounts = []
    for i, aid in enumerate(ids[2:], start=2):
        if i % 97 == 0:
            parents[aid] = root
        else:
            parents[aid] = r.choice(["ou-phi", "ou-prod", "ou-prod", "ou-dev", "ou-sandbox"])
        if parents[aid] == "ou-phi":
            phi_accounts.append(aid)
    large_ids = set(phi_accounts[: a.large])
    suspended = ids[-1] if a.accounts > 3 else None
    identity = ids[1]
    first_phi = phi_accounts[0] if phi_accounts else None
    accounts = []
    for aid in ids:
        status = "SUSPENDED" if aid == suspended else "ACTIVE"
        coll = ({"status": "skipped", "error": "the account is suspended"} if status == "SUSPENDED"
                else {"status": "collected", "collected_at": NOW})
        accounts.append({"Id": aid, "Name": f"account-{aid[-4:]}", "Email": f"aws+{aid}@mercy.example",
                         "Status": status, "ParentId": parents[aid], "Collection": coll})
        if status == "SUSPENDED":
            continue
        extra = []
        if aid == identity and first_phi:
            extra.append(role(aid, "CrossAccountReader",
                              doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{aid}:root"}, "Action": "sts:AssumeRole"}),
                              doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{first_phi}:role/PhiReader"})))
        files = {}
        if aid == first_phi:
            extra.append(role(aid, "PhiReader",
                              doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{identity}:role/CrossAccountReader"}, "Action": "sts:AssumeRole"}),
                              doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"})))
            # Its first PHI bucket is encrypted with its first key, whose policy lets the
            # identity account decrypt: CrossAccountReader may, across accounts.
            key = f"arn:aws:kms:us-east-1:{SOURCE_ACCOUNT}:key/{FIRST_KEY}"
            files[os.path.join("s3", "buckets", "phi-0000", "get-bucket-encryption.json")] = json.dumps(
                {"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}, "BucketKeyEnabled": True}]}}).encode()
            files[os.path.join("kms", "keys", FIRST_KEY, "get-key-policy.json")] = json.dumps(
                {"PolicyName": "default", "Policy": doc(
                    {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                     "Principal": {"AWS": f"arn:aws:iam::{SOURCE_ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
                    {"Sid": "IdentityDecrypts", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{identity}:root"},
                     "Action": "kms:Decrypt", "Resource": "*"})}).encode()
        if aid == identity and first_phi:
            extra[-1]["RolePolicyList"].append({"PolicyName": "decrypt", "PolicyDocument": json.loads(doc(
                {"Effect": "Allow", "Action": "kms:Decrypt",
                 "Resource": f"arn:aws:kms:us-east-1:{first_phi}:key/{FIRST_KEY}"}))})
        write_account(large if aid in large_ids else small, aid,
                      os.path.join(a.out, "accounts", aid), extra, files)

    def pol(pid, name, kind, content, targets, managed=False):
        return {"Id": pid, "Arn": f"arn:aws:organizations::{mgmt}:policy/o-gen/{pid}", "Name": name,
                "AwsManaged": managed, "Targets": targets,
                "Content": {"status": "collected", "value": json.dumps(content)}}

    everything = [root] + [o["Id"] for o in ous] + ids
    scps = [
        pol("p-FullAWSAccess", "FullAWSAccess", "scp",
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
            everything, True),
        pol("p-denylogging", "DenyLoggingChanges", "scp",
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": [
                "cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail",
                "cloudtrail:PutEventSelectors", "config:StopConfigurationRecorder",
                "config:DeleteConfigurationRecorder"], "Resource": "*"}]}, [root]),
        pol("p-denyroot", "DenyRootUser", "scp",
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}]}, ["ou-workloads"]),
        pol("p-sandbox", "SandboxNoS3", "scp",
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]},
            ["ou-sandbox"]),
    ]
    rcps = [
        pol("p-RCPFullAWSAccess", "RCPFullAWSAccess", "rcp",
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
            everything, True),
        pol("p-phiorg", "PhiOrgOnly", "rcp",
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-gen"},
                           "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}, ["ou-phi"]),
    ]
    tree = {
        "format_version": 2, "created": NOW,
        "source": {"kind": "generated", "origin": "bench/gen_org.py", "tool": "gen_org.py"},
        "organization": {"Id": "o-gen", "Arn": f"arn:aws:organizations::{mgmt}:organization/o-gen",
                         "MasterAccountId": mgmt, "FeatureSet": "ALL"},
        "roots": [{"Id": root, "Name": "Root"}],
        "units": ous,
        "accounts": accounts,
        "scps": {"status": "collected", "value": scps},
        "rcps": {"status": "collected", "value": rcps},
        "delegated_administrators": {"status": "collected", "value": [
            {"Id": identity, "Name": "account-identity",
             "Services": {"status": "collected", "value": ["guardduty.amazonaws.com"]}}]},
    }
    with open(os.path.join(a.out, "organization.json"), "w") as f:
        json.dump(tree, f, indent=1)
    print(f"{a.accounts} accounts ({len(large_ids)} large, {len(phi_accounts)} in PHI), "
          f"{len(ous)} OUs -> {a.out}")


if __name__ == "__main__":
    main()
