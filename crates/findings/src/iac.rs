//! IaC findings: a rule's verdict at a template's file, line and column, naming the
//! resource and what it depends on that no one can know before deployment.

pub use crate::lint::Severity;

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The rule id: `PW1xx`-`PW3xx` lint rules, `PW4xx` IaC rules, `PW5xx` new access.
    pub id: &'static str,
    /// How serious the finding is.
    pub severity: Severity,
    /// The template or plan file.
    pub file: String,
    /// 1-based line in the file.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The template resource (logical id or Terraform address).
    pub resource: String,
    /// The property path in the resource, when known.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// What is true, one line.
    pub message: String,
    /// Steps, statements or grants behind it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub detail: Vec<String>,
    /// Placeholders the finding depends on: values known only at deployment.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// How to fix it.
    pub fix: String,
    /// Why it is accepted, when a suppression covers it (it then fails nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
}
