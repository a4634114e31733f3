//! `docs/rotation-policy.json` allows every call `phiward rotate run` makes and no other
//! IAM action: decided with phiward's own engine, actions looked up in its catalog.

#![expect(clippy::expect_used, reason = "tests fail on unexpected data")]

use std::collections::BTreeSet;

use phiward_catalog::{Catalog, EventMapping};
use phiward_policy::{
    evaluate, parse_policy, Context, CtxValue, Decision, PolicyKind, PolicySet, Request,
    RequestPrincipal,
};
use phiward_rotate::calls::CALLS;

const POLICY: &str = include_str!("../../../docs/rotation-policy.json");
const USER: &str = "arn:aws:iam::111122223333:user/etl-svc";
const SECRET: &str =
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:phiward/keys/etl-svc-AbCdEf";

fn set() -> PolicySet {
    let p = parse_policy(POLICY, PolicyKind::Identity).expect("the rotation policy parses");
    let mut s = PolicySet::default();
    s.identity.push(std::sync::Arc::new(p));
    s
}

fn decide(set: &PolicySet, action: &str, resource: &str) -> Decision {
    let principal = RequestPrincipal::parse(
        "arn:aws:iam::111122223333:role/phiward-rotate",
        &Context::default(),
    )
    .expect("a role ARN");
    evaluate(
        set,
        &Request::new(principal, action, resource, None, Context::default()),
    )
    .decision
}

/// The resource a call acts on.
fn resource(action: &str) -> &'static str {
    match action {
        "iam:ListUsers" => "*",
        a if a.starts_with("iam:") => USER,
        _ => SECRET,
    }
}

#[test]
fn every_call_is_recorded_under_the_action_that_authorizes_it() {
    let catalog = Catalog::get().unwrap();
    for (api, source, op) in CALLS {
        let found = catalog.actions_for_event(&format!("{source}.amazonaws.com"), op);
        if *api == "sts:GetCallerIdentity" {
            assert_eq!(found.mapping, EventMapping::NoPermission);
            continue;
        }
        let names: Vec<String> = found.actions.iter().map(|a| a.full_name()).collect();
        assert_eq!(names, [api.to_string()], "{source}:{op}");
    }
}

#[test]
fn the_policy_allows_every_call_and_the_store_only_under_its_prefix() {
    let set = set();
    for (api, _, _) in CALLS.iter().filter(|c| c.0 != "sts:GetCallerIdentity") {
        assert_eq!(
            decide(&set, api, resource(api)),
            Decision::Allowed,
            "docs/rotation-policy.json does not allow {api}"
        );
        if api.starts_with("secretsmanager:") {
            assert_ne!(
                decide(
                    &set,
                    api,
                    "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-password-XyZ"
                ),
                Decision::Allowed,
                "{api} reaches secrets outside phiward/keys/"
            );
        }
        if api.starts_with("iam:") && *api != "iam:ListUsers" {
            assert_ne!(
                decide(&set, api, "arn:aws:iam::111122223333:role/Admin"),
                Decision::Allowed,
                "{api} on a role"
            );
        }
    }
}

#[test]
fn the_policy_allows_nothing_else_of_iam_or_secrets_manager() {
    let catalog = Catalog::get().unwrap();
    let set = set();
    let called: BTreeSet<&str> = CALLS.iter().map(|c| c.0).collect();
    let mut others = 0;
    for service in ["iam", "secretsmanager", "sts", "kms", "s3"] {
        for action in catalog.service(service).unwrap().actions() {
            let name = action.full_name();
            if called.contains(name.as_str()) {
                continue;
            }
            others += 1;
            for r in ["*", USER, SECRET, "arn:aws:iam::111122223333:role/Admin"] {
                assert_ne!(
                    decide(&set, &name, r),
                    Decision::Allowed,
                    "docs/rotation-policy.json allows {name} on {r}, which rotation never calls"
                );
            }
        }
    }
    assert!(
        others > 200,
        "the catalog lists only {others} other actions"
    );
    // And the policy names exactly the actions called (no wildcards).
    let doc: serde_json::Value = serde_json::from_str(POLICY).unwrap();
    let listed: BTreeSet<String> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    let needed: BTreeSet<String> = called
        .iter()
        .filter(|a| **a != "sts:GetCallerIdentity")
        .map(|a| a.to_string())
        .collect();
    assert_eq!(listed, needed);
}

#[test]
fn the_secrets_resource_policy_lets_the_keys_user_read_and_nobody_else() {
    let policy = phiward_rotate::exec::store::secret_policy(
        USER,
        "arn:aws:sts::111122223333:assumed-role/phiward-rotate/cron",
    );
    let p = parse_policy(&policy, PolicyKind::Resource).expect("the secret's policy parses");
    let mut set = PolicySet::default();
    set.resource = Some(std::sync::Arc::new(p));
    let read = |who: &str| {
        let mut ctx = Context::default();
        // `aws:PrincipalArn`: a user's ARN, or the role of a session.
        let arn = match who.split_once(":assumed-role/") {
            Some((head, rest)) => format!(
                "{}:role/ops/{}",
                head.replace(":sts::", ":iam::"),
                rest.split('/').next().unwrap_or_default()
            ),
            None => who.to_string(),
        };
        ctx.insert("aws:PrincipalArn", CtxValue::One(arn));
        let principal = RequestPrincipal::parse(who, &ctx).expect("an ARN");
        evaluate(
            &set,
            &Request::new(
                principal,
                "secretsmanager:GetSecretValue",
                SECRET,
                None,
                ctx,
            ),
        )
        .decision
    };
    assert_eq!(read(USER), Decision::Allowed);
    assert_ne!(
        read("arn:aws:iam::111122223333:user/dev-sam"),
        Decision::Allowed
    );
    assert_eq!(
        read("arn:aws:iam::111122223333:role/Admin"),
        Decision::ExplicitlyDenied
    );
    // The rotation's own role (here with a path) is not denied: it reads the secret back.
    assert_eq!(
        read("arn:aws:sts::111122223333:assumed-role/phiward-rotate/cron"),
        Decision::ImplicitlyDenied
    );
}
