//! Raw-export import on small, hand-made and hostile inputs.

#![expect(clippy::unwrap_used, reason = "tests fail on unexpected errors")]

use std::path::Path;

use base64::Engine;
use phiward_snapshot::{
    load, load_raw_exports, Collected, EntryStatus, Error, Reason, FORMAT_VERSION,
};

struct Export(tempfile::TempDir);

impl Export {
    fn new() -> Self {
        Export(tempfile::tempdir().unwrap())
    }

    fn file(&self, rel: &str, text: &str) -> &Self {
        let p = self.0.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    fn path(&self) -> &Path {
        self.0.path()
    }
}

const USER: &str = r#"{"UserName": "alice", "UserId": "AIDA1", "Arn": "arn:aws:iam::111122223333:user/alice", "Path": "/",
  "CreateDate": "2024-01-02T03:04:05Z", "GroupList": ["g"], "AttachedManagedPolicies": [],
  "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"}]}"#;

const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date\n\
<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-10-30T00:00:00+00:00,true,false,N/A,N/A\n\
alice,arn:aws:iam::111122223333:user/alice,2024-01-02T03:04:05+00:00,true,no_information,false,true,2024-01-02T03:04:05+00:00,N/A\n";

fn auth(users: &str) -> String {
    format!(
        r#"{{"UserDetailList": [{users}], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}}"#
    )
}

#[test]
fn a_minimal_export_reads_and_the_rest_is_not_collected() {
    let e = Export::new();
    e.file("iam/get-account-authorization-details.json", &auth(USER))
        .file("iam/credential-report.csv", REPORT);
    let imp = load_raw_exports(e.path()).unwrap();
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    let s = &imp.snapshot;
    let alice = s.iam.get().unwrap().user("alice").unwrap();
    assert_eq!(
        alice.user_policy_list[0].policy_document.as_str(),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
    );
    let creds = alice.credentials.get().unwrap();
    assert!(creds.password_enabled && !creds.mfa_active);
    assert_eq!(creds.access_keys.len(), 1);
    assert_eq!(s.account.id.as_deref(), Some("111122223333"));
    // Never "collected and empty" for files that are not there.
    for (name, why) in [
        ("trails", s.trails.not_collected()),
        ("buckets", s.buckets.not_collected()),
        ("alarms", s.alarms.not_collected()),
        ("password_policy", s.password_policy.not_collected()),
        ("config", s.config.not_collected()),
    ] {
        let why = why.unwrap_or_else(|| panic!("{name} should not be collected"));
        assert_eq!(why.reason, Reason::Missing, "{name}");
    }
    assert!(s.collection.with_status(EntryStatus::Missing).count() > 5);
}

