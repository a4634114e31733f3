//! The rights of a campaign on a small account: a user's inline policy, a role it can
//! assume, a role that role can assume (transitive), and the PHI bucket reached through
//! the second role, with the statements that grant each.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

use phiward_access::people::PeopleOptions;
use phiward_access::AccessModel;
use phiward_certify::rights::{self, Kind};
use serde_json::json;

fn write(dir: &std::path::Path, rel: &str, v: &serde_json::Value) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

fn doc(statements: serde_json::Value) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// alice may assume Ops, Ops may assume Data, Data reads the PHI bucket `phi`; with
/// `direct`, alice's own policy reads it too.
fn account(d: &std::path::Path, direct: bool) {
    let acct = "111122223333";
    write(
        d,
        "sts/get-caller-identity.json",
        &json!({"UserId": "X", "Account": acct, "Arn": format!("arn:aws:iam::{acct}:user/alice")}),
    );
    let assume =
        |res: &str| doc(json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": res}]));
    let trust = |who: &str| {
        doc(json!([{"Effect": "Allow", "Principal": {"AWS": who}, "Action": "sts:AssumeRole"}]))
    };
    let user = |name: &str, inline: Vec<serde_json::Value>| {
        json!({
            "Path": "/", "UserName": name, "UserId": format!("AIDA{name}"), "Arn": format!("arn:aws:iam::{acct}:user/{name}"),
            "UserPolicyList": inline, "GroupList": [], "AttachedManagedPolicies": [], "Tags": []
        })
    };
    let role = |name: &str, trust: serde_json::Value, inline: Vec<serde_json::Value>| {
        json!({
            "Path": "/", "RoleName": name, "RoleId": format!("AROA{name}"), "Arn": format!("arn:aws:iam::{acct}:role/{name}"),
            "AssumeRolePolicyDocument": trust, "RolePolicyList": inline, "AttachedManagedPolicies": [], "Tags": [], "InstanceProfileList": []
        })
    };
    write(
        d,
        "iam/get-account-authorization-details.json",
        &json!({
            "UserDetailList": [
                user("alice", {
                    let mut v = vec![json!({"PolicyName": "ops", "PolicyDocument": assume(&format!("arn:aws:iam::{acct}:role/Ops"))})];
                    if direct {
                        v.push(json!({"PolicyName": "own", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::phi/*"}]))}));
                    }
                    v
                }),
                user("bob", vec![]),
            ],
            "GroupDetailList": [],
            "RoleDetailList": [
                role("Ops", trust(&format!("arn:aws:iam::{acct}:user/alice")), vec![json!({"PolicyName": "hop", "PolicyDocument": assume(&format!("arn:aws:iam::{acct}:role/Data"))})]),
                role("Data", trust(&format!("arn:aws:iam::{acct}:role/Ops")), vec![json!({"PolicyName": "read", "PolicyDocument": doc(json!([{"Sid": "ReadPhi", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::phi/*"}]))})]),
            ],
            "Policies": []
        }),
    );
    write(
        d,
        "s3/list-buckets.json",
        &json!({"Buckets": [{"Name": "phi", "BucketRegion": "us-east-1"}]}),
    );
    write(
        d,
        "s3/buckets/phi/get-bucket-tagging.json",
        &json!({"TagSet": [{"Key": "data-classification", "Value": "phi"}]}),
    );
}

#[test]
fn roles_assumed_directly_and_transitively_and_the_phi_they_reach() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let acct = "111122223333";
    account(d, false);
    let loaded = phiward_snapshot::load(d).unwrap();
    let snap = &loaded.snapshot;
    let model = AccessModel::new(snap);
    let catalog = phiward_catalog::Catalog::get().unwrap();
    let built = rights::build(
        snap,
        &model,
        catalog,
        &phiward_checks::Config::default(),
        &PeopleOptions::default(),
    );
    let alice: Vec<_> = built
        .rights
        .iter()
        .filter(|r| r.person == "alice")
        .collect();
    let find = |kind: Kind, right: &str| {
        alice
            .iter()
            .find(|r| r.kind == kind && r.right.ends_with(right))
            .copied()
    };
    let inline = find(Kind::InlinePolicy, "`ops`").unwrap();
    assert_eq!(inline.evidence["policy_name"], "ops");
    let ops = find(Kind::Role, ":role/Ops").unwrap();
    assert_eq!(ops.via, "assume_role");
    let data = find(Kind::Role, ":role/Data").unwrap();
    assert_eq!(data.via, "transitive");
    assert_eq!(data.evidence["path"].as_array().unwrap().len(), 2);
    assert!(data.phi, "Data reaches PHI");
    let phi = find(Kind::PhiResource, "arn:aws:s3:::phi").unwrap();
    assert_eq!(phi.principal, format!("arn:aws:iam::{acct}:role/Data"));
    assert_eq!(phi.via, "transitive");
    assert!(
        phi.evidence.to_string().contains("ReadPhi"),
        "{}",
        phi.evidence
    );
    assert!(built
        .rights
        .iter()
        .filter(|r| r.person == "bob")
        .all(|r| r.kind != Kind::Role));
    // The digest changes with the evidence, and not otherwise.
    let mut other = (*phi).clone();
    assert_eq!(other.digest(), phi.digest());
    other.evidence["statements"] = json!([]);
    assert_ne!(other.digest(), phi.digest());
}

/// Revokes the items of alice matching `pick` in a campaign on the account, closes it and
/// returns the plan.
fn plan_for(
    direct: bool,
    pick: impl Fn(&phiward_certify::campaign::Item) -> bool,
) -> phiward_certify::plan::Plan {
    use phiward_certify::campaign::{self, Start, Unreviewed};
    use phiward_certify::decide::{self, Actor, Decision};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("snap");
    account(&d, direct);
    let snap = phiward_snapshot::load(&d).unwrap().snapshot;
    let model = AccessModel::new(&snap);
    let catalog = phiward_catalog::Catalog::get().unwrap();
    let config = phiward_checks::Config::default();
    let built = rights::build(&snap, &model, catalog, &config, &PeopleOptions::default());
    let mut store = phiward_certify::store::Store::open(&dir.path().join("c.db")).unwrap();
    let key = phiward_certify::keys::Key::create(&dir.path().join("c.db.key")).unwrap();
    let reviewers = phiward_certify::directory::Reviewers {
        fallback: vec!["officer".into()],
        ..Default::default()
    };
    let digest = campaign::snapshot_digest(&snap);
    let start = Start {
        name: "Q",
        due: chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        snapshot: "snap",
        snapshot_digest: &digest,
        account: None,
        unreviewed: Unreviewed::Keep,
        actor: "officer",
        session: "t",
    };
    let c = campaign::start(&mut store, &key, &built, &reviewers, &start)
        .unwrap()
        .campaign;
    let actor = Actor {
        name: "officer",
        session: "t",
        officer: true,
    };
    for i in campaign::items(&store, c.id, None)
        .unwrap()
        .iter()
        .filter(|i| i.person == "alice" && pick(i))
    {
        decide::decide(
            &mut store,
            &key,
            i.id,
            &actor,
            &Decision::Revoke,
            Some("test"),
        )
        .unwrap();
    }
    phiward_certify::close::close(&mut store, &key, "Q", "officer", "t").unwrap();
    let c = campaign::get(&store, "Q").unwrap();
    phiward_certify::plan::plan(&store, &c, &snap, &config, &PeopleOptions::default()).unwrap()
}

#[test]
fn the_plan_removes_an_assumed_role_and_proves_it() {
    let p = plan_for(false, |i| {
        i.kind == "role" && i.right_name.ends_with(":role/Data")
    });
    assert_eq!(p.changes.len(), 1);
    let ch = &p.changes[0];
    assert!(
        ch.command
            .starts_with("aws iam put-role-policy --role-name 'Ops'"),
        "{}",
        ch.command
    );
    assert_eq!(ch.change["action"], "iam:PutRolePolicy");
    assert!(p.notes.is_empty(), "{:?}", p.notes);
    assert!(p.proofs.iter().all(|x| x.gone), "{:?}", p.proofs);
}

#[test]
fn the_plan_names_phi_access_that_survives_through_another_path() {
    let p = plan_for(true, |i| {
        i.kind == "phi_resource" && i.principal.ends_with(":role/Data")
    });
    assert_eq!(p.changes.len(), 1);
    let proof = &p.proofs[0];
    // Data is denied the bucket, but alice's own user still reads it.
    assert!(!proof.gone);
    assert!(
        proof.survives.iter().any(|s| s.contains("user/alice")),
        "{:?}",
        proof.survives
    );
    assert!(proof
        .who_can_after
        .iter()
        .any(|a| a.ends_with("user/alice")));
    assert!(!proof.who_can_after.iter().any(|a| a.ends_with("role/Data")));
}
