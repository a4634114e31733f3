use phiward_access::{decide_as, who_can};
use phiward_report::{Finding, Severity, Status};

use crate::{fact, grants_evidence, listed, per_log_bucket, Audit, Meta};

check! {
    /// What: each bucket a trail or the AWS Config delivery channel writes to. The engine
    /// decides who may put or delete log objects or change the bucket's policy, lifecycle or
    /// versioning, with identity policies, boundaries, SCPs and the bucket policy; anyone but
    /// the administrators, the logging services (CloudTrail, Config, log delivery) and the
    /// Config recorder's role fails. Deletion must need MFA: MFA delete on versioning, Object
    /// Lock, or a bucket policy that denies `s3:DeleteObject` without
    /// `aws:MultiFactorAuthPresent` (decided by the engine with the key absent).
    /// Why: logs that their subjects can rewrite prove nothing (164.312(b), 164.312(c)(1));
    /// CIS 3.3 and 3.6 ask the same of the CloudTrail bucket.
    /// Fix: remove write and delete grants on the log bucket from everyone but the logging
    /// services, and enable MFA delete or Object Lock.
    pub static CHECK = Meta {
        id: "LOG-004",
        title: "Log buckets are written only by the logging services; deletion needs MFA",
        severity: Severity::High,
        practice: 5,
        hipaa: &["164.312(b)", "164.312(c)(1)", "164.308(a)(1)(ii)(D)"],
        cis: Some("3.3"),
        remediation: "grant s3:PutObject on the log bucket only to the logging services, remove delete and policy grants from non-administrators, and enable MFA delete or Object Lock",
    },
    run
}

const OBJECT_ACTIONS: [&str; 3] = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"];
const BUCKET_ACTIONS: [&str; 5] = [
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
    "s3:DeleteBucket",
];
const LOGGING_SERVICES: [&str; 4] = [
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "delivery.logs.amazonaws.com",
    "logging.s3.amazonaws.com",
];

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let mut allowed = a.trusted_arns();
    let recorder_roles: Vec<String> = a
        .snapshot
        .config
        .get()
        .map(|c| {
            c.recorders
                .iter()
                .filter_map(|r| r.role_arn.clone())
                .collect()
        })
        .unwrap_or_default();
    allowed.extend(recorder_roles.iter().map(String::as_str));
    allowed.extend(LOGGING_SERVICES);
    let account = a.snapshot.account.id.as_deref().unwrap_or("123456789012");
    per_log_bucket(m, a, |b, arn, from| {
        let name = &b.name;
        let object = format!("{arn}/AWSLogs/{account}/phiward-probe.json.gz");
        let list = |acts: &[&str]| acts.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        let mut writers = who_can(a.access, "s3:Put*", &list(&OBJECT_ACTIONS), &object).principals;
        writers.extend(who_can(a.access, "s3:Put*", &list(&BUCKET_ACTIONS), arn).principals);
        writers.retain(|g| !allowed.contains(g.arn.as_str()));
        let mfa_delete = b
            .versioning
            .get()
            .is_some_and(|v| v.mfa_delete.as_deref() == Some("Enabled"));
        let locked = b.object_lock.get().is_some_and(|l| {
            l.as_ref()
                .is_some_and(|l| l.object_lock_enabled.as_deref() == Some("Enabled"))
        });
        let policy_mfa = decide_as(
            a.access,
            &format!("arn:aws:iam::{account}:user/phiward-probe"),
            "s3:DeleteObject",
            &object,
            &[],
            &["aws:MultiFactorAuthPresent"],
        )
        .is_none();
        let delete_needs_mfa = mfa_delete || locked || policy_mfa;
        let mut problems = Vec::new();
        if !writers.is_empty() {
            let mut names: Vec<String> = writers
                .iter()
                .map(|g| {
                    format!(
                        "{}{}",
                        g.arn,
                        crate::conditions::in_parens(g.access, &g.conditions)
                    )
                })
                .collect();
            names.sort_unstable();
            names.dedup();
            problems.push(format!(
                "writable by {} principals: {}",
                names.len(),
                listed(&names)
            ));
        }
        if !delete_needs_mfa {
            problems.push("deleting logs does not need MFA".to_string());
        }
        let mut f = if problems.is_empty() {
            m.finding(
                Status::Pass,
                arn,
                format!("log bucket `{name}` ({from}) is written only by the logging services and deletion needs MFA"),
            )
        } else {
            m.finding(
                Status::Fail,
                arn,
                format!("log bucket `{name}` ({from}): {}", problems.join("; ")),
            )
        };
        f.evidence.extend(grants_evidence(
            writers.iter().map(|g| {
                let detail = format!(
                    "allows {} to {}{}",
                    g.arn,
                    g.actions.join(", "),
                    crate::conditions::when(g.access, &g.conditions)
                );
                (g.via.as_slice(), detail)
            }),
            &format!("phiward who-can 's3:Put*' {object} --snapshot SNAPSHOT"),
        ));
        f.evidence.push(fact(
            "s3api get-bucket-versioning / get-object-lock-configuration",
            format!("MFADelete {mfa_delete}, Object Lock {locked}, policy denies deletion without MFA {policy_mfa}"),
        ));
        f
    })
}
