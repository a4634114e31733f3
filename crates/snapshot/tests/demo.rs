//! The bundled demo account imports completely and holds the seeded facts its README lists.

#![expect(clippy::unwrap_used, reason = "tests fail on unexpected errors")]

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use phiward_snapshot::model::iam::CredentialStatus;
use phiward_snapshot::{
    load, read_snapshot, write_snapshot, Collected, EntryStatus, Reason, Snapshot,
};

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account")
}

fn demo() -> Snapshot {
    let loaded = load(&demo_dir()).unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.snapshot
}

#[test]
fn counts() {
    let s = demo();
    let iam = s.iam.get().unwrap();
    assert_eq!(iam.users.len(), 41);
    assert_eq!(iam.groups.len(), 8);
    assert_eq!(iam.roles.len(), 25);
    assert_eq!(iam.policies.len(), 61);
    assert_eq!(s.buckets.get().unwrap().len(), 9);
    assert_eq!(s.trails.get().unwrap().len(), 2);
    assert_eq!(
        s.alarms.get().unwrap().len(),
        4,
        "both pages of describe-alarms"
    );
    assert_eq!(s.metric_filters.get().unwrap().len(), 4);
    assert_eq!(s.kms_keys.get().unwrap().len(), 3);
    assert_eq!(s.saml_providers.get().unwrap().len(), 1);
    assert_eq!(s.credential_report.get().unwrap().rows.len(), 42);
    assert_eq!(s.account.id.as_deref(), Some("111122223333"));
    assert_eq!(s.account.alias.as_deref(), Some("mercy-health-prod"));
    assert_eq!(
        s.as_of,
        Some(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap())
    );
    let phi = s
        .buckets
        .get()
        .unwrap()
        .iter()
        .filter(|b| b.tag("data-classification") == Some("phi"))
        .count();
    assert_eq!(phi, 4);
}

