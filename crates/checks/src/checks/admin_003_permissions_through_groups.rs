use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: each IAM user with an inline policy or a managed policy attached to the user
    /// itself.
    /// Why: permissions granted person by person escape role-based review; groups and roles
    /// are what managers recertify (164.308(a)(4)(ii)(B)-(C)); CIS 1.15.
    /// Fix: move the policy to a group (or a role the user assumes) and detach it from the
    /// user.
    pub static CHECK = Meta {
        id: "ADMIN-003",
        title: "Users get permissions through groups or roles",
        severity: Severity::Low,
        practice: 1,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)"],
        cis: Some("1.15"),
        remediation:
                "move the user's inline and attached policies to a group and add the user to it",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(iam) = a.snapshot.iam.get() else {
        return vec![m.not_evaluated(a, "IAM")];
    };
    let mut out: Vec<Finding> = iam
        .users
        .iter()
        .map(|u| {
            let direct: Vec<String> = u
                .user_policy_list
                .iter()
                .map(|p| format!("inline `{}`", p.policy_name))
                .chain(
                    u.attached_managed_policies
                        .iter()
                        .map(|p| format!("attached `{}`", p.policy_arn)),
                )
                .collect();
            let mut f = if direct.is_empty() {
                m.finding(
                    Status::Pass,
                    &u.arn,
                    format!("`{}` gets its permissions through groups", u.user_name),
                )
            } else {
                let mut f = m.finding(
                    Status::Fail,
                    &u.arn,
                    format!(
                        "`{}` holds policies directly: {}",
                        u.user_name,
                        direct.join(", ")
                    ),
                );
                f.evidence.push(fact(
                    "iam get-account-authorization-details",
                    direct.join(", "),
                ));
                f
            };
            f.principal = Some(u.arn.clone());
            f
        })
        .collect();
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "the account has no IAM users",
        ));
    }
    out
}
