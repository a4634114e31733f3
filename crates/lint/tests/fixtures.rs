//! Every rule's fixtures: each `fail*` policy reports the rule, each `pass*` policy does
//! not, and every fixture's findings match its committed snapshot.

#![expect(
    clippy::expect_used,
    reason = "test helpers fail the test on unexpected errors"
)]

mod common;

use std::path::{Path, PathBuf};

use phiward_catalog::Catalog;
use phiward_lint::{lint_bytes, FileReport, Options, RULES};
use phiward_report::lint as report;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixture files of a rule, sorted.
fn fixtures(id: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir().join(id))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn lint(p: &Path, catalog: Option<&Catalog>) -> FileReport {
    let bytes = std::fs::read(p).expect("read fixture");
    let parent = p
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    FileReport {
        path: format!("{parent}/{}", name(p)),
        findings: lint_bytes(&bytes, &common::options_for(&name(p)), catalog),
    }
}

#[test]
fn every_rule_fails_and_passes_its_fixtures() {
    let cat = common::catalog();
    let mut problems = Vec::new();
    for rule in RULES {
        let files = fixtures(rule.id);
        let fails = files.iter().filter(|p| name(p).starts_with("fail")).count();
        let passes = files.iter().filter(|p| name(p).starts_with("pass")).count();
        if fails == 0 || passes == 0 {
            problems.push(format!(
                "{}: needs at least one fail*.json and one pass*.json under tests/fixtures/{}/",
                rule.id, rule.id
            ));
        }
        // Catalog-free rules must behave the same without the catalog.
        let catalogs: Vec<Option<&Catalog>> = if rule.catalog {
            vec![Some(cat)]
        } else {
            vec![Some(cat), None]
        };
        for p in &files {
            let fail = name(p).starts_with("fail");
            for c in &catalogs {
                let r = lint(p, *c);
                let reported = r.findings.iter().any(|f| f.id == rule.id);
                if reported != fail {
                    problems.push(format!(
                        "{} ({} catalog): expected {}{}\n{}",
                        r.path,
                        if c.is_some() { "with" } else { "without" },
                        if fail { "" } else { "no " },
                        rule.id,
                        report::text(std::slice::from_ref(&r))
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn fixture_snapshots() {
    let cat = common::catalog();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for rule in RULES {
            for p in fixtures(rule.id) {
                let r = lint(&p, Some(cat));
                let stem = name(&p).trim_end_matches(".json").replace('.', "_");
                insta::assert_snapshot!(
                    format!("{}__{stem}", rule.id),
                    report::text(std::slice::from_ref(&r))
                );
            }
        }
    });
}

#[test]
fn no_orphan_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut wanted = Vec::new();
    for rule in RULES {
        for p in fixtures(rule.id) {
            let stem = name(&p).trim_end_matches(".json").replace('.', "_");
            wanted.push(format!("{}__{stem}.snap", rule.id));
        }
    }
    for entry in std::fs::read_dir(dir).expect("snapshots") {
        let file = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        assert!(
            wanted.contains(&file) || file.ends_with(".snap.new"),
            "tests/snapshots/{file} belongs to no fixture: remove it"
        );
    }
}

#[test]
fn no_stray_fixture_folders() {
    let dirs: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for d in dirs {
        assert!(
            RULES.iter().any(|r| r.id == d),
            "tests/fixtures/{d} names no rule"
        );
    }
}

/// `Options::only` runs the rules it names and no other, and still reports a policy
/// that does not parse.
#[test]
fn only_the_rules_asked_for_run() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","NotAction":"iam:*","Resource":"*"},
        {"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let all = phiward_lint::lint_text(text, &Options::default(), None);
    let ids = |f: &[phiward_lint::Finding]| {
        let mut v: Vec<&str> = f.iter().map(|f| f.id).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    assert!(ids(&all).len() >= 2, "{:?}", ids(&all));
    assert!(ids(&all).contains(&"PW101"));
    let only = phiward_lint::lint_text(text, &Options::default().only(&["PW101"]), None);
    assert_eq!(ids(&only), ["PW101"]);
    let broken = phiward_lint::lint_text("{", &Options::default().only(&["PW101"]), None);
    assert_eq!(broken.len(), 1);
    assert_ne!(broken[0].id, "PW101");
}
