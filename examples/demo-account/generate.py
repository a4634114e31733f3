#!/usr/bin/env python3
"""Generate the Mercy Health demo account in phiward's raw-export layout.

Deterministic: the same script always writes the same files (no clock, a fixed seed).
The account's "now" is 2026-11-01T00:00:00Z; every age in README.md is measured from it.

    python3 examples/demo-account/generate.py              # rewrites the files beside this script
    python3 examples/demo-account/generate.py --out DIR    # writes into DIR instead
"""

import base64
import json
import os
import random
import shutil
import sys
import urllib.parse
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = HERE
ACCOUNT = "111122223333"
PARTNER = "444455556666"
VENDOR = "777788889999"
REGION = "us-east-1"
NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
RNG = random.Random(20261101)
KEEP = {"README.md", "generate.py", "phiward.toml", "cloudtrail-logs"}


def ago(days, hours=0):
    return NOW - timedelta(days=days, hours=hours)


def cli_time(dt):
    """The AWS CLI's default spelling."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def z_time(dt):
    """The SDKs' spelling, with fractional seconds."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def arn(kind, name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:{kind}{path}{name}"


def aws_policy(name, path="/"):
    return f"arn:aws:iam::aws:policy{path}{name}"


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    s.update(extra)
    return s


def deny(action, resource="*", **extra):
    s = {"Effect": "Deny", "Action": action, "Resource": resource}
    s.update(extra)
    return s


_counter = [0]


def encoded_or_plain(document):
    """IAM's API returns URL-encoded strings, the AWS CLI decoded objects: alternate."""
    _counter[0] += 1
    if _counter[0] % 2:
        return urllib.parse.quote(json.dumps(document, separators=(",", ":")), safe="")
    return document


def uid(prefix):
    return prefix + "".join(RNG.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(17))


def write(rel, value, text=False):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        if text:
            f.write(value)
        else:
            json.dump(value, f, indent=4)
            f.write("\n")


def error(rel, code, operation, message):
    write(rel, f"\nAn error occurred ({code}) when calling the {operation} operation: {message}\n", text=True)


# ---------------------------------------------------------------------------------------
# Managed policies
# ---------------------------------------------------------------------------------------

PHI_BUCKETS = ["mercy-phi-records", "mercy-phi-imaging", "mercy-phi-claims-exports", "mercy-research"]
AUDIT_BUCKET = "mercy-audit-logs"

policies = {}  # arn -> (name, path, versions [(id, document, created)], description)


def customer(name, versions, path="/", description=None):
    a = arn("policy", name, path)
    policies[a] = (name, path, versions, description)
    return a


AWS_MANAGED = {
    "AdministratorAccess": doc(allow("*")),
    "ReadOnlyAccess": doc(allow(["s3:Get*", "s3:List*", "ec2:Describe*", "iam:Get*", "iam:List*", "logs:Describe*", "cloudtrail:Describe*"])),
    "SecurityAudit": doc(allow(["iam:GenerateCredentialReport", "iam:Get*", "iam:List*", "cloudtrail:DescribeTrails", "config:Describe*", "s3:GetBucketPolicy"])),
    "AmazonS3ReadOnlyAccess": doc(allow(["s3:Get*", "s3:List*", "s3-object-lambda:Get*", "s3-object-lambda:List*"])),
    "AWSLambdaBasicExecutionRole": doc(allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])),
    "ViewOnlyAccess": doc(allow(["cloudwatch:DescribeAlarms", "ec2:DescribeInstances", "s3:ListAllMyBuckets", "iam:ListUsers"])),
    "AmazonEC2ReadOnlyAccess": doc(allow(["ec2:Describe*", "elasticloadbalancing:Describe*", "cloudwatch:GetMetricData"])),
}
AWS_PATHS = {"AWSLambdaBasicExecutionRole": "/service-role/", "AWS_ConfigRole": "/service-role/"}
AWS_MANAGED["AWS_ConfigRole"] = doc(allow(["config:Put*", "s3:GetBucketAcl", "iam:GetRole", "ec2:Describe*"]))

for name, document in AWS_MANAGED.items():
    path = AWS_PATHS.get(name, "/")
    policies[aws_policy(name, path)] = (name, path, [("v1", document, ago(2000))], None)

ADMIN = aws_policy("AdministratorAccess")
READONLY = aws_policy("ReadOnlyAccess")
AUDIT = aws_policy("SecurityAudit")
LAMBDA_BASIC = aws_policy("AWSLambdaBasicExecutionRole", "/service-role/")
CONFIG_ROLE = aws_policy("AWS_ConfigRole", "/service-role/")

# Violation 3: the MFA deny uses Bool, so requests without the key (access keys) pass.
FORCE_MFA = customer("RequireMFA", [
    ("v1", doc(deny("*", Sid="DenyWithoutMFA")), ago(900)),
    ("v2", doc(
        allow(["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"],
              "arn:aws:iam::*:user/${aws:username}", Sid="AllowManageOwnMFA"),
        {"Sid": "DenyAllExceptMFASetupWithoutMFA", "Effect": "Deny",
         "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"],
         "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
    ), ago(600)),
], description="Deny everything but MFA set-up until the caller signed in with MFA")

CLINICIAN_PHI = customer("ClinicianPHIRead", [
    ("v1", doc(allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::mercy-phi-records", "arn:aws:s3:::mercy-phi-records/*"])), ago(800)),
    ("v2", doc(
        allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::mercy-phi-records", "arn:aws:s3:::mercy-phi-records/*"],
              Condition={"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}),
        allow("kms:Decrypt", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    ), ago(300)),
], path="/clinical/")

# Violation 2: NotAction with Allow grants every other service.
RESEARCH = customer("ResearchAnalytics", [
    ("v1", doc({"Sid": "EverythingButIAM", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}), ago(500)),
], path="/research/")

DATA_ENG = customer("DataEngineeringPipelines", [
    ("v1", doc(
        allow(["s3:GetObject", "s3:PutObject", "s3:ListBucket"], ["arn:aws:s3:::mercy-phi-*", "arn:aws:s3:::mercy-phi-*/*"]),
        allow(["glue:*", "athena:*"]),
        # Violation 5: non-administrators can write the CloudTrail log bucket.
        allow(["s3:PutObject", "s3:DeleteObject"], f"arn:aws:s3:::{AUDIT_BUCKET}/*", Sid="ArchiveRewrite"),
    ), ago(400)),
])