#[test]
fn every_policy_document_parses() {
    let s = demo();
    let docs = phiward_snapshot::policies::documents(&s);
    assert!(docs.len() > 100, "{}", docs.len());
    let problems = phiward_snapshot::policies::check_policies(&s);
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn url_encoded_and_plain_documents_both_decode() {
    let s = demo();
    let iam = s.iam.get().unwrap();
    let dev = iam.user("dev-sam").unwrap();
    let doc = dev.user_policy_list[0].policy_document.as_str();
    assert!(doc.contains(r#""Action":"*""#), "{doc}");
    let trusts: Vec<&str> = iam
        .roles
        .iter()
        .filter_map(|r| r.assume_role_policy_document.as_ref())
        .map(|d| d.as_str())
        .collect();
    assert!(trusts.iter().all(|t| t.trim_start().starts_with('{')));
    // The generator alternates: some documents were objects (pretty-printed source kept),
    // some URL-encoded strings (compact once decoded).
    assert!(trusts.iter().any(|t| t.contains('\n')));
    assert!(trusts.iter().any(|t| !t.contains('\n')));
}

#[test]
fn seeded_root_and_admin_facts() {
    let s = demo();
    let report = s.credential_report.get().unwrap();
    let root = report.root().unwrap();
    assert_eq!(root.access_key_1_active.get(), Some(true));
    assert_eq!(
        root.password_last_used
            .get()
            .map(|t| t.date_naive().to_string())
            .as_deref(),
        Some("2026-10-29")
    );
    assert_eq!(
        s.account_summary.get().unwrap().root_mfa_enabled(),
        Some(false)
    );
    let iam = s.iam.get().unwrap();
    let admins = iam
        .users
        .iter()
        .filter(|u| u.group_list.iter().any(|g| g == "Administrators"))
        .count();
    assert_eq!(admins, 4);
    let tom = iam.user("backup-admin-tom").unwrap();
    assert!(!tom.credentials.get().unwrap().mfa_active);
    assert_eq!(tom.has_console_password(), Some(true));
}

#[test]
fn seeded_key_facts() {
    let s = demo();
    let iam = s.iam.get().unwrap();
    let keys = |n: &str| {
        iam.user(n)
            .unwrap()
            .credentials
            .get()
            .unwrap()
            .access_keys
            .clone()
    };
    let reporting = keys("reporting-svc");
    assert_eq!(reporting.len(), 2);
    assert!(reporting
        .iter()
        .all(|k| k.status == CredentialStatus::Active));
    let backup = keys("backup-svc");
    assert_eq!(backup.len(), 1);
    assert_eq!(backup[0].last_used_date, None);
    let legacy = keys("legacy-ftp");
    assert_eq!(legacy[0].status, CredentialStatus::Inactive);
    let etl = &keys("etl-svc")[0];
    let age = s.as_of.unwrap() - etl.create_date.unwrap();
    assert!(age.num_days() > 90);
    let okafor = iam.user("dr-okafor").unwrap();
    assert!((s.as_of.unwrap() - okafor.last_activity().unwrap()).num_days() > 200);
    assert!(iam.user("intern-2025").unwrap().last_activity().is_none());
}

#[test]
fn seeded_logging_and_bucket_facts() {
    let s = demo();
    let trails = s.trails.get().unwrap();
    let main = trails
        .iter()
        .find(|t| t.name == "mercy-main-trail")
        .unwrap();
    assert_eq!(main.log_file_validation_enabled, Some(false));
    assert!(main.status.get().unwrap().is_logging);
    let data = trails
        .iter()
        .find(|t| t.name == "mercy-phi-data-events")
        .unwrap();
    let sel = data.event_selectors.get().unwrap();
    assert_eq!(sel.advanced_event_selectors[0].field_selectors.len(), 3);
    // Epoch seconds in get-trail-status read as timestamps.
    assert!(data.status.get().unwrap().latest_delivery_time.is_some());
    let config = s.config.get().unwrap();
    let group = config.recorders[0].recording_group.as_ref().unwrap();
    assert_eq!(group.all_supported, Some(false));
    assert!(!s
        .metric_filters
        .get()
        .unwrap()
        .iter()
        .any(|f| f.filter_pattern.contains("StopLogging")));
    let buckets = s.buckets.get().unwrap();
    let b = |n: &str| buckets.iter().find(|b| b.name == n).unwrap();
    assert_eq!(b("mercy-phi-claims-exports").policy, Collected::Known(None));
    assert!(!b("mercy-phi-imaging")
        .policy
        .get()
        .unwrap()
        .as_ref()
        .unwrap()
        .as_str()
        .contains("aws:SecureTransport"));
    assert_eq!(b("mercy-research").versioning.get().unwrap().status, None);
    assert_eq!(
        b("mercy-phi-records")
            .versioning
            .get()
            .unwrap()
            .mfa_delete
            .as_deref(),
        Some("Enabled")
    );
    assert_eq!(b("mercy-access-logs").logging, Collected::Known(None));
    assert_eq!(b("mercy-terraform-state").tags, Collected::Known(vec![]));
    assert!(b("mercy-phi-records").object_lock.get().unwrap().is_some());
    let absent = s.collection.with_status(EntryStatus::Absent).count();
    assert!(absent > 10, "{absent}");
}

#[test]
fn seeded_trust_and_automation_facts() {
    let s = demo();
    let iam = s.iam.get().unwrap();
    let partner = iam.role("PartnerClaimsAccess").unwrap();
    let trust = partner
        .assume_role_policy_document
        .as_ref()
        .unwrap()
        .as_str();
    assert!(trust.contains("444455556666") && !trust.contains("ExternalId"));
    let cfn = iam.role("CloudFormationServiceRole").unwrap();
    assert!(cfn
        .attached_managed_policies
        .iter()
        .any(|p| p.policy_name == "AdministratorAccess"));
    let deploy = iam
        .policy("arn:aws:iam::111122223333:policy/automation/DeployPipeline")
        .unwrap();
    assert!(deploy
        .default_document()
        .unwrap()
        .as_str()
        .contains("iam:PassRole"));
    let mfa = iam
        .policy("arn:aws:iam::111122223333:policy/RequireMFA")
        .unwrap();
    assert_eq!(mfa.policy_version_list.len(), 2);
    assert!(mfa
        .default_document()
        .unwrap()
        .as_str()
        .contains(r#""Bool""#));
    assert!(iam.roles.iter().filter(|r| r.is_service_linked()).count() == 4);
}

#[test]
fn sources_the_raw_export_lacks_are_not_collected() {
    let s = demo();
    let nc = s.identity_center.not_collected().unwrap();
    assert_eq!(nc.reason, Reason::Missing, "{}", nc.detail);
    assert!(
        nc.detail.contains("sso-admin/list-instances.json"),
        "{}",
        nc.detail
    );
}

#[test]
fn access_advisor_per_principal() {
    let s = demo();
    let advisor = s.access_advisor.get().unwrap();
    assert_eq!(
        advisor.len(),
        5,
        "the unfinished DataEngineer job is left out"
    );
    let kim = advisor
        .iter()
        .find(|p| p.arn == "arn:aws:iam::111122223333:user/researcher-kim")
        .unwrap();
    let used: Vec<&str> = kim
        .services_last_accessed
        .iter()
        .filter(|x| x.last_authenticated.is_some())
        .map(|x| x.service_namespace.as_str())
        .collect();
    assert_eq!(used, ["athena", "s3"]);
    let failed = s
        .collection
        .with_status(EntryStatus::Failed)
        .find(|e| e.api == "iam:GetServiceLastAccessedDetails")
        .unwrap();
    assert!(failed.error.as_deref().unwrap().contains("IN_PROGRESS"));
}

#[test]
fn round_trip_through_the_snapshot_layout() {
    let s = demo();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    write_snapshot(&s, &out, false).unwrap();
    let back = read_snapshot(&out).unwrap();
    assert_eq!(back, s);
    // A second write into the now non-empty folder needs `force`.
    assert!(matches!(
        write_snapshot(&s, &out, false),
        Err(phiward_snapshot::Error::NotEmpty { .. })
    ));
    write_snapshot(&s, &out, true).unwrap();
    // `load` reads the folder and the file alike.
    assert_eq!(load(&out).unwrap().snapshot, s);
    assert_eq!(load(&out.join("snapshot.json")).unwrap().snapshot, s);
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_committed_files_are_the_generator_output() {
    let tmp = tempfile::tempdir().unwrap();
    let run = std::process::Command::new("python3")
        .arg(demo_dir().join("generate.py"))
        .arg("--out")
        .arg(tmp.path())
        .output();
    let Ok(run) = run else {
        eprintln!("python3 not found; generator comparison skipped");
        return;
    };
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let committed: Vec<PathBuf> = files(&demo_dir())
        .into_iter()
        // The README, the audit configuration, the directory export (for `certify`) and
        // the sample logs are written by hand.
        .filter(|p| {
            p != Path::new("README.md")
                && p != Path::new("generate.py")
                && p != Path::new("phiward.toml")
                && p != Path::new("directory.csv")
                && !p.starts_with("cloudtrail-logs")
        })
        .collect();
    assert_eq!(files(tmp.path()), committed);
    for f in committed {
        assert!(
            std::fs::read(demo_dir().join(&f)).unwrap()
                == std::fs::read(tmp.path().join(&f)).unwrap(),
            "`{}` differs from generate.py's output; run python3 examples/demo-account/generate.py",
            f.display()
        );
    }
}
