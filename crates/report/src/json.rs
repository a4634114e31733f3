//! The JSON report: one document, `{"schema_version", "tool", "account", "as_of",
//! "findings": [...], "skipped"}`, documented in `docs/audit.md`.

use crate::Report;

/// The report as pretty-printed JSON.
pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(report)
}
