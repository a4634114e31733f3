//! `phiward lint` rules read by checks, over every policy document of the account.

use phiward_report::{Evidence, Finding, Status};

use crate::{Audit, Meta};

/// The `phiward lint` rules checks read ([`lint_documents`]): the audit runs only these.
pub const LINT_RULES: &[&str] = &["PW101", "PW102", "PW104"];

/// Every policy document of the account linted with the given `phiward lint` rules: one
/// failing finding per document that has hits, with each hit's line as evidence, or one
/// passing account-wide finding (`pass`) when none has.
pub fn lint_documents(
    m: &Meta,
    a: &Audit<'_>,
    rules: &[&str],
    what: &str,
    pass: &str,
) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    if let Some(r) = rules.iter().find(|r| !LINT_RULES.contains(r)) {
        return vec![m.finding(
            Status::Error,
            a.account_resource(),
            format!("lint rule `{r}` is not among the rules the audit runs (LINT_RULES)"),
        )];
    }
    let mut out = Vec::new();
    for (d, all) in a.lints() {
        let hits: Vec<_> = all.iter().filter(|f| rules.contains(&f.id)).collect();
        if hits.is_empty() {
            continue;
        }
        let mut f = m.finding(
            Status::Fail,
            d.place.clone(),
            format!("{}: {what}", d.place),
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
        out.push(m.finding(Status::Pass, a.account_resource(), pass));
    }
    out
}
