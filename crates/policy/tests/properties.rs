//! Property tests of the evaluator's algebra over randomly built requests and policies:
//! a matching `Deny` always wins, adding a `Deny` never grants, adding an `Allow` never
//! takes access away, and printing a policy and reading it back changes nothing.

#![expect(
    clippy::unwrap_used,
    reason = "generated policies are valid by construction"
)]

use phiward_policy::cases::parse_case;
use phiward_policy::json;
use phiward_policy::{evaluate, parse_policy, Decision, PolicyKind, PolicySet};
use proptest::prelude::*;
use serde_json::{json, Value};

const ACCT: &str = "111122223333";
const OTHER: &str = "444455556666";

const ACTIONS: &[(&str, &str)] = &[
    ("s3:GetObject", "arn:aws:s3:::phi-records/p/1.pdf"),
    ("s3:ListBucket", "arn:aws:s3:::phi-records"),
    (
        "dynamodb:GetItem",
        "arn:aws:dynamodb:us-east-1:111122223333:table/Encounters",
    ),
    (
        "kms:Decrypt",
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ),
    ("sts:AssumeRole", "arn:aws:iam::111122223333:role/Auditor"),
    ("iam:PassRole", "arn:aws:iam::111122223333:role/Exporter"),
    ("ec2:DescribeInstances", "*"),
    ("sts:GetCallerIdentity", "*"),
];

const ACTION_PATTERNS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "s3:?etObject",
    "s3:LIST*",
    "dynamodb:*Item",
    "kms:*",
    "kms:Decrypt",
    "sts:Assume*",
    "iam:PassRole",
    "ec2:Describe*",
    "sts:GetCallerIdentity",
    "lambda:*",
];

