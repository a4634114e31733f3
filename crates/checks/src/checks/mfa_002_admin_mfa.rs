use phiward_access::{who_can_external, Each, Grant, Grantee, Principal, PrincipalType, Reach};
use phiward_report::{Finding, Severity, Status};

use crate::probe::needs_mfa;
use crate::{fact, grants_evidence, listed, statements, Audit, Meta};

check! {
    /// What: each administrator-equivalent principal (as ADMIN-001 finds them). A user fails
    /// when it has no MFA device, or holds an active access key that signs requests without
    /// MFA, unless the engine finds its administrator grant conditional on
    /// `aws:MultiFactorAuthPresent`. A role fails when a principal of this or another account
    /// may assume it (decided by the engine on its trust policy, SCPs and the caller's
    /// policies) without an MFA condition; roles federated through SAML or OIDC leave MFA to
    /// the identity provider, and roles only services assume have no human session.
    /// Why: administrator credentials without a second factor are the shortest way to every
    /// PHI store (164.312(d)); CIS 1.5 and 1.10.
    /// Fix: enroll MFA for administrator users and remove their access keys, or administer
    /// through roles whose trust policy requires `aws:MultiFactorAuthPresent`.
    pub static CHECK = Meta {
        id: "MFA-002",
        title: "Administrators need MFA",
        severity: Severity::Critical,
        practice: 3,
        hipaa: &["164.312(d)", "164.308(a)(5)(ii)(D)"],
        cis: Some("1.10"),
        remediation: "enroll MFA for administrator users and remove their access keys, or administer through roles whose trust policy requires aws:MultiFactorAuthPresent",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    let report = a.snapshot.credential_report.get();
    let mut out = Vec::new();
    let admins: Vec<(&phiward_access::Principal, &phiward_access::Step)> = a
        .access
        .principals
        .iter()
        .zip(a.admins())
        .filter_map(|(p, s)| s.as_ref().map(|s| (p, s)))
        .collect();
    // Who can assume each administrator role, all roles at once (one decision per
    // principal for roles sharing a trust policy), then the principals outside the account.
    let assume = ["sts:AssumeRole".to_string()];
    let roles: Vec<String> = admins
        .iter()
        .filter(|(p, _)| p.kind == PrincipalType::Role)
        .map(|(p, _)| p.arn.clone())
        .collect();
    let inside = Each::new(a.access, &assume, &roles);
    let position: std::collections::HashMap<&str, usize> = roles
        .iter()
        .enumerate()
        .map(|(k, r)| (r.as_str(), k))
        .collect();
    for (p, step) in admins {
        let mut f = if step.access == Reach::Conditional && needs_mfa(&step.conditions) {
            m.finding(
                Status::Pass,
                &p.arn,
                format!("`{}` is an administrator only with MFA", p.name),
            )
        } else if p.kind == PrincipalType::User {
            let Some(row) = report.and_then(|r| r.rows.iter().find(|r| r.arn == p.arn)) else {
                let mut f = m.finding(
                    Status::NotEvaluated,
                    &p.arn,
                    format!("the credential report has no row for `{}`", p.name),
                );
                f.principal = Some(p.arn.clone());
                out.push(f);
                continue;
            };
            let mfa = row.mfa_active.get() == Some(true);
            let keys = [&row.access_key_1_active, &row.access_key_2_active]
                .iter()
                .filter(|k| k.get() == Some(true))
                .count();
            let mut f = if !mfa {
                m.finding(
                    Status::Fail,
                    &p.arn,
                    format!("administrator user `{}` has no MFA device", p.name),
                )
            } else if keys > 0 {
                m.finding(
                    Status::Fail,
                    &p.arn,
                    format!(
                        "administrator user `{}` has {keys} active access key(s), which sign requests without MFA",
                        p.name
                    ),
                )
            } else {
                m.finding(
                    Status::Pass,
                    &p.arn,
                    format!("administrator user `{}` has MFA and no access keys", p.name),
                )
            };
            f.evidence.push(fact(
                "credential report",
                format!("mfa_active {mfa}, active access keys {keys}"),
            ));
            f
        } else {
            let k = position.get(p.arn.as_str()).copied().unwrap_or(usize::MAX);
            let mut grants: Vec<Assumer<'_>> = inside
                .grantees
                .get(k)
                .into_iter()
                .flatten()
                .filter_map(|g| Some(Assumer::Inside(g, inside.principal(g)?)))
                .collect();
            grants.extend(
                who_can_external(a.access, &assume, &p.arn)
                    .into_iter()
                    .map(Assumer::Outside),
            );
            // `who-can`'s order: users first, then by ARN.
            grants.sort_by(|x, y| {
                (x.kind() != PrincipalType::User, x.arn())
                    .cmp(&(y.kind() != PrincipalType::User, y.arn()))
            });
            let without: Vec<&Assumer<'_>> = grants
                .iter()
                .filter(|g| g.arn() != p.arn && !g.arn().ends_with(".amazonaws.com"))
                .filter(|g| !g.needs_mfa())
                .collect();
            if without.is_empty() {
                m.finding(
                    Status::Pass,
                    &p.arn,
                    format!(
                        "administrator role `{}` cannot be assumed without MFA (federated or service roles leave MFA to the identity provider)",
                        p.name
                    ),
                )
            } else {
                let names: Vec<&str> = without.iter().map(|g| g.arn()).collect();
                let mut f = m.finding(
                    Status::Fail,
                    &p.arn,
                    format!(
                        "administrator role `{}` can be assumed without MFA by {}",
                        p.name,
                        listed(&names)
                    ),
                );
                let command = format!(
                    "phiward who-can sts:AssumeRole {} --snapshot SNAPSHOT",
                    p.arn
                );
                f.evidence.extend(grants_evidence(
                    without.iter().map(|g| {
                        let via = g.grant(&inside, k).map(|g| g.via).unwrap_or_default();
                        (via, format!("lets {} assume it", g.arn()))
                    }),
                    &command,
                ));
                f
            }
        };
        f.principal = Some(p.arn.clone());
        f.evidence.extend(statements(
            &step.via,
            &format!("administrator through {}", step.action),
        ));
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no administrator-equivalent principal",
        ));
    }
    out
}

/// A principal that may assume a role: of the account (decided with the other roles'),
/// or outside it.
enum Assumer<'e> {
    Inside(&'e Grantee, &'e Principal),
    Outside(Grant),
}

impl Assumer<'_> {
    fn arn(&self) -> &str {
        match self {
            Assumer::Inside(_, p) => &p.arn,
            Assumer::Outside(g) => &g.arn,
        }
    }

    fn kind(&self) -> PrincipalType {
        match self {
            Assumer::Inside(_, p) => p.kind,
            Assumer::Outside(g) => g.kind,
        }
    }

    /// Whether every way it may assume the role needs MFA (one action: its decision's
    /// conditions are the grant's).
    fn needs_mfa(&self) -> bool {
        match self {
            Assumer::Inside(g, _) => {
                g.access == Reach::Conditional && g.decided().any(|d| needs_mfa(&d.conditions))
            }
            Assumer::Outside(g) => g.access == Reach::Conditional && needs_mfa(&g.conditions),
        }
    }

    /// The grant with its evidence (`k`: the role's index in `inside`).
    fn grant(&self, inside: &Each<'_>, k: usize) -> Option<Grant> {
        match self {
            Assumer::Inside(g, _) => inside.grant(k, g),
            Assumer::Outside(g) => Some(g.clone()),
        }
    }
}
