//! Every check against a fail fixture (the demo account, whose README lists the seeded
//! violations) and a pass fixture (`tests/fixtures/clean`, a small compliant account).

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

use std::path::Path;

use phiward_access::AccessModel;
use phiward_checks::{run_all, Audit, Config, CHECKS};
use phiward_report::{Finding, Status};

fn audit(dir: &str) -> Vec<Finding> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let loaded = phiward_snapshot::load(&path).unwrap();
    let snap = &loaded.snapshot;
    let access = AccessModel::new(snap);
    // A `phiward.toml` in the folder applies, as `phiward audit` reads it.
    let config = match std::fs::read_to_string(path.join("phiward.toml")) {
        Ok(text) => Config::parse(&text, "phiward.toml").unwrap(),
        Err(_) => Config::default(),
    };
    let now = snap.as_of.unwrap_or(snap.created);
    let mut audit = Audit::new(snap, &access, now, &config);
    // Sample CloudTrail logs in the folder apply too (LOG-013, LP-008), as `phiward audit`
    // reads them.
    let review = review(&path.join("cloudtrail-logs"), &config, now);
    if let Some(r) = &review {
        assert!(
            r.detections.problems.is_empty(),
            "{:?}",
            r.detections.problems
        );
        audit = audit.with_review(r);
    }
    run_all(&audit)
}

/// The logs under `logs`, read as `phiward audit --logs` reads them.
fn review(
    logs: &Path,
    config: &Config,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<phiward_trail::review::Review> {
    logs.is_dir().then(|| {
        let opts = phiward_trail::detect::Options {
            automation: config.admins.automation.clone(),
            ..Default::default()
        };
        phiward_trail::review::review(
            &phiward_trail::read::discover(logs).unwrap(),
            &opts,
            phiward_trail::usage::Options::window(now.timestamp(), None),
            phiward_catalog::Catalog::get().unwrap(),
        )
    })
}

fn failing<'a>(findings: &'a [Finding], check: &str) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.check == check && f.status == Status::Fail)
        .collect()
}

/// The resources of a check's failing findings.
fn names_of(findings: &[Finding], check: &str) -> Vec<String> {
    failing(findings, check)
        .iter()
        .map(|f| f.resource.clone())
        .collect()
}

#[test]
fn every_check_passes_on_the_clean_account() {
    let findings = audit("tests/fixtures/clean");
    for c in CHECKS {
        let mine: Vec<_> = findings.iter().filter(|f| f.check == c.meta.id).collect();
        assert!(!mine.is_empty(), "{} produced nothing", c.meta.id);
        // CERT-002 reads the recertification record of `phiward certify`, which the
        // fixture does not have: until then it must say so rather than pass.
        let expected = if c.meta.id == "CERT-002" {
            Status::NotEvaluated
        } else {
            Status::Pass
        };
        // LP-008: the sample logs span minutes, too short to show anything unused for 90
        // days; the roles Access Advisor does not cover are not evaluated, and say why.
        if c.meta.id == "LP-008" {
            for f in &mine {
                assert!(
                    f.status == Status::Pass
                        || (f.status == Status::NotEvaluated
                            && f.message.contains("cover fewer than 90 days")),
                    "{}",
                    f.message
                );
            }
            assert!(mine.iter().any(|f| f.status == Status::Pass
                && f.resource.ends_with("user/nurse-cy")
                && f.message.contains("Access Advisor")));
            continue;
        }
        for f in mine {
            assert_eq!(f.status, expected, "{}: {}", f.check, f.message);
        }
    }
    // LP-014: the EC2 instance role passes (EC2 sends no source keys); the service-linked
    // role, whose trust policy AWS writes, is not judged at all.
    let lp014: Vec<&str> = findings
        .iter()
        .filter(|f| f.check == "LP-014")
        .map(|f| f.resource.as_str())
        .collect();
    assert!(lp014.contains(&"arn:aws:iam::111122223333:role/web-instance"));
    assert!(!lp014.iter().any(|r| r.contains("AWSServiceRoleForSupport")));
}

