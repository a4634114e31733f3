"""Creates a user allowed exactly docs/collector-policy.json, minus an explicit Deny of
some calls, and turns on moto's IAM enforcement so that those calls are refused with
AccessDenied, as an SCP or a missing permission would in a real account.

    python restrict.py URL POLICY_FILE on     prints {"AccessKeyId": ..., "SecretAccessKey": ...}
    python restrict.py URL POLICY_FILE off    turns enforcement off again
"""
import json
import sys
import urllib.request

import boto3

URL, POLICY, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
DENIED = ["s3:GetBucketPolicy", "kms:GetKeyPolicy", "cloudtrail:GetEventSelectors", "sso:ListAccountAssignments"]


def reset_auth(count):
    # A form content type would make moto read an empty body.
    req = urllib.request.Request(
        URL + "/moto-api/reset-auth", data=count.encode(), method="POST",
        headers={"Content-Type": "text/plain"},
    )
    urllib.request.urlopen(req).read()


if MODE == "off":
    reset_auth("inf")
    sys.exit(0)

iam = boto3.client(
    "iam", endpoint_url=URL, region_name="us-east-1",
    aws_access_key_id="testing", aws_secret_access_key="testing",
)
iam.create_user(UserName="phiward-collector")
iam.put_user_policy(UserName="phiward-collector", PolicyName="collector", PolicyDocument=open(POLICY).read())
iam.put_user_policy(
    UserName="phiward-collector",
    PolicyName="deny-some",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": DENIED, "Resource": "*"}]}),
)
key = iam.create_access_key(UserName="phiward-collector")["AccessKey"]
reset_auth("0")
json.dump({"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"], "Denied": DENIED}, sys.stdout)
