use phiward_access::{who_can_external, PrincipalType};
use phiward_report::{Finding, Severity, Status};

use crate::conditions::{evidence, in_parens};
use crate::{per_phi_bucket, statements, Audit, Meta};

check! {
    /// What: for each bucket tagged `data-classification=phi`, `who-can s3:GetObject` on its
    /// objects, decided by the engine with the bucket policy and the RCPs; every principal
    /// outside the account it lets read (anyone, another account, another account's role or
    /// user) fails the bucket, with the statements and any conditions.
    /// Why: PHI may only reach the covered entity and its business associates under
    /// agreement; a bucket policy grant to `*` or to an unknown account is a disclosure
    /// (164.312(a)(1), 164.308(b)(1)).
    /// Fix: remove the grant, or name the business associate's role and constrain it
    /// (`aws:PrincipalOrgID`, `aws:SourceVpce`).
    pub static CHECK = Meta {
        id: "LP-005",
        title: "PHI buckets are not public or open to other accounts",
        severity: Severity::Critical,
        practice: 2,
        hipaa: &["164.312(a)(1)", "164.308(b)(1)"],
        cis: Some("2.1.4"),
        remediation: "remove bucket-policy grants to `*` and to accounts without a business associate agreement; constrain the rest by organization or VPC endpoint",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let action = ["s3:GetObject".to_string()];
    per_phi_bucket(m, a, |b, arn| {
        let answer = who_can_external(a.access, &action, &format!("{arn}/*"));
        let outside: Vec<_> = answer
            .iter()
            .filter(|g| g.kind == PrincipalType::External)
            .collect();
        if outside.is_empty() {
            return m.finding(
                Status::Pass,
                arn,
                format!(
                    "PHI bucket `{}` is readable only inside the account",
                    b.name
                ),
            );
        }
        let names: Vec<String> = outside
            .iter()
            .map(|g| format!("{}{}", g.arn, in_parens(g.access, &g.conditions)))
            .collect();
        let mut f = m.finding(
            Status::Fail,
            arn,
            format!(
                "PHI bucket `{}` can be read by {}",
                b.name,
                names.join(", ")
            ),
        );
        for g in outside {
            f.evidence
                .extend(statements(&g.via, &format!("lets {} read objects", g.arn)));
            f.evidence.extend(evidence(&g.conditions, &g.arn));
        }
        f
    })
}
