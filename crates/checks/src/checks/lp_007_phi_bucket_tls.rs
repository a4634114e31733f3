use phiward_access::decide_as;
use phiward_report::{Finding, Severity, Status};

use crate::{per_phi_bucket, statements, Audit, Meta};

check! {
    /// What: for each bucket tagged `data-classification=phi`, the engine decides
    /// `s3:GetObject` on its objects for a principal whose own policies allow everything, with
    /// `aws:SecureTransport` = `false` and every other key unknown: the bucket policy must deny
    /// it.
    /// Why: transmission security (164.312(e)(1)) requires encryption in transit; only a
    /// bucket-policy deny on `aws:SecureTransport` enforces it for every caller. CIS 2.1.1.
    /// Fix: add `{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [bucket,
    /// bucket/*], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`.
    pub static CHECK = Meta {
        id: "LP-007",
        title: "PHI buckets deny requests without TLS",
        severity: Severity::High,
        practice: 2,
        hipaa: &["164.312(e)(1)", "164.312(e)(2)(ii)"],
        cis: Some("2.1.1"),
        remediation: "add a bucket-policy statement denying s3:* to Principal \"*\" when aws:SecureTransport is false",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let account = a
        .snapshot
        .account
        .id
        .clone()
        .unwrap_or_else(|| "000000000000".into());
    let caller = format!("arn:aws:iam::{account}:role/phiward-probe");
    per_phi_bucket(m, a, |b, arn| {
        let object = format!("{arn}/*");
        let known = [("aws:SecureTransport", "false")];
        match decide_as(a.access, &caller, "s3:GetObject", &object, &known, &[]) {
            None => m.finding(
                Status::Pass,
                arn,
                format!("PHI bucket `{}` denies requests without TLS", b.name),
            ),
            Some(d) => {
                let mut f = m.finding(
                    Status::Fail,
                    arn,
                    format!(
                        "PHI bucket `{}` does not deny requests without TLS{}",
                        b.name,
                        crate::conditions::when(d.reach, &d.conditions)
                    ),
                );
                f.evidence = statements(&d.via, "a request without TLS is still allowed");
                f.evidence
                    .extend(crate::conditions::evidence(&d.conditions, ""));
                f
            }
        }
    })
}
