//! The JSON report: one document, `{"schema_version", "tool", "account", "as_of",
//! "findings": [...], "skipped"}`, documented in `docs/audit.md`.

use phiward_findings::Report;

/// The report as pretty-printed JSON.
pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(report)
}

/// The report as pretty-printed JSON with a final newline, written as it is serialized:
/// a large account's report is tens of megabytes, never held whole in memory.
pub fn write(report: &Report, mut out: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, report)?;
    out.write_all(b"\n")?;
    out.flush()
}
