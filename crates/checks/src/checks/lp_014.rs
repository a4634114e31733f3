//! LP-014: resource policies name the source of a service principal's requests.
//!
//! What: each bucket and KMS key policy that lets an AWS service principal
//! (`cloudtrail.amazonaws.com`, `config.amazonaws.com`, `logging.s3.amazonaws.com`, ...)
//! write or use the resource. The engine decides the service's request with
//! `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` and `aws:SourceOrgPaths`
//! absent; if it is still allowed, the service would act for any customer who points it
//! at the resource.
//! Why: the confused-deputy problem lets another account's trail or Config recorder write
//! into (or read through) your bucket or key (164.312(c)(1), 164.308(a)(4)(ii)(B)).
//! Fix: add `StringEquals` on `aws:SourceAccount` or `ArnLike` on `aws:SourceArn` to the
//! statement granting the service.

use phiward_access::decide_as;
use phiward_policy::document::{PrincipalId, PrincipalSpec};
use phiward_policy::Policy;
use phiward_report::{Finding, Severity, Status};

use crate::{statements, Audit, Check, Meta};

pub static CHECK: Check = Check {
    meta: Meta {
        id: "LP-014",
        title: "Service principals are bound to their source",
        severity: Severity::Medium,
        practice: 2,
        hipaa: &["164.312(c)(1)", "164.308(a)(4)(ii)(B)"],
        cis: None,
        source: include_str!("lp_014.rs"),
        remediation: "add \"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": \"ACCOUNT\"}} (or ArnLike aws:SourceArn) to the statement granting the service",
    },
    run,
};

const SOURCE_KEYS: [&str; 4] = [
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

/// Service principals a policy names: candidates the engine then decides.
fn services(policy: &Policy) -> Vec<String> {
    let mut out: Vec<String> = policy
        .statements
        .iter()
        .filter_map(|s| s.principal.as_ref())
        .filter(|p| !p.negated)
        .filter_map(|p| match &p.spec {
            PrincipalSpec::Map(entries) => Some(entries),
            PrincipalSpec::Wildcard => None,
        })
        .flatten()
        .flat_map(|e| &e.ids)
        .filter_map(|id| match id {
            PrincipalId::Service(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.buckets.get().is_none() && a.snapshot.kms_keys.get().is_none() {
        return vec![m.not_evaluated(a, "S3 buckets and KMS keys")];
    }
    let mut out = Vec::new();
    for r in a.access.resources.iter().filter(|r| !r.trust) {
        let Some(policy) = &r.policy else { continue };
        let probes: &[(&str, bool)] = if r.arn.starts_with("arn:aws:s3:::") {
            &[
                ("s3:PutObject", true),
                ("s3:GetObject", true),
                ("s3:GetBucketAcl", false),
            ]
        } else if r.arn.contains(":kms:") {
            &[("kms:GenerateDataKey", false), ("kms:Decrypt", false)]
        } else {
            continue;
        };
        for svc in services(&policy.policy) {
            let hit = probes.iter().find_map(|(action, object)| {
                let target = if *object {
                    format!("{}/phiward-probe", r.arn)
                } else {
                    r.arn.clone()
                };
                decide_as(a.access, &svc, action, &target, &[], &SOURCE_KEYS).map(|d| (*action, d))
            });
            let mut f = match hit {
                Some((action, d)) => {
                    let mut f = m.finding(
                        Status::Fail,
                        &r.arn,
                        format!(
                            "{} lets `{svc}` call {action} without aws:SourceArn or aws:SourceAccount",
                            r.place
                        ),
                    );
                    f.evidence =
                        statements(&d.via, &format!("allows {svc} {action} from any source"));
                    f
                }
                None => m.finding(
                    Status::Pass,
                    &r.arn,
                    format!("{} binds `{svc}` to its source", r.place),
                ),
            };
            f.principal = Some(svc.clone());
            out.push(f);
        }
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no bucket or key policy grants a service principal",
        ));
    }
    out
}
