//! Effective access in the bundled demo account (examples/demo-account), checked against
//! what its README says was seeded.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

use std::path::Path;

use phiward_access::{can, who_can, AccessModel, Grant, PrincipalType, Reach};

fn model() -> AccessModel {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account");
    let loaded = phiward_snapshot::load(&dir).unwrap();
    AccessModel::new(&loaded.snapshot)
}

fn find<'a>(grants: &'a [Grant], arn_suffix: &str) -> Option<&'a Grant> {
    grants.iter().find(|g| g.arn.ends_with(arn_suffix))
}

fn one(a: &str) -> Vec<String> {
    vec![a.to_string()]
}

#[test]
fn the_demo_account_reads_without_skipping_anything() {
    let m = model();
    assert!(m.skipped.is_empty(), "{:?}", m.skipped);
    assert!(m.notes.is_empty(), "{:?}", m.notes);
    assert_eq!(
        m.principals
            .iter()
            .filter(|p| p.kind == PrincipalType::User)
            .count(),
        41
    );
    assert_eq!(
        m.principals
            .iter()
            .filter(|p| p.kind == PrincipalType::Role)
            .count(),
        25
    );
    // FullAWSAccess and AllowedRegions on the OU path: root, two OUs, the account.
    assert_eq!(m.scps.len(), 4);
}

#[test]
fn who_can_read_phi_claims_exports() {
    let m = model();
    let obj = "arn:aws:s3:::mercy-phi-claims-exports/2026/claims.csv";
    let w = who_can(&m, "s3:GetObject", &one("s3:GetObject"), obj);
    // Administrators read it unconditionally, through AdministratorAccess.
    let admin = find(&w.principals, ":user/it-admin").unwrap();
    assert_eq!(admin.access, Reach::Allowed);
    assert!(admin.conditions.is_empty());
    assert!(admin
        .via
        .iter()
        .any(|v| &*v.policy == "arn:aws:iam::aws:policy/AdministratorAccess"));
    // Data engineers read it unless the RequireMFA deny applies.
    let de = find(&w.principals, ":user/de-ito").unwrap();
    assert_eq!(de.access, Reach::Conditional);
    assert!(de
        .conditions
        .iter()
        .any(|c| c.key == "aws:MultiFactorAuthPresent" && c.when == "denied_if"));
    // The bucket is in an allowed region, so the region SCP leaves no condition behind.
    assert!(!de.conditions.iter().any(|c| c.key == "aws:RequestedRegion"));
    // dev-sam's `*:*` is cut by the DeveloperBoundary's NoPHI deny.
    assert!(find(&w.principals, ":user/dev-sam").is_none());
    // SCPs do not appear as the statements granting access.
    assert!(w
        .principals
        .iter()
        .all(|g| g.via.iter().all(|v| !v.policy.starts_with("SCP"))));
    // The cross-account partner reaches the data only through its role, not directly.
    assert!(w
        .principals
        .iter()
        .all(|g| g.kind != PrincipalType::External));
}

#[test]
fn who_can_assume_the_partner_role() {
    let m = model();
    let w = who_can(
        &m,
        "sts:AssumeRole",
        &one("sts:AssumeRole"),
        "arn:aws:iam::111122223333:role/PartnerClaimsAccess",
    );
    let partner = find(&w.principals, "444455556666:role/ClaimsProcessor").unwrap();
    assert_eq!(partner.kind, PrincipalType::External);
    assert_eq!(
        partner.access,
        Reach::Allowed,
        "no ExternalId: nothing to satisfy"
    );
    assert!(partner
        .via
        .iter()
        .any(|v| &*v.policy == "role `PartnerClaimsAccess` trust policy"));
    // The vendor role requires an ExternalId: conditional, with the condition named.
    let w = who_can(
        &m,
        "sts:AssumeRole",
        &one("sts:AssumeRole"),
        "arn:aws:iam::111122223333:role/VendorSupportRole",
    );
    let vendor = w
        .principals
        .iter()
        .find(|g| g.kind == PrincipalType::External)
        .unwrap();
    assert_eq!(vendor.access, Reach::Conditional);
    assert!(vendor
        .conditions
        .iter()
        .any(|c| c.key.eq_ignore_ascii_case("sts:ExternalId")));
}

#[test]
fn not_action_grants_everything_but_iam() {
    let m = model();
    let kim = m.principal("researcher-kim").unwrap();
    let c = can(
        &m,
        kim,
        &["iam:CreateUser".into(), "athena:StartQueryExecution".into()],
        &["*".into()],
    );
    let actions: Vec<&str> = c.capabilities.iter().map(|x| x.action.as_str()).collect();
    assert_eq!(actions, ["athena:StartQueryExecution"]);
}

/// `can` asks only the actions some identity statement allows, or a resource policy may
/// grant: the same capabilities as `who-can` gives, principal by principal, including
/// those a resource policy grants alone (trust policies naming a principal).
#[test]
fn can_agrees_with_who_can_on_every_principal() {
    let m = model();
    let actions: Vec<String> = [
        "s3:GetObject",
        "s3:PutObject",
        "sts:AssumeRole",
        "kms:Decrypt",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let mut resources: Vec<String> = m
        .resources
        .iter()
        .filter(|r| r.arn.starts_with("arn:aws:s3:::"))
        .map(|r| format!("{}/x", r.arn))
        .collect();
    resources.extend(
        m.resources
            .iter()
            .filter(|r| r.trust || r.arn.contains(":kms:"))
            .map(|r| r.arn.clone()),
    );
    let mut want: Vec<(String, String, String)> = Vec::new();
    for r in &resources {
        for a in &actions {
            for g in who_can(&m, a, &one(a), r).principals {
                if g.kind != PrincipalType::External {
                    want.push((g.arn, a.clone(), r.clone()));
                }
            }
        }
    }
    let mut got: Vec<(String, String, String)> = Vec::new();
    let mut by_resource_policy_alone = 0;
    for p in &m.principals {
        for c in can(&m, p, &actions, &resources).capabilities {
            let identity = |v: &phiward_access::Via| p.identity.iter().any(|n| n.name == v.policy);
            if !c.via.iter().any(identity) {
                by_resource_policy_alone += 1;
            }
            got.push((p.arn.clone(), c.action, c.resource));
        }
    }
    want.sort();
    got.sort();
    assert_eq!(got, want);
    assert!(got.len() > 100, "{}", got.len());
    assert!(by_resource_policy_alone > 0);
}
