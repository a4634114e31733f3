//! `phiward collect` against moto, the AWS API emulator (`scripts/moto.sh start`).
//!
//! The test seeds an account through the AWS API (`crates/collect/tests/moto/seed.py`),
//! collects it, checks the snapshot holds what was seeded, audits it, exports the same
//! account the AWS CLI way and imports it (the two snapshots must agree), and finally
//! collects as a user denied some calls; then `phiward trail verify s3://...` reads a
//! signed digest chain from a moto bucket (`moto/trail_verify.rs`). It needs
//! `PHIWARD_MOTO_URL`; without it, it says so and passes (`.ci/run` and `scripts/test.sh`
//! always set it). One test function does everything, so that nothing else resets the
//! shared server meanwhile.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "the checks are split into helpers, which fail the test on unexpected data"
)]

#[path = "../../trail/tests/chain/mod.rs"]
#[expect(
    dead_code,
    reason = "the chain builder serves the trail crate's tests too"
)]
mod chain;
#[path = "moto/trail_verify.rs"]
mod trail_verify;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use phiward_snapshot::model::iam::CredentialStatus;
use phiward_snapshot::{Collected, EntryStatus, Reason, Snapshot};
use serde_json::Value;

mod moto_env;
use moto_env::{python, root};

fn script(name: &str) -> PathBuf {
    root().join("crates/collect/tests/moto").join(name)
}

