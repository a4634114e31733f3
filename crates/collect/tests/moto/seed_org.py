"""Seeds a fresh moto organization through the AWS API, for `collect --organization`.

    python seed_org.py URL     resets moto at URL, seeds it, prints what the test checks (JSON)

The management account (moto's default, 123456789012) creates the organization:

    Root (SCP DenyLoggingChanges)
    |- Workloads (SCP DenyRootUser)
    |  `- PHI (RCP PhiOrgOnly)           account phi: bucket phi-records-ID, role PhiReader
    |- Identity                           account identity: user analyst, role Auditor
    |- Sandbox (SCP SandboxNoS3)          account sandbox: role Dev
    `- account loose (directly under the root), account retired (suspended)

`analyst` (identity) may assume `PhiReader` (phi), whose trust policy names the identity
account and which reads the PHI bucket: a cross-account path to PHI. The bucket policy
also names `Auditor` (identity, allowed) and `Dev` (sandbox, denied by its OU's SCP).
Members are seeded through OrganizationAccountAccessRole, as the collector reaches them.
"""
import json
import sys
import urllib.request

import boto3

URL = sys.argv[1]
KW = dict(endpoint_url=URL, region_name="us-east-1")
MGMT = dict(aws_access_key_id="testing", aws_secret_access_key="testing")


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


urllib.request.urlopen(urllib.request.Request(URL + "/moto-api/reset", method="POST"))
urllib.request.urlopen(
    urllib.request.Request(
        URL + "/moto-api/reset-auth", data=b"inf", method="POST",
        headers={"Content-Type": "text/plain"},
    )
)

org = boto3.client("organizations", **KW, **MGMT)
o = org.create_organization(FeatureSet="ALL")["Organization"]
root = org.list_roots()["Roots"][0]["Id"]
for t in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
    try:
        org.enable_policy_type(RootId=root, PolicyType=t)
    except org.exceptions.PolicyTypeAlreadyEnabledException:
        pass


def ou(name, parent):
    return org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]


workloads = ou("Workloads", root)
phi_ou = ou("PHI", workloads)
identity_ou = ou("Identity", root)
sandbox_ou = ou("Sandbox", root)


def account(name, parent):
    st = org.create_account(AccountName=name, Email=f"{name}@mercy.example")["CreateAccountStatus"]
    aid = st["AccountId"]
    if parent != root:
        org.move_account(AccountId=aid, SourceParentId=root, DestinationParentId=parent)
    return aid


phi = account("phi", phi_ou)
identity = account("identity", identity_ou)
sandbox = account("sandbox", sandbox_ou)
loose = account("loose", root)
retired = account("retired", sandbox_ou)
org.close_account(AccountId=retired)


def policy(name, kind, content, target):
    pid = org.create_policy(
        Name=name, Description=name, Type=kind, Content=json.dumps(content)
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=pid, TargetId=target)
    return pid


policy("DenyLoggingChanges", "SERVICE_CONTROL_POLICY", {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": [
        "cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail",
        "cloudtrail:PutEventSelectors", "config:StopConfigurationRecorder",
        "config:DeleteConfigurationRecorder"], "Resource": "*"}],
}, root)
policy("DenyRootUser", "SERVICE_CONTROL_POLICY", {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
                   "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}],
}, workloads)
policy("SandboxNoS3", "SERVICE_CONTROL_POLICY", {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}],
}, sandbox_ou)
policy("PhiOrgOnly", "RESOURCE_CONTROL_POLICY", {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                   "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": o["Id"]},
                                 "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}],
}, phi_ou)
org.register_delegated_administrator(AccountId=identity, ServicePrincipal="guardduty.amazonaws.com")


def member(aid):
    sts = boto3.client("sts", **KW, **MGMT)
    c = sts.assume_role(
        RoleArn=f"arn:aws:iam::{aid}:role/OrganizationAccountAccessRole",
        RoleSessionName="seed",
    )["Credentials"]
    return dict(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                aws_session_token=c["SessionToken"])


# The management account: an organization trail.
m_s3 = boto3.client("s3", **KW, **MGMT)
m_s3.create_bucket(Bucket="mercy-org-trail")
m_ct = boto3.client("cloudtrail", **KW, **MGMT)
m_ct.create_trail(Name="org-trail", S3BucketName="mercy-org-trail",
                  IsMultiRegionTrail=True, IsOrganizationTrail=True)
