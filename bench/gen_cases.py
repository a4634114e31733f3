#!/usr/bin/env python3
"""Authorization-case generator for phiward benchmarks and differential testing.

Case format: shared/spec/authorization-cases.md.

  python3 bench/gen_cases.py repeat IN.json N OUT.json
      The cases of IN repeated N times, ids made unique as id + "-r" + k (k = 0..N-1).
      (N=15 on the 200 public cases gives the 3,000-case timing set.)

  python3 bench/gen_cases.py random SEED COUNT OUT.json
      COUNT random cases, deterministic for SEED, in the spirit of the public cases:
      identity policies with Allow/Deny, Action/NotAction (exact, *, ?, case changes,
      near misses), Resource/NotResource globs, conditions over the context keys seen in
      the public cases with all 27 operators, ...IfExists, ForAllValues/ForAnyValue, policy
      variables (with defaults), resource policies with the Principal forms seen there
      (plus NotPrincipal), permission boundaries, SCP and RCP levels, session policies,
      same- and cross-account requests, user / assumed-role / federated-user principals.
      Random cases carry no "expected". Variety matters more than realism: policies are
      built by mutating the request's own action/resource so that decisions are mixed.

Only the Python standard library is used; the output does not depend on the Python
version's hash seed (random.Random with an int seed, no set iteration).
"""

import datetime
import json
import random
import sys

# ---------------------------------------------------------------------------
# Universe
# ---------------------------------------------------------------------------

HOME = "111122223333"
OTHER = "444455556666"
THIRD = "777788889999"
ACCOUNTS = [HOME, OTHER, THIRD]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
USERS = ["alice", "bob", "carol", "dave", "erin", "mallory"]
USER_PATHS = ["", "", "", "engineering/", "ops/team1/"]
ROLES = ["AppRole", "ReadOnly", "CIDeployer", "DataPipeline", "AdminRole", "OtherRole"]
SESSIONS = ["alice", "bob@example.com", "build-42", "i-0abc1234def567890", "session-1", "x", "carol"]
TEAMS = ["data", "web", "security", "platform", "shared"]
ENVS = ["dev", "staging", "prod"]
COSTCENTERS = ["1234", "5678", "9012"]
ORG_IDS = ["o-a1b2c3d4e5", "o-zz9988xx77"]
ORG_PATHS = [
    "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/",
    "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/",
    "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-33333333/",
    "o-zz9988xx77/r-zz99/",
]
VPCES = ["vpce-11112222aaaa", "vpce-99998888ffff"]
VPCS = ["vpc-0abc1234", "vpc-0def5678"]
CERTS = ["QmluYXJ5VmFsdWVJbkJhc2U2NA==", "c2VjcmV0LWJpbmFyeQ=="]
IPS = ["192.0.2.5", "192.0.2.30", "203.0.113.10", "203.0.113.5", "198.51.100.7",
       "198.51.100.200", "10.1.2.3", "172.20.0.9", "8.8.4.4",
       "2001:db8:abcd:12::beef", "2001:db8::1", "fd00::5"]
CIDRS = ["192.0.2.0/24", "203.0.113.0/24", "198.51.100.0/24", "10.0.0.0/8", "172.16.0.0/12",
         "0.0.0.0/0", "192.0.2.5/32", "8.8.4.0/22", "2001:db8::/32", "2001:db8:abcd:12::/64",
         "fd00::/8", "::/0", "203.0.113.10"]
SERVICE_PRINCIPALS = ["ec2.amazonaws.com", "lambda.amazonaws.com", "cloudtrail.amazonaws.com"]
CALLERS = ["athena.amazonaws.com", "cloudformation.amazonaws.com", "dynamodb.amazonaws.com",
           "kms.amazonaws.com"]

BUCKETS = ["home-bucket", "public-assets", "acme-reports", "example-data", "corp-logs"]
KMS_KEYS = ["1234abcd-12ab-34cd-56ef-1234567890ab", "0987dcba-09fe-87dc-65ba-ab0987654321"]