const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::phi-records/*",
    "arn:aws:s3:::phi-*",
    "arn:aws:dynamodb:*:111122223333:table/Enc*",
    "arn:aws:kms:us-east-1:111122223333:key/*",
    "arn:aws:iam::111122223333:role/*",
    "arn:aws:iam::*:role/Aud?tor",
    "arn:aws:s3:::${aws:username}/*",
];

const PRINCIPALS: &[(&str, &str)] = &[
    ("arn:aws:iam::111122223333:user/alice", "User"),
    (
        "arn:aws:sts::111122223333:assumed-role/Clinician/s1",
        "AssumedRole",
    ),
    ("arn:aws:iam::444455556666:user/vendor", "User"),
    (
        "arn:aws:sts::444455556666:assumed-role/Claims/batch",
        "AssumedRole",
    ),
];

fn conditions() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}))),
        1 => Just(Some(json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}))),
        1 => Just(Some(json!({"IpAddress": {"aws:SourceIp": ["198.51.100.0/24", "2001:db8::/32"]}}))),
        1 => Just(Some(json!({"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}))),
        1 => Just(Some(json!({"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}}))),
        1 => Just(Some(json!({"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Break*"}}))),
        1 => Just(Some(json!({"ForAnyValue:StringLike": {"aws:TagKeys": ["phi*", "owner"]}}))),
        1 => Just(Some(json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["phi", "owner"]}}))),
        1 => Just(Some(json!({"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}))),
        1 => Just(Some(json!({"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}))),
        1 => Just(Some(json!({"Null": {"aws:SourceVpce": "true"}}))),
        1 => Just(Some(json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:*"}}))),
    ]
}

fn statement(effect: &'static str, with_principal: bool) -> impl Strategy<Value = Value> {
    (
        prop::sample::subsequence(ACTION_PATTERNS, 1..3),
        prop::sample::subsequence(RESOURCE_PATTERNS, 1..3),
        any::<bool>(),
        any::<bool>(),
        conditions(),
        prop::sample::select(vec![
            json!("*"),
            json!({"AWS": ACCT}),
            json!({"AWS": format!("arn:aws:iam::{OTHER}:root")}),
            json!({"AWS": "arn:aws:iam::111122223333:user/alice"}),
            json!({"AWS": "arn:aws:iam::111122223333:role/Clinician"}),
            json!({"AWS": "arn:aws:sts::444455556666:assumed-role/Claims/batch"}),
        ]),
    )
        .prop_map(
            move |(acts, res, not_action, not_resource, cond, principal)| {
                let mut s = json!({"Effect": effect});
                s[if not_action { "NotAction" } else { "Action" }] = json!(acts);
                s[if not_resource {
                    "NotResource"
                } else {
                    "Resource"
                }] = json!(res);
                if let Some(c) = cond {
                    s["Condition"] = c;
                }
                if with_principal {
                    s["Principal"] = principal;
                }
                s
            },
        )
}

fn policy(with_principal: bool) -> impl Strategy<Value = Value> {
    prop::collection::vec(
        prop_oneof![3 => statement("Allow", with_principal), 1 => statement("Deny", with_principal)],
        1..4,
    )
    .prop_map(|stmts| json!({"Version": "2012-10-17", "Statement": stmts}))
}

/// A random case as JSON (so it goes through the same parser as case files).
fn case() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(ACTIONS),
        prop::sample::select(PRINCIPALS),
        prop::collection::vec(policy(false), 0..3),
        prop::option::of(policy(true)),
        prop::option::of(policy(false)),
        prop::option::of(prop::collection::vec(policy(false), 1..3)),
        (any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(|((action, resource), (principal, ptype), ids, rp, pb, scps, (mfa, ip, tags))| {
            let account = principal.split(':').nth(4).unwrap_or(ACCT);
            let mut ctx = json!({
                "aws:PrincipalArn": principal.replace(":sts:", ":iam:").replace("assumed-role/Clinician/s1", "role/Clinician").replace("assumed-role/Claims/batch", "role/Claims"),
                "aws:PrincipalAccount": account,
                "aws:PrincipalType": ptype,
                "aws:CurrentTime": "2026-11-28T12:00:00Z",
                "aws:username": "alice",
                "aws:PrincipalTag/team": "alice",
            });
            if mfa {
                ctx["aws:MultiFactorAuthPresent"] = json!("true");
                ctx["aws:MultiFactorAuthAge"] = json!("120");
            }
            ctx["aws:SourceIp"] = json!(if ip { "198.51.100.7" } else { "203.0.113.9" });
            if tags {
                ctx["aws:TagKeys"] = json!(["phi", "owner"]);
            }
            let mut c = json!({
                "id": "p",
                "identityPolicies": ids,
                "request": {"principal": principal, "action": action, "resource": resource, "resourceAccount": ACCT, "context": ctx}
            });
            if let Some(rp) = rp {
                c["resourcePolicy"] = rp;
            }
            if let Some(pb) = pb {
                c["permissionBoundaries"] = json!([pb]);
            }
            if let Some(levels) = scps {
                c["scps"] = json!(levels.into_iter().map(|p| vec![p]).collect::<Vec<_>>());
            }
            c
        })
}

fn decide(c: &Value) -> Decision {
    let v = json::parse(&c.to_string()).unwrap();
    let case = parse_case(&v, 0).unwrap();
    evaluate(&case.policies, &case.request).decision
}

fn push_statement(c: &mut Value, field: &str, stmt: Value) {
    match field {
        "identityPolicies" => {
            let list = c["identityPolicies"].as_array_mut().unwrap();
            list.push(json!({"Version": "2012-10-17", "Statement": [stmt]}));
        }
        "resourcePolicy" => {
            if c.get("resourcePolicy").is_none() {
                c["resourcePolicy"] = json!({"Version": "2012-10-17", "Statement": []});
            }
            c["resourcePolicy"]["Statement"]
                .as_array_mut()
                .unwrap()
                .push(stmt);
        }
        _ => unreachable!(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// A Deny that matches the request makes it ExplicitlyDenied, except for the calls AWS
    /// never denies (`sts:GetCallerIdentity`).
    #[test]
    fn a_matching_deny_always_wins(mut c in case()) {
        let action = c["request"]["action"].as_str().unwrap().to_string();
        push_statement(&mut c, "identityPolicies", json!({"Effect": "Deny", "Action": action, "Resource": "*"}));
        let d = decide(&c);
        if action == "sts:GetCallerIdentity" {
            prop_assert_eq!(d, Decision::Allowed);
        } else {
            prop_assert_eq!(d, Decision::ExplicitlyDenied);
        }
    }

    /// Adding any Deny statement (to an identity policy or an existing resource policy)
    /// never turns a denial into an allow: the decision stays or becomes an explicit deny.
    #[test]
    fn adding_a_deny_never_grants(c in case(), deny in statement("Deny", false), deny_rp in statement("Deny", true), to_rp in any::<bool>()) {
        let before = decide(&c);
        let mut after_case = c.clone();
        if to_rp && c.get("resourcePolicy").is_some() {
            push_statement(&mut after_case, "resourcePolicy", deny_rp);
        } else {
            push_statement(&mut after_case, "identityPolicies", deny);
        }
        let after = decide(&after_case);
        prop_assert!(after == before || after == Decision::ExplicitlyDenied, "{:?} -> {:?}", before, after);
    }

    /// Adding an Allow statement to an identity or (existing) resource policy never takes
    /// access away and never lifts an explicit deny. (Creating a resource policy where none
    /// was is not "adding an allow": a role's trust policy or a key policy that exists must
    /// itself allow.)
    #[test]
    fn adding_an_allow_never_denies(c in case(), allow in statement("Allow", false), allow_rp in statement("Allow", true), to_rp in any::<bool>()) {
        let before = decide(&c);
        let mut after_case = c.clone();
        if to_rp && c.get("resourcePolicy").is_some() {
            push_statement(&mut after_case, "resourcePolicy", allow_rp);
        } else {
            push_statement(&mut after_case, "identityPolicies", allow);
        }
        let after = decide(&after_case);
        match before {
            Decision::Allowed => prop_assert_eq!(after, Decision::Allowed),
            Decision::ExplicitlyDenied => prop_assert_eq!(after, Decision::ExplicitlyDenied),
            Decision::ImplicitlyDenied => {}
        }
    }

    /// Printing a policy and parsing it back yields the same document and the same
    /// decisions.
    #[test]
    fn print_parse_round_trip(c in case(), p in policy(false), rp in policy(true)) {
        let parsed = parse_policy(&p.to_string(), PolicyKind::Identity).unwrap();
        let printed = parsed.to_json();
        let again = parse_policy(&printed, PolicyKind::Identity).unwrap();
        prop_assert_eq!(&again.to_json(), &printed);
        let parsed_rp = parse_policy(&rp.to_string(), PolicyKind::Resource).unwrap();
        let printed_rp = parsed_rp.to_json();
        prop_assert_eq!(parse_policy(&printed_rp, PolicyKind::Resource).unwrap().to_json(), printed_rp.clone());

        let v = json::parse(&c.to_string()).unwrap();
        let case = parse_case(&v, 0).unwrap();
        let mut set = PolicySet::default();
        for pol in &case.policies.identity {
            set.identity.push(std::sync::Arc::new(parse_policy(&pol.to_json(), PolicyKind::Identity).unwrap()));
        }
        set.resource = case.policies.resource.as_ref().map(|r| std::sync::Arc::new(parse_policy(&r.to_json(), PolicyKind::Resource).unwrap()));
        set.boundary = case.policies.boundary.iter().map(|b| std::sync::Arc::new(parse_policy(&b.to_json(), PolicyKind::PermissionsBoundary).unwrap())).collect();
        set.scps = case.policies.scps.iter().map(|l| l.iter().map(|s| std::sync::Arc::new(parse_policy(&s.to_json(), PolicyKind::Scp).unwrap())).collect()).collect();
        set.name_policies(|_, _, _| None);
        prop_assert_eq!(evaluate(&set, &case.request).decision, evaluate(&case.policies, &case.request).decision);
    }
}
