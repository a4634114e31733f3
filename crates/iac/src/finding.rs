//! IaC findings (the model is `phiward_findings::iac`): where a rule's verdict on a
//! template points.

use crate::doc::Origin;

pub use phiward_findings::iac::{Finding, Severity};

/// A finding at a template origin.
pub fn at(
    id: &'static str,
    severity: Severity,
    origin: &Origin,
    message: String,
    fix: &str,
) -> Finding {
    Finding {
        id,
        severity,
        file: origin.file.clone(),
        line: origin.pos.line.max(1),
        column: origin.pos.column.max(1),
        resource: origin.resource.clone(),
        path: origin.path.clone(),
        message,
        detail: Vec::new(),
        depends_on: Vec::new(),
        fix: fix.to_string(),
        suppressed: None,
    }
}