def hexid(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


# Resource families: actions (all need that resource type), and a maker for the ARN.
# (kind, actions, maker(rng, region, account, who) -> arn)
def _s3_key(rng, who):
    return rng.choice([f"home/{who}/data.json", f"home/{who}/notes.txt", f"teams/{rng.choice(TEAMS)}/plan.md",
                       "logs/2024/01/app.log", "public/index.html", "confidential/payroll.xlsx",
                       "report.csv", "teams/shared/readme.txt"])


FAMILIES = [
    ("s3object", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging",
                  "s3:PutObjectAcl", "s3:GetObjectVersion"],
     lambda rng, r, a, w: f"arn:aws:s3:::{rng.choice(BUCKETS)}/{_s3_key(rng, w)}"),
    ("s3bucket", ["s3:ListBucket", "s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucket"],
     lambda rng, r, a, w: f"arn:aws:s3:::{rng.choice(BUCKETS)}"),
    ("dynamodb", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem",
                  "dynamodb:Query", "dynamodb:DeleteTable"],
     lambda rng, r, a, w: f"arn:aws:dynamodb:{r}:{a}:table/" + rng.choice(
         ["Orders", "Users", "Sessions", "web-events", "data-events", "security-events"])),
    ("sqs", ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
     lambda rng, r, a, w: f"arn:aws:sqs:{r}:{a}:" + rng.choice(["orders-queue", "alerts", "dlq-orders"])),
    ("sns", ["sns:Publish"],
     lambda rng, r, a, w: f"arn:aws:sns:{r}:{a}:" + rng.choice(["ops", "alerts", "billing-events"])),
    ("ec2instance", ["ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances", "ec2:TerminateInstances"],
     lambda rng, r, a, w: f"arn:aws:ec2:{r}:{a}:instance/i-0{hexid(rng, 16)}"),
    ("ec2volume", ["ec2:DeleteVolume"],
     lambda rng, r, a, w: f"arn:aws:ec2:{r}:{a}:volume/vol-0{hexid(rng, 16)}"),
    ("iamuser", ["iam:GetUser", "iam:DeleteUser", "iam:CreateAccessKey"],
     lambda rng, r, a, w: f"arn:aws:iam::{a}:user/{rng.choice(USER_PATHS)}{rng.choice(USERS)}"),
    ("iamrole", ["iam:GetRole", "iam:TagRole", "iam:CreateRole", "iam:AttachRolePolicy"],
     lambda rng, r, a, w: f"arn:aws:iam::{a}:role/{rng.choice(ROLES)}"),
    ("iampolicy", ["iam:GetPolicy", "iam:CreatePolicy"],
     lambda rng, r, a, w: f"arn:aws:iam::{a}:policy/" + rng.choice(["Boundary", "DevOpsPolicy", "ReadOnlyAccess"])),
    ("kms", ["kms:ScheduleKeyDeletion", "kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"],
     lambda rng, r, a, w: f"arn:aws:kms:{r}:{a}:key/{rng.choice(KMS_KEYS)}"),
    ("lambda", ["lambda:InvokeFunction", "lambda:GetFunction"],
     lambda rng, r, a, w: f"arn:aws:lambda:{r}:{a}:function:" + rng.choice(
         ["order-handler", "resize-image", "nightly-report"])),
    ("logs", ["logs:PutLogEvents"],
     lambda rng, r, a, w: f"arn:aws:logs:{r}:{a}:log-group:" + rng.choice(["/app/web", "/app/api"])
     + ":log-stream:" + rng.choice(["i-0abc", "lambda-1"])),
    ("secret", ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
     lambda rng, r, a, w: f"arn:aws:secretsmanager:{r}:{a}:secret:"
     + rng.choice(["prod/db/password", "dev/api-key", "shared/token"]) + "-" + hexid(rng, 6)),
    ("cloudtrail", ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"],
     lambda rng, r, a, w: f"arn:aws:cloudtrail:{r}:{a}:trail/" + rng.choice(["org-trail", "audit", "main-trail"])),
    ("assumerole", ["sts:AssumeRole"],
     lambda rng, r, a, w: f"arn:aws:iam::{a}:role/{rng.choice(ROLES)}"),
]
WILDCARD_ONLY = ["ec2:DescribeInstances", "s3:ListAllMyBuckets", "dynamodb:ListTables", "iam:ListRoles",
                 "iam:ListUsers", "cloudtrail:LookupEvents", "cloudtrail:DescribeTrails"]
ALL_ACTIONS = sorted({a for _, acts, _ in FAMILIES for a in acts} | set(WILDCARD_ONLY))
DECOY_ACTIONS = ["iam:PutRolePolicy", "iam:CreateUser", "ec2:CreateVolume", "s3:PutLifecycleConfiguration",
                 "organizations:LeaveOrganization", "sts:GetSessionToken", "kms:CreateKey",
                 "dynamodb:CreateTable", "lambda:CreateFunction"]

# Context keys by type (names as in the public cases).
STRING_KEYS = ["aws:PrincipalTag/team", "aws:PrincipalTag/env", "aws:PrincipalTag/costcenter", "aws:username",
               "aws:userid", "aws:RequestedRegion", "aws:PrincipalOrgID", "aws:SourceVpce", "aws:SourceVpc",
               "aws:ResourceTag/env", "aws:ResourceTag/team", "aws:ResourceTag/owner", "aws:RequestTag/env",
               "aws:RequestTag/team", "aws:PrincipalType", "aws:ResourceAccount", "aws:PrincipalAccount",
               "aws:CalledViaFirst", "aws:CalledViaLast", "aws:PrincipalTag/project"]
ARN_KEYS = ["aws:PrincipalArn", "aws:SourceArn"]
NUMERIC_KEYS = ["aws:MultiFactorAuthAge", "aws:EpochTime", "aws:PrincipalTag/costcenter"]
DATE_KEYS = ["aws:CurrentTime", "aws:EpochTime", "aws:TokenIssueTime"]
BOOL_KEYS = ["aws:SecureTransport", "aws:MultiFactorAuthPresent", "aws:ViaAWSService"]
BINARY_KEYS = ["aws:PrincipalTag/certhash"]
IP_KEYS = ["aws:SourceIp"]
MULTI_KEYS = ["aws:PrincipalOrgPaths", "aws:TagKeys", "aws:CalledVia"]

SERVICE_KEYS = {  # service -> (key, type, value maker)
    "s3": [("s3:x-amz-server-side-encryption", "string", lambda rng: rng.choice(["AES256", "aws:kms"])),
           ("s3:x-amz-acl", "string", lambda rng: rng.choice(["private", "bucket-owner-full-control", "public-read"])),
           ("s3:prefix", "string", lambda rng: rng.choice(["home/", "home/alice/", "logs/", ""])),
           ("s3:max-keys", "numeric", lambda rng: rng.choice(["10", "100", "1000"])),
           ("s3:signatureAge", "numeric", lambda rng: rng.choice(["1000", "600000"])),
           ("s3:TlsVersion", "numeric", lambda rng: rng.choice(["1.2", "1.3"])),
           ("s3:ExistingObjectTag/classification", "string", lambda rng: rng.choice(["confidential", "public"])),
           ("s3:RequestObjectTagKeys", "multi", lambda rng: rng.sample(["classification", "owner", "env"], rng.randint(0, 2)))],
    "dynamodb": [("dynamodb:LeadingKeys", "multi", lambda rng: rng.sample(USERS, rng.randint(1, 2))),
                 ("dynamodb:Attributes", "multi", lambda rng: rng.sample(["ssn", "name", "email", "id"], rng.randint(1, 3))),
                 ("dynamodb:Select", "string", lambda rng: rng.choice(["ALL_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"]))],
    "ec2": [("ec2:Region", "string", lambda rng: rng.choice(REGIONS)),
            ("ec2:InstanceType", "string", lambda rng: rng.choice(["t3.micro", "m5.large", "p4d.24xlarge"])),
            ("ec2:VolumeSize", "numeric", lambda rng: rng.choice(["8", "100", "2000"])),
            ("ec2:ResourceTag/env", "string", lambda rng: rng.choice(ENVS))],
    "kms": [("kms:ViaService", "string", lambda rng: rng.choice(["s3.us-east-1.amazonaws.com", "ec2.eu-west-1.amazonaws.com"])),
            ("kms:CallerAccount", "string", lambda rng: rng.choice(ACCOUNTS)),
            ("kms:ScheduleKeyDeletionPendingWindowInDays", "numeric", lambda rng: rng.choice(["7", "14", "30"])),
            ("kms:EncryptionContextKeys", "multi", lambda rng: rng.sample(["dept", "project", "env"], rng.randint(1, 2)))],
    "sts": [("sts:ExternalId", "string", lambda rng: rng.choice(["Unique-ID-9876", "abc"])),
            ("sts:RoleSessionName", "string", lambda rng: rng.choice(SESSIONS)),
            ("sts:SourceIdentity", "string", lambda rng: rng.choice(USERS))],
    "iam": [("iam:PolicyARN", "arn", lambda rng: rng.choice([f"arn:aws:iam::{HOME}:policy/Boundary",
                                                              "arn:aws:iam::aws:policy/AdministratorAccess"]))],
    "secretsmanager": [("secretsmanager:VersionStage", "multi", lambda rng: rng.sample(["AWSCURRENT", "AWSPREVIOUS"], 1))],
}
VARIABLES = ["${aws:username}", "${aws:PrincipalTag/team}", "${aws:PrincipalAccount}", "${aws:userid}",
             "${aws:ResourceTag/env, 'dev'}", "${aws:PrincipalTag/project, 'none'}", "${aws:PrincipalTag/env}",
             "${aws:SourceVpc}", "${aws:RequestedRegion}", "${aws:PrincipalType}", "${*}", "${?}", "${$}",
             "${aws:TokenIssueTime}", "${aws:PrincipalTag/team, 'data'}", "${aws:principaltag/TEAM}"]

