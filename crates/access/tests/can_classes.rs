//! `can` over thousands of actions decides the actions its policies name alike once: the
//! answers must be those of deciding every action on its own, on accounts shaped to
//! break the grouping (`NotAction`, wildcards across services, denies, conditions,
//! boundaries, SCPs and RCPs, resource policies naming the principal).

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]
#![expect(clippy::panic, reason = "a mismatch names what differs")]

use std::path::Path;

use phiward_access::{can, decide_one, AccessModel, Capability};
use phiward_catalog::{AccessLevel, Catalog};
use serde_json::{json, Value};

/// Every Write, Permissions management and Tagging action of the catalog, plus the
/// actions the engine decides by name.
fn writes() -> Vec<String> {
    let catalog = Catalog::get().unwrap();
    let out: Vec<String> = catalog
        .actions()
        .filter(|x| {
            matches!(
                x.access_level(),
                AccessLevel::Write | AccessLevel::PermissionsManagement | AccessLevel::Tagging
            )
        })
        .map(|x| x.full_name())
        .collect();
    // Every 23rd keeps the services' spread at a fraction of the work of the reference.
    let mut out: Vec<String> = out.into_iter().step_by(41).collect();
    out.extend(
        [
            "sts:GetCallerIdentity",
            "kms:RetireGrant",
            "s3:GetObject",
            "s3:PutObject",
            "iam:PassRole",
        ]
        .map(String::from),
    );
    out
}

/// Each action decided on its own, as `can` answered before it grouped them: an action
/// no identity Allow names is asked only where a resource policy governs it.
fn reference(
    m: &AccessModel,
    p: &phiward_access::Principal,
    actions: &[String],
    resources: &[String],
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for r in resources {
        for a in actions {
            let named = p.identity.iter().any(|n| {
                n.policy
                    .statements
                    .iter()
                    .any(|s| s.effect == phiward_policy::Effect::Allow && s.action.applies_to(a))
            });
            let governed = m
                .resource_for_action(r, a)
                .is_some_and(|x| x.policy.is_some());
            if !named && !governed {
                continue;
            }
            if let Some(d) = decide_one(m, p, a, r, &[]) {
                let conditions = if d.reach == phiward_access::Reach::Conditional {
                    d.conditions
                } else {
                    Vec::new()
                };
                out.push((
                    a.clone(),
                    r.clone(),
                    format!("{:?} {:?} {:?}", d.reach, conditions, d.via),
                ));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|(a, r, _)| seen.insert((a.clone(), r.clone())));
    out
}

fn answers(caps: Vec<Capability>) -> Vec<(String, String, String)> {
    caps.into_iter()
        .map(|c| {
            let detail = format!("{:?} {:?} {:?}", c.access, c.conditions, c.via);
            (c.action, c.resource, detail)
        })
        .collect()
}

fn assert_same(m: &AccessModel, resources: &[String]) -> usize {
    let actions = writes();
    let mut granted = 0;
    for p in &m.principals {
        let got = answers(can(m, p, &actions, resources).capabilities);
        let want = reference(m, p, &actions, resources);
        if got != want {
            let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).take(5).collect();
            let extra: Vec<_> = got.iter().filter(|w| !want.contains(w)).take(5).collect();
            panic!(
                "{}: {} vs {}\nmissing {missing:#?}\nextra {extra:#?}",
                p.arn,
                got.len(),
                want.len()
            );
        }
        granted += got.len();
    }
    granted
}

fn demo_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account")
}

/// `*` and two resources of each kind with a policy (buckets' objects, roles, keys).
fn resources_of(m: &AccessModel) -> Vec<String> {
    let mut out = vec!["*".to_string()];
    let mut kinds = std::collections::HashMap::new();
    for r in &m.resources {
        let kind = r.arn.split(':').nth(2).unwrap_or("").to_string();
        let seen = kinds.entry(kind).or_insert(0);
        *seen += 1;
        if *seen > 2 {
            continue;
        }
        if r.arn.starts_with("arn:aws:s3:::") {
            out.push(format!("{}/phiward-probe", r.arn));
        } else {
            out.push(r.arn.clone());
        }
    }
    out
}

#[test]
fn the_same_answers_as_one_decision_per_action_on_the_demo_account() {
    let loaded = phiward_snapshot::load(&demo_dir()).unwrap();
    let m = AccessModel::new(&loaded.snapshot);
    let resources = resources_of(&m);
    let granted = assert_same(&m, &resources);
    assert!(granted > 1_000, "{granted}");
}

/// A small deterministic generator (no `rand` in the engine's tests).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }

    fn pick<'a>(&mut self, from: &'a [&'a str]) -> &'a str {
        from[self.next(from.len())]
    }
}

