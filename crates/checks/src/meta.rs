//! A check's permanent metadata and its documentation, read from its source file.

use phiward_report::{Finding, Severity, Status};

use crate::Audit;

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
    /// The check's source file; its `//!` comment is the check's documentation.
    pub source: &'static str,
    /// How to fix a failure.
    pub remediation: &'static str,
}

impl Meta {
    /// The check's documentation (What, Why, Fix), from its source file's `//!` comment,
    /// so that `phiward explain` and `docs/checks/` say what the code says.
    pub fn doc(&self) -> String {
        self.source
            .lines()
            .map_while(|l| l.strip_prefix("//!"))
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