OPERATORS = {
    "string": ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
               "StringLike", "StringNotLike"],
    "numeric": ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
                "NumericGreaterThan", "NumericGreaterThanEquals"],
    "date": ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
             "DateGreaterThanEquals"],
    "bool": ["Bool"],
    "binary": ["BinaryEquals"],
    "ip": ["IpAddress", "NotIpAddress"],
    "arn": ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
    "null": ["Null"],
}
assert sum(len(v) for v in OPERATORS.values()) == 27


# ---------------------------------------------------------------------------
# Small random helpers
# ---------------------------------------------------------------------------

def chance(rng, p):
    return rng.random() < p


def one_or_list(rng, values):
    """A single value is written as a string or a one-element list; several as a list."""
    if len(values) == 1 and chance(rng, 0.6):
        return values[0]
    return list(values)


def flip_case(rng, s):
    mode = rng.randrange(4)
    if mode == 0:
        return s.upper()
    if mode == 1:
        return s.lower()
    if mode == 2:
        return s[:1].lower() + s[1:]
    return "".join(c.upper() if chance(rng, 0.3) else c for c in s)


def q_mark(rng, s, start=0):
    """Replace one character (at or after `start`) by '?'."""
    idxs = [i for i in range(start, len(s)) if s[i] not in ":/"]
    if not idxs:
        return s + "?"
    i = rng.choice(idxs)
    return s[:i] + "?" + s[i + 1:]


def star_tail(rng, s, start=0):
    """Cut s at a random point at or after `start` and append '*'."""
    if len(s) <= start:
        return s + "*"
    i = rng.randint(start, len(s))
    return s[:i] + "*"


def star_middle(rng, s, start=0):
    if len(s) - start < 3:
        return s + "*"
    i = rng.randint(start, len(s) - 2)
    j = rng.randint(i + 1, len(s))
    return s[:i] + "*" + s[j:]


def drop_char(rng, s, start=0):
    if len(s) <= start + 1:
        return s
    i = rng.randrange(start, len(s))
    return s[:i] + s[i + 1:]


# ---------------------------------------------------------------------------
# Action / resource patterns derived from the request
# ---------------------------------------------------------------------------

def action_pattern(rng, action):
    svc, name = action.split(":", 1)
    k = rng.randrange(14)
    if k <= 2:
        return action                                    # exact
    if k == 3:
        return flip_case(rng, svc) + ":" + name          # case change in service
    if k == 4:
        return svc + ":" + flip_case(rng, name)          # case change in name
    if k == 5:
        return svc + ":" + star_tail(rng, name, 1)       # prefix glob
    if k == 6:
        return svc + ":" + star_middle(rng, name)        # middle glob
    if k == 7:
        return svc + ":" + q_mark(rng, name)             # ? glob
    if k == 8:
        return svc + ":*"                                # service wildcard
    if k == 9:
        return "*" if chance(rng, 0.5) else svc + ":" + name + "?"  # '*' or near miss (extra char)
    if k == 10:
        return svc + ":" + drop_char(rng, name)          # near miss (missing char)
    if k == 11:
        other = rng.choice(["sns", "iam", "sqs", "ec2", "secretsmanager", "cloudtrail"])
        return other + ":" + name                        # same name, wrong service
    if k == 12:
        return rng.choice(ALL_ACTIONS + DECOY_ACTIONS)   # unrelated
    return rng.choice([svc + ":" + name[:3] + "*", svc + ":*" + name[-4:], svc + ":*?" + name[-2:]])


def action_list(rng, action):
    n = rng.choice([1, 1, 1, 2, 2, 3, 4])
    return [action_pattern(rng, action) for _ in range(n)]