# Violation 7: iam:PassRole on every role.
DEPLOY = customer("DeployPipeline", [
    ("v1", doc(allow(["cloudformation:*", "s3:*", "lambda:*"]), allow("iam:PassRole", "*", Sid="PassAnyRole")), ago(450)),
], path="/automation/")

BILLING = customer("BillingReadOnly", [("v1", doc(allow(["aws-portal:View*", "ce:Get*", "cur:Describe*"])), ago(700))])
SECOPS = customer("SecurityOperations", [
    ("v1", doc(allow(["guardduty:*", "securityhub:*", "cloudtrail:LookupEvents", "access-analyzer:*"])), ago(700)),
])
BOUNDARY = customer("DeveloperBoundary", [
    ("v1", doc(allow(["s3:*", "lambda:*", "logs:*", "dynamodb:*"]), deny(["iam:*", "organizations:*"]),
               deny("s3:*", ["arn:aws:s3:::mercy-phi-*", "arn:aws:s3:::mercy-phi-*/*"], Sid="NoPHI")), ago(650)),
], path="/boundaries/")
EXPORT = customer("PHIExport", [
    ("v1", doc(allow("s3:GetObject", "arn:aws:s3:::mercy-phi-claims-exports/*"), allow("s3:PutObject", "arn:aws:s3:::partner-claims-inbox/*")), ago(350)),
])
CT_TO_CW = customer("CloudTrailToCloudWatchLogs", [
    ("v1", doc(allow(["logs:CreateLogStream", "logs:PutLogEvents"], f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:mercy-cloudtrail:*")), ago(1000)),
], path="/service-role/")

APPS = ["patient-portal", "scheduling", "lab-results", "pharmacy", "billing-engine", "hl7-gateway",
        "fhir-api", "imaging-viewer", "telehealth", "claims-batch", "notifications", "analytics-etl",
        "audit-shipper", "backup-runner", "identity-sync", "reporting"]
app_policies = {}
for i, app in enumerate(APPS):
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{app}"
    v = [("v1", doc(allow(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], table),
                    allow(["logs:CreateLogStream", "logs:PutLogEvents"], f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/{app}:*")), ago(900 - i * 20))]
    if i % 3 == 0:
        v.append(("v2", doc(allow(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"], table),
                            allow(["logs:CreateLogStream", "logs:PutLogEvents"], f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/{app}:*"),
                            allow("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{app}-events")), ago(200 - i)))
    data = customer(f"{app}-data", v, path="/apps/")
    secrets = customer(f"{app}-secrets", [("v1", doc(allow("secretsmanager:GetSecretValue",
                                                          f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{app}/*")), ago(800 - i * 10))], path="/apps/")
    app_policies[app] = (data, secrets)

# A few policies that exist but are attached nowhere, as in real accounts.
for name in ["legacy-ftp-upload", "old-admin-helper", "temp-migration-2024", "vendor-trial", "qa-sandbox",
             "unused-kinesis-writer", "sagemaker-notebook-access", "athena-query-results", "glacier-restore",
             "ses-sender", "route53-dns-edit", "ecr-pull-only", "ecs-task-exec-extra"]:
    customer(name, [("v1", doc(allow(f"{name.split('-')[0]}:*" if name != "old-admin-helper" else "*")), ago(1200))])

# ---------------------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------------------

groups = {
    "Administrators": ([ADMIN], []),
    "Clinicians": ([CLINICIAN_PHI, FORCE_MFA], []),
    "DataEngineering": ([DATA_ENG, FORCE_MFA], []),
    "Developers": ([READONLY, FORCE_MFA], [("DevSandbox", doc(allow(["lambda:*", "logs:*"], f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:dev-*")))]),
    "Billing": ([BILLING, FORCE_MFA], []),
    "Security": ([AUDIT, SECOPS, FORCE_MFA], []),
    "Research": ([RESEARCH, FORCE_MFA], []),
    "ReadOnly": ([aws_policy("ViewOnlyAccess")], []),
}

# ---------------------------------------------------------------------------------------
# Users: name -> settings. Ages are days before NOW.
# ---------------------------------------------------------------------------------------

users = {}


# Violation 6: principals nobody owns, so nobody recertifies them (CERT-001). Every other
# user and role carries an `owner` tag naming the manager who approves its access.
NO_OWNER = {"contractor-admin", "intern-2025", "reporting-svc", "PartnerClaimsAccess"}


def owned(name, tags):
    tags = dict(tags or {})
    if name not in NO_OWNER:
        tags.setdefault("owner", "it-security@mercy.example" if "admin" in name.lower() else "manager@mercy.example")
    return tags


def user(name, groups_=(), created=700, console=True, mfa=True, last_login=2, keys=(), policies_=(), inline=(),
         boundary=None, tags=None, path="/"):
    users[name] = dict(groups=list(groups_), created=created, console=console, mfa=mfa, last_login=last_login,
                       keys=list(keys), policies=list(policies_), inline=list(inline), boundary=boundary,
                       tags=owned(name, tags), path=path)


# Violation 1: five administrators, all IAM users; violation 3: one without MFA.
user("it-admin", ["Administrators"], created=1500, last_login=1, tags={"team": "platform"})
user("ops-admin-raj", ["Administrators"], created=1100, last_login=3, tags={"team": "platform"})
user("cloud-admin-mei", ["Administrators"], created=900, last_login=6, tags={"team": "platform"})
user("backup-admin-tom", ["Administrators"], created=800, mfa=False, last_login=12, tags={"team": "infrastructure"})
user("contractor-admin", [], created=400, last_login=20, policies_=[ADMIN], tags={"team": "vendor", "contract-end": "2026-06-30"})

clinicians = ["dr-lee", "dr-patel", "dr-garcia", "dr-nguyen", "dr-cohen", "nurse-ana", "nurse-bo", "nurse-chen",
              "nurse-dubois", "pa-evans", "pa-fischer", "rn-gomez"]
for i, name in enumerate(clinicians):
    # Violation 3: two console users without MFA.
    user(name, ["Clinicians"], created=600 - i * 15, mfa=name not in ("nurse-bo", "pa-fischer"), last_login=1 + i % 7,
         tags={"department": "clinical"})
# Violation 6: users inactive for a long time.
user("dr-okafor", ["Clinicians"], created=1000, last_login=245, tags={"department": "clinical"})
user("nurse-harris", ["Clinicians"], created=950, last_login=190, tags={"department": "clinical"})
user("intern-2025", ["ReadOnly"], created=480, last_login=None, mfa=False, tags={"department": "it"})

user("de-kowalski", ["DataEngineering"], created=700, last_login=2)
user("de-santos", ["DataEngineering"], created=520, last_login=4)
user("de-ito", ["DataEngineering"], created=300, last_login=1)
# Violation 2: a developer with an inline *:* policy.
user("dev-sam", ["Developers"], created=640, last_login=1, boundary=BOUNDARY,
     inline=[("break-fix", doc(allow("*", "*", Sid="TemporaryBreakFix")))])
for i, name in enumerate(["dev-alex", "dev-bianca", "dev-chidi", "dev-dana", "dev-emre"]):
    user(name, ["Developers"], created=500 - i * 30, last_login=1 + i, boundary=BOUNDARY)
user("billing-fran", ["Billing"], created=1200, last_login=9)
user("billing-greg", ["Billing"], created=700, last_login=30)
user("secops-ana", ["Security"], created=900, last_login=1)
user("secops-li", ["Security"], created=260, last_login=2)
user("researcher-kim", ["Research"], created=420, last_login=5)
user("researcher-lopez", ["Research"], created=380, last_login=8)

# Programmatic users (no console password).
# Violation 4: a key older than 90 days in daily use.
user("etl-svc", [], created=1300, console=False, mfa=False, last_login=None,
     keys=[dict(active=True, created=410, used=0.5, service="s3")], policies_=[DATA_ENG])
# Violation 4: two active keys, the old one never retired after the new one came.
user("reporting-svc", [], created=1000, console=False, mfa=False, last_login=None,
     keys=[dict(active=True, created=460, used=1, service="dynamodb"), dict(active=True, created=190, used=0.2, service="dynamodb")],
     policies_=[app_policies["reporting"][0]])
# Violation 4: an active key that was never used.
user("backup-svc", [], created=700, console=False, mfa=False, last_login=None,
     keys=[dict(active=True, created=200, used=None, service=None)], policies_=[app_policies["backup-runner"][0]])
user("legacy-ftp", [], created=2100, console=False, mfa=False, last_login=None,
     keys=[dict(active=False, created=1500, used=700, service="s3")])
# Violation 7: a deployment user that can pass any role.
user("deploy-bot", [], created=600, console=False, mfa=False, last_login=None, path="/automation/",
     keys=[dict(active=True, created=75, used=0.1, service="cloudformation")], policies_=[DEPLOY])
user("hl7-gateway-svc", [], created=300, console=False, mfa=False, last_login=None,
     keys=[dict(active=True, created=60, used=0.3, service="sqs")], policies_=list(app_policies["hl7-gateway"]))

# ---------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------

roles = {}


def trust(principal, condition=None, action="sts:AssumeRole"):
    s = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        s["Condition"] = condition
    return doc(s)


def role(name, trust_doc, policies_=(), inline=(), path="/", last_used=3, profile=False, boundary=None, tags=None,
         description=None):
    roles[name] = dict(trust=trust_doc, policies=list(policies_), inline=list(inline), path=path, last_used=last_used,
                       profile=profile, boundary=boundary, tags=owned(name, tags), description=description)


ACCOUNT_ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/MercyOkta"
OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
SAML_TRUST = trust({"Federated": SAML}, {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}, "sts:AssumeRoleWithSAML")

role("BreakGlassAdmin", trust(ACCOUNT_ROOT, MFA), [ADMIN], last_used=120, tags={"purpose": "break-glass"})
role("Clinician", SAML_TRUST, [CLINICIAN_PHI], last_used=0)
role("DataEngineer", SAML_TRUST, [DATA_ENG], last_used=1)
role("ReadOnlyAuditor", SAML_TRUST, [READONLY, AUDIT], last_used=14)
role("SAML-Administrator", SAML_TRUST, [ADMIN], last_used=2)
role("PHIExportRole", trust(ACCOUNT_ROOT), [EXPORT], last_used=1)
# Violation 2: a partner account may assume this role without an ExternalId.
role("PartnerClaimsAccess", trust({"AWS": f"arn:aws:iam::{PARTNER}:role/ClaimsProcessor"}),
     inline=[("claims-read", doc(allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::mercy-phi-claims-exports", "arn:aws:s3:::mercy-phi-claims-exports/*"])))],
     last_used=0, tags={"partner": "claims-clearinghouse"})
role("VendorSupportRole", trust({"AWS": f"arn:aws:iam::{VENDOR}:root"}, {"StringEquals": {"sts:ExternalId": "mercy-7f3c9a"}}),
     [aws_policy("ViewOnlyAccess")], last_used=40)
# Violation 7: CloudFormation service role with administrator rights.
role("CloudFormationServiceRole", trust({"Service": "cloudformation.amazonaws.com"}), [ADMIN], last_used=1,
     description="Used by every CloudFormation stack")
role("GitHubActionsDeploy", trust({"Federated": OIDC}, {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:mercy-health/*:ref:refs/heads/main"}},
                                  "sts:AssumeRoleWithWebIdentity"), [DEPLOY], last_used=0)
role("CloudTrailToCloudWatch", trust({"Service": "cloudtrail.amazonaws.com"}), [CT_TO_CW], path="/service-role/", last_used=0)
role("ConfigRecorderRole", trust({"Service": "config.amazonaws.com"}), [CONFIG_ROLE], path="/service-role/", last_used=0)
role("patient-portal-web", trust({"Service": "ec2.amazonaws.com"}), list(app_policies["patient-portal"]), profile=True, last_used=0)
role("imaging-viewer-web", trust({"Service": "ec2.amazonaws.com"}), list(app_policies["imaging-viewer"]), profile=True, last_used=0,
     boundary=BOUNDARY)
for app in ["scheduling", "lab-results", "pharmacy", "fhir-api", "telehealth", "notifications"]:
    role(f"{app}-lambda", trust({"Service": "lambda.amazonaws.com"}), [LAMBDA_BASIC, *app_policies[app]], last_used=RNG.randint(0, 5))
role("claims-batch-lambda", trust({"Service": "lambda.amazonaws.com"}), [LAMBDA_BASIC], last_used=None,
     inline=[("claims", doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::mercy-phi-claims-exports/*")))])
for svc, name in [("support.amazonaws.com", "AWSServiceRoleForSupport"),
                  ("trustedadvisor.amazonaws.com", "AWSServiceRoleForTrustedAdvisor"),
                  ("organizations.amazonaws.com", "AWSServiceRoleForOrganizations"),
                  ("elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing")]:
    role(name, trust({"Service": svc}), [], path=f"/aws-service-role/{svc}/", last_used=10)

# ---------------------------------------------------------------------------------------
# get-account-authorization-details, in two pages appended to one file
# ---------------------------------------------------------------------------------------

attach_counts = {a: 0 for a in policies}
boundary_counts = {a: 0 for a in policies}


def attached(arns):
    out = []
    for a in arns:
        attach_counts[a] += 1
        out.append({"PolicyName": policies[a][0], "PolicyArn": a})
    return out


def boundary_of(a):
    if not a:
        return {}
    boundary_counts[a] += 1
    return {"PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": a}}


def tags_of(d):
    return [{"Key": k, "Value": v} for k, v in sorted(d.items())]


user_details = []
for name, u in users.items():
    d = {"Path": u["path"], "UserName": name, "UserId": uid("AIDA"), "Arn": arn("user", name, u["path"]),
         "CreateDate": cli_time(ago(u["created"])),
         "UserPolicyList": [{"PolicyName": n, "PolicyDocument": encoded_or_plain(p)} for n, p in u["inline"]],
         "GroupList": u["groups"], "AttachedManagedPolicies": attached(u["policies"]), "Tags": tags_of(u["tags"])}
    d.update(boundary_of(u["boundary"]))
    user_details.append(d)

group_details = []
for name, (managed, inline) in groups.items():
    group_details.append({"Path": "/", "GroupName": name, "GroupId": uid("AGPA"), "Arn": arn("group", name),
                          "CreateDate": cli_time(ago(1400)),
                          "GroupPolicyList": [{"PolicyName": n, "PolicyDocument": encoded_or_plain(p)} for n, p in inline],
                          "AttachedManagedPolicies": attached(managed)})

role_details = []
for name, r in roles.items():
    rarn = arn("role", name, r["path"])
    d = {"Path": r["path"], "RoleName": name, "RoleId": uid("AROA"), "Arn": rarn, "CreateDate": cli_time(ago(RNG.randint(200, 1400))),
         "AssumeRolePolicyDocument": encoded_or_plain(r["trust"]),
         "InstanceProfileList": [], "RolePolicyList": [{"PolicyName": n, "PolicyDocument": encoded_or_plain(p)} for n, p in r["inline"]],
         "AttachedManagedPolicies": attached(r["policies"]), "Tags": tags_of(r["tags"]),
         "RoleLastUsed": {} if r["last_used"] is None else {"LastUsedDate": cli_time(ago(r["last_used"], 3)), "Region": REGION}}
    if r["description"]:
        d["Description"] = r["description"]
    if r["profile"]:
        d["InstanceProfileList"] = [{"Path": "/", "InstanceProfileName": name, "InstanceProfileId": uid("AIPA"),
                                     "Arn": arn("instance-profile", name), "CreateDate": cli_time(ago(500)), "Roles": []}]
    d.update(boundary_of(r["boundary"]))
    role_details.append(d)

policy_details = []
for a, (name, path, versions, description) in policies.items():
    if a.startswith("arn:aws:iam::aws:") and attach_counts[a] == 0:
        continue  # the API lists AWS managed policies only when they are in use
    default = versions[-1][0]
    p = {"PolicyName": name, "PolicyId": uid("ANPA"), "Arn": a, "Path": path, "DefaultVersionId": default,
         "AttachmentCount": attach_counts[a], "PermissionsBoundaryUsageCount": boundary_counts[a], "IsAttachable": True,
         "CreateDate": cli_time(versions[0][2]), "UpdateDate": cli_time(versions[-1][2]),
         "PolicyVersionList": [{"Document": encoded_or_plain(d), "VersionId": v, "IsDefaultVersion": v == default,
                                "CreateDate": cli_time(c)} for v, d, c in reversed(versions)]}
    if description:
        p["Description"] = description
    policy_details.append(p)

half_u, half_r, half_p = len(user_details) // 2, len(role_details) // 2, len(policy_details) // 2
page1 = {"UserDetailList": user_details[:half_u], "GroupDetailList": group_details, "RoleDetailList": role_details[:half_r],
         "Policies": policy_details[:half_p], "IsTruncated": True, "Marker": "AAEAAWd1aWRlLXBhZ2UtMg=="}
page2 = {"UserDetailList": user_details[half_u:], "GroupDetailList": [], "RoleDetailList": role_details[half_r:],
         "Policies": policy_details[half_p:], "IsTruncated": False}

# ---------------------------------------------------------------------------------------
# Credential report
# ---------------------------------------------------------------------------------------

COLUMNS = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
           "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,"
           "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
           "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,"
           "cert_2_last_rotated")


def key_cells(k):
    if not k:
        return ["false", "N/A", "N/A", "N/A", "N/A"]
    used = k["used"]
    return ["true" if k["active"] else "false", cli_time(ago(k["created"])),
            "N/A" if used is None else cli_time(ago(used)), "N/A" if used is None else REGION,
            "N/A" if used is None else k["service"]]


# Violation 1: the root user signed in two days ago and has an active access key.
rows = [["<root_account>", f"arn:aws:iam::{ACCOUNT}:root", cli_time(ago(2400)), "not_supported", cli_time(ago(2, 5)),
         "not_supported", "not_supported", "true",
         "true", cli_time(ago(1900)), cli_time(ago(33)), REGION, "s3", "false", "N/A", "N/A", "N/A", "N/A",
         "false", "N/A", "false", "N/A"]]
for name, u in users.items():
    keys = u["keys"] + [None, None]
    if u["console"]:
        login = "no_information" if u["last_login"] is None else cli_time(ago(u["last_login"], 4))
        pw = ["true", login, cli_time(ago(min(u["created"], 200))), "N/A"]
    else:
        pw = ["false", "N/A", "N/A", "N/A"]
    rows.append([name, arn("user", name, u["path"]), cli_time(ago(u["created"])), *pw, "true" if u["mfa"] else "false",
                 *key_cells(keys[0]), *key_cells(keys[1]), "false", "N/A", "false", "N/A"])
report_csv = COLUMNS + "\n" + "\n".join(",".join(r) for r in rows) + "\n"

# ---------------------------------------------------------------------------------------
# Buckets
# ---------------------------------------------------------------------------------------

TLS_DENY = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def bucket_resources(b):
    return [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"]


def with_resource(s, b):
    s = dict(s)
    s["Resource"] = bucket_resources(b)
    return s


buckets = {
    "mercy-phi-records": dict(tags={"data-classification": "phi", "owner": "clinical"}, policy=doc(
        with_resource(TLS_DENY, "mercy-phi-records"),
        {"Sid": "DenyOutsideHospitalNetwork", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": bucket_resources("mercy-phi-records"),
         "Condition": {"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}, "StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}}},
    ), versioning={"Status": "Enabled", "MFADelete": "Enabled"}, logging=True, kms="1234abcd-12ab-34cd-56ef-1234567890ab", lock=True),
    # Violation 2: a PHI bucket whose policy has neither the TLS deny nor a network restriction.
    "mercy-phi-imaging": dict(tags={"data-classification": "phi", "owner": "radiology"}, policy=doc(
        {"Sid": "ViewerRead", "Effect": "Allow", "Principal": {"AWS": arn("role", "imaging-viewer-web")}, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::mercy-phi-imaging/*"},
    ), versioning={"Status": "Enabled", "MFADelete": "Disabled"}, logging=True, kms=None),
    # Violation 2: a PHI bucket with no policy at all.
    "mercy-phi-claims-exports": dict(tags={"data-classification": "phi", "owner": "billing"}, policy=None,
                                     versioning={"Status": "Suspended", "MFADelete": "Disabled"}, logging=False, kms=None),
    # Violation 2: a PHI bucket another account (a university research partner, no business
    # associate agreement on file) can read directly, with the TLS deny but no network limit.
    "mercy-research": dict(tags={"data-classification": "phi", "owner": "research", "deidentified": "partial"}, policy=doc(
        with_resource(TLS_DENY, "mercy-research"),
        {"Sid": "UniversityPartnerRead", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::888899990000:root"},
         "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::mercy-research", "arn:aws:s3:::mercy-research/*"]},
    ), versioning={}, logging=False, kms=None),
    AUDIT_BUCKET: dict(tags={"data-classification": "audit", "owner": "security"}, policy=doc(
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{AUDIT_BUCKET}"},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{AUDIT_BUCKET}/AWSLogs/{ACCOUNT}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
        with_resource(TLS_DENY, AUDIT_BUCKET),
    ), versioning={"Status": "Enabled", "MFADelete": "Disabled"}, logging=True, kms="0987dcba-09fe-87dc-65ba-ab0987654321"),
    "mercy-config-logs": dict(tags={"data-classification": "audit"}, policy=doc(
        {"Sid": "AWSConfigWrite", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::mercy-config-logs/AWSLogs/{ACCOUNT}/Config/*"}), versioning={"Status": "Enabled"}, logging=False, kms=None),
    "mercy-access-logs": dict(tags={"data-classification": "internal"}, policy=None, versioning={}, logging=False, kms=None),
    "mercy-web-assets": dict(tags={"data-classification": "public"}, policy=doc(
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::mercy-web-assets/*"}),
        versioning={}, logging=False, kms=None, public=True),
    "mercy-terraform-state": dict(tags=None, policy=None, versioning={"Status": "Enabled"}, logging=False, kms=None),
}

# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def main():
    global OUT
    if len(sys.argv) == 3 and sys.argv[1] == "--out":
        OUT = os.path.abspath(sys.argv[2])
        os.makedirs(OUT, exist_ok=True)
    for entry in os.listdir(OUT):
        if entry in KEEP:
            continue
        p = os.path.join(OUT, entry)
        shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)

    write("phiward-export.json", {"exported_at": "2026-11-01T00:00:00Z", "tool": "examples/demo-account/generate.py"})
    write("sts/get-caller-identity.json", {"UserId": "AIDAEXAMPLEAUDITOR01", "Account": ACCOUNT, "Arn": arn("user", "secops-ana")})
    write("iam/list-account-aliases.json", {"AccountAliases": ["mercy-health-prod"]})
    path = os.path.join(OUT, "iam/get-account-authorization-details.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(page1, indent=4) + "\n" + json.dumps(page2, indent=4) + "\n")
    write("iam/credential-report.csv", report_csv, text=True)
    # Violation 3: a weak password policy.
    write("iam/get-account-password-policy.json", {"PasswordPolicy": {
        "MinimumPasswordLength": 8, "RequireSymbols": False, "RequireNumbers": True, "RequireUppercaseCharacters": False,
        "RequireLowercaseCharacters": True, "AllowUsersToChangePassword": True, "ExpirePasswords": False, "HardExpiry": False}})
    write("iam/get-account-summary.json", {"SummaryMap": {
        "AccountMFAEnabled": 0, "AccountAccessKeysPresent": 1, "AccountSigningCertificatesPresent": 0,
        "Users": len(users), "Groups": len(groups), "Roles": len(roles), "Policies": sum(1 for a in policies if not a.startswith("arn:aws:iam::aws:")),
        "UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500, "MFADevices": sum(u["mfa"] for u in users.values()),
        "MFADevicesInUse": sum(u["mfa"] for u in users.values()), "Providers": 2, "InstanceProfiles": 2}})
    write("iam/list-saml-providers.json", {"SAMLProviderList": [{"Arn": SAML, "ValidUntil": "2027-08-14T00:00:00Z", "CreateDate": z_time(ago(1100))}]})
    write("iam/list-open-id-connect-providers.json", {"OpenIDConnectProviderList": [{"Arn": OIDC}]})

    write("organizations/describe-organization.json", {"Organization": {
        "Id": "o-a1b2c3d4e5", "Arn": "arn:aws:organizations::999900001111:organization/o-a1b2c3d4e5", "FeatureSet": "ALL",
        "MasterAccountArn": "arn:aws:organizations::999900001111:account/o-a1b2c3d4e5/999900001111",
        "MasterAccountId": "999900001111", "MasterAccountEmail": "aws-root@mercy.example"}})
    # One `list-parents` page per level, nearest first.
    path = os.path.join(OUT, "organizations/list-parents.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"Parents": [{"Id": "ou-a1b2-phiwork", "Type": "ORGANIZATIONAL_UNIT"}]}) + "\n")
        f.write(json.dumps({"Parents": [{"Id": "ou-a1b2-workload", "Type": "ORGANIZATIONAL_UNIT"}]}) + "\n")
        f.write(json.dumps({"Parents": [{"Id": "r-a1b2", "Type": "ROOT"}]}) + "\n")
    # As in a real organization, FullAWSAccess stays attached at every level (root, each
    # OU, the account): a level whose only SCP is a deny list would allow nothing.
    every_level = ["r-a1b2", "ou-a1b2-workload", "ou-a1b2-phiwork", ACCOUNT]
    scps = [("p-FullAWSAccess", "FullAWSAccess", True, doc(allow("*")), every_level),
            ("p-denyleave1", "DenyLeaveOrganization", False, doc(deny("organizations:LeaveOrganization")), ["r-a1b2"]),
            ("p-regions01", "AllowedRegions", False, doc({"Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*", "support:*"],
                                                          "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}}), ["ou-a1b2-phiwork"])]
    rcps = [("p-RCPFullAWSAccess", "RCPFullAWSAccess", True, doc({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}), every_level)]
    for kind, typ, items in [("scp", "SERVICE_CONTROL_POLICY", scps), ("rcp", "RESOURCE_CONTROL_POLICY", rcps)]:
        summaries = []
        for pid, name, managed, content, targets in items:
            s = {"Id": pid, "Arn": f"arn:aws:organizations::999900001111:policy/o-a1b2c3d4e5/{typ.lower()}/{pid}", "Name": name,
                 "Description": name, "Type": typ, "AwsManaged": managed}
            summaries.append(s)
            write(f"organizations/policies/{pid}/describe-policy.json", {"Policy": {"PolicySummary": s, "Content": json.dumps(content, indent=4)}})
            write(f"organizations/policies/{pid}/list-targets-for-policy.json",
                  {"Targets": [{"TargetId": t, "Arn": f"arn:aws:organizations::999900001111:target/{t}", "Name": t,
                                "Type": "ROOT" if t.startswith("r-") else "ORGANIZATIONAL_UNIT" if t.startswith("ou-") else "ACCOUNT"}
                               for t in targets]})
        write(f"organizations/list-policies-{kind}.json", {"Policies": summaries})

    trail_arn = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/mercy-main-trail"
    data_arn = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/mercy-phi-data-events"
    # Violation 5: the main trail has log file validation off.
    write("cloudtrail/describe-trails.json", {"trailList": [
        {"Name": "mercy-main-trail", "S3BucketName": AUDIT_BUCKET, "SnsTopicName": "cloudtrail-deliveries",
         "SnsTopicARN": f"arn:aws:sns:{REGION}:{ACCOUNT}:cloudtrail-deliveries", "IncludeGlobalServiceEvents": True,
         "IsMultiRegionTrail": True, "HomeRegion": REGION, "TrailARN": trail_arn, "LogFileValidationEnabled": False,
         "CloudWatchLogsLogGroupArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:mercy-cloudtrail:*",
         "CloudWatchLogsRoleArn": arn("role", "CloudTrailToCloudWatch", "/service-role/"),
         "KmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321",
         "HasCustomEventSelectors": False, "HasInsightSelectors": False, "IsOrganizationTrail": False},
        {"Name": "mercy-phi-data-events", "S3BucketName": AUDIT_BUCKET, "S3KeyPrefix": "data-events", "IncludeGlobalServiceEvents": False,
         "IsMultiRegionTrail": False, "HomeRegion": REGION, "TrailARN": data_arn, "LogFileValidationEnabled": True,
         "HasCustomEventSelectors": True, "HasInsightSelectors": False, "IsOrganizationTrail": False}]})
    write("cloudtrail/trails/mercy-main-trail/get-trail-status.json", {
        "IsLogging": True, "LatestDeliveryTime": z_time(ago(0, 1)), "StartLoggingTime": cli_time(ago(1400)),
        "LatestCloudWatchLogsDeliveryTime": z_time(ago(0, 1)), "LatestDigestDeliveryTime": None, "TimeLoggingStarted": z_time(ago(1400))})
    write("cloudtrail/trails/mercy-main-trail/get-event-selectors.json", {"TrailARN": trail_arn, "EventSelectors": [
        {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [], "ExcludeManagementEventSources": []}]})
    write("cloudtrail/trails/mercy-phi-data-events/get-trail-status.json", {
        "IsLogging": True, "LatestDeliveryTime": int(ago(0, 2).timestamp()), "StartLoggingTime": int(ago(300).timestamp())})
    write("cloudtrail/trails/mercy-phi-data-events/get-event-selectors.json", {"TrailARN": data_arn, "AdvancedEventSelectors": [
        {"Name": "PHI object access", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "resources.ARN", "StartsWith": [f"arn:aws:s3:::{b}/" for b in PHI_BUCKETS]}]}]})

    write("s3/list-buckets.json", {"Buckets": [{"Name": b, "CreationDate": cli_time(ago(1500 - i * 100)), "BucketRegion": REGION} for i, b in enumerate(buckets)],
                                   "Owner": {"DisplayName": "mercy-aws", "ID": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}})
    owner = {"DisplayName": "mercy-aws", "ID": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}
    for b, s in buckets.items():
        d = f"s3/buckets/{b}"
        if s["policy"] is None:
            error(f"{d}/get-bucket-policy.error", "NoSuchBucketPolicy", "GetBucketPolicy", "The bucket policy does not exist")
        else:
            write(f"{d}/get-bucket-policy.json", {"Policy": json.dumps(s["policy"])})
        if s["tags"]:
            write(f"{d}/get-bucket-tagging.json", {"TagSet": tags_of(s["tags"])})
        else:
            error(f"{d}/get-bucket-tagging.error", "NoSuchTagSet", "GetBucketTagging", "The TagSet does not exist")
        if s.get("public"):
            write(f"{d}/get-public-access-block.json", {"PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}})
        else:
            write(f"{d}/get-public-access-block.json", {"PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}})
        # A bucket that never had versioning prints nothing.
        write(f"{d}/get-bucket-versioning.json", json.dumps(s["versioning"], indent=4) + "\n" if s["versioning"] else "", text=True)
        write(f"{d}/get-bucket-logging.json", {"LoggingEnabled": {"TargetBucket": "mercy-access-logs", "TargetPrefix": f"{b}/"}}
              if s["logging"] else "", text=not s["logging"])
        grants = [{"Grantee": dict(owner, Type="CanonicalUser"), "Permission": "FULL_CONTROL"}]
        if b == "mercy-access-logs":
            grants.append({"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"}, "Permission": "WRITE"})
        write(f"{d}/get-bucket-acl.json", {"Owner": owner, "Grants": grants})
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{s['kms']}"},
                "BucketKeyEnabled": True} if s["kms"] else {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}
        write(f"{d}/get-bucket-encryption.json", {"ServerSideEncryptionConfiguration": {"Rules": [rule]}})
        if b in (AUDIT_BUCKET, "mercy-phi-records"):
            write(f"{d}/get-bucket-lifecycle-configuration.json", {"Rules": [
                {"ID": "retain-6-years", "Filter": {"Prefix": ""}, "Status": "Enabled",
                 "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}], "Expiration": {"Days": 2190}}]})
        else:
            error(f"{d}/get-bucket-lifecycle-configuration.error", "NoSuchLifecycleConfiguration", "GetBucketLifecycleConfiguration",
                  "The lifecycle configuration does not exist")
        if s.get("lock"):
            write(f"{d}/get-object-lock-configuration.json", {"ObjectLockConfiguration": {
                "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Years": 6}}}})
        else:
            error(f"{d}/get-object-lock-configuration.error", "ObjectLockConfigurationNotFoundError", "GetObjectLockConfiguration",
                  "Object Lock configuration does not exist for this bucket")
    write("s3control/get-public-access-block.json", {"PublicAccessBlockConfiguration": {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}})

    keys = {"1234abcd-12ab-34cd-56ef-1234567890ab": ("PHI records", [arn("role", "Clinician"), arn("role", "DataEngineer")]),
            "0987dcba-09fe-87dc-65ba-ab0987654321": ("CloudTrail logs", [arn("role", "ReadOnlyAuditor")]),
            "5555eeee-66ff-77aa-88bb-99cc00dd11ee": ("Secrets", [])}
    write("kms/list-keys.json", {"Keys": [{"KeyId": k, "KeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{k}"} for k in keys]})
    for k, (desc, users_) in keys.items():
        stmts = [{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                  "Action": "kms:*", "Resource": "*"}]
        if users_:
            stmts.append({"Sid": "Allow use of the key", "Effect": "Allow", "Principal": {"AWS": users_},
                          "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*"})
        if desc == "CloudTrail logs":
            stmts.append({"Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                          "Action": "kms:GenerateDataKey*", "Resource": "*",
                          "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"}}})
        write(f"kms/keys/{k}/get-key-policy.json", {"Policy": json.dumps(doc(*stmts), indent=4), "PolicyName": "default"})
        write(f"kms/keys/{k}/describe-key.json", {"KeyMetadata": {"AWSAccountId": ACCOUNT, "KeyId": k,
              "Arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{k}", "CreationDate": cli_time(ago(1000)), "Enabled": True,
              "Description": desc, "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled", "Origin": "AWS_KMS", "KeyManager": "CUSTOMER"}})
        grants = []
        if desc == "PHI records":
            grants.append({"KeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{k}", "GrantId": "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
                           "Name": "claims-batch", "CreationDate": cli_time(ago(100)), "GranteePrincipal": arn("role", "claims-batch-lambda"),
                           "IssuingAccount": f"arn:aws:iam::{ACCOUNT}:root", "Operations": ["Decrypt", "GenerateDataKey"]})
        write(f"kms/keys/{k}/list-grants.json", {"Grants": grants, "Truncated": False})

    write("secretsmanager/list-secrets.json", {"SecretList": [
        {"ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:fhir-api/db-AbCdEf", "Name": "fhir-api/db",
         "KmsKeyId": "5555eeee-66ff-77aa-88bb-99cc00dd11ee", "RotationEnabled": True,
         "RotationLambdaARN": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:rotate-rds", "RotationRules": {"AutomaticallyAfterDays": 30},
         "LastRotatedDate": cli_time(ago(12)), "LastChangedDate": cli_time(ago(12)), "LastAccessedDate": cli_time(ago(0)),
         "Tags": [{"Key": "data-classification", "Value": "phi"}]},
        {"ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:hl7-gateway/partner-api-key-GhIjKl", "Name": "hl7-gateway/partner-api-key",
         "LastChangedDate": cli_time(ago(700)), "LastAccessedDate": cli_time(ago(1)), "Tags": []}]})

    # Violation 5: Config records two resource types only, and no global resources.
    write("configservice/describe-configuration-recorders.json", {"ConfigurationRecorders": [
        {"name": "default", "roleARN": arn("role", "ConfigRecorderRole", "/service-role/"),
         "recordingGroup": {"allSupported": False, "includeGlobalResourceTypes": False,
                            "resourceTypes": ["AWS::S3::Bucket", "AWS::EC2::Instance"]}}]})
    write("configservice/describe-configuration-recorder-status.json", {"ConfigurationRecordersStatus": [
        {"name": "default", "lastStartTime": cli_time(ago(600)), "recording": True, "lastStatus": "SUCCESS"}]})
    write("configservice/describe-delivery-channels.json", {"DeliveryChannels": [
        {"name": "default", "s3BucketName": "mercy-config-logs", "configSnapshotDeliveryProperties": {"deliveryFrequency": "TwentyFour_Hours"}}]})

    # Violation 5: no metric filter or alarm for StopLogging / trail changes.
    filters = [("RootAccountUsage", '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'),
               ("UnauthorizedAPICalls", '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'),
               ("ConsoleSigninWithoutMFA", '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'),
               ("IAMPolicyChanges", '{ ($.eventName = DeleteGroupPolicy) || ($.eventName = PutUserPolicy) || ($.eventName = AttachRolePolicy) }')]
    write("logs/describe-metric-filters.json", {"metricFilters": [
        {"filterName": n, "filterPattern": p, "metricTransformations": [{"metricName": n, "metricNamespace": "CISBenchmark", "metricValue": "1"}],
         "creationTime": int(ago(800 - i).timestamp() * 1000), "logGroupName": "mercy-cloudtrail"} for i, (n, p) in enumerate(filters)]})
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:security-alerts"
    alarms = [{"AlarmName": f"cis-{n}", "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:cis-{n}", "ActionsEnabled": True,
               "OKActions": [], "AlarmActions": [topic], "InsufficientDataActions": [], "StateValue": "OK", "MetricName": n,
               "Namespace": "CISBenchmark", "Statistic": "Sum", "Dimensions": [], "Period": 300, "EvaluationPeriods": 1,
               "Threshold": 1.0, "ComparisonOperator": "GreaterThanOrEqualToThreshold"} for n, _ in filters]
    # Paged output appended to one file: two pages joined by NextToken.
    path = os.path.join(OUT, "cloudwatch/describe-alarms.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"MetricAlarms": alarms[:2], "CompositeAlarms": [], "NextToken": "page-2"}, indent=4) + "\n")
        f.write(json.dumps({"MetricAlarms": alarms[2:], "CompositeAlarms": []}, indent=4) + "\n")
    write("sns/list-subscriptions.json", {"Subscriptions": [
        {"SubscriptionArn": f"{topic}:0c6f2c5e-1111-4d6e-9a57-3f1e2d3c4b5a", "Owner": ACCOUNT, "Protocol": "email",
         "Endpoint": "secops@mercy.example", "TopicArn": topic},
        {"SubscriptionArn": "PendingConfirmation", "Owner": ACCOUNT, "Protocol": "email", "Endpoint": "oncall@mercy.example", "TopicArn": topic},
        {"SubscriptionArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:cloudtrail-deliveries:9d9d9d9d-2222-4e4e-8f8f-123412341234", "Owner": ACCOUNT,
         "Protocol": "sqs", "Endpoint": f"arn:aws:sqs:{REGION}:{ACCOUNT}:siem-ingest", "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:cloudtrail-deliveries"}]})

    # Access Advisor for a few principals: broad grants, narrow use.
    services = {"s3": "Amazon S3", "athena": "Amazon Athena", "glue": "AWS Glue", "ec2": "Amazon EC2",
                "cloudformation": "AWS CloudFormation", "lambda": "AWS Lambda", "iam": "AWS Identity and Access Management",
                "kms": "AWS Key Management Service", "logs": "Amazon CloudWatch Logs", "dynamodb": "Amazon DynamoDB"}

    def advisor(rel, principal_arn, used):
        rows = []
        for ns, name in sorted(services.items()):
            row = {"ServiceName": name, "ServiceNamespace": ns, "TotalAuthenticatedEntities": 0}
            if ns in used:
                row.update({"LastAuthenticated": cli_time(ago(used[ns])), "LastAuthenticatedEntity": principal_arn,
                            "LastAuthenticatedRegion": REGION, "TotalAuthenticatedEntities": 1})
            rows.append(row)
        write(f"iam/access-advisor/{rel}.json", {"JobStatus": "COMPLETED", "JobType": "SERVICE_LEVEL",
              "JobCreationDate": z_time(ago(0, 2)), "JobCompletionDate": z_time(ago(0, 2)), "ServicesLastAccessed": rows, "IsTruncated": False})

    advisor("users/researcher-kim", arn("user", "researcher-kim"), {"s3": 5, "athena": 5})
    advisor("users/researcher-lopez", arn("user", "researcher-lopez"), {"s3": 8, "athena": 9, "glue": 40})
    advisor("users/contractor-admin", arn("user", "contractor-admin"), {"ec2": 20, "iam": 130})
    advisor("roles/CloudFormationServiceRole", arn("role", "CloudFormationServiceRole"),
            {"cloudformation": 1, "s3": 1, "lambda": 1, "iam": 3, "logs": 1})
    advisor("roles/BreakGlassAdmin", arn("role", "BreakGlassAdmin"), {"iam": 120, "kms": 120})
    # A job that had not finished when the export ran.
    write("iam/access-advisor/roles/DataEngineer.json", {"JobStatus": "IN_PROGRESS", "JobType": "SERVICE_LEVEL",
          "JobCreationDate": z_time(ago(0, 1))})

    print(f"{len(users)} users, {len(groups)} groups, {len(roles)} roles, {len(policy_details)} managed policies, {len(buckets)} buckets")


if __name__ == "__main__":
    main()
