use phiward_access::{Reach, Technique};
use phiward_report::{Evidence, Finding, Severity, Status};

use crate::conditions::{evidence, steps_when};
use crate::{Audit, Meta};

check! {
    /// What: `pass_role_cloud_formation` edges of the escalation graph (`iam:PassRole` of a
    /// role CloudFormation may assume, plus `cloudformation:CreateStack`, decided by the
    /// engine) from a principal that is not an administrator to one that is.
    /// Why: a stack runs with its service role's permissions; whoever can pass an administrator
    /// role to CloudFormation is an administrator (164.308(a)(4)(ii)(B)-(C)).
    /// Fix: give CloudFormation service roles only what the stacks deploy, and limit who may
    /// pass them (`iam:PassRole` on the role ARN with `iam:PassedToService`).
    pub static CHECK = Meta {
        id: "AUTO-002",
        title: "CloudFormation roles cannot be used to escalate",
        severity: Severity::High,
        practice: 7,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)"],
        cis: None,
        remediation: "scope the CloudFormation service role to what its stacks deploy, and allow iam:PassRole on it only to the release pipeline",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    let g = a.graph();
    let name = |i: usize| g.nodes.get(i).map_or("?", |n| n.arn.as_str());
    let admin = |i: usize| g.nodes.get(i).is_some_and(|n| n.admin);
    let mut out: Vec<Finding> = g
        .edges
        .iter()
        .filter(|e| {
            e.technique == Technique::PassRoleCloudFormation && !admin(e.from) && admin(e.to)
        })
        .map(|e| {
            let steps = g.steps(e);
            let how = match e.access {
                Reach::Allowed => String::new(),
                Reach::Conditional => match steps_when(&steps) {
                    w if w.is_empty() => ", under conditions".to_string(),
                    w => w,
                },
            };
            let mut f = m.finding(
                Status::Fail,
                name(e.from),
                format!(
                    "`{}` can launch CloudFormation stacks as administrator role `{}`{how}",
                    name(e.from),
                    name(e.to)
                ),
            );
            f.principal = Some(name(e.from).to_string());
            for s in &steps {
                f.evidence.extend(evidence(
                    &s.conditions,
                    &format!("{} on {}", s.action, s.resource),
                ));
                for v in &s.via {
                    f.evidence.push(Evidence {
                        source: v.policy.to_string(),
                        statement: Some(v.statement),
                        line: Some(v.line),
                        detail: format!("allows {} on {}", s.action, s.resource),
                    });
                }
            }
            f
        })
        .collect();
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no non-administrator can launch CloudFormation with an administrator role",
        ));
    }
    out
}