/// Runs a seeding or export script; its standard output.
fn run_python(args: &[&str]) -> String {
    let out = Command::new(python())
        .args(args)
        .output()
        .expect("run the python of the moto venv");
    if !out.status.success() {
        panic!("{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `phiward ARGS` with the given AWS credentials and nothing else from the
/// environment's AWS settings.
fn phiward(args: &[&str], key: &str, secret: &str, home: &Path) -> Output {
    moto_env::phiward_as(key, secret, home)
        .args(args)
        .output()
        .expect("run phiward")
}

fn collect(
    url: &str,
    out: &Path,
    extra: &[&str],
    key: &str,
    secret: &str,
    home: &Path,
) -> Snapshot {
    let mut args = vec![
        "collect",
        "--endpoint-url",
        url,
        "--region",
        "us-east-1",
        "--out",
        out.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    let o = phiward(&args, key, secret, home);
    if o.status.code() != Some(0) {
        panic!(
            "phiward collect exited {:?}: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    phiward_snapshot::read_snapshot(out).expect("read the collected snapshot")
}

#[test]
fn collect_against_moto() {
    let Ok(url) = std::env::var("PHIWARD_MOTO_URL") else {
        println!("skipped: PHIWARD_MOTO_URL is not set (scripts/moto.sh start prints it)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let seeded: Value =
        serde_json::from_str(&run_python(&[script("seed.py").to_str().unwrap(), &url])).unwrap();

    let snap_dir = tmp.path().join("collected");
    let snap = collect(
        &url,
        &snap_dir,
        &["--access-advisor"],
        "testing",
        "testing",
        tmp.path(),
    );
    check_seeded(&snap, &seeded);
    let shown = phiward(
        &["snapshot", "show", snap_dir.to_str().unwrap()],
        "testing",
        "testing",
        tmp.path(),
    );
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains(
            "sso          1 instances, 2 permission sets, 2 assignments, 2 users, 1 groups"
        ),
        "{shown}"
    );
    check_audit(&snap_dir, tmp.path());

    // The same account exported with the AWS CLI's JSON and imported.
    let export = tmp.path().join("export");
    run_python(&[
        script("export.py").to_str().unwrap(),
        &url,
        export.to_str().unwrap(),
    ]);
    let imported = phiward_snapshot::load(&export).unwrap();
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    compare(&snap, &imported.snapshot);

    check_regions(&url, tmp.path());
    check_denied(&url, tmp.path(), &seeded);
    trail_verify::check(&url, tmp.path());
}

/// Two regions: regional lists are read in each (the entries name the region), and the
/// multi-region trail, which shows in both, is read once, in its home region.
fn check_regions(url: &str, tmp: &Path) {
    let out = tmp.join("regions");
    let snap = collect(
        url,
        &out,
        &["--region", "eu-west-1"],
        "testing",
        "testing",
        tmp,
    );
    let trails = snap.trails.get().unwrap();
    let names: Vec<&str> = trails.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["org-trail", "stopped-trail"]);
    let targets: Vec<Option<&str>> = snap
        .collection
        .entries
        .iter()
        .filter(|e| e.api == "cloudtrail:DescribeTrails")
        .map(|e| e.target.as_deref())
        .collect();
    assert_eq!(targets, [Some("eu-west-1"), Some("us-east-1")]);
    // moto answers GetPermissionsBoundaryForPermissionSet with HTTP 500 (see check_seeded).
    let failed: Vec<&str> = snap
        .collection
        .with_status(EntryStatus::Failed)
        .map(|e| e.api.as_str())
        .filter(|api| *api != "sso:GetPermissionsBoundaryForPermissionSet")
        .collect();
    assert_eq!(failed, ["s3:GetBucketVersioning", "s3:GetBucketVersioning"]);
    // moto makes an instance in every region: one each, read in its own region.
    let ic = snap.identity_center.get().unwrap();
    assert_eq!(ic.instances.len(), 2);
    let names: Vec<&str> = ic
        .users
        .get()
        .unwrap()
        .iter()
        .filter_map(|u| u.user_name.as_deref())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

fn check_seeded(snap: &Snapshot, seeded: &Value) {
    assert_eq!(snap.source.kind, phiward_snapshot::SourceKind::Collect);
    assert_eq!(snap.account.id.as_deref(), Some("123456789012"));
    assert_eq!(snap.account.alias.as_deref(), Some("mercy-health-test"));
    let iam = snap.iam.get().expect("IAM collected");

    // Users, console passwords, MFA and keys.
    let alice = iam.user("alice").unwrap();
    let creds = alice.credentials.get().unwrap();
    assert!(creds.password_enabled && creds.mfa_active);
    let devices = creds.mfa_devices.as_ref().unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(
        devices[0].serial_number,
        seeded["mfa"]["alice"].as_str().unwrap()
    );
    assert_eq!(alice.group_list, ["clinicians"]);
    assert_eq!(
        phiward_snapshot::model::iam::tag(&alice.tags, "team"),
        Some("cardiology")
    );

    let bob = iam.user("bob").unwrap();
    let creds = bob.credentials.get().unwrap();
    assert!(creds.password_enabled && !creds.mfa_active);
    assert_eq!(creds.mfa_devices.as_deref(), Some(&[][..]));
    assert_eq!(creds.access_keys.len(), 2);
    let ids: Vec<&str> = creds
        .access_keys
        .iter()
        .filter_map(|k| k.access_key_id.as_deref())
        .collect();
    let seeded_ids: Vec<&str> = seeded["keys"]["bob"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(ids, seeded_ids);
    assert_eq!(creds.access_keys[0].status, CredentialStatus::Active);
    assert_eq!(creds.access_keys[1].status, CredentialStatus::Inactive);
    for k in &creds.access_keys {
        // Never used; created at seeding time (moto cannot backdate a key).
        assert_eq!(k.last_used_date, None);
        let age = snap.created - k.create_date.unwrap();
        assert!(age.num_minutes() < 30, "key age {age}");
    }
    assert_eq!(bob.user_policy_list[0].policy_name, "bob-inline");

    let svc = iam.user("svc-etl").unwrap();
    assert_eq!(svc.path, "/service/");
    assert!(!svc.credentials.get().unwrap().password_enabled);
    let phi_read = seeded["phi_read_arn"].as_str().unwrap();
    assert_eq!(svc.attached_managed_policies[0].policy_arn, phi_read);

    // Groups with inline and managed policies.
    let clinicians = iam.group("clinicians").unwrap();
    assert_eq!(
        clinicians.group_policy_list[0].policy_name,
        "clinicians-inline"
    );
    let attached: Vec<&str> = clinicians
        .attached_managed_policies
        .iter()
        .map(|p| p.policy_arn.as_str())
        .collect();
    assert!(attached.contains(&"arn:aws:iam::aws:policy/ReadOnlyAccess"));
    assert!(attached.contains(&phi_read));

    // Customer managed policies keep every version; AWS managed ones only when used.
    let policy = iam.policy(phi_read).unwrap();
    assert_eq!(policy.policy_name, "phi-read");
    assert_eq!(policy.path, "/phi/");
    assert_eq!(policy.policy_version_list.len(), 3);
    assert_eq!(policy.default_version_id, "v2");
    assert!(policy
        .default_document()
        .unwrap()
        .as_str()
        .contains("s3:ListBucket"));
    assert!(iam
        .policy("arn:aws:iam::aws:policy/AdministratorAccess")
        .is_some());
    let aws_managed = iam.policies.iter().filter(|p| p.is_aws_managed()).count();
    assert_eq!(aws_managed, 2, "only the AWS managed policies in use");

    // Roles: trust policies, instance profiles, boundaries, tags.
    let app = iam.role("phi-app").unwrap();
    let trust = app.assume_role_policy_document.as_ref().unwrap();
    let trust: Value = serde_json::from_str(trust.as_str()).unwrap();
    assert_eq!(
        trust["Statement"][0]["Principal"]["Service"],
        "ec2.amazonaws.com"
    );
    assert_eq!(
        app.instance_profile_list[0].instance_profile_name,
        "phi-app"
    );
    assert_eq!(app.role_policy_list[0].policy_name, "phi-app-kms");
    let vendor = iam.role("vendor-billing").unwrap();
    assert!(vendor
        .assume_role_policy_document
        .as_ref()
        .unwrap()
        .as_str()
        .contains("arn:aws:iam::999988887777:root"));
    assert!(vendor
        .permissions_boundary
        .as_ref()
        .unwrap()
        .permissions_boundary_arn
        .ends_with(":policy/dev-boundary"));

    // Identity providers and account settings.
    let saml = snap.saml_providers.get().unwrap();
    assert_eq!(saml[0].arn, seeded["saml_arn"].as_str().unwrap());
    let oidc = snap.oidc_providers.get().unwrap();
    assert_eq!(oidc[0].client_id_list, ["sts.amazonaws.com"]);
    let pw = snap.password_policy.get().unwrap().as_ref().unwrap();
    assert_eq!(pw.minimum_password_length, Some(14));
    assert_eq!(pw.max_password_age, Some(90));
    assert!(snap
        .account_summary
        .get()
        .unwrap()
        .summary_map
        .contains_key("Users"));
    let report = snap.credential_report.get().unwrap();
    assert!(report.user("bob").is_some());
    assert!(matches!(snap.organization, Collected::Known(None)));

    check_seeded_resources(snap, seeded);
}

fn check_seeded_resources(snap: &Snapshot, seeded: &Value) {
    // Buckets: each setting, and "there is none" read as collected and empty.
    let buckets = snap.buckets.get().unwrap();
    let phi = buckets
        .iter()
        .find(|b| b.name == "mercy-phi-claims")
        .unwrap();
    assert_eq!(phi.tag("data-classification"), Some("phi"));
    assert!(phi
        .policy
        .get()
        .unwrap()
        .as_ref()
        .unwrap()
        .as_str()
        .contains("aws:SecureTransport"));
    assert!(phi
        .public_access_block
        .get()
        .unwrap()
        .as_ref()
        .unwrap()
        .all_on());
    let enc = phi.encryption.get().unwrap();
    let default = enc[0]
        .apply_server_side_encryption_by_default
        .as_ref()
        .unwrap();
    assert_eq!(default.sse_algorithm, "aws:kms");
    assert_eq!(
        phi.logging.get().unwrap().as_ref().unwrap().target_bucket,
        "mercy-cloudtrail-logs"
    );
    assert_eq!(phi.region.as_deref(), Some("us-east-1"));
    // moto's GetBucketVersioning answer has the wrong XML root: the SDK refuses it, and
    // the collector records the call as failed instead of guessing.
    let v = phi.versioning.not_collected().unwrap();
    assert_eq!(v.reason, Reason::Failed);
    let logs = buckets
        .iter()
        .find(|b| b.name == "mercy-cloudtrail-logs")
        .unwrap();
    assert_eq!(logs.policy, Collected::Known(None));
    assert_eq!(logs.public_access_block, Collected::Known(None));
    assert_eq!(logs.tags, Collected::Known(Vec::new()));
    assert!(logs.acl.get().unwrap().grants.iter().any(|g| g
        .grantee
        .uri
        .as_deref()
        .is_some_and(|u| u.ends_with("/LogDelivery"))));
    let absent = snap
        .collection
        .entries
        .iter()
        .find(|e| {
            e.api == "s3:GetBucketPolicy" && e.target.as_deref() == Some("mercy-cloudtrail-logs")
        })
        .unwrap();
    assert_eq!(absent.status, EntryStatus::Absent);
    assert_eq!(absent.error.as_deref(), Some("NoSuchBucketPolicy"));
    assert_eq!(snap.account_public_access_block, Collected::Known(None));

    // Trails: status and event selectors.
    let trails = snap.trails.get().unwrap();
    let org = trails.iter().find(|t| t.name == "org-trail").unwrap();
    assert_eq!(org.is_multi_region_trail, Some(true));
    assert_eq!(org.log_file_validation_enabled, Some(true));
    assert!(org.status.get().unwrap().is_logging);
    let sel = org.event_selectors.get().unwrap();
    assert_eq!(
        sel.event_selectors[0].data_resources[0].resource_type,
        "AWS::S3::Object"
    );
    let stopped = trails.iter().find(|t| t.name == "stopped-trail").unwrap();
    assert!(!stopped.status.get().unwrap().is_logging);

    // KMS, secrets, Config, alarms, metric filters, SNS.
    let keys = snap.kms_keys.get().unwrap();
    let key = keys
        .iter()
        .find(|k| k.key_id == seeded["kms_key"].as_str().unwrap())
        .unwrap();
    assert_eq!(key.key_state.as_deref(), Some("Enabled"));
    assert!(key.policy.get().unwrap().as_str().contains("kms:*"));
    assert_eq!(key.grants, Collected::Known(Vec::new()));
    let secrets = snap.secrets.get().unwrap();
    assert_eq!(secrets[0].name, "ehr-db-password");
    let config = snap.config.get().unwrap();
    assert_eq!(config.recorders[0].name, "default");
    assert!(config.recorder_status.get().unwrap()[0].recording);
    assert_eq!(
        config.delivery_channels.get().unwrap()[0]
            .s3_bucket_name
            .as_deref(),
        Some("mercy-cloudtrail-logs")
    );
    let topic = seeded["topic"].as_str().unwrap();
    let alarm = &snap.alarms.get().unwrap()[0];
    assert_eq!(alarm.alarm_name, "root-usage");
    assert_eq!(alarm.alarm_actions, [topic]);
    let filter = &snap.metric_filters.get().unwrap()[0];
    assert_eq!(filter.metric_transformations[0].metric_name, "RootUsage");
    let sub = &snap.sns_subscriptions.get().unwrap()[0];
    assert_eq!(
        (sub.topic_arn.as_str(), sub.protocol.as_str()),
        (topic, "email")
    );

    check_identity_center(snap, &seeded["sso"]);
    // moto answers Access Advisor with HTTP 500: failed, recorded, never "no activity".
    let advisor = snap.access_advisor.not_collected().unwrap();
    assert_eq!(advisor.reason, Reason::Failed, "{}", advisor.detail);
    assert!(snap.collection.entries.iter().any(|e| {
        e.api == "iam:GenerateServiceLastAccessedDetails" && e.status == EntryStatus::Failed
    }));
}

/// The seeded Identity Center instance, its permission sets and policies, the account's
/// assignments, and the people they name (the group's member included).
fn check_identity_center(snap: &Snapshot, seeded: &Value) {
    let s = |k: &str| seeded[k].as_str().unwrap().to_string();
    let ic = snap
        .identity_center
        .get()
        .expect("identity center collected");
    assert_eq!(ic.instances.len(), 1);
    assert_eq!(ic.instances[0].instance_arn, s("instance"));
    assert_eq!(ic.instances[0].identity_store_id, s("store"));
    let sets = ic.permission_sets.get().unwrap();
    let by_arn = |arn: String| sets.iter().find(|p| p.permission_set_arn == arn).unwrap();
    let reader = by_arn(s("reader"));
    assert_eq!(reader.name, "phi-reader");
    assert_eq!(reader.description.as_deref(), Some("reads claims"));
    assert_eq!(reader.session_duration.as_deref(), Some("PT2H"));
    let inline = reader.inline_policy.get().unwrap().as_ref().unwrap();
    assert!(inline.as_str().contains("mercy-phi-claims"), "{inline:?}");
    let refs = reader.customer_managed_policy_references.get().unwrap();
    assert_eq!(refs.len(), 1);
    assert_eq!(
        (refs[0].name.as_str(), refs[0].path.as_deref()),
        ("phi-read", Some("/phi/"))
    );
    assert_eq!(reader.attached_managed_policies.get().unwrap().len(), 0);
    let admin = by_arn(s("admin"));
    assert_eq!(admin.inline_policy.get(), Some(&None), "no inline policy");
    let managed = admin.attached_managed_policies.get().unwrap();
    assert_eq!(
        managed[0].policy_arn,
        "arn:aws:iam::aws:policy/AdministratorAccess"
    );
    // moto has no GetPermissionsBoundaryForPermissionSet (HTTP 500): failed, never "none".
    let boundary = admin.permissions_boundary.not_collected().unwrap();
    assert_eq!(boundary.reason, Reason::Failed);
    let assignments = ic.account_assignments.get().unwrap();
    let mut got: Vec<(String, &str, String)> = assignments
        .iter()
        .map(|a| {
            (
                a.permission_set_arn.clone(),
                a.principal_type.as_str(),
                a.principal_id.clone(),
            )
        })
        .collect();
    got.sort();
    let mut want = vec![
        (s("reader"), "GROUP", s("clinicians")),
        (s("admin"), "USER", s("erin")),
    ];
    want.sort();
    assert_eq!(got, want);
    let groups = ic.groups.get().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].display_name.as_deref(), Some("clinicians"));
    assert_eq!(groups[0].members.get().unwrap(), &vec![s("dana")]);
    let users = ic.users.get().unwrap();
    let names: Vec<Option<&str>> = users.iter().map(|u| u.user_name.as_deref()).collect();
    let mut names: Vec<&str> = names.into_iter().flatten().collect();
    names.sort_unstable();
    assert_eq!(names, ["dana", "erin"]);
}

fn check_audit(snap_dir: &Path, home: &Path) {
    let o = phiward(
        &["audit", snap_dir.to_str().unwrap(), "--format", "json"],
        "testing",
        "testing",
        home,
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let failing = |check: &str, who: &str| {
        findings
            .iter()
            .any(|f| f["check"] == check && f["status"] == "fail" && f.to_string().contains(who))
    };
    assert!(
        failing("MFA-001", "bob"),
        "bob has a console password and no MFA"
    );
    assert!(!failing("MFA-001", "alice"));
    assert!(
        failing("LP-011", "vendor-billing"),
        "trust without ExternalId"
    );
}

/// The collected and the imported snapshots agree on what both cover. Differences that
/// are expected are removed first: policy text formatting (compared as JSON), names moto
/// leaves out of the export, what only the collector reads (MFA device serials, key ids,
/// OIDC details, bucket regions), moto's unparsable versioning answer, and delivery times
/// that moto sets to "now" on every call.
fn compare(collected: &Snapshot, imported: &Snapshot) {
    let sections = [
        "iam",
        "saml_providers",
        "password_policy",
        "trails",
        "buckets",
        "account_public_access_block",
        "kms_keys",
        "secrets",
        "config",
        "alarms",
        "metric_filters",
        "sns_subscriptions",
        "organization",
        "identity_center",
    ];
    let a = normalize(serde_json::to_value(collected).unwrap());
    let mut b = normalize(serde_json::to_value(imported).unwrap());
    // moto exports every AWS managed policy; keep those the collector kept.
    let kept: Vec<Value> = a["iam"]["value"]["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Arn"].clone())
        .collect();
    if let Some(list) = b["iam"]["value"]["Policies"].as_array_mut() {
        assert!(list.len() > 100, "moto returns every AWS managed policy");
        list.retain(|p| kept.contains(&p["Arn"]));
    }
    for s in sections {
        assert_eq!(
            a[s], b[s],
            "section `{s}` differs between collect and import"
        );
    }
}

fn normalize(mut v: Value) -> Value {
    walk(&mut v, &mut |key, value| match key {
        // Policy documents: compare the JSON, not its formatting.
        "PolicyDocument" | "AssumeRolePolicyDocument" | "Document" | "Policy" => {
            if let Some(text) = value.as_str() {
                if let Ok(doc) = serde_json::from_str::<Value>(text) {
                    *value = doc;
                }
            }
            if let Some(text) = value.get("value").and_then(Value::as_str) {
                if let Ok(doc) = serde_json::from_str::<Value>(text) {
                    value["value"] = doc;
                }
            }
        }
        "MfaDevices"
        | "AccessKeyId"
        | "Url"
        | "Region"
        | "LatestDeliveryTime"
        | "LatestCloudWatchLogsDeliveryTime" => *value = Value::Null,
        "ClientIDList" => *value = Value::Array(Vec::new()),
        "Versioning" => *value = Value::Null,
        _ => {}
    });
    // A call that failed says so in the collector's words or the CLI's: compare the reason.
    walk(&mut v["identity_center"], &mut |key, value| {
        if key == "detail" {
            *value = Value::Null;
        }
    });
    // moto's export leaves policy names out; the collector takes them from the ARN.
    if let Some(list) = v["iam"]["value"]["Policies"].as_array_mut() {
        for p in list {
            p["PolicyName"] = Value::Null;
        }
    }
    v
}

fn walk(v: &mut Value, f: &mut impl FnMut(&str, &mut Value)) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                f(k, child);
                walk(child, f);
            }
        }
        Value::Array(items) => {
            for child in items {
                walk(child, f);
            }
        }
        _ => {}
    }
}

/// A user allowed the collector policy but denied some calls: those calls are recorded
/// as failed and their parts are not collected; the rest is collected.
fn check_denied(url: &str, tmp: &Path, seeded: &Value) {
    let policy = root().join("docs/collector-policy.json");
    let key: Value = serde_json::from_str(&run_python(&[
        script("restrict.py").to_str().unwrap(),
        url,
        policy.to_str().unwrap(),
        "on",
    ]))
    .unwrap();
    let out = tmp.join("denied");
    let snap = collect(
        url,
        &out,
        &[],
        key["AccessKeyId"].as_str().unwrap(),
        key["SecretAccessKey"].as_str().unwrap(),
        tmp,
    );
    trail_verify::check_denied(
        url,
        tmp,
        key["AccessKeyId"].as_str().unwrap(),
        key["SecretAccessKey"].as_str().unwrap(),
    );
    run_python(&[script("restrict.py").to_str().unwrap(), url, "-", "off"]);

    assert!(snap.iam.is_collected());
    assert!(snap.credential_report.is_collected());
    let buckets = snap.buckets.get().unwrap();
    for b in buckets {
        let why = b.policy.not_collected().expect("bucket policy denied");
        assert_eq!(why.reason, Reason::Failed);
        assert!(why.detail.contains("AccessDenied"), "{}", why.detail);
    }
    let key_id = seeded["kms_key"].as_str().unwrap();
    let kms = snap.kms_keys.get().unwrap();
    let k = kms.iter().find(|k| k.key_id == key_id).unwrap();
    assert_eq!(k.policy.not_collected().unwrap().reason, Reason::Failed);
    for t in snap.trails.get().unwrap() {
        assert_eq!(
            t.event_selectors.not_collected().unwrap().reason,
            Reason::Failed
        );
        assert!(t.status.is_collected());
    }
    let failed: Vec<&str> = snap
        .collection
        .with_status(EntryStatus::Failed)
        .map(|e| e.api.as_str())
        .collect();
    // Identity Center: the permission sets are read under the collector policy, but with
    // the assignments denied nobody is known to hold them: not collected, never "none".
    let ic = snap.identity_center.get().unwrap();
    assert!(ic.permission_sets.is_collected());
    let why = ic.account_assignments.not_collected().unwrap();
    assert_eq!(why.reason, Reason::Failed);
    assert!(why.detail.contains("403"), "{}", why.detail);
    assert!(ic.users.not_collected().is_some());
    assert!(ic.groups.not_collected().is_some());
    for api in [
        "s3:GetBucketPolicy",
        "kms:GetKeyPolicy",
        "cloudtrail:GetEventSelectors",
        "sso:ListAccountAssignments",
    ] {
        assert!(
            failed.contains(&api),
            "{api} not recorded as failed: {failed:?}"
        );
    }
    // Checks reading a denied part say "not evaluated", never "pass".
    let o = phiward(
        &["audit", out.to_str().unwrap(), "--format", "json"],
        "x",
        "x",
        tmp,
    );
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["status"] == "not_evaluated"));
}
