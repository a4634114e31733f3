#!/usr/bin/env python3
"""Writes realistic CloudTrail logs in CloudTrail's S3 layout, for `phiward trail` benchmarks.

    python3 bench/trail_gen.py OUT [--gb 1.0] [--seed 7]

OUT/AWSLogs/111122223333/CloudTrail/REGION/YYYY/MM/DD/ACCT_CloudTrail_REGION_TS_ID.json.gz,
each file a gzip'd {"Records": [...]} of a few hundred to a few thousand events, until the
uncompressed total reaches --gb (GiB). Seeded: the same arguments give the same files.

Events look like CloudTrail's: IAM users, assumed roles (with session context and MFA
attributes), federated users, root, AWS services; management and data events over many
services and regions; request parameters, response elements, resources, TLS details, user
agents; about 4% refused (AccessDenied, UnauthorizedOperation, ...) and 2% other errors.
"""

import argparse
import gzip
import json
import os
import random
import uuid

ACCOUNT = "111122223333"
REGIONS = ["us-east-1", "us-east-1", "us-east-1", "us-west-2", "us-west-2", "eu-west-1", "ap-southeast-2", "ca-central-1"]

# (source, event name, read-only, kind of resource)
CALLS = [
    ("s3.amazonaws.com", "GetObject", True, "object"),
    ("s3.amazonaws.com", "GetObject", True, "object"),
    ("s3.amazonaws.com", "GetObject", True, "object"),
    ("s3.amazonaws.com", "PutObject", False, "object"),
    ("s3.amazonaws.com", "HeadObject", True, "object"),
    ("s3.amazonaws.com", "ListObjectsV2", True, "bucket"),
    ("s3.amazonaws.com", "DeleteObject", False, "object"),
    ("s3.amazonaws.com", "GetBucketPolicy", True, "bucket"),
    ("kms.amazonaws.com", "Decrypt", True, "key"),
    ("kms.amazonaws.com", "GenerateDataKey", True, "key"),
    ("kms.amazonaws.com", "Encrypt", True, "key"),
    ("dynamodb.amazonaws.com", "GetItem", True, "table"),
    ("dynamodb.amazonaws.com", "PutItem", False, "table"),
    ("dynamodb.amazonaws.com", "Query", True, "table"),
    ("dynamodb.amazonaws.com", "TransactWriteItems", False, "table"),
    ("sts.amazonaws.com", "AssumeRole", False, "role"),
    ("sts.amazonaws.com", "GetCallerIdentity", True, None),
    ("ec2.amazonaws.com", "DescribeInstances", True, None),
    ("ec2.amazonaws.com", "RunInstances", False, "instance"),
    ("ec2.amazonaws.com", "DescribeSecurityGroups", True, None),
    ("iam.amazonaws.com", "GetRole", True, "role"),
    ("iam.amazonaws.com", "ListUsers", True, None),
    ("iam.amazonaws.com", "CreateAccessKey", False, "user"),
    ("iam.amazonaws.com", "PutRolePolicy", False, "role"),
    ("lambda.amazonaws.com", "Invoke", False, "function"),
    ("lambda.amazonaws.com", "UpdateFunctionCode20150331v2", False, "function"),
    ("logs.amazonaws.com", "CreateLogStream", False, "loggroup"),
    ("logs.amazonaws.com", "PutLogEvents", False, "loggroup"),
    ("monitoring.amazonaws.com", "PutMetricData", False, None),
    ("monitoring.amazonaws.com", "GetMetricData", True, None),
    ("athena.amazonaws.com", "StartQueryExecution", False, "workgroup"),
    ("athena.amazonaws.com", "GetQueryResults", True, "workgroup"),
    ("glue.amazonaws.com", "GetTable", True, None),
    ("glue.amazonaws.com", "GetPartitions", True, None),
    ("secretsmanager.amazonaws.com", "GetSecretValue", True, "secret"),
    ("ssm.amazonaws.com", "GetParameter", True, "parameter"),
    ("cloudtrail.amazonaws.com", "LookupEvents", True, None),
    ("config.amazonaws.com", "PutEvaluations", False, None),
    ("signin.amazonaws.com", "ConsoleLogin", False, None),
    ("cloudtrail.amazonaws.com", "StopLogging", False, "trail"),
]
DENIED = ["AccessDenied", "AccessDeniedException", "Client.UnauthorizedOperation", "UnauthorizedOperation"]
OTHER_ERRORS = ["ThrottlingException", "NoSuchKey", "ResourceNotFoundException", "ValidationException"]
AGENTS = [
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79 exe/x86_64.amzn.2023 prompt/off command/s3.cp",
    "Boto3/1.34.70 md/Botocore#1.34.70 ua/2.0 os/linux#5.10.213 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.70",
    "aws-sdk-java/2.25.16 Linux/5.10.213-201.855.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
    "aws-internal/3 aws-sdk-java/1.12.680 Linux/5.10.213 OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402",
    "console.amazonaws.com",
    "AWS Internal",
]


