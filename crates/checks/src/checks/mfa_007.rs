//! MFA-007: MFA denies are written with `BoolIfExists`.
//!
//! What: every policy document of the account, linted with `phiward lint`'s rule PW104: a
//! `Deny` on `"Bool": {"aws:MultiFactorAuthPresent": "false"}`.
//! Why: the key is absent from requests signed with access keys, so `Bool` never matches
//! them and the deny meant to enforce MFA (164.312(d)) lets a leaked key through.
//! Fix: write `BoolIfExists`.

use phiward_lint::{lint_text, Options};
use phiward_report::{Evidence, Finding, Severity, Status};

use crate::{Audit, Check, Meta};

pub static CHECK: Check = Check {
    meta: Meta {
        id: "MFA-007",
        title: "MFA denies use BoolIfExists",
        severity: Severity::High,
        practice: 3,
        hipaa: &["164.312(d)"],
        cis: None,
        source: include_str!("mfa_007.rs"),
        remediation:
            "write the MFA deny with \"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}",
    },
    run,
};

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    let mut out = Vec::new();
    for d in phiward_snapshot::policies::documents(a.snapshot) {
        let hits: Vec<_> = lint_text(d.text.as_str(), &Options::kind(d.kind), None)
            .into_iter()
            .filter(|f| f.id == "PW104")
            .collect();
        if hits.is_empty() {
            continue;
        }
        let mut f = m.finding(
            Status::Fail,
            d.place.clone(),
            format!(
                "{}: an MFA deny uses Bool, so access-key requests escape it",
                d.place
            ),
        );
        f.evidence = hits
            .iter()
            .map(|h| Evidence {
                source: d.place.clone(),
                statement: None,
                line: Some(h.line),
                detail: h.message.clone(),
            })
            .collect();
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no policy denies on aws:MultiFactorAuthPresent with Bool",
        ));
    }
    out
}
