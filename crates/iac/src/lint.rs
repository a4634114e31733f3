//! `phiward lint` on every policy document of a template, each finding moved from the
//! rendered document's line to the template's own line and column. The only place this
//! crate reads lint findings.

use phiward_lint::{lint_text, Options, ResourcePolicyType};
use phiward_policy::PolicyKind;

use crate::doc::{Doc, DocKind};
use crate::finding::{self, Finding};

fn options(kind: DocKind) -> Options {
    match kind {
        DocKind::Identity => Options::kind(PolicyKind::Identity),
        DocKind::Boundary => Options::kind(PolicyKind::PermissionsBoundary),
        DocKind::Scp => Options::kind(PolicyKind::Scp),
        DocKind::Trust => Options::resource(ResourcePolicyType::Trust),
        DocKind::Bucket => Options::resource(ResourcePolicyType::Bucket),
        DocKind::Key => Options::resource(ResourcePolicyType::Key),
        DocKind::Resource => Options::resource(ResourcePolicyType::Generic),
    }
}

/// Lints one document; findings are at template positions and say which placeholders
/// they depend on.
pub fn lint(doc: &Doc, catalog: Option<&phiward_catalog::Catalog>) -> Vec<Finding> {
    lint_text(&doc.text, &options(doc.kind), catalog)
        .into_iter()
        .map(|f| {
            let (pos, unknown) = doc.at(f.line);
            let mut origin = doc.origin.clone();
            origin.pos = pos;
            let mut out = finding::at(f.id, f.severity, &origin, f.message, &f.fix);
            out.depends_on = unknown;
            out
        })
        .collect()
}

/// Whether a lint rule id reports input that could not be read as a policy.
pub fn is_input_error(id: &str) -> bool {
    id == phiward_lint::rules::UNREADABLE_FILE.id || id == phiward_lint::rules::INVALID_POLICY.id
}