def resource_pattern(rng, resource, ctx):
    if resource == "*":
        return rng.choice(["*", "*", "arn:aws:*:*:*:*", "arn:aws:s3:::*", "arn:aws:iam::*:*"])
    parts = resource.split(":", 5)
    prefix_len = len(":".join(parts[:5])) + 1  # start of the resource part
    k = rng.randrange(16)
    if k <= 2:
        return resource
    if k == 3:
        return "*"
    if k == 4:
        return star_tail(rng, resource, prefix_len)
    if k == 5:
        return star_middle(rng, resource, prefix_len)
    if k == 6:
        return q_mark(rng, resource, prefix_len)
    if k == 7:
        return resource + "?"                                     # near miss
    if k == 8:
        return resource[:prefix_len] + flip_case(rng, resource[prefix_len:])  # case differs
    if k == 9 and parts[3]:
        return ":".join(parts[:3] + ["*"] + parts[4:])            # any region
    if k == 10 and parts[4]:
        other = rng.choice([a for a in ACCOUNTS if a != parts[4]])
        return ":".join(parts[:4] + [rng.choice([other, "*", "${aws:PrincipalAccount}"])] + parts[5:])
    if k == 11:
        return resource_with_variable(rng, resource, ctx, prefix_len)
    if k == 12:
        return ":".join(parts[:3]) + ":*:*:*" if parts[2] != "s3" else "arn:aws:s3:::*"
    if k == 13:
        return rng.choice(["arn:aws:s3:::*/logs/*", f"arn:aws:dynamodb:*:{HOME}:table/*",
                           f"arn:aws:iam::{HOME}:role/*", f"arn:aws:sqs:*:{HOME}:*"])
    return resource[:prefix_len] + "*" + resource[-rng.randint(1, 6):]


def resource_with_variable(rng, resource, ctx, prefix_len):
    """Replace a value visible in the resource by a policy variable whose value it is (or not)."""
    var_for = {}
    for key, var in [("aws:username", "${aws:username}"), ("aws:PrincipalTag/team", "${aws:PrincipalTag/team}"),
                     ("aws:PrincipalAccount", "${aws:PrincipalAccount}"),
                     ("aws:ResourceTag/env", "${aws:ResourceTag/env, 'dev'}")]:
        v = ctx.get(key)
        if isinstance(v, str) and v and v in resource:
            var_for[v] = var
    if var_for and chance(rng, 0.8):
        value = rng.choice(sorted(var_for))
        return resource.replace(value, var_for[value], 1)
    tail = resource[prefix_len:]
    cut = max(tail.rfind("/"), tail.rfind(":"))
    var = rng.choice(["${aws:username}", "${aws:PrincipalTag/team}-events", "${aws:userid}",
                      "${aws:PrincipalTag/project, 'none'}", "home/${aws:username}/*", "*${?}*"])
    return resource[:prefix_len] + (tail[:cut + 1] if cut >= 0 else "") + var


def resource_list(rng, resource, ctx):
    n = rng.choice([1, 1, 1, 2, 2, 3])
    return [resource_pattern(rng, resource, ctx) for _ in range(n)]


# ---------------------------------------------------------------------------
# Request context
# ---------------------------------------------------------------------------

def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def build_context(rng, p, action, resource, resource_account):
    ctx = {}
    ctx["aws:PrincipalArn"] = p["principal_arn"]
    ctx["aws:PrincipalType"] = p["type"]
    if p["kind"] == "user":
        ctx["aws:username"] = p["name"]
    ctx["aws:userid"] = p["userid"]
    ctx["aws:PrincipalAccount"] = p["account"]
    now = rng.randint(1735689600, 1798761600)  # 2025-01-01 .. 2027-01-01
    ctx["aws:CurrentTime"] = iso(now)
    ctx["aws:EpochTime"] = str(now)
    ctx["aws:SecureTransport"] = rng.choice(["true", "true", "false"])
    if chance(rng, 0.93):
        ctx["aws:SourceIp"] = rng.choice(IPS)
    ctx["aws:RequestedRegion"] = resource.split(":")[3] if resource.startswith("arn:") and resource.split(":")[3] \
        else rng.choice(REGIONS)
    ctx["aws:ResourceAccount"] = resource_account
    if chance(rng, 0.85):
        ctx["aws:PrincipalOrgID"] = rng.choice(ORG_IDS[:1] * 4 + ORG_IDS[1:])
        if chance(rng, 0.4):
            ctx["aws:PrincipalOrgPaths"] = rng.sample(ORG_PATHS, rng.choice([1, 1, 2]))
    if chance(rng, 0.75):
        ctx["aws:PrincipalTag/team"] = rng.choice(TEAMS)
    if chance(rng, 0.5):
        ctx["aws:PrincipalTag/env"] = rng.choice(ENVS)
    if chance(rng, 0.3):
        ctx["aws:PrincipalTag/costcenter"] = rng.choice(COSTCENTERS)
    if chance(rng, 0.1):
        ctx["aws:PrincipalTag/certhash"] = rng.choice(CERTS)
    if p["kind"] != "user":
        ctx["aws:TokenIssueTime"] = iso(now - rng.randint(60, 40000))
    if chance(rng, 0.5):
        mfa = rng.choice(["true", "false"])
        ctx["aws:MultiFactorAuthPresent"] = mfa
        if mfa == "true" and chance(rng, 0.6):
            ctx["aws:MultiFactorAuthAge"] = rng.choice(["60", "3600", "7200", "86400"])
    if chance(rng, 0.35):
        via = rng.choice(["true", "false", "false"])
        ctx["aws:ViaAWSService"] = via
        if via == "true" and chance(rng, 0.7):
            chain = rng.sample(CALLERS, rng.randint(1, 2))
            ctx["aws:CalledVia"] = chain
            ctx["aws:CalledViaFirst"] = chain[0]
            ctx["aws:CalledViaLast"] = chain[-1]
    if chance(rng, 0.2):
        ctx["aws:SourceVpce"] = rng.choice(VPCES)
    if chance(rng, 0.2):
        ctx["aws:SourceVpc"] = rng.choice(VPCS)
    for tag, values in [("env", ENVS), ("team", TEAMS), ("owner", USERS)]:
        if chance(rng, 0.3):
            ctx["aws:ResourceTag/" + tag] = rng.choice(values)
    if chance(rng, 0.08):
        keys = rng.sample(["env", "team", "owner", "costcenter"], rng.randint(1, 3))
        ctx["aws:TagKeys"] = keys
        for k in keys:
            ctx["aws:RequestTag/" + k] = rng.choice(ENVS + TEAMS + USERS + COSTCENTERS)
    svc = action.split(":")[0]
    for key, _typ, maker in SERVICE_KEYS.get(svc, []):
        if chance(rng, 0.35):
            ctx[key] = maker(rng)
    if svc == "sts" and p["kind"] != "federated" and chance(rng, 0.5):
        ctx["sts:RoleSessionName"] = p.get("session", rng.choice(SESSIONS))
    # Keys are case-insensitive: now and then spell one differently.
    if chance(rng, 0.08):
        keys = list(ctx)
        k = rng.choice(keys)
        new = flip_case(rng, k)
        ctx = {(new if kk == k else kk): v for kk, v in ctx.items()}
    return ctx


