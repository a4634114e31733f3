//! A linter for AWS IAM policies.
//!
//! `phiward-lint` reads policy documents with `phiward_policy`'s parser (which keeps the
//! line and column of every value) and runs the rules of [`rules::RULES`]: grammar errors,
//! AWS pitfalls (`NotAction` with `Allow`, `Bool` on `aws:MultiFactorAuthPresent` in a
//! `Deny`, ...), redundant and shadowed statements, checks against the AWS action catalog
//! (unknown actions, resources and condition keys that do not fit the actions), and risk
//! classes (privilege escalation, credentials exposure, data exfiltration, ...).
//!
//! The crate is pure: no I/O, no printing. `phiward_report::lint` renders findings as
//! text, JSON or SARIF 2.1.0.
//!
//! ```
//! use phiward_lint::{lint_text, Options};
//!
//! let findings = lint_text(
//!     r#"{"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}"#,
//!     &Options::default(),
//!     None,
//! );
//! let ids: Vec<&str> = findings.iter().map(|f| f.id).collect();
//! assert!(ids.contains(&"PW002")); // no Version
//! assert!(ids.contains(&"PW101")); // NotAction with Allow
//! ```

pub mod actions;
pub mod catalog;
mod cover;
pub mod docs;
pub mod files;
mod globs;
mod risk;
pub mod rules;
mod source;

use phiward_policy::json::{self, Json, Pos, Spanned};
use phiward_policy::parse::{clip, url_decode};
use phiward_policy::{policy_from_json, PolicyError, PolicyKind};

pub use phiward_findings::lint::{FileReport, Finding, Severity};
pub use rules::{Rule, RULES};

/// The kind of resource a resource-based policy is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResourcePolicyType {
    /// An S3 bucket policy.
    Bucket,
    /// A KMS key policy.
    Key,
    /// An IAM role trust policy.
    Trust,
    /// An SQS queue policy.
    Queue,
    /// A Secrets Manager secret's resource policy.
    Secret,
    /// Any other resource-based policy.
    Generic,
}

impl ResourcePolicyType {
    /// Every type, in the order the command line lists them.
    pub const ALL: [ResourcePolicyType; 6] = [
        ResourcePolicyType::Bucket,
        ResourcePolicyType::Key,
        ResourcePolicyType::Trust,
        ResourcePolicyType::Queue,
        ResourcePolicyType::Secret,
        ResourcePolicyType::Generic,
    ];

    /// `bucket`, `key`, `trust`, `queue`, `secret` or `generic`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourcePolicyType::Bucket => "bucket",
            ResourcePolicyType::Key => "key",
            ResourcePolicyType::Trust => "trust",
            ResourcePolicyType::Queue => "queue",
            ResourcePolicyType::Secret => "secret",
            ResourcePolicyType::Generic => "generic",
        }
    }

    /// Parses [`ResourcePolicyType::as_str`]'s names.
    pub fn parse(s: &str) -> Option<ResourcePolicyType> {
        ResourcePolicyType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
    }

    /// The actions such a policy can grant or deny: service prefixes, and for trust
    /// policies the action names (`None` for a generic policy).
    pub fn actions(self) -> Option<(&'static [&'static str], &'static [&'static str])> {
        match self {
            ResourcePolicyType::Bucket => Some((&["s3", "s3express"], &[])),
            ResourcePolicyType::Key => Some((&["kms"], &[])),
            ResourcePolicyType::Queue => Some((&["sqs"], &[])),
            ResourcePolicyType::Secret => Some((&["secretsmanager"], &[])),
            // AWS: IAM User Guide, "IAM JSON policy elements: Principal" and "Role terms
            // and concepts" (trust policy): the role's trust policy governs these calls.
            ResourcePolicyType::Trust => Some((
                &["sts"],
                &[
                    "assumerole",
                    "assumerolewithsaml",
                    "assumerolewithwebidentity",
                    "tagsession",
                    "setsourceidentity",
                    "setcontext",
                ],
            )),
            ResourcePolicyType::Generic => None,
        }
    }
}

/// What is being linted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The policy type: it decides which elements the grammar accepts and which rules
    /// apply.
    pub kind: PolicyKind,
    /// For resource-based policies, the resource they are attached to.
    pub resource_type: Option<ResourcePolicyType>,
    /// Only these rules (by id) run, when set; invalid policies are reported whatever it
    /// says. The audit reads two or three rules of thousands of documents.
    pub only: Option<&'static [&'static str]>,
}

