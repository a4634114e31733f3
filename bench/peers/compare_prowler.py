#!/usr/bin/env python3
"""Compare Prowler's IAM findings (its CSV output) with phiward's on the same account.

    compare_prowler.py PROWLER_CSV PHIWARD_AUDIT_JSON PHIWARD_LINT_JSON POLICY_DIR

Prints Markdown: Prowler's IAM checks with FAIL/PASS counts and the phiward check that
covers the same question, then, for the pairs that judge the same resources, how many
failing resources both, only Prowler, and only phiward report.
"""
import collections
import csv
import json
import os
import sys

# Prowler check -> (phiward check or lint rule, how the resources line up)
PAIRS = {
    "iam_policy_allows_privilege_escalation": "PW301",
    "iam_inline_policy_allows_privilege_escalation": "PW301",
    "iam_customer_attached_policy_no_administrative_privileges": "LP-001",
    "iam_inline_policy_no_administrative_privileges": "LP-001",
    "iam_aws_attached_policy_no_administrative_privileges": "ADMIN-001",
    "iam_user_mfa_enabled_console_access": "MFA-001",
    "iam_rotate_access_key_90_days": "KEY-001",
    "iam_user_accesskey_unused": "KEY-003",
    "iam_user_console_access_unused": "KEY-006",
    "iam_policy_attached_only_to_group_or_roles": "ADMIN-003",
    "iam_user_two_active_access_key": "KEY-002",
    "iam_role_cross_service_confused_deputy_prevention": "LP-014",
    "iam_root_mfa_enabled": "ROOT-001",
    "iam_no_root_access_key": "ROOT-002",
    "iam_password_policy_minimum_length_14": "MFA-006",
}


def user_of(resource):
    """phiward names users, roles and policies by ARN; keys as ARN#key-N. Reduce to the principal."""
    return resource.split("#")[0]


def main(prowler_csv, audit_path, lint_path, pdir):
    rows = list(csv.DictReader(open(prowler_csv), delimiter=";"))
    by_check = collections.defaultdict(collections.Counter)
    fails = collections.defaultdict(set)
    for r in rows:
        by_check[r["CHECK_ID"]][r["STATUS"]] += 1
        if r["STATUS"] == "FAIL":
            fails[r["CHECK_ID"]].add(r["RESOURCE_UID"])
    audit = json.load(open(audit_path))
    ph_fail = collections.defaultdict(set)
    ph_count = collections.defaultdict(collections.Counter)
    for x in audit["findings"]:
        ph_count[x["check"]][x["status"]] += 1
        if x["status"] == "fail":
            ph_fail[x["check"]].add(user_of(x["resource"]))
            if x.get("principal"):
                ph_fail[x["check"] + "/principal"].add(x["principal"])
    index = json.load(open(os.path.join(pdir, "index.json")))
    for f in json.load(open(lint_path))["files"]:
        meta = index.get(os.path.basename(f["path"]))
        if meta and any(x["id"] == "PW301" for x in f["findings"]):
            ph_fail["PW301"].add(meta["arn"])
    print(f"Prowler: {len(rows)} findings from {len(by_check)} IAM checks "
          f"({sum(c['FAIL'] for c in by_check.values())} FAIL, {sum(c['PASS'] for c in by_check.values())} PASS)\n")
    print("| Prowler check | FAIL | PASS | phiward counterpart | phiward fail | both fail | Prowler only | phiward only |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for check in sorted(by_check):
        c = by_check[check]
        ph = PAIRS.get(check)
        if not ph:
            print(f"| {check} | {c['FAIL']} | {c['PASS']} | — | | | | |")
            continue
        a = fails.get(check, set())
        b = ph_fail.get(ph, set()) | ph_fail.get(ph + "/principal", set())
        if check in ("iam_policy_allows_privilege_escalation",):
            b = {x for x in ph_fail["PW301"] if "#" not in x}
        elif check == "iam_inline_policy_allows_privilege_escalation":
            b = {x.split("#")[0] for x in ph_fail["PW301"] if "#" in x}
            a = {x for x in a}
        both = a & b
        print(f"| {check} | {c['FAIL']} | {c['PASS']} | {ph} | {len(b)} | {len(both)} | {len(a - b)} | {len(b - a)} |")
    print("\nphiward checks with failures and no Prowler IAM counterpart above: "
          + ", ".join(f"{k} ({v['fail']})" for k, v in sorted(ph_count.items())
                      if v["fail"] and k not in PAIRS.values()))


if __name__ == "__main__":
    main(*sys.argv[1:5])