def ctx_get(ctx, key):
    lk = key.lower()
    for k, v in ctx.items():
        if k.lower() == lk:
            return v
    return None


# ---------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------

def key_type_pool():
    return {
        "string": STRING_KEYS + [k for ks in SERVICE_KEYS.values() for (k, t, _) in ks if t == "string"],
        "arn": ARN_KEYS + ["iam:PolicyARN"],
        "numeric": NUMERIC_KEYS + [k for ks in SERVICE_KEYS.values() for (k, t, _) in ks if t == "numeric"],
        "date": DATE_KEYS,
        "bool": BOOL_KEYS,
        "binary": BINARY_KEYS,
        "ip": IP_KEYS,
        "multi": MULTI_KEYS + [k for ks in SERVICE_KEYS.values() for (k, t, _) in ks if t == "multi"],
    }


KEY_POOL = key_type_pool()


def pick_key(rng, ctx, pool):
    """Prefer keys present in the context (70%), else any key of the pool (may be missing)."""
    present = [k for k in pool if ctx_get(ctx, k) is not None]
    if present and chance(rng, 0.7):
        return rng.choice(present)
    return rng.choice(pool)


def string_values(rng, op, ctx, key):
    cur = ctx_get(ctx, key)
    cur_vals = cur if isinstance(cur, list) else ([cur] if cur is not None else [])
    out = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        base = rng.choice(cur_vals) if cur_vals and chance(rng, 0.65) else rng.choice(
            TEAMS + ENVS + USERS + ORG_IDS + REGIONS + VPCES + ACCOUNTS + ORG_PATHS + ["AssumedRole", "User"])
        k = rng.randrange(10)
        if k <= 3:
            v = base
        elif k == 4:
            v = flip_case(rng, base)
        elif k == 5 and "Like" in op:
            v = star_tail(rng, base)
        elif k == 6 and "Like" in op:
            v = q_mark(rng, base)
        elif k == 7:
            v = rng.choice(VARIABLES)
        elif k == 8 and cur_vals:
            # value that a variable resolves to: e.g. "${aws:PrincipalTag/team}" vs tag
            v = rng.choice(["${aws:username}", "${aws:PrincipalTag/team}", "${aws:PrincipalAccount}",
                            "home/${aws:username}/*", "${aws:ResourceTag/env, 'dev'}"])
        else:
            v = base + rng.choice(["", "x", "*"]) if "Like" in op else base
        out.append(v)
    return out


def arn_values(rng, op, ctx, key):
    cur = ctx_get(ctx, key)
    out = []
    for _ in range(rng.choice([1, 1, 2])):
        if isinstance(cur, str) and chance(rng, 0.6):
            k = rng.randrange(7)
            if k <= 1:
                v = cur
            elif k == 2:
                v = star_tail(rng, cur, 13)
            elif k == 3:
                v = q_mark(rng, cur, 13)
            elif k == 4:
                parts = cur.split(":")
                parts[4] = "${aws:PrincipalAccount}"
                v = ":".join(parts)
            elif k == 5:
                v = flip_case(rng, cur)
            else:
                v = cur.rsplit("/", 1)[0] + "/*"
        else:
            v = rng.choice([f"arn:aws:iam::{HOME}:role/*", f"arn:aws:iam::*:user/ops/team1/*",
                            "arn:aws:iam::${aws:PrincipalAccount}:*", f"arn:aws:iam::{OTHER}:root",
                            f"arn:aws:iam::{HOME}:role/AdminRole", f"arn:aws:iam::{HOME}:policy/Boundary",
                            "arn:aws:s3:::*", f"arn:aws:sts::{HOME}:assumed-role/*/*"])
        out.append(v)
    return out


def numeric_values(rng, ctx, key):
    cur = ctx_get(ctx, key)
    try:
        base = float(cur) if isinstance(cur, str) else None
    except ValueError:
        base = None
    out = []
    for _ in range(rng.choice([1, 1, 2])):
        if base is not None and chance(rng, 0.75):
            delta = rng.choice([0, 0, 1, -1, 100, -100, 3600])
            v = base + delta
            v = str(int(v)) if v == int(v) and chance(rng, 0.8) else repr(v)
        else:
            v = rng.choice(["0", "3600", "7200", "86400", "1", "100", "1.5", "-5", "1000000"])
        out.append(v)
    return out


def date_values(rng, ctx, key):
    cur = ctx_get(ctx, key)
    t = None
    if isinstance(cur, str):
        if cur.isdigit():
            t = int(cur)
        else:
            try:
                t = int(datetime.datetime.strptime(cur, "%Y-%m-%dT%H:%M:%SZ")
                        .replace(tzinfo=datetime.timezone.utc).timestamp())
            except ValueError:
                t = None
    out = []
    for _ in range(rng.choice([1, 1, 2])):
        if t is None or chance(rng, 0.2):
            tt = rng.randint(1704067200, 1830297600)
        else:
            tt = t + rng.choice([0, 0, 1, -1, 3600, -3600, 86400 * 30, -86400 * 365])
        f = rng.randrange(5)
        if f <= 1:
            out.append(iso(tt))
        elif f == 2:
            out.append(str(tt))
        elif f == 3:
            out.append(iso_ms(tt))
        else:
            out.append(iso(tt)[:10])  # date only
    return out


def bool_values(rng, ctx, key):
    cur = ctx_get(ctx, key)
    v = cur if isinstance(cur, str) and chance(rng, 0.5) else rng.choice(["true", "false"])
    if chance(rng, 0.1):
        v = v.capitalize()
    return [v]


def binary_values(rng):
    return rng.sample(CERTS + ["YWJj"], rng.choice([1, 1, 2]))


def ip_values(rng, ctx):
    return rng.sample(CIDRS, rng.choice([1, 1, 2, 3]))


