//! Every check's own pass and fail fixtures: small snapshot fragments under
//! `tests/fixtures/checks/ID/` (`pass*.json`, `fail*.json`), each holding only the parts
//! of `snapshot.json` the check reads (every other part is "not collected"), with an
//! optional `phiward.toml` of the same name (`fail-x.toml` beside `fail-x.json`).
//!
//! A fail fixture must make the check fail, a pass fixture must make it pass and fail
//! nothing, and a `not-evaluated*.json` fixture (an input that was not collected) must make
//! it report `not_evaluated` and neither pass nor fail; the check's findings on each
//! fixture are snapshot-tested with insta
//! (`INSTA_UPDATE=always cargo test -p phiward-checks --test check_fixtures`, then review
//! `tests/snapshots/`). A check without both a pass and a fail fixture fails the test:
//! adding a check is one file, one fixture pair and one line in the table
//! (`docs/adding-a-check.md`).
//!
//! What a snapshot does not hold goes beside the fixture under the same name: CloudTrail
//! logs (LOG-013, LP-008) in a `fail-x.logs/` folder, read as `phiward audit --logs` reads
//! them, and the recertification record (CERT-002) as `fail-x.recertified.json`, a list of
//! `{"principal", "campaign", "certified_at", "outstanding"}`.

#![expect(
    clippy::panic,
    reason = "a fixture that cannot be read fails the test loudly, naming its file"
)]

use std::path::{Path, PathBuf};

use phiward_access::AccessModel;
use phiward_checks::{Audit, Check, Config, Recertified, CHECKS};
use phiward_report::{Finding, Status};
use phiward_snapshot::Snapshot;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checks")
}

/// A fragment as a snapshot: the header parts a fragment need not repeat are filled in.
/// They are spliced into the text after its opening brace, so that policy documents
/// written as JSON objects keep their own text (and the lines evidence points at).
fn snapshot(path: &Path) -> Snapshot {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let obj = value
        .as_object()
        .unwrap_or_else(|| panic!("{}: not a JSON object", path.display()));
    let defaults = serde_json::json!({
        "format_version": phiward_snapshot::FORMAT_VERSION,
        "created": "2026-11-01T00:00:00Z",
        "as_of": "2026-11-01T00:00:00Z",
        "source": {"kind": "raw_export", "origin": "fixture", "tool": "test"},
        "account": {"id": "111122223333"},
    });
    let mut head: Vec<String> = Vec::new();
    for (k, v) in defaults.as_object().into_iter().flatten() {
        if !obj.contains_key(k) {
            head.push(format!("{}: {v}", serde_json::Value::String(k.clone())));
        }
    }
    let open = text.find('{').unwrap_or(0) + 1;
    let (before, rest) = text.split_at(open);
    let sep = if obj.is_empty() { "" } else { ", " };
    let full = format!("{before}{}{sep}{rest}", head.join(", "));
    let snap: Snapshot =
        serde_json::from_str(&full).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // A misspelt key would be ignored and read as "not collected": every key of the
    // fragment must be one the snapshot keeps.
    let back = serde_json::to_value(&snap).unwrap_or_else(|e| panic!("{e}"));
    let mut unknown = Vec::new();
    unread(&value, &back, "", &mut unknown);
    assert!(
        unknown.is_empty(),
        "{}: keys the snapshot does not read: {unknown:?}",
        path.display()
    );
    snap
}

