use phiward_access::decide_as;
use phiward_policy::document::{PrincipalId, PrincipalSpec};
use phiward_policy::Policy;
use phiward_report::{Finding, Severity, Status};

use crate::{statements, Audit, Meta};

check! {
    /// What: each bucket and KMS key policy that lets an AWS service principal
    /// (`cloudtrail.amazonaws.com`, `config.amazonaws.com`, `logging.s3.amazonaws.com`, ...)
    /// write or use the resource, and each role trust policy that lets a service principal
    /// call `sts:AssumeRole`. The engine decides the service's request with `aws:SourceArn`,
    /// `aws:SourceAccount`, `aws:SourceOrgID` and `aws:SourceOrgPaths` absent; if it is still
    /// allowed, the service would act for any customer who points it at the resource or role.
    /// Service-linked roles (path `/aws-service-role/`) are skipped: AWS writes their trust
    /// policies and they cannot be edited. Roles trusting `ec2.amazonaws.com` pass: EC2 sends
    /// none of these keys when it assumes an instance profile's role, and only a principal
    /// of the role's own account can hand the role to an instance (`iam:PassRole`).
    /// Lambda execution roles are checked like any other service role: the Lambda Developer
    /// Guide documents these keys for execution-role trust policies.
    /// Why: the confused-deputy problem (IAM User Guide, "The confused deputy problem" and its
    /// "Cross-service confused deputy prevention") lets another account's trail or Config
    /// recorder write into (or read through) your bucket or key, or make a service act as
    /// your role (164.312(c)(1), 164.308(a)(4)(ii)(B)).
    /// Example: a role `etl-runner` trusting `glue.amazonaws.com` for `sts:AssumeRole` with
    /// no condition fails; the same statement with
    /// `"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}` passes.
    /// Fix: add `StringEquals` on `aws:SourceAccount` or `ArnLike` on `aws:SourceArn` to the
    /// statement granting the service.
    pub static CHECK = Meta {
        id: "LP-014",
        title: "Service principals are bound to their source",
        severity: Severity::Medium,
        practice: 2,
        hipaa: &["164.312(c)(1)", "164.308(a)(4)(ii)(B)"],
        cis: None,
        remediation: "add \"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": \"ACCOUNT\"}} (or ArnLike aws:SourceArn) to the statement granting the service",
    },
    run
}

/// The keys AWS names for cross-service confused deputy prevention.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention>
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
    let stores = a.snapshot.buckets.get().is_some() || a.snapshot.kms_keys.get().is_some();
    let roles = a.snapshot.iam.get().is_some();
    if !stores && !roles {
        return vec![m.not_evaluated(a, "S3 buckets, KMS keys and IAM roles")];
    }
    let mut out = resource_policies(m, a);
    out.extend(trust_policies(m, a));
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no bucket, key or role trust policy grants a service principal",
        ));
    }
    if !roles {
        out.push(m.not_evaluated(a, "IAM (role trust policies)"));
    } else if !stores {
        out.push(m.not_evaluated(a, "S3 buckets and KMS keys"));
    }
    out
}

/// The objects of bucket `arn` a service's request is decided on: one at its root, and
/// one under each object pattern its policy names, wildcards filled in. CloudTrail and AWS
/// Config write under `AWSLogs/ACCOUNT/`, and their bucket policies grant only that prefix
/// (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html>):
/// an object at the root would miss the grant.
fn probe_objects(policy: &Policy, arn: &str) -> Vec<String> {
    let prefix = format!("{arn}/");
    let mut out = vec![format!("{arn}/phiward-probe")];
    let patterns = policy
        .statements
        .iter()
        .filter_map(|s| s.resource.as_ref().filter(|r| !r.negated))
        .flat_map(|r| &r.list.items)
        .filter(|p| p.starts_with(&prefix) && !p.contains("${"));
    for p in patterns {
        let object = p.replace('*', "phiward-probe").replace('?', "x");
        if !out.contains(&object) {
            out.push(object);
        }
    }
    out
}

fn resource_policies(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
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
        let objects = probe_objects(&policy.policy, &r.arn);
        for svc in services(&policy.policy) {
            let hit = probes.iter().find_map(|(action, object)| {
                let targets = if *object {
                    objects.as_slice()
                } else {
                    std::slice::from_ref(&r.arn)
                };
                targets.iter().find_map(|target| {
                    decide_as(a.access, &svc, action, target, &[], &SOURCE_KEYS)
                        .map(|d| (*action, d))
                })
            });
            out.push(judge(m, &r.arn, &r.place, &svc, hit));
        }
    }
    out
}

/// EC2 assumes an instance profile's role for the instance without `aws:SourceArn` or
/// `aws:SourceAccount`: those keys are present only when a service principal calls on
/// behalf of a resource whose configuration triggers the request
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn>),
/// and the role reaches an instance only through `iam:PassRole` by a principal of the
/// role's own account
/// (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html>).
/// The same false positive was reported against Prowler's confused-deputy check for EC2
/// instance roles (<https://github.com/prowler-cloud/prowler/issues/2810>), the thread
/// quoting AWS that IAM roles cannot be passed across accounts. Lambda, by contrast,
/// documents these keys for execution-role trust policies
/// (<https://docs.aws.amazon.com/lambda/latest/dg/permissions-managed-policies.html>), so
/// it is checked.
const NO_SOURCE_KEYS: [&str; 1] = ["ec2.amazonaws.com"];

/// Role trust policies letting a service principal `sts:AssumeRole`.
/// Service-linked roles are AWS's: their trust policy cannot be edited
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html>).
fn trust_policies(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in a.access.resources.iter().filter(|r| r.trust) {
        let Some(policy) = &r.policy else { continue };
        if a.access.principal(&r.arn).is_some_and(|p| p.service_linked) {
            continue;
        }
        for svc in services(&policy.policy) {
            let act = "sts:AssumeRole";
            if NO_SOURCE_KEYS.contains(&svc.as_str()) {
                if decide_as(a.access, &svc, act, &r.arn, &[], &[]).is_some() {
                    let mut f = m.finding(
                        Status::Pass,
                        &r.arn,
                        format!(
                            "{} trusts `{svc}`, which sends no source keys; only this account can pass the role to an instance",
                            r.place
                        ),
                    );
                    f.principal = Some(svc.clone());
                    out.push(f);
                }
                continue;
            }
            let hit = decide_as(a.access, &svc, act, &r.arn, &[], &SOURCE_KEYS).map(|d| (act, d));
            if hit.is_none() && decide_as(a.access, &svc, act, &r.arn, &[], &[]).is_none() {
                // The service is named, but not for sts:AssumeRole (or only denied).
                continue;
            }
            out.push(judge(m, &r.arn, &r.place, &svc, hit));
        }
    }
    out
}

fn judge(
    m: &Meta,
    arn: &str,
    place: &str,
    svc: &str,
    hit: Option<(&str, phiward_access::Decided)>,
) -> Finding {
    let mut f = match hit {
        Some((action, d)) => {
            let mut f = m.finding(
                Status::Fail,
                arn,
                format!(
                    "{place} lets `{svc}` call {action} without aws:SourceArn or aws:SourceAccount{}",
                    crate::conditions::when(d.reach, &d.conditions)
                ),
            );
            f.evidence = statements(&d.via, &format!("allows {svc} {action} from any source"));
            f.evidence
                .extend(crate::conditions::evidence(&d.conditions, ""));
            f
        }
        None => m.finding(
            Status::Pass,
            arn,
            format!("{place} binds `{svc}` to its source"),
        ),
    };
    f.principal = Some(svc.to_string());
    f
}
