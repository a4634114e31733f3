//! IaC rules decided with the engine on the account as it will be: `iam:PassRole` on any
//! role (PW401), roles trusting a whole account or everyone (PW402), CloudFormation
//! service roles with administrator access (PW403). PW404-PW406 (access keys, console
//! passwords, policies attached to users) are decided while reading templates.

use std::collections::HashMap;

use phiward_access::{AccessModel, Via};
use phiward_policy::document::{PrincipalId, PrincipalSpec};
use phiward_policy::{Effect, PolicyKind};

use crate::doc::{Doc, DocKind, Origin};
use crate::finding::{self, Finding, Severity};
use crate::plan::Plan;

/// An IaC rule's metadata.
#[derive(Debug)]
pub struct Rule {
    /// Permanent id.
    pub id: &'static str,
    /// Short title.
    pub title: &'static str,
    /// How serious a finding of this rule is.
    pub severity: Severity,
    /// How to fix a finding.
    pub fix: &'static str,
}

/// Every IaC and new-access rule, for SARIF's rule list and `docs/iac.md`.
pub const RULES: &[Rule] = &[
    Rule { id: "PW400", title: "A template, plan or policy in it could not be read", severity: Severity::Error, fix: "fix the file or value named; phiward does not guess what it says" },
    Rule { id: "PW401", title: "iam:PassRole is granted on any role", severity: Severity::Error, fix: "name the roles that may be passed in `Resource`, and add an `iam:PassedToService` condition" },
    Rule { id: "PW402", title: "A role trusts a whole account or everyone", severity: Severity::Warning, fix: "name the roles or users that may assume it, or add conditions (`aws:PrincipalArn`, `sts:ExternalId`, `aws:PrincipalOrgID`)" },
    Rule { id: "PW403", title: "A CloudFormation service role has administrator access", severity: Severity::Error, fix: "give the stack role only the permissions its stacks create, and a permissions boundary on the roles it creates" },
    Rule { id: "PW404", title: "The template creates an access key for an IAM user", severity: Severity::Error, fix: "use roles (OIDC federation, IAM Roles Anywhere) instead of long-lived keys" },
    Rule { id: "PW405", title: "The template gives an IAM user a console password", severity: Severity::Warning, fix: "let people sign in through IAM Identity Center or a SAML provider" },
    Rule { id: "PW406", title: "A policy is attached to an IAM user directly", severity: Severity::Warning, fix: "attach policies to groups or roles (CIS AWS Foundations 1.15)" },
    Rule { id: "PW501", title: "New administrator", severity: Severity::Error, fix: "remove the grant, or confirm and list the principal in `[admins] principals`" },
    Rule { id: "PW502", title: "New privilege-escalation path to administrator", severity: Severity::Error, fix: "scope the step's permission (the roles that may be passed or assumed, the users whose credentials may be managed)" },
    Rule { id: "PW503", title: "New principal reaching PHI", severity: Severity::Error, fix: "remove the grant, or have it approved and listed in `[phi] approved`" },
    Rule { id: "PW504", title: "New cross-account or public access", severity: Severity::Error, fix: "name the principals that need access, with conditions (`aws:PrincipalOrgID`, `aws:SourceAccount`)" },
    Rule { id: "PW505", title: "New way to stop or erase audit logging", severity: Severity::Error, fix: "leave CloudTrail and its log bucket to administrators; deny `cloudtrail:StopLogging`, `DeleteTrail` and `UpdateTrail` in an SCP" },
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// A finding of rule `id`.
pub fn finding(id: &'static str, origin: &Origin, message: String) -> Finding {
    match rule(id) {
        Some(r) => finding::at(id, r.severity, origin, message, r.fix),
        None => finding::at(id, Severity::Error, origin, message, ""),
    }
}

/// The template documents of plans, by the name the access model gives them.
pub fn places(plans: &[Plan]) -> HashMap<&str, &Doc> {
    let mut out = HashMap::new();
    for p in plans {
        for (d, _) in &p.docs {
            out.entry(d.place.as_str()).or_insert(d);
        }
    }
    out
}

/// The template place of the first statement of `via` written in a template: origin,
/// placeholders and a description of the statement.
pub fn locate(via: &[Via], docs: &HashMap<&str, &Doc>) -> Option<(Origin, Vec<String>, String)> {
    via.iter().find_map(|v| {
        let d = docs.get(&*v.policy)?;
        let (pos, unknown) = d.at(v.line);
        let mut o = d.origin.clone();
        o.pos = pos;
        let sid = v
            .sid
            .as_deref()
            .map(|s| format!(" (`{s}`)"))
            .unwrap_or_default();
        Some((
            o,
            unknown,
            format!("statement {}{sid} of {}", v.statement, v.policy),
        ))
    })
}

/// PW401-PW403 on the account as it will be. PW401 asks the engine whether the principal
/// may `iam:PassRole` a role no policy names (AWS: IAM User Guide, "Grant a user
/// permissions to pass a role to an AWS service": the `Resource` should list the roles);
/// PW403 whether a role CloudFormation may assume can change its own permissions (AWS:
/// CloudFormation User Guide, "AWS CloudFormation service role": the stack acts with the
/// role's permissions).
pub fn decide(m: &AccessModel, plans: &[Plan], origins: &HashMap<String, Origin>) -> Vec<Finding> {
    let docs = places(plans);
    let mut out = Vec::new();
    let account = m.account.clone().unwrap_or_else(|| "000000000000".into());
    let probe = format!("arn:aws:iam::{account}:role/phiward-probe/any-role");
    for p in &m.principals {
        let from_template = p.identity.iter().any(|n| docs.contains_key(&*n.name));
        if from_template {
            if let Some(d) = phiward_access::decide_one(m, p, "iam:PassRole", &probe, &[]) {
                if let Some((o, unknown, stmt)) = locate(&d.via, &docs) {
                    let mut f = finding(
                        "PW401",
                        &o,
                        format!("`{}` may pass any role to any service (`iam:PassRole` on a role the policy does not name)", p.name),
                    );
                    f.detail.push(stmt);
                    f.depends_on = unknown;
                    out.push(f);
                }
            }
        }
        if let Some(origin) = origins.get(&p.arn) {
            let cfn = phiward_access::decide_as(
                m,
                "cloudformation.amazonaws.com",
                "sts:AssumeRole",
                &p.arn,
                &[],
                &[],
            );
            if cfn.is_some() {
                if let Some(step) = phiward_access::admin_grant(m, p) {
                    let (o, unknown, stmt) = locate(&step.via, &docs)
                        .unwrap_or_else(|| (origin.clone(), Vec::new(), String::new()));
                    let mut f = finding(
                        "PW403",
                        &o,
                        format!("CloudFormation service role `{}` is administrator-equivalent (`{}` on `{}`): anyone who can pass it to a stack holds every permission", p.name, step.action, step.resource),
                    );
                    f.resource = origin.resource.clone();
                    if !stmt.is_empty() {
                        f.detail.push(stmt);
                    }
                    f.depends_on = unknown;
                    out.push(f);
                }
            }
        }
    }
    for d in docs.values().filter(|d| d.kind == DocKind::Trust) {
        out.extend(trust(d));
    }
    out
}

/// PW402: trust policy statements that let everyone, or every principal of an account,
/// assume the role. AWS: IAM User Guide, "IAM JSON policy elements: Principal" (an
/// account principal "delegates the authority to the account": every user and role whose
/// own policies allow it).
fn trust(d: &Doc) -> Vec<Finding> {
    let Ok(policy) = phiward_policy::parse_policy(&d.text, PolicyKind::Resource) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in &policy.statements {
        let Some(p) = &s.principal else { continue };
        if s.effect != Effect::Allow || p.negated {
            continue;
        }
        let ids: Vec<&PrincipalId> = match &p.spec {
            PrincipalSpec::Wildcard => vec![&PrincipalId::Everyone],
            PrincipalSpec::Map(entries) => entries.iter().flat_map(|e| &e.ids).collect(),
        };
        for id in ids {
            let who = match id {
                PrincipalId::Everyone => "everyone (`*`)".to_string(),
                PrincipalId::Account(a) => format!("every principal of account `{a}`"),
                _ => continue,
            };
            let (pos, unknown) = d.at(p.pos.line);
            let mut o = d.origin.clone();
            o.pos = pos;
            let conditioned = !s.conditions.is_empty();
            let mut f = finding(
                "PW402",
                &o,
                format!(
                    "{} trusts {who}{}",
                    d.place.trim_end_matches(" trust policy"),
                    if conditioned {
                        ", limited only by conditions"
                    } else {
                        ""
                    }
                ),
            );
            if matches!(id, PrincipalId::Everyone) && !conditioned {
                f.severity = Severity::Error;
            }
            f.depends_on = unknown;
            out.push(f);
        }
    }
    out
}