#[test]
fn every_check_fails_on_the_demo_account_where_its_readme_says() {
    let findings = audit("../../examples/demo-account");
    // What the demo gets right (its main trail is multi-region and logs all management
    // events, root has no certificate, ...) fails in `tests/fixtures/extra-failures`.
    let passing_on_demo = PASSING_ON_DEMO;
    // LP-003 and AUTO-002 report real paths: the NotAction grant lets researchers assume
    // the break-glass role; the deploy pipeline passes the CloudFormation admin role.
    for c in CHECKS {
        let fails = !failing(&findings, c.meta.id).is_empty();
        assert_eq!(
            fails,
            !passing_on_demo.contains(&c.meta.id),
            "{}",
            c.meta.id
        );
    }
    let names = |check: &str| -> Vec<String> {
        failing(&findings, check)
            .iter()
            .filter_map(|f| f.principal.clone())
            .collect()
    };
    // Practice 3: console users without MFA.
    let no_mfa = names("MFA-001");
    for u in ["nurse-bo", "pa-fischer", "intern-2025", "backup-admin-tom"] {
        assert!(
            no_mfa.iter().any(|a| a.ends_with(&format!("/{u}"))),
            "{u}: {no_mfa:?}"
        );
    }
    // Practice 1: five admin users plus admin roles, more than three.
    let admin = failing(&findings, "ADMIN-001");
    assert!(
        admin[0].message.starts_with("8 administrator"),
        "{}",
        admin[0].message
    );
    for u in [
        "it-admin",
        "ops-admin-raj",
        "cloud-admin-mei",
        "backup-admin-tom",
        "contractor-admin",
    ] {
        assert!(
            admin[0]
                .evidence
                .iter()
                .any(|e| e.detail.contains(&format!("user/{u} "))),
            "{u}"
        );
    }
    // Practice 7: the deploy pipeline passes any role; administrators are left to ADMIN-001.
    let pass = names("AUTO-001");
    assert!(
        pass.iter()
            .any(|a| a.ends_with("user/automation/deploy-bot")),
        "{pass:?}"
    );
    assert!(!pass.iter().any(|a| a.ends_with("user/it-admin")));
    let deploy = failing(&findings, "AUTO-001")
        .into_iter()
        .find(|f| f.message.contains("deploy-bot"))
        .unwrap();
    assert_eq!(deploy.evidence[0].line, Some(13));
    // Practice 2: service roles whose trust policy lets the service assume them for anyone
    // (LP-014); EC2 instance roles pass, since EC2 sends no source keys.
    let deputies = names_of(&findings, "LP-014");
    for r in [
        "CloudFormationServiceRole",
        "scheduling-lambda",
        "ConfigRecorderRole",
    ] {
        assert!(
            deputies.iter().any(|a| a.ends_with(&format!("/{r}"))),
            "{r}: {deputies:?}"
        );
    }
    assert!(!deputies.iter().any(|a| a.ends_with("/patient-portal-web")));
    // Practice 2: the research bucket is open to the university partner; two PHI buckets
    // have no TLS deny.
    let open = failing(&findings, "LP-005");
    assert_eq!(open.len(), 1);
    assert!(
        open[0].message.contains("888899990000"),
        "{}",
        open[0].message
    );
    let tls: Vec<&str> = failing(&findings, "LP-007")
        .iter()
        .map(|f| f.resource.as_str())
        .collect();
    let mut tls = tls;
    tls.sort_unstable();
    assert_eq!(
        tls,
        [
            "arn:aws:s3:::mercy-phi-claims-exports",
            "arn:aws:s3:::mercy-phi-imaging"
        ]
    );
    // Practice 1: the five administrator users; practice 2: the inactive users the README
    // lists; practice 3: RequireMFA's Bool deny; practice 4: the never-used key.
    assert_eq!(names("ADMIN-002").len(), 5);
    let inactive = names("LP-009");
    for u in ["user/dr-okafor", "user/nurse-harris", "user/intern-2025"] {
        assert!(inactive.iter().any(|a| a.ends_with(u)), "{u}: {inactive:?}");
    }
    assert!(
        !inactive.iter().any(|a| a.ends_with("user/billing-greg")),
        "30 days is not inactive"
    );
    let bool_deny = failing(&findings, "MFA-007");
    assert!(bool_deny
        .iter()
        .any(|f| f.resource.contains("policy/RequireMFA")));
    assert!(bool_deny
        .iter()
        .all(|f| f.evidence.iter().all(|e| e.line.is_some())));
    assert!(names("KEY-003")
        .iter()
        .any(|a| a.ends_with("user/backup-svc")));
    // Practice 2: PHI buckets without a network restriction, as the README lists them
    // (the records bucket denies outside 198.51.100.0/24 and its VPC endpoint).
    let mut network: Vec<&str> = failing(&findings, "LP-006")
        .iter()
        .map(|f| f.resource.as_str())
        .collect();
    network.sort_unstable();
    assert_eq!(
        network,
        [
            "arn:aws:s3:::mercy-phi-claims-exports",
            "arn:aws:s3:::mercy-phi-imaging",
            "arn:aws:s3:::mercy-research"
        ]
    );
    // Practice 2: the NotAction research policy; the partner role without ExternalId (the
    // vendor role has one and passes).
    assert!(failing(&findings, "LP-010")
        .iter()
        .any(|f| f.resource.contains("ResearchAnalytics")));
    let trust: Vec<&str> = failing(&findings, "LP-011")
        .iter()
        .map(|f| f.resource.as_str())
        .collect();
    assert_eq!(
        trust,
        ["arn:aws:iam::111122223333:role/PartnerClaimsAccess"]
    );
    let escalate = names("LP-003");
    for p in [
        "user/researcher-kim",
        "user/automation/deploy-bot",
        "role/GitHubActionsDeploy",
    ] {
        assert!(escalate.iter().any(|a| a.ends_with(p)), "{p}: {escalate:?}");
    }
    let cfn = names("AUTO-002");
    assert!(
        cfn.iter()
            .any(|a| a.ends_with("user/automation/deploy-bot")),
        "{cfn:?}"
    );
    // Practice 6: the four unowned principals, and no others.
    let mut unowned = names("CERT-001");
    unowned.sort();
    assert_eq!(unowned.len(), 4, "{unowned:?}");
    assert!(unowned
        .iter()
        .any(|a| a.ends_with("role/PartnerClaimsAccess")));
    // Practice 5: the main trail does not validate its files; the data-events trail does.
    let logs = failing(&findings, "LOG-002");
    assert_eq!(logs.len(), 1);
    assert!(logs[0].resource.ends_with("trail/mercy-main-trail"));
    let resources = |check: &str| -> Vec<String> {
        failing(&findings, check)
            .iter()
            .map(|f| f.resource.clone())
            .collect()
    };
    // Practice 2: `*:*` in dev-sam's inline policy and the unattached old-admin-helper.
    let full = failing(&findings, "LP-001");
    assert!(full.iter().any(|f| f
        .message
        .contains("user `dev-sam` inline policy `break-fix`")));
    assert!(full
        .iter()
        .any(|f| f.resource.ends_with("policy/old-admin-helper")));
    // Access Advisor: broad grants used narrowly; the unfinished job is not evaluated.
    let unused = names("LP-008");
    for p in [
        "user/researcher-kim",
        "user/contractor-admin",
        "role/CloudFormationServiceRole",
    ] {
        assert!(unused.iter().any(|a| a.ends_with(p)), "{p}: {unused:?}");
    }
    assert!(
        !unused.iter().any(|a| a.ends_with("role/BreakGlassAdmin")),
        "break-glass"
    );
    assert!(findings.iter().any(|f| f.check == "LP-008"
        && f.status == Status::NotEvaluated
        && f.resource.ends_with("role/DataEngineer")));
    // PHI readers outside the approved list (the demo's phiward.toml).
    let phi = failing(&findings, "LP-004");
    assert_eq!(phi.len(), 4);
    assert!(phi.iter().all(|f| f.message.contains("deploy-bot")));
    // Practice 3: the administrator without MFA.
    assert_eq!(
        names("MFA-002"),
        ["arn:aws:iam::111122223333:user/backup-admin-tom"]
    );
    // Practice 4: the unfinished rotation; the secret that never rotates.
    assert_eq!(
        names("KEY-002"),
        ["arn:aws:iam::111122223333:user/reporting-svc"]
    );
    assert_eq!(resources("KEY-005").len(), 1);
    assert!(resources("KEY-005")[0].contains("hl7-gateway/partner-api-key"));
    // Practice 5: the log bucket writable by data engineering, without MFA delete; no
    // alarm on trail or Config changes.
    let log_bucket = failing(&findings, "LOG-004")
        .into_iter()
        .find(|f| f.resource == "arn:aws:s3:::mercy-audit-logs")
        .unwrap();
    assert!(
        log_bucket.message.contains("role/DataEngineer"),
        "{}",
        log_bucket.message
    );
    assert!(log_bucket
        .message
        .contains("deleting logs does not need MFA"));
    let alarms: Vec<&str> = failing(&findings, "LOG-006")
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        alarms.iter().any(|m| m.contains("CloudTrail changes")),
        "{alarms:?}"
    );
    assert!(
        alarms.iter().any(|m| m.contains("AWS Config changes")),
        "{alarms:?}"
    );
    // Practice 5: what the sample CloudTrail logs show (the pipeline's own IAM change is
    // not reported: it is an automation principal).
    let review: Vec<&str> = failing(&findings, "LOG-013")
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(review.len(), 5, "{review:?}");
    for (what, who) in [
        ("root activity", "root"),
        ("trails stopped, deleted or changed", "root"),
        ("console sign-ins without MFA", "user/nurse-bo"),
        ("access keys created for another user", "user/it-admin"),
        (
            "policy changes outside the automation principals",
            "user/dev-sam",
        ),
    ] {
        assert!(
            review.iter().any(|m| m.contains(what) && m.contains(who)),
            "{what}: {review:?}"
        );
    }
    assert!(!review.iter().any(|m| m.contains("GitHubActionsDeploy")));
    // Practice 6: the contractor still active after its contract ended.
    assert_eq!(
        names("CERT-003"),
        ["arn:aws:iam::111122223333:user/contractor-admin"]
    );
}

