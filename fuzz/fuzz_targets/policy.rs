//! Any text, read as every kind of policy: no panic; a policy that parses prints back to a
//! document that parses to the same text; evaluating it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use phiward_policy::{evaluate, parse_policy, Context, CtxValue, PolicyKind, PolicySet, Request, RequestPrincipal};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kind in [
        PolicyKind::Identity,
        PolicyKind::Resource,
        PolicyKind::PermissionsBoundary,
        PolicyKind::Session,
        PolicyKind::Scp,
        PolicyKind::Rcp,
    ] {
        let Ok(p) = parse_policy(text, kind) else {
            continue;
        };
        let printed = p.to_json();
        let again = match parse_policy(&printed, kind) {
            Ok(a) => a,
            Err(e) => panic!("printed policy does not parse: {e}\n{printed}"),
        };
        assert_eq!(again.to_json(), printed);
        let p = std::sync::Arc::new(p);

        let mut ctx = Context::new();
        ctx.insert("aws:username", CtxValue::One("alice".into()));
        ctx.insert("aws:SourceIp", CtxValue::One("198.51.100.7".into()));
        ctx.insert("aws:TagKeys", CtxValue::Many(vec!["a".into(), "b".into()]));
        ctx.insert("aws:CurrentTime", CtxValue::One("2026-11-28T12:00:00Z".into()));
        for (principal, action, resource) in [
            ("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::b/alice/k"),
            ("arn:aws:sts::444455556666:assumed-role/R/s", "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k"),
            ("anonymous", "s3:GetObject", "arn:aws:s3:::b/k"),
        ] {
            let Ok(pr) = RequestPrincipal::parse(principal, &ctx) else {
                continue;
            };
            let req = Request::new(pr, action, resource, None, ctx.clone());
            let mut set = PolicySet::default();
            match kind {
                PolicyKind::Identity => set.identity.push(p.clone()),
                PolicyKind::Resource => set.resource = Some(p.clone()),
                PolicyKind::PermissionsBoundary => set.boundary.push(p.clone()),
                PolicyKind::Session => set.session = Some(p.clone()),
                PolicyKind::Scp => set.scps.push(vec![p.clone()]),
                PolicyKind::Rcp => set.rcps.push(vec![p.clone()]),
            }
            set.name_policies(|_, _, _| None);
            let _ = evaluate(&set, &req);
        }
    }
});