def principals(rng):
    out = []
    for i in range(120):
        name = f"svc-{i:03d}"
        out.append({"type": "AssumedRole", "role": f"arn:aws:iam::{ACCOUNT}:role/{'service/' if i % 3 == 0 else ''}{name}", "name": name})
    for i in range(60):
        out.append({"type": "IAMUser", "name": f"user-{i:03d}"})
    for i in range(10):
        out.append({"type": "FederatedUser", "name": f"fed-{i}"})
    out.append({"type": "Root"})
    for s in ["config.amazonaws.com", "cloudtrail.amazonaws.com", "elasticloadbalancing.amazonaws.com"]:
        out.append({"type": "AWSService", "service": s})
    # A few heavy hitters make most of the traffic, as in real accounts.
    weights = [max(1.0, 200.0 / (i + 1)) for i in range(len(out))]
    rng.shuffle(weights)
    return out, weights


def identity(p, rng):
    if p["type"] == "AssumedRole":
        session = f"i-{rng.getrandbits(40):010x}"
        return {
            "type": "AssumedRole",
            "principalId": f"AROA{rng.getrandbits(60):015X}:{session}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{p['name']}/{session}",
            "accountId": ACCOUNT,
            "accessKeyId": f"ASIA{rng.getrandbits(60):016X}",
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": f"AROA{rng.getrandbits(60):015X}", "arn": p["role"], "accountId": ACCOUNT, "userName": p["name"]},
                "webIdFederationData": {},
                "attributes": {"creationDate": "2024-05-01T00:00:00Z", "mfaAuthenticated": "false"},
                "ec2RoleDelivery": "2.0",
            },
        }
    if p["type"] == "IAMUser":
        return {"type": "IAMUser", "principalId": f"AIDA{rng.getrandbits(60):015X}", "arn": f"arn:aws:iam::{ACCOUNT}:user/{p['name']}",
                "accountId": ACCOUNT, "accessKeyId": f"AKIA{rng.getrandbits(60):016X}", "userName": p["name"]}
    if p["type"] == "FederatedUser":
        return {"type": "FederatedUser", "principalId": f"{ACCOUNT}:{p['name']}", "arn": f"arn:aws:sts::{ACCOUNT}:federated-user/{p['name']}",
                "accountId": ACCOUNT, "sessionContext": {"sessionIssuer": {"type": "IAMUser", "arn": f"arn:aws:iam::{ACCOUNT}:user/broker"}}}
    if p["type"] == "Root":
        return {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT}
    return {"type": "AWSService", "invokedBy": p["service"]}