const ACTIONS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Put*",
    "s3:*Object",
    "s3:PutObject",
    "iam:*",
    "iam:Pass*",
    "iam:?ut*Policy",
    "iam:CreateAccessKey",
    "ec2:*Instance*",
    "kms:*",
    "kms:Retire*",
    "sts:*",
    "sts:Get*",
    "logs:Delete*",
    "cloudtrail:StopLogging",
    "tag:*",
    "dynamodb:*Item",
];
const NOT_ACTIONS: &[&str] = &[
    "iam:*",
    "organizations:*",
    "s3:Delete*",
    "ec2:Terminate*",
    "kms:*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::phi-claims-exports/*",
    "arn:aws:s3:::*",
    "arn:aws:iam::111122223333:role/*",
    "arn:aws:iam::111122223333:user/${aws:username}",
    "arn:aws:s3:::${aws:username}-*/*",
    "arn:aws:kms:*:111122223333:key/*",
];

fn condition(g: &mut Lcg) -> Value {
    match g.next(6) {
        0 => json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        1 => json!({"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}),
        2 => json!({"StringEquals": {"aws:PrincipalTag/team": "claims"}}),
        3 => json!({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/a*"}}),
        4 => json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["phi"]}}),
        _ => json!({"StringEqualsIfExists": {"aws:RequestedRegion": "us-east-1"}}),
    }
}

fn policy(g: &mut Lcg) -> Value {
    let n = 1 + g.next(5);
    let statements: Vec<Value> = (0..n)
        .map(|_| {
            let mut st = json!({"Effect": if g.next(6) == 0 { "Deny" } else { "Allow" }});
            if g.next(4) == 0 {
                st["NotAction"] = json!([g.pick(NOT_ACTIONS), g.pick(NOT_ACTIONS)]);
            } else {
                st["Action"] = json!([g.pick(ACTIONS), g.pick(ACTIONS)]);
            }
            if g.next(8) == 0 {
                st["NotResource"] = json!(g.pick(&RESOURCES[1..]));
            } else {
                st["Resource"] = json!(g.pick(RESOURCES));
            }
            if g.next(2) == 0 {
                st["Condition"] = condition(g);
            }
            st
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The demo account with its IAM replaced by principals holding generated policies.
fn generated_account(seed: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&demo_dir(), dir.path());
    let mut g = Lcg(seed);
    let arn = |kind: &str, name: &str| format!("arn:aws:iam::111122223333:{kind}/{name}");
    let policies: Vec<Value> = (0..12)
        .map(|i| {
            json!({"PolicyName": format!("p{i}"), "Arn": arn("policy", &format!("p{i}")),
                   "DefaultVersionId": "v1",
                   "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": policy(&mut g)}]})
        })
        .collect();
    let attach = |g: &mut Lcg| -> Value {
        let k = g.next(3);
        json!((0..k)
            .map(|_| {
                let i = g.next(12);
                json!({"PolicyName": format!("p{i}"), "PolicyArn": arn("policy", &format!("p{i}"))})
            })
            .collect::<Vec<_>>())
    };
    let users: Vec<Value> = (0..10)
        .map(|i| {
            let name = format!("u{i}");
            let mut u = json!({"UserName": name, "Arn": arn("user", &name), "GroupList": [],
                "AttachedManagedPolicies": attach(&mut g),
                "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": policy(&mut g)}],
                "Tags": [{"Key": "team", "Value": if i % 2 == 0 { "claims" } else { "lab" }}]});
            if g.next(3) == 0 {
                u["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "Policy",
                    "PermissionsBoundaryArn": arn("policy", &format!("p{}", g.next(12)))});
            }
            u
        })
        .collect();
    let roles: Vec<Value> = (0..10)
        .map(|i| {
            let name = format!("{}{i}", if i % 2 == 0 { "audit" } else { "app" });
            json!({"RoleName": name, "Arn": arn("role", &name),
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": arn("user", "u1")}, "Action": "sts:AssumeRole"}]},
                "AttachedManagedPolicies": attach(&mut g),
                "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": policy(&mut g)}]})
        })
        .collect();
    let doc = json!({"UserDetailList": users, "GroupDetailList": [], "RoleDetailList": roles,
                     "Policies": policies});
    std::fs::write(
        dir.path()
            .join("iam/get-account-authorization-details.json"),
        doc.to_string(),
    )
    .unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn the_same_answers_as_one_decision_per_action_on_generated_accounts() {
    let mut granted = 0;
    for seed in 1..=3 {
        let dir = generated_account(seed);
        let loaded = phiward_snapshot::load(dir.path()).unwrap();
        let m = AccessModel::new(&loaded.snapshot);
        assert!(m.skipped.is_empty(), "{:?}", m.skipped);
        assert_eq!(m.principals.len(), 20);
        let resources = resources_of(&m);
        granted += assert_same(&m, &resources);
    }
    assert!(granted > 10_000, "{granted}");
}
