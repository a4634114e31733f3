//! LP-008 weighed with CloudTrail logs: the `clean` fixture's snapshot with the logs of
//! `tests/fixtures/lp-008-logs` (121 days; see its README), against the threshold.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

use std::path::Path;

use phiward_access::AccessModel;
use phiward_checks::{run_all, Audit, Config};
use phiward_findings::{Finding, Status};

const ACCT: &str = "arn:aws:iam::111122223333";

/// LP-008's findings, auditing at `now` with the given configuration.
fn lp_008(config: &str, now: &str) -> Vec<Finding> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let loaded = phiward_snapshot::load(&dir.join("clean")).unwrap();
    let snap = &loaded.snapshot;
    let access = AccessModel::new(snap);
    let config = Config::parse(config, "phiward.toml").unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(now)
        .unwrap()
        .with_timezone(&chrono::Utc);
    let paths = phiward_trail::read::discover(&dir.join("lp-008-logs")).unwrap();
    let usage = phiward_trail::usage::usage(
        &paths,
        phiward_trail::usage::Options::window(now.timestamp(), None),
        phiward_catalog::Catalog::get().unwrap(),
    );
    assert!(usage.problems.is_empty(), "{:?}", usage.problems);
    let audit = Audit::new(snap, &access, now, &config).with_usage(&usage);
    run_all(&audit)
        .into_iter()
        .filter(|f| f.check == "LP-008")
        .collect()
}

fn of<'a>(findings: &'a [Finding], principal: &str) -> &'a Finding {
    let arn = format!("{ACCT}:{principal}");
    let mine: Vec<&Finding> = findings.iter().filter(|f| f.resource == arn).collect();
    assert_eq!(mine.len(), 1, "one finding per principal: {mine:#?}");
    mine[0]
}

const WINDOW: &str = "2026-07-01T10:00:00Z .. 2026-10-30T10:01:00Z, 121 days";

#[test]
fn logs_covering_the_threshold_fail_unused_actions_and_pass_full_use() {
    let findings = lp_008("", "2026-11-01T00:00:00Z");
    // Used its one granted action; Access Advisor agrees.
    let nurse = of(&findings, "user/nurse-cy");
    assert_eq!(nurse.status, Status::Pass, "{}", nurse.message);
    assert!(nurse.message.contains(WINDOW), "{}", nurse.message);
    assert_eq!(of(&findings, "role/app-runtime").status, Status::Pass);
    // Never passed a role in 121 days.
    let ci = of(&findings, "role/ci-deploy");
    assert_eq!(ci.status, Status::Fail);
    assert!(
        ci.message.contains(&format!(
            "has not used 1 of its 3 granted actions in the CloudTrail logs ({WINDOW})"
        )),
        "{}",
        ci.message
    );
    let details: Vec<&str> = ci.evidence.iter().map(|e| e.detail.as_str()).collect();
    assert_eq!(
        details,
        [
            format!("window {WINDOW}: 2 of 3 granted actions used").as_str(),
            "iam: 1 unused (Write: iam:PassRole)"
        ]
    );
    // Administrators the logs never mention: everything unused, listed service by service
    // up to a bound.
    let ana = of(&findings, "role/Admin-Ana");
    assert_eq!(ana.status, Status::Fail);
    assert!(
        ana.message.contains("has not used 22091 of its 22091"),
        "{}",
        ana.message
    );
    assert_eq!(ana.evidence.len(), 1 + 25 + 1);
    assert!(ana.evidence[1].detail.starts_with("a2c: 4 unused (Read: "));
    assert!(ana.evidence[26]
        .detail
        .contains("phiward trail unused lists them all"));
}

#[test]
fn break_glass_and_young_principals_are_skipped() {
    let findings = lp_008(
        "[admins]\nbreak_glass = [\"Admin-Ana\"]\n",
        "2026-11-01T00:00:00Z",
    );
    assert!(!findings
        .iter()
        .any(|f| f.resource.ends_with("role/Admin-Ana")));
    assert_eq!(of(&findings, "role/Admin-Ben").status, Status::Fail);
    // Every principal of the fixture was created on 2025-01-01: with a threshold reaching
    // before it, none is old enough to weigh.
    let findings = lp_008(
        "[thresholds]\nunused_permission_days = 700\n",
        "2026-11-01T00:00:00Z",
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].status, Status::Pass);
}

#[test]
fn logs_shorter_than_the_threshold_decide_only_full_use() {
    let findings = lp_008(
        "[thresholds]\nunused_permission_days = 200\n",
        "2026-11-01T00:00:00Z",
    );
    assert_eq!(of(&findings, "role/app-runtime").status, Status::Pass);
    let ci = of(&findings, "role/ci-deploy");
    assert_eq!(ci.status, Status::NotEvaluated);
    assert!(
        ci.message.contains(&format!(
            "the CloudTrail logs ({WINDOW}) cover fewer than 200 days"
        )),
        "{}",
        ci.message
    );
    // What it left unused is shown all the same.
    assert!(ci
        .evidence
        .iter()
        .any(|e| e.detail.contains("iam:PassRole")));
    let ana = of(&findings, "role/Admin-Ana");
    assert_eq!(ana.status, Status::NotEvaluated);
    assert!(
        ana.message.ends_with("and never mention it"),
        "{}",
        ana.message
    );
    assert!(!findings.iter().any(|f| f.status == Status::Fail));
}

#[test]
fn logs_after_the_audit_time_do_not_count() {
    // The snapshot's grants are those of 2026-06-01: later calls say nothing of them.
    let findings = lp_008("", "2026-06-01T00:00:00Z");
    let ci = of(&findings, "role/ci-deploy");
    assert_eq!(ci.status, Status::NotEvaluated);
    assert!(ci.message.contains("hold no event"), "{}", ci.message);
    // Access Advisor still decides what it covers.
    let nurse = of(&findings, "user/nurse-cy");
    assert_ne!(nurse.status, Status::NotEvaluated, "{}", nurse.message);
}
