use phiward_access::decide_as;
use phiward_report::{Finding, Severity, Status};

use crate::{per_log_bucket, fact, statements, Audit, Meta};

check! {
    /// What: each bucket a trail or the AWS Config channel writes to: the engine decides an
    /// anonymous `s3:GetObject` and `s3:ListBucket` with the bucket policy, the ACL grants to
    /// `AllUsers`/`AuthenticatedUsers` are read, and server access logging must be on.
    /// Why: audit logs name every principal and PHI store; public logs are a map for an
    /// attacker, and access to the logs must itself be logged (164.312(b), 164.312(c)(1));
    /// CIS 3.3 and 3.4 (formerly 2.1.x).
    /// Fix: remove public grants, turn on the bucket's public access block, and enable server
    /// access logging to another bucket.
    pub static CHECK = Meta {
        id: "LOG-005",
        title: "Log buckets are private and access-logged",
        severity: Severity::High,
        practice: 5,
        hipaa: &["164.312(b)", "164.312(c)(1)"],
        cis: Some("3.4"),
        remediation: "block public access on the log bucket and enable server access logging: aws s3api put-bucket-logging --bucket BUCKET --bucket-logging-status ...",
    },
    run
}

const PUBLIC_GROUPS: [&str; 2] = [
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    per_log_bucket(m, a, |b, arn, from| {
        let name = &b.name;
        let public_policy = decide_as(
            a.access,
            "anonymous",
            "s3:GetObject",
            &format!("{arn}/x"),
            &[],
            &[],
        )
        .or_else(|| decide_as(a.access, "anonymous", "s3:ListBucket", arn, &[], &[]));
        let acl_public: Vec<String> = b
            .acl
            .get()
            .map(|acl| {
                acl.grants
                    .iter()
                    .filter(|g| {
                        g.grantee
                            .uri
                            .as_deref()
                            .is_some_and(|u| PUBLIC_GROUPS.contains(&u))
                    })
                    .map(|g| {
                        format!(
                            "{} to {}",
                            g.permission,
                            g.grantee.uri.as_deref().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let logged = b.logging.get().map(|l| l.is_some());
        let mut problems = Vec::new();
        if let Some(d) = &public_policy {
            problems.push(format!(
                "its policy lets anyone read it{}",
                crate::conditions::when(d.reach, &d.conditions)
            ));
        }
        if !acl_public.is_empty() {
            problems.push(format!("its ACL grants {}", acl_public.join(", ")));
        }
        // A policy or ACL that was not collected may be the public one: unknown, not private.
        if b.policy.get().is_none() {
            problems.push("its policy was not collected".to_string());
        }
        if b.acl.get().is_none() {
            problems.push("its ACL was not collected".to_string());
        }
        match logged {
            Some(false) => problems.push("server access logging is off".to_string()),
            None => problems.push("its logging configuration was not collected".to_string()),
            Some(true) => {}
        }
        let definite = public_policy.is_some() || !acl_public.is_empty() || logged == Some(false);
        let mut f = if problems.is_empty() {
            m.finding(
                Status::Pass,
                arn,
                format!("log bucket `{name}` ({from}) is private and access-logged"),
            )
        } else if !definite {
            m.finding(
                Status::NotEvaluated,
                arn,
                format!("log bucket `{name}`: {}", problems.join("; ")),
            )
        } else {
            m.finding(
                Status::Fail,
                arn,
                format!("log bucket `{name}` ({from}): {}", problems.join("; ")),
            )
        };
        if let Some(d) = public_policy {
            f.evidence = statements(&d.via, "allows anonymous reads");
            f.evidence
                .extend(crate::conditions::evidence(&d.conditions, ""));
        }
        f.evidence.push(fact(
            "s3api get-bucket-logging",
            format!(
                "logging enabled {}",
                logged.map_or("not collected".into(), |l| l.to_string())
            ),
        ));
        f
    })
}
