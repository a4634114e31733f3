//! `docs/collector-policy.json` allows every call the collector makes, and only read-only
//! actions: evaluated with phiward's own engine, actions looked up in phiward's catalog.

#![expect(
    clippy::expect_used,
    reason = "test helpers fail the test on unexpected errors"
)]

use phiward_catalog::{AccessLevel, Catalog, EventMapping};
use phiward_collect::calls::CALLS;
use phiward_policy::{
    evaluate, parse_policy, Context, Decision, PolicyKind, PolicySet, Request, RequestPrincipal,
};

const POLICY: &str = include_str!("../../../docs/collector-policy.json");

fn policy_set() -> PolicySet {
    let policy = parse_policy(POLICY, PolicyKind::Identity).expect("the collector policy parses");
    let mut set = PolicySet::default();
    set.identity.push(std::sync::Arc::new(policy));
    set
}

fn principal() -> RequestPrincipal {
    RequestPrincipal::parse(
        "arn:aws:iam::111122223333:user/phiward-collector",
        &Context::default(),
    )
    .expect("a user ARN")
}

#[test]
fn every_call_maps_to_the_action_it_is_recorded_under() {
    let catalog = Catalog::get().unwrap();
    for call in CALLS {
        let found =
            catalog.actions_for_event(&format!("{}.amazonaws.com", call.source), call.operation);
        if call.api == "sts:GetCallerIdentity" {
            assert_eq!(found.mapping, EventMapping::NoPermission);
            continue;
        }
        let names: Vec<String> = found.actions.iter().map(|a| a.full_name()).collect();
        assert!(
            names.iter().any(|n| n == call.api),
            "{}:{} needs {names:?}, but is recorded as {}",
            call.source,
            call.operation,
            call.api
        );
    }
}

#[test]
fn the_collector_policy_allows_every_call() {
    let catalog = Catalog::get().unwrap();
    let set = policy_set();
    for call in CALLS {
        let found =
            catalog.actions_for_event(&format!("{}.amazonaws.com", call.source), call.operation);
        if found.mapping == EventMapping::NoPermission {
            continue;
        }
        assert!(
            !found.actions.is_empty(),
            "no action known for {}",
            call.api
        );
        for action in &found.actions {
            let name = action.full_name();
            let req = Request::new(principal(), &name, "*", None, Context::default());
            let resp = evaluate(&set, &req);
            assert_eq!(
                resp.decision,
                Decision::Allowed,
                "docs/collector-policy.json does not allow {name} (for {})",
                call.api
            );
        }
    }
}

#[test]
fn the_collector_policy_is_read_only_and_known() {
    let catalog = Catalog::get().unwrap();
    let doc: serde_json::Value = serde_json::from_str(POLICY).unwrap();
    let statements = doc["Statement"].as_array().unwrap();
    let mut count = 0;
    for st in statements {
        assert_eq!(st["Effect"], "Allow");
        for action in st["Action"].as_array().unwrap() {
            let name = action.as_str().unwrap();
            assert!(
                !name.contains('*'),
                "no wildcards in the collector policy: {name}"
            );
            let a = catalog
                .action(name)
                .unwrap_or_else(|| panic!("{name} is not in the catalog"));
            assert!(
                matches!(a.access_level(), AccessLevel::Read | AccessLevel::List),
                "{name} is {:?}, not Read or List",
                a.access_level()
            );
            count += 1;
        }
    }
    // Least privilege: nothing the collector does not call.
    let needed: std::collections::BTreeSet<&str> = CALLS
        .iter()
        .map(|c| c.api)
        .filter(|a| *a != "sts:GetCallerIdentity")
        .collect();
    assert_eq!(
        count,
        needed.len(),
        "the policy lists actions the collector never calls"
    );
}

const VERIFY_POLICY: &str = include_str!("../../../docs/trail-verify-policy.json");

