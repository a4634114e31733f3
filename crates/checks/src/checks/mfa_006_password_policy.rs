use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: `iam get-account-password-policy`: minimum length at least 14, reuse prevention
    /// of at least 24 passwords (CIS 1.8, 1.9); symbols, numbers, upper and lower case.
    /// Why: password management is an addressable safeguard (164.308(a)(5)(ii)(D)); weak
    /// console passwords put PHI one guess away.
    /// Fix: `aws iam update-account-password-policy --minimum-password-length 14
    /// --password-reuse-prevention 24 --require-symbols --require-numbers
    /// --require-uppercase-characters --require-lowercase-characters`.
    pub static CHECK = Meta {
        id: "MFA-006",
        title: "The password policy is strong",
        severity: Severity::Medium,
        practice: 3,
        hipaa: &["164.308(a)(5)(ii)(D)"],
        cis: Some("1.8, 1.9"),
        remediation: "aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24 --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(policy) = a.snapshot.password_policy.get() else {
        return vec![m.not_evaluated(a, "the password policy")];
    };
    let Some(p) = policy else {
        return vec![m.finding(
            Status::Fail,
            a.account_resource(),
            "the account has no password policy (AWS defaults: 8 characters, no reuse prevention)",
        )];
    };
    let mut weak = Vec::new();
    let len = p.minimum_password_length.unwrap_or(8);
    if len < 14 {
        weak.push(format!("minimum length {len} (at least 14)"));
    }
    let reuse = p.password_reuse_prevention.unwrap_or(0);
    if reuse < 24 {
        weak.push(format!("reuse prevention {reuse} (at least 24)"));
    }
    for (name, on) in [
        ("symbols", p.require_symbols),
        ("numbers", p.require_numbers),
        ("uppercase", p.require_uppercase_characters),
        ("lowercase", p.require_lowercase_characters),
    ] {
        if on != Some(true) {
            weak.push(format!("{name} not required"));
        }
    }
    let mut f = if weak.is_empty() {
        m.finding(
            Status::Pass,
            a.account_resource(),
            "the password policy is strong",
        )
    } else {
        m.finding(
            Status::Fail,
            a.account_resource(),
            format!("the password policy is weak: {}", weak.join(", ")),
        )
    };
    f.evidence.push(fact(
        "iam get-account-password-policy",
        format!("MinimumPasswordLength {len}, PasswordReusePrevention {reuse}"),
    ));
    vec![f]
}
