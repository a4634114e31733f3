//! The rule catalog is consistent, and `docs/rules/` and the rule table in `docs/lint.md`
//! match the rules' doc comments. `UPDATE_RULE_DOCS=1` rewrites them.

use std::collections::BTreeSet;
use std::path::PathBuf;

use phiward_lint::docs::{pages, with_rule_table};
use phiward_lint::RULES;

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

fn update() -> bool {
    std::env::var("UPDATE_RULE_DOCS").is_ok_and(|v| v == "1")
}

#[test]
fn rule_docs_are_current() {
    let docs = docs_dir();
    let mut stale = Vec::new();
    let mut generated = BTreeSet::new();
    for (rel, want) in pages() {
        let path = docs.join(&rel);
        generated.insert(path.clone());
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have != want {
            if update() {
                std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                std::fs::write(&path, want).expect("write rule page");
            } else {
                stale.push(rel);
            }
        }
    }
    // Pages of rules that no longer exist.
    for entry in std::fs::read_dir(docs.join("rules")).expect("docs/rules") {
        let path = entry.expect("entry").path();
        if !generated.contains(&path) {
            if update() {
                std::fs::remove_file(&path).expect("remove stale page");
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    let lint_md = docs.join("lint.md");
    let have = std::fs::read_to_string(&lint_md).expect("docs/lint.md");
    let want = with_rule_table(&have).expect("docs/lint.md has the rule-table markers");
    if have != want {
        if update() {
            std::fs::write(&lint_md, want).expect("write docs/lint.md");
        } else {
            stale.push("lint.md (rule table)".into());
        }
    }
    assert!(
        stale.is_empty(),
        "stale docs: {stale:?}; run `UPDATE_RULE_DOCS=1 cargo test -p phiward-lint --test rule_docs`"
    );
}

#[test]
fn rules_are_documented_and_ids_are_unique() {
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for r in RULES {
        assert!(
            r.id.len() == 5
                && r.id.starts_with("PW")
                && r.id[2..].bytes().all(|b| b.is_ascii_digit()),
            "{}: ids are PW and three digits",
            r.id
        );
        assert!(ids.insert(r.id), "{}: duplicate id", r.id);
        assert!(names.insert(r.name), "{}: duplicate name", r.name);
        assert!(
            r.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{}: names are kebab-case",
            r.id
        );
        for section in ["What", "Why", "Example", "Fix"] {
            assert!(
                !r.section(section).is_empty(),
                "{}: no `## {section}`",
                r.id
            );
        }
        assert!(
            !r.title.ends_with('.'),
            "{}: titles have no final period",
            r.id
        );
        assert!(
            r.fix.chars().next().is_some_and(|c| !c.is_uppercase()),
            "{}: fixes start lowercase",
            r.id
        );
    }
    let sorted: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    let mut want = sorted.clone();
    want.sort_unstable();
    assert_eq!(sorted, want, "RULES is in id order");
}
