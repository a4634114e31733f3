use phiward_access::{decide_as, PrincipalType};
use phiward_report::{Finding, Severity, Status};

use crate::{statements, Audit, Meta};

check! {
    /// What: each role whose trust policy lets an OIDC provider of the account (GitHub
    /// Actions, GitLab, Terraform Cloud, EKS, ...) call `sts:AssumeRoleWithWebIdentity`. The
    /// engine decides the trust policy twice: with the provider's `sub` key absent, and with
    /// the subject of a repository of a stranger (`repo:phiward-probe-stranger/...`); if
    /// either is allowed, any workload of the provider's other customers can become the role.
    /// Why: without a `sub` condition every GitHub repository in the world can assume the
    /// role (164.312(d), 164.308(a)(4)(ii)(B)).
    /// Fix: add `StringEquals`/`StringLike` on `PROVIDER:sub` naming your organization,
    /// repository and branch or environment.
    pub static CHECK = Meta {
        id: "LP-013",
        title: "OIDC trust checks the subject",
        severity: Severity::Critical,
        practice: 2,
        hipaa: &["164.312(d)", "164.308(a)(4)(ii)(B)"],
        cis: None,
        remediation: "add a condition on PROVIDER:sub naming your organization, repository and branch (e.g. repo:ORG/REPO:ref:refs/heads/main)",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(providers) = a.snapshot.oidc_providers.get() else {
        return vec![m.not_evaluated(a, "OIDC providers")];
    };
    let mut out = Vec::new();
    for prov in providers {
        let host = prov.url.clone().unwrap_or_else(|| {
            prov.arn
                .split("oidc-provider/")
                .nth(1)
                .unwrap_or("")
                .to_string()
        });
        let host = host.trim_start_matches("https://").to_string();
        let sub = format!("{host}:sub");
        for role in a
            .access
            .principals
            .iter()
            .filter(|p| p.kind == PrincipalType::Role && !p.service_linked)
        {
            let act = "sts:AssumeRoleWithWebIdentity";
            let absent = decide_as(a.access, &prov.arn, act, &role.arn, &[], &[&sub]);
            let stranger_sub = "repo:phiward-probe-stranger/any:ref:refs/heads/main";
            let stranger = decide_as(
                a.access,
                &prov.arn,
                act,
                &role.arn,
                &[(&sub, stranger_sub)],
                &[],
            );
            let trusts = absent.is_some()
                || stranger.is_some()
                || decide_as(a.access, &prov.arn, act, &role.arn, &[], &[]).is_some();
            if !trusts {
                continue;
            }
            let mut f = match absent.or(stranger) {
                Some(d) => {
                    let mut f = m.finding(
                        Status::Fail,
                        &role.arn,
                        format!(
                            "role `{}` can be assumed through `{host}` by any subject (its trust policy does not restrict `{sub}`){}",
                            role.name,
                            crate::conditions::when(d.reach, &d.conditions)
                        ),
                    );
                    f.evidence =
                        statements(&d.via, "trusts the provider without a subject condition");
                    f.evidence
                        .extend(crate::conditions::evidence(&d.conditions, ""));
                    f
                }
                None => m.finding(
                    Status::Pass,
                    &role.arn,
                    format!(
                        "role `{}` trusts `{host}` only for named subjects",
                        role.name
                    ),
                ),
            };
            f.principal = Some(role.arn.clone());
            out.push(f);
        }
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no role trusts an OIDC provider",
        ));
    }
    out
}