#[test]
fn missing_data_is_not_evaluated_never_pass() {
    let dir = std::env::temp_dir().join(format!("phiward-checks-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("phiward-export.json"),
        r#"{"exported_at": "2026-11-01T00:00:00Z"}"#,
    )
    .unwrap();
    let loaded = phiward_snapshot::load(&dir).unwrap();
    let access = AccessModel::new(&loaded.snapshot);
    let config = Config::default();
    let audit = Audit::new(&loaded.snapshot, &access, loaded.snapshot.created, &config);
    let findings = run_all(&audit);
    assert_eq!(findings.len(), CHECKS.len());
    assert!(
        findings.iter().all(|f| f.status == Status::NotEvaluated),
        "{findings:#?}"
    );
}

#[test]
fn check_ids_are_unique_and_cite_hipaa() {
    let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.meta.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), CHECKS.len());
    for c in CHECKS {
        assert!(
            c.meta.hipaa.iter().all(|h| h.starts_with("164.")),
            "{}",
            c.meta.id
        );
        assert!((1..=7).contains(&c.meta.practice));
        assert!(!c.meta.remediation.is_empty());
    }
}

/// The checks the demo account passes; `tests/fixtures/extra-failures` fails each of them
/// (CERT-002 is `not_evaluated` everywhere until a recertification record exists).
const PASSING_ON_DEMO: [&str; 11] = [
    "LOG-001", "ROOT-004", "LP-012", "LP-013", "AUTO-003", "AUTO-004", "LOG-011", "LOG-012",
    "MFA-004", "KEY-004", "CERT-002",
];

