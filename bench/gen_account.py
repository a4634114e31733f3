#!/usr/bin/env python3
"""A seeded generator of large AWS accounts in phiward's raw-export layout (docs/snapshot.md).

    python3 bench/gen_account.py --out /var/tmp/big-account [--seed 1] [--scale 1.0]

At scale 1 (the distribution issue 4 asks for):
- 5,000 IAM users in 200 groups; each user in 1-3 groups; 60% with a console password
  (of which 80% with MFA), 70% with an access key (20% with two), ages spread over 4 years.
- 5,000 roles: half assumable by other roles of the account or by services (Lambda, EC2,
  ECS tasks, CodeBuild, Glue), 5% cross-account (half with sts:ExternalId), the rest by
  the account root with MFA or through a SAML provider.
- 10,000 customer managed policies of 3-15 statements: about 25% of statements carry
  conditions (MFA, source IP, VPC endpoint, principal tags, time), 10% wildcard actions
  (`s3:*`, `ec2:Describe*`), 5% NotAction or NotResource (NotAction mostly "all but the
  destructive calls on one bucket", one in ten PowerUser-like: all but IAM on `*`); actions drawn from 30 services,
  weighted as real policies are (S3 20%, DynamoDB/Lambda/EC2/Logs 8% each, ... IAM, STS
  and SSM 2% each; see WEIGHTS).
- 2-8 managed policies per principal (users through their groups count), plus inline
  policies on 10% of principals, permissions boundaries on 5% of roles.
- 350 PHI resources with resource policies: 250 buckets tagged `data-classification=phi`
  (TLS deny, network deny on half, grants to 5-40 roles, cross-account on 3%) and 100 KMS
  keys (key policies naming 3-20 roles); 250 more buckets without PHI. DynamoDB tables are
  not in the snapshot model yet, so the third kind of PHI store is represented by keys.
- A multi-region trail, the credential report, password policy and account summary.

With `--profile varied`, an account shaped unlike the default one, so that figures do not
rest on one generator's habits (issue 14): 5,000 users, 5,000 groups, 5,000 roles and
5,000 customer managed policies at scale 1, with people's names instead of numbered ones,
about 700 roles named as audit and read-only roles are (`SecurityAudit-...`,
`readonly-...`, `...-ReadOnly`), `NotAction` grants in about a fifth of the statements,
conditions on most statements (several operators and keys each, `ForAnyValue:`/`IfExists`,
policy variables), users in up to ten groups (IAM's limit) and groups holding up to ten
policies, role chains up to eight roles deep, and a permissions boundary on a quarter of
the roles. See `Varied`.

Deterministic: the same seed, scale and profile give byte-identical files.
"""

import argparse
import csv
import io
import json
import os
import random
import shutil

