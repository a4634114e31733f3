//! `who_can_each` decides one pair per shape of resource and principal, and as few pairs
//! as is exact: its answers must equal `who_can`'s, resource by resource, which decides
//! every principal of the account against each resource on its own.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

mod common;

use phiward_access::{who_can, who_can_each, AccessModel, Grant, PrincipalType};
use phiward_snapshot::model::data::Bucket;
use phiward_snapshot::model::iam::Iam;
use phiward_snapshot::{Collected, PolicyText, Snapshot, SourceKind};
use serde_json::{json, Value};

const ACCT: &str = "111122223333";

fn bucket_policy(name: &str, readers: &[&str], extra: Option<Value>) -> String {
    let res = json!([
        format!("arn:aws:s3:::{name}"),
        format!("arn:aws:s3:::{name}/*")
    ]);
    let mut statements = vec![
        json!({"Sid": "DenyWithoutTLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
               "Resource": res, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
        json!({"Sid": "Readers", "Effect": "Allow",
               "Principal": {"AWS": readers.iter().map(|r| format!("arn:aws:iam::{ACCT}:role/{r}")).collect::<Vec<_>>()},
               "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": res}),
        json!({"Sid": "DenyOutsideNetwork", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
               "Resource": res, "Condition": {"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"},
               "ArnNotEquals": {"aws:SourceArn": format!("arn:aws:s3:::{name}")}}}),
    ];
    statements.extend(extra);
    serde_json::to_string_pretty(&json!({"Version": "2012-10-17", "Statement": statements}))
        .unwrap()
}

fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn role(name: &str, policy: Value) -> Value {
    json!({"RoleName": name, "Arn": format!("arn:aws:iam::{ACCT}:role/{name}"),
           "AssumeRolePolicyDocument": doc(json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCT}:root")}, "Action": "sts:AssumeRole"}])),
           "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": policy}]})
}

fn user(name: &str, policy: Value) -> Value {
    json!({"UserName": name, "Arn": format!("arn:aws:iam::{ACCT}:user/{name}"),
           "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": policy}]})
}