#[test]
fn the_extra_failures_fixture_fails_what_the_demo_passes() {
    let findings = audit("tests/fixtures/extra-failures");
    for id in PASSING_ON_DEMO.iter().filter(|id| **id != "CERT-002") {
        assert!(!failing(&findings, id).is_empty(), "{id}");
    }
    let names = |check: &str| -> Vec<String> {
        failing(&findings, check)
            .iter()
            .map(|f| f.resource.clone())
            .collect()
    };
    assert_eq!(
        names("LP-012"),
        ["arn:aws:iam::111122223333:role/SecurityAuditReadOnly"]
    );
    assert_eq!(
        names("LP-013"),
        ["arn:aws:iam::111122223333:role/gha-deploy"]
    );
    assert_eq!(
        names("AUTO-003"),
        ["arn:aws:iam::111122223333:role/lambda-runner"]
    );
    let edit = failing(&findings, "AUTO-004");
    assert!(
        edit[0].message.contains("user/dev-x"),
        "{}",
        edit[0].message
    );
    // LP-014 on role trust policies: an unconditioned Lambda role, and a Glue role whose
    // `...IfExists` condition lets the request through when the key is absent.
    assert_eq!(
        names("LP-014"),
        [
            "arn:aws:iam::111122223333:role/lambda-runner",
            "arn:aws:iam::111122223333:role/etl-runner"
        ]
    );
    assert_eq!(names("LOG-011"), ["arn:aws:s3:::logs"]);
    assert_eq!(names("LOG-012"), ["arn:aws:s3:::phi-x"]);
    assert_eq!(names("KEY-004"), ["arn:aws:iam::111122223333:user/dev-x"]);
    assert_eq!(failing(&findings, "ROOT-004").len(), 1);
    let log = failing(&findings, "LOG-001");
    assert_eq!(log.len(), 1);
    assert!(log[0]
        .evidence
        .iter()
        .any(|e| e.detail.contains("multi-region false")));
}

/// Every check documents What, Why and Fix (`cargo xtask docs` turns them into its page).
#[test]
fn checks_document_what_why_and_fix() {
    for c in CHECKS {
        let doc = c.meta.doc();
        // A fragment before `What:` is a sentence cut off when the doc moved (ADMIN-001
        // once began with "range (default 2-3).").
        assert!(
            doc.trim_start().starts_with("What:"),
            "{} doc comment does not begin with `What:`",
            c.meta.id
        );
        for part in ["What:", "Why:", "Fix:"] {
            assert!(
                doc.contains(part),
                "{} lacks `{part}` in its doc comment",
                c.meta.id
            );
        }
    }
}