ACCOUNT = "111122223333"
NOW = "2026-11-01T00:00:00Z"
SERVICES = [
    ("s3", ["GetObject", "PutObject", "ListBucket", "DeleteObject", "GetBucketPolicy"]),
    ("ec2", ["DescribeInstances", "RunInstances", "TerminateInstances", "StartInstances"]),
    ("dynamodb", ["GetItem", "PutItem", "Query", "Scan", "DeleteItem"]),
    ("lambda", ["InvokeFunction", "GetFunction", "UpdateFunctionCode", "CreateFunction"]),
    ("kms", ["Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey"]),
    ("sqs", ["SendMessage", "ReceiveMessage", "DeleteMessage"]),
    ("sns", ["Publish", "Subscribe", "ListTopics"]),
    ("logs", ["CreateLogStream", "PutLogEvents", "GetLogEvents"]),
    ("cloudwatch", ["PutMetricData", "GetMetricData", "DescribeAlarms"]),
    ("rds", ["DescribeDBInstances", "CreateDBSnapshot", "ModifyDBInstance"]),
    ("athena", ["StartQueryExecution", "GetQueryResults"]),
    ("glue", ["GetTable", "CreateJob", "StartJobRun"]),
    ("ecs", ["RunTask", "DescribeTasks", "UpdateService"]),
    ("ecr", ["GetAuthorizationToken", "BatchGetImage", "PutImage"]),
    ("secretsmanager", ["GetSecretValue", "DescribeSecret", "PutSecretValue"]),
    ("ssm", ["GetParameter", "PutParameter", "SendCommand"]),
    ("states", ["StartExecution", "DescribeExecution"]),
    ("kinesis", ["PutRecord", "GetRecords"]),
    ("firehose", ["PutRecord", "DescribeDeliveryStream"]),
    ("elasticloadbalancing", ["DescribeLoadBalancers", "RegisterTargets"]),
    ("cloudformation", ["CreateStack", "DescribeStacks", "UpdateStack"]),
    ("codebuild", ["StartBuild", "BatchGetBuilds"]),
    ("iam", ["GetRole", "ListRoles", "PassRole", "CreateAccessKey", "PutRolePolicy"]),
    ("sts", ["AssumeRole", "GetCallerIdentity"]),
    ("route53", ["ChangeResourceRecordSets", "ListHostedZones"]),
    ("cloudtrail", ["LookupEvents", "DescribeTrails"]),
    ("config", ["DescribeConfigRules", "GetComplianceDetailsByResource"]),
    ("sagemaker", ["CreateNotebookInstance", "InvokeEndpoint"]),
    ("elasticache", ["DescribeCacheClusters"]),
    ("es", ["ESHttpGet", "ESHttpPost"]),
]
# How often a statement is about each service: data and compute services dominate real
# policies; IAM, STS and SSM (the escalation techniques) are rarer.
WEIGHTS = {"s3": 20, "dynamodb": 8, "lambda": 8, "ec2": 8, "logs": 8, "kms": 6, "sqs": 5, "sns": 4,
           "cloudwatch": 4, "rds": 3, "athena": 3, "glue": 3, "ecs": 3, "ecr": 3, "secretsmanager": 3,
           "states": 2, "kinesis": 2, "firehose": 2, "elasticloadbalancing": 2, "cloudformation": 2,
           "codebuild": 1, "iam": 2, "sts": 2, "ssm": 2, "route53": 1, "cloudtrail": 1, "config": 1,
           "sagemaker": 1, "elasticache": 1, "es": 1}
COMPUTE = ["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com",
           "codebuild.amazonaws.com", "glue.amazonaws.com"]


def arn(kind, name):
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def day(rng, lo, hi):
    """A date lo..hi days before NOW (2026-11-01), as the AWS CLI prints it."""
    import datetime
    d = datetime.datetime(2026, 11, 1) - datetime.timedelta(days=rng.randint(lo, hi),
                                                            seconds=rng.randint(0, 86399))
    return d.strftime("%Y-%m-%dT%H:%M:%S+00:00")