def resource(kind, region, rng):
    n = rng.randrange(40)
    if kind == "object":
        bucket = f"phi-bucket-{n % 12}"
        key = f"data/{rng.randrange(2020, 2025)}/{rng.randrange(1, 13):02d}/part-{rng.getrandbits(32):08x}.parquet"
        return ({"bucketName": bucket, "key": key, "Host": f"{bucket}.s3.{region}.amazonaws.com", "x-id": "GetObject"},
                [{"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"}, {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}])
    if kind == "bucket":
        bucket = f"phi-bucket-{n % 12}"
        return ({"bucketName": bucket, "Host": f"{bucket}.s3.{region}.amazonaws.com", "list-type": "2", "prefix": "data/"},
                [{"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}])
    if kind == "key":
        kid = str(uuid.UUID(int=rng.getrandbits(128)))
        return ({"keyId": kid, "encryptionAlgorithm": "SYMMETRIC_DEFAULT", "encryptionContext": {"aws:s3:arn": f"arn:aws:s3:::phi-bucket-{n % 12}"}},
                [{"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": f"arn:aws:kms:{region}:{ACCOUNT}:key/{kid}"}])
    if kind == "table":
        return ({"tableName": f"claims-{n % 8}", "key": {"pk": {"S": f"patient#{rng.getrandbits(32)}"}}, "consistentRead": False},
                [{"accountId": ACCOUNT, "type": "AWS::DynamoDB::Table", "ARN": f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/claims-{n % 8}"}])
    if kind == "role":
        arn = f"arn:aws:iam::{ACCOUNT}:role/svc-{n:03d}"
        return ({"roleArn": arn, "roleSessionName": f"s-{rng.getrandbits(32):08x}", "durationSeconds": 3600}, [{"accountId": ACCOUNT, "type": "AWS::IAM::Role", "ARN": arn}])
    if kind == "user":
        return ({"userName": f"user-{n:03d}"}, None)
    if kind == "function":
        arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:etl-{n % 10}"
        return ({"functionName": arn, "invocationType": "Event"}, [{"accountId": ACCOUNT, "type": "AWS::Lambda::Function", "ARN": arn}])
    if kind == "instance":
        return ({"instancesSet": {"items": [{"imageId": "ami-0abcdef1234567890", "minCount": 1, "maxCount": 1}]}, "instanceType": "m5.large"}, None)
    if kind == "loggroup":
        return ({"logGroupName": f"/aws/lambda/etl-{n % 10}", "logStreamName": f"2024/05/01/[$LATEST]{rng.getrandbits(64):016x}"}, None)
    if kind == "workgroup":
        return ({"workGroup": "primary", "queryString": "SELECT * FROM claims WHERE dt = '2024-05-01' LIMIT 100"}, None)
    if kind == "secret":
        return ({"secretId": f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:db-{n % 5}-AbCdEf"}, None)
    if kind == "parameter":
        return ({"name": f"/app/config/{n % 20}", "withDecryption": True}, None)
    if kind == "trail":
        return ({"name": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main"}, None)
    return (None, None)


def event(rng, t, region, p, call):
    source, name, read_only, kind = call
    params, res = resource(kind, region, rng)
    e = {
        "eventVersion": "1.09",
        "userIdentity": identity(p, rng),
        "eventTime": t,
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": p.get("service") or f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
        "userAgent": p.get("service") or rng.choice(AGENTS),
        "requestParameters": params,
        "responseElements": None,
        "requestID": str(uuid.UUID(int=rng.getrandbits(128))),
        "eventID": str(uuid.UUID(int=rng.getrandbits(128))),
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": kind not in ("object", "table", "function"),
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Data" if kind in ("object", "table", "function") else "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": f"{source.split('.')[0]}.{region}.amazonaws.com"},
    }
    if res:
        e["resources"] = res
    if name == "ConsoleLogin":
        e["eventType"] = "AwsConsoleSignIn"
        e["responseElements"] = {"ConsoleLogin": "Success"}
        e["additionalEventData"] = {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": rng.choice(["Yes", "Yes", "No"])}
    elif name == "AssumeRole":
        e["responseElements"] = {"credentials": {"accessKeyId": f"ASIA{rng.getrandbits(60):016X}", "sessionToken": "IQoJb3JpZ2luX2VjE" + "x" * 300, "expiration": "May 1, 2024, 1:00:00 AM"}}
    r = rng.random()
    if r < 0.04:
        e["errorCode"] = rng.choice(DENIED)
        e["errorMessage"] = f"User: {e['userIdentity'].get('arn', 'unknown')} is not authorized to perform: {source.split('.')[0]}:{name} because no identity-based policy allows the action"
    elif r < 0.06:
        e["errorCode"] = rng.choice(OTHER_ERRORS)
        e["errorMessage"] = "The request failed."
    return e


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--gb", type=float, default=1.0, help="uncompressed GiB to write (default 1.0)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--level", type=int, default=6, help="gzip level (default 6)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    people, weights = principals(rng)
    target = int(a.gb * (1 << 30))
    written = files = events = 0
    minute = 0  # minutes since 2024-03-01T00:00Z
    while written < target:
        region = rng.choice(REGIONS)
        day, rem = divmod(minute, 1440)
        hour, mn = divmod(rem, 60)
        month, dom = (3, day + 1) if day < 31 else ((4, day - 30) if day < 61 else (5, min(day - 60, 31)))
        stamp = f"2024{month:02d}{dom:02d}T{hour:02d}{mn:02d}Z"
        n = rng.randrange(200, 2500)
        recs = []
        for _ in range(n):
            p = rng.choices(people, weights)[0]
            t = f"2024-{month:02d}-{dom:02d}T{hour:02d}:{mn:02d}:{rng.randrange(60):02d}Z"
            recs.append(event(rng, t, region, p, rng.choice(CALLS)))
        body = json.dumps({"Records": recs}, separators=(",", ":")).encode()
        d = os.path.join(a.out, "AWSLogs", ACCOUNT, "CloudTrail", region, "2024", f"{month:02d}", f"{dom:02d}")
        os.makedirs(d, exist_ok=True)
        name = f"{ACCOUNT}_CloudTrail_{region}_{stamp}_{rng.getrandbits(64):016x}.json.gz"
        with open(os.path.join(d, name), "wb") as f:
            f.write(gzip.compress(body, compresslevel=a.level, mtime=0))
        written += len(body)
        files += 1
        events += n
        minute += 5
    print(f"{files} files, {events} events, {written / (1 << 30):.2f} GiB uncompressed under {a.out}")


if __name__ == "__main__":
    main()
