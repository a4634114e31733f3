use phiward_report::{Finding, Severity};

use crate::{lint_documents, Audit, Meta};

check! {
    /// What: every policy document of the account, linted with `phiward lint`'s rules PW101
    /// (Allow with `NotAction`) and PW102 (Allow with `NotResource`).
    /// Why: an Allow with `NotAction` grants every action AWS adds in the future except those
    /// listed; least privilege (164.308(a)(4)(ii)(B)) cannot be shown for it.
    /// Fix: list the actions (or resources) the statement is meant to grant.
    pub static CHECK = Meta {
        id: "LP-010",
        title: "No Allow with NotAction or NotResource",
        severity: Severity::Medium,
        practice: 2,
        hipaa: &["164.308(a)(4)(ii)(B)"],
        cis: None,
        remediation:
                "replace NotAction/NotResource in Allow statements with the actions and resources meant",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    lint_documents(
        m,
        a,
        &["PW101", "PW102"],
        "allows with NotAction or NotResource",
        "no Allow statement uses NotAction or NotResource",
    )
}
