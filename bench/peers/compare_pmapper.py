#!/usr/bin/env python3
"""Compare PMapper's graph and privilege-escalation answer with `phiward paths`.

    compare_pmapper.py PMAPPER_DATA_DIR PMAPPER_PRIVESC_TXT PHIWARD_PATHS_JSON PHIWARD_AUDIT_JSON

PMAPPER_DATA_DIR is XDG_DATA_HOME of the PMapper run (principalmapper/ACCOUNT/graph/*.json).
phiward's administrators are the principals MFA-002 judges (every administrator-equivalent
principal, decided by the engine); PMapper's are its nodes with is_admin.
"""
import collections
import glob
import json
import os
import re
import sys


def main(data, privesc_txt, paths_json, audit_json):
    g = glob.glob(os.path.join(data, "principalmapper", "*", "graph"))[0]
    nodes = json.load(open(os.path.join(g, "nodes.json")))
    edges = json.load(open(os.path.join(g, "edges.json")))
    pm_admins = {n["arn"] for n in nodes if n["is_admin"]}
    pm_esc = {}
    for line in open(privesc_txt):
        m = re.match(r"(\S+) can escalate privileges by accessing the administrative principal (\S+):", line)
        if m:
            pm_esc["arn:aws:iam::111122223333:" + m.group(1)] = "arn:aws:iam::111122223333:" + m.group(2)
    paths = json.load(open(paths_json))["paths"]
    ph_esc = {p["from"]: p for p in paths}
    ph_uncond = {a for a, p in ph_esc.items() if p["access"] == "allowed"}
    audit = json.load(open(audit_json))
    ph_admins = {x["resource"] for x in audit["findings"] if x["check"] == "MFA-002"}
    tech = collections.Counter(s["technique"] for p in paths for s in p["steps"])
    print("| measure | PMapper | phiward |")
    print("| --- | --- | --- |")
    print(f"| principals in the graph | {len(nodes)} | (every user and role) |")
    print(f"| edges | {len(edges)} ({dict(collections.Counter(e['short_reason'] for e in edges))}) | "
          f"edges on the {len(paths)} shortest paths: {dict(tech)} |")
    print(f"| administrators | {len(pm_admins)} | {len(ph_admins)} |")
    print(f"| administrators found by both | {len(pm_admins & ph_admins)} | |")
    print(f"| administrators found by one only | {sorted(x.split(':')[-1] for x in pm_admins - ph_admins)} | "
          f"{sorted(x.split(':')[-1] for x in ph_admins - pm_admins)} |")
    print(f"| principals with a path to administrator | {len(pm_esc)} | {len(ph_esc)} "
          f"({len(ph_uncond)} unconditional, {len(ph_esc) - len(ph_uncond)} under conditions) |")
    print(f"| of which found by both | {len(set(pm_esc) & set(ph_esc))} | |")
    print(f"| found by one only | {len(set(pm_esc) - set(ph_esc))}: "
          f"{sorted(x.split(':')[-1] for x in set(pm_esc) - set(ph_esc))[:10]} | {len(set(ph_esc) - set(pm_esc))} |")
    only_ph = [ph_esc[a] for a in sorted(set(ph_esc) - set(pm_esc))]
    why = collections.Counter()
    for p in only_ph:
        conds = sorted({c["key"] for s in p["steps"] for perm in s["permissions"] for c in perm.get("conditions", [])})
        why[(p["access"], len(p["steps"]), ",".join(conds[:3]))] += 1
    print("\nphiward-only paths by (access, steps, condition keys):")
    for k, v in why.most_common(12):
        print(f"- {v}: {k}")
    both = sorted(set(pm_esc) & set(ph_esc))
    for a in both[:3]:
        print(f"- both: {a.split(':')[-1]}: PMapper via {pm_esc[a].split(':')[-1]}; phiward "
              f"{' -> '.join(s['to'].split(':')[-1] + ' (' + s['technique'] + ')' for s in ph_esc[a]['steps'])}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