def multi_values(rng, ctx, key):
    cur = ctx_get(ctx, key)
    cur_vals = cur if isinstance(cur, list) else ([cur] if isinstance(cur, str) else [])
    pool = {
        "aws:PrincipalOrgPaths": ORG_PATHS + ["o-a1b2c3d4e5/r-ab12/*", "o-a1b2c3d4e5/*/ou-ab12-11111111/*"],
        "aws:TagKeys": ["env", "team", "owner", "costcenter", "Env"],
        "aws:CalledVia": CALLERS,
        "dynamodb:LeadingKeys": USERS + ["${aws:username}"],
        "dynamodb:Attributes": ["ssn", "name", "email", "id"],
        "kms:EncryptionContextKeys": ["dept", "project", "env"],
        "s3:RequestObjectTagKeys": ["classification", "owner", "env"],
        "secretsmanager:VersionStage": ["AWSCURRENT", "AWSPREVIOUS"],
    }.get(key, TEAMS)
    out = []
    for _ in range(rng.choice([1, 2, 2, 3])):
        out.append(rng.choice(cur_vals) if cur_vals and chance(rng, 0.5) else rng.choice(pool))
    # dedupe, keep order
    seen = []
    for v in out:
        if v not in seen:
            seen.append(v)
    return seen


def make_condition(rng, ctx, n_ops=None):
    cond = {}
    n_ops = n_ops or rng.choice([1, 1, 1, 2, 2, 3])
    for _ in range(n_ops):
        cat = rng.choice(["string"] * 5 + ["numeric"] * 3 + ["date"] * 3 + ["bool", "bool", "binary", "ip", "ip",
                                           "arn", "arn", "null", "null", "multi", "multi", "multi"])
        set_op = None
        if cat == "multi":
            key = pick_key(rng, ctx, KEY_POOL["multi"])
            base_op = rng.choice(OPERATORS["string"] + (["ArnLike"] if key == "aws:PrincipalOrgPaths" else []))
            set_op = rng.choice(["ForAllValues", "ForAnyValue", "ForAnyValue", None] if chance(rng, 0.9)
                                else [None])
            values = multi_values(rng, ctx, key)
        elif cat == "null":
            key = pick_key(rng, ctx, rng.choice(list(KEY_POOL.values())))
            base_op = "Null"
            values = [rng.choice(["true", "false"])]
        else:
            key = pick_key(rng, ctx, KEY_POOL[cat])
            base_op = rng.choice(OPERATORS[cat])
            if cat == "string":
                values = string_values(rng, base_op, ctx, key)
            elif cat == "arn":
                values = arn_values(rng, base_op, ctx, key)
            elif cat == "numeric":
                values = numeric_values(rng, ctx, key)
            elif cat == "date":
                values = date_values(rng, ctx, key)
            elif cat == "bool":
                values = bool_values(rng, ctx, key)
            elif cat == "binary":
                values = binary_values(rng)
            else:
                values = ip_values(rng, ctx)
            if chance(rng, 0.07):
                set_op = rng.choice(["ForAllValues", "ForAnyValue"])  # set operator on a single-valued key
        op = base_op
        if base_op != "Null" and chance(rng, 0.25):
            op += "IfExists"
        if set_op:
            op = set_op + ":" + op
        if chance(rng, 0.05):
            key = flip_case(rng, key)
        block = cond.setdefault(op, {})
        if any(k.lower() == key.lower() for k in block):
            continue  # condition keys are case-insensitive: no duplicates under one operator
        block[key] = one_or_list(rng, values)
    return cond


# ---------------------------------------------------------------------------
# Principals
# ---------------------------------------------------------------------------

def make_principal(rng, kind, account):
    if kind == "user":
        name = rng.choice(USERS[:-1])
        path = rng.choice(USER_PATHS)
        arn = f"arn:aws:iam::{account}:user/{path}{name}"
        uid = "AIDA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
        return {"kind": kind, "type": "User", "name": name, "arn": arn, "principal_arn": arn,
                "account": account, "userid": uid}
    if kind == "role":
        role = rng.choice(ROLES)
        session = rng.choice(SESSIONS)
        uid = "AROA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)) + ":" + session
        return {"kind": kind, "type": "AssumedRole", "role": role, "session": session,
                "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
                "principal_arn": f"arn:aws:iam::{account}:role/{role}", "account": account, "userid": uid}
    name = rng.choice(USERS[:-1])
    arn = f"arn:aws:sts::{account}:federated-user/{name}"
    return {"kind": kind, "type": "FederatedUser", "name": name, "arn": arn, "principal_arn": arn,
            "account": account, "userid": f"{account}:{name}"}


def principal_element(rng, p, resource_account):
    """A Principal value in the forms seen in the public cases (sometimes naming someone else)."""
    acct = p["account"] if chance(rng, 0.75) else rng.choice(ACCOUNTS)
    forms = [
        lambda: "*",
        lambda: {"AWS": "*"},
        lambda: {"AWS": acct},
        lambda: {"AWS": f"arn:aws:iam::{acct}:root"},
        lambda: {"AWS": p["principal_arn"] if p["kind"] == "role" else p["arn"]},
        lambda: {"AWS": p["arn"]},  # session ARN for a role session
        lambda: {"AWS": f"arn:aws:iam::{acct}:role/{rng.choice(ROLES)}"},
        lambda: {"AWS": f"arn:aws:iam::{acct}:user/{rng.choice(USER_PATHS)}{rng.choice(USERS)}"},
        lambda: {"AWS": f"arn:aws:sts::{acct}:assumed-role/{rng.choice(ROLES)}/{rng.choice(SESSIONS)}"},
        lambda: {"AWS": f"arn:aws:iam::{resource_account}:root"},
        lambda: {"Service": rng.choice(SERVICE_PRINCIPALS)},
    ]
    k = rng.randrange(len(forms) + 2)
    if k >= len(forms):
        items = []
        for _ in range(rng.randint(2, 4)):
            v = forms[rng.choice([2, 3, 4, 5, 6, 7, 8])]()
            items.append(v["AWS"])
        return {"AWS": items}
    return forms[k]()


# ---------------------------------------------------------------------------
# Statements and policies
# ---------------------------------------------------------------------------

