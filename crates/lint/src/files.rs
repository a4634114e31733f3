//! What the findings of each input file mean for the exit status.

use crate::{FileReport, Severity};

/// Whether any file could not be read or parsed (`PW000`, `PW001`).
pub fn input_error(reports: &[FileReport]) -> bool {
    reports.iter().flat_map(|r| &r.findings).any(|f| {
        f.id == crate::rules::UNREADABLE_FILE.id || f.id == crate::rules::INVALID_POLICY.id
    })
}

/// Whether any finding is at or above `fail_on`.
pub fn fails(reports: &[FileReport], fail_on: Severity) -> bool {
    reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity >= fail_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_files_are_input_errors_and_fail() {
        let r = FileReport {
            path: "x".into(),
            findings: vec![crate::unreadable("cannot read `x`")],
        };
        assert!(input_error(std::slice::from_ref(&r)));
        assert!(fails(&[r], Severity::Error));
    }
}
