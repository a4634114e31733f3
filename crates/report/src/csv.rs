//! The CSV report: one row per finding, passing ones included, for spreadsheets and
//! GRC tools.

use phiward_findings::Report;

/// The header row.
pub const HEADER: [&str; 11] = [
    "check",
    "title",
    "severity",
    "practice",
    "status",
    "resource",
    "principal",
    "message",
    "hipaa",
    "suppressed_until",
    "account",
];

/// RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The report as CSV (CRLF line ends, as RFC 4180 says).
pub fn render(report: &Report) -> String {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    for f in &report.findings {
        let row = [
            f.check.to_string(),
            f.title.to_string(),
            f.severity.as_str().to_string(),
            f.practice.to_string(),
            f.status.as_str().to_string(),
            f.resource.clone(),
            f.principal.clone().unwrap_or_default(),
            f.message.clone(),
            f.hipaa.join("; "),
            f.suppressed
                .as_ref()
                .map(|s| s.expires.clone())
                .unwrap_or_default(),
            report.account_of(f).unwrap_or_default().to_string(),
        ];
        let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn quoting() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
