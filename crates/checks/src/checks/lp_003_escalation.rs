use phiward_access::{shortest_paths, Reach};
use phiward_report::{Evidence, Finding, Severity, Status};

use crate::conditions::{evidence, steps_when};
use crate::{Audit, Meta};

check! {
    /// What: the shortest path from each non-administrator user or role (and each external
    /// principal a trust policy admits) to an administrator-equivalent principal in the
    /// escalation graph (`phiward paths`): assume role, trust-policy rewrite, credentials of
    /// another user, `iam:PassRole` to a service that runs code, SSM. Every step is decided by
    /// the engine; a path that needs MFA or other context is reported with it.
    /// Why: least privilege (164.308(a)(4)(ii)(B)) is void when a principal can become an
    /// administrator in one or more steps, which single-policy reviews miss.
    /// Fix: break a step of the path: narrow the trust policy, the `iam:PassRole` resources,
    /// or the IAM actions on other principals.
    pub static CHECK = Meta {
        id: "LP-003",
        title: "Nobody can escalate to administrator",
        severity: Severity::High,
        practice: 2,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.312(a)(1)"],
        cis: None,
        remediation: "break a step of the path: narrow the role's trust policy, the iam:PassRole resources, or the IAM actions the principal has on others",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    let g = a.graph();
    let admins: Vec<usize> = (0..g.nodes.len())
        .filter(|&i| g.nodes.get(i).is_some_and(|n| n.admin))
        .collect();
    let paths = shortest_paths(g, None, &admins);
    let name = |i: usize| g.nodes.get(i).map_or("?", |n| n.arn.as_str());
    let mut out: Vec<Finding> = paths
        .iter()
        .map(|p| {
            let steps: Vec<_> = p
                .edges
                .iter()
                .filter_map(|&k| g.edges.get(k))
                .flat_map(|e| g.steps(e))
                .collect();
            let how = match p.access {
                Reach::Allowed => String::new(),
                Reach::Conditional => match steps_when(&steps) {
                    w if w.is_empty() => ", under conditions".to_string(),
                    w => w,
                },
            };
            let mut f = m.finding(
                Status::Fail,
                name(p.from),
                format!(
                    "`{}` can become administrator `{}` in {} step{}{how}",
                    name(p.from),
                    name(p.to),
                    p.edges.len(),
                    if p.edges.len() == 1 { "" } else { "s" }
                ),
            );
            f.principal = Some(name(p.from).to_string());
            for e in p.edges.iter().filter_map(|&k| g.edges.get(k)) {
                for s in &g.steps(e) {
                    let at = format!(
                        "{} -> {}: {} on {}",
                        name(e.from),
                        name(e.to),
                        s.action,
                        s.resource
                    );
                    f.evidence.extend(evidence(&s.conditions, &at));
                    for v in &s.via {
                        f.evidence.push(Evidence {
                            source: v.policy.to_string(),
                            statement: Some(v.statement),
                            line: Some(v.line),
                            detail: format!(
                                "{} -> {}: {} on {}",
                                name(e.from),
                                name(e.to),
                                s.action,
                                s.resource
                            ),
                        });
                    }
                }
            }
            f
        })
        .collect();
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no principal outside the administrators can become one",
        ));
    }
    out
}
