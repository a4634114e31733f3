"""Puts a CloudTrail bucket into moto for `phiward trail verify s3://...`, and tampers with it.

    python trail_bucket.py URL upload BUCKET PREFIX DIR SIGNATURES
        creates BUCKET (emptying it first) and uploads every file under DIR as
        PREFIX + its relative path; digests listed in SIGNATURES (KEY<TAB>HEX lines, as
        `phiward trail verify --signatures` reads) get it as `x-amz-meta-signature`,
        as CloudTrail stores it
    python trail_bucket.py URL put BUCKET KEY FILE [SIGNATURE]
    python trail_bucket.py URL delete BUCKET KEY
    python trail_bucket.py URL users BUCKET NAME=POLICY_FILE...
        creates each user with its policy (`my-trail-bucket` replaced by BUCKET) and an
        access key, turns moto's IAM enforcement on, prints {NAME: [KEY, SECRET]}
    python trail_bucket.py URL auth-off

It never resets moto: crates/cli/tests/collect_moto.rs runs it after the collector's checks.
"""
import json
import os
import sys
import urllib.request

import boto3

URL, CMD = sys.argv[1], sys.argv[2]
s3 = boto3.client(
    "s3", endpoint_url=URL, region_name="us-east-1",
    aws_access_key_id="testing", aws_secret_access_key="testing",
)


def put(bucket, key, path, signature=None):
    extra = {"Metadata": {"signature": signature}} if signature else {}
    with open(path, "rb") as f:
        s3.put_object(Bucket=bucket, Key=key, Body=f.read(), **extra)


def reset_auth(count):
    # As restrict.py: a form content type would make moto read an empty body.
    req = urllib.request.Request(
        URL + "/moto-api/reset-auth", data=count.encode(), method="POST",
        headers={"Content-Type": "text/plain"},
    )
    urllib.request.urlopen(req).read()


if CMD == "upload":
    bucket, prefix, root, sigs = sys.argv[3:7]
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for o in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=o["Key"])
    signatures = {}
    for line in open(sigs):
        if line.strip() and not line.startswith("#"):
            key, sig = line.rstrip("\n").split("\t")[:2]
            signatures[key] = sig
    for d, _, files in os.walk(root):
        for name in files:
            path = os.path.join(d, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if not rel.startswith("AWSLogs/"):
                continue
            put(bucket, prefix + rel, path, signatures.get(prefix + rel))
elif CMD == "put":
    bucket, key, path = sys.argv[3:6]
    put(bucket, key, path, sys.argv[6] if len(sys.argv) > 6 else None)
elif CMD == "users":
    bucket = sys.argv[3]
    iam = boto3.client(
        "iam", endpoint_url=URL, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    keys = {}
    for spec in sys.argv[4:]:
        name, policy = spec.split("=", 1)
        iam.create_user(UserName=name)
        doc = open(policy).read().replace("my-trail-bucket", bucket)
        iam.put_user_policy(UserName=name, PolicyName="verify", PolicyDocument=doc)
        k = iam.create_access_key(UserName=name)["AccessKey"]
        keys[name] = [k["AccessKeyId"], k["SecretAccessKey"]]
    reset_auth("0")
    json.dump(keys, sys.stdout)
elif CMD == "auth-off":
    reset_auth("inf")
elif CMD == "delete":
    s3.delete_object(Bucket=sys.argv[3], Key=sys.argv[4])
else:
    sys.exit("usage: trail_bucket.py URL upload|put|delete|users|auth-off ...")