fn account() -> Snapshot {
    let mut s = common::snapshot_of(ACCT, SourceKind::default());
    let get = |r: Value| doc(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": r}]));
    let mut named = role("reader-named", get(json!("*")));
    named["AssumeRolePolicyDocument"] = doc(json!([{"Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"AWS": [format!("arn:aws:iam::{ACCT}:user/carol"), format!("arn:aws:iam::{ACCT}:root")]}}]));
    let mut service = role("reader-svc", get(json!("*")));
    service["AssumeRolePolicyDocument"] =
        doc(json!([{"Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"Service": "ec2.amazonaws.com"}}]));
    let roles = vec![
        named,
        service,
        role("reader-a", get(json!("*"))),
        role("reader-b", doc(json!([]))),
        role("everything", get(json!("*"))),
        role("one-bucket", get(json!("arn:aws:s3:::phi-1/*"))),
        role(
            "not-two",
            doc(
                json!([{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::phi-2/*"}]),
            ),
        ),
        role(
            "with-mfa",
            doc(
                json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]),
            ),
        ),
        role(
            "deny-three",
            doc(json!([
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::phi-*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::phi-*/*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::phi-3/*"}])),
        ),
    ];
    let users = vec![
        user("alice", get(json!("*"))),
        user(
            "carol",
            doc(json!([
            {"Effect": "Allow", "Action": ["sts:AssumeRole", "iam:PutRolePolicy"], "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
            {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": format!("arn:aws:iam::{ACCT}:role/everything")}])),
        ),
        user(
            "dave",
            doc(
                json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": format!("arn:aws:iam::{ACCT}:role/reader-*")}]),
            ),
        ),
        user(
            "bob",
            get(json!(["arn:aws:s3:::phi-0/*", "arn:aws:s3:::phi-4/*"])),
        ),
    ];
    let iam: Iam = serde_json::from_value(json!({"Users": users, "Roles": roles})).unwrap();
    s.iam = Collected::Known(iam);
    s.organization = Collected::Known(None);
    let mut buckets = Vec::new();
    for i in 0..6 {
        let name = format!("phi-{i}");
        // Same shape but for the readers they name; phi-5 has one statement more.
        let readers: &[&str] = match i {
            0 | 2 => &["reader-a"],
            1 => &["reader-b", "one-bucket"],
            _ => &["nobody"],
        };
        let extra = (i == 5).then(|| json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::phi-5/*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "x"}}}));
        let mut b: Bucket = serde_json::from_value(json!({"Name": name})).unwrap();
        b.policy = Collected::Known(Some(PolicyText::from_source(bucket_policy(
            &name, readers, extra,
        ))));
        b.region = Some(if i == 4 { "eu-west-1" } else { "us-east-1" }.into());
        buckets.push(b);
    }
    // A bucket without a policy.
    let mut b: Bucket = serde_json::from_value(json!({"Name": "plain"})).unwrap();
    b.policy = Collected::Known(None);
    buckets.push(b);
    s.buckets = Collected::Known(buckets);
    s
}

fn key(g: &Grant) -> String {
    format!(
        "{} {:?} {:?} {:?} {:?}",
        g.arn, g.access, g.actions, g.conditions, g.via
    )
}

/// `who_can_each` against `who-can` on each resource (principals of the account); the
/// number of grants compared.
fn assert_same_as_who_can(m: &AccessModel, actions: &[String], resources: &[String]) -> usize {
    let each = who_can_each(m, actions, resources);
    let mut seen = 0;
    for (r, got) in resources.iter().zip(&each) {
        let want = who_can(m, &actions.join(","), actions, r);
        let mut want: Vec<String> = want
            .principals
            .iter()
            .filter(|g| g.kind != PrincipalType::External)
            .map(key)
            .collect();
        let mut got: Vec<String> = got.iter().map(key).collect();
        want.sort();
        got.sort();
        assert_eq!(got, want, "{r} {actions:?}");
        seen += got.len();
    }
    seen
}

#[test]
fn equals_who_can_resource_by_resource() {
    let m = AccessModel::new(&account());
    for actions in [
        vec!["s3:GetObject".to_string()],
        vec!["s3:GetObject".to_string(), "s3:ListBucket".to_string()],
    ] {
        let mut resources: Vec<String> =
            (0..6).map(|i| format!("arn:aws:s3:::phi-{i}/x")).collect();
        resources.push("arn:aws:s3:::plain/x".into());
        resources.push("arn:aws:s3:::phi-1".into());
        let seen = assert_same_as_who_can(&m, &actions, &resources);
        assert!(seen >= 30, "{seen}");
    }
}

/// Roles with one trust policy share a decision per principal for `sts:AssumeRole`; IAM
/// actions on roles are governed by identity policies alone.
#[test]
fn roles_equal_who_can_role_by_role() {
    let m = AccessModel::new(&account());
    let roles: Vec<String> = m
        .principals
        .iter()
        .filter(|p| p.kind == PrincipalType::Role)
        .map(|p| p.arn.clone())
        .collect();
    assert!(roles.len() >= 6);
    for actions in [
        vec!["sts:AssumeRole".to_string()],
        vec![
            "iam:PutRolePolicy".to_string(),
            "iam:AttachRolePolicy".to_string(),
        ],
        vec![
            "sts:AssumeRole".to_string(),
            "iam:PutRolePolicy".to_string(),
        ],
    ] {
        assert_same_as_who_can(&m, &actions, &roles);
    }
}

#[test]
fn shared_answers_name_their_own_bucket() {
    let m = AccessModel::new(&account());
    let resources: Vec<String> = (0..4).map(|i| format!("arn:aws:s3:::phi-{i}/x")).collect();
    let each = who_can_each(&m, &["s3:GetObject".to_string()], &resources);
    for (i, grants) in each.iter().enumerate() {
        let alice = grants
            .iter()
            .find(|g| g.arn.ends_with(":user/alice"))
            .unwrap();
        assert!(!alice.conditions.is_empty());
        for c in &alice.conditions {
            assert!(
                c.policy.contains(&format!("phi-{i}")),
                "{} on phi-{i}",
                c.policy
            );
            for v in c.values.iter().filter(|v| v.starts_with("arn:aws:s3:::")) {
                assert_eq!(v, &format!("arn:aws:s3:::phi-{i}"));
            }
        }
    }
}
