//! `phiward.toml`: defaults, thresholds, break-glass principals, suppressions and their
//! expiry, and errors that name the file and place.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

use std::path::Path;

use phiward_access::AccessModel;
use phiward_checks::{run_all, Audit, Config};
use phiward_findings::{Finding, Status};

fn audit(config: &Config) -> Vec<Finding> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account");
    let loaded = phiward_snapshot::load(&dir).unwrap();
    let snap = &loaded.snapshot;
    let access = AccessModel::new(snap);
    run_all(&Audit::new(
        snap,
        &access,
        snap.as_of.unwrap_or(snap.created),
        config,
    ))
}

#[test]
fn an_empty_file_is_the_defaults() {
    let c = Config::parse("", "phiward.toml").unwrap();
    assert_eq!((c.admins.min, c.admins.max), (2, 3));
    assert_eq!(c.thresholds.max_key_age_days, 90);
    assert_eq!(c.phi.tag_key, "data-classification");
}

#[test]
fn errors_name_the_file_and_the_place() {
    let e = Config::parse("[admins]\nmin = \"two\"\n", "conf/phiward.toml").unwrap_err();
    let msg = e.to_string();
    assert!(msg.starts_with("conf/phiward.toml: "), "{msg}");
    assert!(msg.contains("line 2"), "{msg}");
    let e = Config::parse("[admins]\nmin = 4\nmax = 3\n", "p.toml").unwrap_err();
    assert!(e
        .to_string()
        .contains("`admins.min` (4) is larger than `admins.max` (3)"));
    assert!(
        Config::parse("[[suppress]]\ncheck = \"X\"\n", "p.toml").is_err(),
        "fields are required"
    );
}

#[test]
fn thresholds_break_glass_and_suppressions_change_the_findings() {
    let c = Config::parse(
        r#"
[admins]
max = 8
break_glass = ["BreakGlassAdmin"]

[thresholds]
max_key_age_days = 32

[[suppress]]
check = "LP-009"
resource = "arn:aws:iam::111122223333:user/dr-okafor"
reason = "on leave, returns in January"
owner = "chief-medical-officer@mercy.example"
expires = "2026-12-31"

[[suppress]]
check = "LP-009"
resource = "arn:aws:iam::111122223333:user/nurse-harris"
reason = "an acceptance that has run out"
owner = "nursing@mercy.example"
expires = "2026-10-31"
"#,
        "phiward.toml",
    )
    .unwrap();
    let findings = audit(&c);
    let of = |check: &str, suffix: &str| {
        findings
            .iter()
            .find(|f| f.check == check && f.resource.ends_with(suffix))
            .unwrap()
            .clone()
    };
    // Eight administrators are now within range.
    assert_eq!(of("ADMIN-001", "111122223333").status, Status::Pass);
    // The break-glass role is not reported as inactive.
    assert!(!findings
        .iter()
        .any(|f| f.check == "LP-009" && f.resource.ends_with("role/BreakGlassAdmin")));
    // Suppressed until the end of the year; the other acceptance expired the day before
    // the snapshot's moment, so it fails again.
    let okafor = of("LP-009", "user/dr-okafor");
    assert_eq!(okafor.status, Status::Fail);
    assert_eq!(
        okafor.suppressed.unwrap().owner,
        "chief-medical-officer@mercy.example"
    );
    assert!(of("LP-009", "user/nurse-harris").suppressed.is_none());
    // A 32-day key age fails keys the 90-day default let through.
    let default_fails = audit(&Config::default())
        .iter()
        .filter(|f| f.check == "KEY-001" && f.status == Status::Fail)
        .count();
    let strict_fails = findings
        .iter()
        .filter(|f| f.check == "KEY-001" && f.status == Status::Fail)
        .count();
    assert!(
        strict_fails > default_fails,
        "{strict_fails} vs {default_fails}"
    );
}