class Gen:
    def __init__(self, seed, scale):
        self.rng = random.Random(seed)
        self.scale = scale
        n = lambda x: max(1, int(round(x * scale)))
        self.n_users, self.n_groups, self.n_roles = n(5000), n(200), n(5000)
        self.n_policies, self.n_phi_buckets, self.n_keys = n(10000), n(250), n(100)
        self.n_other_buckets = n(250)
        self.roles = [f"role-{i:05d}" for i in range(self.n_roles)]
        self.phi_buckets = [f"phi-{i:04d}" for i in range(self.n_phi_buckets)]
        self.other_buckets = [f"other-{i:04d}" for i in range(self.n_other_buckets)]
        self.keys = [f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(self.n_keys)]

    def resource(self, svc):
        r = self.rng
        if svc == "s3":
            b = r.choice(self.phi_buckets + self.other_buckets)
            return r.choice([f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*", f"arn:aws:s3:::{b}/data/*"])
        if svc == "kms":
            return f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{r.choice(self.keys)}"
        if svc in ("iam", "sts"):
            # Mostly named roles, as role-chaining and PassRole grants are written.
            roll = r.random()
            if roll < 0.8:
                return arn("role", r.choice(self.roles))
            return arn("role", "*") if roll < 0.9 else "*"
        if svc == "ssm":
            if r.random() < 0.9:
                return f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-{r.randint(0, 9999):017x}"
            return "*"
        if svc == "dynamodb":
            return f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t-{r.randint(0, 299):03d}"
        if svc == "lambda":
            return f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn-{r.randint(0, 999):03d}"
        return "*"

    def condition(self):
        r = self.rng
        kind = r.randrange(5)
        if kind == 0:
            return {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        if kind == 1:
            return {"IpAddress": {"aws:SourceIp": [f"10.{r.randint(0, 255)}.0.0/16", "198.51.100.0/24"]}}
        if kind == 2:
            return {"StringEquals": {"aws:SourceVpce": f"vpce-{r.randint(0, 99):04d}abcd"}}
        if kind == 3:
            return {"StringEquals": {"aws:PrincipalTag/team": r.choice(["claims", "imaging", "research", "billing"])}}
        return {"DateLessThan": {"aws:CurrentTime": "2027-12-31T00:00:00Z"}}

    def statement(self):
        r = self.rng
        svc, acts = r.choices(SERVICES, weights=[WEIGHTS[x] for x, _ in SERVICES])[0]
        st = {"Effect": "Allow"}
        roll = r.random()
        if roll < 0.10:
            st["Action"] = r.choice([f"{svc}:*", f"{svc}:Get*", f"{svc}:Describe*", f"{svc}:List*"])
        else:
            st["Action"] = [f"{svc}:{a}" for a in r.sample(acts, r.randint(1, len(acts)))]
        if r.random() < 0.05:
            if r.random() < 0.5:
                # Everything on one bucket but the destructive calls, as NotAction is
                # usually written; one in ten is PowerUser-like (all but IAM, on *).
                st.pop("Action")
                if r.random() < 0.1:
                    st["NotAction"] = ["iam:*", "organizations:*"]
                    st["Resource"] = "*"
                else:
                    st["NotAction"] = ["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"]
                    b = r.choice(self.phi_buckets + self.other_buckets)
                    st["Resource"] = [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"]
            else:
                st["NotResource"] = [self.resource("s3")]
        else:
            st["Resource"] = [self.resource(svc) for _ in range(r.randint(1, 3))]
        if r.random() < 0.25:
            st["Condition"] = self.condition()
        if r.random() < 0.03:
            st["Effect"] = "Deny"
        return st

    def policy_doc(self):
        return {"Version": "2012-10-17",
                "Statement": [self.statement() for _ in range(self.rng.randint(3, 15))]}

    def trust(self, i):
        r = self.rng
        roll = r.random()
        if roll < 0.25:
            p = {"Service": r.choice(COMPUTE)}
            st = {"Effect": "Allow", "Principal": p, "Action": "sts:AssumeRole"}
        elif roll < 0.50:
            others = [arn("role", r.choice(self.roles)) for _ in range(r.randint(1, 3))]
            st = {"Effect": "Allow", "Principal": {"AWS": others}, "Action": "sts:AssumeRole"}
        elif roll < 0.55:
            st = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{r.randint(10**11, 10**12 - 1)}:root"},
                  "Action": "sts:AssumeRole"}
            if r.random() < 0.5:
                st["Condition"] = {"StringEquals": {"sts:ExternalId": f"ext-{i}"}}
        elif roll < 0.80:
            st = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole",
                  "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
        else:
            st = {"Effect": "Allow", "Principal": {"Federated": arn("saml-provider", "CorpIdP")},
                  "Action": "sts:AssumeRoleWithSAML",
                  "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}
        return {"Version": "2012-10-17", "Statement": [st]}

    def group_name(self, i):
        return f"group-{i:03d}"

    def policy_name(self, i):
        return f"pol-{i:05d}"

    def attached(self, pool, k):
        return [{"PolicyName": p, "PolicyArn": arn("policy", p)} for p in self.rng.sample(pool, k)]

    def generate(self, out):
        r = self.rng
        policies = [self.policy_name(i) for i in range(self.n_policies)]
        groups = [self.group_name(i) for i in range(self.n_groups)]
        admin = {"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
        group_details = []
        for i, g in enumerate(groups):
            group_details.append({"Path": "/", "GroupName": g, "GroupId": f"AGPA{i:016d}", "Arn": arn("group", g),
                                  "CreateDate": day(r, 100, 1500), "GroupPolicyList": [],
                                  "AttachedManagedPolicies": [admin] if i == 0 else self.attached(policies, r.randint(1, 3))})
        users, report = [], []
        for i in range(self.n_users):
            name = f"user-{i:05d}"
            created = day(r, 30, 1500)
            ugroups = [groups[0]] if i < 3 else r.sample(groups[1:] or groups, min(len(groups), r.randint(1, 3)))
            u = {"Path": "/", "UserName": name, "UserId": f"AIDA{i:016d}", "Arn": arn("user", name), "CreateDate": created,
                 "GroupList": ugroups, "AttachedManagedPolicies": self.attached(policies, r.randint(0, 2)),
                 "UserPolicyList": [], "Tags": [{"Key": "owner", "Value": f"mgr-{i % 300}@example.org"}]}
            if r.random() < 0.10:
                u["UserPolicyList"] = [{"PolicyName": "inline", "PolicyDocument": self.policy_doc()}]
            users.append(u)
            console = r.random() < 0.6
            keys = 2 if r.random() < 0.14 else (1 if r.random() < 0.65 else 0)
            key = lambda n: [str(n <= keys).lower(), day(r, 1, 900) if n <= keys else "N/A",
                             day(r, 0, 200) if n <= keys and r.random() < 0.8 else "N/A", "us-east-1" if n <= keys else "N/A",
                             "s3" if n <= keys else "N/A"]
            report.append([name, arn("user", name), created, str(console).lower(),
                           day(r, 0, 300) if console and r.random() < 0.9 else ("no_information" if console else "N/A"),
                           day(r, 0, 400) if console else "N/A", "N/A", str(console and r.random() < 0.8).lower(),
                           *key(1), *key(2), "false", "N/A", "false", "N/A"])
        roles = []
        for i, name in enumerate(self.roles):
            role = {"Path": "/", "RoleName": name, "RoleId": f"AROA{i:016d}", "Arn": arn("role", name),
                    "CreateDate": day(r, 30, 1500), "AssumeRolePolicyDocument": self.trust(i),
                    "InstanceProfileList": [], "RolePolicyList": [],
                    "AttachedManagedPolicies": self.attached(policies, r.randint(2, 8)),
                    "Tags": [{"Key": "owner", "Value": f"mgr-{i % 300}@example.org"}],
                    "RoleLastUsed": {"LastUsedDate": day(r, 0, 200), "Region": "us-east-1"}}
            if i < 2:
                role["AttachedManagedPolicies"] = [admin]
            if r.random() < 0.10:
                role["RolePolicyList"] = [{"PolicyName": "inline", "PolicyDocument": self.policy_doc()}]
            if r.random() < 0.05:
                role["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy",
                                               "PermissionsBoundaryArn": arn("policy", policies[0])}
            roles.append(role)
        counts = {}
        for holder in group_details + users + roles:
            for a in holder["AttachedManagedPolicies"]:
                counts[a["PolicyName"]] = counts.get(a["PolicyName"], 0) + 1
        pol_details = [{"PolicyName": "AdministratorAccess", "PolicyId": "ANPAADMIN", "Arn": admin["PolicyArn"],
                        "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": counts.get("AdministratorAccess", 0),
                        "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
                        "CreateDate": "2015-02-06T18:39:46+00:00", "UpdateDate": "2015-02-06T18:39:46+00:00",
                        "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}, "VersionId": "v1",
                            "IsDefaultVersion": True, "CreateDate": "2015-02-06T18:39:46+00:00"}]}]
        for i, p in enumerate(policies):
            created = day(r, 100, 1500)
            pol_details.append({"PolicyName": p, "PolicyId": f"ANPA{i:016d}", "Arn": arn("policy", p), "Path": "/",
                                "DefaultVersionId": "v1", "AttachmentCount": counts.get(p, 0),
                                "PermissionsBoundaryUsageCount": 0, "IsAttachable": True, "CreateDate": created,
                                "UpdateDate": created,
                                "PolicyVersionList": [{"Document": self.policy_doc(), "VersionId": "v1",
                                                       "IsDefaultVersion": True, "CreateDate": created}]})
        self.write(out, "iam/get-account-authorization-details.json",
                   {"UserDetailList": users, "GroupDetailList": group_details, "RoleDetailList": roles,
                    "Policies": pol_details})
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
                   "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                   "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                   "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
                   "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
                   "cert_1_last_rotated,cert_2_active,cert_2_last_rotated".split(","))
        w.writerow(["<root_account>", f"arn:aws:iam::{ACCOUNT}:root", "2019-01-01T00:00:00+00:00", "not_supported",
                    "2026-06-01T00:00:00+00:00", "not_supported", "not_supported", "true",
                    "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "N/A", "N/A", "N/A",
                    "false", "N/A", "false", "N/A"])
        for row in report:
            w.writerow(row)
        self.write(out, "iam/credential-report.csv", buf.getvalue(), text=True)
        self.write(out, "iam/get-account-summary.json",
                   {"SummaryMap": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0,
                                   "AccountSigningCertificatesPresent": 0, "Users": self.n_users}})
        self.write(out, "iam/get-account-password-policy.json",
                   {"PasswordPolicy": {"MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": True,
                                       "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
                                       "AllowUsersToChangePassword": True, "ExpirePasswords": False,
                                       "PasswordReusePrevention": 24}})
        self.write(out, "iam/list-saml-providers.json",
                   {"SAMLProviderList": [{"Arn": arn("saml-provider", "CorpIdP"), "CreateDate": "2022-01-01T00:00:00+00:00"}]})
        self.buckets(out)
        self.kms(out)
        trail = {"Name": "main", "S3BucketName": "audit-logs", "IsMultiRegionTrail": True, "HomeRegion": "us-east-1",
                 "TrailARN": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main", "LogFileValidationEnabled": True,
                 "IncludeGlobalServiceEvents": True, "HasCustomEventSelectors": False}
        self.write(out, "cloudtrail/describe-trails.json", {"trailList": [trail]})
        self.write(out, "cloudtrail/trails/main/get-trail-status.json", {"IsLogging": True})
        self.write(out, "phiward-export.json", {"exported_at": NOW, "tool": "bench/gen_account.py"})

    def buckets(self, out):
        r = self.rng
        listing = []
        for name in self.phi_buckets + self.other_buckets + ["audit-logs"]:
            listing.append({"Name": name, "CreationDate": "2024-01-01T00:00:00+00:00", "BucketRegion": "us-east-1"})
            phi = name.startswith("phi-")
            res = [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]
            sts = [{"Sid": "DenyWithoutTLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": res,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
            if phi and r.random() < 0.5:
                sts.append({"Sid": "DenyOutsideNetwork", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                            "Resource": res, "Condition": {"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"},
                                                           "StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}}})
            readers = [arn("role", r.choice(self.roles)) for _ in range(r.randint(5, 40) if phi else r.randint(0, 5))]
            if readers:
                sts.append({"Sid": "Readers", "Effect": "Allow", "Principal": {"AWS": sorted(set(readers))},
                            "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": res})
            if phi and r.random() < 0.03:
                sts.append({"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::888899990000:root"},
                            "Action": "s3:GetObject", "Resource": res[1]})
            self.write(out, f"s3/buckets/{name}/get-bucket-policy.json",
                       {"Policy": json.dumps({"Version": "2012-10-17", "Statement": sts})})
            cls = "phi" if phi else ("audit" if name == "audit-logs" else "internal")
            self.write(out, f"s3/buckets/{name}/get-bucket-tagging.json",
                       {"TagSet": [{"Key": "data-classification", "Value": cls}]})
        self.write(out, "s3/list-buckets.json", {"Buckets": listing, "Owner": {"ID": "owner"}})

    def kms(self, out):
        r = self.rng
        keys = []
        for k in self.keys:
            key_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{k}"
            keys.append({"KeyId": k, "KeyArn": key_arn})
            users = sorted({arn("role", r.choice(self.roles)) for _ in range(r.randint(3, 20))})
            doc = {"Version": "2012-10-17", "Statement": [
                {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                 "Action": "kms:*", "Resource": "*"},
                {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": users},
                 "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*"}]}
            self.write(out, f"kms/keys/{k}/get-key-policy.json", {"Policy": json.dumps(doc), "PolicyName": "default"})
            self.write(out, f"kms/keys/{k}/describe-key.json",
                       {"KeyMetadata": {"AWSAccountId": ACCOUNT, "KeyId": k, "Arn": key_arn, "Enabled": True,
                                        "Description": "PHI store key", "KeyState": "Enabled", "KeyManager": "CUSTOMER"}})
        self.write(out, "kms/list-keys.json", {"Keys": keys})

    @staticmethod
    def write(out, rel, value, text=False):
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(value if text else json.dumps(value, separators=(",", ":")) + "\n")


FIRST = ["amara", "bjorn", "chen", "dolores", "emeka", "farah", "giulia", "hiroshi", "ines", "jamal",
         "katya", "luis", "mei", "nadia", "oskar", "priya", "quentin", "rosa", "sven", "tariq",
         "ursula", "vikram", "wen", "ximena", "yusuf", "zofia"]
LAST = ["okafor", "lindqvist", "zhang", "alvarez", "nwosu", "haddad", "rossi", "tanaka", "moreau",
        "brooks", "ivanova", "garcia", "liu", "karimi", "berg", "sharma", "dubois", "santos", "nilsen",
        "aziz", "weber", "reddy", "huang", "flores", "demir", "kowalska"]
TEAMS = ["claims", "imaging", "research", "billing", "pharmacy", "radiology", "oncology", "lab",
         "scheduling", "telehealth", "ehr", "analytics"]
# Role names auditors and read-only tooling get: matched by LP-012's default patterns
# (`*audit*`, `*readonly*`, `*read-only*`) in all their spellings.
AUDIT_NAMES = ["SecurityAudit-{t}-{i}", "readonly-{t}-{i}", "{t}-ReadOnly-{i}", "Auditor{i}", "ext-audit-{t}-{i}",
               "Read-Only-{t}-{i}", "ComplianceAuditRole-{i}", "{t}_readonly_{i}"]


class Varied(Gen):
    """An account shaped unlike [`Gen`]'s: other names, counts and policy shapes."""

    def __init__(self, seed, scale):
        super().__init__(seed, scale)
        n = lambda x: max(1, int(round(x * scale)))
        self.n_groups, self.n_policies = n(5000), n(5000)
        r = self.rng
        names = []
        for i in range(self.n_roles):
            t = TEAMS[i % len(TEAMS)]
            if r.random() < 0.14:
                names.append(r.choice(AUDIT_NAMES).format(t=t, i=i))
            else:
                names.append(r.choice(["svc-{t}-{i}", "{t}Pipeline{i}", "app/{t}/worker-{i}", "Lambda_{t}_{i}",
                                       "EKS-{t}-node-{i}", "{t}-etl-{i}"]).format(t=t, i=i).split("/")[-1])
        self.roles = names

    def group_name(self, i):
        return "Admins" if i == 0 else f"{TEAMS[i % len(TEAMS)].title()}-{['Clinicians', 'Engineers', 'Analysts', 'Contractors', 'Support'][i % 5]}-{i}"

    def policy_name(self, i):
        return f"{TEAMS[i % len(TEAMS)]}-{['data-access', 'deploy', 'ops', 'read', 'etl', 'tooling'][i % 6]}-v{i}"

    def user_name(self, i):
        return f"{FIRST[i % 26]}.{LAST[(i // 26) % 26]}{i // 676 or ''}"

    def condition(self):
        r = self.rng
        parts = {}
        for _ in range(r.randint(1, 3)):
            kind = r.randrange(9)
            if kind == 0:
                parts.setdefault("Bool", {})["aws:MultiFactorAuthPresent"] = "true"
            elif kind == 1:
                parts.setdefault("IpAddress", {})["aws:SourceIp"] = [f"10.{r.randint(0, 255)}.0.0/16", "192.0.2.0/24"]
            elif kind == 2:
                parts.setdefault("StringEqualsIfExists", {})["aws:SourceVpce"] = [f"vpce-{r.randint(0, 99):04x}ef01"]
            elif kind == 3:
                parts.setdefault("StringEquals", {})["aws:PrincipalTag/team"] = "${aws:ResourceTag/team}"
            elif kind == 4:
                parts.setdefault("ForAnyValue:StringLike", {})["aws:TagKeys"] = ["phi-*", "team"]
            elif kind == 5:
                parts.setdefault("NumericLessThan", {})["aws:MultiFactorAuthAge"] = str(r.choice([900, 3600, 43200]))
            elif kind == 6:
                parts.setdefault("StringLike", {})["s3:prefix"] = ["home/${aws:username}/*", "shared/*"]
            elif kind == 7:
                parts.setdefault("ArnLike", {})["aws:PrincipalArn"] = [arn("role", "*-" + r.choice(TEAMS) + "-*")]
            else:
                parts.setdefault("StringEquals", {})["aws:RequestedRegion"] = r.sample(["us-east-1", "us-west-2", "eu-west-1"], 2)
        return parts

    def statement(self):
        st = super().statement()
        r = self.rng
        if "Action" in st and r.random() < 0.2:
            # NotAction grants as people write them: all but a few dangerous calls.
            st.pop("Action")
            st["NotAction"] = r.choice([["iam:*", "organizations:*", "account:*"], ["s3:Delete*", "s3:PutBucket*"],
                                        ["kms:ScheduleKeyDeletion", "kms:Disable*"], ["ec2:Terminate*", "rds:Delete*"]])
            if r.random() < 0.3:
                st["Resource"] = "*"
        if r.random() < 0.7:
            st["Condition"] = self.condition()
        return st

    def policy_doc(self):
        return {"Version": "2012-10-17",
                "Statement": [dict(self.statement(), Sid=f"S{k}") for k in range(self.rng.randint(2, 12))]}

    def trust(self, i):
        r = self.rng
        if i > 0 and r.random() < 0.4:
            # Chains: each role assumable by one a few places before it, eight deep at most.
            prev = [arn("role", self.roles[max(0, i - r.randint(1, 8))])]
            return {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": prev}, "Action": ["sts:AssumeRole", "sts:TagSession"],
                 "Condition": {"StringEquals": {"aws:PrincipalTag/team": TEAMS[i % len(TEAMS)]}}}]}
        return super().trust(i)

    def generate(self, out):
        super().generate(out)
        path = os.path.join(out, "iam/get-account-authorization-details.json")
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        r = self.rng
        groups = doc["GroupDetailList"]
        policies = [p["PolicyName"] for p in doc["Policies"][1:]]
        for g in groups[1:]:
            g["AttachedManagedPolicies"] = self.attached(policies, r.randint(1, 10))
            if r.random() < 0.2:
                g["GroupPolicyList"] = [{"PolicyName": "inline", "PolicyDocument": self.policy_doc()}]
        names = [g["GroupName"] for g in groups[1:]]
        for i, u in enumerate(doc["UserDetailList"]):
            name = self.user_name(i)
            u["UserName"], u["Arn"] = name, arn("user", name)
            if i >= 3:
                u["GroupList"] = r.sample(names, r.randint(1, 10))
        for role in doc["RoleDetailList"][2:]:
            if r.random() < 0.25:
                role["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy",
                                               "PermissionsBoundaryArn": arn("policy", r.choice(policies[:20]))}
        counts = {}
        for holder in groups + doc["UserDetailList"] + doc["RoleDetailList"]:
            for a in holder["AttachedManagedPolicies"]:
                counts[a["PolicyName"]] = counts.get(a["PolicyName"], 0) + 1
        for p in doc["Policies"]:
            p["AttachmentCount"] = counts.get(p["PolicyName"], 0)
        self.write(out, "iam/get-account-authorization-details.json", doc)
        # The credential report names the same users.
        path = os.path.join(out, "iam/credential-report.csv")
        with open(path, encoding="utf-8") as f:
            rows = list(csv.reader(f))
        for i, row in enumerate(rows[2:]):
            row[0], row[1] = self.user_name(i), arn("user", self.user_name(i))
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        self.write(out, "iam/credential-report.csv", buf.getvalue(), text=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--profile", choices=["default", "varied"], default="default")
    a = ap.parse_args()
    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    g = (Varied if a.profile == "varied" else Gen)(a.seed, a.scale)
    g.generate(a.out)
    print(f"{g.n_users} users, {g.n_groups} groups, {g.n_roles} roles, {g.n_policies} policies, "
          f"{g.n_phi_buckets} PHI buckets, {g.n_keys} keys -> {a.out}")


if __name__ == "__main__":
    main()
