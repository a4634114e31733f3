//! The rule catalog is consistent: ids, names, documentation sections, order. The pages
//! under `docs/rules/` are written and checked by `cargo xtask docs`.

use std::collections::BTreeSet;

use phiward_lint::RULES;

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
