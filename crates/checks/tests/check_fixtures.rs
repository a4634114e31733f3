//! Every check's own pass and fail fixtures: small snapshot fragments under
//! `tests/fixtures/checks/ID/` (`pass*.json`, `fail*.json`), each holding only the parts
//! of `snapshot.json` the check reads (every other part is "not collected"), with an
//! optional `phiward.toml` of the same name (`fail-x.toml` beside `fail-x.json`).
//!
//! A fail fixture must make the check fail, a pass fixture must make it pass and fail
//! nothing; the check's findings on each fixture are snapshot-tested with insta
//! (`INSTA_UPDATE=always cargo test -p phiward-checks --test check_fixtures`, then review
//! `tests/snapshots/`). A check without both fixtures fails the test: adding a check is
//! one file, one fixture pair and one line in the table (`docs/adding-a-check.md`).

use std::path::{Path, PathBuf};

use phiward_access::AccessModel;
use phiward_checks::{Audit, Check, Config, CHECKS};
use phiward_report::{Finding, Status};
use phiward_snapshot::Snapshot;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checks")
}

/// A fragment as a snapshot: the header parts a fragment need not repeat are filled in.
fn snapshot(path: &Path) -> Snapshot {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut value: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let obj = value
        .as_object_mut()
        .unwrap_or_else(|| panic!("{}: not a JSON object", path.display()));
    let defaults = serde_json::json!({
        "format_version": phiward_snapshot::FORMAT_VERSION,
        "created": "2026-11-01T00:00:00Z",
        "as_of": "2026-11-01T00:00:00Z",
        "source": {"kind": "raw_export", "origin": "fixture", "tool": "test"},
        "account": {"id": "111122223333"},
    });
    for (k, v) in defaults.as_object().into_iter().flatten() {
        obj.entry(k.clone()).or_insert_with(|| v.clone());
    }
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn config(fixture: &Path) -> Config {
    let toml = fixture.with_extension("toml");
    if !toml.exists() {
        return Config::default();
    }
    let text = std::fs::read_to_string(&toml).unwrap_or_default();
    Config::parse(&text, &toml.display().to_string())
        .unwrap_or_else(|e| panic!("{}: {e}", toml.display()))
}

fn run(check: &Check, fixture: &Path) -> Vec<Finding> {
    let snap = snapshot(fixture);
    let config = config(fixture);
    let access = AccessModel::new(&snap);
    assert!(
        access.skipped.is_empty(),
        "{}: documents skipped: {:?}",
        fixture.display(),
        access.skipped
    );
    let now = snap.as_of.unwrap_or(snap.created);
    let audit = Audit::new(&snap, &access, now, &config);
    (check.run)(&check.meta, &audit)
}

/// The findings as reviewed in the snapshots: status, resource, principal, message and
/// each evidence entry.
fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!("{} {}", f.status.as_str(), f.resource));
        if let Some(p) = &f.principal {
            out.push_str(&format!(" ({p})"));
        }
        out.push_str(&format!("\n  {}\n", f.message));
        for e in &f.evidence {
            let at = match (e.statement, e.line) {
                (Some(s), Some(l)) => format!(" statement {s} line {l}"),
                _ => String::new(),
            };
            out.push_str(&format!("  - {}{at}: {}\n", e.source, e.detail));
        }
    }
    out
}

fn files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_check_passes_and_fails_its_own_fixtures() {
    let mut problems = Vec::new();
    for check in CHECKS {
        let id = check.meta.id;
        let dir = fixtures_dir().join(id);
        let (fails, passes) = (files(&dir, "fail"), files(&dir, "pass"));
        if fails.is_empty() || passes.is_empty() {
            problems.push(format!(
                "{id}: needs tests/fixtures/checks/{id}/fail*.json and pass*.json"
            ));
            continue;
        }
        for fixture in fails.iter().chain(&passes) {
            let findings = run(check, fixture);
            let name = fixture.file_stem().and_then(|n| n.to_str()).unwrap_or("");
            let failed = findings.iter().any(|f| f.status == Status::Fail);
            let passed = findings.iter().any(|f| f.status == Status::Pass);
            if name.starts_with("fail") && !failed {
                problems.push(format!("{id}/{name}: the check does not fail"));
            }
            if name.starts_with("pass") && (failed || !passed) {
                problems.push(format!("{id}/{name}: the check does not pass"));
            }
            insta::assert_snapshot!(format!("{id}__{name}"), render(&findings));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
