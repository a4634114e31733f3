"""Exports a (moto) account "the AWS CLI way": the raw-export layout of docs/snapshot.md,
written with boto3, whose JSON is what `aws ... --output json` prints.

    python export.py URL OUT_DIR

A call that fails leaves `NAME.error` with the CLI's message instead of `NAME.json`.
"""
import base64
import datetime
import json
import os
import sys

import boto3
from botocore.exceptions import ClientError

URL, OUT = sys.argv[1], sys.argv[2]
KW = dict(
    endpoint_url=URL,
    region_name="us-east-1",
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)


def client(name, **extra):
    return boto3.client(name, **KW, **extra)


def default(o):
    if isinstance(o, datetime.datetime):
        return o.isoformat()
    if isinstance(o, bytes):
        return base64.b64encode(o).decode()
    raise TypeError(type(o))


def run(path, fn, **kwargs):
    """Writes fn(**kwargs) to OUT/path, or the CLI's error text to OUT/path.error."""
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    try:
        if getattr(fn, "paginate", None):
            pages = list(fn.paginate(**kwargs))
            for p in pages:
                p.pop("ResponseMetadata", None)
            text = "\n".join(json.dumps(p, default=default, indent=2) for p in pages)
        else:
            r = fn(**kwargs)
            r.pop("ResponseMetadata", None)
            text = json.dumps(r, default=default, indent=2)
        with open(full, "w") as f:
            f.write(text + "\n")
        return True
    except ClientError as e:
        err = e.response.get("Error", {})
        with open(full[: -len(".json")] + ".error", "w") as f:
            f.write(
                f"An error occurred ({err.get('Code')}) when calling the {e.operation_name} "
                f"operation: {err.get('Message')}\n"
            )
        return False


def pager(c, op):
    return c.get_paginator(op)


os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "phiward-export.json"), "w") as f:
    f.write(json.dumps({"exported_at": datetime.datetime.now(datetime.timezone.utc).isoformat()}))

sts, iam = client("sts"), client("iam")
run("sts/get-caller-identity.json", sts.get_caller_identity)
run("iam/list-account-aliases.json", iam.list_account_aliases)
run("iam/get-account-authorization-details.json", pager(iam, "get_account_authorization_details"))
iam.generate_credential_report()
run("iam/get-credential-report.json", iam.get_credential_report)
run("iam/get-account-summary.json", iam.get_account_summary)
run("iam/get-account-password-policy.json", iam.get_account_password_policy)
run("iam/list-saml-providers.json", iam.list_saml_providers)
run("iam/list-open-id-connect-providers.json", iam.list_open_id_connect_providers)

org = client("organizations")
run("organizations/describe-organization.json", org.describe_organization)

ct = client("cloudtrail")
run("cloudtrail/describe-trails.json", ct.describe_trails)
for t in ct.describe_trails()["trailList"]:
    run(f"cloudtrail/trails/{t['Name']}/get-trail-status.json", ct.get_trail_status, Name=t["Name"])
    run(f"cloudtrail/trails/{t['Name']}/get-event-selectors.json", ct.get_event_selectors, TrailName=t["Name"])

s3 = client("s3")
run("s3/list-buckets.json", s3.list_buckets)
for b in s3.list_buckets()["Buckets"]:
    name = b["Name"]
    for call in ["get_bucket_policy", "get_bucket_tagging", "get_public_access_block", "get_bucket_versioning",
                 "get_bucket_logging", "get_bucket_acl", "get_bucket_encryption",
                 "get_bucket_lifecycle_configuration", "get_object_lock_configuration"]:
        run(f"s3/buckets/{name}/{call.replace('_', '-')}.json", getattr(s3, call), Bucket=name)