/// `docs/trail-verify-policy.json` allows every call of `trail verify s3://...` on the
/// trail's bucket and its objects, and nothing elsewhere; the collector's policy reads no
/// object at all.
#[test]
fn the_verify_policy_allows_its_calls_on_the_trail_bucket_only() {
    use phiward_collect::calls::VERIFY_CALLS;
    let catalog = Catalog::get().unwrap();
    let policy =
        parse_policy(VERIFY_POLICY, PolicyKind::Identity).expect("the verify policy parses");
    let mut set = PolicySet::default();
    set.identity.push(std::sync::Arc::new(policy));
    let decide = |set: &PolicySet, action: &str, resource: &str| {
        let req = Request::new(principal(), action, resource, None, Context::default());
        evaluate(set, &req).decision
    };
    for call in VERIFY_CALLS {
        let found =
            catalog.actions_for_event(&format!("{}.amazonaws.com", call.source), call.operation);
        if found.mapping == EventMapping::NoPermission {
            continue;
        }
        let names: Vec<String> = found.actions.iter().map(|a| a.full_name()).collect();
        assert_eq!(names, [call.api], "{}", call.operation);
        let (inside, outside) = if call.api == "s3:ListBucket" {
            ("arn:aws:s3:::my-trail-bucket", "arn:aws:s3:::phi-records")
        } else {
            (
                "arn:aws:s3:::my-trail-bucket/AWSLogs/111122223333/CloudTrail/x.json.gz",
                "arn:aws:s3:::phi-records/patient.pdf",
            )
        };
        assert_eq!(
            decide(&set, call.api, inside),
            Decision::Allowed,
            "{}",
            call.api
        );
        assert_ne!(
            decide(&set, call.api, outside),
            Decision::Allowed,
            "{}",
            call.api
        );
    }
    assert_ne!(
        decide(
            &policy_set(),
            "s3:GetObject",
            "arn:aws:s3:::phi-records/patient.pdf"
        ),
        Decision::Allowed,
        "the collector policy must not read objects"
    );
}

/// `docs/collector-org-policy.json` allows every call `collect --organization` makes from
/// the management account: the tree's reads on `*`, `sts:AssumeRole` only on the
/// collection role.
#[test]
fn the_organization_policy_allows_every_organization_call() {
    let catalog = Catalog::get().unwrap();
    let policy = parse_policy(
        include_str!("../../../docs/collector-org-policy.json"),
        PolicyKind::Identity,
    )
    .expect("the organization collector policy parses");
    let mut set = PolicySet::default();
    set.identity.push(std::sync::Arc::new(policy));
    // AssumeRole crosses accounts: the member's role must trust the management account
    // too (as OrganizationAccountAccessRole does), so the identity policy is tested with
    // that trust policy as the resource's policy.
    let mut trusted = set.clone();
    trusted.resource = Some(std::sync::Arc::new(
        parse_policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#,
            PolicyKind::Resource,
        )
        .expect("the trust policy parses"),
    ));
    for call in phiward_collect::calls::ORG_CALLS {
        let found =
            catalog.actions_for_event(&format!("{}.amazonaws.com", call.source), call.operation);
        if found.mapping == EventMapping::NoPermission {
            continue;
        }
        let resource = if call.api == "sts:AssumeRole" {
            "arn:aws:iam::222233334444:role/OrganizationAccountAccessRole"
        } else {
            "*"
        };
        for action in &found.actions {
            let name = action.full_name();
            let req = Request::new(principal(), &name, resource, None, Context::default());
            let set = if call.api == "sts:AssumeRole" {
                &trusted
            } else {
                &set
            };
            assert_eq!(
                evaluate(set, &req).decision,
                Decision::Allowed,
                "docs/collector-org-policy.json does not allow {name} (for {})",
                call.api
            );
            if call.api != "sts:AssumeRole" {
                assert!(
                    matches!(action.access_level(), AccessLevel::Read | AccessLevel::List),
                    "{name} is not read-only"
                );
            }
        }
    }
    let other = Request::new(
        principal(),
        "sts:AssumeRole",
        "arn:aws:iam::222233334444:role/Admin",
        None,
        Context::default(),
    );
    assert_ne!(evaluate(&trusted, &other).decision, Decision::Allowed);
}
