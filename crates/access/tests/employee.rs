//! Access per employee on a small account built in the test: a user through its group, a
//! SAML role mapped to a person by an assignment list, a grant that needs MFA, a grant
//! made by a bucket policy alone, and resources that are not PHI.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

mod common;

use phiward_access::employee::{self, AccessReport, Reached};
use phiward_access::people::{self, MappedBy, PeopleOptions, UNASSIGNED};
use phiward_access::{AccessModel, Reach};
use phiward_catalog::Catalog;
use phiward_snapshot::model::data::Bucket;
use phiward_snapshot::model::iam::Iam;
use phiward_snapshot::{Collected, PolicyText, Snapshot, SourceKind};
use serde_json::json;

const ACCT: &str = "111122223333";

fn bucket(name: &str, class: &str, policy: Option<&str>) -> Bucket {
    let mut b: Bucket = serde_json::from_value(json!({"Name": name})).unwrap();
    b.policy = Collected::Known(policy.map(PolicyText::from_source));
    b.region = Some("us-east-1".into());
    b.tags = Collected::Known(
        serde_json::from_value(json!([{"Key": "data-classification", "Value": class}])).unwrap(),
    );
    b
}

fn snapshot() -> Snapshot {
    let mut s = common::snapshot_of(ACCT, SourceKind::default());
    s.organization = Collected::Known(None);
    let read = |resource: &str| {
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": resource}]})
    };
    let iam: Iam = serde_json::from_value(json!({
        "Users": [
            {"UserName": "alice", "Arn": format!("arn:aws:iam::{ACCT}:user/alice"), "GroupList": ["Nurses"]},
            {"UserName": "bob", "Arn": format!("arn:aws:iam::{ACCT}:user/bob")},
            {"UserName": "carol", "Arn": format!("arn:aws:iam::{ACCT}:user/carol"),
             "Tags": [{"Key": "person", "Value": "carol@x.org"}]}
        ],
        "Groups": [
            {"GroupName": "Nurses", "Arn": format!("arn:aws:iam::{ACCT}:group/Nurses"),
             "GroupPolicyList": [{"PolicyName": "read", "PolicyDocument": read("arn:aws:s3:::phi-a*")}]}
        ],
        "Roles": [
            {"RoleName": "Clinician", "Arn": format!("arn:aws:iam::{ACCT}:role/Clinician"),
             "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Federated": format!("arn:aws:iam::{ACCT}:saml-provider/Okta")},
                "Action": "sts:AssumeRoleWithSAML"}]},
             "RolePolicyList": [{"PolicyName": "mfa-read", "PolicyDocument": {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::phi-a/*",
                  "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}}]},
            {"RoleName": "Auditor", "Arn": format!("arn:aws:iam::{ACCT}:role/Auditor"),
             "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Federated": format!("arn:aws:iam::{ACCT}:saml-provider/Okta")},
                "Action": "sts:AssumeRoleWithSAML"}]},
             "RolePolicyList": [{"PolicyName": "read", "PolicyDocument": read("*")}]},
            {"RoleName": "etl", "Arn": format!("arn:aws:iam::{ACCT}:role/etl"),
             "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
             "RolePolicyList": [{"PolicyName": "read", "PolicyDocument": read("*")}]}
        ]
    }))
    .unwrap();
    s.iam = Collected::Known(iam);
    let bob_put = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCT}:user/bob"}},
            "Action":"s3:PutObject","Resource":"arn:aws:s3:::phi-b/*"}}]}}"#
    );
    s.buckets = Collected::Known(vec![
        bucket("phi-a", "phi", None),
        bucket("phi-b", "phi", Some(&bob_put)),
        bucket("public-site", "public", None),
    ]);
    s
}

fn build(phi_only: bool, people_csv: &str) -> AccessReport {
    let s = snapshot();
    let m = AccessModel::new(&s);
    assert!(m.skipped.is_empty(), "{:?}", m.skipped);
    let opts = PeopleOptions {
        person_tags: vec!["person".into()],
        assignments: people::parse_assignments(people_csv).unwrap(),
    };
    let (holders, _) = people::holders(&s, &opts);
    let (targets, notes) = employee::targets(&s, "data-classification", "phi", phi_only);
    assert!(notes.is_empty(), "{notes:?}");
    employee::report(&m, Catalog::get().unwrap(), &holders, &targets, phi_only)
}

fn reached<'a>(
    r: &'a AccessReport,
    person: &str,
    principal: &str,
    res: &str,
) -> Option<&'a Reached> {
    let p = r.people.iter().find(|p| p.person == person)?;
    let h = p.principals.iter().find(|h| h.arn.ends_with(principal))?;
    h.resources.iter().find(|x| x.arn == res)
}

fn level<'a>(r: &'a Reached, name: &str) -> Option<&'a employee::Level> {
    r.levels.iter().find(|l| l.level == name)
}

#[test]
fn a_user_reaches_through_its_group_with_the_group_policy_as_evidence() {
    let r = build(true, "");
    let a = reached(&r, "alice", "user/alice", "arn:aws:s3:::phi-a").unwrap();
    assert!(a.phi);
    let read = level(a, "Read").unwrap();
    assert_eq!(read.grants.len(), 1);
    assert_eq!(read.grants[0].actions, ["s3:GetObject"]);
    assert_eq!(read.grants[0].access, Reach::Allowed);
    assert_eq!(
        &*read.grants[0].via[0].policy,
        "group `Nurses` inline policy `read`"
    );
    assert_eq!(
        level(a, "List").unwrap().grants[0].actions,
        ["s3:ListBucket"]
    );
    // Nothing it may not do: no write, and phi-b is outside `phi-a*`.
    assert!(level(a, "Write").is_none());
    assert!(reached(&r, "alice", "user/alice", "arn:aws:s3:::phi-b").is_none());
}

#[test]
fn a_federated_role_mapped_by_the_assignment_list_is_conditional_on_mfa() {
    let r = build(true, "person,email,role\nDr Ana,ana@x.org,Clinician\n");
    let p = r.people.iter().find(|p| p.person == "Dr Ana").unwrap();
    assert_eq!(p.email.as_deref(), Some("ana@x.org"));
    assert_eq!(p.principals[0].mapped_by, MappedBy::Assignment);
    let a = reached(&r, "Dr Ana", "role/Clinician", "arn:aws:s3:::phi-a").unwrap();
    let g = &level(a, "Read").unwrap().grants[0];
    assert_eq!(g.access, Reach::Conditional);
    let c = &g.conditions[0];
    assert_eq!(
        (c.key.as_str(), c.when),
        ("aws:MultiFactorAuthPresent", "allowed_if")
    );
    assert_eq!(
        &*g.via[0].policy,
        "role `Clinician` inline policy `mfa-read`"
    );
    // Mapped, it is no longer unassigned; the unmapped SAML role still is.
    let un = r.people.iter().find(|p| p.person == UNASSIGNED).unwrap();
    let arns: Vec<&str> = un.principals.iter().map(|h| h.arn.as_str()).collect();
    assert_eq!(arns, [format!("arn:aws:iam::{ACCT}:role/Auditor")]);
    assert_eq!(un.principals[0].mapped_by, MappedBy::Saml);
}

#[test]
fn a_bucket_policy_alone_grants_write_to_a_user_without_identity_policies() {
    let r = build(true, "");
    let b = reached(&r, "bob", "user/bob", "arn:aws:s3:::phi-b").unwrap();
    let w = &level(b, "Write").unwrap().grants[0];
    assert_eq!(w.actions, ["s3:PutObject"]);
    assert_eq!(w.access, Reach::Allowed);
    assert_eq!(&*w.via[0].policy, "bucket `phi-b` policy");
    assert_eq!(b.levels.len(), 1, "{:?}", b.levels);
}

#[test]
fn service_roles_are_not_people_and_tags_name_people() {
    let r = build(true, "");
    assert!(!r
        .people
        .iter()
        .flat_map(|p| &p.principals)
        .any(|h| h.arn.ends_with("role/etl")));
    let carol = r.people.iter().find(|p| p.person == "carol@x.org").unwrap();
    assert_eq!(carol.principals[0].mapped_by, MappedBy::Tag);
    assert_eq!(carol.email.as_deref(), Some("carol@x.org"));
}

#[test]
fn phi_only_leaves_out_other_buckets_and_the_full_report_keeps_them() {
    let phi = build(true, "");
    assert!(phi.resources.iter().all(|t| t.phi));
    assert_eq!(phi.resources.len(), 2);
    let all = build(false, "");
    assert_eq!(all.resources.len(), 3);
    let site = reached(&all, UNASSIGNED, "role/Auditor", "arn:aws:s3:::public-site").unwrap();
    assert!(!site.phi);
    assert!(reached(&phi, UNASSIGNED, "role/Auditor", "arn:aws:s3:::public-site").is_none());
}

#[test]
fn rows_flatten_one_per_statement_in_report_order() {
    let r = build(true, "person,role\nDr Ana,Clinician\n");
    let rows = r.rows();
    let alice: Vec<_> = rows.iter().filter(|x| x.person == "alice").collect();
    assert_eq!(alice.len(), 2, "{alice:?}");
    assert_eq!(alice[0].level, "Read");
    assert_eq!(alice[1].level, "List");
    assert!(rows.iter().all(|x| x.via.is_some()));
    let people: Vec<&str> = rows.iter().map(|x| x.person).collect();
    let mut sorted = people.clone();
    sorted.sort();
    assert_eq!(people, sorted);
}

/// An Identity Center role is held by the users its permission set is assigned to in this
/// account, through a group too; while the Identity Center users are unknown it stays
/// unassigned.
#[test]
fn identity_center_roles_are_held_by_the_assigned_users() {
    use phiward_snapshot::model::iam::Role;
    use phiward_snapshot::model::org::IdentityCenter;
    let mut s = snapshot();
    let role: Role = serde_json::from_value(json!({
        "RoleName": "AWSReservedSSO_phi_reader_0123456789abcdef",
        "Path": "/aws-reserved/sso.amazonaws.com/",
        "Arn": format!("arn:aws:iam::{ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_phi_reader_0123456789abcdef"),
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{ACCT}:saml-provider/AWSSSO_1_DO_NOT_DELETE")},
            "Action": "sts:AssumeRoleWithSAML"}]}
    }))
    .unwrap();
    if let Some(iam) = s.iam.get_mut() {
        iam.roles.push(role);
    }
    let ps = "arn:aws:sso:::permissionSet/ssoins-1/ps-1";
    let ic: IdentityCenter = serde_json::from_value(json!({
        "Instances": [{"InstanceArn": "arn:aws:sso:::instance/ssoins-1", "IdentityStoreId": "d-1"}],
        "PermissionSets": {"status": "collected", "value": [{"PermissionSetArn": ps, "Name": "phi_reader"}]},
        "AccountAssignments": {"status": "collected", "value": [
            {"PermissionSetArn": ps, "PrincipalType": "GROUP", "PrincipalId": "g-1"},
            {"PermissionSetArn": ps, "PrincipalType": "USER", "PrincipalId": "u-2"}]},
        "Users": {"status": "collected", "value": [
            {"UserId": "u-1", "UserName": "dana@x.org"}, {"UserId": "u-2", "UserName": "erin"}]},
        "Groups": {"status": "collected", "value": [
            {"GroupId": "g-1", "Members": {"status": "collected", "value": ["u-1"]}}]}
    }))
    .unwrap();
    s.identity_center = Collected::Known(ic.clone());
    let opts = PeopleOptions::default();
    let (holders, _) = people::holders(&s, &opts);
    let sso: Vec<(&str, Option<&str>, MappedBy)> = holders
        .iter()
        .filter(|h| h.principal.contains("AWSReservedSSO_"))
        .map(|h| (h.person.as_str(), h.email.as_deref(), h.mapped_by))
        .collect();
    assert_eq!(
        sso,
        [
            ("dana@x.org", Some("dana@x.org"), MappedBy::IdentityCenter),
            ("erin", None, MappedBy::IdentityCenter)
        ]
    );
    // The users unknown: the role is unassigned, never held by nobody.
    let mut unknown = ic;
    unknown.users = Collected::missing("not exported");
    s.identity_center = Collected::Known(unknown);
    let (holders, _) = people::holders(&s, &opts);
    let sso: Vec<(&str, MappedBy)> = holders
        .iter()
        .filter(|h| h.principal.contains("AWSReservedSSO_"))
        .map(|h| (h.person.as_str(), h.mapped_by))
        .collect();
    assert_eq!(sso, [(UNASSIGNED, MappedBy::Saml)]);
}