m_ct.start_logging(Name="org-trail")

# The identity account: people and an auditor role.
i_iam = boto3.client("iam", **KW, **member(identity))
i_iam.create_user(UserName="analyst")
i_iam.put_user_policy(UserName="analyst", PolicyName="assume-phi-reader", PolicyDocument=doc(
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{phi}:role/PhiReader"}))
i_iam.create_role(RoleName="Auditor", AssumeRolePolicyDocument=doc(
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{identity}:root"}, "Action": "sts:AssumeRole"}),
    Tags=[{"Key": "person", "Value": "audrey@mercy.example"}])
i_iam.put_role_policy(RoleName="Auditor", PolicyName="read-phi", PolicyDocument=doc(
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))

# The sandbox: a developer role that may read anything, but its OU denies S3.
s_iam = boto3.client("iam", **KW, **member(sandbox))
s_iam.create_role(RoleName="Dev", AssumeRolePolicyDocument=doc(
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{sandbox}:root"}, "Action": "sts:AssumeRole"}))
s_iam.put_role_policy(RoleName="Dev", PolicyName="all-s3", PolicyDocument=doc(
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))

# The PHI account: the bucket and the role that reads it.
p_creds = member(phi)
p_iam = boto3.client("iam", **KW, **p_creds)
p_iam.create_role(RoleName="PhiReader", AssumeRolePolicyDocument=doc(
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{identity}:root"}, "Action": "sts:AssumeRole"}))
bucket = f"phi-records-{phi}"
p_iam.put_role_policy(RoleName="PhiReader", PolicyName="read-records", PolicyDocument=doc(
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}))
p_s3 = boto3.client("s3", **KW, **p_creds)
p_s3.create_bucket(Bucket=bucket)
p_s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "data-classification", "Value": "phi"}]})
p_s3.put_bucket_policy(Bucket=bucket, Policy=doc(
    {"Sid": "CrossAccountReaders", "Effect": "Allow",
     "Principal": {"AWS": [f"arn:aws:iam::{identity}:role/Auditor", f"arn:aws:iam::{sandbox}:role/Dev"]},
     "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}))

# IAM Identity Center, administered from the management account: user `nora` holds the
# permission set `phi-nurse` in the PHI account, where Identity Center provisioned its role
# (created here by hand: moto does not provision). The member account cannot see the
# instance in AWS; the collector reads it with the management account's credentials.
m_sso = boto3.client("sso-admin", **KW, **MGMT)
instance = m_sso.list_instances()["Instances"][0]
m_ids = boto3.client("identitystore", **KW, **MGMT)
nora = m_ids.create_user(
    IdentityStoreId=instance["IdentityStoreId"], UserName="nora@mercy.example", DisplayName="Nora Nurse",
    Name={"GivenName": "Nora", "FamilyName": "Nurse"},
)["UserId"]
nurse_ps = m_sso.create_permission_set(
    InstanceArn=instance["InstanceArn"], Name="phi-nurse", SessionDuration="PT1H",
)["PermissionSet"]["PermissionSetArn"]
m_sso.create_account_assignment(
    InstanceArn=instance["InstanceArn"], TargetId=phi, TargetType="AWS_ACCOUNT",
    PermissionSetArn=nurse_ps, PrincipalType="USER", PrincipalId=nora,
)
p_iam.create_saml_provider(Name="AWSSSO_0123456789abcdef_DO_NOT_DELETE", SAMLMetadataDocument="<x/>" * 400)
p_iam.create_role(
    RoleName="AWSReservedSSO_phi-nurse_0123456789abcdef", Path="/aws-reserved/sso.amazonaws.com/",
    AssumeRolePolicyDocument=doc({"Effect": "Allow", "Principal": {
        "Federated": f"arn:aws:iam::{phi}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"},
        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}))
p_iam.put_role_policy(
    RoleName="AWSReservedSSO_phi-nurse_0123456789abcdef", PolicyName="AwsSSOInlinePolicy",
    PolicyDocument=doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}))

print(json.dumps({
    "org": o["Id"], "management": o["MasterAccountId"], "root": root,
    "ous": {"workloads": workloads, "phi": phi_ou, "identity": identity_ou, "sandbox": sandbox_ou},
    "accounts": {"phi": phi, "identity": identity, "sandbox": sandbox, "loose": loose, "retired": retired},
    "bucket": bucket,
}))
