//! Unused access and least-privilege policies on a small account built here; generated
//! policies must lint clean with phiward's own linter.

#![expect(clippy::expect_used, reason = "test set-up fails loudly")]

use std::collections::BTreeSet;

use phiward_access::AccessModel;
use phiward_catalog::Catalog;
use phiward_snapshot::model::iam::Iam;
use phiward_snapshot::{Collected, Snapshot, Source, SourceKind};
use phiward_trail::event::PrincipalKind;
use phiward_trail::policy::{diff, least_privilege, Options};
use phiward_trail::unused::{granted, unused};
use phiward_trail::usage::{ActionUsage, PrincipalUsage, Usage};

const ROLE: &str = "arn:aws:iam::111122223333:role/etl";

fn model() -> AccessModel {
    let source = Source {
        kind: SourceKind::default(),
        origin: "test".into(),
        tool: "test".into(),
    };
    let created = serde_json::from_value(serde_json::json!("2026-11-01T00:00:00Z")).expect("time");
    let mut s = Snapshot::new(source, created);
    s.account.id = Some("111122223333".into());
    let policy = |doc: serde_json::Value| serde_json::json!({"PolicyName": "p", "PolicyDocument": doc.to_string()});
    let iam: Iam = serde_json::from_value(serde_json::json!({
        "Roles": [{
            "RoleName": "etl", "RoleId": "AROA1", "Arn": ROLE, "Path": "/",
            "CreateDate": "2024-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
            "RolePolicyList": [policy(serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"], "Resource": "*"},
                {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
                {"Effect": "Deny", "Action": "dynamodb:Delete*", "Resource": "*"}
            ]}))],
            "AttachedManagedPolicies": [], "InstanceProfileList": [], "Tags": []
        }],
        "Users": [], "Groups": [], "Policies": []
    }))
    .expect("iam");
    s.iam = Collected::Known(iam);
    s.organization = Collected::Known(None);
    AccessModel::new(&s)
}

fn action(name: &str, count: u64, denied: u64, resources: &[&str]) -> ActionUsage {
    ActionUsage {
        action: name.into(),
        count,
        denied,
        first_seen: "2026-10-01T00:00:00Z".into(),
        last_seen: "2026-10-02T00:00:00Z".into(),
        resources: resources.iter().map(|s| s.to_string()).collect(),
        events: Vec::new(),
    }
}

fn principal(actions: Vec<ActionUsage>) -> PrincipalUsage {
    PrincipalUsage {
        principal: ROLE.into(),
        kind: PrincipalKind::Role,
        calls: actions.iter().map(|a| a.count).sum(),
        denied: 0,
        first_seen: "2026-10-01T00:00:00Z".into(),
        last_seen: "2026-10-02T00:00:00Z".into(),
        actions,
        unknown_events: Vec::new(),
        no_permission_events: Vec::new(),
    }
}

fn usage(p: PrincipalUsage) -> Usage {
    Usage {
        since: None,
        until: "2026-11-01T00:00:00Z".into(),
        files: 1,
        records: 1,
        counted: 1,
        outside_window: 0,
        principals: vec![p],
        problems: Vec::new(),
        more_problems: 0,
    }
}

fn lint(doc: &impl serde::Serialize) -> Vec<String> {
    let text = serde_json::to_string_pretty(doc).expect("json");
    let catalog = Catalog::get().expect("catalog");
    phiward_lint::lint_text(&text, &phiward_lint::Options::default(), Some(catalog))
        .iter()
        .map(|f| format!("{} {}", f.id, f.message))
        .collect()
}

#[test]
fn granted_reads_allows_less_unconditional_denies() {
    let m = model();
    let catalog = Catalog::get().expect("catalog");
    let g = granted(&m, &m.principals[0], catalog);
    assert!(g.contains("s3:GetObject") && g.contains("dynamodb:GetItem"));
    assert!(!g.contains("dynamodb:DeleteItem") && !g.contains("s3:GetBucketPolicy"));
}

#[test]
fn unused_groups_by_service_and_level() {
    let m = model();
    let catalog = Catalog::get().expect("catalog");
    let u = usage(principal(vec![
        action("s3:GetObject", 5, 0, &["arn:aws:s3:::phi/a"]),
        action("s3:PutObject", 2, 2, &[]),
    ]));
    let answer = unused(&m, &u, catalog);
    let p = &answer[0];
    assert_eq!(p.used, 1);
    assert_eq!(p.unused_count, p.granted - 1);
    let s3 = p.unused.iter().find(|s| s.service == "s3").expect("s3");
    // PutObject was only ever denied: still unused.
    assert_eq!(s3.levels.get("Write").map(Vec::len), Some(2));
    assert_eq!(
        s3.levels.get("List").map(Vec::as_slice),
        Some(&["s3:ListBucket".to_string()][..])
    );
    assert!(p.unused.iter().any(|s| s.service == "dynamodb"));
}

