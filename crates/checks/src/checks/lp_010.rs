//! LP-010: no Allow statement uses NotAction or NotResource.
//!
//! What: every policy document of the account, linted with `phiward lint`'s rules PW101
//! (Allow with `NotAction`) and PW102 (Allow with `NotResource`).
//! Why: an Allow with `NotAction` grants every action AWS adds in the future except those
//! listed; least privilege (164.308(a)(4)(ii)(B)) cannot be shown for it.
//! Fix: list the actions (or resources) the statement is meant to grant.

use phiward_lint::{lint_text, Options};
use phiward_report::{Evidence, Finding, Severity, Status};

use crate::{Audit, Check, Meta};

pub static CHECK: Check = Check {
    meta: Meta {
        id: "LP-010",
        title: "No Allow with NotAction or NotResource",
        severity: Severity::Medium,
        practice: 2,
        hipaa: &["164.308(a)(4)(ii)(B)"],
        cis: None,
        source: include_str!("lp_010.rs"),
        remediation:
            "replace NotAction/NotResource in Allow statements with the actions and resources meant",
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
            .filter(|f| f.id == "PW101" || f.id == "PW102")
            .collect();
        if hits.is_empty() {
            continue;
        }
        let mut f = m.finding(
            Status::Fail,
            d.place.clone(),
            format!("{} allows with NotAction or NotResource", d.place),
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
            "no Allow statement uses NotAction or NotResource",
        ));
    }
    out
}
