#!/usr/bin/env python3
"""moto_server with one fix for the IAM emulation the peer tools rely on.

    python moto_server.py -H 127.0.0.1 -p PORT

moto 5.2.5 returns the `Policies` of GetAccountAuthorizationDetails without `PolicyName`
and `PolicyId` (its response serializer looks for `policy_name`/`policy_id` attributes,
while its managed-policy model calls them `name`/`id`); AWS always returns both, and
PMapper indexes them. The fix adds the two attribute names; nothing else changes.
"""
import sys

from moto.iam import models

models.Policy.policy_name = property(lambda self: self.name)
models.Policy.policy_id = property(lambda self: self.id)

from moto.server import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
