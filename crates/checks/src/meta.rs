//! A check's permanent metadata and its documentation, from the `///` comment on its
//! `CHECK` ([`check!`]), so that `phiward explain` and `docs/checks/` say what the code
//! says.

use phiward_report::{Finding, Severity, Status};

use crate::Audit;

/// Declares a check: its `///` documentation, its metadata and the function that runs
/// it, as `pub static CHECK`.
macro_rules! check {
    (
        $(#[doc = $doc:literal])*
        pub static CHECK = Meta { $($field:ident: $value:expr),* $(,)? },
        $run:expr $(,)?
    ) => {
        $(#[doc = $doc])*
        pub static CHECK: $crate::Check = $crate::Check {
            meta: $crate::Meta {
                $($field: $value,)*
                doc: concat!($($doc, "\n"),*),
            },
            run: $run,
        };
    };
}

/// A check's permanent metadata.
#[derive(Debug)]
pub struct Meta {
    /// Permanent id (`ROOT-001`).
    pub id: &'static str,
    /// Title.
    pub title: &'static str,
    /// Severity of a failure.
    pub severity: Severity,
    /// The practice (1-7) it serves.
    pub practice: u8,
    /// HIPAA Security Rule citations (`164.312(d)`).
    pub hipaa: &'static [&'static str],
    /// The matching CIS AWS Foundations Benchmark control, where one exists.
    pub cis: Option<&'static str>,
    /// The `///` comment on the check's `CHECK`: What, Why, Example and Fix.
    pub doc: &'static str,
    /// How to fix a failure.
    pub remediation: &'static str,
}

impl Meta {
    /// The check's documentation (What, Why, Example, Fix), one line per `///` line.
    pub fn doc(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The check's page: metadata and documentation, in Markdown.
    pub fn page(&self) -> String {
        let cis = self.cis.unwrap_or("—");
        format!(
            "# {id}: {title}\n\n| | |\n| --- | --- |\n| severity | {sev} |\n| practice | {practice} |\n| HIPAA | {hipaa} |\n| CIS AWS Foundations | {cis} |\n\n{doc}\n\n**Remediation:** {fix}\n",
            id = self.id,
            title = self.title,
            sev = self.severity.as_str(),
            practice = self.practice,
            hipaa = self.hipaa.join(", "),
            doc = paragraphs(
                &self
                    .doc()
                    .lines()
                    .skip_while(|l| l.starts_with(self.id) || l.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            fix = self.remediation,
        )
    }

    /// A finding of this check.
    pub fn finding(
        &self,
        status: Status,
        resource: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            check: self.id,
            title: self.title,
            severity: self.severity,
            practice: self.practice,
            hipaa: self.hipaa,
            status,
            resource: resource.into(),
            principal: None,
            message: message.into(),
            evidence: Vec::new(),
            remediation: self.remediation,
            suppressed: None,
        }
    }

    /// The account-wide `not_evaluated` finding, naming what was not collected.
    pub fn not_evaluated(&self, a: &Audit<'_>, what: &str) -> Finding {
        self.finding(
            Status::NotEvaluated,
            a.account_resource(),
            format!("{what} was not collected: the check cannot be evaluated"),
        )
    }
}

/// The doc comment's `What:` / `Why:` / `Example:` / `Fix:` parts as Markdown paragraphs.
fn paragraphs(doc: &str) -> String {
    let mut out = String::new();
    for line in doc.lines().filter(|l| !l.trim().is_empty()) {
        let label = ["What:", "Why:", "Example:", "Fix:"]
            .into_iter()
            .find(|l| line.starts_with(l));
        match label {
            Some(l) => {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(&format!("**{l}**{}", line.get(l.len()..).unwrap_or("")));
            }
            None => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(line);
            }
        }
    }
    out
}

/// A check: its metadata and the function that runs it.
#[derive(Debug)]
pub struct Check {
    /// Metadata.
    pub meta: Meta,
    /// Runs the check on an account.
    pub run: fn(&Meta, &Audit<'_>) -> Vec<Finding>,
}

/// Every generated page of `docs/checks/` (path under `docs/`, content), written and
/// checked by `cargo xtask docs`.
pub fn pages() -> Vec<(String, String)> {
    let mut index = String::from(
        "# Checks\n\nGenerated from `crates/checks/src/checks/` by `cargo xtask docs`.\n\n| id | practice | severity | title |\n| --- | --- | --- | --- |\n",
    );
    let mut out = Vec::new();
    for c in crate::CHECKS {
        let m = &c.meta;
        index.push_str(&format!(
            "| [{id}]({id}.md) | {} | {} | {} |\n",
            m.practice,
            m.severity.as_str(),
            m.title,
            id = m.id
        ));
        out.push((format!("checks/{}.md", m.id), m.page()));
    }
    out.push(("checks/README.md".to_string(), index));
    out
}
