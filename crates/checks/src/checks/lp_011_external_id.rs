use phiward_access::{who_can_external, PrincipalType};
use phiward_report::{Finding, Severity, Status};

use crate::{statements, Audit, Meta};

check! {
    /// What: for each role, `who-can sts:AssumeRole` on it, decided by the engine with its
    /// trust policy: every principal outside the account (another account, its users and
    /// roles, anyone) that can assume it without a condition on `sts:ExternalId` fails.
    /// Why: a vendor role assumable without an ExternalId is open to the confused-deputy
    /// attack; a trust to `*` lets anyone in (164.308(b)(1), 164.312(a)(1)).
    /// Fix: add `"Condition": {"StringEquals": {"sts:ExternalId": "<secret agreed with the
    /// partner>"}}`, and name the partner's role rather than its account.
    pub static CHECK = Meta {
        id: "LP-011",
        title: "Cross-account roles require an ExternalId",
        severity: Severity::High,
        practice: 2,
        hipaa: &["164.308(b)(1)", "164.312(a)(1)"],
        cis: None,
        remediation: "require sts:ExternalId in the trust policy and name the partner's role, not its account or `*`",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(iam) = a.snapshot.iam.get() else {
        return vec![m.not_evaluated(a, "IAM")];
    };
    let action = ["sts:AssumeRole".to_string()];
    let mut out: Vec<Finding> = iam
        .roles
        .iter()
        .filter(|r| !r.is_service_linked())
        .filter_map(|r| {
            let answer = who_can_external(a.access, &action, &r.arn);
            let outside: Vec<_> = answer
                .iter()
                .filter(|g| g.kind == PrincipalType::External && !g.arn.ends_with(".amazonaws.com"))
                .collect();
            if outside.is_empty() {
                return None;
            }
            let open: Vec<_> = outside
                .iter()
                .filter(|g| {
                    !g.conditions.iter().any(|c| {
                        c.key.eq_ignore_ascii_case("sts:ExternalId") && c.when == "allowed_if"
                    })
                })
                .collect();
            let mut f = if open.is_empty() {
                m.finding(
                    Status::Pass,
                    &r.arn,
                    format!(
                        "role `{}` requires an ExternalId from other accounts",
                        r.role_name
                    ),
                )
            } else {
                let names: Vec<String> = open
                    .iter()
                    .map(|g| {
                        format!(
                            "{}{}",
                            g.arn,
                            crate::conditions::in_parens(g.access, &g.conditions)
                        )
                    })
                    .collect();
                let mut f = m.finding(
                    Status::Fail,
                    &r.arn,
                    format!(
                        "role `{}` can be assumed by {} without an ExternalId",
                        r.role_name,
                        names.join(", ")
                    ),
                );
                for g in &open {
                    f.evidence.extend(statements(
                        &g.via,
                        &format!("lets {} assume the role", g.arn),
                    ));
                    f.evidence
                        .extend(crate::conditions::evidence(&g.conditions, &g.arn));
                }
                f
            };
            f.principal = Some(r.arn.clone());
            Some(f)
        })
        .collect();
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no role trusts a principal outside the account",
        ));
    }
    out
}
