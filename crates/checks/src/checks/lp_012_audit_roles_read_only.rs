use phiward_access::{can, PrincipalType};
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
    roles
        .into_iter()
        .map(|p| {
            let mut caps = can(a.access, p, &writes, &["*".to_string()]).capabilities;
            caps.extend(can(a.access, p, &object_writes, &objects).capabilities);
            let mut f = if caps.is_empty() {
                m.finding(
                    Status::Pass,
                    &p.arn,
                    format!("audit role `{}` cannot write", p.name),
                )
            } else {
                let mut shown: Vec<String> = caps
                    .iter()
                    .map(|c| format!("{} on {}", c.action, c.resource))
                    .collect();
                shown.sort();
                shown.dedup();
                let n = shown.len();
                shown.truncate(8);
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
            f
        })
        .collect()
}
