//! Running every check, and marking the failures `phiward.toml` accepts.

use phiward_report::{Finding, Status};

use crate::{Audit, Meta, CHECKS};

/// Runs every check, then marks the failures that an unexpired `[[suppress]]` entry
/// covers (they stay failures in the report, with who accepted them, why and until when,
/// and no longer count against `--fail-on`).
pub fn run_all(a: &Audit<'_>) -> Vec<Finding> {
    run_all_timed(a, |_, _| {})
}

/// [`run_all`], telling `timed` how long each check took (`phiward audit --timings`).
pub fn run_all_timed(
    a: &Audit<'_>,
    mut timed: impl FnMut(&Meta, std::time::Duration),
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = CHECKS
        .iter()
        .flat_map(|c| {
            let t = std::time::Instant::now();
            let r = (c.run)(&c.meta, a);
            timed(&c.meta, t.elapsed());
            r
        })
        .collect();
    for f in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        if let Some(s) = a
            .config
            .suppress
            .iter()
            .find(|s| s.covers(f.check, &f.resource, a.now))
        {
            f.suppressed = Some(phiward_report::Suppressed {
                reason: s.reason.clone(),
                owner: s.owner.clone(),
                expires: s.expires.to_string(),
            });
        }
    }
    findings
}
