//! Data-driven conformance: every case file the project knows must agree with `expected`.
//!
//! - `../shared/conformance/public-cases.json` (beside the clone; skipped with a message
//!   when absent),
//! - `tests/aws-docs/*.json` (cases from AWS's documentation),
//! - `examples/*.json` (the README's examples).

#![expect(
    clippy::panic,
    reason = "a test reports a broken case file by panicking"
)]

use std::path::{Path, PathBuf};

use phiward_policy::cases::parse_cases;
use phiward_policy::{evaluate, Decision};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Evaluates a case file; returns (cases, failures as readable lines).
///
/// A case may record a documented divergence: `x-phiward-decision` is then the decision
/// phiward must reach (and `x-phiward-note` says why it differs from `expected`).
fn run(path: &Path) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases = parse_cases(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let raw: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let overrides: std::collections::HashMap<String, Decision> = raw
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let d = Decision::parse(c.get("x-phiward-decision")?.as_str()?)?;
            assert!(
                c.get("x-phiward-note").is_some(),
                "{}: a divergence needs an x-phiward-note",
                path.display()
            );
            Some((c.get("id")?.as_str()?.to_string(), d))
        })
        .collect();
    let mut failures = Vec::new();
    for c in &cases {
        match c {
            Err(e) => failures.push(format!(
                "{}: {}: error: {}",
                path.display(),
                e.id,
                e.message
            )),
            Ok(c) => {
                let got = evaluate(&c.policies, &c.request).decision;
                match overrides.get(&c.id).copied().or(c.expected) {
                    Some(want) if want != got => failures.push(format!(
                        "{}: {}: expected {}, decided {}",
                        path.display(),
                        c.id,
                        want.as_str(),
                        got.as_str()
                    )),
                    None => failures.push(format!("{}: {}: no `expected`", path.display(), c.id)),
                    _ => {}
                }
            }
        }
    }
    (cases.len(), failures)
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn public_conformance_cases_agree() {
    let path = workspace().join("../shared/conformance/public-cases.json");
    if !path.exists() {
        eprintln!(
            "skipped: {} not found (../shared is not beside this clone)",
            path.display()
        );
        return;
    }
    let (n, failures) = run(&path);
    assert_eq!(n, 200, "expected 200 public cases");
    assert!(
        failures.is_empty(),
        "{} of {n} disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn aws_documentation_cases_agree() {
    let files = json_files(&workspace().join("tests/aws-docs"));
    let mut total = 0;
    let mut failures = Vec::new();
    for f in &files {
        let (n, mut fl) = run(f);
        total += n;
        failures.append(&mut fl);
    }
    assert!(
        failures.is_empty(),
        "{} of {total} disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn examples_agree() {
    let files = json_files(&workspace().join("examples"));
    assert!(!files.is_empty(), "no examples found");
    for f in &files {
        let (_, failures) = run(f);
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
