use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: each trail without `KmsKeyId` (SSE-KMS of the delivered log files).
    /// Why: CloudTrail logs hold who touched which PHI store; encrypting them with a customer
    /// key adds a key policy between the logs and everyone who can read the bucket
    /// (164.312(a)(2)(iv), 164.312(b)); CIS 3.5.
    /// Fix: `aws cloudtrail update-trail --name TRAIL --kms-key-id KEY`.
    pub static CHECK = Meta {
        id: "LOG-003",
        title: "Trail logs are encrypted with KMS",
        severity: Severity::Medium,
        practice: 5,
        hipaa: &["164.312(a)(2)(iv)", "164.312(b)"],
        cis: Some("3.5"),
        remediation: "aws cloudtrail update-trail --name TRAIL --kms-key-id KEY (the key policy must let cloudtrail.amazonaws.com encrypt)",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(trails) = a.snapshot.trails.get() else {
        return vec![m.not_evaluated(a, "CloudTrail")];
    };
    let mut out: Vec<Finding> = trails
        .iter()
        .map(|t| {
            let mut f = match &t.kms_key_id {
                Some(k) => {
                    let mut f = m.finding(
                        Status::Pass,
                        &t.trail_arn,
                        format!("trail `{}` encrypts its logs with KMS", t.name),
                    );
                    f.evidence
                        .push(fact("cloudtrail describe-trails", format!("KmsKeyId {k}")));
                    f
                }
                None => m.finding(
                    Status::Fail,
                    &t.trail_arn,
                    format!("trail `{}` does not encrypt its logs with KMS", t.name),
                ),
            };
            f.evidence.retain(|e| !e.detail.is_empty());
            f
        })
        .collect();
    if out.is_empty() {
        out.push(m.finding(
            Status::Fail,
            a.account_resource(),
            "the account has no trail",
        ));
    }
    out
}
