use phiward_access::{can, runners, PrincipalType, Runs};
use phiward_catalog::{AccessLevel, Catalog};
use phiward_report::{Finding, Severity, Status};
use rayon::prelude::*;

use crate::{statements, Audit, Meta};

check! {
    /// What: each role that Lambda, EC2, ECS tasks, CodeBuild, Glue or SageMaker can assume
    /// (decided by the engine on its trust policy). The engine decides every IAM Write and
    /// Permissions management action of the catalog on `*`, on the role itself, and on a
    /// stand-in user, role, group and policy of the account, with the role's policies,
    /// boundary and SCPs; any allowed one fails (administrator roles too: code that runs as
    /// an administrator is the worst case).
    /// Why: code running with a role that can change IAM turns one vulnerable function or
    /// build into control of the account (164.308(a)(4)(ii)(B), 164.312(a)(1)).
    /// Fix: remove IAM write actions from compute roles; deploy IAM changes through a
    /// reviewed pipeline role.
    pub static CHECK = Meta {
        id: "AUTO-003",
        title: "Compute and CI roles cannot change IAM",
        severity: Severity::High,
        practice: 7,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.312(a)(1)"],
        cis: None,
        remediation: "remove iam:* write and permissions-management actions from roles that run code; make IAM changes through a reviewed deployment role",
    },
    run
}


fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    let Ok(catalog) = Catalog::get() else {
        return vec![m.not_evaluated(a, "the action catalog")];
    };
    let iam_writes: Vec<String> = catalog
        .actions()
        .filter(|x| x.full_name().starts_with("iam:"))
        .filter(|x| {
            matches!(
                x.access_level(),
                AccessLevel::Write | AccessLevel::PermissionsManagement
            )
        })
        .map(|x| x.full_name())
        .collect();
    let account = a.snapshot.account.id.as_deref().unwrap_or("123456789012");
    let mut out = Vec::new();
    // The roles that run code, and for whom (decided for every role at once).
    let runners: Vec<(&phiward_access::Principal, Vec<&str>)> = a
        .access
        .principals
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == PrincipalType::Role && !p.service_linked)
        .map(|(i, p)| {
            let runs = runners(Runs::Code).filter(|svc| a.assumed_by(i, svc));
            (p, runs.collect::<Vec<&str>>())
        })
        .filter(|(_, runs)| !runs.is_empty())
        .collect();
    // Each role is decided on its own: in parallel, then reported in order.
    let decided: Vec<_> = runners
        .into_par_iter()
        .map(|(p, runs)| {
            let resources = vec![
                "*".to_string(),
                p.arn.clone(),
                format!("arn:aws:iam::{account}:role/phiward-probe"),
                format!("arn:aws:iam::{account}:user/phiward-probe"),
                format!("arn:aws:iam::{account}:group/phiward-probe"),
                format!("arn:aws:iam::{account}:policy/phiward-probe"),
            ];
            let caps = can(a.access, p, &iam_writes, &resources).capabilities;
            (p, runs, caps)
        })
        .collect();
    for (p, runs, caps) in decided {
        let mut f = if caps.is_empty() {
            m.finding(
                Status::Pass,
                &p.arn,
                format!(
                    "`{}` (run by {}) cannot change IAM",
                    p.name,
                    runs.join(", ")
                ),
            )
        } else {
            let mut acts: Vec<&str> = caps.iter().map(|c| c.action.as_str()).collect();
            acts.sort_unstable();
            acts.dedup();
            let n = acts.len();
            acts.truncate(6);
            m.finding(
                Status::Fail,
                &p.arn,
                format!(
                    "`{}` (run by {}) can change IAM: {n} actions, e.g. {}",
                    p.name,
                    runs.join(", "),
                    acts.join(", ")
                ),
            )
        };
        f.principal = Some(p.arn.clone());
        for c in caps.iter().take(20) {
            f.evidence.extend(statements(
                &c.via,
                &format!("allows {} on {}", c.action, c.resource),
            ));
        }
        f.evidence
            .sort_by(|x, y| (&x.source, x.statement).cmp(&(&y.source, y.statement)));
        f.evidence
            .dedup_by(|x, y| x.source == y.source && x.statement == y.statement);
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no role runs code for a compute or CI service",
        ));
    }
    out
}