#[test]
fn policy_narrows_to_observed_resources_and_lints_clean() {
    let catalog = Catalog::get().expect("catalog");
    let p = principal(vec![
        action(
            "s3:GetObject",
            5,
            0,
            &[
                "arn:aws:s3:::phi/2026/a.csv",
                "arn:aws:s3:::phi/2026/b.csv",
                "arn:aws:s3:::phi",
            ],
        ),
        action("s3:ListBucket", 1, 0, &["arn:aws:s3:::phi"]),
        action("s3:DeleteObject", 3, 3, &[]),
        action(
            "dynamodb:GetItem",
            1,
            0,
            &["arn:aws:dynamodb:us-east-1:111122223333:table/claims"],
        ),
        action("sts:GetCallerIdentity", 1, 0, &[]),
    ]);
    let g = least_privilege(&p, catalog, Options::default());
    let doc = serde_json::to_value(&g.document).expect("json");
    let statements = doc["Statement"].as_array().expect("statements");
    let get = statements
        .iter()
        .find(|s| s["Action"] == "s3:GetObject")
        .expect("get");
    assert_eq!(
        get["Resource"],
        serde_json::json!(["arn:aws:s3:::phi/2026/a.csv", "arn:aws:s3:::phi/2026/b.csv"])
    );
    let list = statements
        .iter()
        .find(|s| s["Action"] == "s3:ListBucket")
        .expect("list");
    assert_eq!(list["Resource"], "arn:aws:s3:::phi");
    assert_eq!(g.denied_only, ["s3:DeleteObject"]);
    assert!(!g.actions.contains("s3:DeleteObject"));
    assert_eq!(lint(&g.document), Vec::<String>::new());

    let m = model();
    let today = granted(&m, &m.principals[0], catalog);
    let d = diff(&g, &today, catalog);
    assert_eq!(
        d.kept,
        ["dynamodb:GetItem", "s3:GetObject", "s3:ListBucket"]
    );
    assert_eq!(d.added, ["sts:GetCallerIdentity"]);
    assert_eq!(d.removed_count, today.len() - 3);
}

#[test]
fn many_resources_collapse_past_the_threshold() {
    let catalog = Catalog::get().expect("catalog");
    let objects: Vec<String> = (0..30)
        .map(|i| format!("arn:aws:s3:::phi/2026/{:02}/r{i}.csv", i % 3))
        .collect();
    let refs: Vec<&str> = objects.iter().map(String::as_str).collect();
    let p = principal(vec![action("s3:GetObject", 30, 0, &refs)]);
    let g = least_privilege(
        &p,
        catalog,
        Options {
            collapse_threshold: 5,
        },
    );
    let doc = serde_json::to_value(&g.document).expect("json");
    assert_eq!(
        doc["Statement"][0]["Resource"],
        serde_json::json!([
            "arn:aws:s3:::phi/2026/00/*",
            "arn:aws:s3:::phi/2026/01/*",
            "arn:aws:s3:::phi/2026/02/*"
        ])
    );
    let g = least_privilege(
        &p,
        catalog,
        Options {
            collapse_threshold: 1,
        },
    );
    let doc = serde_json::to_value(&g.document).expect("json");
    assert_eq!(doc["Statement"][0]["Resource"], "arn:aws:s3:::phi/2026/*");
    assert_eq!(lint(&g.document), Vec::<String>::new());
}

#[test]
fn dependent_actions_are_added_and_unplaced_actions_scoped_to_the_account() {
    let catalog = Catalog::get().expect("catalog");
    let p = principal(vec![
        action(
            "ec2:RunInstances",
            2,
            0,
            &["arn:aws:ec2:us-east-1:111122223333:instance/i-1"],
        ),
        action("ec2:DescribeInstances", 2, 0, &[]),
        action("glue:GetTable", 1, 0, &[]),
    ]);
    let g = least_privilege(&p, catalog, Options::default());
    let want: BTreeSet<&str> = ["ec2:CreateTags", "iam:PassRole", "ssm:GetParameters"]
        .into_iter()
        .collect();
    let got: BTreeSet<&str> = g.dependent.iter().map(String::as_str).collect();
    assert_eq!(got, want);
    let doc = serde_json::to_value(&g.document).expect("json");
    let glue = doc["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .find(|s| s["Action"] == "glue:GetTable")
        .expect("glue");
    assert!(
        glue["Resource"]
            .to_string()
            .contains("arn:aws:glue:*:111122223333:table/*/*"),
        "{glue}"
    );
    assert!(g.notes.iter().any(|n| n.starts_with("glue:GetTable")));
    // Risk classes (PassRole is privilege escalation) are the workload's own; nothing else.
    let findings: Vec<String> = lint(&g.document)
        .into_iter()
        .filter(|f| !f.starts_with("PW3"))
        .collect();
    assert_eq!(findings, Vec::<String>::new());
}

#[test]
fn nothing_observed_allows_nothing() {
    let catalog = Catalog::get().expect("catalog");
    let g = least_privilege(&principal(Vec::new()), catalog, Options::default());
    assert!(g.document.statement.is_empty());
    assert!(!g.notes.is_empty());
}