account = sts.get_caller_identity()["Account"]
# Like the collector: S3 Control's endpoint rules prefix the host with the account id
# (`ACCOUNT.127.0.0.1`), which cannot resolve; the request goes to the endpoint as given.
s3control = client("s3control")
s3control.meta.events.register(
    "before-sign.s3-control.*",
    lambda request, **_: setattr(request, "url", request.url.replace(f"//{account}.", "//", 1)),
)
run("s3control/get-public-access-block.json", s3control.get_public_access_block, AccountId=account)

kms = client("kms")
run("kms/list-keys.json", kms.list_keys)
for k in kms.list_keys()["Keys"]:
    kid = k["KeyId"]
    run(f"kms/keys/{kid}/describe-key.json", kms.describe_key, KeyId=kid)
    run(f"kms/keys/{kid}/get-key-policy.json", kms.get_key_policy, KeyId=kid, PolicyName="default")
    run(f"kms/keys/{kid}/list-grants.json", kms.list_grants, KeyId=kid)

run("secretsmanager/list-secrets.json", client("secretsmanager").list_secrets)
cfg = client("config")
run("configservice/describe-configuration-recorders.json", cfg.describe_configuration_recorders)
run("configservice/describe-configuration-recorder-status.json", cfg.describe_configuration_recorder_status)
run("configservice/describe-delivery-channels.json", cfg.describe_delivery_channels)
run("cloudwatch/describe-alarms.json", client("cloudwatch").describe_alarms)
run("logs/describe-metric-filters.json", client("logs").describe_metric_filters)
run("sns/list-subscriptions.json", client("sns").list_subscriptions)

# IAM Identity Center, as docs/snapshot.md's export script does it: per instance its
# permission sets and their policies and assignments in this account, then the groups and
# users the assignments name.
sso, ids = client("sso-admin"), client("identitystore")
run("sso-admin/list-instances.json", pager(sso, "list_instances"))
for inst in sso.list_instances()["Instances"]:
    iarn, store = inst["InstanceArn"], inst["IdentityStoreId"]
    idir = f"sso-admin/instances/{iarn.rsplit('/', 1)[-1]}"
    run(f"{idir}/list-permission-sets.json", pager(sso, "list_permission_sets"), InstanceArn=iarn)
    users, groups = set(), set()
    for ps in sso.list_permission_sets(InstanceArn=iarn)["PermissionSets"]:
        pdir = f"{idir}/permission-sets/{ps.rsplit('/', 1)[-1]}"
        kw = dict(InstanceArn=iarn, PermissionSetArn=ps)
        run(f"{pdir}/describe-permission-set.json", sso.describe_permission_set, **kw)
        run(f"{pdir}/get-inline-policy-for-permission-set.json", sso.get_inline_policy_for_permission_set, **kw)
        run(f"{pdir}/list-managed-policies-in-permission-set.json", pager(sso, "list_managed_policies_in_permission_set"), **kw)
        run(f"{pdir}/list-customer-managed-policy-references-in-permission-set.json",
            pager(sso, "list_customer_managed_policy_references_in_permission_set"), **kw)
        run(f"{pdir}/get-permissions-boundary-for-permission-set.json", sso.get_permissions_boundary_for_permission_set, **kw)
        run(f"{pdir}/list-account-assignments.json", pager(sso, "list_account_assignments"), AccountId=account, **kw)
        for a in sso.list_account_assignments(AccountId=account, **kw)["AccountAssignments"]:
            (users if a["PrincipalType"] == "USER" else groups).add(a["PrincipalId"])
    for g in sorted(groups):
        gdir = f"identitystore/{store}/groups/{g}"
        run(f"{gdir}/describe-group.json", ids.describe_group, IdentityStoreId=store, GroupId=g)
        run(f"{gdir}/list-group-memberships.json", pager(ids, "list_group_memberships"), IdentityStoreId=store, GroupId=g)
        for m in ids.list_group_memberships(IdentityStoreId=store, GroupId=g)["GroupMemberships"]:
            users.add(m["MemberId"]["UserId"])
    for u in sorted(users):
        run(f"identitystore/{store}/users/{u}/describe-user.json", ids.describe_user, IdentityStoreId=store, UserId=u)