/// The keys of `fragment` that `read` (the snapshot written back) does not have.
fn unread(fragment: &serde_json::Value, read: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    use serde_json::Value::{Array, Object};
    match (fragment, read) {
        (Object(f), Object(r)) => {
            for (k, v) in f {
                match r.get(k) {
                    Some(w) => unread(v, w, &format!("{at}/{k}"), out),
                    None => out.push(format!("{at}/{k}")),
                }
            }
        }
        (Array(f), Array(r)) => {
            for (i, (v, w)) in f.iter().zip(r).enumerate() {
                unread(v, w, &format!("{at}/{i}"), out);
            }
        }
        // A policy document written as an object is kept as its text.
        _ => {}
    }
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

/// The file or folder beside a fixture: `fail-x.logs` for `fail-x.json`.
fn beside(fixture: &Path, ext: &str) -> PathBuf {
    fixture.with_extension(ext)
}

/// CloudTrail logs beside the fixture, read as `phiward audit --logs` reads them, up to
/// the audit's time.
fn review(
    fixture: &Path,
    config: &Config,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<phiward_trail::review::Review> {
    let logs = beside(fixture, "logs");
    logs.is_dir().then(|| {
        let paths = phiward_trail::read::discover(&logs)
            .unwrap_or_else(|e| panic!("{}: {e}", logs.display()));
        let opts = phiward_trail::detect::Options {
            automation: config.admins.automation.clone(),
            ..Default::default()
        };
        let catalog = phiward_catalog::Catalog::get().unwrap_or_else(|e| panic!("{e}"));
        let r = phiward_trail::review::review(
            &paths,
            &opts,
            phiward_trail::usage::Options::window(now.timestamp(), None),
            catalog,
        );
        assert!(
            r.detections.problems.is_empty(),
            "{}: {:?}",
            logs.display(),
            r.detections.problems
        );
        r
    })
}

/// The recertification record beside the fixture.
fn recertified(fixture: &Path) -> Option<Vec<Recertified>> {
    let path = beside(fixture, "recertified.json");
    let text = std::fs::read_to_string(&path).ok()?;
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let field =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    Some(
        list.iter()
            .map(|v| Recertified {
                principal: field(v, "principal").unwrap_or_default(),
                campaign: field(v, "campaign").unwrap_or_default(),
                certified_at: field(v, "certified_at").map(|t| {
                    chrono::DateTime::parse_from_rfc3339(&t)
                        .unwrap_or_else(|e| panic!("{}: `{t}`: {e}", path.display()))
                        .with_timezone(&chrono::Utc)
                }),
                outstanding: v
                    .get("outstanding")
                    .and_then(|o| o.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|o| o.as_str().map(str::to_string))
                    .collect(),
            })
            .collect(),
    )
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
    let review = review(fixture, &config, now);
    let record = recertified(fixture);
    let mut audit = Audit::new(&snap, &access, now, &config);
    if let Some(r) = &review {
        audit = audit.with_review(r);
    }
    if let Some(r) = &record {
        audit = audit.with_recertified(r);
    }
    (check.run)(&check.meta, &audit)
}

/// The findings as reviewed in the snapshots: status, resource, principal, message and
/// each evidence entry (paths of log files relative to the fixtures).
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
                (Some(s), None) => format!(" statement {s}"),
                (None, Some(l)) => format!(" line {l}"),
                _ => String::new(),
            };
            out.push_str(&format!("  - {}{at}: {}\n", e.source, e.detail));
        }
    }
    out.replace(&format!("{}/", fixtures_dir().display()), "")
}

/// The fixtures of a check whose names start with `prefix` (`fail-x.json`; not the
/// files beside them, such as `fail-x.recertified.json`).
fn files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| x == "json")
                && p.file_stem()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix) && !n.contains('.'))
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
        let (fails, passes, unknown) = (
            files(&dir, "fail"),
            files(&dir, "pass"),
            files(&dir, "not-evaluated"),
        );
        if fails.is_empty() || passes.is_empty() {
            problems.push(format!(
                "{id}: needs tests/fixtures/checks/{id}/fail*.json and pass*.json"
            ));
            continue;
        }
        for fixture in fails.iter().chain(&passes).chain(&unknown) {
            let findings = run(check, fixture);
            let name = fixture.file_stem().and_then(|n| n.to_str()).unwrap_or("");
            let has = |s: Status| findings.iter().any(|f| f.status == s);
            let (failed, passed) = (has(Status::Fail), has(Status::Pass));
            if name.starts_with("fail") && !failed {
                problems.push(format!("{id}/{name}: the check does not fail"));
            }
            if name.starts_with("pass") && (failed || !passed) {
                problems.push(format!("{id}/{name}: the check does not pass"));
            }
            if name.starts_with("not-evaluated") && (failed || passed || !has(Status::NotEvaluated))
            {
                problems.push(format!(
                    "{id}/{name}: the check does not say `not_evaluated`"
                ));
            }
            insta::assert_snapshot!(format!("{id}__{name}"), render(&findings));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A snapshot left behind by a removed or renamed fixture would be reviewed as if it
/// still said something.
#[test]
fn every_snapshot_has_its_fixture() {
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let stale: Vec<String> = std::fs::read_dir(&snapshots)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| {
            let Some(rest) = n
                .strip_prefix("check_fixtures__")
                .and_then(|r| r.strip_suffix(".snap"))
            else {
                return false;
            };
            let (id, name) = rest.split_once("__").unwrap_or((rest, ""));
            !fixtures_dir()
                .join(id)
                .join(format!("{name}.json"))
                .is_file()
        })
        .collect();
    assert!(stale.is_empty(), "snapshots without a fixture: {stale:?}");
}
