use phiward_report::{Evidence, Finding, Severity, Status};

use rayon::prelude::*;

use crate::probe::{parse_identity, policy_allows, ANY_ACTION};
use crate::{listed, Audit, Meta};

check! {
    /// What: each customer-written identity policy (inline, or the default version of a
    /// customer managed policy) that allows a whole service (`s3:*`, `kms:*`, ...) on
    /// `Resource: "*"`. The engine decides it: the policy must allow, on `*`, an action of
    /// the service that no AWS action is named, which only `SERVICE:*` (or an `Allow` with
    /// `NotAction` that spares the service) grants. Full `*:*` grants are LP-001's.
    /// Why: a service-wide grant on every resource gives reach to every PHI store of that
    /// service, present and future (164.308(a)(4)(ii)(B), 164.502(b) minimum necessary).
    /// Fix: list the actions the workload uses on the resources it uses (`phiward trail
    /// policy` writes them from CloudTrail).
    pub static CHECK = Meta {
        id: "LP-002",
        title: "No service-wide wildcards on every resource",
        severity: Severity::High,
        practice: 2,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.312(a)(1)"],
        cis: None,
        remediation:
                "replace `SERVICE:*` on `*` with the actions and resource ARNs the principal uses",
    },
    run
}

/// Service prefixes written before `:*` in a document: the candidates the engine decides.
fn candidates(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .match_indices(":*\"")
        .filter_map(|(i, _)| {
            let head = text.get(..i)?;
            let start = head.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))? + 1;
            let svc = head.get(start..)?;
            (!svc.is_empty()).then(|| svc.to_ascii_lowercase())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(iam) = a.snapshot.iam.get() else {
        return vec![m.not_evaluated(a, "IAM")];
    };
    let account = a.snapshot.account.id.as_deref().unwrap_or("123456789012");
    let docs = phiward_snapshot::policies::identity_documents(iam);
    let found: Vec<(Vec<String>, Vec<Evidence>)> = docs
        .par_iter()
        .map(|d| {
            let (source, text) = (&d.key, d.text);
            let mut evidence = Vec::new();
            let mut services = Vec::new();
            let Some(policy) = parse_identity(text) else {
                return (services, evidence);
            };
            // Full `*:*` grants are LP-001's; an `Allow` with `NotAction` that spares IAM
            // is not, and grants each other service whole (LP-010 reports its form).
            if !policy_allows(&policy, account, ANY_ACTION, "*").is_empty()
                && !policy_allows(&policy, account, "iam:PutUserPolicy", "*").is_empty()
            {
                return (services, evidence);
            }
            for svc in candidates(text) {
                let probe = format!("{svc}:PhiwardProbeNoSuchAction");
                let hits = policy_allows(&policy, account, &probe, "*");
                if hits.is_empty() {
                    continue;
                }
                services.push(format!("{svc}:*"));
                evidence.extend(hits.into_iter().map(|(statement, line)| Evidence {
                    source: source.clone(),
                    statement: Some(statement),
                    line: Some(line),
                    detail: format!("allows {svc}:* on *"),
                }));
            }
            (services, evidence)
        })
        .collect();
    let mut out = Vec::new();
    for (d, (services, evidence)) in docs.into_iter().zip(found) {
        let (place, source, holders) = (d.place, d.key, d.holders);
        if services.is_empty() {
            continue;
        }
        let who = if holders.is_empty() {
            "nobody yet".to_string()
        } else {
            listed(&holders)
        };
        let mut f = m.finding(
            Status::Fail,
            &source,
            format!(
                "{place} allows {} on every resource (held by {who})",
                services.join(", ")
            ),
        );
        f.evidence = evidence;
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no customer policy grants a whole service on every resource",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn candidates_are_the_prefixes_before_a_wildcard() {
        let t = r#"{"Action": ["s3:*", "kms:Get*", "ec2:*"], "NotAction": "iam:*"}"#;
        assert_eq!(super::candidates(t), ["ec2", "iam", "s3"]);
    }
}
