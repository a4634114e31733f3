"""Seeds and inspects moto for `phiward rotate run`'s CLI tests (crates/cli/tests/rotate.rs).

  seed.py account URL                      a moto account of its own: its administrator's key
  seed.py user URL KEY SECRET NAME         a user with one key, used once; prints the key id
  seed.py use URL KEY SECRET FILE          calls moto with the key stored in FILE
  seed.py keys URL KEY SECRET NAME         the user's keys, oldest first: [[id, active], ...]

Moto keeps accounts apart by the access key signing a request, so each test's
`--all` sees only its own users.
"""
import json
import random
import sys
import time

import boto3


def client(service, url, key, secret, account=None):
    c = boto3.client(service, endpoint_url=url, region_name="us-east-1",
                     aws_access_key_id=key, aws_secret_access_key=secret)
    if account:
        def add(request, **_):
            request.headers["x-moto-account-id"] = account
        c.meta.events.register("before-sign.*", add)
    return c


ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def main(cmd, url, *rest):
    if cmd == "account":
        account = "8" + "".join(random.choice("0123456789") for _ in range(11))
        iam = client("iam", url, "testing", "testing", account)
        iam.create_user(UserName="rotation-admin", Tags=[{"Key": "rotation-exempt", "Value": "the tests' administrator"}])
        # Other test files turn moto's IAM enforcement on for a while (collect's denied
        # calls): with its own Allow, this account's administrator works either way.
        iam.put_user_policy(UserName="rotation-admin", PolicyName="admin", PolicyDocument=ALLOW_ALL)
        k = iam.create_access_key(UserName="rotation-admin")["AccessKey"]
        print(json.dumps({"key": k["AccessKeyId"], "secret": k["SecretAccessKey"]}))
    elif cmd == "user":
        key, secret, name = rest
        iam = client("iam", url, key, secret)
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="self", PolicyDocument=ALLOW_ALL)
        k = iam.create_access_key(UserName=name)["AccessKey"]
        client("iam", url, k["AccessKeyId"], k["SecretAccessKey"]).get_user()
        # IAM dates are whole seconds: the new key's creation must come after this use.
        time.sleep(1.1)
        print(k["AccessKeyId"])
    elif cmd == "use":
        key, secret, path = rest
        doc = json.load(open(path))
        client("iam", url, doc["AccessKeyId"], doc["SecretAccessKey"]).get_user()
    elif cmd == "keys":
        key, secret, name = rest
        keys = client("iam", url, key, secret).list_access_keys(UserName=name)["AccessKeyMetadata"]
        keys.sort(key=lambda m: (m["CreateDate"], m["AccessKeyId"]))
        print(json.dumps([[m["AccessKeyId"], m["Status"] == "Active"] for m in keys]))
    else:
        sys.exit("usage: seed.py account|user|use|keys URL ...")


if __name__ == "__main__":
    main(*sys.argv[1:])
