"""Seeds a fresh moto account through the AWS API, for the collector's tests.

    python seed.py URL     resets moto at URL, seeds it, prints what the test checks (JSON)

Everything is created through boto3, as a real account would be; the names are the ones
crates/cli/tests/collect_moto.rs asserts on.
"""
import json
import sys
import urllib.request

import boto3

URL = sys.argv[1]
KW = dict(
    endpoint_url=URL,
    region_name="us-east-1",
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)
ACCOUNT = "123456789012"


def client(name):
    return boto3.client(name, **KW)


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


urllib.request.urlopen(urllib.request.Request(URL + "/moto-api/reset", method="POST"))
# A previous run that stopped half-way may have left IAM enforcement on (restrict.py).
urllib.request.urlopen(
    urllib.request.Request(
        URL + "/moto-api/reset-auth", data=b"inf", method="POST",
        headers={"Content-Type": "text/plain"},
    )
)
iam = client("iam")
out = {"keys": {}, "mfa": {}}

# Customer managed policy with three versions; v2 is the default.
phi_read = iam.create_policy(
    PolicyName="phi-read",
    Path="/phi/",
    PolicyDocument=doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::mercy-phi-claims/*"}),
)["Policy"]["Arn"]
iam.create_policy_version(
    PolicyArn=phi_read,
    PolicyDocument=doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::mercy-phi-claims", "arn:aws:s3:::mercy-phi-claims/*"]}),
    SetAsDefault=True,
)
iam.create_policy_version(
    PolicyArn=phi_read,
    PolicyDocument=doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
    SetAsDefault=False,
)
out["phi_read_arn"] = phi_read
boundary = iam.create_policy(
    PolicyName="dev-boundary",
    PolicyDocument=doc({"Effect": "Allow", "Action": ["s3:*", "logs:*"], "Resource": "*"}),
)["Policy"]["Arn"]

# Groups: inline and managed (AWS and customer) policies.
iam.create_group(GroupName="clinicians")
iam.put_group_policy(
    GroupName="clinicians",
    PolicyName="clinicians-inline",
    PolicyDocument=doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}),
)
iam.attach_group_policy(GroupName="clinicians", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
iam.attach_group_policy(GroupName="clinicians", PolicyArn=phi_read)
iam.create_group(GroupName="admins")
iam.attach_group_policy(GroupName="admins", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")

# alice: console password and a virtual MFA device, in clinicians, tagged.
iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "cardiology"}])
iam.create_login_profile(UserName="alice", Password="Correct-Horse-1")
iam.add_user_to_group(GroupName="clinicians", UserName="alice")
serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-mfa")["VirtualMFADevice"]["SerialNumber"]
iam.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")
out["mfa"]["alice"] = serial

# bob: console password without MFA, an admin, one active unused key and one inactive key.
iam.create_user(UserName="bob")
iam.create_login_profile(UserName="bob", Password="Correct-Horse-2")
iam.add_user_to_group(GroupName="admins", UserName="bob")
k1 = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
k2 = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
iam.update_access_key(UserName="bob", AccessKeyId=k2, Status="Inactive")
out["keys"]["bob"] = [k1, k2]
iam.put_user_policy(
    UserName="bob",
    PolicyName="bob-inline",
    PolicyDocument=doc({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}),
)

# svc-etl: programmatic only, one key, a customer policy attached directly.
iam.create_user(UserName="svc-etl", Path="/service/")
out["keys"]["svc-etl"] = [iam.create_access_key(UserName="svc-etl")["AccessKey"]["AccessKeyId"]]
iam.attach_user_policy(UserName="svc-etl", PolicyArn=phi_read)

# Roles: a service role with an instance profile, a cross-account role without ExternalId.
ec2_trust = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
iam.create_role(RoleName="phi-app", AssumeRolePolicyDocument=ec2_trust, Tags=[{"Key": "data-classification", "Value": "phi"}])
iam.attach_role_policy(RoleName="phi-app", PolicyArn=phi_read)
iam.put_role_policy(
    RoleName="phi-app",
    PolicyName="phi-app-kms",
    PolicyDocument=doc({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"}),
)
iam.create_instance_profile(InstanceProfileName="phi-app")
iam.add_role_to_instance_profile(InstanceProfileName="phi-app", RoleName="phi-app")
iam.create_role(
    RoleName="vendor-billing",
    AssumeRolePolicyDocument=doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"}),
    PermissionsBoundary=boundary,
)
iam.attach_role_policy(RoleName="vendor-billing", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")

# Identity providers and the account's settings.
saml_metadata = (
    '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
    'entityID="https://idp.mercy.example/saml"><md:IDPSSODescriptor '
    'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>'
)
# AWS wants at least 1,000 characters of metadata.
saml_metadata += "<!--" + "x" * 1000 + "-->"
out["saml_arn"] = iam.create_saml_provider(Name="mercy-okta", SAMLMetadataDocument=saml_metadata)["SAMLProviderArn"]
iam.create_open_id_connect_provider(
    Url="https://token.actions.githubusercontent.com",
    ClientIDList=["sts.amazonaws.com"],
    ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"],
)
iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True, MaxPasswordAge=90, PasswordReusePrevention=24)
iam.create_account_alias(AccountAlias="mercy-health-test")

# S3: a PHI bucket with everything set, a log bucket with nothing set.
s3 = client("s3")
s3.create_bucket(Bucket="mercy-phi-claims")
s3.put_bucket_policy(
    Bucket="mercy-phi-claims",
    Policy=doc({"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::mercy-phi-claims", "arn:aws:s3:::mercy-phi-claims/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
)
s3.put_bucket_tagging(Bucket="mercy-phi-claims", Tagging={"TagSet": [{"Key": "data-classification", "Value": "phi"}]})
s3.put_bucket_versioning(Bucket="mercy-phi-claims", VersioningConfiguration={"Status": "Enabled"})
s3.put_public_access_block(
    Bucket="mercy-phi-claims",
    PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
)
s3.put_bucket_encryption(
    Bucket="mercy-phi-claims",
    ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/phi"}}]},
)
s3.create_bucket(Bucket="mercy-cloudtrail-logs")
s3.put_bucket_acl(Bucket="mercy-cloudtrail-logs", ACL="log-delivery-write")
s3.put_bucket_logging(
    Bucket="mercy-phi-claims",
    BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "mercy-cloudtrail-logs", "TargetPrefix": "access/"}},
)

# KMS key with its policy.
kms = client("kms")
key = kms.create_key(Description="PHI data key")["KeyMetadata"]["KeyId"]
kms.create_alias(AliasName="alias/phi", TargetKeyId=key)
out["kms_key"] = key

# CloudTrail: a multi-region trail, started, with S3 data events.
ct = client("cloudtrail")
ct.create_trail(Name="org-trail", S3BucketName="mercy-cloudtrail-logs", IsMultiRegionTrail=True, EnableLogFileValidation=True, IncludeGlobalServiceEvents=True)
ct.start_logging(Name="org-trail")
ct.put_event_selectors(
    TrailName="org-trail",
    EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::mercy-phi-claims/"]}]}],
)
ct.create_trail(Name="stopped-trail", S3BucketName="mercy-cloudtrail-logs")

# AWS Config: a recorder for everything, a delivery channel, recording.
cfg = client("config")
cfg.put_configuration_recorder(
    ConfigurationRecorder={"name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config", "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}}
)
cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "mercy-cloudtrail-logs"})
cfg.start_configuration_recorder(ConfigurationRecorderName="default")

# SNS, CloudWatch Logs metric filter and a CloudWatch alarm notifying the topic.
sns = client("sns")
topic = sns.create_topic(Name="security-alerts")["TopicArn"]
sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="secops@mercy.example")
out["topic"] = topic
logs = client("logs")
logs.create_log_group(logGroupName="cloudtrail/org")
logs.put_metric_filter(
    logGroupName="cloudtrail/org",
    filterName="root-usage",
    filterPattern='{ $.userIdentity.type = "Root" }',
    metricTransformations=[{"metricName": "RootUsage", "metricNamespace": "CISBenchmark", "metricValue": "1"}],
)
cw = client("cloudwatch")
cw.put_metric_alarm(
    AlarmName="root-usage",
    MetricName="RootUsage",
    Namespace="CISBenchmark",
    Statistic="Sum",
    Period=300,
    EvaluationPeriods=1,
    Threshold=1.0,
    ComparisonOperator="GreaterThanOrEqualToThreshold",
    AlarmActions=[topic],
)

# Secrets Manager.
sm = client("secretsmanager")
sm.create_secret(Name="ehr-db-password", SecretString="hunter2", KmsKeyId=key, Tags=[{"Key": "data-classification", "Value": "phi"}])

# IAM Identity Center: moto creates one instance per region; its identity store takes any
# id. Permission sets with an inline policy, an AWS managed policy and a customer managed
# reference, assigned in this account to a group (one member) and to a user directly.
sso = client("sso-admin")
instance = sso.list_instances()["Instances"][0]
instance_arn, store_id = instance["InstanceArn"], instance["IdentityStoreId"]
ids = client("identitystore")
dana = ids.create_user(
    IdentityStoreId=store_id, UserName="dana", DisplayName="Dana Nurse",
    Name={"GivenName": "Dana", "FamilyName": "Nurse"},
)["UserId"]
erin = ids.create_user(
    IdentityStoreId=store_id, UserName="erin", DisplayName="Erin Admin",
    Name={"GivenName": "Erin", "FamilyName": "Admin"},
)["UserId"]
clinicians = ids.create_group(IdentityStoreId=store_id, DisplayName="clinicians")["GroupId"]
ids.create_group_membership(IdentityStoreId=store_id, GroupId=clinicians, MemberId={"UserId": dana})
reader = sso.create_permission_set(
    InstanceArn=instance_arn, Name="phi-reader", Description="reads claims", SessionDuration="PT2H",
)["PermissionSet"]["PermissionSetArn"]
sso.put_inline_policy_to_permission_set(
    InstanceArn=instance_arn, PermissionSetArn=reader,
    InlinePolicy=doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::mercy-phi-claims/*"}),
)
sso.attach_customer_managed_policy_reference_to_permission_set(
    InstanceArn=instance_arn, PermissionSetArn=reader,
    CustomerManagedPolicyReference={"Name": "phi-read", "Path": "/phi/"},
)
# moto's default SessionDuration is the number 3600, not AWS's "PT1H" string, which the
# SDK refuses to parse; give it explicitly.
admin_ps = sso.create_permission_set(
    InstanceArn=instance_arn, Name="admin", SessionDuration="PT1H",
)["PermissionSet"]["PermissionSetArn"]
sso.attach_managed_policy_to_permission_set(
    InstanceArn=instance_arn, PermissionSetArn=admin_ps,
    ManagedPolicyArn="arn:aws:iam::aws:policy/AdministratorAccess",
)
for ps, kind, who in [(reader, "GROUP", clinicians), (admin_ps, "USER", erin)]:
    sso.create_account_assignment(
        InstanceArn=instance_arn, TargetId=ACCOUNT, TargetType="AWS_ACCOUNT",
        PermissionSetArn=ps, PrincipalType=kind, PrincipalId=who,
    )
out["sso"] = {
    "instance": instance_arn, "store": store_id, "reader": reader, "admin": admin_ps,
    "dana": dana, "erin": erin, "clinicians": clinicians,
}

json.dump(out, sys.stdout)