impl Default for Options {
    fn default() -> Self {
        Options::kind(PolicyKind::Identity)
    }
}

impl Options {
    /// Policies of a kind (for resource-based policies, of no particular resource type).
    pub fn kind(kind: PolicyKind) -> Options {
        Options {
            kind,
            resource_type: (kind == PolicyKind::Resource).then_some(ResourcePolicyType::Generic),
            only: None,
        }
    }

    /// Resource-based policies attached to a resource of this type.
    pub fn resource(t: ResourcePolicyType) -> Options {
        Options {
            kind: PolicyKind::Resource,
            resource_type: Some(t),
            only: None,
        }
    }

    /// These options, running only the rules `ids` name.
    pub fn only(self, ids: &'static [&'static str]) -> Options {
        Options {
            only: Some(ids),
            ..self
        }
    }
}

/// The [`rules::UNREADABLE_FILE`] finding for input that could not be read.
pub fn unreadable(message: &str) -> Finding {
    finding(&rules::UNREADABLE_FILE, 1, 1, clip(message))
}

/// Lints a file's bytes: UTF-8 text holding one policy document, an array of them, or a
/// document as a JSON string (plain or URL-encoded, as the IAM API returns it).
pub fn lint_bytes(
    bytes: &[u8],
    opts: &Options,
    catalog: Option<&phiward_catalog::Catalog>,
) -> Vec<Finding> {
    match std::str::from_utf8(bytes) {
        Ok(text) => lint_text(text, opts, catalog),
        Err(e) => {
            let (line, column) = Columns::new("").at_byte(bytes, e.valid_up_to());
            vec![finding(
                &rules::UNREADABLE_FILE,
                line,
                column,
                format!(
                    "the file is not UTF-8 text (invalid byte at offset {})",
                    e.valid_up_to()
                ),
            )]
        }
    }
}

/// Lints text holding one policy document, an array of them, or a document as a JSON
/// string. Findings are sorted by position. Positions in a URL-encoded document or in a
/// document inside a JSON string refer to the decoded document.
pub fn lint_text(
    text: &str,
    opts: &Options,
    catalog: Option<&phiward_catalog::Catalog>,
) -> Vec<Finding> {
    let decoded = url_decode(text);
    let mut out = Vec::new();
    document(
        decoded.as_deref().unwrap_or(text),
        opts,
        catalog,
        true,
        &mut out,
    );
    out.sort_by(|a, b| (a.line, a.column, a.id).cmp(&(b.line, b.column, b.id)));
    out.dedup();
    out
}

fn finding(rule: &'static Rule, line: u32, column: u32, message: String) -> Finding {
    Finding {
        id: rule.id,
        severity: rule.severity,
        line,
        column,
        message,
        fix: rule.fix.to_string(),
    }
}

fn document(
    text: &str,
    opts: &Options,
    catalog: Option<&phiward_catalog::Catalog>,
    outer: bool,
    out: &mut Vec<Finding>,
) {
    let cols = Columns::new(text);
    let doc = match json::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let e = PolicyError::from(e);
            let (line, column) = cols.at(e.pos.unwrap_or_default());
            out.push(finding(&rules::INVALID_POLICY, line, column, e.message));
            return;
        }
    };
    match &doc.value {
        Json::Array(items) if items.is_empty() => {
            let (line, column) = cols.at(doc.pos);
            out.push(finding(
                &rules::INVALID_POLICY,
                line,
                column,
                "the file holds an empty array: no policy to lint".into(),
            ));
        }
        Json::Array(items) => {
            for item in items {
                policy(item, &cols, opts, catalog, outer, out);
            }
        }
        _ => policy(&doc, &cols, opts, catalog, outer, out),
    }
}

fn policy(
    v: &Spanned,
    cols: &Columns<'_>,
    opts: &Options,
    catalog: Option<&phiward_catalog::Catalog>,
    outer: bool,
    out: &mut Vec<Finding>,
) {
    if let (Json::String(inner), true) = (&v.value, outer) {
        let decoded = url_decode(inner);
        return document(
            decoded.as_deref().unwrap_or(inner),
            opts,
            catalog,
            false,
            out,
        );
    }
    let parsed = match policy_from_json(v, opts.kind) {
        Ok(p) => p,
        Err(e) => {
            let (line, column) = cols.at(e.pos.unwrap_or(v.pos));
            let message = match e.statement {
                Some(s) => format!("statement {s}: {}", e.message),
                None => e.message,
            };
            out.push(finding(&rules::INVALID_POLICY, line, column, message));
            return;
        }
    };
    let src = source::PolicySource::new(v);
    let cx = rules::Ctx::new(&parsed, &src, opts, catalog);
    let mut hits = Vec::new();
    for rule in RULES {
        if rule.catalog && catalog.is_none() || opts.only.is_some_and(|ids| !ids.contains(&rule.id))
        {
            continue;
        }
        hits.clear();
        (rule.check)(&cx, &mut hits);
        for h in &hits {
            let (line, column) = cols.at(h.pos);
            out.push(finding(rule, line, column, h.message.clone()));
        }
    }
}

