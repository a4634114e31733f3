//! Access per employee in the bundled demo account (examples/demo-account), against what
//! its README says about who reaches PHI.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

use std::path::Path;

use phiward_access::employee::{self, AccessReport, Reached};
use phiward_access::people::{self, MappedBy, PeopleOptions, UNASSIGNED};
use phiward_access::{AccessModel, Reach, ResourceKind};
use phiward_catalog::Catalog;

const PHI_BUCKETS: [&str; 4] = [
    "mercy-phi-claims-exports",
    "mercy-phi-imaging",
    "mercy-phi-records",
    "mercy-research",
];

fn report(people_csv: &str) -> AccessReport {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account");
    let loaded = phiward_snapshot::load(&dir).unwrap();
    let s = &loaded.snapshot;
    let m = AccessModel::new(s);
    let opts = PeopleOptions {
        person_tags: vec!["person".into()],
        assignments: people::parse_assignments(people_csv).unwrap(),
    };
    let (holders, notes) = people::holders(s, &opts);
    assert!(notes.is_empty(), "{notes:?}");
    let (targets, notes) = employee::targets(s, "data-classification", "phi", true);
    assert!(notes.is_empty(), "{notes:?}");
    employee::report(&m, Catalog::get().unwrap(), &holders, &targets, true)
}

fn buckets<'a>(r: &'a AccessReport, person: &str) -> Vec<&'a Reached> {
    r.people
        .iter()
        .filter(|p| p.person == person)
        .flat_map(|p| &p.principals)
        .flat_map(|h| &h.resources)
        .filter(|x| x.kind == ResourceKind::S3Bucket)
        .collect()
}

fn names(list: &[&Reached]) -> Vec<String> {
    list.iter()
        .map(|x| x.arn.trim_start_matches("arn:aws:s3:::").to_string())
        .collect()
}

fn reads(x: &Reached) -> bool {
    x.levels.iter().any(|l| {
        l.level == "Read"
            && l.grants
                .iter()
                .any(|g| g.actions.iter().any(|a| a == "s3:GetObject"))
    })
}

#[test]
fn the_phi_resources_are_the_four_tagged_buckets_and_their_key() {
    let r = report("");
    let arns: Vec<&str> = r.resources.iter().map(|t| t.arn.as_str()).collect();
    assert_eq!(
        arns,
        [
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:s3:::mercy-phi-claims-exports",
            "arn:aws:s3:::mercy-phi-imaging",
            "arn:aws:s3:::mercy-phi-records",
            "arn:aws:s3:::mercy-research",
        ]
    );
}

#[test]
fn clinicians_reach_only_the_records_bucket_and_only_under_its_network_conditions() {
    let r = report("");
    for who in ["dr-lee", "nurse-bo", "pa-fischer", "dr-okafor"] {
        let b = buckets(&r, who);
        assert_eq!(names(&b), ["mercy-phi-records"], "{who}");
        for l in &b[0].levels {
            for g in &l.grants {
                assert_eq!(g.access, Reach::Conditional, "{who} {}", l.level);
                let keys: Vec<&str> = g.conditions.iter().map(|c| c.key.as_str()).collect();
                assert!(keys.contains(&"aws:SourceIp"), "{who}: {keys:?}");
                assert!(keys.contains(&"aws:SourceVpce"), "{who}: {keys:?}");
            }
        }
        assert!(reads(b[0]), "{who}");
    }
}

#[test]
fn deploy_bot_reaches_every_phi_bucket_and_can_rewrite_their_policies() {
    let r = report("");
    let b = buckets(&r, "deploy-bot");
    assert_eq!(names(&b), PHI_BUCKETS);
    for x in &b {
        assert!(reads(x), "{}", x.arn);
        let pm = x
            .levels
            .iter()
            .find(|l| l.level == "Permissions management")
            .unwrap();
        assert!(pm
            .grants
            .iter()
            .any(|g| g.actions.iter().any(|a| a == "s3:PutBucketPolicy")));
        assert!(pm.grants[0]
            .via
            .iter()
            .any(|v| v.policy.ends_with("automation/DeployPipeline")));
    }
}

#[test]
fn researchers_reach_the_research_bucket() {
    let r = report("");
    for who in ["researcher-kim", "researcher-lopez"] {
        let b = buckets(&r, who);
        let research = b
            .iter()
            .find(|x| x.arn == "arn:aws:s3:::mercy-research")
            .unwrap();
        assert!(reads(research), "{who}");
    }
    // Developers carry no grant on the clinical buckets.
    assert!(!names(&buckets(&r, "dev-alex")).contains(&"mercy-phi-records".to_string()));
}

#[test]
fn saml_roles_are_unassigned_until_the_assignment_list_names_their_people() {
    let r = report("");
    let un = r.people.iter().find(|p| p.person == UNASSIGNED).unwrap();
    let roles: Vec<&str> = un
        .principals
        .iter()
        .map(|h| h.arn.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            "Clinician",
            "DataEngineer",
            "GitHubActionsDeploy",
            "ReadOnlyAuditor",
            "SAML-Administrator"
        ]
    );
    let r = report("person,email,role\nAna Ruiz,ana@mercy.example,Clinician\nBo Chen,,Clinician\n");
    for who in ["Ana Ruiz", "Bo Chen"] {
        let p = r.people.iter().find(|p| p.person == who).unwrap();
        assert_eq!(p.principals[0].mapped_by, MappedBy::Assignment);
        assert_eq!(names(&buckets(&r, who)), ["mercy-phi-records"]);
    }
    let un = r.people.iter().find(|p| p.person == UNASSIGNED).unwrap();
    assert!(!un
        .principals
        .iter()
        .any(|h| h.arn.ends_with("role/Clinician")));
}
