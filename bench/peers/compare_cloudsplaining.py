#!/usr/bin/env python3
"""Finding-by-finding comparison of Cloudsplaining with phiward on one generated account.

    compare_cloudsplaining.py extract ACCOUNT_DIR POLICY_DIR
        writes every customer managed and inline policy of the account as one file (for
        `phiward lint`) and POLICY_DIR/index.json mapping each file to its policy key
    compare ACCOUNT_DIR CS_RESULTS_JSON PHIWARD_LINT_JSON PHIWARD_AUDIT_JSON POLICY_DIR
        prints Markdown tables: per-category counts, policies flagged by one tool and not
        the other, and sampled disagreements with the statements behind them

Policy keys: `managed:NAME` for managed policies; `inline:SHA` (SHA-256 of the document
with sorted keys) for inline ones, since Cloudsplaining keys inline policies by a hash of
their document and not by their holder.

Category mapping (Cloudsplaining -> phiward lint rule, and audit check where one exists):
PrivilegeEscalation -> PW301 (LP-003 at principal level), ResourceExposure (permissions
management) -> PW302, CredentialsExposure -> PW303, DataExfiltration -> PW304,
InfrastructureModification -> PW305, ServiceWildcard -> LP-002 (per policy).
"""
import collections
import hashlib
import json
import os
import random
import sys

CATS = [("PrivilegeEscalation", "PW301"), ("ResourceExposure", "PW302"), ("CredentialsExposure", "PW303"),
        ("DataExfiltration", "PW304"), ("InfrastructureModification", "PW305"), ("ServiceWildcard", "LP-002")]


def doc_key(doc):
    return "inline:" + hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:16]


def extract(account, out):
    d = json.load(open(os.path.join(account, "iam/get-account-authorization-details.json")))
    os.makedirs(out, exist_ok=True)
    index = {}
    for p in d["Policies"]:
        if ":aws:policy/" in p["Arn"]:
            continue
        doc = next(v["Document"] for v in p["PolicyVersionList"] if v["IsDefaultVersion"])
        fn = f"managed-{p['PolicyName']}.json"
        json.dump(doc, open(os.path.join(out, fn), "w"), indent=1)
        index[fn] = {"key": "managed:" + p["PolicyName"], "arn": p["Arn"]}
    for kind, lst, name_key, pol_key in [("user", "UserDetailList", "UserName", "UserPolicyList"),
                                          ("group", "GroupDetailList", "GroupName", "GroupPolicyList"),
                                          ("role", "RoleDetailList", "RoleName", "RolePolicyList")]:
        for h in d[lst]:
            for i in h.get(pol_key, []):
                fn = f"inline-{kind}-{h[name_key]}-{i['PolicyName']}.json"
                json.dump(i["PolicyDocument"], open(os.path.join(out, fn), "w"), indent=1)
                index[fn] = {"key": doc_key(i["PolicyDocument"]), "arn": f"{h['Arn']}#{i['PolicyName']}"}
    json.dump(index, open(os.path.join(out, "index.json"), "w"), indent=1)
    print(f"{len(index)} policies written to {out}")


