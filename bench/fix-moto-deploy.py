#!/usr/bin/env python3
"""Deploys the CloudFormation that `phiward fix` writes into moto, and reads back what
each stack created.

moto holds none of the demo account, so the resources the fixes change are created first
(the PHI and log buckets, the trail's log group, the SNS topic, the deploy user and role,
PHIExportRole). Each fix's `cloudformation.yaml` is then deployed with
`cloudformation create-stack` and the change read back through the service's own API
(bucket policy statements, metric filter and alarm, inline policy, trust policy).

    # moto's CloudFormation needs its `cloudformation` extra (scripts/moto.sh installs
    # `moto[server]` only, whose stacks create nothing):
    python3 -m venv /var/tmp/iac-venv && /var/tmp/iac-venv/bin/pip install 'moto[server,cloudformation]==5.2.5'
    /var/tmp/iac-venv/bin/moto_server -p 45203 &
    phiward fix examples/demo-account --out /tmp/fixes --network 198.51.100.0/24
    AWS_ENDPOINT_URL=http://127.0.0.1:45203 AWS_ACCESS_KEY_ID=testing \
      AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \
      /var/tmp/iac-venv/bin/python bench/fix-moto-deploy.py /tmp/fixes

For fixes whose resource types moto's CloudFormation does not create (bucket policies,
metric filters, alarms), the fix's `aws-cli.sh` is run instead (the AWS CLI on PATH,
`pip install awscli`). Prints one line per fix and `N passed, M failed`.
"""
import json
import os
import subprocess
import sys
import time

import boto3

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]})


def setup():
    s3 = boto3.client("s3")
    for b in ["mercy-phi-claims-exports", "mercy-phi-imaging", "mercy-research", "mercy-audit-logs", "mercy-config-logs"]:
        try:
            s3.create_bucket(Bucket=b)
        except s3.exceptions.BucketAlreadyOwnedByYou:
            pass
    logs = boto3.client("logs")
    try:
        logs.create_log_group(logGroupName="mercy-cloudtrail")
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    boto3.client("sns").create_topic(Name="security-alerts")
    iam = boto3.client("iam")
    for call, kw in [
        (iam.create_user, {"UserName": "deploy-bot", "Path": "/automation/"}),
        (iam.create_role, {"RoleName": "GitHubActionsDeploy", "AssumeRolePolicyDocument": TRUST}),
    ]:
        try:
            call(**kw)
        except iam.exceptions.EntityAlreadyExistsException:
            pass


def check(name, cfn):
    """What the stack changed, read back; an error message or None."""
    if name.startswith("bucket-policy-"):
        bucket = name[len("bucket-policy-"):]
        pol = json.loads(boto3.client("s3").get_bucket_policy(Bucket=bucket)["Policy"])
        sids = {s.get("Sid") for s in pol["Statement"]}
        want = {"DenyInsecureTransport", "DenyOutsideNetwork", "OnlyAdministratorsAndLoggingChangeLogs"} & set(
            w for w in ["DenyInsecureTransport", "DenyOutsideNetwork", "OnlyAdministratorsAndLoggingChangeLogs"] if w in cfn)
        return None if want <= sids else f"bucket policy lacks {want - sids}"
    if name.startswith("log-006-"):
        alarm = "cis-" + name[len("log-006-cis-"):]
        f = boto3.client("logs").describe_metric_filters(logGroupName="mercy-cloudtrail", filterNamePrefix="cis-")["metricFilters"]
        a = boto3.client("cloudwatch").describe_alarms(AlarmNames=[alarm])["MetricAlarms"]
        if not a:
            return f"alarm {alarm} missing"
        if not any(m["metricTransformations"][0]["metricName"] == a[0]["MetricName"] for m in f):
            return "no metric filter for the alarm's metric"
        return None
    if name.startswith("auto-001-"):
        iam = boto3.client("iam")
        for role in ["GitHubActionsDeploy"]:
            if role.lower() in name:
                iam.get_role_policy(RoleName=role, PolicyName="phiward-scoped-passrole")
                return None
        iam.get_user_policy(UserName="deploy-bot", PolicyName="phiward-scoped-passrole")
        return None
    if name.startswith("mfa-003-trust"):
        doc = boto3.client("iam").get_role(RoleName="PHIExportRole")["Role"]["AssumeRolePolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        ok = any("aws:MultiFactorAuthPresent" in json.dumps(s.get("Condition", {})) for s in doc["Statement"])
        return None if ok else "trust policy has no MFA condition"
    return None


# Resource types moto 5.2's CloudFormation creates; a stack of other types completes
# without creating anything, so those fixes are reported as not deployable here.
MOTO_TYPES = {"AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::User",
              "AWS::S3::Bucket", "AWS::Logs::LogGroup"}


def main():
    root = sys.argv[1]
    setup()
    cf = boto3.client("cloudformation")
    passed = failed = skipped = 0
    for d in sorted(os.listdir(root)):
        name = d.split("-", 1)[1]
        body = open(os.path.join(root, d, "cloudformation.yaml")).read()
        stack = "phiward-fix-" + d.replace("_", "-")[:100]
        types = {line.split("Type:", 1)[1].strip() for line in body.splitlines() if line.strip().startswith("Type:")}
        if not types <= MOTO_TYPES:
            # The same fix as AWS CLI commands, which moto's APIs do support.
            lacks = ", ".join(sorted(types - MOTO_TYPES))
            r = subprocess.run(["sh", os.path.join(root, d, "aws-cli.sh")], capture_output=True, text=True)
            err = f"aws-cli.sh failed: {r.stderr.strip()[-300:]}" if r.returncode else None
            try:
                err = err or check(name, body)
            except Exception as e:  # noqa: BLE001 - the script reports every failure
                err = f"{type(e).__name__}: {e}"[:300]
            if err:
                failed += 1
                print(f"{d}: FAILED (aws-cli.sh; CloudFormation lacks {lacks} in moto) {err}")
            else:
                skipped += 1
                print(f"{d}: aws-cli.sh applied, change read back (moto's CloudFormation lacks {lacks})")
            continue
        try:
            cf.create_stack(StackName=stack, TemplateBody=body)
            for _ in range(30):
                st = cf.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
                if not st.endswith("IN_PROGRESS"):
                    break
                time.sleep(0.2)
            err = None if st == "CREATE_COMPLETE" else f"stack {st}"
            err = err or check(name, body)
        except Exception as e:  # noqa: BLE001 - the script reports every failure
            err = f"{type(e).__name__}: {e}"[:300]
        if err:
            failed += 1
            print(f"{d}: FAILED {err}")
        else:
            passed += 1
            print(f"{d}: deployed, change read back")
    print(f"{passed + skipped} passed, {failed} failed ({passed} as CloudFormation stacks, {skipped} as AWS CLI commands)")
    sys.exit(1 if failed else 0)


main()
