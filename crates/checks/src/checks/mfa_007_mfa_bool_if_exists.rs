use phiward_report::{Finding, Severity};

use crate::{lint_documents, Audit, Meta};

check! {
    /// What: every policy document of the account, linted with `phiward lint`'s rule PW104: a
    /// `Deny` on `"Bool": {"aws:MultiFactorAuthPresent": "false"}`.
    /// Why: the key is absent from requests signed with access keys, so `Bool` never matches
    /// them and the deny meant to enforce MFA (164.312(d)) lets a leaked key through.
    /// Fix: write `BoolIfExists`.
    pub static CHECK = Meta {
        id: "MFA-007",
        title: "MFA denies use BoolIfExists",
        severity: Severity::High,
        practice: 3,
        hipaa: &["164.312(d)"],
        cis: None,
        remediation:
                "write the MFA deny with \"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    lint_documents(
        m,
        a,
        &["PW104"],
        "an MFA deny uses Bool, so access-key requests escape it",
        "no policy denies on aws:MultiFactorAuthPresent with Bool",
    )
}