def statement(rng, action, resource, ctx, effect=None, sid=None, cond_p=0.4, allow_p=0.7,
              not_action_p=0.12, not_resource_p=0.1, with_resource=True):
    st = {}
    if sid is not None and chance(rng, 0.5):
        st["Sid"] = sid
    st["Effect"] = effect or ("Allow" if chance(rng, allow_p) else "Deny")
    if st["Effect"] == "Deny" and chance(rng, 0.4):
        # Deny statements aimed elsewhere (guardrail style), so that not every case ends denied.
        acts = rng.sample(ALL_ACTIONS + DECOY_ACTIONS, rng.choice([1, 2, 3]))
    else:
        acts = action_list(rng, action)
    if st["Effect"] == "Deny":
        cond_p = max(cond_p, 0.55)
    if chance(rng, not_action_p):
        st["NotAction"] = one_or_list(rng, acts)
    else:
        st["Action"] = one_or_list(rng, acts)
    if with_resource:
        res = resource_list(rng, resource, ctx)
        if chance(rng, not_resource_p):
            st["NotResource"] = one_or_list(rng, res)
        else:
            st["Resource"] = one_or_list(rng, res)
    if chance(rng, cond_p):
        st["Condition"] = make_condition(rng, ctx)
    return st


def policy(rng, statements):
    doc = {}
    r = rng.random()
    if r < 0.975:
        doc["Version"] = "2012-10-17"
    elif r < 0.99:
        doc["Version"] = "2008-10-17"  # policy variables are not substituted under this version
    if len(statements) == 1 and chance(rng, 0.3):
        doc["Statement"] = statements[0]
    else:
        doc["Statement"] = statements
    return doc


def identity_policies(rng, action, resource, ctx, prefix="Id", cond_p=0.4, allow_p=0.8):
    pols = []
    for i in range(rng.choice([1, 1, 2, 2, 3])):
        sts = [statement(rng, action, resource, ctx, sid=f"{prefix}{i}S{j}", cond_p=cond_p, allow_p=allow_p)
               for j in range(rng.choice([1, 1, 2, 3]))]
        pols.append(policy(rng, sts))
    return pols


def resource_policy(rng, p, action, resource, ctx, resource_account, trust=False):
    sts = []
    for j in range(rng.choice([1, 1, 2, 2, 3])):
        st = statement(rng, action, resource, ctx, sid=f"R{j}", cond_p=0.35, allow_p=0.7, not_action_p=0.1,
                       not_resource_p=0.05, with_resource=not trust)
        elem = principal_element(rng, p, resource_account)
        if chance(rng, 0.06 if st["Effect"] == "Deny" else 0.02) and elem not in ("*", {"AWS": "*"}):
            st_items = list(st.items())
            st = dict(st_items[:2] + [("NotPrincipal", elem)] + st_items[2:])
        else:
            st_items = list(st.items())
            pos = 2 if "Sid" in st else 1
            st = dict(st_items[:pos] + [("Principal", elem)] + st_items[pos:])
        sts.append(st)
    if trust:
        # Trust policies name a role: sts:AssumeRole on the role is the request, no Resource.
        pass
    elif chance(rng, 0.3):
        # KMS key-policy / bucket-policy style "enable IAM" statement for the owning account.
        sts.insert(0, {"Sid": "EnableIAM", "Effect": "Allow",
                       "Principal": {"AWS": f"arn:aws:iam::{resource_account}:root"},
                       "Action": action.split(":")[0] + ":*", "Resource": "*"})
    return policy(rng, sts)