def compare(account, cs_path, lint_path, audit_path, pdir):
    index = json.load(open(os.path.join(pdir, "index.json")))
    docs = {v["key"]: os.path.join(pdir, fn) for fn, v in index.items()}
    arn_to_key = {v["arn"]: v["key"] for v in index.values()}
    cs = json.load(open(cs_path))
    # Cloudsplaining: policy key -> category -> actions (or escalation types)
    csf = collections.defaultdict(dict)
    excluded = 0
    for section in ("customer_managed_policies", "inline_policies"):
        for pid, p in cs.get(section, {}).items():
            if p.get("is_excluded"):
                excluded += 1
                continue
            key = "managed:" + p["PolicyName"] if section == "customer_managed_policies" else doc_key(p["PolicyDocument"])
            for cat, _ in CATS:
                found = p.get(cat, {}).get("findings") or []
                if found:
                    csf[key][cat] = [x["type"] if isinstance(x, dict) else x for x in found]
    # phiward lint: policy key -> rule -> messages
    lint = json.load(open(lint_path))
    phf = collections.defaultdict(dict)
    for f in lint["files"]:
        meta = index.get(os.path.basename(f["path"]))
        if not meta:
            continue
        for x in f["findings"]:
            if x["id"] in ("PW301", "PW302", "PW303", "PW304", "PW305"):
                phf[meta["key"]].setdefault(x["id"], []).append(x["message"])
    audit = json.load(open(audit_path))
    for x in audit["findings"]:
        if x["check"] == "LP-002" and x["status"] == "fail":
            src = x["resource"]
            key = arn_to_key.get(src) or arn_to_key.get(src.replace("#", "#", 1))
            if key:
                phf[key].setdefault("LP-002", []).append(x["message"])
    all_keys = set(docs)
    print(f"policies: {len(all_keys)} (customer managed and inline); Cloudsplaining excluded {excluded}\n")
    print("| Cloudsplaining category | phiward | policies flagged by Cloudsplaining | by phiward | both | Cloudsplaining only | phiward only |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    disagreements = {}
    for cat, rule in CATS:
        a = {k for k in all_keys if cat in csf.get(k, {})}
        b = {k for k in all_keys if rule in phf.get(k, {})}
        print(f"| {cat} | {rule} | {len(a)} | {len(b)} | {len(a & b)} | {len(a - b)} | {len(b - a)} |")
        disagreements[cat] = (sorted(a - b), sorted(b - a), rule)
    d0 = json.load(open(os.path.join(account, "iam/get-account-authorization-details.json")))
    unattached = {"managed:" + p["PolicyName"] for p in d0["Policies"] if p.get("AttachmentCount", 0) == 0}
    cs_only_sw = disagreements["ServiceWildcard"][0]
    print(f"\nServiceWildcard found only by Cloudsplaining: {len(cs_only_sw)} policies, of which "
          f"{len(set(cs_only_sw) & unattached)} are attached to no principal (LP-002 reports held policies only) "
          f"and {sum(1 for k in cs_only_sw if _wild_on_star(json.load(open(docs[k]))) == 0)} have no `service:*` on `Resource: *`.")
    print("\nWhy they disagree, per policy (the statements each tool names):\n")
    print("| category | phiward only: flagged statement has a Condition | uses NotAction/NotResource | other (not classified) |"
          " Cloudsplaining only: the policy has a Deny or a conditional statement | other |")
    print("| --- | --- | --- | --- | --- | --- |")
    for cat, (cs_only, ph_only, rule) in disagreements.items():
        if rule == "LP-002":
            continue
        c = collections.Counter()
        for k in ph_only:
            doc = json.load(open(docs[k]))
            idx = {int(m.split()[1]) for m in phf[k][rule] if m.startswith("statement ")}
            sts = [doc["Statement"][i] for i in idx if i < len(doc["Statement"])]
            if sts and all("Condition" in s for s in sts):
                c["cond"] += 1
            elif any("NotAction" in s or "NotResource" in s for s in sts):
                c["not"] += 1
            else:
                c["other"] += 1
        d2 = collections.Counter()
        for k in cs_only:
            doc = json.load(open(docs[k]))
            if any(s.get("Effect") == "Deny" for s in doc["Statement"]) or any("Condition" in s for s in doc["Statement"]):
                d2["deny"] += 1
            else:
                d2["other"] += 1
        print(f"| {cat}/{rule} | {c['cond']} | {c['not']} | {c['other']} | {d2['deny']} | {d2['other']} |")
    # principal level: escalation
    print()
    esc_pols = {k for k in all_keys if "PrivilegeEscalation" in csf.get(k, {})}
    d = json.load(open(os.path.join(account, "iam/get-account-authorization-details.json")))
    groups = {g["GroupName"]: g for g in d["GroupDetailList"]}

    def principal_keys(h, pol_key):
        ks = {"managed:" + m["PolicyName"] for m in h["AttachedManagedPolicies"]}
        ks |= {doc_key(i["PolicyDocument"]) for i in h.get(pol_key, [])}
        for g in h.get("GroupList", []):
            ks |= principal_keys(groups[g], "GroupPolicyList")
        return ks
    cs_pr = set()
    admins = set()
    for h, pk in [(u, "UserPolicyList") for u in d["UserDetailList"]] + [(r, "RolePolicyList") for r in d["RoleDetailList"]]:
        ks = principal_keys(h, pk)
        if ks & esc_pols:
            cs_pr.add(h["Arn"])
        if "managed:AdministratorAccess" in ks:
            admins.add(h["Arn"])
    ph_pr = {x["resource"] for x in audit["findings"] if x["check"] == "LP-003" and x["status"] == "fail"}
    ph_uncond = {x["resource"] for x in audit["findings"] if x["check"] == "LP-003" and x["status"] == "fail"
                 and "under conditions" not in x["message"]}
    print("| principals (users and roles) | count |")
    print("| --- | --- |")
    print(f"| holding a policy Cloudsplaining flags for privilege escalation | {len(cs_pr)} |")
    print(f"| phiward LP-003 fail (a path to administrator, any length) | {len(ph_pr)} |")
    print(f"| of which without conditions | {len(ph_uncond)} |")
    print(f"| both | {len(cs_pr & ph_pr)} |")
    print(f"| Cloudsplaining only | {len(cs_pr - ph_pr)} |")
    print(f"| phiward only | {len(ph_pr - cs_pr)} |")
    print(f"| holders of AdministratorAccess (excluded by Cloudsplaining's default exclusions) | {len(admins)} |")
    steps = collections.Counter()
    for x in audit["findings"]:
        if x["check"] == "LP-003" and x["status"] == "fail" and x["resource"] in (ph_pr - cs_pr):
            m = x["message"].split(" in ", 1)[-1].split(" step")[0]
            steps[m] += 1
    print(f"\nphiward-only LP-003 principals by path length (steps): {dict(sorted(steps.items()))}\n")
    # samples
    rng = random.Random(1)
    print("Sampled disagreements:\n")
    for cat, (cs_only, ph_only, rule) in disagreements.items():
        for label, keys in (("Cloudsplaining only", cs_only), ("phiward only", ph_only)):
            for k in rng.sample(keys, min(2, len(keys))):
                doc = json.load(open(docs[k]))
                print(f"- {cat}/{rule}, {label}: `{k}`")
                if k in csf and cat in csf[k]:
                    print(f"  - Cloudsplaining: {', '.join(map(str, csf[k][cat][:6]))}")
                if k in phf and rule in phf[k]:
                    print(f"  - phiward: {phf[k][rule][0][:300]}")
                named = set()
                for m in phf.get(k, {}).get(rule, []):
                    if m.startswith("statement "):
                        named.add(int(m.split()[1]))
                rel = [s for i, s in enumerate(doc["Statement"])
                       if i in named or _touches(s, cat, csf.get(k, {}).get(cat, []))]
                for s in rel[:2]:
                    print(f"  - statement: `{json.dumps(s)[:300]}`")


def _wild_on_star(doc):
    n = 0
    for st in doc["Statement"]:
        a = st.get("Action", [])
        a = [a] if isinstance(a, str) else a
        r = st.get("Resource", [])
        r = [r] if isinstance(r, str) else r
        if st.get("Effect") == "Allow" and "*" in r and any(x.endswith(":*") for x in a) and "Condition" not in st:
            n += 1
    return n


def _touches(st, cat, acts):
    a = st.get("Action", st.get("NotAction", []))
    a = [a] if isinstance(a, str) else a
    low = {str(x).lower() for x in acts}
    svc = {str(x).split(":")[0].lower() for x in acts if ":" in str(x)}
    return any(x.lower() in low or x.split(":")[0].lower() in svc for x in a) or st.get("Effect") == "Deny" \
        or "NotAction" in st or "NotResource" in st


if __name__ == "__main__":
    if sys.argv[1] == "extract":
        extract(*sys.argv[2:4])
    else:
        compare(*sys.argv[2:7])
