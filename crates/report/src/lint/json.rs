//! Lint findings as one JSON document.

use phiward_findings::lint::FileReport;

/// `{"files": [{"path", "findings": [{"id", "severity", "line", "column", "message",
/// "fix"}]}]}`, pretty-printed.
pub fn json(reports: &[FileReport]) -> String {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        files: &'a [FileReport],
    }
    // Serializing plain structs of strings and numbers cannot fail.
    let mut s = serde_json::to_string_pretty(&Doc { files: reports }).unwrap_or_default();
    s.push('\n');
    s
}