def scp_levels(rng, action, resource, ctx):
    levels = []
    for lvl in range(rng.choice([1, 2, 2, 3])):
        if chance(rng, 0.07):
            levels.append([])  # empty level: allows nothing
            continue
        pols = []
        if chance(rng, 0.6):
            pols.append({"Version": "2012-10-17", "Statement": [
                {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]})
        for k in range(rng.choice([0, 1, 1, 2]) if pols else rng.choice([1, 1, 2])):
            sts = [statement(rng, action, resource, ctx, sid=f"A{k}", cond_p=0.3,
                             allow_p=0.45 if pols else 0.8, not_action_p=0.15)
                   for _ in range(rng.choice([1, 1, 2]))]
            pols.append(policy(rng, sts))
        if not pols:
            pols.append({"Version": "2012-10-17", "Statement": [
                {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]})
        levels.append(pols)
    return levels


def rcp_levels(rng, action, resource, ctx):
    levels = []
    for lvl in range(rng.choice([1, 1, 2, 3])):
        pols = []
        for k in range(rng.choice([0, 0, 1, 1, 2])):
            sts = []
            for j in range(rng.choice([1, 1, 2])):
                acts = [a for a in action_list(rng, action) if a != "*"] or [action.split(":")[0] + ":*"]
                st = {"Effect": "Deny", "Principal": "*", "Action": one_or_list(rng, acts)}
                if chance(rng, 0.4):
                    st = {"Sid": rng.choice(["EnforceSecureTransport", "EnforceOrgIdentities", f"D{j}"]), **st}
                res = resource_list(rng, resource, ctx) if chance(rng, 0.5) else ["*"]
                if chance(rng, 0.08):
                    st["NotResource"] = one_or_list(rng, res)
                else:
                    st["Resource"] = one_or_list(rng, res)
                if chance(rng, 0.85):
                    st["Condition"] = rcp_condition(rng, ctx)
                sts.append(st)
            pols.append({"Version": "2012-10-17", "Statement": sts})
        levels.append(pols)
    return levels


def rcp_condition(rng, ctx):
    """Guardrail-style conditions, usually (not always) false for the request at hand."""
    org = ctx_get(ctx, "aws:PrincipalOrgID")
    racct = ctx_get(ctx, "aws:ResourceAccount") or HOME
    k = rng.randrange(6)
    if k == 0:
        return {"BoolIfExists": {"aws:SecureTransport": "false"}}
    if k == 1:
        return {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org if org and chance(rng, 0.7) else
                                            rng.choice(ORG_IDS)},
                "BoolIfExists": {"aws:PrincipalIsAWSService": rng.choice(["false", "true"])}}
    if k == 2:
        return {"StringNotEquals": {"aws:ResourceAccount": racct if chance(rng, 0.7) else rng.choice(ACCOUNTS)}}
    if k == 3:
        return {"StringNotEqualsIfExists": {"aws:SourceVpce": rng.choice(VPCES)},
                "Null": {"aws:SourceVpce": "false"}}
    return make_condition(rng, ctx)


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

SCENARIOS = [("identity", 5), ("conditions", 6), ("typed", 4), ("variables", 4), ("multivalue", 3),
             ("resourceSame", 4), ("crossAccount", 4), ("boundary", 3), ("scp", 3), ("rcp", 3),
             ("session", 3), ("stsTrust", 2), ("everything", 3)]


def random_case(rng, idx):
    scenario = rng.choices([s for s, _ in SCENARIOS], weights=[w for _, w in SCENARIOS])[0]
    tags = ["scenario:" + scenario]

    # Principal
    if scenario == "session":
        kind = rng.choice(["role", "role", "federated"])
    elif scenario == "stsTrust":
        kind = rng.choice(["user", "role"])
    else:
        kind = rng.choices(["user", "role", "federated"], weights=[52, 42, 6])[0]
    cross = scenario == "crossAccount" or (scenario in ("rcp", "everything", "stsTrust") and chance(rng, 0.35)) \
        or chance(rng, 0.04)
    p_account = rng.choice([OTHER, OTHER, THIRD]) if cross else HOME
    resource_account = HOME
    p = make_principal(rng, kind, p_account)
    tags.append({"user": "principal:user", "role": "principal:session", "federated": "principal:federated"}[kind])
    if cross:
        tags.append("cross-account")

    # Action / resource
    if scenario == "stsTrust":
        family = next(f for f in FAMILIES if f[0] == "assumerole")
    elif chance(rng, 0.1):
        family = None
    else:
        family = rng.choice([f for f in FAMILIES if f[0] != "assumerole"]) if chance(rng, 0.95) \
            else next(f for f in FAMILIES if f[0] == "assumerole")
    who = p.get("name") or p.get("session") or "alice"
    if family is None:
        action = rng.choice(WILDCARD_ONLY)
        resource = "*"
        tags.append("wildcard-only-action")
    else:
        action = rng.choice(family[1])
        region = rng.choice(REGIONS)
        resource = family[2](rng, region, resource_account, who)
    ctx = build_context(rng, p, action, resource, resource_account)

    case = {"id": f"rnd-{idx:05d}", "tags": tags}
    cond_p = {"conditions": 0.8, "typed": 0.85, "multivalue": 0.7, "variables": 0.5}.get(scenario, 0.35)
    case["identityPolicies"] = identity_policies(rng, action, resource, ctx, cond_p=cond_p) \
        if not (kind == "federated" and chance(rng, 0.1)) else []
    if scenario == "multivalue":
        # make sure some statement has a set operator over a multi-valued key
        st = statement(rng, action, resource, ctx, cond_p=0.0)
        mk = pick_key(rng, ctx, KEY_POOL["multi"])
        st["Condition"] = {rng.choice(["ForAllValues:", "ForAnyValue:"]) + rng.choice(OPERATORS["string"]):
                           {mk: multi_values(rng, ctx, mk)}}
        case["identityPolicies"].append(policy(rng, [st]))

    wants_rp = scenario in ("resourceSame", "crossAccount", "stsTrust") or \
        (scenario in ("everything", "boundary", "session", "rcp") and chance(rng, 0.5)) or chance(rng, 0.08)
    if wants_rp and family is not None:
        case["resourcePolicy"] = resource_policy(rng, p, action, resource, ctx, resource_account,
                                                 trust=(action == "sts:AssumeRole"))
        tags.append("resource-policy")
    if scenario in ("boundary", "everything") or chance(rng, 0.04):
        if kind != "federated":
            n = rng.choice([1, 1, 2])
            case["permissionBoundaries"] = [
                policy(rng, [statement(rng, action, resource, ctx, sid=f"B{i}{j}", allow_p=0.85, cond_p=0.25)
                             for j in range(rng.choice([1, 1, 2]))]) for i in range(n)]
            tags.append("pb")
    if scenario in ("scp", "everything") or chance(rng, 0.05):
        case["scps"] = scp_levels(rng, action, resource, ctx)
        tags.append("scp")
    if scenario in ("rcp", "everything") or chance(rng, 0.04):
        case["rcps"] = rcp_levels(rng, action, resource, ctx)
        tags.append("rcp")
    if kind == "federated" or (kind == "role" and (scenario in ("session", "everything") or chance(rng, 0.08))):
        case["sessionPolicy"] = policy(rng, [statement(rng, action, resource, ctx, sid=f"Sess{j}", allow_p=0.8,
                                                       cond_p=0.3)
                                             for j in range(rng.choice([1, 1, 2, 3]))])
        tags.append("session-policy")

    req = {"principal": p["arn"], "action": action, "resource": resource}
    if not (resource.startswith("arn:aws:s3:::") and not cross and chance(rng, 0.15)):
        req["resourceAccount"] = resource_account  # else: absent, S3 -> principal's account (same here)
    req["context"] = ctx
    case["request"] = req
    return case


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------

def write(cases, path):
    with open(path, "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {path}", file=sys.stderr)


def cmd_repeat(argv):
    if len(argv) != 3:
        usage()
    src, n, out = argv[0], int(argv[1]), argv[2]
    with open(src) as f:
        cases = json.load(f)
    write([dict(c, id=f"{c['id']}-r{k}") for k in range(n) for c in cases], out)


def cmd_random(argv):
    if len(argv) != 3:
        usage()
    seed, count, out = int(argv[0]), int(argv[1]), argv[2]
    rng = random.Random(seed)
    write([random_case(rng, i) for i in range(count)], out)


def usage():
    print("usage:\n  gen_cases.py repeat IN.json N OUT.json\n  gen_cases.py random SEED COUNT OUT.json",
          file=sys.stderr)
    sys.exit(2)


def main(argv):
    if len(argv) < 2:
        usage()
    if argv[1] == "repeat":
        cmd_repeat(argv[2:])
    elif argv[1] == "random":
        cmd_random(argv[2:])
    else:
        usage()


if __name__ == "__main__":
    main(sys.argv)
