use phiward_access::{can_grouped, Decisions, PrincipalType};
use rayon::prelude::*;
use phiward_catalog::{AccessLevel, Catalog};
use phiward_report::{Finding, Severity, Status};

use crate::probe::name_matches;
use crate::{statements, Audit, Meta};

check! {
    /// What: each role whose name matches `[phi] audit_roles` (default `*audit*`,
    /// `*readonly*`, `*read-only*`). The engine decides every Write, Permissions management
    /// and Tagging action of the catalog on `*`, and object writes on every bucket, with the
    /// role's policies, boundary and SCPs; any allowed one fails.
    /// Why: auditors and read-only tooling that can change what they review break the
    /// separation of duties audit controls rely on (164.312(b), 164.308(a)(4)(ii)(B)).
    /// Fix: attach only read policies (e.g. `SecurityAudit`, `ViewOnlyAccess`) to audit roles.
    pub static CHECK = Meta {
        id: "LP-012",
        title: "Audit and read-only roles cannot write",
        severity: Severity::High,
        practice: 2,
        hipaa: &["164.312(b)", "164.308(a)(4)(ii)(B)"],
        cis: None,
        remediation: "give audit and read-only roles only read policies (SecurityAudit, ViewOnlyAccess) and remove every write grant",
    },
    run
}

/// How many of a role's writes its finding names.
const SHOWN: usize = 8;

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    let roles: Vec<_> = a
        .access
        .principals
        .iter()
        .filter(|p| p.kind == PrincipalType::Role && !p.service_linked)
        .filter(|p| {
            a.config
                .phi
                .audit_roles
                .iter()
                .any(|pat| name_matches(pat, &p.name))
        })
        .collect();
    if roles.is_empty() {
        return vec![m.finding(
            Status::Pass,
            a.account_resource(),
            "no role matches the audit and read-only name patterns",
        )];
    }
    let Ok(catalog) = Catalog::get() else {
        return vec![m.not_evaluated(a, "the action catalog")];
    };
    let writes: Vec<String> = catalog
        .actions()
        .filter(|x| {
            matches!(
                x.access_level(),
                AccessLevel::Write | AccessLevel::PermissionsManagement | AccessLevel::Tagging
            )
        })
        .map(|x| x.full_name())
        .collect();
    let objects: Vec<String> = a
        .snapshot
        .buckets
        .get()
        .map(|bs| {
            bs.iter()
                .map(|b| format!("arn:aws:s3:::{}/phiward-probe", b.name))
                .collect()
        })
        .unwrap_or_default();
    let object_writes = ["s3:PutObject".to_string(), "s3:DeleteObject".to_string()];
    let star = ["*".to_string()];
    // Each role's writes as groups of actions decided alike: on an account with
    // thousands of them per role, a capability per action is never built.
    let asked: [(&[String], &[String]); 2] = [(&writes, &star), (&object_writes, &objects)];
    roles
        .into_par_iter()
        .map(|p| {
            let decided: Vec<Vec<Decisions>> = asked
                .iter()
                .map(|(actions, resources)| can_grouped(a.access, p, actions, resources))
                .collect();
            // Every allowed (action, resource), in the order `can` lists them: the
            // writes on `*`, then object writes bucket by bucket.
            let mut pairs: Vec<(usize, usize, usize, &Decisions)> = Vec::new();
            for (q, groups) in decided.iter().enumerate() {
                for d in groups {
                    pairs.extend(d.actions.iter().map(|&k| (q, d.resource, k, d)));
                }
            }
            pairs.sort_unstable_by_key(|(q, r, k, _)| (*q, *r, *k));
            let name = |q: usize, r: usize, k: usize| -> (&str, &str) {
                let (actions, resources) = asked[q];
                (
                    actions.get(k).map_or("", String::as_str),
                    resources.get(r).map_or("", String::as_str),
                )
            };
            let mut f = if pairs.is_empty() {
                m.finding(
                    Status::Pass,
                    &p.arn,
                    format!("audit role `{}` cannot write", p.name),
                )
            } else {
                // "action on resource" sorts as (action, resource) does: a space sorts
                // before any character of an action name.
                // `can_grouped` gives each (action, resource) once: the first 8 in order
                // are selected, not the thousands sorted.
                let mut all: Vec<(&str, &str)> =
                    pairs.iter().map(|(q, r, k, _)| name(*q, *r, *k)).collect();
                let n = all.len();
                if n > SHOWN {
                    all.select_nth_unstable(SHOWN - 1);
                    all.truncate(SHOWN);
                }
                all.sort_unstable();
                let shown: Vec<String> = all.iter().map(|(a, r)| format!("{a} on {r}")).collect();
                m.finding(
                    Status::Fail,
                    &p.arn,
                    format!(
                        "audit role `{}` can write: {n} actions, e.g. {}",
                        p.name,
                        shown.join(", ")
                    ),
                )
            };
            f.principal = Some(p.arn.clone());
            for (q, r, k, d) in pairs.iter().take(20) {
                let (action, resource) = name(*q, *r, *k);
                f.evidence.extend(statements(
                    &d.decided.via,
                    &format!("allows {action} on {resource}"),
                ));
            }
            f.evidence
                .sort_by(|x, y| (&x.source, x.statement).cmp(&(&y.source, y.statement)));
            f.evidence
                .dedup_by(|x, y| x.source == y.source && x.statement == y.statement);
            f
        })
        .collect()
}
