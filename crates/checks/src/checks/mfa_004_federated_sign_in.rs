use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: whether the account has a SAML provider, an OIDC provider for people (not a CI
    /// service such as GitHub Actions), or IAM Identity Center, while IAM users with console
    /// passwords exist.
    /// Why: federation puts sign-in, MFA and termination in the organization's directory
    /// (AD/ADFS, Okta, Entra ID), so leaving staff lose AWS access with their account
    /// (164.308(a)(3)(ii)(C), 164.312(a)(2)(i), 164.312(d)).
    /// Fix: federate sign-in through Identity Center or a SAML provider, then remove IAM
    /// users' console passwords.
    pub static CHECK = Meta {
        id: "MFA-004",
        title: "Sign-in is federated",
        severity: Severity::Medium,
        practice: 3,
        hipaa: &["164.312(a)(2)(i)", "164.312(d)", "164.308(a)(3)(ii)(C)"],
        cis: None,
        remediation: "federate sign-in through IAM Identity Center or a SAML provider backed by the organization's directory",
    },
    run
}

/// OIDC providers used by machines, not people.
const MACHINE_OIDC: [&str; 5] = [
    "token.actions.githubusercontent.com",
    "gitlab.com",
    "app.terraform.io",
    "oidc.eks.",
    "oidc.circleci.com",
];

/// A count, or that the list was not collected.
fn counted(n: Option<usize>) -> String {
    n.map_or("not collected".into(), |n| n.to_string())
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(report) = a.snapshot.credential_report.get() else {
        return vec![m.not_evaluated(a, "the credential report")];
    };
    let humans = report
        .rows
        .iter()
        .filter(|r| r.user != "<root_account>" && r.password_enabled.get() == Some(true))
        .count();
    let saml = a.snapshot.saml_providers.get().map(Vec::len);
    let oidc = a.snapshot.oidc_providers.get().map(|ps| {
        ps.iter()
            .filter(|p| !MACHINE_OIDC.iter().any(|x| p.arn.contains(x)))
            .count()
    });
    let sso = a
        .snapshot
        .identity_center
        .get()
        .map(|ic| ic.instances.len());
    let federated = saml.unwrap_or(0) + oidc.unwrap_or(0) + sso.unwrap_or(0);
    let res = a.account_resource();
    let mut f = if federated > 0 {
        m.finding(Status::Pass, res, "sign-in is federated")
    } else if humans == 0 {
        m.finding(Status::Pass, res, "no IAM user signs in to the console")
    } else if saml.is_none() && sso.is_none() {
        m.finding(
            Status::NotEvaluated,
            res,
            "SAML providers and Identity Center were not collected",
        )
    } else {
        m.finding(
            Status::Fail,
            res,
            format!(
                "{humans} IAM users sign in with passwords and no identity federation is set up"
            ),
        )
    };
    f.evidence.push(fact(
        "iam list-saml-providers / list-open-id-connect-providers / sso-admin list-instances",
        format!(
            "SAML providers {}, OIDC providers for people {}, Identity Center instances {}, console users {humans}",
            counted(saml),
            counted(oidc),
            counted(sso)
        ),
    ));
    vec![f]
}