#[test]
fn a_truncated_file_is_reported_with_line_and_column_and_the_rest_goes_on() {
    let e = Export::new();
    let full = auth(USER);
    e.file(
        "iam/get-account-authorization-details.json",
        &full[..full.len() / 2],
    )
    .file("iam/credential-report.csv", REPORT)
    .file("sns/list-subscriptions.json", r#"{"Subscriptions": []}"#);
    let imp = load_raw_exports(e.path()).unwrap();
    assert_eq!(imp.problems.len(), 1);
    match &imp.problems[0] {
        Error::Json {
            path, line, column, ..
        } => {
            assert!(path.ends_with("iam/get-account-authorization-details.json"));
            assert!(*line >= 1 && *column >= 1);
        }
        other => panic!("{other}"),
    }
    let msg = imp.problems[0].to_string();
    assert!(msg.starts_with('`') && msg.contains("line"), "{msg}");
    let s = &imp.snapshot;
    assert_eq!(s.iam.not_collected().unwrap().reason, Reason::Unreadable);
    assert!(s.credential_report.is_collected());
    assert_eq!(s.sns_subscriptions, Collected::Known(vec![]));
    assert_eq!(s.collection.with_status(EntryStatus::Unreadable).count(), 1);
}

#[test]
fn wrong_types_are_errors_not_panics() {
    let e = Export::new();
    e.file(
        "iam/get-account-authorization-details.json",
        r#"{"UserDetailList": {"UserName": 3}}"#,
    )
    .file(
        "iam/get-account-summary.json",
        r#"{"SummaryMap": {"AccountMFAEnabled": "yes"}}"#,
    )
    .file(
        "cloudtrail/describe-trails.json",
        r#"["not", "an", "object"]"#,
    )
    .file(
        "logs/describe-metric-filters.json",
        r#"{"metricFilters": [{"creationTime": "yesterday"}]}"#,
    )
    .file("iam/get-account-password-policy.json", "null");
    let imp = load_raw_exports(e.path()).unwrap();
    assert_eq!(imp.problems.len(), 5, "{:?}", imp.problems);
    assert!(imp.problems.iter().all(|p| matches!(p, Error::Json { .. })));
}

#[test]
fn concatenated_pages_merge() {
    let e = Export::new();
    let bob = USER.replace("alice", "bob");
    let pages = format!(
        "{}\n{}",
        auth(USER).replacen(
            "\"Policies\": []",
            "\"Policies\": [], \"IsTruncated\": true, \"Marker\": \"m\"",
            1
        ),
        auth(&bob)
    );
    e.file("iam/get-account-authorization-details.json", &pages)
        .file(
            "cloudwatch/describe-alarms.json",
            r#"{"MetricAlarms": [{"AlarmName": "a"}], "NextToken": "t"}{"MetricAlarms": [{"AlarmName": "b"}]}"#,
        );
    let imp = load_raw_exports(e.path()).unwrap();
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    let names: Vec<_> = imp
        .snapshot
        .iam
        .get()
        .unwrap()
        .users
        .iter()
        .map(|u| u.user_name.clone())
        .collect();
    assert_eq!(names, ["alice", "bob"]);
    assert_eq!(imp.snapshot.alarms.get().unwrap().len(), 2);
    // No credential report: users' credentials are unknown, not "no keys".
    let alice = imp
        .snapshot
        .iam
        .get()
        .unwrap()
        .user("alice")
        .unwrap()
        .clone();
    assert!(alice
        .credentials
        .not_collected()
        .unwrap()
        .detail
        .contains("credential report"));
}

#[test]
fn credential_report_json_with_base64_content() {
    let e = Export::new();
    let content = base64::engine::general_purpose::STANDARD.encode(REPORT);
    e.file(
        "iam/get-credential-report.json",
        &format!(r#"{{"Content": "{content}", "ReportFormat": "text/csv", "GeneratedTime": "2026-10-31T23:00:00Z"}}"#),
    );
    let s = load_raw_exports(e.path()).unwrap().snapshot;
    let r = s.credential_report.get().unwrap();
    assert_eq!(r.rows.len(), 2);
    assert!(r.root().is_some());
    assert_eq!(s.as_of, r.generated_time);

    let bad = Export::new();
    bad.file(
        "iam/get-credential-report.json",
        r#"{"Content": "!!!not base64"}"#,
    );
    let imp = load_raw_exports(bad.path()).unwrap();
    assert_eq!(imp.problems.len(), 1);
    assert!(
        imp.problems[0].to_string().contains("base64"),
        "{}",
        imp.problems[0]
    );
    assert_eq!(
        imp.snapshot
            .credential_report
            .not_collected()
            .unwrap()
            .reason,
        Reason::Unreadable
    );
}

#[test]
fn a_truncated_credential_report_names_the_line() {
    let e = Export::new();
    let cut = &REPORT[..REPORT.len() - 30];
    e.file("iam/credential-report.csv", cut);
    let imp = load_raw_exports(e.path()).unwrap();
    assert_eq!(imp.problems.len(), 1);
    let msg = imp.problems[0].to_string();
    assert!(
        msg.contains("credential-report.csv") && msg.contains("line 3"),
        "{msg}"
    );
}

#[test]
fn error_files_tell_absent_from_failed() {
    let e = Export::new();
    e.file("s3/list-buckets.json", r#"{"Buckets": [{"Name": "b1", "CreationDate": 1700000000}]}"#)
        .file(
            "s3/buckets/b1/get-bucket-policy.error",
            "\nAn error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist\n",
        )
        .file(
            "s3/buckets/b1/get-bucket-tagging.error",
            "\nAn error occurred (AccessDenied) when calling the GetBucketTagging operation: Access Denied\n",
        )
        .file("s3/buckets/b1/get-bucket-versioning.json", "")
        .file("iam/get-account-password-policy.error", "An error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy with domain name 111122223333 cannot be found.");
    let imp = load_raw_exports(e.path()).unwrap();
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    let s = &imp.snapshot;
    let b = &s.buckets.get().unwrap()[0];
    assert_eq!(b.policy, Collected::Known(None));
    let tags = b.tags.not_collected().unwrap();
    assert_eq!(tags.reason, Reason::Failed);
    assert!(tags.detail.contains("AccessDenied"));
    assert_eq!(b.versioning.get().unwrap().status, None);
    assert_eq!(b.acl.not_collected().unwrap().reason, Reason::Missing);
    assert!(b.creation_date.is_some());
    assert_eq!(s.password_policy, Collected::Known(None));
}

#[test]
fn empty_files_are_not_empty_accounts() {
    let e = Export::new();
    e.file("iam/get-account-authorization-details.json", "  \n");
    let imp = load_raw_exports(e.path()).unwrap();
    assert_eq!(imp.problems.len(), 1);
    assert!(imp.problems[0].to_string().contains("empty"));
    assert!(!imp.snapshot.iam.is_collected());
}

#[test]
fn hostile_bucket_names_stay_inside_the_export() {
    let e = Export::new();
    e.file("secret.json", r#"{"Policy": "{}"}"#).file(
        "s3/list-buckets.json",
        r#"{"Buckets": [{"Name": "../../.."}, {"Name": "a/b"}]}"#,
    );
    let imp = load_raw_exports(e.path()).unwrap();
    let buckets = imp.snapshot.buckets.get().unwrap();
    assert_eq!(buckets.len(), 2);
    assert!(buckets.iter().all(|b| !b.policy.is_collected()));
}

#[test]
fn byte_order_marks_and_date_spellings() {
    let e = Export::new();
    e.file(
        "cloudtrail/describe-trails.json",
        "\u{feff}{\"trailList\": [{\"Name\": \"t\", \"TrailARN\": \"arn:aws:cloudtrail:us-east-1:111122223333:trail/t\"}]}",
    )
    .file(
        "cloudtrail/trails/t/get-trail-status.json",
        r#"{"IsLogging": false, "StopLoggingTime": "2026-10-30 08:00:00.123+01:00", "LatestDeliveryTime": 1793000000.5}"#,
    );
    let imp = load_raw_exports(e.path()).unwrap();
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    let t = &imp.snapshot.trails.get().unwrap()[0];
    let st = t.status.get().unwrap();
    assert_eq!(
        st.stop_logging_time.unwrap().to_rfc3339(),
        "2026-10-30T07:00:00.123+00:00"
    );
    assert!(st.latest_delivery_time.is_some());
    assert_eq!(
        t.event_selectors.not_collected().unwrap().reason,
        Reason::Missing
    );
}

#[test]
fn folders_that_are_not_exports_are_refused() {
    let e = Export::new();
    e.file("notes.txt", "hello");
    assert!(matches!(load(e.path()), Err(Error::NotASnapshot { .. })));
    assert!(matches!(
        load(&e.path().join("missing")),
        Err(Error::Io { .. })
    ));
}

#[test]
fn size_limit_is_a_clear_error() {
    let e = Export::new();
    e.file("big.json", &"x".repeat(2048));
    let err = phiward_snapshot::io::read_limited(&e.path().join("big.json"), 1024).unwrap_err();
    assert!(matches!(err, Error::TooLarge { limit: 1024, .. }));
    assert!(err.to_string().contains("1024-byte limit"), "{err}");
    assert!(phiward_snapshot::io::read_limited(&e.path().join("big.json"), 4096).is_ok());
}

#[test]
fn newer_snapshots_are_refused_and_older_fields_default() {
    let e = Export::new();
    e.file(
        "snapshot.json",
        &format!(
            r#"{{"format_version": {}, "created": "2026-11-01T00:00:00Z", "source": {{"kind": "collect"}}, "account": {{}}}}"#,
            FORMAT_VERSION + 1
        ),
    );
    assert!(matches!(
        load(e.path()),
        Err(Error::UnsupportedVersion { .. })
    ));
    e.file(
        "snapshot.json",
        r#"{"format_version": 1, "created": "2026-11-01T00:00:00Z", "source": {"kind": "collect"}, "account": {"id": "111122223333"}, "future_section": {}}"#,
    );
    let s = load(e.path()).unwrap().snapshot;
    assert_eq!(s.account.id.as_deref(), Some("111122223333"));
    assert_eq!(s.iam.not_collected().unwrap().reason, Reason::Missing);
}

#[test]
fn garbage_never_panics() {
    let inputs: [&[u8]; 8] = [
        b"",
        b"\xff\xfe\x00garbage",
        b"{",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        b"{\"UserDetailList\": [{\"UserName\": \"x\", \"Arn\": \"y\", \"UserPolicyList\": [{\"PolicyName\": \"p\", \"PolicyDocument\": 5}]}]}",
        b"{\"trailList\": null}",
        b"\"just a string\"",
        b"{}{}{}garbage",
    ];
    for (i, input) in inputs.iter().enumerate() {
        let e = Export::new();
        for rel in [
            "iam/get-account-authorization-details.json",
            "iam/credential-report.csv",
            "cloudtrail/describe-trails.json",
            "s3/list-buckets.json",
            "kms/list-keys.json",
            "organizations/describe-organization.json",
            "configservice/describe-configuration-recorders.json",
        ] {
            let p = e.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, input).unwrap();
        }
        let imp = load_raw_exports(e.path()).unwrap();
        assert!(!imp.problems.is_empty() || i == 6 || i == 5, "input {i}");
    }
}

#[test]
fn identity_center_from_sso_admin_and_identitystore_exports() {
    let e = Export::new();
    let inst = "arn:aws:sso:::instance/ssoins-1111";
    let ps = "arn:aws:sso:::permissionSet/ssoins-1111/ps-2222";
    let d = "sso-admin/instances/ssoins-1111/permission-sets/ps-2222";
    e.file(
        "sso-admin/list-instances.json",
        &format!(r#"{{"Instances": [{{"InstanceArn": "{inst}", "IdentityStoreId": "d-1", "Status": "ACTIVE"}}]}}"#),
    )
    .file(
        "sso-admin/instances/ssoins-1111/list-permission-sets.json",
        &format!(r#"{{"PermissionSets": ["{ps}"]}}"#),
    )
    .file(
        &format!("{d}/describe-permission-set.json"),
        &format!(r#"{{"PermissionSet": {{"Name": "nurses", "PermissionSetArn": "{ps}", "SessionDuration": "PT4H"}}}}"#),
    )
    .file(
        &format!("{d}/get-inline-policy-for-permission-set.json"),
        r#"{"InlinePolicy": ""}"#,
    )
    .file(
        &format!("{d}/list-managed-policies-in-permission-set.json"),
        r#"{"AttachedManagedPolicies": [{"Name": "ReadOnlyAccess", "Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]}"#,
    )
    .file(
        &format!("{d}/list-customer-managed-policy-references-in-permission-set.json"),
        r#"{"CustomerManagedPolicyReferences": [{"Name": "phi-read", "Path": "/"}]}"#,
    )
    .file(
        &format!("{d}/get-permissions-boundary-for-permission-set.error"),
        "An error occurred (ResourceNotFoundException) when calling the GetPermissionsBoundaryForPermissionSet operation: none\n",
    )
    .file(
        &format!("{d}/list-account-assignments.json"),
        &format!(r#"{{"AccountAssignments": [{{"AccountId": "111122223333", "PermissionSetArn": "{ps}", "PrincipalType": "GROUP", "PrincipalId": "g-1"}}]}}"#),
    )
    .file(
        "identitystore/d-1/groups/g-1/describe-group.json",
        r#"{"GroupId": "g-1", "DisplayName": "Nurses", "IdentityStoreId": "d-1"}"#,
    )
    .file(
        "identitystore/d-1/groups/g-1/list-group-memberships.json",
        r#"{"GroupMemberships": [{"IdentityStoreId": "d-1", "GroupId": "g-1", "MemberId": {"UserId": "u-1"}}]}"#,
    );
    let imp = load_raw_exports(e.path()).unwrap();
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    let ic = imp.snapshot.identity_center.get().unwrap();
    assert_eq!(ic.instances[0].identity_store_id, "d-1");
    let set = &ic.permission_sets.get().unwrap()[0];
    assert_eq!(set.name, "nurses");
    assert_eq!(
        set.inline_policy.get(),
        Some(&None),
        "an empty policy is none"
    );
    assert_eq!(
        set.permissions_boundary.get(),
        Some(&None),
        "ResourceNotFoundException means no boundary"
    );
    assert_eq!(
        set.attached_managed_policies.get().unwrap()[0].policy_name,
        "ReadOnlyAccess"
    );
    assert_eq!(
        set.customer_managed_policy_references.get().unwrap()[0].name,
        "phi-read"
    );
    let groups = ic.groups.get().unwrap();
    assert_eq!(groups[0].members.get().unwrap(), &vec!["u-1".to_string()]);
    // The member's user file is missing: the users are unknown, not "nobody".
    assert_eq!(ic.users.not_collected().unwrap().reason, Reason::Missing);

    // The member's file written: known.
    e.file(
        "identitystore/d-1/users/u-1/describe-user.json",
        r#"{"UserId": "u-1", "UserName": "nurse.ana", "IdentityStoreId": "d-1"}"#,
    );
    let imp = load_raw_exports(e.path()).unwrap();
    let ic = imp.snapshot.identity_center.get().unwrap();
    let users = ic.users.get().unwrap();
    assert_eq!(users[0].user_name.as_deref(), Some("nurse.ana"));
}

#[test]
fn identity_center_absent_or_denied_is_never_read_as_federated() {
    // No export: unknown.
    let e = Export::new();
    e.file("iam/get-account-authorization-details.json", &auth(USER));
    let s = load_raw_exports(e.path()).unwrap().snapshot;
    assert_eq!(
        s.identity_center.not_collected().unwrap().reason,
        Reason::Missing
    );
    // Denied: unknown, with the CLI's error.
    e.file(
        "sso-admin/list-instances.error",
        "An error occurred (AccessDeniedException) when calling the ListInstances operation: no\n",
    );
    let s = load_raw_exports(e.path()).unwrap().snapshot;
    let why = s.identity_center.not_collected().unwrap();
    assert_eq!(why.reason, Reason::Failed);
    assert!(
        why.detail.contains("AccessDeniedException"),
        "{}",
        why.detail
    );
    // Not enabled (or a member account): collected, with no instance.
    e.file("sso-admin/list-instances.json", r#"{"Instances": []}"#);
    let s = load_raw_exports(e.path()).unwrap().snapshot;
    assert!(s.identity_center.get().unwrap().instances.is_empty());
}
