#!/usr/bin/env python3
"""Seed a moto server's IAM with an account written by bench/gen_account.py.

    python seed_moto.py EXPORT_DIR ENDPOINT_URL [--threads N]

Reads EXPORT_DIR/iam/get-account-authorization-details.json and the credential report and
creates, through boto3, what AWS's IAM API can create: customer managed policies, groups
with their attachments and inline policies, users (tags, groups, attachments, inline
policies, a login profile for console users, access keys for users with keys), roles (trust
policy, tags, attachments, inline policies, permissions boundary). AWS managed policies
(AdministratorAccess) must already exist in moto (MOTO_IAM_LOAD_MANAGED_POLICIES=true).
Dates (key ages, last use, MFA) cannot be set through the API: moto stamps them "now".

Run moto with MOTO_ACCOUNT_ID set to the export's account (111122223333) so that ARNs match.
Prints the number of API calls and the time taken.
"""
import argparse
import csv
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ResponseParserError


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("export")
    ap.add_argument("endpoint")
    ap.add_argument("--threads", type=int, default=4)
    a = ap.parse_args()
    details = json.load(open(os.path.join(a.export, "iam/get-account-authorization-details.json")))
    report = {}
    cr = os.path.join(a.export, "iam/credential-report.csv")
    if os.path.exists(cr):
        for row in csv.DictReader(open(cr)):
            report[row["user"]] = row
    iam = boto3.client("iam", endpoint_url=a.endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing",
                       config=Config(max_pool_connections=a.threads * 2, retries={"max_attempts": 2}))
    calls = [0]

    def call(fn, **kw):
        # moto's server is not thread-safe everywhere: under concurrent writes it sometimes
        # answers 500 ("dictionary changed size during iteration"). Retry; a retried create
        # that had gone through answers EntityAlreadyExists, which is then success.
        for attempt in range(4):
            calls[0] += 1
            try:
                return getattr(iam, fn)(**kw)
            except ResponseParserError:
                if attempt == 3:
                    raise
            except ClientError as e:
                if attempt and e.response["Error"]["Code"] == "EntityAlreadyExists":
                    return {}
                raise

    def dump(doc):
        return json.dumps(doc, separators=(",", ":"))

    t0 = time.time()
    pool = ThreadPoolExecutor(a.threads)

    def run_all(fn, items):
        errors = [e for e in pool.map(lambda x: _safe(fn, x), items) if e]
        for e in errors[:5]:
            print("  error:", e, file=sys.stderr)
        return len(errors)

    def _safe(fn, x):
        try:
            fn(x)
        except Exception as e:  # noqa: BLE001 - counted and reported
            return f"{type(e).__name__}: {e}"[:300]
        return None

    def policy(p):
        if ":aws:policy/" in p["Arn"]:
            return  # AWS managed: loaded by moto itself
        doc = next(v["Document"] for v in p["PolicyVersionList"] if v["IsDefaultVersion"])
        call("create_policy", PolicyName=p["PolicyName"], Path=p.get("Path", "/"), PolicyDocument=dump(doc))

    def group(g):
        call("create_group", GroupName=g["GroupName"], Path=g.get("Path", "/"))
        for m in g["AttachedManagedPolicies"]:
            call("attach_group_policy", GroupName=g["GroupName"], PolicyArn=m["PolicyArn"])
        for i in g.get("GroupPolicyList", []):
            call("put_group_policy", GroupName=g["GroupName"], PolicyName=i["PolicyName"],
                 PolicyDocument=dump(i["PolicyDocument"]))

    def user(u):
        name = u["UserName"]
        call("create_user", UserName=name, Path=u.get("Path", "/"), Tags=u.get("Tags", []))
        for g in u["GroupList"]:
            call("add_user_to_group", UserName=name, GroupName=g)
        for m in u["AttachedManagedPolicies"]:
            call("attach_user_policy", UserName=name, PolicyArn=m["PolicyArn"])
        for i in u.get("UserPolicyList", []):
            call("put_user_policy", UserName=name, PolicyName=i["PolicyName"],
                 PolicyDocument=dump(i["PolicyDocument"]))
        row = report.get(name, {})
        if row.get("password_enabled") == "true":
            call("create_login_profile", UserName=name, Password="Bench-Passw0rd!x")
        if row.get("mfa_active") == "true":
            sn = call("create_virtual_mfa_device", VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
            call("enable_mfa_device", UserName=name, SerialNumber=sn, AuthenticationCode1="123456",
                 AuthenticationCode2="654321")
        for k in (1, 2):
            if row.get(f"access_key_{k}_active") == "true":
                call("create_access_key", UserName=name)

    def role(r):
        name = r["RoleName"]
        kw = {}
        if r.get("PermissionsBoundary"):
            kw["PermissionsBoundary"] = r["PermissionsBoundary"]["PermissionsBoundaryArn"]
        call("create_role", RoleName=name, Path=r.get("Path", "/"), Tags=r.get("Tags", []),
             AssumeRolePolicyDocument=dump(r["AssumeRolePolicyDocument"]), **kw)
        for m in r["AttachedManagedPolicies"]:
            call("attach_role_policy", RoleName=name, PolicyArn=m["PolicyArn"])
        for i in r.get("RolePolicyList", []):
            call("put_role_policy", RoleName=name, PolicyName=i["PolicyName"],
                 PolicyDocument=dump(i["PolicyDocument"]))

    errors = 0
    for label, fn, items in [("policies", policy, details["Policies"]), ("groups", group, details["GroupDetailList"]),
                             ("users", user, details["UserDetailList"]), ("roles", role, details["RoleDetailList"])]:
        t = time.time()
        errors += run_all(fn, items)
        print(f"  seeded {len(items)} {label} in {time.time() - t:.1f} s", file=sys.stderr)
    pp = os.path.join(a.export, "iam/get-account-password-policy.json")
    if os.path.exists(pp):
        p = json.load(open(pp))["PasswordPolicy"]
        keys = ["MinimumPasswordLength", "RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters",
                "RequireLowercaseCharacters", "AllowUsersToChangePassword", "PasswordReusePrevention"]
        call("update_account_password_policy", **{k: p[k] for k in keys if k in p})
    elapsed = time.time() - t0
    print(json.dumps({"calls": calls[0], "errors": errors, "seconds": round(elapsed, 1)}))


if __name__ == "__main__":
    main()