/// Turns the parser's byte columns into character columns.
struct Columns<'a> {
    text: &'a str,
    /// Byte offset where each line starts (after a byte order mark on line 1).
    starts: Vec<usize>,
}

impl<'a> Columns<'a> {
    fn new(text: &'a str) -> Columns<'a> {
        let first = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut starts = vec![first];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Columns { text, starts }
    }

    /// 1-based line and character column of a position.
    fn at(&self, pos: Pos) -> (u32, u32) {
        let line = pos.line.max(1);
        let start = usize::try_from(line - 1)
            .ok()
            .and_then(|i| self.starts.get(i))
            .copied()
            .unwrap_or(0);
        let bytes = usize::try_from(pos.column.max(1) - 1).unwrap_or(0);
        let column = self
            .text
            .get(start..)
            .map(|rest| rest.char_indices().take_while(|(i, _)| *i < bytes).count())
            .unwrap_or(bytes);
        (line, u32::try_from(column + 1).unwrap_or(u32::MAX))
    }

    /// 1-based line and byte column of a byte offset in raw bytes.
    fn at_byte(&self, bytes: &[u8], offset: usize) -> (u32, u32) {
        let head = bytes.get(..offset).unwrap_or(bytes);
        let line = head.iter().filter(|b| **b == b'\n').count() + 1;
        let start = head.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(offset - start + 1).unwrap_or(u32::MAX),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(f: &[Finding]) -> Vec<(&str, u32, u32)> {
        f.iter().map(|f| (f.id, f.line, f.column)).collect()
    }

    #[test]
    fn columns_count_characters() {
        let doc = "{\"Version\": \"2012-10-17\", \"Statement\": [\n{\"Sid\": \"Café\", \"Effect\": \"Allow\", \"NotAction\": \"s3:x\", \"Resource\": \"arn:aws:s3:::b/*\"}]}";
        let f = lint_text(doc, &Options::default(), None);
        // `NotAction` starts at character 36 of line 2 (byte 37: `é` is two bytes).
        assert_eq!(ids(&f), vec![("PW101", 2, 36)]);
        let bom = format!("\u{feff}{}", doc.replace("\n{", "{"));
        let f = lint_text(&bom, &Options::default(), None);
        assert_eq!(f.first().map(|f| f.line), Some(1));
    }

    #[test]
    fn arrays_strings_and_encoded_documents() {
        let one = r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#;
        let f = lint_text(&format!("[{one},\n{one}]"), &Options::default(), None);
        assert_eq!(ids(&f), vec![("PW002", 1, 2), ("PW002", 2, 1)]);
        let quoted = serde_json::to_string(one).unwrap_or_default();
        let f = lint_text(&quoted, &Options::default(), None);
        assert_eq!(ids(&f), vec![("PW002", 1, 1)]);
        assert_eq!(
            ids(&lint_text("[]", &Options::default(), None)),
            vec![("PW001", 1, 1)]
        );
        assert_eq!(
            ids(&lint_text("", &Options::default(), None)),
            vec![("PW001", 1, 1)]
        );
    }

    #[test]
    fn bytes_that_are_not_utf8() {
        let f = lint_bytes(b"{\n \"Sid\": \"\xe9\"}", &Options::default(), None);
        assert_eq!(ids(&f), vec![("PW000", 2, 10)]);
        assert!(f.iter().all(|f| f.severity == Severity::Error));
    }

    #[test]
    fn catalog_rules_are_skipped_without_a_catalog() {
        let doc = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "nosuch:Thing", "Resource": "*"}}"#;
        assert!(lint_text(doc, &Options::default(), None).is_empty());
        let cat = phiward_catalog::Catalog::get().unwrap();
        let f = lint_text(doc, &Options::default(), Some(cat));
        assert_eq!(f.first().map(|f| f.id), Some("PW201"));
    }
}
